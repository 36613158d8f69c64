//! The consent-firewall loader: one script per policy and CMP (docs/loader.md).
//!
//! The script's source is readable JavaScript in `templates/loader/` (the core, one partial per
//! concern) and `templates/adapters/<cmp>.js.hbs` (one CMP each). A loader is made in three
//! steps: the policy's [`LoaderView`] and the [`Features`] it needs; the source for that CMP and
//! those features, rendered and minified once per combination (a build of thousands of
//! policies minifies a handful of times); the view, encoded by [`super::escape::js_json`],
//! placed where the source says `CONSENTC_CONFIG`. The policy reaches the script only there;
//! every other byte comes from our templates, through the minifier.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use handlebars::Handlebars;
use serde::{Deserialize as _, Serialize};
use serde_json::Value;

use super::config::LoaderConfig;
use super::escape::js_json;
use super::loader_view::{parameter_list, Features, LoaderView};
use super::minify::{minify, Names};

const CORE: &str = include_str!("../../templates/loader/loader.js.hbs");

/// The core's parts, each a partial of the same name (`{{> consent}}`), in the order the core
/// includes them.
const PARTS: &[(&str, &str)] = &[
    ("consent", include_str!("../../templates/loader/consent.js.hbs")),
    ("settings", include_str!("../../templates/loader/settings.js.hbs")),
    ("widget", include_str!("../../templates/loader/widget.js.hbs")),
    ("cleanup", include_str!("../../templates/loader/cleanup.js.hbs")),
    ("apply", include_str!("../../templates/loader/apply.js.hbs")),
    ("firewall", include_str!("../../templates/loader/firewall.js.hbs")),
    ("navigation", include_str!("../../templates/loader/navigation.js.hbs")),
    ("facade", include_str!("../../templates/loader/facade.js.hbs")),
];

/// Where the policy's data goes: a name the source uses once and the minifier keeps (a global
/// it cannot rename).
const PLACEHOLDER: &str = "CONSENTC_CONFIG";

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
    "tcf",
    "consent_mode"
);

/// The CMPs a loader can be built for.
pub fn known_cmps() -> &'static [&'static str] {
    KNOWN
}

/// Why a loader could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoaderError {
    /// No adapter template exists for this CMP.
    UnknownCmp(String),
    /// The JSON config does not have the loader config's shape.
    Config(String),
    /// The templates did not render or minify (a bug in our templates, not in the policy).
    Template(String),
}

impl fmt::Display for LoaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoaderError::UnknownCmp(cmp) => {
                write!(f, "no loader adapter for CMP `{cmp}` (known: {})", KNOWN.join(", "))
            }
            LoaderError::Config(msg) => write!(f, "the loader config is not valid: {msg}"),
            LoaderError::Template(msg) => write!(f, "the loader template did not render: {msg}"),
        }
    }
}

impl std::error::Error for LoaderError {}

/// Renders the loader for `cmp` from a loader config given as JSON (the shape of
/// [`LoaderConfig`]; `tests/js/config.example.json` is an example). Unknown fields are refused.
pub fn render_loader(config: &Value, cmp: &str) -> Result<String, LoaderError> {
    let config = LoaderConfig::deserialize(config).map_err(|e| LoaderError::Config(e.to_string()))?;
    render(&config, cmp)
}

/// Renders the loader for `cmp` from the policy's loader config.
pub fn render(config: &LoaderConfig, cmp: &str) -> Result<String, LoaderError> {
    let view = LoaderView::new(config);
    let features = view.features(config);
    let code = minified(cmp, features)?;
    let data = js_json(&view.to_json());
    let mut out = String::with_capacity(code.before.len() + data.len() + code.after.len());
    out.push_str(&code.before);
    out.push_str(&data);
    out.push_str(&code.after);
    Ok(out)
}

/// The loader for `cmp` as it ships, but with our own names instead of the mangler's: which
/// code a policy's loader carries, readable (tests/loader_js.rs checks the feature switches
/// with it). Not cached: for review and tests, not builds.
pub fn render_unmangled(config: &Value, cmp: &str) -> Result<String, LoaderError> {
    let config = LoaderConfig::deserialize(config).map_err(|e| LoaderError::Config(e.to_string()))?;
    let view = LoaderView::new(&config);
    let source = render_source(cmp, view.features(&config))?;
    let code = minify(&source, Names::Kept).map_err(LoaderError::Template)?;
    Ok(code.replacen(PLACEHOLDER, &js_json(&view.to_json()), 1))
}

