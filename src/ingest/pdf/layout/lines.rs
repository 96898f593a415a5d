//! Pieces of one column into lines.

use super::Piece;
use crate::ingest::pdf::params::PdfParams;

/// Whether two pieces share a baseline, allowing for superscripts.
fn same_line(a: &Piece, b: &Piece, p: &PdfParams) -> bool {
    (b.y - a.y).abs() <= p.same_line * a.size.max(b.size)
}

/// Joins the pieces of one group that share a baseline into one line, left to right. A gap of
/// more than `tab_gap` font sizes after a single glyph (a tab after a bullet) becomes a tab, any
/// other gap a space.
pub(super) fn merge_lines(group: Vec<Piece>, p: &PdfParams) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for piece in rows_left_to_right(group, p) {
        match out.last_mut() {
            Some(last) if same_line(last, &piece, p) => {
                let tab = piece.x0 - last.x1 > p.tab_gap * piece.size.max(p.min_font_size)
                    && last.text.chars().count() == 1;
                last.append_text(if tab { '\t' } else { ' ' }, &piece);
                last.x1 = last.x1.max(piece.x1);
                last.size = last.size.max(piece.size);
            }
            _ => out.push(piece),
        }
    }
    out
}

/// The pieces top to bottom, those of one line (which may differ in baseline by a little, as
/// superscripts do) left to right.
fn rows_left_to_right(group: Vec<Piece>, p: &PdfParams) -> Vec<Piece> {
    let mut rows: Vec<Vec<Piece>> = Vec::new();
    for piece in by_y(group) {
        match rows.last_mut() {
            Some(r) if same_line(&r[0], &piece, p) => r.push(piece),
            _ => rows.push(vec![piece]),
        }
    }
    let mut ordered = Vec::new();
    for mut r in rows {
        r.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        ordered.extend(r);
    }
    ordered
}

/// The width a group of pieces spans.
pub(super) fn span_width(g: &[Piece]) -> f64 {
    let x0 = g.iter().map(|p| p.x0).fold(f64::MAX, f64::min);
    let x1 = g.iter().map(|p| p.x1).fold(f64::MIN, f64::max);
    (x1 - x0).max(0.0)
}

/// The pieces top to bottom, then left to right.
pub(super) fn by_y(mut g: Vec<Piece>) -> Vec<Piece> {
    g.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    g
}
