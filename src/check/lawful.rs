//! Lawfulness rules: legal bases (CP0203, CP0204), identity verification (CP0205), and the
//! warnings a privacy reviewer would raise (CP0401-CP0404, CP0406-CP0408).

use super::model::*;
use super::reader::backticked;
use crate::catalog::{Catalog, LeafSet, Vendor};
use crate::diagnostics::{Code, Diagnostic};

/// The policy's jurisdictions where device access needs consent or a request (eu, uk).
fn strict_jurisdictions<'a>(policy: &'a Policy, catalog: &Catalog) -> Vec<&'a str> {
    policy
        .jurisdictions
        .value
        .iter()
        .filter(|j| catalog.jurisdictions.get(*j).is_some_and(|j| j.device_consent))
        .map(String::as_str)
        .collect()
}

fn messenger_purpose<'a>(policy: &'a Policy, vendor: &Vendor) -> Option<(&'a Purpose, &'a FeatureRef)> {
    let leaf = vendor.leaf_index("intercom.messenger")?;
    policy.purposes.values().find_map(|p| {
        if p.leaves.contains(&leaf) {
            p.mapping_of(leaf).map(|f| (p, f))
        } else {
            None
        }
    })
}

fn is_behavioural(vendor: &Vendor, leaf: usize) -> bool {
    vendor.leaf_feature(leaf).behavioural
}

pub fn check(policy: &Policy, catalog: &Catalog, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let strict = strict_jurisdictions(policy, catalog);
    let applies = backticked(&strict);
    let messenger = messenger_purpose(policy, vendor);

    for purpose in policy.purposes.values() {
        purpose_warnings(purpose, out);
        let basis = purpose.basis.value;
        if basis != Basis::Consent && !strict.is_empty() {
            for f in &purpose.features {
                let behavioural: Vec<&str> = f
                    .cover
                    .intersection(&purpose.leaves)
                    .filter(|&&l| is_behavioural(vendor, l))
                    .map(|&l| vendor.leaves[l].as_str())
                    .collect();
                if behavioural.is_empty() {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        Code::CP0203,
                        format!(
                            "`{}` is behavioural and needs consent where {applies} applies, but `{}` is based on `{}`",
                            f.written,
                            purpose.name,
                            basis.as_str()
                        ),
                    )
                    .primary(f.span, "behavioural data or targeting")
                    .secondary(purpose.basis.span, format!("`{}` here", basis.as_str()))
                    .help(format!(
                        "set `basis = consent` on `{}`, or move `{}` to a purpose based on consent",
                        purpose.name, f.written
                    )),
                );
            }
        }
        if basis == Basis::Consent {
            bundling(purpose, vendor, out);
        }
    }

    let Some(intercom) = &policy.intercom else { return };
    let load_label = |d: Diagnostic, text: &str| match intercom.load.span {
        Some(span) => d.secondary(span, text.to_owned()),
        None => d.secondary(intercom.span, format!("{text} (`load` defaults to `when_granted`)")),
    };

    if let Some((purpose, messenger_ref)) = messenger {
        let basis = purpose.basis.value;
        if basis != Basis::Consent && !strict.is_empty() {
            match intercom.load.value {
                Load::WhenGranted => {
                    let d = Diagnostic::new(
                        Code::CP0204,
                        format!(
                            "the messenger loads under `{}` before anyone asks for support, where {applies} applies",
                            basis.as_str()
                        ),
                    )
                    .primary(
                        messenger_ref.span,
                        "sets cookies and records visits as soon as it loads",
                    )
                    .secondary(purpose.basis.span, format!("`{}` here", basis.as_str()));
                    out.push(load_label(d, "loads as soon as the purpose is granted").help(format!(
                        "device access needs consent or the visitor's request: set `basis = consent` on `{}`, or `load = on_interaction` so it loads when the visitor clicks the chat button",
                        purpose.name
                    )));
                }
                Load::OnInteraction => {
                    let d = Diagnostic::new(
                        Code::CP0406,
                        format!(
                            "the messenger's 9-month identifiers rest on the visitor's request under `{}`",
                            basis.as_str()
                        ),
                    )
                    .primary(
                        messenger_ref.span,
                        "sets `intercom-id` and `intercom-device-id` for 9 months",
                    )
                    .secondary(purpose.basis.span, format!("`{}` here", basis.as_str()));
                    out.push(load_label(d, "loads on the visitor's request").help(format!(
                        "the request exemption covers what the chat strictly needs; record why 9-month identifiers are needed (allow CP0406 with a reason), or set `basis = consent` on `{}`",
                        purpose.name
                    )));
                }
            }
        }
        if intercom.load.value == Load::WhenGranted && intercom.pages.is_none() {
            let d = Diagnostic::new(Code::CP0401, "the messenger loads on every page")
                .primary(messenger_ref.span, "records a visit on every page view");
            out.push(load_label(d, "loads as soon as the purpose is granted").help(
                "list the pages that need chat, like `pages = [\"/app/**\", \"/help/**\"]`, or `load = on_interaction`",
            ));
        }
        retention(intercom, out);
    }

    identity(policy, intercom, vendor, out);
    transfers(policy, intercom, catalog, vendor, out);
    audience_rules(policy, intercom, vendor, out);
}

