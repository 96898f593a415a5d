//! A pool of long-lived worker processes, forked (by the pool's [zygote](super::fork)) once the
//! run's rules are compiled, so that a worker compiles nothing; each takes inputs one after
//! another over a pipe. A worker that panics, aborts, runs out of memory or passes its time
//! limit on an input fails that input alone: it is stopped, and the next input gets a fresh
//! worker. Workers die with the run (`PR_SET_PDEATHSIG`, and their stdin closes when the run
//! goes).
//!
//! The protocol is one line per input on the worker's stdin (`<hex of the input path>
//! <hex of its output folder>`); the worker writes the input's outputs into the folder, then
//! answers with the line `informe-worker-done <n> <e> <outcome as JSON>` on its stdout (`n`
//! counts the inputs it took, from 1; `e` is the length of its stderr then, where what it writes
//! for its next input starts). Any other line on stdout is ignored. The run keeps up to two
//! inputs in a worker's pipe (see [`Lane`]).

use std::collections::VecDeque;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::fork::{self, Zygote};
use super::worker::WorkerSetup;
use super::Worker;
use crate::audit::Window;
use crate::locale::Said;
use crate::output::{InputOutcome, Status};
use crate::Rules;

/// What a worker says when it is done with its `n`th input.
pub(super) const DONE: &str = "informe-worker-done";

/// Largest part of a dead worker's stderr kept for the reason (bytes).
const STDERR_KEPT: u64 = 4096;

/// Running workers, idle between inputs.
pub(super) struct WorkerPool<'a> {
    worker: &'a Worker,
    idle: Mutex<Vec<WorkerProc>>,
    /// Workers told to end (stdin closed), not yet reaped.
    dismissed: Mutex<Vec<libc::pid_t>>,
    /// Forks the workers, each a copy of the run with its rules.
    zygote: Zygote,
}

/// One worker process and its pipes.
struct WorkerProc {
    pid: libc::pid_t,
    stdin: File,
    /// Its stdout, read on the thread that sent the input, waiting with a time limit.
    stdout: AnswerReader,
    /// Its stderr, a temporary file opened for appending, emptied before each input.
    stderr: File,
    /// Inputs sent to it so far.
    sent: u64,
    /// The zygote's address space when it forked the worker, in bytes: the worker's starts
    /// there.
    forked_at: u64,
}

/// How an input given to a worker ended.
enum Ended {
    /// Its answer, and where in its stderr the next input's writing starts.
    Done {
        json: String,
        said_end: u64,
    },
    TimedOut,
    Died,
}

impl<'a> WorkerPool<'a> {
    /// A pool for `at_once` workers running side by side. It forks its zygote: call it while
    /// no other thread of the run is starting or ending.
    pub(super) fn new(
        worker: &'a Worker,
        rules: &'a Rules,
        window: Option<&'a Window>,
        at_once: usize,
    ) -> std::io::Result<WorkerPool<'a>> {
        let threads = threads_per_worker(at_once);
        // Compiled once here, before the zygote forks, rather than in every worker.
        rules.compile_all();
        let setup = WorkerSetup {
            window,
            max_memory: worker.max_memory,
            threads,
        };
        WorkerPool::start(worker, move |stdin, stdout| {
            super::worker::serve(rules, &setup, stdin, stdout)
        })
    }

    /// A pool whose workers run `body` on their stdin and stdout.
    fn start(
        worker: &'a Worker,
        body: impl Fn(File, File) -> i32,
    ) -> std::io::Result<WorkerPool<'a>> {
        Ok(WorkerPool {
            worker,
            idle: Mutex::new(Vec::new()),
            dismissed: Mutex::new(Vec::new()),
            zygote: Zygote::start(body)?,
        })
    }

    /// A lane: one worker at a time, fed inputs one after another (see [`Lane`]).
    pub(super) fn lane<T>(&self) -> Lane<'_, 'a, T> {
        Lane {
            pool: self,
            worker: None,
            in_flight: VecDeque::new(),
            ready: VecDeque::new(),
            head_started: Instant::now(),
            stderr_from: 0,
        }
    }

    /// An idle worker, or a new one.
    fn take(&self) -> std::io::Result<WorkerProc> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(p) => Ok(p),
            None => self.spawn(),
        }
    }

    /// Has the zygote fork a new worker.
    fn spawn(&self) -> std::io::Result<WorkerProc> {
        let stderr = tempfile::tempfile()?;
        // Appending, so that emptying it between inputs puts the worker's writes at its start.
        let child_stderr = append_handle(&stderr)?;
        let forked_at = fork::address_space(&self.zygote.pid().to_string()).unwrap_or(0);
        let forked = self.zygote.spawn(&child_stderr)?;
        Ok(WorkerProc {
            pid: forked.pid,
            stdin: forked.stdin,
            stdout: AnswerReader::new(forked.stdout),
            stderr,
            sent: 0,
            forked_at,
        })
    }

    fn put_back(&self, proc: WorkerProc) {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(proc);
    }
}

