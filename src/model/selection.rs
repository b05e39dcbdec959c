//! The caret and the selection it drags, and how keys move them: pure transitions over a
//! [`Text`], for the UI to call and for property tests to check.
//!
//! A [`Caret`] is two char offsets, as in helix and CodeMirror: the `anchor` stays where the
//! selection started and the `head` is where the caret blinks; equal ends are a bare caret.
//! Both ends are always *caret stops*: inside the text, and never inside a grapheme cluster
//! (a CRLF, an emoji ZWJ sequence or flag, a letter and its combining marks). The fields are
//! private so no other value can exist: every constructor and transition snaps.
//!
//! A transition returns a new caret. [`Caret::moved`] collapses the selection to a caret
//! at the motion's target; [`Caret::extended`] keeps the anchor and moves the head. Motions
//! on the text itself (graphemes, words, lines, the text's ends) are computed here; motions
//! on *visual* rows (wrapped lines, pages) depend on the layout, which only the UI knows, so
//! they go through the small [`Rows`] trait the UI implements; [`ParagraphRows`] is the
//! layout-free fallback (a row is a paragraph) that tests use.
//!
//! [`sentence_around`] and [`quote_around`] find what a "select sentence" or "select
//! quotation" key selects. [`Caret::span_range`] is what a span made from the selection
//! covers (whole words or whole graphemes, [`super::select::snapped`]).
//!
//! # Cost
//! Every search looks at a window of the caret's paragraph, never the whole text: 128 chars
//! each way for graphemes and words ([`super::select`]), [`SENTENCE_WINDOW_CHARS`] for
//! sentences, [`QUOTE_WINDOW_CHARS`] for quotations, plus a binary search for the
//! paragraph. A move costs the same on a 5 MB book as on a tweet (`benches/selection.rs`).
//! The price is that a word, sentence or quotation longer than its window is cut at the
//! window's edge; news text never comes close.

use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

use super::select::{self, is_word, window_of, word_segments};
use super::Text;

/// How far (in chars) each way from the caret [`sentence_around`] looks for the ends of a
/// sentence.
pub const SENTENCE_WINDOW_CHARS: usize = 2048;

/// How far (in chars) each way from the caret [`quote_around`] looks for quotation marks.
pub const QUOTE_WINDOW_CHARS: usize = 2048;

/// The quotation mark pairs, each opening mark with the closing marks that end it: `"…"`,
/// `“…”`, `«…»`, `»…«` (Danish, German), `„…“` and `„…”` (German, Polish, Hungarian).
/// Shared by the quote finder ([`crate::suggest`]) and [`quote_around`].
pub const QUOTE_MARKS: &[(char, &[char])] = &[
    ('"', &['"']),
    ('“', &['”']),
    ('«', &['»']),
    ('»', &['«']),
    ('„', &['“', '”']),
];

/// The closing marks of an opening quotation mark, `None` for any other char.
pub fn closing_marks(open: char) -> Option<&'static [char]> {
    QUOTE_MARKS
        .iter()
        .find(|(mark, _)| *mark == open)
        .map(|(_, closing)| *closing)
}

/// Where a key moves the caret's head.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Motion {
    /// One grapheme cluster left (←); a line break counts as one.
    CharLeft,
    /// One grapheme cluster right (→).
    CharRight,
    /// To the start of the current word, or of the previous one when at a word's start
    /// (Ctrl+←). At a line's start, to the end of the line before.
    WordLeft,
    /// To the end of the current word, or of the next one when at a word's end (Ctrl+→).
    /// At a line's end, to the start of the line after.
    WordRight,
    /// To the start of the paragraph (logical line).
    LineStart,
    /// To the end of the paragraph, before its line break.
    LineEnd,
    /// To the start of the text (Ctrl+Home).
    TextStart,
    /// To the end of the text (Ctrl+End).
    TextEnd,
    /// To the visual row above ([`Rows::above`]).
    RowUp,
    /// To the visual row below ([`Rows::below`]).
    RowDown,
    /// To the start of the visual row (Home).
    RowStart,
    /// To the end of the visual row (End).
    RowEnd,
    /// One page up (PageUp).
    PageUp,
    /// One page down (PageDown).
    PageDown,
}

