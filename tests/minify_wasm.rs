//! The loader's minifier gives the same bytes on WebAssembly as natively (issue 11: a later
//! issue compiles the library to WebAssembly). Builds `wasm/minify` (the same
//! `src/emit/minify.rs`, behind a small C ABI) for `wasm32-unknown-unknown`, runs it under Node
//! with `tests/js/minify_wasm.mjs` on the readable source of every CMP's loader for a spread of
//! feature sets, and compares with `consentc::emit::minify` here, with mangled and with kept
//! names. Without the wasm32 target or Node it says SKIPPED loudly and passes, unless `CI` is
//! set: then it fails. docs/loader.md, "Minification: the same bytes on WebAssembly".

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use consentc::emit::loader::{known_cmps, render_source};
use consentc::emit::loader_view::Features;
use consentc::emit::minify::{minify, Names};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const WASM_PACKAGE: &str = "consentc-minify-wasm";

/// CI as tests/browser.rs reads it: set, and not empty, `false` or `0`.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Skips loudly, or fails when CI is set (CI must run every test).
fn skip(reason: &str) {
    assert!(!in_ci(), "minify_wasm cannot run and CI is set: {reason}");
    // Straight to the process's stderr: the test harness captures eprintln!.
    let line = "=".repeat(72);
    let _ = writeln!(
        std::io::stderr(),
        "\n{line}\nSKIPPED: minify_wasm, the minifier's bytes on WebAssembly are NOT checked: {reason}\n{line}\n"
    );
}

/// Where two outputs first differ, with some context: the outputs are single long lines.
fn first_difference(native: &Result<String, String>, wasm: &Result<String, String>) -> String {
    let (a, b) = match (native, wasm) {
        (Ok(a), Ok(b)) => (a.as_bytes(), b.as_bytes()),
        _ => return format!("native: {native:?}\n  wasm:   {wasm:?}"),
    };
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let window = |s: &[u8]| String::from_utf8_lossy(&s[at.saturating_sub(60)..(at + 60).min(s.len())]).into_owned();
    format!(
        "lengths {} (native) and {} (wasm), first difference at byte {at}:\n  native: …{}…\n  wasm:   …{}…",
        a.len(),
        b.len(),
        window(a),
        window(b)
    )
}

fn features_off() -> Features {
    Features {
        facade: false,
        interaction: false,
        pages: false,
        identity: false,
        attributes: false,
        views: false,
        budget: false,
        multi: false,
        behavioural: false,
        nav: false,
        gpc: false,
        honor: false,
        reload: false,
    }
}

/// All off, all on, and each feature alone.
fn feature_sets() -> Vec<(String, Features)> {
    type Switch = fn(&mut Features) -> &mut bool;
    let switches: [(&str, Switch); 13] = [
        ("facade", |f| &mut f.facade),
        ("interaction", |f| &mut f.interaction),
        ("pages", |f| &mut f.pages),
        ("identity", |f| &mut f.identity),
        ("attributes", |f| &mut f.attributes),
        ("views", |f| &mut f.views),
        ("budget", |f| &mut f.budget),
        ("multi", |f| &mut f.multi),
        ("behavioural", |f| &mut f.behavioural),
        ("nav", |f| &mut f.nav),
        ("gpc", |f| &mut f.gpc),
        ("honor", |f| &mut f.honor),
        ("reload", |f| &mut f.reload),
    ];
    let mut all = features_off();
    for (_, switch) in &switches {
        *switch(&mut all) = true;
    }
    let mut sets = vec![("none".to_owned(), features_off()), ("all".to_owned(), all)];
    for (name, switch) in &switches {
        let mut one = features_off();
        *switch(&mut one) = true;
        sets.push(((*name).to_owned(), one));
    }
    sets
}

