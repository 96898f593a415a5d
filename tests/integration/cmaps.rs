//! The hand-written reader of ToUnicode CMaps (`vendor/pdf-extract/src/fast_cmap.rs`) gives
//! exactly the map adobe-cmap-parser 0.4 gives, or gives up: on every CMap stream of the PDF
//! fixtures (and of the folder in `INFORME_PDF_CORPUS`, when set), and on generated CMaps.

use std::collections::HashMap;
use std::path::Path;

use pdf_extract::fast_cmap;
use proptest::prelude::*;

use crate::common::{fast_path_tally, glued_tokens};

/// The fast reader's answer, when it gives one, equals adobe-cmap-parser's (which must then
/// neither fail nor panic).
fn agrees(data: &[u8]) -> Result<bool, String> {
    let Some(fast) = fast_cmap::unicode_map(data) else {
        return Ok(false);
    };
    let slow = adobe_cmap_parser::get_unicode_map(data)
        .map_err(|e| format!("fast reader read a CMap adobe-cmap-parser rejects ({e})"))?;
    same_map(&fast, &slow)?;
    Ok(true)
}

fn same_map(fast: &HashMap<u32, Vec<u8>>, slow: &HashMap<u32, Vec<u8>>) -> Result<(), String> {
    if fast.len() != slow.len() {
        return Err(format!(
            "{} codes, adobe-cmap-parser has {}",
            fast.len(),
            slow.len()
        ));
    }
    for (code, text) in slow {
        if fast.get(code) != Some(text) {
            return Err(format!(
                "code {code:#x}: {:?} where adobe-cmap-parser has {text:?}",
                fast.get(code)
            ));
        }
    }
    Ok(())
}

/// Every stream of a PDF that holds a CMap, inflated.
fn cmaps_of(path: &Path) -> Vec<Vec<u8>> {
    let Ok(doc) = pdf_extract::Document::load(path) else {
        return Vec::new();
    };
    doc.objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter_map(|s| s.decompressed_content().ok())
        .filter(|data| data.windows(9).any(|w| w == b"begincmap"))
        .collect()
}

#[test]
fn fast_cmap_reader_agrees_with_adobe_cmap_parser_on_every_fixture_cmap() {
    // The fixtures' fonts come from LibreOffice, Chromium and Word: the fast path must read
    // nearly all of their maps.
    fast_path_tally(cmaps_of, agrees).assert_no_difference_and_nearly_all_fast("CMaps", 20);
}

#[test]
fn fast_cmap_reader_reads_ordinary_cmaps() {
    let cmap = "%!PS-Adobe-3.0 Resource-CMap\n%%Title: x\n/CIDInit /ProcSet findresource begin\n\
        12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
        /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
        1 begincodespacerange\n<00> <FF>\nendcodespacerange\n\
        2 beginbfchar\n<03> <0020>\n<11><00F3>\nendbfchar\n\
        3 beginbfrange\n<20> <21> <0041>\n<30> <31> [<0061> <D835DC00>]\n<40><40><00000042>\nendbfrange\n\
        endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    assert_eq!(agrees(cmap.as_bytes()), Ok(true));
    let map = fast_cmap::unicode_map(cmap.as_bytes()).unwrap();
    assert_eq!(map.len(), 7);
    assert_eq!(map[&0x11], [0, 0xF3]);
    assert_eq!(map[&0x21], [0, 0x42]);
    assert_eq!(map[&0x31], [0xD8, 0x35, 0xDC, 0x00]);
    assert_eq!(map[&0x40], [0, 0, 0, 0x42]);
}

#[test]
fn fast_cmap_reader_reads_odd_tokens_as_adobe_cmap_parser_does() {
    for cmap in [
        // An indented comment after a value, booleans glued to operators, a sign, an empty
        // string, a later entry replacing an earlier one, a range that runs backwards.
        "1 beginbfchar\n  % note\n<01> <0041> endbfchar",
        "truefalse 1 beginbfchar <01> <0041> endbfchar",
        "+2 beginbfchar <01> () (AB) <0042> endbfchar",
        "2 beginbfchar <01> <0041> <01> <0042> endbfchar",
        "1 beginbfrange <05> <01> <0041> endbfrange",
        "-1 beginbfchar 1 beginbfchar < 01 > <00\t41> endbfchar",
        "<</A [1 <</B (c)>>] /C /D>> 1 beginbfchar <01> <0041> endbfchar",
        "1 beginbfrange <00> <FF> <0000> endbfrange",
        "12dict 1 beginbfchar<01><0041>endbfchar",
        // The token after a section's entries is skipped unread, even a `beginbfchar`.
        "0 beginbfchar beginbfchar <01> <0041> endbfchar",
    ] {
        assert_eq!(agrees(cmap.as_bytes()), Ok(true), "{cmap}");
    }
}

