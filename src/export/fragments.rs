//! Which exported spans are the fragments of one discontinuous annotation.
//!
//! An import keeps brat's `T1 Label 0 9;16 19` as one span per fragment, the first linked
//! to each later one by a [`FRAGMENT_KIND`] relation (nothing is widened over the gap).
//! Exports group them again: brat writes one `T` line, jsonl marks each later fragment
//! `fragment_of` its head, W3C links each later fragment's annotation to the head's.
//!
//! A group is the set of exported spans connected by fragment relations. Its head is the
//! span no fragment relation points to (the lowest in sidecar order if several are, or
//! none is, which only hand-made relations produce); the others are its later fragments.

use std::collections::{BTreeMap, HashMap};

use super::Ctx;
use crate::model::{Relation, SpanId, FRAGMENT_KIND};

/// The fragment groups of one article's exported spans.
#[derive(Debug, Default)]
pub(super) struct Fragments {
    /// The head of each later fragment.
    head_of: HashMap<SpanId, SpanId>,
    /// Each head's later fragments, in sidecar order.
    later: BTreeMap<SpanId, Vec<SpanId>>,
}

impl Fragments {
    /// The head of a later fragment; `None` for a head or a span of no group.
    pub fn head_of(&self, span: SpanId) -> Option<SpanId> {
        self.head_of.get(&span).copied()
    }

    /// A head's later fragments (empty for any other span).
    pub fn later(&self, head: SpanId) -> &[SpanId] {
        self.later.get(&head).map_or(&[], Vec::as_slice)
    }

    /// Whether a relation joins two fragments of one group (exports that group spans
    /// write it as the grouping, not as a relation).
    pub fn joins(&self, relation: &Relation) -> bool {
        relation.kind == FRAGMENT_KIND
            && self.group_of(relation.from) == self.group_of(relation.to)
            && self.group_of(relation.from).is_some()
    }

    /// The head of the group a span is in, itself for a head.
    pub fn group_of(&self, span: SpanId) -> Option<SpanId> {
        self.head_of(span)
            .or_else(|| self.later.contains_key(&span).then_some(span))
    }

    /// Leaves a group out (brat falls back to separate annotations when its fragments
    /// overlap): its spans become plain spans again.
    pub fn ungroup(&mut self, head: SpanId) {
        for span in self.later.remove(&head).unwrap_or_default() {
            self.head_of.remove(&span);
        }
    }
}

impl Ctx<'_, '_> {
    /// The fragment groups among the exported spans.
    pub(super) fn fragments(&self) -> Fragments {
        // Union-find over the fragment relations between exported spans.
        let mut parent: HashMap<SpanId, SpanId> = HashMap::new();
        fn root(parent: &mut HashMap<SpanId, SpanId>, mut span: SpanId) -> SpanId {
            while let Some(&up) = parent.get(&span) {
                if up == span {
                    break;
                }
                let grand = parent.get(&up).copied().unwrap_or(up);
                parent.insert(span, grand);
                span = up;
            }
            span
        }
        let mut pointed_to: HashMap<SpanId, bool> = HashMap::new();
        for r in self.relations().filter(|r| r.kind == FRAGMENT_KIND) {
            if r.from == r.to {
                continue;
            }
            for end in [r.from, r.to] {
                parent.entry(end).or_insert(end);
            }
            pointed_to.insert(r.to, true);
            pointed_to.entry(r.from).or_insert(false);
            let (a, b) = (root(&mut parent, r.from), root(&mut parent, r.to));
            if a != b {
                parent.insert(a, b);
            }
        }
        if parent.is_empty() {
            return Fragments::default();
        }
        // Members of each group in sidecar order (the spans are sorted).
        let mut groups: BTreeMap<SpanId, Vec<SpanId>> = BTreeMap::new();
        for span in self.spans.iter() {
            if !parent.contains_key(&span.id) {
                continue;
            }
            let group = root(&mut parent, span.id);
            groups.entry(group).or_default().push(span.id);
        }
        let mut fragments = Fragments::default();
        for members in groups.into_values() {
            let head = members
                .iter()
                .copied()
                .find(|m| pointed_to.get(m) == Some(&false))
                .unwrap_or(members[0]);
            let later: Vec<SpanId> = members.into_iter().filter(|&m| m != head).collect();
            for &span in &later {
                fragments.head_of.insert(span, head);
            }
            fragments.later.insert(head, later);
        }
        fragments
    }
}
