//! Figures: the quantities a text reports, the noun they count, footnote markers, and the
//! relations between figures (a total and its parts, a share as a percentage).
//!
//! Everything that varies by report family is in `figures.toml`: separators, scale and number
//! words, qualifiers, identifier words, codes, the unit lexicon and the words that open a list of
//! parts.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::periods::ascii_boundaries;
pub use super::relations::{Relation, RelationKind, RelationWords, StatedFraction};
use crate::error::RulesError;
use crate::patterns::{compile as compile_spec, read_toml, Pattern, PatternSpec};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FiguresFile {
    thousands: String,
    decimal: String,
    year_range: [i64; 2],
    scales: BTreeMap<String, f64>,
    words: BTreeMap<String, f64>,
    qualifiers: Vec<String>,
    identifier_words: Vec<String>,
    codes: Vec<String>,
    part_openers: Vec<String>,
    part_backrefs: Vec<String>,
    parts_after_words: usize,
    of_words: Vec<String>,
    fractions: BTreeMap<String, [u32; 2]>,
    enumerator: PatternSpec,
    unit: Vec<UnitSpec>,
    #[serde(default)]
    examples: Vec<ExampleSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitSpec {
    lemma: String,
    forms: Vec<String>,
    #[serde(default)]
    kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExampleSpec {
    text: String,
    figures: Vec<String>,
}

/// Compiled figure rules.
#[derive(Debug, Clone)]
pub struct FigureRules {
    year_range: [i64; 2],
    thousands: String,
    decimal: String,
    scales: Vec<(String, f64)>,
    words: BTreeMap<String, f64>,
    qualifiers: Vec<String>,
    identifier_words: Vec<String>,
    /// Codes a number is part of ("COVID-19"), each with its searcher, built once: a new one for
    /// every text cost more than the search.
    codes: Vec<memchr::memmem::Finder<'static>>,
    /// The words relations between figures are written with.
    pub(super) relation_words: RelationWords,
    enumerator: Pattern,
    /// (form in lowercase, lemma), longest form first.
    units: Vec<(String, String)>,
    /// The units a text can start with, by its first byte.
    units_by_first_byte: FirstByteIndex,
    /// Bytes of the longest unit form and qualifier: how far a figure's neighbours are read.
    longest_unit: usize,
    longest_qualifier: usize,
    /// Lemma → kind ("person", "duration").
    unit_kinds: BTreeMap<String, String>,
    number: Regex,
    word_number: Regex,
    /// [`GLUED_FOOTNOTE`] and [`PUNCT_FOOTNOTE`], built when first needed: their classes of
    /// letters take a tenth of loading all the rules (12.8 M instructions), and a document
    /// without footnotes, or without a digit glued to a word, never searches with them. Shared
    /// by the clones of these rules (the audit holds one), so that they are built once.
    footnote_patterns: std::sync::Arc<std::sync::OnceLock<[Regex; 2]>>,
    url: Regex,
}

/// A figure found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundFigure {
    /// Byte range of the number (with its scale word and % sign) in the text.
    pub start: usize,
    pub end: usize,
    pub raw: String,
    pub value: f64,
    pub percent: bool,
    /// Lemma of the counted noun, from the unit lexicon.
    pub unit: Option<String>,
    /// The counted noun as written.
    pub unit_raw: Option<String>,
    /// "más de", "aproximadamente"…
    pub qualifier: Option<String>,
    /// Irregularities of the number as written.
    pub notes: Vec<FigureNote>,
}

/// A footnote marker glued to a word or code ("OPDH3", "COVID-194", "internacional.2").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FootnoteMark {
    pub start: usize,
    pub end: usize,
    pub number: u32,
}

/// An irregularity of a figure as written, for the audit's number checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FigureNote {
    /// A thousands separator followed by a space or an odd group ("42, 045").
    IrregularSeparator,
    /// A decimal count ("1,872.33 personas").
    Decimal,
    /// Written in words ("tres").
    InWords,
}

impl FigureNote {
    pub fn as_str(self) -> &'static str {
        match self {
            FigureNote::IrregularSeparator => "irregular_separator",
            FigureNote::Decimal => "decimal",
            FigureNote::InWords => "in_words",
        }
    }

    /// In Spanish, for people (the workbook).
    pub fn label_es(self) -> &'static str {
        match self {
            FigureNote::IrregularSeparator => "separador irregular",
            FigureNote::Decimal => "cantidad con decimales",
            FigureNote::InWords => "escrita con palabras",
        }
    }
}

