//! Classify: lines → [`Unit`]s, each with its [`Kind`]. Pure: reads only the lines and the rules.
//!
//! A unit is one line, or the lines of one heading or footnote that wraps. The kind of a line is
//! decided in a fixed order: blank, objective heading, section heading, footnote (only the next
//! footnote number, after a blank line or right after the previous footnote), then URL artifact,
//! "no activities", sub-bullet, bullet, lettered item, page number, and text. Last, a text or
//! bullet line that the challenge rules take for a heading becomes a challenges heading.

use std::collections::BTreeMap;

use super::bullets::{self, DocBullets};
use super::rules::{Layout, SegmentRules};
use crate::catalog::HeadingMatch;
use crate::normalize::Line;
use crate::patterns::Pattern;

/// The rules of classification for one document: the profile's line patterns, plus what this
/// document says of itself — its objective headings (found with the catalog, in the document's
/// style) and the glyphs that open its bullets.
pub(super) struct LineRules<'a> {
    pub(super) layout: &'a Layout,
    pub(super) challenges_heading: &'a Pattern,
    /// Objective headings by the index of their first line.
    pub(super) headings: BTreeMap<usize, HeadingMatch>,
    pub(super) bullets: DocBullets,
    /// Lines styled as headings that name no objective, with a bullet right after them.
    pub(super) unmatched_styled: Vec<usize>,
}

impl<'a> LineRules<'a> {
    /// `styled` are the lines the file's structure marks as headings (Word heading styles):
    /// evidence that lets a heading match the catalog on less of its title.
    pub(super) fn for_document(
        rules: &'a SegmentRules,
        lines: &[Line],
        styled: &[usize],
    ) -> LineRules<'a> {
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        let mut headings: BTreeMap<usize, HeadingMatch> = rules
            .objectives
            .find_headings(&texts)
            .into_iter()
            .map(|h| (h.first, h))
            .collect();
        let mut unmatched = Vec::new();
        for &i in styled {
            let covered = headings
                .range(..=i)
                .next_back()
                .is_some_and(|(_, h)| h.last >= i);
            if covered {
                continue;
            }
            match rules.objectives.styled_heading_at(&texts, i) {
                Some(h) => {
                    headings.insert(i, h);
                }
                None => unmatched.push(i),
            }
        }
        let mut line_rules = LineRules {
            layout: &rules.layout,
            challenges_heading: &rules.challenges_heading,
            headings,
            bullets: bullets::infer(&texts, &rules.layout.infer),
            unmatched_styled: Vec::new(),
        };
        line_rules.unmatched_styled = unmatched
            .into_iter()
            .filter(|&i| {
                let next = texts[i + 1..].iter().find(|t| !t.trim().is_empty());
                next.is_some_and(|t| line_rules.is_any_bullet(t))
            })
            .collect();
        line_rules
    }

    fn is_heading(&self, i: usize) -> bool {
        self.headings.contains_key(&i)
    }

    /// A bullet of this document by its inferred glyphs (the rules' patterns aside).
    fn doc_bullet(&self, text: &str) -> Option<bullets::BulletHit> {
        self.bullets.classify(text, &self.layout.infer)
    }

    fn is_any_bullet(&self, text: &str) -> bool {
        self.layout.bullet.is_match(text)
            || self.layout.sub_bullet.is_match(text)
            || self.doc_bullet(text).is_some()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    Blank,
    ObjectiveHeading {
        number: u32,
        title: String,
    },
    SectionHeading {
        number: String,
        title: String,
    },
    Footnote {
        number: u32,
        text: String,
    },
    /// A line that is only a URL (the PDF-to-text step repeats each footnote's hyperlink).
    Link,
    NoActivities,
    /// `text_at`: byte of the line where the text after the marker starts.
    Bullet {
        marker: String,
        text_at: usize,
    },
    SubBullet {
        marker: String,
        text_at: usize,
    },
    Lettered {
        marker: String,
        text_at: usize,
    },
    /// A line holding only a page number.
    Number,
    Text,
    ChallengesHeading,
}

