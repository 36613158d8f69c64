#!/usr/bin/env node
// Real-browser tests of the consentc loader in a site whose JavaScript is bundled with esbuild
// (issue 12): vanilla-cookieconsent and Klaro imported from npm (no globals), configured by the
// site with its own analytics service and merged with the build's `withIntercom`; a React app
// with react-use-intercom and an app with @intercom/messenger-js-sdk, the loader first in
// <head>; and the SDK before the loader (the documented wrong order). docs/browser-tests.md
// ("The bundled site") explains them.
//
//   node tests/browser/bundled.mjs [--dist DIR] [--only TEXT] [--out DIR] [--break handover]
//
// --dist DIR          the output of `consentc build tests/browser/bundled.policy --out DIR`
//                     (tests/browser_bundled.rs passes one built with the binary under test);
//                     without it the policy is built here with $CONSENTC or `cargo run`.
// --only TEXT         the scenarios whose CMP, id or title contains TEXT.
// --out DIR           screenshots of failures; default target/browser-tests.
// --break handover    bundle the sites with `withIntercom(config)` (no CMP module handed over),
//                     to see the scenarios that depend on the handover fail.
// Exit status 0 when every scenario passed.
//
// The same harness as run.mjs (harness.mjs): Chromium via playwright-core, a fresh context per
// scenario, every request routed: the page's origin passes, Intercom's widget URL is answered
// with stand_in_widget.js, anything else fails the scenario, as do uncaught page errors and any
// byte of Intercom JavaScript before the visitor answered (except in the one scenario that
// shows that leak on purpose: `leaks`).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {CHROMIUM, HOST, buildPolicies, launch, visitor} from './harness.mjs';
import {driver} from './cmps.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const POLICY_FILE = path.join('tests', 'browser', 'bundled.policy');
const SOURCES = path.join(here, 'bundled');
const SCENARIO_TIMEOUT_MS = 60000;
const PACKAGES = ['playwright-core', 'esbuild', 'vanilla-cookieconsent', 'klaro', 'react', 'react-dom', 'react-use-intercom', '@intercom/messenger-js-sdk'];
const SITE_COOKIE = 'site_stats';
const MISPLACED = 'consentc: Intercom ran outside the loader (docs/frameworks.md)';

function parseArgs(argv) {
  const o = {dist: null, only: null, out: path.join(repo, 'target', 'browser-tests'), breakIt: null};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dist') o.dist = path.resolve(argv[++i]);
    else if (a === '--only') o.only = argv[++i];
    else if (a === '--out') o.out = path.resolve(argv[++i]);
    else if (a === '--break') o.breakIt = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  if (o.breakIt !== null && o.breakIt !== 'handover') throw new Error('--break: only `handover` is known');
  return o;
}


const version = (pkg) => JSON.parse(fs.readFileSync(path.join(repo, 'node_modules', pkg, 'package.json'), 'utf8')).version;

// ---- the bundles: esbuild's JS API, one bundle per policy and page kind

/** The page kinds: which source, which CMP's loader, and how the bundle is built. */
const KINDS = {
  cookieconsent: {entry: 'cookieconsent-site.mjs', cmp: 'cookieconsent', format: 'esm'},
  klaro: {entry: 'klaro-site.mjs', cmp: 'klaro', format: 'esm'},
  react: {entry: 'react-app.jsx', cmp: 'cookieconsent', format: 'esm'},
  // Classic scripts: the wrong order needs the bundle to run before the loader at the end of
  // <body>, which a module script (deferred) would not.
  sdk: {entry: 'sdk-app.mjs', cmp: 'cookieconsent', format: 'iife'},
  'sdk-late': {entry: 'sdk-app.mjs', cmp: 'cookieconsent', format: 'iife'},
};

