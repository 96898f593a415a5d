//! The worker process side: `informe worker` limits its own memory, processes one input into its
//! folder and leaves its outcome there in `outcome.json`, which the parent (the
//! [scheduler](super::scheduler)) reads and removes. Also the processing of one input itself,
//! which the worker and `--in-process` runs share.

use std::path::{Path, PathBuf};

use crate::audit::Window;
use crate::error::OutputError;
use crate::output::{self, InputOutcome, Status};
use crate::Rules;

/// The file in an input's folder through which a worker hands its outcome to the parent.
const OUTCOME_FILE: &str = "outcome.json";

/// Processes one file in this process and writes its outputs into `dir`.
pub fn in_process(
    path: &Path,
    dir: &Path,
    rules: &Rules,
    window: Option<&Window>,
) -> Result<InputOutcome, OutputError> {
    Ok(match crate::pipeline::process_file(path, rules) {
        Ok(ex) => {
            let (w, source) = crate::audit::window_for(&ex, &rules.audit, window);
            let flags = crate::audit::audit_in(&ex, &rules.audit, &w, source);
            output::write_extracted(dir, &ex)?;
            output::write_flags(dir, &flags)?;
            let mut o = crate::output::outcome_of(&ex, dir);
            o.flags = crate::output::flag_counts(&flags);
            o.window = Some(format!("{}..{}", w.start, w.end));
            o.window_source = Some(source.code());
            if let Some(f) = crate::audit::needs_review(&flags) {
                o.status = Status::Review;
                o.reason = Some(f.kind.clone());
                o.error = Some(f.message.clone());
            }
            // What the input declares per objective (the first statement of each).
            for d in crate::audit::declared_counts(&ex, &rules.audit) {
                if let Some(n) = d.objective {
                    o.declared.entry(n).or_insert(d.count);
                }
            }
            o
        }
        Err(e) => InputOutcome {
            file: path.display().to_string(),
            status: Status::Failed,
            reason: Some(e.kind().to_string()),
            error: Some(e.to_string()),
            ..InputOutcome::empty()
        },
    })
}

/// The body of `informe worker`: limits itself, processes one file, writes its outcome. A memory
/// limit that cannot be set is a warning of the input (it is processed without the limit).
pub fn worker_main(
    path: &Path,
    dir: &Path,
    rules: &Rules,
    window: Option<&Window>,
    max_memory: u64,
) -> Result<(), OutputError> {
    #[cfg(unix)]
    let limit = rlimit::setrlimit(rlimit::Resource::AS, max_memory, max_memory);
    #[cfg(not(unix))]
    let limit: std::io::Result<()> = Ok(());
    let mut outcome = in_process(path, dir, rules, window)?;
    if let Err(e) = limit {
        outcome.warnings.push(format!(
            "worker: the memory limit ({} MiB) could not be set, the input was processed without it: {e}",
            max_memory >> 20
        ));
    }
    let file = outcome_path(dir);
    let json = serde_json::to_vec(&outcome).map_err(|e| OutputError::write(&file, e.into()))?;
    output::write_atomic(&file, &json)
}

fn outcome_path(dir: &Path) -> PathBuf {
    dir.join(OUTCOME_FILE)
}

/// The outcome the worker left in `dir`; the error says why there is none to use.
pub(super) fn read_outcome(dir: &Path) -> Result<InputOutcome, String> {
    let file = outcome_path(dir);
    let bytes =
        std::fs::read(&file).map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| format!("{}: not a valid outcome: {e}", file.display()))
}

/// Removes the outcome file from `dir`: before a worker starts (one left by an earlier run must
/// not pass for this run's), and once read. A missing file is fine.
pub(super) fn remove_outcome(dir: &Path) -> Result<(), OutputError> {
    let file = outcome_path(dir);
    match std::fs::remove_file(&file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(OutputError::write(&file, e)),
        _ => Ok(()),
    }
}
