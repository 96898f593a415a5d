//! Patterns: the regexes of the rule files, compiled once at load with their examples checked.
//!
//! A bottom module: every stage's rules loader uses it, and it uses no stage. A pattern is written
//! in a rule file as a table `{ pattern, match, no_match }`; loading compiles the regex, runs every
//! example and checks that the named groups the code reads are there, so an edited rule file fails
//! at load with the file and the key, never later on an input.

use std::panic::{RefUnwindSafe, UnwindSafe};
use std::path::Path;
use std::sync::Arc;

use regex::Regex;
use regex_automata::hybrid;
use regex_automata::nfa::thompson;
use regex_automata::util::pool::Pool;
use regex_syntax::hir::{
    Capture, Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look, Repetition,
};
use serde::Deserialize;

use crate::error::RulesError;
use crate::gate::Gate;

/// A compiled, example-checked line pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// Dotted key of the pattern in its file, for error messages (`bullets.bullet`).
    pub key: String,
    /// The pattern. Search with the methods below, which pass over fast a text the pattern
    /// cannot match.
    pub regex: Regex,
    /// For a pattern with Unicode word boundaries (`\b`, `\B`…): its relaxed form ([`relaxed_hir`]:
    /// the boundaries always true, classes widened, repetitions unbounded), which matches
    /// wherever the pattern does. The regex crate's fast engine gives up at the first byte beyond
    /// ASCII in a text searched for a Unicode boundary (in every Spanish text) and searches again
    /// with a slower one; this one never does, so a text it does not match is passed over at the
    /// fast engine's speed.
    relaxed: Option<Arc<Relaxed>>,
    /// For a pattern anchored at the start of the text (`^`) whose matches are never empty:
    /// the bytes a match can start with. A text that starts with another byte, most lines for
    /// most line patterns, is passed over without a search (a search costs some two hundred
    /// instructions before it reads a byte).
    first_bytes: Option<FirstBytes>,
}

impl Pattern {
    pub fn is_match(&self, line: &str) -> bool {
        self.may_match(line) && self.regex.is_match(line)
    }
    /// The pattern's groups in `line`. Most lines of a document match none of the line
    /// patterns they are tried with: a match is looked for first, without building the groups.
    pub fn captures<'t>(&self, line: &'t str) -> Option<regex::Captures<'t>> {
        if !self.may_start(line) {
            return None;
        }
        // Behind a relaxed form, which turned most lines away, a line is searched once.
        let passed = match &self.relaxed {
            Some(relaxed) => relaxed.is_match(line),
            None => self.regex.is_match(line),
        };
        if !passed {
            return None;
        }
        self.regex.captures(line)
    }
    /// Every match's groups in `text`, as `Regex::captures_iter`.
    pub fn captures_iter<'r, 't>(
        &'r self,
        text: &'t str,
    ) -> impl Iterator<Item = regex::Captures<'t>> + use<'r, 't> {
        let searched = self.may_match(text).then(|| self.regex.captures_iter(text));
        searched.into_iter().flatten()
    }
    /// Every match in `text`, as `Regex::find_iter`.
    pub fn find_iter<'r, 't>(
        &'r self,
        text: &'t str,
    ) -> impl Iterator<Item = regex::Match<'t>> + use<'r, 't> {
        let searched = self.may_match(text).then(|| self.regex.find_iter(text));
        searched.into_iter().flatten()
    }
    /// False only where the pattern cannot match `text` (it does not start with a byte a match
    /// starts with, or its relaxed form does not match).
    fn may_match(&self, text: &str) -> bool {
        self.may_start(text) && self.relaxed.as_ref().is_none_or(|r| r.is_match(text))
    }
    /// False only where `text` starts with no byte a match of an anchored pattern starts with.
    fn may_start(&self, text: &str) -> bool {
        self.first_bytes
            .as_ref()
            .is_none_or(|f| text.as_bytes().first().is_some_and(|&b| f.contains(b)))
    }
}

/// The bytes the matches of a pattern anchored at the start of the text can start with, read
/// from its syntax; more bytes than that at times, never fewer.
#[derive(Debug, Clone, Copy)]
struct FirstBytes([u64; 4]);

