//! `consentc fmt` on arbitrary text: formatting never panics; its output parses, is a fixed
//! point (formatting it again changes nothing), and means what the input meant: the same
//! diagnostics (codes and messages; spans move), the same checked model once spans are set
//! aside, and, when there is no error, the same generated files.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// The model's debug form without spans, which formatting is expected to move.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find("Span { file: FileId(") {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        rest = match rest[at..].find('}') {
            Some(end) => &rest[at + end + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// Diagnostics as (code, message), sorted. CP0411 (an invisible character written raw in a
/// string) is set aside: fmt writes those characters as `\u{...}` escapes on purpose, which
/// keeps the string's value and answers the warning.
fn meaning(checked: &consentc::Checked) -> Vec<(String, String)> {
    let mut d: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() != "CP0411")
        .map(|d| (d.code.as_str().to_owned(), d.message.clone()))
        .collect();
    d.sort();
    d
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(formatted) = consentc::fmt::format_source(text) else {
        return;
    };
    match consentc::fmt::format_source(&formatted) {
        Ok(again) => assert_eq!(formatted, again, "formatting is not idempotent"),
        Err(d) => panic!("the formatted text does not parse: {d:?}\n{formatted}"),
    }
    let before = consentc::check_sources(vec![("a.policy".to_owned(), data.to_vec())]);
    let after = consentc::check_sources(vec![("a.policy".to_owned(), formatted.clone().into_bytes())]);
    assert_eq!(meaning(&before), meaning(&after), "diagnostics changed\n{formatted}");
    assert!(
        !after.diagnostics.iter().any(|d| d.code.as_str() == "CP0411"),
        "fmt left an invisible character unescaped\n{formatted}"
    );
    assert_eq!(
        without_spans(&format!("{:?}", before.model)),
        without_spans(&format!("{:?}", after.model)),
        "the checked model changed\n{formatted}"
    );
    if !before.has_errors() {
        let catalog = consentc::catalog::builtin();
        let a = consentc::emit::emit(&before.model, catalog, &[]).map(|o| o.files);
        let b = consentc::emit::emit(&after.model, catalog, &[]).map(|o| o.files);
        assert!(
            matches!((&a, &b), (Ok(x), Ok(y)) if x == y),
            "generated files changed\n{formatted}"
        );
    }
});
