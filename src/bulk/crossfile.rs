//! What is counted or compared across the inputs of a run: actions per objective, and
//! near-duplicate actions submitted in different files (the cross-file audit).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;

use crate::audit::{Flag, Severity};
use crate::error::OutputError;
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

/// Bytes of a signature in the run's signature file.
const SIGNATURE_BYTES: usize = 16 * 8;

/// Collects the actions of a run and flags those that are near copies of an action in another
/// file (the `near_duplicate` check of audit.toml, across files). The signatures wait in an
/// unnamed temporary file in the run's folder, read back a band at a time: what stays in memory
/// for an action is its id, file and objective (about 50 bytes, where its signature and id took
/// about 260), so that a run of thousands of reports does not hold every signature.
pub(super) struct NearDuplicates {
    severity: Severity,
    threshold: f64,
    /// The run's folder, where the signatures wait (named in errors).
    out: PathBuf,
    /// The files met, each once in a row (an input's actions come together).
    files: Vec<String>,
    /// The signatures, one after another in the order the actions came.
    signatures: std::io::BufWriter<File>,
    /// Every action's id, one after another; `id_ends[i]` is where action `i`'s ends.
    ids: String,
    id_ends: Vec<u32>,
    /// Each action's file (in `files`) and objective.
    file_objective: Vec<(u32, u32)>,
}

/// The fields of an action line the check reads, borrowed from the line where they can be.
#[derive(Deserialize)]
struct ActionLine<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    objective: u32,
    #[serde(borrow)]
    text: Cow<'a, str>,
    provenance: ProvenanceLine<'a>,
}

#[derive(Deserialize)]
struct ProvenanceLine<'a> {
    #[serde(borrow)]
    file: Cow<'a, str>,
}

impl NearDuplicates {
    /// `None` when the `near_duplicate` check is off; its signatures wait in `out`.
    pub(super) fn new(rules: &Rules, out: &Path) -> Result<Option<NearDuplicates>, OutputError> {
        let Some(check) = rules.audit.check(crate::audit::CheckId::NearDuplicate) else {
            return Ok(None);
        };
        let file = tempfile::tempfile_in(out).map_err(|e| OutputError::write(out, e))?;
        Ok(Some(NearDuplicates {
            severity: check.severity,
            threshold: check.threshold().unwrap_or(0.5),
            out: out.to_path_buf(),
            files: Vec::new(),
            signatures: std::io::BufWriter::new(file),
            ids: String::new(),
            id_ends: Vec::new(),
            file_objective: Vec::new(),
        }))
    }

    /// Adds the actions of one input: the numbered `lines` of its `actions.jsonl` at `path`,
    /// each parsed and signed on all cores.
    pub(super) fn add_lines(
        &mut self,
        path: &Path,
        lines: &[(usize, String)],
    ) -> Result<(), OutputError> {
        let signed = lines
            .par_iter()
            .map(|(n, line)| {
                let a: ActionLine =
                    serde_json::from_str(line).map_err(|e| OutputError::jsonl(path, *n, &e))?;
                let signature = signature(&a.text);
                Ok((a, signature))
            })
            .collect::<Result<Vec<_>, OutputError>>()?;
        for (a, signature) in signed {
            if self.files.last().map(String::as_str) != Some(a.provenance.file.as_ref()) {
                self.files.push(a.provenance.file.into_owned());
            }
            let file = (self.files.len() - 1) as u32;
            for value in signature {
                self.signatures
                    .write_all(&value.to_le_bytes())
                    .map_err(|e| OutputError::write(&self.out, e))?;
            }
            self.ids.push_str(&a.id);
            self.id_ends.push(self.ids.len() as u32);
            self.file_objective.push((file, a.objective));
        }
        Ok(())
    }

    fn file(&self, index: u32) -> &str {
        self.files.get(index as usize).map_or("", String::as_str)
    }

