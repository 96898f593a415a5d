//! Opening a PDF and reading its pages' raw material: the file is opened with pdf-extract's lopdf
//! (positioned glyphs) and with lopdf 0.47 (text without positions, for pages pdf-extract cannot
//! read and files it cannot open); encrypted files are tried with the empty password. For each
//! page: its glyphs, its /Rotate and MediaBox, and a scan of its content for text operators.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pdf_extract::MediaBox;

use super::glyphs::{Collector, RawGlyph};
use super::guard;
use super::params::PdfParams;
use super::{problem, PdfText, METHOD_LOPDF, METHOD_OPERATIONS};
use crate::error::InputError;
use crate::geometry::PageInfo;
use crate::ingest::limits::MAX_PDF_STREAM_BYTES;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Installs a panic hook that stays silent for panics caught inside the PDF reader (they become
/// per-page problems) and reports every other panic as before. The binary calls it once.
pub fn install_quiet_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !panic_is_quiet() {
            previous(info);
        }
    }));
}

/// Whether the panic now being raised on this thread is one the PDF reader catches (and so
/// must not be printed).
pub fn panic_is_quiet() -> bool {
    QUIET.with(Cell::get)
}

/// Runs `f` under `catch_unwind`, without printing its panic (see [`install_quiet_panic_hook`]).
pub(super) fn quietly<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    QUIET.with(|q| q.set(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    r
}

pub(super) fn unreadable(path: &str, reason: &str) -> InputError {
    InputError::PdfUnreadable {
        path: path.to_string(),
        reason: reason.to_string(),
    }
}

fn needs_password(path: &str) -> InputError {
    InputError::PdfPassword {
        path: path.to_string(),
    }
}

/// A PDF as opened.
pub(super) enum Opened {
    /// pdf-extract opened it: pages are read from positioned glyphs, and with lopdf 0.47 (when
    /// it opens the file too) where the glyphs fail.
    Glyphs {
        doc: Box<pdf_extract::Document>,
        modern: Option<lopdf::Document>,
    },
    /// Only lopdf 0.47 opened it: every page is read with its text extraction.
    LopdfOnly(lopdf::Document),
}

/// Opens the file with both readers; an error when neither can, or a password is needed.
pub(super) fn open(path: &str, bytes: &[u8]) -> Result<Opened, InputError> {
    // lopdf 0.47 first: it loads within the stream limit, and measures the streams that
    // pdf-extract, which has no limit, would inflate.
    let modern = open_with_lopdf(path, bytes)?;
    if let Some(m) = &modern {
        guard::check_stream_sizes(path, m)?;
    }
    let doc = open_with_pdf_extract(path, bytes)?.map(|mut d| {
        guard::blank_images(&mut d);
        d
    });
    match (doc, modern) {
        (Some(doc), modern) => Ok(Opened::Glyphs {
            doc: Box::new(doc),
            modern,
        }),
        (None, None) => Err(unreadable(path, crate::error::PDF_UNOPENABLE)),
        (None, Some(m)) if m.is_encrypted() => Err(needs_password(path)),
        (None, Some(m)) => Ok(Opened::LopdfOnly(m)),
    }
}

/// pdf-extract's lopdf, with the empty password on encrypted files: `None` when it cannot open
/// the file, an error when the file needs another password.
fn open_with_pdf_extract(
    path: &str,
    bytes: &[u8],
) -> Result<Option<pdf_extract::Document>, InputError> {
    let opened = quietly(|| {
        pdf_extract::Document::load_mem_with_options(
            bytes,
            pdf_extract::LoadOptions::with_password(""),
        )
    });
    let mut doc = match opened {
        Ok(Ok(d)) => d,
        Ok(Err(e)) if is_password_error(&e.to_string()) => return Err(needs_password(path)),
        _ => return Ok(None),
    };
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(needs_password(path));
    }
    Ok(Some(doc))
}

