// A single-page app with Intercom's own npm package, @intercom/messenger-js-sdk, as its docs
// show it: `Intercom({app_id, ...})` once, `update(...)` on every route change (with
// last_request_at, as Intercom's guide for single-page apps does). The router is minimal: links
// call history.pushState. Built as a classic script (IIFE): bundled.mjs puts it after the
// loader in <head> (the right order) or before the loader in <body> (the wrong order).
// Named imports: this file is an ES module (.mjs) and the package is CommonJS, so its default
// export is the whole module object there (Node's rule, which esbuild follows).
import {Intercom, update} from '@intercom/messenger-js-sdk';
import {ROUTES, startBanner} from './consent-banner.mjs';

const BASE = location.pathname.replace(/^(\/[^/]+\/sdk(-late)?).*$/, '$1');

function render() {
  document.getElementById('route').textContent = location.pathname.slice(BASE.length) || '/';
}

function onRouteChange() {
  render();
  update({last_request_at: Math.floor(Date.now() / 1000)});
  (window.__appUpdates = window.__appUpdates || []).push(location.pathname);
}

Intercom({app_id: 'bundle42', region: 'eu', plan: 'sdk'});

function start() {
  const nav = document.createElement('nav');
  for (const r of ROUTES) {
    const a = document.createElement('a');
    a.href = BASE + r;
    a.dataset.route = r;
    a.textContent = r;
    a.addEventListener('click', (e) => {
      e.preventDefault();
      history.pushState(null, '', BASE + r);
      onRouteChange();
    });
    nav.append(a);
  }
  const root = document.getElementById('root');
  root.append(nav);
  const h1 = document.createElement('h1');
  h1.id = 'route';
  root.append(h1);
  render();
  startBanner();
}

if (document.body) start();
else addEventListener('DOMContentLoaded', start);
