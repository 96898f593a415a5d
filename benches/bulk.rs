//! Bulk throughput: a generated corpus of submissions (text, PDF and .docx made from the
//! fixtures), processed by the `informe` binary with worker processes, with 1 and 2 jobs, and at
//! two corpus sizes to show that peak memory does not grow with the number of files.
//!
//! Run with `cargo bench --bench bulk` (set `INFORME_BULK_FILES` to change the size, default
//! 1000). Reports files/s, pages/s and the peak RSS of any process of the run.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn write_docx(path: &Path, paragraphs: &[String]) {
    let mut body = String::new();
    for p in paragraphs {
        match p.strip_prefix("• ") {
            Some(t) => body.push_str(&format!(
                "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>"
            )),
            None => body.push_str(&format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>")),
        }
    }
    let doc = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"w\"><w:body>{body}</w:body></w:document>"
    );
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).expect("create docx"));
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("word/document.xml", opts).expect("zip");
    z.write_all(doc.as_bytes()).expect("zip");
    z.finish().expect("zip");
}

/// Makes `n` submissions: 40 % text (the 2021 report and the Word export), 40 % PDF (the PDF
/// fixtures), 20 % .docx; each with distinct content.
fn corpus(dir: &Path, n: usize) -> usize {
    std::fs::create_dir_all(dir).expect("corpus dir");
    let report =
        std::fs::read("fixtures/informe-ejecutivo-2021.txt").expect("run from the repository root");
    let export = std::fs::read("fixtures/submission-word-export.txt").expect("fixture");
    let pdfs: Vec<Vec<u8>> = [
        "submission-word-symbol-bullets.pdf",
        "two-columns-footnotes.pdf",
        "rotated-page.pdf",
        "informe-2021-sidebox.pdf",
    ]
    .iter()
    .map(|f| std::fs::read(Path::new("fixtures/pdf").join(f)).expect("fixture"))
    .collect();
    let mut pages = 0;
    for i in 0..n {
        match i % 5 {
            0 | 1 => {
                let mut t = if i % 10 == 0 {
                    report.clone()
                } else {
                    export.clone()
                };
                t.extend_from_slice(format!("\r\nEnvío {i}\r\n").as_bytes());
                std::fs::write(dir.join(format!("s{i:05}.txt")), t).expect("write");
            }
            2 | 3 => {
                // Mostly the short PDFs; every 20th file the 40-page report.
                let k = if i % 20 == 2 { 3 } else { i % 3 };
                let mut p = pdfs[k].clone();
                p.extend_from_slice(format!("\n% {i}\n").as_bytes());
                pages += [2, 2, 2, 40][k];
                std::fs::write(dir.join(format!("s{i:05}.pdf")), p).expect("write");
            }
            _ => {
                let paras = vec![
                    "SECRETARÍA DE EDUCACIÓN PÚBLICA (SEP)".to_string(),
                    "Objetivo 15. Proporcionar a los migrantes acceso a servicios básicos".to_string(),
                    format!("• Se atendieron {} estudiantes migrantes de junio de 2020 a junio de 2021.", 100 + i),
                    "• Se revalidaron 11,177 trámites de estudios.".to_string(),
                ];
                write_docx(&dir.join(format!("s{i:05}.docx")), &paras);
            }
        }
    }
    pages
}

fn peak_children_rss_kib() -> i64 {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    u.ru_maxrss
}

fn run(bin: &str, dir: &Path, out: &Path, jobs: usize) -> (f64, i64, bool) {
    let t = Instant::now();
    let status = Command::new(bin)
        .args(["extract", "--quiet", "--jobs", &jobs.to_string()])
        .arg(dir)
        .arg("--out")
        .arg(out)
        .status()
        .expect("run informe");
    (
        t.elapsed().as_secs_f64(),
        peak_children_rss_kib(),
        status.code() == Some(0),
    )
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_informe");
    let n: usize = std::env::var("INFORME_BULK_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let work = tempfile::tempdir().expect("tempdir");
    let small = work.path().join("small");
    let big = work.path().join("big");
    let small_pages = corpus(&small, n / 2);
    let big_pages = corpus(&big, n);
    println!(
        "corpus: {n} files ({big_pages} PDF pages), and {} files ({small_pages} PDF pages)",
        n / 2
    );
    // Peak RSS is read after each run; a run's peak can only be seen if it exceeds the previous
    // ones, so the smaller corpus runs first.
    for (dir, files, pages, jobs) in [
        (&small, n / 2, small_pages, 1),
        (&big, n, big_pages, 1),
        (&big, n, big_pages, 2),
    ] {
        let out = work.path().join(format!("out-{files}-{jobs}"));
        let (secs, rss, ok) = run(bin, dir, &out, jobs);
        println!(
            "{files:>6} files, {jobs} job(s): {secs:>7.2} s  {:>7.1} files/s  {:>7.1} PDF pages/s  peak RSS so far {:>6.1} MiB{}",
            files as f64 / secs,
            pages as f64 / secs,
            rss as f64 / 1024.0,
            if ok { "" } else { "  (some inputs failed)" }
        );
    }
}
