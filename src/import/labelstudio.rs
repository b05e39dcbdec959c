//! Label Studio tasks read back (docs/FORMATS.md section 7.4): what Label Studio exports as
//! JSON, what it imports (pre-annotated tasks, a model's predictions), and what spantag's
//! own `labelstudio` export writes.
//!
//! # The model
//! A file is a list of tasks or one task. A task's `data` holds the text (under `text`, or
//! under the key its labeling config names: `$dialogue` reads `data.dialogue`); a task
//! without `data` is all data, as Label Studio's own import reads it. `annotations`
//! (`completions` before Label Studio 1.0) hold the analysts' work, `predictions` a model's.
//! Each is a list of results: every control tag gives one result per region, and the
//! results of one region share its `id` (a `labels` result for its range and labels, a
//! per-region `choices`, `textarea`, `rating`… for what was said about it). `relation`
//! results link regions by those ids.
//!
//! What becomes what:
//! - One annotation per task: the latest (`updated_at`, then `created_at`, `id`, position),
//!   or the latest by [`Options::annotator`] (`completed_by`: an id, or an object with `id`
//!   and `email`). The others, and cancelled ones, are reported as left out.
//! - A region: one span per label, all on its range. Its per-region results become
//!   attributes of those spans (`from_name` is the attribute's name; the `entity` text area
//!   of spantag's export is the entity link); its `meta` text becomes their note.
//! - A relation: one per label, kind `related` when it has none, from `from_id` to `to_id`,
//!   the other way for `direction: left`, and both ways (two relations) for `bi`. It links
//!   the first span of each region.
//! - A prediction: [`Suggestion`]s recorded under [`Options::source`], else its
//!   `model_version`, else `predictions`.
//! - What has no place (a rating of the whole task, a draft, a relation between
//!   predictions, another data field) is listed in the report, with the task.
//!
//! # Offsets
//! Label Studio counts code points, but before label-studio-frontend PR #308 it counted
//! UTF-16 units (issue #1347), and files of both ages are about. The two readings differ
//! only after a char outside the Basic Multilingual Plane (an emoji). Every region carries
//! its `text`, and each reading is checked against it:
//! - a region whose text is at one reading only is read there, and tells which unit its
//!   annotation (one sitting in one version of Label Studio) counted;
//! - where the text is at both readings (a word that repeats), the annotation's telling
//!   regions decide, else code points, Label Studio's unit;
//! - a region without `text` is read where both readings agree, or as the telling regions
//!   say; a region whose text is at neither place is refused, never moved.
//!
//! Spans read as UTF-16 are counted in the report ([`READ_AS_UTF16`]): not left out, but
//! worth knowing.

use std::cell::OnceCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use serde_json::{Map, Value};

use super::{
    article_name, set_attr, set_entity, status_for, Builder, ImportedArticle, Options, Parsed,
    Report,
};
use crate::export::labelstudio::ENTITY_FROM_NAME;
use crate::export::utf16_offsets;
use crate::model::{Relation, Span, Suggestion};
use crate::problem::Problem;

/// The report line for spans whose offsets were UTF-16 units.
const READ_AS_UTF16: &str = "spans read as UTF-16 offsets (older Label Studio)";

/// Result types that mark a range of the text.
const REGION_TYPES: [&str; 2] = ["labels", "hypertextlabels"];
/// Result types that say something about a region (or, without one, about the task).
const CONTROL_TYPES: [&str; 6] = [
    "choices", "textarea", "rating", "number", "taxonomy", "datetime",
];
/// Task keys Label Studio itself writes; not data when a task has no `data` object.
/// JSON-MIN exports write their annotator, annotation id and lead time there too.
const TASK_KEYS: [&str; 11] = [
    "annotations",
    "completions",
    "predictions",
    "drafts",
    "created_at",
    "updated_at",
    "meta",
    "project",
    "annotator",
    "annotation_id",
    "lead_time",
];

pub fn parse(file: &str, input: &str, options: &Options) -> Parsed {
    let mut parsed = Parsed::default();
    let (tasks, stop) = split_tasks(file, input);
    let mut unread = UnreadFields::default();
    for (index, (line, task)) in tasks.iter().enumerate() {
        let place = Place {
            file,
            line: *line,
            task: task_name(index, task),
        };
        let article = read_task(
            &place,
            index,
            task,
            options,
            &mut parsed.report,
            &mut unread,
        );
        if let Some(article) = article {
            parsed.articles.push(article);
        }
    }
    parsed.report.errors.extend(stop);
    unread.report(file, &mut parsed.report);
    parsed
}

/// Where in the input a task is, for its report lines.
struct Place<'a> {
    file: &'a str,
    line: usize,
    /// `task 3`, or `task 3 (id 17)`.
    task: String,
}

impl Place<'_> {
    fn problem(&self, message: impl std::fmt::Display) -> Problem {
        Problem::at_line(self.file, self.line, format!("{}: {message}", self.task))
    }
}

fn task_name(index: usize, task: &Value) -> String {
    match task.get("id").and_then(id_text) {
        Some(id) => format!("task {} (id {id})", index + 1),
        None => format!("task {}", index + 1),
    }
}

