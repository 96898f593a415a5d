//! Segment: lines → typed elements (sections, objectives with their actions, tables, footnotes).
//!
//! Segmentation is three sub-stages, each a module with its own plain input and output, all
//! driven by the layout rules:
//!
//! 1. `classify` each line (blank, bullet, sub-bullet, heading, footnote, …) into units;
//!    headings and footnotes that wrap over lines become one unit.
//! 2. `anchor` each heading to the place where its content starts. With headings *before*
//!    their content (a Word export), that is the heading itself. With side-box headings that the
//!    PDF-to-text step emitted *after* the first page of their bullets (placement `after`), an
//!    objective heading anchors at the last *block start* (a page start, or the end of a tall
//!    blank run) before it that opens with a bullet or a "no activities" line; when several
//!    headings stand together (two objectives on one page), they take the last blocks in order
//!    of objective number. A section heading anchors at the last page start before it.
//! 3. `assemble`: walk the units in order; each belongs to the objective (and section) whose
//!    anchor precedes it. Bullets open actions, sub-bullets and lettered items attach to the open
//!    action, and text continues it (across page breaks, footnotes and interleaved headings).
//!
//! [`segment`] chains them; it is the only place that reads the [`SegmentRules`].

use serde::{Deserialize, Serialize};

use crate::normalize::{Document, SourceInfo};
pub mod rules;

use rules::Placement;
pub use rules::SegmentRules;

/// Where an element is in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Place {
    /// 1-based page, when the text has form feeds.
    pub page: Option<u32>,
    /// First and last 1-based line.
    pub line: u32,
    pub line_end: u32,
    /// File byte span (start, end) from the first to the last byte of the element's text.
    pub span: [usize; 2],
}

/// The segmented document.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Segmented {
    pub source: SourceInfo,
    /// The placement used (`before` or `after`), after resolving `auto`.
    pub placement: Placement,
    pub sections: Vec<Section>,
    pub objectives: Vec<ObjectiveBlock>,
    pub tables: Vec<Table>,
    /// Running text outside the objectives (preamble, conclusions…), joined into paragraphs.
    pub paragraphs: Vec<Paragraph>,
    /// The statements of a section of challenges (retos).
    pub challenges: Vec<Paragraph>,
    pub footnotes: Vec<Footnote>,
    pub warnings: Vec<Warning>,
    /// How well the document was read (see [`Reading`]).
    pub reading: Reading,
}

/// How well a document's lines were taken in, for knowing when the reading is not sure: lines
/// under objectives that belong to no action, bullets outside every objective once objectives
/// began, the order the objective headings came in, and lines of shapes that betray a misreading.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reading {
    /// Non-blank lines under objective headings (bullets, sub-items, text).
    pub body_lines: usize,
    /// First-level bullets under objectives.
    pub bullets: usize,
    /// The objective numbers of the headings, in the order they stand in the file.
    pub heading_order: Vec<u32>,
    /// Lines under objectives that belong to no action.
    pub unassigned: Lines,
    /// Bullets outside every objective after the first objective heading.
    pub stray_bullets: Lines,
    /// Lines under objectives shaped like a heading that was not recognized (standing apart,
    /// short, not ending a sentence, a bullet right after; or styled as a heading by Word).
    pub suspect_headings: Lines,
    /// First-level bullets right after an action's line ending in a colon (items of that action
    /// read as actions).
    pub after_lead: Lines,
    /// Bullet lines that hold their glyph again mid-line (two columns read as one line).
    pub merged_lines: Lines,
    /// Lines under objectives with a garbled word ("Migraci—n"): a file decoded with the wrong
    /// code page ([`crate::garble::odd_runs`]).
    #[serde(default)]
    pub garbled: Lines,
}

/// How many lines of a kind, and the first few of them (file line numbers).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Lines {
    pub count: usize,
    pub sample: Vec<u32>,
}

impl Lines {
    /// How many line numbers a sample keeps.
    pub const SAMPLE: usize = 5;

    /// Counts `lines` lines starting at file line `line`.
    pub(crate) fn note(&mut self, line: u32, lines: usize) {
        self.count += lines;
        if self.sample.len() < Self::SAMPLE {
            self.sample.push(line);
        }
    }

    /// The sample as "12, 40, 41".
    pub fn sample_text(&self) -> String {
        self.sample
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Reading {
    /// Headings that come after a heading with a higher number.
    pub fn headings_out_of_order(&self) -> usize {
        self.heading_order
            .windows(2)
            .filter(|w| w[1] < w[0])
            .count()
    }
}

/// A paragraph of running text outside the objectives.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Paragraph {
    /// Number of the section it stands in.
    pub section: Option<String>,
    pub text: String,
    pub place: Place,
    #[serde(skip)]
    pub map: Vec<u32>,
}

/// A numbered section (`IV. PRINCIPALES ACCIONES…`).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Section {
    pub number: String,
    pub title: String,
    pub heading: Place,
    /// First line of the section's content (its anchor).
    pub content_line: u32,
}

