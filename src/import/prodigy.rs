//! Prodigy's JSONL (what `prodigy db-out` writes; spaCy's convention) read back, one task
//! per line (docs/FORMATS.md section 7.5):
//! `{"text", "spans": [{"start", "end", "label", "token_start", "token_end", "text"?}],
//! "tokens": [{"text", "start", "end", "id", "ws"?}], "relations": [...], "answer",
//! "meta", "_input_hash", "_task_hash", "_view_id", "_session_id"}`. displaCy's manual
//! format (`"ents"` instead of `"spans"`) reads the same.
//!
//! Offsets are code points, as Python counts them ([`Options::offsets`] overrides that).
//! The `answer` decides what a task becomes:
//! - `accept` (or no answer, as in a hand-made training file): spans and relations;
//! - `ignore`: the analyst skipped the task without deciding, so its spans come in as
//!   [`Suggestion`](crate::model::Suggestion)s to review, recorded under
//!   [`Options::source`] or else the file's name;
//! - `reject`: nothing is imported; the task and each of its spans are listed in the
//!   report's `left_out` ("rejected in Prodigy").
//!
//! A span is checked against its `text` when it has one. Its chars are the truth: when
//! tokens are given and the span's edges are not the edges of its tokens, it is kept on its
//! exact chars (never widened to the tokens) and the report says so.
//!
//! Relations (`rel.manual`: `head`/`child` are the last tokens of the two spans, with
//! `head_span`/`child_span`) link the record's spans whose chars match, head → child; a
//! relation whose end is not one of the spans (Prodigy also relates single tokens) is
//! reported. Labels of the whole task (a classification `label`, chosen `options`, `cats`)
//! are reported too; `meta` and the `_` fields carry no annotation and are not.
//!
//! An article is named after `meta.id` when there is one, else `prodigy-<_input_hash>.txt`,
//! so the tasks of one input (several annotators, or one task per suggestion as in
//! `ner.teach`) stay recognisable; the store tells equal names apart.

use std::ops::Range;

use serde_json::{Map, Value};

use super::doccano::{add_article, count, has_content, id_key, kind, records, shown, Offsets};
use super::{article_name, into_suggestions, status_for, Builder, ImportedArticle};
use super::{OffsetUnit, Options, Parsed};
use crate::model::{Relation, Span, Text};

pub fn parse(file: &str, input: &str, options: &Options) -> Parsed {
    let unit = options.offsets.unwrap_or(OffsetUnit::Chars);
    let source = options
        .source
        .clone()
        .unwrap_or_else(|| super::file_name(file));
    let mut parsed = Parsed::default();
    for (index, (place, object)) in records(file, input).enumerate() {
        let object = match object {
            Ok(object) => object,
            Err(problem) => {
                parsed.report.errors.push(problem);
                continue;
            }
        };
        let mut notes = Vec::new();
        match task(index, &object, unit, &mut notes) {
            Ok(Some((answer, article))) => {
                let mut article = ImportedArticle {
                    from: place.from(file),
                    ..article
                };
                if answer == Answer::Ignore {
                    parsed.report.count("articles", 1);
                    into_suggestions(&mut article, &source, &mut parsed.report);
                    parsed.articles.push(article);
                } else {
                    add_article(&mut parsed, article);
                }
            }
            Ok(None) => {}
            Err(message) => parsed.report.errors.push(place.problem(file, message)),
        }
        let notes = notes.into_iter().map(|note| place.problem(file, note));
        parsed.report.left_out.extend(notes);
    }
    parsed
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Accept,
    Ignore,
    Reject,
}

