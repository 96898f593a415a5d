//! Values of one action: figures, periods, agencies and footnote references, each with its
//! provenance, and each figure tied to the period that governs it.

use serde::{Deserialize, Serialize};

use super::agencies::Form;
use super::figures::{sentence_bounds, FigureNote, Relation};
use super::periods::PeriodNote;
use super::ExtractRules;
use super::{source_span, Provenance};
use crate::normalize::LineIndex;
use crate::segment::Action;

/// A quantity reported in an action.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Figure {
    /// The number as written, with its scale word or % sign: "40 mil 915", "93.27 %".
    pub raw: String,
    pub value: f64,
    pub percent: bool,
    /// Lemma of the counted noun ("caso", "menor de edad"), from the rules' unit lexicon.
    pub unit: Option<String>,
    /// The counted noun as written.
    pub unit_raw: Option<String>,
    /// The unit's kind from the lexicon ("person", "duration").
    pub unit_kind: Option<String>,
    /// "más de", "aproximadamente"…
    pub qualifier: Option<String>,
    /// Irregularities: `irregular_separator` ("42, 045"), `decimal`, `in_words` ("tres").
    pub notes: Vec<FigureNote>,
    /// Index of the sub-item it stands in; `None` for the action's own text.
    pub sub_item: Option<usize>,
    /// Index into the action's `periods` of the period that governs it.
    pub period: Option<usize>,
    /// Where that period was found: `sentence`, `lead` (the paragraph that introduces the
    /// sub-item) or `action` (the action's first period).
    pub period_from: Option<String>,
    pub provenance: Provenance,
}

/// A period an action mentions.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Period {
    pub raw: String,
    /// ISO date at the precision given (2020-06-01, 2020-06, 2020); `None` for an open start.
    pub start: Option<String>,
    /// `None` for an open end ("a la fecha").
    pub end: Option<String>,
    /// The first day the start covers, as a full ISO date (2020-06 → 2020-06-01).
    pub start_date: Option<String>,
    /// The last day the end covers, as a full ISO date (2021-06 → 2021-06-30).
    pub end_date: Option<String>,
    /// `day`, `month` or `year`.
    pub precision: String,
    /// The rule form that matched.
    pub form: String,
    /// `repeated_words`, `end_before_start`.
    pub notes: Vec<PeriodNote>,
    pub sub_item: Option<usize>,
    pub provenance: Provenance,
}

/// An agency an action names.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AgencyMention {
    /// Canonical acronym from the lexicon.
    pub acronym: String,
    /// The text that matched.
    pub raw: String,
    pub form: Form,
    pub sub_item: Option<usize>,
    pub provenance: Provenance,
}

/// An all-caps token that looks like an agency acronym but is not in the lexicon.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnknownAgency {
    pub raw: String,
    /// The closest known acronym ("SER" → "SRE").
    pub closest: Option<String>,
    pub sub_item: Option<usize>,
    pub provenance: Provenance,
}

/// A footnote marker in an action's text ("OPDH3", "COVID-194").
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FootnoteRef {
    pub number: u32,
    pub sub_item: Option<usize>,
    pub provenance: Provenance,
}

/// Everything found in one action.
#[derive(Debug, Clone, Default)]
pub struct Values {
    pub figures: Vec<Figure>,
    pub relations: Vec<Relation>,
    pub periods: Vec<Period>,
    pub agencies: Vec<AgencyMention>,
    pub unknown_agencies: Vec<UnknownAgency>,
    pub footnote_refs: Vec<FootnoteRef>,
    pub lead_agency: Option<String>,
}

struct Piece<'a> {
    text: &'a str,
    map: &'a [u32],
    sub_item: Option<usize>,
    /// For a sub-item, the paragraph of the action text it follows.
    paragraph: Option<usize>,
}

