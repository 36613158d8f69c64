//! Arbitrary bytes through decoding and the parser; see `common::parse_target`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::parse_target(data));
