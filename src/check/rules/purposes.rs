//! What a visitor sees of a purpose: a switch that gates nothing or has no words (CP0404), and
//! consent that is not granular (CP0207 where EU or UK law applies, CP0408 elsewhere).

use super::facts::{is_behavioural, strict_jurisdictions};
use crate::catalog::{Catalog, Vendor};
use crate::check::model::{Basis, Policy, Purpose};
use crate::diagnostics::words::{backticked, Last};
use crate::diagnostics::{Code, Diagnostic};

/// CP0404: per purpose, one warning for each thing a visitor would miss.
pub fn unclear_purposes(policy: &Policy, out: &mut Vec<Diagnostic>) {
    for purpose in policy.purposes.values() {
        unclear_purpose(purpose, out);
    }
}

fn unclear_purpose(purpose: &Purpose, out: &mut Vec<Diagnostic>) {
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

/// CP0207 where EU or UK law applies (GDPR Art. 7(2), Recital 32: consent must be granular),
/// CP0408 elsewhere: the messenger and behavioural leaves under one consent purpose.
pub fn bundled_consent(policy: &Policy, catalog: &Catalog, vendor: &Vendor, out: &mut Vec<Diagnostic>) {
    let strict = strict_jurisdictions(policy, catalog);
    for purpose in policy.purposes.values().filter(|p| p.basis.value == Basis::Consent) {
        bundled(purpose, vendor, &strict, out);
    }
}

fn bundled(purpose: &Purpose, vendor: &Vendor, strict: &[&str], out: &mut Vec<Diagnostic>) {
    let Some(messenger) = vendor.messenger_leaf() else {
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
    let what = format!(
        "consent purpose `{}` bundles the messenger with behavioural features",
        purpose.name
    );
    let d = if strict.is_empty() {
        Diagnostic::new(Code::CP0408, what)
    } else {
        Diagnostic::new(
            Code::CP0207,
            format!("{what}, where {} applies", backticked(strict, Last::Or)),
        )
    };
    out.push(
        d
        .primary(behavioural.span, "behavioural")
        .secondary(messenger_ref.span, "support chat")
        .help("consent must be granular: a visitor who wants chat must not have to accept tracking; move behavioural features to their own purpose"),
    );
}
