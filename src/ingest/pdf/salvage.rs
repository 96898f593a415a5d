//! The last reader of a page's text, for pages the other two read nothing from: lopdf 0.47's
//! operations walked here, keeping whatever decodes. lopdf's own `extract_text` gives up on a
//! page at its first bad font or operand, and neither it nor pdf-extract draws text that sits in
//! a form XObject the page paints with `Do`; this walk enters forms (each at most once on the
//! way down, so two forms that draw each other end), skips what does not decode, and reads a
//! string with no usable font as Latin-1 when it is printable. No positions: the words in the
//! order the page draws them, a new line where the text moves down.

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};

use crate::ingest::limits::MAX_PDF_STREAM_BYTES;

/// Forms inside forms entered at most (deeper ones are not drawn).
const MAX_FORM_DEPTH: usize = 12;
/// Operations walked per page at most, forms included (a page of a long report has tens of
/// thousands).
const MAX_OPERATIONS: usize = 2_000_000;

/// The text of page `number` of `doc`, or `None` when nothing readable is drawn.
pub(super) fn page_text(doc: &Document, number: u32) -> Option<String> {
    let page = *doc.get_pages().get(&number)?;
    let content = page_content(doc, page);
    let resources = page_resources(doc, page);
    let mut walk = Walk {
        doc,
        text: String::new(),
        operations: 0,
        forms: Vec::new(),
    };
    walk.content(&content, &resources);
    let text = walk.text.trim();
    (text.chars().any(char::is_alphanumeric)).then(|| text.to_string())
}

/// The page's content streams, decoded, one after another. A stream that does not inflate to
/// its end (a damaged file) gives what inflates before the damage, as poppler keeps it.
fn page_content(doc: &Document, page: ObjectId) -> Vec<u8> {
    let ids = doc.get_page_contents(page);
    let mut out = Vec::new();
    for stream in ids
        .iter()
        .filter_map(|id| doc.get_object(*id).ok()?.as_stream().ok())
    {
        // lopdf gives nothing (an error, or no bytes) for a stream that breaks midway.
        let decoded = stream.decompressed_content_with_limit(MAX_PDF_STREAM_BYTES);
        match decoded {
            Ok(bytes) if !bytes.is_empty() => out.extend_from_slice(&bytes),
            _ if only_flate(stream) => out.extend(inflate_what_can_be(&stream.content)),
            _ => {}
        }
        out.push(b'\n');
    }
    out
}

/// Whether a stream's one filter is FlateDecode.
fn only_flate(stream: &lopdf::Stream) -> bool {
    let filter = stream.dict.get(b"Filter");
    let name = match filter {
        Ok(Object::Name(n)) => Some(n.as_slice()),
        Ok(Object::Array(a)) if a.len() == 1 => a[0].as_name().ok(),
        _ => None,
    };
    name == Some(b"FlateDecode".as_slice())
}

/// The bytes a zlib stream inflates to before it ends or breaks (at most the stream limit), in
/// steps of [`INFLATE_STEP_BYTES`], so that what comes before the damage is kept.
fn inflate_what_can_be(raw: &[u8]) -> Vec<u8> {
    let mut inflater = flate2::Decompress::new(true);
    let mut out = Vec::new();
    loop {
        let (read, written) = (inflater.total_in(), inflater.total_out());
        let at = usize::try_from(read).unwrap_or(raw.len()).min(raw.len());
        out.reserve(INFLATE_STEP_BYTES);
        let status = inflater.decompress_vec(&raw[at..], &mut out, flate2::FlushDecompress::None);
        let progressed = inflater.total_in() > read || inflater.total_out() > written;
        match status {
            Ok(flate2::Status::Ok) if progressed && out.len() < MAX_PDF_STREAM_BYTES => {}
            _ => break,
        }
    }
    out.truncate(MAX_PDF_STREAM_BYTES);
    out
}

/// Bytes inflated at a time by [`inflate_what_can_be`].
const INFLATE_STEP_BYTES: usize = 8 << 10;

/// The operations of a content stream; when it does not parse whole (a damaged file), those of
/// each line that parses on its own.
fn operations(bytes: &[u8]) -> Vec<lopdf::content::Operation> {
    if let Ok(content) = Content::decode(bytes) {
        return content.operations;
    }
    bytes
        .split(|&b| b == b'\n' || b == b'\r')
        .filter_map(|line| Content::decode(line).ok())
        .flat_map(|c| c.operations)
        .collect()
}

/// A page's resources: the nearest dictionary, then those it refers to (lopdf's order).
fn page_resources(doc: &Document, page: ObjectId) -> Vec<&Dictionary> {
    let Ok((direct, ids)) = doc.get_page_resources(page) else {
        return Vec::new();
    };
    let referred = ids.into_iter().filter_map(|id| doc.get_dictionary(id).ok());
    direct.into_iter().chain(referred).collect()
}

