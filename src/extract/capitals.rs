//! Runs of capitals, as the regex `\p{Lu}[\p{Lu}\p{M}]*` finds them, read a character at a time.
//!
//! The agencies step looks at every word written in capitals. With the regex, every capital of
//! a text (each sentence's first letter, each proper name) was a search of its own, and a
//! search costs a few hundred instructions before it reads a byte. [`Capitals`] classes each
//! character instead: ASCII, Latin-1 and the blocks of punctuation and shapes a report is made of
//! by table, every other character by the regex crate's own classes. A test compares the two
//! classings on every character there is, and the runs with the regex's on random texts.

use regex::Regex;

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
    upper: Regex,
    mark: Regex,
}

impl Capitals {
    /// # Errors
    ///
    /// When the regex crate cannot build its classes (it always can).
    pub fn new() -> Result<Capitals, regex::Error> {
        Ok(Capitals {
            upper: Regex::new(r"\A\p{Lu}\z")?,
            mark: Regex::new(r"\A\p{M}\z")?,
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
            // The rest of ASCII and Latin-1; general punctuation ("–", "“", "•"), geometric
            // shapes ("●", "■") and the private use area (Word's bullets): no letter, no mark.
            '\0'..='\u{FF}' | '\u{2000}'..='\u{206F}' | '\u{25A0}'..='\u{25FF}' => Class::Other,
            '\u{E000}'..='\u{F8FF}' => Class::Other,
            _ => self.class_by_regex(c),
        }
    }

    fn class_by_regex(&self, c: char) -> Class {
        let mut buf = [0; 4];
        let s = c.encode_utf8(&mut buf);
        if self.upper.is_match(s) {
            Class::Upper
        } else if self.mark.is_match(s) {
            Class::Mark
        } else {
            Class::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_class_every_character_as_the_regex_crate_does() {
        let caps = Capitals::new().unwrap();
        let differ: Vec<char> = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| caps.class(c) != caps.class_by_regex(c))
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
