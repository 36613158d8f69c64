//! `build`: check, emit in memory, then write atomically, or compare (`--check`). Writing and
//! comparing, and reading the policies from disk, are the `fs` feature's (`build/disk.rs`).

#[cfg(feature = "fs")]
use std::path::PathBuf;

use crate::catalog;
use crate::compile::{check_sources, Checked, InputError};
use crate::emit::{self, EmitError, LoaderSize};
use crate::host::Host;

#[cfg(feature = "fs")]
mod disk;
#[cfg(feature = "fs")]
pub use disk::{abandoned_staging, stale, write};

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Emit(#[from] EmitError),
    #[error("cannot write `{path}`: {source}")]
    Write { path: String, source: std::io::Error },
}

/// How the files under `out` differ from what a build writes (`stale`, or a `host::Host`'s).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Staleness {
    pub missing: Vec<String>,
    pub changed: Vec<String>,
    pub extra: Vec<String>,
    /// Staging directories a build that did not finish left in `out` (`abandoned_staging`);
    /// the next build removes them.
    pub leftover: Vec<String>,
}

impl Staleness {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.changed.is_empty() && self.extra.is_empty() && self.leftover.is_empty()
    }
}

/// The result of a build: the check (whose diagnostics the caller prints) and, when the check
/// had no errors, the files.
#[derive(Debug)]
pub struct Built {
    pub checked: Checked,
    pub output: Option<emit::Output>,
}

/// Check and emit in-memory sources `(name, bytes)`, as [`check_sources`] takes them; the
/// library's build without a file system.
pub fn build_sources(inputs: Vec<(String, Vec<u8>)>, options: emit::Options<'_>) -> Result<Built, EmitError> {
    built(check_sources(inputs), options)
}

/// Emit what `checked` allows: nothing when it has errors.
fn built(checked: Checked, options: emit::Options<'_>) -> Result<Built, EmitError> {
    if checked.has_errors() {
        return Ok(Built { checked, output: None });
    }
    let output = emit::emit_with(&checked.model, catalog::builtin(), options)?;
    Ok(Built {
        checked,
        output: Some(output),
    })
}

/// Check the files on disk and emit; nothing is written.
#[cfg(feature = "fs")]
pub fn build_paths(paths: &[PathBuf], only_cmps: &[String]) -> Result<Built, BuildError> {
    build_paths_with(
        paths,
        emit::Options {
            only_cmps,
            ..emit::Options::default()
        },
    )
}

/// Check the files on disk and emit as `options` ask (`--cmp`, `--base`); nothing is written.
#[cfg(feature = "fs")]
pub fn build_paths_with(paths: &[PathBuf], options: emit::Options<'_>) -> Result<Built, BuildError> {
    build_paths_in(&crate::host::Native, paths, options)
}

/// [`build_paths_with`] on any [`Host`]'s file system (the npm package's is Node's).
pub fn build_paths_in<H: Host + ?Sized>(
    host: &H,
    paths: &[std::path::PathBuf],
    options: emit::Options<'_>,
) -> Result<Built, BuildError> {
    Ok(built(crate::compile::check_paths_in(host, paths)?, options)?)
}

/// One line per loader: raw and gzipped size.
pub fn size_lines(loaders: &[LoaderSize]) -> Vec<String> {
    loaders
        .iter()
        .map(|l| format!("  {}  {} bytes, {} gzipped", l.path, l.raw, l.gzip))
        .collect()
}
