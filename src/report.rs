//! The terminal report: a short summary of a run, rendered as text for the binary to print.
//! The library computes; this module formats; only `main` writes to the terminal.

use std::fmt::Write;

use crate::audit::{Flag, Severity};
use crate::output::{RunSummary, Status};
use crate::Rules;

/// Renders the run summary: per input, actions per objective, objectives with none, warnings;
/// then the failures and a closing count.
pub fn summary(run: &RunSummary, rules: &Rules) -> String {
    let mut s = String::new();
    // Many inputs: one line each, then the objectives across all of them.
    let compact = run.inputs.len() > 5;
    for input in &run.inputs {
        if input.status == Status::Review {
            let _ = writeln!(
                s,
                "REVIEW {}: {}",
                input.file,
                input.error.as_deref().unwrap_or("")
            );
        }
        match input.status {
            Status::Ok | Status::Review if compact => {
                let _ = writeln!(
                    s,
                    "{}: {} actions, {} figures{}",
                    input.file,
                    input.actions,
                    input.figures,
                    input
                        .submitter
                        .as_deref()
                        .map_or(String::new(), |a| format!(" ({a})"))
                );
            }
            Status::Ok | Status::Review => {
                let _ = writeln!(
                    s,
                    "{}: {} actions, {} figures, {} periods, {} agency mentions → {}",
                    input.file,
                    input.actions,
                    input.figures,
                    input.periods,
                    input.agencies,
                    input.output.as_deref().unwrap_or("")
                );
                let _ = writeln!(s, "  obj  actions  title");
                for o in &rules.objectives.objectives {
                    let n = input.per_objective.get(&o.number).copied().unwrap_or(0);
                    let mark = if input.no_activities.contains(&o.number) {
                        "  (no activities reported)"
                    } else if input.missing_headings.contains(&o.number) {
                        "  (no heading in file)"
                    } else {
                        ""
                    };
                    let _ = writeln!(s, "  {:>3}  {:>7}  {}{mark}", o.number, n, short(&o.es, 60));
                }
                let none: Vec<String> = input
                    .per_objective
                    .iter()
                    .filter(|(_, &n)| n == 0)
                    .map(|(k, _)| k.to_string())
                    .collect();
                if !none.is_empty() {
                    let _ = writeln!(s, "  objectives with no actions: {}", none.join(", "));
                }
                if !input.flags.is_empty() {
                    let total: usize = input.flags.values().sum();
                    let _ = writeln!(s, "  {total} audit flags (flags.jsonl, flags.csv):");
                    for (kind, n) in &input.flags {
                        let _ = writeln!(s, "    {n:>4}  {kind}");
                    }
                }
                if !input.warnings.is_empty() {
                    let _ = writeln!(s, "  {} warnings:", input.warnings.len());
                    for w in input.warnings.iter().take(WARNINGS_SHOWN) {
                        let _ = writeln!(s, "    {w}");
                    }
                    if input.warnings.len() > WARNINGS_SHOWN {
                        let _ = writeln!(
                            s,
                            "    … and {} more (elements.json)",
                            input.warnings.len() - WARNINGS_SHOWN
                        );
                    }
                }
            }
            Status::Failed => {
                let _ = writeln!(s, "FAILED {}", input.error.as_deref().unwrap_or(""));
            }
            Status::Skipped => {
                let _ = writeln!(s, "skipped {}", input.error.as_deref().unwrap_or(""));
            }
        }
    }
    if compact {
        let _ = writeln!(s, "  obj  actions  title (all inputs)");
        for o in &rules.objectives.objectives {
            let n: usize = run
                .inputs
                .iter()
                .map(|i| i.per_objective.get(&o.number).copied().unwrap_or(0))
                .sum();
            let _ = writeln!(s, "  {:>3}  {:>7}  {}", o.number, n, short(&o.es, 60));
        }
    }
    let ok = run.inputs.iter().filter(|i| i.status == Status::Ok).count();
    let skipped = run
        .inputs
        .iter()
        .filter(|i| i.status == Status::Skipped)
        .count();
    let actions: usize = run.inputs.iter().map(|i| i.actions).sum();
    let figures: usize = run.inputs.iter().map(|i| i.figures).sum();
    let review = run.to_review();
    let to_review = if review > 0 {
        format!(", {review} to review")
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "{} inputs: {ok} ok{to_review}, {} failed, {skipped} skipped; {actions} actions, {figures} figures; run written to {}/run.json",
        run.inputs.len(),
        run.failed(),
        run.out_dir
    );
    s
}

