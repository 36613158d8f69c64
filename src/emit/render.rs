//! Handlebars for the non-loader outputs. Strict mode; no automatic escaping, because every
//! value reaching a template was already encoded for its context by [`super::escape`] (a
//! template never sees raw policy text).

use handlebars::Handlebars;
use serde_json::Value;

const TEMPLATES: &[(&str, &str)] = &[
    ("cookies.md", include_str!("../../templates/docs/cookies.md.hbs")),
    ("record.md", include_str!("../../templates/docs/record.md.hbs")),
    ("csp.txt", include_str!("../../templates/docs/csp.txt.hbs")),
    (
        "cookieconsent-config.js",
        include_str!("../../templates/cmp/cookieconsent-config.js.hbs"),
    ),
    (
        "klaro-config.js",
        include_str!("../../templates/cmp/klaro-config.js.hbs"),
    ),
    (
        "cookieconsent-intercom.mjs",
        include_str!("../../templates/cmp/cookieconsent-intercom.mjs.hbs"),
    ),
    (
        "cookieconsent-intercom.d.mts",
        include_str!("../../templates/cmp/cookieconsent-intercom.d.mts.hbs"),
    ),
    (
        "klaro-intercom.mjs",
        include_str!("../../templates/cmp/klaro-intercom.mjs.hbs"),
    ),
    (
        "klaro-intercom.d.mts",
        include_str!("../../templates/cmp/klaro-intercom.d.mts.hbs"),
    ),
    (
        "cookieconsent-snippet.html",
        include_str!("../../templates/cmp/cookieconsent-snippet.html.hbs"),
    ),
    (
        "klaro-snippet.html",
        include_str!("../../templates/cmp/klaro-snippet.html.hbs"),
    ),
    (
        "custom-snippet.html",
        include_str!("../../templates/cmp/custom-snippet.html.hbs"),
    ),
    (
        "onetrust-snippet.html",
        include_str!("../../templates/cmp/onetrust-snippet.html.hbs"),
    ),
    (
        "cookiebot-snippet.html",
        include_str!("../../templates/cmp/cookiebot-snippet.html.hbs"),
    ),
    (
        "usercentrics-snippet.html",
        include_str!("../../templates/cmp/usercentrics-snippet.html.hbs"),
    ),
    (
        "didomi-snippet.html",
        include_str!("../../templates/cmp/didomi-snippet.html.hbs"),
    ),
    (
        "tcf-snippet.html",
        include_str!("../../templates/cmp/tcf-snippet.html.hbs"),
    ),
    (
        "consent_mode-snippet.html",
        include_str!("../../templates/cmp/consent_mode-snippet.html.hbs"),
    ),
];

pub struct Renderer {
    hb: Handlebars<'static>,
}

impl Renderer {
    pub fn new() -> Result<Self, String> {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_escape_fn(handlebars::no_escape);
        hb.register_partial("snippet-intro", include_str!("../../templates/cmp/snippet-intro.hbs"))
            .map_err(|e| format!("template `snippet-intro`: {e}"))?;
        for (name, text) in TEMPLATES {
            hb.register_template_string(name, *text)
                .map_err(|e| format!("template `{name}`: {e}"))?;
        }
        Ok(Renderer { hb })
    }

    pub fn has(&self, name: &str) -> bool {
        self.hb.has_template(name)
    }

    pub fn render(&self, name: &str, data: &Value) -> Result<String, String> {
        self.hb
            .render(name, data)
            .map_err(|e| format!("template `{name}`: {e}"))
    }
}