impl PartialEq<&str> for FigureNote {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The notes of a value, space-separated, as the CSV and workbook columns show them.
pub fn notes_text<N: Copy + Into<&'static str>>(notes: &[N]) -> String {
    notes
        .iter()
        .map(|n| (*n).into())
        .collect::<Vec<_>>()
        .join(" ")
}

impl From<FigureNote> for &'static str {
    fn from(n: FigureNote) -> &'static str {
        n.as_str()
    }
}

impl FigureRules {
    /// The kind of a unit lemma ("person", "duration"), from the unit lexicon.
    pub fn unit_kind(&self, lemma: &str) -> Option<&str> {
        self.unit_kinds.get(lemma).map(String::as_str)
    }

    /// Whether a part counting `part` can be a part of a total counting `total`.
    pub(super) fn compatible(&self, part: &Option<String>, total: &Option<String>) -> bool {
        match (part, total) {
            (None, _) => true,
            (Some(p), Some(t)) if p == t => true,
            (Some(p), Some(t)) => self
                .unit_kind(p)
                .is_some_and(|k| Some(k) == self.unit_kind(t)),
            (Some(_), None) => false,
        }
    }

    pub fn load(path: &Path) -> Result<FigureRules, RulesError> {
        let f: FiguresFile = read_toml(path)?;
        if f.thousands == f.decimal
            || f.thousands.chars().count() != 1
            || f.decimal.chars().count() != 1
        {
            return Err(RulesError::new(
                path,
                "thousands",
                "thousands and decimal separators must be two different single characters",
            ));
        }
        let th = regex::escape(&f.thousands);
        let de = regex::escape(&f.decimal);
        let mut scales: Vec<(String, f64)> = f
            .scales
            .iter()
            .map(|(k, v)| (k.to_lowercase(), *v))
            .collect();
        scales.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
        let scale_alt = alternation(scales.iter().map(|(k, _)| k.as_str()));
        let number = Regex::new(&ascii_boundaries(&format!(
            r"(?P<num>\d{{1,3}}(?:{th} ?\d{{3}})+(?:{de}\d+)?|\d+(?:{de}\d+)?)(?:\s+(?P<scale>{scale_alt})\b(?:\s+(?P<rest>\d{{1,3}})\b)?)?(?P<pct>\s?%|\s+por\s+ciento)?"
        )))
        .map_err(|e| RulesError::new(path, "scales", &format!("invalid scale word: {e}")))?;
        let mut word_names: Vec<&str> = f.words.keys().map(String::as_str).collect();
        word_names.sort_by_key(|k| std::cmp::Reverse(k.len()));
        let word_number = Regex::new(&ascii_boundaries(&format!(
            r"(?i)\b(?P<word>{})\b(?:\s+(?P<scale>{scale_alt})\b)?",
            alternation(word_names.into_iter())
        )))
        .map_err(|e| RulesError::new(path, "words", &format!("invalid number word: {e}")))?;
        let mut units = Vec::new();
        let mut unit_kinds = BTreeMap::new();
        for (i, u) in f.unit.iter().enumerate() {
            if let Some(k) = &u.kind {
                unit_kinds.insert(u.lemma.clone(), k.clone());
            }
            if u.forms.is_empty() || u.lemma.trim().is_empty() {
                return Err(RulesError::new(
                    path,
                    &format!("unit[{i}]"),
                    "a unit needs a lemma and at least one form",
                ));
            }
            for form in &u.forms {
                units.push((form.to_lowercase(), u.lemma.clone()));
            }
        }
        units.sort_by_key(|(form, _)| std::cmp::Reverse(form.len()));
        let rules = FigureRules {
            year_range: f.year_range,
            thousands: f.thousands,
            decimal: f.decimal,
            scales,
            words: f
                .words
                .iter()
                .map(|(k, v)| (k.to_lowercase(), *v))
                .collect(),
            qualifiers: {
                let mut q: Vec<String> = f.qualifiers.iter().map(|q| q.to_lowercase()).collect();
                q.sort_by_key(|q| std::cmp::Reverse(q.len()));
                q
            },
            identifier_words: f
                .identifier_words
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            codes: f
                .codes
                .iter()
                .map(|c| memchr::memmem::Finder::new(c).into_owned())
                .collect(),
            relation_words: RelationWords::new(
                f.part_openers.iter().map(|w| w.to_lowercase()).collect(),
                f.part_backrefs.iter().map(|w| w.to_lowercase()).collect(),
                f.parts_after_words,
                f.of_words.iter().map(|w| w.to_lowercase()).collect(),
                f.fractions
                    .iter()
                    .map(|(w, &[n, d])| (w.to_lowercase(), n, d))
                    .collect(),
            )
            .map_err(|e| RulesError::new(path, "", &format!("relation words: {e}")))?,
            enumerator: compile_spec(path, "enumerator", f.enumerator)?,
            longest_unit: units.iter().map(|(f, _)| f.len()).max().unwrap_or(0),
            units_by_first_byte: FirstByteIndex::new(units.iter().map(|(f, _)| f.as_str())),
            longest_qualifier: f.qualifiers.iter().map(String::len).max().unwrap_or(0),
            units,
            unit_kinds,
            number,
            word_number,
            footnote_patterns: std::sync::Arc::default(),
            url: Regex::new(r"https?://\S+")
                .map_err(|e| RulesError::new(path, "", &format!("internal pattern: {e}")))?,
        };
        if f.examples.is_empty() {
            return Err(RulesError::new(path, "examples", "figures need examples"));
        }
        let run = crate::builtin::runs_examples(path);
        for (i, ex) in f.examples.iter().enumerate().filter(|_| run) {
            let (found, _) = rules.find(&ex.text, &[], &[1, 2, 3, 4, 5, 6, 7, 8, 9]);
            let got: Vec<String> = found.iter().map(FoundFigure::summary).collect();
            if got != ex.figures {
                return Err(RulesError::new(
                    path,
                    &format!("examples[{i}]"),
                    &format!("{:?} gives {got:?}, expected {:?}", ex.text, ex.figures),
                ));
            }
        }
        Ok(rules)
    }

