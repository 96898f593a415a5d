//! Patterns: the regexes of the rule files, compiled once at load with their examples checked.
//!
//! A bottom module: every stage's rules loader uses it, and it uses no stage. A pattern is written
//! in a rule file as a table `{ pattern, match, no_match }`; loading compiles the regex, runs every
//! example and checks that the named groups the code reads are there, so an edited rule file fails
//! at load with the file and the key, never later on an input.

use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use crate::error::RulesError;
use crate::gate::Gate;

/// A compiled, example-checked line pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// Dotted key of the pattern in its file, for error messages (`bullets.bullet`).
    pub key: String,
    pub regex: Regex,
}

impl Pattern {
    pub fn is_match(&self, line: &str) -> bool {
        self.regex.is_match(line)
    }
    /// The pattern's groups in `line`. Most lines of a document match none of the line
    /// patterns they are tried with: a match is looked for first, without building the groups.
    pub fn captures<'t>(&self, line: &'t str) -> Option<regex::Captures<'t>> {
        if !self.regex.is_match(line) {
            return None;
        }
        self.regex.captures(line)
    }
}

/// A pattern as written in a rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternSpec {
    pub pattern: String,
    #[serde(default, rename = "match")]
    pub matches: Vec<String>,
    #[serde(default)]
    pub no_match: Vec<String>,
}

/// Reads and parses one rule file; the error keeps toml's message (key and line) whole.
pub fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, RulesError> {
    let text = crate::builtin::read_rule_file(path)
        .map_err(|e| RulesError::new(path, "", &format!("cannot read rule file: {e}")))?;
    toml::from_str(&text).map_err(|e| RulesError::new(path, "", e.to_string().trim_end()))
}

/// Compiles a pattern and runs its examples. `key` is the dotted key in the file.
pub fn compile(path: &Path, key: &str, spec: PatternSpec) -> Result<Pattern, RulesError> {
    let regex = Regex::new(&spec.pattern).map_err(|e| invalid(path, key, &e.to_string()))?;
    check_examples(path, key, &spec, |t| regex.is_match(t))?;
    Ok(Pattern {
        key: key.to_string(),
        regex,
    })
}

/// A compiled, example-checked pattern searched without a literal prefilter: the same matches
/// as a [`Pattern`] of the same regex. For patterns that start with many short words under
/// `(?i)` (the period forms: "del|de|desde el|…" in every case), the regex crate builds a
/// prefilter of hundreds of literals that costs more to build (two thirds of compiling such a
/// form) than it saves on a report's short texts, where the lazy DFA reads every byte anyway.
#[derive(Debug, Clone)]
pub struct UnfilteredPattern {
    pub regex: regex_automata::meta::Regex,
    /// Where in a text its matches can be.
    pub gate: Gate,
}

/// [`compile`], without a literal prefilter (see [`UnfilteredPattern`]).
pub fn compile_unfiltered(
    path: &Path,
    key: &str,
    spec: PatternSpec,
) -> Result<UnfilteredPattern, RulesError> {
    // Parsed here, not by the builder, to read the gate from the same syntax tree; the parser's
    // message keeps its caret diagram, as `compile` gives it.
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&spec.pattern)
        .map_err(|e| invalid(path, key, &e.to_string()))?;
    let config = regex_automata::meta::Config::new().auto_prefilter(false);
    let regex = regex_automata::meta::Regex::builder()
        .configure(config)
        .build_from_hir(&hir)
        .map_err(|e| invalid(path, key, &e.to_string()))?;
    check_examples(path, key, &spec, |t| regex.is_match(t))?;
    Ok(UnfilteredPattern {
        regex,
        gate: Gate::of(&hir),
    })
}

fn invalid(path: &Path, key: &str, message: &str) -> RulesError {
    RulesError::new(
        path,
        &format!("{key}.pattern"),
        &format!("invalid regex: {message}"),
    )
}

