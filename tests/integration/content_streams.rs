//! The hand-written decoder of content streams (`vendor/pdf-extract/src/fast_content.rs`) gives
//! exactly what lopdf 0.42's parser gives, or gives up: on every page and form of the PDF
//! fixtures (and of the folder in `INFORME_PDF_CORPUS`, when set), and on generated streams.

use std::path::Path;

use pdf_extract::content::{Content, Operation};
use pdf_extract::fast_content;
use proptest::prelude::*;

use crate::common::{fast_path_tally, glued_tokens};

/// The fast decoder's answer, when it gives one, equals lopdf's.
fn agrees(data: &[u8]) -> Result<bool, String> {
    let Some(fast) = fast_content::decode(data) else {
        return Ok(false);
    };
    let slow = Content::decode(data)
        .map_err(|e| format!("fast decoder read a stream lopdf rejects ({e})"))?;
    same_operations(&fast.operations, &slow.operations)?;
    Ok(true)
}

fn same_operations(fast: &[Operation], slow: &[Operation]) -> Result<(), String> {
    if fast.len() != slow.len() {
        return Err(format!(
            "{} operations, lopdf has {}",
            fast.len(),
            slow.len()
        ));
    }
    for (i, (f, s)) in fast.iter().zip(slow).enumerate() {
        if f.operator != s.operator || f.operands != s.operands {
            return Err(format!("operation {i}: {f:?} where lopdf has {s:?}"));
        }
    }
    Ok(())
}

/// Every page's content and every form XObject's content of a PDF.
fn streams_of(path: &Path) -> Vec<Vec<u8>> {
    let Ok(doc) = pdf_extract::Document::load(path) else {
        return Vec::new();
    };
    let mut out: Vec<Vec<u8>> = doc
        .get_pages()
        .values()
        .filter_map(|&id| doc.get_page_content(id).ok())
        .collect();
    for object in doc.objects.values() {
        if let Ok(stream) = object.as_stream() {
            let form = stream
                .dict
                .get(b"Subtype")
                .and_then(|s| s.as_name())
                .is_ok_and(|n| n == b"Form");
            if form {
                out.extend(stream.decompressed_content().ok());
            }
        }
    }
    out
}

#[test]
fn fast_decoder_agrees_with_lopdf_on_every_fixture_stream() {
    // The fixtures are ordinary documents: the fast path must carry nearly all of them (the
    // 2021 report alone has 40 pages).
    fast_path_tally(streams_of, agrees).assert_no_difference_and_nearly_all_fast("streams", 60);
}

#[test]
fn fast_decoder_reads_what_ordinary_pages_hold() {
    let page = b"BT /F1 12 Tf 72 712.5 Td [(Hola) -250 (mundo\\051 \\(x\\)) 5.] TJ \
                 <48 6f6c 61> Tj (a(b)c) ' 0 0 1 rg T* ET q 1 0 0 1 0 0 cm /Im0 Do Q \
                 /Span <</MCID 3 /Lang (es-MX) /A [1 2] /MCID 4>>BDC EMC";
    assert_eq!(agrees(page), Ok(true));
    let ops = fast_content::decode(page).unwrap().operations;
    let names: Vec<&str> = ops.iter().map(|o| o.operator.as_str()).collect();
    assert_eq!(
        names,
        ["BT", "Tf", "Td", "TJ", "Tj", "'", "rg", "T*", "ET", "q", "cm", "Do", "Q", "BDC", "EMC"]
    );
}

/// What the reader processes borrows from the stream where it can: operators, names and
/// strings without escapes; a hexadecimal string's bytes are kept inline.
#[test]
fn decoded_operations_borrow_from_the_stream() {
    use fast_content::Operand;
    use std::borrow::Cow;
    let page = b"/F1 12 Tf (plain) Tj (esc\\051) Tj /A#20B Tf <0041> Tj";
    let ops = fast_content::decode_borrowed(page).unwrap();
    let borrowed = |c: &Cow<[u8]>| matches!(c, Cow::Borrowed(_));
    assert!(ops.iter().all(|o| matches!(o.operator, Cow::Borrowed(_))));
    assert!(matches!(&ops[0].operands[0], Operand::Name(n) if borrowed(n) && n.as_ref() == b"F1"));
    assert!(
        matches!(&ops[1].operands[0], Operand::String(s, _) if borrowed(s) && s.as_ref() == b"plain")
    );
    assert!(
        matches!(&ops[2].operands[0], Operand::String(s, _) if !borrowed(s) && s.as_ref() == b"esc)")
    );
    assert!(
        matches!(&ops[3].operands[0], Operand::Name(n) if !borrowed(n) && n.as_ref() == b"A B")
    );
    assert!(
        matches!(&ops[4].operands[0], Operand::HexString(h) if !h.spilled() && h[..] == [0, 0x41])
    );
}

