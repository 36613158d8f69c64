//! The checker: syntax trees and the catalogue in, a checked model and diagnostics out.

mod cmp;
mod hygiene;
mod lawful;
mod lower;
mod mapping;
pub mod model;
mod reader;
pub mod suppress;

pub use lower::{DEFAULT_FACADE_COLOR, DEFAULT_FACADE_LABEL};

/// The most diagnostics a pairwise rule (CP0201, CP0405) reports for one policy. Real policies
/// have a handful of purposes; past this, further pairs repeat the same mistake, and reporting
/// every pair of thousands of purposes would take minutes and gigabytes.
pub(crate) const MAX_PAIRS: usize = 256;

use crate::catalog::Catalog;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, SourceMap};
use crate::syntax::ast::File;
use model::{Model, Policy};

/// Check parsed files (each with its id) against the catalogue. Files that failed to parse are
/// simply not passed in, so they stay out of cross-file checks.
pub fn check(files: &[(FileId, File)], sources: &SourceMap, catalog: &Catalog) -> (Model, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut policies: Vec<Policy> = Vec::new();
    let mut by_name: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (id, file) in files {
        hygiene::check(file, &sources.get(*id).text, &mut out);
        for policy in lower::lower_file(file, catalog, &mut out) {
            if let Some(first) = by_name.get(&policy.name).map(|&i| &policies[i]) {
                out.push(
                    Diagnostic::new(Code::CP0102, format!("duplicate policy `{}`", policy.name))
                        .primary(policy.name_span, "defined again here")
                        .secondary(first.name_span, "first defined here")
                        .help("policy names are unique across the compile set: each names one output directory"),
                );
                continue;
            }
            by_name.insert(policy.name.clone(), policies.len());
            policies.push(policy);
        }
    }
    if let Some(vendor) = catalog.vendor("intercom") {
        for policy in &policies {
            mapping::check(policy, vendor, &mut out);
            lawful::check(policy, catalog, vendor, &mut out);
            cmp::check(policy, &mut out);
        }
    }
    (Model { policies }, out)
}
