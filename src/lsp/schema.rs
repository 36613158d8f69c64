//! What may be written where, for completion: the checker's own key lists (`check::lower`) and
//! keyword sets (`check::model`), and the catalogue's names. Nothing here restates a fact.

use crate::catalog::{self, cmps};
use crate::check::lower::{controller, intercom, texts, POLICY_KEYS, PURPOSE_KEYS};
use crate::check::model::{
    AudienceRules, Basis, Gpc, IdentityVerification, Keyword, Load, OnWithdraw, Position, Transfer, BANNER_TEXTS,
};

/// The keys and the nested block kinds of the innermost block whose kinds, from the top level
/// down, are `path`.
pub fn keys(path: &[&str]) -> (Vec<&'static str>, Vec<&'static str>) {
    let inside_text = path.contains(&"text");
    match path {
        [] => (vec![], vec!["policy", "text"]),
        [.., "policy"] => {
            let mut blocks = vec!["purpose", "cmp", "text", "banner", "controller"];
            let vendors: Vec<&'static str> = catalog::builtin().vendors.keys().map(String::as_str).collect();
            blocks.splice(0..0, vendors);
            (POLICY_KEYS.to_vec(), blocks)
        }
        [.., "purpose"] if inside_text => (texts::TEXT_PURPOSE_KEYS.to_vec(), vec![]),
        [.., "purpose"] => (PURPOSE_KEYS.to_vec(), vec![]),
        [.., "intercom"] => (intercom::INTERCOM_KEYS.to_vec(), vec!["retention", "facade"]),
        [.., "retention"] => (intercom::RETENTION_KEYS.to_vec(), vec![]),
        [.., "facade"] if inside_text => (texts::TEXT_FACADE_KEYS.to_vec(), vec![]),
        [.., "facade"] => (intercom::FACADE_KEYS.to_vec(), vec![]),
        [.., "text"] => (vec![], texts::TEXT_BLOCKS.to_vec()),
        [.., "banner"] => (BANNER_TEXTS.iter().map(|(k, _)| *k).collect(), vec![]),
        [.., "controller"] => (controller::CONTROLLER_KEYS.to_vec(), vec![]),
        _ => (vec![], vec![]),
    }
}

/// The identifiers a key takes, with a word on each where there is one.
pub fn words(key: &str) -> Vec<(String, String)> {
    fn of<K: Keyword>() -> Vec<(String, String)> {
        K::words().into_iter().map(|w| (w.to_owned(), String::new())).collect()
    }
    let catalog = catalog::builtin();
    match key {
        "basis" => of::<Basis>(),
        "gpc" => of::<Gpc>(),
        "load" => of::<Load>(),
        "identity_verification" => of::<IdentityVerification>(),
        "transfer" => of::<Transfer>(),
        "audience_rules" => of::<AudienceRules>(),
        "on_withdraw" => of::<OnWithdraw>(),
        "position" => of::<Position>(),
        "region" => catalog
            .vendors
            .values()
            .flat_map(|v| v.regions.values())
            .map(|r| (r.name.clone(), r.title.clone()))
            .collect(),
        "jurisdictions" => catalog
            .jurisdictions
            .values()
            .map(|j| (j.name.clone(), j.title.clone()))
            .collect(),
        _ => vec![],
    }
}

/// Every feature path of every vendor, with `.*` for groups and vendors, and its description.
pub fn feature_paths() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for vendor in catalog::builtin().vendors.values() {
        out.push((format!("{}.*", vendor.name), format!("every {} feature", vendor.title)));
        for node in vendor.nodes.values() {
            out.push((node.path.clone(), node.description.clone()));
            if node.feature().is_none() {
                out.push((format!("{}.*", node.path), node.description.clone()));
            }
        }
    }
    out
}

/// The values a `cmp NAME` block maps purposes to, where the CMP has a fixed vocabulary.
pub fn cmp_values(cmp: &str) -> Vec<(String, String)> {
    let Some(c) = cmps::find(cmp) else {
        return vec![];
    };
    c.vocabulary
        .iter()
        .map(|v| {
            let what = if c.non_refusable.contains(v) {
                format!("{}: cannot be refused", c.title)
            } else {
                c.title.to_owned()
            };
            ((*v).to_owned(), what)
        })
        .collect()
}
