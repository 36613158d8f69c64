//! Golden files for the machine-readable formats: json, sarif, github. Regenerate with
//! `UPDATE_GOLDEN=1 cargo test --test formats` and review the diff.

use std::process::Command;

const FIXTURE: &str = "tests/golden/two-files";

fn run(format: &str) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_consentc"))
        .args(["check", "--format", format, FIXTURE])
        .env("NO_COLOR", "1")
        .output()
        .expect("run consentc");
    (out.status.code(), String::from_utf8(out.stdout).expect("utf-8"))
}

fn golden(name: &str, actual: &str) {
    let path = format!("tests/golden/{name}");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("write golden");
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing {path}; run with UPDATE_GOLDEN=1"));
    assert_eq!(actual, expected, "{path} differs; run with UPDATE_GOLDEN=1 and review");
}

#[test]
fn json_golden() {
    let (code, out) = run("json");
    assert_eq!(code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["errors"], 1);
    golden("check.json", &out);
}

#[test]
fn sarif_golden_and_shape() {
    let (code, out) = run("sarif");
    assert_eq!(code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&out).expect("sarif is json");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), consentc::diagnostics::Code::ALL.len(), "one rule per code");
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "CP0201");
    let index = result["ruleIndex"].as_u64().expect("index") as usize;
    assert_eq!(rules[index]["id"], "CP0201");
    assert_eq!(rules[index]["helpUri"], "docs/codes/CP0201.md");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(8), Some(41))
    );
    // Each rule's help is the code's explain page; the golden file names it rather than
    // repeating every page, so rewording a page does not churn this file.
    let mut v = v;
    for rule in v["runs"][0]["tool"]["driver"]["rules"].as_array_mut().expect("rules") {
        let code = consentc::diagnostics::Code::parse(rule["id"].as_str().expect("id")).expect("known code");
        assert_eq!(rule["help"]["markdown"], code.explanation());
        rule["help"]["markdown"] = serde_json::json!(format!("<docs/codes/{code}.md>"));
    }
    golden("check.sarif", &(serde_json::to_string_pretty(&v).expect("json") + "\n"));
}

#[test]
fn github_golden() {
    let (code, out) = run("github");
    assert_eq!(code, Some(1));
    let first = out.lines().next().expect("a line");
    assert!(
        first.starts_with("::error file=tests/golden/two-files/a.policy,line=8,col=41,"),
        "{first}"
    );
    assert!(
        out.lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{out}"
    );
    golden("check.github", &out);
}
