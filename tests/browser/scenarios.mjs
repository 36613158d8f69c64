// The scenarios, each run once per CMP against the demo site (examples/demo-site/). Every
// consent answer is a click on the CMP's real banner or preferences UI (cmps.mjs). On top of each
// scenario's own assertions, the runner fails any scenario that made a request off the page's
// origin other than Intercom's widget URL, threw an uncaught page error, or fetched any byte of
// Intercom's JavaScript before the visitor answered.
//
// t: {cmp (driver), policy (policy.json), open({gpc}) -> visitor, metric(name, value),
//     screenshot(locator, name)}. The demo policies: `demo` (load = when_granted) and
// `demo_chat_button` (load = on_interaction, a facade), both with pages = ["/app/**"] and the
// purposes support (messenger), guidance (tours, messages; gpc = honor), analytics (tracking;
// gpc = strict).

import assert from 'node:assert/strict';

const API_BASE_EU = 'https://api-iam.eu.intercom.io';

function appId(t) {
  return t.policy.intercom.app_id;
}

/** The widget's three cookies, on the parent domain the real widget writes them to. */
async function assertWidgetCookies(t, v) {
  const cookies = await v.icCookies();
  const app = appId(t);
  for (const name of [`intercom-id-${app}`, `intercom-session-${app}`, `intercom-device-id-${app}`]) {
    const c = cookies.find((x) => x.name === name);
    assert.ok(c, `cookie ${name} set by the widget (have: ${cookies.map((x) => x.name).join(', ') || 'none'})`);
    assert.equal(c.domain, '.consentc.test', `${name} is on the parent domain`);
  }
}

/** Nothing of Intercom in this page: no request, no cookie, no script, no element, no boot. */
async function assertNothing(v, why) {
  assert.deepEqual(
    v.intercomRequests.map((r) => r.url),
    [],
    `${why}: no request to any Intercom host`,
  );
  assert.deepEqual((await v.icCookies()).map((c) => c.name), [], `${why}: no intercom-* cookie`);
  assert.equal(await v.fake(), null, `${why}: the widget never ran`);
  assert.equal(await v.widgetDom(), 0, `${why}: no widget script or element`);
  assert.equal(await v.intercomBooted(), false, `${why}: Intercom.booted is false`);
  const hints = await v.page.evaluate(() =>
    [...document.querySelectorAll('link[href]')].map((l) => l.href).filter((h) => /intercom/.test(new URL(h).hostname)),
  );
  assert.deepEqual(hints, [], `${why}: no preconnect or prefetch to Intercom`);
}

/** The last boot's settings. */
async function lastBoot(v) {
  const f = await v.fake();
  assert.ok(f && f.boots.length, 'the widget booted');
  return f.boots[f.boots.length - 1].settings;
}

function assertConsent(settings, expected) {
  for (const [purpose, granted] of Object.entries(expected)) {
    assert.equal(settings[`consent_${purpose}`], granted, `boot/update carries consent_${purpose} = ${granted}`);
  }
}

async function recordClickToBoot(t, v, name = 'click') {
  const ms = await v.clickToBoot();
  assert.ok(ms && ms.boot >= 0, 'a click preceded the boot');
  t.metric(`${name}→request`, ms.request);
  t.metric(`${name}→boot`, ms.boot);
}

