//! Purpose mappings: CP0201 (a feature under two purposes), CP0202 (a missing requirement),
//! CP0409 (an `except` that removes nothing, a feature listed twice).

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{LeafSet, Vendor};
use crate::check::model::Policy;
use crate::check::MAX_PAIRS;
use crate::diagnostics::words::{join, Last};
use crate::diagnostics::{Code, Diagnostic};

fn names(vendor: &Vendor, set: &LeafSet) -> Vec<String> {
    set.iter().map(|&i| format!("`{}`", vendor.leaves[i])).collect()
}

fn list(words: &[String]) -> String {
    join(words, Last::SerialAnd)
}

/// CP0201: one diagnostic per pair of purposes whose feature sets meet.
pub fn ambiguous(policy: &Policy, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let purposes: Vec<_> = policy.purposes.values().collect();
    // The purposes gating each leaf: only purposes that meet are compared.
    let mut by_leaf: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, p) in purposes.iter().enumerate() {
        for &leaf in &p.leaves {
            by_leaf.entry(leaf).or_default().push(i);
        }
    }
    let mut reported = 0;
    for (i, &p) in purposes.iter().enumerate() {
        let meeting: BTreeSet<usize> = p
            .leaves
            .iter()
            .flat_map(|leaf| by_leaf[leaf].iter().copied())
            .filter(|&j| j > i)
            .collect();
        for q in meeting.into_iter().map(|j| purposes[j]) {
            if reported == MAX_PAIRS {
                return;
            }
            reported += 1;
            let shared: LeafSet = p.leaves.intersection(&q.leaves).copied().collect();
            let Some(&first_leaf) = shared.iter().next() else {
                continue;
            };
            let (Some(in_p), Some(in_q)) = (p.mapping_of(first_leaf), q.mapping_of(first_leaf)) else {
                continue;
            };
            // The later mapping in (file, offset) order carries the primary label.
            let ((early, early_ref), (late, late_ref)) =
                if (in_p.span.file, in_p.span.start) <= (in_q.span.file, in_q.span.start) {
                    ((p, in_p), (q, in_q))
                } else {
                    ((q, in_q), (p, in_p))
                };
            let leaves = names(vendor, &shared);
            let message = if leaves.len() == 1 {
                format!(
                    "{} falls under two purposes, `{}` and `{}`",
                    leaves[0], early.name, late.name
                )
            } else {
                format!(
                    "{} fall under two purposes, `{}` and `{}`",
                    list(&leaves),
                    early.name,
                    late.name
                )
            };
            let narrow = vendor.largest_nodes(&shared).join(", ");
            out.push(
                Diagnostic::new(Code::CP0201, message)
                    .primary(late_ref.span, format!("mapped again here, by `{}`", late.name))
                    .secondary(early_ref.span, format!("first mapped here, by `{}`", early.name))
                    .help(format!(
                        "a feature must fall under exactly one purpose, or the CMP cannot tell which consent gates it; remove it from one list, or narrow a group with `except [{narrow}]`"
                    )),
            );
        }
    }
}

/// CP0202: a mapped leaf whose requirement no purpose maps.
pub fn requirements(policy: &Policy, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let mapped: LeafSet = policy
        .purposes
        .values()
        .flat_map(|p| p.leaves.iter().copied())
        .collect();
    for purpose in policy.purposes.values() {
        for feature in &purpose.features {
            let mut missing: Vec<&str> = Vec::new();
            for &leaf in feature.cover.intersection(&purpose.leaves) {
                for req in &vendor.leaf_feature(leaf).requires {
                    let Some(req_index) = vendor.leaf_index(req) else {
                        continue;
                    };
                    if !mapped.contains(&req_index) && !missing.contains(&req.as_str()) {
                        missing.push(req);
                    }
                }
            }
            for req in missing {
                out.push(
                    Diagnostic::new(
                        Code::CP0202,
                        format!("`{}` requires `{req}`, which no purpose maps", feature.written),
                    )
                    .primary(feature.span, format!("needs `{req}` to run"))
                    .help(format!(
                        "add `{req}` to the `features` of a purpose (usually this one, `{}`), or remove `{}`",
                        purpose.name, feature.written
                    )),
                );
            }
        }
    }
}

/// CP0409: an `except` entry that removes nothing, a leaf listed twice in one purpose.
pub fn redundant(policy: &Policy, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    for purpose in policy.purposes.values() {
        let listed: LeafSet = purpose.features.iter().flat_map(|f| f.cover.iter().copied()).collect();
        for e in &purpose.excepts {
            if e.cover.is_disjoint(&listed) {
                out.push(
                    Diagnostic::new(
                        Code::CP0409,
                        format!("`except` entry `{}` removes nothing from `{}`", e.written, purpose.name),
                    )
                    .primary(e.span, "no listed feature falls under this")
                    .help("remove it, or list the group it was meant to narrow"),
                );
            }
        }
        // The first entry listing each leaf.
        let mut first_listing: BTreeMap<usize, usize> = BTreeMap::new();
        for (k, f) in purpose.features.iter().enumerate() {
            let first = f.cover.iter().filter_map(|leaf| first_listing.get(leaf)).min();
            if let Some(first) = first.map(|&i| &purpose.features[i]) {
                let both: LeafSet = first.cover.intersection(&f.cover).copied().collect();
                out.push(
                    Diagnostic::new(
                        Code::CP0409,
                        format!("{} listed twice in `{}`", list(&names(vendor, &both)), purpose.name),
                    )
                    .primary(f.span, "listed again here")
                    .secondary(first.span, "already listed here")
                    .help(format!("remove `{}` or `{}`", f.written, first.written)),
                );
            }
            for &leaf in &f.cover {
                first_listing.entry(leaf).or_insert(k);
            }
        }
    }
}