async function bundleAll(dist, policies, breakIt) {
  const esbuild = await import('esbuild');
  const bundles = {};
  for (const policy of policies) {
    for (const [kind, k] of Object.entries(KINDS)) {
      // `consentc-dist/<file>`: the file the build under test wrote for this policy.
      const consentcDist = {
        name: 'consentc-dist',
        setup(b) {
          b.onResolve({filter: /^consentc-dist\//}, (args) => ({path: path.join(dist, policy, args.path.slice('consentc-dist/'.length))}));
        },
      };
      const result = await esbuild.build({
        entryPoints: [path.join(SOURCES, k.entry)],
        bundle: true,
        write: false,
        outdir: path.join(os.tmpdir(), 'consentc-bundled-out'),
        entryNames: 'app',
        format: k.format,
        platform: 'browser',
        target: 'es2020',
        jsx: 'automatic',
        minify: true,
        logLevel: 'silent',
        absWorkingDir: repo,
        nodePaths: [path.join(repo, 'node_modules')],
        define: {'process.env.NODE_ENV': '"production"', __CONSENTC_BREAK__: JSON.stringify(breakIt || '')},
        plugins: [consentcDist],
      });
      const files = {};
      for (const f of result.outputFiles) files[path.extname(f.path)] = f.text;
      bundles[`${policy}/${kind}`] = files;
    }
  }
  return bundles;
}

// ---- the site: node's http module; every page is the same shell for a policy and a kind

function page(policy, kind) {
  const k = KINDS[kind];
  const loader = `<script src="/consentc/${policy}/intercom-loader.${k.cmp}.js"></script>`;
  const css = `<link rel="stylesheet" href="/bundle/${policy}/${kind}/app.css">`;
  const bundle =
    k.format === 'esm' ? `<script type="module" src="/bundle/${policy}/${kind}/app.js"></script>` : `<script src="/bundle/${policy}/${kind}/app.js"></script>`;
  // The right order: the loader, a classic script, first in <head>, then the bundle. The wrong
  // order (sdk-late): the bundle in <body>, the loader at its end.
  const late = kind === 'sdk-late';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>consentc bundled site (${kind})</title>
${late ? '' : loader}
${css}
${late ? '' : bundle}
</head>
<body>
<div id="root"></div>
${late ? bundle + '\n' + loader : ''}
</body>
</html>
`;
}

function startServer(dist, bundles, policies) {
  const server = http.createServer((req, res) => {
    const send = (status, type, body) => {
      res.writeHead(status, {'content-type': type, 'cache-control': 'no-store'});
      res.end(body);
    };
    const p = new URL(req.url, 'http://localhost').pathname;
    let m;
    if ((m = /^\/([\w-]+)\/(cookieconsent|klaro|react|sdk|sdk-late)(\/.*)?$/.exec(p)) && policies.includes(m[1])) {
      return send(200, 'text/html; charset=utf-8', page(m[1], m[2]));
    }
    if ((m = /^\/bundle\/([\w-]+)\/([\w-]+)\/app(\.js|\.css)$/.exec(p))) {
      const body = bundles[`${m[1]}/${m[2]}`] && bundles[`${m[1]}/${m[2]}`][m[3]];
      if (body !== undefined) return send(200, m[3] === '.js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8', body);
      if (m[3] === '.css') return send(200, 'text/css; charset=utf-8', '');
    }
    if ((m = /^\/consentc\/([\w-]+)\/(intercom-loader\.[\w]+\.js)$/.exec(p)) && policies.includes(m[1])) {
      const file = path.join(dist, m[1], m[2]);
      if (fs.existsSync(file)) return send(200, 'text/javascript; charset=utf-8', fs.readFileSync(file));
    }
    return send(404, 'text/plain', 'not found\n');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = server.address().port;
      resolve({
        origin: `http://${HOST}:${port}`,
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    }),
  );
}

// ---- helpers of the scenarios

const hasSiteCookie = async (v) => (await v.ctx.cookies()).some((c) => c.name === SITE_COOKIE);

async function assertWidgetCookies(v) {
  const names = (await v.icCookies()).map((c) => `${c.name} ${c.domain}`);
  for (const name of ['intercom-id-bundle42', 'intercom-session-bundle42', 'intercom-device-id-bundle42']) {
    assert.ok(names.includes(`${name} .consentc.test`), `cookie ${name} on .consentc.test (have: ${names.join(', ') || 'none'})`);
  }
}

