//! Label Studio tasks read back (docs/FORMATS.md section 5): code-point offsets.

use std::collections::HashMap;

use super::{article_name, set_attr, set_entity, Builder, ImportedArticle, Options, Parsed};
use crate::export::labelstudio::{
    LabelResult, RegionResult, RegionText, RelationResult, Task, ENTITY_FROM_NAME,
};
use crate::model::Relation;
use crate::problem::Problem;

pub fn parse(file: &str, input: &str, _options: &Options) -> Parsed {
    let mut parsed = Parsed::default();
    let tasks: Vec<Task> = match serde_json::from_str(input) {
        Ok(tasks) => tasks,
        Err(e) => {
            parsed
                .report
                .errors
                .push(Problem::at(file, e.line(), e.column(), e.to_string()));
            return parsed;
        }
    };
    for (index, task) in tasks.into_iter().enumerate() {
        match one_task(index, task) {
            Ok(article) => {
                parsed.report.count("articles", 1);
                parsed.report.count("spans", article.spans.len());
                parsed.report.count("relations", article.relations.len());
                parsed.articles.push(ImportedArticle {
                    from: format!("{file}: task {}", index + 1),
                    ..article
                });
            }
            Err(message) => parsed.report.errors.push(Problem::file(
                file,
                format!("task {}: {message}", index + 1),
            )),
        }
    }
    parsed
}

fn one_task(index: usize, task: Task) -> Result<ImportedArticle, String> {
    let b = Builder::new("labelstudio", &task.data.text);
    let mut spans = Vec::new();
    let mut relations = Vec::new();
    let mut ids: HashMap<String, u64> = HashMap::new();
    let results = task
        .annotations
        .into_iter()
        .next()
        .map(|a| a.result)
        .unwrap_or_default();
    for item in &results {
        if item.get("type").and_then(|t| t.as_str()) != Some("labels") {
            continue;
        }
        let result: LabelResult =
            serde_json::from_value(item.clone()).map_err(|e| e.to_string())?;
        let id = result
            .id
            .strip_prefix('s')
            .and_then(|n| n.parse().ok())
            .filter(|n| !ids.values().any(|v| v == n))
            .unwrap_or(1_000_000 + ids.len() as u64);
        ids.insert(result.id.clone(), id);
        let label = result
            .value
            .labels
            .first()
            .ok_or_else(|| format!("result {} has no label", result.id))?;
        spans.push(b.span(
            id,
            label,
            result.value.start,
            result.value.end,
            Some(&result.value.text),
        )?);
    }
    for item in &results {
        if item.get("type").and_then(|t| t.as_str()) != Some("relation") {
            continue;
        }
        let result: RelationResult =
            serde_json::from_value(item.clone()).map_err(|e| e.to_string())?;
        let end = |id: &str| {
            ids.get(id)
                .copied()
                .ok_or_else(|| format!("relation names unknown result {id}"))
        };
        relations.push(Relation {
            id: relations.len() as u64 + 1,
            kind: result
                .labels
                .first()
                .cloned()
                .unwrap_or_else(|| "related".into()),
            from: end(&result.from_id)?,
            to: end(&result.to_id)?,
        });
    }
    for item in &results {
        let kind = item.get("type").and_then(|t| t.as_str());
        if kind != Some("choices") && kind != Some("textarea") {
            continue;
        }
        let result: RegionResult =
            serde_json::from_value(item.clone()).map_err(|e| e.to_string())?;
        let Some(&span_id) = ids.get(&result.id) else {
            continue;
        };
        let values = match (result.value.choices, result.value.text) {
            (Some(choices), _) => choices,
            (None, RegionText::Typed(texts)) => texts,
            (None, RegionText::Region(_)) => Vec::new(),
        };
        let [value] = <[String; 1]>::try_from(values).map_err(|values| {
            format!(
                "result {} ({}) has {} values; a spantag attribute or entity holds one",
                result.id,
                result.from_name,
                values.len()
            )
        })?;
        let Some(span) = spans.iter_mut().find(|s| s.id == span_id) else {
            continue;
        };
        if kind == Some("textarea") && result.from_name == ENTITY_FROM_NAME {
            set_entity(span, value)?
        } else {
            set_attr(span, &result.from_name, value)?
        }
    }
    Ok(ImportedArticle {
        name: article_name(task.data.id.as_deref(), index),
        status: super::status_for(&spans),
        text: task.data.text,
        spans,
        relations,
        ..ImportedArticle::default()
    })
}
