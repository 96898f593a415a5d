//! Near-duplicate actions: bullets of different objectives that say almost the same thing
//! (word trigrams, Jaccard similarity, prefix filtering).

use std::hash::Hasher;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{AuditRules, CheckId, Flag};
use crate::extract::Extracted;
use crate::textkey::fold_key;

/// Word trigrams of a text, accent- and case-insensitive, hashed, sorted and unique.
///
/// The hash is FxHash: 64 bits keep collisions out of reach of a report's trigrams, and SipHash
/// (`DefaultHasher`) cost four times as much here, a tenth of a report's audit.
fn shingles(text: &str) -> Vec<u64> {
    let hasher = TrigramHasher::new();
    let folded = fold_key(text);
    let mut words = folded.split(' ').map(|w| hasher.word(w));
    let (Some(mut a), Some(mut b)) = (words.next(), words.next()) else {
        return Vec::new();
    };
    // A Spanish word and its space are some six bytes: room for every trigram at once.
    let mut out: Vec<u64> = Vec::with_capacity(folded.len() / 4);
    for c in words {
        out.push(hasher.trigram([a, b, c]));
        (a, b) = (b, c);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The hash `[a, b, c].hash(&mut FxHasher::default())` gives a trigram of words, made from the
/// words' own hashes, so that each word's bytes are hashed once rather than in each of its three
/// trigrams (a tenth of the near-duplicate check).
///
/// An `FxHasher` keeps one number `s`: each value `v` it is given makes `s = (s + v)·K`, and
/// `finish` rotates `s` left by 26 bits. A slice gives it its length, then each `str` the hash
/// of its bytes and the byte 0xff. A word's hasher given its bytes alone holds `hash(w)·K`, the
/// term that word adds to a trigram's `s·K`. A unit test checks the equality on random words.
struct TrigramHasher {
    /// The hasher's multiplier `K`.
    k: u64,
}

impl TrigramHasher {
    /// `finish`'s left rotation, in bits.
    const ROTATE: u32 = 26;

    fn new() -> TrigramHasher {
        // (0 + 1)·K.
        TrigramHasher {
            k: Self::state_after(|h| h.write_usize(1)),
        }
    }

    /// The state of a new hasher after `feed`.
    fn state_after(feed: impl FnOnce(&mut rustc_hash::FxHasher)) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        feed(&mut h);
        h.finish().rotate_right(Self::ROTATE)
    }

    /// A word's term: `hash(w)·K`.
    fn word(&self, w: &str) -> u64 {
        Self::state_after(|h| h.write(w.as_bytes()))
    }

    /// The trigram's hash, from its words' terms.
    fn trigram(&self, words: [u64; 3]) -> u64 {
        const STR_END: u64 = 0xff;
        let k = self.k;
        let mut s = 3u64.wrapping_mul(k);
        for term in words {
            s = s.wrapping_mul(k).wrapping_add(term);
            s = s.wrapping_add(STR_END).wrapping_mul(k);
        }
        s.rotate_left(Self::ROTATE)
    }
}

/// For each set, the first earlier set of another group (objective) whose Jaccard similarity
/// with it is at least `threshold`, with the similarity: `(later, earlier, similarity)`.
///
/// Prefix filtering: two sets that similar share one of the `len - ceil(threshold × len) + 1`
/// rarest tokens of each, so only sets met in the postings of those tokens are compared, and
/// postings are kept per token and group so that sets of the same group are never visited.
/// Each set compares at most `max_compared` others. Reporting one earlier match per set keeps
/// the flags linear when a template repeats under every objective (every pair of such bullets
/// would be quadratic: 91,000 bullets gave 3.7 GB and three minutes).
///
/// Tokens are numbered as first met, so that counts and postings are arrays indexed by token;
/// a set's tokens are ordered by count, then by value (a rarer token, or an equally rare
/// smaller one, first).
fn first_near_duplicates(
    sets: &[Vec<u64>],
    groups: &[u32],
    threshold: f64,
    max_compared: usize,
) -> Vec<(usize, usize, f64)> {
    let (numbered, freq) = number_tokens(sets);
    let mut postings = Postings::new(freq.len());
    let mut found = Vec::new();
    // The set that last compared set j (compared_by[j] == i: already compared with set i).
    let mut compared_by = vec![usize::MAX; sets.len()];
    let mut by_rarity: Vec<(usize, u64, u32)> = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        if set.is_empty() {
            continue;
        }
        by_rarity.clear();
        by_rarity.extend(
            set.iter()
                .zip(&numbered[i])
                .map(|(&t, &id)| (freq[id as usize], t, id)),
        );
        by_rarity.sort_unstable();
        let needed = (threshold * set.len() as f64 - 1e-9).ceil().max(0.0) as usize;
        let prefix = &by_rarity[..(set.len().saturating_sub(needed) + 1).min(set.len())];
        let mut compared = 0;
        'search: for &(_, _, t) in prefix {
            for (g, members) in postings.groups_of(t) {
                if g == groups[i] {
                    continue;
                }
                for j in members {
                    if compared >= max_compared {
                        break 'search;
                    }
                    if compared_by[j] == i {
                        continue;
                    }
                    compared_by[j] = i;
                    compared += 1;
                    if let Some(sim) = similarity_at_least(set, &sets[j], threshold) {
                        found.push((i, j, sim));
                        break 'search;
                    }
                }
            }
        }
        for &(_, _, t) in prefix {
            postings.add(t, groups[i], i);
        }
    }
    found
}

