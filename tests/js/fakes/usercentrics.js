// A fake of the Usercentrics Web CMP, v3 and v2, written from its documented browser API
// (Usercentrics docs: "Browser UI API" v3 methods and interfaces, "Events" UC_CONSENT /
// UC_UI_INITIALIZED / consent_status, the v2 "Browser UI API"):
//  - v3 (web.cmp.usercentrics.eu/ui/loader.js): window.__ucCmp, every method returning a
//    Promise: isInitialized(), isConsentRequired(), getConsentDetails() -> {consent: {status,
//    required, type, ...}, services: {<id>: {name, category, essential, consent: {given, type:
//    'EXPLICIT' | 'IMPLICIT'}}}, categories}, showSecondLayer(), acceptAllConsents(),
//    denyAllConsents(), updateServicesConsents([{id, consent}]) then saveConsents(). On start it
//    fires UC_UI_INITIALIZED, then UC_CONSENT (detail: the consent details) on start and after
//    every change, then each window event configured in the admin with the v2-style payload;
//  - v2 (app.usercentrics.eu/browser-ui/latest/loader.js): window.UC_UI, synchronous:
//    isInitialized(), isConsentRequired(), getServicesBaseInfo() -> [{id, name, isEssential,
//    consent: {status, history: [{action, status, type: 'explicit' | 'implicit', timestamp}]}}],
//    showSecondLayer(), acceptAllConsents(), denyAllConsents(), acceptService(id),
//    rejectService(id); UC_UI_INITIALIZED on start, the configured window event (consent_status
//    payload: {event, type, action, <service name>: bool, ucCategory}) on start and every change;
//  - before a choice every non-essential service reads not given, IMPLICIT; outside the regions
//    where the admin asks for consent the CMP consents for the visitor (IMPLICIT, required false).
// Tests drive it through __uc: version (3 or 2), events (configured window events), load(),
// returning({<service name>: bool}), accept({<service name>: bool}), acceptAll(), denyAll(),
// outsideEu(), breakWith(error).
(function (g) {
  'use strict';
  const UC = (g.__uc = {
    version: 3,
    events: ['ucEvent'],
    services: [
      { id: 'H1Vl5NidjWX', name: 'Usercentrics Consent Management Platform', category: 'essential', essential: true },
      { id: 'svc-support', name: 'Intercom Messenger', category: 'functional' },
      { id: 'svc-guidance', name: 'Intercom Product Tours', category: 'marketing' },
      { id: 'svc-analytics', name: 'Intercom Analytics', category: 'marketing' },
    ],
    initDelay: 20,
    broken: null,
    prefsShown: 0,
    fired: [],
    initialized: false,
    region: 'eu',
    decision: null, // {id: bool, type} once there is a decision
    load() {
      if (this.loaded) return;
      this.loaded = true;
      this.decision = read();
      if (this.version === 3) {
        g.__ucCmp = v3;
      }
      g.setTimeout(init, this.initDelay);
    },
    returning(byName) {
      save(fromNames(byName), 'explicit');
    },
    accept(byName) {
      decide(fromNames(byName), 'onUpdateServices');
    },
    acceptAll() {
      decide(all(true), 'onAcceptAllServices');
    },
    denyAll() {
      decide(all(false), 'onDenyAllServices');
    },
    outsideEu() {
      this.region = 'us';
    },
    breakWith(msg) {
      this.broken = msg || 'Usercentrics exploded';
    },
  });

  const STORE = 'uc_fake_settings';
  function read() {
    const v = localStorage.getItem(STORE);
    return v ? JSON.parse(v) : null;
  }
  function save(consents, type) {
    localStorage.setItem(STORE, JSON.stringify({ consents, type }));
  }
  function fromNames(byName) {
    const c = {};
    for (const s of UC.services) c[s.id] = s.essential || byName[s.name] === true;
    return c;
  }
  function all(v) {
    const c = {};
    for (const s of UC.services) c[s.id] = s.essential || v;
    return c;
  }
  // The consent of one service now: {given, type}.
  function consentOf(s) {
    if (s.essential) return { given: true, type: UC.decision ? UC.decision.type.toUpperCase() : 'IMPLICIT' };
    if (UC.decision) return { given: UC.decision.consents[s.id] === true, type: UC.decision.type.toUpperCase() };
    if (UC.region !== 'eu') return { given: true, type: 'IMPLICIT' };
    return { given: false, type: 'IMPLICIT' };
  }
  function required() {
    return UC.region === 'eu' && !UC.decision;
  }
  function details() {
    const services = {};
    for (const s of UC.services) {
      services[s.id] = { name: s.name, version: '1.0.0', category: s.category, essential: !!s.essential, consent: consentOf(s) };
    }
    const given = UC.services.filter((s) => consentOf(s).given).length;
    return {
      consent: {
        status: given === UC.services.length ? 'ALL_ACCEPTED' : given <= 1 ? 'ALL_DENIED' : 'SOME_ACCEPTED',
        required: required(),
        version: 1,
        controllerId: 'ctrl-1',
        language: 'en',
        type: UC.decision ? UC.decision.type.toUpperCase() : 'IMPLICIT',
        hash: 'h',
      },
      services,
      categories: {},
    };
  }
  function v2Payload(action) {
    const p = { event: 'consent_status', action, type: UC.decision ? UC.decision.type : 'implicit', ucCategory: {} };
    for (const s of UC.services) p[s.name] = consentOf(s).given;
    return p;
  }
  function fire(name, detail) {
    UC.fired.push(name);
    g.dispatchEvent(new CustomEvent(name, { detail }));
  }
  function announce(action) {
    if (UC.version === 3) fire('UC_CONSENT', details());
    for (const e of UC.events) fire(e, v2Payload(action));
  }
  function init() {
    UC.initialized = true;
    if (UC.version === 2) g.UC_UI = v2;
    fire('UC_UI_INITIALIZED');
    announce('onInitialPageLoad');
  }
  function decide(consents, action) {
    UC.decision = { consents, type: 'explicit' };
    save(consents, 'explicit');
    announce(action);
  }
  function check() {
    if (UC.broken) throw new Error(UC.broken);
  }
  // v3 answers asynchronously; before the CMP is initialized, getConsentDetails waits for it.
  function later(f) {
    return new Promise((resolve, reject) => {
      const go = () => {
        try {
          resolve(f());
        } catch (e) {
          reject(e);
        }
      };
      if (UC.initialized) go();
      else g.addEventListener('UC_UI_INITIALIZED', go, { once: true });
    });
  }

  const v3 = {
    isInitialized: () => Promise.resolve(UC.initialized),
    isConsentRequired: () => later(required),
    getConsentDetails: () =>
      later(() => {
        check();
        return details();
      }),
    showSecondLayer: () => {
      UC.prefsShown++;
      return Promise.resolve();
    },
    acceptAllConsents: () => Promise.resolve(UC.acceptAll()),
    denyAllConsents: () => Promise.resolve(UC.denyAll()),
    updateServicesConsents(list) {
      UC.pending = Object.assign(UC.pending || {}, ...list.map((x) => ({ [x.id]: x.consent === true })));
      return Promise.resolve();
    },
    saveConsents() {
      const c = UC.decision ? Object.assign({}, UC.decision.consents) : all(false);
      decide(Object.assign(c, UC.pending || {}), 'onUpdateServices');
      UC.pending = null;
      return Promise.resolve();
    },
  };

  const v2 = {
    isInitialized: () => UC.initialized,
    isConsentRequired: () => required(),
    getServicesBaseInfo() {
      check();
      return UC.services.map((s) => {
        const c = consentOf(s);
        const history = UC.decision || c.given ? [{ action: 'onUpdateServices', status: c.given, type: c.type.toLowerCase(), timestamp: 1 }] : [];
        return { id: s.id, name: s.name, isEssential: !!s.essential, categorySlug: s.category, consent: { status: c.given, history } };
      });
    },
    showSecondLayer() {
      UC.prefsShown++;
    },
    acceptAllConsents: () => Promise.resolve(UC.acceptAll()),
    denyAllConsents: () => Promise.resolve(UC.denyAll()),
    acceptService(id) {
      const c = UC.decision ? Object.assign({}, UC.decision.consents) : all(false);
      c[id] = true;
      return Promise.resolve(decide(c, 'onUpdateServices'));
    },
    rejectService(id) {
      const c = UC.decision ? Object.assign({}, UC.decision.consents) : all(false);
      c[id] = false;
      return Promise.resolve(decide(c, 'onUpdateServices'));
    },
  };
})(globalThis);
