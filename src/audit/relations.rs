//! The relation checks: a total and its parts, subsets, shares (a percentage or a fraction in
//! words) and breakdowns in percentages, as extract found them (`RelationKind`).

use std::collections::BTreeSet;

use super::{fmt_num, span_over, AuditRules, Check, CheckId, Flag, FlagSpan};
use crate::extract::figures::{Relation, RelationKind};
use crate::extract::{ActionRecord, Figure};

pub(super) fn relation_checks(action: &ActionRecord, a: &AuditRules, flags: &mut Vec<Flag>) {
    for r in &action.relations {
        let Some(rel) = RelationFigures::of(action, r) else {
            continue;
        };
        // "más de 3,000 personas, de las cuales …", "más del 85 %": not exact, nothing to check.
        if rel.approximate() {
            continue;
        }
        let flag = match r.kind() {
            Some(RelationKind::Breakdown) => breakdown_flag(&rel, a),
            Some(RelationKind::Subset) => subset_flag(&rel, a),
            Some(RelationKind::Share) => share_flag(&rel, r, a),
            Some(RelationKind::PercentBreakdown) => percent_sum_flag(&rel, a),
            None => None,
        };
        flags.extend(flag);
    }
}

/// The figures of one relation of an action.
struct RelationFigures<'a> {
    action: &'a ActionRecord,
    total: &'a Figure,
    parts: Vec<&'a Figure>,
    percent: Option<&'a Figure>,
}

