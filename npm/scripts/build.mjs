#!/usr/bin/env node
// Builds the npm package's WebAssembly module from the repository, reproducibly on a fresh
// machine: `npm run build` here, then `npm pack` gives the tarball.
//
// 1. the wasm32-unknown-unknown target (rustup), or a loud failure;
// 2. the wasm-bindgen CLI at exactly the version of the `wasm-bindgen` crate in the repository's
//    Cargo.lock (the two must match), installed once into target/tools/ and reused;
// 3. `cargo build --locked --profile wasm-release --target wasm32-unknown-unknown -p
//    consentc-wasm` (wasm/bindings; the profile, in the root Cargo.toml, optimises for size);
// 4. `wasm-bindgen --target web` into npm/wasm/ (the package) and playground/wasm/ (the
//    playground loads the same module), and the playground's example policies into
//    playground/examples/. The `web` output loads in Node too: lib/wasm.js hands it the
//    module's bytes with `initSync`.
//
// Usage: node scripts/build.mjs [--quiet]. Fails (exit 1) with the reason when a step fails.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPO = path.resolve(PACKAGE, '..');
const TARGET = 'wasm32-unknown-unknown';
const CRATE = 'consentc-wasm';
const OUT_NAME = 'consentc_wasm';
const PROFILE = 'wasm-release';
const quiet = process.argv.includes('--quiet');

function say(text) {
  if (!quiet) process.stderr.write(`${text}\n`);
}

/** Stops the build with a message nobody can miss. */
function fail(text) {
  const line = '='.repeat(72);
  process.stderr.write(`\n${line}\nconsentc npm build FAILED: ${text}\n${line}\n\n`);
  process.exit(1);
}

function run(cmd, args, options = {}) {
  return spawnSync(cmd, args, { cwd: REPO, encoding: 'utf8', ...options });
}

/** The version of `name` in the repository's Cargo.lock. */
function lockedVersion(name) {
  const lock = fs.readFileSync(path.join(REPO, 'Cargo.lock'), 'utf8');
  const versions = [...lock.matchAll(/\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"/g)]
    .filter((m) => m[1] === name)
    .map((m) => m[2]);
  if (versions.length !== 1) fail(`expected one \`${name}\` in Cargo.lock, found ${versions.length}`);
  return versions[0];
}

function targetDir() {
  if (process.env.CARGO_TARGET_DIR) return path.resolve(REPO, process.env.CARGO_TARGET_DIR);
  const meta = run('cargo', ['metadata', '--format-version', '1', '--no-deps', '--locked']);
  if (meta.status !== 0) fail(`cargo metadata failed:\n${meta.stderr}`);
  return JSON.parse(meta.stdout).target_directory;
}

function ensureTarget() {
  const rustup = run('rustup', ['target', 'add', TARGET]);
  if (rustup.error && rustup.error.code === 'ENOENT') {
    say(`note: no rustup; assuming the ${TARGET} target is installed`);
    return;
  }
  if (rustup.status !== 0) {
    fail(`could not install the ${TARGET} target (rustup target add ${TARGET}):\n${rustup.stderr}`);
  }
}

/** The wasm-bindgen CLI of `version`, installed under target/tools/ on first use. */
function wasmBindgen(version, tools) {
  const root = path.join(tools, `wasm-bindgen-cli-${version}`);
  const bin = path.join(root, 'bin', process.platform === 'win32' ? 'wasm-bindgen.exe' : 'wasm-bindgen');
  const installed = () => run(bin, ['--version']).stdout?.trim() === `wasm-bindgen ${version}`;
  if (installed()) return bin;
  say(`== cargo install wasm-bindgen-cli --version ${version} --locked (once, into ${root})`);
  const base = ['install', 'wasm-bindgen-cli', '--version', version, '--root', root];
  let r = run('cargo', [...base, '--locked'], { stdio: ['ignore', 'inherit', 'pipe'] });
  if (r.status !== 0) {
    // A registry without one of the versions in wasm-bindgen-cli's own lock file (a mirror that
    // lags, a yanked crate) cannot install it `--locked`. Its dependencies are then resolved
    // afresh; what decides the generated bindings, wasm-bindgen-cli-support, is pinned by the CLI
    // with `=` to the same version either way.
    process.stderr.write(
      `\nWARNING: \`cargo install wasm-bindgen-cli --version ${version} --locked\` failed:\n${r.stderr}` +
        `WARNING: installing it without --locked (wasm-bindgen-cli-support stays at =${version})\n\n`,
    );
    r = run('cargo', base, { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  if (r.status !== 0 || !installed()) fail(`could not install wasm-bindgen-cli ${version} into ${root}`);
  return bin;
}

/** Builds wasm/bindings; returns the .wasm path cargo reports. */
function buildModule() {
  say(`== cargo build --locked --profile ${PROFILE} --target ${TARGET} -p ${CRATE}`);
  const r = run('cargo', ['build', '--locked', '--profile', PROFILE, '--target', TARGET, '-p', CRATE, '--message-format=json-render-diagnostics'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) fail(`cargo build of ${CRATE} for ${TARGET} failed (its errors are above)`);
  const wasm = r.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .filter((m) => m.reason === 'compiler-artifact' && m.target.name === OUT_NAME)
    .flatMap((m) => m.filenames)
    .find((f) => f.endsWith('.wasm'));
  if (!wasm) fail(`cargo reported no .wasm for ${CRATE}`);
  return wasm;
}

const version = lockedVersion('wasm-bindgen');
const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8'));
const crate = fs.readFileSync(path.join(REPO, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)?.[1];
if (pkg.version !== crate) fail(`npm/package.json says version ${pkg.version}, Cargo.toml ${crate}: keep them the same`);

ensureTarget();
const tools = path.join(targetDir(), 'tools');
const bindgen = wasmBindgen(version, tools);
const module = buildModule();
for (const dir of [path.join(PACKAGE, 'wasm'), path.join(REPO, 'playground', 'wasm')]) {
  fs.rmSync(dir, { recursive: true, force: true });
  // Without the name section (function names for debuggers: a tenth of the module); a panic's
  // message still reaches the caller (wasm/bindings/src/panic.rs).
  const flags = ['--target', 'web', '--no-typescript', '--remove-name-section', '--remove-producers-section'];
  const r = run(bindgen, [...flags, '--out-dir', dir, '--out-name', OUT_NAME, module], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) fail(`wasm-bindgen failed on ${module}`);
}
// The playground's examples, from where the repository keeps them (playground/app.js lists them).
// The playground edits one file: a policy and its translators' files (top-level `text LANG(policy
// = NAME)` blocks) are joined into one, which checks as the set does.
const EXAMPLES = {
  'ambiguous.policy': ['examples/ambiguous.policy'],
  'saas_app.policy': ['policies/saas_app.policy', 'policies/saas_app.de.policy', 'policies/saas_app.fr.policy'],
  'docs_site.policy': ['policies/docs_site.policy'],
};
const examples = path.join(REPO, 'playground', 'examples');
fs.rmSync(examples, { recursive: true, force: true });
fs.mkdirSync(examples);
for (const [name, files] of Object.entries(EXAMPLES)) {
  const text = files.map((f) => fs.readFileSync(path.join(REPO, f), 'utf8')).join('\n');
  fs.writeFileSync(path.join(examples, name), text);
}
const size = fs.statSync(path.join(PACKAGE, 'wasm', `${OUT_NAME}_bg.wasm`)).size;
say(`built npm/wasm/ and playground/wasm/ (${OUT_NAME}_bg.wasm: ${size} bytes) with wasm-bindgen ${version}`);
