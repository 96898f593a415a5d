//! One run at a time per output folder: a run (extract or merge) holds an exclusive lock on
//! `<out>/.informe.lock` (the operating system's file lock, `flock` on Unix, through
//! `std::fs::File::try_lock`), with its process id written inside. A second run into the same
//! folder fails at once, naming the lock and the process holding it. The lock dies with its
//! process, so a lock file left by a run that was killed is stale: the next run takes it over.
//! The file is removed when the run ends.

use std::fs::{File, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::OutputError;

/// The lock file's name in the output folder.
pub const LOCK_FILE: &str = ".informe.lock";

/// How many times a lock file replaced while it was being taken is tried again.
const LOCK_ATTEMPTS: usize = 8;

/// The lock on an output folder, held until dropped.
#[derive(Debug)]
pub struct OutLock {
    path: PathBuf,
    file: File,
}

impl OutLock {
    /// Takes the lock on `out` (created if missing), or fails naming the lock and its holder.
    pub fn acquire(out: &Path) -> Result<OutLock, OutputError> {
        std::fs::create_dir_all(out).map_err(|e| OutputError::write(out, e))?;
        let path = out.join(LOCK_FILE);
        for _ in 0..LOCK_ATTEMPTS {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(&path)
                .map_err(|e| OutputError::write(&path, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(OutputError::Locked {
                        holder: holder_of(&mut file),
                        path,
                    })
                }
                Err(TryLockError::Error(e)) => return Err(OutputError::write(&path, e)),
            }
            // The run before may have removed the file between our open and our lock: then the
            // lock is on a file no longer in the folder, and is taken again.
            if !same_file(&file, &path) {
                continue;
            }
            write_pid(&mut file).map_err(|e| OutputError::write(&path, e))?;
            return Ok(OutLock { path, file });
        }
        Err(OutputError::write(
            &path,
            std::io::Error::other("the lock file kept being replaced while it was being taken"),
        ))
    }
}

impl Drop for OutLock {
    fn drop(&mut self) {
        // Removed while still locked, so that no other run takes the old file meanwhile; the
        // lock itself goes with the file handle. Nothing to do if the removal fails.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// The process id the lock file holds, as written ("unknown" when unreadable).
fn holder_of(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.read_to_string(&mut text);
    match text.trim() {
        "" => "unknown".to_string(),
        t => t.chars().take(40).collect(),
    }
}

fn write_pid(file: &mut File) -> std::io::Result<()> {
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    writeln!(file, "{}", std::process::id())?;
    file.sync_all()
}

/// Whether the open `file` is the file now at `path`.
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

#[cfg(test)]
mod tests {
    use super::{OutLock, LOCK_FILE};
    use crate::error::OutputError;

    #[test]
    fn a_second_lock_fails_naming_the_holder_and_the_first_is_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutLock::acquire(dir.path()).unwrap();
        let e = OutLock::acquire(dir.path()).unwrap_err();
        let pid = std::process::id().to_string();
        assert!(
            matches!(&e, OutputError::Locked { holder, .. } if *holder == pid),
            "{e:?}"
        );
        drop(first);
        assert!(!dir.path().join(LOCK_FILE).exists());
        OutLock::acquire(dir.path()).unwrap();
    }

    #[test]
    fn a_stale_lock_file_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(LOCK_FILE), "999999999\n").unwrap();
        let _lock = OutLock::acquire(dir.path()).unwrap();
        let held = std::fs::read_to_string(dir.path().join(LOCK_FILE)).unwrap();
        assert_eq!(held.trim(), std::process::id().to_string());
    }
}
