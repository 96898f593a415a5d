//! Glyphs into pieces: glyphs on one baseline (a superscript joined to the line it marks), cut at
//! every gap wide enough to be a column gutter, a side box or the tab after a bullet. Pieces of
//! one column are joined into lines again later ([`super::lines::merge_lines`]).

use crate::geometry::BBox;
use crate::ingest::pdf::glyphs::Glyph;
use crate::ingest::pdf::params::PdfParams;

/// A run of glyphs on one baseline with no wide gap.
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    /// Set by [`super::bullets::mark_sub_bullets`]: a bullet of a nested list.
    pub sub: bool,
    pub x0: f64,
    pub x1: f64,
    /// Baseline, in reading orientation (y down).
    pub y: f64,
    pub size: f64,
    pub text: String,
    /// The box of each byte of `text` (None for inserted spaces).
    pub boxes: Vec<Option<BBox>>,
}

impl Piece {
    /// A piece of `g`, with room for `bytes` bytes of text.
    fn start(g: &Glyph, bytes: usize) -> Piece {
        let mut text = String::with_capacity(bytes);
        text.push_str(&g.text);
        let mut boxes = Vec::with_capacity(bytes);
        boxes.resize(g.text.len(), Some(g.bbox));
        Piece {
            sub: false,
            x0: g.x,
            x1: g.x + g.w,
            y: g.y,
            size: g.size,
            text,
            boxes,
        }
    }

    /// Adds a glyph at the end, after a space when `space` (and the piece has none already).
    fn push(&mut self, g: &Glyph, space: bool) {
        if space && !self.text.ends_with(' ') {
            self.text.push(' ');
            self.boxes.push(None);
        }
        self.text.push_str(&g.text);
        self.boxes
            .extend(std::iter::repeat_n(Some(g.bbox), g.text.len()));
        self.x1 = self.x1.max(g.x + g.w);
        self.size = self.size.max(g.size);
    }

    /// Appends another piece's text after `sep` (a separator without a box).
    pub(super) fn append_text(&mut self, sep: char, other: &Piece) {
        self.text.push(sep);
        self.boxes.push(None);
        self.text.push_str(&other.text);
        self.boxes.extend(other.boxes.iter().copied());
    }
}

/// Groups glyphs into pieces: same baseline, split at gaps wider than `piece_gap` font sizes (a
/// column gutter, a side box, or the tab after a bullet).
pub(crate) fn pieces(glyphs: &[Glyph], p: &PdfParams) -> Vec<Piece> {
    let mut out = Vec::new();
    for line in join_superscripts(baselines(glyphs, p), p) {
        split_at_gaps(line, p, &mut out);
    }
    out
}

/// The glyphs grouped by baseline, top to bottom: a glyph within `baseline_tolerance` points of
/// a line's first glyph is on that line.
fn baselines<'g>(glyphs: &'g [Glyph], p: &PdfParams) -> Vec<Vec<&'g Glyph>> {
    let mut sorted: Vec<&Glyph> = glyphs.iter().collect();
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    for g in sorted {
        match lines.last_mut() {
            Some(line) if (g.y - line[0].y).abs() <= p.baseline_tolerance => line.push(g),
            _ => lines.push(vec![g]),
        }
    }
    lines
}

/// Where a line of glyphs lies.
struct Extent {
    x0: f64,
    x1: f64,
    /// The largest font size on the line.
    size: f64,
    y: f64,
}

impl Extent {
    fn of(line: &[&Glyph]) -> Extent {
        Extent {
            x0: line.iter().map(|g| g.x).fold(f64::MAX, f64::min),
            x1: line.iter().map(|g| g.x + g.w).fold(f64::MIN, f64::max),
            size: line.iter().map(|g| g.size).fold(0.0, f64::max),
            y: line[0].y,
        }
    }
}

/// Superscripts (footnote markers) sit above their line in smaller type: each run of small glyphs
/// joins the line just below it that spans it.
fn join_superscripts<'g>(lines: Vec<Vec<&'g Glyph>>, p: &PdfParams) -> Vec<Vec<&'g Glyph>> {
    let extents: Vec<Extent> = lines.iter().map(|l| Extent::of(l)).collect();
    let max_size = extents.iter().map(|e| e.size).fold(0.0, f64::max);
    let host_of: Vec<Option<usize>> = (0..lines.len())
        .map(|i| superscript_host(&extents, i, max_size, p))
        .collect();
    let mut merged: Vec<Vec<&Glyph>> = vec![Vec::new(); lines.len()];
    for (i, line) in lines.into_iter().enumerate() {
        merged[host_of[i].unwrap_or(i)].extend(line);
    }
    merged.into_iter().filter(|l| !l.is_empty()).collect()
}

