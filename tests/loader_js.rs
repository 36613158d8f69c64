//! The generated loader, executed: each test renders the loader for a CMP, runs it in QuickJS
//! inside a fake browser (tests/js/fake_browser.js) with a fake Intercom widget and fake CMPs,
//! and asserts on what the JavaScript did (requests, cookies, storage, DOM, widget calls).

mod common;

use common::*;
use consentc::emit::loader::{known_cmps, render_loader, render_unmangled};
use serde_json::{json, Value};

#[test]
fn nothing_happens_before_consent() {
    for cmp in CMPS {
        for cfg in [eager(cmp), config(cmp, json!({}))] {
            let tab = Tab::open(URL, cmp, &cfg);
            tab.js("window.intercomSettings = {app_id: 'abc123xy', email: 'a@b.c', user_hash: 'h'}; cmp.load();");
            tab.load(&cfg);
            tab.js(
                "Intercom('boot', {app_id: 'abc123xy', name: 'Ann'}); Intercom('trackEvent', 'signup');
                 Intercom('startTour', 7); Intercom('show'); Intercom('update', {plan: 'pro'});
                 step(60000);
                 eq(__log.requests, [], 'no request at all');
                 eq(icCookies(), [], 'no intercom cookie');
                 eq(icStorage(), [], 'no intercom storage');
                 eq(__intercom.calls, [], 'the widget received nothing');
                 eq(document.querySelectorAll('iframe').length, 0, 'no frame');
                 eq(typeof window.Intercom, 'function', 'the page can still call Intercom');
                 eq(Intercom.booted, false, 'not booted');
                 eq(Intercom.q, [['shutdown']], 'a widget loaded by anyone else finds shutdown: no auto-boot');
                 eq(window.intercomSettings.email, undefined, 'identity is not exposed before a grant');",
            );
        }
    }
}

#[test]
fn returning_visitor_gets_one_boot_with_what_is_granted() {
    for cmp in CMPS {
        let cfg = eager(cmp);
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js(
            "cmp.returning({support: true, guidance: false, analytics: true}); cmp.load();
             window.intercomSettings = {app_id: 'abc123xy', alignment: 'left', plan: 'pro', email: 'a@b.c', api_base: 'https://evil.test', consent_guidance: true};",
        );
        tab.load(&cfg);
        tab.js("step(500);");
        let attrs = cmp_block(cmp)["script_attrs"].clone();
        tab.js(&format!(
            "var r = widgetRequests();
             eq(r.length, 1, 'one widget script');
             eq(r[0].nonce, {NONCE:?}, 'the loader passes its CSP nonce');
             eq(r[0].attrs, Object.assign({{src: WIDGET}}, {attrs}), 'CMP category attributes on the widget script');
             eq(__intercom.boots.length, 1, 'exactly one boot');
             eq(__intercom.autoBoots, 0, 'no auto-boot from intercomSettings');
             var b = __intercom.boots[0];
             eq(b.app_id, 'abc123xy'); eq(b.api_base, 'https://api-iam.eu.intercom.io', 'regional api_base');
             eq(b.hide_notifications, false, 'a behavioural purpose is granted');
             eq([b.consent_support, b.consent_guidance, b.consent_analytics], [true, false, true], 'consent attributes');
             eq(b.alignment, 'left', 'messenger settings pass'); eq(b.plan, 'pro', 'custom data with its leaf');
             eq(b.email, undefined, 'identity leaf is off in this policy');
             eq(Intercom.booted, true, 'booted once the widget booted');
             assert(window.Intercom !== __intercom.api, 'the page still sees the firewall');
             eq(icCookies().map(function (c) {{ return [c.name, c.domain, c.hostOnly]; }}).sort(),
                [['intercom-device-id-abc123xy', 'acme.test', false], ['intercom-id-abc123xy', 'acme.test', false], ['intercom-session-abc123xy', 'acme.test', false]]);"
        ));
    }
}

#[test]
fn each_purpose_unlocks_exactly_its_methods() {
    for cmp in CMPS {
        let cfg = eager(cmp);
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("cmp.load();");
        tab.load(&cfg);
        tab.js(&format!("cmp.choose({SUPPORT_ONLY}); step(500);"));
        tab.js(
            "eq(__intercom.boots.length, 1);
             eq(__intercom.boots[0].hide_notifications, true, 'no behavioural purpose granted');
             Intercom('startTour', 7); Intercom('trackEvent', 'clicked'); Intercom('notAMethod', 1); Intercom('constructor');
             Intercom('show'); Intercom('showArticle', 12); Intercom('hide');
             eq(Intercom('getVisitorId'), 'visitor-42', 'return values pass through');
             eq(calls('startTour'), [], 'tours need guidance'); eq(calls('trackEvent'), [], 'events need analytics');
             eq(calls('notAMethod').concat(calls('constructor')), [], 'unknown methods are dropped');
             eq(calls('show'), [['show']]); eq(calls('showArticle'), [['showArticle', 12]]); eq(calls('hide'), [['hide']]);",
        );
        tab.js(
            "cmp.choose({support: true, guidance: true, analytics: false}); step(100);
             var u = __intercom.updates[__intercom.updates.length - 1];
             eq([u.consent_guidance, u.hide_notifications], [true, false], 'consent attributes follow the change');
             Intercom('startTour', 7); Intercom('trackEvent', 'clicked');
             eq(calls('startTour'), [['startTour', 7]], 'guidance unlocks tours'); eq(calls('trackEvent'), []);",
        );
        tab.js(
            "cmp.choose({support: true, guidance: false, analytics: true}); step(100);
             Intercom('startTour', 8); Intercom('trackEvent', 'bought', {n: 1});
             eq(calls('startTour'), [['startTour', 7]], 'a withdrawn purpose blocks at once');
             eq(calls('trackEvent'), [['trackEvent', 'bought', {n: 1}]], 'analytics unlocks events');
             eq(__intercom.boots.length, 1, 'the messenger stays: no re-boot');
             Intercom('shutdown'); eq(__intercom.shutdowns, 1, 'shutdown is always forwarded');",
        );
    }
}

#[test]
fn identity_needs_its_leaf_a_grant_and_verification() {
    let identity_on = json!({"load": "when_granted", "facade": null, "pages": null,
        "leaves": {"intercom.identity": {"purpose": "support", "requires": ["intercom.messenger"]}}});
    let cases: [(&Value, &str, bool); 4] = [
        (&identity_on, "user_hash: 'hmac'", true),
        (&identity_on, "intercom_user_jwt: 'e.y.j'", true),
        (&identity_on, "", false),
        (
            &json!({"load": "when_granted", "facade": null, "pages": null}),
            "user_hash: 'hmac'",
            false,
        ),
    ];
    for cmp in CMPS {
        for (patch, verification, sent) in cases {
            let cfg = config(cmp, patch.clone());
            let tab = Tab::open(URL, cmp, &cfg);
            tab.js(&format!(
                "cmp.returning({ALL}); cmp.load();
                 window.intercomSettings = {{app_id: 'abc123xy', user_id: 'u1', email: 'a@b.c', name: 'Ann', {verification}}};"
            ));
            tab.load(&cfg);
            tab.js("step(500); Intercom('update', {email: 'new@b.c', company: {id: 1}});");
            let boot = tab.val("__intercom.boots[0]");
            let update = tab.val("__intercom.updates[__intercom.updates.length - 1]");
            let keys = ["user_id", "email", "name"];
            for k in keys {
                assert_eq!(boot.get(k).is_some(), sent, "[{cmp}] boot {k} ({verification}): {boot}");
            }
            assert_eq!(update.get("email").is_some(), sent, "[{cmp}] update email: {update}");
            assert_eq!(
                update.get("company").is_some(),
                sent,
                "[{cmp}] update company: {update}"
            );
            let verified = boot.get("user_hash").is_some() || boot.get("intercom_user_jwt").is_some();
            assert_eq!(verified, sent, "[{cmp}] verification passed only with identity: {boot}");
        }
    }
}

#[test]
fn custom_attributes_only_with_the_attributes_leaf() {
    for cmp in CMPS {
        let cfg = eager(cmp);
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("cmp.load(); window.intercomSettings = {app_id: 'abc123xy', plan: 'pro', z_index: 9, hide_notifications: false};");
        tab.load(&cfg);
        tab.js(&format!(
            "cmp.choose({SUPPORT_ONLY}); step(500);
             var b = __intercom.boots[0];
             eq([b.plan, b.z_index, b.hide_notifications], [undefined, 9, true], 'custom data needs analytics; ours win');
             Intercom('update', {{plan: 'team', seats: 3, alignment: 'right'}});
             var u = __intercom.updates[__intercom.updates.length - 1];
             eq([u.plan, u.seats, u.alignment], [undefined, undefined, 'right']);
             cmp.choose({ALL}); step(100);
             Intercom('update', {{plan: 'team', seats: 3}});
             u = __intercom.updates[__intercom.updates.length - 1];
             eq([u.plan, u.seats], ['team', 3], 'custom data once analytics is granted');"
        ));
    }
}

