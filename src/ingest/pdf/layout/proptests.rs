//! Property tests of the layout from glyph lists (proptest; `PROPTEST_CASES` raises the number
//! of cases): random glyphs anywhere on the page, and the glyphs of a laid-out report moved,
//! dropped, resized and repeated, never make the layout panic, and every byte it writes keeps
//! the box of a glyph it was given.

use std::path::Path;

use proptest::prelude::*;

use super::{layout_page, pieces, PagePieces};
use crate::geometry::BBox;
use crate::ingest::pdf::glyphs::{Glyph, GlyphText};
use crate::ingest::IngestRules;

/// The rules, loaded once for all cases.
fn layout() -> &'static IngestRules {
    static RULES: std::sync::OnceLock<IngestRules> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/gcm/layout.toml");
        IngestRules::load(&path).expect("rules/gcm/layout.toml loads")
    })
}

fn glyph(text: impl Into<GlyphText>, x: f64, y: f64, size: f64, w: f64, seq: usize) -> Glyph {
    Glyph {
        text: text.into(),
        x,
        y,
        w,
        size,
        bbox: BBox {
            page: 1,
            x0: x as f32,
            y0: (y - 0.8 * size) as f32,
            x1: (x + w) as f32,
            y1: (y + 0.2 * size) as f32,
        },
        seq,
        space_before: false,
    }
}

/// Characters of reports (accents, bullets, digits, punctuation) and a few odd ones.
fn report_char() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[a-zA-Z0-9áéíóúñÁÉÍÓÚÑ.,;:()%]".prop_map(String::from),
        1 => prop::sample::select(vec!["●", "•", "▪", "–", "-", "1.", "\u{FFFD}", "\u{F0B7}", "ﬁ"])
            .prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
    ]
}

/// A glyph anywhere on (or off) a Letter page, of any size, including degenerate ones.
fn random_glyph() -> impl Strategy<Value = (String, f64, f64, f64, f64)> {
    (
        report_char(),
        -50.0..700.0f64,
        -50.0..850.0f64,
        prop_oneof![4 => 6.0..14.0f64, 1 => 0.0..100.0f64],
        prop_oneof![4 => 2.0..8.0f64, 1 => 0.0..50.0f64],
    )
}

/// Lines of a report page: bullets and text on a 12 pt grid, in one or two columns.
fn report_lines() -> impl Strategy<Value = Vec<Glyph>> {
    prop::collection::vec(
        (
            prop::sample::select(vec!["● ", "", "o ", "Objetivo 3. "]),
            "[A-Za-záéíóú ,.0-9]{1,60}",
            prop::bool::ANY,
        ),
        1..40,
    )
    .prop_map(|rows| {
        let mut out = Vec::new();
        for (i, (opener, text, right)) in rows.into_iter().enumerate() {
            let x0 = if right { 320.0 } else { 60.0 };
            let y = 80.0 + 14.0 * (i % 45) as f64;
            for (k, c) in format!("{opener}{text}").chars().enumerate() {
                if !c.is_whitespace() {
                    let seq = out.len();
                    out.push(glyph(c.to_string(), x0 + 5.0 * k as f64, y, 10.0, 5.0, seq));
                }
            }
        }
        out
    })
}

/// A change to a list of glyphs: moved, resized, dropped, repeated, reordered.
#[derive(Debug, Clone)]
enum Mutation {
    Move(usize, f64, f64),
    Resize(usize, f64),
    Drop(usize),
    Repeat(usize),
    Swap(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), -40.0..40.0f64, -40.0..40.0f64)
            .prop_map(|(i, dx, dy)| Mutation::Move(i, dx, dy)),
        (any::<usize>(), 0.0..40.0f64).prop_map(|(i, s)| Mutation::Resize(i, s)),
        any::<usize>().prop_map(Mutation::Drop),
        any::<usize>().prop_map(Mutation::Repeat),
        (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Mutation::Swap(i, j)),
    ]
}

fn apply(glyphs: &mut Vec<Glyph>, m: &Mutation) {
    if glyphs.is_empty() {
        return;
    }
    let n = glyphs.len();
    match *m {
        Mutation::Move(i, dx, dy) => {
            let g = &mut glyphs[i % n];
            *g = glyph(g.text.clone(), g.x + dx, g.y + dy, g.size, g.w, g.seq);
        }
        Mutation::Resize(i, s) => {
            let g = &mut glyphs[i % n];
            *g = glyph(g.text.clone(), g.x, g.y, s, g.w, g.seq);
        }
        Mutation::Drop(i) => {
            glyphs.remove(i % n);
        }
        Mutation::Repeat(i) => {
            let g = glyphs[i % n].clone();
            glyphs.push(g);
        }
        Mutation::Swap(i, j) => glyphs.swap(i % n, j % n),
    }
}

/// Lays the glyphs out and checks what the layout wrote: every line's boxes are one per byte
/// (or none), and every box is one of the glyphs'.
fn check_layout(glyphs: &[Glyph], rules: &IngestRules) -> Result<(), TestCaseError> {
    let cut = pieces(glyphs, &rules.pdf);
    let page = PagePieces {
        width: 612.0,
        height: 792.0,
        pieces: cut,
    };
    let lines = layout_page(page, &[], rules);
    let given: Vec<BBox> = glyphs.iter().map(|g| g.bbox).collect();
    for line in &lines {
        prop_assert!(
            line.boxes.is_empty() || line.boxes.len() == line.text.len(),
            "{} boxes for {:?}",
            line.boxes.len(),
            line.text
        );
        for b in line.boxes.iter().flatten() {
            prop_assert!(given.contains(b), "a box no glyph had: {b:?}");
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn random_glyphs_lay_out_without_panic(raw in prop::collection::vec(random_glyph(), 0..300)) {
        let glyphs: Vec<Glyph> = raw
            .into_iter()
            .enumerate()
            .map(|(seq, (t, x, y, size, w))| glyph(t, x, y, size, w, seq))
            .collect();
        check_layout(&glyphs, layout())?;
    }

    #[test]
    fn mutated_report_pages_lay_out_without_panic(
        mut glyphs in report_lines(),
        mutations in prop::collection::vec(mutation(), 0..30),
    ) {
        for m in &mutations {
            apply(&mut glyphs, m);
        }
        check_layout(&glyphs, layout())?;
    }
}
