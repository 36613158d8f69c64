//! Property tests: random valid policies (built from the grammar and the catalogue by
//! `benches/corpus`, from a proptest-generated list of choices that shrinks towards the
//! simplest policy) checked for what must hold of every input:
//!
//! - checking never panics, reports no error for a valid policy, and is deterministic;
//! - building is deterministic: twice the same files, and the same files whichever order the
//!   two input files come in;
//! - every generated loader parses as JavaScript (QuickJS), every `.json` output as JSON, and
//!   runs: loaded in the fake browser of tests/loader_js.rs with the page calling Intercom, it
//!   requests nothing before consent; built for the CMPs with a fake driven generically here
//!   (custom, vanilla-cookieconsent, Klaro), a grant of every purpose boots the widget once and
//!   a withdrawal of every purpose cleans up, with no JavaScript error on the way, so that no
//!   combination of the loader's specialized code paths can hide a ReferenceError;
//! - a valid policy cut short or with a byte changed still gets sound diagnostics, no panic.
//!
//! `PROPTEST_CASES=1000 cargo test --test properties` runs more cases than the default.

mod common;
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

/// A path on the policy's pages (the first glob made of plain characters, its wildcards filled
/// in), `/app/home` without pages, and whether the loader is sure to find it on its pages.
fn page_path(pages: &serde_json::Value) -> (String, bool) {
    let Some(globs) = pages.as_array() else {
        return ("/app/home".to_owned(), true);
    };
    let plain = |g: &&str| g.starts_with('/') && g.chars().all(|c| c.is_ascii_alphanumeric() || "/_-.*".contains(c));
    match globs.iter().filter_map(serde_json::Value::as_str).find(plain) {
        Some(glob) => (glob.replace("**", "x").replace('*', "x"), true),
        None => ("/".to_owned(), false),
    }
}

/// Every purpose granted, then every purpose refused, in the CMP's own terms (`cmp` has a fake
/// in the shared harness). `values` are the CMP values of the policy's purposes.
fn choice_js(cmp: &str, grant: bool) -> String {
    match (cmp, grant) {
        ("custom", _) => {
            format!("var c = {{}}; PURPOSES.forEach(function (p) {{ c[p] = {grant}; }}); consentc.set(c);")
        }
        ("cookieconsent", true) => "__cc.accept(VALUES);".to_owned(),
        ("cookieconsent", false) => "__cc.accept([]);".to_owned(),
        ("klaro", _) => format!(
            "var c = {{}}; PURPOSES.forEach(function (p) {{ c['intercom-' + p] = {grant}; }}); __klaro.save(c);"
        ),
        _ => unreachable!("no generic driver for {cmp}"),
    }
}

