// How a visitor answers each CMP: by clicking its real banner and preferences buttons, located by
// the markup the real libraries draw (vanilla-cookieconsent 3.1, Klaro 0.7). A purpose's value in
// the CMP (category or Klaro purpose id) comes from the built policy.json, so the drivers follow
// the policy instead of repeating it.

/** The purposes of the demo policies, as the scenarios name them. */
export const PURPOSES = ['support', 'guidance', 'analytics'];

const cookieconsent = {
  title: 'vanilla-cookieconsent',
  banner: (page) => page.locator('#cc-main .cm'),
  prefs: (page) => page.locator('#cc-main .pm'),
  acceptAllButton: (page) => page.locator('#cc-main .cm button[data-role="all"]'),
  rejectAllButton: (page) => page.locator('#cc-main .cm button[data-role="necessary"]'),
  // "Manage preferences" in the banner.
  bannerPrefsButton: (page) => page.locator('#cc-main .cm button[data-role="show"]'),
  // The category switch (the input is the real control; its label draws the switch).
  toggle: (page, value) => page.locator(`#cc-main .pm input.section__toggle[value="${value}"]:not([data-category])`),
  switch: (page, value) => page.locator(`#cc-main .pm label.section__toggle-wrapper:has(> input[value="${value}"]:not([data-category]))`),
  saveButton: (page) => page.locator('#cc-main .pm button[data-role="save"]'),
};

const klaro = {
  title: 'Klaro',
  banner: (page) => page.locator('#klaro .cookie-notice'),
  prefs: (page) => page.locator('#klaro .cookie-modal'),
  acceptAllButton: (page) => page.locator('#klaro .cookie-notice .cm-btn-success'),
  rejectAllButton: (page) => page.locator('#klaro .cookie-notice .cn-decline'),
  // "Let me choose" in the notice.
  bannerPrefsButton: (page) => page.locator('#klaro .cookie-notice .cn-learn-more'),
  // The Klaro purpose switch (groups the purpose's services: here one, intercom-<purpose>).
  toggle: (page, value) => page.locator(`#klaro .cookie-modal input#purpose-item-${value}`),
  switch: (page, value) => page.locator(`#klaro .cookie-modal label[for="purpose-item-${value}"]`),
  saveButton: (page) => page.locator('#klaro .cookie-modal .cm-btn-accept'),
};

export const CMPS = {cookieconsent, klaro};

/**
 * A driver for one CMP and one built policy: every action is a real click on the CMP's UI.
 * `visitor.consent()` is called just before the click that answers, so the harness can tell
 * what was fetched before consent.
 */
export function driver(cmp, policyJson) {
  const ui = CMPS[cmp];
  const values = policyJson.cmps[cmp].purposes;
  return {
    name: cmp,
    title: ui.title,
    banner: ui.banner,
    prefs: ui.prefs,
    async acceptAll(v) {
      await ui.acceptAllButton(v.page).waitFor();
      v.consent();
      await ui.acceptAllButton(v.page).click();
      await ui.banner(v.page).waitFor({state: 'hidden'});
    },
    async rejectAll(v) {
      await ui.rejectAllButton(v.page).waitFor();
      v.consent();
      await ui.rejectAllButton(v.page).click();
      await ui.banner(v.page).waitFor({state: 'hidden'});
    },
    /** The banner's buttons that something else on the page covers (a visitor could not click them). */
    async coveredBannerButtons(v) {
      const covered = [];
      for (const [name, button] of [
        ['accept all', ui.acceptAllButton(v.page)],
        ['reject all', ui.rejectAllButton(v.page)],
        ['preferences', ui.bannerPrefsButton(v.page)],
      ]) {
        const hit = await button.evaluate((el) => {
          const r = el.getBoundingClientRect();
          const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
          return el.contains(top) ? null : top ? top.outerHTML.slice(0, 80) : 'nothing';
        });
        if (hit) covered.push(`${name} (covered by ${hit})`);
      }
      return covered;
    },
    /** Opens the preferences: from the banner while it is shown, else the page's settings button. */
    async openPrefs(v) {
      if (await ui.banner(v.page).isVisible()) await ui.bannerPrefsButton(v.page).click();
      else await v.page.locator('#cookie-settings').click();
      await ui.prefs(v.page).waitFor();
    },
    /** Sets each purpose of `choice` ({purpose: bool}) in the open preferences. */
    async setPurposes(v, choice) {
      for (const p of PURPOSES) {
        if (!(p in choice)) continue;
        const box = ui.toggle(v.page, values[p]);
        // The checkbox is visually hidden under the switch its label draws: click the switch.
        if ((await box.isChecked()) !== choice[p]) await ui.switch(v.page, values[p]).click();
        if ((await box.isChecked()) !== choice[p]) throw new Error(`${cmp}: could not set ${p} to ${choice[p]}`);
      }
    },
    async save(v) {
      v.consent();
      await ui.saveButton(v.page).click();
      await ui.prefs(v.page).waitFor({state: 'hidden'});
    },
    /** The whole change: open the preferences, set the purposes, save. */
    async choose(v, choice) {
      await this.openPrefs(v);
      await this.setPurposes(v, choice);
      await this.save(v);
    },
  };
}
