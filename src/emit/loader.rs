//! The consent-firewall loader (owned by the loader work; see templates/loader.js.hbs).
//!
//! One loader per policy and CMP: the core template, the one adapter for that CMP, and the
//! facade when the policy has one. The policy reaches the script only as `config`, encoded by
//! [`super::escape::js_json`]; every other byte comes from our own templates.

use std::fmt;

use handlebars::Handlebars;
use serde_json::{json, Map, Value};

use super::escape::js_json;

const CORE: &str = include_str!("../../templates/loader.js.hbs");
const FACADE: &str = include_str!("../../templates/facade.js.hbs");

/// Every CMP with an adapter, and its template. A new CMP is one line here plus its template
/// (see docs/loader.md, "Adding a CMP").
const ADAPTERS: &[(&str, &str)] = &[
    (
        "cookieconsent",
        include_str!("../../templates/adapters/cookieconsent.js.hbs"),
    ),
    ("klaro", include_str!("../../templates/adapters/klaro.js.hbs")),
    ("custom", include_str!("../../templates/adapters/custom.js.hbs")),
    ("onetrust", include_str!("../../templates/adapters/onetrust.js.hbs")),
    ("cookiebot", include_str!("../../templates/adapters/cookiebot.js.hbs")),
    (
        "usercentrics",
        include_str!("../../templates/adapters/usercentrics.js.hbs"),
    ),
    ("didomi", include_str!("../../templates/adapters/didomi.js.hbs")),
    ("tcf", include_str!("../../templates/adapters/tcf.js.hbs")),
];

const KNOWN: &[&str] = &[
    "cookieconsent",
    "klaro",
    "custom",
    "onetrust",
    "cookiebot",
    "usercentrics",
    "didomi",
    "tcf",
];

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
    if !ADAPTERS.iter().any(|(name, _)| *name == cmp) {
        return Err(LoaderError::UnknownCmp(cmp.to_owned()));
    }
    let hb = registry().as_ref().map_err(|e| LoaderError::Template(e.clone()))?;

    let view = js_view(config);
    let facade = view.get("facade").is_some();
    let data = json!({ "config": js_json(&view), "facade": facade });
    hb.render(&format!("loader-{cmp}"), &data)
        .map_err(|e| LoaderError::Template(e.to_string()))
}

/// One registry for every CMP, built once: a build renders thousands of loaders, and compiling
/// the templates each time was most of its time. Template `loader-<cmp>` is the core with that
/// CMP's adapter as its `adapter` partial.
fn registry() -> &'static Result<Handlebars<'static>, String> {
    static REGISTRY: std::sync::OnceLock<Result<Handlebars<'static>, String>> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.set_prevent_indent(true);
        let err = |e: handlebars::TemplateError| e.to_string();
        hb.register_partial("facade", compact(FACADE)).map_err(err)?;
        let core = compact(CORE);
        for (name, adapter) in ADAPTERS {
            hb.register_partial(&format!("adapter-{name}"), compact(adapter))
                .map_err(err)?;
            let loader = core.replace("{{> adapter}}", &format!("{{{{> adapter-{name}}}}}"));
            hb.register_template_string(&format!("loader-{name}"), loader)
                .map_err(err)?;
        }
        Ok(hb)
    })
}

