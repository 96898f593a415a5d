//! From inputs to outcomes: each input gets its output folder and is processed by a job (in this
//! process or in a worker process under a time limit), or reused from an earlier run
//! (`--resume`), or left to another shard; the manifest is appended as inputs finish and
//! progress is reported.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::consolidate::{outcome_line, Span};
use super::pool::WorkerPool;
use super::Input;
use super::{tool_version, worker, RunOptions};
use crate::error::OutputError;
use crate::output::{self, InputOutcome, Status};
use crate::Rules;

/// Receives progress events; the binary shows them (a bar, or a line every few files).
pub trait Progress: Sync {
    fn start(&self, _total: usize) {}
    fn file_done(&self, _outcome: &InputOutcome) {}
    fn finish(&self) {}
}

/// Progress that shows nothing.
pub struct Silent;
impl Progress for Silent {}

/// The shard a content hash belongs to among `n`.
pub fn shard_of(sha256: &str, n: u64) -> u64 {
    u64::from_str_radix(&sha256[..sha256.len().min(15)], 16).unwrap_or(0) % n
}

/// Processes (or reuses, or leaves to another shard) every input, `opts.jobs` at a time, and
/// appends each outcome to `manifest.jsonl` as it comes. Returns where each outcome's line is in
/// the manifest, in input order, without the inputs of other shards (the outcomes are not
/// kept). Writing the manifest or an input's outputs failing stops the run. The workers, when
/// there are any, come back told to end (see [`WorkerPool::dismiss`]): they end while the
/// caller writes the run's files, and are reaped when it drops them.
pub(super) fn process_all<'a>(
    inputs: &[Input],
    rules: &'a Rules,
    opts: &'a RunOptions,
    progress: &dyn Progress,
) -> Result<(Vec<Span>, Option<WorkerPool<'a>>), OutputError> {
    let out = &opts.out_dir;
    let manifest_path = out.join("manifest.jsonl");
    let (manifest, previous) = open_manifest(&manifest_path, opts.resume)?;
    let done: HashMap<(String, String), InputOutcome> = previous
        .into_iter()
        .filter(|o| reusable(o, rules))
        .filter_map(|o| o.sha256.clone().map(|h| ((h, o.file.clone()), o)))
        .collect();

    // Output folder of each input: its stem made safe, with a hash prefix when taken.
    let names = super::names::folder_names(inputs);
    let written = manifest
        .metadata()
        .map_err(|e| OutputError::read(&manifest_path, e))?
        .len();
    let manifest = Mutex::new((manifest, written));
    // Made before the run's own threads: its zygote is forked while no thread starts or ends.
    let workers = opts
        .worker
        .as_ref()
        .map(|w| WorkerPool::new(w, rules, opts.window.as_ref(), opts.jobs.min(inputs.len())))
        .transpose()
        .map_err(|e| {
            OutputError::write(
                out,
                std::io::Error::other(format!("cannot start the worker processes: {e}")),
            )
        })?;
    progress.start(inputs.len());
    // Each outcome, as it comes, to the manifest and the progress; where its line went.
    let publish = |outcome: Option<InputOutcome>| -> Result<Option<Span>, OutputError> {
        let Some(o) = outcome else {
            return Ok(None);
        };
        let line = outcome_line(&o).map_err(|e| OutputError::write(&manifest_path, e.into()))?;
        let span = {
            let mut m = manifest.lock().unwrap_or_else(PoisonError::into_inner);
            let (file, written) = &mut *m;
            // One write per line: a run killed now leaves whole lines, or a cut last one.
            file.write_all(line.as_bytes())
                .map_err(|e| OutputError::write(&manifest_path, e))?;
            let span = (*written, line.len() as u32);
            *written += line.len() as u64;
            span
        };
        progress.file_done(&o);
        Ok(Some(span))
    };
    let jobs = opts.jobs.max(1);
    let results = match &workers {
        Some(pool) => {
            let lanes = jobs.min(inputs.len()).max(1);
            Lanes::new(inputs, &names, (rules, opts), &done).all(pool, lanes, &publish)?
        }
        None => in_this_process(inputs, &names, (rules, opts), &done, &publish)?,
    };
    progress.finish();
    if let Some(w) = &workers {
        w.dismiss();
    }
    Ok((results.into_iter().flatten().collect(), workers))
}

