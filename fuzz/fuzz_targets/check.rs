//! Arbitrary input (one or two files) through the whole checker: never a panic, every
//! diagnostic well-formed and renderable in every format, and the result deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let files = common::split_files(data);
    let checked = consentc::check_sources(files.clone());
    common::assert_diagnostics_sound(&checked.diagnostics, &checked.sources);
    let again = consentc::check_sources(files);
    assert_eq!(checked.diagnostics, again.diagnostics, "check is not deterministic");
});
