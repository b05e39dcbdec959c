//! PDF: the text layer in reading order, with page breaks recorded.
//!
//! lopdf parses the file and pdf-extract runs each page's content stream, decoding every
//! glyph through its font (ToUnicode maps, encodings). pdf-extract's own text output
//! follows the content stream, which is not reading order (columns drawn line by line come
//! out interleaved), so this module collects each glyph with its position instead and
//! [`layout`] rebuilds lines, columns and paragraphs from the geometry; its docs give the
//! rules (running headers and footers left out, hyphens at line ends, pages as
//! paragraph breaks).
//!
//! The citation comes from the document information dictionary: Title, Author (the
//! byline), CreationDate (as ISO 8601, `D:20261130081500+01'00'` ->
//! `2026-11-30T08:15:00+01:00`) and a Company entry if there is one (the outlet; Creator
//! and Producer name software, not the outlet). PDFs carry no URL.
//!
//! A file that does not start with `%PDF-` is not a PDF; one that lopdf cannot load is
//! corrupt, with lopdf's reason (and "cut short" when it lacks the closing `%%EOF`).
//! A page that fails to read loses its text and says so in a notice; a file where no page
//! reads is corrupt. A file without any text (a scan) gives empty text, which `extract`
//! turns into the "run OCR first" error.

mod layout;

use pdf_extract::{Dictionary, Document, MediaBox, Object, OutputDev, OutputError, Transform};

use super::{ExtractError, Extracted};
use crate::model::Citation;
use layout::{Glyph, Page};

/// pdf-extract's version as locked in Cargo.lock, and this module's layout version.
const EXTRACTOR: &str = "pdf-extract 0.12.1 + spantag pdf 1";
const KIND: &str = "PDF";

pub(super) fn extract(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let head = &bytes[..bytes.len().min(1024)];
    if memchr::memmem::find(head, b"%PDF-").is_none() {
        return Err(ExtractError::Corrupt {
            kind: KIND,
            reason: "it does not start with %PDF-, as every PDF does".into(),
        });
    }
    let doc = match Document::load_mem(bytes) {
        Ok(doc) => doc,
        Err(pdf_extract::Error::Decryption(_) | pdf_extract::Error::InvalidPassword) => {
            return Err(ExtractError::Encrypted { kind: KIND })
        }
        Err(error) => {
            let tail = &bytes[bytes.len().saturating_sub(1024)..];
            let reason = if memchr::memmem::find(tail, b"%%EOF").is_none() {
                format!("it is cut short (it does not end with %%EOF): {error}")
            } else {
                error.to_string()
            };
            return Err(ExtractError::Corrupt { kind: KIND, reason });
        }
    };
    // lopdf decrypts a file whose user password is empty (only printing or copying is
    // restricted) as it loads it; that one reads like any other.
    if doc.is_encrypted() && !doc.was_encrypted() {
        return Err(ExtractError::Encrypted { kind: KIND });
    }
    let page_numbers: Vec<u32> = doc.get_pages().into_keys().collect();
    if page_numbers.is_empty() {
        return Err(ExtractError::Corrupt {
            kind: KIND,
            reason: "it has no pages".into(),
        });
    }
    let mut collector = Collector::default();
    let mut unread = Vec::new();
    let mut first_error = None;
    for &number in &page_numbers {
        let before = collector.pages.len();
        if let Err(error) = pdf_extract::output_doc_page(&doc, &mut collector, number) {
            first_error.get_or_insert(error.to_string());
            unread.push(number);
        }
        // Every page gets its entry, read or not, so page breaks stay page breaks.
        if collector.pages.len() == before {
            collector.pages.push(Page::default());
        }
    }
    if unread.len() == page_numbers.len() {
        return Err(ExtractError::Corrupt {
            kind: KIND,
            reason: first_error.unwrap_or_default(),
        });
    }
    let laid_out = layout::lay_out(&collector.pages);
    let mut notices = laid_out.notices;
    if !unread.is_empty() {
        let list: Vec<String> = unread.iter().map(u32::to_string).collect();
        notices.push(if let [page] = unread.as_slice() {
            format!("Page {page} could not be read; its text is missing")
        } else {
            format!(
                "Pages {} could not be read; their text is missing",
                list.join(", ")
            )
        });
    }
    Ok(Extracted {
        text: laid_out.text,
        citation: citation(&doc),
        extractor: EXTRACTOR.into(),
        page_starts: laid_out.page_starts,
        notices,
    })
}

