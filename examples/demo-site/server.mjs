// The demo site's static server (node's http module, no dependencies), used by serve.mjs and by
// the browser tests (tests/browser/run.mjs).
//
// It serves, for one policy and one CMP:
//   /, /pricing              site/index.html (outside the policy's pages); `?lang=de` on any
//                            page serves it as `<html lang="de">`
//   /app, /app/**            site/app/index.html (inside them)
//   /site.css, /demo.js      site/
//   /consentc/<file>         the files consentc built for the policy: <dist>/<policy>/<file>
//   /vendor/<package>/<file> the CMP library from node_modules (`npm ci`), in place of its CDN
// and writes the policy's generated `<cmp>-snippet.html` into each page's <head> (at the
// `<!-- consentc:snippet -->` marker), with the snippet's CDN URLs rewritten to /vendor/ and its
// own files' URLs (`/<policy>/<file>`) to /consentc/. A CDN URL it does not know, or a version the snippet pins that
// differs from the installed package, is an error: the page is not served.
//
// With `standIn: true` (serve.mjs --stand-in, for trying the demo without an Intercom
// workspace) it also serves tests/browser/stand_in_widget.js at /__stand-in/widget/<app> and
// points the served loader there. The browser tests never use that: they serve the loader as
// built and answer Intercom's own URL through Playwright's request routing.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const SITE = path.join(here, 'site');
const MODULES = path.join(repo, 'node_modules');
const STAND_IN = path.join(repo, 'tests', 'browser', 'stand_in_widget.js');
const WIDGET_URL = 'https://widget.intercom.io/widget/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The CMP libraries the snippets load from a CDN, and where npm installed them. */
const CDN = [
  {
    pattern: /^https:\/\/cdn\.jsdelivr\.net\/npm\/vanilla-cookieconsent@([^/]+)\/dist\/([\w.-]+)$/,
    pkg: 'vanilla-cookieconsent',
    dir: 'dist',
    // The snippet pins an exact version: the installed one must be it.
    versionOk: (pinned, installed) => pinned === installed,
  },
  {
    pattern: /^https:\/\/cdn\.kiprotect\.com\/klaro\/v([^/]+)\/([\w.-]+)$/,
    pkg: 'klaro',
    dir: 'dist',
    // Klaro's CDN path names a minor line (v0.7): the installed version must be on it.
    versionOk: (pinned, installed) => installed === pinned || installed.startsWith(pinned + '.'),
  },
];

function installedVersion(pkg) {
  const file = path.join(MODULES, pkg, 'package.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')).version;
  } catch {
    throw new Error(`${pkg} is not installed (${file} missing): run \`npm ci\` at the repository root`);
  }
}

/**
 * The policy's snippet for `cmp`, with every URL rewritten to this server. Throws on an unknown
 * CDN URL or a version mismatch.
 */
export function localSnippet(dist, policy, cmp) {
  const file = path.join(dist, policy, `${cmp}-snippet.html`);
  const html = fs.readFileSync(file, 'utf8');
  return html.replace(/\b(src|href)="([^"]*)"/g, (_, attr, url) => {
    if (!/^[a-z]+:/i.test(url)) {
      // `consentc build` (default `--base /`) writes `/<policy>/<file>`.
      const name = url.startsWith(`/${policy}/`) ? url.slice(policy.length + 2) : url;
      if (!/^[\w.-]+$/.test(name)) throw new Error(`${file}: unexpected local URL ${url}`);
      return `${attr}="/consentc/${name}"`;
    }
    for (const c of CDN) {
      const m = c.pattern.exec(url);
      if (!m) continue;
      const installed = installedVersion(c.pkg);
      if (!c.versionOk(m[1], installed)) {
        throw new Error(`${file} loads ${c.pkg} ${m[1]} but node_modules has ${installed}: update package.json`);
      }
      return `${attr}="/vendor/${c.pkg}/${m[2]}"`;
    }
    throw new Error(`${file}: no local copy known for ${url} (add it to CDN in examples/demo-site/server.mjs)`);
  });
}

