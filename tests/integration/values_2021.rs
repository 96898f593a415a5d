//! Figures, periods and footnote references of the real 2021 report.
//!
//! Each expected figure was chosen by reading the text: its line, how it is written, its value,
//! the noun it counts and the period that governs it. They span every objective with figures.

use std::path::Path;

use informe::extract::ActionRecord;
use informe::{process_file, Extracted, Rules};

const FIXTURE: &str = "fixtures/informe-ejecutivo-2021.txt";

fn run() -> Extracted {
    let rules = Rules::load(Path::new("rules/gcm")).unwrap();
    process_file(Path::new(FIXTURE), &rules).unwrap()
}

/// (line, raw, value, unit lemma, period start, period end)
type Expected = (
    u32,
    &'static str,
    f64,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

const FIGURES: &[Expected] = &[
    // Objective 1
    (
        206,
        "291",
        291.0,
        Some("acceso"),
        Some("2020-10"),
        Some("2021-06"),
    ),
    (
        224,
        "129,441",
        129441.0,
        Some("caso"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    (
        263,
        "1,076,412",
        1076412.0,
        Some("registro"),
        None,
        Some("2021-06-30"),
    ),
    (
        283,
        "19",
        19.0,
        Some("actividad"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    // Objective 2: "en las 14 API-Federales: 42, 045 empleos directos" has no period.
    (335, "42, 045", 42045.0, Some("empleo"), None, None),
    // Objective 3
    (370, "40 mil 915", 40915.0, Some("seguidor"), None, None),
    (371, "119 mil 831", 119831.0, Some("seguidor"), None, None),
    (
        385,
        "1,631",
        1631.0,
        Some("observador"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    (
        386,
        "1,005,763",
        1005763.0,
        Some("connacional"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    (
        396,
        "313,863",
        313863.0,
        Some("llamada"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    (
        411,
        "1,269",
        1269.0,
        Some("publicación"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    (423, "2,095", 2095.0, Some("intérprete"), None, None),
    // Objective 4
    (439, "ocho", 8.0, Some("ocasión"), None, Some("2020-02")),
    (
        463,
        "71,632",
        71632.0,
        Some("documento"),
        Some("2020-07-01"),
        Some("2021-07-31"),
    ),
    (
        486,
        "1,328,251",
        1328251.0,
        Some("credencial"),
        Some("2016-02-08"),
        None,
    ),
    // Objective 5
    (
        502,
        "31",
        31.0,
        Some("tarjeta"),
        Some("2020-07"),
        Some("2021-06"),
    ),
    (
        545,
        "605,930",
        605930.0,
        Some("tarjeta"),
        Some("2014"),
        Some("2021-06"),
    ),
    // Objective 6
    (566, "3,702", 3702.0, Some("trabajador"), None, None),
    (
        574,
        "447,389",
        447389.0,
        Some("trabajador"),
        None,
        Some("2021-06-30"),
    ),
    (
        587,
        "1,032,335",
        1032335.0,
        Some("vacante"),
        None,
        Some("2021-06"),
    ),
    (
        599,
        "6,000",
        6000.0,
        Some("ejemplar"),
        Some("2020-10-20"),
        Some("2020-10-20"),
    ),
    // Objective 7
    (620, "tres", 3.0, Some("reunión"), None, None),
    (
        649,
        "20,627",
        20627.0,
        Some("tarjeta"),
        Some("2021-01"),
        Some("2021-06"),
    ),
    (
        674,
        "13",
        13.0,
        Some("actividad"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    (
        686,
        "124,020",
        124020.0,
        Some("caso"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    (
        702,
        "159",
        159.0,
        Some("caso"),
        Some("2020-06"),
        Some("2021-06"),
    ),
    (
        709,
        "1,987",
        1987.0,
        Some("caso"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    (
        710,
        "302",
        302.0,
        Some("contrato"),
        Some("2018"),
        Some("2021"),
    ),
    (
        722,
        "siete",
        7.0,
        Some("sesión"),
        Some("2020-08"),
        Some("2020-09"),
    ),
    (
        745,
        "15,596",
        15596.0,
        Some("menor de edad"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    (
        746,
        "20,506",
        20506.0,
        Some("menor de edad"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    // Objective 8
    (
        779,
        "162,142",
        162142.0,
        Some("nacional"),
        Some("2020-06"),
        Some("2021-06"),
    ),
    (
        782,
        "146,865",
        146865.0,
        Some("folleto"),
        Some("2020-06"),
        Some("2021-06"),
    ),
    (
        816,
        "400",
        400.0,
        Some("connacional"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    // Objective 9
    (
        834,
        "1,604",
        1604.0,
        Some("servidor público"),
        None,
        Some("2021-06-30"),
    ),
    // Objective 10
    (
        880,
        "733",
        733.0,
        Some("connacional"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    // Objective 11: "6,446 en 2020 y 2,085 en lo que va del 2021"
    (939, "6,446", 6446.0, None, Some("2020"), Some("2020")),
    (939, "2,085", 2085.0, None, Some("2021"), None),
    // Objective 12
    (
        968,
        "241,930",
        241930.0,
        Some("persona"),
        Some("2020-06"),
        Some("2021-06"),
    ),
    (
        978,
        "14,331",
        14331.0,
        Some("menor de edad"),
        None,
        Some("2021-06-30"),
    ),
    // Objective 13
    (
        1006,
        "1,387",
        1387.0,
        Some("persona"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    // Objective 14
    (1040, "nueve", 9.0, Some("reunión"), None, None),
    // Objective 15
    (
        1101,
        "315,316",
        315316.0,
        Some("pieza"),
        Some("2020-06"),
        Some("2021-06"),
    ),
    (
        1138,
        "262",
        262.0,
        Some("migrante"),
        Some("2020-06"),
        Some("2021-06"),
    ),
    (
        1159,
        "11,177",
        11177.0,
        Some("trámite"),
        Some("2017"),
        Some("2017"),
    ),
    (1187, "3,826,173", 3826173.0, Some("dotación"), None, None),
    // Objective 16
    (
        1221,
        "1,319",
        1319.0,
        Some("persona"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    (
        1234,
        "31",
        31.0,
        Some("maestro"),
        Some("2020-06"),
        Some("2021-06"),
    ),
    (
        1242,
        "3,198",
        3198.0,
        Some("estudiante"),
        Some("2020-06"),
        Some("2021-06"),
    ),
    (
        1254,
        "40,124",
        40124.0,
        Some("persona"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    (
        1278,
        "32, 305",
        32305.0,
        Some("ciudadano"),
        Some("2020-09-01"),
        Some("2021-03-10"),
    ),
    (
        1279,
        "14,809",
        14809.0,
        Some("mujer"),
        Some("2020-09-01"),
        Some("2021-03-10"),
    ),
    // Objective 17
    (
        1299,
        "1,322",
        1322.0,
        Some("servidor público"),
        Some("2020-11-25"),
        Some("2021-06-01"),
    ),
    (
        1341,
        "11",
        11.0,
        Some("material"),
        Some("2020-06-01"),
        Some("2021-05-31"),
    ),
    (
        1363,
        "3,327",
        3327.0,
        Some("persona"),
        Some("2021"),
        Some("2021"),
    ),
    // Objective 20
    (1449, "2.6 millones", 2600000.0, Some("persona"), None, None),
    (
        1457,
        "800 mil",
        800000.0,
        Some("persona"),
        Some("2012"),
        Some("2021"),
    ),
    (
        1496,
        "1,872.33",
        1872.33,
        Some("operación"),
        Some("2021"),
        Some("2021-06"),
    ),
    // Objective 21
    (
        1535,
        "465,748",
        465748.0,
        Some("apoyo"),
        Some("2019-06"),
        Some("2021-06"),
    ),
    (
        1563,
        "132,050",
        132050.0,
        Some("repatriación"),
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    (
        1564,
        "93.27 %",
        93.27,
        None,
        Some("2020-06-01"),
        Some("2021-06-30"),
    ),
    (1573, "46", 46.0, Some("mujer"), None, None),
    (
        1582,
        "siete millones",
        7000000.0,
        Some("mexicano"),
        None,
        None,
    ),
    // Objective 23
    (1614, "11", 11.0, Some("actividad"), None, Some("2021-06")),
    (
        1672,
        "248",
        248.0,
        None,
        Some("2020-06-30"),
        Some("2021-06-30"),
    ),
    (
        1678,
        "322",
        322.0,
        None,
        Some("2020-04-07"),
        Some("2021-06-30"),
    ),
];

fn figure<'a>(
    ex: &'a Extracted,
    line: u32,
    raw: &str,
) -> (&'a ActionRecord, &'a informe::extract::Figure) {
    for a in &ex.actions {
        for f in &a.figures {
            if f.provenance.line == line && f.raw == raw {
                return (a, f);
            }
        }
    }
    panic!("no figure {raw:?} on line {line}");
}

#[test]
fn figures_chosen_by_reading_the_text() {
    let ex = run();
    assert!(FIGURES.len() >= 40);
    let objectives: std::collections::BTreeSet<u32> = FIGURES
        .iter()
        .map(|&(line, raw, ..)| figure(&ex, line, raw).0.objective)
        .collect();
    assert!(objectives.len() >= 18, "{objectives:?}");
    for &(line, raw, value, unit, start, end) in FIGURES {
        let (a, f) = figure(&ex, line, raw);
        assert_eq!(f.value, value, "{raw} at {line}");
        assert_eq!(f.unit.as_deref(), unit, "{raw} at {line}");
        let period = f.period.map(|i| &a.periods[i]);
        assert_eq!(
            (
                period.and_then(|p| p.start.as_deref()),
                period.and_then(|p| p.end.as_deref())
            ),
            (start, end),
            "period of {raw} at {line}: {period:?}"
        );
    }
}

#[test]
fn every_number_format_of_the_report() {
    let ex = run();
    let notes = |line, raw| figure(&ex, line, raw).1.notes.clone();
    assert_eq!(notes(335, "42, 045"), ["irregular_separator"]);
    assert_eq!(notes(1278, "32, 305"), ["irregular_separator"]);
    assert_eq!(notes(1496, "1,872.33"), ["decimal"]);
    assert_eq!(notes(1040, "nueve"), ["in_words"]);
    assert_eq!(
        figure(&ex, 1457, "800 mil").1.qualifier.as_deref(),
        Some("más de")
    );
    assert_eq!(
        figure(&ex, 1449, "2.6 millones").1.qualifier.as_deref(),
        Some("más de")
    );
    assert!(figure(&ex, 1564, "93.27 %").1.percent);
    let hundred = figure(&ex, 832, "100%").1;
    assert!(hundred.percent && hundred.value == 100.0);
    assert_eq!(figure(&ex, 486, "1,328,251").1.value, 1328251.0);
}

#[test]
fn what_is_not_a_figure_never_becomes_one() {
    let ex = run();
    let raws: Vec<(u32, &str)> = ex
        .actions
        .iter()
        .flat_map(|a| {
            a.figures
                .iter()
                .map(|f| (f.provenance.line, f.raw.as_str()))
        })
        .collect();
    // Line 759: "COVID-194" is COVID-19 plus footnote 4; line 1172: "SARS-CoV-2", "COVID-19";
    // line 1190: "E040"; line 1015: "artículo 99"; line 1152: "Acuerdo 02/04/17";
    // line 1637: "sesiones 47 y 48"; line 1480: "4ª"; lines 445-446: list numbers "1." "2." "3.".
    for (line, raw) in [
        (759, "194"),
        (759, "19"),
        (1172, "2"),
        (1172, "19"),
        (1190, "040"),
        (1015, "99"),
        (1152, "02"),
        (1637, "47"),
        (1637, "48"),
        (1480, "4"),
        (445, "1"),
        (446, "2"),
        (446, "3"),
        (363, "2"),
        (654, "3"),
    ] {
        assert!(
            !raws.contains(&(line, raw)),
            "{raw} at line {line} must not be a figure"
        );
    }
    // The footnote markers are references instead.
    let refs: Vec<(u32, u32)> = ex
        .actions
        .iter()
        .flat_map(|a| {
            a.footnote_refs
                .iter()
                .map(|r| (r.provenance.line, r.number))
        })
        .collect();
    assert_eq!(refs, [(363, 2), (654, 3), (759, 4), (1352, 5)]);
}

#[test]
fn periods_of_every_form() {
    let ex = run();
    let find = |line: u32, raw: &str| {
        ex.actions
            .iter()
            .flat_map(|a| a.periods.iter())
            .find(|p| p.provenance.line == line && p.raw == raw)
            .unwrap_or_else(|| panic!("no period {raw:?} on line {line}"))
    };
    type Case<'a> = (u32, &'a str, Option<&'a str>, Option<&'a str>, &'a str);
    let cases: &[Case] = &[
        (
            224,
            "Del 1 de junio de 2020 al 30 de junio de 2021",
            Some("2020-06-01"),
            Some("2021-06-30"),
            "day",
        ),
        (
            1099,
            "De junio 2020 a junio 2021",
            Some("2020-06"),
            Some("2021-06"),
            "month",
        ),
        (
            645,
            "De \nenero a junio de 2021",
            Some("2021-01"),
            Some("2021-06"),
            "month",
        ),
        (
            839,
            "del 26 de mayo al 31 de \nagosto de 2021",
            Some("2021-05-26"),
            Some("2021-08-31"),
            "day",
        ),
        (
            833,
            "Hasta el 30 de junio de 2021",
            None,
            Some("2021-06-30"),
            "day",
        ),
        (1347, "En el año 2020", Some("2020"), Some("2020"), "year"),
        (1133, "Desde 2003 a la fecha", Some("2003"), None, "year"),
        (
            573,
            "Desde su inicio \ny hasta el 30 de junio de 2021",
            None,
            Some("2021-06-30"),
            "day",
        ),
        (
            1496,
            "En lo que va del año 2021 hasta junio",
            Some("2021"),
            Some("2021-06"),
            "month",
        ),
        (
            1008,
            "11 de noviembre de 2020",
            Some("2020-11-11"),
            Some("2020-11-11"),
            "day",
        ),
    ];
    let bytes = std::fs::read(FIXTURE).unwrap();
    for &(line, raw_in_file, start, end, precision) in cases {
        // Raw text is joined; the file may hold a line break where the text has a space.
        let raw: String = raw_in_file.split_whitespace().collect::<Vec<_>>().join(" ");
        let p = find(line, &raw);
        assert_eq!(
            (p.start.as_deref(), p.end.as_deref()),
            (start, end),
            "{raw}"
        );
        assert_eq!(p.precision, precision, "{raw}");
        let [s, e] = p.provenance.span;
        let src: Vec<&str> = std::str::from_utf8(&bytes[s..e])
            .unwrap()
            .split_whitespace()
            .collect();
        // The span runs from the period's first byte to its last; where a heading cuts the
        // period (line 645: "De" / heading 7 / "enero a junio…"), the heading lies inside it.
        let words: Vec<&str> = raw.split(' ').collect();
        assert_eq!(src.first(), words.first(), "span of {raw}");
        assert!(src.ends_with(&words[1..]), "span of {raw}: {src:?}");
    }
    let repeated = find(1233, "De junio de 2020 a junio a junio de 2021");
    assert_eq!(repeated.notes, ["repeated_words"]);
}

#[test]
fn totals_and_their_parts_are_related() {
    let ex = run();
    let rels = |line: u32| {
        let a = ex
            .actions
            .iter()
            .find(|a| a.provenance.line == line)
            .unwrap();
        a.relations
            .iter()
            .map(|r| {
                (
                    r.kind.clone(),
                    a.figures[r.total].value,
                    r.parts
                        .iter()
                        .map(|&p| a.figures[p].value)
                        .collect::<Vec<_>>(),
                )
            })
            .collect::<Vec<_>>()
    };
    // The repatriation flights: 248 flights but 181 + 64 = 245 (the report's own inconsistency).
    assert!(rels(1658).contains(&("breakdown".to_string(), 248.0, vec![181.0, 64.0])));
    assert!(rels(1658).contains(&("breakdown".to_string(), 32177.0, vec![22161.0, 10016.0])));
    assert!(rels(549).contains(&(
        "breakdown".to_string(),
        72442.0,
        vec![56936.0, 10041.0, 5465.0]
    )));
    assert!(rels(738).contains(&("subset".to_string(), 20506.0, vec![13198.0, 7308.0])));
    assert!(rels(1554).contains(&("share".to_string(), 132050.0, vec![123169.0])));
    assert!(rels(679).contains(&("subset".to_string(), 129441.0, vec![124020.0, 5421.0])));
}

#[test]
fn figures_csv_holds_no_year_date_code_or_footnote_marker() {
    let out = tempfile::tempdir().unwrap();
    let rules = Rules::load(Path::new("rules/gcm")).unwrap();
    let inputs = informe::collect_inputs(&[FIXTURE.into()]);
    informe::run(&inputs, &rules, out.path(), None).unwrap();
    let dir = out.path().join("informe-ejecutivo-2021");
    let csv_bytes = std::fs::read(dir.join("figures.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(&csv_bytes[3..]);
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let file = std::fs::read_to_string(FIXTURE).unwrap();
    // Period spans of every action, from actions.jsonl.
    let mut period_spans = Vec::new();
    for line in std::fs::read_to_string(dir.join("actions.jsonl"))
        .unwrap()
        .lines()
    {
        let a: serde_json::Value = serde_json::from_str(line).unwrap();
        for p in a["periods"].as_array().unwrap() {
            let span = &p["provenance"]["span"];
            period_spans.push((
                span[0].as_u64().unwrap() as usize,
                span[1].as_u64().unwrap() as usize,
            ));
        }
    }
    let identifiers = ["artículo", "acuerdo", "sesiones", "decreto", "fracción"];
    let day_of_date = regex::Regex::new(
        r"(?i)^\s*de\s+(enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)",
    )
    .unwrap();
    let mut rows = 0;
    for row in reader.records() {
        let row = row.unwrap();
        rows += 1;
        let raw = &row[col("raw")];
        let (s, e): (usize, usize) = (
            row[col("span_start")].parse().unwrap(),
            row[col("span_end")].parse().unwrap(),
        );
        let src: String = file[s..e].split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(src, raw, "span of {raw}");
        // Not glued to letters or codes (COVID-19, E040, 3x1, OPDH3, footnote markers).
        let before = file[..s].chars().next_back().unwrap();
        let after = file[e..].chars().next().unwrap();
        assert!(
            !before.is_alphanumeric() && before != '-' && before != '/',
            "{raw} glued after {before:?}"
        );
        assert!(
            !after.is_alphabetic() && !"ªº/".contains(after),
            "{raw} glued before {after:?}"
        );
        // Not a year.
        let digits_only = raw.chars().all(|c| c.is_ascii_digit());
        if digits_only && raw.len() == 4 {
            let n: u32 = raw.parse().unwrap();
            assert!(
                !(1900..=2100).contains(&n) || !row[col("unit")].is_empty(),
                "{raw} is a year"
            );
        }
        // Not inside a period or a date.
        assert!(
            !period_spans.iter().any(|&(ps, pe)| s < pe && ps < e),
            "{raw} is inside a period"
        );
        assert!(
            !day_of_date.is_match(&file[e..]),
            "{raw} is the day of a date"
        );
        // Not an identifier ("artículo 99").
        let prev_word = file[..s]
            .split_whitespace()
            .last()
            .unwrap_or("")
            .to_lowercase();
        assert!(
            !identifiers.contains(&prev_word.as_str()),
            "{raw} after {prev_word}"
        );
    }
    assert!(rows > 150, "{rows} figures");
}

#[test]
fn agencies_by_acronym_name_and_variant() {
    let ex = run();
    let mentions: Vec<(u32, String, String, String)> = ex
        .actions
        .iter()
        .flat_map(|a| {
            a.agencies.iter().map(|m| {
                (
                    m.provenance.line,
                    m.acronym.clone(),
                    m.raw.clone(),
                    format!("{:?}", m.form),
                )
            })
        })
        .collect();
    let has = |line: u32, acronym: &str, raw: &str, form: &str| {
        assert!(
            mentions.contains(&(line, acronym.into(), raw.into(), form.into())),
            "{line} {acronym} {raw:?} {form}"
        )
    };
    // An acronym as a word, and a full name.
    has(391, "SRE", "SRE", "Acronym");
    has(390, "SRE", "Secretaría de Relaciones Exteriores", "Name");
    // A full name across a line break (1660–1661), matched form as joined text.
    has(
        1660,
        "SCT",
        "Secretaría de Comunicaciones y Transportes",
        "Name",
    );
    // Variants: "la Cancillería", a name in lower case, a programme of an agency.
    has(1666, "SRE", "Cancillería", "Variant");
    has(1468, "SEPOMEX", "servicio postal mexicano", "Name");
    has(1165, "IMSS", "IMSS-BIENESTAR", "Acronym");
    // A name that differs from the annex's ("… e Identidad" vs "… e Identificación Personal").
    has(
        450,
        "RENAPO",
        "Registro Nacional de Población e Identidad",
        "Name",
    );
    // Units that are not in the annex.
    has(1236, "IME", "IME", "Acronym");
    has(
        1466,
        "CNBV",
        "Comisión Nacional Bancaria y de Valores",
        "Name",
    );
    has(910, "FEVIMTRA", "FEVIMTRA", "Acronym");
    // BIENESTAR inside IMSS-BIENESTAR is not the Secretaría de Bienestar.
    assert!(!mentions.iter().any(|m| m.1 == "BIENESTAR"));

    // The typo "de la SER" is reported with the closest known acronym, and only it.
    let unknown: Vec<(u32, String, Option<String>)> = ex
        .actions
        .iter()
        .flat_map(|a| {
            a.unknown_agencies
                .iter()
                .map(|u| (u.provenance.line, u.raw.clone(), u.closest.clone()))
        })
        .collect();
    assert_eq!(unknown, [(624, "SER".to_string(), Some("SRE".to_string()))]);

    // The lead agency, where the first sentence names it.
    let lead = |line: u32| {
        ex.actions
            .iter()
            .find(|a| a.provenance.line == line)
            .and_then(|a| a.lead_agency.clone())
    };
    assert_eq!(lead(704).as_deref(), Some("SRE")); // "… (PALE) de la SRE hace posible …"
    assert_eq!(lead(1464).as_deref(), Some("CNBV"));
    assert_eq!(lead(365).as_deref(), Some("INM"));
    assert_eq!(lead(1554).as_deref(), Some("INM"));
    assert_eq!(lead(863), None); // only the OIM, an international body, is named
}

/// Issue 16: figures.csv gives a figure's period as full ISO dates (DuckDB reads them as DATE)
/// and the precision printed: "de octubre de 2020 a junio de 2021" is 2020-10-01 to 2021-06-30,
/// month; the action's JSON keeps both the printed and the full dates.
#[test]
fn figure_periods_are_full_dates_with_their_precision() {
    let ex = run();
    let csv = informe::output::figures_csv(&ex);
    let text = String::from_utf8(csv).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (start, end, precision) = (
        col("period_start"),
        col("period_end"),
        col("period_precision"),
    );
    let full_date = |s: &str| {
        s.is_empty()
            || (s.len() == 10
                && s.chars().enumerate().all(|(i, c)| {
                    if i == 4 || i == 7 {
                        c == '-'
                    } else {
                        c.is_ascii_digit()
                    }
                }))
    };
    let mut found = false;
    for row in reader.records() {
        let row = row.unwrap();
        assert!(full_date(&row[start]) && full_date(&row[end]), "{row:?}");
        if &row[start] == "2020-10-01" && &row[end] == "2021-06-30" {
            assert_eq!(&row[precision], "month", "{row:?}");
            found = true;
        }
    }
    assert!(
        found,
        "no figure governed by octubre de 2020 a junio de 2021"
    );
    let p = ex
        .actions
        .iter()
        .flat_map(|a| &a.periods)
        .find(|p| p.raw == "de octubre de 2020 a junio de 2021")
        .unwrap();
    assert_eq!(
        (p.start.as_deref(), p.end.as_deref()),
        (Some("2020-10"), Some("2021-06"))
    );
    assert_eq!(
        (p.start_date.as_deref(), p.end_date.as_deref()),
        (Some("2020-10-01"), Some("2021-06-30"))
    );
}