/// The newer lopdf, for fallback text and for files the bundled one cannot open; loaded with
/// the stream limit, which is an error of the file when a stream goes past it.
fn open_with_lopdf(path: &str, bytes: &[u8]) -> Result<Option<lopdf::Document>, InputError> {
    let mut options = lopdf::LoadOptions::with_password("");
    options.max_decompressed_size = Some(MAX_PDF_STREAM_BYTES);
    let loaded = match quietly(|| lopdf::Document::load_mem_with_options(bytes, options)) {
        Ok(Ok(d)) => d,
        Ok(Err(e)) if guard::is_limit_error(&e) => return Err(guard::stream_too_large(path, None)),
        _ => return Ok(None),
    };
    let mut d = loaded;
    if d.is_encrypted() {
        let _ = d.decrypt("");
    }
    Ok(Some(d))
}

fn is_password_error(msg: &str) -> bool {
    let m = msg.to_lowercase();
    m.contains("password") || m.contains("decrypt") || m.contains("encrypt")
}

/// Only lopdf 0.47 could open the file: its own text, page by page.
pub(super) fn read_lopdf_only(path: &str, m: &lopdf::Document) -> Result<PdfText, InputError> {
    let mut out = PdfText::new();
    let mut empty = Vec::new();
    for n in m.get_pages().keys().copied() {
        let offset = out.begin_page();
        let (text, method) = fallback_page_text(m, n).unwrap_or((String::new(), METHOD_LOPDF));
        if text.trim().is_empty() {
            empty.push(n);
        }
        let mut problems = vec![problem::LOPDF_ONLY.to_string()];
        if method == METHOD_OPERATIONS {
            problems.push(problem::SALVAGED.to_string());
        }
        out.push_unplaced(&text);
        out.pages.push(PageInfo {
            page: n,
            width: 0.0,
            height: 0.0,
            offset,
            text,
            method: method.to_string(),
            problems,
        });
    }
    if out.pages.is_empty() {
        return Err(unreadable(path, crate::error::PDF_NO_PAGES));
    }
    if empty.len() == out.pages.len() {
        return Err(InputError::PdfNoText {
            path: path.to_string(),
            pages: empty,
        });
    }
    Ok(out)
}

/// lopdf 0.47's text of one page (no positions).
pub(super) fn lopdf_page_text(m: &lopdf::Document, page: u32) -> Option<String> {
    quietly(|| m.extract_text_with_limit(&[page], MAX_PDF_STREAM_BYTES))
        .ok()
        .and_then(Result::ok)
}

/// A page's text without positions, with the method that read it: lopdf's text extraction,
/// else the walk of its operations ([`super::salvage`]); `None` when neither reads any.
pub(super) fn fallback_page_text(m: &lopdf::Document, page: u32) -> Option<(String, &'static str)> {
    if let Some(text) = lopdf_page_text(m, page).filter(|t| !t.trim().is_empty()) {
        return Some((text, METHOD_LOPDF));
    }
    let salvaged = quietly(|| super::salvage::page_text(m, page))
        .ok()
        .flatten()?;
    Some((salvaged, METHOD_OPERATIONS))
}

/// A page's MediaBox, in unrotated user space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Media {
    pub llx: f64,
    pub lly: f64,
    pub urx: f64,
    pub ury: f64,
}

impl From<MediaBox> for Media {
    fn from(m: MediaBox) -> Media {
        Media {
            llx: m.llx,
            lly: m.lly,
            urx: m.urx,
            ury: m.ury,
        }
    }
}

/// How a page is displayed: its rotation and its MediaBox.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct PageGeometry {
    /// `/Rotate`, in degrees clockwise, in 0..360.
    pub rotate: i64,
    pub media: Media,
}

/// What the page's content does with text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct TextOps {
    /// It has text-showing operators.
    pub shows: bool,
    /// It uses the `'` and `"` operators (which pdf-extract 0.12 does not apply).
    pub quotes: bool,
}

