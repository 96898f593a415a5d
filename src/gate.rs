//! Gates: the parts of a text where a pattern cannot match, read from the pattern's syntax at
//! load, so that a search skips them without changing what it finds.
//!
//! A bottom module (it uses no stage). Three facts are read from a pattern's syntax tree:
//! - the ASCII characters none of its literals and classes can match: a match never contains
//!   one, so it never crosses one (*barriers*: for the period forms, `.`, `;`, `(`, `:`…);
//! - whether every match contains a digit (a `\d`, which is Unicode's `Nd`, or a digit literal);
//! - the length of the run of ASCII digits every match contains, if any (a year, `[0-9]{4}`, in
//!   each period form).
//!
//! A text is then cut at its barriers and only the pieces that hold a digit, or a run of digits as
//! long, where one is needed, are searched, each as a span of the whole text so that `\b` and the
//! other look-arounds still see the characters around it. Every match lies inside one piece, so
//! the matches are the ones a search of the whole text finds, in the same order.

use std::ops::Range;

use regex_syntax::hir::{Class, Hir, HirKind};

/// Where the matches of a pattern (or of several) can be.
#[derive(Debug, Clone)]
pub struct Gate {
    /// ASCII bytes no match contains.
    barrier: [bool; 128],
    /// Every match contains a digit.
    needs_digit: bool,
    /// Every match contains this many ASCII digits in a row (0: no run is needed).
    digit_run: usize,
    /// No match is empty. An empty match could sit on a barrier, so without this the gate
    /// searches the whole text.
    never_empty: bool,
    /// Each byte's kind (barrier, digit, beyond ASCII), from the above.
    kinds: [u8; 256],
}

impl Gate {
    /// The gate of one pattern, from its syntax tree.
    pub fn of(hir: &Hir) -> Gate {
        let mut allowed = [false; 128];
        mark_allowed(hir, &mut allowed);
        Gate {
            barrier: allowed.map(|a| !a),
            needs_digit: needs_digit(hir),
            digit_run: digits(hir).run,
            never_empty: hir.properties().minimum_len().is_some_and(|n| n > 0),
            kinds: [0; 256],
        }
        .with_kinds()
    }

    /// The gate of several patterns searched over the same text: a part is skipped only where
    /// none of them can match.
    pub fn all<'a>(gates: impl IntoIterator<Item = &'a Gate>) -> Gate {
        let mut out = Gate {
            barrier: [true; 128],
            needs_digit: true,
            digit_run: usize::MAX,
            never_empty: true,
            kinds: [0; 256],
        };
        for g in gates {
            for (b, own) in out.barrier.iter_mut().zip(g.barrier) {
                *b &= own;
            }
            out.needs_digit &= g.needs_digit;
            out.digit_run = out.digit_run.min(g.digit_run);
            out.never_empty &= g.never_empty;
        }
        out.with_kinds()
    }

    fn with_kinds(mut self) -> Gate {
        self.kinds = self.byte_kinds();
        self
    }

    /// The ranges of `text` to search, in text order: its [pieces](Gate::pieces), those less
    /// than [`MERGE_GAP_BYTES`] apart searched as one (what lies between them holds no match:
    /// it is barriers, or pieces without the digit every match needs), since a search has a
    /// cost of its own besides its bytes.
    pub fn spans(&self, text: &str) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        for piece in self.pieces(text) {
            match out.last_mut() {
                Some(last) if piece.start - last.end < MERGE_GAP_BYTES => last.end = piece.end,
                _ => out.push(piece),
            }
        }
        out
    }

    /// The byte ranges of `text` where a match can be, in text order: the runs between barriers
    /// that hold a digit where one is needed.
    pub fn pieces(&self, text: &str) -> Vec<Range<usize>> {
        if !self.never_empty {
            return std::iter::once(0..text.len()).collect();
        }
        let bytes = text.as_bytes();
        let kinds = &self.kinds;
        let mut out = Vec::new();
        // `run`: the ASCII digits just read in a row; `longest`: the longest run of the piece.
        let (mut start, mut seen, mut run, mut longest) = (0, 0u8, 0, 0);
        for (i, &b) in bytes.iter().enumerate() {
            let kind = kinds[usize::from(b)];
            if kind == BARRIER {
                self.keep(text, start..i, seen, longest, &mut out);
                (start, seen, run, longest) = (i + 1, 0, 0, 0);
            } else {
                seen |= kind;
                run = if kind == DIGIT { run + 1 } else { 0 };
                longest = longest.max(run);
            }
        }
        self.keep(text, start..bytes.len(), seen, longest, &mut out);
        out
    }

    /// Each byte's kind, for [`Gate::pieces`].
    fn byte_kinds(&self) -> [u8; 256] {
        std::array::from_fn(|b| match b {
            0x30..=0x39 if !self.barrier[b] => DIGIT,
            0..=127 if self.barrier[b] => BARRIER,
            0..=127 => 0,
            _ => NOT_ASCII,
        })
    }

    /// Keeps `span`, whose bytes were of the kinds `seen` and whose longest run of ASCII digits
    /// is `longest`, if a match can be in it.
    fn keep(
        &self,
        text: &str,
        span: Range<usize>,
        seen: u8,
        longest: usize,
        out: &mut Vec<Range<usize>>,
    ) {
        // Barriers are ASCII, so a span always starts and ends on a character boundary.
        let piece = text.get(span.clone()).unwrap_or_default();
        // The run first: it is known already, and where it is needed it holds the digit.
        let digit = || seen & DIGIT != 0 || (seen & NOT_ASCII != 0 && has_digit(piece));
        if !piece.is_empty() && longest >= self.digit_run && (!self.needs_digit || digit()) {
            out.push(span);
        }
    }
}

