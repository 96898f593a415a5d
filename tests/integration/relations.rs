//! The relation corpus (tests/relations/, see its README): sentences that state a total and its
//! parts, a share or a breakdown in percentages, correct or with a planted error. Each is run as
//! the one bullet of a tiny report through the whole pipeline and the audit; the relation flags
//! (`breakdown_sum`, `subset_exceeds_total`, `share_mismatch`, `percent_sum`) must be exactly the
//! ones the case expects. `heldout.toml` was written without reading the code and is not tuned
//! to: it is measured, and must stay at 100 % like the development half.

use std::path::Path;

use informe::audit::audit;
use informe::{process_bytes, Rules};

const RELATION_KINDS: [&str; 4] = [
    "breakdown_sum",
    "subset_exceeds_total",
    "share_mismatch",
    "percent_sum",
];

#[derive(serde::Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    shape: String,
    text: String,
    expect: Vec<String>,
    #[allow(dead_code)]
    source: String,
    #[allow(dead_code)]
    note: String,
}

/// The relation flags of `text` as the one bullet of a report.
fn relation_flags(text: &str, rules: &Rules) -> Vec<String> {
    let doc = format!(
        "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración\n● {}\n",
        text.trim()
    );
    let ex = match process_bytes("case.txt", doc.as_bytes(), rules) {
        Ok(ex) => ex,
        Err(e) => return vec![format!("error: {e}")],
    };
    let mut kinds: Vec<String> = audit(&ex, rules, None)
        .into_iter()
        .map(|f| f.kind)
        .filter(|k| RELATION_KINDS.contains(&k.as_str()))
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

/// Runs one corpus file: (passed, total, failures).
fn run(file: &str) -> (usize, usize, Vec<String>) {
    let rules = Rules::load(Path::new("rules/gcm")).unwrap();
    let text = std::fs::read_to_string(Path::new("tests/relations").join(file)).unwrap();
    let corpus: Corpus = toml::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut failures = Vec::new();
    for case in &corpus.case {
        let mut expect = case.expect.clone();
        expect.sort();
        let got = relation_flags(&case.text, &rules);
        if got != expect {
            failures.push(format!(
                "[{}] {:?}: flags {got:?}, expected {expect:?}",
                case.shape,
                case.text.trim()
            ));
        }
    }
    let total = corpus.case.len();
    (total - failures.len(), total, failures)
}

#[test]
fn development_half_of_the_relation_corpus() {
    let (passed, total, failures) = run("dev.toml");
    assert!(total >= 70, "{total} cases");
    assert!(
        failures.is_empty(),
        "{passed}/{total}\n{}",
        failures.join("\n")
    );
}

#[test]
fn held_out_half_of_the_relation_corpus() {
    let (passed, total, failures) = run("heldout.toml");
    assert!(total >= 70, "{total} cases");
    // Only the count is printed: the held-out half is not read case by case.
    if std::env::var_os("INFORME_SHOW_HELDOUT").is_some() {
        eprintln!("{}", failures.join("\n"));
    }
    assert!(failures.is_empty(), "held out: {passed}/{total} pass");
}

/// The corpus itself: at least 40 correct sentences and 30 planted errors (issue 13), with both
/// required sentences among them.
#[test]
fn the_relation_corpus_is_as_large_as_promised() {
    let mut correct = 0;
    let mut planted = 0;
    let mut texts = String::new();
    for file in ["dev.toml", "heldout.toml"] {
        let text = std::fs::read_to_string(Path::new("tests/relations").join(file)).unwrap();
        let corpus: Corpus = toml::from_str(&text).unwrap();
        for case in corpus.case {
            if case.expect.is_empty() {
                correct += 1;
            } else {
                assert_eq!(case.expect.len(), 1, "{}", case.text);
                planted += 1;
            }
            texts.push_str(&case.text);
        }
    }
    assert!(
        correct >= 40 && planted >= 30,
        "{correct} correct, {planted} planted"
    );
    assert!(texts.contains("8,940 de 10,200 solicitudes de regularización (92.6 %)"));
    assert!(texts.contains("(2,310 mujeres y 2,102\nhombres)"));
}
