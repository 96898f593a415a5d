//! Columns and side boxes: a vertical gutter that splits a page's body in two, and the narrow
//! column beside the body that holds an objective heading (a shaded side box).

use super::bullets::mark_sub_bullets;
use super::lines::by_y;
use super::Piece;
use crate::ingest::pdf::params::PdfParams;
use crate::ingest::IngestRules;

/// The body split at a gutter.
#[derive(Debug)]
pub(super) struct Columns {
    pub left: Vec<Piece>,
    pub right: Vec<Piece>,
    /// Pieces that cross the gutter (titles across both columns).
    pub across: Vec<Piece>,
}

/// Whether a group of pieces holds an objective heading, also when the box wraps it right after
/// its number ("Objetivo 3." / "Proporcionar…").
pub(super) fn has_heading(g: &[Piece], layout: &IngestRules) -> bool {
    let g = by_y(g.to_vec());
    g.iter().enumerate().any(|(i, p)| {
        layout.objective_start.is_match(&p.text)
            || g.get(i + 1).is_some_and(|n| {
                layout
                    .objective_start
                    .is_match(&format!("{} {}", p.text, n.text))
            })
    })
}

/// Finds a vertical gutter splitting the body in two: the widest run of x that at most
/// `gutter_max_crossing_percent` of the lines cross, with real text on both sides (or an
/// objective heading on one side). Pieces that cross it are returned apart.
pub(super) fn split_columns(body: &[Piece], width: f64, layout: &IngestRules) -> Option<Columns> {
    let p = &layout.pdf;
    if body.len() < p.columns_min_pieces {
        return None;
    }
    let lines = BodyLines::of(body, p);
    let crossings = Crossings::of(body, &lines, p);
    let allowed = lines.count * p.gutter_max_crossing_percent / 100;
    let total: usize = body.iter().map(|piece| piece.text.len()).sum();
    crossings
        .gutters(allowed)
        .into_iter()
        .filter(|g| g.width() >= p.gutter_min_width)
        .map(|g| g.center())
        .filter(|&c| !(c < width * p.gutter_min_x || c > width * p.gutter_max_x))
        .map(|c| Columns::split_at(body, c, &lines, p))
        .find(|cols| cols.balanced(total, p) || cols.side_box(layout))
}

/// The lines of the body, for counting crossings by line, not by piece: a justified line breaks
/// into many word pieces, but only a real gutter is free in (nearly) every line.
struct BodyLines {
    /// For each piece, the index of its line.
    line_of: Vec<usize>,
    count: usize,
}

/// The first piece of a line: its baseline and size.
struct Baseline {
    y: f64,
    size: f64,
}

impl BodyLines {
    fn of(body: &[Piece], p: &PdfParams) -> BodyLines {
        let mut line_of: Vec<usize> = Vec::with_capacity(body.len());
        let mut lines: Vec<Baseline> = Vec::new();
        for piece in body {
            let found = lines.iter().position(|l| {
                (piece.y - l.y).abs() <= p.column_line_tolerance * l.size.max(piece.size)
            });
            match found {
                Some(i) => line_of.push(i),
                None => {
                    lines.push(Baseline {
                        y: piece.y,
                        size: piece.size,
                    });
                    line_of.push(lines.len() - 1);
                }
            }
        }
        BodyLines {
            line_of,
            count: lines.len(),
        }
    }
}

/// How many lines cross each step of x, from the body's left edge.
struct Crossings {
    min_x: f64,
    step: f64,
    counts: Vec<usize>,
}

