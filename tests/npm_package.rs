//! The npm package (npm/, issue 16) against the native binary: builds it with its own script
//! (`npm/scripts/build.mjs`, what `npm run build` runs), packs it with `npm pack`, installs the
//! tarball into a temporary project, and runs that project's `consentc` command and API on the
//! ui fixtures (tests/ui/), the repository's policies/ and the conformance kit
//! (../shared/conformance/): every run must give the native binary's exit code and
//! byte-identical stdout and stderr, every build byte-identical files.
//!
//! Without node and npm, or when the package cannot be built here (no wasm32 target), it says
//! SKIPPED loudly and passes, unless `CI` is set: then it fails. docs/npm.md.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

/// CI as tests/browser.rs reads it: set, and not empty, `false` or `0`.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The package, packed and installed into a temporary project.
struct Installed {
    /// Keeps the project (and the tarball) until the test binary ends.
    _dir: tempfile::TempDir,
    project: PathBuf,
    /// The project's `node_modules/.bin/consentc`, as `npx consentc` runs it.
    bin: PathBuf,
    pack: Value,
}

fn node_and_npm() -> Result<(), String> {
    for tool in ["node", "npm"] {
        let ok = Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            return Err(format!("`{tool}` is not on PATH (Node 18 or later with npm)"));
        }
    }
    Ok(())
}

fn checked(what: &str, out: std::io::Result<Output>) -> Result<Output, String> {
    let out = out.map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn install() -> Result<Installed, String> {
    node_and_npm()?;
    let npm_dir = repo().join("npm");
    checked(
        "node npm/scripts/build.mjs",
        Command::new("node")
            .args(["scripts/build.mjs", "--quiet"])
            .current_dir(&npm_dir)
            .output(),
    )?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let packed = checked(
        "npm pack",
        Command::new("npm")
            .args(["pack", "--json", "--pack-destination"])
            .arg(dir.path())
            .current_dir(&npm_dir)
            .output(),
    )?;
    let pack: Value = serde_json::from_slice(&packed.stdout).map_err(|e| format!("npm pack --json: {e}"))?;
    let tarball = dir
        .path()
        .join(pack[0]["filename"].as_str().ok_or("npm pack named no file")?);
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).map_err(|e| e.to_string())?;
    std::fs::write(
        project.join("package.json"),
        r#"{"name": "uses-consentc", "private": true}"#,
    )
    .map_err(|e| e.to_string())?;
    checked(
        "npm install <tarball>",
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--ignore-scripts", "--offline"])
            .arg(&tarball)
            .current_dir(&project)
            .output(),
    )?;
    let bin = project
        .join("node_modules/.bin")
        .join(if cfg!(windows) { "consentc.cmd" } else { "consentc" });
    Ok(Installed {
        _dir: dir,
        project,
        bin,
        pack: pack[0].clone(),
    })
}

/// The installed package, once per test binary; `None` after a loud skip.
fn package() -> Option<&'static Installed> {
    static PACKAGE: OnceLock<Result<Installed, String>> = OnceLock::new();
    match PACKAGE.get_or_init(install) {
        Ok(installed) => Some(installed),
        Err(reason) => {
            assert!(!in_ci(), "the npm package cannot be tested and CI is set: {reason}");
            // A missing tool is this machine's; anything else (a build that fails) is a bug.
            let missing_tool = reason.contains("is not on PATH") || reason.contains("wasm32-unknown-unknown target");
            assert!(missing_tool, "the npm package does not build or install: {reason}");
            let line = "=".repeat(72);
            let _ = writeln!(
                std::io::stderr(),
                "\n{line}\nSKIPPED: npm_package, the npm package is NOT tested: {reason}\n{line}\n"
            );
            None
        }
    }
}

fn native() -> Command {
    Command::new(env!("CARGO_BIN_EXE_consentc"))
}

/// Runs `cmd` with the environment both commands get: no colour, whatever the terminal.
fn output(mut cmd: Command, dir: &Path) -> Output {
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .output()
        .expect("runs")
}

