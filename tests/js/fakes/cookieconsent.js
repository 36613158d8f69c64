// A fake of vanilla-cookieconsent v3, written from its documented API and its source's
// behaviour (orestbida/cookieconsent, src/core/api.js, global.js, utils/cookies.js):
//  - window.CookieConsent appears when the script runs; run(config) reads the `cc_cookie`
//    cookie synchronously (validConsent() is then known) and fires `cc:onConsent` on window
//    after an asynchronous step (translations) when the consent is valid;
//  - validConsent() is false until the visitor chose; acceptedCategory(cat) returns the choice,
//    or in opt-out mode, before a choice, the categories enabled by default (not an answer);
//  - the first choice fires cc:onFirstConsent then cc:onConsent; later changes fire cc:onChange;
//  - showPreferences() opens the preferences modal;
//  - getUserPreferences() lists accepted and rejected categories and, per category, the
//    services the visitor switched on or off; the cookie and the events' `detail.cookie` hold
//    `services: {<category>: [accepted service names]}`;
//  - imported from npm (`import * as CookieConsent from "vanilla-cookieconsent"`) it creates no
//    global: loadBundled() runs it so, and handOver() does what the build's
//    cookieconsent-intercom.mjs `withIntercom(config, CookieConsent)` does.
// Tests drive it through __cc: load(), loadBundled(), handOver(), accept([...]), acceptAll(),
// rejectAll(), returning([...]), serviceOff(category, service), breakWith(error) and the
// counters.
(function (g) {
  'use strict';
  const CC = (g.__cc = {
    categories: ['necessary', 'functionality', 'analytics', 'marketing'],
    readOnly: ['necessary'],
    mode: 'opt-in',
    defaults: ['functionality'], // enabled by default in opt-out mode (never an answer)
    broken: null,
    prefsShown: 0,
    events: [],
    state: null, // accepted categories once the visitor chose, null before
    off: {}, // category -> the services the visitor switched off in it
    // The services each category declares (as the build's configurations do).
    services: { functionality: ['intercom-support'], marketing: ['intercom-guidance'], analytics: ['intercom-analytics'] },
    load() {
      g.CookieConsent = api;
      api.run({});
    },
    loadBundled() {
      api.run({});
    },
    handOver() {
      (g.consentcCmps = g.consentcCmps || {}).cookieconsent = api;
      g.dispatchEvent(new CustomEvent('consentc:cmp', { detail: 'cookieconsent' }));
    },
    serviceOff(category, service) {
      (this.off[category] = this.off[category] || []).push(service);
      if (CC.state) {
        save();
        fire('cc:onChange');
      }
    },
    // A visitor who chose on an earlier visit: the plugin's cookie is already there.
    returning(accepted) {
      document.cookie =
        'cc_cookie=' +
        encodeURIComponent(JSON.stringify({ categories: ['necessary'].concat(accepted), revision: 0, consentId: 'c-1', consentTimestamp: '2024-01-01T00:00:00Z', lastConsentTimestamp: '2024-01-01T00:00:00Z' })) +
        '; path=/; max-age=15552000';
    },
    accept(cats) {
      api.acceptCategory(cats);
    },
    acceptAll() {
      api.acceptCategory('all');
    },
    rejectAll() {
      api.acceptCategory([]);
    },
    breakWith(msg) {
      this.broken = msg || 'cookieconsent exploded';
    },
  });

  function fire(name) {
    CC.events.push(name);
    g.dispatchEvent(new CustomEvent(name, { detail: { cookie: stored() } }));
  }
  function check() {
    if (CC.broken) throw new Error(CC.broken);
  }
  function readCookie() {
    const m = /(?:^|; )cc_cookie=([^;]*)/.exec(document.cookie);
    if (!m) return null;
    try {
      const v = JSON.parse(decodeURIComponent(m[1]));
      return Array.isArray(v.categories) && v.consentId ? v.categories : null;
    } catch (e) {
      return null;
    }
  }
  // Accepted services per accepted category, as the plugin's cookie holds them.
  function acceptedServices() {
    const out = {};
    for (const c of CC.state || []) out[c] = (CC.services[c] || []).filter((s) => !(CC.off[c] || []).includes(s));
    return out;
  }
  function stored() {
    return { categories: CC.state, services: acceptedServices(), consentId: 'c-2', revision: 0 };
  }
  function save() {
    document.cookie = 'cc_cookie=' + encodeURIComponent(JSON.stringify(stored())) + '; path=/; max-age=15552000';
  }
  const api = {
    run() {
      if (g._ccRun) return;
      g._ccRun = true;
      CC.state = readCookie();
      if (CC.state) g.setTimeout(() => fire('cc:onConsent'), 1);
    },
    validConsent() {
      check();
      return CC.state !== null;
    },
    acceptedCategory(cat) {
      check();
      if (CC.state === null) return CC.mode === 'opt-out' ? CC.defaults.includes(cat) : false;
      return CC.state.includes(cat);
    },
    acceptCategory(cats) {
      let list;
      if (cats === 'all') list = CC.categories.slice();
      else if (typeof cats === 'string') list = CC.categories.includes(cats) ? [cats] : [];
      else list = (cats || []).filter((c) => CC.categories.includes(c));
      for (const r of CC.readOnly) if (!list.includes(r)) list.push(r);
      const first = CC.state === null;
      const changed = !first && JSON.stringify(list.slice().sort()) !== JSON.stringify(CC.state.slice().sort());
      CC.state = list;
      save();
      if (first) {
        fire('cc:onFirstConsent');
        fire('cc:onConsent');
        return;
      }
      if (changed) fire('cc:onChange');
    },
    showPreferences() {
      CC.prefsShown++;
      fire('cc:onModalShow');
    },
    acceptedService(service, cat) {
      check();
      return this.acceptedCategory(cat) && (CC.state !== null ? acceptedServices()[cat] || [] : CC.services[cat] || []).includes(service);
    },
    getUserPreferences() {
      check();
      const accepted = CC.state || [];
      return {
        acceptType: 'custom',
        acceptedCategories: accepted,
        rejectedCategories: CC.categories.filter((c) => !accepted.includes(c)),
        acceptedServices: acceptedServices(),
        rejectedServices: Object.assign({}, CC.off),
      };
    },
  };
})(globalThis);
