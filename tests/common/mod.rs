//! The harness shared by the tests that execute generated loaders (tests/loader_js.rs,
//! tests/loader_cmps.rs, tests/properties.rs, benches/loader.rs): a QuickJS tab with the fake browser (tests/js/fake_browser.js), the fake
//! Intercom widget and the fake CMPs, the example config and its patches, and a driver per CMP
//! so that one scenario runs against every adapter. Not every test crate uses all of it.
#![allow(dead_code)]

use consentc::emit::loader::render_loader;
use flate2::{write::GzEncoder, Compression};
use rquickjs::{CatchResultExt, Context, Ctx, Function, Runtime};
use serde_json::{json, Value};
use std::io::Write;

pub const BROWSER: &str = include_str!("../js/fake_browser.js");
pub const INTERCOM: &str = include_str!("../js/fake_intercom.js");
pub const FAKE_COOKIECONSENT: &str = include_str!("../js/fakes/cookieconsent.js");
pub const FAKE_KLARO: &str = include_str!("../js/fakes/klaro.js");
pub const EXAMPLE: &str = include_str!("../js/config.example.json");

/// The CMPs every shared scenario runs against: vanilla-cookieconsent and Klaro as globals and
/// bundled from npm (no global; the build's module hands the CMP over, `<cmp>+bundled`), and the
/// custom banner.
pub const CMPS: [&str; 5] = [
    "cookieconsent",
    "klaro",
    "custom",
    "cookieconsent+bundled",
    "klaro+bundled",
];

