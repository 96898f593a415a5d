//! Text keys: accent-, case- and punctuation-insensitive forms of names and titles.
//!
//! A bottom module shared by the stages that compare names (the objectives catalog, challenge
//! categories, the audit's title and near-duplicate checks, the cross-file audit).

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

/// An accent-, case- and punctuation-insensitive key for matching names and titles:
/// `"Utilizar la detención … sólo,"` and `"utilizar la detencion … solo"` have the same key.
///
/// ```
/// use informe::textkey::fold_key;
/// assert_eq!(fold_key("Migración, Sólo."), fold_key("migracion solo"));
/// ```
pub fn fold_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.nfd() {
        if canonical_combining_class(c) != 0 {
            continue;
        }
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                out.push(l);
            }
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_key_ignores_accents_case_and_punctuation() {
        assert_eq!(
            fold_key("Proporcionar a los migrantes, acceso a servicios básicos."),
            fold_key("Proporcionar a los migrantes acceso a servicios basicos")
        );
        assert_ne!(fold_key("datos exactos"), fold_key("datos exacto"));
    }
}