/// One page as pdf-extract reports it.
pub(super) struct RawPage {
    pub number: u32,
    pub geometry: PageGeometry,
    pub glyphs: Vec<RawGlyph>,
    pub problems: Vec<String>,
    pub ops: TextOps,
}

/// Reads one page's glyphs with pdf-extract, under `catch_unwind`: a failure or panic is a
/// problem of the page, not of the file.
pub(super) fn read_page<'a>(
    doc: &'a pdf_extract::Document,
    reader: &mut pdf_extract::PageReader<'a>,
    number: u32,
    id: pdf_extract::ObjectId,
    params: &PdfParams,
) -> RawPage {
    let mut problems = Vec::new();
    let mut geometry = page_geometry(doc, id, params);
    let mut dev = Collector::default();
    let content = quietly(|| doc.get_page_content(id))
        .ok()
        .and_then(Result::ok);
    let ops = page_text_operators(doc, id, content.as_deref());
    if quietly(|| forms_recurse(doc, id, content.as_deref())).unwrap_or(true) {
        // pdf-extract would follow the forms until its stack overflows, which aborts the
        // process: the page is read without it.
        problems.push(problem::FORMS_RECURSE.to_string());
    } else {
        // The content decoded above goes to pdf-extract, which would decode it again.
        match quietly(|| reader.output_page(&mut dev, number, id, content)) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => problems.push(problem::extract_failed(&e)),
            Err(_) => problems.push(problem::EXTRACT_PANICKED.to_string()),
        }
    }
    if let Some(m) = dev.media {
        geometry.media = Media::from(m);
    }
    if ops.quotes {
        problems.push(problem::QUOTE_OPERATORS.to_string());
    }
    RawPage {
        number,
        geometry,
        glyphs: dev.glyphs,
        problems,
        ops,
    }
}

/// The page's /Rotate and MediaBox, inherited from its parents when it has none.
fn page_geometry(
    doc: &pdf_extract::Document,
    id: pdf_extract::ObjectId,
    params: &PdfParams,
) -> PageGeometry {
    let mut rotate = None;
    let mut media = None;
    let mut current = doc.get_dictionary(id).ok();
    let mut depth = 0;
    while let Some(dict) = current {
        if rotate.is_none() {
            rotate = dict.get(b"Rotate").and_then(|o| o.as_i64()).ok();
        }
        if media.is_none() {
            media = dict
                .get(b"MediaBox")
                .and_then(|o| o.as_array())
                .ok()
                .and_then(|arr| media_box(arr));
        }
        depth += 1;
        current = if depth > params.max_page_tree_depth {
            None
        } else {
            dict.get(b"Parent")
                .and_then(|p| p.as_reference())
                .and_then(|pid| doc.get_dictionary(pid))
                .ok()
        };
    }
    PageGeometry {
        rotate: rotate.unwrap_or(0).rem_euclid(360),
        media: media.unwrap_or(Media {
            llx: 0.0,
            lly: 0.0,
            urx: params.default_page_width,
            ury: params.default_page_height,
        }),
    }
}

/// A MediaBox array of four numbers.
fn media_box(arr: &[pdf_extract::Object]) -> Option<Media> {
    let nums: Vec<f64> = arr
        .iter()
        .filter_map(|o| {
            o.as_float()
                .ok()
                .map(f64::from)
                .or_else(|| o.as_i64().ok().map(|i| i as f64))
        })
        .collect();
    match nums[..] {
        [llx, lly, urx, ury] => Some(Media { llx, lly, urx, ury }),
        _ => None,
    }
}

/// Whether the page's content shows text, and with which operators. A small scan of the content
/// stream that skips strings and comments, cheaper than decoding it again.
fn page_text_operators(
    doc: &pdf_extract::Document,
    id: pdf_extract::ObjectId,
    content: Option<&[u8]>,
) -> TextOps {
    let mut ops = content.map_or_else(TextOps::default, scan_text_operators);
    // Text drawn by the page's form XObjects is text of the page too.
    if !ops.shows {
        ops.shows = quietly(|| forms_show_text(doc, id)).unwrap_or(false);
    }
    ops
}

