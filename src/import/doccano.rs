//! doccano JSONL read back (docs/FORMATS.md section 7.2), in every shape doccano writes or
//! reads, one record per line:
//! - sequence labeling: `"label": [[start, end, "L"], …]` (doccano 1.x wrote `"labels"`);
//!   an item may carry the span's text as a fourth element, which is then checked;
//! - relation projects: `"entities": [{"id", "label", "start_offset", "end_offset"}]` with
//!   `"relations": [{"id"?, "from_id", "to_id", "type"}]`;
//! - intent detection: `"cats": […]` beside `"entities": [[start, end, "L"], …]`;
//! - doccano 1.x's JSONL export: `"annotations": [{"label", "start_offset", "end_offset",
//!   "user"}]`, where `label` is doccano's numeric label id;
//! - the text under `"text"`, or `"data"` (doccano 1.2 and older); `"id"` an integer, a string
//!   or absent (the article is named after it: `7` → `7.txt`).
//!
//! Offsets count UTF-16 code units, doccano being a JavaScript app (doccano issue #2290), or
//! grapheme clusters in a project set to count them ([`Options::offsets`]). They are turned
//! into chars; an offset that splits a surrogate pair is an error, never rounded.
//!
//! What spantag has no place for is listed in the report's `left_out`, with the line: labels
//! of the whole document (`cats`, a classification `label`), comments, who made each span,
//! and the metadata doccano spreads over the top level of a record (everything it does not
//! know; `meta` in older versions), except the citation spantag's export writes there
//! (`title`, `byline`, `outlet`, `published`, `url` as text), which becomes the article's. A record with anything unreadable (not JSON, an offset
//! outside the text or inside a character, a relation to an entity the record does not
//! have) is skipped whole, since one wrong offset makes the record's others suspect; the
//! message names the field in doccano's terms. The other records import.
//!
//! [`Offsets`] and the JSON helpers here are shared with the Prodigy reader.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::{Map, Value};
use unicode_segmentation::UnicodeSegmentation;

use super::Parsed;
use super::{article_name, lines, status_for, Builder, ImportedArticle, OffsetUnit, Options};
use crate::export::utf16_offsets;
use crate::model::{Relation, Span};
use crate::problem::Problem;

pub fn parse(file: &str, input: &str, options: &Options) -> Parsed {
    let unit = options.offsets.unwrap_or(OffsetUnit::Utf16);
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
        match record(index, object, unit, &mut notes) {
            Ok(article) => {
                let from = place.from(file);
                add_article(&mut parsed, ImportedArticle { from, ..article });
                let notes = notes.into_iter().map(|note| place.problem(file, note));
                parsed.report.left_out.extend(notes);
            }
            Err(message) => parsed.report.errors.push(place.problem(file, message)),
        }
    }
    parsed
}

/// Adds an article and counts what it brings.
pub(super) fn add_article(parsed: &mut Parsed, article: ImportedArticle) {
    let report = &mut parsed.report;
    report.count("articles", 1);
    report.count("spans", article.spans.len());
    report.count("relations", article.relations.len());
    parsed.articles.push(article);
}

/// A span as the record states it, offsets still in the input's unit.
struct RawSpan {
    /// How the record names it, for messages: `entity 129 (rooms)`, `"label" item 2`.
    what: String,
    /// The record's id for it (relations refer to it).
    key: Option<String>,
    label: String,
    start: usize,
    end: usize,
    /// The text the item says it covers (a fourth element `[s, e, "L", "text"]`).
    text: Option<String>,
}

/// What one item of a `label`/`entities` list holds.
enum Item {
    Span(RawSpan),
    /// A label of the whole document (a classification project's `label: ["positive"]`).
    Category(String),
}

/// Facts about the items that spantag does not keep, gathered for the record's notes.
#[derive(Default)]
struct Unkept {
    categories: Vec<String>,
    label_ids: BTreeSet<String>,
    users: BTreeSet<String>,
}

