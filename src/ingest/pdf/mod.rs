//! PDF input: positioned glyphs from `pdf-extract` (through its `OutputDev` trait), laid out into
//! lines, columns and blocks, and written as text in reading order, with the page and bounding box
//! of every character kept for provenance.
//!
//! The reader runs in three steps, a module each:
//! - [`open`]: opening the file (pdf-extract's lopdf, lopdf 0.47, passwords), each page's glyphs,
//!   /Rotate, MediaBox and text operators, and lopdf's text for pages read without positions;
//! - [`glyphs`]: glyphs placed on the page as displayed, in reading orientation;
//! - [`layout`]: glyphs → pieces → lines in reading order (running headers and footers, columns,
//!   side boxes, nested bullets, footnotes).
//!
//! Every geometric threshold is a field of [`PdfParams`], read from the `[pdf]` table of
//! `layout.toml` and handed over in [`IngestRules::pdf`].
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

mod glyphs;
mod guard;
mod layout;
mod open;
mod params;
mod salvage;

use rayon::prelude::*;

pub use crate::geometry::{BBox, PageInfo};
pub use open::{install_quiet_panic_hook, panic_is_quiet};
pub use params::PdfParams;

use crate::error::InputError;
use crate::ingest::IngestRules;
use layout::{Line, PagePieces};
use open::{Opened, RawPage, TextOps};

/// The extracted text of a PDF with its geometry.
#[derive(Debug, Clone)]
pub struct PdfText {
    pub text: String,
    /// For each byte of `text`, the box of the glyph it came from (None for inserted spaces and
    /// line breaks, and for pages read without positions).
    pub boxes: Vec<Option<BBox>>,
    pub pages: Vec<PageInfo>,
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

    fn new() -> PdfText {
        PdfText {
            text: String::new(),
            boxes: Vec::new(),
            pages: Vec::new(),
        }
    }

    /// Starts the next page (after a form feed, unless it is the first): its offset in `text`.
    fn begin_page(&mut self) -> usize {
        if !self.pages.is_empty() {
            self.text.push('\u{c}');
            self.boxes.push(None);
        }
        self.text.len()
    }

    /// Text read without positions.
    fn push_unplaced(&mut self, text: &str) {
        self.text.push_str(text);
        self.boxes.extend(std::iter::repeat_n(None, text.len()));
    }

    /// A line and its line break.
    fn push_line(&mut self, line: &Line) {
        if line.boxes.len() == line.text.len() {
            self.text.push_str(&line.text);
            self.boxes.extend(line.boxes.iter().copied());
        } else {
            self.push_unplaced(&line.text);
        }
        self.text.push('\n');
        self.boxes.push(None);
    }
}

/// `PageInfo::method` of a page read from positioned glyphs.
const METHOD_POSITIONS: &str = "positions";
/// `PageInfo::method` of a page read with lopdf's text extraction, without positions.
const METHOD_LOPDF: &str = "lopdf-text";
/// A page read by walking its drawing operations ([`salvage`]), without positions.
const METHOD_OPERATIONS: &str = "operations";

/// The problems a page can have, as the sentences written to `pages.jsonl`.
mod problem {
    pub(super) fn extract_failed(e: &impl std::fmt::Display) -> String {
        format!("{EXTRACT_FAILED_PREFIX}{e}")
    }
    pub(super) const EXTRACT_PANICKED: &str = "pdf-extract panicked on this page";
    pub(super) const QUOTE_OPERATORS: &str = "the page draws text with the ' and \" operators, which pdf-extract does not apply; read with lopdf without positions";
    pub(super) const COLLAPSED_BASELINE: &str = "the glyphs of this page fall on one baseline (text operators pdf-extract does not apply); read with lopdf without positions";
    pub(super) const NO_GLYPHS: &str = "this page has text operators but pdf-extract found no text (fonts without a Unicode map?); read with lopdf";
    pub(super) const NO_TEXT_LAYER: &str = "no text layer (an image-only page?)";
    pub(super) const FORMS_RECURSE: &str = "the forms this page draws draw each other (or nest too deep); pdf-extract is not run on it, the page is read without positions";
    pub(super) const LAID_OUT_NOTHING: &str = "the page has glyphs but none of them falls in a line of its layout (outside the page box?); read without positions";
    pub(super) const SALVAGED: &str = "neither reader's text extraction read this page; its text was read by walking its drawing operations (forms included), without positions: check it";
    pub(super) const LOPDF_ONLY: &str =
        "pdf-extract cannot open this file; read with lopdf's text extraction, without positions";
    pub(super) const EXTRACT_FAILED_PREFIX: &str = "pdf-extract failed on this page: ";

