//! Periods: "Del 1 de junio de 2020 al 30 de junio de 2021", "de enero a junio de 2021",
//! "desde 2003 a la fecha"… found with the forms of `periods.toml`, each with ISO start and end at
//! the precision the text gives.

use std::path::Path;

use rayon::prelude::*;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::error::RulesError;
use crate::gate::Gate;
use crate::patterns::{
    compile as compile_spec, compile_unfiltered, read_toml, Pattern, PatternSpec, UnfilteredPattern,
};
use regex_automata::util::iter::Searcher;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodsFile {
    months: Vec<String>,
    #[serde(default)]
    month_aliases: std::collections::BTreeMap<String, u32>,
    form: Vec<FormSpec>,
    date_part: PatternSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormSpec {
    name: String,
    #[serde(default)]
    open_end: bool,
    pattern: String,
    #[serde(default, rename = "match")]
    matches: Vec<String>,
    #[serde(default)]
    no_match: Vec<String>,
}

/// A compiled period form.
#[derive(Debug, Clone)]
struct Form {
    name: String,
    open_end: bool,
    pattern: UnfilteredPattern,
    groups: Groups,
}

/// The indices of a form's named groups, looked up once (a lookup by name hashes the name).
#[derive(Debug, Clone, Copy)]
struct Groups {
    /// Year, month and day of the start (`s_…`), then of the end (`e_…`).
    start: DateGroups,
    end: DateGroups,
    repeated: Option<usize>,
}

/// The groups of one end of a period: its year, month and day, where the form has them.
#[derive(Debug, Clone, Copy)]
struct DateGroups {
    year: Option<usize>,
    month: Option<usize>,
    day: Option<usize>,
}

impl Groups {
    fn of(regex: &regex_automata::meta::Regex) -> Groups {
        let index = |name: &str| {
            regex
                .group_info()
                .to_index(regex_automata::PatternID::ZERO, name)
        };
        let date = |side: &str| DateGroups {
            year: index(&format!("{side}_year")),
            month: index(&format!("{side}_month")),
            day: index(&format!("{side}_day")),
        };
        Groups {
            start: date("s"),
            end: date("e"),
            repeated: index("repeated"),
        }
    }
}

/// The compiled period rules.
#[derive(Debug, Clone)]
pub struct PeriodRules {
    forms: Vec<Form>,
    /// Where any form can match: every form needs a year, and none crosses a `.`, `;`, `(`…
    gate: Gate,
    /// Month name (lowercase) → number.
    months: Vec<(String, u32)>,
    /// Date parts whose numbers are never figures.
    pub date_part: Pattern,
}

/// A date at the precision given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PartialDate {
    pub year: Option<i32>,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl PartialDate {
    /// ISO 8601 at the date's precision: `2020-06-01`, `2020-06` or `2020`; `None` without a year.
    pub fn iso(&self) -> Option<String> {
        let y = self.year?;
        Some(match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{y:04}-{m:02}-{d:02}"),
            (Some(m), None) => format!("{y:04}-{m:02}"),
            _ => format!("{y:04}"),
        })
    }
    fn precision(&self) -> &'static str {
        match (self.month, self.day) {
            (Some(_), Some(_)) => "day",
            (Some(_), None) => "month",
            _ => "year",
        }
    }
}

/// An irregularity of a period as written, for the audit's period checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodNote {
    /// A word repeated inside the period ("de junio de de 2021").
    RepeatedWords,
    /// The end comes before the start.
    EndBeforeStart,
}

impl PeriodNote {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodNote::RepeatedWords => "repeated_words",
            PeriodNote::EndBeforeStart => "end_before_start",
        }
    }

    /// In Spanish, for people (the workbook).
    pub fn label_es(self) -> &'static str {
        match self {
            PeriodNote::RepeatedWords => "palabras repetidas",
            PeriodNote::EndBeforeStart => "termina antes de empezar",
        }
    }
}

impl PartialEq<&str> for PeriodNote {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl From<PeriodNote> for &'static str {
    fn from(n: PeriodNote) -> &'static str {
        n.as_str()
    }
}

/// A period found in a text: byte range, raw text, ends, and notes on irregular forms.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodMatch {
    pub start_byte: usize,
    pub end_byte: usize,
    pub raw: String,
    /// The form that matched (`day_range`, `open_end`…).
    pub form: String,
    pub start: Option<PartialDate>,
    pub end: Option<PartialDate>,
    pub notes: Vec<PeriodNote>,
}

