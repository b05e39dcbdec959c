//! The article text and the tables that convert between its units.
//!
//! Positions are `char` offsets (Unicode scalar values). egui's layout sections count bytes,
//! so [`Text`] keeps a checkpoint table: the byte offset of every [`CHECKPOINT`]-th char.
//! Converting either way is a binary search or an index plus a scan of at most
//! `CHECKPOINT - 1` chars, never a scan from the start of the text, and the table costs
//! 4 bytes per 64 chars.
//!
//! The text is also split into *paragraphs*: the runs between line terminators (`\n`,
//! `\r\n` or a lone `\r`). The document view lays out one paragraph at a time, and word
//! snapping never looks beyond one.

use std::ops::Range;

/// Distance, in chars, between two entries of the char→byte checkpoint table.
const CHECKPOINT: usize = 64;

/// The line-ending convention of a text, as recorded in the sidecar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewlineStyle {
    Lf,
    CrLf,
    Cr,
    Mixed,
    /// The text has no line break at all.
    None,
}

impl NewlineStyle {
    /// The name used in the sidecar and the status bar.
    pub fn as_str(self) -> &'static str {
        match self {
            NewlineStyle::Lf => "LF",
            NewlineStyle::CrLf => "CRLF",
            NewlineStyle::Cr => "CR",
            NewlineStyle::Mixed => "Mixed",
            NewlineStyle::None => "None",
        }
    }
}

/// One line of the text without its terminator. Ranges are in chars and bytes of the
/// whole text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    pub char_range: Range<usize>,
    pub byte_range: Range<usize>,
}

/// An article's text with its unit tables and paragraph index. Immutable once built.
#[derive(Clone, Debug)]
pub struct Text {
    string: String,
    char_len: usize,
    /// `checkpoints[k]` is the byte offset of char `k * CHECKPOINT`.
    checkpoints: Vec<u32>,
    paragraphs: Vec<Paragraph>,
    newline: NewlineStyle,
}

