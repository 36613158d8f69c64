#!/usr/bin/env node
// The npm package's size and speed against the native binary (docs/npm.md, "Figures"):
// builds both (the package with build.mjs, the binary with `cargo build --release`), packs the
// package and installs the tarball into a temporary project, then times `consentc check
// policies` on the repository's policies N times each way:
//   native            target/release/consentc
//   npx               `npx --no-install consentc` in the project (what a user types)
//   node, direct      `node node_modules/consentc/bin/consentc.js` (npx's own start-up left out)
// and prints the median and the fastest run, in milliseconds, wall clock, process start to exit.
//
// Usage: node npm/scripts/bench.mjs [--runs N]   (default 20)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPO = path.resolve(PACKAGE, '..');
const at = process.argv.indexOf('--runs');
const RUNS = at > 0 ? Number(process.argv[at + 1]) : 20;

function must(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  return r.stdout;
}

function time(cmd, args, cwd) {
  const times = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd, stdio: 'ignore', shell: process.platform === 'win32' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) {
      console.error(`${cmd} ${args.join(' ')} exited ${r.status}`);
      process.exit(1);
    }
    if (i > 0) times.push(ms); // the first run warms the file cache
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

must('node', [path.join(PACKAGE, 'scripts', 'build.mjs'), '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
must('cargo', ['build', '--release', '--locked', '--quiet'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
const meta = JSON.parse(must('cargo', ['metadata', '--format-version', '1', '--no-deps', '--locked'], { cwd: REPO }));
const nativeBin = path.join(meta.target_directory, 'release', process.platform === 'win32' ? 'consentc.exe' : 'consentc');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consentc-bench-'));
try {
  const [pack] = JSON.parse(must('npm', ['pack', '--json', '--pack-destination', dir], { cwd: PACKAGE }));
  const project = path.join(dir, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), '{"name": "bench", "private": true}');
  must('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--offline', path.join(dir, pack.filename)], { cwd: project });
  fs.cpSync(path.join(REPO, 'policies'), path.join(project, 'policies'), { recursive: true });

  const rows = [
    ['native (target/release/consentc)', time(nativeBin, ['check', 'policies'], project)],
    ['npx consentc', time('npx', ['--no-install', 'consentc', 'check', 'policies'], project)],
    ['node node_modules/consentc/bin/consentc.js', time('node', ['node_modules/consentc/bin/consentc.js', 'check', 'policies'], project)],
  ];
  const wasm = fs.statSync(path.join(PACKAGE, 'wasm', 'consentc_wasm_bg.wasm')).size;
  console.log(`package ${pack.filename}: ${pack.size} bytes packed, ${pack.unpackedSize} unpacked (${pack.files.length} files; the module ${wasm} bytes)`);
  const files = fs.readdirSync(path.join(REPO, 'policies')).filter((f) => f.endsWith('.policy')).length;
  const [load] = os.loadavg();
  console.log(`\`consentc check policies\` (${files} files), ${RUNS} runs each, node ${process.version}, ${os.cpus().length} CPUs, load average ${load.toFixed(1)} at the end:`);
  console.log('| command | median ms | fastest ms |');
  console.log('| --- | --- | --- |');
  for (const [name, t] of rows) console.log(`| ${name} | ${t.median.toFixed(1)} | ${t.min.toFixed(1)} |`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
