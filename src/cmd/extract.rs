//! `informe extract`: a run over files and folders, in worker processes (or in this process),
//! into an output folder; the summary on stdout.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use super::{OutArg, PeriodArg, RulesArg};
use informe::bulk::{Formats, RunOptions, Worker};
use informe::locale::Lang;

/// Extract actions per objective from report files (PDF or text exports) into JSONL and CSV.
#[derive(clap::Args)]
#[command(after_help = super::AFTER_HELP)]
#[command(mut_args(super::help(
    "rules",
    "Rules profile folder (default: the gcm profile built into informe)"
)))]
#[command(mut_args(super::help("out", "Output folder: one subfolder per input, plus run.json")))]
#[command(mut_args(super::help(
    "period",
    "Reporting window for the audit, START..END (overrides audit.toml)"
)))]
pub struct Args {
    /// Files or folders (folders are walked recursively for .txt, .pdf and .docx files).
    #[arg(required = true)]
    inputs: Vec<std::path::PathBuf>,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    out: OutArg,
    #[command(flatten)]
    period: PeriodArg,
    /// Print only failures and the closing line; no progress.
    #[arg(long, short)]
    quiet: bool,
    /// Inputs processed at once (default: all cores).
    #[arg(long, short, value_parser = clap::value_parser!(u64).range(1..))]
    jobs: Option<u64>,
    /// Seconds a worker may spend on one input before it is stopped (more than 0; decimals
    /// allowed).
    #[arg(long, default_value = "60", value_parser = parse_timeout)]
    timeout: Duration,
    /// Memory (address space) a worker may add to the run's, e.g. 2G, 512M (at least 64M).
    #[arg(long, default_value = "2G", value_parser = parse_memory_limit)]
    max_memory: u64,
    /// Skip inputs already done in --out with the same content, rules and tool version.
    #[arg(long)]
    resume: bool,
    /// Process only shard K of N (0 ≤ K < N), chosen by content hash; merge shards with
    /// `informe merge`.
    #[arg(long, value_parser = parse_shard)]
    shard: Option<(u64, u64)>,
    /// Process inputs in this process instead of worker processes (faster, not isolated).
    #[arg(long)]
    in_process: bool,
    /// Run-level outputs to write, comma-separated: jsonl, csv, xlsx, html.
    #[arg(long, default_value = "jsonl,csv,xlsx,html", value_parser = Formats::parse)]
    format: Formats,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rules = args.rules.load()?;
    let inputs = informe::collect_inputs(&args.inputs);
    if inputs.is_empty() {
        let given = args
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        anyhow::bail!(match super::lang() {
            Lang::En => format!("nothing to do: no file in {given} (informe reads .txt, .pdf and .docx files, and files whose bytes are a PDF, a Word file or text)"),
            Lang::Es => format!("nada que hacer: no hay archivos en {given} (informe lee archivos .txt, .pdf y .docx, y los que por su contenido son PDF, Word o texto)"),
        });
    }
    let out = &args.out.out;
    let mut opts = RunOptions::new(out);
    opts.window = args.period.period;
    opts.jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| usize::try_from(n).unwrap_or(usize::MAX),
    );
    opts.resume = args.resume;
    opts.shard = args.shard;
    opts.formats = args.format;
    if !args.in_process {
        opts.worker = Some(Worker {
            timeout: args.timeout,
            max_memory: args.max_memory,
        });
    }
    let progress = informe::report::progress(args.quiet, super::lang());
    let run =
        informe::bulk::run_bulk(&inputs, rules, &opts, progress.as_ref()).with_context(|| {
            let doing = super::tr("writing outputs under", "escribiendo las salidas en");
            format!("{doing} {}", out.display())
        })?;
    let text = informe::report::summary(&run, rules, super::lang())?;
    super::print_summary(&text, args.quiet)?;
    super::run_exit_code(&run)
}

/// The least memory a worker is given, in bytes: below it a worker cannot even read a small
/// input (its threads and their memory arenas take address space before any input is read).
const MIN_WORKER_MEMORY_BYTES: u64 = 64 << 20;

