//! PDF input: positioned glyphs from `pdf-extract` (through its `OutputDev` trait), laid out into
//! lines, columns and blocks, and written as text in reading order, with the page and bounding box
//! of every character kept for provenance.
//!
//! Gaps of pdf-extract 0.12 that this module works around:
//! - a panic inside pdf-extract fails one page (each page runs under `catch_unwind`), not the file;
//! - `/Rotate` and a MediaBox not at the origin are not applied by it: we do both;
//! - pages whose glyphs collapse onto one baseline (the `'` and `"` operators are ignored) and pages
//!   with text operators that yield no text are reported per page and read again with lopdf's own
//!   text extraction (page-level provenance only);
//! - its bundled lopdf cannot open some files that lopdf 0.47 opens: those are read with lopdf
//!   0.47's extraction, page by page, and say so in the page's problems;
//! - encrypted files are tried with the empty password.
//!
//! Layout, from the glyphs of each page:
//! - glyphs → lines (same baseline) → pieces (split at wide gaps: a column gutter or a side box);
//! - running headers and footers (text repeated in the top or bottom band of many pages) and page
//!   numbers are removed;
//! - footnotes (smaller type below the body) are kept apart and written after the page's body;
//! - a narrow column beside the body that holds an objective heading (a shaded side box) is a
//!   heading: it is written right before the body lines it stands beside, whatever its place in
//!   the content stream, so its content follows it;
//! - two comparable columns are read left column first.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};
use serde::{Deserialize, Serialize};

use super::IngestRules;
use crate::error::InputError;

