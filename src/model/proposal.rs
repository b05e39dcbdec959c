//! Spans offered to the analyst but not yet annotations: a rule's suggestions, or the
//! spans of two annotators being adjudicated into a gold copy.
//!
//! A [`Proposal`] is never saved. It becomes a span only through [`Command::Accept`]
//! (one undo step), which records where it came from in the span's `source`; rejecting one
//! just drops it from the article's [`Proposals`]. The exception is a stored suggestion
//! ([`Origin::Imported`]): the decision on it is the document's, saved and undone with it.
//! Links travel with a proposal by the label and range of the other end, since that span
//! may not exist yet (or may be accepted in the same step, like a quote with its speaker).
//!
//! [`Command::Accept`]: super::Command::Accept

use std::collections::BTreeMap;
use std::ops::Range;

use super::{Annotations, Attrs, Source, Span};

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
    /// Attribute values to set once accepted (on a new span, or one that has the label
    /// and range already).
    pub attrs: Attrs,
    /// The corpus entity to refer the span to once accepted; `None` leaves it as it is.
    pub entity: Option<String>,
}

/// Where a proposal comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// A rule of the corpus's `suggest.ron`, by name.
    Rule(String),
    /// Adjudication: both annotators have this span (same label and range).
    Agreed,
    /// Adjudication: only the first annotator has it; or both have it (same label and
    /// range) with different attribute values or entity, and this is A's version, offered
    /// with B's on the same label and range ([`Proposals::twin`]).
    OnlyA,
    /// Adjudication: only the second annotator has it, or B's version of a span whose
    /// attribute values or entity differ (see [`Origin::OnlyA`]).
    OnlyB,
    /// The same text as a mention linked to this entity (its name): accepting links it.
    Entity(String),
    /// A stored suggestion from a model or another tool's predictions: the one at `index`
    /// of the document's [`suggestions`](super::Document::suggestions). Accepting or
    /// rejecting it records the decision there, in the same undo step.
    Imported { source: String, index: usize },
}

