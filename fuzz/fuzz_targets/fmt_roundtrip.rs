//! `consentc fmt` on arbitrary text; see `common::fmt_roundtrip_target`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::fmt_roundtrip_target(data));
