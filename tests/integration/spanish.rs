//! Issue 16: analysts read Spanish. review.html and the workbook show no machine code and no
//! English to them (the codes stay in their own columns), whatever the terminal's locale; the
//! command line speaks Spanish under `LANG=es_MX.UTF-8` and English otherwise.

use std::path::Path;
use std::process::{Command, Output};

use calamine::{open_workbook, Reader, Xlsx};

fn informe(lang: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_informe"))
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .output()
        .unwrap()
}

/// A folder of submissions with one of each fate: read (text, .docx, PDF), failed (a damaged
/// PDF, an empty file), skipped (an image, a hidden file).
fn submissions(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for f in std::fs::read_dir("fixtures/compile").unwrap() {
        let p = f.unwrap().path();
        if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("txt" | "docx" | "pdf")
        ) {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(dir.join("roto.pdf"), b"%PDF-1.4\ngarbage").unwrap();
    std::fs::write(dir.join("vacio.txt"), b"").unwrap();
    std::fs::write(dir.join("foto.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    std::fs::write(dir.join(".oculto.txt"), b"hola").unwrap();
}

/// The machine codes an analyst must not see: every check's kind, every input's reason, every
/// note of a figure or period, the severities and statuses in English.
fn codes(run: &Path) -> Vec<String> {
    let mut codes: Vec<String> = informe::audit::CheckId::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    codes.extend(
        [
            "published_vs_submissions",
            "not_report",
            "pdf_unreadable",
            "empty",
            "in_words",
            "irregular_separator",
            "repeated_words",
            "end_before_start",
            "warning",
            "failed",
            "skipped",
            "month",
            "variant",
            "acronym",
        ]
        .map(String::from),
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("run.json")).unwrap()).unwrap();
    for i in manifest["inputs"].as_array().unwrap() {
        if let Some(r) = i["reason"].as_str() {
            codes.push(r.to_string());
        }
    }
    codes.sort();
    codes.dedup();
    codes
}

/// English an analyst must not see (words of informe's own English messages).
const ENGLISH: &[&str] = &[
    "cannot",
    "the file",
    "not a report",
    "hidden",
    "is empty",
    "worker",
    "flags",
    "actions",
    "Warning",
    "Failed",
    "skipped",
    "no text layer",
    "pages",
];

/// Whether `text` shows `code` as a word of its own (not inside a longer word or a path).
fn shows(text: &str, code: &str) -> bool {
    text.match_indices(code).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + code.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !word(before) && !word(after) && before != Some('/') && before != Some('.')
    })
}

fn assert_spanish(place: &str, text: &str, codes: &[String]) {
    for code in codes {
        assert!(
            !shows(text, code),
            "{place} shows the code {code:?}: {text:?}"
        );
    }
    for english in ENGLISH {
        assert!(
            !text.contains(english),
            "{place} shows English {english:?}: {text:?}"
        );
    }
}

/// The text review.html shows before its script runs: outside `<script>` and `<style>`, tags
/// taken out.
fn static_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        out.push(' ');
        rest = &rest[at..];
        let skip_to = ["<script", "<style"]
            .iter()
            .find(|t| rest.starts_with(**t))
            .map(|t| format!("</{}>", &t[1..]));
        let end = match skip_to {
            Some(close) => rest.find(&close).map_or(rest.len(), |e| e + close.len()),
            None => rest.find('>').map_or(rest.len(), |e| e + 1),
        };
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The JSON the page's script draws from (`<script type="application/json" id="ID">`).
fn page_data(html: &str, id: &str) -> serde_json::Value {
    let open = format!("<script type=\"application/json\" id=\"{id}\">");
    let at = html.find(&open).unwrap() + open.len();
    let end = at + html[at..].find("</script>").unwrap();
    serde_json::from_str(&html[at..end]).unwrap()
}

#[test]
fn review_html_and_the_workbook_show_analysts_no_code_and_no_english() {
    let work = tempfile::tempdir().unwrap();
    let (inputs, run) = (work.path().join("envios"), work.path().join("salida"));
    submissions(&inputs);
    // An English terminal: the files for analysts are Spanish whatever the locale.
    let extract = informe(
        "C.UTF-8",
        &[
            "extract",
            inputs.to_str().unwrap(),
            "--out",
            run.to_str().unwrap(),
            "-q",
        ],
    );
    assert_eq!(extract.status.code(), Some(1), "{extract:?}");
    let compile = informe(
        "C.UTF-8",
        &[
            "compile",
            run.to_str().unwrap(),
            "--against",
            "fixtures/compile-published-report.txt",
        ],
    );
    assert!(compile.status.success(), "{compile:?}");
    let codes = codes(&run);
    assert!(codes.contains(&"pdf_unreadable".to_string()), "{codes:?}");

    let html = std::fs::read_to_string(run.join("review.html")).unwrap();
    let shown = static_text(&html);
    // What the page must show: the failures with their reasons, the comparison.
    for expected in [
        "Entradas que no se pudieron leer",
        "roto.pdf: no se puede leer el PDF: ningún lector lo puede abrir",
        "vacio.txt: el archivo está vacío",
        "Comparación con el informe publicado",
        "retos de «Capacidades institucionales",
    ] {
        assert!(shown.contains(expected), "no {expected:?} in {shown}");
    }
    assert_spanish("review.html", &shown, &codes);
    let flags = page_data(&html, "data-flags");
    for f in flags.as_array().unwrap() {
        for key in ["label", "msg"] {
            assert_spanish("review.html's flags", f[key].as_str().unwrap(), &codes);
        }
    }

    let mut wb: Xlsx<_> = open_workbook(run.join("informe.xlsx")).unwrap();
    let mut seen = Vec::new();
    for (name, range) in wb.worksheets() {
        let mut rows = range.rows();
        let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
        assert_spanish(
            &format!("the header of sheet {name}"),
            &header.join(" | "),
            &codes,
        );
        for row in rows {
            for (cell, column) in row.iter().zip(&header) {
                // The code column keeps the codes; paths and ids are not words.
                if ["código", "archivo", "id", "acción", "archivo del informe"]
                    .contains(&column.as_str())
                {
                    continue;
                }
                let place = format!("sheet {name}, column {column}");
                assert_spanish(&place, &cell.to_string(), &codes);
            }
        }
        seen.push(name);
    }
    for sheet in ["Alertas", "Entradas", "Informe publicado"] {
        assert!(
            seen.iter().any(|s| s == sheet),
            "no sheet {sheet}: {seen:?}"
        );
    }
    // Every input has its row in Entradas, with its reason in Spanish and its code aside.
    let entradas = wb.worksheet_range("Entradas").unwrap();
    let rows: Vec<Vec<String>> = entradas
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows.len(), 1 + 12, "{rows:?}");
    let roto = rows.iter().find(|r| r[0].ends_with("roto.pdf")).unwrap();
    assert_eq!(roto[1], "fallida");
    assert!(roto[2].contains("ningún lector lo puede abrir"), "{roto:?}");
    assert_eq!(roto.last().map(String::as_str), Some("pdf_unreadable"));
    let png = rows.iter().find(|r| r[0].ends_with("foto.png")).unwrap();
    assert_eq!(png[1], "omitida");
    assert!(
        png[2].contains("no es un archivo de informe (.png)"),
        "{png:?}"
    );
}

