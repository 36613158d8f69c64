//! consentc: a compiler for consent policies.
//!
//! The pipeline runs one way: [`syntax`] turns text into trees, [`check`] turns trees and the
//! [`catalog`] into a checked [`check::model::Model`] and diagnostics, [`emit`] turns the model
//! into files. [`compile`] ties them together for a set of files; most tools only need
//! [`check_paths`] and [`check_sources`].

pub mod build;
pub mod calendar;
pub mod catalog;
pub mod check;
pub mod compile;
pub mod diagnostics;
pub mod emit;
pub mod fmt;
pub mod source;
pub mod syntax;

pub use build::{build_paths, BuildError, Built};

/// The README's Rust snippets, compiled and run by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
pub use compile::{check_paths, check_sources, Checked, InputError};