/// Builds the wasm module with the cargo running this test, from this package's directory, so
/// it uses the same target directory (CARGO_TARGET_DIR or the config's) and the same Cargo.lock.
/// `None` (after `skip`) when the wasm32 target is not installed.
fn build_wasm() -> Option<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "build",
            "--release",
            "--locked",
            "--target",
            WASM_TARGET,
            "-p",
            WASM_PACKAGE,
        ])
        .arg("--message-format=json-render-diagnostics")
        .output()
        .expect("runs cargo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        if stderr.contains("can't find crate for `core`") || stderr.contains("target may not be installed") {
            skip(&format!(
                "the {WASM_TARGET} target is not installed (rustup target add {WASM_TARGET})"
            ));
            return None;
        }
        panic!("building {WASM_PACKAGE} for {WASM_TARGET} failed:\n{stderr}");
    }
    // The artifact's path, from cargo's own report (robust to target-dir and build-dir settings).
    let wasm = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|msg| msg["reason"] == "compiler-artifact" && msg["target"]["name"] == "consentc_minify_wasm")
        .flat_map(|msg| msg["filenames"].as_array().cloned().unwrap_or_default())
        .filter_map(|name| name.as_str().map(PathBuf::from))
        .find(|path| path.extension().is_some_and(|ext| ext == "wasm"));
    Some(wasm.unwrap_or_else(|| panic!("cargo reported no .wasm for {WASM_PACKAGE}:\n{stdout}")))
}

fn node_version() -> Option<String> {
    let output = Command::new("node").arg("--version").output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// What the wasm driver wrote for `stem` and `suffix`: `Ok(code)` or `Err(message)`.
fn wasm_result(stem: &Path, suffix: &str) -> Result<String, String> {
    let ok = stem.with_extension(format!("{suffix}.js"));
    let err = stem.with_extension(format!("{suffix}.err"));
    match (std::fs::read(&ok), std::fs::read(&err)) {
        (Ok(bytes), _) => Ok(String::from_utf8(bytes).expect("the wasm output is UTF-8")),
        (_, Ok(bytes)) => Err(String::from_utf8_lossy(&bytes).into_owned()),
        _ => panic!("the wasm driver wrote no output for {}", stem.display()),
    }
}

#[test]
fn minifier_gives_the_same_bytes_on_wasm32() {
    let Some(node) = node_version() else {
        skip("node is not on PATH (Node 18 or later runs the WebAssembly module)");
        return;
    };
    let Some(wasm) = build_wasm() else { return };

    let dir = tempfile::tempdir().expect("temp dir");
    let mut cases = Vec::new();
    for cmp in known_cmps() {
        for (set, features) in feature_sets() {
            let source = render_source(cmp, features).unwrap_or_else(|e| panic!("{cmp}/{set}: {e}"));
            // Stems have no dots: `with_extension` replaces only what follows the last one.
            let stem = dir.path().join(format!("{cmp}-{set}"));
            std::fs::write(stem.with_extension("src.js"), &source).expect("writes the source");
            cases.push((format!("{cmp}/{set}"), stem, source));
        }
    }

    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js/minify_wasm.mjs");
    let run = Command::new("node")
        .arg(&driver)
        .arg(&wasm)
        .arg(dir.path())
        .output()
        .expect("runs node");
    assert!(
        run.status.success(),
        "the wasm driver failed (node {node}):\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );

    let mut differ = Vec::new();
    for (case, stem, source) in &cases {
        for (names, suffix) in [(Names::Mangled, "mangled"), (Names::Kept, "kept")] {
            let native = minify(source, names);
            assert!(native.is_ok(), "{case} ({suffix}) does not minify natively: {native:?}");
            let wasm = wasm_result(stem, suffix);
            if native != wasm {
                differ.push(format!("{case} ({suffix}): {}", first_difference(&native, &wasm)));
            }
        }
    }
    assert!(
        differ.is_empty(),
        "the minifier gives different bytes on {WASM_TARGET} ({} of {} outputs):\n{}",
        differ.len(),
        cases.len() * 2,
        differ.join("\n")
    );
    eprintln!(
        "minify_wasm: {} outputs ({} sources, mangled and kept names) identical on {WASM_TARGET} (node {node}, {}: {} bytes)",
        cases.len() * 2,
        cases.len(),
        wasm.display(),
        std::fs::metadata(&wasm).map(|m| m.len()).unwrap_or(0)
    );
}
