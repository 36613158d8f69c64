//! Check, then emit into memory when there is no error: a checked model must always emit
//! (an emit error is a bug: the checker should have reported it), and emit twice identically.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let checked = consentc::check_sources(common::split_files(data));
    common::assert_diagnostics_sound(&checked.diagnostics, &checked.sources);
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
});
