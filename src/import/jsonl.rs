//! `jsonl`, spantag's own export read back: one article per line, char offsets, every field
//! (docs/FORMATS.md section 7.1). A line that cannot be read is skipped and reported.
//!
//! A span keeps the `source` it was exported with (a rule, an accepted model suggestion);
//! one without comes in as `Imported("jsonl")`. The `orphans` an export holds with
//! `--include-orphans` were not found in their article when exported: their offsets name
//! no text, so each is reported as left out, never placed.

use super::{article_name, lines, set_attr, set_entity, Builder, ImportedArticle, Options, Parsed};
use crate::export::jsonl::{JsonlArticle, JsonlSpan};
use crate::problem::Problem;

pub fn parse(file: &str, input: &str, _options: &Options) -> Parsed {
    let mut parsed = Parsed::default();
    for (index, (line, json)) in lines(input).enumerate() {
        match record(index, json) {
            Ok((article, orphans)) => {
                for orphan in orphans {
                    parsed.report.left_out.push(Problem::at_line(
                        file,
                        line,
                        format!(
                            "orphaned span {} ({}) {:?} is not imported: it was not found in \
                             its article when exported, so its offsets name no text",
                            orphan.id, orphan.label, orphan.text
                        ),
                    ));
                }
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

/// One line's article, and the orphaned spans it lists.
fn record(index: usize, json: &str) -> Result<(ImportedArticle, Vec<JsonlSpan>), String> {
    let record: JsonlArticle = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let b = Builder::new("jsonl", &record.text);
    let mut spans = Vec::new();
    for s in &record.spans {
        let mut span = b.span(s.id, &s.label, s.start, s.end, Some(&s.text))?;
        span.note = s.note.clone();
        if let Some(source) = &s.source {
            span.source = source.clone();
        }
        for (name, value) in &s.attrs {
            set_attr(&mut span, name, value.clone())?;
        }
        if let Some(entity) = &s.entity {
            set_entity(&mut span, entity.clone())?;
        }
        spans.push(span);
    }
    let article = ImportedArticle {
        name: article_name(Some(&record.id), index),
        text: record.text,
        status: record.status,
        citation: record.citation,
        spans,
        relations: record.relations,
        ..ImportedArticle::default()
    };
    Ok((article, record.orphans))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Source;

    fn one_error(parsed: Parsed) -> Problem {
        assert!(parsed.articles.is_empty(), "{:?}", parsed.articles);
        assert_eq!(parsed.report.errors.len(), 1);
        parsed.report.errors.into_iter().next().unwrap()
    }

    #[test]
    fn attributes_and_entities_are_checked_naming_the_line() {
        let line = |span_extra: &str| {
            format!(
                r#"{{"id":"a.txt","text":"Lavrov said","spans":[{{"id":1,"start":0,"end":6,"label":"actor","text":"Lavrov"{span_extra}}}]}}"#
            )
        };
        let good = line(
            r#","attrs":{"kind":"direct"},"entity":"sergei-lavrov","entity_name":"Sergei Lavrov""#,
        );
        let parsed = parse("in.jsonl", &good, &Options::default());
        assert_eq!(parsed.articles[0].spans[0].attrs["kind"], "direct");
        assert_eq!(
            parsed.articles[0].spans[0].entity.as_deref(),
            Some("sergei-lavrov")
        );
        let bad = [
            (r#","attrs":{"kind":3}"#, "invalid type"),
            (r#","attrs":{"":"x"}"#, "attribute name"),
            (r#","entity":"""#, "is empty"),
            (r#","entity":["x"]"#, "invalid type"),
        ];
        for (extra, message) in bad {
            let input = format!("\n{}", line(extra));
            let error = one_error(parse("in.jsonl", &input, &Options::default()));
            assert_eq!(error.line, Some(2), "{extra}: {error}");
            assert!(error.message.contains(message), "{extra}: {error}");
        }
    }

    #[test]
    fn sources_are_kept_and_orphans_reported_never_placed() {
        let line = r#"{"id":"a.txt","text":"Lavrov said","spans":[{"id":1,"start":0,"end":6,"label":"actor","text":"Lavrov","source":{"Imported":"ner-v2"}},{"id":2,"start":7,"end":11,"label":"quote","text":"said"}],"orphans":[{"id":3,"start":0,"end":4,"label":"actor","text":"Shoukry"}]}"#;
        let parsed = parse("in.jsonl", line, &Options::default());
        let spans = &parsed.articles[0].spans;
        assert_eq!(spans[0].source, Source::Imported("ner-v2".into()));
        assert_eq!(spans[1].source, Source::Imported("jsonl".into()));
        assert_eq!(spans.len(), 2, "the orphan is not placed");
        assert_eq!(parsed.report.left_out.len(), 1);
        let left_out = parsed.report.left_out[0].to_string();
        assert!(
            left_out.starts_with("in.jsonl:1: orphaned span 3 (actor) \"Shoukry\""),
            "{left_out}"
        );
    }

    #[test]
    fn a_span_whose_text_does_not_match_is_reported_and_the_good_lines_import() {
        let good = r#"{"id":"b.txt","text":"Cairo","spans":[]}"#;
        let input = format!("{good}\n{{\"id\":\"a.txt\",\"text\":\"Lavrov said\",\"spans\":[{{\"id\":1,\"start\":0,\"end\":6,\"label\":\"actor\",\"text\":\"Lavrof\"}}]}}\n{good}");
        let parsed = parse("in.jsonl", &input, &Options::default());
        assert_eq!(parsed.articles.len(), 2, "the sound records still import");
        assert_eq!(parsed.articles[1].from, "in.jsonl:3");
        assert_eq!(parsed.report.errors.len(), 1);
        let error = &parsed.report.errors[0];
        assert!(
            error.to_string().starts_with("in.jsonl:2: span 1 (actor)"),
            "{error}"
        );
    }
}
