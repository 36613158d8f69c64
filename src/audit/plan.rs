//! What the policy promises for one audited URL: which policy and CMP, which purpose holds the
//! messenger and each method, the catalogue's hosts by region, cookie and storage prefixes and
//! the widget's DOM. Everything the verdicts judge against comes from the checked policy and the
//! catalogue, never from the page.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{self, Vendor};
use crate::check::model::{Basis, CmpValue, Load, Model, Policy};

/// One purpose as the audit drives and judges it.
#[derive(Debug, Clone)]
pub struct PurposePlan {
    pub name: String,
    /// A purpose on another basis than consent runs until it is refused.
    pub needs_consent: bool,
    /// Its value in the audited CMP (category, Klaro purpose, group...).
    pub cmp_value: Option<CmpValue>,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub policy: String,
    pub cmp: String,
    pub app_id: String,
    pub region: String,
    pub purposes: Vec<PurposePlan>,
    /// The purpose that maps the messenger (none: Intercom may never run).
    pub messenger_purpose: Option<String>,
    /// `load = on_interaction`: the widget loads only once the chat button is clicked.
    pub on_interaction: bool,
    /// The chat button's label (`facade.label`), which the audit finds it by.
    pub facade_label: Option<String>,
    /// The URL's path is inside the policy's `pages` (or the policy has none).
    pub in_pages: bool,
    /// Method name to the purpose whose features hold it (absent: no purpose maps it).
    pub method_purposes: BTreeMap<String, String>,
    /// Every method the catalogue knows, mapped or not.
    pub known_methods: BTreeSet<String>,
    /// Methods the firewall always forwards, and `boot`/`update`, whose settings it filters.
    pub exempt_methods: BTreeSet<String>,
    pub hosts: Hosts,
    /// The widget script's URL up to the app id: `https://widget.intercom.io/widget/`.
    pub script_prefix: String,
    pub cookie_prefix: String,
    pub storage_prefix: String,
    /// `#intercom-frame, #intercom-container, .intercom-lightweight-app`.
    pub dom_selector: String,
}

/// The catalogue's hosts: every host of every region, and the regions each belongs to. A host
/// every region uses (`api-ping.intercom.io`) belongs to all.
#[derive(Debug, Clone, Default)]
pub struct Hosts {
    pub regions: BTreeMap<String, BTreeSet<String>>,
}

impl Hosts {
    fn of(vendor: &Vendor) -> Hosts {
        let mut regions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut shared = BTreeSet::new();
        // frame_src lists the video players a conversation may embed (YouTube, Vimeo): not
        // Intercom's hosts, and loading them is no sign of Intercom running.
        let own = |directive: &str| directive != "frame_src";
        for (directive, sources) in &vendor.csp {
            if own(directive) {
                shared.extend(sources.iter().filter_map(|s| host_of(s)));
            }
        }
        shared.extend(host_of(&vendor.script));
        for region in vendor.regions.values() {
            let set = regions.entry(region.name.clone()).or_default();
            set.extend(host_of(&region.api_base));
            for (directive, sources) in &region.csp {
                if own(directive) {
                    set.extend(sources.iter().filter_map(|s| host_of(s)));
                }
            }
        }
        for set in regions.values_mut() {
            set.extend(shared.iter().cloned());
        }
        Hosts { regions }
    }

    /// Whether a host is one of the catalogue's, in any region.
    pub fn is_catalogued(&self, host: &str) -> bool {
        self.regions.values().any(|set| set.contains(host))
    }

    /// The regions whose hosts include this one.
    pub fn regions_of(&self, host: &str) -> Vec<&str> {
        self.regions
            .iter()
            .filter(|(_, set)| set.contains(host))
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

/// The host of a URL or CSP source (`https://api.eu.intercom.io`, `wss://...`), lowercased.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The path of an http(s) URL (`/` when it has none).
pub fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    match rest.find('/') {
        Some(at) => rest[at..].split(['?', '#']).next().unwrap_or("/").to_owned(),
        None => "/".to_owned(),
    }
}

/// Chooses the policy and CMP for a URL (audit.md: the policy whose `pages` and CMP match;
/// `--name` and `--cmp` settle a tie) and turns it into a plan. Errors are usage errors.
pub fn choose(model: &Model, url: &str, name: Option<&str>, cmp: Option<&str>) -> Result<Plan, String> {
    let path = path_of(url);
    let with_intercom = |p: &&Policy| p.intercom.is_some();
    let candidates: Vec<&Policy> = match name {
        Some(name) => {
            let found: Vec<&Policy> = model.policies.iter().filter(|p| p.name == name).collect();
            if found.is_empty() {
                let names: Vec<String> = model.policies.iter().map(|p| format!("`{}`", p.name)).collect();
                return Err(format!(
                    "no policy is named `{name}`; the policies are {}",
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                ));
            }
            found
        }
        None => model
            .policies
            .iter()
            .filter(with_intercom)
            .filter(|p| covers(p, &path))
            .filter(|p| cmp.is_none_or(|c| p.cmps.contains_key(c)))
            .collect(),
    };
    let mut pairs: Vec<(&Policy, &str)> = Vec::new();
    for policy in &candidates {
        for c in policy.cmps.keys() {
            if cmp.is_none_or(|wanted| wanted == c) {
                pairs.push((policy, c));
            }
        }
    }
    match pairs.as_slice() {
        [] => Err(match (name, cmp) {
            (Some(n), Some(c)) => format!("policy `{n}` declares no `cmp {c}`"),
            (Some(n), None) => format!("policy `{n}` declares no CMP to audit with"),
            _ => format!(
                "no policy covers `{url}`{}; name one with `--name`",
                cmp.map(|c| format!(" with `cmp {c}`")).unwrap_or_default()
            ),
        }),
        [(policy, cmp)] => plan(policy, cmp, &path),
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|(p, c)| format!("`--name {} --cmp {c}`", p.name))
                .collect();
            Err(format!(
                "more than one policy and CMP could audit `{url}`; choose one: {}",
                list.join(", ")
            ))
        }
    }
}

