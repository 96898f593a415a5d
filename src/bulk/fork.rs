//! Worker processes made by `fork`, from a *zygote*: a copy of the run made once, right after
//! the run compiled its rules, while no other thread of the run is starting or ending. The zygote
//! has one thread and does nothing but fork workers and reap them, so every worker starts as a
//! copy of a process in which no lock is held: the rules compiled, and every lock free.
//!
//! Forking the workers from the run itself, while the run's other threads start and end (a
//! thread of the run's pool, a reader of a worker's output), once left a worker waiting forever
//! on a lock the standard library takes when a thread starts (`stack_overflow::thread_info`), held
//! at the moment of the fork by a thread that does not exist in the child.
//!
//! The run asks the zygote for a worker over a socket, passing it the worker's stdin, stdout and
//! stderr (`SCM_RIGHTS`); the zygote answers with the worker's pid, and later with how it ended.
//! A worker never returns into the run's code: whatever its body does, panics included, ends in
//! `_exit` with its code, so none of the run's destructors (its lock, its temporary files) runs
//! twice. A worker holds no file of the run but its pipes and stderr. The zygote dies with the
//! run, and each worker with the zygote (`PR_SET_PDEATHSIG`).

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::process::ExitStatus;
use std::sync::{Mutex, PoisonError};

/// The exit code of a worker whose body panicked (as a Rust program's).
const PANIC_EXIT: i32 = 101;

/// The descriptor the zygote keeps its socket to the run on (every other one above 2 is closed).
const ZYGOTE_SOCKET_FD: RawFd = 3;

/// A forked worker, seen from the run.
pub(super) struct Forked {
    pub pid: libc::pid_t,
    /// Its stdin.
    pub stdin: File,
    /// Its stdout.
    pub stdout: File,
}

/// The run's end of its zygote.
pub(super) struct Zygote {
    pid: libc::pid_t,
    /// The socket to the zygote: one request and its answer at a time.
    socket: Mutex<OwnedFd>,
}

impl Zygote {
    /// Forks the zygote, which will fork each worker to run `body` (with its stdin and stdout,
    /// then exit with what `body` returns). Call it while no other thread of the process is
    /// starting or ending: the threads of rayon's global pool are made to have started first.
    pub(super) fn start(body: impl Fn(File, File) -> i32) -> io::Result<Zygote> {
        let (run_end, zygote_end) = seqpacket_pair()?;
        rayon::broadcast(|_| ());
        let run = std::process::id() as libc::pid_t;
        let pid = fork_then(|| {
            die_with(run);
            // SAFETY: dup2 on a descriptor this process holds.
            if unsafe { libc::dup2(zygote_end.as_raw_fd(), ZYGOTE_SOCKET_FD) } < 0 {
                return 1;
            }
            close_from(ZYGOTE_SOCKET_FD + 1);
            serve_zygote(ZYGOTE_SOCKET_FD, &body)
        })?;
        drop(zygote_end);
        Ok(Zygote {
            pid,
            socket: Mutex::new(run_end),
        })
    }

    /// The zygote's process id.
    pub(super) fn pid(&self) -> libc::pid_t {
        self.pid
    }

    /// A new worker, with `stderr` as its stderr.
    pub(super) fn spawn(&self, stderr: &File) -> io::Result<Forked> {
        let (to_child_r, to_child_w) = pipe()?;
        let (from_child_r, from_child_w) = pipe()?;
        let fds = [
            to_child_r.as_raw_fd(),
            from_child_w.as_raw_fd(),
            stderr.as_raw_fd(),
        ];
        let answer = self.ask(b"spawn", &fds)?;
        let pid = parse_answer(&answer, "pid ")?;
        Ok(Forked {
            pid,
            stdin: File::from(to_child_w),
            stdout: File::from(from_child_r),
        })
    }

    /// Waits for a worker to end (kill it first to not wait long) and reaps it.
    pub(super) fn wait(&self, pid: libc::pid_t) -> io::Result<ExitStatus> {
        use std::os::unix::process::ExitStatusExt;
        let answer = self.ask(format!("wait {pid}").as_bytes(), &[])?;
        Ok(ExitStatus::from_raw(parse_answer(&answer, "status ")?))
    }

