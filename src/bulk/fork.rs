//! A worker process made by `fork` (Unix): it starts as a copy of the run, with the rules the
//! run already compiled, and talks to the run over two pipes that become its stdin and stdout.
//!
//! The child never returns into the run's code: whatever `body` does, panics included, ends
//! in `_exit` with its code, so none of the run's destructors (its lock, its other workers, its
//! temporary files) runs twice. Every file the run had open is closed in the child but the
//! pipes and the stderr it is given.

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::process::ExitStatus;

/// The exit code of a worker whose body panicked (as a Rust program's).
const PANIC_EXIT: i32 = 101;

/// A forked worker, seen from the run.
pub(super) struct Forked {
    pub pid: libc::pid_t,
    /// Its stdin.
    pub stdin: File,
    /// Its stdout.
    pub stdout: File,
}

/// Forks a worker that runs `body` with its stdin and stdout (pipes to the run) and `stderr`
/// as its stderr, then exits with what `body` returns.
pub(super) fn fork_worker(
    stderr: &File,
    body: impl FnOnce(File, File) -> i32,
) -> io::Result<Forked> {
    let (to_child_r, to_child_w) = pipe()?;
    let (from_child_r, from_child_w) = pipe()?;
    // SAFETY: fork has no preconditions; the child only calls async-signal-safe functions until
    // it has its own file descriptors, then runs `body` and ends in `_exit`, never returning.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    if pid == 0 {
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if !become_stdio(&to_child_r, &from_child_w, stderr) {
                return 1;
            }
            std::panic::set_hook(Box::new(panic_to_stderr));
            // SAFETY: descriptors 0 and 1 are the pipes just put there, owned by nothing else.
            let (stdin, stdout) = unsafe { (File::from_raw_fd(0), File::from_raw_fd(1)) };
            body(stdin, stdout)
        }))
        .unwrap_or(PANIC_EXIT);
        // SAFETY: ends the child at once, running none of the run's destructors or exit hooks.
        unsafe { libc::_exit(code) }
    }
    drop((to_child_r, from_child_w));
    Ok(Forked {
        pid,
        stdin: File::from(to_child_w),
        stdout: File::from(from_child_r),
    })
}

/// A worker's panic hook: the message straight to descriptor 2, where the run reads why its
/// worker died (the run's own hook may wait on a lock that one of the run's threads held when it
/// forked, or write into a test's capture). Panics the PDF reader catches stay silent.
fn panic_to_stderr(info: &std::panic::PanicHookInfo<'_>) {
    use std::io::Write;
    if crate::ingest::pdf::panic_is_quiet() {
        return;
    }
    // SAFETY: descriptor 2 is the child's stderr; ManuallyDrop leaves it open.
    let mut stderr = std::mem::ManuallyDrop::new(unsafe { File::from_raw_fd(2) });
    let _ = writeln!(stderr, "worker {info}");
}

/// In the child: the pipes and `stderr` become descriptors 0, 1 and 2, and every other
/// descriptor is closed (another worker's pipe left open here would never see its end).
fn become_stdio(stdin: &OwnedFd, stdout: &OwnedFd, stderr: &File) -> bool {
    let moves = [
        (stdin.as_raw_fd(), 0),
        (stdout.as_raw_fd(), 1),
        (stderr.as_raw_fd(), 2),
    ];
    // SAFETY: dup2 on descriptors this process holds.
    if moves
        .iter()
        .any(|&(from, to)| unsafe { libc::dup2(from, to) } < 0)
    {
        return false;
    }
    close_from(3);
    true
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

/// A pipe, both ends closed on exec.
fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: pipe2 writes two descriptors into the array it is given.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } < 0 {
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

/// Waits for a worker to end and reaps it.
pub(super) fn wait(pid: libc::pid_t) -> io::Result<ExitStatus> {
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

    #[test]
    fn a_forked_worker_answers_over_its_pipes_and_exits_with_its_code() {
        let stderr = scratch_stderr();
        let mut w = fork_worker(&stderr, |mut stdin, mut stdout| {
            let mut got = String::new();
            stdin.read_to_string(&mut got).unwrap();
            stdout.write_all(got.to_uppercase().as_bytes()).unwrap();
            7
        })
        .unwrap();
        w.stdin.write_all(b"hola").unwrap();
        drop(w.stdin);
        let mut answer = String::new();
        w.stdout.read_to_string(&mut answer).unwrap();
        assert_eq!(answer, "HOLA");
        assert_eq!(wait(w.pid).unwrap().code(), Some(7));
    }

    #[test]
    fn a_panic_in_a_forked_worker_ends_it_with_code_101_and_its_message_on_stderr() {
        let stderr = scratch_stderr();
        let w = fork_worker(&stderr, |_, _| panic!("boom in the worker")).unwrap();
        assert_eq!(wait(w.pid).unwrap().code(), Some(PANIC_EXIT));
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
        let stderr = scratch_stderr();
        let w = fork_worker(&stderr, |mut stdin, _| {
            let mut rest = Vec::new();
            let _ = stdin.read_to_end(&mut rest);
            0
        })
        .unwrap();
        drop(w_end);
        let (tx, ended) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut rest = Vec::new();
            let _ = File::from(r).read_to_end(&mut rest);
            let _ = tx.send(());
        });
        let seen = ended.recv_timeout(std::time::Duration::from_secs(5));
        if seen.is_err() {
            kill(w.pid);
        }
        drop(w.stdin);
        let status = wait(w.pid).unwrap();
        assert!(seen.is_ok(), "the worker kept the run's pipe open");
        assert_eq!(status.code(), Some(0));
    }

    #[test]
    fn a_killed_worker_ends_by_signal_9() {
        let stderr = scratch_stderr();
        let w = fork_worker(&stderr, |mut stdin, _| {
            let mut rest = Vec::new();
            let _ = stdin.read_to_end(&mut rest);
            0
        })
        .unwrap();
        kill(w.pid);
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(wait(w.pid).unwrap().signal(), Some(libc::SIGKILL));
    }
}
