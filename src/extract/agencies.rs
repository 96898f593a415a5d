//! Agencies: finding the agencies a text names, with a lexicon kept in rules
//! (`rules/gcm/agencies.toml`).
//!
//! A text names an agency by its acronym ("la SRE"), by its full name in any case and with or
//! without accents ("Secretaría de Relaciones Exteriores", "SECRETARIA DE RELACIONES
//! EXTERIORES"), or by another name ("la Cancillería"). [`Lexicon::find`] gives every such mention
//! with its byte range in the text; [`Lexicon::unknown_acronyms`] gives the all-caps tokens that
//! look like acronyms but that the lexicon does not know, with the known acronym one edit away
//! ("SER" → "SRE"), so that typos and missing entries are seen rather than silently dropped.
//!
//! Loading is strict: unknown keys, duplicate acronyms or names, empty names, unknown parents and
//! a wrong count of annex entries are errors naming the key (`agency[3].parent`), and the file's
//! `[[examples]]` are run at load.
//!
//! ```
//! use informe::extract::agencies::{Form, Lexicon};
//! let lex = Lexicon::load(std::path::Path::new("rules/gcm/agencies.toml")).unwrap();
//! let found = lex.find("el Instituto Nacional de Migración (INM) y la Cancillería");
//! let got: Vec<_> = found.iter().map(|m| (m.acronym.as_str(), m.form)).collect();
//! assert_eq!(got, [("INM", Form::Name), ("INM", Form::Acronym), ("SRE", Form::Variant)]);
//! let unknown = lex.unknown_acronyms("(CIAIMM) de la SER, fue creada");
//! assert_eq!(unknown[0].raw, "SER");
//! assert_eq!(unknown[0].closest.as_deref(), Some("SRE"));
//! ```

use std::collections::{HashMap, HashSet};
use std::path::Path;

use regex::Regex;
use serde::{Deserialize, Serialize};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use super::capitals::Capitals;
use super::namesearch::NameSearch;
use crate::error::RulesError;
use crate::textkey::ascii_run;

/// How many entries of the lexicon the 2021 annex lists.
const ANNEX_ENTRIES: usize = 36;
/// The fewest `[[examples]]` a lexicon must carry.
const MIN_EXAMPLES: usize = 8;
const KINDS: [&str; 4] = ["federal", "autonomous", "unit", "international"];
const TOP_KEYS: [&str; 3] = ["agency", "not_agencies", "examples"];
const AGENCY_KEYS: [&str; 7] = [
    "acronym",
    "kind",
    "names",
    "variants",
    "acronym_variants",
    "parent",
    "annex",
];
const EXAMPLE_KEYS: [&str; 3] = ["text", "agencies", "unknown"];
/// Spanish function words: a run of three or more all-caps words holding one of them is prose in
/// capitals (a heading, a name in an annex table), not a list of acronyms.
const FUNCTION_WORDS: [&str; 18] = [
    "A", "AL", "CON", "DE", "DEL", "E", "EL", "EN", "LA", "LAS", "LO", "LOS", "O", "PARA", "POR",
    "QUE", "U", "Y",
];
/// Shortest and longest (in letters) all-caps token taken for an acronym.
const TOKEN_LETTERS: std::ops::RangeInclusive<usize> = 2..=10;

/// The agencies lexicon, compiled.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub agencies: Vec<Agency>,
    /// Acronyms and acronym variants → index in `agencies`.
    acronyms: HashMap<String, usize>,
    /// Folded names and variants, words joined by one space → (index in `agencies`, form).
    names: HashMap<String, (usize, Form)>,
    not_agencies: HashSet<String>,
    /// Every acronym and acronym variant, as whole words, longest first.
    acronym_re: Regex,
    /// Every folded name and variant, as whole words, longest first (a footnote marker glued to
    /// its end is allowed and left out).
    name_search: NameSearch,
    /// All-caps words (of any length, to see runs of capitals).
    capitals: Capitals,
    roman_re: Regex,
}

/// One entry of the lexicon.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    pub acronym: String,
    /// "federal", "autonomous", "unit" or "international".
    pub kind: String,
    pub names: Vec<String>,
    #[serde(default)]
    pub variants: Vec<String>,
    #[serde(default)]
    pub acronym_variants: Vec<String>,
    #[serde(default)]
    pub parent: Option<String>,
    /// Listed in the 2021 annex of participating agencies.
    #[serde(default)]
    pub annex: bool,
}

/// One agency named in a text: byte range in the text, canonical acronym, the matched form, and how it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyMatch {
    pub start: usize,
    pub end: usize,
    pub acronym: String,
    /// The text as written, `text[start..end]`.
    pub matched: String,
    pub form: Form,
}

