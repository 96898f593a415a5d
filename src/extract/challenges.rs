//! Challenges (retos): the statements of a submission's "Retos" section, each classified into the
//! categories of `challenges.toml` (a statement may fall in several, or in none).

use std::path::Path;
use std::sync::OnceLock;

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
    /// The patterns as written.
    specs: Vec<String>,
    /// The patterns compiled, on first use (see [`ChallengeRules::load`]).
    patterns: OnceLock<Vec<Regex>>,
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
    /// Loads `challenges.toml`. Most files have no section of challenges, so the patterns of the
    /// built-in profile (which `check-rules` and the tests compile and check) are compiled on
    /// first use: about a tenth of loading the rules (11 M instructions) that a run on the 2021
    /// report never used. A profile on disk (one being edited) has its patterns compiled and
    /// its examples run here, so that a broken one fails at load naming its key.
    pub fn load(path: &Path) -> Result<ChallengeRules, RulesError> {
        Self::load_with(path, crate::builtin::runs_examples(path))
    }

    /// [`ChallengeRules::load`]; `eager` compiles the patterns and runs the examples now.
    fn load_with(path: &Path, eager: bool) -> Result<ChallengeRules, RulesError> {
        let f: ChallengesFile = read_toml(path)?;
        let mut categories = Vec::new();
        for (i, c) in f.category.into_iter().enumerate() {
            let patterns = OnceLock::new();
            if eager {
                let mut compiled = Vec::new();
                for (j, p) in c.patterns.iter().enumerate() {
                    compiled.push(Regex::new(p).map_err(|e| {
                        RulesError::new(
                            path,
                            &format!("category[{i}].patterns[{j}]"),
                            &format!("invalid regex: {e}"),
                        )
                    })?);
                }
                let _ = patterns.set(compiled);
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
                specs: c.patterns,
                patterns,
            };
            for ex in c.examples.iter().filter(|_| eager) {
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

    /// Compiles every pattern not compiled yet: before the run forks its workers, so that none
    /// compiles them again.
    pub fn compile_all(&self) {
        for c in &self.categories {
            c.patterns();
        }
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
        self.patterns().iter().any(|p| p.is_match(&folded))
    }

    /// The compiled patterns. A built-in profile's all compile (the tests compile and check
    /// them); one that did not would be left out rather than fail an input.
    fn patterns(&self) -> &[Regex] {
        self.patterns.get_or_init(|| {
            self.specs
                .iter()
                .filter_map(|p| Regex::new(p).ok())
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_patterns_compile_on_first_use_and_classify_as_loaded_ones() {
        let on_disk = ChallengeRules::load(Path::new("rules/gcm/challenges.toml")).unwrap();
        // As a run loads them (the tests may have asked for the built-in examples to run).
        let built_in_file = Path::new(crate::builtin::DIR).join("challenges.toml");
        let built_in = ChallengeRules::load_with(&built_in_file, false).unwrap();
        assert!(on_disk
            .categories
            .iter()
            .all(|c| c.patterns.get().is_some()));
        assert!(built_in
            .categories
            .iter()
            .all(|c| c.patterns.get().is_none()));
        let file: ChallengesFile =
            read_toml(Path::new("rules/gcm/challenges.toml")).expect("the file reads");
        let mut statements: Vec<&str> = file
            .category
            .iter()
            .flat_map(|c| c.examples.iter().map(String::as_str))
            .collect();
        statements.push("Sin retos que reportar en este periodo.");
        let mut classified = 0;
        for s in statements {
            let ids = on_disk.classify(s);
            assert_eq!(built_in.classify(s), ids, "{s}");
            classified += usize::from(!ids.is_empty());
        }
        assert!(classified > 10, "{classified}");
        built_in.compile_all();
        assert!(built_in
            .categories
            .iter()
            .all(|c| c.patterns.get().is_some()));
    }

    #[test]
    fn a_bad_pattern_fails_at_load_naming_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("challenges.toml");
        std::fs::write(
            &path,
            "[[category]]\nid = \"x\"\nname = \"X\"\npatterns = [\"ok\", \"(\"]\nexamples = [\"ok\"]\n",
        )
        .unwrap();
        let e = ChallengeRules::load(&path).unwrap_err().to_string();
        assert!(
            e.contains("category[0].patterns[1]") && e.contains("invalid regex"),
            "{e}"
        );
    }
}
