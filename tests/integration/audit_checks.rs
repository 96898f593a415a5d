//! Each audit check on small texts: where it must fire and where it must not. Also: checks can be
//! switched off or re-parametrized in rules/ without recompiling, and the window overridden.

use std::path::{Path, PathBuf};

use informe::audit::{audit, Flag, Window};
use informe::{process_bytes, Rules};

fn rules() -> Rules {
    Rules::load(Path::new("rules/gcm")).unwrap()
}

/// A one-objective report (headings before bullets, as a Word export writes them).
fn report(objective: u32, title: &str, bullets: &[&str]) -> String {
    let mut s = format!("Objetivo {objective}. {title}\n");
    for b in bullets {
        s.push_str(&format!("● {b}\n"));
    }
    s
}

const O7: &str = "Abordar y reducir las vulnerabilidades en la migración.";

fn flags_with(text: &str, rules: &Rules, window: Option<&Window>) -> Vec<Flag> {
    let ex = process_bytes("t.txt", text.as_bytes(), rules).unwrap();
    audit(&ex, rules, window)
}

fn kinds(text: &str) -> Vec<String> {
    flags_with(text, &rules(), None)
        .into_iter()
        .map(|f| f.kind)
        .collect()
}

fn fires(kind: &str, text: &str) {
    let k = kinds(text);
    assert!(
        k.iter().any(|x| x == kind),
        "{kind} should fire on {text:?}; got {k:?}"
    );
}

fn silent(kind: &str, text: &str) {
    let k = kinds(text);
    assert!(
        !k.iter().any(|x| x == kind),
        "{kind} should not fire on {text:?}; got {k:?}"
    );
}

#[test]
fn breakdown_sum() {
    fires(
        "breakdown_sum",
        &report(
            7,
            O7,
            &["Vuelos realizados: 248 (181 de llegada y 64 de salida)."],
        ),
    );
    silent(
        "breakdown_sum",
        &report(
            7,
            O7,
            &["Vuelos realizados: 245 (181 de llegada y 64 de salida)."],
        ),
    );
    fires(
        "breakdown_sum",
        &report(7, O7, &["Personas regularizadas: 100; por razones humanitarias: 60; por unidad familiar: 30 y por documento vencido: 5."]),
    );
    silent(
        "breakdown_sum",
        &report(7, O7, &["Personas regularizadas: 100; por razones humanitarias: 60; por unidad familiar: 35 y por documento vencido: 5."]),
    );
}

#[test]
fn subset_exceeds_total() {
    fires(
        "subset_exceeds_total",
        &report(
            7,
            O7,
            &["Se registraron 100 casos, de los cuales se concluyeron 120."],
        ),
    );
    fires(
        "subset_exceeds_total",
        &report(
            7,
            O7,
            &["Se atendieron 100 casos, de los cuales 70 en EEUU y 40 en el resto del mundo."],
        ),
    );
    silent(
        "subset_exceeds_total",
        &report(
            7,
            O7,
            &["Se registraron 100 casos, de los cuales se concluyeron 90."],
        ),
    );
    silent(
        "subset_exceeds_total",
        &report(
            7,
            O7,
            &["El programa analizó 159 casos y se logró revertir la pena en 25 de ellos."],
        ),
    );
}

#[test]
fn share_mismatch() {
    fires(
        "share_mismatch",
        &report(7, O7, &["Se registraron 200 repatriaciones, de los cuales 50 aceptaron los apoyos representando un 30 % en el mes."]),
    );
    silent(
        "share_mismatch",
        &report(7, O7, &["Se registraron 200 repatriaciones, de los cuales 50 aceptaron los apoyos representando un 25 % en el mes."]),
    );
    // Stated precision: 93.27 % of 132,050 is 123,169 (93.2745 %), within ±0.005.
    silent(
        "share_mismatch",
        &report(7, O7, &["Se registraron 132,050 repatriaciones, de los cuales 123,169 aceptaron los apoyos representando un 93.27 % en el mes."]),
    );
}

#[test]
fn title_mismatch() {
    fires(
        "title_mismatch",
        &report(7, "Abordar las vulnerabilidades.", &["Una acción."]),
    );
    silent("title_mismatch", &report(7, O7, &["Una acción."]));
    // Accents, case and punctuation do not count.
    silent("title_mismatch", &report(13, "Utilizar la detención de migrantes sólo como último recurso, y buscar otras alternativas.", &["Una acción."]));
}

