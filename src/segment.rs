//! Segment: lines → typed elements (sections, objectives with their actions, tables, footnotes).
//!
//! Segmentation runs in three steps, all driven by the layout rules:
//!
//! 1. **Classify** each line (blank, bullet, sub-bullet, heading, footnote, …) into [`Unit`]s;
//!    headings and footnotes that wrap over lines become one unit.
//! 2. **Anchor** each heading to the place where its content starts. With headings *before*
//!    their content (a Word export), that is the heading itself. With side-box headings that the
//!    PDF-to-text step emitted *after* the first page of their bullets (placement `after`), an
//!    objective heading anchors at the last *block start* (a page start, or the end of a tall
//!    blank run) before it that opens with a bullet or a "no activities" line; when several
//!    headings stand together (two objectives on one page), they take the last blocks in order
//!    of objective number. A section heading anchors at the last page start before it.
//! 3. **Assemble**: walk the units in order; each belongs to the objective (and section) whose
//!    anchor precedes it. Bullets open actions, sub-bullets and lettered items attach to the open
//!    action, and text continues it (across page breaks, footnotes and interleaved headings).

use serde::{Deserialize, Serialize};

use crate::normalize::{Document, Joiner, Line, SourceInfo};
pub mod rules;

pub use rules::SegmentRules;
use rules::{Layout, Placement};

/// Where an element is in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// 1-based page, when the text has form feeds.
    pub page: Option<u32>,
    /// First and last 1-based line.
    pub line: u32,
    pub line_end: u32,
    /// File byte span (start, end) from the first to the last byte of the element's text.
    pub span: [usize; 2],
}

/// The segmented document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Segmented {
    pub source: SourceInfo,
    /// The placement used (`before` or `after`), after resolving `auto`.
    pub placement: Placement,
    pub sections: Vec<Section>,
    pub objectives: Vec<ObjectiveBlock>,
    pub tables: Vec<Table>,
    /// Running text outside the objectives (preamble, conclusions…), joined into paragraphs.
    pub paragraphs: Vec<Paragraph>,
    /// The statements of a section of challenges (retos).
    pub challenges: Vec<Paragraph>,
    pub footnotes: Vec<Footnote>,
    pub warnings: Vec<Warning>,
}

/// A paragraph of running text outside the objectives.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Paragraph {
    /// Number of the section it stands in.
    pub section: Option<String>,
    pub text: String,
    pub place: Place,
    #[serde(skip)]
    pub map: Vec<u32>,
}

/// A numbered section (`IV. PRINCIPALES ACCIONES…`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Section {
    pub number: String,
    pub title: String,
    pub heading: Place,
    /// First line of the section's content (its anchor).
    pub content_line: u32,
}

/// An objective as the report presents it: its heading and what stands under it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ObjectiveBlock {
    pub number: u32,
    /// The title as printed in the heading (joined, without "Objetivo N.").
    pub printed_title: String,
    pub heading: Place,
    /// The "no activities" line standing for this objective, if any.
    pub no_activities: Option<Place>,
    pub actions: Vec<Action>,
}

/// One action bullet with what belongs to it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Action {
    pub objective: u32,
    /// The bullet glyph as it appears in the file (all kinds are one bullet kind).
    pub marker: String,
    /// Normalized text: wrapped lines joined; paragraphs of the action separated by `\n`.
    pub text: String,
    pub sub_items: Vec<SubItem>,
    pub place: Place,
    /// For each byte of `text` (and one past the end), the file offset.
    #[serde(skip)]
    pub map: Vec<u32>,
}

/// An item inside an action: an indented sub-bullet or a lettered list item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubItem {
    pub marker: String,
    /// Index (from 0) of the paragraph of the action's text that this item follows, so that
    /// items listed under "Durante el periodo…:" and "Desde el inicio…:" keep their lead-in.
    pub paragraph: usize,
    pub text: String,
    pub place: Place,
    #[serde(skip)]
    pub map: Vec<u32>,
}