    /// Spans of URLs in `text`, whose numbers are never figures.
    pub fn url_spans(&self, text: &str) -> Vec<(usize, usize)> {
        self.url
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect()
    }

    /// Finds the figures and footnote markers of `text`. Numbers inside `excluded` byte ranges
    /// (periods, dates) are not figures; `footnotes` are the footnote numbers the document has.
    pub fn find(
        &self,
        text: &str,
        excluded: &[(usize, usize)],
        footnotes: &[u32],
    ) -> (Vec<FoundFigure>, Vec<FootnoteMark>) {
        let marks = self.footnote_marks(text, footnotes);
        let mut blocked: Vec<(usize, usize)> = excluded.to_vec();
        blocked.extend(marks.iter().map(|m| (m.start, m.end)));
        blocked.extend(self.url_spans(text));
        blocked.extend(
            self.enumerator
                .find_iter(text)
                .map(|m| (m.start(), m.end())),
        );
        let blocked = merged(blocked);
        // Whether `s..e` meets a blocked range (a binary search: they are sorted and disjoint).
        let inside = |s: usize, e: usize| {
            let k = blocked.partition_point(|&(a, _)| a < e);
            k > 0 && blocked[k - 1].1 > s
        };

        let mut out: Vec<FoundFigure> = Vec::new();
        let mut identifier_run_end: Option<usize> = None;
        for c in self.number.captures_iter(text) {
            let Some(whole) = c.get(0) else { continue };
            let Some(num) = c.name("num") else { continue };
            let (start, end) = (whole.start(), whole.end());
            if inside(num.start(), num.end()) {
                continue;
            }
            let before = &text[..start];
            let prev = before.chars().next_back();
            let after_num = &text[num.end()..];
            let next = after_num.chars().next();
            // Glued to letters or codes: COVID-19, E040, 3x1, 4ª, 02/04/17, 2018-2021.
            let glued_before = prev.is_some_and(|p| {
                p.is_alphanumeric()
                    || (matches!(p, '-' | '/' | '_' | '.')
                        && before[..before.len() - 1]
                            .chars()
                            .next_back()
                            .is_some_and(char::is_alphanumeric))
            });
            // (A dash may be several bytes: the digit after it starts past its own length.)
            let glued_after = next.is_some_and(|n| {
                n.is_alphabetic()
                    || matches!(n, 'ª' | 'º' | '°')
                    || (matches!(n, '/' | '-' | '–')
                        && after_num[n.len_utf8()..]
                            .chars()
                            .next()
                            .is_some_and(|d| d.is_ascii_digit()))
            });
            if glued_before || glued_after {
                continue;
            }
            // Identifiers: "artículo 99", "sesiones 47 y 48".
            let prev_word = last_word(before).to_lowercase();
            let continues_identifier = identifier_run_end.is_some_and(|e| {
                let gap = text[e..start].trim();
                gap == "y" || gap == "," || gap == "e" || gap.is_empty()
            });
            if self.identifier_words.contains(&prev_word) || continues_identifier {
                identifier_run_end = Some(end);
                continue;
            }
            let digits = num.as_str();
            let has_sep = digits.contains(self.thousands.as_str());
            let has_dec = digits.contains(self.decimal.as_str());
            let scale = c.name("scale").map(|m| m.as_str().to_lowercase());
            let percent = c.name("pct").is_some();
            let Some(mut value) = parse_number(digits, &self.thousands, &self.decimal) else {
                continue;
            };
            let (unit, unit_raw, unit_end) = self.unit_after(text, end, scale.is_some());
            // Years: a bare whole number in the year range, counting nothing.
            let bare = !has_sep && !has_dec && scale.is_none() && !percent;
            if bare
                && (self.year_range[0] as f64..=self.year_range[1] as f64).contains(&value)
                && digits.len() == 4
                && unit.is_none()
            {
                continue;
            }
            if let Some(s) = &scale {
                let factor = self
                    .scales
                    .iter()
                    .find(|(k, _)| k == s)
                    .map_or(1.0, |(_, f)| *f);
                value *= factor;
                if let Some(rest) = c.name("rest").and_then(|r| r.as_str().parse::<f64>().ok()) {
                    value += rest;
                }
            }
            let mut notes = Vec::new();
            if has_sep && digits.contains(&format!("{} ", self.thousands)) {
                notes.push(FigureNote::IrregularSeparator);
            }
            if has_dec && scale.is_none() && !percent {
                notes.push(FigureNote::Decimal);
            }
            let _ = unit_end;
            out.push(FoundFigure {
                start,
                end: end.min(text.len()),
                raw: text[start..end].trim_end().to_string(),
                value,
                percent,
                unit: if percent { None } else { unit },
                unit_raw: if percent {
                    Some("%".to_string())
                } else {
                    unit_raw
                },
                qualifier: self.qualifier_before(before),
                notes,
            });
        }
        // Numbers in words count only when a known unit follows.
        for c in self.word_number.captures_iter(text) {
            let Some(whole) = c.get(0) else { continue };
            if inside(whole.start(), whole.end()) {
                continue;
            }
            let Some(word) = c.name("word") else { continue };
            let Some(&base) = self.words.get(&word.as_str().to_lowercase()) else {
                continue;
            };
            let scale = c.name("scale").map(|m| m.as_str().to_lowercase());
            let (unit, unit_raw, _) = self.unit_after(text, whole.end(), scale.is_some());
            if unit.is_none() {
                continue;
            }
            let factor = scale
                .as_ref()
                .and_then(|s| self.scales.iter().find(|(k, _)| k == s))
                .map_or(1.0, |(_, f)| *f);
            out.push(FoundFigure {
                start: whole.start(),
                end: whole.end(),
                raw: whole.as_str().to_string(),
                value: base * factor,
                percent: false,
                unit,
                unit_raw,
                qualifier: self.qualifier_before(&text[..whole.start()]),
                notes: vec![FigureNote::InWords],
            });
        }
        out.sort_by_key(|f| f.start);
        (out, marks)
    }

