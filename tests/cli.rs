//! The command line as users and CI run it: the built binary, its exit codes (0 clean, 1
//! errors, 2 usage or I/O), its output formats and how it gathers files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const CLEAN: &str = r#"policy shop {
  title = "Shop"
  intercom {
    app_id = "abc123xy"
    region = eu
    transfer = dpf
    identity_verification = jwt
    load = on_interaction
    audience_rules = applied
    retention { conversations = 12 months; users = 12 months; visitors = 6 months }
  }
  purpose support {
    title = "Support chat"
    description = "Talk to our support team."
    basis = consent
    features = [intercom.messenger, intercom.help_center]
  }
  cmp klaro { support = "livechat" }
}
"#;

/// `CLEAN` with the messenger loading on every page as soon as it is granted: CP0401 only.
fn warning_only() -> String {
    CLEAN.replace("load = on_interaction", "load = when_granted")
}

/// `CLEAN` with `intercom.help_center` in a second purpose: CP0201 only.
fn error_only() -> String {
    CLEAN.replace(
        "  cmp klaro { support = \"livechat\" }",
        "  purpose promo {\n    title = \"Promotions\"\n    description = \"Tips.\"\n    basis = consent\n    features = [intercom.help_center]\n  }\n  cmp klaro { support = \"livechat\"; promo = \"promo\" }",
    )
}

fn consentc() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_consentc"));
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR");
    cmd
}

fn run(args: &[&str], dir: &Path) -> Output {
    consentc().args(args).current_dir(dir).output().expect("run consentc")
}

fn code(out: &Output) -> i32 {
    out.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {out:?}"))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(&path, text).expect("write");
    path
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(out)))
}

/// `(file, code, line, column)` of every diagnostic of a json report, in order.
fn located(report: &Value) -> Vec<(String, String, u64, u64)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn codes(report: &Value) -> Vec<String> {
    located(report).into_iter().map(|(_, c, _, _)| c).collect()
}

#[test]
fn a_clean_policy_exits_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "shop.policy", CLEAN);
    let out = run(&["check", "shop.policy"], dir.path());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("checked 1 file: no problems"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "the human format writes to stderr");
}

#[test]
fn errors_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "shop.policy", &error_only());
    let out = run(&["check", "shop.policy"], dir.path());
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.contains("error[CP0201]"), "{err}");
    assert!(err.contains("shop.policy:"), "the report names the file: {err}");
    assert!(err.contains("1 error"), "{err}");
}

#[test]
fn warnings_exit_0_unless_denied_and_allow_silences_one_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "shop.policy", &warning_only());
    let out = run(&["check", "shop.policy"], dir.path());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("warning[CP0401]"), "{}", stderr(&out));

    let out = run(&["check", "--deny", "warnings", "shop.policy"], dir.path());
    assert_eq!(code(&out), 1, "--deny warnings fails on a warning");
    assert!(stderr(&out).contains("CP0401"), "{}", stderr(&out));

    let out = run(&["check", "--allow", "CP0401", "shop.policy"], dir.path());
    assert_eq!(code(&out), 0);
    assert!(!stderr(&out).contains("CP0401"), "{}", stderr(&out));
    assert!(stderr(&out).contains("no problems"), "{}", stderr(&out));

    let out = run(
        &["check", "--allow", "CP0401", "--deny", "warnings", "shop.policy"],
        dir.path(),
    );
    assert_eq!(code(&out), 0, "an allowed warning is not denied: {}", stderr(&out));

    let out = run(
        &["check", "--format", "json", "--allow", "cp0401", "shop.policy"],
        dir.path(),
    );
    assert_eq!(code(&out), 0);
    assert!(codes(&json(&out)).is_empty());

    // An allow of another warning leaves this one.
    let out = run(
        &["check", "--allow", "CP0402", "--deny", "warnings", "shop.policy"],
        dir.path(),
    );
    assert_eq!(code(&out), 1);
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "shop.policy", &error_only());
    for args in [
        &["check", "--allow", "CP0201", "shop.policy"][..],
        &["check", "--allow", "CP9999", "shop.policy"],
        &["check", "--no-such-flag", "shop.policy"],
        &["check", "--format", "yaml", "shop.policy"],
        &["check", "--deny", "errors", "shop.policy"],
        &["check", "missing.policy"],
        &["check", "shop.policy", "missing-dir/"],
        &["frobnicate"],
        &[],
    ] {
        let out = run(args, dir.path());
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty(), "{args:?} says why");
    }
    let out = run(&["check", "missing.policy"], dir.path());
    assert!(
        stderr(&out).contains("missing.policy"),
        "names the path: {}",
        stderr(&out)
    );
    let out = run(&["check", "--allow", "CP0201", "shop.policy"], dir.path());
    assert!(stderr(&out).contains("CP0201"), "{}", stderr(&out));
}

