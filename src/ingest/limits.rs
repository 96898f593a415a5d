//! The limits that keep the memory of a run bounded whatever its inputs hold (the README lists
//! them). Each is checked before the work it bounds (the file's size before reading it, a zip
//! entry's size before inflating it, a PDF stream's size while inflating it) and an input over
//! one fails alone with an error naming the limit ([`InputError::TooLarge`]).

use crate::error::InputError;

/// Largest input file, in bytes (checked on the file's size before it is read).
pub const MAX_INPUT_FILE_BYTES: u64 = 128 << 20;
/// Largest text read from one input, in bytes (the decoded text of a text file, the paragraphs
/// of a .docx, the laid-out text of a PDF); a text file larger than this is not decoded. At
/// 16 MiB, a text of dense bullets with figures took 1.26 GB of memory (about 75 times its
/// size: every action, figure and period with its provenance); 4 MiB keeps the worst case near
/// 310 MB and is forty times the 2021 report (97 KB).
pub const MAX_TEXT_BYTES: usize = 4 << 20;
/// Most lines read from one input.
pub const MAX_TEXT_LINES: usize = 100_000;
/// Largest part of a .docx (`word/document.xml`, `word/styles.xml`), uncompressed, in bytes:
/// checked on the zip entry's declared size before inflating, and again while inflating.
pub const MAX_DOCX_PART_BYTES: u64 = 64 << 20;
/// Largest PDF stream (content, form, font, object stream), decompressed, in bytes. Image
/// streams are never decompressed.
pub const MAX_PDF_STREAM_BYTES: usize = 32 << 20;

/// `bytes` in MiB for messages (`"200.0 MiB"`), or bytes when under one.
pub fn size_text(bytes: u64) -> String {
    if bytes < 1 << 20 {
        format!("{bytes} bytes")
    } else {
        format!("{:.1} MiB", bytes as f64 / f64::from(1u32 << 20))
    }
}

/// The error for `what` over the limit `name` of `limit` bytes.
pub fn too_large(path: &str, what: String, limit: u64, name: &'static str) -> InputError {
    InputError::TooLarge {
        path: path.to_string(),
        what,
        limit: size_text(limit),
        name,
    }
}

/// Fails when the text read from an input is over [`MAX_TEXT_BYTES`] or [`MAX_TEXT_LINES`].
pub fn check_text(path: &str, text: &str) -> Result<(), InputError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(too_large(
            path,
            format!("its text ({})", size_text(text.len() as u64)),
            MAX_TEXT_BYTES as u64,
            "MAX_TEXT_BYTES",
        ));
    }
    let lines = bytecount_newlines(text.as_bytes());
    if lines > MAX_TEXT_LINES {
        return Err(InputError::TooLarge {
            path: path.to_string(),
            what: format!("its text ({lines} lines)"),
            limit: format!("{MAX_TEXT_LINES} lines"),
            name: "MAX_TEXT_LINES",
        });
    }
    Ok(())
}

fn bytecount_newlines(bytes: &[u8]) -> usize {
    // A sum of 0s and 1s, which the compiler turns into vector code (a filtered count it does not).
    bytes.iter().map(|&b| usize::from(b == b'\n')).sum()
}

#[cfg(test)]
mod tests {
    use super::{check_text, size_text};

    #[test]
    fn sizes_read_in_mib() {
        assert_eq!(size_text(12), "12 bytes");
        assert_eq!(size_text(200 << 20), "200.0 MiB");
    }

    #[test]
    fn text_over_the_line_limit_names_it() {
        let text = "a\n".repeat(super::MAX_TEXT_LINES + 1);
        let e = check_text("f.txt", &text).unwrap_err().to_string();
        assert!(e.contains("MAX_TEXT_LINES"), "{e}");
        assert!(check_text("f.txt", "a\nb\n").is_ok());
    }
}
