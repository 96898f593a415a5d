//! Relations between the figures of one text: a total and its parts ("248 (181 de llegada y 64
//! de salida)"), subsets ("de los cuales"), a part of a whole ("8,940 de 10,200"), a share stated
//! as a percentage or a fraction word ("la mitad (600) de las 1,200"), and a breakdown in
//! percentages that must add up to 100. Extract finds them, the audit checks them; the words
//! they are written with are in `figures.toml`.

use serde::{Deserialize, Serialize};

use super::figures::{sentence_bounds, FigureNote, FigureRules, FoundFigure};
use super::wordsearch::WordSearch;

/// How the figures of a [`Relation`] relate; extract finds them, the audit checks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// The parts should add up to the total.
    Breakdown,
    /// Each part is a subset of the total.
    Subset,
    /// `percent` (or `fraction`) is stated as the share of the one part in the total.
    Share,
    /// The parts are percentages of the total that together should make 100 % (when no count
    /// is stated, `total` is the first part).
    PercentBreakdown,
}

impl RelationKind {
    pub const ALL: [RelationKind; 4] = [
        RelationKind::Breakdown,
        RelationKind::Subset,
        RelationKind::Share,
        RelationKind::PercentBreakdown,
    ];

    pub fn parse(s: &str) -> Option<RelationKind> {
        RelationKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Breakdown => "breakdown",
            RelationKind::Subset => "subset",
            RelationKind::Share => "share",
            RelationKind::PercentBreakdown => "percent_breakdown",
        }
    }
}

/// A relation between figures of one text, by index into its figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Relation {
    /// `breakdown`: "248 (181 de llegada y 64 de salida)", "regularizadas: 72,442; por razones
    /// humanitarias: 56,936; …"; `subset`: "de los cuales", "25 de ellos"; `share`: a percent.
    /// Always a [`RelationKind`] name: written with [`RelationKind::as_str`], read with
    /// [`Relation::kind`].
    pub kind: String,
    pub total: usize,
    pub parts: Vec<usize>,
    pub percent: Option<usize>,
    /// A share stated in words ("la mitad", "una tercera parte") instead of a percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraction: Option<StatedFraction>,
}

/// A share stated in words: "una tercera parte" is 1/3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StatedFraction {
    pub words: String,
    pub numerator: u32,
    pub denominator: u32,
}

/// The words relations are written with (figures.toml), lowercase.
#[derive(Debug, Clone)]
pub struct RelationWords {
    /// "de los cuales": the parts of the figure before them follow.
    pub part_openers: Vec<String>,
    /// "de ellos" after a part: it refers back to the total.
    pub part_backrefs: Vec<String>,
    /// Words a total's noun may run to before its parts in parentheses (a count).
    pub parts_after_words: usize,
    /// What stands between a part and its total ("8,940 de 10,200").
    pub of_words: Vec<String>,
    /// Fraction words and their value: ("la mitad", 1, 2).
    pub fractions: Vec<(String, u32, u32)>,
    /// `part_openers`, `part_backrefs`, then the words of `fractions`: searched together, in one
    /// reading of each text.
    pub search: WordSearch,
}

impl RelationWords {
    /// The words with their searches built.
    pub fn new(
        part_openers: Vec<String>,
        part_backrefs: Vec<String>,
        parts_after_words: usize,
        of_words: Vec<String>,
        fractions: Vec<(String, u32, u32)>,
    ) -> Result<RelationWords, aho_corasick::BuildError> {
        let words: Vec<String> = part_openers
            .iter()
            .chain(&part_backrefs)
            .cloned()
            .chain(fractions.iter().map(|(w, _, _)| w.clone()))
            .collect();
        Ok(RelationWords {
            search: WordSearch::new(&words)?,
            part_openers,
            part_backrefs,
            parts_after_words,
            of_words,
            fractions,
        })
    }

    /// How many of the searched words are subset words (`part_openers` and `part_backrefs`): the
    /// words of `fractions` come after them.
    fn subset_words(&self) -> usize {
        self.part_openers.len() + self.part_backrefs.len()
    }
}

