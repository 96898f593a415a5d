//! **informe** turns government progress reports into auditable records.
//!
//! The pipeline is a chain of plain functions, one module each, with serde types between them:
//!
//! ```text
//! file ──ingest──▶ Source ──normalize──▶ Document ──segment──▶ Segmented ──extract──▶ Extracted ──output──▶ files
//! ```
//!
//! - [`ingest`] reads bytes and decodes text (UTF-8/16, Windows-1252), keeping a byte map;
//! - [`normalize`] splits NFC lines that remember their file offsets;
//! - [`segment`] finds sections, objectives, actions, tables and footnotes;
//! - [`extract`] builds records with provenance;
//! - [`output`] writes JSONL/CSV atomically; [`report`] renders the terminal summary.
//!
//! ```
//! use std::path::Path;
//! let rules = informe::Rules::load(Path::new("rules/gcm")).unwrap();
//! let text = "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración.\n\
//!             ● Se atendieron 129,441 casos.\n";
//! let out = informe::process_bytes("ejemplo.txt", text.as_bytes(), &rules).unwrap();
//! assert_eq!(out.actions.len(), 1);
//! assert_eq!(out.actions[0].objective, 7);
//! assert_eq!(out.actions[0].provenance.line, 2);
//! ```

// Bottom modules, shared by the stages; they use no stage.
pub mod builtin;
pub mod catalog;
pub mod error;
pub mod garble;
pub mod gate;
pub mod geometry;
pub mod hash;
pub mod locale;
pub mod patterns;
#[cfg(test)]
mod testing;
pub mod textkey;

// The pipeline's stages (ingest → normalize → segment → extract → audit); each owns its rules
// type and uses only the stages before it (tests/integration/architecture.rs checks it).
pub mod audit;
pub mod extract;
pub mod ingest;
pub mod normalize;
pub mod segment;

// Reading a rules folder and handing each stage its part; the stages chained on one input.
pub mod pipeline;
pub mod profile;

// Outputs and runs.
pub mod bulk;
pub mod compile;
pub mod output;
pub mod report;
pub mod review;
pub mod workbook;

/// The rule types of every stage under one name, for users of the library.
pub mod rules {
    pub use crate::audit::AuditRules;
    pub use crate::catalog::{Catalog, Objective};
    pub use crate::extract::ExtractRules;
    pub use crate::ingest::IngestRules;
    pub use crate::normalize::HyphenJoin;
    pub use crate::patterns::{Pattern, PatternSpec};
    pub use crate::profile::Profile as Rules;
    pub use crate::segment::rules::{Layout, Placement, SegmentRules, TableKind};
}

pub use error::{InputError, OutputError, RulesError};
pub use extract::Extracted;
pub use pipeline::{process_bytes, process_file};
pub use profile::Profile as Rules;

pub use bulk::{collect_inputs, run, Input};
pub use output::flag_counts;