impl FirstBytes {
    /// The first bytes of the pattern `hir`, when every match of it starts at the start of the
    /// text (`^`, not the `(?m)` one) and holds a byte; `None` otherwise.
    fn of(hir: &Hir) -> Option<FirstBytes> {
        let props = hir.properties();
        if !props.look_set_prefix().contains(Look::Start)
            || props.minimum_len().is_none_or(|n| n == 0)
        {
            return None;
        }
        let mut set = FirstBytes([0; 4]);
        set.add_first_bytes(hir);
        Some(set)
    }

    fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    fn add(&mut self, from: u8, to: u8) {
        for b in from..=to {
            self.0[usize::from(b >> 6)] |= 1 << (b & 63);
        }
    }

    /// Adds every byte a match of `hir` can start with.
    fn add_first_bytes(&mut self, hir: &Hir) {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(lit) => {
                if let Some(&b) = lit.0.first() {
                    self.add(b, b);
                }
            }
            HirKind::Class(Class::Bytes(c)) => {
                for r in c.iter() {
                    self.add(r.start(), r.end());
                }
            }
            // A character's first byte in UTF-8 grows with the character: a range's first
            // bytes are those from its first character's to its last's.
            HirKind::Class(Class::Unicode(c)) => {
                for r in c.iter() {
                    self.add(utf8_first_byte(r.start()), utf8_first_byte(r.end()));
                }
            }
            HirKind::Repetition(rep) => self.add_first_bytes(&rep.sub),
            HirKind::Capture(cap) => self.add_first_bytes(&cap.sub),
            HirKind::Concat(subs) => {
                // Up to the first part that cannot match empty.
                for sub in subs {
                    self.add_first_bytes(sub);
                    if sub.properties().minimum_len().is_none_or(|n| n > 0) {
                        break;
                    }
                }
            }
            HirKind::Alternation(subs) => {
                for sub in subs {
                    self.add_first_bytes(sub);
                }
            }
        }
    }
}

/// The first byte of `c` in UTF-8.
fn utf8_first_byte(c: char) -> u8 {
    let mut buf = [0; 4];
    c.encode_utf8(&mut buf).as_bytes()[0]
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
    let (relaxed, first_bytes) = read_syntax(&spec.pattern);
    Ok(Pattern {
        key: key.to_string(),
        relaxed,
        first_bytes,
        regex,
    })
}

/// What `pattern`'s syntax tells its searches besides its regex: its relaxed form, if it has a
/// Unicode word boundary, and its first bytes, if it is anchored. The regex crate keeps its own
/// syntax tree: the pattern is parsed once more, and only when it has a word assertion (written
/// `\b`, `\B`, `\<` or `\>`) or a `^`.
fn read_syntax(pattern: &str) -> (Option<Arc<Relaxed>>, Option<FirstBytes>) {
    let word_assertion = ["\\b", "\\B", "\\<", "\\>"]
        .iter()
        .any(|a| pattern.contains(a));
    let caret = pattern.contains('^');
    if !word_assertion && !caret {
        return (None, None);
    }
    // (Never fails for a pattern the regex crate compiled.)
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(pattern) else {
        return (None, None);
    };
    let relaxed = word_assertion.then(|| Relaxed::of(&hir)).flatten();
    let first_bytes = caret.then(|| FirstBytes::of(&hir)).flatten();
    (relaxed.map(Arc::new), first_bytes)
}

/// A pattern relaxed by [`relaxed_hir`] (its Unicode word boundaries made always true, its classes
/// widened, its bounded repetitions unbounded): it matches wherever the pattern does. Searched
/// only to know whether it matches, with a forward lazy DFA, which widened classes of a few
/// UTF-8 sequences keep small (`\d` and `\p{L}` have hundreds) and which never gives up.
#[derive(Debug)]
struct Relaxed {
    dfa: hybrid::dfa::DFA,
    /// One search cache per thread that searches (a pool, as the regex crate keeps its own).
    caches: Pool<hybrid::dfa::Cache, CacheFn>,
}

thread_local! {
    /// The compiler of relaxed forms, kept: a new one allocates its tables anew each time, about
    /// a tenth of compiling a relaxed form.
    static COMPILER: std::cell::RefCell<thompson::Compiler> = {
        let mut c = thompson::Compiler::new();
        c.configure(thompson::Config::new().which_captures(thompson::WhichCaptures::None));
        std::cell::RefCell::new(c)
    };
}

type CacheFn = Box<dyn Fn() -> hybrid::dfa::Cache + Send + Sync + UnwindSafe + RefUnwindSafe>;

