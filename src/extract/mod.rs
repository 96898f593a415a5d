//! Extract: segmented elements → records with provenance.
//!
//! One [`ActionRecord`] per action bullet and one [`ObjectiveRecord`] per catalog objective.
//! Figures, periods and agencies are fields of the schema that the value extraction fills.

use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Objective};
use crate::error::RulesError;
use crate::locale::Said;
use crate::normalize::{Document, LineIndex, SourceInfo};
use crate::segment::rules::Placement;
use crate::segment::{
    Action, Footnote, ObjectiveBlock, Paragraph, Place, Section, Segmented, Table, Warning,
};

pub mod agencies;
pub mod capitals;
pub mod challenges;
pub mod figures;
pub mod namesearch;
pub mod periods;
pub mod relations;
pub mod values;
pub mod wordsearch;

pub use figures::Relation;
pub use values::{AgencyMention, Figure, FootnoteRef, Period, UnknownAgency};

/// Where a record came from: enough for an auditor to find the exact source text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Provenance {
    pub file: String,
    /// 1-based page, where known (text with form feeds).
    pub page: Option<u32>,
    /// First and last 1-based line.
    pub line: u32,
    pub line_end: u32,
    /// Byte span [start, end) in the file, from the first to the last byte of the text. For a
    /// PDF, the span is into the text informe extracted (`pages.jsonl`).
    pub span: [usize; 2],
    /// For a PDF: the box on the page (points, origin top left), for the part on its first page.
    pub bbox: Option<crate::geometry::BBox>,
}

impl Provenance {
    fn new(file: &str, p: &Place, lines: &LineIndex) -> Provenance {
        Provenance {
            bbox: lines.bbox(p.span),
            ..Provenance::of_place(file, p)
        }
    }

    /// The provenance of a place in `file`, without its box on the page.
    pub fn of_place(file: &str, p: &Place) -> Provenance {
        Provenance {
            file: file.to_string(),
            page: p.page,
            line: p.line,
            line_end: p.line_end,
            span: p.span,
            bbox: None,
        }
    }
}

/// One action bullet of a report.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ActionRecord {
    /// Stable within a file: `<file stem>-o<objective>-<n>`, n counting from 1 in file order.
    pub id: String,
    pub objective: u32,
    /// Canonical titles from the catalog.
    pub objective_title: String,
    pub objective_title_en: String,
    /// The bullet glyph as printed.
    pub marker: String,
    pub text: String,
    pub sub_items: Vec<SubItemRecord>,
    pub figures: Vec<Figure>,
    /// Relations between `figures` (by index): totals and their parts, shares.
    pub relations: Vec<Relation>,
    pub periods: Vec<Period>,
    pub agencies: Vec<AgencyMention>,
    /// All-caps tokens that look like agency acronyms but are not in the lexicon.
    pub unknown_agencies: Vec<UnknownAgency>,
    /// The agency that carries out the action, when the text makes it clear.
    pub lead_agency: Option<String>,
    /// The agency that submitted the file: from its title lines, else its file name.
    pub submitter: Option<String>,
    pub footnote_refs: Vec<FootnoteRef>,
    pub provenance: Provenance,
    /// For each byte of `text` (and one past the end), its offset in the file.
    #[serde(skip)]
    pub text_map: Vec<u32>,
}

impl ActionRecord {
    /// The file byte span of `text[range]`: from the file offset of its first byte to the
    /// offset just past its last character.
    ///
    /// ```
    /// # use std::path::Path;
    /// let rules = informe::Rules::load(Path::new("rules/gcm")).unwrap();
    /// let src = "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración.\n● Se atendieron 129,441 casos.\n";
    /// let out = informe::process_bytes("e.txt", src.as_bytes(), &rules).unwrap();
    /// let a = &out.actions[0];
    /// let at = a.text.find("129,441").unwrap();
    /// let [s, e] = a.source_span(at..at + "129,441".len());
    /// assert_eq!(&src[s..e], "129,441");
    /// ```
    pub fn source_span(&self, range: std::ops::Range<usize>) -> [usize; 2] {
        source_span(&self.text, &self.text_map, range)
    }
}