#[test]
fn period_outside_window() {
    let outside = report(
        7,
        O7,
        &["Del 1 de junio de 2019 al 30 de junio de 2021 se atendieron 10 casos."],
    );
    let inside = report(
        7,
        O7,
        &["Del 1 de junio de 2020 al 30 de junio de 2021 se atendieron 10 casos."],
    );
    fires("period_outside_window", &outside);
    silent("period_outside_window", &inside);
    // A founding date that governs no figure is context, not a reporting period.
    silent(
        "period_outside_window",
        &report(
            7,
            O7,
            &["El programa fue creado en el año 2000 para atender casos."],
        ),
    );
    // A length of time ("ocho meses") is not a reported result.
    silent(
        "period_outside_window",
        &report(
            7,
            O7,
            &["Instrumentado en el año 1974, los trabajadores viajan hasta por ocho meses."],
        ),
    );
    // The window can be overridden (the CLI's --period).
    let rules = rules();
    let wide = Window::parse("2019-01-01..2021-12-31").unwrap();
    assert!(!flags_with(&outside, &rules, Some(&wide))
        .iter()
        .any(|f| f.kind == "period_outside_window"));
    let narrow = Window::parse("2021-01-01..2021-06-30").unwrap();
    assert!(flags_with(&inside, &rules, Some(&narrow))
        .iter()
        .any(|f| f.kind == "period_outside_window"));
}

#[test]
fn malformed_period() {
    fires("malformed_period", &report(16, "Empoderar a los migrantes y las sociedades para lograr la plena inclusión y la cohesión social.", &["De junio de 2020 a junio a junio de 2021 participaron 31 maestros."]));
    fires(
        "malformed_period",
        &report(
            7,
            O7,
            &["Del 1 de julio de 2021 al 30 de junio de 2020 se atendieron 5 casos."],
        ),
    );
    silent(
        "malformed_period",
        &report(
            7,
            O7,
            &["De junio de 2020 a junio de 2021 participaron 31 maestros."],
        ),
    );
}

#[test]
fn irregular_number() {
    fires(
        "irregular_number",
        &report(7, O7, &["Se contabilizan 42, 045 empleos directos."]),
    );
    silent(
        "irregular_number",
        &report(7, O7, &["Se contabilizan 42,045 empleos directos."]),
    );
    fires(
        "irregular_number",
        &report(7, O7, &["Se han registrado 1,872.33 operaciones."]),
    );
    silent(
        "irregular_number",
        &report(
            7,
            O7,
            &["Representa un 93.27 % del total y 2.6 millones de personas."],
        ),
    );
    // A number split over a line break.
    fires("irregular_number", "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración.\n● Cuentan con 40 mil\n915 seguidores.\n");
}

#[test]
fn unknown_agency() {
    fires(
        "unknown_agency",
        &report(7, O7, &["La Comisión (CIAIMM) de la SER fue creada."]),
    );
    silent(
        "unknown_agency",
        &report(7, O7, &["La Comisión (CIAIMM) de la SRE fue creada."]),
    );
}

#[test]
fn near_duplicate() {
    let twice = "Objetivo 9. Reforzar la respuesta transnacional al tráfico ilícito de migrantes.\n\
● El INM participa en la Operación ITZEL II contra el tráfico de personas, del 26 de mayo al 31 de agosto de 2021.\n\
Objetivo 10. Prevenir, combatir y erradicar la trata de personas en el contexto de la migración internacional.\n\
● El INM también participa en la Operación ITZEL II contra la trata de personas, del 26 de mayo al 31 de agosto de 2021.\n";
    fires("near_duplicate", twice);
    let same_objective = "Objetivo 9. Reforzar la respuesta transnacional al tráfico ilícito de migrantes.\n\
● El INM participa en la Operación ITZEL II contra el tráfico de personas, del 26 de mayo al 31 de agosto de 2021.\n\
● El INM también participa en la Operación ITZEL II contra la trata de personas, del 26 de mayo al 31 de agosto de 2021.\n";
    silent("near_duplicate", same_objective);
    let different = "Objetivo 9. Reforzar la respuesta transnacional al tráfico ilícito de migrantes.\n\
● El INM participa en la Operación ITZEL II contra el tráfico de personas.\n\
Objetivo 10. Prevenir, combatir y erradicar la trata de personas en el contexto de la migración internacional.\n\
● La CNDH imparte cursos de capacitación a servidores públicos sobre trata.\n";
    silent("near_duplicate", different);
}

/// A report with a summary table, actions and conclusions (sections before their content).
fn counted(table_count: &str, actions: usize, conclusion_count: &str) -> String {
    let mut s = String::from(
        "I. RESUMEN\nObjetivos con más programas y/o acciones\nObjetivo Número de programas,\n7. Abordar y reducir las\nvulnerabilidades en la migración\n",
    );
    s.push_str(table_count);
    s.push_str(
        "\n\nII. ACCIONES\nObjetivo 7. Abordar y reducir las vulnerabilidades en la migración.\n",
    );
    for i in 0..actions {
        s.push_str(&format!("● Acción número {i} del programa.\n"));
    }
    s.push_str(&format!(
        "\nIII. CONCLUSIONES\nEl objetivo con mayor número de acciones es el número 7 que corresponde a Abordar y reducir las vulnerabilidades en la migración con {conclusion_count} acciones.\n"
    ));
    s
}