/// How a mention matched: by acronym (or acronym variant), by official name, or by another name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    Acronym,
    Name,
    Variant,
}

/// An all-caps token that looks like an agency acronym but is not in the lexicon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAcronym {
    pub start: usize,
    pub end: usize,
    pub raw: String,
    /// The known acronym at Damerau–Levenshtein distance 1, if any.
    pub closest: Option<String>,
}

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[serde(default)]
    agency: Vec<toml::Value>,
    #[serde(default)]
    not_agencies: Vec<String>,
    #[serde(default)]
    examples: Vec<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Example {
    text: String,
    agencies: Vec<String>,
    #[serde(default)]
    unknown: Vec<String>,
}

impl Lexicon {
    /// Loads and validates `path` (`agencies.toml`) and compiles the matchers once.
    ///
    /// # Errors
    ///
    /// A [`RulesError`] naming `path` and the key: unknown keys (`agency[3].colour`), duplicate
    /// acronyms or names, empty names, an unknown kind, a parent that is not in the lexicon (or a
    /// unit without one), a `not_agencies` entry that is an acronym, fewer or more than 36 annex
    /// entries (key `agency`), fewer than 8 examples (key `examples`); and `examples[i]` when an
    /// example gives other results than it states.
    pub fn load(path: &Path) -> Result<Lexicon, RulesError> {
        let err = |key: &str, message: String| RulesError::new(path, key, &message);
        let text = crate::builtin::read_rule_file(path)
            .map_err(|e| err("", format!("cannot read rule file: {e}")))?;
        let table: toml::Table =
            toml::from_str(&text).map_err(|e| err("", e.to_string().trim_end().to_string()))?;
        check_keys(&table, "", &TOP_KEYS).map_err(|(k, m)| err(&k, m))?;
        let file: LexiconFile = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| err("", e.message().to_string()))?;

        let mut agencies = Vec::with_capacity(file.agency.len());
        for (i, value) in file.agency.into_iter().enumerate() {
            let key = format!("agency[{i}]");
            let Some(t) = value.as_table() else {
                return Err(err(&key, "must be a table ([[agency]])".to_string()));
            };
            check_keys(t, &key, &AGENCY_KEYS).map_err(|(k, m)| err(&k, m))?;
            let agency: Agency = value
                .try_into()
                .map_err(|e: toml::de::Error| err(&key, e.message().to_string()))?;
            agencies.push(agency);
        }
        let mut examples = Vec::with_capacity(file.examples.len());
        for (i, value) in file.examples.into_iter().enumerate() {
            let key = format!("examples[{i}]");
            let Some(t) = value.as_table() else {
                return Err(err(&key, "must be a table ([[examples]])".to_string()));
            };
            check_keys(t, &key, &EXAMPLE_KEYS).map_err(|(k, m)| err(&k, m))?;
            let example: Example = value
                .try_into()
                .map_err(|e: toml::de::Error| err(&key, e.message().to_string()))?;
            examples.push(example);
        }

        let lexicon = Lexicon::build(agencies, file.not_agencies).map_err(|(k, m)| err(&k, m))?;

