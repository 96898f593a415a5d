//! The reporting window an input's periods are checked against (`--period`, the document's own
//! statement, its title year, the profile's `[window]`), and the period checks.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{AuditRules, CheckId, Flag};
use crate::extract::periods::{day_bounds, PeriodNote};
use crate::extract::{ActionRecord, Extracted, Period};
use crate::patterns::Pattern;

/// The reporting window, as ISO dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub start: String,
    pub end: String,
}

impl Window {
    /// Parses `2020-06-01..2021-06-30`.
    pub fn parse(s: &str) -> Result<Window, String> {
        let (a, b) = s
            .split_once("..")
            .ok_or_else(|| format!("{s:?}: expected START..END, e.g. 2020-06-01..2021-06-30"))?;
        let ok = |d: &str| {
            d.len() == 10
                && d.as_bytes()[4] == b'-'
                && d.as_bytes()[7] == b'-'
                && d.chars().filter(|c| c.is_ascii_digit()).count() == 8
        };
        if !ok(a) || !ok(b) {
            return Err(format!("{s:?}: dates must be YYYY-MM-DD"));
        }
        if a > b {
            return Err(format!("{s:?}: the window ends before it starts"));
        }
        Ok(Window {
            start: a.to_string(),
            end: b.to_string(),
        })
    }
}

/// A title line naming the report's year ("Informe de acciones 2022"), and the window that year
/// stands for (`start`/`end` templates with `{year}` and `{year-1}`).
#[derive(Debug, Clone)]
pub struct CoverYear {
    pub line: Pattern,
    /// Only the first lines of a file hold its title (a count of file lines).
    pub max_line: u32,
    pub start: String,
    pub end: String,
}

impl CoverYear {
    /// The window of the cycle that ends in `year`.
    pub fn window(&self, year: i32) -> Result<Window, String> {
        let fill = |t: &str| {
            t.replace("{year-1}", &(year - 1).to_string())
                .replace("{year}", &year.to_string())
        };
        Window::parse(&format!("{}..{}", fill(&self.start), fill(&self.end)))
    }
}

/// The reporting window a document states ("Periodo de reporte: 1 de julio de 2021 al 30 de
/// junio de 2022"), and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StatedWindow {
    pub window: Window,
    /// The file line of the statement.
    pub line: u32,
    pub evidence: String,
}

/// The window an input's periods are checked against, and where it came from: `--period`
/// (`given`), else the document's own statement, else the rules' `[window]`.
pub fn window_for(
    ex: &Extracted,
    a: &AuditRules,
    given: Option<&Window>,
) -> (Window, WindowSource) {
    if let Some(w) = given {
        return (w.clone(), WindowSource::Given);
    }
    if let Some(s) = stated_window(ex, a) {
        return (s.window, WindowSource::Document { line: s.line });
    }
    match cover_year_window(ex, a) {
        Some(s) => (s.window, WindowSource::CoverYear { line: s.line }),
        None => (a.own.window.clone(), WindowSource::Rules),
    }
}

/// Where a reporting window came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowSource {
    /// `--period` on the command line.
    Given,
    /// The document's own statement, in the paragraph that starts at this line.
    Document { line: u32 },
    /// The cycle of the year the document's title names, in the paragraph at this line.
    CoverYear { line: u32 },
    /// In a bulk run, the window most inputs state (this many of them), for an input that
    /// states none.
    Majority { inputs: usize },
    /// `[window]` of audit.toml.
    Rules,
}

impl WindowSource {
    /// The machine code, as the manifest writes it.
    pub fn code(self) -> String {
        match self {
            WindowSource::Given => "--period".to_string(),
            WindowSource::Document { line } => format!("document line {line}"),
            WindowSource::CoverYear { line } => format!("document title year, line {line}"),
            WindowSource::Majority { inputs } => format!("majority of {inputs} inputs"),
            WindowSource::Rules => "audit.toml".to_string(),
        }
    }

    /// What a flag adds after the window, in Spanish (nothing for the rules' default).
    pub fn flag_suffix(self) -> String {
        match self {
            WindowSource::Given => ", dado con --period".to_string(),
            WindowSource::Document { line } => format!(", declarado en la línea {line}"),
            WindowSource::CoverYear { line } => {
                format!(", el ciclo del año que nombra el título (línea {line})")
            }
            WindowSource::Majority { inputs } => {
                format!(", el que declaran {inputs} entradas del lote")
            }
            WindowSource::Rules => String::new(),
        }
    }
}

/// The first statement of the reporting window in the document's running text (title lines,
/// preamble), read with the period rules; else a preamble sentence about the report that names
/// a period ("Para la elaboración del informe, … implementaron de junio de 2020 a junio de
/// 2021"); `None` when the document states none.
pub fn stated_window(ex: &Extracted, a: &AuditRules) -> Option<StatedWindow> {
    let first_action = ex.actions.iter().map(|x| x.provenance.line).min();
    let preamble = ex
        .paragraphs
        .iter()
        .filter(|p| first_action.is_none_or(|l| p.place.line < l));
    ex.paragraphs
        .iter()
        .find_map(|p| window_in(p, &a.own.window_statement, a, false))
        .or_else(|| {
            preamble
                .into_iter()
                .find_map(|p| window_in(p, &a.own.window_preamble, a, true))
        })
}