#[test]
fn the_command_line_speaks_spanish_under_a_spanish_locale_and_english_otherwise() {
    let work = tempfile::tempdir().unwrap();
    let (inputs, run) = (work.path().join("envios"), work.path().join("salida"));
    submissions(&inputs);
    let (inputs, run) = (inputs.to_str().unwrap(), run.to_str().unwrap());

    let help = informe("es_MX.UTF-8", &["extract", "--help"]);
    let text = String::from_utf8(help.stdout).unwrap();
    assert!(help.status.success());
    for spanish in [
        "Uso: informe extract [OPCIONES]",
        "Opciones:",
        "Carpeta de salida",
        "Códigos de salida:",
    ] {
        assert!(text.contains(spanish), "no {spanish:?} in {text}");
    }
    for english in ["Usage", "Options", "Output folder", "Print help"] {
        assert!(!text.contains(english), "{english:?} in {text}");
    }

    // A usage error, a run with failures, an error of the run: Spanish, same exit codes.
    let bad = informe("es_MX.UTF-8", &["extract", inputs, "--timeout", "0"]);
    let err = String::from_utf8(bad.stderr).unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(err.contains("valor no válido '0' para '--timeout"), "{err}");
    assert!(
        err.contains("un límite de tiempo debe ser de más de 0 segundos"),
        "{err}"
    );

    let es = informe("es_MX.UTF-8", &["extract", inputs, "--out", run]);
    let out = String::from_utf8(es.stdout).unwrap();
    assert_eq!(es.status.code(), Some(1));
    assert!(out.contains("FALLÓ "), "{out}");
    assert!(out.contains("vacio.txt: el archivo está vacío"), "{out}");
    assert!(out.contains("omitido "), "{out}");
    assert!(
        out.contains("12 entradas: 8 bien, 2 fallidas, 2 omitidas;"),
        "{out}"
    );
    for english in [
        "FAILED", "inputs:", "actions", "figures", "skipped", "cannot",
    ] {
        assert!(!out.contains(english), "{english:?} in {out}");
    }
    let compile = informe("es_MX.UTF-8", &["compile", run]);
    let said = String::from_utf8(compile.stdout).unwrap();
    assert!(
        said.contains(" acciones, 12 objetivos sin acciones, 8 dependencias, "),
        "{said}"
    );

    let locked = work.path().join("vacia");
    std::fs::create_dir(&locked).unwrap();
    let nothing = informe("es_MX.UTF-8", &["extract", locked.to_str().unwrap()]);
    let err = String::from_utf8(nothing.stderr).unwrap();
    assert_eq!(nothing.status.code(), Some(2));
    assert!(
        err.starts_with("informe: error: nada que hacer: no hay archivos en "),
        "{err}"
    );

    // A page's problems, as `informe text` reports them.
    let text = informe(
        "es_MX.UTF-8",
        &["text", "fixtures/pdf/quote-operator-lines.pdf"],
    );
    let err = String::from_utf8(text.stderr).unwrap();
    assert!(
        err.contains(": página 1: la página dibuja texto con los operadores"),
        "{err}"
    );

    // The same under an English locale, and when no locale is set.
    for lang in ["en_US.UTF-8", "C", ""] {
        let en = informe(lang, &["extract", inputs, "--out", run]);
        let out = String::from_utf8(en.stdout).unwrap();
        assert_eq!(en.status.code(), Some(1));
        assert!(out.contains("FAILED "), "{lang}: {out}");
        assert!(
            out.contains("vacio.txt: the file is empty"),
            "{lang}: {out}"
        );
        assert!(
            out.contains("12 inputs: 8 ok, 2 failed, 2 skipped;"),
            "{lang}: {out}"
        );
        let help = informe(lang, &["extract", "--help"]);
        assert!(String::from_utf8(help.stdout)
            .unwrap()
            .contains("Usage: informe extract"));
    }
}