/// Finds the values of `action`.
pub fn action_values(
    action: &Action,
    file: &str,
    lines: &LineIndex,
    footnotes: &[u32],
    rules: &ExtractRules,
) -> Values {
    let mut v = Values::default();
    let mut pieces = vec![Piece {
        text: &action.text,
        map: &action.map,
        sub_item: None,
        paragraph: None,
    }];
    for (i, s) in action.sub_items.iter().enumerate() {
        pieces.push(Piece {
            text: &s.text,
            map: &s.map,
            sub_item: Some(i),
            paragraph: Some(s.paragraph),
        });
    }
    let prov = |piece: &Piece, range: std::ops::Range<usize>| -> Provenance {
        let span = source_span(piece.text, piece.map, range);
        let (line, page) = lines.locate(span[0]);
        let (line_end, _) = lines.locate(span[1].saturating_sub(1).max(span[0]));
        Provenance {
            file: file.to_string(),
            page,
            line,
            line_end,
            span,
            bbox: lines.bbox(span),
        }
    };

    // Periods first: their numbers are not figures. Keep, per piece, the byte ranges.
    let mut piece_periods: Vec<Vec<(usize, usize, usize)>> = Vec::new(); // (start, end, index)
    for piece in &pieces {
        let mut here = Vec::new();
        for p in rules.periods.find(piece.text) {
            here.push((p.start_byte, p.end_byte, v.periods.len()));
            let (start, end) = (p.start_iso(), p.end_iso());
            v.periods.push(Period {
                start_date: start.as_deref().map(|s| super::periods::day_bounds(s).0),
                end_date: end.as_deref().map(|e| super::periods::day_bounds(e).1),
                start,
                end,
                precision: p.precision().to_string(),
                sub_item: piece.sub_item,
                provenance: prov(piece, p.start_byte..p.end_byte),
                raw: p.raw,
                form: p.form,
                notes: p.notes,
            });
        }
        piece_periods.push(here);
    }
    // The action's period: its first closed range, else its first open one. A single date
    // (the day a programme was created) does not govern the action's figures.
    let own = |p: &Period| p.sub_item.is_none();
    let action_period = v
        .periods
        .iter()
        .position(|p| own(p) && p.start.is_some() && p.end.is_some() && p.start != p.end)
        .or_else(|| v.periods.iter().position(|p| own(p) && p.start != p.end));

    let mut first_sentence_end = action.text.len();
    for (k, piece) in pieces.iter().enumerate() {
        let mut excluded: Vec<(usize, usize)> =
            piece_periods[k].iter().map(|&(s, e, _)| (s, e)).collect();
        excluded.extend(
            rules
                .periods
                .date_part
                .find_iter(piece.text)
                .map(|m| (m.start(), m.end())),
        );
        let (found, marks) = rules.figures.find(piece.text, &excluded, footnotes);
        let offset = v.figures.len();
        let sentences = sentence_bounds(piece.text);
        if k == 0 {
            // The action's own text: where its first sentence ends, for its lead agency.
            first_sentence_end = sentences.first().map_or(piece.text.len(), |&(_, e)| e);
        }
        let lead = piece
            .paragraph
            .map(|para| paragraph_periods(&action.text, para, &piece_periods[0]));
        // The relations read the figures by their place in `found`, which the figures are then
        // taken from.
        for mut r in rules.figures.relations_in(piece.text, &found, &sentences) {
            r.total += offset;
            for p in r.parts.iter_mut() {
                *p += offset;
            }
            r.percent = r.percent.map(|p| p + offset);
            v.relations.push(r);
        }
        for f in found {
            let (period, from) = governing_period(
                piece.text,
                &f,
                &sentences,
                &piece_periods[k],
                lead,
                action_period,
            );
            v.figures.push(Figure {
                unit_kind: f
                    .unit
                    .as_deref()
                    .and_then(|u| rules.figures.unit_kind(u))
                    .map(str::to_string),
                provenance: prov(piece, f.start..f.end),
                raw: f.raw,
                value: f.value,
                percent: f.percent,
                unit: f.unit,
                unit_raw: f.unit_raw,
                qualifier: f.qualifier,
                notes: f.notes,
                sub_item: piece.sub_item,
                period,
                period_from: from.map(str::to_string),
            });
        }
        for m in marks {
            v.footnote_refs.push(FootnoteRef {
                number: m.number,
                sub_item: piece.sub_item,
                provenance: prov(piece, m.start..m.end),
            });
        }
        let found_agencies = rules.agencies.find(piece.text);
        for u in rules
            .agencies
            .unknown_acronyms_besides(piece.text, &found_agencies)
        {
            v.unknown_agencies.push(UnknownAgency {
                provenance: prov(piece, u.start..u.end),
                raw: u.raw,
                closest: u.closest,
                sub_item: piece.sub_item,
            });
        }
        for a in found_agencies {
            v.agencies.push(AgencyMention {
                provenance: prov(piece, a.start..a.end),
                acronym: a.acronym,
                raw: a.matched,
                form: a.form,
                sub_item: piece.sub_item,
            });
        }
    }
    v.lead_agency = lead_agency(action, first_sentence_end, &v.agencies, rules);
    v
}

