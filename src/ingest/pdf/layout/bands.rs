//! Running headers and footers: text repeated in the top or bottom band of many pages, and page
//! numbers in those bands.

use std::collections::{BTreeMap, BTreeSet};

use super::{PagePieces, Piece};
use crate::ingest::pdf::params::PdfParams;

/// A piece's text with every digit made `#` and spaces collapsed, so that "Página 3" and
/// "Página 14" compare equal.
fn band_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(
            word.chars()
                .map(|c| if c.is_ascii_digit() { '#' } else { c }),
        );
    }
    key
}

/// Whether a baseline lies in the top or bottom band of a page of height `h`.
fn in_band(y: f64, h: f64, p: &PdfParams) -> bool {
    y < h * p.band_top || y > h * p.band_bottom
}

/// Whether a piece may be running text: anything in the thin bands, and in the deeper margins a
/// text with words (a bullet glyph or a number that opens many pages is content, not a header).
fn may_run(text: &str, y: f64, h: f64, p: &PdfParams) -> bool {
    let in_margin = y < h * p.running_margin || y > h * (1.0 - p.running_margin);
    in_band(y, h, p)
        || (in_margin
            && text.chars().filter(|c| c.is_alphabetic()).count() >= p.running_min_letters)
}

/// The keys of texts found in the top or bottom margin of at least `running_min_pages` pages and
/// `running_min_percent` of them: running headers and footers.
pub(crate) fn repeated_bands<'a>(
    pages: impl IntoIterator<Item = &'a PagePieces>,
    p: &PdfParams,
) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut n = 0;
    for page in pages {
        n += 1;
        let seen: BTreeSet<String> = page
            .pieces
            .iter()
            .filter(|piece| may_run(&piece.text, piece.y, page.height, p))
            .map(|piece| band_key(&piece.text))
            .collect();
        for k in seen {
            *counts.entry(k).or_insert(0) += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(k, c)| {
            *c >= p.running_min_pages
                && *c * 100 >= n * p.running_min_percent
                && has_word_or_number(k)
        })
        .map(|(k, _)| k)
        .collect()
}

/// A bullet glyph or a rule that opens many pages is content, not a header or footer.
fn has_word_or_number(key: &str) -> bool {
    key.chars().any(|c| c.is_alphanumeric() || c == '#')
}

/// Whether a band key is a page number: digits with separators ("#", "- # -", "##/##"), or
/// with the words of "Página 3 de 40" / "Page 3 of 40".
fn is_page_number(key: &str) -> bool {
    const WORDS: [&str; 7] = ["página", "pagina", "pág.", "pág", "page", "de", "of"];
    key.contains('#')
        && key
            .split_whitespace()
            .filter(|w| !WORDS.contains(&w.to_lowercase().as_str()))
            .all(|w| {
                w.chars()
                    .all(|c| matches!(c, '#' | '-' | '/' | '|' | '.' | '–' | '·'))
            })
}

/// Whether a piece is a running header or footer (its key in `running`) or a page number (only
/// digits, spaces and dashes), in a band of a page of height `h`.
pub(super) fn is_running_text(piece: &Piece, h: f64, running: &[String], p: &PdfParams) -> bool {
    // A piece in a band may run; most pieces are in neither band nor margin, and need no key.
    if !may_run(&piece.text, piece.y, h, p) {
        return false;
    }
    let key = band_key(&piece.text);
    running.contains(&key) || (in_band(piece.y, h, p) && is_page_number(&key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_band_key_makes_digits_hashes_and_collapses_spaces() {
        assert_eq!(band_key("  Página 3\tde  37 "), "Página # de ##");
        assert_eq!(band_key("Informe\u{a0}2021"), "Informe ####");
        assert_eq!(band_key(" \n "), "");
        assert_eq!(band_key("٣ y 4"), "٣ y #");
    }

    #[test]
    fn page_numbers_in_their_common_forms() {
        for t in [
            "12",
            "- 12 -",
            "11/13",
            "Página 3 de 37",
            "Page 3 of 40",
            "pág. 7",
        ] {
            assert!(is_page_number(&band_key(t)), "{t}");
        }
        for t in [
            "Informe Ejecutivo 2021",
            "11/16/21, 10:30 AM",
            "—",
            "Capítulo 3",
        ] {
            assert!(!is_page_number(&band_key(t)), "{t}");
        }
    }
}