/// A box on a page, in points, origin at the top left of the page as displayed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[allow(clippy::derived_hash_with_manual_eq)]
pub struct BBox {
    pub page: u32,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl BBox {
    fn union(self, o: BBox) -> BBox {
        BBox {
            page: self.page,
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }
}

/// What informe read from one page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageInfo {
    pub page: u32,
    pub width: f32,
    pub height: f32,
    /// Byte offset of the page's text in the extracted text (pages are separated by form feeds).
    pub offset: usize,
    pub text: String,
    /// `positions` (pdf-extract glyphs) or `lopdf-text` (fallback, no positions).
    pub method: String,
    /// Problems found on this page, each a sentence.
    pub problems: Vec<String>,
}

/// The extracted text of a PDF with its geometry.
#[derive(Debug, Clone)]
pub struct PdfText {
    pub text: String,
    /// For each byte of `text`, the box of the glyph it came from (None for inserted spaces and
    /// line breaks, and for pages read without positions).
    pub boxes: Vec<Option<BBox>>,
    pub pages: Vec<PageInfo>,
}

/// A glyph as pdf-extract reports it, in unrotated user space (y up).
#[derive(Debug, Clone)]
struct RawGlyph {
    text: String,
    x: f64,
    y: f64,
    /// Advance along the baseline, in user space units.
    advance: f64,
    size: f64,
    /// Direction of the baseline in degrees, rounded to 0/90/180/270.
    angle: i32,
}

#[derive(Default)]
struct Collector {
    glyphs: Vec<RawGlyph>,
    media: Option<MediaBox>,
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
        let angle = (by.atan2(bx).to_degrees().round() as i32).rem_euclid(360);
        let angle = ((angle + 45) / 90 * 90) % 360;
        self.glyphs.push(RawGlyph {
            text: char.to_string(),
            x: trm.m31,
            y: trm.m32,
            // pdf-extract's width is in text space (font units / 1000), as its own text output uses it.
            advance: width * size,
            size: if size.is_finite() { size } else { 0.0 },
            angle,
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

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Installs a panic hook that stays silent for panics caught inside the PDF reader (they become
/// per-page problems) and reports every other panic as before. The binary calls it once.
pub fn install_quiet_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !QUIET.with(Cell::get) {
            previous(info);
        }
    }));
}

fn quietly<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    QUIET.with(|q| q.set(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    r
}

/// A page after placing its glyphs.
struct PlacedPage {
    number: u32,
    w: f64,
    h: f64,
    glyphs: Vec<Glyph>,
    pieces: Vec<Piece>,
    problems: Vec<String>,
    /// Whether the content stream has text operators.
    ops: bool,
    /// Whether it uses the `'` and `"` operators.
    quotes: bool,
}

/// A positioned glyph, displayed coordinates (y down), in reading orientation.
#[derive(Debug, Clone)]
struct Glyph {
    text: String,
    /// Reading-orientation coordinates: x along the text, y down the page.
    x: f64,
    y: f64,
    w: f64,
    size: f64,
    /// Displayed box for provenance.
    bbox: BBox,
}

/// Reads a PDF into text with geometry. `layout` supplies the heading pattern.
pub fn read_pdf(path: &str, bytes: &[u8], layout: &IngestRules) -> Result<PdfText, InputError> {
    let fail = |reason: String| InputError::PdfUnreadable {
        path: path.to_string(),
        reason,
    };
    // Open with pdf-extract's lopdf, trying the empty password on encrypted files.
    let opened = quietly(|| {
        pdf_extract::Document::load_mem_with_options(
            bytes,
            pdf_extract::LoadOptions::with_password(""),
        )
    });
    let mut doc = match opened {
        Ok(Ok(d)) => Some(d),
        Ok(Err(e)) => {
            if is_password_error(&e.to_string()) {
                return Err(InputError::PdfPassword {
                    path: path.to_string(),
                });
            }
            None
        }
        Err(_) => None,
    };
    if let Some(d) = doc.as_mut() {
        if d.is_encrypted() && d.decrypt("").is_err() {
            return Err(InputError::PdfPassword {
                path: path.to_string(),
            });
        }
    }
    // The newer lopdf, for fallback text and for files the bundled one cannot open.
    let modern = quietly(|| {
        lopdf::Document::load_mem_with_options(bytes, lopdf::LoadOptions::with_password(""))
    })
    .ok()
    .and_then(Result::ok)
    .map(|mut d| {
        if d.is_encrypted() {
            let _ = d.decrypt("");
        }
        d
    });
    let Some(doc) = doc else {
        let Some(m) = modern else {
            return Err(fail(
                "neither pdf-extract nor lopdf can open it (damaged or not a PDF)".to_string(),
            ));
        };
        if m.is_encrypted() {
            return Err(InputError::PdfPassword {
                path: path.to_string(),
            });
        }
        return fallback_only(path, &m);
    };

    let page_ids: Vec<(u32, pdf_extract::ObjectId)> = doc.get_pages().into_iter().collect();
    if page_ids.is_empty() {
        return Err(fail("the document has no pages".to_string()));
    }
    // Pages are read in parallel (rayon), each with its own collector and under catch_unwind.
    use rayon::prelude::*;
    let raw_pages: Vec<_> = page_ids
        .par_iter()
        .map(|(number, id)| {
            let mut problems = Vec::new();
            let (rotate, media) = page_geometry(&doc, *id);
            let mut dev = Collector::default();
            let result = quietly(|| pdf_extract::output_doc_page(&doc, &mut dev, *number));
            match result {
                Ok(Ok(())) => {}
                Ok(Err(e)) => problems.push(format!("pdf-extract failed on this page: {e}")),
                Err(_) => problems.push("pdf-extract panicked on this page".to_string()),
            }
            let media = dev.media.map_or(media, |m| [m.llx, m.lly, m.urx, m.ury]);
            let (has_text_ops, quotes) = page_text_operators(&doc, *id);
            if quotes {
                problems.push(
                    "the page draws text with the ' and \" operators, which pdf-extract does not apply; read with lopdf without positions"
                        .to_string(),
                );
            }
            (*number, rotate, media, dev.glyphs, problems, has_text_ops, quotes)
        })
        .collect();

    // Lay out every page; collect header/footer candidates across pages first.
    let pages_glyphs: Vec<PlacedPage> = raw_pages
        .into_par_iter()
        .map(|(number, rotate, media, glyphs, problems, ops, quotes)| {
            let (w, h, gl) = place_glyphs(number, rotate, media, &glyphs);
            let pieces = pieces(&gl, w);
            PlacedPage {
                number,
                w,
                h,
                glyphs: gl,
                pieces,
                problems,
                ops,
                quotes,
            }
        })
        .collect();
    let repeated = repeated_bands(&pages_glyphs);

    let mut out = PdfText {
        text: String::new(),
        boxes: Vec::new(),
        pages: Vec::new(),
    };
    // Lay out the pages in parallel, then join them in page order.
    type Laid = (
        u32,
        f64,
        f64,
        Vec<(String, Vec<Option<BBox>>)>,
        String,
        Vec<String>,
        bool,
    );
    let laid: Vec<Laid> = pages_glyphs
        .into_par_iter()
        .map(|page| {
            let PlacedPage {
                number,
                w,
                h,
                glyphs,
                pieces,
                mut problems,
                ops,
                quotes,
            } = page;
            let mut method = "positions".to_string();
            let collapsed = collapsed_baseline(&glyphs, w);
            if collapsed {
                problems.push(
                    "the glyphs of this page fall on one baseline (text operators pdf-extract does not apply); read with lopdf without positions"
                        .to_string(),
                );
            }
            let lines: Vec<(String, Vec<Option<BBox>>)> = if glyphs.is_empty() || collapsed || quotes {
                if glyphs.is_empty() && ops {
                    problems.push(
                        "this page has text operators but pdf-extract found no text (fonts without a Unicode map?); read with lopdf".to_string(),
                    );
                }
                match modern.as_ref().and_then(|m| lopdf_page_text(m, number)) {
                    Some(t) if !t.trim().is_empty() => {
                        method = "lopdf-text".to_string();
                        t.lines()
                            .map(|l| (l.trim_end().to_string(), Vec::new()))
                            .collect()
                    }
                    _ => Vec::new(),
                }
            } else {
                layout_page(pieces, h, w, &repeated, layout)
            };
            let empty = lines.iter().all(|(t, _)| t.trim().is_empty());
            if empty && !ops {
                problems.push("no text layer (an image-only page?)".to_string());
            }
            (number, w, h, lines, method, problems, empty)
        })
        .collect();
    let mut empty_pages = Vec::new();
    for (i, (number, w, h, lines, method, problems, empty)) in laid.into_iter().enumerate() {
        if i > 0 {
            out.text.push('\u{c}');
            out.boxes.push(None);
        }
        let offset = out.text.len();
        if empty {
            empty_pages.push(number);
        }
        for (text, boxes) in &lines {
            out.text.push_str(text);
            if boxes.len() == text.len() {
                out.boxes.extend(boxes.iter().copied());
            } else {
                out.boxes.extend(std::iter::repeat_n(None, text.len()));
            }
            out.text.push('\n');
            out.boxes.push(None);
        }
        let page_text = out.text[offset..].to_string();
        out.pages.push(PageInfo {
            page: number,
            width: w as f32,
            height: h as f32,
            offset,
            text: page_text,
            method,
            problems,
        });
    }
    if empty_pages.len() == out.pages.len() {
        return Err(InputError::PdfNoText {
            path: path.to_string(),
            pages: empty_pages,
        });
    }
    Ok(out)
}

fn is_password_error(msg: &str) -> bool {
    let m = msg.to_lowercase();
    m.contains("password") || m.contains("decrypt") || m.contains("encrypt")
}

/// Only lopdf 0.47 could open the file: its own text, page by page.
fn fallback_only(path: &str, m: &lopdf::Document) -> Result<PdfText, InputError> {
    let mut out = PdfText {
        text: String::new(),
        boxes: Vec::new(),
        pages: Vec::new(),
    };
    let numbers: Vec<u32> = m.get_pages().keys().copied().collect();
    let mut empty = Vec::new();
    for (i, n) in numbers.iter().enumerate() {
        if i > 0 {
            out.text.push('\u{c}');
            out.boxes.push(None);
        }
        let offset = out.text.len();
        let text = lopdf_page_text(m, *n).unwrap_or_default();
        if text.trim().is_empty() {
            empty.push(*n);
        }
        out.text.push_str(&text);
        out.boxes.extend(std::iter::repeat_n(None, text.len()));
        out.pages.push(PageInfo {
            page: *n,
            width: 0.0,
            height: 0.0,
            offset,
            text,
            method: "lopdf-text".to_string(),
            problems: vec![
                "pdf-extract cannot open this file; read with lopdf's text extraction, without positions".to_string(),
            ],
        });
    }
    if empty.len() == numbers.len() {
        return Err(InputError::PdfNoText {
            path: path.to_string(),
            pages: empty,
        });
    }
    Ok(out)
}

fn lopdf_page_text(m: &lopdf::Document, page: u32) -> Option<String> {
    quietly(|| m.extract_text(&[page]))
        .ok()
        .and_then(Result::ok)
}

/// The page's /Rotate (inherited) and MediaBox.
fn page_geometry(doc: &pdf_extract::Document, id: pdf_extract::ObjectId) -> (i64, [f64; 4]) {
    let mut rotate = 0i64;
    let mut media = [0.0, 0.0, 612.0, 792.0];
    let mut found_rotate = false;
    let mut found_media = false;
    let mut current = doc.get_dictionary(id).ok();
    let mut depth = 0;
    while let Some(dict) = current {
        if !found_rotate {
            if let Ok(r) = dict.get(b"Rotate").and_then(|o| o.as_i64()) {
                rotate = r;
                found_rotate = true;
            }
        }
        if !found_media {
            if let Ok(arr) = dict.get(b"MediaBox").and_then(|o| o.as_array()) {
                let nums: Vec<f64> = arr
                    .iter()
                    .filter_map(|o| {
                        o.as_float()
                            .ok()
                            .map(f64::from)
                            .or_else(|| o.as_i64().ok().map(|i| i as f64))
                    })
                    .collect();
                if nums.len() == 4 {
                    media = [nums[0], nums[1], nums[2], nums[3]];
                    found_media = true;
                }
            }
        }
        depth += 1;
        current = if depth > 32 {
            None
        } else {
            dict.get(b"Parent")
                .and_then(|p| p.as_reference())
                .and_then(|pid| doc.get_dictionary(pid))
                .ok()
        };
    }
    (rotate.rem_euclid(360), media)
}

/// Whether the page's content has text-showing operators, and whether it uses `'` or `"`
/// (which pdf-extract 0.12 does not apply). A small scan of the content stream that skips
/// strings and comments, cheaper than decoding it again.
fn page_text_operators(doc: &pdf_extract::Document, id: pdf_extract::ObjectId) -> (bool, bool) {
    match quietly(|| doc.get_page_content(id))
        .ok()
        .and_then(Result::ok)
    {
        Some(content) => scan_text_operators(&content),
        None => (false, false),
    }
}

fn scan_text_operators(c: &[u8]) -> (bool, bool) {
    let (mut show, mut quote) = (false, false);
    let mut i = 0;
    let delim = |b: u8| b.is_ascii_whitespace() || b"()<>[]{}/%".contains(&b);
    while i < c.len() {
        match c[i] {
            b'(' => {
                // A literal string: balanced parentheses, backslash escapes.
                let mut depth = 0usize;
                while i < c.len() {
                    match c[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'<' => {
                while i < c.len() && c[i] != b'>' {
                    i += 1;
                }
            }
            b'%' => {
                while i < c.len() && c[i] != b'\n' && c[i] != b'\r' {
                    i += 1;
                }
            }
            b'\'' | b'"' => {
                let before = i == 0 || delim(c[i - 1]);
                let after = i + 1 >= c.len() || delim(c[i + 1]);
                if before && after {
                    quote = true;
                    show = true;
                }
            }
            b'T' if i + 1 < c.len() && (c[i + 1] == b'j' || c[i + 1] == b'J') => {
                let before = i == 0 || delim(c[i - 1]);
                let after = i + 2 >= c.len() || delim(c[i + 2]);
                if before && after {
                    show = true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    (show, quote)
}

/// Maps raw glyphs to displayed coordinates (applying MediaBox origin and /Rotate) and to reading
/// orientation (the page's dominant text direction made horizontal).
fn place_glyphs(
    page: u32,
    rotate: i64,
    media: [f64; 4],
    raw: &[RawGlyph],
) -> (f64, f64, Vec<Glyph>) {
    let (llx, lly, urx, ury) = (media[0], media[1], media[2], media[3]);
    let (w, h) = ((urx - llx).abs(), (ury - lly).abs());
    // Displayed page size.
    let (dw, dh) = if rotate % 180 == 90 { (h, w) } else { (w, h) };
    // User space (y up, origin at MediaBox corner) → displayed (y down).
    let to_display = |x: f64, y: f64| -> (f64, f64) {
        let (ux, uy) = (x - llx, y - lly);
        let (px, py_up) = match rotate {
            90 => (uy, w - ux),
            180 => (w - ux, h - uy),
            270 => (h - uy, ux),
            _ => (ux, uy),
        };
        (px, dh - py_up)
    };
    // Dominant baseline direction in displayed space.
    let mut votes: BTreeMap<i32, usize> = BTreeMap::new();
    for g in raw {
        let a = (g.angle - rotate as i32).rem_euclid(360);
        *votes.entry(a).or_insert(0) += g.text.chars().count();
    }
    let dominant = votes.iter().max_by_key(|(_, n)| **n).map_or(0, |(a, _)| *a);
    let mut out = Vec::with_capacity(raw.len());
    for g in raw {
        if g.text.chars().all(char::is_whitespace) || g.size <= 0.0 {
            continue;
        }
        let (dx, dy) = to_display(g.x, g.y);
        let a = (g.angle - rotate as i32).rem_euclid(360);
        // End of the glyph along its baseline, in displayed space.
        let rad = (a as f64).to_radians();
        let (ex, ey) = (dx + g.advance * rad.cos(), dy - g.advance * rad.sin());
        let bbox = BBox {
            page,
            x0: dx.min(ex) as f32,
            y0: (dy.min(ey) - g.size * 0.8) as f32,
            x1: dx.max(ex) as f32,
            y1: (dy.max(ey) + g.size * 0.2) as f32,
        };
        // Reading orientation: undo the dominant direction (clockwise in displayed y-down space).
        let (rx, ry) = match dominant {
            90 => (dh - dy, dx),
            180 => (dw - dx, dh - dy),
            270 => (dy, dw - dx),
            _ => (dx, dy),
        };
        out.push(Glyph {
            text: g.text.clone(),
            x: rx,
            y: ry,
            w: g.advance.abs(),
            size: g.size,
            bbox,
        });
    }
    let (rw, rh) = if dominant % 180 == 90 {
        (dh, dw)
    } else {
        (dw, dh)
    };
    (rw, rh, out)
}

/// Whether a page's glyphs fall on one baseline although they would not fit on one line.
fn collapsed_baseline(glyphs: &[Glyph], width: f64) -> bool {
    if glyphs.len() < 80 {
        return false;
    }
    let first = glyphs[0].y;
    let same = glyphs.iter().all(|g| (g.y - first).abs() < 0.5);
    let advance: f64 = glyphs.iter().map(|g| g.w).sum();
    same && advance > width * 2.0
}

/// A run of glyphs on one baseline with no wide gap.
#[derive(Debug, Clone)]
struct Piece {
    /// Set by [`mark_sub_bullets`]: a bullet of a nested list.
    sub: bool,
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    text: String,
    boxes: Vec<Option<BBox>>,
}

fn band_key(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn in_band(y: f64, h: f64) -> bool {
    y < h * 0.08 || y > h * 0.92
}

/// Texts found in the top or bottom band of at least two pages and 40 % of them: running headers
/// and footers (digits count as one, so "Página 3" repeats).
fn repeated_bands(pages: &[PlacedPage]) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for page in pages {
        let mut seen = std::collections::BTreeSet::new();
        for p in &page.pieces {
            if in_band(p.y, page.h) {
                seen.insert(band_key(&p.text));
            }
        }
        for k in seen {
            *counts.entry(k).or_insert(0) += 1;
        }
    }
    let n = pages.len();
    counts
        .into_iter()
        .filter(|(k, c)| *c >= 2 && *c * 10 >= n * 4 && !k.is_empty())
        .map(|(k, _)| k)
        .collect()
}

/// Groups glyphs into pieces: same baseline, split at gaps wider than 0.8 font sizes (a column
/// gutter, a side box, or the tab after a bullet; pieces of one column are joined again later).
fn pieces(glyphs: &[Glyph], _width: f64) -> Vec<Piece> {
    let mut sorted: Vec<&Glyph> = glyphs.iter().collect();
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    // Baselines: glyphs within a point of each other.
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    for g in sorted {
        match lines.last_mut() {
            Some(line) if (g.y - line[0].y).abs() <= 1.0 => line.push(g),
            _ => lines.push(vec![g]),
        }
    }
    // Superscripts (footnote markers) sit above their line in smaller type: join each run of
    // small glyphs to the line just below it that spans it.
    let extent = |l: &[&Glyph]| {
        let x0 = l.iter().map(|g| g.x).fold(f64::MAX, f64::min);
        let x1 = l.iter().map(|g| g.x + g.w).fold(f64::MIN, f64::max);
        let size = l.iter().map(|g| g.size).fold(0.0, f64::max);
        (x0, x1, size, l[0].y)
    };
    // Lines are in y order: a host lies below within 0.6 of its size, so look a few lines ahead.
    let exts: Vec<(f64, f64, f64, f64)> = lines.iter().map(|l| extent(l)).collect();
    let max_size = exts.iter().map(|e| e.2).fold(0.0, f64::max);
    let mut host_of: Vec<Option<usize>> = vec![None; lines.len()];
    for i in 0..lines.len() {
        let (x0, x1, size, y) = exts[i];
        if size >= 0.8 * max_size {
            continue;
        }
        host_of[i] = (i + 1..lines.len())
            .take_while(|&j| exts[j].3 - y <= 0.6 * max_size)
            .find(|&j| {
                let (hx0, hx1, hsize, hy) = exts[j];
                size < 0.8 * hsize
                    && hy > y
                    && hy - y <= 0.6 * hsize
                    && x0 >= hx0 - 2.0
                    && x1 <= hx1 + 2.0 * hsize
            });
    }
    let mut merged: Vec<Vec<&Glyph>> = vec![Vec::new(); lines.len()];
    for (i, line) in lines.into_iter().enumerate() {
        match host_of[i] {
            Some(j) => merged[j].extend(line),
            None => merged[i].extend(line),
        }
    }
    let lines: Vec<Vec<&Glyph>> = merged.into_iter().filter(|l| !l.is_empty()).collect();
    let mut out = Vec::new();
    for mut line in lines {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut current: Option<Piece> = None;
        let mut last_end = f64::MIN;
        for g in line {
            let size = g.size.max(1.0);
            let gap = g.x - last_end;
            // A new piece at a wide gap, or at a moderate gap where the type size changes (a
            // bold heading cell beside body text).
            let size_change = current
                .as_ref()
                .is_some_and(|p| (p.size - g.size).abs() > 0.05 * p.size.max(g.size));
            if current.is_none() || gap > 0.8 * size || (size_change && gap > 0.25 * size) {
                if let Some(p) = current.take() {
                    out.push(p);
                }
                current = Some(Piece {
                    sub: false,
                    x0: g.x,
                    x1: g.x + g.w,
                    y: g.y,
                    size: g.size,
                    text: g.text.clone(),
                    boxes: vec![Some(g.bbox); g.text.len()],
                });
                last_end = g.x + g.w;
                continue;
            }
            if let Some(p) = current.as_mut() {
                if gap > 0.15 * size && !p.text.ends_with(' ') {
                    p.text.push(' ');
                    p.boxes.push(None);
                }
                p.text.push_str(&g.text);
                p.boxes
                    .extend(std::iter::repeat_n(Some(g.bbox), g.text.len()));
                p.x1 = p.x1.max(g.x + g.w);
                p.size = p.size.max(g.size);
            }
            last_end = last_end.max(g.x + g.w);
        }
        if let Some(p) = current {
            out.push(p);
        }
    }
    out
}

/// Lays out one page: returns its lines (text and per-byte boxes) in reading order.
fn layout_page(
    pieces: Vec<Piece>,
    h: f64,
    w: f64,
    repeated: &[String],
    layout: &IngestRules,
) -> Vec<(String, Vec<Option<BBox>>)> {
    let mut ps: Vec<Piece> = pieces
        .into_iter()
        .filter(|p| {
            let banded = in_band(p.y, h);
            let key = band_key(&p.text);
            let page_number = key.chars().all(|c| c == '#' || c == ' ' || c == '-');
            !(banded && (repeated.contains(&key) || page_number))
        })
        .collect();
    if ps.is_empty() {
        return Vec::new();
    }
    // Body font size: the size that covers most characters.
    let mut sizes: BTreeMap<i64, usize> = BTreeMap::new();
    for p in &ps {
        *sizes.entry((p.size * 2.0).round() as i64).or_insert(0) += p.text.len();
    }
    let body_size = sizes
        .iter()
        .max_by_key(|(_, n)| **n)
        .map_or(10.0, |(s, _)| *s as f64 / 2.0);
    // Footnotes: smaller type below every body-size piece.
    let last_body_y = ps
        .iter()
        .filter(|p| p.size >= body_size * 0.9)
        .map(|p| p.y)
        .fold(f64::MIN, f64::max);
    let (notes, body): (Vec<Piece>, Vec<Piece>) = ps
        .drain(..)
        .partition(|p| p.size < body_size * 0.85 && p.y > last_body_y);

    // Columns: a vertical gutter splitting the body pieces in two groups.
    let mut ordered: Vec<Piece> = Vec::new();
    match split_columns(&body, w, layout) {
        Some((left, right, across)) => {
            let lw = span_width(&left);
            let rw = span_width(&right);
            let heading_in = |g: &[Piece]| has_heading(g, layout);
            let narrow = |a: f64, b: f64| a < 0.6 * b;
            let top = left
                .iter()
                .chain(right.iter())
                .map(|p| p.y)
                .fold(f64::MAX, f64::min);
            let (above, below): (Vec<Piece>, Vec<Piece>) =
                across.into_iter().partition(|p| p.y < top);
            ordered.extend(by_y(above));
            if narrow(lw, rw) && heading_in(&left) {
                ordered.extend(with_side_boxes(
                    merge_lines(right),
                    merge_lines(left),
                    layout,
                    body_size,
                ));
            } else if narrow(rw, lw) && heading_in(&right) {
                ordered.extend(with_side_boxes(
                    merge_lines(left),
                    merge_lines(right),
                    layout,
                    body_size,
                ));
            } else {
                let mut l = merge_lines(left);
                mark_sub_bullets(&mut l, layout, body_size);
                ordered.extend(l);
                let mut r = merge_lines(right);
                mark_sub_bullets(&mut r, layout, body_size);
                ordered.extend(r);
            }
            ordered.extend(by_y(below));
        }
        None => {
            let mut all = merge_lines(body);
            mark_sub_bullets(&mut all, layout, body_size);
            ordered.extend(all);
        }
    }
    // The usual distance between consecutive lines of text.
    let mut gaps: Vec<i64> = ordered
        .windows(2)
        .map(|w| ((w[1].y - w[0].y) * 10.0).round() as i64)
        .filter(|&g| g > 0)
        .collect();
    gaps.sort_unstable();
    let spacing = gaps
        .get(gaps.len() / 4)
        .map_or(body_size * 1.3, |&g| g as f64 / 10.0)
        .max(body_size);
    let mut lines: Vec<(String, Vec<Option<BBox>>)> = Vec::new();
    let mut last_y: Option<f64> = None;
    for p in ordered {
        // A gap wider than the usual line spacing is a paragraph break: a blank line.
        if let Some(y) = last_y {
            if p.y - y > spacing * 1.25 || p.y < y {
                lines.push((String::new(), Vec::new()));
            }
        }
        last_y = Some(p.y);
        let sub = p.sub;
        let indent = if sub { "    " } else { "" };
        let mut text = indent.to_string();
        let mut boxes = vec![None; indent.len()];
        text.push_str(&p.text);
        boxes.extend(p.boxes);
        lines.push((text, boxes));
    }
    if !notes.is_empty() {
        lines.push((String::new(), Vec::new()));
        for p in merge_lines(notes) {
            lines.push((p.text, p.boxes));
        }
    }
    lines
}

/// A bullet glyph followed by text, or Word's second-level "o" followed by a tab.
fn bullet_like(t: &str) -> bool {
    let mut chars = t.chars();
    let (Some(first), Some(second)) = (chars.next(), chars.next()) else {
        return false;
    };
    second.is_whitespace()
        && ((!first.is_alphanumeric() && !first.is_whitespace())
            || (first == 'o' && second == '\t'))
}

/// Marks the bullets of nested lists in one column, in reading order. A bullet is nested when it
/// stands in line with the nested bullet before it, right of the column's first-level bullet, or
/// right of the text of the list item before it (which, at the top of a page, is the item that
/// the previous page left open). A heading ends the list.
fn mark_sub_bullets(group: &mut [Piece], layout: &IngestRules, size: f64) {
    let mut top_x: Option<f64> = None;
    let mut sub_x: Option<f64> = None;
    let mut cont_x: Option<f64> = None;
    let mut in_list = true;
    for p in group.iter_mut() {
        if bullet_like(&p.text) {
            let sub = sub_x.is_some_and(|x| (p.x0 - x).abs() < 3.0)
                || top_x.is_some_and(|t| p.x0 > t + 1.5 * size)
                || cont_x.is_some_and(|c| p.x0 > c + 0.5 * size);
            if sub {
                sub_x = Some(p.x0);
            } else {
                top_x = Some(p.x0);
                sub_x = None;
                cont_x = None;
            }
            p.sub = sub;
            in_list = true;
        } else if layout.objective_start.is_match(&p.text) {
            top_x = None;
            sub_x = None;
            cont_x = None;
            in_list = false;
        } else {
            if sub_x.is_some_and(|x| p.x0 < x - 3.0) {
                sub_x = None;
            }
            if in_list {
                cont_x = Some(p.x0);
            }
        }
    }
}

/// Whether a group of pieces holds an objective heading, also when the box wraps it right after
/// its number ("Objetivo 3." / "Proporcionar…").
fn has_heading(g: &[Piece], layout: &IngestRules) -> bool {
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

/// Joins the pieces of one group that share a baseline into one line, left to right. A gap of
/// more than one font size after a single glyph (a tab after a bullet) becomes a tab, any other
/// gap a space.
fn merge_lines(group: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut sorted = group;
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    // Pieces of a line may differ in baseline by a little (superscripts): order each line by x.
    let mut rows: Vec<Vec<Piece>> = Vec::new();
    for p in sorted {
        match rows.last_mut() {
            Some(r) if (p.y - r[0].y).abs() <= 0.5 * r[0].size.max(p.size) => r.push(p),
            _ => rows.push(vec![p]),
        }
    }
    let mut ordered = Vec::new();
    for mut r in rows {
        r.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        ordered.extend(r);
    }
    for p in ordered {
        match out.last_mut() {
            Some(last) if (p.y - last.y).abs() <= 0.5 * last.size.max(p.size) => {
                let tab = p.x0 - last.x1 > 1.0 * p.size.max(1.0) && last.text.chars().count() == 1;
                last.text.push(if tab { '\t' } else { ' ' });
                last.boxes.push(None);
                last.text.push_str(&p.text);
                last.boxes.extend(p.boxes);
                last.x1 = last.x1.max(p.x1);
                last.size = last.size.max(p.size);
            }
            _ => out.push(p),
        }
    }
    out
}

fn span_width(g: &[Piece]) -> f64 {
    let x0 = g.iter().map(|p| p.x0).fold(f64::MAX, f64::min);
    let x1 = g.iter().map(|p| p.x1).fold(f64::MIN, f64::max);
    (x1 - x0).max(0.0)
}

fn by_y(mut g: Vec<Piece>) -> Vec<Piece> {
    g.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    g
}

/// Finds a vertical gutter splitting the body in two: the widest run of x that at most a tenth of
/// the pieces cross, with real text on both sides (or an objective heading on one side). Pieces
/// that cross it (titles across both columns) are returned apart.
fn split_columns(
    body: &[Piece],
    w: f64,
    layout: &IngestRules,
) -> Option<(Vec<Piece>, Vec<Piece>, Vec<Piece>)> {
    if body.len() < 4 {
        return None;
    }
    let min_x = body.iter().map(|p| p.x0).fold(f64::MAX, f64::min);
    let max_x = body.iter().map(|p| p.x1).fold(f64::MIN, f64::max);
    let total: usize = body.iter().map(|p| p.text.len()).sum();
    // Count lines, not pieces: a justified line breaks into many word pieces, but only a real
    // gutter is free in (nearly) every line.
    let mut line_of: Vec<usize> = Vec::with_capacity(body.len());
    let mut ys: Vec<(f64, f64)> = Vec::new(); // (y, size) of each line
    for p in body {
        let found = ys
            .iter()
            .position(|&(y, sz)| (p.y - y).abs() <= 0.4 * sz.max(p.size));
        match found {
            Some(i) => line_of.push(i),
            None => {
                ys.push((p.y, p.size));
                line_of.push(ys.len() - 1);
            }
        }
    }
    let allowed = ys.len() / 10;
    // Crossing count at each x (1 pt steps): for each line, the union of its pieces' extents,
    // added to a difference array.
    let step = 1.0;
    let n = ((max_x - min_x) / step).max(0.0) as usize;
    let mut diff = vec![0i64; n + 2];
    let mut per_line: Vec<Vec<(usize, usize)>> = vec![Vec::new(); ys.len()];
    for (p, &l) in body.iter().zip(&line_of) {
        // Positions x strictly inside (x0, x1).
        let a = (((p.x0 - min_x) / step).floor() as i64 + 1).max(0) as usize;
        let b = (((p.x1 - min_x) / step).ceil() as i64 - 1).max(0) as usize;
        if a <= b && a < n {
            per_line[l].push((a, b.min(n - 1)));
        }
    }
    for mut spans in per_line {
        spans.sort_unstable();
        let mut cur: Option<(usize, usize)> = None;
        for (a, b) in spans {
            match cur {
                Some((ca, cb)) if a <= cb + 1 => cur = Some((ca, cb.max(b))),
                Some((ca, cb)) => {
                    diff[ca] += 1;
                    diff[cb + 1] -= 1;
                    cur = Some((a, b));
                }
                None => cur = Some((a, b)),
            }
        }
        if let Some((ca, cb)) = cur {
            diff[ca] += 1;
            diff[cb + 1] -= 1;
        }
    }
    let mut counts: Vec<usize> = Vec::with_capacity(n);
    let mut acc = 0i64;
    for d in diff.iter().take(n) {
        acc += d;
        counts.push(acc.max(0) as usize);
    }
    // Stretches of x with the same low crossing count: (crossings, start, end).
    let mut runs: Vec<(usize, f64, f64)> = Vec::new();
    let mut i = 0;
    while i < n {
        let c = counts[i];
        let mut j = i;
        while j + 1 < n && counts[j + 1] == c {
            j += 1;
        }
        if c <= allowed {
            runs.push((c, min_x + i as f64 * step, min_x + j as f64 * step));
        }
        i = j + 1;
    }
    runs.sort_by(|a, b| a.0.cmp(&b.0).then((b.2 - b.1).total_cmp(&(a.2 - a.1))));
    for (_, s, e) in runs {
        if e - s < 6.0 {
            continue;
        }
        let center = (s + e) / 2.0;
        if center < w * 0.1 || center > w * 0.9 {
            continue;
        }
        let mut left = Vec::new();
        let mut right = Vec::new();
        let mut across = Vec::new();
        for p in body {
            if p.x1 <= center {
                left.push(p.clone());
            } else if p.x0 >= center {
                right.push(p.clone());
            } else {
                across.push(p.clone());
            }
        }
        let chars = |g: &[Piece]| g.iter().map(|p| p.text.len()).sum::<usize>();
        let heading = |g: &[Piece]| has_heading(g, layout);
        let (lc, rc) = (chars(&left), chars(&right));
        let rows = |g: &[Piece]| {
            let mut ys: Vec<i64> = g.iter().map(|p| p.y.round() as i64).collect();
            ys.sort_unstable();
            ys.dedup();
            ys.len()
        };
        // Two columns need a few lines each, and a fair share of the text.
        let balanced = lc * 100 >= total * 15
            && rc * 100 >= total * 15
            && rows(&left) >= 3
            && rows(&right) >= 3;
        // A side box: the heading on one side, most of the text on the other.
        // (Real text on the other side, not only the bullet glyphs of a list.)
        let text_in = |g: &[Piece]| g.iter().any(|p| p.text.chars().count() >= 10);
        let side_box = (heading(&left) && text_in(&right)) || (heading(&right) && text_in(&left));
        if balanced || side_box {
            return Some((left, right, across));
        }
    }
    None
}

/// Body pieces in vertical order, each side box (a run of side pieces) written right before the
/// first body piece at or below its top: the heading comes first, whatever the content order.
fn with_side_boxes(
    body: Vec<Piece>,
    side: Vec<Piece>,
    layout: &IngestRules,
    size: f64,
) -> Vec<Piece> {
    let side = by_y(side);
    // Boxes: side pieces separated by vertical gaps of more than two lines.
    let mut boxes: Vec<Vec<Piece>> = Vec::new();
    for p in side {
        match boxes.last_mut() {
            Some(b) if p.y - b[b.len() - 1].y <= 2.2 * p.size => b.push(p),
            _ => boxes.push(vec![p]),
        }
    }
    let mut body = by_y(body);
    let mut out = Vec::new();
    for b in boxes {
        let top = b[0].y - b[0].size;
        let at = body.iter().position(|p| p.y >= top).unwrap_or(body.len());
        out.extend(body.drain(..at));
        // The box becomes one line: a wrapped heading reads as one heading.
        let mut joined = b[0].clone();
        for p in &b[1..] {
            joined.text.push(' ');
            joined.boxes.push(None);
            joined.text.push_str(&p.text);
            joined.boxes.extend(p.boxes.iter().copied());
            joined.x0 = joined.x0.min(p.x0);
            joined.x1 = joined.x1.max(p.x1);
        }
        out.push(joined);
    }
    out.extend(body);
    // Keep the order we built: re-sorting by y would undo it.
    mark_sub_bullets(&mut out, layout, size);
    out
}

impl PdfText {
    /// The union box of the glyphs in `range` of `text` that lie on the range's first page.
    pub fn bbox(&self, range: std::ops::Range<usize>) -> Option<BBox> {
        let mut acc: Option<BBox> = None;
        for b in self.boxes.get(range)?.iter().flatten() {
            acc = Some(match acc {
                None => *b,
                Some(a) if a.page == b.page => a.union(*b),
                Some(a) => a,
            });
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::scan_text_operators;

    #[test]
    fn scans_text_operators_outside_strings() {
        assert_eq!(scan_text_operators(b"BT (Hello) Tj ET"), (true, false));
        assert_eq!(scan_text_operators(b"BT (a) Tj (b) ' ET"), (true, true));
        assert_eq!(scan_text_operators(b"BT 1 2 (c) \" ET"), (true, true));
        // An apostrophe inside a string, nested parentheses and escapes are not operators.
        assert_eq!(
            scan_text_operators(b"BT (it's (so) \\) fine) Tj ET"),
            (true, false)
        );
        assert_eq!(
            scan_text_operators(b"q 1 0 0 1 0 0 cm /Im0 Do Q"),
            (false, false)
        );
    }
}
