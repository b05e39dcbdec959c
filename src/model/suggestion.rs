//! Suggestions: spans a model (or another tool's predictions) offered for an article, kept
//! with it in the sidecar until the analyst decides on each, and after, so a team can read a
//! model's precision against the analysts' decisions.
//!
//! Unlike a rule's [`Proposal`](super::Proposal), which is made again whenever it is needed,
//! a suggestion cannot be made again: it is stored. Accepting one adds a span whose source is
//! `Imported(source)`; the suggestion keeps its status either way.

use serde::{Deserialize, Serialize};

use super::{Attrs, Span};

/// One offered span and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub label: String,
    /// Char offsets into the article, `[start, end)`.
    pub start: usize,
    pub end: usize,
    /// The text it covers, checked on load like a span's.
    pub text: String,
    /// The model or file it came from.
    pub source: String,
    pub status: SuggestionStatus,
    #[serde(default, skip_serializing_if = "Attrs::is_empty")]
    pub attrs: Attrs,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
}

/// What the analyst decided.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SuggestionStatus {
    #[default]
    Pending,
    Accepted,
    Rejected,
}

impl Suggestion {
    /// A pending suggestion of a span read from `source`.
    pub fn from_span(span: Span, source: &str) -> Suggestion {
        Suggestion {
            label: span.label,
            start: span.start,
            end: span.end,
            text: span.text,
            source: source.to_string(),
            status: SuggestionStatus::Pending,
            attrs: span.attrs,
            entity: span.entity,
        }
    }
}
