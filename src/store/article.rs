//! Reading an article file into a [`Text`]: the offset contract's decoding step.
//!
//! The file's name says its kind ([`SourceKind::of_file_name`]). A plain text file is
//! decoded as below; a web page, PDF, Word file, e-mail or Markdown file is handed to
//! [`crate::extract`], whose text is the article (the offsets count its chars) and whose
//! citation and notices come along. Either way `meta.sha256` is the hash of the file's
//! bytes. For an extracted article `meta.encoding` is the kind's key (`html`, `pdf`, ...):
//! the file is read by its extractor, not decoded with a character encoding, and the
//! sidecar's `encoding` field says so. A file of no kind spantag opens is decoded as text
//! (a `.log` or a file without an extension may well be one), except a file whose name
//! says it is an image, audio, video, archive or office file of another kind: that is
//! refused at once, naming the kinds spantag opens. Every kind has the same size limit.
//!
//! The text of a plain text file is the file decoded to Unicode with the byte-order mark dropped and nothing
//! else changed. A byte-order mark decides the encoding; bytes that are valid UTF-8 are
//! UTF-8; anything else is detected (chardetng) and decoded strictly (encoding_rs), and the
//! analyst is told the encoding was a guess. Data that is not text, and files too large to
//! hold, are refused with a message that says what was found.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{DecoderResult, Encoding};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

use crate::extract::ExtractError;
use crate::model::sidecar::{self, LoadReport, Sidecar, SidecarError};
use crate::model::{Annotations, ArticleMeta, Citation, Document, Extraction, SourceKind, Text};

/// Articles larger than this (100 MB) are refused instead of exhausting memory.
pub const MAX_ARTICLE_BYTES: u64 = 100 * 1024 * 1024;

/// Why a file is not an article this build can open.
#[derive(Debug, thiserror::Error)]
pub enum ArticleError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {size} bytes is larger than the {max} MB spantag opens")]
    TooLarge { path: String, size: u64, max: u64 },
    #[error("{path}: not a text file ({reason})")]
    NotText { path: String, reason: String },
    #[error("{path}: not valid {encoding} (a malformed sequence at byte {offset})")]
    Malformed {
        path: String,
        encoding: &'static str,
        offset: usize,
    },
    /// A web page, PDF, Word file, e-mail or Markdown file with no text to annotate.
    #[error("{path}: {source}")]
    Extract { path: String, source: ExtractError },
    /// A file whose name says it is not an article (an image, an archive, ...).
    #[error("{path}: not an article spantag opens (it opens {kinds})")]
    NotAnArticle { path: String, kinds: String },
}

/// Extensions of files that are surely not articles: refused by name rather than decoded.
const NOT_ARTICLES: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff", "ico", "svg", "heic", "mp3", "wav",
    "ogg", "flac", "m4a", "mp4", "mov", "avi", "mkv", "webm", "zip", "gz", "tgz", "bz2", "xz",
    "7z", "rar", "tar", "exe", "dll", "so", "dylib", "bin", "doc", "xls", "xlsx", "ppt", "pptx",
    "odt", "rtf", "epub", "mobi", "msg",
];

