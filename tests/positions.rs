//! Every output format reports the same line and column, the one `src/source/position.rs`
//! defines (and `docs/language.md` states): 1-based, counted in Unicode scalar values, a tab, a
//! wide or combining character and an invisible one being one column each, a BOM none, CRLF a
//! line end. The human format goes through miette, which would count columns in the text it
//! draws; these cases are the ones where that text differs from the file.
//!
//! Each case runs the built binary in all four formats and checks each diagnostic's start
//! against the exact expected position, not just the formats against each other.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Where each diagnostic of one run starts, `(line, column)`, in report order.
type Positions = Vec<(u64, u64)>;

/// One format's reader: runs the binary on a file in a directory.
type Reader = fn(&Path, &str) -> Positions;

/// A file, and the `(line, column)` of each diagnostic it gets, in report order.
struct Case {
    name: &'static str,
    text: &'static str,
    expected: &'static [(u64, u64)],
}

/// `basis` is no key of a policy (CP0101): the label starts at it. Columns are counted by hand
/// in the comments.
const CASES: &[Case] = &[
    Case {
        // The report: 1:12 in json, 1:15 in the human format.
        name: "bom",
        text: "\u{feff}policy a { basis = foo }\n",
        expected: &[(1, 12)],
    },
    Case {
        name: "crlf",
        text: "policy a {\r\n  title = \"A\"\r\n  basis = foo\r\n}\r\n",
        expected: &[(3, 3)],
    },
    Case {
        name: "tabs",
        text: "policy a {\n\t\tbasis = foo\n}\n",
        expected: &[(2, 3)],
    },
    Case {
        // `policy a { title = "` is 20 columns, `日本語😀` 4, `" ` 2.
        name: "wide",
        text: "policy a { title = \"日本語😀\" basis = foo }\n",
        expected: &[(1, 27)],
    },
    Case {
        // `e` and a combining acute accent are two columns.
        name: "combining",
        text: "policy a { title = \"e\u{301}\" basis = foo }\n",
        expected: &[(1, 25)],
    },
    Case {
        // `policy a { /* ` is 14 columns, the soft hyphen 1, ` */ ` 4 (the human format draws
        // the soft hyphen as two marks, one per byte).
        name: "soft-hyphen",
        text: "policy a { /* \u{ad} */ basis = foo }\n",
        expected: &[(1, 20)],
    },
    Case {
        // Everything before the error on one line: BOM (0), `policy a {` 10, tab 1, `/* ` 3,
        // soft hyphen 1, ` */ ` 4, `title = "` 9, `日本😀e◌́` 5, `" ` 2: `basis` at 36. The next
        // line follows a CRLF: tab 1, `other` at 2.
        name: "all-at-once",
        text: "\u{feff}policy a {\t/* \u{ad} */ title = \"日本😀e\u{301}\" basis = foo\r\n\tother = 1 }\r\n",
        expected: &[(1, 36), (2, 2)],
    },
    Case {
        // A syntax error (CP0001, from the prescan rather than the checker): a soft hyphen
        // outside a string. BOM 0, `policy a {` 10, tab 1, `title = "` 9, `日本😀e◌́` 5, `" ` 2.
        name: "syntax-error",
        text: "\u{feff}policy a {\ttitle = \"日本😀e\u{301}\" \u{ad} }\r\n",
        expected: &[(1, 28)],
    },
];

/// Run `consentc check --format FORMAT FILE` in `dir`: (stdout, stderr).
fn check(dir: &Path, file: &str, format: &str) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_consentc"))
        .args(["check", "--format", format, file])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run consentc");
    assert_eq!(out.status.code(), Some(1), "{file} in {format}: {out:?}");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("utf-8 output");
    (text(out.stdout), text(out.stderr))
}

/// `[file:LINE:COLUMN]` in miette's header of each report.
fn human(dir: &Path, file: &str) -> Positions {
    let (_, stderr) = check(dir, file, "human");
    let header = format!("[{file}:");
    stderr
        .lines()
        .filter_map(|l| l.split_once(&header).map(|(_, rest)| rest))
        .map(|rest| {
            let position = rest.split(']').next().expect("a closing `]`");
            let (line, column) = position.split_once(':').expect("line:column");
            (
                line.parse().expect("a line number"),
                column.parse().expect("a column number"),
            )
        })
        .collect()
}

fn json(dir: &Path, file: &str) -> Positions {
    let report: Value = serde_json::from_str(&check(dir, file, "json").0).expect("json");
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    diagnostics.iter().map(|d| numbers(&d["line"], &d["column"])).collect()
}

fn sarif(dir: &Path, file: &str) -> Positions {
    let log: Value = serde_json::from_str(&check(dir, file, "sarif").0).expect("sarif is json");
    let results = log["runs"][0]["results"].as_array().expect("results");
    results
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            numbers(&region["startLine"], &region["startColumn"])
        })
        .collect()
}

/// `line=` and `col=` of each `::error` / `::warning` workflow command.
fn github(dir: &Path, file: &str) -> Positions {
    let (stdout, _) = check(dir, file, "github");
    let property = |command: &str, key: &str| -> u64 {
        let properties = command.split("::").nth(1).expect("properties");
        let value = properties.split(',').find_map(|p| p.strip_prefix(key));
        value.expect(key).parse().expect("a number")
    };
    stdout
        .lines()
        .filter(|l| l.starts_with("::"))
        .map(|l| (property(l, "line="), property(l, "col=")))
        .collect()
}

fn numbers(line: &Value, column: &Value) -> (u64, u64) {
    (
        line.as_u64().expect("a line number"),
        column.as_u64().expect("a column number"),
    )
}

#[test]
fn every_format_reports_the_same_exact_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut failures = Vec::new();
    for case in CASES {
        let file = format!("{}.policy", case.name);
        std::fs::write(dir.path().join(&file), case.text).expect("write the case");
        let formats: [(&str, Reader); 4] = [("human", human), ("json", json), ("sarif", sarif), ("github", github)];
        for (format, positions) in formats {
            let got = positions(dir.path(), &file);
            if got != case.expected {
                failures.push(format!(
                    "{}: {format} says {got:?}, expected {:?}",
                    case.name, case.expected
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The end of a span, in the three formats that give one, is the column after it.
#[test]
fn ends_agree_in_json_sarif_and_github() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = "end.policy";
    // `basis` spans columns 36-40 (see the all-at-once case): the end is 41.
    let text = "\u{feff}policy a {\t/* \u{ad} */ title = \"日本😀e\u{301}\" basis = foo }\r\n";
    std::fs::write(dir.path().join(file), text).expect("write");
    let report: Value = serde_json::from_str(&check(dir.path(), file, "json").0).expect("json");
    let label = &report["diagnostics"][0]["labels"][0];
    assert_eq!(numbers(&label["end_line"], &label["end_column"]), (1, 41));
    let log: Value = serde_json::from_str(&check(dir.path(), file, "sarif").0).expect("sarif");
    let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(numbers(&region["endLine"], &region["endColumn"]), (1, 41));
    let (github, _) = check(dir.path(), file, "github");
    assert!(github.contains(",endLine=1,endColumn=41,"), "{github}");
}
