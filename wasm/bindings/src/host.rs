//! The command line's [`Host`] on Node: each operation calls the object npm/lib/node-host.js
//! makes, which does it with Node's `fs` and `process` as the native host does with `std::fs`.
//! What it throws is `{code, message, path?}`: `message` is the error's text as the native
//! binary words it, `code` Node's (`EEXIST` is `AlreadyExists`, the one kind the CLI tells apart).

use std::io;
use std::path::{Path, PathBuf};

use consentc::build::{BuildError, Staleness};
use consentc::emit::Files;
use consentc::host::{Entry, Host, Kind, Stream};
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// npm/lib/node-host.js's host object.
    pub type JsHost;

    #[wasm_bindgen(method, catch)]
    fn metadata(this: &JsHost, path: &str) -> Result<String, JsValue>;
    /// `[[name, kind], ...]`.
    #[wasm_bindgen(method, catch, js_name = readDir)]
    fn read_dir(this: &JsHost, path: &str) -> Result<Array, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn canonicalize(this: &JsHost, path: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn read(this: &JsHost, path: &str) -> Result<Uint8Array, JsValue>;
    /// `files` is `[[relative path, bytes], ...]`.
    #[wasm_bindgen(method, catch, js_name = writeBuild)]
    fn write_build(this: &JsHost, out: &str, files: Array) -> Result<(), JsValue>;
    /// `{missing, changed, extra, leftover}`, arrays of relative paths.
    #[wasm_bindgen(method)]
    fn stale(this: &JsHost, out: &str, files: Array) -> JsValue;
    #[wasm_bindgen(method, catch, js_name = writeAtomic)]
    fn write_atomic(this: &JsHost, path: &str, text: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = createDirAll)]
    fn create_dir_all(this: &JsHost, path: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = createNew)]
    fn create_new(this: &JsHost, path: &str, bytes: &[u8]) -> Result<(), JsValue>;
    /// `stream` 1 is stdout, 2 stderr.
    #[wasm_bindgen(method)]
    fn print(this: &JsHost, stream: u32, text: &str);
    #[wasm_bindgen(method)]
    fn color(this: &JsHost, stream: u32) -> bool;
}

/// A [`JsHost`] as a [`Host`].
pub struct Bound(JsHost);

impl Bound {
    pub fn new(host: JsHost) -> Self {
        Bound(host)
    }
}

fn shown(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn string_field(value: &JsValue, field: &str) -> Option<String> {
    Reflect::get(value, &JsValue::from_str(field)).ok()?.as_string()
}

/// What the host threw, as an `io::Error`.
fn io_error(thrown: JsValue) -> io::Error {
    let message = string_field(&thrown, "message").unwrap_or_else(|| format!("{thrown:?}"));
    match string_field(&thrown, "code").as_deref() {
        Some("EEXIST") => io::Error::new(io::ErrorKind::AlreadyExists, message),
        Some("ENOENT") => io::Error::new(io::ErrorKind::NotFound, message),
        _ => io::Error::other(message),
    }
}

fn kind(name: &str) -> Kind {
    match name {
        "file" => Kind::File,
        "dir" => Kind::Dir,
        "link" => Kind::Link,
        _ => Kind::Other,
    }
}

fn stream_id(stream: Stream) -> u32 {
    match stream {
        Stream::Stdout => 1,
        Stream::Stderr => 2,
    }
}

/// `[[relative path, bytes], ...]` for the host.
fn file_pairs(files: &Files) -> Array {
    files
        .iter()
        .map(|(path, bytes)| {
            let pair = Array::new();
            pair.push(&JsValue::from_str(path));
            pair.push(&Uint8Array::from(bytes.as_slice()));
            JsValue::from(pair)
        })
        .collect()
}

fn strings(value: &JsValue, field: &str) -> Vec<String> {
    Reflect::get(value, &JsValue::from_str(field))
        .ok()
        .map(|list| Array::from(&list).iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default()
}

impl Host for Bound {
    fn metadata(&self, path: &Path) -> io::Result<Kind> {
        self.0.metadata(&shown(path)).map(|k| kind(&k)).map_err(io_error)
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<Entry>> {
        let entries = self.0.read_dir(&shown(path)).map_err(io_error)?;
        Ok(entries
            .iter()
            .map(|pair| {
                let pair = Array::from(&pair);
                Entry {
                    name: pair.get(0).as_string().unwrap_or_default().into(),
                    kind: kind(&pair.get(1).as_string().unwrap_or_default()),
                }
            })
            .collect())
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        self.0.canonicalize(&shown(path)).map(PathBuf::from).map_err(io_error)
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.0.read(&shown(path)).map(|bytes| bytes.to_vec()).map_err(io_error)
    }

    fn write_build(&self, out: &Path, files: &Files) -> Result<(), BuildError> {
        self.0.write_build(&shown(out), file_pairs(files)).map_err(|thrown| {
            let path = string_field(&thrown, "path").unwrap_or_else(|| shown(out));
            BuildError::Write {
                path,
                source: io_error(thrown),
            }
        })
    }

    fn stale(&self, out: &Path, files: &Files) -> Staleness {
        let found = self.0.stale(&shown(out), file_pairs(files));
        Staleness {
            missing: strings(&found, "missing"),
            changed: strings(&found, "changed"),
            extra: strings(&found, "extra"),
            leftover: strings(&found, "leftover"),
        }
    }

    fn write_atomic(&self, path: &Path, text: &str) -> io::Result<()> {
        self.0.write_atomic(&shown(path), text).map_err(io_error)
    }

    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        self.0.create_dir_all(&shown(path)).map_err(io_error)
    }

    fn create_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        self.0.create_new(&shown(path), bytes).map_err(io_error)
    }

    fn print(&mut self, stream: Stream, text: &str) {
        self.0.print(stream_id(stream), text);
    }

    fn color(&self, stream: Stream) -> bool {
        self.0.color(stream_id(stream))
    }
}
