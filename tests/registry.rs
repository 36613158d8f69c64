//! The code registry (`src/diagnostics/codes.rs`) against the tree: every code has its explain
//! page and its ui fixtures, every place the registry names exists and raises the code, and
//! every code raised or named in the source is in the registry, at the place it is raised.

use std::path::{Path, PathBuf};

use consentc::diagnostics::Code;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// A source file without its unit tests, which name codes that do not exist on purpose.
fn read_code(relative: &str) -> String {
    let mut text = read(relative);
    if let Some(tests) = text.find("#[cfg(test)]") {
        text.truncate(tests);
    }
    text
}

/// Every `.rs` file under `dir`, relative to the crate root, `/`-separated.
fn rust_files(dir: &str) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&root().join(dir), &mut found);
    let mut files: Vec<String> = found
        .iter()
        .map(|p| {
            let relative = p.strip_prefix(root()).expect("inside the crate");
            relative.to_string_lossy().replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

/// `CP` and four digits, wherever they stand.
fn code_words(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    for (at, _) in text.match_indices("CP") {
        let digits = bytes.get(at + 2..at + 6);
        let boundary = !bytes.get(at + 6).is_some_and(u8::is_ascii_alphanumeric);
        if digits.is_some_and(|d| d.iter().all(u8::is_ascii_digit)) && boundary {
            words.push(&text[at..at + 6]);
        }
    }
    words
}

/// The codes `text` raises: `Diagnostic::new(` followed (across whitespace) by `Code::CPxxxx`.
fn raised(text: &str) -> Vec<&str> {
    text.match_indices("Diagnostic::new(")
        .filter_map(|(at, call)| {
            let rest = text[at + call.len()..].trim_start();
            let code = rest.strip_prefix("Code::")?;
            code_words(code.get(..6)?).first().copied()
        })
        .collect()
}

#[test]
fn every_code_has_an_explain_page_and_ui_fixtures() {
    for code in Code::ALL {
        let page = root().join(format!("docs/codes/{code}.md"));
        assert!(page.is_file(), "{code}: no {}", page.display());
        if code.is_audit() {
            // A page, not a policy, breaks these: the audit's tests serve their explain pages'
            // examples (tests/audit.rs).
            assert!(
                read("tests/audit.rs").contains(code.as_str()),
                "{code}: tests/audit.rs never names it"
            );
            continue;
        }
        let fixtures = root().join(format!("tests/ui/{code}"));
        assert!(fixtures.is_dir(), "{code}: no {}", fixtures.display());
    }
}

#[test]
fn every_place_in_the_registry_raises_its_code() {
    for &code in Code::ALL {
        assert!(!code.raised_in().is_empty(), "{code}: raised nowhere");
        for place in code.raised_in() {
            let text = read_code(place.file);
            assert!(
                raised(&text).contains(&code.as_str()),
                "{code}: {} does not raise it",
                place.file
            );
            for function in place.functions {
                let defined = text.contains(&format!("fn {function}(")) || text.contains(&format!("fn {function}<"));
                assert!(defined, "{code}: no `fn {function}` in {}", place.file);
            }
        }
    }
}

#[test]
fn every_code_raised_in_the_source_is_registered_where_it_is_raised() {
    for file in rust_files("src") {
        if file == "src/diagnostics/codes.rs" {
            continue;
        }
        let text = read_code(&file);
        for word in raised(&text) {
            let code = Code::parse(word).unwrap_or_else(|| panic!("{file}: `{word}` is not in the registry"));
            assert!(
                code.raised_in().iter().any(|p| p.file == file),
                "{file} raises {code}, but the registry does not list it there"
            );
        }
    }
}

#[test]
fn every_code_the_checker_names_is_registered() {
    for file in rust_files("src/check") {
        for word in code_words(&read_code(&file)) {
            assert!(Code::parse(word).is_some(), "{file}: `{word}` is not in the registry");
        }
    }
}