impl Relaxed {
    /// The relaxed form of the pattern `hir`; `None` when it has no Unicode word boundary.
    fn of(hir: &Hir) -> Option<Relaxed> {
        let mut changed = false;
        let relaxed = relaxed_hir(hir, &mut changed);
        if !changed {
            return None;
        }
        let nfa = COMPILER.with_borrow_mut(|c| c.build_from_hir(&relaxed).ok())?;
        let dfa = hybrid::dfa::DFA::builder().build_from_nfa(nfa).ok()?;
        let for_caches = dfa.clone();
        let create: CacheFn = Box::new(move || for_caches.create_cache());
        Some(Relaxed {
            dfa,
            caches: Pool::new(create),
        })
    }

    /// Whether it matches somewhere in `text`; true when the lazy DFA cannot tell (it gave up).
    fn is_match(&self, text: &str) -> bool {
        let mut cache = self.caches.get();
        let input = regex_automata::Input::new(text).earliest(true);
        self.dfa
            .try_search_fwd(&mut cache, &input)
            .map_or(true, |m| m.is_some())
    }
}

/// `hir` relaxed: every Unicode word-boundary assertion made empty (always true), every class
/// [widened], every bounded repetition unbounded; each step only adds matches. `changed` is set
/// when there was a Unicode word boundary (without one, the pattern needs no relaxed form).
fn relaxed_hir(hir: &Hir, changed: &mut bool) -> Hir {
    if matches!(hir.kind(), HirKind::Look(look) if is_unicode_word_look(*look)) {
        *changed = true;
        return Hir::empty();
    }
    let mut relax = |sub: &Hir| relaxed_hir(sub, changed);
    match hir.kind() {
        // `x{0,60}` as `x*`: sixty copies of `x` fewer in the automaton, and still a match
        // wherever the pattern has one.
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            min: r.min,
            max: r.max.filter(|&max| max == r.min),
            greedy: r.greedy,
            sub: Box::new(relax(&r.sub)),
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            index: c.index,
            name: c.name.clone(),
            sub: Box::new(relax(&c.sub)),
        }),
        HirKind::Class(Class::Unicode(class)) => widened(class),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(relax).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(relax).collect()),
        _ => hir.clone(),
    }
}

/// `class`'s ASCII characters and every character beyond ASCII, when it has one beyond ASCII:
/// a class that holds `class`, of a few UTF-8 sequences where `\p{L}` or `\d` has hundreds.
fn widened(class: &ClassUnicode) -> Hir {
    let beyond_ascii = ClassUnicodeRange::new('\u{80}', char::MAX);
    if !class.ranges().iter().any(|r| r.end() >= '\u{80}') {
        return Hir::class(Class::Unicode(class.clone()));
    }
    let mut wide = ClassUnicode::new(
        class
            .ranges()
            .iter()
            .filter(|r| r.start() < '\u{80}')
            .map(|r| ClassUnicodeRange::new(r.start(), r.end().min('\u{7f}'))),
    );
    wide.union(&ClassUnicode::new([beyond_ascii]));
    Hir::class(Class::Unicode(wide))
}

