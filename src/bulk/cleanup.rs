//! Tidying the output folder: the temporary files a killed run left behind (every output is
//! written to a temporary file that is then renamed; a run killed meanwhile leaves the temporary
//! file), and the folder of an input that failed before writing anything.

use std::path::Path;

use crate::error::OutputError;

/// How temporary output files are named (the `tempfile` crate's prefix).
const TEMPORARY_PREFIX: &str = ".tmp";

/// Removes the temporary files in `out` and in its input folders (one level down). Called with
/// the folder's lock held, so none of them belongs to a live run. Returns how many were removed.
pub fn remove_stale_temporaries(out: &Path) -> Result<usize, OutputError> {
    let mut removed = remove_temporaries_in(out)?;
    let entries = match std::fs::read_dir(out) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(OutputError::read(out, e)),
    };
    for entry in entries.flatten() {
        // Not following links: only the run's own folders are tidied.
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            removed += remove_temporaries_in(&entry.path())?;
        }
    }
    Ok(removed)
}

fn remove_temporaries_in(dir: &Path) -> Result<usize, OutputError> {
    let entries = std::fs::read_dir(dir).map_err(|e| OutputError::read(dir, e))?;
    let mut removed = 0;
    for entry in entries.flatten() {
        let temporary = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(TEMPORARY_PREFIX));
        if temporary && entry.file_type().is_ok_and(|t| t.is_file()) {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|e| OutputError::write(&path, e))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Removes what a stopped worker may have left in an input's folder `dir`: its temporary files,
/// and the folder itself when nothing else is in it. A missing folder is nothing to do.
pub fn remove_leftovers(dir: &Path) -> Result<(), OutputError> {
    if dir.is_dir() {
        remove_temporaries_in(dir)?;
    }
    remove_if_empty(dir)
}

/// Removes `dir` when it exists and is empty (an input that failed leaves no folder).
pub fn remove_if_empty(dir: &Path) -> Result<(), OutputError> {
    let empty = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(_) => false,
    };
    if empty {
        std::fs::remove_dir(dir).map_err(|e| OutputError::write(dir, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{remove_if_empty, remove_leftovers, remove_stale_temporaries};

    #[test]
    fn temporaries_go_and_outputs_stay() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("informe");
        std::fs::create_dir(&input).unwrap();
        std::fs::write(dir.path().join(".tmpAbC123"), "x").unwrap();
        std::fs::write(input.join(".tmpXyZ"), "x").unwrap();
        std::fs::write(input.join("actions.jsonl"), "").unwrap();
        assert_eq!(remove_stale_temporaries(dir.path()).unwrap(), 2);
        assert!(input.join("actions.jsonl").exists());
        assert!(!input.join(".tmpXyZ").exists());
    }

    #[test]
    fn a_stopped_worker_leaves_neither_temporaries_nor_an_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        let (killed, kept) = (dir.path().join("a"), dir.path().join("b"));
        for d in [&killed, &kept] {
            std::fs::create_dir(d).unwrap();
            std::fs::write(d.join(".tmpQ1w2E3"), "half written").unwrap();
        }
        std::fs::write(kept.join("actions.jsonl"), "").unwrap();
        remove_leftovers(&killed).unwrap();
        remove_leftovers(&kept).unwrap();
        remove_leftovers(&dir.path().join("missing")).unwrap();
        assert!(!killed.exists());
        assert!(kept.join("actions.jsonl").exists() && !kept.join(".tmpQ1w2E3").exists());
    }

    #[test]
    fn only_an_empty_folder_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let (empty, full) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&empty).unwrap();
        std::fs::create_dir(&full).unwrap();
        std::fs::write(full.join("f"), "").unwrap();
        remove_if_empty(&empty).unwrap();
        remove_if_empty(&full).unwrap();
        remove_if_empty(&dir.path().join("missing")).unwrap();
        assert!(!empty.exists() && full.exists());
    }
}
