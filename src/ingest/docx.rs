//! Word `.docx` input, read directly: the zip's `word/document.xml`, one line per paragraph.
//! List items become bullets (level 0 "•", deeper levels indented, so that they are sub-items),
//! whether the paragraph is numbered itself (`w:numPr`) or through its style (`List Bullet`,
//! `List Number`: numbering in `word/styles.xml`); table cells become lines, tabs and breaks are
//! kept. Spans point into this text, as for PDFs.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::limits::{size_text, too_large, MAX_DOCX_PART_BYTES};
use crate::error::InputError;

/// Whether bytes are a .docx: a zip holding `word/document.xml`.
pub fn is_docx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        && bytes
            .windows(b"word/document.xml".len())
            .any(|w| w == b"word/document.xml")
}

/// The text of a .docx, and the lines that are headings by their Word style.
pub struct DocxText {
    pub text: String,
    /// 0-based lines of `text` whose paragraph has a heading style (Heading 1–3, Título 1–3) or an
    /// outline level 1–3: evidence for the segmenter's heading matching.
    pub heading_lines: Vec<usize>,
}

/// The text of a .docx, or why it cannot be read. `path` names the file in errors. Each part
/// read is checked against [`MAX_DOCX_PART_BYTES`] on the size its zip entry declares, before
/// inflating, and again on what inflating yields (a declared size can lie).
pub fn docx_text(path: &str, bytes: &[u8]) -> Result<DocxText, InputError> {
    let unreadable = |reason: String| InputError::Docx {
        path: path.to_string(),
        reason,
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| unreadable(format!("not a readable .docx (zip): {e}")))?;
    let xml = {
        let f = zip
            .by_name("word/document.xml")
            .map_err(|e| unreadable(format!("no word/document.xml in the .docx: {e}")))?;
        read_part(path, "word/document.xml", f)?
    };
    let styles_xml = match zip.by_name("word/styles.xml") {
        Ok(f) => read_part(path, "word/styles.xml", f)?,
        Err(_) => String::new(),
    };
    let styles = styles(&styles_xml).map_err(unreadable)?;
    paragraphs_with(&xml, &styles).map_err(unreadable)
}

/// A part of the .docx as text, within [`MAX_DOCX_PART_BYTES`].
fn read_part(
    path: &str,
    name: &str,
    f: zip::read::ZipFile<'_, impl Read>,
) -> Result<String, InputError> {
    let over = |size: String| {
        too_large(
            path,
            format!("{name} ({size} uncompressed)"),
            MAX_DOCX_PART_BYTES,
            "MAX_DOCX_PART_BYTES",
        )
    };
    if f.size() > MAX_DOCX_PART_BYTES {
        return Err(over(size_text(f.size())));
    }
    let mut text = String::new();
    f.take(MAX_DOCX_PART_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| InputError::Docx {
            path: path.to_string(),
            reason: format!("cannot read {name}: {e}"),
        })?;
    if text.len() as u64 > MAX_DOCX_PART_BYTES {
        return Err(over(format!(
            "more than {}",
            size_text(MAX_DOCX_PART_BYTES)
        )));
    }
    Ok(text)
}

/// What the styles say: the list level of numbered styles, and which styles are headings.
#[derive(Debug, Default)]
struct Styles {
    lists: BTreeMap<String, u32>,
    headings: BTreeSet<String>,
}

/// Outline levels (0-based, as `w:outlineLvl` writes them) that make a heading.
const HEADING_OUTLINE_LEVELS: u32 = 3;

/// Whether a style id names a heading of levels 1–3 (Word's English and Spanish ids).
fn heading_style_id(id: &str) -> bool {
    let lower = id.to_lowercase();
    ["heading", "ttulo", "titulo", "título"].iter().any(|p| {
        lower
            .strip_prefix(p)
            .is_some_and(|n| matches!(n, "1" | "2" | "3"))
    })
}

