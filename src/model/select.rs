//! Turning what the pointer or keyboard selected into the range a span should cover.
//!
//! By default selections snap to whole words: surrounding whitespace is trimmed and a
//! partially selected word is extended to its bounds (Unicode word boundaries, UAX #29). In
//! exact mode only grapheme clusters are respected, so a span never splits an emoji
//! sequence or a letter from its combining mark.
//!
//! Boundary searches look at a window of the paragraph around the position, never the whole
//! text, so they cost the same on a 5 MB article as on a tweet.

use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

use super::Text;

/// How far (in chars) each way a boundary search looks. A word or grapheme longer than this
/// is cut at the window edge, which only matters for pathological text.
const WINDOW_CHARS: usize = 128;

/// A slice of the paragraph holding `char_pos`, clipped to a window around it, with the
/// char offset where the slice starts.
fn window(text: &Text, char_pos: usize) -> (&str, usize) {
    window_of(text, char_pos, WINDOW_CHARS)
}

/// A slice of the paragraph holding `char_pos`, clipped to `radius_chars` either side of
/// it, with the char offset where the slice starts.
pub(crate) fn window_of(text: &Text, char_pos: usize, radius_chars: usize) -> (&str, usize) {
    let para = &text.paragraphs()[text.paragraph_index_at(char_pos)];
    let char_pos = char_pos.clamp(para.char_range.start, para.char_range.end);
    let start = para
        .char_range
        .start
        .max(char_pos.saturating_sub(radius_chars));
    let end = para.char_range.end.min(char_pos + radius_chars);
    (text.slice(start..end), start)
}

