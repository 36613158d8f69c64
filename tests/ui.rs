//! UI tests: every fixture under `tests/ui/<CODE>/` is checked through the library, and what
//! it reports is compared with what the fixture says it reports.
//!
//! A fixture is `fail-NAME.policy` or `pass-NAME.policy`, or a directory of that name whose
//! `.policy` files form one compile set. Each file states its diagnostics in comment lines
//! near its top, one per diagnostic, by code and primary position (line:column, columns in
//! Unicode scalar values):
//!
//! ```text
//! // A leaf listed in two purposes.
//! // expect: CP0201 22:17
//! ```
//!
//! The diagnostics must be exactly those (a file without `expect` lines must report nothing).
//! A `fail-` fixture must expect at least one diagnostic of its directory's code, a `pass-`
//! fixture none. The human rendering of every fixture that reports something is snapshotted
//! under `tests/snapshots/`.
//!
//! After a deliberate change, `UI_BLESS=1 cargo test --test ui` rewrites the `expect` lines
//! from what the checker reports (review the diff), and `INSTA_UPDATE=always cargo test --test
//! ui` rewrites the snapshots.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use consentc::diagnostics::{self, Code, Diagnostic};
use consentc::Checked;

const MARKER: &str = "// expect:";

struct Fixture {
    /// `CP0201/fail-direct`
    name: String,
    code: Code,
    pass: bool,
    /// `(display name, path)` of each file, sorted.
    files: Vec<(String, PathBuf)>,
}

/// One expected or reported diagnostic: file, code, line, column.
type Found = (String, String, usize, usize);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui")
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    entries
}

fn file_name(path: &Path) -> String {
    path.file_name().expect("file name").to_string_lossy().into_owned()
}

fn display(path: &Path) -> String {
    let relative = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).expect("inside the crate");
    relative.to_string_lossy().replace('\\', "/")
}

fn fixtures() -> Vec<Fixture> {
    let mut found = Vec::new();
    for dir in sorted_entries(&root()) {
        let dir_name = file_name(&dir);
        if dir_name.starts_with('.') {
            continue;
        }
        let code = Code::parse(&dir_name)
            .filter(|c| c.as_str() == dir_name)
            .unwrap_or_else(|| panic!("tests/ui/{dir_name}: directories are named by diagnostic code"));
        for entry in sorted_entries(&dir) {
            let entry_name = file_name(&entry);
            let stem = entry_name.strip_suffix(".policy").unwrap_or(&entry_name).to_owned();
            let pass = match stem.split('-').next() {
                Some("pass") => true,
                Some("fail") => false,
                _ => panic!("tests/ui/{dir_name}/{entry_name}: fixtures are named `fail-*` or `pass-*`"),
            };
            let files: Vec<(String, PathBuf)> = if entry.is_dir() {
                sorted_entries(&entry)
                    .into_iter()
                    .filter(|p| p.extension().is_some_and(|e| e == "policy"))
                    .map(|p| (display(&p), p))
                    .collect()
            } else {
                assert!(
                    entry_name.ends_with(".policy"),
                    "tests/ui/{dir_name}/{entry_name}: not a `.policy` file"
                );
                vec![(display(&entry), entry.clone())]
            };
            assert!(
                !files.is_empty(),
                "tests/ui/{dir_name}/{entry_name}: no `.policy` files"
            );
            found.push(Fixture {
                name: format!("{dir_name}/{stem}"),
                code,
                pass,
                files,
            });
        }
    }
    found
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn check(fixture: &Fixture) -> Checked {
    consentc::check_sources(
        fixture
            .files
            .iter()
            .map(|(name, path)| (name.clone(), read(path)))
            .collect(),
    )
}

/// The `// expect: CODE LINE:COL` lines of one file.
fn expectations(name: &str, bytes: &[u8]) -> Vec<Found> {
    let text = String::from_utf8_lossy(bytes);
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let Some(rest) = line.trim_start_matches('\u{feff}').trim().strip_prefix(MARKER) else {
            continue;
        };
        let parsed = rest.split_once(' ').and_then(|(_, rest)| {
            let (code, at) = rest.trim().split_once(' ')?;
            let (l, c) = at.trim().split_once(':')?;
            Some((code.to_owned(), l.parse().ok()?, c.parse().ok()?))
        });
        let (code, l, c) = parsed.unwrap_or_else(|| panic!("{name}:{}: malformed `{MARKER} CODE LINE:COL`", n + 1));
        assert!(
            Code::parse(&code).is_some(),
            "{name}:{}: `{code}` is not a diagnostic code",
            n + 1
        );
        found.push((name.to_owned(), code, l, c));
    }
    found
}

