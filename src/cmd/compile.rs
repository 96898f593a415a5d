//! `informe compile`: the cycle's summary tables and compendium from a run's output folder.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

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
    let (summary, flags) = informe::compile::compile(run, &rules, args.against.as_deref())
        .with_context(|| format!("compiling {}", run.display()))?;
    super::print_out(&format!(
        "{}: {} actions\n, {} objectives without actions, {} agencies, {} challenges without a category → resumen.md, resumen.csv, resumen.svg, compendio.docx, compendio.md",
        run.display(),
        summary.total_actions,
        summary.none.len(),
        summary.agencies.len(),
        summary.unmatched.len()
    ))?;
    for f in &flags {
        super::print_out(&format!("  {}: {}\n", f.kind, f.message))?;
    }
    Ok(ExitCode::SUCCESS)
}
