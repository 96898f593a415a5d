//! The real Informe Ejecutivo 2021: every bullet lands in its objective.
//!
//! The expected objective of each bullet was written by reading the text (see the comments for
//! the hard cases), not copied from the program's output.

use std::collections::BTreeMap;
use std::path::Path;

use informe::{process_file, Extracted, Rules};

const FIXTURE: &str = "fixtures/informe-ejecutivo-2021.txt";

fn run() -> Extracted {
    let rules = Rules::load(Path::new("rules/gcm")).expect("rules load");
    process_file(Path::new(FIXTURE), &rules).expect("fixture processes")
}

/// Line of each action bullet → objective, by reading the document.
fn expected() -> BTreeMap<u32, u32> {
    let by_objective: &[(u32, &[u32])] = &[
        // Objective 1's heading (line 235) comes after its first page of bullets (200–228).
        (1, &[200, 208, 219, 228, 259, 265, 276]),
        // A tall blank run (286–293) separates objective 1 from 2; heading 2 at 304.
        (2, &[294, 310, 320, 329]),
        (3, &[350, 365, 374, 390, 398, 415]),
        (4, &[436, 450, 467, 473, 480]),
        // Heading 5 (509) follows the visas bullet (499) that opens its page.
        (5, &[499, 511, 533, 549]),
        // Objective 6 starts on a new page (558) with no blank run before it.
        (6, &[558, 569, 579, 589]),
        (
            7,
            &[612, 623, 636, 652, 666, 679, 691, 704, 715, 726, 738, 751],
        ),
        // Grupos Beta, CONADIC's search for the disappeared and Migrante Extraviado: 3, as declared.
        (8, &[774, 785, 794]),
        // A blank run (852–859) stands right before heading 9 with no bullet after it: not a block.
        (9, &[831, 836, 842]),
        (10, &[863, 873, 883, 889, 894, 903]),
        // Headings 11 and 12 share a page: 11's bullets are the block above the tall blank
        // (941–951), 12's the block below it (952, the migration-procedures model).
        (11, &[923, 932]),
        (12, &[952, 972, 982]),
        (13, &[998, 1008]),
        (14, &[1032, 1047, 1062, 1076]),
        (15, &[1095, 1107, 1125, 1133, 1141, 1151, 1164, 1178, 1190]),
        (16, &[1211, 1225, 1236, 1247, 1257, 1268]),
        (17, &[1292, 1304, 1324, 1336, 1347, 1360]),
        // Heading 18 stands after a tall blank, below its two bullets.
        (18, &[1383, 1396]),
        // Headings 20 and 19 (printed in that order) share a page; 19 has only the
        // "no activities" line at 1429, 20 the financial bullets.
        (20, &[1441, 1452, 1464, 1485]),
        (21, &[1508, 1520, 1540, 1554, 1568, 1577]),
        // Headings 22 and 23 share a page; 22 has only the "no activities" line at 1600.
        (23, &[1610, 1637, 1650, 1658]),
    ];
    let mut map = BTreeMap::new();
    for (objective, lines) in by_objective {
        for line in *lines {
            map.insert(*line, *objective);
        }
    }
    map
}

#[test]
fn every_action_bullet_lands_in_its_objective() {
    let ex = run();
    let got: BTreeMap<u32, u32> = ex
        .actions
        .iter()
        .map(|a| (a.provenance.line, a.objective))
        .collect();
    let want = expected();
    for (line, objective) in &want {
        assert_eq!(
            got.get(line),
            Some(objective),
            "bullet at line {line} should be under objective {objective}"
        );
    }
    assert_eq!(got.len(), want.len(), "unexpected extra actions: {got:?}");
    assert_eq!(ex.actions.len(), 102);
}

#[test]
fn the_expected_list_covers_every_bullet_of_the_file() {
    // An independent scan: every line that starts with a bullet glyph is an action, a sub-item
    // of one, or a "no activities" line. None may be missing from the expectations.
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let want = expected();
    let sub_bullets = [1672u32, 1674, 1678, 1680];
    let no_activities = [1429u32, 1600];
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let t = line.trim_start();
        if t.starts_with('●') || t.starts_with('•') {
            assert!(
                want.contains_key(&n) || sub_bullets.contains(&n) || no_activities.contains(&n),
                "bullet at line {n} has no expected objective: {line}"
            );
        }
    }
}

#[test]
fn no_activities_lines_belong_to_the_objective_they_stand_for() {
    let ex = run();
    let by_number = |n: u32| ex.objectives.iter().find(|o| o.number == n).unwrap();
    // Line 1429 follows heading 18 in the text but stands for objective 19.
    assert_eq!(
        by_number(19).no_activities.as_ref().map(|p| p.line),
        Some(1429)
    );
    assert_eq!(
        by_number(22).no_activities.as_ref().map(|p| p.line),
        Some(1600)
    );
    assert!(by_number(18).no_activities.is_none());
    assert_eq!(by_number(18).actions, 2);
    assert_eq!(by_number(19).actions, 0);
    assert_eq!(by_number(22).actions, 0);
    // All 23 headings were found, with their printed titles.
    assert!(ex.objectives.iter().all(|o| o.heading.is_some()));
    assert_eq!(
        by_number(15).printed_title.as_deref(),
        Some("Proporcionar a los migrantes, acceso a servicios básicos")
    );
}

