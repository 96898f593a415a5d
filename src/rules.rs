//! Rules: the data that tells informe how a report family is laid out.
//!
//! A profile is a folder (`rules/gcm/`) of TOML files:
//! - `objectives.toml`: the catalog of objectives (number, Spanish and English titles);
//! - `layout.toml`: line patterns for bullets, headings, footnotes, page starts and tables;
//! - `figures.toml`: number formats, number and scale words, units, what is not a figure;
//! - `periods.toml`: month names and the forms of periods and dates;
//! - `agencies.toml`: the agencies lexicon (acronyms, names, variants) and non-agency acronyms;
//! - `audit.toml`: the audit checks (on/off, severity, parameters), the reporting window and how
//!   a report states its counts.
//!
//! Loading is strict, as linters do it: unknown keys are errors (`deny_unknown_fields`), every
//! regex is compiled at load, and every pattern's examples (`match` / `no_match`) are run at load.
//! A failure names the file and the key, e.g. `rules/gcm/layout.toml: bullets.bullet.pattern: …`.
//!
//! ```
//! let rules = informe::rules::Rules::load(std::path::Path::new("rules/gcm")).unwrap();
//! assert!(rules.layout.bullet.is_match("● El Anuario de Migración y Remesas"));
//! assert_eq!(rules.objectives.resolve(13).unwrap().number, 13);
//! ```

use std::path::{Path, PathBuf};

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::error::RulesError;
use crate::normalize::fold_key;

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
    pub fn captures<'t>(&self, line: &'t str) -> Option<regex::Captures<'t>> {
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

/// Where headings stand relative to the text they head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    Before,
    After,
    Auto,
}

/// What to do with a hyphen at the end of a wrapped line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HyphenJoin {
    Keep,
    Remove,
}

// ---- layout.toml as written ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LayoutFile {
    document: DocumentSpec,
    bullets: BulletsSpec,
    objective_heading: ObjectiveHeadingSpec,
    section_heading: SectionHeadingSpec,
    page_number: PatternSpec,
    footnote: FootnoteSpec,
    link_artifact: PatternSpec,
    join: JoinSpec,
    #[serde(default)]
    tables: Vec<TableSpec>,
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

/// A kind of table, recognized by its title line.
#[derive(Debug, Clone)]
pub struct TableRule {
    pub kind: String,
    pub title: Pattern,
    pub row: Option<Pattern>,
}

// ---- objectives.toml ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectivesFile {
    objective: Vec<Objective>,
    #[serde(default)]
    examples: Vec<HeadingExample>,
}

/// One objective of the catalog.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub number: u32,
    /// Official Spanish title.
    pub es: String,
    /// Official English title.
    pub en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadingExample {
    heading: String,
    number: u32,
    same_title: bool,
}

/// The catalog of objectives of a profile.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub objectives: Vec<Objective>,
}

impl Catalog {
    pub fn resolve(&self, number: u32) -> Option<&Objective> {
        self.objectives.iter().find(|o| o.number == number)
    }

    /// Whether a printed title is the catalog title of `number`, ignoring accents, case,
    /// punctuation and a final period (`sólo` = `solo`, an extra comma is not a difference).
    pub fn same_title(&self, number: u32, printed: &str) -> bool {
        self.resolve(number)
            .is_some_and(|o| fold_key(&o.es) == fold_key(printed))
    }
}

/// All the rules of one profile.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The profile folder they came from.
    pub dir: PathBuf,
    /// Profile name (the folder's name), recorded in outputs.
    pub profile: String,
    /// SHA-256 over the profile's rule files: `--resume` redoes inputs processed with other rules.
    pub fingerprint: String,
    pub layout: Layout,
    pub objectives: Catalog,
    pub figures: crate::extract::figures::FigureRules,
    pub periods: crate::extract::periods::PeriodRules,
    pub agencies: crate::extract::agencies::Lexicon,
    pub audit: crate::audit::AuditRules,
    pub challenges: crate::extract::challenges::ChallengeRules,
}

