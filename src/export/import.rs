//! Importers: the formats that can bring annotations back (`jsonl`, `doccano`, `brat`,
//! `labelstudio`) parsed into articles with spans. Pure; the store writes the results.
//!
//! Offsets are converted from the format's unit to chars, and every span that carries its
//! text is checked against the article: a mismatch is an error naming the file, the line
//! and the span, never a silently shifted span.
//!
//! `jsonl`, `brat` and `labelstudio` bring back each span's attributes and entity id as
//! their exporters write them (docs/FORMATS.md sections 4 and 6). An entity id is kept as it is:
//! the names and external ids live in the corpus's `entities.ron`, which an import does
//! not write.

use std::collections::HashMap;

use super::brat;
use super::doccano::DoccanoLine;
use super::jsonl::JsonlArticle;
use super::labelstudio::{
    LabelResult, RegionResult, RegionText, RelationResult, Task, ENTITY_FROM_NAME,
};
use super::utf16_offsets;
use crate::model::{Relation, Source, Span, Status, Text};

/// One article an importer found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedArticle {
    /// Where to write the article, relative to the target folder (`/`-separated, safe).
    pub name: String,
    pub text: String,
    pub status: Status,
    pub spans: Vec<Span>,
    pub relations: Vec<Relation>,
}

/// Why an input could not be imported. `file` names the input, `line` the place in it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ImportError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

struct Builder<'a> {
    file: &'a str,
    line: Option<usize>,
    format: &'static str,
    text: Text,
}

impl Builder<'_> {
    fn error(&self, message: impl Into<String>) -> ImportError {
        ImportError {
            file: self.file.to_string(),
            line: self.line,
            message: message.into(),
        }
    }

    /// A span over a char range, checked against the text the format says it covers.
    fn span(
        &self,
        id: u64,
        label: &str,
        start: usize,
        end: usize,
        expected: Option<&str>,
    ) -> Result<Span, ImportError> {
        if start >= end || end > self.text.len_chars() {
            return Err(self.error(format!(
                "span {id} ({label}) has range {start}..{end}, outside the {}-char text",
                self.text.len_chars()
            )));
        }
        let mut span = Span::new(id, label, start..end, &self.text);
        span.source = Source::Imported(self.format.to_string());
        if let Some(expected) = expected {
            if span.text != expected {
                return Err(self.error(format!(
                    "span {id} ({label}) says {expected:?} but the text at {start}..{end} is {:?}",
                    span.text
                )));
            }
        }
        Ok(span)
    }

    /// Sets an attribute of a span read back, refusing what a sidecar cannot hold.
    fn set_attr(&self, span: &mut Span, name: &str, value: String) -> Result<(), ImportError> {
        if name.trim().is_empty() || name.chars().any(char::is_control) {
            return Err(self.error(format!(
                "span {}: attribute name {name:?} is empty or has control characters",
                span.id
            )));
        }
        span.attrs.insert(name.to_string(), value);
        Ok(())
    }

    /// Links a span read back to an entity id (ids are never empty, never control chars).
    fn set_entity(&self, span: &mut Span, entity: String) -> Result<(), ImportError> {
        if entity.trim().is_empty() || entity.chars().any(char::is_control) {
            return Err(self.error(format!(
                "span {}: entity id {entity:?} is empty or has control characters",
                span.id
            )));
        }
        span.entity = Some(entity);
        Ok(())
    }
}

/// A safe relative file name for an imported article: the format's id when it is a plain
/// relative path, else `doc-NNNNN.txt`. Always ends in `.txt`.
fn article_name(id: Option<&str>, index: usize) -> String {
    let safe = id.filter(|id| {
        !id.is_empty()
            && !id.starts_with('/')
            && !id.contains('\\')
            && !id.contains(':')
            && id
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..")
    });
    match safe {
        Some(id) if id.ends_with(".txt") => id.to_string(),
        Some(id) => format!("{id}.txt"),
        None => format!("doc-{:05}.txt", index + 1),
    }
}

