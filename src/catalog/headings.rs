//! Objective headings found with the catalog, not with one pattern.
//!
//! A heading is a line, or a few lines, whose number and/or title name an objective of the
//! catalog: in any case and with or without accents; with the word (`Objetivo 7.`, `OBJETIVO 7 |`,
//! `Obj. 7 –`, `Objective 7:`) or without it (`7. Abordar y reducir…`); the title wrapped over
//! several lines, blank lines between included; or the title alone. Three styles, from the
//! strongest evidence to the weakest:
//!
//! - [`Style::Word`]: the word and a number of the catalog. The title may differ (a flag then).
//! - [`Style::Number`]: a number of the catalog and the start of *its* title.
//! - [`Style::Title`]: the title alone, matched word by word against the Spanish or English title.
//!
//! A document is read in one style ([`Catalog::find_headings`]): the strongest style that names at
//! least `min_objectives_for_style` objectives in it. So the numbered rows of a summary table
//! (`7. Abordar y reducir las`) are not headings in a report whose headings say `Objetivo 7.`, and
//! are in a submission whose headings are numbered.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Catalog;
use crate::patterns::Pattern;
use crate::textkey::fold_key;

/// How a heading names its objective.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// "Objetivo 7. …": the word and the number.
    Word,
    /// "7. Abordar y reducir…": the number and the start of its title.
    Number,
    /// "Abordar y reducir las vulnerabilidades en la migración": the title alone.
    Title,
}

/// The thresholds of heading matching (`[headings]` in objectives.toml).
#[derive(Debug, Clone)]
pub struct HeadingRules {
    /// The start of a numbered heading, with named groups `number` and `title` (and `word` when
    /// the word is there).
    pub head: Pattern,
    /// Lines a heading may span, its wrapped title included (blank lines not counted).
    pub max_lines: usize,
    /// Blank lines allowed between two lines of one wrapped title.
    pub max_blank_lines: usize,
    /// Share of a continuation line's words that must continue the title, 0–1.
    pub min_line_share: f64,
    /// Share of its title's words a numbered heading without the word must print, 0–1.
    pub min_number_title_share: f64,
    /// Share of its title's words a heading without a number must print, 0–1.
    pub min_title_share: f64,
    /// Share of a title that a line styled as a heading (Word) must print, in order, 0–1.
    pub min_styled_title_share: f64,
    /// Words of the catalog title a heading without a number must open with.
    pub title_opening_words: usize,
    /// Objectives a style must name in a document before the document is read in that style.
    pub min_objectives_for_style: usize,
    /// Longest first line of a heading, in words: longer lines are sentences.
    pub max_words: usize,
}

/// An objective heading found in a document's lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HeadingMatch {
    /// Index of the heading's first line.
    pub first: usize,
    /// Index of its last line (the title may wrap).
    pub last: usize,
    pub number: u32,
    /// The printed title, its lines joined by a space, without a final period.
    pub title: String,
    pub style: Style,
    /// Share of the catalog title's words that the printed title prints, 0–1 (the better of
    /// the Spanish and English titles).
    pub title_share: f64,
    /// When the printed title is another objective's title: that objective's number.
    pub title_names: Option<u32>,
}

/// A catalog title split into folded words.
#[derive(Debug, Clone)]
pub(super) struct TitleWords {
    pub number: u32,
    pub words: Vec<String>,
}

pub(super) fn title_words(catalog_titles: &[(u32, &str)]) -> Vec<TitleWords> {
    catalog_titles
        .iter()
        .map(|(number, title)| TitleWords {
            number: *number,
            words: words(title),
        })
        .collect()
}

/// Every printed word that opens some title by [`same_word`]: each title's first word, and
/// each of its beginnings that `same_word` takes for the whole (a word cut by the printer).
pub(super) fn title_openers(titles: &[TitleWords]) -> rustc_hash::FxHashSet<String> {
    let mut openers = rustc_hash::FxHashSet::default();
    for w in titles.iter().filter_map(|t| t.words.first()) {
        for n in 1..=w.len() {
            let cut = w.get(..n).filter(|p| same_word(p, w));
            openers.extend(cut.map(str::to_string));
        }
    }
    openers
}