/// A table kept as its own element (summary counts, annexes), as lines for now.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    pub kind: String,
    /// Number of the section it stands in, if any.
    pub section: Option<String>,
    pub place: Place,
    pub lines: Vec<TableLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableLine {
    pub line: u32,
    pub text: String,
    pub span: [usize; 2],
}

/// A footnote: its number, text and place.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Footnote {
    pub number: u32,
    pub text: String,
    pub place: Place,
}

/// Something a reviewer should know about the segmentation of this file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Warning {
    pub line: Option<u32>,
    pub message: String,
}

// ---------------------------------------------------------------- step 1: classify

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Blank,
    ObjectiveHeading { number: u32, title: String },
    SectionHeading { number: String, title: String },
    Footnote { number: u32, text: String },
    Link,
    NoActivities,
    Bullet { marker: String, text_at: usize },
    SubBullet { marker: String, text_at: usize },
    Lettered { marker: String, text_at: usize },
    Number,
    Text,
    ChallengesHeading,
}

impl Kind {
    fn is_content(&self) -> bool {
        matches!(
            self,
            Kind::NoActivities
                | Kind::Bullet { .. }
                | Kind::SubBullet { .. }
                | Kind::Lettered { .. }
                | Kind::Text
        )
    }
}

/// A classified line, or several lines of one wrapped heading or footnote.
#[derive(Debug, Clone)]
struct Unit {
    kind: Kind,
    /// Indices into `Document::lines`.
    first: usize,
    last: usize,
    /// Whether the unit's first line starts a page (form feed or `document.page_start`).
    page_start: bool,
}

fn starts_page(layout: &Layout, line: &Line) -> bool {
    line.page_break || layout.page_start.is_match(&line.text)
}

