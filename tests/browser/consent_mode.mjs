#!/usr/bin/env node
// Google Consent Mode in a real browser: the build's consent_mode loader on a page fed the way a
// CMP feeds Consent Mode (Google's `gtag` snippet pushing `consent` commands into dataLayer),
// including a region-scoped default, a late update and gtag.js replacing `dataLayer.push`.
//
//   node tests/browser/consent_mode.mjs DIST
//
// DIST: the output of `consentc build tests/browser/consent_mode.policy --out DIST`
// (tests/browser_consent_mode.rs passes one it built with the binary under test). Intercom's
// widget URL is answered with tests/browser/stand_in_widget.js; any other request off the
// page's origin fails the run. Exit status 0 when every scenario passed.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import {STAND_IN, HOST, launch, isIntercomHost} from './harness.mjs';

const POLICY = 'cm_site';
const WIDGET = 'https://widget.intercom.io/widget/cmtest12';

/** The page: the generated snippet (Consent Mode's default, then the loader) and `extra`. */
function page(dist, extra) {
  const snippet = fs.readFileSync(path.join(dist, POLICY, 'consent_mode-snippet.html'), 'utf8');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">${snippet}${extra}</head><body><h1>App</h1></body></html>`;
}

function serve(dist) {
  const pages = new Map();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (pages.has(url.pathname)) {
      res.writeHead(200, {'content-type': 'text/html; charset=utf-8'});
      return res.end(pages.get(url.pathname));
    }
    const file = path.join(dist, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
    if (url.pathname.startsWith(`/${POLICY}/`) && fs.existsSync(file)) {
      res.writeHead(200, {'content-type': 'text/javascript; charset=utf-8'});
      return res.end(fs.readFileSync(file));
    }
    res.writeHead(404);
    res.end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({server, pages, port: server.address().port})));
}

async function visit(browser, origin, pathname) {
  const ctx = await browser.newContext();
  const v = {widgetRequests: 0, violations: [], errors: []};
  await ctx.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin === origin) return route.continue();
    if (url.href === WIDGET) {
      v.widgetRequests++;
      return route.fulfill({status: 200, contentType: 'text/javascript; charset=utf-8', body: STAND_IN});
    }
    v.violations.push(url.href + (isIntercomHost(url.hostname) ? ' (Intercom)' : ''));
    return route.abort('blockedbyclient');
  });
  const p = await ctx.newPage();
  p.on('pageerror', (e) => v.errors.push(String(e)));
  await p.goto(origin + pathname);
  v.page = p;
  v.ctx = ctx;
  v.boots = () => p.evaluate(() => (window.__fakeIntercom ? window.__fakeIntercom.boots.length : 0));
  v.icCookies = async () => (await ctx.cookies()).filter((c) => c.name.startsWith('intercom-'));
  v.wait = (ms) => p.waitForTimeout(ms);
  return v;
}

function eq(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

const SCENARIOS = [
  {
    title: 'the default alone grants nothing; an update does; a later denial withdraws',
    extra: '',
    async run(v) {
      await v.wait(1500);
      eq(v.widgetRequests, 0, 'nothing on the default alone');
      await v.page.evaluate(() => gtag('consent', 'update', {functionality_storage: 'granted'}));
      await v.page.waitForFunction(() => window.__fakeIntercom && window.__fakeIntercom.boots.length === 1);
      eq(v.widgetRequests, 1, 'one widget request once granted');
      if ((await v.icCookies()).length === 0) throw new Error('the stand-in widget set no cookie');
      await v.page.evaluate(() => gtag('consent', 'update', {functionality_storage: 'denied'}));
      await v.wait(500);
      eq(await v.icCookies(), [], 'a denial removes the cookies');
      eq(await v.page.evaluate(() => !!document.getElementById('intercom-frame')), false, 'and the frame');
    },
  },
  {
    // A default is never the visitor's answer, not even a regional one saying `granted`; an
    // update of another type answers, and still grants nothing to the support chat.
    title: 'a region-scoped default saying granted grants nothing',
    extra: "<script>gtag('consent', 'default', {functionality_storage: 'granted', region: ['DE', 'FR']});</script>",
    async run(v) {
      await v.wait(1500);
      eq(v.widgetRequests, 0, 'a regional default is no grant');
      await v.page.evaluate(() => gtag('consent', 'update', {ad_storage: 'granted'}));
      await v.wait(1500);
      eq(v.widgetRequests, 0, 'an answer about another type grants nothing either');
    },
  },
  {
    title: 'a late update (after the 10 s polling) and gtag.js replacing dataLayer.push',
    // gtag.js installs its own push, which calls the one it found (as Google's does).
    extra:
      "<script>setTimeout(function () { var found = dataLayer.push; dataLayer.push = function () { window.__ownPushes = (window.__ownPushes || 0) + 1; return found.apply(dataLayer, arguments); }; }, 300);</script>",
    async run(v) {
      await v.wait(11000);
      eq(v.widgetRequests, 0, 'nothing yet');
      await v.page.evaluate(() => gtag('consent', 'update', {functionality_storage: 'granted', ad_storage: 'granted'}));
      await v.page.waitForFunction(() => window.__fakeIntercom && window.__fakeIntercom.boots.length === 1);
      eq(await v.page.evaluate(() => window.__ownPushes), 1, "the page's push ran");
      const boot = await v.page.evaluate(() => window.__fakeIntercom.boots[0].settings);
      eq([boot.consent_support, boot.consent_guidance], [true, false], 'a list value needs every type');
    },
  },
];

async function main() {
  const dist = process.argv[2];
  if (!dist) throw new Error('usage: consent_mode.mjs DIST');
  const {server, pages, port} = await serve(dist);
  const origin = `http://${HOST}:${port}`;
  const browser = await launch();
  let failed = 0;
  for (const [i, sc] of SCENARIOS.entries()) {
    const pathname = `/app/${i}`;
    pages.set(pathname, page(dist, sc.extra));
    const v = await visit(browser, origin, pathname);
    try {
      await sc.run(v);
      if (v.violations.length) throw new Error(`requests left the page's origin: ${v.violations.join(', ')}`);
      if (v.errors.length) throw new Error(`page errors: ${v.errors.join(' | ')}`);
      console.log(`ok   consent_mode · ${sc.title}`);
    } catch (e) {
      failed++;
      console.log(`FAIL consent_mode · ${sc.title}\n     ${e.message}`);
    } finally {
      await v.ctx.close();
    }
  }
  await browser.close();
  server.close();
  console.log(`\nconsent_mode browser: ${SCENARIOS.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
