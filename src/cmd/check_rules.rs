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
    informe::builtin::run_examples_of_built_in();
    let r = args.rules.load()?;
    let (dir, objectives, tables) = (
        args.rules.dir(),
        r.objectives.objectives.len(),
        r.segment.layout.tables.len(),
    );
    super::print_out(&match super::lang() {
        informe::locale::Lang::En => format!(
            "{}: ok ({objectives} objectives, {tables} table kinds; every pattern compiled and its examples pass)\n",
            dir.display()
        ),
        informe::locale::Lang::Es => format!(
            "{}: bien ({objectives} objetivos, {tables} tipos de cuadro; cada patrón compila y sus ejemplos pasan)\n",
            dir.display()
        ),
    })?;
    Ok(ExitCode::SUCCESS)
}