/// One minified loader without its data: the code before and after the placeholder.
struct Minified {
    before: String,
    after: String,
}

type Cache = Mutex<HashMap<(String, Features), Arc<Minified>>>;

/// The minified source for a CMP and a set of features, made once per process. The cache
/// holds at most one entry per CMP and combination of features (a few thousand at worst).
fn minified(cmp: &str, features: Features) -> Result<Arc<Minified>, LoaderError> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    let key = (cmp.to_owned(), features);
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(hit);
    }
    // Made outside the lock: two threads may both make the same entry, with the same bytes.
    let source = render_source(cmp, features)?;
    let code = minify(&source, Names::Mangled).map_err(LoaderError::Template)?;
    let Some((before, after)) = code.split_once(PLACEHOLDER) else {
        return Err(LoaderError::Template(format!(
            "the minified loader lost `{PLACEHOLDER}`"
        )));
    };
    if after.contains(PLACEHOLDER) {
        return Err(LoaderError::Template(format!("`{PLACEHOLDER}` appears more than once")));
    }
    let entry = Arc::new(Minified {
        before: before.to_owned(),
        after: after.to_owned(),
    });
    if let Ok(mut c) = cache.lock() {
        c.insert(key, entry.clone());
    }
    Ok(entry)
}

/// What the core template is rendered with: the feature switches and the parameter list.
#[derive(Serialize)]
struct TemplateData {
    #[serde(flatten)]
    features: Features,
    slots: String,
}

/// The readable source of the loader for `cmp` with `features`, before minification
/// (tests/minify_wasm.rs minifies these sources natively and on WebAssembly).
pub fn render_source(cmp: &str, features: Features) -> Result<String, LoaderError> {
    let registry = registry().as_ref().map_err(|e| LoaderError::Template(e.clone()))?;
    if !KNOWN.contains(&cmp) {
        return Err(LoaderError::UnknownCmp(cmp.to_owned()));
    }
    let data = TemplateData {
        features,
        slots: parameter_list(&features),
    };
    registry
        .render(&format!("loader-{cmp}"), &data)
        .map_err(|e| LoaderError::Template(e.to_string()))
}

/// The compiled templates, built once: template `loader-<cmp>` is the core with that CMP's
/// adapter as its `adapter` partial. Strict mode: a switch the data lacks is an error, never a
/// feature silently off.
fn registry() -> &'static Result<Handlebars<'static>, String> {
    static REGISTRY: OnceLock<Result<Handlebars<'static>, String>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.set_prevent_indent(true);
        hb.register_escape_fn(handlebars::no_escape);
        let err = |e: handlebars::TemplateError| e.to_string();
        for (name, part) in PARTS {
            hb.register_partial(name, *part).map_err(err)?;
        }
        for (name, adapter) in ADAPTERS {
            hb.register_partial(&format!("adapter-{name}"), *adapter).map_err(err)?;
            let loader = CORE.replace("{{> adapter}}", &format!("{{{{> adapter-{name}}}}}"));
            hb.register_template_string(&format!("loader-{name}"), loader)
                .map_err(err)?;
        }
        Ok(hb)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn unknown_cmp_is_an_error() {
        let config: Value = serde_json::from_str(include_str!("../../tests/js/config.example.json")).expect("example");
        assert_eq!(
            render_loader(&config, "nope"),
            Err(LoaderError::UnknownCmp("nope".into()))
        );
    }

    #[test]
    fn a_misspelt_config_field_is_an_error() {
        let mut config: Value =
            serde_json::from_str(include_str!("../../tests/js/config.example.json")).expect("example");
        config["pagse"] = config["pages"].take();
        let err = render_loader(&config, "klaro").expect_err("refused");
        assert!(matches!(&err, LoaderError::Config(m) if m.contains("pagse")), "{err}");
    }
}
