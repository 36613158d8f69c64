// The browser side of the suite: Debian's Chromium driven by playwright-core, one fresh browser
// context (own cookies, storage and cache) per scenario, every request routed.
//
// Routing: requests to the page's own origin (the demo server) go through; Intercom's widget URL
// (https://widget.intercom.io/**) is answered with tests/browser/stand_in_widget.js and counted;
// anything else is a violation that fails the scenario (and is aborted). Chromium's own traffic
// is switched off by its flags; its resolver knows only the demo host, mapped to 127.0.0.1.
//
// The page is served as http://www.consentc.test:<port>/ (a name mapped to 127.0.0.1 with
// --host-resolver-rules) rather than 127.0.0.1, so the stand-in writes its cookies for the
// parent domain consentc.test, as the real widget does on a real site, and the tests see whether
// a withdrawal deletes them there too.

import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const STAND_IN = fs.readFileSync(path.join(here, 'stand_in_widget.js'), 'utf8');
const REPO = path.resolve(here, '..', '..');

/**
 * Builds `policyFile` (from the repository root) into a new temporary directory, with $CONSENTC
 * or `cargo run`, for a suite run without `--dist`; returns the directory.
 */
export function buildPolicies(policyFile, prefix) {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const [cmd, pre] = process.env.CONSENTC ? [process.env.CONSENTC, []] : ['cargo', ['run', '--quiet', '--locked', '--']];
  const r = spawnSync(cmd, [...pre, 'build', policyFile, '--out', dist], {cwd: REPO, stdio: ['ignore', 'ignore', 'inherit']});
  if (r.status !== 0) throw new Error(`building ${policyFile} failed (${cmd} exited ${r.status})`);
  return dist;
}
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const HOST = 'www.consentc.test';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  `--host-resolver-rules=MAP ${HOST} 127.0.0.1, MAP * ~NOTFOUND`,
];
/** How long a negative check waits for something that must not happen (the loader polls a
 * CMP every 200 ms and checks its accessors every second). */
export const SETTLE_MS = 1500;

const INTERCOM_HOST = /(^|\.)(intercom\.io|intercom\.com|intercomcdn\.com|intercomcdn\.eu|intercomassets\.com|intercomassets\.eu|intercomusercontent\.com|intercom-[\w-]+\.com)$/;
export const isIntercomHost = (host) => INTERCOM_HOST.test(host);

/** Launches Chromium. Playwright gives it a fresh --user-data-dir (a new temporary profile). */
export async function launch() {
  const {chromium} = await import('playwright-core');
  return chromium.launch({executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30000});
}

/**
 * HTML changes the tests make to the served pages (never to the files consentc built):
 * vanilla-cookieconsent hides itself from automated browsers (`hideFromBots`, which reads
 * navigator.webdriver), so its `run` is wrapped to merge `hideFromBots: false` into the generated
 * config; and the loader's tag is bracketed by two performance.now() marks, to time its
 * evaluation.
 */
export function instrument(html) {
  const loader = /<script src="\/consentc\/intercom-loader\.[\w-]+\.js"><\/script>/;
  if (!loader.test(html)) throw new Error('instrument: no loader tag in the page');
  html = html.replace(
    loader,
    (tag) => `<script>window.__loaderT0 = performance.now();</script>${tag}<script>window.__loaderT1 = performance.now();</script>`,
  );
  const ccConfig = /<script (defer )?src="\/consentc\/cookieconsent-config\.js"><\/script>/;
  if (ccConfig.test(html)) {
    const wrap =
      '<script>(function () { var run = CookieConsent.run; CookieConsent.run = function (c) { return run.call(this, Object.assign({}, c, {hideFromBots: false})); }; })();</script>';
    html = html.replace(ccConfig, (tag) => wrap + tag);
  }
  return html;
}

/** Runs in the page before any of its scripts: click times, and GPC when asked. */
function initScript({gpc}) {
  window.__clicks = [];
  addEventListener('click', () => window.__clicks.push(performance.now()), true);
  if (gpc) Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true, configurable: true});
}

