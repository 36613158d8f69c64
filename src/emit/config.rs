//! The loader's `config`: everything the JavaScript needs to know about one policy and one CMP,
//! taken from the checked model and the catalogue (docs/loader.md documents the shape).

use serde_json::{json, Map, Value};

use crate::catalog::{cmps, Vendor};
use crate::check::model::{Basis, CmpOptionValue, Duration, Policy};

/// Debounce for page-view updates on single-page navigation.
const PAGE_VIEW_DEBOUNCE_MS: u64 = 300;

/// The purpose gating the messenger, if any.
pub fn messenger_purpose<'a>(policy: &'a Policy, vendor: &Vendor) -> Option<&'a str> {
    let leaf = vendor.leaf_index("intercom.messenger")?;
    policy
        .purposes
        .values()
        .find(|p| p.leaves.contains(&leaf))
        .map(|p| p.name.as_str())
}

/// The purpose gating `leaf` (by index), if any.
pub fn purpose_of(policy: &Policy, leaf: usize) -> Option<&str> {
    policy
        .purposes
        .values()
        .find(|p| p.leaves.contains(&leaf))
        .map(|p| p.name.as_str())
}

pub fn loader_config(policy: &Policy, vendor: &Vendor, cmp_name: &str) -> Value {
    let Some(intercom) = &policy.intercom else {
        return Value::Null;
    };
    let app_id = &intercom.app_id.value;
    let region = vendor.regions.get(&intercom.region.value);

    let mut purposes = Map::new();
    for p in policy.purposes.values() {
        let behavioural = p.leaves.iter().any(|&l| vendor.leaf_feature(l).behavioural);
        purposes.insert(
            p.name.clone(),
            json!({"basis": p.basis.value, "gpc": p.gpc.value, "behavioural": behavioural}),
        );
    }

    let mut leaves = Map::new();
    let mut methods = Map::new();
    // Only mapped leaves and their methods: a leaf or method the loader does not know is off,
    // so leaving them out keeps the script small without granting anything.
    for (index, path) in vendor.leaves.iter().enumerate() {
        let Some(purpose) = purpose_of(policy, index) else {
            continue;
        };
        let feature = vendor.leaf_feature(index);
        leaves.insert(path.clone(), json!({"purpose": purpose, "requires": feature.requires}));
        for m in &feature.methods {
            methods.insert(m.clone(), Value::String(path.clone()));
        }
    }

    let cmp_block = policy.cmps.get(cmp_name);
    let cmp_purposes: Map<String, Value> = cmp_block
        .map(|b| b.entries.iter().map(|(p, e)| (p.clone(), json!(e.value))).collect())
        .unwrap_or_default();
    let options: Map<String, Value> = cmp_block
        .map(|b| b.options.iter().map(|(k, v)| (k.clone(), option_json(v))).collect())
        .unwrap_or_default();

    json!({
        "policy": policy.name,
        "app_id": app_id,
        "api_base": region.map(|r| r.api_base.as_str()),
        "widget_src": vendor.script.replace("{app_id}", app_id),
        "load": intercom.load.value,
        "pages": intercom.pages.as_ref().map(|p| &p.value),
        "on_withdraw": intercom.on_withdraw.value,
        "purposes": purposes,
        "leaves": leaves,
        "messenger": "intercom.messenger",
        "methods": methods,
        "always_forward": vendor.always_forward,
        "callbacks": vendor.callbacks,
        "settings": {
            "messenger": vendor.settings_messenger,
            "identity": vendor.settings_identity,
            "verification": vendor.settings_verification,
            "identity_leaf": "intercom.identity",
            "attributes_leaf": "intercom.tracking.attributes",
            "page_views_leaf": "intercom.tracking.page_views",
        },
        "update_limit": {
            "count": vendor.update_limit,
            "window_ms": u64::from(vendor.update_window_seconds) * 1000,
            "debounce_ms": PAGE_VIEW_DEBOUNCE_MS,
        },
        "cookie_prefix": vendor.cookie_prefix,
        "storage_prefix": vendor.storage_prefix,
        "dom": {"ids": vendor.dom_ids, "classes": vendor.dom_classes},
        "facade": intercom.facade.as_ref().map(|f| json!({"label": f.label, "color": f.color, "position": f.position})),
        "cmp": {
            "name": cmp_name,
            "purposes": cmp_purposes,
            "options": options,
            "script_attrs": script_attrs(policy, vendor, cmp_name),
        },
    })
}

fn option_json(v: &CmpOptionValue) -> Value {
    match v {
        CmpOptionValue::String(s) => json!(s),
        CmpOptionValue::List(l) => json!(l),
    }
}

/// The CMP's category attribute for the widget script (cmps.rs holds the pattern).
fn script_attrs(policy: &Policy, vendor: &Vendor, cmp_name: &str) -> Value {
    let mut attrs = Map::new();
    let (Some(cmp), Some(purpose)) = (cmps::find(cmp_name), messenger_purpose(policy, vendor)) else {
        return Value::Object(attrs);
    };
    let Some((name, pattern)) = cmp.script_attr else {
        return Value::Object(attrs);
    };
    let block = policy.cmps.get(cmp_name);
    let value = block
        .and_then(|b| b.entries.get(purpose))
        .map(|e| e.value.to_string())
        .unwrap_or_default();
    let vendor_id = match block.and_then(|b| b.options.get("vendor")) {
        Some(CmpOptionValue::String(s)) => s.clone(),
        _ => String::new(),
    };
    let rendered = pattern
        .replace("{value}", &value)
        .replace("{purpose}", purpose)
        .replace("{vendor}", &vendor_id);
    attrs.insert(name.to_owned(), Value::String(rendered));
    Value::Object(attrs)
}

/// Whether any purpose relies on consent (used by documents).
pub fn has_consent_purpose(policy: &Policy) -> bool {
    policy.purposes.values().any(|p| p.basis.value == Basis::Consent)
}

/// One cookie or storage key that a mapped feature sets: its name (app id filled in), kind
/// (`cookie`, `localStorage`, `sessionStorage`), lifetime, description and gating purpose. The
/// one walk over the catalogue's storage facts that every output reads.
pub struct StorageRow {
    pub name: String,
    pub kind: &'static str,
    /// In the catalogue's calendar terms (`9 months`); `None` for web storage, which has none.
    /// Outputs that need a number use [`Duration::max_days`], never a 30-day month.
    pub lifetime: Option<Duration>,
    pub description: String,
    pub purpose: String,
}

pub fn storage_rows(policy: &Policy, vendor: &Vendor) -> Vec<StorageRow> {
    let app_id = policy
        .intercom
        .as_ref()
        .map(|i| i.app_id.value.as_str())
        .unwrap_or_default();
    let mut rows = Vec::new();
    for index in 0..vendor.leaves.len() {
        let Some(purpose) = purpose_of(policy, index) else {
            continue;
        };
        let feature = vendor.leaf_feature(index);
        for c in &feature.cookies {
            rows.push(StorageRow {
                name: c.name.replace("{app_id}", app_id),
                kind: "cookie",
                lifetime: Some(c.lifetime),
                description: c.description.clone(),
                purpose: purpose.to_owned(),
            });
        }
        for st in &feature.storage {
            rows.push(StorageRow {
                name: st.name.clone(),
                kind: if st.kind == "session" {
                    "sessionStorage"
                } else {
                    "localStorage"
                },
                lifetime: None,
                description: st.description.clone(),
                purpose: purpose.to_owned(),
            });
        }
    }
    rows
}