fn reported(checked: &Checked) -> Vec<Found> {
    checked
        .diagnostics
        .iter()
        .map(|d| {
            let span = d.primary_span().expect("every diagnostic has a primary span");
            let (file, at) = checked.sources.start(span);
            (file.to_owned(), d.code.to_string(), at.line, at.column)
        })
        .collect()
}

/// The house style of messages: one lowercase sentence, a label on every span, exactly one
/// primary label, a `help:`.
fn style_problems(d: &Diagnostic) -> Vec<String> {
    let mut problems = Vec::new();
    let first = d.message.chars().next();
    let acronym = d
        .message
        .split(' ')
        .next()
        .is_some_and(|w| w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase()));
    if !acronym && !first.is_some_and(|c| c.is_lowercase() || c == '`' || c.is_ascii_digit()) {
        problems.push("the message does not start in lowercase".to_owned());
    }
    if d.message.ends_with('.') || d.message.contains('\n') {
        problems.push("the message is not one sentence without a final period".to_owned());
    }
    if d.labels.iter().filter(|l| l.primary).count() != 1 {
        problems.push("not exactly one primary label".to_owned());
    }
    if d.labels.iter().any(|l| l.message.trim().is_empty()) {
        problems.push("a span without a label".to_owned());
    }
    if d.help.as_deref().is_none_or(|h| h.trim().is_empty()) {
        problems.push("no `help:`".to_owned());
    }
    problems
}

fn sorted(mut v: Vec<Found>) -> Vec<Found> {
    v.sort();
    v
}

fn show(v: &[Found]) -> String {
    if v.is_empty() {
        return "  (nothing)\n".to_owned();
    }
    v.iter()
        .map(|(f, code, l, c)| format!("  {code} {f}:{l}:{c}\n"))
        .collect()
}

#[test]
fn every_code_has_failing_and_passing_fixtures() {
    let fixtures = fixtures();
    let mut missing = Vec::new();
    // The audit's codes judge a deployed page, not a policy: tests/audit.rs holds them.
    for code in Code::ALL.iter().filter(|c| !c.is_audit()) {
        let of_code: Vec<&Fixture> = fixtures.iter().filter(|f| f.code == *code).collect();
        if !of_code.iter().any(|f| !f.pass) {
            missing.push(format!("{code}: no `fail-*` fixture"));
        }
        if !of_code.iter().any(|f| f.pass) {
            missing.push(format!("{code}: no `pass-*` fixture"));
        }
    }
    assert!(
        missing.is_empty(),
        "add fixtures under tests/ui/:\n{}",
        missing.join("\n")
    );
}

