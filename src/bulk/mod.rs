//! Bulk runs: many inputs, in parallel, each in an isolated worker process, with a manifest that
//! lists every input exactly once, consolidated outputs, resume, shards and merge.
//!
//! The run writes, under its output folder:
//! - one folder per input with that input's outputs (written atomically by whoever processed it);
//! - `manifest.jsonl`: one line per input (path, sha256, size, format, pages, status, reason,
//!   counts, duration), appended as inputs finish and rewritten in input order at the end. The
//!   run keeps no outcome in memory: the end of the run reads them back from it, one at a time
//!   ([`crate::output::Inputs`]), so that the run's memory does not grow with its inputs;
//! - `actions.jsonl`, `figures.csv`, `flags.jsonl`: the per-input files concatenated, each row
//!   naming its source file (and each action its submitting agency), plus cross-file flags;
//! - `objectives.csv`: actions per objective across all inputs;
//! - `run.json`: the run summary.
//!
//! A worker is a process forked from the run once the rules are compiled ([`fork`](self::fork)),
//! under a time limit (the run kills it) and a memory limit (`RLIMIT_AS`, set by the worker on
//! itself): a panic, an abort, a hang or runaway memory in a PDF library fails that input alone.
//!
//! The parts:
//! - [`scheduler`](self::scheduler): inputs to jobs (one lane per worker process, or threads of
//!   this process), resume, shards, progress, and the manifest appended as inputs finish;
//! - [`pool`](self::pool): the long-lived worker processes, each working on one input with the
//!   next waiting in its pipe, replaced when one dies or passes its time;
//! - [`worker`](self::worker): the worker process side and its outcome;
//! - [`fork`](self::fork): making a worker process (fork, pipes, exit) and ending it;
//! - [`consolidate`](self::consolidate): the end of a run (extract or merge): manifest,
//!   consolidated files, `objectives.csv`, `run.json` and the review outputs;
//! - [`crossfile`](self::crossfile): what is counted or compared across inputs (near-duplicate
//!   actions, their signatures in a temporary file; actions per objective);
//! - [`window`](self::window): the reporting window most inputs state, for those that state none.

mod cleanup;
mod consolidate;
mod crossfile;
mod fork;
mod inputs;
mod lock;
mod names;
mod pool;
mod scheduler;
mod window;
mod worker;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::audit::Window;
use crate::error::OutputError;
use crate::output::RunSummary;
use crate::Rules;

pub use consolidate::merge;
pub use inputs::{collect_inputs, run, Input};
pub use lock::{OutLock, LOCK_FILE};
pub use names::RUN_LEVEL_NAMES;
pub use scheduler::{shard_of, Progress, Silent};
pub use worker::in_process;

/// How to run a bulk job.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub out_dir: PathBuf,
    /// Overrides the audit's reporting window.
    pub window: Option<Window>,
    /// Inputs processed at once.
    pub jobs: usize,
    /// Run each input in a worker process; `None` processes in this process.
    pub worker: Option<Worker>,
    /// Skip inputs the output folder already holds for the same content, rules and tool.
    pub resume: bool,
    /// Process only shard `k` of `n` (by content hash), counting from 0.
    pub shard: Option<(u64, u64)>,
    /// Which run-level outputs to write.
    pub formats: Formats,
}

/// The run-level outputs to write (`--format`): each input's own folder always has its JSONL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// `actions.jsonl`, `flags.jsonl`.
    pub jsonl: bool,
    /// `figures.csv`, `objectives.csv`.
    pub csv: bool,
    /// `informe.xlsx`.
    pub xlsx: bool,
    /// `review.html`.
    pub html: bool,
}

impl Formats {
    pub const ALL: Formats = Formats {
        jsonl: true,
        csv: true,
        xlsx: true,
        html: true,
    };

    /// Parses `jsonl,csv,xlsx,html` (any subset).
    pub fn parse(s: &str) -> Result<Formats, String> {
        let mut f = Formats {
            jsonl: false,
            csv: false,
            xlsx: false,
            html: false,
        };
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "jsonl" => f.jsonl = true,
                "csv" => f.csv = true,
                "xlsx" => f.xlsx = true,
                "html" => f.html = true,
                other => return Err(format!("{other:?}: formats are jsonl, csv, xlsx and html")),
            }
        }
        Ok(f)
    }
}

impl RunOptions {
    pub fn new(out_dir: &Path) -> RunOptions {
        RunOptions {
            out_dir: out_dir.to_path_buf(),
            window: None,
            jobs: 1,
            worker: None,
            resume: false,
            shard: None,
            formats: Formats::ALL,
        }
    }
}

/// The limits of a worker process.
#[derive(Debug, Clone)]
pub struct Worker {
    pub timeout: Duration,
    /// Address space a worker may add to what it was forked with (the run's), in bytes.
    pub max_memory: u64,
}

/// The tool's identity, recorded with each outcome for `--resume`.
pub fn tool_version() -> String {
    format!("informe {}", env!("CARGO_PKG_VERSION"))
}

/// Runs every input; see the module documentation.
pub fn run_bulk(
    inputs: &[Input],
    rules: &Rules,
    opts: &RunOptions,
    progress: &dyn Progress,
) -> Result<RunSummary, OutputError> {
    let out = &opts.out_dir;
    let _lock = OutLock::acquire(out)?;
    cleanup::remove_stale_temporaries(out)?;
    let (spans, ending_workers) = scheduler::process_all(inputs, rules, opts, progress)?;
    let run = consolidate::finish_run(out, &spans, rules, opts.formats);
    // Reaped only now: they ended while the run's files were written (2-4 ms for two workers).
    drop(ending_workers);
    run
}