/// An objective as the report presents it: its heading and what stands under it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ObjectiveBlock {
    pub number: u32,
    /// The title as printed in the heading (joined, without "Objetivo N.").
    pub printed_title: String,
    pub heading: Place,
    /// The "no activities" line standing for this objective, if any.
    pub no_activities: Option<Place>,
    pub actions: Vec<Action>,
}

/// One action bullet with what belongs to it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Action {
    pub objective: u32,
    /// The bullet glyph as it appears in the file (all kinds are one bullet kind).
    pub marker: String,
    /// Normalized text: wrapped lines joined; paragraphs of the action separated by `\n`.
    pub text: String,
    pub sub_items: Vec<SubItem>,
    pub place: Place,
    /// For each byte of `text` (and one past the end), the file offset.
    #[serde(skip)]
    pub map: Vec<u32>,
}

/// An item inside an action: an indented sub-bullet or a lettered list item.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubItem {
    pub marker: String,
    /// Index (from 0) of the paragraph of the action's text that this item follows, so that
    /// items listed under "Durante el periodo…:" and "Desde el inicio…:" keep their lead-in.
    pub paragraph: usize,
    pub text: String,
    pub place: Place,
    #[serde(skip)]
    pub map: Vec<u32>,
}

/// A table kept as its own element (summary counts, annexes), as lines for now.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Table {
    pub kind: String,
    /// Number of the section it stands in, if any.
    pub section: Option<String>,
    pub place: Place,
    pub lines: Vec<TableLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TableLine {
    pub line: u32,
    pub text: String,
    pub span: [usize; 2],
}

/// A footnote: its number, text and place.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Footnote {
    pub number: u32,
    pub text: String,
    pub place: Place,
}

/// Something a reviewer should know about the segmentation of this file.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Warning {
    pub line: Option<u32>,
    pub message: String,
    /// The same in Spanish, for analysts.
    #[serde(default)]
    pub message_es: String,
}

impl Warning {
    /// A warning about `line` (where known), in English and Spanish.
    pub fn new(line: Option<u32>, said: crate::locale::Said) -> Warning {
        Warning {
            line,
            message: said.en,
            message_es: said.es,
        }
    }
}

mod anchor;
mod assemble;
pub mod bullets;
mod classify;

/// Segments a normalized document with the given rules.
pub fn segment(doc: &Document, rules: &SegmentRules) -> Segmented {
    let layout = &rules.layout;
    let line_rules = classify::LineRules::for_document(rules, &doc.lines, &doc.styled_headings);
    let units = classify::classify(&line_rules, &doc.lines);
    let anchors = anchor::anchor(layout, &units);
    let parts = assemble::assemble(
        layout,
        &doc.lines,
        &units,
        &anchors,
        &rules.objectives,
        &rules.profile,
    );
    Segmented {
        source: doc.source.clone(),
        placement: anchors.placement,
        sections: parts.sections,
        objectives: parts.objectives,
        tables: parts.tables,
        paragraphs: parts.paragraphs,
        challenges: parts.challenges,
        footnotes: parts.footnotes,
        warnings: parts.warnings,
        reading: {
            // A heading by its Word style that names no objective, with bullets after it: its
            // bullets went to the objective before.
            let mut reading = parts.reading;
            for &i in &line_rules.unmatched_styled {
                reading.suspect_headings.note(doc.lines[i].number, 1);
            }
            reading
        },
    }
}

/// Helpers for the sub-stages' tests: the `gcm` rules, and text through ingest, normalize and
/// classify.
#[cfg(test)]
mod testing {
    use std::path::Path;
    use std::sync::OnceLock;

    use super::classify::{classify, LineRules, Unit};
    use super::SegmentRules;
    use crate::ingest::IngestRules;
    use crate::normalize::{normalize, Document};

    pub(super) fn rules() -> &'static SegmentRules {
        static RULES: OnceLock<SegmentRules> = OnceLock::new();
        RULES.get_or_init(|| {
            SegmentRules::load(Path::new("rules/gcm"), "gcm").expect("rules/gcm loads")
        })
    }

    fn ingest_rules() -> &'static IngestRules {
        static RULES: OnceLock<IngestRules> = OnceLock::new();
        RULES.get_or_init(|| {
            IngestRules::load(Path::new("rules/gcm/layout.toml")).expect("layout.toml loads")
        })
    }

    /// A document made of `text`, as the pipeline reads a `.txt` file.
    pub(super) fn doc(text: &str) -> Document {
        let source = crate::ingest::ingest_bytes("t.txt", text.as_bytes(), ingest_rules())
            .expect("text ingests");
        normalize(&source)
    }

    /// The document made of `text`, and its units as `classify` makes them.
    pub(super) fn units(text: &str) -> (Document, Vec<Unit>) {
        let d = doc(text);
        let r = rules();
        let units = classify(&LineRules::for_document(r, &d.lines, &[]), &d.lines);
        (d, units)
    }
}
