//! The consent-firewall loader (owned by the loader work; see templates/loader.js.hbs).
//!
//! One loader per policy and CMP: the core template, the one adapter for that CMP, and the
//! facade when the policy has one. The policy reaches the script only as `config`, encoded by
//! [`super::escape::js_json`]; every other byte comes from our own templates.

use std::fmt;

use handlebars::Handlebars;
use serde_json::{json, Map, Value};

use super::escape::{css_ident, css_string, js_json};

const CORE: &str = include_str!("../../templates/loader.js.hbs");
const FACADE: &str = include_str!("../../templates/facade.js.hbs");

/// Every CMP with an adapter: one list gives both the adapter templates
/// (`templates/adapters/<name>.js.hbs`, compiled in) and the names `known_cmps` returns. A new
/// CMP is one name here plus its template (see docs/loader.md, "Adding a CMP").
macro_rules! adapters {
    ($($name:literal),* $(,)?) => {
        const ADAPTERS: &[(&str, &str)] =
            &[$(($name, include_str!(concat!("../../templates/adapters/", $name, ".js.hbs")))),*];
        const KNOWN: &[&str] = &[$($name),*];
    };
}

adapters!(
    "cookieconsent",
    "klaro",
    "custom",
    "onetrust",
    "cookiebot",
    "usercentrics",
    "didomi",
    "tcf"
);

/// The CMPs a loader can be built for.
pub fn known_cmps() -> &'static [&'static str] {
    KNOWN
}

/// Why a loader could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoaderError {
    /// No adapter template exists for this CMP.
    UnknownCmp(String),
    /// The templates did not render (a bug in our templates, not in the policy).
    Template(String),
}

impl fmt::Display for LoaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoaderError::UnknownCmp(cmp) => {
                write!(f, "no loader adapter for CMP `{cmp}` (known: {})", KNOWN.join(", "))
            }
            LoaderError::Template(msg) => write!(f, "the loader template did not render: {msg}"),
        }
    }
}

impl std::error::Error for LoaderError {}

/// Renders the loader for `cmp` from the policy's loader `config` (the shape in
/// docs/loader.md; `tests/js/config.example.json` is an example).
pub fn render_loader(config: &Value, cmp: &str) -> Result<String, LoaderError> {
    let registry = registry().as_ref().map_err(|e| LoaderError::Template(e.clone()))?;
    let Some(polls) = registry.polls.get(cmp) else {
        return Err(LoaderError::UnknownCmp(cmp.to_owned()));
    };
    let view = js_view(config);
    let mut data = specialization(config, &view);
    data["poll"] = json!(polls);
    data["config"] = json!(js_json(&slots(&view)));
    registry
        .hb
        .render(&format!("loader-{cmp}"), &data)
        .map_err(|e| LoaderError::Template(e.to_string()))
}

/// The compiled templates, and for each CMP whether its adapter polls with `pl` (the core
/// defines `pl` only then).
struct Registry {
    hb: Handlebars<'static>,
    polls: std::collections::HashMap<&'static str, bool>,
}

/// One registry for every CMP, built once: a build renders thousands of loaders, and compiling
/// the templates each time was most of its time. Template `loader-<cmp>` is the core with that
/// CMP's adapter as its `adapter` partial.
fn registry() -> &'static Result<Registry, String> {
    static REGISTRY: std::sync::OnceLock<Result<Registry, String>> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.set_prevent_indent(true);
        let err = |e: handlebars::TemplateError| e.to_string();
        hb.register_partial("facade", compact(FACADE)).map_err(err)?;
        let core = compact(CORE);
        let mut polls = std::collections::HashMap::new();
        for (name, adapter) in ADAPTERS {
            let adapter = compact(adapter);
            polls.insert(*name, adapter.contains("pl("));
            hb.register_partial(&format!("adapter-{name}"), adapter).map_err(err)?;
            let loader = core.replace("{{> adapter}}", &format!("{{{{> adapter-{name}}}}}"));
            hb.register_template_string(&format!("loader-{name}"), loader)
                .map_err(err)?;
        }
        Ok(Registry { hb, polls })
    })
}

/// The flags the core template's `{{#if}}` blocks test: a policy's loader carries only the code
/// of the features it uses. Every flag is always present (the templates render in strict mode).
fn specialization(c: &Value, view: &Value) -> Value {
    let pages = view.get("g").is_some();
    let views = view.get("v").is_some();
    json!({
        "facade": view.get("y").is_some(),
        "interaction": c["load"] == "on_interaction",
        "pages": pages,
        "identity": view.get("i").is_some(),
        "attributes": view.get("t").is_some(),
        "views": views,
        "budget": view.get("u").is_some(),
        // Consent attributes change while the messenger runs only with another purpose.
        "multi": view["p"].as_object().is_some_and(|p| p.len() > 1),
        "behavioural": view["z"].as_array().is_some_and(|z| !z.is_empty()),
        // Single-page navigation matters only for `pages` and page views.
        "nav": pages || views,
        "gpc": view["p"].as_object().into_iter().flatten().any(|(_, level)| level.is_array()),
        "reload": c["on_withdraw"] == "reload",
    })
}

