//! Legal bases where EU or UK law asks for consent or a request before device access: a
//! behavioural feature without consent (CP0203), the messenger loading without consent or a
//! request (CP0204), and its long-lived identifiers under the request exemption (CP0406).

use super::facts::{is_behavioural, messenger_purpose, strict_jurisdictions, with_load_label};
use crate::catalog::{Catalog, Vendor};
use crate::check::model::{Basis, Load, Policy};
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

/// CP0406: the messenger loads on the visitor's request, but its identifier cookies (the
/// catalogue's `identifier = true`) outlive what the chat strictly needs.
pub fn request_exemption_identifiers(policy: &Policy, catalog: &Catalog, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let (Some(intercom), Some((purpose, messenger_ref))) = (&policy.intercom, messenger_purpose(policy, vendor)) else {
        return;
    };
    let basis = purpose.basis.value;
    if basis == Basis::Consent
        || strict_jurisdictions(policy, catalog).is_empty()
        || intercom.load.value != Load::OnInteraction
    {
        return;
    }
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
    let d = Diagnostic::new(
        Code::CP0406,
        format!(
            "the messenger's {} identifiers rest on the visitor's request under `{}`",
            lifetime.adjective(),
            basis.as_str()
        ),
    )
    .primary(
        messenger_ref.span,
        format!("sets {} for {lifetime}", backticked(&names, Last::And)),
    )
    .secondary(purpose.basis.span, format!("`{}` here", basis.as_str()));
    out.push(with_load_label(intercom, d, "loads on the visitor's request").help(format!(
        "the request exemption covers what the chat strictly needs; record why {} identifiers are needed (allow CP0406 with a reason), or set `basis = consent` on `{}`",
        lifetime.adjective(),
        purpose.name
    )));
}