/// The styles of `word/styles.xml`: the styles that number their paragraphs (a `w:numPr`), with
/// the list level they give (`w:ilvl`; else the digit that ends the style's id, "ListBullet2" →
/// 1; else 0), and the heading styles (a heading id, or an outline level 1–3).
fn styles(xml: &str) -> Result<Styles, String> {
    let mut out = Styles::default();
    if xml.is_empty() {
        return Ok(out);
    }
    let mut reader = Reader::from_str(xml);
    let mut style: Option<String> = None;
    let mut numbered = false;
    let mut level: Option<u32> = None;
    loop {
        match reader.read_event() {
            Err(e) => {
                return Err(format!(
                    "bad XML in word/styles.xml at byte {}: {e}",
                    reader.buffer_position()
                ))
            }
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) if e.local_name().as_ref() == "style" => {
                style = attr(&e, "styleId");
                numbered = false;
                level = None;
                if let Some(id) = style.as_ref().filter(|id| heading_style_id(id)) {
                    out.headings.insert(id.clone());
                }
            }
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "numPr" => numbered = true,
                "ilvl" => level = attr(&e, "val").and_then(|v| v.parse().ok()),
                "numId" if attr(&e, "val").as_deref() == Some("0") => numbered = false,
                "outlineLvl" => {
                    let l: Option<u32> = attr(&e, "val").and_then(|v| v.parse().ok());
                    if let (Some(id), true) =
                        (&style, l.is_some_and(|l| l < HEADING_OUTLINE_LEVELS))
                    {
                        out.headings.insert(id.clone());
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == "style" => {
                if let (Some(id), true) = (style.take(), numbered) {
                    let by_name = id
                        .chars()
                        .last()
                        .and_then(|c| c.to_digit(10))
                        .filter(|&d| d >= 2)
                        .map_or(0, |d| d - 1);
                    out.lists.insert(id, level.unwrap_or(by_name));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The value of an attribute by its local name.
fn attr(e: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value.to_string())
}

#[cfg(test)]
fn paragraphs(xml: &str) -> Result<String, String> {
    paragraphs_with(xml, &Styles::default()).map(|d| d.text)
}

fn paragraphs_with(xml: &str, styles: &Styles) -> Result<DocxText, String> {
    let mut reader = Reader::from_str(xml);
    let mut out = String::new();
    let mut heading_lines = Vec::new();
    let mut line = 0usize;
    let mut heading = false;
    let mut para = String::new();
    let mut level: Option<u32> = None;
    let mut style_level: Option<u32> = None;
    let mut in_text = false;
    let mut in_para = false;
    loop {
        match reader.read_event() {
            Err(e) => {
                return Err(format!(
                    "bad XML in word/document.xml at byte {}: {e}",
                    reader.buffer_position()
                ))
            }
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "p" => {
                    in_para = true;
                    para.clear();
                    level = None;
                    style_level = None;
                    heading = false;
                }
                "t" => in_text = true,
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "ilvl" => {
                    let v = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == "val")
                        .and_then(|a| a.value.parse().ok());
                    level = Some(v.unwrap_or(0));
                }
                "numId" if attr(&e, "val").as_deref() == Some("0") => level = Some(u32::MAX),
                "numId" if level.is_none() => level = Some(0),
                "pStyle" => {
                    let id = attr(&e, "val").unwrap_or_default();
                    style_level = styles.lists.get(&id).copied();
                    heading |= styles.headings.contains(&id) || heading_style_id(&id);
                }
                "outlineLvl" => {
                    let l: Option<u32> = attr(&e, "val").and_then(|v| v.parse().ok());
                    heading |= l.is_some_and(|l| l < HEADING_OUTLINE_LEVELS);
                }
                "tab" if in_para => para.push('\t'),
                "br" | "cr" if in_para => para.push(' '),
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => {
                para.push_str(&t.xml10_content());
            }
            Ok(Event::GeneralRef(r)) if in_text => {
                // Character and entity references inside text (&amp; &#233;…).
                let name: String = r.as_ref().to_string();
                let c = match name.as_str() {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16)
                        .ok()
                        .and_then(char::from_u32),
                    n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                    _ => None,
                };
                if let Some(c) = c {
                    para.push(c);
                }
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    in_para = false;
                    let text = para.trim();
                    // numId 0 takes a style's numbering off; else the paragraph's own, or its style's.
                    let level = match level {
                        Some(u32::MAX) => None,
                        Some(l) => Some(l),
                        None => style_level,
                    };
                    match level {
                        Some(0) if !text.is_empty() => {
                            out.push_str("• ");
                        }
                        Some(_) if !text.is_empty() => {
                            out.push_str("    • ");
                        }
                        _ => {}
                    }
                    if heading && level.is_none() && !text.is_empty() {
                        heading_lines.push(line);
                    }
                    out.push_str(text);
                    out.push('\n');
                    line += 1;
                }
                _ => {}
            },
            _ => {}
        }
    }
    Ok(DocxText {
        text: out,
        heading_lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_styles_number_their_paragraphs_at_their_level() {
        let styles = r#"<w:styles xmlns:w="x">
<w:style w:styleId="ListBullet"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:styleId="ListBullet2"><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>
<w:style w:styleId="Heading1"><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
</w:styles>"#;
        let ls = super::styles(styles).unwrap().lists;
        assert_eq!(ls.get("ListBullet"), Some(&0));
        assert_eq!(ls.get("ListBullet2"), Some(&1));
        assert_eq!(ls.get("Heading1"), None);
        let xml = r#"<w:document xmlns:w="x"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Abordar y reducir las vulnerabilidades en la migración</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="ListBullet"/></w:pPr><w:r><w:t>Se atendieron 10 casos.</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="ListBullet2"/></w:pPr><w:r><w:t>De ellos, 4 en Chiapas.</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="ListBullet"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>Sin numeración.</w:t></w:r></w:p>
</w:body></w:document>"#;
        let styles = Styles {
            lists: ls,
            headings: ["Heading1".to_string()].into(),
        };
        let d = paragraphs_with(xml, &styles).unwrap();
        assert_eq!(
            d.text,
            "Abordar y reducir las vulnerabilidades en la migración\n• Se atendieron 10 casos.\n    • De ellos, 4 en Chiapas.\nSin numeración.\n"
        );
        assert_eq!(d.heading_lines, [0]);
        assert!(heading_style_id("Ttulo2") && heading_style_id("Heading3"));
        assert!(!heading_style_id("Heading4") && !heading_style_id("ListBullet"));
    }

    #[test]
    fn paragraphs_lists_and_entities() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Objetivo 7. Abordar y reducir las vulnerabilidades en la migración</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t xml:space="preserve">Se atendieron </w:t></w:r><w:r><w:t>1,250 casos &amp; más.</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>De los cuales 900 en EEUU.</w:t></w:r></w:p>
</w:body></w:document>"#;
        let t = paragraphs(xml).unwrap();
        assert_eq!(
            t,
            "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración\n• Se atendieron 1,250 casos & más.\n    • De los cuales 900 en EEUU.\n"
        );
    }
}