/** Nothing of Intercom in this page, and nothing of the site's own analytics either. */
async function assertNothing(v, why) {
  assert.deepEqual(v.intercomRequests.map((r) => r.url), [], `${why}: no request to any Intercom host`);
  assert.deepEqual((await v.icCookies()).map((c) => c.name), [], `${why}: no intercom-* cookie`);
  assert.equal(await v.fake(), null, `${why}: the widget never ran`);
  assert.equal(await v.widgetDom(), 0, `${why}: no widget script or element`);
  assert.equal(await v.intercomBooted(), false, `${why}: Intercom.booted is false`);
  assert.equal(await hasSiteCookie(v), false, `${why}: the site's own analytics cookie is not set (its service is gated by the CMP)`);
}

function assertConsent(settings, expected) {
  for (const [purpose, granted] of Object.entries(expected)) {
    assert.equal(settings[`consent_${purpose}`], granted, `boot/update carries consent_${purpose} = ${granted}`);
  }
}

async function lastBoot(v) {
  const f = await v.fake();
  assert.ok(f && f.boots.length, 'the widget booted');
  return f.boots[f.boots.length - 1].settings;
}

/**
 * The CMP is bundled: no global, and the build's module handed it to the loader. Klaro draws
 * into `<div id="klaro">` (its default `elementID`), and a browser exposes an element's id as a
 * property of window (HTML's named access on the Window object): once Klaro has drawn,
 * `window.klaro` is that element, never Klaro's API.
 */
async function assertBundledCmp(v, cmp) {
  const g = await v.page.evaluate(
    (c) => ({
      cookieConsent: typeof window.CookieConsent,
      klaro: window.klaro === undefined ? 'undefined' : window.klaro instanceof Element ? 'the #klaro element' : typeof window.klaro,
      handedOver: !!(window.consentcCmps && window.consentcCmps[c]),
    }),
    cmp,
  );
  assert.equal(g.cookieConsent, 'undefined', 'no window.CookieConsent: the CMP is bundled');
  assert.ok(['undefined', 'the #klaro element'].includes(g.klaro), `no window.klaro API: the CMP is bundled (window.klaro is ${g.klaro})`);
  assert.equal(g.handedOver, true, `withIntercom handed the module over (window.consentcCmps.${cmp})`);
}

/** Follows an app link (history.pushState) and waits past the loader's 300 ms page-view debounce. */
async function navigate(v, route, wait = 650) {
  await v.page.locator(`nav a[data-route="${route}"]`).click();
  await v.page.waitForFunction((r) => location.pathname.endsWith(r === '/' ? '/' : r), route);
  await v.settle(wait);
}

// ---- the scenarios. t: {cmp (driver), kind, open() -> visitor}

