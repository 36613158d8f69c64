// A fake of Klaro 0.7, written from its documented API and its source's behaviour
// (klaro-org/klaro-js, src/lib.js, src/consent-manager.js):
//  - window.klaro appears when klaro.js runs; klaro.getManager() builds the manager from
//    window.klaroConfig (it throws without a config);
//  - the manager loads the stored consents; `confirmed` is true only when the visitor saved a
//    choice covering every service; until then getConsent(name) returns the service's default
//    (`default: true` is a default, not consent);
//  - watchers get update(manager, eventName, data): "consents" on every change in memory
//    (including a toggle in the modal that is not saved yet), "saveConsents" on save, then
//    "applyConsents"; resetConsents() forgets the choice;
//  - applying consents (after a save) re-creates every element tagged data-name="<service>":
//    a <script> is replaced by a copy with the same attributes (so a script that has a src and
//    no data-src runs again), typed text/plain when the service is declined; services marked
//    onlyOnce are applied once while consented;
//  - klaro.show() opens the modal;
//  - imported from npm (`import * as Klaro from "klaro"`) it creates no global and takes its
//    config from `Klaro.setup(config)`: loadBundled() runs it so, and handOver() does what the
//    build's klaro-intercom.mjs `withIntercom(config, Klaro)` does.
// Tests drive it through __klaro: load(), loadBundled(), handOver(), save({service: bool}),
// toggle(), reset(), returning(), breakWith(error) and the counters.
(function (g) {
  'use strict';
  const K = (g.__klaro = {
    shown: 0,
    reinserted: 0, // tagged scripts Klaro replaced by a copy that runs
    broken: null,
    events: [],
    manager: null,
    config: {
      storageName: 'klaro',
      services: [
        { name: 'intercom-support', purposes: ['livechat'], default: true },
        { name: 'intercom-guidance', purposes: ['marketing'] },
        { name: 'intercom-analytics', purposes: ['analytics'], default: true },
      ],
    },
    bundledConfig: null,
    load() {
      if (!g.klaroConfig) g.klaroConfig = this.config;
      g.klaro = api;
    },
    loadBundled() {
      this.bundledConfig = this.config;
    },
    handOver() {
      (g.consentcCmps = g.consentcCmps || {}).klaro = api;
      g.dispatchEvent(new CustomEvent('consentc:cmp', { detail: 'klaro' }));
    },
    returning(consents) {
      document.cookie = 'klaro=' + encodeURIComponent(JSON.stringify(consents)) + '; path=/; max-age=31536000';
    },
    // The visitor saves a choice in the modal.
    save(consents) {
      const m = api.getManager();
      for (const k of Object.keys(consents)) m.updateConsent(k, consents[k]);
      m.saveAndApplyConsents('save');
    },
    // The visitor flips a switch in the open modal without saving.
    toggle(name, value) {
      api.getManager().updateConsent(name, value);
    },
    reset() {
      api.getManager().resetConsents();
    },
    breakWith(msg) {
      this.broken = msg || 'klaro exploded';
    },
  });

  class ConsentManager {
    constructor(config) {
      this.config = config;
      this.watchers = new Set();
      this.consents = this.defaultConsents();
      this.savedConsents = {};
      this.confirmed = false;
      this.loadConsents();
    }
    defaultConsents() {
      const c = {};
      for (const s of this.config.services) c[s.name] = s.default === true;
      return c;
    }
    watch(w) {
      this.watchers.add(w);
    }
    unwatch(w) {
      this.watchers.delete(w);
    }
    notify(name, data) {
      K.events.push(name);
      this.watchers.forEach((w) => w.update(this, name, data));
    }
    loadConsents() {
      const m = /(?:^|; )klaro=([^;]*)/.exec(document.cookie);
      if (!m) return;
      const stored = JSON.parse(decodeURIComponent(m[1]));
      let complete = true;
      for (const s of this.config.services) {
        if (s.name in stored) this.consents[s.name] = stored[s.name] === true;
        else complete = false;
      }
      this.confirmed = complete;
      this.savedConsents = Object.assign({}, this.consents);
      this.notify('consents', this.consents);
    }
    getConsent(name) {
      if (K.broken) throw new Error(K.broken);
      return this.consents[name] || false;
    }
    updateConsent(name, value) {
      this.consents[name] = value;
      this.notify('consents', this.consents);
    }
    saveAndApplyConsents(type) {
      document.cookie = 'klaro=' + encodeURIComponent(JSON.stringify(this.consents)) + '; path=/; max-age=31536000';
      this.confirmed = true;
      this.savedConsents = Object.assign({}, this.consents);
      this.notify('saveConsents', { consents: this.consents, type: type || 'script' });
      this.applyConsents();
    }
    applyConsents() {
      this.executedOnce = this.executedOnce || {};
      for (const service of this.config.services) {
        const consent = !!this.consents[service.name] && this.confirmed;
        if (consent) {
          if (service.onlyOnce && this.executedOnce[service.name]) continue;
          this.executedOnce[service.name] = true;
        }
        for (const el of document.querySelectorAll('[data-name=\'' + service.name + '\']')) {
          if (el.tagName !== 'SCRIPT') continue;
          const type = el.getAttribute('data-type') || '';
          const src = el.getAttribute('data-src');
          if (consent && el.type === type && el.src === src) continue;
          const copy = document.createElement('script');
          for (const n of el.getAttributeNames()) copy.setAttribute(n, el.getAttribute(n));
          copy.setAttribute('type', consent ? type : 'text/plain');
          if (consent && src !== null) copy.setAttribute('src', src);
          if (consent) K.reinserted++;
          el.parentNode.insertBefore(copy, el);
          el.parentNode.removeChild(el);
        }
      }
      this.notify('applyConsents', {});
    }
    resetConsents() {
      this.consents = this.defaultConsents();
      this.confirmed = false;
      this.savedConsents = {};
      document.cookie = 'klaro=; path=/; max-age=0';
      this.notify('consents', this.consents);
    }
  }

  const api = {
    getManager(config) {
      config = config || g.klaroConfig || K.bundledConfig;
      if (!config) throw new TypeError("Cannot read properties of undefined (reading 'storageName')");
      if (!K.manager) K.manager = new ConsentManager(config);
      return K.manager;
    },
    show() {
      K.shown++;
      return false;
    },
    version() {
      return '0.7.22';
    },
  };
})(globalThis);