/// One task: its answer and article, or `None` when rejected (then `notes` say what).
fn task(
    index: usize,
    object: &Map<String, Value>,
    unit: OffsetUnit,
    notes: &mut Vec<String>,
) -> Result<Option<(Answer, ImportedArticle)>, String> {
    let text = match object.get("text") {
        Some(Value::String(text)) => text.clone(),
        Some(other) => return Err(format!("\"text\" is {}, not a string", kind(other))),
        None => return Err("the task has no \"text\"".into()),
    };
    let answer = match object.get("answer") {
        None | Some(Value::Null) => Answer::Accept,
        Some(Value::String(a)) if a == "accept" => Answer::Accept,
        Some(Value::String(a)) if a == "ignore" => Answer::Ignore,
        Some(Value::String(a)) if a == "reject" => Answer::Reject,
        Some(other) => {
            return Err(format!(
                "\"answer\" is {}, not \"accept\", \"reject\" or \"ignore\"",
                shown(other)
            ))
        }
    };
    let key = if object.contains_key("spans") {
        "spans"
    } else {
        "ents"
    };
    let raw_spans: &[Value] = match object.get(key) {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(other) => return Err(format!("\"{key}\" is {}, not a list", kind(other))),
    };
    if answer == Answer::Reject {
        rejected(object, &text, unit, raw_spans, notes);
        return Ok(None);
    }

    let offsets = Offsets::new(&text, unit);
    let tokens = tokens(object, &offsets, notes);
    let b = Builder::new("prodigy", &text);
    let mut spans = Vec::new();
    let mut token_ends = Vec::new();
    for (i, raw) in raw_spans.iter().enumerate() {
        let (span, token_end) = span(i + 1, raw, &b, &offsets, tokens.as_deref(), notes)?;
        spans.push(span);
        token_ends.push(token_end);
    }
    let relations = relations(object, &spans, &token_ends, &offsets, notes)?;
    whole_task_labels(object, notes);

    let id = object
        .get("meta")
        .and_then(|meta| meta.get("id"))
        .and_then(id_key)
        .or_else(|| {
            object
                .get("_input_hash")
                .and_then(id_key)
                .map(|hash| format!("prodigy-{hash}"))
        });
    Ok(Some((
        answer,
        ImportedArticle {
            name: article_name(id.as_deref(), index),
            status: status_for(&spans),
            text,
            spans,
            relations,
            ..ImportedArticle::default()
        },
    )))
}

/// One span, checked; with its `token_end` (what relations point at).
fn span(
    n: usize,
    raw: &Value,
    b: &Builder,
    offsets: &Offsets,
    tokens: Option<&[Range<usize>]>,
    notes: &mut Vec<String>,
) -> Result<(Span, Option<usize>), String> {
    let Value::Object(fields) = raw else {
        return Err(format!("span {n} is {}, not an object", kind(raw)));
    };
    let label = match fields.get("label") {
        Some(Value::String(label)) => label.clone(),
        Some(other) => {
            return Err(format!(
                "span {n}: \"label\" is {}, not a string",
                kind(other)
            ))
        }
        None => return Err(format!("span {n} ({}) has no \"label\"", shown(raw))),
    };
    let what = format!("span {n} ({label})");
    let field = |name: &str| -> Result<Option<usize>, String> {
        match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => count(value, name)
                .map(Some)
                .map_err(|e| format!("{what}: {e}")),
        }
    };
    let (Some(start), Some(end)) = (field("start")?, field("end")?) else {
        return Err(format!("{what} needs both \"start\" and \"end\""));
    };
    let char_start = offsets
        .to_char("start", start)
        .map_err(|e| format!("{what}: {e}"))?;
    let char_end = offsets
        .to_char("end", end)
        .map_err(|e| format!("{what}: {e}"))?;
    if char_start >= char_end {
        return Err(format!("{what}: start {start} is not before end {end}"));
    }
    let expected = match fields.get("text") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.as_str()),
        Some(other) => return Err(format!("{what}: \"text\" is {}, not a string", kind(other))),
    };
    let span = b
        .span(n as u64, &label, char_start, char_end, expected)
        .map_err(|e| format!("{what}: {e}"))?;
    let (token_start, token_end) = (field("token_start")?, field("token_end")?);
    if let Some(tokens) = tokens {
        let edges = format!("{what} {:?} at {start}..{end}", span.text);
        match (token_start, token_end) {
            (Some(first), Some(last)) => match (tokens.get(first), tokens.get(last)) {
                (Some(a), Some(z)) if a.start == char_start && z.end == char_end => {}
                (Some(a), Some(z)) => notes.push(format!(
                    "{edges}: its tokens {first}..={last} cover chars {}..{}, not its own; \
                     kept exactly on its chars",
                    a.start, z.end
                )),
                _ => notes.push(format!(
                    "{edges}: token_start..token_end {first}..={last} are not among the task's \
                     {} tokens; kept exactly on its chars",
                    tokens.len()
                )),
            },
            _ => {
                let starts = tokens.iter().any(|t| t.start == char_start);
                let ends = tokens.iter().any(|t| t.end == char_end);
                if !(starts && ends) {
                    notes.push(format!(
                        "{edges}: its edges are not token edges; kept exactly on its chars, \
                         not widened"
                    ));
                }
            }
        }
    }
    Ok((span, token_end))
}

