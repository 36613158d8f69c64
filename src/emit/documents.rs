//! The documents: cookie table, record of processing, CSP sources and `policy.json`.

use serde_json::{json, Value};

use super::escape::{markdown, markdown_code};
use super::render::Renderer;
use crate::catalog::{Catalog, Vendor};
use crate::check::model::{CmpValue, Policy, Transfer};
use crate::emit::config::{messenger_purpose, purpose_of, storage_rows};

/// `cmps`: the CMPs this build writes snippets for (their hosts go into `csp.txt`).
pub fn render(
    r: &Renderer,
    policy: &Policy,
    catalog: &Catalog,
    vendor: &Vendor,
    cmps: &[&str],
) -> Result<Vec<(String, String)>, String> {
    Ok(vec![
        (
            "cookies.md".to_owned(),
            r.render("cookies.md", &cookies(policy, vendor))?,
        ),
        ("csp.txt".to_owned(), r.render("csp.txt", &csp(policy, vendor, cmps))?),
        ("policy.json".to_owned(), policy_json(policy, vendor)),
        (
            "record.md".to_owned(),
            r.render("record.md", &record(policy, catalog, vendor))?,
        ),
    ])
}

fn title(policy: &Policy) -> String {
    markdown(policy.title.as_ref().map_or(policy.name.as_str(), |t| t.value.as_str()))
}

fn basis_of(policy: &Policy, purpose: &str) -> &'static str {
    policy.purposes.get(purpose).map_or("", |p| p.basis.value.as_str())
}

fn cookies(policy: &Policy, vendor: &Vendor) -> Value {
    let rows: Vec<Value> = storage_rows(policy, vendor)
        .into_iter()
        .map(|r| {
            let lifetime = match (r.lifetime, r.kind) {
                (Some(d), _) => d.to_string(),
                (None, "sessionStorage") => "the tab's session".to_owned(),
                (None, _) => "until withdrawn or cleared".to_owned(),
            };
            let kind = match r.kind {
                "cookie" => "cookie",
                "sessionStorage" => "session storage",
                _ => "local storage",
            };
            json!({
                "name": markdown_code(&r.name),
                "kind": kind,
                "purpose": format!("`{}`", r.purpose),
                "basis": basis_of(policy, &r.purpose),
                "lifetime": lifetime,
                "provider": markdown(&vendor.title),
                "description": markdown(&r.description),
            })
        })
        .collect();
    json!({
        "title": title(policy),
        "policy": policy.name,
        "rows": rows,
        "messenger_purpose": messenger_purpose(policy, vendor).unwrap_or("(none)"),
        "cookie_prefix": vendor.cookie_prefix,
        "storage_prefix": vendor.storage_prefix,
    })
}

fn csp(policy: &Policy, vendor: &Vendor, cmps: &[&str]) -> Value {
    let region_name = policy
        .intercom
        .as_ref()
        .map(|i| i.region.value.as_str())
        .unwrap_or_default();
    let mut directives: indexmap::IndexMap<String, Vec<String>> = indexmap::IndexMap::new();
    let regional = vendor.regions.get(region_name).map(|r| &r.csp);
    for (name, sources) in vendor.csp.iter().chain(regional.into_iter().flatten()) {
        let entry = directives.entry(name.clone()).or_default();
        for s in sources {
            if !entry.contains(s) {
                entry.push(s.clone());
            }
        }
    }
    let mut notes = Vec::new();
    for &cmp in cmps {
        let (sources, note) = crate::catalog::cmps::csp_sources(cmp);
        for (name, list) in sources {
            let entry = directives.entry((*name).to_owned()).or_default();
            for s in *list {
                if !entry.iter().any(|e| e == s) {
                    entry.push((*s).to_owned());
                }
            }
        }
        if !note.is_empty() {
            notes.push(json!({"cmp": cmp, "note": note}));
        }
    }
    directives.sort_keys();
    let list: Vec<Value> = directives
        .iter()
        .map(|(name, sources)| json!({"name": name, "sources": sources.join(" ")}))
        .collect();
    json!({"region": region_name, "policy": policy.name, "directives": list, "cmps": notes})
}