impl Crossings {
    /// For each line, the union of its pieces' extents (positions strictly inside (x0, x1)),
    /// added to a difference array.
    fn of(body: &[Piece], lines: &BodyLines, p: &PdfParams) -> Crossings {
        let step = p.gutter_step;
        let min_x = body.iter().map(|p| p.x0).fold(f64::MAX, f64::min);
        let max_x = body.iter().map(|p| p.x1).fold(f64::MIN, f64::max);
        let n = ((max_x - min_x) / step).max(0.0) as usize;
        let mut per_line: Vec<Vec<(usize, usize)>> = vec![Vec::new(); lines.count];
        for (piece, &l) in body.iter().zip(&lines.line_of) {
            let a = (((piece.x0 - min_x) / step).floor() as i64 + 1).max(0) as usize;
            let b = (((piece.x1 - min_x) / step).ceil() as i64 - 1).max(0) as usize;
            if a <= b && a < n {
                per_line[l].push((a, b.min(n - 1)));
            }
        }
        let mut diff = vec![0i64; n + 2];
        for spans in per_line {
            for (a, b) in union_of_spans(spans) {
                diff[a] += 1;
                diff[b + 1] -= 1;
            }
        }
        let mut counts: Vec<usize> = Vec::with_capacity(n);
        let mut acc = 0i64;
        for d in diff.iter().take(n) {
            acc += d;
            counts.push(acc.max(0) as usize);
        }
        Crossings {
            min_x,
            step,
            counts,
        }
    }

    /// Stretches of x crossed by at most `allowed` lines, each of one crossing count: fewest
    /// crossings first, then widest first.
    fn gutters(&self, allowed: usize) -> Vec<Gutter> {
        let n = self.counts.len();
        let x = |i: usize| self.min_x + i as f64 * self.step;
        let mut runs: Vec<Gutter> = Vec::new();
        let mut i = 0;
        while i < n {
            let c = self.counts[i];
            let mut j = i;
            while j + 1 < n && self.counts[j + 1] == c {
                j += 1;
            }
            if c <= allowed {
                runs.push(Gutter {
                    crossings: c,
                    start: x(i),
                    end: x(j),
                });
            }
            i = j + 1;
        }
        runs.sort_by(|a, b| {
            a.crossings
                .cmp(&b.crossings)
                .then(b.width().total_cmp(&a.width()))
        });
        runs
    }
}

/// Which side of x = `center` a piece stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
    Across,
}

/// The side of each piece. A bullet glyph that hangs left of the center goes with the text it
/// leads when that text, on its line, starts right of the center within `bullet_text_gap` font
/// sizes (a right column's bullets hang into the gutter).
fn sides_at(body: &[Piece], center: f64, lines: &BodyLines, p: &PdfParams) -> Vec<Side> {
    let side = |x: &Piece| {
        if x.x1 <= center {
            Side::Left
        } else if x.x0 >= center {
            Side::Right
        } else {
            Side::Across
        }
    };
    let mut sides: Vec<Side> = body.iter().map(side).collect();
    for (i, piece) in body.iter().enumerate() {
        if sides[i] != Side::Left || !is_glyph_only(&piece.text) {
            continue;
        }
        let led = (0..body.len())
            .filter(|&j| lines.line_of[j] == lines.line_of[i] && body[j].x0 > piece.x1)
            .min_by(|&a, &b| body[a].x0.total_cmp(&body[b].x0));
        if let Some(j) = led {
            let gap = body[j].x0 - piece.x1;
            if sides[j] == Side::Right && gap <= p.bullet_text_gap * piece.size.max(p.min_font_size)
            {
                sides[i] = Side::Right;
            }
        }
    }
    sides
}

/// A piece that is one glyph that is not a letter or digit (a bullet).
fn is_glyph_only(text: &str) -> bool {
    let mut chars = text.trim().chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if !c.is_alphanumeric())
}

