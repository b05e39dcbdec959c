//! `jsonl`, spantag's own: one article per line, char offsets, every field. A span's
//! attributes are an `attrs` object and its entity link an `entity` id with the entity's
//! `entity_name` (and `entity_external` ids when the corpus has any), each written only
//! when set, so a reader that knows none of them sees the span as before.
//!
//! A discontinuous annotation (brat's `S E;S E`) is one span per fragment joined by
//! `fragment` relations, which are written with the others; each later fragment also says
//! `fragment_of: FIRST_ID`, the span that carries the annotation (its group's first, see
//! [`Fragments`]), so a reader needs no graph walk to group them. When the first is an
//! orphan left out of the export, the next fragment is the first (reported): the relations
//! from the orphan are not written, `fragment_of` still groups the rest.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{json_line, Ctx, ExportError, Output};
use crate::model::{Anchor, Attrs, Citation, Fragments, Relation, Source, Span, Status};

/// The jsonl record as read back by the importer.
#[derive(Deserialize)]
pub(crate) struct JsonlArticle {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub status: Status,
    /// The article's source (absent in files other programs wrote).
    #[serde(default)]
    pub citation: Citation,
    #[serde(default)]
    pub spans: Vec<JsonlSpan>,
    #[serde(default)]
    pub relations: Vec<Relation>,
    /// Spans that needed review when exported (`--include-orphans`).
    #[serde(default)]
    pub orphans: Vec<JsonlSpan>,
}

#[derive(Deserialize)]
pub(crate) struct JsonlSpan {
    pub id: u64,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub text: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub attrs: Attrs,
    #[serde(default)]
    pub entity: Option<String>,
    /// Where the span came from (absent in files other programs wrote).
    #[serde(default)]
    pub source: Option<Source>,
}

/// The same record as written: borrowed from the document, so nothing is copied.
#[derive(Serialize)]
struct ArticleOut<'a> {
    id: &'a str,
    text: &'a str,
    sha256: &'a str,
    status: Status,
    #[serde(skip_serializing_if = "Citation::is_empty")]
    citation: &'a Citation,
    #[serde(skip_serializing_if = "Option::is_none")]
    extraction: Option<ExtractionOut<'a>>,
    spans: Vec<SpanOut<'a>>,
    relations: Vec<&'a Relation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    orphans: Vec<SpanOut<'a>>,
}

/// How the text was extracted from a page, PDF, Word file, e-mail or Markdown: the text's
/// hash ties the offsets to one extraction.
#[derive(Serialize)]
struct ExtractionOut<'a> {
    kind: &'static str,
    extractor: &'a str,
    text_sha256: &'a str,
    #[serde(skip_serializing_if = "<[usize]>::is_empty")]
    page_starts: &'a [usize],
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
    #[serde(skip_serializing_if = "Attrs::is_empty")]
    attrs: &'a Attrs,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity_external: Option<&'a BTreeMap<String, String>>,
    /// The first fragment of the discontinuous annotation this span is a later fragment of.
    #[serde(skip_serializing_if = "Option::is_none")]
    fragment_of: Option<u64>,
}

impl<'a> SpanOut<'a> {
    fn new(s: &'a Span, ctx: &'a Ctx<'_, '_>, fragments: &Fragments) -> Self {
        let entity = s.entity.as_deref();
        SpanOut {
            id: s.id,
            start: s.start,
            end: s.end,
            label: &s.label,
            text: &s.text,
            note: &s.note,
            source: &s.source,
            anchor: s.anchor,
            attrs: &s.attrs,
            entity,
            entity_name: entity.map(|id| ctx.entity_name(id)),
            entity_external: entity.and_then(|id| ctx.entity_external(id)),
            fragment_of: fragments.part_of(s.id),
        }
    }
}

pub(super) fn article(ctx: &mut Ctx<'_, '_>) -> Result<Vec<Output>, ExportError> {
    let mut spans = Vec::new();
    let mut orphans = Vec::new();
    let fragments = ctx.fragments();
    ctx.relations_written = ctx.relations().count();
    let ctx = &*ctx;
    for &span in ctx.spans {
        if span.is_orphaned() {
            orphans.push(SpanOut::new(span, ctx, &fragments));
        } else {
            ctx.check_chars(span)?;
            spans.push(SpanOut::new(span, ctx, &fragments));
        }
    }
    let doc = ctx.article.document;
    let record = ArticleOut {
        id: ctx.article.id,
        text: ctx.text().as_str(),
        sha256: &doc.meta.sha256,
        status: doc.status,
        citation: &doc.citation,
        extraction: doc.meta.extraction.as_ref().map(|e| ExtractionOut {
            kind: e.kind.key(),
            extractor: &e.extractor,
            text_sha256: &e.text_sha256,
            page_starts: &e.page_starts,
        }),
        spans,
        relations: ctx.relations().collect(),
        orphans,
    };
    Ok(vec![Output::Append(json_line(&record))])
}
