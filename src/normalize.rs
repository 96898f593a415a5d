//! Normalize: decoded text → lines of NFC text, each byte mapped back to the file.
//!
//! Every line keeps its number, its page (when the text has form feeds), its byte span in the
//! file, and a map from each byte of its normalized text to a file offset. Joining wrapped lines
//! into one text ([`Joiner`]) also lives here: segmentation decides *which* lines form a text,
//! this module decides *how* they join (spaces, hyphens) without losing the map.

use serde::{Deserialize, Serialize};
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::ingest::{ByteMap, Source};

/// What the pipeline knows about an input file, carried by every later stage.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceInfo {
    pub file: String,
    pub sha256: String,
    pub size: u64,
    pub format: String,
}

/// A normalized document: its lines in file order.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Document {
    pub source: SourceInfo,
    /// Whether the text marks pages with form feeds (then every line has a page number).
    pub paged: bool,
    pub lines: Vec<Line>,
    /// For a PDF: the page and box of every byte of the text.
    #[serde(skip)]
    pub pdf: Option<std::sync::Arc<crate::ingest::pdf::PdfText>>,
    /// What decoding repaired (from ingest), for the run's warnings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Indices into `lines` that the file's structure marks as headings (Word heading styles).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub styled_headings: Vec<usize>,
}

/// One line of the file, NFC-normalized, without its line ending and trailing white space.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Line {
    /// 1-based line number in the file.
    pub number: u32,
    /// 1-based page, when the text has form feeds.
    pub page: Option<u32>,
    /// Whether a form feed starts this line's page.
    pub page_break: bool,
    pub text: String,
    /// File byte offsets of the line's text (start, end).
    pub span: [usize; 2],
    /// For each byte of `text`, and one past its end, the file offset.
    #[serde(skip)]
    pub map: Vec<u32>,
}

impl Line {
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// Finds the line (and page) that holds a file offset.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// (file offset of the line's first byte, line number, page), in file order.
    starts: Vec<(usize, u32, Option<u32>)>,
    pdf: Option<std::sync::Arc<crate::ingest::pdf::PdfText>>,
}

impl LineIndex {
    pub fn new(doc: &Document) -> LineIndex {
        LineIndex {
            starts: doc
                .lines
                .iter()
                .map(|l| {
                    (
                        l.map.first().copied().unwrap_or(0) as usize,
                        l.number,
                        l.page,
                    )
                })
                .collect(),
            pdf: doc.pdf.clone(),
        }
    }

    /// For a PDF, the box on the page of the text in `span` (its first page's part).
    pub fn bbox(&self, span: [usize; 2]) -> Option<crate::geometry::BBox> {
        self.pdf.as_ref().and_then(|p| p.bbox(span[0]..span[1]))
    }

    /// The 1-based line and the page of file offset `offset`.
    pub fn locate(&self, offset: usize) -> (u32, Option<u32>) {
        let i = self.starts.partition_point(|&(s, _, _)| s <= offset);
        self.starts
            .get(i.saturating_sub(1))
            .map_or((1, None), |&(_, line, page)| (line, page))
    }
}

