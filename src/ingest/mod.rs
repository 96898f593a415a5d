//! Ingest: bytes of an input file → decoded text with a map back to the file's bytes.
//!
//! Text is decoded as Word and PDF-to-text tools write it: UTF-8 with or without BOM, UTF-16
//! LE/BE with BOM (or without, when the NUL pattern shows it), and Windows-1252 when the bytes
//! are not valid UTF-8 (Word's default "Plain Text" export). Decoding is `encoding_rs`'s.
//!
//! PDFs are read by [`pdf`]: positioned glyphs laid out into text in reading order, each byte
//! keeping the page and box it came from.
//!
//! Ingest is the only stage that knows about file formats; later stages see a [`Source`].

pub mod docx;
pub mod limits;
pub mod pdf;

use std::path::Path;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use serde::{Deserialize, Serialize};

use crate::error::{InputError, RulesError};
use crate::patterns::{compile_with_groups, read_toml, Pattern, PatternSpec};

/// What ingest reads from the rules: the objective heading pattern of `layout.toml`, which the
/// PDF reader uses to find side-box and column headings by position.
#[derive(Debug, Clone)]
pub struct IngestRules {
    pub objective_start: Pattern,
    pub text: TextRules,
    /// Geometric thresholds of the PDF reader (`[pdf]`).
    pub pdf: pdf::PdfParams,
}

/// How text files are decoded (`[text]` in layout.toml).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextRules {
    /// Largest share (0–1) of a file's non-ASCII characters that may be invalid UTF-8 for the
    /// file to be read as UTF-8 with those bytes replaced (else it is read as Windows-1252).
    pub max_invalid_utf8_share: f64,
    /// Fewest valid multi-byte UTF-8 characters a file with invalid bytes needs to be read as
    /// UTF-8.
    pub min_utf8_multibyte_chars: usize,
    /// The single-byte code pages a file that is neither UTF-8 nor UTF-16 may be in, by their
    /// WHATWG labels ("windows-1252", "macintosh"). The file is read in each, and the one that
    /// leaves the fewest garbled words ([`crate::garble::odd_runs`]) is taken; on a tie, the
    /// first listed. Windows-1252 alone when a profile does not say (as before the list).
    #[serde(default = "windows_1252_only")]
    pub legacy_encodings: Vec<String>,
    /// `legacy_encodings`, resolved at load.
    #[serde(skip)]
    code_pages: Vec<&'static Encoding>,
}

fn windows_1252_only() -> Vec<String> {
    vec!["windows-1252".to_string()]
}

impl TextRules {
    /// Resolves `legacy_encodings`: each a label encoding_rs knows, of a single-byte encoding.
    fn resolve(mut self, path: &Path) -> Result<TextRules, RulesError> {
        let key = "text.legacy_encodings";
        self.code_pages = self
            .legacy_encodings
            .iter()
            .map(|label| match Encoding::for_label(label.as_bytes()) {
                Some(e) if e.is_single_byte() => Ok(e),
                Some(_) => Err(RulesError::new(
                    path,
                    key,
                    &format!("{label:?} is not a single-byte code page"),
                )),
                None => Err(RulesError::new(
                    path,
                    key,
                    &format!("{label:?} is not an encoding label (WHATWG) informe knows"),
                )),
            })
            .collect::<Result<_, _>>()?;
        if self.code_pages.is_empty() {
            return Err(RulesError::new(path, key, "lists no code page"));
        }
        Ok(self)
    }
}

/// Ingest's part of `layout.toml`; the segmenter reads the rest (and checks the whole file).
#[derive(Debug, Deserialize)]
struct IngestLayoutFile {
    objective_heading: ObjectiveHeadingPart,
    text: TextRules,
    pdf: pdf::PdfParams,
}

#[derive(Debug, Deserialize)]
struct ObjectiveHeadingPart {
    start: PatternSpec,
}

