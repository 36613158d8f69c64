#!/usr/bin/env node
// Real-browser end-to-end tests of the consentc loader with the real CMP libraries
// (vanilla-cookieconsent 3, Klaro 0.7) on the demo site. docs/browser-tests.md explains them.
//
//   node tests/browser/run.mjs [--dist DIR] [--only TEXT] [--out DIR] [--write-docs] [--no-profile]
//
// --dist DIR    the output of `consentc build examples/demo-site/demo.policy --out DIR`
//               (tests/browser.rs passes one it built with the binary under test); without it,
//               the policies are built here with $CONSENTC or `cargo run`.
// --only TEXT   run only the scenarios whose CMP, id or title contains TEXT.
// --out DIR     screenshots (the facade, and the page of every failure); default
//               target/browser-tests.
// --write-docs  also write the measurements into docs/browser-tests.md and the facade
//               screenshot to docs/img/facade.png (only from a run where every scenario passed).
// --no-profile  no V8 CPU profile of the visits (the CPU columns then read –).
// Needs /usr/bin/chromium (or $CHROMIUM) and `npm ci` at the repository root. Exit status 0 when
// every scenario passed.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import {fileURLToPath} from 'node:url';
import {startDemoServer} from '../../examples/demo-site/server.mjs';
import {CHROMIUM, HOST, buildPolicies, evalBench, instrument, launch, visitor} from './harness.mjs';
import {driver} from './cmps.mjs';
import {SCENARIOS} from './scenarios.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const POLICY_FILE = path.join('examples', 'demo-site', 'demo.policy');
const CMP_NAMES = ['cookieconsent', 'klaro'];
const SCENARIO_TIMEOUT_MS = 60000;
const DOCS = path.join(repo, 'docs', 'browser-tests.md');
const BEGIN = '<!-- measurements:begin (written by `node tests/browser/run.mjs --write-docs`) -->';
const END = '<!-- measurements:end -->';

function parseArgs(argv) {
  const o = {dist: null, only: null, out: path.join(repo, 'target', 'browser-tests'), writeDocs: false, profile: true};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dist') o.dist = path.resolve(argv[++i]);
    else if (a === '--only') o.only = argv[++i];
    else if (a === '--out') o.out = path.resolve(argv[++i]);
    else if (a === '--write-docs') o.writeDocs = true;
    else if (a === '--no-profile') o.profile = false;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}