impl Motion {
    /// Every motion, for tests and benchmarks that try them all.
    pub const ALL: [Motion; 14] = [
        Motion::CharLeft,
        Motion::CharRight,
        Motion::WordLeft,
        Motion::WordRight,
        Motion::LineStart,
        Motion::LineEnd,
        Motion::TextStart,
        Motion::TextEnd,
        Motion::RowUp,
        Motion::RowDown,
        Motion::RowStart,
        Motion::RowEnd,
        Motion::PageUp,
        Motion::PageDown,
    ];
}

/// The layout's rows, as the UI sees them: the document view wraps paragraphs into rows
/// and knows how many fit a page. Each method takes and returns a char offset; what it
/// returns is clamped and snapped to a caret stop, so an implementation may be loose.
/// Keeping the column while moving through short rows is the implementation's business
/// (it can remember the x it started from).
pub trait Rows {
    /// The start of the row holding `char_pos`.
    fn row_start(&self, char_pos: usize) -> usize;
    /// The end of the row holding `char_pos` (before a line break).
    fn row_end(&self, char_pos: usize) -> usize;
    /// The same place on the row above; the text's start from the first row.
    fn above(&self, char_pos: usize) -> usize;
    /// The same place on the row below; the text's end from the last row.
    fn below(&self, char_pos: usize) -> usize;
    /// The same place one page up.
    fn page_up(&self, char_pos: usize) -> usize;
    /// The same place one page down.
    fn page_down(&self, char_pos: usize) -> usize;
}

/// Rows without a layout: every paragraph is one row, the column is kept in chars, and a
/// page is `page_rows` rows. The fallback when the view has not laid the rows out, and
/// what tests use.
#[derive(Clone, Copy, Debug)]
pub struct ParagraphRows<'a> {
    pub text: &'a Text,
    pub page_rows: usize,
}

impl ParagraphRows<'_> {
    /// The place `rows` paragraphs after (`rows > 0`) or before `char_pos`, at the same
    /// column or the target's end; past the first or last paragraph, the text's end.
    fn shifted(&self, char_pos: usize, rows: isize) -> usize {
        let paragraphs = self.text.paragraphs();
        let here = self.text.paragraph_index_at(char_pos);
        let column = char_pos.saturating_sub(paragraphs[here].char_range.start);
        let Some(target) = here
            .checked_add_signed(rows)
            .filter(|&i| i < paragraphs.len())
        else {
            return if rows < 0 { 0 } else { self.text.len_chars() };
        };
        let range = &paragraphs[target].char_range;
        (range.start + column).min(range.end)
    }
}

impl Rows for ParagraphRows<'_> {
    fn row_start(&self, char_pos: usize) -> usize {
        paragraph_of(self.text, char_pos).start
    }
    fn row_end(&self, char_pos: usize) -> usize {
        paragraph_of(self.text, char_pos).end
    }
    fn above(&self, char_pos: usize) -> usize {
        self.shifted(char_pos, -1)
    }
    fn below(&self, char_pos: usize) -> usize {
        self.shifted(char_pos, 1)
    }
    fn page_up(&self, char_pos: usize) -> usize {
        let rows = isize::try_from(self.page_rows.max(1)).unwrap_or(isize::MAX);
        self.shifted(char_pos, -rows)
    }
    fn page_down(&self, char_pos: usize) -> usize {
        let rows = isize::try_from(self.page_rows.max(1)).unwrap_or(isize::MAX);
        self.shifted(char_pos, rows)
    }
}

/// The caret and the selection it drags: `anchor` stays, `head` moves; equal ends are a
/// bare caret. Both ends are caret stops (see the module doc).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Caret {
    anchor: usize,
    head: usize,
}

