//! `jsonl`, spantag's own: one article per line, char offsets, every field.

use serde::{Deserialize, Serialize};

use super::{json_line, Ctx, ExportError, Output};
use crate::model::{Anchor, Relation, Source, Span, Status};

/// The jsonl record as read back by the importer.
#[derive(Deserialize)]
pub(super) struct JsonlArticle {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub spans: Vec<JsonlSpan>,
    #[serde(default)]
    pub relations: Vec<Relation>,
}

#[derive(Deserialize)]
pub(super) struct JsonlSpan {
    pub id: u64,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub text: String,
    #[serde(default)]
    pub note: String,
}

/// The same record as written: borrowed from the document, so nothing is copied.
#[derive(Serialize)]
struct ArticleOut<'a> {
    id: &'a str,
    text: &'a str,
    sha256: &'a str,
    status: Status,
    spans: Vec<SpanOut<'a>>,
    relations: Vec<&'a Relation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    orphans: Vec<SpanOut<'a>>,
}

#[derive(Serialize)]
struct SpanOut<'a> {
    id: u64,
    start: usize,
    end: usize,
    label: &'a str,
    text: &'a str,
    note: &'a str,
    source: &'a Source,
    anchor: Anchor,
}

impl<'a> From<&'a Span> for SpanOut<'a> {
    fn from(s: &'a Span) -> Self {
        SpanOut {
            id: s.id,
            start: s.start,
            end: s.end,
            label: &s.label,
            text: &s.text,
            note: &s.note,
            source: &s.source,
            anchor: s.anchor,
        }
    }
}

pub(super) fn article(ctx: &mut Ctx<'_, '_>) -> Result<Vec<Output>, ExportError> {
    let mut spans = Vec::new();
    let mut orphans = Vec::new();
    for &span in ctx.spans {
        if span.is_orphaned() {
            orphans.push(SpanOut::from(span));
        } else {
            ctx.check_chars(span)?;
            spans.push(SpanOut::from(span));
        }
    }
    let doc = ctx.article.document;
    let record = ArticleOut {
        id: ctx.article.id,
        text: ctx.text().as_str(),
        sha256: &doc.meta.sha256,
        status: doc.status,
        spans,
        relations: ctx.relations().collect(),
        orphans,
    };
    Ok(vec![Output::Append(json_line(&record))])
}
