//! `brat` standoff: per article a `.txt` with LF newlines and an `.ann` beside it, and one
//! `annotation.conf` for the export. Offsets are chars of the LF-normalized text.
//!
//! A `T` line may hold several fragments, `START END;START END`, its text the fragment
//! texts joined by one space. They come from two places: a span that crosses a line break
//! (brat's text field cannot hold one) is split at its line breaks, and the spans of a
//! discontinuous annotation (a group of [`Fragments`](crate::model::Fragments) among the
//! exported spans, as the importer reads brat's own) are one `T` line again, under the
//! first fragment's id with its label, attributes, note and entity; their fragment
//! relations are not written (nor counted as relations), and a relation to a later
//! fragment is written to the first. When the first fragment is an orphan, left out, the
//! next one is the first (reported). Fragments that overlap cannot be one brat
//! annotation: they stay separate `T` lines and their fragment relations are written as
//! `R` lines (reported). Each span is re-sliced and checked.
//!
//! Attributes are `A` lines: a yes/no attribute set to `yes` is a binary attribute
//! (`A1<TAB>checkworthy T3`; `no` has no brat form and is reported), every other value a
//! multi-valued one (`A2<TAB>verdict T3 misleading`). An entity link is `N` lines
//! (normalizations): `N1<TAB>Reference T1 spantag:sergei-lavrov<TAB>Sergei Lavrov` with
//! spantag's id, which the importer reads back, then one per external id
//! (`Wikidata:Q40398`, `GeoNames:361058`); an entity an import named after its first
//! external id (`wikidata:Q40398`) needs no `spantag:` line. A note is one `#` line per
//! line of it (`AnnotatorNotes`), which the importer joins with line breaks. brat splits
//! these lines at white space, so names, values and ids are written with `%`, white space,
//! control characters and `| , :` percent-encoded (`mostly true` → `mostly%20true`); the
//! importer decodes them. `annotation.conf` declares every attribute with the labels that
//! carry it and its values (a choice's options; for numbers and text, the values met in the
//! export).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use super::{AttributeSeen, Ctx, ExportError, Output};
use crate::model::{AttrKind, Scheme, Span, SpanId};

/// The database of spantag's own entity ids in `N` lines (`spantag:sergei-lavrov`).
pub(crate) const SPANTAG_DB: &str = "spantag";

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

/// The base name in `entities.ron` of a brat database (the inverse of [`database_name`]):
/// the two spantag knows in lower case (`Wikidata` → `wikidata`), any other as written.
pub(crate) fn external_base(database: &str) -> String {
    match database.to_ascii_lowercase().as_str() {
        known @ ("wikidata" | "geonames") => known.to_string(),
        _ => database.to_string(),
    }
}

