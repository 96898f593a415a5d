//! informe side by side with a reference, in one run, as ratios (issue 14). Run with
//! `cargo bench --bench ratios`. Each timing is the median of `INFORME_BENCH_RUNS` runs
//! (default 5), wall clock, on whatever else the machine is doing: compare the ratios, not the
//! seconds. The runs of informe and of its reference alternate, so that the machine's drift
//! (a disk writing back) falls on both. Each row also gives the ratio of the two fastest runs:
//! on a virtual machine whose second core is now and then taken by its host, a run that uses
//! both cores (informe) loses more to it than one that uses one (pdftotext), and the medians
//! move with that; the fastest runs are the least disturbed.
//!
//! - the 2021 report as PDF (`fixtures/pdf/informe-2021-sidebox.pdf`, 40 pages): the whole
//!   pipeline and outputs (`informe extract --in-process`), and text and layout only (`informe
//!   text`), against `pdftotext`;
//! - the same report ten times over in one PDF (400 pages, joined by poppler's `pdfunite` when
//!   the machine has it): the whole pipeline against `pdftotext`, where the fixed costs of a
//!   run (compiling the rules, starting the process) weigh a tenth as much;
//! - a folder of 60 small agency PDFs (made from the fixtures): `informe extract` with its
//!   default two workers, against `pdftotext` on the same files two at a time;
//! - a folder of 200 small text submissions: isolated workers against `--in-process`;
//! - the text pipeline (ingest to audit, one core, in this process) on the 2021 report repeated
//!   40 times (the most lines one input may have), three times over: 11.7 MB, in MB/s;
//! - single lines of 0.25, 0.5, 1 and 2 MB full of figures: seconds per MB, which stays flat
//!   when the pipeline is linear.
//!
//! `pdftotext` writes each text to a file in the work folder, as informe writes its outputs
//! there. The work folder is a temporary folder under `INFORME_BENCH_DIR` when set (e.g.
//! `/dev/shm`, to measure the work rather than the disk: creating a file on the development
//! machine's disk costs about 20 times what it costs in memory, and informe writes nine per
//! input), else under the system's temporary folder.
//!
//! Without `pdftotext` on the machine, the PDF rows say so and show informe's time alone.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use informe::audit::audit;
use informe::{process_bytes, Rules};

const BIN: &str = env!("CARGO_BIN_EXE_informe");

fn runs() -> usize {
    std::env::var("INFORME_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
}

/// Wall times of some runs of one piece of work, in seconds.
#[derive(Clone, Copy)]
struct Timing {
    median: f64,
    fastest: f64,
}

impl Timing {
    fn of(mut runs: Vec<f64>) -> Option<Timing> {
        runs.sort_by(f64::total_cmp);
        Some(Timing {
            median: *runs.get(runs.len() / 2)?,
            fastest: *runs.first()?,
        })
    }
}

/// Median wall time of `f` over [`runs`] runs, after one warm-up.
fn median(mut f: impl FnMut()) -> f64 {
    paired(&mut f, None).0.median
}

/// Wall times of `a` and of `b` (when there is one) over [`runs`] runs each, after one warm-up
/// of each, the runs alternating (a, b, a, b, …): whatever the machine does during the bench (a
/// disk writing back, another process) falls on both alike.
fn paired(a: &mut dyn FnMut(), mut b: Option<&mut dyn FnMut()>) -> (Timing, Option<Timing>) {
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed().as_secs_f64()
    };
    a();
    if let Some(b) = b.as_mut() {
        b();
    }
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for _ in 0..runs() {
        ta.push(time(a));
        if let Some(b) = b.as_mut() {
            tb.push(time(*b));
        }
    }
    let nan = Timing {
        median: f64::NAN,
        fastest: f64::NAN,
    };
    (Timing::of(ta).unwrap_or(nan), Timing::of(tb))
}

fn run_quiet(cmd: &mut Command) -> bool {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.code().is_some_and(|c| c <= 1))
}