impl Rules {
    /// Loads, compiles and checks every rule file of the profile in `dir`.
    pub fn load(dir: &Path) -> Result<Rules, RulesError> {
        if !dir.is_dir() {
            return Err(RulesError::new(
                dir,
                "",
                "not a rules folder (expected a folder such as rules/gcm holding layout.toml and objectives.toml; pass another with --rules)",
            ));
        }
        let layout_path = dir.join("layout.toml");
        let layout_file: LayoutFile = read_toml(&layout_path)?;
        let layout = compile_layout(&layout_path, layout_file)?;

        let objectives_path = dir.join("objectives.toml");
        let objectives_file: ObjectivesFile = read_toml(&objectives_path)?;
        let objectives = compile_catalog(&objectives_path, objectives_file, &layout)?;

        let figures = crate::extract::figures::FigureRules::load(&dir.join("figures.toml"))?;
        let periods = crate::extract::periods::PeriodRules::load(&dir.join("periods.toml"))?;
        let agencies = crate::extract::agencies::Lexicon::load(&dir.join("agencies.toml"))?;
        let audit = crate::audit::AuditRules::load(&dir.join("audit.toml"))?;
        let challenges =
            crate::extract::challenges::ChallengeRules::load(&dir.join("challenges.toml"))?;

        let fingerprint = {
            let mut all = Vec::new();
            for name in [
                "layout.toml",
                "objectives.toml",
                "figures.toml",
                "periods.toml",
                "agencies.toml",
                "audit.toml",
                "challenges.toml",
            ] {
                all.extend_from_slice(name.as_bytes());
                all.extend(std::fs::read(dir.join(name)).unwrap_or_default());
            }
            crate::hash::sha256_hex(&all)
        };
        let profile = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "rules".to_string());
        Ok(Rules {
            dir: dir.to_path_buf(),
            profile,
            fingerprint,
            layout,
            objectives,
            figures,
            periods,
            agencies,
            audit,
            challenges,
        })
    }
}

pub(crate) fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, RulesError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| RulesError::new(path, "", &format!("cannot read rule file: {e}")))?;
    toml::from_str(&text).map_err(|e| {
        // toml's message names the key and shows the line; keep it whole.
        RulesError::new(path, "", e.to_string().trim_end())
    })
}

/// Compiles a pattern and runs its examples. `key` is the dotted key in the file.
pub(crate) fn compile_spec(
    path: &Path,
    key: &str,
    spec: PatternSpec,
) -> Result<Pattern, RulesError> {
    compile(path, key, spec)
}

fn compile(path: &Path, key: &str, spec: PatternSpec) -> Result<Pattern, RulesError> {
    let regex = Regex::new(&spec.pattern).map_err(|e| {
        RulesError::new(
            path,
            &format!("{key}.pattern"),
            &format!("invalid regex: {e}"),
        )
    })?;
    if spec.matches.is_empty() {
        return Err(RulesError::new(
            path,
            &format!("{key}.match"),
            "every pattern needs at least one example it must match",
        ));
    }
    for example in &spec.matches {
        if !regex.is_match(example) {
            return Err(RulesError::new(
                path,
                &format!("{key}.match"),
                &format!("pattern does not match its example {example:?}"),
            ));
        }
    }
    for example in &spec.no_match {
        if regex.is_match(example) {
            return Err(RulesError::new(
                path,
                &format!("{key}.no_match"),
                &format!("pattern matches its counter-example {example:?}"),
            ));
        }
    }
    Ok(Pattern {
        key: key.to_string(),
        regex,
    })
}

