//! Reading an article file into a [`Text`]: the offset contract's decoding step.
//!
//! The text is the file decoded to Unicode with the byte-order mark dropped and nothing
//! else changed. This build reads UTF-8 (with or without a BOM) and UTF-16 with a BOM;
//! anything else is refused with a message that says what was found and where, rather
//! than guessed at.

use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

use crate::model::{ArticleMeta, Text};

/// Articles larger than this are refused instead of exhausting memory.
pub const MAX_ARTICLE_BYTES: u64 = 128 * 1024 * 1024;

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
    #[error("{path}: not a text file (a NUL byte at byte {offset})")]
    Binary { path: String, offset: usize },
    #[error(
        "{path}: not UTF-8 text (invalid byte 0x{byte:02X} at byte {offset}); \
         spantag reads UTF-8 and UTF-16 with a byte-order mark"
    )]
    NotUtf8 {
        path: String,
        byte: u8,
        offset: usize,
    },
}

/// A decoded article and the facts its sidecar records.
pub struct LoadedArticle {
    pub text: Text,
    pub meta: ArticleMeta,
}

/// Reads and decodes an article file.
pub fn load(path: &Path) -> Result<LoadedArticle, ArticleError> {
    let shown = path.display().to_string();
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
    file.read_to_end(&mut bytes).map_err(io)?;
    let sha256 = sha256_hex(&bytes);
    let (string, encoding) = decode(bytes).map_err(|e| e.with_path(&shown))?;
    let meta = ArticleMeta {
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        sha256,
        encoding: encoding.to_string(),
    };
    Ok(LoadedArticle {
        text: Text::new(string),
        meta,
    })
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
    Binary { offset: usize },
    NotUtf8 { byte: u8, offset: usize },
}

impl DecodeError {
    fn with_path(self, path: &str) -> ArticleError {
        let path = path.to_string();
        match self {
            DecodeError::Binary { offset } => ArticleError::Binary { path, offset },
            DecodeError::NotUtf8 { byte, offset } => ArticleError::NotUtf8 { path, byte, offset },
        }
    }
}

/// Decodes article bytes and names the encoding used (a WHATWG label). UTF-8 without a
/// byte-order mark becomes the text without a copy.
pub fn decode(mut bytes: Vec<u8>) -> Result<(String, &'static str), DecodeError> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, u16::from_le_bytes).map(|s| (s, "UTF-16LE"));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes).map(|s| (s, "UTF-16BE"));
    }
    let bom_len = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    if let Some(offset) = bytes[bom_len..].iter().position(|&b| b == 0) {
        return Err(DecodeError::Binary {
            offset: offset + bom_len,
        });
    }
    bytes.drain(..bom_len);
    String::from_utf8(bytes).map(|s| (s, "UTF-8")).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        DecodeError::NotUtf8 {
            byte: e.as_bytes()[offset],
            offset: offset + bom_len,
        }
    })
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, DecodeError> {
    let units = bytes.chunks(2).map(|pair| match pair {
        [a, b] => unit([*a, *b]),
        _ => 0xFFFF, // an odd trailing byte: not a valid unit, reported below
    });
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, c) in char::decode_utf16(units).enumerate() {
        match c {
            Ok('\0') => return Err(DecodeError::Binary { offset: 2 + 2 * i }),
            Ok('\u{FFFF}') | Err(_) => {
                return Err(DecodeError::NotUtf8 {
                    byte: bytes.get(2 * i).copied().unwrap_or(0),
                    offset: 2 + 2 * i,
                })
            }
            Ok(c) => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_dropped_and_nothing_else_changes() {
        let (s, enc) = decode(b"\xEF\xBB\xBFa\r\nb".to_vec()).unwrap();
        assert_eq!((s.as_str(), enc), ("a\r\nb", "UTF-8"));
        let (s, enc) = decode(vec![0xFF, 0xFE, b'h', 0, 0x3D, 0xD8, 0x00, 0xDE]).unwrap();
        assert_eq!((s.as_str(), enc), ("h😀", "UTF-16LE"));
        let (s, enc) = decode(vec![0xFE, 0xFF, 0, b'h']).unwrap();
        assert_eq!((s.as_str(), enc), ("h", "UTF-16BE"));
    }

    #[test]
    fn binary_and_other_encodings_are_refused_with_the_offset() {
        assert_eq!(
            decode(b"ab\0cd".to_vec()),
            Err(DecodeError::Binary { offset: 2 })
        );
        // Windows-1252 curly quote.
        assert_eq!(
            decode(b"said \x93yes\x94".to_vec()),
            Err(DecodeError::NotUtf8 {
                byte: 0x93,
                offset: 5
            })
        );
        assert!(decode(vec![0xFF, 0xFE, b'h']).is_err());
    }
}
