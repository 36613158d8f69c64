//! Google Consent Mode in Chromium: the build's `consent_mode` loader on a page fed the way a CMP
//! feeds Consent Mode (Google's `gtag` snippet), with a region-scoped default, a late update and
//! gtag.js replacing `dataLayer.push` (tests/browser/consent_mode.mjs). Skips loudly without
//! Chromium or `npm ci`, and fails then when `CI` is set, as tests/browser.rs does.

#[path = "support/browser_suite.rs"]
mod browser_suite;

#[test]
fn consent_mode_in_chromium() {
    browser_suite::run(&browser_suite::Suite {
        name: "the Consent Mode browser test",
        policy: "tests/browser/consent_mode.policy",
        script: "tests/browser/consent_mode.mjs",
        dist_flag: false,
        packages: &["playwright-core"],
    });
}
