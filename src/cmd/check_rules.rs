//! `informe check-rules`: a rules profile loaded, every pattern compiled, every example run.

use std::process::ExitCode;

use super::RulesArg;

/// Load a rules profile, compile every pattern and run every example.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RulesArg,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let r = args.rules.load()?;
    super::print_out(&format!(
        "{}: ok ({} objectives, {} table kinds; every pattern compiled and its examples pass)\n",
        args.rules.dir().display(),
        r.objectives.objectives.len(),
        r.segment.layout.tables.len()
    ))?;
    Ok(ExitCode::SUCCESS)
}