impl PeriodMatch {
    pub fn start_iso(&self) -> Option<String> {
        self.start.and_then(|d| d.iso())
    }
    pub fn end_iso(&self) -> Option<String> {
        self.end.and_then(|d| d.iso())
    }
    /// `day`, `month` or `year`: the finest precision of either end.
    pub fn precision(&self) -> &'static str {
        let p = |d: &Option<PartialDate>| d.map_or("year", |d| d.precision());
        match (p(&self.start), p(&self.end)) {
            ("day", _) | (_, "day") => "day",
            ("month", _) | (_, "month") => "month",
            _ => "year",
        }
    }
}

impl PeriodRules {
    pub fn load(path: &Path) -> Result<PeriodRules, RulesError> {
        let f: PeriodsFile = read_toml(path)?;
        if f.months.len() != 12 {
            return Err(RulesError::new(
                path,
                "months",
                "needs the 12 month names, January first",
            ));
        }
        let mut months: Vec<(String, u32)> = f
            .months
            .iter()
            .enumerate()
            .map(|(i, m)| (m.to_lowercase(), i as u32 + 1))
            .collect();
        for (name, n) in &f.month_aliases {
            if !(1..=12).contains(n) {
                return Err(RulesError::new(
                    path,
                    &format!("month_aliases.{name}"),
                    "month numbers go from 1 to 12",
                ));
            }
            months.push((name.to_lowercase(), *n));
        }
        // Longest names first, so that an alternation never stops at a prefix.
        let mut names: Vec<&str> = months.iter().map(|(m, _)| m.as_str()).collect();
        names.sort_by_key(|m| std::cmp::Reverse(m.len()));
        let month_alt = names
            .iter()
            .map(|m| regex::escape(m))
            .collect::<Vec<_>>()
            .join("|");
        // Forms compile in parallel (each about 1 ms); the first error in file order is reported.
        let forms = f
            .form
            .into_par_iter()
            .enumerate()
            .map(|(i, form)| {
                let spec = PatternSpec {
                    pattern: ascii_boundaries(&expand(&form.pattern, &month_alt)),
                    matches: form.matches,
                    no_match: form.no_match,
                };
                let key = format!("form[{i}] ({})", form.name);
                let pattern = compile_unfiltered(path, &key, spec)?;
                Ok(Form {
                    name: form.name,
                    open_end: form.open_end,
                    groups: Groups::of(&pattern.regex),
                    pattern,
                })
            })
            .collect::<Vec<Result<Form, RulesError>>>()
            .into_iter()
            .collect::<Result<Vec<Form>, RulesError>>()?;
        let mut date_part_spec = f.date_part;
        date_part_spec.pattern = ascii_boundaries(&date_part_spec.pattern);
        let date_part = compile_spec(path, "date_part", date_part_spec)?;
        Ok(PeriodRules {
            gate: Gate::all(forms.iter().map(|f| &f.pattern.gate)),
            forms,
            months,
            date_part,
        })
    }

    fn month_number(&self, name: &str) -> Option<u32> {
        let name = name.to_lowercase();
        self.months
            .iter()
            .find(|(m, _)| *m == name)
            .map(|(_, n)| *n)
    }

    /// Every period in `text`, in text order, without overlaps (earlier forms win).
    pub fn find(&self, text: &str) -> Vec<PeriodMatch> {
        let mut taken: Vec<(usize, usize)> = Vec::new();
        let mut out = Vec::new();
        let spans = self.gate.spans(text);
        if spans.is_empty() {
            return out;
        }
        for form in &self.forms {
            let regex = &form.pattern.regex;
            // One set of groups for every span and match of the form (not one each).
            let mut c = regex.create_captures();
            for span in &spans {
                let mut searcher =
                    Searcher::new(regex_automata::Input::new(text).span(span.clone()));
                while let Some(m) = searcher.advance(|input| {
                    regex.search_captures(input, &mut c);
                    Ok(c.get_match())
                }) {
                    self.read_match(text, form, m, &c, &mut taken, &mut out);
                }
            }
        }
        out.sort_by_key(|p| p.start_byte);
        out
    }