impl Kind {
    /// Whether the unit is content under a heading (as opposed to a heading, a blank, a note…).
    pub(super) fn is_content(&self) -> bool {
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
pub(super) struct Unit {
    pub(super) kind: Kind,
    /// Indices into `Document::lines`.
    pub(super) first: usize,
    pub(super) last: usize,
    /// Whether the unit's first line starts a page (form feed or `document.page_start`).
    pub(super) page_start: bool,
}

/// Classifies `lines` into units, in file order; every line belongs to exactly one unit.
pub(super) fn classify(rules: &LineRules, lines: &[Line]) -> Vec<Unit> {
    let layout = rules.layout;
    let mut units: Vec<Unit> = Vec::with_capacity(lines.len());
    let mut next_footnote = 1u32;
    let mut i = 0usize;
    while i < lines.len() {
        let (kind, last) = kind_at(rules, lines, i, &units, &mut next_footnote);
        units.push(Unit {
            kind,
            first: i,
            last,
            page_start: starts_page(layout, &lines[i]),
        });
        i = last + 1;
    }
    mark_challenges_headings(rules.challenges_heading, lines, &mut units);
    units
}

fn starts_page(layout: &Layout, line: &Line) -> bool {
    line.page_break || layout.page_start.is_match(&line.text)
}

/// The kind of the unit that starts at line `i`, and the index of its last line.
/// `next_footnote` is the number the next footnote must have; taking a footnote advances it.
fn kind_at(
    rules: &LineRules,
    lines: &[Line],
    i: usize,
    units: &[Unit],
    next_footnote: &mut u32,
) -> (Kind, usize) {
    let layout = rules.layout;
    let text = lines[i].text.as_str();
    if lines[i].is_blank() {
        return (Kind::Blank, i);
    }
    if let Some(h) = rules.headings.get(&i) {
        return objective_heading(rules, lines, h);
    }
    if let Some(c) = layout.section_start.captures(text) {
        return section_heading(rules, lines, i, &c);
    }
    if let Some(c) = layout.footnote_start.captures(text) {
        let number = c["number"].parse::<u32>().unwrap_or(0);
        if number == *next_footnote && follows_blank_or_footnote(lines, units, i) {
            *next_footnote += 1;
            return footnote(rules, lines, i, &c, *next_footnote);
        }
    }
    (line_kind(rules, text), i)
}

/// An objective heading found with the catalog. The catalog follows the title over the lines
/// that continue the catalog's title; a printed title that departs from it goes on, as before,
/// until a line ends the heading (`objective_heading.end`), `max_lines` are taken, or a line that
/// cannot be part of it comes.
fn objective_heading(rules: &LineRules, lines: &[Line], h: &HeadingMatch) -> (Kind, usize) {
    let layout = rules.layout;
    let mut title = h.title.clone();
    let mut last = h.last;
    let complete = h.title_share >= 1.0;
    while !complete
        && !layout.objective_end.is_match(&lines[last].text)
        && last + 1 < lines.len()
        && last + 1 - h.first < layout.objective_max_lines
    {
        let next = &lines[last + 1];
        if next.is_blank()
            || rules.is_heading(last + 1)
            || rules.is_any_bullet(&next.text)
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
    let kind = Kind::ObjectiveHeading {
        number: h.number,
        title,
    };
    (kind, last)
}

/// "IV. TITLE…": continuation lines in capitals, possibly with one blank line between them.
/// An objective heading in capitals is never part of it.
fn section_heading(
    rules: &LineRules,
    lines: &[Line],
    i: usize,
    c: &regex::Captures,
) -> (Kind, usize) {
    let layout = rules.layout;
    let number = c["number"].to_string();
    let mut title = c
        .name("title")
        .map_or(String::new(), |m| m.as_str().trim().to_string());
    let mut last = i;
    let mut j = i + 1;
    while j < lines.len() && j - i <= 8 {
        let l = &lines[j];
        if l.is_blank() {
            if lines
                .get(j + 1)
                .is_some_and(|n| !n.is_blank() && layout.section_continuation.is_match(&n.text))
            {
                j += 1;
                continue;
            }
            break;
        }
        if !layout.section_continuation.is_match(&l.text)
            || starts_page(layout, l)
            || rules.is_heading(j)
        {
            break;
        }
        title.push(' ');
        title.push_str(l.text.trim());
        last = j;
        j += 1;
    }
    (Kind::SectionHeading { number, title }, last)
}

/// Whether line `i` stands where a footnote can start: first in the file, after a blank line, or
/// right after the previous footnote's last line.
fn follows_blank_or_footnote(lines: &[Line], units: &[Unit], i: usize) -> bool {
    i == 0
        || lines[i - 1].is_blank()
        || units
            .last()
            .is_some_and(|u| matches!(u.kind, Kind::Footnote { .. }) && u.last + 1 == i)
}

/// A footnote starting at line `i`: its text goes on until a blank line, the next footnote
/// (numbered `next_number`), a page start, a bullet or an objective heading.
fn footnote(
    rules: &LineRules,
    lines: &[Line],
    i: usize,
    c: &regex::Captures,
    next_number: u32,
) -> (Kind, usize) {
    let number = c["number"].parse::<u32>().unwrap_or(0);
    let mut body = c.name("text").map_or("", |m| m.as_str()).trim().to_string();
    let layout = rules.layout;
    let mut last = i;
    while let Some(next) = lines.get(last + 1) {
        let next_note = layout
            .footnote_start
            .captures(&next.text)
            .and_then(|c| c["number"].parse::<u32>().ok())
            == Some(next_number);
        if next.is_blank()
            || next_note
            || starts_page(layout, next)
            || layout.bullet.is_match(&next.text)
            || rules.is_heading(last + 1)
        {
            break;
        }
        body.push(' ');
        body.push_str(next.text.trim());
        last += 1;
    }
    (Kind::Footnote { number, text: body }, last)
}

/// The kind of a single line that is neither blank, a heading nor a footnote.
fn line_kind(rules: &LineRules, text: &str) -> Kind {
    let layout = rules.layout;
    if layout.link_artifact.is_match(text) {
        Kind::Link
    } else if layout.no_activities.is_match(text) {
        Kind::NoActivities
    } else if let Some(c) = layout.sub_bullet.captures(text) {
        Kind::SubBullet {
            marker: marker_of(text, &c),
            text_at: text_at(text, &c),
        }
    } else if let Some(hit) = rules.doc_bullet(text) {
        let (marker, text_at) = (hit.marker, hit.text_at);
        if hit.sub {
            Kind::SubBullet { marker, text_at }
        } else {
            Kind::Bullet { marker, text_at }
        }
    } else if let Some(c) = layout.bullet.captures(text) {
        Kind::Bullet {
            marker: c
                .name("marker")
                .map_or(String::new(), |m| m.as_str().trim().to_string()),
            text_at: text_at(text, &c),
        }
    } else if let Some(c) = layout.lettered_item.captures(text) {
        Kind::Lettered {
            marker: c
                .name("marker")
                .map_or(String::new(), |m| m.as_str().to_string()),
            text_at: text_at(text, &c),
        }
    } else if layout.page_number.is_match(text) {
        Kind::Number
    } else {
        Kind::Text
    }
}

/// Where the text after a marker starts (the line's end when the pattern captured none).
fn text_at(text: &str, c: &regex::Captures) -> usize {
    c.name("text").map_or(text.len(), |m| m.start())
}

/// The glyph of a sub-bullet: the first non-space character of the line.
fn marker_of(text: &str, c: &regex::Captures) -> String {
    text[..text_at(text, c)].trim().chars().take(1).collect()
}

/// A text or bullet line that opens a section of challenges (retos), by the challenge rules.
fn mark_challenges_headings(heading: &Pattern, lines: &[Line], units: &mut [Unit]) {
    for u in units.iter_mut() {
        if matches!(u.kind, Kind::Text | Kind::Bullet { .. })
            && heading.is_match(&lines[u.first].text)
        {
            u.kind = Kind::ChallengesHeading;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::testing::units;

    /// Classifies `text`: each unit as (first line, last line, kind), lines numbered from 1.
    fn classified(text: &str) -> Vec<(u32, u32, Kind)> {
        let (d, units) = units(text);
        units
            .into_iter()
            .map(|u| (d.lines[u.first].number, d.lines[u.last].number, u.kind))
            .collect()
    }

    /// The kind of a text of one line.
    fn kind(line: &str) -> Kind {
        let units = classified(line);
        assert_eq!(units.len(), 1, "{line:?} is one unit: {units:?}");
        units[0].2.clone()
    }

    fn bullet(marker: &str, text_at: usize) -> Kind {
        Kind::Bullet {
            marker: marker.to_string(),
            text_at,
        }
    }

    fn sub_bullet(marker: &str, text_at: usize) -> Kind {
        Kind::SubBullet {
            marker: marker.to_string(),
            text_at,
        }
    }

    #[test]
    fn bullets_of_every_glyph_with_where_their_text_starts() {
        // "●" is 3 bytes, then a space: the text starts at byte 4.
        assert_eq!(kind("● Se atendieron 129,441 casos."), bullet("●", 4));
        assert_eq!(kind("• Se elaboró la guía."), bullet("•", 4));
        assert_eq!(kind("- Se elaboró la guía."), bullet("-", 2));
        // Word's plain-text export: "·" (2 bytes) and a tab.
        assert_eq!(kind("·\tLa Guía del Viajero"), bullet("·", 3));
    }

    #[test]
    fn sub_bullets_wide_gap_indented_and_word_second_level() {
        // "●" then eight spaces: a sub-bullet, its text at 3 + 8.
        assert_eq!(
            kind("●        Vuelos de repatriación realizados: 248"),
            sub_bullet("●", 11)
        );
        assert_eq!(kind("     o Sub acción"), sub_bullet("o", 7));
        assert_eq!(
            kind("o\t112,340 casos en la red consular"),
            sub_bullet("o", 2)
        );
        // The word "o" starting a wrapped line is text.
        assert_eq!(kind("o idioma, el género, el sexo"), Kind::Text);
    }

    #[test]
    fn lettered_items_links_and_page_numbers() {
        assert_eq!(
            kind("a) Visa de Estados Unidos, Canadá"),
            Kind::Lettered {
                marker: "a)".to_string(),
                text_at: 3
            }
        );
        assert_eq!(kind("http://www.politicamigratoria.gob.mx/es"), Kind::Link);
        assert_eq!(kind("13 "), Kind::Number);
        assert_eq!(kind("2.6 millones de personas"), Kind::Text);
    }

    #[test]
    fn no_activities_line_is_not_a_bullet() {
        assert_eq!(
            kind("• No se registraron actividades correspondientes a este objetivo."),
            Kind::NoActivities
        );
        assert_eq!(
            kind("● No se cuenta con información"),
            bullet("●", 4),
            "only the 'no activities' wording counts"
        );
    }

    #[test]
    fn objective_heading_over_two_lines_is_one_unit() {
        let units = classified(
            "Objetivo 1. Recopilar y utilizar datos exactos y desglosados\n\
             para formular políticas con base empírica.\n\
             ● El Anuario de Migración",
        );
        assert_eq!(
            units,
            [
                (
                    1,
                    2,
                    Kind::ObjectiveHeading {
                        number: 1,
                        title: "Recopilar y utilizar datos exactos y desglosados para formular \
                                políticas con base empírica"
                            .to_string()
                    }
                ),
                (3, 3, bullet("●", 4)),
            ]
        );
    }

    #[test]
    fn objective_heading_stops_at_a_bullet_when_its_title_does_not_end() {
        let units = classified("Objetivo 2. Minimizar los factores adversos\n● Una acción");
        assert_eq!(
            units[0],
            (
                1,
                1,
                Kind::ObjectiveHeading {
                    number: 2,
                    title: "Minimizar los factores adversos".to_string()
                }
            )
        );
        assert_eq!(units[1], (2, 2, bullet("●", 4)));
    }

    #[test]
    fn section_heading_in_capitals_across_a_blank_line() {
        let units = classified(
            "IV. PRINCIPALES ACCIONES, PROGRAMAS Y BUENAS\n\nPRÁCTICAS DEL GOBIERNO\nEl texto sigue.",
        );
        assert_eq!(
            units,
            [
                (
                    1,
                    3,
                    Kind::SectionHeading {
                        number: "IV".to_string(),
                        title: "PRINCIPALES ACCIONES, PROGRAMAS Y BUENAS PRÁCTICAS DEL GOBIERNO"
                            .to_string()
                    }
                ),
                (4, 4, Kind::Text),
            ]
        );
    }

    #[test]
    fn footnotes_in_sequence_after_a_blank_and_wrapped() {
        let units = classified(
            "la pandemia de COVID-191\n\
             \n\
             1 Los 49 instrumentos nacionales y 30 instrumentos\n\
             internacionales vigentes.\n\
             2 Disponible en el portal de la Secretaría.\n\
             \n\
             4 Este número no sigue al 2: es texto.",
        );
        let footnote = |number: u32, text: &str| Kind::Footnote {
            number,
            text: text.to_string(),
        };
        assert_eq!(
            units,
            [
                (1, 1, Kind::Text),
                (2, 2, Kind::Blank),
                (
                    3,
                    4,
                    footnote(
                        1,
                        "Los 49 instrumentos nacionales y 30 instrumentos internacionales vigentes."
                    )
                ),
                // Right after footnote 1, with no blank line between them.
                (5, 5, footnote(2, "Disponible en el portal de la Secretaría.")),
                (6, 6, Kind::Blank),
                (7, 7, Kind::Text),
            ]
        );
    }

    #[test]
    fn a_footnote_number_needs_a_blank_line_above_it() {
        let units = classified("Texto corrido del informe\n1 Los 49 instrumentos nacionales");
        assert_eq!(units[1], (2, 2, Kind::Text));
    }

    #[test]
    fn page_starts_by_form_feed_or_by_the_single_space_of_the_2021_text() {
        let (_, units) = units("● Una acción.\n ● Otra página.\nSigue.\n\u{c}Página nueva.");
        let starts: Vec<bool> = units.iter().map(|u| u.page_start).collect();
        assert_eq!(starts, [false, true, false, true]);
    }

    #[test]
    fn challenges_heading_replaces_a_text_or_bullet_line() {
        assert_eq!(kind("RETOS IDENTIFICADOS"), Kind::ChallengesHeading);
        assert_eq!(
            kind("3. Retos para la implementación"),
            Kind::ChallengesHeading
        );
        assert_eq!(
            kind("Los retos identificados pueden corresponder"),
            Kind::Text
        );
    }
}
