//! Legal bases where EU or UK law asks for consent or a request before device access: a
//! behavioural feature without consent (CP0203), the messenger loading without consent or a
//! request (CP0204), the request exemption claimed without a reason (CP0206), and its
//! long-lived identifiers under the request exemption (CP0406).

use super::facts::{is_behavioural, messenger_purpose, strict_jurisdictions, with_load_label};
use crate::catalog::{Catalog, Vendor};
use crate::check::model::{Basis, FeatureRef, Gpc, Load, Policy, Purpose};
use crate::diagnostics::words::{backticked, Last};
use crate::diagnostics::{Code, Diagnostic};

/// CP0203: each `features` entry bringing behavioural leaves into a purpose not based on
/// consent, where strict law applies.
pub fn behavioural_without_consent(policy: &Policy, catalog: &Catalog, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let strict = strict_jurisdictions(policy, catalog);
    if strict.is_empty() {
        return;
    }
    let applies = backticked(&strict, Last::Or);
    for purpose in policy.purposes.values() {
        let basis = purpose.basis.value;
        if basis == Basis::Consent {
            continue;
        }
        for f in &purpose.features {
            let behavioural = f
                .cover
                .intersection(&purpose.leaves)
                .any(|&l| is_behavioural(vendor, l));
            if !behavioural {
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
}

/// CP0204: the messenger under a basis other than consent, loading as soon as its purpose is
/// granted (so before anyone asks for support), where strict law applies.
pub fn messenger_without_consent(policy: &Policy, catalog: &Catalog, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let (Some(intercom), Some((purpose, messenger_ref))) = (&policy.intercom, messenger_purpose(policy, vendor)) else {
        return;
    };
    let basis = purpose.basis.value;
    let strict = strict_jurisdictions(policy, catalog);
    if basis == Basis::Consent || strict.is_empty() || intercom.load.value != Load::WhenGranted {
        return;
    }
    let d = Diagnostic::new(
        Code::CP0204,
        format!(
            "the messenger loads under `{}` before anyone asks for support, where {} applies",
            basis.as_str(),
            backticked(&strict, Last::Or)
        ),
    )
    .primary(
        messenger_ref.span,
        "sets cookies and records visits as soon as it loads",
    )
    .secondary(purpose.basis.span, format!("`{}` here", basis.as_str()));
    out.push(with_load_label(intercom, d, "loads as soon as the purpose is granted").help(format!(
        "device access needs consent or the visitor's request: set `basis = consent` on `{}`, or `load = on_interaction` so it loads when the visitor clicks the chat button",
        purpose.name
    )));
}

/// The messenger under the request exemption: it loads on the visitor's click
/// (`load = on_interaction`) and its purpose is not based on consent.
fn under_request_exemption<'a>(policy: &'a Policy, vendor: &Vendor) -> Option<(&'a Purpose, &'a FeatureRef)> {
    let intercom = policy.intercom.as_ref()?;
    let (purpose, messenger_ref) = messenger_purpose(policy, vendor)?;
    (purpose.basis.value != Basis::Consent && intercom.load.value == Load::OnInteraction)
        .then_some((purpose, messenger_ref))
}

/// CP0206: where EU or UK law applies, the request exemption with no `request_exemption` saying
/// why: the click exempts only the storage strictly necessary for the chat (WP29 Opinion
/// 04/2012, EDPB Guidelines 2/2023), and Intercom's identifiers outlive the chat.
pub fn request_exemption_unstated(policy: &Policy, catalog: &Catalog, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let Some((purpose, messenger_ref)) = under_request_exemption(policy, vendor) else {
        return;
    };
    let Some(intercom) = &policy.intercom else { return };
    let strict = strict_jurisdictions(policy, catalog);
    if strict.is_empty() || intercom.request_exemption.is_some() {
        return;
    }
    let basis = purpose.basis.value.as_str();
    let d = Diagnostic::new(
        Code::CP0206,
        format!(
            "the messenger stores identifiers on the visitor's click under `{basis}`, where {} applies, and the policy does not say why that is strictly necessary",
            backticked(&strict, Last::Or)
        ),
    )
    .primary(messenger_ref.span, "sets identifiers that last beyond the chat")
    .secondary(purpose.basis.span, format!("`{basis}` here"));
    out.push(with_load_label(intercom, d, "loads on the visitor's request").help(format!(
        "set `basis = consent` on `{}` (the click still loads nothing before it), or state the exemption on the `intercom` block: `request_exemption = \"<why the chat needs these identifiers>\"` (it goes to `record.md`)",
        purpose.name
    )));
}

/// CP0406: the messenger loads on the visitor's request, but its identifier cookies (the
/// catalogue's `identifier = true`) outlive what the chat strictly needs. Raised where the
/// request exemption is stated (`request_exemption`), or where neither EU nor UK law applies;
/// an unstated one where they apply is CP0206.
pub fn request_exemption_identifiers(policy: &Policy, catalog: &Catalog, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let Some((purpose, messenger_ref)) = under_request_exemption(policy, vendor) else {
        return;
    };
    let Some(intercom) = &policy.intercom else { return };
    let stated = intercom.request_exemption.as_ref();
    if stated.is_none() && !strict_jurisdictions(policy, catalog).is_empty() {
        return;
    }
    let basis = purpose.basis.value;
    let Some(messenger) = vendor.messenger_leaf() else {
        return;
    };
    let identifiers: Vec<_> = vendor
        .leaf_feature(messenger)
        .cookies
        .iter()
        .filter(|c| c.identifier)
        .collect();
    // The longest-lived identifier is the one the exemption has to justify.
    let Some(lifetime) = identifiers.iter().map(|c| c.lifetime).max_by_key(|d| d.max_days()) else {
        return;
    };
    let names: Vec<String> = identifiers.iter().map(|c| c.short_name()).collect();
    let mut d = Diagnostic::new(
        Code::CP0406,
        format!(
            "the messenger's {} identifiers rest on the visitor's request under `{}`",
            lifetime.adjective(),
            basis.as_str()
        ),
    )
    .primary(
        messenger_ref.span,
        match identifiers
            .iter()
            .filter(|c| c.renewed)
            .map(|c| c.short_name())
            .collect::<Vec<_>>()
        {
            renewed if renewed.is_empty() => format!("sets {} for {lifetime}", backticked(&names, Last::And)),
            renewed => format!(
                "sets {} for {lifetime} ({} renewed on each visit)",
                backticked(&names, Last::And),
                backticked(&renewed, Last::And)
            ),
        },
    )
    .secondary(purpose.basis.span, format!("`{}` here", basis.as_str()));
    if let Some(why) = stated {
        d = d.secondary(why.span, "the reason `record.md` gives");
    }
    out.push(with_load_label(intercom, d, "loads on the visitor's request").help(format!(
        "the request exemption covers only what the chat strictly needs; keep the reason current, or set `basis = consent` on `{}`",
        purpose.name
    )));
}

/// CP0415: where California's law applies (`us_ca`), a purpose with behavioural features that
/// ignores Global Privacy Control: sharing for cross-context behavioural advertising must stop
/// on the signal (CCPA regulations, 11 CCR §7025(b)-(c)).
pub fn gpc_ignored_for_sharing(policy: &Policy, catalog: &Catalog, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let _ = catalog;
    if !policy.jurisdictions.value.iter().any(|j| j == "us_ca") {
        return;
    }
    for purpose in policy.purposes.values() {
        if purpose.gpc.value != Gpc::Ignore {
            continue;
        }
        let Some(f) = purpose.features.iter().find(|f| {
            f.cover
                .intersection(&purpose.leaves)
                .any(|&l| is_behavioural(vendor, l))
        }) else {
            continue;
        };
        let mut d = Diagnostic::new(
            Code::CP0415,
            format!(
                "purpose `{}` holds behavioural features and ignores Global Privacy Control, where `us_ca` applies",
                purpose.name
            ),
        )
        .primary(f.span, "behavioural data or targeting");
        d = match purpose.gpc.span {
            Some(span) => d.secondary(span, "the signal is ignored here"),
            None => d.secondary(purpose.name_span, "no `gpc` (defaults to `ignore`)"),
        };
        out.push(d.help(format!(
            "set `gpc = honor` on `{}` (a grant the visitor gives under the signal still counts) or `gpc = strict`: in California the signal is an opt-out of sale or sharing",
            purpose.name
        )));
    }
}
