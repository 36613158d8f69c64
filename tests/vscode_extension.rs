//! The VS Code extension (editors/vscode/): its TextMate grammar against the scope assertions
//! in editors/vscode/test/ (`vscode-tmgrammar-test`), and its TypeScript bundled with esbuild.
//! Both need the npm packages of package-lock.json (`npm ci`): without them the test says
//! SKIPPED loudly, and fails when `CI` is set.

use std::path::Path;
use std::process::Command;

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The tool under node_modules/.bin, or `None` after saying why.
fn tool(root: &Path, name: &str) -> Option<std::path::PathBuf> {
    let path = root.join("node_modules/.bin").join(name);
    if path.exists() && Command::new("node").arg("--version").output().is_ok() {
        return Some(path);
    }
    let why = format!(
        "SKIPPED: {} or node is missing; run `npm ci --ignore-scripts`",
        path.display()
    );
    assert!(!in_ci(), "{why}");
    eprintln!("{why}");
    None
}

#[test]
fn textmate_grammar_scopes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(test) = tool(root, "vscode-tmgrammar-test") else {
        return;
    };
    let dir = root.join("editors/vscode");
    let out = Command::new(test)
        .current_dir(&dir)
        .args([
            "-g",
            "syntaxes/policy.tmLanguage.json",
            "-g",
            "syntaxes/vendor.tmLanguage.json",
            "test/*.policy",
            "test/*.vendor",
        ])
        .output()
        .expect("run vscode-tmgrammar-test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    // Both sample files ran.
    assert_eq!(stdout.matches("run successfuly").count(), 2, "{stdout}");
}

#[test]
fn extension_bundles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(esbuild) = tool(root, "esbuild") else {
        return;
    };
    let out_dir = tempfile::tempdir().expect("temp dir");
    let outfile = out_dir.path().join("extension.js");
    let out = Command::new(esbuild)
        .current_dir(root.join("editors/vscode"))
        .args([
            "src/extension.ts",
            "--bundle",
            "--platform=node",
            "--format=cjs",
            "--external:vscode",
        ])
        .arg(format!("--outfile={}", outfile.display()))
        .output()
        .expect("run esbuild");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bundle = std::fs::read_to_string(&outfile).expect("bundle");
    // vscode-languageclient is inside; `vscode` is the host's.
    assert!(bundle.contains("LanguageClient"), "the client library is bundled");
    assert!(bundle.contains("require(\"vscode\")"), "vscode stays external");
    assert!(bundle.contains("\"lsp\""), "the extension starts `consentc lsp`");
}