/// The line that line `i` is a superscript of: a line below it within `superscript_rise` of the
/// host's size, in larger type, spanning it. Lines are in y order, so only a few lines ahead are
/// looked at.
fn superscript_host(lines: &[Extent], i: usize, max_size: f64, p: &PdfParams) -> Option<usize> {
    let small = &lines[i];
    if small.size >= p.superscript_max_size * max_size {
        return None;
    }
    (i + 1..lines.len())
        .take_while(|&j| lines[j].y - small.y <= p.superscript_rise * max_size)
        .find(|&j| {
            let host = &lines[j];
            small.size < p.superscript_max_size * host.size
                && host.y > small.y
                && host.y - small.y <= p.superscript_rise * host.size
                && small.x0 >= host.x0 - p.superscript_left_overhang
                && small.x1 <= host.x1 + p.superscript_right_overhang * host.size
        })
}

/// Cuts one line of glyphs into pieces, left to right, and adds them to `out`. Left to right is
/// the content stream's order when that order goes left to right (within `stream_backstep` font
/// sizes: a producer whose glyph widths pdf-extract misreads places glyphs slightly off, and x
/// order would then shuffle letters), else the glyphs' x order.
fn split_at_gaps(mut line: Vec<&Glyph>, p: &PdfParams, out: &mut Vec<Piece>) {
    line.sort_by_key(|g| g.seq);
    let stream = follows_stream(&line, p);
    if !stream {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    // Where each piece starts and where a space goes, found first, so that each piece's text and
    // boxes are made at their final size (a glyph at a time, they grew by copies).
    let mut starts = Vec::new();
    let mut spaced = vec![false; line.len()];
    let (mut size_so_far, mut last_end) = (0.0_f64, f64::MIN);
    for (i, g) in line.iter().enumerate() {
        let size = g.size.max(p.min_font_size);
        let gap = g.x - last_end;
        if i > 0 && continues_piece(size_so_far, g, gap, size, p) {
            spaced[i] = gap > p.word_gap * size || (stream && g.space_before);
            size_so_far = size_so_far.max(g.size);
            last_end = last_end.max(g.x + g.w);
        } else {
            starts.push(i);
            size_so_far = g.size;
            last_end = g.x + g.w;
        }
    }
    let ends = starts.iter().skip(1).copied().chain([line.len()]);
    for (start, end) in starts.iter().copied().zip(ends) {
        let glyphs = &line[start..end];
        let spaces = spaced[start..end].iter().filter(|&&s| s).count();
        let bytes = glyphs.iter().map(|g| g.text.len()).sum::<usize>() + spaces;
        let mut piece = Piece::start(glyphs[0], bytes);
        for (g, &space) in glyphs.iter().zip(&spaced[start..end]).skip(1) {
            piece.push(g, space);
        }
        out.push(piece);
    }
}

/// Whether glyphs in stream order go left to right: no step back of more than `stream_backstep`
/// font sizes, and at least one step back (else x order is the same and is used).
fn follows_stream(line: &[&Glyph], p: &PdfParams) -> bool {
    let mut back = false;
    for w in line.windows(2) {
        let step = w[1].x - w[0].x;
        if step < -p.stream_backstep * w[0].size.max(p.min_font_size) {
            return false;
        }
        back |= step < 0.0;
    }
    back
}

/// Whether a glyph `gap` points after a piece (whose largest type is `piece_size`) continues it:
/// no wide gap, and no moderate gap where the type size changes (a bold heading cell beside body
/// text).
fn continues_piece(piece_size: f64, g: &Glyph, gap: f64, size: f64, p: &PdfParams) -> bool {
    let size_change = (piece_size - g.size).abs() > p.size_change * piece_size.max(g.size);
    !(gap > p.piece_gap * size || (size_change && gap > p.size_change_gap * size))
}
