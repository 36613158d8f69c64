//! Latency of `consentc lsp` from a `didChange` to its `publishDiagnostics`, on a 1 000-line
//! policy with the debounce set to zero: what an editor waits for after a keystroke, pipes and
//! JSON included (the server runs as its own process, as under an editor).
//!
//! `cargo bench --bench lsp` prints the median and the 95th percentile of 200 edits (the figures
//! in docs/editors.md), then runs criterion on the same round trip. Under
//! `cargo test --benches` a few edits run once, as a smoke test.

#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;

use std::time::{Duration, Instant};

use criterion::Criterion;
use lsp_client::{uri, Client};
use serde_json::json;

/// A policy of `lines` lines or up to seven more: an `intercom` block, purposes of seven lines each
/// (one per catalogue leaf, the rest mapping nothing, which is a warning), one `cmp` entry per
/// purpose.
fn policy(lines: usize) -> String {
    let leaves: Vec<String> = consentc::catalog::builtin().vendors["intercom"].leaves.clone();
    let purposes = (lines - 14).div_ceil(8);
    let mut out = String::from(
        "policy big {\n  title = \"Große Seite 😀\"\n  intercom {\n    app_id = \"abc123xy\"\n    region = eu\n    transfer = dpf\n    load = when_granted\n    pages = [\"/app/**\"]\n    audience_rules = applied\n    retention { conversations = 24 months; users = 36 months; visitors = 9 months }\n  }\n",
    );
    for i in 0..purposes {
        let features = leaves.get(i).map_or(String::new(), |l| l.clone());
        out.push_str(&format!(
            "  purpose p{i} {{\n    title = \"Purpose {i}\"\n    description = \"What purpose {i} does, in plain words.\"\n    basis = consent\n    gpc = honor\n    features = [{features}]\n  }}\n"
        ));
    }
    out.push_str("  cmp klaro {\n");
    for i in 0..purposes {
        out.push_str(&format!("    p{i} = \"p{i}\"\n"));
    }
    out.push_str("  }\n}\n");
    out
}

struct Session {
    client: Client,
    uri: String,
    text: String,
    version: i32,
    /// Diagnostics in the last publish.
    published: usize,
    _dir: tempfile::TempDir,
}

impl Session {
    fn start() -> Session {
        let dir = tempfile::tempdir().expect("temp dir");
        let binary = env!("CARGO_BIN_EXE_consentc");
        let mut client = Client::start(binary, dir.path());
        client.initialize(&uri(dir.path()), json!({"debounceMs": 0}));
        let uri = uri(&dir.path().join("big.policy"));
        let text = policy(1000);
        client.open(&uri, &text);
        client.diagnostics_at(&uri, 1);
        Session {
            client,
            uri,
            text,
            version: 1,
            published: 0,
            _dir: dir,
        }
    }

    /// One keystroke (a character added to, then removed from, a title) and its diagnostics.
    fn edit(&mut self) -> Duration {
        self.version += 1;
        let text = if self.version % 2 == 0 {
            self.text.replacen("Purpose 7\"", "Purpose 7x\"", 1)
        } else {
            self.text.clone()
        };
        let started = Instant::now();
        self.client.change(&self.uri, self.version, &text);
        let published = self.client.diagnostics_at(&self.uri, self.version);
        let elapsed = started.elapsed();
        self.published = published["diagnostics"].as_array().map_or(0, Vec::len);
        elapsed
    }
}

fn main() {
    let lines = policy(1000).lines().count();
    let bench = std::env::args().any(|a| a == "--bench");
    let mut session = Session::start();
    if !bench {
        for _ in 0..3 {
            session.edit();
        }
        return;
    }
    for _ in 0..20 {
        session.edit();
    }
    let mut times: Vec<Duration> = (0..200).map(|_| session.edit()).collect();
    times.sort();
    println!(
        "didChange -> publishDiagnostics, {lines}-line policy ({} diagnostics), debounce 0, 200 edits: median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        session.published,
        times[100].as_secs_f64() * 1e3,
        times[190].as_secs_f64() * 1e3,
        times[199].as_secs_f64() * 1e3,
    );
    let mut c = Criterion::default().configure_from_args();
    c.bench_function("lsp/did_change_to_diagnostics_1000_lines", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| session.edit()).sum())
    });
    c.final_summary();
}