/// Reads a worker's memory limit: a size of at least [`MIN_WORKER_MEMORY_BYTES`].
fn parse_memory_limit(s: &str) -> Result<u64, String> {
    let bytes = parse_size(s)?;
    if bytes < MIN_WORKER_MEMORY_BYTES {
        let mib = MIN_WORKER_MEMORY_BYTES >> 20;
        return Err(match super::lang() {
            Lang::En => format!("{s:?}: a worker needs at least {mib} MiB"),
            Lang::Es => format!("{s:?}: un proceso de trabajo necesita al menos {mib} MiB"),
        });
    }
    Ok(bytes)
}

/// Reads a worker's time limit in seconds: a number greater than 0 (`60`, `0.5`).
fn parse_timeout(s: &str) -> Result<Duration, String> {
    let secs: f64 = s.trim().parse().map_err(|_| {
        let expected = super::tr(
            "expected a number of seconds, e.g. 60",
            "se esperaba un número de segundos, p. ej. 60",
        );
        format!("{s:?}: {expected}")
    })?;
    if secs.is_nan() || secs <= 0.0 {
        let more = super::tr(
            "a time limit must be more than 0 seconds",
            "un límite de tiempo debe ser de más de 0 segundos",
        );
        return Err(format!("{s:?}: {more}"));
    }
    Duration::try_from_secs_f64(secs).map_err(|e| format!("{s:?}: {e}"))
}

/// Reads a size such as `2G`, `512M`, `1048576`.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1u64 << 10),
        Some('m' | 'M') => (&t[..t.len() - 1], 1 << 20),
        Some('g' | 'G') => (&t[..t.len() - 1], 1 << 30),
        _ => (t, 1),
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| {
            let expected = super::tr(
                "expected a size such as 2G, 512M or a number of bytes",
                "se esperaba un tamaño como 2G, 512M o un número de bytes",
            );
            format!("{s:?}: {expected}")
        })
}

/// Parses `K/N` (0 ≤ K < N).
fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (k, n) = s.split_once('/').ok_or_else(|| {
        let expected = super::tr(
            "expected K/N, e.g. 0/4 (shards count from 0)",
            "se esperaba K/N, p. ej. 0/4 (los fragmentos se cuentan desde 0)",
        );
        format!("{s:?}: {expected}")
    })?;
    let k: u64 = k.trim().parse().map_err(|_| {
        format!(
            "{s:?}: {}",
            super::tr("K is not a number", "K no es un número")
        )
    })?;
    let n: u64 = n.trim().parse().map_err(|_| {
        format!(
            "{s:?}: {}",
            super::tr("N is not a number", "N no es un número")
        )
    })?;
    if n == 0 || k >= n {
        return Err(format!(
            "{s:?}: {}",
            super::tr("need 0 ≤ K < N", "debe ser 0 ≤ K < N")
        ));
    }
    Ok((k, n))
}

#[cfg(test)]
mod tests {
    use super::{parse_memory_limit, parse_shard, parse_size, parse_timeout};

    #[test]
    fn sizes() {
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("512m"), Ok(512 << 20));
        assert_eq!(parse_size(" 4K "), Ok(4096));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert!(parse_size("2T").unwrap_err().contains("expected a size"));
        assert!(parse_size("").is_err());
        assert!(parse_size("99999999999999G").is_err());
    }

    #[test]
    fn time_limits_must_be_more_than_zero() {
        assert_eq!(parse_timeout("60"), Ok(std::time::Duration::from_secs(60)));
        assert_eq!(
            parse_timeout("0.5"),
            Ok(std::time::Duration::from_millis(500))
        );
        for bad in ["0", "-1", "NaN", "x", "inf"] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn memory_limits_below_what_a_worker_needs_are_refused() {
        assert!(parse_memory_limit("0")
            .unwrap_err()
            .contains("at least 64 MiB"));
        assert!(parse_memory_limit("1M").is_err());
        assert_eq!(parse_memory_limit("64M"), Ok(64 << 20));
    }

    #[test]
    fn shards() {
        assert_eq!(parse_shard("0/4"), Ok((0, 4)));
        assert_eq!(parse_shard(" 3 / 4 "), Ok((3, 4)));
        assert!(parse_shard("4/4").unwrap_err().contains("need 0 ≤ K < N"));
        assert!(parse_shard("0/0").is_err());
        assert!(parse_shard("1").unwrap_err().contains("expected K/N"));
        assert!(parse_shard("a/4")
            .unwrap_err()
            .contains("K is not a number"));
        assert!(parse_shard("1/b")
            .unwrap_err()
            .contains("N is not a number"));
    }
}