/// The id an import gives the entity of a normalization to an outside database
/// (`wikidata:Q40398`): deterministic, so every mention of it in a corpus meets in one
/// entity. An entity whose id is this for its first external id is exported without its
/// `spantag:` line: brat gets back what it wrote.
pub(crate) fn external_entity_id(base: &str, id: &str) -> String {
    format!("{base}:{id}")
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
    ctx.lose_citation("brat");
    let (normalized, map) = normalize_newlines(ctx.text().as_str());
    let chars: Vec<char> = normalized.chars().collect();
    let mut groups = ctx.fragments();
    // Each span's runs between line breaks in the LF text, once its text is checked.
    let mut pieces_of: HashMap<SpanId, Vec<(usize, usize)>> = HashMap::new();
    for span in ctx.spans {
        let (Some(&start), Some(&end)) = (map.get(span.start), map.get(span.end)) else {
            ctx.check(span, &span.text, "")?;
            continue;
        };
        // Re-slice the normalized text, as brat will, and compare fragment by fragment
        // with the span's own text, normalized the same way.
        let (expected, _) = normalize_newlines(&span.text);
        let found: String = chars.get(start..end).unwrap_or(&[]).iter().collect();
        ctx.check(span, &expected, &found)?;
        pieces_of.insert(span.id, fragments(&chars, start, end));
    }
    let pieces = |id: SpanId| pieces_of.get(&id).map_or(&[][..], Vec::as_slice);
    // A group whose fragments overlap is no brat annotation: its spans stay separate,
    // joined by fragment relations written as R lines.
    let firsts: Vec<SpanId> = groups.groups().map(|group| group[0]).collect();
    for first in firsts {
        let mut all: Vec<(usize, usize)> = pieces(first).to_vec();
        for &id in groups.later(first) {
            all.extend_from_slice(pieces(id));
        }
        all.sort_unstable();
        if all.windows(2).any(|w| w[0].1 > w[1].0) {
            groups.ungroup(first);
            ctx.lose(
                Some(first),
                false,
                "its fragments overlap, which brat cannot hold in one annotation: written as \
                 separate annotations joined by fragment relations",
            );
        }
    }
    let spans_by_id: HashMap<SpanId, &Span> = ctx.spans.iter().map(|&s| (s.id, s)).collect();
    let mut ann = String::new();
    // The spans written as T lines: each on its own, or the first of a group.
    let mut written: Vec<&Span> = Vec::new();
    for &span in ctx.spans {
        if groups.is_later(span.id) {
            continue;
        }
        let later = groups.later(span.id);
        let mut all: Vec<(usize, usize)> = pieces(span.id).to_vec();
        for &id in later {
            if pieces(id).is_empty() {
                ctx.lose(Some(id), true, "only line breaks: brat cannot hold it");
            }
            all.extend_from_slice(pieces(id));
        }
        if all.is_empty() {
            ctx.lose(Some(span.id), true, "only line breaks: brat cannot hold it");
            continue;
        }
        all.sort_unstable();
        let offsets: Vec<String> = all.iter().map(|(a, b)| format!("{a} {b}")).collect();
        let texts: Vec<String> = all
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
        written.push(span);
        for &id in std::iter::once(&span.id).chain(later) {
            let own = pieces(id).len();
            if own > 1 {
                ctx.lose(
                    Some(id),
                    false,
                    format!("crosses a line break: written as {own} fragments"),
                );
            }
        }
        for &id in later {
            let Some(fragment) = spans_by_id.get(&id) else {
                continue;
            };
            let mut unwritten = Vec::new();
            if fragment.label != span.label {
                unwritten.push(format!("its label {:?}", fragment.label));
            }
            if !fragment.attrs.is_empty() {
                unwritten.push("its attributes".to_string());
            }
            if !fragment.note.is_empty() {
                unwritten.push("its note".to_string());
            }
            if fragment.entity.is_some() {
                unwritten.push("its entity".to_string());
            }
            if !unwritten.is_empty() {
                ctx.lose(
                    Some(id),
                    false,
                    format!(
                        "a later fragment of T{}: {} not written (brat keeps one per \
                         annotation, the first fragment's)",
                        span.id,
                        unwritten.join(", ")
                    ),
                );
            }
        }
    }
    let mut moved = Vec::new();
    let mut written_relations = 0;
    for r in ctx.relations() {
        if groups.joins(r) {
            continue;
        }
        let from = groups.first_of(r.from).unwrap_or(r.from);
        let to = groups.first_of(r.to).unwrap_or(r.to);
        if (from, to) != (r.from, r.to) {
            moved.push(format!(
                "relation {} ({}) from span {} to span {} is written between the annotations \
                 of their fragments, T{from} and T{to}",
                r.id, r.kind, r.from, r.to
            ));
        }
        let _ = writeln!(ann, "R{}\t{} Arg1:T{from} Arg2:T{to}", r.id, r.kind);
        written_relations += 1;
    }
    ctx.relations_written = written_relations;
    for why in moved {
        ctx.lose(None, false, why);
    }
    let mut attribute_id = 0;
    let mut normalization_id = 0;
    let mut no_values = Vec::new();
    for &span in &written {
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
        let external = ctx.entity_external(entity);
        // An entity an import made from an outside id is named by it: brat gets back only
        // the line it wrote, and the import finds the same entity again.
        let named_by_external = external
            .and_then(|e| e.iter().next())
            .is_some_and(|(base, id)| {
                external_base(base) == *base && *entity == external_entity_id(base, id)
            });
        if !named_by_external {
            normalization_id += 1;
            let _ = writeln!(
                ann,
                "N{normalization_id}\tReference T{} {SPANTAG_DB}:{}\t{name}",
                span.id,
                encode(entity)
            );
        }
        for (base, external) in external.into_iter().flatten() {
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
    // A note is one `#` line per line of it; the importer joins them with line breaks.
    let mut note_id = 0;
    for span in written.iter().filter(|s| !s.note.is_empty()) {
        for line in normalize_newlines(&span.note).0.split('\n') {
            note_id += 1;
            let _ = writeln!(ann, "#{note_id}\tAnnotatorNotes T{}\t{line}", span.id);
        }
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