/// Where two texts first differ, with context.
fn difference(native: &[u8], npm: &[u8]) -> String {
    let at = native
        .iter()
        .zip(npm)
        .position(|(a, b)| a != b)
        .unwrap_or(native.len().min(npm.len()));
    let window = |s: &[u8]| String::from_utf8_lossy(&s[at.saturating_sub(80)..(at + 80).min(s.len())]).into_owned();
    format!(
        "{} and {} bytes, first difference at byte {at}:\n    native: {:?}\n    npm:    {:?}",
        native.len(),
        npm.len(),
        window(native),
        window(npm)
    )
}

/// Runs `consentc ARGS` natively and from the package in `dir`; what differs, if anything.
fn compare(pkg: &Installed, args: &[&str], dir: &Path) -> Option<String> {
    let mut cmd = native();
    cmd.args(args);
    let mut a = output(cmd, dir);
    // `audit` (a browser) and `lsp` (a server on stdio) are native only (shared/spec/cli.md):
    // the package's command list is the native one without them, and nothing else differs.
    a.stdout = without_native_only_commands(&a.stdout);
    a.stderr = without_native_only_commands(&a.stderr);
    let mut cmd = Command::new(&pkg.bin);
    cmd.args(args);
    let b = output(cmd, dir);
    let mut why = Vec::new();
    if a.status.code() != b.status.code() {
        why.push(format!(
            "  exit {:?} (native) and {:?} (npm)",
            a.status.code(),
            b.status.code()
        ));
    }
    if a.stdout != b.stdout {
        why.push(format!("  stdout: {}", difference(&a.stdout, &b.stdout)));
    }
    if a.stderr != b.stderr {
        why.push(format!("  stderr: {}", difference(&a.stderr, &b.stderr)));
    }
    (!why.is_empty()).then(|| format!("consentc {}:\n{}", args.join(" "), why.join("\n")))
}

/// The top-level help's lines for the native-only commands removed.
fn without_native_only_commands(text: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(text);
    let kept: Vec<&str> = text
        .split_inclusive('\n')
        .filter(|line| !(line.starts_with("  audit ") || line.starts_with("  lsp ")))
        .collect();
    kept.concat().into_bytes()
}

fn assert_same(differences: Vec<String>, runs: usize) {
    assert!(
        differences.is_empty(),
        "the npm package and the native binary differ in {} of {runs} runs:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

/// Every fixture of tests/ui (a `.policy` file or a directory), from the repository root.
fn ui_fixtures() -> Vec<String> {
    let mut found = Vec::new();
    let mut codes: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/ui"))
        .expect("tests/ui")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    codes.sort();
    for code in codes {
        let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&code)
            .expect("a code's fixtures")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "policy"))
            .collect();
        fixtures.sort();
        let relative = |p: &Path| p.strip_prefix(repo()).expect("under the repo").display().to_string();
        found.extend(fixtures.iter().map(|p| relative(p)));
    }
    assert!(found.len() > 100, "tests/ui has fixtures: {found:?}");
    found
}

fn conformance() -> Option<PathBuf> {
    let kit = repo().join("../shared/conformance");
    if kit.join("run").exists() {
        return Some(kit);
    }
    assert!(!in_ci(), "CI is set and ../shared/conformance is missing");
    let _ = writeln!(
        std::io::stderr(),
        "note: ../shared/conformance is missing; its runs are left out"
    );
    None
}

fn policies_of(dir: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "policy"))
                .map(|p| p.display().to_string())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

#[test]
fn check_gives_the_native_bytes_and_exit_codes_on_every_fixture() {
    let Some(pkg) = package() else { return };
    let mut differences = Vec::new();
    let mut runs = 0;
    let mut sets = ui_fixtures();
    sets.push("policies".to_owned());
    if let Some(kit) = conformance() {
        sets.extend(policies_of(&kit.join("pass")));
        sets.extend(policies_of(&kit.join("fail")));
    }
    for set in &sets {
        for format in ["human", "json"] {
            runs += 1;
            differences.extend(compare(pkg, &["check", "--format", format, set], repo()));
        }
    }
    // Every fixture at once, in every format, and the options that change the report.
    for args in [
        &["check", "--format", "human", "tests/ui"][..],
        &["check", "--format", "json", "tests/ui"],
        &["check", "--format", "sarif", "tests/ui"],
        &["check", "--format", "github", "tests/ui"],
        &["check", "--format", "sarif", "policies"],
        &["check", "--format", "github", "policies"],
        &["check", "--deny", "warnings", "tests/ui/CP0401"],
        &["check", "--allow", "CP0401", "tests/ui/CP0401"],
        &["check", "--allow", "CP0201", "policies"],
        &["check", "--allow", "CPXXXX", "policies"],
    ] {
        runs += 1;
        differences.extend(compare(pkg, args, repo()));
    }
    assert_same(differences, runs);
    eprintln!("npm_package: `check` identical to the native binary in {runs} runs");
}

