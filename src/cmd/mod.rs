//! The subcommands, one file each (as xsv's `src/cmd/`): its clap arguments, with their usage,
//! beside its `run`. Options that several subcommands take are declared here once and flattened
//! into theirs; a subcommand that words an option's help its own way (or requires it) says so
//! with [`help`] or [`required`] beside its other arguments.
//!
//! Errors at this edge are `anyhow`; `main` prints them and exits with code 2.

pub mod audit;
pub mod check_rules;
pub mod compile;
pub mod es;
pub mod extract;
pub mod merge;
pub mod rules;
pub mod text;

use std::path::PathBuf;
use std::process::ExitCode;

use informe::audit::Window;
use informe::locale::Lang;
use informe::output::{RunSummary, Status};
use informe::Rules;

/// The language of messages, from the locale (`LANG=es_MX.UTF-8`: Spanish), read once.
pub fn lang() -> Lang {
    static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();
    *LANG.get_or_init(Lang::from_env)
}

/// `en` or `es`, in the locale's language.
pub fn tr<'a>(en: &'a str, es: &'a str) -> &'a str {
    lang().pick(en, es)
}

/// An error of a subcommand in Spanish: informe's own errors by their Spanish text, a file
/// error by its kind, the rest (rule files' messages, which quote keys and patterns) as they
/// are, with clap's and informe's known texts translated.
pub fn error_es(e: &anyhow::Error) -> String {
    use informe::error::{CompileError, InputError, OutputError};
    let mut parts = Vec::new();
    for cause in e.chain() {
        let whole = if let Some(x) = cause.downcast_ref::<InputError>() {
            x.es()
        } else if let Some(x) = cause.downcast_ref::<OutputError>() {
            x.es()
        } else if let Some(x) = cause.downcast_ref::<CompileError>() {
            x.es()
        } else if let Some(x) = cause.downcast_ref::<std::io::Error>() {
            informe::locale::io_error_es(x)
        } else {
            parts.push(es::translate(&cause.to_string()));
            continue;
        };
        // These say their cause themselves.
        parts.push(whole);
        break;
    }
    parts.join(": ")
}

/// Examples and exit codes, after the help of `informe`, `extract` and `audit`.
pub const AFTER_HELP: &str = "\
Examples:
  informe extract fixtures/informe-ejecutivo-2021.txt
  informe extract submissions/ --out output/2022 --jobs 2 --timeout 60
  informe extract submissions/ --out output/shard0 --shard 0/4
  informe merge output/shard0 output/shard1 output/shard2 output/shard3 --out output/all
  informe extract report.txt --rules rules/gcm
  informe audit fixtures/informe-ejecutivo-2021.txt --period 2020-06-01..2021-06-30
  informe audit report.txt --format json
  informe check-rules --rules rules/gcm
  informe rules export my-rules     (then: informe extract report.pdf --rules my-rules)

Exit codes:
  0  every input was processed
  1  some inputs failed (the others were processed; see <out>/run.json)
  2  usage error, nothing to do, unusable rules, or outputs that cannot be written";

// The shared options below have plain comments, not doc comments: clap would take a flattened
// struct's doc comment for the subcommand's description.

// `--rules DIR`: the rules profile folder; without it, the `gcm` profile built into the binary
// (no help text unless the subcommand gives one).
#[derive(clap::Args)]
pub struct RulesArg {
    #[arg(long)]
    pub rules: Option<PathBuf>,
}

impl RulesArg {
    /// The profile folder: the one given, else the built-in profile's pseudo-folder.
    pub fn dir(&self) -> PathBuf {
        self.rules
            .clone()
            .unwrap_or_else(|| PathBuf::from(informe::builtin::DIR))
    }

    /// Loads the profile (every pattern compiled, every example run). The rules serve until the
    /// process ends, so they are never freed: freeing every compiled pattern at exit cost about
    /// 4 % of `check-rules`.
    pub fn load(&self) -> anyhow::Result<&'static Rules> {
        Ok(Box::leak(Box::new(Rules::load(&self.dir())?)))
    }

    /// Loads only the reader's rules (`layout.toml`).
    pub fn load_ingest(&self) -> anyhow::Result<informe::rules::IngestRules> {
        Ok(informe::profile::load_ingest(&self.dir())?)
    }
}

// `--out DIR`: the output folder.
#[derive(clap::Args)]
pub struct OutArg {
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
}

// `--period START..END`: the audit's reporting window, instead of the one in audit.toml.
#[derive(clap::Args)]
pub struct PeriodArg {
    #[arg(long, value_parser = parse_window)]
    pub period: Option<Window>,
}

fn parse_window(s: &str) -> Result<Window, String> {
    Window::parse(s).map_err(|e| match lang() {
        Lang::En => e,
        Lang::Es => es::translate(&e),
    })
}

/// Prints a run's summary: whole, or with `quiet` only its failures and last line (to stderr).
pub fn print_summary(text: &str, quiet: bool) -> anyhow::Result<()> {
    if quiet {
        for line in text.lines().filter(|l| l.starts_with("FAILED")) {
            eprintln!("{line}");
        }
        if let Some(last) = text.lines().last() {
            eprintln!("{last}");
        }
        Ok(())
    } else {
        print_out(text)
    }
}

/// For `#[command(mut_args(help(ID, TEXT)))]`: the shared option `id` gets `text` as its help in
/// this subcommand. (`mut_args` changes the option in place; `mut_arg` would move it last, out
/// of its place in the usage line.)
pub fn help(id: &'static str, text: &'static str) -> impl FnMut(clap::Arg) -> clap::Arg {
    move |a| if a.get_id() == id { a.help(text) } else { a }
}

/// Writes `text` to stdout. A reader that goes away (`informe text FILE | head`) makes this a
/// broken-pipe error, which `main` ends the program on quietly.
pub fn print_out(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// Whether an error is stdout's reader having gone away.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Exit code 1 when some inputs of the run failed or are to review, 0 otherwise.
pub fn run_exit_code(run: &RunSummary) -> anyhow::Result<ExitCode> {
    let unsure = run
        .inputs
        .count(|i| matches!(i.status, Status::Failed | Status::Review))?;
    Ok(if unsure > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
