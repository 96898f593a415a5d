//! Bulk runs: many inputs, in parallel, each in an isolated worker process, with a manifest that
//! lists every input exactly once, consolidated outputs, resume, shards and merge.
//!
//! The run writes, under its output folder:
//! - one folder per input with that input's outputs (written atomically by whoever processed it);
//! - `manifest.jsonl`: one line per input (path, sha256, size, format, pages, status, reason,
//!   counts, duration), appended as inputs finish and rewritten in input order at the end;
//! - `actions.jsonl`, `figures.csv`, `flags.jsonl`: the per-input files concatenated, each row
//!   naming its source file (and each action its submitting agency), plus cross-file flags;
//! - `objectives.csv`: actions per objective across all inputs;
//! - `run.json`: the run summary.
//!
//! A worker is this same binary run as `informe worker …` under a time limit (the parent kills
//! it) and a memory limit (`RLIMIT_AS`, set by the worker on itself): a panic, an abort, a hang or
//! runaway memory in a PDF library fails that input alone.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::audit::{Flag, Severity, Window};
use crate::error::OutputError;
use crate::output::{self, InputOutcome, RunSummary, Status};
use crate::{Input, Rules};
use rayon::prelude::*;

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

/// The worker program and its limits.
#[derive(Debug, Clone)]
pub struct Worker {
    pub program: PathBuf,
    pub rules_dir: PathBuf,
    pub timeout: Duration,
    /// Address-space limit of a worker, in bytes.
    pub max_memory: u64,
}

/// Receives progress events; the binary shows them (a bar, or a line every few files).
pub trait Progress: Sync {
    fn start(&self, _total: usize) {}
    fn file_done(&self, _outcome: &InputOutcome) {}
    fn finish(&self) {}
}

/// Progress that shows nothing.
pub struct Silent;
impl Progress for Silent {}

/// The tool's identity, recorded with each outcome for `--resume`.
pub fn tool_version() -> String {
    format!("informe {}", env!("CARGO_PKG_VERSION"))
}

/// Parses `K/N` (0 ≤ K < N).
pub fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?}: expected K/N, e.g. 0/4 (shards count from 0)"))?;
    let k: u64 = k
        .trim()
        .parse()
        .map_err(|_| format!("{s:?}: K is not a number"))?;
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| format!("{s:?}: N is not a number"))?;
    if n == 0 || k >= n {
        return Err(format!("{s:?}: need 0 ≤ K < N"));
    }
    Ok((k, n))
}