fn record(policy: &Policy, catalog: &Catalog, vendor: &Vendor) -> Value {
    let Some(intercom) = &policy.intercom else {
        return Value::Null;
    };
    let region = vendor.regions.get(&intercom.region.value);
    let purposes: Vec<Value> = policy
        .purposes
        .values()
        .map(|p| {
            let features: Vec<String> = p.leaves.iter().map(|&l| format!("`{}`", vendor.leaves[l])).collect();
            let mut data: Vec<String> = p
                .leaves
                .iter()
                .flat_map(|&l| vendor.leaf_feature(l).data.iter().cloned())
                .collect();
            data.sort();
            data.dedup();
            json!({
                "name": p.name,
                "title": markdown(p.title.as_ref().map_or(p.name.as_str(), |t| t.value.as_str())),
                "description": markdown(p.description.as_ref().map_or("(no description)", |t| t.value.as_str())),
                "basis": p.basis.value.as_str(),
                "gpc": p.gpc.value.as_str(),
                "features": if features.is_empty() { "none".to_owned() } else { features.join(", ") },
                "data": if data.is_empty() { "none".to_owned() } else { data.join(", ").replace('_', " ") },
            })
        })
        .collect();
    let off: Vec<String> = (0..vendor.leaves.len())
        .filter(|&l| purpose_of(policy, l).is_none())
        .map(|l| format!("`{}`", vendor.leaves[l]))
        .collect();
    let audience_rules: Vec<Value> = (0..vendor.leaves.len())
        .filter(|&l| vendor.leaf_feature(l).enforcement.needs_workspace())
        .filter_map(|l| {
            purpose_of(policy, l).map(|p| json!({"feature": vendor.leaves[l], "rule": format!("consent_{p} is true")}))
        })
        .collect();
    let jurisdictions: Vec<String> = policy
        .jurisdictions
        .value
        .iter()
        .map(|j| {
            catalog
                .jurisdictions
                .get(j)
                .map_or_else(|| j.clone(), |x| format!("{} (`{j}`)", markdown(&x.title)))
        })
        .collect();
    let cmp_names: Vec<Value> = policy
        .cmps
        .iter()
        .flat_map(|(cmp, block)| {
            let title = crate::catalog::cmps::find(cmp).map_or(cmp.as_str(), |c| c.title);
            block.entries.iter().map(move |(purpose, entry)| {
                json!({"cmp": markdown(title), "purpose": purpose, "value": markdown(&entry.value.to_string())})
            })
        })
        .collect();
    let consent_mode = consent_mode_rows(policy);
    let r = &intercom.retention;
    let period = |d: Option<crate::check::model::Duration>| d.map_or("not set".to_owned(), |d| d.to_string());
    json!({
        "title": title(policy),
        "policy": policy.name,
        "provider": markdown(&vendor.provider),
        "privacy_url": vendor.privacy_url,
        "region": intercom.region.value,
        "region_title": region.map(|r| markdown(&r.title)).unwrap_or_default(),
        "api_base": region.map(|r| r.api_base.as_str()).unwrap_or_default(),
        "jurisdictions": jurisdictions.join(", "),
        "languages": languages(policy),
        "transfer": match intercom.transfer.as_ref().map(|t| t.value) {
            Some(Transfer::Dpf) => "EU-US Data Privacy Framework (`dpf`)",
            Some(Transfer::Scc) => "Standard contractual clauses (`scc`)",
            Some(Transfer::None) | None => "none declared",
        },
        "identity_verification": intercom.identity_verification.value.as_str(),
        "load": intercom.load.value.as_str(),
        "pages": intercom.pages.as_ref().map(|p| p.value.iter().map(|g| markdown_code(g)).collect::<Vec<_>>().join(", ")),
        "purposes": purposes,
        "off": off.join(", "),
        "retention": {"conversations": period(r.conversations), "users": period(r.users), "visitors": period(r.visitors)},
        "audience_rules": audience_rules,
        "cmp_names": cmp_names,
        "consent_mode": consent_mode,
        "audience_rules_state": intercom.audience_rules.value.as_str(),
        "erasure": markdown(&vendor.erasure),
        "art30": super::record::art30(policy, catalog, vendor, super::cmp_configs::revision(policy, vendor)),
    })
}