fn compile_layout(path: &Path, f: LayoutFile) -> Result<Layout, RulesError> {
    if f.document.tall_blank_lines < 2 {
        return Err(RulesError::new(
            path,
            "document.tall_blank_lines",
            "must be at least 2 (one blank line is an ordinary paragraph break)",
        ));
    }
    if f.objective_heading.max_lines == 0 {
        return Err(RulesError::new(
            path,
            "objective_heading.max_lines",
            "must be at least 1",
        ));
    }
    let objective_start = compile(path, "objective_heading.start", f.objective_heading.start)?;
    for group in ["number", "title"] {
        if !objective_start
            .regex
            .capture_names()
            .any(|n| n == Some(group))
        {
            return Err(RulesError::new(
                path,
                "objective_heading.start.pattern",
                &format!("needs a named group (?P<{group}>…)"),
            ));
        }
    }
    let footnote_start = compile(path, "footnote.start", f.footnote.start)?;
    if !footnote_start
        .regex
        .capture_names()
        .any(|n| n == Some("number"))
    {
        return Err(RulesError::new(
            path,
            "footnote.start.pattern",
            "needs a named group (?P<number>…)",
        ));
    }
    let mut tables = Vec::new();
    for (i, t) in f.tables.into_iter().enumerate() {
        let title = compile(path, &format!("tables[{i}].title"), t.title)?;
        let row = match t.row {
            Some(spec) => Some(compile(path, &format!("tables[{i}].row"), spec)?),
            None => None,
        };
        tables.push(TableRule {
            kind: t.kind,
            title,
            row,
        });
    }
    Ok(Layout {
        placement: f.document.placement,
        tall_blank_lines: f.document.tall_blank_lines,
        page_start: compile(path, "document.page_start", f.document.page_start)?,
        bullet: compile(path, "bullets.bullet", f.bullets.bullet)?,
        sub_bullet: compile(path, "bullets.sub_bullet", f.bullets.sub_bullet)?,
        lettered_item: compile(path, "bullets.lettered_item", f.bullets.lettered_item)?,
        no_activities: compile(path, "bullets.no_activities", f.bullets.no_activities)?,
        objective_start,
        objective_end: compile(path, "objective_heading.end", f.objective_heading.end)?,
        objective_max_lines: f.objective_heading.max_lines,
        section_start: compile(path, "section_heading.start", f.section_heading.start)?,
        section_continuation: compile(
            path,
            "section_heading.continuation",
            f.section_heading.continuation,
        )?,
        page_number: compile(path, "page_number", f.page_number)?,
        footnote_start,
        link_artifact: compile(path, "link_artifact", f.link_artifact)?,
        hyphen: f.join.hyphen,
        sentence_end: compile(path, "join.sentence_end", f.join.sentence_end)?,
        tables,
    })
}

fn compile_catalog(path: &Path, f: ObjectivesFile, layout: &Layout) -> Result<Catalog, RulesError> {
    let mut seen = std::collections::BTreeSet::new();
    for (i, o) in f.objective.iter().enumerate() {
        if !seen.insert(o.number) {
            return Err(RulesError::new(
                path,
                &format!("objective[{i}].number"),
                &format!("objective {} is listed twice", o.number),
            ));
        }
        if o.es.trim().is_empty() || o.en.trim().is_empty() {
            return Err(RulesError::new(
                path,
                &format!("objective[{i}]"),
                "both titles (es, en) are required",
            ));
        }
    }
    let catalog = Catalog {
        objectives: f.objective,
    };
    if f.examples.is_empty() {
        return Err(RulesError::new(
            path,
            "examples",
            "the catalog needs examples of headings as reports print them",
        ));
    }
    for (i, ex) in f.examples.iter().enumerate() {
        let key = format!("examples[{i}]");
        if catalog.resolve(ex.number).is_none() {
            return Err(RulesError::new(
                path,
                &key,
                &format!("objective {} is not in the catalog", ex.number),
            ));
        }
        if catalog.same_title(ex.number, &ex.heading) != ex.same_title {
            return Err(RulesError::new(
                path,
                &key,
                &format!(
                    "{:?} should {}compare equal to the title of objective {}",
                    ex.heading,
                    if ex.same_title { "" } else { "not " },
                    ex.number
                ),
            ));
        }
        // The heading pattern must accept the example as a heading line.
        let line = format!("Objetivo {}. {}", ex.number, ex.heading);
        if !layout.objective_start.is_match(&line) {
            return Err(RulesError::new(
                path,
                &key,
                &format!("objective_heading.start does not match {line:?}"),
            ));
        }
    }
    Ok(catalog)
}
