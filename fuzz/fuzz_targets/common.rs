// Shared by the fuzz targets and by `tests/fuzz_regressions.rs` (included with `#[path]`): each
// target's whole body is a function here, so a kept input replays exactly what the fuzzer ran.
// The invariants every diagnostic must hold whatever the input make a fuzzer find wrong spans
// as well as panics.
#![allow(dead_code)] // each includer uses a part

use consentc::diagnostics::{self, Diagnostic};
use consentc::source::SourceMap;

/// Every label lies inside its file, on character boundaries, start before end; and every
/// renderer accepts the lot (miette panics on some bad spans, so render too).
pub fn assert_diagnostics_sound(diagnostics: &[Diagnostic], sources: &SourceMap) {
    for d in diagnostics {
        assert!(!d.message.is_empty(), "empty message: {d:?}");
        assert!(!d.labels.is_empty(), "no label: {d:?}");
        for label in &d.labels {
            let text = &sources.get(label.span.file).text;
            assert!(label.span.start <= label.span.end, "reversed span: {d:?}");
            assert!(label.span.end <= text.len(), "span past the end of the file: {d:?}");
            assert!(
                text.is_char_boundary(label.span.start) && text.is_char_boundary(label.span.end),
                "span not on a char boundary: {d:?}"
            );
        }
    }
    // The json and sarif renderers serialise with serde_json, so their output is JSON by
    // construction; what can go wrong is locating spans, which every renderer does.
    let _ = diagnostics::human::render(diagnostics, sources, false);
    let _ = diagnostics::json::render(diagnostics, sources);
    let _ = diagnostics::github::render(diagnostics, sources);
    if !diagnostics.is_empty() {
        // SARIF carries the whole rule catalogue; rendering it for clean inputs only slows the
        // fuzzer down.
        let _ = diagnostics::sarif::render(diagnostics, sources);
    }
}

/// Split fuzz input into up to two files at the first NUL-NUL-NUL marker, so cross-file checks
/// (duplicate policy names, sorting) see more than one file.
pub fn split_files(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let marker = b"\0\0\0";
    match data.windows(marker.len()).position(|w| w == marker) {
        Some(at) => vec![
            ("a.policy".to_owned(), data[..at].to_vec()),
            ("b.policy".to_owned(), data[at + marker.len()..].to_vec()),
        ],
        None => vec![("a.policy".to_owned(), data.to_vec())],
    }
}

/// `parse`: arbitrary bytes through decoding and the parser (prescan + pest + tree builder):
/// never a panic, and a syntax error's span always lies inside the text.
pub fn parse_target(data: &[u8]) {
    let Ok(text) = consentc::source::decode(data) else {
        return;
    };
    if let Err(d) = consentc::syntax::parse(consentc::source::FileId(0), &text) {
        for label in &d.labels {
            assert!(
                label.span.start <= label.span.end && label.span.end <= text.len(),
                "{d:?}"
            );
            assert!(
                text.is_char_boundary(label.span.start) && text.is_char_boundary(label.span.end),
                "{d:?}"
            );
        }
    }
    // The same bytes through the library entry point, which also reports invalid UTF-8.
    let checked = consentc::check_sources(vec![("fuzz.policy".to_owned(), data.to_vec())]);
    let _ = checked.has_errors();
}

/// `check`: one or two files through the whole checker: never a panic, every diagnostic
/// well-formed and renderable in every format, and the result deterministic.
pub fn check_target(data: &[u8]) {
    let files = split_files(data);
    let checked = consentc::check_sources(files.clone());
    assert_diagnostics_sound(&checked.diagnostics, &checked.sources);
    let again = consentc::check_sources(files);
    assert_eq!(checked.diagnostics, again.diagnostics, "check is not deterministic");
}

/// `build_emit`: check, then emit into memory when there is no error: a checked model must
/// always emit (an emit error is a bug: the checker should have reported it), and emit twice
/// identically.
pub fn build_emit_target(data: &[u8]) {
    let checked = consentc::check_sources(split_files(data));
    assert_diagnostics_sound(&checked.diagnostics, &checked.sources);
    if checked.has_errors() {
        return;
    }
    let catalog = consentc::catalog::builtin();
    let out = match consentc::emit::emit(&checked.model, catalog, &[]) {
        Ok(out) => out,
        Err(e) => panic!("a model without errors failed to emit: {e}"),
    };
    for (path, bytes) in &out.files {
        assert!(std::str::from_utf8(bytes).is_ok(), "{path} is not UTF-8");
        if path.ends_with(".json") {
            assert!(
                serde_json::from_slice::<serde_json::Value>(bytes).is_ok(),
                "{path} is not JSON"
            );
        }
    }
    let again = consentc::emit::emit(&checked.model, catalog, &[]).map(|o| o.files);
    assert!(
        again.as_ref().is_ok_and(|f| *f == out.files),
        "emit is not deterministic"
    );
}

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

/// `fmt_roundtrip`: formatting never panics; its output parses, is a fixed point (formatting it
/// again changes nothing), and means what the input meant: the same diagnostics (codes and
/// messages; spans move), the same checked model once spans are set aside, and, when there is
/// no error, the same generated files.
pub fn fmt_roundtrip_target(data: &[u8]) {
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
}
