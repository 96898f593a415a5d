//! Geometry shared by the stages: boxes on pages, and what was read from each page.
//!
//! A bottom module: it depends on nothing else in the crate. The PDF reader makes these values;
//! normalize, extract and audit carry them into provenance.

use serde::{Deserialize, Serialize};

/// A box on a page, in points, origin at the top left of the page as displayed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[allow(clippy::derived_hash_with_manual_eq)]
pub struct BBox {
    pub page: u32,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl BBox {
    /// The smallest box holding both (on `self`'s page).
    pub fn union(self, o: BBox) -> BBox {
        BBox {
            page: self.page,
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }
}

/// What informe read from one page.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PageInfo {
    pub page: u32,
    pub width: f32,
    pub height: f32,
    /// Byte offset of the page's text in the extracted text (pages are separated by form feeds).
    pub offset: usize,
    pub text: String,
    /// `positions` (pdf-extract glyphs) or `lopdf-text` (fallback, no positions).
    pub method: String,
    /// Problems found on this page, each a sentence.
    pub problems: Vec<String>,
}
