// Runs consentc's loader minifier built for wasm32-unknown-unknown (wasm/minify) on every
// `<name>.src.js` in a directory and writes, next to each, `<name>.mangled.js` and
// `<name>.kept.js` (the output with and without mangled names), or `.err` files with the
// minifier's error. tests/minify_wasm.rs compares them with the native minifier's output.
//
// Usage: node tests/js/minify_wasm.mjs <module.wasm> <directory>
//
// The module is the bare cdylib (no wasm-bindgen step): oxc's dependencies link js-sys on
// wasm32 (browserslist's dates), so the module declares wasm-bindgen's placeholder imports.
// Each is given a function that throws: the minifier must never call into JavaScript.
import fs from 'node:fs';
import path from 'node:path';

const [wasmPath, dir] = process.argv.slice(2);
if (!wasmPath || !dir) {
  console.error('usage: node minify_wasm.mjs <module.wasm> <directory>');
  process.exit(2);
}

const module = new WebAssembly.Module(fs.readFileSync(wasmPath));
const imports = {};
for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
  if (kind !== 'function') throw new Error(`unexpected ${kind} import ${from}.${name}`);
  imports[from] ??= {};
  imports[from][name] = () => {
    throw new Error(`the minifier called the host import ${from}.${name}`);
  };
}
const { exports } = await WebAssembly.instantiate(module, imports);

function minify(source, mangle) {
  const ptr = exports.alloc(source.length);
  new Uint8Array(exports.memory.buffer, ptr, source.length).set(source);
  const out = exports.minify(ptr, source.length, mangle ? 1 : 0);
  // Read after the call: memory may have grown, detaching earlier views.
  const header = new DataView(exports.memory.buffer, out, 8);
  const status = header.getUint32(0, true);
  const length = header.getUint32(4, true);
  const bytes = new Uint8Array(exports.memory.buffer, out + 8, length).slice();
  exports.dealloc(out, 8 + length);
  return { status, bytes };
}

const names = fs.readdirSync(dir).filter((f) => f.endsWith('.src.js')).sort();
for (const file of names) {
  const stem = path.join(dir, file.slice(0, -'.src.js'.length));
  const source = fs.readFileSync(path.join(dir, file));
  for (const [mangle, suffix] of [[true, 'mangled'], [false, 'kept']]) {
    const { status, bytes } = minify(source, mangle);
    fs.writeFileSync(`${stem}.${suffix}.${status === 0 ? 'js' : 'err'}`, bytes);
  }
}
console.log(`minified ${names.length} sources`);