    /// Sends one request and reads its answer.
    fn ask(&self, request: &[u8], fds: &[RawFd]) -> io::Result<Vec<u8>> {
        let socket = self.socket.lock().unwrap_or_else(PoisonError::into_inner);
        send_with_fds(socket.as_raw_fd(), request, fds)?;
        let (answer, _) = recv_with_fds(socket.as_raw_fd())?;
        if answer.is_empty() {
            return Err(io::Error::other("the worker factory (zygote) has ended"));
        }
        Ok(answer)
    }
}

impl Drop for Zygote {
    /// Closing its socket ends the zygote (once its workers have ended); it is then reaped.
    fn drop(&mut self) {
        let socket = self
            .socket
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        // SAFETY: shutdown takes no pointers; the socket is still owned here.
        unsafe { libc::shutdown(socket.as_raw_fd(), libc::SHUT_RDWR) };
        let _ = wait(self.pid);
    }
}

/// The zygote's loop: `spawn` (with the worker's three descriptors) forks a worker and answers
/// `pid N`; `wait N` reaps worker N and answers `status S`. When the run closes the socket, it
/// reaps what is left and returns.
fn serve_zygote(socket: RawFd, body: &impl Fn(File, File) -> i32) -> i32 {
    let zygote = std::process::id() as libc::pid_t;
    loop {
        let Ok((request, fds)) = recv_with_fds(socket) else {
            break;
        };
        let answer = match (request.as_slice(), fds.as_slice()) {
            (b"spawn", [stdin, stdout, stderr]) => {
                let forked = fork_then(|| {
                    die_with(zygote);
                    if !become_stdio([stdin, stdout, stderr].map(AsRawFd::as_raw_fd)) {
                        return 1;
                    }
                    std::panic::set_hook(Box::new(panic_to_stderr));
                    // SAFETY: descriptors 0 and 1 are the pipes just put there, owned by nothing
                    // else.
                    let (stdin, stdout) = unsafe { (File::from_raw_fd(0), File::from_raw_fd(1)) };
                    body(stdin, stdout)
                });
                match forked {
                    Ok(pid) => format!("pid {pid}"),
                    Err(e) => format!("error {e}"),
                }
            }
            ([], _) => break,
            (request, _) => match std::str::from_utf8(request)
                .ok()
                .and_then(|r| r.strip_prefix("wait "))
                .and_then(|n| n.parse().ok())
            {
                Some(pid) => match wait(pid) {
                    Ok(status) => {
                        use std::os::unix::process::ExitStatusExt;
                        format!("status {}", status.into_raw())
                    }
                    Err(e) => format!("error {e}"),
                },
                None => "error not a request".to_string(),
            },
        };
        drop(fds);
        if send_with_fds(socket, answer.as_bytes(), &[]).is_err() {
            break;
        }
    }
    // The run is gone or done: reap every worker still running (each ends when its stdin closes).
    // SAFETY: waitpid with a null status pointer.
    while unsafe { libc::waitpid(-1, std::ptr::null_mut(), 0) } > 0 {}
    0
}

/// Reads `pid N`, `status S` (after `prefix`) or `error E` from the zygote.
fn parse_answer(answer: &[u8], prefix: &str) -> io::Result<i32> {
    let text = String::from_utf8_lossy(answer);
    text.strip_prefix(prefix)
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| io::Error::other(text.trim_start_matches("error ").to_string()))
}

/// Forks; the child runs `body` and exits with its code (101 if it panics), never returning.
fn fork_then(body: impl FnOnce() -> i32) -> io::Result<libc::pid_t> {
    // SAFETY: fork has no preconditions; the child runs `body` and ends in `_exit`.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    if pid == 0 {
        let code =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or(PANIC_EXIT);
        // SAFETY: ends the child at once, running none of the run's destructors or exit hooks.
        unsafe { libc::_exit(code) }
    }
    Ok(pid)
}

/// In a child: it is killed when `parent` ends; if `parent` is already gone, it ends now.
fn die_with(parent: libc::pid_t) {
    // SAFETY: prctl(PR_SET_PDEATHSIG) and getppid take no pointers.
    let now = unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        libc::getppid()
    };
    if now != parent {
        // SAFETY: ends this forked process at once, running none of the run's destructors.
        unsafe { libc::_exit(1) };
    }
}

/// A worker's panic hook: the message on its stderr, where the run reads why its worker died.
/// Panics the PDF reader catches stay silent.
fn panic_to_stderr(info: &std::panic::PanicHookInfo<'_>) {
    if !crate::ingest::pdf::panic_is_quiet() {
        say(&format!("worker {info}"));
    }
}

