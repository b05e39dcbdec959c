//! Suggestions: spans a model (or another tool's predictions) offered for an article, kept
//! with it in the sidecar until the analyst decides on each, and after, so a team can read a
//! model's precision against the analysts' decisions.
//!
//! Unlike a rule's [`Proposal`], which is made again whenever it is needed, a suggestion
//! cannot be made again: it is stored. The window offers each pending one as a proposal of
//! [`Origin::Imported`] (by its index in [`Document::suggestions`](super::Document)).
//! Accepting one ([`Command::Accept`](super::Command::Accept)) adds a span whose source is
//! `Imported(source)` and marks the suggestion `Accepted` in the same undo step; rejecting
//! one ([`Command::RejectSuggestion`](super::Command::RejectSuggestion)) marks it
//! `Rejected`. Undo makes it `Pending` again. The suggestion keeps its status either way.
//!
//! A suggestion stores no context (prefix, suffix) of its own, so it is re-anchored only
//! when the text it was made on is known: otherwise one whose text is no longer at its
//! range is marked [`Anchor::Orphaned`] (kept as written, never offered, never moved onto
//! other text) rather than guessed among the places its words occur.

use serde::{Deserialize, Serialize};

use super::{Anchor, Attrs, Origin, Proposal, Source, Span, Text};

/// One offered span and what became of it. The serde form is the sidecar's suggestion
/// record; a field it does not know is an error (with its line and column), not dropped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// `Exact` (written as nothing), `Moved` (re-anchored after the article changed) or
    /// `Orphaned` (its text is not at its range: kept, not offered).
    #[serde(default, skip_serializing_if = "is_exact")]
    pub anchor: Anchor,
}

fn is_exact(anchor: &Anchor) -> bool {
    *anchor == Anchor::Exact
}

/// What the analyst decided.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SuggestionStatus {
    #[default]
    Pending,
    Accepted,
    Rejected,
}

impl SuggestionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SuggestionStatus::Pending => "Pending",
            SuggestionStatus::Accepted => "Accepted",
            SuggestionStatus::Rejected => "Rejected",
        }
    }
}

/// Why a suggestion cannot be offered: loading marks it orphaned and reports this.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SuggestionProblem {
    #[error("its range is outside the article ({chars} chars)")]
    OutOfRange { chars: usize },
    #[error("its start is not before its end")]
    StartNotBeforeEnd,
    #[error("its text is not at its range")]
    TextNotThere,
    #[error("its text was not found with confidence after the article changed")]
    NotFound,
    #[error("its label is empty or has control characters")]
    BadLabel,
    #[error("its source is empty or has control characters")]
    BadSource,
}

/// At most 40 chars of a suggestion's text for a message, on one line.
pub(crate) fn short(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(40)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

/// Whether a name (a label, a source) can be shown and exported as written.
fn is_plain_name(name: &str) -> bool {
    !name.trim().is_empty() && !name.chars().any(char::is_control)
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
            anchor: span.anchor,
        }
    }

    pub fn char_range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    pub fn is_orphaned(&self) -> bool {
        self.anchor == Anchor::Orphaned
    }

    /// Whether the analyst still has to decide on it (and it can be shown).
    pub fn is_offered(&self) -> bool {
        self.status == SuggestionStatus::Pending && !self.is_orphaned()
    }

    /// What keeps the suggestion from being offered over `text`, if anything: its names,
    /// then its range, then its text.
    pub fn problem_in(&self, text: &Text) -> Option<SuggestionProblem> {
        if !is_plain_name(&self.label) {
            return Some(SuggestionProblem::BadLabel);
        }
        if !is_plain_name(&self.source) {
            return Some(SuggestionProblem::BadSource);
        }
        if self.start >= self.end {
            return Some(SuggestionProblem::StartNotBeforeEnd);
        }
        if self.end > text.len_chars() {
            return Some(SuggestionProblem::OutOfRange {
                chars: text.len_chars(),
            });
        }
        (text.get(self.char_range()) != Some(self.text.as_str()))
            .then_some(SuggestionProblem::TextNotThere)
    }

    /// The proposal that offers this suggestion, the one at `index` of its document.
    pub fn proposal(&self, index: usize) -> Proposal {
        Proposal {
            char_range: self.char_range(),
            label: self.label.clone(),
            source: Source::Imported(self.source.clone()),
            origin: Origin::Imported {
                source: self.source.clone(),
                index,
            },
            links: Vec::new(),
            attrs: self.attrs.clone(),
            entity: self.entity.clone(),
        }
    }
}

/// The proposals of every suggestion still to decide (pending and anchored).
pub fn offered_suggestions(suggestions: &[Suggestion]) -> Vec<Proposal> {
    suggestions
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_offered())
        .map(|(i, s)| s.proposal(i))
        .collect()
}

/// How many suggestions each source has still to decide, by source: what the review panel
/// and the status bar say.
pub fn pending_by_source(suggestions: &[Suggestion]) -> std::collections::BTreeMap<&str, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for s in suggestions.iter().filter(|s| s.is_offered()) {
        *counts.entry(s.source.as_str()).or_default() += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixture;

    fn suggestion(label: &str, range: std::ops::Range<usize>, text: &str) -> Suggestion {
        Suggestion {
            label: label.into(),
            start: range.start,
            end: range.end,
            text: text.into(),
            source: "model-v2".into(),
            status: SuggestionStatus::Pending,
            attrs: Attrs::new(),
            entity: None,
            anchor: Anchor::Exact,
        }
    }

    #[test]
    fn problems_are_found_in_order_names_range_text() {
        let doc = fixture::document("Lavrov said");
        let text = doc.text();
        assert_eq!(suggestion("actor", 0..6, "Lavrov").problem_in(text), None);
        let cases = [
            (suggestion("", 0..6, "Lavrov"), SuggestionProblem::BadLabel),
            (
                suggestion("ac\u{7}tor", 0..6, "Lavrov"),
                SuggestionProblem::BadLabel,
            ),
            (
                Suggestion {
                    source: "a\nb".into(),
                    ..suggestion("actor", 0..6, "Lavrov")
                },
                SuggestionProblem::BadSource,
            ),
            (
                suggestion("actor", 6..6, ""),
                SuggestionProblem::StartNotBeforeEnd,
            ),
            (
                suggestion("actor", 7..usize::MAX, "x"),
                SuggestionProblem::OutOfRange { chars: 11 },
            ),
            (
                suggestion("actor", 1..7, "Lavrov"),
                SuggestionProblem::TextNotThere,
            ),
        ];
        for (s, problem) in cases {
            assert_eq!(s.problem_in(text), Some(problem), "{s:?}");
        }
    }

    #[test]
    fn only_pending_anchored_suggestions_are_offered_with_their_index_and_source() {
        let mut all = vec![
            suggestion("actor", 0..6, "Lavrov"),
            suggestion("location", 12..17, "Libya"),
            suggestion("actor", 0..6, "Lavrov"),
        ];
        all[1].status = SuggestionStatus::Rejected;
        all[2].anchor = Anchor::Orphaned;
        all[0].attrs.insert("confidence".into(), "0.9".into());
        let proposals = offered_suggestions(&all);
        assert_eq!(proposals.len(), 1);
        let p = &proposals[0];
        assert_eq!(
            p.origin,
            Origin::Imported {
                source: "model-v2".into(),
                index: 0
            }
        );
        assert_eq!(p.source, Source::Imported("model-v2".into()));
        assert_eq!(p.attrs["confidence"], "0.9");
        assert_eq!(
            pending_by_source(&all).into_iter().collect::<Vec<_>>(),
            [("model-v2", 1)]
        );
    }
}
