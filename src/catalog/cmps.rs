//! Facts about consent-management platforms that the checker needs: how a `cmp` block names
//! a purpose, which options it takes, and which of its categories a visitor cannot refuse.
//! How each CMP is driven at run time lives in its adapter template, not here.

/// The kind of value a `cmp` block maps each purpose to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A free-form name, written as a string.
    String,
    /// One of a fixed vocabulary, written as an identifier.
    Ident,
    /// A number (TCF publisher custom purposes).
    Integer,
    /// One of a fixed vocabulary written as an identifier, or a list of them that must all be
    /// granted (Google Consent Mode types).
    Idents,
    /// The block takes no entries.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    String,
    StringList,
}

#[derive(Debug, Clone, Copy)]
pub struct CmpOption {
    pub name: &'static str,
    pub kind: OptionKind,
    pub what: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub struct Cmp {
    pub name: &'static str,
    pub title: &'static str,
    pub entry: EntryKind,
    /// For [`EntryKind::Ident`] and [`EntryKind::Idents`]: the allowed values.
    pub vocabulary: &'static [&'static str],
    /// Values a visitor can never refuse (always-on categories).
    pub non_refusable: &'static [&'static str],
    pub options: &'static [CmpOption],
    /// The option listing further non-refusable values, and its default.
    pub non_refusable_option: Option<(&'static str, &'static [&'static str])>,
    /// The attribute the loader puts on the widget script so the CMP's auto-blocker files it
    /// under the messenger's purpose: name and value pattern, where `{value}` is the
    /// messenger purpose's CMP value, `{purpose}` its name, `{vendor}` the `vendor` option.
    pub script_attr: Option<(&'static str, &'static str)>,
}

pub const CMPS: &[Cmp] = &[
    Cmp {
        name: "onetrust",
        title: "OneTrust",
        entry: EntryKind::String,
        vocabulary: &[],
        non_refusable: &[],
        options: &[CmpOption {
            name: "always_active",
            kind: OptionKind::StringList,
            what: "the group ids OneTrust shows as always active",
        }],
        non_refusable_option: Some(("always_active", &["C0001"])),
        script_attr: Some(("class", "optanon-category-{value}")),
    },
    Cmp {
        name: "cookiebot",
        title: "Cookiebot",
        entry: EntryKind::Ident,
        vocabulary: &["necessary", "preferences", "statistics", "marketing"],
        non_refusable: &["necessary"],
        options: &[],
        non_refusable_option: None,
        script_attr: Some(("data-cookieconsent", "{value}")),
    },
    Cmp {
        name: "klaro",
        title: "Klaro",
        entry: EntryKind::String,
        vocabulary: &[],
        non_refusable: &[],
        options: &[],
        non_refusable_option: None,
        // Klaro re-inserts any script carrying `data-name`, which would load the widget twice;
        // the loader injects the widget only once granted, so Klaro needs no attribute.
        script_attr: None,
    },
    Cmp {
        name: "cookieconsent",
        title: "vanilla-cookieconsent",
        entry: EntryKind::String,
        vocabulary: &[],
        // consentc emits `necessary` as a read-only category.
        non_refusable: &["necessary"],
        options: &[],
        non_refusable_option: None,
        script_attr: Some(("data-category", "{value}")),
    },
    Cmp {
        name: "usercentrics",
        title: "Usercentrics",
        entry: EntryKind::String,
        vocabulary: &[],
        non_refusable: &["essential"],
        options: &[CmpOption {
            name: "event",
            kind: OptionKind::String,
            what: "the window event name configured in the Usercentrics admin (v2)",
        }],
        non_refusable_option: None,
        script_attr: Some(("data-usercentrics", "{value}")),
    },
    Cmp {
        name: "didomi",
        title: "Didomi",
        entry: EntryKind::String,
        vocabulary: &[],
        non_refusable: &[],
        options: &[CmpOption {
            name: "vendor",
            kind: OptionKind::String,
            what: "the custom vendor id, `c:...`",
        }],
        non_refusable_option: None,
        script_attr: Some(("data-vendor", "{vendor}")),
    },
    Cmp {
        name: "tcf",
        title: "IAB TCF v2.2",
        entry: EntryKind::Integer,
        vocabulary: &[],
        non_refusable: &[],
        options: &[],
        non_refusable_option: None,
        script_attr: None,
    },
    Cmp {
        name: "custom",
        title: "the site's own banner",
        entry: EntryKind::None,
        vocabulary: &[],
        non_refusable: &[],
        options: &[],
        non_refusable_option: None,
        script_attr: None,
    },
    Cmp {
        name: "consent_mode",
        title: "Google Consent Mode",
        entry: EntryKind::Idents,
        // The consent types of Consent Mode v2
        // (developers.google.com/tag-platform/security/guides/consent).
        vocabulary: &[
            "ad_storage",
            "ad_user_data",
            "ad_personalization",
            "analytics_storage",
            "functionality_storage",
            "personalization_storage",
            "security_storage",
        ],
        // Consent Mode has no always-on type: what the CMP grants without asking is its own
        // configuration, and a `default` never counts as a grant.
        non_refusable: &[],
        options: &[],
        non_refusable_option: None,
        // The loader reads `window.dataLayer`; no auto-blocker files the widget script.
        script_attr: None,
    },
];

pub fn find(name: &str) -> Option<&'static Cmp> {
    CMPS.iter().find(|c| c.name == name)
}

