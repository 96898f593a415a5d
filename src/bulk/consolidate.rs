//! The end of a run (extract or merge): the manifest rewritten in input order, the per-input
//! files concatenated into run-level files with the cross-file flags, `objectives.csv`,
//! `run.json` and the outputs for people (workbook, review page).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::crossfile::{NearDuplicates, ObjectiveCounts};
use super::{tool_version, Formats};
use crate::error::OutputError;
use crate::output::{self, InputOutcome, RunSummary, Status};
use crate::Rules;

/// Combines the output folders of shards into one: manifests, per-input folders (linked by
/// path), consolidated files and the cross-file audit. A folder without a readable
/// `manifest.jsonl`, or a manifest line that does not parse, is an error naming the file (and
/// the line).
pub fn merge(dirs: &[PathBuf], out: &Path, rules: &Rules) -> Result<RunSummary, OutputError> {
    let _lock = super::OutLock::acquire(out)?;
    let mut outcomes: Vec<InputOutcome> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for d in dirs {
        for o in output::read_jsonl::<InputOutcome>(&d.join("manifest.jsonl"))? {
            // An input listed by two shards (a skipped file is listed by every shard) once.
            if seen.insert((o.file.clone(), o.sha256.clone())) {
                outcomes.push(o);
            }
        }
    }
    outcomes.sort_by(|a, b| a.file.cmp(&b.file));
    finish_run(out, outcomes, rules, Formats::ALL)
}

/// The end of a run (extract or merge): the manifest (one line per input, in the order given),
/// the consolidated files, run.json and the review outputs.
pub(super) fn finish_run(
    out: &Path,
    mut outcomes: Vec<InputOutcome>,
    rules: &Rules,
    formats: Formats,
) -> Result<RunSummary, OutputError> {
    super::window::apply_majority_window(&mut outcomes, rules)?;
    output::write_atomic_with(&out.join("manifest.jsonl"), |w| {
        output::write_jsonl(w, &outcomes)
    })?;
    consolidate(out, &outcomes, rules)?;
    let summary = RunSummary {
        tool: tool_version(),
        profile: rules.profile.clone(),
        out_dir: out.display().to_string(),
        inputs: outcomes,
    };
    output::write_run(out, &summary)?;
    review_outputs(out, &summary, rules, formats)?;
    Ok(summary)
}

/// Concatenates the per-input outputs into run-level files, file by file (memory stays flat),
/// and adds the cross-file flags. Every input that succeeded has its files: one that is missing
/// or cannot be read, or an action line that does not parse, is an error naming the file.
fn consolidate(out: &Path, outcomes: &[InputOutcome], rules: &Rules) -> Result<(), OutputError> {
    let temp = || output::temp_in(out).map(BufWriter::new);
    let mut actions = temp()?;
    let mut flags = temp()?;
    let mut figures = temp()?;
    let mut challenges = temp()?;
    let mut figures_header = false;
    let mut per_objective = ObjectiveCounts::default();
    let read = || {
        outcomes
            .iter()
            .filter(|o| matches!(o.status, Status::Ok | Status::Review))
    };
    // Copies across files need two files read (each action's line is parsed for it).
    let mut duplicates = match read().nth(1) {
        Some(_) => NearDuplicates::new(rules, out)?,
        None => None,
    };
    let mut lines = Vec::new();
    for o in read() {
        let Some(dir) = o.output.as_deref().map(Path::new) else {
            continue;
        };
        // An input's action lines, kept for the cross-file check (one input's at a time).
        let path = dir.join("actions.jsonl");
        lines.clear();
        copy_lines(&path, &mut actions, out, |_, n, line| {
            if duplicates.is_some() {
                lines.push((n, line.to_string()));
            }
            Ok(true)
        })?;
        if let Some(d) = &mut duplicates {
            d.add_lines(&path, &lines)?;
        }
        per_objective.add(&o.per_objective);
        copy_lines(&dir.join("flags.jsonl"), &mut flags, out, |_, _, _| {
            Ok(true)
        })?;
        copy_lines(
            &dir.join("challenges.jsonl"),
            &mut challenges,
            out,
            |_, _, _| Ok(true),
        )?;
        // The header row once, from the first input.
        copy_lines(&dir.join("figures.csv"), &mut figures, out, |_, n, _| {
            Ok(n > 1 || !std::mem::replace(&mut figures_header, true))
        })?;
    }
    if let Some(d) = duplicates {
        for flag in d.flags(out)? {
            let line =
                serde_json::to_string(&flag).map_err(|e| OutputError::write(out, e.into()))?;
            writeln!(flags, "{line}").map_err(|e| OutputError::write(out, e))?;
        }
    }
    for (buffered, name) in [
        (actions, "actions.jsonl"),
        (flags, "flags.jsonl"),
        (figures, "figures.csv"),
        (challenges, "challenges.jsonl"),
    ] {
        let tmp = buffered
            .into_inner()
            .map_err(|e| OutputError::write(out, e.into_error()))?;
        output::publish(tmp, &out.join(name))?;
    }
    let mut csv = String::from("\u{FEFF}objective,title,actions,inputs_with_actions\n");
    for o in &rules.objectives.objectives {
        let (n, files) = per_objective.get(o.number);
        csv.push_str(&format!(
            "{},\"{}\",{n},{files}\n",
            o.number,
            output::csv_text(&o.es).replace('"', "\"\"")
        ));
    }
    output::write_atomic(&out.join("objectives.csv"), csv.as_bytes())
}

/// Appends the lines of the file `from` to `to` (a buffered temporary file in `out`), those for
/// which `keep(from, line number, line)` says so.
fn copy_lines(
    from: &Path,
    to: &mut impl Write,
    out: &Path,
    mut keep: impl FnMut(&Path, usize, &str) -> Result<bool, OutputError>,
) -> Result<(), OutputError> {
    let file = std::fs::File::open(from).map_err(|e| OutputError::read(from, e))?;
    for line in output::numbered_lines(from, std::io::BufReader::new(file)) {
        let (n, line) = line?;
        if keep(from, n, &line)? {
            writeln!(to, "{line}").map_err(|e| OutputError::write(out, e))?;
        }
    }
    Ok(())
}

/// The outputs for people (workbook, review page), then only the formats asked for.
fn review_outputs(
    out: &Path,
    run: &RunSummary,
    rules: &Rules,
    f: Formats,
) -> Result<(), OutputError> {
    // The workbook and the page read the same run files and write their own: side by side.
    let (workbook, page) = rayon::join(
        || f.xlsx.then(|| crate::workbook::write_workbook(out, run)),
        || f.html.then(|| crate::review::write_review(out, run, rules)),
    );
    workbook.transpose()?;
    page.transpose()?;
    let drop = |names: &[&str]| {
        for n in names {
            let path = out.join(n);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(OutputError::write(&path, e));
                }
                _ => {}
            }
        }
        Ok(())
    };
    if !f.jsonl {
        drop(&["actions.jsonl", "flags.jsonl"])?;
    }
    if !f.csv {
        drop(&["figures.csv", "objectives.csv"])?;
    }
    Ok(())
}
