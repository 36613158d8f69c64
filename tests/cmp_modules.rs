//! The composable CMP modules (`cookieconsent-intercom.mjs`, `klaro-intercom.mjs`) run and type
//! checked: builds tests/js/cmp_modules/modules.policy three times (as it is, reworded, with a
//! purpose's features changed) with the binary under test, then
//! - runs tests/js/cmp_modules/run.mjs under Node, which merges the modules into site
//!   configurations of their own and checks every rule of spec/integration.md, "Composable CMP
//!   configuration" (never mutating, read-only and required values, cookies, languages, the
//!   revision, callbacks, the handover to the loader);
//! - type-checks tests/js/cmp_modules/consumer.mts against the generated `.d.mts` declarations
//!   and vanilla-cookieconsent's own types with TypeScript's `tsc --noEmit`, with `bundler` and
//!   `nodenext` module resolution.
//!
//! Needs node and `npm ci` (typescript, vanilla-cookieconsent). Without them it says SKIPPED
//! loudly and passes, unless `CI` is set: then it fails.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// CI as tests/browser.rs reads it: set, and not empty, `false` or `0`.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Skips loudly, or fails when CI is set (CI must run every test).
fn skip(reason: &str) {
    assert!(!in_ci(), "cmp_modules cannot run and CI is set: {reason}");
    // Straight to the process's stderr: the test harness captures eprintln!.
    let line = "=".repeat(72);
    let _ = writeln!(
        std::io::stderr(),
        "\n{line}\nSKIPPED: cmp_modules, the composable CMP modules are NOT checked: {reason}\n{line}\n"
    );
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> PathBuf {
    root().join("tests/js/cmp_modules")
}

fn node_works() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn show(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Builds `policy` (its text) into `dir/out`; returns the policy's output directory.
fn build(dir: &Path, policy: &str) -> PathBuf {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).expect("creates the source dir");
    std::fs::write(src.join("modules.policy"), policy).expect("writes the policy");
    let out = dir.join("out");
    let built = Command::new(env!("CARGO_BIN_EXE_consentc"))
        .arg("build")
        .arg(&src)
        .arg("--out")
        .arg(&out)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs consentc");
    assert!(built.status.success(), "consentc build failed:\n{}", show(&built));
    out.join("modules")
}

/// The policy as it is, with a description reworded (same revision), and with a purpose's
/// features changed (another revision).
fn variants() -> (String, String, String) {
    let base = std::fs::read_to_string(fixture().join("modules.policy")).expect("reads the fixture");
    let reworded = base.replace("\"Talk to our support team.\"", "\"Talk to the team.\"");
    let changed = base.replace(
        "features = [intercom.product_tours]",
        "features = [intercom.product_tours, intercom.targeted_messages]",
    );
    assert_ne!(reworded, base, "the fixture has the description to reword");
    assert_ne!(changed, base, "the fixture has the features to change");
    (base, reworded, changed)
}

#[test]
fn composable_modules_merge_as_the_spec_says() {
    if !node_works() {
        skip("node is not on PATH");
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let (base, reworded, changed) = variants();
    let dirs = [("base", base), ("reworded", reworded), ("changed", changed)]
        .map(|(name, policy)| build(&tmp.path().join(name), &policy));
    let run = Command::new("node")
        .arg(fixture().join("run.mjs"))
        .args(&dirs)
        .output()
        .expect("runs node");
    assert!(
        run.status.success(),
        "tests/js/cmp_modules/run.mjs failed:\n{}",
        show(&run)
    );
    eprintln!("{}", String::from_utf8_lossy(&run.stdout).lines().last().unwrap_or(""));
}

#[test]
fn composable_modules_declarations_type_check() {
    let tsc = root().join("node_modules/typescript/bin/tsc");
    let cookieconsent_types = root().join("node_modules/vanilla-cookieconsent/types/index.d.ts");
    if !node_works() || !tsc.exists() || !cookieconsent_types.exists() {
        skip("needs node and `npm ci` (node_modules/typescript, node_modules/vanilla-cookieconsent)");
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let (base, _, _) = variants();
    build(tmp.path(), &base);
    for file in ["consumer.mts", "klaro-stub.d.mts"] {
        std::fs::copy(fixture().join(file), tmp.path().join(file)).expect("copies the consumer");
    }
    for (module, resolution) in [("esnext", "bundler"), ("nodenext", "nodenext")] {
        // `paths` points at vanilla-cookieconsent's own types: the temp dir has no node_modules.
        let tsconfig = serde_json::json!({
            "compilerOptions": {
                "strict": true,
                "noEmit": true,
                "module": module,
                "moduleResolution": resolution,
                "target": "es2020",
                "lib": ["es2020", "dom"],
                "types": [],
                "paths": {"vanilla-cookieconsent": [cookieconsent_types]},
            },
            "files": ["consumer.mts"],
        });
        let config = tmp.path().join("tsconfig.json");
        std::fs::write(&config, tsconfig.to_string()).expect("writes tsconfig.json");
        let checked = Command::new("node")
            .arg(&tsc)
            .arg("-p")
            .arg(&config)
            .output()
            .expect("runs tsc");
        assert!(
            checked.status.success(),
            "tsc --noEmit ({resolution} resolution) rejected consumer.mts against the generated declarations:\n{}",
            show(&checked)
        );
    }
}