pub fn names() -> impl Iterator<Item = &'static str> {
    CMPS.iter().map(|c| c.name)
}

/// A plain-text listing of one CMP for `consentc features`: what a `cmp <name>` entry maps each
/// purpose to, the values a visitor cannot refuse, and the block's options.
pub fn describe(cmp: &Cmp) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "  cmp {}  {}", cmp.name, cmp.title);
    let entry = match cmp.entry {
        EntryKind::String => "each purpose = a string, the CMP's own name for it".to_owned(),
        EntryKind::Ident => format!("each purpose = one of {}", cmp.vocabulary.join(", ")),
        EntryKind::Idents => format!(
            "each purpose = one of {}, or a list of them that must all be granted",
            cmp.vocabulary.join(", ")
        ),
        EntryKind::Integer => "each purpose = a number (a publisher custom purpose)".to_owned(),
        EntryKind::None => "no entries: `cmp custom {}`".to_owned(),
    };
    let _ = writeln!(out, "      - {entry}");
    let mut fixed: Vec<&str> = cmp.non_refusable.to_vec();
    if let Some((option, defaults)) = cmp.non_refusable_option {
        for d in defaults.iter() {
            if !fixed.contains(d) {
                fixed.push(d);
            }
        }
        let _ = writeln!(
            out,
            "      - cannot be refused: {} (and what `{option}` lists)",
            fixed.join(", ")
        );
    } else if !fixed.is_empty() {
        let _ = writeln!(out, "      - cannot be refused: {}", fixed.join(", "));
    }
    for option in cmp.options {
        let kind = match option.kind {
            OptionKind::String => "a string",
            OptionKind::StringList => "a list of strings",
        };
        let _ = writeln!(out, "      - option `{}` ({kind}): {}", option.name, option.what);
    }
    out
}

/// Every CMP, under a heading, for `consentc features`.
pub fn describe_all() -> String {
    let mut out = format!("cmp: {} consent banners a policy can name\n\n", CMPS.len());
    for cmp in CMPS {
        out.push_str(&describe(cmp));
    }
    out
}

/// The Content-Security-Policy sources a CMP needs as its snippet loads it (`<cmp>-snippet.html`
/// names these hosts; a test holds the two together), by directive, and a note for `csp.txt`.
/// The CMPs whose tag the site pastes itself (Didomi, TCF, its own banner) have none here.
pub fn csp_sources(name: &str) -> (&'static [(&'static str, &'static [&'static str])], &'static str) {
    match name {
        "cookieconsent" => (
            &[
                ("script-src", &["https://cdn.jsdelivr.net"]),
                ("style-src", &["https://cdn.jsdelivr.net"]),
            ],
            "vanilla-cookieconsent's script and stylesheet from jsDelivr (or self-host them and drop these)",
        ),
        "klaro" => (
            &[
                ("script-src", &["https://cdn.kiprotect.com"]),
                ("style-src", &["'unsafe-inline'"]),
            ],
            "Klaro from its CDN; klaro.js injects its styles in a <style> element (klaro-no-css.js with klaro.min.css avoids 'unsafe-inline')",
        ),
        "cookiebot" => (
            &[
                ("script-src", &["https://consent.cookiebot.com", "https://consentcdn.cookiebot.com"]),
                ("connect-src", &["https://consent.cookiebot.com", "https://consentcdn.cookiebot.com"]),
                ("frame-src", &["https://consentcdn.cookiebot.com"]),
                ("img-src", &["https://imgsct.cookiebot.com"]),
                ("style-src", &["'unsafe-inline'"]),
            ],
            "Cookiebot (its European CDN: the same hosts ending in .eu)",
        ),
        "onetrust" => (
            &[
                ("script-src", &["https://cdn.cookielaw.org"]),
                ("connect-src", &["https://cdn.cookielaw.org", "https://geolocation.onetrust.com", "https://privacyportal.onetrust.com"]),
                ("img-src", &["https://cdn.cookielaw.org"]),
                ("style-src", &["'unsafe-inline'"]),
            ],
            "OneTrust's banner; OneTrust can use a nonce instead of 'unsafe-inline' for its styles",
        ),
        "usercentrics" => (
            &[
                ("script-src", &["https://*.usercentrics.eu"]),
                ("connect-src", &["https://*.usercentrics.eu"]),
                ("img-src", &["https://*.usercentrics.eu"]),
            ],
            "Usercentrics (its loader.js may also need 'unsafe-eval': Usercentrics' bundle.js does not)",
        ),
        _ => (&[], ""),
    }
}