        if examples.len() < MIN_EXAMPLES {
            return Err(err(
                "examples",
                format!(
                    "needs at least {MIN_EXAMPLES} [[examples]], found {}",
                    examples.len()
                ),
            ));
        }
        let run = crate::builtin::runs_examples(path);
        for (i, ex) in examples.iter().enumerate().filter(|_| run) {
            let got: Vec<String> = lexicon
                .find(&ex.text)
                .into_iter()
                .map(|m| m.acronym)
                .collect();
            let got_unknown: Vec<String> = lexicon
                .unknown_acronyms(&ex.text)
                .into_iter()
                .map(|u| match u.closest {
                    Some(c) => format!("{}->{c}", u.raw),
                    None => u.raw,
                })
                .collect();
            if got != ex.agencies || got_unknown != ex.unknown {
                return Err(err(
                    &format!("examples[{i}]"),
                    format!(
                        "expected agencies {:?} and unknown {:?}, got agencies {:?} and unknown {:?} in {:?}",
                        ex.agencies, ex.unknown, got, got_unknown, ex.text
                    ),
                ));
            }
        }
        Ok(lexicon)
    }

    /// Validates the entries and compiles the matchers. Errors are (key, message).
    fn build(
        agencies: Vec<Agency>,
        not_agencies: Vec<String>,
    ) -> Result<Lexicon, (String, String)> {
        let mut acronyms: HashMap<String, usize> = HashMap::new();
        let mut names: HashMap<String, (usize, Form)> = HashMap::new();
        for (i, a) in agencies.iter().enumerate() {
            let key = format!("agency[{i}]");
            let forms = std::iter::once((format!("{key}.acronym"), &a.acronym)).chain(
                a.acronym_variants
                    .iter()
                    .enumerate()
                    .map(|(j, v)| (format!("{key}.acronym_variants[{j}]"), v)),
            );
            for (k, form) in forms {
                if form.trim().is_empty() || form.trim() != form {
                    return Err((k, format!("{form:?} is empty or has spaces around it")));
                }
                if !starts_and_ends_alphanumeric(form) {
                    return Err((
                        k,
                        format!("{form:?} must start and end with a letter or digit"),
                    ));
                }
                if let Some(&other) = acronyms.get(form.as_str()) {
                    return Err((
                        k,
                        format!(
                            "duplicate acronym {form:?}: already agency[{other}] ({})",
                            agencies[other].acronym
                        ),
                    ));
                }
                acronyms.insert(form.clone(), i);
            }
            if !KINDS.contains(&a.kind.as_str()) {
                return Err((
                    format!("{key}.kind"),
                    format!(
                        "unknown kind {:?}; expected one of {}",
                        a.kind,
                        KINDS.join(", ")
                    ),
                ));
            }
            if a.names.is_empty() {
                return Err((
                    format!("{key}.names"),
                    "needs at least one name".to_string(),
                ));
            }
            let all = a
                .names
                .iter()
                .enumerate()
                .map(|(j, n)| (format!("{key}.names[{j}]"), n, Form::Name))
                .chain(
                    a.variants
                        .iter()
                        .enumerate()
                        .map(|(j, n)| (format!("{key}.variants[{j}]"), n, Form::Variant)),
                );
            for (k, name, form) in all {
                let folded = fold(name).0;
                let words = name_words(&folded);
                if words.is_empty() {
                    return Err((k, "is empty".to_string()));
                }
                if !starts_and_ends_alphanumeric(name.trim()) {
                    return Err((
                        k,
                        format!("{name:?} must start and end with a letter or digit"),
                    ));
                }
                let joined = words.join(" ");
                if let Some(&(other, _)) = names.get(&joined) {
                    return Err((
                        k,
                        format!(
                            "duplicate name {name:?}: already agency[{other}] ({})",
                            agencies[other].acronym
                        ),
                    ));
                }
                names.insert(joined, (i, form));
            }
        }
        let by_acronym: HashMap<&str, usize> = agencies
            .iter()
            .enumerate()
            .map(|(i, a)| (a.acronym.as_str(), i))
            .collect();
        for (i, a) in agencies.iter().enumerate() {
            let key = format!("agency[{i}].parent");
            match &a.parent {
                None if a.kind == "unit" => {
                    return Err((key, format!("{} is a unit: it needs a parent", a.acronym)));
                }
                None => {}
                Some(p) if !by_acronym.contains_key(p.as_str()) => {
                    return Err((
                        key,
                        format!("parent {p:?} is not an acronym of this lexicon"),
                    ));
                }
                Some(_) => {
                    // Walk up: a chain longer than the lexicon is a cycle.
                    let mut at = i;
                    for _ in 0..=agencies.len() {
                        match agencies[at]
                            .parent
                            .as_deref()
                            .and_then(|p| by_acronym.get(p))
                        {
                            Some(&up) if up == i => {
                                return Err((
                                    key,
                                    format!("parent chain of {} loops back to it", a.acronym),
                                ));
                            }
                            Some(&up) => at = up,
                            None => break,
                        }
                    }
                }
            }
        }
        let annex = agencies.iter().filter(|a| a.annex).count();
        if annex != ANNEX_ENTRIES {
            return Err((
                "agency".to_string(),
                format!("{ANNEX_ENTRIES} entries must have annex = true (the 2021 annex), found {annex}"),
            ));
        }
        let mut not = HashSet::new();
        for (j, t) in not_agencies.into_iter().enumerate() {
            let k = format!("not_agencies[{j}]");
            if t.trim().is_empty() {
                return Err((k, "is empty".to_string()));
            }
            if let Some(&i) = acronyms.get(t.as_str()) {
                return Err((
                    k,
                    format!(
                        "{t:?} is an acronym of agency[{i}] ({})",
                        agencies[i].acronym
                    ),
                ));
            }
            if !not.insert(t.clone()) {
                return Err((k, format!("{t:?} is listed twice")));
            }
        }

        let mut acr: Vec<&str> = acronyms.keys().map(String::as_str).collect();
        acr.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let acr: Vec<String> = acr.into_iter().map(regex::escape).collect();
        // ASCII word boundaries (`(?-u:\b)`): a Unicode `\b` keeps the regex crate on its slow
        // engines for non-ASCII text; acronyms and folded names are ASCII words.
        let acronym_re = compile(&format!(r"(?-u:\b)(?:{})(?-u:\b)", acr.join("|")))?;

        let mut alts: Vec<String> = names.keys().cloned().collect();
        alts.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let name_search =
            NameSearch::new(alts).map_err(|e| (String::new(), format!("names: {e}")))?;

        Ok(Lexicon {
            agencies,
            acronyms,
            names,
            not_agencies: not,
            acronym_re,
            name_search,
            // Word boundaries are checked in code: a Unicode `\b` would keep the regex crate on
            // its slow engines for every non-ASCII text.
            capitals: Capitals::new().map_err(matcher_error)?,
            roman_re: compile(r"^C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")?,
        })
    }

    /// All agency mentions in text, in order, non-overlapping, longest match first (so
    /// "IMSS-BIENESTAR" is one IMSS match, "Secretaría de Relaciones Exteriores (SRE)" gives two
    /// matches: the name and the acronym).
    ///
    /// Acronyms match as whole words and case-sensitively ("BIENESTAR7" is no match). Names and
    /// variants match accent- and case-insensitively as whole words, with any run of whitespace
    /// (or a comma) between words; a footnote number glued to the end of a name ("SECRETARÍA DE
    /// BIENESTAR7") is allowed and left out of the match. Offsets are byte offsets into `text`.
    pub fn find(&self, text: &str) -> Vec<AgencyMatch> {
        let mut found: Vec<AgencyMatch> = Vec::new();
        for m in self.acronym_re.find_iter(text) {
            if let Some(&i) = self.acronyms.get(m.as_str()) {
                found.push(AgencyMatch {
                    start: m.start(),
                    end: m.end(),
                    acronym: self.agencies[i].acronym.clone(),
                    matched: m.as_str().to_string(),
                    form: Form::Acronym,
                });
            }
        }
        let (folded, map) = fold(text);
        for hit in self.name_search.find(&folded) {
            let Some(&(i, form)) = self.names.get(self.name_search.name(hit.name)) else {
                continue;
            };
            let (Some(start), Some(end)) = (map.get(hit.start), original_end(text, &map, hit.end))
            else {
                continue;
            };
            let Some(matched) = text.get(*start..end) else {
                continue;
            };
            found.push(AgencyMatch {
                start: *start,
                end,
                acronym: self.agencies[i].acronym.clone(),
                matched: matched.to_string(),
                form,
            });
        }
        // Longest first, then leftmost; keep those that overlap no kept match.
        found.sort_by(|a, b| {
            (b.end - b.start)
                .cmp(&(a.end - a.start))
                .then(a.start.cmp(&b.start))
        });
        let mut kept: Vec<AgencyMatch> = Vec::with_capacity(found.len());
        for m in found {
            if kept.iter().all(|k| m.end <= k.start || k.end <= m.start) {
                kept.push(m);
            }
        }
        kept.sort_by_key(|m| m.start);
        kept
    }

    /// All-caps tokens (2–10 letters, may include Ñ/accents, all uppercase) not in the lexicon
    /// (acronyms or `acronym_variants`) and not in `not_agencies` and not roman numerals, each with
    /// the closest known acronym when the Damerau–Levenshtein distance (transposition = 1) is at
    /// most 1 (so "SER" -> Some("SRE")); tokens with no close acronym are returned too with
    /// closest None.
    ///
    /// Also left out: tokens inside a match of [`Lexicon::find`] (the words of a name written in
    /// capitals), and the words of prose in capitals: a run of three or more all-caps words,
    /// separated only by spaces, digits and punctuation, that holds a Spanish function word (DE, LA, Y…),
    /// as headings and annex rows are. Roman numerals are taken as those written with I, V, X, L
    /// and C (up to 399), so that acronyms with D or M are not mistaken for numbers. Among
    /// acronyms at distance 1, one with the same letters (a transposition) is preferred.
    pub fn unknown_acronyms(&self, text: &str) -> Vec<UnknownAcronym> {
        self.unknown_acronyms_besides(text, &self.find(text))
    }

    /// [`Lexicon::unknown_acronyms`] when the text's matches (`find`) are already known.
    pub fn unknown_acronyms_besides(
        &self,
        text: &str,
        covered: &[AgencyMatch],
    ) -> Vec<UnknownAcronym> {
        let word_char =
            |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || is_combining_mark(c));
        let tokens: Vec<(usize, usize)> = self
            .capitals
            .runs(text)
            .into_iter()
            .filter(|&(start, end)| {
                !word_char(text[..start].chars().next_back())
                    && !word_char(text[end..].chars().next())
            })
            .collect();
        // Mark the tokens that are part of prose in capitals.
        let mut prose = vec![false; tokens.len()];
        let mut run_start = 0;
        for i in 0..=tokens.len() {
            let joined = i > 0
                && i < tokens.len()
                && text.get(tokens[i - 1].1..tokens[i].0).is_some_and(|gap| {
                    gap.chars()
                        .all(|c| c.is_whitespace() || c.is_ascii_digit() || ",.;:-–—/&".contains(c))
                });
            if joined {
                continue;
            }
            let run = &tokens[run_start..i];
            if run.len() >= 3
                && run
                    .iter()
                    .any(|&(s, e)| FUNCTION_WORDS.contains(&&text[s..e]))
            {
                for p in &mut prose[run_start..i] {
                    *p = true;
                }
            }
            run_start = i;
        }

        let mut out = Vec::new();
        for (k, &(start, end)) in tokens.iter().enumerate() {
            let raw = &text[start..end];
            let letters = raw.chars().filter(|c| !is_combining_mark(*c)).count();
            if prose[k]
                || !TOKEN_LETTERS.contains(&letters)
                || self.acronyms.contains_key(raw)
                || self.not_agencies.contains(raw)
                || self.roman_re.is_match(raw)
                || covered.iter().any(|m| m.start <= start && end <= m.end)
            {
                continue;
            }
            out.push(UnknownAcronym {
                start,
                end,
                raw: raw.to_string(),
                closest: self.closest(raw),
            });
        }
        out
    }

    /// The agency with this acronym (or acronym variant).
    pub fn get(&self, acronym: &str) -> Option<&Agency> {
        self.agencies
            .iter()
            .find(|a| a.acronym == acronym)
            .or_else(|| self.acronyms.get(acronym).map(|&i| &self.agencies[i]))
    }

    /// The canonical acronym whose acronym or acronym variant is one edit from `token`:
    /// the nearest; among equals, a transposition before other edits, then file order.
    fn closest(&self, token: &str) -> Option<String> {
        let t: Vec<char> = token.chars().collect();
        let mut sorted_t = t.clone();
        sorted_t.sort_unstable();
        let mut best: Option<((usize, bool, usize), usize)> = None;
        for (form, &i) in &self.acronyms {
            let f: Vec<char> = form.to_uppercase().chars().collect();
            if f.len().abs_diff(t.len()) > 1 {
                continue;
            }
            let d = osa_distance(&t, &f);
            if d > 1 {
                continue;
            }
            let mut sorted_f = f.clone();
            sorted_f.sort_unstable();
            let rank = (d, sorted_f != sorted_t, i);
            if best.is_none_or(|(r, _)| rank < r) {
                best = Some((rank, i));
            }
        }
        best.map(|(_, i)| self.agencies[i].acronym.clone())
    }
}