fn words(text: &str) -> Vec<String> {
    fold_key(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The first `n` of `words(text)`, folding only the whitespace-separated pieces they come from
/// (whitespace separates words, and every character folds on its own).
fn first_words(text: &str, n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    for piece in text.split_whitespace() {
        for w in words(piece) {
            if out.len() == n {
                return out;
            }
            out.push(w);
        }
    }
    out
}

/// `first_words(text, 1)`'s word, without the vectors: every line of a document asks for it.
fn first_word(text: &str) -> Option<String> {
    text.split_whitespace().find_map(|piece| {
        // A piece opening with ASCII letters and digits up to ASCII punctuation or its end ("Se",
        // "OBJETIVO", "7."): its word is them, lowercased; only a letter beyond ASCII ("Migración")
        // may fold into the word and needs the fold.
        let run = piece.bytes().take_while(u8::is_ascii_alphanumeric).count();
        if run > 0 && piece.as_bytes().get(run).is_none_or(u8::is_ascii) {
            return Some(piece[..run].to_ascii_lowercase());
        }
        // A key neither starts nor ends with a space: its first word ends at its first space.
        let mut key = fold_key(piece);
        key.truncate(key.find(' ').unwrap_or(key.len()));
        (!key.is_empty()).then_some(key)
    })
}

/// How far printed words follow a title: words matched in order (each within a few words of the
/// previous match), and the title position after the last match.
fn follow(printed: &[String], title: &[String], from: usize) -> (usize, usize) {
    const REACH: usize = 3; // title words a printed word may skip (a dropped article, a typo)
    let mut pos = from;
    let mut matched = 0;
    for p in printed {
        let end = (pos + REACH).min(title.len());
        if let Some(k) = (pos..end).find(|&k| same_word(p, &title[k])) {
            matched += 1;
            pos = k + 1;
        }
    }
    (matched, pos)
}

/// Equal words, or a word cut by the printer ("desglosa…") standing for the whole.
fn same_word(printed: &str, title: &str) -> bool {
    printed == title || (printed.len() >= 4 && title.starts_with(printed))
}

/// The printed title followed over wrapped lines: which lines it took and how much of the
/// catalog title they print.
struct Followed {
    last: usize,
    matched: usize,
    printed_words: usize,
}

/// The text of a title followed from line `first` (whose title part is `first_text`) to line
/// `last`: the title part and every line after it up to `last` but the blank ones, trimmed, with
/// a space between (the lines between are all taken: following stops at the first it does not
/// take).
fn followed_text(lines: &[&str], first: usize, first_text: &str, last: usize) -> String {
    let rest = lines.get(first + 1..=last).unwrap_or_default();
    std::iter::once(first_text)
        .chain(rest.iter().copied())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The lines after a heading's first one, each folded into words once for all the titles it is
/// followed against.
struct NextLines<'l> {
    lines: &'l [&'l str],
    /// Line index and words of each line folded so far.
    folded: Vec<(usize, Vec<String>)>,
}

impl<'l> NextLines<'l> {
    fn new(lines: &'l [&'l str]) -> Self {
        NextLines {
            lines,
            folded: Vec::new(),
        }
    }

    /// The words of line `j` (which exists).
    fn words(&mut self, j: usize) -> &[String] {
        let k = match self.folded.iter().position(|(l, _)| *l == j) {
            Some(k) => k,
            None => {
                let w = self.lines.get(j).map_or_else(Vec::new, |l| words(l));
                self.folded.push((j, w));
                self.folded.len() - 1
            }
        };
        &self.folded[k].1
    }
}

impl Catalog {
    /// Every objective heading of a document, read in the document's own style.
    pub fn find_headings(&self, lines: &[&str]) -> Vec<HeadingMatch> {
        // Each line is read on its own: on all cores, in order.
        let mut candidates: Vec<HeadingMatch> = (0..lines.len())
            .into_par_iter()
            .filter_map(|i| self.heading_at(lines, i))
            .collect();
        let Some(style) = self.document_style(&candidates) else {
            return Vec::new();
        };
        candidates.retain(|h| h.style <= style);
        // Headings do not overlap: a heading's wrapped lines are not headings of their own.
        let mut out: Vec<HeadingMatch> = Vec::new();
        for h in candidates {
            if out.last().is_some_and(|p| h.first <= p.last) {
                continue;
            }
            out.push(h);
        }
        out
    }

