//! The `informe` binary as a user runs it: outputs, exit codes and error messages.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

const FIXTURE: &str = "fixtures/informe-ejecutivo-2021.txt";

fn informe() -> Command {
    Command::cargo_bin("informe").unwrap()
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn copy_rules(to: &Path) -> PathBuf {
    let dir = to.join("rules");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir("rules/gcm").unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn extract_writes_records_and_a_summary() {
    let out = tmp();
    informe()
        .args(["extract", FIXTURE, "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "fixtures/informe-ejecutivo-2021.txt: 102 actions",
        ))
        .stdout(predicate::str::contains(
            "objectives with no actions: 19, 22",
        ))
        .stdout(predicate::str::contains("(no activities reported)"))
        .stdout(predicate::str::contains(
            "1 inputs: 1 ok, 0 failed, 0 skipped",
        ));
    let dir = out.path().join("informe-ejecutivo-2021");
    let jsonl = std::fs::read_to_string(dir.join("actions.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count(), 102);
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], "informe-ejecutivo-2021-o01-01");
    assert_eq!(first["objective"], 1);
    assert_eq!(first["provenance"]["line"], 200);
    assert_eq!(first["provenance"]["file"], FIXTURE);
    assert!(first["figures"].is_array());

    let csv = std::fs::read(dir.join("actions.csv")).unwrap();
    assert!(
        csv.starts_with("\u{FEFF}id,file,objective".as_bytes()),
        "CSV starts with a BOM"
    );
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 102);
    assert!(rows.iter().any(|r| &r[9] == "IME Becas es una actividad que consiste en estímulos económicos para organizaciones e instituciones educativas que multipliquen los fondos otorgados por el Gobierno de México por conducto del Instituto de los Mexicanos en el Exterior, para ampliar las oportunidades educativas de mexicanos y/o personas de origen mexicano que radican en el exterior. De junio 2020 a junio 2021 se otorgaron recursos a 130 instituciones becadas, quiénes multiplicaron fondos y beneficiaron a 3,198 estudiantes. Asimismo, se logró la alianza con TheDreamers.US y se otorgaron becas a 700 estudiantes en 33 estados de la Unión Americana, cuyos montos les permitirán cubrir un ciclo escolar."));

    let objectives = std::fs::read_to_string(dir.join("objectives.jsonl")).unwrap();
    assert_eq!(objectives.lines().count(), 23);
    let elements: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("elements.json")).unwrap()).unwrap();
    assert_eq!(elements["tables"].as_array().unwrap().len(), 4);
    // No temporary files are left behind by the atomic writes.
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 8, "{names:?}");
    // The executive report states its challenges as a table of counts, not as statements.
    assert_eq!(
        std::fs::read_to_string(dir.join("challenges.jsonl")).unwrap(),
        ""
    );
}

