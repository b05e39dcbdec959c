//! Importers: what other annotation tools (and models) wrote, read into articles with spans.
//! Pure; [`crate::store::import`] writes the results and the scheme.
//!
//! # The promise
//! Whatever a peer tool wrote, every span lands on exactly the characters it covered in that
//! tool, or the [`Report`] says precisely what could not be held and why. Nothing is lost
//! silently and nothing is widened:
//! - Offsets are converted from the format's own unit (UTF-16 code units for doccano, code
//!   points for brat, Label Studio and Prodigy; docs/FORMATS.md sections 1 and 7) to chars, and a
//!   span that carries its text is checked against the article.
//! - A discontinuous span (brat's `S E;S E`) becomes one span per fragment, each holding only
//!   its fragment's characters, the first linked to each later one by a
//!   [`FRAGMENT_KIND`](crate::model::FRAGMENT_KIND) relation. Exporters group them again.
//! - A construct spantag has no place for (a brat event's attribute, a Label Studio rating of
//!   a whole task) is listed in [`Report::left_out`] with its file, line and reason.
//! - A record that cannot be read (a JSON line, one brat annotation) is skipped and listed in
//!   [`Report::errors`]; the sound records still import. The store refuses the whole input
//!   instead when asked to be strict.
//!
//! A model's output comes in as [`Suggestion`]s, not spans: the analyst accepts or rejects
//! each in the window, and the decision is kept with its source.

mod brat;
mod conll;
mod doccano;
mod jsonl;
mod labelstudio;
mod prodigy;

use std::collections::BTreeMap;
use std::fmt;

use crate::model::{
    Citation, CitationField, Entity, Relation, Source, Span, Status, Suggestion, Text,
};
use crate::problem::Problem;

pub use brat::{brat_text, parse as parse_brat};
pub use conll::realign as realign_conll;

/// A format that can be imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Jsonl,
    Doccano,
    Brat,
    LabelStudio,
    Prodigy,
    Conll,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Jsonl,
        Format::Doccano,
        Format::Brat,
        Format::LabelStudio,
        Format::Prodigy,
        Format::Conll,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Doccano => "doccano",
            Format::Brat => "brat",
            Format::LabelStudio => "labelstudio",
            Format::Prodigy => "prodigy",
            Format::Conll => "conll",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// What a person sees in the import dialog.
    pub fn description(self) -> &'static str {
        match self {
            Format::Jsonl => "JSON Lines, spantag's own (chars)",
            Format::Doccano => "doccano JSONL (UTF-16 offsets)",
            Format::Brat => "brat standoff folder (.txt + .ann)",
            Format::LabelStudio => "Label Studio tasks (JSON)",
            Format::Prodigy => "Prodigy / spaCy JSONL (chars)",
            Format::Conll => "CoNLL IOB / IOB2 / BIOES tokens",
        }
    }

    /// Whether the input is a folder rather than one file.
    pub fn reads_folder(self) -> bool {
        self == Format::Brat
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The unit a format's offsets count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OffsetUnit {
    /// Unicode scalar values (code points): spantag, brat, Label Studio, Prodigy.
    Chars,
    /// UTF-16 code units (JavaScript string indices): doccano.
    Utf16,
    /// Extended grapheme clusters: doccano projects with "count grapheme clusters as one
    /// character" set.
    Graphemes,
}

impl OffsetUnit {
    pub const ALL: [OffsetUnit; 3] = [OffsetUnit::Chars, OffsetUnit::Utf16, OffsetUnit::Graphemes];

    pub fn name(self) -> &'static str {
        match self {
            OffsetUnit::Chars => "chars",
            OffsetUnit::Utf16 => "utf16",
            OffsetUnit::Graphemes => "graphemes",
        }
    }

    pub fn from_name(name: &str) -> Option<OffsetUnit> {
        OffsetUnit::ALL.into_iter().find(|u| u.name() == name)
    }
}

/// How to read an input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The unit of the input's offsets, when not the format's own (doccano grapheme mode).
    pub offsets: Option<OffsetUnit>,
    /// Label Studio: import this annotator's annotation of each task (matched against
    /// `completed_by`: an id, or an e-mail) instead of the latest.
    pub annotator: Option<String>,
    /// Bring every span in as a suggestion to review, not as an annotation.
    pub as_suggestions: bool,
    /// The source suggestions are recorded under; by default the model version the input
    /// names, else the input's file name.
    pub source: Option<String>,
}