    /// The calls to footnotes (numbers of `footnotes`) glued to a word or code in `text`, in text
    /// order: the marks [`FigureRules::find`] returns, without looking for figures.
    pub fn footnote_marks(&self, text: &str, footnotes: &[u32]) -> Vec<FootnoteMark> {
        let mut marks = Vec::new();
        // A mark is only ever a call to one of `footnotes`: none, no search.
        if footnotes.is_empty() {
            return marks;
        }
        let known = |n: &str| n.parse::<u32>().ok().filter(|n| footnotes.contains(n));
        for code in &self.codes {
            for i in code.find_iter(text.as_bytes()) {
                let at = i + code.needle().len();
                let digits = text.as_bytes()[at..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                if digits > 0 && digits <= 2 {
                    if let Some(n) = known(&text[at..at + digits]) {
                        marks.push(FootnoteMark {
                            start: at,
                            end: at + digits,
                            number: n,
                        });
                    }
                }
            }
        }
        // Both patterns need an ASCII digit right after a letter, or after punctuation after one.
        let searched: &[Regex] = if may_glue_a_number(text) {
            self.footnote_patterns.get_or_init(|| {
                [GLUED_FOOTNOTE, PUNCT_FOOTNOTE]
                    .map(|p| Regex::new(p).expect("a built-in pattern (compiled by a unit test)"))
            })
        } else {
            &[]
        };
        for re in searched {
            for c in re.captures_iter(text) {
                let Some(m) = c.name("num") else { continue };
                if let Some(n) = known(m.as_str()) {
                    // Codes are handled above: "COVID-19" is not footnote 19 of "COVID-".
                    if !marks.iter().any(|k| k.start == m.start()) {
                        marks.push(FootnoteMark {
                            start: m.start(),
                            end: m.end(),
                            number: n,
                        });
                    }
                }
            }
        }
        marks.sort_by_key(|m| m.start);
        marks
    }

    /// The unit lexicon's longest form that starts right after `at` (after "de" for scales).
    pub(super) fn unit_after(
        &self,
        text: &str,
        at: usize,
        scaled: bool,
    ) -> (Option<String>, Option<String>, usize) {
        let mut rest_start = at;
        let rest = &text[at..];
        let trimmed = rest.trim_start();
        rest_start += rest.len() - trimmed.len();
        let mut candidate = trimmed;
        if scaled {
            if let Some(r) = candidate.strip_prefix("de ") {
                rest_start += 3;
                candidate = r.trim_start();
            }
        }
        // Only as much as the longest unit form (and the character after it) is compared.
        let candidate = prefix_of(candidate, self.longest_unit + 8);
        let lower = candidate.to_lowercase();
        for &u in self.units_by_first_byte.may_start(&lower) {
            let (form, lemma) = &self.units[u];
            if lower.starts_with(form.as_str()) {
                let next = lower[form.len()..].chars().next();
                if next.is_none_or(|c| !c.is_alphanumeric()) && lower.len() == candidate.len() {
                    let raw = candidate[..form.len()].to_string();
                    return (Some(lemma.clone()), Some(raw), rest_start + form.len());
                }
            }
        }
        (None, None, at)
    }

    pub(super) fn qualifier_before(&self, before: &str) -> Option<String> {
        let b = suffix_of(before.trim_end(), self.longest_qualifier + 8).to_lowercase();
        self.qualifiers
            .iter()
            .find(|q| {
                b.ends_with(q.as_str())
                    && b[..b.len() - q.len()]
                        .chars()
                        .next_back()
                        .is_none_or(|c| !c.is_alphanumeric())
            })
            .cloned()
    }
}

impl FoundFigure {
    /// "value unit qualifier", as the rule examples write figures.
    pub fn summary(&self) -> String {
        let unit = if self.percent {
            "%".to_string()
        } else {
            self.unit.clone().unwrap_or_else(|| "-".to_string())
        };
        format!(
            "{} {unit} {}",
            self.value,
            self.qualifier.clone().unwrap_or_else(|| "-".to_string())
        )
    }
}

/// A footnote marker glued to a word, or to the closing punctuation after it: "OPDH3",
/// "internacional.2", "(ISSSTE)1,".
const GLUED_FOOTNOTE: &str = r"\p{L}{2}[.,;:)”\x22]?(?P<num>\d{1,2})(?-u:\b)";
/// A marker after a word's punctuation, before a space or the end: "migrantes;3 ".
const PUNCT_FOOTNOTE: &str = r"\p{L}{2,}[.,;:](?P<num>\d{1,2})(?:\s|$)";

/// Whether `text` has an ASCII digit right after a letter ("OPDH3"), or after punctuation right
/// after a letter ("internacional.2", "(ISSSTE)1"): a footnote marker glued to a word is only
/// ever that. Read on bytes and generously (any byte of a multi-byte character may end a letter),
/// so a text without one has no marker, and one with it is searched.
fn may_glue_a_number(text: &str) -> bool {
    let b = text.as_bytes();
    b.chunks(DIGIT_BLOCK_BYTES).enumerate().any(|(k, block)| {
        // Every byte, without stopping at a digit, so that the compiler tests them together.
        block.iter().fold(false, |any, c| any | c.is_ascii_digit())
            && (k * DIGIT_BLOCK_BYTES..k * DIGIT_BLOCK_BYTES + block.len())
                .any(|i| glued_digit_at(b, i))
    })
}

/// Bytes [`may_glue_a_number`] tests at once for a digit: most blocks of a text hold none.
const DIGIT_BLOCK_BYTES: usize = 32;

/// Whether byte `i` of `b` is an ASCII digit right after a letter, or after punctuation right
/// after one (any byte of a multi-byte character may end a letter).
fn glued_digit_at(b: &[u8], i: usize) -> bool {
    let ends_letter = |b: u8| b.is_ascii_alphabetic() || b >= 0x80;
    i >= 1
        && b[i].is_ascii_digit()
        && (ends_letter(b[i - 1])
            || (matches!(b[i - 1], b'.' | b',' | b';' | b':' | b')' | b'"')
                && i >= 2
                && ends_letter(b[i - 2])))
}

/// Byte ranges sorted and merged where they overlap or touch.
fn merged(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (a, b) in ranges {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// The start of `s`, at most `bytes` long (shorter to end on a character boundary).
fn prefix_of(s: &str, bytes: usize) -> &str {
    let mut end = bytes.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Which of a list of words a text may start with, by the text's first byte: the words that
/// start with that byte, and the empty word, in list order. Comparing a figure's next words with
/// every unit form (215 in the 2021 rules) was a tenth of finding figures and relations.
#[derive(Debug, Clone)]
struct FirstByteIndex {
    /// For each first byte, the indices of the words that may start a text beginning with it.
    by_byte: Vec<Vec<usize>>,
    /// The indices of the empty words: all an empty text may start with.
    empty: Vec<usize>,
}

impl FirstByteIndex {
    fn new<'a>(words: impl Iterator<Item = &'a str>) -> FirstByteIndex {
        let mut index = FirstByteIndex {
            by_byte: vec![Vec::new(); 256],
            empty: Vec::new(),
        };
        for (i, w) in words.enumerate() {
            match w.as_bytes().first() {
                Some(&b) => index.by_byte[usize::from(b)].push(i),
                None => {
                    index.empty.push(i);
                    index.by_byte.iter_mut().for_each(|list| list.push(i));
                }
            }
        }
        index
    }

    /// The indices, in list order, of the words `text` may start with (a superset of those it
    /// starts with).
    fn may_start(&self, text: &str) -> &[usize] {
        match text.as_bytes().first() {
            Some(&b) => &self.by_byte[usize::from(b)],
            None => &self.empty,
        }
    }
}

/// The end of `s`, at most `bytes` long (shorter to start on a character boundary).
fn suffix_of(s: &str, bytes: usize) -> &str {
    let mut start = s.len().saturating_sub(bytes);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

fn alternation<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.map(regex::escape).collect::<Vec<_>>().join("|")
}

fn last_word(s: &str) -> &str {
    let t = s.trim_end();
    let start = t
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace() || *c == '(')
        .map_or(0, |(i, c)| i + c.len_utf8());
    &t[start..]
}

/// Parses "129,441", "42, 045", "1,872.33", "2.6" with the given separators.
pub fn parse_number(s: &str, thousands: &str, decimal: &str) -> Option<f64> {
    let cleaned: String = s
        .replace(thousands, "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    cleaned.replace(decimal, ".").parse().ok()
}

/// Sentence byte ranges: a sentence ends at ". " / "; "? no: at a period, question or exclamation
/// mark followed by white space and a capital letter, a digit or a quote, and at a newline.
pub fn sentence_bounds(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    // The marks are ASCII, so a byte equal to one is that character (never inside another).
    for (i, b) in text.bytes().enumerate() {
        let end_here = match b {
            b'\n' => true,
            b'.' | b'?' | b'!' => closes_sentence(&text[i + 1..]),
            _ => false,
        };
        if end_here {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// Whether what follows a sentence mark starts a new sentence: white space, then a capital, a
/// digit or an opening quote, question or exclamation mark or parenthesis.
fn closes_sentence(rest: &str) -> bool {
    let spaced = rest.chars().next().is_some_and(char::is_whitespace);
    spaced
        && rest
            .chars()
            .find(|n| !n.is_whitespace())
            .is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || "“\"¿¡(".contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_without_a_digit_glued_to_a_word_has_no_footnote_marker() {
        let patterns = [GLUED_FOOTNOTE, PUNCT_FOOTNOTE].map(|p| Regex::new(p).unwrap());
        let report = std::fs::read_to_string("fixtures/informe-ejecutivo-2021.txt").unwrap();
        let pieces = [
            "OPDH3",
            "(ISSSTE)1,",
            "internacional.2 y",
            "“Pacto”4",
            "año 2021",
            "1,234",
        ];
        let mut texts: Vec<String> = report.lines().map(str::to_string).collect();
        // Every pair of pieces, with and without a space, so that each glue is met at each side.
        for a in pieces {
            for b in pieces {
                texts.push(format!("{a}{b}"));
                texts.push(format!("{a} {b}"));
            }
        }
        let mut glued = 0;
        for t in &texts {
            let marked = patterns.iter().any(|re| {
                re.captures_iter(t)
                    .filter_map(|c| c.name("num"))
                    .any(|m| m.as_str().bytes().all(|b| b.is_ascii_digit()))
            });
            if marked {
                glued += 1;
                assert!(may_glue_a_number(t), "{t:?}");
            }
        }
        assert!(glued > 40, "{glued}");
        for t in ["OPDH3", "(ISSSTE)1,", "internacional.2", "“Pacto”4", "Ñ5"] {
            assert!(may_glue_a_number(t), "{t:?}");
        }
        for t in ["año 2021", "1,234", "COVID-19", "(2021)", "7.", ".5", ""] {
            assert!(!may_glue_a_number(t), "{t:?}");
        }
    }

    /// The test by blocks finds a glued digit wherever one is, at a block's first bytes too
    /// (the letter before it in the block before).
    #[test]
    fn the_blocked_glue_test_agrees_with_a_byte_by_byte_one() {
        let every_byte = |t: &str| (0..t.len()).any(|i| glued_digit_at(t.as_bytes(), i));
        let alphabet = "a1 .ñ)9,x";
        let mut texts: Vec<String> =
            crate::testing::random_texts(0x3C6E_F372_FE94_F82B, alphabet, 20_000, 80).collect();
        for at in [30, 31, 32, 33, 63, 64, 65] {
            let mut t = "-".repeat(at);
            t.replace_range(at - 2.., "a.");
            for glued in [format!("{t}7"), format!("{}a7", &t[..at - 1])] {
                assert!(may_glue_a_number(&glued), "{glued:?}");
                texts.push(glued);
            }
        }
        let report = std::fs::read_to_string("fixtures/informe-ejecutivo-2021.txt").unwrap();
        texts.extend(report.lines().map(str::to_string));
        let mut glued = 0;
        for t in &texts {
            assert_eq!(may_glue_a_number(t), every_byte(t), "{t:?}");
            glued += usize::from(every_byte(t));
        }
        assert!(glued > 1000 && glued < texts.len() - 1000, "{glued}");
    }

    #[test]
    fn the_first_byte_index_keeps_every_word_a_text_starts_with_in_order() {
        let words = ["personas", "", "pesos", "ñandúes", "mujeres", "p", "", "ñu"];
        let index = FirstByteIndex::new(words.iter().copied());
        for text in [
            "personas atendidas",
            "pesos",
            "ñandú",
            "mujeres",
            "",
            "x",
            "p",
            "ñ",
        ] {
            let starts: Vec<usize> = (0..words.len())
                .filter(|&i| text.starts_with(words[i]))
                .collect();
            let kept: Vec<usize> = index
                .may_start(text)
                .iter()
                .copied()
                .filter(|&i| text.starts_with(words[i]))
                .collect();
            assert_eq!(kept, starts, "{text:?}");
            assert!(index.may_start(text).windows(2).all(|w| w[0] < w[1]));
        }
    }

    /// The first version, over a vector of characters: the oracle of the one above.
    fn sentence_bounds_by_chars(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        for (k, &(i, c)) in chars.iter().enumerate() {
            let end_here = if c == '\n' {
                true
            } else if matches!(c, '.' | '?' | '!') {
                let ws = chars.get(k + 1).is_some_and(|&(_, n)| n.is_whitespace());
                let next_word = chars[k + 1..]
                    .iter()
                    .find(|(_, n)| !n.is_whitespace())
                    .map(|&(_, n)| n);
                ws && next_word
                    .is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || "“\"¿¡(".contains(n))
            } else {
                false
            };
            if end_here {
                out.push((start, i + c.len_utf8()));
                start = i + c.len_utf8();
            }
        }
        if start < text.len() {
            out.push((start, text.len()));
        }
        out
    }

    #[test]
    fn sentence_bounds_by_bytes_agree_with_the_character_version() {
        let pieces = [
            "Se atendió a 1,200 personas",
            ". ",
            ".",
            "? ",
            "! ",
            "\n",
            " ",
            "\u{a0}",
            "Él",
            "¿Qué",
            "“Cita",
            "(nota",
            "3 casos",
            "etc.",
            "México",
            "a.m. en",
            "…",
            "e",
            "\u{2003}Á",
        ];
        let mut seed: u64 = 7;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(seed % 12) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            assert_eq!(
                sentence_bounds(&text),
                sentence_bounds_by_chars(&text),
                "{text:?}"
            );
        }
    }

    fn rules() -> FigureRules {
        FigureRules::load(Path::new("rules/gcm/figures.toml")).unwrap()
    }

    fn summaries(text: &str) -> Vec<String> {
        rules()
            .find(text, &[], &[1, 2, 3, 4, 5, 6, 7])
            .0
            .iter()
            .map(|f| f.summary())
            .collect()
    }

    /// Found by the .docx property test: a number followed by an en dash (three bytes) and the
    /// end of the text sliced the text inside the dash.
    #[test]
    fn a_number_before_a_multibyte_dash_does_not_panic() {
        let _ = summaries("0–");
        let _ = summaries("Se realizaron 12– talleres");
        let _ = summaries("del periodo 2018–2021");
    }

    #[test]
    fn spanish_number_formats() {
        assert_eq!(
            summaries("Se han tramitado 1,328,251 credenciales"),
            ["1328251 credencial -"]
        );
        assert_eq!(
            summaries("un total de 1,872.33 operaciones."),
            ["1872.33 operación -"]
        );
        assert_eq!(
            summaries("capacitación al 100% de los servidores"),
            ["100 % -"]
        );
        assert_eq!(
            summaries("un total de 32, 305 ciudadanas y ciudadanos"),
            ["32305 ciudadano -"]
        );
        assert_eq!(
            summaries("tienen más 30 años de existencia"),
            ["30 año más"]
        );
        assert_eq!(
            summaries("los más de siete millones de mexicanas y mexicanos"),
            ["7000000 mexicano más de"]
        );
        assert_eq!(
            summaries("a lo largo de tres reuniones se han abordado"),
            ["3 reunión -"]
        );
        let (f, _) = rules().find(
            "42, 045 empleos y 1,872.33 operaciones y cuatro años",
            &[],
            &[],
        );
        assert_eq!(f[0].notes, ["irregular_separator"]);
        assert_eq!(f[1].notes, ["decimal"]);
        assert_eq!(f[2].notes, ["in_words"]);
    }

    #[test]
    fn what_is_not_a_figure() {
        for text in [
            "la pandemia de COVID-19 y el virus SARS-CoV-2",
            "Programa E040 Servicio de Asistencia y el programa 3x1",
            "contempla en el artículo 99 del citado ordenamiento",
            "las disposiciones aplicables a la materia (Acuerdo 02/04/17)",
            "participó en las sesiones 47 y 48 del Grupo de Trabajo",
            "la 4ª disposición general",
            "En 2019, se recolectó inteligencia",
            "el contrato PALE 2018-2021",
            "contempla: 1.Actualización del diagnóstico; 2. Pilotaje local; y 3. Estrategia",
            "http://www.politicamigratoria.gob.mx/2020/05/x.pdf",
            "la XIII Conferencia de Ministros y la Operación ITZEL II",
            "los tres órdenes de gobierno",
        ] {
            assert_eq!(summaries(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn footnote_markers_are_not_figures() {
        let r = rules();
        let text =
            "casos confirmados de COVID-194. Los OPDH3, internacional.2 y el micrositio interno5.";
        let (figs, marks) = r.find(text, &[], &[2, 3, 4, 5]);
        assert!(figs.is_empty(), "{figs:?}");
        let numbers: Vec<u32> = marks.iter().map(|m| m.number).collect();
        assert_eq!(numbers, [4, 3, 2, 5]);
        assert_eq!(&text[marks[0].start..marks[0].end], "4");
        // Without footnote 4 in the document, "COVID-194" has no marker (and is still no figure).
        let (figs, marks) = r.find("de COVID-194.", &[], &[]);
        assert!(figs.is_empty() && marks.is_empty());
    }

    #[test]
    fn sentences_do_not_split_at_decimals_or_abbreviations() {
        let t = "Hay 2.6 millones. AT&T Comunicaciones S. de R.L. a través. Fin";
        let b = sentence_bounds(t);
        assert_eq!(b.len(), 3, "{b:?}");
    }
}
