//! `informe audit`: one report extracted and audited; its flags printed as a table or JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use informe::locale::Lang;

use super::{PeriodArg, RulesArg};

/// Extract and audit one report; print the flags grouped by severity.
#[derive(clap::Args)]
#[command(after_help = super::AFTER_HELP)]
#[command(mut_args(super::help(
    "rules",
    "Rules profile folder (default: the gcm profile built into informe)"
)))]
#[command(mut_args(super::help(
    "period",
    "Reporting window, START..END (overrides audit.toml), e.g. 2020-06-01..2021-06-30"
)))]
pub struct Args {
    /// The report file.
    file: PathBuf,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    period: PeriodArg,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rules = args.rules.load()?;
    let ex = match informe::process_file(&args.file, rules) {
        Ok(ex) => ex,
        Err(e) => {
            match super::lang() {
                Lang::En => eprintln!("informe: {e}"),
                Lang::Es => eprintln!("informe: {}", e.es()),
            }
            return Ok(ExitCode::from(1));
        }
    };
    let flags = informe::audit::audit(&ex, &rules, args.period.period.as_ref());
    match args.format {
        Format::Table => super::print_out(&informe::report::flags_table(
            &ex.source.file,
            &flags,
            super::lang(),
        ))?,
        Format::Json => super::print_out(&format!("{}\n", serde_json::to_string_pretty(&flags)?))?,
    }
    Ok(ExitCode::SUCCESS)
}