/// Maps a byte range of a joined text to a file span with the text's byte map.
pub fn source_span(text: &str, map: &[u32], range: std::ops::Range<usize>) -> [usize; 2] {
    let at = |i: usize| map.get(i).or_else(|| map.last()).copied().unwrap_or(0) as usize;
    if range.is_empty() {
        return [at(range.start), at(range.start)];
    }
    // The end is the file offset of the last character plus that character's length in the file:
    // the offset of the byte after it, unless a join (space, newline) sits there.
    let last_char_start = text[..range.end]
        .char_indices()
        .next_back()
        .map_or(range.start, |(i, _)| i);
    let last_len = text[last_char_start..range.end].len();
    let next = at(range.end);
    let start_of_last = at(last_char_start);
    let end = if next > start_of_last && next - start_of_last <= 4 {
        next
    } else {
        start_of_last + last_len
    };
    [at(range.start), end]
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubItemRecord {
    pub marker: String,
    /// Index (from 0) of the paragraph of the action's text that this item follows.
    pub paragraph: usize,
    pub text: String,
    pub provenance: Provenance,
}

/// One objective of the catalog and what the report has under it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ObjectiveRecord {
    pub file: String,
    pub number: u32,
    pub title: String,
    pub title_en: String,
    /// The title as the report's heading prints it; `None` when the report has no heading.
    pub printed_title: Option<String>,
    pub heading: Option<Provenance>,
    pub actions: usize,
    /// The "no activities" line standing for this objective.
    pub no_activities: Option<Provenance>,
}

/// Everything extracted from one input file.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Extracted {
    pub source: SourceInfo,
    pub profile: String,
    pub placement: Placement,
    pub actions: Vec<ActionRecord>,
    pub objectives: Vec<ObjectiveRecord>,
    pub sections: Vec<Section>,
    pub tables: Vec<Table>,
    pub paragraphs: Vec<Paragraph>,
    pub footnotes: Vec<Footnote>,
    pub warnings: Vec<Warning>,
    /// For a PDF: each page's extracted text, its offset in the text that spans point into, the
    /// method used and the problems found (written as `pages.jsonl`).
    pub pages: Vec<crate::geometry::PageInfo>,
    /// The agency that submitted the file: from its title lines, else its file name.
    pub submitter: Option<String>,
    /// The statements of the file's section of challenges (retos), classified.
    pub challenges: Vec<challenges::ChallengeRecord>,
    /// How well the document was read.
    #[serde(default)]
    pub reading: crate::segment::Reading,
}

/// Everything extraction reads: the figure, period and agency lexicons, the challenge
/// categories and the objectives catalog.
#[derive(Debug, Clone)]
pub struct ExtractRules {
    pub figures: figures::FigureRules,
    pub periods: periods::PeriodRules,
    pub agencies: agencies::Lexicon,
    pub challenges: challenges::ChallengeRules,
    pub objectives: Catalog,
    /// The profile's name, recorded in outputs.
    pub profile: String,
}

impl ExtractRules {
    /// Loads `figures.toml`, `periods.toml`, `agencies.toml` and `challenges.toml` of the profile
    /// folder `dir`; the catalog is the one the segmenter loaded.
    pub fn load(
        dir: &Path,
        objectives: Catalog,
        profile: &str,
    ) -> Result<ExtractRules, RulesError> {
        // Each file on its own core where there is one (see `Profile::load`).
        let ((figures, periods), (agencies, challenges)) = rayon::join(
            || {
                rayon::join(
                    || figures::FigureRules::load(&dir.join("figures.toml")),
                    || periods::PeriodRules::load(&dir.join("periods.toml")),
                )
            },
            || {
                rayon::join(
                    || agencies::Lexicon::load(&dir.join("agencies.toml")),
                    || challenges::ChallengeRules::load(&dir.join("challenges.toml")),
                )
            },
        );
        Ok(ExtractRules {
            figures: figures?,
            periods: periods?,
            agencies: agencies?,
            challenges: challenges?,
            objectives,
            profile: profile.to_string(),
        })
    }
}

/// The submitting agency: the first (non-international) agency named in the lines before the
/// first action or objective heading, else one named in the file name.
fn submitter(doc: &Document, seg: &Segmented, rules: &ExtractRules) -> Option<String> {
    let first_action = seg
        .objectives
        .iter()
        .flat_map(|o| o.actions.iter().map(|a| a.place.line))
        .chain(seg.objectives.iter().map(|o| o.heading.line))
        .min()
        .unwrap_or(u32::MAX);
    let title: String = doc
        .lines
        .iter()
        .take_while(|l| l.number < first_action)
        .filter(|l| !l.is_blank())
        .take(12)
        .map(|l| l.text.trim())
        .collect::<Vec<_>>()
        .join(" ");
    let national = |text: &str| {
        rules
            .agencies
            .find(text)
            .into_iter()
            .find(|m| {
                rules
                    .agencies
                    .get(&m.acronym)
                    .is_none_or(|a| a.kind != "international")
            })
            .map(|m| m.acronym)
    };
    national(&title).or_else(|| {
        let stem = file_stem(&doc.source.file).replace(['_', '-', '.'], " ");
        national(&stem).or_else(|| national(&stem.to_uppercase()))
    })
}

