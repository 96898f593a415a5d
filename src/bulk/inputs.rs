//! The inputs of a run: files and folders from the command line expanded into the files to read,
//! and the files passed over with the reason.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::audit::Window;
use crate::error::OutputError;
use crate::ingest;
use crate::locale::Said;
use crate::output::RunSummary;
use crate::profile::Profile;

/// An input of a run: a file to process, or one passed over with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Skipped { path: PathBuf, reason: Said },
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
/// or, without a known one, by content (a PDF, a Word file or text). Hidden files and folders
/// (a name starting with a dot) are listed as skipped; symbolic links are followed, a link that
/// loops back or leads nowhere is listed as skipped with the reason. A file reached twice (by
/// its own path and through its folder, or through a link) is one input: the first path that
/// reaches it, the others listed as skipped naming it.
pub fn collect_inputs(paths: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out);
        } else {
            out.push(Input::File(p.clone()));
        }
    }
    dedupe_by_canonical_path(out)
}

/// Keeps one input per file: the same path given twice is listed once; another path to a file
/// already an input (a link, `./a` and `a`) is skipped, naming the first.
fn dedupe_by_canonical_path(inputs: Vec<Input>) -> Vec<Input> {
    let mut shown = HashSet::new();
    let mut first_path: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut out = Vec::new();
    for input in inputs {
        let path = match &input {
            Input::File(p) | Input::Skipped { path: p, .. } => p.clone(),
        };
        if !shown.insert(path.clone()) {
            continue;
        }
        let Input::File(p) = &input else {
            out.push(input);
            continue;
        };
        // A file that cannot be resolved is kept: its run then fails with the reason.
        let Ok(canonical) = std::fs::canonicalize(p) else {
            out.push(input);
            continue;
        };
        match first_path.get(&canonical) {
            Some(first) => out.push(Input::Skipped {
                path: p.clone(),
                reason: Said::new(
                    format!("the same file as {}, already an input", first.display()),
                    format!(
                        "el mismo archivo que {}, ya es una entrada",
                        first.display()
                    ),
                ),
            }),
            None => {
                first_path.insert(canonical, p.clone());
                out.push(input);
            }
        }
    }
    out
}

/// Why an entry of a folder could not be listed: a symbolic link that loops back to a folder
/// holding it, one that leads nowhere, or another error of the file system.
fn walk_error(e: &walkdir::Error) -> Said {
    if let Some(ancestor) = e.loop_ancestor() {
        return Said::new(
            format!(
                "cannot list: a link back to {}, which holds it (a loop)",
                ancestor.display()
            ),
            format!(
                "no se puede recorrer: un enlace de vuelta a {}, que lo contiene (un ciclo)",
                ancestor.display()
            ),
        );
    }
    let es = match e.io_error() {
        Some(io) if io.kind() == std::io::ErrorKind::NotFound => {
            "no se puede recorrer: un enlace simbólico que no lleva a ningún archivo".to_string()
        }
        Some(io) => format!("no se puede recorrer: {}", crate::locale::io_error_es(io)),
        None => format!("no se puede recorrer (detalle técnico: {e})"),
    };
    Said::new(format!("cannot list: {e}"), es)
}

fn is_hidden(e: &walkdir::DirEntry) -> bool {
    e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.')
}

fn walk(dir: &Path, out: &mut Vec<Input>) {
    let mut walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.push(Input::Skipped {
                    path: e
                        .path()
                        .map_or_else(|| dir.to_path_buf(), Path::to_path_buf),
                    reason: walk_error(&e),
                });
                continue;
            }
        };
        if is_hidden(&entry) {
            let reason = if entry.file_type().is_dir() {
                walker.skip_current_dir();
                Said::new(
                    "a hidden folder (its name starts with a dot), not walked",
                    "una carpeta oculta (su nombre empieza con punto), no se recorrió",
                )
            } else {
                Said::new(
                    "a hidden file (its name starts with a dot)",
                    "un archivo oculto (su nombre empieza con punto)",
                )
            };
            out.push(Input::Skipped {
                path: entry.into_path(),
                reason,
            });
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        classify(entry.into_path(), out);
    }
}

/// A file found in a folder: an input by its extension or its first bytes, or skipped.
fn classify(p: PathBuf, out: &mut Vec<Input>) {
    let ext = p
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if INPUT_EXTENSIONS.contains(&ext.as_str()) {
        out.push(Input::File(p));
    } else if OTHER_EXTENSIONS.contains(&ext.as_str()) {
        out.push(Input::Skipped {
            path: p,
            reason: Said::new(
                format!("not a report file (.{ext})"),
                format!("no es un archivo de informe (.{ext})"),
            ),
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
            return;
        };
        if head.starts_with(b"PK\x03\x04") || ingest::sniff(&head).is_some() {
            out.push(Input::File(p));
        } else {
            out.push(Input::Skipped {
                path: p,
                reason: Said::new(
                    "not a report: binary data that is neither PDF, Word nor text",
                    "no es un informe: datos binarios que no son PDF, Word ni texto",
                ),
            });
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
