//! `informe text`: the text informe reads from a file, on stdout; a PDF's page problems on
//! stderr.

use std::path::PathBuf;
use std::process::ExitCode;

use super::RulesArg;

/// Print the text informe reads from a file (for a PDF: in reading order, pages separated by
/// form feeds, with each page's problems on stderr).
#[derive(clap::Args)]
pub struct Args {
    file: PathBuf,
    #[command(flatten)]
    rules: RulesArg,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rules = args.rules.load_ingest()?;
    let file = &args.file;
    match informe::ingest::ingest(file, &rules) {
        Ok(source) => {
            super::print_out(&source.text)?;
            if let Some(pdf) = &source.pdf {
                for p in &pdf.pages {
                    for problem in &p.problems {
                        let (page, said) = match super::lang() {
                            informe::locale::Lang::En => ("page", problem.clone()),
                            informe::locale::Lang::Es => {
                                ("página", informe::ingest::pdf::problem_es(problem))
                            }
                        };
                        eprintln!("{}: {page} {}: {said}", file.display(), p.page);
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            match super::lang() {
                informe::locale::Lang::En => eprintln!("informe: {e}"),
                informe::locale::Lang::Es => eprintln!("informe: {}", e.es()),
            }
            Ok(ExitCode::from(1))
        }
    }
}