/// In a worker: writes a line straight to descriptor 2, its stderr, where the run reads it. Not
/// `eprintln!` nor the standard panic hook, which write into a test's output capture when the
/// run is a test (the worker is a copy of its thread).
pub(super) fn say(line: &str) {
    use std::io::Write;
    // SAFETY: descriptor 2 is the child's stderr; ManuallyDrop leaves it open.
    let mut stderr = std::mem::ManuallyDrop::new(unsafe { File::from_raw_fd(2) });
    let _ = writeln!(stderr, "{line}");
}

/// In a worker: `fds` (stdin, stdout, stderr) become descriptors 0, 1 and 2, and every other
/// descriptor is closed. Each is first copied above 2, so that none is overwritten before it is
/// moved.
fn become_stdio(fds: [RawFd; 3]) -> bool {
    // SAFETY: fcntl(F_DUPFD) and dup2 on descriptors this process holds.
    let above = fds.map(|fd| unsafe { libc::fcntl(fd, libc::F_DUPFD, 3) });
    if above.iter().any(|&fd| fd < 0)
        || (0..3).any(|to| unsafe { libc::dup2(above[to as usize], to) } < 0)
    {
        return false;
    }
    close_from(3);
    true
}

/// A pair of connected sockets that keep each message whole, closed on exec.
fn seqpacket_pair() -> io::Result<(OwnedFd, OwnedFd)> {
    // SAFETY: socketpair writes two descriptors into the array it is given.
    fd_pair(|fds| unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
            fds,
        )
    })
}

/// The most descriptors a message carries.
const MAX_FDS: usize = 3;

/// Largest message between the run and the zygote (bytes).
const MAX_MESSAGE: usize = 256;

