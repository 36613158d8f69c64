//! Real-browser end-to-end tests: builds the demo site's policies with the binary under test,
//! then runs the node suite (tests/browser/run.mjs), which drives Debian's Chromium through
//! playwright-core against the demo site with the real vanilla-cookieconsent and Klaro
//! libraries. See docs/browser-tests.md.
//!
//! Needs /usr/bin/chromium (`apt-get install -y chromium`) and the npm packages (`npm ci` at
//! the repository root). Without them the test fails when `CI` is set, and is skipped, loudly,
//! otherwise.

#[path = "support/browser_suite.rs"]
mod browser_suite;

#[test]
fn browser_end_to_end() {
    browser_suite::run(&browser_suite::Suite {
        name: "the browser suite",
        policy: "examples/demo-site/demo.policy",
        script: "tests/browser/run.mjs",
        dist_flag: true,
        packages: &["playwright-core", "vanilla-cookieconsent", "klaro"],
    });
}