    /// Each problem in Spanish, for analysts.
    pub(super) const ES: &[(&str, &str)] = &[
        (EXTRACT_PANICKED, "pdf-extract falló de forma inesperada en esta página"),
        (QUOTE_OPERATORS, "la página dibuja texto con los operadores ' y \", que pdf-extract no aplica; se leyó con lopdf, sin posiciones"),
        (COLLAPSED_BASELINE, "los caracteres de esta página caen en una sola línea base (operadores que pdf-extract no aplica); se leyó con lopdf, sin posiciones"),
        (NO_GLYPHS, "esta página tiene operadores de texto pero pdf-extract no encontró texto (¿fuentes sin mapa Unicode?); se leyó con lopdf"),
        (NO_TEXT_LAYER, "sin capa de texto (¿una página que solo es imagen?)"),
        (FORMS_RECURSE, "los formularios que dibuja esta página se dibujan entre sí (o se anidan demasiado); no se usa pdf-extract en ella, se lee sin posiciones"),
        (LAID_OUT_NOTHING, "la página tiene caracteres pero ninguno cae en una línea de su diagramación (¿fuera del recuadro de la página?); se leyó sin posiciones"),
        (SALVAGED, "ningún lector extrajo el texto de esta página; se leyó recorriendo sus operaciones de dibujo (formularios incluidos), sin posiciones: revísela"),
        (LOPDF_ONLY, "pdf-extract no puede abrir este archivo; se leyó con la extracción de texto de lopdf, sin posiciones"),
    ];
}

/// A page's problem (as written to `pages.jsonl`) in Spanish, for analysts; what a library
/// said is kept as a technical detail.
pub fn problem_es(problem: &str) -> String {
    if let Some((_, es)) = problem::ES.iter().find(|(en, _)| *en == problem) {
        return es.to_string();
    }
    match problem.strip_prefix(problem::EXTRACT_FAILED_PREFIX) {
        Some(detail) => format!("pdf-extract falló en esta página (detalle técnico: {detail})"),
        None => format!("detalle técnico: {problem}"),
    }
}

/// Reads a PDF into text with geometry. `layout` supplies the heading pattern and, in
/// `layout.pdf`, the geometric thresholds.
pub fn read_pdf(path: &str, bytes: &[u8], layout: &IngestRules) -> Result<PdfText, InputError> {
    match open::open(path, bytes)? {
        Opened::LopdfOnly(m) => open::read_lopdf_only(path, &m),
        Opened::Glyphs { doc, modern } => read_glyphs(path, &doc, modern.as_ref(), layout),
    }
}

/// A page after placing its glyphs and cutting them into pieces. The glyphs themselves are not
/// kept: every page is placed before any is laid out (running headers are found across pages),
/// and a document's glyphs held all at once were 40 % of the memory of reading a 350-page book.
struct PlacedPage {
    number: u32,
    /// Whether the page has glyphs.
    has_glyphs: bool,
    /// Whether they fall on one baseline ([`glyphs::collapsed_baseline`]).
    collapsed: bool,
    pieces: PagePieces,
    problems: Vec<String>,
    ops: TextOps,
}

/// A page laid out: its lines and what `pages.jsonl` says of it.
struct LaidPage {
    number: u32,
    width: f64,
    height: f64,
    lines: Vec<Line>,
    method: &'static str,
    problems: Vec<String>,
    /// Whether it has no text.
    empty: bool,
    /// The page (or a form it draws) has text-showing operators.
    shows_text: bool,
}

/// Reads the pages of a file pdf-extract opened, in parallel (rayon): glyphs and pieces of every
/// page first, then the running headers and footers across pages, then each page's layout.
fn read_glyphs(
    path: &str,
    doc: &pdf_extract::Document,
    modern: Option<&lopdf::Document>,
    layout: &IngestRules,
) -> Result<PdfText, InputError> {
    let params = &layout.pdf;
    let page_ids: Vec<(u32, pdf_extract::ObjectId)> = doc.get_pages().into_iter().collect();
    if page_ids.is_empty() {
        return Err(open::unreadable(path, crate::error::PDF_NO_PAGES));
    }
    let placed = place_pages(doc, &page_ids, params);
    let running = layout::repeated_bands(placed.iter().map(|p| &p.pieces), params);
    let laid: Vec<LaidPage> = placed
        .into_par_iter()
        .map(|page| lay_out(page, modern, &running, layout))
        .collect();
    join_pages(path, laid)
}

