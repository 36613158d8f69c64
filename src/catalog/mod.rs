//! The catalogue: vendors' features, their facts, regions and jurisdictions, read once from
//! the `.vendor` files under `policies/vendors/` that are compiled into the binary, and CMP
//! facts (`cmps`). Every other module asks here; none restates a fact.

pub mod cmps;
pub mod languages;
mod load;
pub mod model;

use std::sync::OnceLock;

pub use model::*;

const SOURCES: &[(&str, &str)] = &[
    (
        "policies/vendors/intercom.vendor",
        include_str!("../../policies/vendors/intercom.vendor"),
    ),
    (
        "policies/vendors/jurisdictions.vendor",
        include_str!("../../policies/vendors/jurisdictions.vendor"),
    ),
];

/// The built-in catalogue. It is data shipped in the binary, so a failure to read it is a bug
/// in consentc (exit 101), caught by the test suite before any release.
pub fn builtin() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| match load::load(SOURCES) {
        Ok(catalog) => catalog,
        Err(e) => panic!("the built-in catalogue is invalid: {e}"),
    })
}

/// Load a catalogue from other sources (tests, or a tool with its own vendor files).
pub fn load_from(sources: &[(&str, &str)]) -> Result<Catalog, String> {
    load::load(sources)
}

/// A plain-text listing of a vendor's catalogue, for `consentc features`.
pub fn describe(v: &Vendor) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "{} ({}): {} features", v.name, v.title, v.leaves.len());
    let _ = writeln!(out, "  provider: {}", v.provider);
    if let (Some(home), Some(note)) = (&v.home, &v.home_note) {
        let _ = writeln!(out, "  home: {home}: {note}");
    }
    for (label, fact) in [("deletes on its own", &v.automatic_deletion), ("security", &v.security)] {
        if let Some(text) = fact {
            let _ = writeln!(out, "  {label}: {text}");
        }
    }
    let _ = writeln!(out, "  erasure: {}", v.erasure);
    if let Some(line) = v.sourcing.describe() {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out);
    for node in v.nodes.values() {
        let depth = node.path.matches('.').count();
        let indent = "  ".repeat(depth);
        match node.feature() {
            None => {
                let _ = writeln!(out, "{indent}{}.*  (group) {}", node.path, node.description);
            }
            Some(f) => {
                let _ = writeln!(out, "{indent}{}  {}", node.path, node.description);
                let mut facts: Vec<String> = Vec::new();
                if f.behavioural {
                    facts.push("behavioural: needs consent in the EU/UK".into());
                }
                if f.personal {
                    facts.push("personal data".into());
                }
                if f.verification_required {
                    facts.push("needs identity verification".into());
                }
                facts.push(format!(
                    "enforced by: {}",
                    match f.enforcement {
                        Enforcement::Client => "the loader",
                        Enforcement::Workspace => "Intercom audience rules",
                        Enforcement::Mixed => "the loader (methods) and audience rules (delivery)",
                    }
                ));
                if !f.requires.is_empty() {
                    facts.push(format!("requires {}", f.requires.join(", ")));
                }
                if !f.methods.is_empty() {
                    facts.push(format!("methods {}", f.methods.join(", ")));
                }
                if !f.subprocessors.is_empty() {
                    facts.push(format!("subprocessors in {}", f.subprocessors.join(", ")));
                }
                if let Some(note) = &f.note {
                    facts.push(note.clone());
                }
                for c in &f.cookies {
                    let renewed = if c.renewed { ", from the last visit" } else { "" };
                    facts.push(format!(
                        "cookie {} ({}{renewed}): {}",
                        c.name, c.lifetime, c.description
                    ));
                    facts.extend(c.sourcing.describe().map(|l| format!("  {l}")));
                }
                for s in &f.storage {
                    facts.push(format!("{} storage {}", s.kind, s.name));
                }
                facts.extend(f.sourcing.describe());
                for fact in facts {
                    let _ = writeln!(out, "{indent}    - {fact}");
                }
            }
        }
    }
    let _ = writeln!(out, "\nregions:");
    for r in v.regions.values() {
        let _ = writeln!(out, "  {}  {} (api_base {})", r.name, r.title, r.api_base);
        if let Some(hosting) = &r.hosting {
            let _ = writeln!(out, "      hosting: {hosting}");
        }
        if let Some(line) = r.sourcing.describe() {
            let _ = writeln!(out, "      {line}");
        }
    }
    out
}

