//! Assemble: classified units and their anchors → records (sections, objectives with their
//! actions, tables, paragraphs, challenge statements, footnotes) and warnings.
//!
//! An [`Assembler`] walks the units in file order. At each unit it first applies the anchors that
//! fall there (a section or objective whose content starts here closes whatever is open), then
//! hands the unit to the method for its kind. What a unit does depends on the [`Region`] it stands
//! in: under an objective, bullets open actions, sub-bullets and lettered items attach to the open
//! action and text continues it; in a section of challenges, bullets open challenge statements
//! and text continues them; elsewhere, lines go to a table or to running-text paragraphs.

use super::anchor::{AnchorKind, Anchors};
use super::classify::{Kind, Unit};
use super::rules::Layout;
use super::{
    Action, Footnote, ObjectiveBlock, Paragraph, Place, Reading, Section, SubItem, Table,
    TableLine, Warning,
};
use crate::catalog::Catalog;
use crate::locale::Said;
use crate::normalize::{Joiner, Line};

/// What the assembler builds: every part of the segmented document but its source and placement.
#[derive(Debug)]
pub(super) struct Assembled {
    pub(super) sections: Vec<Section>,
    pub(super) objectives: Vec<ObjectiveBlock>,
    pub(super) tables: Vec<Table>,
    pub(super) paragraphs: Vec<Paragraph>,
    pub(super) challenges: Vec<Paragraph>,
    pub(super) footnotes: Vec<Footnote>,
    pub(super) warnings: Vec<Warning>,
    pub(super) reading: Reading,
}

/// Builds the records of `units` (classified `lines`) with their `anchors`. Objective headings
/// whose number is not in `catalog` (of rules profile `profile`) are ignored with a warning.
pub(super) fn assemble(
    layout: &Layout,
    lines: &[Line],
    units: &[Unit],
    anchors: &Anchors,
    catalog: &Catalog,
    profile: &str,
) -> Assembled {
    let mut asm = Assembler::new(layout, lines, units, anchors, catalog, profile);
    for (ui, u) in units.iter().enumerate() {
        asm.on_anchor(ui);
        asm.on_unit(ui, u);
    }
    asm.finish()
}

/// Where a unit stands, which decides what its lines become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Region {
    /// Outside the objectives (preamble, conclusions, annexes): tables and paragraphs.
    Outside,
    /// After a challenges heading, until the next anchor: challenge statements.
    Challenges,
    /// Under the objective with this number: actions.
    Objective(u32),
}

/// The state of the walk over the units, and what it has built so far.
struct Assembler<'a> {
    layout: &'a Layout,
    lines: &'a [Line],
    units: &'a [Unit],
    /// Per unit: the section (index into `sections`) whose content starts there.
    section_at: Vec<Option<usize>>,
    /// Per unit: the objective (of the catalog, with a heading) whose content starts there.
    objective_at: Vec<Option<u32>>,

    region: Region,
    /// The section the walk is in.
    section: Option<usize>,
    action: Option<OpenAction>,
    table: Option<OpenTable>,
    /// The previous unit that was content under an objective.
    prev_content: Option<usize>,
    paragraphs: Paragraphs,
    challenges: Paragraphs,

    sections: Vec<Section>,
    objectives: Vec<ObjectiveBlock>,
    /// Finished actions, in file order; they join their objectives at the end.
    actions: Vec<Action>,
    tables: Vec<Table>,
    footnotes: Vec<Footnote>,
    warnings: Vec<Warning>,
    /// How well the lines were taken in: counted as the walk goes.
    reading: Reading,
    /// Whether an objective's content has started (bullets outside objectives after that are
    /// stray, before it they are a preamble's lists).
    seen_objective: bool,
}