impl Origin {
    /// A short tag drawn beside the proposal.
    pub fn tag(&self) -> &str {
        match self {
            Origin::Rule(name) | Origin::Entity(name) => name,
            Origin::Imported { source, .. } => source,
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

/// The proposals of one article, sorted by `(start, end, label)` so a view finds the
/// visible ones with a binary search, as it does for spans.
///
/// A proposal is hidden once decided (a span has it, or it was rejected) and shown again
/// if that is undone, so an index names the same proposal for as long as the set lives.
/// Every query below sees only the shown ones; the counts follow each change.
#[derive(Clone, Debug, Default)]
pub struct Proposals {
    items: Vec<Proposal>,
    /// The longest proposal, in chars: every proposal overlapping `[a, b)` starts in
    /// `[a - max_len, b)`.
    max_len: usize,
    hidden: Vec<bool>,
    /// How many are shown, how many per label, and how many of them both annotators
    /// agree on.
    shown: usize,
    by_label: BTreeMap<String, usize>,
    agreed: usize,
}

impl Proposals {
    pub fn new(mut items: Vec<Proposal>) -> Self {
        items.sort_by(|a, b| key(a).cmp(&key(b)));
        items.dedup_by(|a, b| key(a) == key(b) && a.origin == b.origin);
        let max_len = items.iter().map(|p| p.char_range.len()).max().unwrap_or(0);
        let mut proposals = Proposals {
            hidden: vec![true; items.len()],
            items,
            max_len,
            ..Proposals::default()
        };
        for index in 0..proposals.items.len() {
            proposals.set_hidden(index, false);
        }
        proposals
    }

    /// How many are shown.
    pub fn len(&self) -> usize {
        self.shown
    }

    pub fn is_empty(&self) -> bool {
        self.shown == 0
    }

    /// Every proposal, shown or hidden, in order (an index into it names the same proposal
    /// as everywhere else).
    pub fn all(&self) -> &[Proposal] {
        &self.items
    }

    /// A shown proposal.
    pub fn get(&self, index: usize) -> Option<&Proposal> {
        self.items.get(index).filter(|_| !self.hidden[index])
    }

    /// The shown proposals with their indexes, in order.
    pub fn shown(&self) -> impl Iterator<Item = (usize, &Proposal)> {
        self.items
            .iter()
            .enumerate()
            .filter(move |(i, _)| !self.hidden[*i])
    }

    /// Shown proposals per label, by label.
    pub fn count_by_label(&self) -> &BTreeMap<String, usize> {
        &self.by_label
    }

    /// How many shown proposals both annotators agree on.
    pub fn agreed(&self) -> usize {
        self.agreed
    }

    /// The indexes of every proposal, shown or not, that overlaps `char_range`.
    fn indexes_overlapping(&self, char_range: Range<usize>) -> impl Iterator<Item = usize> + '_ {
        let first = self
            .items
            .partition_point(|p| p.char_range.start + self.max_len < char_range.start);
        (first..self.items.len())
            .take_while(move |&i| self.items[i].char_range.start < char_range.end)
            .filter(move |&i| self.items[i].char_range.end > char_range.start)
    }

    /// The shown proposals that overlap `char_range`, with their indexes.
    pub fn overlapping(
        &self,
        char_range: Range<usize>,
    ) -> impl Iterator<Item = (usize, &Proposal)> {
        self.indexes_overlapping(char_range)
            .filter(|&i| !self.hidden[i])
            .map(|i| (i, &self.items[i]))
    }

    /// The shortest shown proposal containing `char_pos`.
    pub fn innermost_at(&self, char_pos: usize) -> Option<usize> {
        self.overlapping(char_pos..char_pos + 1)
            .min_by_key(|(_, p)| p.char_range.len())
            .map(|(i, _)| i)
    }

    /// The first shown proposal starting at or after `char_pos` (wrapping to the first),
    /// or the last one before it when `forward` is false (wrapping to the last).
    pub fn next_from(&self, char_pos: usize, forward: bool) -> Option<usize> {
        let at = self
            .items
            .partition_point(|p| p.char_range.start < char_pos);
        let shown = |i: &usize| !self.hidden[*i];
        if forward {
            (at..self.items.len()).chain(0..at).find(shown)
        } else {
            (0..at)
                .rev()
                .chain((at..self.items.len()).rev())
                .find(shown)
        }
    }

    /// The next shown proposal after `index` in order (before it, when `forward` is
    /// false), wrapping around; `index` itself only if it is the only one shown.
    pub fn next_after(&self, index: usize, forward: bool) -> Option<usize> {
        let n = self.items.len();
        let index = index.min(n);
        let shown = |i: &usize| !self.hidden[*i];
        if forward {
            (index + 1..n).chain(0..(index + 1).min(n)).find(shown)
        } else {
            (0..index).rev().chain((index..n).rev()).find(shown)
        }
    }

    /// The other annotator's version of the span at `index`, shown or not: a span both
    /// annotators have with different attribute values or entity is offered twice on the
    /// same label and range, as A's version ([`Origin::OnlyA`]) and B's ([`Origin::OnlyB`]).
    pub fn twin(&self, index: usize) -> Option<(usize, &Proposal)> {
        let p = self.items.get(index)?;
        let other = match p.origin {
            Origin::OnlyA => Origin::OnlyB,
            Origin::OnlyB => Origin::OnlyA,
            _ => return None,
        };
        let wanted = key(p);
        let at = self.items.partition_point(|q| key(q) < wanted);
        (at..self.items.len())
            .take_while(|&i| key(&self.items[i]) == wanted)
            .find(|&i| self.items[i].origin == other)
            .map(|i| (i, &self.items[i]))
    }

    /// Whether the proposal at `index` is an undecided disagreement: its twin (the other
    /// annotator's version) is shown as well, so taking it in bulk would pick one
    /// annotator's values unseen.
    pub fn is_disputed(&self, index: usize) -> bool {
        self.twin(index).is_some_and(|(i, _)| !self.hidden[i])
    }

    /// Indexes of the shown proposals that `keep` chooses.
    pub fn with(&self, keep: impl Fn(&Proposal) -> bool) -> Vec<usize> {
        self.shown()
            .filter(|(_, p)| keep(p))
            .map(|(i, _)| i)
            .collect()
    }

    /// The index of a shown proposal with this label and range.
    pub fn find(&self, label: &str, char_range: Range<usize>) -> Option<usize> {
        let wanted = (char_range.start, char_range.end, label);
        let at = self.items.partition_point(|p| key(p) < wanted);
        (at..self.items.len())
            .take_while(|&i| key(&self.items[i]) == wanted)
            .find(|&i| !self.hidden[i])
    }

    /// Decides again, for the proposals overlapping `char_range` (all of them: `None`),
    /// which are hidden.
    pub fn recheck(&mut self, char_range: Option<Range<usize>>, hide: impl Fn(&Proposal) -> bool) {
        let indexes: Vec<usize> = match char_range {
            Some(range) => self.indexes_overlapping(range).collect(),
            None => (0..self.items.len()).collect(),
        };
        for index in indexes {
            let hidden = hide(&self.items[index]);
            self.set_hidden(index, hidden);
        }
    }

    /// Hides or shows one proposal, keeping the counts.
    pub fn set_hidden(&mut self, index: usize, hidden: bool) {
        if index >= self.items.len() || self.hidden[index] == hidden {
            return;
        }
        self.hidden[index] = hidden;
        let p = &self.items[index];
        if hidden {
            self.shown -= 1;
            if let Some(n) = self.by_label.get_mut(&p.label) {
                *n -= 1;
                if *n == 0 {
                    self.by_label.remove(&p.label);
                }
            }
        } else {
            self.shown += 1;
            *self.by_label.entry(p.label.clone()).or_default() += 1;
        }
        if p.origin == Origin::Agreed {
            if hidden {
                self.agreed -= 1;
            } else {
                self.agreed += 1;
            }
        }
    }
}

/// The spans of two annotators as proposals for a gold copy: those both have (same label
/// and range) as [`Origin::Agreed`], the rest as [`Origin::OnlyA`] or [`Origin::OnlyB`].
/// Each keeps its source and brings the links its annotator made. Orphans are left out.
///
/// A span both have whose attribute values or entity differ is a decision, not an
/// agreement: it is offered twice, A's version ([`Origin::OnlyA`], A's attrs and entity)
/// and B's ([`Origin::OnlyB`]), each with the links of both annotators (they agree the
/// span is there), so accepting one sets that annotator's values and "accept every agreed
/// span" leaves it alone. An unset attribute is a value: `verdict: true` against no verdict
/// differs.
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
            let twin = match origin {
                Origin::Agreed => b.find_exact(&span.label, span.char_range()),
                _ => None,
            };
            if let Some(twin) = twin {
                links.extend(links_of(b, twin));
                links.dedup();
            }
            let proposal = |origin: Origin, from: &Span| Proposal {
                char_range: span.char_range(),
                label: span.label.clone(),
                source: from.source.clone(),
                origin,
                links: links.clone(),
                attrs: from.attrs.clone(),
                entity: from.entity.clone(),
            };
            match twin {
                Some(twin) if twin.attrs != span.attrs || twin.entity != span.entity => {
                    proposals.push(proposal(Origin::OnlyA, span));
                    proposals.push(proposal(Origin::OnlyB, twin));
                }
                _ => proposals.push(proposal(origin, span)),
            }
        }
    }
    proposals
}

