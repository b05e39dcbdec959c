//! `brat` standoff: per article a `.txt` with LF newlines and an `.ann` beside it, and one
//! `annotation.conf` for the export. Offsets are chars of the LF-normalized text. A span
//! that crosses a line break becomes fragments `START END;START END`, its text the fragment
//! texts joined by one space, because brat spans cannot hold a newline.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::{Ctx, ExportError, Output};
use crate::model::Scheme;

/// The text with `\r\n` and lone `\r` turned into `\n`, and for each char of the original
/// its offset in the result (`len_chars + 1` entries).
pub(super) fn normalize_newlines(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    let mut chars = text.chars().peekable();
    let mut at = 0;
    while let Some(c) = chars.next() {
        map.push(at);
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                // The `\r` of a CRLF disappears: it maps to where the `\n` lands.
                continue;
            }
            out.push('\n');
        } else {
            out.push(c);
        }
        at += 1;
    }
    map.push(at);
    (out, map)
}

/// The non-empty runs of `[start, end)` between newlines, in chars of `text`.
pub(super) fn fragments(chars: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut run_start = start;
    for (i, &c) in chars.iter().enumerate().take(end).skip(start) {
        if c == '\n' {
            if run_start < i {
                out.push((run_start, i));
            }
            run_start = i + 1;
        }
    }
    if run_start < end {
        out.push((run_start, end));
    }
    out
}

pub(super) fn article(ctx: &mut Ctx<'_, '_>) -> Result<Vec<Output>, ExportError> {
    let (normalized, map) = normalize_newlines(ctx.text().as_str());
    let chars: Vec<char> = normalized.chars().collect();
    let mut ann = String::new();
    for span in ctx.spans {
        let (start, end) = (map[span.start], map[span.end]);
        let pieces = fragments(&chars, start, end);
        if pieces.is_empty() {
            ctx.lose(Some(span.id), true, "only line breaks: brat cannot hold it");
            continue;
        }
        // Re-slice the normalized text, as brat will, and compare fragment by fragment
        // with the span's own text, normalized the same way.
        let (expected, _) = normalize_newlines(&span.text);
        let found: String = chars[start..end].iter().collect();
        ctx.check(span, &expected, &found)?;
        let offsets: Vec<String> = pieces.iter().map(|(a, b)| format!("{a} {b}")).collect();
        let texts: Vec<String> = pieces
            .iter()
            .map(|&(a, b)| chars[a..b].iter().collect())
            .collect();
        let _ = writeln!(
            ann,
            "T{}\t{} {}\t{}",
            span.id,
            span.label,
            offsets.join(";"),
            texts.join(" ")
        );
        if pieces.len() > 1 {
            ctx.lose(
                Some(span.id),
                false,
                format!(
                    "crosses a line break: written as {} fragments",
                    pieces.len()
                ),
            );
        }
    }
    for r in ctx.relations() {
        let _ = writeln!(ann, "R{}\t{} Arg1:T{} Arg2:T{}", r.id, r.kind, r.from, r.to);
    }
    let mut note_id = 0;
    for span in ctx.spans.iter().filter(|s| !s.note.is_empty()) {
        note_id += 1;
        let note: String = span
            .note
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        let _ = writeln!(ann, "#{note_id}\tAnnotatorNotes T{}\t{note}", span.id);
    }
    let stem = ctx
        .article
        .id
        .strip_suffix(".txt")
        .unwrap_or(ctx.article.id);
    Ok(vec![
        Output::File {
            path: format!("{stem}.txt"),
            bytes: normalized.into_bytes(),
        },
        Output::File {
            path: format!("{stem}.ann"),
            bytes: ann.into_bytes(),
        },
    ])
}

/// `annotation.conf`: the scheme's labels and relations, plus any label met in the articles.
pub(super) fn annotation_conf(scheme: &Scheme, labels_seen: &BTreeSet<String>) -> Output {
    let mut conf = String::from("[entities]\n");
    for label in &scheme.labels {
        let _ = writeln!(conf, "{}", label.name);
    }
    for label in labels_seen.iter().filter(|l| scheme.label(l).is_none()) {
        let _ = writeln!(conf, "{label}");
    }
    conf.push_str("\n[relations]\n");
    for relation in &scheme.relations {
        let _ = writeln!(
            conf,
            "{}\tArg1:{}, Arg2:{}",
            relation.name,
            relation.from.join("|"),
            relation.to.join("|")
        );
    }
    conf.push_str("\n[events]\n\n[attributes]\n");
    Output::File {
        path: "annotation.conf".into(),
        bytes: conf.into_bytes(),
    }
}