/// How deep form XObjects (forms drawing forms) are followed when looking for text.
const MAX_FORM_DEPTH: usize = 8;

/// Whether a form XObject the page uses (or one of theirs, each followed once, to
/// [`MAX_FORM_DEPTH`]) has text-showing operators.
fn forms_show_text(doc: &pdf_extract::Document, page: pdf_extract::ObjectId) -> bool {
    let mut pending: Vec<(pdf_extract::ObjectId, usize)> = page_resources(doc, page)
        .into_iter()
        .flat_map(|r| form_ids(doc, r))
        .map(|id| (id, 1))
        .collect();
    let mut seen = std::collections::HashSet::new();
    while let Some((id, depth)) = pending.pop() {
        if depth > MAX_FORM_DEPTH || !seen.insert(id) {
            continue;
        }
        let Some(form) = form_stream(doc, id) else {
            continue;
        };
        if scan_text_operators(&form_content(form)).shows {
            return true;
        }
        if let Some(r) = form_resources(doc, form) {
            pending.extend(form_ids(doc, r).into_iter().map(|id| (id, depth + 1)));
        }
    }
    false
}

/// Whether the page's forms draw each other (a form that draws itself through the forms it
/// draws) or nest deeper than [`MAX_FORM_DEPTH`].
fn forms_recurse(
    doc: &pdf_extract::Document,
    page: pdf_extract::ObjectId,
    content: Option<&[u8]>,
) -> bool {
    let Some(content) = content.filter(|c| c.windows(2).any(|w| w == b"Do")) else {
        return false;
    };
    let mut walk = FormWalk {
        doc,
        stack: Vec::new(),
        done: std::collections::HashSet::new(),
    };
    walk.recurses(content, &page_resources(doc, page))
}

/// A depth-first walk of the forms a content stream draws (`/Name Do`).
struct FormWalk<'a> {
    doc: &'a pdf_extract::Document,
    /// The forms being drawn, outermost first.
    stack: Vec<pdf_extract::ObjectId>,
    /// Forms already walked to the end without a loop.
    done: std::collections::HashSet<pdf_extract::ObjectId>,
}

