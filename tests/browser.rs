//! Real-browser end-to-end tests: builds the demo site's policies with the binary under test,
//! then runs the node suite (tests/browser/run.mjs), which drives Debian's Chromium through
//! playwright-core against the demo site with the real vanilla-cookieconsent and Klaro
//! libraries. See docs/browser-tests.md.
//!
//! Needs /usr/bin/chromium (`apt-get install -y chromium`) and the npm packages (`npm ci` at
//! the repository root). Without them the test fails when `CI` is set, and is skipped, loudly,
//! otherwise.

use std::io::Write;
use std::path::Path;
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";
const PACKAGES: [&str; 3] = ["playwright-core", "vanilla-cookieconsent", "klaro"];

/// What the suite needs and this machine lacks.
fn missing(root: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    if !Path::new(CHROMIUM).exists() {
        missing.push(CHROMIUM.to_owned());
    }
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        missing.push("node".to_owned());
    }
    for package in PACKAGES {
        if !root.join("node_modules").join(package).join("package.json").exists() {
            missing.push(format!("node_modules/{package}"));
        }
    }
    missing
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

#[test]
fn browser_end_to_end() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let missing = missing(root);
    if !missing.is_empty() {
        let reason = format!(
            "browser tests need chromium and npm ci; run: apt-get install -y chromium && npm ci (missing: {})",
            missing.join(", ")
        );
        assert!(!in_ci(), "{reason}");
        // Straight to the process's stderr: the test harness captures eprintln!.
        let line = "=".repeat(72);
        let _ = writeln!(std::io::stderr(), "\n{line}\nSKIPPED: {reason}\n{line}\n");
        return;
    }

    let dist = tempfile::tempdir().expect("temporary directory");
    let built = Command::new(env!("CARGO_BIN_EXE_consentc"))
        .args(["build", "examples/demo-site/demo.policy", "--out"])
        .arg(dist.path())
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("run consentc");
    assert!(
        built.status.success(),
        "consentc build examples/demo-site/demo.policy failed:\n{}{}",
        String::from_utf8_lossy(&built.stdout),
        String::from_utf8_lossy(&built.stderr)
    );

    // The suite prints a line per scenario and the measurements; its output goes straight to
    // the terminal (cargo test shows it as it runs).
    let status = Command::new("node")
        .arg("tests/browser/run.mjs")
        .arg("--dist")
        .arg(dist.path())
        .current_dir(root)
        .status()
        .expect("run node tests/browser/run.mjs");
    assert!(
        status.success(),
        "the browser suite failed ({status}); its output is above, screenshots of failures are in target/browser-tests/"
    );
}
