//! Garbled words: characters inside a word that no word has, the trace of a text decoded with
//! the wrong code page ("Migraci—n", "bilingŸe": Mac Roman read as Windows-1252; "Migraci¢n":
//! MS-DOS 850; "MigraciÃ³n": UTF-8 read as Windows-1252).
//!
//! A bottom module: ingest uses it to choose a file's code page, the segmenter to count the lines
//! that still hold such words. It uses no stage.

/// How many runs of characters beyond ASCII inside a word of `text` cannot be letters of it: a run
/// between two ASCII letters that holds a character that is not a letter, or a capital between
/// two small letters. A Spanish word has at most one such letter there ("Migración", "AÑO",
/// "bilingüe"), and it is a letter of the word's case.
pub fn odd_runs(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut odd = 0;
    let mut at = 0;
    // Each run of bytes beyond ASCII: it starts and ends on character boundaries.
    while let Some(k) = bytes[at..].iter().position(|b| !b.is_ascii()) {
        let start = at + k;
        let end = bytes[start..]
            .iter()
            .position(u8::is_ascii)
            .map_or(bytes.len(), |n| start + n);
        let before = start.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(end).copied();
        if let (Some(b), Some(a)) = (before, after) {
            if b.is_ascii_alphabetic() && a.is_ascii_alphabetic() {
                let small_word = b.is_ascii_lowercase();
                let run = text.get(start..end).unwrap_or_default();
                odd += usize::from(
                    run.chars()
                        .any(|c| !c.is_alphabetic() || (small_word && c.is_uppercase())),
                );
            }
        }
        at = end;
    }
    odd
}

#[cfg(test)]
mod tests {
    use super::odd_runs;

    /// `odd_runs` as first written, a character at a time.
    fn odd_runs_by_chars(text: &str) -> usize {
        if text.is_ascii() {
            return 0;
        }
        let mut odd = 0;
        // The ASCII letter before the current run of characters beyond ASCII, and whether the run
        // so far cannot be letters of a word.
        let mut before: Option<char> = None;
        let mut run_odd = false;
        let mut in_run = false;
        for c in text.chars() {
            if c.is_ascii() {
                if in_run && c.is_ascii_alphabetic() && run_odd {
                    odd += 1;
                }
                before = c.is_ascii_alphabetic().then_some(c);
                in_run = false;
                run_odd = false;
                continue;
            }
            let Some(b) = before else { continue };
            in_run = true;
            let small_word = b.is_ascii_lowercase();
            run_odd |= !c.is_alphabetic() || (small_word && c.is_uppercase());
        }
        odd
    }

    #[test]
    fn the_byte_runs_count_what_the_character_walk_counts() {
        let alphabet = "aZé—ŸÃ³¢ ,.\u{301}ñÑ1";
        let report = std::fs::read_to_string("fixtures/informe-ejecutivo-2021.txt").unwrap();
        let texts = crate::testing::random_texts(0xBB67_AE85_84CA_A73B, alphabet, 20_000, 16)
            .chain(report.lines().map(str::to_string));
        let mut odd = 0;
        for t in texts {
            assert_eq!(odd_runs(&t), odd_runs_by_chars(&t), "{t:?}");
            odd += odd_runs(&t);
        }
        assert!(odd > 1000, "{odd}");
    }

    #[test]
    fn words_decoded_with_the_wrong_code_page_are_odd() {
        for garbled in [
            "Migraci—n",          // Mac Roman read as Windows-1252
            "bilingŸe",           // the same, a capital between small letters
            "espa–ol",            // the same
            "Migraci¢n",          // MS-DOS 850 read as Windows-1252
            "estad¡stica",        // the same
            "MigraciÃ³n",         // UTF-8 read as Windows-1252
            "informaci\u{fffd}n", // a replaced byte
        ] {
            assert_eq!(odd_runs(garbled), 1, "{garbled}");
        }
        assert_eq!(odd_runs("Migraci—n y estad’stica"), 2);
    }

    #[test]
    fn spanish_words_are_not_odd() {
        for text in [
            "Migración, bilingüe, AÑO, Año, ESPAÑOL",
            "— un guion — y «comillas» “dobles” ‘simples’",
            "Nº 5, 3ª sesión, 20 °C, 100 €",
            "the end—of a line",
            "",
        ] {
            // A dash between two words with no space is odd: it is read as inside one.
            let expected = usize::from(text.contains("end—of"));
            assert_eq!(odd_runs(text), expected, "{text}");
        }
        let report = std::fs::read_to_string("fixtures/informe-ejecutivo-2021.txt").unwrap();
        let odd: Vec<&str> = report.lines().filter(|l| odd_runs(l) > 0).collect();
        assert!(odd.len() <= 3, "{odd:?}");
    }
}
