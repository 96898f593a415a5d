//! Layout: a page's pieces of text into lines in reading order.
//!
//! - [`pieces`]: glyphs → lines (same baseline, superscripts joined) → pieces (split at wide
//!   gaps: a column gutter or a side box);
//! - [`bands`]: running headers and footers (text repeated in the top or bottom band of many
//!   pages) and page numbers, removed;
//! - footnotes (smaller type below the body) are kept apart and written after the page's body;
//! - [`columns`]: two comparable columns are read left column first; a narrow column beside the
//!   body that holds an objective heading (a shaded side box) is a heading, written right before
//!   the body lines it stands beside, whatever its place in the content stream;
//! - [`lines`]: pieces of one column joined into lines; [`bullets`]: nested bullets marked, and
//!   written indented.
//!
//! Every threshold is a field of [`PdfParams`] (`[pdf]` in `layout.toml`).

mod bands;
mod bullets;
mod columns;
mod lines;
mod pieces;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

pub(crate) use bands::repeated_bands;
pub(crate) use pieces::{pieces, Piece};

use bullets::mark_sub_bullets;
use columns::{has_heading, split_columns, with_side_boxes, Columns};
use lines::{by_y, merge_lines, span_width};

use crate::geometry::BBox;
use crate::ingest::pdf::params::PdfParams;
use crate::ingest::IngestRules;

/// How a nested bullet is written: indented, as the `sub_bullet` pattern of `layout.toml` reads
/// it.
const SUB_BULLET_INDENT: &str = "    ";

/// The pieces of one page, in reading orientation, and the page's size in that orientation.
#[derive(Debug, Clone)]
pub(crate) struct PagePieces {
    pub width: f64,
    pub height: f64,
    pub pieces: Vec<Piece>,
}

/// A line of text with the box of each of its bytes (empty for text read without positions).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    pub text: String,
    pub boxes: Vec<Option<BBox>>,
}

impl Line {
    fn blank() -> Line {
        Line {
            text: String::new(),
            boxes: Vec::new(),
        }
    }

    /// A piece's text as it stands.
    fn plain(piece: Piece) -> Line {
        Line {
            text: piece.text,
            boxes: piece.boxes,
        }
    }

    /// A piece's text, indented when it is a nested bullet.
    fn indented(piece: Piece) -> Line {
        let indent = if piece.sub { SUB_BULLET_INDENT } else { "" };
        let mut text = indent.to_string();
        let mut boxes = vec![None; indent.len()];
        text.push_str(&piece.text);
        boxes.extend(piece.boxes);
        Line { text, boxes }
    }
}

/// Lays out one page: its lines in reading order, the body with a blank line at each paragraph
/// break, then the footnotes. `running` holds the keys of the document's running headers and
/// footers ([`repeated_bands`]).
pub(crate) fn layout_page(page: PagePieces, running: &[String], layout: &IngestRules) -> Vec<Line> {
    let p = &layout.pdf;
    let PagePieces {
        width,
        height,
        pieces,
    } = page;
    let kept: Vec<Piece> = pieces
        .into_iter()
        .filter(|piece| !bands::is_running_text(piece, height, running, p))
        .collect();
    if kept.is_empty() {
        return Vec::new();
    }
    let body_size = body_font_size(&kept, p);
    let BodyAndNotes { body, notes } = split_footnotes(kept, body_size, p);
    let ordered = reading_order(body, width, layout, body_size);
    let spacing = line_spacing(&ordered, body_size, p);
    let mut lines = with_paragraph_breaks(ordered, spacing, p);
    if !notes.is_empty() {
        lines.push(Line::blank());
        lines.extend(merge_lines(notes, p).into_iter().map(Line::plain));
    }
    lines
}

/// The body font size: the size (in bins of `size_bins_per_point`) that covers most characters.
fn body_font_size(pieces: &[Piece], p: &PdfParams) -> f64 {
    let mut sizes: BTreeMap<i64, usize> = BTreeMap::new();
    for piece in pieces {
        *sizes
            .entry((piece.size * p.size_bins_per_point).round() as i64)
            .or_insert(0) += piece.text.len();
    }
    sizes
        .iter()
        .max_by_key(|(_, n)| **n)
        .map_or(p.default_body_size, |(s, _)| {
            *s as f64 / p.size_bins_per_point
        })
}

/// A page's pieces: the body, and the footnotes below it.
struct BodyAndNotes {
    body: Vec<Piece>,
    notes: Vec<Piece>,
}

