//! A profile: a folder of rule files (`rules/gcm/`) read once and handed out, each stage its part.
//!
//! - `layout.toml`: line patterns for bullets, headings, footnotes, page starts and tables
//!   (segment), the objective heading pattern the PDF reader also uses (ingest);
//! - `objectives.toml`: the catalog of objectives (number, Spanish and English titles);
//! - `figures.toml`, `periods.toml`, `agencies.toml`, `challenges.toml`: extraction's lexicons;
//! - `audit.toml`: the audit checks (on/off, severity, parameters), the reporting window and how a
//!   report states its counts.
//!
//! Each stage defines and loads its own rules type ([`IngestRules`], [`SegmentRules`],
//! [`ExtractRules`], [`AuditRules`]); this module only reads the folder and wires them. Loading is
//! strict, as linters do it: unknown keys are errors, every regex is compiled and, for a profile
//! on disk, every pattern's examples (`match` / `no_match`) are run at load. A failure names the
//! file and the key, e.g. `rules/gcm/layout.toml: bullets.bullet.pattern: …`. The built-in
//! profile's examples are run by `informe check-rules` and the tests, not at every start
//! ([`crate::builtin::runs_examples`]).
//!
//! ```
//! let rules = informe::Rules::load(std::path::Path::new("rules/gcm")).unwrap();
//! assert!(rules.segment.layout.bullet.is_match("● El Anuario de Migración y Remesas"));
//! assert_eq!(rules.objectives.resolve(13).unwrap().number, 13);
//! ```

use std::path::{Path, PathBuf};

use crate::audit::{AuditRules, OwnAuditRules};
use crate::catalog::Catalog;
use crate::error::RulesError;
use crate::extract::ExtractRules;
use crate::ingest::IngestRules;
use crate::segment::SegmentRules;

/// The rule files of a profile, in the order they are fingerprinted.
pub const RULE_FILES: [&str; 7] = [
    "layout.toml",
    "objectives.toml",
    "figures.toml",
    "periods.toml",
    "agencies.toml",
    "audit.toml",
    "challenges.toml",
];

/// All the rules of one profile, each stage's part apart.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The profile folder they came from.
    pub dir: PathBuf,
    /// Profile name (the folder's name), recorded in outputs.
    pub profile: String,
    /// SHA-256 over the profile's rule files: `--resume` redoes inputs processed with other rules.
    pub fingerprint: String,
    pub ingest: IngestRules,
    pub segment: SegmentRules,
    pub extract: ExtractRules,
    pub audit: AuditRules,
    /// The objectives catalog (also inside the segment, extract and audit rules).
    pub objectives: Catalog,
}

impl Profile {
    /// The `gcm` profile built into the binary ([`crate::builtin`]).
    pub fn builtin() -> Result<Profile, RulesError> {
        Profile::load(Path::new(crate::builtin::DIR))
    }

    /// Loads, compiles and checks every rule file of the profile in `dir` (or the built-in one,
    /// when `dir` is [`crate::builtin::DIR`]).
    pub fn load(dir: &Path) -> Result<Profile, RulesError> {
        check_folder(dir)?;
        let profile = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "rules".to_string());
        let objectives = Catalog::load(&dir.join("objectives.toml"))?;
        // The files compile on all cores: most of the cost is compiling regexes, each on its own.
        let (((segment, ingest), own_audit), extract) = rayon::join(
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || SegmentRules::load_with(dir, &profile, objectives.clone()),
                            || IngestRules::load(&dir.join("layout.toml")),
                        )
                    },
                    || OwnAuditRules::load(&dir.join("audit.toml")),
                )
            },
            || ExtractRules::load(dir, objectives.clone(), &profile),
        );
        // Errors in the order the files were loaded one after another.
        let (segment, ingest, extract) = (segment?, ingest?, extract?);
        let audit = AuditRules::with(own_audit?, &extract);
        Ok(Profile {
            dir: dir.to_path_buf(),
            fingerprint: fingerprint(dir)?,
            profile,
            ingest,
            segment,
            extract,
            audit,
            objectives,
        })
    }

    /// Compiles what the rules otherwise compile on first use (the built-in challenge
    /// patterns): a run calls it before it forks its workers, so that none compiles them again.
    pub fn compile_all(&self) {
        self.extract.challenges.compile_all();
    }
}

/// Only what the reader needs (`layout.toml`'s heading pattern and PDF thresholds), for `informe
/// text`: about 0.5 ms, where [`Profile::load`], which compiles every extraction pattern, takes
/// about 20 ms on two cores.
pub fn load_ingest(dir: &Path) -> Result<IngestRules, RulesError> {
    check_folder(dir)?;
    IngestRules::load(&dir.join("layout.toml"))
}

fn check_folder(dir: &Path) -> Result<(), RulesError> {
    if !dir.is_dir() && !crate::builtin::is_builtin(dir) {
        return Err(RulesError::new(
            dir,
            "",
            "not a rules folder (expected a folder such as rules/gcm holding layout.toml and objectives.toml; pass another with --rules)",
        ));
    }
    Ok(())
}

/// SHA-256 over the names and bytes of the rule files.
fn fingerprint(dir: &Path) -> Result<String, RulesError> {
    let mut all = Vec::new();
    for name in RULE_FILES {
        let path = dir.join(name);
        let text = crate::builtin::read_rule_file(&path)
            .map_err(|e| RulesError::new(&path, "", &format!("cannot read rule file: {e}")))?;
        all.extend_from_slice(name.as_bytes());
        all.extend(text.into_bytes());
    }
    Ok(crate::hash::sha256_hex(&all))
}

impl AsRef<AuditRules> for Profile {
    fn as_ref(&self) -> &AuditRules {
        &self.audit
    }
}