/// A stream only lopdf decodes is lent to the reader's operations and back without a change:
/// on every fixture stream, lopdf's operations survive `Op::from_operation` and `to_operation`.
#[test]
fn lopdf_operations_lent_to_the_reader_are_unchanged() {
    let mut seen = 0;
    for entry in std::fs::read_dir("fixtures/pdf").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "pdf") {
            continue;
        }
        for stream in streams_of(&path) {
            let Ok(content) = Content::decode(&stream) else {
                continue;
            };
            for op in &content.operations {
                let back = fast_content::Op::from_operation(op).to_operation();
                assert_eq!(
                    (&back.operator, &back.operands),
                    (&op.operator, &op.operands)
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 10_000, "only {seen} operations");
}

#[test]
fn fast_decoder_reads_odd_tokens_as_lopdf_does() {
    for stream in [
        &b"nullx"[..],
        b"truefalse Tj",
        b"1.2.3 w",
        b"+.5 -5. 007 w",
        b"0g 1 0 0 1 0 0 d0 f",
        b"(\\777\\0\\12a) Tj",
        b"(x\\\ny\\\r\nz\\q) Tj",
        b"(\r\n\r) Tj",
        b"< 4 f 6 > Tj <> Tj <a> Tj",
        b"/A#20B/C#2f Tf",
        b"/ 1 Tf",
        b"[[1] [(a)]]TJ",
    ] {
        assert_eq!(
            agrees(stream),
            Ok(true),
            "{}",
            String::from_utf8_lossy(stream)
        );
    }
}

#[test]
fn fast_decoder_leaves_the_rest_to_lopdf() {
    for stream in [
        &b"% a comment\nBT ET"[..],
        b"/P <</Flag true>> BDC EMC",
        b"/P <</Ref 1 0 R>> BDC EMC",
        b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI",
        b"BT\x0C ET",
        b"99999999999999999999 w",
        b"1 2",
        b"[1 0 R] TJ",
        b"(unclosed",
        b"/Na#zz Tf",
    ] {
        assert_eq!(
            fast_content::decode(stream).map(|c| c.operations.len()),
            None,
            "{}",
            String::from_utf8_lossy(stream)
        );
    }
}

/// Tokens of content streams, ordinary and odd (glued by `glued_tokens`, with and without space).
fn tokens() -> Vec<&'static str> {
    vec![
        "BT",
        "ET",
        "Tf",
        "Td",
        "TJ",
        "Tj",
        "'",
        "\"",
        "T*",
        "cm",
        "re",
        "f*",
        "d0",
        "BI",
        "ID",
        "EI",
        "null",
        "true",
        "false",
        "nullx",
        "R",
        "0 R",
        "/F1",
        "/A#20B",
        "/A#2",
        "/",
        "[",
        "]",
        "[[",
        "]]",
        "<",
        ">",
        "<<",
        ">>",
        "<</MCID 0>>",
        "<</A",
        "/K 1>>",
        "<4F6b>",
        "< 4 f 6 >",
        "<4G>",
        "(",
        ")",
        "\\",
        "(a\\",
        "(x\\051y)",
        "(x\\\ny)",
        "(x\\\r\ny)",
        "(\\0123)",
        "(\\777)",
        "(\r\n)",
        "(a(b)c)",
        "%c\n",
        "%",
        "{",
        "}",
        "\u{0}",
        "\u{c}",
        " ",
        "\n",
        "\r",
        "\t",
        "1",
        "-1",
        "+1",
        "1.",
        ".5",
        "-.5",
        "+.",
        "-",
        ".",
        "1.2.3",
        "007",
        "99999999999999999999",
        "3.4028236e38",
        "é",
    ]
}

proptest! {
    #[test]
    fn fast_decoder_never_disagrees_with_lopdf(data in glued_tokens(tokens())) {
        prop_assert_eq!(agrees(&data).err(), None::<String>);
    }

    #[test]
    fn fast_decoder_agrees_on_ordinary_streams(
        ops in prop::collection::vec(
            (prop::collection::vec(prop::sample::select(vec![
                "12", "-3.5", ".25", "/F2", "(Acci\\363n 1)", "<00410042>", "[(a) -20 (b)]", "true",
                "<</MCID 7 /Alt (x) /S [1 <</N 2>>]>>",
            ]), 0..4), prop::sample::select(vec!["Tj", "TJ", "Td", "Tf", "cm", "re", "BT", "ET", "gs"])),
            0..30,
        ),
    ) {
        let data: String = ops
            .iter()
            .map(|(operands, op)| format!("{} {op}\n", operands.join(" ")))
            .collect();
        prop_assert_eq!(agrees(data.as_bytes()), Ok(true));
    }
}