impl Caret {
    /// A bare caret at `char_pos`, moved back to the caret stop at or before it.
    pub fn at(text: &Text, char_pos: usize) -> Caret {
        let pos = stop_at_or_before(text, char_pos);
        Caret {
            anchor: pos,
            head: pos,
        }
    }

    /// A selection from `anchor` to `head`, each end widened outwards to a caret stop so
    /// that every grapheme the range touched stays selected (a bare caret moves back).
    pub fn new(text: &Text, anchor: usize, head: usize) -> Caret {
        let (anchor, head) = if anchor < head {
            (
                stop_at_or_before(text, anchor),
                stop_at_or_after(text, head),
            )
        } else if head < anchor {
            (
                stop_at_or_after(text, anchor),
                stop_at_or_before(text, head),
            )
        } else {
            return Caret::at(text, head);
        };
        Caret { anchor, head }
    }

    /// Where the selection started.
    pub fn anchor(self) -> usize {
        self.anchor
    }

    /// Where the caret is.
    pub fn head(self) -> usize {
        self.head
    }

    /// The selected chars, in order.
    pub fn char_range(self) -> Range<usize> {
        self.anchor.min(self.head)..self.anchor.max(self.head)
    }

    /// Whether this is a bare caret (nothing selected).
    pub fn is_empty(self) -> bool {
        self.anchor == self.head
    }

    /// Whether both ends are caret stops of `text` (always true for a caret built against
    /// the same text; false once the text changed under it).
    pub fn is_valid(self, text: &Text) -> bool {
        is_caret_stop(text, self.anchor) && is_caret_stop(text, self.head)
    }

    /// A bare caret at `char_pos` (a click), snapped back to a caret stop.
    pub fn move_to(self, text: &Text, char_pos: usize) -> Caret {
        Caret::at(text, char_pos)
    }

    /// The anchor kept and the head at `char_pos` (a Shift+click or a drag), snapped
    /// outwards like [`Caret::new`].
    pub fn extend_to(self, text: &Text, char_pos: usize) -> Caret {
        Caret::new(text, self.anchor, char_pos)
    }

    /// The motion without Shift: a bare caret at its target. ← and → on a selection
    /// collapse it to its left or right end instead of moving, as editors do.
    pub fn moved(self, text: &Text, rows: &dyn Rows, motion: Motion) -> Caret {
        let range = self.char_range();
        match motion {
            Motion::CharLeft if !self.is_empty() => Caret::at(text, range.start),
            Motion::CharRight if !self.is_empty() => Caret::at(text, range.end),
            _ => Caret::at(text, target(text, rows, self.head, motion)),
        }
    }

    /// The motion with Shift: the anchor kept, the head at the motion's target.
    pub fn extended(self, text: &Text, rows: &dyn Rows, motion: Motion) -> Caret {
        let head = stop_at_or_before(text, target(text, rows, self.head, motion));
        Caret {
            anchor: stop_at_or_before(text, self.anchor),
            head,
        }
    }

    /// What a span made from this selection covers: whole words when `whole_words` (the W
    /// toggle), else whole grapheme clusters. `None` for a bare caret or a selection of
    /// whitespace only (whole words).
    pub fn span_range(self, text: &Text, whole_words: bool) -> Option<Range<usize>> {
        select::snapped(text, self.char_range(), whole_words)
    }
}

/// Where `motion` takes a head at `head` (before snapping).
fn target(text: &Text, rows: &dyn Rows, head: usize, motion: Motion) -> usize {
    let head = stop_at_or_before(text, head);
    match motion {
        Motion::CharLeft => select::prev_grapheme(text, head),
        Motion::CharRight => select::next_grapheme(text, head),
        Motion::WordLeft => word_left(text, head),
        Motion::WordRight => word_right(text, head),
        Motion::LineStart => paragraph_of(text, head).start,
        Motion::LineEnd => paragraph_of(text, head).end,
        Motion::TextStart => 0,
        Motion::TextEnd => text.len_chars(),
        Motion::RowUp => rows.above(head),
        Motion::RowDown => rows.below(head),
        Motion::RowStart => rows.row_start(head),
        Motion::RowEnd => rows.row_end(head),
        Motion::PageUp => rows.page_up(head),
        Motion::PageDown => rows.page_down(head),
    }
}