/// Every page read and placed, in page order. Each thread reads with one reader (the fonts it
/// builds for a page serve its next pages) and takes run after run of consecutive pages from a
/// shared count, runs shrinking as the pages run out ([`next_run`]): no thread is left with a
/// long run when the others are done (a fixed half each left one core idle for the last fifth of
/// reading a 400-page file).
fn place_pages(
    doc: &pdf_extract::Document,
    page_ids: &[(u32, pdf_extract::ObjectId)],
    params: &PdfParams,
) -> Vec<PlacedPage> {
    let threads = rayon::current_num_threads().max(1);
    let taken = std::sync::atomic::AtomicUsize::new(0);
    let mut runs: Vec<(usize, Vec<PlacedPage>)> = (0..threads)
        .into_par_iter()
        .flat_map_iter(|_| {
            let mut reader = pdf_extract::PageReader::new(doc);
            let mut read = Vec::new();
            while let Some(run) = next_run(&taken, page_ids.len(), threads) {
                let pages = page_ids[run.clone()]
                    .iter()
                    .map(|&(number, id)| {
                        place_page(
                            open::read_page(doc, &mut reader, number, id, params),
                            params,
                        )
                    })
                    .collect();
                read.push((run.start, pages));
            }
            read
        })
        .collect();
    runs.sort_unstable_by_key(|(start, _)| *start);
    runs.into_iter().flat_map(|(_, pages)| pages).collect()
}

/// The next run of pages to read, out of `pages` of which `taken` are taken (and takes it): a
/// share of what is left, `1 / (2 × threads)` of it, at least one page; `None` when none is left.
fn next_run(
    taken: &std::sync::atomic::AtomicUsize,
    pages: usize,
    threads: usize,
) -> Option<std::ops::Range<usize>> {
    use std::sync::atomic::Ordering;
    let run = |start: usize| (pages - start).div_ceil(2 * threads).max(1);
    let start = taken
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |start| {
            (start < pages).then(|| start + run(start))
        })
        .ok()?;
    Some(start..start + run(start))
}

fn place_page(raw: RawPage, params: &PdfParams) -> PlacedPage {
    let placed = glyphs::place_glyphs(raw.number, &raw.geometry, &raw.glyphs, params);
    let pieces = layout::pieces(&placed.glyphs, params);
    let collapsed = glyphs::collapsed_baseline(&placed.glyphs, placed.width, params);
    PlacedPage {
        number: raw.number,
        has_glyphs: !placed.glyphs.is_empty(),
        collapsed,
        pieces: PagePieces {
            width: placed.width,
            height: placed.height,
            pieces,
        },
        problems: raw.problems,
        ops: raw.ops,
    }
}

/// Lays out one page from its pieces, or reads it with lopdf when its glyphs cannot be used (none,
/// collapsed onto one baseline, or drawn with operators pdf-extract does not apply).
fn lay_out(
    page: PlacedPage,
    modern: Option<&lopdf::Document>,
    running: &[String],
    layout: &IngestRules,
) -> LaidPage {
    let PlacedPage {
        number,
        has_glyphs,
        collapsed,
        pieces,
        mut problems,
        ops,
    } = page;
    let (width, height) = (pieces.width, pieces.height);
    if collapsed {
        problems.push(problem::COLLAPSED_BASELINE.to_string());
    }
    let mut method = METHOD_POSITIONS;
    let positioned = has_glyphs && !collapsed && !ops.quotes;
    if !has_glyphs && ops.shows {
        problems.push(problem::NO_GLYPHS.to_string());
    }
    let mut lines = if positioned {
        layout::layout_page(pieces, running, layout)
    } else {
        Vec::new()
    };
    let laid_out_nothing = positioned && has_glyphs && no_text(&lines);
    if laid_out_nothing {
        problems.push(problem::LAID_OUT_NOTHING.to_string());
    }
    if !positioned || laid_out_nothing {
        if let Some((read, how)) = fallback_lines(modern, number) {
            method = how;
            if how == METHOD_OPERATIONS {
                problems.push(problem::SALVAGED.to_string());
            }
            lines = read;
        }
    }
    let empty = no_text(&lines);
    if empty && !ops.shows && !has_glyphs {
        problems.push(problem::NO_TEXT_LAYER.to_string());
    }
    LaidPage {
        number,
        width,
        height,
        lines,
        method,
        problems,
        empty,
        shows_text: ops.shows || has_glyphs,
    }
}