/// The config as the script reads it (docs/loader.md, "What the script receives"), keyed by
/// slot name (see [`SLOTS`]): the same facts, with everything that can be worked out before
/// the page runs worked out here, and nothing the script of this policy does not read, so the
/// script stays within its size budget. Leaves become the purposes each method needs (its
/// leaf's and those of every leaf it requires; a method whose leaf can never run is left out),
/// grouped by that set; page globs become anchored regular expressions; settings lists become
/// space-joined strings; the DOM ids and classes one selector. An optional slot is present only
/// when the policy uses its feature, and the flags follow from that ([`specialization`]).
fn js_view(c: &Value) -> Value {
    let leaves = c.get("leaves").and_then(Value::as_object);
    // The script splits needs at spaces and tells group keys apart by their first character:
    // a purpose name outside the policy language's `[a-z][a-z0-9_]*` turns its leaf off.
    let needs = |leaf: &Value| {
        leaf.as_str()
            .and_then(|l| leaf_needs(leaves, l, 0))
            .filter(|n| n.iter().all(|p| plain_name(p)))
    };
    let messenger = needs(&c["messenger"]);
    let settings = &c["settings"];
    let identity = messenger.as_ref().and(needs(&settings["identity_leaf"]));
    let attributes = messenger.as_ref().and(needs(&settings["attributes_leaf"]));
    let page_views = messenger.as_ref().and(needs(&settings["page_views_leaf"]));
    let purposes = purpose_levels(c);
    // The update budget keeps one `update` in reserve for a consent change; those happen while
    // the messenger runs only when another purpose than its own exists.
    let budget = page_views.is_some() || purposes.len() > 1;
    let mut view = json!({
        "k": format!("consentc:{}", c["policy"].as_str().unwrap_or_default()),
        "b": OWN_KEYS.iter().map(|k| ((*k).to_owned(), c[*k].clone())).collect::<Map<_, _>>(),
        "p": purposes,
        "z": behavioural_purposes(c),
        "m": messenger.as_ref().map_or(String::new(), |m| m.join(" ")),
        "f": method_groups(c, &needs, messenger.as_ref()),
        "s": settings_kinds(settings, identity.is_some(), attributes.is_some()),
        "c": c["cookie_prefix"],
        "l": c["storage_prefix"],
        "q": removal_selector(&c["dom"], &c["widget_src"]),
        "e": script_attrs(c),
        "x": {"p": object(&c["cmp"]["purposes"]), "o": object(&c["cmp"]["options"])},
    });
    if let Some(globs) = c.get("pages").and_then(Value::as_array) {
        view["g"] = json!(pages_regex(globs.iter().filter_map(Value::as_str)));
    }
    for (key, leaf) in [("i", identity), ("t", attributes), ("v", page_views)] {
        if let Some(purposes) = leaf {
            view[key] = json!(purposes.join(" "));
        }
    }
    if budget {
        view["u"] = update_budget(&c["update_limit"]);
    }
    if let Some(facade) = facade(c) {
        view["y"] = facade;
    }
    view
}

/// `[index, window_ms, debounce_ms]`: a page view or the page's own `update` is sent only while
/// the list of update times in the window has no entry at `index` (count - 2), so that one of
/// Intercom's `count` updates stays free for a consent change; the page-view debounce.
fn update_budget(limit: &Value) -> Value {
    let count = limit["count"].as_u64().unwrap_or(0);
    json!([count.saturating_sub(2), limit["window_ms"], limit["debounce_ms"]])
}

/// The boot keys the loader sets itself (the config has a value for each): the page cannot
/// override them, so the settings lists the script receives leave them out.
const OWN_KEYS: [&str; 2] = ["app_id", "api_base"];

/// A name the policy language allows for a purpose.
fn plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The widget script's attributes: the CMP's category attributes, and its `src`.
fn script_attrs(c: &Value) -> Value {
    let mut attrs = Map::new();
    attrs.insert("src".to_owned(), c["widget_src"].clone());
    for (name, value) in c["cmp"]["script_attrs"].as_object().into_iter().flatten() {
        if name != "src" {
            attrs.insert(name.clone(), value.clone());
        }
    }
    Value::Object(attrs)
}

fn object(v: &Value) -> Value {
    if v.is_object() {
        v.clone()
    } else {
        json!({})
    }
}

