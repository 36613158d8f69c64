//! Property tests: random valid policies (built from the grammar and the catalogue by
//! `benches/corpus`, from a proptest-generated list of choices that shrinks towards the
//! simplest policy) checked for what must hold of every input:
//!
//! - checking never panics, reports no error for a valid policy, and is deterministic;
//! - building is deterministic: twice the same files, and the same files whichever order the
//!   two input files come in;
//! - every generated loader parses as JavaScript (QuickJS), every `.json` output as JSON;
//! - a valid policy cut short or with a byte changed still gets sound diagnostics, no panic.
//!
//! `PROPTEST_CASES=1000 cargo test --test properties` runs more cases than the default.

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use consentc::catalog;
use consentc::diagnostics::{self, Severity};
use consentc::emit::{self, Files};
use consentc::Checked;
use corpus::{Replay, Style};
use proptest::prelude::*;

/// Modest case counts keep the suite fast; `PROPTEST_CASES` overrides them.
fn config(cases: u32) -> ProptestConfig {
    let mut c = ProptestConfig {
        // Shrunk failures are kept in `tests/properties.proptest-regressions` and replayed first.
        failure_persistence: Some(Box::new(prop::test_runner::FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = cases;
    }
    c
}

/// Two files of one to three policies each, names unique across both.
fn two_files(choices: &[u32]) -> Vec<(String, Vec<u8>)> {
    let mut c = Replay::new(choices);
    (0..2)
        .map(|f| {
            let n = 1 + corpus::Choices::pick(&mut c, 3);
            let policies: Vec<_> = (0..n)
                .map(|i| {
                    let stem = corpus::Choices::one_of(&mut c, &["shop", "app", "docs", "x"]);
                    corpus::policy(&mut c, &format!("{stem}_{f}_{i}"), Style::Messy)
                })
                .collect();
            (
                format!("policies/f{f}.policy"),
                corpus::render(&mut c, &policies, Style::Messy).into_bytes(),
            )
        })
        .collect()
}

fn choices() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(any::<u32>(), 0..3000)
}

fn show(files: &[(String, Vec<u8>)]) -> String {
    files
        .iter()
        .map(|(name, bytes)| format!("--- {name}\n{}", String::from_utf8_lossy(bytes)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn rendered(checked: &Checked) -> String {
    diagnostics::json::render(&checked.diagnostics, &checked.sources)
}

fn errors(checked: &Checked) -> String {
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    diagnostics::human::render(&errors, &checked.sources, false)
}

/// Every label inside its file and on character boundaries; every renderer accepts the lot.
fn assert_sound(checked: &Checked) {
    for d in &checked.diagnostics {
        assert!(!d.labels.is_empty(), "no label: {d:?}");
        for l in &d.labels {
            let text = &checked.sources.get(l.span.file).text;
            assert!(
                l.span.start <= l.span.end && l.span.end <= text.len(),
                "span out of the file: {d:?}"
            );
            assert!(
                text.is_char_boundary(l.span.start) && text.is_char_boundary(l.span.end),
                "span inside a character: {d:?}"
            );
        }
    }
    let _ = diagnostics::human::render(&checked.diagnostics, &checked.sources, false);
    let _ = diagnostics::github::render(&checked.diagnostics, &checked.sources);
    for json in [
        rendered(checked),
        diagnostics::sarif::render(&checked.diagnostics, &checked.sources),
    ] {
        assert!(
            serde_json::from_str::<serde_json::Value>(&json).is_ok(),
            "not JSON: {json}"
        );
    }
}

fn build(checked: &Checked) -> Files {
    match emit::emit(&checked.model, catalog::builtin(), &[]) {
        Ok(out) => out.files,
        Err(e) => panic!("a policy without errors failed to emit: {e}"),
    }
}

/// Parse, without running, `source` as a classic script: the `Function` constructor compiles
/// its argument and returns a function that is never called.
fn js_syntax_error(rt: &rquickjs::Runtime, source: &str) -> Option<String> {
    use rquickjs::{CatchResultExt, Context, Function};
    let ctx = Context::full(rt).expect("a QuickJS context");
    ctx.with(|ctx| {
        let constructor: Function = ctx.globals().get("Function").expect("the Function constructor");
        constructor
            .call::<_, Function>((source,))
            .catch(&ctx)
            .err()
            .map(|e| e.to_string())
    })
}

proptest! {
    #![proptest_config(config(128))]

    /// A generated policy checks without errors, the same way twice.
    #[test]
    fn valid_policies_check_clean_and_deterministically(choices in choices()) {
        let files = two_files(&choices);
        let first = consentc::check_sources(files.clone());
        prop_assert!(!first.has_errors(), "errors in a valid policy:\n{}\n{}", errors(&first), show(&files));
        assert_sound(&first);
        let second = consentc::check_sources(files);
        prop_assert_eq!(&first.diagnostics, &second.diagnostics);
        prop_assert_eq!(format!("{:?}", first.model), format!("{:?}", second.model));
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// The same files twice, and the same files with the inputs swapped; every loader is
    /// JavaScript and every `.json` output JSON.
    #[test]
    fn builds_are_deterministic_and_loaders_parse(choices in choices()) {
        let files = two_files(&choices);
        let checked = consentc::check_sources(files.clone());
        prop_assert!(!checked.has_errors(), "errors in a valid policy:\n{}\n{}", errors(&checked), show(&files));
        let out = build(&checked);
        prop_assert_eq!(&out, &build(&checked), "emit differs between two runs");

        let swapped = consentc::check_sources(files.iter().rev().cloned().collect());
        prop_assert_eq!(rendered(&checked), rendered(&swapped), "diagnostics depend on input order");
        let out_swapped = build(&swapped);
        prop_assert_eq!(out.keys().collect::<Vec<_>>(), out_swapped.keys().collect::<Vec<_>>());
        for (path, bytes) in &out {
            prop_assert!(out_swapped.get(path) == Some(bytes), "`{}` depends on input order", path);
        }

        let rt = rquickjs::Runtime::new().expect("a QuickJS runtime");
        for (path, bytes) in &out {
            let text = std::str::from_utf8(bytes);
            prop_assert!(text.is_ok(), "`{}` is not UTF-8", path);
            let text = text.unwrap_or_default();
            if path.ends_with(".js") {
                if let Some(e) = js_syntax_error(&rt, text) {
                    prop_assert!(false, "`{}` is not JavaScript: {}\n{}", path, e, show(&files));
                }
            } else if path.ends_with(".json") {
                prop_assert!(serde_json::from_str::<serde_json::Value>(text).is_ok(), "`{}` is not JSON", path);
            }
        }
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// Valid text damaged (cut short, a byte replaced, a range deleted) never panics, and its
    /// diagnostics stay sound.
    #[test]
    fn damaged_policies_get_sound_diagnostics(
        choices in choices(),
        cut in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        len in 0usize..16,
    ) {
        let mut files = two_files(&choices);
        let bytes = &mut files[0].1;
        if !bytes.is_empty() {
            let i = at.index(bytes.len());
            match byte % 3 {
                0 => bytes.truncate(cut.index(bytes.len() + 1)),
                1 => bytes[i] = byte,
                _ => {
                    let end = (i + len).min(bytes.len());
                    bytes.drain(i..end);
                }
            }
        }
        let checked = consentc::check_sources(files.clone());
        assert_sound(&checked);
        if !checked.has_errors() {
            let _ = build(&checked);
        }
    }
}

/// The generator itself: its policies parse as they should in both layouts (a broken generator
/// would make every property above vacuous).
#[test]
fn the_corpus_generator_makes_valid_policies() {
    for file in corpus::corpus(50, 7) {
        let checked = consentc::check_sources(vec![(file.name.clone(), file.policy.clone().into_bytes())]);
        assert!(!checked.has_errors(), "{}\n{}", errors(&checked), file.policy);
        assert_eq!(checked.model.policies.len(), 1);
        assert!(serde_json::from_str::<serde_json::Value>(&file.json).is_ok());
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// The size report's gzip length (a reused raw-deflate compressor plus the fixed gzip
    /// framing) is the length of what a gzip encoder writes.
    #[test]
    fn gzip_len_is_the_gzip_encoder_length(bytes in prop::collection::vec(any::<u8>(), 0..20_000), text in ".{0,2000}") {
        use std::io::Write;
        for input in [bytes.as_slice(), text.as_bytes()] {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            prop_assert!(encoder.write_all(input).is_ok());
            let expected = encoder.finish().map(|v| v.len()).unwrap_or_default();
            prop_assert_eq!(emit::gzip_len(input), expected);
        }
    }
}
