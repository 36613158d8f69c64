//! Throughput, scaling and peak memory of the pipeline (parse, check, build) on a generated
//! corpus of realistic policies, side by side with `serde_json` parsing the same content as
//! JSON: the lower bound for any front end.
//!
//! `cargo bench --bench pipeline` prints the summary table (the figures in
//! `docs/performance.md`), then runs criterion on a 1 000-policy corpus for careful per-stage
//! figures. `cargo bench --bench pipeline -- --summary` stops after the table; under
//! `cargo test --benches` a small corpus runs once, as a smoke test.

mod corpus;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use consentc::source::{decode, FileId};
use criterion::{BenchmarkId, Criterion, Throughput};

/// The system allocator, counting the bytes live now and the most live since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

fn grew(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Run `f` once and return how many bytes it had live at most, beyond what was live before.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed) - before)
}

const SEED: u64 = 0x00C0_25E7;

/// A corpus in the forms each stage takes.
struct Corpus {
    policies: usize,
    inputs: Vec<(String, Vec<u8>)>,
    json: Vec<Vec<u8>>,
    policy_bytes: usize,
    json_bytes: usize,
}

impl Corpus {
    fn new(policies: usize) -> Self {
        let files = corpus::corpus(policies, SEED);
        let inputs: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|f| (f.name.clone(), f.policy.clone().into_bytes()))
            .collect();
        let json: Vec<Vec<u8>> = files.iter().map(|f| f.json.clone().into_bytes()).collect();
        let policy_bytes = inputs.iter().map(|(_, b)| b.len()).sum();
        let json_bytes = json.iter().map(Vec::len).sum();
        Corpus {
            policies,
            inputs,
            json,
            policy_bytes,
            json_bytes,
        }
    }
}

fn parse_all(inputs: &[(String, Vec<u8>)]) -> usize {
    let mut items = 0;
    for (i, (_, bytes)) in inputs.iter().enumerate() {
        let Ok(text) = decode(bytes) else { continue };
        if let Ok(file) = consentc::syntax::parse(FileId(i as u32), &text) {
            items += file.items.len();
        }
    }
    items
}

fn check_all(inputs: Vec<(String, Vec<u8>)>) -> consentc::Checked {
    let checked = consentc::check_sources(inputs);
    assert!(!checked.has_errors(), "the generated corpus has errors");
    checked
}

/// The size of the last build's output, for the summary.
static BUILT_BYTES: AtomicUsize = AtomicUsize::new(0);
static BUILT_FILES: AtomicUsize = AtomicUsize::new(0);

fn build_all(inputs: Vec<(String, Vec<u8>)>) -> usize {
    let checked = check_all(inputs);
    match consentc::emit::emit(&checked.model, consentc::catalog::builtin(), &[]) {
        Ok(out) => {
            let bytes = out.files.values().map(Vec::len).sum();
            BUILT_BYTES.store(bytes, Ordering::Relaxed);
            BUILT_FILES.store(out.files.len(), Ordering::Relaxed);
            bytes
        }
        Err(e) => panic!("emit failed: {e}"),
    }
}

fn json_all(json: &[Vec<u8>]) -> usize {
    let mut members = 0;
    for bytes in json {
        match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(v) => members += v.as_object().map_or(0, |o| o.len()),
            Err(e) => panic!("generated JSON does not parse: {e}"),
        }
    }
    members
}

#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Json,
    Parse,
    Check,
    Build,
}

impl Stage {
    const ALL: [Stage; 4] = [Stage::Json, Stage::Parse, Stage::Check, Stage::Build];

    fn name(self) -> &'static str {
        match self {
            Stage::Json => "serde_json (same content)",
            Stage::Parse => "parse",
            Stage::Check => "check (parse + check)",
            Stage::Build => "build (check + emit)",
        }
    }

    fn bytes(self, c: &Corpus) -> usize {
        match self {
            Stage::Json => c.json_bytes,
            _ => c.policy_bytes,
        }
    }

    /// One run: its time and peak extra memory. The inputs are cloned before the clock starts.
    fn run(self, c: &Corpus) -> (Duration, usize) {
        let inputs = c.inputs.clone();
        let start = Instant::now();
        let ((), peak) = peak_of(|| match self {
            Stage::Json => {
                black_box(json_all(&c.json));
            }
            Stage::Parse => {
                black_box(parse_all(&c.inputs));
            }
            Stage::Check => {
                black_box(check_all(inputs));
            }
            Stage::Build => {
                black_box(build_all(inputs));
            }
        });
        (start.elapsed(), peak)
    }

    /// The median time of `runs` runs, and the largest peak.
    fn measure(self, c: &Corpus, runs: usize) -> (Duration, usize) {
        let mut times = Vec::with_capacity(runs);
        let mut peak = 0;
        for _ in 0..runs {
            let (t, p) = self.run(c);
            times.push(t);
            peak = peak.max(p);
        }
        times.sort();
        (times[times.len() / 2], peak)
    }
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

