// Checks the composable CMP modules (`cookieconsent-intercom.mjs`, `klaro-intercom.mjs`) against
// every rule of spec/integration.md, "Composable CMP configuration", by merging them into site
// configurations of their own. Run by tests/cmp_modules.rs, which builds modules.policy three
// times: as it is (`base`), reworded only (`reworded`), and with a purpose's features changed
// (`changed`).
//
//   node tests/js/cmp_modules/run.mjs BASE_DIR REWORDED_DIR CHANGED_DIR
//
// Each *_DIR is a policy's output directory. Prints one line per check; exits 1 on a failure.

import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [baseDir, rewordedDir, changedDir] = process.argv.slice(2);
if (!changedDir) {
  console.error("usage: run.mjs BASE_DIR REWORDED_DIR CHANGED_DIR");
  process.exit(2);
}
const load = (dir, file) => import(pathToFileURL(path.join(dir, file)).href);

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

// A deep freeze, so any write to the site's configuration throws (modules are strict code).
function deepFreeze(value) {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze(value[key]);
  }
  return value;
}

// The JSON of a value, with functions named so their identity is part of the comparison.
function snapshot(value) {
  const names = new Map();
  return JSON.stringify(value, (key, v) => {
    if (typeof v === "function") {
      if (!names.has(v)) names.set(v, `function#${names.size}`);
      return names.get(v);
    }
    return v;
  });
}

// A `window` as small as the handover needs: an EventTarget that records its events.
function fakeWindow() {
  const window = new EventTarget();
  window.events = [];
  window.addEventListener("consentc:cmp", (event) => window.events.push(event));
  return window;
}

async function withWindow(window, fn) {
  const had = Object.prototype.hasOwnProperty.call(globalThis, "window");
  const previous = globalThis.window;
  globalThis.window = window;
  try {
    return await fn();
  } finally {
    if (had) globalThis.window = previous;
    else delete globalThis.window;
  }
}

// ---------------------------------------------------------------- vanilla-cookieconsent

const cc = await load(baseDir, "cookieconsent-intercom.mjs");
const ccReworded = await load(rewordedDir, "cookieconsent-intercom.mjs");
const ccChanged = await load(changedDir, "cookieconsent-intercom.mjs");
const INTERCOM_COOKIES = ["intercom-id-abc123xy", "intercom-session-abc123xy", "intercom-device-id-abc123xy"];

function cookieconsentSite(calls, overrides = {}) {
  const fetched = [];
  const site = {
    revision: 3,
    guiOptions: { consentModal: { layout: "box" } },
    categories: {
      necessary: { enabled: true, readOnly: true },
      analytics: {
        services: { plausible: { label: "Plausible" } },
        autoClear: { cookies: [{ name: "_pk_id" }] },
      },
      support: {
        enabled: false,
        services: { helpdesk: { label: "Our helpdesk" } },
        autoClear: { cookies: [{ name: "helpdesk_session" }], reloadPage: true },
      },
    },
    language: {
      default: "en",
      autoDetect: "document",
      translations: {
        en: {
          consentModal: { title: "Cookies", description: "We use cookies." },
          preferencesModal: {
            title: "Preferences",
            sections: [
              { title: "About cookies", description: "What we store." },
              { title: "Analytics", description: "Statistics.", linkedCategory: "analytics" },
              { title: "Support", description: "Our support tools.", linkedCategory: "support" },
              { title: "More information", description: "Contact us." },
            ],
          },
        },
        de: "/lang/de.json",
        fr: async () => {
          calls.push("fr translation");
          return { consentModal: { title: "Cookies" }, preferencesModal: { sections: [{ title: "À propos" }] } };
        },
      },
    },
    onConsent: (param) => calls.push(["site onConsent", param]),
    onChange: (param) => calls.push(["site onChange", param]),
    ...overrides,
  };
  return { site: deepFreeze(site), fetched };
}

check("cookieconsent: exports withIntercom, revision, categories, translations and nothing else", () => {
  assert.deepEqual(Object.keys(cc).sort(), ["categories", "revision", "translations", "withIntercom"]);
  assert.equal(typeof cc.withIntercom, "function");
  assert.ok(Number.isInteger(cc.revision) && cc.revision >= 0 && cc.revision < 2 ** 31);
  assert.deepEqual(Object.keys(cc.categories).sort(), ["marketing", "necessary", "support"]);
  assert.deepEqual(Object.keys(cc.translations), ["en", "de"], "every language of the policy");
  assert.ok(Object.isFrozen(cc.categories) && Object.isFrozen(cc.categories.support.services));
});