fn strings(v: &Value) -> impl Iterator<Item = &str> {
    v.as_array().into_iter().flatten().filter_map(Value::as_str)
}

/// What grants each purpose: 1 an affirmative grant (`consent`; `honor` under GPC), 2 any
/// answer without an objection (`legitimate_interest`, `contract`), 0 nothing (`strict` under
/// GPC). Pairs `[without GPC, with GPC]` only when GPC changes some purpose's level; the script
/// then reads GPC (the `gpc` flag), otherwise it never needs to.
fn purpose_levels(c: &Value) -> Map<String, Value> {
    let levels: Vec<(&String, u8, u8)> = c["purposes"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, p)| {
            let plain = if p["basis"] == "consent" { 1 } else { 2 };
            let gpc = match p["gpc"].as_str() {
                Some("honor") => 1,
                Some("strict") => 0,
                _ => plain,
            };
            (name, plain, gpc)
        })
        .collect();
    let gpc_matters = levels.iter().any(|(_, plain, gpc)| plain != gpc);
    levels
        .into_iter()
        .map(|(name, plain, gpc)| {
            let level = if gpc_matters { json!([plain, gpc]) } else { json!(plain) };
            (name.clone(), level)
        })
        .collect()
}

/// The purposes holding a behavioural leaf: while none is granted, `hide_notifications`.
fn behavioural_purposes(c: &Value) -> Vec<&str> {
    c["purposes"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, p)| p["behavioural"] == true)
        .map(|(name, _)| name.as_str())
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
    c: &Value,
    needs: &dyn Fn(&Value) -> Option<Vec<String>>,
    messenger: Option<&Vec<String>>,
) -> Map<String, Value> {
    let always: Vec<&str> = strings(&c["always_forward"]).collect();
    let callbacks: Vec<&str> = strings(&c["callbacks"]).collect();
    let mut keyed: Vec<(String, String)> = always.iter().map(|m| ((*m).to_owned(), String::new())).collect();
    let mut add = |method: &str, needs: &[String]| {
        let known = keyed.iter().any(|(name, _)| name == method);
        if known || method.contains(' ') {
            return;
        }
        let marker = if callbacks.contains(&method) { "+" } else { "" };
        keyed.push((method.to_owned(), format!("{marker}{}", needs.join(" "))));
    };
    for (name, leaf) in c["methods"].as_object().into_iter().flatten() {
        if let Some(needs) = needs(leaf) {
            add(name, &needs);
        }
    }
    if let Some(needs) = messenger {
        for cb in &callbacks {
            add(cb, needs);
        }
    }
    let mut groups = Map::new();
    for (method, key) in keyed {
        let members = groups.entry(key).or_insert_with(|| json!(""));
        let joined = match members.as_str() {
            Some("") | None => method,
            Some(m) => format!("{m} {method}"),
        };
        *members = json!(joined);
    }
    groups
}

