//! Property tests (proptest; `PROPTEST_CASES=N` raises the number of cases, CI runs the
//! default): text and .docx inputs, random or mutated from real reports, never make the pipeline
//! panic, every span of what it extracts stays inside its file (for a .docx, inside the text
//! read from it), and every input of a run ends in its manifest exactly once. (PDF layout from
//! glyph lists: `src/ingest/pdf/layout/proptests.rs`.)

use crate::common;

use std::sync::OnceLock;

use informe::Rules;
use proptest::prelude::*;

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| Rules::load(std::path::Path::new("rules/gcm")).unwrap())
}

fn report() -> &'static [u8] {
    static REPORT: OnceLock<Vec<u8>> = OnceLock::new();
    REPORT.get_or_init(|| std::fs::read("fixtures/compile/cndh.txt").unwrap())
}

/// A change to bytes: a byte replaced, a range cut out or repeated, bytes inserted.
#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Cut(usize, usize),
    Repeat(usize, usize),
    Insert(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let snippets = prop::sample::select(vec![
        "\n• ".as_bytes().to_vec(),
        "\nObjetivo 7. ".as_bytes().to_vec(),
        "\u{c}".as_bytes().to_vec(),
        "\r\n".as_bytes().to_vec(),
        " 1,250 casos del 1 de junio de 2020 al 30 de junio de 2021 "
            .as_bytes()
            .to_vec(),
        vec![0xC3],
        vec![0xFF, 0xFE],
        vec![0xEF, 0xBB, 0xBF],
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), 0..200usize).prop_map(|(i, n)| Mutation::Cut(i, n)),
        (any::<usize>(), 0..200usize).prop_map(|(i, n)| Mutation::Repeat(i, n)),
        (
            any::<usize>(),
            prop_oneof![snippets, prop::collection::vec(any::<u8>(), 0..16)]
        )
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len().max(1);
    match m {
        Mutation::Set(i, b) => {
            if let Some(x) = bytes.get_mut(i % n) {
                *x = *b;
            }
        }
        Mutation::Cut(i, len) => {
            let at = (i % n).min(bytes.len());
            let end = (at + len).min(bytes.len());
            bytes.drain(at..end);
        }
        Mutation::Repeat(i, len) => {
            let at = (i % n).min(bytes.len());
            let end = (at + len).min(bytes.len());
            let part = bytes[at..end].to_vec();
            bytes.splice(end..end, part);
        }
        Mutation::Insert(i, b) => {
            let at = (i % n).min(bytes.len());
            bytes.splice(at..at, b.iter().copied());
        }
    }
}

fn mutated_report() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(mutation(), 0..12).prop_map(|ms| {
        let mut bytes = report().to_vec();
        for m in &ms {
            apply(&mut bytes, m);
        }
        bytes
    })
}

/// Runs the pipeline and checks every span of what it extracted lies within `limit` bytes.
fn check_spans(
    name: &str,
    bytes: &[u8],
    limit: impl Fn(&informe::extract::Extracted) -> usize,
) -> Result<(), TestCaseError> {
    let Ok(ex) = informe::pipeline::process_bytes(name, bytes, rules()) else {
        return Ok(()); // a clear error is a fine outcome; a panic fails the test
    };
    let end = limit(&ex);
    for a in &ex.actions {
        let mut spans = vec![a.provenance.span];
        spans.extend(a.figures.iter().map(|f| f.provenance.span));
        spans.extend(a.periods.iter().map(|p| p.provenance.span));
        spans.extend(a.agencies.iter().map(|g| g.provenance.span));
        for [s, e] in spans {
            prop_assert!(
                s <= e && e <= end,
                "span {s}..{e} outside 0..{end} in {}",
                a.id
            );
        }
    }
    Ok(())
}

/// A .docx of the given paragraphs (a paragraph starting with "• " is a list item).
fn docx_bytes(paragraphs: &[String]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.docx");
    let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    common::write_docx(&path, &refs);
    std::fs::read(path).unwrap()
}

fn paragraph() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,80}",
        "• [A-Za-záéíóú ,.0-9%]{0,80}",
        prop::sample::select(vec![
            "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración".to_string(),
            "• Se atendieron 1,250 casos del 1 de junio de 2020 al 30 de junio de 2021."
                .to_string(),
            "INSTITUTO NACIONAL DE MIGRACIÓN (INM)".to_string(),
        ]),
    ]
}

proptest! {
    #[test]
    fn random_text_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        check_spans("random.txt", &bytes, |_| bytes.len())?;
    }

    #[test]
    fn mutated_reports_keep_their_spans_in_the_file(bytes in mutated_report()) {
        check_spans("mutated.txt", &bytes, |_| bytes.len())?;
    }

    #[test]
    fn docx_paragraphs_keep_their_spans_in_the_text(paras in prop::collection::vec(paragraph(), 0..20)) {
        let bytes = docx_bytes(&paras);
        let text_len = informe::ingest::ingest_bytes("d.docx", &bytes, &rules().ingest)
            .map_or(0, |s| s.text.len());
        check_spans("d.docx", &bytes, |_| text_len)?;
    }

    #[test]
    fn mutated_docx_bytes_never_panic(
        paras in prop::collection::vec(paragraph(), 1..8),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let mut bytes = docx_bytes(&paras);
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let _ = informe::pipeline::process_bytes("m.docx", &bytes, rules());
    }
}

proptest! {
    // Each case is a whole run (its files written): fewer cases by default.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(8)
    ))]
    #[test]
    fn every_input_of_a_run_ends_in_its_manifest_once(
        files in prop::collection::vec(prop_oneof![mutated_report(), prop::collection::vec(any::<u8>(), 0..300)], 1..5),
        names in prop::collection::vec("[a-z.=@ -]{1,8}(\\.txt|\\.pdf|\\.docx|)", 5),
    ) {
        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join("in");
        std::fs::create_dir(&dir).unwrap();
        let mut written = std::collections::BTreeSet::new();
        for (i, bytes) in files.iter().enumerate() {
            let name = format!("{i}{}", names[i]);
            std::fs::write(dir.join(&name), bytes).unwrap();
            written.insert(dir.join(&name).display().to_string());
        }
        let inputs = informe::collect_inputs(std::slice::from_ref(&dir));
        let out = work.path().join("out");
        let run = informe::bulk::run(&inputs, rules(), &out, None).unwrap();
        let listed: Vec<String> = run.inputs.to_vec().unwrap().into_iter().map(|o| o.file).collect();
        let unique: std::collections::BTreeSet<String> = listed.iter().cloned().collect();
        prop_assert_eq!(unique.len(), listed.len(), "listed twice: {:?}", listed);
        prop_assert_eq!(&unique, &written);
        let manifest = std::fs::read_to_string(out.join("manifest.jsonl")).unwrap();
        prop_assert_eq!(manifest.lines().count(), written.len());
    }
}
