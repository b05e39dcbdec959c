//! `doccano`: JSONL with UTF-16 code-unit offsets, which is what doccano counts (it is a
//! JavaScript app). Sequence-labeling shape `label: [[start, end, label]]`, or, when the
//! export has relations, the `entities`/`relations` shape. Notes, status, attributes and
//! entity links are not held (the report counts them per article).

use serde::{Deserialize, Serialize};

use super::{json_line, utf16_offsets, Ctx, ExportError, Output};
use crate::model::Citation;

#[derive(Serialize, Deserialize)]
pub(crate) struct DoccanoLine {
    #[serde(default)]
    pub id: Option<String>,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Vec<(usize, usize, String)>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<Vec<DoccanoEntity>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relations: Option<Vec<DoccanoRelation>>,
    /// The article's source as doccano metadata: doccano keeps every other key of a line
    /// as the example's `meta`, shown beside the text and written back on export.
    #[serde(flatten)]
    pub citation: Citation,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct DoccanoEntity {
    pub id: u64,
    pub label: String,
    pub start_offset: usize,
    pub end_offset: usize,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct DoccanoRelation {
    pub id: u64,
    pub from_id: u64,
    pub to_id: u64,
    #[serde(rename = "type")]
    pub kind: String,
}

pub(super) fn article(ctx: &mut Ctx<'_, '_>) -> Result<Vec<Output>, ExportError> {
    ctx.lose_attributes_and_entities("doccano");
    let text = ctx.text().as_str();
    let utf16: Vec<u16> = text.encode_utf16().collect();
    let offsets = utf16_offsets(text);
    let mut entities = Vec::new();
    for span in ctx.spans {
        let (start, end) = (offsets[span.start], offsets[span.end]);
        // Re-slice the way doccano does: UTF-16 units.
        let found = String::from_utf16_lossy(&utf16[start..end]);
        ctx.check(span, &span.text, &found)?;
        entities.push(DoccanoEntity {
            id: span.id,
            label: span.label.clone(),
            start_offset: start,
            end_offset: end,
        });
        if !span.note.is_empty() {
            ctx.lose(
                Some(span.id),
                false,
                "its note (doccano has no place for notes)",
            );
        }
    }
    let line = if ctx.options.doccano_relations {
        ctx.relations_written = ctx.relations().count();
        DoccanoLine {
            id: Some(ctx.article.id.to_string()),
            text: text.to_string(),
            citation: ctx.article.document.citation.clone(),
            label: None,
            entities: Some(entities),
            relations: Some(
                ctx.relations()
                    .map(|r| DoccanoRelation {
                        id: r.id,
                        from_id: r.from,
                        to_id: r.to,
                        kind: r.kind.clone(),
                    })
                    .collect(),
            ),
        }
    } else {
        let relations = ctx.relations().count();
        if relations > 0 {
            ctx.lose(
                None,
                false,
                format!("{relations} relation(s): this export uses the shape without relations"),
            );
        }
        DoccanoLine {
            id: Some(ctx.article.id.to_string()),
            text: text.to_string(),
            citation: ctx.article.document.citation.clone(),
            label: Some(
                entities
                    .into_iter()
                    .map(|e| (e.start_offset, e.end_offset, e.label))
                    .collect(),
            ),
            entities: None,
            relations: None,
        }
    };
    Ok(vec![Output::Append(json_line(&line))])
}
