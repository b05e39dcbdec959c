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

    /// The version `side` kept, to change in place.
    pub fn version_mut(&mut self, side: Side) -> Option<&mut Span> {
        match side {
            Side::Ours => self.ours.as_mut(),
            Side::Theirs => self.theirs.as_mut(),
        }
    }
}

impl Side {
    /// `ours` or `theirs`, as the sidecar names the two versions.
    pub fn name(self) -> &'static str {
        match self {
            Side::Ours => "ours",
            Side::Theirs => "theirs",
        }
    }
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Conflict {
    /// What the two versions differ in, in a fixed order: `label`, `range` (the text the
    /// span covers), `note`, `attribute NAME` for each attribute whose value differs,
    /// `entity`, `source`; or just `deleted on ours` / `deleted on theirs` when one side
    /// deleted the span. Empty when the versions are the same.
    pub fn differences(&self) -> Vec<String> {
        let (ours, theirs) = match (&self.ours, &self.theirs) {
            (Some(ours), Some(theirs)) => (ours, theirs),
            (None, Some(_)) => return vec!["deleted on ours".into()],
            (Some(_), None) => return vec!["deleted on theirs".into()],
            (None, None) => return vec!["deleted on both".into()],
        };
        let mut found = Vec::new();
        if ours.label != theirs.label {
            found.push("label".to_string());
        }
        if ours.char_range() != theirs.char_range() || ours.text != theirs.text {
            found.push("range".to_string());
        }
        if ours.note != theirs.note {
            found.push("note".to_string());
        }
        let names: std::collections::BTreeSet<&String> =
            ours.attrs.keys().chain(theirs.attrs.keys()).collect();
        for name in names {
            if ours.attrs.get(name) != theirs.attrs.get(name) {
                found.push(format!("attribute {name}"));
            }
        }
        if ours.entity != theirs.entity {
            found.push("entity".to_string());
        }
        if ours.source != theirs.source {
            found.push("source".to_string());
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{fixture, Source};

    #[test]
    fn differences_name_each_field_that_differs_or_the_deleting_side() {
        let doc = fixture::document("[claim|Libya is a black hole] said Lavrov");
        let ours = doc.annotations().spans()[0].clone();
        let mut theirs = ours.clone();
        let conflict = |ours: Option<Span>, theirs: Option<Span>| Conflict {
            span: 1,
            ours,
            theirs,
        };
        assert!(conflict(Some(ours.clone()), Some(theirs.clone()))
            .differences()
            .is_empty());
        theirs.label = "quote".into();
        theirs.end -= 1;
        theirs.note = "check".into();
        theirs.attrs.insert("verdict".into(), "false".into());
        theirs.entity = Some("libya".into());
        theirs.source = Source::Rule("quotes".into());
        assert_eq!(
            conflict(Some(ours.clone()), Some(theirs.clone())).differences(),
            [
                "label",
                "range",
                "note",
                "attribute verdict",
                "entity",
                "source"
            ]
        );
        // The same value set on one side only differs; the same on both does not.
        let mut ours_set = ours.clone();
        ours_set.attrs.insert("verdict".into(), "false".into());
        let mut same = ours_set.clone();
        same.note = "x".into();
        assert_eq!(conflict(Some(ours_set), Some(same)).differences(), ["note"]);
        assert_eq!(
            conflict(None, Some(theirs.clone())).differences(),
            ["deleted on ours"]
        );
        assert_eq!(
            conflict(Some(ours), None).differences(),
            ["deleted on theirs"]
        );
        assert_eq!(Side::Theirs.to_string(), "theirs");
    }
}