/// Whether the caret may stand at `char_pos`: inside the text, not inside a grapheme
/// cluster (a line break is one).
pub fn is_caret_stop(text: &Text, char_pos: usize) -> bool {
    char_pos <= text.len_chars()
        && select::snap_to_graphemes(text, char_pos..char_pos).start == char_pos
}

/// The caret stop at or before `char_pos` (the text's end past it).
pub fn stop_at_or_before(text: &Text, char_pos: usize) -> usize {
    let pos = char_pos.min(text.len_chars());
    select::snap_to_graphemes(text, pos..pos).start
}

/// The caret stop at or after `char_pos` (the text's end past it).
pub fn stop_at_or_after(text: &Text, char_pos: usize) -> usize {
    let pos = char_pos.min(text.len_chars());
    select::snap_to_graphemes(text, pos..pos).end
}

/// The char range of the paragraph holding `char_pos` (a position on a line break belongs
/// to the line before).
fn paragraph_of(text: &Text, char_pos: usize) -> Range<usize> {
    let paragraphs = text.paragraphs();
    let index = text.paragraph_index_at(char_pos.min(text.len_chars()));
    let range = paragraphs[index].char_range.clone();
    match index.checked_sub(1) {
        // Between the CR and the LF of the CRLF before `range`: the line before.
        Some(before) if char_pos < range.start => paragraphs[before].char_range.clone(),
        _ => range,
    }
}

/// Ctrl+→ from the caret stop `head`: the end of the first word ending after it in its
/// paragraph; the paragraph's end when no word follows; across the line break when
/// already there.
fn word_right(text: &Text, head: usize) -> usize {
    let paragraph = paragraph_of(text, head);
    if head >= paragraph.end {
        return select::next_grapheme(text, head);
    }
    let (slice, base) = window_of(text, head, WINDOW_WORD_CHARS);
    let mut at = base;
    for segment in word_segments(slice) {
        at += segment.chars().count();
        if at > head && is_word(segment) {
            return at;
        }
    }
    // No word in the window: its end, which is the paragraph's unless the window was cut.
    stop_at_or_after(text, at)
}

/// Ctrl+← from the caret stop `head`: the start of the last word starting before it in its
/// paragraph; the paragraph's start when no word precedes; across the line break when
/// already there.
fn word_left(text: &Text, head: usize) -> usize {
    let paragraph = paragraph_of(text, head);
    if head <= paragraph.start {
        return select::prev_grapheme(text, head);
    }
    let (slice, base) = window_of(text, head, WINDOW_WORD_CHARS);
    let mut at = base;
    let mut last_word_start = None;
    for segment in word_segments(slice) {
        if at >= head {
            break;
        }
        if is_word(segment) {
            last_word_start = Some(at);
        }
        at += segment.chars().count();
    }
    // No word in the window: its start, the paragraph's unless the window was cut.
    last_word_start.unwrap_or_else(|| stop_at_or_before(text, base))
}

/// How far each way word motions look; a run of more than this many chars without a word
/// is crossed in several presses.
const WINDOW_WORD_CHARS: usize = 128;