impl IngestRules {
    /// Loads ingest's part of the profile's `layout.toml` (the path of that file).
    pub fn load(layout: &Path) -> Result<IngestRules, RulesError> {
        let file: IngestLayoutFile = read_toml(layout)?;
        Ok(IngestRules {
            objective_start: compile_with_groups(
                layout,
                "objective_heading.start",
                file.objective_heading.start,
                &["number", "title"],
            )?,
            text: file.text.resolve(layout)?,
            pdf: file.pdf,
        })
    }
}

/// A decoded input file.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Source {
    /// The path as given by the user (or found in a folder).
    pub file: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// Size of the file in bytes.
    pub size: u64,
    /// `text/utf-8`, `text/utf-16le`, `text/windows-1252`…
    pub format: String,
    /// Whether the file started with a byte-order mark.
    pub bom: bool,
    /// The decoded text (not yet normalized).
    pub text: String,
    /// For each byte offset of `text` (and one past the end), the byte offset in the file.
    /// For a PDF, spans are offsets into the extracted text itself (written as `pages.jsonl`).
    #[serde(skip)]
    pub map: ByteMap,
    /// For a PDF: the pages and the box of every byte of `text`.
    #[serde(skip)]
    pub pdf: Option<std::sync::Arc<pdf::PdfText>>,
    /// What decoding had to repair (invalid bytes replaced), for the run's warnings.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// 0-based lines that the file's own structure marks as headings (Word heading styles).
    #[serde(default)]
    pub heading_lines: Vec<usize>,
}

/// Maps byte offsets of decoded text back to byte offsets of the file.
#[derive(Debug, Clone, Default)]
pub enum ByteMap {
    /// Text offset + shift (UTF-8, possibly after a BOM).
    #[default]
    Identity,
    Shift(usize),
    /// One entry per text byte, plus one for the end.
    Table(Vec<u32>),
}

impl ByteMap {
    pub fn to_file(&self, text_offset: usize) -> usize {
        match self {
            ByteMap::Identity => text_offset,
            ByteMap::Shift(s) => text_offset + s,
            ByteMap::Table(t) => t
                .get(text_offset)
                .or_else(|| t.last())
                .map_or(text_offset, |&v| v as usize),
        }
    }
}

/// Reads and decodes a file. `rules` are the PDF reader's (heading pattern, geometry).
pub fn ingest(path: &Path, rules: &IngestRules) -> Result<Source, InputError> {
    let shown = path.display().to_string();
    check_file_size(&shown, path)?;
    let bytes = std::fs::read(path).map_err(|source| InputError::Io {
        path: shown.clone(),
        source,
    })?;
    ingest_bytes(&shown, &bytes, rules)
}

/// Fails when the file is over [`limits::MAX_INPUT_FILE_BYTES`], before reading it.
fn check_file_size(shown: &str, path: &Path) -> Result<(), InputError> {
    let size = std::fs::metadata(path)
        .map_err(|source| InputError::Io {
            path: shown.to_string(),
            source,
        })?
        .len();
    if size > limits::MAX_INPUT_FILE_BYTES {
        return Err(limits::too_large(
            shown,
            format!("the file ({})", limits::size_text(size)),
            limits::MAX_INPUT_FILE_BYTES,
            "MAX_INPUT_FILE_BYTES",
        ));
    }
    Ok(())
}

/// What a file is, from its bytes: `pdf`, `docx`, `text`, or `None` when it is none of them.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.is_empty() {
        return Some("text"); // reported as empty when read
    }
    if is_pdf(bytes) {
        return Some("pdf");
    }
    if docx::is_docx(bytes) {
        return Some("docx");
    }
    if Encoding::for_bom(bytes).is_some() {
        return Some("text");
    }
    let sample = &bytes[..bytes.len().min(8192)];
    if utf16_by_nuls(sample).is_some() {
        return Some("text");
    }
    check_not_binary("", sample).ok().map(|_| "text")
}

