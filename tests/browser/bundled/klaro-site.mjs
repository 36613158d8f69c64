// A site that bundles Klaro from npm (no window.klaro) with its own configuration: its own
// analytics service (site-stats, started by the service's callback when consent is given, its
// cookie deleted by Klaro when it is withdrawn), purpose titles and callback. The policy is
// merged in with the build's withIntercom, which also hands the module over to the consentc
// loader. `consentc-dist/` is resolved by bundled.mjs to the policy's directory in the build
// under test.
import * as Klaro from 'klaro';
import {withIntercom} from 'consentc-dist/klaro-intercom.mjs';
import {BREAK_HANDOVER, SITE_COOKIE, settingsButton, startSiteAnalytics} from './site-analytics.mjs';

const siteConfig = {
  version: 1,
  elementID: 'klaro',
  storageMethod: 'cookie',
  cookieName: 'klaro',
  htmlTexts: false,
  mustConsent: false,
  acceptAll: true,
  hideDeclineAll: false,
  translations: {
    en: {
      purposes: {analytics: {title: 'Statistics'}},
    },
  },
  services: [
    {
      name: 'site-stats',
      title: 'Site statistics',
      purposes: ['analytics'],
      cookies: [SITE_COOKIE],
      callback: (consent) => {
        if (consent) startSiteAnalytics();
      },
    },
  ],
  // The site's own callback: withIntercom must leave it working.
  callback: (consent, service) => (window.__siteCallbacks = window.__siteCallbacks || []).push(`${service.name}:${consent}`),
};

const merged = BREAK_HANDOVER ? withIntercom(siteConfig) : withIntercom(siteConfig, Klaro);
window.__mergedServices = merged.services.map((s) => s.name);
Klaro.setup(merged);
settingsButton(() => Klaro.show());
