//! The output folder of each input: its file stem, made safe and unique. A name is never `.` or
//! `..` nor starts with a dot (a hidden or temporary file's name), holds no path separator or
//! control character, is never the name of a file the run writes at its level
//! ([`RUN_LEVEL_NAMES`]), and no two inputs share one (compared without case, for file systems
//! that ignore it): a name taken gets the first 8 hex digits of the hash of the input's path.

use std::collections::HashSet;

use super::Input;
use crate::hash::sha256_hex;

/// The files a run (extract, merge, compile) writes directly in `--out`: no input's folder may
/// take one of these names.
pub const RUN_LEVEL_NAMES: &[&str] = &[
    "manifest.jsonl",
    "actions.jsonl",
    "figures.csv",
    "flags.jsonl",
    "objectives.csv",
    "challenges.jsonl",
    "run.json",
    "review.html",
    "informe.xlsx",
    "resumen.md",
    "resumen.csv",
    "resumen.svg",
    "compendio.docx",
    "compendio.md",
    "compile_flags.jsonl",
    super::lock::LOCK_FILE,
];

/// Longest folder name kept from a stem, in bytes (file systems allow 255; the hash suffix
/// needs 9 more).
const MAX_FOLDER_NAME_BYTES: usize = 200;

/// The name used when nothing of the stem is left.
const FALLBACK_NAME: &str = "input";

/// The output folder name of each input, in order.
pub fn folder_names(inputs: &[Input]) -> Vec<String> {
    let mut used: HashSet<String> = RUN_LEVEL_NAMES.iter().map(|n| n.to_lowercase()).collect();
    inputs
        .iter()
        .map(|i| {
            let path = match i {
                Input::File(p) | Input::Skipped { path: p, .. } => p,
            };
            let shown = path.display().to_string();
            unique_name(
                &safe_stem(&crate::extract::file_stem(&shown)),
                &shown,
                &mut used,
            )
        })
        .collect()
}

/// `stem` as a single, visible path component: separators and control characters become `_`,
/// leading dots and surrounding spaces go, and it is cut to [`MAX_FOLDER_NAME_BYTES`].
pub fn safe_stem(stem: &str) -> String {
    let cleaned: String = stem
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut name = cleaned.trim().trim_start_matches('.').trim().to_string();
    if name.len() > MAX_FOLDER_NAME_BYTES {
        let mut cut = MAX_FOLDER_NAME_BYTES;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
    }
    if name.is_empty() {
        FALLBACK_NAME.to_string()
    } else {
        name
    }
}

/// `name`, or `name-<hash of path>` (then `-2`, `-3`… after it) when taken; the result is taken.
fn unique_name(name: &str, path: &str, used: &mut HashSet<String>) -> String {
    let tag = sha256_hex(path.as_bytes());
    let candidates = std::iter::once(name.to_string())
        .chain(std::iter::once(format!("{name}-{}", &tag[..8])))
        .chain((2..).map(|n| format!("{name}-{}-{n}", &tag[..8])));
    for candidate in candidates {
        if used.insert(candidate.to_lowercase()) {
            return candidate;
        }
    }
    unreachable!("an endless sequence of candidates holds a free name")
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::{folder_names, safe_stem, Input};

    fn names(paths: &[&str]) -> Vec<String> {
        let inputs: Vec<Input> = paths
            .iter()
            .map(|p| Input::File(PathBuf::from(p)))
            .collect();
        folder_names(&inputs)
    }

    #[test]
    fn dots_separators_and_controls_never_make_a_path() {
        assert_eq!(safe_stem(".."), "input");
        assert_eq!(safe_stem("."), "input");
        assert_eq!(safe_stem(".hidden"), "hidden");
        assert_eq!(safe_stem("a\\..\\b"), "a_.._b");
        assert_eq!(safe_stem("tab\there"), "tab_here");
        assert_eq!(safe_stem("informe-2021"), "informe-2021");
        assert_eq!(safe_stem(&"é".repeat(150)).len(), 200);
    }

    #[test]
    fn run_level_names_and_repeated_stems_get_a_hash() {
        let n = names(&[
            "in/...txt",
            "in/..txt",
            "in/actions.jsonl.txt",
            "a/informe.txt",
            "b/Informe.txt",
        ]);
        assert_eq!(n[0], "input");
        assert!(n[1].starts_with("input-") && n[1].len() == 14, "{n:?}");
        assert!(n[2].starts_with("actions.jsonl-"), "{n:?}");
        assert_eq!(n[3], "informe");
        assert!(n[4].starts_with("Informe-"), "{n:?}");
    }
}