fn classify(layout: &Layout, lines: &[Line]) -> Vec<Unit> {
    let mut units = Vec::with_capacity(lines.len());
    let mut next_footnote = 1u32;
    let mut i = 0usize;
    while i < lines.len() {
        let line = &lines[i];
        let text = line.text.as_str();
        let page_start = starts_page(layout, line);
        let unit = |kind, last| Unit {
            kind,
            first: i,
            last,
            page_start,
        };
        if line.is_blank() {
            units.push(unit(Kind::Blank, i));
            i += 1;
            continue;
        }
        if let Some(c) = layout.objective_start.captures(text) {
            let number = c["number"].parse::<u32>().unwrap_or(0);
            let mut title = c["title"].trim().to_string();
            let mut last = i;
            while !layout.objective_end.is_match(&lines[last].text)
                && last + 1 < lines.len()
                && last + 1 - i < layout.objective_max_lines
            {
                let next = &lines[last + 1];
                if next.is_blank()
                    || layout.objective_start.is_match(&next.text)
                    || layout.bullet.is_match(&next.text)
                    || layout.sub_bullet.is_match(&next.text)
                    || layout.no_activities.is_match(&next.text)
                    || starts_page(layout, next)
                {
                    break;
                }
                title.push(' ');
                title.push_str(next.text.trim());
                last += 1;
            }
            let title = title.trim_end_matches('.').trim().to_string();
            units.push(unit(Kind::ObjectiveHeading { number, title }, last));
            i = last + 1;
            continue;
        }
        if let Some(c) = layout.section_start.captures(text) {
            let number = c["number"].to_string();
            let mut title = c
                .name("title")
                .map_or(String::new(), |m| m.as_str().trim().to_string());
            let mut last = i;
            // Continuation lines in capitals, possibly with one blank line between them.
            let mut j = i + 1;
            while j < lines.len() && j - i <= 8 {
                let l = &lines[j];
                if l.is_blank() {
                    if lines.get(j + 1).is_some_and(|n| {
                        !n.is_blank() && layout.section_continuation.is_match(&n.text)
                    }) {
                        j += 1;
                        continue;
                    }
                    break;
                }
                if !layout.section_continuation.is_match(&l.text) || starts_page(layout, l) {
                    break;
                }
                title.push(' ');
                title.push_str(l.text.trim());
                last = j;
                j += 1;
            }
            units.push(unit(Kind::SectionHeading { number, title }, last));
            i = last + 1;
            continue;
        }
        if let Some(c) = layout.footnote_start.captures(text) {
            let number = c["number"].parse::<u32>().unwrap_or(0);
            // After a blank line, or right after the previous footnote's last line.
            let after_blank = i == 0
                || lines[i - 1].is_blank()
                || units.last().is_some_and(|u: &Unit| {
                    matches!(u.kind, Kind::Footnote { .. }) && u.last + 1 == i
                });
            if number == next_footnote && after_blank {
                next_footnote += 1;
                let mut body = c.name("text").map_or("", |m| m.as_str()).trim().to_string();
                let mut last = i;
                while let Some(next) = lines.get(last + 1) {
                    let next_note = layout
                        .footnote_start
                        .captures(&next.text)
                        .and_then(|c| c["number"].parse::<u32>().ok())
                        == Some(next_footnote);
                    if next.is_blank()
                        || next_note
                        || starts_page(layout, next)
                        || layout.bullet.is_match(&next.text)
                        || layout.objective_start.is_match(&next.text)
                    {
                        break;
                    }
                    body.push(' ');
                    body.push_str(next.text.trim());
                    last += 1;
                }
                units.push(unit(Kind::Footnote { number, text: body }, last));
                i = last + 1;
                continue;
            }
        }
        let kind = if layout.link_artifact.is_match(text) {
            Kind::Link
        } else if layout.no_activities.is_match(text) {
            Kind::NoActivities
        } else if let Some(c) = layout.sub_bullet.captures(text) {
            Kind::SubBullet {
                marker: marker_of(text, &c),
                text_at: c.name("text").map_or(text.len(), |m| m.start()),
            }
        } else if let Some(c) = layout.bullet.captures(text) {
            Kind::Bullet {
                marker: c
                    .name("marker")
                    .map_or(String::new(), |m| m.as_str().trim().to_string()),
                text_at: c.name("text").map_or(text.len(), |m| m.start()),
            }
        } else if let Some(c) = layout.lettered_item.captures(text) {
            Kind::Lettered {
                marker: c
                    .name("marker")
                    .map_or(String::new(), |m| m.as_str().to_string()),
                text_at: c.name("text").map_or(text.len(), |m| m.start()),
            }
        } else if layout.page_number.is_match(text) {
            Kind::Number
        } else {
            Kind::Text
        };
        units.push(unit(kind, i));
        i += 1;
    }
    units
}

/// The glyph of a sub-bullet: the first non-space character of the line.
fn marker_of(text: &str, c: &regex::Captures) -> String {
    let end = c.name("text").map_or(text.len(), |m| m.start());
    text[..end].trim().chars().take(1).collect()
}

