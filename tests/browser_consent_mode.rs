//! Google Consent Mode in Chromium: the build's `consent_mode` loader on a page fed the way a CMP
//! feeds Consent Mode (Google's `gtag` snippet), with a region-scoped default, a late update and
//! gtag.js replacing `dataLayer.push` (tests/browser/consent_mode.mjs). Skips loudly without
//! Chromium or `npm ci`, and fails then when `CI` is set, as tests/browser.rs does.

use std::io::Write;
use std::path::Path;
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

#[test]
fn consent_mode_in_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    if !Path::new(CHROMIUM).exists() {
        missing.push(CHROMIUM.to_owned());
    }
    if !Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        missing.push("node".to_owned());
    }
    if !root.join("node_modules/playwright-core/package.json").exists() {
        missing.push("node_modules/playwright-core".to_owned());
    }
    if !missing.is_empty() {
        let reason = format!(
            "the Consent Mode browser test needs chromium and npm ci (missing: {})",
            missing.join(", ")
        );
        assert!(!in_ci(), "{reason}");
        let line = "=".repeat(72);
        let _ = writeln!(std::io::stderr(), "\n{line}\nSKIPPED: {reason}\n{line}\n");
        return;
    }
    let dist = tempfile::tempdir().expect("temporary directory");
    let built = Command::new(env!("CARGO_BIN_EXE_consentc"))
        .args(["build", "tests/browser/consent_mode.policy", "--out"])
        .arg(dist.path())
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("run consentc");
    assert!(
        built.status.success(),
        "consentc build tests/browser/consent_mode.policy failed:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let status = Command::new("node")
        .arg("tests/browser/consent_mode.mjs")
        .arg(dist.path())
        .current_dir(root)
        .status()
        .expect("run node tests/browser/consent_mode.mjs");
    assert!(
        status.success(),
        "the Consent Mode browser test failed ({status}); its output is above"
    );
}