/// Every file under `dir`, by path relative to it.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, found: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.path().is_dir() {
                walk(&entry.path(), &format!("{name}/"), found);
            } else {
                found.insert(name, std::fs::read(entry.path()).expect("reads"));
            }
        }
    }
    let mut found = BTreeMap::new();
    walk(dir, "", &mut found);
    found
}

#[test]
fn build_writes_the_native_bytes() {
    let Some(pkg) = package() else { return };
    let mut sets: Vec<String> = vec!["policies".to_owned(), "examples/demo-site/demo.policy".to_owned()];
    sets.extend(ui_fixtures().into_iter().filter(|f| {
        let name = f.rsplit('/').next().unwrap_or_default();
        name.starts_with("pass-")
    }));
    if let Some(kit) = conformance() {
        sets.extend(policies_of(&kit.join("pass")));
    }
    let work = tempfile::tempdir().expect("tempdir");
    let mut differences = Vec::new();
    let mut built = 0;
    for (i, set) in sets.iter().enumerate() {
        let (a, b) = (
            work.path().join(format!("native-{i}")),
            work.path().join(format!("npm-{i}")),
        );
        let args = |out: &Path| {
            let out = out.display().to_string();
            vec!["build".to_owned(), set.clone(), "--out".to_owned(), out]
        };
        let mut cmd = native();
        cmd.args(args(&a));
        let native_run = output(cmd, repo());
        let mut cmd = Command::new(&pkg.bin);
        cmd.args(args(&b));
        let npm_run = output(cmd, repo());
        let (ta, tb) = (tree(&a), tree(&b));
        if native_run.status.code() != npm_run.status.code() {
            differences.push(format!(
                "build {set}: exit {:?} (native) and {:?} (npm)",
                native_run.status.code(),
                npm_run.status.code()
            ));
        }
        // The summary names the output directory: compare it with the names swapped.
        let npm_stderr =
            String::from_utf8_lossy(&npm_run.stderr).replace(&b.display().to_string(), &a.display().to_string());
        if native_run.stderr != npm_stderr.as_bytes() {
            differences.push(format!(
                "build {set}: stderr {}",
                difference(&native_run.stderr, npm_stderr.as_bytes())
            ));
        }
        if ta != tb {
            let names = |t: &BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
            let differ: Vec<&String> = ta.keys().filter(|k| ta.get(*k) != tb.get(*k)).collect();
            differences.push(format!(
                "build {set}: files differ: {differ:?}\n  native: {:?}\n  npm:    {:?}",
                names(&ta),
                names(&tb)
            ));
        }
        built += usize::from(!ta.is_empty());
    }
    assert_same(differences, sets.len());
    assert!(built >= 10, "only {built} builds wrote files");
    eprintln!(
        "npm_package: `build` wrote the native bytes for {} compile sets ({built} with files)",
        sets.len()
    );
}