    fn id(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |p| self.id_ends[p] as usize);
        self.ids.get(start..self.id_ends[i] as usize).unwrap_or("")
    }

    /// Near-duplicate actions submitted in different files (MinHash with 4 bands of 4 rows),
    /// in the order of the flagged actions' ids.
    pub(super) fn flags(mut self) -> Result<impl Iterator<Item = Flag>, OutputError> {
        let out = self.out.clone();
        let io = |e| OutputError::read(&out, e);
        self.signatures
            .flush()
            .map_err(|e| OutputError::write(&out, e))?;
        let file = self.signatures.get_ref();
        let n = self.id_ends.len();
        // Link each action to the first action of its bucket (a star, not every pair): flags grow
        // with the number of actions, not with the square of the copies of one programme.
        // Buckets are made a band at a time: each action's band, sorted, puts a bucket's members
        // side by side in the order they came, the buckets in the order of their keys.
        let mut linked: Vec<Option<(u32, u8)>> = vec![None; n];
        for band in 0..4 {
            let mut keyed: Vec<([u64; 4], u32)> = Vec::with_capacity(n);
            read_signatures(file, n, |i, sig| {
                if sig[0] != u64::MAX {
                    let mut key = [0u64; 4];
                    key.copy_from_slice(&sig[band * 4..band * 4 + 4]);
                    keyed.push((key, i as u32));
                }
            })
            .map_err(io)?;
            keyed.sort_unstable();
            for bucket in keyed.chunk_by(|a, b| a.0 == b.0) {
                let first = bucket[0].1 as usize;
                let mut first_signature = None;
                for &(_, j) in &bucket[1..] {
                    let j = j as usize;
                    let same_file = self.file(self.file_objective[first].0)
                        == self.file(self.file_objective[j].0);
                    if same_file || linked[j].is_some() {
                        continue;
                    }
                    let a = match first_signature {
                        Some(a) => a,
                        None => *first_signature.insert(signature_at(file, first).map_err(io)?),
                    };
                    let b = signature_at(file, j).map_err(io)?;
                    let same = a.iter().zip(&b).filter(|(p, q)| p == q).count() as u8;
                    if f64::from(same) / 16.0 >= self.threshold {
                        linked[j] = Some((first as u32, same));
                    }
                }
            }
        }
        // In the order of the flagged actions' ids (a stable sort: equal ids stay in input
        // order), each flag made as it is written rather than all of them held at once.
        let mut flagged: Vec<usize> = (0..n).filter(|&j| linked[j].is_some()).collect();
        flagged.sort_by(|&x, &y| self.id(x).cmp(self.id(y)));
        Ok(flagged.into_iter().filter_map(move |j| {
            linked[j].map(|(i, same)| self.flag(i as usize, j, f64::from(same) / 16.0))
        }))
    }

    /// The flag of action `j`, a near copy of action `i` of another file.
    fn flag(&self, i: usize, j: usize, sim: f64) -> Flag {
        let (id_a, id_b) = (self.id(i), self.id(j));
        let (file_a, file_b) = (self.file_objective[i].0, self.file_objective[j]);
        Flag {
            kind: "near_duplicate".into(),
            severity: self.severity,
            objective: Some(file_b.1),
            message: format!(
                "La acción {} ({}) es casi igual a la acción {} ({}): ~{:.0} % de coincidencia; la misma acción reportada dos veces.",
                id_b,
                self.file(file_b.0),
                id_a,
                self.file(file_a),
                sim * 100.0
            ),
            evidence: String::new(),
            provenance: None,
            action: Some(id_b.to_string()),
            related: vec![id_a.to_string()],
            spans: Vec::new(),
        }
    }
}

/// Calls `each` with every signature of the file, in order, reading it through a buffer.
fn read_signatures(
    file: &File,
    n: usize,
    mut each: impl FnMut(usize, &Signature),
) -> std::io::Result<()> {
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    reader.seek(SeekFrom::Start(0))?;
    let mut record = [0u8; SIGNATURE_BYTES];
    for i in 0..n {
        reader.read_exact(&mut record)?;
        each(i, &decode(&record));
    }
    Ok(())
}

/// Signature `i` of the file.
fn signature_at(file: &File, i: usize) -> std::io::Result<Signature> {
    use std::os::unix::fs::FileExt;
    let mut record = [0u8; SIGNATURE_BYTES];
    file.read_exact_at(&mut record, (i * SIGNATURE_BYTES) as u64)?;
    Ok(decode(&record))
}

