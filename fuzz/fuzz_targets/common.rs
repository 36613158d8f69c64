// Shared by the fuzz targets (included with `#[path]`): the invariants every diagnostic must
// hold whatever the input, so a fuzzer finds wrong spans as well as panics.

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
