//! Property tests of `model::selection`: over random text of the hard pieces (line breaks
//! of every kind, ZWJ sequences, flags, combining marks, Arabic, CJK, quotation marks),
//! every transition keeps the caret on caret stops, `moved` collapses, `extended` keeps
//! the anchor, → then ← returns, Ctrl+→ only moves forward, and the sentence and the
//! quotation around the caret hold it and stay inside its paragraph.

use proptest::prelude::*;

use spantag::model::selection::{is_caret_stop, QUOTE_MARKS};
use spantag::model::{quote_around, quote_marks_around, sentence_around};
use spantag::model::{Caret, Motion, ParagraphRows, Text};
use unicode_segmentation::UnicodeSegmentation;

const PIECES: &[&str] = &[
    "a",
    "Lavrov",
    " ",
    "  ",
    ". ",
    "? ",
    ",",
    "e\u{301}",
    "😀",
    "🇪🇬",
    "🇺🇦",
    "\r\n",
    "\n",
    "\r",
    "👨‍👩‍👧",
    "✊🏽",
    "عبد",
    "中文",
    "。",
    "\"",
    "“",
    "”",
    "«",
    "»",
    "„",
];

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|p| p.concat())
}

/// The grapheme boundaries of the whole text, computed naively (no window), in chars.
fn boundaries(s: &str) -> Vec<usize> {
    let mut out = vec![0];
    let mut at = 0;
    for g in s.graphemes(true) {
        at += g.chars().count();
        out.push(at);
    }
    out
}

/// The paragraph (as a char range, without its terminator) holding `pos`.
fn paragraph(text: &Text, pos: usize) -> std::ops::Range<usize> {
    text.paragraphs()[text.paragraph_index_at(pos)]
        .char_range
        .clone()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn transitions_keep_the_invariants(
        s in text_strategy(),
        a in any::<prop::sample::Index>(),
        h in any::<prop::sample::Index>(),
        page_rows in 1usize..4,
    ) {
        let text = Text::new(s.clone());
        let stops = boundaries(&s);
        let len = text.len_chars();
        let rows = ParagraphRows { text: &text, page_rows };
        // Any two char offsets, inside a cluster or not.
        let caret = Caret::new(&text, a.index(len + 1), h.index(len + 1));
        prop_assert!(stops.contains(&caret.anchor()) && stops.contains(&caret.head()));
        prop_assert!(caret.is_valid(&text));
        for motion in Motion::ALL {
            let moved = caret.moved(&text, &rows, motion);
            prop_assert!(moved.is_empty(), "{:?} did not collapse", motion);
            prop_assert!(stops.contains(&moved.head()), "{:?} -> {:?}", motion, moved);
            let extended = caret.extended(&text, &rows, motion);
            prop_assert_eq!(extended.anchor(), caret.anchor());
            prop_assert!(stops.contains(&extended.head()), "{:?} -> {:?}", motion, extended);
            prop_assert!(extended.char_range().end <= len);
        }
        for &stop in &stops {
            prop_assert!(is_caret_stop(&text, stop));
        }
        for pos in 0..=len {
            prop_assert_eq!(is_caret_stop(&text, pos), stops.contains(&pos), "at {}", pos);
        }
    }

    #[test]
    fn char_steps_walk_every_grapheme_and_return(s in text_strategy()) {
        let text = Text::new(s.clone());
        let stops = boundaries(&s);
        let rows = ParagraphRows { text: &text, page_rows: 1 };
        for pair in stops.windows(2) {
            let right = Caret::at(&text, pair[0]).moved(&text, &rows, Motion::CharRight);
            prop_assert_eq!(right.head(), pair[1]);
            let back = right.moved(&text, &rows, Motion::CharLeft);
            prop_assert_eq!(back.head(), pair[0]);
            let extended = Caret::at(&text, pair[0]).extended(&text, &rows, Motion::CharRight);
            prop_assert_eq!(extended.char_range(), pair[0]..pair[1]);
        }
    }

    #[test]
    fn word_right_is_monotone_and_word_left_its_mirror(s in text_strategy()) {
        let text = Text::new(s.clone());
        let rows = ParagraphRows { text: &text, page_rows: 1 };
        let len = text.len_chars();
        for pos in boundaries(&s) {
            let right = Caret::at(&text, pos).moved(&text, &rows, Motion::WordRight).head();
            prop_assert!(right > pos || pos == len, "{} -> {}", pos, right);
            let left = Caret::at(&text, pos).moved(&text, &rows, Motion::WordLeft).head();
            prop_assert!(left < pos || pos == 0, "{} -> {}", pos, left);
            // Within a line, a word motion never crosses a line break.
            let line = paragraph(&text, pos);
            if pos < line.end {
                prop_assert!(right <= line.end);
            }
            if pos > line.start {
                prop_assert!(left >= line.start);
            }
        }
    }

    #[test]
    fn sentence_and_quote_hold_the_caret_inside_its_paragraph(s in text_strategy()) {
        let text = Text::new(s.clone());
        let stops = boundaries(&s);
        for &pos in &stops {
            let line = paragraph(&text, pos);
            if let Some(r) = sentence_around(&text, pos) {
                prop_assert!(line.start <= r.start && r.start < r.end && r.end <= line.end);
                prop_assert!(stops.contains(&r.start) && stops.contains(&r.end));
                let slice = text.slice(r.clone());
                prop_assert_eq!(slice.trim(), slice, "not trimmed");
                // The caret is in it, or only whitespace lies between them.
                let gap = if pos < r.start {
                    pos..r.start
                } else if pos > r.end {
                    r.end..pos
                } else {
                    pos..pos
                };
                prop_assert!(text.slice(gap).trim().is_empty(), "{:?} at {}", r, pos);
            } else {
                prop_assert!(text.slice(line.clone()).trim().is_empty(), "no sentence at {}", pos);
            }
            let marks = quote_marks_around(&text, pos);
            if let Some(m) = marks.clone() {
                prop_assert!(line.start <= m.start && m.end <= line.end);
                prop_assert!(m.start <= pos && pos <= m.end);
                let open = text.slice(m.start..m.start + 1).chars().next();
                let close = text.slice(m.end - 1..m.end).chars().next();
                let pair = QUOTE_MARKS.iter().find(|(o, _)| Some(*o) == open);
                prop_assert!(pair.is_some_and(|(_, c)| close.is_some_and(|c2| c.contains(&c2))));
            }
            match quote_around(&text, pos) {
                Some(r) => {
                    let m = marks.clone().unwrap_or(0..0);
                    prop_assert!(m.start < r.start && r.end < m.end, "{:?} in {:?}", r, m);
                    let slice = text.slice(r);
                    prop_assert!(!slice.trim().is_empty() && slice.trim() == slice);
                }
                None => {
                    if let Some(m) = marks {
                        prop_assert!(text.slice(m.start + 1..m.end - 1).trim().is_empty());
                    }
                }
            }
        }
    }
}
