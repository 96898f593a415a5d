//! The end of a run (extract or merge): the manifest rewritten in input order, the per-input
//! files concatenated into run-level files with the cross-file flags, `objectives.csv`,
//! `run.json` and the outputs for people (workbook, review page).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::crossfile::{NearDuplicates, ObjectiveCounts};
use super::{tool_version, Formats};
use crate::error::OutputError;
use crate::output::{self, InputOutcome, Inputs, RunSummary, Status};
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
    // The merged outcomes become the run's manifest, which the end of the run reads back.
    let manifest = out.join(MANIFEST);
    let mut spans = Vec::with_capacity(outcomes.len());
    let mut at = 0u64;
    output::write_atomic_with(&manifest, |w| {
        for o in &outcomes {
            let line = outcome_line(o).map_err(std::io::Error::other)?;
            w.write_all(line.as_bytes())?;
            spans.push((at, line.len() as u32));
            at += line.len() as u64;
        }
        Ok(())
    })?;
    drop(outcomes);
    finish_run(out, &spans, rules, Formats::ALL)
}

/// The run's list of outcomes, in its folder.
pub(super) const MANIFEST: &str = "manifest.jsonl";

/// Where one outcome's line is in the run's manifest: its offset and length in bytes.
pub(super) type Span = (u64, u32);

/// An outcome as a line of the manifest.
pub(super) fn outcome_line(o: &InputOutcome) -> Result<String, serde_json::Error> {
    let mut line = serde_json::to_string(o)?;
    line.push('\n');
    Ok(line)
}

/// The end of a run (extract or merge), whose outcomes are the lines of its manifest at `spans`
/// (in input order): the manifest rewritten to hold them alone, in that order, with the window
/// of the inputs that state none; the consolidated files, run.json and the review outputs.
/// Outcomes are read back from the manifest by each step, one at a time: the run's memory does
/// not grow with its inputs.
pub(super) fn finish_run(
    out: &Path,
    spans: &[Span],
    rules: &Rules,
    formats: Formats,
) -> Result<RunSummary, OutputError> {
    let manifest = out.join(MANIFEST);
    rewrite_manifest(&manifest, spans, rules)?;
    let inputs = crate::output::Inputs::in_lines(&manifest, spans.len());
    consolidate(out, &inputs, rules)?;
    let summary = RunSummary {
        tool: tool_version(),
        profile: rules.profile.clone(),
        out_dir: out.display().to_string(),
        inputs,
    };
    output::write_run(out, &summary)?;
    review_outputs(out, &summary, rules, formats)?;
    Ok(summary)
}

/// Rewrites the manifest to hold the outcomes at `spans`, in that order, each with the run's
/// window where it states none (see [`super::window`]).
fn rewrite_manifest(manifest: &Path, spans: &[Span], rules: &Rules) -> Result<(), OutputError> {
    use std::os::unix::fs::FileExt;
    let file = std::fs::File::open(manifest).map_err(|e| OutputError::read(manifest, e))?;
    let read = |&(at, len): &Span| -> Result<InputOutcome, OutputError> {
        let mut line = vec![0u8; len as usize];
        file.read_exact_at(&mut line, at)
            .map_err(|e| OutputError::read(manifest, e))?;
        serde_json::from_slice(&line).map_err(|e| {
            let e = std::io::Error::other(format!("at byte {at}: {e}"));
            OutputError::read(manifest, e)
        })
    };
    let mut votes = super::window::WindowVotes::default();
    for span in spans {
        votes.add(&read(span)?);
    }
    let window = votes.decide(rules);
    output::write_atomic_or(manifest, |rewritten| {
        for span in spans {
            let mut o = read(span)?;
            if let Some(w) = &window {
                w.apply(&mut o, rules)?;
            }
            let line = outcome_line(&o).map_err(|e| OutputError::write(manifest, e.into()))?;
            rewritten
                .write_all(line.as_bytes())
                .map_err(|e| OutputError::write(manifest, e))?;
        }
        Ok(())
    })
}

/// Concatenates the per-input outputs into run-level files, file by file (memory stays flat),
/// and adds the cross-file flags. Every input that succeeded has its files: one that is missing
/// or cannot be read, or an action line that does not parse, is an error naming the file.
fn consolidate(out: &Path, inputs: &Inputs, rules: &Rules) -> Result<(), OutputError> {
    let temp = || output::temp_in(out).map(BufWriter::new);
    let mut actions = temp()?;
    let mut flags = temp()?;
    let mut figures = temp()?;
    let mut challenges = temp()?;
    let mut figures_header = false;
    let mut per_objective = ObjectiveCounts::default();
    let read = |o: &InputOutcome| matches!(o.status, Status::Ok | Status::Review);
    // Copies across files need two files read (each action's line is parsed for it).
    let mut duplicates = match inputs.count(read)? {
        0 | 1 => None,
        _ => NearDuplicates::new(rules, out)?,
    };
    let mut lines = Vec::new();
    inputs.each(|o| {
        let Some(dir) = o.output.as_deref().map(Path::new).filter(|_| read(o)) else {
            return Ok(());
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
        })
    })?;
    if let Some(d) = duplicates {
        for flag in d.flags()? {
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