/// One article an importer found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportedArticle {
    /// Where to write the article, relative to the target folder (`/`-separated, safe,
    /// ending in `.txt`). Two articles may ask for the same name: the store tells them apart.
    pub name: String,
    /// Where it came from, for reports: the input file and its line or record.
    pub from: String,
    pub text: String,
    pub status: Status,
    /// The article's source, where the input says it (spantag's own jsonl, doccano
    /// metadata and Label Studio data fields named as spantag exports them).
    pub citation: Citation,
    pub spans: Vec<Span>,
    pub relations: Vec<Relation>,
    /// Spans offered for review (a model's predictions), kept with the article.
    pub suggestions: Vec<Suggestion>,
    /// Entities the input defines (brat normalizations): merged into the corpus's
    /// `entities.ron`, never replacing an entity that is there.
    pub entities: Vec<Entity>,
    /// The char range of each token in `text`, in order, when the format is token-based
    /// (CoNLL): what [`realign_conll`] finds again in the original text. Empty otherwise.
    pub tokens: Vec<std::ops::Range<usize>>,
}

/// What an import brought in, what it left out, and what it could not read.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// How many of each construct came in, by name ("articles", "spans", "relations",
    /// "fragments", "notes", "attributes", "suggestions", …).
    pub imported: BTreeMap<String, usize>,
    /// What the input holds but spantag cannot, each with its place and reason. The rest of
    /// the record is imported.
    pub left_out: Vec<Problem>,
    /// Records (or single annotations) that could not be read, each skipped.
    pub errors: Vec<Problem>,
}

impl Report {
    /// Counts `n` more of a construct.
    pub fn count(&mut self, what: &str, n: usize) {
        if n > 0 {
            *self.imported.entry(what.to_string()).or_default() += n;
        }
    }

    pub fn merge(&mut self, other: Report) {
        for (what, n) in other.imported {
            self.count(&what, n);
        }
        self.left_out.extend(other.left_out);
        self.errors.extend(other.errors);
    }
}

/// Articles read from one input, and the report on it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub articles: Vec<ImportedArticle>,
    pub report: Report,
}

/// Reads a one-file input (every format but brat, whose input is a folder of pairs:
/// [`parse_brat`] reads one pair). `file` names the input in reports.
pub fn parse(format: Format, file: &str, input: &str, options: &Options) -> Parsed {
    let mut parsed = match format {
        Format::Jsonl => jsonl::parse(file, input, options),
        Format::Doccano => doccano::parse(file, input, options),
        Format::LabelStudio => labelstudio::parse(file, input, options),
        Format::Prodigy => prodigy::parse(file, input, options),
        Format::Conll => conll::parse(file, input, options),
        Format::Brat => Parsed {
            articles: Vec::new(),
            report: Report {
                errors: vec![Problem::file(
                    file,
                    "brat is imported from a folder of .txt and .ann pairs",
                )],
                ..Report::default()
            },
        },
    };
    if options.as_suggestions {
        let source = options.source.clone().unwrap_or_else(|| file_name(file));
        for article in &mut parsed.articles {
            into_suggestions(article, &source, &mut parsed.report);
        }
    }
    parsed
}

/// The last component of a path as written in a report.
/// The citation a record carries as plain string fields named as spantag's exports write
/// them (`title`, `byline`, `outlet`, `published`, `url`): doccano's metadata, a Label
/// Studio task's data.
fn citation_of(fields: &serde_json::Map<String, serde_json::Value>) -> Citation {
    let mut citation = Citation::default();
    for field in CitationField::ALL {
        if let Some(value) = fields.get(field.key()).and_then(|v| v.as_str()) {
            *citation.get_mut(field) = value.to_string();
        }
    }
    citation
}

/// Whether a record's field is read as part of the citation ([`citation_of`]).
fn is_citation_field(name: &str, value: &serde_json::Value) -> bool {
    value.is_string() && CitationField::ALL.iter().any(|f| f.key() == name)
}

fn file_name(file: &str) -> String {
    file.rsplit(['/', '\\']).next().unwrap_or(file).to_string()
}

/// Turns an article's spans into suggestions from `source`. A relation cannot wait for a
/// decision on both its ends, so each is reported as left out.
pub fn into_suggestions(article: &mut ImportedArticle, source: &str, report: &mut Report) {
    let spans = std::mem::take(&mut article.spans);
    report.count("suggestions", spans.len());
    article.suggestions.extend(
        spans
            .into_iter()
            .map(|span| Suggestion::from_span(span, source)),
    );
    for relation in std::mem::take(&mut article.relations) {
        report.left_out.push(Problem::file(
            &article.from,
            format!(
                "relation {} ({}) between suggestions is not kept: a suggestion's relations \
                 wait on decisions spantag does not record",
                relation.id, relation.kind
            ),
        ));
    }
    article.status = status_for(&article.spans);
}

