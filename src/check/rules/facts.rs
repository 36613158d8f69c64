//! Questions several rules ask about a policy: where strict law applies, which purpose gates
//! the messenger, what is mapped and where.

use crate::catalog::{Catalog, LeafSet, Vendor};
use crate::check::model::{FeatureRef, Intercom, Policy, Purpose};
use crate::diagnostics::Diagnostic;

/// The policy's jurisdictions where device access needs consent or a request (eu, uk).
pub fn strict_jurisdictions<'a>(policy: &'a Policy, catalog: &Catalog) -> Vec<&'a str> {
    policy
        .jurisdictions
        .value
        .iter()
        .filter(|j| catalog.jurisdictions.get(*j).is_some_and(|j| j.device_consent))
        .map(String::as_str)
        .collect()
}

/// The purpose gating the messenger, and the `features` entry that maps it there.
pub fn messenger_purpose<'a>(policy: &'a Policy, vendor: &Vendor) -> Option<(&'a Purpose, &'a FeatureRef)> {
    let leaf = vendor.messenger_leaf()?;
    policy.purposes.values().find_map(|p| {
        if p.leaves.contains(&leaf) {
            p.mapping_of(leaf).map(|f| (p, f))
        } else {
            None
        }
    })
}

pub fn is_behavioural(vendor: &Vendor, leaf: usize) -> bool {
    vendor.leaf_feature(leaf).behavioural
}

/// Every leaf some purpose gates.
pub fn mapped(policy: &Policy) -> LeafSet {
    policy
        .purposes
        .values()
        .flat_map(|p| p.leaves.iter().copied())
        .collect()
}

/// The first `features` entry, in purpose order, that maps `leaf`: the place to point at.
pub fn first_ref(policy: &Policy, leaf: usize) -> Option<&FeatureRef> {
    policy
        .purposes
        .values()
        .filter(|p| p.leaves.contains(&leaf))
        .find_map(|p| p.mapping_of(leaf))
}

/// The second label of a diagnostic about when the messenger loads: at `load = ...` when the
/// policy wrote it, else at the `intercom` block, saying what the default is.
pub fn with_load_label(intercom: &Intercom, d: Diagnostic, text: &str) -> Diagnostic {
    match intercom.load.span {
        Some(span) => d.secondary(span, text.to_owned()),
        None => d.secondary(intercom.span, format!("{text} (`load` defaults to `when_granted`)")),
    }
}