#[test]
fn declared_counts() {
    // Table and conclusions agree with the list: nothing.
    let k = kinds(&counted("3", 3, "3"));
    for kind in [
        "count_exceeds_declared",
        "count_fewer_than_declared",
        "count_disagreement",
        "count_declared_none",
    ] {
        assert!(!k.contains(&kind.to_string()), "{kind}: {k:?}");
    }
    // More listed than declared.
    fires("count_exceeds_declared", &counted("2", 3, "2"));
    // Fewer listed than declared: info.
    let f = flags_with(&counted("5", 3, "5"), &rules(), None);
    let fewer = f
        .iter()
        .find(|f| f.kind == "count_fewer_than_declared")
        .unwrap();
    assert_eq!(fewer.severity, informe::audit::Severity::Info);
    // Table and conclusions disagree.
    fires("count_disagreement", &counted("3", 3, "4"));
    // Declared none, but actions listed.
    fires("count_declared_none", &counted("0", 2, "ninguna"));
}

#[test]
fn participants_count() {
    let text = |stated: u32| {
        format!(
            "I. RESUMEN\nLas dependencias que participaron en este ejercicio ({stated}), dan seguimiento a los objetivos.\n\n\
Dependencias e Instituciones Acrónimo\nINSTITUTO NACIONAL DE MIGRACIÓN INM\nSECRETARÍA DE RELACIONES EXTERIORES SRE\n\n\
II. ACCIONES\nObjetivo 7. Abordar y reducir las vulnerabilidades en la migración.\n● Una acción.\n"
        )
    };
    silent("participants_count", &text(2));
    fires("participants_count", &text(3));
}

/// A copy of rules/gcm with `audit.toml` changed by `edit`.
fn rules_with(edit: impl Fn(&str) -> String) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("gcm");
    std::fs::create_dir_all(&to).unwrap();
    for entry in std::fs::read_dir("rules/gcm").unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_owned();
        let text = std::fs::read_to_string(&p).unwrap();
        let text = if name == "audit.toml" {
            edit(&text)
        } else {
            text
        };
        std::fs::write(to.join(name), text).unwrap();
    }
    (dir, to)
}

#[test]
fn checks_are_switched_off_and_reparametrized_in_rules() {
    let text = report(
        7,
        O7,
        &["Vuelos realizados: 248 (181 de llegada y 64 de salida)."],
    );
    let (_d, off) = rules_with(|t| {
        t.replacen("[checks.breakdown_sum]\n# A total and its parts (\"248 (181 de llegada y 64 de salida)\") whose parts do not add up.\nenabled = true", "[checks.breakdown_sum]\nenabled = false", 1)
    });
    let r = Rules::load(&off).unwrap();
    assert!(!flags_with(&text, &r, None)
        .iter()
        .any(|f| f.kind == "breakdown_sum"));

    // A tolerance of 3 accepts 248 vs 245; a severity of info demotes the flag.
    let (_d, tol) = rules_with(|t| t.replacen("tolerance = 0.0", "tolerance = 3.0", 1));
    let r = Rules::load(&tol).unwrap();
    assert!(!flags_with(&text, &r, None)
        .iter()
        .any(|f| f.kind == "breakdown_sum"));
    let (_d, sev) = rules_with(|t| {
        t.replacen(
            "enabled = true\nseverity = \"error\"\n# Largest difference",
            "enabled = true\nseverity = \"info\"\n# Largest difference",
            1,
        )
    });
    let r = Rules::load(&sev).unwrap();
    let f = flags_with(&text, &r, None);
    assert_eq!(
        f.iter()
            .find(|f| f.kind == "breakdown_sum")
            .unwrap()
            .severity,
        informe::audit::Severity::Info
    );

    // The reporting window is a rule parameter.
    let dated = report(
        7,
        O7,
        &["Del 1 de junio de 2019 al 30 de junio de 2021 se atendieron 10 casos."],
    );
    let (_d, win) =
        rules_with(|t| t.replacen("start = \"2020-06-01\"", "start = \"2019-01-01\"", 1));
    let r = Rules::load(&win).unwrap();
    assert!(!flags_with(&dated, &r, None)
        .iter()
        .any(|f| f.kind == "period_outside_window"));
}

#[test]
fn a_misspelled_check_or_parameter_is_a_rules_error() {
    let (_d, bad) =
        rules_with(|t| t.replacen("[checks.near_duplicate]", "[checks.near_duplicates]", 1));
    let e = Rules::load(&bad).unwrap_err().to_string();
    assert!(
        e.contains("audit.toml: checks.near_duplicates: unknown check"),
        "{e}"
    );
    let (_d, bad) = rules_with(|t| t.replacen("threshold = 0.5", "treshold = 0.5", 1));
    let e = Rules::load(&bad).unwrap_err().to_string();
    assert!(
        e.contains("checks.near_duplicate.treshold: unknown parameter"),
        "{e}"
    );
}
