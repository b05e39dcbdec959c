//! `labelstudio`: a task list, one task per article, with the spans as one annotation's
//! `labels` results and relations as `relation` results. Char offsets. Notes are not held.
//!
//! Attributes and the entity link are per-region results sharing the region's `id` (and
//! its `start`, `end`, `text`), as Label Studio writes a `perRegion` control: a choice or
//! yes/no attribute is a `choices` result whose `from_name` is the attribute's name
//! (`"choices": ["misleading"]`); a number or text attribute, which must keep its text as
//! typed, is a `textarea` result (`"text": ["0.25"]`); the entity is a `textarea` result
//! named `entity` holding the entity id.
//!
//! Beside the task list goes a labeling config, `<output>.config.xml`, with the controls
//! these results name, so a new Label Studio project shows them as exported.

use serde::{Deserialize, Serialize};

use std::fmt::Write as _;

use super::{push_array_item, Ctx, ExportError, Output};
use crate::model::{AttrKind, Citation, Scheme, Span};

/// The `from_name` of the per-region result that holds a span's entity id.
pub(crate) const ENTITY_FROM_NAME: &str = "entity";

#[derive(Serialize, Deserialize)]
pub(crate) struct Task {
    pub data: TaskData,
    #[serde(default)]
    pub annotations: Vec<TaskAnnotation>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct TaskData {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The article's source, as task data fields (`$title`, `$url` in a labeling
    /// config): Label Studio keeps every key of `data` and writes it back on export.
    #[serde(flatten)]
    pub citation: Citation,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct TaskAnnotation {
    #[serde(default)]
    pub result: Vec<serde_json::Value>,
}

/// A `labels` result.
#[derive(Serialize, Deserialize)]
pub(crate) struct LabelResult {
    pub value: LabelValue,
    pub id: String,
    pub from_name: String,
    pub to_name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct LabelValue {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub labels: Vec<String>,
}

/// A `relation` result.
#[derive(Serialize, Deserialize)]
pub(crate) struct RelationResult {
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
pub(crate) struct RegionResult {
    pub value: RegionValue,
    pub id: String,
    pub from_name: String,
    pub to_name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct RegionValue {
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
pub(crate) enum RegionText {
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

/// Whether attribute `name` is exported as `choices` (every label that declares it makes it
/// a choice or yes/no) rather than `textarea` (a number, text, or an attribute the scheme
/// does not declare). Decided per name, as the config has one control per name.
fn is_choice(scheme: &Scheme, name: &str) -> bool {
    let mut kinds = scheme
        .labels
        .iter()
        .flat_map(|l| &l.attributes)
        .filter(|a| a.name == name)
        .map(|a| &a.kind)
        .peekable();
    kinds.peek().is_some() && kinds.all(|k| matches!(k, AttrKind::Choice(_) | AttrKind::YesNo))
}

/// Text for an XML attribute value.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot hold most control characters, even as references.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The labeling config for the scheme: the labels, the relations, a per-region `Choices`
/// for each choice or yes/no attribute (its options), a per-region `TextArea` for each
/// number or text attribute, and the `entity` text area when the scheme has entity labels.
pub(super) fn config_file(scheme: &Scheme) -> Output {
    let mut x = String::from("<View>\n  <Labels name=\"label\" toName=\"text\">\n");
    for label in &scheme.labels {
        let _ = writeln!(
            x,
            "    <Label value=\"{}\" background=\"{}\"/>",
            xml(&label.name),
            xml(&label.color)
        );
    }
    x.push_str("  </Labels>\n  <Text name=\"text\" value=\"$text\"/>\n");
    if !scheme.relations.is_empty() {
        x.push_str("  <Relations>\n");
        for relation in &scheme.relations {
            let _ = writeln!(x, "    <Relation value=\"{}\"/>", xml(&relation.name));
        }
        x.push_str("  </Relations>\n");
    }
    for name in scheme.attribute_names() {
        if !is_choice(scheme, name) {
            let _ = writeln!(
                x,
                "  <TextArea name=\"{}\" toName=\"text\" perRegion=\"true\" maxSubmissions=\"1\"/>",
                xml(name)
            );
            continue;
        }
        let _ = writeln!(
            x,
            "  <Choices name=\"{}\" toName=\"text\" perRegion=\"true\">",
            xml(name)
        );
        let options = scheme
            .labels
            .iter()
            .flat_map(|l| &l.attributes)
            .filter(|a| a.name == name)
            .flat_map(|a| match &a.kind {
                AttrKind::Choice(choices) => choices.iter().map(String::as_str).collect(),
                _ => vec!["yes", "no"],
            });
        let mut written: Vec<&str> = Vec::new();
        for option in options {
            if !written.contains(&option) {
                written.push(option);
                let _ = writeln!(x, "    <Choice value=\"{}\"/>", xml(option));
            }
        }
        x.push_str("  </Choices>\n");
    }
    if scheme.labels.iter().any(|l| l.entity) {
        let _ = writeln!(
            x,
            "  <TextArea name=\"{ENTITY_FROM_NAME}\" toName=\"text\" perRegion=\"true\" maxSubmissions=\"1\"/>"
        );
    }
    x.push_str("</View>\n");
    Output::Companion {
        suffix: ".config.xml".into(),
        bytes: x.into_bytes(),
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
            let choice = is_choice(ctx.scheme, name);
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
    ctx.relations_written = ctx.relations().count();
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
            citation: ctx.article.document.citation.clone(),
        },
        annotations: vec![TaskAnnotation { result }],
    };
    let mut bytes = Vec::new();
    push_array_item(&mut bytes, &task, array_started);
    Ok(vec![Output::Append(bytes)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Attribute;

    fn attribute(name: &str, kind: AttrKind) -> Attribute {
        Attribute {
            name: name.into(),
            kind,
            key: None,
            default: None,
        }
    }

    #[test]
    fn the_config_escapes_names_and_one_name_gets_one_control_kind() {
        let mut scheme = Scheme::default();
        scheme.labels[0]
            .attributes
            .push(attribute("say \"<x>\" & 'y'\u{1}", AttrKind::YesNo));
        // `kind` is a choice on quotes; a number on claims makes it typed everywhere.
        scheme.labels[0]
            .attributes
            .push(attribute("kind", AttrKind::Number));
        let Output::Companion { suffix, bytes } = config_file(&scheme) else {
            panic!("a companion file");
        };
        assert_eq!(suffix, ".config.xml");
        let config = String::from_utf8(bytes).unwrap();
        assert!(
            config.contains(
                "<Choices name=\"say &quot;&lt;x&gt;&quot; &amp; &apos;y&apos; \" toName=\"text\" perRegion=\"true\">\n    <Choice value=\"yes\"/>\n    <Choice value=\"no\"/>\n"
            ),
            "{config}"
        );
        assert!(config.contains("<TextArea name=\"kind\""), "{config}");
        assert!(!config.contains("<Choices name=\"kind\""), "{config}");
        assert!(!is_choice(&scheme, "kind"));
        assert!(is_choice(&scheme, "verdict"));
        assert!(!is_choice(&scheme, "undeclared"));
    }
}
