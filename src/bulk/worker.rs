//! The worker process side: a worker forked by the run's [pool](super::pool) limits its own
//! memory, then processes the inputs the pool sends it, each into its folder, and answers with
//! each one's outcome. Also the processing of one input itself, which the workers and
//! `--in-process` runs share.

use std::fs::File;
use std::io::{BufRead, Write};
use std::path::Path;

use crate::audit::Window;
use crate::error::OutputError;
use crate::output::{self, InputOutcome, Status};
use crate::Rules;

/// Processes one file in this process and writes its outputs into `dir`.
pub fn in_process(
    path: &Path,
    dir: &Path,
    rules: &Rules,
    window: Option<&Window>,
) -> Result<InputOutcome, OutputError> {
    Ok(match crate::pipeline::process_file(path, rules) {
        Ok(ex) => {
            // The audit and the writing of the extraction's files only read `ex`: side by side.
            let ((w, source, flags), written) = rayon::join(
                || {
                    let (w, source) = crate::audit::window_for(&ex, &rules.audit, window);
                    let flags = crate::audit::audit_in(&ex, &rules.audit, &w, source);
                    (w, source, flags)
                },
                || output::write_extracted(dir, &ex),
            );
            written?;
            output::write_flags(dir, &flags)?;
            let mut o = crate::output::outcome_of(&ex, dir);
            o.flags = crate::output::flag_counts(&flags);
            o.window = Some(format!("{}..{}", w.start, w.end));
            o.window_source = Some(source.code());
            if let Some(f) = crate::audit::needs_review(&flags) {
                o.status = Status::Review;
                o.reason = Some(f.kind.clone());
                o.error = Some(f.message.clone());
                o.error_es = Some(f.message.clone());
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
            error_es: Some(e.es()),
            ..InputOutcome::empty()
        },
    })
}

/// What a forked worker needs besides the rules: the audit's window, its memory allowance and the
/// threads it reads a PDF's pages with.
pub(super) struct WorkerSetup<'a> {
    pub window: Option<&'a Window>,
    /// Address space it may add to what it was forked with, in bytes.
    pub max_memory: u64,
    pub threads: usize,
}

/// The body of a worker of the [pool](super::pool), forked with the rules already compiled:
/// limits its memory, then processes the inputs it is given on `stdin`, one line each, writing
/// each one's outputs into its folder and answering with its outcome on `stdout`. A memory limit
/// that cannot be set is a warning of every input (processed without the limit). Returns its
/// exit code when `stdin` closes.
pub(super) fn serve(rules: &Rules, setup: &WorkerSetup, stdin: File, stdout: File) -> i32 {
    let pages = match rayon::ThreadPoolBuilder::new()
        .num_threads(setup.threads)
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            super::fork::say(&format!("worker: cannot start its threads: {e}"));
            return 1;
        }
    };
    let limit = limit_memory(setup.max_memory);
    // The pages' pool is entered from a thread of the worker's own: the forked thread is a copy
    // of the one that started the pool, which may be a rayon thread (a caller of `run_bulk`
    // inside rayon) whose copied queues hold that caller's other work.
    let served = std::thread::scope(|s| {
        s.spawn(|| pages.install(|| serve_lines(rules, setup, &limit, stdin, stdout)))
            .join()
    });
    match served {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            super::fork::say(&format!("worker: {e}"));
            1
        }
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// The requests on `stdin`, each processed and answered on `stdout`, until `stdin` closes.
fn serve_lines(
    rules: &Rules,
    setup: &WorkerSetup,
    limit: &std::io::Result<()>,
    stdin: File,
    mut stdout: File,
) -> Result<(), OutputError> {
    let stdout_err = |e| OutputError::write(Path::new("<stdout>"), e);
    let mut n = 0u64;
    for line in std::io::BufReader::new(stdin).lines() {
        let line = line.map_err(|e| OutputError::read(Path::new("<stdin>"), e))?;
        let request = line
            .split_once(' ')
            .and_then(|(p, d)| Some((super::pool::unhex_path(p)?, super::pool::unhex_path(d)?)));
        let Some((path, dir)) = request else {
            let e = std::io::Error::other(format!("not a worker request: {line:?}"));
            return Err(OutputError::read(Path::new("<stdin>"), e));
        };
        n += 1;
        let mut outcome = in_process(&path, &dir, rules, setup.window)?;
        if let Err(e) = limit {
            outcome.warnings.push(format!(
                "worker: the memory limit ({} MiB) could not be set, the input was processed without it: {e}",
                setup.max_memory >> 20
            ));
        }
        let answer = answer_line(n, &outcome).map_err(|e| stdout_err(e.into()))?;
        stdout.write_all(answer.as_bytes()).map_err(stdout_err)?;
    }
    Ok(())
}

/// The line a worker answers its `n`th input with (see [`super::pool`]).
pub(super) fn answer_line(n: u64, outcome: &InputOutcome) -> Result<String, serde_json::Error> {
    let json = serde_json::to_string(outcome)?;
    // Where its writing for the next input will start in its stderr (a file it appends to).
    let said_end = std::fs::metadata("/proc/self/fd/2").map_or(0, |m| m.len());
    Ok(format!("{} {n} {said_end} {json}\n", super::pool::DONE))
}

/// Limits this process's address space to what it has now (the run's, as forked, and its own
/// threads) plus `max_memory` bytes.
fn limit_memory(max_memory: u64) -> std::io::Result<()> {
    let now = super::fork::address_space("self")
        .ok_or_else(|| std::io::Error::other("its address space cannot be read"))?;
    let limit = now.saturating_add(max_memory);
    rlimit::setrlimit(rlimit::Resource::AS, limit, limit)
}
