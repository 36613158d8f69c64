// The demo site's own script: a tiny single-page router (links marked data-spa change the page
// with history.pushState, as a single-page app does), the "Cookie settings" button, the page's
// own Intercom calls, and a status line showing what Intercom did. It never loads Intercom
// itself: the consentc loader in <head> decides that.
(function () {
  'use strict';
  var views = {
    '/': ['Acme Notes', '<h1>Notes that keep up with you</h1><p>The public part of the site: Intercom never runs here.</p><p><a href="/app/" data-spa>Open the app</a> to see the chat.</p>'],
    '/pricing': ['Acme Notes: pricing', '<h1>Pricing</h1><p>Outside the policy\u2019s pages: when you come here from the app, the loader shuts the chat down.</p>'],
    '/app/': ['Acme Notes: app', '<h1>Your notes</h1><p>Inside the policy\u2019s pages (<code>/app/**</code>): the chat runs here once you accept support chat.</p>'],
    '/app/projects': ['Acme Notes: projects', '<h1>Projects</h1><p>Another app page: with usage analytics accepted, the loader records this page view with Intercom.</p>'],
  };
  function render() {
    var v = views[location.pathname] || views[location.pathname + '/'] || ['Not found', '<h1>Not found</h1>'];
    document.title = v[0];
    document.getElementById('view').innerHTML = v[1];
  }
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[data-spa]');
    if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    if (a.pathname !== location.pathname) history.pushState(null, '', a.pathname);
    render();
  });
  window.addEventListener('popstate', render);
  render();

  document.getElementById('cookie-settings').addEventListener('click', function () {
    if (window.CookieConsent) window.CookieConsent.showPreferences();
    else if (window.klaro) window.klaro.show();
  });

  // What an app usually does: tell Intercom about the account and the event. The loader's
  // firewall keeps the custom attribute for usage analytics and drops the event before consent.
  if (location.pathname.indexOf('/app') === 0 && typeof window.Intercom === 'function') {
    window.Intercom('update', {plan: 'demo'});
    window.Intercom('trackEvent', 'app-opened');
  }

  var status = document.getElementById('status');
  function show() {
    var widget = !!document.querySelector('script[src*="/widget/"]');
    var booted = !!(window.Intercom && window.Intercom.booted);
    var cookies = document.cookie.split('; ').filter(function (c) { return c.indexOf('intercom-') === 0; }).length;
    status.textContent = 'Intercom: ' + (booted ? 'running' : widget ? 'loaded, not running' : 'not loaded') + ' \u00b7 intercom-* cookies: ' + cookies;
  }
  show();
  setInterval(show, 500);
})();
