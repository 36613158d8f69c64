//! The loader built for OneTrust, Cookiebot, Usercentrics (v3 and v2), Didomi, IAB TCF and
//! Google Consent Mode, executed: each test renders the loader for a CMP, runs it in QuickJS
//! inside the fake browser (tests/js/fake_browser.js) with the fake Intercom widget and a fake of
//! that CMP written from its documented API (tests/js/fakes/; Consent Mode needs none: the
//! driver calls Google's own `gtag` snippet as a CMP does), and asserts on what the JavaScript
//! did. The harness is
//! tests/common's; here `step` also runs promise jobs between timers, since Usercentrics v3
//! answers with promises.

mod common;

use common::{gzip_len, ALL, NONCE, NOTHING, SUPPORT_ONLY, URL};
use consentc::emit::loader::render_loader;
use serde_json::{json, Value};

const FAKES: [&str; 5] = [
    include_str!("js/fakes/onetrust.js"),
    include_str!("js/fakes/cookiebot.js"),
    include_str!("js/fakes/usercentrics.js"),
    include_str!("js/fakes/didomi.js"),
    include_str!("js/fakes/tcf.js"),
];

/// Each variant: its driver name and the CMP its loader is built for.
const VARIANTS: [(&str, &str); 7] = [
    ("onetrust", "onetrust"),
    ("cookiebot", "cookiebot"),
    ("usercentrics", "usercentrics"),
    ("usercentrics-v2", "usercentrics"),
    ("didomi", "didomi"),
    ("tcf", "tcf"),
    ("consent_mode", "consent_mode"),
];
const CMPS: [&str; 6] = ["onetrust", "cookiebot", "usercentrics", "didomi", "tcf", "consent_mode"];

/// One vocabulary for every CMP, as in tests/loader_js.rs: cmp.load() runs the CMP's script,
/// cmp.returning({purpose: bool}) stores an earlier visit's choice, cmp.choose({purpose: bool}) is
/// the visitor answering or changing their mind, cmp.prefsShown() counts preference openings,
/// cmp.breakIt() makes the CMP's API throw, cmp.breakLater() makes a working CMP fail on its
/// next report.
const DRIVERS: &str = r#"
var PURPOSES = ['support', 'guidance', 'analytics'];
function pick(c, map) { var o = {}; PURPOSES.forEach(function (p) { if (p in c) o[map[p]] = c[p] === true; }); return o; }
var OT_GROUP = {support: 'C0003', guidance: 'C0004', analytics: 'C0002'};
var CB_CATEGORY = {support: 'preferences', guidance: 'marketing', analytics: 'statistics'};
var UC_SERVICE = {support: 'Intercom Messenger', guidance: 'Intercom Product Tours', analytics: 'Intercom Analytics'};
var DD_PURPOSE = {support: 'support-XyZ', guidance: 'guidance-XyZ', analytics: 'analytics-XyZ'};
// TCF: custom purpose 1 (support) rests on a legitimate interest, 2 and 3 on consent.
function tcfChoice(c) { return {consents: {2: c.guidance === true, 3: c.analytics === true}, objections: c.support === false ? [1] : []}; }
function reread() { __pageshow(true); }
var UC = {
  load: function () { __uc.load(); },
  returning: function (c) { __uc.returning(pick(c, UC_SERVICE)); },
  choose: function (c) { __uc.accept(pick(c, UC_SERVICE)); },
  prefsShown: function () { return __uc.prefsShown; },
  breakIt: function () { __uc.breakWith(); },
  breakLater: function () { __uc.breakWith(); reread(); },
};
var DRIVERS = {
  onetrust: {
    load: function () { __ot.load(); },
    returning: function (c) { __ot.returning(pick(c, OT_GROUP)); },
    choose: function (c) { __ot.save(pick(c, OT_GROUP)); },
    prefsShown: function () { return __ot.prefsShown; },
    breakIt: function () { __ot.breakWith(); },
    breakLater: function () { __ot.breakWith(); reread(); },
  },
  cookiebot: {
    load: function () { __cb.load(); },
    returning: function (c) { __cb.returning(pick(c, CB_CATEGORY)); },
    choose: function (c) { __cb.accept(pick(c, CB_CATEGORY)); },
    prefsShown: function () { return __cb.renewed; },
    breakIt: function () { __cb.breakWith(); },
    breakLater: function () { __cb.breakWith(); reread(); },
  },
  usercentrics: UC,
  'usercentrics-v2': Object.assign({}, UC, {load: function () { __uc.version = 2; __uc.load(); }}),
  didomi: {
    load: function () { __didomi.load(); },
    returning: function (c) { __didomi.returning({purposes: pick(c, DD_PURPOSE), vendor: true}); },
    choose: function (c) { __didomi.save({purposes: pick(c, DD_PURPOSE), vendor: true}); },
    prefsShown: function () { return __didomi.prefsShown; },
    breakIt: function () { __didomi.breakWith(); },
    breakLater: function () { __didomi.breakWith(); reread(); },
  },
  tcf: {
    load: function () { __tcf.stub(); __tcf.load(); },
    returning: function (c) { __tcf.returning(tcfChoice(c)); },
    choose: function (c) { __tcf.accept(tcfChoice(c)); },
    prefsShown: function () { return __tcfPrefs; },
    breakIt: function () { __tcf.breakWith(); },
    // The listener is registered once: a CMP that fails reports success = false to it.
    breakLater: function () { __tcf.failCalls = true; __tcf.showUi(); },
  },
};
// Google Consent Mode: the page's inline snippet defines gtag exactly as Google's does and sets
// the default (Tab::open); the CMP pushes an update for a returning visitor when it loads and on
// every choice. Each purpose's types, as in tests/common's block.
function gtag(){dataLayer.push(arguments);}
var CM_TYPES = {support: ['functionality_storage'], guidance: ['ad_storage', 'ad_personalization'], analytics: ['analytics_storage']};
function cmSettings(c) { var s = {}; PURPOSES.forEach(function (p) { if (p in c) CM_TYPES[p].forEach(function (t) { s[t] = c[p] === true ? 'granted' : 'denied'; }); }); return s; }
var __cm = {stored: null};
function breakDataLayer() { Object.defineProperty(window, 'dataLayer', {get: function () { throw new Error('dataLayer broken'); }, configurable: true}); }
DRIVERS.consent_mode = {
  load: function () { if (__cm.stored) gtag('consent', 'update', cmSettings(__cm.stored)); },
  returning: function (c) { __cm.stored = c; },
  choose: function (c) { __cm.stored = c; gtag('consent', 'update', cmSettings(c)); },
  prefsShown: function () { return __tcfPrefs; },
  breakIt: breakDataLayer,
  breakLater: function () { breakDataLayer(); reread(); },
};
// TCF and Consent Mode open preferences with this event.
var __tcfPrefs = 0;
window.addEventListener('consentc:preferences', function () { __tcfPrefs++; });
var cmp = DRIVERS[VARIANT];
// Timers and promise jobs interleaved, as in a browser (1 ms slices, 10 ms past 5 s).
function step(ms) {
  ms = ms === undefined ? 100 : ms;
  var slice = ms > 5000 ? 10 : 1;
  __drain();
  for (var t = 0; t < ms; t += slice) { __advance(Math.min(slice, ms - t)); __drain(); }
}
function widgetRequests() { return __log.requests.filter(function (r) { return r.tag === 'SCRIPT' && r.src === WIDGET; }); }
function icCookies() { return __cookies().filter(function (c) { return c.name.indexOf('intercom-') === 0; }); }
function icStorage() { return localStorage.keys().concat(sessionStorage.keys()).filter(function (k) { return k.indexOf('intercom.') === 0; }); }
function calls(m) { return __intercom.methods(m); }
function widgetDom() { return document.querySelectorAll('#intercom-frame, #intercom-container, .intercom-lightweight-app').length + document.querySelectorAll('script').filter(function (s) { return s.src === WIDGET; }).length; }
function facade() { return document.querySelector('button'); }
"#;