/// An id as Label Studio writes it: a string or an integer.
fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) if n.is_u64() || n.is_i64() => Some(n.to_string()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// The file: a list of tasks, or one task.

/// The tasks of a file with the line each starts on. A file that is not well-formed JSON
/// cannot be read past its fault: the tasks before it are kept, and the fault is returned.
fn split_tasks(file: &str, input: &str) -> (Vec<(usize, Value)>, Option<Problem>) {
    let body = input.strip_prefix('\u{feff}').unwrap_or(input);
    let bytes = body.as_bytes();
    let mut lines = Lines::default();
    let mut tasks = Vec::new();
    let first = skip_whitespace(bytes, 0);
    match bytes.get(first) {
        None => {
            let problem = Problem::file(
                file,
                "the file is empty: a Label Studio file is a list of tasks or one task",
            );
            return (tasks, Some(problem));
        }
        Some(b'{') => match serde_json::from_str::<Value>(body) {
            Ok(task) => tasks.push((lines.line_at(bytes, first), task)),
            Err(_) => return (tasks, Some(syntax_problem(file, body))),
        },
        Some(b'[') => {
            let mut at = skip_whitespace(bytes, first + 1);
            if bytes.get(at) == Some(&b']') {
                at += 1;
            } else {
                loop {
                    let rest = body.get(at..).unwrap_or_default();
                    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
                    match stream.next() {
                        Some(Ok(task)) => tasks.push((lines.line_at(bytes, at), task)),
                        _ => return (tasks, Some(syntax_problem(file, body))),
                    }
                    at = skip_whitespace(bytes, at + stream.byte_offset());
                    match bytes.get(at) {
                        Some(b',') => at = skip_whitespace(bytes, at + 1),
                        Some(b']') => {
                            at += 1;
                            break;
                        }
                        _ => return (tasks, Some(syntax_problem(file, body))),
                    }
                }
            }
            if skip_whitespace(bytes, at) != bytes.len() {
                return (tasks, Some(syntax_problem(file, body)));
            }
        }
        Some(_) => {
            let problem = Problem::file(
                file,
                "a Label Studio file is a JSON list of tasks or one task object; this one is neither",
            );
            return (tasks, Some(problem));
        }
    }
    (tasks, None)
}

/// Where a file stops being JSON, and that the tasks from there on are not read.
fn syntax_problem(file: &str, body: &str) -> Problem {
    match serde_json::from_str::<serde::de::IgnoredAny>(body) {
        Err(e) => {
            // serde_json ends its message with the place, which the problem already says.
            let message = e.to_string();
            let message = message
                .rfind(" at line ")
                .map_or(message.as_str(), |at| &message[..at]);
            Problem::at(
                file,
                e.line(),
                e.column(),
                format!("{message}: the tasks from here on are not read"),
            )
        }
        Ok(_) => Problem::file(file, "the list of tasks is not well formed"),
    }
}

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// Line numbers of increasing byte offsets, counted once.
#[derive(Default)]
struct Lines {
    byte: usize,
    newlines: usize,
}

impl Lines {
    fn line_at(&mut self, bytes: &[u8], byte: usize) -> usize {
        if let Some(skipped) = bytes.get(self.byte..byte) {
            self.newlines += skipped.iter().filter(|&&b| b == b'\n').count();
            self.byte = byte;
        }
        self.newlines + 1
    }
}

/// Data fields that are not the article's text, reported once per file.
#[derive(Default)]
struct UnreadFields {
    /// Field name: (tasks that have it, whether it looks like JSON-MIN regions).
    fields: BTreeMap<String, (usize, bool)>,
}

impl UnreadFields {
    fn add(&mut self, name: &str, value: &Value) {
        let regions = value.as_array().is_some_and(|items| {
            items
                .iter()
                .any(|item| item.get("start").is_some() && item.get("end").is_some())
        });
        let entry = self.fields.entry(name.to_string()).or_default();
        entry.0 += 1;
        entry.1 |= regions;
    }

    fn report(self, file: &str, report: &mut Report) {
        for (name, (tasks, regions)) in self.fields {
            let hint = if regions {
                " (it holds regions: a JSON-MIN export? Export as JSON to bring them in)"
            } else {
                ""
            };
            report.left_out.push(Problem::file(
                file,
                format!(
                    "data field {name:?} ({tasks} task{}) is not kept: an article holds the \
                     task's text only{hint}",
                    if tasks == 1 { "" } else { "s" }
                ),
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------
// One task.

fn read_task(
    place: &Place,
    index: usize,
    task: &Value,
    options: &Options,
    report: &mut Report,
    unread: &mut UnreadFields,
) -> Option<ImportedArticle> {
    let Some(object) = task.as_object() else {
        report.errors.push(place.problem(
            "is not a JSON object; a task is {\"data\": {\"text\": …}, \"annotations\": […]}",
        ));
        return None;
    };
    let (data, wrapped) = match object.get("data") {
        Some(Value::Object(data)) => (data, true),
        Some(_) => {
            report
                .errors
                .push(place.problem("its `data` is not an object of fields"));
            return None;
        }
        // As Label Studio's import reads it: a task without `data` is all data.
        None => (object, false),
    };

    // What the task's annotations and predictions hold, reported only if its text is read.
    let mut said = Report::default();
    let mut annotations: Vec<&Value> = Vec::new();
    for key in ["annotations", "completions"] {
        annotations.extend(list(object, key, place, &mut said));
    }
    let chosen = choose_annotation(&annotations, options, place, &mut said);
    let mut sets: Vec<ResultSet> = Vec::new();
    if let Some(annotation) = chosen {
        sets.push(ResultSet {
            name: annotation.name,
            results: annotation.results,
            source: None,
        });
    }
    let predictions = list(object, "predictions", place, &mut said);
    sets.extend(prediction_sets(predictions, options, place, &mut said));
    let drafts = list(object, "drafts", place, &mut said);
    if !drafts.is_empty() {
        said.left_out.push(place.problem(format!(
            "{} draft{} not imported: a draft is work not submitted in Label Studio",
            drafts.len(),
            if drafts.len() == 1 { " is" } else { "s are" }
        )));
    }

    let objects = region_objects(&sets);
    let skip: &[&str] = if wrapped { &["id"] } else { &TASK_KEYS };
    let (field, text) = match text_field(data, &objects, skip) {
        Ok(found) => found,
        Err(why) => {
            report.errors.push(place.problem(why));
            report.errors.append(&mut said.errors);
            return None;
        }
    };
    report.merge(said);
    if field != "text" {
        report.count(&format!("articles with their text in data.{field}"), 1);
    }
    for (name, value) in data {
        let not_data = name == field
            || name == "id"
            || super::is_citation_field(name, value)
            || (!wrapped && TASK_KEYS.contains(&name.as_str()));
        if !not_data {
            unread.add(name, value);
        }
    }

    let builder = Builder::new("labelstudio", text);
    let utf16 = OnceCell::new();
    // Regions on another object of the task count another field's text.
    let on_object = (objects.len() > 1).then(|| field.to_string());
    let mut article = ImportedArticle {
        name: article_name(article_id(data, object).as_deref(), index),
        from: format!("{}:{}: {}", place.file, place.line, place.task),
        text: text.to_string(),
        citation: super::citation_of(data),
        ..ImportedArticle::default()
    };
    for set in &sets {
        let mut reader = SetReader {
            place,
            set: &set.name,
            builder: &builder,
            // A 4-byte UTF-8 sequence is a char outside the Basic Multilingual Plane.
            utf16: text.bytes().any(|b| b >= 0xF0).then_some(&utf16),
            object: on_object.as_deref(),
            report,
        };
        let read = reader.read(set.results, set.source.is_none());
        match &set.source {
            None => {
                report.count("annotations", 1);
                article.spans = read.spans;
                article.relations = read.relations;
            }
            Some(source) => {
                report.count("predictions", 1);
                report.count("suggestions", read.spans.len());
                article.suggestions.extend(
                    read.spans
                        .into_iter()
                        .map(|span| Suggestion::from_span(span, source)),
                );
            }
        }
    }
    article.status = status_for(&article.spans);
    count_article(&article, report);
    Some(article)
}

/// The task's id for its article's name: `data.id`, else the task's own `id`.
fn article_id(data: &Map<String, Value>, task: &Map<String, Value>) -> Option<String> {
    data.get("id")
        .and_then(id_text)
        .or_else(|| task.get("id").and_then(id_text))
}

/// A task's predictions, each recorded under [`Options::source`], else its
/// `model_version`, else `predictions`.
fn prediction_sets<'a>(
    predictions: &'a [Value],
    options: &Options,
    place: &Place,
    report: &mut Report,
) -> Vec<ResultSet<'a>> {
    let mut sets = Vec::new();
    for (k, prediction) in predictions.iter().enumerate() {
        let Some(prediction) = prediction.as_object() else {
            report
                .errors
                .push(place.problem(format!("prediction {} is not an object; not read", k + 1)));
            continue;
        };
        let model = prediction.get("model_version").and_then(|v| match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        let source = options
            .source
            .clone()
            .or(model)
            .unwrap_or_else(|| "predictions".to_string());
        let results = match prediction.get("result") {
            Some(Value::Array(results)) => results.as_slice(),
            None | Some(Value::Null) => &[],
            Some(_) => {
                report.errors.push(place.problem(format!(
                    "prediction {} ({source}): its `result` is not a list; not read",
                    k + 1
                )));
                continue;
            }
        };
        sets.push(ResultSet {
            name: format!("prediction {} ({source})", k + 1),
            results,
            source: Some(source),
        });
    }
    sets
}

/// The objects (`to_name`) the regions of a task's result sets are on.
fn region_objects<'a>(sets: &[ResultSet<'a>]) -> Vec<&'a str> {
    let mut objects: Vec<&str> = Vec::new();
    for result in sets.iter().flat_map(|set| set.results) {
        let kind = result.get("type").and_then(Value::as_str).unwrap_or("");
        if let Some(to_name) = result.get("to_name").and_then(Value::as_str) {
            if REGION_TYPES.contains(&kind) && !objects.contains(&to_name) {
                objects.push(to_name);
            }
        }
    }
    objects
}

fn count_article(article: &ImportedArticle, report: &mut Report) {
    report.count("articles", 1);
    report.count("spans", article.spans.len());
    report.count("relations", article.relations.len());
    let notes = article.spans.iter().filter(|s| !s.note.is_empty()).count();
    report.count("notes", notes);
    let attributes = article.spans.iter().map(|s| s.attrs.len()).sum::<usize>()
        + article
            .suggestions
            .iter()
            .map(|s| s.attrs.len())
            .sum::<usize>();
    report.count("attributes", attributes);
    let links = article.spans.iter().filter(|s| s.entity.is_some()).count()
        + article
            .suggestions
            .iter()
            .filter(|s| s.entity.is_some())
            .count();
    report.count("entity links", links);
}

/// A list field of a task (`annotations`, `predictions`, …): absent and `null` are empty.
fn list<'a>(
    object: &'a Map<String, Value>,
    key: &str,
    place: &Place,
    report: &mut Report,
) -> &'a [Value] {
    match object.get(key) {
        Some(Value::Array(items)) => items,
        None | Some(Value::Null) => &[],
        Some(_) => {
            report
                .errors
                .push(place.problem(format!("its `{key}` is not a list; not read")));
            &[]
        }
    }
}

/// Which data field holds the article: the one object the regions are on, when a field has
/// its name; else `text`; else the only text field. `skip` are keys that are not data.
fn text_field<'a>(
    data: &'a Map<String, Value>,
    objects: &[&str],
    skip: &[&str],
) -> Result<(&'a str, &'a str), String> {
    let strings: Vec<(&str, &str)> = data
        .iter()
        .filter(|(name, _)| name.as_str() != "id" && !skip.contains(&name.as_str()))
        .filter_map(|(name, value)| Some((name.as_str(), value.as_str()?)))
        .collect();
    if let [object] = objects {
        if let Some(&found) = strings.iter().find(|(name, _)| name == object) {
            return Ok(found);
        }
    }
    if let Some(&found) = strings.iter().find(|(name, _)| *name == "text") {
        return Ok(found);
    }
    match strings.as_slice() {
        [only] => Ok(*only),
        [] => Err(
            "its data has no text (no field holds a string): spantag imports text tasks"
                .to_string(),
        ),
        several => Err(format!(
            "its data has no `text` field and several text fields ({}); which one is the \
             article cannot be told (rename it to `text`)",
            several
                .iter()
                .map(|(name, _)| format!("{name:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

// ---------------------------------------------------------------------------------------
// Choosing the annotation.

/// One annotation of a task, as far as choosing one needs.
struct Annotation<'a> {
    /// `annotation 1001 by annotator 10 (a@b.org)`.
    name: String,
    by: Annotator,
    order: (Option<Instant>, Option<Instant>, IdKey, usize),
    results: &'a [Value],
}

/// Who made an annotation (`completed_by`).
#[derive(Default)]
struct Annotator {
    id: Option<String>,
    email: Option<String>,
}

impl Annotator {
    fn read(value: Option<&Value>) -> Annotator {
        match value {
            Some(Value::Object(user)) => Annotator {
                id: user.get("id").and_then(id_text),
                email: user
                    .get("email")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            },
            Some(Value::String(s)) if s.contains('@') => Annotator {
                id: None,
                email: Some(s.clone()),
            },
            Some(other) => Annotator {
                id: id_text(other),
                email: None,
            },
            None => Annotator::default(),
        }
    }

    fn matches(&self, wanted: &str) -> bool {
        let wanted = wanted.trim();
        self.id.as_deref() == Some(wanted)
            || self
                .email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(wanted))
    }

    fn same(&self, other: &Annotator) -> bool {
        (self.id.is_some() && self.id == other.id)
            || (self.email.is_some() && self.email == other.email)
    }

    fn describe(&self) -> String {
        match (&self.id, &self.email) {
            (Some(id), Some(email)) => format!("annotator {id} ({email})"),
            (Some(id), None) => format!("annotator {id}"),
            (None, Some(email)) => format!("annotator {email}"),
            (None, None) => "an unnamed annotator".to_string(),
        }
    }
}

/// An annotation id for ordering: numbers by value, then other strings.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum IdKey {
    None,
    Number(u64),
    Text(String),
}

fn id_key(value: Option<&Value>) -> IdKey {
    match value.and_then(id_text) {
        None => IdKey::None,
        Some(text) => match text.parse() {
            Ok(n) => IdKey::Number(n),
            Err(_) => IdKey::Text(text),
        },
    }
}

/// Picks the annotation to import and reports the others. `None` when the task has none
/// to import (none at all, all cancelled, or none by the annotator asked for).
fn choose_annotation<'a>(
    annotations: &[&'a Value],
    options: &Options,
    place: &Place,
    report: &mut Report,
) -> Option<Annotation<'a>> {
    let mut candidates: Vec<Annotation<'a>> = Vec::new();
    for (position, &value) in annotations.iter().enumerate() {
        let Some(annotation) = value.as_object() else {
            report.errors.push(place.problem(format!(
                "annotation {} is not an object; not read",
                position + 1
            )));
            continue;
        };
        let by = Annotator::read(annotation.get("completed_by"));
        let id = annotation.get("id").and_then(id_text);
        let name = match &id {
            Some(id) => format!("annotation {id} by {}", by.describe()),
            None => format!("annotation {} by {}", position + 1, by.describe()),
        };
        if annotation.get("was_cancelled").and_then(Value::as_bool) == Some(true) {
            report.left_out.push(place.problem(format!(
                "{name} was cancelled (skipped) in Label Studio: not imported"
            )));
            continue;
        }
        let results = match annotation.get("result") {
            Some(Value::Array(results)) => results.as_slice(),
            None | Some(Value::Null) => &[],
            Some(_) => {
                report
                    .errors
                    .push(place.problem(format!("{name}: its `result` is not a list")));
                continue;
            }
        };
        let order = (
            annotation.get("updated_at").and_then(instant),
            annotation.get("created_at").and_then(instant),
            id_key(annotation.get("id")),
            position,
        );
        candidates.push(Annotation {
            name,
            by,
            order,
            results,
        });
    }
    let wanted = options.annotator.as_deref();
    let chosen = candidates
        .iter()
        .enumerate()
        .filter(|(_, a)| wanted.is_none_or(|w| a.by.matches(w)))
        .max_by(|(_, a), (_, b)| a.order.cmp(&b.order))
        .map(|(i, _)| i);
    let chosen = chosen.map(|i| candidates.remove(i));
    for other in &candidates {
        let why = match (wanted, &chosen) {
            (None, Some(latest)) => format!(
                "it is not the latest; {} is imported (ask for another annotator's with \
                 --annotator)",
                latest.name
            ),
            (Some(_), Some(theirs)) if other.by.same(&theirs.by) => {
                format!("an older one of theirs; {} is imported", theirs.name)
            }
            (Some(w), Some(_)) => format!("only {w:?}'s annotation was asked for"),
            (Some(w), None) => {
                format!("only {w:?}'s annotation was asked for, and {w:?} has none in this task")
            }
            (None, None) => "it could not be read".to_string(),
        };
        report
            .left_out
            .push(place.problem(format!("{} is not imported: {why}", other.name)));
    }
    chosen
}

/// A point in time: seconds and nanoseconds since 1970-01-01 UTC.
type Instant = (i64, u32);

/// A Label Studio time: an ISO 8601 string (`2021-03-09T22:16:08.728378Z`, any offset or
/// none, read as UTC) or, before Label Studio 1.0, a number of seconds.
fn instant(value: &Value) -> Option<Instant> {
    match value {
        Value::Number(n) => {
            if let Some(seconds) = n.as_i64() {
                return Some((seconds, 0));
            }
            let f = n.as_f64()?;
            let seconds = f.floor();
            Some((seconds as i64, ((f - seconds) * 1e9) as u32))
        }
        Value::String(s) => iso_instant(s.trim()),
        _ => None,
    }
}

fn iso_instant(s: &str) -> Option<Instant> {
    let digits = |range: Range<usize>| -> Option<i64> {
        let part = s.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let bytes = s.as_bytes();
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    let mut nanos = 0u32;
    let mut at = 10;
    if matches!(bytes.get(at), Some(b'T' | b't' | b' ')) {
        let (hour, minute) = (digits(at + 1..at + 3)?, digits(at + 4..at + 6)?);
        at += 6;
        seconds += hour * 3600 + minute * 60;
        if bytes.get(at) == Some(&b':') {
            seconds += digits(at + 1..at + 3)?;
            at += 3;
        }
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            let mut scale = 100_000_000u32;
            while let Some(d) = bytes.get(at).filter(|b| b.is_ascii_digit()) {
                nanos += u32::from(d - b'0') * scale;
                scale /= 10;
                at += 1;
            }
        }
    }
    // The zone: none (read as UTC), `Z`, or `+HH`, `+HHMM`, `+HH:MM` (or `-`).
    let zone = s.get(at..)?;
    let offset = match zone.as_bytes().first() {
        None => 0,
        Some(b'Z' | b'z') if zone.len() == 1 => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let hhmm: String = zone[1..].chars().filter(|&c| c != ':').collect();
            if !matches!(hhmm.len(), 2 | 4) || !hhmm.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let hours: i64 = hhmm.get(0..2)?.parse().ok()?;
            let minutes: i64 = hhmm.get(2..).map_or(Some(0), |m| m.parse().ok())?;
            let offset = hours * 3600 + minutes * 60;
            if sign == b'-' {
                -offset
            } else {
                offset
            }
        }
        Some(_) => return None,
    };
    Some((seconds - offset, nanos))
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

// ---------------------------------------------------------------------------------------
// One annotation's or prediction's results.

struct ResultSet<'a> {
    /// `annotation 1001 by annotator 10`, `prediction 1 (model 1)`.
    name: String,
    results: &'a [Value],
    /// The suggestions' source, for a prediction.
    source: Option<String>,
}

/// What one result set holds that spantag keeps.
#[derive(Default)]
struct Read {
    spans: Vec<Span>,
    relations: Vec<Relation>,
}

/// The regions read, by id: the results of one region share it, and some tools give
/// several regions one id.
type Regions = HashMap<String, Vec<Region>>;

/// A region read from a `labels` result: its range and the spans it became.
struct Region {
    /// The offsets as written, to match a per-region result that repeats them.
    written: (u64, u64),
    /// Indices into the spans read.
    spans: Vec<usize>,
}

/// The unit a region's offsets count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Chars,
    Utf16,
}