check("cookieconsent: returns a new object and leaves the deep-frozen site configuration as it was", () => {
  const { site } = cookieconsentSite([]);
  const before = snapshot(site);
  const merged = cc.withIntercom(site);
  assert.notEqual(merged, site);
  assert.notEqual(merged.categories, site.categories);
  assert.equal(snapshot(site), before);
  // What the merge creates is the caller's to change (not the frozen exports).
  merged.categories.marketing.enabled = true;
  merged.categories.support.services["intercom-support"].label = "changed";
  assert.equal(cc.categories.marketing.enabled, false);
});

check("cookieconsent: creates a missing category as the standalone configuration declares it", () => {
  const merged = cc.withIntercom(cookieconsentSite([]).site);
  assert.deepEqual(merged.categories.marketing, cc.categories.marketing);
  assert.deepEqual(Object.keys(merged.categories.marketing.services), ["intercom-guidance"]);
  assert.equal(merged.categories.marketing.enabled, false, "a consent purpose starts off");
});

check("cookieconsent: keeps the site's categories, their options and services, and adds the Intercom service", () => {
  const { site } = cookieconsentSite([]);
  const merged = cc.withIntercom(site);
  assert.equal(merged.categories.analytics, site.categories.analytics, "an untouched category is the site's own");
  const support = merged.categories.support;
  assert.equal(support.enabled, false);
  assert.equal(support.autoClear.reloadPage, true);
  assert.deepEqual(Object.keys(support.services), ["helpdesk", "intercom-support"]);
  assert.equal(support.services.helpdesk, site.categories.support.services.helpdesk);
  assert.deepEqual(support.services["intercom-support"], cc.categories.support.services["intercom-support"]);
  assert.equal(merged.guiOptions, site.guiOptions);
});

check("cookieconsent: a read-only category throws for a legitimate-interest or consent purpose, naming it", () => {
  const li = cookieconsentSite([]).site;
  const liSite = deepFreeze({ ...li, categories: { ...li.categories, support: { readOnly: true, enabled: true } } });
  assert.throws(() => cc.withIntercom(liSite), (error) => {
    assert.ok(error instanceof Error);
    assert.match(error.message, /purpose "support" \(basis legitimate_interest\)/);
    assert.match(error.message, /category "support" is read-only/);
    return true;
  });
  const consentSite = deepFreeze({ ...li, categories: { ...li.categories, marketing: { readOnly: true } } });
  assert.throws(() => cc.withIntercom(consentSite), /purpose "guidance" \(basis consent\)/);
});

check("cookieconsent: a contract purpose may sit in a read-only category", () => {
  const { site } = cookieconsentSite([]);
  const merged = cc.withIntercom(site);
  assert.equal(merged.categories.necessary.readOnly, true);
  assert.deepEqual(Object.keys(merged.categories.necessary.services), ["intercom-articles"]);
});

check("cookieconsent: the messenger's cookies join the site's autoClear list of its category", () => {
  const merged = cc.withIntercom(cookieconsentSite([]).site);
  assert.deepEqual(
    merged.categories.support.autoClear.cookies.map((cookie) => cookie.name),
    ["helpdesk_session", ...INTERCOM_COOKIES]
  );
  assert.deepEqual(merged.categories.analytics.autoClear.cookies, [{ name: "_pk_id" }]);
  // A cookie the site already lists is not listed twice.
  const twice = cc.withIntercom({ ...merged, revision: 3 });
  assert.deepEqual(twice.categories.support.autoClear.cookies, merged.categories.support.autoClear.cookies);
});

check("cookieconsent: an object translation gets a section for each category it lacks, before the closing section", () => {
  const merged = cc.withIntercom(cookieconsentSite([]).site);
  const sections = merged.language.translations.en.preferencesModal.sections;
  assert.deepEqual(
    sections.map((section) => section.linkedCategory || section.title),
    ["About cookies", "analytics", "support", "marketing", "necessary", "More information"]
  );
  assert.equal(sections.find((s) => s.linkedCategory === "support").title, "Support", "the site's own section stays");
  assert.equal(sections.find((s) => s.linkedCategory === "marketing").title, "Product tours");
  assert.equal(merged.language.autoDetect, "document");
  assert.equal(merged.language.translations.en.consentModal.title, "Cookies");
});

