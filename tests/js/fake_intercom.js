// A fake of Intercom's widget, written from how the real one behaves (read in the 2021 build kept
// in BuilderIO/partytown, tests/integrations/intercom/; none of its code is copied here):
//  - the widget script (the "shim") does nothing if window.Intercom.booted is already set;
//    otherwise it makes sure window.Intercom exists (a queue stub), adds the hidden
//    iframe#intercom-frame, marks window.Intercom.booted = true and loads the frame code;
//  - the frame code reads window.intercomSettings and window.Intercom.q, notes whether the queue
//    holds `boot` or `shutdown`, drains the queue through the real API, assigns its own function
//    to window.Intercom (parent.Intercom) with booted = true, and boots from intercomSettings
//    only if the queue held neither;
//  - booting sets intercom-id-<app>, intercom-session-<app>, intercom-device-id-<app> on the
//    site's parent domain (the shortest domain the browser accepts), `intercom.*` storage keys,
//    and draws #intercom-container / .intercom-lightweight-app; shutdown ends the session.
// Every call the widget receives is recorded in __intercom for assertions.
(function (g) {
  'use strict';
  const I = (g.__intercom = {
    scriptRuns: 0, // widget scripts executed
    shimSkipped: 0, // scripts that found window.Intercom.booted already set
    frames: 0, // frames that drained the queue and assigned window.Intercom
    calls: [], // every call the real API received: [method, ...args]
    boots: [], // settings of every boot (copies)
    updates: [], // settings of every update (copies)
    autoBoots: 0,
    shutdowns: 0,
    api: null, // the function the frame assigned to window.Intercom
    booted: false,
    open: false,
    callbacks: {},
    visitorId: 'visitor-42',
    frameDelay: 5,
    errors: [],
    // Serve the widget for any script whose src passes `match` (default: Intercom's widget URL).
    serve(match) {
      g.__net.route(match, shim);
    },
    methods(name) {
      return this.calls.filter((c) => c[0] === name);
    },
  });

  function copy(s) {
    const o = {};
    for (const k of Object.keys(s || {})) {
      const v = s[k];
      o[k] = typeof v === 'function' ? '[function]' : JSON.parse(JSON.stringify(v === undefined ? null : v));
    }
    return o;
  }

  function shim() {
    I.scriptRuns++;
    if (g.Intercom && g.Intercom.booted) {
      I.shimSkipped++;
      return;
    }
    if (!g.Intercom) {
      const stub = function () {
        stub.q.push(Array.prototype.slice.call(arguments));
      };
      stub.q = [];
      g.Intercom = stub;
    }
    const frame = document.createElement('iframe');
    frame.id = 'intercom-frame';
    frame.setAttribute('title', 'Intercom');
    document.body.appendChild(frame);
    g.Intercom.booted = true;
    g.setTimeout(frameCode, I.frameDelay);
  }

  function frameCode() {
    const cur = g.Intercom;
    const q = (cur && cur.q) || [];
    const explicit = q.some((a) => a[0] === 'boot' || a[0] === 'shutdown');
    const api = makeApi();
    while (q.length) api.apply(null, q.shift());
    g.Intercom = api;
    g.Intercom.booted = true;
    I.api = api;
    I.frames++;
    if (!explicit) {
      I.autoBoots++;
      api('boot');
    }
  }

  function parentDomainCookie(name, value, maxAge) {
    const labels = location.hostname.split('.');
    for (let i = labels.length - 2; i >= 0; i--) {
      const d = labels.slice(i).join('.');
      document.cookie = name + '=' + value + '; path=/; domain=' + d + '; max-age=' + maxAge + '; SameSite=Lax';
      if (g.__cookies().some((c) => c.name === name && c.domain === d && !c.hostOnly)) return;
    }
    document.cookie = name + '=' + value + '; path=/; max-age=' + maxAge;
  }

  function boot(settings) {
    const s = settings || g.intercomSettings || {};
    I.boots.push(copy(s));
    if (!s.app_id) {
      I.errors.push('boot without app_id');
      return;
    }
    const app = s.app_id;
    I.booted = true;
    I.app = app;
    parentDomainCookie('intercom-id-' + app, 'id-' + I.boots.length, 9 * 30 * 86400);
    parentDomainCookie('intercom-session-' + app, 'session-' + I.boots.length, 7 * 86400);
    parentDomainCookie('intercom-device-id-' + app, 'device-1', 9 * 30 * 86400);
    localStorage.setItem('intercom.intercom-state-' + app, '{"booted":true}');
    sessionStorage.setItem('intercom.played-notifications', '[]');
    if (!document.getElementById('intercom-container')) {
      const c = document.createElement('div');
      c.id = 'intercom-container';
      document.body.appendChild(c);
      const l = document.createElement('div');
      l.className = 'intercom-lightweight-app';
      document.body.appendChild(l);
    }
  }

  function shutdown() {
    I.shutdowns++;
    I.booted = false;
    I.open = false;
    if (I.app) {
      for (const c of g.__cookies()) {
        if (c.name === 'intercom-session-' + I.app) {
          document.cookie = c.name + '=; path=/; max-age=0' + (c.hostOnly ? '' : '; domain=' + c.domain);
        }
      }
    }
    // The UI is hidden, not removed: the frame and containers stay in the page until the
    // loader cleans them up (so the tests see whether it does).
    for (const el of document.querySelectorAll('#intercom-container, .intercom-lightweight-app')) el.setAttribute('data-shutdown', '1');
  }

  function makeApi() {
    return function api(method) {
      const args = Array.prototype.slice.call(arguments, 1);
      I.calls.push([method].concat(args.map((a) => (typeof a === 'function' ? '[function]' : a))));
      switch (method) {
        case 'boot':
          return boot(args[0]);
        case 'update':
          I.updates.push(copy(args[0]));
          return;
        case 'shutdown':
          return shutdown();
        case 'show':
          I.open = true;
          if (I.callbacks.onShow) I.callbacks.onShow();
          return;
        case 'hide':
          I.open = false;
          if (I.callbacks.onHide) I.callbacks.onHide();
          return;
        case 'getVisitorId':
          return I.visitorId;
        case 'onShow':
        case 'onHide':
        case 'onUnreadCountChange':
        case 'onUserEmailSupplied':
          I.callbacks[method] = args[0];
          return;
        default:
          return;
      }
    };
  }
})(globalThis);
