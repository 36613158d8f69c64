//! The documents the client has open and the compile set they are checked in
//! (`../shared/spec/cli.md`, "More commands"): the workspace's `policies/` (or the paths of
//! `initializationOptions.paths`) with the open documents in place of their files on disk, and
//! the open documents under the workspace beside them. Never every `.policy` file of the
//! workspace: test fixtures full of deliberate errors would flood the problems list. A document
//! outside the workspace, or not a file at all (`untitled:`), is checked on its own, so its
//! policy names cannot clash with the workspace's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One open document.
pub struct Document {
    pub text: String,
    pub version: i32,
}

/// Files checked together: their URIs (in the compile's file order) and names.
pub struct Set {
    pub uris: Vec<String>,
    pub inputs: Vec<(String, Vec<u8>)>,
}

#[derive(Default)]
pub struct Workspace {
    pub root: Option<PathBuf>,
    /// `initializationOptions.paths`, resolved against the root.
    pub paths: Option<Vec<PathBuf>>,
    pub documents: BTreeMap<String, Document>,
}

impl Workspace {
    /// The compile sets to check: the workspace's, then each document standing alone.
    pub fn sets(&self) -> Vec<Set> {
        let mut workspace = Set {
            uris: Vec::new(),
            inputs: Vec::new(),
        };
        let mut alone = Vec::new();
        // Open documents by path: the client's URIs may encode a path differently from ours,
        // and diagnostics go back under the client's.
        let by_path: std::collections::HashMap<PathBuf, &String> =
            self.documents.keys().filter_map(|u| Some((uri_path(u)?, u))).collect();
        if let Some(root) = &self.root {
            let paths = self.paths.clone().unwrap_or_else(|| vec![root.join("policies")]);
            let existing: Vec<PathBuf> = paths.into_iter().filter(|p| p.exists()).collect();
            // A path that cannot be read is skipped: the editor shows what it can.
            let files = crate::compile::collect(&existing).unwrap_or_default();
            for file in files {
                let absolute = if file.is_absolute() { file } else { root.join(file) };
                let uri = by_path
                    .get(&absolute)
                    .map_or_else(|| file_uri(&absolute), |u| (*u).clone());
                if workspace.uris.contains(&uri) {
                    continue;
                }
                let bytes = match self.documents.get(&uri) {
                    Some(doc) => doc.text.clone().into_bytes(),
                    None => match std::fs::read(&absolute) {
                        Ok(bytes) => strip_bom(bytes),
                        Err(_) => continue,
                    },
                };
                workspace.inputs.push((name(root, &absolute), bytes));
                workspace.uris.push(uri);
            }
        }
        for (uri, doc) in &self.documents {
            if workspace.uris.contains(uri) {
                continue;
            }
            let path = uri_path(uri);
            match (&self.root, &path) {
                (Some(root), Some(path)) if path.starts_with(root) => {
                    workspace.inputs.push((name(root, path), doc.text.clone().into_bytes()));
                    workspace.uris.push(uri.clone());
                }
                _ => alone.push(Set {
                    uris: vec![uri.clone()],
                    inputs: vec![(
                        path.map_or_else(|| uri.clone(), |p| p.display().to_string()),
                        doc.text.clone().into_bytes(),
                    )],
                }),
            }
        }
        let mut sets = vec![workspace];
        sets.extend(alone);
        sets
    }

    /// The text of a document: the open one, or the file on disk.
    pub fn text(&self, uri: &str) -> Option<String> {
        if let Some(doc) = self.documents.get(uri) {
            return Some(doc.text.clone());
        }
        let bytes = std::fs::read(uri_path(uri)?).ok()?;
        String::from_utf8(strip_bom(bytes)).ok()
    }
}

/// Editors show a file without its byte-order mark, and count positions without it.
fn strip_bom(bytes: Vec<u8>) -> Vec<u8> {
    match bytes.strip_prefix("\u{feff}".as_bytes()) {
        Some(rest) => rest.to_vec(),
        None => bytes,
    }
}

/// A file's name in diagnostics: relative to the workspace, with `/`, as `consentc check` gives.
fn name(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The path of a `file:` URI, percent-decoded.
pub fn uri_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file:///x` (no authority) or `file://localhost/x`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            if let Some(b) = rest.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    let text = String::from_utf8(out).ok()?;
    // `file:///c%3A/x` on Windows.
    let text = if text.len() > 2 && text.as_bytes()[2] == b':' {
        &text[1..]
    } else {
        &text[..]
    };
    Some(PathBuf::from(text))
}

/// The `file:` URI of an absolute path, percent-encoded as VS Code writes them.
pub fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_paths() {
        let path = Path::new("/work/my policies/größe.policy");
        let uri = file_uri(path);
        assert_eq!(uri, "file:///work/my%20policies/gr%C3%B6%C3%9Fe.policy");
        assert_eq!(uri_path(&uri).as_deref(), Some(path));
        assert_eq!(uri_path("untitled:Untitled-1"), None);
    }
}