/**
 * A first-time visitor in a fresh context. Returns the visitor `v`:
 *   v.page, v.ctx; v.goto(path); v.consent() marks "the visitor answers now";
 *   v.intercomRequests: every request to an Intercom host, {url, bytes, beforeConsent};
 *   v.violations: requests that left the origin other than the widget stand-in;
 *   v.errors: uncaught page errors; v.close() ends it.
 */
export async function visitor(browser, site, {gpc = false, loaderFile, profile = true} = {}) {
  const ctx = await browser.newContext({viewport: {width: 1280, height: 720}, serviceWorkers: 'block'});
  ctx.setDefaultTimeout(10000);
  const v = {
    ctx,
    site,
    loaderFile,
    answered: false,
    intercomRequests: [],
    violations: [],
    errors: [],
    consoleErrors: [],
  };
  await ctx.addInitScript(initScript, {gpc});
  await ctx.route('**/*', async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    if (url.origin === site.origin) return route.continue();
    if (isIntercomHost(url.hostname)) {
      const entry = {url: req.url(), bytes: 0, beforeConsent: !v.answered};
      v.intercomRequests.push(entry);
      if (url.hostname === 'widget.intercom.io' && url.protocol === 'https:') {
        entry.bytes = Buffer.byteLength(STAND_IN);
        return route.fulfill({status: 200, contentType: 'text/javascript; charset=utf-8', body: STAND_IN});
      }
    }
    v.violations.push(`${req.method()} ${req.url()} (${req.resourceType()})`);
    return route.abort('blockedbyclient');
  });
  // Belt and braces: anything the routes did not see (or saw and let through) is checked again.
  ctx.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol === 'data:' || url.origin === site.origin) return;
    if (url.hostname === 'widget.intercom.io') return;
    if (!v.violations.some((x) => x.includes(req.url()))) v.violations.push(`${req.method()} ${req.url()} (${req.resourceType()}, unrouted)`);
  });
  const page = await ctx.newPage();
  v.page = page;
  page.on('pageerror', (e) => v.errors.push(e.stack || String(e)));
  page.on('console', (m) => m.type() === 'error' && v.consoleErrors.push(m.text()));
  page.on('websocket', (ws) => v.violations.push(`websocket ${ws.url()}`));

  // A sampling profile of the whole visit, to attribute CPU time to the loader's script.
  try {
    if (!profile) throw new Error('not profiling');
    v.cdp = await ctx.newCDPSession(page);
    await v.cdp.send('Profiler.enable');
    await v.cdp.send('Profiler.setSamplingInterval', {interval: 100});
    await v.cdp.send('Profiler.start');
  } catch {
    v.cdp = null;
  }

  v.goto = async (p) => {
    await page.goto(site.origin + p, {waitUntil: 'load'});
    if (v.loaderEval === undefined) v.loaderEval = await loaderEval(page);
  };
  v.consent = () => {
    v.answered = true;
  };
  v.settle = (ms = SETTLE_MS) => page.waitForTimeout(ms);
  v.fake = () => page.evaluate(() => (window.__fakeIntercom ? JSON.parse(JSON.stringify(window.__fakeIntercom)) : null));
  v.waitFake = (fn, arg) => page.waitForFunction(fn, arg, {timeout: 8000});
  v.waitBoots = (n) => v.waitFake((k) => !!window.__fakeIntercom && window.__fakeIntercom.boots.length >= k, n);
  v.icCookies = async () => (await ctx.cookies()).filter((c) => c.name.startsWith('intercom-'));
  v.icStorage = () =>
    page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)].filter((k) => k.startsWith('intercom.')));
  v.widgetDom = () =>
    page.evaluate(
      () => document.querySelectorAll('#intercom-frame, #intercom-container, .intercom-lightweight-app, script[src^="https://widget.intercom.io/"]').length,
    );
  v.intercomBooted = () => page.evaluate(() => !!(window.Intercom && window.Intercom.booted));
  v.bytesBeforeConsent = () => v.intercomRequests.filter((r) => r.beforeConsent).reduce((a, r) => a + r.bytes, 0);
  v.bytesTotal = () => v.intercomRequests.reduce((a, r) => a + r.bytes, 0);
  /** From the last click before the latest boot (same document): to the request for the widget
   * script that boot came from (resource timing), and to the boot itself. Milliseconds. */
  v.clickToBoot = () =>
    page.evaluate(() => {
      const f = window.__fakeIntercom;
      const boot = f && f.boots[f.boots.length - 1];
      const clicks = (window.__clicks || []).filter((t) => boot && t <= boot.t);
      if (!boot || !clicks.length) return null;
      const click = clicks[clicks.length - 1];
      const fetch = performance
        .getEntriesByType('resource')
        .filter((e) => e.name.startsWith('https://widget.intercom.io/') && e.startTime >= click && e.startTime <= boot.t)[0];
      return {request: fetch ? fetch.startTime - click : null, boot: boot.t - click};
    });
  v.close = async () => {
    if (v.cdp) {
      try {
        const {profile} = await v.cdp.send('Profiler.stop');
        v.cpu = attribute(profile);
      } catch {
        v.cpu = null;
      }
    }
    await ctx.close();
  };
  return v;
}