    /// Reads the period of `form` at `m`, whose groups are `c`, unless it overlaps one already
    /// `taken`.
    fn read_match(
        &self,
        text: &str,
        form: &Form,
        m: regex_automata::Match,
        c: &regex_automata::util::captures::Captures,
        taken: &mut Vec<(usize, usize)>,
        out: &mut Vec<PeriodMatch>,
    ) {
        if taken.iter().any(|&(s, e)| m.start() < e && s < m.end()) {
            return;
        }
        let part = |group: Option<usize>| {
            group
                .and_then(|g| c.get_group(g))
                .and_then(|g| text.get(g.range()))
        };
        let date = |groups: &DateGroups| -> Option<PartialDate> {
            let year = part(groups.year).and_then(|y| y.parse().ok());
            let month = part(groups.month).and_then(|m| self.month_number(m));
            let day = part(groups.day)
                .and_then(|d| d.parse::<u32>().ok())
                .filter(|d| (1..=31).contains(d));
            (year.is_some() || month.is_some()).then_some(PartialDate { year, month, day })
        };
        let mut start = date(&form.groups.start);
        let mut end = date(&form.groups.end);
        let has_end_parts = end.is_some();
        if !has_end_parts && !form.open_end {
            end = start;
        }
        // Fill a missing year from the other end.
        if let (Some(s), Some(e)) = (start.as_mut(), end.as_mut()) {
            if s.year.is_none() {
                s.year = e.year;
                if let (Some(sm), Some(em)) = (s.month, e.month) {
                    if sm > em {
                        s.year = e.year.map(|y| y - 1);
                    }
                }
            }
            if e.year.is_none() {
                e.year = s.year;
            }
        }
        let mut notes = Vec::new();
        if part(form.groups.repeated).is_some() {
            notes.push(PeriodNote::RepeatedWords);
        }
        if let (Some(s), Some(e)) = (start, end) {
            if (e.year, e.month, e.day) < (s.year, s.month, s.day)
                && e.year.is_some()
                && s.year.is_some()
            {
                notes.push(PeriodNote::EndBeforeStart);
            }
        }
        taken.push((m.start(), m.end()));
        out.push(PeriodMatch {
            start_byte: m.start(),
            end_byte: m.end(),
            raw: text.get(m.range()).unwrap_or_default().to_string(),
            form: form.name.clone(),
            start,
            end,
            notes,
        });
    }
}

/// Makes `\b` an ASCII word boundary. Unicode word boundaries keep the regex crate off its
/// fast engines on non-ASCII text (every Spanish text); next to the Latin words and digits these
/// patterns put at a boundary the two agree, and this is 3–4× faster.
pub(crate) fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

/// Expands `{day:s}`, `{month:e}`… into named groups. A day and a year are ASCII digits, the only
/// ones a date is read from (`str::parse`); `\d`, Unicode's 680 digits, made every form's
/// automata larger: compiling the twelve forms took 10 M instructions more, about a thirteenth
/// of loading the rules.
fn expand(template: &str, month_alt: &str) -> String {
    let mut s = template.to_string();
    for side in ["s", "e"] {
        s = s
            .replace(
                &format!("{{day:{side}}}"),
                &format!(r"(?P<{side}_day>[0-9]{{1,2}})"),
            )
            .replace(
                &format!("{{month:{side}}}"),
                &format!("(?P<{side}_month>{month_alt})"),
            )
            .replace(
                &format!("{{year:{side}}}"),
                &format!(r"(?P<{side}_year>(?:19|20)[0-9]{{2}})"),
            );
    }
    s
}

/// A regex that finds any month name of the rules (for other extractors).
pub fn month_regex(rules: &PeriodRules) -> Option<Regex> {
    let alt = rules
        .months
        .iter()
        .map(|(m, _)| regex::escape(m))
        .collect::<Vec<_>>()
        .join("|");
    Regex::new(&format!("(?i)\\b(?:{alt})\\b")).ok()
}