check("cookieconsent: URL and function translations are wrapped, not fetched or called at merge time", async () => {
  const calls = [];
  const fetched = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url) => {
    fetched.push(url);
    return { json: async () => ({ consentModal: { title: "Cookies" }, preferencesModal: { sections: [] } }) };
  };
  try {
    const { site } = cookieconsentSite(calls);
    const merged = cc.withIntercom(site);
    const { de, fr } = merged.language.translations;
    assert.equal(typeof de, "function");
    assert.equal(typeof fr, "function");
    assert.deepEqual(fetched, [], "nothing fetched while merging");
    assert.deepEqual(calls, [], "the site's function not called while merging");
    const german = await de();
    assert.deepEqual(fetched, ["/lang/de.json"]);
    assert.deepEqual(
      german.preferencesModal.sections.map((s) => s.linkedCategory),
      ["support", "marketing", "necessary"]
    );
    assert.deepEqual(
      german.preferencesModal.sections.map((s) => s.title),
      ["Support-Chat", "Produkttouren", "Hilfeartikel"],
      "the German site translation gets the policy's German texts"
    );
    const french = await fr();
    assert.deepEqual(calls, ["fr translation"]);
    assert.deepEqual(
      french.preferencesModal.sections.map((s) => s.linkedCategory || s.title),
      ["À propos", "support", "marketing", "necessary"]
    );
    assert.equal(french.preferencesModal.sections[1].title, "Support chat", "a language the policy lacks gets the default's texts");
    // A translation that fails to load stays a failure for vanilla-cookieconsent to report.
    globalThis.fetch = async () => {
      throw new Error("offline");
    };
    const quiet = console.error;
    console.error = () => {};
    try {
      assert.equal(await de(), false);
    } finally {
      console.error = quiet;
    }
  } finally {
    globalThis.fetch = realFetch;
  }
});

check("cookieconsent: the revision combines the policy's and the site's, and is stable otherwise", () => {
  const revisionOf = (module, siteRevision) =>
    module.withIntercom({ revision: siteRevision, categories: {}, language: { default: "en", translations: {} } }).revision;
  assert.equal(revisionOf(cc, undefined), cc.revision, "no site revision: the standalone configuration's");
  assert.equal(revisionOf(cc, 3), 3 * 2 ** 31 + cc.revision);
  assert.equal(revisionOf(cc, 3), revisionOf(cc, 3), "stable");
  assert.notEqual(revisionOf(cc, 4), revisionOf(cc, 3), "the site's revision changes it");
  assert.equal(ccReworded.revision, cc.revision, "a reworded policy keeps its revision");
  assert.equal(revisionOf(ccReworded, 3), revisionOf(cc, 3));
  assert.notEqual(ccChanged.revision, cc.revision, "changed features change the policy's revision");
  assert.notEqual(revisionOf(ccChanged, 3), revisionOf(cc, 3));
  assert.ok(Number.isSafeInteger(revisionOf(cc, 2 ** 22 - 1)));
  assert.throws(() => revisionOf(cc, 2 ** 22), RangeError);
  assert.throws(() => revisionOf(cc, -1), RangeError);
  assert.throws(() => revisionOf(cc, 1.5), RangeError);
});

check("cookieconsent: the site's onConsent and onChange keep working", () => {
  const calls = [];
  const { site } = cookieconsentSite(calls);
  const merged = cc.withIntercom(site);
  // The module adds nothing to them: the consentc loader follows vanilla-cookieconsent's own
  // cc:onConsent / cc:onChange window events, so the callbacks are the site's, unwrapped.
  assert.equal(merged.onConsent, site.onConsent);
  assert.equal(merged.onChange, site.onChange);
  merged.onConsent({ cookie: { categories: ["support"] } });
  merged.onChange({ cookie: {}, changedCategories: ["marketing"] });
  assert.deepEqual(calls, [
    ["site onConsent", { cookie: { categories: ["support"] } }],
    ["site onChange", { cookie: {}, changedCategories: ["marketing"] }],
  ]);
});

check("cookieconsent: the merged configuration is one vanilla-cookieconsent v3 accepts", () => {
  const merged = cc.withIntercom(cookieconsentSite([]).site);
  assert.equal(typeof merged.revision, "number");
  for (const [name, category] of Object.entries(merged.categories)) {
    assert.equal(typeof category, "object", name);
    for (const [service, options] of Object.entries(category.services || {})) {
      assert.equal(typeof options, "object", `${name}.${service}`);
    }
    for (const cookie of (category.autoClear && category.autoClear.cookies) || []) {
      assert.ok(typeof cookie.name === "string" || cookie.name instanceof RegExp, `${name} autoClear`);
    }
  }
  for (const section of merged.language.translations.en.preferencesModal.sections) {
    if (section.linkedCategory) assert.ok(section.linkedCategory in merged.categories, section.linkedCategory);
  }
  assert.ok(merged.language.default in merged.language.translations);
});