impl<'a> Assembler<'a> {
    /// An assembler at the start of the document: the headings are registered and the anchors
    /// laid out per unit; the warnings start with those of anchoring and of the headings.
    fn new(
        layout: &'a Layout,
        lines: &'a [Line],
        units: &'a [Unit],
        anchors: &Anchors,
        catalog: &Catalog,
        profile: &str,
    ) -> Assembler<'a> {
        let mut warnings = unplaced_warnings(lines, units, anchors);
        let (mut sections, objectives) = headings(lines, units, catalog, profile, &mut warnings);
        for &(at, kind) in &anchors.list {
            if let AnchorKind::Section(s) = kind {
                sections[s].content_line = lines[units[at].first].number;
            }
        }
        let mut section_at = vec![None; units.len()];
        let mut objective_at = vec![None; units.len()];
        for &(at, kind) in &anchors.list {
            match kind {
                AnchorKind::Section(s) => section_at[at] = Some(s),
                AnchorKind::Objective(n) if objectives.iter().any(|o| o.number == n) => {
                    objective_at[at] = Some(n);
                }
                AnchorKind::Objective(_) => {}
            }
        }
        Assembler {
            layout,
            lines,
            units,
            section_at,
            objective_at,
            region: Region::Outside,
            section: None,
            action: None,
            table: None,
            prev_content: None,
            paragraphs: Paragraphs::default(),
            challenges: Paragraphs::default(),
            sections,
            objectives,
            actions: Vec::new(),
            tables: Vec::new(),
            footnotes: Vec::new(),
            warnings,
            reading: Reading::default(),
            seen_objective: false,
        }
    }

    /// Applies the anchors at unit `ui`: a section or objective whose content starts here closes
    /// what is open and becomes where the walk is.
    fn on_anchor(&mut self, ui: usize) {
        let (section, objective) = (self.section_at[ui], self.objective_at[ui]);
        if section.is_none() && objective.is_none() {
            return;
        }
        self.challenges.close();
        self.close_action();
        self.paragraphs.close();
        self.close_table();
        if section.is_some() {
            self.section = section;
        }
        self.region = objective.map_or(Region::Outside, Region::Objective);
        self.seen_objective |= objective.is_some();
    }

    /// Hands unit `ui` to the method for its kind.
    fn on_unit(&mut self, ui: usize, u: &Unit) {
        match &u.kind {
            Kind::Blank | Kind::Link => self.on_blank(),
            Kind::ObjectiveHeading { number, .. } => {
                self.reading.heading_order.push(*number);
                self.on_heading()
            }
            Kind::SectionHeading { .. } => self.on_heading(),
            Kind::ChallengesHeading => self.on_challenges_heading(),
            Kind::Footnote { number, text } => self.on_footnote(u, *number, text),
            Kind::NoActivities => self.on_no_activities(ui, u),
            Kind::Bullet { marker, text_at } => self.on_bullet(ui, u, marker, *text_at),
            Kind::SubBullet { marker, text_at } => self.on_sub_bullet(ui, u, marker, *text_at),
            Kind::Lettered { marker, text_at } => self.on_lettered(ui, u, marker, *text_at),
            Kind::Number => self.on_page_number(ui, u),
            Kind::Text => self.on_text(ui, u),
        }
    }

    /// A blank line, or a URL line repeated from a footnote: it adds nothing. It only separates:
    /// the joins ask whether two units are adjacent.
    fn on_blank(&mut self) {}

    /// An objective or section heading: registered in [`Assembler::new`]; it acts through its
    /// anchor, which may stand elsewhere.
    fn on_heading(&mut self) {}

    /// A challenges heading closes what is open and starts a section of challenges. (An open
    /// table stays open.)
    fn on_challenges_heading(&mut self) {
        self.close_action();
        self.paragraphs.close();
        self.challenges.close();
        self.region = Region::Challenges;
    }

    /// Footnotes are kept wherever they stand; they interrupt nothing.
    fn on_footnote(&mut self, u: &Unit, number: u32, text: &str) {
        self.footnotes.push(Footnote {
            number,
            text: text.to_string(),
            place: self.place(u),
        });
    }

    /// Under an objective, the "no activities" line closes the open action and is the
    /// objective's. Elsewhere it is a line like any other.
    fn on_no_activities(&mut self, ui: usize, u: &Unit) {
        let Region::Objective(n) = self.region else {
            self.outside(ui, u);
            return;
        };
        self.close_action();
        let place = self.place(u);
        if let Some(o) = self.objectives.iter_mut().find(|o| o.number == n) {
            o.no_activities = Some(place);
        }
        self.prev_content = Some(ui);
    }

    /// A bullet opens an action under an objective, or a statement among challenges.
    fn on_bullet(&mut self, ui: usize, u: &Unit, marker: &str, text_at: usize) {
        match self.region {
            Region::Challenges => self.open_challenge(ui, u, text_at),
            Region::Outside => {
                self.note_stray_bullet(u);
                self.outside(ui, u)
            }
            Region::Objective(n) => {
                self.note_body(u);
                self.reading.bullets += 1;
                self.note_inner_bullet(u, marker);
                self.note_after_lead(u);
                self.close_action();
                self.action = Some(OpenAction::new(
                    self.layout,
                    self.lines,
                    u,
                    n,
                    marker,
                    text_at,
                ));
                self.prev_content = Some(ui);
            }
        }
    }

    /// A sub-bullet is an item of the open action; among challenges, a statement of its own.
    fn on_sub_bullet(&mut self, ui: usize, u: &Unit, marker: &str, text_at: usize) {
        match self.region {
            Region::Challenges => self.open_challenge(ui, u, text_at),
            Region::Outside => {
                self.note_stray_bullet(u);
                self.outside(ui, u)
            }
            Region::Objective(_) => {
                self.note_body(u);
                self.open_sub_item(ui, u, marker, text_at)
            }
        }
    }

    /// A lettered item is an item of the open action; among challenges, it continues the
    /// statement.
    fn on_lettered(&mut self, ui: usize, u: &Unit, marker: &str, text_at: usize) {
        match self.region {
            Region::Challenges => self.extend_challenge(ui, u),
            Region::Outside => self.outside(ui, u),
            Region::Objective(_) => self.open_sub_item(ui, u, marker, text_at),
        }
    }

    /// A page number is dropped, except as a cell of a table.
    fn on_page_number(&mut self, ui: usize, u: &Unit) {
        if !matches!(self.region, Region::Objective(_)) {
            self.outside(ui, u);
        }
    }

    /// Text continues the open action (or its item), or the challenge statement.
    fn on_text(&mut self, ui: usize, u: &Unit) {
        match self.region {
            Region::Challenges => self.extend_challenge(ui, u),
            Region::Outside => self.outside(ui, u),
            Region::Objective(n) => self.continue_action(ui, u, n),
        }
    }

    /// The records, once every unit has been walked.
    fn finish(mut self) -> Assembled {
        self.close_action();
        self.paragraphs.close();
        self.challenges.close();
        self.close_table();
        let mut objectives = self.objectives;
        for a in self.actions {
            if let Some(o) = objectives.iter_mut().find(|o| o.number == a.objective) {
                o.actions.push(a);
            }
        }
        objectives.sort_by_key(|o| o.number);
        let mut warnings = self.warnings;
        warnings.extend(objectives.iter().filter_map(contradiction));
        Assembled {
            reading: self.reading,
            sections: self.sections,
            objectives,
            tables: self.tables,
            paragraphs: self.paragraphs.done,
            challenges: self.challenges.done,
            footnotes: self.footnotes,
            warnings,
        }
    }

    // ------------------------------------------------------------ actions

    fn close_action(&mut self) {
        if let Some(o) = self.action.take() {
            self.actions.push(o.finish());
        }
    }

    /// A sub-bullet or lettered item: attached to the open action, or a warning without one.
    fn open_sub_item(&mut self, ui: usize, u: &Unit, marker: &str, text_at: usize) {
        let (layout, lines) = (self.layout, self.lines);
        if let Some(o) = self.action.as_mut() {
            o.open_sub(layout, lines, u, marker, text_at);
        } else {
            self.reading
                .unassigned
                .note(lines[u.first].number, u.last - u.first + 1);
            self.warnings.push(Warning::new(
                Some(lines[u.first].number),
                Said::new(
                    "sub-item with no action above it; ignored",
                    "subinciso sin una acción arriba; se ignora",
                ),
            ));
        }
        self.prev_content = Some(ui);
    }

    /// A line of text under objective `n`: it continues the open action, or is a warning.
    fn continue_action(&mut self, ui: usize, u: &Unit, n: u32) {
        let adjacent = self.prev_content == Some(ui.wrapping_sub(1));
        let (layout, lines) = (self.layout, self.lines);
        self.note_body(u);
        if !adjacent && self.looks_like_a_heading(ui, u) {
            self.reading.suspect_headings.note(lines[u.first].number, 1);
        }
        if let Some(o) = self.action.as_mut() {
            o.push_text(layout, lines, u, adjacent);
        } else {
            self.reading
                .unassigned
                .note(lines[u.first].number, u.last - u.first + 1);
            let line = &lines[u.first];
            let quoted = truncate(line.text.trim(), 60);
            self.warnings.push(Warning::new(
                Some(line.number),
                Said::new(
                    format!("text under objective {n} that belongs to no action: {quoted:?}"),
                    format!(
                        "texto bajo el objetivo {n} que no pertenece a ninguna acción: {quoted:?}"
                    ),
                ),
            ));
        }
        self.prev_content = Some(ui);
    }

    // ------------------------------------------------------------ challenges

    /// A bullet among challenges: closes the open statement and opens one with its text.
    fn open_challenge(&mut self, ui: usize, u: &Unit, text_at: usize) {
        let (layout, lines) = (self.layout, self.lines);
        let line = &lines[u.first];
        let mut joiner = Joiner::new(layout.hyphen);
        joiner.push(&line.text[text_at..], &line.map[text_at..]);
        self.challenges.open_with(OpenPara {
            para: Paragraph {
                section: Some("retos".to_string()),
                text: String::new(),
                place: place_from(lines, u.first, u.last, text_at),
                map: Vec::new(),
            },
            joiner,
            ended: layout.sentence_end.is_match(&line.text),
            last: ui,
        });
    }

    fn extend_challenge(&mut self, ui: usize, u: &Unit) {
        let section = || Some("retos".to_string());
        self.challenges
            .extend(section, self.layout, self.lines, ui, u);
    }

    // ------------------------------------------------------------ outside the objectives

    /// Outside the objectives, a line belongs to a table, or else (but for a page number) to the
    /// running text.
    /// A line of text standing apart (after a blank or another kind of line), short, not ending a
    /// sentence, with a bullet right after it: the shape of a heading that was not recognized,
    /// whose bullets are now read under the objective before.
    fn looks_like_a_heading(&self, ui: usize, u: &Unit) -> bool {
        const MAX_WORDS: usize = 20;
        let text = self.lines[u.first].text.trim();
        let words = text.split_whitespace().count();
        let ends_sentence = text.ends_with(['.', ';', ':', ',', ')']);
        let next_is_bullet = self.units[ui + 1..]
            .iter()
            .find(|n| n.kind != Kind::Blank)
            .is_some_and(|n| matches!(n.kind, Kind::Bullet { .. }));
        u.first == u.last && words <= MAX_WORDS && !ends_sentence && next_is_bullet
    }

    /// A first-level bullet right after an action's line of text that ends with a colon ("Durante
    /// el periodo…:"): most likely an item of that action, read as an action of its own.
    fn note_after_lead(&mut self, u: &Unit) {
        let Some(prev) = self.prev_content else {
            return;
        };
        let p = &self.units[prev];
        let lead = p.kind == Kind::Text
            && self.action.is_some()
            && self.lines[p.last].text.trim_end().ends_with(':');
        if lead {
            self.reading.after_lead.note(self.lines[u.first].number, 1);
        }
    }

    /// Counts the lines of `u`, under an objective, and those of them with a garbled word.
    fn note_body(&mut self, u: &Unit) {
        self.reading.body_lines += u.last - u.first + 1;
        let lines = self.lines;
        for line in &lines[u.first..=u.last] {
            if crate::garble::odd_runs(&line.text) > 0 {
                self.reading.garbled.note(line.number, 1);
            }
        }
    }

    /// A bullet line that holds its own glyph again mid-line ("▪ … Estándar ▪ El proyecto …"):
    /// two columns read as one line.
    fn note_inner_bullet(&mut self, u: &Unit, marker: &str) {
        let Some(glyph) = marker.chars().next().filter(|c| !c.is_alphanumeric()) else {
            return;
        };
        let text = self.lines[u.first].text.trim_start();
        let inner = text.char_indices().skip(1).any(|(i, c)| {
            c == glyph && text[..i].ends_with(' ') && text[i..].chars().nth(1) == Some(' ')
        });
        if inner {
            self.reading
                .merged_lines
                .note(self.lines[u.first].number, 1);
        }
    }

    /// A bullet outside every objective after objectives began: an action lost to a heading that
    /// was not found (or a section heading repeated mid-objective).
    fn note_stray_bullet(&mut self, u: &Unit) {
        if self.seen_objective {
            self.reading
                .stray_bullets
                .note(self.lines[u.first].number, 1);
        }
    }

    fn outside(&mut self, ui: usize, u: &Unit) {
        if self.table_line(u) {
            self.paragraphs.close();
        } else if u.kind != Kind::Number {
            let (sections, current) = (&self.sections, self.section);
            let section = || current.map(|s| sections[s].number.clone());
            self.paragraphs
                .extend(section, self.layout, self.lines, ui, u);
        }
    }

    /// Takes the line of `u` into a table: a table rule's title opens one; a line that its row
    /// pattern does not match closes it. Returns whether the line went to a table.
    fn table_line(&mut self, u: &Unit) -> bool {
        let (layout, lines) = (self.layout, self.lines);
        let line = &lines[u.first];
        let title_rule = layout
            .tables
            .iter()
            .position(|t| t.title.is_match(&line.text));
        if let Some(r) = title_rule {
            self.close_table();
            self.table = Some(OpenTable {
                rule: r,
                table: Table {
                    kind: layout.tables[r].kind.clone(),
                    section: self.section.map(|s| self.sections[s].number.clone()),
                    place: self.place(u),
                    lines: Vec::new(),
                },
            });
        } else if self.table.as_ref().is_some_and(|t| {
            layout.tables[t.rule]
                .row
                .as_ref()
                .is_some_and(|row| !row.is_match(&line.text))
        }) {
            self.close_table();
        }
        let span = self.place(u).span;
        let Some(OpenTable { table: t, .. }) = self.table.as_mut() else {
            return false;
        };
        t.lines.push(TableLine {
            line: line.number,
            text: line.text.trim().to_string(),
            span,
        });
        t.place.line_end = line.number;
        t.place.span[1] = span[1];
        true
    }

    fn close_table(&mut self) {
        if let Some(t) = self.table.take() {
            self.tables.push(t.table);
        }
    }

    fn place(&self, u: &Unit) -> Place {
        place_of(self.lines, u.first, u.last)
    }
}