/** The bundled-CMP scenarios, each run for vanilla-cookieconsent and for Klaro. */
const CMP_SCENARIOS = [
  {
    id: 'first-visit',
    title: 'first visit: nothing before a choice, no global, site analytics blocked too',
    policy: 'bundled',
    async run(t) {
      const v = await t.open();
      await v.goto(`/bundled/${t.kind}/`);
      await t.cmp.banner(v.page).waitFor();
      await v.settle();
      await assertBundledCmp(v, t.kind);
      await assertNothing(v, 'first visit');
      // The merge kept the site's own parts and added the policy's.
      const merged = await v.page.evaluate(() => window.__mergedCategories || window.__mergedServices);
      const expected = t.kind === 'cookieconsent' ? ['necessary', 'analytics', 'chat'] : ['site-stats', 'intercom-support', 'intercom-analytics'];
      assert.deepEqual(merged, expected, 'the site configuration merged with the policy');
      // The page calls Intercom itself: the firewall holds it.
      await v.page.evaluate(() => {
        window.Intercom('boot', {app_id: 'someone-else'});
        window.Intercom('show');
      });
      await v.settle();
      await assertNothing(v, 'the page called boot and show before a choice');
    },
  },
  {
    id: 'accept-support',
    title: 'accept only support',
    policy: 'bundled',
    async run(t) {
      const v = await t.open();
      await v.goto(`/bundled/${t.kind}/`);
      await t.cmp.choose(v, {support: true, analytics: false});
      await v.waitBoots(1);
      const s = await lastBoot(v);
      assert.equal(s.app_id, 'bundle42');
      assertConsent(s, {support: true, analytics: false});
      await assertWidgetCookies(v);
      await v.settle();
      const f = await v.fake();
      assert.equal(f.boots.length, 1, 'one boot');
      assert.equal(f.autoBoots, 0, 'no auto-boot');
      assert.equal(await hasSiteCookie(v), false, "the site's analytics stays off: only support was accepted");
      await assertBundledCmp(v, t.kind);
    },
  },
  {
    id: 'accept-all',
    title: 'accept all',
    policy: 'bundled',
    async run(t) {
      const v = await t.open();
      await v.goto(`/bundled/${t.kind}/`);
      await t.cmp.acceptAll(v);
      await v.waitBoots(1);
      assertConsent(await lastBoot(v), {support: true, analytics: true});
      await assertWidgetCookies(v);
      await v.page.waitForFunction(() => (window.__siteAnalytics || []).length > 0);
      assert.equal(await hasSiteCookie(v), true, "the site's own analytics ran (the CMP's own gating, kept by the merge)");
      await v.settle();
      const f = await v.fake();
      assert.equal(f.boots.length, 1, 'one boot');
      assert.equal(f.frames, 1, 'the widget started once');
      const callbacks = await v.page.evaluate(() => window.__siteCallbacks || []);
      if (t.kind === 'cookieconsent') assert.ok(callbacks.includes('onConsent'), `the site's onConsent ran (${callbacks})`);
      else assert.ok(callbacks.includes('site-stats:true') && callbacks.includes('intercom-support:true'), `the site's Klaro callback ran (${callbacks})`);
    },
  },
  {
    id: 'reject-all',
    title: 'reject all, then reload',
    policy: 'bundled',
    async run(t) {
      const v = await t.open();
      await v.goto(`/bundled/${t.kind}/`);
      await t.cmp.rejectAll(v);
      await v.settle();
      await assertNothing(v, 'after reject all');
      await v.page.reload();
      await v.settle();
      assert.equal(await t.cmp.banner(v.page).isVisible(), false, 'the refusal is remembered');
      await assertNothing(v, 'reload after reject all');
    },
  },
  {
    id: 'change-of-mind',
    title: 'change of mind: support withdrawn, then analytics, then support again',
    policy: 'bundled',
    async run(t) {
      const v = await t.open();
      await v.goto(`/bundled/${t.kind}/`);
      await t.cmp.acceptAll(v);
      await v.waitBoots(1);
      assert.ok((await v.icStorage()).length >= 2, 'the widget stored intercom.* keys');
      // Support withdrawn: the widget goes, with its cookies, storage and elements.
      await t.cmp.choose(v, {support: false});
      await v.waitFake(() => window.__fakeIntercom.shutdowns.length >= 1);
      await v.page.waitForFunction(() => !document.querySelector('#intercom-frame, #intercom-container, .intercom-lightweight-app'));
      const deadline = Date.now() + 3000;
      while ((await v.icCookies()).length && Date.now() < deadline) await v.settle(100);
      assert.deepEqual((await v.icCookies()).map((c) => `${c.name} (${c.domain})`), [], 'every intercom-* cookie deleted');
      assert.deepEqual(await v.icStorage(), [], 'intercom.* storage removed');
      assert.equal(await v.widgetDom(), 0, 'widget script and elements removed');
      assert.equal(await v.intercomBooted(), false);
      assert.equal(await hasSiteCookie(v), true, "the site's analytics, still accepted, keeps its cookie");
      // Analytics withdrawn: the CMP deletes the site's cookie (its own list, kept by the merge).
      await t.cmp.choose(v, {analytics: false});
      const until = Date.now() + 3000;
      while ((await hasSiteCookie(v)) && Date.now() < until) await v.settle(100);
      assert.equal(await hasSiteCookie(v), false, "the CMP cleared the site's own cookie");
      // Support granted again: the widget loads again from scratch.
      await t.cmp.choose(v, {support: true});
      await v.waitBoots(2);
      const f = await v.fake();
      assert.equal(f.frames, 2, 'the widget started again');
      assertConsent(f.boots[1].settings, {support: true, analytics: false});
      await assertWidgetCookies(v);
    },
  },
  {
    id: 'returning',
    title: 'returning visitor after reload',
    policy: 'bundled',
    async run(t) {
      const v = await t.open();
      await v.goto(`/bundled/${t.kind}/`);
      await t.cmp.choose(v, {support: true, analytics: false});
      await v.waitBoots(1);
      await v.page.reload();
      await v.waitBoots(1);
      await v.settle();
      assert.equal(await t.cmp.banner(v.page).isVisible(), false, 'no banner for a returning visitor');
      const f = await v.fake();
      assert.equal(f.boots.length, 1, 'one boot on the new page, without a click');
      assert.equal(f.autoBoots, 0);
      assertConsent(f.boots[0].settings, {support: true, analytics: false});
      assert.equal(f.shutdowns.length, 0);
      await assertWidgetCookies(v);
      await assertBundledCmp(v, t.kind);
    },
  },
  {
    id: 'facade-prefs',
    title: 'facade after reject all: opens the CMP through the handed-over module, then the chat',
    policy: 'bundled_chat_button',
    async run(t) {
      const v = await t.open();
      await v.goto(`/bundled_chat_button/${t.kind}/`);
      await t.cmp.rejectAll(v);
      const facade = v.page.getByRole('button', {name: 'Chat with support', exact: true});
      await facade.click();
      await t.cmp.prefs(v.page).waitFor();
      await v.settle();
      assert.equal(v.intercomRequests.length, 0, 'a click without the grant loads nothing');
      assert.deepEqual(v.errors, [], 'no page error (the loader found the CMP without a global)');
      await t.cmp.setPurposes(v, {support: true});
      await t.cmp.save(v);
      await v.waitBoots(1);
      await v.waitFake(() => window.__fakeIntercom.calls.some((c) => c[0] === 'show'));
      assertConsent(await lastBoot(v), {support: true, analytics: false});
    },
  },
];

