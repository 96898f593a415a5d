//! `informe compile` on one cycle's submissions (fixtures/compile: PDF, .docx, UTF-8 and
//! Windows-1252 text). The expected tables were counted by hand from the submissions, not from
//! informe's output.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

fn informe() -> Command {
    Command::cargo_bin("informe").unwrap()
}

/// Extracts fixtures/compile into a fresh folder and compiles it, optionally against the
/// published report.
fn compiled(against: bool) -> (tempfile::TempDir, std::process::Output) {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("run");
    let extract = informe()
        .args(["extract", "fixtures/compile", "--out"])
        .arg(&out)
        .args(["--quiet"])
        .output()
        .unwrap();
    assert!(
        extract.status.success(),
        "extract failed: {}",
        String::from_utf8_lossy(&extract.stderr)
    );
    let mut cmd = informe();
    cmd.arg("compile").arg(&out);
    if against {
        cmd.args(["--against", "fixtures/compile-published-report.txt"]);
    }
    let result = cmd.output().unwrap();
    assert!(
        result.status.success(),
        "compile failed: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    (work, result)
}

/// resumen.csv as (table, key) → (name, value) rows, in file order.
fn table(run: &Path) -> Vec<(String, String, String, String)> {
    let mut r = csv::Reader::from_path(run.join("resumen.csv")).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[0].trim_start_matches('\u{FEFF}').to_string(),
                rec[1].to_string(),
                rec[2].to_string(),
                rec[3].to_string(),
            )
        })
        .collect()
}

fn rows<'a>(
    t: &'a [(String, String, String, String)],
    kind: &str,
) -> Vec<&'a (String, String, String, String)> {
    t.iter().filter(|r| r.0 == kind).collect()
}

#[test]
fn summary_tables_match_the_hand_count() {
    let (work, _) = compiled(false);
    let run = work.path().join("run");
    let t = table(&run);

    // Actions per objective, counted by hand from the eight submissions.
    let expected: BTreeMap<u32, usize> = [
        (3, 2),
        (4, 1),
        (5, 1),
        (6, 2),
        (7, 7),
        (11, 1),
        (12, 2),
        (14, 2),
        (15, 5),
        (17, 2),
        (18, 1),
    ]
    .into_iter()
    .collect();
    let per_objective = rows(&t, "objetivo");
    assert_eq!(per_objective.len(), 23);
    for r in &per_objective {
        let n: u32 = r.1.parse().unwrap();
        let want = expected.get(&n).copied().unwrap_or(0);
        assert_eq!(r.3, want.to_string(), "objective {n}");
    }

    // Sorted by actions, most first, ties in objective order.
    let sorted: Vec<&str> = rows(&t, "objetivo_ordenado")
        .iter()
        .map(|r| r.1.as_str())
        .collect();
    assert_eq!(
        sorted[..11],
        ["7", "15", "3", "6", "12", "14", "17", "4", "5", "11", "18"]
    );
    assert_eq!(sorted.len(), 23);

    // Most and fewest, written as the report writes ties.
    let most: Vec<(&str, &str)> = rows(&t, "mas_acciones")
        .iter()
        .map(|r| (r.1.as_str(), r.2.as_str()))
        .collect();
    assert_eq!(
        most,
        vec![("7", "7"), ("15", "5"), ("3 6 12 14 17", "2 C/U")]
    );
    let fewest: Vec<(&str, &str)> = rows(&t, "menos_acciones")
        .iter()
        .map(|r| (r.1.as_str(), r.2.as_str()))
        .collect();
    assert_eq!(fewest, vec![("1 2 8 9 10 13 16 19 20 21 22 23", "0 C/U")]);
    let none: Vec<&str> = rows(&t, "sin_acciones")
        .iter()
        .map(|r| r.1.as_str())
        .collect();
    assert_eq!(
        none,
        ["1", "2", "8", "9", "10", "13", "16", "19", "20", "21", "22", "23"]
    );

    // Every submission counted under its agency, whatever its format.
    let agencies: BTreeMap<&str, &str> = rows(&t, "dependencia")
        .iter()
        .map(|r| (r.1.as_str(), r.3.as_str()))
        .collect();
    let want: BTreeMap<&str, &str> = [
        ("SRE", "7"),
        ("INM", "4"),
        ("SEP", "3"),
        ("STPS", "3"),
        ("CNDH", "3"),
        ("IMSS", "2"),
        ("SNDIF", "2"),
        ("COMAR", "2"),
    ]
    .into_iter()
    .collect();
    assert_eq!(agencies, want);

    // Challenges by category (a statement may count in more than one), and the one that fits none.
    let challenges: BTreeMap<&str, &str> = rows(&t, "reto")
        .iter()
        .map(|r| (r.1.as_str(), r.3.as_str()))
        .collect();
    let want: BTreeMap<&str, &str> = [
        ("capacidad_institucional", "1"),
        ("informacion", "0"),
        ("coordinacion", "1"),
        ("capacitacion", "1"),
        ("politica_local", "1"),
        ("leyes", "1"),
        ("seguimiento_usuarios", "0"),
        ("mas_actores", "1"),
        ("genero", "1"),
        ("derechos_humanos", "1"),
        ("gobernanza", "1"),
        ("identidad", "1"),
        ("consular", "1"),
        ("aplicacion_local", "0"),
        ("migracion_irregular", "1"),
    ]
    .into_iter()
    .collect();
    assert_eq!(challenges, want);
    let unmatched: Vec<&str> = rows(&t, "reto_sin_categoria")
        .iter()
        .map(|r| r.2.as_str())
        .collect();
    assert_eq!(
        unmatched,
        ["El clima extremo dificulta las jornadas de atención en campo."]
    );

    // The same tables in Markdown, and the chart with one bar per objective.
    let md = std::fs::read_to_string(run.join("resumen.md")).unwrap();
    assert!(md.contains("Total de programas y acciones: 26"), "{md}");
    assert!(md.contains("| 2 C/U |"), "{md}");
    assert!(md.contains("## Dependencias participantes (8)"), "{md}");
    assert!(
        md.contains("- El clima extremo dificulta las jornadas de atención en campo."),
        "{md}"
    );
    let svg = std::fs::read_to_string(run.join("resumen.svg")).unwrap();
    assert_eq!(svg.matches("<rect").count(), 23);
}

