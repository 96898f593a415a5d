//! The `informe` command line: parses arguments and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

const AFTER_HELP: &str = "\
Examples:
  informe extract fixtures/informe-ejecutivo-2021.txt
  informe extract submissions/ --out output/2022 --jobs 2 --timeout 60
  informe extract submissions/ --out output/shard0 --shard 0/4
  informe merge output/shard0 output/shard1 output/shard2 output/shard3 --out output/all
  informe extract report.txt --rules rules/gcm
  informe audit fixtures/informe-ejecutivo-2021.txt --period 2020-06-01..2021-06-30
  informe audit report.txt --format json
  informe check-rules --rules rules/gcm

Exit codes:
  0  every input was processed
  1  some inputs failed (the others were processed; see <out>/run.json)
  2  usage error, unusable rules, or outputs that cannot be written";

#[derive(Parser)]
#[command(name = "informe", version, about = "Turns government progress reports into auditable records", after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract actions per objective from report files (PDF or text exports) into JSONL and CSV.
    #[command(after_help = AFTER_HELP)]
    Extract {
        /// Files or folders (folders are walked recursively for .txt and .pdf files).
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Rules profile folder.
        #[arg(long, default_value = "rules/gcm")]
        rules: PathBuf,
        /// Output folder: one subfolder per input, plus run.json.
        #[arg(long, default_value = "output")]
        out: PathBuf,
        /// Reporting window for the audit, START..END (overrides audit.toml).
        #[arg(long, value_parser = parse_window)]
        period: Option<informe::audit::Window>,
        /// Print only failures and the closing line; no progress.
        #[arg(long, short)]
        quiet: bool,
        /// Inputs processed at once (default: all cores).
        #[arg(long, short)]
        jobs: Option<usize>,
        /// Seconds a worker may spend on one input before it is stopped.
        #[arg(long, default_value_t = 60)]
        timeout: u64,
        /// Memory (address space) a worker may use, e.g. 2G, 512M.
        #[arg(long, default_value = "2G", value_parser = informe::bulk::parse_size)]
        max_memory: u64,
        /// Skip inputs already done in --out with the same content, rules and tool version.
        #[arg(long)]
        resume: bool,
        /// Process only shard K of N (0 ≤ K < N), chosen by content hash; merge shards with
        /// `informe merge`.
        #[arg(long, value_parser = informe::bulk::parse_shard)]
        shard: Option<(u64, u64)>,
        /// Process inputs in this process instead of worker processes (faster, not isolated).
        #[arg(long)]
        in_process: bool,
        /// Run-level outputs to write, comma-separated: jsonl, csv, xlsx, html.
        #[arg(long, default_value = "jsonl,csv,xlsx,html", value_parser = informe::bulk::Formats::parse)]
        format: informe::bulk::Formats,
    },
    /// Combine the output folders of shards (or runs) into one data set, with the cross-file audit.
    Merge {
        /// Output folders of `informe extract --shard K/N`.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[arg(long, default_value = "rules/gcm")]
        rules: PathBuf,
        /// Folder for the merged data set.
        #[arg(long, default_value = "output")]
        out: PathBuf,
    },
    /// Compile the cycle's summary tables (resumen.md/.csv/.svg) and compendium
    /// (compendio.docx/.md) from a run's output folder.
    Compile {
        /// The output folder of `informe extract` (or `informe merge`).
        run: PathBuf,
        #[arg(long, default_value = "rules/gcm")]
        rules: PathBuf,
        /// A published report to compare with what the submissions contain.
        #[arg(long)]
        against: Option<PathBuf>,
    },
    /// Process one input in isolation (used by `extract`; not for direct use).
    #[command(hide = true)]
    Worker {
        file: PathBuf,
        #[arg(long)]
        rules: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_parser = parse_window)]
        period: Option<informe::audit::Window>,
        #[arg(long)]
        max_memory: u64,
    },
    /// Extract and audit one report; print the flags grouped by severity.
    #[command(after_help = AFTER_HELP)]
    Audit {
        /// The report file.
        file: PathBuf,
        /// Rules profile folder.
        #[arg(long, default_value = "rules/gcm")]
        rules: PathBuf,
        /// Reporting window, START..END (overrides audit.toml), e.g. 2020-06-01..2021-06-30.
        #[arg(long, value_parser = parse_window)]
        period: Option<informe::audit::Window>,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Print the text informe reads from a file (for a PDF: in reading order, pages separated by
    /// form feeds, with each page's problems on stderr).
    Text {
        file: PathBuf,
        #[arg(long, default_value = "rules/gcm")]
        rules: PathBuf,
    },
    /// Load a rules profile, compile every pattern and run every example.
    CheckRules {
        #[arg(long, default_value = "rules/gcm")]
        rules: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

fn parse_window(s: &str) -> Result<informe::audit::Window, String> {
    informe::audit::Window::parse(s)
}

fn main() -> ExitCode {
    match real_main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("informe: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> anyhow::Result<ExitCode> {
    informe::ingest::pdf::install_quiet_panic_hook();
    match Cli::parse().command {
        Command::Extract {
            inputs,
            rules: rules_dir,
            out,
            period,
            quiet,
            jobs,
            timeout,
            max_memory,
            resume,
            shard,
            in_process,
            format,
        } => {
            let rules = informe::Rules::load(&rules_dir)?;
            let inputs = informe::collect_inputs(&inputs);
            let mut opts = informe::bulk::RunOptions::new(&out);
            opts.window = period;
            opts.jobs =
                jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            opts.resume = resume;
            opts.shard = shard;
            opts.formats = format;
            if !in_process {
                opts.worker = Some(informe::bulk::Worker {
                    program: std::env::current_exe()
                        .context("finding the informe binary for its workers")?,
                    rules_dir: rules_dir.clone(),
                    timeout: std::time::Duration::from_secs(timeout),
                    max_memory,
                });
            }
            let progress = informe::report::progress(quiet);
            let run = informe::bulk::run_bulk(&inputs, &rules, &opts, progress.as_ref())
                .with_context(|| format!("writing outputs under {}", out.display()))?;
            let text = informe::report::summary(&run, &rules);
            if quiet {
                for line in text.lines().filter(|l| l.starts_with("FAILED")) {
                    eprintln!("{line}");
                }
                if let Some(last) = text.lines().last() {
                    eprintln!("{last}");
                }
            } else {
                print!("{text}");
            }
            Ok(if run.failed() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Merge { dirs, rules, out } => {
            let rules = informe::Rules::load(&rules)?;
            let run = informe::bulk::merge(&dirs, &out, &rules)
                .with_context(|| format!("writing the merged data set under {}", out.display()))?;
            print!("{}", informe::report::summary(&run, &rules));
            Ok(if run.failed() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Compile {
            run,
            rules,
            against,
        } => {
            let rules = informe::Rules::load(&rules)?;
            let (summary, flags) = informe::compile::compile(&run, &rules, against.as_deref())
                .with_context(|| format!("compiling {}", run.display()))?;
            println!(
                "{}: {} actions, {} objectives without actions, {} agencies, {} challenges without a category → resumen.md, resumen.csv, resumen.svg, compendio.docx, compendio.md",
                run.display(),
                summary.total_actions,
                summary.none.len(),
                summary.agencies.len(),
                summary.unmatched.len()
            );
            for f in &flags {
                println!("  {}: {}", f.kind, f.message);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Worker {
            file,
            rules,
            out,
            period,
            max_memory,
        } => {
            let rules = informe::Rules::load(&rules)?;
            informe::bulk::worker_main(&file, &out, &rules, period.as_ref(), max_memory)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            file,
            rules,
            period,
            format,
        } => {
            let rules = informe::Rules::load(&rules)?;
            let ex = match informe::process_file(&file, &rules) {
                Ok(ex) => ex,
                Err(e) => {
                    eprintln!("informe: {e}");
                    return Ok(ExitCode::from(1));
                }
            };
            let flags = informe::audit::audit(&ex, &rules, period.as_ref());
            match format {
                Format::Table => {
                    print!("{}", informe::report::flags_table(&ex.source.file, &flags))
                }
                Format::Json => println!("{}", serde_json::to_string_pretty(&flags)?),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Text { file, rules } => {
            let rules = informe::Rules::load(&rules)?;
            match informe::ingest::ingest(&file, &rules.ingest) {
                Ok(source) => {
                    print!("{}", source.text);
                    if let Some(pdf) = &source.pdf {
                        for p in &pdf.pages {
                            for problem in &p.problems {
                                eprintln!("{}: page {}: {problem}", file.display(), p.page);
                            }
                        }
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("informe: {e}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::CheckRules { rules } => {
            let r = informe::Rules::load(&rules)?;
            println!(
                "{}: ok ({} objectives, {} table kinds; every pattern compiled and its examples pass)",
                rules.display(),
                r.objectives.objectives.len(),
                r.segment.layout.tables.len()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