fn summary(sizes: &[usize], runs: usize, goals: bool) {
    let corpora: Vec<Corpus> = sizes.iter().map(|&n| Corpus::new(n)).collect();
    let largest = corpora.last().expect("at least one size");
    println!(
        "\ncorpus: {} policies, {:.1} MB of .policy text ({} bytes/policy), {:.1} MB as JSON; seed {SEED:#x}; median of {runs} runs\n",
        largest.policies,
        mb(largest.policy_bytes),
        largest.policy_bytes / largest.policies,
        mb(largest.json_bytes),
    );

    let mut times: Vec<Vec<Duration>> = Vec::new();
    let mut peaks: Vec<usize> = Vec::new();
    for stage in Stage::ALL {
        let mut row = Vec::new();
        for (i, c) in corpora.iter().enumerate() {
            let (t, p) = stage.measure(c, runs);
            row.push(t);
            if i == corpora.len() - 1 {
                peaks.push(p);
            }
        }
        times.push(row);
    }

    let json_time = times[0][corpora.len() - 1];
    println!(
        "| stage ({} policies) | time | MB/s | time vs serde_json | peak extra memory | peak / source size |",
        largest.policies
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (s, stage) in Stage::ALL.iter().enumerate() {
        let t = times[s][corpora.len() - 1];
        println!(
            "| {} | {:.0} ms | {:.1} | {:.2}x | {:.1} MB | {:.1}x |",
            stage.name(),
            t.as_secs_f64() * 1e3,
            mb(stage.bytes(largest)) / t.as_secs_f64(),
            t.as_secs_f64() / json_time.as_secs_f64(),
            mb(peaks[s]),
            peaks[s] as f64 / stage.bytes(largest) as f64,
        );
    }

    println!(
        "\nbuild output: {} files, {:.1} MB ({:.1}x the source)",
        BUILT_FILES.load(Ordering::Relaxed),
        mb(BUILT_BYTES.load(Ordering::Relaxed)),
        BUILT_BYTES.load(Ordering::Relaxed) as f64 / largest.policy_bytes as f64
    );

    println!(
        "\n| stage | {} | {} / {} |",
        sizes
            .iter()
            .map(|n| format!("{n} policies"))
            .collect::<Vec<_>>()
            .join(" | "),
        sizes[sizes.len() - 1],
        sizes[0]
    );
    println!("| --- |{} ---: |", " ---: |".repeat(sizes.len()));
    for (s, stage) in Stage::ALL.iter().enumerate() {
        let cells: Vec<String> = times[s]
            .iter()
            .map(|t| format!("{:.0} ms", t.as_secs_f64() * 1e3))
            .collect();
        let ratio = times[s][sizes.len() - 1].as_secs_f64() / times[s][0].as_secs_f64();
        println!(
            "| {} | {} | {:.2}x (linear: {:.2}x) |",
            stage.name(),
            cells.join(" | "),
            ratio,
            sizes[sizes.len() - 1] as f64 / sizes[0] as f64
        );
    }

    if !goals {
        return;
    }
    let last = corpora.len() - 1;
    let check_vs_json = times[2][last].as_secs_f64() / times[0][last].as_secs_f64();
    let check_vs_json_mbs = (mb(largest.json_bytes) / times[0][last].as_secs_f64())
        / (mb(largest.policy_bytes) / times[2][last].as_secs_f64());
    let growth = times[2][last].as_secs_f64() / times[2][0].as_secs_f64();
    let linear = sizes[last] as f64 / sizes[0] as f64;
    let memory = peaks[2] as f64 / largest.policy_bytes as f64;
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!("\ngoals (check stage):");
    println!(
        "  within 3x of serde_json: {:.1}x the time, {:.1}x lower MB/s: {}",
        check_vs_json,
        check_vs_json_mbs,
        verdict(check_vs_json <= 3.0)
    );
    println!(
        "  linear growth: {growth:.2}x for {linear:.0}x the policies: {}",
        verdict(growth <= linear * 1.25)
    );
    println!(
        "  peak memory under 10x the source: {memory:.1}x: {}\n",
        verdict(memory < 10.0)
    );
}

fn criterion_stages(c: &mut Criterion) {
    let corpus = Corpus::new(1_000);
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(12));
    group.throughput(Throughput::Bytes(corpus.json_bytes as u64));
    group.bench_function(BenchmarkId::new("serde_json", corpus.policies), |b| {
        b.iter(|| json_all(&corpus.json))
    });
    group.throughput(Throughput::Bytes(corpus.policy_bytes as u64));
    group.bench_function(BenchmarkId::new("parse", corpus.policies), |b| {
        b.iter(|| parse_all(&corpus.inputs))
    });
    group.bench_function(BenchmarkId::new("check", corpus.policies), |b| {
        b.iter_batched(|| corpus.inputs.clone(), check_all, criterion::BatchSize::LargeInput)
    });
    group.bench_function(BenchmarkId::new("build", corpus.policies), |b| {
        b.iter_batched(|| corpus.inputs.clone(), build_all, criterion::BatchSize::LargeInput)
    });
    group.finish();
}