/// Splits decoded text into NFC lines. CRLF, LF and CR end lines; a form feed starts a page.
pub fn normalize(source: &Source) -> Document {
    let text = &source.text;
    // A PDF always has pages; text has them when it has form feeds.
    let paged = text.contains('\u{c}') || source.pdf.is_some();
    let mut lines = Vec::new();
    let mut page = 1u32;
    let mut pending_break = false;
    let bytes = text.as_bytes();
    let (mut start, mut i) = (0usize, 0usize);
    let mut push = |start: usize, end: usize, page: u32, page_break: bool| {
        let number = lines.len() as u32 + 1;
        lines.push(make_line(
            source,
            start,
            end,
            number,
            paged.then_some(page),
            page_break,
        ));
    };
    while i < bytes.len() {
        match bytes[i] {
            b'\n' | b'\r' => {
                push(start, i, page, pending_break);
                pending_break = false;
                i += if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            0x0c => {
                // A form feed ends the page; the text after it starts the next one.
                if i > start {
                    push(start, i, page, pending_break);
                }
                page += 1;
                pending_break = true;
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        push(start, bytes.len(), page, pending_break);
    }
    Document {
        source: SourceInfo {
            file: source.file.clone(),
            sha256: source.sha256.clone(),
            size: source.size,
            format: source.format.clone(),
        },
        paged,
        lines,
        pdf: source.pdf.clone(),
        warnings: source.warnings.clone(),
        styled_headings: source.heading_lines.clone(),
    }
}

fn make_line(
    source: &Source,
    start: usize,
    end: usize,
    number: u32,
    page: Option<u32>,
    page_break: bool,
) -> Line {
    let raw = source.text[start..end].trim_end();
    // The map's kind chosen once for the line, not at every byte.
    let (text, map) = match &source.map {
        ByteMap::Identity => nfc_with_map(raw, |off| (start + off) as u32),
        ByteMap::Shift(s) => nfc_with_map(raw, |off| (start + s + off) as u32),
        table => nfc_with_map(raw, |off| table.to_file(start + off) as u32),
    };
    let span = [
        map.first().copied().unwrap_or(0) as usize,
        map.last().copied().unwrap_or(0) as usize,
    ];
    Line {
        number,
        page,
        page_break,
        text,
        span,
        map,
    }
}

/// Whether every character of `s` is below U+0300, where the combining marks begin: each such
/// character is NFC on its own and none composes with a neighbour, so `s` is NFC (most lines of
/// a Spanish text; a test checks all 768). A character from U+0300 on starts with a byte of
/// 0xCC or more in UTF-8, and every byte of one below it is less.
fn below_combining_marks(s: &str) -> bool {
    s.bytes().all(|b| b < 0xCC)
}

/// NFC-normalizes `raw`, mapping each output byte to `to_file(offset in raw)`.
/// Characters are normalized cluster by cluster (a starter and its combining marks), so each
/// output byte maps to the first byte of the cluster it came from.
pub fn nfc_with_map(raw: &str, to_file: impl Fn(usize) -> u32) -> (String, Vec<u32>) {
    if below_combining_marks(raw) || is_nfc_quick(raw.chars()) == IsNormalized::Yes {
        let map: Vec<u32> = (0..=raw.len()).map(to_file).collect();
        return (raw.to_string(), map);
    }
    let mut out = String::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len() + 1);
    let mut iter = raw.char_indices().peekable();
    while let Some((i, _)) = iter.next() {
        // Extend the cluster over following combining marks.
        let mut end = raw.len();
        while let Some(&(j, c)) = iter.peek() {
            if canonical_combining_class(c) != 0 {
                iter.next();
            } else {
                end = j;
                break;
            }
        }
        if iter.peek().is_none() {
            end = raw.len();
        }
        let piece: String = raw[i..end].nfc().collect();
        for _ in 0..piece.len() {
            map.push(to_file(i));
        }
        out.push_str(&piece);
    }
    map.push(to_file(raw.len()));
    (out, map)
}

/// What to do with a hyphen at the end of a wrapped line (`join.hyphen` in layout.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HyphenJoin {
    Keep,
    Remove,
}

/// Builds one text from pieces of lines, keeping the map to file offsets.
///
/// ```
/// use informe::normalize::Joiner;
/// use informe::normalize::HyphenJoin;
/// let mut j = Joiner::new(HyphenJoin::Keep);
/// j.push("pandemia COVID-", &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
/// j.push("19 en México", &[20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33]);
/// assert_eq!(j.text(), "pandemia COVID-19 en México");
/// ```
#[derive(Debug, Clone)]
pub struct Joiner {
    hyphen: HyphenJoin,
    text: String,
    map: Vec<u32>,
    /// File offset one past the last pushed byte.
    end: u32,
}

impl Joiner {
    pub fn new(hyphen: HyphenJoin) -> Joiner {
        Joiner {
            hyphen,
            text: String::new(),
            map: Vec::new(),
            end: 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Appends a wrapped line: joined with a space, or with nothing after a line-final hyphen.
    /// `map` has one entry per byte of `piece` plus one for its end.
    pub fn push(&mut self, piece: &str, map: &[u32]) {
        self.push_with(piece, map, ' ');
    }

    /// Appends a new paragraph of the same text, separated by a newline.
    pub fn push_paragraph(&mut self, piece: &str, map: &[u32]) {
        self.push_with(piece, map, '\n');
    }

    fn push_with(&mut self, piece: &str, map: &[u32], sep: char) {
        let lead = piece.len() - piece.trim_start().len();
        let piece = piece.trim();
        if piece.is_empty() {
            return;
        }
        let map = &map[lead..];
        if !self.text.is_empty() {
            let soft = self.text.ends_with('\u{AD}');
            let hyphen = self.text.ends_with('-') && sep == ' ';
            if soft {
                let n = '\u{AD}'.len_utf8();
                self.text.truncate(self.text.len() - n);
                self.map.truncate(self.map.len() - n);
            } else if hyphen {
                let before = self.text[..self.text.len() - 1].chars().next_back();
                let after = piece.chars().next();
                let lower = |c: Option<char>| c.is_some_and(|c| c.is_lowercase());
                if self.hyphen == HyphenJoin::Remove && lower(before) && lower(after) {
                    self.text.pop();
                    self.map.pop();
                }
            } else {
                self.text.push(sep);
                self.map.push(self.end);
            }
        }
        self.text.push_str(piece);
        self.map.extend_from_slice(&map[..piece.len()]);
        self.end = map.get(piece.len()).copied().unwrap_or(self.end);
    }

    /// The text and, for each byte plus one past the end, its file offset.
    pub fn finish(mut self) -> (String, Vec<u32>) {
        self.map.push(self.end);
        (self.text, self.map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_below_the_combining_marks_is_nfc_and_composes_with_none() {
        let below: Vec<char> = (0..0x300).filter_map(char::from_u32).collect();
        assert_eq!(below.len(), 0x300);
        for &c in &below {
            let alone = c.to_string();
            assert!(below_combining_marks(&alone), "{c:?}");
            assert_eq!(is_nfc_quick(alone.chars()), IsNormalized::Yes, "{c:?}");
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
        }
        // Every pair is NFC as it stands.
        for &a in below.iter().step_by(7) {
            for &b in &below {
                let pair: String = [a, b].into_iter().collect();
                assert_eq!(pair.nfc().collect::<String>(), pair, "{a:?} {b:?}");
            }
        }
        // The first combining mark and everything after it go to the full check.
        for c in ['\u{300}', '\u{301}', '●', '“', '한', '😀'] {
            assert!(!below_combining_marks(&format!("abc{c}")), "{c:?}");
        }
    }
    fn ingest_bytes(file: &str, bytes: &[u8]) -> Result<crate::ingest::Source, crate::InputError> {
        let path = std::path::Path::new("rules/gcm/layout.toml");
        let rules = crate::ingest::IngestRules::load(path).unwrap();
        crate::ingest::ingest_bytes(file, bytes, &rules)
    }

    fn doc(text: &str) -> Document {
        normalize(&ingest_bytes("t.txt", text.as_bytes()).unwrap())
    }

    #[test]
    fn crlf_lf_and_cr_end_lines_and_spans_point_into_the_file() {
        let d = doc("uno\r\ndos\nres\rcuatro");
        let texts: Vec<_> = d.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["uno", "dos", "res", "cuatro"]);
        assert_eq!(d.lines[1].span, [5, 8]);
        assert_eq!(d.lines[3].number, 4);
        assert!(!d.paged);
    }

    #[test]
    fn form_feeds_number_pages() {
        let d = doc("a\nb\n\u{c}c\nd");
        let pages: Vec<_> = d.lines.iter().map(|l| (l.text.as_str(), l.page)).collect();
        assert_eq!(
            pages,
            [
                ("a", Some(1)),
                ("b", Some(1)),
                ("c", Some(2)),
                ("d", Some(2))
            ]
        );
        assert!(d.lines[2].page_break);
    }

    #[test]
    fn decomposed_accents_become_nfc_and_map_back() {
        // "Migracio" + U+0301 + "n": NFC composes ó; the map points at the file's "o".
        let d = doc("Migracio\u{301}n 2021");
        let l = &d.lines[0];
        assert_eq!(l.text, "Migración 2021");
        let pos = l.text.find('2').unwrap();
        assert_eq!(l.map[pos], 12); // 8 + 'o' (1) + U+0301 (2) + 'n' (1) = 12
    }

    #[test]
    fn joiner_hyphen_rules() {
        let m = |s: &str, base: u32| (0..=s.len() as u32).map(|i| base + i).collect::<Vec<_>>();
        let mut keep = Joiner::new(HyphenJoin::Keep);
        keep.push("derechos político-", &m("derechos político-", 0));
        keep.push("electorales", &m("electorales", 100));
        assert_eq!(keep.text(), "derechos político-electorales");
        let mut remove = Joiner::new(HyphenJoin::Remove);
        remove.push("la coopera-", &m("la coopera-", 0));
        remove.push("ción", &m("ción", 100));
        remove.push("COVID-", &m("COVID-", 200));
        remove.push("19", &m("19", 300));
        let (t, map) = remove.finish();
        assert_eq!(t, "la cooperación COVID-19");
        assert_eq!(map[t.find("ción").unwrap()], 100);
        assert_eq!(map[t.find("19").unwrap()], 300);
        assert_eq!(map.len(), t.len() + 1);
        let mut soft = Joiner::new(HyphenJoin::Keep);
        soft.push("interna\u{AD}", &m("interna\u{AD}", 0));
        soft.push("cional", &m("cional", 50));
        assert_eq!(soft.text(), "internacional");
    }
}
