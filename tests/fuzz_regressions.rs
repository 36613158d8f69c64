//! Inputs kept from fuzzing (`tests/fuzz_regressions/`), replayed through the bodies of all four
//! fuzz targets (`fuzz/fuzz_targets/common.rs`, shared with the fuzzer), so a crasher or a broken
//! invariant that was fixed stays fixed. A new crasher: minimise it with `cargo fuzz tmin` and
//! drop it into the directory under a name that says what it exercises (fuzz/README.md).

#[path = "../fuzz/fuzz_targets/common.rs"]
mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 4] = [
    ("parse", common::parse_target),
    ("check", common::check_target),
    ("build_emit", common::build_emit_target),
    ("fmt_roundtrip", common::fmt_roundtrip_target),
];

#[test]
fn every_kept_input_holds_every_target_invariant() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fuzz_regressions exists")
        .map(|e| e.expect("readable entry").path())
        .collect();
    inputs.sort();
    assert!(
        inputs.len() >= 10,
        "the kept inputs went missing from {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for path in &inputs {
        let data = std::fs::read(path).expect("readable input");
        for (name, target) in TARGETS {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| target(&data))) {
                let why = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                failures.push(format!("{name} on {}: {why}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
