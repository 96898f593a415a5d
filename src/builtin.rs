//! The `gcm` rules profile built into the binary (`rules/gcm/`, embedded at compile time), so
//! that `informe` runs from any folder. Its files are read through [`read_rule_file`] under the
//! pseudo-folder [`DIR`]; any other path is read from disk. `informe rules export DIR` writes
//! them out for editing, and `--rules DIR` uses such a folder instead.

use std::path::Path;

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
}
