//! The agency names of a folded text, found without a regex of every name.
//!
//! The lexicon's names matched as one regex, `(?-u:\b)(name|name|…)\d*(?-u:\b)`, its words
//! joined by `[\s,]+` and its names longest first. With some 400 names that was the largest
//! automaton of the rules (20,000 NFA states, 15 % of compiling them all) and it was built
//! again, lazily, by every thread that searched with it. [`NameSearch`] finds exactly the same
//! matches: it collapses every run of white space and commas to one space, finds where a name
//! starts with an Aho-Corasick automaton, and takes there the first name, in the regex's order,
//! that is followed by digits (any number, as many as allow it) and a word boundary, both in the
//! regex's ASCII sense. A test compares the two on random texts.

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};
use regex::Regex;

/// One name in a folded text: the bytes of the name (digits glued to it left out) and the
/// index of the name in the list the search was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameHit {
    pub start: usize,
    pub end: usize,
    pub name: usize,
}

/// The names of a lexicon, folded, words joined by one space, in the order the regex tried them
/// (longest first, then alphabetical).
#[derive(Debug, Clone)]
pub struct NameSearch {
    names: Vec<String>,
    /// Where any name starts (leftmost first). A contiguous NFA: built in a fifth of the time
    /// of the DFA (3 M instructions instead of 14 M for the lexicon), a run's fixed cost, for
    /// about 1.5 M more over the 2021 report's actions.
    starts: AhoCorasick,
    /// The indices of the names, by their first byte, in order.
    by_first_byte: Vec<Vec<usize>>,
    /// One decimal digit in Unicode's sense (`\d`), for the rare digit outside ASCII.
    digit: Regex,
}

/// `[\s,]`: what separates the words of a name.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == ','
}

/// A byte of a word in the sense of `(?-u:\b)`.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `(?-u:\b)` at byte `at` of `text`.
fn ascii_boundary(text: &[u8], at: usize) -> bool {
    let before = at.checked_sub(1).and_then(|i| text.get(i)).copied();
    before.is_some_and(is_word_byte) != text.get(at).copied().is_some_and(is_word_byte)
}

/// A text with every run of separators made one space, and where each of its bytes comes from
/// in the text (a run's space: the run's first byte).
struct Collapsed {
    text: String,
    /// `(at, from)`: byte `at` of `text` comes from byte `from`, and the bytes after it from the
    /// bytes after `from`, up to the next pair. A pair only where a run of separators was more
    /// than one byte, so a text with none keeps one: a byte's origin costs nothing to note.
    origins: Vec<(usize, usize)>,
}

impl Collapsed {
    /// The byte of the text that byte `at` comes from.
    fn from(&self, at: usize) -> usize {
        let k = self.origins.partition_point(|&(o, _)| o <= at);
        let (o, from) = self.origins[k - 1];
        from + (at - o)
    }

    /// Notes that the bytes from `at` on come from byte `from` on.
    fn note(&mut self, at: usize, from: usize) {
        let &(o, f) = self.origins.last().unwrap_or(&(0, 0));
        if f + (at - o) != from {
            self.origins.push((at, from));
        }
    }
}

fn collapse(text: &str) -> Collapsed {
    let mut c = Collapsed {
        text: String::with_capacity(text.len()),
        origins: vec![(0, 0)],
    };
    let mut in_run = false;
    let mut at = 0;
    while at < text.len() {
        let rest = text.get(at..).unwrap_or_default();
        // Bytes kept as they are: ASCII that separates nothing, copied a run at a time.
        let kept = rest
            .bytes()
            .position(|b| !b.is_ascii() || is_separator(char::from(b)))
            .unwrap_or(rest.len());
        if kept > 0 {
            c.note(c.text.len(), at);
            c.text.push_str(&rest[..kept]);
            in_run = false;
            at += kept;
            continue;
        }
        let Some(ch) = rest.chars().next() else { break };
        if is_separator(ch) {
            if !in_run {
                c.note(c.text.len(), at);
                c.text.push(' ');
            }
            in_run = true;
        } else {
            in_run = false;
            c.note(c.text.len(), at);
            c.text.push(ch);
        }
        at += ch.len_utf8();
    }
    c
}