/// Where a region's offsets can point, read in each unit: kept only where the region's
/// text is, or for a region without text (`checked` false), where the range is inside.
struct Readings {
    chars: Option<Range<usize>>,
    utf16: Option<Range<usize>>,
    checked: bool,
}

impl Readings {
    /// The unit this region proves: its text is at one reading only.
    fn proves(&self) -> Option<Unit> {
        match (&self.chars, &self.utf16, self.checked) {
            (Some(_), None, true) => Some(Unit::Chars),
            (None, Some(_), true) => Some(Unit::Utf16),
            _ => None,
        }
    }

    /// The region's range, given the unit its set's other regions prove. Where both
    /// readings hold the region's text, the evidence decides, else code points (Label
    /// Studio's unit); without text, a range is read only where both agree or the
    /// evidence decides.
    fn resolve(&self, evidence: Option<Unit>) -> Result<(Range<usize>, Unit), String> {
        match (&self.chars, &self.utf16) {
            (Some(chars), Some(utf16)) if chars == utf16 => Ok((chars.clone(), Unit::Chars)),
            (_, Some(utf16)) if evidence == Some(Unit::Utf16) => Ok((utf16.clone(), Unit::Utf16)),
            (Some(chars), _) if evidence == Some(Unit::Chars) || self.checked => {
                Ok((chars.clone(), Unit::Chars))
            }
            (None, Some(utf16)) if self.checked => Ok((utf16.clone(), Unit::Utf16)),
            _ => Err(
                "it has no text to check its range against, and the range covers \
                      different text read as code points (Label Studio) and as UTF-16 units \
                      (older Label Studio)"
                    .to_string(),
            ),
        }
    }
}

/// A `labels` result ready to become spans once span ids are given out.
struct Draft {
    at: usize,
    key: Option<String>,
    written: (u64, u64),
    readings: Readings,
    labels: Vec<String>,
    expected: Option<String>,
    note: String,
}

struct SetReader<'a, 'r> {
    place: &'a Place<'a>,
    set: &'a str,
    builder: &'a Builder,
    /// UTF-16 offset of each char of the text, made when first needed; `None` when the
    /// text has no char outside the Basic Multilingual Plane (the units agree).
    utf16: Option<&'a OnceCell<Vec<usize>>>,
    /// The object (`to_name`) the article's regions are on, when the task has several.
    object: Option<&'a str>,
    report: &'r mut Report,
}

impl SetReader<'_, '_> {
    /// `task 3: annotation 1001 by annotator 10: result abc (labels label): …`.
    fn problem(&self, results: &[Value], at: usize, message: impl std::fmt::Display) -> Problem {
        let result = &results[at];
        let id = result
            .get("id")
            .and_then(id_text)
            .unwrap_or_else(|| format!("#{}", at + 1));
        let kind = result.get("type").and_then(Value::as_str).unwrap_or("?");
        let from = result
            .get("from_name")
            .and_then(Value::as_str)
            .map(|f| format!(" {f}"))
            .unwrap_or_default();
        self.place.problem(format!(
            "{}: result {id} ({kind}{from}): {message}",
            self.set
        ))
    }

    fn error(&mut self, results: &[Value], at: usize, message: impl std::fmt::Display) {
        let problem = self.problem(results, at, message);
        self.report.errors.push(problem);
    }

    fn leave_out(&mut self, results: &[Value], at: usize, message: impl std::fmt::Display) {
        let problem = self.problem(results, at, message);
        self.report.left_out.push(problem);
    }

    /// Reads one annotation's (or prediction's) results; relations only when `relations`.
    fn read(&mut self, results: &[Value], relations: bool) -> Read {
        let mut drafts = Vec::new();
        let mut controls = Vec::new();
        let mut links = Vec::new();
        // Ids of regions refused or left out, so what names them says why it goes too.
        let mut unplaced: HashSet<String> = HashSet::new();
        for (at, result) in results.iter().enumerate() {
            let kind = result.get("type").and_then(Value::as_str);
            match kind {
                _ if !result.is_object() => self.error(results, at, "is not an object"),
                Some(kind) if REGION_TYPES.contains(&kind) => match self.draft(results, at) {
                    Ok(Some(draft)) => drafts.push(draft),
                    Ok(None) => unplaced.extend(result.get("id").and_then(id_text)),
                    Err(why) => {
                        unplaced.extend(result.get("id").and_then(id_text));
                        self.error(results, at, why);
                    }
                },
                Some(kind) if CONTROL_TYPES.contains(&kind) => controls.push(at),
                Some("relation") => links.push(at),
                Some(other) => self.leave_out(
                    results,
                    at,
                    format!("a {other:?} result marks no range of the text spantag can hold"),
                ),
                None => self.error(results, at, "has no `type`"),
            }
        }

        // The unit the set's decisive regions (text at one reading only) were written in
        // decides the others: one annotation was made in one version of Label Studio.
        let (mut by_chars, mut by_utf16) = (0, 0);
        for draft in &drafts {
            match draft.readings.proves() {
                Some(Unit::Chars) => by_chars += 1,
                Some(Unit::Utf16) => by_utf16 += 1,
                None => {}
            }
        }
        let evidence = match by_chars.cmp(&by_utf16) {
            Ordering::Greater => Some(Unit::Chars),
            Ordering::Less => Some(Unit::Utf16),
            Ordering::Equal => None,
        };
        let mut placed = Vec::new();
        for draft in drafts {
            match draft.readings.resolve(evidence) {
                Ok((range, unit)) => placed.push((draft, range, unit)),
                Err(why) => {
                    unplaced.extend(draft.key.clone());
                    self.error(results, draft.at, why);
                }
            }
        }

        let mut read = Read::default();
        let regions = self.spans(results, placed, &mut read.spans, &mut unplaced);
        for at in controls {
            self.control(results, at, &regions, &unplaced, &mut read.spans);
        }
        if relations {
            for at in links {
                match self.relation(results, at, &regions, &unplaced, &read.spans) {
                    Ok(new) => {
                        for (from, to, kind) in new {
                            read.relations.push(Relation {
                                id: read.relations.len() as u64 + 1,
                                kind,
                                from,
                                to,
                            });
                        }
                    }
                    Err(why) => self.error(results, at, why),
                }
            }
        } else if !links.is_empty() {
            self.report.left_out.push(self.place.problem(format!(
                "{}: {} relation{} not kept: suggestions have no relations",
                self.set,
                links.len(),
                if links.len() == 1 { " is" } else { "s are" }
            )));
        }
        read
    }