#[test]
fn build_check_fmt_init_and_the_other_commands_match_native() {
    let Some(pkg) = package() else { return };
    let work = tempfile::tempdir().expect("tempdir");
    let dir = work.path();
    let mut differences = Vec::new();
    let mut runs = 0;
    let mut both = |args: &[&str], at: &Path| {
        runs += 1;
        differences.extend(compare(pkg, args, at));
    };

    // build --check: up to date, then stale, missing and extra files.
    let out = dir.join("dist");
    let built = native()
        .args(["build", "policies", "--out"])
        .arg(&out)
        .current_dir(repo())
        .output()
        .expect("builds");
    assert!(built.status.success());
    let out_text = out.display().to_string();
    both(&["build", "--check", "policies", "--out", &out_text], repo());
    both(
        &["build", "--check", "policies", "--out", &out_text, "--base", "/static/"],
        repo(),
    );
    std::fs::write(out.join("saas_app/cookies.md"), "edited").expect("edits");
    std::fs::remove_file(out.join("docs_site/csp.txt")).expect("removes");
    std::fs::write(out.join("docs_site/old.js"), "left over").expect("adds");
    std::fs::create_dir_all(out.join(".consentc-abc123")).expect("a staging directory");
    both(&["build", "--check", "policies", "--out", &out_text], repo());

    // Usage errors and the commands that only print.
    for args in [
        &["--help"][..],
        &["--version"],
        &["check", "--help"],
        &["build", "--help"],
        &[],
        &["nope"],
        &["check", "--no-such-flag", "policies"],
        &["check", "--format", "xml", "policies"],
        &["check", "missing.policy"],
        &["check", "README.md"],
        &["build", "policies", "--cmp", "nope", "--out", &out_text],
        &["build", "policies", "--cmp", "didomi", "--out", &out_text],
        &["build", "policies", "--base", "relative/", "--out", &out_text],
        &["build", "tests/ui/CP0201", "--out", &out_text],
        &["explain", "CP0201"],
        &["explain", "CP0401"],
        &["explain", "nope"],
        &["features"],
        &["features", "intercom"],
        &["features", "klaro"],
        &["features", "nope"],
    ] {
        both(args, repo());
    }

    // No policies/ here: the hint to run init; then init, twice.
    let (a, b) = (dir.join("native"), dir.join("npm"));
    for d in [&a, &b] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    let same_in_both = |args: &[&str], differences: &mut Vec<String>| {
        let mut cmd = native();
        cmd.args(args);
        let x = output(cmd, &a);
        let mut cmd = Command::new(&pkg.bin);
        cmd.args(args);
        let y = output(cmd, &b);
        if (x.status.code(), &x.stdout, &x.stderr) != (y.status.code(), &y.stdout, &y.stderr) {
            differences.push(format!(
                "consentc {} in an empty directory: native {:?} {}; npm {:?} {}",
                args.join(" "),
                x.status.code(),
                String::from_utf8_lossy(&x.stderr),
                y.status.code(),
                String::from_utf8_lossy(&y.stderr)
            ));
        }
    };
    for args in [
        &["check"][..],
        &["init"],
        &["init"],
        &["check"],
        &["init", "--path", "more/site.policy"],
    ] {
        runs += 1;
        same_in_both(args, &mut differences);
    }
    assert_eq!(tree(&a), tree(&b), "init wrote different files");

    // fmt --check and fmt on copies of every fixture (some do not parse, some are not canonical).
    for d in [&a, &b] {
        copy_dir(&repo().join("tests/ui"), &d.join("ui"));
    }
    for args in [&["fmt", "--check", "ui"][..], &["fmt", "ui"], &["fmt", "--check", "ui"]] {
        runs += 1;
        same_in_both(args, &mut differences);
    }
    assert_eq!(tree(&a), tree(&b), "fmt wrote different files");
    assert_same(differences, runs);
    eprintln!("npm_package: build --check, fmt, init, explain, features and usage errors identical in {runs} runs");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copies");
        }
    }
}

#[test]
fn the_conformance_kit_passes_with_the_package() {
    let Some(pkg) = package() else { return };
    let Some(kit) = conformance() else { return };
    let run = Command::new("bash")
        .arg(kit.join("run"))
        .arg(&pkg.bin)
        .current_dir(repo())
        .output()
        .expect("runs bash");
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the conformance kit fails with the npm package:\n{text}"
    );
    eprintln!("npm_package: conformance kit with the npm package: {}", text.trim());
}