/// word/document.xml's paragraphs as (style, text).
/// The `word/document.xml` of a .docx.
fn document_xml(path: &Path) -> String {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut xml = String::new();
    z.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

fn docx_paragraphs(path: &Path) -> Vec<(String, String)> {
    let xml = document_xml(path);
    // Every paragraph ends with `</w:p>`; what follows the last one holds no text.
    xml.split("</w:p>")
        .filter(|p| p.contains("<w:t"))
        .map(|p| {
            let style = p
                .split("<w:pStyle w:val=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or("Normal")
                .to_string();
            let text: String = p
                .split("<w:t xml:space=\"preserve\">")
                .skip(1)
                .filter_map(|t| t.split("</w:t>").next())
                .collect();
            (style, text.replace("&amp;", "&").replace("&lt;", "<"))
        })
        .collect()
}

#[test]
fn compendium_groups_every_action_by_objective_then_agency() {
    let (work, _) = compiled(false);
    let run = work.path().join("run");
    let paras = docx_paragraphs(&run.join("compendio.docx"));
    let headings: Vec<&str> = paras
        .iter()
        .filter(|p| p.0 == "Heading1")
        .map(|p| p.1.as_str())
        .collect();
    assert_eq!(headings.len(), 24, "title + 23 objectives: {headings:?}");
    assert_eq!(headings[0], "Compendio General");
    assert!(headings[7].starts_with("Objetivo 7. Abordar y reducir"));
    let items = paras.iter().filter(|p| p.0 == "ListParagraph").count();
    assert_eq!(items, 26, "one list item per action");

    // Under objective 7 come the agencies that reported on it, each once.
    let start = paras
        .iter()
        .position(|p| p.1.starts_with("Objetivo 7."))
        .unwrap();
    let end = paras
        .iter()
        .position(|p| p.1.starts_with("Objetivo 8."))
        .unwrap();
    let agencies: Vec<&str> = paras[start..end]
        .iter()
        .filter(|p| p.0 == "Heading2")
        .map(|p| p.1.as_str())
        .collect();
    let mut sorted = agencies.clone();
    sorted.dedup();
    assert_eq!(agencies, sorted, "an agency appears once per objective");
    assert!(agencies.contains(&"SRE") && agencies.contains(&"CNDH"));

    // Each action points back to its submission, including the PDF page.
    assert!(paras
        .iter()
        .any(|p| p.1.contains("Fuente: fixtures/compile/sre.pdf, página 1")));
    // Objectives with nothing reported say so instead of staying blank.
    let after_1 = &paras[2];
    assert_eq!(
        after_1.1,
        "No se registraron actividades correspondientes a este objetivo."
    );

    // informe itself reads the compendium back as a Word document.
    let text = informe()
        .arg("text")
        .arg(run.join("compendio.docx"))
        .output()
        .unwrap();
    assert!(text.status.success());
    assert!(String::from_utf8_lossy(&text.stdout).contains("Objetivo 23."));
}

#[test]
fn published_report_is_checked_against_the_submissions() {
    let (work, result) = compiled(true);
    let run = work.path().join("run");
    let flags: Vec<serde_json::Value> = std::fs::read_to_string(run.join("compile_flags.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let messages: Vec<&str> = flags
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    // The published report says 9 for objective 7, 30 in total, 9 agencies and 3 challenges of
    // institutional capacity; the submissions hold 7, 26, 8 and 1. Objective 15 (5) and
    // irregular migration (1) agree and must not be flagged.
    assert_eq!(flags.len(), 4, "{messages:#?}");
    for (declared, have, what) in [
        ("9", "7", "objetivo 7"),
        ("30", "26", "total de programas y acciones"),
        ("9", "8", "dependencias participantes"),
        (
            "3",
            "1",
            "retos de «Capacidades institucionales: recursos financieros, materiales, humanos y tecnológicos»",
        ),
    ] {
        assert!(
            messages
                .iter()
                .any(|m| m.contains(&format!("declara {declared} para {what};"))
                    && m.contains(&format!("contienen {have}."))),
            "no flag for {what}: {messages:#?}"
        );
    }
    for f in &flags {
        assert_eq!(f["kind"], "published_vs_submissions");
        // Both sources are named: the report with its line, the run's actions.
        assert_eq!(
            f["provenance"]["file"],
            "fixtures/compile-published-report.txt"
        );
        assert!(f["provenance"]["line"].as_u64().is_some());
        // The span points at the declared number in the report.
        let report = std::fs::read("fixtures/compile-published-report.txt").unwrap();
        let span = &f["provenance"]["span"];
        let (a, b) = (
            span[0].as_u64().unwrap() as usize,
            span[1].as_u64().unwrap() as usize,
        );
        let declared = f["message"]
            .as_str()
            .unwrap()
            .split("declara ")
            .nth(1)
            .and_then(|m| m.split(' ').next())
            .unwrap();
        let text = String::from_utf8_lossy(&report[a..b]);
        assert!(a < b && text.contains(declared), "{text:?} for {f}");
        assert!(f["related"][0].as_str().unwrap().ends_with("actions.jsonl"));
    }
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(stdout.contains("published_vs_submissions"), "{stdout}");
}

#[test]
fn compile_on_a_folder_that_is_not_a_run_says_what_to_do() {
    let work = tempfile::tempdir().unwrap();
    let result = informe().arg("compile").arg(work.path()).output().unwrap();
    assert_eq!(result.status.code(), Some(2));
    let err = String::from_utf8_lossy(&result.stderr);
    assert!(err.contains("not a run folder"), "{err}");
    assert!(err.contains("informe extract"), "{err}");
}

/// Regression (real document): "las dependencias que participaron en este ejercicio (361 actores)"
/// carries the call to footnote 1 glued to 36; compile read it as 361 participants.
#[test]
fn footnote_call_glued_to_the_participant_count_is_not_part_of_it() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("run");
    let extract = informe()
        .args([
            "extract",
            "fixtures/informe-ejecutivo-2021.txt",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(extract.status.success());
    let result = informe()
        .arg("compile")
        .arg(&out)
        .args(["--against", "fixtures/informe-ejecutivo-2021.txt"])
        .output()
        .unwrap();
    assert!(result.status.success());
    let flags = std::fs::read_to_string(out.join("compile_flags.jsonl")).unwrap();
    let participants: Vec<&str> = flags
        .lines()
        .filter(|l| l.contains("para dependencias participantes"))
        .collect();
    // Stated twice (section II and the annex), both 36; the report's own actions name no
    // submitting agency, so both differ from the run's 0.
    assert_eq!(participants.len(), 2, "{flags}");
    for l in participants {
        assert!(l.contains("declara 36 para"), "{l}");
    }
    assert!(flags
        .contains("declara 178 para total de programas y acciones; las entregas de la corrida"));
    let md = std::fs::read_to_string(out.join("resumen.md")).unwrap();
    assert!(
        md.contains("sin dependencia identificada (revisar): 102"),
        "{md}"
    );
}

/// Issue 13: each submission names its cycle in its title ("Informe de acciones 2022"), so its
/// periods are checked against July 2021–June 2022 without `--period`: the SRE's "del 1 de julio
/// de 2021 al 30 de junio de 2022" is inside it, and the README's example gives no window flag.
#[test]
fn each_submission_reads_its_window_from_its_own_title() {
    let (work, _) = compiled(false);
    let run = work.path().join("run");
    let manifest = std::fs::read_to_string(run.join("manifest.jsonl")).unwrap();
    let mut read = 0;
    for line in manifest.lines() {
        let o: serde_json::Value = serde_json::from_str(line).unwrap();
        if o["status"] == "skipped" {
            continue;
        }
        read += 1;
        assert_eq!(o["window"], "2021-06-01..2022-06-30", "{line}");
        let source = o["window_source"].as_str().unwrap();
        assert!(source.starts_with("document title year"), "{line}");
    }
    assert_eq!(read, 8);
    let flags = std::fs::read_to_string(run.join("flags.jsonl")).unwrap();
    assert!(!flags.contains("period_outside_window"), "{flags}");
}

/// The children of `w:pPr` in the order the OOXML schema (CT_PPr) requires them.
const PPR_ORDER: [&str; 36] = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
];

/// Issue 16: every paragraph's properties in compendio.docx are in schema order (docx-rs wrote
/// an empty `w:rPr` before `w:pStyle`, which Word may reject).
#[test]
fn compendium_paragraph_properties_are_in_schema_order() {
    let (work, _) = compiled(false);
    let xml = document_xml(&work.path().join("run/compendio.docx"));
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut in_ppr, mut depth, mut checked) = (false, 0usize, 0);
    let mut children: Vec<String> = Vec::new();
    loop {
        let event = reader.read_event().unwrap();
        let (name, opens, closes) = match &event {
            quick_xml::events::Event::Start(e) => {
                (e.local_name().into_inner().to_owned(), true, false)
            }
            quick_xml::events::Event::Empty(e) => {
                (e.local_name().into_inner().to_owned(), true, true)
            }
            quick_xml::events::Event::End(e) => {
                (e.local_name().into_inner().to_owned(), false, true)
            }
            quick_xml::events::Event::Eof => break,
            _ => continue,
        };
        let local = name.trim_start_matches("w:").to_string();
        if !in_ppr {
            if local == "pPr" && opens && !closes {
                (in_ppr, depth) = (true, 0);
                children.clear();
            }
            continue;
        }
        if local == "pPr" && closes && !opens && depth == 0 {
            let places: Vec<usize> = children
                .iter()
                .map(|c| {
                    PPR_ORDER
                        .iter()
                        .position(|o| o == c)
                        .unwrap_or_else(|| panic!("unknown w:pPr child {c}"))
                })
                .collect();
            assert!(
                places.windows(2).all(|w| w[0] < w[1]),
                "w:pPr children out of schema order: {children:?}"
            );
            checked += 1;
            in_ppr = false;
            continue;
        }
        if opens && depth == 0 {
            children.push(local);
        }
        if opens && !closes {
            depth += 1;
        } else if closes && !opens {
            depth -= 1;
        }
    }
    assert!(checked > 20, "only {checked} paragraph properties seen");
}

/// Issue 16: `compile --against` shows its comparison where analysts look: review.html has a
/// table of every count the published report declares next to the submissions' (the report's
/// line beside it), and the workbook a sheet of the same rows. Counted by hand: objective 7 is
/// declared 9 (line 8) and the submissions hold 7; objective 15, 5 and 5.
#[test]
fn the_comparison_with_the_published_report_is_on_the_page_and_in_the_workbook() {
    use calamine::Reader;
    let (work, _) = compiled(true);
    let run = work.path().join("run");
    let html = std::fs::read_to_string(run.join("review.html")).unwrap();
    assert!(html.contains("<h2>Comparación con el informe publicado</h2>"));
    assert!(html.contains(
        "<tr class=\"differs\"><td>objetivo 7</td><td>9</td><td>7</td><td>no</td><td>fixtures/compile-published-report.txt, línea 8</td></tr>"
    ), "{html}");
    assert!(
        html.contains("<tr class=\"agrees\"><td>objetivo 15</td><td>5</td><td>5</td><td>sí</td>")
    );
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(run.join("informe.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Informe publicado").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0][0], "qué se cuenta");
    let seven = rows.iter().find(|r| r[0] == "objetivo 7").unwrap();
    assert_eq!(&seven[1..4], ["9", "7", "no"]);
    assert!(
        seven[4].contains("compile-published-report.txt"),
        "{seven:?}"
    );
}
