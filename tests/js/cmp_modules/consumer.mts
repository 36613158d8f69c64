// A TypeScript site using the generated modules: tests/cmp_modules.rs copies it next to a build of
// modules.policy (as `out/modules/`) and type-checks it with `tsc --noEmit`, with
// vanilla-cookieconsent's own types for the configuration. The `@ts-expect-error` lines prove the
// modules are typed (an untyped module would accept them, and tsc would report the unused
// directive).

import * as CookieConsent from "vanilla-cookieconsent";
import { categories, revision, translations, withIntercom } from "./out/modules/cookieconsent-intercom.mjs";
import * as Klaro from "./klaro-stub.mjs";
import { services, translations as klaroTranslations, withIntercom as withKlaro } from "./out/modules/klaro-intercom.mjs";

const site: CookieConsent.CookieConsentConfig = {
  revision: 2,
  categories: {
    necessary: { enabled: true, readOnly: true },
    analytics: { services: { plausible: { label: "Plausible" } }, autoClear: { cookies: [{ name: /^_pk_/ }] } },
  },
  language: {
    default: "en",
    translations: {
      en: { consentModal: { title: "Cookies" }, preferencesModal: { sections: [] } },
      de: "/lang/de.json",
      fr: async () => ({ consentModal: {}, preferencesModal: { sections: [] } }),
    },
  },
  onConsent: ({ cookie }) => console.log(cookie.categories),
};

// The merged configuration is still the site's type, and what vanilla-cookieconsent's run takes.
const merged = withIntercom(site, CookieConsent);
const config: CookieConsent.CookieConsentConfig = merged;
void CookieConsent.run(config);
const combined: number = merged.revision + revision;
const label: string | undefined = categories["support"]?.services?.["intercom-support"]?.label;
const sections: number = translations["en"].preferencesModal.sections.length;
console.log(combined, label, sections);

// @ts-expect-error: the configuration must be an object
withIntercom(42);
// @ts-expect-error: the module's parts are read-only
categories["support"] = {};
// @ts-expect-error: the revision is a number
const wrong: string = revision;

const klaroConfig = {
  storageName: "site-consent",
  services: [{ name: "matomo", purposes: ["analytics"], cookies: [/^_pk_/], callback: (consent: boolean) => console.log(consent) }],
  translations: { de: { purposes: { analytics: "Statistik" } } },
  callback: (consent: boolean, service: { name: string }) => console.log(consent, service.name),
};
const mergedKlaro = withKlaro(klaroConfig, Klaro);
const storage: string = mergedKlaro.storageName;
const names: string[] = mergedKlaro.services.map((service) => service.name);
const title = klaroTranslations["en"].purposes["livechat"]?.title;
console.log(storage, names, title, services.length);
Klaro.setup(mergedKlaro);

// @ts-expect-error: services is a list
withKlaro({ services: {} });
