//! Anchor: where each heading's content starts. Pure: reads only the classified units and the
//! layout rules, and returns plain lists of unit indices.
//!
//! With placement `before`, a heading anchors at itself. With placement `after` (side-box
//! headings emitted after the first page of their bullets), an objective heading anchors at the
//! last block start before it that opens with a bullet or a "no activities" line, and a section
//! heading at the last page start with content before it.

use super::classify::{Kind, Unit};
use super::rules::{Layout, Placement};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum AnchorKind {
    /// Index into the list of section headings (in file order).
    Section(usize),
    /// Objective number.
    Objective(u32),
}

/// The anchors of a document's headings.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Anchors {
    /// The placement used, after resolving `auto`.
    pub(super) placement: Placement,
    /// (unit where the heading's content starts, heading), sorted: by unit, and at the same unit
    /// sections before objectives, so that an objective stays open at its section's start.
    pub(super) list: Vec<(usize, AnchorKind)>,
    /// Objective headings (number, heading unit) that found no block of bullets before them and
    /// anchor at themselves instead, in the order they were met.
    pub(super) unplaced: Vec<(u32, usize)>,
}

/// Computes the anchors of every section and objective heading in `units`.
pub(super) fn anchor(layout: &Layout, units: &[Unit]) -> Anchors {
    let starts = block_starts(layout, units);
    let placement = resolve_placement(layout, units);
    let mut list = section_anchors(placement, units);
    let mut unplaced = Vec::new();
    let mut limit = 0usize;
    for group in heading_groups(units) {
        if placement == Placement::After {
            list.extend(group_anchors_after(
                units,
                &starts,
                limit,
                &group,
                &mut unplaced,
            ));
        } else {
            list.extend(
                group
                    .iter()
                    .map(|&u| (u, AnchorKind::Objective(number_of(units, u)))),
            );
        }
        limit = group.last().map_or(group[0], |&l| l + 1);
    }
    list.sort();
    Anchors {
        placement,
        list,
        unplaced,
    }
}

/// For each unit, whether it opens a block: it starts a page, or follows a tall blank run.
fn block_starts(layout: &Layout, units: &[Unit]) -> Vec<bool> {
    let mut out = vec![false; units.len()];
    let mut blanks = 0usize;
    for (i, u) in units.iter().enumerate() {
        if u.kind == Kind::Blank {
            blanks += 1;
            continue;
        }
        out[i] = u.page_start || blanks >= layout.tall_blank_lines;
        blanks = 0;
    }
    out
}

/// The layout's placement; `auto` is `after` when a bullet (or "no activities" line) comes before
/// the first objective heading.
fn resolve_placement(layout: &Layout, units: &[Unit]) -> Placement {
    match layout.placement {
        Placement::Auto => {
            let first_heading = units
                .iter()
                .position(|u| matches!(u.kind, Kind::ObjectiveHeading { .. }));
            let first_bullet = units
                .iter()
                .position(|u| matches!(u.kind, Kind::Bullet { .. } | Kind::NoActivities));
            match (first_bullet, first_heading) {
                (Some(b), Some(h)) if b < h => Placement::After,
                _ => Placement::Before,
            }
        }
        p => p,
    }
}

/// Section headings anchor at themselves, or (placement `after`) at the last page start with
/// content between the previous section heading and this one.
fn section_anchors(placement: Placement, units: &[Unit]) -> Vec<(usize, AnchorKind)> {
    let headings = units
        .iter()
        .enumerate()
        .filter(|(_, u)| matches!(u.kind, Kind::SectionHeading { .. }))
        .map(|(i, _)| i);
    let mut out = Vec::new();
    let mut limit = 0usize;
    for (s, h) in headings.enumerate() {
        let anchor = if placement == Placement::After {
            (limit..h)
                .rev()
                .find(|&u| units[u].page_start && units[u].kind.is_content())
                .unwrap_or(h)
        } else {
            h
        };
        out.push((anchor, AnchorKind::Section(s)));
        limit = h + 1;
    }
    out
}

/// Objective headings in groups of headings with no content between them (two objectives that
/// share a page stand together), as unit indices in file order.
fn heading_groups(units: &[Unit]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut content_since = true;
    for (i, u) in units.iter().enumerate() {
        match u.kind {
            Kind::ObjectiveHeading { .. } => {
                if content_since || groups.is_empty() {
                    groups.push(vec![i]);
                } else if let Some(g) = groups.last_mut() {
                    g.push(i);
                }
                content_since = false;
            }
            ref k if k.is_content() => content_since = true,
            _ => {}
        }
    }
    groups
}

fn number_of(units: &[Unit], u: usize) -> u32 {
    match units[u].kind {
        Kind::ObjectiveHeading { number, .. } => number,
        _ => 0,
    }
}

