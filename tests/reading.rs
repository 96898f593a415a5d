//! Knowing when a reading is not sure, through the binary: an input informe could not read well
//! is `review` in the manifest with the reason, and the run exits 1; what it reads well is `ok`.
//! Also the encodings that used to be read wrong without a word.

use std::path::Path;

use assert_cmd::Command;
use informe::{process_bytes, Rules};

fn manifest_line(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("manifest.jsonl")).unwrap();
    serde_json::from_str(text.lines().next().unwrap()).unwrap()
}

#[test]
fn an_unrecognized_heading_makes_the_input_review_and_the_run_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("entrega.txt");
    // "Meta cuatro" is not a heading of the catalog: its bullets would silently go to objective 2.
    std::fs::write(
        &input,
        "Objetivo 1. Recopilar y utilizar datos exactos y desglosados para formular políticas con base empírica.\n\
         ● Se publicó el anuario con 291 accesos.\n\
         \n\
         Objetivo 2. Minimizar los factores adversos y estructurales que obligan a las personas a abandonar su país de origen.\n\
         ● Se firmaron 3 convenios.\n\
         \n\
         Meta cuatro - Documentación de las personas migrantes\n\
         ● Se expidieron 4,500 actas de nacimiento.\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let assert = Command::cargo_bin("informe")
        .unwrap()
        .args(["extract", "--in-process", "--out"])
        .arg(&out)
        .arg(&input)
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let m = manifest_line(&out);
    assert_eq!(m["status"], "review", "{m}");
    assert_eq!(m["reason"], "reading_suspect_headings", "{m}");
    assert!(m["error"].as_str().unwrap().contains("líneas 7"), "{m}");
    assert!(stdout.contains("1 to review"), "{stdout}");
}

#[test]
fn a_well_read_submission_is_ok_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    Command::cargo_bin("informe")
        .unwrap()
        .args(["extract", "--in-process", "--quiet", "--out"])
        .arg(&out)
        .arg("fixtures/zoo/agencies/stps-reporte-pmm-2022.txt")
        .assert()
        .code(0);
    assert_eq!(manifest_line(&out)["status"], "ok");
}

#[test]
fn utf8_with_a_few_invalid_bytes_is_read_as_utf8_with_a_warning_naming_their_offsets() {
    let rules = Rules::load(Path::new("rules/gcm")).unwrap();
    let good = "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración.\n● Se atendieron 129,441 casos de niñas, niños y adolescentes en México.\n".repeat(5);
    let mut bytes = good.into_bytes();
    let at = bytes.iter().position(|&b| b == b'S').unwrap(); // "Se" of the first bullet
    bytes.insert(at + 1, 0xE9); // a stray Windows-1252 "é"
    let ex = process_bytes("t.txt", &bytes, &rules).unwrap();
    assert_eq!(ex.source.format, "text/utf-8");
    assert_eq!(ex.actions.len(), 5);
    assert!(
        ex.actions[1].text.contains("niñas"),
        "{}",
        ex.actions[1].text
    );
    let w: Vec<&str> = ex.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        w.iter()
            .any(|m| m.contains("1 invalid byte") && m.contains(&(at + 1).to_string())),
        "{w:?}"
    );
}

#[test]
fn windows_1252_text_stays_windows_1252() {
    let rules = Rules::load(Path::new("rules/gcm")).unwrap();
    let text = "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración.\n• Se atendieron 12 casos en Chiapas y Tabasco; la atención continúa.\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    let ex = process_bytes("t.txt", &bytes, &rules).unwrap();
    assert_eq!(ex.source.format, "text/windows-1252");
    assert!(ex.actions[0].text.contains("atención"));
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
}