struct Walk<'a> {
    doc: &'a Document,
    text: String,
    operations: usize,
    /// The forms being drawn, outermost first.
    forms: Vec<ObjectId>,
}

impl<'a> Walk<'a> {
    /// Walks one content stream with its resources.
    fn content(&mut self, bytes: &[u8], resources: &[&'a Dictionary]) {
        let mut font: Option<Encoding> = None;
        for op in &operations(bytes) {
            self.operations += 1;
            if self.operations > MAX_OPERATIONS {
                return;
            }
            match op.operator.as_str() {
                "Tf" => {
                    font = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .and_then(|name| self.font_encoding(resources, name));
                }
                "Tj" | "TJ" => self.show(font.as_ref(), &op.operands),
                "'" | "\"" => {
                    self.new_line();
                    let last = op.operands.last().map(std::slice::from_ref);
                    self.show(font.as_ref(), last.unwrap_or_default());
                }
                "T*" | "ET" => self.new_line(),
                "Td" | "TD" => {
                    let dy = op.operands.get(1).and_then(number).unwrap_or(0.0);
                    if dy.abs() > 0.01 {
                        self.new_line();
                    } else {
                        self.space();
                    }
                }
                "Tm" => self.new_line(),
                "Do" => {
                    if let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) {
                        self.form(resources, name);
                    }
                }
                _ => {}
            }
        }
    }

    /// Draws the form XObject `name`, unless it is already being drawn (a cycle) or too deep.
    fn form(&mut self, resources: &[&'a Dictionary], name: &[u8]) {
        let Some((id, stream)) = resources.iter().find_map(|r| {
            let xobjects = resolve(self.doc, r.get(b"XObject").ok()?)?.as_dict().ok()?;
            let id = xobjects.get(name).ok()?.as_reference().ok()?;
            Some((id, self.doc.get_object(id).ok()?.as_stream().ok()?))
        }) else {
            return;
        };
        let is_form = stream
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|s| s == b"Form");
        if !is_form || self.forms.contains(&id) || self.forms.len() >= MAX_FORM_DEPTH {
            return;
        }
        let Ok(bytes) = stream
            .decompressed_content_with_limit(MAX_PDF_STREAM_BYTES)
            .or_else(|_| Ok::<_, lopdf::Error>(stream.content.clone()))
        else {
            return;
        };
        // A form without resources of its own uses those of what draws it.
        let own = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|r| resolve(self.doc, r))
            .and_then(|r| r.as_dict().ok());
        let inner: Vec<&'a Dictionary> = own.into_iter().chain(resources.iter().copied()).collect();
        self.forms.push(id);
        self.content(&bytes, &inner);
        self.forms.pop();
        self.new_line();
    }

    /// The encoding of the font named `name` in the resources, if it decodes.
    fn font_encoding(&self, resources: &[&'a Dictionary], name: &[u8]) -> Option<Encoding<'a>> {
        resources.iter().find_map(|r| {
            let fonts = resolve(self.doc, r.get(b"Font").ok()?)?.as_dict().ok()?;
            let font = resolve(self.doc, fonts.get(name).ok()?)?.as_dict().ok()?;
            font.get_font_encoding_with_limit(self.doc, MAX_PDF_STREAM_BYTES)
                .ok()
        })
    }

    /// The strings of a text-showing operation; a large negative kerning is a space.
    fn show(&mut self, font: Option<&Encoding>, operands: &[Object]) {
        for operand in operands {
            match operand {
                Object::String(bytes, _) => self.string(font, bytes),
                Object::Array(items) => self.show(font, items),
                Object::Integer(i) if *i < -100 => self.space(),
                Object::Real(r) if *r < -100.0 => self.space(),
                _ => {}
            }
        }
    }

    /// One string, decoded with the font; without a font that decodes it, as Latin-1 when
    /// every byte is printable.
    fn string(&mut self, font: Option<&Encoding>, bytes: &[u8]) {
        let mut decoded = String::new();
        let ok = font.is_some_and(|f| f.write_to_string(bytes, &mut decoded).is_ok());
        if !ok {
            decoded.clear();
            if bytes
                .iter()
                .all(|&b| (0x20..0x7f).contains(&b) || b >= 0xa0)
            {
                decoded.extend(bytes.iter().map(|&b| char::from(b)));
            }
        }
        let printable = decoded.chars().filter(|c| !c.is_control() || *c == '\n');
        self.text.extend(printable);
    }

    fn new_line(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    fn space(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with([' ', '\n']) {
            self.text.push(' ');
        }
    }
}

/// An object, or the one a reference points to.
fn resolve<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok(),
        other => Some(other),
    }
}

fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}
