//! Check, then emit into memory; see `common::build_emit_target`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::build_emit_target(data));
