//! A tiny markup for text with spans, for tests and examples:
//! `[actor|Lavrov] said "[quote|Libya is [location|Libya]]"` is the text
//! `Lavrov said "Libya is Libya"` with three spans. Spans nest; ids count from 1 in the
//! order the spans open. Literal `[`, `|` and `]` cannot be written.

use super::{Annotations, ArticleMeta, Document, Span, Text};
use std::ops::Range;

/// The plain text and the `(label, char range)` of each span, in opening order.
///
/// # Panics
/// On unbalanced markup: this is for tests, whose markup is written by hand.
pub fn parse(markup: &str) -> (String, Vec<(String, Range<usize>)>) {
    let mut text = String::new();
    let mut chars = 0usize;
    let mut open: Vec<(usize, usize)> = Vec::new(); // (index into spans, start)
    let mut spans: Vec<(String, Range<usize>)> = Vec::new();
    let mut rest = markup;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '[' => {
                let bar = rest.find('|').expect("`[label|` needs a bar");
                spans.push((rest[..bar].to_string(), chars..chars));
                open.push((spans.len() - 1, chars));
                rest = &rest[bar + 1..];
            }
            ']' => {
                let (index, start) = open.pop().expect("unbalanced `]`");
                spans[index].1 = start..chars;
            }
            _ => {
                text.push(c);
                chars += 1;
            }
        }
    }
    assert!(open.is_empty(), "unclosed `[`");
    (text, spans)
}

/// A document built from markup, with manual exact spans.
pub fn document(markup: &str) -> Document {
    let (string, marks) = parse(markup);
    let text = Text::new(string);
    let spans = marks
        .into_iter()
        .enumerate()
        .map(|(i, (label, range))| Span::new(i as u64 + 1, &label, range, &text))
        .collect();
    let annotations = Annotations::from_parts(spans, Vec::new()).expect("ids are unique");
    Document::new(text, ArticleMeta::utf8("fixture.txt"), annotations)
}

#[cfg(test)]
mod tests {
    #[test]
    fn nested_markup() {
        let (text, spans) =
            super::parse("[actor|Lavrov] said \"[quote|Libya is [location|Libya]]\"");
        assert_eq!(text, "Lavrov said \"Libya is Libya\"");
        assert_eq!(
            spans,
            vec![
                ("actor".to_string(), 0..6),
                ("quote".to_string(), 13..27),
                ("location".to_string(), 22..27)
            ]
        );
    }
}