#[test]
fn fixtures_report_exactly_what_they_expect() {
    let bless = std::env::var_os("UI_BLESS").is_some_and(|v| !v.is_empty());
    let mut failures = Vec::new();
    for fixture in fixtures() {
        let mut checked = check(&fixture);
        if bless {
            for _ in 0..4 {
                if !rewrite_expectations(&fixture, &reported(&checked)) {
                    break;
                }
                checked = check(&fixture);
            }
        }
        let expected: Vec<Found> = sorted(
            fixture
                .files
                .iter()
                .flat_map(|(name, path)| expectations(name, &read(path)))
                .collect(),
        );
        let got = sorted(reported(&checked));
        let name = &fixture.name;
        if expected != got {
            failures.push(format!("{name}: expected\n{}but got\n{}", show(&expected), show(&got)));
        }
        let own = fixture.code.to_string();
        let expects_own = expected.iter().any(|(_, code, _, _)| *code == own);
        if fixture.pass && expects_own {
            failures.push(format!("{name}: a `pass-` fixture must not report {own}"));
        }
        if !fixture.pass && !expects_own {
            failures.push(format!("{name}: a `fail-` fixture must report {own}"));
        }
        for d in &checked.diagnostics {
            for problem in style_problems(d) {
                failures.push(format!("{name}: {} `{}`: {problem}", d.code, d.message));
            }
        }
        // The machine formats accept whatever the checker reports.
        let json: serde_json::Value =
            serde_json::from_str(&diagnostics::json::render(&checked.diagnostics, &checked.sources))
                .unwrap_or_else(|e| panic!("{name}: the json format is not JSON: {e}"));
        assert_eq!(
            json["diagnostics"].as_array().map(Vec::len),
            Some(checked.diagnostics.len()),
            "{name}"
        );
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn human_rendering_snapshots() {
    for fixture in fixtures() {
        let checked = check(&fixture);
        if checked.diagnostics.is_empty() {
            continue;
        }
        let text = diagnostics::human::render(&checked.diagnostics, &checked.sources, false);
        assert!(
            !text.contains('\u{1b}'),
            "{}: escape sequences without colour",
            fixture.name
        );
        let snapshot = fixture.name.replace('/', "-");
        insta::with_settings!({ omit_expression => true, description => fixture.name.clone() }, {
            insta::assert_snapshot!(snapshot, text);
        });
    }
}

/// Rewrite the `expect` lines of each file of `fixture` to `found`; true if a file changed.
/// The lines go right after the fixture's leading comment (its description).
fn rewrite_expectations(fixture: &Fixture, found: &[Found]) -> bool {
    let mut by_file: BTreeMap<&str, Vec<&Found>> = BTreeMap::new();
    for f in found {
        by_file.entry(f.0.as_str()).or_default().push(f);
    }
    let mut changed = false;
    for (name, path) in &fixture.files {
        let bytes = read(path);
        let mut lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
        let is_expect = |l: &[u8]| {
            String::from_utf8_lossy(l)
                .trim_start_matches('\u{feff}')
                .trim()
                .starts_with(MARKER)
        };
        let had = lines.len();
        lines.retain(|l| !is_expect(l));
        let mine = by_file.get(name.as_str());
        if had == lines.len() && mine.is_none() {
            continue;
        }
        let is_comment = |l: &[u8]| {
            String::from_utf8_lossy(l)
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with("//")
        };
        let at = lines.iter().take_while(|l| is_comment(l)).count();
        assert!(at > 0, "{name}: a fixture starts with a comment describing it");
        let newline: &[u8] = if lines[0].ends_with(b"\r\n") { b"\r\n" } else { b"\n" };
        let mut mine: Vec<&&Found> = mine.map(|v| v.iter().collect()).unwrap_or_default();
        mine.sort_by_key(|f| (f.2, f.3, f.1.clone()));
        let new_lines: Vec<Vec<u8>> = mine
            .iter()
            .map(|(_, code, l, c)| [format!("{MARKER} {code} {l}:{c}").as_bytes(), newline].concat())
            .collect();
        let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
        for l in &lines[..at] {
            out.extend_from_slice(l);
        }
        for l in &new_lines {
            out.extend_from_slice(l);
        }
        for l in &lines[at..] {
            out.extend_from_slice(l);
        }
        if out != bytes {
            std::fs::write(path, &out).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            changed = true;
        }
    }
    changed
}
