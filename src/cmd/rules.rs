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
                "{} {}",
                dir.join(name).display(),
                super::tr(
                    "already exists; nothing was written (pass --force to replace the rule files)",
                    "ya existe; no se escribió nada (pase --force para reemplazar los archivos de reglas)"
                )
            );
        }
    }
    std::fs::create_dir_all(dir).with_context(|| {
        let cannot = super::tr("cannot create", "no se puede crear");
        format!("{cannot} {}", dir.display())
    })?;
    for (name, text) in informe::builtin::FILES {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| {
            let cannot = super::tr("cannot write", "no se puede escribir");
            format!("{cannot} {}", path.display())
        })?;
    }
    let (shown, files) = (dir.display(), informe::builtin::FILES.len());
    super::print_out(&match super::lang() {
        informe::locale::Lang::En => format!(
            "{shown}: the built-in gcm profile ({files} files); use it with --rules {shown}\n"
        ),
        informe::locale::Lang::Es => format!(
            "{shown}: el perfil integrado gcm ({files} archivos); úselo con --rules {shown}\n"
        ),
    })?;
    Ok(())
}