/**
 * The single-page apps (react-use-intercom, @intercom/messenger-js-sdk), loader first in <head>,
 * vanilla-cookieconsent bundled as their banner. What the widget receives, derived from
 * docs/loader.md point 5 (policy `bundled`: page views are in `analytics`; the update budget is
 * 20 per 30 minutes, `update_limit` left at its default, so page views and the page's own
 * updates stop once 19 updates were sent in the window; a consent change counts in the window
 * too; the boot does not):
 *  - before consent: nothing (the app's boot and updates are merged into the one boot);
 *  - support only: one boot; a route change's update (react-use-intercom's bare `update()`
 *    sends `{last_request_at}`, the SDK's `update({last_request_at})`) carries no change the
 *    granted purposes let through: dropped; the loader records no page view (analytics refused):
 *    0 updates whatever the navigation;
 *  - analytics granted later: 1 update (the consent change, consent_analytics true);
 *  - then per navigation 1 update: the app's own (it passes while page views run); Intercom
 *    records the page with it, so the loader's page view 300 ms later finds this URL recorded
 *    and sends nothing;
 *  - the budget: after the consent change and 18 navigations 1 + 18 = 19 updates are in the
 *    window, so the 19th and 20th navigations send nothing: 19 in all.
 */
function spaScenario(kind, title) {
  return {
    id: kind,
    title,
    policy: 'bundled',
    cmps: ['cookieconsent'],
    async run(t) {
      const v = await t.open();
      await v.goto(`/bundled/${kind}/`);
      await t.cmp.banner(v.page).waitFor();
      await navigate(v, '/projects');
      await navigate(v, '/settings');
      await assertBundledCmp(v, 'cookieconsent');
      await assertNothing(v, 'before consent, after two route changes');
      assert.ok((await v.page.evaluate(() => window.__appUpdates.length)) >= 2, 'the app called update on each route change');

      await t.cmp.choose(v, {support: true, analytics: false});
      await v.waitBoots(1);
      await v.settle(800);
      let f = await v.fake();
      assert.equal(f.boots.length, 1, 'one boot after the grant');
      assert.equal(f.autoBoots, 0, 'no auto-boot besides');
      assert.equal(f.frames, 1, 'the widget started once: the client injected nothing');
      assert.equal(v.intercomRequests.length, 1, 'one request for the widget, the loader\'s');
      assertConsent(f.boots[0].settings, {support: true, analytics: false});
      assert.equal(f.boots[0].settings.app_id, 'bundle42');
      assert.ok(!('plan' in f.boots[0].settings), 'the app\'s custom attribute needs analytics');

      for (const r of ['/projects', '/projects/1', '/billing']) await navigate(v, r);
      f = await v.fake();
      assert.equal(f.updates.length, 0, `no route-change update without the page-view purpose (got ${JSON.stringify(f.updates.map((u) => u.settings))})`);

      await t.cmp.choose(v, {analytics: true});
      await v.waitFake(() => window.__fakeIntercom.updates.length >= 1);
      await v.settle(800);
      f = await v.fake();
      assert.equal(f.updates.length, 1, 'one update for the consent change');
      assertConsent(f.updates[0].settings, {support: true, analytics: true});

      const expected = [];
      const routes = ['/', '/projects', '/settings', '/projects/1', '/billing'];
      for (let n = 1; n <= 20; n++) {
        await navigate(v, routes[n % routes.length]);
        expected.push(Math.min(1 + n, 19));
        const got = (await v.fake()).updates.length;
        assert.equal(got, expected[n - 1], `after navigation ${n} with page views: ${expected[n - 1]} updates (one per navigation, 19 at most)`);
      }
      f = await v.fake();
      assert.equal(f.boots.length, 1, 'still one boot');
    },
  };
}