fn have_pdftotext() -> bool {
    run_quiet(Command::new("pdftotext").arg("-v"))
}

/// `pdf` ten times over in one file, `out` (poppler's `pdfunite`); `None` without it.
fn ten_times(pdf: &Path, out: &Path) -> Option<PathBuf> {
    let made = run_quiet(
        Command::new("pdfunite")
            .args(std::iter::repeat_n(pdf, 10))
            .arg(out),
    );
    (made && out.exists()).then(|| out.to_path_buf())
}

/// `pdftotext` on each of `files`, its text written to a file of the same name in `out`.
fn pdftotext(files: &[PathBuf], out: &Path) {
    std::fs::create_dir_all(out).expect("create folder");
    for f in files {
        let name = f.file_stem().expect("a file name");
        let text = out.join(name).with_extension("txt");
        run_quiet(Command::new("pdftotext").arg("-q").arg(f).arg(text));
    }
}

/// `pdftotext` over `files`, two processes at a time (as informe's two workers).
fn pdftotext_two_at_a_time(files: &[PathBuf], out: &Path) {
    let (a, b) = files.split_at(files.len() / 2);
    std::thread::scope(|s| {
        s.spawn(|| pdftotext(a, out));
        s.spawn(|| pdftotext(b, out));
    });
}

fn row(work: &str, informe: Timing, reference: &str, other: Option<Timing>) {
    let i = informe.median;
    match other {
        Some(r) => println!(
            "| {work} | {i:.3} s | {reference} {:.3} s | {:.2}× | {:.2}× |",
            r.median,
            i / r.median,
            informe.fastest / r.fastest
        ),
        None => println!("| {work} | {i:.3} s | {reference}: not available | — | — |"),
    }
}

fn extract(args: &[&str], input: &Path, out: &Path) {
    let _ = std::fs::remove_dir_all(out);
    let ok = run_quiet(
        Command::new(BIN)
            .arg("extract")
            .arg("--quiet")
            .args(args)
            .arg(input)
            .arg("--out")
            .arg(out),
    );
    assert!(ok, "informe extract failed on {}", input.display());
}

/// Copies of `sources`, each made distinct by a trailing PDF comment, `n` in all.
fn pdf_folder(dir: &Path, sources: &[&str], n: usize) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("create folder");
    (0..n)
        .map(|i| {
            let mut bytes = std::fs::read(sources[i % sources.len()]).expect("read fixture");
            bytes.extend_from_slice(format!("\n% copy {i}\n").as_bytes());
            let path = dir.join(format!("agency-{i:03}.pdf"));
            std::fs::write(&path, bytes).expect("write copy");
            path
        })
        .collect()
}

fn text_folder(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).expect("create folder");
    let base = std::fs::read_to_string("fixtures/compile/sep.txt").expect("read fixture");
    for i in 0..n {
        let text = format!("{base}• Se atendieron {i} personas migrantes.\n");
        std::fs::write(dir.join(format!("s{i:03}.txt")), text).expect("write copy");
    }
}

/// Seconds to process and audit `bytes` as one text input, in this process, on one core: the
/// stages that spread work over rayon's threads (an input's actions, a PDF's pages) get one
/// thread here.
fn pipeline_secs(name: &str, bytes: &[u8], rules: &Rules) -> f64 {
    let one_core = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool");
    one_core.install(|| {
        median(|| {
            let ex = process_bytes(name, bytes, rules).expect("process");
            std::hint::black_box(audit(&ex, rules, None));
        })
    })
}