/// The period governing a figure at `at`: the nearest period before it in its sentence, else the
/// first after it in the sentence; else the lead paragraph's last period; else the action's.
fn governing_period(
    text: &str,
    fig: &super::figures::FoundFigure,
    sentences: &[(usize, usize)],
    periods: &[(usize, usize, usize)],
    lead: Option<Option<usize>>,
    action_period: Option<usize>,
) -> (Option<usize>, Option<&'static str>) {
    let at = fig.start;
    // `periods` are in text order and do not overlap: every search is a binary search.
    // A period right after the figure governs it: "6,446 en 2020 y 2,085 en lo que va del 2021".
    // (Only the first period after it can be: a later one's gap holds this one's.)
    let next = periods.partition_point(|&(ps, _, _)| ps < fig.end);
    let right_after = periods.get(next).filter(|&&(ps, _, _)| {
        let gap = &text[fig.end..ps];
        !gap.contains(|c: char| c.is_ascii_digit() || ".;:".contains(c))
            && gap.split_whitespace().count() <= 2
    });
    if let Some(&(_, _, i)) = right_after {
        return (Some(i), Some("sentence"));
    }
    let k = sentences.partition_point(|&(_, e)| e <= at);
    if let Some(&(s, e)) = sentences.get(k).filter(|&&(s, _)| s <= at) {
        let starting_before = periods.partition_point(|&(ps, _, _)| ps < at);
        let before = periods[..starting_before]
            .iter()
            .rev()
            .take_while(|&&(ps, _, _)| ps >= s)
            .find(|&&(_, pe, _)| pe <= at);
        let after = periods[periods.partition_point(|&(ps, _, _)| ps <= at)..]
            .first()
            .filter(|&&(ps, _, _)| ps < e);
        if let Some(&(_, _, i)) = before.or(after) {
            return (Some(i), Some("sentence"));
        }
    }
    if let Some(Some(i)) = lead {
        return (Some(i), Some("lead"));
    }
    match action_period {
        Some(i) => (Some(i), Some("action")),
        None => (None, None),
    }
}

/// The last period of paragraph `para` of the action's text.
fn paragraph_periods(text: &str, para: usize, periods: &[(usize, usize, usize)]) -> Option<usize> {
    let mut start = 0;
    for (i, p) in text.split('\n').enumerate() {
        let end = start + p.len();
        if i == para {
            return periods
                .iter()
                .filter(|&&(s, _, _)| s >= start && s < end)
                .map(|&(_, _, idx)| idx)
                .next_back();
        }
        start = end + 1;
    }
    None
}

/// The agency that carries out the action, when the first sentence (ending at byte
/// `first_sentence_end` of its text) names one: the first agency (not an international body)
/// named there.
fn lead_agency(
    action: &Action,
    first_sentence_end: usize,
    agencies: &[AgencyMention],
    rules: &ExtractRules,
) -> Option<String> {
    let end_byte = source_span(&action.text, &action.map, 0..first_sentence_end)[1];
    agencies
        .iter()
        .filter(|a| a.sub_item.is_none() && a.provenance.span[1] <= end_byte)
        .find(|a| {
            rules
                .agencies
                .get(&a.acronym)
                .is_none_or(|ag| ag.kind != "international")
        })
        .map(|a| a.acronym.clone())
}