#[test]
fn fast_cmap_reader_leaves_the_rest_to_adobe_cmap_parser() {
    for cmap in [
        "1 beginbfchar <01> <0041> endbfchar 1.5 def",
        "/A#20B def 1 beginbfchar <01> <0041> endbfchar",
        "(a\\)b) 1 beginbfchar <01> <0041> endbfchar",
        "(a(b)c) 1 beginbfchar <01> <0041> endbfchar",
        "1 beginbfchar <01> <041> endbfchar",
        "% a\n  % b\n1 beginbfchar <01> <0041> endbfchar",
        "% no end of line",
        "beginbfchar <01> <0041> endbfchar",
        "2 beginbfchar <01> <0041>",
        "1 beginbfrange <01> <02> <004100> endbfrange",
        "1 beginbfrange <05> <01> <004100> endbfrange",
        "1 beginbfrange <01> <02> <FFFF> endbfrange",
        "1 beginbfrange <01> <03> [<0041> <0042>] endbfrange",
        "1 beginbfrange <01> <02> [<0041> /B] endbfrange",
        "1 beginbfrange <0000> <FFFFFF> <0041> endbfrange",
        "1 beginbfchar <01> <0041> endbfchar\x0C",
        "",
        "   ",
    ] {
        assert_eq!(
            fast_cmap::unicode_map(cmap.as_bytes()).map(|m| m.len()),
            None,
            "{cmap:?}"
        );
    }
}

/// Tokens of CMaps, ordinary and odd (glued by `glued_tokens`, with and without space).
fn tokens() -> Vec<&'static str> {
    vec![
        "beginbfchar",
        "endbfchar",
        "beginbfrange",
        "endbfrange",
        "begincmap",
        "def",
        "dict",
        "true",
        "false",
        "/CMapName",
        "/A#20B",
        "/",
        "[",
        "]",
        "<<",
        ">>",
        "<</Registry (Adobe)>>",
        "<",
        ">",
        "<01>",
        "<0041>",
        "<D835DC00>",
        "<FFFF>",
        "<004100>",
        "< 0 1 >",
        "<4G>",
        "<>",
        "[<0041> <0042>]",
        "(",
        ")",
        "(x)",
        "(a\\)b)",
        "(a(b)c)",
        "%c\n",
        "%c\r\n",
        "%",
        "{",
        "}",
        "\u{0}",
        "\u{c}",
        " ",
        "\n",
        "\r",
        "\t",
        "0",
        "1",
        "2",
        "-1",
        "+1",
        "1.",
        ".5",
        "-",
        "99999999999999999999",
        "é",
    ]
}

/// One `bfchar` or `bfrange` section of 0 to 3 entries, well formed or nearly.
fn section() -> impl Strategy<Value = String> {
    let code = prop::sample::select(vec!["<00>", "<01>", "<1F>", "<FF>", "<0001>", "<FFFE>"]);
    let text = prop::sample::select(vec![
        "<0041>",
        "<00F3>",
        "<D835DC00>",
        "<FFFF>",
        "<00000041>",
        "[<0061> <0062>]",
        "[<0061>]",
        "(x)",
    ]);
    (
        prop::bool::ANY,
        0i32..4,
        prop::collection::vec((code.clone(), code, text), 0..3),
    )
        .prop_map(|(range, count, entries)| {
            let mut s = format!(
                "{count} begin{}\n",
                if range { "bfrange" } else { "bfchar" }
            );
            for (a, b, t) in entries {
                if range {
                    s.push_str(&format!("{a} {b} {t}\n"));
                } else {
                    s.push_str(&format!("{a} {t}\n"));
                }
            }
            s.push_str(if range { "endbfrange\n" } else { "endbfchar\n" });
            s
        })
}

proptest! {
    #[test]
    fn fast_cmap_reader_never_disagrees_with_adobe_cmap_parser(data in glued_tokens(tokens())) {
        prop_assert_eq!(agrees(&data).err(), None::<String>);
    }

    #[test]
    fn fast_cmap_reader_never_disagrees_on_generated_sections(
        sections in prop::collection::vec(section(), 1..4),
    ) {
        let data = format!(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n{}endcmap\nend\nend\n",
            sections.concat()
        );
        prop_assert_eq!(agrees(data.as_bytes()).err(), None::<String>);
    }
}