    /// A `labels` (or `hypertextlabels`) result, checked against the text. `None` when it
    /// is left out (reported here).
    fn draft(&mut self, results: &[Value], at: usize) -> Result<Option<Draft>, String> {
        let result = &results[at];
        let kind = result.get("type").and_then(Value::as_str).unwrap_or("");
        if let (Some(object), Some(to_name)) =
            (self.object, result.get("to_name").and_then(Value::as_str))
        {
            if object != to_name {
                self.leave_out(
                    results,
                    at,
                    format!(
                        "it is on {to_name:?}, another of the task's fields; the article \
                         holds data.{object} only"
                    ),
                );
                return Ok(None);
            }
        }
        let value = result
            .get("value")
            .and_then(Value::as_object)
            .ok_or("has no `value` object")?;
        let written = written_offsets(value)?;
        let labels = region_labels(value, kind)?;
        if labels.is_empty() {
            self.leave_out(results, at, "it has no label, and a span needs one");
            return Ok(None);
        }
        let expected = match value.get("text") {
            Some(Value::String(text)) => Some(text.clone()),
            None | Some(Value::Null) => None,
            Some(_) => return Err("its `text` is not a string".to_string()),
        };
        let readings = self
            .locate(written, expected.as_deref())
            .map_err(|why| match kind {
                "hypertextlabels" => format!(
                    "{why} (HyperText offsets count the page as shown, not the HTML the task \
                     holds)"
                ),
                _ => why,
            })?;
        Ok(Some(Draft {
            at,
            key: result.get("id").and_then(id_text),
            written,
            readings,
            labels,
            expected,
            note: meta_note(result),
        }))
    }

    /// Where written offsets can point: as code points and as UTF-16 units, each only
    /// where the region's text is (without text: inside the text). `Err` when nowhere.
    fn locate(&self, (start, end): (u64, u64), expected: Option<&str>) -> Result<Readings, String> {
        let text = &self.builder.text;
        let len = text.len_chars();
        let as_chars = usize::try_from(start)
            .ok()
            .zip(usize::try_from(end).ok())
            .filter(|&(s, e)| s < e && e <= len)
            .map(|(s, e)| s..e);
        let as_utf16 = match self.utf16 {
            // No char outside the Basic Multilingual Plane: both units read the same.
            None => as_chars.clone(),
            Some(units) => {
                let units = units.get_or_init(|| utf16_offsets(text.as_str()));
                let unit = |u: u64| {
                    usize::try_from(u)
                        .ok()
                        .and_then(|u| units.binary_search(&u).ok())
                };
                unit(start)
                    .zip(unit(end))
                    .filter(|&(s, e)| s < e)
                    .map(|(s, e)| s..e)
            }
        };
        let Some(expected) = expected else {
            if as_chars.is_none() && as_utf16.is_none() {
                return Err(format!(
                    "its range {start}..{end} is outside the {len}-char text"
                ));
            }
            return Ok(Readings {
                chars: as_chars,
                utf16: as_utf16,
                checked: false,
            });
        };
        let matches = |range: &Range<usize>| text.get(range.clone()) == Some(expected);
        if as_chars.as_ref().is_some_and(matches) || as_utf16.as_ref().is_some_and(matches) {
            return Ok(Readings {
                chars: as_chars.filter(matches),
                utf16: as_utf16.filter(matches),
                checked: true,
            });
        }
        let at_chars = match &as_chars {
            Some(range) => format!("{:?}", short(text.get(range.clone()).unwrap_or_default())),
            None => format!("outside the {len}-char text"),
        };
        let at_utf16 = match &as_utf16 {
            Some(range) if Some(range) != as_chars.as_ref() => format!(
                ", and as UTF-16 units {:?}",
                short(text.get(range.clone()).unwrap_or_default())
            ),
            _ => String::new(),
        };
        Err(format!(
            "it says {:?} but {start}..{end} read as code points is {at_chars}{at_utf16}",
            short(expected)
        ))
    }

    /// Gives out span ids and makes the spans: a region's first span keeps the number in its
    /// id (`s12` from spantag's export, `12` from a model) when no other span has it.
    fn spans(
        &mut self,
        results: &[Value],
        drafts: Vec<(Draft, Range<usize>, Unit)>,
        spans: &mut Vec<Span>,
        unplaced: &mut HashSet<String>,
    ) -> Regions {
        let mut used: HashSet<u64> = HashSet::new();
        let wanted: Vec<Option<u64>> = drafts
            .iter()
            .map(|(d, _, _)| {
                d.key
                    .as_deref()
                    .and_then(preferred_id)
                    .filter(|&n| used.insert(n))
            })
            .collect();
        let mut next = used.iter().max().map_or(1, |&max| max + 1);
        let mut regions = Regions::new();
        for ((draft, range, unit), wanted) in drafts.into_iter().zip(wanted) {
            let mut region = Region {
                written: draft.written,
                spans: Vec::new(),
            };
            for (k, label) in draft.labels.iter().enumerate() {
                let id = match wanted {
                    Some(id) if k == 0 => id,
                    _ => next,
                };
                match self.builder.span(
                    id,
                    label,
                    range.start,
                    range.end,
                    draft.expected.as_deref(),
                ) {
                    Ok(mut span) => {
                        if id == next {
                            next += 1;
                        }
                        if unit == Unit::Utf16 {
                            self.report.count(READ_AS_UTF16, 1);
                        }
                        span.note.clone_from(&draft.note);
                        region.spans.push(spans.len());
                        spans.push(span);
                    }
                    Err(why) => self.error(results, draft.at, why),
                }
            }
            if region.spans.len() > 1 {
                self.report
                    .count("regions with several labels (one span each)", 1);
            }
            match draft.key {
                Some(key) if region.spans.is_empty() => {
                    unplaced.insert(key);
                }
                Some(key) => regions.entry(key).or_default().push(region),
                // Its spans are read; nothing can name it.
                None => {}
            }
        }
        regions
    }

    /// A per-region result: attributes (or the entity link) of its region's spans. Without
    /// a region, a statement about the whole task, which spantag has no place for.
    fn control(
        &mut self,
        results: &[Value],
        at: usize,
        regions: &Regions,
        unplaced: &HashSet<String>,
        spans: &mut [Span],
    ) {
        let result = &results[at];
        let kind = result.get("type").and_then(Value::as_str).unwrap_or("");
        let name = result
            .get("from_name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(value) = result.get("value").and_then(Value::as_object) else {
            return self.error(results, at, "has no `value` object");
        };
        let entity = kind == "textarea" && name == ENTITY_FROM_NAME;
        let attr = match attribute(kind, value, entity) {
            // Nothing chosen or typed: nothing to keep.
            Ok(Attr::Empty) => return,
            Ok(attr) => attr,
            Err(why) => return self.error(results, at, why),
        };
        let key = result.get("id").and_then(id_text);
        let written = written_offsets(value).ok();
        let mut mine: Vec<&Region> = key
            .as_ref()
            .and_then(|key| regions.get(key))
            .map(|r| r.iter().collect())
            .unwrap_or_default();
        if let Some(written) = written {
            if mine.iter().any(|r| r.written == written) {
                mine.retain(|r| r.written == written);
            }
        }
        let shown = match &attr {
            Attr::One(v) | Attr::Joined(v) => format!("{:?}", short(v)),
            Attr::Unfit(_, v) => v.clone(),
            Attr::Empty => String::new(),
        };
        if mine.is_empty() {
            let why = match &key {
                Some(key) if unplaced.contains(key) => {
                    format!("{name} = {shown} is not kept: its region {key} was not imported")
                }
                _ if written.is_some() => format!(
                    "{name} = {shown} is not kept: no labelled region has its id, and a span \
                     needs a label"
                ),
                _ => format!(
                    "{name} = {shown} is about the whole task, and spantag has no \
                     document-level labels"
                ),
            };
            return self.leave_out(results, at, why);
        }
        if mine.iter().any(|r| r.written != mine[0].written) {
            return self.leave_out(
                results,
                at,
                format!(
                    "{name} = {shown} is not kept: {} regions share its id and it names no \
                     range to tell them apart",
                    mine.len()
                ),
            );
        }
        let value = match attr {
            Attr::One(v) => v,
            Attr::Joined(v) => {
                self.report
                    .count("attributes joined from several values", 1);
                v
            }
            Attr::Unfit(why, _) => {
                return self.leave_out(results, at, format!("{name} = {shown} is not kept: {why}"))
            }
            Attr::Empty => return,
        };
        let mut conflicts = Vec::new();
        for &i in mine.iter().flat_map(|r| &r.spans) {
            let Some(span) = spans.get_mut(i) else {
                continue;
            };
            let had = if entity {
                span.entity.clone()
            } else {
                span.attrs.get(name).cloned()
            };
            if let Some(had) = had {
                if had != value {
                    conflicts.push(format!(
                        "{name} = {:?} is not kept: span {} already has {name} = {:?}",
                        short(&value),
                        span.id,
                        short(&had)
                    ));
                }
                continue;
            }
            let set = if entity {
                set_entity(span, value.clone())
            } else {
                set_attr(span, name, value.clone())
            };
            if let Err(why) = set {
                return self.error(results, at, why);
            }
        }
        for conflict in conflicts {
            self.leave_out(results, at, conflict);
        }
        let meta = meta_note(result);
        if !meta.is_empty() {
            for &i in mine.iter().flat_map(|r| &r.spans) {
                if let Some(span) = spans.get_mut(i) {
                    add_note(span, &meta);
                }
            }
        }
    }

