//! What is counted or compared across the inputs of a run: actions per objective, and
//! near-duplicate actions submitted in different files (the cross-file audit).

use std::collections::{BTreeMap, HashMap};

use crate::audit::{Flag, Severity};
use crate::extract::ActionRecord;
use crate::Rules;

/// Actions per objective across inputs, and how many inputs have at least one.
#[derive(Default)]
pub(super) struct ObjectiveCounts(BTreeMap<u32, (usize, usize)>);

impl ObjectiveCounts {
    /// Adds one input's actions per objective.
    pub(super) fn add(&mut self, per_objective: &BTreeMap<u32, usize>) {
        for (n, count) in per_objective {
            let e = self.0.entry(*n).or_insert((0, 0));
            e.0 += count;
            if *count > 0 {
                e.1 += 1;
            }
        }
    }

    /// The actions of objective `n` and the inputs with actions for it.
    pub(super) fn get(&self, n: u32) -> (usize, usize) {
        self.0.get(&n).copied().unwrap_or((0, 0))
    }
}

/// MinHash signature of an action's word trigrams.
type Signature = [u64; 16];

/// Collects the actions of a run and flags those that are near copies of an action in another
/// file (the `near_duplicate` check of audit.toml, across files).
pub(super) struct NearDuplicates {
    severity: Severity,
    threshold: f64,
    /// The files met, each once in a row (an input's actions come together).
    files: Vec<String>,
    /// Signature, action id, file (in `files`), objective.
    sigs: Vec<(Signature, String, u32, u32)>,
}

impl NearDuplicates {
    /// `None` when the `near_duplicate` check is off.
    pub(super) fn new(rules: &Rules) -> Option<NearDuplicates> {
        let check = rules.audit.check(crate::audit::CheckId::NearDuplicate)?;
        Some(NearDuplicates {
            severity: check.severity,
            threshold: check.threshold().unwrap_or(0.5),
            files: Vec::new(),
            sigs: Vec::new(),
        })
    }

    pub(super) fn add(&mut self, a: &ActionRecord) {
        if self.files.last() != Some(&a.provenance.file) {
            self.files.push(a.provenance.file.clone());
        }
        let file = (self.files.len() - 1) as u32;
        self.sigs
            .push((signature(&a.text), a.id.clone(), file, a.objective));
    }

    fn file(&self, index: u32) -> &str {
        self.files.get(index as usize).map_or("", String::as_str)
    }

    /// Near-duplicate actions submitted in different files (MinHash with 4 bands of 4 rows),
    /// in the order of the flagged actions' ids.
    pub(super) fn flags(&self) -> impl Iterator<Item = Flag> + '_ {
        let sigs = &self.sigs;
        // Link each action to the first action of its bucket (a star, not every pair): flags grow
        // with the number of actions, not with the square of the copies of one programme.
        // Buckets are made a band at a time (a quarter of the memory), their keys visited in
        // order, band by band.
        let mut linked: Vec<Option<(usize, f64)>> = vec![None; sigs.len()];
        for band in 0..4 {
            let mut buckets: HashMap<[u64; 4], Vec<usize>> = HashMap::new();
            for (i, (sig, ..)) in sigs.iter().enumerate() {
                if sig[0] == u64::MAX {
                    continue;
                }
                let mut key = [0u64; 4];
                key.copy_from_slice(&sig[band * 4..band * 4 + 4]);
                buckets.entry(key).or_default().push(i);
            }
            let mut keys: Vec<&[u64; 4]> = buckets.keys().collect();
            keys.sort();
            for key in keys {
                let members = &buckets[key];
                let Some(&first) = members.first() else {
                    continue;
                };
                for &j in &members[1..] {
                    let (a, b) = (&sigs[first], &sigs[j]);
                    if self.file(a.2) == self.file(b.2) || linked[j].is_some() {
                        continue;
                    }
                    let same = a.0.iter().zip(&b.0).filter(|(p, q)| p == q).count();
                    let sim = same as f64 / 16.0;
                    if sim >= self.threshold {
                        linked[j] = Some((first, sim));
                    }
                }
            }
        }
        // In the order of the flagged actions' ids (a stable sort: equal ids stay in input
        // order), each flag made as it is written rather than all of them held at once.
        let mut flagged: Vec<usize> = (0..sigs.len()).filter(|&j| linked[j].is_some()).collect();
        flagged.sort_by(|&x, &y| sigs[x].1.cmp(&sigs[y].1));
        flagged
            .into_iter()
            .filter_map(move |j| linked[j].map(|(i, sim)| self.flag(i, j, sim)))
    }

    /// The flag of action `j`, a near copy of action `i` of another file.
    fn flag(&self, i: usize, j: usize, sim: f64) -> Flag {
        let (a, b) = (&self.sigs[i], &self.sigs[j]);
        Flag {
            kind: "near_duplicate".into(),
            severity: self.severity,
            objective: Some(b.3),
            message: format!(
                "La acción {} ({}) es casi igual a la acción {} ({}): ~{:.0} % de coincidencia; la misma acción reportada dos veces.",
                b.1,
                self.file(b.2),
                a.1,
                self.file(a.2),
                sim * 100.0
            ),
            evidence: String::new(),
            provenance: None,
            action: Some(b.1.clone()),
            related: vec![a.1.clone()],
            spans: Vec::new(),
        }
    }
}

fn signature(text: &str) -> Signature {
    use std::hash::{Hash, Hasher};
    let folded = crate::textkey::fold_key(text);
    let words: Vec<&str> = folded.split(' ').collect();
    let mut sig = [u64::MAX; 16];
    for w in words.windows(3) {
        for (k, slot) in sig.iter_mut().enumerate() {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (k as u64).hash(&mut h);
            w.hash(&mut h);
            *slot = (*slot).min(h.finish());
        }
    }
    sig
}
