//! The objectives catalog (`objectives.toml`): the number and official titles of every objective
//! of a report family, and examples of headings as reports print them.
//!
//! A bottom module: segmentation finds headings with it, extraction names objectives with it, the
//! audit compares printed titles with it, and the outputs list objectives in its order.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::RulesError;
use crate::patterns::read_toml;
use crate::textkey::fold_key;

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
        let catalog = Catalog {
            objectives: f.objective,
            examples: f.examples,
        };
        if catalog.examples.is_empty() {
            return Err(RulesError::new(
                path,
                "examples",
                "the catalog needs examples of headings as reports print them",
            ));
        }
        for (i, ex) in catalog.examples.iter().enumerate() {
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