fn main() {
    let rules = Rules::load(Path::new("rules/gcm")).expect("run from the repository root");
    let work = match std::env::var_os("INFORME_BENCH_DIR") {
        Some(dir) => tempfile::tempdir_in(dir),
        None => tempfile::tempdir(),
    }
    .expect("temporary folder");
    let w = work.path();
    let pdf = have_pdftotext();
    println!(
        "median of {} runs; informe = {BIN}; work folder {}\n",
        runs(),
        w.display()
    );
    println!("| work | informe | reference | ratio | ratio, fastest runs |");
    println!("|---|---|---|---|---|");

    let report = PathBuf::from("fixtures/pdf/informe-2021-sidebox.pdf");
    let mut reference = || pdftotext(std::slice::from_ref(&report), &w.join("report-text"));
    let (t, p) = paired(
        &mut || extract(&["--in-process"], &report, &w.join("report")),
        pdf.then_some(&mut reference as &mut dyn FnMut()),
    );
    row(
        "2021 report PDF (40 pages), whole pipeline and outputs",
        t,
        "pdftotext",
        p,
    );
    let (t, p) = paired(
        &mut || {
            run_quiet(Command::new(BIN).arg("text").arg(&report));
        },
        pdf.then_some(&mut reference as &mut dyn FnMut()),
    );
    row(
        "the same PDF, text and layout only (`informe text`)",
        t,
        "pdftotext",
        p,
    );

    if let Some(long) = ten_times(&report, &w.join("report-x10.pdf")) {
        let mut reference = || pdftotext(std::slice::from_ref(&long), &w.join("long-text"));
        let (t, p) = paired(
            &mut || extract(&["--in-process"], &long, &w.join("long")),
            pdf.then_some(&mut reference as &mut dyn FnMut()),
        );
        row(
            "the report ten times in one PDF (400 pages), whole pipeline and outputs",
            t,
            "pdftotext",
            p,
        );
    }

    let small = pdf_folder(
        &w.join("pdfs"),
        &[
            "fixtures/compile/sre.pdf",
            "fixtures/pdf/submission-word-symbol-bullets.pdf",
            "fixtures/pdf/two-columns-footnotes.pdf",
        ],
        60,
    );
    let mut reference = || pdftotext_two_at_a_time(&small, &w.join("pdfs-text"));
    let (t, p) = paired(
        &mut || extract(&[], &w.join("pdfs"), &w.join("pdfs-out")),
        pdf.then_some(&mut reference as &mut dyn FnMut()),
    );
    row(
        "60 small agency PDFs, two workers",
        t,
        "pdftotext, two at a time",
        p,
    );

    text_folder(&w.join("texts"), 200);
    let (isolated, in_process) = paired(
        &mut || extract(&[], &w.join("texts"), &w.join("texts-out")),
        Some(&mut || extract(&["--in-process"], &w.join("texts"), &w.join("texts-in"))),
    );
    row(
        "200 small text submissions, isolated workers",
        isolated,
        "`--in-process`",
        in_process,
    );

    // The report repeated 40 times (82,000 lines, under the 100,000-line limit of an input),
    // processed three times over: at least 10 MB of text.
    let one = std::fs::read("fixtures/informe-ejecutivo-2021.txt").expect("read the report");
    let big: Vec<u8> = (0..40).flat_map(|_| one.iter().copied()).collect();
    let secs = 3.0 * pipeline_secs("big.txt", &big, &rules);
    let mb = 3.0 * big.len() as f64 / 1e6;
    println!(
        "\ntext pipeline, ingest to audit, one core: {mb:.1} MB in {secs:.2} s = {:.1} MB/s",
        mb / secs
    );

    println!("\none line full of figures (seconds per MB stays flat when linear):");
    let segment = "se atendieron 1,234 personas (600 mujeres y 634 hombres) de enero a junio \
                   de 2021, de las cuales 300 en Chiapas; ";
    for mb in [0.25, 0.5, 1.0, 2.0] {
        let n = (mb * 1e6 / segment.len() as f64) as usize;
        let text = format!(
            "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración\n● {}\n",
            segment.repeat(n)
        );
        let secs = pipeline_secs("line.txt", text.as_bytes(), &rules);
        println!("  {mb:>4} MB: {secs:.3} s, {:.3} s/MB", secs / mb);
    }
}
