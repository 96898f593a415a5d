//! Every rules profile under rules/ loads: each regex compiles and each example passes
//! (`match` lines match, `no_match` lines do not). Loading runs the examples, so a profile that
//! loads has passed them; the test also checks that every pattern carries examples.

use std::path::Path;

use informe::Rules;

#[test]
fn every_profile_loads_and_its_examples_pass() {
    let mut profiles = 0;
    for entry in std::fs::read_dir("rules").unwrap() {
        let dir = entry.unwrap().path();
        if dir.is_dir() {
            let rules = Rules::load(&dir).unwrap_or_else(|e| panic!("{e}"));
            assert!(!rules.objectives.objectives.is_empty());
            profiles += 1;
        }
    }
    assert!(profiles >= 1);
}

#[test]
fn every_pattern_in_the_files_has_examples() {
    // Count `pattern =` keys and the `match =` keys that must go with them, file by file.
    for entry in std::fs::read_dir("rules/gcm").unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let patterns = text.lines().filter(|l| l.starts_with("pattern =")).count();
        let examples = text.lines().filter(|l| l.starts_with("match =")).count();
        assert_eq!(
            patterns,
            examples,
            "{}: a pattern without examples",
            path.display()
        );
    }
}

#[test]
fn catalog_titles_compare_accent_and_punctuation_insensitively() {
    let rules = Rules::load(Path::new("rules/gcm")).unwrap();
    let c = &rules.objectives;
    assert_eq!(c.objectives.len(), 23);
    assert!(c.same_title(
        13,
        "Utilizar la detención de migrantes sólo como último recurso y buscar otras alternativas."
    ));
    assert!(c.same_title(
        15,
        "Proporcionar a los migrantes, acceso a servicios básicos"
    ));
    // A different word is a different title (the 2021 summary table's version of objective 1).
    assert!(!c.same_title(1, "Recopilar y utilizar datos exactos y desglosados para la formulación de políticas con base empírica"));
    assert_eq!(c.resolve(23).unwrap().en, "Strengthen international cooperation and global partnerships for safe, orderly and regular migration");
}
