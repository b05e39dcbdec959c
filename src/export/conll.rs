//! `conll`: IOB2 over tokens, one tag column per label so overlapping spans of different
//! labels survive. Tokens are Unicode word-boundary segments (punctuation on its own, a
//! possessive `'s` split off as spaCy does), whitespace dropped; sentences are Unicode sentence segments, and every line break ends
//! one. `-DOCSTART-` opens each article; the column order (the scheme's label order) is in a
//! companion file `<output>.columns`.
//!
//! A span whose edges fall inside a token is widened to the tokens it touches, and said so
//! in the report; one that overlaps another span of its label cannot be held by IOB2 and is
//! left out, and reported. Attributes, entity links and relations have no column: the
//! report counts them per article.

use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

use super::{Ctx, ExportError, Output};
use crate::model::{select, Scheme};

pub(super) fn columns_file(scheme: &Scheme) -> Output {
    let mut columns = String::from("TOKEN");
    for label in &scheme.labels {
        columns.push('\t');
        columns.push_str(&label.name);
    }
    columns.push('\n');
    Output::Companion {
        suffix: ".columns".into(),
        bytes: columns.into_bytes(),
    }
}

struct Token {
    chars: Range<usize>,
    bytes: Range<usize>,
    sentence: usize,
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut char_at = 0;
    for (sentence, (sentence_byte, sentence_str)) in text.split_sentence_bound_indices().enumerate()
    {
        let mut byte = sentence_byte;
        for word in select::word_segments(sentence_str) {
            let len = word.chars().count();
            if !word.chars().all(char::is_whitespace) {
                tokens.push(Token {
                    chars: char_at..char_at + len,
                    bytes: byte..byte + word.len(),
                    sentence,
                });
            }
            char_at += len;
            byte += word.len();
        }
    }
    tokens
}

pub(super) fn article(ctx: &mut Ctx<'_, '_>) -> Result<Vec<Output>, ExportError> {
    ctx.lose_attributes_and_entities("CoNLL");
    ctx.lose_citation("CoNLL");
    ctx.lose_relations(|_| false, "CoNLL has no place for relations");
    let text = ctx.text().as_str();
    let tokens = tokenize(text);
    let columns = ctx.scheme.labels.len();
    let mut tags: Vec<Vec<String>> = vec![vec!["O".to_string(); columns]; tokens.len()];
    for span in ctx.spans {
        let Some(column) = ctx.scheme.labels.iter().position(|l| l.name == span.label) else {
            ctx.lose(
                Some(span.id),
                true,
                format!("label {:?} has no column (not in the scheme)", span.label),
            );
            continue;
        };
        let first = tokens.partition_point(|t| t.chars.end <= span.start);
        let last = tokens.partition_point(|t| t.chars.start < span.end);
        if first >= last {
            ctx.lose(Some(span.id), true, "covers no token");
            continue;
        }
        if tags[first..last].iter().any(|t| t[column] != "O") {
            ctx.lose(
                Some(span.id),
                true,
                format!(
                    "overlaps another {} span; IOB2 holds one per label",
                    span.label
                ),
            );
            continue;
        }
        let covered = tokens[first].chars.start..tokens[last - 1].chars.end;
        if covered == span.char_range() {
            // Re-slice the tokens' own text, as a CoNLL reader rebuilds the span.
            let found = &text[tokens[first].bytes.start..tokens[last - 1].bytes.end];
            ctx.check(span, &span.text, found)?;
        } else {
            let widened = &text[tokens[first].bytes.start..tokens[last - 1].bytes.end];
            ctx.lose(
                Some(span.id),
                false,
                format!("edges fall inside a token: widened to {widened:?}"),
            );
        }
        if tokens[first].sentence != tokens[last - 1].sentence {
            ctx.lose(Some(span.id), false, "crosses a sentence break");
        }
        for (i, t) in tags[first..last].iter_mut().enumerate() {
            let prefix = if i == 0 { "B" } else { "I" };
            t[column] = format!("{prefix}-{}", span.label);
        }
    }

    let mut out = String::from("-DOCSTART-");
    out.push_str(&" O".repeat(columns));
    out.push_str("\n\n");
    for (i, token) in tokens.iter().enumerate() {
        out.push_str(&text[token.bytes.clone()]);
        for tag in &tags[i] {
            out.push(' ');
            out.push_str(tag);
        }
        out.push('\n');
        if tokens
            .get(i + 1)
            .is_none_or(|next| next.sentence != token.sentence)
        {
            out.push('\n');
        }
    }
    Ok(vec![Output::Append(out.into_bytes())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_punctuation_and_sentences() {
        let tokens = tokenize("Lavrov said \"Libya is\" here.\nNext line");
        assert_eq!(tokenize("Moscow's").len(), 2);
        let words: Vec<(&str, usize)> = tokens
            .iter()
            .map(|t| {
                (
                    &"Lavrov said \"Libya is\" here.\nNext line"[t.bytes.clone()],
                    t.sentence,
                )
            })
            .collect();
        assert_eq!(
            words,
            [
                ("Lavrov", 0),
                ("said", 0),
                ("\"", 0),
                ("Libya", 0),
                ("is", 0),
                ("\"", 0),
                ("here", 0),
                (".", 0),
                ("Next", 1),
                ("line", 1)
            ]
        );
    }
}