check("cookieconsent: the module handed over is registered in window.consentcCmps and announced by consentc:cmp", async () => {
  const CookieConsent = Object.freeze({ run() {}, validConsent: () => false, acceptedCategory: () => false });
  const window = fakeWindow();
  await withWindow(window, () => {
    cc.withIntercom(cookieconsentSite([]).site);
    assert.equal(window.consentcCmps, undefined, "no module, nothing registered");
    cc.withIntercom(cookieconsentSite([]).site, CookieConsent);
    assert.equal(window.consentcCmps.cookieconsent, CookieConsent, "registered at once");
    assert.equal(window.events.length, 0, "announced after the task, once the site has run the CMP");
  });
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(window.events.length, 1);
  assert.equal(window.events[0].type, "consentc:cmp");
  assert.equal(window.events[0].detail, "cookieconsent");
  // Without a window (Node, server-side rendering) nothing throws.
  assert.equal(typeof globalThis.window, "undefined");
  cc.withIntercom(cookieconsentSite([]).site, CookieConsent);
});

// ---------------------------------------------------------------- Klaro

const klaro = await load(baseDir, "klaro-intercom.mjs");

function klaroSite(calls, overrides = {}) {
  return deepFreeze({
    elementID: "klaro",
    storageName: "site-consent",
    purposeOrder: ["functional", "analytics"],
    services: [
      {
        name: "matomo",
        purposes: ["analytics"],
        cookies: ["_pk_id", /^_pk_ses/],
        callback: (consent, service) => calls.push(["matomo callback", consent, service.name]),
      },
      { name: "session", purposes: ["functional"], required: true },
      // A stale copy of the standalone configuration's service: replaced by the policy's.
      { name: "intercom-support", purposes: ["old"], cookies: [] },
    ],
    translations: {
      de: { purposes: { analytics: "Statistik" } },
      en: { consentNotice: { description: "Hi" }, purposes: { livechat: { title: "Live chat (site)" } } },
    },
    callback: (consent, service) => calls.push(["site callback", consent, service.name]),
    ...overrides,
  });
}

check("klaro: exports withIntercom, services, translations and nothing else", () => {
  assert.deepEqual(Object.keys(klaro).sort(), ["services", "translations", "withIntercom"]);
  assert.deepEqual(
    klaro.services.map((service) => [service.name, service.purposes]),
    [
      ["intercom-support", ["livechat"]],
      ["intercom-guidance", ["marketing"]],
      ["intercom-articles", ["functional"]],
    ]
  );
  assert.ok(Object.isFrozen(klaro.services) && Object.isFrozen(klaro.services[0].cookies));
});

check("klaro: returns a new object and leaves the deep-frozen site configuration as it was", () => {
  const site = klaroSite([]);
  const before = snapshot(site);
  const merged = klaro.withIntercom(site);
  assert.notEqual(merged, site);
  assert.notEqual(merged.services, site.services);
  assert.equal(snapshot(site), before);
  merged.services[3].default = true;
  assert.equal(klaro.services[1].default, false, "the exports are not the merged objects");
});

check("klaro: keeps the site's services, replaces a stale Intercom service in place, adds the others", () => {
  const site = klaroSite([]);
  const merged = klaro.withIntercom(site);
  assert.deepEqual(
    merged.services.map((service) => service.name),
    ["matomo", "session", "intercom-support", "intercom-guidance", "intercom-articles"]
  );
  assert.equal(merged.services[0], site.services[0]);
  assert.equal(merged.services[1], site.services[1]);
  assert.deepEqual(merged.services[2].purposes, ["livechat"]);
  assert.equal(merged.services[2].required, false);
  assert.equal(merged.storageName, "site-consent");
  assert.deepEqual(merged.purposeOrder, ["functional", "analytics", "livechat", "marketing"]);
});

