//! The inputs of a run: files and folders from the command line expanded into the files to read,
//! and the files passed over with the reason.

use std::path::{Path, PathBuf};

use crate::audit::Window;
use crate::error::OutputError;
use crate::ingest;
use crate::output::RunSummary;
use crate::profile::Profile;

/// An input of a run: a file to process, or one passed over with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Skipped { path: PathBuf, reason: String },
}

/// Extensions taken from folders as reports (their content decides how they are read).
const INPUT_EXTENSIONS: &[&str] = &["txt", "text", "pdf", "docx"];
/// Extensions that are never reports (source, data and markup files beside the submissions).
const OTHER_EXTENSIONS: &[&str] = &[
    "md", "py", "rs", "toml", "json", "jsonl", "csv", "html", "htm", "xml", "sh", "js", "css",
    "yml", "yaml", "png", "jpg", "jpeg", "gif", "zip", "xlsx", "xls", "lock",
];

/// Expands the command line's files and folders (recursively, in name order) into inputs.
/// Files named on the command line are always tried; in folders, files are taken by extension
/// or, without a known one, by content (a PDF, a Word file or text).
pub fn collect_inputs(paths: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out);
        } else {
            out.push(Input::File(p.clone()));
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<Input>) {
    let hidden =
        |e: &walkdir::DirEntry| e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !hidden(e));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.push(Input::Skipped {
                    path: e
                        .path()
                        .map_or_else(|| dir.to_path_buf(), Path::to_path_buf),
                    reason: format!("cannot list: {e}"),
                });
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let p = entry.into_path();
        let ext = p
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if INPUT_EXTENSIONS.contains(&ext.as_str()) {
            out.push(Input::File(p));
        } else if OTHER_EXTENSIONS.contains(&ext.as_str()) {
            out.push(Input::Skipped {
                path: p,
                reason: format!("not a report file (.{ext})"),
            });
        } else {
            // No telling extension: look at the first bytes. A file that cannot be read is
            // taken as an input, whose run then fails with the reason.
            let head = std::fs::File::open(&p).and_then(|f| {
                let mut buf = Vec::new();
                std::io::Read::read_to_end(&mut std::io::Read::take(f, 65536), &mut buf)?;
                Ok(buf)
            });
            let Ok(head) = head else {
                out.push(Input::File(p));
                continue;
            };
            if head.starts_with(b"PK\x03\x04") || ingest::sniff(&head).is_some() {
                out.push(Input::File(p));
            } else {
                out.push(Input::Skipped {
                    path: p,
                    reason: "not a report: binary data that is neither PDF, Word nor text"
                        .to_string(),
                });
            }
        }
    }
}

/// Processes every input, in this process and one at a time, and writes the outputs under
/// `out_dir` (see [`super::run_bulk`] for workers, jobs, resume and shards). An input that fails is
/// listed in the summary (and `manifest.jsonl`, `run.json`) with its error; the others are
/// processed all the same. Only a failure to write outputs stops the run. `window` overrides the
/// audit's reporting window.
pub fn run(
    inputs: &[Input],
    rules: &Profile,
    out_dir: &Path,
    window: Option<&Window>,
) -> Result<RunSummary, OutputError> {
    let mut opts = super::RunOptions::new(out_dir);
    opts.window = window.cloned();
    super::run_bulk(inputs, rules, &opts, &super::Silent)
}
