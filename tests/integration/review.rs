//! The review outputs of a run: `review.html` (its counts against the run's data) and
//! `informe.xlsx` (sheets, types, row counts, read back with calamine).

use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use informe::{collect_inputs, run, Rules};

fn run_fixture() -> (tempfile::TempDir, informe::output::RunSummary) {
    let out = tempfile::tempdir().unwrap();
    let rules = Rules::load(Path::new("rules/gcm")).unwrap();
    let inputs = collect_inputs(&["fixtures/informe-ejecutivo-2021.txt".into()]);
    let summary = run(&inputs, &rules, out.path(), None).unwrap();
    (out, summary)
}

/// The text of the element after `marker` up to the next `<`.
fn after<'a>(html: &'a str, marker: &str) -> &'a str {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker}")) + marker.len();
    &html[at..at + html[at..].find('<').unwrap()]
}

#[test]
fn review_html_shows_the_run_counts() {
    let (out, summary) = run_fixture();
    let html = std::fs::read_to_string(out.path().join("review.html")).unwrap();
    // Self-contained: no external scripts, styles or fonts.
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import")
    );
    assert!(html.contains("<html lang=\"es\">"));
    let flags: Vec<serde_json::Value> = std::fs::read_to_string(out.path().join("flags.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let count = |sev: &str| {
        flags
            .iter()
            .filter(|f| f["severity"] == sev)
            .count()
            .to_string()
    };
    assert_eq!(
        after(&html, "data-count=\"inputs\">"),
        summary.inputs.len().to_string()
    );
    assert_eq!(after(&html, "data-count=\"actions\">"), "102");
    assert_eq!(after(&html, "data-count=\"figures\">"), "191");
    assert_eq!(after(&html, "data-count=\"error\">"), count("error"));
    assert_eq!(after(&html, "data-count=\"warning\">"), count("warning"));
    assert_eq!(after(&html, "data-count=\"info\">"), count("info"));
    assert_eq!(after(&html, "data-count=\"failed\">"), "0");
    // The chart: every objective, with what is listed and what the report declares.
    assert_eq!(html.matches("<g class=\"obj ").count(), 23);
    assert!(html.contains("data-objective=\"7\" data-listed=\"12\" data-declared=\"27\""));
    assert!(html.contains(
        "<g class=\"obj none\" data-objective=\"19\" data-listed=\"0\" data-declared=\"0\""
    ));
    // The embedded data the script draws from: every action and every flag.
    let data = |id: &str| -> Vec<serde_json::Value> {
        let start = html.find(&format!("id=\"{id}\">")).unwrap() + id.len() + 6;
        let end = start + html[start..].find("</script>").unwrap();
        serde_json::from_str(&html[start..end].replace("<\\/", "</")).unwrap()
    };
    assert_eq!(data("data-actions").len(), 102);
    assert_eq!(data("data-flags").len(), flags.len());
}

#[test]
fn the_workbook_has_typed_sheets_with_sources() {
    let (out, _) = run_fixture();
    let mut wb: Xlsx<_> = open_workbook(out.path().join("informe.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Acciones",
            "Cifras",
            "Periodos",
            "Dependencias",
            "Alertas",
            "Entradas"
        ]
    );
    let acciones = wb.worksheet_range("Acciones").unwrap();
    assert_eq!(acciones.height(), 103);
    assert_eq!(acciones.get((0, 0)), Some(&Data::String("id".into())));
    assert!(matches!(acciones.get((1, 1)), Some(Data::Float(v)) if *v == 1.0));
    // Source on every row: file, page (empty for text without pages), line.
    assert!(
        matches!(acciones.get((1, 8)), Some(Data::String(f)) if f == "fixtures/informe-ejecutivo-2021.txt")
    );
    assert!(matches!(acciones.get((1, 10)), Some(Data::Float(l)) if *l == 200.0));
    let cifras = wb.worksheet_range("Cifras").unwrap();
    assert_eq!(cifras.height(), 192);
    assert!(matches!(cifras.get((1, 2)), Some(Data::Float(v)) if *v == 291.0));
    // Dates are dates: the period of the first figure starts in October 2020.
    match cifras.get((1, 8)) {
        // Excel's serial number of 2020-10-01.
        Some(Data::DateTime(d)) => assert_eq!(d.as_f64(), 44105.0),
        other => panic!("{other:?}"),
    }
    let periodos = wb.worksheet_range("Periodos").unwrap();
    assert_eq!(periodos.height(), 114);
    let alertas = wb.worksheet_range("Alertas").unwrap();
    assert_eq!(alertas.height(), 32);
    let dependencias = wb.worksheet_range("Dependencias").unwrap();
    assert_eq!(dependencias.height(), 165);
}

#[test]
fn format_chooses_the_outputs() {
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_informe"))
        .args([
            "extract",
            "--quiet",
            "--in-process",
            "--format",
            "xlsx,html",
            "fixtures/informe-ejecutivo-2021.txt",
            "--out",
        ])
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    for (name, present) in [
        ("informe.xlsx", true),
        ("review.html", true),
        ("actions.jsonl", false),
        ("figures.csv", false),
        ("manifest.jsonl", true),
    ] {
        assert_eq!(out.path().join(name).exists(), present, "{name}");
    }
}