check("klaro: a required purpose throws for a legitimate-interest or consent purpose, naming it", () => {
  const calls = [];
  const requiredChat = klaroSite(calls, {
    services: [{ name: "helpdesk", purposes: ["livechat"], required: true }],
  });
  assert.throws(() => klaro.withIntercom(requiredChat), (error) => {
    assert.ok(error instanceof Error);
    assert.match(error.message, /Klaro purpose "livechat" is required/);
    assert.match(error.message, /purpose "support" \(basis legitimate_interest\)/);
    return true;
  });
  const requiredMarketing = klaroSite(calls, {
    services: [{ name: "ads", purposes: ["marketing"], required: true }],
  });
  assert.throws(() => klaro.withIntercom(requiredMarketing), /purpose "guidance" \(basis consent\)/);
  assert.throws(() => klaro.withIntercom(klaroSite(calls, { required: true })), /`required: true`.*purpose "support"/);
  // Required and refusable services side by side: the purpose stays refusable.
  klaro.withIntercom(
    klaroSite(calls, {
      services: [
        { name: "ads", purposes: ["marketing"], required: true },
        { name: "newsletter", purposes: ["marketing"] },
      ],
    })
  );
});

check("klaro: a contract purpose may sit in a required purpose", () => {
  const merged = klaro.withIntercom(klaroSite([]));
  const articles = merged.services.find((service) => service.name === "intercom-articles");
  assert.deepEqual(articles.purposes, ["functional"]);
});

check("klaro: the messenger's cookies are deleted with its service, next to the site's own", () => {
  const merged = klaro.withIntercom(klaroSite([]));
  const support = merged.services.find((service) => service.name === "intercom-support");
  assert.deepEqual(support.cookies, INTERCOM_COOKIES);
  assert.deepEqual(merged.services[0].cookies, ["_pk_id", /^_pk_ses/]);
  assert.deepEqual(merged.services.find((service) => service.name === "intercom-guidance").cookies, []);
});

check("klaro: every language of the site (and Klaro's fallback) gets the purpose and service texts", () => {
  const merged = klaro.withIntercom(klaroSite([]));
  assert.deepEqual(Object.keys(merged.translations), ["de", "en", "zz"]);
  assert.deepEqual(merged.translations.de.purposes, {
    analytics: "Statistik",
    livechat: { title: "Support-Chat", description: "Schreiben Sie mit unserem Support-Team." },
    marketing: { title: "Produkttouren", description: "Touren, die zu Ihrer Nutzung der App passen." },
    functional: { title: "Hilfeartikel", description: "Artikel im Chat." },
  });
  assert.deepEqual(merged.translations.en.purposes.livechat, { title: "Live chat (site)" }, "the site's own text stays");
  assert.equal(merged.translations.zz.purposes.livechat.title, "Support chat", "Klaro's fallback gets the default language");
  assert.equal(merged.translations.en.consentNotice.description, "Hi");
  for (const service of merged.services.slice(2)) {
    assert.deepEqual(Object.keys(service.translations), ["en", "de", "zz"]);
    assert.notEqual(service.translations.de.description, service.translations.en.description, "German texts in German");
    assert.equal(service.translations.zz.description, service.translations.en.description);
  }
});

check("klaro: the site's callback and its services' callbacks keep working", () => {
  const calls = [];
  const site = klaroSite(calls);
  const merged = klaro.withIntercom(site);
  // The module adds nothing to them: with the module handed over, the consentc loader watches
  // Klaro's manager itself.
  assert.equal(merged.callback, site.callback);
  merged.callback(true, merged.services[2]);
  merged.services[0].callback(false, merged.services[0]);
  assert.deepEqual(calls, [
    ["site callback", true, "intercom-support"],
    ["matomo callback", false, "matomo"],
  ]);
});

check("klaro: the module handed over is registered in window.consentcCmps and announced by consentc:cmp", async () => {
  const Klaro = Object.freeze({ setup() {}, getManager() {}, show() {} });
  const window = fakeWindow();
  await withWindow(window, () => {
    klaro.withIntercom(klaroSite([]));
    assert.equal(window.consentcCmps, undefined);
    klaro.withIntercom(klaroSite([]), Klaro);
    assert.equal(window.events.length, 0);
  });
  assert.deepEqual(window.consentcCmps, { klaro: Klaro });
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(window.events.length, 1);
  assert.equal(window.events[0].detail, "klaro");
  klaro.withIntercom(klaroSite([]), Klaro);
});

check("both: a configuration that is not an object is a TypeError", () => {
  assert.throws(() => cc.withIntercom(undefined), TypeError);
  assert.throws(() => klaro.withIntercom("config"), TypeError);
});

let failed = 0;
for (const { name, fn } of checks) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}\n${error && error.stack ? error.stack : error}`);
  }
}
console.log(`${checks.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
