//! The `intercom` block's settings against what the policy maps: the messenger on every page
//! (CP0401), retention (CP0402), identity verification (CP0205), international transfers
//! (CP0403), audience rules for what only the workspace can stop (CP0407), and proactive
//! features that a click-to-load messenger holds back (CP0414).

use super::facts::{first_ref, mapped, messenger_purpose, with_load_label};
use crate::catalog::{Catalog, LeafSet, Vendor};
use crate::check::model::*;
use crate::diagnostics::words::{backticked, Last};
use crate::diagnostics::{Code, Diagnostic};

/// CP0401: the messenger, loading as soon as it is granted, on every page.
pub fn messenger_on_every_page(policy: &Policy, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let (Some(intercom), Some((_, messenger_ref))) = (&policy.intercom, messenger_purpose(policy, vendor)) else {
        return;
    };
    if intercom.load.value != Load::WhenGranted || intercom.pages.is_some() {
        return;
    }
    let d = Diagnostic::new(Code::CP0401, "the messenger loads on every page")
        .primary(messenger_ref.span, "records a visit on every page view");
    out.push(
        with_load_label(intercom, d, "loads as soon as the purpose is granted").help(
            "list the pages that need chat, like `pages = [\"/app/**\", \"/help/**\"]`, or `load = on_interaction`",
        ),
    );
}

/// CP0402: retention periods the policy does not set (checked when the messenger is mapped:
/// without it Intercom keeps nothing).
pub fn missing_retention(policy: &Policy, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let Some(intercom) = &policy.intercom else { return };
    if messenger_purpose(policy, vendor).is_none() {
        return;
    }
    let r = &intercom.retention;
    let missing: Vec<&str> = [
        ("conversations", r.conversations),
        ("users", r.users),
        ("visitors", r.visitors),
    ]
    .iter()
    .filter(|(k, d)| d.is_none() && !r.invalid.contains(k))
    .map(|(k, _)| *k)
    .collect();
    if missing.is_empty() {
        return;
    }
    out.push(
        Diagnostic::new(
            Code::CP0402,
            format!("no retention period for Intercom {}", backticked(&missing, Last::Or)),
        )
        .primary(
            intercom.span,
            "kept indefinitely unless Intercom's data retention is set",
        )
        .help(format!(
            "add `retention {{ {} }}` and set the same periods in Intercom's data retention settings",
            missing
                .iter()
                .map(|k| format!("{k} = 12 months"))
                .collect::<Vec<_>>()
                .join("; ")
        )),
    );
}

/// CP0205: leaves that send identity (catalogue `verification = required`) while identity
/// verification is off.
pub fn unverified_identity(policy: &Policy, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let Some(intercom) = &policy.intercom else { return };
    if intercom.identity_verification.value != IdentityVerification::Off {
        return;
    }
    for leaf in mapped(policy) {
        let path = &vendor.leaves[leaf];
        if !vendor.leaf_feature(leaf).verification_required {
            continue;
        }
        let Some(f) = first_ref(policy, leaf) else { continue };
        let mut d = Diagnostic::new(
            Code::CP0205,
            format!("`{path}` is enabled without identity verification"),
        )
        .primary(f.span, "sends `user_id` and `email` that anyone could forge");
        d = match intercom.identity_verification.span {
            Some(span) => d.secondary(span, "verification is off here"),
            None => d.secondary(intercom.span, "no `identity_verification` (defaults to `off`)"),
        };
        out.push(d.help(format!(
            "set `identity_verification = jwt` (or `hmac`) and compute the token on your server, or remove `{path}`"
        )));
    }
}

