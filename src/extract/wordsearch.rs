//! Many fixed words found in one pass over a text, with the answers of one search per word.
//!
//! The relation steps look for a handful of word lists ("de los cuales", "la mitad" …) in every
//! action. A `str::match_indices` per word read each text once per word (22 times with the 2021
//! rules, a fifth of finding figures and relations); an Aho-Corasick automaton reads it once.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// Fixed words, searched together.
#[derive(Debug, Clone)]
pub struct WordSearch {
    /// The distinct non-empty words; `None` when there are none.
    automaton: Option<AhoCorasick>,
    /// For each word of the list, its index among the distinct ones (`None`: the empty word).
    distinct_of: Vec<Option<usize>>,
    /// Byte length of each distinct word.
    lengths: Vec<usize>,
}

impl WordSearch {
    /// A search for `words` (duplicates and the empty word allowed, as `match_indices` takes
    /// them).
    pub fn new(words: &[String]) -> Result<WordSearch, aho_corasick::BuildError> {
        let mut distinct: Vec<&str> = Vec::new();
        let distinct_of = words
            .iter()
            .map(|w| {
                (!w.is_empty()).then(|| {
                    distinct.iter().position(|d| d == w).unwrap_or_else(|| {
                        distinct.push(w);
                        distinct.len() - 1
                    })
                })
            })
            .collect();
        let automaton = if distinct.is_empty() {
            None
        } else {
            // Standard semantics: every occurrence of every word is reported, overlaps included.
            // A DFA (a few dozen short words make a small one) read without a prefilter: the
            // rare-byte prefilter stopped at nearly every vowel of Spanish text (figures and
            // relations over the 2021 report: 2.5 ms with it, 2.26 without).
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA))
                    .prefilter(false)
                    .build(&distinct)?,
            )
        };
        Ok(WordSearch {
            automaton,
            lengths: distinct.iter().map(|w| w.len()).collect(),
            distinct_of,
        })
    }

    /// `(k, at)` for each occurrence of word `k` of the list: for every word, the positions
    /// `text.match_indices(word)` gives (left to right, without overlapping each other), the
    /// words in list order.
    pub fn find(&self, text: &str) -> Vec<(usize, usize)> {
        let per_distinct = self.distinct_occurrences(text);
        let mut out = Vec::new();
        for (k, d) in self.distinct_of.iter().enumerate() {
            match d {
                Some(d) => out.extend(per_distinct[*d].iter().map(|&at| (k, at))),
                None => out.extend(text.match_indices("").map(|(at, _)| (k, at))),
            }
        }
        out
    }

    /// The byte length of word `k` of the list.
    pub fn word_len(&self, k: usize) -> usize {
        self.distinct_of[k].map_or(0, |d| self.lengths[d])
    }

    /// For each distinct word, its non-overlapping occurrences, left to right.
    fn distinct_occurrences(&self, text: &str) -> Vec<Vec<usize>> {
        let mut found = vec![Vec::new(); self.lengths.len()];
        let Some(automaton) = &self.automaton else {
            return found;
        };
        // Occurrences come by end position; a word has one length, so by start too. An
        // occurrence overlapping the word's previous one kept is one `match_indices` skips.
        let mut next_free = vec![0usize; self.lengths.len()];
        for m in automaton.find_overlapping_iter(text) {
            let d = m.pattern().as_usize();
            if m.start() >= next_free[d] {
                found[d].push(m.start());
                next_free[d] = m.start() + self.lengths[d];
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `find` stands for: one `match_indices` per word, in list order.
    fn one_search_per_word(words: &[String], text: &str) -> Vec<(usize, usize)> {
        words
            .iter()
            .enumerate()
            .flat_map(|(k, w)| text.match_indices(w.as_str()).map(move |(at, _)| (k, at)))
            .collect()
    }

    #[test]
    fn finds_what_one_search_per_word_finds() {
        let words: Vec<String> = [
            "de los cuales",
            "de estos",
            "de estos",
            "de éstos",
            "aa",
            "aba",
            "a",
            "ñ",
            "la mitad",
            "",
        ]
        .iter()
        .map(|w| w.to_string())
        .collect();
        let alphabet: Vec<&str> = vec![
            "de", " ", "los", "cuales", "estos", "éstos", "a", "b", "aa", "ñ", "la", "mitad", ",",
        ];
        let lists = [&words[..], &words[..9], &words[4..7], &[]];
        let searches: Vec<WordSearch> = lists.iter().map(|l| WordSearch::new(l).unwrap()).collect();
        let mut next = crate::testing::xorshift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..5_000 {
            let x = next();
            let len = (x % 30) as usize;
            let text: String = (0..len)
                .map(|k| alphabet[((x >> (k % 40)) as usize + k * 5) % alphabet.len()])
                .collect();
            for (list, search) in lists.iter().zip(&searches) {
                assert_eq!(
                    search.find(&text),
                    one_search_per_word(list, &text),
                    "{list:?} in {text:?}"
                );
            }
        }
    }

    #[test]
    fn a_word_that_overlaps_itself_is_found_as_match_indices_finds_it() {
        let search = WordSearch::new(&["aa".to_string()]).unwrap();
        assert_eq!(search.find("aaaaa"), vec![(0, 0), (0, 2)]);
    }
}
