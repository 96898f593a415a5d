//! The `gcm` rules profile built into the binary (`rules/gcm/`, embedded at compile time), so
//! that `informe` runs from any folder. Its files are read through [`read_rule_file`] under the
//! pseudo-folder [`DIR`]; any other path is read from disk. `informe rules export DIR` writes
//! them out for editing, and `--rules DIR` uses such a folder instead.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// The pseudo-folder the built-in profile's files are named under (in errors and outputs).
pub const DIR: &str = "(built-in)/gcm";

/// The built-in profile's files: name and contents.
pub const FILES: [(&str, &str); 7] = [
    ("layout.toml", include_str!("../rules/gcm/layout.toml")),
    (
        "objectives.toml",
        include_str!("../rules/gcm/objectives.toml"),
    ),
    ("figures.toml", include_str!("../rules/gcm/figures.toml")),
    ("periods.toml", include_str!("../rules/gcm/periods.toml")),
    ("agencies.toml", include_str!("../rules/gcm/agencies.toml")),
    ("audit.toml", include_str!("../rules/gcm/audit.toml")),
    (
        "challenges.toml",
        include_str!("../rules/gcm/challenges.toml"),
    ),
];

/// Whether `dir` names the built-in profile.
pub fn is_builtin(dir: &Path) -> bool {
    dir == Path::new(DIR)
}

/// Whether loading the built-in profile runs its examples too (`check-rules` asks for it).
static EXAMPLES_OF_BUILT_IN: AtomicBool = AtomicBool::new(false);

/// Has every later load of the built-in profile run its examples, as a profile on disk always
/// does. `informe check-rules` calls it.
pub fn run_examples_of_built_in() {
    EXAMPLES_OF_BUILT_IN.store(true, Ordering::Relaxed);
}

/// Whether loading `file` runs its rules' examples. A file on disk (a profile being edited) always
/// does, so that a broken rule fails at load naming its file and key. The built-in profile's
/// files only do when [`run_examples_of_built_in`] was called: they are compiled into the binary,
/// and `informe check-rules` and the test suite prove that every one of their examples passes.
/// Running them at every start was about 8 % of the CPU of a run on the 2021 report PDF
/// (16 M of its 638 M instructions).
pub fn runs_examples(file: &Path) -> bool {
    examples_run(file, EXAMPLES_OF_BUILT_IN.load(Ordering::Relaxed))
}

fn examples_run(file: &Path, built_in_asked: bool) -> bool {
    built_in_asked || !file.parent().is_some_and(is_builtin)
}

/// The text of a rule file: a built-in one (under [`DIR`]) or one on disk.
pub fn read_rule_file(path: &Path) -> std::io::Result<String> {
    if let (Some(dir), Some(name)) = (path.parent(), path.file_name()) {
        if is_builtin(dir) {
            return FILES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, text)| text.to_string())
                .ok_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::NotFound, "no such built-in rule file")
                });
        }
    }
    std::fs::read_to_string(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_files_are_the_repository_s() {
        for (name, text) in FILES {
            let on_disk = std::fs::read_to_string(Path::new("rules/gcm").join(name)).unwrap();
            assert_eq!(text, on_disk, "{name}");
            let read = read_rule_file(&Path::new(DIR).join(name)).unwrap();
            assert_eq!(read, on_disk, "{name}");
        }
        assert!(read_rule_file(&Path::new(DIR).join("nope.toml")).is_err());
    }

    #[test]
    fn examples_run_on_disk_always_and_built_in_when_asked() {
        let built_in = Path::new(DIR).join("figures.toml");
        let on_disk = Path::new("rules/gcm/figures.toml");
        assert!(!examples_run(&built_in, false));
        assert!(examples_run(&built_in, true));
        assert!(examples_run(on_disk, false));
        // A folder that only ends like the built-in one is on disk.
        assert!(examples_run(
            Path::new("x/(built-in)/gcm/figures.toml"),
            false
        ));
    }

    #[test]
    fn check_rules_has_the_built_in_examples_run() {
        run_examples_of_built_in();
        assert!(runs_examples(&Path::new(DIR).join("layout.toml")));
    }
}
