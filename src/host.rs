//! What the library asks of the machine it runs on: reading policy files and directories, and,
//! for the command line, writing outputs and printing. The native binary's host is `std::fs` and
//! the process's streams ([`Native`], the `fs` feature); the npm package's is Node's `fs` and
//! `process` (wasm/bindings), so both gather files by one walk ([`crate::compile::collect_in`])
//! and print the same bytes. Errors are `std::io::Error`s whose text is the host's own.

use std::io;
use std::path::{Path, PathBuf};

use crate::build::{BuildError, Staleness};
use crate::emit::Files;

/// What a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    /// A symbolic link (only in [`Entry::kind`], which does not follow links).
    Link,
    Other,
}

/// One directory entry: its name (as the system gives it, not necessarily UTF-8) and what it is
/// itself (a link is not followed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: std::ffi::OsString,
    pub kind: Kind,
}

/// Which stream a text goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// File-system and console access.
pub trait Host {
    /// What `path` is, following links.
    fn metadata(&self, path: &Path) -> io::Result<Kind>;
    /// The entries of a directory, in any order.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<Entry>>;
    /// The absolute path without links (to tell one file named twice).
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;

    /// Writes a build atomically (`crate::build::write`'s contract).
    fn write_build(&self, out: &Path, files: &Files) -> Result<(), BuildError>;
    /// Compares a build with `out` (`crate::build::stale`'s contract).
    fn stale(&self, out: &Path, files: &Files) -> Staleness;
    /// Replaces a file's content atomically (`crate::fmt::write_atomic`'s contract).
    fn write_atomic(&self, path: &Path, text: &str) -> io::Result<()>;
    fn create_dir_all(&self, path: &Path) -> io::Result<()>;
    /// Creates `path` with `bytes`; fails with `ErrorKind::AlreadyExists` if it exists.
    fn create_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;

    fn print(&mut self, stream: Stream, text: &str);
    /// Whether `stream` takes colour (a terminal, and `NO_COLOR` unset or empty).
    fn color(&self, stream: Stream) -> bool;
}

/// The local file system and the process's own streams.
#[cfg(feature = "fs")]
#[derive(Debug, Default)]
pub struct Native;

#[cfg(feature = "fs")]
impl Host for Native {
    fn metadata(&self, path: &Path) -> io::Result<Kind> {
        Ok(kind(std::fs::metadata(path)?.file_type()))
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<Entry>> {
        std::fs::read_dir(path)?
            .map(|entry| {
                let entry = entry?;
                Ok(Entry {
                    name: entry.file_name(),
                    kind: kind(entry.file_type()?),
                })
            })
            .collect()
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn write_build(&self, out: &Path, files: &Files) -> Result<(), BuildError> {
        crate::build::write(out, files)
    }

    fn stale(&self, out: &Path, files: &Files) -> Staleness {
        crate::build::stale(out, files)
    }

    fn write_atomic(&self, path: &Path, text: &str) -> io::Result<()> {
        crate::fmt::write_atomic(path, text)
    }

    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        std::fs::create_dir_all(path)
    }

    fn create_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        use std::io::Write as _;
        // `create_new` refuses an existing file atomically.
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
        file.write_all(bytes)
    }

    fn print(&mut self, stream: Stream, text: &str) {
        use std::io::Write as _;
        // A closed pipe (`consentc check | head`) is not a bug in consentc: ignored.
        let _ = match stream {
            Stream::Stdout => std::io::stdout().lock().write_all(text.as_bytes()),
            Stream::Stderr => std::io::stderr().lock().write_all(text.as_bytes()),
        };
    }

    fn color(&self, stream: Stream) -> bool {
        use std::io::IsTerminal as _;
        let terminal = match stream {
            Stream::Stdout => std::io::stdout().is_terminal(),
            Stream::Stderr => std::io::stderr().is_terminal(),
        };
        terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    }
}

#[cfg(feature = "fs")]
fn kind(t: std::fs::FileType) -> Kind {
    if t.is_symlink() {
        Kind::Link
    } else if t.is_dir() {
        Kind::Dir
    } else if t.is_file() {
        Kind::File
    } else {
        Kind::Other
    }
}