function prerequisites() {
  const missing = [];
  if (!fs.existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (apt-get install -y chromium)`);
  for (const pkg of ['playwright-core', 'vanilla-cookieconsent', 'klaro']) {
    if (!fs.existsSync(path.join(repo, 'node_modules', pkg, 'package.json'))) missing.push(`node_modules/${pkg} (npm ci)`);
  }
  return missing;
}

const fmtMs = (x) => (x === null || x === undefined ? '–' : x.toFixed(x < 10 ? 2 : 1));

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const missing = prerequisites();
  if (missing.length) {
    console.error(`browser tests cannot run: missing ${missing.join(', ')}`);
    process.exit(2);
  }
  const dist = opts.dist || buildPolicies(POLICY_FILE, 'consentc-browser-');
  fs.mkdirSync(opts.out, {recursive: true});
  for (const f of fs.readdirSync(opts.out)) if (/^(fail|facade)-.*\.png$/.test(f)) fs.rmSync(path.join(opts.out, f));
  const policies = {};
  for (const name of new Set(SCENARIOS.map((s) => s.policy))) {
    policies[name] = JSON.parse(fs.readFileSync(path.join(dist, name, 'policy.json'), 'utf8'));
  }

  // One server per policy and CMP, each its own origin.
  const servers = {};
  for (const policy of Object.keys(policies)) {
    for (const cmp of CMP_NAMES) {
      const s = await startDemoServer({dist, policy, cmp, host: '127.0.0.1', port: 0, transformHtml: instrument});
      servers[`${policy}/${cmp}`] = {...s, origin: `http://${HOST}:${s.port}`};
    }
  }

  const browser = await launch();
  const version = browser.version();
  const versions = Object.fromEntries(
    ['playwright-core', 'vanilla-cookieconsent', 'klaro'].map((p) => [p, JSON.parse(fs.readFileSync(path.join(repo, 'node_modules', p, 'package.json'), 'utf8')).version]),
  );
  console.log(`browser tests: Chromium ${version}, playwright-core ${versions['playwright-core']}, vanilla-cookieconsent ${versions['vanilla-cookieconsent']}, klaro ${versions.klaro}`);

  const results = [];
  for (const cmp of CMP_NAMES) {
    for (const sc of SCENARIOS) {
      const label = `${cmp} · ${sc.title}`;
      if (opts.only && !`${cmp} ${sc.id} ${sc.title}`.includes(opts.only)) continue;
      const site = servers[`${sc.policy}/${cmp}`];
      const loaderFile = `intercom-loader.${cmp}.js`;
      const row = {cmp, id: sc.id, title: sc.title, ok: false, metrics: {}, visitors: []};
      const t = {
        cmp: driver(cmp, policies[sc.policy]),
        policy: policies[sc.policy],
        async open(o = {}) {
          const v = await visitor(browser, site, {...o, loaderFile, profile: opts.profile});
          row.visitors.push(v);
          return v;
        },
        metric(name, value) {
          row.metrics[name] = value;
        },
        async screenshot(locator, name) {
          const box = await locator.boundingBox();
          const vp = locator.page().viewportSize();
          const pad = 32;
          const x = Math.max(0, Math.floor(box.x - pad));
          const y = Math.max(0, Math.floor(box.y - pad));
          const clip = {x, y, width: Math.min(vp.width - x, Math.ceil(box.width + 2 * pad)), height: Math.min(vp.height - y, Math.ceil(box.height + 2 * pad))};
          const file = path.join(opts.out, name);
          await locator.page().screenshot({path: file, clip});
          row.screenshot = file;
        },
      };
      const started = Date.now();
      let timer;
      try {
        await Promise.race([
          sc.run(t),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${SCENARIO_TIMEOUT_MS / 1000} s`)), SCENARIO_TIMEOUT_MS);
          }),
        ]);
        // The checks every scenario must pass.
        for (const v of row.visitors) {
          if (v.violations.length) throw new Error(`requests left the page's origin:\n  ${v.violations.join('\n  ')}`);
          if (v.errors.length) throw new Error(`uncaught page errors:\n  ${v.errors.join('\n  ')}`);
          if (v.bytesBeforeConsent() !== 0) throw new Error(`${v.bytesBeforeConsent()} bytes of Intercom JavaScript fetched before consent`);
        }
        row.ok = true;
      } catch (e) {
        row.error = e;
        const v = row.visitors[row.visitors.length - 1];
        if (v && !v.page.isClosed()) {
          const file = path.join(opts.out, `fail-${cmp}-${sc.id}.png`);
          await v.page.screenshot({path: file}).catch(() => {});
          row.failShot = file;
        }
      } finally {
        clearTimeout(timer);
        for (const v of row.visitors) await v.close().catch(() => {});
      }
      row.seconds = (Date.now() - started) / 1000;
      const first = row.visitors[0];
      row.loaderEval = first && first.loaderEval;
      row.bytesBefore = row.visitors.reduce((a, v) => a + v.bytesBeforeConsent(), 0);
      row.bytesTotal = row.visitors.reduce((a, v) => a + v.bytesTotal(), 0);
      const cpu = (pred) => row.visitors.reduce((a, v) => a + Object.entries(v.cpu || {}).filter(([u]) => pred(u)).reduce((b, [, ms]) => b + ms, 0), 0);
      row.loaderCpu = row.visitors.some((v) => v.cpu) ? cpu((u) => u.endsWith('/' + loaderFile)) : null;
      row.cmpCpu = row.visitors.some((v) => v.cpu) ? cpu((u) => u.includes('/vendor/')) : null;
      results.push(row);
      console.log(`${row.ok ? 'ok  ' : 'FAIL'} ${label} (${row.seconds.toFixed(1)} s)`);
      if (!row.ok) {
        console.log(`     ${String(row.error && (row.error.stack || row.error)).split('\n').join('\n     ')}`);
        const v = row.visitors[row.visitors.length - 1];
        if (v && v.consoleErrors.length) console.log(`     console errors: ${v.consoleErrors.join(' | ')}`);
        if (row.failShot) console.log(`     screenshot: ${path.relative(repo, row.failShot)}`);
      }
    }
  }
  const loaderSizes = {};
  for (const cmp of CMP_NAMES) {
    for (const policy of Object.keys(policies)) {
      const file = `intercom-loader.${cmp}.js`;
      const body = fs.readFileSync(path.join(dist, policy, file));
      const times = await evalBench(browser, servers[`${policy}/${cmp}`], file).catch(() => null);
      loaderSizes[`${policy}/${cmp}`] = {
        bytes: body.length,
        gzip: zlib.gzipSync(body, {level: 9}).length,
        median: times && times[times.length >> 1],
        min: times && times[0],
      };
    }
  }
  await browser.close();
  for (const s of Object.values(servers)) await s.close();

  const table = report(results, {version, versions, loaderSizes});
  console.log('\n' + table);
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;

  if (opts.writeDocs) {
    if (failed) {
      console.error('--write-docs: not writing measurements from a failing run');
    } else {
      const doc = fs.readFileSync(DOCS, 'utf8');
      const a = doc.indexOf(BEGIN);
      const b = doc.indexOf(END);
      if (a < 0 || b < a) throw new Error(`${DOCS} has no measurement markers`);
      fs.writeFileSync(DOCS, doc.slice(0, a + BEGIN.length) + '\n\n' + table + '\n' + doc.slice(b));
      const shot = results.find((r) => r.cmp === 'cookieconsent' && r.id === 'facade' && r.screenshot);
      if (shot) {
        fs.mkdirSync(path.join(repo, 'docs', 'img'), {recursive: true});
        fs.copyFileSync(shot.screenshot, path.join(repo, 'docs', 'img', 'facade.png'));
      }
      console.log(`wrote the measurements into ${path.relative(repo, DOCS)}${shot ? ' and docs/img/facade.png' : ''}`);
    }
  }
  if (!opts.dist) fs.rmSync(dist, {recursive: true, force: true});
  console.log(`\nbrowser: ${passed} passed, ${failed} failed`);
  process.exit(failed || results.length === 0 ? 1 : 0);
}

