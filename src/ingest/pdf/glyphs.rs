//! Glyphs: what pdf-extract reports through its `OutputDev` trait, placed on the page as it is
//! displayed (MediaBox origin and /Rotate applied) and turned to reading orientation.

use std::collections::BTreeMap;

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use super::open::PageGeometry;
use super::params::PdfParams;
use crate::geometry::BBox;

/// The text of one glyph: a character or a few (a ligature, a ToUnicode sequence), kept inline
/// without an allocation up to 24 bytes. A page has thousands of glyphs, and a `String` each was
/// a fifth of a PDF's reading time in the allocator.
pub(super) type GlyphText = compact_str::CompactString;

/// A glyph as pdf-extract reports it, in unrotated user space (y up).
#[derive(Debug, Clone)]
pub(super) struct RawGlyph {
    text: GlyphText,
    x: f64,
    y: f64,
    /// Advance along the baseline, in user space units.
    advance: f64,
    size: f64,
    /// Direction of the baseline in degrees, rounded to 0/90/180/270.
    angle: i32,
}

/// Collects the glyphs of one page.
#[derive(Default)]
pub(super) struct Collector {
    pub glyphs: Vec<RawGlyph>,
    pub media: Option<MediaBox>,
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.media = Some(*media_box);
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        // The matrix applied to vectors: (x, y) → (x·m11 + y·m21, x·m12 + y·m22).
        let apply = |x: f64, y: f64| (x * trm.m11 + y * trm.m21, x * trm.m12 + y * trm.m22);
        let (vx, vy) = apply(font_size, font_size);
        let size = (vx * vy).abs().sqrt();
        let (bx, by) = apply(1.0, 0.0);
        let degrees = (by.atan2(bx).to_degrees().round() as i32).rem_euclid(360);
        self.glyphs.push(RawGlyph {
            text: GlyphText::from(char),
            x: trm.m31,
            y: trm.m32,
            // pdf-extract's width is in text space (font units / 1000), as its own text output uses it.
            advance: width * size,
            size: if size.is_finite() { size } else { 0.0 },
            angle: nearest_quarter_turn(degrees),
        });
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// An angle in 0..360 degrees rounded to the nearest of 0, 90, 180 and 270.
fn nearest_quarter_turn(degrees: i32) -> i32 {
    ((degrees + 45) / 90 * 90) % 360
}

/// A positioned glyph, displayed coordinates (y down), in reading orientation.
#[derive(Debug, Clone)]
pub(super) struct Glyph {
    pub text: GlyphText,
    /// Reading-orientation coordinates: x along the text, y down the page.
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub size: f64,
    /// Displayed box for provenance.
    pub bbox: BBox,
    /// Position in the page's content stream (glyphs of one line usually come in reading order).
    pub seq: usize,
    /// Whether a space glyph came right before it in the content stream.
    pub space_before: bool,
}

/// A page's glyphs in reading orientation, with the page's size in that orientation.
pub(super) struct PlacedGlyphs {
    pub width: f64,
    pub height: f64,
    pub glyphs: Vec<Glyph>,
}

/// The page as displayed: user space (y up, origin at the MediaBox corner) turned by /Rotate.
struct Display {
    rotate: i64,
    llx: f64,
    lly: f64,
    /// MediaBox size, unrotated.
    w: f64,
    h: f64,
    /// Displayed size.
    width: f64,
    height: f64,
}

impl Display {
    fn new(g: &PageGeometry) -> Display {
        let m = g.media;
        let (w, h) = ((m.urx - m.llx).abs(), (m.ury - m.lly).abs());
        let (width, height) = if g.rotate % 180 == 90 { (h, w) } else { (w, h) };
        Display {
            rotate: g.rotate,
            llx: m.llx,
            lly: m.lly,
            w,
            h,
            width,
            height,
        }
    }

    /// A point of user space in displayed coordinates (y down).
    fn point(&self, x: f64, y: f64) -> (f64, f64) {
        let (ux, uy) = (x - self.llx, y - self.lly);
        let (px, py_up) = match self.rotate {
            90 => (uy, self.w - ux),
            180 => (self.w - ux, self.h - uy),
            270 => (self.h - uy, ux),
            _ => (ux, uy),
        };
        (px, self.height - py_up)
    }

    /// A glyph's baseline direction on the displayed page.
    fn angle(&self, g: &RawGlyph) -> i32 {
        (g.angle - self.rotate as i32).rem_euclid(360)
    }

