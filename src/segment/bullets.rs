//! Bullets inferred per document: the glyphs that open this document's paragraphs.
//!
//! The rules' `bullets.bullet` and `bullets.sub_bullet` patterns keep the glyphs every report of
//! the family uses; a document may use others (`▪ ■ ➢ ✓ – * ◦`, a `?` left where a lossy code
//! page had no `●`, or Word's `1.` / `1)` numbering printed as text). This module counts what opens
//! the document's lines and decides, for this document only, which openers are first-level bullets
//! and which are sub-items (a second glyph, or the same glyph further in). The rules set the limits
//! (`[bullets.infer]` in layout.toml): how many lines make an opener a bullet, which glyphs are
//! never bullets, which are always sub-items.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `[bullets.infer]` of layout.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulletInference {
    /// Lines an opener must open before it counts as a bullet of the document.
    pub min_lines: usize,
    /// Characters that never open a bullet (quotes, brackets, currency…).
    pub never: String,
    /// Glyphs that always mark a sub-item (Word's second level `o`, `◦`).
    pub sub_only: Vec<String>,
    /// Columns of indent beyond the first level that make the same glyph a sub-item.
    pub sub_indent_columns: usize,
    /// Whether `1.` / `1)` numbering opens actions when the document has no bullet glyph.
    pub numbered: bool,
}

/// What opens a line: a glyph or a number, where, and where the text starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opener {
    /// The glyph (`▪`, `?`, `o`), or `1.` / `1)` for numbering (as a class: any number).
    pub class: String,
    /// The marker as printed (`▪`, `12.`).
    pub marker: String,
    /// Columns before the marker (a tab counts 4).
    pub indent: usize,
    /// Byte offset of the text after the marker.
    pub text_at: usize,
}

/// The document's bullets: which openers are first-level and which are sub-items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocBullets {
    /// Opener classes of first-level bullets, with their usual indent.
    pub first: BTreeMap<String, usize>,
    /// Opener classes that are always sub-items.
    pub sub: Vec<String>,
}

/// A line's bullet, as this document uses them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulletHit {
    pub sub: bool,
    pub marker: String,
    pub text_at: usize,
}

const TAB_COLUMNS: usize = 4;

/// The opener of a line, if it starts with a glyph and a space, `o` and a tab or two spaces, or a
/// number and `.`/`)` and a space.
pub fn opener(text: &str, rules: &BulletInference) -> Option<Opener> {
    let indent: usize = text
        .chars()
        .take_while(|c| c.is_whitespace())
        .map(|c| if c == '\t' { TAB_COLUMNS } else { 1 })
        .sum();
    let start = text.len() - text.trim_start().len();
    let rest = &text[start..];
    let mut chars = rest.char_indices();
    let (_, c) = chars.next()?;
    let after = chars.next();
    let text_at = |from: usize| {
        let tail = &rest[from..];
        start + from + (tail.len() - tail.trim_start().len())
    };
    // Numbering: 1. 12) …
    let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
    if (1..=3).contains(&digits) {
        let punct = rest[digits..].chars().next()?;
        if !matches!(punct, '.' | ')') {
            return None;
        }
        let space = rest[digits + 1..].chars().next();
        if space.is_some_and(char::is_whitespace) {
            return Some(Opener {
                class: format!("1{punct}"),
                marker: rest[..digits + 1].to_string(),
                indent,
                text_at: text_at(digits + 1),
            });
        }
        return None;
    }
    // Word's second level: the letter o and a tab (or two spaces), never the word "o".
    if c == 'o' {
        let tail = &rest[1..];
        if tail.starts_with('\t') || tail.starts_with("  ") {
            return Some(Opener {
                class: "o".into(),
                marker: "o".into(),
                indent,
                text_at: text_at(1),
            });
        }
        return None;
    }
    if c.is_alphanumeric() || c.is_whitespace() || rules.never.contains(c) {
        return None;
    }
    let (at, next) = after?;
    if !next.is_whitespace() {
        return None;
    }
    Some(Opener {
        class: c.to_string(),
        marker: c.to_string(),
        indent,
        text_at: text_at(at),
    })
}

