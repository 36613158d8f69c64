// The banner of the single-page apps (react-app.jsx, sdk-app.mjs): vanilla-cookieconsent bundled
// from npm with a minimal site configuration, the policy merged in with withIntercom, the module
// handed over to the consentc loader.
import * as CookieConsent from 'vanilla-cookieconsent';
import 'vanilla-cookieconsent/dist/cookieconsent.css';
import {withIntercom} from 'consentc-dist/cookieconsent-intercom.mjs';
import {BREAK_HANDOVER, settingsButton} from './site-analytics.mjs';

export function startBanner() {
  CookieConsent.run(
    withIntercom(
      {
        hideFromBots: false, // vanilla-cookieconsent hides itself from automated browsers
        categories: {necessary: {enabled: true, readOnly: true}},
        language: {
          default: 'en',
          translations: {
            en: {
              consentModal: {title: 'Cookies', description: 'Chat and analytics need your consent.', acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all', showPreferencesBtn: 'Manage preferences'},
              preferencesModal: {title: 'Preferences', acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all', savePreferencesBtn: 'Save preferences', sections: []},
            },
          },
        },
      },
      BREAK_HANDOVER ? undefined : CookieConsent,
    ),
  );
  settingsButton(() => CookieConsent.showPreferences());
}

/** The routes of the apps: a minimal client-side router's links. */
export const ROUTES = ['/', '/projects', '/projects/1', '/settings', '/billing'];
