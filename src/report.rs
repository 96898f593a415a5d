//! The terminal report: a short summary of a run, rendered as text for the binary to print.
//! The library computes; this module formats; only `main` writes to the terminal.

use std::fmt::Write;

use crate::audit::{kind_label_es, Flag, Severity};
use crate::error::OutputError;
use crate::locale::Lang;
use crate::output::{InputOutcome, RunSummary, Status};
use crate::Rules;

/// Renders the run summary in `lang`: per input, actions per objective, objectives with none,
/// warnings; then the failures and a closing count.
pub fn summary(run: &RunSummary, rules: &Rules, lang: Lang) -> Result<String, OutputError> {
    let t = |en: &'static str, es: &'static str| lang.pick(en, es);
    let mut s = String::new();
    // Many inputs: one line each, then the objectives across all of them.
    let compact = run.inputs.len() > 5;
    let mut all = Totals::default();
    run.inputs.each(|input| {
        all.add(input);
        let error = error_in(input, lang);
        if input.status == Status::Review {
            let _ = writeln!(s, "{} {}: {error}", t("REVIEW", "REVISAR"), input.file);
        }
        match input.status {
            Status::Ok | Status::Review if compact => {
                let _ = writeln!(
                    s,
                    "{}: {} {}, {} {}{}",
                    input.file,
                    input.actions,
                    t("actions", "acciones"),
                    input.figures,
                    t("figures", "cifras"),
                    input
                        .submitter
                        .as_deref()
                        .map_or(String::new(), |a| format!(" ({a})"))
                );
            }
            Status::Ok | Status::Review => input_details(&mut s, input, rules, lang),
            Status::Failed => {
                let _ = writeln!(s, "{} {error}", t("FAILED", "FALLÓ"));
            }
            Status::Skipped => {
                let _ = writeln!(s, "{} {error}", t("skipped", "omitido"));
            }
        }
        Ok(())
    })?;
    if compact {
        let _ = writeln!(
            s,
            "  obj  {}",
            t(
                "actions  title (all inputs)",
                "acciones  título (todas las entradas)"
            )
        );
        for o in &rules.objectives.objectives {
            let n = all.per_objective.get(&o.number).copied().unwrap_or(0);
            let _ = writeln!(s, "  {:>3}  {:>7}  {}", o.number, n, short(&o.es, 60));
        }
    }
    let Totals {
        ok,
        skipped,
        failed,
        review,
        actions,
        figures,
        ..
    } = all;
    let (inputs, out) = (run.inputs.len(), &run.out_dir);
    let _ = match lang {
        Lang::En => writeln!(
            s,
            "{inputs} inputs: {ok} ok{}, {failed} failed, {skipped} skipped; {actions} actions, {figures} figures; run written to {out}/run.json",
            to_review(review, "to review")
        ),
        Lang::Es => writeln!(
            s,
            "{inputs} entradas: {ok} bien{}, {failed} fallidas, {skipped} omitidas; {actions} acciones, {figures} cifras; corrida escrita en {out}/run.json",
            to_review(review, "por revisar")
        ),
    };
    Ok(s)
}

/// What the summary counts over a run's inputs.
#[derive(Default)]
struct Totals {
    ok: usize,
    skipped: usize,
    failed: usize,
    review: usize,
    actions: usize,
    figures: usize,
    per_objective: std::collections::BTreeMap<u32, usize>,
}

impl Totals {
    fn add(&mut self, input: &InputOutcome) {
        match input.status {
            Status::Ok => self.ok += 1,
            Status::Skipped => self.skipped += 1,
            Status::Failed => self.failed += 1,
            Status::Review => self.review += 1,
        }
        self.actions += input.actions;
        self.figures += input.figures;
        for (n, c) in &input.per_objective {
            *self.per_objective.entry(*n).or_insert(0) += c;
        }
    }
}

/// ", 3 to review" when some inputs are to review, else nothing.
fn to_review(review: usize, words: &str) -> String {
    if review > 0 {
        format!(", {review} {words}")
    } else {
        String::new()
    }
}

/// An input's failure, skip or review reason in `lang` (the English one where an older run
/// has no Spanish).
fn error_in(input: &InputOutcome, lang: Lang) -> &str {
    let es = input.error_es.as_deref().filter(|_| lang == Lang::Es);
    es.or(input.error.as_deref()).unwrap_or("")
}

/// A key of an outcome's flag counts (`warning/irregular_number`) in Spanish
/// (`advertencia · Número irregular`).
fn flag_key_es(key: &str) -> String {
    let (severity, kind) = key.split_once('/').unwrap_or(("", key));
    let severity = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .find(|s| s.as_str() == severity)
        .map_or(severity, |s| s.label_es());
    format!("{severity} · {}", kind_label_es(kind))
}

