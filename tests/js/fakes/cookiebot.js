// A fake of Cookiebot (uc.js), written from its documented SDK (cookiebot.com/en/developer):
//  - window.Cookiebot exposes consent.{necessary, preferences, statistics, marketing, method},
//    consented, declined, hasResponse, and renew(), show(), hide(), submitCustomConsent();
//  - hasResponse is false until there is a response; consent.method is "explicit" when the
//    visitor chose, "implied" when Cookiebot consented for them (implied-consent banner, a region
//    without a banner, or a consent too old to tell), null without a consent;
//  - the choice is stored in the CookieConsent cookie; a page with a stored choice fires
//    CookiebotOnLoad, CookiebotOnConsentReady, then CookiebotOnAccept (something accepted) or
//    CookiebotOnDecline; a submitted choice fires CookiebotOnConsentReady then Accept/Decline;
//  - renew() shows the dialog so the visitor can change their choice.
// Tests drive it through __cb: load(), returning({preferences: true, ...}, method), accept({...}),
// acceptAll(), decline(), implied() (a region where Cookiebot consents without a banner),
// breakWith(error) and the counters.
(function (g) {
  'use strict';
  const CB = (g.__cb = {
    broken: null,
    renewed: 0,
    events: [],
    state: null, // {preferences, statistics, marketing, method} once there is a response
    impliedRegion: false,
    load() {
      if (g.Cookiebot && g.Cookiebot.__fake) return;
      g.Cookiebot = api;
      this.state = readCookie();
      if (!this.state && this.impliedRegion) {
        this.state = { preferences: true, statistics: true, marketing: true, method: 'implied' };
        writeCookie();
      }
      fire('CookiebotOnLoad');
      if (this.state) announce();
    },
    returning(choice, method) {
      CB.state = Object.assign({ preferences: false, statistics: false, marketing: false }, choice, { method: method || 'explicit' });
      writeCookie();
      CB.state = null;
    },
    accept(choice) {
      api.submitCustomConsent(!!choice.preferences, !!choice.statistics, !!choice.marketing);
    },
    acceptAll() {
      api.submitCustomConsent(true, true, true);
    },
    decline() {
      api.submitCustomConsent(false, false, false);
    },
    implied() {
      this.impliedRegion = true;
    },
    breakWith(msg) {
      this.broken = msg || 'Cookiebot exploded';
    },
  });

  function fire(name) {
    CB.events.push(name);
    g.dispatchEvent(new Event(name));
  }
  function any() {
    return CB.state && (CB.state.preferences || CB.state.statistics || CB.state.marketing);
  }
  function announce() {
    fire('CookiebotOnConsentReady');
    fire(any() ? 'CookiebotOnAccept' : 'CookiebotOnDecline');
  }
  function readCookie() {
    const m = /(?:^|; )CookieConsent=([^;]*)/.exec(document.cookie);
    if (!m) return null;
    try {
      return JSON.parse(decodeURIComponent(m[1]));
    } catch (e) {
      return null;
    }
  }
  function writeCookie() {
    document.cookie = 'CookieConsent=' + encodeURIComponent(JSON.stringify(CB.state)) + '; path=/; max-age=31536000';
  }
  function check() {
    if (CB.broken) throw new Error(CB.broken);
  }

  const api = {
    __fake: true,
    get consent() {
      check();
      const s = CB.state || {};
      return {
        necessary: true,
        preferences: s.preferences === true,
        statistics: s.statistics === true,
        marketing: s.marketing === true,
        method: CB.state ? s.method : null,
      };
    },
    get hasResponse() {
      check();
      return CB.state !== null;
    },
    get consented() {
      return !!any();
    },
    get declined() {
      return CB.state !== null && !any();
    },
    renew() {
      CB.renewed++;
      fire('CookiebotOnDialogDisplay');
    },
    show() {
      fire('CookiebotOnDialogDisplay');
    },
    hide() {},
    submitCustomConsent(preferences, statistics, marketing) {
      CB.state = { preferences, statistics, marketing, method: 'explicit' };
      writeCookie();
      announce();
    },
  };
})(globalThis);
