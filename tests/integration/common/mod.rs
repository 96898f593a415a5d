//! Test inputs made by code: the malformed-input folder and small Word files.

#![allow(dead_code)] // each test file uses its own part

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes a minimal .docx (a zip with `word/document.xml`) holding `paragraphs`; a paragraph
/// starting with "• " is written as a list item.
pub fn write_docx(path: &Path, paragraphs: &[&str]) {
    let mut body = String::new();
    for p in paragraphs {
        let (list, text) = match p.strip_prefix("• ") {
            Some(t) => (true, t),
            None => (false, *p),
        };
        let text = text.replace('&', "&amp;").replace('<', "&lt;");
        if list {
            body.push_str(&format!(
                "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"
            ));
        } else {
            body.push_str(&format!(
                "<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"
            ));
        }
    }
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    z.start_file("[Content_Types].xml", opts).unwrap();
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).unwrap();
    z.start_file("word/document.xml", opts).unwrap();
    z.write_all(doc.as_bytes()).unwrap();
    z.finish().unwrap();
}

/// A stream object: its dictionary's `entries` and its `/Length`, then `body` as it is.
pub fn stream_object(entries: &str, body: &[u8]) -> Vec<u8> {
    let sep = if entries.is_empty() { "" } else { " " };
    let mut s = format!("<< {entries}{sep}/Length {} >>\nstream\n", body.len()).into_bytes();
    s.extend_from_slice(body);
    s.extend_from_slice(b"\nendstream");
    s
}

/// A PDF with the given objects (numbered from 1; object 1 is the catalog) and a correct xref.
pub fn pdf_with(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// The malformed-input folder: each bad file with the reason kind it must fail with, and good
/// files beside them.
pub fn make_malformed(dir: &Path) -> Vec<(&'static str, &'static str)> {
    std::fs::create_dir_all(dir).unwrap();
    let fixture = |p: &str| std::fs::read(p).unwrap();
    // Good files.
    std::fs::write(
        dir.join("informe-2021.txt"),
        fixture("fixtures/informe-ejecutivo-2021.txt"),
    )
    .unwrap();
    std::fs::write(
        dir.join("sre-2022.pdf"),
        fixture("fixtures/pdf/submission-word-symbol-bullets.pdf"),
    )
    .unwrap();
    write_docx(
        &dir.join("inm-2022.docx"),
        &[
            "INSTITUTO NACIONAL DE MIGRACIÓN (INM)",
            "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración",
            "• Se atendieron 1,250 casos de asistencia del 1 de junio de 2020 al 30 de junio de 2021.",
            "• Se realizaron 12 talleres de orientación.",
        ],
    );
    // Bad files.
    let pdf = fixture("fixtures/pdf/two-columns-footnotes.pdf");
    std::fs::write(dir.join("truncated.pdf"), &pdf[..pdf.len() / 3]).unwrap();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let random: Vec<u8> = (0..40_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(dir.join("random.pdf"), random).unwrap();
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    std::fs::write(
        dir.join("nested-arrays.pdf"),
        pdf_with(&[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Deep {nested} >>")
                .into_bytes(),
        ]),
    )
    .unwrap();
    // A content stream that inflates to a gigabyte.
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..1024 {
        enc.write_all(&zeros).unwrap();
    }
    let stream = stream_object("/Filter /FlateDecode", &enc.finish().unwrap());
    std::fs::write(
        dir.join("inflate-bomb.pdf"),
        pdf_with(&[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
            stream,
        ]),
    )
    .unwrap();
    std::fs::write(
        dir.join("locked.pdf"),
        fixture("fixtures/pdf/password-required.pdf"),
    )
    .unwrap();
    std::fs::write(dir.join("zero.txt"), b"").unwrap();
    let utf32: Vec<u8> = "Objetivo 7. Texto en UTF-32"
        .chars()
        .flat_map(|c| (c as u32).to_le_bytes())
        .collect();
    std::fs::write(dir.join("utf32.txt"), utf32).unwrap();
    vec![
        ("truncated.pdf", ""),
        ("random.pdf", ""),
        ("nested-arrays.pdf", ""),
        ("inflate-bomb.pdf", ""),
        ("locked.pdf", "pdf_password"),
        ("zero.txt", "empty"),
        ("utf32.txt", "binary"),
    ]
}

/// Writes a .docx whose `word/document.xml` holds a report's heading and bullet plus `padding`
/// bytes of text (compressed, the file stays small).
#[allow(dead_code)]
pub fn write_docx_with_padding(path: &Path, padding: usize) {
    let head = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>Objetivo 7. Abordar y reducir las vulnerabilidades en la migración</w:t></w:r></w:p><w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>Se realizaron 12 talleres.</w:t></w:r></w:p><w:p><w:r><w:t>";
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(padding > u32::MAX as usize / 2);
    z.start_file("word/document.xml", opts).unwrap();
    z.write_all(head.as_bytes()).unwrap();
    let block = vec![b'a'; 1 << 20];
    for _ in 0..padding >> 20 {
        z.write_all(&block).unwrap();
    }
    z.write_all(b"</w:t></w:r></w:p></w:body></w:document>")
        .unwrap();
    z.finish().unwrap();
}

/// Every PDF under `dir`, at any depth.
fn pdfs_in(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            pdfs_in(&path, out);
        } else if path.extension().is_some_and(|e| e == "pdf") {
            out.push(path);
        }
    }
}

