//! `build`: check, emit in memory, then write atomically, or compare (`--check`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::catalog;
use crate::compile::{check_paths, Checked, InputError};
use crate::emit::{self, EmitError, Files, LoaderSize};

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Emit(#[from] EmitError),
    #[error("cannot write `{path}`: {source}")]
    Write { path: String, source: std::io::Error },
}

/// The result of a build: the check (whose diagnostics the caller prints) and, when the check
/// had no errors, the files.
#[derive(Debug)]
pub struct Built {
    pub checked: Checked,
    pub output: Option<emit::Output>,
}

/// Check and emit; nothing touches the disk.
pub fn build_paths(paths: &[PathBuf], only_cmps: &[String]) -> Result<Built, BuildError> {
    build_paths_with(
        paths,
        emit::Options {
            only_cmps,
            ..emit::Options::default()
        },
    )
}

/// Check and emit as `options` ask (`--cmp`, `--base`); nothing touches the disk.
pub fn build_paths_with(paths: &[PathBuf], options: emit::Options<'_>) -> Result<Built, BuildError> {
    let checked = check_paths(paths)?;
    if checked.has_errors() {
        return Ok(Built { checked, output: None });
    }
    let output = emit::emit_with(&checked.model, catalog::builtin(), options)?;
    Ok(Built {
        checked,
        output: Some(output),
    })
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Write {
        path: path.display().to_string(),
        source,
    }
}

/// Write `files` under `out`. Each policy directory is written in full to a temporary directory
/// inside `out`, and only when all are written are they renamed into place, replacing the old
/// ones; a failure leaves the previous outputs as they were.
pub fn write(out: &Path, files: &Files) -> Result<(), BuildError> {
    std::fs::create_dir_all(out).map_err(write_err(out))?;
    let staging = tempfile::Builder::new()
        .prefix(".consentc-")
        .tempdir_in(out)
        .map_err(write_err(out))?;
    let mut dirs: BTreeSet<&str> = BTreeSet::new();
    for (relative, bytes) in files {
        let path = staging.path().join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(write_err(parent))?;
        }
        std::fs::write(&path, bytes).map_err(write_err(&path))?;
        if let Some((dir, _)) = relative.split_once('/') {
            dirs.insert(dir);
        }
    }
    for dir in dirs {
        let target = out.join(dir);
        let old = staging.path().join(format!(".old-{dir}"));
        if target.exists() {
            std::fs::rename(&target, &old).map_err(write_err(&target))?;
        }
        std::fs::rename(staging.path().join(dir), &target).map_err(write_err(&target))?;
    }
    // `staging` (with the old directories) is removed when dropped.
    Ok(())
}

/// How the files under `out` differ from what a build writes.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Staleness {
    pub missing: Vec<String>,
    pub changed: Vec<String>,
    pub extra: Vec<String>,
}

impl Staleness {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.changed.is_empty() && self.extra.is_empty()
    }
}

/// Compare `files` with `out`: every generated policy directory must hold exactly these files.
pub fn stale(out: &Path, files: &Files) -> Staleness {
    let mut s = Staleness::default();
    let mut dirs: BTreeSet<&str> = BTreeSet::new();
    for (relative, bytes) in files {
        if let Some((dir, _)) = relative.split_once('/') {
            dirs.insert(dir);
        }
        match std::fs::read(out.join(relative)) {
            Ok(on_disk) if &on_disk == bytes => {}
            Ok(_) => s.changed.push(relative.clone()),
            Err(_) => s.missing.push(relative.clone()),
        }
    }
    for dir in dirs {
        let mut found = Vec::new();
        list_files(&out.join(dir), dir, &mut found);
        s.extra.extend(found.into_iter().filter(|f| !files.contains_key(f)));
    }
    s.extra.sort();
    s
}

fn list_files(dir: &Path, prefix: &str, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = format!("{prefix}/{name}");
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            list_files(&entry.path(), &relative, found);
        } else {
            found.push(relative);
        }
    }
}

/// One line per loader: raw and gzipped size.
pub fn size_lines(loaders: &[LoaderSize]) -> Vec<String> {
    loaders
        .iter()
        .map(|l| format!("  {}  {} bytes, {} gzipped", l.path, l.raw, l.gzip))
        .collect()
}
