//! `csv`: one row per span for spreadsheets and pandas, RFC 4180 quoting, char offsets.
//! `speaker` is the text of the actor the span is linked to by `said_by`, if any; `source`
//! is `manual`, `rule:NAME` (an accepted suggestion) or `imported:FORMAT`.

use super::{Ctx, ExportError, Output};

const COLUMNS: [&str; 10] = [
    "article", "span_id", "label", "start", "end", "text", "speaker", "note", "status", "source",
];

pub(super) fn header() -> Vec<u8> {
    row(COLUMNS.iter().map(|c| c.to_string()))
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
    for span in ctx.spans {
        ctx.check_chars(span)?;
        bytes.extend(row([
            ctx.article.id.to_string(),
            span.id.to_string(),
            span.label.clone(),
            span.start.to_string(),
            span.end.to_string(),
            span.text.clone(),
            ctx.speaker_of(span.id).unwrap_or("").to_string(),
            span.note.clone(),
            status.clone(),
            span.source.tag(),
        ]));
    }
    Ok(vec![Output::Append(bytes)])
}
