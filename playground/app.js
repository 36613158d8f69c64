// The playground: the consentc compiler (wasm/bindings, built by npm/scripts/build.mjs into
// ./wasm/) checks the policy on every edit and, when it has no errors, builds it in memory; the
// outputs are shown per CMP. Nothing leaves the page: the module and the examples are files
// beside this one.
import init, * as consentc from './wasm/consentc_wasm.js';

/** The examples (copied here from the repository by the build), the CP0201 one first. */
const EXAMPLES = [
  ['ambiguous.policy', 'CP0201: one feature under two purposes'],
  ['saas_app.policy', 'SaaS app: facade, identity, four CMPs, three languages'],
  ['docs_site.policy', 'Documentation site'],
];
const FILE = 'playground.policy';

const $ = (id) => document.getElementById(id);
const source = $('source');
const gutter = $('gutter');
const encoder = new TextEncoder();
let selectedTab = null;
/** Milliseconds of each re-check (check; check and build; the whole handler), for tests. */
const timings = (window.__consentcTimings = []);

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** Line numbers, with the lines that have a diagnostic marked. */
function drawGutter(marks) {
  const lines = source.value.split('\n').length;
  gutter.replaceChildren(
    ...Array.from({ length: lines }, (_, i) => {
      const n = i + 1;
      return el('span', { className: marks.get(n) || '', textContent: `${n}\n`, id: `line-${n}` });
    }),
  );
  gutter.scrollTop = source.scrollTop;
}

function goTo(line, column) {
  const lines = source.value.split('\n');
  let at = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
  // Columns count Unicode scalar values; the textarea counts UTF-16 units.
  at += [...(lines[line - 1] || '')].slice(0, column - 1).join('').length;
  source.focus();
  source.setSelectionRange(at, at);
}

function showDiagnostics(report, rendered) {
  const marks = new Map();
  $('diagnostics').replaceChildren(
    ...report.diagnostics.map((d) => {
      if (d.line) marks.set(d.line, d.severity === 'error' || marks.get(d.line) === 'bad' ? 'bad' : 'warn');
      const where = d.line ? `${d.line}:${d.column}` : '';
      const item = el('li', { className: d.severity, textContent: `${where} ${d.severity}[${d.code}]: ${d.message}` });
      item.dataset.code = d.code;
      item.dataset.line = d.line ?? '';
      item.dataset.column = d.column ?? '';
      if (d.line) item.addEventListener('click', () => goTo(d.line, d.column));
      return item;
    }),
  );
  $('report').textContent = rendered;
  drawGutter(marks);
}

