//! Throughput of the text pipeline on the shipped 2021 report, in MB/s of input.
//!
//! Run with `cargo bench --bench pipeline`. It times, on one core:
//! - `baseline`: splitting the decoded text into lines and running one regex per line, the floor
//!   any line-based extractor pays (a peer measured in the same run, for scale);
//! - `ingest+normalize+segment`, the stages the issue sets a target for (≥ 50 MB/s);
//! - `full pipeline`, which adds value extraction (figures, periods, agencies) and records;
//! - each value extractor alone, over the joined text of the actions.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use informe::{ingest, normalize, segment, Rules};

fn measure(name: &str, bytes: usize, mut f: impl FnMut()) {
    // Warm up, then run for about two seconds.
    for _ in 0..5 {
        f();
    }
    let start = Instant::now();
    let mut runs = 0u32;
    while start.elapsed() < Duration::from_secs(2) {
        f();
        runs += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let per_run = secs / f64::from(runs);
    let mbps = bytes as f64 / per_run / 1e6;
    println!(
        "{name:<28} {runs:>6} runs  {:>9.3} ms/run  {mbps:>8.1} MB/s",
        per_run * 1e3
    );
}

fn main() {
    // One core: the stages that spread work over rayon's threads (an input's actions) get one.
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool")
        .install(bench);
}

fn bench() {
    let path = Path::new("fixtures/informe-ejecutivo-2021.txt");
    let bytes = std::fs::read(path).expect("run from the repository root");
    let rules = Rules::load(Path::new("rules/gcm")).expect("rules load");
    let n = bytes.len();
    println!("input: {} ({n} bytes)", path.display());

    let bullet = rules.segment.layout.bullet.regex.clone();
    measure("baseline (lines + 1 regex)", n, || {
        let text = std::str::from_utf8(&bytes).unwrap_or_default();
        let count = text.lines().filter(|l| bullet.is_match(l)).count();
        black_box(count);
    });
    measure("ingest+normalize+segment", n, || {
        let source = ingest::ingest_bytes("bench.txt", &bytes, &rules.ingest).expect("ingest");
        let doc = normalize::normalize(&source);
        black_box(segment::segment(&doc, &rules.segment));
    });
    measure("full pipeline", n, || {
        black_box(informe::process_bytes("bench.txt", &bytes, &rules).expect("pipeline"));
    });

    measure("full pipeline + audit", n, || {
        let ex = informe::process_bytes("bench.txt", &bytes, &rules).expect("pipeline");
        black_box(informe::audit::audit(&ex, &rules, None));
    });

    // The value extractors alone, over the joined text of every action (MB/s of that text).
    let ex = informe::process_bytes("bench.txt", &bytes, &rules).expect("pipeline");
    let texts: Vec<&str> = ex.actions.iter().map(|a| a.text.as_str()).collect();
    let m: usize = texts.iter().map(|t| t.len()).sum();
    println!("action text: {} actions, {m} bytes", texts.len());
    measure("  periods", m, || {
        for t in &texts {
            black_box(rules.extract.periods.find(t));
        }
    });
    measure("  figures + relations", m, || {
        for t in &texts {
            let (f, _) = rules.extract.figures.find(t, &[], &[]);
            black_box(rules.extract.figures.relations(t, &f));
        }
    });
    measure("  agencies", m, || {
        for t in &texts {
            black_box(rules.extract.agencies.unknown_acronyms(t));
        }
    });
}
