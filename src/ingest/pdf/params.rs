//! The numbers the PDF reader measures with, read from the `[pdf]` table of `layout.toml`.
//!
//! Every threshold of the reader is a field here: the file says what each one measures and in
//! which unit (points, a ratio of a font size, a share of the page, a count or a percentage).

use serde::Deserialize;

/// Geometric thresholds of the PDF reader (`[pdf]` in `layout.toml`).
///
/// Percentages are whole numbers compared in integer arithmetic, and sizes and gaps are binned
/// per point, so that the values read the same as the rules they state.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PdfParams {
    // ---- pages and glyphs ----
    /// Page width when neither the page nor its parents give a MediaBox (points).
    pub default_page_width: f64,
    /// Page height when neither the page nor its parents give a MediaBox (points).
    pub default_page_height: f64,
    /// How many `/Parent` levels are followed for an inherited `/Rotate` or MediaBox (count).
    pub max_page_tree_depth: usize,
    /// Height of a glyph's box above its baseline (× font size).
    pub glyph_ascent: f64,
    /// Depth of a glyph's box below its baseline (× font size).
    pub glyph_descent: f64,
    /// A glyph narrower than this (× font size) has an unknown width (a misread font) …
    pub known_advance_min: f64,
    /// … and, unless the next glyph shows it, is taken this wide (× font size).
    pub unknown_advance: f64,
    /// Fewest glyphs for a page to count as collapsed onto one baseline (count).
    pub collapsed_min_glyphs: usize,
    /// Glyphs this close to the first glyph's baseline are on it (points).
    pub collapsed_baseline_tolerance: f64,
    /// Collapsed when the glyphs' advances add up to more than this (× page width).
    pub collapsed_min_advance: f64,

    // ---- glyphs into pieces ----
    /// Glyphs whose baselines are this close share a line (points).
    pub baseline_tolerance: f64,
    /// Smallest font size that gaps are measured against (points).
    pub min_font_size: f64,
    /// A gap wider than this starts a new piece (× font size).
    pub piece_gap: f64,
    /// Font sizes differing by more than this are a change of size (× the larger size).
    pub size_change: f64,
    /// At a change of size, a gap wider than this starts a new piece (× font size).
    pub size_change_gap: f64,
    /// A gap wider than this inside a piece is a space (× font size).
    pub word_gap: f64,
    /// Largest step back to the left, between glyphs consecutive in the content stream, for a
    /// line to be read in stream order (× font size).
    pub stream_backstep: f64,
    /// A superscript's type is smaller than this (× its host line's size, and the page's largest).
    pub superscript_max_size: f64,
    /// The host line's baseline lies at most this far below a superscript (× the host's size).
    pub superscript_rise: f64,
    /// A superscript starts at most this far left of its host line (points).
    pub superscript_left_overhang: f64,
    /// A superscript ends at most this far right of its host line (× the host's size).
    pub superscript_right_overhang: f64,

    // ---- running headers and footers ----
    /// The top band ends at this share of the page height, from the top (share of height).
    pub band_top: f64,
    /// The bottom band starts at this share of the page height, from the top (share of height).
    pub band_bottom: f64,
    /// Repeated text (a running header or footer) is looked for in a margin this deep from the
    /// top and from the bottom of the page (share of height); bare page numbers only in the bands.
    pub running_margin: f64,
    /// Letters a text in that margin (outside the bands) needs to be taken for running text.
    pub running_min_letters: usize,
    /// A running header or footer is on at least this many pages (count).
    pub running_min_pages: usize,
    /// A running header or footer is on at least this share of the pages (percent of pages).
    pub running_min_percent: usize,

    // ---- body, footnotes and line spacing ----
    /// Font sizes are counted in bins of 1 / this many points to find the body size (per point).
    pub size_bins_per_point: f64,
    /// Body size of a page with no sizes to count (points).
    pub default_body_size: f64,
    /// Pieces at least this large are body text (× body size).
    pub body_min_size: f64,
    /// Pieces below all body text and smaller than this are footnotes (× body size).
    pub footnote_max_size: f64,
    /// Gaps between lines are measured in steps of 1 / this many points (per point).
    pub spacing_bins_per_point: f64,
    /// The usual line spacing is this percentile of the gaps between lines (percent).
    pub line_spacing_percentile: usize,
    /// Line spacing of a page with no gaps to measure (× body size).
    pub default_line_spacing: f64,
    /// Line spacing is at least this (× body size).
    pub min_line_spacing: f64,
    /// A gap wider than this between lines is a paragraph break (× line spacing).
    pub paragraph_gap: f64,

    // ---- lines ----
    /// Pieces whose baselines differ by at most this are one line (× the larger font size).
    pub same_line: f64,
    /// A gap wider than this after a single glyph is a tab (× font size).
    pub tab_gap: f64,

    // ---- columns and side boxes ----
    /// Fewer body pieces than this are one column (count).
    pub columns_min_pieces: usize,
    /// Pieces this close in baseline are one line when counting gutter crossings (× font size).
    pub column_line_tolerance: f64,
    /// Gutter crossings are counted every this many points across the page (points).
    pub gutter_step: f64,
    /// At most this share of the lines cross a gutter, rounded down (percent of lines).
    pub gutter_max_crossing_percent: usize,
    /// A gutter is at least this wide (points).
    pub gutter_min_width: f64,
    /// A bullet glyph left of the gutter's center goes with the text right of it when that text
    /// starts within this distance (× font size).
    pub bullet_text_gap: f64,
    /// A gutter's center lies right of this share of the page width (share of width).
    pub gutter_min_x: f64,
    /// A gutter's center lies left of this share of the page width (share of width).
    pub gutter_max_x: f64,
    /// Each of two balanced columns holds at least this share of the body's text (percent of bytes).
    pub column_min_text_percent: usize,
    /// Each of two balanced columns has text on at least this many baselines (count).
    pub column_min_rows: usize,
    /// Real text beside a side box: a piece of at least this many characters (count).
    pub side_box_min_text_chars: usize,
    /// A side box is narrower than this share of the other column's width (ratio of widths).
    pub side_box_max_width: f64,
    /// Side pieces at most this far apart vertically are one box (× font size).
    pub side_box_line_gap: f64,
    /// A side box's top stands this far above its first baseline (× font size).
    pub side_box_top: f64,

    // ---- nested lists ----
    /// Bullets this close in x are aligned; text this far left of a nested bullet ends its list
    /// (points).
    pub sub_bullet_align: f64,
    /// A bullet this far right of the first-level bullet is nested (× body size).
    pub sub_bullet_indent: f64,
    /// A bullet this far right of the text of the item before it is nested (× body size).
    pub sub_bullet_past_text: f64,
}