fn is_unicode_word_look(look: Look) -> bool {
    matches!(
        look,
        Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode
    )
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

    /// Every `pattern` string of the built-in rule files, with the examples beside it.
    fn built_in_patterns() -> Vec<(String, Vec<String>)> {
        fn walk(v: &toml::Value, out: &mut Vec<(String, Vec<String>)>) {
            match v {
                toml::Value::Table(t) => {
                    let examples = ["match", "no_match"]
                        .iter()
                        .filter_map(|k| t.get(*k).and_then(|x| x.as_array()))
                        .flatten()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect();
                    if let Some(p) = t.get("pattern").and_then(|x| x.as_str()) {
                        out.push((p.to_string(), examples));
                    }
                    t.values().for_each(|x| walk(x, out));
                }
                toml::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        for (_, text) in crate::builtin::FILES {
            walk(&toml::from_str(text).unwrap(), &mut out);
        }
        out
    }

    #[test]
    fn a_pattern_without_a_unicode_word_boundary_has_no_relaxed_form() {
        let relaxed = |p: &str| read_syntax(p).0;
        assert!(relaxed(r"(?i)\bde\s+\d{4}").is_some());
        assert!(relaxed(r"\Bo\b{end}").is_some());
        assert!(relaxed(r"(?i)de\s+\d{4}").is_none());
        assert!(relaxed(r"(?-u:\b)de(?-u:\b)").is_none());
        assert!(relaxed(r"\\b").is_none(), "an escaped backslash before a b");
    }

    /// The relaxed form is a gate: wherever it says no, the pattern has no match, so a search
    /// through [`Pattern`] finds what the regex finds. Checked on every built-in pattern, over
    /// the 2021 report's lines, every rule example and words glued to accented letters (where
    /// a Unicode boundary and an ASCII one differ).
    #[test]
    fn a_pattern_s_searches_find_what_its_regex_finds() {
        let report = include_str!("../fixtures/informe-ejecutivo-2021.txt");
        let glued = [
            "acciónen el año 2020",
            "Ética 3. Éxito; y 4. Ñandú",
            "más de 361 actores",
            "con dos accióness",
            "informeé 2021",
            "OBJETIVO 7 Ámbito",
            "٣ ١٢ personas, 3 Überprüfung",
            "el informe2021",
        ];
        let patterns = built_in_patterns();
        let (mut relaxed, mut anchored) = (0, 0);
        for (text, examples) in &patterns {
            let Ok(regex) = Regex::new(text) else {
                continue;
            };
            let (relaxed_form, first_bytes) = read_syntax(text);
            let pattern = Pattern {
                key: "k".into(),
                relaxed: relaxed_form,
                first_bytes,
                regex,
            };
            relaxed += usize::from(pattern.relaxed.is_some());
            anchored += usize::from(pattern.first_bytes.is_some());
            let texts = report
                .lines()
                .chain(examples.iter().map(String::as_str))
                .chain(glued);
            for t in texts {
                let found: Vec<_> = pattern.regex.find_iter(t).map(|m| m.range()).collect();
                let gated: Vec<_> = pattern.find_iter(t).map(|m| m.range()).collect();
                assert_eq!(gated, found, "{text} on {t:?}");
                assert_eq!(pattern.is_match(t), !found.is_empty(), "{text} on {t:?}");
            }
            let gated = pattern.captures_iter(report).count();
            assert_eq!(gated, pattern.regex.captures_iter(report).count(), "{text}");
        }
        assert!(
            relaxed >= 10,
            "only {relaxed} built-in patterns have a relaxed form"
        );
        assert!(
            anchored >= 10,
            "only {anchored} built-in patterns have first bytes"
        );
    }

    #[test]
    fn an_anchored_pattern_is_passed_over_on_a_text_that_starts_with_no_byte_it_starts_with() {
        let first = |p: &str| read_syntax(p).1;
        let f = first(r"^\s*(?P<marker>[a-z]\))\s+(?P<text>\S.*)$").expect("anchored");
        // `\s` holds spaces beyond ASCII too: U+00A0 (C2 A0), U+2003 (E2 80 83)…
        for b in [b' ', b'\t', b'a', b'z', 0xC2, 0xE2] {
            assert!(f.contains(b), "{b:#x}");
        }
        for b in [b'S', b'A', b'1', b'(', 0xC3] {
            assert!(!f.contains(b), "{b:#x}");
        }
        // A Unicode class: the first byte of each of its characters (● is E2 97 8F).
        let f = first(r"^(?:●|\p{Lu})").expect("anchored");
        assert!(f.contains(0xE2) && f.contains(b'S') && f.contains(0xC3));
        assert!(!f.contains(b's') && !f.contains(b' '));
        // Optional parts: the bytes of what may follow them too.
        let f = first(r"^(?:ab)?c?d").expect("anchored");
        assert!(f.contains(b'a') && f.contains(b'c') && f.contains(b'd') && !f.contains(b'b'));
        // Not anchored, anchored only line by line, or able to match empty: no first bytes.
        for p in [r"a^", r"x|^y", r"(?m)^x", r"^\s*$", r"^", r"^(?:x|)"] {
            assert!(first(p).is_none(), "{p}");
        }
        // The empty text matches none of the patterns with first bytes.
        let pattern = Pattern {
            key: "k".into(),
            regex: Regex::new(r"^\s*x").expect("compiles"),
            relaxed: None,
            first_bytes: first(r"^\s*x"),
        };
        assert!(!pattern.is_match("") && !pattern.is_match("y x") && pattern.is_match("  x"));
    }
}