/// Sends `bytes` and `fds` as one message.
fn send_with_fds(socket: RawFd, bytes: &[u8], fds: &[RawFd]) -> io::Result<()> {
    let mut control = [0u64; 8];
    let mut iov = libc::iovec {
        iov_base: bytes.as_ptr() as *mut libc::c_void,
        iov_len: bytes.len(),
    };
    // SAFETY: msghdr is plain data; zeroed is its empty value.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    if !fds.is_empty() {
        let data_len = std::mem::size_of_val(fds) as u32;
        // SAFETY: CMSG_* compute sizes and pointers inside `control`, which is large enough
        // for MAX_FDS descriptors and aligned for cmsghdr (u64).
        unsafe {
            msg.msg_control = control.as_mut_ptr().cast();
            msg.msg_controllen = libc::CMSG_SPACE(data_len) as _;
            let header = libc::CMSG_FIRSTHDR(&msg);
            (*header).cmsg_level = libc::SOL_SOCKET;
            (*header).cmsg_type = libc::SCM_RIGHTS;
            (*header).cmsg_len = libc::CMSG_LEN(data_len) as _;
            std::ptr::copy_nonoverlapping(
                fds.as_ptr().cast::<u8>(),
                libc::CMSG_DATA(header),
                data_len as usize,
            );
        }
    }
    // SAFETY: msg points at live buffers for the call's duration.
    if unsafe { libc::sendmsg(socket, &msg, libc::MSG_NOSIGNAL) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Receives one message and the descriptors it carries (an empty message: the other end closed).
fn recv_with_fds(socket: RawFd) -> io::Result<(Vec<u8>, Vec<OwnedFd>)> {
    let mut bytes = vec![0u8; MAX_MESSAGE];
    let mut control = [0u64; 8];
    let mut iov = libc::iovec {
        iov_base: bytes.as_mut_ptr().cast(),
        iov_len: bytes.len(),
    };
    // SAFETY: msghdr is plain data; zeroed is its empty value.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control) as _;
    let n = loop {
        // SAFETY: msg points at live buffers for the call's duration.
        let n = unsafe { libc::recvmsg(socket, &mut msg, libc::MSG_CMSG_CLOEXEC) };
        if n >= 0 {
            break n as usize;
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    };
    bytes.truncate(n);
    let mut fds = Vec::new();
    // SAFETY: the kernel filled `control` with the headers CMSG_FIRSTHDR/NXTHDR walk; each
    // SCM_RIGHTS header's data holds descriptors now owned by this process.
    unsafe {
        let mut header = libc::CMSG_FIRSTHDR(&msg);
        while !header.is_null() {
            if (*header).cmsg_level == libc::SOL_SOCKET && (*header).cmsg_type == libc::SCM_RIGHTS {
                let data = libc::CMSG_DATA(header);
                let len = (*header).cmsg_len as usize - (data as usize - header as usize);
                for i in 0..(len / std::mem::size_of::<RawFd>()).min(MAX_FDS) {
                    let fd = std::ptr::read_unaligned(data.cast::<RawFd>().add(i));
                    fds.push(OwnedFd::from_raw_fd(fd));
                }
            }
            header = libc::CMSG_NXTHDR(&msg, header);
        }
    }
    Ok((bytes, fds))
}

/// Closes every descriptor from `first` on.
fn close_from(first: RawFd) {
    // SAFETY: close_range takes no pointers; the descriptors closed are this process's own.
    let closed = unsafe { libc::syscall(libc::SYS_close_range, first as libc::c_uint, !0u32, 0) };
    if closed == 0 {
        return;
    }
    // Kernels before 5.9: the descriptors the process lists as open.
    let open: Vec<RawFd> = std::fs::read_dir("/proc/self/fd")
        .map(|dir| {
            dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .filter(|&fd| fd >= first)
                .collect()
        })
        .unwrap_or_default();
    for fd in open {
        // SAFETY: as above.
        unsafe { libc::close(fd) };
    }
}

/// A pipe (read end, write end), both closed on exec.
fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    // SAFETY: pipe2 writes two descriptors into the array it is given.
    fd_pair(|fds| unsafe { libc::pipe2(fds, libc::O_CLOEXEC) })
}

/// The two descriptors `make` writes into the array it is given (a system call returning less
/// than 0 on failure), each owned.
fn fd_pair(make: impl FnOnce(*mut RawFd) -> libc::c_int) -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [-1 as RawFd; 2];
    if make(fds.as_mut_ptr()) < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just made and are owned by nothing else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Kills a worker (SIGKILL); one that already ended is left as it is.
pub(super) fn kill(pid: libc::pid_t) {
    // SAFETY: kill takes no pointers.
    unsafe { libc::kill(pid, libc::SIGKILL) };
}

/// Waits for a child (in the zygote, a worker; in the run, the zygote) to end and reaps it.
fn wait(pid: libc::pid_t) -> io::Result<ExitStatus> {
    use std::os::unix::process::ExitStatusExt;
    let mut status = 0;
    loop {
        // SAFETY: waitpid writes the status into the integer it is given.
        if unsafe { libc::waitpid(pid, &mut status, 0) } >= 0 {
            return Ok(ExitStatus::from_raw(status));
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// The size of a memory page in `/proc/PID/statm` (bytes; 4 KiB on the Linux machines informe
/// runs on).
const PAGE_BYTES: u64 = 4096;

/// A process's address space in bytes (`/proc/PID/statm`, `self` for this one), where the
/// system tells it.
pub(super) fn address_space(pid: &str) -> Option<u64> {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let pages: u64 = statm.split_whitespace().next()?.parse().ok()?;
    Some(pages * PAGE_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Seek, Write};

    fn scratch_stderr() -> File {
        tempfile::tempfile().unwrap()
    }

    /// Whether `stdout` reaches its end (its worker ended) within `limit`.
    fn ends_within(mut stdout: File, limit: std::time::Duration) -> bool {
        let (tx, ended) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut rest = Vec::new();
            let _ = stdout.read_to_end(&mut rest);
            let _ = tx.send(());
        });
        ended.recv_timeout(limit).is_ok()
    }

    #[test]
    fn a_forked_worker_answers_over_its_pipes_and_exits_with_its_code() {
        let z = Zygote::start(|mut stdin: File, mut stdout: File| {
            let mut got = String::new();
            stdin.read_to_string(&mut got).unwrap();
            stdout.write_all(got.to_uppercase().as_bytes()).unwrap();
            7
        })
        .unwrap();
        for word in ["hola", "adiós"] {
            let mut w = z.spawn(&scratch_stderr()).unwrap();
            w.stdin.write_all(word.as_bytes()).unwrap();
            drop(w.stdin);
            let mut answer = String::new();
            w.stdout.read_to_string(&mut answer).unwrap();
            assert_eq!(answer, word.to_uppercase());
            assert_eq!(z.wait(w.pid).unwrap().code(), Some(7));
        }
    }

    #[test]
    fn a_panic_in_a_forked_worker_ends_it_with_code_101_and_its_message_on_stderr() {
        let z = Zygote::start(|_, _| panic!("boom in the worker")).unwrap();
        let stderr = scratch_stderr();
        let w = z.spawn(&stderr).unwrap();
        assert_eq!(z.wait(w.pid).unwrap().code(), Some(PANIC_EXIT));
        // The worker wrote through the same open file: read it from its start.
        let mut said = String::new();
        (&stderr).seek(std::io::SeekFrom::Start(0)).unwrap();
        (&stderr).read_to_string(&mut said).unwrap();
        assert!(said.contains("boom in the worker"), "{said:?}");
    }

    #[test]
    fn a_forked_worker_holds_no_other_open_file_of_the_run() {
        // A pipe of the run that the worker must not keep open: its reader sees the end as soon
        // as the run closes its own write end, though the worker is still running.
        let (r, w_end) = pipe().unwrap();
        let z = Zygote::start(|mut stdin: File, _| {
            let mut rest = Vec::new();
            let _ = stdin.read_to_end(&mut rest);
            0
        })
        .unwrap();
        let w = z.spawn(&scratch_stderr()).unwrap();
        drop(w_end);
        let seen = ends_within(File::from(r), std::time::Duration::from_secs(5));
        if !seen {
            kill(w.pid);
        }
        drop(w.stdin);
        let status = z.wait(w.pid).unwrap();
        assert!(seen, "the worker kept the run's pipe open");
        assert_eq!(status.code(), Some(0));
    }

    /// Regression: workers forked by the run's own threads while other threads of the run started
    /// and ended: about one in a thousand waited forever on the lock the standard library takes
    /// when a thread starts (`stack_overflow::thread_info`), held at the fork by a thread that did
    /// not exist in the child (seen with gdb). Forked while two threads allocate and free without
    /// pause and a third starts and ends threads, every worker, which starts a thread of its own,
    /// must end.
    #[test]
    fn workers_forked_while_other_threads_start_end_and_allocate_all_end() {
        const FORKS: usize = 300;
        // As a real worker, it starts threads of its own and allocates on them.
        let z = Zygote::start(|_, _| {
            let made =
                std::thread::spawn(|| (0..2_000).map(|n| n.to_string()).collect::<Vec<_>>().len());
            i32::from(made.join().ok() != Some(2_000))
        })
        .unwrap();
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            for t in 0..2usize {
                let stop = &stop;
                s.spawn(move || {
                    let mut keep: Vec<Vec<u8>> = Vec::new();
                    let mut i = t;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        i = i.wrapping_mul(31).wrapping_add(7);
                        keep.push(vec![1u8; 16 + i % 70_000]);
                        if keep.len() > 64 {
                            keep.drain(..32);
                        }
                    }
                });
            }
            // Threads that start and end (the run starts a reader thread per worker).
            let churn = &stop;
            s.spawn(move || {
                while !churn.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = std::thread::spawn(|| vec![0u8; 4096].len()).join();
                }
            });
            let stderr = scratch_stderr();
            let mut stuck = 0;
            let mut failed = 0;
            for _ in 0..FORKS {
                let w = z.spawn(&stderr).unwrap();
                if !ends_within(w.stdout, std::time::Duration::from_secs(10)) {
                    stuck += 1;
                    kill(w.pid);
                }
                failed += usize::from(z.wait(w.pid).unwrap().code() != Some(0));
            }
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            assert_eq!(stuck, 0, "{stuck} of {FORKS} workers never ended");
            assert_eq!(failed, 0, "{failed} of {FORKS} workers failed");
        });
    }

    #[test]
    fn a_killed_worker_ends_by_signal_9() {
        use std::os::unix::process::ExitStatusExt;
        let z = Zygote::start(|mut stdin: File, _| {
            let mut rest = Vec::new();
            let _ = stdin.read_to_end(&mut rest);
            0
        })
        .unwrap();
        let w = z.spawn(&scratch_stderr()).unwrap();
        kill(w.pid);
        assert_eq!(z.wait(w.pid).unwrap().signal(), Some(libc::SIGKILL));
    }

    #[test]
    fn the_zygote_ends_with_its_run_s_end_of_it_and_reaps_its_workers() {
        let z = Zygote::start(|_, _| 0).unwrap();
        let zygote = z.pid();
        let w = z.spawn(&scratch_stderr()).unwrap();
        assert!(ends_within(w.stdout, std::time::Duration::from_secs(10)));
        drop(z);
        // Reaped by the drop: the zygote is no longer a child of this process.
        // SAFETY: waitpid with a null status pointer.
        assert_eq!(
            unsafe { libc::waitpid(zygote, std::ptr::null_mut(), libc::WNOHANG) },
            -1
        );
    }
}