/// Checks that a table has only known keys. Errors are (key, message).
fn check_keys(t: &toml::Table, prefix: &str, known: &[&str]) -> Result<(), (String, String)> {
    for k in t.keys() {
        if !known.contains(&k.as_str()) {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            return Err((
                key,
                format!("unknown key `{k}`; expected one of: {}", known.join(", ")),
            ));
        }
    }
    Ok(())
}

fn compile(pattern: &str) -> Result<Regex, (String, String)> {
    Regex::new(pattern).map_err(matcher_error)
}

/// The error of a matcher of the lexicon that could not be built.
fn matcher_error(e: impl std::fmt::Display) -> (String, String) {
    (
        "agency".to_string(),
        format!("cannot compile the matcher: {e}"),
    )
}

fn starts_and_ends_alphanumeric(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_alphanumeric)
        && s.chars().next_back().is_some_and(char::is_alphanumeric)
}

/// The words of a folded name: split at whitespace and commas.
fn name_words(folded: &str) -> Vec<&str> {
    folded
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect()
}

/// Folds `text` for matching names: canonical decomposition, combining marks dropped, lowercase.
/// Returns the folded text and, for each of its bytes, the offset of the character of `text` it
/// comes from.
fn fold(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        // Most of a Spanish text is runs of ASCII: no decomposition or mark to look up, each
        // byte its own.
        let at = text.len() - rest.len();
        let (ascii, next, after) = ascii_run(rest);
        let start = out.len();
        out.push_str(ascii);
        out[start..].make_ascii_lowercase();
        map.extend(at..at + ascii.len());
        if let Some(c) = next {
            fold_char(c, at + ascii.len(), &mut out, &mut map);
        }
        rest = after;
    }
    (out, map)
}