/// With `cmp consent_mode`: each mapped purpose, its basis and the Consent Mode types that gate
/// it (the loader's rules: docs/cmps/consent_mode.md).
fn consent_mode_rows(policy: &Policy) -> Vec<Value> {
    let Some(block) = policy.cmps.get("consent_mode") else {
        return Vec::new();
    };
    block
        .entries
        .iter()
        .filter_map(|(purpose, entry)| {
            let p = policy.purposes.get(purpose)?;
            let types: Vec<String> = match &entry.value {
                CmpValue::List(types) => types.iter().map(|t| format!("`{t}`")).collect(),
                other => vec![format!("`{other}`")],
            };
            Some(json!({
                "purpose": purpose,
                "basis": p.basis.value.as_str(),
                "types": types.join(" and "),
            }))
        })
        .collect()
}

/// The checked policy as data: stable field names (docs/outputs.md), no spans.
pub fn policy_json(policy: &Policy, vendor: &Vendor) -> String {
    let intercom = policy.intercom.as_ref().map(|i| {
        json!({
            "app_id": i.app_id.value,
            "region": i.region.value,
            "identity_verification": i.identity_verification.value,
            "load": i.load.value,
            "pages": i.pages.as_ref().map(|p| &p.value),
            "transfer": i.transfer.as_ref().map(|t| t.value),
            "audience_rules": i.audience_rules.value,
            "on_withdraw": i.on_withdraw.value,
            "retention": {
                "conversations": i.retention.conversations,
                "users": i.retention.users,
                "visitors": i.retention.visitors,
            },
            "facade": i.facade.as_ref().map(|f| json!({"label": f.label, "color": f.color, "position": f.position})),
        })
    });
    let purposes: Vec<Value> = policy
        .purposes
        .values()
        .map(|p| {
            json!({
                "name": p.name,
                "title": p.title.as_ref().map(|t| &t.value),
                "description": p.description.as_ref().map(|t| &t.value),
                "basis": p.basis.value,
                "gpc": p.gpc.value,
                "features": p.leaves.iter().map(|&l| vendor.leaves[l].as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    // The other languages' texts as written (the default's stand with what they translate).
    let texts: serde_json::Map<String, Value> = policy
        .texts
        .iter()
        .map(|(language, t)| {
            let purposes: serde_json::Map<String, Value> = t
                .purposes
                .iter()
                .map(|(name, p)| {
                    let title = p.title.as_ref().map(|t| &t.value);
                    let description = p.description.as_ref().map(|t| &t.value);
                    (name.clone(), json!({"title": title, "description": description}))
                })
                .collect();
            let label = t.facade_label.as_ref().map(|l| &l.value);
            let value = json!({"purposes": purposes, "facade_label": label, "banner": banner_json(&t.banner)});
            (language.clone(), value)
        })
        .collect();
    let cmps: serde_json::Map<String, Value> = policy
        .cmps
        .iter()
        .map(|(name, b)| {
            let entries: serde_json::Map<String, Value> =
                b.entries.iter().map(|(p, e)| (p.clone(), json!(e.value))).collect();
            (name.clone(), json!({"options": b.options, "purposes": entries}))
        })
        .collect();
    let value = json!({
        "format": "consentc-policy",
        "version": 1,
        "name": policy.name,
        "title": policy.title.as_ref().map(|t| &t.value),
        "jurisdictions": policy.jurisdictions.value,
        "languages": policy.language_tags().collect::<Vec<_>>(),
        "intercom": intercom,
        "purposes": purposes,
        "banner": policy.banner.as_ref().map(banner_json),
        "texts": texts,
        "cmps": cmps,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

fn banner_json(banner: &crate::check::model::Banner) -> Value {
    Value::Object(
        banner
            .texts
            .iter()
            .map(|(key, text)| ((*key).to_owned(), json!(text.value)))
            .collect(),
    )
}

/// `English (`en`, default), German (`de`)`: the record stays in the default language and says
/// which languages visitors are shown.
fn languages(policy: &Policy) -> String {
    let default = policy.default_language();
    policy
        .language_tags()
        .map(|tag| {
            let name = crate::catalog::languages::english_name(tag).unwrap_or(tag);
            let note = if tag == default { ", default" } else { "" };
            format!("{} (`{tag}`{note})", markdown(name))
        })
        .collect::<Vec<_>>()
        .join(", ")
}