/// Issue 16 (in part): the workbook's sheet of flags speaks Spanish in every column an analyst
/// reads — severity, kind, precision — with the machine code of the kind kept in its own last
/// column (`código`); review.html's flags carry the Spanish label its headings and filter show.
#[test]
fn flags_are_labelled_in_spanish_with_the_code_in_its_own_column() {
    let (out, _) = run_fixture();
    let mut wb: Xlsx<_> = open_workbook(out.path().join("informe.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Alertas").unwrap();
    let mut rows = sheet.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header.last().map(String::as_str), Some("código"));
    let codes: Vec<&str> = informe::audit::CheckId::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    let mut seen = 0;
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
        assert!(
            ["error", "advertencia", "información"].contains(&cells[0].as_str()),
            "{cells:?}"
        );
        assert!(
            codes.contains(&cells[cells.len() - 1].as_str()),
            "{cells:?}"
        );
        for cell in &cells[..cells.len() - 1] {
            assert!(
                !codes.contains(&cell.as_str()),
                "a code shown to analysts: {cells:?}"
            );
        }
        seen += 1;
    }
    assert!(seen >= 20, "{seen} flags");
    let periods = wb.worksheet_range("Periodos").unwrap();
    for row in periods.rows().skip(1) {
        let p = row[5].to_string();
        assert!(["día", "mes", "año"].contains(&p.as_str()), "{p}");
    }
    let html = std::fs::read_to_string(out.path().join("review.html")).unwrap();
    assert!(html.contains("\"label\":\"Partes que no suman el total\""));
}

/// Issue 16: in a run of the report and submissions, the chart compares what the report
/// declares with the actions the report itself lists (objective 7: the report lists 12 and
/// declares 27; the submissions add actions of their own), not with every input's actions.
#[test]
fn the_chart_compares_declared_counts_with_the_declaring_inputs_actions() {
    let out = tempfile::tempdir().unwrap();
    let rules = Rules::load(Path::new("rules/gcm")).unwrap();
    let inputs = collect_inputs(&[
        "fixtures/informe-ejecutivo-2021.txt".into(),
        "fixtures/compile".into(),
    ]);
    run(&inputs, &rules, out.path(), None).unwrap();
    let html = std::fs::read_to_string(out.path().join("review.html")).unwrap();
    let seven = &html[html.find("data-objective=\"7\"").unwrap()..];
    let text = after(seven, "<text class=\"n\"");
    assert!(
        text.ends_with("(en los informes que declaran: 12 / 27)"),
        "{text}"
    );
}

#[test]
fn workbook_cells_keep_at_most_32000_characters_counted_as_characters() {
    // Excel refuses a cell over 32,767 characters: a longer action is cut to 32,000 characters,
    // and a text of fewer characters is kept whole however many bytes it takes (ñ is two).
    let dir = tempfile::tempdir().unwrap();
    let long = format!("Se realizaron {}", "talleres ".repeat(4_000));
    let wide = format!("Se atendió {}", "ñ".repeat(20_000));
    let input = dir.path().join("largo.txt");
    std::fs::write(
        &input,
        format!(
            "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración\n● {long}\n● {wide}\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let rules = Rules::load(Path::new("rules/gcm")).unwrap();
    run(&collect_inputs(&[input]), &rules, &out, None).unwrap();
    let mut wb: Xlsx<_> = open_workbook(out.join("informe.xlsx")).unwrap();
    let acciones = wb.worksheet_range("Acciones").unwrap();
    let text = |row: usize| match acciones.get((row, 5)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("{other:?}"),
    };
    let (first, second) = (text(1), text(2));
    assert_eq!(first.chars().count(), 32_000);
    assert!(long.trim_end().starts_with(&first));
    assert_eq!(second, wide);
}

/// The workbook's sheets wait in temporary files inside `--out`: a run whose system temporary
/// folder is missing (TMPDIR names no folder) still writes `informe.xlsx`. With
/// rust_xlsxwriter 0.94 every sheet opened a temporary file in TMPDIR and panicked when it could
/// not: the run ended with exit code 101 and no workbook.
#[test]
fn the_workbook_needs_no_system_temporary_folder() {
    let out = tempfile::tempdir().unwrap();
    let missing = out.path().join("no-such-folder");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_informe"))
        .env("TMPDIR", &missing)
        .args([
            "extract",
            "--quiet",
            "--in-process",
            "fixtures/informe-ejecutivo-2021.txt",
            "--out",
        ])
        .arg(out.path().join("run"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}: {stderr}", output.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let mut wb: Xlsx<_> = open_workbook(out.path().join("run/informe.xlsx")).unwrap();
    let acciones = wb.worksheet_range("Acciones").unwrap();
    assert_eq!(
        acciones.height(),
        1 + 102,
        "a header and the report's 102 actions"
    );
    assert!(!missing.exists());
}
