//! The checker: syntax trees and the catalogue in, a checked model and diagnostics out.

pub(crate) mod lower;
pub mod model;
mod reader;
pub mod rules;
pub mod suppress;

pub use lower::{DEFAULT_FACADE_COLOR, DEFAULT_FACADE_LABEL};

/// The most diagnostics a pairwise rule (CP0201, CP0405) reports for one policy. Real policies
/// have a handful of purposes; past this, further pairs repeat the same mistake, and reporting
/// every pair of thousands of purposes would take minutes and gigabytes.
pub(crate) const MAX_PAIRS: usize = 256;

use crate::catalog::Catalog;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, SourceFile};
use crate::syntax::ast::File;
use model::{Model, Policy};

/// What the checker takes from one file on its own: everything it needs from the syntax tree,
/// so the tree can be dropped as soon as this returns (a compile set of thousands of files
/// never holds more than one tree per thread).
#[derive(Debug, Default)]
pub struct FileFacts {
    pub policies: Vec<Policy>,
    /// Top-level `text LANG(policy = NAME)` blocks, for whichever file holds the policy.
    pub translations: Vec<model::WrittenText>,
    pub allows: Vec<suppress::Allow>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The per-file work: string hygiene, lowering to the model (which runs the rules on what was
/// written, `rules::facade`), and the file's allow comments.
/// Files are independent here, so the caller may run this for several files at once.
pub fn check_file(id: FileId, file: &File, source: &SourceFile, catalog: &Catalog) -> FileFacts {
    let mut diagnostics = Vec::new();
    rules::hygiene::check(file, &source.text, &mut diagnostics);
    let (policies, translations) = lower::lower_file(file, catalog, &mut diagnostics);
    let allows = suppress::collect(id, source, file, &mut diagnostics);
    FileFacts {
        policies,
        translations,
        allows,
        diagnostics,
    }
}

/// The rules across files and within each policy, once every file is lowered: `policies` in
/// compile-set order (the first definition of a name wins), and the top-level `text` blocks of
/// every file, each joined with the policy it names.
pub fn check_set(
    policies: impl IntoIterator<Item = Policy>,
    translations: impl IntoIterator<Item = model::WrittenText>,
    catalog: &Catalog,
    out: &mut Vec<Diagnostic>,
) -> Model {
    let mut kept = first_definitions(policies, out);
    let by_name: std::collections::HashMap<String, usize> =
        kept.iter().enumerate().map(|(i, p)| (p.name.clone(), i)).collect();
    for text in translations {
        match text.policy.as_ref().and_then(|p| by_name.get(&p.value)) {
            Some(&i) => kept[i].written_texts.push(text),
            None => lower::text_for_unknown_policy(&text, kept.iter().map(|p| p.name.as_str()), out),
        }
    }
    for policy in &mut kept {
        lower::resolve_texts(policy, out);
    }
    if let Some(vendor) = catalog.vendor("intercom") {
        for policy in &kept {
            rules::check_policy(policy, catalog, vendor, out);
        }
    }
    Model { policies: kept }
}

/// CP0102: the policies in compile-set order, each name's first definition kept.
fn first_definitions(policies: impl IntoIterator<Item = Policy>, out: &mut Vec<Diagnostic>) -> Vec<Policy> {
    let mut kept: Vec<Policy> = Vec::new();
    let mut by_name: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for policy in policies {
        if let Some(first) = by_name.get(&policy.name).map(|&i| &kept[i]) {
            out.push(
                Diagnostic::new(Code::CP0102, format!("duplicate policy `{}`", policy.name))
                    .primary(policy.name_span, "defined again here")
                    .secondary(first.name_span, "first defined here")
                    .help("policy names are unique across the compile set: each names one output directory"),
            );
            continue;
        }
        by_name.insert(policy.name.clone(), kept.len());
        kept.push(policy);
    }
    kept
}