/// The sentence holding the caret (UAX #29 sentence boundaries, within its paragraph),
/// trimmed of whitespace. A caret in the whitespace after a sentence belongs to it; at a
/// paragraph's end, to the last sentence. `None` on a blank paragraph. Abbreviations such
/// as "Mr." before a capital end a sentence, as UAX #29 has it.
pub fn sentence_around(text: &Text, char_pos: usize) -> Option<Range<usize>> {
    let pos = stop_at_or_before(text, char_pos);
    let (slice, base) = window_of(text, pos, SENTENCE_WINDOW_CHARS);
    let window_end = base + slice.chars().count();
    let mut at = base;
    for sentence in slice.split_sentence_bounds() {
        let range = at..at + sentence.chars().count();
        if pos < range.end || range.end == window_end {
            let trimmed = select::trim_whitespace(text, range)?;
            return Some(select::snap_to_graphemes(text, trimmed));
        }
        at = range.end;
    }
    None
}

/// The quotation around the caret: the text between the innermost pair of matching marks
/// ([`QUOTE_MARKS`]) in its paragraph whose marks enclose the caret (a caret just before
/// the opening mark or just after the closing one counts), trimmed of whitespace. `None`
/// when the caret is in no quotation or the quotation is blank. The marks are one char
/// each: with them, the range is [`quote_marks_around`].
pub fn quote_around(text: &Text, char_pos: usize) -> Option<Range<usize>> {
    let (open, close) = quote_pair_around(text, char_pos)?;
    let inner = select::trim_whitespace(text, open + 1..close)?;
    Some(select::snap_to_graphemes(text, inner))
}

/// [`quote_around`] with the quotation marks: from the opening mark to just after the
/// closing one (kept even when blank inside).
pub fn quote_marks_around(text: &Text, char_pos: usize) -> Option<Range<usize>> {
    let (open, close) = quote_pair_around(text, char_pos)?;
    Some(select::snap_to_graphemes(text, open..close + 1))
}

