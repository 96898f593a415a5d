//! A submission as Word's "Plain Text" export writes it: Windows-1252, CRLF, "·<tab>" bullets,
//! "o<tab>" second-level bullets, a form feed, and headings *before* their bullets.
//! The fixture is made by fixtures/make_word_export.py.

use std::path::Path;

use informe::rules::Placement;
use informe::{process_file, Rules};

#[test]
fn word_export_with_headings_before_bullets() {
    let rules = Rules::load(Path::new("rules/gcm")).unwrap();
    let ex = process_file(Path::new("fixtures/submission-word-export.txt"), &rules).unwrap();
    assert_eq!(ex.source.format, "text/windows-1252");
    assert_eq!(ex.placement, Placement::Before);
    let got: Vec<(u32, u32, usize)> = ex
        .actions
        .iter()
        .map(|a| (a.objective, a.provenance.line, a.sub_items.len()))
        .collect();
    assert_eq!(
        got,
        [(3, 5, 0), (3, 8, 0), (7, 11, 2), (7, 14, 0), (14, 17, 0)]
    );
    assert_eq!(
        ex.actions[0].text,
        "La Guía del Viajero de la SRE es una herramienta para que las personas mexicanas que viajen al exterior consulten información de utilidad. Del 1 de julio de 2021 al 30 de junio de 2022 se realizaron 1,102 publicaciones con alertas y avisos de viaje."
    );
    let subs: Vec<&str> = ex.actions[2]
        .sub_items
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(
        subs,
        [
            "112,340 casos en la red consular de México en EEUU, y",
            "6,562 casos en el resto del mundo."
        ]
    );
    // The form feed puts the TRICAMEX bullet on page 2.
    assert_eq!(ex.actions[4].provenance.page, Some(2));
    assert_eq!(ex.actions[0].provenance.page, Some(1));
    let o19 = ex.objectives.iter().find(|o| o.number == 19).unwrap();
    assert_eq!(o19.no_activities.as_ref().map(|p| p.line), Some(21));
    assert_eq!(
        o19.printed_title.as_deref(),
        Some("Crear las condiciones necesarias para que los migrantes y las diásporas puedan contribuir plenamente al desarrollo sostenible en todos los países")
    );
    // Spans are byte offsets in the Windows-1252 file: one byte per character.
    let bytes = std::fs::read("fixtures/submission-word-export.txt").unwrap();
    let a = &ex.actions[1];
    let at = a.text.find("298,410").unwrap();
    let [s, e] = a.source_span(at..at + 7);
    assert_eq!(&bytes[s..e], b"298,410");
    let at = a.text.find("Información").unwrap();
    let [s, e] = a.source_span(at..at + "Información".len());
    assert_eq!(&bytes[s..e], b"Informaci\xf3n");
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
}
