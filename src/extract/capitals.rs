//! Runs of capitals, as the regex `\p{Lu}[\p{Lu}\p{M}]*` finds them, read a character at a time.
//!
//! The agencies step looks at every word written in capitals. With the regex, every capital of
//! a text (each sentence's first letter, each proper name) was a search of its own, and a
//! search costs a few hundred instructions before it reads a byte. [`Capitals`] classes each
//! character instead: ASCII and Latin-1 by table, every other character by the ranges of the
//! regex crate's own classes (read from its syntax crate, without building an automaton). A test
//! compares the classing with the regex crate's on every character there is, and the runs with
//! the regex's on random texts.

use regex_syntax::hir::{Class as HirClass, HirKind};

/// The classes a run of capitals is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// General category Lu (uppercase letter).
    Upper,
    /// General category M (a mark).
    Mark,
    Other,
}

/// Finds runs of capitals: an uppercase letter, then uppercase letters and marks.
#[derive(Debug, Clone)]
pub struct Capitals {
    /// The characters of `\p{Lu}` and of `\p{M}`, as sorted, disjoint ranges.
    upper: Vec<(char, char)>,
    mark: Vec<(char, char)>,
}

impl Capitals {
    /// # Errors
    ///
    /// When the regex crate's syntax does not give the classes (it always does).
    pub fn new() -> Result<Capitals, String> {
        Ok(Capitals {
            upper: class_ranges(r"\p{Lu}")?,
            mark: class_ranges(r"\p{M}")?,
        })
    }

    /// The byte ranges of the runs of capitals of `text`, in order: what
    /// `\p{Lu}[\p{Lu}\p{M}]*` finds, one match after another.
    pub fn runs(&self, text: &str) -> Vec<(usize, usize)> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut open: Option<usize> = None;
        let mut at = 0;
        while at < bytes.len() {
            // Most bytes are ASCII of the same class as the one before: skipped a run at a time.
            let same = |b: &u8| b.is_ascii() && b.is_ascii_uppercase() == open.is_some();
            at += bytes[at..].iter().take_while(|b| same(b)).count();
            let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            match (self.class(c), open) {
                (Class::Upper, None) => open = Some(at),
                (Class::Other, Some(start)) => {
                    out.push((start, at));
                    open = None;
                }
                _ => {}
            }
            at += c.len_utf8();
        }
        if let Some(start) = open {
            out.push((start, text.len()));
        }
        out
    }

    fn class(&self, c: char) -> Class {
        match c {
            'A'..='Z' | 'À'..='Ö' | 'Ø'..='Þ' => Class::Upper,
            // The rest of ASCII and Latin-1: no other capital, no mark.
            '\0'..='\u{FF}' => Class::Other,
            _ if in_ranges(&self.upper, c) => Class::Upper,
            _ if in_ranges(&self.mark, c) => Class::Mark,
            _ => Class::Other,
        }
    }
}

/// The ranges of characters of a Unicode class pattern (`\p{Lu}`), as the regex crate reads it.
fn class_ranges(pattern: &str) -> Result<Vec<(char, char)>, String> {
    let hir = regex_syntax::parse(pattern).map_err(|e| e.to_string())?;
    match hir.kind() {
        HirKind::Class(HirClass::Unicode(class)) => Ok(class
            .ranges()
            .iter()
            .map(|r| (r.start(), r.end()))
            .collect()),
        _ => Err(format!("{pattern} is not a class of characters")),
    }
}

/// Whether `c` is in one of `ranges` (sorted, disjoint).
fn in_ranges(ranges: &[(char, char)], c: char) -> bool {
    let k = ranges.partition_point(|&(_, end)| end < c);
    ranges.get(k).is_some_and(|&(start, _)| start <= c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    #[test]
    fn the_tables_class_every_character_as_the_regex_crate_does() {
        let caps = Capitals::new().unwrap();
        let upper = Regex::new(r"\A\p{Lu}\z").unwrap();
        let mark = Regex::new(r"\A\p{M}\z").unwrap();
        let by_regex = |c: char| {
            let s = c.to_string();
            if upper.is_match(&s) {
                Class::Upper
            } else if mark.is_match(&s) {
                Class::Mark
            } else {
                Class::Other
            }
        };
        let differ: Vec<char> = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| caps.class(c) != by_regex(c))
            .collect();
        assert!(differ.is_empty(), "{differ:?}");
    }

    #[test]
    fn finds_the_runs_the_regex_finds() {
        let caps = Capitals::new().unwrap();
        let re = Regex::new(r"\p{Lu}[\p{Lu}\p{M}]*").unwrap();
        // Capitals with and without accents, marks (combining acute, a spacing mark), a title-case
        // letter (ǅ), uppercase that is not Lu (Ⅰ, Ⓐ), Greek, ß, ×, bullets and dashes.
        let alphabet = "AZaÁÑñé\u{301}\u{903}ǅⅠⒶΣσßק×●–“ 7-";
        for text in crate::testing::random_texts(0x2545_F491_4F6C_DD1D, alphabet, 20_000, 14) {
            let by_regex: Vec<(usize, usize)> =
                re.find_iter(&text).map(|m| (m.start(), m.end())).collect();
            assert_eq!(caps.runs(&text), by_regex, "{text:?}");
        }
        let report = std::fs::read_to_string("fixtures/informe-ejecutivo-2021.txt").unwrap();
        let by_regex: Vec<(usize, usize)> = re
            .find_iter(&report)
            .map(|m| (m.start(), m.end()))
            .collect();
        assert!(by_regex.len() > 1000);
        assert_eq!(caps.runs(&report), by_regex);
    }
}
