// Loads the WebAssembly module once, synchronously (Node compiles it off the file; no fetch), so
// the API and the command line are plain synchronous functions.
import { readFileSync } from 'node:fs';
import * as bindings from '../wasm/consentc_wasm.js';

bindings.initSync({ module: readFileSync(new URL('../wasm/consentc_wasm_bg.wasm', import.meta.url)) });

export default bindings;