impl Relation {
    fn new(kind: RelationKind, total: usize, parts: Vec<usize>) -> Relation {
        Relation {
            kind: kind.as_str().to_string(),
            total,
            parts,
            percent: None,
            fraction: None,
        }
    }

    /// The kind, typed.
    pub fn kind(&self) -> Option<RelationKind> {
        RelationKind::parse(&self.kind)
    }
}

impl FigureRules {
    /// Relations between the figures of one text (`figs` in text order). Linear in the text and
    /// its figures: every search is a binary search over figure or sentence positions, or stops
    /// at the sentence.
    pub fn relations(&self, text: &str, figs: &[FoundFigure]) -> Vec<Relation> {
        self.relations_in(text, figs, &sentence_bounds(text))
    }

    /// [`FigureRules::relations`] with the text's [`sentence_bounds`] already found.
    pub fn relations_in(
        &self,
        text: &str,
        figs: &[FoundFigure],
        sentences: &[(usize, usize)],
    ) -> Vec<Relation> {
        let lower = crate::textkey::lowercase(text);
        // (`match_indices` of a character skips to it with memchr.)
        let positions = |c: char| -> Vec<usize> { text.match_indices(c).map(|(i, _)| i).collect() };
        let mut f = Finder {
            rules: self,
            text,
            closes: positions(')'),
            semicolons: positions(';'),
            // Offsets of the text index the lowercase copy only when every character kept its
            // length (the same total is not enough: 'Ⱥ' grows a byte where 'Ɦ' loses one).
            lower: same_offsets(text, &lower).then_some(lower),
            words: Vec::new(),
            figs,
            sentences,
        };
        if let Some(lower) = &f.lower {
            f.words = self.relation_words.search.find(lower);
        }
        let mut out = f.parenthesized();
        if f.lower.is_some() {
            f.subsets_after_openers(&mut out);
        }
        f.labelled(&mut out);
        if f.lower.is_some() {
            f.parts_of(&mut out);
        }
        let shares = f.percent_shares(&out);
        out.extend(shares);
        if f.lower.is_some() {
            let fractions = f.fraction_shares(&out);
            out.extend(fractions);
        }
        f.percents_after_colon(&mut out);
        out
    }
}

/// The text, its figures and sentences, and the searches the steps share.
struct Finder<'a> {
    rules: &'a FigureRules,
    text: &'a str,
    lower: Option<String>,
    /// Where the relation words are in `lower`: `(k, at)` for word `k` of
    /// [`RelationWords::search`], in its order.
    words: Vec<(usize, usize)>,
    figs: &'a [FoundFigure],
    sentences: &'a [(usize, usize)],
    /// Byte positions of every ")" and ";" of the text.
    closes: Vec<usize>,
    semicolons: Vec<usize>,
}

