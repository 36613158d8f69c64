//! Compiling policies from a `build.rs` with the library API, without the CLI.
//!
//! In your crate's `build.rs`:
//!
//! ```ignore
//! fn main() {
//!     println!("cargo:rerun-if-changed=policies");
//!     let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("consent");
//!     if let Err(report) = build_script::compile(std::path::Path::new("policies"), &out) {
//!         // Cargo shows a build script's stderr when it fails.
//!         eprintln!("{report}");
//!         std::process::exit(1);
//!     }
//! }
//! ```
//!
//! Run this file as a program with `cargo run --example build_script -- POLICIES OUT`.

use std::path::{Path, PathBuf};

/// Check the policies under `policies` and write every output under `out`. On errors, the
/// rendered diagnostics; nothing is written.
pub fn compile(policies: &Path, out: &Path) -> Result<usize, String> {
    let built = consentc::build_paths(&[PathBuf::from(policies)], &[]).map_err(|e| e.to_string())?;
    let report = consentc::diagnostics::human::render(&built.checked.diagnostics, &built.checked.sources, false);
    let Some(output) = built.output else { return Err(report) };
    consentc::build::write(out, &output.files).map_err(|e| e.to_string())?;
    Ok(output.files.len())
}

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (policies, out) = match args.as_slice() {
        [p, o] => (PathBuf::from(p), PathBuf::from(o)),
        _ => (PathBuf::from("policies"), PathBuf::from("dist")),
    };
    match compile(&policies, &out) {
        Ok(n) => println!("wrote {n} files under {}", out.display()),
        Err(report) => {
            eprintln!("{report}");
            std::process::exit(1);
        }
    }
}
