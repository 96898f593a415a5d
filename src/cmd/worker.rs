//! `informe worker --serve` (hidden): a worker process of `extract`'s pool, which passes every
//! option and then the inputs on stdin; the work itself is `informe::bulk::serve_main`.

use std::process::ExitCode;

use super::{PeriodArg, RulesArg};

/// Process inputs in isolation, given on stdin (used by `extract`; not for direct use).
#[derive(clap::Args)]
#[command(hide = true)]
#[command(mut_args(super::required("rules")))]
pub struct Args {
    /// Take inputs on stdin, one line each, until it closes (the only mode).
    #[arg(long, required = true)]
    serve: bool,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    period: PeriodArg,
    #[arg(long)]
    max_memory: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rules = args.rules.load()?;
    informe::bulk::serve_main(rules, args.period.period.as_ref(), args.max_memory)?;
    Ok(ExitCode::SUCCESS)
}