/// Warnings for the objective headings that found no block of bullets before them.
fn unplaced_warnings(lines: &[Line], units: &[Unit], anchors: &Anchors) -> Vec<Warning> {
    anchors
        .unplaced
        .iter()
        .map(|&(n, at)| {
            Warning::new(
                Some(lines[units[at].first].number),
                Said::new(
                    format!("objective {n}: no block of bullets found before its heading; taking what follows the heading"),
                    format!("objetivo {n}: no se halló un bloque de viñetas antes de su encabezado; se toma lo que le sigue"),
                ),
            )
        })
        .collect()
}

/// The sections and objectives that the headings declare, in file order. An objective heading
/// whose number is not in the catalog, or that repeats an earlier one, adds a warning instead.
fn headings(
    lines: &[Line],
    units: &[Unit],
    catalog: &Catalog,
    profile: &str,
    warnings: &mut Vec<Warning>,
) -> (Vec<Section>, Vec<ObjectiveBlock>) {
    let mut sections = Vec::new();
    let mut objectives: Vec<ObjectiveBlock> = Vec::new();
    for u in units {
        match &u.kind {
            Kind::SectionHeading { number, title } => sections.push(Section {
                number: number.clone(),
                title: title.clone(),
                heading: place_of(lines, u.first, u.last),
                content_line: 0,
            }),
            Kind::ObjectiveHeading { number, title } => {
                if catalog.resolve(*number).is_none() {
                    warnings.push(Warning::new(
                        Some(lines[u.first].number),
                        Said::new(
                            format!("objective {number} is not in the catalog of {profile}; its heading is ignored"),
                            format!("el objetivo {number} no está en el catálogo de {profile}; se ignora su encabezado"),
                        ),
                    ));
                } else if objectives.iter().any(|o| o.number == *number) {
                    warnings.push(Warning::new(
                        Some(lines[u.first].number),
                        Said::new(
                            format!("objective {number} has a second heading; its content is merged with the first"),
                            format!("el objetivo {number} tiene un segundo encabezado; su contenido se une al del primero"),
                        ),
                    ));
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
    (sections, objectives)
}

/// A warning for an objective that says it has no activities but lists actions.
fn contradiction(o: &ObjectiveBlock) -> Option<Warning> {
    (o.no_activities.is_some() && !o.actions.is_empty()).then(|| {
        let (n, count) = (o.number, o.actions.len());
        Warning::new(
            o.no_activities.map(|p| p.line),
            Said::new(
                format!("objective {n} says it has no activities but lists {count} actions"),
                format!("el objetivo {n} dice no tener actividades pero enumera {count} acciones"),
            ),
        )
    })
}

// ---------------------------------------------------------------- open records

/// An action being read: its text so far, and the item being read, if any.
struct OpenAction {
    action: Action,
    main: Joiner,
    sub: Option<(SubItem, Joiner)>,
    /// Whether the last text pushed (main or sub) ended a sentence.
    ended: bool,
}

impl OpenAction {
    /// The action that the bullet of unit `u` opens under objective `objective`.
    fn new(
        layout: &Layout,
        lines: &[Line],
        u: &Unit,
        objective: u32,
        marker: &str,
        text_at: usize,
    ) -> OpenAction {
        let line = &lines[u.first];
        let mut main = Joiner::new(layout.hyphen);
        main.push(&line.text[text_at..], &line.map[text_at..]);
        OpenAction {
            action: Action {
                objective,
                marker: marker.to_string(),
                text: String::new(),
                sub_items: Vec::new(),
                place: place_from(lines, u.first, u.last, text_at),
                map: Vec::new(),
            },
            main,
            sub: None,
            ended: layout.sentence_end.is_match(&line.text),
        }
    }

    /// Closes the open item and opens the one of unit `u`, after the current paragraph of text.
    fn open_sub(
        &mut self,
        layout: &Layout,
        lines: &[Line],
        u: &Unit,
        marker: &str,
        text_at: usize,
    ) {
        let line = &lines[u.first];
        self.close_sub();
        let mut j = Joiner::new(layout.hyphen);
        j.push(&line.text[text_at..], &line.map[text_at..]);
        self.sub = Some((
            SubItem {
                marker: marker.to_string(),
                paragraph: self.main.text().matches('\n').count(),
                text: String::new(),
                place: place_from(lines, u.first, u.last, text_at),
                map: Vec::new(),
            },
            j,
        ));
        self.ended = layout.sentence_end.is_match(&line.text);
        self.extend_place(lines, u);
    }

    /// A line of text: the same sentence goes on (the line is `adjacent` to the previous
    /// content, or that did not end a sentence), or it starts a new paragraph of the action.
    fn push_text(&mut self, layout: &Layout, lines: &[Line], u: &Unit, adjacent: bool) {
        let line = &lines[u.first];
        let piece = &line.text;
        if adjacent || !self.ended {
            // The same sentence goes on (wrapped, or broken by a page or a heading).
            match self.sub.as_mut() {
                Some((_, j)) => j.push(piece, &line.map),
                None => self.main.push(piece, &line.map),
            }
        } else {
            self.close_sub();
            self.main.push_paragraph(piece, &line.map);
        }
        self.ended = layout.sentence_end.is_match(piece);
        self.extend_place(lines, u);
        if let Some((item, _)) = self.sub.as_mut() {
            extend_place(&mut item.place, lines, u);
        }
    }

    fn extend_place(&mut self, lines: &[Line], u: &Unit) {
        extend_place(&mut self.action.place, lines, u);
    }

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

/// A table being read, with the index of its rule in `layout.tables`.
struct OpenTable {
    rule: usize,
    table: Table,
}

/// A paragraph being read: its joiner, whether its last line ended a sentence, its last unit.
struct OpenPara {
    para: Paragraph,
    joiner: Joiner,
    ended: bool,
    last: usize,
}

/// Paragraphs of running text (or challenge statements): the finished ones and the open one.
#[derive(Default)]
struct Paragraphs {
    open: Option<OpenPara>,
    done: Vec<Paragraph>,
}

impl Paragraphs {
    fn close(&mut self) {
        if let Some(OpenPara {
            mut para, joiner, ..
        }) = self.open.take()
        {
            let (text, map) = joiner.finish();
            para.text = text;
            para.map = map;
            self.done.push(para);
        }
    }

    /// Closes the open paragraph and opens `para`.
    fn open_with(&mut self, para: OpenPara) {
        self.close();
        self.open = Some(para);
    }

    /// Adds unit `ui` (a line of running text) to the open paragraph, or closes it and opens a
    /// new one in `section`: wrapped lines, and sentences cut by a page or a heading, join.
    fn extend(
        &mut self,
        section: impl FnOnce() -> Option<String>,
        layout: &Layout,
        lines: &[Line],
        ui: usize,
        u: &Unit,
    ) {
        let line = &lines[u.first];
        let goes_on = self
            .open
            .as_ref()
            .is_some_and(|p| p.last + 1 == ui || !p.ended);
        if !goes_on {
            self.open_with(OpenPara {
                para: Paragraph {
                    section: section(),
                    text: String::new(),
                    place: place_of(lines, u.first, u.last),
                    map: Vec::new(),
                },
                joiner: Joiner::new(layout.hyphen),
                ended: false,
                last: ui,
            });
        }
        if let Some(p) = self.open.as_mut() {
            p.joiner.push(&line.text, &line.map);
            p.ended = layout.sentence_end.is_match(&line.text);
            p.last = ui;
            extend_place(&mut p.para.place, lines, u);
        }
    }
}

// ---------------------------------------------------------------- places

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

/// Makes `place` end where unit `u` (its first line) ends.
fn extend_place(place: &mut Place, lines: &[Line], u: &Unit) {
    place.line_end = lines[u.first].number;
    place.span[1] = place_of(lines, u.first, u.last).span[1];
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::anchor::anchor;
    use crate::segment::testing::{rules, units};

    /// Classifies and anchors `text` with the `gcm` rules, and assembles it.
    fn assembled(text: &str) -> Assembled {
        let (d, units) = units(text);
        let r = rules();
        let anchors = anchor(&r.layout, &units);
        assemble(
            &r.layout,
            &d.lines,
            &units,
            &anchors,
            &r.objectives,
            &r.profile,
        )
    }

    fn texts(paras: &[Paragraph]) -> Vec<(Option<&str>, &str)> {
        paras
            .iter()
            .map(|p| (p.section.as_deref(), p.text.as_str()))
            .collect()
    }

    fn items(a: &Action) -> Vec<(&str, usize, &str)> {
        a.sub_items
            .iter()
            .map(|i| (i.marker.as_str(), i.paragraph, i.text.as_str()))
            .collect()
    }

    fn messages(w: &[Warning]) -> Vec<(Option<u32>, &str)> {
        w.iter().map(|w| (w.line, w.message.as_str())).collect()
    }

    #[test]
    fn a_bullet_and_its_wrapped_line_are_one_action() {
        let text = "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración.\n\
                    ● Se atendieron 129,441 casos de personas\n\
                    migrantes en situación de vulnerabilidad.\n\
                    ● Se firmó un convenio.";
        let a = assembled(text);
        assert_eq!(a.objectives.len(), 1);
        let o = &a.objectives[0];
        assert_eq!(o.number, 7);
        assert_eq!(
            o.printed_title,
            "Abordar y reducir las vulnerabilidades en la migración"
        );
        let actions: Vec<(u32, &str, &str)> = o
            .actions
            .iter()
            .map(|a| (a.objective, a.marker.as_str(), a.text.as_str()))
            .collect();
        assert_eq!(
            actions,
            [
                (
                    7,
                    "●",
                    "Se atendieron 129,441 casos de personas migrantes en situación de vulnerabilidad."
                ),
                (7, "●", "Se firmó un convenio."),
            ]
        );
        // The first action's place: from its text after the marker to the end of its second line.
        let first = &o.actions[0];
        let end = text.find("vulnerabilidad.\n").unwrap() + "vulnerabilidad.".len();
        assert_eq!((first.place.line, first.place.line_end), (2, 3));
        assert_eq!(first.place.span, [text.find("Se atendieron").unwrap(), end]);
        assert_eq!(first.map.len(), first.text.len() + 1);
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    }

    #[test]
    fn a_blank_after_a_sentence_starts_a_paragraph_and_an_unfinished_sentence_goes_on() {
        let a = assembled(
            "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración.\n\
             ● Primera frase de la acción.\n\
             \n\
             Segundo párrafo de la acción, cortado\n\
             \n\
             por la página.",
        );
        let action = &a.objectives[0].actions[0];
        assert_eq!(
            action.text,
            "Primera frase de la acción.\nSegundo párrafo de la acción, cortado por la página."
        );
        assert_eq!((action.place.line, action.place.line_end), (2, 6));
    }

    #[test]
    fn sub_bullets_and_lettered_items_attach_to_the_open_action() {
        let a = assembled(
            "Objetivo 3. Proporcionar información exacta y oportuna.\n\
             ● Durante el periodo se emitieron:\n\
             o\t120 visas humanitarias\n\
             a) Visa de Estados Unidos\n\
             de más líneas.\n\
             ● Otra acción.",
        );
        let actions = &a.objectives[0].actions;
        assert_eq!(actions.len(), 2);
        assert_eq!(actions[0].text, "Durante el periodo se emitieron:");
        assert_eq!(
            items(&actions[0]),
            [
                ("o", 0, "120 visas humanitarias"),
                ("a)", 0, "Visa de Estados Unidos de más líneas.")
            ]
        );
        assert_eq!((actions[0].place.line, actions[0].place.line_end), (2, 5));
        let lettered = &actions[0].sub_items[1].place;
        assert_eq!((lettered.line, lettered.line_end), (4, 5));
        assert_eq!(actions[1].text, "Otra acción.");
        assert!(actions[1].sub_items.is_empty());
    }

    #[test]
    fn sub_items_remember_the_paragraph_they_follow() {
        let a = assembled(
            "Objetivo 3. Proporcionar información exacta y oportuna.\n\
             ● Durante el periodo:\n\
             o\tuno.\n\
             \n\
             Desde el inicio:\n\
             o\tdos.",
        );
        let action = &a.objectives[0].actions[0];
        assert_eq!(action.text, "Durante el periodo:\nDesde el inicio:");
        assert_eq!(items(action), [("o", 0, "uno."), ("o", 1, "dos.")]);
    }

    #[test]
    fn text_and_sub_items_without_an_action_are_warnings() {
        let a = assembled(
            "Objetivo 3. Proporcionar información exacta y oportuna.\n\
             Texto suelto antes de cualquier viñeta.\n\
             o\tun elemento suelto",
        );
        assert!(a.objectives[0].actions.is_empty());
        assert_eq!(
            messages(&a.warnings),
            [
                (
                    Some(2),
                    "text under objective 3 that belongs to no action: \
                     \"Texto suelto antes de cualquier viñeta.\""
                ),
                (Some(3), "sub-item with no action above it; ignored"),
            ]
        );
    }

    #[test]
    fn a_table_runs_while_its_rows_match_then_text_is_a_paragraph() {
        let a = assembled(
            "VII. ANEXOS\n\
             Dependencias e Instituciones Acrónimo\n\
             SECRETARÍA DE BIENESTAR BIENESTAR\n\
             CONTROL DEL VIH/SIDA CENSIDA\n\
             Fin del anexo, en minúsculas.",
        );
        assert_eq!(a.sections.len(), 1);
        assert_eq!(a.sections[0].content_line, 1);
        assert_eq!(a.tables.len(), 1);
        let t = &a.tables[0];
        assert_eq!(t.kind, "participating_agencies");
        assert_eq!(t.section.as_deref(), Some("VII"));
        assert_eq!((t.place.line, t.place.line_end), (2, 4));
        let rows: Vec<(u32, &str)> = t.lines.iter().map(|l| (l.line, l.text.as_str())).collect();
        assert_eq!(
            rows,
            [
                (2, "Dependencias e Instituciones Acrónimo"),
                (3, "SECRETARÍA DE BIENESTAR BIENESTAR"),
                (4, "CONTROL DEL VIH/SIDA CENSIDA"),
            ]
        );
        assert_eq!(
            texts(&a.paragraphs),
            [(Some("VII"), "Fin del anexo, en minúsculas.")]
        );
    }

    #[test]
    fn running_text_joins_wrapped_lines_and_drops_page_numbers() {
        let a = assembled(
            "I. PREÁMBULO\n\
             El Pacto Mundial fue adoptado\n\
             en 2018.\n\
             \n\
             13\n\
             \n\
             Un segundo párrafo.",
        );
        assert_eq!(
            texts(&a.paragraphs),
            [
                (Some("I"), "El Pacto Mundial fue adoptado en 2018."),
                (Some("I"), "Un segundo párrafo."),
            ]
        );
        assert!(a.objectives.is_empty());
    }

    #[test]
    fn challenge_statements_run_from_their_heading_to_the_next_anchor() {
        let a = assembled(
            "Objetivo 1. Recopilar y utilizar datos exactos.\n\
             ● Se publicó el anuario.\n\
             RETOS IDENTIFICADOS\n\
             ● Falta de presupuesto para operar\n\
             el programa.\n\
             ● Mejorar la coordinación.\n\
             V. CONCLUSIONES\n\
             El texto final.",
        );
        let actions = &a.objectives[0].actions;
        assert_eq!(actions.len(), 1);
        assert_eq!(actions[0].text, "Se publicó el anuario.");
        assert_eq!(
            texts(&a.challenges),
            [
                (
                    Some("retos"),
                    "Falta de presupuesto para operar el programa."
                ),
                (Some("retos"), "Mejorar la coordinación."),
            ]
        );
        assert_eq!(texts(&a.paragraphs), [(Some("V"), "El texto final.")]);
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    }

    #[test]
    fn no_activities_belongs_to_its_objective_and_contradicting_actions_warn() {
        let a = assembled(
            "Objetivo 19. Crear las condiciones necesarias.\n\
             • No se registraron actividades correspondientes a este objetivo.\n\
             ● Pero aquí hay una acción.",
        );
        let o = &a.objectives[0];
        assert_eq!(o.no_activities.map(|p| p.line), Some(2));
        assert_eq!(o.actions.len(), 1);
        assert_eq!(
            messages(&a.warnings),
            [(
                Some(2),
                "objective 19 says it has no activities but lists 1 actions"
            )]
        );
    }

    #[test]
    fn unknown_and_repeated_objective_headings_are_not_objectives() {
        let a = assembled(
            "Objetivo 24. Un objetivo que no existe.\n\
             Objetivo 5. Aumentar la disponibilidad y flexibilidad.\n\
             ● Primera acción.\n\
             Objetivo 5. Aumentar la disponibilidad y flexibilidad.\n\
             ● Segunda acción.",
        );
        let numbers: Vec<u32> = a.objectives.iter().map(|o| o.number).collect();
        assert_eq!(numbers, [5]);
        // The second heading of 5 anchors there again: both actions are objective 5's.
        assert_eq!(a.objectives[0].actions.len(), 2);
        let warned: Vec<Option<u32>> = a.warnings.iter().map(|w| w.line).collect();
        assert_eq!(warned, [Some(1), Some(4)]);
        assert!(a.warnings[0]
            .message
            .starts_with("objective 24 is not in the catalog of "));
        assert_eq!(
            a.warnings[1].message,
            "objective 5 has a second heading; its content is merged with the first"
        );
    }
}