/// Infers the document's bullets from its lines.
pub fn infer(lines: &[&str], rules: &BulletInference) -> DocBullets {
    // Per class: lines opened, and their indents.
    let mut seen: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for line in lines {
        if let Some(o) = opener(line, rules) {
            seen.entry(o.class).or_default().push(o.indent);
        }
    }
    seen.retain(|_, indents| indents.len() >= rules.min_lines);
    // Numbering opens actions only where it is the document's main opener (more lines than any
    // glyph): a numbered list printed from Word, not a numbered table row among bullets.
    let is_number = |class: &str| class.starts_with('1');
    let most_glyph_lines = seen
        .iter()
        .filter(|(c, _)| !is_number(c) && !rules.sub_only.contains(c))
        .map(|(_, v)| v.len())
        .max()
        .unwrap_or(0);
    seen.retain(|class, v| !is_number(class) || (rules.numbered && v.len() > most_glyph_lines));
    let usual = |indents: &Vec<usize>| {
        let mut v = indents.clone();
        v.sort_unstable();
        v[v.len() / 2]
    };
    let mut sub: Vec<String> = Vec::new();
    let mut first: BTreeMap<String, usize> = BTreeMap::new();
    let candidates: Vec<(String, usize, usize)> = seen
        .iter()
        .filter(|(class, _)| !rules.sub_only.contains(class))
        .map(|(class, indents)| (class.clone(), usual(indents), indents.len()))
        .collect();
    let first_indent = candidates
        .iter()
        .max_by_key(|(_, _, n)| *n)
        .map(|(_, indent, _)| *indent);
    for (class, indent, _) in candidates {
        match first_indent {
            Some(fi) if indent > fi + rules.sub_indent_columns => sub.push(class),
            _ => {
                first.insert(class, indent);
            }
        }
    }
    for class in seen.keys().filter(|c| rules.sub_only.contains(c)) {
        sub.push(class.clone());
    }
    DocBullets { first, sub }
}

impl DocBullets {
    /// The line's bullet, if this document's openers include what opens it.
    pub fn classify(&self, text: &str, rules: &BulletInference) -> Option<BulletHit> {
        let o = opener(text, rules)?;
        let hit = |sub: bool| BulletHit {
            sub,
            marker: o.marker.clone(),
            text_at: o.text_at,
        };
        if self.sub.contains(&o.class) {
            return Some(hit(true));
        }
        let usual = *self.first.get(&o.class)?;
        Some(hit(o.indent > usual + rules.sub_indent_columns))
    }

    pub fn is_empty(&self) -> bool {
        self.first.is_empty() && self.sub.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> BulletInference {
        BulletInference {
            min_lines: 3,
            never: "\"'“”‘’«»([{¿¡$€%#@&/\\|<>=+".into(),
            sub_only: vec!["o".into(), "◦".into()],
            sub_indent_columns: 1,
            numbered: true,
        }
    }

    fn doc(text: &str) -> DocBullets {
        let lines: Vec<&str> = text.lines().collect();
        infer(&lines, &rules())
    }

    #[test]
    fn a_glyph_that_opens_three_lines_is_a_bullet() {
        let d = doc("▪ uno\ntexto\n▪ dos\n▪ tres\n➢ solo una vez\n");
        assert_eq!(d.first.keys().collect::<Vec<_>>(), ["▪"]);
        let hit = d.classify("▪ cuatro", &rules()).unwrap();
        assert_eq!((hit.sub, hit.marker.as_str(), hit.text_at), (false, "▪", 4));
        assert!(d.classify("➢ solo una vez", &rules()).is_none());
    }

    #[test]
    fn a_question_mark_left_by_a_lossy_code_page_is_a_bullet() {
        let d = doc("?\tuno\n?\tdos\n?\ttres\n¿Qué pasó?\n");
        assert!(d.classify("?\tcuatro", &rules()).is_some_and(|h| !h.sub));
        assert!(d.classify("¿Qué pasó?", &rules()).is_none());
    }

    #[test]
    fn o_and_indented_glyphs_are_sub_items() {
        let d = doc("- uno\no\tsub\n- dos\no\tsub\n- tres\no\tsub\n    - sub sangrado\n");
        assert!(d.classify("o\tsub", &rules()).unwrap().sub);
        assert!(d.classify("    - sub sangrado", &rules()).unwrap().sub);
        assert!(!d.classify("- cuatro", &rules()).unwrap().sub);
        assert!(d.classify("o sea, nada", &rules()).is_none());
    }

    #[test]
    fn numbering_opens_actions_only_where_it_is_the_main_opener() {
        let numbered = doc("8. uno\n9. dos\n10. tres\n");
        assert!(numbered.classify("11. cuatro", &rules()).is_some());
        let with_glyphs = doc("● uno\n● dos\n● tres\n● cuatro\n1. a\n2. b\n3. c\n");
        assert!(with_glyphs.classify("4. d", &rules()).is_none());
        // Word's numbered list with bulleted sub-items: numbers first level, glyphs below.
        let word = doc("1. uno\n    • a\n2. dos\n    • b\n3. tres\n    • c\n4. cuatro\n");
        assert!(!word.classify("5. cinco", &rules()).unwrap().sub);
        assert!(word.classify("    • d", &rules()).unwrap().sub);
    }

    #[test]
    fn words_numbers_and_quotes_do_not_open_bullets() {
        let r = rules();
        assert!(opener("El Anuario", &r).is_none());
        assert!(opener("2020 fue", &r).is_none());
        assert!(opener("“Prácticas” locales", &r).is_none());
        assert!(opener("1,234 personas", &r).is_none());
        assert_eq!(opener("  ■ dato", &r).unwrap().indent, 2);
        // An ordinal after the number is text, not a marker (a regression: it split 'ª').
        assert!(opener("71ª Asamblea General", &r).is_none());
    }
}
