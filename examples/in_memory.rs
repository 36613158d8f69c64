//! The library without the file system: sources in memory in, diagnostics and files out. This
//! is what the WebAssembly build offers (`--no-default-features`: no `fs`, no `parallel`).
//!
//! `cargo run --example in_memory -- DIR...` reads every `.policy` file under each directory
//! (the example itself reads them; the library is only given bytes), builds each directory's
//! files as one set, and prints each file's canonical layout, the diagnostics in every format,
//! and the built files.
//! tests/wasm_library.rs runs it with and without default features and compares the output.

use std::path::Path;

use consentc::diagnostics::{github, human, json, sarif};

fn gather(dir: &Path, found: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("a readable directory")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            gather(&path, found);
        } else if path.extension().is_some_and(|e| e == "policy") {
            let bytes = std::fs::read(&path).expect("a readable file");
            found.push((path.display().to_string(), bytes));
        }
    }
}

fn main() {
    for dir in std::env::args().skip(1) {
        let mut sources = Vec::new();
        gather(Path::new(&dir), &mut sources);
        show(sources);
    }
}

fn show(sources: Vec<(String, Vec<u8>)>) {
    for (name, bytes) in &sources {
        let text = String::from_utf8_lossy(bytes);
        match consentc::fmt::format_source(&text) {
            Ok(formatted) => println!("== fmt {name}\n{formatted}"),
            Err(d) => println!("== fmt {name}: {} at {:?}", d.code, d.primary_span()),
        }
    }
    let built = consentc::build_sources(sources, consentc::emit::Options::default()).expect("emits");
    let (diagnostics, files) = (&built.checked.diagnostics, &built.checked.sources);
    println!("== human\n{}", human::render(diagnostics, files, false));
    println!("== json\n{}", json::render(diagnostics, files));
    println!("== sarif\n{}", sarif::render(diagnostics, files));
    println!("== github\n{}", github::render(diagnostics, files));
    for (path, bytes) in built.output.map(|o| o.files).unwrap_or_default() {
        println!("== {path}\n{}", String::from_utf8_lossy(&bytes));
    }
}