/// The jurisdictions a policy can name, with what each implies and its sources, for
/// `consentc features`.
pub fn describe_jurisdictions(catalog: &Catalog) -> String {
    use std::fmt::Write;
    let mut out = String::from("jurisdictions:\n");
    for j in catalog.jurisdictions.values() {
        let device = if j.device_consent {
            "device access needs consent or a request"
        } else {
            "no device-access rule"
        };
        let _ = writeln!(
            out,
            "  {}  {}: {device}; adequate: {}",
            j.name,
            j.title,
            j.adequate.join(", ")
        );
        for (label, text) in [
            ("note", &j.note),
            ("transfer = dpf", &j.dpf),
            ("transfer = scc", &j.scc),
        ] {
            if let Some(text) = text {
                let _ = writeln!(out, "      {label}: {text}");
            }
        }
        if let Some(line) = j.sourcing.describe() {
            let _ = writeln!(out, "      {line}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_loads_with_the_spec_paths() {
        let c = builtin();
        let intercom = c.vendor("intercom").expect("intercom");
        for leaf in [
            "intercom.messenger",
            "intercom.help_center",
            "intercom.fin",
            "intercom.identity",
            "intercom.tracking.page_views",
            "intercom.tracking.events",
            "intercom.tracking.attributes",
            "intercom.product_tours",
            "intercom.targeted_messages.posts",
            "intercom.targeted_messages.chats",
            "intercom.targeted_messages.banners",
            "intercom.targeted_messages.tooltips",
            "intercom.surveys",
            "intercom.checklists",
            "intercom.news",
        ] {
            assert!(intercom.leaf(leaf).is_some(), "{leaf}");
        }
        assert_eq!(intercom.cover("intercom.tracking").map(|s| s.len()), Some(3));
        assert_eq!(intercom.cover("intercom.targeted_messages").map(|s| s.len()), Some(4));
        assert_eq!(intercom.regions["eu"].api_base, "https://api-iam.eu.intercom.io");
        assert_eq!(intercom.method_leaf("startTour"), Some("intercom.product_tours"));
        assert!(c.jurisdictions["eu"].device_consent);
        assert_eq!(
            intercom.roles,
            LeafRoles {
                messenger: "intercom.messenger".into(),
                identity: "intercom.identity".into(),
                attributes: "intercom.tracking.attributes".into(),
                page_views: "intercom.tracking.page_views".into(),
            }
        );
        let identifiers: Vec<String> = intercom
            .leaf("intercom.messenger")
            .map(|m| {
                m.cookies
                    .iter()
                    .filter(|c| c.identifier)
                    .map(|c| c.short_name())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(identifiers, ["intercom-id", "intercom-device-id"]);
    }

    /// Issue 14: every fact of the built-in catalogue says where it comes from and when it was
    /// checked, or what could not be verified.
    #[test]
    fn every_catalogue_fact_is_sourced_and_dated() {
        let c = builtin();
        let mut missing = Vec::new();
        let mut check = |what: String, s: &Sourcing| {
            if s.checked.is_none() || (s.sources.is_empty() && s.unverified.is_none()) {
                missing.push(what);
            }
        };
        for v in c.vendors.values() {
            check(format!("vendor {}", v.name), &v.sourcing);
            for r in v.regions.values() {
                check(format!("region {}", r.name), &r.sourcing);
            }
            for path in &v.leaves {
                let f = v.leaf(path).expect("leaf");
                check(format!("feature {path}"), &f.sourcing);
                for cookie in &f.cookies {
                    check(format!("cookie {}", cookie.name), &cookie.sourcing);
                }
            }
        }
        for j in c.jurisdictions.values() {
            check(format!("jurisdiction {}", j.name), &j.sourcing);
        }
        assert!(missing.is_empty(), "facts without a source or a date: {missing:?}");
    }

    fn vendor_with(features: &str) -> Result<Catalog, String> {
        let text = format!(
            "vendor v {{ title = \"V\"; provider = \"P\"; privacy_url = \"u\"; erasure = \"e\"; script = \"s\"; cookie_prefix = \"v-\"; storage_prefix = \"v.\"; update_limit = 1; update_window_seconds = 1\n{features}\n}}"
        );
        load_from(&[("v.vendor", &text)])
    }

    #[test]
    fn every_role_is_named_once() {
        let all = "feature m { title = \"M\"; description = \"d\"; enforcement = client; role = messenger }
            feature i { title = \"I\"; description = \"d\"; enforcement = client; role = identity }
            feature a { title = \"A\"; description = \"d\"; enforcement = client; role = attributes }
            feature p { title = \"P\"; description = \"d\"; enforcement = client; role = page_views }";
        let roles = vendor_with(all).map(|c| c.vendors["v"].roles.clone());
        assert_eq!(roles.map(|r| r.page_views), Ok("v.p".to_owned()));

        let missing = vendor_with(&all.replace("role = page_views", ""));
        assert_eq!(
            missing.err().as_deref(),
            Some("v.vendor: vendor `v`: no feature has `role = page_views`")
        );
        let twice = vendor_with(&all.replace("role = page_views", "role = messenger"));
        assert_eq!(
            twice.err().as_deref(),
            Some("v.vendor: `v.p`: role `messenger` is already `v.m`'s")
        );
        let unknown = vendor_with(&format!(
            "{all}\nfeature x {{ title = \"X\"; description = \"d\"; enforcement = client; role = chat }}"
        ));
        assert_eq!(
            unknown.err().as_deref(),
            Some("v.vendor: vendor `v`: unknown role `chat`")
        );
    }
}
