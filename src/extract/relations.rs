//! Relations between the figures of one text: a total and its parts ("248 (181 de llegada y 64
//! de salida)"), subsets ("de los cuales"), a part of a whole ("8,940 de 10,200"), a share stated
//! as a percentage or a fraction word ("la mitad (600) de las 1,200"), and a breakdown in
//! percentages that must add up to 100. Extract finds them, the audit checks them; the words
//! they are written with are in `figures.toml`.

use serde::{Deserialize, Serialize};

use super::figures::{sentence_bounds, FigureNote, FigureRules, FoundFigure};

/// How the figures of a [`Relation`] relate; extract finds them, the audit checks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Relations between the figures of one text.
    pub fn relations(&self, text: &str, figs: &[FoundFigure]) -> Vec<Relation> {
        let words = &self.relation_words;
        let mut out = Vec::new();
        let sentences = sentence_bounds(text);
        let sentence_of = |pos: usize| sentences.iter().position(|&(s, e)| pos >= s && pos < e);
        let lower = text.to_lowercase();
        // Offsets of the text index the lowercase copy only when every character kept its
        // length (the same total is not enough: 'Ⱥ' grows a byte where 'Ɦ' loses one).
        let lower_ok = lower.len() == text.len()
            && text
                .char_indices()
                .zip(lower.char_indices())
                .all(|((a, _), (b, _))| a == b);
        let counts = |i: usize| !figs[i].percent;

        // 1. A total followed by its parts in parentheses.
        for (i, f) in figs.iter().enumerate() {
            if f.percent {
                continue;
            }
            let (_, _, unit_end) = self.unit_after(text, f.end, false);
            let after = if unit_end > f.end { unit_end } else { f.end };
            // The noun may run on for a few words ("personas menores de edad (…").
            let Some(open) = self.parts_open(text, after) else {
                continue;
            };
            let close = text[open..].find(')').map_or(text.len(), |c| open + c);
            let inside: Vec<usize> = (0..figs.len())
                .filter(|&j| j != i && figs[j].start > open && figs[j].start < close)
                .collect();
            let parts: Vec<usize> = inside.iter().copied().filter(|&j| counts(j)).collect();
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

        // 2. "de los cuales …" after a total, and "N de ellos" after a part.
        if lower_ok {
            let mut uses: Vec<(usize, bool, usize)> = Vec::new(); // (position, is backref, len)
            for w in &words.part_openers {
                for (p, _) in lower.match_indices(w.as_str()) {
                    uses.push((p, false, w.len()));
                }
            }
            for w in &words.part_backrefs {
                for (p, _) in lower.match_indices(w.as_str()) {
                    uses.push((p, true, w.len()));
                }
            }
            uses.sort();
            uses.dedup_by_key(|u| u.0);
            for (p, _, len) in uses {
                if !word_boundary(&lower, p, p + len) {
                    continue;
                }
                let Some(sent) = sentence_of(p) else { continue };
                let (s_start, s_end) = sentences[sent];
                // A part right before the words ("25 de ellos") makes them a back-reference.
                let part_before = figs
                    .iter()
                    .position(|f| counts_fig(f) && f.end <= p && text[f.end..p].trim().is_empty());
                let (first_part, total) = match part_before {
                    Some(pi) => {
                        let total = (0..pi).rev().find(|&j| {
                            counts(j) && figs[j].start >= sentence_start(&sentences, sent, true)
                        });
                        (Some(pi), total)
                    }
                    None => {
                        let in_sentence = (0..figs.len())
                            .rev()
                            .find(|&j| counts(j) && figs[j].end <= p && figs[j].start >= s_start);
                        let total = in_sentence.or_else(|| {
                            // "De estos, …" at the start of a sentence: the previous sentence's last figure.
                            let prev = sent.checked_sub(1).map(|k| sentences[k])?;
                            (0..figs.len()).rev().find(|&j| {
                                counts(j) && figs[j].start >= prev.0 && figs[j].end <= prev.1
                            })
                        });
                        (None, total)
                    }
                };
                let Some(total) = total else { continue };
                let from = first_part.map_or(p + len, |pi| figs[pi].start);
                let parts: Vec<usize> = (0..figs.len())
                    .filter(|&j| {
                        j != total
                            && counts(j)
                            && figs[j].start >= from
                            && figs[j].start < s_end
                            && self.compatible(&figs[j].unit, &figs[total].unit)
                            && !figs[j].notes.contains(&FigureNote::InWords)
                    })
                    .collect();
                if parts.is_empty() || out.iter().any(|r| r.total == total && r.parts == parts) {
                    continue;
                }
                out.push(Relation::new(RelationKind::Subset, total, parts));
            }
        }

        // 3. "label: total; label: part; … y label: part" in one sentence.
        for &(s, e) in &sentences {
            let labelled: Vec<usize> = (0..figs.len())
                .filter(|&j| {
                    counts(j)
                        && figs[j].start >= s
                        && figs[j].start < e
                        && text[..figs[j].start].trim_end().ends_with(':')
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

        // 3b. "a de b" ("8,940 de 10,200 solicitudes"): a is a part of b.
        if lower_ok {
            for i in 0..figs.len().saturating_sub(1) {
                let j = i + 1;
                if !counts(i) || !counts(j) || out.iter().any(|r| r.parts.contains(&i)) {
                    continue;
                }
                // "el 68 % (1,488) de las 2,400": the part may close a parenthesis.
                let between = lower[figs[i].end..figs[j].start].trim();
                let between = between.strip_prefix(')').unwrap_or(between).trim_start();
                if words.of_words.iter().any(|w| w == between) {
                    out.push(Relation::new(RelationKind::Subset, j, vec![i]));
                }
            }
        }

        // 4. A percentage in a sentence with a one-part subset: the share of the part.
        let shares: Vec<Relation> = out
            .iter()
            .filter(|r| r.kind() == Some(RelationKind::Subset) && r.parts.len() == 1)
            .filter_map(|r| {
                let sent = sentence_of(figs[r.parts[0]].start)?;
                let (s, e) = sentences[sent];
                let pct = (0..figs.len())
                    .find(|&j| figs[j].percent && figs[j].start >= s && figs[j].start < e)?;
                Some(Relation {
                    percent: Some(pct),
                    ..Relation::new(RelationKind::Share, r.total, r.parts.clone())
                })
            })
            .collect();
        out.extend(shares);

        // 5. A share in words: "la mitad (450) de las 1,200", "De las 4,480 becas …, una cuarta
        // parte (1,520)".
        if lower_ok {
            let fractions = self.fraction_shares(&lower, figs, &sentences, &out);
            out.extend(fractions);
        }

        // 6. Percentages listed after a colon, with the total before it: "Las 3,600 asesorías se
        // distribuyeron así: 50 % …, 30 % … y 20 % …".
        for &(s, e) in &sentences {
            let Some(colon) = text[s..e].find(':').map(|c| s + c) else {
                continue;
            };
            let after: Vec<usize> = (0..figs.len())
                .filter(|&j| figs[j].start > colon && figs[j].start < e)
                .collect();
            if after.len() < 2 || !after.iter().all(|&j| figs[j].percent) {
                continue;
            }
            // Without a count before the colon ("Los apoyos se distribuyeron así: …"), the
            // relation's total is its first percentage.
            let total = (0..figs.len())
                .rev()
                .find(|&j| counts(j) && figs[j].start >= s && figs[j].end <= colon)
                .unwrap_or(after[0]);
            out.push(Relation::new(RelationKind::PercentBreakdown, total, after));
        }
        out
    }

    /// Step 5 of [`FigureRules::relations`]: fraction words followed by the part in parentheses,
    /// whose total is the figure the part is "de" (a subset found before) or the count before
    /// the words in their sentence. Words after a qualifier ("más de la mitad") are not exact
    /// and make no relation.
    fn fraction_shares(
        &self,
        lower: &str,
        figs: &[FoundFigure],
        sentences: &[(usize, usize)],
        found: &[Relation],
    ) -> Vec<Relation> {
        let mut out = Vec::new();
        for (words, numerator, denominator) in &self.relation_words.fractions {
            for (p, _) in lower.match_indices(words.as_str()) {
                let end = p + words.len();
                let before = lower[..p].trim_end();
                if !word_boundary(lower, p, end)
                    || self.qualifiers.iter().any(|q| before.ends_with(q.as_str()))
                {
                    continue;
                }
                let rest = &lower[end..];
                let Some(open) = rest.trim_start().strip_prefix('(') else {
                    continue;
                };
                let open_at = end + (rest.len() - open.len());
                let Some(part) = figs.iter().position(|f| {
                    !f.percent && f.start >= open_at && lower[open_at..f.start].trim().is_empty()
                }) else {
                    continue;
                };
                let (s, _) = sentences
                    .iter()
                    .copied()
                    .find(|&(s, e)| p >= s && p < e)
                    .unwrap_or((0, lower.len()));
                let of_total = found
                    .iter()
                    .find(|r| r.kind() == Some(RelationKind::Subset) && r.parts == [part])
                    .map(|r| r.total);
                let total = of_total.or_else(|| {
                    (0..figs.len())
                        .rev()
                        .find(|&j| !figs[j].percent && figs[j].start >= s && figs[j].end <= p)
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
        }
        out
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
    fn parts_open(&self, text: &str, after: usize) -> Option<usize> {
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

fn counts_fig(f: &FoundFigure) -> bool {
    !f.percent
}

/// Start of sentence `i`, or of the one before it when `with_previous`.
fn sentence_start(sentences: &[(usize, usize)], i: usize, with_previous: bool) -> usize {
    if with_previous && i > 0 {
        sentences[i - 1].0
    } else {
        sentences[i].0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