/// Folds character `c`, at offset `at` of the text, onto `out`: decomposed, its marks dropped,
/// lowercased; each byte written maps to `at`.
fn fold_char(c: char, at: usize, out: &mut String, map: &mut Vec<usize>) {
    decompose_canonical(c, |d| {
        if is_combining_mark(d) {
            return;
        }
        for l in d.to_lowercase() {
            if is_combining_mark(l) {
                continue;
            }
            out.push(l);
            map.extend(std::iter::repeat_n(at, l.len_utf8()));
        }
    });
}

/// The offset in the original text just past the character that folded byte `end - 1` comes from.
fn original_end(text: &str, map: &[usize], end: usize) -> Option<usize> {
    let last = *map.get(end.checked_sub(1)?)?;
    let c = text.get(last..)?.chars().next()?;
    Some(last + c.len_utf8())
}

/// Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions = 1).
fn osa_distance(a: &[char], b: &[char]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `fold` as first written, every character through [`fold_char`], ASCII too.
    fn fold_by_chars(text: &str) -> (String, Vec<usize>) {
        let mut out = String::new();
        let mut map = Vec::new();
        for (at, c) in text.char_indices() {
            fold_char(c, at, &mut out, &mut map);
        }
        (out, map)
    }

    #[test]
    fn folding_by_ascii_runs_gives_what_folding_by_characters_gives() {
        let alphabet = "aZ9 ñÑÉé,İẞȺΣß€😀\u{301}-(";
        for text in crate::testing::random_texts(0xBB67_AE85_84CA_A73B, alphabet, 20_000, 12) {
            assert_eq!(fold(&text), fold_by_chars(&text), "{text:?}");
        }
        let report = std::fs::read_to_string("fixtures/informe-ejecutivo-2021.txt").unwrap();
        assert_eq!(fold(&report), fold_by_chars(&report));
    }

    const RULES: &str = "rules/gcm/agencies.toml";

    #[test]
    fn name_search_agrees_with_the_regex_of_every_name_on_random_texts() {
        use crate::extract::namesearch::tests::{by_regex, regex_of};
        let lex = lex();
        let mut names: Vec<String> = lex.names.keys().cloned().collect();
        names.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let re = regex_of(&names);
        let mut words: Vec<&str> = names.iter().flat_map(|n| n.split(' ')).collect();
        words.sort_unstable();
        words.dedup();
        let glue = [
            " ", " ", "  ", ", ", ",", "\n", "\u{a0}", "7", "12", "(", ")", ".", "-", "_", "x",
        ];
        let seps = [" ", " ", "  ", ", ", " ,", "\n", "\u{a0}", "\t "];
        let mut next = crate::testing::xorshift(0x00a6_e7c1);
        let (mut hits, mut multiword) = (0, 0);
        for round in 0..3000 {
            let len = 1 + (next() % 12) as usize;
            let mut text = String::new();
            for _ in 0..len {
                let r = next();
                match r % 4 {
                    // A whole name, its words joined by runs of separators.
                    0 => {
                        let name = &names[(r / 4 % names.len() as u64) as usize];
                        for (k, w) in name.split(' ').enumerate() {
                            if k > 0 {
                                text.push_str(seps[(next() % seps.len() as u64) as usize]);
                            }
                            text.push_str(w);
                        }
                    }
                    1 => text.push_str(words[(r / 4 % words.len() as u64) as usize]),
                    _ => text.push_str(glue[(r / 4 % glue.len() as u64) as usize]),
                }
            }
            let found = lex.name_search.find(&text);
            hits += found.len();
            multiword += found
                .iter()
                .filter(|h| lex.name_search.name(h.name).contains(' '))
                .count();
            assert_eq!(
                found,
                by_regex(&re, &names, &text),
                "round {round}: {text:?}"
            );
        }
        // The texts must hold names, most of them of several words, for the test to say much.
        assert!(
            hits > 1000 && multiword > 800,
            "{hits} names, {multiword} of several words"
        );
    }

    fn lex() -> Lexicon {
        match Lexicon::load(Path::new(RULES)) {
            Ok(l) => l,
            Err(e) => panic!("{e}"),
        }
    }

    fn acronyms(l: &Lexicon, text: &str) -> Vec<String> {
        l.find(text).into_iter().map(|m| m.acronym).collect()
    }

    fn unknown(l: &Lexicon, text: &str) -> Vec<(String, Option<String>)> {
        l.unknown_acronyms(text)
            .into_iter()
            .map(|u| (u.raw, u.closest))
            .collect()
    }

    /// Loads a copy of the real file changed by `edit`, and returns the error.
    fn load_err(edit: impl Fn(String) -> String) -> RulesError {
        let text = std::fs::read_to_string(RULES).expect("read the lexicon");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("agencies.toml");
        std::fs::write(&path, edit(text)).expect("write temp file");
        match Lexicon::load(&path) {
            Ok(_) => panic!("loading should fail"),
            Err(e) => e,
        }
    }

    #[test]
    fn acronym_as_a_word() {
        let l = lex();
        let text = "La Guía del viajero de la SRE.";
        let m = l.find(text);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].acronym, "SRE");
        assert_eq!(m[0].form, Form::Acronym);
        assert_eq!(&text[m[0].start..m[0].end], "SRE");
        assert_eq!(m[0].matched, "SRE");
    }

    #[test]
    fn name_across_spaces_case_and_accents() {
        let l = lex();
        let text = "la SECRETARIA DE  relaciones\n exteriores, y";
        let m = l.find(text);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].acronym, "SRE");
        assert_eq!(m[0].form, Form::Name);
        assert_eq!(m[0].matched, "SECRETARIA DE  relaciones\n exteriores");
        assert_eq!(&text[m[0].start..m[0].end], m[0].matched);
    }

    #[test]
    fn name_and_acronym_both_found() {
        let l = lex();
        let text = "del Instituto Nacional de Migración (INM) se";
        let m = l.find(text);
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].acronym.as_str(), m[0].form), ("INM", Form::Name));
        assert_eq!(m[0].matched, "Instituto Nacional de Migración");
        assert_eq!(
            &text[m[0].start..m[0].end],
            "Instituto Nacional de Migración"
        );
        assert_eq!((m[1].acronym.as_str(), m[1].form), ("INM", Form::Acronym));
        assert_eq!(&text[m[1].start..m[1].end], "INM");
    }

    #[test]
    fn imss_bienestar_is_imss_only() {
        let l = lex();
        let text = "el Programa IMSS-BIENESTAR colabora con la Secretaría de Salud";
        let m = l.find(text);
        assert_eq!(acronyms(&l, text), ["IMSS", "SSA"]);
        assert_eq!(m[0].matched, "IMSS-BIENESTAR");
        assert!(unknown(&l, text).is_empty());
    }

    #[test]
    fn cancilleria_is_a_variant_of_sre() {
        let l = lex();
        let m = l.find("a través de la Cancillería, para exentar");
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].acronym.as_str(), m[0].form), ("SRE", Form::Variant));
        assert_eq!(m[0].matched, "Cancillería");
    }

    #[test]
    fn lowercase_name_of_sepomex() {
        let l = lex();
        let m = l.find("incluido el servicio postal mexicano, la aceptación");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].acronym, "SEPOMEX");
        assert_eq!(m[0].matched, "servicio postal mexicano");
    }

    #[test]
    fn typo_ser_is_unknown_near_sre() {
        let l = lex();
        let text = "(CIAIMM) de la SER, fue creada";
        assert!(l.find(text).is_empty());
        let u = l.unknown_acronyms(text);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].raw, "SER");
        assert_eq!(&text[u[0].start..u[0].end], "SER");
        assert_eq!(u[0].closest.as_deref(), Some("SRE"));
    }

    #[test]
    fn not_agencies_and_roman_numerals_are_not_unknown() {
        let l = lex();
        assert!(unknown(&l, "El Padrón (PANITLI) del INALI").is_empty());
        assert!(unknown(
            &l,
            "la Reunión de la XIII Conferencia y la Operación ITZEL II"
        )
        .is_empty());
        assert!(unknown(&l, "la XXXVIII Reunión del GMP").is_empty());
    }

    #[test]
    fn unknown_without_close_acronym() {
        let l = lex();
        assert_eq!(unknown(&l, "con la QWXZ"), [("QWXZ".to_string(), None)]);
    }

    #[test]
    fn no_match_inside_longer_words() {
        let l = lex();
        assert!(l.find("la SREX y el INMigración, SRE2").is_empty());
        assert!(l
            .find("los Ministerios de Relaciones Exteriores")
            .is_empty());
        assert!(l.find("la Secretaría de Saludable").is_empty());
    }

    #[test]
    fn footnote_marker_after_a_name() {
        let l = lex();
        let m = l.find("SECRETARÍA DE BIENESTAR7 BIENESTAR");
        assert_eq!(m.len(), 2);
        assert_eq!(
            (m[0].matched.as_str(), m[0].form),
            ("SECRETARÍA DE BIENESTAR", Form::Name)
        );
        assert_eq!(
            (m[1].matched.as_str(), m[1].form),
            ("BIENESTAR", Form::Acronym)
        );
    }

    #[test]
    fn get_by_acronym_and_variant() {
        let l = lex();
        let a = l.get("SRE").expect("SRE");
        assert_eq!(a.kind, "federal");
        assert!(a.annex);
        assert_eq!(
            l.get("IMSS-BIENESTAR").map(|a| a.acronym.as_str()),
            Some("IMSS")
        );
        assert_eq!(l.get("IME").and_then(|a| a.parent.as_deref()), Some("SRE"));
        assert_eq!(l.get("OIM").map(|a| a.kind.as_str()), Some("international"));
        assert!(l.get("SER").is_none());
    }

    #[test]
    fn exactly_36_annex_entries() {
        let l = lex();
        assert_eq!(l.agencies.iter().filter(|a| a.annex).count(), 36);
    }

    fn fixture_lines() -> Vec<String> {
        std::fs::read_to_string("fixtures/informe-ejecutivo-2021.txt")
            .expect("read fixture")
            .lines()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn body_of_2021_has_only_one_unknown_acronym() {
        let l = lex();
        let lines = fixture_lines();
        let body = lines[199..1680].join(" ");
        let u = unknown(&l, &body);
        assert_eq!(u, [("SER".to_string(), Some("SRE".to_string()))]);
    }

    #[test]
    fn whole_2021_report_has_only_one_unknown_acronym() {
        let l = lex();
        let text = fixture_lines().join("\n");
        let u = unknown(&l, &text);
        assert_eq!(u, [("SER".to_string(), Some("SRE".to_string()))]);
    }

    #[test]
    fn annex_of_2021_names_the_36_annex_agencies() {
        let l = lex();
        let lines = fixture_lines();
        let annex = lines[1933..2046].join("\n");
        let found: HashSet<String> = l.find(&annex).into_iter().map(|m| m.acronym).collect();
        let listed: HashSet<String> = l
            .agencies
            .iter()
            .filter(|a| a.annex)
            .map(|a| a.acronym.clone())
            .collect();
        // Each row gives its name and its acronym; the table's heading names nothing more.
        assert_eq!(found, listed);
        for a in l.agencies.iter().filter(|a| a.annex) {
            let forms: Vec<Form> = l
                .find(&annex)
                .into_iter()
                .filter(|m| m.acronym == a.acronym)
                .map(|m| m.form)
                .collect();
            assert!(forms.contains(&Form::Acronym), "{}: {forms:?}", a.acronym);
            assert!(forms.len() >= 2, "{}: only {forms:?}", a.acronym);
        }
    }

    #[test]
    fn offsets_are_into_the_original_text() {
        let l = lex();
        let text = "Ñandú «la Comisión Mexicana de Ayuda a Refugiados» y la CNDH";
        for m in l.find(text) {
            assert_eq!(&text[m.start..m.end], m.matched);
        }
        assert_eq!(acronyms(&l, text), ["COMAR", "CNDH"]);
    }

    #[test]
    fn osa_distance_counts_a_transposition_as_one() {
        let d = |a: &str, b: &str| {
            osa_distance(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(d("SER", "SRE"), 1);
        assert_eq!(d("SER", "SEP"), 1);
        assert_eq!(d("SREX", "SRE"), 1);
        assert_eq!(d("ABC", "CBA"), 2);
        assert_eq!(d("", "ABC"), 3);
    }

    #[test]
    fn unknown_key_is_an_error_naming_it() {
        let e = load_err(|t| t.replacen("annex = true", "annex = true\ncolour = \"red\"", 1));
        assert_eq!(e.key, "agency[0].colour");
        assert!(e.to_string().contains("agency[0].colour"), "{e}");
        assert!(e.message.contains("colour"), "{e}");

        let e = load_err(|t| format!("colour = 1\n{t}"));
        assert_eq!(e.key, "colour");
    }

    #[test]
    fn failing_example_is_an_error_naming_it() {
        let text = std::fs::read_to_string(RULES).expect("read");
        let n = text.lines().filter(|l| l.trim() == "[[examples]]").count();
        let e =
            load_err(|t| format!("{t}\n[[examples]]\ntext = \"la SRE\"\nagencies = [\"INM\"]\n"));
        assert_eq!(e.key, format!("examples[{n}]"));
        assert!(e.to_string().contains(&format!("examples[{n}]")), "{e}");
    }

    #[test]
    fn validation_errors_name_the_key() {
        let e = load_err(|t| t.replacen("parent = \"SEGOB\"", "parent = \"NOPE\"", 1));
        assert!(
            e.key.starts_with("agency[") && e.key.ends_with("].parent"),
            "{e}"
        );

        let e = load_err(|t| t.replacen("annex = true", "annex = false", 1));
        assert_eq!(e.key, "agency");
        assert!(e.message.contains("found 35"), "{e}");

        let e = load_err(|t| t.replacen("acronym = \"CNI\"", "acronym = \"SRE\"", 1));
        assert!(e.key.ends_with(".acronym"), "{e}");
        assert!(e.message.contains("duplicate"), "{e}");

        let e = load_err(|t| {
            t.replacen(
                "names = [\"Centro Nacional de Inteligencia\"]",
                "names = []",
                1,
            )
        });
        assert_eq!(e.key, "agency[0].names");

        let e = load_err(|t| t.replacen("kind = \"federal\"", "kind = \"state\"", 1));
        assert_eq!(e.key, "agency[0].kind");

        let e = load_err(|t| t.replacen("\"PANITLI\",", "\"PANITLI\", \"SRE\",", 1));
        assert!(e.key.starts_with("not_agencies["), "{e}");
    }
}
