//! `jsonl`, spantag's own: one article per line, char offsets, every field.

use serde::{Deserialize, Serialize};

use super::{json_line, Ctx, ExportError, Output};
use crate::model::{Anchor, Relation, Source, Span, Status};

#[derive(Serialize, Deserialize)]
pub(super) struct JsonlArticle {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub sha256: String,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub spans: Vec<JsonlSpan>,
    #[serde(default)]
    pub relations: Vec<Relation>,
    /// Spans whose text is not in the article (only with `--include-orphans`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orphans: Vec<JsonlSpan>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct JsonlSpan {
    pub id: u64,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub text: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub source: Source,
    #[serde(default)]
    pub anchor: Anchor,
}

impl From<&Span> for JsonlSpan {
    fn from(s: &Span) -> Self {
        JsonlSpan {
            id: s.id,
            start: s.start,
            end: s.end,
            label: s.label.clone(),
            text: s.text.clone(),
            note: s.note.clone(),
            source: s.source.clone(),
            anchor: s.anchor,
        }
    }
}

pub(super) fn article(ctx: &mut Ctx<'_, '_>) -> Result<Vec<Output>, ExportError> {
    let mut spans = Vec::new();
    let mut orphans = Vec::new();
    for span in ctx.spans {
        if span.is_orphaned() {
            orphans.push(JsonlSpan::from(*span));
        } else {
            ctx.check_chars(span)?;
            spans.push(JsonlSpan::from(*span));
        }
    }
    let doc = ctx.article.document;
    let record = JsonlArticle {
        id: ctx.article.id.to_string(),
        text: ctx.text().as_str().to_string(),
        sha256: doc.meta.sha256.clone(),
        status: doc.status,
        spans,
        relations: ctx.relations().cloned().collect(),
        orphans,
    };
    Ok(vec![Output::Append(json_line(&record))])
}
