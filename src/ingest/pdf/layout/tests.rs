//! Layout on hand-made pages: pieces (or glyphs) placed where a report would put them, and the
//! lines expected from their geometry. Pages are US Letter (612 × 792 pt), body type 10 pt.

use std::path::Path;

use super::{layout_page, pieces, repeated_bands, Line, PagePieces, Piece};
use crate::geometry::BBox;
use crate::ingest::pdf::glyphs::Glyph;
use crate::ingest::IngestRules;

fn layout() -> IngestRules {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/gcm/layout.toml");
    IngestRules::load(&path).expect("rules/gcm/layout.toml loads")
}

fn bbox(x0: f64, x1: f64, y: f64, size: f64) -> BBox {
    BBox {
        page: 1,
        x0: x0 as f32,
        y0: (y - 0.8 * size) as f32,
        x1: x1 as f32,
        y1: (y + 0.2 * size) as f32,
    }
}

/// A piece of 10 pt text from `x0` to `x1` on baseline `y`.
fn piece(text: &str, x0: f64, x1: f64, y: f64) -> Piece {
    sized(text, x0, x1, y, 10.0)
}

fn sized(text: &str, x0: f64, x1: f64, y: f64, size: f64) -> Piece {
    Piece {
        sub: false,
        x0,
        x1,
        y,
        size,
        text: text.to_string(),
        boxes: vec![Some(bbox(x0, x1, y, size)); text.len()],
    }
}

fn page(pieces: Vec<Piece>) -> PagePieces {
    PagePieces {
        width: 612.0,
        height: 792.0,
        pieces,
    }
}

fn texts(lines: &[Line]) -> Vec<&str> {
    lines.iter().map(|l| l.text.as_str()).collect()
}

/// A narrow left column holds "Objetivo 3." / "Proporcionar…" beside a column of bullets, and
/// comes last in the content stream. Its top (baseline 300 less one font size: 290) is just
/// above the bullet on baseline 292: the heading, joined into one line, goes right before that
/// bullet, after the bullets of the objective before it.
#[test]
fn a_side_box_heading_goes_before_the_bullets_beside_it() {
    let mut pieces: Vec<Piece> = (0..30)
        .map(|i| {
            let objective = if i < 16 { 2 } else { 3 };
            let text = format!("● Acción {i} del objetivo {objective}, con texto.");
            piece(&text, 200.0, 520.0, 100.0 + 12.0 * i as f64)
        })
        .collect();
    pieces.push(piece("Objetivo 3.", 40.0, 150.0, 300.0));
    pieces.push(piece(
        "Proporcionar información oportuna",
        40.0,
        150.0,
        312.0,
    ));

    let lines = layout_page(page(pieces), &[], &layout());
    let texts = texts(&lines);
    let heading = "Objetivo 3. Proporcionar información oportuna";
    let at = texts
        .iter()
        .position(|t| *t == heading)
        .expect("one heading line");
    // Baseline 280 is the last bullet above the box; 292 the first beside it.
    assert_eq!(texts[at - 2], "● Acción 15 del objetivo 2, con texto.");
    assert_eq!(
        texts[at - 1],
        "",
        "a gap of 20 pt before the box is a paragraph break"
    );
    assert_eq!(texts[at + 1], "", "going back up the page is a break too");
    assert_eq!(texts[at + 2], "● Acción 16 del objetivo 3, con texto.");
    // Every bullet is written once, none nested (they all stand at x = 200).
    assert_eq!(texts.iter().filter(|t| t.starts_with("● ")).count(), 30);
    assert!(texts.iter().all(|t| !t.starts_with(' ')));
    // The joined heading keeps the boxes of both lines, with a box-less space between them.
    let line = &lines[at];
    assert_eq!(line.boxes.len(), line.text.len());
    assert_eq!(line.boxes["Objetivo 3.".len()], None);
    assert_eq!(line.boxes[0].map(|b| b.y1), Some(302.0));
    assert_eq!(
        line.boxes.last().copied().flatten().map(|b| b.y1),
        Some(314.0)
    );
}

/// Two columns of six lines each, 240 pt wide with a 30 pt gutter, drawn row by row across the
/// page: the whole left column is read before the right one.
#[test]
fn two_balanced_columns_are_read_left_column_first() {
    let mut pieces = Vec::new();
    for row in 1..=6 {
        let y = 88.0 + 12.0 * row as f64;
        pieces.push(piece(&format!("Izquierda, línea {row}"), 50.0, 290.0, y));
        pieces.push(piece(&format!("Derecha, línea {row}"), 320.0, 560.0, y));
    }
    let lines = layout_page(page(pieces), &[], &layout());
    assert_eq!(
        texts(&lines),
        [
            "Izquierda, línea 1",
            "Izquierda, línea 2",
            "Izquierda, línea 3",
            "Izquierda, línea 4",
            "Izquierda, línea 5",
            "Izquierda, línea 6",
            // Back to the top of the page for the right column: a paragraph break.
            "",
            "Derecha, línea 1",
            "Derecha, línea 2",
            "Derecha, línea 3",
            "Derecha, línea 4",
            "Derecha, línea 5",
            "Derecha, línea 6",
        ]
    );
}

