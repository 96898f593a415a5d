//! PDF throughput, side by side with poppler's `pdftotext` in the same run, as pages per second.
//!
//! Run with `cargo bench --bench pdf`. It reads the PDF fixtures (and, when it exists, the shared
//! corpus in `../shared/pdf-corpus`, or the folder named by `INFORME_PDF_DIR`):
//! - `informe`: the whole pipeline (PDF reading and layout, segmentation, figures, periods,
//!   agencies, audit), in this process, one file after another;
//! - `pdftotext`: poppler's text extraction alone, one process per file, output discarded.
//!
//! Files that `pdftotext` cannot read are left out of both columns. Without `pdftotext` on the
//! machine, only informe's numbers are printed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == "pdf"));
    v.sort();
    v
}

fn pdftotext(path: &Path) -> Option<bool> {
    Command::new("pdftotext")
        .arg("-q")
        .arg(path)
        .arg("-")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()
        .map(|s| s.success())
}

fn main() {
    informe::ingest::pdf::install_quiet_panic_hook();
    let rules = informe::Rules::load(Path::new("rules/gcm")).expect("run from the repository root");
    let mut dirs = vec![PathBuf::from("fixtures/pdf")];
    if let Some(d) = std::env::var_os("INFORME_PDF_DIR") {
        dirs.push(PathBuf::from(d));
    } else if Path::new("../shared/pdf-corpus").is_dir() {
        dirs.push(PathBuf::from("../shared/pdf-corpus"));
    }
    let have_pdftotext = Command::new("pdftotext").arg("-v").output().is_ok();
    for dir in dirs {
        let files = pdfs(&dir);
        let (mut pages, mut t_informe, mut t_poppler, mut files_used) = (0usize, 0.0f64, 0.0f64, 0);
        for f in &files {
            // Both tools on the same files: skip what poppler cannot read.
            let t = Instant::now();
            let ok = if have_pdftotext {
                pdftotext(f).unwrap_or(false)
            } else {
                true
            };
            let poppler = t.elapsed().as_secs_f64();
            if !ok {
                continue;
            }
            let t = Instant::now();
            let bytes = std::fs::read(f).unwrap_or_default();
            let name = f.display().to_string();
            let n = match informe::ingest::ingest_bytes(&name, &bytes, &rules.ingest) {
                Ok(source) => {
                    let n = source.pdf.as_ref().map_or(0, |p| p.pages.len());
                    let doc = informe::normalize::normalize(&source);
                    let seg = informe::segment::segment(&doc, &rules.segment);
                    let ex = informe::extract::extract(&doc, &seg, &rules.extract);
                    std::hint::black_box(informe::audit::audit(&ex, &rules, None));
                    n
                }
                Err(_) => 0,
            };
            t_informe += t.elapsed().as_secs_f64();
            t_poppler += poppler;
            pages += n;
            files_used += 1;
        }
        println!("{}: {files_used} files, {pages} pages", dir.display());
        println!(
            "  informe (whole pipeline)  {:>8.1} pages/s  ({:.2} s)",
            pages as f64 / t_informe,
            t_informe
        );
        if have_pdftotext {
            println!(
                "  pdftotext (text only)     {:>8.1} pages/s  ({:.2} s)",
                pages as f64 / t_poppler,
                t_poppler
            );
            println!(
                "  ratio informe / pdftotext time: {:.2}",
                t_informe / t_poppler
            );
        }
    }
}
