//! PDF input on the fixtures made by fixtures/pdf/make_pdf_fixtures.py (see its README for what
//! each one holds): the same records as the text path, pages and boxes in the provenance, and a
//! clear error for every PDF that cannot be read.

use std::path::Path;

use informe::{process_file, Extracted, InputError, Rules};

fn rules() -> Rules {
    Rules::load(Path::new("rules/gcm")).unwrap()
}

fn read(name: &str) -> Result<Extracted, InputError> {
    process_file(&Path::new("fixtures/pdf").join(name), &rules())
}

/// Text without white space: line breaks and spaces differ between a PDF and a text export.
fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

type Essence = Vec<(u32, String, Vec<String>)>;
/// Objective, value, unit, period start and end of a figure.
type FigureKey = (u32, String, Option<String>, Option<String>, Option<String>);

fn essence(ex: &Extracted) -> Essence {
    let mut v: Essence = ex
        .actions
        .iter()
        .map(|a| {
            (
                a.objective,
                squash(&a.text),
                a.sub_items.iter().map(|s| squash(&s.text)).collect(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn the_2021_report_rebuilt_as_pdf_gives_the_text_path_records() {
    let rules = rules();
    let text = process_file(Path::new("fixtures/informe-ejecutivo-2021.txt"), &rules).unwrap();
    let pdf = process_file(Path::new("fixtures/pdf/informe-2021-sidebox.pdf"), &rules).unwrap();
    assert_eq!(pdf.source.format, "application/pdf");
    assert_eq!(pdf.actions.len(), 102);
    assert_eq!(essence(&pdf), essence(&text));
    // The same objectives, with the same no-activities lines.
    let per = |ex: &Extracted| -> Vec<(u32, usize, bool)> {
        ex.objectives
            .iter()
            .map(|o| (o.number, o.actions, o.no_activities.is_some()))
            .collect()
    };
    assert_eq!(per(&pdf), per(&text));
    // The same figures: objective, value, unit, period.
    let figures = |ex: &Extracted| {
        let mut v: Vec<FigureKey> = ex
            .actions
            .iter()
            .flat_map(|a| {
                a.figures.iter().map(move |f| {
                    let p = f.period.map(|i| &a.periods[i]);
                    (
                        a.objective,
                        f.value.to_string(),
                        f.unit.clone(),
                        p.and_then(|p| p.start.clone()),
                        p.and_then(|p| p.end.clone()),
                    )
                })
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(figures(&pdf), figures(&text));
    // Headings were placed by geometry: both sides of the page, before their bullets.
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    // Every action and figure has its page and box; pages go forward.
    let mut last_page = 0;
    for a in &pdf.actions {
        let page = a.provenance.page.expect("page");
        assert!(page >= last_page);
        last_page = page;
        let b = a.provenance.bbox.expect("bbox");
        assert_eq!(b.page, page);
        assert!(
            b.x0 < b.x1 && b.y0 < b.y1 && b.x1 <= 596.0 && b.y1 <= 842.0,
            "{b:?}"
        );
        for f in &a.figures {
            assert!(f
                .provenance
                .bbox
                .is_some_and(|fb| fb.page == f.provenance.page.unwrap_or(0)));
        }
    }
    // Objective 1 is on pages 1–2, objective 23 on 39–40 (fixtures/pdf/README.md).
    let pages_of = |o: u32| -> Vec<u32> {
        pdf.actions
            .iter()
            .filter(|a| a.objective == o)
            .map(|a| a.provenance.page.unwrap())
            .collect()
    };
    assert_eq!(pages_of(1).first(), Some(&1));
    assert_eq!(pages_of(23).first(), Some(&39));
    // The last action starts on page 39 and ends on page 40.
    let last = pdf.actions.last().unwrap();
    let end_page = pdf
        .pages
        .iter()
        .rev()
        .find(|p| p.offset <= last.provenance.span[1])
        .map(|p| p.page);
    assert_eq!(end_page, Some(40));
    // Running headers and page numbers are not part of any action.
    assert!(pdf
        .actions
        .iter()
        .all(|a| !a.text.contains("Informe Ejecutivo 2021")));
    assert_eq!(pdf.pages.len(), 40);
}

#[test]
fn spans_of_a_pdf_point_into_the_extracted_pages() {
    let pdf = read("informe-2021-sidebox.pdf").unwrap();
    let a = pdf
        .actions
        .iter()
        .find(|a| a.text.contains("313,863"))
        .unwrap();
    let f = a.figures.iter().find(|f| f.raw == "313,863").unwrap();
    let page = pdf
        .pages
        .iter()
        .find(|p| Some(p.page) == f.provenance.page)
        .unwrap();
    let [s, e] = f.provenance.span;
    assert_eq!(&page.text[s - page.offset..e - page.offset], "313,863");
}

#[test]
fn word_pdf_with_symbol_bullets() {
    let ex = read("submission-word-symbol-bullets.pdf").unwrap();
    let got: Vec<(u32, usize, Option<u32>)> = ex
        .actions
        .iter()
        .map(|a| (a.objective, a.sub_items.len(), a.provenance.page))
        .collect();
    // Objective 14's heading ends page 1 and its bullet starts page 2.
    assert_eq!(
        got,
        [
            (3, 0, Some(1)),
            (3, 0, Some(1)),
            (7, 2, Some(1)),
            (7, 0, Some(1)),
            (14, 0, Some(2))
        ]
    );
    assert_eq!(ex.actions[0].marker, "\u{F0B7}");
    assert_eq!(
        ex.actions[2].sub_items[1].text,
        "6,562 casos en el resto del mundo."
    );
}

#[test]
fn encrypted_with_an_empty_password_and_rotated_pages_read_as_the_plain_file() {
    let plain = read("submission-word-symbol-bullets.pdf").unwrap();
    let encrypted = read("encrypted-empty-password.pdf").unwrap();
    assert_eq!(essence(&encrypted), essence(&plain));
    let rotated = read("rotated-page.pdf").unwrap();
    assert_eq!(essence(&rotated), essence(&plain));
    // Page 1 is displayed landscape: its boxes use the rotated page's width (842 pt).
    let b = rotated.actions[0].provenance.bbox.unwrap();
    assert_eq!(b.page, 1);
    assert!(b.x1 > 600.0, "{b:?}");
    assert!(rotated.pages[0].width > rotated.pages[0].height || rotated.pages[0].height > 800.0);
}

#[test]
fn two_columns_footers_and_footnotes() {
    let ex = read("two-columns-footnotes.pdf").unwrap();
    let starts: Vec<(u32, String)> = ex
        .actions
        .iter()
        .map(|a| (a.objective, a.text.chars().take(20).collect()))
        .collect();
    // Left column first, then the right column (fixtures/pdf/README.md).
    let want = [
        (15, "El Plan Integral de "),
        (15, "La Estrategia Transv"),
        (15, "El 15 enero de 2020,"),
        (15, "Desde 2003 a la fech"),
        (15, "La estrategia para e"),
        (15, "En cuanto al procedi"),
        (16, "La Campaña de Doble "),
        (16, "Programa de Intercam"),
        (16, "IME Becas es una act"),
    ];
    let want: Vec<(u32, String)> = want.iter().map(|(o, s)| (*o, s.to_string())).collect();
    assert_eq!(starts, want);
    // The AT&T bullet is split by the column break and read whole.
    assert!(squash(&ex.actions[2].text).ends_with(&squash("realizadas a 26 países.")));
    // Footnotes at the page foot are elements, and their markers references.
    let notes: Vec<(u32, &str)> = ex
        .footnotes
        .iter()
        .map(|f| (f.number, f.text.as_str()))
        .collect();
    assert_eq!(
        notes,
        [
            (1, "Información proporcionada por el ISSSTE."),
            (2, "Datos al 30 de junio de 2021.")
        ]
    );
    let refs: Vec<(usize, u32)> = ex
        .actions
        .iter()
        .enumerate()
        .flat_map(|(i, a)| a.footnote_refs.iter().map(move |r| (i, r.number)))
        .collect();
    assert_eq!(refs, [(1, 1), (3, 2)]);
    // Running header and page numbers are gone.
    assert!(ex
        .actions
        .iter()
        .all(|a| !a.text.contains("Compendio General")));
}

#[test]
fn unreadable_pdfs_are_clear_errors() {
    match read("password-required.pdf") {
        Err(e @ InputError::PdfPassword { .. }) => {
            assert!(e
                .to_string()
                .contains("password-required.pdf: the PDF needs a password"))
        }
        other => panic!("{other:?}"),
    }
    match read("no-text-layer.pdf") {
        Err(e @ InputError::PdfNoText { .. }) => {
            assert!(e.to_string().contains("no text layer on pages 1, 2"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    // Not a PDF past its header, and a truncated one.
    let rules = rules();
    for bytes in [
        &b"%PDF-1.7\n"[..],
        &std::fs::read("fixtures/pdf/two-columns-footnotes.pdf").unwrap()[..2000],
    ] {
        let e = informe::process_bytes("broken.pdf", bytes, &rules).unwrap_err();
        assert!(e.to_string().starts_with("broken.pdf: "), "{e}");
    }
}

#[test]
fn a_page_drawn_with_quote_operators_is_read_another_way_and_says_so() {
    // fixtures/pdf/make_quote_operator_pdf.py: lines drawn with ', which pdf-extract skips.
    let ex = read("quote-operator-lines.pdf").unwrap();
    let got: Vec<(u32, Option<u32>)> = ex
        .actions
        .iter()
        .map(|a| (a.objective, a.provenance.page))
        .collect();
    assert_eq!(
        got,
        [
            (7, Some(1)),
            (7, Some(1)),
            (7, Some(1)),
            (7, Some(1)),
            (15, Some(1)),
            (15, Some(1))
        ]
    );
    // Read without positions: no boxes, and the page's problem is a warning of the run.
    assert!(ex.actions.iter().all(|a| a.provenance.bbox.is_none()));
    assert_eq!(ex.pages[0].method, "lopdf-text");
    assert!(ex.warnings.iter().any(|w| w
        .message
        .contains("page 1: the page draws text with the ' and \" operators")));
    let f = &ex.actions[0].figures[0];
    assert_eq!((f.raw.as_str(), f.unit.as_deref()), ("1,250", Some("caso")));
}