    /// The relations one `relation` result makes: (from, to, kind) of span ids. A relation
    /// to a region that was not imported is left out with it (`Ok` and nothing).
    fn relation(
        &mut self,
        results: &[Value],
        at: usize,
        regions: &Regions,
        unplaced: &HashSet<String>,
        spans: &[Span],
    ) -> Result<Vec<(u64, u64, String)>, String> {
        let result = &results[at];
        let labels = match result.get("labels") {
            None | Some(Value::Null) => Vec::new(),
            Some(value) => strings(value).ok_or("its `labels` is not a list of strings")?,
        };
        if labels
            .iter()
            .any(|l| l.trim().is_empty() || l.chars().any(char::is_control))
        {
            return Err(format!(
                "a label in {labels:?} is empty or has control characters"
            ));
        }
        let direction = result
            .get("direction")
            .and_then(Value::as_str)
            .unwrap_or("right");
        if !["right", "left", "bi"].contains(&direction) {
            return Err(format!("direction {direction:?} is not right, left or bi"));
        }
        let mut ends = [0; 2];
        for (slot, field) in ends.iter_mut().zip(["from_id", "to_id"]) {
            let key = result
                .get(field)
                .and_then(id_text)
                .ok_or_else(|| format!("has no `{field}`"))?;
            *slot = match regions.get(&key).map_or(&[][..], Vec::as_slice) {
                [] if unplaced.contains(&key) => {
                    self.leave_out(
                        results,
                        at,
                        format!("not kept: its {field} {key} names a region that was not imported"),
                    );
                    return Ok(Vec::new());
                }
                [] => return Err(format!("its {field} {key} names no region")),
                [first, rest @ ..] if rest.iter().all(|r| r.written == first.written) => first
                    .spans
                    .first()
                    .and_then(|&i| spans.get(i))
                    .map(|s| s.id)
                    .ok_or_else(|| format!("its {field} {key} names a region without spans"))?,
                several => {
                    return Err(format!(
                        "its {field} {key} is the id of {} regions at different places; which \
                         one it links cannot be told",
                        several.len()
                    ))
                }
            };
        }
        let [from, to] = ends;
        let pairs = match direction {
            "left" => {
                self.report
                    .count("relations read right to left (direction left)", 1);
                vec![(to, from)]
            }
            "bi" => {
                self.report.count(
                    "two-way relations (direction bi), imported once each way",
                    1,
                );
                vec![(from, to), (to, from)]
            }
            _ => vec![(from, to)],
        };
        let labels = if labels.is_empty() {
            self.report
                .count("relations without a label (kind \"related\")", 1);
            vec!["related".to_string()]
        } else {
            labels
        };
        if labels.len() > 1 {
            self.report
                .count("relations with several labels (one each)", 1);
        }
        if let Some(notes) = result
            .get("notes")
            .and_then(Value::as_str)
            .filter(|n| !n.trim().is_empty())
        {
            self.leave_out(
                results,
                at,
                format!(
                    "its note {:?} is not kept: spantag relations have no notes",
                    short(notes)
                ),
            );
        }
        Ok(labels
            .iter()
            .flat_map(|kind| pairs.iter().map(|&(f, t)| (f, t, kind.clone())))
            .collect())
    }
}

/// The number a region id carries: `s12` (spantag's export), `12` or "12"; `None` for
/// Label Studio's random ids and for 0. Kept below 2^53 so ids stay exact in JSON.
fn preferred_id(key: &str) -> Option<u64> {
    let digits = key.strip_prefix('s').unwrap_or(key);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|&n| n > 0 && n < 1 << 53)
}

/// A region's offsets as written: `start` and `end`, or a HyperText region's
/// `globalOffsets` (its `start` and `end` are XPaths).
fn written_offsets(value: &Map<String, Value>) -> Result<(u64, u64), String> {
    let pair = |object: &Map<String, Value>| {
        Some((object.get("start")?.as_u64()?, object.get("end")?.as_u64()?))
    };
    if let Some(pair) = pair(value) {
        return Ok(pair);
    }
    if let Some(global) = value.get("globalOffsets").and_then(Value::as_object) {
        if let Some(pair) = pair(global) {
            return Ok(pair);
        }
    }
    if value.get("start").is_some_and(Value::is_string) {
        return Err(
            "its start and end are XPaths into HTML with no globalOffsets; spantag imports \
             text offsets"
                .to_string(),
        );
    }
    Err("has no whole-number `start` and `end`".to_string())
}

/// The labels of a region result: under its type's name (`labels`, `hypertextlabels`), or
/// `htmllabels` (HyperText before Label Studio 1.0). Repeats are dropped.
fn region_labels(value: &Map<String, Value>, kind: &str) -> Result<Vec<String>, String> {
    let Some(list) = [kind, "labels", "htmllabels"]
        .iter()
        .find_map(|key| value.get(*key).filter(|v| !v.is_null()))
    else {
        return Ok(Vec::new());
    };
    let mut labels = strings(list).ok_or("its labels are not a list of strings")?;
    let mut seen = HashSet::new();
    labels.retain(|label| seen.insert(label.clone()));
    Ok(labels)
}

