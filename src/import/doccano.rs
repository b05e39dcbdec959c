//! doccano JSONL read back (docs/FORMATS.md section 5): UTF-16 code-unit offsets.

use super::{article_name, lines, Builder, ImportedArticle, Options, Parsed};
use crate::export::doccano::DoccanoLine;
use crate::export::utf16_offsets;
use crate::model::Relation;
use crate::problem::Problem;

pub fn parse(file: &str, input: &str, _options: &Options) -> Parsed {
    let mut parsed = Parsed::default();
    for (index, (line, json)) in lines(input).enumerate() {
        match record(index, json) {
            Ok(article) => {
                parsed.report.count("articles", 1);
                parsed.report.count("spans", article.spans.len());
                parsed.report.count("relations", article.relations.len());
                parsed.articles.push(ImportedArticle {
                    from: format!("{file}:{line}"),
                    ..article
                });
            }
            Err(message) => parsed
                .report
                .errors
                .push(Problem::at_line(file, line, message)),
        }
    }
    parsed
}

fn record(index: usize, json: &str) -> Result<ImportedArticle, String> {
    let record: DoccanoLine = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let offsets = utf16_offsets(&record.text);
    let b = Builder::new("doccano", &record.text);
    let to_char = |unit: usize| {
        offsets.binary_search(&unit).map_err(|_| {
            format!("UTF-16 offset {unit} falls inside a character or past the end of the text")
        })
    };
    let mut spans = Vec::new();
    let mut relations = Vec::new();
    if let Some(entities) = &record.entities {
        for e in entities {
            let (start, end) = (to_char(e.start_offset)?, to_char(e.end_offset)?);
            spans.push(b.span(e.id, &e.label, start, end, None)?);
        }
        for r in record.relations.iter().flatten() {
            relations.push(Relation {
                id: r.id,
                kind: r.kind.clone(),
                from: r.from_id,
                to: r.to_id,
            });
        }
    }
    for (i, (s, e, label)) in record.label.iter().flatten().enumerate() {
        let (start, end) = (to_char(*s)?, to_char(*e)?);
        spans.push(b.span(i as u64 + 1, label, start, end, None)?);
    }
    Ok(ImportedArticle {
        name: article_name(record.id.as_deref(), index),
        status: super::status_for(&spans),
        text: record.text,
        spans,
        relations,
        ..ImportedArticle::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_inside_a_surrogate_pair_are_refused() {
        let line = r#"{"text":"😀 x","label":[[1,3,"actor"]]}"#;
        let parsed = parse("in.jsonl", line, &Options::default());
        assert!(parsed.articles.is_empty());
        let error = &parsed.report.errors[0];
        assert_eq!(error.line, Some(1));
        assert!(error.message.contains("inside a character"), "{error}");
    }
}