/// The adapter a CMP of [`CMPS`] is built with (`cookieconsent+bundled` -> `cookieconsent`).
pub fn adapter(cmp: &'static str) -> &'static str {
    cmp.split('+').next().unwrap_or(cmp)
}
pub const URL: &str = "https://app.acme.test/app/home";
pub const NONCE: &str = "n0nce-4f2a";

/// One vocabulary for every CMP, so a scenario runs unchanged against each adapter:
/// cmp.load() runs the CMP's script, cmp.returning({purpose: bool}) stores an earlier visit's
/// choice, cmp.choose({purpose: bool}) is the visitor answering or changing their mind,
/// cmp.prefsShown() counts preference openings, cmp.breakIt() makes the CMP's API throw.
pub const DRIVERS: &str = r#"
var CC_CATEGORY = {support: 'functionality', guidance: 'marketing', analytics: 'analytics'};
var DRIVERS = {
  cookieconsent: {
    load: function () { __cc.load(); },
    returning: function (c) { __cc.returning(Object.keys(c).filter(function (p) { return c[p] === true; }).map(function (p) { return CC_CATEGORY[p]; })); },
    choose: function (c) { __cc.accept(Object.keys(c).filter(function (p) { return c[p] === true; }).map(function (p) { return CC_CATEGORY[p]; })); },
    prefsShown: function () { return __cc.prefsShown; },
    breakIt: function () { __cc.breakWith(); },
  },
  klaro: {
    load: function () { __klaro.load(); },
    returning: function (c) { var s = {}; Object.keys(c).forEach(function (p) { s['intercom-' + p] = c[p] === true; }); __klaro.returning(s); },
    choose: function (c) { var s = {}; Object.keys(c).forEach(function (p) { s['intercom-' + p] = c[p] === true; }); __klaro.save(s); },
    prefsShown: function () { return __klaro.shown; },
    breakIt: function () { __klaro.breakWith(); },
  },
  custom: {
    load: function () {},
    returning: function (c) { window.consentc = {q: [c]}; },
    choose: function (c) { window.consentc.set(c); },
    prefsShown: function () { return __customPrefs; },
    breakIt: function () { throw new Error('the custom adapter has no CMP to break'); },
  },
};
// Bundled from npm: no global; the build's module hands the CMP over (withIntercom(config, cmp)).
DRIVERS['cookieconsent+bundled'] = Object.assign({}, DRIVERS.cookieconsent, {load: function () { __cc.loadBundled(); __cc.handOver(); }});
DRIVERS['klaro+bundled'] = Object.assign({}, DRIVERS.klaro, {load: function () { __klaro.loadBundled(); __klaro.handOver(); }});
var __customPrefs = 0;
window.addEventListener('consentc:preferences', function () { __customPrefs++; });
var cmp = DRIVERS[CMP];
function step(ms) { __advance(ms === undefined ? 100 : ms); }
// Klaro re-inserts the widget script it finds tagged with its service (see its fake): those
// copies are Klaro's, not loads by the loader.
function copies() { return CMP.indexOf('klaro') === 0 ? __klaro.reinserted : 0; }
function loads() { return widgetRequests().length - copies(); }
function widgetRequests() { return __log.requests.filter(function (r) { return r.tag === 'SCRIPT' && r.src === WIDGET; }); }
function icCookies() { return __cookies().filter(function (c) { return c.name.indexOf('intercom-') === 0; }); }
function icStorage() { return localStorage.keys().concat(sessionStorage.keys()).filter(function (k) { return k.indexOf('intercom.') === 0; }); }
function calls(m) { return __intercom.methods(m); }
function widgetDom() { return document.querySelectorAll('#intercom-frame, #intercom-container, .intercom-lightweight-app').length + document.querySelectorAll('script').filter(function (s) { return s.src === WIDGET; }).length; }
function facade() { return document.querySelector('button'); }
"#;

pub struct Tab {
    _rt: Runtime,
    ctx: Context,
    /// What failures name: the CMP, or the test's variant of it.
    label: &'static str,
    /// The CMP the loader is rendered for.
    cmp: &'static str,
}

impl Tab {
    /// A fresh page at `url` with the fake browser, the fake widget served at the config's
    /// widget URL, and the vanilla-cookieconsent and Klaro fakes (not yet loaded).
    pub fn open(url: &str, cmp: &'static str, config: &Value) -> Tab {
        let tab = Tab::blank(url, cmp, adapter(cmp), config);
        tab.js(FAKE_COOKIECONSENT);
        tab.js(FAKE_KLARO);
        tab.js(&format!("var CMP = {};", json!(cmp)));
        tab.js(DRIVERS);
        tab
    }

    /// A fresh page at `url` with the fake browser and the fake widget served at the config's
    /// widget URL (as `WIDGET`), and no CMP: the caller adds its fakes and drivers. `__drain()`
    /// runs the promise jobs queued so far.
    pub fn blank(url: &str, label: &'static str, cmp: &'static str, config: &Value) -> Tab {
        let rt = Runtime::new().expect("runtime");
        let ctx = Context::full(&rt).expect("context");
        ctx.with(|ctx| {
            let drain = Function::new(ctx.clone(), |ctx: Ctx| while ctx.execute_pending_job() {}).expect("__drain");
            ctx.globals().set("__drain", drain).expect("__drain");
        });
        let tab = Tab {
            _rt: rt,
            ctx,
            label,
            cmp,
        };
        tab.js(&format!("globalThis.__PAGE_URL = {};", json!(url)));
        tab.js(BROWSER);
        tab.js(INTERCOM);
        tab.js(&format!(
            "var WIDGET = {}; __intercom.serve(function (s) {{ return s === WIDGET; }});",
            json!(config["widget_src"])
        ));
        tab
    }

    /// Runs statements, then the promise jobs they queued (as a browser runs microtasks after a
    /// task); a thrown exception or an error inside a listener or timer fails the test.
    pub fn js(&self, code: &str) {
        self.ctx.with(|ctx| {
            let r: rquickjs::Result<()> = ctx.eval(code);
            if let Err(e) = r.catch(&ctx) {
                panic!("[{}] JavaScript failed: {e}\n--- in:\n{}", self.label, excerpt(code));
            }
            while ctx.execute_pending_job() {}
            let errors: String = ctx
                .eval("typeof __log === 'undefined' ? '' : __log.errors.splice(0).join('\\n')")
                .unwrap_or_default();
            if !errors.is_empty() {
                panic!(
                    "[{}] errors in listeners or timers:\n{errors}\n--- after:\n{}",
                    self.label,
                    excerpt(code)
                );
            }
        })
    }

    /// The JSON value of a JavaScript expression.
    pub fn val(&self, expr: &str) -> Value {
        let text: String = self.ctx.with(|ctx| {
            let r: rquickjs::Result<Option<String>> = ctx.eval(format!("JSON.stringify(({expr}))"));
            match r.catch(&ctx) {
                Ok(s) => s.unwrap_or_else(|| "null".into()),
                Err(e) => panic!("[{}] JavaScript failed: {e}\n--- in: {expr}", self.label),
            }
        });
        serde_json::from_str(&text).expect("JSON from JavaScript")
    }

    /// Runs the loader rendered for this tab's CMP, as a script with a CSP nonce.
    pub fn load(&self, config: &Value) -> String {
        let loader = render_loader(config, self.cmp).expect("loader renders");
        self.run(&loader);
        loader
    }

    /// Runs a loader's text as a script with a CSP nonce.
    pub fn run(&self, loader: &str) {
        self.js(&format!("document.currentScript = __currentScript({});", json!(NONCE)));
        self.js(loader);
        self.js("document.currentScript = null;");
    }
}

pub fn excerpt(code: &str) -> String {
    let s: String = code.chars().take(600).collect();
    if s.len() < code.len() {
        s + " …"
    } else {
        s
    }
}

pub fn example() -> Value {
    serde_json::from_str(EXAMPLE).expect("example config")
}

/// Each CMP's block as the build writes it for the example purposes, with the values the fakes
/// in tests/js/fakes expect: one place for every test that renders a loader.
pub fn cmp_block(cmp: &str) -> Value {
    match cmp.split('+').next().unwrap_or(cmp) {
        "cookieconsent" => json!({
            "name": "cookieconsent",
            "purposes": {"support": "functionality", "guidance": "marketing", "analytics": "analytics"},
            "options": {},
            "script_attrs": {"data-category": "functionality"}
        }),
        // As the real build tags it: Klaro re-inserts scripts tagged with a service's name.
        "klaro" => json!({
            "name": "klaro",
            "purposes": {"support": "livechat", "guidance": "marketing", "analytics": "analytics"},
            "options": {},
            "script_attrs": {"data-name": "intercom-support"}
        }),
        "custom" => json!({"name": "custom", "purposes": {}, "options": {}, "script_attrs": {}}),
        "onetrust" => json!({
            "name": "onetrust",
            "purposes": {"support": "C0003", "guidance": "C0004", "analytics": "C0002"},
            "options": {"always_active": ["C0001"]},
            "script_attrs": {"class": "optanon-category-C0003"}
        }),
        "cookiebot" => json!({
            "name": "cookiebot",
            "purposes": {"support": "preferences", "guidance": "marketing", "analytics": "statistics"},
            "options": {},
            "script_attrs": {"data-cookieconsent": "preferences"}
        }),
        "usercentrics" => json!({
            "name": "usercentrics",
            "purposes": {"support": "Intercom Messenger", "guidance": "Intercom Product Tours", "analytics": "Intercom Analytics"},
            "options": {"event": "ucEvent"},
            "script_attrs": {"data-usercentrics": "Intercom Messenger"}
        }),
        "didomi" => json!({
            "name": "didomi",
            "purposes": {"support": "support-XyZ", "guidance": "guidance-XyZ", "analytics": "analytics-XyZ"},
            "options": {"vendor": "c:intercom-XyZ"},
            "script_attrs": {"data-vendor": "c:intercom-XyZ"}
        }),
        "tcf" => json!({
            "name": "tcf",
            "purposes": {"support": 1, "guidance": 2, "analytics": 3},
            "options": {},
            "script_attrs": {}
        }),
        // A list value needs every type granted.
        "consent_mode" => json!({
            "name": "consent_mode",
            "purposes": {"support": "functionality_storage", "guidance": ["ad_storage", "ad_personalization"], "analytics": "analytics_storage"},
            "options": {},
            "script_attrs": {}
        }),
        other => panic!("no CMP block for {other}"),
    }
}

/// The example policy for `cmp`, with `patch` applied key by key (an object value replaces the
/// whole key; `leaves` and `purposes` patches are merged one level deeper).
pub fn config(cmp: &str, patch: Value) -> Value {
    let mut c = example();
    c["cmp"] = cmp_block(cmp);
    if let Value::Object(p) = patch {
        for (k, v) in p {
            match (k.as_str(), v) {
                ("leaves" | "purposes", Value::Object(inner)) => {
                    for (ik, iv) in inner {
                        c[k.as_str()][ik.as_str()] = iv;
                    }
                }
                (_, v) => c[k.as_str()] = v,
            }
        }
    }
    c
}

/// Loads as soon as granted, on every page: the plainest policy.
pub fn eager(cmp: &str) -> Value {
    config(cmp, eager_patch())
}

/// The patch that makes [`eager`] of the example.
pub fn eager_patch() -> Value {
    json!({"load": "when_granted", "facade": null, "pages": null})
}

pub const ALL: &str = "{support: true, guidance: true, analytics: true}";
pub const SUPPORT_ONLY: &str = "{support: true, guidance: false, analytics: false}";
pub const NOTHING: &str = "{support: false, guidance: false, analytics: false}";

pub fn gzip_len(text: &str) -> usize {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(text.as_bytes()).expect("gzip");
    enc.finish().expect("gzip").len()
}
