//! Word (.docx): the body's paragraphs in document order.
//!
//! A .docx is a zip of XML parts; the text is in `word/document.xml`. Each body paragraph
//! (`w:p`, headings included) becomes a paragraph of the text: its runs' `w:t` text
//! joined as written (a word split across bold and italic runs stays one word), `w:tab`
//! as a tab, `w:br`/`w:cr` as a newline inside the paragraph; empty paragraphs are
//! dropped. Paragraphs in a text box come out as paragraphs of their own, before the
//! paragraph that anchors the box; Word's fallback copy of the box is skipped.
//!
//! Left out, each with a notice: tables (their cells are not running text; the notice
//! counts tables and cells), footnotes and endnotes (they live in parts of their own).
//! Deleted text (`w:delText`) and field instructions are not `w:t`, so they never show.
//!
//! The citation comes from `docProps/core.xml` (dc:title, dc:creator as the byline,
//! dcterms:created, or dcterms:modified when there is no created date, as written) and
//! `docProps/app.xml` (Company as the outlet).
//!
//! Hostile files: every part is read through a limit of [`MAX_PART_BYTES`] unpacked
//! (a zip bomb stops there); an OLE compound file (an old .doc, or a .docx that Word
//! encrypted) is named as such.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{ExtractError, Extracted};
use crate::model::Citation;

/// The zip and quick-xml versions locked in Cargo.lock, and this reader's version.
const EXTRACTOR: &str = "spantag docx 1 (zip 6.0.0, quick-xml 0.41.0)";
const KIND: &str = "Word file";
/// The most a part may unpack to.
const MAX_PART_BYTES: u64 = 200 * 1024 * 1024;
/// The signature of an OLE compound file.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

fn corrupt(reason: impl Into<String>) -> ExtractError {
    ExtractError::Corrupt {
        kind: KIND,
        reason: reason.into(),
    }
}

pub(super) fn extract(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(ole_error(bytes));
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| corrupt("not a zip archive (a .docx is one)"))?;
    let document = read_part(&mut archive, "word/document.xml")?
        .ok_or_else(|| corrupt("the zip archive has no word/document.xml (a .docx has one)"))?;
    let body = read_body(&document)?;
    let mut notices = Vec::new();
    if body.tables > 0 {
        notices.push(format!(
            "{} left out ({})",
            count(body.tables, "table", "tables"),
            count(body.cells, "cell", "cells")
        ));
    }
    for (part, element, one, many) in [
        (
            "word/footnotes.xml",
            &b"footnote"[..],
            "footnote",
            "footnotes",
        ),
        ("word/endnotes.xml", &b"endnote"[..], "endnote", "endnotes"),
    ] {
        let notes = read_part(&mut archive, part)?.map_or(0, |xml| count_notes(&xml, element));
        if notes > 0 {
            notices.push(format!("{} left out", count(notes, one, many)));
        }
    }
    Ok(Extracted {
        text: body.paragraphs.join("\n\n"),
        citation: citation(&mut archive)?,
        extractor: EXTRACTOR.into(),
        page_starts: Vec::new(),
        notices,
    })
}

/// `1 table`, `3 tables`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// An OLE compound file: Word's encryption wraps a .docx in one (with an
/// `EncryptedPackage` stream); otherwise it is a Word 97–2003 .doc.
fn ole_error(bytes: &[u8]) -> ExtractError {
    let marker: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    if memchr::memmem::find(bytes, &marker).is_some() {
        ExtractError::Encrypted { kind: KIND }
    } else {
        corrupt("it is an old Word .doc file, not a .docx: save it as .docx in Word and open that")
    }
}

/// A part's bytes, `None` if the archive has no such part.
fn read_part(archive: &mut Archive, name: &str) -> Result<Option<Vec<u8>>, ExtractError> {
    let file = match archive.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(error) => return Err(corrupt(format!("{name}: {error}"))),
    };
    let mut out = Vec::new();
    file.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|error| corrupt(format!("{name}: {error}")))?;
    if out.len() as u64 > MAX_PART_BYTES {
        return Err(corrupt(format!(
            "{name} unpacks to more than {} MB",
            MAX_PART_BYTES / 1024 / 1024
        )));
    }
    Ok(Some(out))
}

