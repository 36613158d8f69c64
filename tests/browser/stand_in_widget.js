// A stand-in for Intercom's widget script (https://widget.intercom.io/widget/<app_id>), for a real
// browser. Intercom's hosts are unreachable from the tests, so the suite answers the widget URL
// with this file (Playwright request routing); the demo site serves it with `--stand-in`.
// It behaves like the real widget as tests/js/fake_intercom.js describes it (read in the 2021
// build kept in BuilderIO/partytown, tests/integrations/intercom/; none of its code is copied):
//  - the script (the "shim") does nothing if window.Intercom.booted is already set; otherwise it
//    makes sure window.Intercom exists (a queue stub), adds the hidden iframe#intercom-frame,
//    marks window.Intercom.booted = true and runs the frame code a little later (the real one
//    fetches it from Intercom's CDN; here it is in this file, so no second request is made);
//  - the frame code reads window.intercomSettings and window.Intercom.q, notes whether the queue
//    holds `boot` or `shutdown`, drains the queue through its own API, assigns that function to
//    window.Intercom with booted = true, and boots from intercomSettings only if the queue held
//    neither;
//  - booting sets intercom-id-<app>, intercom-session-<app> and intercom-device-id-<app> on the
//    site's parent domain (the shortest domain the browser accepts; host-only on an IP address),
//    an `intercom.*` key in local and in session storage, and draws #intercom-container and a
//    launcher (.intercom-lightweight-app); shutdown ends the session and hides the launcher.
// Every call the widget's API receives is recorded on window.__fakeIntercom, with
// performance.now() times, for the tests' assertions.
(function (g) {
  'use strict';
  const I = (g.__fakeIntercom = g.__fakeIntercom || {
    scriptRuns: 0, // widget scripts executed
    shimSkipped: 0, // scripts that found window.Intercom.booted already set
    frames: 0, // frame codes that drained the queue and assigned window.Intercom
    calls: [], // every call the API received: [method, ...args] (functions as '[function]')
    boots: [], // {t, settings} of every boot, settings copied
    updates: [], // {t, settings} of every update
    shutdowns: [], // performance.now() of every shutdown
    autoBoots: 0,
    booted: false,
    open: false,
    app: null,
    settingsSeen: null, // window.intercomSettings as the frame code read it
    queueSeen: null, // the queue the frame code drained (method names)
    errors: [],
  });
  I.scriptRuns++;

  function copy(s) {
    const o = {};
    for (const k of Object.keys(s || {})) {
      const v = s[k];
      o[k] = typeof v === 'function' ? '[function]' : JSON.parse(JSON.stringify(v === undefined ? null : v));
    }
    return o;
  }

  // The real widget writes its cookies for the registrable domain; find it as a browser does:
  // the shortest suffix of the host that accepts the cookie. An IP address gets a host-only one.
  function parentDomainCookie(name, value, maxAge) {
    const host = location.hostname;
    const tail = '; path=/; max-age=' + maxAge + '; SameSite=Lax';
    if (!/^[0-9.]+$/.test(host) && host.indexOf(':') < 0) {
      const labels = host.split('.');
      for (let i = labels.length - 2; i >= 0; i--) {
        const d = labels.slice(i).join('.');
        document.cookie = name + '=' + value + '; domain=' + d + tail;
        if (document.cookie.split('; ').indexOf(name + '=' + value) >= 0) return;
      }
    }
    document.cookie = name + '=' + value + tail;
  }

  function launcher() {
    if (document.getElementById('intercom-container')) return;
    const c = document.createElement('div');
    c.id = 'intercom-container';
    document.body.appendChild(c);
    const l = document.createElement('div');
    l.className = 'intercom-lightweight-app';
    l.textContent = 'Chat (Intercom stand-in)';
    l.setAttribute('role', 'status');
    Object.assign(l.style, {
      position: 'fixed', bottom: '20px', right: '20px', zIndex: '2147483000', background: '#0b57d0', color: '#fff',
      borderRadius: '2em', padding: '.8em 1.2em', font: '600 15px sans-serif',
    });
    document.body.appendChild(l);
  }

  function boot(settings) {
    const s = settings || g.intercomSettings || {};
    I.boots.push({t: performance.now(), settings: copy(s)});
    if (!s.app_id) {
      I.errors.push('boot without app_id');
      return;
    }
    const app = s.app_id;
    const n = I.boots.length + '-' + Math.random().toString(36).slice(2, 8);
    I.booted = true;
    I.app = app;
    parentDomainCookie('intercom-id-' + app, 'id-' + n, 9 * 30 * 86400);
    parentDomainCookie('intercom-session-' + app, 'session-' + n, 7 * 86400);
    parentDomainCookie('intercom-device-id-' + app, 'device-' + n, 9 * 30 * 86400);
    try {
      localStorage.setItem('intercom.intercom-state-' + app, '{"booted":true}');
      sessionStorage.setItem('intercom.played-notifications', '[]');
    } catch (e) {
      I.errors.push('storage: ' + e);
    }
    launcher();
  }

  function shutdown() {
    I.shutdowns.push(performance.now());
    I.booted = false;
    I.open = false;
    if (I.app) {
      // The session cookie ends with the session, wherever it was written.
      const name = 'intercom-session-' + I.app;
      const labels = location.hostname.split('.');
      document.cookie = name + '=; path=/; max-age=0';
      for (let i = labels.length - 2; i >= 0; i--) document.cookie = name + '=; path=/; max-age=0; domain=' + labels.slice(i).join('.');
    }
    // Hidden, not removed: the loader is the one that must remove the widget's elements.
    for (const el of document.querySelectorAll('#intercom-container, .intercom-lightweight-app')) el.hidden = true;
  }

  function makeApi() {
    const api = function (method) {
      const args = Array.prototype.slice.call(arguments, 1);
      I.calls.push([method].concat(args.map((a) => (typeof a === 'function' ? '[function]' : a))));
      switch (method) {
        case 'boot':
          return boot(args[0]);
        case 'update':
          I.updates.push({t: performance.now(), settings: copy(args[0])});
          return;
        case 'shutdown':
          return shutdown();
        case 'show':
          I.open = true;
          return;
        case 'hide':
          I.open = false;
          return;
        case 'getVisitorId':
          return 'visitor-42';
        default:
          return;
      }
    };
    return api;
  }

  function frameCode() {
    I.frames++;
    const cur = g.Intercom;
    const q = (cur && cur.q) || [];
    I.settingsSeen = copy(g.intercomSettings);
    I.queueSeen = q.map((a) => a[0]);
    const explicit = q.some((a) => a[0] === 'boot' || a[0] === 'shutdown');
    const api = makeApi();
    while (q.length) api.apply(null, q.shift());
    g.Intercom = api;
    g.Intercom.booted = true;
    if (!explicit) {
      I.autoBoots++;
      api('boot');
    }
  }

  // The shim.
  if (g.Intercom && g.Intercom.booted) {
    I.shimSkipped++;
    return;
  }
  if (typeof g.Intercom !== 'function') {
    const stub = function () {
      stub.q.push(Array.prototype.slice.call(arguments));
    };
    stub.q = [];
    g.Intercom = stub;
  }
  const frame = document.createElement('iframe');
  frame.id = 'intercom-frame';
  frame.title = 'Intercom';
  frame.hidden = true;
  (document.body || document.documentElement).appendChild(frame);
  g.Intercom.booted = true;
  g.setTimeout(frameCode, 30);
})(window);
