//! The loader's `config`: everything the JavaScript needs to know about one policy and one CMP,
//! taken from the checked model and the catalogue (docs/loader.md documents the shape).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::catalog::{cmps, Vendor};
use crate::check::model::{Basis, CmpOptionValue, CmpValue, Duration, Gpc, Load, OnWithdraw, Policy, Position};

/// Debounce for page-view updates on single-page navigation.
const PAGE_VIEW_DEBOUNCE_MS: u64 = 300;

/// The purpose gating the messenger, if any.
pub fn messenger_purpose<'a>(policy: &'a Policy, vendor: &Vendor) -> Option<&'a str> {
    let leaf = vendor.messenger_leaf()?;
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

/// Everything the loader needs to know about one policy and one CMP, taken from the checked
/// model and the catalogue (docs/loader.md, "The loader's config", documents each field). It is
/// also the loader's JSON input (`render_loader`), read back with unknown fields refused, so a
/// misspelt field is an error and never a feature silently left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoaderConfig {
    pub policy: String,
    pub app_id: String,
    /// The region's API host; `None` for a region the catalogue does not know (the checker
    /// reports it first).
    pub api_base: Option<String>,
    pub widget_src: String,
    pub load: Load,
    pub pages: Option<Vec<String>>,
    pub on_withdraw: OnWithdraw,
    pub purposes: IndexMap<String, PurposeConfig>,
    /// The mapped leaves, by catalogue path: a leaf absent or without a purpose is off.
    pub leaves: IndexMap<String, LeafConfig>,
    /// The leaf the widget itself needs (the catalogue's messenger).
    pub messenger: String,
    /// Catalogue method -> the leaf it belongs to (mapped leaves only).
    pub methods: IndexMap<String, String>,
    pub always_forward: Vec<String>,
    pub callbacks: Vec<String>,
    pub settings: SettingsConfig,
    pub update_limit: UpdateLimit,
    pub cookie_prefix: String,
    pub storage_prefix: String,
    pub dom: DomConfig,
    pub facade: Option<FacadeConfig>,
    pub cmp: CmpConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurposeConfig {
    pub basis: Basis,
    pub gpc: Gpc,
    /// The purpose holds a behavioural leaf (`hide_notifications` follows it).
    pub behavioural: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeafConfig {
    pub purpose: Option<String>,
    pub requires: Vec<String>,
}

/// The catalogue's settings lists and the leaves that let identity, custom data and page views
/// through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsConfig {
    pub messenger: Vec<String>,
    pub identity: Vec<String>,
    pub verification: Vec<String>,
    pub identity_leaf: String,
    pub attributes_leaf: String,
    pub page_views_leaf: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateLimit {
    pub count: u32,
    pub window_ms: u64,
    pub debounce_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomConfig {
    pub ids: Vec<String>,
    pub classes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacadeConfig {
    /// The label per language, `[lower-case tag, label]`, the default language first: the
    /// loader shows the one for `<html lang>` (the exact tag, then its primary subtag, then the
    /// default).
    pub labels: Vec<(String, String)>,
    pub color: String,
    pub position: Position,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CmpConfig {
    pub name: String,
    /// Purpose -> what the CMP calls it.
    pub purposes: IndexMap<String, CmpValue>,
    pub options: IndexMap<String, CmpOptionValue>,
    /// The CMP's category attributes for the widget's script.
    pub script_attrs: IndexMap<String, String>,
}

pub fn loader_config(policy: &Policy, vendor: &Vendor, cmp_name: &str) -> Option<LoaderConfig> {
    let intercom = policy.intercom.as_ref()?;
    let app_id = &intercom.app_id.value;
    let purposes = policy
        .purposes
        .values()
        .map(|p| {
            let behavioural = p.leaves.iter().any(|&l| vendor.leaf_feature(l).behavioural);
            let config = PurposeConfig {
                basis: p.basis.value,
                gpc: p.gpc.value,
                behavioural,
            };
            (p.name.clone(), config)
        })
        .collect();

    let mut leaves = IndexMap::new();
    let mut methods = IndexMap::new();
    // Only mapped leaves and their methods: a leaf or method the loader does not know is off,
    // so leaving them out keeps the script small without granting anything.
    for (index, path) in vendor.leaves.iter().enumerate() {
        let Some(purpose) = purpose_of(policy, index) else {
            continue;
        };
        let feature = vendor.leaf_feature(index);
        let leaf = LeafConfig {
            purpose: Some(purpose.to_owned()),
            requires: feature.requires.clone(),
        };
        leaves.insert(path.clone(), leaf);
        for m in &feature.methods {
            methods.insert(m.clone(), path.clone());
        }
    }

    let cmp_block = policy.cmps.get(cmp_name);
    let cmp = CmpConfig {
        name: cmp_name.to_owned(),
        purposes: cmp_block
            .map(|b| b.entries.iter().map(|(p, e)| (p.clone(), e.value.clone())).collect())
            .unwrap_or_default(),
        options: cmp_block
            .map(|b| b.options.clone().into_iter().collect())
            .unwrap_or_default(),
        script_attrs: script_attrs(policy, vendor, cmp_name),
    };

    Some(LoaderConfig {
        policy: policy.name.clone(),
        app_id: app_id.clone(),
        api_base: vendor.regions.get(&intercom.region.value).map(|r| r.api_base.clone()),
        widget_src: vendor.script.replace("{app_id}", app_id),
        load: intercom.load.value,
        pages: intercom.pages.as_ref().map(|p| p.value.clone()),
        on_withdraw: intercom.on_withdraw.value,
        purposes,
        leaves,
        messenger: vendor.roles.messenger.clone(),
        methods,
        always_forward: vendor.always_forward.clone(),
        callbacks: vendor.callbacks.clone(),
        settings: SettingsConfig {
            messenger: vendor.settings_messenger.clone(),
            identity: vendor.settings_identity.clone(),
            verification: vendor.settings_verification.clone(),
            identity_leaf: vendor.roles.identity.clone(),
            attributes_leaf: vendor.roles.attributes.clone(),
            page_views_leaf: vendor.roles.page_views.clone(),
        },
        update_limit: UpdateLimit {
            count: vendor.update_limit,
            window_ms: u64::from(vendor.update_window_seconds) * 1000,
            debounce_ms: PAGE_VIEW_DEBOUNCE_MS,
        },
        cookie_prefix: vendor.cookie_prefix.clone(),
        storage_prefix: vendor.storage_prefix.clone(),
        dom: DomConfig {
            ids: vendor.dom_ids.clone(),
            classes: vendor.dom_classes.clone(),
        },
        facade: intercom.facade.as_ref().map(|f| FacadeConfig {
            labels: policy
                .language_tags()
                .map(|tag| {
                    let label = policy.facade_label_in(tag).unwrap_or(&f.label);
                    (tag.to_ascii_lowercase(), label.to_owned())
                })
                .collect(),
            color: f.color.clone(),
            position: f.position,
        }),
        cmp,
    })
}

/// The CMP's category attribute for the widget script (cmps.rs holds the pattern).
fn script_attrs(policy: &Policy, vendor: &Vendor, cmp_name: &str) -> IndexMap<String, String> {
    let mut attrs = IndexMap::new();
    let (Some(cmp), Some(purpose)) = (cmps::find(cmp_name), messenger_purpose(policy, vendor)) else {
        return attrs;
    };
    let Some((name, pattern)) = cmp.script_attr else {
        return attrs;
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
    attrs.insert(name.to_owned(), rendered);
    attrs
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