/// `.txt, .html, .htm, .pdf, ...`: every extension spantag opens.
fn opened_kinds() -> String {
    SourceKind::all_extensions()
        .map(|e| format!(".{e}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A decoded (or extracted) article and the facts its sidecar records.
#[derive(Clone)]
pub struct LoadedArticle {
    pub text: Text,
    pub meta: ArticleMeta,
    /// What the source's own metadata says; empty for plain text. The document's citation
    /// is the sidecar's when it has one, else this ([`LoadedArticle::attach`]).
    pub citation: Citation,
    /// What extraction says the analyst should know, one sentence each.
    pub notices: Vec<String>,
}

impl LoadedArticle {
    /// The article's document with no sidecar: no spans, the extracted citation.
    pub fn document(&self) -> Document {
        let mut document =
            Document::new(self.text.clone(), self.meta.clone(), Annotations::default());
        document.citation = self.citation.clone();
        document
    }

    /// Joins a parsed sidecar to this article ([`sidecar::attach_after_change`];
    /// `previous` is the text the sidecar was made on, when known). The one place the
    /// citation rule lives: the sidecar's `citation` record when it has one, else the
    /// citation extracted from the source. (An analyst who empties every field gets the
    /// extracted one back on the next open: an empty citation is not written.)
    pub fn attach(
        &self,
        sidecar: Sidecar,
        previous: Option<&Text>,
    ) -> Result<(Document, LoadReport), SidecarError> {
        let (mut document, report) =
            sidecar::attach_after_change(self.text.clone(), self.meta.clone(), sidecar, previous)?;
        if document.citation.is_empty() {
            document.citation = self.citation.clone();
        }
        Ok((document, report))
    }
}

/// Reads and decodes an article file.
pub fn load(path: &Path) -> Result<LoadedArticle, ArticleError> {
    load_with_progress(path, &Progress::default())
}

/// How far reading a file has got, for a window to show while a big article opens on
/// another thread. Fractions are in thousandths.
#[derive(Debug, Default)]
pub struct Progress {
    read_per_mille: std::sync::atomic::AtomicU32,
}

impl Progress {
    /// The fraction of the file read so far, 0.0 to 1.0.
    pub fn fraction_read(&self) -> f32 {
        self.read_per_mille
            .load(std::sync::atomic::Ordering::Relaxed) as f32
            / 1000.0
    }

    fn set_read(&self, read: u64, total: u64) {
        let per_mille = (read.saturating_mul(1000) / total.max(1)).min(1000) as u32;
        self.read_per_mille
            .store(per_mille, std::sync::atomic::Ordering::Relaxed);
    }
}

/// [`load`], reporting how much of the file has been read.
pub fn load_with_progress(path: &Path, progress: &Progress) -> Result<LoadedArticle, ArticleError> {
    let shown = path.display().to_string();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = SourceKind::of_file_name(&file_name);
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    if kind.is_none() && extension.is_some_and(|e| NOT_ARTICLES.contains(&e.as_str())) {
        return Err(ArticleError::NotAnArticle {
            path: shown,
            kinds: opened_kinds(),
        });
    }
    let io = |source| ArticleError::Io {
        path: shown.clone(),
        source,
    };
    // One open: the size check and the read use the same handle.
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > MAX_ARTICLE_BYTES {
        return Err(ArticleError::TooLarge {
            path: shown,
            size,
            max: MAX_ARTICLE_BYTES / (1024 * 1024),
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // In slices of 1 MB, so a progress bar moves while a big file is read.
    let mut chunk = (&mut file).take(1 << 20);
    while chunk.read_to_end(&mut bytes).map_err(io)? > 0 {
        progress.set_read(bytes.len() as u64, size);
        chunk = (&mut file).take(1 << 20);
    }
    let sha256 = sha256_hex(&bytes);
    match kind {
        None | Some(SourceKind::Text) => {
            let decoded = decode(bytes).map_err(|e| e.with_path(&shown))?;
            Ok(LoadedArticle {
                text: Text::new(decoded.text),
                meta: ArticleMeta {
                    file_name,
                    sha256,
                    encoding: decoded.encoding.to_string(),
                    encoding_guessed: decoded.guessed,
                    extraction: None,
                },
                citation: Citation::default(),
                notices: Vec::new(),
            })
        }
        Some(kind) => {
            let extracted =
                crate::extract::extract(kind, &bytes).map_err(|source| ArticleError::Extract {
                    path: shown,
                    source,
                })?;
            let extraction = Extraction {
                kind,
                extractor: extracted.extractor,
                text_sha256: sha256_hex(extracted.text.as_bytes()),
                page_starts: extracted.page_starts,
            };
            Ok(LoadedArticle {
                text: Text::new(extracted.text),
                meta: ArticleMeta {
                    file_name,
                    sha256,
                    encoding: kind.key().into(),
                    encoding_guessed: false,
                    extraction: Some(extraction),
                },
                citation: extracted.citation,
                notices: extracted.notices,
            })
        }
    }
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A decoding failure, before the path is known.
#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// A NUL, or mostly control characters; the reason says which and where.
    NotText { reason: String },
    /// Not valid in the encoding its byte-order mark (or the detector) named.
    Malformed {
        encoding: &'static str,
        offset: usize,
    },
}

impl DecodeError {
    fn with_path(self, path: &str) -> ArticleError {
        let path = path.to_string();
        match self {
            DecodeError::NotText { reason } => ArticleError::NotText { path, reason },
            DecodeError::Malformed { encoding, offset } => ArticleError::Malformed {
                path,
                encoding,
                offset,
            },
        }
    }
}

/// Decoded article text and how it was decoded.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// WHATWG label of the encoding used.
    pub encoding: &'static str,
    /// Whether the encoding was detected from the bytes rather than known for sure (a
    /// byte-order mark, or bytes that are valid UTF-8).
    pub guessed: bool,
}

/// Decodes article bytes: a byte-order mark (UTF-8, UTF-16LE/BE) decides; else strict
/// UTF-8; else the encoding is detected (chardetng) and decoded strictly (encoding_rs).
/// The mark is dropped and nothing else changes. Text with a NUL, or mostly control
/// characters, is refused as not a text file. UTF-8 without a mark becomes the text
/// without a copy.
pub fn decode(mut bytes: Vec<u8>) -> Result<Decoded, DecodeError> {
    let known = |text, encoding| Decoded {
        text,
        encoding,
        guessed: false,
    };
    let decoded = if let Some((encoding, bom_len)) = Encoding::for_bom(&bytes) {
        let body = &bytes[bom_len..];
        let text = encoding
            .decode_without_bom_handling_and_without_replacement(body)
            .ok_or_else(|| malformed(encoding, body, bom_len))?;
        known(text.into_owned(), encoding.name())
    } else {
        match String::from_utf8(bytes) {
            Ok(text) => known(text, "UTF-8"),
            Err(e) => {
                bytes = e.into_bytes();
                if let Some(offset) = memchr::memchr(0, &bytes) {
                    let reason = format!("a NUL byte at byte {offset}");
                    return Err(DecodeError::NotText { reason });
                }
                let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
                detector.feed(&bytes, true);
                let encoding = detector.guess(None, Utf8Detection::Deny);
                let text = encoding
                    .decode_without_bom_handling_and_without_replacement(&bytes)
                    .ok_or_else(|| malformed(encoding, &bytes, 0))?;
                Decoded {
                    text: text.into_owned(),
                    encoding: encoding.name(),
                    guessed: true,
                }
            }
        }
    };
    check_text(&decoded.text)?;
    Ok(decoded)
}

/// Where decoding `body` with `encoding` first fails, as a byte offset in the file.
fn malformed(encoding: &'static Encoding, body: &[u8], skipped: usize) -> DecodeError {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length(body.len())
        .unwrap_or(body.len() * 3);
    let mut out = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
    let offset = match result {
        DecoderResult::Malformed(bad, extra) => read - extra as usize - bad as usize,
        _ => read,
    };
    DecodeError::Malformed {
        encoding: encoding.name(),
        offset: skipped + offset,
    }
}

/// Refuses text with a NUL, or in which more than one char in eight is a control character
/// other than tab, newline, carriage return and form feed: that is data, not an article.
fn check_text(text: &str) -> Result<(), DecodeError> {
    if let Some(byte) = memchr::memchr(0, text.as_bytes()) {
        let reason = format!("a NUL character at char {}", text[..byte].chars().count());
        return Err(DecodeError::NotText { reason });
    }
    let is_odd = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c');
    let sample = text.chars().take(64 * 1024);
    let (mut chars, mut odd) = (0usize, 0usize);
    for c in sample {
        chars += 1;
        odd += usize::from(is_odd(c));
    }
    if odd * 8 > chars {
        let reason = format!("{odd} of its first {chars} chars are control characters");
        return Err(DecodeError::NotText { reason });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(bytes: &[u8]) -> (String, &'static str, bool) {
        let d = decode(bytes.to_vec()).unwrap();
        (d.text, d.encoding, d.guessed)
    }

    #[test]
    fn the_sidecars_citation_wins_and_the_extracted_one_fills_in_when_it_has_none() {
        let text = Text::new("Lavrov met Shoukry.".into());
        let loaded = LoadedArticle {
            text: text.clone(),
            meta: ArticleMeta {
                extraction: Some(Extraction {
                    kind: SourceKind::Html,
                    extractor: "x 1".into(),
                    text_sha256: sha256_hex(text.as_str().as_bytes()),
                    page_starts: Vec::new(),
                }),
                ..ArticleMeta::utf8("a.html")
            },
            citation: Citation {
                title: "From the page".into(),
                ..Citation::default()
            },
            notices: Vec::new(),
        };
        let blank = loaded.document();
        assert_eq!(blank.citation.title, "From the page");
        let without = sidecar::decode(
            &sidecar::encode(&blank).replace("    citation: (title: \"From the page\"),\n", ""),
        )
        .unwrap();
        assert_eq!(without.citation, None);
        let (document, _) = loaded.attach(without, None).unwrap();
        assert_eq!(document.citation.title, "From the page");
        let mut typed = blank.clone();
        typed.citation.title = "Typed by the analyst".into();
        let with = sidecar::decode(&sidecar::encode(&typed)).unwrap();
        let (document, _) = loaded.attach(with, None).unwrap();
        assert_eq!(document.citation.title, "Typed by the analyst");
    }

    #[test]
    fn a_byte_order_mark_decides_and_is_dropped_and_nothing_else_changes() {
        assert_eq!(
            text_of(b"\xEF\xBB\xBFa\r\nb"),
            ("a\r\nb".into(), "UTF-8", false)
        );
        let le = [0xFF, 0xFE, b'h', 0, 0x3D, 0xD8, 0x00, 0xDE];
        assert_eq!(text_of(&le), ("h😀".into(), "UTF-16LE", false));
        assert_eq!(
            text_of(&[0xFE, 0xFF, 0, b'h']),
            ("h".into(), "UTF-16BE", false)
        );
        assert_eq!(
            text_of(b"a\rb\r\nc\n"),
            ("a\rb\r\nc\n".into(), "UTF-8", false)
        );
    }

    #[test]
    fn other_encodings_are_detected_and_marked_as_guessed() {
        // Windows-1252 curly quotes and an accent.
        let (text, encoding, guessed) = text_of(b"He said \x93caf\xE9\x94 in Cairo.");
        assert_eq!(text, "He said “café” in Cairo.");
        assert_eq!((encoding, guessed), ("windows-1252", true));
        // KOI8-R Cyrillic, long enough for the detector.
        let russian =
            "Министр иностранных дел России Сергей Лавров заявил, что переговоры продолжатся.";
        let (koi8, _, _) = encoding_rs::KOI8_R.encode(russian);
        let (text, encoding, guessed) = text_of(&koi8);
        assert_eq!(text, russian);
        // KOI8-U is KOI8-R plus Ukrainian letters: the same text either way.
        assert!(encoding.starts_with("KOI8-") && guessed, "{encoding}");
    }

    #[test]
    fn binary_and_control_heavy_data_is_not_text() {
        for bytes in [
            &b"ab\0cd"[..],
            b"\xFF\xD8\xFF\xE0\0\x10JFIF",
            b"\x01\x02\x03\x04abc\x05\x06",
            &[0xFF, 0xFE, b'h', 0, 0, 0],
        ] {
            assert!(
                matches!(decode(bytes.to_vec()), Err(DecodeError::NotText { .. })),
                "{bytes:?}"
            );
        }
        // A few control characters in real text are fine.
        assert!(decode(b"Page 1\x0cPage 2\x07 and more text here".to_vec()).is_ok());
    }

    #[test]
    fn malformed_text_after_a_mark_names_the_offset() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFok\xFFno".to_vec()),
            Err(DecodeError::Malformed {
                encoding: "UTF-8",
                offset: 5
            })
        );
        assert_eq!(
            decode(vec![0xFF, 0xFE, b'h', 0, 0x00, 0xD8, b'x', 0]),
            Err(DecodeError::Malformed {
                encoding: "UTF-16LE",
                offset: 4
            })
        );
    }
}
