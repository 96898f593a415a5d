//! The reporting window most inputs of a run state, for the inputs that state none: in a bulk
//! run the precedence is `--period` > the input's own statement > the window most submissions
//! state > the profile's `[window]`. The inputs that fell back on the profile have their
//! `period_outside_window` flags redone against the majority's window, in their own folders.

use std::collections::BTreeMap;
use std::path::Path;

use crate::audit::{self, CheckId, Flag, Window, WindowSource};
use crate::error::OutputError;
use crate::extract::ActionRecord;
use crate::output::{self, InputOutcome, Status};
use crate::Rules;

/// The window stated by most inputs read, by their own statement or title year (more than half
/// of them: a folder that mixes cycles has none), with how many state it.
fn majority_window(outcomes: &[InputOutcome]) -> Option<(String, usize)> {
    let read = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Ok | Status::Review))
        .count();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for o in outcomes {
        if let (Some(w), Some(source)) = (&o.window, &o.window_source) {
            if source.starts_with("document") {
                *counts.entry(w.as_str()).or_insert(0) += 1;
            }
        }
    }
    counts
        .into_iter()
        .find(|&(_, n)| 2 * n > read)
        .map(|(w, n)| (w.to_string(), n))
}

/// Whether an input's window came from no statement of its own (the profile's, or an earlier
/// run's majority when resuming).
fn states_no_window(o: &InputOutcome) -> bool {
    matches!(o.status, Status::Ok | Status::Review)
        && o.window_source
            .as_deref()
            .is_some_and(|s| s == WindowSource::Rules.code() || s.starts_with("majority"))
}

/// Gives the inputs that state no window the window most inputs state (else the profile's),
/// redoing their window flags where it changed (as when shards are merged).
pub(super) fn apply_majority_window(
    outcomes: &mut [InputOutcome],
    rules: &Rules,
) -> Result<(), OutputError> {
    let profile = &rules.audit.own.window;
    let (window, source) = match majority_window(outcomes) {
        Some((w, inputs)) => (w, WindowSource::Majority { inputs }),
        None => (
            format!("{}..{}", profile.start, profile.end),
            WindowSource::Rules,
        ),
    };
    let Ok(parsed) = Window::parse(&window) else {
        return Ok(());
    };
    for o in outcomes.iter_mut().filter(|o| states_no_window(o)) {
        let unchanged = o.window.as_deref() == Some(window.as_str())
            && o.window_source.as_deref() == Some(source.code().as_str());
        let Some(dir) = o.output.clone().filter(|_| !unchanged) else {
            continue;
        };
        let flags = rewindowed_flags(Path::new(&dir), rules, &parsed, source)?;
        o.flags = output::flag_counts(&flags);
        o.window = Some(window.clone());
        o.window_source = Some(source.code());
    }
    Ok(())
}

/// The input's flags with its `period_outside_window` flags redone against `window`, written
/// back into its folder.
fn rewindowed_flags(
    dir: &Path,
    rules: &Rules,
    window: &Window,
    source: WindowSource,
) -> Result<Vec<Flag>, OutputError> {
    let actions: Vec<ActionRecord> = output::read_jsonl(&dir.join("actions.jsonl"))?;
    let mut flags: Vec<Flag> = output::read_jsonl(&dir.join("flags.jsonl"))?;
    flags.retain(|f| f.kind != CheckId::PeriodOutsideWindow.as_str());
    let suffix = source.flag_suffix();
    for action in &actions {
        flags.extend(audit::outside_window_flags(
            action,
            &rules.audit,
            window,
            &suffix,
        ));
    }
    audit::sort_flags(&mut flags);
    output::write_flags(dir, &flags)?;
    Ok(flags)
}