impl Text {
    /// Builds the tables in one pass over the string.
    ///
    /// # Panics
    /// If the string is 4 GiB or longer; the store refuses such files long before.
    pub fn new(string: String) -> Self {
        assert!(u32::try_from(string.len()).is_ok(), "text too large");
        let bytes = string.as_bytes();
        let checkpoints = checkpoints(bytes);
        let last = *checkpoints.last().unwrap_or(&0) as usize;
        let char_len = (checkpoints.len() - 1) * CHECKPOINT + count_char_starts(&bytes[last..]);
        let mut text = Text {
            checkpoints,
            char_len,
            paragraphs: Vec::new(),
            newline: NewlineStyle::None,
            string: String::new(),
        };
        // Line terminators are ASCII: find them with a vectorized byte search, and turn
        // their byte offsets into chars through the table just built.
        let (mut lf, mut crlf, mut cr) = (false, false, false);
        let mut paragraphs = Vec::new();
        let mut para_start = (0usize, 0usize); // (char, byte)
        let mut skip_lf_at = usize::MAX;
        for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if at == skip_lf_at {
                continue; // the LF of a CRLF already handled
            }
            let len = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                crlf = true;
                skip_lf_at = at + 1;
                2
            } else {
                if bytes[at] == b'\n' {
                    lf = true;
                } else {
                    cr = true;
                }
                1
            };
            let char_at = text.char_from_byte_in(bytes, at);
            paragraphs.push(Paragraph {
                char_range: para_start.0..char_at,
                byte_range: para_start.1..at,
            });
            para_start = (char_at + len, at + len);
        }
        paragraphs.push(Paragraph {
            char_range: para_start.0..char_len,
            byte_range: para_start.1..bytes.len(),
        });
        text.paragraphs = paragraphs;
        text.newline = match (lf, crlf, cr) {
            (false, false, false) => NewlineStyle::None,
            (true, false, false) => NewlineStyle::Lf,
            (false, true, false) => NewlineStyle::CrLf,
            (false, false, true) => NewlineStyle::Cr,
            _ => NewlineStyle::Mixed,
        };
        text.string = string;
        text
    }

    /// [`Self::char_from_byte`] before `self.string` is set.
    fn char_from_byte_in(&self, bytes: &[u8], byte_pos: usize) -> usize {
        let block = self
            .checkpoints
            .partition_point(|&b| b as usize <= byte_pos)
            .saturating_sub(1);
        let base = self.checkpoints[block] as usize;
        block * CHECKPOINT + count_char_starts(&bytes[base..byte_pos])
    }

    pub fn as_str(&self) -> &str {
        &self.string
    }

    /// Length in chars.
    pub fn len_chars(&self) -> usize {
        self.char_len
    }

    pub fn newline(&self) -> NewlineStyle {
        self.newline
    }

    /// The paragraphs in order; there is always at least one (possibly empty).
    pub fn paragraphs(&self) -> &[Paragraph] {
        &self.paragraphs
    }

    /// Index of the paragraph containing `char_pos`, or the one whose terminator holds it
    /// (a position on a line break belongs to the line before).
    pub fn paragraph_index_at(&self, char_pos: usize) -> usize {
        self.paragraphs
            .partition_point(|p| p.char_range.end < char_pos)
            .min(self.paragraphs.len() - 1)
    }

    /// Byte offset of a char offset. `char_pos` may equal `len_chars()`.
    ///
    /// # Panics
    /// If `char_pos > len_chars()`.
    pub fn byte_from_char(&self, char_pos: usize) -> usize {
        assert!(char_pos <= self.char_len, "char {char_pos} out of range");
        let block = char_pos / CHECKPOINT;
        let base = self.checkpoints[block] as usize;
        let skip = char_pos - block * CHECKPOINT;
        // A block of 64 chars in 64 bytes is all ASCII: no scan needed.
        let ascii_block = self
            .checkpoints
            .get(block + 1)
            .is_some_and(|&next| next as usize - base == CHECKPOINT);
        if skip == 0 || ascii_block {
            return base + skip;
        }
        match self.string[base..].char_indices().nth(skip) {
            Some((offset, _)) => base + offset,
            None => self.string.len(),
        }
    }

    /// Char offset of a byte offset that lies on a char boundary.
    pub fn char_from_byte(&self, byte_pos: usize) -> usize {
        self.char_from_byte_in(self.string.as_bytes(), byte_pos)
    }

    /// Byte range of a char range.
    pub fn byte_range(&self, char_range: Range<usize>) -> Range<usize> {
        self.byte_from_char(char_range.start)..self.byte_from_char(char_range.end)
    }

    /// The text of a char range.
    pub fn slice(&self, char_range: Range<usize>) -> &str {
        &self.string[self.byte_range(char_range)]
    }

    /// The text of a char range, or `None` when the range is not inside the text.
    pub fn get(&self, char_range: Range<usize>) -> Option<&str> {
        (char_range.start <= char_range.end && char_range.end <= self.char_len)
            .then(|| self.slice(char_range))
    }

    /// The text of a byte range (on char boundaries) with up to `context_chars` chars
    /// before and after it: `(prefix, text, suffix)`.
    pub fn context_of_bytes(
        &self,
        bytes: Range<usize>,
        context_chars: usize,
    ) -> (&str, &str, &str) {
        let s = self.string.as_str();
        let prefix_start = match context_chars {
            0 => bytes.start,
            n => s[..bytes.start]
                .char_indices()
                .rev()
                .nth(n - 1)
                .map_or(0, |(i, _)| i),
        };
        let after = &s[bytes.end..];
        let suffix_end = bytes.end
            + after
                .char_indices()
                .nth(context_chars)
                .map_or(after.len(), |(i, _)| i);
        (
            &s[prefix_start..bytes.start],
            &s[bytes.clone()],
            &s[bytes.end..suffix_end],
        )
    }
}

/// How many chars start in `bytes` (every byte that is not a UTF-8 continuation byte).
fn count_char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// Char starts among the eight bytes of a little-endian word.
fn char_starts_in_word(word: u64) -> usize {
    // A continuation byte is 0b10xx_xxxx: bit 7 set, bit 6 clear.
    let continuation = word & !(word << 1) & 0x8080_8080_8080_8080;
    8 - continuation.count_ones() as usize
}

