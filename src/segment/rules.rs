//! The segmenter's rules: line patterns of `layout.toml` (bullets, headings, footnotes, page
//! starts, tables) and the objectives catalog. Loaded from a profile folder; strict as linters
//! are: unknown keys are errors, every pattern's examples run at load, and every named group the
//! segmenter reads is required.

use std::path::Path;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::bullets::BulletInference;
use crate::catalog::Catalog;
use crate::error::RulesError;
use crate::normalize::HyphenJoin;
use crate::patterns::{compile, compile_with_groups, read_toml, Pattern, PatternSpec};

/// Where headings stand relative to the text they head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    Before,
    After,
    Auto,
}

// ---- layout.toml as written ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LayoutFile {
    document: DocumentSpec,
    bullets: BulletsSpec,
    objective_heading: ObjectiveHeadingSpec,
    section_heading: SectionHeadingSpec,
    challenges_heading: PatternSpec,
    page_number: PatternSpec,
    footnote: FootnoteSpec,
    link_artifact: PatternSpec,
    join: JoinSpec,
    #[serde(default)]
    tables: Vec<TableSpec>,
    /// Ingest's parts of this file: the PDF reader's geometry, text decoding.
    #[allow(dead_code)]
    pdf: IgnoredAny,
    #[allow(dead_code)]
    text: IgnoredAny,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentSpec {
    placement: Placement,
    tall_blank_lines: usize,
    page_start: PatternSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BulletsSpec {
    infer: BulletInference,
    bullet: PatternSpec,
    sub_bullet: PatternSpec,
    lettered_item: PatternSpec,
    no_activities: PatternSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectiveHeadingSpec {
    max_lines: usize,
    start: PatternSpec,
    end: PatternSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionHeadingSpec {
    start: PatternSpec,
    continuation: PatternSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FootnoteSpec {
    start: PatternSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinSpec {
    hyphen: HyphenJoin,
    sentence_end: PatternSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableSpec {
    kind: String,
    title: PatternSpec,
    /// Lines of the table match this; the first content line that does not ends the table.
    /// Without it, a table runs to the end of its section.
    row: Option<PatternSpec>,
}

/// Compiled layout rules.
#[derive(Debug, Clone)]
pub struct Layout {
    pub placement: Placement,
    pub tall_blank_lines: usize,
    pub page_start: Pattern,
    pub bullet: Pattern,
    pub sub_bullet: Pattern,
    /// How this document's own bullet glyphs are inferred.
    pub infer: BulletInference,
    pub lettered_item: Pattern,
    pub no_activities: Pattern,
    pub objective_start: Pattern,
    pub objective_end: Pattern,
    pub objective_max_lines: usize,
    pub section_start: Pattern,
    pub section_continuation: Pattern,
    pub page_number: Pattern,
    pub footnote_start: Pattern,
    pub link_artifact: Pattern,
    pub hyphen: HyphenJoin,
    pub sentence_end: Pattern,
    pub tables: Vec<TableRule>,
}

/// Kinds of tables the segmenter recognizes and the audit and compile read (`tables[].kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// The summary table of actions per objective.
    ObjectiveCounts,
    /// The table of challenges per category.
    ChallengeCounts,
    /// The annex listing the participating agencies.
    ParticipatingAgencies,
}

impl TableKind {
    pub const ALL: [TableKind; 3] = [
        TableKind::ObjectiveCounts,
        TableKind::ChallengeCounts,
        TableKind::ParticipatingAgencies,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TableKind::ObjectiveCounts => "objective_counts",
            TableKind::ChallengeCounts => "challenge_counts",
            TableKind::ParticipatingAgencies => "participating_agencies",
        }
    }

    pub fn parse(s: &str) -> Option<TableKind> {
        TableKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A kind of table, recognized by its title line.
#[derive(Debug, Clone)]
pub struct TableRule {
    /// A [`TableKind`] name, checked at load.
    pub kind: String,
    pub title: Pattern,
    pub row: Option<Pattern>,
}

/// Everything the segmenter reads.
#[derive(Debug, Clone)]
pub struct SegmentRules {
    pub layout: Layout,
    pub objectives: Catalog,
    /// The heading that opens a section of challenges (retos).
    pub challenges_heading: Pattern,
    /// The profile's name, recorded in outputs.
    pub profile: String,
}

impl SegmentRules {
    /// Loads `layout.toml` and `objectives.toml` of the profile folder `dir`.
    pub fn load(dir: &Path, profile: &str) -> Result<SegmentRules, RulesError> {
        let objectives = Catalog::load(&dir.join("objectives.toml"))?;
        SegmentRules::load_with(dir, profile, objectives)
    }

    /// Loads `layout.toml` of the profile folder `dir`, with the catalog already loaded from its
    /// `objectives.toml`.
    pub fn load_with(
        dir: &Path,
        profile: &str,
        objectives: Catalog,
    ) -> Result<SegmentRules, RulesError> {
        let path = dir.join("layout.toml");
        let file: LayoutFile = read_toml(&path)?;
        let challenges_heading =
            compile(&path, "challenges_heading", file.challenges_heading.clone())?;
        let layout = compile_layout(&path, file)?;
        let objectives_path = dir.join("objectives.toml");
        check_heading_examples(&objectives_path, &objectives, &layout)?;
        Ok(SegmentRules {
            layout,
            objectives,
            challenges_heading,
            profile: profile.to_string(),
        })
    }
}

fn compile_layout(path: &Path, f: LayoutFile) -> Result<Layout, RulesError> {
    let LayoutFile {
        document,
        bullets,
        objective_heading,
        section_heading,
        page_number,
        footnote,
        link_artifact,
        join,
        tables: table_specs,
        ..
    } = f;
    if document.tall_blank_lines < 2 {
        return Err(RulesError::new(
            path,
            "document.tall_blank_lines",
            "must be at least 2 (one blank line is an ordinary paragraph break)",
        ));
    }
    if objective_heading.max_lines == 0 {
        return Err(RulesError::new(
            path,
            "objective_heading.max_lines",
            "must be at least 1",
        ));
    }
    let objective_start = compile_with_groups(
        path,
        "objective_heading.start",
        objective_heading.start,
        &["number", "title"],
    )?;
    let footnote_start = compile_with_groups(path, "footnote.start", footnote.start, &["number"])?;
    let mut tables = Vec::new();
    for (i, t) in table_specs.into_iter().enumerate() {
        let kind = TableKind::parse(&t.kind).ok_or_else(|| {
            RulesError::new(
                path,
                &format!("tables[{i}].kind"),
                &format!(
                    "unknown table kind {:?} (known: {})",
                    t.kind,
                    TableKind::ALL.map(|k| k.as_str()).join(", ")
                ),
            )
        })?;
        let title = compile(path, &format!("tables[{i}].title"), t.title)?;
        let row = match t.row {
            Some(spec) => Some(compile(path, &format!("tables[{i}].row"), spec)?),
            None => None,
        };
        tables.push(TableRule {
            kind: kind.as_str().to_string(),
            title,
            row,
        });
    }
    Ok(Layout {
        placement: document.placement,
        tall_blank_lines: document.tall_blank_lines,
        page_start: compile(path, "document.page_start", document.page_start)?,
        bullet: compile(path, "bullets.bullet", bullets.bullet)?,
        infer: bullets.infer,
        sub_bullet: compile(path, "bullets.sub_bullet", bullets.sub_bullet)?,
        lettered_item: compile(path, "bullets.lettered_item", bullets.lettered_item)?,
        no_activities: compile(path, "bullets.no_activities", bullets.no_activities)?,
        objective_start,
        objective_end: compile(path, "objective_heading.end", objective_heading.end)?,
        objective_max_lines: objective_heading.max_lines,
        section_start: compile_with_groups(
            path,
            "section_heading.start",
            section_heading.start,
            &["number"],
        )?,
        section_continuation: compile(
            path,
            "section_heading.continuation",
            section_heading.continuation,
        )?,
        page_number: compile(path, "page_number", page_number)?,
        footnote_start,
        link_artifact: compile(path, "link_artifact", link_artifact)?,
        hyphen: join.hyphen,
        sentence_end: compile(path, "join.sentence_end", join.sentence_end)?,
        tables,
    })
}

/// The heading pattern must accept each of the catalog's example headings.
fn check_heading_examples(
    path: &Path,
    catalog: &Catalog,
    layout: &Layout,
) -> Result<(), RulesError> {
    if !crate::builtin::runs_examples(path) {
        return Ok(());
    }
    for (i, ex) in catalog.examples.iter().enumerate() {
        let line = format!("Objetivo {}. {}", ex.number, ex.heading);
        if !layout.objective_start.is_match(&line) {
            return Err(RulesError::new(
                path,
                &format!("examples[{i}]"),
                &format!("objective_heading.start does not match {line:?}"),
            ));
        }
    }
    Ok(())
}