/// Pieces closer than this are searched as one range (bytes): a search has a cost of its own,
/// whatever its length. On the report's actions, 64 did best of 16 to 4,096 (0.5 M instructions
/// a pass less than no merging; 256 and more gave back most of it).
pub const MERGE_GAP_BYTES: usize = 64;

/// What [`Gate::pieces`] tells bytes apart by.
const BARRIER: u8 = 1;
const DIGIT: u8 = 2;
const NOT_ASCII: u8 = 4;

/// Whether `s` holds a character `\d` can match. `char::is_numeric` is a superset of `Nd`, so
/// a piece with a digit is never skipped.
fn has_digit(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit()) || (!s.is_ascii() && s.chars().any(char::is_numeric))
}

/// Marks every ASCII character some literal or class of `hir` can match.
fn mark_allowed(hir: &Hir, allowed: &mut [bool; 128]) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => {
            for &b in lit.0.iter().filter(|b| b.is_ascii()) {
                allowed[usize::from(b)] = true;
            }
        }
        HirKind::Class(Class::Unicode(c)) => {
            for r in c.iter() {
                mark_range(u32::from(r.start()), u32::from(r.end()), allowed);
            }
        }
        HirKind::Class(Class::Bytes(c)) => {
            for r in c.iter() {
                mark_range(u32::from(r.start()), u32::from(r.end()), allowed);
            }
        }
        HirKind::Repetition(rep) => mark_allowed(&rep.sub, allowed),
        HirKind::Capture(cap) => mark_allowed(&cap.sub, allowed),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            for sub in subs {
                mark_allowed(sub, allowed);
            }
        }
    }
}

fn mark_range(start: u32, end: u32, allowed: &mut [bool; 128]) {
    for c in start..=end.min(127) {
        allowed[c as usize] = true;
    }
}

/// Whether every match of `hir` contains a digit.
fn needs_digit(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(lit) => std::str::from_utf8(&lit.0).is_ok_and(has_digit),
        HirKind::Class(Class::Unicode(c)) => {
            // Every character of the class is one [`has_digit`] finds (stops at the first that
            // is not).
            c.iter().next().is_some()
                && c.iter().all(|r| {
                    (u32::from(r.start())..=u32::from(r.end()))
                        .all(|c| char::from_u32(c).is_some_and(char::is_numeric))
                })
        }
        HirKind::Class(Class::Bytes(c)) => {
            c.iter().next().is_some()
                && c.iter()
                    .all(|r| r.start().is_ascii_digit() && r.end().is_ascii_digit())
        }
        HirKind::Repetition(rep) => rep.min > 0 && needs_digit(&rep.sub),
        HirKind::Capture(cap) => needs_digit(&cap.sub),
        HirKind::Concat(subs) => subs.iter().any(needs_digit),
        HirKind::Alternation(subs) => subs.iter().all(needs_digit),
    }
}

