//! `labelstudio`: a task list, one task per article, with the spans as one annotation's
//! `labels` results and relations as `relation` results. Char offsets. Notes are not held.

use serde::{Deserialize, Serialize};

use super::{push_array_item, Ctx, ExportError, Output};

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