#[test]
fn bad_inputs_fail_alone_and_the_rest_is_processed() {
    let work = tmp();
    let inputs = work.path().join("in");
    std::fs::create_dir_all(inputs.join("sub")).unwrap();
    std::fs::copy(FIXTURE, inputs.join("sub/good.txt")).unwrap();
    std::fs::write(inputs.join("empty.txt"), b"").unwrap();
    std::fs::write(
        inputs.join("binary.txt"),
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00",
    )
    .unwrap();
    std::fs::write(inputs.join("notes.md"), b"# not a report").unwrap();
    std::fs::write(
        inputs.join("letter.txt"),
        "Estimado colega:\nle envío el informe.\n",
    )
    .unwrap();
    let out = work.path().join("out");
    let assert = informe()
        .args(["extract"])
        .arg(&inputs)
        .arg(work.path().join("missing.txt"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("empty.txt: the file is empty"), "{stdout}");
    assert!(
        stdout.contains("binary.txt: looks binary, not text (NUL byte at offset 7)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("letter.txt: no objective headings found"),
        "{stdout}"
    );
    assert!(stdout.contains("missing.txt: cannot read"), "{stdout}");
    assert!(stdout.contains("good.txt: 102 actions"), "{stdout}");
    assert!(
        stdout.contains("6 inputs: 1 ok, 4 failed, 1 skipped"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("good/actions.jsonl"))
            .unwrap()
            .lines()
            .count(),
        102
    );
    // run.json lists every input exactly once, with its status.
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    let mut statuses: Vec<(String, String, String)> = run["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let file = Path::new(i["file"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                file,
                i["status"].as_str().unwrap().to_string(),
                i["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    statuses.sort();
    let want = [
        ("binary.txt", "failed", "binary"),
        ("empty.txt", "failed", "empty"),
        ("good.txt", "ok", ""),
        ("letter.txt", "failed", "no_objectives"),
        ("missing.txt", "failed", "io"),
        ("notes.md", "skipped", "not_report"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(statuses, want);
}

#[test]
fn a_broken_regex_in_the_rules_is_a_clear_error() {
    let work = tmp();
    let rules = copy_rules(work.path());
    let layout = rules.join("layout.toml");
    let text = std::fs::read_to_string(&layout).unwrap();
    // Replace the first `pattern =` after [bullets.bullet] with an unclosed group.
    let mut in_bullet = false;
    let broken: Vec<String> = text
        .lines()
        .map(|l| {
            if l.trim() == "[bullets.bullet]" {
                in_bullet = true;
            } else if in_bullet && l.starts_with("pattern =") {
                in_bullet = false;
                return r"pattern = '^\s*(?P<marker>[●•'".to_string();
            }
            l.to_string()
        })
        .collect();
    let broken = broken.join("\n");
    assert_ne!(broken, text, "the test must change the bullet pattern");
    std::fs::write(&layout, broken).unwrap();
    extract_stops_at_load(
        FIXTURE,
        &rules,
        work.path(),
        "layout.toml: bullets.bullet.pattern: invalid regex",
    );
}

/// `informe extract INPUT --rules RULES` fails with exit 2 before reading anything, saying
/// `message`.
fn extract_stops_at_load(input: &str, rules: &Path, work: &Path, message: &str) {
    informe()
        .args(["extract", input, "--rules"])
        .arg(rules)
        .arg("--out")
        .arg(work.join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(message));
}

#[test]
fn an_unknown_key_or_a_failing_example_names_the_key() {
    let work = tmp();
    let rules = copy_rules(work.path());
    let layout = rules.join("layout.toml");
    let text = std::fs::read_to_string(&layout).unwrap();
    std::fs::write(
        &layout,
        text.replacen(
            "tall_blank_lines = 6",
            "tall_blank_lines = 6\ntall_blanks = 3",
            1,
        ),
    )
    .unwrap();
    informe()
        .args(["check-rules", "--rules"])
        .arg(&rules)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown field `tall_blanks`"));

    std::fs::write(
        &layout,
        text.replacen(
            r#"no_match = ["No se podrá negar el trámite""#,
            r#"no_match = ["No se registraron actividades en 2021""#,
            1,
        ),
    )
    .unwrap();
    informe()
        .args(["check-rules", "--rules"])
        .arg(&rules)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bullets.no_activities.no_match: pattern matches its counter-example \"No se registraron actividades en 2021\"",
        ));
}

#[test]
fn a_missing_rules_folder_says_what_to_do() {
    informe()
        .args(["extract", FIXTURE, "--rules", "no/such/rules"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no/such/rules: not a rules folder",
        ))
        .stderr(predicate::str::contains("--rules"));
}

#[test]
fn help_shows_examples_and_exit_codes() {
    informe()
        .args(["extract", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains("Exit codes:"))
        .stdout(predicate::str::contains("--rules <RULES>"));
    informe().arg("extract").assert().code(2);
}

/// The examples of a rules folder on disk run at every load, not only in `check-rules`: an edited
/// profile whose example fails stops `extract` at load, naming the key.
#[test]
fn a_failing_example_in_a_rules_folder_stops_extract_at_load() {
    let work = tmp();
    let rules = copy_rules(work.path());
    let figures = rules.join("figures.toml");
    let text = std::fs::read_to_string(&figures).unwrap();
    // The first example's expected figures, made wrong.
    let broken = text.replacen("figures = [", "figures = [\"0 nada\", ", 1);
    assert_ne!(broken, text);
    std::fs::write(&figures, broken).unwrap();
    extract_stops_at_load(FIXTURE, &rules, work.path(), "figures.toml: examples[0]");
}

#[test]
fn check_rules_passes_on_the_built_in_profile() {
    informe()
        .arg("check-rules")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "(built-in)/gcm: ok (23 objectives",
        ));
}

#[test]
fn check_rules_passes_on_the_shipped_profile() {
    informe()
        .args(["check-rules", "--rules", "rules/gcm"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok (23 objectives"));
}

#[test]
fn audit_prints_flags_grouped_by_severity() {
    let assert = informe()
        .args(["audit", FIXTURE])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "fixtures/informe-ejecutivo-2021.txt: 31 flags",
        ))
        .stdout(predicate::str::contains("ERROR (1)"))
        .stdout(predicate::str::contains("WARNING (24)"))
        .stdout(predicate::str::contains("INFO (6)"));
    let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let error_at = out.find("ERROR (").unwrap();
    let warning_at = out.find("WARNING (").unwrap();
    let info_at = out.find("INFO (").unwrap();
    assert!(error_at < warning_at && warning_at < info_at, "{out}");
    assert!(out.contains("¿quiso decir SRE?"));
}

#[test]
fn audit_json_and_period_option() {
    let assert = informe()
        .args(["audit", FIXTURE, "--format", "json"])
        .assert()
        .success();
    let flags: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let flags = flags.as_array().unwrap();
    assert!(flags
        .iter()
        .any(|f| f["kind"] == "breakdown_sum" && f["severity"] == "error"));
    let outside = |v: &[serde_json::Value]| {
        v.iter()
            .filter(|f| f["kind"] == "period_outside_window")
            .count()
    };
    // A window from 2000 to 2025 leaves fewer periods outside it.
    let assert = informe()
        .args([
            "audit",
            FIXTURE,
            "--format",
            "json",
            "--period",
            "2000-01-01..2025-12-31",
        ])
        .assert()
        .success();
    let wide: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert!(outside(wide.as_array().unwrap()) < outside(flags));
    informe()
        .args(["audit", FIXTURE, "--period", "2021-13-01..2020"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--period"));
}

#[test]
fn extract_writes_flags_and_counts_them() {
    let out = tmp();
    informe()
        .args(["extract", FIXTURE, "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("31 audit flags"))
        .stdout(predicate::str::contains("1  error/breakdown_sum"))
        .stdout(predicate::str::contains(
            "14  warning/period_outside_window",
        ));
    let dir = out.path().join("informe-ejecutivo-2021");
    assert_eq!(
        std::fs::read_to_string(dir.join("flags.jsonl"))
            .unwrap()
            .lines()
            .count(),
        31
    );
    let csv = std::fs::read(dir.join("flags.csv")).unwrap();
    assert!(csv.starts_with("\u{FEFF}severity,kind,objective,message".as_bytes()));
}

#[test]
fn a_folder_of_pdfs_fails_only_the_unreadable_ones() {
    let out = tmp();
    let assert = informe()
        .args(["extract", "fixtures/pdf", "--out"])
        .arg(out.path())
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        stdout.contains("password-required.pdf: the PDF needs a password"),
        "{stdout}"
    );
    assert!(
        stdout.contains("no-text-layer.pdf: no text layer on pages 1, 2"),
        "{stdout}"
    );
    assert!(
        stdout.contains("informe-2021-sidebox.pdf: 102 actions"),
        "{stdout}"
    );
    assert!(
        stdout.contains("12 inputs: 6 ok, 2 failed, 4 skipped"),
        "{stdout}"
    );
    let pages =
        std::fs::read_to_string(out.path().join("informe-2021-sidebox/pages.jsonl")).unwrap();
    assert_eq!(pages.lines().count(), 40);
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("run.json")).unwrap()).unwrap();
    let reasons: Vec<&str> = run["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["reason"].as_str())
        .collect();
    assert!(
        reasons.contains(&"pdf_password") && reasons.contains(&"pdf_no_text"),
        "{reasons:?}"
    );
}

#[test]
fn text_prints_what_informe_reads_from_a_pdf() {
    informe()
        .args(["text", "fixtures/pdf/two-columns-footnotes.pdf"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Objetivo 16. Empoderar"))
        .stdout(predicate::str::contains(
            "1 Información proporcionada por el ISSSTE.",
        ));
}

/// Issue 14: `text` needs only the reader's rules (`layout.toml`), so it does not pay for
/// compiling the extraction patterns; `extract` still loads and checks the whole profile.
#[test]
fn text_needs_only_the_layout_rules() {
    let work = tmp();
    let rules = work.path().join("only-layout");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::copy("rules/gcm/layout.toml", rules.join("layout.toml")).unwrap();
    informe()
        .args(["text", "fixtures/pdf/two-columns-footnotes.pdf", "--rules"])
        .arg(&rules)
        .assert()
        .success()
        .stdout(predicate::str::contains("Objetivo 16. Empoderar"));
    extract_stops_at_load(
        "fixtures/compile/sep.txt",
        &rules,
        work.path(),
        "objectives.toml",
    );
}

/// Issue 16: nothing to do is an error (exit 2) that says what was looked for, not an empty data
/// set with exit 0; so is merging a folder that is not a run.
#[test]
fn nothing_to_do_is_an_error_saying_what_was_looked_for() {
    let work = tempfile::tempdir().unwrap();
    let empty = work.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = Command::cargo_bin("informe")
        .unwrap()
        .arg("extract")
        .arg(&empty)
        .arg("--out")
        .arg(work.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nothing to do") && err.contains(".docx"),
        "{err}"
    );
    let merge = Command::cargo_bin("informe")
        .unwrap()
        .args(["merge", "/nonexistent-run-folder", "--out"])
        .arg(work.path().join("merged"))
        .output()
        .unwrap();
    assert_eq!(merge.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&merge.stderr).contains("/nonexistent-run-folder/manifest.jsonl")
    );
}
