//! `labelstudio`: a task list, one task per article, with the spans as one annotation's
//! `labels` results and relations as `relation` results. Char offsets. Notes are not held.
//!
//! Attributes and the entity link are per-region results sharing the region's `id` (and
//! its `start`, `end`, `text`), as Label Studio writes a `perRegion` control: a choice or
//! yes/no attribute is a `choices` result whose `from_name` is the attribute's name
//! (`"choices": ["misleading"]`); a number or text attribute, which must keep its text as
//! typed, is a `textarea` result (`"text": ["0.25"]`); the entity is a `textarea` result
//! named `entity` holding the entity id.

use serde::{Deserialize, Serialize};

use super::{push_array_item, Ctx, ExportError, Output};
use crate::model::{AttrKind, Span};

/// The `from_name` of the per-region result that holds a span's entity id.
pub(super) const ENTITY_FROM_NAME: &str = "entity";

#[derive(Serialize, Deserialize)]
pub(super) struct Task {
    pub data: TaskData,
    #[serde(default)]
    pub annotations: Vec<TaskAnnotation>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct TaskData {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct TaskAnnotation {
    #[serde(default)]
    pub result: Vec<serde_json::Value>,
}

/// A `labels` result.
#[derive(Serialize, Deserialize)]
pub(super) struct LabelResult {
    pub value: LabelValue,
    pub id: String,
    pub from_name: String,
    pub to_name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Serialize, Deserialize)]
pub(super) struct LabelValue {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub labels: Vec<String>,
}

/// A `relation` result.
#[derive(Serialize, Deserialize)]
pub(super) struct RelationResult {
    pub from_id: String,
    pub to_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub direction: String,
    #[serde(default)]
    pub labels: Vec<String>,
}

/// A per-region `choices` or `textarea` result (an attribute or the entity).
#[derive(Serialize, Deserialize)]
pub(super) struct RegionResult {
    pub value: RegionValue,
    pub id: String,
    pub from_name: String,
    pub to_name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Serialize, Deserialize)]
pub(super) struct RegionValue {
    #[serde(default)]
    pub start: usize,
    #[serde(default)]
    pub end: usize,
    #[serde(default)]
    pub text: RegionText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<String>>,
}

/// `value.text`: the region's text for `choices`, the typed text list for `textarea`.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
pub(super) enum RegionText {
    Region(String),
    Typed(Vec<String>),
}

impl Default for RegionText {
    fn default() -> Self {
        RegionText::Region(String::new())
    }
}

fn region_result(span: &Span, from_name: &str, choice: bool, value: &str) -> RegionResult {
    RegionResult {
        value: RegionValue {
            start: span.start,
            end: span.end,
            text: if choice {
                RegionText::Region(span.text.clone())
            } else {
                RegionText::Typed(vec![value.to_string()])
            },
            choices: choice.then(|| vec![value.to_string()]),
        },
        id: result_id(span.id),
        from_name: from_name.to_string(),
        to_name: "text".into(),
        kind: if choice { "choices" } else { "textarea" }.into(),
    }
}

pub(super) fn result_id(span: u64) -> String {
    format!("s{span}")
}

pub(super) fn article(
    ctx: &mut Ctx<'_, '_>,
    array_started: &mut bool,
) -> Result<Vec<Output>, ExportError> {
    let mut result = Vec::new();
    for span in ctx.spans {
        ctx.check_chars(span)?;
        let item = LabelResult {
            value: LabelValue {
                start: span.start,
                end: span.end,
                text: span.text.clone(),
                labels: vec![span.label.clone()],
            },
            id: result_id(span.id),
            from_name: "label".into(),
            to_name: "text".into(),
            kind: "labels".into(),
        };
        result.push(serde_json::to_value(item).unwrap_or_default());
        if span.attrs.contains_key(ENTITY_FROM_NAME) {
            ctx.lose(
                Some(span.id),
                false,
                format!("its attribute {ENTITY_FROM_NAME:?} has the name of the entity result, so it reads back as the entity link"),
            );
        }
        for (name, value) in &span.attrs {
            let choice = ctx
                .scheme
                .attribute(&span.label, name)
                .is_some_and(|a| matches!(a.kind, AttrKind::Choice(_) | AttrKind::YesNo));
            let item = region_result(span, name, choice, value);
            result.push(serde_json::to_value(item).unwrap_or_default());
        }
        if let Some(entity) = &span.entity {
            let item = region_result(span, ENTITY_FROM_NAME, false, entity);
            result.push(serde_json::to_value(item).unwrap_or_default());
        }
        if !span.note.is_empty() {
            ctx.lose(
                Some(span.id),
                false,
                "its note (this export has no place for notes)",
            );
        }
    }
    for r in ctx.relations() {
        let item = RelationResult {
            from_id: result_id(r.from),
            to_id: result_id(r.to),
            kind: "relation".into(),
            direction: "right".into(),
            labels: vec![r.kind.clone()],
        };
        result.push(serde_json::to_value(item).unwrap_or_default());
    }
    let task = Task {
        data: TaskData {
            text: ctx.text().as_str().to_string(),
            id: Some(ctx.article.id.to_string()),
        },
        annotations: vec![TaskAnnotation { result }],
    };
    let mut bytes = Vec::new();
    push_array_item(&mut bytes, &task, array_started);
    Ok(vec![Output::Append(bytes)])
}
