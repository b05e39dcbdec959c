//! Spans and relations: the annotations an analyst makes.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;

use super::Text;

/// How many chars of context a span stores on each side.
pub const CONTEXT_CHARS: usize = 32;

/// A span's id: unique within its sidecar and stable across saves.
pub type SpanId = u64;

/// A span's attribute values by attribute name (the scheme says which attributes a label
/// has and what values they take). Kept in name order, so a sidecar's bytes do not depend
/// on the scheme file. Values are text: a choice's option, `yes`/`no`, a number as typed.
pub type Attrs = BTreeMap<String, String>;

/// Where a span came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Source {
    #[default]
    Manual,
    /// A suggestion from the named rule that the analyst accepted.
    Rule(String),
    /// Brought in by an importer of the named format.
    Imported(String),
}

/// Whether a span's position is known to hold its text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Anchor {
    /// Verified against the current text.
    #[default]
    Exact,
    /// Re-anchored after the article changed.
    Moved,
    /// Its text is not at its position: kept, shown for review, never drawn over other text.
    Orphaned,
}

/// A labelled half-open char range `[start, end)` of the article text.
///
/// Invariant for spans that are not [`Anchor::Orphaned`]:
/// `start < end <= text.len_chars()` and `text.slice(start..end) == self.text`.
/// An orphan keeps what its sidecar said, so nothing about it is lost.
///
/// The serde form is the sidecar's span record; the optional fields may be left out of a
/// hand-written sidecar.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub id: SpanId,
    pub label: String,
    /// First char of the span.
    pub start: usize,
    /// One past the last char of the span.
    pub end: usize,
    /// The exact text covered.
    pub text: String,
    /// Up to [`CONTEXT_CHARS`] chars before the span.
    #[serde(default)]
    pub prefix: String,
    /// Up to [`CONTEXT_CHARS`] chars after the span.
    #[serde(default)]
    pub suffix: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub source: Source,
    #[serde(default)]
    pub anchor: Anchor,
    /// Attribute values (sidecar version 2); empty when none is set.
    #[serde(default)]
    pub attrs: Attrs,
    /// The id of the corpus entity (in `entities.ron`) this mention refers to.
    #[serde(default)]
    pub entity: Option<String>,
}

impl Source {
    /// `manual`, `rule:NAME` or `imported:FORMAT`: the source as one plain field (a csv
    /// column, say).
    pub fn tag(&self) -> String {
        match self {
            Source::Manual => "manual".into(),
            Source::Rule(name) => format!("rule:{name}"),
            Source::Imported(format) => format!("imported:{format}"),
        }
    }
}

impl Span {
    /// A manual, exactly anchored span over `char_range` of `text`.
    ///
    /// The caller guarantees that the range is inside the text and not empty.
    pub fn new(id: SpanId, label: &str, char_range: Range<usize>, text: &Text) -> Self {
        let mut span = Span {
            id,
            label: label.to_string(),
            start: char_range.start,
            end: char_range.end,
            text: String::new(),
            prefix: String::new(),
            suffix: String::new(),
            note: String::new(),
            source: Source::Manual,
            anchor: Anchor::Exact,
            attrs: Attrs::new(),
            entity: None,
        };
        span.refresh_from(text);
        span
    }

    pub fn char_range(&self) -> Range<usize> {
        self.start..self.end
    }

    pub fn is_orphaned(&self) -> bool {
        self.anchor == Anchor::Orphaned
    }

    /// Recomputes `text`, `prefix` and `suffix` from the article at the span's position
    /// (allocating only for what changed: loading thousands of spans mostly changes nothing).
    pub fn refresh_from(&mut self, text: &Text) {
        let bytes = text.byte_range(self.char_range());
        self.refresh_at(text, bytes);
    }

    fn refresh_at(&mut self, text: &Text, bytes: Range<usize>) {
        let (prefix, covered, suffix) = text.context_of_bytes(bytes, CONTEXT_CHARS);
        for (field, value) in [
            (&mut self.prefix, prefix),
            (&mut self.text, covered),
            (&mut self.suffix, suffix),
        ] {
            if field != value {
                *field = value.to_string();
            }
        }
    }

    /// Whether the span's stored text is what the article holds at its range.
    pub fn holds_in(&self, text: &Text) -> bool {
        self.start < self.end && text.get(self.char_range()) == Some(self.text.as_str())
    }

    /// Checks the span against the article and, if it holds, refreshes its context; one
    /// char→byte conversion per end does both (loading a sidecar does this for every span).
    pub fn check_and_refresh(&mut self, text: &Text) -> bool {
        if !(self.start < self.end && self.end <= text.len_chars()) {
            return false;
        }
        let bytes = text.byte_range(self.char_range());
        if text.as_str()[bytes.clone()] != self.text {
            return false;
        }
        self.refresh_at(text, bytes);
        true
    }

    /// The order spans are kept and written in: `(start, end, label, id)`.
    pub fn sort_key(&self) -> (usize, usize, &str, SpanId) {
        (self.start, self.end, &self.label, self.id)
    }
}

/// The relation kind that joins the fragments of one discontinuous span (brat's
/// `T1 Label 0 9;16 19`): the first fragment is its `from`, each later one a `to`. Each
/// fragment is a span of its own holding only its characters, so nothing is widened over
/// the gap; exporters that have discontinuous spans (brat) join them again.
pub const FRAGMENT_KIND: &str = "fragment";

/// A typed link between two spans, such as `said_by` from a quote to its speaker.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Relation {
    pub id: u64,
    pub kind: String,
    pub from: SpanId,
    pub to: SpanId,
}
