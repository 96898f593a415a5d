//! The pipeline on one input: ingest → normalize → segment → extract, each stage with its part of
//! the profile. The audit and the outputs run on the result (see [`crate::bulk`]).

use std::path::Path;

use crate::error::InputError;
use crate::extract::{self, Extracted};
use crate::profile::Profile;
use crate::{ingest, normalize, segment};

/// Runs the whole pipeline on one file.
pub fn process_file(path: &Path, rules: &Profile) -> Result<Extracted, InputError> {
    let source = ingest::ingest(path, &rules.ingest)?;
    finish(source, rules)
}

/// Runs the whole pipeline on bytes in memory; `name` stands for the file in provenance.
pub fn process_bytes(name: &str, bytes: &[u8], rules: &Profile) -> Result<Extracted, InputError> {
    let source = ingest::ingest_bytes(name, bytes, &rules.ingest)?;
    finish(source, rules)
}

fn finish(source: ingest::Source, rules: &Profile) -> Result<Extracted, InputError> {
    let doc = normalize::normalize(&source);
    let seg = segment::segment(&doc, &rules.segment);
    if seg.objectives.is_empty() {
        return Err(InputError::NoObjectives {
            path: source.file.clone(),
            lines: doc.lines.len(),
            rules: rules.dir.join("objectives.toml").display().to_string(),
        });
    }
    Ok(extract::extract(&doc, &seg, &rules.extract))
}
