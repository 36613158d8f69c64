// The playground (playground/) in Debian's Chromium (tests/playground.rs runs this after
// npm/scripts/build.mjs has put the module and the examples beside the page).
//
// It serves playground/ on 127.0.0.1 with a static server, opens it, and:
//   1. the first example is the CP0201 one, and shows CP0201;
//   2. a policy without errors pasted in: only its warning, the outputs in one tab per CMP, the facade;
//   3. `intercom.help_center` typed, a keystroke at a time, into a second purpose: CP0201 at the
//      line and column of the typed mapping, in the list and in the gutter;
//   4. the mapping removed again: no error, the outputs back;
//   5. no request left the page's origin (every request is routed and checked).
// It prints the re-check times of the keystrokes (check alone, and check with build): measured,
// reported, never asserted (docs/npm.md). Exit 1 on any failure, with a screenshot in
// target/browser-tests/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST, launch } from './harness.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ROOT = path.join(REPO, 'playground');
const SHOTS = path.join(REPO, 'target', 'browser-tests');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.policy': 'text/plain; charset=utf-8',
};

/** Static files from playground/, nothing else. */
function serve() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const file = path.join(ROOT, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    if (!file.startsWith(ROOT + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const CLEAN = `policy shop {
  title = "Shop"
  jurisdictions = [eu]
  intercom {
    app_id = "abc123xy"
    region = eu
    transfer = dpf
    identity_verification = jwt
    load = on_interaction
    pages = ["/app/**"]
    audience_rules = applied
    retention { conversations = 12 months; users = 12 months; visitors = 6 months }
    facade { label = "Chat with us"; color = "#1f6feb"; position = right }
  }
  purpose support {
    title = "Support chat"
    description = "Talk to our support team."
    basis = consent
    features = [intercom.messenger, intercom.help_center]
  }
  purpose promo {
    title = "Promotions"
    description = "Tips for you."
    basis = consent
    features = [intercom.product_tours]
  }
  cmp klaro { support = "livechat"; promo = "marketing" }
  cmp cookiebot { support = preferences; promo = marketing }
}
`;
/** Where the mapping is typed: before `intercom.product_tours` in `promo`. */
const ANCHOR = 'features = [intercom.product_tours]';
const TYPED = 'intercom.help_center, ';

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

const server = await serve();
// The suite's Chromium resolves only HOST (to 127.0.0.1): harness.mjs.
const origin = `http://${HOST}:${server.address().port}`;
const browser = await launch();
const ctx = await browser.newContext({ serviceWorkers: 'block' });
const page = await ctx.newPage();
const offOrigin = [];
const errors = [];
await ctx.route('**/*', (route) => {
  const url = new URL(route.request().url());
  if (url.origin === origin) return route.continue();
  offOrigin.push(route.request().url());
  return route.abort('blockedbyclient');
});
ctx.on('request', (req) => {
  const url = new URL(req.url());
  if (url.origin !== origin && !['data:', 'blob:', 'about:'].includes(url.protocol) && !offOrigin.includes(req.url())) {
    offOrigin.push(`${req.url()} (unrouted)`);
  }
});
page.on('pageerror', (e) => errors.push(String(e.stack || e)));
page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

const diagnostics = () =>
  page.$$eval('#diagnostics li', (items) => items.map((li) => ({ code: li.dataset.code, line: Number(li.dataset.line), column: Number(li.dataset.column), text: li.textContent })));
const checks = () => page.evaluate(() => Number(document.body.dataset.checks || 0));
const tabs = () => page.$$eval('#tabs button', (buttons) => buttons.map((b) => b.textContent));

let failed = false;
try {
  await page.goto(`${origin}/`, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });

  // 1. The first example is the CP0201 one.
  const first = await page.$eval('#example', (s) => s.value);
  assert.equal(first, 'ambiguous.policy');
  const example = await diagnostics();
  assert.ok(example.some((d) => d.code === 'CP0201'), `the CP0201 example shows CP0201: ${JSON.stringify(example)}`);
  assert.deepEqual(await tabs(), [], 'no outputs while there are errors');

  // 2. A policy without errors (one warning, CP0414: tours wait for the chat): outputs per CMP.
  await page.fill('#source', CLEAN);
  await page.waitForFunction(() => document.querySelectorAll('#diagnostics li.error').length === 0);
  assert.deepEqual((await diagnostics()).map((d) => d.code), ['CP0414']);
  assert.deepEqual(await tabs(), ['cookiebot', 'klaro', 'documents', 'facade'], 'one tab per CMP, the documents, the facade');
  await page.click('#tabs button[data-tab="shop/klaro"]');
  const klaro = await page.$$eval('#panel h3', (hs) => hs.map((h) => h.textContent));
  assert.deepEqual(klaro, ['intercom-loader.klaro.js', 'klaro-config.js', 'klaro-intercom.d.mts', 'klaro-intercom.mjs', 'klaro-snippet.html']);
  const loader = await page.$eval('#panel pre', (p) => p.textContent);
  assert.ok(loader.length > 1000 && loader.includes('"consentc:shop"') && loader.includes('abc123xy'), 'the klaro loader is shown');
  await page.click('#tabs button[data-tab="shop/facade"]');
  const facade = await page.frameLocator('#panel iframe').locator('button').textContent();
  assert.equal(facade, 'Chat with us');

  // 3. Type the ambiguous mapping a keystroke at a time.
  const at = CLEAN.indexOf(ANCHOR) + 'features = ['.length;
  const line = CLEAN.slice(0, at).split('\n').length;
  const column = at - CLEAN.lastIndexOf('\n', at - 1);
  await page.focus('#source');
  await page.evaluate((i) => document.getElementById('source').setSelectionRange(i, i), at);
  const before = await page.evaluate(() => window.__consentcTimings.length);
  await page.keyboard.type(TYPED, { delay: 20 });
  await page.waitForFunction((n) => Number(document.body.dataset.checks) >= n, before + TYPED.length);
  const found = await diagnostics();
  const cp0201 = found.filter((d) => d.code === 'CP0201');
  assert.equal(cp0201.length, 1, `one CP0201: ${JSON.stringify(found)}`);
  assert.deepEqual([cp0201[0].line, cp0201[0].column], [line, column], `CP0201 at the typed mapping: ${cp0201[0].text}`);
  const marked = await page.$eval(`#line-${line}`, (s) => s.className);
  assert.equal(marked, 'bad', 'the gutter marks the line');
  const report = await page.$eval('#report', (r) => r.textContent);
  assert.ok(report.includes(`playground.policy:${line}:${column}`) && report.includes('error[CP0201]'), report);
  assert.deepEqual(await tabs(), [], 'no outputs while there are errors');
  const timings = await page.evaluate((n) => window.__consentcTimings.slice(n), before);

  // 4. Fix it: the outputs are back.
  for (let i = 0; i < TYPED.length; i++) await page.keyboard.press('Backspace');
  await page.waitForFunction(() => document.querySelectorAll('#diagnostics li.error').length === 0);
  assert.ok((await tabs()).includes('klaro'), 'outputs again once fixed');

  // 5. Nothing left the origin.
  assert.deepEqual(offOrigin, [], 'requests off the page origin');
  assert.deepEqual(errors, [], 'page errors');

  const checkMs = timings.map((t) => t.check);
  const totalMs = timings.map((t) => t.total);
  const fmt = (x) => x.toFixed(2);
  console.log(
    `playground: ${timings.length} keystrokes re-checked; check: median ${fmt(median(checkMs))} ms, max ${fmt(Math.max(...checkMs))} ms; ` +
      `check and build: median ${fmt(median(totalMs))} ms, max ${fmt(Math.max(...totalMs))} ms; ` +
      `with the page's drawing: median ${fmt(median(timings.map((t) => t.page)))} ms`,
  );
  // The same on the bigger example policy, one keystroke at a time (a comment typed at its end).
  await page.selectOption('#example', 'saas_app.policy');
  await page.waitForFunction(() => document.getElementById('source').value.includes('policy saas_app'));
  assert.deepEqual(await diagnostics(), [], 'the saas_app example (with its translations) is clean');
  await page.evaluate(() => {
    const s = document.getElementById('source');
    s.setSelectionRange(s.value.length, s.value.length);
  });
  const n0 = await page.evaluate(() => window.__consentcTimings.length);
  await page.keyboard.type('// typed', { delay: 20 });
  await page.waitForFunction((n) => Number(document.body.dataset.checks) >= n, n0 + 8);
  const saas = await page.evaluate((n) => window.__consentcTimings.slice(n), n0);
  console.log(
    `playground: saas_app.policy, ${saas.length} keystrokes: check median ${fmt(median(saas.map((t) => t.check)))} ms, max ${fmt(Math.max(...saas.map((t) => t.check)))} ms; ` +
      `check and build median ${fmt(median(saas.map((t) => t.total)))} ms; with the page's drawing median ${fmt(median(saas.map((t) => t.page)))} ms`,
  );
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'playground.png') });
} catch (e) {
  failed = true;
  console.error(`playground: FAILED: ${e.stack || e}`);
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'playground-failure.png') }).catch(() => {});
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
