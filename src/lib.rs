//! **informe** turns government progress reports into auditable records.
//!
//! The pipeline is a chain of plain functions, one module each, with serde types between them:
//!
//! ```text
//! file ──ingest──▶ Source ──normalize──▶ Document ──segment──▶ Segmented ──extract──▶ Extracted ──output──▶ files
//! ```
//!
//! - [`ingest`] reads bytes and decodes text (UTF-8/16, Windows-1252), keeping a byte map;
//! - [`normalize`] splits NFC lines that remember their file offsets;
//! - [`segment`] finds sections, objectives, actions, tables and footnotes with the [`rules`];
//! - [`extract`] builds records with provenance;
//! - [`output`] writes JSONL/CSV atomically; [`report`] renders the terminal summary.
//!
//! ```
//! use std::path::Path;
//! let rules = informe::rules::Rules::load(Path::new("rules/gcm")).unwrap();
//! let text = "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración.\n\
//!             ● Se atendieron 129,441 casos.\n";
//! let out = informe::process_bytes("ejemplo.txt", text.as_bytes(), &rules).unwrap();
//! assert_eq!(out.actions.len(), 1);
//! assert_eq!(out.actions[0].objective, 7);
//! assert_eq!(out.actions[0].provenance.line, 2);
//! ```

pub mod audit;
pub mod bulk;
pub mod compile;
pub mod error;
pub mod extract;
pub mod hash;
pub mod ingest;
pub mod normalize;
pub mod output;
pub mod report;
pub mod review;
pub mod rules;
pub mod segment;
pub mod workbook;

use std::path::Path;

pub use error::{InputError, OutputError, RulesError};
pub use extract::Extracted;
pub use rules::Rules;

/// Runs the whole pipeline on one file.
pub fn process_file(path: &Path, rules: &Rules) -> Result<Extracted, InputError> {
    let source = ingest::ingest(path, &rules.layout)?;
    finish(source, rules)
}

/// Runs the whole pipeline on bytes in memory; `name` stands for the file in provenance.
pub fn process_bytes(name: &str, bytes: &[u8], rules: &Rules) -> Result<Extracted, InputError> {
    let source = ingest::ingest_bytes(name, bytes, &rules.layout)?;
    finish(source, rules)
}

fn finish(source: ingest::Source, rules: &Rules) -> Result<Extracted, InputError> {
    let doc = normalize::normalize(&source);
    let seg = segment::segment(&doc, rules);
    if seg.objectives.is_empty() {
        return Err(InputError::NoObjectives {
            path: source.file.clone(),
            lines: doc.lines.len(),
            rules: rules.dir.join("layout.toml").display().to_string(),
        });
    }
    Ok(extract::extract(&doc, &seg, rules))
}

use std::collections::BTreeMap;
use std::path::PathBuf;

use output::{InputOutcome, RunSummary, Status};

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
/// `out_dir` (see [`bulk::run_bulk`] for workers, jobs, resume and shards). An input that fails is
/// listed in the summary (and `manifest.jsonl`, `run.json`) with its error; the others are
/// processed all the same. Only a failure to write outputs stops the run. `window` overrides the
/// audit's reporting window.
pub fn run(
    inputs: &[Input],
    rules: &Rules,
    out_dir: &Path,
    window: Option<&audit::Window>,
) -> Result<RunSummary, OutputError> {
    let mut opts = bulk::RunOptions::new(out_dir);
    opts.window = window.cloned();
    bulk::run_bulk(inputs, rules, &opts, &bulk::Silent)
}

/// Flags counted by "severity/kind".
pub fn flag_counts(flags: &[audit::Flag]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for f in flags {
        *counts
            .entry(format!("{}/{}", f.severity.as_str(), f.kind))
            .or_insert(0) += 1;
    }
    counts
}

pub(crate) fn outcome_of(ex: &Extracted, dir: &Path) -> InputOutcome {
    let per_objective: BTreeMap<u32, usize> = ex
        .objectives
        .iter()
        .map(|o| (o.number, o.actions))
        .collect();
    InputOutcome {
        file: ex.source.file.clone(),
        status: Status::Ok,
        format: Some(ex.source.format.clone()),
        pages: (!ex.pages.is_empty()).then_some(ex.pages.len()),
        submitter: ex.submitter.clone(),
        output: Some(dir.display().to_string()),
        actions: ex.actions.len(),
        figures: ex.actions.iter().map(|a| a.figures.len()).sum(),
        periods: ex.actions.iter().map(|a| a.periods.len()).sum(),
        agencies: ex.actions.iter().map(|a| a.agencies.len()).sum(),
        per_objective,
        no_activities: ex
            .objectives
            .iter()
            .filter(|o| o.no_activities.is_some())
            .map(|o| o.number)
            .collect(),
        missing_headings: ex
            .objectives
            .iter()
            .filter(|o| o.heading.is_none())
            .map(|o| o.number)
            .collect(),
        warnings: ex
            .warnings
            .iter()
            .map(|w| match w.line {
                Some(l) => format!("line {l}: {}", w.message),
                None => w.message.clone(),
            })
            .collect(),
        ..InputOutcome::empty()
    }
}