/// Whether bytes are a PDF: the header in the first kilobyte, as readers accept it.
pub fn is_pdf(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
}

/// Decodes bytes already in memory; `file` names them in errors and provenance.
pub fn ingest_bytes(file: &str, bytes: &[u8], rules: &IngestRules) -> Result<Source, InputError> {
    let source = decode_bytes(file, bytes, rules)?;
    limits::check_text(file, &source.text)?;
    Ok(source)
}

/// The text of a text file over [`limits::MAX_TEXT_BYTES`] is not decoded.
fn check_text_file_size(file: &str, bytes: &[u8]) -> Result<(), InputError> {
    if bytes.len() > limits::MAX_TEXT_BYTES {
        return Err(limits::too_large(
            file,
            format!("the text file ({})", limits::size_text(bytes.len() as u64)),
            limits::MAX_TEXT_BYTES as u64,
            "MAX_TEXT_BYTES",
        ));
    }
    Ok(())
}

fn decode_bytes(file: &str, bytes: &[u8], rules: &IngestRules) -> Result<Source, InputError> {
    let path = file.to_string();
    if bytes.is_empty() {
        return Err(InputError::Empty { path });
    }
    let sha256 = crate::hash::sha256_hex(bytes);
    let size = bytes.len() as u64;
    if docx::is_docx(bytes) {
        let docx::DocxText {
            text,
            heading_lines,
        } = docx::docx_text(file, bytes)?;
        if text.trim().is_empty() {
            return Err(InputError::NoText { path });
        }
        return Ok(Source {
            file: path,
            sha256,
            size,
            format: "docx".to_string(),
            bom: false,
            text,
            map: ByteMap::Identity,
            pdf: None,
            warnings: Vec::new(),
            heading_lines,
        });
    }
    if is_pdf(bytes) {
        let read = pdf::read_pdf(file, bytes, rules)?;
        return Ok(Source {
            file: path,
            sha256,
            size,
            format: "application/pdf".to_string(),
            bom: false,
            text: read.text.clone(),
            map: ByteMap::Identity,
            pdf: Some(std::sync::Arc::new(read)),
            warnings: Vec::new(),
            heading_lines: Vec::new(),
        });
    }

    check_text_file_size(file, bytes)?;
    let bom = Encoding::for_bom(bytes);
    let bom_len = bom.map_or(0, |(_, len)| len);
    let body = &bytes[bom_len..];
    // Most text files are valid UTF-8: read so once, and neither the sniffer, the decoding nor the
    // warning reads the bytes again.
    let valid_utf8 = std::str::from_utf8(body).ok();
    let encoding = match bom {
        Some((enc, _)) => enc,
        None => sniff_without_bom(bytes, valid_utf8.is_some(), &rules.text),
    };
    if encoding != UTF_16LE && encoding != UTF_16BE {
        check_not_binary(&path, bytes)?;
    }
    let (text, map) = match valid_utf8.filter(|_| encoding == UTF_8) {
        Some(s) => (
            s.to_string(),
            if bom_len == 0 {
                ByteMap::Identity
            } else {
                ByteMap::Shift(bom_len)
            },
        ),
        // Not valid UTF-8 (a bad sequence after a UTF-8 BOM, or UTF-8 damaged only here and
        // there: replaced, and the table map keeps offsets right), or another encoding.
        None => decode_with_table(encoding, body, bom_len),
    };
    if text.trim().is_empty() {
        return Err(InputError::NoText { path });
    }
    if encoding == UTF_16LE || encoding == UTF_16BE {
        // Decoded UTF-16 must still be text.
        check_decoded_not_binary(&path, &text)?;
    }
    let warnings = if encoding == UTF_8 && valid_utf8.is_none() {
        invalid_utf8_warning(&read_utf8(body).invalid, bom_len)
    } else {
        Vec::new()
    };
    Ok(Source {
        file: file.to_string(),
        sha256,
        size,
        format: format!("text/{}", encoding.name().to_ascii_lowercase()),
        bom: bom_len > 0,
        text,
        map,
        pdf: None,
        warnings,
        heading_lines: Vec::new(),
    })
}