fn record(
    index: usize,
    mut object: Map<String, Value>,
    unit: OffsetUnit,
    notes: &mut Vec<String>,
) -> Result<ImportedArticle, String> {
    let text = take_text(&mut object)?;
    let offsets = Offsets::new(&text, unit);
    let id = take_id(&mut object, notes);
    let name = article_name(id.as_deref(), index);
    if let Some(id) = id.as_deref() {
        if name != id && name.strip_suffix(".txt") != Some(id) {
            notes.push(format!(
                "id {id:?} is not a safe relative file name: the article is named {name}"
            ));
        }
    }

    let mut unkept = Unkept::default();
    let mut raw = Vec::new();
    for key in ["label", "labels", "entities", "annotations"] {
        match object.remove(key) {
            None | Some(Value::Null) => {}
            Some(Value::String(category)) => unkept.categories.push(format!("{category:?}")),
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    match read_item(key, i + 1, item, &mut unkept)? {
                        Item::Span(span) => raw.push(span),
                        Item::Category(category) => unkept.categories.push(category),
                    }
                }
            }
            Some(other) => return Err(format!("\"{key}\" is {}, not a list", kind(&other))),
        }
    }
    match object.remove("cats") {
        None | Some(Value::Null) => {}
        Some(Value::Array(cats)) => unkept.categories.extend(cats.iter().map(shown)),
        Some(other) => unkept.categories.push(shown(&other)),
    }

    let b = Builder::new("doccano", &text);
    let ids = SpanIds::assign(&raw)?;
    let mut spans: Vec<Span> = Vec::new();
    for (raw, &id) in raw.iter().zip(&ids.ids) {
        let start = offsets
            .to_char("start_offset", raw.start)
            .map_err(|e| format!("{}: {e}", raw.what))?;
        let end = offsets
            .to_char("end_offset", raw.end)
            .map_err(|e| format!("{}: {e}", raw.what))?;
        if start >= end {
            return Err(format!(
                "{}: start_offset {} is not before end_offset {}",
                raw.what, raw.start, raw.end
            ));
        }
        let span = b
            .span(id, &raw.label, start, end, raw.text.as_deref())
            .map_err(|e| format!("{}: {e}", raw.what))?;
        spans.push(span);
    }
    let relations = match object.remove("relations") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => read_relations(&items, &ids.by_key)?,
        Some(other) => return Err(format!("\"relations\" is {}, not a list", kind(&other))),
    };

    if !unkept.categories.is_empty() {
        notes.push(format!(
            "labels of the whole document not kept (spantag labels spans): {}",
            unkept.categories.join(", ")
        ));
    }
    if !unkept.label_ids.is_empty() {
        notes.push(format!(
            "labels given as doccano label ids ({}), not names: the spans are imported under \
             those numbers; rename the labels in the scheme",
            unkept.label_ids.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    if !unkept.users.is_empty() {
        notes.push(format!(
            "who made each span (doccano user {}) not kept: the spans are imported together",
            unkept.users.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    for key in ["Comments", "comments"] {
        if let Some(comments) = object.remove(key).filter(has_content) {
            let comments: Vec<String> = match &comments {
                Value::Array(items) => items.iter().map(comment_text).collect(),
                other => vec![comment_text(other)],
            };
            notes.push(format!(
                "doccano comments not kept (spantag notes belong to spans): {}",
                comments.join(", ")
            ));
        }
    }
    if let Some(fields) = metadata(&object) {
        notes.push(format!(
            "metadata not kept (spantag keeps only the text and its annotations): {fields}"
        ));
    }

    Ok(ImportedArticle {
        name,
        status: status_for(&spans),
        citation: super::citation_of(&object),
        text,
        spans,
        relations,
        ..ImportedArticle::default()
    })
}

/// The record's text: `text`, or `data` as doccano 1.2 and older wrote it.
fn take_text(object: &mut Map<String, Value>) -> Result<String, String> {
    let key = if object.contains_key("text") {
        "text"
    } else if object.contains_key("data") {
        "data"
    } else {
        return Err(
            "the record has no \"text\" (nor \"data\", as doccano 1.2 and older wrote it)".into(),
        );
    };
    match object.remove(key) {
        Some(Value::String(text)) => Ok(text),
        Some(other) => Err(format!("\"{key}\" is {}, not a string", kind(&other))),
        None => Err(format!("the record has no \"{key}\"")),
    }
}

/// The record's id, as text: doccano writes an integer; imports may carry a string.
/// Older exports called it `doc_id`.
fn take_id(object: &mut Map<String, Value>, notes: &mut Vec<String>) -> Option<String> {
    let key = ["id", "doc_id"]
        .into_iter()
        .find(|k| object.contains_key(*k))?;
    let value = object.remove(key)?;
    let id = id_key(&value);
    if id.is_none() && !value.is_null() {
        notes.push(format!(
            "\"{key}\" {} is neither an integer nor a string: the article gets a generated name",
            shown(&value)
        ));
    }
    id
}

fn read_item(key: &str, n: usize, item: &Value, unkept: &mut Unkept) -> Result<Item, String> {
    let what = format!("\"{key}\" item {n} {}", shown(item));
    match item {
        Value::String(category) => Ok(Item::Category(format!("{category:?}"))),
        Value::Array(parts) => {
            if !(3..=4).contains(&parts.len()) {
                return Err(format!(
                    "{what} is not [start_offset, end_offset, label] (it has {} elements)",
                    parts.len()
                ));
            }
            let label = match &parts[2] {
                Value::String(label) => label.clone(),
                other => {
                    return Err(format!(
                        "{what}: its label (third element) is {}, not a string",
                        kind(other)
                    ))
                }
            };
            let text = match parts.get(3) {
                None => None,
                Some(Value::String(text)) => Some(text.clone()),
                Some(other) => {
                    return Err(format!(
                        "{what}: its fourth element (the span's text) is {}, not a string",
                        kind(other)
                    ))
                }
            };
            Ok(Item::Span(RawSpan {
                start: count(&parts[0], "start_offset").map_err(|e| format!("{what}: {e}"))?,
                end: count(&parts[1], "end_offset").map_err(|e| format!("{what}: {e}"))?,
                what,
                key: None,
                label,
                text,
            }))
        }
        Value::Object(fields) => {
            let label = match fields.get("label") {
                Some(Value::String(label)) => label.clone(),
                Some(Value::Number(id)) => {
                    unkept.label_ids.insert(id.to_string());
                    id.to_string()
                }
                Some(other) => {
                    return Err(format!(
                        "{what}: \"label\" is {}, not a string",
                        kind(other)
                    ))
                }
                None => return Err(format!("{what} has no \"label\"")),
            };
            let has_offsets =
                fields.contains_key("start_offset") || fields.contains_key("end_offset");
            if !has_offsets {
                // doccano 1.x's classification export: `{"label": 3, "user": 1}`.
                return Ok(Item::Category(format!("{label:?}")));
            }
            if let Some(user) = fields.get("user").filter(|u| !u.is_null()) {
                unkept.users.insert(shown(user));
            }
            let key = match fields.get("id") {
                None | Some(Value::Null) => None,
                Some(id) => Some(id_key(id).ok_or_else(|| {
                    format!("{what}: \"id\" is {}, not an integer or a string", kind(id))
                })?),
            };
            let what = match &key {
                Some(id) => format!("entity {id} ({label})"),
                None => what,
            };
            let offset = |name: &str| match fields.get(name) {
                Some(value) => count(value, name).map_err(|e| format!("{what}: {e}")),
                None => Err(format!("{what} has no \"{name}\"")),
            };
            Ok(Item::Span(RawSpan {
                start: offset("start_offset")?,
                end: offset("end_offset")?,
                key,
                label,
                text: None,
                what,
            }))
        }
        other => Err(format!(
            "{what} is {}: neither [start_offset, end_offset, label] nor an object",
            kind(other)
        )),
    }
}

/// spantag span ids for the record's spans: a doccano entity id where it is a number not
/// used twice, else the next free number.
struct SpanIds {
    ids: Vec<u64>,
    by_key: HashMap<String, u64>,
}

impl SpanIds {
    fn assign(raw: &[RawSpan]) -> Result<SpanIds, String> {
        let mut seen = HashSet::new();
        for span in raw {
            if let Some(key) = &span.key {
                if !seen.insert(key.as_str()) {
                    return Err(format!("entity id {key} is used twice"));
                }
            }
        }
        let numeric = |span: &RawSpan| span.key.as_deref().and_then(|k| k.parse::<u64>().ok());
        let mut next = raw.iter().filter_map(numeric).max().unwrap_or(0) + 1;
        let mut ids = Vec::with_capacity(raw.len());
        let mut by_key = HashMap::new();
        for span in raw {
            let id = numeric(span).unwrap_or_else(|| {
                next += 1;
                next - 1
            });
            ids.push(id);
            if let Some(key) = &span.key {
                by_key.insert(key.clone(), id);
            }
        }
        Ok(SpanIds { ids, by_key })
    }
}

fn read_relations(items: &[Value], spans: &HashMap<String, u64>) -> Result<Vec<Relation>, String> {
    let mut read = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Value::Object(fields) = item else {
            return Err(format!(
                "\"relations\" item {} is {}, not an object",
                i + 1,
                kind(item)
            ));
        };
        let given = fields.get("id").and_then(Value::as_u64);
        let what = match fields.get("id").and_then(id_key) {
            Some(id) => format!("relation {id}"),
            None => format!("\"relations\" item {}", i + 1),
        };
        let kind_of = match fields.get("type") {
            Some(Value::String(kind))
                if !kind.trim().is_empty() && !kind.chars().any(char::is_control) =>
            {
                kind.clone()
            }
            Some(Value::String(kind)) => {
                return Err(format!(
                    "{what}: \"type\" {kind:?} is empty or has control characters"
                ))
            }
            Some(other) => {
                return Err(format!("{what}: \"type\" is {}, not a string", kind(other)))
            }
            None => return Err(format!("{what} has no \"type\"")),
        };
        let end = |name: &str| -> Result<u64, String> {
            let value = fields
                .get(name)
                .ok_or_else(|| format!("{what} ({kind_of}) has no \"{name}\""))?;
            let key = id_key(value).ok_or_else(|| {
                format!(
                    "{what} ({kind_of}): \"{name}\" is {}, not an entity id",
                    kind(value)
                )
            })?;
            spans.get(&key).copied().ok_or_else(|| {
                format!(
                    "{what} ({kind_of}): {name} {key} names no entity of this record \
                     (its \"entities\" have {})",
                    if spans.is_empty() {
                        "no ids".to_string()
                    } else {
                        let mut keys: Vec<&str> = spans.keys().map(String::as_str).collect();
                        keys.sort_unstable();
                        format!("ids {}", keys.join(", "))
                    }
                )
            })
        };
        read.push((given, kind_of.clone(), end("from_id")?, end("to_id")?));
    }
    // Keep doccano's relation ids where they are unique; number the rest after them.
    let mut seen = HashSet::new();
    let unique: Vec<Option<u64>> = read
        .iter()
        .map(|(given, ..)| given.filter(|id| seen.insert(*id)))
        .collect();
    let mut next = unique.iter().flatten().max().copied().unwrap_or(0) + 1;
    Ok(read
        .into_iter()
        .zip(unique)
        .map(|((_, kind, from, to), id)| Relation {
            id: id.unwrap_or_else(|| {
                next += 1;
                next - 1
            }),
            kind,
            from,
            to,
        })
        .collect())
}

fn comment_text(comment: &Value) -> String {
    match comment {
        Value::Object(fields) => fields.get("text").map_or_else(|| shown(comment), shown),
        other => shown(other),
    }
}

/// The fields left in a record once its text and annotations are read, `name = value`,
/// skipping empty ones; `meta`'s entries are listed as `meta.name`.
fn metadata(object: &Map<String, Value>) -> Option<String> {
    let mut fields = Vec::new();
    for (name, value) in object {
        match value {
            Value::Object(entries) if name == "meta" => fields.extend(
                entries
                    .iter()
                    .filter(|(_, v)| has_content(v))
                    .map(|(k, v)| format!("meta.{k} = {}", shown(v))),
            ),
            value if super::is_citation_field(name, value) => {}
            value if has_content(value) => fields.push(format!("{name} = {}", shown(value))),
            _ => {}
        }
    }
    (!fields.is_empty()).then(|| fields.join(", "))
}

/// Whether a value says anything: not null, not an empty string, list or object.
pub(super) fn has_content(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(fields) => !fields.is_empty(),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

/// A text's offsets in a format's unit, turned into chars.
pub(super) struct Offsets<'a> {
    text: &'a str,
    unit: OffsetUnit,
    len_chars: usize,
    /// UTF-16: the code-unit offset of every char boundary. Graphemes: the char offset of
    /// every grapheme boundary. Chars: empty.
    boundaries: Vec<usize>,
}

impl<'a> Offsets<'a> {
    pub fn new(text: &'a str, unit: OffsetUnit) -> Offsets<'a> {
        let boundaries = match unit {
            OffsetUnit::Chars => Vec::new(),
            OffsetUnit::Utf16 => utf16_offsets(text),
            OffsetUnit::Graphemes => {
                let mut at = 0;
                let mut boundaries = vec![0];
                for grapheme in text.graphemes(true) {
                    at += grapheme.chars().count();
                    boundaries.push(at);
                }
                boundaries
            }
        };
        Offsets {
            text,
            unit,
            len_chars: text.chars().count(),
            boundaries,
        }
    }

    /// The text's length in the unit.
    pub fn len(&self) -> usize {
        match self.unit {
            OffsetUnit::Chars => self.len_chars,
            OffsetUnit::Utf16 => self.boundaries.last().copied().unwrap_or(0),
            OffsetUnit::Graphemes => self.boundaries.len() - 1,
        }
    }

    /// The char offset of `offset`, which the record calls `name`.
    pub fn to_char(&self, name: &str, offset: usize) -> Result<usize, String> {
        let past_end = || {
            format!(
                "{name} {offset} is past the end of the text ({} {})",
                self.len(),
                unit_name(self.unit)
            )
        };
        match self.unit {
            OffsetUnit::Chars => (offset <= self.len_chars)
                .then_some(offset)
                .ok_or_else(past_end),
            OffsetUnit::Graphemes => self.boundaries.get(offset).copied().ok_or_else(past_end),
            OffsetUnit::Utf16 => match self.boundaries.binary_search(&offset) {
                Ok(char_at) => Ok(char_at),
                Err(after) if after < self.boundaries.len() => {
                    let char_at = after - 1;
                    let c = self.text.chars().nth(char_at).unwrap_or_default();
                    Err(format!(
                        "{name} {offset} falls inside {c:?} (U+{:04X}, UTF-16 code units {}..{}): \
                         it splits a surrogate pair",
                        u32::from(c),
                        self.boundaries[char_at],
                        self.boundaries[after]
                    ))
                }
                Err(_) => Err(past_end()),
            },
        }
    }
}

pub(super) fn unit_name(unit: OffsetUnit) -> &'static str {
    match unit {
        OffsetUnit::Chars => "characters",
        OffsetUnit::Utf16 => "UTF-16 code units",
        OffsetUnit::Graphemes => "grapheme clusters",
    }
}

/// Where a record is: its line in JSON Lines, or its place in a JSON array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Place {
    Line(usize),
    Item(usize),
}

impl Place {
    pub fn problem(self, file: &str, message: impl Into<String>) -> Problem {
        match self {
            Place::Line(line) => Problem::at_line(file, line, message),
            Place::Item(n) => Problem::file(file, format!("record {n}: {}", message.into())),
        }
    }

    /// The place as [`ImportedArticle::from`] gives it.
    pub fn from(self, file: &str) -> String {
        match self {
            Place::Line(line) => format!("{file}:{line}"),
            Place::Item(n) => format!("{file}: record {n}"),
        }
    }
}

/// One record read as a JSON object, or why it is not one.
pub(super) type Record = Result<Map<String, Value>, Problem>;

/// The records of a JSON Lines input, each an object or the problem that kept it from
/// being one. A file that is one JSON array of records (what some tools' "JSON" exports
/// write) is read too; a leading byte-order mark is skipped.
pub(super) fn records<'a>(
    file: &'a str,
    input: &'a str,
) -> Box<dyn Iterator<Item = (Place, Record)> + 'a> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    if input.trim_start().starts_with('[') {
        if let Ok(items) = serde_json::from_str::<Vec<Value>>(input) {
            return Box::new(items.into_iter().enumerate().map(move |(i, item)| {
                let place = Place::Item(i + 1);
                let object = match item {
                    Value::Object(object) => Ok(object),
                    other => Err(place.problem(
                        file,
                        format!("the record is {}, not a JSON object", kind(&other)),
                    )),
                };
                (place, object)
            }));
        }
    }
    Box::new(lines(input).map(move |(line, json)| {
        let object = match serde_json::from_str::<Value>(json) {
            Ok(Value::Object(object)) => Ok(object),
            Ok(other) => Err(Problem::at_line(
                file,
                line,
                format!(
                    "the line holds {}, not a JSON object (a record)",
                    kind(&other)
                ),
            )),
            Err(e) => Err(Problem::at(
                file,
                line,
                e.column(),
                format!("the line is not valid JSON: {e}"),
            )),
        };
        (Place::Line(line), object)
    }))
}

/// What kind of JSON value this is, for messages.
pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A value as compact JSON, cut to 80 chars, for messages.
pub(super) fn shown(value: &Value) -> String {
    let json = value.to_string();
    match json.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &json[..cut]),
        None => json,
    }
}