/// How a hand-written fast path of the vendored PDF reader fared against the published parser
/// it stands in for, over every stream of a kind in the PDF fixtures (and in the folder named by
/// `INFORME_PDF_CORPUS`, when set).
pub struct FastPathTally {
    pub files: usize,
    pub streams: usize,
    /// Streams the fast path read (and agreed on).
    pub fast: usize,
    /// Streams where the two disagree, each naming its file.
    pub failures: Vec<String>,
}

/// Runs `agrees` (`Ok(true)`: read by the fast path, the same as the parser; `Ok(false)`: left
/// to the parser; `Err`: a difference) on every stream `streams_of` takes from each PDF.
pub fn fast_path_tally(
    streams_of: impl Fn(&Path) -> Vec<Vec<u8>>,
    agrees: impl Fn(&[u8]) -> Result<bool, String>,
) -> FastPathTally {
    let mut files = Vec::new();
    pdfs_in(Path::new("fixtures"), &mut files);
    if let Some(dir) = std::env::var_os("INFORME_PDF_CORPUS") {
        pdfs_in(Path::new(&dir), &mut files);
    }
    files.sort();
    let mut tally = FastPathTally {
        files: files.len(),
        streams: 0,
        fast: 0,
        failures: Vec::new(),
    };
    for file in &files {
        for data in streams_of(file) {
            tally.streams += 1;
            match agrees(&data) {
                Ok(true) => tally.fast += 1,
                Ok(false) => {}
                Err(e) => tally.failures.push(format!("{}: {e}", file.display())),
            }
        }
    }
    tally
}

impl FastPathTally {
    /// Fails on any difference, on fewer than `at_least` streams found, or when the fast path
    /// read under nine in ten of them (the fixtures are ordinary documents). `what` names the
    /// streams in the messages ("CMaps").
    pub fn assert_no_difference_and_nearly_all_fast(&self, what: &str, at_least: usize) {
        eprintln!(
            "{} files, {} {what}, {} by the fast path",
            self.files, self.streams, self.fast
        );
        assert!(self.failures.is_empty(), "{}", self.failures.join("\n"));
        assert!(
            self.streams >= at_least,
            "only {} {what} found",
            self.streams
        );
        assert!(
            self.fast * 10 >= self.streams * 9,
            "{} of {} {what}",
            self.fast,
            self.streams
        );
    }
}

/// Byte strings for differential tests of a hand-written reader: up to 40 tokens, each one of
/// `tokens` (8 times in 9) or up to 3 random bytes, glued with nothing, a space or a line end.
pub fn glued_tokens(
    tokens: Vec<&'static str>,
) -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let token = prop_oneof![
        8 => prop::sample::select(tokens).prop_map(|s| s.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..4),
    ];
    prop::collection::vec(
        (
            token,
            prop::sample::select(vec!["", " ", " ", "\n", "\r\n"]),
        ),
        0..40,
    )
    .prop_map(|tokens| {
        tokens
            .into_iter()
            .flat_map(|(t, sep)| t.into_iter().chain(sep.bytes()))
            .collect()
    })
}