/// The tokens' char ranges, when the task has readable tokens (otherwise spans are not
/// checked against them, and the report says why).
fn tokens(
    object: &Map<String, Value>,
    offsets: &Offsets,
    notes: &mut Vec<String>,
) -> Option<Vec<Range<usize>>> {
    let items = match object.get("tokens")? {
        Value::Array(items) => items,
        Value::Null => return None,
        other => {
            notes.push(format!(
                "\"tokens\" is {}, not a list: spans are not checked against tokens",
                kind(other)
            ));
            return None;
        }
    };
    let mut ranges = Vec::with_capacity(items.len());
    for (i, token) in items.iter().enumerate() {
        let range = (|| {
            let start = count(token.get("start").unwrap_or(&Value::Null), "start")?;
            let end = count(token.get("end").unwrap_or(&Value::Null), "end")?;
            Ok::<_, String>(offsets.to_char("start", start)?..offsets.to_char("end", end)?)
        })();
        match range {
            Ok(range) => ranges.push(range),
            Err(e) => {
                notes.push(format!(
                    "token {i} cannot be read ({e}): spans are not checked against tokens"
                ));
                return None;
            }
        }
    }
    Some(ranges)
}

fn relations(
    object: &Map<String, Value>,
    spans: &[Span],
    token_ends: &[Option<usize>],
    offsets: &Offsets,
    notes: &mut Vec<String>,
) -> Result<Vec<Relation>, String> {
    let items = match object.get("relations") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(format!("\"relations\" is {}, not a list", kind(other))),
    };
    let mut kept = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        let label = match item.get("label") {
            Some(Value::String(label))
                if !label.trim().is_empty() && !label.chars().any(char::is_control) =>
            {
                label.clone()
            }
            Some(other) => {
                return Err(format!(
                    "relation {n}: \"label\" {} is not a usable relation label",
                    shown(other)
                ))
            }
            None => return Err(format!("relation {n} has no \"label\"")),
        };
        // The span whose chars the relation's `X_span` gives, else whose last token is `X`.
        let end = |name: &str| -> Option<u64> {
            if let Some(Value::Object(span)) = item.get(format!("{name}_span").as_str()) {
                let char_at = |key: &str| {
                    let value = span.get(key)?;
                    offsets.to_char(key, count(value, key).ok()?).ok()
                };
                let (start, end) = (char_at("start")?, char_at("end")?);
                let label = span.get("label").and_then(Value::as_str);
                let mut matching = spans.iter().filter(|s| s.start == start && s.end == end);
                let first = matching.clone().next();
                return matching
                    .find(|s| label.is_none_or(|l| s.label == l))
                    .or(first)
                    .map(|s| s.id);
            }
            let token = item.get(name).and_then(Value::as_u64)?;
            let at = token_ends
                .iter()
                .position(|t| *t == usize::try_from(token).ok())?;
            Some(spans[at].id)
        };
        match (end("head"), end("child")) {
            (Some(from), Some(to)) => kept.push(Relation {
                id: kept.len() as u64 + 1,
                kind: label,
                from,
                to,
            }),
            (head, child) => {
                let missing = match (head, child) {
                    (None, None) => "neither its head nor its child",
                    (None, _) => "its head",
                    _ => "its child",
                };
                notes.push(format!(
                    "relation {n} ({label}): {missing} is one of the task's spans (Prodigy \
                     relates tokens too); not kept"
                ));
            }
        }
    }
    Ok(kept)
}

/// Reports the answers that label the whole task: spantag labels spans.
fn whole_task_labels(object: &Map<String, Value>, notes: &mut Vec<String>) {
    if let Some(Value::String(label)) = object.get("label") {
        notes.push(format!(
            "the task's label {label:?} (a label of the whole text) is not kept"
        ));
    }
    if let Some(Value::Array(chosen)) = object.get("accept").filter(|v| has_content(v)) {
        let options: &[Value] = match object.get("options") {
            Some(Value::Array(options)) => options,
            _ => &[],
        };
        let names: Vec<String> = chosen
            .iter()
            .map(|id| {
                options
                    .iter()
                    .find(|o| o.get("id") == Some(id))
                    .and_then(|o| o.get("text"))
                    .map_or_else(|| shown(id), shown)
            })
            .collect();
        notes.push(format!(
            "options chosen for the whole text are not kept: {}",
            names.join(", ")
        ));
    }
    if let Some(cats) = object.get("cats").filter(|v| has_content(v)) {
        notes.push(format!(
            "\"cats\" (categories of the whole text) not kept: {}",
            shown(cats)
        ));
    }
}

