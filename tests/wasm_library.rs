//! The library without default features (issue 16: no `fs`, no `parallel`, no `cli`) builds for
//! `wasm32-unknown-unknown`, and natively gives the same bytes as with them. Cargo is run with
//! the cargo running this test, from this package's directory, so it uses the same target
//! directory (CARGO_TARGET_DIR or the config's) and the same Cargo.lock. Without the wasm32
//! target the build test says SKIPPED loudly and passes, unless `CI` is set: then it fails.

use std::io::Write;
use std::process::{Command, Output};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// CI as tests/browser.rs reads it: set, and not empty, `false` or `0`.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Skips loudly, or fails when CI is set (CI must run every test).
fn skip(reason: &str) {
    assert!(!in_ci(), "wasm_library cannot run and CI is set: {reason}");
    // Straight to the process's stderr: the test harness captures eprintln!.
    let line = "=".repeat(72);
    let _ = writeln!(
        std::io::stderr(),
        "\n{line}\nSKIPPED: wasm_library, the library's WebAssembly build is NOT checked: {reason}\n{line}\n"
    );
}

fn cargo(args: &[&str]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("runs cargo")
}

#[test]
fn library_builds_for_wasm32_without_default_features() {
    let output = cargo(&[
        "build",
        "--locked",
        "--lib",
        "--no-default-features",
        "--target",
        WASM_TARGET,
    ]);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("can't find crate for `core`") || stderr.contains("target may not be installed") {
            skip(&format!(
                "the {WASM_TARGET} target is not installed (rustup target add {WASM_TARGET})"
            ));
            return;
        }
        panic!("`cargo build --lib --no-default-features --target {WASM_TARGET}` failed:\n{stderr}");
    }
}

/// examples/in_memory.rs (fmt, check in every format, build) over the repository's policies and
/// every ui fixture: with the default features (several threads) and without (one after the
/// other, no file system in the library), the output is byte for byte the same.
#[test]
fn without_default_features_the_library_gives_the_same_bytes() {
    let run = |features: &[&str]| {
        let mut args = vec!["run", "--locked", "--quiet", "--example", "in_memory"];
        args.extend(features);
        args.extend(["--", "policies", "tests/ui"]);
        let output = cargo(&args);
        assert!(
            output.status.success(),
            "cargo {}:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    };
    let with = run(&[]);
    let without = run(&["--no-default-features"]);
    assert!(with.len() > 100_000, "the example printed little: {} bytes", with.len());
    if with != without {
        let at = with
            .iter()
            .zip(&without)
            .position(|(a, b)| a != b)
            .unwrap_or(with.len().min(without.len()));
        let window =
            |s: &[u8]| String::from_utf8_lossy(&s[at.saturating_sub(200)..(at + 200).min(s.len())]).into_owned();
        panic!(
            "with and without default features differ at byte {at} ({} and {} bytes):\n--- with\n{}\n--- without\n{}",
            with.len(),
            without.len(),
            window(&with),
            window(&without)
        );
    }
}