const SPA_SCENARIOS = [
  spaScenario('react', 'react-use-intercom (IntercomProvider autoBoot, update() on route change)'),
  spaScenario('sdk', '@intercom/messenger-js-sdk (Intercom({app_id}), update() on route change)'),
  {
    id: 'sdk-late',
    title: '@intercom/messenger-js-sdk before the loader (wrong order): the leak, then shut down and reported',
    policy: 'bundled',
    cmps: ['cookieconsent'],
    leaks: true,
    async run(t) {
      const v = await t.open();
      await v.goto('/bundled/sdk-late/');
      await t.cmp.banner(v.page).waitFor();
      // The SDK found no Intercom function, installed its stub and injects the widget once the
      // document is interactive: the request reaches Intercom before any consent (documented).
      await v.waitFake(() => !!window.__fakeIntercom && window.__fakeIntercom.frames >= 1);
      await v.settle();
      assert.ok(v.intercomRequests.length >= 1 && v.intercomRequests.every((r) => r.beforeConsent), 'the widget IS requested before consent');
      assert.ok(v.consoleErrors.includes(MISPLACED), `the loader reports it with console.error (console errors: ${v.consoleErrors.join(' | ') || 'none'})`);
      const f = await v.fake();
      assert.equal(f.boots.length, 0, 'the widget never booted');
      assert.equal(f.autoBoots, 0, 'nor auto-booted');
      assert.ok(f.calls.some((c) => c[0] === 'shutdown'), 'the loader shut it down');
      assert.equal(await v.widgetDom(), 0, 'its script and elements are removed');
      assert.deepEqual((await v.icCookies()).map((c) => c.name), [], 'no intercom-* cookie');
      assert.equal(await v.intercomBooted(), false);
      t.note(`console.error reports: ${v.consoleErrors.filter((m) => m === MISPLACED).length}`);
    },
  },
];