/// The body's paragraphs and what was left out.
#[derive(Default)]
struct Body {
    paragraphs: Vec<String>,
    tables: usize,
    cells: usize,
}

/// The text of an entity reference (`&amp;`, `&#8217;`), which quick-xml reports apart
/// from the text around it.
fn entity_text(reference: &quick_xml::events::BytesRef) -> Option<char> {
    if reference.is_char_ref() {
        return reference.resolve_char_ref().ok().flatten();
    }
    match &**reference {
        b"amp" => Some('&'),
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"apos" => Some('\''),
        b"quot" => Some('"'),
        _ => None,
    }
}

fn xml_error(part: &str, error: impl std::fmt::Display) -> ExtractError {
    corrupt(format!("{part} is not well-formed XML: {error}"))
}

/// Walks `word/document.xml` (see the module docs).
fn read_body(xml: &[u8]) -> Result<Body, ExtractError> {
    let part = "word/document.xml";
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut body = Body::default();
    // Open paragraphs, innermost last (a text box's paragraphs sit inside one).
    let mut open: Vec<String> = Vec::new();
    let (mut table_depth, mut run_depth, mut fallback_depth) = (0usize, 0usize, 0usize);
    let mut in_text = false;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|error| xml_error(part, error))?;
        let skipping = table_depth > 0 || fallback_depth > 0;
        match event {
            Event::Start(ref tag) => match tag.local_name().as_ref() {
                b"Fallback" => fallback_depth += 1,
                _ if fallback_depth > 0 => {}
                b"tbl" => {
                    if table_depth == 0 {
                        body.tables += 1;
                    }
                    table_depth += 1;
                }
                b"tc" => body.cells += 1,
                _ if skipping => {}
                b"p" => open.push(String::new()),
                b"r" => run_depth += 1,
                b"t" => in_text = run_depth > 0,
                other => run_element(other, run_depth, &mut open),
            },
            // An empty `<w:p/>` adds nothing.
            Event::Empty(ref tag) if !skipping => {
                run_element(tag.local_name().as_ref(), run_depth, &mut open)
            }
            Event::End(ref tag) => match tag.local_name().as_ref() {
                b"Fallback" => fallback_depth = fallback_depth.saturating_sub(1),
                _ if fallback_depth > 0 => {}
                b"tbl" => table_depth = table_depth.saturating_sub(1),
                _ if skipping => {}
                b"p" => {
                    if let Some(paragraph) = open.pop() {
                        let paragraph = tidy(&paragraph);
                        if !paragraph.is_empty() {
                            body.paragraphs.push(paragraph);
                        }
                    }
                }
                b"r" => run_depth = run_depth.saturating_sub(1),
                b"t" => in_text = false,
                _ => {}
            },
            Event::Text(ref text) if in_text && !skipping => {
                let text = text.decode().map_err(|error| xml_error(part, error))?;
                if let Some(paragraph) = open.last_mut() {
                    paragraph.push_str(&text);
                }
            }
            Event::CData(ref text) if in_text && !skipping => {
                let text = text.decode().map_err(|error| xml_error(part, error))?;
                if let Some(paragraph) = open.last_mut() {
                    paragraph.push_str(&text);
                }
            }
            Event::GeneralRef(ref reference) if in_text && !skipping => {
                if let (Some(c), Some(paragraph)) = (entity_text(reference), open.last_mut()) {
                    paragraph.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(body)
}

/// The text of a run's content element other than `w:t`: tabs and line breaks.
fn run_element(local_name: &[u8], run_depth: usize, open: &mut [String]) {
    let Some(paragraph) = open.last_mut().filter(|_| run_depth > 0) else {
        return;
    };
    match local_name {
        b"tab" => paragraph.push('\t'),
        b"br" | b"cr" => paragraph.push('\n'),
        b"noBreakHyphen" => paragraph.push('-'),
        _ => {}
    }
}

/// A paragraph in the text layout: no whitespace at the ends of lines or of the
/// paragraph, no empty line inside it.
fn tidy(paragraph: &str) -> String {
    paragraph
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// How many real notes (not Word's separators) a footnotes or endnotes part holds.
fn count_notes(xml: &[u8], element: &[u8]) -> usize {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut notes = 0;
    let is_note = |tag: &BytesStart| {
        tag.local_name().as_ref() == element
            && tag
                .attributes()
                .flatten()
                .all(|a| a.key.local_name().as_ref() != b"type" || a.value.as_ref() == b"normal")
    };
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(ref tag)) | Ok(Event::Empty(ref tag)) if is_note(tag) => notes += 1,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    notes
}

/// The text of each element of a flat properties part, by local name, first one wins.
fn properties(xml: &[u8], wanted: &[&[u8]]) -> Vec<String> {
    let mut found = vec![String::new(); wanted.len()];
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut current: Option<usize> = None;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(ref tag)) => {
                current = wanted
                    .iter()
                    .position(|w| *w == tag.local_name().as_ref())
                    .filter(|&i| found[i].is_empty());
            }
            Ok(Event::End(_)) => current = None,
            Ok(Event::Text(ref text)) => {
                if let (Some(i), Ok(text)) = (current, text.decode()) {
                    found[i].push_str(&text);
                }
            }
            Ok(Event::GeneralRef(ref reference)) => {
                if let (Some(i), Some(c)) = (current, entity_text(reference)) {
                    found[i].push(c);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    found.iter().map(|s| s.trim().to_owned()).collect()
}

/// The citation from the document properties (see the module docs).
fn citation(archive: &mut Archive) -> Result<Citation, ExtractError> {
    let mut citation = Citation::default();
    if let Some(core) = read_part(archive, "docProps/core.xml")? {
        let [title, creator, created, modified]: [String; 4] =
            properties(&core, &[b"title", b"creator", b"created", b"modified"])
                .try_into()
                .unwrap_or_default();
        citation.title = title;
        citation.byline = creator;
        citation.published = if created.is_empty() {
            modified
        } else {
            created
        };
    }
    if let Some(app) = read_part(archive, "docProps/app.xml")? {
        citation.outlet = properties(&app, &[b"Company"]).remove(0);
    }
    Ok(citation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extractor_names_the_locked_zip_and_quick_xml_versions() {
        let lock = include_str!("../../Cargo.lock");
        let version = |name: &str| {
            lock.split("[[package]]")
                .find(|p| p.contains(&format!("name = \"{name}\"\n")))
                .and_then(|p| p.split("version = \"").nth(1))
                .and_then(|v| v.split('"').next())
                .expect("in Cargo.lock")
                .to_owned()
        };
        assert_eq!(
            EXTRACTOR,
            format!(
                "spantag docx 1 (zip {}, quick-xml {})",
                version("zip"),
                version("quick-xml")
            )
        );
    }

    #[test]
    fn entities_tabs_breaks_and_split_runs_read_as_written() {
        let xml = br#"<w:document xmlns:w="w"><w:body>
            <w:p><w:pPr><w:tabs><w:tab w:pos="720"/></w:tabs></w:pPr>
              <w:r><w:t>Sm</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>ith &amp; Co&#8217;s</w:t></w:r>
              <w:r><w:tab/><w:t xml:space="preserve">x </w:t><w:br/><w:t>y</w:t></w:r></w:p>
            <w:p/><w:p><w:r><w:t>   </w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:r><w:delText>gone</w:delText><w:t>Last</w:t></w:r></w:p>
            </w:body></w:document>"#;
        let body = read_body(xml).expect("well-formed");
        assert_eq!(body.paragraphs, vec!["Smith & Co’s\tx\ny", "Last"]);
        assert_eq!((body.tables, body.cells), (1, 1));
    }

    #[test]
    fn separators_are_not_notes() {
        let xml = br#"<w:footnotes xmlns:w="w"><w:footnote w:type="separator" w:id="-1"/>
            <w:footnote w:id="1"><w:p/></w:footnote><w:footnote w:id="2"><w:p/></w:footnote>
            </w:footnotes>"#;
        assert_eq!(count_notes(xml, b"footnote"), 2);
    }
}
