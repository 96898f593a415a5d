//! The objectives catalog (`objectives.toml`): the number and official titles of every objective
//! of a report family, and examples of headings as reports print them.
//!
//! A bottom module: segmentation finds headings with it, extraction names objectives with it, the
//! audit compares printed titles with it, and the outputs list objectives in its order.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::RulesError;
use crate::patterns::{compile_with_groups, read_toml, PatternSpec};
use crate::textkey::fold_key;

mod headings;

pub use headings::{HeadingMatch, HeadingRules, Style};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectivesFile {
    objective: Vec<Objective>,
    #[serde(default)]
    examples: Vec<HeadingExample>,
    headings: HeadingsSpec,
}

/// `[headings]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadingsSpec {
    max_lines: usize,
    max_blank_lines: usize,
    min_line_share: f64,
    min_number_title_share: f64,
    min_title_share: f64,
    min_styled_title_share: f64,
    title_opening_words: usize,
    min_objectives_for_style: usize,
    max_words: usize,
    head: PatternSpec,
}

/// One objective of the catalog.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub number: u32,
    /// Official Spanish title.
    pub es: String,
    /// Official English title.
    pub en: String,
}

/// A heading as a report prints it, with the objective it names and whether its title is the
/// catalog's (checked at load; the segmenter also checks that its heading rules accept it).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadingExample {
    pub heading: String,
    pub number: u32,
    pub same_title: bool,
}

/// The catalog of objectives of a profile.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub objectives: Vec<Objective>,
    pub examples: Vec<HeadingExample>,
    /// How headings name objectives.
    pub headings: HeadingRules,
    /// Every title (Spanish and English) in folded words, for heading matching.
    title_words: Vec<headings::TitleWords>,
    /// The printed words that open a title ([`headings::title_openers`]).
    title_openers: rustc_hash::FxHashSet<String>,
}

impl Catalog {
    /// Loads and checks `objectives.toml`: numbers unique, both titles present, examples agree.
    pub fn load(path: &Path) -> Result<Catalog, RulesError> {
        let f: ObjectivesFile = read_toml(path)?;
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
        let headings = heading_rules(path, f.headings)?;
        let titles: Vec<(u32, &str)> = f
            .objective
            .iter()
            .flat_map(|o| [(o.number, o.es.as_str()), (o.number, o.en.as_str())])
            .collect();
        let title_words = headings::title_words(&titles);
        let catalog = Catalog {
            objectives: f.objective,
            examples: f.examples,
            headings,
            title_openers: headings::title_openers(&title_words),
            title_words,
        };
        if catalog.examples.is_empty() {
            return Err(RulesError::new(
                path,
                "examples",
                "the catalog needs examples of headings as reports print them",
            ));
        }
        let run = crate::builtin::runs_examples(path);
        for (i, ex) in catalog.examples.iter().enumerate().filter(|_| run) {
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
        }
        Ok(catalog)
    }

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

fn heading_rules(path: &Path, h: HeadingsSpec) -> Result<HeadingRules, RulesError> {
    for (key, share) in [
        ("min_line_share", h.min_line_share),
        ("min_number_title_share", h.min_number_title_share),
        ("min_title_share", h.min_title_share),
        ("min_styled_title_share", h.min_styled_title_share),
    ] {
        if !(0.0..=1.0).contains(&share) {
            return Err(RulesError::new(
                path,
                &format!("headings.{key}"),
                "a share must be between 0 and 1",
            ));
        }
    }
    if h.max_lines == 0 || h.title_opening_words == 0 || h.min_objectives_for_style == 0 {
        return Err(RulesError::new(
            path,
            "headings",
            "max_lines, title_opening_words and min_objectives_for_style must be at least 1",
        ));
    }
    Ok(HeadingRules {
        head: compile_with_groups(path, "headings.head", h.head, &["number", "title"])?,
        max_lines: h.max_lines,
        max_blank_lines: h.max_blank_lines,
        min_line_share: h.min_line_share,
        min_number_title_share: h.min_number_title_share,
        min_title_share: h.min_title_share,
        min_styled_title_share: h.min_styled_title_share,
        title_opening_words: h.title_opening_words,
        min_objectives_for_style: h.min_objectives_for_style,
        max_words: h.max_words,
    })
}