/// Warnings of an input shown on the terminal; the rest are in its elements.json.
const WARNINGS_SHOWN: usize = 5;

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// The flags of one file, grouped by severity, as a terminal table.
pub fn flags_table(file: &str, flags: &[Flag]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{file}: {} flags", flags.len());
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let group: Vec<&Flag> = flags.iter().filter(|f| f.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "\n{} ({})",
            severity.as_str().to_uppercase(),
            group.len()
        );
        let _ = writeln!(s, "  {:<26} {:>3} {:>6}  message", "kind", "obj", "line");
        for f in group {
            let obj = f.objective.map_or("-".to_string(), |n| n.to_string());
            let line = f
                .provenance
                .as_ref()
                .map_or("-".to_string(), |p| p.line.to_string());
            let _ = writeln!(s, "  {:<26} {obj:>3} {line:>6}  {}", f.kind, f.message);
        }
    }
    s
}

/// Progress for the terminal: a bar (files done/total, pages, rate, ETA, failures) when stderr is
/// a terminal; otherwise a line every 50 files; nothing when `quiet`.
pub fn progress(quiet: bool) -> Box<dyn crate::bulk::Progress> {
    use std::io::IsTerminal;
    if quiet {
        Box::new(crate::bulk::Silent)
    } else if std::io::stderr().is_terminal() {
        Box::new(Bar::default())
    } else {
        Box::new(Lines::default())
    }
}

#[derive(Default)]
struct Bar {
    bar: std::sync::OnceLock<indicatif::ProgressBar>,
    pages: std::sync::atomic::AtomicUsize,
    failed: std::sync::atomic::AtomicUsize,
}

impl crate::bulk::Progress for Bar {
    fn start(&self, total: usize) {
        let bar = indicatif::ProgressBar::new(total as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:30} {pos}/{len} files  {msg}  {rate}  ETA {eta}",
        ) {
            // One decimal ("14.6 files/s"), where indicatif's {per_sec} prints "14.6371/s".
            bar.set_style(style.with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.1} files/s", state.per_sec());
                },
            ));
        }
        let _ = self.bar.set(bar);
    }
    fn file_done(&self, o: &crate::output::InputOutcome) {
        use std::sync::atomic::Ordering::Relaxed;
        let pages = self.pages.fetch_add(o.pages.unwrap_or(0), Relaxed) + o.pages.unwrap_or(0);
        let failed = self
            .failed
            .fetch_add(usize::from(o.status == Status::Failed), Relaxed)
            + usize::from(o.status == Status::Failed);
        if let Some(b) = self.bar.get() {
            b.set_message(format!("{pages} pages, {failed} failed"));
            b.inc(1);
        }
    }
    fn finish(&self) {
        if let Some(b) = self.bar.get() {
            b.finish_and_clear();
        }
    }
}

#[derive(Default)]
struct Lines {
    total: std::sync::atomic::AtomicUsize,
    done: std::sync::atomic::AtomicUsize,
    failed: std::sync::atomic::AtomicUsize,
}

impl crate::bulk::Progress for Lines {
    fn start(&self, total: usize) {
        self.total
            .store(total, std::sync::atomic::Ordering::Relaxed);
    }
    fn file_done(&self, o: &crate::output::InputOutcome) {
        use std::sync::atomic::Ordering::Relaxed;
        let done = self.done.fetch_add(1, Relaxed) + 1;
        let failed = self
            .failed
            .fetch_add(usize::from(o.status == Status::Failed), Relaxed)
            + usize::from(o.status == Status::Failed);
        if done.is_multiple_of(50) {
            eprintln!(
                "informe: {done}/{} files, {failed} failed",
                self.total.load(Relaxed)
            );
        }
    }
}
