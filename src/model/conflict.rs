//! Merge conflicts: a span two annotators changed in different ways, kept with both
//! versions until the analyst chooses.
//!
//! `spantag merge` (and the git merge driver) merges three versions of a sidecar by span
//! id. A change made on one side only is applied; a span changed on both sides in
//! different ways (retagged to two labels, a note edited twice, deleted on one side and
//! changed on the other) cannot be decided by a program, so neither version is dropped:
//! the span list holds *ours* (or *theirs*, when ours deleted it), and a [`Conflict`] in
//! the sidecar's `conflicts` list (version 4) holds both versions. The window lists it
//! under *Needs review*, and choosing a side replaces the span with that version (or
//! removes it, when that side deleted it) in one undoable step.

use serde::{Deserialize, Serialize};

use super::{Span, SpanId};

/// One span with two versions. `None` is a side that deleted the span.
///
/// The serde form is the sidecar's conflict record; a field it does not know is an error
/// (with its line and column), not dropped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conflict {
    /// The span's id in the merged sidecar (the same in both versions).
    pub span: SpanId,
    /// The version of the branch merged into (git's `%A`, the current branch).
    pub ours: Option<Span>,
    /// The version of the branch merged in (git's `%B`).
    pub theirs: Option<Span>,
}

/// Which version of a conflict to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    Ours,
    Theirs,
}

impl Conflict {
    /// The version `side` kept; `None` when that side deleted the span.
    pub fn version(&self, side: Side) -> Option<&Span> {
        match side {
            Side::Ours => self.ours.as_ref(),
            Side::Theirs => self.theirs.as_ref(),
        }
    }
}