fn purpose_warnings(purpose: &Purpose, out: &mut Vec<Diagnostic>) {
    let name = &purpose.name;
    if purpose.leaves.is_empty() && !purpose.invalid_features {
        out.push(
            Diagnostic::new(Code::CP0404, format!("purpose `{name}` gates no feature"))
                .primary(purpose.name_span, "no features")
                .help(
                    "add `features = [...]` or remove the purpose: a banner switch that does nothing misleads visitors",
                ),
        );
    }
    if purpose.title.is_none() {
        out.push(
            Diagnostic::new(Code::CP0404, format!("purpose `{name}` has no `title`"))
                .primary(purpose.name_span, "the CMP has no name to show for this purpose")
                .help("add `title = \"...\"` in words a visitor understands"),
        );
    }
    if purpose.basis.value == Basis::Consent && purpose.description.is_none() {
        out.push(
            Diagnostic::new(Code::CP0404, format!("consent purpose `{name}` has no `description`"))
                .primary(purpose.name_span, "the visitor cannot tell what they consent to")
                .help("add `description = \"...\"`: informed consent needs to say what happens"),
        );
    }
}

/// CP0408: the messenger and behavioural leaves under one consent purpose.
fn bundling(purpose: &Purpose, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let Some(messenger) = vendor.leaf_index("intercom.messenger") else {
        return;
    };
    if !purpose.leaves.contains(&messenger) {
        return;
    }
    let behavioural = purpose.features.iter().find(|f| {
        f.cover
            .intersection(&purpose.leaves)
            .any(|&l| is_behavioural(vendor, l))
    });
    let (Some(behavioural), Some(messenger_ref)) = (behavioural, purpose.mapping_of(messenger)) else {
        return;
    };
    out.push(
        Diagnostic::new(
            Code::CP0408,
            format!("consent purpose `{}` bundles the messenger with behavioural features", purpose.name),
        )
        .primary(behavioural.span, "behavioural")
        .secondary(messenger_ref.span, "support chat")
        .help("consent must be granular: a visitor who wants chat must not have to accept tracking; move behavioural features to their own purpose"),
    );
}

fn retention(intercom: &Intercom, out: &mut Vec<Diagnostic>) {
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
            format!("no retention period for Intercom {}", backticked(&missing)),
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

fn mapped(policy: &Policy) -> LeafSet {
    policy
        .purposes
        .values()
        .flat_map(|p| p.leaves.iter().copied())
        .collect()
}

fn first_ref(policy: &Policy, leaf: usize) -> Option<&FeatureRef> {
    policy
        .purposes
        .values()
        .filter(|p| p.leaves.contains(&leaf))
        .find_map(|p| p.mapping_of(leaf))
}

fn identity(policy: &Policy, intercom: &Intercom, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
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

fn transfers(policy: &Policy, intercom: &Intercom, catalog: &Catalog, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    if intercom.transfer.as_ref().is_some_and(|t| t.value != Transfer::None) {
        return;
    }
    let Some(region) = vendor.regions.get(&intercom.region.value) else {
        return;
    };
    // Where data goes: the hosting region, and each enabled leaf's subprocessors.
    let mut places: Vec<(String, crate::source::Span, String)> = vec![(
        region.location.clone(),
        intercom.region.span,
        format!("hosted in `{}`", region.location),
    )];
    for leaf in mapped(policy) {
        for location in &vendor.leaf_feature(leaf).subprocessors {
            if let Some(f) = first_ref(policy, leaf) {
                places.push((location.clone(), f.span, format!("subprocessors in `{location}`")));
            }
        }
    }
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
        let mut d = Diagnostic::new(
            Code::CP0403,
            format!("data goes to `{first_loc}`, outside what `{j}` deems adequate, with no transfer mechanism"),
        )
        .primary(*first_span, first_text.clone());
        for (_, span, text) in outside.iter().skip(1) {
            d = d.secondary(*span, text.clone());
        }
        if let Some(t) = &intercom.transfer {
            d = d.secondary(t.span, "`none` here");
        }
        out.push(d.help("name the mechanism Intercom's DPA provides, like `transfer = dpf` or `transfer = scc`, or choose a region inside it"));
    }
}

fn audience_rules(policy: &Policy, intercom: &Intercom, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
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
    let nodes: Vec<String> = vendor.largest_nodes(&set).iter().map(|n| format!("`{n}`")).collect();
    let (names, verb) = match nodes.as_slice() {
        [one] => (one.clone(), "is"),
        [init @ .., last] => (format!("{} and {last}", init.join(", ")), "are"),
        [] => return,
    };
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