impl Finder<'_> {
    /// The first position in `sorted` at or after `from`, if before `to`.
    fn next_in(sorted: &[usize], from: usize, to: usize) -> Option<usize> {
        let k = sorted.partition_point(|&p| p < from);
        sorted.get(k).copied().filter(|&p| p < to)
    }

    /// The first percentage of the sentence `(s, e)`.
    fn first_percent(&self, s: usize, e: usize) -> Option<usize> {
        // Called once per sentence (`percent_shares` keeps the answer).
        self.starting_in(s, e).find(|&j| self.figs[j].percent)
    }

    fn counts(&self, i: usize) -> bool {
        !self.figs[i].percent
    }

    /// The figures that start in `from..to`.
    fn starting_in(&self, from: usize, to: usize) -> std::ops::Range<usize> {
        let a = self.figs.partition_point(|f| f.start < from);
        let b = self.figs.partition_point(|f| f.start < to);
        a..b.max(a)
    }

    /// The figures that end at or before `pos`, counted from the first.
    fn ending_by(&self, pos: usize) -> usize {
        self.figs.partition_point(|f| f.end <= pos)
    }

    /// The sentence holding byte `pos`.
    fn sentence_of(&self, pos: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|&(_, e)| e <= pos);
        (i < self.sentences.len() && self.sentences[i].0 <= pos).then_some(i)
    }

    /// The last count figure among `range`, searched from its end.
    fn last_count_in(&self, range: std::ops::Range<usize>) -> Option<usize> {
        range.rev().find(|&j| self.counts(j))
    }

    /// Step 1: a total followed by its parts in parentheses (counts: a breakdown, or a subset when
    /// there is one; only percentages: a breakdown in percentages).
    fn parenthesized(&self) -> Vec<Relation> {
        let mut out = Vec::new();
        for (i, f) in self.figs.iter().enumerate() {
            if f.percent {
                continue;
            }
            let (_, _, unit_end) = self.rules.unit_after(self.text, f.end, false);
            let after = unit_end.max(f.end);
            // The noun may run on for a few words ("personas menores de edad (…").
            let Some(open) = self.rules.parts_open(self.text, after) else {
                continue;
            };
            let end = self
                .sentence_of(open)
                .map_or(self.text.len(), |k| self.sentences[k].1);
            let close = Self::next_in(&self.closes, open, end).unwrap_or(end);
            let inside: Vec<usize> = self
                .starting_in(open + 1, close)
                .filter(|&j| j != i)
                .collect();
            let parts: Vec<usize> = inside.iter().copied().filter(|&j| self.counts(j)).collect();
            if !parts.is_empty() {
                let kind = if parts.len() >= 2 {
                    RelationKind::Breakdown
                } else {
                    RelationKind::Subset
                };
                out.push(Relation::new(kind, i, parts));
            } else if inside.len() >= 2 {
                // Only percentages: "2,845 tarjetas (52.4 % a … y 47.6 % a …)".
                out.push(Relation::new(RelationKind::PercentBreakdown, i, inside));
            }
        }
        out
    }

    /// Step 2: "de los cuales …" after a total, and "N de ellos" after a part. The parts run to the
    /// end of the clause: the sentence, a semicolon or the next such words.
    fn subsets_after_openers(&self, out: &mut Vec<Relation>) {
        let Some(lower) = &self.lower else { return };
        let words = &self.rules.relation_words;
        let mut uses: Vec<(usize, usize)> = self // (position, length)
            .words
            .iter()
            .filter(|&&(k, _)| k < words.subset_words())
            .map(|&(k, p)| (p, words.search.word_len(k)))
            .collect();
        uses.sort();
        uses.dedup_by_key(|u| u.0);
        uses.retain(|&(p, len)| word_boundary(lower, p, p + len));
        let mut seen: std::collections::HashSet<(usize, Vec<usize>)> =
            out.iter().map(|r| (r.total, r.parts.clone())).collect();
        for (k, &(p, len)) in uses.iter().enumerate() {
            let Some(sent) = self.sentence_of(p) else {
                continue;
            };
            let (s_start, s_end) = self.sentences[sent];
            let clause_end = [
                Some(s_end),
                Self::next_in(&self.semicolons, p, s_end),
                uses.get(k + 1).map(|&(q, _)| q),
            ]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(s_end);
            // A part right before the words ("25 de ellos") makes them a back-reference.
            let before = self.ending_by(p);
            let part_before = before
                .checked_sub(1)
                .filter(|&j| self.counts(j) && self.text[self.figs[j].end..p].trim().is_empty());
            let total = match part_before {
                Some(pi) => {
                    let from = if sent > 0 {
                        self.sentences[sent - 1].0
                    } else {
                        s_start
                    };
                    self.last_count_in(self.starting_in(from, self.figs[pi].start))
                }
                None => self
                    .last_count_in(self.starting_in(s_start, p))
                    .filter(|&j| self.figs[j].end <= p)
                    .or_else(|| {
                        // "De estos, …" at the start of a sentence: the previous sentence's
                        // last figure.
                        let prev = sent.checked_sub(1).map(|k| self.sentences[k])?;
                        self.last_count_in(self.starting_in(prev.0, prev.1))
                            .filter(|&j| self.figs[j].end <= prev.1)
                    }),
            };
            let Some(total) = total else { continue };
            let from = part_before.map_or(p + len, |pi| self.figs[pi].start);
            let parts: Vec<usize> = self
                .starting_in(from, clause_end)
                .filter(|&j| {
                    j != total
                        && self.counts(j)
                        && self
                            .rules
                            .compatible(&self.figs[j].unit, &self.figs[total].unit)
                        && !self.figs[j].notes.contains(&FigureNote::InWords)
                })
                .collect();
            if parts.is_empty() || !seen.insert((total, parts.clone())) {
                continue;
            }
            out.push(Relation::new(RelationKind::Subset, total, parts));
        }
    }

    /// Step 3: "label: total; label: part; … y label: part" in one sentence.
    fn labelled(&self, out: &mut Vec<Relation>) {
        for &(s, e) in self.sentences {
            let labelled: Vec<usize> = self
                .starting_in(s, e)
                .filter(|&j| {
                    self.counts(j) && self.text[..self.figs[j].start].trim_end().ends_with(':')
                })
                .collect();
            if labelled.len() >= 3 {
                out.push(Relation::new(
                    RelationKind::Breakdown,
                    labelled[0],
                    labelled[1..].to_vec(),
                ));
            }
        }
    }

    /// Step 3b: "a de b" ("8,940 de 10,200 solicitudes", "el 68 % (1,488) de las 2,400"): a is a
    /// part of b, unless a is already a part.
    fn parts_of(&self, out: &mut Vec<Relation>) {
        let Some(lower) = &self.lower else { return };
        let already: std::collections::HashSet<usize> =
            out.iter().flat_map(|r| r.parts.iter().copied()).collect();
        for i in 0..self.figs.len().saturating_sub(1) {
            let j = i + 1;
            if !self.counts(i) || !self.counts(j) || already.contains(&i) {
                continue;
            }
            let between = lower[self.figs[i].end..self.figs[j].start].trim();
            let between = between.strip_prefix(')').unwrap_or(between).trim_start();
            if self
                .rules
                .relation_words
                .of_words
                .iter()
                .any(|w| w == between)
            {
                out.push(Relation::new(RelationKind::Subset, j, vec![i]));
            }
        }
    }

    /// Step 4: a percentage in a sentence with a one-part subset: the share of the part.
    fn percent_shares(&self, found: &[Relation]) -> Vec<Relation> {
        let mut first_percent: std::collections::HashMap<usize, Option<usize>> =
            std::collections::HashMap::new();
        found
            .iter()
            .filter(|r| r.kind() == Some(RelationKind::Subset) && r.parts.len() == 1)
            .filter_map(|r| {
                let k = self.sentence_of(self.figs[r.parts[0]].start)?;
                let (s, e) = self.sentences[k];
                let pct = (*first_percent
                    .entry(k)
                    .or_insert_with(|| self.first_percent(s, e)))?;
                Some(Relation {
                    percent: Some(pct),
                    ..Relation::new(RelationKind::Share, r.total, r.parts.clone())
                })
            })
            .collect()
    }

    /// Step 5: a share in words: fraction words followed by the part in parentheses, whose total is
    /// the figure the part is "de" (a subset found before: "la mitad (450) de las 1,200") or
    /// the count before the words in their sentence ("De las 4,480 becas …, una cuarta parte
    /// (1,520)"). Words after a qualifier ("más de la mitad") are not exact: no relation.
    fn fraction_shares(&self, found: &[Relation]) -> Vec<Relation> {
        let Some(lower) = &self.lower else {
            return Vec::new();
        };
        let mut of_total = std::collections::HashMap::new();
        for r in found {
            if r.kind() == Some(RelationKind::Subset) && r.parts.len() == 1 {
                of_total.entry(r.parts[0]).or_insert(r.total);
            }
        }
        let mut out = Vec::new();
        let rules = &self.rules.relation_words;
        let fractions = self.words.iter().filter_map(|&(k, p)| {
            k.checked_sub(rules.subset_words())
                .map(|fraction| (&rules.fractions[fraction], p))
        });
        for ((words, numerator, denominator), p) in fractions {
            let end = p + words.len();
            if !word_boundary(lower, p, end) || self.rules.qualifier_before(&lower[..p]).is_some() {
                continue;
            }
            let rest = &lower[end..];
            let Some(open) = rest.trim_start().strip_prefix('(') else {
                continue;
            };
            let open_at = end + (rest.len() - open.len());
            let next = self.ending_by(open_at);
            let Some(part) = (next < self.figs.len()).then_some(next).filter(|&j| {
                self.counts(j) && lower[open_at..self.figs[j].start].trim().is_empty()
            }) else {
                continue;
            };
            let s = self.sentence_of(p).map_or(0, |k| self.sentences[k].0);
            let total = of_total.get(&part).copied().or_else(|| {
                self.last_count_in(self.starting_in(s, p))
                    .filter(|&j| self.figs[j].end <= p)
            });
            if let Some(total) = total {
                out.push(Relation {
                    fraction: Some(StatedFraction {
                        words: words.clone(),
                        numerator: *numerator,
                        denominator: *denominator,
                    }),
                    ..Relation::new(RelationKind::Share, total, vec![part])
                });
            }
        }
        out
    }

    /// Step 6: percentages listed after a colon, with the total before it: "Las 3,600 asesorías se
    /// distribuyeron así: 50 % …, 30 % … y 20 % …". Without a count before the colon ("Los
    /// apoyos se distribuyeron así: …"), the relation's total is its first percentage.
    fn percents_after_colon(&self, out: &mut Vec<Relation>) {
        for &(s, e) in self.sentences {
            let Some(colon) = self.text[s..e].find(':').map(|c| s + c) else {
                continue;
            };
            let after: Vec<usize> = self.starting_in(colon + 1, e).collect();
            if after.len() < 2 || !after.iter().all(|&j| self.figs[j].percent) {
                continue;
            }
            let total = self
                .last_count_in(self.starting_in(s, colon))
                .filter(|&j| self.figs[j].end <= colon)
                .unwrap_or(after[0]);
            out.push(Relation::new(RelationKind::PercentBreakdown, total, after));
        }
    }
}