/// The settings lists as `[messenger, identity, verification]`, each space-joined; the script
/// gives a key the kind 1, 2 or 3 by its list and treats any other key as custom data. Only
/// what the policy needs: without the identity leaf, identity and verification keys form one
/// list that is always blocked (needed only when custom data can pass); `app_id` and
/// `api_base` are the loader's own keys and never read from the page.
fn settings_kinds(settings: &Value, identity: bool, attributes: bool) -> Vec<String> {
    let verification: Vec<&str> = strings(&settings["verification"]).collect();
    let messenger = strings(&settings["messenger"])
        .filter(|k| !OWN_KEYS.contains(k))
        .collect::<Vec<_>>()
        .join(" ");
    let identity_keys = strings(&settings["identity"]).filter(|k| !verification.contains(k));
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
                .chain(verification.iter().copied())
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
fn removal_selector(dom: &Value, widget_src: &Value) -> String {
    let scripts = format!("script[src={}]", css_string(widget_src.as_str().unwrap_or_default()));
    strings(&dom["ids"])
        .map(|i| format!("#{}", css_ident(i)))
        .chain(strings(&dom["classes"]).map(|k| format!(".{}", css_ident(k))))
        .chain([scripts])
        .collect::<Vec<_>>()
        .join(",")
}

/// `[label, color, side]`, only with `load = on_interaction`: with `when_granted` there is no
/// request to wait for. The side is one of two words whatever the policy says.
fn facade(c: &Value) -> Option<Value> {
    let f = c
        .get("facade")
        .filter(|f| f.is_object() && c["load"] == "on_interaction")?;
    let side = if f["position"] == "left" { "left" } else { "right" };
    Some(json!([f["label"], f["color"], side]))
}

/// The view's keys in the order of the core template's parameter list (`[Cn,Cb,P,...]`): the
/// script receives the view as one array, so its keys cost nothing. A key the policy does not
/// use is 0 (or left off at the end).
const SLOTS: [&str; 18] = [
    "k", "b", "p", "z", "m", "f", "s", "c", "l", "q", "e", "x", "g", "i", "t", "v", "u", "y",
];

fn slots(view: &Value) -> Value {
    let mut values: Vec<Value> = SLOTS
        .iter()
        .map(|key| view.get(*key).cloned().unwrap_or(json!(0)))
        .collect();
    while values.last() == Some(&json!(0)) {
        values.pop();
    }
    Value::Array(values)
}

/// The purposes a leaf needs: its own and, recursively, those of the leaves it requires.
/// `None` when the leaf, or a leaf it requires, is off (absent or without a purpose).
fn leaf_needs(leaves: Option<&Map<String, Value>>, leaf: &str, depth: u8) -> Option<Vec<String>> {
    // The catalogue has no cycles; the bound only keeps a malformed config from looping.
    if depth > 16 {
        return None;
    }
    let entry = leaves?.get(leaf)?;
    let mut out = vec![entry.get("purpose")?.as_str()?.to_owned()];
    for req in entry["requires"].as_array().into_iter().flatten() {
        for p in leaf_needs(leaves, req.as_str()?, depth + 1)? {
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

/// Strips whole-line `//` comments, leading indentation and blank lines from one of our
/// templates. It runs on the template text before rendering, never on policy data, and is safe
/// because the templates keep to its rules: no line of a string starts with `//`, no
/// multi-line string or template literal.
fn compact(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    for line in template.lines() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compaction_drops_comment_lines_and_indentation_only() {
        let src = "// a comment\n  var a = \"x // y\";\n\n\t// another\n  b();\n";
        assert_eq!(compact(src), "var a = \"x // y\";\nb();\n");
    }

    #[test]
    fn the_adapters_are_the_catalogues_cmps() {
        let mut adapters: Vec<&str> = known_cmps().to_vec();
        let mut catalogue: Vec<&str> = crate::catalog::cmps::names().collect();
        adapters.sort_unstable();
        catalogue.sort_unstable();
        assert_eq!(
            adapters, catalogue,
            "a CMP the language accepts must have a loader, and back"
        );
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
        let leaves = json!({
            "m": {"purpose": "support", "requires": []},
            "t": {"purpose": "guidance", "requires": ["m"]},
            "off": {"purpose": null, "requires": ["m"]},
            "x": {"purpose": "guidance", "requires": ["off"]},
            "loop": {"purpose": "a", "requires": ["loop"]}
        });
        let l = leaves.as_object();
        assert_eq!(leaf_needs(l, "t", 0), Some(vec!["guidance".into(), "support".into()]));
        assert_eq!(leaf_needs(l, "off", 0), None);
        assert_eq!(leaf_needs(l, "x", 0), None);
        assert_eq!(leaf_needs(l, "missing", 0), None);
        assert_eq!(leaf_needs(l, "loop", 0), None);
    }

    /// The script splits method and settings lists at spaces: the catalogue's names have none.
    #[test]
    fn catalogue_names_have_no_spaces() {
        let vendor = crate::catalog::builtin().vendor("intercom").expect("intercom");
        let methods = vendor
            .leaves
            .iter()
            .enumerate()
            .flat_map(|(i, _)| vendor.leaf_feature(i).methods.clone());
        let names: Vec<String> = methods
            .chain(vendor.callbacks.iter().cloned())
            .chain(vendor.always_forward.iter().cloned())
            .chain(vendor.settings_messenger.iter().cloned())
            .chain(vendor.settings_identity.iter().cloned())
            .chain(vendor.settings_verification.iter().cloned())
            .collect();
        assert!(names.len() > 40);
        for name in names {
            assert!(!name.is_empty() && !name.chars().any(char::is_whitespace), "{name:?}");
        }
    }

    #[test]
    fn purpose_names_outside_the_language_turn_their_leaves_off() {
        let config = json!({
            "messenger": "m",
            "leaves": {"m": {"purpose": "a b", "requires": []}},
            "methods": {"show": "m"},
            "callbacks": ["onShow"],
            "always_forward": ["hide"],
        });
        let view = js_view(&config);
        assert_eq!(view["m"], json!(""));
        assert_eq!(view["f"], json!({"": "hide"}));
        assert!(plain_name("support_2") && !plain_name("Support") && !plain_name("") && !plain_name("2x"));
    }

    #[test]
    fn unknown_cmp_is_an_error() {
        let config = json!({"facade": null});
        assert_eq!(
            render_loader(&config, "nope"),
            Err(LoaderError::UnknownCmp("nope".into()))
        );
    }
}
