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

use super::Source;

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

    /// Removes the proposals at `indexes` (accepted or rejected) and returns them.
    pub fn take(&mut self, indexes: &[usize]) -> Vec<Proposal> {
        let mut taken = Vec::new();
        let mut sorted = indexes.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        for &index in sorted.iter().rev() {
            if index < self.items.len() {
                taken.push(self.items.remove(index));
            }
        }
        taken.reverse();
        taken
    }

    /// Indexes of the proposals with a label.
    pub fn with_label(&self, label: &str) -> Vec<usize> {
        self.indexes(|p| p.label == label)
    }

    /// Indexes of the proposals of an origin.
    pub fn with_origin(&self, origin: &Origin) -> Vec<usize> {
        self.indexes(|p| p.origin == *origin)
    }

    fn indexes(&self, keep: impl Fn(&Proposal) -> bool) -> Vec<usize> {
        (0..self.items.len())
            .filter(|&i| keep(&self.items[i]))
            .collect()
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
    fn take_removes_exactly_the_given_proposals() {
        let mut proposals = Proposals::new(vec![
            proposal(0..5, "actor"),
            proposal(10..15, "actor"),
            proposal(20..25, "location"),
        ]);
        let taken = proposals.take(&proposals.with_label("actor"));
        assert_eq!(taken.len(), 2);
        assert_eq!(proposals.len(), 1);
        assert_eq!(proposals.all()[0].label, "location");
    }
}