/// Segment boundaries (as char offsets) of the window around `char_pos`, from `segments`.
fn segment_containing<'a, I>(
    text: &'a Text,
    char_pos: usize,
    segments: impl Fn(&'a str) -> I,
) -> Option<(Range<usize>, &'a str)>
where
    I: Iterator<Item = &'a str>,
{
    let (slice, base) = window(text, char_pos);
    let mut at = base;
    for segment in segments(slice) {
        let len = segment.chars().count();
        if char_pos < at + len {
            return Some((at..at + len, segment));
        }
        at += len;
    }
    None
}

/// Word-boundary segments, with an English possessive split off its word: `Moscow's` is
/// `Moscow` + `'s`, as NLP tokenizers see it, so a double-click takes the name alone and the
/// CoNLL export's tokens agree with what a double-click selects.
pub fn word_segments(s: &str) -> impl Iterator<Item = &str> {
    s.split_word_bounds().flat_map(|segment| {
        let base = ["'s", "’s", "'S", "’S"]
            .iter()
            .find_map(|p| segment.strip_suffix(p))
            .filter(|base| !base.is_empty());
        match base {
            Some(base) => [Some(base), Some(&segment[base.len()..])],
            None => [Some(segment), None],
        }
        .into_iter()
        .flatten()
    })
}

/// Whether a word segment is a word (holds a letter or digit), not space or punctuation.
pub(crate) fn is_word(segment: &str) -> bool {
    segment.chars().any(char::is_alphanumeric)
}

/// The word at `char_pos`, for a double-click. On whitespace or punctuation it is that
/// single segment; past the end of a line, the segment before.
pub fn word_at(text: &Text, char_pos: usize) -> Option<Range<usize>> {
    let pos = char_pos.min(text.len_chars());
    segment_containing(text, pos, word_segments)
        .or_else(|| {
            pos.checked_sub(1)
                .and_then(|p| segment_containing(text, p, word_segments))
        })
        .map(|(range, _)| range)
}

/// Snaps a selection to whole words: trims whitespace, then extends each end that falls
/// inside a word to the word's bound. `None` when only whitespace was selected.
pub fn snap_to_words(text: &Text, char_range: Range<usize>) -> Option<Range<usize>> {
    let trimmed = trim_whitespace(text, char_range)?;
    let word_bound = |pos: usize| {
        segment_containing(text, pos, word_segments)
            .filter(|(_, segment)| is_word(segment))
            .map(|(range, _)| range)
    };
    let start = word_bound(trimmed.start).map_or(trimmed.start, |r| r.start);
    let end = word_bound(trimmed.end - 1).map_or(trimmed.end, |r| r.end);
    Some(snap_to_graphemes(text, start..end))
}

/// What a span made from the selection `char_range` covers: whole words when
/// `whole_words` (see [`snap_to_words`]), else the range widened to whole grapheme
/// clusters. `None` for an empty selection, or whitespace only with whole words.
pub fn snapped(text: &Text, char_range: Range<usize>, whole_words: bool) -> Option<Range<usize>> {
    if char_range.is_empty() {
        None
    } else if whole_words {
        snap_to_words(text, char_range)
    } else {
        let range = snap_to_graphemes(text, char_range);
        (range.start < range.end).then_some(range)
    }
}

/// Widens a range so that neither end splits a grapheme cluster.
pub fn snap_to_graphemes(text: &Text, char_range: Range<usize>) -> Range<usize> {
    let start = grapheme_containing(text, char_range.start).map_or(char_range.start, |r| r.start);
    let end = match char_range.end {
        0 => 0,
        end => grapheme_containing(text, end - 1).map_or(end, |r| r.end),
    };
    start..end.max(start)
}

/// The trimmed range, or `None` when it holds only whitespace.
pub fn trim_whitespace(text: &Text, char_range: Range<usize>) -> Option<Range<usize>> {
    let slice = text.get(char_range.clone())?;
    let leading = slice.chars().take_while(|c| c.is_whitespace()).count();
    if char_range.start + leading == char_range.end {
        return None;
    }
    let trailing = slice
        .chars()
        .rev()
        .take_while(|c| c.is_whitespace())
        .count();
    Some(char_range.start + leading..char_range.end - trailing)
}

/// The grapheme cluster holding `char_pos`. A line terminator (`\n`, `\r` or `\r\n`) is
/// one cluster, as UAX #29 has it, so nothing steps between a CR and its LF.
fn grapheme_containing(text: &Text, char_pos: usize) -> Option<Range<usize>> {
    if char_pos >= text.len_chars() {
        return None;
    }
    let paragraphs = text.paragraphs();
    let index = text.paragraph_index_at(char_pos);
    let para = &paragraphs[index].char_range;
    if char_pos >= para.end {
        // On the terminator after this paragraph (the last one has none, and ends the text).
        let next = paragraphs
            .get(index + 1)
            .map_or(text.len_chars(), |p| p.char_range.start);
        return Some(para.end..next);
    }
    if char_pos < para.start {
        // The LF of the CRLF before this paragraph.
        let before = index
            .checked_sub(1)
            .map_or(0, |i| paragraphs[i].char_range.end);
        return Some(before..para.start);
    }
    segment_containing(text, char_pos, |s| s.graphemes(true)).map(|(range, _)| range)
}

/// The position one grapheme cluster to the right (for shift+→).
pub fn next_grapheme(text: &Text, char_pos: usize) -> usize {
    match grapheme_containing(text, char_pos) {
        Some(range) => range.end,
        None => text.len_chars(),
    }
}

/// The position one grapheme cluster to the left (for shift+←).
pub fn prev_grapheme(text: &Text, char_pos: usize) -> usize {
    match char_pos.checked_sub(1) {
        Some(p) => grapheme_containing(text, p).map_or(p, |r| r.start),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Text {
        Text::new(s.to_string())
    }

    #[test]
    fn partial_words_extend_and_whitespace_trims() {
        let text = t("Lavrov said \"Libya is a black hole\" in Cairo.");
        // " ibya is a bl" → "Libya is a black"
        assert_eq!(snap_to_words(&text, 13..27), Some(13..29));
        assert_eq!(text.slice(13..29), "Libya is a black");
        // " said " → "said"; "v said" → "Lavrov said"
        assert_eq!(snap_to_words(&text, 6..12), Some(7..11));
        assert_eq!(snap_to_words(&text, 5..12), Some(0..11));
        assert_eq!(snap_to_words(&text, 6..7), None);
        // Punctuation at an edge is kept, not extended.
        assert_eq!(snap_to_words(&text, 12..18), Some(12..18));
    }

    #[test]
    fn double_click_word() {
        let text = t("Sergei Lavrov (Сергей Лавров) said");
        assert_eq!(word_at(&text, 9), Some(7..13));
        assert_eq!(text.slice(word_at(&text, 17).unwrap()), "Сергей");
        assert_eq!(word_at(&text, 34), Some(30..34));
        let text = t("Moscow's stance, Egypt’s view");
        assert_eq!(text.slice(word_at(&text, 2).unwrap()), "Moscow");
        assert_eq!(text.slice(word_at(&text, 18).unwrap()), "Egypt");
        assert_eq!(text.slice(snap_to_words(&text, 1..4).unwrap()), "Moscow");
        assert_eq!(text.slice(snap_to_words(&text, 1..8).unwrap()), "Moscow's");
    }

    #[test]
    fn graphemes_are_never_split() {
        // A family emoji (ZWJ sequence of 5 chars) and a thumbs up with skin tone (2 chars).
        let text = t("a 👨‍👩‍👧 b ✊🏽 c e\u{301}");
        assert_eq!(snap_to_graphemes(&text, 3..4), 2..7);
        assert_eq!(snap_to_graphemes(&text, 10..11), 10..12);
        assert_eq!(next_grapheme(&text, 2), 7);
        assert_eq!(prev_grapheme(&text, 7), 2);
        // A combining acute belongs to its e.
        assert_eq!(snap_to_graphemes(&text, 15..16), 15..17);
        assert_eq!(snap_to_words(&text, 16..17), Some(15..17));
    }

    #[test]
    fn a_line_break_is_one_grapheme() {
        // "ab\r\ncd\ne\rf": the CRLF is chars 2..4, the LF 6, the CR 8.
        let text = t("ab\r\ncd\ne\rf");
        assert_eq!(next_grapheme(&text, 2), 4);
        assert_eq!(prev_grapheme(&text, 4), 2);
        assert_eq!(next_grapheme(&text, 6), 7);
        assert_eq!(prev_grapheme(&text, 7), 6);
        assert_eq!(next_grapheme(&text, 8), 9);
        assert_eq!(prev_grapheme(&text, 9), 8);
        // A range ending between the CR and its LF takes the whole CRLF.
        assert_eq!(snap_to_graphemes(&text, 1..3), 1..4);
        assert_eq!(snap_to_graphemes(&text, 3..5), 2..5);
        assert_eq!(snapped(&text, 3..3, false), None);
        assert_eq!(snapped(&text, 0..1, true), Some(0..2));
    }

    #[test]
    fn words_snap_within_their_own_paragraph() {
        let text = t("end of line\r\nnext line");
        assert_eq!(snap_to_words(&text, 8..15), Some(7..17));
        assert_eq!(text.slice(7..17), "line\r\nnext");
    }
}