/** The page for a path, or null: the site has a public part and an app under /app/. */
function pageFor(pathname) {
  if (pathname === '/' || pathname === '/index.html' || pathname === '/pricing') return path.join(SITE, 'index.html');
  if (pathname === '/app' || pathname.startsWith('/app/')) return path.join(SITE, 'app', 'index.html');
  return null;
}

/** A file under `root` named by the rest of a URL path, or null (no traversal, no subfolders). */
function fileIn(root, name) {
  if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) return null;
  const file = path.join(root, name);
  return fs.existsSync(file) && fs.statSync(file).isFile() ? file : null;
}

/**
 * Starts the server. Options: dist (the --out directory of `consentc build`), policy (default
 * `demo`), cmp (`cookieconsent` or `klaro`), host (default 127.0.0.1), port (default 0: any free
 * one), standIn, transformHtml(html, path) (a last change to each page, for the tests'
 * instrumentation). Resolves to {url, origin, port, close()}.
 */
export function startDemoServer({
  dist,
  policy = 'demo',
  cmp = 'cookieconsent',
  host = '127.0.0.1',
  port = 0,
  standIn = false,
  transformHtml = (html) => html,
} = {}) {
  if (!dist) throw new Error('startDemoServer: `dist` (the consentc build output) is required');
  const policyDir = path.join(dist, policy);
  if (!fs.existsSync(path.join(policyDir, `intercom-loader.${cmp}.js`))) {
    throw new Error(`${policyDir} has no intercom-loader.${cmp}.js: build the policy first`);
  }
  // Fails now, not on the first request, if the snippet cannot be served locally.
  localSnippet(dist, policy, cmp);

  const send = (res, status, type, body) => {
    res.writeHead(status, {'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body)});
    res.end(body);
  };
  const sendFile = (res, file, transform) => {
    let body = fs.readFileSync(file);
    if (transform) body = transform(body.toString('utf8'));
    send(res, 200, TYPES[path.extname(file)] || 'application/octet-stream', body);
  };

  const server = http.createServer((req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      const p = decodeURIComponent(url.pathname);
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
      const page = pageFor(p);
      if (page) {
        const snippet = localSnippet(dist, policy, cmp);
        // `?lang=de` serves the page as German (`<html lang="de">`): the policy's languages are
        // chosen from it by the CMP and the facade.
        const lang = url.searchParams.get('lang');
        const htmlLang = lang && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(lang) ? lang : null;
        return sendFile(res, page, (html) =>
          transformHtml(
            html
              .replace('<!-- consentc:snippet -->', snippet.trim())
              .replace('<body>', `<body data-policy="${policy}" data-cmp="${cmp}">`)
              .replace(/<html lang="[^"]*">/, (tag) => (htmlLang ? `<html lang="${htmlLang}">` : tag)),
            p,
          ),
        );
      }
      let m;
      if ((m = /^\/(site\.css|demo\.js)$/.exec(p))) return sendFile(res, path.join(SITE, m[1]));
      if ((m = /^\/consentc\/([^/]+)$/.exec(p))) {
        const file = fileIn(policyDir, m[1]);
        if (!file) return send(res, 404, 'text/plain', 'not found\n');
        const loader = standIn && m[1].startsWith('intercom-loader.');
        return sendFile(res, file, loader ? (js) => js.split(WIDGET_URL).join('/__stand-in/widget/') : undefined);
      }
      if ((m = /^\/vendor\/([\w.-]+)\/([^/]+)$/.exec(p))) {
        const c = CDN.find((x) => x.pkg === m[1]);
        const file = c && fileIn(path.join(MODULES, c.pkg, c.dir), m[2]);
        if (!file) return send(res, 404, 'text/plain', 'not found\n');
        return sendFile(res, file);
      }
      if (standIn && /^\/__stand-in\/widget\/[\w-]+$/.test(p)) return sendFile(res, STAND_IN);
      return send(res, 404, 'text/html; charset=utf-8', '<!doctype html><title>Not found</title><h1>Not found</h1>\n');
    } catch (e) {
      return send(res, 500, 'text/plain', `demo server: ${e.message}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      const origin = `http://${host}:${actual}`;
      resolve({
        origin,
        url: origin + '/',
        port: actual,
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
        server,
      });
    });
  });
}
