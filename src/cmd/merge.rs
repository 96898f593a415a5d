//! `informe merge`: the output folders of shards (or runs) combined into one data set.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::{OutArg, RulesArg};

/// Combine the output folders of shards (or runs) into one data set, with the cross-file audit.
#[derive(clap::Args)]
#[command(mut_args(super::help("out", "Folder for the merged data set")))]
pub struct Args {
    /// Output folders of `informe extract --shard K/N`.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    out: OutArg,
    /// Print only the last line of the summary (and failures), as `extract --quiet`.
    #[arg(long)]
    quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rules = args.rules.load()?;
    let out = &args.out.out;
    let run = informe::bulk::merge(&args.dirs, out, rules).with_context(|| {
        let doing = super::tr(
            "writing the merged data set under",
            "escribiendo el conjunto de datos unido en",
        );
        format!("{doing} {}", out.display())
    })?;
    let text = informe::report::summary(&run, rules, super::lang())?;
    super::print_summary(&text, args.quiet)?;
    super::run_exit_code(&run)
}