#[test]
fn json_has_every_field_of_every_diagnostic() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "shop.policy", &error_only());
    let out = run(&["check", "--format", "json", "shop.policy"], dir.path());
    assert_eq!(code(&out), 1);
    let report = json(&out);
    assert_eq!(report["errors"], 1);
    assert_eq!(report["warnings"], 0);
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1);
    let d = &diagnostics[0];
    assert_eq!(d["code"], "CP0201");
    assert_eq!(d["severity"], "error");
    assert_eq!(
        d["message"],
        "`intercom.help_center` falls under two purposes, `support` and `promo`"
    );
    assert_eq!(d["file"], "shop.policy");
    // The primary label is on the later mapping: line 21, column 17.
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(22), Some(17)));
    let (start, end) = (d["span"]["start"].as_u64().unwrap(), d["span"]["end"].as_u64().unwrap());
    let text = error_only();
    assert_eq!(&text[start as usize..end as usize], "intercom.help_center");
    assert!(
        d["help"]
            .as_str()
            .is_some_and(|h| h.contains("except [intercom.help_center]")),
        "{d}"
    );
    let labels = d["labels"].as_array().expect("labels");
    assert_eq!(labels.len(), 2);
    for label in labels {
        for key in [
            "message",
            "primary",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "span",
        ] {
            assert!(!label[key].is_null(), "label field `{key}`: {label}");
        }
    }
    let primary: Vec<&Value> = labels.iter().filter(|l| l["primary"] == true).collect();
    assert_eq!(primary.len(), 1);
    assert_eq!(primary[0]["line"], 22);
    assert_eq!(primary[0]["end_column"], 37);
    let secondary = labels
        .iter()
        .find(|l| l["primary"] == false)
        .expect("a secondary label");
    assert_eq!(
        (secondary["line"].as_u64(), secondary["column"].as_u64()),
        (Some(16), Some(37))
    );
    assert!(
        stderr(&out).is_empty() || !stderr(&out).contains("CP0201"),
        "json goes to stdout only"
    );

    let out = run(
        &["check", "--format", "json", "--deny", "warnings", "shop.policy"],
        dir.path(),
    );
    assert_eq!(json(&out)["diagnostics"][0]["severity"], "error");

    write(dir.path(), "clean.policy", CLEAN);
    let out = run(&["check", "--format", "json", "clean.policy"], dir.path());
    assert_eq!(code(&out), 0);
    let report = json(&out);
    assert_eq!(report["diagnostics"], Value::Array(Vec::new()));
    assert_eq!(report["errors"], 0);
}

#[test]
fn diagnostics_of_several_files_are_sorted_by_file_then_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Two errors per file, the later one first in the text of the checker's rules.
    let two_errors = format!("{}\npolicy other {{\n  titel = \"x\"\n}}\n", error_only());
    write(dir.path(), "b.policy", &two_errors);
    write(
        dir.path(),
        "a.policy",
        &two_errors
            .replace("policy shop", "policy shop_a")
            .replace("policy other", "policy other_a"),
    );
    let out = run(&["check", "--format", "json", "b.policy", "a.policy"], dir.path());
    assert_eq!(code(&out), 1);
    let got = located(&json(&out));
    let mut sorted = got.clone();
    sorted.sort_by(|x, y| (&x.0, x.2, x.3).cmp(&(&y.0, y.2, y.3)));
    assert_eq!(got, sorted, "sorted by file, then line and column");
    let files: Vec<&str> = got.iter().map(|(f, _, _, _)| f.as_str()).collect();
    assert_eq!(files, ["a.policy", "a.policy", "b.policy", "b.policy"]);
    assert_eq!(got[0].1, "CP0201");
    assert_eq!(got[1].1, "CP0101");
    // The order does not depend on the order files were named in.
    let again = run(&["check", "--format", "json", "a.policy", "b.policy"], dir.path());
    assert_eq!(located(&json(&again)), got);
}

