//! What the PDF readers are kept from, so that a small file cannot take a run's memory: no
//! stream is inflated past [`MAX_PDF_STREAM_BYTES`] (lopdf 0.47 loads with that limit, and every
//! stream a reader may inflate is measured against it before pdf-extract, which has no limit,
//! sees the file), and images are never decoded (pdf-extract would inflate an image XObject
//! and parse it as content: each image's data is emptied in its copy of the document).

use rayon::prelude::*;

use crate::error::InputError;
use crate::ingest::limits::{size_text, too_large, MAX_PDF_STREAM_BYTES};

/// Whether a lopdf error is its decompression limit.
pub(super) fn is_limit_error(e: &lopdf::Error) -> bool {
    matches!(
        e,
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })
    )
}

/// The error of a PDF with a stream over the limit (`object` names it when known).
pub(super) fn stream_too_large(path: &str, object: Option<lopdf::ObjectId>) -> InputError {
    let which = match object {
        Some((n, g)) => format!("stream {n} {g} R"),
        None => "a stream".to_string(),
    };
    too_large(
        path,
        format!(
            "{which} inflates to more than {}",
            size_text(MAX_PDF_STREAM_BYTES as u64)
        ),
        MAX_PDF_STREAM_BYTES as u64,
        "MAX_PDF_STREAM_BYTES",
    )
}

/// Fails on the first stream (in object order) that is not an image and inflates past the
/// limit; each stream is inflated alone, up to the limit, and dropped. The streams are measured
/// on all cores (at most one stream per core in memory at a time).
pub(super) fn check_stream_sizes(path: &str, doc: &lopdf::Document) -> Result<(), InputError> {
    let streams: Vec<(&lopdf::ObjectId, &lopdf::Stream)> = doc
        .objects
        .iter()
        .filter_map(|(id, object)| match object {
            lopdf::Object::Stream(stream) => Some((id, stream)),
            _ => None,
        })
        .filter(|(_, stream)| {
            !is_image(
                stream
                    .dict
                    .get(b"Subtype")
                    .ok()
                    .and_then(|o| o.as_name().ok()),
            )
        })
        .collect();
    match streams
        .par_iter()
        .find_first(|(_, stream)| inflates_past_limit(stream))
    {
        Some((id, _)) => Err(stream_too_large(path, Some(**id))),
        None => Ok(()),
    }
}

/// Whether a stream's data, unfiltered (or as it is, without filters), is over the limit.
fn inflates_past_limit(stream: &lopdf::Stream) -> bool {
    if stream.filters().is_err() {
        return stream.content.len() > MAX_PDF_STREAM_BYTES;
    }
    stream
        .decompressed_content_with_limit(MAX_PDF_STREAM_BYTES)
        .is_err_and(|e| is_limit_error(&e))
}

/// Empties the data of every image stream of pdf-extract's document (and drops its filters), so
/// that drawing an image never decodes it.
pub(super) fn blank_images(doc: &mut pdf_extract::Document) {
    for object in doc.objects.values_mut() {
        if let pdf_extract::Object::Stream(stream) = object {
            if is_image(
                stream
                    .dict
                    .get(b"Subtype")
                    .ok()
                    .and_then(|o| o.as_name().ok()),
            ) {
                stream.dict.remove(b"Filter");
                stream.dict.remove(b"DecodeParms");
                stream.set_content(Vec::new());
            }
        }
    }
}

/// Whether a stream whose `/Subtype` is `subtype` is an image XObject.
fn is_image(subtype: Option<&[u8]>) -> bool {
    subtype == Some(b"Image".as_slice())
}