fn status_for(spans: &[Span]) -> Status {
    if spans.is_empty() {
        Status::NotStarted
    } else {
        Status::InProgress
    }
}

/// Non-empty lines with their 1-based numbers.
fn lines(input: &str) -> impl Iterator<Item = (usize, &str)> {
    input
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty())
}

pub fn parse_jsonl(file: &str, input: &str) -> Result<Vec<ImportedArticle>, ImportError> {
    let mut articles = Vec::new();
    for (index, (line, json)) in lines(input).enumerate() {
        let record: JsonlArticle = serde_json::from_str(json).map_err(|e| ImportError {
            file: file.to_string(),
            line: Some(line),
            message: e.to_string(),
        })?;
        let b = Builder {
            file,
            line: Some(line),
            format: "jsonl",
            text: Text::new(record.text),
        };
        let mut spans = Vec::new();
        for s in &record.spans {
            let mut span = b.span(s.id, &s.label, s.start, s.end, Some(&s.text))?;
            span.note = s.note.clone();
            for (name, value) in &s.attrs {
                b.set_attr(&mut span, name, value.clone())?;
            }
            if let Some(entity) = &s.entity {
                b.set_entity(&mut span, entity.clone())?;
            }
            spans.push(span);
        }
        articles.push(ImportedArticle {
            name: article_name(Some(&record.id), index),
            text: b.text.as_str().to_string(),
            status: record.status,
            spans,
            relations: record.relations,
        });
    }
    Ok(articles)
}

