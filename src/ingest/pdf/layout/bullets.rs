//! Nested lists: which bullets of a column belong to the list item above them.

use super::Piece;
use crate::ingest::pdf::params::PdfParams;
use crate::ingest::IngestRules;

/// A bullet glyph followed by text, or Word's second-level "o" followed by a tab.
fn bullet_like(t: &str) -> bool {
    let mut chars = t.chars();
    let (Some(first), Some(second)) = (chars.next(), chars.next()) else {
        return false;
    };
    second.is_whitespace()
        && ((!first.is_alphanumeric() && !first.is_whitespace())
            || (first == 'o' && second == '\t'))
}

/// Where the bullets and text of the current list stand, read in order.
struct List {
    /// x of the first-level bullet.
    top_x: Option<f64>,
    /// x of the last nested bullet, while its list goes on.
    sub_x: Option<f64>,
    /// x of the text of the last list item.
    cont_x: Option<f64>,
    /// Whether text belongs to a list item (no heading since the last bullet).
    in_list: bool,
    /// Whether the last line of text ends with a colon (a lead: "Durante el periodo…:").
    lead: bool,
}

impl List {
    /// At the top of a column: the item the previous page left open may go on.
    fn open() -> List {
        List {
            top_x: None,
            sub_x: None,
            cont_x: None,
            in_list: true,
            lead: false,
        }
    }

    /// After a heading: no list.
    fn ended() -> List {
        List {
            in_list: false,
            ..List::open()
        }
    }

    /// A bullet at `x0`: whether it is nested. `size` is the body font size.
    fn bullet(&mut self, x0: f64, size: f64, p: &PdfParams) -> bool {
        let sub = self
            .sub_x
            .is_some_and(|x| (x0 - x).abs() < p.sub_bullet_align)
            || self
                .top_x
                .is_some_and(|t| x0 > t + p.sub_bullet_indent * size)
            || self
                .cont_x
                .is_some_and(|c| x0 > c + p.sub_bullet_past_text * size)
            || (self.lead && self.cont_x.is_some_and(|c| x0 >= c - p.sub_bullet_align));
        if sub {
            self.sub_x = Some(x0);
        } else {
            self.top_x = Some(x0);
            self.sub_x = None;
            self.cont_x = None;
        }
        self.in_list = true;
        self.lead = false;
        sub
    }

    /// A line of text at `x0`: left of the nested bullets it ends their list. `lead`: it ends
    /// with a colon, so bullets that stand at its start are its items.
    fn text(&mut self, x0: f64, lead: bool, p: &PdfParams) {
        self.lead = lead;
        if self.sub_x.is_some_and(|x| x0 < x - p.sub_bullet_align) {
            self.sub_x = None;
        }
        if self.in_list {
            self.cont_x = Some(x0);
        }
    }
}

/// Marks the bullets of nested lists in one column, in reading order. A bullet is nested when it
/// stands in line with the nested bullet before it, right of the column's first-level bullet,
/// right of the text of the list item before it (which, at the top of a page, is the item that
/// the previous page left open), or at that text's start after a line ending with a colon. A heading ends the list. `size` is the body font size.
pub(super) fn mark_sub_bullets(group: &mut [Piece], layout: &IngestRules, size: f64) {
    let p = &layout.pdf;
    let mut list = List::open();
    for piece in group.iter_mut() {
        if bullet_like(&piece.text) {
            piece.sub = list.bullet(piece.x0, size, p);
        } else if layout.objective_start.is_match(&piece.text) {
            list = List::ended();
        } else {
            list.text(piece.x0, piece.text.trim_end().ends_with(':'), p);
        }
    }
}