/// The shard a content hash belongs to among `n`.
pub fn shard_of(sha256: &str, n: u64) -> u64 {
    u64::from_str_radix(&sha256[..sha256.len().min(15)], 16).unwrap_or(0) % n
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs every input; see the module documentation.
pub fn run_bulk(
    inputs: &[Input],
    rules: &Rules,
    opts: &RunOptions,
    progress: &dyn Progress,
) -> Result<RunSummary, OutputError> {
    let out = &opts.out_dir;
    std::fs::create_dir_all(out).map_err(|source| OutputError {
        path: out.clone(),
        source,
    })?;
    let previous = if opts.resume {
        output::read_jsonl::<InputOutcome>(&out.join("manifest.jsonl"))
    } else {
        Vec::new()
    };
    let done: HashMap<(String, String), InputOutcome> = previous
        .into_iter()
        .filter(|o| {
            o.status != Status::Skipped && o.tool == tool_version() && o.rules == rules.fingerprint
        })
        .filter_map(|o| o.sha256.clone().map(|h| ((h, o.file.clone()), o)))
        .collect();

    // Output folder of each input: its stem, or stem + hash prefix when the stem is taken.
    let names = folder_names(inputs);
    let manifest = Mutex::new(
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(out.join("manifest.jsonl"))
            .map_err(|source| OutputError {
                path: out.join("manifest.jsonl"),
                source,
            })?,
    );
    progress.start(inputs.len());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
        .map_err(|e| OutputError {
            path: out.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
    let results: Vec<Option<InputOutcome>> = pool.install(|| {
        inputs
            .par_iter()
            .zip(names.par_iter())
            .map(|(input, name)| {
                let outcome = one_input(input, name, rules, opts, &done)?;
                if let Some(o) = &outcome {
                    if let Ok(line) = serde_json::to_string(o) {
                        if let Ok(mut m) = manifest.lock() {
                            let _ = writeln!(m, "{line}");
                            let _ = m.flush();
                        }
                    }
                    progress.file_done(o);
                }
                Ok::<_, OutputError>(outcome)
            })
            .collect::<Result<Vec<_>, _>>()
    })?;
    progress.finish();
    let outcomes: Vec<InputOutcome> = results.into_iter().flatten().collect();
    finish_run(out, outcomes, rules, opts.formats)
}

/// The outputs for people (workbook, review page), then only the formats asked for.
fn review_outputs(
    out: &Path,
    run: &RunSummary,
    rules: &Rules,
    f: Formats,
) -> Result<(), OutputError> {
    if f.xlsx {
        crate::workbook::write_workbook(out)?;
    }
    if f.html {
        crate::review::write_review(out, run, rules)?;
    }
    let drop = |names: &[&str]| {
        for n in names {
            let _ = std::fs::remove_file(out.join(n));
        }
    };
    if !f.jsonl {
        drop(&["actions.jsonl", "flags.jsonl"]);
    }
    if !f.csv {
        drop(&["figures.csv", "objectives.csv"]);
    }
    Ok(())
}

fn folder_names(inputs: &[Input]) -> Vec<String> {
    let mut used = std::collections::HashSet::new();
    inputs
        .iter()
        .map(|i| {
            let path = match i {
                Input::File(p) | Input::Skipped { path: p, .. } => p,
            };
            let stem = crate::extract::file_stem(&path.display().to_string());
            if used.insert(stem.clone()) {
                stem
            } else {
                let tag = sha256_hex(path.display().to_string().as_bytes());
                let name = format!("{stem}-{}", &tag[..8]);
                used.insert(name.clone());
                name
            }
        })
        .collect()
}

/// Processes one input, or reuses its earlier result; `None` when it belongs to another shard.
fn one_input(
    input: &Input,
    name: &str,
    rules: &Rules,
    opts: &RunOptions,
    done: &HashMap<(String, String), InputOutcome>,
) -> Result<Option<InputOutcome>, OutputError> {
    let path = match input {
        Input::Skipped { path, reason } => {
            return Ok(Some(InputOutcome {
                file: path.display().to_string(),
                status: Status::Skipped,
                reason: Some("not_report".to_string()),
                error: Some(format!("{}: {reason}", path.display())),
                tool: tool_version(),
                rules: rules.fingerprint.clone(),
                ..InputOutcome::empty()
            }));
        }
        Input::File(p) => p,
    };
    let shown = path.display().to_string();
    let started = Instant::now();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return Ok(Some(InputOutcome {
                file: shown.clone(),
                status: Status::Failed,
                reason: Some("io".to_string()),
                error: Some(format!("{shown}: cannot read: {e}")),
                tool: tool_version(),
                rules: rules.fingerprint.clone(),
                ..InputOutcome::empty()
            }))
        }
    };
    let sha = sha256_hex(&bytes);
    if let Some((k, n)) = opts.shard {
        if shard_of(&sha, n) != k {
            return Ok(None);
        }
    }
    let format = crate::ingest::sniff(&bytes).map(str::to_string);
    let size = bytes.len() as u64;
    drop(bytes);
    if let Some(prev) = done.get(&(sha.clone(), shown.clone())) {
        let dir_ok = prev
            .output
            .as_ref()
            .is_none_or(|d| Path::new(d).join("actions.jsonl").exists());
        if dir_ok {
            return Ok(Some(prev.clone()));
        }
    }
    let dir = opts.out_dir.join(name);
    let mut outcome = match &opts.worker {
        Some(w) => in_worker(path, &dir, w, opts.window.as_ref()),
        None => in_process(path, &dir, rules, opts.window.as_ref())?,
    };
    outcome.file = shown;
    outcome.sha256 = Some(sha);
    outcome.size = size;
    if outcome.format.is_none() {
        outcome.format = format;
    }
    outcome.duration_ms = started.elapsed().as_millis() as u64;
    outcome.tool = tool_version();
    outcome.rules = rules.fingerprint.clone();
    Ok(Some(outcome))
}

/// Processes one file in this process and writes its outputs into `dir`.
pub fn in_process(
    path: &Path,
    dir: &Path,
    rules: &Rules,
    window: Option<&Window>,
) -> Result<InputOutcome, OutputError> {
    Ok(match crate::process_file(path, rules) {
        Ok(ex) => {
            let flags = crate::audit::audit(&ex, rules, window);
            output::write_extracted(dir, &ex)?;
            output::write_flags(dir, &flags)?;
            let mut o = crate::output::outcome_of(&ex, dir);
            o.flags = crate::output::flag_counts(&flags);
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

/// Runs `informe worker` on one file under the time and memory limits.
fn in_worker(path: &Path, dir: &Path, w: &Worker, window: Option<&Window>) -> InputOutcome {
    let shown = path.display().to_string();
    let failed = |reason: &str, error: String| InputOutcome {
        file: shown.clone(),
        status: Status::Failed,
        reason: Some(reason.to_string()),
        error: Some(error),
        ..InputOutcome::empty()
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        return failed(
            "io",
            format!("{shown}: cannot create {}: {e}", dir.display()),
        );
    }
    let outcome_file = dir.join("outcome.json");
    let _ = std::fs::remove_file(&outcome_file);
    let mut cmd = std::process::Command::new(&w.program);
    cmd.arg("worker")
        .arg("--rules")
        .arg(&w.rules_dir)
        .arg("--out")
        .arg(dir)
        .arg("--max-memory")
        .arg(w.max_memory.to_string());
    if let Some(win) = window {
        cmd.arg("--period")
            .arg(format!("{}..{}", win.start, win.end));
    }
    cmd.arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return failed(
                "worker",
                format!(
                    "{shown}: cannot start a worker ({}): {e}",
                    w.program.display()
                ),
            )
        }
    };
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() > w.timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => break None,
        }
    };
    let stderr = child
        .stderr
        .take()
        .map(|mut s| {
            let mut buf = String::new();
            let _ = std::io::Read::read_to_string(&mut std::io::Read::take(&mut s, 4096), &mut buf);
            buf
        })
        .unwrap_or_default();
    let Some(status) = status else {
        return failed(
            "timeout",
            format!(
                "{shown}: no result after {} s (the worker was stopped)",
                w.timeout.as_secs()
            ),
        );
    };
    match std::fs::read(&outcome_file)
        .ok()
        .and_then(|b| serde_json::from_slice::<InputOutcome>(&b).ok())
    {
        Some(o) if status.success() => {
            let _ = std::fs::remove_file(&outcome_file);
            o
        }
        _ => {
            let how = match status.code() {
                Some(code) => format!("exit code {code}"),
                None => {
                    #[cfg(unix)]
                    {
                        use std::os::unix::process::ExitStatusExt;
                        format!("signal {}", status.signal().unwrap_or(0))
                    }
                    #[cfg(not(unix))]
                    {
                        "no exit code".to_string()
                    }
                }
            };
            let memory =
                stderr.contains("memory allocation") || stderr.contains("capacity overflow");
            let first = stderr
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .trim();
            failed(
                if memory { "memory" } else { "crashed" },
                format!(
                    "{shown}: the worker died ({how}){}{}",
                    if memory {
                        format!(", out of memory (limit {} MiB)", w.max_memory >> 20)
                    } else {
                        String::new()
                    },
                    if first.is_empty() {
                        String::new()
                    } else {
                        format!(": {first}")
                    }
                ),
            )
        }
    }
}

/// The body of `informe worker`: limits itself, processes one file, writes its outcome.
pub fn worker_main(
    path: &Path,
    dir: &Path,
    rules: &Rules,
    window: Option<&Window>,
    max_memory: u64,
) -> Result<(), OutputError> {
    #[cfg(unix)]
    {
        let _ = rlimit::setrlimit(rlimit::Resource::AS, max_memory, max_memory);
    }
    let outcome = in_process(path, dir, rules, window)?;
    let json = serde_json::to_vec(&outcome).unwrap_or_default();
    output::write_atomic(&dir.join("outcome.json"), &json)
}

/// Concatenates the per-input outputs into run-level files, file by file (memory stays flat),
/// and adds the cross-file flags.
fn consolidate(out: &Path, outcomes: &[InputOutcome], rules: &Rules) -> Result<(), OutputError> {
    let err = |p: &Path| {
        let p = p.to_path_buf();
        move |source| OutputError {
            path: p.clone(),
            source,
        }
    };
    let mut actions = tempfile::NamedTempFile::new_in(out).map_err(err(out))?;
    let mut flags = tempfile::NamedTempFile::new_in(out).map_err(err(out))?;
    let mut figures = tempfile::NamedTempFile::new_in(out).map_err(err(out))?;
    let mut challenges = tempfile::NamedTempFile::new_in(out).map_err(err(out))?;
    let mut figures_header = false;
    let mut per_objective: BTreeMap<u32, (usize, usize)> = BTreeMap::new();
    let mut signatures: Vec<(Signature, String, String, u32)> = Vec::new();
    let dup = rules
        .audit
        .checks
        .get(&crate::audit::CheckId::NearDuplicate)
        .filter(|c| c.enabled)
        .cloned();
    for o in outcomes.iter().filter(|o| o.status == Status::Ok) {
        let Some(dir) = o.output.as_deref().map(Path::new) else {
            continue;
        };
        if let Ok(f) = std::fs::File::open(dir.join("actions.jsonl")) {
            for line in std::io::BufReader::new(f).lines().map_while(Result::ok) {
                if let Ok(a) = serde_json::from_str::<crate::extract::ActionRecord>(&line) {
                    if dup.is_some() {
                        signatures.push((
                            signature(&a.text),
                            a.id.clone(),
                            a.provenance.file.clone(),
                            a.objective,
                        ));
                    }
                }
                writeln!(actions, "{line}").map_err(err(out))?;
            }
        }
        for (n, count) in &o.per_objective {
            let e = per_objective.entry(*n).or_insert((0, 0));
            e.0 += count;
            if *count > 0 {
                e.1 += 1;
            }
        }
        if let Ok(f) = std::fs::File::open(dir.join("flags.jsonl")) {
            for line in std::io::BufReader::new(f).lines().map_while(Result::ok) {
                writeln!(flags, "{line}").map_err(err(out))?;
            }
        }
        if let Ok(f) = std::fs::File::open(dir.join("challenges.jsonl")) {
            for line in std::io::BufReader::new(f).lines().map_while(Result::ok) {
                writeln!(challenges, "{line}").map_err(err(out))?;
            }
        }
        if let Ok(f) = std::fs::File::open(dir.join("figures.csv")) {
            for (i, line) in std::io::BufReader::new(f)
                .lines()
                .map_while(Result::ok)
                .enumerate()
            {
                if i == 0 {
                    if figures_header {
                        continue;
                    }
                    figures_header = true;
                }
                writeln!(figures, "{line}").map_err(err(out))?;
            }
        }
    }
    if let Some(c) = dup {
        for flag in cross_file_duplicates(&signatures, c.severity, rules) {
            if let Ok(l) = serde_json::to_string(&flag) {
                writeln!(flags, "{l}").map_err(err(out))?;
            }
        }
    }
    for (tmp, name) in [
        (actions, "actions.jsonl"),
        (flags, "flags.jsonl"),
        (figures, "figures.csv"),
        (challenges, "challenges.jsonl"),
    ] {
        output::publish(tmp, &out.join(name))?;
    }
    let mut csv = String::from("\u{FEFF}objective,title,actions,inputs_with_actions\n");
    for o in &rules.objectives.objectives {
        let (n, files) = per_objective.get(&o.number).copied().unwrap_or((0, 0));
        csv.push_str(&format!(
            "{},\"{}\",{n},{files}\n",
            o.number,
            o.es.replace('"', "\"\"")
        ));
    }
    output::write_atomic(&out.join("objectives.csv"), csv.as_bytes())
}

/// MinHash signature of an action's word trigrams.
type Signature = [u64; 16];

fn signature(text: &str) -> Signature {
    use std::hash::{Hash, Hasher};
    let folded = crate::textkey::fold_key(text);
    let words: Vec<&str> = folded.split(' ').collect();
    let mut sig = [u64::MAX; 16];
    for w in words.windows(3) {
        for (k, slot) in sig.iter_mut().enumerate() {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (k as u64).hash(&mut h);
            w.hash(&mut h);
            *slot = (*slot).min(h.finish());
        }
    }
    sig
}

/// Near-duplicate actions submitted in different files (MinHash with 4 bands of 4 rows).
fn cross_file_duplicates(
    sigs: &[(Signature, String, String, u32)],
    severity: Severity,
    rules: &Rules,
) -> Vec<Flag> {
    let threshold = rules
        .audit
        .checks
        .get(&crate::audit::CheckId::NearDuplicate)
        .and_then(|c| c.threshold())
        .unwrap_or(0.5);
    let mut buckets: HashMap<(usize, [u64; 4]), Vec<usize>> = HashMap::new();
    for (i, (sig, ..)) in sigs.iter().enumerate() {
        if sig[0] == u64::MAX {
            continue;
        }
        for band in 0..4 {
            let mut key = [0u64; 4];
            key.copy_from_slice(&sig[band * 4..band * 4 + 4]);
            buckets.entry((band, key)).or_default().push(i);
        }
    }
    // Link each action to the first action of its bucket (a star, not every pair): flags grow
    // with the number of actions, not with the square of the copies of one programme.
    let mut linked: Vec<Option<(usize, f64)>> = vec![None; sigs.len()];
    let mut keys: Vec<&(usize, [u64; 4])> = buckets.keys().collect();
    keys.sort();
    for key in keys {
        let members = &buckets[key];
        let Some(&first) = members.first() else {
            continue;
        };
        for &j in &members[1..] {
            let (a, b) = (&sigs[first], &sigs[j]);
            if a.2 == b.2 || linked[j].is_some() {
                continue;
            }
            let same = a.0.iter().zip(&b.0).filter(|(p, q)| p == q).count();
            let sim = same as f64 / 16.0;
            if sim >= threshold {
                linked[j] = Some((first, sim));
            }
        }
    }
    let mut flags = Vec::new();
    for (j, link) in linked.iter().enumerate() {
        let Some((i, sim)) = *link else { continue };
        let (a, b) = (&sigs[i], &sigs[j]);
        flags.push(Flag {
            kind: "near_duplicate".into(),
            severity,
            objective: Some(b.3),
            message: format!(
                "La acción {} ({}) es casi igual a la acción {} ({}): ~{:.0} % de coincidencia; la misma acción reportada dos veces.",
                b.1, b.2, a.1, a.2, sim * 100.0
            ),
            evidence: String::new(),
            provenance: None,
            action: Some(b.1.clone()),
            related: vec![a.1.clone()],
        });
    }
    flags.sort_by(|x, y| x.action.cmp(&y.action));
    flags
}

/// Combines the output folders of shards into one: manifests, per-input folders (linked by
/// path), consolidated files and the cross-file audit.
pub fn merge(dirs: &[PathBuf], out: &Path, rules: &Rules) -> Result<RunSummary, OutputError> {
    std::fs::create_dir_all(out).map_err(|source| OutputError {
        path: out.to_path_buf(),
        source,
    })?;
    let mut outcomes: Vec<InputOutcome> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for d in dirs {
        for o in output::read_jsonl::<InputOutcome>(&d.join("manifest.jsonl")) {
            // An input listed by two shards (a skipped file is listed by every shard) once.
            if seen.insert((o.file.clone(), o.sha256.clone())) {
                outcomes.push(o);
            }
        }
    }
    outcomes.sort_by(|a, b| a.file.cmp(&b.file));
    finish_run(out, outcomes, rules, Formats::ALL)
}

/// The end of a run (extract or merge): the manifest (one line per input, in the order given),
/// the consolidated files, run.json and the review outputs.
fn finish_run(
    out: &Path,
    outcomes: Vec<InputOutcome>,
    rules: &Rules,
    formats: Formats,
) -> Result<RunSummary, OutputError> {
    output::write_atomic(&out.join("manifest.jsonl"), &output::jsonl(&outcomes))?;
    consolidate(out, &outcomes, rules)?;
    let summary = RunSummary {
        tool: tool_version(),
        profile: rules.profile.clone(),
        out_dir: out.display().to_string(),
        inputs: outcomes,
    };
    output::write_run(out, &summary)?;
    review_outputs(out, &summary, rules, formats)?;
    Ok(summary)
}

/// Reads a size such as `2G`, `512M`, `1048576`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1u64 << 10),
        Some('m' | 'M') => (&t[..t.len() - 1], 1 << 20),
        Some('g' | 'G') => (&t[..t.len() - 1], 1 << 30),
        _ => (t, 1),
    };
    num.trim()
        .parse::<u64>()
        .map(|n| n * mult)
        .map_err(|_| format!("{s:?}: expected a size such as 2G, 512M or a number of bytes"))
}