/// Google's recommended default, inline in the page's head before any other tag: every type
/// denied until the CMP sends an update.
const CONSENT_MODE_DEFAULT: &str = "window.dataLayer = window.dataLayer || [];
  gtag('consent', 'default', {ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied',
    analytics_storage: 'denied', functionality_storage: 'denied', personalization_storage: 'denied', wait_for_update: 500});";

/// A page for one variant: tests/common's blank tab with every CMP fake (none loaded yet) and
/// the drivers above.
struct Tab(common::Tab);

impl Tab {
    fn open(url: &str, variant: &'static str, config: &Value) -> Tab {
        let tab = common::Tab::blank(url, variant, cmp_of(variant), config);
        for fake in FAKES {
            tab.js(fake);
        }
        tab.js(&format!("var VARIANT = {};", json!(variant)));
        tab.js(DRIVERS);
        if variant == "consent_mode" {
            tab.js(CONSENT_MODE_DEFAULT);
        }
        Tab(tab)
    }

    fn js(&self, code: &str) {
        self.0.js(code)
    }

    fn load(&self, config: &Value) {
        self.0.load(config);
    }
}

fn cmp_of(variant: &str) -> &'static str {
    VARIANTS
        .iter()
        .find(|(v, _)| *v == variant)
        .map(|(_, c)| *c)
        .expect("a known variant")
}

/// The example policy for `variant`'s CMP, patched as `common::config` says.
fn config(variant: &str, patch: Value) -> Value {
    common::config(cmp_of(variant), patch)
}

/// Loads as soon as granted, on every page: the plainest policy.
fn eager(variant: &str) -> Value {
    config(variant, common::eager_patch())
}

/// A page where the CMP loaded, the visitor has not answered, and the page calls Intercom.
const NOTHING_YET: &str =
    "eq(__log.requests.filter(function (r) { return r.src === WIDGET; }), [], 'no widget script');
     eq(icCookies(), [], 'no intercom cookie'); eq(icStorage(), [], 'no intercom storage');
     eq(__intercom.calls, [], 'the widget received nothing'); eq(Intercom.booted, false);";

#[test]
fn nothing_happens_before_consent() {
    for (variant, _) in VARIANTS {
        for cfg in [eager(variant), config(variant, json!({}))] {
            let tab = Tab::open(URL, variant, &cfg);
            tab.js("window.intercomSettings = {app_id: 'abc123xy', email: 'a@b.c', user_hash: 'h'}; cmp.load();");
            tab.load(&cfg);
            tab.js(&format!(
                "Intercom('boot', {{app_id: 'abc123xy', name: 'Ann'}}); Intercom('trackEvent', 'signup');
                 Intercom('startTour', 7); Intercom('show'); Intercom('update', {{plan: 'pro'}});
                 step(60000);
                 {NOTHING_YET}
                 eq(document.querySelectorAll('iframe').length, 0, 'no frame');"
            ));
        }
    }
}

#[test]
fn returning_visitor_gets_one_boot_with_what_is_granted() {
    for (variant, cmp) in VARIANTS {
        // The CMP's script runs before the loader, or after it (async tag order).
        for cmp_first in [true, false] {
            let cfg = eager(variant);
            let tab = Tab::open(URL, variant, &cfg);
            tab.js("cmp.returning({support: true, guidance: false, analytics: true});");
            if cmp_first {
                tab.js("cmp.load();");
            }
            tab.load(&cfg);
            if !cmp_first {
                tab.js("step(300); eq(__log.requests, []); cmp.load();");
            }
            tab.js("step(500);");
            let attrs = common::cmp_block(cmp)["script_attrs"].clone();
            tab.js(&format!(
                "var r = widgetRequests();
                 eq(r.length, 1, 'one widget script');
                 eq(r[0].nonce, {NONCE:?}, 'the loader passes its CSP nonce');
                 eq(r[0].attrs, Object.assign({{src: WIDGET}}, {attrs}), 'CMP category attributes on the widget script');
                 eq(__intercom.boots.length, 1, 'exactly one boot');
                 var b = __intercom.boots[0];
                 eq([b.consent_support, b.consent_guidance, b.consent_analytics], [true, false, true], 'consent attributes');
                 eq(b.hide_notifications, false, 'analytics is behavioural and granted');
                 eq(Intercom.booted, true);
                 Intercom('startTour', 1); Intercom('trackEvent', 'x');
                 eq(calls('startTour'), [], 'guidance was refused'); eq(calls('trackEvent'), [['trackEvent', 'x']]);"
            ));
        }
    }
}

