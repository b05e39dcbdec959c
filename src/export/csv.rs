//! `csv`: one row per span for spreadsheets and pandas, RFC 4180 quoting, char offsets.
//! `speaker` is the text of the actor the span is linked to by `said_by`, if any; `source`
//! is `manual`, `rule:NAME` (an accepted suggestion) or `imported:FORMAT`. After these
//! come one column per attribute of the scheme (every attribute name once, in scheme
//! order, empty when the span has no value), then `entity_id` and `entity_name` (the id
//! itself when the corpus's `entities.ron` does not know it), and last the article's
//! citation, the same on each of its rows: `title`, `byline`, `outlet`, `published`, `url`
//! (empty when unknown). An attribute the scheme does
//! not declare has no column: the report names it. No relation is written as one (the
//! report's relation count is 0); the report counts per article those the `speaker` column
//! does not show either.

use super::{Ctx, ExportError, Output};
use crate::model::{CitationField, Scheme};

const COLUMNS: [&str; 10] = [
    "article", "span_id", "label", "start", "end", "text", "speaker", "note", "status", "source",
];

pub(super) fn header(scheme: &Scheme) -> Vec<u8> {
    row(COLUMNS
        .iter()
        .copied()
        .chain(scheme.attribute_names())
        .chain(["entity_id", "entity_name"])
        .chain(CitationField::ALL.map(CitationField::key))
        .map(str::to_string))
}

fn row(fields: impl IntoIterator<Item = String>) -> Vec<u8> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(fields.into_iter().collect::<Vec<_>>());
    writer.into_inner().unwrap_or_default()
}

pub(super) fn article(ctx: &mut Ctx<'_, '_>) -> Result<Vec<Output>, ExportError> {
    let mut bytes = Vec::new();
    let status = format!("{:?}", ctx.article.document.status);
    let attribute_names = ctx.scheme.attribute_names();
    let mut unknown = Vec::new();
    // A span's first said_by is its speaker column; every other relation has no place.
    let annotations = ctx.article.document.annotations();
    let speakers = ctx.speaker_links();
    ctx.lose_relations(
        |r| speakers.get(&r.from).is_some_and(|s| s.id == r.id),
        "csv has one row per span, and a column only for its first said_by's speaker",
    );
    for span in ctx.spans {
        ctx.check_chars(span)?;
        let mut fields = vec![
            ctx.article.id.to_string(),
            span.id.to_string(),
            span.label.clone(),
            span.start.to_string(),
            span.end.to_string(),
            span.text.clone(),
            speakers
                .get(&span.id)
                .and_then(|r| annotations.get(r.to))
                .map_or("", |s| s.text.as_str())
                .to_string(),
            span.note.clone(),
            status.clone(),
            span.source.tag(),
        ];
        fields.extend(
            attribute_names
                .iter()
                .map(|name| span.attrs.get(*name).cloned().unwrap_or_default()),
        );
        let entity = span.entity.as_deref();
        fields.push(entity.unwrap_or("").to_string());
        fields.push(entity.map_or("", |id| ctx.entity_name(id)).to_string());
        let citation = &ctx.article.document.citation;
        fields.extend(CitationField::ALL.map(|f| citation.get(f).to_string()));
        bytes.extend(row(fields));
        for name in span.attrs.keys() {
            if !attribute_names.contains(&name.as_str()) {
                unknown.push((span.id, name.clone()));
            }
        }
    }
    for (span, name) in unknown {
        ctx.lose(
            Some(span),
            false,
            format!("attribute {name:?} is not in the scheme, so it has no column"),
        );
    }
    Ok(vec![Output::Append(bytes)])
}