#[test]
fn directories_are_walked_sorted_skipping_hidden_entries_and_vendor_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = "policy bad {\n  titel = \"x\"\n}\n";
    write(dir.path(), "policies/z.policy", &bad.replace("bad", "z"));
    write(dir.path(), "policies/a/b.policy", &bad.replace("bad", "b"));
    write(dir.path(), "policies/a/c.policy", &bad.replace("bad", "c"));
    write(dir.path(), "policies/.hidden.policy", "not a policy");
    write(dir.path(), "policies/.git/x.policy", "not a policy");
    write(dir.path(), "policies/vendors/intercom.vendor", "not a policy");
    write(dir.path(), "policies/notes.txt", "not a policy");
    write(dir.path(), "policies/policy.bak", "not a policy");
    let out = run(&["check", "--format", "json", "policies"], dir.path());
    assert_eq!(code(&out), 1);
    let files: Vec<String> = located(&json(&out)).into_iter().map(|(f, _, _, _)| f).collect();
    assert_eq!(
        files,
        ["policies/a/b.policy", "policies/a/c.policy", "policies/z.policy"]
    );
    let out = run(&["check", "policies"], dir.path());
    assert!(stderr(&out).contains("checked 3 files"), "{}", stderr(&out));

    // With no path, `policies/` is checked.
    let out = run(&["check"], dir.path());
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("checked 3 files"), "{}", stderr(&out));

    // A hidden file named explicitly is checked: only walks skip hidden entries.
    let out = run(&["check", "--format", "json", "policies/.hidden.policy"], dir.path());
    assert_eq!(codes(&json(&out)), ["CP0001"]);

    // An empty directory is a clean compile set of no files.
    std::fs::create_dir_all(dir.path().join("empty")).expect("mkdir");
    let out = run(&["check", "empty"], dir.path());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("checked 0 files"), "{}", stderr(&out));
}

#[test]
fn a_file_named_twice_is_checked_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "policies/shop.policy", &error_only());
    let out = run(
        &[
            "check",
            "--format",
            "json",
            "policies/shop.policy",
            "policies",
            "./policies/shop.policy",
            "policies/../policies/shop.policy",
        ],
        dir.path(),
    );
    assert_eq!(code(&out), 1);
    // Named once, the policy is not a duplicate of itself (no CP0102) and reports once.
    assert_eq!(codes(&json(&out)), ["CP0201"]);
    let out = run(&["check", "policies/shop.policy", "policies"], dir.path());
    assert!(stderr(&out).contains("checked 1 file:"), "{}", stderr(&out));
}

#[test]
fn explain_prints_a_page_for_every_code_and_refuses_unknown_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(&["explain", "CP0201"], dir.path());
    assert_eq!(code(&out), 0);
    let page = stdout(&out);
    assert!(page.contains("CP0201") && page.len() > 200, "{page}");
    let out = run(&["explain", "cp0201"], dir.path());
    assert_eq!(code(&out), 0, "codes are case-insensitive");
    for code_ in consentc::diagnostics::Code::ALL {
        let out = run(&["explain", code_.as_str()], dir.path());
        assert_eq!(code(&out), 0, "{code_}");
        assert!(stdout(&out).contains(code_.as_str()), "{code_}");
    }
    for unknown in ["CP9999", "E0308", ""] {
        let out = run(&["explain", unknown], dir.path());
        assert_eq!(code(&out), 2, "{unknown:?}");
        assert!(stdout(&out).is_empty(), "{unknown:?}");
    }
}

#[test]
fn features_lists_the_catalogue() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(&["features"], dir.path());
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    for path in [
        "intercom.messenger",
        "intercom.tracking.page_views",
        "intercom.targeted_messages.banners",
    ] {
        assert!(text.contains(path), "{path}: {text}");
    }
    let out = run(&["features", "intercom"], dir.path());
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("intercom.tracking.page_views"));
    let out = run(&["features", "hubspot"], dir.path());
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("CMPs: onetrust, cookiebot"), "{}", stderr(&out));
}