fn no_text(lines: &[Line]) -> bool {
    lines.iter().all(|l| l.text.trim().is_empty())
}

/// A page's text without positions, when it has any: lopdf's text extraction, else the walk
/// of its operations; with the method that read it.
fn fallback_lines(
    modern: Option<&lopdf::Document>,
    number: u32,
) -> Option<(Vec<Line>, &'static str)> {
    let (text, method) = open::fallback_page_text(modern?, number)?;
    let lines = text.lines().map(|l| Line {
        text: l.trim_end().to_string(),
        boxes: Vec::new(),
    });
    Some((lines.collect(), method))
}

/// The pages in order, separated by form feeds; an error when no page has text.
fn join_pages(path: &str, laid: Vec<LaidPage>) -> Result<PdfText, InputError> {
    let mut out = PdfText::new();
    let mut empty_pages = Vec::new();
    let mut unread = UnreadText::default();
    for page in laid {
        let offset = out.begin_page();
        if page.empty {
            empty_pages.push(page.number);
            if page.shows_text {
                unread.add(page.number, &page.problems);
            }
        }
        for line in &page.lines {
            out.push_line(line);
        }
        let text = out.text[offset..].to_string();
        out.pages.push(PageInfo {
            page: page.number,
            width: page.width as f32,
            height: page.height as f32,
            offset,
            text,
            method: page.method.to_string(),
            problems: page.problems,
        });
    }
    if empty_pages.len() == out.pages.len() {
        if !unread.pages.is_empty() {
            return Err(InputError::PdfTextUnread {
                path: path.to_string(),
                pages: unread.pages,
                problems: unread.problems.join("; "),
            });
        }
        return Err(InputError::PdfNoText {
            path: path.to_string(),
            pages: empty_pages,
        });
    }
    Ok(out)
}

/// Pages that draw text none of the readers could read, and what went wrong on them (each
/// problem once).
#[derive(Default)]
struct UnreadText {
    pages: Vec<u32>,
    problems: Vec<String>,
}

impl UnreadText {
    fn add(&mut self, page: u32, problems: &[String]) {
        self.pages.push(page);
        for p in problems {
            if !self.problems.contains(p) {
                self.problems.push(p.clone());
            }
        }
    }
}

#[cfg(test)]
mod problem_tests {
    use super::{problem, problem_es};

    #[test]
    fn every_page_problem_has_its_spanish() {
        for en in [
            problem::EXTRACT_PANICKED,
            problem::QUOTE_OPERATORS,
            problem::COLLAPSED_BASELINE,
            problem::NO_GLYPHS,
            problem::NO_TEXT_LAYER,
            problem::FORMS_RECURSE,
            problem::LAID_OUT_NOTHING,
            problem::SALVAGED,
            problem::LOPDF_ONLY,
        ] {
            let es = problem_es(en);
            assert!(!es.contains("detalle técnico"), "{en}: {es}");
        }
        assert_eq!(
            problem_es(&problem::extract_failed(&"invalid xref")),
            "pdf-extract falló en esta página (detalle técnico: invalid xref)"
        );
    }
}

#[cfg(test)]
mod run_tests {
    use super::next_run;
    use std::sync::atomic::AtomicUsize;

    /// The runs one after another, as threads would take them.
    fn runs(pages: usize, threads: usize) -> Vec<std::ops::Range<usize>> {
        let taken = AtomicUsize::new(0);
        std::iter::from_fn(|| next_run(&taken, pages, threads)).collect()
    }

    #[test]
    fn runs_cover_every_page_once_in_order_and_shrink() {
        for (pages, threads) in [(1, 1), (1, 2), (2, 2), (40, 2), (400, 2), (7, 3), (1000, 8)] {
            let r = runs(pages, threads);
            assert_eq!(r.first().map(|r| r.start), Some(0), "{pages} {threads}");
            assert_eq!(r.last().map(|r| r.end), Some(pages), "{pages} {threads}");
            assert!(r.windows(2).all(|w| w[0].end == w[1].start), "{r:?}");
            assert!(r.iter().all(|r| !r.is_empty()), "{r:?}");
            assert!(r.windows(2).all(|w| w[1].len() <= w[0].len()), "{r:?}");
        }
        // 40 pages on two threads: a quarter of what is left each time.
        let first: Vec<std::ops::Range<usize>> = vec![0..10, 10..18, 18..24];
        assert_eq!(runs(40, 2)[..3], first[..]);
        assert!(runs(0, 2).is_empty());
    }
}
