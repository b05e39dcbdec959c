//! Three-way merges of a sidecar by span id, and of `entities.ron` by entity id: what
//! `spantag merge` and the git merge driver run. Text in, text out: no file system, no git.
//!
//! Git merges text line by line. A sidecar is one span per line, sorted by position, so two
//! analysts tagging the same article conflict as soon as they touch neighbouring lines, and
//! a clean textual merge can still be wrong (two new spans both numbered 7). These merges
//! read the three versions (the common ancestor *base*, *ours* and *theirs*), match their
//! items by id, merge each item field by field, and write the result in the canonical
//! layout, so it is the same bytes whoever merges and decodes to what it says.
//!
//! # Sidecars ([`merge_sidecars`])
//!
//! - **Spans, by id, field group by field group**: position (`start`, `end`, `text`,
//!   `prefix`, `suffix`, `anchor` together), `label`, `note`, each `attrs` key, `entity`,
//!   `source`. A group changed on one side only takes that side's value; changed the same
//!   way on both, that value; changed differently on both, it is a **conflict**.
//! - A span added on one side (its id not in the base) is kept. Deleted on one side and
//!   unchanged on the other, it is deleted. Deleted on one side and changed on the other,
//!   or linked by a relation the other side added or changed, it is a conflict.
//! - **A conflict never loses a side.** The span list holds ours's version (theirs's, when
//!   ours deleted it), and a [`Conflict`](crate::model::Conflict) record holds both
//!   versions, `None` for a side that deleted it. Each version is the cleanly merged span
//!   with that side's values in the conflicting groups, so choosing a side keeps every
//!   change the other side made elsewhere in the span.
//! - **The same span added on both sides** (same label and range, whatever its ids) is one
//!   span with ours's id; theirs's relations follow it; its other fields merge as if the
//!   base had the span with nothing set (a field set on one side only is taken, set
//!   differently on both is a conflict).
//! - **Different spans added with the same id** (or theirs's with an id ours handed out
//!   since the fork, even one ours deleted again): theirs's gets a new id above every id of
//!   the three versions and their `next_id`s, and its relations follow it. Theirs never
//!   takes an id ours wrote; ours keeps its ids (so an id theirs wrote and deleted again
//!   may be one of ours's new spans).
//! - **Relations, by id**, the same way: changes on one side applied, deletions applied,
//!   additions kept (theirs's renumbered when ours has or handed out the id, one identical in
//!   `(kind, from, to)` to a relation already kept is kept once). A relation deleted on one
//!   side and changed on the other is kept as changed; changed differently on both, both
//!   are kept (theirs's renumbered). A relation is kept only when both of its spans are in
//!   the result: the others are left out and counted. `fragment` relations are relations.
//! - **Conflicts already in an input** (an earlier merge not yet reviewed) are carried: a
//!   record is kept unless a side resolved it (removed it) and the other side left it as it
//!   was in the base. A record whose span is no longer in the result brings its span back
//!   (ours's version, else theirs's), so every record names a span of the sidecar.
//! - **Document fields**: `article` and `annotator` three-way, changed differently on both
//!   sides → ours's (the app re-anchors the spans on open when the article's hash differs);
//!   `status` three-way, changed differently → the less advanced one (`NotStarted` <
//!   `InProgress` < `Done`: someone still has to finish).
//! - **Suggestions** are named by their place in the list, which only grows. The base's
//!   items are merged by place, three-way: `status`; the position (`start`, `end`, `text`,
//!   `anchor`); the rest (`label`, `source`, `attrs`, `entity`, changed differently →
//!   ours's). Items appended on either side are kept, ours's first; one appended on both
//!   alike (all but the status) is kept once. A status changed differently on both sides
//!   (or set differently on an item appended on both) becomes the one consistent with the
//!   merged spans: `Accepted` exactly when the result has the accepted span (its range,
//!   source `Imported(model)`); ours's when both or neither are consistent. A side whose
//!   list is shorter than the base's (spantag never writes one) loses nothing: the other
//!   side's item is kept.
//! - `next_id` ends above every id of the three versions, their `next_id`s and the result.
//! - The version written is the codec's: 4 with conflicts, 3 with suggestions, else 2.
//!
//! # Entities ([`merge_entities`])
//!
//! By entity id; fields `name`, `label`, `aliases` (a set: additions on either side kept,
//! removals applied), each `external` key. Renamed differently on both sides → ours's name,
//! theirs's an alias (nothing lost). A label or an external id changed differently on both
//! sides, or an entity deleted on one side and changed on the other → ours's value (the
//! changed entity), counted as a conflict and described in the summary: `entities.ron` has
//! no conflict record, so the count is what makes the git driver report the conflict.
//!
//! # Errors
//!
//! A version that does not decode, or whose span or relation ids are used twice or are too
//! large, is a [`MergeError`] naming the input and the line and column. The merge never
//! repairs an input: ids are what it matches by. The base may be empty (the file was added
//! on both branches): it then has no spans and no entities.