/// The config as the script reads it (docs/loader.md, "What the script receives"): the same
/// facts, with everything that can be worked out before the page runs worked out here, so the
/// script stays within its size budget. Leaves become the list of purposes each method needs
/// (its leaf's purpose and those of every leaf it requires; a method whose leaf can never run
/// is left out), page globs become anchored regular expressions, settings lists become one
/// key -> kind map, the DOM ids and classes one selector. The CMP block passes unchanged: it is
/// the adapter's `cmp`.
fn js_view(c: &Value) -> Value {
    let leaves = c.get("leaves").and_then(Value::as_object);
    let needs = |leaf: &Value| -> Value {
        leaf.as_str()
            .and_then(|l| leaf_needs(leaves, l, 0))
            .map_or(json!(0), |v| json!(v))
    };
    let mut methods = Map::new();
    if let Some(m) = c.get("methods").and_then(Value::as_object) {
        for (name, leaf) in m {
            let n = needs(leaf);
            if n != json!(0) {
                methods.insert(name.clone(), n);
            }
        }
    }
    let messenger = needs(&c["messenger"]);
    // A callback with no method of its own belongs to the messenger.
    for cb in c["callbacks"].as_array().into_iter().flatten() {
        if let Some(name) = cb.as_str() {
            if !methods.contains_key(name) && messenger != json!(0) {
                methods.insert(name.to_owned(), messenger.clone());
            }
        }
    }
    let purposes: Map<String, Value> = c["purposes"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, p)| {
            // What grants the purpose, without and with a GPC signal: 1 an affirmative grant
            // (`consent`; `honor` under GPC), 2 any answer without an objection
            // (`legitimate_interest`, `contract`), 0 nothing (`strict` under GPC).
            let plain = if p["basis"] == "consent" { 1 } else { 2 };
            let gpc = match p["gpc"].as_str() {
                Some("honor") => 1,
                Some("strict") => 0,
                _ => plain,
            };
            let behavioural = u8::from(p["behavioural"] == true);
            (name.clone(), json!([plain, gpc, behavioural]))
        })
        .collect();
    let settings = &c["settings"];
    let mut kinds = Map::new();
    for (list, kind) in [("messenger", 1), ("identity", 2), ("verification", 3)] {
        for key in settings[list].as_array().into_iter().flatten() {
            if let Some(k) = key.as_str() {
                kinds.insert(k.to_owned(), json!(kind));
            }
        }
    }
    let pages = match c.get("pages").and_then(Value::as_array) {
        Some(globs) => json!(globs
            .iter()
            .filter_map(Value::as_str)
            .map(glob_regex)
            .collect::<Vec<_>>()),
        None => Value::Null,
    };
    let dom = &c["dom"];
    let selector: Vec<String> = dom["ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|i| format!("#{}", css_ident(i)))
        .chain(
            dom["classes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|k| format!(".{}", css_ident(k))),
        )
        .collect();
    let limit = &c["update_limit"];
    let list = |v: &Value| if v.is_array() { v.clone() } else { json!([]) };
    let mut cmp = c["cmp"].clone();
    if !cmp.is_object() {
        cmp = json!({});
    }
    for key in ["purposes", "options", "script_attrs"] {
        if !cmp[key].is_object() {
            cmp[key] = json!({});
        }
    }
    let mut view = json!({
        "k": format!("consentc:{}", c["policy"].as_str().unwrap_or_default()),
        "b": {"app_id": c["app_id"], "api_base": c["api_base"]},
        "w": c["widget_src"],
        "o": u8::from(c["load"] == "on_interaction"),
        "g": pages,
        "r": u8::from(c["on_withdraw"] == "reload"),
        "p": purposes,
        "m": messenger,
        "f": methods,
        "a": list(&c["always_forward"]),
        "h": list(&c["callbacks"]),
        "s": kinds,
        "i": needs(&settings["identity_leaf"]),
        "t": needs(&settings["attributes_leaf"]),
        "v": needs(&settings["page_views_leaf"]),
        "u": [limit["count"], limit["window_ms"], limit["debounce_ms"]],
        "c": c["cookie_prefix"],
        "l": c["storage_prefix"],
        // Every script element too: the loader removes those whose src is the widget's (a CMP may
        // have re-inserted a copy of the one the loader injected).
        "q": selector.into_iter().chain(["script".to_owned()]).collect::<Vec<_>>().join(","),
        "cmp": cmp,
    });
    // The facade is drawn only for `load = on_interaction`: with `when_granted` there is no
    // request to wait for.
    if c["load"] == "on_interaction" && c.get("facade").is_some_and(|f| !f.is_null()) {
        view["facade"] = c["facade"].clone();
    }
    view
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

/// An id or class name as a CSS identifier (catalogue names are plain; this keeps them so).
fn css_ident(name: &str) -> String {
    let mut out = String::new();
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() || ch == '-' || ch == '_' || !ch.is_ascii() {
            out.push(ch);
        } else {
            out.push_str(&format!("\\{:x} ", u32::from(ch)));
        }
    }
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
    fn every_known_cmp_has_an_adapter() {
        for cmp in known_cmps() {
            assert!(ADAPTERS.iter().any(|(name, _)| name == cmp), "{cmp}");
        }
        assert_eq!(ADAPTERS.len(), KNOWN.len());
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

    #[test]
    fn css_idents_are_escaped() {
        assert_eq!(css_ident("intercom-frame"), "intercom-frame");
        assert_eq!(css_ident("a\"b"), "a\\22 b");
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
