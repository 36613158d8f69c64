//! Real-browser tests of a bundled site (issue 12): builds tests/browser/bundled.policy with the
//! binary under test, then runs tests/browser/bundled.mjs, which bundles the site's JavaScript
//! with esbuild (vanilla-cookieconsent and Klaro from npm merged through `withIntercom`, a React
//! app with react-use-intercom, an app with @intercom/messenger-js-sdk) and drives Debian's
//! Chromium through playwright-core. See docs/browser-tests.md, "The bundled site".
//!
//! Needs /usr/bin/chromium (`apt-get install -y chromium`) and the npm packages (`npm ci` at
//! the repository root). Without them the test fails when `CI` is set, and is skipped, loudly,
//! otherwise.

#[path = "support/browser_suite.rs"]
mod browser_suite;

#[test]
fn browser_bundled_site() {
    browser_suite::run(&browser_suite::Suite {
        name: "the bundled-site browser suite",
        policy: "tests/browser/bundled.policy",
        script: "tests/browser/bundled.mjs",
        dist_flag: true,
        packages: &[
            "playwright-core",
            "esbuild",
            "vanilla-cookieconsent",
            "klaro",
            "react",
            "react-dom",
            "react-use-intercom",
            "@intercom/messenger-js-sdk",
        ],
    });
}