/// A list of strings, or one string.
fn strings(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

/// The note a region's `meta` holds (`{"text": ["…"]}` or `{"text": "…"}`), lines joined.
fn meta_note(result: &Value) -> String {
    result
        .get("meta")
        .and_then(|meta| meta.get("text"))
        .and_then(strings)
        .map(|lines| {
            lines
                .into_iter()
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn add_note(span: &mut Span, note: &str) {
    if span.note.is_empty() {
        span.note = note.to_string();
    } else if !span.note.split('\n').any(|line| line == note) {
        span.note.push('\n');
        span.note.push_str(note);
    }
}

/// An attribute value read from a per-region result.
enum Attr {
    One(String),
    /// Several values in one: choices joined by `, `, typed texts by line breaks.
    Joined(String),
    /// A value spantag cannot hold as one attribute: why, and the value as shown.
    Unfit(&'static str, String),
    /// Nothing chosen or typed.
    Empty,
}

/// The attribute value of a per-region result of type `kind`; `Err` when its value is not
/// the shape Label Studio writes for that type.
fn attribute(kind: &str, value: &Map<String, Value>, entity: bool) -> Result<Attr, String> {
    let field = |name: &str| {
        value
            .get(name)
            .filter(|v| !v.is_null())
            .ok_or_else(|| format!("has no `{name}` in its value"))
    };
    let several = |values: Vec<String>, joiner: &str| match values.len() {
        0 => Attr::Empty,
        1 => Attr::One(values.into_iter().next().unwrap_or_default()),
        _ => Attr::Joined(values.join(joiner)),
    };
    Ok(match kind {
        "choices" => several(
            strings(field("choices")?).ok_or("its choices are not strings")?,
            ", ",
        ),
        "textarea" => {
            let texts = strings(field("text")?).ok_or("its text is not strings")?;
            if entity && texts.len() > 1 {
                Attr::Unfit("an entity link holds one id", format!("{texts:?}"))
            } else {
                several(texts, "\n")
            }
        }
        "rating" | "number" => match field(kind)? {
            Value::Number(n) => Attr::One(n.to_string()),
            _ => return Err(format!("its {kind} is not a number")),
        },
        "datetime" => match field(kind)? {
            Value::String(s) => Attr::One(s.clone()),
            _ => return Err("its datetime is not a string".to_string()),
        },
        "taxonomy" => {
            let paths: Vec<Vec<String>> = field(kind)?
                .as_array()
                .and_then(|paths| paths.iter().map(strings).collect())
                .ok_or("its taxonomy is not a list of paths")?;
            let shown: Vec<String> = paths.iter().map(|p| p.join(" / ")).collect();
            match shown.as_slice() {
                [one] => Attr::One(one.clone()),
                [] => Attr::Empty,
                _ => Attr::Unfit(
                    "several taxonomy paths; a spantag attribute holds one",
                    format!("{shown:?}"),
                ),
            }
        }
        _ => return Err(format!("{kind} results are not read")),
    })
}

/// Text for a report: at most 60 chars.
fn short(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((byte, _)) => format!("{}…", &text[..byte]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SuggestionStatus;

    fn read(input: &str) -> Parsed {
        parse("in.json", input, &Options::default())
    }

    fn read_as(input: &str, options: Options) -> Parsed {
        parse("in.json", input, &options)
    }

    /// (id, label, start, end, text) of each span, in order.
    fn marks(article: &ImportedArticle) -> Vec<(u64, &str, usize, usize, &str)> {
        article
            .spans
            .iter()
            .map(|s| (s.id, s.label.as_str(), s.start, s.end, s.text.as_str()))
            .collect()
    }

    fn links(article: &ImportedArticle) -> Vec<(&str, u64, u64)> {
        article
            .relations
            .iter()
            .map(|r| (r.kind.as_str(), r.from, r.to))
            .collect()
    }

    fn messages(problems: &[Problem]) -> String {
        problems
            .iter()
            .map(|p| format!("{p}\n"))
            .collect::<String>()
    }

    fn no_errors(parsed: &Parsed) {
        assert!(
            parsed.report.errors.is_empty(),
            "{}",
            messages(&parsed.report.errors)
        );
    }

    /// One `labels` result.
    fn region(id: &str, start: usize, end: usize, text: &str, labels: &[&str]) -> String {
        format!(
            r#"{{"id":{id},"from_name":"label","to_name":"text","type":"labels","value":{{"start":{start},"end":{end},"text":{text:?},"labels":{labels:?}}}}}"#
        )
    }

    const TEXT: &str = "Lavrov said Cairo would wait.";

    #[test]
    fn one_task_object_is_one_article() {
        let input = format!(
            r#"{{"id": 7, "data": {{"text": "{TEXT}"}}, "annotations": [{{"id": 1, "result": [{}]}}]}}"#,
            region("\"x1\"", 0, 6, "Lavrov", &["actor"])
        );
        let parsed = read(&input);
        no_errors(&parsed);
        let [article] = parsed.articles.as_slice() else {
            panic!("one article: {:?}", parsed.articles);
        };
        assert_eq!(article.name, "7.txt", "the task id names it");
        assert_eq!(article.text, TEXT);
        assert_eq!(marks(article), [(1, "actor", 0, 6, "Lavrov")]);
        assert_eq!(article.from, "in.json:1: task 1 (id 7)");
        assert_eq!(parsed.report.imported["articles"], 1);
        assert_eq!(parsed.report.imported["spans"], 1);
        assert_eq!(parsed.report.imported["annotations"], 1);
    }

    #[test]
    fn articles_are_named_by_data_id_then_task_id_then_position() {
        let input = r#"[
            {"id": 3, "data": {"id": "cairo/day-1", "text": "a"}},
            {"id": 4, "data": {"text": "b"}},
            {"data": {"text": "c"}},
            {"data": {"id": "../up", "text": "d"}}
        ]"#;
        let parsed = read(input);
        no_errors(&parsed);
        let names: Vec<&str> = parsed.articles.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
            ["cairo/day-1.txt", "4.txt", "doc-00003.txt", "doc-00004.txt"]
        );
        assert!(parsed.report.left_out.is_empty(), "{:?}", parsed.report);
    }

    #[test]
    fn integer_result_ids_give_span_ids_and_link_relations() {
        let input = format!(
            r#"[{{"data": {{"text": "{TEXT}"}}, "annotations": [{{"result": [{}, {}, {{"type": "relation", "from_id": 12, "to_id": 5, "direction": "right", "labels": ["said_by"]}}]}}]}}]"#,
            region("5", 0, 6, "Lavrov", &["actor"]),
            region("12", 7, 11, "said", &["quote"]),
        );
        let parsed = read(&input);
        no_errors(&parsed);
        let article = &parsed.articles[0];
        assert_eq!(
            marks(article),
            [(5, "actor", 0, 6, "Lavrov"), (12, "quote", 7, 11, "said")]
        );
        assert_eq!(links(article), [("said_by", 12, 5)]);
    }

    #[test]
    fn spantag_ids_come_back_and_fresh_ids_never_collide() {
        // `s3` keeps 3; a random id and a repeated `s3` get ids above every kept one.
        let input = format!(
            r#"[{{"data": {{"text": "{TEXT}"}}, "annotations": [{{"result": [{}, {}, {}]}}]}}]"#,
            region("\"s3\"", 0, 6, "Lavrov", &["actor"]),
            region("\"Xy_9\"", 12, 17, "Cairo", &["location"]),
            region("\"s3\"", 7, 11, "said", &["quote"]),
        );
        let parsed = read(&input);
        no_errors(&parsed);
        let ids: Vec<u64> = parsed.articles[0].spans.iter().map(|s| s.id).collect();
        assert_eq!(ids, [3, 4, 5]);
    }

    #[test]
    fn the_results_of_one_region_become_its_spans_attributes() {
        // One region, every per-region control Label Studio has, all under its id.
        let per_region = |kind: &str, name: &str, value: &str| {
            format!(
                r#"{{"id":"r1","from_name":"{name}","to_name":"text","type":"{kind}","value":{{"start":0,"end":6,{value}}}}}"#
            )
        };
        let results = [
            region("\"r1\"", 0, 6, "Lavrov", &["actor"]),
            per_region(
                "choices",
                "verdict",
                r#""text":"Lavrov","choices":["misleading"]"#,
            ),
            per_region("choices", "topics", r#""choices":["war","trade"]"#),
            per_region("textarea", "entity", r#""text":["sergei-lavrov"]"#),
            per_region("textarea", "comment", r#""text":["first","second"]"#),
            per_region("rating", "weight", r#""rating":4"#),
            per_region("number", "share", r#""number":0.25"#),
            per_region("datetime", "when", r#""datetime":"2024-05-01T10:00""#),
            per_region("taxonomy", "kind", r#""taxonomy":[["person","official"]]"#),
            per_region("taxonomy", "also", r#""taxonomy":[["a"],["b"]]"#),
        ];
        let input = format!(
            r#"[{{"data": {{"text": "{TEXT}"}}, "annotations": [{{"result": [{}]}}]}}]"#,
            results.join(",")
        );
        let parsed = read(&input);
        no_errors(&parsed);
        let span = &parsed.articles[0].spans[0];
        let attrs: Vec<(&str, &str)> = span
            .attrs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            attrs,
            [
                ("comment", "first\nsecond"),
                ("kind", "person / official"),
                ("share", "0.25"),
                ("topics", "war, trade"),
                ("verdict", "misleading"),
                ("weight", "4"),
                ("when", "2024-05-01T10:00"),
            ]
        );
        assert_eq!(span.entity.as_deref(), Some("sergei-lavrov"));
        assert_eq!(parsed.report.imported["attributes"], 7);
        assert_eq!(parsed.report.imported["entity links"], 1);
        assert_eq!(
            parsed.report.imported["attributes joined from several values"],
            2
        );
        // Two taxonomy paths do not fit one attribute: reported, with the result.
        let [left_out] = parsed.report.left_out.as_slice() else {
            panic!("{}", messages(&parsed.report.left_out));
        };
        assert!(
            left_out
                .to_string()
                .starts_with("in.json:1: task 1: annotation 1 by an unnamed annotator: result r1 (taxonomy also): also = [\"a\", \"b\"] is not kept"),
            "{left_out}"
        );
    }

    #[test]
    fn several_labels_make_one_span_each_and_relations_link_the_first() {
        let input = format!(
            r#"[{{"data": {{"text": "{TEXT}"}}, "annotations": [{{"result": [{}, {}, {{"id":"r1","from_name":"verdict","to_name":"text","type":"choices","value":{{"start":12,"end":17,"choices":["true"]}}}}, {{"type": "relation", "from_id": "r2", "to_id": "r1", "labels": ["at"]}}]}}]}}]"#,
            region("\"r1\"", 12, 17, "Cairo", &["location", "actor"]),
            region("\"r2\"", 0, 6, "Lavrov", &["actor"]),
        );
        let parsed = read(&input);
        no_errors(&parsed);
        let article = &parsed.articles[0];
        assert_eq!(
            marks(article),
            [
                (1, "location", 12, 17, "Cairo"),
                (2, "actor", 12, 17, "Cairo"),
                (3, "actor", 0, 6, "Lavrov"),
            ]
        );
        // The region's attribute is on both of its spans.
        assert!(article.spans[..2]
            .iter()
            .all(|s| s.attrs["verdict"] == "true"));
        assert_eq!(links(article), [("at", 3, 1)]);
        assert_eq!(
            parsed.report.imported["regions with several labels (one span each)"],
            1
        );
    }

    #[test]
    fn two_labels_controls_on_one_region_share_its_id() {
        // Label Studio's multi-labels shape: `kind` and `country` results of one region.
        let second =
            region("\"r1\"", 12, 17, "Cairo", &["capital"]).replace("\"label\"", "\"place\"");
        let input = format!(
            r#"[{{"data": {{"text": "{TEXT}"}}, "annotations": [{{"result": [{}, {second}, {}, {{"type": "relation", "from_id": "r2", "to_id": "r1"}}]}}]}}]"#,
            region("\"r1\"", 12, 17, "Cairo", &["location"]),
            region("\"r2\"", 0, 6, "Lavrov", &["actor"]),
        );
        let parsed = read(&input);
        no_errors(&parsed);
        let article = &parsed.articles[0];
        assert_eq!(article.spans.len(), 3);
        assert_eq!(links(article), [("related", 3, 1)]);
        assert_eq!(
            parsed.report.imported["relations without a label (kind \"related\")"],
            1
        );
    }

    #[test]
    fn directions_left_and_bi_and_several_relation_labels() {
        let input = format!(
            r#"[{{"data": {{"text": "{TEXT}"}}, "annotations": [{{"result": [{}, {}, {{"type": "relation", "from_id": "a", "to_id": "b", "direction": "left", "labels": ["said_by"]}}, {{"type": "relation", "from_id": "a", "to_id": "b", "direction": "bi", "labels": ["near", "knows"]}}]}}]}}]"#,
            region("\"a\"", 0, 6, "Lavrov", &["actor"]),
            region("\"b\"", 7, 11, "said", &["quote"]),
        );
        let parsed = read(&input);
        no_errors(&parsed);
        let article = &parsed.articles[0];
        assert_eq!(
            links(article),
            [
                ("said_by", 2, 1),
                ("near", 1, 2),
                ("near", 2, 1),
                ("knows", 1, 2),
                ("knows", 2, 1),
            ]
        );
        let ids: Vec<u64> = article.relations.iter().map(|r| r.id).collect();
        assert_eq!(ids, [1, 2, 3, 4, 5]);
        let imported = &parsed.report.imported;
        assert_eq!(imported["relations"], 5);
        assert_eq!(imported["relations read right to left (direction left)"], 1);
        assert_eq!(
            imported["two-way relations (direction bi), imported once each way"],
            1
        );
        assert_eq!(imported["relations with several labels (one each)"], 1);
    }

    #[test]
    fn predictions_are_suggestions_from_their_model() {
        let input = format!(
            r#"[{{"data": {{"text": "{TEXT}"}},
                "annotations": [{{"result": [{}]}}],
                "predictions": [
                    {{"model_version": "ner-v2", "score": 0.9, "result": [{}, {}, {{"type": "relation", "from_id": "p1", "to_id": "p2"}}]}},
                    {{"result": [{}]}}
                ]}}]"#,
            region("\"a\"", 0, 6, "Lavrov", &["actor"]),
            region("\"p1\"", 0, 6, "Lavrov", &["actor"]),
            region("\"p2\"", 12, 17, "Cairo", &["location"]),
            region("\"p3\"", 7, 11, "said", &["quote"]),
        );
        let parsed = read(&input);
        no_errors(&parsed);
        let article = &parsed.articles[0];
        assert_eq!(article.spans.len(), 1);
        assert!(article.relations.is_empty());
        let suggestions: Vec<(&str, &str, usize, &str)> = article
            .suggestions
            .iter()
            .map(|s| {
                (
                    s.source.as_str(),
                    s.label.as_str(),
                    s.start,
                    s.text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            suggestions,
            [
                ("ner-v2", "actor", 0, "Lavrov"),
                ("ner-v2", "location", 12, "Cairo"),
                ("predictions", "quote", 7, "said"),
            ]
        );
        assert!(article
            .suggestions
            .iter()
            .all(|s| s.status == SuggestionStatus::Pending));
        assert_eq!(parsed.report.imported["suggestions"], 3);
        assert_eq!(parsed.report.imported["predictions"], 2);
        // The prediction's relation has no place among suggestions: said, not dropped.
        let [left_out] = parsed.report.left_out.as_slice() else {
            panic!("{}", messages(&parsed.report.left_out));
        };
        assert!(
            left_out
                .message
                .contains("prediction 1 (ner-v2): 1 relation is not kept"),
            "{left_out}"
        );

        // A source given in the options names every prediction's suggestions.
        let options = Options {
            source: Some("review-batch".into()),
            ..Options::default()
        };
        let parsed = read_as(&input, options);
        assert!(parsed.articles[0]
            .suggestions
            .iter()
            .all(|s| s.source == "review-batch"));
    }

    /// Two analysts' annotations of one task, and a cancelled one.
    fn annotated_twice() -> String {
        format!(
            r#"[{{"id": 9, "data": {{"text": "{TEXT}"}}, "annotations": [
                {{"id": 40, "completed_by": {{"id": 2, "email": "mona@example.org"}},
                  "created_at": "2024-03-01T09:00:00Z", "updated_at": "2024-03-02T10:00:00.5Z",
                  "result": [{}]}},
                {{"id": 41, "completed_by": 3,
                  "created_at": "2024-03-01T08:00:00Z", "updated_at": "2024-03-02T10:00:00.25+00:00",
                  "result": [{}]}},
                {{"id": 42, "completed_by": 4, "was_cancelled": true,
                  "updated_at": "2024-04-01T00:00:00Z", "result": []}}
            ]}}]"#,
            region("\"a\"", 0, 6, "Lavrov", &["actor"]),
            region("\"b\"", 12, 17, "Cairo", &["location"]),
        )
    }

    #[test]
    fn the_latest_annotation_is_imported_and_the_others_reported() {
        let parsed = read(&annotated_twice());
        no_errors(&parsed);
        // 10:00:00.5 is later than 10:00:00.25, whatever their spelling.
        assert_eq!(parsed.articles[0].spans[0].label, "actor");
        let left_out = messages(&parsed.report.left_out);
        assert!(
            left_out.contains(
                "in.json:1: task 1 (id 9): annotation 41 by annotator 3 is not imported: it is \
                 not the latest; annotation 40 by annotator 2 (mona@example.org) is imported"
            ),
            "{left_out}"
        );
        assert!(
            left_out.contains(
                "annotation 42 by annotator 4 was cancelled (skipped) in Label Studio: not imported"
            ),
            "{left_out}"
        );
        assert_eq!(parsed.report.left_out.len(), 2);
    }

    #[test]
    fn the_annotator_asked_for_is_imported_by_id_or_email() {
        for (wanted, label) in [
            ("3", "location"),
            ("Mona@Example.org", "actor"),
            ("2", "actor"),
        ] {
            let options = Options {
                annotator: Some(wanted.into()),
                ..Options::default()
            };
            let parsed = read_as(&annotated_twice(), options);
            no_errors(&parsed);
            assert_eq!(parsed.articles[0].spans[0].label, label, "{wanted}");
            let left_out = messages(&parsed.report.left_out);
            assert!(
                left_out.contains(&format!("only {wanted:?}'s annotation was asked for")),
                "{left_out}"
            );
        }
        // Nobody by that name: the text comes in, and every annotation is reported.
        let options = Options {
            annotator: Some("7".into()),
            ..Options::default()
        };
        let parsed = read_as(&annotated_twice(), options);
        no_errors(&parsed);
        assert!(parsed.articles[0].spans.is_empty());
        let left_out = messages(&parsed.report.left_out);
        assert!(left_out.contains("annotation 40 by annotator 2 (mona@example.org) is not imported: only \"7\"'s annotation was asked for, and \"7\" has none in this task"), "{left_out}");
        assert!(
            left_out.contains("annotation 41 by annotator 3 is not imported"),
            "{left_out}"
        );
    }

    #[test]
    fn older_completions_and_numeric_times_are_read() {
        // Label Studio 0.x: `completions`, times in seconds.
        let input = format!(
            r#"[{{"data": {{"text": "{TEXT}"}}, "completions": [
                {{"id": 25001, "created_at": 1609789589, "result": [{}]}},
                {{"id": 25002, "created_at": 1609789000, "result": [{}]}}
            ]}}]"#,
            region("\"a\"", 0, 6, "Lavrov", &["actor"]),
            region("\"b\"", 12, 17, "Cairo", &["location"]),
        );
        let parsed = read(&input);
        no_errors(&parsed);
        assert_eq!(parsed.articles[0].spans[0].label, "actor");
        assert_eq!(parsed.report.left_out.len(), 1);
    }

    #[test]
    fn times_compare_as_instants() {
        let at = |s: &str| iso_instant(s).unwrap();
        assert_eq!(at("1970-01-01T00:00:00Z"), (0, 0));
        assert_eq!(
            at("2021-03-09T22:16:08.728378Z"),
            (1_615_328_168, 728_378_000)
        );
        assert_eq!(at("2021-03-09T23:16:08+01:00"), at("2021-03-09T22:16:08Z"));
        assert_eq!(at("2021-03-09 22:16:08"), at("2021-03-09T22:16:08Z"));
        assert_eq!(at("2000-02-29"), (951_782_400, 0));
        assert!(at("2024-03-02T10:00:00.5Z") > at("2024-03-02T10:00:00.25Z"));
        for bad in [
            "",
            "2021",
            "21-03-09",
            "2021-03-09T2",
            "2021-03-09Tx",
            "2021-03-09Z1",
            "２０２１-03-09",
        ] {
            assert_eq!(iso_instant(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn task_level_results_are_reported_not_lost() {
        let input = format!(
            r#"[{{"data": {{"text": "{TEXT}"}}, "annotations": [{{"result": [
                {},
                {{"id": "c1", "from_name": "sentiment", "to_name": "text", "type": "choices", "value": {{"choices": ["Negative"]}}}},
                {{"id": "c2", "from_name": "quality", "to_name": "text", "type": "rating", "value": {{"rating": 3}}}},
                {{"id": "c3", "from_name": "summary", "to_name": "text", "type": "textarea", "value": {{"text": ["short"]}}}},
                {{"id": "c4", "from_name": "box", "to_name": "image", "type": "rectanglelabels", "value": {{"x": 1}}}}
            ]}}]}}]"#,
            region("\"a\"", 0, 6, "Lavrov", &["actor"]),
        );
        let parsed = read(&input);
        no_errors(&parsed);
        assert_eq!(parsed.articles[0].spans.len(), 1);
        let left_out = messages(&parsed.report.left_out);
        for expected in [
            "in.json:1: task 1: annotation 1 by an unnamed annotator: result c1 (choices sentiment): sentiment = \"Negative\" is about the whole task, and spantag has no document-level labels",
            "result c2 (rating quality): quality = \"3\" is about the whole task",
            "result c3 (textarea summary): summary = \"short\" is about the whole task",
            "result c4 (rectanglelabels box): a \"rectanglelabels\" result marks no range",
        ] {
            assert!(left_out.contains(expected), "{expected}\n{left_out}");
        }
        assert_eq!(parsed.report.left_out.len(), 4);
    }

    #[test]
    fn utf16_offsets_of_older_label_studio_are_recognised() {
        // "😀 " is 2 code points and 3 UTF-16 units: Lavrov is at 2..8 or 3..9.
        let text = "😀 Lavrov said 😀 Cairo.";
        let input = format!(
            r#"[{{"data": {{"text": "{text}"}}, "annotations": [{{"result": [{}, {}, {}]}}]}}]"#,
            region("\"old\"", 3, 9, "Lavrov", &["actor"]),
            region("\"new\"", 2, 8, "Lavrov", &["quote"]),
            region("\"old2\"", 18, 23, "Cairo", &["location"]),
        );
        let parsed = read(&input);
        no_errors(&parsed);
        let article = &parsed.articles[0];
        assert_eq!(
            marks(article),
            [
                (1, "actor", 2, 8, "Lavrov"),
                (2, "quote", 2, 8, "Lavrov"),
                (3, "location", 16, 21, "Cairo"),
            ]
        );
        assert_eq!(parsed.report.imported[READ_AS_UTF16], 2);
    }

    #[test]
    fn the_telling_regions_of_an_annotation_decide_the_ambiguous_ones() {
        // "😀 aab": in UTF-16 units, "a" at 3..4 is also an "a" read as code points.
        let task = |results: &[String]| {
            format!(
                r#"[{{"data": {{"text": "😀 aab"}}, "annotations": [{{"result": [{}]}}]}}]"#,
                results.join(",")
            )
        };
        let ambiguous = region("\"a\"", 3, 4, "a", &["claim"]);
        let parsed = read(&task(std::slice::from_ref(&ambiguous)));
        no_errors(&parsed);
        assert_eq!(marks(&parsed.articles[0]), [(1, "claim", 3, 4, "a")]);

        // "b" at 5..6 is only UTF-16 units (code point 5 is past the end): the annotation
        // was written by an older Label Studio, and so was "a", and the region without
        // text.
        let telling = region("\"b\"", 5, 6, "b", &["claim"]);
        let no_text = r#"{"id": "c", "type": "labels", "value": {"start": 3, "end": 5, "labels": ["quote"]}}"#;
        let parsed = read(&task(&[ambiguous, telling, no_text.to_string()]));
        no_errors(&parsed);
        assert_eq!(
            marks(&parsed.articles[0]),
            [
                (1, "claim", 2, 3, "a"),
                (2, "claim", 4, 5, "b"),
                (3, "quote", 2, 4, "aa"),
            ]
        );
        assert_eq!(parsed.report.imported[READ_AS_UTF16], 3);
    }

    #[test]
    fn a_region_without_text_is_read_only_where_both_units_agree() {
        let text = "Lavrov 😀 Cairo";
        let input = format!(
            r#"[{{"data": {{"text": "{text}"}}, "annotations": [{{"result": [
                {{"id": "a", "type": "labels", "value": {{"start": 0, "end": 6, "labels": ["actor"]}}}},
                {{"id": "b", "type": "labels", "value": {{"start": 9, "end": 14, "labels": ["location"]}}}}
            ]}}]}}]"#
        );
        let parsed = read(&input);
        assert_eq!(marks(&parsed.articles[0]), [(1, "actor", 0, 6, "Lavrov")]);
        let errors = messages(&parsed.report.errors);
        assert!(
            errors.contains("result b (labels): it has no text to check"),
            "{errors}"
        );
    }

    #[test]
    fn a_bad_region_is_skipped_alone_and_named() {
        let input = format!(
            "[\n{{\"data\": {{\"text\": \"first\"}}}},\n{{\"id\": 2, \"data\": {{\"text\": \"{TEXT}\"}}, \"annotations\": [{{\"id\": 5, \"result\": [{}, {}, {}, {}, {}, {}, {}]}}]}}\n]",
            region("\"good\"", 0, 6, "Lavrov", &["actor"]),
            region("\"far\"", 20, 99, "wait", &["claim"]),
            region("\"moved\"", 1, 7, "Lavrov", &["actor"]),
            region("\"ctl\"", 12, 17, "Cairo", &["bad\nlabel"]),
            region("\"fine\"", 12, 17, "Cairo", &["location"]),
            r#"{"type": "relation", "from_id": "good", "to_id": "moved"}"#,
            r#"{"type": "relation", "from_id": "good", "to_id": "nowhere"}"#,
        );
        let parsed = read(&input);
        assert_eq!(parsed.articles.len(), 2);
        assert_eq!(
            marks(&parsed.articles[1]),
            [
                (1, "actor", 0, 6, "Lavrov"),
                (2, "location", 12, 17, "Cairo")
            ]
        );
        assert!(parsed.articles[1].relations.is_empty());
        let errors = messages(&parsed.report.errors);
        for expected in [
            "in.json:3: task 2 (id 2): annotation 5 by an unnamed annotator: result far (labels label): it says \"wait\" but 20..99 read as code points is outside the 29-char text",
            "in.json:3: task 2 (id 2): annotation 5 by an unnamed annotator: result moved (labels label): it says \"Lavrov\" but 1..7 read as code points is \"avrov \"",
            "result ctl (labels label): span",
            "result #7 (relation): its to_id nowhere names no region",
        ] {
            assert!(errors.contains(expected), "{expected}\n{errors}");
        }
        assert_eq!(parsed.report.errors.len(), 4);
        // The relation to a refused region goes with it.
        assert_eq!(
            messages(&parsed.report.left_out),
            "in.json:3: task 2 (id 2): annotation 5 by an unnamed annotator: result #6 \
             (relation): not kept: its to_id moved names a region that was not imported\n"
        );
    }

    #[test]
    fn shared_ids_of_different_regions_cannot_be_linked() {
        // An ML backend that numbers every region 0 (a real file in tests/peer-data).
        let input = format!(
            r#"[{{"data": {{"text": "{TEXT}"}}, "annotations": [{{"result": [{}, {}, {{"type": "relation", "from_id": 0, "to_id": 0}}]}}]}}]"#,
            region("0", 0, 6, "Lavrov", &["actor"]),
            region("0", 12, 17, "Cairo", &["location"]),
        );
        let parsed = read(&input);
        assert_eq!(parsed.articles[0].spans.len(), 2);
        let errors = messages(&parsed.report.errors);
        assert!(
            errors.contains("its from_id 0 is the id of 2 regions at different places"),
            "{errors}"
        );
    }

    #[test]
    fn the_text_field_is_chosen_and_said() {
        // The regions' object names the field.
        let input = r#"[{"data": {"dialogue": "Hi there", "speaker": "Ann"}, "annotations": [{"result": [
            {"id": "a", "to_name": "dialogue", "type": "labels", "value": {"start": 0, "end": 2, "text": "Hi", "labels": ["greeting"]}}]}]}]"#;
        let parsed = read(input);
        no_errors(&parsed);
        assert_eq!(parsed.articles[0].text, "Hi there");
        assert_eq!(parsed.articles[0].spans.len(), 1);
        assert_eq!(
            parsed.report.imported["articles with their text in data.dialogue"],
            1
        );
        let left_out = messages(&parsed.report.left_out);
        assert_eq!(
            left_out,
            "in.json: data field \"speaker\" (1 task) is not kept: an article holds the task's text only\n"
        );

        // `text` first; the only string field when there is none.
        let parsed =
            read(r#"[{"data": {"text": "a", "title": "b"}}, {"data": {"body": "c", "n": 3}}]"#);
        no_errors(&parsed);
        let texts: Vec<&str> = parsed.articles.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["a", "c"]);

        // Two candidates and no way to tell: an error naming the task and the fields.
        let parsed = read(r#"[{"data": {"text": "fine"}}, {"data": {"body": "c", "title": "d"}}]"#);
        assert_eq!(parsed.articles.len(), 1);
        assert_eq!(
            messages(&parsed.report.errors),
            "in.json:1: task 2: its data has no `text` field and several text fields (\"body\", \"title\"); which one is the article cannot be told (rename it to `text`)\n"
        );

        // A task without `data` is all data, as Label Studio imports it.
        let parsed = read(r#"[{"text": "plain", "id": "p1"}]"#);
        no_errors(&parsed);
        assert_eq!(parsed.articles[0].text, "plain");
        assert_eq!(parsed.articles[0].name, "p1.txt");
    }

    #[test]
    fn regions_on_another_field_are_reported() {
        let input = r#"[{"data": {"text": "Body text", "title": "Title"}, "annotations": [{"result": [
            {"id": "a", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 4, "text": "Body", "labels": ["claim"]}},
            {"id": "b", "to_name": "title", "type": "labels", "value": {"start": 0, "end": 5, "text": "Title", "labels": ["claim"]}}]}]}]"#;
        let parsed = read(input);
        no_errors(&parsed);
        assert_eq!(parsed.articles[0].spans.len(), 1);
        let left_out = messages(&parsed.report.left_out);
        assert!(
            left_out.contains("result b (labels): it is on \"title\", another of the task's fields; the article holds data.text only"),
            "{left_out}"
        );
    }

    #[test]
    fn region_meta_text_is_the_note() {
        let input = format!(
            r#"[{{"data": {{"text": "{TEXT}"}}, "annotations": [{{"result": [{{"id": "a", "type": "labels", "meta": {{"text": ["check the quote"]}}, "value": {{"start": 0, "end": 6, "text": "Lavrov", "labels": ["actor"]}}}}]}}]}}]"#
        );
        let parsed = read(&input);
        no_errors(&parsed);
        assert_eq!(parsed.articles[0].spans[0].note, "check the quote");
        assert_eq!(parsed.report.imported["notes"], 1);
    }

    #[test]
    fn hypertext_regions_use_global_offsets() {
        let input = r#"[{"data": {"text": "Plain words here"}, "annotations": [{"result": [
            {"id": "h", "type": "hypertextlabels", "value": {"start": "/p[1]/text()[1]", "end": "/p[1]/text()[1]", "startOffset": 6, "endOffset": 11, "globalOffsets": {"start": 6, "end": 11}, "text": "words", "hypertextlabels": ["claim"]}},
            {"id": "x", "type": "hypertextlabels", "value": {"start": "/p[1]/text()[1]", "end": "/p[1]/text()[1]", "startOffset": 0, "endOffset": 5, "text": "Plain", "htmllabels": ["claim"]}}]}]}]"#;
        let parsed = read(input);
        assert_eq!(marks(&parsed.articles[0]), [(1, "claim", 6, 11, "words")]);
        let errors = messages(&parsed.report.errors);
        assert!(
            errors.contains("result x (hypertextlabels): its start and end are XPaths"),
            "{errors}"
        );
    }

    #[test]
    fn drafts_and_other_fields_are_reported() {
        let parsed = read(
            r#"{"data": {"text": "a", "image": "http://x/a.png", "url": "http://x"}, "drafts": [{"result": []}]}"#,
        );
        no_errors(&parsed);
        assert_eq!(
            parsed.articles[0].citation.url, "http://x",
            "read as the citation"
        );
        let left_out = messages(&parsed.report.left_out);
        assert!(
            left_out.contains("in.json:1: task 1: 1 draft is not imported"),
            "{left_out}"
        );
        assert!(
            left_out.contains("data field \"image\" (1 task) is not kept"),
            "{left_out}"
        );
        assert!(!left_out.contains("\"url\""), "{left_out}");
    }

    #[test]
    fn a_json_min_export_is_named_as_such() {
        let parsed = read(
            r#"[{"id": 1, "text": "Lavrov said", "label": [{"start": 0, "end": 6, "text": "Lavrov", "labels": ["actor"]}], "annotator": "a@b.c", "annotation_id": 2, "lead_time": 3.5}]"#,
        );
        no_errors(&parsed);
        let left_out = messages(&parsed.report.left_out);
        assert_eq!(
            left_out,
            "in.json: data field \"label\" (1 task) is not kept: an article holds the task's text only (it holds regions: a JSON-MIN export? Export as JSON to bring them in)\n"
        );
    }

    #[test]
    fn broken_json_keeps_the_tasks_before_the_fault() {
        let input = "[\n{\"data\": {\"text\": \"a\"}},\n{\"data\": {\"text\": \"b\"}},\n{\"data\": {\"text\": \"c\"\n";
        let parsed = read(input);
        assert_eq!(parsed.articles.len(), 2);
        let [error] = parsed.report.errors.as_slice() else {
            panic!("{}", messages(&parsed.report.errors));
        };
        assert_eq!(error.line, Some(5));
        assert!(
            error
                .message
                .contains("the tasks from here on are not read"),
            "{error}"
        );
        assert_eq!(parsed.articles[1].from, "in.json:3: task 2");

        for (input, expected) in [
            ("", "the file is empty"),
            ("  \n", "the file is empty"),
            ("\"text\"", "a JSON list of tasks or one task object"),
            (
                "[{\"data\": {\"text\": \"a\"}},]",
                "in.json:1:26: expected value: the tasks",
            ),
            ("[{\"data\": {\"text\": \"a\"}} x", "expected"),
            ("[{\"data\": {\"text\": \"a\"}}] x", "trailing characters"),
        ] {
            let parsed = read(input);
            let errors = messages(&parsed.report.errors);
            assert!(errors.contains(expected), "{input:?}: {errors}");
        }
        assert_eq!(read("[]").report, Report::default());
        assert_eq!(read("\u{feff}[ ]").report, Report::default());
    }

    #[test]
    fn hostile_shapes_are_errors_never_panics() {
        let inputs = [
            r#"[1, null, "x", [], {"data": 5}, {"data": {"text": 5}}]"#,
            r#"[{"data": {"text": "abc"}, "annotations": 5, "predictions": {}}]"#,
            r#"[{"data": {"text": "abc"}, "annotations": [5, {"result": 5}, {"result": [5, {}, {"type": 5}]}]}]"#,
            r#"[{"data": {"text": "abc"}, "annotations": [{"result": [{"type": "labels"}, {"type": "labels", "value": {"start": -1, "end": 2}}, {"type": "labels", "value": {"start": 0, "end": 18446744073709551615, "labels": ["a"]}}, {"type": "labels", "value": {"start": 2, "end": 1, "labels": ["a"]}}, {"type": "labels", "value": {"start": 0, "end": 1, "text": 5, "labels": ["a"]}}, {"type": "labels", "value": {"start": 0, "end": 1, "labels": [5]}}]}]}]"#,
            r#"[{"data": {"text": "abc"}, "annotations": [{"result": [{"id": "s99999999999999999999", "type": "labels", "value": {"start": 0, "end": 1, "text": "a", "labels": ["a"]}}, {"id": "s99999999999999999999", "type": "choices", "value": {"choices": [1]}}, {"id": "s99999999999999999999", "type": "taxonomy", "value": {"taxonomy": "x"}}, {"type": "relation"}, {"type": "relation", "from_id": {}, "to_id": []}, {"type": "relation", "from_id": "s99999999999999999999", "to_id": "s99999999999999999999", "direction": "up"}, {"type": "relation", "from_id": "s99999999999999999999", "to_id": "s99999999999999999999", "labels": [""]}]}]}]"#,
            r#"[{"data": {"text": "😀"}, "annotations": [{"completed_by": [], "updated_at": 1e300, "created_at": -1e300, "result": [{"type": "labels", "value": {"start": 1, "end": 2, "labels": ["a"]}}]}, {"updated_at": "9999-99-99T99:99:99+99:99"}]}]"#,
        ];
        for input in inputs {
            let parsed = read(input);
            assert!(!parsed.report.errors.is_empty(), "{input}");
        }
        // Deep nesting stops at serde_json's limit.
        let deep = format!("[{}{}]", "[".repeat(10_000), "]".repeat(10_000));
        assert!(!read(&deep).report.errors.is_empty());
    }
}