/// `CONSENTC_BENCH_PROFILE=check:10000` runs one stage once on a corpus of that size and
/// exits: the thing to put under `perf record` or `valgrind --tool=callgrind`.
fn profile(spec: &str) {
    let (stage, n) = spec.split_once(':').unwrap_or((spec, "10000"));
    let n: usize = n.parse().unwrap_or(10_000);
    if stage == "memory" {
        memory_breakdown(&Corpus::new(n));
        return;
    }
    let stage = match stage {
        "json" => Stage::Json,
        "parse" => Stage::Parse,
        "check" => Stage::Check,
        _ => Stage::Build,
    };
    let c = Corpus::new(n);
    let (t, peak) = stage.run(&c);
    println!(
        "{}: {n} policies in {:.0} ms, peak extra {:.1} MB",
        stage.name(),
        t.as_secs_f64() * 1e3,
        mb(peak)
    );
}

/// What stays live during a check, stage by stage (`CONSENTC_BENCH_PROFILE=memory:10000`),
/// following `check_sources` one step at a time on one thread.
fn memory_breakdown(c: &Corpus) {
    use consentc::source::{SourceFile, SourceMap};
    let live = || LIVE.load(Ordering::Relaxed);
    let catalog = consentc::catalog::builtin();
    let base = live();
    let mut sources = SourceMap::new();
    for (name, bytes) in &c.inputs {
        if let Ok(text) = decode(bytes) {
            sources.add(SourceFile::new(name.clone(), text));
        }
    }
    let after_sources = live();
    let mut largest_tree = 0;
    let mut facts = Vec::new();
    for (id, f) in sources.files() {
        let before = live();
        if let Ok(file) = consentc::syntax::parse(id, &f.text) {
            largest_tree = largest_tree.max(live() - before);
            facts.push(consentc::check::check_file(id, &file, f, catalog));
        }
    }
    let after_files = live();
    let mut diagnostics = Vec::new();
    let mut allows = Vec::new();
    let mut policies = Vec::new();
    let mut translations = Vec::new();
    for f in facts {
        diagnostics.extend(f.diagnostics);
        allows.extend(f.allows);
        policies.extend(f.policies);
        translations.extend(f.translations);
    }
    let model = consentc::check::check_set(policies, translations, catalog, &mut diagnostics);
    consentc::check::suppress::apply(allows, &mut diagnostics);
    let after_model = live();
    let per = |b: usize| format!("{:.1} MB ({:.2}x source)", mb(b), b as f64 / c.policy_bytes as f64);
    println!("{} policies, source text: {:.1} MB", c.policies, mb(c.policy_bytes));
    println!("SourceMap (text + line index): {}", per(after_sources - base));
    println!(
        "largest syntax tree (one file, dropped once lowered): {:.1} KB",
        largest_tree as f64 / 1e3
    );
    println!(
        "per-file facts (models, allows, diagnostics): {}",
        per(after_files - after_sources)
    );
    println!(
        "model + {} diagnostics after the cross-file rules: {}",
        diagnostics.len(),
        per(after_model - after_sources)
    );
    println!("everything: {}", per(after_model - base));
    {
        use consentc::syntax::ast::{Assignment, Block, Ident, Item, Value};
        use std::mem::size_of;
        println!(
            "node sizes: Span {} B, Ident {} B, Value {} B, Assignment {} B, Block {} B, Item {} B",
            size_of::<consentc::source::Span>(),
            size_of::<Ident>(),
            size_of::<Value>(),
            size_of::<Assignment>(),
            size_of::<Block>(),
            size_of::<Item>()
        );
    }
    black_box((model, diagnostics));
}

fn main() {
    if let Ok(spec) = std::env::var("CONSENTC_BENCH_PROFILE") {
        profile(&spec);
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") {
        // `cargo test --benches`: every stage once on a small corpus.
        summary(&[25, 100], 1, false);
        return;
    }
    let runs = std::env::var("CONSENTC_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    summary(&[2_500, 5_000, 10_000], runs, true);
    if args.iter().any(|a| a == "--summary") {
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    criterion_stages(&mut c);
    c.final_summary();
}