/// Opens the manifest for this run to append to and, with `resume`, reads what an earlier run
/// of the folder lists. A run killed while appending can leave its last line cut short (no
/// newline at its end): that line is cut off the file, so that this run's lines start on a line
/// of their own, and its input is processed again. Any other line that does not parse is an
/// error naming the line.
fn open_manifest(path: &Path, resume: bool) -> Result<(File, Vec<InputOutcome>), OutputError> {
    let write = |e| OutputError::write(path, e);
    let read = |e| OutputError::read(path, e);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)
        .map_err(write)?;
    let whole = whole_lines_len(&mut file).map_err(read)?;
    let previous = if resume {
        file.seek(SeekFrom::Start(0)).map_err(read)?;
        output::parse_jsonl(path, std::io::BufReader::new((&file).take(whole)))?
    } else {
        Vec::new()
    };
    if whole < file.metadata().map_err(read)?.len() {
        file.set_len(whole).map_err(write)?;
    }
    Ok((file, previous))
}

/// The length of `file` up to and including its last newline.
fn whole_lines_len(file: &mut File) -> std::io::Result<u64> {
    let mut end = file.metadata()?.len();
    let mut buf = [0u8; 8192];
    while end > 0 {
        let start = end.saturating_sub(buf.len() as u64);
        let chunk = &mut buf[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        if let Some(i) = chunk.iter().rposition(|&b| b == b'\n') {
            return Ok(start + i as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

/// Runs every input in this process, `opts.jobs` at a time; the outcomes in input order.
fn in_this_process(
    inputs: &[Input],
    names: &[String],
    (rules, opts): (&Rules, &RunOptions),
    done: &HashMap<(String, String), InputOutcome>,
    publish: &Publish,
) -> Result<Vec<Option<Span>>, OutputError> {
    // With as many jobs as the threads that loaded the rules, the inputs run on those threads: a
    // regex's lazy automaton, warmed on its thread (by an earlier input, or by the examples of a
    // profile on disk), stays warm for the next inputs (measured in the README).
    let jobs = opts.jobs.max(1);
    let own_pool = (jobs != rayon::current_num_threads())
        .then(|| rayon::ThreadPoolBuilder::new().num_threads(jobs).build())
        .transpose()
        .map_err(|e| OutputError::write(&opts.out_dir, std::io::Error::other(e.to_string())))?;
    let all = || {
        inputs
            .par_iter()
            .zip(names.par_iter())
            .map(|(input, name)| publish(one_input(input, name, (rules, opts), done)?))
            .collect::<Result<Vec<_>, _>>()
    };
    match &own_pool {
        Some(pool) => pool.install(all),
        None => all(),
    }
}

/// The inputs run in worker processes: one thread per worker (a lane), each taking the next
/// input not yet taken and keeping its worker supplied (see [`super::pool::Lane`]).
struct Lanes<'r> {
    inputs: &'r [Input],
    names: &'r [String],
    rules: &'r Rules,
    opts: &'r RunOptions,
    done: &'r HashMap<(String, String), InputOutcome>,
    /// The next input to take.
    next: AtomicUsize,
    /// Set when a lane stopped on an error: the others take no more inputs.
    stop: AtomicBool,
}

type Publish<'f> = dyn Fn(Option<InputOutcome>) -> Result<Option<Span>, OutputError> + Sync + 'f;

impl<'r> Lanes<'r> {
    fn new(
        inputs: &'r [Input],
        names: &'r [String],
        (rules, opts): (&'r Rules, &'r RunOptions),
        done: &'r HashMap<(String, String), InputOutcome>,
    ) -> Lanes<'r> {
        Lanes {
            inputs,
            names,
            rules,
            opts,
            done,
            next: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        }
    }

    /// Runs every input in `lanes` lanes of `pool`; the outcomes in input order.
    fn all(
        &self,
        pool: &WorkerPool,
        lanes: usize,
        publish: &Publish,
    ) -> Result<Vec<Option<Span>>, OutputError> {
        let mut found: Vec<(usize, Option<Span>)> = Vec::with_capacity(self.inputs.len());
        let mut first_error = None;
        std::thread::scope(|s| {
            let running: Vec<_> = (0..lanes)
                .map(|_| s.spawn(|| self.lane(pool, publish)))
                .collect();
            for lane in running {
                match lane.join() {
                    Ok(Ok(mut part)) => found.append(&mut part),
                    Ok(Err(e)) => {
                        first_error.get_or_insert(e);
                    }
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
        });
        if let Some(e) = first_error {
            return Err(e);
        }
        found.sort_by_key(|(i, _)| *i);
        Ok(found.into_iter().map(|(_, o)| o).collect())
    }

    /// One lane: inputs taken, run and published until none is left (or a lane failed).
    fn lane(
        &self,
        pool: &WorkerPool,
        publish: &Publish,
    ) -> Result<Vec<(usize, Option<Span>)>, OutputError> {
        let result = self.feed(&mut pool.lane(), publish);
        if result.is_err() {
            self.stop.store(true, Ordering::Relaxed);
        }
        result
    }

    fn feed(
        &self,
        lane: &mut super::pool::Lane<'_, '_, (usize, Job)>,
        publish: &Publish,
    ) -> Result<Vec<(usize, Option<Span>)>, OutputError> {
        let mut found = Vec::new();
        loop {
            while lane.has_room() && !self.stop.load(Ordering::Relaxed) {
                let i = self.next.fetch_add(1, Ordering::Relaxed);
                let (Some(input), Some(name)) = (self.inputs.get(i), self.names.get(i)) else {
                    break;
                };
                match prepare(input, name, (self.rules, self.opts), self.done)? {
                    Prepared::Decided(outcome) => found.push((i, publish(outcome.map(|o| *o))?)),
                    Prepared::ToRun(job) => {
                        lane.send(&job.path.clone(), &job.dir.clone(), (i, job))
                    }
                }
            }
            let Some(((i, job), outcome, ran)) = lane.next_outcome() else {
                return Ok(found);
            };
            let outcome = complete(job, outcome, ran, self.rules)?;
            found.push((i, publish(Some(outcome))?));
        }
    }
}

/// Whether an earlier run's outcome can stand for this run's: done (not skipped, not failed:
/// a failed input is tried again) by this tool with these rules.
fn reusable(o: &InputOutcome, rules: &Rules) -> bool {
    !matches!(o.status, Status::Skipped | Status::Failed)
        && o.tool == tool_version()
        && o.rules == rules.fingerprint
}

/// Processes one input in this process, or reuses its earlier result; `None` when it belongs to
/// another shard.
fn one_input(
    input: &Input,
    name: &str,
    (rules, opts): (&Rules, &RunOptions),
    done: &HashMap<(String, String), InputOutcome>,
) -> Result<Option<InputOutcome>, OutputError> {
    match prepare(input, name, (rules, opts), done)? {
        Prepared::Decided(outcome) => Ok(outcome.map(|o| *o)),
        Prepared::ToRun(job) => {
            let started = Instant::now();
            let outcome = worker::in_process(&job.path, &job.dir, rules, opts.window.as_ref())?;
            complete(job, outcome, started.elapsed(), rules).map(Some)
        }
    }
}

/// An input before it runs: decided without running it (skipped, reused, another shard's), or
/// to run.
enum Prepared {
    Decided(Option<Box<InputOutcome>>),
    ToRun(Job),
}

fn decided(outcome: Option<InputOutcome>) -> Prepared {
    Prepared::Decided(outcome.map(Box::new))
}

/// An input to run, with what was learnt of it before.
struct Job {
    path: PathBuf,
    dir: PathBuf,
    sha: String,
    size: u64,
    format: Option<String>,
    /// How long reading its digest took.
    prepared_in: Duration,
}

/// Reads an input's digest and decides whether it needs running.
fn prepare(
    input: &Input,
    name: &str,
    (rules, opts): (&Rules, &RunOptions),
    done: &HashMap<(String, String), InputOutcome>,
) -> Result<Prepared, OutputError> {
    let path = match input {
        Input::Skipped { path, reason } => {
            return Ok(decided(Some(InputOutcome {
                file: path.display().to_string(),
                status: Status::Skipped,
                reason: Some("not_report".to_string()),
                error: Some(format!("{}: {}", path.display(), reason.en)),
                error_es: Some(format!("{}: {}", path.display(), reason.es)),
                tool: tool_version(),
                rules: rules.fingerprint.clone(),
                ..InputOutcome::empty()
            })));
        }
        Input::File(p) => p,
    };
    let shown = path.display().to_string();
    let started = Instant::now();
    let digest = match crate::hash::sha256_file(path) {
        Ok(d) => d,
        Err(e) => {
            return Ok(decided(Some(InputOutcome {
                file: shown.clone(),
                status: Status::Failed,
                reason: Some("io".to_string()),
                error: Some(format!("{shown}: cannot read: {e}")),
                error_es: Some(format!(
                    "{shown}: no se puede leer: {}",
                    crate::locale::io_error_es(&e)
                )),
                tool: tool_version(),
                rules: rules.fingerprint.clone(),
                ..InputOutcome::empty()
            })))
        }
    };
    let sha = digest.sha256;
    if let Some((k, n)) = opts.shard {
        if shard_of(&sha, n) != k {
            return Ok(decided(None));
        }
    }
    let format = crate::ingest::sniff(&digest.head).map(str::to_string);
    let size = digest.size;
    if let Some(prev) = done.get(&(sha.clone(), shown.clone())) {
        let dir_ok = prev
            .output
            .as_ref()
            .is_none_or(|d| Path::new(d).join("actions.jsonl").exists());
        if dir_ok {
            return Ok(decided(Some(prev.clone())));
        }
    }
    Ok(Prepared::ToRun(Job {
        path: path.clone(),
        dir: opts.out_dir.join(name),
        sha,
        size,
        format,
        prepared_in: started.elapsed(),
    }))
}

/// An input's outcome as run, with what the run knows of the input.
/// `ran` is how long the input was processed (in a worker, from when the worker started it).
fn complete(
    job: Job,
    mut outcome: InputOutcome,
    ran: Duration,
    rules: &Rules,
) -> Result<InputOutcome, OutputError> {
    if outcome.status == Status::Failed {
        super::cleanup::remove_leftovers(&job.dir)?;
    }
    outcome.file = job.path.display().to_string();
    outcome.sha256 = Some(job.sha);
    outcome.size = job.size;
    if outcome.format.is_none() {
        outcome.format = job.format;
    }
    outcome.duration_ms = (job.prepared_in + ran).as_millis() as u64;
    outcome.tool = tool_version();
    outcome.rules = rules.fingerprint.clone();
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::open_manifest;
    use crate::error::OutputError;
    use crate::output::InputOutcome;

    fn line(file: &str) -> String {
        let o = InputOutcome {
            file: file.to_string(),
            ..InputOutcome::empty()
        };
        serde_json::to_string(&o).unwrap() + "\n"
    }

    #[test]
    fn a_manifest_line_cut_short_is_cut_off_before_appending() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.jsonl");
        let (a, b) = (line("a.txt"), line("b.txt"));
        std::fs::write(&path, format!("{a}{}", &b[..b.len() / 2])).unwrap();
        let (mut file, previous) = open_manifest(&path, true).unwrap();
        let files: Vec<&str> = previous.iter().map(|o| o.file.as_str()).collect();
        assert_eq!(files, ["a.txt"]);
        std::io::Write::write_all(&mut file, b.as_bytes()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), format!("{a}{b}"));
    }

    #[test]
    fn a_cut_line_longer_than_the_read_buffer_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.jsonl");
        let a = line("a.txt");
        let long = InputOutcome {
            file: "b.txt".to_string(),
            warnings: vec!["w".repeat(100); 300],
            ..InputOutcome::empty()
        };
        let b = serde_json::to_string(&long).unwrap();
        assert!(b.len() > 3 * 8192);
        std::fs::write(&path, format!("{a}{}", &b[..b.len() - 10])).unwrap();
        let (_, previous) = open_manifest(&path, true).unwrap();
        assert_eq!(previous.len(), 1);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), a);
    }

    #[test]
    fn without_resume_the_manifest_is_not_read_but_still_cut_to_whole_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.jsonl");
        let a = line("a.txt");
        std::fs::write(&path, format!("{a}{{\"file\":")).unwrap();
        let (_, previous) = open_manifest(&path, false).unwrap();
        assert!(previous.is_empty());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), a);
    }

    #[test]
    fn a_corrupt_whole_line_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.jsonl");
        let (a, b) = (line("a.txt"), line("b.txt"));
        std::fs::write(&path, format!("{a}not json\n{b}")).unwrap();
        let e = open_manifest(&path, true).unwrap_err();
        assert!(matches!(e, OutputError::Jsonl { line: 2, .. }), "{e:?}");
        // Nothing was cut from the file.
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("{a}not json\n{b}")
        );
    }

    #[test]
    fn a_new_manifest_is_created_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.jsonl");
        let (_, previous) = open_manifest(&path, true).unwrap();
        assert!(previous.is_empty());
        assert_eq!(std::fs::read(&path).unwrap(), b"");
    }
}