/// Footnotes: smaller type below every body-size piece.
fn split_footnotes(pieces: Vec<Piece>, body_size: f64, p: &PdfParams) -> BodyAndNotes {
    let last_body_y = pieces
        .iter()
        .filter(|x| x.size >= body_size * p.body_min_size)
        .map(|x| x.y)
        .fold(f64::MIN, f64::max);
    let (notes, body) = pieces
        .into_iter()
        .partition(|x| x.size < body_size * p.footnote_max_size && x.y > last_body_y);
    BodyAndNotes { body, notes }
}

/// The body's pieces in reading order, joined into lines: in two columns when a gutter splits
/// them. What crosses the gutter (a title, a full-width heading band) cuts the page into slabs,
/// as an XY-cut does: each slab's columns are read left then right, and the crossing text
/// stands between the slabs, where it is on the page.
fn reading_order(body: Vec<Piece>, width: f64, layout: &IngestRules, body_size: f64) -> Vec<Piece> {
    let Some(Columns {
        left,
        right,
        across,
    }) = split_columns(&body, width, layout)
    else {
        let mut all = merge_lines(body, &layout.pdf);
        mark_sub_bullets(&mut all, layout, body_size);
        return all;
    };
    let mut ordered = Vec::new();
    let (mut left, mut right) = (by_y(left), by_y(right));
    for cut in by_y(across) {
        let (l_above, l_below): (Vec<Piece>, Vec<Piece>) =
            left.into_iter().partition(|x| x.y < cut.y);
        let (r_above, r_below): (Vec<Piece>, Vec<Piece>) =
            right.into_iter().partition(|x| x.y < cut.y);
        if !l_above.is_empty() || !r_above.is_empty() {
            ordered.extend(columns_in_order(l_above, r_above, layout, body_size));
        }
        ordered.push(cut);
        (left, right) = (l_below, r_below);
    }
    if !left.is_empty() || !right.is_empty() {
        ordered.extend(columns_in_order(left, right, layout, body_size));
    }
    ordered
}

/// Two columns in reading order. A narrow column that holds an objective heading is a side box:
/// its boxes go before the lines of the other column they stand beside. Otherwise the left
/// column is read before the right one.
fn columns_in_order(
    left: Vec<Piece>,
    right: Vec<Piece>,
    layout: &IngestRules,
    body_size: f64,
) -> Vec<Piece> {
    let p = &layout.pdf;
    let (lw, rw) = (span_width(&left), span_width(&right));
    let narrow = |a: f64, b: f64| a < p.side_box_max_width * b;
    if narrow(lw, rw) && has_heading(&left, layout) {
        with_side_boxes(
            merge_lines(right, p),
            merge_lines(left, p),
            layout,
            body_size,
        )
    } else if narrow(rw, lw) && has_heading(&right, layout) {
        with_side_boxes(
            merge_lines(left, p),
            merge_lines(right, p),
            layout,
            body_size,
        )
    } else {
        let mut ordered = merge_lines(left, p);
        mark_sub_bullets(&mut ordered, layout, body_size);
        let mut r = merge_lines(right, p);
        mark_sub_bullets(&mut r, layout, body_size);
        ordered.extend(r);
        ordered
    }
}

/// The usual distance between consecutive lines of text: the `line_spacing_percentile` of the
/// downward gaps, and at least `min_line_spacing` body sizes.
fn line_spacing(ordered: &[Piece], body_size: f64, p: &PdfParams) -> f64 {
    let mut gaps: Vec<i64> = ordered
        .windows(2)
        .map(|w| ((w[1].y - w[0].y) * p.spacing_bins_per_point).round() as i64)
        .filter(|&g| g > 0)
        .collect();
    gaps.sort_unstable();
    gaps.get(gaps.len() * p.line_spacing_percentile / 100)
        .map_or(body_size * p.default_line_spacing, |&g| {
            g as f64 / p.spacing_bins_per_point
        })
        .max(body_size * p.min_line_spacing)
}

/// The lines, with a blank line at each paragraph break: a gap wider than `paragraph_gap` line
/// spacings, or a step back up the page.
fn with_paragraph_breaks(ordered: Vec<Piece>, spacing: f64, p: &PdfParams) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut last_y: Option<f64> = None;
    for piece in ordered {
        if let Some(y) = last_y {
            if piece.y - y > spacing * p.paragraph_gap || piece.y < y {
                lines.push(Line::blank());
            }
        }
        last_y = Some(piece.y);
        lines.push(Line::indented(piece));
    }
    lines
}
