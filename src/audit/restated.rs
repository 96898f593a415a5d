//! `quantity_disagreement`: the same quantity stated twice in a document (the same count of the
//! same thing over the same period, in the same words) with two values, as when an action and
//! the conclusions report one result differently.
//!
//! What a figure counts is its noun and the words that follow it up to a punctuation mark or
//! another number, parentheses skipped ("4,512 personas menores de edad (…) en los albergues"),
//! at most `SUBJECT_WORDS`, accent- and case-insensitive:
//! the quantity's "subject". Two figures are the same quantity when their unit, subject and
//! governing period are equal and the subject has at least `min_subject_words` words of four
//! letters or more (so "150 personas" and "300 personas" are never compared).

use std::collections::BTreeMap;

use super::{fmt_num, AuditRules, CheckId, Flag, FlagSpan};
use crate::extract::{ActionRecord, Extracted, Figure};
use crate::textkey::fold_key;

/// Words of a subject, after the noun, at most (a count).
const SUBJECT_WORDS: usize = 12;

/// A figure with the subject it counts and the period that governs it.
struct Quantity<'a> {
    action: &'a ActionRecord,
    figure: &'a Figure,
}

pub(super) fn restated_quantities(ex: &Extracted, a: &AuditRules, flags: &mut Vec<Flag>) {
    let Some(c) = a.check(CheckId::QuantityDisagreement) else {
        return;
    };
    let min_words = c.float("min_subject_words", 2.0) as usize;
    let mut seen: BTreeMap<(String, String, String), Quantity> = BTreeMap::new();
    let mut flagged = std::collections::BTreeSet::new();
    for action in &ex.actions {
        for (figure, subject) in subjects(action) {
            let Some(unit) = figure.unit.clone() else {
                continue;
            };
            let exact = !figure.percent && figure.qualifier.is_none();
            let content = subject
                .split(' ')
                .filter(|w| w.chars().count() >= 4)
                .count();
            if !exact || content < min_words {
                continue;
            }
            let period = figure
                .period
                .and_then(|p| action.periods.get(p))
                .map(|p| format!("{:?}..{:?}", p.start, p.end))
                .unwrap_or_default();
            let key = (unit, subject, period);
            match seen.get(&key) {
                Some(first) if first.figure.value != figure.value => {
                    if flagged.insert(key.clone()) {
                        flags.push(disagreement(first, action, figure, c, &key.1));
                    }
                }
                Some(_) => {}
                None => {
                    seen.insert(key, Quantity { action, figure });
                }
            }
        }
    }
}

/// The flag naming both statements.
fn disagreement(
    first: &Quantity,
    action: &ActionRecord,
    second: &Figure,
    c: &super::Check,
    subject: &str,
) -> Flag {
    let place = |f: &Figure| match f.provenance.page {
        Some(p) => format!("página {p}, línea {}", f.provenance.line),
        None => format!("línea {}", f.provenance.line),
    };
    Flag {
        kind: CheckId::QuantityDisagreement.kind(),
        severity: c.severity,
        objective: Some(action.objective),
        message: format!(
            "La misma cantidad («{subject}») se declara con dos valores: {} en la {} y {} en la {}.",
            fmt_num(first.figure.value),
            place(first.figure),
            fmt_num(second.value),
            place(second)
        ),
        evidence: format!("{} | {}", first.figure.raw, second.raw),
        provenance: Some(second.provenance.clone()),
        action: Some(action.id.clone()),
        related: vec![first.action.id.clone()],
        spans: vec![
            FlagSpan::of("first", first.figure),
            FlagSpan::of("second", second),
        ],
    }
}

/// Each figure of an action with its subject: its noun and the words after it, folded. Figures
/// are found in their text (the action's or a sub-item's) in order.
fn subjects(action: &ActionRecord) -> Vec<(&Figure, String)> {
    let mut cursors: BTreeMap<Option<usize>, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for f in &action.figures {
        let text = match f.sub_item {
            Some(i) => action.sub_items.get(i).map_or("", |s| s.text.as_str()),
            None => action.text.as_str(),
        };
        let cursor = cursors.entry(f.sub_item).or_insert(0);
        let Some(at) = text.get(*cursor..).and_then(|t| t.find(&f.raw)) else {
            continue;
        };
        let end = *cursor + at + f.raw.len();
        *cursor = end;
        out.push((f, subject_after(&text[end..])));
    }
    out
}

/// The words after a number up to punctuation or another number, at most `SUBJECT_WORDS` of
/// them, folded; a parenthesis (a breakdown, an acronym) is skipped, not an end.
fn subject_after(rest: &str) -> String {
    let mut words = String::new();
    let mut depth = 0usize;
    for c in rest.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            ',' | '.' | ';' | ':' => break,
            _ if c.is_ascii_digit() => break,
            _ => words.push(c),
        }
    }
    let words: Vec<&str> = words.split_whitespace().take(SUBJECT_WORDS).collect();
    fold_key(&words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::subject_after;

    #[test]
    fn a_subject_runs_to_punctuation_or_a_number() {
        assert_eq!(
            subject_after(
                " personas menores de edad (2,310 mujeres y 2,102\nhombres) en los albergues."
            ),
            "personas menores de edad en los albergues"
        );
        assert_eq!(
            subject_after(" Casos de protección consular."),
            "casos de proteccion consular"
        );
        assert_eq!(subject_after(" llamadas y 45 chats"), "llamadas y");
    }
}