    /// The displayed baseline direction of most characters.
    fn dominant_angle(&self, raw: &[RawGlyph]) -> i32 {
        let mut votes: BTreeMap<i32, usize> = BTreeMap::new();
        for g in raw {
            *votes.entry(self.angle(g)).or_insert(0) += g.text.chars().count();
        }
        votes.iter().max_by_key(|(_, n)| **n).map_or(0, |(a, _)| *a)
    }

    /// A displayed point in reading orientation: the `dominant` direction undone (clockwise in
    /// displayed y-down space).
    fn to_reading(&self, dominant: i32, dx: f64, dy: f64) -> (f64, f64) {
        let (dw, dh) = (self.width, self.height);
        match dominant {
            90 => (dh - dy, dx),
            180 => (dw - dx, dh - dy),
            270 => (dy, dw - dx),
            _ => (dx, dy),
        }
    }
}

/// Maps raw glyphs to displayed coordinates (applying MediaBox origin and /Rotate) and to reading
/// orientation (the page's dominant text direction made horizontal). Blank glyphs and glyphs
/// without a size are dropped.
pub(super) fn place_glyphs(
    page: u32,
    geometry: &PageGeometry,
    raw: &[RawGlyph],
    params: &PdfParams,
) -> PlacedGlyphs {
    let display = Display::new(geometry);
    let dominant = display.dominant_angle(raw);
    let mut glyphs = Vec::with_capacity(raw.len());
    let mut space_before = false;
    for (seq, g) in raw.iter().enumerate() {
        if g.text.chars().all(char::is_whitespace) {
            space_before = true;
            continue;
        }
        if g.size <= 0.0 {
            continue;
        }
        let (dx, dy) = display.point(g.x, g.y);
        let advance = advance_of(raw, seq, params);
        let bbox = displayed_box(page, g, advance, dx, dy, display.angle(g), params);
        let (rx, ry) = display.to_reading(dominant, dx, dy);
        glyphs.push(Glyph {
            text: g.text.clone(),
            x: rx,
            y: ry,
            w: advance,
            size: g.size,
            bbox,
            seq,
            space_before: std::mem::take(&mut space_before),
        });
    }
    let (width, height) = if dominant % 180 == 90 {
        (display.height, display.width)
    } else {
        (display.width, display.height)
    };
    PlacedGlyphs {
        width,
        height,
        glyphs,
    }
}

/// The displayed box of a glyph whose baseline starts at (dx, dy) and runs at `angle` degrees:
/// from its start to the end of its advance, raised by the ascent and lowered by the descent.
fn displayed_box(
    page: u32,
    g: &RawGlyph,
    advance: f64,
    dx: f64,
    dy: f64,
    angle: i32,
    p: &PdfParams,
) -> BBox {
    let rad = (angle as f64).to_radians();
    let (ex, ey) = (dx + advance * rad.cos(), dy - advance * rad.sin());
    BBox {
        page,
        x0: dx.min(ex) as f32,
        y0: (dy.min(ey) - g.size * p.glyph_ascent) as f32,
        x1: dx.max(ex) as f32,
        y1: (dy.max(ey) + g.size * p.glyph_descent) as f32,
    }
}

/// A glyph's advance: pdf-extract's width when it knows it; for a glyph it reports as zero wide
/// (a font whose widths it misreads), the distance to the next glyph of the content stream when
/// that one follows it closely on its line, else `unknown_advance` font sizes.
fn advance_of(raw: &[RawGlyph], seq: usize, p: &PdfParams) -> f64 {
    let g = &raw[seq];
    if g.advance.abs() > p.known_advance_min * g.size {
        return g.advance.abs();
    }
    let next = raw.get(seq + 1).map(|n| ((n.x - g.x).hypot(n.y - g.y), n));
    match next {
        Some((d, n)) if d > 0.0 && d <= g.size && (n.y - g.y).abs() < p.baseline_tolerance => d,
        _ => p.unknown_advance * g.size,
    }
}

/// Whether a page's glyphs fall on one baseline although they would not fit on one line (pages
/// drawn with text operators that pdf-extract does not apply).
pub(super) fn collapsed_baseline(glyphs: &[Glyph], width: f64, p: &PdfParams) -> bool {
    if glyphs.len() < p.collapsed_min_glyphs {
        return false;
    }
    let first = glyphs[0].y;
    let same = glyphs
        .iter()
        .all(|g| (g.y - first).abs() < p.collapsed_baseline_tolerance);
    let advance: f64 = glyphs.iter().map(|g| g.w).sum();
    same && advance > width * p.collapsed_min_advance
}