/** Files of one policy grouped into tabs: one per CMP, then the documents, then the facade. */
function tabsOf(files) {
  const byPolicy = new Map();
  for (const [path, text] of Object.entries(files)) {
    const [policy, name] = [path.slice(0, path.indexOf('/')), path.slice(path.indexOf('/') + 1)];
    if (!byPolicy.has(policy)) byPolicy.set(policy, []);
    byPolicy.get(policy).push([name, text]);
  }
  const tabs = [];
  const several = byPolicy.size > 1;
  for (const [policy, list] of byPolicy) {
    const prefix = several ? `${policy}: ` : '';
    const cmps = list.map(([name]) => name.match(/^intercom-loader\.([\w-]+)\.js$/)?.[1]).filter(Boolean);
    const taken = new Set();
    for (const cmp of cmps) {
      const loader = `intercom-loader.${cmp}.js`;
      // The loader first, then the CMP's configuration files.
      const mine = list.filter(([name]) => name === loader || name.startsWith(`${cmp}-`)).sort(([a], [b]) => (b === loader) - (a === loader));
      mine.forEach(([name]) => taken.add(name));
      tabs.push({ id: `${policy}/${cmp}`, label: `${prefix}${cmp}`, files: mine });
    }
    const rest = list.filter(([name]) => !taken.has(name));
    tabs.push({ id: `${policy}/documents`, label: `${prefix}documents`, files: rest });
    const policyJson = rest.find(([name]) => name === 'policy.json');
    const facade = policyJson && JSON.parse(policyJson[1]).intercom?.facade;
    tabs.push({ id: `${policy}/facade`, label: `${prefix}facade`, facade: facade || null });
  }
  return tabs;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The launcher stand-in as the loader draws it (templates/loader: facade), from the policy's
 * `facade { label, color, position }`, in a frame that runs no script.
 */
function facadePreview(facade) {
  if (!facade) {
    return el('p', { className: 'empty', textContent: 'This policy has no facade (it needs `load = on_interaction` and a `facade { ... }` block).' });
  }
  const style = [
    'position:fixed', 'bottom:20px', `${facade.position === 'left' ? 'left' : 'right'}:20px`, 'z-index:998',
    `background:${facade.color}`, 'color:#fff', 'border:0', 'border-radius:2em', 'padding:.8em 1.2em',
    'font:600 15px sans-serif', 'cursor:pointer',
  ].join(';');
  const frame = el('iframe', { title: 'Facade preview' });
  frame.setAttribute('sandbox', '');
  frame.srcdoc = `<!doctype html><body style="margin:0;font:14px sans-serif;background:#fafafa"><p style="padding:1em;color:#666">A page of your site, before the visitor asks for the messenger.</p><button type="button" style="${escapeHtml(style)}">${escapeHtml(facade.label)}</button></body>`;
  return frame;
}

function showOutputs(files, note) {
  const tabs = files ? tabsOf(files) : [];
  if (!tabs.some((t) => t.id === selectedTab)) selectedTab = tabs[0]?.id ?? null;
  $('tabs').replaceChildren(
    ...tabs.map((t) => {
      const button = el('button', { type: 'button', textContent: t.label });
      button.setAttribute('role', 'tab');
      button.setAttribute('aria-selected', String(t.id === selectedTab));
      button.dataset.tab = t.id;
      button.addEventListener('click', () => {
        selectedTab = t.id;
        showOutputs(files, note);
      });
      return button;
    }),
  );
  const tab = tabs.find((t) => t.id === selectedTab);
  if (!tab) {
    $('panel').replaceChildren(el('p', { className: 'empty', textContent: note }));
  } else if ('facade' in tab) {
    $('panel').replaceChildren(facadePreview(tab.facade));
  } else {
    $('panel').replaceChildren(...tab.files.flatMap(([name, text]) => [el('h3', { textContent: name }), el('pre', { textContent: text })]));
  }
}

/** One re-check: check (diagnostics), then build when clean. */
function recheck() {
  const files = [[FILE, encoder.encode(source.value)]];
  const t0 = performance.now();
  const checked = consentc.check(files, JSON.stringify({ format: 'human' }));
  const report = JSON.parse(checked.json);
  const rendered = checked.rendered;
  checked.free();
  const t1 = performance.now();
  let outputs = null;
  let note = '';
  if (report.errors === 0) {
    const built = consentc.build(files, '{}');
    outputs = built.files ? Object.fromEntries(built.files) : null;
    built.free();
  } else {
    note = `Fix the ${report.errors === 1 ? 'error' : `${report.errors} errors`} to see the generated files.`;
  }
  const t2 = performance.now();
  showDiagnostics(report, rendered);
  showOutputs(outputs, note);
  // `page`: the whole handler, the page's drawing of the results included.
  timings.push({ check: t1 - t0, total: t2 - t0, page: performance.now() - t0 });
  const summary = report.errors || report.warnings ? `${report.errors} errors, ${report.warnings} warnings` : 'no problems';
  $('status').textContent = `${summary} · checked in ${(t1 - t0).toFixed(1)} ms, built in ${(t2 - t1).toFixed(1)} ms`;
  document.body.dataset.checks = String(timings.length);
}

async function loadExample(name) {
  const response = await fetch(`examples/${name}`);
  if (!response.ok) throw new Error(`examples/${name}: ${response.status}`);
  source.value = await response.text();
  source.scrollTop = 0;
  recheck();
}

async function start() {
  await init({ module_or_path: new URL('./wasm/consentc_wasm_bg.wasm', import.meta.url) });
  const select = $('example');
  select.replaceChildren(...EXAMPLES.map(([file, title]) => el('option', { value: file, textContent: title })));
  select.addEventListener('change', () => loadExample(select.value));
  source.addEventListener('input', recheck);
  source.addEventListener('scroll', () => {
    gutter.scrollTop = source.scrollTop;
  });
  await loadExample(EXAMPLES[0][0]);
  document.body.dataset.ready = 'true';
}

start().catch((e) => {
  $('status').textContent = `could not start: ${e.message}`;
  throw e;
});