/// The same footer below 92 % of the page height on three pages, with a different page number
/// in it, is a running footer; a page number alone in the band is dropped too. A text in the
/// bottom band of one page only is not running text and stays.
#[test]
fn running_footers_and_page_numbers_are_removed() {
    let pages: Vec<PagePieces> = (7..=9)
        .map(|n| {
            let mut pieces: Vec<Piece> = (1..=3)
                .map(|k| {
                    let text = format!("Texto del cuerpo, página {n}, línea {k}.");
                    piece(&text, 72.0, 400.0, 300.0 + 12.0 * k as f64)
                })
                .collect();
            let footer = format!("Informe Ejecutivo 2021 — Página {n}");
            pieces.push(piece(&footer, 72.0, 300.0, 760.0));
            pieces.push(piece(&n.to_string(), 300.0, 306.0, 775.0));
            if n == 7 {
                pieces.push(piece("Nota única al pie de página.", 72.0, 300.0, 745.0));
            }
            page(pieces)
        })
        .collect();
    let layout = layout();
    let running = repeated_bands(&pages, &layout.pdf);
    assert_eq!(running, ["#", "Informe Ejecutivo #### — Página #"]);

    let laid: Vec<Vec<Line>> = pages
        .into_iter()
        .map(|p| layout_page(p, &running, &layout))
        .collect();
    assert_eq!(
        texts(&laid[0]),
        [
            "Texto del cuerpo, página 7, línea 1.",
            "Texto del cuerpo, página 7, línea 2.",
            "Texto del cuerpo, página 7, línea 3.",
            "",
            "Nota única al pie de página.",
        ]
    );
    assert_eq!(
        texts(&laid[2]),
        [
            "Texto del cuerpo, página 9, línea 1.",
            "Texto del cuerpo, página 9, línea 2.",
            "Texto del cuerpo, página 9, línea 3.",
        ]
    );
}

/// One glyph per character (spaces leave a gap), each `advance` wide, from `x` on baseline `y`.
fn glyphs(text: &str, x: f64, y: f64, size: f64, advance: f64) -> Vec<Glyph> {
    text.chars()
        .enumerate()
        .filter(|(_, c)| !c.is_whitespace())
        .map(|(i, c)| {
            let gx = x + advance * i as f64;
            Glyph {
                text: c.to_string().into(),
                x: gx,
                y,
                w: advance,
                size,
                bbox: bbox(gx, gx + advance, y, size),
                seq: i,
                space_before: false,
            }
        })
        .collect()
}

/// A 6 pt "3" raised 4 pt right after "migrantes" is a footnote marker: it joins its line, in
/// x order, without a space (its gap of 0.5 pt is under 0.15 of its size). The footnote itself,
/// in 8 pt type below the body, is written after the body, after a blank line.
#[test]
fn a_superscript_footnote_marker_joins_its_line() {
    let mut all = glyphs("migrantes", 100.0, 200.0, 10.0, 5.0); // ends at x = 145
    all.extend(glyphs("3", 145.5, 196.0, 6.0, 3.0)); // ends at x = 148.5
    all.extend(glyphs("y refugiados", 155.0, 200.0, 10.0, 5.0));
    all.extend(glyphs("3 Véase el anexo.", 100.0, 700.0, 8.0, 4.0));
    let layout = layout();

    let cut = pieces(&all, &layout.pdf);
    let found: Vec<(&str, f64)> = cut.iter().map(|p| (p.text.as_str(), p.y)).collect();
    assert_eq!(
        found,
        [
            ("migrantes3 y refugiados", 200.0),
            ("3 Véase el anexo.", 700.0)
        ]
    );
    // The marker keeps its own box.
    let marker = &cut[0].boxes["migrantes".len()];
    assert_eq!(marker.map(|b| (b.x0, b.x1)), Some((145.5, 148.5)));

    let lines = layout_page(page(cut), &[], &layout);
    assert_eq!(
        texts(&lines),
        ["migrantes3 y refugiados", "", "3 Véase el anexo."]
    );
}

/// Nested bullets, by where they stand: 1.5 font sizes (15 pt) right of the first-level bullet,
/// in line with the nested bullet before them, or right of the text of the item before them (at
/// the top of a page, the item the previous page left open). They are written indented.
#[test]
fn sub_bullets_are_found_by_indent() {
    let rows = [
        ("continuación del punto de la página anterior", 85.0),
        ("● Detalle de ese punto", 92.0), // right of the open item's text (85 + 5)
        ("● Primera acción de nivel uno.", 72.0),
        ("● Detalle anidado uno.", 92.0), // 20 pt right of the bullet above
        ("● Detalle anidado dos.", 92.0), // in line with the nested bullet
        ("● Segunda acción de nivel uno.", 72.0),
    ];
    let pieces = rows
        .iter()
        .enumerate()
        .map(|(i, (text, x0))| piece(text, *x0, 400.0, 100.0 + 12.0 * i as f64))
        .collect();
    let lines = layout_page(page(pieces), &[], &layout());
    assert_eq!(
        texts(&lines),
        [
            "continuación del punto de la página anterior",
            "    ● Detalle de ese punto",
            "● Primera acción de nivel uno.",
            "    ● Detalle anidado uno.",
            "    ● Detalle anidado dos.",
            "● Segunda acción de nivel uno.",
        ]
    );
    // The indent has no boxes; the text keeps its own.
    let nested = &lines[1];
    assert_eq!(nested.boxes.len(), nested.text.len());
    assert!(nested.boxes[..4].iter().all(Option::is_none));
    assert!(nested.boxes[4..].iter().all(Option::is_some));
}