impl<'a> RelationFigures<'a> {
    fn of(action: &'a ActionRecord, r: &Relation) -> Option<RelationFigures<'a>> {
        Some(RelationFigures {
            action,
            total: action.figures.get(r.total)?,
            parts: r
                .parts
                .iter()
                .map(|&p| action.figures.get(p))
                .collect::<Option<Vec<_>>>()?,
            percent: match r.percent {
                Some(p) => Some(action.figures.get(p)?),
                None => None,
            },
        })
    }

    /// Whether a figure of the relation is qualified ("más de", "aproximadamente").
    fn approximate(&self) -> bool {
        std::iter::once(self.total)
            .chain(self.parts.iter().copied())
            .chain(self.percent)
            .any(|f| f.qualifier.is_some())
    }

    fn sum(&self) -> f64 {
        self.parts.iter().map(|p| p.value).sum()
    }

    /// "4,512 → 2,310 + 2,102", as the evidence column shows a relation.
    fn evidence(&self) -> String {
        let parts: Vec<&str> = self.parts.iter().map(|p| p.raw.as_str()).collect();
        format!("{} → {}", self.total.raw, parts.join(" + "))
    }

    /// Where the total and the parts are, in Spanish, when they are not all on one line: "El
    /// total 4,512 está en la línea 12 y las partes en la línea 13."
    fn places(&self) -> String {
        let t = &self.total.provenance;
        let first = self.parts.iter().map(|p| p.provenance.line).min();
        let last = self.parts.iter().map(|p| p.provenance.line_end).max();
        let (Some(first), Some(last)) = (first, last) else {
            return String::new();
        };
        if first == t.line && last == t.line_end {
            return String::new();
        }
        let lines = if first == last {
            format!("en la línea {first}")
        } else {
            format!("en las líneas {first}–{last}")
        };
        let pages: BTreeSet<Option<u32>> = std::iter::once(t.page)
            .chain(self.parts.iter().map(|p| p.provenance.page))
            .collect();
        let page = match (pages.len(), t.page) {
            (1, Some(p)) => format!(" (página {p})"),
            _ => String::new(),
        };
        format!(
            " El total {} está en la línea {} y las partes {lines}{page}.",
            self.total.raw, t.line
        )
    }

    /// A flag of check `id` about this relation: its span covers every figure, and `spans`
    /// keeps each one (total, parts, percent) with its own place.
    fn flag(&self, id: CheckId, c: &Check, message: String, evidence: String) -> Flag {
        let mut all: Vec<&Figure> = vec![self.total];
        all.extend(self.parts.iter().copied());
        all.extend(self.percent);
        let mut spans = vec![FlagSpan::of("total", self.total)];
        spans.extend(self.parts.iter().map(|p| FlagSpan::of("part", p)));
        spans.extend(self.percent.map(|p| FlagSpan::of("percent", p)));
        Flag {
            kind: id.kind(),
            severity: c.severity,
            objective: Some(self.action.objective),
            message: format!("{message}{}", self.places()),
            evidence,
            provenance: Some(span_over(&all)),
            action: Some(self.action.id.clone()),
            related: Vec::new(),
            spans,
        }
    }
}

/// `breakdown_sum`: parts that do not add up to their total.
fn breakdown_flag(rel: &RelationFigures, a: &AuditRules) -> Option<Flag> {
    let c = a.check(CheckId::BreakdownSum)?;
    let sum = rel.sum();
    if (sum - rel.total.value).abs() <= c.float("tolerance", 0.0) {
        return None;
    }
    let message = format!(
        "Las partes no suman el total: {} = {}, pero el total declarado es {} (diferencia de {}).",
        rel.parts
            .iter()
            .map(|p| fmt_num(p.value))
            .collect::<Vec<_>>()
            .join(" + "),
        fmt_num(sum),
        fmt_num(rel.total.value),
        fmt_num((rel.total.value - sum).abs())
    );
    Some(rel.flag(CheckId::BreakdownSum, c, message, rel.evidence()))
}

/// `subset_exceeds_total`: a subset larger than its total, or subsets that together exceed it.
fn subset_flag(rel: &RelationFigures, a: &AuditRules) -> Option<Flag> {
    let c = a.check(CheckId::SubsetExceedsTotal)?;
    let total = rel.total.value;
    let message = if let Some(p) = rel.parts.iter().find(|p| p.value > total) {
        format!(
            "Un subconjunto ({}) es mayor que su total ({}).",
            fmt_num(p.value),
            fmt_num(total)
        )
    } else if rel.sum() > total {
        format!(
            "Las partes ({}) suman más que su total ({}).",
            fmt_num(rel.sum()),
            fmt_num(total)
        )
    } else {
        return None;
    };
    Some(rel.flag(CheckId::SubsetExceedsTotal, c, message, rel.evidence()))
}

/// Decimals printed after the decimal point of a figure ("92.6 %" → 1).
fn printed_decimals(raw: &str) -> i32 {
    raw.split_once('.').map_or(0, |(_, d)| {
        d.chars().take_while(char::is_ascii_digit).count() as i32
    })
}

/// `share_mismatch`: a percentage, or a fraction in words, that is not the share of the part in
/// the total, at the precision printed (92.6 % allows ±0.05 points; a fraction, `fraction_units`
/// of the part).
fn share_flag(rel: &RelationFigures, r: &Relation, a: &AuditRules) -> Option<Flag> {
    let c = a.check(CheckId::ShareMismatch)?;
    let part = rel.parts.first()?;
    let total = rel.total.value;
    if total == 0.0 {
        return None;
    }
    let computed = 100.0 * part.value / total;
    if let Some(f) = &r.fraction {
        let expected = total * f64::from(f.numerator) / f64::from(f.denominator);
        if (part.value - expected).abs() <= c.float("fraction_units", 1.0) {
            return None;
        }
        let message = format!(
            "«{}» ({}/{}) no corresponde a {} de {} ({computed:.1} %): serían {}.",
            f.words,
            f.numerator,
            f.denominator,
            fmt_num(part.value),
            fmt_num(total),
            fmt_num(expected.round())
        );
        let evidence = format!("{}; {}", rel.evidence(), f.words);
        return Some(rel.flag(CheckId::ShareMismatch, c, message, evidence));
    }
    let pct = rel.percent?;
    let decimals = printed_decimals(&pct.raw);
    let tol = 0.5 * 10f64.powi(-decimals) + c.float("extra_points", 0.0);
    if (computed - pct.value).abs() <= tol {
        return None;
    }
    let message = format!(
        "El porcentaje declarado ({} %) no corresponde a {} de {} ({:.*} %).",
        pct.value,
        fmt_num(part.value),
        fmt_num(total),
        decimals as usize,
        computed
    );
    let evidence = format!("{}; {}", rel.evidence(), pct.raw);
    Some(rel.flag(CheckId::ShareMismatch, c, message, evidence))
}

/// `percent_sum`: the percentages of a breakdown that do not add up to 100, at the precision
/// printed (each "52.4 %" may be off by 0.05 points) plus `extra_points`.
fn percent_sum_flag(rel: &RelationFigures, a: &AuditRules) -> Option<Flag> {
    let c = a.check(CheckId::PercentSum)?;
    let sum = rel.sum();
    let tol: f64 = rel
        .parts
        .iter()
        .map(|p| 0.5 * 10f64.powi(-printed_decimals(&p.raw)))
        .sum::<f64>()
        + c.float("extra_points", 0.0);
    if (sum - 100.0).abs() <= tol {
        return None;
    }
    let decimals = rel
        .parts
        .iter()
        .map(|p| printed_decimals(&p.raw))
        .max()
        .unwrap_or(0) as usize;
    let of = if rel.total.percent {
        String::new()
    } else {
        format!(" de {}", fmt_num(rel.total.value))
    };
    let message = format!(
        "Los porcentajes del desglose{of} suman {sum:.decimals$} %, no 100 %: {}.",
        rel.parts
            .iter()
            .map(|p| p.raw.as_str())
            .collect::<Vec<_>>()
            .join(" + ")
    );
    Some(rel.flag(CheckId::PercentSum, c, message, rel.evidence()))
}