/// CP0403 (no `transfer`) and CP0208 (`transfer = none` where EU or UK law applies): personal
/// data reaches a country outside a jurisdiction's adequacy set, through the hosting region, the
/// vendor's own access from its home country, or an enabled leaf's subprocessors.
pub fn transfers_without_mechanism(policy: &Policy, catalog: &Catalog, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let Some(intercom) = &policy.intercom else { return };
    if intercom.transfer.as_ref().is_some_and(|t| t.value != Transfer::None) {
        return;
    }
    let Some(region) = vendor.regions.get(&intercom.region.value) else {
        return;
    };
    // Where data goes: the hosting region, the vendor's home country, and each enabled leaf's
    // subprocessors.
    let mut places: Vec<(String, crate::source::Span, String)> = vec![(
        region.location.clone(),
        intercom.region.span,
        format!("hosted in `{}`", region.location),
    )];
    if let Some(home) = vendor.home.as_ref().filter(|h| **h != region.location) {
        places.push((
            home.clone(),
            intercom.span,
            format!(
                "{} staff and affiliates in `{home}` can access it, whatever the region",
                vendor.title
            ),
        ));
    }
    for leaf in mapped(policy) {
        for location in &vendor.leaf_feature(leaf).subprocessors {
            if let Some(f) = first_ref(policy, leaf) {
                places.push((location.clone(), f.span, format!("subprocessors in `{location}`")));
            }
        }
    }
    let none = intercom.transfer.as_ref().filter(|t| t.value == Transfer::None);
    for j in &policy.jurisdictions.value {
        let Some(jurisdiction) = catalog.jurisdictions.get(j) else {
            continue;
        };
        let outside: Vec<_> = places
            .iter()
            .filter(|(loc, _, _)| !jurisdiction.is_adequate(loc))
            .collect();
        let Some((first_loc, first_span, first_text)) = outside.first() else {
            continue;
        };
        // `transfer = none` states that nothing leaves: false where it does. Where EU or UK law
        // applies that is an error (GDPR Art. 44); elsewhere the missing mechanism is a warning.
        let d = match none {
            Some(_) if jurisdiction.device_consent => Diagnostic::new(
                Code::CP0208,
                format!("`transfer = none`, but data goes to `{first_loc}`, outside what `{j}` deems adequate"),
            ),
            _ => Diagnostic::new(
                Code::CP0403,
                format!("data goes to `{first_loc}`, outside what `{j}` deems adequate, with no transfer mechanism"),
            ),
        };
        let mut d = d.primary(*first_span, first_text.clone());
        for (_, span, text) in outside.iter().skip(1) {
            d = d.secondary(*span, text.clone());
        }
        if let Some(t) = none {
            d = d.secondary(t.span, "`none` here");
        }
        out.push(d.help(
            "name the mechanism your contract with the vendor provides, like `transfer = dpf` (EU-US Data Privacy Framework) or `transfer = scc` (standard contractual clauses); `record.md` writes out what it means for each jurisdiction",
        ));
    }
}

/// CP0407: mapped leaves that only Intercom's audience rules can stop, while the policy does
/// not say the rules are applied.
pub fn audience_rules_missing(policy: &Policy, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let Some(intercom) = &policy.intercom else { return };
    if intercom.audience_rules.value == AudienceRules::Applied {
        return;
    }
    let workspace: Vec<usize> = mapped(policy)
        .into_iter()
        .filter(|&l| vendor.leaf_feature(l).enforcement.needs_workspace())
        .collect();
    let Some(f) = workspace.first().and_then(|&l| first_ref(policy, l)) else {
        return;
    };
    let set: LeafSet = workspace.iter().copied().collect();
    let nodes = vendor.largest_nodes(&set);
    let verb = match nodes.len() {
        0 => return,
        1 => "is",
        _ => "are",
    };
    let names = backticked(&nodes, Last::And);
    let mut d = Diagnostic::new(
        Code::CP0407,
        format!("{names} {verb} delivered by Intercom's servers, which the loader cannot stop"),
    )
    .primary(f.span, "delivered by audience rules in the Intercom workspace");
    d = match intercom.audience_rules.span {
        Some(span) => d.secondary(span, "not yet applied"),
        None => d.secondary(intercom.span, "no `audience_rules` (defaults to `missing`)"),
    };
    out.push(d.help(
        "add the audience rule from the generated `record.md` (`consent_<purpose> is true`) to each message and tour in Intercom, then set `audience_rules = applied`",
    ));
}

/// CP0414: with `load = on_interaction`, Intercom starts only when the visitor clicks the
/// facade, so what Intercom sends on its own (tours, targeted messages, surveys, checklists,
/// news: behavioural features its audience rules deliver) never reaches a visitor who has not
/// opened the chat. One diagnostic per `features` entry that maps such a feature.
pub fn proactive_after_click(policy: &Policy, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let Some(intercom) = &policy.intercom else { return };
    if intercom.load.value != Load::OnInteraction {
        return;
    }
    let proactive = |leaf: usize| {
        let f = vendor.leaf_feature(leaf);
        f.behavioural && f.enforcement.needs_workspace()
    };
    for purpose in policy.purposes.values() {
        for f in &purpose.features {
            let leaves: Vec<&str> = f
                .cover
                .intersection(&purpose.leaves)
                .filter(|&&l| proactive(l))
                .map(|&l| vendor.leaves[l].as_str())
                .collect();
            if leaves.is_empty() {
                continue;
            }
            // A group all of whose leaves are proactive is named as written.
            let all = f.cover.intersection(&purpose.leaves).count() == leaves.len();
            let named_group = f.written.trim_end_matches(".*").contains('.');
            let what = if all && leaves.len() > 1 && named_group {
                format!("`{}`", f.written)
            } else {
                backticked(&leaves, Last::And)
            };
            let d = Diagnostic::new(
                Code::CP0414,
                format!(
                    "{what} can only appear after the visitor opens the chat, because the messenger loads on a click"
                ),
            )
            .primary(f.span, "sent by Intercom on its own, not on request");
            out.push(
                with_load_label(intercom, d, "Intercom starts only when the chat button is clicked").help(format!(
                    "if `{}` must reach visitors who never open the chat, use `load = when_granted` (with `pages`); if not, say so: `// consentc:allow(CP0414, reason = \"...\")` above `purpose {}`",
                    purpose.name, purpose.name
                )),
            );
        }
    }
}
