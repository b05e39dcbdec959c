//! Spans offered to the analyst but not yet annotations: a rule's suggestions, or the
//! spans of two annotators being adjudicated into a gold copy.
//!
//! A [`Proposal`] is never saved. It becomes a span only through [`Command::Accept`]
//! (one undo step), which records where it came from in the span's `source`; rejecting one
//! just drops it from the article's [`Proposals`]. Links travel with a proposal by the
//! label and range of the other end, since that span may not exist yet (or may be accepted
//! in the same step, like a quote with its speaker).
//!
//! [`Command::Accept`]: super::Command::Accept

use std::ops::Range;

use super::{Annotations, Source, Span};

/// A span that could be added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub char_range: Range<usize>,
    pub label: String,
    pub source: Source,
    /// Why it is offered; it decides how it is drawn.
    pub origin: Origin,
    /// Relations to make once accepted, to spans found by label and range.
    pub links: Vec<ProposedLink>,
}

/// Where a proposal comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// A rule of the corpus's `suggest.ron`, by name.
    Rule(String),
    /// Adjudication: both annotators have this span (same label and range).
    Agreed,
    /// Adjudication: only the first annotator has it.
    OnlyA,
    /// Adjudication: only the second annotator has it.
    OnlyB,
}

impl Origin {
    /// A short tag drawn beside the proposal.
    pub fn tag(&self) -> &str {
        match self {
            Origin::Rule(name) => name,
            Origin::Agreed => "A=B",
            Origin::OnlyA => "A",
            Origin::OnlyB => "B",
        }
    }
}

/// A relation a proposal brings along.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposedLink {
    pub kind: String,
    /// The label and range of the span at the other end.
    pub other_label: String,
    pub other_range: Range<usize>,
    /// Whether the proposal is the relation's `from` (a quote to its speaker).
    pub outgoing: bool,
}

/// The pending proposals of one article, sorted by `(start, end, label)` so a view finds
/// the visible ones with a binary search, as it does for spans.
#[derive(Clone, Debug, Default)]
pub struct Proposals {
    items: Vec<Proposal>,
    /// The longest proposal, in chars: every proposal overlapping `[a, b)` starts in
    /// `[a - max_len, b)`.
    max_len: usize,
}

impl Proposals {
    pub fn new(mut items: Vec<Proposal>) -> Self {
        items.sort_by(|a, b| key(a).cmp(&key(b)));
        items.dedup_by(|a, b| key(a) == key(b) && a.origin == b.origin);
        let max_len = items.iter().map(|p| p.char_range.len()).max().unwrap_or(0);
        Proposals { items, max_len }
    }

