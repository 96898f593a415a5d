//! `informe worker` (hidden): one input processed in isolation, for `extract`'s scheduler, which
//! passes every option; the work itself is `informe::bulk::worker_main`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{OutArg, PeriodArg, RulesArg};

/// Process one input in isolation (used by `extract`; not for direct use).
#[derive(clap::Args)]
#[command(hide = true)]
#[command(mut_args(super::required("rules")))]
#[command(mut_args(super::required("out")))]
pub struct Args {
    file: PathBuf,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    out: OutArg,
    #[command(flatten)]
    period: PeriodArg,
    #[arg(long)]
    max_memory: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rules = args.rules.load()?;
    informe::bulk::worker_main(
        &args.file,
        &args.out.out,
        &rules,
        args.period.period.as_ref(),
        args.max_memory,
    )?;
    Ok(ExitCode::SUCCESS)
}