#[test]
fn indented_sub_bullets_and_lettered_items_belong_to_their_action() {
    let ex = run();
    let flights = ex
        .actions
        .iter()
        .find(|a| a.provenance.line == 1658)
        .unwrap();
    let subs: Vec<(u32, &str)> = flights
        .sub_items
        .iter()
        .map(|s| (s.provenance.line, s.text.as_str()))
        .collect();
    assert_eq!(
        subs,
        [
            (
                1672,
                "Vuelos de repatriación realizados: 248 (181 de llegada y 64 de salida)"
            ),
            (
                1674,
                "Pasajeros movilizados: 24,883 (18,134 de llegada y 6,749 de salida)"
            ),
            (
                1678,
                "Vuelos de repatriación realizados: 322 (233 de llegada y 89 de salida)"
            ),
            (
                1680,
                "Pasajeros movilizados: 32,177 (22,161 de llegada y 10,016 de salida"
            ),
        ]
    );
    // Each pair keeps its lead-in paragraph: "Durante el periodo…" then "Desde el inicio…".
    let paragraphs: Vec<&str> = flights.text.split('\n').collect();
    assert!(paragraphs[flights.sub_items[0].paragraph]
        .starts_with("Durante el periodo, 30 de junio de 2020"));
    assert!(paragraphs[flights.sub_items[2].paragraph]
        .starts_with("Desde el inicio de la acción, 7 de abril de 2020"));
    // Section V's first paragraph (line 1681) follows the last sub-bullet but is not part of it.
    assert!(!flights.text.contains("Como parte del seguimiento"));
    assert!(!flights.sub_items[3].text.contains("Como parte"));

    let visas = ex
        .actions
        .iter()
        .find(|a| a.provenance.line == 511)
        .unwrap();
    let letters: Vec<&str> = visas.sub_items.iter().map(|s| s.marker.as_str()).collect();
    assert_eq!(letters, ["a)", "b)", "c)", "d)"]);
}

#[test]
fn text_continues_across_pages_headings_and_footnotes() {
    let ex = run();
    let text_of = |line: u32| {
        ex.actions
            .iter()
            .find(|a| a.provenance.line == line)
            .map(|a| a.text.clone())
            .unwrap()
    };
    // The bullet at 228 is cut by heading 1, section IV's heading and page number 13.
    assert!(text_of(228).ends_with(
        "entre ciudadanos mexicanos en el exterior y el gobierno, mediante información que permita conocer la ubicación y necesidades de nuestros connacionales."
    ));
    // The bullet at 636 goes on after heading 7: "… causa humanitaria De enero a junio de 2021 …".
    assert!(text_of(636).ends_with("De enero a junio de 2021 se han expedido 20,627 tarjetas."));
    // The bullet at 398 is cut by footnote 2 and its repeated link.
    let guia = text_of(398);
    assert!(guia.contains("En mayo de 2018 se puso en marcha la nueva versión"));
    assert!(!guia.contains("http"));
    // A line-final hyphen that is part of the word stays: "COVID-19", "político-electorales".
    assert!(text_of(612).contains("pandemia COVID-19, donde"));
    assert!(text_of(1268).contains("derechos político-electorales"));
    // A blank line inside a sentence does not split it.
    assert!(text_of(863).starts_with("Desarrollado a finales de 2018 en colaboración con la Organización Internacional para las Migraciones (OIM)"));
}

#[test]
fn tables_and_footnotes_are_kept_as_their_own_elements() {
    let ex = run();
    let kinds: Vec<(&str, u32, u32)> = ex
        .tables
        .iter()
        .map(|t| (t.kind.as_str(), t.place.line, t.place.line_end))
        .collect();
    assert_eq!(
        kinds,
        [
            ("objective_counts", 99, 134),
            ("objective_counts", 142, 199),
            ("challenge_counts", 1689, 1728),
            ("participating_agencies", 1940, 2046),
        ]
    );
    let annex = &ex.tables[3];
    assert!(annex
        .lines
        .iter()
        .any(|l| l.text == "INSTITUTO NACIONAL DE MIGRACIÓN INM"));
    assert!(!annex
        .lines
        .iter()
        .any(|l| l.text.contains("Informe Ejecutivo")));
    let numbers: Vec<u32> = ex.footnotes.iter().map(|f| f.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(
        ex.footnotes[2].text,
        "Órganos Protectores de Derechos Humanos, OPDH."
    );
    let sections: Vec<(&str, u32)> = ex
        .sections
        .iter()
        .map(|s| (s.number.as_str(), s.content_line))
        .collect();
    assert_eq!(
        sections,
        [
            ("I", 1),
            ("II", 46),
            ("III", 99),
            ("IV", 200),
            ("V", 1681),
            ("VI", 1742),
            ("VII", 1814)
        ]
    );
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
}

#[test]
fn spans_point_at_the_source_text() {
    let ex = run();
    let bytes = std::fs::read(FIXTURE).unwrap();
    let file = std::str::from_utf8(&bytes).unwrap();
    for a in &ex.actions {
        // The whole action: from its first word to its last line.
        let [s, e] = a.provenance.span;
        let first: String = a.text.chars().take(25).collect();
        assert!(
            file[s..e].starts_with(&first),
            "{}: {:?}",
            a.id,
            &file[s..e]
        );
        // Every word of the joined text maps back to the same word in the file.
        let mut at = 0;
        for word in a.text.split([' ', '\n']) {
            if !word.is_empty() {
                let [ws, we] = a.source_span(at..at + word.len());
                // A word joined over a line-final hyphen spans the line break in the file.
                let src: String = file[ws..we].split_whitespace().collect();
                assert_eq!(src, word, "{} word at {at}", a.id);
            }
            at += word.len() + 1;
        }
        for sub in &a.sub_items {
            let [s, e] = sub.provenance.span;
            let src: Vec<&str> = file[s..e].split_whitespace().collect();
            let txt: Vec<&str> = sub.text.split_whitespace().collect();
            assert_eq!(src, txt, "{}", a.id);
        }
    }
}