/// The char offsets of the opening and closing marks of the innermost quotation whose
/// marks enclose `char_pos`. Marks pair like brackets: a char closes the innermost open
/// quotation if it is one of its closing marks, else opens one if it is an opening mark
/// (so `"` closes an open `"` and `»` closes an open `«`). The scan starts at the
/// paragraph's start or [`QUOTE_WINDOW_CHARS`] before the caret, and stops once no open
/// mark before the caret is left.
fn quote_pair_around(text: &Text, char_pos: usize) -> Option<(usize, usize)> {
    let pos = stop_at_or_before(text, char_pos);
    let (slice, base) = window_of(text, pos, QUOTE_WINDOW_CHARS);
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut innermost: Option<(usize, usize)> = None;
    for (at, c) in (base..).zip(slice.chars()) {
        if at > pos && open.first().is_none_or(|&(start, _)| start > pos) {
            break; // every quotation still to close starts after the caret
        }
        let closes = open
            .last()
            .and_then(|&(_, mark)| closing_marks(mark))
            .is_some_and(|marks| marks.contains(&c));
        if closes {
            if let Some((start, _)) = open.pop() {
                let encloses = start <= pos && pos <= at + 1;
                if encloses && innermost.is_none_or(|(inner, _)| start > inner) {
                    innermost = Some((start, at));
                }
            }
        } else if closing_marks(c).is_some() {
            open.push((at, c));
        }
    }
    innermost
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Text {
        Text::new(s.to_string())
    }

    /// The head after `motion` from a caret at `pos`, rows being paragraphs.
    fn go(text: &Text, pos: usize, motion: Motion) -> usize {
        let rows = ParagraphRows { text, page_rows: 2 };
        Caret::at(text, pos).moved(text, &rows, motion).head()
    }

    /// Every head reached pressing `motion` from `pos` until it stops moving.
    fn walk(text: &Text, pos: usize, motion: Motion) -> Vec<usize> {
        let mut out = vec![pos];
        loop {
            let next = go(text, *out.last().unwrap_or(&0), motion);
            if out.contains(&next) {
                return out;
            }
            out.push(next);
        }
    }

    #[test]
    fn chars_step_over_grapheme_clusters_and_line_breaks() {
        // a, family (5 chars), flag (2), e + acute (2), CRLF, CR, Arabic, CJK.
        let text = t("a👨‍👩‍👧🇪🇬e\u{301}\r\nx\rعب中");
        let stops = vec![0, 1, 6, 8, 10, 12, 13, 14, 15, 16, 17];
        assert_eq!(walk(&text, 0, Motion::CharRight), stops);
        let mut back = stops.clone();
        back.reverse();
        assert_eq!(walk(&text, 17, Motion::CharLeft), back);
        // Never between a CR and its LF, nor inside a cluster.
        assert!(!is_caret_stop(&text, 11));
        assert!(!is_caret_stop(&text, 3));
        assert!(!is_caret_stop(&text, 9));
        assert!(!is_caret_stop(&text, 18));
        assert_eq!(Caret::at(&text, 11).head(), 10);
        assert_eq!(Caret::at(&text, 3).head(), 1);
        assert_eq!(Caret::at(&text, 99).head(), 17);
    }

    #[test]
    fn empty_text_and_the_ends() {
        let text = t("");
        let rows = ParagraphRows {
            text: &text,
            page_rows: 3,
        };
        for motion in Motion::ALL {
            assert_eq!(Caret::at(&text, 0).moved(&text, &rows, motion).head(), 0);
            assert_eq!(
                Caret::at(&text, 0)
                    .extended(&text, &rows, motion)
                    .char_range(),
                0..0
            );
        }
        assert_eq!(sentence_around(&text, 0), None);
        assert_eq!(quote_around(&text, 0), None);
        let text = t("ab");
        assert_eq!(go(&text, 0, Motion::CharLeft), 0);
        assert_eq!(go(&text, 0, Motion::WordLeft), 0);
        assert_eq!(go(&text, 2, Motion::CharRight), 2);
        assert_eq!(go(&text, 2, Motion::WordRight), 2);
        assert_eq!(go(&text, 1, Motion::TextEnd), 2);
        assert_eq!(go(&text, 1, Motion::TextStart), 0);
    }

    #[test]
    fn ctrl_arrows_go_to_word_ends_and_starts_skipping_punctuation() {
        let text = t("Lavrov said: «Libya is—a hole».  Next, Moscow's");
        let ends = walk(&text, 0, Motion::WordRight);
        let words: Vec<&str> = ends.windows(2).map(|w| text.slice(w[0]..w[1])).collect();
        assert_eq!(
            words,
            [
                "Lavrov",
                " said",
                ": «Libya",
                " is",
                "—a",
                " hole",
                "».  Next",
                ", Moscow",
                "'s"
            ]
        );
        let starts = walk(&text, text.len_chars(), Motion::WordLeft);
        let words: Vec<&str> = starts.windows(2).map(|w| text.slice(w[1]..w[0])).collect();
        assert_eq!(
            words,
            [
                "'s",
                "Moscow",
                "Next, ",
                "hole».  ",
                "a ",
                "is—",
                "Libya ",
                "said: «",
                "Lavrov "
            ]
        );
        // From inside a word: to its own end or start.
        assert_eq!(go(&text, 2, Motion::WordRight), 6);
        assert_eq!(go(&text, 2, Motion::WordLeft), 0);
    }

    #[test]
    fn word_motions_stop_at_line_ends_and_cross_them_one_press_at_a_time() {
        let text = t("one two.\r\n\r\n  three");
        // 0 one 3, 4 two 7, "." 8, CRLF 8..10, empty line 10, CRLF 10..12, "  three" 12..19.
        assert_eq!(walk(&text, 4, Motion::WordRight), vec![4, 7, 8, 10, 12, 19]);
        assert_eq!(
            walk(&text, 19, Motion::WordLeft),
            vec![19, 14, 12, 10, 8, 4, 0]
        );
        // CJK and Arabic: UAX #29 words.
        let text = t("قال لافروف 中文");
        assert_eq!(walk(&text, 0, Motion::WordRight), vec![0, 3, 10, 12, 13]);
    }

    #[test]
    fn line_and_row_motions_stop_before_the_line_break() {
        let text = t("first\r\nsecond line\rthird\nlast");
        // first 0..5, CRLF, "second line" 7..18, CR, third 19..24, LF, last 25..29.
        assert_eq!(go(&text, 9, Motion::LineStart), 7);
        assert_eq!(go(&text, 9, Motion::LineEnd), 18);
        assert_eq!(go(&text, 2, Motion::LineEnd), 5);
        assert_eq!(go(&text, 5, Motion::LineEnd), 5);
        assert_eq!(go(&text, 20, Motion::RowStart), 19);
        assert_eq!(go(&text, 20, Motion::RowEnd), 24);
        // Up and down keep the column, clipped to a short line.
        assert_eq!(go(&text, 16, Motion::RowUp), 5);
        assert_eq!(go(&text, 3, Motion::RowDown), 10);
        assert_eq!(go(&text, 16, Motion::RowDown), 24);
        assert_eq!(go(&text, 3, Motion::RowUp), 0);
        assert_eq!(go(&text, 27, Motion::RowDown), 29);
        // A page is two rows here.
        assert_eq!(go(&text, 2, Motion::PageDown), 21);
        assert_eq!(go(&text, 21, Motion::PageUp), 2);
        assert_eq!(go(&text, 27, Motion::PageUp), 9);
    }

    /// Rows returning positions inside clusters and past the end.
    struct Careless;
    impl Rows for Careless {
        fn row_start(&self, _: usize) -> usize {
            3
        }
        fn row_end(&self, _: usize) -> usize {
            11
        }
        fn above(&self, _: usize) -> usize {
            9
        }
        fn below(&self, _: usize) -> usize {
            usize::MAX
        }
        fn page_up(&self, _: usize) -> usize {
            3
        }
        fn page_down(&self, _: usize) -> usize {
            11
        }
    }

    #[test]
    fn whatever_the_rows_say_lands_on_a_caret_stop() {
        let text = t("a👨‍👩‍👧🇪🇬e\u{301}\r\nx");
        for motion in Motion::ALL {
            let caret = Caret::at(&text, 1).moved(&text, &Careless, motion);
            assert!(caret.is_valid(&text), "{motion:?}: {caret:?}");
            let caret = Caret::new(&text, 12, 6).extended(&text, &Careless, motion);
            assert!(caret.is_valid(&text), "{motion:?}: {caret:?}");
            assert_eq!(caret.anchor(), 12);
        }
    }

    #[test]
    fn shift_extends_from_the_anchor_and_plain_arrows_collapse() {
        let text = t("Sergei Lavrov said");
        let rows = ParagraphRows {
            text: &text,
            page_rows: 1,
        };
        let caret = Caret::at(&text, 7)
            .extended(&text, &rows, Motion::WordRight)
            .extended(&text, &rows, Motion::CharRight);
        assert_eq!((caret.anchor(), caret.head()), (7, 14));
        let back = caret.extended(&text, &rows, Motion::WordLeft);
        assert_eq!((back.anchor(), back.head()), (7, 7));
        let back = back.extended(&text, &rows, Motion::WordLeft);
        assert_eq!((back.anchor(), back.head()), (7, 0));
        assert_eq!(back.char_range(), 0..7);
        // ← and → collapse to the selection's ends; other motions go from the head.
        assert_eq!(caret.moved(&text, &rows, Motion::CharLeft).head(), 7);
        assert_eq!(caret.moved(&text, &rows, Motion::CharRight).head(), 14);
        assert_eq!(back.moved(&text, &rows, Motion::CharRight).head(), 7);
        assert_eq!(back.moved(&text, &rows, Motion::WordRight).head(), 6);
        assert!(caret.moved(&text, &rows, Motion::LineEnd).is_empty());
    }

    #[test]
    fn new_widens_to_whole_clusters_and_span_range_snaps() {
        let text = t("a 👨‍👩‍👧 b e\u{301}x");
        let caret = Caret::new(&text, 4, 3);
        assert_eq!((caret.anchor(), caret.head()), (7, 2));
        assert_eq!(Caret::new(&text, 3, 4).char_range(), 2..7);
        assert_eq!(Caret::new(&text, 11, 11).head(), 10);
        assert_eq!(caret.span_range(&text, false), Some(2..7));
        let text = t("Lavrov said it");
        let caret = Caret::new(&text, 2, 9);
        assert_eq!(caret.span_range(&text, true), Some(0..11));
        assert_eq!(caret.span_range(&text, false), Some(2..9));
        assert_eq!(Caret::new(&text, 6, 7).span_range(&text, true), None);
        assert_eq!(Caret::at(&text, 3).span_range(&text, false), None);
    }

    #[test]
    fn sentence_around_the_caret() {
        let s = "Lavrov spoke. Cairo said “no.” Then? Done\r\nNext line.";
        let text = t(s);
        let sentence = |pos| sentence_around(&text, pos).map(|r| text.slice(r).to_string());
        assert_eq!(sentence(0).as_deref(), Some("Lavrov spoke."));
        assert_eq!(sentence(13).as_deref(), Some("Lavrov spoke."));
        assert_eq!(sentence(14).as_deref(), Some("Cairo said “no.”"));
        assert_eq!(sentence(33).as_deref(), Some("Then?"));
        // At the line's end: the last sentence, not the next line's.
        assert_eq!(sentence(41).as_deref(), Some("Done"));
        assert_eq!(sentence(43).as_deref(), Some("Next line."));
        assert_eq!(sentence(53).as_deref(), Some("Next line."));
        assert_eq!(sentence_around(&t("a\n   \nb"), 3), None);
        let text = t("خرج الوزير. 他说了。好");
        assert_eq!(
            text.slice(sentence_around(&text, 2).unwrap()),
            "خرج الوزير."
        );
        assert_eq!(text.slice(sentence_around(&text, 13).unwrap()), "他说了。");
    }

    #[test]
    fn quote_around_the_caret_innermost_within_the_paragraph() {
        let s = "He said “we «will» act” and „gut“ then \"  \" end";
        let text = t(s);
        let quote = |pos| quote_around(&text, pos).map(|r| text.slice(r).to_string());
        let outer = Some("we «will» act".to_string());
        assert_eq!(quote(10), outer);
        assert_eq!(quote(8), outer); // just before the opening mark
        assert_eq!(quote(23), outer); // just after the closing mark
        assert_eq!(quote(14).as_deref(), Some("will"));
        assert_eq!(quote(13).as_deref(), Some("will"));
        assert_eq!(quote(30).as_deref(), Some("gut"));
        assert_eq!(quote(3), None);
        assert_eq!(quote(25), None);
        // A blank quotation: nothing inside, the marks with it.
        assert_eq!(quote(42), None);
        assert_eq!(
            quote_marks_around(&text, 42).map(|r| text.slice(r)),
            Some("\"  \"")
        );
        assert_eq!(
            quote_marks_around(&text, 14).map(|r| text.slice(r)),
            Some("«will»")
        );
        // Danish » … « and a straight pair.
        let text = t("sagde »ja« og \"nej\"");
        assert_eq!(text.slice(quote_around(&text, 8).unwrap()), "ja");
        assert_eq!(text.slice(quote_around(&text, 16).unwrap()), "nej");
        // Never across a line break, whatever its kind.
        for s in ["“open\r\nclosed”", "“open\nclosed”", "“open\rclosed”"] {
            let text = t(s);
            for pos in 0..=text.len_chars() {
                assert_eq!(quote_around(&text, pos), None, "{s:?} at {pos}");
            }
        }
    }

    #[test]
    fn the_quote_finder_and_the_caret_share_the_marks() {
        assert_eq!(closing_marks('„'), Some(&['“', '”'][..]));
        assert_eq!(closing_marks('»'), Some(&['«'][..]));
        assert_eq!(closing_marks('”'), None);
        assert_eq!(closing_marks('\''), None);
    }
}
