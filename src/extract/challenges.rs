//! Challenges (retos): the statements of a submission's "Retos" section, each classified into the
//! categories of `challenges.toml` (a statement may fall in several, or in none).

use std::path::Path;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::error::RulesError;
use crate::patterns::read_toml;
use crate::textkey::fold_key;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChallengesFile {
    category: Vec<CategorySpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategorySpec {
    id: String,
    name: String,
    patterns: Vec<String>,
    examples: Vec<String>,
}

/// One category of challenges.
#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub name: String,
    patterns: Vec<Regex>,
}

/// The compiled challenge rules.
#[derive(Debug, Clone)]
pub struct ChallengeRules {
    pub categories: Vec<Category>,
}

/// A challenge statement with its categories.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChallengeRecord {
    pub id: String,
    pub text: String,
    /// Category ids; empty when no category matches.
    pub categories: Vec<String>,
    pub submitter: Option<String>,
    pub provenance: super::Provenance,
}

impl ChallengeRules {
    pub fn load(path: &Path) -> Result<ChallengeRules, RulesError> {
        let f: ChallengesFile = read_toml(path)?;
        let mut categories = Vec::new();
        for (i, c) in f.category.into_iter().enumerate() {
            let mut patterns = Vec::new();
            for (j, p) in c.patterns.iter().enumerate() {
                patterns.push(Regex::new(p).map_err(|e| {
                    RulesError::new(
                        path,
                        &format!("category[{i}].patterns[{j}]"),
                        &format!("invalid regex: {e}"),
                    )
                })?);
            }
            if c.examples.is_empty() {
                return Err(RulesError::new(
                    path,
                    &format!("category[{i}].examples"),
                    "each category needs examples",
                ));
            }
            let cat = Category {
                id: c.id,
                name: c.name,
                patterns,
            };
            for ex in c
                .examples
                .iter()
                .filter(|_| crate::builtin::runs_examples(path))
            {
                if !cat.matches(ex) {
                    return Err(RulesError::new(
                        path,
                        &format!("category[{i}].examples"),
                        &format!("{:?} does not match category {}", ex, cat.id),
                    ));
                }
            }
            categories.push(cat);
        }
        Ok(ChallengeRules { categories })
    }

    /// The ids of the categories a statement falls in.
    pub fn classify(&self, text: &str) -> Vec<String> {
        self.categories
            .iter()
            .filter(|c| c.matches(text))
            .map(|c| c.id.clone())
            .collect()
    }

    pub fn name_of(&self, id: &str) -> Option<&str> {
        self.categories
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.as_str())
    }
}

impl Category {
    fn matches(&self, text: &str) -> bool {
        let folded = fold_key(text);
        self.patterns.iter().any(|p| p.is_match(&folded))
    }
}
