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

/// The windows the inputs of a run state, counted as their outcomes go by.
#[derive(Default)]
pub(super) struct WindowVotes {
    /// Inputs read.
    read: usize,
    /// Inputs stating each window by their own statement or title year.
    stated: BTreeMap<String, usize>,
}

impl WindowVotes {
    pub(super) fn add(&mut self, o: &InputOutcome) {
        self.read += usize::from(matches!(o.status, Status::Ok | Status::Review));
        if let (Some(w), Some(source)) = (&o.window, &o.window_source) {
            if source.starts_with("document") {
                *self.stated.entry(w.clone()).or_insert(0) += 1;
            }
        }
    }

    /// The window stated by most inputs read (more than half of them: a folder that mixes
    /// cycles has none), else the profile's: what the inputs that state none are audited
    /// against. `None` when the profile's window does not parse.
    pub(super) fn decide(self, rules: &Rules) -> Option<RunWindow> {
        let read = self.read;
        let majority = self.stated.into_iter().find(|&(_, n)| 2 * n > read);
        let profile = &rules.audit.own.window;
        let (window, source) = match majority {
            Some((w, inputs)) => (w, WindowSource::Majority { inputs }),
            None => (
                format!("{}..{}", profile.start, profile.end),
                WindowSource::Rules,
            ),
        };
        let parsed = Window::parse(&window).ok()?;
        Some(RunWindow {
            window,
            source,
            parsed,
        })
    }
}

/// The window of the run's inputs that state none.
pub(super) struct RunWindow {
    window: String,
    source: WindowSource,
    parsed: Window,
}

/// Whether an input's window came from no statement of its own (the profile's, or an earlier
/// run's majority when resuming).
fn states_no_window(o: &InputOutcome) -> bool {
    matches!(o.status, Status::Ok | Status::Review)
        && o.window_source
            .as_deref()
            .is_some_and(|s| s == WindowSource::Rules.code() || s.starts_with("majority"))
}

impl RunWindow {
    /// Gives an input that states no window the run's, its `period_outside_window` flags
    /// redone against it in its folder.
    pub(super) fn apply(&self, o: &mut InputOutcome, rules: &Rules) -> Result<(), OutputError> {
        if !states_no_window(o) {
            return Ok(());
        }
        let code = self.source.code();
        let unchanged = o.window.as_deref() == Some(self.window.as_str())
            && o.window_source.as_deref() == Some(code.as_str());
        let Some(dir) = o.output.clone().filter(|_| !unchanged) else {
            return Ok(());
        };
        let flags = rewindowed_flags(Path::new(&dir), rules, &self.parsed, self.source)?;
        o.flags = output::flag_counts(&flags);
        o.window = Some(self.window.clone());
        o.window_source = Some(code);
        Ok(())
    }
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