/// Builds the spans of one record, checking each against the article.
pub(crate) struct Builder {
    pub format: &'static str,
    pub text: Text,
}

impl Builder {
    pub fn new(format: &'static str, text: &str) -> Builder {
        Builder {
            format,
            text: Text::new(text.to_string()),
        }
    }

    /// A span over a char range, checked against the text the format says it covers.
    pub fn span(
        &self,
        id: u64,
        label: &str,
        start: usize,
        end: usize,
        expected: Option<&str>,
    ) -> Result<Span, String> {
        if start >= end || end > self.text.len_chars() {
            return Err(format!(
                "span {id} ({label}) has range {start}..{end}, outside the {}-char text",
                self.text.len_chars()
            ));
        }
        if label.trim().is_empty() || label.chars().any(char::is_control) {
            return Err(format!(
                "span {id}: label {label:?} is empty or has control characters"
            ));
        }
        let mut span = Span::new(id, label, start..end, &self.text);
        span.source = Source::Imported(self.format.to_string());
        if let Some(expected) = expected {
            if span.text != expected {
                return Err(format!(
                    "span {id} ({label}) says {expected:?} but the text at {start}..{end} is {:?}",
                    span.text
                ));
            }
        }
        Ok(span)
    }
}

/// Sets an attribute of a span read back, refusing what a sidecar cannot hold.
pub(crate) fn set_attr(span: &mut Span, name: &str, value: String) -> Result<(), String> {
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        return Err(format!(
            "span {}: attribute name {name:?} is empty or has control characters",
            span.id
        ));
    }
    span.attrs.insert(name.to_string(), value);
    Ok(())
}

/// Links a span read back to an entity id (ids are never empty, never control chars).
pub(crate) fn set_entity(span: &mut Span, entity: String) -> Result<(), String> {
    if entity.trim().is_empty() || entity.chars().any(char::is_control) {
        return Err(format!(
            "span {}: entity id {entity:?} is empty or has control characters",
            span.id
        ));
    }
    span.entity = Some(entity);
    Ok(())
}

/// A safe relative file name for an imported article: the format's id when it is a plain
/// relative path, else `doc-NNNNN.txt`. Always ends in `.txt`.
pub(crate) fn article_name(id: Option<&str>, index: usize) -> String {
    let safe = id.filter(|id| {
        !id.is_empty()
            && !id.starts_with('/')
            && !id.contains('\\')
            && !id.contains(':')
            && !id.chars().any(char::is_control)
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

pub(crate) fn status_for(spans: &[Span]) -> Status {
    if spans.is_empty() {
        Status::NotStarted
    } else {
        Status::InProgress
    }
}

/// Non-empty lines with their 1-based numbers.
pub(crate) fn lines(input: &str) -> impl Iterator<Item = (usize, &str)> {
    input
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_are_replaced() {
        assert_eq!(article_name(Some("a/b.txt"), 0), "a/b.txt");
        assert_eq!(article_name(Some("cairo"), 0), "cairo.txt");
        assert_eq!(article_name(Some("../etc/passwd"), 2), "doc-00003.txt");
        assert_eq!(article_name(Some("/abs.txt"), 0), "doc-00001.txt");
        assert_eq!(article_name(Some("a\nb"), 0), "doc-00001.txt");
        assert_eq!(article_name(None, 9), "doc-00010.txt");
    }

    #[test]
    fn as_suggestions_moves_every_span_and_reports_relations() {
        let line = r#"{"id":"a","text":"Lavrov said it","spans":[{"id":1,"start":0,"end":6,"label":"actor","text":"Lavrov"},{"id":2,"start":7,"end":14,"label":"quote","text":"said it"}],"relations":[{"id":1,"kind":"said_by","from":2,"to":1}]}"#;
        let options = Options {
            as_suggestions: true,
            ..Options::default()
        };
        let parsed = parse(Format::Jsonl, "dir/model.jsonl", line, &options);
        let article = &parsed.articles[0];
        assert!(article.spans.is_empty() && article.relations.is_empty());
        assert_eq!(article.suggestions.len(), 2);
        assert_eq!(article.suggestions[0].source, "model.jsonl");
        assert_eq!(parsed.report.imported["suggestions"], 2);
        assert_eq!(parsed.report.left_out.len(), 1);
        assert!(parsed.report.left_out[0].message.contains("said_by"));
    }
}