/// The stem used in ids and output folders: the file name without its extension.
pub fn file_stem(file: &str) -> String {
    Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "input".to_string())
}

/// Builds the records of one segmented file.
pub fn extract(doc: &Document, seg: &Segmented, rules: &ExtractRules) -> Extracted {
    let file = seg.source.file.as_str();
    let stem = file_stem(file);
    let lines = LineIndex::new(doc);
    let footnotes: Vec<u32> = seg.footnotes.iter().map(|f| f.number).collect();
    let submitter = submitter(doc, seg, rules);
    // Actions are independent: their values are found on all cores (in text order once sorted).
    let numbered: Vec<(&ObjectiveBlock, &Objective, usize, &Action)> = seg
        .objectives
        .iter()
        .filter_map(|block| Some((block, rules.objectives.resolve(block.number)?)))
        .flat_map(|(block, objective)| {
            block
                .actions
                .iter()
                .enumerate()
                .map(move |(i, a)| (block, objective, i, a))
        })
        .collect();
    let mut actions: Vec<ActionRecord> = numbered
        .into_par_iter()
        .map(|(block, objective, i, a)| {
            let v = values::action_values(a, file, &lines, &footnotes, rules);
            ActionRecord {
                id: format!("{stem}-o{:02}-{:02}", block.number, i + 1),
                objective: block.number,
                objective_title: objective.es.clone(),
                objective_title_en: objective.en.clone(),
                marker: a.marker.clone(),
                text: a.text.clone(),
                sub_items: a
                    .sub_items
                    .iter()
                    .map(|s| SubItemRecord {
                        marker: s.marker.clone(),
                        paragraph: s.paragraph,
                        text: s.text.clone(),
                        provenance: Provenance::new(file, &s.place, &lines),
                    })
                    .collect(),
                figures: v.figures,
                relations: v.relations,
                periods: v.periods,
                agencies: v.agencies,
                unknown_agencies: v.unknown_agencies,
                lead_agency: v.lead_agency,
                submitter: submitter.clone(),
                footnote_refs: v.footnote_refs,
                provenance: Provenance::new(file, &a.place, &lines),
                text_map: a.map.clone(),
            }
        })
        .collect();
    actions.sort_by_key(|a| a.provenance.span[0]);
    let objectives = rules
        .objectives
        .objectives
        .iter()
        .map(|o| {
            let block = seg.objectives.iter().find(|b| b.number == o.number);
            ObjectiveRecord {
                file: file.to_string(),
                number: o.number,
                title: o.es.clone(),
                title_en: o.en.clone(),
                printed_title: block.map(|b| b.printed_title.clone()),
                heading: block.map(|b| Provenance::new(file, &b.heading, &lines)),
                actions: block.map_or(0, |b| b.actions.len()),
                no_activities: block
                    .and_then(|b| b.no_activities.as_ref())
                    .map(|p| Provenance::new(file, p, &lines)),
            }
        })
        .collect();
    Extracted {
        source: seg.source.clone(),
        profile: rules.profile.clone(),
        placement: seg.placement,
        actions,
        objectives,
        sections: seg.sections.clone(),
        tables: seg.tables.clone(),
        paragraphs: seg.paragraphs.clone(),
        footnotes: seg.footnotes.clone(),
        warnings: {
            let mut w = seg.warnings.clone();
            for message in &doc.warnings {
                w.push(Warning::new(
                    None,
                    Said::new(
                        message.clone(),
                        format!("aviso de lectura (detalle técnico: {message})"),
                    ),
                ));
            }
            for p in doc.pdf.iter().flat_map(|pdf| pdf.pages.iter()) {
                for problem in &p.problems {
                    w.push(Warning::new(
                        None,
                        Said::new(
                            format!("page {}: {problem}", p.page),
                            format!(
                                "página {}: {}",
                                p.page,
                                crate::ingest::pdf::problem_es(problem)
                            ),
                        ),
                    ));
                }
            }
            w
        },
        pages: doc.pdf.as_ref().map_or_else(Vec::new, |p| p.pages.clone()),
        reading: seg.reading.clone(),
        challenges: seg
            .challenges
            .iter()
            .enumerate()
            .map(|(i, c)| challenges::ChallengeRecord {
                id: format!("{stem}-r{:02}", i + 1),
                text: c.text.clone(),
                categories: rules.challenges.classify(&c.text),
                submitter: submitter.clone(),
                provenance: Provenance::new(file, &c.place, &lines),
            })
            .collect(),
        submitter,
    }
}