/// What every match of a pattern holds of ASCII digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Digits {
    /// Every match is ASCII digits only, at least this many.
    only: Option<usize>,
    /// Every match contains at least this many ASCII digits in a row.
    run: usize,
}

/// [`Digits`] of `hir`, read from its syntax. Each answer is a lower bound: a part that may hold
/// something else than digits ends a run, even where its matches could end in digits.
fn digits(hir: &Hir) -> Digits {
    let only = |n: usize| Digits {
        only: Some(n),
        run: n,
    };
    let other = |run: usize| Digits { only: None, run };
    match hir.kind() {
        // Zero-width: nothing between two digits.
        HirKind::Empty | HirKind::Look(_) => only(0),
        HirKind::Literal(lit) if lit.0.iter().all(u8::is_ascii_digit) => only(lit.0.len()),
        HirKind::Literal(lit) => other(
            lit.0
                .split(|b| !b.is_ascii_digit())
                .map(<[u8]>::len)
                .max()
                .unwrap_or(0),
        ),
        HirKind::Class(Class::Unicode(c))
            if c.iter().next().is_some()
                && c.iter().all(|r| r.start() >= '0' && r.end() <= '9') =>
        {
            only(1)
        }
        HirKind::Class(Class::Bytes(c))
            if c.iter().next().is_some()
                && c.iter().all(|r| r.start() >= b'0' && r.end() <= b'9') =>
        {
            only(1)
        }
        HirKind::Class(_) => other(0),
        HirKind::Repetition(rep) => {
            let sub = digits(&rep.sub);
            let times = usize::try_from(rep.min).unwrap_or(usize::MAX);
            match sub.only {
                Some(n) => only(n.saturating_mul(times)),
                None if rep.min > 0 => other(sub.run),
                None => other(0),
            }
        }
        HirKind::Capture(cap) => digits(&cap.sub),
        HirKind::Concat(subs) => {
            // Neighbours made of digits only make one run.
            let (mut run, mut together, mut all) = (0, 0usize, Some(0usize));
            for sub in subs.iter().map(digits) {
                run = run.max(sub.run);
                match sub.only {
                    Some(n) => together = together.saturating_add(n),
                    None => together = 0,
                }
                run = run.max(together);
                all = all.zip(sub.only).map(|(a, n)| a.saturating_add(n));
            }
            Digits { only: all, run }
        }
        HirKind::Alternation(subs) => {
            let each: Vec<Digits> = subs.iter().map(digits).collect();
            Digits {
                only: each
                    .iter()
                    .map(|d| d.only)
                    .try_fold(usize::MAX, |m, n| n.map(|n| m.min(n))),
                run: each.iter().map(|d| d.run).min().unwrap_or(0),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(pattern: &str) -> Gate {
        Gate::of(&regex_syntax::parse(pattern).expect("a valid pattern"))
    }

    fn pieces<'t>(g: &Gate, text: &'t str) -> Vec<&'t str> {
        g.pieces(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn pieces_close_together_are_searched_as_one() {
        let g = gate(r"\d{4}");
        let far = "x".repeat(MERGE_GAP_BYTES);
        let text = format!("2020. 2021. sin; nada{far}; 2022");
        let spans = g.spans(&text);
        assert_eq!(g.pieces(&text).len(), 3);
        assert_eq!(spans.len(), 2);
        assert_eq!(&text[spans[0].clone()], "2020. 2021");
        assert_eq!(&text[spans[1].clone()], "2022");
    }

    #[test]
    fn a_text_is_cut_where_no_match_can_reach_and_kept_where_a_digit_is() {
        let g = gate(r"(?i)\b\p{L}+\s+\d{4}");
        assert!(g.needs_digit);
        assert_eq!(
            pieces(&g, "Sin fecha. Desde junio 2020 (de 2021); y luego: nada"),
            vec![" Desde junio 2020 ", "de 2021"]
        );
        // A letter no literal or class of the pattern holds is a barrier too.
        let g = gate(r"(?i)\b(?:de|del)\s+\d{4}");
        assert_eq!(pieces(&g, "Desde 2020"), vec!["de 2020"]);
    }

    #[test]
    fn unicode_digits_count_as_digits() {
        let g = gate(r"\d+");
        // U+0663 ARABIC-INDIC DIGIT THREE is a \d; the piece that holds it is searched.
        assert_eq!(pieces(&g, "nada. \u{663}."), vec!["\u{663}"]);
    }

    #[test]
    fn the_run_of_digits_every_match_holds_is_read_from_the_syntax() {
        let run = |p: &str| gate(p).digit_run;
        assert_eq!(run(r"(?:19|20)[0-9]{2}"), 4);
        assert_eq!(run(r"(?i)\bdel?\s+(?P<y>(?:19|20)[0-9]{2})\b"), 4);
        // Neighbours join; something else between them ends the run.
        assert_eq!(run(r"[0-9]{2}(?-u:\b)[0-9]"), 3);
        assert_eq!(run(r"[0-9]{2}-[0-9]{3}"), 3);
        assert_eq!(run(r"ab12c3"), 2);
        // An alternation holds its shortest branch's run; an optional part holds none.
        assert_eq!(run(r"[0-9]{4}|[0-9]{2}x"), 2);
        assert_eq!(run(r"x(?:[0-9]{4})?"), 0);
        assert_eq!(run(r"x[0-9]{2,}"), 2);
        // `\d` is any Unicode digit: not a run of ASCII ones.
        assert_eq!(run(r"\d{4}"), 0);
        assert_eq!(run(r"[0-9a]{4}"), 0);
    }

    #[test]
    fn a_piece_without_the_run_every_match_needs_is_skipped() {
        let g = gate(r"(?i)\bde\s+[0-9]{4}");
        assert_eq!(
            pieces(&g, "de 12 casos; de 2021; 1 de 3; año 20. de 19999"),
            vec![" de 2021", " de 19999"]
        );
    }

    #[test]
    fn a_pattern_without_a_needed_digit_keeps_every_piece() {
        let g = gate(r"\d+|uno");
        assert!(!g.needs_digit);
        // Every piece the pattern's characters make, with a digit or not.
        assert_eq!(pieces(&g, "uno. dos"), vec!["uno", "o"]);
    }

    #[test]
    fn a_pattern_that_can_match_empty_is_searched_whole() {
        let g = gate(r"\d*");
        assert_eq!(pieces(&g, "a. b"), vec!["a. b"]);
    }

    #[test]
    fn several_patterns_cut_only_where_none_can_match() {
        let g = Gate::all([&gate(r"a\d"), &gate(r"b[.]\d")]);
        assert!(!g.barrier[usize::from(b'.')]);
        assert!(g.barrier[usize::from(b';')]);
        assert_eq!(pieces(&g, "a1;b.2; c"), vec!["a1", "b.2"]);
    }

    #[test]
    fn the_pieces_hold_every_match_of_a_whole_search() {
        let months = "enero|junio|julio";
        let pattern = format!(
            r"(?i)(?-u:\b)(?:de|desde)\s+(?:{months})(?:\s+(?:del?\s+)?\d{{4}})?\s+(?:a|al)\s+(?:{months})\s+(?:del?\s+)?\d{{4}}"
        );
        let re = regex_automata::meta::Regex::new(&pattern).expect("compiles");
        let g = gate(&pattern);
        let text = "Acciones (de enero a junio de 2021). De junio de 2020 al julio 2021; \
                    de enero a julio, sin año. Xde enero a junio de 2021.";
        let whole: Vec<_> = re.find_iter(text).map(|m| m.range()).collect();
        let gated: Vec<_> = g
            .spans(text)
            .into_iter()
            .flat_map(|s| {
                re.find_iter(regex_automata::Input::new(text).span(s))
                    .map(|m| m.range())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(whole.len(), 2);
        assert_eq!(gated, whole);
    }
}
