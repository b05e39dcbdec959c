//! Article text from the files analysts receive: web pages, PDFs, Word files, e-mails and
//! Markdown. Pure: bytes in, text and citation out; no file system, no clock, no network.
//!
//! The extracted text is what every offset counts, so extraction is deterministic: the
//! same bytes always give the same text, byte for byte (a test extracts every fixture
//! twice). Each extractor names itself and its version in [`Extracted::extractor`]; the
//! sidecar records it with the text's hash, so a later spantag whose extraction differs
//! notices and re-anchors the spans instead of trusting the offsets.
//!
//! The text follows one layout whatever the source: paragraphs separated by one blank line,
//! headings and list items on lines of their own, `\n` newlines, no trailing whitespace on a
//! line, whitespace runs inside a line collapsed to one space, and no blank line at the
//! start or the end. [`layout`] puts any extractor's raw text into it.
//!
//! Every extractor runs under [`std::panic::catch_unwind`] as well: a third-party parser
//! that panics on a hostile file gives a [`ExtractError::Corrupt`], never a crash.

use crate::model::{Citation, SourceKind};

mod docx;
mod email;
mod html;
mod markdown;
mod pdf;

/// A source's text and what it says about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    /// The article's text, in the layout described in the module docs.
    pub text: String,
    /// What the source's own metadata says (meta tags, document properties, headers).
    pub citation: Citation,
    /// The extractor and its version, e.g. `dom_smoothie 0.19.0 + spantag html 1`.
    pub extractor: String,
    /// For a PDF, the char offset in `text` where each page after the first starts.
    pub page_starts: Vec<usize>,
    /// What the analyst should know about the text: what was left out (tables, footnotes,
    /// attachments) or guessed ("the main text could not be found: the whole page's
    /// text"). One sentence each.
    pub notices: Vec<String>,
}

/// Why a source gives no text to annotate. The store adds the file's path.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// A PDF without a text layer (a scan), or any source whose text is empty.
    #[error("no text to annotate{hint}")]
    NoText { hint: &'static str },
    #[error("the {kind} is encrypted: open it in its own program, save a copy without a password, and open that")]
    Encrypted { kind: &'static str },
    /// The file is not what its name says, or is damaged.
    #[error("not a readable {kind}: {reason}")]
    Corrupt { kind: &'static str, reason: String },
}

impl ExtractError {
    /// A PDF with no text layer.
    pub const SCANNED: ExtractError = ExtractError::NoText {
        hint: " (the PDF has no text layer, as a scan has none): run OCR first",
    };
}

/// Checks the layout every extractor promises (module docs): `Err` says what is wrong and
/// where. The fuzz target and the tests hold every extraction to it.
pub fn check_layout(text: &str) -> Result<(), String> {
    if text.contains('\r') {
        return Err("a carriage return (newlines are \\n only)".into());
    }
    if text.starts_with('\n') || text.ends_with('\n') {
        return Err("a line break at the start or the end".into());
    }
    if text.contains("\n\n\n") {
        return Err("more than one blank line between paragraphs".into());
    }
    for (number, line) in text.split('\n').enumerate() {
        if line.ends_with([' ', '\t']) {
            return Err(format!("line {}: trailing white space", number + 1));
        }
    }
    Ok(())
}

/// Extracts the article from a source of `kind`. [`SourceKind::Text`] is not extracted
/// (the store decodes it); asking for it is an error.
pub fn extract(kind: SourceKind, bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let run = || match kind {
        SourceKind::Html => html::extract(bytes),
        SourceKind::Pdf => pdf::extract(bytes),
        SourceKind::Docx => docx::extract(bytes),
        SourceKind::Email => email::extract(bytes),
        SourceKind::Markdown => markdown::extract(bytes),
        SourceKind::Text => Err(ExtractError::Corrupt {
            kind: kind.describe(),
            reason: "plain text is decoded, not extracted".into(),
        }),
    };
    let extracted = std::panic::catch_unwind(run).unwrap_or_else(|panic| {
        let reason = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "its reader failed".into());
        Err(ExtractError::Corrupt {
            kind: kind.describe(),
            reason,
        })
    })?;
    if extracted.text.trim().is_empty() {
        return Err(match kind {
            SourceKind::Pdf => ExtractError::SCANNED,
            _ => ExtractError::NoText { hint: "" },
        });
    }
    Ok(extracted)
}

/// `raw` in the common layout: `\r\n` and `\r` become `\n`, each line's whitespace runs
/// (tabs, no-break spaces) collapse to one space and its ends are trimmed, runs of blank
/// lines become one, and blank lines at the start and end go.
pub(crate) fn layout(raw: &str) -> String {
    let mut text = String::with_capacity(raw.len());
    let mut blank_pending = false;
    for line in raw.replace("\r\n", "\n").split(['\n', '\r']) {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_none() {
            blank_pending = !text.is_empty();
            continue;
        }
        if !text.is_empty() {
            text.push_str(if blank_pending { "\n\n" } else { "\n" });
        }
        blank_pending = false;
        for (i, word) in words.enumerate() {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(word);
        }
    }
    text
}

/// A metadata value on one line: trimmed, whitespace runs collapsed to one space.
pub(crate) fn one_line(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Bytes decoded by their byte order mark, else as UTF-8 if valid, else by chardetng's
/// guess (never failing: undecodable bytes become U+FFFD). Also returns the encoding when
/// it was guessed, for a notice. A web page's declared charset comes before the guess.
pub(crate) fn decode_text(
    bytes: &[u8],
    declared: impl FnOnce() -> Option<&'static encoding_rs::Encoding>,
) -> (
    std::borrow::Cow<'_, str>,
    Option<&'static encoding_rs::Encoding>,
) {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        return (
            encoding.decode_without_bom_handling(&bytes[bom_len..]).0,
            None,
        );
    }
    if let Some(encoding) = declared() {
        return (encoding.decode_without_bom_handling(bytes).0, None);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.into(), None);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    (
        encoding.decode_without_bom_handling(bytes).0,
        Some(encoding),
    )
}

#[cfg(test)]
mod tests {
    use super::layout;

    /// The version of `package` in Cargo.lock.
    pub(super) fn locked_version(package: &str) -> &'static str {
        let lock = include_str!("../../Cargo.lock");
        let entry = format!("name = \"{package}\"\nversion = \"");
        let start = lock.find(&entry).expect("the package in Cargo.lock") + entry.len();
        let len = lock[start..].find('"').expect("a quoted version");
        &lock[start..start + len]
    }

    #[test]
    fn layout_collapses_blank_lines_and_spaces() {
        assert_eq!(
            layout("\r\n\n  Title \r\n\r\n\n\nOne\u{a0}\t two  \nthree\r\r\n\n"),
            "Title\n\nOne two\nthree"
        );
        assert_eq!(layout(" \n\t\n"), "");
    }
}