/// Chooses an encoding for bytes without a BOM: UTF-16 when every other byte is NUL, UTF-8
/// when valid (`valid_utf8`, already read) or damaged only here and there (see [`TextRules`]),
/// else the code page of the rules' list that garbles the fewest words.
fn sniff_without_bom(bytes: &[u8], valid_utf8: bool, rules: &TextRules) -> &'static Encoding {
    if let Some(utf16) = utf16_by_nuls(bytes) {
        return utf16;
    }
    if valid_utf8 {
        return UTF_8;
    }
    let reading = read_utf8(bytes);
    if reading.invalid.is_empty() || reading.mostly_utf8(rules) {
        UTF_8
    } else {
        least_garbling_code_page(bytes, &rules.code_pages)
    }
}

/// The code page of `code_pages` in which `bytes` read with the fewest garbled words; the first
/// on a tie (Windows-1252 when nothing tells them apart).
fn least_garbling_code_page(bytes: &[u8], code_pages: &[&'static Encoding]) -> &'static Encoding {
    code_pages
        .iter()
        .copied()
        .min_by_key(|page| crate::garble::odd_runs(&page.decode_without_bom_handling(bytes).0))
        .unwrap_or(WINDOWS_1252)
}

/// How bytes read as UTF-8: characters of two or more bytes, and where the invalid bytes are.
struct Utf8Reading {
    multibyte: usize,
    invalid: Vec<usize>,
}

impl Utf8Reading {
    /// UTF-8 with a few stray bytes: enough real multi-byte characters, few invalid ones.
    fn mostly_utf8(&self, rules: &TextRules) -> bool {
        let non_ascii = self.multibyte + self.invalid.len();
        self.multibyte >= rules.min_utf8_multibyte_chars
            && (self.invalid.len() as f64) <= rules.max_invalid_utf8_share * non_ascii as f64
    }
}

/// Reads bytes as UTF-8, counting multi-byte characters and noting invalid bytes' offsets (a
/// sequence cut by the end of the bytes is not counted as invalid).
fn read_utf8(bytes: &[u8]) -> Utf8Reading {
    let mut out = Utf8Reading {
        multibyte: 0,
        invalid: Vec::new(),
    };
    let mut at = 0usize;
    while at < bytes.len() {
        match std::str::from_utf8(&bytes[at..]) {
            Ok(s) => {
                out.multibyte += multibyte_chars(s);
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                let valid = std::str::from_utf8(&bytes[at..at + good]).unwrap_or_default();
                out.multibyte += multibyte_chars(valid);
                match e.error_len() {
                    Some(len) => {
                        out.invalid.push(at + good);
                        at += good + len;
                    }
                    None => break,
                }
            }
        }
    }
    out
}

/// The characters of `s` longer than a byte: in UTF-8 each starts with a byte of 0xC0 or more,
/// and no other byte is (counted over bytes, without decoding a character).
fn multibyte_chars(s: &str) -> usize {
    // A sum of 0s and 1s, which the compiler turns into vector code (a filtered count it does not).
    s.bytes().map(|b| usize::from(b >= 0xC0)).sum()
}

/// UTF-16 without a BOM: every other byte NUL in a sample of the start.
fn utf16_by_nuls(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096)];
    if sample.len() >= 4 {
        let even_nul = sample.iter().step_by(2).filter(|&&b| b == 0).count();
        let odd_nul = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count();
        let half = sample.len() / 2;
        if odd_nul * 10 >= half * 9 && even_nul * 10 < half {
            return Some(UTF_16LE);
        }
        if even_nul * 10 >= half * 9 && odd_nul * 10 < half {
            return Some(UTF_16BE);
        }
    }
    None
}

