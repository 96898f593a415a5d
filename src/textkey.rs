//! Text keys: accent-, case- and punctuation-insensitive forms of names and titles.
//!
//! A bottom module shared by the stages that compare names (the objectives catalog, challenge
//! categories, the audit's title and near-duplicate checks, the cross-file audit).

use unicode_normalization::char::{canonical_combining_class, decompose_canonical};

/// An accent-, case- and punctuation-insensitive key for matching names and titles:
/// `"Utilizar la detención … sólo,"` and `"utilizar la detencion … solo"` have the same key.
///
/// ```
/// use informe::textkey::fold_key;
/// assert_eq!(fold_key("Migración, Sólo."), fold_key("migracion solo"));
/// ```
pub fn fold_key(s: &str) -> String {
    let mut key = KeyWriter {
        out: Vec::with_capacity(s.len()),
        space: true,
    };
    let mut rest = s;
    while !rest.is_empty() {
        // Most of a Spanish text is ASCII: no decomposition to look up, and ASCII's own case.
        let (ascii, next, after) = ascii_run(rest);
        key.take_ascii(ascii.as_bytes());
        if let Some(c) = next {
            // Accents are dropped, so each character decomposes on its own (the canonical
            // reordering of a sequence of marks does not matter).
            decompose_canonical(c, |d| {
                if canonical_combining_class(d) == 0 {
                    key.take(d);
                }
            });
        }
        rest = after;
    }
    let mut out = key.out;
    while out.last() == Some(&b' ') {
        out.pop();
    }
    // Whole characters only were written: the bytes are UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Each ASCII character's part of a key: its lowercase if a letter or digit, else 0 (a
/// separator).
const ASCII_KEY: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            table[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

/// A key being written: letters and digits lowercased, every other run one space.
struct KeyWriter {
    out: Vec<u8>,
    /// The key ends with a space (or is empty): another separator adds nothing.
    space: bool,
}

impl KeyWriter {
    fn take(&mut self, c: char) {
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                let mut utf8 = [0; 4];
                self.out
                    .extend_from_slice(l.encode_utf8(&mut utf8).as_bytes());
            }
            self.space = false;
        } else {
            self.separate();
        }
    }

    /// `take` for each character of an ASCII text, without the Unicode tables (the same
    /// answers).
    fn take_ascii(&mut self, ascii: &[u8]) {
        for &b in ascii {
            match ASCII_KEY[usize::from(b & 0x7f)] {
                0 => self.separate(),
                k => {
                    self.out.push(k);
                    self.space = false;
                }
            }
        }
    }

    fn separate(&mut self) {
        if !self.space {
            self.out.push(b' ');
            self.space = true;
        }
    }
}

/// `s.to_lowercase()`, the same string, faster on a mostly ASCII text: the standard library
/// takes every character after the first one beyond ASCII through its tables (a tenth of a
/// report's relation search went there). Characters lowercase one by one, as they do there;
/// only a capital sigma, whose lowercase depends on its neighbours, sends the text back to it.
pub fn lowercase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        // A run of ASCII, lowercased in place once copied.
        let (ascii, next, after) = ascii_run(rest);
        let start = out.len();
        out.push_str(ascii);
        out[start..].make_ascii_lowercase();
        match next {
            Some('Σ') => return s.to_lowercase(),
            Some(c) => out.extend(c.to_lowercase()),
            None => {}
        }
        rest = after;
    }
    out
}

/// The run of ASCII that `s` starts with, the character after it (if any) and what follows
/// that character.
pub(crate) fn ascii_run(s: &str) -> (&str, Option<char>, &str) {
    let run = s.bytes().position(|b| !b.is_ascii()).unwrap_or(s.len());
    let (ascii, after) = s.split_at(run);
    let mut chars = after.chars();
    let next = chars.next();
    (ascii, next, chars.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_gives_what_the_standard_library_gives() {
        // Characters whose lowercase is longer, shorter or several characters, and sigmas at
        // the end of a word and inside one.
        let alphabet = "aZ ñÑÉ,İẞȺⱥꞪɦΣσß€😀\u{301}ΑΣ.";
        for text in crate::testing::random_texts(0x6A09_E667_F3BC_C908, alphabet, 20_000, 12) {
            assert_eq!(lowercase(&text), text.to_lowercase(), "{text:?}");
        }
        let report = std::fs::read_to_string("fixtures/informe-ejecutivo-2021.txt").unwrap();
        assert_eq!(lowercase(&report), report.to_lowercase());
    }

    #[test]
    fn fold_key_ignores_accents_case_and_punctuation() {
        assert_eq!(
            fold_key("Proporcionar a los migrantes, acceso a servicios básicos."),
            fold_key("Proporcionar a los migrantes acceso a servicios basicos")
        );
        assert_ne!(fold_key("datos exactos"), fold_key("datos exacto"));
    }

    /// The key as the whole string's NFD gives it (the definition), for comparison.
    fn by_nfd(s: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
        let mut out = String::new();
        let mut space = true;
        for c in s.nfd() {
            if canonical_combining_class(c) != 0 {
                continue;
            }
            if c.is_alphanumeric() {
                out.extend(c.to_lowercase());
                space = false;
            } else if !space {
                out.push(' ');
                space = true;
            }
        }
        out.trim_end_matches(' ').to_string()
    }

    #[test]
    fn every_ascii_character_keys_as_unicode_case_and_classes_say() {
        for b in 0u8..128 {
            let c = char::from(b);
            for s in [format!("{c}"), format!("a{c}b"), format!("{c}{c}Z")] {
                assert_eq!(fold_key(&s), by_nfd(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn the_per_character_key_is_the_key_of_the_whole_decomposition() {
        let alphabet: Vec<char> =
            "aáÁeéÉiíoóöuúüÜnñÑcçÇ AZ09,.;:–—“”'\u{301}\u{308}\u{303}ǅǄﬁ²½ⅣΩωἀ한글ÅåØ\t\n"
                .chars()
                .collect();
        let mut next = crate::testing::xorshift(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let x = next();
            let len = (x % 24) as usize;
            let s: String = (0..len)
                .map(|k| alphabet[((x >> (k % 50)) as usize + k * 7) % alphabet.len()])
                .collect();
            assert_eq!(fold_key(&s), by_nfd(&s), "{s:?}");
        }
    }
}
