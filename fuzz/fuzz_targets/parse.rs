//! Arbitrary bytes through decoding and the parser (prescan + pest + tree builder): never a
//! panic, and a syntax error's span always lies inside the text.
#![no_main]

use consentc::source::{decode, FileId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = decode(data) else { return };
    if let Err(d) = consentc::syntax::parse(FileId(0), &text) {
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
});
