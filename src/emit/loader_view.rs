//! What the loader's script receives: the policy's [`LoaderConfig`] worked out as far as it can
//! be before the page runs, with nothing the script of this policy does not read, so the script
//! stays within its size budget. The script receives it as one JSON array (its slots cost no
//! key names); [`LoaderView`] declares the slots once, and the script's parameter list is
//! generated from the same declaration, so the two cannot disagree.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use super::config::{LoaderConfig, SettingsConfig, UpdateLimit};
use super::escape::{css_ident, css_string};
use crate::check::model::{Basis, CmpOptionValue, CmpValue, Gpc, Load, OnWithdraw, Position};

/// Declares the view's slots: the struct, and the script's names for them in the same order. A
/// slot marked `if <feature>` is present exactly when that feature is on (a unit test holds
/// the view to it), and a script without the feature does not name it.
macro_rules! slots {
    ($( $(#[$doc:meta])* $field:ident $(if $feature:ident)?: $ty:ty, )*) => {
        /// The script's view of one policy and one CMP (docs/loader.md, "What the script
        /// receives"). An optional slot is present only when the policy uses its feature.
        #[derive(Debug, Clone, PartialEq)]
        pub struct LoaderView {
            $( $(#[$doc])* pub $field: $ty, )*
        }

        /// The slots' names, in order.
        pub const SLOT_NAMES: &[&str] = &[$(stringify!($field)),*];

        impl LoaderView {
            /// The slots as the script receives them: an absent one is 0, trailing ones left off.
            pub fn to_json(&self) -> Value {
                let mut values = vec![$(slot(&self.$field)),*];
                while values.last() == Some(&Value::from(0)) {
                    values.pop();
                }
                Value::Array(values)
            }
        }

        /// The script's parameter list for a set of features: the slots' names in camelCase,
        /// a slot of a feature that is off left unnamed (`[a, , c]`), trailing ones left off.
        pub fn parameter_list(features: &Features) -> String {
            let _ = features;
            let mut names = vec![$( {
                let named = true $(&& features.$feature)?;
                if named { camel_case(stringify!($field)) } else { String::new() }
            } ),*];
            while names.last().is_some_and(String::is_empty) {
                names.pop();
            }
            names.join(", ")
        }
    };
}

slots! {
    /// `consentc:<policy>`: the session key of the visitor's request and the BroadcastChannel.
    policy_key: String,
    /// The boot keys the loader sets itself; the page cannot override them.
    own_settings: OwnSettings,
    /// Purpose -> level (see [`Level`]).
    purpose_levels: IndexMap<String, Level>,
    /// The purposes holding a behavioural leaf: while none is granted, `hide_notifications`.
    behavioural_purposes: Vec<String>,
    /// The purposes the messenger needs, space-joined; "" when it is off.
    messenger_needs: String,
    /// Needs -> the methods needing them, space-joined (see [`method_groups`]).
    method_groups: IndexMap<String, String>,
    /// The settings lists `[messenger, identity, verification]`, space-joined (see
    /// [`setting_lists`]).
    setting_lists: Vec<String>,
    cookie_prefix: String,
    storage_prefix: String,
    /// Every element withdrawal removes, as one CSS selector.
    removal_selector: String,
    /// The widget script's attributes: `src` first, then the CMP's category attribute.
    widget_script_attributes: IndexMap<String, String>,
    /// Purpose -> what the CMP calls it (the adapter's `values`).
    cmp_values: IndexMap<String, CmpValue>,
    /// The `cmp` block's options (the adapter's `options`); absent when there are none.
    cmp_options: Option<IndexMap<String, CmpOptionValue>>,
    /// The policy's pages as one anchored regular expression over `location.pathname`.
    pages_pattern if pages: Option<String>,
    /// The purposes identity, custom data and page views need, space-joined.
    identity_needs if identity: Option<String>,
    attributes_needs if attributes: Option<String>,
    page_view_needs if views: Option<String>,
    /// `[index a page's update may not find taken, window ms, page-view debounce ms]`.
    update_budget if budget: Option<[u64; 3]>,
    /// `[[[tag, label], ...], color, side]`.
    facade_look if facade: Option<FacadeLook>,
}

fn slot<T: Serialize>(value: &T) -> Value {
    match serde_json::to_value(value) {
        Ok(Value::Null) | Err(_) => Value::from(0),
        Ok(v) => v,
    }
}

fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for ch in name.chars() {
        if ch == '_' {
            upper = true;
        } else if upper {
            out.push(ch.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnSettings {
    pub app_id: String,
    pub api_base: Option<String>,
}

/// The methods the firewall answers itself (the core's protocol code: `boot` and `update` merge
/// and filter settings, `shutdown` is always forwarded): naming them in a group would only ship
/// bytes.
const HANDLED_BY_THE_FIREWALL: [&str; 3] = ["boot", "update", "shutdown"];

/// The boot keys the loader sets itself: the settings lists the script receives leave them out.
const OWN_KEYS: [&str; 2] = ["app_id", "api_base"];

/// What grants a purpose once the CMP has answered: 1 an affirmative grant (`consent`), 2 any
/// answer without an objection (`legitimate_interest`), 3 any answer at all (`contract`: no
/// right to object, Art. 21 covers (e) and (f) only), 0 nothing (`strict` under GPC), 4 a grant
/// the visitor gave while the signal was on (`honor` under GPC). `[without GPC, with GPC]` only
/// when GPC changes some purpose's level; the script then reads GPC, otherwise it never needs to.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Level {
    Plain(u8),
    WithGpc([u8; 2]),
}

/// Which parts of the loader a policy needs: the template's feature switches, and, with the
/// CMP, the key of the minified-code cache (src/emit/loader.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Features {
    pub facade: bool,
    pub interaction: bool,
    pub pages: bool,
    pub identity: bool,
    pub attributes: bool,
    pub views: bool,
    pub budget: bool,
    pub multi: bool,
    pub behavioural: bool,
    pub nav: bool,
    pub gpc: bool,
    /// Some purpose has `gpc = honor`: the grants given under the signal are recorded.
    pub honor: bool,
    pub reload: bool,
}

impl LoaderView {
    /// The view of `config`: leaves become the purposes each method needs (its leaf's and those
    /// of every leaf it requires; a method whose leaf can never run is left out), grouped by
    /// that set; page globs become one regular expression; settings lists space-joined strings;
    /// the DOM ids and classes one selector.
    pub fn new(c: &LoaderConfig) -> LoaderView {
        // The script splits needs at spaces and tells group keys apart by their first
        // character: a purpose name outside the policy language's `[a-z][a-z0-9_]*` turns its
        // leaf off.
        let needs = |leaf: &str| leaf_needs(c, leaf, 0).filter(|n| n.iter().all(|p| plain_name(p)));
        let messenger = needs(&c.messenger);
        let settings = &c.settings;
        let with_messenger = |leaf: &str| messenger.as_ref().and(needs(leaf));
        let identity = with_messenger(&settings.identity_leaf);
        let attributes = with_messenger(&settings.attributes_leaf);
        let page_views = with_messenger(&settings.page_views_leaf);
        let purpose_levels = purpose_levels(c);
        // The update budget keeps one `update` in reserve for a consent change; those happen
        // while the messenger runs only when another purpose than its own exists.
        let budget = page_views.is_some() || purpose_levels.len() > 1;
        LoaderView {
            policy_key: format!("consentc:{}", c.policy),
            own_settings: OwnSettings {
                app_id: c.app_id.clone(),
                api_base: c.api_base.clone(),
            },
            purpose_levels,
            behavioural_purposes: c
                .purposes
                .iter()
                .filter(|(_, p)| p.behavioural)
                .map(|(name, _)| name.clone())
                .collect(),
            messenger_needs: messenger.as_ref().map_or(String::new(), |m| m.join(" ")),
            method_groups: method_groups(c, &needs, messenger.as_ref()),
            setting_lists: setting_lists(settings, identity.is_some(), attributes.is_some()),
            cookie_prefix: c.cookie_prefix.clone(),
            storage_prefix: c.storage_prefix.clone(),
            removal_selector: removal_selector(c),
            widget_script_attributes: script_attributes(c),
            cmp_values: c.cmp.purposes.clone(),
            cmp_options: Some(c.cmp.options.clone()).filter(|o| !o.is_empty()),
            pages_pattern: c
                .pages
                .as_ref()
                .map(|globs| pages_regex(globs.iter().map(String::as_str))),
            identity_needs: identity.map(|p| p.join(" ")),
            attributes_needs: attributes.map(|p| p.join(" ")),
            page_view_needs: page_views.map(|p| p.join(" ")),
            update_budget: budget.then(|| update_budget(&c.update_limit)),
            facade_look: facade_look(c),
        }
    }

    /// The feature switches this view needs (`load` and `on_withdraw` come from the config).
    pub fn features(&self, c: &LoaderConfig) -> Features {
        let pages = self.pages_pattern.is_some();
        let views = self.page_view_needs.is_some();
        Features {
            facade: self.facade_look.is_some(),
            interaction: c.load == Load::OnInteraction,
            pages,
            identity: self.identity_needs.is_some(),
            attributes: self.attributes_needs.is_some(),
            views,
            budget: self.update_budget.is_some(),
            // Consent attributes change while the messenger runs only with another purpose.
            multi: self.purpose_levels.len() > 1,
            behavioural: !self.behavioural_purposes.is_empty(),
            // Single-page navigation matters only for `pages` and page views.
            nav: pages || views,
            gpc: self.purpose_levels.values().any(|l| matches!(l, Level::WithGpc(_))),
            honor: self
                .purpose_levels
                .values()
                .any(|l| matches!(l, Level::WithGpc([_, HONOR_UNDER_GPC]))),
            reload: c.on_withdraw == OnWithdraw::Reload,
        }
    }
}

/// `[index, window_ms, debounce_ms]`: a page view or the page's own `update` is sent only while
/// the list of update times in the window has no entry at `index` (count - 2), so that one of
/// Intercom's `count` updates stays free for a consent change; the page-view debounce.
fn update_budget(limit: &UpdateLimit) -> [u64; 3] {
    [
        u64::from(limit.count.saturating_sub(2)),
        limit.window_ms,
        limit.debounce_ms,
    ]
}

/// A name the policy language allows for a purpose.
fn plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The widget script's attributes: its `src`, then the CMP's category attributes.
fn script_attributes(c: &LoaderConfig) -> IndexMap<String, String> {
    let mut attrs = IndexMap::new();
    attrs.insert("src".to_owned(), c.widget_src.clone());
    for (name, value) in &c.cmp.script_attrs {
        if name != "src" {
            attrs.insert(name.clone(), value.clone());
        }
    }
    attrs
}

/// The level of `gpc = honor` while the signal is on (see [`Level`]).
const HONOR_UNDER_GPC: u8 = 4;

fn purpose_levels(c: &LoaderConfig) -> IndexMap<String, Level> {
    let levels: Vec<(&String, u8, u8)> = c
        .purposes
        .iter()
        .map(|(name, p)| {
            let plain = match p.basis {
                Basis::Consent => 1,
                Basis::LegitimateInterest => 2,
                Basis::Contract => 3,
            };
            let gpc = match p.gpc {
                Gpc::Honor => HONOR_UNDER_GPC,
                Gpc::Strict => 0,
                Gpc::Ignore => plain,
            };
            (name, plain, gpc)
        })
        .collect();
    let gpc_matters = levels.iter().any(|(_, plain, gpc)| plain != gpc);
    levels
        .into_iter()
        .map(|(name, plain, gpc)| {
            let level = if gpc_matters {
                Level::WithGpc([plain, gpc])
            } else {
                Level::Plain(plain)
            };
            (name.clone(), level)
        })
        .collect()
}

/// The methods the firewall knows, grouped by what they need: `{"<key>": "<methods,
/// space-joined>"}`. The key is the purposes a method needs, space-joined (its leaf's and those
/// of every leaf it requires), prefixed with `+` for a callback (kept and registered again
/// after every boot); the empty key holds the methods always forwarded. A method whose leaf is
/// off is left out, so the firewall drops it; a callback without a method of its own belongs
/// to the messenger. A name with a space could not be told apart once joined: it is left out
/// too, which fails closed (the catalogue and the policy language have none).
fn method_groups(
    c: &LoaderConfig,
    needs: &dyn Fn(&str) -> Option<Vec<String>>,
    messenger: Option<&Vec<String>>,
) -> IndexMap<String, String> {
    let handled = |method: &str| HANDLED_BY_THE_FIREWALL.contains(&method);
    let mut keyed: Vec<(String, String)> = c
        .always_forward
        .iter()
        .filter(|m| !handled(m))
        .map(|m| (m.clone(), String::new()))
        .collect();
    let mut add = |method: &str, needs: &[String]| {
        let known = keyed.iter().any(|(name, _)| name == method);
        if known || handled(method) || method.contains(' ') {
            return;
        }
        let marker = if c.callbacks.iter().any(|cb| cb == method) {
            "+"
        } else {
            ""
        };
        keyed.push((method.to_owned(), format!("{marker}{}", needs.join(" "))));
    };
    for (name, leaf) in &c.methods {
        if let Some(needs) = needs(leaf) {
            add(name, &needs);
        }
    }
    if let Some(needs) = messenger {
        for cb in &c.callbacks {
            add(cb, needs);
        }
    }
    let mut groups: IndexMap<String, String> = IndexMap::new();
    for (method, key) in keyed {
        let members = groups.entry(key).or_default();
        if !members.is_empty() {
            members.push(' ');
        }
        members.push_str(&method);
    }
    groups
}

/// The settings lists as `[messenger, identity, verification]`, each space-joined; the script
/// gives a key the kind 1, 2 or 3 by its list and treats any other key as custom data. Only
/// what the policy needs: without the identity leaf, identity and verification keys form one
/// list that is always blocked (needed only when custom data can pass); `app_id` and
/// `api_base` are the loader's own keys and never read from the page.
fn setting_lists(settings: &SettingsConfig, identity: bool, attributes: bool) -> Vec<String> {
    let verification = &settings.verification;
    let messenger = settings
        .messenger
        .iter()
        .filter(|k| !OWN_KEYS.contains(&k.as_str()))
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let identity_keys = settings.identity.iter().filter(|k| !verification.contains(k)).cloned();
    if identity {
        vec![
            messenger,
            identity_keys.collect::<Vec<_>>().join(" "),
            verification.join(" "),
        ]
    } else if attributes {
        vec![
            messenger,
            identity_keys
                .chain(verification.iter().cloned())
                .collect::<Vec<_>>()
                .join(" "),
        ]
    } else {
        vec![messenger]
    }
}

/// Every element withdrawal removes, as one selector: the widget's DOM ids and classes, and
/// every script element whose `src` is the widget's (the one the loader injected, and any copy
/// a CMP re-inserted).
fn removal_selector(c: &LoaderConfig) -> String {
    let scripts = format!("script[src={}]", css_string(&c.widget_src));
    c.dom
        .ids
        .iter()
        .map(|i| format!("#{}", css_ident(i)))
        .chain(c.dom.classes.iter().map(|k| format!(".{}", css_ident(k))))
        .chain([scripts])
        .collect::<Vec<_>>()
        .join(",")
}

/// The facade as the script takes it: `[tag, label]` per language (the default first), the
/// colour, and the side.
pub type FacadeLook = (Vec<(String, String)>, String, &'static str);

/// `[labels, color, side]`, only with `load = on_interaction`: with `when_granted` there is no
/// request to wait for. The side is one of two words whatever the policy says.
fn facade_look(c: &LoaderConfig) -> Option<FacadeLook> {
    let f = c.facade.as_ref().filter(|_| c.load == Load::OnInteraction)?;
    let side = if f.position == Position::Left { "left" } else { "right" };
    Some((f.labels.clone(), f.color.clone(), side))
}

/// The purposes a leaf needs: its own and, recursively, those of the leaves it requires.
/// `None` when the leaf, or a leaf it requires, is off (absent or without a purpose).
fn leaf_needs(c: &LoaderConfig, leaf: &str, depth: u8) -> Option<Vec<String>> {
    // The catalogue has no cycles; the bound only keeps a malformed config from looping.
    if depth > 16 {
        return None;
    }
    let entry = c.leaves.get(leaf)?;
    let mut out = vec![entry.purpose.clone()?];
    for required in &entry.requires {
        for p in leaf_needs(c, required, depth + 1)? {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    Some(out)
}

/// The policy's pages as one anchored regular expression over `location.pathname`: the globs'
/// expressions as alternatives (none: nothing matches, a path is never empty).
fn pages_regex<'a>(globs: impl Iterator<Item = &'a str>) -> String {
    let bodies: Vec<String> = globs
        .map(|g| {
            let anchored = glob_regex(g);
            anchored[1..anchored.len() - 1].to_owned()
        })
        .collect();
    format!("^(?:{})$", bodies.join("|"))
}

/// A page glob as an anchored regular expression over `location.pathname`: `*` is any run of
/// characters within one path segment, `**` any run across segments, a trailing `/**` also
/// matches the directory itself (`/app/**` matches `/app`), and `/**/` matches one `/` too.
/// Every other character is literal.
fn glob_regex(glob: &str) -> String {
    let (body, tail) = match glob.strip_suffix("/**") {
        Some(b) => (b, "(/.*)?"),
        None => (glob, ""),
    };
    let mut out = String::from("^");
    let mut rest = body;
    while let Some(ch) = rest.chars().next() {
        if let Some(r) = rest.strip_prefix("/**/") {
            out.push_str("/(.*/)?");
            rest = r;
        } else if let Some(r) = rest.strip_prefix("**") {
            out.push_str(".*");
            rest = r;
        } else {
            if ch == '*' {
                out.push_str("[^/]*");
            } else {
                if "\\.+?()[]{}|^$".contains(ch) {
                    out.push('\\');
                }
                out.push(ch);
            }
            rest = &rest[ch.len_utf8()..];
        }
    }
    out.push_str(tail);
    out.push('$');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn example() -> LoaderConfig {
        serde_json::from_str(include_str!("../../tests/js/config.example.json")).expect("example config")
    }

    #[test]
    fn page_globs() {
        assert_eq!(glob_regex("/app/**"), "^/app(/.*)?$");
        assert_eq!(glob_regex("/help/*"), "^/help/[^/]*$");
        assert_eq!(glob_regex("/a/**/b.html"), "^/a/(.*/)?b\\.html$");
        assert_eq!(glob_regex("/x**"), "^/x.*$");
        assert_eq!(glob_regex("/(a)+[b]?"), "^/\\(a\\)\\+\\[b\\]\\?$");
    }

    #[test]
    fn pages_are_one_expression() {
        assert_eq!(
            pages_regex(["/app/**", "/help/*"].into_iter()),
            "^(?:/app(/.*)?|/help/[^/]*)$"
        );
        assert_eq!(pages_regex([].into_iter()), "^(?:)$");
    }

    #[test]
    fn leaf_needs_follow_requirements_and_stop_at_off_leaves() {
        let mut c = example();
        c.leaves = serde_json::from_value(json!({
            "m": {"purpose": "support", "requires": []},
            "t": {"purpose": "guidance", "requires": ["m"]},
            "off": {"purpose": null, "requires": ["m"]},
            "x": {"purpose": "guidance", "requires": ["off"]},
            "loop": {"purpose": "a", "requires": ["loop"]}
        }))
        .expect("leaves");
        assert_eq!(leaf_needs(&c, "t", 0), Some(vec!["guidance".into(), "support".into()]));
        assert_eq!(leaf_needs(&c, "off", 0), None);
        assert_eq!(leaf_needs(&c, "x", 0), None);
        assert_eq!(leaf_needs(&c, "missing", 0), None);
        assert_eq!(leaf_needs(&c, "loop", 0), None);
    }

    #[test]
    fn purpose_names_outside_the_language_turn_their_leaves_off() {
        let mut c = example();
        c.leaves =
            serde_json::from_value(json!({"intercom.messenger": {"purpose": "a b", "requires": []}})).expect("leaves");
        c.methods = serde_json::from_value(json!({"show": "intercom.messenger"})).expect("methods");
        c.callbacks = vec!["onShow".into()];
        c.always_forward = vec!["hide".into()];
        let view = LoaderView::new(&c);
        assert_eq!(view.messenger_needs, "");
        assert_eq!(view.method_groups, IndexMap::from([(String::new(), "hide".to_owned())]));
        assert!(plain_name("support_2") && !plain_name("Support") && !plain_name("") && !plain_name("2x"));
    }

    #[test]
    fn slots_are_the_struct_in_order_and_absent_ones_are_zero() {
        let mut c = example();
        c.facade = None;
        let view = LoaderView::new(&c);
        let slots = view.to_json();
        let slots = slots.as_array().expect("array");
        assert_eq!(slots[0], json!("consentc:acme_app"));
        assert_eq!(
            slots[SLOT_NAMES.iter().position(|s| *s == "cmp_options").expect("slot")],
            json!(0)
        );
        assert_eq!(
            slots.len(),
            SLOT_NAMES.len() - 1,
            "the absent facade at the end is left off"
        );
        let features = view.features(&c);
        let names = parameter_list(&features);
        assert!(names.starts_with("policyKey, ownSettings, purposeLevels,"), "{names}");
        assert!(
            names.ends_with("pagesPattern, , attributesNeeds, pageViewNeeds, updateBudget"),
            "{names}"
        );
    }

    /// A slot marked with a feature is present exactly when the feature is on: the script of a
    /// policy without the feature does not name the slot.
    #[test]
    fn optional_slots_follow_their_features() {
        let mut c = example();
        for (identity, facade, pages) in [(None, None, None), (Some("support"), c.facade.clone(), c.pages.clone())] {
            c.leaves.get_mut("intercom.identity").expect("leaf").purpose = identity.map(str::to_owned);
            c.facade = facade;
            c.pages = pages;
            let view = LoaderView::new(&c);
            let f = view.features(&c);
            assert_eq!(view.pages_pattern.is_some(), f.pages);
            assert_eq!(view.identity_needs.is_some(), f.identity);
            assert_eq!(view.attributes_needs.is_some(), f.attributes);
            assert_eq!(view.page_view_needs.is_some(), f.views);
            assert_eq!(view.update_budget.is_some(), f.budget);
            assert_eq!(view.facade_look.is_some(), f.facade);
            assert_eq!(parameter_list(&f).contains("identityNeeds"), identity.is_some());
            assert_eq!(parameter_list(&f).contains("facadeLook"), f.facade);
        }
    }

    #[test]
    fn features_follow_the_view() {
        let c = example();
        let features = LoaderView::new(&c).features(&c);
        assert!(features.facade && features.interaction && features.pages && features.multi);
        assert!(features.views && features.budget && features.nav && features.behavioural);
        // `honor` on a consent purpose still changes it under GPC: a grant from before the signal
        // no longer counts, so the script reads the signal and records grants.
        assert!(features.gpc && features.honor && !features.identity && !features.reload);
    }
}
