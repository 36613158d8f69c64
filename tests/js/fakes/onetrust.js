// A fake of OneTrust's Web CMP (otSDKStub.js + the banner SDK), written from its documented API
// (developer.onetrust.com: "Web CMP JavaScript Methods", "Web CMP Events Guide"; OneTrust's
// cookie articles on OptanonConsent / OptanonAlertBoxClosed):
//  - once the SDK has loaded, window.OneTrust (also window.Optanon) exposes IsAlertBoxClosed(),
//    ToggleInfoDisplay(), AllowAll(), RejectAll(), Close(), OnConsentChanged(fn) and
//    GetDomainData() ({ShowAlertNotice, ConsentModel: {Name}, Groups});
//  - window.OnetrustActiveGroups is ",C0001,C0003,": the always-active groups plus the visitor's
//    choice, or, before any choice, the groups the template turns on by default;
//  - on load and on every change it sets OnetrustActiveGroups, calls window.OptanonWrapper() and
//    fires OneTrustGroupsUpdated on window (detail: the active ids); OnConsentChanged callbacks
//    run on a change only;
//  - the choice is stored in the OptanonConsent cookie (groups=C0001:1,C0002:0,...), and the
//    interaction with the banner in the OptanonAlertBoxClosed cookie (a date). Close() dismisses
//    the banner and keeps the defaults (an interaction, not a choice of groups).
// Tests drive it through __ot: load(), returning({C0002: true, ...}), allowAll(), rejectAll(),
// save({C0003: true, ...}), close(), breakWith(error), and the settings below.
(function (g) {
  'use strict';
  const OT = (g.__ot = {
    groups: ['C0001', 'C0002', 'C0003', 'C0004', 'C0005'],
    alwaysActive: ['C0001'],
    defaults: [], // groups on by default before a choice (opt-out style templates)
    showBanner: true, // false: the geolocation rule shows no banner
    model: 'opt-in', // ConsentModel.Name: opt-in, opt-out, implied consent, notice only
    broken: null,
    prefsShown: 0,
    wrapperCalls: 0,
    events: [],
    choice: null, // {group: bool} once chosen
    load() {
      if (g.OneTrust && g.OneTrust.__fake) return;
      this.choice = readChoice();
      g.OneTrust = g.Optanon = api;
      publish();
    },
    // A visitor who chose on an earlier visit: OneTrust's cookies are already there.
    returning(choice) {
      writeChoice(choice);
      document.cookie = 'OptanonAlertBoxClosed=2024-01-01T00:00:00.000Z; path=/; max-age=31536000';
    },
    allowAll() {
      api.AllowAll();
    },
    rejectAll() {
      api.RejectAll();
    },
    // The visitor saves the preference centre: groups not switched on are off.
    save(choice) {
      choose(choice);
    },
    close() {
      api.Close();
    },
    breakWith(msg) {
      this.broken = msg || 'OneTrust exploded';
    },
  });

  const changed = [];

  function readChoice() {
    const m = /(?:^|; )OptanonConsent=([^;]*)/.exec(document.cookie);
    if (!m) return null;
    const groups = /(?:^|&)groups=([^&]*)/.exec(decodeURIComponent(m[1]));
    if (!groups) return null;
    const c = {};
    for (const kv of groups[1].split(',')) {
      const [k, v] = kv.split(':');
      if (k) c[k] = v === '1';
    }
    return c;
  }
  function writeChoice(choice) {
    const groups = OT.groups.map((k) => k + ':' + (OT.alwaysActive.includes(k) || choice[k] ? 1 : 0)).join(',');
    document.cookie =
      'OptanonConsent=' + encodeURIComponent('isGpcEnabled=0&datestamp=x&version=202401.1.0&groups=' + groups) + '; path=/; max-age=31536000';
  }
  function active() {
    return OT.groups.filter((k) => OT.alwaysActive.includes(k) || (OT.choice ? OT.choice[k] === true : OT.defaults.includes(k)));
  }
  function publish() {
    const ids = active();
    g.OnetrustActiveGroups = g.OptanonActiveGroups = ',' + ids.join(',') + ',';
    if (typeof g.OptanonWrapper === 'function') {
      OT.wrapperCalls++;
      g.OptanonWrapper();
    }
    OT.events.push('OneTrustGroupsUpdated');
    g.dispatchEvent(new CustomEvent('OneTrustGroupsUpdated', { detail: ids }));
  }
  function closeBanner() {
    document.cookie = 'OptanonAlertBoxClosed=' + new Date().toISOString() + '; path=/; max-age=31536000';
  }
  function choose(choice) {
    OT.choice = {};
    for (const k of OT.groups) OT.choice[k] = OT.alwaysActive.includes(k) || choice[k] === true;
    writeChoice(OT.choice);
    closeBanner();
    publish();
    for (const f of changed) f(new CustomEvent('consent.onetrust', { detail: active() }));
  }
  function check() {
    if (OT.broken) throw new Error(OT.broken);
  }

  const api = {
    __fake: true,
    IsAlertBoxClosed() {
      check();
      return /(?:^|; )OptanonAlertBoxClosed=/.test(document.cookie);
    },
    GetDomainData() {
      check();
      return {
        ShowAlertNotice: OT.showBanner,
        ConsentModel: { Name: OT.model },
        Groups: OT.groups.map((id) => ({ CustomGroupId: id })),
      };
    },
    ToggleInfoDisplay() {
      OT.prefsShown++;
    },
    AllowAll() {
      const c = {};
      for (const k of OT.groups) c[k] = true;
      choose(c);
    },
    RejectAll() {
      choose({});
    },
    // Dismisses the banner: the defaults stay as they are.
    Close() {
      closeBanner();
      publish();
    },
    OnConsentChanged(f) {
      changed.push(f);
    },
  };
})(globalThis);