impl WorkerPool<'_> {
    /// Tells every idle worker to end (closing its stdin ends it) without waiting for it: the
    /// workers end side by side while the run goes on, and the pool reaps them when it drops.
    pub(super) fn dismiss(&self) {
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(PoisonError::into_inner));
        let pids = idle.into_iter().map(|p| p.pid);
        self.dismissed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(pids);
    }
}

impl Drop for WorkerPool<'_> {
    /// Ends the idle workers (all at once, then each is waited for) and reaps the dismissed
    /// ones; the zygote ends when the pool's zygote handle drops, after this.
    fn drop(&mut self) {
        self.dismiss();
        let pids = std::mem::take(
            self.dismissed
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for pid in pids {
            let _ = self.zygote.wait(pid);
        }
    }
}

/// Inputs a worker holds at once: the one it works on and the next one, already in its pipe,
/// so that it goes on to the next without waiting for the run to read its answer and send more
/// (that round trip was most of what isolation cost on small inputs).
const IN_FLIGHT: usize = 2;

/// Feeds one worker at a time with inputs, each tagged with a `T` the caller gets back with its
/// outcome, in the order sent. A worker works on one input at a time, so what goes wrong with
/// it (a panic, an abort, the memory limit, the time limit) is the input it was working on: that
/// input fails, the worker is replaced, and the inputs sent after it, which it had not started,
/// go to the new worker. The time limit of an input runs from when the worker starts it (the
/// answer to the one before).
pub(super) struct Lane<'p, 'a, T> {
    pool: &'p WorkerPool<'a>,
    worker: Option<WorkerProc>,
    in_flight: VecDeque<Sent<T>>,
    /// Outcomes decided without an answer (no worker could be started), handed out first.
    ready: VecDeque<(T, InputOutcome)>,
    /// When the worker started the first input in flight.
    head_started: Instant,
    /// Where in the worker's stderr its writing for the first input in flight starts.
    stderr_from: u64,
}

/// An input sent to a worker: its number there, its paths, and the caller's tag.
struct Sent<T> {
    n: u64,
    path: PathBuf,
    dir: PathBuf,
    tag: T,
}

impl<T> Lane<'_, '_, T> {
    /// Whether another input may be sent now.
    pub(super) fn has_room(&self) -> bool {
        self.in_flight.len() < IN_FLIGHT
    }

    /// Sends an input to the lane's worker (started if there is none).
    pub(super) fn send(&mut self, path: &Path, dir: &Path, tag: T) {
        self.dispatch(Sent {
            n: 0,
            path: path.to_path_buf(),
            dir: dir.to_path_buf(),
            tag,
        });
    }

    fn dispatch(&mut self, mut sent: Sent<T>) {
        let worker = match self.worker {
            Some(ref mut w) => w,
            None => match self.pool.take() {
                Ok(w) => self.worker.insert(w),
                Err(e) => {
                    let shown = sent.path.display().to_string();
                    let error = Said::new(
                        format!("{shown}: cannot start a worker: {e}"),
                        format!(
                            "{shown}: no se pudo iniciar un proceso de trabajo: {}",
                            crate::locale::io_error_es(&e)
                        ),
                    );
                    self.ready
                        .push_back((sent.tag, failed(&shown, "worker", error)));
                    return;
                }
            },
        };
        if self.in_flight.is_empty() {
            // An idle worker: it starts this input now, and writes to an emptied stderr (a
            // busy one's stderr is kept; its answers say where each input's writing starts).
            self.head_started = Instant::now();
            self.stderr_from = 0;
            if worker.stderr.set_len(0).is_err() {
                self.stderr_from = worker.stderr.metadata().map_or(0, |m| m.len());
            }
        }
        // A worker that cannot be written to has ended: its end is found by waiting for the
        // answer to the first input in flight, this one's if it is the first.
        sent.n = worker.send(&sent.path, &sent.dir).unwrap_or(u64::MAX);
        self.in_flight.push_back(sent);
    }

