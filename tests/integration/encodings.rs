//! The same report re-encoded as Word and PDF-to-text tools write it gives the same records.
//! The variants are made here from the UTF-8 fixture.

use std::path::Path;

use encoding_rs::{Encoding, MACINTOSH, UTF_16LE, UTF_8, WINDOWS_1252};
use informe::{process_bytes, Extracted, Rules};

const FIXTURE: &str = "fixtures/informe-ejecutivo-2021.txt";

fn rules() -> Rules {
    Rules::load(Path::new("rules/gcm")).unwrap()
}

fn original() -> String {
    std::fs::read_to_string(FIXTURE).unwrap()
}

/// What must not change with the encoding: objective, lines, text, sub-items.
fn essence(ex: &Extracted) -> Vec<(u32, u32, u32, String, Vec<String>)> {
    ex.actions
        .iter()
        .map(|a| {
            (
                a.objective,
                a.provenance.line,
                a.provenance.line_end,
                a.text.clone(),
                a.sub_items.iter().map(|s| s.text.clone()).collect(),
            )
        })
        .collect()
}

/// Checks that each action's span, decoded with `encoding`, starts with the action's text.
fn spans_decode(ex: &Extracted, bytes: &[u8], encoding: &'static Encoding) {
    for a in &ex.actions {
        let [s, e] = a.provenance.span;
        let (src, _) = encoding.decode_without_bom_handling(&bytes[s..e]);
        let first: String = a.text.chars().take(30).collect();
        assert!(
            src.starts_with(&first),
            "{}: {:?}",
            a.id,
            &src[..src.len().min(60)]
        );
        let at = a.text.find(' ').unwrap_or(0) + 1;
        let word_end = at + a.text[at..].find(' ').unwrap_or(0);
        let [ws, we] = a.source_span(at..word_end);
        let (word, _) = encoding.decode_without_bom_handling(&bytes[ws..we]);
        assert_eq!(word, &a.text[at..word_end], "{}", a.id);
    }
}

#[test]
fn utf8_baseline_has_the_102_actions() {
    let text = original();
    let ex = process_bytes("r.txt", text.as_bytes(), &rules()).unwrap();
    assert_eq!(ex.source.format, "text/utf-8");
    assert_eq!(ex.actions.len(), 102);
    spans_decode(&ex, text.as_bytes(), UTF_8);
}

#[test]
fn windows_1252_gives_the_same_records() {
    let text = original();
    // "●" has no Windows-1252 code; Word's plain-text export writes "•" (0x95) for it.
    let text_1252 = text.replace('●', "•");
    let (bytes, _, unmappable) = WINDOWS_1252.encode(&text_1252);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "must not be valid UTF-8"
    );
    let rules = rules();
    let base = process_bytes("r.txt", text.as_bytes(), &rules).unwrap();
    let ex = process_bytes("r.txt", &bytes, &rules).unwrap();
    assert_eq!(ex.source.format, "text/windows-1252");
    assert_eq!(essence(&ex), essence(&base));
    spans_decode(&ex, &bytes, WINDOWS_1252);
}

/// An old Mac's plain-text export: Mac Roman, lines ending in CR. Read as Windows-1252 it gave
/// "Migraci—n" in every action and still said `ok`; the code page that garbles no word is taken.
#[test]
fn mac_roman_gives_the_same_records() {
    let text = original();
    // "●" has no Mac Roman code either; "•" is 0xA5 there.
    let text_mac = text.replace('●', "•").replace('\n', "\r");
    let (bytes, _, unmappable) = MACINTOSH.encode(&text_mac);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err());
    let rules = rules();
    let base = process_bytes("r.txt", text.as_bytes(), &rules).unwrap();
    let ex = process_bytes("r.txt", &bytes, &rules).unwrap();
    assert_eq!(ex.source.format, "text/macintosh");
    assert_eq!(essence(&ex), essence(&base));
    assert_eq!(ex.reading.garbled.count, 0);
    spans_decode(&ex, &bytes, MACINTOSH);
}

#[test]
fn utf16le_with_bom_gives_the_same_records() {
    let text = original();
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let rules = rules();
    let base = process_bytes("r.txt", text.as_bytes(), &rules).unwrap();
    let ex = process_bytes("r.txt", &bytes, &rules).unwrap();
    assert_eq!(ex.source.format, "text/utf-16le");
    assert_eq!(essence(&ex), essence(&base));
    spans_decode(&ex, &bytes, UTF_16LE);
}

#[test]
fn crlf_and_utf8_bom_give_the_same_records() {
    let text = original();
    let rules = rules();
    let base = process_bytes("r.txt", text.as_bytes(), &rules).unwrap();
    let mut crlf = vec![0xEF, 0xBB, 0xBF];
    crlf.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
    let ex = process_bytes("r.txt", &crlf, &rules).unwrap();
    assert_eq!(essence(&ex), essence(&base));
    spans_decode(&ex, &crlf, UTF_8);
}

#[test]
fn form_feeds_give_pages() {
    // Put a form feed before every line that the PDF-to-text step started with a space.
    let text = original();
    let paged: String = text
        .split_inclusive('\n')
        .map(|l| {
            if l.starts_with(' ') && l.len() > 1 && !l[1..].starts_with(' ') && l.trim() != "" {
                format!("\u{c}{l}")
            } else {
                l.to_string()
            }
        })
        .collect();
    let rules = rules();
    let ex = process_bytes("r.txt", paged.as_bytes(), &rules).unwrap();
    let base = process_bytes("r.txt", text.as_bytes(), &rules).unwrap();
    assert_eq!(essence(&ex), essence(&base));
    assert!(ex.actions.iter().all(|a| a.provenance.page.is_some()));
    let first = &ex.actions[0];
    assert_eq!(first.provenance.line, 200);
    assert!(base.actions.iter().all(|a| a.provenance.page.is_none()));
    // Pages grow through the document.
    let pages: Vec<u32> = ex
        .actions
        .iter()
        .filter_map(|a| a.provenance.page)
        .collect();
    assert!(pages.windows(2).all(|w| w[0] <= w[1]));
}