// ---- the runner

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const missing = [];
  if (!fs.existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (apt-get install -y chromium)`);
  for (const pkg of PACKAGES) if (!fs.existsSync(path.join(repo, 'node_modules', pkg, 'package.json'))) missing.push(`node_modules/${pkg} (npm ci)`);
  if (missing.length) {
    console.error(`browser tests cannot run: missing ${missing.join(', ')}`);
    process.exit(2);
  }
  const dist = opts.dist || buildPolicies(POLICY_FILE, 'consentc-bundled-');
  fs.mkdirSync(opts.out, {recursive: true});
  const policies = ['bundled', 'bundled_chat_button'];
  const t0 = Date.now();
  const bundles = await bundleAll(dist, policies, opts.breakIt);
  const bundleSeconds = (Date.now() - t0) / 1000;
  const site = await startServer(dist, bundles, policies);
  const browser = await launch();
  console.log(
    `bundled browser tests: Chromium ${browser.version()}, esbuild ${version('esbuild')} (bundles in ${bundleSeconds.toFixed(1)} s), ` +
      ['vanilla-cookieconsent', 'klaro', 'react', 'react-use-intercom', '@intercom/messenger-js-sdk'].map((p) => `${p} ${version(p)}`).join(', ') +
      (opts.breakIt ? `; BROKEN ON PURPOSE: ${opts.breakIt}` : ''),
  );

  const runs = [];
  for (const cmp of ['cookieconsent', 'klaro']) for (const sc of CMP_SCENARIOS) runs.push({cmp, kind: cmp, sc});
  for (const sc of SPA_SCENARIOS) runs.push({cmp: 'cookieconsent', kind: sc.id, sc});

  let passed = 0;
  let failed = 0;
  for (const {cmp, kind, sc} of runs) {
    const label = `${kind === cmp ? cmp : kind} · ${sc.title}`;
    if (opts.only && !`${cmp} ${kind} ${sc.id} ${sc.title}`.includes(opts.only)) continue;
    const policyJson = JSON.parse(fs.readFileSync(path.join(dist, sc.policy, 'policy.json'), 'utf8'));
    const visitors = [];
    const notes = [];
    const t = {
      cmp: driver(cmp, policyJson),
      kind,
      async open() {
        const v = await visitor(browser, site, {loaderFile: `intercom-loader.${cmp}.js`, profile: false});
        visitors.push(v);
        return v;
      },
      note: (s) => notes.push(s),
    };
    const started = Date.now();
    let error = null;
    let timer;
    try {
      await Promise.race([
        sc.run(t),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${SCENARIO_TIMEOUT_MS / 1000} s`)), SCENARIO_TIMEOUT_MS);
        }),
      ]);
      for (const v of visitors) {
        if (v.violations.length) throw new Error(`requests left the page's origin:\n  ${v.violations.join('\n  ')}`);
        if (v.errors.length) throw new Error(`uncaught page errors:\n  ${v.errors.join('\n  ')}`);
        if (!sc.leaks && v.bytesBeforeConsent() !== 0) throw new Error(`${v.bytesBeforeConsent()} bytes of Intercom JavaScript fetched before consent`);
      }
    } catch (e) {
      error = e;
      const v = visitors[visitors.length - 1];
      if (v && !v.page.isClosed()) await v.page.screenshot({path: path.join(opts.out, `fail-bundled-${kind}-${sc.id}.png`)}).catch(() => {});
    } finally {
      clearTimeout(timer);
      for (const v of visitors) await v.close().catch(() => {});
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (error) {
      failed++;
      console.log(`FAIL ${label} (${seconds} s)`);
      console.log(`     ${String(error.stack || error).split('\n').slice(0, 8).join('\n     ')}`);
      const v = visitors[visitors.length - 1];
      if (v && v.consoleErrors.length) console.log(`     console errors: ${v.consoleErrors.join(' | ')}`);
      if (v && v.errors.length) console.log(`     page errors: ${v.errors.join(' | ')}`);
    } else {
      passed++;
      console.log(`ok   ${label} (${seconds} s)${notes.length ? ` [${notes.join('; ')}]` : ''}`);
    }
  }
  await browser.close();
  await site.close();
  if (!opts.dist) fs.rmSync(dist, {recursive: true, force: true});
  console.log(`\nbundled browser: ${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  process.exit(failed || passed === 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
