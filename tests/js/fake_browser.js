// A small fake browser for running the generated loader in rquickjs (tests/loader_js.rs).
// It models what the loader and Intercom's widget touch, with the semantics that matter for
// consent: cookies with real domain/path/expiry rules (host-only vs domain cookies, public
// suffixes refused), storage, a DOM with connected-element requests, events, history, a
// controllable clock and a request log. Set globalThis.__PAGE_URL before loading this file to
// choose the page (default https://app.acme.test/app/home).
(function (g) {
  'use strict';
  const log = (g.__log = {
    requests: [], // {tag, src, nonce, attrs, t}
    listeners: [], // {target, type}
    errors: [], // exceptions thrown by listeners and timers
    reloads: 0,
    navigations: [],
    innerHTML: [],
    styleAttrs: [],
    inlineHandlers: [],
    console: [],
  });

  // ---------------------------------------------------------------- clock and timers
  let now = Date.UTC(2024, 0, 15, 9, 0, 0);
  let seq = 0;
  let timers = [];
  const RealDate = Date;
  g.Date = class extends RealDate {
    constructor(...a) {
      if (a.length === 0) super(now);
      else super(...a);
    }
    static now() {
      return now;
    }
  };
  function addTimer(f, ms, args, every) {
    if (typeof f !== 'function') throw new TypeError('string timers are eval (blocked by CSP)');
    const id = ++seq;
    ms = Math.max(0, Number(ms) || 0);
    timers.push({ id, t: now + ms, f, args, every: every ? Math.max(1, ms) : 0, order: id });
    return id;
  }
  g.setTimeout = (f, ms, ...args) => addTimer(f, ms, args, false);
  g.setInterval = (f, ms, ...args) => addTimer(f, ms, args, true);
  g.clearTimeout = g.clearInterval = (id) => {
    timers = timers.filter((x) => x.id !== id);
  };
  function runTask(f, args) {
    try {
      f(...args);
    } catch (e) {
      log.errors.push(String(e && e.stack ? e + '\n' + e.stack : e));
    }
  }
  // Advance the clock by ms, running every timer that falls due, in order.
  g.__advance = function (ms) {
    const end = now + (ms || 0);
    for (;;) {
      let next = null;
      for (const x of timers) {
        if (x.t <= end && (!next || x.t < next.t || (x.t === next.t && x.order < next.order))) next = x;
      }
      if (!next) break;
      now = Math.max(now, next.t);
      if (next.every) {
        next.t = now + next.every;
        next.order = ++seq;
      } else {
        timers = timers.filter((x) => x !== next);
      }
      runTask(next.f, next.args);
    }
    now = end;
  };
  g.__now = () => now;
  g.__pendingTimers = () => timers.length;

  // ---------------------------------------------------------------- events
  class Event {
    constructor(type, init) {
      init = init || {};
      this.type = String(type);
      this.bubbles = !!init.bubbles;
      this.cancelable = !!init.cancelable;
      this.defaultPrevented = false;
      this.target = null;
      this.currentTarget = null;
      this._stop = false;
      this.isTrusted = false;
    }
    preventDefault() {
      if (this.cancelable) this.defaultPrevented = true;
    }
    stopPropagation() {
      this._stop = true;
    }
    stopImmediatePropagation() {
      this._stop = true;
    }
  }
  class CustomEvent extends Event {
    constructor(type, init) {
      super(type, init);
      this.detail = init && 'detail' in init ? init.detail : null;
    }
  }
  g.Event = Event;
  g.CustomEvent = CustomEvent;
  const ET = {
    addEventListener(type, f, opts) {
      if (!f) return;
      const l = this.__l || (Object.defineProperty(this, '__l', { value: new Map() }), this.__l);
      if (!l.has(type)) l.set(type, []);
      const arr = l.get(type);
      if (arr.some((x) => x.f === f)) return;
      arr.push({ f, once: !!(opts && opts.once) });
      log.listeners.push({ target: this === g ? 'window' : this === g.document ? 'document' : 'element', type });
    },
    removeEventListener(type, f) {
      const l = this.__l && this.__l.get(type);
      if (l) this.__l.set(type, l.filter((x) => x.f !== f));
    },
    dispatchEvent(e) {
      if (!e.target) e.target = this;
      const path = [this];
      if (e.bubbles) {
        let p = this.parentNode;
        while (p) {
          path.push(p);
          p = p.parentNode;
        }
        // Events bubble from an element to the document, and from the document to the window.
        if (this === g.document) path.push(g);
        else if (this !== g && this.isConnected) path.push(g.document, g);
      }
      for (const node of path) {
        e.currentTarget = node;
        const l = node.__l && node.__l.get(e.type);
        for (const x of l ? l.slice() : []) {
          if (x.once) node.removeEventListener(e.type, x.f);
          runTask((ev) => (typeof x.f === 'function' ? x.f.call(node, ev) : x.f.handleEvent(ev)), [e]);
        }
        const h = node['on' + e.type];
        if (typeof h === 'function') runTask((ev) => h.call(node, ev), [e]);
        if (e._stop) break;
      }
      return !e.defaultPrevented;
    },
  };
  // Window's own methods work unqualified (`dispatchEvent(e)`), as in browsers.
  for (const k of Object.keys(ET)) g[k] = ET[k].bind(g);

  // ---------------------------------------------------------------- URL and location
  function parse(u) {
    const m = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#:]*)(:\d+)?([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(u);
    if (!m) throw new TypeError('bad URL ' + u);
    return {
      protocol: m[1].toLowerCase(),
      hostname: m[2].toLowerCase(),
      port: m[3] ? m[3].slice(1) : '',
      pathname: m[4] || '/',
      search: m[5] && m[5] !== '?' ? m[5] : '',
      hash: m[6] && m[6] !== '#' ? m[6] : '',
    };
  }
  function fmt(p) {
    return p.protocol + '//' + p.hostname + (p.port ? ':' + p.port : '') + p.pathname + p.search + p.hash;
  }
  function resolve(base, rel) {
    rel = String(rel);
    if (/^[a-z][a-z0-9+.-]*:/i.test(rel)) return parse(rel);
    const b = parse(base);
    const origin = b.protocol + '//' + b.hostname + (b.port ? ':' + b.port : '');
    if (rel.startsWith('//')) return parse(b.protocol + rel);
    if (rel.startsWith('/')) return parse(origin + rel);
    if (rel.startsWith('?')) return parse(origin + b.pathname + rel);
    if (rel.startsWith('#')) return parse(origin + b.pathname + b.search + rel);
    if (rel === '') return parse(origin + b.pathname + b.search);
    return parse(origin + b.pathname.replace(/[^/]*$/, '') + rel);
  }
  let url = parse(g.__PAGE_URL || 'https://app.acme.test/app/home');
  function setUrl(p) {
    url = p;
  }
  const location = {
    get href() {
      return fmt(url);
    },
    set href(v) {
      log.navigations.push(fmt(resolve(fmt(url), v)));
    },
    get protocol() {
      return url.protocol;
    },
    get host() {
      return url.hostname + (url.port ? ':' + url.port : '');
    },
    get hostname() {
      return url.hostname;
    },
    get port() {
      return url.port;
    },
    get pathname() {
      return url.pathname;
    },
    get search() {
      return url.search;
    },
    get hash() {
      return url.hash;
    },
    set hash(v) {
      v = String(v);
      const old = fmt(url);
      url = Object.assign({}, url, { hash: v ? (v[0] === '#' ? v : '#' + v) : '' });
      if (fmt(url) !== old) {
        const e = new Event('hashchange');
        e.oldURL = old;
        e.newURL = fmt(url);
        g.setTimeout(() => g.dispatchEvent(e), 0);
      }
    },
    get origin() {
      return url.protocol + '//' + this.host;
    },
    reload() {
      log.reloads++;
    },
    assign(v) {
      log.navigations.push(fmt(resolve(fmt(url), v)));
    },
    replace(v) {
      log.navigations.push(fmt(resolve(fmt(url), v)));
    },
    toString() {
      return fmt(url);
    },
  };
  g.location = location;
  const history = {
    state: null,
    get length() {
      return 1;
    },
    pushState(state, _title, u) {
      this.state = state;
      if (u != null) setUrl(resolve(fmt(url), u));
    },
    replaceState(state, _title, u) {
      this.state = state;
      if (u != null) setUrl(resolve(fmt(url), u));
    },
    back() {},
    forward() {},
  };
  g.history = history;
  // Back/forward to `u`: the URL changes, then popstate fires (as browsers do).
  g.__popTo = function (u, state) {
    setUrl(resolve(fmt(url), u));
    history.state = state == null ? null : state;
    const e = new Event('popstate');
    e.state = history.state;
    g.dispatchEvent(e);
  };

  // ---------------------------------------------------------------- cookies
  // Chrome's model: a host-only cookie and a Domain=<host> cookie are different cookies; a
  // Domain attribute naming a public suffix or a single label is refused.
  const PUBLIC_SUFFIXES = ['co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'com.au', 'net.au', 'co.jp', 'github.io', 'herokuapp.com'];
  let jar = [];
  let cookieSeq = 0;
  function defaultPath() {
    const p = url.pathname;
    if (!p.startsWith('/') || p.lastIndexOf('/') === 0) return '/';
    return p.slice(0, p.lastIndexOf('/'));
  }
  function pathMatch(req, cp) {
    return req === cp || (req.startsWith(cp) && (cp.endsWith('/') || req[cp.length] === '/'));
  }
  function domainMatch(host, d) {
    return host === d || host.endsWith('.' + d);
  }
  function live(c) {
    return c.expires > now;
  }
  function setCookie(str) {
    const parts = String(str).split(';');
    const first = parts.shift();
    // `document.cookie = "flag"` stores a cookie with an empty name, listed as just "flag".
    const eq = first.indexOf('=');
    const name = eq < 0 ? '' : first.slice(0, eq).trim();
    const value = (eq < 0 ? first : first.slice(eq + 1)).trim();
    const host = url.hostname;
    let domain = null;
    let path = null;
    let maxAge = null;
    let expires = null;
    for (const a of parts) {
      const i = a.indexOf('=');
      const k = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
      const v = i < 0 ? '' : a.slice(i + 1).trim();
      if (k === 'domain') domain = v.replace(/^\./, '').toLowerCase();
      else if (k === 'path') path = v.startsWith('/') ? v : null;
      else if (k === 'max-age') {
        if (/^-?\d+$/.test(v)) maxAge = parseInt(v, 10);
      } else if (k === 'expires') {
        const t = RealDate.parse(v);
        if (!isNaN(t)) expires = t;
      }
    }
    let hostOnly = true;
    if (domain) {
      if (!domainMatch(host, domain)) return;
      if (domain.indexOf('.') < 0 || PUBLIC_SUFFIXES.includes(domain)) return;
      hostOnly = false;
    } else {
      domain = host;
    }
    if (!path) path = defaultPath();
    let exp = Infinity;
    if (maxAge !== null) exp = maxAge <= 0 ? -Infinity : now + maxAge * 1000;
    else if (expires !== null) exp = expires;
    const same = (c) => c.name === name && c.domain === domain && c.hostOnly === hostOnly && c.path === path;
    const old = jar.find(same);
    jar = jar.filter((c) => !same(c));
    if (exp > now) {
      jar.push({ name, value, domain, hostOnly, path, expires: exp, created: old ? old.created : ++cookieSeq });
    }
  }
  function getCookies() {
    const host = url.hostname;
    return jar
      .filter(live)
      .filter((c) => (c.hostOnly ? c.domain === host : domainMatch(host, c.domain)))
      .filter((c) => pathMatch(url.pathname, c.path))
      .sort((a, b) => b.path.length - a.path.length || a.created - b.created)
      .map((c) => (c.name ? c.name + '=' + c.value : c.value))
      .join('; ');
  }
  // Every live cookie in the jar, whatever its domain and path (for assertions).
  g.__cookies = () => jar.filter(live).map((c) => Object.assign({}, c));

  // ---------------------------------------------------------------- storage
  // Items are own enumerable properties, as in browsers (Object.keys(localStorage) lists them,
  // localStorage[key] reads one).
  class Storage {
    get length() {
      return Object.keys(this).length;
    }
    key(i) {
      const k = Object.keys(this)[i];
      return k === undefined ? null : k;
    }
    getItem(k) {
      k = String(k);
      return Object.prototype.hasOwnProperty.call(this, k) ? String(this[k]) : null;
    }
    setItem(k, v) {
      this[String(k)] = String(v);
    }
    removeItem(k) {
      delete this[String(k)];
    }
    clear() {
      for (const k of Object.keys(this)) delete this[k];
    }
    keys() {
      return Object.keys(this);
    }
  }
  g.Storage = Storage;
  g.localStorage = new Storage();
  g.sessionStorage = new Storage();

  // ---------------------------------------------------------------- DOM
  // CSS escapes in a quoted attribute value: `\` and up to six hex digits (and one space after
  // them), or `\` and any other character for itself.
  function cssUnescape(v) {
    return v.replace(/\\(?:([0-9a-fA-F]{1,6}) ?|([^]))/g, (_, hex, ch) => (hex ? String.fromCodePoint(parseInt(hex, 16)) : ch));
  }
  function parseSelector(sel) {
    const m = /^([a-zA-Z][a-zA-Z0-9-]*)?(?:#([\w-]+))?((?:\.[\w-]+)*)(?:\[([\w-]+)(?:=(?:"((?:[^"\\]|\\[^])*)"|'((?:[^'\\]|\\[^])*)'|([^\]]*)))?\])?$/.exec(sel.trim());
    if (!m) throw new Error('fake DOM: unsupported selector ' + sel);
    return {
      tag: m[1] ? m[1].toUpperCase() : null,
      id: m[2] || null,
      classes: m[3] ? m[3].split('.').filter(Boolean) : [],
      attr: m[4] || null,
      value: m[5] !== undefined ? cssUnescape(m[5]) : m[6] !== undefined ? cssUnescape(m[6]) : m[7] !== undefined ? m[7] : null,
    };
  }
  // A selector list split at its commas, but not at commas inside a quoted value.
  function splitSelectors(sel) {
    return String(sel).match(/(?:"(?:[^"\\]|\\[^])*"|'(?:[^'\\]|\\[^])*'|[^,"'])+/g) || [];
  }
  function matches(el, s) {
    if (s.tag && el.tagName !== s.tag) return false;
    if (s.id && el.id !== s.id) return false;
    for (const c of s.classes) if (!el.classList.contains(c)) return false;
    if (s.attr) {
      if (!el.hasAttribute(s.attr)) return false;
      if (s.value !== null && el.getAttribute(s.attr) !== s.value) return false;
    }
    return true;
  }
  function walk(root, f) {
    for (const c of root.childNodes) {
      f(c);
      walk(c, f);
    }
  }
  function qsa(root, sel) {
    const parts = splitSelectors(sel).map(parseSelector);
    const out = [];
    walk(root, (el) => {
      if (parts.some((s) => matches(el, s))) out.push(el);
    });
    return out;
  }
  const net = (g.__net = {
    delay: 5,
    routes: [], // {match(src): bool, run(el)}
    route(match, run) {
      this.routes.push({ match: typeof match === 'function' ? match : (s) => s === match, run });
    },
  });
  function requested(el) {
    const type = el.tagName === 'SCRIPT' ? (el.type || '').toLowerCase() : '';
    // A script typed text/plain (a CMP's blocked script) is not fetched.
    if (type && type !== 'text/javascript' && type !== 'module' && type !== 'application/javascript') return;
    const attrs = {};
    for (const k of el.getAttributeNames()) attrs[k] = el.getAttribute(k);
    log.requests.push({ tag: el.tagName, src: el.src, nonce: el.nonce || '', attrs, t: now });
    if (el.tagName === 'SCRIPT') {
      const r = net.routes.find((x) => x.match(el.src));
      g.setTimeout(() => {
        if (!el.isConnected && !r) return;
        if (r) r.run(el);
        el.dispatchEvent(new Event(r ? 'load' : 'error'));
      }, net.delay);
    }
  }
  class Style {
    constructor() {
      Object.defineProperty(this, 'cssText', {
        get: () =>
          Object.keys(this)
            .map((k) => k + ':' + this[k])
            .join(';'),
        set: () => {},
        enumerable: false,
      });
    }
  }
  class Element {
    constructor(tag) {
      Object.defineProperty(this, '__a', { value: new Map() });
      this.tagName = String(tag).toUpperCase();
      this.nodeName = this.tagName;
      this.childNodes = [];
      this.parentNode = null;
      this.style = new Style();
      this._text = '';
      this.dataset = {};
    }
    get children() {
      return this.childNodes;
    }
    get parentElement() {
      return this.parentNode instanceof Element ? this.parentNode : null;
    }
    get isConnected() {
      let p = this;
      while (p.parentNode) p = p.parentNode;
      return !!g.document && p === g.document.documentElement;
    }
    get id() {
      return this.getAttribute('id') || '';
    }
    set id(v) {
      this.setAttribute('id', v);
    }
    get className() {
      return this.getAttribute('class') || '';
    }
    set className(v) {
      this.setAttribute('class', v);
    }
    get classList() {
      const el = this;
      const list = () => el.className.split(/\s+/).filter(Boolean);
      return {
        contains: (c) => list().includes(c),
        add: (...c) => el.setAttribute('class', Array.from(new Set(list().concat(c))).join(' ')),
        remove: (...c) => el.setAttribute('class', list().filter((x) => !c.includes(x)).join(' ')),
      };
    }
    get src() {
      return this.getAttribute('src') || '';
    }
    set src(v) {
      this.setAttribute('src', v);
    }
    get type() {
      return this.getAttribute('type') || '';
    }
    set type(v) {
      this.setAttribute('type', v);
    }
    get name() {
      return this.getAttribute('name') || '';
    }
    set name(v) {
      this.setAttribute('name', v);
    }
    get textContent() {
      return this._text + this.childNodes.map((c) => c.textContent).join('');
    }
    set textContent(v) {
      for (const c of this.childNodes) c.parentNode = null;
      this.childNodes = [];
      this._text = String(v);
    }
    get innerText() {
      return this.textContent;
    }
    set innerText(v) {
      this.textContent = v;
    }
    set innerHTML(v) {
      log.innerHTML.push(String(v));
      this.textContent = '';
    }
    get innerHTML() {
      return this._text;
    }
    getAttribute(k) {
      k = String(k).toLowerCase();
      return this.__a.has(k) ? this.__a.get(k) : null;
    }
    setAttribute(k, v) {
      k = String(k).toLowerCase();
      v = String(v);
      if (k === 'style') log.styleAttrs.push({ tag: this.tagName, value: v });
      if (/^on/.test(k)) log.inlineHandlers.push({ tag: this.tagName, name: k, value: v });
      this.__a.set(k, v);
      if (k === 'nonce') this.nonce = v;
      if (k === 'src' && this.isConnected) requested(this);
    }
    removeAttribute(k) {
      this.__a.delete(String(k).toLowerCase());
    }
    hasAttribute(k) {
      return this.__a.has(String(k).toLowerCase());
    }
    getAttributeNames() {
      return Array.from(this.__a.keys());
    }
    _connected() {
      if (this.getAttribute('src') !== null) requested(this);
      for (const c of this.childNodes) c._connected();
    }
    appendChild(c) {
      return this.insertBefore(c, null);
    }
    insertBefore(c, ref) {
      if (c.parentNode) c.parentNode.removeChild(c);
      const i = ref ? this.childNodes.indexOf(ref) : -1;
      if (i < 0) this.childNodes.push(c);
      else this.childNodes.splice(i, 0, c);
      c.parentNode = this;
      if (this.isConnected) c._connected();
      return c;
    }
    removeChild(c) {
      const i = this.childNodes.indexOf(c);
      if (i < 0) throw new Error('NotFoundError: not a child');
      this.childNodes.splice(i, 1);
      c.parentNode = null;
      return c;
    }
    remove() {
      if (this.parentNode) this.parentNode.removeChild(this);
    }
    querySelectorAll(sel) {
      return qsa(this, sel);
    }
    querySelector(sel) {
      return qsa(this, sel)[0] || null;
    }
    getElementsByTagName(t) {
      return qsa(this, t);
    }
    click() {
      if (this.disabled) return;
      this.dispatchEvent(new Event('click', { bubbles: true, cancelable: true }));
    }
    focus() {
      g.document.activeElement = this;
    }
    blur() {}
    getBoundingClientRect() {
      return { x: 0, y: 0, width: 0, height: 0, top: 0, left: 0, right: 0, bottom: 0 };
    }
  }
  Object.assign(Element.prototype, ET);
  g.Element = g.HTMLElement = Element;

  const document = Object.create(ET);
  const html = new Element('html');
  const head = new Element('head');
  const body = new Element('body');
  html.appendChild(head);
  html.appendChild(body);
  Object.assign(document, {
    documentElement: html,
    head,
    body,
    readyState: 'complete',
    visibilityState: 'visible',
    hidden: false,
    title: 'Acme',
    referrer: '',
    currentScript: null,
    activeElement: null,
    createElement: (t) => new Element(t),
    getElementById: (id) => qsa(html, '#' + id)[0] || null,
    querySelectorAll: (s) => qsa(html, s),
    querySelector: (s) => qsa(html, s)[0] || null,
    getElementsByTagName: (t) => qsa(html, t),
  });
  Object.defineProperty(document, 'cookie', { get: getCookies, set: setCookie });
  g.document = document;
  // A <script> element as document.currentScript while the loader runs.
  g.__currentScript = function (nonce) {
    const s = new Element('script');
    s.nonce = nonce || '';
    return s;
  };
  g.__setVisibility = function (state) {
    document.visibilityState = state;
    document.hidden = state !== 'visible';
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  };
  g.__pageshow = function (persisted) {
    const e = new Event('pageshow');
    e.persisted = !!persisted;
    g.dispatchEvent(e);
  };

  // ---------------------------------------------------------------- the rest of window
  g.window = g;
  g.self = g;
  g.top = g;
  g.parent = g;
  g.navigator = { userAgent: 'FakeBrowser/1.0 (consentc tests)', language: 'en', globalPrivacyControl: undefined };
  g.console = {
    log: (...a) => log.console.push(a.map(String).join(' ')),
    warn: (...a) => log.console.push(a.map(String).join(' ')),
    error: (...a) => log.console.push(a.map(String).join(' ')),
    debug: () => {},
  };
  const channels = (g.__bc = { open: [], sent: [] });
  class BroadcastChannel {
    constructor(name) {
      this.name = String(name);
      this.onmessage = null;
      channels.open.push(this);
    }
    postMessage(data) {
      channels.sent.push({ name: this.name, data: JSON.parse(JSON.stringify(data)) });
    }
    close() {
      channels.open = channels.open.filter((c) => c !== this);
    }
  }
  Object.assign(BroadcastChannel.prototype, ET);
  g.BroadcastChannel = BroadcastChannel;
  // A message from another tab of the same origin.
  g.__bcDeliver = function (name, data) {
    for (const c of channels.open.slice()) {
      if (c.name !== name) continue;
      const e = new Event('message');
      e.data = JSON.parse(JSON.stringify(data));
      c.dispatchEvent(e);
    }
  };
  // No eval in the loader: code strings are refused, as under a strict CSP.
  g.eval = function () {
    throw new EvalError('eval is blocked by the Content-Security-Policy');
  };

  // ---------------------------------------------------------------- assertions
  g.assert = function (cond, msg) {
    if (!cond) throw new Error('assertion failed: ' + (msg || ''));
  };
  g.eq = function (actual, expected, msg) {
    const a = JSON.stringify(actual);
    const b = JSON.stringify(expected);
    if (a !== b) throw new Error('assertion failed: ' + (msg || '') + '\n  actual:   ' + a + '\n  expected: ' + b);
  };
})(globalThis);
