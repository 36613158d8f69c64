// consentc for JavaScript build tools: sources in, diagnostics and files out; nothing is read or
// written by the library itself. Types: index.d.ts. The command line is bin/consentc.js.
import wasm from './wasm.js';

const encoder = new TextEncoder();

/** The package's version, the same as the Rust crate's (`consentc --version`). */
export const version = wasm.version();

/** Thrown by `format` for a file that does not parse; `report` says where (json format). */
export class ConsentcError extends Error {
  constructor(message, report) {
    super(message);
    this.name = 'ConsentcError';
    this.report = report;
  }
}

/** `{path: text or bytes}`, a Map, or `[path, content]` pairs, as `[[path, bytes], ...]`. */
function sources(files) {
  if (files === null || typeof files !== 'object') {
    throw new TypeError('files must be an object {path: text}, a Map or an array of [path, text] pairs');
  }
  const entries = Array.isArray(files) || files instanceof Map ? [...files] : Object.entries(files);
  return entries.map(([name, content]) => {
    if (typeof name !== 'string') throw new TypeError('a file path must be a string');
    if (typeof content === 'string') return [name, encoder.encode(content)];
    if (content instanceof Uint8Array) return [name, content];
    throw new TypeError(`${name}: a file's content must be a string or a Uint8Array`);
  });
}

/** The options the module takes, as JSON; unknown keys are refused there. */
function optionsJson(options) {
  if (options === undefined) return '{}';
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  return JSON.stringify(options);
}

/** Reads a wasm-bindgen struct's fields, then frees it. */
function take(struct, fields) {
  try {
    return Object.fromEntries(fields.map((f) => [f, struct[f]]));
  } finally {
    struct.free();
  }
}

function reportOf(raw) {
  const { json, rendered } = take(raw, ['json', 'rendered']);
  const report = JSON.parse(json);
  if (rendered !== undefined) Object.defineProperty(report, 'rendered', { value: rendered, enumerable: false });
  return report;
}

/** Checks the files as one compile set; returns the json format's report. */
export function check(files, options) {
  return reportOf(wasm.check(sources(files), optionsJson(options)));
}

/** The diagnostics as `consentc check --format FORMAT` prints them (human: with the summary). */
export function render(files, options = {}) {
  const report = check(files, { format: 'human', ...options });
  return report.rendered;
}

/** Checks and builds; `files` is `{path: text}` of every output, or null when there are errors. */
export function build(files, options) {
  const raw = wasm.build(sources(files), optionsJson(options));
  const { report, files: out, loaders } = take(raw, ['report', 'files', 'loaders']);
  return {
    report: reportOf(report),
    files: out === undefined ? null : Object.fromEntries(out),
    loaders: loaders.map(([path, raw, gzip]) => ({ path, raw, gzip })),
  };
}

/** The canonical layout of one policy file; throws `ConsentcError` if it does not parse. */
export function format(source, { path = 'input.policy' } = {}) {
  if (typeof source !== 'string') throw new TypeError('source must be a string');
  const { text, json } = take(wasm.format(path, source), ['text', 'json']);
  if (text !== undefined) return text;
  const report = JSON.parse(json);
  const first = report.diagnostics[0];
  const where = first ? `${first.file}:${first.line}:${first.column}: ${first.message}` : path;
  throw new ConsentcError(`cannot format ${where}`, report);
}

/** The long explanation of a diagnostic code (`consentc explain CODE`). */
export function explain(code) {
  return wasm.explain(code);
}

/** The catalogue (`consentc features [VENDOR]`). */
export function features(vendor) {
  return wasm.features(vendor);
}

/** The starting policy `consentc init` writes. */
export function starterPolicy() {
  return wasm.starterPolicy();
}