#[test]
fn each_purpose_unlocks_exactly_its_methods() {
    for (variant, _) in VARIANTS {
        let cfg = eager(variant);
        let tab = Tab::open(URL, variant, &cfg);
        tab.js("cmp.load();");
        tab.load(&cfg);
        tab.js(&format!("step(500); cmp.choose({SUPPORT_ONLY}); step(500);"));
        tab.js("eq(__intercom.boots.length, 1, 'the messenger boots with its purpose');
             eq(__intercom.boots[0].hide_notifications, true, 'no behavioural purpose granted');
             Intercom('startTour', 7); Intercom('trackEvent', 'clicked'); Intercom('show');
             eq(calls('startTour'), [], 'tours need guidance'); eq(calls('trackEvent'), [], 'events need analytics');
             eq(calls('show'), [['show']], 'the messenger runs');");
        tab.js(
            "cmp.choose({support: true, guidance: true, analytics: false}); step(500);
             var u = __intercom.updates[__intercom.updates.length - 1];
             eq([u.consent_guidance, u.hide_notifications], [true, false], 'consent attributes follow the change');
             Intercom('startTour', 7); Intercom('trackEvent', 'clicked');
             eq(calls('startTour'), [['startTour', 7]], 'guidance unlocks tours'); eq(calls('trackEvent'), []);",
        );
        tab.js(
            "cmp.choose({support: true, guidance: false, analytics: true}); step(500);
             Intercom('startTour', 8); Intercom('trackEvent', 'bought');
             eq(calls('startTour'), [['startTour', 7]], 'a withdrawn purpose blocks at once');
             eq(calls('trackEvent'), [['trackEvent', 'bought']], 'analytics unlocks events');
             eq(__intercom.boots.length, 1, 'no re-boot while the messenger stays');",
        );
    }
}

#[test]
fn withdrawal_shuts_down_and_removes_the_cookies() {
    for (variant, _) in VARIANTS {
        let cfg = eager(variant);
        let tab = Tab::open(URL, variant, &cfg);
        tab.js(&format!("cmp.returning({ALL}); cmp.load();"));
        tab.load(&cfg);
        tab.js("step(500); eq(__intercom.boots.length, 1);
             assert(icCookies().length === 3, 'the widget set its cookies'); assert(widgetDom() >= 4);");
        tab.js(&format!(
            "cmp.choose({NOTHING}); step(500);
             eq(__intercom.shutdowns, 1, 'shutdown');
             eq(icCookies(), [], 'every intercom cookie removed');
             eq(icStorage(), [], 'intercom.* storage removed');
             eq(widgetDom(), 0, 'widget script, frame and containers removed');
             eq(Intercom.booted, false);
             Intercom('show'); eq(calls('show'), [], 'nothing forwarded after withdrawal');
             cmp.choose({SUPPORT_ONLY}); step(500);
             eq(__intercom.boots.length, 2, 'a new grant boots from scratch'); eq(widgetRequests().length, 2);"
        ));
    }
}

#[test]
fn fails_closed_when_the_cmp_is_absent_or_throws() {
    for (variant, _) in VARIANTS {
        let cfg = eager(variant);
        // Absent: nothing ever answers.
        let tab = Tab::open(URL, variant, &cfg);
        tab.load(&cfg);
        tab.js("step(120000); __pageshow(true); step(500); eq(__log.requests, []); eq(__intercom.calls, []); eq(icCookies(), []);");
        // Throws from the first read.
        let tab = Tab::open(URL, variant, &cfg);
        tab.js(&format!(
            "cmp.returning({ALL}); cmp.breakIt(); try {{ cmp.load(); }} catch (e) {{}}"
        ));
        tab.load(&cfg);
        tab.js("step(30000); reread(); step(500);
             eq(__log.requests, [], 'a throwing CMP grants nothing'); eq(__intercom.calls, []);");
        // Works, then fails: the loader closes.
        let tab = Tab::open(URL, variant, &cfg);
        tab.js(&format!("cmp.returning({ALL}); cmp.load();"));
        tab.load(&cfg);
        tab.js("step(500); eq(__intercom.boots.length, 1);
             cmp.breakLater(); step(500);
             eq(__intercom.shutdowns, 1, 'a CMP that starts failing closes everything'); eq(icCookies(), []);");
    }
}

#[test]
fn a_late_cmp_is_still_obeyed() {
    for (variant, _) in VARIANTS {
        for delay in [3000, 20000] {
            let cfg = eager(variant);
            let tab = Tab::open(URL, variant, &cfg);
            tab.js(&format!("cmp.returning({ALL});"));
            // The standard TCF snippet defines the __tcfapi stub inline, before anything else.
            tab.js("if (VARIANT === 'tcf') __tcf.stub();");
            tab.load(&cfg);
            tab.js(&format!(
                "step({delay}); eq(__log.requests, [], 'nothing before the CMP answers');
                 cmp.load(); step(500);
                 eq(widgetRequests().length, 1, 'the late answer is obeyed'); eq(__intercom.boots.length, 1);"
            ));
        }
        // A late answer from a visitor on a page where the CMP was there all along.
        let cfg = eager(variant);
        let tab = Tab::open(URL, variant, &cfg);
        tab.js("cmp.load();");
        tab.load(&cfg);
        tab.js(&format!(
            "step(60000); eq(__log.requests, []); cmp.choose({SUPPORT_ONLY}); step(500); eq(__intercom.boots.length, 1);"
        ));
    }
}

#[test]
fn tcf_without_the_stub_is_picked_up_when_the_page_is_shown_again() {
    // The standard TCF snippet defines the __tcfapi stub inline; a CMP without it that arrives
    // after the polling window is attached on the next load, pageshow or visibility event.
    let cfg = eager("tcf");
    let tab = Tab::open(URL, "tcf", &cfg);
    tab.js(&format!("cmp.returning({ALL});"));
    tab.load(&cfg);
    tab.js("step(20000); __tcf.load(); step(500); eq(widgetRequests().length, 0);
         __pageshow(true); step(500); eq(__intercom.boots.length, 1);");
    // With the stub, a late CMP is obeyed whenever it comes.
    let tab = Tab::open(URL, "tcf", &cfg);
    tab.js(&format!("cmp.returning({ALL}); __tcf.stub();"));
    tab.load(&cfg);
    tab.js("step(60000); eq(__log.requests, []); __tcf.load(); step(500); eq(__intercom.boots.length, 1);");
}

#[test]
fn gpc_strict_denies_whatever_the_cmp_says_and_honor_needs_an_explicit_grant() {
    for (variant, _) in VARIANTS {
        for (gpc, boots) in [("strict", 0), ("honor", 1)] {
            let patch = json!({"load": "when_granted", "facade": null, "pages": null,
                "purposes": {"support": {"basis": "legitimate_interest", "gpc": gpc, "behavioural": false}}});
            let cfg = config(variant, patch);
            let tab = Tab::open(URL, variant, &cfg);
            tab.js("navigator.globalPrivacyControl = true; cmp.load();");
            tab.load(&cfg);
            tab.js(&format!("step(500); cmp.choose({ALL}); step(500);"));
            // TCF: a legitimate-interest custom purpose carries no consent, so nothing in TCF is
            // an explicit grant of it: honor denies it there too.
            let boots = if variant == "tcf" { 0 } else { boots };
            tab.js(&format!(
                "eq(__intercom.boots.length, {boots}, 'gpc {gpc}'); if ({boots} === 0) eq(__log.requests, []);"
            ));
        }
        // Strict on a consent purpose: granted in the CMP, still blocked.
        let patch = json!({"load": "when_granted", "facade": null, "pages": null,
            "purposes": {"guidance": {"basis": "consent", "gpc": "strict", "behavioural": true}}});
        let cfg = config(variant, patch);
        let tab = Tab::open(URL, variant, &cfg);
        tab.js(&format!(
            "navigator.globalPrivacyControl = true; cmp.returning({ALL}); cmp.load();"
        ));
        tab.load(&cfg);
        tab.js(
            "step(500); Intercom('startTour', 1); eq(calls('startTour'), [], 'strict');
             eq(__intercom.boots[0].consent_guidance, false);",
        );
    }
}

#[test]
fn the_facade_opens_the_cmp_preferences_when_refused() {
    for (variant, _) in VARIANTS {
        let cfg = config(variant, json!({}));
        let tab = Tab::open(URL, variant, &cfg);
        tab.js(&format!("cmp.returning({NOTHING}); cmp.load();"));
        tab.load(&cfg);
        tab.js(&format!(
            "step(500); assert(facade(), 'a facade'); facade().click(); step(500);
             eq(cmp.prefsShown(), 1, 'the CMP preferences'); eq(__log.requests, []);
             cmp.choose({SUPPORT_ONLY}); step(500);
             eq(widgetRequests().length, 1, 'a grant there loads'); eq(calls('show'), [['show']], 'and opens');"
        ));
    }
}

#[test]
fn the_page_and_back_forward_cache_re_read_the_cmp() {
    // The CMP's state changed while the page sat in the back/forward cache, with no event. (TCF
    // reports only through its listener: there is nothing to re-read.)
    for (variant, change) in [
        (
            "onetrust",
            "__ot.choice = {C0001: true}; window.OnetrustActiveGroups = ',C0001,';",
        ),
        (
            "cookiebot",
            "__cb.state = {preferences: false, statistics: false, marketing: false, method: 'explicit'};",
        ),
        ("usercentrics", "__uc.decision = {consents: {}, type: 'explicit'};"),
        ("usercentrics-v2", "__uc.decision = {consents: {}, type: 'explicit'};"),
        ("didomi", "__didomi.status.purposes['support-XyZ'] = false;"),
        // An update written past every push wrapper: the re-read finds it in the array.
        (
            "consent_mode",
            "(function () { Array.prototype.push.call(dataLayer, arguments); })('consent', 'update', {functionality_storage: 'denied'});",
        ),
    ] {
        let cfg = eager(variant);
        let tab = Tab::open(URL, variant, &cfg);
        tab.js(&format!("cmp.returning({ALL}); cmp.load();"));
        tab.load(&cfg);
        tab.js("step(500); eq(__intercom.boots.length, 1);");
        tab.js(change);
        tab.js("__pageshow(true); step(500); eq(__intercom.shutdowns, 1); eq(icCookies(), []);");
    }
}

// ------------------------------------------------------------------------------- OneTrust

#[test]
fn onetrust_defaults_before_interaction_are_not_consent() {
    let cfg = eager("onetrust");
    let tab = Tab::open(URL, "onetrust", &cfg);
    // An opt-out style template: every group on by default, banner not yet answered.
    tab.js("__ot.defaults = ['C0002', 'C0003', 'C0004']; cmp.load();");
    tab.load(&cfg);
    tab.js(&format!(
        "step(5000); eq(OnetrustActiveGroups, ',C0001,C0002,C0003,C0004,', 'the groups read active');
         eq(OneTrust.IsAlertBoxClosed(), false);
         {NOTHING_YET}
         __ot.allowAll(); step(500); eq(__intercom.boots.length, 1, 'the interaction counts');"
    ));
}

#[test]
fn onetrust_chains_the_pages_optanon_wrapper() {
    let cfg = eager("onetrust");
    let tab = Tab::open(URL, "onetrust", &cfg);
    tab.js("var pageWrapper = 0; window.OptanonWrapper = function () { pageWrapper++; };");
    tab.load(&cfg);
    tab.js(&format!(
        "eq(typeof OptanonWrapper, 'function'); cmp.load(); step(500);
         eq(pageWrapper, 1, 'the page wrapper still runs on load');
         cmp.choose({SUPPORT_ONLY}); step(500);
         eq(pageWrapper, 2, 'and on every change'); eq(__intercom.boots.length, 1);
         // A page replacing the wrapper later does not cut the loader off: the event remains.
         window.OptanonWrapper = function () {{ pageWrapper += 10; }};
         cmp.choose({NOTHING}); step(500); eq(pageWrapper, 12); eq(__intercom.shutdowns, 1);"
    ));
}

#[test]
fn onetrust_always_active_implied_and_no_banner_give_no_affirmative_signal() {
    // A consent purpose mapped to an always-active group (the checker refuses this, CP0301): the
    // group is always on, which is never the visitor's grant.
    let mut cfg = eager("onetrust");
    cfg["cmp"]["purposes"]["guidance"] = json!("C0001");
    let tab = Tab::open(URL, "onetrust", &cfg);
    tab.js(&format!("cmp.returning({SUPPORT_ONLY}); cmp.load();"));
    tab.load(&cfg);
    tab.js("step(500); eq(__intercom.boots.length, 1); Intercom('startTour', 1); eq(calls('startTour'), [], 'always active is not consent');");
    // A legitimate-interest purpose on an always-active group runs once the visitor answered,
    // even after "reject all" (nothing to object to).
    let mut cfg = eager("onetrust");
    cfg["cmp"]["purposes"]["support"] = json!("C0001");
    let tab = Tab::open(URL, "onetrust", &cfg);
    tab.js("cmp.load();");
    tab.load(&cfg);
    tab.js("step(500); eq(__log.requests, [], 'not before an answer');
         __ot.rejectAll(); step(500); eq(__intercom.boots.length, 1);");
    // The "implied consent" model: active groups after the banner closed are no grant.
    let cfg = eager("onetrust");
    let tab = Tab::open(URL, "onetrust", &cfg);
    tab.js(&format!(
        "__ot.model = 'implied consent'; cmp.returning({ALL}); cmp.load();"
    ));
    tab.load(&cfg);
    tab.js("step(500); eq(__intercom.boots.length, 1, 'legitimate interest runs');
         eq(__intercom.boots[0].consent_guidance, false, 'implied is not consent');
         Intercom('startTour', 1); eq(calls('startTour'), []);");
    // A region where the geolocation rule shows no banner: answered, no signal either way.
    let cfg = eager("onetrust");
    let tab = Tab::open(URL, "onetrust", &cfg);
    tab.js("__ot.showBanner = false; __ot.defaults = ['C0003', 'C0004']; cmp.load();");
    tab.load(&cfg);
    tab.js(
        "step(500); eq(__intercom.boots.length, 1, 'legitimate interest runs without a banner');
         Intercom('startTour', 1); eq(calls('startTour'), [], 'a default-on group is not consent');",
    );
}

// ------------------------------------------------------------------------------- Cookiebot

#[test]
fn cookiebot_implied_consent_is_not_an_affirmative_grant() {
    let cfg = eager("cookiebot");
    let tab = Tab::open(URL, "cookiebot", &cfg);
    tab.js("__cb.implied(); cmp.load();");
    tab.load(&cfg);
    tab.js(
        "step(500); eq([Cookiebot.hasResponse, Cookiebot.consent.marketing, Cookiebot.consent.method], [true, true, 'implied']);
         eq(__intercom.boots.length, 1, 'legitimate interest runs');
         var b = __intercom.boots[0]; eq([b.consent_support, b.consent_guidance, b.consent_analytics], [true, false, false]);
         Intercom('startTour', 1); Intercom('trackEvent', 'x'); eq(calls('startTour').concat(calls('trackEvent')), []);
         __cb.acceptAll(); step(500);
         Intercom('startTour', 2); eq(calls('startTour'), [['startTour', 2]], 'an explicit choice grants');",
    );
    // An implied refusal is still a refusal.
    let tab = Tab::open(URL, "cookiebot", &cfg);
    tab.js("__cb.returning({preferences: false}, 'implied'); cmp.load();");
    tab.load(&cfg);
    tab.js("step(500); eq(__log.requests, []);");
}

// ------------------------------------------------------------------------------- Usercentrics

#[test]
fn usercentrics_implicit_consent_outside_the_eu_is_not_an_affirmative_grant() {
    for variant in ["usercentrics", "usercentrics-v2"] {
        let cfg = eager(variant);
        let tab = Tab::open(URL, variant, &cfg);
        tab.js("__uc.outsideEu(); cmp.load();");
        tab.load(&cfg);
        tab.js(
            "step(500); eq(__intercom.boots.length, 1, 'answered: legitimate interest runs');
             Intercom('startTour', 1); eq(calls('startTour'), [], 'an implicit given is no grant');
             __uc.acceptAll(); step(500);
             Intercom('startTour', 2); eq(calls('startTour'), [['startTour', 2]], 'an explicit choice grants');",
        );
    }
}

#[test]
fn usercentrics_a_service_name_it_does_not_know_grants_nothing() {
    for variant in ["usercentrics", "usercentrics-v2"] {
        let mut cfg = eager(variant);
        cfg["cmp"]["purposes"]["support"] = json!("Intercom Chat");
        for setup in [format!("cmp.returning({ALL});"), "__uc.outsideEu();".to_string()] {
            let tab = Tab::open(URL, variant, &cfg);
            tab.js(&format!("{setup} cmp.load();"));
            tab.load(&cfg);
            tab.js("step(500); eq(__log.requests, [], 'a misnamed service is no grant');");
        }
    }
}

#[test]
fn usercentrics_v2_listens_to_the_configured_event() {
    let mut cfg = eager("usercentrics-v2");
    cfg["cmp"]["options"]["event"] = json!("acmeConsent");
    let tab = Tab::open(URL, "usercentrics-v2", &cfg);
    tab.js("__uc.events = ['acmeConsent']; cmp.load();");
    tab.load(&cfg);
    tab.js(&format!(
        "step(500); eq(__log.requests, []);
         cmp.choose({SUPPORT_ONLY}); step(500);
         eq(__uc.fired.slice(-1), ['acmeConsent']); eq(__intercom.boots.length, 1);"
    ));
}

// ------------------------------------------------------------------------------- Didomi

#[test]
fn didomi_needs_the_vendor_too() {
    let cfg = eager("didomi");
    let tab = Tab::open(URL, "didomi", &cfg);
    tab.js("cmp.load();");
    tab.load(&cfg);
    tab.js(&format!(
        "step(500); __didomi.save({{purposes: {{'support-XyZ': true, 'guidance-XyZ': true}}, vendor: false}}); step(500);
         eq(__log.requests, [], 'purposes without the vendor grant nothing');
         cmp.choose({ALL}); step(500); eq(__intercom.boots.length, 1);"
    ));
    // The vendor is declared with all three purposes (as consentc's didomi-vendor.json does), so
    // Didomi's status for it reads enabled only when all three are: the visitor's own choice on
    // the vendor keeps the purposes granular.
    let tab = Tab::open(URL, "didomi", &cfg);
    tab.js("cmp.load();");
    tab.load(&cfg);
    tab.js(
        "step(500); cmp.choose({support: true, guidance: true, analytics: false}); step(500);
         eq(Didomi.getCurrentUserStatus().vendors['c:intercom-XyZ'].enabled, false, 'Didomi folds the purposes in');
         eq(__intercom.boots.length, 1, 'the messenger runs');
         Intercom('startTour', 1); Intercom('trackEvent', 'x');
         eq(calls('startTour'), [['startTour', 1]]); eq(calls('trackEvent'), [], 'analytics stays refused');",
    );
}

#[test]
fn didomi_keeps_the_pages_ready_queue_and_handles_no_regulation() {
    let cfg = eager("didomi");
    let tab = Tab::open(URL, "didomi", &cfg);
    tab.js("var pageReady = 0; window.didomiOnReady = [function () { pageReady++; }];");
    tab.load(&cfg);
    tab.js(&format!(
        "eq(didomiOnReady.length, 2, 'the loader queues behind the page'); eq(didomiEventListeners.length, 1);
         cmp.returning({SUPPORT_ONLY}); cmp.load(); step(500);
         eq(pageReady, 1); eq(__intercom.boots.length, 1);"
    ));
    // Regulation "none": Didomi asks nothing; answered, with no affirmative signal.
    let tab = Tab::open(URL, "didomi", &cfg);
    tab.js("__didomi.regulation = 'none'; cmp.load();");
    tab.load(&cfg);
    tab.js(
        "step(500); eq(Didomi.getCurrentUserStatus().purposes['guidance-XyZ'].enabled, true);
         eq(__intercom.boots.length, 1, 'legitimate interest runs');
         Intercom('startTour', 1); eq(calls('startTour'), [], 'consent needs a choice');",
    );
    // Didomi ready before the loader: the queue is an object whose push runs at once.
    let tab = Tab::open(URL, "didomi", &cfg);
    tab.js(&format!("cmp.returning({SUPPORT_ONLY}); cmp.load(); step(500);"));
    tab.load(&cfg);
    tab.js("step(500); eq(__intercom.boots.length, 1);");
}

// ------------------------------------------------------------------------------- TCF

#[test]
fn tcf_gdpr_not_applying_runs_legitimate_interest_only() {
    let cfg = eager("tcf");
    let tab = Tab::open(URL, "tcf", &cfg);
    tab.js("__tcf.gdprApplies = false; cmp.load();");
    tab.load(&cfg);
    tab.js(
        "step(500); eq(__intercom.boots.length, 1, 'legitimate interest and contract purposes run');
         var b = __intercom.boots[0]; eq([b.consent_support, b.consent_guidance, b.consent_analytics], [true, false, false]);
         Intercom('startTour', 1); Intercom('trackEvent', 'x');
         eq(calls('startTour').concat(calls('trackEvent')), [], 'consent purposes still need a grant');",
    );
}

#[test]
fn tcf_objection_reopened_ui_and_failures() {
    let cfg = eager("tcf");
    // An objection to the legitimate-interest purpose is a refusal.
    let tab = Tab::open(URL, "tcf", &cfg);
    tab.js("cmp.load();");
    tab.load(&cfg);
    tab.js(&format!(
        "step(500); eq(__log.requests, [], 'cmpuishown is no answer');
         __tcf.accept({{consents: {{2: true, 3: true}}, objections: [1]}}); step(500);
         eq(__log.requests, [], 'objected');
         cmp.choose({ALL}); step(500); eq(__intercom.boots.length, 1);"
    ));
    // The visitor reopens the CMP: the last answer holds until they act.
    tab.js(&format!(
        "__tcf.showUi(); step(500); eq(__intercom.shutdowns, 0, 'reopening is not a withdrawal');
         Intercom('startTour', 1); eq(calls('startTour'), [['startTour', 1]]);
         cmp.choose({NOTHING}); step(500); eq(__intercom.shutdowns, 1); eq(icCookies(), []);"
    ));
    // A CMP that answers success = false grants nothing.
    let tab = Tab::open(URL, "tcf", &cfg);
    tab.js(&format!("cmp.returning({ALL}); __tcf.failCalls = true; cmp.load();"));
    tab.load(&cfg);
    tab.js("step(5000); eq(__log.requests, []);");
}

// ------------------------------------------------------------------------------- Google Consent Mode

/// A Consent Mode page whose inline snippet is `setup` instead of the harness's default (every
/// type denied), with the loader running: what the page held before the loader counts as the
/// loader's first reading.
fn consent_mode_page(setup: &str) -> Tab {
    let cfg = eager("consent_mode");
    let tab = Tab::open(URL, "consent_mode", &cfg);
    tab.js(&format!("dataLayer.splice(0); {setup}"));
    tab.load(&cfg);
    tab
}

#[test]
fn consent_mode_a_default_never_grants() {
    let all_granted = "{ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted',
        analytics_storage: 'granted', functionality_storage: 'granted', personalization_storage: 'granted'}";
    let tab = consent_mode_page(&format!("gtag('consent', 'default', {all_granted});"));
    tab.js(&format!(
        "step(20000); {NOTHING_YET}
         gtag('consent', 'default', {all_granted}); step(500); eq(__log.requests, [], 'a default is no answer');"
    ));
    // An update answers: what it grants is granted, what only the default granted has no signal
    // (the legitimate-interest messenger runs, the consent purposes do not).
    tab.js(
        "gtag('consent', 'update', {personalization_storage: 'granted'}); step(500);
         eq(__intercom.boots.length, 1, 'answered: legitimate interest runs');
         var b = __intercom.boots[0]; eq([b.consent_support, b.consent_guidance, b.consent_analytics], [true, false, false]);
         Intercom('startTour', 1); Intercom('trackEvent', 'x');
         eq(calls('startTour').concat(calls('trackEvent')), [], 'granted by a default only');
         gtag('consent', 'update', {analytics_storage: 'granted'}); step(500);
         Intercom('trackEvent', 'y'); eq(calls('trackEvent'), [['trackEvent', 'y']], 'granted by an update');",
    );
}

#[test]
fn consent_mode_region_scoped_default_counts_as_denied() {
    // Granted everywhere but in the EEA, denied there by a region-scoped default: the loader
    // cannot know the visitor's region, so the strictest holds.
    let tab = consent_mode_page(
        "gtag('consent', 'default', {functionality_storage: 'granted', analytics_storage: 'granted'});
         gtag('consent', 'default', {functionality_storage: 'denied', region: ['AT', 'DE', 'FR'], wait_for_update: 500});",
    );
    tab.js(&format!(
        "step(1000); {NOTHING_YET}
         gtag('consent', 'update', {{analytics_storage: 'granted'}}); step(500);
         eq(__log.requests, [], 'functionality_storage counts as denied: the legitimate-interest messenger is refused');
         gtag('consent', 'update', {{functionality_storage: 'granted'}}); step(500);
         eq(__intercom.boots.length, 1, 'an update overrides the default');"
    ));
    // A region-scoped default counts as denying every type it names, even one it grants.
    let tab = consent_mode_page(
        "gtag('consent', 'default', {functionality_storage: 'granted', region: ['US']});
         gtag('consent', 'update', {analytics_storage: 'granted'});",
    );
    tab.js(
        "step(500); eq(__log.requests, [], 'granted for some region only: denied here');
         gtag('consent', 'update', {functionality_storage: 'granted'}); step(500); eq(__intercom.boots.length, 1);",
    );
}

#[test]
fn consent_mode_a_late_update_is_still_obeyed() {
    let tab = consent_mode_page(CONSENT_MODE_DEFAULT);
    tab.js(&format!(
        "step(120000); {NOTHING_YET}
         gtag('consent', 'update', {{functionality_storage: 'granted', ad_storage: 'granted', ad_personalization: 'granted'}}); step(500);
         eq(__intercom.boots.length, 1, 'after the polling window: the wrapped push still reports');
         Intercom('startTour', 1); eq(calls('startTour'), [['startTour', 1]]);"
    ));
    // Pushed as an array instead of gtag's Arguments object: read the same way.
    let tab = consent_mode_page(CONSENT_MODE_DEFAULT);
    tab.js(
        "step(30000); dataLayer.push(['consent', 'update', {functionality_storage: 'granted'}]); step(500);
         eq(__intercom.boots.length, 1);",
    );
}

#[test]
fn consent_mode_a_list_value_needs_every_type_and_a_withdrawal_cleans_up() {
    let tab = consent_mode_page(CONSENT_MODE_DEFAULT);
    tab.js(
        "gtag('consent', 'update', {functionality_storage: 'granted', ad_storage: 'granted'}); step(500);
         eq(__intercom.boots.length, 1);
         Intercom('startTour', 1); eq(calls('startTour'), [], 'ad_personalization still denied by the default');
         gtag('consent', 'update', {ad_personalization: 'granted'}); step(500);
         Intercom('startTour', 2); eq(calls('startTour'), [['startTour', 2]], 'every type granted');
         eq(__intercom.updates[__intercom.updates.length - 1].consent_guidance, true);
         gtag('consent', 'update', {ad_storage: 'denied'}); step(500);
         Intercom('startTour', 3); eq(calls('startTour'), [['startTour', 2]], 'one type withdrawn blocks the purpose');
         eq(__intercom.shutdowns, 0);",
    );
    // Withdrawing the messenger's type shuts the widget down and removes what it stored.
    tab.js("assert(icCookies().length === 3, 'the widget set its cookies');
         gtag('consent', 'update', {functionality_storage: 'denied'}); step(500);
         eq(__intercom.shutdowns, 1); eq(icCookies(), []); eq(icStorage(), []); eq(widgetDom(), 0);
         Intercom('show'); eq(calls('show'), []);");
}

#[test]
fn consent_mode_survives_tag_manager_replacing_the_push() {
    // Google Tag Manager and gtag.js install their own push when they load; theirs calls the
    // push they found (ours), as their data layer helper does.
    let tab = consent_mode_page(CONSENT_MODE_DEFAULT);
    tab.js(
        "step(200); var gtmSeen = 0; var found = dataLayer.push;
         dataLayer.push = function () { var r = found.apply(dataLayer, arguments); gtmSeen += arguments.length; return r; };
         eq(dataLayer.push({event: 'gtm.js'}), dataLayer.length, 'push returns the new length');
         gtag('consent', 'update', {functionality_storage: 'granted'}); step(50);
         eq(__intercom.boots.length, 1, 'seen at once through the chain'); eq(gtmSeen, 2, 'their push still runs');",
    );
    // A replacement that calls Array.prototype.push itself, inside the polling window: the loader
    // puts its wrapper back and reads on from the last entry it took.
    let tab = consent_mode_page(CONSENT_MODE_DEFAULT);
    tab.js("step(200); var gtmSeen = 0;
         dataLayer.push = function () { gtmSeen++; return Array.prototype.push.apply(dataLayer, arguments); };
         gtag('consent', 'update', {functionality_storage: 'granted'}); eq(__log.requests, []);
         step(300); eq(__intercom.boots.length, 1, 'read on the next check');
         gtag('consent', 'update', {functionality_storage: 'denied'}); step(50);
         eq(__intercom.shutdowns, 1, 'the wrapper is back: seen at once'); eq(gtmSeen, 2, 'their push still runs');");
    // The same after the polling window: the next read (pageshow, visibility, navigation) finds it.
    let tab = consent_mode_page(CONSENT_MODE_DEFAULT);
    tab.js("step(20000);
         dataLayer.push = function () { return Array.prototype.push.apply(dataLayer, arguments); };
         gtag('consent', 'update', {functionality_storage: 'granted'}); step(5000); eq(__log.requests, []);
         reread(); step(500); eq(__intercom.boots.length, 1, 'the re-read takes the missed update');
         gtag('consent', 'update', {functionality_storage: 'denied'}); step(500); eq(__intercom.shutdowns, 1);");
}

/// The adapter alone, with the seam's names stubbed: its reports, including the third argument
/// (`change`) the core does not read yet.
#[test]
fn consent_mode_reports_say_whether_they_are_a_change() {
    let adapter = include_str!("../templates/adapters/consent_mode.js.hbs");
    let cfg = eager("consent_mode");
    let run = |setup: &str, then: &str, expected: Value| {
        let tab = common::Tab::blank(URL, "consent_mode", "consent_mode", &cfg);
        tab.js(&format!(
            "function newMap() {{ return Object.create(null); }}
             var polls = 0; function poll(find) {{ polls++; find(); }}
             function gtag(){{dataLayer.push(arguments);}}
             var reports = [];
             {adapter}
             {setup}
             var api = adapter({{a: 'analytics_storage', b: ['ad_storage', 'ad_user_data']}}, 0,
               function (answered, states, change) {{ reports.push([answered, states.a, states.b, change]); }});
             {then}"
        ));
        assert_eq!(tab.val("reports"), expected, "{setup} / {then}");
    };
    // The first reading is no change, whatever it holds.
    run(
        "window.dataLayer = []; gtag('consent', 'default', {analytics_storage: 'denied'}); gtag('consent', 'update', {analytics_storage: 'granted', ad_storage: 'granted'});",
        "",
        json!([[true, true, null, false]]),
    );
    // An answer that arrives later is the CMP's first answer (a replay looks the same): no
    // change; the next one is, and the flag stays.
    run(
        "window.dataLayer = []; gtag('consent', 'default', {analytics_storage: 'denied'});",
        "gtag('consent', 'update', {analytics_storage: 'granted'}); gtag('event', 'page_view');
         gtag('consent', 'update', {ad_storage: 'granted', ad_user_data: 'granted'}); api.read();",
        json!([
            [false, false, null, false],
            [true, true, null, false],
            [true, true, true, true],
            // A re-read after a change still reports one: the flag stays, as in every adapter.
            [true, true, true, true]
        ]),
    );
    // A throwing dataLayer: not answered.
    run(
        "Object.defineProperty(window, 'dataLayer', {get: function () { throw new Error('x'); }});",
        "",
        json!([[false, null, null, false]]),
    );
}

// ------------------------------------------------------------------------------- size

/// The whole loader's budget (the spec's: 3 KB, the facade 1 KB more, 2 KB for the
/// messenger-only policy) is checked for every CMP by `sizes_only_go_down_towards_2k` in
/// tests/loader_js.rs; here each
/// adapter's share is kept small: what it adds over the `custom` adapter, the smallest one.
#[test]
fn adapter_sizes() {
    let mut custom = eager("tcf");
    custom["cmp"] = json!({"name": "custom", "purposes": {}, "options": {}, "script_attrs": {}});
    let base = gzip_len(&render_loader(&custom, "custom").expect("renders"));
    println!("loader sizes (bytes): cmp, raw, gzip without facade, gzip over custom; gzip with facade");
    println!(
        "{:>14} {:>6} {base:>6}",
        "custom",
        render_loader(&custom, "custom").map(|s| s.len()).unwrap_or(0)
    );
    for cmp in CMPS {
        let with = render_loader(&config(cmp, json!({})), cmp).expect("renders");
        let without = render_loader(&eager(cmp), cmp).expect("renders");
        let (gw, gwo) = (gzip_len(&with), gzip_len(&without));
        let extra = gwo.saturating_sub(base);
        println!("{cmp:>14} {:>6} {gwo:>6} {extra:>6}   {gw:>6}", without.len());
        assert!(extra < 420, "[{cmp}] the adapter adds {extra} bytes gzipped");
    }
}