/// What a `cmp` entry may be, for every CMP: `features` lists it after the vendors, and
/// `features <cmp>` lists one CMP.
#[test]
fn features_lists_each_cmps_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = stdout(&run(&["features"], dir.path()));
    for line in [
        "cmp cookiebot  Cookiebot",
        "each purpose = one of necessary, preferences, statistics, marketing",
        "cmp tcf  IAB TCF v2.2",
        "each purpose = a number (a publisher custom purpose)",
        "cannot be refused: C0001 (and what `always_active` lists)",
        "option `vendor` (a string): the custom vendor id",
        "no entries: `cmp custom {}`",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
    let out = run(&["features", "cookiebot"], dir.path());
    assert_eq!(code(&out), 0);
    assert_eq!(
        stdout(&out),
        "  cmp cookiebot  Cookiebot\n      - each purpose = one of necessary, preferences, statistics, marketing\n      - cannot be refused: necessary\n"
    );
}

/// `check`, `build` and `fmt` read `policies/` by default; where there is none, they say that
/// `consentc init` creates it (exit 2), instead of an OS error.
#[test]
fn a_missing_policies_directory_points_to_init() {
    let dir = tempfile::tempdir().expect("tempdir");
    for args in [&["check"][..], &["build"], &["fmt", "--check"]] {
        let out = run(args, dir.path());
        assert_eq!(code(&out), 2, "{args:?}");
        let text = stderr(&out);
        assert!(
            text.contains("there is no `policies/` directory here; `consentc init` creates it"),
            "{args:?}: {text}"
        );
        assert!(!text.contains("os error"), "{args:?}: {text}");
    }
    // A path given explicitly that does not exist is still reported as such.
    let out = run(&["check", "nowhere"], dir.path());
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("`nowhere`"), "{}", stderr(&out));
    // After `init`, `check` finds it.
    assert_eq!(code(&run(&["init"], dir.path())), 0);
    assert_ne!(code(&run(&["check"], dir.path())), 2);
}

#[test]
fn output_that_is_not_a_terminal_has_no_escape_sequences() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "shop.policy", &error_only());
    write(
        dir.path(),
        "warn.policy",
        &warning_only().replace("policy shop", "policy warn"),
    );
    write(dir.path(), "syntax.policy", "policy x {\n  title \"x\"\n}\n");
    let paths = ["check", "shop.policy", "warn.policy", "syntax.policy"];
    let piped = run(&paths, dir.path());
    let no_color = consentc()
        .args(paths)
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .output()
        .expect("run");
    for out in [&piped, &no_color] {
        assert_eq!(code(out), 1);
        let err = stderr(out);
        assert!(err.contains("error[CP0201]") && err.contains("warning[CP0401]") && err.contains("error[CP0001]"));
        assert!(!err.contains('\u{1b}'), "escape sequences: {err:?}");
        assert!(!stdout(out).contains('\u{1b}'));
    }
    // A policy holding an escape character is reported without sending it to the terminal.
    write(
        dir.path(),
        "esc.policy",
        "policy x {\n  title = \"\u{1b}]0;pwned\u{7}\u{1b}[2J\"\n}\n",
    );
    let out = run(&["check", "esc.policy"], dir.path());
    assert_eq!(code(&out), 1);
    assert!(!stderr(&out).contains('\u{1b}'), "{:?}", stderr(&out));
    assert!(!stderr(&out).contains('\u{7}'), "{:?}", stderr(&out));
}

/// The public conformance kit, when it is present next to the repository (set
/// `CONSENTC_CONFORMANCE` to its directory to run it from elsewhere).
#[test]
fn conformance_kit() {
    let root = std::env::var_os("CONSENTC_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/conformance"));
    if !root.join("pass").is_dir() {
        eprintln!("conformance kit not found at {}: skipped", root.display());
        return;
    }
    let policies = |kind: &str| {
        let mut found: Vec<PathBuf> = std::fs::read_dir(root.join(kind))
            .expect("read the kit")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "policy"))
            .collect();
        found.sort();
        found
    };
    let pass = policies("pass");
    let fail = policies("fail");
    assert!(!pass.is_empty() && !fail.is_empty());
    for path in pass {
        let out = consentc().arg("check").arg(&path).output().expect("run");
        assert_eq!(code(&out), 0, "{}: {}", path.display(), stderr(&out));
    }
    for path in fail {
        let name = path.file_name().expect("name").to_string_lossy().into_owned();
        let expected = name.split('-').next().expect("CODE-name.policy");
        let out = consentc()
            .args(["check", "--format", "json"])
            .arg(&path)
            .output()
            .expect("run");
        assert_eq!(code(&out), 1, "{name}");
        assert!(
            codes(&json(&out)).iter().any(|c| c == expected),
            "{name}: {}",
            stdout(&out)
        );
    }
}
