//! What `record.md` adds to the policy's own facts to be a record of processing under GDPR
//! Art. 30(1): the controller, the data subjects and categories of data, the recipients, the
//! transfers and their safeguards per jurisdiction, the security measures, the consent revision
//! in force, and the assessments a reviewer still owes (legitimate-interest balancing, DPIA
//! screening). Every fact comes from the policy or the catalogue.

use serde_json::{json, Value};

use super::escape::markdown;
use crate::catalog::{Catalog, Vendor};
use crate::check::model::{Basis, Policy, Transfer};
use crate::emit::config::purpose_of;

/// The Art. 30(1) sections, as template data.
pub fn art30(policy: &Policy, catalog: &Catalog, vendor: &Vendor, revision: u32) -> Value {
    let Some(intercom) = &policy.intercom else {
        return Value::Null;
    };
    let mapped: Vec<usize> = (0..vendor.leaves.len())
        .filter(|&l| purpose_of(policy, l).is_some())
        .collect();
    let mut data: Vec<String> = mapped
        .iter()
        .flat_map(|&l| vendor.leaf_feature(l).data.iter().map(|d| d.replace('_', " ")))
        .collect();
    data.sort();
    data.dedup();
    let identity = vendor
        .leaf_index(&vendor.roles.identity)
        .is_some_and(|l| mapped.contains(&l));
    let mut subjects = vec!["visitors of the pages where the messenger may load".to_owned()];
    subjects.push("leads: visitors who start a conversation or give their email".to_owned());
    if identity {
        subjects.push("signed-in users of the site (identity sent on boot)".to_owned());
    }
    let region = vendor.regions.get(&intercom.region.value);
    let mut recipients = vec![format!(
        "{} (processor), hosting: {}",
        markdown(&vendor.provider),
        markdown(region.and_then(|r| r.hosting.as_deref()).unwrap_or("not stated"))
    )];
    if let (Some(home), Some(note)) = (&vendor.home, &vendor.home_note) {
        recipients.push(format!("its group in `{home}`: {}", markdown(note)));
    }
    for &l in &mapped {
        let f = vendor.leaf_feature(l);
        if !f.subprocessors.is_empty() {
            let note = f.note.as_deref().unwrap_or_default();
            recipients.push(format!(
                "subprocessors of `{}` in {}: {}",
                vendor.leaves[l],
                f.subprocessors
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                markdown(note)
            ));
        }
    }
    let transfers: Vec<Value> = policy
        .jurisdictions
        .value
        .iter()
        .filter_map(|j| catalog.jurisdictions.get(j))
        .map(|j| {
            let safeguard = match intercom.transfer.as_ref().map(|t| t.value) {
                Some(Transfer::Dpf) => j.dpf.as_deref().unwrap_or("the EU-US Data Privacy Framework"),
                Some(Transfer::Scc) => j.scc.as_deref().unwrap_or("standard contractual clauses"),
                Some(Transfer::None) => "none: the policy says no transfer happens",
                None => "none declared (CP0403)",
            };
            json!({
                "jurisdiction": markdown(&j.title),
                "adequate": j.adequate.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "),
                "safeguard": markdown(safeguard),
                "note": j.note.as_deref().map(markdown).unwrap_or_default(),
            })
        })
        .collect();
    let legitimate: Vec<Value> = policy
        .purposes
        .values()
        .filter(|p| p.basis.value == Basis::LegitimateInterest && !p.leaves.is_empty())
        .map(|p| json!({"name": p.name}))
        .collect();
    let fin = vendor.leaf_index("intercom.fin").is_some_and(|l| mapped.contains(&l));
    let behavioural: Vec<String> = mapped
        .iter()
        .filter(|&&l| vendor.leaf_feature(l).behavioural)
        .map(|&l| format!("`{}`", vendor.leaves[l]))
        .collect();
    let controller = policy.controller.as_ref().map(|c| {
        let text = |v: &Option<crate::check::model::Spanned<String>>| v.as_ref().map(|s| markdown(&s.value));
        json!({
            "name": text(&c.name),
            "contact": text(&c.contact),
            "dpo": text(&c.dpo),
            "privacy_policy": text(&c.privacy_policy),
        })
    });
    json!({
        "controller": controller,
        "subjects": subjects.join("; "),
        "data": data.join(", "),
        "recipients": recipients,
        "transfers": transfers,
        "security": markdown(vendor.security.as_deref().unwrap_or("not stated in the catalogue")),
        "automatic_deletion": vendor.automatic_deletion.as_deref().map(markdown),
        "revision": revision,
        "request_exemption": intercom.request_exemption.as_ref().map(|r| markdown(&r.value)),
        "legitimate_interests": legitimate,
        "dpia": (fin || !behavioural.is_empty()).then(|| json!({
            "fin": fin,
            "behavioural": behavioural.join(", "),
        })),
    })
}