/// One input read, in full: its counts, actions per objective, flags and warnings.
fn input_details(s: &mut String, input: &InputOutcome, rules: &Rules, lang: Lang) {
    let t = |en: &'static str, es: &'static str| lang.pick(en, es);
    let _ = writeln!(
        s,
        "{}: {} {}, {} {}, {} {}, {} {} → {}",
        input.file,
        input.actions,
        t("actions", "acciones"),
        input.figures,
        t("figures", "cifras"),
        input.periods,
        t("periods", "periodos"),
        input.agencies,
        t("agency mentions", "menciones de dependencias"),
        input.output.as_deref().unwrap_or("")
    );
    let _ = writeln!(s, "  obj  {}", t("actions  title", "acciones  título"));
    for o in &rules.objectives.objectives {
        let n = input.per_objective.get(&o.number).copied().unwrap_or(0);
        let mark = if input.no_activities.contains(&o.number) {
            t(
                "  (no activities reported)",
                "  (sin actividades reportadas)",
            )
        } else if input.missing_headings.contains(&o.number) {
            t("  (no heading in file)", "  (sin encabezado en el archivo)")
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
        let _ = writeln!(
            s,
            "  {}: {}",
            t("objectives with no actions", "objetivos sin acciones"),
            none.join(", ")
        );
    }
    if !input.flags.is_empty() {
        let total: usize = input.flags.values().sum();
        let _ = writeln!(
            s,
            "  {total} {} (flags.jsonl, flags.csv):",
            t("audit flags", "alertas de auditoría")
        );
        for (kind, n) in &input.flags {
            match lang {
                Lang::En => writeln!(s, "    {n:>4}  {kind}"),
                Lang::Es => writeln!(s, "    {n:>4}  {}", flag_key_es(kind)),
            }
            .unwrap_or(());
        }
    }
    let warnings = match lang {
        Lang::Es if input.warnings_es.len() == input.warnings.len() => &input.warnings_es,
        _ => &input.warnings,
    };
    if !warnings.is_empty() {
        let _ = writeln!(s, "  {} {}:", warnings.len(), t("warnings", "avisos"));
        for w in warnings.iter().take(WARNINGS_SHOWN) {
            let _ = writeln!(s, "    {w}");
        }
        if warnings.len() > WARNINGS_SHOWN {
            let more = warnings.len() - WARNINGS_SHOWN;
            let _ = writeln!(
                s,
                "    … {} {more} {} (elements.json)",
                t("and", "y"),
                t("more", "más")
            );
        }
    }
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

/// The flags of one file, grouped by severity, as a terminal table in `lang` (the kind column
/// keeps the machine code, the message is Spanish in both).
pub fn flags_table(file: &str, flags: &[Flag], lang: Lang) -> String {
    let t = |en: &'static str, es: &'static str| lang.pick(en, es);
    let mut s = String::new();
    let _ = writeln!(s, "{file}: {} {}", flags.len(), t("flags", "alertas"));
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let group: Vec<&Flag> = flags.iter().filter(|f| f.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let name = lang.pick(severity.as_str(), severity.label_es());
        let _ = writeln!(s, "\n{} ({})", name.to_uppercase(), group.len());
        let _ = writeln!(
            s,
            "  {:<26} {:>3} {:>6}  {}",
            t("kind", "tipo"),
            "obj",
            t("line", "línea"),
            t("message", "mensaje")
        );
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
pub fn progress(quiet: bool, lang: Lang) -> Box<dyn crate::bulk::Progress> {
    use std::io::IsTerminal;
    if quiet {
        Box::new(crate::bulk::Silent)
    } else if std::io::stderr().is_terminal() {
        Box::new(Bar {
            lang: Some(lang),
            ..Bar::default()
        })
    } else {
        Box::new(Lines {
            lang: Some(lang),
            ..Lines::default()
        })
    }
}

#[derive(Default)]
struct Bar {
    lang: Option<Lang>,
    bar: std::sync::OnceLock<indicatif::ProgressBar>,
    pages: std::sync::atomic::AtomicUsize,
    failed: std::sync::atomic::AtomicUsize,
}

impl Bar {
    fn lang(&self) -> Lang {
        self.lang.unwrap_or(Lang::En)
    }
}

impl crate::bulk::Progress for Bar {
    fn start(&self, total: usize) {
        let bar = indicatif::ProgressBar::new(total as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(self.lang().pick(
            "{bar:30} {pos}/{len} files  {msg}  {rate}  ETA {eta}",
            "{bar:30} {pos}/{len} archivos  {msg}  {rate}  faltan {eta}",
        )) {
            let per_second = self.lang().pick("files/s", "archivos/s");
            // One decimal ("14.6 files/s"), where indicatif's {per_sec} prints "14.6371/s".
            bar.set_style(style.with_key(
                "rate",
                move |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.1} {per_second}", state.per_sec());
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
            b.set_message(match self.lang() {
                Lang::En => format!("{pages} pages, {failed} failed"),
                Lang::Es => format!("{pages} páginas, {failed} fallidos"),
            });
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
    lang: Option<Lang>,
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
            let total = self.total.load(Relaxed);
            match self.lang.unwrap_or(Lang::En) {
                Lang::En => eprintln!("informe: {done}/{total} files, {failed} failed"),
                Lang::Es => eprintln!("informe: {done}/{total} archivos, {failed} fallidos"),
            }
        }
    }
}
