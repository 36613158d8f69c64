// The site's own analytics "script": what a real site runs once its CMP allows it (a tracker
// that sets a first-party cookie). Shared by the vanilla-cookieconsent and Klaro pages, and
// gated by the CMP's own mechanism there, never by consentc.
export const SITE_COOKIE = 'site_stats';

export function startSiteAnalytics() {
  document.cookie = `${SITE_COOKIE}=1; path=/; max-age=86400; SameSite=Lax`;
  (window.__siteAnalytics = window.__siteAnalytics || []).push('started');
}

/** The "Cookie settings" button every page has (the drivers in ../cmps.mjs click it). */
export function settingsButton(open) {
  const button = document.createElement('button');
  button.id = 'cookie-settings';
  button.type = 'button';
  button.textContent = 'Cookie settings';
  button.addEventListener('click', open);
  document.body.prepend(button);
}

// Whether this bundle was built to break the handover on purpose (bundled.mjs --break
// handover): `withIntercom(config)` without the CMP's module, to show the scenarios fail.
export const BREAK_HANDOVER = typeof __CONSENTC_BREAK__ !== 'undefined' && __CONSENTC_BREAK__ === 'handover';
