//! What the real-browser tests share (tests/browser.rs, tests/browser_bundled.rs,
//! tests/browser_consent_mode.rs): check that Chromium, node and the npm packages are there
//! (skip loudly without them, fail when `CI` is set), build a policy file with the binary under
//! test, and run a node suite on the output, whose output goes straight to the terminal.

use std::io::Write;
use std::path::Path;
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

/// One node suite over one built policy file.
pub struct Suite<'a> {
    /// What failures name.
    pub name: &'a str,
    /// The policy file to build, from the repository root.
    pub policy: &'a str,
    /// The node script, from the repository root; it gets `--dist DIR` (or `DIR` alone when
    /// `dist_flag` is false).
    pub script: &'a str,
    pub dist_flag: bool,
    /// The npm packages it needs under `node_modules`.
    pub packages: &'a [&'a str],
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// What the suite needs and this machine lacks.
fn missing(root: &Path, packages: &[&str]) -> Vec<String> {
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
    for package in packages {
        if !root.join("node_modules").join(package).join("package.json").exists() {
            missing.push(format!("node_modules/{package}"));
        }
    }
    missing
}

/// Runs the suite, or skips it loudly when this machine cannot (never in CI).
pub fn run(suite: &Suite) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let missing = missing(root, suite.packages);
    if !missing.is_empty() {
        let reason = format!(
            "{} needs chromium and npm ci; run: apt-get install -y chromium && npm ci (missing: {})",
            suite.name,
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
        .args(["build", suite.policy, "--out"])
        .arg(dist.path())
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("run consentc");
    assert!(
        built.status.success(),
        "consentc build {} failed:\n{}{}",
        suite.policy,
        String::from_utf8_lossy(&built.stdout),
        String::from_utf8_lossy(&built.stderr)
    );
    let mut node = Command::new("node");
    node.arg(suite.script);
    if suite.dist_flag {
        node.arg("--dist");
    }
    let status = node
        .arg(dist.path())
        .current_dir(root)
        .status()
        .unwrap_or_else(|e| panic!("run node {}: {e}", suite.script));
    assert!(
        status.success(),
        "{} failed ({status}); its output is above, screenshots of failures are in target/browser-tests/",
        suite.name
    );
}