/// The first and last day a partial ISO date covers.
pub fn day_bounds(iso: &str) -> (String, String) {
    match iso.len() {
        4 => (format!("{iso}-01-01"), format!("{iso}-12-31")),
        7 => {
            let (y, m) = iso.split_at(4);
            let m: u32 = m[1..].parse().unwrap_or(1);
            let y: i32 = y.parse().unwrap_or(2000);
            let last = match m {
                2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            (format!("{iso}-01"), format!("{iso}-{last:02}"))
        }
        _ => (iso.to_string(), iso.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> PeriodRules {
        PeriodRules::load(Path::new("rules/gcm/periods.toml")).unwrap()
    }

    #[test]
    fn the_gated_search_finds_every_match_a_whole_search_finds() {
        let rules = rules();
        let report = std::fs::read_to_string("fixtures/informe-ejecutivo-2021.txt").unwrap();
        // The report, and the report with its barriers ("." ";" "(" …) turned into spaces, so that
        // pieces the gate would skip meet the periods around them.
        let joined: String = report
            .chars()
            .map(|c| if ".;:()".contains(c) { ' ' } else { c })
            .collect();
        for text in [report.as_str(), joined.as_str()] {
            let spans = rules.gate.spans(text);
            assert!(spans.iter().map(|s| s.len()).sum::<usize>() < text.len());
            let mut total = 0;
            for form in &rules.forms {
                let slots = |c: regex_automata::util::captures::Captures| {
                    (0..c.group_len())
                        .map(|g| c.get_group(g))
                        .collect::<Vec<_>>()
                };
                let whole: Vec<_> = form.pattern.regex.captures_iter(text).map(slots).collect();
                let gated: Vec<_> = spans
                    .iter()
                    .flat_map(|s| {
                        let input = regex_automata::Input::new(text).span(s.clone());
                        form.pattern.regex.captures_iter(input).map(slots)
                    })
                    .collect();
                assert_eq!(gated, whole, "{}", form.name);
                total += whole.len();
            }
            assert!(total > 100, "{total}");
        }
    }

    #[test]
    fn a_day_and_a_year_are_read_in_ascii_digits() {
        assert_eq!(
            one("Del 1 de junio de 2020 al 30 de junio de 2021.").1,
            s("2021-06-30")
        );
        // Full-width digits (which `str::parse` does not read) make no date: with `\d`, "20２１"
        // was a year form's match with no year in it.
        let found = rules().find("durante 20２１ y hasta ３０ de junio de 20２１");
        assert!(found.is_empty(), "{found:?}");
    }

    fn one(text: &str) -> (Option<String>, Option<String>, String) {
        let found = rules().find(text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        let p = &found[0];
        (p.start_iso(), p.end_iso(), p.raw.clone())
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn each_period_form_of_the_2021_report() {
        let cases: &[(&str, Option<String>, Option<String>)] = &[
            (
                "Del 1 de junio de 2020 al 30 de junio de 2021, se registraron",
                s("2020-06-01"),
                s("2021-06-30"),
            ),
            (
                "De junio 2020 a junio 2021 se entregaron",
                s("2020-06"),
                s("2021-06"),
            ),
            (
                "De enero a junio de 2021 se han expedido",
                s("2021-01"),
                s("2021-06"),
            ),
            (
                "del 26 de mayo al 31 de agosto de 2021.",
                s("2021-05-26"),
                s("2021-08-31"),
            ),
            (
                "Hasta el 30 de junio de 2021 se han capacitado",
                None,
                s("2021-06-30"),
            ),
            ("En el año 2020 personal de la UPMRIP", s("2020"), s("2020")),
            ("Desde 2003 a la fecha, el programa", s("2003"), None),
            (
                "Desde su inicio y hasta el 30 de junio de 2021, se ha colocado",
                None,
                s("2021-06-30"),
            ),
            (
                "En lo que va del año 2021 hasta junio, se han registrado",
                s("2021"),
                s("2021-06"),
            ),
            (
                "El 11 de noviembre de 2020, se publicó",
                s("2020-11-11"),
                s("2020-11-11"),
            ),
            (
                "del 01 de junio del 2020 al 30 de Junio del 2021",
                s("2020-06-01"),
                s("2021-06-30"),
            ),
            (
                "de 2014 a junio de 2021 se han expedido",
                s("2014"),
                s("2021-06"),
            ),
            ("Plan de trabajo 2021-2022, que", s("2021"), s("2022")),
            (
                "A partir del 8 de febrero de 2016, se implementó",
                s("2016-02-08"),
                None,
            ),
            (
                "En agosto y septiembre de 2020 se llevaron",
                s("2020-08"),
                s("2020-09"),
            ),
            ("Al 30 de junio de 2021, la SPECRE", None, s("2021-06-30")),
            (
                "7 de abril de 2020 y hasta el 30 de junio de 2021:",
                s("2020-04-07"),
                s("2021-06-30"),
            ),
        ];
        for (text, start, end) in cases {
            let (a, b, raw) = one(text);
            assert_eq!((&a, &b), (start, end), "{text} (matched {raw:?})");
        }
    }

    #[test]
    fn repeated_words_are_noted() {
        let found =
            rules().find("De junio de 2020 a junio a junio de 2021 participaron 31 maestros.");
        assert_eq!(found[0].notes, ["repeated_words"]);
        assert_eq!(found[0].start_iso().as_deref(), Some("2020-06"));
        assert_eq!(found[0].end_iso().as_deref(), Some("2021-06"));
    }

    #[test]
    fn end_before_start_is_noted() {
        let found = rules().find("del 1 de julio de 2021 al 30 de junio de 2020");
        assert_eq!(found[0].notes, ["end_before_start"]);
    }

    #[test]
    fn no_period_in_plain_numbers() {
        assert!(rules()
            .find("se atendieron 129,441 casos y 2,085 operativos")
            .is_empty());
        assert!(rules()
            .find("la edición 2021 registró 70 solicitudes")
            .is_empty());
    }
}
