//! Rule cases: tiny reports and what informe must make of them (tests/rule_cases/*.toml; see the
//! README there). Each case is run through the whole pipeline and the audit with the shipped
//! rules; the objective of every bullet, the "no activities" objectives and the flags must be
//! exactly as the case says.

use std::path::Path;

use informe::audit::audit;
use informe::{process_bytes, Rules};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    about: String,
    text: String,
    actions: Vec<(u32, u32)>,
    #[serde(default)]
    no_activities: Vec<u32>,
    #[serde(default)]
    flags: Vec<String>,
}

/// What the pipeline made of a case, in the case's terms.
fn outcome(case: &Case, rules: &Rules) -> (Vec<(u32, u32)>, Vec<u32>, Vec<String>) {
    let ex = match process_bytes("case.txt", case.text.as_bytes(), rules) {
        Ok(ex) => ex,
        Err(e) => return (Vec::new(), Vec::new(), vec![format!("error: {e}")]),
    };
    let actions = ex
        .actions
        .iter()
        .map(|a| (a.provenance.line, a.objective))
        .collect();
    let no_activities = ex
        .objectives
        .iter()
        .filter(|o| o.no_activities.is_some())
        .map(|o| o.number)
        .collect();
    let mut flags: Vec<String> = audit(&ex, rules, None)
        .into_iter()
        .map(|f| f.kind)
        .collect();
    flags.sort();
    (actions, no_activities, flags)
}

#[test]
fn every_rule_case_comes_out_as_written() {
    let rules = Rules::load(Path::new("rules/gcm")).unwrap();
    let mut paths: Vec<_> = std::fs::read_dir("tests/rule_cases")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 8,
        "expected the rule cases in tests/rule_cases"
    );
    let mut failures = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let mut case: Case =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        case.flags.sort();
        let (actions, no_activities, flags) = outcome(&case, &rules);
        if (&actions, &no_activities, &flags) != (&case.actions, &case.no_activities, &case.flags) {
            failures.push(format!(
                "{} ({}):\n  actions {actions:?}, expected {:?}\n  no activities {no_activities:?}, expected {:?}\n  flags {flags:?}, expected {:?}",
                path.display(),
                case.about,
                case.actions,
                case.no_activities,
                case.flags
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