/// The API (`import {check, build, render, format} from "consentc"`) on every fixture: the
/// json report, the human rendering and the built files are the library's.
#[test]
fn the_api_gives_the_librarys_reports_and_files() {
    let Some(pkg) = package() else { return };
    let mut sets: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for fixture in ui_fixtures() {
        let path = repo().join(&fixture);
        let files = if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
                .expect("read_dir")
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "policy"))
                .collect();
            files.sort();
            files
        } else {
            vec![path]
        };
        sets.push((fixture, files));
    }
    sets.push((
        "policies".to_owned(),
        policies_of(&repo().join("policies"))
            .iter()
            .map(PathBuf::from)
            .collect(),
    ));
    if let Some(kit) = conformance() {
        for file in policies_of(&kit.join("pass"))
            .into_iter()
            .chain(policies_of(&kit.join("fail")))
        {
            sets.push((file.clone(), vec![PathBuf::from(file)]));
        }
    }
    // Each set's files by display name, as the driver hands them to the API.
    let name = |p: &Path| {
        p.strip_prefix(repo())
            .map(|r| r.display().to_string())
            .unwrap_or_else(|_| p.display().to_string())
    };
    let input: Vec<Value> = sets
        .iter()
        .map(|(set, files)| {
            let files: serde_json::Map<String, Value> = files
                .iter()
                .map(|f| {
                    (
                        name(f),
                        Value::String(String::from_utf8_lossy(&std::fs::read(f).expect("reads")).into_owned()),
                    )
                })
                .collect();
            serde_json::json!({"name": set, "files": files})
        })
        .collect();
    let work = tempfile::tempdir().expect("tempdir");
    let input_path = work.path().join("sets.json");
    std::fs::write(&input_path, serde_json::to_vec(&input).expect("json")).expect("writes");
    let driver = repo().join("tests/js/npm_api.mjs");
    let run = Command::new("node")
        .arg(&driver)
        .arg(&input_path)
        .current_dir(&pkg.project)
        .output()
        .expect("runs node");
    assert!(
        run.status.success(),
        "tests/js/npm_api.mjs failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&run.stdout).expect("the driver prints JSON");
    assert_eq!(results.len(), sets.len());

    let mut differences = Vec::new();
    for ((set, _), (input, got)) in sets.iter().zip(input.iter().zip(&results)) {
        let sources: Vec<(String, Vec<u8>)> = input["files"]
            .as_object()
            .expect("files")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().expect("text").as_bytes().to_vec()))
            .collect();
        let checked = consentc::check_sources(sources.clone());
        let report: Value = serde_json::from_str(&consentc::diagnostics::json::render(
            &checked.diagnostics,
            &checked.sources,
        ))
        .expect("json");
        if report != got["report"] {
            differences.push(format!(
                "{set}: check() report differs:\n  native {report}\n  npm    {}",
                got["report"]
            ));
        }
        let human = format!(
            "{}{}\n",
            consentc::diagnostics::human::render(&checked.diagnostics, &checked.sources, false),
            consentc::diagnostics::human::summary(&checked.diagnostics, checked.sources.files().count())
        );
        if got["human"] != human.as_str() {
            differences.push(format!(
                "{set}: render() differs: {}",
                difference(human.as_bytes(), got["human"].as_str().unwrap_or_default().as_bytes())
            ));
        }
        let built = consentc::build_sources(sources, consentc::emit::Options::default()).expect("builds");
        let files: Option<BTreeMap<String, String>> = built.output.map(|o| {
            o.files
                .into_iter()
                .map(|(k, v)| (k, String::from_utf8(v).expect("UTF-8")))
                .collect()
        });
        let got_files: Option<BTreeMap<String, String>> = serde_json::from_value(got["files"].clone()).expect("files");
        if files != got_files {
            differences.push(format!("{set}: build() files differ"));
        }
        // format() of the set's first file: the canonical text, or null where it does not parse.
        let first = input["files"]
            .as_object()
            .expect("files")
            .values()
            .next()
            .expect("a file");
        let expected = consentc::fmt::format_source(first.as_str().expect("text")).ok();
        if got["format"].as_str() != expected.as_deref() {
            differences.push(format!("{set}: format() gives {} for {expected:?}", got["format"]));
        }
    }
    assert_same(differences, sets.len());
    eprintln!(
        "npm_package: the API's reports, renderings, builds and formatting are the library's on {} compile sets",
        sets.len()
    );
}