/// Whether every character of `text` starts at the same byte in `lower` (as far as both have
/// characters: the k-th character of each, for every k of the shorter).
fn same_offsets(text: &str, lower: &str) -> bool {
    if lower.len() != text.len() {
        return false;
    }
    // Over bytes: a character starts at every byte that is not a UTF-8 continuation byte.
    let starts = |b: u8| (b as i8) >= -0x40;
    let (t, l) = (text.as_bytes(), lower.as_bytes());
    match (0..t.len()).find(|&i| starts(t[i]) != starts(l[i])) {
        None => true,
        // The first character start the other lacks: the k-th starts differ unless the other
        // has no more characters (its last one runs past here to the end).
        Some(i) if starts(t[i]) => !l[i..].iter().any(|&b| starts(b)),
        Some(i) => !t[i..].iter().any(|&b| starts(b)),
    }
}

/// Whether `text[start..end]` stands as whole words.
fn word_boundary(text: &str, start: usize, end: usize) -> bool {
    text[..start]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
        && text[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
}

impl FigureRules {
    /// Where the parentheses holding a total's parts open: right after `after` (the total or its
    /// noun), or after at most `parts_after_words` more words of that noun.
    pub(super) fn parts_open(&self, text: &str, after: usize) -> Option<usize> {
        let mut at = after;
        for _ in 0..=self.relation_words.parts_after_words {
            let rest = &text[at..];
            let trimmed = rest.trim_start();
            let start = at + (rest.len() - trimmed.len());
            if trimmed.starts_with('(') {
                return Some(start);
            }
            let word = trimmed.split_whitespace().next()?;
            if !word.chars().all(char::is_alphabetic) {
                return None;
            }
            at = start + word.len();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The first version, over characters: the oracle of `same_offsets`.
    fn same_offsets_by_chars(text: &str, lower: &str) -> bool {
        lower.len() == text.len()
            && text
                .char_indices()
                .zip(lower.char_indices())
                .all(|((a, _), (b, _))| a == b)
    }

    #[test]
    fn same_offsets_over_bytes_answers_as_over_characters() {
        // Characters whose lowercase is longer, shorter or several characters.
        let alphabet: Vec<char> = "aZ ñÑÉ,İẞȺⱥꞪɦΣσß€😀\u{301}".chars().collect();
        let mut next = crate::testing::xorshift(0x2545_F491_4F6C_DD1D);
        let mut random_text = |len: usize| -> String {
            (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect()
        };
        for round in 0..20_000 {
            let text = random_text(round % 9);
            let lower = text.to_lowercase();
            assert_eq!(
                same_offsets(&text, &lower),
                same_offsets_by_chars(&text, &lower),
                "{text:?}"
            );
            // Any two texts of one length, the case where one runs out of characters first.
            let other = random_text(round % 7);
            if other.len() == text.len() {
                assert_eq!(
                    same_offsets(&text, &other),
                    same_offsets_by_chars(&text, &other),
                    "{text:?} {other:?}"
                );
            }
        }
        assert!(same_offsets("ab€", "abc\u{e9}"));
        assert!(!same_offsets("Ⱥx", "ⱥx"));
    }

    fn rules() -> FigureRules {
        FigureRules::load(Path::new("rules/gcm/figures.toml")).unwrap()
    }

    #[test]
    fn breakdowns_and_shares() {
        let r = rules();
        let rel = |text: &str| {
            let (f, _) = r.find(text, &[], &[]);
            let rels = r.relations(text, &f);
            rels.iter()
                .map(|x| {
                    let parts: Vec<f64> = x.parts.iter().map(|&p| f[p].value).collect();
                    (
                        x.kind.clone(),
                        f[x.total].value,
                        parts,
                        x.percent.map(|p| f[p].value),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            rel("Vuelos de repatriación realizados: 248 (181 de llegada y 64 de salida)"),
            [("breakdown".to_string(), 248.0, vec![181.0, 64.0], None)]
        );
        assert_eq!(
            rel("a 20,506 menores de edad migrantes extranjeros, de los cuales 13,198 viajaban acompañados y 7,308 viajaban sin compañía de un adulto."),
            [("subset".to_string(), 20506.0, vec![13198.0, 7308.0], None)]
        );
        assert_eq!(
            rel("Personas extranjeras regularizadas: 72,442; por razones humanitarias: 56,936; por unidad familiar: 10,041 y por documento vencido: 5,465."),
            [("breakdown".to_string(), 72442.0, vec![56936.0, 10041.0, 5465.0], None)]
        );
        assert_eq!(
            rel("se registraron 132,050 repatriaciones de connacionales, de los cuales 123,169 aceptaron los apoyos otorgados representando un 93.27 % en el mes."),
            [
                ("subset".to_string(), 132050.0, vec![123169.0], None),
                ("share".to_string(), 132050.0, vec![123169.0], Some(93.27))
            ]
        );
        assert_eq!(
            rel("se expidieron 31 tarjetas de residente temporal, 3 de éstas se emitieron con dos años, 13 con vigencia de tres años y 15 con vigencia de cuatro años."),
            [("subset".to_string(), 31.0, vec![3.0, 13.0, 15.0], None)]
        );
        assert_eq!(
            rel("Se atendieron 129,441 casos. De estos, 124,020 casos fueron reportados en EEUU y 5,421 por las representaciones en el resto del mundo."),
            [("subset".to_string(), 129441.0, vec![124020.0, 5421.0], None)]
        );
    }
}
