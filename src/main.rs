//! The `informe` command line: parses the arguments and hands them to the subcommand, one file
//! each under `src/cmd/` (arguments, usage and `run`).

mod cmd;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use informe::locale::Lang;

#[derive(Parser)]
#[command(name = "informe", version, about = "Turns government progress reports into auditable records", after_help = cmd::AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Extract(cmd::extract::Args),
    Merge(cmd::merge::Args),
    Compile(cmd::compile::Args),
    Audit(cmd::audit::Args),
    Text(cmd::text::Args),
    CheckRules(cmd::check_rules::Args),
    Rules(cmd::rules::Args),
}

fn main() -> ExitCode {
    informe::ingest::pdf::install_quiet_panic_hook();
    let cli = match parse_args() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let result = match cli.command {
        Command::Extract(args) => cmd::extract::run(args),
        Command::Merge(args) => cmd::merge::run(args),
        Command::Compile(args) => cmd::compile::run(args),
        Command::Audit(args) => cmd::audit::run(args),
        Command::Text(args) => cmd::text::run(args),
        Command::CheckRules(args) => cmd::check_rules::run(args),
        Command::Rules(args) => cmd::rules::run(args),
    };
    match result {
        Ok(code) => code,
        // The reader of stdout stopped reading (`| head`): what it read is what it wanted.
        Err(e) if cmd::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            match cmd::lang() {
                Lang::En => eprintln!("informe: error: {e:#}"),
                Lang::Es => eprintln!("informe: error: {}", cmd::error_es(&e)),
            }
            ExitCode::from(2)
        }
    }
}

/// The command line, parsed; or, for `--help`, `--version` and usage errors, what clap says
/// (in Spanish under a Spanish locale) and the exit code.
fn parse_args() -> Result<Cli, ExitCode> {
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let e = match parsed {
        Ok(cli) => return Ok(cli),
        Err(e) => e,
    };
    if cmd::lang() == Lang::En {
        e.exit();
    }
    let text = cmd::es::translate(&e.render().to_string());
    let code = if e.use_stderr() {
        eprint!("{text}");
        2
    } else {
        let _ = cmd::print_out(&text);
        0
    };
    Err(ExitCode::from(code))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn shared_options_take_each_subcommand_s_wording() {
        let cli = Cli::command();
        let arg = |sub: &str, id: &str| {
            cli.find_subcommand(sub)
                .unwrap()
                .get_arguments()
                .find(|a| a.get_id() == id)
                .unwrap()
                .clone()
        };
        let help = |sub: &str, id: &str| arg(sub, id).get_help().map(|h| h.to_string());
        assert_eq!(
            help("extract", "rules").as_deref(),
            Some("Rules profile folder (default: the gcm profile built into informe)")
        );
        assert_eq!(
            help("audit", "rules").as_deref(),
            Some("Rules profile folder (default: the gcm profile built into informe)")
        );
        for sub in ["merge", "compile", "text", "check-rules"] {
            assert_eq!(help(sub, "rules"), None, "{sub}");
        }
        assert_eq!(
            help("merge", "out").as_deref(),
            Some("Folder for the merged data set")
        );
        assert!(help("extract", "period").unwrap().contains("for the audit"));
        assert!(help("audit", "period").unwrap().contains("e.g. 2020-06-01"));
        // Without --rules, the built-in profile; without --out, `output`.
        assert!(arg("merge", "rules").get_default_values().is_empty());
        assert_eq!(arg("merge", "out").get_default_values().len(), 1);
    }
}