/// Placement `after`: the group's headings take the last blocks (from unit `limit`, past the
/// previous group, up to the group) that open with a bullet or a "no activities" line, in order
/// of objective number. Headings left without a block anchor at themselves (their content
/// follows them) and are listed in `unplaced`.
fn group_anchors_after(
    units: &[Unit],
    starts: &[bool],
    limit: usize,
    group: &[usize],
    unplaced: &mut Vec<(u32, usize)>,
) -> Vec<(usize, AnchorKind)> {
    let first = group[0];
    let mut numbers: Vec<u32> = group.iter().map(|&u| number_of(units, u)).collect();
    numbers.sort_unstable();
    let candidates: Vec<usize> = (limit..first)
        .filter(|&u| starts[u] && matches!(units[u].kind, Kind::Bullet { .. } | Kind::NoActivities))
        .collect();
    let k = numbers.len();
    let c = candidates.len().min(k);
    let taken = &candidates[candidates.len() - c..];
    let mut out = Vec::with_capacity(k);
    for (idx, &n) in numbers.iter().enumerate() {
        if idx < k - c {
            let at = group
                .iter()
                .copied()
                .find(|&u| number_of(units, u) == n)
                .unwrap_or(first);
            unplaced.push((n, at));
            out.push((at, AnchorKind::Objective(n)));
        } else {
            out.push((taken[idx - (k - c)], AnchorKind::Objective(n)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::testing::{rules, units};
    use AnchorKind::{Objective, Section};

    /// The anchors of `text`, with units as the 1-based line where they start.
    struct Anchored {
        placement: Placement,
        list: Vec<(u32, AnchorKind)>,
        unplaced: Vec<(u32, u32)>,
    }

    fn anchored(text: &str) -> Anchored {
        let (d, units) = units(text);
        let line = |u: usize| d.lines[units[u].first].number;
        let a = anchor(&rules().layout, &units);
        Anchored {
            placement: a.placement,
            list: a.list.iter().map(|&(u, k)| (line(u), k)).collect(),
            unplaced: a.unplaced.iter().map(|&(n, u)| (n, line(u))).collect(),
        }
    }

    #[test]
    fn headings_before_their_bullets_anchor_at_themselves() {
        let a = anchored(
            "Objetivo 1. Recopilar datos.\n\
             ● Primera acción.\n\
             ● Segunda acción.\n\
             Objetivo 2. Minimizar factores adversos.\n\
             ● Tercera acción.",
        );
        assert_eq!(a.placement, Placement::Before);
        assert_eq!(a.list, [(1, Objective(1)), (4, Objective(2))]);
        assert!(a.unplaced.is_empty());
    }

    #[test]
    fn headings_after_their_bullets_anchor_at_the_page_start_before_them() {
        // The 2021 text starts each page's first line with a single space.
        let a = anchored(
            " ● Primera acción del objetivo uno.\n\
             ● Segunda acción.\n\
             Objetivo 1. Recopilar datos.\n\
             ● Sigue el objetivo uno.\n \
             ● Primera acción del objetivo dos.\n\
             Objetivo 2. Minimizar factores adversos.",
        );
        assert_eq!(a.placement, Placement::After);
        assert_eq!(a.list, [(1, Objective(1)), (5, Objective(2))]);
        assert!(a.unplaced.is_empty());
    }

    #[test]
    fn two_headings_on_one_page_split_it_at_the_tall_blank_run() {
        // Headings printed 12 then 11: the blocks go in order of number.
        let a = anchored(
            " ● Acción del objetivo once.\n\
             ● Otra acción del once.\n\
             \n\n\n\n\n\n\
             ● Acción del objetivo doce.\n\
             Objetivo 12. Aumentar la certidumbre.\n\
             Objetivo 11. Gestionar las fronteras.",
        );
        assert_eq!(a.placement, Placement::After);
        assert_eq!(a.list, [(1, Objective(11)), (9, Objective(12))]);
    }

    #[test]
    fn a_blank_run_shorter_than_tall_does_not_start_a_block() {
        // Five blank lines (tall is six): one block, so objective 11 has none of its own.
        let a = anchored(
            " ● Acción.\n\
             \n\n\n\n\n\
             ● Otra acción.\n\
             Objetivo 11. Gestionar las fronteras.\n\
             Objetivo 12. Aumentar la certidumbre.\n\
             ● Acción tras los encabezados.",
        );
        assert_eq!(a.list, [(1, Objective(12)), (8, Objective(11))]);
        assert_eq!(a.unplaced, [(11, 8)]);
    }

    #[test]
    fn a_section_heading_after_its_content_anchors_at_the_last_page_start() {
        let a = anchored(
            " ● Acción del objetivo uno.\n\
             Objetivo 1. Recopilar datos.\n \
             Texto de la sección en su página.\n\
             Sigue el texto.\n\
             V. CONCLUSIONES",
        );
        assert_eq!(a.placement, Placement::After);
        assert_eq!(a.list, [(1, Objective(1)), (3, Section(0))]);
    }

    #[test]
    fn sections_sort_before_objectives_at_the_same_unit() {
        let a = anchored(
            " ● Acción del objetivo uno.\n\
             IV. PRINCIPALES ACCIONES\n\
             Objetivo 1. Recopilar datos.",
        );
        assert_eq!(a.list, [(1, Section(0)), (1, Objective(1))]);
    }
}