/// Refuses bytes that are not text: NUL bytes, or many control characters.
fn check_not_binary(path: &str, bytes: &[u8]) -> Result<(), InputError> {
    // `contains` finds a byte with memchr; the position is sought only when there is one.
    if let Some(pos) = bytes
        .contains(&0)
        .then(|| bytes.iter().position(|&b| b == 0))
        .flatten()
    {
        return Err(InputError::Binary {
            path: path.to_string(),
            reason: format!("NUL byte at offset {pos}"),
        });
    }
    let sample = &bytes[..bytes.len().min(8192)];
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    if controls * 100 > sample.len() {
        return Err(InputError::Binary {
            path: path.to_string(),
            reason: format!(
                "{controls} control bytes in the first {} bytes",
                sample.len()
            ),
        });
    }
    Ok(())
}

fn check_decoded_not_binary(path: &str, text: &str) -> Result<(), InputError> {
    let total = text.chars().take(8192).count().max(1);
    let bad = text
        .chars()
        .take(8192)
        .filter(|&c| {
            (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) || c == '\u{FFFD}'
        })
        .count();
    if bad * 100 > total {
        return Err(InputError::Binary {
            path: path.to_string(),
            reason: format!("{bad} control or undecodable characters after UTF-16 decoding"),
        });
    }
    Ok(())
}

/// A warning naming the file offsets of invalid UTF-8 bytes (the first ten), if any.
fn invalid_utf8_warning(invalid: &[usize], shift: usize) -> Vec<String> {
    const SHOWN: usize = 10;
    if invalid.is_empty() {
        return Vec::new();
    }
    let shown: Vec<String> = invalid
        .iter()
        .take(SHOWN)
        .map(|o| (o + shift).to_string())
        .collect();
    let more = if invalid.len() > SHOWN { ", …" } else { "" };
    vec![format!(
        "read as UTF-8 with {} invalid byte(s) replaced by U+FFFD, at byte offset(s) {}{more}",
        invalid.len(),
        shown.join(", ")
    )]
}

