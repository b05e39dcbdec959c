//! Merge conflicts in the window: the spans `spantag merge` found changed differently on
//! two branches ([`crate::model::Conflict`]), listed under *Needs review* with both
//! versions until the analyst chooses.
//!
//! Each conflict shows *Ours (this branch)* and *Theirs (merged in)*: the label, the text
//! and its range, and the fields the two differ in (note, attribute values, entity,
//! source), or that the side deleted the span. **O** keeps ours and **T** takes theirs
//! while the selected span has a conflict (they win over a label key of the same letter
//! only then); the buttons do the same. A choice is one [`Command::ResolveConflict`], so
//! Ctrl+Z brings the conflict back. The span list holds ours (theirs, when ours deleted
//! it), so a conflict is selected and scrolled to like any span, and drawn in the text
//! with a warning outline and `⚠` on its chip.
//!
//! What the panel shows is worked out once per document change ([`ConflictReview::refresh`]),
//! not every frame: the side panel is drawn on every frame, the conflicts change only by
//! a command.
//!
//! This module holds the state ([`ConflictReview`], which the workspace owns); the section
//! that draws it is `conflicts_panel`.
//!
//! [`Command::ResolveConflict`]: crate::model::Command::ResolveConflict

use std::collections::HashSet;
use std::rc::Rc;

use super::widgets::shorten;
use crate::model::{Conflict, Document, Side, Span, SpanId};

/// The open document's conflicts as the panel shows them, and the spans they are on.
#[derive(Default)]
pub struct ConflictReview {
    /// The document (instance, revision) this was worked out for.
    seen: Option<(u64, u64)>,
    /// One per conflict, in the sidecar's order.
    pub rows: Rc<Vec<Row>>,
    /// The spans with a conflict: drawn marked, and O / T act on them.
    pub spans: Rc<HashSet<SpanId>>,
}

/// One conflict, ready to draw.
pub struct Row {
    pub span: SpanId,
    /// The span as the list holds it now: `location: Cairo`.
    pub title: String,
    /// What the versions differ in: `label, note`, or `deleted on theirs`.
    pub differences: String,
    pub ours: Option<Version>,
    pub theirs: Option<Version>,
}

/// One side's version of a conflicting span.
pub struct Version {
    pub label: String,
    /// The text it covers, when the versions cover different text (else the row's title
    /// says it once).
    pub text: Option<String>,
    /// `chars 10–15`, and whether its text is not there.
    pub range: String,
    /// The differing fields with this side's value: (`note`, `the government`),
    /// (`verdict`, `unset`), (`entity`, id).
    pub details: Vec<(String, String)>,
}

impl ConflictReview {
    /// Works the rows out again if the document changed since.
    pub fn refresh(&mut self, document: &Document) {
        let now = (document.instance(), document.revision());
        if self.seen == Some(now) {
            return;
        }
        self.seen = Some(now);
        self.spans = Rc::new(document.conflicts.iter().map(|c| c.span).collect());
        self.rows = Rc::new(
            document
                .conflicts
                .iter()
                .map(|c| row(document, c))
                .collect(),
        );
    }

    /// Whether the span has a conflict to decide.
    pub fn has(&self, span: SpanId) -> bool {
        self.spans.contains(&span)
    }
}

fn row(document: &Document, conflict: &Conflict) -> Row {
    let differences = conflict.differences();
    let current = document.annotations().get(conflict.span);
    let title = match current
        .or(conflict.ours.as_ref())
        .or(conflict.theirs.as_ref())
    {
        Some(span) => format!("{}: {}", span.label, shorten(&span.text, 60)),
        None => format!("span {}", conflict.span),
    };
    let version = |side: Side| {
        conflict
            .version(side)
            .map(|span| version_of(span, &differences))
    };
    Row {
        span: conflict.span,
        title,
        differences: if differences.is_empty() {
            "nothing (the same on both sides)".into()
        } else {
            differences.join(", ")
        },
        ours: version(Side::Ours),
        theirs: version(Side::Theirs),
    }
}

fn version_of(span: &Span, differences: &[String]) -> Version {
    let mut details = Vec::new();
    for field in differences {
        let (name, value) = match field.as_str() {
            "note" if span.note.is_empty() => ("note".to_string(), "none".to_string()),
            "note" => ("note".to_string(), shorten(&span.note, 120)),
            "entity" => (
                "entity".to_string(),
                span.entity.clone().unwrap_or_else(|| "none".into()),
            ),
            "source" => ("source".to_string(), span.source.tag()),
            other => match other.strip_prefix("attribute ") {
                Some(name) => (
                    name.to_string(),
                    span.attrs
                        .get(name)
                        .map_or_else(|| "unset".to_string(), |v| shorten(v, 60)),
                ),
                // Label and range are on every version's first lines.
                None => continue,
            },
        };
        details.push((name, value));
    }
    let mut range = format!("chars {}–{}", span.start, span.end);
    if span.is_orphaned() {
        range.push_str(", its text is not there");
    }
    let range_differs = differences.iter().any(|d| d == "range");
    Version {
        label: span.label.clone(),
        text: range_differs.then(|| format!("\u{201c}{}\u{201d}", shorten(&span.text, 120))),
        range,
        details,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{fixture, Command};

    #[test]
    fn rows_say_what_differs_and_are_worked_out_again_only_after_a_change() {
        let mut doc = fixture::document("[claim|Libya is a black hole] said [actor|Lavrov]");
        let ours = doc.annotations().get(1).unwrap().clone();
        let mut theirs = ours.clone();
        theirs.attrs.insert("verdict".into(), "false".into());
        theirs.note = "check the date".into();
        theirs.end -= 1;
        theirs.text.pop();
        let lavrov = doc.annotations().get(2).unwrap().clone();
        doc.conflicts = vec![
            Conflict {
                span: 1,
                ours: Some(ours),
                theirs: Some(theirs),
            },
            Conflict {
                span: 2,
                ours: None,
                theirs: Some(lavrov),
            },
        ];
        let mut review = ConflictReview::default();
        review.refresh(&doc);
        let rows = review.rows.clone();
        assert_eq!(rows.len(), 2);
        let claim = &rows[0];
        assert_eq!(claim.title, "claim: Libya is a black hole");
        assert_eq!(claim.differences, "range, note, attribute verdict");
        let (ours, theirs) = (claim.ours.as_ref().unwrap(), claim.theirs.as_ref().unwrap());
        assert_eq!(
            (ours.range.as_str(), theirs.range.as_str()),
            ("chars 0–21", "chars 0–20")
        );
        assert_eq!(
            theirs.text.as_deref(),
            Some("\u{201c}Libya is a black hol\u{201d}")
        );
        assert_eq!(
            ours.details,
            [
                ("note".to_string(), "none".to_string()),
                ("verdict".to_string(), "unset".to_string())
            ]
        );
        assert_eq!(theirs.details[1], ("verdict".into(), "false".into()));
        assert!(rows[1].ours.is_none());
        assert_eq!(rows[1].differences, "deleted on ours");
        assert!(review.has(2) && !review.has(3));

        // Unchanged document: the same rows, not built again.
        review.refresh(&doc);
        assert!(Rc::ptr_eq(&rows, &review.rows));
        doc.apply(Command::ResolveConflict {
            span: 2,
            side: Side::Ours,
        })
        .unwrap();
        review.refresh(&doc);
        assert_eq!(review.rows.len(), 1);
        assert!(!review.has(2));
    }
}