    /// The outcome of the next input, in the order sent, once the worker answers, ends or
    /// passes the time limit, with how long the worker had it (not counting the time it waited
    /// in the pipe); `None` when nothing was sent that has not been handed back.
    pub(super) fn next_outcome(&mut self) -> Option<(T, InputOutcome, Duration)> {
        if let Some((tag, outcome)) = self.ready.pop_front() {
            return Some((tag, outcome, Duration::ZERO));
        }
        let head = self.in_flight.pop_front()?;
        let shown = head.path.display().to_string();
        let limits = self.pool.worker;
        let Some(worker) = self.worker.as_mut() else {
            let error = Said::new(
                format!("{shown}: no worker to run it"),
                format!("{shown}: no hay proceso de trabajo para procesarlo"),
            );
            return Some((head.tag, failed(&shown, "worker", error), Duration::ZERO));
        };
        let ended = worker.answer(head.n, self.head_started + limits.timeout);
        let ran = self.head_started.elapsed();
        let outcome = match ended {
            Ended::Done { json, said_end } => {
                self.head_started = Instant::now();
                self.stderr_from = said_end;
                // A worker whose address space grew past half its allowance (a big input
                // before) is replaced, and the input it went on to is sent again to the new
                // one: no input must fail for the memory an earlier one left.
                if worker.grown().is_some_and(|b| b > limits.max_memory / 2) {
                    self.replace_worker();
                }
                serde_json::from_str(&json).unwrap_or_else(|e| {
                    let error = Said::new(
                        format!("{shown}: the worker finished without a usable outcome: {e}"),
                        format!(
                            "{shown}: el proceso de trabajo terminó sin un resultado utilizable (detalle técnico: {e})"
                        ),
                    );
                    failed(&shown, "worker", error)
                })
            }
            Ended::TimedOut => {
                self.replace_worker();
                let secs = limits.timeout.as_secs_f64();
                let error = Said::new(
                    format!("{shown}: no result after {secs} s (the worker was stopped)"),
                    format!("{shown}: sin resultado después de {secs} s (se detuvo el proceso de trabajo)"),
                );
                failed(&shown, "timeout", error)
            }
            Ended::Died => {
                let said = worker.said(self.stderr_from);
                let how = self.replace_worker();
                let (reason, error) = death_reason(&shown, &how, &said, limits.max_memory);
                failed(&shown, reason, error)
            }
        };
        Some((head.tag, outcome, ran))
    }

    /// Stops the worker (saying how it ended) and sends the inputs it held, which it had not
    /// started, to a new one.
    fn replace_worker(&mut self) -> String {
        let how = match self.worker.take() {
            Some(w) => w.stop(&self.pool.zygote),
            None => String::new(),
        };
        let held: Vec<Sent<T>> = self.in_flight.drain(..).collect();
        for sent in held {
            // Best effort: what is left behind is removed by the next run of the folder.
            let _ = super::cleanup::remove_leftovers(&sent.dir);
            self.dispatch(sent);
        }
        how
    }
}

impl<T> Drop for Lane<'_, '_, T> {
    /// An idle worker goes back to the pool; one still holding inputs (the run stopped on an
    /// error) is stopped.
    fn drop(&mut self) {
        if let Some(w) = self.worker.take() {
            if self.in_flight.is_empty() {
                self.pool.put_back(w);
            } else {
                w.stop(&self.pool.zygote);
            }
        }
    }
}

/// The outcome of an input that failed in or for want of its worker.
fn failed(shown: &str, reason: &str, error: Said) -> InputOutcome {
    InputOutcome {
        file: shown.to_string(),
        status: Status::Failed,
        reason: Some(reason.to_string()),
        error: Some(error.en),
        error_es: Some(error.es),
        ..InputOutcome::empty()
    }
}

