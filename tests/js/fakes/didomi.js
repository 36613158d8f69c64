// A fake of the Didomi Web SDK, written from its documented API (developers.didomi.io, Web SDK >
// Reference > API and Events):
//  - window.didomiOnReady is an array of callbacks the SDK calls with the Didomi object once it is
//    ready; from then on, push() calls the callback at once;
//  - window.didomiEventListeners holds {event, listener}: the SDK registers them on start and
//    picks up the ones pushed later (missing what happened meanwhile);
//  - Didomi.getCurrentUserStatus() -> {purposes: {<id>: {id, enabled}}, vendors: {<id>: {id,
//    enabled}}, regulation, user_id, created, updated, consent_string}: a status not collected
//    yet reads enabled: false; a vendor is enabled only when the vendor itself and every purpose
//    it is declared with (consent and legitimate interest) are enabled;
//  - Didomi.getUserStatus() -> {purposes: {consent, legitimate_interest, global: {enabled: [],
//    disabled: []}}, vendors: {consent, legitimate_interest, global: {enabled, disabled}}, ...}:
//    the vendors' consent / legitimate_interest lists hold the visitor's choice on the vendor
//    itself, the global lists the computed status;
//  - Didomi.shouldUserStatusBeCollected() is true while the regulation asks for a choice and none
//    is stored; regulation "none" asks nothing;
//  - consent.changed fires on every change; Didomi.preferences.show() opens the preferences.
// Tests drive it through __didomi: load(), returning({purposes: {...}, vendor: bool}),
// save({purposes: {...}, vendor: bool}), agreeAll(), disagreeAll(), regulation, vendorPurposes,
// vendorLegInt, breakWith(error).
(function (g) {
  'use strict';
  const DD = (g.__didomi = {
    purposes: ['cookies', 'support-XyZ', 'guidance-XyZ', 'analytics-XyZ'],
    vendor: 'c:intercom-XyZ',
    // What the Intercom vendor is declared with, as in consentc's didomi-vendor.json:
    // purposeIds (consent) and legIntPurposeIds.
    vendorPurposes: ['guidance-XyZ', 'analytics-XyZ'],
    vendorLegInt: ['support-XyZ'],
    regulation: 'gdpr',
    readyDelay: 10,
    broken: null,
    prefsShown: 0,
    fired: [],
    status: null, // {purposes: {id: bool}, vendor: bool} once chosen
    ready: false,
    load() {
      if (this.loaded) return;
      this.loaded = true;
      this.status = read();
      g.Didomi = api;
      g.setTimeout(init, this.readyDelay);
    },
    returning(status) {
      write(normal(status));
    },
    save(status) {
      set(normal(Object.assign({}, this.status || {}, status, { purposes: Object.assign({}, (this.status || {}).purposes, status.purposes) })));
    },
    agreeAll() {
      api.setUserAgreeToAll();
    },
    disagreeAll() {
      api.setUserDisagreeToAll();
    },
    breakWith(msg) {
      this.broken = msg || 'Didomi exploded';
    },
  });

  const listeners = [];
  let taken = 0; // didomiEventListeners entries registered so far

  function normal(s) {
    const p = {};
    for (const id of DD.purposes) p[id] = !!(s.purposes && s.purposes[id]);
    return { purposes: p, vendor: s.vendor !== false };
  }
  function read() {
    const m = /(?:^|; )didomi_token=([^;]*)/.exec(document.cookie);
    return m ? JSON.parse(decodeURIComponent(m[1])) : null;
  }
  function write(s) {
    document.cookie = 'didomi_token=' + encodeURIComponent(JSON.stringify(s)) + '; path=/; max-age=31536000';
  }
  function set(s) {
    DD.status = s;
    write(s);
    emit('consent.changed');
  }
  function takeListeners() {
    const a = g.didomiEventListeners || [];
    for (; taken < a.length; taken++) listeners.push(a[taken]);
  }
  function emit(type) {
    takeListeners();
    DD.fired.push(type);
    for (const l of listeners.slice()) {
      if (l && l.event === type && typeof l.listener === 'function') {
        try {
          l.listener({ type });
        } catch (e) {
          g.__log.errors.push('didomi listener: ' + e);
        }
      }
    }
  }
  function init() {
    takeListeners();
    DD.ready = true;
    const queue = Array.isArray(g.didomiOnReady) ? g.didomiOnReady.slice() : [];
    g.didomiOnReady = { push: (f) => f(api) };
    for (const f of queue) if (typeof f === 'function') f(api);
    emit('sdk.ready');
  }
  function check() {
    if (DD.broken) throw new Error(DD.broken);
  }

  const api = {
    isReady: () => DD.ready,
    getCurrentUserStatus() {
      check();
      const s = DD.status;
      const purposes = {};
      for (const id of DD.purposes) purposes[id] = { id, enabled: DD.regulation === 'none' ? true : !!(s && s.purposes[id]) };
      const vendorOn =
        DD.regulation === 'none' || (!!s && s.vendor && DD.vendorPurposes.concat(DD.vendorLegInt).every((id) => purposes[id].enabled));
      return {
        purposes,
        vendors: { [DD.vendor]: { id: DD.vendor, enabled: vendorOn } },
        regulation: DD.regulation,
        user_id: 'u-1',
        created: '2024-01-01T00:00:00Z',
        updated: '2024-01-01T00:00:00Z',
        consent_string: '',
      };
    },
    getUserStatus() {
      check();
      const s = DD.status;
      const split = (ids, on) => ({ enabled: s ? ids.filter(on) : [], disabled: s ? ids.filter((id) => !on(id)) : [] });
      const p = (id) => !!(s && s.purposes[id]);
      const v = () => !!(s && s.vendor);
      const global = this.getCurrentUserStatus();
      return {
        purposes: {
          consent: split(DD.purposes, p),
          legitimate_interest: split(DD.vendorLegInt, p),
          global: split(DD.purposes, (id) => global.purposes[id].enabled),
          essential: [],
        },
        vendors: {
          consent: split(DD.vendorPurposes.length ? [DD.vendor] : [], v),
          legitimate_interest: split(DD.vendorLegInt.length ? [DD.vendor] : [], v),
          global: split([DD.vendor], () => global.vendors[DD.vendor].enabled),
        },
        user_id: 'u-1',
      };
    },
    shouldUserStatusBeCollected() {
      check();
      return DD.regulation !== 'none' && !DD.status;
    },
    setUserAgreeToAll() {
      const p = {};
      for (const id of DD.purposes) p[id] = true;
      set({ purposes: p, vendor: true });
    },
    setUserDisagreeToAll() {
      set(normal({ purposes: {}, vendor: false }));
    },
    preferences: {
      show() {
        DD.prefsShown++;
      },
    },
    notice: { show() {}, hide() {} },
  };
})(globalThis);