/// Decodes character by character so that each text byte knows its file offset.
fn decode_with_table(encoding: &'static Encoding, body: &[u8], shift: usize) -> (String, ByteMap) {
    let (text, _) = encoding.decode_without_bom_handling(body);
    let text = text.into_owned();
    let mut table = Vec::with_capacity(text.len() + 1);
    if encoding.is_single_byte() {
        // One file byte per character.
        for (i, c) in text.chars().enumerate() {
            for _ in 0..c.len_utf8() {
                table.push((shift + i) as u32);
            }
        }
    } else if encoding == UTF_16LE || encoding == UTF_16BE {
        let mut unit = 0usize;
        for c in text.chars() {
            for _ in 0..c.len_utf8() {
                table.push((shift + unit * 2) as u32);
            }
            unit += c.len_utf16();
        }
    } else {
        // UTF-8 with replacements: re-walk the bytes with the lossy decoder's rules.
        let mut offset = 0usize;
        let mut rest = body;
        while !rest.is_empty() {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    for (i, c) in s.char_indices() {
                        for _ in 0..c.len_utf8() {
                            table.push((shift + offset + i) as u32);
                        }
                    }
                    offset += rest.len();
                    rest = &[];
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    let valid = std::str::from_utf8(&rest[..good]).unwrap_or_default();
                    for (i, c) in valid.char_indices() {
                        for _ in 0..c.len_utf8() {
                            table.push((shift + offset + i) as u32);
                        }
                    }
                    // U+FFFD is three bytes in the text.
                    for _ in 0..3 {
                        table.push((shift + offset + good) as u32);
                    }
                    let bad = e.error_len().unwrap_or(rest.len() - good);
                    offset += good + bad;
                    rest = &rest[good + bad..];
                }
            }
        }
    }
    let end = (shift + body.len()) as u32;
    table.push(end);
    debug_assert_eq!(table.len(), text.len() + 1);
    (text, ByteMap::Table(table))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multibyte_characters_are_counted_by_their_first_bytes() {
        for s in [
            "",
            "abc",
            "ñandú",
            "€ 2021 😀 ż",
            "\u{7f}\u{80}\u{7ff}\u{800}\u{ffff}\u{10000}",
        ] {
            let by_chars = s.chars().filter(|c| c.len_utf8() > 1).count();
            assert_eq!(multibyte_chars(s), by_chars, "{s:?}");
        }
    }

    fn ingest_bytes(file: &str, bytes: &[u8]) -> Result<Source, InputError> {
        let rules = IngestRules::load(Path::new("rules/gcm/layout.toml")).unwrap();
        super::ingest_bytes(file, bytes, &rules)
    }

    #[test]
    fn utf8_without_bom_maps_identity() {
        let s = ingest_bytes("a.txt", "Migración\n".as_bytes()).unwrap();
        assert_eq!(s.format, "text/utf-8");
        assert_eq!(s.map.to_file(5), 5);
    }

    #[test]
    fn utf8_bom_shifts_offsets() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("ab".as_bytes());
        let s = ingest_bytes("a.txt", &b).unwrap();
        assert!(s.bom);
        assert_eq!(s.text, "ab");
        assert_eq!(s.map.to_file(1), 4);
    }

    #[test]
    fn windows_1252_maps_each_char_to_one_byte() {
        // "Migración" in Windows-1252: ó is 0xF3.
        let b = b"Migraci\xf3n 2021";
        let s = ingest_bytes("a.txt", b).unwrap();
        assert_eq!(s.format, "text/windows-1252");
        assert_eq!(s.text, "Migración 2021");
        let n = s.text.find('n').unwrap(); // the "n" after "ó"
        assert_eq!(s.map.to_file(s.text.find("2021").unwrap()), 10);
        assert_eq!(s.map.to_file(n), 8);
    }

    #[test]
    fn utf16le_with_bom() {
        let mut b = vec![0xFF, 0xFE];
        for u in "Año 2021".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let s = ingest_bytes("a.txt", &b).unwrap();
        assert_eq!(s.format, "text/utf-16le");
        assert_eq!(s.text, "Año 2021");
        assert_eq!(s.map.to_file(s.text.find('2').unwrap()), 2 + 4 * 2);
    }

    #[test]
    fn utf16be_without_bom_is_sniffed() {
        let mut b = Vec::new();
        for u in "Objetivo 1. Recopilar".encode_utf16() {
            b.extend_from_slice(&u.to_be_bytes());
        }
        let s = ingest_bytes("a.txt", &b).unwrap();
        assert_eq!(s.format, "text/utf-16be");
        assert_eq!(s.text, "Objetivo 1. Recopilar");
    }

    #[test]
    fn empty_binary_and_pdf_are_errors() {
        assert!(matches!(
            ingest_bytes("e.txt", b""),
            Err(InputError::Empty { .. })
        ));
        assert!(matches!(
            ingest_bytes("w.txt", b"  \n\r\n "),
            Err(InputError::NoText { .. })
        ));
        let err = ingest_bytes("x.bin", b"\x7fELF\x02\x01\x01\x00\x00").unwrap_err();
        assert!(err.to_string().contains("x.bin"), "{err}");
        assert!(err.to_string().contains("NUL byte at offset 7"), "{err}");
        assert!(matches!(
            ingest_bytes("r.pdf", b"%PDF-1.7\n"),
            Err(InputError::PdfUnreadable { .. })
        ));
    }

    #[test]
    fn invalid_utf8_after_bom_keeps_offsets() {
        let b = b"\xEF\xBB\xBFab\xffcd";
        let s = ingest_bytes("a.txt", b).unwrap();
        assert_eq!(s.text, "ab\u{FFFD}cd");
        assert_eq!(s.map.to_file(s.text.find('c').unwrap()), 6);
    }
}