/// The window `pattern` states in paragraph `p` (its group `period`): the widest period the
/// period rules read there; with `range_only`, only a period from one month or day to another.
fn window_in(
    p: &crate::segment::Paragraph,
    pattern: &Pattern,
    a: &AuditRules,
    range_only: bool,
) -> Option<StatedWindow> {
    let c = pattern.captures(&p.text)?;
    let stated = c.name("period")?;
    // A dash between the ends reads as "a" ("julio 2021 – junio 2022").
    let stated = stated
        .as_str()
        .replace('\u{a0}', " ")
        .replace(" – ", " a ")
        .replace(" — ", " a ")
        .replace(" - ", " a ");
    let period = a
        .own
        .window_statement_prefixes
        .iter()
        .flat_map(|prefix| a.periods.find(&format!("{prefix}{stated}")))
        .filter_map(|m| {
            let (start, end) = (m.start_iso()?, m.end_iso()?);
            (!range_only || start != end).then_some(())?;
            Some((day_bounds(&start).0, day_bounds(&end).1, m.raw))
        })
        .max_by_key(|(_, _, raw)| raw.len())?;
    let (start, end, raw) = period;
    (start <= end).then_some(StatedWindow {
        window: Window { start, end },
        line: p.place.line,
        evidence: raw,
    })
}

/// The window of the year a title line names ("Informe de acciones 2022"), for a document that
/// states no window: `[window_cover_year]` of audit.toml.
pub fn cover_year_window(ex: &Extracted, a: &AuditRules) -> Option<StatedWindow> {
    let cover = &a.own.window_cover_year;
    ex.paragraphs
        .iter()
        .take_while(|p| p.place.line <= cover.max_line)
        .find_map(|p| {
            let c = cover.line.captures(&p.text)?;
            let year = c.name("year")?;
            let window = cover.window(year.as_str().parse().ok()?).ok()?;
            Some(StatedWindow {
                window,
                line: p.place.line,
                evidence: c.get(0)?.as_str().to_string(),
            })
        })
}

pub(super) fn period_checks(
    action: &ActionRecord,
    a: &AuditRules,
    (window, source): (&Window, &str),
    flags: &mut Vec<Flag>,
) {
    for p in &action.periods {
        flags.extend(malformed_period_flags(action, p, a));
    }
    flags.extend(outside_window_flags(action, a, window, source));
}

/// `malformed_period`: the notes of one period ("De junio de 2020 a junio a junio de 2021").
fn malformed_period_flags(action: &ActionRecord, p: &Period, a: &AuditRules) -> Vec<Flag> {
    let Some(c) = a.check(CheckId::MalformedPeriod) else {
        return Vec::new();
    };
    p.notes
        .iter()
        .map(|note| {
            let what = match note {
                PeriodNote::RepeatedWords => "tiene palabras repetidas",
                PeriodNote::EndBeforeStart => "termina antes de empezar",
            };
            Flag {
                kind: CheckId::MalformedPeriod.kind(),
                severity: c.severity,
                objective: Some(action.objective),
                message: format!("El periodo «{}» {what}.", p.raw),
                evidence: p.raw.clone(),
                provenance: Some(p.provenance.clone()),
                action: Some(action.id.clone()),
                related: Vec::new(),
                spans: Vec::new(),
            }
        })
        .collect()
}

/// `period_outside_window`: the periods of an action that govern a reported result and start
/// before or end after `window`; `source` says in Spanish where the window came from.
pub fn outside_window_flags(
    action: &ActionRecord,
    a: &AuditRules,
    window: &Window,
    source: &str,
) -> Vec<Flag> {
    let Some(c) = a.check(CheckId::PeriodOutsideWindow) else {
        return Vec::new();
    };
    // Periods that govern a reported result (not only a length of time such as "ocho meses").
    let governing: BTreeSet<usize> = action
        .figures
        .iter()
        .filter(|f| {
            f.unit
                .as_deref()
                .is_none_or(|u| a.figures.unit_kind(u) != Some("duration"))
        })
        .filter_map(|f| f.period)
        .collect();
    let mut flags = Vec::new();
    for (i, p) in action.periods.iter().enumerate() {
        if !governing.contains(&i) && !c.boolean("include_context_periods", false) {
            continue;
        }
        let starts_before = p
            .start
            .as_deref()
            .is_some_and(|s| day_bounds(s).0 < window.start);
        let ends_after = p
            .end
            .as_deref()
            .is_some_and(|e| day_bounds(e).1 > window.end);
        if starts_before || ends_after {
            let how = match (starts_before, ends_after) {
                (true, true) => "empieza antes y termina después",
                (true, false) => "empieza antes",
                _ => "termina después",
            };
            flags.push(Flag {
                kind: CheckId::PeriodOutsideWindow.kind(),
                severity: c.severity,
                objective: Some(action.objective),
                message: format!(
                    "El periodo «{}» {how} del periodo del informe ({} a {}{source}).",
                    p.raw, window.start, window.end
                ),
                evidence: p.raw.clone(),
                provenance: Some(p.provenance.clone()),
                action: Some(action.id.clone()),
                related: Vec::new(),
                spans: Vec::new(),
            });
        }
    }
    flags
}