/// One way two versions of a span differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// The attribute's name, or `None` for the entity.
    pub attribute: Option<String>,
    /// A's value (`None`: unset) and B's.
    pub a: Option<String>,
    pub b: Option<String>,
}

/// How B's version of a span differs from A's: each attribute whose values differ (by
/// name; an attribute only one of them sets is unset on the other), then the entity.
pub fn differences(a: &Proposal, b: &Proposal) -> Vec<Difference> {
    let names: std::collections::BTreeSet<&String> = a.attrs.keys().chain(b.attrs.keys()).collect();
    let mut found: Vec<Difference> = names
        .into_iter()
        .filter(|name| a.attrs.get(*name) != b.attrs.get(*name))
        .map(|name| Difference {
            attribute: Some(name.clone()),
            a: a.attrs.get(name).cloned(),
            b: b.attrs.get(name).cloned(),
        })
        .collect();
    if a.entity != b.entity {
        found.push(Difference {
            attribute: None,
            a: a.entity.clone(),
            b: b.entity.clone(),
        });
    }
    found
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
            attrs: Default::default(),
            entity: None,
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
            .shown()
            .map(|(_, p)| p)
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
        let lavrov = proposals.get(0).unwrap();
        assert_eq!(lavrov.links.len(), 1);
        assert!(!lavrov.links[0].outgoing);
        let quote = proposals.get(2).unwrap();
        assert_eq!(quote.links[0].other_range, 0..6);
        assert!(quote.links[0].outgoing);
    }

    #[test]
    fn adjudication_offers_both_versions_of_a_span_whose_values_differ() {
        use crate::model::{fixture, Command, Document};
        let text =
            "[claim|Prices rose] and [claim|wages fell], said “[quote|Enough]” [actor|Lavrov]";
        let (mut a, mut b) = (fixture::document(text), fixture::document(text));
        let set = |d: &mut Document, n: usize, name: &str, value: Option<&str>| {
            let id = d.annotations().spans()[n].id;
            d.apply(Command::SetAttr {
                id,
                name: name.into(),
                value: value.map(str::to_string),
            })
            .unwrap();
        };
        // Prices rose: true in both (agreed). Wages fell: true in A, unset in B.
        set(&mut a, 0, "verdict", Some("true"));
        set(&mut b, 0, "verdict", Some("true"));
        set(&mut a, 1, "verdict", Some("true"));
        // Lavrov: linked to an entity in A only, and the quote's speaker in A only.
        let lavrov = a.annotations().spans()[3].id;
        a.apply(Command::SetEntity {
            ids: vec![lavrov],
            entity: Some("sergei-lavrov".into()),
        })
        .unwrap();
        a.apply(Command::Link {
            from: a.annotations().spans()[2].id,
            to: lavrov,
            kind: "said_by".into(),
        })
        .unwrap();
        let proposals = Proposals::new(adjudication(a.annotations(), b.annotations()));
        let seen: Vec<(&str, Origin)> = proposals
            .shown()
            .map(|(_, p)| (a.text().slice(p.char_range.clone()), p.origin.clone()))
            .collect();
        assert_eq!(
            seen,
            [
                ("Prices rose", Origin::Agreed),
                ("wages fell", Origin::OnlyA),
                ("wages fell", Origin::OnlyB),
                ("Enough", Origin::Agreed),
                ("Lavrov", Origin::OnlyA),
                ("Lavrov", Origin::OnlyB),
            ]
        );
        assert_eq!(proposals.agreed(), 2, "a disagreement is not agreed");
        let (wages_a, wages_b) = (proposals.get(1).unwrap(), proposals.get(2).unwrap());
        assert_eq!(
            wages_a.attrs.get("verdict").map(String::as_str),
            Some("true")
        );
        assert!(
            wages_b.attrs.is_empty(),
            "B's version keeps the verdict unset"
        );
        assert_eq!(
            differences(wages_a, wages_b),
            [Difference {
                attribute: Some("verdict".into()),
                a: Some("true".into()),
                b: None,
            }]
        );
        let (lavrov_a, lavrov_b) = (proposals.get(4).unwrap(), proposals.get(5).unwrap());
        assert_eq!(
            differences(lavrov_a, lavrov_b),
            [Difference {
                attribute: None,
                a: Some("sergei-lavrov".into()),
                b: None,
            }]
        );
        // Both versions bring the link A made: the span itself is agreed.
        assert_eq!(lavrov_b.links.len(), 1);
        assert_eq!(lavrov_b.links, lavrov_a.links);
        // Twins find each other; agreed spans and suggestions have none.
        assert_eq!(proposals.twin(1).map(|(i, _)| i), Some(2));
        assert_eq!(proposals.twin(5).map(|(i, _)| i), Some(4));
        assert!(proposals.twin(0).is_none() && proposals.twin(3).is_none());
        let mut proposals = proposals;
        assert!(proposals.is_disputed(1) && proposals.is_disputed(2));
        // Once one version is hidden (decided, rejected), the other is no longer disputed,
        // but still finds its twin to show what differed.
        proposals.set_hidden(1, true);
        assert!(!proposals.is_disputed(2));
        assert_eq!(proposals.twin(2).map(|(i, _)| i), Some(1));
    }

    #[test]
    fn hidden_proposals_are_skipped_and_counted_out_until_shown_again() {
        let mut proposals = Proposals::new(vec![
            proposal(0..5, "actor"),
            proposal(10..15, "actor"),
            proposal(20..25, "location"),
        ]);
        // A span now covers 10..15: recheck what overlaps it.
        proposals.recheck(Some(12..13), |p| p.char_range == (10..15));
        assert_eq!(proposals.len(), 2);
        assert_eq!(proposals.count_by_label()["actor"], 1);
        assert!(proposals.get(1).is_none());
        assert_eq!(proposals.innermost_at(12), None);
        assert_eq!(proposals.next_from(6, true), Some(2));
        assert_eq!(proposals.next_after(0, true), Some(2));
        assert_eq!(proposals.next_after(2, false), Some(0));
        assert_eq!(proposals.next_after(0, false), Some(2), "wraps");
        assert_eq!(proposals.find("actor", 10..15), None);
        assert_eq!(proposals.overlapping(0..30).count(), 2);
        // Undone: shown again, under the same index.
        proposals.recheck(None, |_| false);
        assert_eq!(proposals.len(), 3);
        assert_eq!(proposals.get(1).unwrap().char_range, 10..15);
        proposals.set_hidden(2, true);
        assert!(!proposals.count_by_label().contains_key("location"));
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