pub fn parse_doccano(file: &str, input: &str) -> Result<Vec<ImportedArticle>, ImportError> {
    let mut articles = Vec::new();
    for (index, (line, json)) in lines(input).enumerate() {
        let record: DoccanoLine = serde_json::from_str(json).map_err(|e| ImportError {
            file: file.to_string(),
            line: Some(line),
            message: e.to_string(),
        })?;
        let offsets = utf16_offsets(&record.text);
        let b = Builder {
            file,
            line: Some(line),
            format: "doccano",
            text: Text::new(record.text.clone()),
        };
        let to_char = |unit: usize| {
            offsets.binary_search(&unit).map_err(|_| {
                b.error(format!(
                    "UTF-16 offset {unit} falls inside a character or past the end of the text"
                ))
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
        articles.push(ImportedArticle {
            name: article_name(record.id.as_deref(), index),
            status: status_for(&spans),
            text: record.text,
            spans,
            relations,
        });
    }
    Ok(articles)
}

pub fn parse_labelstudio(file: &str, input: &str) -> Result<Vec<ImportedArticle>, ImportError> {
    let tasks: Vec<Task> = serde_json::from_str(input).map_err(|e| ImportError {
        file: file.to_string(),
        line: Some(e.line()),
        message: e.to_string(),
    })?;
    let mut articles = Vec::new();
    for (index, task) in tasks.into_iter().enumerate() {
        let b = Builder {
            file,
            line: None,
            format: "labelstudio",
            text: Text::new(task.data.text.clone()),
        };
        let task_error = |message: String| b.error(format!("task {}: {message}", index + 1));
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
                serde_json::from_value(item.clone()).map_err(|e| task_error(e.to_string()))?;
            // Keep spantag's own ids (`s12`), number the rest after them.
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
                .ok_or_else(|| task_error(format!("result {} has no label", result.id)))?;
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
                serde_json::from_value(item.clone()).map_err(|e| task_error(e.to_string()))?;
            let end = |id: &str| {
                ids.get(id)
                    .copied()
                    .ok_or_else(|| task_error(format!("relation names unknown result {id}")))
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
        // Per-region choices and text areas: attributes, and the entity id.
        for item in &results {
            let kind = item.get("type").and_then(|t| t.as_str());
            if kind != Some("choices") && kind != Some("textarea") {
                continue;
            }
            let result: RegionResult =
                serde_json::from_value(item.clone()).map_err(|e| task_error(e.to_string()))?;
            // A result of no region classifies the whole task: spantag has no place for it.
            let Some(&span_id) = ids.get(&result.id) else {
                continue;
            };
            let values = match (result.value.choices, result.value.text) {
                (Some(choices), _) => choices,
                (None, RegionText::Typed(texts)) => texts,
                (None, RegionText::Region(_)) => Vec::new(),
            };
            let [value] = <[String; 1]>::try_from(values).map_err(|values| {
                task_error(format!(
                    "result {} ({}) has {} values; a spantag attribute or entity holds one",
                    result.id,
                    result.from_name,
                    values.len()
                ))
            })?;
            let Some(span) = spans.iter_mut().find(|s| s.id == span_id) else {
                continue;
            };
            if kind == Some("textarea") && result.from_name == ENTITY_FROM_NAME {
                b.set_entity(span, value)
            } else {
                b.set_attr(span, &result.from_name, value)
            }
            .map_err(|e| task_error(e.message))?;
        }
        articles.push(ImportedArticle {
            name: article_name(task.data.id.as_deref(), index),
            status: status_for(&spans),
            text: task.data.text,
            spans,
            relations,
        });
    }
    Ok(articles)
}

/// One brat document: `name` is the article's name, `txt` and `ann` the two files' text.
pub fn parse_brat(
    name: &str,
    ann_file: &str,
    txt: &str,
    ann: &str,
) -> Result<ImportedArticle, ImportError> {
    let mut b = Builder {
        file: ann_file,
        line: None,
        format: "brat",
        text: Text::new(txt.to_string()),
    };
    let chars: Vec<char> = txt.chars().collect();
    let mut spans = Vec::new();
    let mut relations = Vec::new();
    let mut notes: Vec<(u64, String)> = Vec::new();
    // (line, span, attribute name, value) and (line, span, entity id), applied once every
    // span is read: brat does not order its lines.
    let mut attributes: Vec<(usize, u64, String, String)> = Vec::new();
    let mut links: Vec<(usize, u64, String)> = Vec::new();
    let number =
        |id: &str, prefix: char| id.strip_prefix(prefix).and_then(|n| n.parse::<u64>().ok());
    for (line, text) in ann.lines().enumerate() {
        b.line = Some(line + 1);
        let fields: Vec<&str> = text.splitn(3, '\t').collect();
        let id = fields[0];
        match id.chars().next() {
            Some('T') => {
                let [_, kind, covered] = fields[..] else {
                    return Err(b.error("a T line needs three tab-separated fields"));
                };
                let span_id = number(id, 'T')
                    .ok_or_else(|| b.error(format!("{id} is not T and a number")))?;
                let (label, ranges) = kind
                    .split_once(' ')
                    .ok_or_else(|| b.error("expected `LABEL START END`"))?;
                let mut pieces = Vec::new();
                for range in ranges.split(';') {
                    let (s, e) = range
                        .trim()
                        .split_once(' ')
                        .and_then(|(s, e)| {
                            Some((s.parse::<usize>().ok()?, e.parse::<usize>().ok()?))
                        })
                        .ok_or_else(|| b.error(format!("bad offsets {range:?}")))?;
                    pieces.push((s, e));
                }
                let (start, end) = (pieces[0].0, pieces[pieces.len() - 1].1);
                let span = b.span(span_id, label, start, end, None)?;
                let fragment_text: Vec<String> = pieces
                    .iter()
                    .map(|&(s, e)| {
                        chars
                            .get(s..e)
                            .map(|c| c.iter().collect())
                            .unwrap_or_default()
                    })
                    .collect();
                if fragment_text.join(" ") != covered {
                    return Err(b.error(format!(
                        "{id} says {covered:?} but the text at its offsets is {:?}",
                        fragment_text.join(" ")
                    )));
                }
                spans.push(span);
            }
            Some('R') => {
                let relation_id = number(id, 'R')
                    .ok_or_else(|| b.error(format!("{id} is not R and a number")))?;
                let parts: Vec<&str> = fields.get(1).unwrap_or(&"").split_whitespace().collect();
                let arg = |p: Option<&&str>| {
                    p.and_then(|a| a.split_once(':'))
                        .and_then(|(_, t)| number(t, 'T'))
                        .ok_or_else(|| b.error("expected `KIND Arg1:T1 Arg2:T2`"))
                };
                relations.push(Relation {
                    id: relation_id,
                    kind: parts
                        .first()
                        .ok_or_else(|| b.error("a relation needs a kind"))?
                        .to_string(),
                    from: arg(parts.get(1))?,
                    to: arg(parts.get(2))?,
                });
            }
            Some('#') => {
                let target = fields
                    .get(1)
                    .and_then(|f| f.split_whitespace().nth(1))
                    .and_then(|t| number(t, 'T'));
                if let Some(target) = target {
                    notes.push((target, fields.get(2).unwrap_or(&"").to_string()));
                }
            }
            Some('A') | Some('M') => {
                // `A1<TAB>NAME T3` (binary: yes) or `A1<TAB>NAME T3 VALUE`; `M` is the old
                // name of the same line.
                let parts: Vec<&str> = fields.get(1).unwrap_or(&"").split_whitespace().collect();
                let (name, target, value) = match parts[..] {
                    [name, target] => (name, target, "yes"),
                    [name, target, value] => (name, target, value),
                    _ => return Err(b.error("expected `NAME T1` or `NAME T1 VALUE`")),
                };
                // Attributes of events have no place in spantag.
                if target.starts_with('E') {
                    continue;
                }
                let target = number(target, 'T')
                    .ok_or_else(|| b.error(format!("{target} is not T and a number")))?;
                let decoded = |s: &str| {
                    brat::decode(s).ok_or_else(|| b.error(format!("{s:?} has a broken %-escape")))
                };
                attributes.push((line + 1, target, decoded(name)?, decoded(value)?));
            }
            Some('N') => {
                // `N1<TAB>Reference T3 DATABASE:ID<TAB>NAME`; spantag's own database holds
                // the entity id, the others (Wikidata, GeoNames) are the entity's own.
                let parts: Vec<&str> = fields.get(1).unwrap_or(&"").split_whitespace().collect();
                let [_, target, reference] = parts[..] else {
                    return Err(b.error("expected `Reference T1 DATABASE:ID`"));
                };
                let Some(("spantag", entity)) = reference.split_once(':') else {
                    continue;
                };
                let target = number(target, 'T')
                    .ok_or_else(|| b.error(format!("{target} is not T and a number")))?;
                let entity = brat::decode(entity)
                    .ok_or_else(|| b.error(format!("{entity:?} has a broken %-escape")))?;
                links.push((line + 1, target, entity));
            }
            // Events and equivalences have no place in spantag's model.
            _ => {}
        }
    }
    for (target, note) in notes {
        if let Some(span) = spans.iter_mut().find(|s| s.id == target) {
            span.note = note;
        }
    }
    for (line, target, name, value) in attributes {
        b.line = Some(line);
        let span = spans.iter_mut().find(|s| s.id == target).ok_or_else(|| {
            b.error(format!(
                "the attribute {name:?} is on T{target}, which is not a span of this file"
            ))
        })?;
        b.set_attr(span, &name, value)?;
    }
    for (line, target, entity) in links {
        b.line = Some(line);
        let span = spans.iter_mut().find(|s| s.id == target).ok_or_else(|| {
            b.error(format!(
                "the entity {entity:?} is on T{target}, which is not a span of this file"
            ))
        })?;
        b.set_entity(span, entity)?;
    }
    Ok(ImportedArticle {
        name: article_name(Some(name), 0),
        status: status_for(&spans),
        text: txt.to_string(),
        spans,
        relations,
    })
}

/// The text brat's `.txt` holds for an article (LF newlines), for comparing round trips.
pub fn brat_text(text: &str) -> String {
    brat::normalize_newlines(text).0
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &str = "Lavrov said it.";
    const T1: &str = "T1\tactor 0 6\tLavrov\n";

    #[test]
    fn brat_attributes_and_links_on_missing_spans_or_with_broken_escapes_name_the_line() {
        let cases = [
            ("A1\tverdict T9 false\n", "T9, which is not a span"),
            ("N1\tReference T7 spantag:x\tX\n", "T7, which is not a span"),
            ("A1\tverdict T1 a%4\n", "broken %-escape"),
            ("A1\tverdict T1 %FF\n", "broken %-escape"),
            ("A1\tverdict\n", "expected `NAME T1`"),
            ("A1\tverdict T1 a b\n", "expected `NAME T1`"),
            ("N1\tReference\n", "expected `Reference T1"),
            ("N1\tReference T1 spantag:\tX\n", "entity id \"\" is empty"),
            ("N1\tReference T1 spantag:a%0Ab\tX\n", "control characters"),
            ("A1\tverdict TX yes\n", "TX is not T and a number"),
        ];
        for (line, message) in cases {
            let ann = format!("{T1}{line}");
            let error = parse_brat("a.txt", "a.ann", TXT, &ann).unwrap_err();
            assert_eq!(error.line, Some(2), "{line:?}: {error}");
            assert!(error.to_string().starts_with("a.ann:2: "), "{error}");
            assert!(error.message.contains(message), "{line:?}: {error}");
        }
    }

    #[test]
    fn brat_reads_attributes_and_links_whatever_their_order() {
        let ann = "A2\tfree%20text T1 a%09b%25\nN2\tReference T1 Wikidata:Q40398\tSergei Lavrov\nA1\tcheckworthy T1\nN1\tReference T1 spantag:sergei%20lavrov\tSergei Lavrov\nA3\tNegation E1\nT1\tactor 0 6\tLavrov\n";
        let article = parse_brat("a.txt", "a.ann", TXT, ann).unwrap();
        let span = &article.spans[0];
        assert_eq!(span.attrs["free text"], "a\tb%");
        assert_eq!(span.attrs["checkworthy"], "yes");
        assert_eq!(
            span.attrs.len(),
            2,
            "an event's attribute is not the span's"
        );
        assert_eq!(span.entity.as_deref(), Some("sergei lavrov"));
    }

    #[test]
    fn labelstudio_region_results_are_checked_and_never_panic() {
        let task = |extra: &str| {
            format!(
                r#"[{{"data":{{"text":"Lavrov said it."}},"annotations":[{{"result":[
                {{"value":{{"start":0,"end":6,"text":"Lavrov","labels":["actor"]}},"id":"s1","from_name":"label","to_name":"text","type":"labels"}}{extra}]}}]}}]"#
            )
        };
        let good = task(
            r#",{"value":{"start":0,"end":6,"text":"Lavrov","choices":["direct"]},"id":"s1","from_name":"kind","to_name":"text","type":"choices"},
               {"value":{"start":0,"end":6,"text":["sergei-lavrov"]},"id":"s1","from_name":"entity","to_name":"text","type":"textarea"},
               {"value":{"choices":["news"]},"id":"doc","from_name":"topic","to_name":"text","type":"choices"}"#,
        );
        let article = one(parse_labelstudio("t.json", &good).unwrap());
        assert_eq!(article.spans[0].attrs["kind"], "direct");
        assert_eq!(
            article.spans[0].attrs.len(),
            1,
            "a task-level choice is no span's"
        );
        assert_eq!(article.spans[0].entity.as_deref(), Some("sergei-lavrov"));
        let bad = [
            (
                r#",{"value":{"choices":["a","b"]},"id":"s1","from_name":"kind","type":"choices","to_name":"text"}"#,
                "has 2 values",
            ),
            (
                r#",{"value":{"text":[]},"id":"s1","from_name":"entity","type":"textarea","to_name":"text"}"#,
                "has 0 values",
            ),
            (
                r#",{"value":{"choices":"a"},"id":"s1","from_name":"kind","type":"choices","to_name":"text"}"#,
                "invalid type",
            ),
            (
                r#",{"value":{"text":[""]},"id":"s1","from_name":"entity","type":"textarea","to_name":"text"}"#,
                "is empty",
            ),
        ];
        for (extra, message) in bad {
            let error = parse_labelstudio("t.json", &task(extra)).unwrap_err();
            assert!(error.to_string().starts_with("t.json: task 1"), "{error}");
            assert!(error.message.contains(message), "{extra}: {error}");
        }
    }

    #[test]
    fn jsonl_attributes_and_entities_are_checked_naming_the_line() {
        let line = |span_extra: &str| {
            format!(
                r#"{{"id":"a.txt","text":"Lavrov said","spans":[{{"id":1,"start":0,"end":6,"label":"actor","text":"Lavrov"{span_extra}}}]}}"#
            )
        };
        let good = line(
            r#","attrs":{"kind":"direct"},"entity":"sergei-lavrov","entity_name":"Sergei Lavrov""#,
        );
        let article = one(parse_jsonl("in.jsonl", &good).unwrap());
        assert_eq!(article.spans[0].attrs["kind"], "direct");
        assert_eq!(article.spans[0].entity.as_deref(), Some("sergei-lavrov"));
        let bad = [
            (r#","attrs":{"kind":3}"#, "invalid type"),
            (r#","attrs":{"":"x"}"#, "attribute name"),
            (r#","entity":"""#, "is empty"),
            (r#","entity":["x"]"#, "invalid type"),
        ];
        for (extra, message) in bad {
            let input = format!("\n{}", line(extra));
            let error = parse_jsonl("in.jsonl", &input).unwrap_err();
            assert_eq!(error.line, Some(2), "{extra}: {error}");
            assert!(error.message.contains(message), "{extra}: {error}");
        }
    }

    fn one(mut articles: Vec<ImportedArticle>) -> ImportedArticle {
        assert_eq!(articles.len(), 1);
        articles.remove(0)
    }

    #[test]
    fn unsafe_names_are_replaced() {
        assert_eq!(article_name(Some("a/b.txt"), 0), "a/b.txt");
        assert_eq!(article_name(Some("cairo"), 0), "cairo.txt");
        assert_eq!(article_name(Some("../etc/passwd"), 2), "doc-00003.txt");
        assert_eq!(article_name(Some("/abs.txt"), 0), "doc-00001.txt");
        assert_eq!(article_name(None, 9), "doc-00010.txt");
    }

    #[test]
    fn doccano_offsets_inside_a_surrogate_pair_are_refused() {
        let line = r#"{"text":"😀 x","label":[[1,3,"actor"]]}"#;
        let error = parse_doccano("in.jsonl", line).unwrap_err();
        assert_eq!(error.line, Some(1));
        assert!(error.message.contains("inside a character"), "{error}");
    }

    #[test]
    fn a_span_whose_text_does_not_match_is_an_error_naming_the_line() {
        let input = "\n{\"id\":\"a.txt\",\"text\":\"Lavrov said\",\"spans\":[{\"id\":1,\"start\":0,\"end\":6,\"label\":\"actor\",\"text\":\"Lavrof\"}]}";
        let error = parse_jsonl("in.jsonl", input).unwrap_err();
        assert_eq!(error.line, Some(2));
        assert!(
            error.to_string().starts_with("in.jsonl:2: span 1 (actor)"),
            "{error}"
        );
    }
}
