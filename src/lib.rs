//! consentc: a compiler for consent policies.
//!
//! The pipeline runs one way: [`syntax`] turns text into trees, [`check`] turns trees and the
//! [`catalog`] into a checked [`check::model::Model`] and diagnostics, [`emit`] turns the model
//! into files. [`compile`] ties them together for a set of files; most tools only need
//! [`check_sources`] and [`build_sources`] (in memory), or `check_paths` and `build_paths` (files
//! on disk).
//!
//! Cargo features (all on by default; README, "Using it as a library"): `fs` reads policies from
//! disk and writes builds (`check_paths`, `build_paths`, `build::write`, `fmt::write_atomic`),
//! `parallel` checks files and emits policies on several threads, `cli` is the `consentc`
//! binary, `audit` its real-browser audit (chromiumoxide and tokio). Without them the library builds for `wasm32-unknown-unknown`, with the same results.

#[cfg(feature = "audit")]
pub mod audit;
pub mod build;
pub mod calendar;
pub mod catalog;
pub mod check;
#[cfg(feature = "command")]
pub mod cli;
pub mod compile;
pub mod diagnostics;
pub mod emit;
pub mod fmt;
pub mod host;
#[cfg(feature = "lsp")]
pub mod lsp;
mod par;
pub mod source;
pub mod syntax;

#[cfg(feature = "fs")]
pub use build::build_paths;
pub use build::{build_sources, BuildError, Built};

/// The README's Rust snippets, compiled and run by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
#[cfg(feature = "fs")]
pub use compile::check_paths;
pub use compile::{check_sources, Checked, InputError};
