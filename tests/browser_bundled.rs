//! Real-browser tests of a bundled site (issue 12): builds tests/browser/bundled.policy with the
//! binary under test, then runs tests/browser/bundled.mjs, which bundles the site's JavaScript
//! with esbuild (vanilla-cookieconsent and Klaro from npm merged through `withIntercom`, a React
//! app with react-use-intercom, an app with @intercom/messenger-js-sdk) and drives Debian's
//! Chromium through playwright-core. See docs/browser-tests.md, "The bundled site".
//!
//! Needs /usr/bin/chromium (`apt-get install -y chromium`) and the npm packages (`npm ci` at
//! the repository root). Without them the test fails when `CI` is set, and is skipped, loudly,
//! otherwise.

use std::io::Write;
use std::path::Path;
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";
const PACKAGES: [&str; 8] = [
    "playwright-core",
    "esbuild",
    "vanilla-cookieconsent",
    "klaro",
    "react",
    "react-dom",
    "react-use-intercom",
    "@intercom/messenger-js-sdk",
];

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
fn browser_bundled_site() {
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
        .args(["build", "tests/browser/bundled.policy", "--out"])
        .arg(dist.path())
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("run consentc");
    assert!(
        built.status.success(),
        "consentc build tests/browser/bundled.policy failed:\n{}{}",
        String::from_utf8_lossy(&built.stdout),
        String::from_utf8_lossy(&built.stderr)
    );

    // The suite prints a line per scenario and the measurements; its output goes straight to
    // the terminal (cargo test shows it as it runs).
    let status = Command::new("node")
        .arg("tests/browser/bundled.mjs")
        .arg("--dist")
        .arg(dist.path())
        .current_dir(root)
        .status()
        .expect("run node tests/browser/bundled.mjs");
    assert!(
        status.success(),
        "the bundled-site browser suite failed ({status}); its output is above, screenshots of failures are in target/browser-tests/"
    );
}
