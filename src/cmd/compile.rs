//! `informe compile`: the cycle's summary tables and compendium from a run's output folder.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use informe::locale::Lang;

use super::RulesArg;

/// Compile the cycle's summary tables (resumen.md/.csv/.svg) and compendium
/// (compendio.docx/.md) from a run's output folder.
#[derive(clap::Args)]
pub struct Args {
    /// The output folder of `informe extract` (or `informe merge`).
    run: PathBuf,
    #[command(flatten)]
    rules: RulesArg,
    /// A published report to compare with what the submissions contain.
    #[arg(long)]
    against: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rules = args.rules.load()?;
    let run = &args.run;
    let (summary, flags) = informe::compile::compile(run, rules, args.against.as_deref())
        .with_context(|| format!("{} {}", super::tr("compiling", "compilando"), run.display()))?;
    let (shown, actions, none, agencies, unmatched) = (
        run.display(),
        summary.total_actions,
        summary.none.len(),
        summary.agencies.len(),
        summary.unmatched.len(),
    );
    let files = "resumen.md, resumen.csv, resumen.svg, compendio.docx, compendio.md";
    super::print_out(&match super::lang() {
        Lang::En => format!(
            "{shown}: {actions} actions, {none} objectives without actions, {agencies} agencies, {unmatched} challenges without a category → {files}\n"
        ),
        Lang::Es => format!(
            "{shown}: {actions} acciones, {none} objetivos sin acciones, {agencies} dependencias, {unmatched} retos sin categoría → {files}\n"
        ),
    })?;
    for f in &flags {
        let kind = match super::lang() {
            Lang::En => f.kind.clone(),
            Lang::Es => informe::audit::kind_label_es(&f.kind),
        };
        super::print_out(&format!("  {kind}: {}\n", f.message))?;
    }
    Ok(ExitCode::SUCCESS)
}