fn covers(policy: &Policy, path: &str) -> bool {
    match policy.intercom.as_ref().and_then(|i| i.pages.as_ref()) {
        Some(pages) => pages.value.iter().any(|g| glob_matches(g, path)),
        None => true,
    }
}

fn plan(policy: &Policy, cmp: &str, path: &str) -> Result<Plan, String> {
    let Some(intercom) = &policy.intercom else {
        return Err(format!(
            "policy `{}` has no `intercom` block: there is nothing to audit",
            policy.name
        ));
    };
    let catalogue = catalog::builtin();
    let vendor = catalogue
        .vendor("intercom")
        .ok_or_else(|| "the built-in catalogue has no Intercom".to_owned())?;
    let block = &policy.cmps[cmp];
    let messenger = vendor.messenger_leaf();
    let mut method_purposes = BTreeMap::new();
    let mut known_methods = BTreeSet::new();
    let mut messenger_purpose = None;
    for (index, leaf) in vendor.leaves.iter().enumerate() {
        let owner = policy.purposes.values().find(|p| p.leaves.contains(&index));
        if Some(index) == messenger {
            messenger_purpose = owner.map(|p| p.name.clone());
        }
        if let Some(feature) = vendor.leaf(leaf) {
            for method in &feature.methods {
                known_methods.insert(method.clone());
                if let Some(p) = owner {
                    method_purposes.insert(method.clone(), p.name.clone());
                }
            }
        }
    }
    let purposes = policy
        .purposes
        .values()
        .map(|p| PurposePlan {
            name: p.name.clone(),
            needs_consent: p.basis.value == Basis::Consent,
            cmp_value: block.entries.get(&p.name).map(|e| e.value.clone()),
        })
        .collect();
    let mut exempt_methods: BTreeSet<String> = vendor.always_forward.iter().cloned().collect();
    exempt_methods.extend(["boot".to_owned(), "update".to_owned()]);
    let dom: Vec<String> = vendor
        .dom_ids
        .iter()
        .map(|id| format!("#{id}"))
        .chain(vendor.dom_classes.iter().map(|c| format!(".{c}")))
        .collect();
    Ok(Plan {
        policy: policy.name.clone(),
        cmp: cmp.to_owned(),
        app_id: intercom.app_id.value.clone(),
        region: intercom.region.value.clone(),
        purposes,
        messenger_purpose,
        on_interaction: intercom.load.value == Load::OnInteraction,
        facade_label: intercom.facade.as_ref().map(|f| f.label.clone()),
        in_pages: covers(policy, path),
        method_purposes,
        known_methods,
        exempt_methods,
        hosts: Hosts::of(vendor),
        script_prefix: vendor.script.replace("{app_id}", ""),
        cookie_prefix: vendor.cookie_prefix.clone(),
        storage_prefix: vendor.storage_prefix.clone(),
        dom_selector: dom.join(", "),
    })
}

/// A page glob as the loader reads it (docs/language.md, `pages`): `*` any run within one path
/// segment, `**` any run across segments, a trailing `/**` also matches the directory itself.
pub fn glob_matches(glob: &str, path: &str) -> bool {
    if let Some(dir) = glob.strip_suffix("/**") {
        if dir == path || dir.is_empty() && path == "/" {
            return true;
        }
    }
    matches(glob.as_bytes(), path.as_bytes())
}

fn matches(glob: &[u8], path: &[u8]) -> bool {
    match glob {
        [] => path.is_empty(),
        [b'*', b'*', rest @ ..] => (0..=path.len()).any(|i| matches(rest, &path[i..])),
        [b'*', rest @ ..] => (0..=path.len())
            .take_while(|&i| i == 0 || path[i - 1] != b'/')
            .any(|i| matches(rest, &path[i..])),
        [c, rest @ ..] => path.first() == Some(c) && matches(rest, &path[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_as_the_loader_does() {
        assert!(glob_matches("/app/**", "/app"));
        assert!(glob_matches("/app/**", "/app/"));
        assert!(glob_matches("/app/**", "/app/settings/x"));
        assert!(!glob_matches("/app/**", "/"));
        assert!(!glob_matches("/app/**", "/apple"));
        assert!(glob_matches("/docs/*", "/docs/a"));
        assert!(!glob_matches("/docs/*", "/docs/a/b"));
        assert!(glob_matches("/**/help", "/a/b/help"));
    }

    #[test]
    fn hosts_and_paths_come_out_of_urls() {
        assert_eq!(
            host_of("wss://Nexus.intercom.io:443/x").as_deref(),
            Some("nexus.intercom.io")
        );
        assert_eq!(path_of("http://127.0.0.1:8080/app/?x=1"), "/app/");
        assert_eq!(path_of("http://127.0.0.1:8080"), "/");
    }
}