mod entities;
mod sidecar;

use std::fmt;

use crate::model::sidecar::{decode, Sidecar, SidecarError};
use crate::model::{IdError, IdProblem, MAX_ID};

pub use entities::merge_entities;
pub use sidecar::merge_sidecars;

/// Which input a problem is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Input {
    /// The common ancestor.
    Base,
    /// The version merged into (git's `%A`, the current branch).
    Ours,
    /// The version merged in (git's `%B`).
    Theirs,
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Input::Base => "base",
            Input::Ours => "ours",
            Input::Theirs => "theirs",
        })
    }
}

/// An input that cannot be merged; `line` and `col` are 1-based. The caller prefixes the
/// file's path.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{input}: line {line}, column {col}: {message}")]
pub struct MergeError {
    pub input: Input,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// A merge's result: the merged file's text and what was done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    /// The merged file, in the canonical layout.
    pub text: String,
    /// The conflicts this merge found (recorded in the sidecar; for entities, counted
    /// only). Not zero → the git driver fails, so git shows the file as conflicted.
    pub conflicts: usize,
    pub summary: Summary,
}

/// What a merge merged: the noun of the summary's lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Items {
    #[default]
    Spans,
    Entities,
}

/// What a merge did, in counts a person reads; [`Summary::lines`] says each in a sentence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub items: Items,
    /// Items (spans or entities) that took a change made on ours only: added, changed or
    /// deleted there.
    pub from_ours: usize,
    /// The same for theirs. An item changed on both sides in different fields counts in
    /// both.
    pub from_theirs: usize,
    /// Items added on both sides alike, kept once.
    pub added_both: usize,
    /// Spans of theirs given a new id, because ours added another span with theirs's id.
    pub renumbered: usize,
    /// Relations of theirs given a new id.
    pub relations_renumbered: usize,
    /// Relations left out because one of their spans is not in the result.
    pub relations_dropped: usize,
    /// Conflicts this merge found (the same number as [`Merged::conflicts`]).
    pub conflicts: usize,
    /// Unresolved conflicts of an earlier merge, carried over.
    pub conflicts_carried: usize,
    /// Entities renamed differently on both sides: ours's name kept, theirs's an alias.
    pub names_kept_as_aliases: usize,
    /// One line for each conflict and each choice the counts do not explain.
    pub notes: Vec<String>,
}

impl Summary {
    /// One short line per fact: the counts that are not zero, then the notes.
    pub fn lines(&self) -> Vec<String> {
        let noun = match self.items {
            Items::Spans => ("span", "spans"),
            Items::Entities => ("entity", "entities"),
        };
        let n = |count: usize, (one, many): (&str, &str)| {
            format!("{count} {}", if count == 1 { one } else { many })
        };
        let mut lines = Vec::new();
        let mut say = |count: usize, line: String| {
            if count > 0 {
                lines.push(line);
            }
        };
        say(
            self.from_ours,
            format!("{} changed on ours only, taken", n(self.from_ours, noun)),
        );
        say(
            self.from_theirs,
            format!(
                "{} changed on theirs only, taken",
                n(self.from_theirs, noun)
            ),
        );
        say(
            self.added_both,
            format!(
                "{} added on both sides alike, kept once",
                n(self.added_both, noun)
            ),
        );
        say(
            self.renumbered,
            format!(
                "{} of theirs renumbered (ours used the id for another span)",
                n(self.renumbered, noun)
            ),
        );
        say(
            self.relations_renumbered,
            format!(
                "{} of theirs renumbered",
                n(self.relations_renumbered, ("relation", "relations"))
            ),
        );
        say(
            self.relations_dropped,
            format!(
                "{} left out: a span they link is not in the result",
                n(self.relations_dropped, ("relation", "relations"))
            ),
        );
        say(
            self.names_kept_as_aliases,
            format!(
                "{} renamed differently on both sides: ours's name kept, theirs's added as an alias",
                n(self.names_kept_as_aliases, noun)
            ),
        );
        let recorded = match self.items {
            Items::Spans => "recorded with both versions, to review",
            Items::Entities => "ours's value kept, theirs's listed below",
        };
        say(
            self.conflicts,
            format!(
                "{}: {recorded}",
                n(self.conflicts, ("conflict", "conflicts"))
            ),
        );
        say(
            self.conflicts_carried,
            format!(
                "{} of an earlier merge carried over, still to review",
                n(self.conflicts_carried, ("conflict", "conflicts"))
            ),
        );
        lines.extend(self.notes.iter().cloned());
        lines
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines = self.lines();
        if lines.is_empty() {
            let noun = match self.items {
                Items::Spans => "span",
                Items::Entities => "entity",
            };
            return write!(f, "no {noun} changed on either side");
        }
        f.write_str(&lines.join("\n"))
    }
}