impl WorkerProc {
    /// Writes one input to the worker's stdin; its number among the worker's inputs, or `None`
    /// when the worker cannot be written to (it ended).
    fn send(&mut self, path: &Path, dir: &Path) -> Option<u64> {
        self.sent += 1;
        let request = format!("{} {}\n", hex_path(path), hex_path(dir));
        let written = self
            .stdin
            .write_all(request.as_bytes())
            .and_then(|_| self.stdin.flush());
        written.ok().map(|_| self.sent)
    }

    /// Waits until `deadline` for the worker's answer to its input `n`.
    fn answer(&mut self, n: u64, deadline: Instant) -> Ended {
        let expected = format!("{DONE} {n} ");
        loop {
            match self.stdout.next_line(deadline) {
                Line::Read(line) => {
                    let Some(rest) = line.strip_prefix(&expected) else {
                        continue;
                    };
                    // `<bytes of its stderr so far> <outcome as JSON>`
                    let (said_end, json) = rest.split_once(' ').unwrap_or(("0", rest));
                    return Ended::Done {
                        json: json.to_string(),
                        said_end: said_end.parse().unwrap_or(0),
                    };
                }
                Line::TimedOut => return Ended::TimedOut,
                Line::Ended => return Ended::Died,
            }
        }
    }

    /// The first bytes of what the worker wrote to stderr from byte `from` on.
    fn said(&mut self, from: u64) -> String {
        let mut said = Vec::new();
        let read = self
            .stderr
            .seek(SeekFrom::Start(from))
            .and_then(|_| (&self.stderr).take(STDERR_KEPT).read_to_end(&mut said));
        if let Err(e) = read {
            said.extend_from_slice(format!("(its stderr cannot be read: {e})").as_bytes());
        }
        String::from_utf8_lossy(&said).into_owned()
    }

    /// How much the worker's address space grew since it was forked, in bytes, where the
    /// system tells it.
    fn grown(&self) -> Option<u64> {
        let now = fork::address_space(&self.pid.to_string())?;
        Some(now.saturating_sub(self.forked_at))
    }

    /// Kills the worker and has the zygote reap it; says how it ended ("exit code 101",
    /// "signal 9").
    fn stop(self, zygote: &Zygote) -> String {
        fork::kill(self.pid);
        match zygote.wait(self.pid) {
            Ok(status) => exit_how(&status),
            Err(e) => format!("cannot be waited for: {e}"),
        }
    }
}

/// A worker's stdout, split into lines, each waited for with a time limit on the calling
/// thread (`poll(2)`): no thread of its own, and no hand-over from one.
struct AnswerReader {
    stdout: File,
    /// Bytes read and not yet returned as lines.
    pending: Vec<u8>,
}

/// What [`AnswerReader::next_line`] got.
#[derive(Debug, PartialEq)]
enum Line {
    /// A whole line, without its end (`\n` or `\r\n`); bytes outside UTF-8 replaced.
    Read(String),
    TimedOut,
    /// The worker closed its stdout (it ended), or it cannot be read.
    Ended,
}

/// Bytes asked of the pipe at a time (an answer is one line of JSON, mostly under this).
const READ_CHUNK: usize = 64 * 1024;

impl AnswerReader {
    fn new(stdout: File) -> AnswerReader {
        AnswerReader {
            stdout,
            pending: Vec::new(),
        }
    }

    /// The next line, waiting until `deadline` for it.
    fn next_line(&mut self, deadline: Instant) -> Line {
        let mut searched = 0;
        loop {
            if let Some(end) = self.pending[searched..].iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.pending.drain(..searched + end + 1).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Line::Read(String::from_utf8_lossy(&line).into_owned());
            }
            searched = self.pending.len();
            match self.wait_readable(deadline) {
                Ok(true) => {}
                Ok(false) => return Line::TimedOut,
                Err(_) => return Line::Ended,
            }
            let start = self.pending.len();
            self.pending.resize(start + READ_CHUNK, 0);
            let read = loop {
                match (&self.stdout).read(&mut self.pending[start..]) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    other => break other,
                }
            };
            match read {
                Ok(n) if n > 0 => self.pending.truncate(start + n),
                _ => {
                    self.pending.truncate(start);
                    return Line::Ended;
                }
            }
        }
    }

    /// Whether the pipe has bytes (or its end) to read before `deadline`.
    fn wait_readable(&self, deadline: Instant) -> std::io::Result<bool> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            // Rounded up, so that a wait does not end just short of the deadline and spin.
            let ms = left.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as i32;
            let mut fd = libc::pollfd {
                fd: self.stdout.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd, for a file this reader owns.
            let ready = unsafe { libc::poll(&mut fd, 1, ms) };
            match ready {
                n if n > 0 => return Ok(true),
                0 if Instant::now() >= deadline => return Ok(false),
                0 => continue,
                _ => {
                    let e = std::io::Error::last_os_error();
                    if e.kind() != std::io::ErrorKind::Interrupted {
                        return Err(e);
                    }
                }
            }
        }
    }
}