/// Runs one generated loader: nothing before consent; for a CMP with a generic driver, a grant of
/// every purpose (and a click on the facade, if any) boots the widget at most once, exactly once
/// when the messenger is mapped and the page is surely on the policy's pages, and a withdrawal
/// of every purpose removes the widget, its cookies and its storage.
fn run_loader(config: &serde_json::Value, cmp: &str, loader: &str) -> Result<(), String> {
    let cmp: &'static str = consentc::emit::loader::known_cmps()
        .iter()
        .copied()
        .find(|c| *c == cmp)
        .ok_or_else(|| format!("unknown CMP {cmp}"))?;
    let (path, on_pages) = page_path(&config["pages"]);
    let purposes: Vec<&String> = config["purposes"]
        .as_object()
        .map(|p| p.keys().collect())
        .unwrap_or_default();
    let values: Vec<serde_json::Value> = config["cmp"]["purposes"]
        .as_object()
        .map(|p| p.values().cloned().collect())
        .unwrap_or_default();
    std::panic::catch_unwind(|| {
        let tab = common::Tab::open(&format!("https://app.acme.test{path}"), cmp, config);
        tab.js(&format!(
            "var PURPOSES = {}; var VALUES = {}; var MAPPED = {};
             if (CMP === 'cookieconsent') {{
               __cc.categories = ['necessary'].concat(VALUES);
               // Each category declares the Intercom service of every purpose mapped to it, as
               // the build's configurations do.
               __cc.services = {{}};
               Object.keys(MAPPED).forEach(function (p) {{ (__cc.services[MAPPED[p]] = __cc.services[MAPPED[p]] || []).push('intercom-' + p); }});
             }}
             if (CMP === 'klaro') __klaro.config.services = PURPOSES.map(function (p) {{ return {{name: 'intercom-' + p, purposes: ['x']}}; }});
             window.intercomSettings = {{app_id: 'abc123xy', alignment: 'left', plan: 'pro'}};",
            serde_json::json!(purposes),
            serde_json::json!(values),
            config["cmp"]["purposes"]
        ));
        tab.run(loader);
        tab.js("Intercom('boot', {email: 'a@b.c'}); Intercom('show'); Intercom('startTour', 1); step(3000);
             eq(__log.requests, [], 'nothing before consent'); eq(__intercom.calls, []); eq(Intercom.booted, false);");
        if !["custom", "cookieconsent", "klaro"].contains(&cmp) {
            return;
        }
        // The CMP can only say something about a purpose its block maps (the custom banner
        // speaks for all): an unmapped consent purpose is never granted, an unmapped
        // legitimate-interest or contract one is granted by any answer and never refused, and a
        // contract one is not refused even where it is mapped.
        let messenger = &config["leaves"]["intercom.messenger"]["purpose"];
        let mapped = cmp == "custom" || messenger.as_str().is_some_and(|m| config["cmp"]["purposes"].get(m).is_some());
        let basis = messenger.as_str().map(|m| config["purposes"][m]["basis"].clone());
        let by_any_answer = basis.as_ref().is_some_and(|b| *b != "consent");
        let granted = messenger.is_string() && (mapped || by_any_answer);
        // A contract purpose carries no right to object: a refusal does not withdraw it.
        let contract = basis.as_ref().is_some_and(|b| *b == "contract");
        let withdrawn = (!granted || mapped) && !contract;
        let asked = config["load"] == "when_granted" || config["facade"].is_object();
        let boots = if granted && on_pages && asked { "1" } else { "__intercom.boots.length > 1 ? -1 : __intercom.boots.length" };
        tab.js(&format!(
            "cmp.load(); {} step(500); if (facade()) facade().click(); step(1000);
             eq(__intercom.boots.length, {boots}, 'one boot at most, and one when granted');
             Intercom('update', {{plan: 'team'}}); Intercom('show'); Intercom('onHide', function () {{}});
             history.pushState({{}}, '', location.pathname + '#next'); __setVisibility('hidden'); __setVisibility('visible');
             step(2000);",
            choice_js(cmp, true)
        ));
        tab.js(&format!("{} step(1000);", choice_js(cmp, false)));
        if withdrawn {
            tab.js(
                "eq(icCookies(), [], 'cookies removed'); eq(icStorage(), []); eq(widgetDom(), 0, 'widget removed');
                 eq(Intercom.booted, false);",
            );
        }
    })
    .map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    })
}

proptest! {
    #![proptest_config(config(32))]

    /// Every generated loader runs (see the module comment), and so does each policy's loader
    /// for the CMPs driven generically, whichever CMPs the policy declares.
    #[test]
    fn generated_loaders_run_a_grant_and_a_withdrawal(choices in choices()) {
        let files = two_files(&choices);
        let checked = consentc::check_sources(files.clone());
        prop_assert!(!checked.has_errors(), "errors in a valid policy:\n{}", errors(&checked));
        let out = build(&checked);
        let vendor = catalog::builtin().vendor("intercom").expect("the intercom vendor");
        for policy in &checked.model.policies {
            let declared = policy.cmps.keys().map(String::as_str);
            for cmp in declared.chain(["custom", "cookieconsent", "klaro"]) {
                let Some(config) = emit::config::loader_config(policy, vendor, cmp) else {
                    continue;
                };
                let config = serde_json::to_value(config).expect("the config is JSON");
                let path = format!("{}/intercom-loader.{cmp}.js", policy.name);
                let loader = match out.get(&path) {
                    Some(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                    None => consentc::emit::loader::render_loader(&config, cmp).map_err(|e| TestCaseError::fail(e.to_string()))?,
                };
                if let Err(e) = run_loader(&config, cmp, &loader) {
                    prop_assert!(false, "`{}` for {} failed: {}\n{}", policy.name, cmp, e, show(&files));
                }
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
