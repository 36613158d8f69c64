#!/usr/bin/env node
// Builds the demo site's policies with consentc and serves the site on http://127.0.0.1:8080/.
//
//   node examples/demo-site/serve.mjs [--cmp cookieconsent|klaro] [--policy demo|demo_chat_button]
//                                     [--port 8080] [--stand-in]
//
// Needs `npm ci` at the repository root (the CMP libraries are served from node_modules) and
// the Rust toolchain: it runs `cargo run --quiet -- build examples/demo-site/demo.policy`, or
// the binary named by CONSENTC. The outputs go to a temporary directory, never into the repo.
// --stand-in points the served loader at a local stand-in for Intercom's widget (for trying the
// demo without an Intercom workspace); without it, the loader loads Intercom's real widget for
// the policy's app_id once you consent. Details: docs/browser-tests.md.

import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {startDemoServer} from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');

const opts = {cmp: 'cookieconsent', policy: 'demo', port: 8080, standIn: false};
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--stand-in') opts.standIn = true;
  else if (a === '--cmp' || a === '--policy' || a === '--port') opts[a.slice(2)] = args[++i];
  else if (a === '-h' || a === '--help') {
    console.log('usage: node examples/demo-site/serve.mjs [--cmp cookieconsent|klaro] [--policy demo|demo_chat_button] [--port 8080] [--stand-in]');
    process.exit(0);
  } else {
    console.error(`serve.mjs: unknown argument ${a} (try --help)`);
    process.exit(2);
  }
}

const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'consentc-demo-'));
const policyFile = path.join('examples', 'demo-site', 'demo.policy');
const [cmd, pre] = process.env.CONSENTC ? [process.env.CONSENTC, []] : ['cargo', ['run', '--quiet', '--locked', '--']];
const built = spawnSync(cmd, [...pre, 'build', policyFile, '--out', dist], {cwd: repo, stdio: 'inherit'});
if (built.status !== 0) {
  console.error(`serve.mjs: \`${cmd} ${[...pre, 'build', policyFile].join(' ')}\` failed`);
  process.exit(1);
}

const site = await startDemoServer({dist, policy: opts.policy, cmp: opts.cmp, port: Number(opts.port), standIn: opts.standIn});
console.log(`demo site (policy ${opts.policy}, ${opts.cmp}${opts.standIn ? ', Intercom stand-in' : ''}): ${site.url}`);
console.log(`  home page (Intercom never runs): ${site.url}`);
console.log(`  app page (inside pages):         ${site.origin}/app/`);
console.log(`  consentc outputs:                ${path.join(dist, opts.policy)}`);
console.log('Ctrl-C stops it.');
const stop = async () => {
  await site.close();
  fs.rmSync(dist, {recursive: true, force: true});
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