/// An id as text: an integer or a non-empty string.
pub(super) fn id_key(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// A non-negative integer (an offset or an index) that the record calls `name`.
pub(super) fn count(value: &Value, name: &str) -> Result<usize, String> {
    match value {
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(v), _) => usize::try_from(v).map_err(|_| format!("{name} {n} is too large")),
            (None, Some(_)) => Err(format!("{name} {n} is negative")),
            (None, None) => Err(format!("{name} {n} is not a whole number")),
        },
        other => Err(format!(
            "{name} is {} ({}), not a number",
            kind(other),
            shown(other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &str) -> Parsed {
        parse("in.jsonl", input, &Options::default())
    }

    /// (label, text) of each span.
    fn spans(article: &ImportedArticle) -> Vec<(&str, &str)> {
        article
            .spans
            .iter()
            .map(|s| (s.label.as_str(), s.text.as_str()))
            .collect()
    }

    #[test]
    fn integer_string_and_absent_ids_name_the_articles() {
        let input = concat!(
            r#"{"id":7,"text":"Cairo","label":[[0,5,"location"]]}"#,
            "\n",
            r#"{"id":"cairo-2","text":"Cairo","label":[]}"#,
            "\n",
            r#"{"text":"Cairo","label":[]}"#,
            "\n",
            r#"{"id":-3,"text":"Cairo"}"#,
        );
        let parsed = read(input);
        assert!(
            parsed.report.errors.is_empty(),
            "{:?}",
            parsed.report.errors
        );
        let names: Vec<&str> = parsed.articles.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["7.txt", "cairo-2.txt", "doc-00003.txt", "-3.txt"]);
        assert_eq!(spans(&parsed.articles[0]), [("location", "Cairo")]);
        assert_eq!(parsed.articles[0].from, "in.jsonl:1");
    }

    #[test]
    fn a_non_id_is_reported_and_the_article_still_imports() {
        let parsed = read(r#"{"id":[1],"text":"Cairo"}"#);
        assert_eq!(parsed.articles[0].name, "doc-00001.txt");
        assert!(parsed.report.left_out[0]
            .message
            .contains("neither an integer nor a string"));
    }

    #[test]
    fn utf16_offsets_after_an_emoji_land_on_their_chars() {
        // "😀" is two UTF-16 code units and one char: "Cairo" is units 3..8, chars 2..7.
        let parsed = read(r#"{"text":"😀 Cairo","label":[[3,8,"location"]]}"#);
        let span = &parsed.articles[0].spans[0];
        assert_eq!((span.start, span.end, span.text.as_str()), (2, 7, "Cairo"));
    }

    #[test]
    fn offsets_inside_a_surrogate_pair_or_past_the_end_are_errors_naming_the_record() {
        let input = concat!(
            r#"{"text":"Cairo"}"#,
            "\n",
            r#"{"text":"😀 x","label":[[1,3,"actor"]]}"#,
            "\n",
            r#"{"text":"😀 x","entities":[{"id":4,"label":"actor","start_offset":3,"end_offset":5}]}"#,
        );
        let parsed = read(input);
        assert_eq!(parsed.articles.len(), 1, "the good record imports");
        let [inside, past] = &parsed.report.errors[..] else {
            panic!("{:?}", parsed.report.errors)
        };
        assert_eq!(inside.line, Some(2));
        assert!(
            inside
                .message
                .starts_with(r#""label" item 1 [1,3,"actor"]: start_offset 1 falls inside '😀'"#),
            "{inside}"
        );
        assert!(inside.message.contains("surrogate pair"), "{inside}");
        assert_eq!(
            past.to_string(),
            "in.jsonl:3: entity 4 (actor): end_offset 5 is past the end of the text \
             (4 UTF-16 code units)"
        );
    }

    #[test]
    fn grapheme_mode_counts_a_combining_accent_and_a_flag_as_one() {
        // Graphemes: "e\u{301}" (2 chars), " ", "🇪🇬" (2 chars), " ", "Cairo".
        let line = r#"{"text":"e\u0301 🇪🇬 Cairo","label":[[0,1,"actor"],[2,3,"location"],[4,9,"location"]]}"#;
        let options = Options {
            offsets: Some(OffsetUnit::Graphemes),
            ..Options::default()
        };
        let parsed = parse("in.jsonl", line, &options);
        assert!(
            parsed.report.errors.is_empty(),
            "{:?}",
            parsed.report.errors
        );
        let article = &parsed.articles[0];
        assert_eq!(
            spans(article),
            [
                ("actor", "e\u{301}"),
                ("location", "🇪🇬"),
                ("location", "Cairo")
            ]
        );
        assert_eq!((article.spans[1].start, article.spans[1].end), (3, 5));
        // Read as UTF-16, the same offsets split the flag: the option matters.
        let parsed = read(line);
        assert!(parsed.articles.is_empty());
        assert!(parsed.report.errors[0].message.contains("surrogate pair"));
    }

    #[test]
    fn the_intent_shape_keeps_slots_and_reports_the_intent() {
        let parsed = read(
            r#"{"text":"Book a table in Cairo","entities":[[16,21,"location"]],"cats":["book_table"]}"#,
        );
        assert_eq!(spans(&parsed.articles[0]), [("location", "Cairo")]);
        let note = &parsed.report.left_out[0];
        assert_eq!(note.line, Some(1));
        assert!(note.message.contains("\"book_table\""), "{note}");
        assert!(note.message.contains("whole document"), "{note}");
    }

    #[test]
    fn doccano_1_2_data_key_and_labels_key_are_read() {
        let parsed = read(r#"{"id":3,"data":"Lavrov said","labels":[[0,6,"actor"]],"meta":{}}"#);
        assert_eq!(spans(&parsed.articles[0]), [("actor", "Lavrov")]);
        assert!(
            parsed.report.left_out.is_empty(),
            "{:?}",
            parsed.report.left_out
        );
    }

    #[test]
    fn relations_without_ids_link_the_entities_they_name() {
        let parsed = read(
            r#"{"text":"Lavrov said it","entities":[{"id":10,"label":"actor","start_offset":0,"end_offset":6},{"id":11,"label":"quote","start_offset":7,"end_offset":14}],"relations":[{"from_id":11,"to_id":10,"type":"said_by"},{"id":5,"from_id":10,"to_id":11,"type":"says"}]}"#,
        );
        let article = &parsed.articles[0];
        assert_eq!(
            article.spans.iter().map(|s| s.id).collect::<Vec<_>>(),
            [10, 11]
        );
        let relations: Vec<(u64, &str, u64, u64)> = article
            .relations
            .iter()
            .map(|r| (r.id, r.kind.as_str(), r.from, r.to))
            .collect();
        assert_eq!(relations, [(6, "said_by", 11, 10), (5, "says", 10, 11)]);
        assert_eq!(parsed.report.imported["relations"], 2);
    }

    #[test]
    fn a_relation_to_an_unknown_entity_skips_the_record() {
        let parsed = read(
            r#"{"text":"Lavrov","entities":[{"id":1,"label":"actor","start_offset":0,"end_offset":6}],"relations":[{"from_id":1,"to_id":9,"type":"said_by"}]}"#,
        );
        assert!(parsed.articles.is_empty());
        assert_eq!(
            parsed.report.errors[0].message,
            "\"relations\" item 1 (said_by): to_id 9 names no entity of this record (its \
             \"entities\" have ids 1)"
        );
    }

    #[test]
    fn a_bad_record_among_good_ones_is_named_in_doccano_terms() {
        let good = r#"{"id":1,"text":"Cairo","label":[[0,5,"location"]]}"#;
        let cases = [
            (
                r#"{"id":2,"text":"Cairo","label":[[0,"5","location"]]}"#,
                r#""label" item 1 [0,"5","location"]: end_offset is a string ("5"), not a number"#,
            ),
            (
                r#"{"id":2,"text":"Cairo","label":[[3,1,"location"]]}"#,
                "start_offset 3 is not before end_offset 1",
            ),
            (
                r#"{"id":2,"text":"Cairo","label":[[0,5]]}"#,
                "is not [start_offset, end_offset, label] (it has 2 elements)",
            ),
            (
                r#"{"id":2,"text":"Cairo","label":[[0,5,"location","Kairo"]]}"#,
                r#"says "Kairo" but the text at 0..5 is "Cairo""#,
            ),
            (r#"{"id":2,"label":[]}"#, "the record has no \"text\""),
            (r#"{"id":2,"text":7}"#, "\"text\" is a number, not a string"),
            (
                r#"{"id":2,"text":"Cairo","entities":[{"id":1,"label":"x","start_offset":0,"end_offset":1},{"id":1,"label":"y","start_offset":0,"end_offset":1}]}"#,
                "entity id 1 is used twice",
            ),
            (
                r#"{"id":2,"text":"Cairo","entities":[{"id":1,"label":"x","start_offset":-1,"end_offset":1}]}"#,
                "entity 1 (x): start_offset -1 is negative",
            ),
            (
                r#"{"id":2,"text":"Cairo","relations":[{"from_id":1,"to_id":1}]}"#,
                "\"relations\" item 1 has no \"type\"",
            ),
            (r#"{"id":2,"text":"Cairo""#, "the line is not valid JSON"),
            (r#"[1,2]"#, "the line holds a list, not a JSON object"),
        ];
        for (bad, message) in cases {
            let parsed = read(&format!("{good}\n\n{bad}\n{good}"));
            assert_eq!(parsed.articles.len(), 2, "{bad}");
            assert_eq!(parsed.articles[1].from, "in.jsonl:4");
            let [error] = &parsed.report.errors[..] else {
                panic!("{bad}: {:?}", parsed.report.errors)
            };
            assert_eq!(error.line, Some(3), "{bad}");
            assert!(error.message.contains(message), "{bad}: {error}");
            assert!(!error.message.contains("invalid type"), "{error}");
        }
    }

    #[test]
    fn comments_meta_and_top_level_metadata_are_reported_not_dropped() {
        let parsed = read(
            r#"{"id":1,"text":"Cairo","label":[[0,5,"location"]],"Comments":["check this"],"meta":{"wikiPageID":1,"empty":""},"source":"ahram.org","annotation_approver":null}"#,
        );
        assert_eq!(parsed.articles.len(), 1);
        let messages: Vec<&str> = parsed
            .report
            .left_out
            .iter()
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains(r#""check this""#), "{messages:?}");
        assert!(
            messages[1].ends_with(r#"meta.wikiPageID = 1, source = "ahram.org""#),
            "{messages:?}"
        );
        // Empty comments and meta say nothing.
        let parsed = read(r#"{"id":1,"text":"Cairo","Comments":[],"meta":{}}"#);
        assert!(parsed.report.left_out.is_empty());
    }

    #[test]
    fn doccano_1_annotations_with_label_ids_and_users_are_imported_and_reported() {
        let parsed = read(
            r#"{"id":15,"text":"EU rejects","annotations":[{"label":7,"start_offset":0,"end_offset":2,"user":1},{"label":7,"start_offset":0,"end_offset":2,"user":2}],"meta":{}}"#,
        );
        assert_eq!(spans(&parsed.articles[0]), [("7", "EU"), ("7", "EU")]);
        let messages: Vec<&str> = parsed
            .report
            .left_out
            .iter()
            .map(|p| p.message.as_str())
            .collect();
        assert!(
            messages[0].contains("doccano label ids (7)"),
            "{messages:?}"
        );
        assert!(messages[1].contains("doccano user 1, 2"), "{messages:?}");
    }

    #[test]
    fn a_byte_order_mark_and_a_json_array_of_records_are_read() {
        let parsed = read("\u{feff}{\"text\":\"Cairo\",\"label\":[[0,5,\"location\"]]}");
        assert_eq!(spans(&parsed.articles[0]), [("location", "Cairo")]);
        let parsed = read(
            "[\n  {\"id\": 1, \"text\": \"Cairo\", \"label\": [[0, 5, \"location\"]]},\n  \
             {\"id\": 2, \"text\": \"Cairo\", \"label\": [[0, 9, \"location\"]]}\n]",
        );
        assert_eq!(parsed.articles[0].from, "in.jsonl: record 1");
        assert_eq!(
            parsed.report.errors[0].to_string(),
            "in.jsonl: record 2: \"label\" item 1 [0,9,\"location\"]: end_offset 9 is past the \
             end of the text (5 UTF-16 code units)"
        );
    }

    #[test]
    fn classification_labels_are_reported() {
        let parsed = read(r#"{"text":"Cairo is hot","label":["weather","egypt"]}"#);
        assert!(parsed.articles[0].spans.is_empty());
        assert!(parsed.report.left_out[0]
            .message
            .ends_with(r#""weather", "egypt""#));
    }
}