// ---------------------------------------------------------------- step 2: anchor

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum AnchorKind {
    /// Index into the list of section headings.
    Section(usize),
    /// Objective number.
    Objective(u32),
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

/// Computes the anchors (unit index where content starts) of every heading.
fn anchors(
    placement: Placement,
    units: &[Unit],
    starts: &[bool],
    warnings: &mut Vec<Warning>,
    lines: &[Line],
) -> Vec<(usize, AnchorKind)> {
    let mut out = Vec::new();
    let section_units: Vec<usize> = units
        .iter()
        .enumerate()
        .filter(|(_, u)| matches!(u.kind, Kind::SectionHeading { .. }))
        .map(|(i, _)| i)
        .collect();

    // Sections.
    let mut limit = 0usize;
    for (s, &h) in section_units.iter().enumerate() {
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

    // Objectives, in groups of headings with no content between them.
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
    let number_of = |u: usize| match units[u].kind {
        Kind::ObjectiveHeading { number, .. } => number,
        _ => 0,
    };
    let mut limit = 0usize;
    for group in &groups {
        let first = group[0];
        let mut numbers: Vec<u32> = group.iter().map(|&u| number_of(u)).collect();
        numbers.sort_unstable();
        if placement == Placement::After {
            let candidates: Vec<usize> = (limit..first)
                .filter(|&u| {
                    starts[u] && matches!(units[u].kind, Kind::Bullet { .. } | Kind::NoActivities)
                })
                .collect();
            let k = numbers.len();
            let c = candidates.len().min(k);
            let taken = &candidates[candidates.len() - c..];
            // Headings without a block of their own anchor at themselves (content follows them).
            for (idx, &n) in numbers.iter().enumerate() {
                if idx < k - c {
                    let at = group
                        .iter()
                        .copied()
                        .find(|&u| number_of(u) == n)
                        .unwrap_or(first);
                    warnings.push(Warning {
                        line: Some(lines[units[at].first].number),
                        message: format!(
                            "objective {n}: no block of bullets found before its heading; taking what follows the heading"
                        ),
                    });
                    out.push((at, AnchorKind::Objective(n)));
                } else {
                    out.push((taken[idx - (k - c)], AnchorKind::Objective(n)));
                }
            }
        } else {
            for &u in group {
                out.push((u, AnchorKind::Objective(number_of(u))));
            }
        }
        limit = group.last().map_or(first, |&l| l + 1);
    }
    // Sections before objectives at the same unit: an objective stays open at its section's start.
    out.sort();
    out
}

// ---------------------------------------------------------------- step 3: assemble

/// An open paragraph: the paragraph, its joiner, whether it ended a sentence, its last unit.
type OpenPara = (Paragraph, Joiner, bool, usize);

fn close_para(para: &mut Option<OpenPara>, paragraphs: &mut Vec<Paragraph>) {
    if let Some((mut p, j, _, _)) = para.take() {
        let (text, map) = j.finish();
        p.text = text;
        p.map = map;
        paragraphs.push(p);
    }
}

/// Adds unit `ui` (a line of running text) to the open paragraph, or closes it and opens a new
/// one in `section`: wrapped lines, and sentences cut by a page or a heading, join.
fn extend_para(
    para: &mut Option<OpenPara>,
    paragraphs: &mut Vec<Paragraph>,
    section: impl FnOnce() -> Option<String>,
    layout: &Layout,
    lines: &[Line],
    ui: usize,
    u: &Unit,
) {
    let line = &lines[u.first];
    let goes_on = para
        .as_ref()
        .is_some_and(|(_, _, ended, last)| *last + 1 == ui || !*ended);
    if !goes_on {
        close_para(para, paragraphs);
        *para = Some((
            Paragraph {
                section: section(),
                text: String::new(),
                place: place_of(lines, u.first, u.last),
                map: Vec::new(),
            },
            Joiner::new(layout.hyphen),
            false,
            ui,
        ));
    }
    if let Some((p, j, ended, last)) = para.as_mut() {
        j.push(&line.text, &line.map);
        *ended = layout.sentence_end.is_match(&line.text);
        *last = ui;
        p.place.line_end = line.number;
        p.place.span[1] = place_of(lines, u.first, u.last).span[1];
    }
}

fn place_of(lines: &[Line], first: usize, last: usize) -> Place {
    let a = &lines[first];
    place_from(lines, first, last, a.text.len() - a.text.trim_start().len())
}

/// Like [`place_of`], with the span starting at byte `lead` of the first line (after a marker).
fn place_from(lines: &[Line], first: usize, last: usize, lead: usize) -> Place {
    let a = &lines[first];
    let b = &lines[last];
    let trail = b.text.trim_end().len();
    Place {
        page: a.page,
        line: a.number,
        line_end: b.number,
        span: [
            a.map.get(lead).copied().unwrap_or(0) as usize,
            b.map.get(trail).copied().unwrap_or(0) as usize,
        ],
    }
}

struct OpenAction {
    action: Action,
    main: Joiner,
    sub: Option<(SubItem, Joiner)>,
    /// Whether the last text pushed (main or sub) ended a sentence.
    ended: bool,
    last_line: usize,
}

impl OpenAction {
    fn close_sub(&mut self) {
        if let Some((mut item, j)) = self.sub.take() {
            let (text, map) = j.finish();
            item.text = text;
            item.map = map;
            self.action.sub_items.push(item);
        }
    }
    fn finish(mut self) -> Action {
        self.close_sub();
        let (text, map) = self.main.finish();
        self.action.text = text;
        self.action.map = map;
        self.action
    }
}

/// Segments a normalized document with the given rules.
pub fn segment(doc: &Document, rules: &SegmentRules) -> Segmented {
    let layout = &rules.layout;
    let lines = &doc.lines;
    let mut units = classify(layout, lines);
    // A heading that opens a section of challenges (retos), from the challenge rules.
    for u in units.iter_mut() {
        if matches!(u.kind, Kind::Text | Kind::Bullet { .. })
            && rules.challenges_heading.is_match(&lines[u.first].text)
        {
            u.kind = Kind::ChallengesHeading;
        }
    }
    let starts = block_starts(layout, &units);
    let placement = resolve_placement(layout, &units);
    let mut warnings = Vec::new();
    let anchor_list = anchors(placement, &units, &starts, &mut warnings, lines);

    let mut sections = Vec::new();
    let mut objectives: Vec<ObjectiveBlock> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut footnotes = Vec::new();

    // Section and objective headings, in file order.
    for u in &units {
        match &u.kind {
            Kind::SectionHeading { number, title } => sections.push(Section {
                number: number.clone(),
                title: title.clone(),
                heading: place_of(lines, u.first, u.last),
                content_line: 0,
            }),
            Kind::ObjectiveHeading { number, title } => {
                if rules.objectives.resolve(*number).is_none() {
                    warnings.push(Warning {
                        line: Some(lines[u.first].number),
                        message: format!(
                            "objective {number} is not in the catalog of {}; its heading is ignored",
                            rules.profile
                        ),
                    });
                } else if objectives.iter().any(|o| o.number == *number) {
                    warnings.push(Warning {
                        line: Some(lines[u.first].number),
                        message: format!("objective {number} has a second heading; its content is merged with the first"),
                    });
                } else {
                    objectives.push(ObjectiveBlock {
                        number: *number,
                        printed_title: title.clone(),
                        heading: place_of(lines, u.first, u.last),
                        no_activities: None,
                        actions: Vec::new(),
                    });
                }
            }
            _ => {}
        }
    }
    for &(at, kind) in &anchor_list {
        if let AnchorKind::Section(s) = kind {
            sections[s].content_line = lines[units[at].first].number;
        }
    }

    let known = |n: u32| objectives.iter().any(|o| o.number == n);
    let mut anchor_at: Vec<Option<AnchorKind>> = vec![None; units.len()];
    let mut section_at: Vec<Option<usize>> = vec![None; units.len()];
    for &(at, kind) in &anchor_list {
        match kind {
            AnchorKind::Section(s) => section_at[at] = Some(s),
            AnchorKind::Objective(n) if known(n) => anchor_at[at] = Some(kind),
            AnchorKind::Objective(_) => {}
        }
    }

    let mut current_section: Option<usize> = None;
    let mut current_objective: Option<u32> = None;
    let mut open: Option<OpenAction> = None;
    let mut finished: Vec<Action> = Vec::new();
    let mut table: Option<(usize, Table)> = None; // (row rule index, table)
    let mut prev_content: Option<usize> = None; // unit index of the previous content unit
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut challenges: Vec<Paragraph> = Vec::new();
    // An open challenge statement (as for paragraphs), while in a section of challenges.
    let mut in_challenges = false;
    let mut challenge: Option<OpenPara> = None;
    let mut para: Option<OpenPara> = None;

    let close_action = |open: &mut Option<OpenAction>, finished: &mut Vec<Action>| {
        if let Some(o) = open.take() {
            finished.push(o.finish());
        }
    };

    for (ui, u) in units.iter().enumerate() {
        if section_at[ui].is_some() || anchor_at[ui].is_some() {
            in_challenges = false;
            close_para(&mut challenge, &mut challenges);
        }
        if let Some(s) = section_at[ui] {
            current_section = Some(s);
            current_objective = None;
            close_action(&mut open, &mut finished);
            close_para(&mut para, &mut paragraphs);
            if let Some((_, t)) = table.take() {
                tables.push(t);
            }
        }
        if let Some(AnchorKind::Objective(n)) = anchor_at[ui] {
            current_objective = Some(n);
            close_action(&mut open, &mut finished);
            close_para(&mut para, &mut paragraphs);
            if let Some((_, t)) = table.take() {
                tables.push(t);
            }
        }
        let line = &lines[u.first];
        match &u.kind {
            Kind::Footnote { number, text } => footnotes.push(Footnote {
                number: *number,
                text: text.clone(),
                place: place_of(lines, u.first, u.last),
            }),
            Kind::Blank
            | Kind::Link
            | Kind::ObjectiveHeading { .. }
            | Kind::SectionHeading { .. } => {}
            Kind::ChallengesHeading => {
                close_action(&mut open, &mut finished);
                close_para(&mut para, &mut paragraphs);
                close_para(&mut challenge, &mut challenges);
                current_objective = None;
                in_challenges = true;
            }
            Kind::Bullet { text_at, .. } | Kind::SubBullet { text_at, .. } if in_challenges => {
                close_para(&mut challenge, &mut challenges);
                let mut j = Joiner::new(layout.hyphen);
                j.push(&line.text[*text_at..], &line.map[*text_at..]);
                challenge = Some((
                    Paragraph {
                        section: Some("retos".to_string()),
                        text: String::new(),
                        place: place_from(lines, u.first, u.last, *text_at),
                        map: Vec::new(),
                    },
                    j,
                    layout.sentence_end.is_match(&line.text),
                    ui,
                ));
            }
            Kind::Text | Kind::Lettered { .. } if in_challenges => {
                let section = || Some("retos".to_string());
                extend_para(
                    &mut challenge,
                    &mut challenges,
                    section,
                    layout,
                    lines,
                    ui,
                    u,
                );
            }
            _ if current_objective.is_none() => {
                // Outside the objectives: tables are kept, running text is not a record.
                let title_rule = layout
                    .tables
                    .iter()
                    .position(|t| t.title.is_match(&line.text));
                if let Some(r) = title_rule {
                    if let Some((_, t)) = table.take() {
                        tables.push(t);
                    }
                    table = Some((
                        r,
                        Table {
                            kind: layout.tables[r].kind.clone(),
                            section: current_section.map(|s| sections[s].number.clone()),
                            place: place_of(lines, u.first, u.last),
                            lines: Vec::new(),
                        },
                    ));
                }
                let ends_table = table.as_ref().is_some_and(|(r, _)| {
                    title_rule.is_none()
                        && layout.tables[*r]
                            .row
                            .as_ref()
                            .is_some_and(|row| !row.is_match(&line.text))
                });
                if ends_table {
                    if let Some((_, t)) = table.take() {
                        tables.push(t);
                    }
                }
                if let Some((_, t)) = table.as_mut() {
                    close_para(&mut para, &mut paragraphs);
                    let span = place_of(lines, u.first, u.last).span;
                    t.lines.push(TableLine {
                        line: line.number,
                        text: line.text.trim().to_string(),
                        span,
                    });
                    t.place.line_end = line.number;
                    t.place.span[1] = span[1];
                } else if u.kind != Kind::Number {
                    // Running text: wrapped lines, and sentences cut by a page or a heading, join.
                    let section = || current_section.map(|s| sections[s].number.clone());
                    extend_para(&mut para, &mut paragraphs, section, layout, lines, ui, u);
                }
            }
            Kind::Number => {} // a page number inside the objectives
            Kind::NoActivities => {
                close_action(&mut open, &mut finished);
                let n = current_objective.unwrap_or(0);
                if let Some(o) = objectives.iter_mut().find(|o| o.number == n) {
                    o.no_activities = Some(place_of(lines, u.first, u.last));
                }
                prev_content = Some(ui);
            }
            Kind::Bullet { marker, text_at } => {
                close_action(&mut open, &mut finished);
                let mut main = Joiner::new(layout.hyphen);
                main.push(&line.text[*text_at..], &line.map[*text_at..]);
                open = Some(OpenAction {
                    action: Action {
                        objective: current_objective.unwrap_or(0),
                        marker: marker.clone(),
                        text: String::new(),
                        sub_items: Vec::new(),
                        place: place_from(lines, u.first, u.last, *text_at),
                        map: Vec::new(),
                    },
                    main,
                    sub: None,
                    ended: layout.sentence_end.is_match(&line.text),
                    last_line: u.first,
                });
                prev_content = Some(ui);
            }
            Kind::SubBullet { marker, text_at } | Kind::Lettered { marker, text_at } => {
                if let Some(o) = open.as_mut() {
                    o.close_sub();
                    let mut j = Joiner::new(layout.hyphen);
                    j.push(&line.text[*text_at..], &line.map[*text_at..]);
                    o.sub = Some((
                        SubItem {
                            marker: marker.clone(),
                            paragraph: o.main.text().matches('\n').count(),
                            text: String::new(),
                            place: place_from(lines, u.first, u.last, *text_at),
                            map: Vec::new(),
                        },
                        j,
                    ));
                    o.ended = layout.sentence_end.is_match(&line.text);
                    o.last_line = u.first;
                    o.action.place.line_end = line.number;
                    o.action.place.span[1] = place_of(lines, u.first, u.last).span[1];
                } else {
                    warnings.push(Warning {
                        line: Some(line.number),
                        message: "sub-item with no action above it; ignored".to_string(),
                    });
                }
                prev_content = Some(ui);
            }
            Kind::Text => {
                if let Some(o) = open.as_mut() {
                    let adjacent = prev_content == Some(ui.wrapping_sub(1));
                    let piece = &line.text;
                    if adjacent || !o.ended {
                        // The same sentence goes on (wrapped, or broken by a page or a heading).
                        match o.sub.as_mut() {
                            Some((_, j)) => j.push(piece, &line.map),
                            None => o.main.push(piece, &line.map),
                        }
                    } else {
                        // A new paragraph of the action.
                        o.close_sub();
                        o.main.push_paragraph(piece, &line.map);
                    }
                    o.ended = layout.sentence_end.is_match(piece);
                    o.last_line = u.first;
                    o.action.place.line_end = line.number;
                    o.action.place.span[1] = place_of(lines, u.first, u.last).span[1];
                    if let Some((item, _)) = o.sub.as_mut() {
                        item.place.line_end = line.number;
                        item.place.span[1] = place_of(lines, u.first, u.last).span[1];
                    }
                } else {
                    warnings.push(Warning {
                        line: Some(line.number),
                        message: format!(
                            "text under objective {} that belongs to no action: {:?}",
                            current_objective.unwrap_or(0),
                            truncate(line.text.trim(), 60)
                        ),
                    });
                }
                prev_content = Some(ui);
            }
        }
    }
    close_action(&mut open, &mut finished);
    close_para(&mut para, &mut paragraphs);
    close_para(&mut challenge, &mut challenges);
    if let Some((_, t)) = table.take() {
        tables.push(t);
    }
    for a in finished {
        if let Some(o) = objectives.iter_mut().find(|o| o.number == a.objective) {
            o.actions.push(a);
        }
    }
    objectives.sort_by_key(|o| o.number);
    for o in &objectives {
        if o.no_activities.is_some() && !o.actions.is_empty() {
            warnings.push(Warning {
                line: o.no_activities.map(|p| p.line),
                message: format!(
                    "objective {} says it has no activities but lists {} actions",
                    o.number,
                    o.actions.len()
                ),
            });
        }
    }
    Segmented {
        source: doc.source.clone(),
        placement,
        sections,
        objectives,
        tables,
        paragraphs,
        challenges,
        footnotes,
        warnings,
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}