/// Fails unless the pattern matches every example of `spec` (there must be one) and none of its
/// counter-examples (run where [`crate::builtin::runs_examples`] says).
fn check_examples(
    path: &Path,
    key: &str,
    spec: &PatternSpec,
    is_match: impl Fn(&str) -> bool,
) -> Result<(), RulesError> {
    if spec.matches.is_empty() {
        return Err(RulesError::new(
            path,
            &format!("{key}.match"),
            "every pattern needs at least one example it must match",
        ));
    }
    if !crate::builtin::runs_examples(path) {
        return Ok(());
    }
    for example in &spec.matches {
        if !is_match(example) {
            return Err(RulesError::new(
                path,
                &format!("{key}.match"),
                &format!("pattern does not match its example {example:?}"),
            ));
        }
    }
    for example in &spec.no_match {
        if is_match(example) {
            return Err(RulesError::new(
                path,
                &format!("{key}.no_match"),
                &format!("pattern matches its counter-example {example:?}"),
            ));
        }
    }
    Ok(())
}

/// Compiles a pattern whose matches the code reads by group name: each of `groups` must be a
/// named group of the regex (`(?P<number>…)`), else loading fails naming the file and key.
pub fn compile_with_groups(
    path: &Path,
    key: &str,
    spec: PatternSpec,
    groups: &[&str],
) -> Result<Pattern, RulesError> {
    let pattern = compile(path, key, spec)?;
    require_groups(path, &pattern, groups)?;
    Ok(pattern)
}

/// Fails unless every one of `groups` is a named group of `pattern`.
pub fn require_groups(path: &Path, pattern: &Pattern, groups: &[&str]) -> Result<(), RulesError> {
    for group in groups {
        if !pattern.regex.capture_names().any(|n| n == Some(group)) {
            return Err(RulesError::new(
                path,
                &format!("{}.pattern", pattern.key),
                &format!("needs a named group (?P<{group}>…)"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(pattern: &str, yes: &[&str], no: &[&str]) -> PatternSpec {
        PatternSpec {
            pattern: pattern.into(),
            matches: yes.iter().map(|s| s.to_string()).collect(),
            no_match: no.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn examples_are_run_at_compile() {
        let p = Path::new("x.toml");
        assert!(compile(p, "k", spec(r"^\d+$", &["12"], &["a"])).is_ok());
        let e = compile(p, "k", spec(r"^\d+$", &["a"], &[])).unwrap_err();
        assert!(e.to_string().contains("k.match"), "{e}");
        let e = compile(p, "k", spec(r"^\d+$", &["1"], &["2"])).unwrap_err();
        assert!(e.to_string().contains("k.no_match"), "{e}");
        let e = compile(p, "k", spec(r"^\d+$", &[], &[])).unwrap_err();
        assert!(e.to_string().contains("at least one example"), "{e}");
    }

    #[test]
    fn an_unfiltered_pattern_reports_and_checks_as_a_pattern_does() {
        let p = Path::new("x.toml");
        for (pattern, yes, no) in [
            (
                r"(?i)\b(?:de|del)\s+\d{4}",
                &["De 2020"][..],
                &["de dos"][..],
            ),
            (r"[a-", &["a"][..], &[][..]),
            (r"^\d+$", &["a"][..], &[][..]),
            (r"^\d+$", &["1"][..], &["2"][..]),
            (r"^\d+$", &[][..], &[][..]),
        ] {
            let plain = compile(p, "k", spec(pattern, yes, no)).map(|_| ());
            let unfiltered = compile_unfiltered(p, "k", spec(pattern, yes, no)).map(|_| ());
            assert_eq!(
                plain.map_err(|e| e.to_string()),
                unfiltered.map_err(|e| e.to_string()),
                "{pattern}"
            );
        }
    }

    #[test]
    fn a_group_the_code_reads_is_required() {
        let p = Path::new("x.toml");
        let ok = compile_with_groups(p, "k", spec(r"(?P<count>\d+)", &["3"], &[]), &["count"]);
        assert!(ok.is_ok());
        let e = compile_with_groups(p, "k", spec(r"(\d+)", &["3"], &[]), &["count"]).unwrap_err();
        assert!(e.to_string().contains("k.pattern"), "{e}");
        assert!(e.to_string().contains("(?P<count>"), "{e}");
    }
}