/// The sets with each token replaced by its number (in the order tokens are first met), and how
/// many sets hold each token.
fn number_tokens(sets: &[Vec<u64>]) -> (Vec<Vec<u32>>, Vec<usize>) {
    let mut number: FxHashMap<u64, u32> = FxHashMap::default();
    number.reserve(sets.iter().map(Vec::len).sum());
    let mut freq: Vec<usize> = Vec::new();
    let numbered = sets
        .iter()
        .map(|s| {
            s.iter()
                .map(|t| {
                    let n = *number.entry(*t).or_insert_with(|| {
                        freq.push(0);
                        (freq.len() - 1) as u32
                    });
                    freq[n as usize] += 1;
                    n
                })
                .collect()
        })
        .collect();
    (numbered, freq)
}

/// The sets met so far under each token, by group: groups in order of first sight, sets in
/// order. Linked lists in three arrays, so that adding a set allocates nothing of its own.
struct Postings {
    /// Per token: its first and last group slot.
    first: Vec<u32>,
    last: Vec<u32>,
    /// Per slot: group, first and last entry, next slot of the same token.
    slots: Vec<(u32, u32, u32, u32)>,
    /// Per entry: set, next entry of the same slot.
    entries: Vec<(u32, u32)>,
}

const NONE: u32 = u32::MAX;

impl Postings {
    fn new(tokens: usize) -> Postings {
        Postings {
            first: vec![NONE; tokens],
            last: vec![NONE; tokens],
            slots: Vec::new(),
            entries: Vec::new(),
        }
    }

    fn add(&mut self, token: u32, group: u32, set: usize) {
        let t = token as usize;
        let entry = self.entries.len() as u32;
        self.entries.push((set as u32, NONE));
        let mut s = self.first[t];
        while s != NONE && self.slots[s as usize].0 != group {
            s = self.slots[s as usize].3;
        }
        if s == NONE {
            let slot = self.slots.len() as u32;
            self.slots.push((group, entry, entry, NONE));
            match self.last[t] {
                NONE => self.first[t] = slot,
                last => self.slots[last as usize].3 = slot,
            }
            self.last[t] = slot;
        } else {
            let tail = self.slots[s as usize].2;
            self.entries[tail as usize].1 = entry;
            self.slots[s as usize].2 = entry;
        }
    }

    /// The groups met under `token`, each with its sets.
    fn groups_of(
        &self,
        token: u32,
    ) -> impl Iterator<Item = (u32, impl Iterator<Item = usize> + '_)> {
        let mut s = self.first[token as usize];
        std::iter::from_fn(move || {
            let (group, head, _, next) = *self.slots.get(s as usize)?;
            s = next;
            let mut e = head;
            let members = std::iter::from_fn(move || {
                let (set, next) = *self.entries.get(e as usize)?;
                e = next;
                Some(set as usize)
            });
            Some((group, members))
        })
    }
}

/// The Jaccard similarity of two sorted sets, when it is at least `threshold`.
fn similarity_at_least(a: &[u64], b: &[u64], threshold: f64) -> Option<f64> {
    let (small, large) = (a.len().min(b.len()) as f64, a.len().max(b.len()) as f64);
    // It is at most small / large: skip pairs that cannot reach it.
    if small == 0.0 || small / large < threshold {
        return None;
    }
    let inter = common(a, b) as f64;
    let sim = inter / ((a.len() + b.len()) as f64 - inter);
    (sim >= threshold).then_some(sim)
}

/// Size of the intersection of two sorted, unique lists. Without branches on the comparison:
/// which list steps is as good as random, and a mispredicted branch costs more than the step.
fn common<T: Ord + Copy>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

