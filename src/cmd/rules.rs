//! `informe rules export DIR`: the rules profile built into the binary, written out as a folder
//! to edit and use with `--rules DIR`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};

/// The built-in rules profile.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Write the built-in `gcm` profile into DIR (a new or empty folder), to edit and pass back
    /// with --rules DIR
    Export {
        dir: PathBuf,
        /// Replace rule files DIR already holds
        #[arg(long)]
        force: bool,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.action {
        Action::Export { dir, force } => export(&dir, force)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn export(dir: &Path, force: bool) -> anyhow::Result<()> {
    if !force {
        if let Some((name, _)) = informe::builtin::FILES
            .iter()
            .find(|(name, _)| dir.join(name).exists())
        {
            bail!(
                "{} already exists; nothing was written (pass --force to replace the rule files)",
                dir.join(name).display()
            );
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in informe::builtin::FILES {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!(
        "{}: the built-in gcm profile ({} files); use it with --rules {}",
        dir.display(),
        informe::builtin::FILES.len(),
        dir.display()
    );
    Ok(())
}
