//! The worker process side: `informe worker --serve` limits its own memory, then processes the
//! inputs the parent's [pool](super::pool) sends it, each into its folder, and answers with
//! each one's outcome. Also the processing of one input itself, which the workers and
//! `--in-process` runs share.

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

/// The body of `informe worker --serve`, one process of the [pool](super::pool): limits its
/// memory, dies with its parent, then processes the inputs it is given on stdin, one line each,
/// writing each one's outputs into its folder and answering with its outcome on stdout. A
/// memory limit that cannot be set is a warning of every input (processed without the limit).
/// It ends when its stdin closes.
pub fn serve_main(
    rules: &Rules,
    window: Option<&Window>,
    max_memory: u64,
) -> Result<(), OutputError> {
    let limit = limit_memory(max_memory);
    die_with_parent();
    let stdout_err = |e| OutputError::write(Path::new("<stdout>"), e);
    let mut stdout = std::io::stdout();
    let mut n = 0u64;
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| OutputError::read(Path::new("<stdin>"), e))?;
        let request = line
            .split_once(' ')
            .and_then(|(p, d)| Some((super::pool::unhex_path(p)?, super::pool::unhex_path(d)?)));
        let Some((path, dir)) = request else {
            let e = std::io::Error::other(format!("not a worker request: {line:?}"));
            return Err(OutputError::read(Path::new("<stdin>"), e));
        };
        n += 1;
        let mut outcome = in_process(&path, &dir, rules, window)?;
        if let Err(e) = &limit {
            outcome.warnings.push(format!(
                "worker: the memory limit ({} MiB) could not be set, the input was processed without it: {e}",
                max_memory >> 20
            ));
        }
        let json = serde_json::to_string(&outcome)
            .map_err(|e| OutputError::write(Path::new("<stdout>"), e.into()))?;
        writeln!(stdout, "{} {n} {json}", super::pool::DONE).map_err(stdout_err)?;
        stdout.flush().map_err(stdout_err)?;
    }
    Ok(())
}

/// Limits this process's address space to `max_memory` bytes.
fn limit_memory(max_memory: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        rlimit::setrlimit(rlimit::Resource::AS, max_memory, max_memory)
    }
    #[cfg(not(unix))]
    {
        let _ = max_memory;
        Ok(())
    }
}

/// A worker never outlives its run: on Linux the kernel kills it when the parent dies; if the
/// parent is already gone (it died before this was set), the worker ends now.
fn die_with_parent() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: prctl(PR_SET_PDEATHSIG) and getppid take no pointers and cannot fail in a way
        // that affects memory safety.
        let parent = unsafe {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            libc::getppid()
        };
        let expected = std::env::var("INFORME_PARENT_PID")
            .ok()
            .and_then(|p| p.parse::<i32>().ok());
        if expected.is_some_and(|p| p != parent) {
            std::process::exit(1);
        }
    }
}