/**
 * The loader's evaluation cost away from the network: its source run `n` times, each time as an
 * inline script in a fresh same-origin iframe, timed with performance.now() around the insertion
 * (parse, compile and the first run, including its first look at the CMP, which is absent there).
 * Returns the times in milliseconds, sorted.
 */
export async function evalBench(browser, site, loaderFile, n = 21) {
  const ctx = await browser.newContext();
  await ctx.route('**/*', (route) => (new URL(route.request().url()).origin === site.origin ? route.continue() : route.abort()));
  const page = await ctx.newPage();
  await page.goto(site.origin + '/pricing');
  const times = await page.evaluate(
    async ({file, n}) => {
      const src = await (await fetch('/consentc/' + file)).text();
      const out = [];
      for (let k = 0; k < n; k++) {
        const f = document.createElement('iframe');
        document.body.appendChild(f);
        const s = f.contentDocument.createElement('script');
        s.textContent = src;
        const t = performance.now();
        f.contentDocument.head.appendChild(s);
        out.push(performance.now() - t);
        f.remove();
      }
      return out.sort((a, b) => a - b);
    },
    {file: loaderFile, n},
  );
  await ctx.close();
  return times;
}

/** The loader's evaluation time on the current page: from when it could start (its mark, or the
 * end of its download if later) to the mark after its tag; and its transfer size. */
function loaderEval(page) {
  return page.evaluate(() => {
    const t0 = window.__loaderT0;
    const t1 = window.__loaderT1;
    const e = performance.getEntriesByType('resource').find((r) => /\/intercom-loader\.[\w-]+\.js$/.test(r.name));
    if (t0 === undefined || t1 === undefined || !e) return null;
    return {ms: t1 - Math.max(t0, e.responseEnd), bytes: e.decodedBodySize};
  });
}

/**
 * CPU time per script URL from a sampling profile: each sample goes to the nearest frame on its
 * stack that belongs to a script (so a DOM call the loader makes counts for the loader, and the
 * widget code the loader calls counts for the widget). Milliseconds.
 */
function attribute(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const owner = new Map();
  const ownerOf = (id) => {
    if (owner.has(id)) return owner.get(id);
    const n = byId.get(id);
    const url = n.callFrame.url;
    const o = url ? url : parent.has(id) ? ownerOf(parent.get(id)) : '';
    owner.set(id, o);
    return o;
  };
  const out = {};
  const deltas = profile.timeDeltas || [];
  for (let i = 0; i < profile.samples.length; i++) {
    const url = ownerOf(profile.samples[i]);
    if (!url) continue;
    const dt = (deltas[i + 1] !== undefined ? deltas[i + 1] : 0) / 1000;
    out[url] = (out[url] || 0) + dt;
  }
  return out;
}