    pub fn all(&self) -> &[Proposal] {
        &self.items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The proposals that overlap `char_range`, with their indexes.
    pub fn overlapping(
        &self,
        char_range: Range<usize>,
    ) -> impl Iterator<Item = (usize, &Proposal)> {
        let first = self
            .items
            .partition_point(|p| p.char_range.start + self.max_len < char_range.start);
        self.items[first..]
            .iter()
            .enumerate()
            .take_while(move |(_, p)| p.char_range.start < char_range.end)
            .filter(move |(_, p)| p.char_range.end > char_range.start)
            .map(move |(i, p)| (first + i, p))
    }

    /// The shortest proposal containing `char_pos`.
    pub fn innermost_at(&self, char_pos: usize) -> Option<usize> {
        self.overlapping(char_pos..char_pos + 1)
            .min_by_key(|(_, p)| p.char_range.len())
            .map(|(i, _)| i)
    }

    /// The first proposal starting at or after `char_pos` (wrapping to the first), or the
    /// last one before it when `forward` is false (wrapping to the last).
    pub fn next_from(&self, char_pos: usize, forward: bool) -> Option<usize> {
        if self.items.is_empty() {
            return None;
        }
        let at = self
            .items
            .partition_point(|p| p.char_range.start < char_pos);
        Some(if forward {
            if at == self.items.len() {
                0
            } else {
                at
            }
        } else if at == 0 {
            self.items.len() - 1
        } else {
            at - 1
        })
    }

    pub fn get(&self, index: usize) -> Option<&Proposal> {
        self.items.get(index)
    }

    /// Indexes of the proposals that `keep` chooses.
    pub fn with(&self, keep: impl Fn(&Proposal) -> bool) -> Vec<usize> {
        (0..self.items.len())
            .filter(|&i| keep(&self.items[i]))
            .collect()
    }

    /// The index of a proposal with this label and range.
    pub fn find(&self, label: &str, char_range: Range<usize>) -> Option<usize> {
        let wanted = (char_range.start, char_range.end, label);
        let at = self.items.partition_point(|p| key(p) < wanted);
        (self.items.get(at).is_some_and(|p| key(p) == wanted)).then_some(at)
    }

    /// Drops proposals a span already covers exactly (same label and range).
    pub fn without_spans(mut self, annotations: &super::Annotations) -> Self {
        self.items.retain(|p| {
            annotations
                .find_exact(&p.label, p.char_range.clone())
                .is_none()
        });
        self
    }
}

/// The spans of two annotators as proposals for a gold copy: those both have (same label
/// and range) as [`Origin::Agreed`], the rest as [`Origin::OnlyA`] or [`Origin::OnlyB`].
/// Each keeps its source and brings the links its annotator made. Orphans are left out.
pub fn adjudication(a: &Annotations, b: &Annotations) -> Vec<Proposal> {
    let anchored = |annotations: &Annotations| -> Vec<(usize, usize, String)> {
        annotations
            .spans()
            .iter()
            .filter(|s| !s.is_orphaned())
            .map(|s| (s.start, s.end, s.label.clone()))
            .collect()
    };
    let in_b: std::collections::HashSet<_> = anchored(b).into_iter().collect();
    let in_a: std::collections::HashSet<_> = anchored(a).into_iter().collect();
    let mut proposals = Vec::new();
    for (annotations, only, other) in [(a, Origin::OnlyA, &in_b), (b, Origin::OnlyB, &in_a)] {
        for span in annotations.spans().iter().filter(|s| !s.is_orphaned()) {
            let both = other.contains(&(span.start, span.end, span.label.clone()));
            let origin = match (both, &only) {
                (false, _) => only.clone(),
                (true, Origin::OnlyA) => Origin::Agreed,
                // Agreed spans are proposed once, from A (with both annotators' links).
                (true, _) => continue,
            };
            let mut links = links_of(annotations, span);
            if origin == Origin::Agreed {
                if let Some(twin) = b.find_exact(&span.label, span.char_range()) {
                    links.extend(links_of(b, twin));
                    links.dedup();
                }
            }
            proposals.push(Proposal {
                char_range: span.char_range(),
                label: span.label.clone(),
                source: span.source.clone(),
                origin,
                links,
            });
        }
    }
    proposals
}

/// A span's relations, each naming the other end by label and range.
fn links_of(annotations: &Annotations, span: &Span) -> Vec<ProposedLink> {
    annotations
        .relations_of(span.id)
        .filter_map(|r| {
            let outgoing = r.from == span.id;
            let other = annotations.get(if outgoing { r.to } else { r.from })?;
            Some(ProposedLink {
                kind: r.kind.clone(),
                other_label: other.label.clone(),
                other_range: other.char_range(),
                outgoing,
            })
        })
        .collect()
}

fn key(p: &Proposal) -> (usize, usize, &str) {
    (p.char_range.start, p.char_range.end, &p.label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal(range: Range<usize>, label: &str) -> Proposal {
        Proposal {
            char_range: range,
            label: label.into(),
            source: Source::Rule("r".into()),
            origin: Origin::Rule("r".into()),
            links: Vec::new(),
        }
    }

    #[test]
    fn finds_overlapping_innermost_and_next_proposals() {
        let proposals = Proposals::new(vec![
            proposal(20..30, "claim"),
            proposal(0..50, "quote"),
            proposal(22..25, "actor"),
            proposal(40..45, "location"),
        ]);
        let found: Vec<&str> = proposals
            .overlapping(24..41)
            .map(|(_, p)| p.label.as_str())
            .collect();
        assert_eq!(found, ["quote", "claim", "actor", "location"]);
        let inner = proposals.innermost_at(23).unwrap();
        assert_eq!(proposals.get(inner).unwrap().label, "actor");
        assert_eq!(proposals.next_from(21, true), Some(2));
        assert_eq!(proposals.next_from(41, true), Some(0), "wraps");
        assert_eq!(proposals.next_from(21, false), Some(1));
        assert_eq!(proposals.next_from(0, false), Some(3), "wraps");
    }

    #[test]
    fn adjudication_splits_agreed_only_a_and_only_b_and_keeps_links() {
        use crate::model::{fixture, Command};
        let mut a =
            fixture::document("[actor|Lavrov] said “[quote|Restraint]” in [location|Cairo]");
        let quote = a.annotations().spans()[1].id;
        let actor = a.annotations().spans()[0].id;
        a.apply(Command::Link {
            from: quote,
            to: actor,
            kind: "said_by".into(),
        })
        .unwrap();
        let b = fixture::document("[actor|Lavrov] said “[claim|Restraint]” in Cairo");
        let proposals = Proposals::new(adjudication(a.annotations(), b.annotations()));
        let seen: Vec<(&str, &str, Origin)> = proposals
            .all()
            .iter()
            .map(|p| {
                (
                    a.text().slice(p.char_range.clone()),
                    p.label.as_str(),
                    p.origin.clone(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("Lavrov", "actor", Origin::Agreed),
                ("Restraint", "claim", Origin::OnlyB),
                ("Restraint", "quote", Origin::OnlyA),
                ("Cairo", "location", Origin::OnlyA),
            ]
        );
        // The agreed actor carries A's link (incoming), the quote its outgoing one.
        let lavrov = &proposals.all()[0];
        assert_eq!(lavrov.links.len(), 1);
        assert!(!lavrov.links[0].outgoing);
        let quote = &proposals.all()[2];
        assert_eq!(quote.links[0].other_range, 0..6);
        assert!(quote.links[0].outgoing);
    }

    #[test]
    fn finds_by_label_and_range_and_by_predicate() {
        let proposals = Proposals::new(vec![
            proposal(10..15, "actor"),
            proposal(0..5, "actor"),
            proposal(10..15, "location"),
        ]);
        assert_eq!(proposals.find("location", 10..15), Some(2));
        assert_eq!(proposals.find("actor", 10..15), Some(1));
        assert_eq!(proposals.find("actor", 10..14), None);
        assert_eq!(proposals.with(|p| p.label == "actor"), [0, 1]);
    }
}
