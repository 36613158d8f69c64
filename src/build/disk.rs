//! Writing a build to disk atomically, and comparing one with what is there (`build --check`):
//! the `fs` feature.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{BuildError, Staleness};
use crate::emit::Files;

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Write {
        path: path.display().to_string(),
        source,
    }
}

/// Staging directories are `<out>/.consentc-XXXXXX` (the prefix is consentc's own).
const STAGING_PREFIX: &str = ".consentc-";
/// The file in a staging directory that its build holds an exclusive lock on while it writes.
const LOCK_FILE: &str = ".lock";
/// A staging directory without a lock file (one made by an older consentc, or in the instant
/// before its build creates the lock) counts as abandoned only after this long.
const UNLOCKED_GRACE: std::time::Duration = std::time::Duration::from_secs(60);

/// Write `files` under `out`. Each policy directory is written in full to a staging directory
/// inside `out`, and only when all are written are they renamed into place, replacing the old
/// ones; a failure leaves the previous outputs as they were.
///
/// A build that is killed while writing leaves its staging directory behind; the next build
/// removes it first ([`abandoned_staging`] says which are abandoned: the lock on them is free,
/// so two builds writing to one `out` at once never remove each other's).
pub fn write(out: &Path, files: &Files) -> Result<(), BuildError> {
    std::fs::create_dir_all(out).map_err(write_err(out))?;
    for dir in abandoned_staging(out) {
        // Best effort: what cannot be removed now is reported by `build --check` and tried again.
        let _ = std::fs::remove_dir_all(&dir);
    }
    let staging = tempfile::Builder::new()
        .prefix(STAGING_PREFIX)
        .tempdir_in(out)
        .map_err(write_err(out))?;
    // Held (and locked) until the directories are in place and `staging` is removed.
    let _lock = lock::hold(&staging.path().join(LOCK_FILE)).map_err(write_err(staging.path()))?;
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

/// The staging directories in `out` that a build left and no build is writing: named
/// `.consentc-*`, a directory (not a link), and either with a lock file no process holds (its
/// build died: the operating system frees the lock of a dead process), or, without one, last
/// changed more than a minute ago. Sorted.
pub fn abandoned_staging(out: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(STAGING_PREFIX))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .filter(|dir| {
            let lock_file = dir.join(LOCK_FILE);
            if lock_file.exists() {
                lock::is_free(&lock_file)
            } else {
                std::fs::metadata(dir)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > UNLOCKED_GRACE)
            }
        })
        .collect();
    found.sort();
    found
}

/// Advisory locks: `flock` where there is one. Elsewhere a lock file only marks the directory,
/// and one is taken as free (abandoned) once it is an hour old.
mod lock {
    use std::fs::File;
    use std::path::Path;

    #[cfg(unix)]
    pub fn hold(path: &Path) -> std::io::Result<File> {
        let file = File::create(path)?;
        rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive)?;
        Ok(file)
    }

    #[cfg(unix)]
    pub fn is_free(path: &Path) -> bool {
        let Ok(file) = File::open(path) else { return false };
        // Taken and released at once (closing the file releases it).
        rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive).is_ok()
    }

    #[cfg(not(unix))]
    pub fn hold(path: &Path) -> std::io::Result<File> {
        File::create(path)
    }

    #[cfg(not(unix))]
    pub fn is_free(path: &Path) -> bool {
        std::fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(3600))
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
    s.leftover = abandoned_staging(out)
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A staging directory whose lock is held (a build writing now) is left alone; once the lock
    /// is released (the build died) it is abandoned. One without a lock file is left alone while
    /// it is new.
    #[test]
    fn only_staging_directories_no_build_holds_are_abandoned() {
        let out = tempfile::tempdir().expect("tempdir");
        let busy = out.path().join(".consentc-busy01");
        std::fs::create_dir_all(busy.join("shop")).expect("mkdir");
        let held = lock::hold(&busy.join(LOCK_FILE)).expect("lock");
        let fresh = out.path().join(".consentc-fresh1");
        std::fs::create_dir_all(&fresh).expect("mkdir");
        std::fs::create_dir_all(out.path().join("shop")).expect("mkdir");
        std::fs::write(out.path().join(".consentc-file"), "not a directory").expect("write");
        #[cfg(unix)]
        assert!(abandoned_staging(out.path()).is_empty());
        drop(held);
        assert_eq!(abandoned_staging(out.path()), vec![busy.clone()]);

        // A build clears it, and leaves nothing of its own.
        let files: Files = [("shop/a.txt".to_owned(), b"a".to_vec())].into();
        write(out.path(), &files).expect("write");
        assert!(!busy.exists());
        assert!(
            fresh.exists(),
            "a new staging directory without a lock may be a build starting"
        );
        let left: Vec<String> = std::fs::read_dir(out.path())
            .expect("read_dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left.len(), 3, "{left:?}");
    }
}
