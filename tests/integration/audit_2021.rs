//! The audit on the real 2021 report: every check fires where the text has such a problem and
//! nowhere else. The expected flags were written by reading the document; the list is complete,
//! so a flag that fires anywhere else fails the test.

use std::collections::BTreeSet;
use std::path::Path;

use informe::audit::{audit, Flag, Severity};
use informe::{process_file, Rules};

const FIXTURE: &str = "fixtures/informe-ejecutivo-2021.txt";

fn flags() -> Vec<Flag> {
    let rules = Rules::load(Path::new("rules/gcm")).unwrap();
    let ex = process_file(Path::new(FIXTURE), &rules).unwrap();
    audit(&ex, &rules, None)
}

#[test]
fn every_flag_of_the_2021_report_and_no_other() {
    let want: BTreeSet<(&str, u32)> = [
        // The repatriation flights: 248 (181 de llegada y 64 de salida), 181 + 64 = 245.
        ("breakdown_sum", 1672),
        // Summary tables whose titles differ from the catalog: "para la formulación de" (1),
        // "sobre migrantes" without "coordinadas … los" (8), "reconocimiento de mutuo" (18), and
        // a different title altogether for 19.
        ("title_mismatch", 116),
        ("title_mismatch", 152),
        ("title_mismatch", 179),
        ("title_mismatch", 190),
        // Stray spaces in thousands separators, and a fractional count of operations.
        ("irregular_number", 335),
        ("irregular_number", 1278),
        ("irregular_number", 1496),
        // The typo "de la SER" for SRE.
        ("unknown_agency", 624),
        // Operación ITZEL II reported under objective 9 and again under 10.
        ("near_duplicate", 889),
        // "De junio de 2020 a junio a junio de 2021".
        ("malformed_period", 1233),
        // Periods that govern reported figures and fall outside June 2020 – June 2021.
        ("period_outside_window", 350), // desde marzo de 2020 (instruments since then)
        ("period_outside_window", 444), // Plan de trabajo 2021-2022 (tres etapas)
        ("period_outside_window", 463), // Del 1 de julio de 2020 al 31 de julio de 2021
        ("period_outside_window", 480), // A partir del 8 de febrero de 2016 (1,328,251)
        ("period_outside_window", 545), // de 2014 a junio de 2021 (605,930 tarjetas)
        ("period_outside_window", 625), // hasta el 30 de septiembre de 2024 (16 dependencias)
        ("period_outside_window", 710), // PALE 2018-2021 (302 contratos)
        ("period_outside_window", 939), // 6,446 operativos en 2020
        ("period_outside_window", 1158), // en el año 2017 (11,177 trámites since then)
        ("period_outside_window", 1164), // A partir de junio de 2019 (49,279 consultas)
        ("period_outside_window", 1362), // durante 2021 (3,327 personas)
        ("period_outside_window", 1457), // de 2012 al 2021 (800 mil personas)
        ("period_outside_window", 1534), // De junio de 2019 a junio de 2021 (465,748 apoyos)
        ("period_outside_window", 1676), // desde el 7 de abril de 2020 (322 vuelos)
        // 178 programmes declared, 102 listed: an executive report lists a selection.
        ("total_programs", 78),
        // The summary table's five objectives with most actions list fewer in this report.
        ("count_fewer_than_declared", 106), // 7: 27 declared, 12 listed
        ("count_fewer_than_declared", 111), // 15: 24 declared, 9 listed
        ("count_fewer_than_declared", 116), // 1: 14 declared, 7 listed
        ("count_fewer_than_declared", 124), // 16: 13 declared, 6 listed
        ("count_fewer_than_declared", 130), // 10: 12 declared, 6 listed
    ]
    .into_iter()
    .collect();
    let flags = flags();
    let got: BTreeSet<(&str, u32)> = flags
        .iter()
        .map(|f| (f.kind.as_str(), f.provenance.as_ref().map_or(0, |p| p.line)))
        .collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}\nextra {extra:?}"
    );
    assert_eq!(flags.len(), want.len(), "one flag per finding");
}

#[test]
fn silent_checks_stay_silent_on_the_2021_report() {
    // Parts that do add up (24,883 = 18,134 + 6,749; 72,442 = 56,936 + 10,041 + 5,465…), subsets
    // within their totals, 93.27 % = 123,169 / 132,050, the summary table and the conclusions
    // agreeing (27, 24, 14; none for 19 and 22; two for 18 and 13), "(36)" participants and the
    // annex's 36 rows ("361 actores" is 36 plus the marker of footnote 1), no objective declared
    // empty with actions under it.
    let flags = flags();
    for kind in [
        "subset_exceeds_total",
        "share_mismatch",
        "count_disagreement",
        "count_exceeds_declared",
        "count_declared_none",
        "participants_count",
    ] {
        assert!(!flags.iter().any(|f| f.kind == kind), "{kind} fired");
    }
}

#[test]
fn flags_carry_severity_message_evidence_and_provenance() {
    let flags = flags();
    let sum = flags.iter().find(|f| f.kind == "breakdown_sum").unwrap();
    assert_eq!(sum.severity, Severity::Error);
    assert_eq!(sum.objective, Some(23));
    assert_eq!(sum.evidence, "248 → 181 + 64");
    assert!(sum.message.contains("181 + 64 = 245"), "{}", sum.message);
    let p = sum.provenance.as_ref().unwrap();
    let file = std::fs::read_to_string(FIXTURE).unwrap();
    assert_eq!(&file[p.span[0]..p.span[1]], "248 (181 de llegada y 64");
    assert_eq!(sum.action.as_deref(), Some("informe-ejecutivo-2021-o23-04"));

    let ser = flags.iter().find(|f| f.kind == "unknown_agency").unwrap();
    assert!(ser.message.contains("¿quiso decir SRE?"));
    let p = ser.provenance.as_ref().unwrap();
    assert_eq!(&file[p.span[0]..p.span[1]], "SER");

    let dup = flags.iter().find(|f| f.kind == "near_duplicate").unwrap();
    assert_eq!(dup.related, ["informe-ejecutivo-2021-o09-02"]);
    assert_eq!(dup.action.as_deref(), Some("informe-ejecutivo-2021-o10-04"));
}