impl<'a> FormWalk<'a> {
    fn recurses(&mut self, content: &[u8], resources: &[&'a pdf_extract::Dictionary]) -> bool {
        for name in drawn_names(content) {
            let Some(id) = resources
                .iter()
                .find_map(|r| xobjects(self.doc, r)?.get(&name).ok()?.as_reference().ok())
            else {
                continue;
            };
            if self.stack.contains(&id) || self.stack.len() >= MAX_FORM_DEPTH {
                return true;
            }
            if self.done.contains(&id) {
                continue;
            }
            let Some(form) = form_stream(self.doc, id) else {
                continue;
            };
            // A form without resources of its own uses those of what draws it.
            let inner: Vec<&pdf_extract::Dictionary> = match form_resources(self.doc, form) {
                Some(d) => vec![d],
                None => resources.to_vec(),
            };
            self.stack.push(id);
            if self.recurses(&form_content(form), &inner) {
                return true;
            }
            self.stack.pop();
            self.done.insert(id);
        }
        false
    }
}

/// The names a content stream draws with `Do` (`/X1 Do` → `X1`), each once.
fn drawn_names(content: &[u8]) -> Vec<Vec<u8>> {
    let mut names: Vec<Vec<u8>> = Vec::new();
    let tokens: Vec<&[u8]> = content
        .split(|b| b.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    for pair in tokens.windows(2) {
        if pair[1] == b"Do" && pair[0].len() > 1 && pair[0][0] == b'/' {
            let name = pair[0][1..].to_vec();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// A page's resource dictionaries: the nearest one written in place, then those it and its
/// ancestors refer to (lopdf's order).
fn page_resources(
    doc: &pdf_extract::Document,
    page: pdf_extract::ObjectId,
) -> Vec<&pdf_extract::Dictionary> {
    let Ok((direct, inherited)) = doc.get_page_resources(page) else {
        return Vec::new();
    };
    let referred = inherited
        .iter()
        .filter_map(|id| doc.get_dictionary(*id).ok());
    direct.into_iter().chain(referred).collect()
}

/// A dictionary written in place, or the one a reference points to.
fn dictionary<'a>(
    doc: &'a pdf_extract::Document,
    o: &'a pdf_extract::Object,
) -> Option<&'a pdf_extract::Dictionary> {
    match o {
        pdf_extract::Object::Reference(id) => doc.get_dictionary(*id).ok(),
        o => o.as_dict().ok(),
    }
}

/// A resource dictionary's `/XObject` dictionary.
fn xobjects<'a>(
    doc: &'a pdf_extract::Document,
    resources: &'a pdf_extract::Dictionary,
) -> Option<&'a pdf_extract::Dictionary> {
    dictionary(doc, resources.get(b"XObject").ok()?)
}

/// The objects a resource dictionary's `/XObject` entry names.
fn form_ids(
    doc: &pdf_extract::Document,
    resources: &pdf_extract::Dictionary,
) -> Vec<pdf_extract::ObjectId> {
    xobjects(doc, resources).map_or_else(Vec::new, |d| {
        d.iter()
            .filter_map(|(_, v)| v.as_reference().ok())
            .collect()
    })
}

/// Object `id`, when it is a form XObject (`/Subtype /Form`; images are not followed).
fn form_stream(
    doc: &pdf_extract::Document,
    id: pdf_extract::ObjectId,
) -> Option<&pdf_extract::Stream> {
    let Ok(pdf_extract::Object::Stream(form)) = doc.get_object(id) else {
        return None;
    };
    let subtype = form.dict.get(b"Subtype").and_then(|o| o.as_name()).ok();
    (subtype == Some(b"Form".as_slice())).then_some(form)
}

/// A form's content, decoded (as it is when it does not decode).
fn form_content(form: &pdf_extract::Stream) -> Vec<u8> {
    form.decompressed_content()
        .unwrap_or_else(|_| form.content.clone())
}

/// A form's own resources, when it has them.
fn form_resources<'a>(
    doc: &'a pdf_extract::Document,
    form: &'a pdf_extract::Stream,
) -> Option<&'a pdf_extract::Dictionary> {
    dictionary(doc, form.dict.get(b"Resources").ok()?)
}

fn scan_text_operators(c: &[u8]) -> TextOps {
    let mut ops = TextOps::default();
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
                    ops.quotes = true;
                    ops.shows = true;
                }
            }
            b'T' if i + 1 < c.len() && (c[i + 1] == b'j' || c[i + 1] == b'J') => {
                let before = i == 0 || delim(c[i - 1]);
                let after = i + 2 >= c.len() || delim(c[i + 2]);
                if before && after {
                    ops.shows = true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::{scan_text_operators, TextOps};

    fn ops(shows: bool, quotes: bool) -> TextOps {
        TextOps { shows, quotes }
    }

    #[test]
    fn scans_text_operators_outside_strings() {
        assert_eq!(scan_text_operators(b"BT (Hello) Tj ET"), ops(true, false));
        assert_eq!(scan_text_operators(b"BT (a) Tj (b) ' ET"), ops(true, true));
        assert_eq!(scan_text_operators(b"BT 1 2 (c) \" ET"), ops(true, true));
        // An apostrophe inside a string, nested parentheses and escapes are not operators.
        assert_eq!(
            scan_text_operators(b"BT (it's (so) \\) fine) Tj ET"),
            ops(true, false)
        );
        assert_eq!(
            scan_text_operators(b"q 1 0 0 1 0 0 cm /Im0 Do Q"),
            ops(false, false)
        );
    }
}
