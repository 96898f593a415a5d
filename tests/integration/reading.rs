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

/// Word's "MS-DOS" plain-text export is code page 850, which informe does not decode: every
/// accented word comes out garbled ("Migraci¢n"). That is `review`, naming the lines, not `ok`.
#[test]
fn a_file_in_a_code_page_informe_does_not_know_is_review() {
    // Code page 850's bytes for the accented letters of the text (the rest is ASCII).
    let cp850 = |text: &str| -> Vec<u8> {
        text.chars()
            .map(|c| match c {
                'á' => 0xA0,
                'í' => 0xA1,
                'ó' => 0xA2,
                'ú' => 0xA3,
                'ñ' => 0xA4,
                'é' => 0x82,
                c if c.is_ascii() => c as u8,
                c => panic!("{c} is not in this test's table"),
            })
            .collect()
    };
    let text = "Objetivo 1. Recopilar y utilizar datos exactos y desglosados para formular políticas con base empírica.\r\n\
                - Se publicó el anuario de migración con 291 accesos y estadísticas por región.\r\n\
                - Se capacitó a 120 servidores públicos en protección de niñas y niños.\r\n\
                \r\n\
                Objetivo 2. Minimizar los factores adversos y estructurales que obligan a las personas a abandonar su país de origen.\r\n\
                - Se firmaron 3 convenios de cooperación técnica.\r\n\
                - Se atendió a 4,500 personas en situación de vulnerabilidad.\r\n";
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("entrega-msdos.txt");
    std::fs::write(&input, cp850(text)).unwrap();
    let out = dir.path().join("out");
    Command::cargo_bin("informe")
        .unwrap()
        .args(["extract", "--in-process", "--quiet", "--out"])
        .arg(&out)
        .arg(&input)
        .assert()
        .code(1);
    let m = manifest_line(&out);
    assert_eq!(m["status"], "review", "{m}");
    assert_eq!(m["reason"], "reading_garbled_text", "{m}");
    assert!(
        m["error"].as_str().unwrap().contains("líneas 2, 3, 6"),
        "{m}"
    );
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

/// A minimal .docx: paragraphs with a style each (`Heading2` or `ListBullet`), styles.xml saying
/// which style numbers its paragraphs.
fn docx(paragraphs: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut body = String::new();
    for (style, text) in paragraphs {
        body.push_str(&format!(
            r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
        ));
    }
    let ns = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let document =
        format!(r#"<?xml version="1.0"?><w:document {ns}><w:body>{body}</w:body></w:document>"#);
    let styles = format!(
        r#"<?xml version="1.0"?><w:styles {ns}><w:style w:styleId="Heading2"><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style><w:style w:styleId="ListBullet"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style></w:styles>"#
    );
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default();
        for (name, xml) in [
            ("word/document.xml", &document),
            ("word/styles.xml", &styles),
        ] {
            zip.start_file(name, opts).unwrap();
            zip.write_all(xml.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

#[test]
fn word_heading_styles_are_evidence_for_abridged_or_reworded_titles() {
    let rules = Rules::load(Path::new("rules/gcm")).unwrap();
    let bytes = docx(&[
        ("Heading2", "Vulnerabilidades en la migración"),
        (
            "ListBullet",
            "Se atendieron 1,234 personas migrantes en Chiapas.",
        ),
        ("Heading2", "Gestión integrada de las fronteras"),
        ("ListBullet", "Se modernizaron 5 puntos de internación."),
    ]);
    let ex = process_bytes("inm.docx", &bytes, &rules).unwrap();
    let got: Vec<u32> = ex.actions.iter().map(|a| a.objective).collect();
    assert_eq!(got, [7, 11]);
    assert!(informe::audit::needs_review(&informe::audit::audit(&ex, &rules, None)).is_none());
}

#[test]
fn a_word_heading_that_names_no_objective_makes_the_input_review() {
    let rules = Rules::load(Path::new("rules/gcm")).unwrap();
    let bytes = docx(&[
        ("Heading2", "Vulnerabilidades en la migración"),
        (
            "ListBullet",
            "Se atendieron 1,234 personas migrantes en Chiapas.",
        ),
        ("Heading2", "Otras acciones relevantes del periodo"),
        ("ListBullet", "Se modernizaron 5 puntos de internación."),
    ]);
    let ex = process_bytes("inm.docx", &bytes, &rules).unwrap();
    let flags = informe::audit::audit(&ex, &rules, None);
    let review = informe::audit::needs_review(&flags).expect("to review");
    assert_eq!(review.kind, "reading_suspect_headings");
}

#[test]
fn the_manifest_says_which_window_was_used_and_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("inm.txt");
    std::fs::write(
        &input,
        "Instituto Nacional de Migración (INM)\n\
         PERIODO QUE SE INFORMA: julio 2021 – junio 2022\n\
         \n\
         Objetivo 6. Facilitar la contratación equitativa y ética y salvaguardar las condiciones que garantizan el trabajo decente.\n\
         ● Del 1 de septiembre de 2021 al 31 de marzo de 2022 se realizaron 1,287 inspecciones.\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = dir.path().join(format!("out{}", extra.len()));
        Command::cargo_bin("informe")
            .unwrap()
            .args(["extract", "--in-process", "--quiet", "--out"])
            .arg(&out)
            .args(extra)
            .arg(&input)
            .assert()
            .code(0);
        manifest_line(&out)
    };
    let m = run(&[]);
    assert_eq!(m["window"], "2021-07-01..2022-06-30", "{m}");
    assert_eq!(m["window_source"], "document line 1", "{m}");
    assert!(m["flags"].as_object().unwrap().is_empty(), "{m}");
    let m = run(&["--period", "2020-06-01..2021-06-30"]);
    assert_eq!(m["window"], "2020-06-01..2021-06-30");
    assert_eq!(m["window_source"], "--period");
}
