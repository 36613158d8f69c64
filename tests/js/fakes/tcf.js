// A fake IAB TCF v2.2 CMP, written from the IAB Tech Lab "Consent Management Platform API" spec
// (TCF v2.2):
//  - the CMP's stub defines window.__tcfapi at once and queues calls until the CMP replaces it;
//  - __tcfapi('addEventListener', 2, cb) calls cb(tcData, success) at once with the current
//    TCData and again after every change, each carrying a listenerId; eventStatus is 'tcloaded'
//    when a stored TC string is there and no UI will show, 'cmpuishown' when the UI shows,
//    'useractioncomplete' after the user acted; removeEventListener(cb, listenerId) stops it;
//  - tcData.publisher.customPurpose.consents / .legitimateInterests map the publisher's custom
//    purpose numbers to booleans (a legitimate interest reads true unless the user objected);
//  - where GDPR does not apply: gdprApplies false, eventStatus 'tcloaded', no consent data.
// Tests drive it through __tcf: stub(), load(), returning({consents: {n: bool}, objections: [n]}),
// accept({consents, objections}), showUi(), gdprApplies, customPurposes, breakWith(error),
// failCalls (success false).
(function (g) {
  'use strict';
  const T = (g.__tcf = {
    customPurposes: { 1: 'legitimate', 2: 'consent', 3: 'consent' }, // the publisher's config
    gdprApplies: true,
    broken: null,
    failCalls: false,
    uiShown: false,
    choice: null, // {consents: {n: bool}, objections: [n]}
    listeners: [],
    stub() {
      if (g.__tcfapi) return;
      const q = [];
      const s = function () {
        q.push(Array.prototype.slice.call(arguments));
      };
      s.a = q;
      g.__tcfapi = s;
    },
    load() {
      if (this.loaded) return;
      this.loaded = true;
      const q = g.__tcfapi && g.__tcfapi.a ? g.__tcfapi.a : [];
      this.choice = read();
      if (!this.choice && this.gdprApplies) this.uiShown = true;
      g.__tcfapi = api;
      for (const args of q) api.apply(null, args);
    },
    returning(choice) {
      write(choice);
    },
    accept(choice) {
      this.choice = { consents: choice.consents || {}, objections: choice.objections || [] };
      write(this.choice);
      this.uiShown = false;
      notify('useractioncomplete');
    },
    showUi() {
      this.uiShown = true;
      notify('cmpuishown');
    },
    breakWith(msg) {
      this.broken = msg || 'TCF CMP exploded';
    },
  });

  let ids = 0;
  function read() {
    const m = /(?:^|; )euconsent-v2=([^;]*)/.exec(document.cookie);
    return m ? JSON.parse(decodeURIComponent(m[1])) : null;
  }
  function write(c) {
    document.cookie = 'euconsent-v2=' + encodeURIComponent(JSON.stringify(c)) + '; path=/; max-age=31536000';
  }
  function tcData(status, listenerId) {
    const d = {
      tcString: T.gdprApplies && T.choice ? 'CPfake' : undefined,
      tcfPolicyVersion: 4,
      cmpId: 999,
      cmpVersion: 1,
      gdprApplies: T.gdprApplies,
      eventStatus: status,
      cmpStatus: 'loaded',
      listenerId,
      isServiceSpecific: true,
      useNonStandardTexts: false,
      publisherCC: 'DE',
      purposeOneTreatment: false,
    };
    if (!T.gdprApplies) return d;
    const consents = {};
    const li = {};
    for (const n of Object.keys(T.customPurposes)) {
      const c = T.choice || { consents: {}, objections: [] };
      consents[n] = T.customPurposes[n] === 'consent' && c.consents[n] === true;
      li[n] = T.customPurposes[n] === 'legitimate' && !c.objections.includes(Number(n));
    }
    d.purpose = { consents: {}, legitimateInterests: {} };
    d.vendor = { consents: {}, legitimateInterests: {} };
    d.specialFeatureOptins = {};
    d.publisher = { consents: {}, legitimateInterests: {}, customPurpose: { consents, legitimateInterests: li }, restrictions: {} };
    return d;
  }
  function current() {
    if (!T.gdprApplies) return 'tcloaded';
    if (T.uiShown) return 'cmpuishown';
    return T.choice ? 'tcloaded' : 'cmpuishown';
  }
  function notify(status) {
    for (const l of T.listeners.slice()) {
      if (T.failCalls) l.cb(null, false);
      else l.cb(tcData(status, l.id), true);
    }
  }

  function api(command, version, cb, param) {
    if (T.broken) throw new Error(T.broken);
    if (typeof cb !== 'function') return;
    if (T.failCalls) return cb(null, false);
    switch (command) {
      case 'ping':
        return cb({ gdprApplies: T.gdprApplies, cmpLoaded: true, cmpStatus: 'loaded', displayStatus: T.uiShown ? 'visible' : 'hidden', apiVersion: '2.2', tcfPolicyVersion: 4 }, true);
      case 'addEventListener': {
        const id = ++ids;
        T.listeners.push({ id, cb });
        return cb(tcData(current(), id), true);
      }
      case 'removeEventListener': {
        const before = T.listeners.length;
        T.listeners = T.listeners.filter((l) => l.id !== param);
        return cb(T.listeners.length < before);
      }
      case 'getTCData':
        return cb(tcData(current()), true);
      default:
        return cb(null, false);
    }
  }
})(globalThis);