/// The byte offset of every [`CHECKPOINT`]-th char, and of the end of the text when its
/// length is a multiple of [`CHECKPOINT`]. Counts eight bytes at a time.
fn checkpoints(bytes: &[u8]) -> Vec<u32> {
    let mut out = Vec::with_capacity(bytes.len() / CHECKPOINT + 2);
    let mut at = 0;
    out.push(0);
    loop {
        // Find the start of the char CHECKPOINT chars after the one at `at`.
        let mut to_pass = CHECKPOINT;
        let mut j = at;
        while let Some(word) = bytes.get(j..j + 8) {
            let starts = char_starts_in_word(u64::from_le_bytes(word.try_into().unwrap_or([0; 8])));
            if starts > to_pass {
                break;
            }
            to_pass -= starts;
            j += 8;
        }
        loop {
            match bytes.get(j) {
                None => {
                    if to_pass == 0 {
                        out.push(j as u32);
                    }
                    return out;
                }
                Some(&b) if (b as i8) >= -0x40 => {
                    if to_pass == 0 {
                        break;
                    }
                    to_pass -= 1;
                }
                Some(_) => {}
            }
            j += 1;
        }
        out.push(j as u32);
        at = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_example_from_the_offset_contract() {
        let text = Text::new("🇪🇬 Shoukry said:\r\n“Restraint”".to_string());
        assert_eq!(text.len_chars(), 29);
        assert_eq!(text.slice(3..10), "Shoukry");
        assert_eq!(text.byte_range(3..10), 9..16);
        assert_eq!(text.slice(19..28), "Restraint");
        assert_eq!(text.newline(), NewlineStyle::CrLf);
        assert_eq!(text.paragraphs().len(), 2);
        assert_eq!(text.paragraphs()[0].char_range, 0..16);
        assert_eq!(text.paragraphs()[1].char_range, 18..29);
        assert_eq!(
            text.slice(text.paragraphs()[1].char_range.clone()),
            "“Restraint”"
        );
        assert_eq!(
            &text.as_str()[text.paragraphs()[0].byte_range.clone()],
            "🇪🇬 Shoukry said:"
        );
    }

    #[test]
    fn conversions_agree_with_a_naive_scan_across_checkpoints() {
        let s: String = (0..500)
            .map(|i| ['a', 'é', '€', '😀', '\r', '\n'][i % 6])
            .collect();
        let text = Text::new(s.clone());
        let naive: Vec<usize> = s.char_indices().map(|(b, _)| b).chain([s.len()]).collect();
        for (c, &b) in naive.iter().enumerate() {
            assert_eq!(text.byte_from_char(c), b, "char {c}");
            assert_eq!(text.char_from_byte(b), c, "byte {b}");
        }
    }

    #[test]
    fn newline_styles_and_paragraphs() {
        assert_eq!(Text::new("a\rb\rc".into()).newline(), NewlineStyle::Cr);
        assert_eq!(Text::new("a\nb\r\nc".into()).newline(), NewlineStyle::Mixed);
        assert_eq!(Text::new("abc".into()).newline(), NewlineStyle::None);
        let text = Text::new("a\rb\n\nc\r\n".into());
        let ranges: Vec<_> = text
            .paragraphs()
            .iter()
            .map(|p| p.char_range.clone())
            .collect();
        assert_eq!(ranges, vec![0..1, 2..3, 4..4, 5..6, 8..8]);
        assert_eq!(text.paragraph_index_at(1), 0);
        assert_eq!(text.paragraph_index_at(2), 1);
        assert_eq!(text.paragraph_index_at(8), 4);
    }

    #[test]
    fn context_is_counted_in_chars() {
        let text = Text::new("😀ab[x]cd😀".into());
        let x = text.byte_range(4..5);
        assert_eq!(text.context_of_bytes(x.clone(), 2), ("b[", "x", "]c"));
        assert_eq!(text.context_of_bytes(x, 9), ("😀ab[", "x", "]cd😀"));
        assert_eq!(
            text.context_of_bytes(text.byte_range(0..1), 0),
            ("", "😀", "")
        );
    }

    #[test]
    fn empty_text_has_one_empty_paragraph() {
        let text = Text::new(String::new());
        assert_eq!(text.len_chars(), 0);
        assert_eq!(text.paragraphs().len(), 1);
        assert_eq!(text.byte_from_char(0), 0);
        assert_eq!(text.char_from_byte(0), 0);
    }
}