impl NameSearch {
    /// `names` in the order a match prefers them; each is words joined by one space.
    ///
    /// # Errors
    ///
    /// When the automaton cannot be built (more names than it holds).
    pub fn new(names: Vec<String>) -> Result<NameSearch, String> {
        let starts = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&names)
            .map_err(|e| e.to_string())?;
        let mut by_first_byte = vec![Vec::new(); 256];
        for (i, n) in names.iter().enumerate() {
            if let Some(&b) = n.as_bytes().first() {
                by_first_byte[usize::from(b)].push(i);
            }
        }
        let digit = Regex::new(r"\A\d\z").map_err(|e| e.to_string())?;
        Ok(NameSearch {
            names,
            starts,
            by_first_byte,
            digit,
        })
    }

    /// The name of index `i`.
    pub fn name(&self, i: usize) -> &str {
        &self.names[i]
    }

    /// The names in `folded`, leftmost first, not overlapping: what the regex's captures give.
    pub fn find(&self, folded: &str) -> Vec<NameHit> {
        let c = collapse(folded);
        let text = c.text.as_bytes();
        let mut hits = Vec::new();
        let mut at = 0;
        while let Some(m) = self.starts.find(Input::new(text).span(at..text.len())) {
            let p = m.start();
            match self.name_at(&c.text, p) {
                Some((name, name_end, end)) => {
                    hits.push(NameHit {
                        start: c.from(p),
                        end: c.from(name_end - 1) + 1,
                        name,
                    });
                    at = end;
                }
                None => at = p + 1,
            }
        }
        hits
    }

    /// The first name, in order, that matches at `p` with its boundary before and its digits
    /// and boundary after: (its index, where it ends, where the digits after it end).
    fn name_at(&self, text: &str, p: usize) -> Option<(usize, usize, usize)> {
        let bytes = text.as_bytes();
        if !ascii_boundary(bytes, p) {
            return None;
        }
        let rest = &bytes[p..];
        let first = *rest.first()?;
        self.by_first_byte[usize::from(first)]
            .iter()
            .filter(|&&i| rest.starts_with(self.names[i].as_bytes()))
            .find_map(|&i| {
                let name_end = p + self.names[i].len();
                self.digits_then_boundary(text, name_end)
                    .map(|end| (i, name_end, end))
            })
    }

    /// `\d*(?-u:\b)` from `at`: the longest run of digits after which a boundary holds.
    fn digits_then_boundary(&self, text: &str, at: usize) -> Option<usize> {
        let mut ends = vec![at];
        for (i, ch) in text[at..].char_indices() {
            let is_digit = if ch.is_ascii() {
                ch.is_ascii_digit()
            } else {
                self.digit.is_match(ch.encode_utf8(&mut [0; 4]))
            };
            if !is_digit {
                break;
            }
            ends.push(at + i + ch.len_utf8());
        }
        ends.into_iter()
            .rev()
            .find(|&end| ascii_boundary(text.as_bytes(), end))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `collapse` as first written, a character at a time.
    fn collapse_by_chars(text: &str) -> (String, Vec<usize>) {
        let mut out = String::new();
        let mut from = Vec::new();
        let mut in_run = false;
        for (at, c) in text.char_indices() {
            if is_separator(c) {
                if !in_run {
                    out.push(' ');
                    from.push(at);
                }
                in_run = true;
                continue;
            }
            in_run = false;
            out.push(c);
            from.extend(at..at + c.len_utf8());
        }
        (out, from)
    }

    #[test]
    fn collapsing_by_ascii_runs_gives_what_collapsing_by_characters_gives() {
        let alphabet = "ab ,\t\n\u{a0}\u{2003}ñé9.";
        for text in crate::testing::random_texts(0x3C6E_F372_FE94_F82B, alphabet, 20_000, 12) {
            let c = collapse(&text);
            let from: Vec<usize> = (0..c.text.len()).map(|at| c.from(at)).collect();
            assert_eq!((c.text, from), collapse_by_chars(&text), "{text:?}");
        }
    }

    /// The regex the search replaces, as the lexicon built it.
    pub(crate) fn regex_of(names: &[String]) -> Regex {
        let alts: Vec<String> = names
            .iter()
            .map(|n| {
                n.split(' ')
                    .map(regex::escape)
                    .collect::<Vec<_>>()
                    .join(r"[\s,]+")
            })
            .collect();
        Regex::new(&format!(r"(?-u:\b)({})\d*(?-u:\b)", alts.join("|"))).unwrap()
    }

    /// The names the regex finds, as `NameSearch::find` gives them.
    pub(crate) fn by_regex(re: &Regex, names: &[String], folded: &str) -> Vec<NameHit> {
        re.captures_iter(folded)
            .filter_map(|caps| {
                let g = caps.get(1)?;
                let words: Vec<&str> = g
                    .as_str()
                    .split(is_separator)
                    .filter(|w| !w.is_empty())
                    .collect();
                let name = names.iter().position(|n| *n == words.join(" "))?;
                Some(NameHit {
                    start: g.start(),
                    end: g.end(),
                    name,
                })
            })
            .collect()
    }

    fn ordered(mut names: Vec<&str>) -> Vec<String> {
        names.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        names.into_iter().map(String::from).collect()
    }

    #[test]
    fn finds_names_across_runs_of_spaces_and_commas_with_digits_glued() {
        let names = ordered(vec![
            "secretaria de bienestar",
            "bienestar",
            "sre",
            "ø nombre",
        ]);
        let search = NameSearch::new(names.clone()).unwrap();
        let text = "la secretaria  de,\u{a0}bienestar7 y sre1a, sre٣ bienestar_ ø nombre";
        let got = search.find(text);
        assert_eq!(got, by_regex(&regex_of(&names), &names, text));
        let found: Vec<&str> = got.iter().map(|h| &text[h.start..h.end]).collect();
        assert_eq!(found, ["secretaria  de,\u{a0}bienestar", "sre"]);
    }

    #[test]
    fn agrees_with_the_regex_on_random_texts() {
        let names = ordered(vec![
            "secretaria de bienestar",
            "secretaria de salud",
            "secretaria",
            "bienestar",
            "instituto nacional de migracion",
            "instituto nacional",
            "sre",
            "sr",
            "comision mexicana de ayuda a refugiados",
            "comar",
            "onu mujeres",
            "ñandu",
            "x1",
            // Names may start with a digit and end (or start) with a letter outside ASCII, which
            // `(?-u:\b)` takes for a non-word byte.
            "12 brigada",
            "ø",
            "a",
        ]);
        let search = NameSearch::new(names.clone()).unwrap();
        let re = regex_of(&names);
        let pieces = [
            "secretaria",
            "de",
            "bienestar",
            "salud",
            "instituto",
            "nacional",
            "migracion",
            "sre",
            "sr",
            "comision",
            "mexicana",
            "ayuda",
            "a",
            "refugiados",
            "comar",
            "onu",
            "mujeres",
            "ñandu",
            "x1",
            "x",
            " ",
            "  ",
            ",",
            ", ",
            "\u{a0}",
            "\u{2003}",
            "\n",
            "\t",
            "7",
            "12",
            "٣",
            "３",
            "_",
            "-",
            ".",
            "(",
            ")",
            "é",
            "ø",
            "a1",
            "1",
            "brigada",
            "12 brigada",
            "ø12",
        ];
        let mut next = crate::testing::xorshift(0x5eed_0a11);
        for round in 0..4000 {
            let len = 1 + (next() % 24) as usize;
            let text: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            assert_eq!(
                search.find(&text),
                by_regex(&re, &names, &text),
                "round {round}: {text:?}"
            );
        }
    }
}