/// Notes for a rejected task: the task, and each span as the task states it, with the text
/// it covers where its offsets can be read.
fn rejected(
    object: &Map<String, Value>,
    text: &str,
    unit: OffsetUnit,
    raw_spans: &[Value],
    notes: &mut Vec<String>,
) {
    let relations = match object.get("relations") {
        Some(Value::Array(items)) => items.len(),
        _ => 0,
    };
    notes.push(format!(
        "the task was rejected in Prodigy: not imported ({} span(s), {relations} relation(s))",
        raw_spans.len()
    ));
    let offsets = Offsets::new(text, unit);
    let text = Text::new(text.to_string());
    for (i, raw) in raw_spans.iter().enumerate() {
        let field = |key: &str| raw.get(key).map_or_else(|| "?".to_string(), shown);
        let char_at = |key: &str| {
            let offset = count(raw.get(key)?, key).ok()?;
            offsets.to_char(key, offset).ok()
        };
        let covered = match (char_at("start"), char_at("end")) {
            (Some(start), Some(end)) => text.get(start..end).map(|t| format!(" {t:?}")),
            _ => None,
        };
        notes.push(format!(
            "span {} ({}){} at {}..{}: rejected in Prodigy",
            i + 1,
            raw.get("label")
                .and_then(Value::as_str)
                .unwrap_or("no label"),
            covered.unwrap_or_default(),
            field("start"),
            field("end"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SuggestionStatus;

    const TOKENS: &str = r#""tokens":[{"text":"Lavrov","start":0,"end":6,"id":0,"ws":true},{"text":"met","start":7,"end":10,"id":1,"ws":true},{"text":"Shoukry","start":11,"end":18,"id":2,"ws":false}]"#;

    fn task_line(answer: &str, spans: &str) -> String {
        format!(
            r#"{{"text":"Lavrov met Shoukry","_input_hash":-42,"_task_hash":7,{TOKENS},"spans":{spans},"answer":"{answer}","_view_id":"ner_manual"}}"#
        )
    }

    const TWO: &str = r#"[{"start":0,"end":6,"token_start":0,"token_end":0,"label":"actor"},{"start":11,"end":18,"token_start":2,"token_end":2,"label":"actor","text":"Shoukry"}]"#;

    #[test]
    fn accept_gives_spans_ignore_suggestions_reject_nothing_but_the_report() {
        let input = [
            task_line("accept", TWO),
            task_line("ignore", TWO),
            task_line("reject", TWO),
        ]
        .join("\n");
        let parsed = parse("dir/ner.jsonl", &input, &Options::default());
        assert!(
            parsed.report.errors.is_empty(),
            "{:?}",
            parsed.report.errors
        );
        let [accepted, ignored] = &parsed.articles[..] else {
            panic!("{:?}", parsed.articles)
        };
        assert_eq!(accepted.name, "prodigy--42.txt");
        let texts: Vec<&str> = accepted.spans.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["Lavrov", "Shoukry"]);
        assert!(ignored.spans.is_empty());
        assert_eq!(ignored.suggestions.len(), 2);
        assert_eq!(ignored.suggestions[1].text, "Shoukry");
        assert_eq!(ignored.suggestions[1].source, "ner.jsonl");
        assert_eq!(ignored.suggestions[1].status, SuggestionStatus::Pending);
        assert_eq!(parsed.report.imported["spans"], 2);
        assert_eq!(parsed.report.imported["suggestions"], 2);
        assert_eq!(parsed.report.imported["articles"], 2);
        let rejected: Vec<String> = parsed
            .report
            .left_out
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(
            rejected,
            [
                "dir/ner.jsonl:3: the task was rejected in Prodigy: not imported (2 span(s), 0 relation(s))",
                "dir/ner.jsonl:3: span 1 (actor) \"Lavrov\" at 0..6: rejected in Prodigy",
                "dir/ner.jsonl:3: span 2 (actor) \"Shoukry\" at 11..18: rejected in Prodigy",
            ]
        );
    }

    #[test]
    fn the_source_option_names_the_suggestions() {
        let options = Options {
            source: Some("model-v2".into()),
            ..Options::default()
        };
        let parsed = parse("ner.jsonl", &task_line("ignore", TWO), &options);
        assert_eq!(parsed.articles[0].suggestions[0].source, "model-v2");
    }

    #[test]
    fn a_span_whose_text_disagrees_skips_the_task_naming_it() {
        let spans = r#"[{"start":11,"end":18,"token_start":2,"token_end":2,"label":"actor","text":"Shukri"}]"#;
        let input = format!(
            "{}\n{}",
            task_line("accept", spans),
            task_line("accept", TWO)
        );
        let parsed = parse("ner.jsonl", &input, &Options::default());
        assert_eq!(parsed.articles.len(), 1);
        assert_eq!(
            parsed.report.errors[0].to_string(),
            "ner.jsonl:1: span 1 (actor): span 1 (actor) says \"Shukri\" but the text at \
             11..18 is \"Shoukry\""
        );
    }

    #[test]
    fn a_span_off_token_edges_is_kept_exactly_and_reported() {
        // "Shou" ends inside the token "Shoukry": never widened to it.
        let spans = r#"[{"start":11,"end":15,"token_start":2,"token_end":2,"label":"actor"},{"start":1,"end":6,"label":"actor"}]"#;
        let parsed = parse(
            "ner.jsonl",
            &task_line("accept", spans),
            &Options::default(),
        );
        let texts: Vec<&str> = parsed.articles[0]
            .spans
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(texts, ["Shou", "avrov"]);
        let notes: Vec<&str> = parsed
            .report
            .left_out
            .iter()
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(
            notes,
            [
                "span 1 (actor) \"Shou\" at 11..15: its tokens 2..=2 cover chars 11..18, not its \
                 own; kept exactly on its chars",
                "span 2 (actor) \"avrov\" at 1..6: its edges are not token edges; kept exactly \
                 on its chars, not widened",
            ]
        );
    }

    #[test]
    fn relations_link_the_matching_spans_and_the_rest_is_reported() {
        let line = format!(
            r#"{{"text":"Lavrov met Shoukry",{TOKENS},"spans":{TWO},"relations":[{{"head":0,"child":2,"head_span":{{"start":0,"end":6,"token_start":0,"token_end":0,"label":"actor"}},"child_span":{{"start":11,"end":18,"token_start":2,"token_end":2,"label":"actor"}},"label":"met"}},{{"head":2,"child":0,"label":"met_by"}},{{"head":1,"child":2,"head_span":{{"start":7,"end":10,"token_start":1,"token_end":1,"label":null}},"child_span":{{"start":11,"end":18,"token_start":2,"token_end":2,"label":"actor"}},"label":"verb_of"}}],"answer":"accept"}}"#
        );
        let parsed = parse("rel.jsonl", &line, &Options::default());
        assert!(
            parsed.report.errors.is_empty(),
            "{:?}",
            parsed.report.errors
        );
        let relations: Vec<(&str, u64, u64)> = parsed.articles[0]
            .relations
            .iter()
            .map(|r| (r.kind.as_str(), r.from, r.to))
            .collect();
        assert_eq!(relations, [("met", 1, 2), ("met_by", 2, 1)]);
        assert_eq!(parsed.report.left_out.len(), 1);
        assert!(parsed.report.left_out[0]
            .message
            .starts_with("relation 3 (verb_of): its head is"));
    }

    #[test]
    fn whole_task_labels_are_reported_and_meta_names_the_article() {
        let line = r#"{"text":"Cairo","label":"NEWS","accept":[2],"options":[{"id":1,"text":"Sport"},{"id":2,"text":"Politics"}],"meta":{"id":"cairo-7","section":"world"},"_input_hash":5,"answer":"accept"}"#;
        let parsed = parse("cls.jsonl", line, &Options::default());
        assert_eq!(parsed.articles[0].name, "cairo-7.txt");
        let notes: Vec<&str> = parsed
            .report
            .left_out
            .iter()
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("\"NEWS\""));
        assert!(notes[1].ends_with("\"Politics\""));
    }

    #[test]
    fn bad_tasks_are_errors_and_the_good_ones_import() {
        let cases = [
            (
                r#"{"text":"Cairo","spans":[{"start":0,"end":9,"label":"x"}]}"#,
                "span 1 (x): end 9 is past the end of the text (5 characters)",
            ),
            (
                r#"{"text":"Cairo","spans":[{"start":0,"end":5}]}"#,
                "span 1 ({\"end\":5,\"start\":0}) has no \"label\"",
            ),
            (
                r#"{"text":"Cairo","answer":"maybe"}"#,
                "\"answer\" is \"maybe\", not \"accept\"",
            ),
            (r#"{"spans":[]}"#, "the task has no \"text\""),
            (
                r#"{"text":"Cairo","spans":[{"start":0,"end":5,"label":"x"}],"relations":[{"head":0,"child":0}]}"#,
                "relation 1 has no \"label\"",
            ),
        ];
        for (bad, message) in cases {
            let input = format!("{bad}\n{}", task_line("accept", TWO));
            let parsed = parse("p.jsonl", &input, &Options::default());
            assert_eq!(parsed.articles.len(), 1, "{bad}");
            assert_eq!(parsed.report.errors.len(), 1, "{bad}");
            let error = &parsed.report.errors[0];
            assert_eq!(error.line, Some(1));
            assert!(error.message.contains(message), "{bad}: {error}");
        }
    }
}