export const SCENARIOS = [
  {
    id: 'first-visit',
    title: 'first visit: nothing before a choice',
    policy: 'demo',
    async run(t) {
      const v = await t.open();
      await v.goto('/');
      await t.cmp.banner(v.page).waitFor();
      await v.settle();
      await assertNothing(v, 'home page, no choice');
      await v.goto('/app/');
      await t.cmp.banner(v.page).waitFor();
      await v.settle();
      await assertNothing(v, 'app page, no choice');
      assert.deepEqual(await t.cmp.coveredBannerButtons(v), [], 'every banner button can be clicked');
      // The page's own calls reach the firewall, which holds them and loads nothing.
      const fw = await v.page.evaluate(() => ({type: typeof window.Intercom, booted: window.Intercom.booted}));
      assert.deepEqual(fw, {type: 'function', booted: false});
      await v.page.evaluate(() => {
        window.Intercom('boot', {app_id: 'someone-else'});
        window.Intercom('trackEvent', 'early');
        window.Intercom('show');
      });
      await v.settle();
      await assertNothing(v, 'page called boot, trackEvent and show before a choice');
    },
  },
  {
    id: 'accept-support',
    title: 'accept only support chat',
    policy: 'demo',
    async run(t) {
      const v = await t.open();
      await v.goto('/app/');
      await t.cmp.openPrefs(v);
      await v.settle(300);
      assert.equal(v.intercomRequests.length, 0, 'opening the preferences loads nothing');
      await t.cmp.setPurposes(v, {support: true, guidance: false, analytics: false});
      await t.cmp.save(v);
      await v.waitBoots(1);
      await recordClickToBoot(t, v);
      const s = await lastBoot(v);
      assert.equal(s.app_id, appId(t));
      assert.equal(s.api_base, API_BASE_EU, 'the regional api_base');
      assertConsent(s, {support: true, guidance: false, analytics: false});
      assert.equal(s.hide_notifications, true, 'no behavioural purpose: notifications hidden');
      assert.ok(!('plan' in s), 'custom attributes need usage analytics');
      await assertWidgetCookies(t, v);
      // A page view in the app is not recorded without usage analytics.
      await v.page.locator('nav a[href="/app/projects"]').click();
      await v.settle(1000);
      const f = await v.fake();
      assert.equal(f.updates.length, 0, 'no page-view update without analytics');
      assert.equal(f.boots.length, 1, 'one boot');
      assert.ok(!f.calls.some((c) => c[0] === 'trackEvent'), 'events are dropped, never replayed');
    },
  },
  {
    id: 'accept-all',
    title: 'accept all',
    policy: 'demo',
    async run(t) {
      const v = await t.open();
      await v.goto('/app/');
      await t.cmp.banner(v.page).waitFor();
      await t.cmp.acceptAll(v);
      await v.waitBoots(1);
      await recordClickToBoot(t, v);
      const s = await lastBoot(v);
      assertConsent(s, {support: true, guidance: true, analytics: true});
      assert.equal(s.hide_notifications, false);
      assert.equal(s.plan, 'demo', 'the page\'s custom attribute, merged before the grant, is replayed in the boot');
      await assertWidgetCookies(t, v);
      await v.settle(500);
      let f = await v.fake();
      assert.equal(f.boots.length, 1, 'exactly one boot');
      assert.equal(f.autoBoots, 0, 'the widget did not also auto-boot');
      // Klaro re-inserts a copy of a script tagged data-name="<service>" when it applies consent:
      // the copy must find Intercom.booted set and do nothing.
      assert.equal(f.frames, 1, 'the widget started once');
      assert.equal(f.scriptRuns - f.shimSkipped, 1, 'every further copy of the script did nothing');
      assert.ok(!f.calls.some((c) => c[0] === 'trackEvent'), 'the event sent before consent is not replayed');
      await v.page.evaluate(() => window.Intercom('trackEvent', 'after-consent'));
      f = await v.fake();
      assert.ok(f.calls.some((c) => c[0] === 'trackEvent' && c[1] === 'after-consent'), 'granted events pass');
    },
  },
  {
    id: 'reject-all',
    title: 'reject all',
    policy: 'demo',
    async run(t) {
      const v = await t.open();
      await v.goto('/app/');
      await t.cmp.rejectAll(v);
      await v.settle();
      await assertNothing(v, 'after reject all');
      await v.page.evaluate(() => window.Intercom('boot', {}));
      await v.settle();
      await assertNothing(v, 'the page called boot after reject all');
      await v.page.reload();
      await v.settle();
      assert.equal(await t.cmp.banner(v.page).isVisible(), false, 'the refusal is remembered');
      await assertNothing(v, 'reload after reject all');
    },
  },
  {
    id: 'change-of-mind',
    title: 'change of mind in the preferences (withdrawal)',
    policy: 'demo',
    async run(t) {
      const v = await t.open();
      await v.goto('/app/');
      await t.cmp.acceptAll(v);
      await v.waitBoots(1);
      // Guidance and analytics withdrawn, support kept: one update with the new attributes.
      await t.cmp.choose(v, {support: true, guidance: false, analytics: false});
      await v.waitFake(() => window.__fakeIntercom.updates.length >= 1);
      let f = await v.fake();
      const u = f.updates[f.updates.length - 1].settings;
      assertConsent(u, {support: true, guidance: false, analytics: false});
      assert.equal(u.hide_notifications, true);
      assert.equal(f.shutdowns.length, 0, 'the messenger stays');
      await v.page.evaluate(() => window.Intercom('trackEvent', 'after-withdrawal'));
      f = await v.fake();
      assert.ok(!f.calls.some((c) => c[1] === 'after-withdrawal'), 'newly denied methods are blocked at once');

      // Support withdrawn: shutdown, then cookies (every domain), storage and elements removed.
      const storageBefore = await v.icStorage();
      assert.ok(storageBefore.length >= 2, `the widget stored intercom.* keys (${storageBefore})`);
      await t.cmp.choose(v, {support: false});
      await v.waitFake(() => window.__fakeIntercom.shutdowns.length >= 1);
      await v.page.waitForFunction(() => !document.querySelector('#intercom-frame, #intercom-container, .intercom-lightweight-app'));
      const deadline = Date.now() + 3000;
      while ((await v.icCookies()).length && Date.now() < deadline) await v.settle(100);
      assert.deepEqual((await v.icCookies()).map((c) => `${c.name} (${c.domain})`), [], 'every intercom-* cookie deleted');
      assert.deepEqual(await v.icStorage(), [], 'intercom.* local and session storage removed');
      assert.equal(await v.widgetDom(), 0, 'widget script and elements removed');
      assert.equal(await v.intercomBooted(), false, 'Intercom.booted forgotten');
      f = await v.fake();
      assert.ok(f.calls.some((c) => c[0] === 'shutdown'), 'shutdown reached the widget');

      // Granted again: the widget is loaded again from scratch and boots once more.
      await t.cmp.choose(v, {support: true});
      await v.waitBoots(2);
      await recordClickToBoot(t, v);
      f = await v.fake();
      assert.equal(f.frames, 2, 'the widget started again: no stale booted flag blocked it');
      assert.equal(f.scriptRuns - f.shimSkipped, 2, 'copies of the script re-inserted by the CMP did nothing');
      assert.ok(v.intercomRequests.length >= 2);
      await assertWidgetCookies(t, v);
    },
  },
  {
    id: 'returning',
    title: 'returning visitor after reload',
    policy: 'demo',
    async run(t) {
      const v = await t.open();
      await v.goto('/app/');
      await t.cmp.choose(v, {support: true, guidance: false, analytics: false});
      await v.waitBoots(1);
      await v.page.reload();
      await v.waitBoots(1);
      const navToBoot = await v.page.evaluate(() => window.__fakeIntercom.boots[0].t);
      t.metric('page start→boot (returning)', navToBoot);
      await v.settle();
      assert.equal(await t.cmp.banner(v.page).isVisible(), false, 'no banner for a returning visitor');
      const f = await v.fake();
      assert.equal(f.boots.length, 1, 'one boot on the new page');
      assert.equal(f.autoBoots, 0);
      assertConsent(f.boots[0].settings, {support: true, guidance: false, analytics: false});
      assert.equal(f.shutdowns.length, 0);
      await assertWidgetCookies(t, v);
      // A page outside `pages` loads nothing, even with the grant.
      const before = v.intercomRequests.length;
      await v.goto('/');
      await v.settle();
      assert.equal(v.intercomRequests.length, before, 'no Intercom request outside pages');
      assert.equal(await v.fake(), null);
    },
  },
  {
    id: 'spa',
    title: 'single-page navigation in and out of pages',
    policy: 'demo',
    async run(t) {
      const v = await t.open();
      await v.goto('/');
      await t.cmp.acceptAll(v);
      await v.settle();
      assert.equal(v.intercomRequests.length, 0, 'granted, but the home page is outside pages');
      await v.page.locator('nav a[href="/app/"]').click();
      await v.waitBoots(1);
      assert.equal(new URL(v.page.url()).pathname, '/app/');
      await v.page.locator('nav a[href="/app/projects"]').click();
      await v.waitFake(() => window.__fakeIntercom.updates.length >= 1);
      await v.page.locator('nav a[href="/pricing"]').click();
      await v.waitFake(() => window.__fakeIntercom.shutdowns.length >= 1);
      assert.equal(await v.intercomBooted(), false, 'leaving pages shuts the messenger down');
      await v.page.goBack();
      await v.waitBoots(2);
      assert.equal(new URL(v.page.url()).pathname, '/app/projects');
      const f = await v.fake();
      assert.equal(f.frames, 1, 'coming back boots the loaded widget again, without loading it again');
      assert.equal(f.scriptRuns - f.shimSkipped, 1);
      assert.deepEqual(
        f.calls.map((c) => c[0]).filter((m) => m === 'boot' || m === 'shutdown'),
        ['boot', 'shutdown', 'boot'],
      );
    },
  },
  {
    id: 'gpc',
    title: 'Global Privacy Control on',
    policy: 'demo',
    async run(t) {
      const v = await t.open({gpc: true});
      await v.goto('/app/');
      assert.equal(await v.page.evaluate(() => navigator.globalPrivacyControl), true);
      await t.cmp.banner(v.page).waitFor();
      await v.settle();
      await assertNothing(v, 'GPC, no choice');
      await t.cmp.acceptAll(v);
      await v.waitBoots(1);
      await recordClickToBoot(t, v);
      const s = await lastBoot(v);
      // guidance: gpc = honor, so the explicit "accept all" grants it; analytics: gpc = strict.
      assertConsent(s, {support: true, guidance: true, analytics: false});
      assert.ok(!('plan' in s), 'no custom attributes: analytics is off under GPC (strict)');
      await v.page.locator('nav a[href="/app/projects"]').click();
      await v.settle(1000);
      assert.equal((await v.fake()).updates.length, 0, 'no page-view update under GPC (strict)');
    },
  },
  {
    id: 'facade',
    title: 'facade: visible, keyboard, loads nothing until clicked',
    policy: 'demo_chat_button',
    async run(t) {
      const v = await t.open();
      await v.goto('/app/');
      await t.cmp.banner(v.page).waitFor();
      await v.page.getByRole('button', {name: t.policy.intercom.facade.label, exact: true}).waitFor();
      assert.deepEqual(await t.cmp.coveredBannerButtons(v), [], 'the facade leaves every banner button clickable');
      await t.cmp.acceptAll(v);
      await v.settle();
      assert.equal(v.intercomRequests.length, 0, 'granted, but nothing loads before the click');
      const label = t.policy.intercom.facade.label;
      const facade = v.page.getByRole('button', {name: label, exact: true});
      await facade.waitFor();
      assert.ok(await facade.isVisible(), 'the facade is visible');
      await t.screenshot(facade, `facade-${t.cmp.name}.png`);
      // Hover and time are not a request.
      await facade.hover();
      await v.settle();
      assert.equal(v.intercomRequests.length, 0, 'hovering loads nothing');
      // Reachable with the keyboard: from the first link of the page, Tab until it has the focus.
      await v.page.locator('a.brand').focus();
      let tabs = 0;
      const focused = () => v.page.evaluate((l) => document.activeElement && document.activeElement.tagName === 'BUTTON' && document.activeElement.textContent === l, label);
      while (!(await focused()) && tabs < 40) {
        await v.page.keyboard.press('Tab');
        tabs++;
      }
      assert.ok(await focused(), `the facade takes the focus with Tab (${tabs} presses)`);
      t.metric('Tab presses from the top to the facade', tabs);
      assert.equal(v.intercomRequests.length, 0, 'focus loads nothing');
      await v.page.keyboard.press('Enter');
      await v.waitBoots(1);
      await recordClickToBoot(t, v, 'facade Enter');
      await v.waitFake(() => window.__fakeIntercom.calls.some((c) => c[0] === 'show'));
      assert.equal(await facade.count(), 0, 'the facade is gone once the widget runs');
      assert.equal((await v.fake()).open, true, 'the messenger opened');
    },
  },
  {
    id: 'facade-refused',
    title: 'facade after reject all: opens the CMP, then the chat',
    policy: 'demo_chat_button',
    async run(t) {
      const v = await t.open();
      await v.goto('/app/');
      await t.cmp.rejectAll(v);
      const facade = v.page.getByRole('button', {name: t.policy.intercom.facade.label, exact: true});
      await facade.click();
      await t.cmp.prefs(v.page).waitFor();
      await v.settle();
      assert.equal(v.intercomRequests.length, 0, 'a click without the grant loads nothing');
      await t.cmp.setPurposes(v, {support: true});
      await t.cmp.save(v);
      await v.waitBoots(1);
      await recordClickToBoot(t, v);
      await v.waitFake(() => window.__fakeIntercom.calls.some((c) => c[0] === 'show'));
      assertConsent(await lastBoot(v), {support: true, guidance: false, analytics: false});
    },
  },
  {
    id: 'languages',
    title: 'languages: German and French preferences; a withdrawal in a German tab reaches an English tab',
    policy: 'demo',
    async run(t) {
      // The page's `<html lang>` picks the policy's texts in the CMP's preferences.
      for (const lang of ['de', 'fr']) {
        const v = await t.open();
        await v.goto(`/app/?lang=${lang}`);
        await t.cmp.openPrefs(v);
        const prefs = t.cmp.prefs(v.page);
        const visible = await prefs.innerText();
        const all = await prefs.textContent();
        for (const purpose of ['support', 'analytics']) {
          const want = t.policy.texts[lang].purposes[purpose];
          assert.ok(visible.includes(want.title), `${lang}: the ${purpose} title "${want.title}" is shown`);
          assert.ok(all.includes(want.description), `${lang}: the ${purpose} description is in the preferences`);
        }
        const english = t.policy.purposes.find((p) => p.name === 'support');
        assert.ok(!all.includes(english.description), `${lang}: not the English description`);
      }
      // One policy, one consent key and one withdrawal channel, whatever the tab's language.
      const v = await t.open();
      await v.goto('/app/?lang=de');
      await t.cmp.acceptAll(v);
      await v.waitBoots(1);
      const english = await v.ctx.newPage();
      await english.goto(v.site.origin + '/app/?lang=en', {waitUntil: 'load'});
      assert.equal(await english.evaluate(() => document.documentElement.lang), 'en');
      await english.waitForFunction(() => !!window.__fakeIntercom && window.__fakeIntercom.boots.length >= 1, null, {timeout: 8000});
      await t.cmp.choose(v, {support: false});
      await v.waitFake(() => window.__fakeIntercom.shutdowns.length >= 1);
      await english.waitForFunction(() => window.__fakeIntercom.shutdowns.length >= 1, null, {timeout: 8000});
      assert.equal(await english.evaluate(() => !!(window.Intercom && window.Intercom.booted)), false, 'the English tab shut the widget down');
      await english.close();
    },
  },
  {
    id: 'facade-language',
    title: "facade: the chat button's label follows the page's language",
    policy: 'demo_chat_button',
    async run(t) {
      for (const [lang, label] of [
        ['fr-CA', t.policy.texts.fr.facade_label],
        ['de', t.policy.texts.de.facade_label],
        ['ja', t.policy.intercom.facade.label],
      ]) {
        const v = await t.open();
        await v.goto(`/app/?lang=${lang}`);
        await v.page.getByRole('button', {name: label, exact: true}).waitFor();
      }
    },
  },
];
