//! What the loader costs a visitor before any consent: the time QuickJS takes to evaluate each
//! loader `consentc build policies` generates, in the tests' fake browser (tests/common), with
//! the CMP not loaded yet, which is the path every first page view takes: read the state (none),
//! install the firewall and the accessors, subscribe, poll for the CMP, draw nothing.
//!
//! `cargo bench --bench loader`; docs/performance.md quotes the figures. QuickJS is an
//! interpreter, so this is an upper bound for a browser's JIT-less first run, and a relative
//! measure between loaders: Chromium's own figures are in docs/browser-tests.md.

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

/// Every loader of the repository's policies: (`policy/cmp`, CMP, source).
fn loaders() -> Vec<(String, &'static str, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let built = consentc::build_paths(&[root.join("policies")], &[]).expect("the policies build");
    let output = built.output.expect("the policies check without errors");
    output
        .files
        .into_iter()
        .filter_map(|(path, bytes)| {
            let (policy, file) = path.split_once('/')?;
            let cmp = file.strip_prefix("intercom-loader.")?.strip_suffix(".js")?;
            // Tab::open wants a 'static name; a handful of short strings, once per run.
            let cmp: &'static str = Box::leak(cmp.to_owned().into_boxed_str());
            Some((format!("{policy}/{cmp}"), cmp, String::from_utf8(bytes).ok()?))
        })
        .collect()
}

fn before_consent(c: &mut Criterion) {
    let mut group = c.benchmark_group("loader before consent");
    group.sample_size(30);
    let config = common::example();
    for (name, cmp, source) in loaders() {
        group.bench_function(&name, |b| {
            b.iter_batched(
                || common::Tab::open(common::URL, cmp, &config),
                |tab| {
                    tab.run(&source);
                    tab
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, before_consent);
criterion_main!(benches);
