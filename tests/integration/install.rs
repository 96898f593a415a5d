//! informe runs from any folder (issue 16): the `gcm` rules are built into the binary, so the
//! binary installed with `cargo install --path .`, run from a folder with no `rules/` beside it,
//! gives the same records as one from the repository
//! with `--rules rules/gcm`; `informe rules export DIR` writes an editable copy.

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

fn informe() -> Command {
    Command::cargo_bin("informe").unwrap()
}

/// `cargo install --path .` into `root` (the test's own profile and target folder, so that it
/// reuses what `cargo test` built); returns the installed binary.
fn install(root: &Path) -> std::path::PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["install", "--path", ".", "--locked", "--offline", "--quiet"])
        .arg("--root")
        .arg(root)
        .arg("--target-dir")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    if cfg!(debug_assertions) {
        cmd.arg("--debug");
    }
    let done = cmd.output().unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let bin = root.join("bin").join("informe");
    assert!(bin.is_file(), "{}", bin.display());
    bin
}

fn extract(cwd: &Path, inputs: &Path, out: &Path, rules: Option<&str>) {
    extract_with(informe(), cwd, inputs, out, rules);
}

fn extract_with(mut cmd: Command, cwd: &Path, inputs: &Path, out: &Path, rules: Option<&str>) {
    cmd.current_dir(cwd).args(["extract", "--quiet"]);
    if let Some(r) = rules {
        cmd.arg("--rules").arg(r);
    }
    let result = cmd.arg(inputs).arg("--out").arg(out).output().unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

#[test]
fn a_run_from_another_folder_uses_the_built_in_rules_and_gives_the_same_records() {
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    for f in [
        "fixtures/compile/sre.pdf",
        "fixtures/informe-ejecutivo-2021.txt",
    ] {
        let name = Path::new(f).file_name().unwrap();
        std::fs::copy(f, inputs.join(name)).unwrap();
    }
    let elsewhere = work.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    assert!(!elsewhere.join("rules").exists());
    let (built_in, from_repo) = (work.path().join("a"), work.path().join("b"));
    // The binary as a user installs it, run from a folder with no rules beside it.
    let installed = install(&work.path().join("root"));
    extract_with(
        Command::new(installed),
        &elsewhere,
        &inputs,
        &built_in,
        None,
    );
    let repo = std::env::current_dir().unwrap();
    extract(&repo, &inputs, &from_repo, Some("rules/gcm"));
    for file in ["actions.jsonl", "figures.csv", "flags.jsonl"] {
        let a = std::fs::read_to_string(built_in.join(file)).unwrap();
        let b = std::fs::read_to_string(from_repo.join(file)).unwrap();
        assert!(a.lines().count() > 3, "{file}: {a}");
        assert_eq!(a, b, "{file} differs");
    }
    // The same rules, so the same fingerprint: --resume does not redo the inputs.
    let manifest = |dir: &Path| std::fs::read_to_string(dir.join("manifest.jsonl")).unwrap();
    let rules_of = |m: String| -> Vec<String> {
        m.lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["rules"].to_string())
            .collect()
    };
    assert_eq!(
        rules_of(manifest(&built_in)),
        rules_of(manifest(&from_repo))
    );
}

#[test]
fn exported_rules_are_the_built_in_ones_and_are_not_overwritten_by_accident() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("my-rules");
    let first = informe()
        .args(["rules", "export"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(first.status.success());
    for name in ["layout.toml", "audit.toml", "agencies.toml"] {
        assert_eq!(
            std::fs::read_to_string(dir.join(name)).unwrap(),
            std::fs::read_to_string(Path::new("rules/gcm").join(name)).unwrap()
        );
    }
    let check = informe()
        .arg("check-rules")
        .arg("--rules")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(check.status.success());
    let again = informe()
        .args(["rules", "export"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}