/** The measurements as a Markdown table, and the loader sizes. */
function report(results, {version, versions, loaderSizes}) {
  const lines = [];
  lines.push(
    `Chromium ${version} (headless), playwright-core ${versions['playwright-core']}, vanilla-cookieconsent ${versions['vanilla-cookieconsent']}, klaro ${versions.klaro}; ${os.cpus().length} cores.`,
  );
  lines.push('');
  lines.push(
    '| CMP | scenario | result | Intercom JS before consent (bytes) | Intercom JS fetched in all (bytes) | click → widget requested (ms) | click → boot (ms) | loader evaluation (ms) | loader CPU, whole visit (ms) | CMP library CPU (ms) |',
  );
  lines.push('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const CLICK = ['click→request', 'click→boot', 'facade Enter→request', 'facade Enter→boot'];
  for (const r of results) {
    const request = r.metrics['click→request'] ?? r.metrics['facade Enter→request'];
    const boot = r.metrics['click→boot'] ?? r.metrics['facade Enter→boot'];
    const extra = Object.entries(r.metrics)
      .filter(([k]) => !CLICK.includes(k))
      .map(([k, val]) => `${k}: ${typeof val === 'number' && !Number.isInteger(val) ? fmtMs(val) + ' ms' : val}`);
    const title = r.metrics['facade Enter→boot'] !== undefined ? `${r.title} (timed from the Enter on the facade)` : r.title;
    lines.push(
      `| ${r.cmp} | ${title}${extra.length ? ` (${extra.join('; ')})` : ''} | ${r.ok ? 'pass' : '**FAIL**'} | ${r.bytesBefore} | ${r.bytesTotal} | ${fmtMs(request)} | ${fmtMs(boot)} | ${fmtMs(r.loaderEval && r.loaderEval.ms)} | ${fmtMs(r.loaderCpu)} | ${fmtMs(r.cmpCpu)} |`,
    );
  }
  lines.push('');
  lines.push('| loader (policy/CMP) | bytes | gzipped (node zlib, level 9) | evaluation, median of 21 (ms) | fastest (ms) |');
  lines.push('| --- | ---: | ---: | ---: | ---: |');
  for (const [k, s] of Object.entries(loaderSizes)) lines.push(`| ${k} | ${s.bytes} | ${s.gzip} | ${fmtMs(s.median)} | ${fmtMs(s.min)} |`);
  return lines.join('\n');
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
