// A site that bundles vanilla-cookieconsent from npm (no window.CookieConsent) with its own
// configuration: its own necessary and analytics categories, the analytics category with its
// own service (site-stats, started by the service's onAccept) and its own autoClear cookie, and
// its own callbacks. The policy is merged in with the build's withIntercom, which also hands the
// module over to the consentc loader. `consentc-dist/` is resolved by bundled.mjs to the
// policy's directory in the build under test.
import * as CookieConsent from 'vanilla-cookieconsent';
import 'vanilla-cookieconsent/dist/cookieconsent.css';
import {withIntercom} from 'consentc-dist/cookieconsent-intercom.mjs';
import {BREAK_HANDOVER, SITE_COOKIE, settingsButton, startSiteAnalytics} from './site-analytics.mjs';

const siteConfig = {
  // vanilla-cookieconsent hides itself from automated browsers (navigator.webdriver); a site
  // would not set this, the test must.
  hideFromBots: false,
  categories: {
    necessary: {enabled: true, readOnly: true},
    analytics: {
      services: {
        'site-stats': {label: 'Site statistics', onAccept: startSiteAnalytics},
      },
      autoClear: {cookies: [{name: SITE_COOKIE}]},
    },
  },
  language: {
    default: 'en',
    translations: {
      en: {
        consentModal: {
          title: 'Cookies on this site',
          description: 'We use cookies for statistics and, if you like, support chat.',
          acceptAllBtn: 'Accept all',
          acceptNecessaryBtn: 'Reject all',
          showPreferencesBtn: 'Manage preferences',
        },
        preferencesModal: {
          title: 'Cookie preferences',
          acceptAllBtn: 'Accept all',
          acceptNecessaryBtn: 'Reject all',
          savePreferencesBtn: 'Save preferences',
          sections: [
            {title: 'Strictly necessary', description: 'Needed for the site to work.', linkedCategory: 'necessary'},
            {title: 'Statistics', description: 'Our own visitor statistics.', linkedCategory: 'analytics'},
            {title: 'More information', description: 'Write to privacy@example.test.'},
          ],
        },
      },
    },
  },
  // The site's own callbacks: withIntercom must leave them working.
  onConsent: () => (window.__siteCallbacks = window.__siteCallbacks || []).push('onConsent'),
  onChange: () => (window.__siteCallbacks = window.__siteCallbacks || []).push('onChange'),
};

const merged = BREAK_HANDOVER ? withIntercom(siteConfig) : withIntercom(siteConfig, CookieConsent);
window.__mergedCategories = Object.keys(merged.categories);
CookieConsent.run(merged);
settingsButton(() => CookieConsent.showPreferences());