/// Threads each of `at_once` workers reads a PDF's pages with: the cores shared among them (a
/// worker's own threads only add switching when every core has a worker).
fn threads_per_worker(at_once: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores / at_once.max(1)).max(1)
}

/// A second handle on `file`, opened for appending (the worker's stderr).
fn append_handle(file: &File) -> std::io::Result<File> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let path = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
        std::fs::OpenOptions::new().append(true).open(path)
    }
    #[cfg(not(target_os = "linux"))]
    {
        file.try_clone()
    }
}

/// A path as lowercase hex of its bytes: any file name travels on one line.
pub(super) fn hex_path(p: &Path) -> String {
    path_bytes(p).iter().map(|b| format!("{b:02x}")).collect()
}

/// The path a [`hex_path`] stands for; `None` when it is not hex.
pub(super) fn unhex_path(s: &str) -> Option<PathBuf> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let bytes = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    {
        String::from_utf8(bytes).ok().map(PathBuf::from)
    }
}

fn path_bytes(p: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        p.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        p.to_string_lossy().as_bytes().to_vec()
    }
}

/// "exit code 2", "signal 9".
fn exit_how(status: &std::process::ExitStatus) -> String {
    match status.code() {
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
    }
}

/// The reason and message of an input whose worker died: out of memory, or crashed (with the
/// first line it said).
fn death_reason(shown: &str, how: &str, said: &str, max_memory: u64) -> (&'static str, Said) {
    let memory = said.contains("memory allocation") || said.contains("capacity overflow");
    let first = said
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let (limit, limit_es) = if memory {
        let mib = max_memory >> 20;
        (
            format!(", out of memory (limit {mib} MiB)"),
            format!(", sin memoria (límite {mib} MiB)"),
        )
    } else {
        (String::new(), String::new())
    };
    let first = if first.is_empty() {
        String::new()
    } else {
        format!(": {first}")
    };
    (
        if memory { "memory" } else { "crashed" },
        Said::new(
            format!("{shown}: the worker died ({how}){limit}{first}"),
            format!(
                "{shown}: el proceso de trabajo murió ({}){limit_es}{}",
                how.replace("exit code", "código de salida")
                    .replace("signal", "señal"),
                first.replacen(": ", " (detalle técnico: ", 1)
                    + if first.is_empty() { "" } else { ")" }
            ),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufRead;

    /// A worker that says on stderr what it works on, aborts on an input named `crash…`, takes
    /// five seconds on one named `slow…`, and answers `ok` for the others.
    fn fake_worker(stdin: File, mut stdout: File) -> i32 {
        for (k, line) in std::io::BufReader::new(stdin).lines().enumerate() {
            let line = line.unwrap();
            let path = unhex_path(line.split_once(' ').unwrap().0).unwrap();
            let name = path.display().to_string();
            // Straight to its stderr (a test's `eprintln!` is captured by the test harness).
            let mut stderr = std::fs::OpenOptions::new()
                .append(true)
                .open("/proc/self/fd/2")
                .unwrap();
            writeln!(stderr, "working on {name}").unwrap();
            if name.starts_with("crash") {
                std::process::abort();
            }
            if name.starts_with("slow") {
                std::thread::sleep(Duration::from_secs(5));
            }
            let outcome = InputOutcome {
                file: name,
                status: Status::Ok,
                ..InputOutcome::empty()
            };
            let answer = super::super::worker::answer_line(k as u64 + 1, &outcome).unwrap();
            stdout.write_all(answer.as_bytes()).unwrap();
        }
        0
    }

    #[test]
    fn an_input_held_behind_one_that_ends_its_worker_is_read_by_the_next_worker() {
        let limits = Worker {
            timeout: Duration::from_millis(1500),
            max_memory: 1 << 40,
        };
        let pool = WorkerPool::start(&limits, fake_worker).unwrap();
        let out = tempfile::tempdir().unwrap();
        let mut lane = pool.lane();
        let names = ["a.txt", "crash.txt", "b.txt", "slow.txt", "c.txt", "d.txt"];
        let mut got = Vec::new();
        for name in names {
            while !lane.has_room() {
                got.extend(lane.next_outcome());
            }
            lane.send(Path::new(name), &out.path().join(name), name);
        }
        while let Some(o) = lane.next_outcome() {
            got.push(o);
        }
        let order: Vec<&str> = got.iter().map(|(name, ..)| *name).collect();
        assert_eq!(order, names);
        let status = |i: usize| (got[i].1.status.clone(), got[i].1.reason.as_deref());
        for ok in [0, 2, 4, 5] {
            assert_eq!(status(ok), (Status::Ok, None), "{:?}", got[ok].1);
        }
        assert_eq!(status(1), (Status::Failed, Some("crashed")));
        // What the worker said for the input it died on, not for the one before it.
        let error = got[1].1.error.as_deref().unwrap();
        assert!(error.ends_with(": working on crash.txt"), "{error}");
        assert_eq!(status(3), (Status::Failed, Some("timeout")));
        // An input's time is its own, not the time it waited behind the slow one.
        assert!(got[3].2 >= limits.timeout, "{:?}", got[3].2);
        assert!(got[4].2 < Duration::from_secs(1), "{:?}", got[4].2);
    }

    #[test]
    fn workers_share_the_cores_for_their_pages() {
        let threads = threads_per_worker;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        // One input: its worker reads pages on every core.
        assert_eq!(threads(1), cores);
        // As many workers as cores, or more: one thread each.
        assert_eq!(threads(cores), 1);
        assert_eq!(threads(cores * 4), 1);
        assert_eq!(threads(0), cores);
    }

    #[test]
    fn any_path_travels_as_hex_and_back() {
        for p in ["a.txt", "carpeta con espacios/año 2021.pdf", "x\ny"] {
            let path = Path::new(p);
            assert_eq!(unhex_path(&hex_path(path)).as_deref(), Some(path));
        }
        assert_eq!(unhex_path("zz"), None);
        assert_eq!(unhex_path("abc"), None);
    }

    /// A reader of a fresh pipe, and the pipe's writing end.
    fn answer_pipe() -> (AnswerReader, std::io::PipeWriter) {
        let (r, w) = std::io::pipe().unwrap();
        (
            AnswerReader::new(File::from(std::os::fd::OwnedFd::from(r))),
            w,
        )
    }

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    #[test]
    fn answers_are_whole_lines_however_the_pipe_cuts_them() {
        let (mut reader, mut w) = answer_pipe();
        w.write_all(b"one\r\ntw").unwrap();
        assert_eq!(reader.next_line(soon()), Line::Read("one".into()));
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            w.write_all(b"o\nthree\n\xff\n").unwrap();
            w
        });
        assert_eq!(reader.next_line(soon()), Line::Read("two".into()));
        assert_eq!(reader.next_line(soon()), Line::Read("three".into()));
        assert_eq!(reader.next_line(soon()), Line::Read("\u{fffd}".into()));
        let mut w = writer.join().unwrap();
        // A line without its end is not an answer; the pipe closing ends the worker's lines.
        w.write_all(b"cut sh").unwrap();
        drop(w);
        assert_eq!(reader.next_line(soon()), Line::Ended);
    }

    #[test]
    fn waiting_for_an_answer_ends_at_the_deadline() {
        let (mut reader, mut w) = answer_pipe();
        let started = Instant::now();
        let deadline = started + Duration::from_millis(50);
        assert_eq!(reader.next_line(deadline), Line::TimedOut);
        assert!(Instant::now() >= deadline);
        // What comes after a time-out is still read, in order.
        w.write_all(b"late\n").unwrap();
        assert_eq!(reader.next_line(soon()), Line::Read("late".into()));
        // A deadline already past still takes a line that is there.
        w.write_all(b"there\n").unwrap();
        assert_eq!(reader.next_line(started), Line::Read("there".into()));
        assert_eq!(reader.next_line(started), Line::TimedOut);
    }
}
