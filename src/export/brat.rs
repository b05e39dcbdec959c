//! `brat` standoff: per article a `.txt` with LF newlines and an `.ann` beside it, and one
//! `annotation.conf` for the export. Offsets are chars of the LF-normalized text. A span
//! that crosses a line break becomes fragments `START END;START END`, its text the fragment
//! texts joined by one space, because brat spans cannot hold a newline.
//!
//! Attributes are `A` lines: a yes/no attribute set to `yes` is a binary attribute
//! (`A1<TAB>checkworthy T3`; `no` has no brat form and is reported), every other value a
//! multi-valued one (`A2<TAB>verdict T3 misleading`). An entity link is `N` lines
//! (normalizations): `N1<TAB>Reference T1 spantag:sergei-lavrov<TAB>Sergei Lavrov` with
//! spantag's id, which the importer reads back, then one per external id
//! (`Wikidata:Q40398`, `GeoNames:361058`). brat splits these lines at white space, so
//! names, values and ids are written with `%`, white space, control characters and
//! `| , :` percent-encoded (`mostly true` → `mostly%20true`); the importer decodes them.
//! `annotation.conf` declares every attribute with the labels that carry it and its
//! values (a choice's options; for numbers and text, the values met in the export).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::{AttributeSeen, Ctx, ExportError, Output};
use crate::model::{AttrKind, Scheme};

/// A name, value or id as one brat token: percent-encodes `%`, white space, control
/// characters and the separators of brat's lines and `annotation.conf` (`| , :`).
pub(super) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '%' || c == '|' || c == ',' || c == ':' || c.is_whitespace() || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The inverse of [`encode`]; `None` when a `%` is not followed by two hex digits or the
/// bytes are not UTF-8.
pub(crate) fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The name brat shows for a knowledge base of `entities.ron` (`wikidata` → `Wikidata`).
fn database_name(base: &str) -> String {
    match base.to_ascii_lowercase().as_str() {
        "wikidata" => "Wikidata".into(),
        "geonames" => "GeoNames".into(),
        _ => encode(base),
    }
}

/// Text for the last field of a line: no line breaks or tabs.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The text with `\r\n` and lone `\r` turned into `\n`, and for each char of the original
/// its offset in the result (`len_chars + 1` entries).
pub(crate) fn normalize_newlines(text: &str) -> (String, Vec<usize>) {
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
    let mut attribute_id = 0;
    let mut normalization_id = 0;
    let mut no_values = Vec::new();
    for span in ctx.spans {
        for (name, value) in &span.attrs {
            let yes_no = ctx
                .scheme
                .attribute(&span.label, name)
                .is_some_and(|a| a.kind == AttrKind::YesNo);
            if yes_no && value == "no" {
                no_values.push((
                    span.id,
                    name,
                    "= no: brat's yes/no attributes hold only yes, so it reads back as unset",
                ));
                continue;
            }
            if value.is_empty() {
                no_values.push((span.id, name, "is empty: brat has no empty value"));
                continue;
            }
            attribute_id += 1;
            if yes_no && value == "yes" {
                let _ = writeln!(ann, "A{attribute_id}\t{} T{}", encode(name), span.id);
            } else {
                let _ = writeln!(
                    ann,
                    "A{attribute_id}\t{} T{} {}",
                    encode(name),
                    span.id,
                    encode(value)
                );
            }
        }
        let Some(entity) = &span.entity else { continue };
        let name = one_line(ctx.entity_name(entity));
        normalization_id += 1;
        let _ = writeln!(
            ann,
            "N{normalization_id}\tReference T{} spantag:{}\t{name}",
            span.id,
            encode(entity)
        );
        for (base, external) in ctx.entity_external(entity).into_iter().flatten() {
            normalization_id += 1;
            let _ = writeln!(
                ann,
                "N{normalization_id}\tReference T{} {}:{}\t{name}",
                span.id,
                database_name(base),
                encode(external)
            );
        }
    }
    for (span, name, why) in no_values {
        ctx.lose(Some(span), false, format!("attribute {name:?} {why}"));
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

/// `annotation.conf`: the scheme's labels, relations and attributes, plus any label or
/// attribute met in the articles.
pub(super) fn annotation_conf(
    scheme: &Scheme,
    labels_seen: &BTreeSet<String>,
    attributes_seen: &BTreeMap<String, AttributeSeen>,
) -> Output {
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
    let mut names: Vec<&str> = scheme.attribute_names();
    for name in attributes_seen.keys() {
        if !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    for name in names {
        let seen = attributes_seen.get(name);
        let mut labels: Vec<&str> = Vec::new();
        let mut values: Vec<String> = Vec::new();
        let mut binary = true;
        for label in &scheme.labels {
            let Some(attribute) = label.attributes.iter().find(|a| a.name == name) else {
                continue;
            };
            labels.push(&label.name);
            match &attribute.kind {
                AttrKind::YesNo => {}
                AttrKind::Choice(options) => {
                    binary = false;
                    values.extend(options.iter().cloned());
                }
                AttrKind::Number | AttrKind::Text => binary = false,
            }
        }
        if let Some(seen) = seen {
            for label in &seen.labels {
                if !labels.contains(&label.as_str()) {
                    labels.push(label);
                    binary = false;
                }
            }
            if !binary {
                for value in &seen.values {
                    if !values.contains(value) {
                        values.push(value.clone());
                    }
                }
            }
        }
        let labels = labels.join("|");
        if binary {
            let _ = writeln!(conf, "{}\tArg:{labels}", encode(name));
        } else if values.is_empty() {
            let _ = writeln!(
                conf,
                "# {}: no values in this export (free text or numbers are declared by the values met)",
                encode(name)
            );
        } else {
            let values: Vec<String> = values.iter().map(|v| encode(v)).collect();
            let _ = writeln!(
                conf,
                "{}\tArg:{labels}, Value:{}",
                encode(name),
                values.join("|")
            );
        }
    }
    Output::File {
        path: "annotation.conf".into(),
        bytes: conf.into_bytes(),
    }
}