#[test]
fn the_firewall_holds_after_the_widget_assigns_itself_and_after_delete() {
    for cmp in CMPS {
        let cfg = eager(cmp);
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("cmp.load();");
        tab.load(&cfg);
        tab.js(&format!("cmp.choose({SUPPORT_ONLY}); step(500);"));
        tab.js("assert(__intercom.api, 'the widget assigned window.Intercom');
             assert(window.Intercom !== __intercom.api, 'the accessor captured it');
             Intercom('startTour', 1); eq(calls('startTour'), [], 'still filtered');
             delete window.Intercom;
             eq(typeof window.Intercom, 'undefined');
             step(1100);
             eq(typeof window.Intercom, 'function', 're-installed after delete');
             Intercom('startTour', 2); Intercom('show');
             eq(calls('startTour'), [], 'still filtered after delete'); eq(calls('show').length, 1);
             delete window.Intercom; window.Intercom = __intercom.api; step(1100);
             assert(window.Intercom !== __intercom.api, 'the widget re-assigning itself is adopted, not exposed');
             Intercom('startTour', 3); eq(calls('startTour'), []);
             eq(__intercom.shutdowns, 0, 'adopting the widget is not a tripwire');");
        // Something else takes window.Intercom over: shut down and fail closed for good.
        tab.js(&format!(
            "var evilCalls = [];
             Object.defineProperty(window, 'Intercom', {{configurable: true, writable: true, value: function () {{ evilCalls.push([].slice.call(arguments)); }}}});
             step(1100);
             eq(__intercom.shutdowns, 1, 'the tripwire shuts the widget down');
             eq(evilCalls, [['shutdown']], 'and the replacement');
             eq(icCookies(), [], 'cleaned up'); eq(widgetDom(), 0);
             eq(typeof Intercom.booted, 'boolean', 'the firewall is back');
             cmp.choose({ALL}); step(1000);
             eq(loads(), 1, 'failed closed: no new load'); eq(__intercom.boots.length, 1);
             Intercom('show'); eq(calls('show').length, 1, 'nothing forwarded any more');"
        ));
    }
}

#[test]
fn booted_is_reported_after_the_real_boot_and_forgotten_on_withdrawal() {
    for cmp in CMPS {
        let cfg = eager(cmp);
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("cmp.load();");
        tab.load(&cfg);
        tab.js(&format!(
            "eq(Intercom.booted, false);
             cmp.choose({SUPPORT_ONLY}); step(1);
             eq(loads(), 1); eq(Intercom.booted, false, 'not while the widget loads');
             assert(Array.isArray(Intercom.q), 'the widget gets a queue to drain');
             step(500); eq(Intercom.booted, true); eq(Intercom.q, [['shutdown']], 'our queue was drained');
             cmp.choose({NOTHING}); step(100);
             eq(Intercom.booted, false, 'forgotten on withdrawal');
             cmp.choose({SUPPORT_ONLY}); step(500);
             eq(__intercom.shimSkipped, copies(), 'a stale flag never blocks the next boot (only copies skip)');
             eq(__intercom.boots.length, 2); eq(Intercom.booted, true);"
        ));
    }
}

#[test]
fn withdrawal_undoes_the_browser_side_and_a_later_grant_starts_from_scratch() {
    for cmp in CMPS {
        let cfg = eager(cmp);
        let tab = Tab::open("https://app.example.co.uk/app/home", cmp, &cfg);
        tab.js("cmp.load();
             document.cookie = 'flag; path=/';
             document.cookie = 'intercom-session-abc123xy=old; path=/';
             document.cookie = 'intercom-id-abc123xy=old2; path=/; domain=app.example.co.uk';
             document.cookie = 'keep=1; path=/; domain=example.co.uk';
             localStorage.setItem('keep', '1'); sessionStorage.setItem('intercom.x', '1');");
        tab.load(&cfg);
        tab.js(&format!("cmp.choose({ALL}); step(500);"));
        tab.js(
            "eq(__intercom.boots.length, 1);
             assert(icCookies().some(function (c) { return c.domain === 'example.co.uk'; }), 'the widget used the parent domain');
             assert(icStorage().length >= 2); assert(widgetDom() >= 4, 'frame, containers, script');",
        );
        tab.js(&format!(
            "__bc.sent = [];
             cmp.choose({NOTHING}); step(100);
             eq(__intercom.shutdowns, 1, 'shutdown');
             eq(icCookies(), [], 'every intercom cookie: host-only and each parent domain');
             assert(__cookies().some(function (c) {{ return c.name === 'keep' && c.domain === 'example.co.uk'; }}), 'other cookies stay');
             eq(icStorage(), [], 'intercom.* storage removed'); eq(localStorage.getItem('keep'), '1');
             eq(widgetDom(), 0, 'widget script, frame, containers removed');
             eq(Intercom.booted, false); eq(typeof Intercom, 'function');
             assert(__bc.sent.length === 1 && __bc.sent[0].data.indexOf('support') >= 0, 'other tabs are told');
             Intercom('show'); eq(calls('show'), [], 'nothing forwarded after withdrawal');
             cmp.choose({ALL}); step(500);
             eq(loads(), 2, 'the widget is loaded again');
             eq(__intercom.scriptRuns - copies(), 2); eq(__intercom.shimSkipped, copies()); eq(__intercom.frames, 2);
             eq(__intercom.boots.length, 2, 'and boots from scratch');
             eq(icCookies().length, 3);"
        ));
    }
}

#[test]
fn a_withdrawal_while_the_widget_loads_never_boots_it() {
    for cmp in CMPS {
        let cfg = eager(cmp);
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("cmp.load();");
        tab.load(&cfg);
        tab.js(&format!(
            "cmp.choose({ALL}); step(1); eq(loads(), 1, 'requested');
             cmp.choose({NOTHING}); step(500);
             eq(__intercom.scriptRuns - copies(), 1, 'the script still ran');
             eq(__intercom.boots, [], 'but never booted'); eq(__intercom.autoBoots, 0);
             eq(icCookies(), []); eq(widgetDom(), 0, 'and was cleaned up'); eq(Intercom.booted, false);
             cmp.choose({ALL}); step(500); eq(__intercom.boots.length, 1, 'a new grant boots once');"
        ));
    }
}

#[test]
fn a_second_copy_of_the_widget_script_does_nothing() {
    for cmp in CMPS {
        let cfg = eager(cmp);
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("cmp.load();");
        tab.load(&cfg);
        // A CMP that manages tagged scripts (Klaro does, see its fake) or the page itself may
        // insert the widget script again while it loads.
        tab.js(&format!(
            "cmp.choose({ALL}); step(1);
             var copy = document.createElement('script'); copy.src = WIDGET; document.head.appendChild(copy);
             step(500);
             eq(__intercom.scriptRuns - copies(), 2, 'every copy ran');
             eq(__intercom.frames, 1, 'one frame'); eq(__intercom.boots.length, 1, 'one boot');
             eq(icCookies().length, 3, 'nothing cleaned up'); eq(Intercom.booted, true);
             cmp.choose({NOTHING}); step(100);
             eq(widgetDom(), 0, 'every copy of the script is removed on withdrawal');"
        ));
    }
}

#[test]
fn a_widget_the_loader_did_not_load_is_shut_down() {
    for cmp in CMPS {
        let cfg = eager(cmp);
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("cmp.load();");
        tab.load(&cfg);
        tab.js(&format!(
            "var s = document.createElement('script'); s.src = WIDGET; document.body.appendChild(s); step(500);
             eq(__intercom.frames, 1, 'the stray widget ran');
             eq(__intercom.boots, [], 'it found shutdown in the queue: no auto-boot');
             eq(icCookies(), []); eq(document.querySelectorAll('iframe').length, 0, 'its frame is removed');
             assert(window.Intercom !== __intercom.api, 'and it is not exposed');
             cmp.choose({ALL}); step(500); eq(__intercom.boots.length, 1, 'the loader still boots it once granted');"
        ));
    }
}

/// Intercom loaded outside the loader (a snippet left in a template, an Intercom client bundled
/// before the loader) is shut down and reported in the console, never silently
/// (docs/frameworks.md); the loader's own widget finishing after a withdrawal is not reported.
#[test]
fn intercom_loaded_outside_the_loader_is_reported() {
    let reported = "__log.console.filter(function (m) { return m.indexOf('consentc: Intercom ran outside the loader') === 0; }).length";
    for cmp in CMPS {
        let cfg = eager(cmp);
        // The widget ran (and auto-booted) before the loader.
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("window.intercomSettings = {app_id: 'abc123xy'};
             var s = document.createElement('script'); s.src = WIDGET; document.head.appendChild(s); step(500);
             eq(__intercom.autoBoots, 1, 'the stray widget booted'); assert(icCookies().length > 0);");
        tab.load(&cfg);
        tab.js(&format!(
            "cmp.load(); step(100);
             eq({reported}, 1, 'reported once');
             eq(__intercom.shutdowns, 1, 'and shut down'); eq(icCookies(), [], 'its cookies removed'); eq(widgetDom(), 0);
             cmp.choose({ALL}); step(500); eq(__intercom.boots.length, 2, 'the loader boots its own widget once granted');
             eq({reported}, 1);"
        ));
        // A widget script added after the loader started.
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("cmp.load();");
        tab.load(&cfg);
        tab.js(&format!(
            "var s = document.createElement('script'); s.src = WIDGET; document.body.appendChild(s); step(500);
             eq({reported}, 1, 'a stray widget is reported');"
        ));
        // The loader's own widget, finishing after a withdrawal: no report.
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("cmp.load();");
        tab.load(&cfg);
        tab.js(&format!(
            "cmp.choose({ALL}); step(1); cmp.choose({NOTHING}); step(500);
             eq(__intercom.scriptRuns - copies(), 1); eq({reported}, 0, 'our own late widget is no stray');"
        ));
        // The tripwire.
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("cmp.load();");
        tab.load(&cfg);
        tab.js(&format!(
            "cmp.choose({ALL}); step(500);
             Object.defineProperty(window, 'Intercom', {{value: function () {{}}, configurable: true, writable: true}}); step(1500);
             eq({reported}, 1, 'a replaced window.Intercom is reported'); eq(widgetDom(), 0);"
        ));
    }
}

#[test]
fn fails_closed_when_the_cmp_is_absent_or_throws() {
    for cmp in ["cookieconsent", "klaro"] {
        let cfg = eager(cmp);
        // Absent: nothing ever answers.
        let tab = Tab::open(URL, cmp, &cfg);
        tab.load(&cfg);
        tab.js("step(120000); eq(__log.requests, []); eq(__intercom.calls, []); eq(icCookies(), []);");
        // Throws from the first read.
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js(&format!("cmp.returning({ALL}); cmp.load(); cmp.breakIt();"));
        tab.load(&cfg);
        tab.js("step(30000); eq(__log.requests, [], 'a throwing CMP grants nothing'); eq(__intercom.calls, []);");
        // Works, then throws on a re-read: the loader closes.
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js(&format!("cmp.returning({ALL}); cmp.load();"));
        tab.load(&cfg);
        tab.js("step(500); eq(__intercom.boots.length, 1);
             cmp.breakIt(); __setVisibility('hidden'); __setVisibility('visible'); step(100);
             eq(__intercom.shutdowns, 1, 'a CMP that starts throwing closes everything'); eq(icCookies(), []);");
    }
    // The custom banner never calls set(): pending forever.
    let cfg = eager("custom");
    let tab = Tab::open(URL, "custom", &cfg);
    tab.load(&cfg);
    tab.js("step(120000); eq(__log.requests, []); eq(typeof consentc.set, 'function');");
}

#[test]
fn a_late_cmp_is_still_obeyed() {
    for cmp in CMPS {
        for delay in [3000, 20000] {
            let cfg = eager(cmp);
            let tab = Tab::open(URL, cmp, &cfg);
            tab.js(&format!("cmp.returning({ALL});"));
            if cmp == "custom" {
                // The site's banner script is late: its queue did not exist when the loader ran.
                tab.js("delete window.consentc;");
            }
            tab.load(&cfg);
            tab.js(&format!(
                "step({delay}); eq(__log.requests, [], 'nothing before the CMP answers');
                 cmp.load(); if (CMP === 'custom') consentc.set({ALL}); step(500);"
            ));
            if cmp == "klaro" && delay > 10000 {
                // Past the polling window, Klaro has no event of its own: the next re-read
                // (page shown again, tab visible again) applies it.
                tab.js("eq(loads(), 0); __pageshow(true); step(500);");
            }
            tab.js("eq(loads(), 1, 'the late answer is obeyed'); eq(__intercom.boots.length, 1);");
        }
    }
}

#[test]
fn gpc_honor_and_strict() {
    for cmp in CMPS {
        for (gpc, explicit_grant_counts) in [("honor", true), ("strict", false)] {
            let patch = json!({"load": "when_granted", "facade": null, "pages": null,
                "purposes": {"support": {"basis": "legitimate_interest", "gpc": gpc, "behavioural": false}}});
            let cfg = config(cmp, patch);
            let tab = Tab::open(URL, cmp, &cfg);
            tab.js("navigator.globalPrivacyControl = true; cmp.load();");
            tab.load(&cfg);
            // A custom banner says on load that the visitor has not chosen yet (docs/cmps/custom.md).
            tab.js(&format!(
                "if (CMP === 'custom') consentc.set({{}}); cmp.choose({ALL}); step(500);"
            ));
            let booted = tab.val("__intercom.boots.length") == json!(1);
            assert_eq!(
                booted, explicit_grant_counts,
                "[{cmp}] gpc {gpc} with an explicit grant"
            );
            if booted {
                tab.js("eq(__intercom.boots[0].consent_support, true);");
            }
        }
        // Without GPC the same policies treat a legitimate-interest purpose as granted once the
        // CMP answered without an objection.
        let patch = json!({"load": "when_granted", "facade": null, "pages": null,
            "purposes": {"support": {"basis": "legitimate_interest", "gpc": "strict", "behavioural": false}}});
        let cfg = config(cmp, patch);
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("navigator.globalPrivacyControl = false; cmp.load();");
        tab.load(&cfg);
        tab.js(&format!(
            "cmp.choose({ALL}); step(500); eq(__intercom.boots.length, 1);"
        ));
    }
    // Honor: a legitimate-interest purpose with no affirmative signal is denied under GPC
    // (only the custom banner can say "no signal" for one purpose).
    let patch = json!({"load": "when_granted", "facade": null, "pages": null,
        "purposes": {"support": {"basis": "legitimate_interest", "gpc": "honor", "behavioural": false}}});
    for (gpc, boots) in [("true", 0), ("undefined", 1)] {
        let cfg = config("custom", patch.clone());
        let tab = Tab::open(URL, "custom", &cfg);
        tab.js(&format!("navigator.globalPrivacyControl = {gpc};"));
        tab.load(&cfg);
        tab.js(&format!(
            "consentc.set({{guidance: true}}); step(500); eq(__intercom.boots.length, {boots}, 'gpc {gpc}');"
        ));
    }
}

/// The bases at run time: `consent` needs a grant, `legitimate_interest` any answer but a
/// refusal (an objection), `contract` any answer at all (Art. 6(1)(b) carries no right to
/// object). Nothing before the CMP answers.
#[test]
fn each_basis_has_its_run_time_meaning() {
    for cmp in CMPS {
        for (basis, boots_on_refusal) in [("consent", 0), ("legitimate_interest", 0), ("contract", 1)] {
            let patch = json!({"load": "when_granted", "facade": null, "pages": null,
                "purposes": {"support": {"basis": basis, "gpc": "ignore", "behavioural": false}}});
            let cfg = config(cmp, patch);
            let tab = Tab::open(URL, cmp, &cfg);
            tab.js("cmp.load();");
            tab.load(&cfg);
            tab.js(&format!(
                "step(500); eq(__intercom.boots.length, 0, '[{cmp}] {basis}: pending until the CMP answers');
                 cmp.choose({NOTHING}); step(500);
                 eq(__intercom.boots.length, {boots_on_refusal}, '[{cmp}] {basis} after a refusal');"
            ));
        }
    }
}

/// GPC `honor` (CCPA regulations §7025(c)(3)): under the signal, only a grant the visitor gave
/// while the signal was on counts. A stored grant from before the signal does not; a grant made
/// on a page under the signal does, and is remembered under `consentc:<policy>:gpc` across a
/// reload; a refusal forgets it. Without the signal the stored grant counts as usual.
#[test]
fn gpc_honor_counts_only_grants_given_under_the_signal() {
    const KEY: &str = "consentc:acme_app:gpc";
    for cmp in CMPS {
        let patch = json!({"load": "when_granted", "facade": null, "pages": null,
            "purposes": {"support": {"basis": "consent", "gpc": "honor", "behavioural": false}}});
        let cfg = config(cmp, patch);
        // A grant stored before the signal: replayed on load, it is not a grant under the signal.
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js(&format!(
            "navigator.globalPrivacyControl = true; cmp.returning({ALL}); cmp.load();"
        ));
        tab.load(&cfg);
        tab.js(&format!(
            "step(500); eq(__intercom.boots.length, 0, '[{cmp}] a stored grant from before the signal');
             eq(localStorage.getItem('{KEY}'), null);"
        ));
        // The same stored grant without the signal counts.
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js(&format!(
            "navigator.globalPrivacyControl = false; cmp.returning({ALL}); cmp.load();"
        ));
        tab.load(&cfg);
        tab.js(&format!(
            "step(500); eq(__intercom.boots.length, 1, '[{cmp}] no signal');"
        ));
        // A grant given on this page under the signal counts and is recorded.
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("navigator.globalPrivacyControl = true; cmp.load();");
        tab.load(&cfg);
        tab.js(&format!(
            "if (CMP === 'custom') consentc.set({{}});
             step(500); eq(__intercom.boots.length, 0, 'nothing before the choice');
             cmp.choose({ALL}); step(500);
             eq(__intercom.boots.length, 1, '[{cmp}] a grant under the signal');
             eq(localStorage.getItem('{KEY}').split(' ').indexOf('support') >= 0, true, 'recorded');"
        ));
        let recorded = tab.val(&format!("localStorage.getItem('{KEY}')"));
        // A reload: the CMP replays the grant, and the record says it was given under the signal.
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js(&format!(
            "navigator.globalPrivacyControl = true; localStorage.setItem('{KEY}', {recorded}); cmp.returning({ALL}); cmp.load();"
        ));
        tab.load(&cfg);
        tab.js(&format!(
            "step(500); eq(__intercom.boots.length, 1, '[{cmp}] after a reload');"
        ));
        // A refusal forgets it: the next grant must be given under the signal again.
        tab.js(&format!(
            "cmp.choose({NOTHING}); step(500);
             eq(localStorage.getItem('{KEY}'), '', '[{cmp}] forgotten on refusal');
             eq(__intercom.shutdowns, 1, '[{cmp}] the widget is shut down');"
        ));
        // The record is the loader's own, outside the vendor's storage prefix that cleanup removes.
        assert!(!KEY.starts_with("intercom."));
    }
}

#[test]
fn pages_and_single_page_navigation() {
    for cmp in CMPS {
        let cfg = config(
            cmp,
            json!({"load": "when_granted", "facade": null, "pages": ["/app/**", "/help/*"]}),
        );
        let tab = Tab::open("https://app.acme.test/pricing", cmp, &cfg);
        tab.js(&format!("cmp.returning({SUPPORT_ONLY}); cmp.load();"));
        tab.load(&cfg);
        tab.js("step(500); eq(__log.requests, [], 'not on a page of the policy');
             history.pushState({}, '', '/apple'); step(500); eq(__log.requests, [], '/app/** is not /apple');
             history.pushState({}, '', '/app'); step(500);
             eq(__intercom.boots.length, 1, '/app/** covers /app itself');
             history.pushState({}, '', '/app/settings/team'); step(500); eq(__intercom.boots.length, 1);
             history.pushState({}, '', '/pricing');
             eq(__intercom.shutdowns, 1, 'leaving the pages shuts down at once'); eq(Intercom.booted, false);
             Intercom('show'); eq(calls('show'), [], 'nothing forwarded off the pages');
             __popTo('/help/article'); step(500);
             eq(__intercom.boots.length, 2, 'coming back boots again'); eq(loads(), 1, 'without reloading the widget');
             history.replaceState({}, '', '/help/a/b'); eq(__intercom.shutdowns, 2, '/help/* is one segment');
             location.hash = '#top'; step(500); eq(__intercom.boots.length, 2);");
    }
}

#[test]
fn page_views_need_their_purpose_are_debounced_and_limited() {
    for cmp in CMPS {
        let cfg = eager(cmp);
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js(&format!("cmp.returning({SUPPORT_ONLY}); cmp.load();"));
        tab.load(&cfg);
        tab.js("step(500); history.pushState({}, '', '/app/a'); step(1000);
             eq(__intercom.updates.length, 0, 'no page view without analytics');");
        tab.js(&format!(
            "cmp.choose({{support: true, guidance: false, analytics: true}}); step(100);
             var base = __intercom.updates.length; eq(base, 1, 'the consent update');
             history.pushState({{}}, '', '/app/b'); step(50); history.pushState({{}}, '', '/app/c'); step(50); history.pushState({{}}, '', '/app/d');
             step(299); eq(__intercom.updates.length, base, 'debounced');
             step(10); eq(__intercom.updates.length, base + 1, 'one page view for a burst');
             for (var i = 0; i < 30; i++) {{ history.pushState({{}}, '', '/app/p' + i); step(60000); }}
             eq(__intercom.updates.length, 19, '20 updates per 30 minutes, one kept for consent changes');
             cmp.choose({ALL}); step(100);
             eq(__intercom.updates.length, 20, 'a consent change still gets through');
             eq(__intercom.updates[19].consent_guidance, true);
             step(1800000); history.pushState({{}}, '', '/app/later'); step(400);
             eq(__intercom.updates.length, 21, 'the window moves on');"
        ));
    }
}

/// Loader spec, point 5: the page's own `update` is a page view. Without the page-view purpose
/// only an update carrying a change the granted purposes let through reaches the widget; with
/// it, every update does, within the budget.
#[test]
fn the_pages_own_updates_are_page_views() {
    for cmp in CMPS {
        let cfg = eager(cmp);
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("cmp.load(); window.intercomSettings = {app_id: 'abc123xy', alignment: 'left', plan: 'pro'};");
        tab.load(&cfg);
        tab.js(&format!(
            "cmp.choose({SUPPORT_ONLY}); step(500); eq(__intercom.boots.length, 1);
             var n = function () {{ return __intercom.updates.length; }};
             Intercom('update'); eq(n(), 0, 'a bare update is a page view');
             Intercom('update', {{last_request_at: 1700000000}}); eq(n(), 0, 'a timestamp is no change');
             Intercom('update', {{alignment: 'left'}}); eq(n(), 0, 'a known value is no change');
             Intercom('update', {{plan: 'team'}}); eq(n(), 0, 'custom data the policy blocks is no change');
             Intercom('update', {{alignment: 'right', last_request_at: 1700000001}}); eq(n(), 1, 'a changed messenger setting passes');
             eq(__intercom.updates[0].alignment, 'right');
             Intercom('update', {{alignment: 'right'}}); eq(n(), 1, 'and is known from then on');
             Intercom('update', {{vertical_padding: {{x: 1}}}}); eq(n(), 2, 'an object value is compared by content');
             Intercom('update', {{vertical_padding: {{x: 1}}}}); eq(n(), 2);
             history.pushState({{}}, '', '/app/next'); Intercom('update'); step(1000); eq(n(), 2, 'a route change stays unrecorded');
             cmp.choose({{support: true, guidance: false, analytics: true}}); step(100);
             var base = n(); eq(base, 3, 'the consent change');
             Intercom('update'); eq(n(), base + 1, 'with page views, every update of the page is a page view it may send');
             Intercom('update', {{last_request_at: 1700000002}}); eq(n(), base + 2);
             history.pushState({{}}, '', '/app/routed'); Intercom('update'); step(1000);
             eq(n(), base + 3, 'a route change the page reports itself is one page view, not two');
             cmp.choose({SUPPORT_ONLY}); step(100); var after = n();
             Intercom('update'); eq(n(), after, 'withdrawn: dropped again');"
        ));
    }
}

/// A CMP bundled from npm has no global (integration spec, "Bundled CMPs"): nothing is granted
/// until the build's module hands it over (`withIntercom(config, cmp)`), then the loader follows
/// it as it follows a global one. A facade click before that asks the site with a
/// `consentc:preferences` event, never a TypeError; after it, the CMP's own preferences open.
#[test]
fn a_bundled_cmp_is_followed_once_its_module_is_handed_over() {
    for (cmp, fake) in [("cookieconsent", "__cc"), ("klaro", "__klaro")] {
        let cfg = config(cmp, json!({}));
        let tab = Tab::open(URL, cmp, &cfg);
        // Klaro draws into <div id="klaro">, and an element's id is a window property: with Klaro
        // bundled, `window.klaro` is that element, not Klaro.
        tab.js(&format!(
            "cmp.returning({SUPPORT_ONLY}); {fake}.loadBundled();
             if ('{fake}' === '__klaro') window.klaro = document.createElement('div');"
        ));
        tab.load(&cfg);
        tab.js(
            "step(12000); eq(__log.requests, [], 'no global and no module: nothing');
             eq(typeof window.CookieConsent, 'undefined', 'really bundled');
             facade().click(); step(100);
             eq(__customPrefs, 1, 'the site is asked to show its banner'); eq(__log.requests, []);",
        );
        tab.js(&format!(
            "{fake}.handOver(); step(500);
             eq(loads(), 1, 'the returning visitor, read through the module');
             eq(calls('show'), [['show']], 'the request waiting from the click opens the messenger');
             cmp.choose({NOTHING}); step(500);
             eq(widgetDom(), 0, 'a withdrawal through the bundled CMP cleans up'); eq(icCookies(), []);
             facade().click(); step(100);
             eq(cmp.prefsShown(), 1, 'the CMP opens its preferences through the module');
             eq(__customPrefs, 1);"
        ));
    }
}

/// Where the visitor can switch the Intercom service off inside a granted category, the
/// service decides (integration spec, loader spec point 5).
#[test]
fn a_service_switched_off_inside_a_granted_category_is_refused() {
    let cfg = eager("cookieconsent");
    let tab = Tab::open(URL, "cookieconsent", &cfg);
    tab.js("cmp.load();");
    tab.load(&cfg);
    tab.js(&format!(
        "cmp.choose({SUPPORT_ONLY}); step(500); eq(loads(), 1);
         __cc.serviceOff('functionality', 'intercom-support'); step(500);
         eq(widgetDom(), 0, 'the service off withdraws the messenger'); eq(icCookies(), []);
         eq(CookieConsent.acceptedCategory('functionality'), true, 'while its category stays accepted');"
    ));
    let tab = Tab::open(URL, "klaro", &eager("klaro"));
    tab.js("cmp.load();");
    tab.load(&eager("klaro"));
    tab.js(
        "__klaro.save({'intercom-support': false, 'intercom-guidance': true, 'intercom-analytics': true}); step(500);
         eq(__log.requests, [], 'Klaro: the service decides, not its purpose');",
    );
}

/// Each adapter's report says whether it is the page's first reading of the CMP or follows a
/// change the visitor made on this page (the GPC rule of a later issue needs it): run alone,
/// against the fakes, with the core's helpers stubbed.
#[test]
fn adapters_say_whether_a_report_is_a_change() {
    let adapters = [
        (
            "cookieconsent",
            include_str!("../templates/adapters/cookieconsent.js.hbs"),
        ),
        ("klaro", include_str!("../templates/adapters/klaro.js.hbs")),
    ];
    for (cmp, adapter) in adapters {
        let values = if cmp == "cookieconsent" {
            "{support: 'functionality', analytics: 'analytics'}"
        } else {
            "{support: 'livechat', analytics: 'analytics'}"
        };
        let run = |returning: &str| {
            let tab = Tab::open(URL, cmp, &eager(cmp));
            tab.js(&format!(
                "function poll(find) {{ find(); }}
                 var reports = [];
                 {adapter}
                 {returning} cmp.load();
                 var api = adapter({values}, 0, function (answered, states, change) {{
                   reports.push([answered, states.support === true, !!change]);
                 }});
                 step(100);"
            ));
            tab
        };
        // A returning visitor: the first reading, no change; then the visitor changes their mind.
        let tab = run(&format!("cmp.returning({SUPPORT_ONLY});"));
        tab.js("eq(reports[0], [true, true, false], 'the stored choice is the first reading');");
        tab.js(&format!(
            "cmp.choose({NOTHING}); step(100);
             eq(reports[reports.length - 1], [true, false, true], 'a change on this page');
             api.read(); eq(reports[reports.length - 1][2], true, 'and stays one');"
        ));
        // A first visit: the first answer given on this page is a change.
        let tab = run("");
        tab.js(&format!(
            "cmp.choose({SUPPORT_ONLY}); step(100);
             eq(reports[reports.length - 1], [true, true, true], 'the first choice, made on this page');"
        ));
    }
}

#[test]
fn the_facade_is_a_real_button_and_a_click_loads_and_opens() {
    for cmp in CMPS {
        let cfg = config(cmp, json!({}));
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js(&format!("cmp.returning({SUPPORT_ONLY}); cmp.load();"));
        tab.load(&cfg);
        tab.js(
            "step(5000); eq(__log.requests, [], 'granted is not enough: the visitor asks first');
             var b = facade(); assert(b, 'a facade');
             eq(b.tagName, 'BUTTON'); eq(b.type, 'button'); eq(b.textContent, 'Chat with support', 'accessible name');
             eq(b.getAttributeNames().filter(function (n) { return n === 'style' || /^on/.test(n) || n === 'tabindex'; }), [], 'no inline style or handlers');
             eq(__log.styleAttrs, []); eq(__log.inlineHandlers, []);
             eq([b.style.position, b.style.right, b.style.left, b.style.background], ['fixed', '20px', undefined, '#1f6feb'], 'CSSOM styling from the policy');
             b.dispatchEvent(new Event('mouseover')); step(60000); eq(__log.requests, [], 'hover or idle time are not a request');
             b.click(); step(500);
             eq(loads(), 1, 'a click loads'); eq(__intercom.boots.length, 1);
             eq(calls('show'), [['show']], 'and opens'); eq(__intercom.open, true);
             eq(facade(), null, 'the widget launcher takes over');
             eq(sessionStorage.getItem('consentc:acme_app'), '1', 'the request lasts for the session');",
        );
        // Refused: the click opens the CMP's preferences; a grant there then loads and opens.
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js(&format!("cmp.returning({NOTHING}); cmp.load();"));
        tab.load(&cfg);
        tab.js(&format!(
            "step(500); facade().click(); step(500);
             eq(cmp.prefsShown(), 1, 'the CMP preferences'); eq(__log.requests, []);
             cmp.choose({SUPPORT_ONLY}); step(500);
             eq(loads(), 1); eq(calls('show'), [['show']]);"
        ));
        // Same session, next page: no second click needed.
        let tab = Tab::open("https://app.acme.test/help/faq", cmp, &cfg);
        tab.js(&format!(
            "sessionStorage.setItem('consentc:acme_app', '1'); cmp.returning({SUPPORT_ONLY}); cmp.load();"
        ));
        tab.load(&cfg);
        tab.js("step(500); eq(loads(), 1); eq(facade(), null); eq(calls('show'), []);");
        // Off the pages there is no facade.
        let tab = Tab::open("https://app.acme.test/pricing", cmp, &cfg);
        tab.js(&format!("cmp.returning({SUPPORT_ONLY}); cmp.load();"));
        tab.load(&cfg);
        tab.js("step(500); eq(facade(), null);");
    }
}

/// The facade's label follows `<html lang>`: the exact tag, then its primary subtag, then the
/// policy's default language; and a single-page app that switches the language relabels it on
/// its next navigation.
#[test]
fn the_facade_label_follows_the_page_language() {
    let cmp = "custom";
    let labels = json!([
        ["en", "Chat with us"],
        ["de", "Schreiben Sie uns"],
        ["de-at", "Schreib uns"],
        ["fr", "Écrivez-nous"]
    ]);
    let cfg = config(
        cmp,
        json!({"facade": {"labels": labels, "color": "#000", "position": "right"}}),
    );
    for (lang, expected) in [
        ("de", "Schreiben Sie uns"),
        ("de-AT", "Schreib uns"),
        ("de-CH", "Schreiben Sie uns"),
        ("fr-CA", "Écrivez-nous"),
        ("FR", "Écrivez-nous"),
        ("ja", "Chat with us"),
        ("", "Chat with us"),
        ("constructor", "Chat with us"),
    ] {
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js(&format!("document.documentElement.lang = {};", json!(lang)));
        tab.load(&cfg);
        tab.js(&format!(
            "step(100); eq(facade().textContent, {}, {});",
            json!(expected),
            json!(lang)
        ));
    }
    let tab = Tab::open(URL, cmp, &cfg);
    tab.js("document.documentElement.lang = 'de';");
    tab.load(&cfg);
    tab.js("step(100); eq(facade().textContent, 'Schreiben Sie uns');
         document.documentElement.lang = 'fr'; history.pushState({}, '', '/app/settings'); step(100);
         eq(facade().textContent, 'Écrivez-nous', 'relabelled after a navigation');");
}

#[test]
fn left_facade_and_its_absence_without_on_interaction() {
    let cmp = "custom";
    let cfg = config(
        cmp,
        json!({"facade": {"labels": [["en", "Help"]], "color": "red", "position": "left"}}),
    );
    let tab = Tab::open(URL, cmp, &cfg);
    tab.load(&cfg);
    tab.js("eq([facade().style.left, facade().style.right, facade().style.background], ['20px', undefined, 'red']);");
    let cfg = eager(cmp);
    let tab = Tab::open(URL, cmp, &cfg);
    let loader = tab.load(&cfg);
    tab.js("eq(facade(), null);");
    assert!(
        !loader.contains("createElement(\"button\")"),
        "no facade code without a facade"
    );
}

#[test]
fn hostile_policy_strings_stay_data() {
    let evil = "</script><script>__pwned=1</script><!-- \u{2028}\u{2029} ` ${__pwned=2} \" ' \\ -->";
    let app_id = "x\"y'z`${__pwned=3}`</script><!--\u{2028}";
    for cmp in CMPS {
        let mut cfg = config(cmp, json!({}));
        cfg["facade"]["labels"] = json!([["en", evil], [evil, evil]]);
        cfg["facade"]["color"] = json!("red;background:url(javascript:__pwned=4)");
        cfg["app_id"] = json!(app_id);
        cfg["widget_src"] = json!(format!("https://widget.intercom.io/widget/{app_id}"));
        if cmp == "cookieconsent" {
            cfg["cmp"]["purposes"]["support"] = json!(evil);
        }
        cfg["cmp"]["script_attrs"] = json!({"data-category": evil});
        cfg["pages"] = json!(["/app/**", evil]);
        cfg["dom"]["classes"] = json!(["intercom-lightweight-app", evil]);
        let loader = render_loader(&cfg, adapter(cmp)).expect("renders");
        for bad in ["</script", "<!--", "\u{2028}", "\u{2029}"] {
            assert!(!loader.contains(bad), "[{cmp}] raw {bad:?} in the loader");
        }
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js(&format!(
            "cmp.load(); var EVIL = {}; var APP = {};
             if (CMP === 'cookieconsent') {{ var asked = []; var orig = CookieConsent.acceptedService; CookieConsent.acceptedService = function (s, c) {{ asked.push(c); return orig.call(this, s, c === EVIL ? 'functionality' : c); }}; }}",
            json!(evil),
            json!(app_id)
        ));
        tab.load(&cfg);
        tab.js(&format!(
            "eq(typeof __pwned, 'undefined', 'nothing ran');
             eq(facade().textContent, EVIL, 'the label survives as text');
             eq(__log.innerHTML, []);
             cmp.choose({SUPPORT_ONLY}); step(100); facade().click(); step(500);
             eq(typeof __pwned, 'undefined', 'still nothing ran');
             eq(loads(), 1, 'the widget URL is the exact string');
             eq(widgetRequests()[0].attrs['data-category'], EVIL, 'attribute values stay data');
             eq(__intercom.boots[0].app_id, APP, 'the app id is the exact string');
             if (CMP === 'cookieconsent') assert(asked.indexOf(EVIL) >= 0, 'the CMP is asked with the exact category');"
        ));
    }
}

#[test]
fn a_purpose_named_like_an_object_property_is_not_granted_by_accident() {
    for cmp in CMPS {
        let mut cfg = eager(cmp);
        cfg["purposes"] = json!({
            "constructor": {"basis": "consent", "gpc": "ignore", "behavioural": false},
            "analytics": {"basis": "consent", "gpc": "ignore", "behavioural": true}
        });
        cfg["leaves"]["intercom.messenger"]["purpose"] = json!("constructor");
        cfg["leaves"]["intercom.help_center"]["purpose"] = json!("constructor");
        cfg["leaves"]["intercom.product_tours"]["purpose"] = json!("analytics");
        if cmp != "custom" {
            cfg["cmp"]["purposes"] = json!({"constructor": "functionality", "analytics": "analytics"});
        }
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("cmp.load();");
        tab.load(&cfg);
        tab.js("cmp.choose({analytics: true}); step(1000); eq(__log.requests, [], 'no accidental grant');");
        if cmp == "custom" {
            tab.js(
                "consentc.set({toString: true, __proto__: {constructor: true}}); step(1000); eq(__log.requests, []);",
            );
        }
    }
}

#[test]
fn withdrawal_reaches_the_other_tabs() {
    for cmp in CMPS {
        let cfg = eager(cmp);
        let a = Tab::open(URL, cmp, &cfg);
        let b = Tab::open("https://app.acme.test/app/other", cmp, &cfg);
        for tab in [&a, &b] {
            tab.js(&format!("cmp.returning({ALL}); cmp.load();"));
            tab.load(&cfg);
            tab.js("step(500); eq(__intercom.boots.length, 1);");
        }
        a.js("cmp.choose({support: false, guidance: true, analytics: true}); step(100); eq(Intercom.booted, false);");
        let sent = a.val("__bc.sent");
        assert_eq!(sent.as_array().map(Vec::len), Some(1), "[{cmp}] one message: {sent}");
        for m in sent.as_array().into_iter().flatten() {
            b.js(&format!("__bcDeliver({}, {});", m["name"], m["data"]));
        }
        b.js("step(100);
             eq(__intercom.shutdowns, 1, 'the other tab shuts down'); eq(icCookies(), []); eq(widgetDom(), 0);
             eq(__bc.sent, [], 'and does not echo');
             __setVisibility('hidden'); __setVisibility('visible'); __pageshow(true); step(500);
             eq(__intercom.boots.length, 1, 'the CMP state this tab read earlier does not undo it');");
    }
}

#[test]
fn on_withdraw_reload_reloads_after_the_cleanup() {
    for cmp in CMPS {
        let cfg = config(
            cmp,
            json!({"load": "when_granted", "facade": null, "pages": null, "on_withdraw": "reload"}),
        );
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js(&format!("cmp.returning({NOTHING}); cmp.load();"));
        tab.load(&cfg);
        tab.js(&format!(
            "step(500); eq(__log.reloads, 0, 'a refusal on arrival does not reload');
             cmp.choose({ALL}); step(500); cmp.choose({NOTHING}); step(100);
             eq(__log.reloads, 1); eq(icCookies(), [], 'cleaned before the reload');"
        ));
    }
}

#[test]
fn pageshow_and_visibility_re_read_the_cmp() {
    for cmp in ["cookieconsent", "klaro"] {
        let cfg = eager(cmp);
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js(&format!("cmp.returning({ALL}); cmp.load();"));
        tab.load(&cfg);
        tab.js("step(500); eq(__intercom.boots.length, 1);");
        // The CMP's state changed while the page sat in the back/forward cache: no event.
        if cmp == "cookieconsent" {
            tab.js("__cc.state = ['necessary'];");
        } else {
            tab.js("var m = klaro.getManager(); m.consents['intercom-support'] = false;");
        }
        tab.js("__pageshow(true); step(100); eq(__intercom.shutdowns, 1); eq(icCookies(), []);");
    }
}

#[test]
fn callbacks_are_kept_and_registered_again_after_a_new_boot() {
    for cmp in CMPS {
        let cfg = eager(cmp);
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("cmp.load();");
        tab.load(&cfg);
        tab.js(&format!(
            "var shown = 0; Intercom('onShow', function () {{ shown++; }});
             cmp.choose({SUPPORT_ONLY}); step(500);
             eq(calls('onShow'), [['onShow', '[function]']], 'registered on boot');
             Intercom('show'); eq(shown, 1, 'the page callback runs');
             cmp.choose({NOTHING}); step(100); cmp.choose({SUPPORT_ONLY}); step(500);
             eq(calls('onShow').length, 2, 'registered again after the new boot');
             Intercom('show'); eq(shown, 2);"
        ));
    }
}

#[test]
fn a_page_snippet_queue_from_before_the_loader_is_merged_not_replayed() {
    for cmp in CMPS {
        let cfg = eager(cmp);
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js(
            "cmp.load();
             (function () { var i = function () { i.c(arguments); }; i.q = []; i.c = function (a) { i.q.push(a); }; window.Intercom = i; })();
             Intercom('boot', {app_id: 'abc123xy', plan: 'pro', alignment: 'left'});
             Intercom('trackEvent', 'early'); Intercom('startTour', 3); Intercom('onHide', function () {});",
        );
        tab.load(&cfg);
        tab.js(&format!(
            "cmp.choose({ALL}); step(500);
             eq(__intercom.boots.length, 1);
             eq([__intercom.boots[0].plan, __intercom.boots[0].alignment], ['pro', 'left'], 'settings merged into the one boot');
             eq(calls('trackEvent').concat(calls('startTour')), [], 'behavioural calls before the grant are dropped');
             eq(calls('onHide').length, 1, 'callbacks kept');"
        ));
    }
}

#[test]
fn the_page_can_log_out_and_in_again() {
    for cmp in CMPS {
        let cfg = eager(cmp);
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js(&format!(
            "cmp.returning({ALL}); cmp.load(); window.intercomSettings = {{app_id: 'abc123xy', plan: 'pro'}};"
        ));
        tab.load(&cfg);
        tab.js("step(500); eq(__intercom.boots.length, 1);
             Intercom('shutdown'); step(2000); __pageshow(true); step(500);
             eq(__intercom.shutdowns, 1); eq(__intercom.boots.length, 1, 'no boot the page did not ask for');
             Intercom('boot', {app_id: 'abc123xy', alignment: 'right'}); step(100);
             eq(__intercom.boots.length, 2); eq(__intercom.boots[1].plan, undefined, 'the old user is forgotten');
             eq(__intercom.boots[1].alignment, 'right');");
    }
}

#[test]
fn klaro_defaults_and_unsaved_toggles_are_not_consent() {
    let cfg = eager("klaro");
    // Services default to on, nothing confirmed: getConsent says true, which is not consent.
    let tab = Tab::open(URL, "klaro", &cfg);
    tab.js("cmp.load();");
    tab.load(&cfg);
    tab.js(
        "step(5000); eq(klaro.getManager().getConsent('intercom-support'), true, 'the default');
         eq(__log.requests, [], 'a default is not consent');
         __klaro.toggle('intercom-guidance', true); step(100); eq(__log.requests, []);
         cmp.choose({support: true, guidance: false, analytics: false}); step(500); eq(__intercom.boots.length, 1);
         __klaro.toggle('intercom-support', false); step(100); eq(__intercom.shutdowns, 0, 'an unsaved toggle changes nothing');
         __klaro.reset(); step(100); eq(__intercom.shutdowns, 1, 'a reset is a withdrawal');",
    );
}

#[test]
fn cookieconsent_opt_out_defaults_are_not_consent() {
    let cfg = eager("cookieconsent");
    let tab = Tab::open(URL, "cookieconsent", &cfg);
    tab.js("__cc.mode = 'opt-out'; cmp.load();");
    tab.load(&cfg);
    tab.js(
        "step(5000); eq(CookieConsent.acceptedCategory('functionality'), true, 'the default');
         eq(__log.requests, []);",
    );
}

#[test]
fn the_loader_is_plain_and_csp_friendly() {
    for cmp in known_cmps() {
        for cfg in [config(cmp, json!({})), eager(cmp)] {
            let loader = render_loader(&cfg, adapter(cmp)).expect("renders");
            for banned in [
                "eval(",
                "new Function",
                "innerHTML",
                "document.write",
                "setAttribute(\"style\"",
                "unload",
            ] {
                assert!(!loader.contains(banned), "[{cmp}] {banned:?} in the loader");
            }
            // The policy's data is one JSON value, the last argument, and nowhere else: every
            // other byte comes from our templates through the minifier.
            let data = loader.rsplit_once("(window,document,").expect("the data argument").1;
            let data = data.strip_suffix(");").expect("the script ends with the call");
            let data: Value = serde_json::from_str(data).expect("the data is JSON");
            assert_eq!(data[0], json!("consentc:acme_app"));
            assert!(
                !loader.contains("CONSENTC_CONFIG"),
                "[{cmp}] the placeholder is replaced"
            );
        }
    }
    for cmp in CMPS {
        for cfg in [config(cmp, json!({})), eager(cmp)] {
            let tab = Tab::open(URL, cmp, &cfg);
            tab.js(&format!("cmp.returning({ALL}); cmp.load();"));
            tab.load(&cfg);
            tab.js("step(500);
                 eq(__log.listeners.filter(function (l) { return /unload/.test(l.type); }), [], 'never unload');");
        }
    }
    assert!(matches!(
        render_loader(&eager("klaro"), "onetrustx"),
        Err(consentc::emit::loader::LoaderError::UnknownCmp(_))
    ));
}

// ------------------------------------------------------------------ specialized variants

/// The smallest policy: one consent purpose gating the messenger and the Help Center, loaded
/// as soon as granted, on every page; no identity, no tracking, no tours, no facade, no GPC
/// effect, cleanup on withdrawal. Its loader carries none of the optional code.
fn minimal(cmp: &str) -> Value {
    let mut c = eager(cmp);
    c["purposes"] = json!({"support": {"basis": "consent", "gpc": "ignore", "behavioural": false}});
    c["leaves"] = json!({
        "intercom.messenger": {"purpose": "support", "requires": []},
        "intercom.help_center": {"purpose": "support", "requires": ["intercom.messenger"]}
    });
    c
}

/// One purpose holding the messenger alone: the spec's 2 KB case.
fn messenger_only(cmp: &str) -> Value {
    let mut c = minimal(cmp);
    c["leaves"] = json!({"intercom.messenger": {"purpose": "support", "requires": []}});
    // A policy's `cmp` block maps exactly its purposes (CP0302 and CP0101 see to it).
    let support = c["cmp"]["purposes"]["support"].clone();
    c["cmp"]["purposes"] = if support.is_null() {
        json!({})
    } else {
        json!({"support": support})
    };
    c
}

/// The minimal policy with one feature on: each turns on one flag of the core template (and
/// those it implies: page views also the update budget and navigation, a second purpose the
/// budget and behavioural purposes).
fn variant(cmp: &str, feature: &str) -> Value {
    let mut c = minimal(cmp);
    let leaf = |c: &mut Value, leaf: &str, purpose: &str| {
        c["leaves"][leaf] = json!({"purpose": purpose, "requires": ["intercom.messenger"]});
    };
    match feature {
        "minimal" => {}
        "identity" => leaf(&mut c, "intercom.identity", "support"),
        "attributes" => leaf(&mut c, "intercom.tracking.attributes", "support"),
        "views" => leaf(&mut c, "intercom.tracking.page_views", "support"),
        "multi" => {
            c["purposes"]["guidance"] = json!({"basis": "consent", "gpc": "ignore", "behavioural": true});
            leaf(&mut c, "intercom.product_tours", "guidance");
        }
        "behavioural" => c["purposes"]["support"]["behavioural"] = json!(true),
        "pages" => c["pages"] = json!(["/app/**"]),
        "gpc" => {
            c["purposes"]["support"] = json!({"basis": "legitimate_interest", "gpc": "strict", "behavioural": false})
        }
        "reload" => c["on_withdraw"] = json!("reload"),
        "interaction" => c["load"] = json!("on_interaction"),
        "facade" => {
            c["load"] = json!("on_interaction");
            c["facade"] = json!({"labels": [["en", "Chat"]], "color": "#000", "position": "left"});
        }
        other => panic!("no variant {other}"),
    }
    c
}

const VARIANTS: [&str; 12] = [
    "minimal",
    "identity",
    "attributes",
    "views",
    "multi",
    "behavioural",
    "pages",
    "gpc",
    "reload",
    "interaction",
    "facade",
    "full",
];

/// The core scenarios, run against every variant and every CMP with a driver: nothing before
/// consent; a grant boots exactly once with the right settings; the firewall blocks what is not
/// granted; a withdrawal cleans up. What each feature changes is asserted where it shows.
#[test]
fn every_variant_runs_the_core_scenarios() {
    for cmp in CMPS {
        for name in VARIANTS {
            let cfg = if name == "full" { full(cmp) } else { variant(cmp, name) };
            let loader = render_loader(&cfg, adapter(cmp)).expect("renders");
            let tab = Tab::open(URL, cmp, &cfg);
            tab.js(&format!("var VARIANT = {}; cmp.load();", json!(name)));
            tab.js("window.intercomSettings = {app_id: 'abc123xy', alignment: 'left', plan: 'pro', email: 'a@b.c', user_hash: 'h'};");
            tab.load(&cfg);
            tab.js(
                "Intercom('boot', {z_index: 5}); Intercom('show'); Intercom('startTour', 1); step(2000);
                 eq(__log.requests, [], VARIANT + ': nothing before consent'); eq(__intercom.calls, []);
                 eq(icCookies(), []); eq(Intercom.booted, false); eq(Intercom.q, [['shutdown']]);",
            );
            tab.js(&format!("cmp.choose({SUPPORT_ONLY}); step(500);"));
            if cfg["load"] == "on_interaction" {
                tab.js("eq(__log.requests, [], VARIANT + ': on_interaction waits for a request');");
                if cfg["facade"].is_null() {
                    // Without a facade nothing ever asks: the widget never loads.
                    assert!(
                        !loader.contains("createElement(\"button\")"),
                        "[{cmp} {name}] no facade code"
                    );
                    continue;
                }
                tab.js("facade().click(); step(500);");
            }
            // Only `support` is granted: a leaf of another purpose stays off.
            let identity = cfg["leaves"]["intercom.identity"]["purpose"] == "support";
            let attributes = cfg["leaves"]["intercom.tracking.attributes"]["purpose"] == "support";
            let behavioural = cfg["purposes"]["support"]["behavioural"] == true;
            tab.js(&format!(
                "eq(loads(), 1, VARIANT + ': one widget script'); eq(__intercom.boots.length, 1, VARIANT + ': one boot');
                 var b = __intercom.boots[0];
                 eq([b.app_id, b.api_base, b.consent_support, b.alignment, b.z_index], ['abc123xy', 'https://api-iam.eu.intercom.io', true, 'left', 5], VARIANT);
                 eq(b.hide_notifications, {}, VARIANT + ': hide_notifications');
                 eq(b.plan, {}, VARIANT + ': custom data'); eq(b.email, {}, VARIANT + ': identity');
                 Intercom('startTour', 2); Intercom('trackEvent', 'x'); Intercom('notAMethod');
                 eq(calls('startTour').concat(calls('trackEvent'), calls('notAMethod')), [], VARIANT + ': the firewall blocks what is not granted');
                 Intercom('showArticle', 3); eq(calls('showArticle'), [['showArticle', 3]], VARIANT + ': granted methods pass');",
                !behavioural,
                if attributes { "'pro'" } else { "undefined" },
                if identity { "'a@b.c'" } else { "undefined" },
            ));
            if cfg["leaves"]["intercom.tracking.page_views"]["purpose"] == "support" {
                tab.js("history.pushState({}, '', '/app/next'); step(1000); eq(__intercom.updates.length, 1, VARIANT + ': a page view');");
            }
            if !cfg["pages"].is_null() {
                tab.js(
                    "history.pushState({}, '', '/pricing'); eq(Intercom.booted, false, VARIANT + ': off the pages');
                     history.pushState({}, '', '/app/back'); step(500); eq(__intercom.boots.length, 2, VARIANT + ': back on the pages');",
                );
            }
            if cfg["purposes"]["guidance"].is_object() && name != "full" {
                tab.js(
                    "cmp.choose({support: true, guidance: true}); step(500);
                     eq(__intercom.updates[__intercom.updates.length - 1].consent_guidance, true, VARIANT + ': the consent update');
                     Intercom('startTour', 4); eq(calls('startTour'), [['startTour', 4]], VARIANT + ': granted later');",
                );
            }
            tab.js(&format!(
                "cmp.choose({NOTHING}); step(500);
                 assert(__intercom.shutdowns >= 1, VARIANT + ': shutdown'); eq(icCookies(), [], VARIANT + ': cookies');
                 eq(icStorage(), []); eq(widgetDom(), 0, VARIANT + ': the widget is removed'); eq(Intercom.booted, false);
                 eq(__log.reloads, {}, VARIANT + ': reload');
                 Intercom('show'); eq(calls('show').length, {}, VARIANT + ': nothing forwarded after the withdrawal');",
                u8::from(cfg["on_withdraw"] == "reload"),
                if cfg["facade"].is_object() { 1 } else { 0 },
            ));
        }
    }
}

/// GPC in the variant that reads it: `strict` never grants, whatever the CMP says.
#[test]
fn the_gpc_variant_reads_the_signal() {
    for cmp in CMPS {
        let cfg = variant(cmp, "gpc");
        let tab = Tab::open(URL, cmp, &cfg);
        tab.js("navigator.globalPrivacyControl = true; cmp.load();");
        tab.load(&cfg);
        tab.js(&format!(
            "cmp.choose({ALL}); step(1000); eq(__log.requests, [], 'strict under GPC');"
        ));
    }
}

/// Each variant carries only its own optional code: the loader as it ships, read with our own
/// names (`render_unmangled`), holds a feature's functions only when the policy uses it.
#[test]
fn a_variant_carries_only_the_code_it_uses() {
    let code = |cfg: &Value, cmp: &str| {
        let loader = render_unmangled(cfg, cmp).expect("renders");
        // The code only: the policy's data (the last argument) holds names too.
        let end = loader
            .rfind("(window,document,")
            .expect("the data is the last argument");
        loader[..end].to_owned()
    };
    let optional = [
        ("pages", "onPolicyPages"),
        ("views", "updateAllowed"),
        ("views", "recordPageView"),
        ("views", "pushState"),
        ("pages", "pushState"),
        ("gpc", "globalPrivacyControl"),
        ("reload", "reload()"),
        ("identity", "identityNeeds"),
        ("attributes", "attributesNeeds"),
        ("facade", "drawFacade"),
        ("facade", "requestMessenger"),
        ("interaction", "openAfterBoot"),
        ("multi", "updateAllowed"),
    ];
    let smallest = code(&minimal("custom"), "custom");
    for (_, name) in optional {
        assert!(!smallest.contains(name), "{name:?} in the minimal loader:\n{smallest}");
    }
    assert!(
        !smallest.contains("poll("),
        "the custom adapter does not poll:\n{smallest}"
    );
    for (feature, name) in optional {
        let loader = code(&variant("custom", feature), "custom");
        assert!(
            loader.contains(name),
            "{name:?} missing from the {feature} variant:\n{loader}"
        );
    }
    let polled = code(&minimal("klaro"), "klaro");
    assert!(polled.contains("poll("), "an adapter that polls gets poll:\n{polled}");
}

/// Every feature the loader can carry at once: identity, custom data, page views, pages, the
/// facade, reload on withdrawal and a purpose whose level GPC changes. The largest build.
fn full(cmp: &str) -> Value {
    config(
        cmp,
        json!({"on_withdraw": "reload",
            "leaves": {"intercom.identity": {"purpose": "support", "requires": ["intercom.messenger"]}},
            "purposes": {"support": {"basis": "legitimate_interest", "gpc": "honor", "behavioural": false}}}),
    )
}

/// One loader build measured: gzipped (level 9) without the facade and with it (equal when the
/// policy has none), raw bytes of the full build.
struct Size {
    name: String,
    raw: usize,
    gzip: usize,
    with_facade: usize,
}

fn measure(name: String, config: &Value, cmp: &str) -> Size {
    let with = render_loader(config, cmp).expect("renders");
    let mut bare = config.clone();
    bare["facade"] = Value::Null;
    let without = render_loader(&bare, cmp).expect("renders");
    Size {
        name,
        raw: with.len(),
        gzip: gzip_len(&without),
        with_facade: gzip_len(&with),
    }
}

/// The policies under `policies/` and `examples/` that check without errors (examples also
/// hold one that fails on purpose), each with every CMP it declares: `(policy/cmp, config)`.
fn policy_configs() -> Vec<(String, Value)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let vendor = consentc::catalog::builtin().vendor("intercom").expect("intercom");
    let mut files = Vec::new();
    for dir in ["policies", "examples"] {
        policy_files(&root.join(dir), &mut files);
    }
    files.sort();
    let mut configs = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file).expect("read policy");
        let checked = consentc::check_sources(vec![(file.display().to_string(), bytes)]);
        if checked.has_errors() {
            continue;
        }
        for policy in &checked.model.policies {
            for cmp in policy.cmps.keys() {
                let config = consentc::emit::config::loader_config(policy, vendor, cmp).expect("an intercom block");
                let config = serde_json::to_value(config).expect("the config is JSON");
                configs.push((format!("{}/{cmp}", policy.name), config));
            }
        }
    }
    assert!(configs.len() >= 10, "the policies were not found: {}", configs.len());
    configs
}

fn policy_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() && !path.ends_with("node_modules") {
            policy_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "policy") {
            out.push(path);
        }
    }
}

/// Every build the budget covers: the repository's policies, and the example and the
/// full-featured test configs for every CMP.
fn sizes() -> Vec<Size> {
    let mut sizes: Vec<Size> = policy_configs()
        .iter()
        .map(|(name, c)| measure(name.clone(), c, c["cmp"]["name"].as_str().expect("cmp")))
        .collect();
    for cmp in known_cmps() {
        sizes.push(measure(format!("messenger_only/{cmp}"), &messenger_only(cmp), cmp));
        sizes.push(measure(format!("minimal/{cmp}"), &minimal(cmp), cmp));
        sizes.push(measure(format!("example/{cmp}"), &config(cmp, json!({})), cmp));
        sizes.push(measure(format!("full/{cmp}"), &full(cmp), cmp));
    }
    sizes
}

/// The size report (docs/loader.md, "Size"): `cargo test --test loader_js size_budget --
/// --nocapture` prints it. The budget itself is `sizes_only_go_down_towards_2k`.
#[test]
fn size_budget() {
    println!(
        "{:<36} {:>6} {:>6} {:>8} {:>7}",
        "policy/cmp", "raw", "gzip", "+facade", "facade"
    );
    for s in sizes() {
        let facade = s.with_facade - s.gzip;
        println!(
            "{:<36} {:>6} {:>6} {:>8} {:>7}",
            s.name, s.raw, s.gzip, s.with_facade, facade
        );
        assert!(facade < 1024, "[{}] the facade adds {facade} bytes gzipped", s.name);
    }
}

/// The spec's budget (loader spec, point 10), gzip -9: at most 3 KB per CMP build without the
/// facade, the facade at most 1 KB more, and at most 2 KB for a policy with one purpose holding
/// only the messenger (no pages, identity, custom data, page views or facade) with the
/// cookieconsent, Klaro or custom adapter (`minimal/<cmp>` here). Every build of the
/// repository's policies and of the test configs is held to it.
#[test]
fn sizes_only_go_down_towards_2k() {
    const BUILD: usize = 3 * 1024;
    const FACADE: usize = 1024;
    const MESSENGER_ONLY: usize = 2 * 1024;
    let sizes = sizes();
    let mut over = Vec::new();
    for s in &sizes {
        if s.gzip > BUILD {
            over.push(format!(
                "{}: {} B gzipped without the facade (budget {BUILD})",
                s.name, s.gzip
            ));
        }
        if s.with_facade - s.gzip > FACADE {
            over.push(format!(
                "{}: the facade adds {} B (budget {FACADE})",
                s.name,
                s.with_facade - s.gzip
            ));
        }
        if let Some(limit) = messenger_only_limit(&s.name) {
            if s.gzip > limit {
                over.push(format!(
                    "{}: {} B gzipped (limit {limit}, spec {MESSENGER_ONLY})",
                    s.name, s.gzip
                ));
            }
        }
    }
    assert!(over.is_empty(), "over the budget:\n{}", over.join("\n"));
    for (name, ceiling) in OVER_2K {
        let size = sizes.iter().find(|s| s.name == *name).map_or(0, |s| s.gzip);
        assert!(
            size > MESSENGER_ONLY,
            "{name} fits 2 KB now ({size} B, ceiling {ceiling}): take it out of OVER_2K"
        );
    }
    for name in [
        "messenger_only/cookieconsent",
        "messenger_only/klaro",
        "messenger_only/custom",
        "saas_app/",
    ] {
        assert!(sizes.iter().any(|s| s.name.starts_with(name)), "{name} is measured");
    }
}

/// The messenger-only builds over the spec's 2 KB, each with the ceiling it must stay under so
/// that growth is noticed (a build that comes to fit must leave the table). The contract the
/// spec adds for every loader (the page's own updates gated as page views, a bundled CMP's
/// handover, Intercom loaded outside the loader detected and reported) costs about 190 bytes
/// gzipped; the custom adapter still fits, the vanilla-cookieconsent and Klaro ones are 53 and
/// 57 bytes over (docs/loader.md, "Size").
const OVER_2K: &[(&str, usize)] = &[("messenger_only/cookieconsent", 2104), ("messenger_only/klaro", 2108)];

/// The 2 KB case's limit for a build: the spec's, or its `OVER_2K` ceiling.
fn messenger_only_limit(name: &str) -> Option<usize> {
    if ![
        "messenger_only/cookieconsent",
        "messenger_only/klaro",
        "messenger_only/custom",
    ]
    .contains(&name)
    {
        return None;
    }
    Some(
        OVER_2K
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(2048, |(_, ceiling)| *ceiling),
    )
}

/// The messenger-only policy really is what the 2 KB case describes: one purpose, the
/// messenger only, none of the optional features.
#[test]
fn the_messenger_only_config_is_what_the_2k_case_describes() {
    for cmp in ["cookieconsent", "klaro", "custom"] {
        let c = messenger_only(cmp);
        assert_eq!(c["purposes"].as_object().map(|p| p.len()), Some(1));
        assert_eq!(c["leaves"].as_object().map(|l| l.len()), Some(1), "the messenger alone");
        let mapped = c["cmp"]["purposes"].as_object().map(|p| p.len());
        assert!(mapped <= Some(1), "the cmp block maps the one purpose");
        assert_eq!(c["facade"], Value::Null);
        assert_eq!(c["pages"], Value::Null);
        for leaf in [
            "intercom.identity",
            "intercom.tracking.attributes",
            "intercom.tracking.page_views",
        ] {
            assert!(c["leaves"][leaf]["purpose"].is_null(), "{leaf} is off");
        }
    }
}

/// Prints a loader: `LOADER=saas_app/onetrust` (a policy's), `LOADER=full/klaro`,
/// `LOADER=example/klaro` or `LOADER=<variant>/klaro` (the test configs; variants as in
/// `VARIANTS`, `minimal` among them). With `LOADER_NAMES=1`, the same code in our own names.
#[test]
#[ignore]
fn dump_loader() {
    let name = std::env::var("LOADER").unwrap_or_else(|_| "example/klaro".into());
    let (which, cmp) = name.split_once('/').expect("LOADER=<policy>/<cmp>");
    let config = match which {
        "example" => config(cmp, json!({})),
        "full" => full(cmp),
        variant_name if VARIANTS.contains(&variant_name) => variant(cmp, variant_name),
        _ => policy_configs()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| c)
            .expect("a policy/cmp of the repository"),
    };
    if std::env::var_os("LOADER_NAMES").is_some() {
        print!("{}", render_unmangled(&config, cmp).unwrap());
    } else {
        print!("{}", render_loader(&config, cmp).unwrap());
    }
}