/// Which side a three-way choice takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Take {
    /// Ours: ours changed it, or neither did, or both did the same way.
    Ours,
    /// Theirs changed it and ours did not.
    Theirs,
    /// Both changed it, differently.
    Both,
}

/// The three-way choice for one value; `base` is `None` where the item is new on both
/// sides (any difference between them is then a change on both).
fn take<T: PartialEq + ?Sized>(base: Option<&T>, ours: &T, theirs: &T) -> Take {
    take_with(base, ours, theirs, |a, b| a == b)
}

/// [`take`] for the part of a value that `same` compares.
fn take_with<T: ?Sized>(
    base: Option<&T>,
    ours: &T,
    theirs: &T,
    same: impl Fn(&T, &T) -> bool,
) -> Take {
    let is_base = |v: &T| base.is_some_and(|b| same(b, v));
    if same(ours, theirs) || is_base(theirs) {
        Take::Ours
    } else if is_base(ours) {
        Take::Theirs
    } else {
        Take::Both
    }
}

/// Decodes one version of a sidecar and checks the ids the merge matches by.
fn read_sidecar(input: Input, source: &str) -> Result<Sidecar, MergeError> {
    let sidecar = decode(source).map_err(|e| match e {
        SidecarError::Syntax { line, col, message } => MergeError {
            input,
            line,
            col,
            message,
        },
        SidecarError::NotSpantag(_) => error_at(input, source, "format", First, e.to_string()),
        SidecarError::TooNew(_) => error_at(input, source, "version", First, e.to_string()),
        other => error_at(input, source, "", First, other.to_string()),
    })?;
    let spans: Vec<u64> = sidecar.spans.iter().map(|s| s.id).collect();
    let relations: Vec<u64> = sidecar.relations.iter().map(|r| r.id).collect();
    for (kind, next_field, ids) in [("span", "label", spans), ("relation", "kind", relations)] {
        let mut seen = std::collections::HashSet::new();
        for id in ids {
            let problem = if id > MAX_ID {
                IdProblem::TooLarge
            } else if !seen.insert(id) {
                IdProblem::UsedTwice
            } else {
                continue;
            };
            let message = format!(
                "{}; open the article in spantag once (it repairs ids) and merge again",
                IdError { kind, id, problem }
            );
            return Err(error_at(
                input,
                source,
                &format!("id: {id}, {next_field}"),
                Last,
                message,
            ));
        }
    }
    if let Some(c) = sidecar.conflicts.iter().find(|c| c.span > MAX_ID) {
        let message = format!("conflict of span {}: the id is too large", c.span);
        return Err(error_at(
            input,
            source,
            &format!("span: {},", c.span),
            First,
            message,
        ));
    }
    Ok(sidecar)
}

/// Which occurrence of a needle an error points at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Occurrence {
    First,
    /// A twice-used id is reported at its second use.
    Last,
}
use Occurrence::{First, Last};

/// An error where `needle` occurs in `source` (the first line when it does not, or when
/// `needle` is empty).
fn error_at(
    input: Input,
    source: &str,
    needle: &str,
    which: Occurrence,
    message: String,
) -> MergeError {
    let mut found = source.lines().enumerate().filter_map(|(i, l)| {
        l.find(needle)
            .map(|byte| (i + 1, l[..byte].chars().count() + 1))
    });
    let at = match which {
        _ if needle.is_empty() => None,
        First => found.next(),
        Last => found.last(),
    };
    let (line, col) = at.unwrap_or((1, 1));
    MergeError {
        input,
        line,
        col,
        message,
    }
}