/// What the package holds, its size, and that `npx consentc` finds its command.
#[test]
fn the_package_holds_the_module_the_command_and_the_types() {
    let Some(pkg) = package() else { return };
    let files: Vec<&str> = pkg.pack["files"]
        .as_array()
        .expect("npm pack --json lists the files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    for wanted in [
        "package.json",
        "README.md",
        "bin/consentc.js",
        "lib/index.js",
        "lib/index.d.ts",
        "lib/cli.js",
        "lib/node-host.js",
        "lib/wasm.js",
        "wasm/consentc_wasm.js",
        "wasm/consentc_wasm_bg.wasm",
    ] {
        assert!(files.contains(&wanted), "the tarball lacks {wanted}: {files:?}");
    }
    assert!(
        !files.iter().any(|f| f.starts_with("scripts/")),
        "the build script is not shipped: {files:?}"
    );
    let npx = output(
        {
            let mut cmd = Command::new("npx");
            cmd.args(["--no-install", "consentc", "--version"]);
            cmd
        },
        &pkg.project,
    );
    assert_eq!(
        String::from_utf8_lossy(&npx.stdout),
        format!("consentc {}\n", env!("CARGO_PKG_VERSION")),
        "npx consentc --version: {}",
        String::from_utf8_lossy(&npx.stderr)
    );
    eprintln!(
        "npm_package: {} ({} bytes packed, {} unpacked, {} files)",
        pkg.pack["filename"].as_str().unwrap_or_default(),
        pkg.pack["size"],
        pkg.pack["unpackedSize"],
        files.len()
    );
}

/// `index.d.ts` describes the API as a TypeScript project sees it through the package's
/// `exports`: a consumer type-checks under `nodenext` and `bundler` resolution, and misuses are
/// errors (each `@ts-expect-error` must meet one, or tsc fails).
#[test]
fn the_types_describe_the_api() {
    let Some(pkg) = package() else { return };
    let tsc = repo().join("node_modules/typescript/bin/tsc");
    if !tsc.exists() {
        assert!(!in_ci(), "CI is set and node_modules/typescript is missing (npm ci)");
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: npm_package types, no node_modules/typescript (npm ci)"
        );
        return;
    }
    let dir = pkg.project.join("types-check");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("consumer.mts"),
        r#"import { build, check, ConsentcError, explain, features, format, render, starterPolicy, version } from 'consentc';
import type { BuildResult, Diagnostic, Report } from 'consentc';

const files = { 'site.policy': starterPolicy() };
const report: Report = check(files, { allow: ['CP0401'], denyWarnings: true });
const first: Diagnostic | undefined = report.diagnostics[0];
const where: string = first ? `${first.file}:${first.line}:${first.column} ${first.code} ${first.severity}` : version;
const text: string = render(new Map([['a.policy', new Uint8Array()]]), { format: 'sarif', color: false });
const built: BuildResult = build([['a.policy', 'policy a {}']], { cmps: ['klaro'], base: '/' });
const out: string | undefined = built.files?.['a/policy.json'];
const gz: number = built.loaders[0].gzip;
try {
  format('policy {', { path: 'x.policy' });
} catch (e) {
  if (e instanceof ConsentcError) console.log(e.report.errors);
}
console.log(where, text, out, gz, explain('CP0201'), features(), features('klaro'));

// @ts-expect-error: a severity is `error` or `warning`
const bad: 'note' = report.diagnostics[0].severity;
// @ts-expect-error: the format is one of four
render(files, { format: 'xml' });
// @ts-expect-error: contents are text or bytes
check({ 'a.policy': 42 });
// @ts-expect-error: files are null when the check has errors
const always: Record<string, string> = built.files;
console.log(bad, always);
"#,
    )
    .expect("writes the consumer");
    for (module, resolution) in [("nodenext", "nodenext"), ("esnext", "bundler")] {
        let tsconfig = serde_json::json!({
            "compilerOptions": {
                "strict": true,
                "noEmit": true,
                "module": module,
                "moduleResolution": resolution,
                "target": "es2020",
                "lib": ["es2020", "dom"],
                "types": [],
            },
            "files": ["consumer.mts"],
        });
        std::fs::write(dir.join("tsconfig.json"), tsconfig.to_string()).expect("writes tsconfig.json");
        let checked = Command::new("node")
            .arg(&tsc)
            .arg("-p")
            .arg(dir.join("tsconfig.json"))
            .output()
            .expect("runs tsc");
        assert!(
            checked.status.success(),
            "tsc ({resolution} resolution) rejects the consumer of the package's types:\n{}{}",
            String::from_utf8_lossy(&checked.stdout),
            String::from_utf8_lossy(&checked.stderr)
        );
    }
    eprintln!("npm_package: index.d.ts type-checks a consumer under nodenext and bundler resolution");
}
