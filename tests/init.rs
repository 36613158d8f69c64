//! `consentc init`: writes a starting policy that passes `check`, and never overwrites.

use std::process::Command;

fn consentc(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_consentc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run")
}

#[test]
fn init_writes_a_policy_that_checks_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(consentc(dir.path(), &["init"]).status.code(), Some(0));
    let path = dir.path().join("policies/site.policy");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("policy site"));

    let check = consentc(dir.path(), &["check", "--format", "json"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(v["errors"], 0);

    std::fs::write(&path, "// my edits").unwrap();
    let again = consentc(dir.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("never overwrites"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "// my edits");
}

#[test]
fn the_starting_policy_builds() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(consentc(dir.path(), &["init"]).status.code(), Some(0));
    let out = consentc(dir.path(), &["build", "--out", "dist"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("dist/site/intercom-loader.cookieconsent.js").exists());
}