/// Inclusive index spans merged where they touch or overlap, in order.
fn union_of_spans(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (a, b) in spans {
        match out.last_mut() {
            Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// A candidate gutter: a stretch of x with the same, low, crossing count.
struct Gutter {
    crossings: usize,
    start: f64,
    end: f64,
}

impl Gutter {
    fn width(&self) -> f64 {
        self.end - self.start
    }
    fn center(&self) -> f64 {
        (self.start + self.end) / 2.0
    }
}

impl Columns {
    /// Splits the body at x = `center`. A line that goes on across the gutter (a piece crosses
    /// it, or its pieces on either side are closer than `gutter_min_width`, as the letters of a
    /// letter-spaced title are) is kept whole, across.
    fn split_at(body: &[Piece], center: f64, lines: &BodyLines, p: &PdfParams) -> Columns {
        let sides = sides_at(body, center, lines, p);
        let mut left_end = vec![f64::MIN; lines.count];
        let mut right_start = vec![f64::MAX; lines.count];
        let mut crosses = vec![false; lines.count];
        for ((piece, &l), side) in body.iter().zip(&lines.line_of).zip(&sides) {
            match side {
                Side::Left => left_end[l] = left_end[l].max(piece.x1),
                Side::Right => right_start[l] = right_start[l].min(piece.x0),
                Side::Across => crosses[l] = true,
            }
        }
        let across_line =
            |l: usize| crosses[l] || right_start[l] - left_end[l] < p.gutter_min_width;
        let mut cols = Columns {
            left: Vec::new(),
            right: Vec::new(),
            across: Vec::new(),
        };
        for ((piece, &l), side) in body.iter().zip(&lines.line_of).zip(&sides) {
            if across_line(l) {
                cols.across.push(piece.clone());
            } else if *side == Side::Left {
                cols.left.push(piece.clone());
            } else {
                cols.right.push(piece.clone());
            }
        }
        cols
    }

    /// Two columns: a few lines each, and a fair share of the body's `total` bytes of text.
    fn balanced(&self, total: usize, p: &PdfParams) -> bool {
        let fair = |g: &[Piece]| {
            g.iter().map(|x| x.text.len()).sum::<usize>() * 100 >= total * p.column_min_text_percent
        };
        let rows = |g: &[Piece]| {
            let mut ys: Vec<i64> = g.iter().map(|x| x.y.round() as i64).collect();
            ys.sort_unstable();
            ys.dedup();
            ys.len()
        };
        fair(&self.left)
            && fair(&self.right)
            && rows(&self.left) >= p.column_min_rows
            && rows(&self.right) >= p.column_min_rows
    }

    /// A side box: the heading on one side, most of the text on the other (real text, not only
    /// the bullet glyphs of a list).
    fn side_box(&self, layout: &IngestRules) -> bool {
        let min = layout.pdf.side_box_min_text_chars;
        let text_in = |g: &[Piece]| g.iter().any(|x| x.text.chars().count() >= min);
        (has_heading(&self.left, layout) && text_in(&self.right))
            || (has_heading(&self.right, layout) && text_in(&self.left))
    }
}

/// Body pieces in vertical order, each side box (a run of side pieces) written right before the
/// first body piece at or below its top: the heading comes first, whatever the content order.
/// `size` is the body font size.
pub(super) fn with_side_boxes(
    body: Vec<Piece>,
    side: Vec<Piece>,
    layout: &IngestRules,
    size: f64,
) -> Vec<Piece> {
    let p = &layout.pdf;
    let mut body = by_y(body);
    let mut out = Vec::new();
    for b in side_boxes(side, p) {
        let top = b[0].y - p.side_box_top * b[0].size;
        let at = body.iter().position(|x| x.y >= top).unwrap_or(body.len());
        out.extend(body.drain(..at));
        out.push(one_line(&b));
    }
    out.extend(body);
    // Keep the order we built: re-sorting by y would undo it.
    mark_sub_bullets(&mut out, layout, size);
    out
}

/// Side pieces grouped into boxes, top to bottom: a vertical gap of more than `side_box_line_gap`
/// font sizes starts a new box.
fn side_boxes(side: Vec<Piece>, p: &PdfParams) -> Vec<Vec<Piece>> {
    let mut boxes: Vec<Vec<Piece>> = Vec::new();
    for piece in by_y(side) {
        match boxes.last_mut() {
            Some(b) if piece.y - b[b.len() - 1].y <= p.side_box_line_gap * piece.size => {
                b.push(piece)
            }
            _ => boxes.push(vec![piece]),
        }
    }
    boxes
}

/// A box as one line: a wrapped heading reads as one heading.
fn one_line(b: &[Piece]) -> Piece {
    let mut joined = b[0].clone();
    for piece in &b[1..] {
        joined.append_text(' ', piece);
        joined.x0 = joined.x0.min(piece.x0);
        joined.x1 = joined.x1.max(piece.x1);
    }
    joined
}