fn decode(record: &[u8; SIGNATURE_BYTES]) -> Signature {
    let mut sig = [0u64; 16];
    for (value, bytes) in sig.iter_mut().zip(record.chunks_exact(8)) {
        let mut b = [0u8; 8];
        b.copy_from_slice(bytes);
        *value = u64::from_le_bytes(b);
    }
    sig
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// An action as the reference search takes it: id, objective, text, file.
    type Action = (String, u32, String, String);

    /// The search as it was with every signature in memory: the reference the file-backed
    /// search must match flag for flag, in order.
    fn reference_flags(actions: &[Action], threshold: f64, severity: Severity) -> Vec<Flag> {
        let sigs: Vec<Signature> = actions.iter().map(|a| signature(&a.2)).collect();
        let mut linked: Vec<Option<(usize, f64)>> = vec![None; sigs.len()];
        for band in 0..4 {
            let mut buckets: HashMap<[u64; 4], Vec<usize>> = HashMap::new();
            for (i, sig) in sigs.iter().enumerate() {
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
                let first = members[0];
                for &j in &members[1..] {
                    if actions[first].3 == actions[j].3 || linked[j].is_some() {
                        continue;
                    }
                    let same = sigs[first]
                        .iter()
                        .zip(&sigs[j])
                        .filter(|(p, q)| p == q)
                        .count();
                    let sim = same as f64 / 16.0;
                    if sim >= threshold {
                        linked[j] = Some((first, sim));
                    }
                }
            }
        }
        let mut flagged: Vec<usize> = (0..sigs.len()).filter(|&j| linked[j].is_some()).collect();
        flagged.sort_by(|&x, &y| actions[x].0.cmp(&actions[y].0));
        flagged
            .into_iter()
            .filter_map(|j| linked[j].map(|(i, sim)| (i, j, sim)))
            .map(|(i, j, sim)| {
                let (a, b) = (&actions[i], &actions[j]);
                Flag {
                    kind: "near_duplicate".into(),
                    severity,
                    objective: Some(b.1),
                    message: format!(
                        "La acción {} ({}) es casi igual a la acción {} ({}): ~{:.0} % de coincidencia; la misma acción reportada dos veces.",
                        b.0, b.3, a.0, a.3, sim * 100.0
                    ),
                    evidence: String::new(),
                    provenance: None,
                    action: Some(b.0.clone()),
                    related: vec![a.0.clone()],
                    spans: Vec::new(),
                }
            })
            .collect()
    }

    /// 40 files of 1 to 12 actions; about half the actions copy an earlier one (of any file)
    /// with one word changed, and ids repeat across files (the sort by id must keep the order
    /// of arrival among equal ones).
    fn actions(seed: u64) -> Vec<Action> {
        const WORDS: [&str; 14] = [
            "capacitación",
            "personas",
            "migrantes",
            "se",
            "realizó",
            "la",
            "de",
            "en",
            "frontera",
            "sur",
            "talleres",
            "mujeres",
            "niñas",
            "albergues",
        ];
        let mut next = crate::testing::xorshift(seed);
        let mut out: Vec<Action> = Vec::new();
        for f in 0..40 {
            for k in 0..1 + next() % 12 {
                let text = if !out.is_empty() && next().is_multiple_of(2) {
                    let mut words: Vec<String> = out[(next() % out.len() as u64) as usize]
                        .2
                        .split(' ')
                        .map(str::to_string)
                        .collect();
                    let at = (next() % words.len() as u64) as usize;
                    words[at] = WORDS[(next() % 14) as usize].to_string();
                    words.join(" ")
                } else {
                    let len = 1 + next() % 14;
                    let words: Vec<&str> =
                        (0..len).map(|_| WORDS[(next() % 14) as usize]).collect();
                    words.join(" ")
                };
                out.push((
                    format!("a{k}"),
                    1 + (k as u32) % 23,
                    text,
                    format!("f{f}.txt"),
                ));
            }
        }
        out
    }

    #[test]
    fn the_file_backed_search_flags_what_the_search_in_memory_flags_in_the_same_order() {
        let rules = crate::Rules::builtin().unwrap();
        let out = tempfile::tempdir().unwrap();
        let mut checked = 0;
        for seed in [7, 99, 2024] {
            let actions = actions(seed);
            let mut d = NearDuplicates::new(&rules, out.path()).unwrap().unwrap();
            let (threshold, severity) = (d.threshold, d.severity);
            for file in actions.chunk_by(|a, b| a.3 == b.3) {
                let lines: Vec<(usize, String)> = file
                    .iter()
                    .enumerate()
                    .map(|(n, (id, objective, text, file))| {
                        let line = serde_json::json!({
                            "id": id, "objective": objective, "text": text,
                            "provenance": { "file": file },
                        });
                        (n + 1, line.to_string())
                    })
                    .collect();
                d.add_lines(Path::new("actions.jsonl"), &lines).unwrap();
            }
            let got: Vec<String> = d
                .flags()
                .unwrap()
                .map(|f| serde_json::to_string(&f).unwrap())
                .collect();
            let want: Vec<String> = reference_flags(&actions, threshold, severity)
                .iter()
                .map(|f| serde_json::to_string(f).unwrap())
                .collect();
            assert_eq!(got, want, "seed {seed}");
            checked += want.len();
        }
        // The draw must make near copies for the comparison to mean anything.
        assert!(checked > 100, "{checked} flags");
    }

    #[test]
    fn an_action_line_that_does_not_parse_is_an_error_naming_its_file_and_line() {
        let rules = crate::Rules::builtin().unwrap();
        let out = tempfile::tempdir().unwrap();
        let mut d = NearDuplicates::new(&rules, out.path()).unwrap().unwrap();
        let lines = [(1, "{\"id\":\"a\"".to_string())];
        let e = d
            .add_lines(Path::new("in/actions.jsonl"), &lines)
            .unwrap_err();
        assert!(e.to_string().starts_with("in/actions.jsonl: line 1"), "{e}");
    }
}
