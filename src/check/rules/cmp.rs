//! CMP mappings: CP0301 (consent on a category that cannot be refused), CP0302 (a purpose no
//! CMP can grant), CP0405 (one CMP switch for purposes with different bases).

use indexmap::IndexMap;

use crate::catalog::cmps;
use crate::check::model::*;
use crate::check::MAX_PAIRS;
use crate::diagnostics::{Code, Diagnostic};

/// CP0302: no `cmp` block at all, or a block without an entry for a purpose that gates
/// something.
pub fn ungrantable_purposes(policy: &Policy, out: &mut Vec<Diagnostic>) {
    let active: Vec<&Purpose> = policy.purposes.values().filter(|p| !p.leaves.is_empty()).collect();
    if policy.cmps.is_empty() && !policy.invalid_cmp_blocks && !active.is_empty() {
        out.push(
            Diagnostic::new(Code::CP0302, format!("policy `{}` maps features but declares no `cmp` block", policy.name))
                .primary(policy.name_span, "nothing could ever grant its purposes")
                .help(format!(
                    "add a block for your consent banner, like `cmp cookieconsent {{ {} = \"...\" }}`, or `cmp custom {{}}` for your own",
                    active[0].name
                )),
        );
    }
    for (block, cmp) in blocks(policy) {
        if cmp.entry == cmps::EntryKind::None {
            continue;
        }
        for p in &active {
            if block.entries.contains_key(&p.name) || block.invalid_entries.contains(&p.name) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::CP0302,
                    format!("`cmp {}` has no entry for purpose `{}`", block.name, p.name),
                )
                .primary(block.name_span, format!("{} cannot grant `{}`", cmp.title, p.name))
                .secondary(p.name_span, "purpose declared here")
                .help(format!(
                    "add `{} = ...` with the name {} uses for it",
                    p.name, cmp.title
                )),
            );
        }
    }
}

/// Each `cmp` block with the CMP's facts (blocks naming an unknown CMP were reported when
/// lowering).
fn blocks(policy: &Policy) -> impl Iterator<Item = (&CmpBlock, &'static cmps::Cmp)> {
    policy
        .cmps
        .values()
        .filter_map(|block| cmps::find(&block.name).map(|cmp| (block, cmp)))
}

/// CP0301: a consent purpose mapped to a category the CMP's visitors cannot switch off.
pub fn unrefusable_consent(policy: &Policy, out: &mut Vec<Diagnostic>) {
    for (block, cmp) in blocks(policy) {
        refusable(policy, block, cmp, out);
    }
}

/// CP0405: pairs of purposes with different bases behind one CMP switch.
pub fn shared_switches(policy: &Policy, out: &mut Vec<Diagnostic>) {
    for (block, cmp) in blocks(policy) {
        shared_switch(policy, block, cmp, out);
    }
}

fn refusable(policy: &Policy, block: &CmpBlock, cmp: &cmps::Cmp, out: &mut Vec<Diagnostic>) {
    let mut fixed: Vec<String> = cmp.non_refusable.iter().map(|s| (*s).to_owned()).collect();
    if let Some((option, default)) = cmp.non_refusable_option {
        match block.options.get(option) {
            Some(CmpOptionValue::List(list)) => fixed.extend(list.iter().cloned()),
            _ => fixed.extend(default.iter().map(|s| (*s).to_owned())),
        }
    }
    for (purpose_name, entry) in &block.entries {
        let Some(purpose) = policy.purposes.get(purpose_name) else {
            continue;
        };
        let value = entry.value.to_string();
        // A contract purpose is information, not a choice: an always-active category fits it.
        let why = match purpose.basis.value {
            Basis::Consent => "consent must be freely given, so it can be refused",
            Basis::LegitimateInterest => "legitimate interest must leave room for the visitor's objection (Art. 21)",
            Basis::Contract => continue,
        };
        if !fixed.contains(&value) {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::CP0301,
                format!(
                    "`{}` purpose `{purpose_name}` is mapped to `{value}`, which {} visitors cannot refuse",
                    purpose.basis.value.as_str(),
                    cmp.title
                ),
            )
            .primary(entry.value_span, "always active")
            .secondary(purpose.basis.span, why)
            .help(format!("map `{purpose_name}` to a category the visitor can switch off")),
        );
    }
}

fn shared_switch(policy: &Policy, block: &CmpBlock, cmp: &cmps::Cmp, out: &mut Vec<Diagnostic>) {
    let entries: Vec<_> = block.entries.iter().collect();
    // Entries by category and basis: only entries sharing a category with another basis meet.
    let mut by_category: IndexMap<(&CmpValue, Basis), Vec<usize>> = IndexMap::new();
    for (i, (name, entry)) in entries.iter().enumerate() {
        if let Some(p) = policy.purposes.get(*name) {
            by_category.entry((&entry.value, p.basis.value)).or_default().push(i);
        }
    }
    let mut reported = 0;
    for (i, (p_name, p_entry)) in entries.iter().enumerate() {
        let Some(p) = policy.purposes.get(*p_name) else {
            continue;
        };
        let mut meeting: Vec<usize> = by_category
            .iter()
            .filter(|((value, basis), _)| *value == &p_entry.value && *basis != p.basis.value)
            .flat_map(|(_, list)| list.iter().copied().filter(|&j| j > i))
            .collect();
        meeting.sort_unstable();
        for (q_name, q_entry) in meeting.into_iter().map(|j| entries[j]) {
            let Some(q) = policy.purposes.get(q_name) else { continue };
            if reported == MAX_PAIRS {
                return;
            }
            reported += 1;
            out.push(
                Diagnostic::new(
                    Code::CP0405,
                    format!(
                        "`{p_name}` ({}) and `{q_name}` ({}) share the {} category `{}`",
                        p.basis.value.as_str(),
                        q.basis.value.as_str(),
                        cmp.title,
                        p_entry.value
                    ),
                )
                .primary(q_entry.value_span, format!("`{q_name}` here"))
                .secondary(p_entry.value_span, format!("`{p_name}` here"))
                .help("one switch decides both, so one basis is not honoured: give each purpose its own category"),
            );
        }
    }
}