/// Collects glyphs with their positions, a [`Page`] per page.
#[derive(Default)]
struct Collector {
    pages: Vec<Page>,
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.pages.push(Page {
            bottom_pt: media_box.lly.min(media_box.ury),
            top_pt: media_box.lly.max(media_box.ury),
            glyphs: Vec::new(),
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        // The text rendering matrix maps text space (where the font size applies) to
        // user space: its x axis scales advances, its y axis scales the glyph height.
        let x_scale = trm.m11.hypot(trm.m12);
        let y_scale = trm.m21.hypot(trm.m22);
        if let Some(page) = self.pages.last_mut() {
            page.glyphs.push(Glyph {
                x_pt: trm.m31,
                y_pt: trm.m32,
                width_pt: width * font_size * x_scale,
                size_pt: font_size * y_scale,
                text: char.to_owned(),
            });
        }
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// The citation from the document information dictionary (see the module docs).
fn citation(doc: &Document) -> Citation {
    let info = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|info| doc.dereference(info).ok())
        .and_then(|(_, info)| info.as_dict().ok());
    let Some(info) = info else {
        return Citation::default();
    };
    let field = |key: &[u8]| text_string(doc, info, key);
    Citation {
        title: field(b"Title"),
        byline: field(b"Author"),
        outlet: field(b"Company"),
        published: pdf_date(&field(b"CreationDate")),
        url: String::new(),
    }
}

/// A text string entry of `dict`, decoded and trimmed; empty if absent.
fn text_string(doc: &Document, dict: &Dictionary, key: &[u8]) -> String {
    dict.get(key)
        .ok()
        .and_then(|value| doc.dereference(value).ok())
        .and_then(|(_, value)| match value {
            Object::String(bytes, _) => Some(decode_text_string(bytes)),
            _ => None,
        })
        .map(|text| text.trim().to_owned())
        .unwrap_or_default()
}

/// A PDF text string: UTF-16BE or UTF-8 after their byte order marks, else PDFDocEncoding.
fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(utf16) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = utf16
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(utf8) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(utf8).into_owned();
    }
    bytes.iter().map(|&b| pdf_doc_char(b)).collect()
}

/// PDFDocEncoding (PDF 32000-1, annex D): Latin-1 except 0x18–0x1F and 0x80–0xA0.
fn pdf_doc_char(byte: u8) -> char {
    const LOW: [char; 8] = ['˘', 'ˇ', 'ˆ', '˙', '˝', '˛', '˚', '˜'];
    const HIGH: [char; 33] = [
        '•', '†', '‡', '…', '—', '–', 'ƒ', '⁄', '‹', '›', '−', '‰', '„', '“', '”', '‘', '’', '‚',
        '™', 'ﬁ', 'ﬂ', 'Ł', 'Œ', 'Š', 'Ÿ', 'Ž', 'ı', 'ł', 'œ', 'š', 'ž', '\u{FFFD}', '€',
    ];
    match byte {
        0x18..=0x1F => LOW[usize::from(byte - 0x18)],
        0x80..=0xA0 => HIGH[usize::from(byte - 0x80)],
        0xAD => '\u{FFFD}',
        _ => char::from(byte),
    }
}

/// `D:YYYYMMDDHHmmSSOHH'mm'` as ISO 8601, as precise as written; anything else as is.
fn pdf_date(raw: &str) -> String {
    let body = raw.strip_prefix("D:").unwrap_or(raw);
    let digits: String = body.chars().take_while(char::is_ascii_digit).collect();
    let rest = &body[digits.len()..];
    if digits.len() < 4 || digits.len() % 2 != 0 || digits.len() > 14 {
        return raw.to_owned();
    }
    let part = |from: usize| &digits[from..from + 2];
    let mut iso = digits[..4].to_owned();
    match digits.len() {
        4 => return iso,
        6 => return format!("{iso}-{}", part(4)),
        8 => return format!("{iso}-{}-{}", part(4), part(6)),
        _ => {}
    }
    let second = if digits.len() == 14 { part(12) } else { "00" };
    let minute = if digits.len() >= 12 { part(10) } else { "00" };
    iso = format!(
        "{iso}-{}-{}T{}:{minute}:{second}",
        part(4),
        part(6),
        part(8)
    );
    let zone: Vec<char> = rest.chars().filter(char::is_ascii_digit).collect();
    match rest.chars().next() {
        Some('Z') => iso.push('Z'),
        Some(sign @ ('+' | '-')) if zone.len() >= 2 => {
            let hours: String = zone[..2].iter().collect();
            let minutes: String = zone.get(2..4).map_or("00".into(), |m| m.iter().collect());
            iso.push_str(&format!("{sign}{hours}:{minutes}"));
        }
        _ => {}
    }
    iso
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extractor_names_the_locked_pdf_extract_version() {
        let lock = include_str!("../../Cargo.lock");
        let version = lock
            .split("[[package]]")
            .find(|p| p.contains("name = \"pdf-extract\""))
            .and_then(|p| p.split("version = \"").nth(1))
            .and_then(|v| v.split('"').next())
            .expect("pdf-extract in Cargo.lock");
        assert_eq!(EXTRACTOR, format!("pdf-extract {version} + spantag pdf 1"));
    }

    #[test]
    fn pdf_dates_become_iso_8601() {
        assert_eq!(
            pdf_date("D:20261130081500+01'00'"),
            "2026-11-30T08:15:00+01:00"
        );
        assert_eq!(pdf_date("D:20261130081500Z"), "2026-11-30T08:15:00Z");
        assert_eq!(
            pdf_date("D:202611301015-05'30"),
            "2026-11-30T10:15:00-05:30"
        );
        assert_eq!(pdf_date("D:20261130"), "2026-11-30");
        assert_eq!(pdf_date("D:2026"), "2026");
        assert_eq!(pdf_date("yesterday"), "yesterday");
        assert_eq!(pdf_date(""), "");
    }

    #[test]
    fn text_strings_decode_utf16_and_pdfdocencoding() {
        assert_eq!(
            decode_text_string(&[0xFE, 0xFF, 0x00, 0x4C, 0x20, 0x19, 0x00, 0x61]),
            "L’a"
        );
        assert_eq!(decode_text_string(b"Caf\xe9 \x8dA\x8e \x84"), "Café “A” —");
    }
}