pub(super) fn near_duplicates(ex: &Extracted, a: &AuditRules, flags: &mut Vec<Flag>) {
    let Some(c) = a.check(CheckId::NearDuplicate) else {
        return;
    };
    let threshold = c.float("threshold", 0.5);
    let max_compared = c.float("max_compared", 200.0).max(1.0) as usize;
    // Each action's shingles on its own (on all cores; in action order).
    let sets: Vec<Vec<u64>> = ex.actions.par_iter().map(|x| shingles(&x.text)).collect();
    let groups: Vec<u32> = ex.actions.iter().map(|x| x.objective).collect();
    for (i, j, sim) in first_near_duplicates(&sets, &groups, threshold, max_compared) {
        let (x, y) = (&ex.actions[j], &ex.actions[i]);
        flags.push(Flag {
            kind: CheckId::NearDuplicate.kind(),
            severity: c.severity,
            objective: Some(y.objective),
            message: format!(
                "La acción {} (objetivo {}) es casi igual a la acción {} (objetivo {}): {:.0} % de coincidencia.",
                y.id,
                y.objective,
                x.id,
                x.objective,
                sim * 100.0
            ),
            evidence: y.text.chars().take(160).collect(),
            provenance: Some(y.provenance.clone()),
            action: Some(y.id.clone()),
            related: vec![x.id.clone()],
            spans: Vec::new(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{common, first_near_duplicates, TrigramHasher};
    use rustc_hash::FxHashMap;

    /// The search as first written, with hash maps keyed by token: the array version must find
    /// the same pairs, in the same order, under the same cap.
    fn reference(
        sets: &[Vec<u64>],
        groups: &[u32],
        threshold: f64,
        max_compared: usize,
    ) -> Vec<(usize, usize, f64)> {
        let mut freq: FxHashMap<u64, usize> = FxHashMap::default();
        for t in sets.iter().flatten() {
            *freq.entry(*t).or_insert(0) += 1;
        }
        let mut groups_of: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
        let mut postings: FxHashMap<(u64, u32), Vec<usize>> = FxHashMap::default();
        let mut found = Vec::new();
        for (i, set) in sets.iter().enumerate() {
            if set.is_empty() {
                continue;
            }
            let mut by_rarity: Vec<(usize, u64)> = set.iter().map(|t| (freq[t], *t)).collect();
            by_rarity.sort_unstable();
            let rare_first: Vec<u64> = by_rarity.into_iter().map(|(_, t)| t).collect();
            let needed = (threshold * set.len() as f64 - 1e-9).ceil().max(0.0) as usize;
            let prefix = &rare_first[..(set.len().saturating_sub(needed) + 1).min(set.len())];
            let mut compared = std::collections::HashSet::new();
            'search: for t in prefix {
                for g in groups_of.get(t).into_iter().flatten() {
                    if *g == groups[i] {
                        continue;
                    }
                    for &j in &postings[&(*t, *g)] {
                        if compared.len() >= max_compared {
                            break 'search;
                        }
                        if !compared.insert(j) {
                            continue;
                        }
                        let sim = similarity(&sets[i], &sets[j]);
                        let (small, large) = (
                            sets[i].len().min(sets[j].len()) as f64,
                            sets[i].len().max(sets[j].len()) as f64,
                        );
                        if small / large >= threshold && sim >= threshold {
                            found.push((i, j, sim));
                            break 'search;
                        }
                    }
                }
            }
            for t in prefix {
                let seen = groups_of.entry(*t).or_default();
                if !seen.contains(&groups[i]) {
                    seen.push(groups[i]);
                }
                postings.entry((*t, groups[i])).or_default().push(i);
            }
        }
        found
    }

    #[test]
    fn a_trigram_hashes_as_fxhash_hashes_its_three_words() {
        use std::hash::{Hash, Hasher};
        let mut next = crate::testing::xorshift(0x0DDB_1A5E_5BAD_5EED);
        let alphabet: Vec<char> = "aeiouns0123456789ñáéíóú-".chars().collect();
        let hasher = TrigramHasher::new();
        for _ in 0..5000 {
            // Words of 0 to 40 bytes: the byte hash reads 8 and 16 bytes at a time.
            let words: Vec<String> = (0..3)
                .map(|_| {
                    let n = (next() % 30) as usize;
                    (0..n)
                        .map(|_| alphabet[(next() as usize) % alphabet.len()])
                        .collect()
                })
                .collect();
            let [a, b, c] = [&words[0], &words[1], &words[2]].map(String::as_str);
            let mut h = rustc_hash::FxHasher::default();
            [a, b, c].hash(&mut h);
            let terms = [a, b, c].map(|w| hasher.word(w));
            assert_eq!(hasher.trigram(terms), h.finish(), "{a:?} {b:?} {c:?}");
        }
    }

    #[test]
    fn the_array_search_finds_what_the_hash_map_search_found() {
        let mut next = crate::testing::xorshift(0x51_7CC1_B727_220A);
        let mut pairs = 0;
        for round in 0..60 {
            // Few distinct tokens make many near copies; tokens far apart in value keep their
            // order when numbered.
            let vocabulary = 8 + next() % 40;
            let sets: Vec<Vec<u64>> = (0..20 + next() % 80)
                .map(|_| {
                    let n = next() % 16;
                    let mut s: Vec<u64> = (0..n)
                        .map(|_| (next() % vocabulary).wrapping_mul(0x9E37_79B9_7F4A_7C15))
                        .collect();
                    s.sort_unstable();
                    s.dedup();
                    s
                })
                .collect();
            let groups: Vec<u32> = (0..sets.len()).map(|_| (next() % 5) as u32).collect();
            for threshold in [0.3, 0.5, 0.8] {
                for cap in [1, 3, 200] {
                    let expected = reference(&sets, &groups, threshold, cap);
                    let got = first_near_duplicates(&sets, &groups, threshold, cap);
                    assert_eq!(got, expected, "round {round}, {threshold}, cap {cap}");
                    pairs += got.len();
                }
            }
        }
        assert!(pairs > 1000, "{pairs}");
    }

    #[test]
    fn the_branchless_intersection_counts_what_a_set_intersection_does() {
        let mut next = crate::testing::xorshift(0x2545_F491_4F6C_DD1D);
        for _ in 0..200 {
            let mut a: Vec<u64> = (0..next() % 40).map(|_| next() % 64).collect();
            let mut b: Vec<u64> = (0..next() % 40).map(|_| next() % 64).collect();
            for v in [&mut a, &mut b] {
                v.sort_unstable();
                v.dedup();
            }
            let expected = a.iter().filter(|x| b.contains(x)).count();
            assert_eq!(common(&a, &b), expected, "{a:?} {b:?}");
        }
    }

    fn similarity(a: &[u64], b: &[u64]) -> f64 {
        let inter = common(a, b) as f64;
        inter / ((a.len() + b.len()) as f64 - inter)
    }

    /// Prefix filtering misses no set that has a similar enough earlier set of another group,
    /// and what it reports is similar enough (checked against every pair).
    #[test]
    fn every_set_with_an_earlier_near_duplicate_elsewhere_gets_one() {
        let mut next = crate::testing::xorshift(0x9E37_79B9_7F4A_7C15);
        let sets: Vec<Vec<u64>> = (0..80)
            .map(|_| {
                let n = 3 + (next() % 12) as usize;
                let mut s: Vec<u64> = (0..n).map(|_| next() % 25).collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect();
        let groups: Vec<u32> = (0..sets.len()).map(|_| (next() % 4) as u32).collect();
        for threshold in [0.3, 0.5, 0.8] {
            let found = first_near_duplicates(&sets, &groups, threshold, usize::MAX);
            for i in 0..sets.len() {
                let expected = (0..i)
                    .any(|j| groups[j] != groups[i] && similarity(&sets[i], &sets[j]) >= threshold);
                let got: Vec<_> = found.iter().filter(|f| f.0 == i).collect();
                assert_eq!(got.len(), usize::from(expected), "{threshold}: {i} {got:?}");
                for &&(i, j, sim) in &got {
                    assert!(j < i && groups[j] != groups[i], "{i} {j}");
                    assert!((similarity(&sets[i], &sets[j]) - sim).abs() < 1e-12);
                    assert!(sim >= threshold);
                }
            }
        }
    }

    /// A template repeated under two objectives: one flag per later bullet, and each compares
    /// few others (the run stays linear).
    #[test]
    fn a_template_repeated_everywhere_gives_one_match_per_set() {
        let template: Vec<u64> = (0..20).collect();
        let sets: Vec<Vec<u64>> = (0..2000u64)
            .map(|i| {
                let mut s = template.clone();
                s.push(100 + i);
                s
            })
            .collect();
        let groups: Vec<u32> = (0..2000).map(|i| (i % 2) as u32).collect();
        let found = first_near_duplicates(&sets, &groups, 0.5, 1000);
        assert_eq!(found.len(), 1999);
        assert!(found.iter().all(|f| groups[f.0] != groups[f.1]));
    }
}