    /// The weakest style the document needs: the strongest one that names enough objectives.
    fn document_style(&self, candidates: &[HeadingMatch]) -> Option<Style> {
        let rules = &self.headings;
        for style in [Style::Word, Style::Number, Style::Title] {
            let mut named: Vec<u32> = candidates
                .iter()
                .filter(|h| h.style == style)
                .map(|h| h.number)
                .collect();
            named.sort_unstable();
            named.dedup();
            if named.len() >= rules.min_objectives_for_style {
                return Some(style);
            }
        }
        // A short submission with one or two objectives: the strongest style present.
        candidates.iter().map(|h| h.style).min()
    }

    /// The heading at line `i` of a line the file's structure marks as a heading (a Word heading
    /// style): in any style, or its words found in one title, in any order, at least
    /// `min_styled_title_share` of it (an abridged or reworded title: "Vulnerabilidades en la
    /// migración", "Gestión integrada de las fronteras").
    pub fn styled_heading_at(&self, lines: &[&str], i: usize) -> Option<HeadingMatch> {
        if let Some(h) = self.heading_at(lines, i) {
            return Some(h);
        }
        let printed = words(lines.get(i)?);
        if printed.is_empty() || printed.len() > self.headings.max_words {
            return None;
        }
        let rules = &self.headings;
        self.title_words
            .iter()
            .filter_map(|t| {
                let m = printed
                    .iter()
                    .filter(|p| t.words.iter().any(|w| same_word(p, w)))
                    .count();
                let share = m as f64 / t.words.len() as f64;
                let precise = m as f64 >= rules.min_line_share * printed.len() as f64;
                (share >= rules.min_styled_title_share && precise).then_some((t.number, share))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(number, share)| HeadingMatch {
                first: i,
                last: i,
                number,
                title: clean_title(lines[i]),
                style: Style::Title,
                title_share: share,
                title_names: None,
            })
    }

    /// The heading that starts at line `i`, in any style (no document-level choice).
    pub fn heading_at(&self, lines: &[&str], i: usize) -> Option<HeadingMatch> {
        let line = lines.get(i)?;
        if line.trim().is_empty() {
            return None;
        }
        if let Some(c) = self.headings.head.captures(line) {
            let number: u32 = c.name("number")?.as_str().parse().ok()?;
            let has_word = c.name("word").is_some_and(|m| !m.as_str().is_empty());
            let title = c.name("title").map_or("", |m| m.as_str());
            if self.resolve(number).is_some() {
                if let Some(h) = self.numbered(lines, i, number, title, has_word) {
                    return Some(h);
                }
            } else if has_word && words(title).len() <= self.headings.max_words {
                // "Objetivo 24.": a heading of an objective the catalog does not have; the
                // segmenter reports it and keeps its lines out of every objective.
                return Some(HeadingMatch {
                    first: i,
                    last: i,
                    number,
                    title: clean_title(title),
                    style: Style::Word,
                    title_share: 0.0,
                    title_names: None,
                });
            }
        }
        self.title_only(lines, i)
    }

    fn numbered(
        &self,
        lines: &[&str],
        i: usize,
        number: u32,
        title: &str,
        has_word: bool,
    ) -> Option<HeadingMatch> {
        let rules = &self.headings;
        let first = words(title);
        if first.len() > rules.max_words {
            return None;
        }
        let mut next = NextLines::new(lines);
        let (best, followed) = self
            .titles_of(number)
            .into_iter()
            .map(|t| {
                let f = self.follow_lines(&mut next, i, &first, &t.words);
                (t, f)
            })
            .max_by_key(|(_, f)| f.matched)?;
        let share = followed.matched as f64 / best.words.len().max(1) as f64;
        let precise =
            followed.matched as f64 >= rules.min_line_share * followed.printed_words as f64;
        let style = if has_word {
            Style::Word
        } else if share >= rules.min_number_title_share && precise {
            Style::Number
        } else {
            return None;
        };
        // With the word, an unmatched title is kept as printed, on its first line only.
        let (last, text) = if share > 0.0 && precise {
            (followed.last, followed_text(lines, i, title, followed.last))
        } else {
            (i, title.trim().to_string())
        };
        let title_names = if share < rules.min_title_share {
            self.title_owner(&text).filter(|&n| n != number)
        } else {
            None
        };
        Some(HeadingMatch {
            first: i,
            last,
            number,
            title: clean_title(&text),
            style,
            title_share: share,
            title_names,
        })
    }

    fn title_only(&self, lines: &[&str], i: usize) -> Option<HeadingMatch> {
        let rules = &self.headings;
        let open = rules.title_opening_words;
        // Most lines open no title: fold only their first word to tell, then their first words
        // (the first-word test alone took a seventh off segmenting the 2021 report).
        if open > 0 && !first_word(lines[i]).is_some_and(|p| self.may_open_a_title(&p)) {
            return None;
        }
        let opening = first_words(lines[i], open);
        let opens_a_title = |t: &TitleWords| {
            t.words.len() >= open && (0..open).all(|k| same_word(&opening[k], &t.words[k]))
        };
        if opening.len() < open || !self.title_words.iter().any(opens_a_title) {
            return None;
        }
        let first = words(lines[i]);
        if first.len() > rules.max_words {
            return None;
        }
        let mut best: Option<(u32, f64, Followed)> = None;
        let mut next = NextLines::new(lines);
        for t in self.title_words.iter() {
            if t.words.len() < open || !(0..open).all(|k| same_word(&first[k], &t.words[k])) {
                continue;
            }
            let f = self.follow_lines(&mut next, i, &first, &t.words);
            let share = f.matched as f64 / t.words.len() as f64;
            let precise = f.matched as f64 >= rules.min_line_share * f.printed_words as f64;
            if share >= rules.min_title_share
                && precise
                && best.as_ref().is_none_or(|(_, s, _)| share > *s)
            {
                best = Some((t.number, share, f));
            }
        }
        let (number, share, f) = best?;
        Some(HeadingMatch {
            first: i,
            last: f.last,
            number,
            title: clean_title(&followed_text(lines, i, lines[i], f.last)),
            style: Style::Title,
            title_share: share,
            title_names: None,
        })
    }

    /// Whether some title starts with the word `printed` ([`same_word`]).
    fn may_open_a_title(&self, printed: &str) -> bool {
        self.title_openers.contains(printed)
    }

    /// Follows a title from line `i` (whose title words are `first`) over the next lines while
    /// each continues the catalog title `title`.
    fn follow_lines(
        &self,
        next_lines: &mut NextLines,
        i: usize,
        first: &[String],
        title: &[String],
    ) -> Followed {
        let rules = &self.headings;
        let lines = next_lines.lines;
        let (mut matched, mut pos) = follow(first, title, 0);
        let mut out = Followed {
            last: i,
            matched,
            printed_words: first.len(),
        };
        let mut taken = 1;
        let mut j = i + 1;
        let mut blanks = 0;
        while j < lines.len() && taken < rules.max_lines && pos < title.len() {
            let next = lines[j];
            if next.trim().is_empty() {
                blanks += 1;
                if blanks > rules.max_blank_lines {
                    break;
                }
                j += 1;
                continue;
            }
            let w = next_lines.words(j);
            if w.is_empty() {
                break;
            }
            let (m, p) = follow(w, title, pos);
            // The line must start where the title goes on and be mostly title.
            let starts = same_word(&w[0], title.get(pos).map_or("", String::as_str))
                || (pos + 1 < title.len() && same_word(&w[0], &title[pos + 1]));
            if !starts || (m as f64) < rules.min_line_share * w.len() as f64 {
                break;
            }
            matched += m;
            pos = p;
            taken += 1;
            blanks = 0;
            out.last = j;
            out.matched = matched;
            out.printed_words += w.len();
            j += 1;
        }
        out
    }

    fn titles_of(&self, number: u32) -> Vec<&TitleWords> {
        self.title_words
            .iter()
            .filter(|t| t.number == number)
            .collect()
    }

    /// The objective whose title a printed title is (by the same thresholds as title headings).
    fn title_owner(&self, printed: &str) -> Option<u32> {
        let w = words(printed);
        self.title_words
            .iter()
            .map(|t| {
                let (m, _) = follow(&w, &t.words, 0);
                (t.number, m as f64 / t.words.len().max(1) as f64, m)
            })
            .filter(|(_, share, m)| {
                *share >= self.headings.min_title_share
                    && *m as f64 >= self.headings.min_line_share * w.len() as f64
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(n, _, _)| n)
    }
}

/// A printed title without its final period or ellipsis and with single spaces.
fn clean_title(text: &str) -> String {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    t.trim_end_matches(['.', '…', ' ']).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_openers_answer_as_every_title_does() {
        let catalog = Catalog::load(std::path::Path::new("rules/gcm/objectives.toml")).unwrap();
        let mut probes: Vec<String> = Vec::new();
        for t in &catalog.title_words {
            for w in &t.words {
                for n in 1..=w.len() {
                    if w.is_char_boundary(n) {
                        probes.push(w[..n].to_string());
                    }
                }
                probes.push(format!("{w}s"));
            }
        }
        probes.extend(["", "zzzz", "a", "objetivo", "se", "1"].map(String::from));
        let mut opened = 0;
        for p in &probes {
            let linear = catalog
                .title_words
                .iter()
                .any(|t| t.words.first().is_some_and(|w| same_word(p, w)));
            assert_eq!(catalog.may_open_a_title(p), linear, "{p:?}");
            opened += usize::from(linear);
        }
        assert!(
            opened > 100 && opened < probes.len(),
            "{opened} of {}",
            probes.len()
        );
    }
    use std::path::Path;

    #[test]
    fn first_words_are_the_first_of_all_the_words() {
        for text in [
            "OBJETIVO 7.— Abordar y reducir, las vulnerabilidades",
            "  ●  Se atendieron 129,441 casos ",
            "— – —",
            "Migración Segura,Ordenada y Regular",
            "",
            "  —,  ",
            "(1) Objetivo",
        ] {
            let all = words(text);
            assert_eq!(first_word(text), all.first().cloned(), "{text:?}");
            for n in 0..6 {
                let first = first_words(text, n);
                assert_eq!(first[..], all[..n.min(all.len())], "{text:?} {n}");
            }
        }
    }

    #[test]
    fn the_first_word_is_the_first_of_all_the_words_on_random_lines_and_the_report() {
        let alphabet = "Se7aZ,.:-ñóÓ\u{301}● \t";
        let report = std::fs::read_to_string("fixtures/informe-ejecutivo-2021.txt").unwrap();
        let random = crate::testing::random_texts(0x6A09_E667_F3BC_C908, alphabet, 20_000, 10);
        for text in random.chain(report.lines().map(str::to_string)) {
            assert_eq!(first_word(&text), words(&text).first().cloned(), "{text:?}");
        }
    }

    fn catalog() -> Catalog {
        Catalog::load(Path::new("rules/gcm/objectives.toml")).unwrap()
    }

    fn found(text: &str) -> Vec<(usize, usize, u32, Style)> {
        let lines: Vec<&str> = text.lines().collect();
        catalog()
            .find_headings(&lines)
            .into_iter()
            .map(|h| (h.first, h.last, h.number, h.style))
            .collect()
    }

    #[test]
    fn word_headings_in_any_case_and_with_any_separator() {
        let text = "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración.\n\
                    ● Acción\n\
                    OBJETIVO 8 | SALVAR VIDAS Y EMPRENDER INICIATIVAS INTERNACIONALES COORDINADAS\n\
                    ● Acción\n\
                    Obj. 9 – Reforzar la respuesta transnacional al tráfico ilícito de migrantes\n\
                    Objective 10: Prevent, combat and eradicate trafficking in persons\n\
                    OBJETIVO 11 - GESTIONAR LAS FRONTERAS…\n";
        let got = found(text);
        let numbers: Vec<u32> = got.iter().map(|h| h.2).collect();
        assert_eq!(numbers, [7, 8, 9, 10, 11]);
        assert!(got.iter().all(|h| h.3 == Style::Word));
    }

    #[test]
    fn a_title_wrapped_over_lines_and_a_blank_is_one_heading() {
        let text = "Objetivo 1. Recopilar y utilizar datos\n\
                    exactos y desglosados para formular\n\
                    \n\
                    políticas con base empírica.\n\
                    ● El Anuario de Migración\n\
                    Objetivo 2. Minimizar los factores adversos\n\
                    Objetivo 3. Proporcionar información exacta\n";
        let lines: Vec<&str> = text.lines().collect();
        let h = catalog().find_headings(&lines);
        assert_eq!((h[0].first, h[0].last, h[0].number), (0, 3, 1));
        assert_eq!(
            h[0].title,
            "Recopilar y utilizar datos exactos y desglosados para formular políticas con base empírica"
        );
        assert_eq!(h[0].title_share, 1.0);
    }

    #[test]
    fn numbered_headings_need_their_own_title() {
        let text = "1. Recopilar y utilizar datos exactos y desglosados para formular políticas\n\
                    - Se elaboró el anuario.\n\
                    2. Minimizar los factores adversos y estructurales que obligan\n\
                    3. Proporcionar información exacta y oportuna\n\
                    4. Se realizaron tres cursos de capacitación\n";
        let got = found(text);
        assert_eq!(
            got,
            [
                (0, 0, 1, Style::Number),
                (2, 2, 2, Style::Number),
                (3, 3, 3, Style::Number)
            ]
        );
    }

    #[test]
    fn numbered_table_rows_are_not_headings_where_headings_say_objetivo() {
        let text = "7. Abordar y reducir las\nvulnerabilidades en la migración\n\
                    15. Proporcionar a los migrantes acceso\n\
                    1. Recopilar y utilizar datos exactos y\n\
                    Objetivo 1. Recopilar y utilizar datos\n\
                    Objetivo 2. Minimizar los factores adversos\n\
                    Objetivo 3. Proporcionar información\n";
        let got = found(text);
        assert_eq!(
            got.iter().map(|h| h.0).collect::<Vec<_>>(),
            [4, 5, 6],
            "{got:?}"
        );
    }

    #[test]
    fn titles_alone_in_spanish_or_english() {
        let text = "Abordar y reducir las vulnerabilidades en la migración\n\
                    • Se atendieron 10 casos.\n\
                    Salvar vidas y emprender iniciativas internacionales\n\
                    coordinadas sobre los migrantes desaparecidos\n\
                    Provide accurate and timely information at all stages of migration\n\
                    Abordar el tema con las autoridades locales fue prioritario.\n";
        let got = found(text);
        assert_eq!(
            got,
            [
                (0, 0, 7, Style::Title),
                (2, 3, 8, Style::Title),
                (4, 4, 3, Style::Title)
            ]
        );
    }

    #[test]
    fn a_number_with_another_objectives_title_is_named() {
        let lines = ["Objetivo 7. Salvar vidas y emprender iniciativas internacionales coordinadas sobre los migrantes desaparecidos"];
        let h = catalog().heading_at(&lines, 0).unwrap();
        assert_eq!(h.number, 7);
        assert_eq!(h.style, Style::Word);
        assert_eq!(h.title_names, Some(8));
    }

    #[test]
    fn sentences_that_mention_an_objective_are_not_headings() {
        let lines = [
            "del objetivo 15. Proporcionar a los migrantes acceso a servicios básicos con 24",
            "Objetivos con más programas y/o acciones",
            "2020 fue un año difícil para la migración en la región y en el mundo entero.",
        ];
        let c = catalog();
        assert!((0..lines.len()).all(|i| c.heading_at(&lines, i).is_none()));
    }
}
