//! A compile set: gathering `.policy` files, reading and parsing them, and checking the lot.

use std::path::{Path, PathBuf};

use crate::catalog;
use crate::check::{self, model::Model, FileFacts};
use crate::diagnostics::{self, Code, Diagnostic, Severity};
use crate::host::{Host, Kind};
use crate::source::{decode, has_bom, FileId, SourceFile, SourceMap, Span};
use crate::syntax;

/// Problems that are not about the policies: a path that does not exist, a file that cannot be
/// read. The CLI maps these to exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("`{path}`: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("`{0}` is neither a `.policy` file nor a directory")]
    NotPolicy(String),
}

/// What a check produced: the sources (for rendering), the model, every diagnostic (sorted).
#[derive(Debug, Default)]
pub struct Checked {
    pub sources: SourceMap,
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}

/// Every `.policy` file named by `paths`: files as given, directories walked in byte-wise sorted
/// order, hidden entries skipped, symbolic links to directories not followed, each file once.
#[cfg(feature = "fs")]
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    collect_in(&crate::host::Native, paths)
}

/// [`collect`] on any [`Host`]'s file system: the one walk of the native command and the npm
/// package.
pub fn collect_in<H: Host + ?Sized>(host: &H, paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut found = Vec::new();
    for path in paths {
        let kind = host.metadata(path).map_err(|source| InputError::Io {
            path: path.display().to_string(),
            source,
        })?;
        match kind {
            Kind::Dir => walk(host, path, &mut found)?,
            Kind::File => found.push(path.clone()),
            _ => return Err(InputError::NotPolicy(path.display().to_string())),
        }
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|p| seen.insert(host.canonicalize(p).unwrap_or_else(|_| p.clone())));
    Ok(found)
}

fn walk<H: Host + ?Sized>(host: &H, dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let io = |source| InputError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut entries = host.read_dir(dir).map_err(io)?;
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    for entry in entries {
        if entry.name.as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let path = dir.join(&entry.name);
        if entry.kind == Kind::Dir {
            walk(host, &path, found)?;
        } else if path.extension().is_some_and(|e| e == "policy")
            && (entry.kind == Kind::File
                || (entry.kind == Kind::Link && host.metadata(&path).is_ok_and(|k| k == Kind::File)))
        {
            found.push(path);
        }
    }
    Ok(())
}

/// Check files on disk.
#[cfg(feature = "fs")]
pub fn check_paths(paths: &[PathBuf]) -> Result<Checked, InputError> {
    check_paths_in(&crate::host::Native, paths)
}

/// [`check_paths`] on any [`Host`]'s file system.
pub fn check_paths_in<H: Host + ?Sized>(host: &H, paths: &[PathBuf]) -> Result<Checked, InputError> {
    let files = collect_in(host, paths)?;
    let mut inputs = Vec::with_capacity(files.len());
    for path in files {
        let bytes = host.read(&path).map_err(|source| InputError::Io {
            path: path.display().to_string(),
            source,
        })?;
        inputs.push((display_name(&path), bytes));
    }
    Ok(check_sources(inputs))
}

/// A stable display name: relative paths as given, with `/` separators.
pub fn display_name(path: &Path) -> String {
    let text = path.display().to_string();
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

/// Check in-memory sources `(name, bytes)`; the library entry point for tools and tests.
///
/// Each file is decoded, parsed and checked on its own, several at once with the `parallel`
/// feature (they are independent until the cross-file rules), and its syntax tree is dropped as
/// soon as it is lowered: a compile set of thousands of files holds one tree per thread, never
/// all of them. File ids are the inputs' positions, so the result does not depend on which
/// thread did what.
pub fn check_sources(inputs: Vec<(String, Vec<u8>)>) -> Checked {
    let catalog = catalog::builtin();
    let units: Vec<(SourceFile, FileFacts)> = crate::par::map(inputs, |i, (name, bytes)| {
        front_end(FileId(i as u32), name, &bytes, catalog)
    });
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut allows = Vec::new();
    let mut policies = Vec::new();
    let mut translations = Vec::new();
    for (i, (source, facts)) in units.into_iter().enumerate() {
        let id = sources.add(source);
        debug_assert_eq!(id, FileId(i as u32), "spans carry the input position as the file id");
        diagnostics.extend(facts.diagnostics);
        allows.extend(facts.allows);
        policies.extend(facts.policies);
        translations.extend(facts.translations);
    }
    let model = check::check_set(policies, translations, catalog, &mut diagnostics);
    check::suppress::apply(allows, &mut diagnostics);
    diagnostics::sort(&mut diagnostics, &sources);
    Checked {
        sources,
        model,
        diagnostics,
    }
}

/// One file up to the cross-file rules: its source (kept for rendering diagnostics) and what the
/// checker learnt from it.
fn front_end(id: FileId, name: String, bytes: &[u8], catalog: &catalog::Catalog) -> (SourceFile, FileFacts) {
    match decode(bytes) {
        Ok(text) => {
            let source = SourceFile::new(name, text).with_bom(has_bom(bytes));
            let facts = match syntax::parse(id, &source.text) {
                Ok(file) => check::check_file(id, &file, &source, catalog),
                Err(d) => FileFacts {
                    diagnostics: vec![*d],
                    ..FileFacts::default()
                },
            };
            (source, facts)
        }
        Err((at, prefix)) => {
            let invalid = Diagnostic::new(Code::CP0001, "the file is not valid UTF-8")
                .primary(Span::new(id, at, at), "invalid byte here")
                .help("save the file as UTF-8");
            (
                SourceFile::new(name, prefix),
                FileFacts {
                    diagnostics: vec![invalid],
                    ..FileFacts::default()
                },
            )
        }
    }
}
