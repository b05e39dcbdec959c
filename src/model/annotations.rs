//! The set of spans and relations of one article, kept in sidecar order.
//!
//! Spans are stored sorted by `(start, end, label, id)`, the order the sidecar is written
//! in, so a save never sorts and the document view can find the spans of a char range with
//! a binary search: every span that overlaps `[a, b)` starts in `[a - max_len, b)`, where
//! `max_len` bounds the length of every anchored span.
//!
//! Looking a span up by id, and counting spans per label, happen every frame; both are
//! kept cheap on a book with 50,000 spans: an id maps to the span's range (then a binary
//! search finds it), and the counts are updated as spans come and go.
//!
//! The span and relation lists are shared copy-on-write ([`Arc::make_mut`]): a save takes
//! them in O(1) and encodes on the saver thread, and an edit copies a list only if a save
//! still holds it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use super::{Relation, Span, SpanId, FRAGMENT_KIND};

#[derive(Clone, Debug)]
pub struct Annotations {
    spans: Arc<Vec<Span>>,
    relations: Arc<Vec<Relation>>,
    /// An upper bound of the length of every anchored span (it may be stale-high after a
    /// removal, which only widens a search).
    max_len: usize,
    next_span_id: SpanId,
    next_relation_id: u64,
    /// The sidecar's record of ids once written (its `next_id`): what a save writes never
    /// goes below it, while ids handed out and undone before any save may be given again.
    recorded_next: (SpanId, u64),
    /// Each span's `(start, end)`, by id: with the sort order, where to find it.
    ranges: HashMap<SpanId, (usize, usize)>,
    /// How many spans carry each label, orphans included.
    label_counts: BTreeMap<String, usize>,
    orphans: usize,
}

/// Two sets are equal when they hold the same spans and relations and hand out the same
/// ids next; the indexes and the sidecar's record of ids are bookkeeping.
impl PartialEq for Annotations {
    fn eq(&self, other: &Self) -> bool {
        self.spans == other.spans
            && self.relations == other.relations
            && self.next_ids() == other.next_ids()
    }
}

impl Eq for Annotations {}

/// An id that a set of annotations cannot hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} id {id} {problem}")]
pub struct IdError {
    pub kind: &'static str,
    pub id: u64,
    pub problem: IdProblem,
}

/// Why an id cannot be kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdProblem {
    #[error("is used twice")]
    UsedTwice,
    /// Ids stay at most [`MAX_ID`], so every JSON consumer (JavaScript included) reads them
    /// exactly and a new id can always be one more than the largest.
    #[error("is larger than 2^53 - 1")]
    TooLarge,
}

/// The largest span or relation id.
pub const MAX_ID: u64 = (1 << 53) - 1;

impl Default for Annotations {
    /// An empty set; ids count from 1.
    fn default() -> Self {
        Annotations {
            spans: Arc::default(),
            relations: Arc::default(),
            max_len: 0,
            next_span_id: 1,
            next_relation_id: 1,
            recorded_next: (1, 1),
            ranges: HashMap::new(),
            label_counts: BTreeMap::new(),
            orphans: 0,
        }
    }
}

impl Annotations {
    /// Builds the set from spans and relations in any order.
    pub fn from_parts(mut spans: Vec<Span>, mut relations: Vec<Relation>) -> Result<Self, IdError> {
        check_unique("span", spans.iter().map(|s| s.id))?;
        check_unique("relation", relations.iter().map(|r| r.id))?;
        spans.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        relations.sort_by_key(|r| r.id);
        let max_len = spans
            .iter()
            .filter(|s| !s.is_orphaned())
            .map(|s| s.end.saturating_sub(s.start))
            .max()
            .unwrap_or(0);
        let mut annotations = Annotations {
            next_span_id: spans.iter().map(|s| s.id).max().unwrap_or(0) + 1,
            next_relation_id: relations.iter().map(|r| r.id).max().unwrap_or(0) + 1,
            relations: Arc::new(relations),
            max_len,
            ..Annotations::default()
        };
        for span in &spans {
            annotations.count(span, true);
        }
        annotations.spans = Arc::new(spans);
        Ok(annotations)
    }

    /// All spans, orphans included, in sidecar order.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// The span and relation lists, shared: see [`super::sidecar::Snapshot`].
    pub(crate) fn shared_lists(&self) -> (Arc<Vec<Span>>, Arc<Vec<Relation>>) {
        (Arc::clone(&self.spans), Arc::clone(&self.relations))
    }

    /// All relations, by id.
    pub fn relations(&self) -> &[Relation] {
        &self.relations
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn get(&self, id: SpanId) -> Option<&Span> {
        self.index_of(id).map(|i| &self.spans[i])
    }

    /// Index of a span in [`Self::spans`]: its range, then a binary search.
    pub fn index_of(&self, id: SpanId) -> Option<usize> {
        let &(start, end) = self.ranges.get(&id)?;
        let first = self
            .spans
            .partition_point(|s| (s.start, s.end) < (start, end));
        self.spans[first..]
            .iter()
            .take_while(|s| (s.start, s.end) == (start, end))
            .position(|s| s.id == id)
            .map(|i| first + i)
    }

    /// How many spans are orphaned.
    pub fn orphan_count(&self) -> usize {
        self.orphans
    }

    /// Keeps the id index and the counts in step with a span that comes or goes.
    fn count(&mut self, span: &Span, comes: bool) {
        let count = self.label_counts.entry(span.label.clone()).or_insert(0);
        if comes {
            *count += 1;
            self.ranges.insert(span.id, (span.start, span.end));
        } else {
            *count = count.saturating_sub(1);
            self.ranges.remove(&span.id);
        }
        if *count == 0 {
            self.label_counts.remove(&span.label);
        }
        if span.is_orphaned() {
            if comes {
                self.orphans += 1;
            } else {
                self.orphans -= 1;
            }
        }
    }

    /// The next span and relation ids this set hands out: above every id it has ever
    /// held, so the sidecar records them and a deleted id is never given again.
    pub fn next_ids(&self) -> (SpanId, u64) {
        (self.next_span_id, self.next_relation_id)
    }

    /// Raises the next ids to at least these: a sidecar's record of ids once written,
    /// read or just saved.
    pub fn raise_next_ids(&mut self, span: SpanId, relation: u64) {
        self.next_span_id = self.next_span_id.max(span);
        self.next_relation_id = self.next_relation_id.max(relation);
        self.recorded_next.0 = self.recorded_next.0.max(span);
        self.recorded_next.1 = self.recorded_next.1.max(relation);
    }

    /// The `next_id` a save writes: above every id the sidecar ever recorded and every id
    /// held now. Ids handed out in memory and undone before a save are not recorded, so a
    /// tag undone leaves the sidecar's bytes as they were.
    pub fn next_ids_to_record(&self) -> (SpanId, u64) {
        let span = self.spans.iter().map(|s| s.id + 1).max().unwrap_or(1);
        let relation = self.relations.iter().map(|r| r.id + 1).max().unwrap_or(1);
        (
            self.recorded_next.0.max(span),
            self.recorded_next.1.max(relation),
        )
    }

    /// A fresh span id; ids are never handed out twice by one set.
    pub fn allocate_span_id(&mut self) -> SpanId {
        let id = self.next_span_id;
        self.next_span_id += 1;
        id
    }

    /// Anchored spans that overlap `char_range`, in sidecar order.
    pub fn overlapping(&self, char_range: Range<usize>) -> impl Iterator<Item = &Span> {
        let first = self
            .spans
            .partition_point(|s| s.start < char_range.start.saturating_sub(self.max_len));
        self.spans[first..]
            .iter()
            .take_while(move |s| s.start < char_range.end)
            .filter(move |s| !s.is_orphaned() && s.end > char_range.start)
    }

    /// The shortest anchored span containing `char_pos` (the innermost of nested spans).
    pub fn innermost_at(&self, char_pos: usize) -> Option<&Span> {
        self.overlapping(char_pos..char_pos + 1)
            .min_by_key(|s| (s.end - s.start, s.start))
    }

    /// An anchored span with exactly this label and range, if any.
    pub fn find_exact(&self, label: &str, char_range: Range<usize>) -> Option<&Span> {
        self.overlapping(char_range.clone())
            .find(|s| s.char_range() == char_range && s.label == label)
    }

    /// The discontinuous spans (see [`Fragments`]).
    pub fn fragments(&self) -> Fragments {
        Fragments::of(self)
    }

    /// Relations in which the span takes part, either end.
    pub fn relations_of(&self, id: SpanId) -> impl Iterator<Item = &Relation> {
        self.relations
            .iter()
            .filter(move |r| r.from == id || r.to == id)
    }

    /// Inserts a span (keeping order) and relations (keeping id order).
    pub(crate) fn insert(&mut self, span: Span, relations: Vec<Relation>) {
        if !span.is_orphaned() {
            self.max_len = self.max_len.max(span.end - span.start);
        }
        self.next_span_id = self.next_span_id.max(span.id + 1);
        let at = self
            .spans
            .partition_point(|s| s.sort_key() < span.sort_key());
        self.count(&span, true);
        Arc::make_mut(&mut self.spans).insert(at, span);
        for relation in relations {
            self.insert_relation(relation);
        }
    }

    /// Removes a span and the relations it takes part in, and returns them.
    pub(crate) fn remove(&mut self, id: SpanId) -> Option<(Span, Vec<Relation>)> {
        let index = self.index_of(id)?;
        let span = Arc::make_mut(&mut self.spans).remove(index);
        self.count(&span, false);
        let gone: Vec<Relation> = self.relations_of(id).cloned().collect();
        if !gone.is_empty() {
            Arc::make_mut(&mut self.relations).retain(|r| r.from != id && r.to != id);
        }
        Some((span, gone))
    }

    /// A fresh relation id.
    pub fn allocate_relation_id(&mut self) -> u64 {
        let id = self.next_relation_id;
        self.next_relation_id += 1;
        id
    }

    pub(crate) fn insert_relation(&mut self, relation: Relation) {
        self.next_relation_id = self.next_relation_id.max(relation.id + 1);
        let at = self.relations.partition_point(|r| r.id < relation.id);
        Arc::make_mut(&mut self.relations).insert(at, relation);
    }

    pub(crate) fn remove_relation(&mut self, id: u64) -> Option<Relation> {
        let index = self.relations.iter().position(|r| r.id == id)?;
        Some(Arc::make_mut(&mut self.relations).remove(index))
    }

    /// Sets a span's note and returns the old one.
    pub(crate) fn set_note(&mut self, id: SpanId, note: String) -> Option<String> {
        let index = self.index_of(id)?;
        Some(std::mem::replace(
            &mut Arc::make_mut(&mut self.spans)[index].note,
            note,
        ))
    }

    /// Sets (or with `None` clears) one attribute of a span and returns the old value;
    /// `None` if the span does not exist.
    pub(crate) fn set_attr(
        &mut self,
        id: SpanId,
        name: &str,
        value: Option<String>,
    ) -> Option<Option<String>> {
        let index = self.index_of(id)?;
        let attrs = &mut Arc::make_mut(&mut self.spans)[index].attrs;
        Some(match value {
            Some(value) => attrs.insert(name.to_string(), value),
            None => attrs.remove(name),
        })
    }

    /// Sets a span's entity and returns the old one; `None` if the span does not exist.
    pub(crate) fn set_entity(
        &mut self,
        id: SpanId,
        entity: Option<String>,
    ) -> Option<Option<String>> {
        let index = self.index_of(id)?;
        Some(std::mem::replace(
            &mut Arc::make_mut(&mut self.spans)[index].entity,
            entity,
        ))
    }

    /// Changes a span's label and returns the old one.
    pub(crate) fn set_label(&mut self, id: SpanId, label: &str) -> Option<String> {
        let (mut span, relations) = self.remove(id)?;
        let old = std::mem::replace(&mut span.label, label.to_string());
        self.insert(span, relations);
        Some(old)
    }

    /// How many spans carry each label, in the order the labels are given.
    pub fn count_by_label<'a>(
        &self,
        labels: impl IntoIterator<Item = &'a str>,
    ) -> Vec<(&'a str, usize)> {
        labels
            .into_iter()
            .map(|l| (l, self.label_counts.get(l).copied().unwrap_or(0)))
            .collect()
    }

    /// Checks the ordering and anchoring invariants against `text` (for tests and asserts).
    pub fn check_invariants(&self, text: &super::Text) -> Result<(), String> {
        for pair in self.spans.windows(2) {
            if pair[0].sort_key() >= pair[1].sort_key() {
                return Err(format!("spans out of order: {:?}", pair));
            }
        }
        check_unique("span", self.spans.iter().map(|s| s.id)).map_err(|e| e.to_string())?;
        for span in self.spans.iter().filter(|s| !s.is_orphaned()) {
            if !span.holds_in(text) {
                return Err(format!("span {} does not hold its text", span.id));
            }
            if span.end - span.start > self.max_len {
                return Err(format!("span {} longer than max_len", span.id));
            }
        }
        if self.spans.iter().any(|s| s.id >= self.next_span_id) {
            return Err("next span id not above every id".into());
        }
        let indexed = self.ranges.len() == self.spans.len()
            && self.spans.iter().all(|s| {
                self.index_of(s.id)
                    .is_some_and(|i| self.spans[i].id == s.id)
            });
        if !indexed {
            return Err("the id index is out of step with the spans".into());
        }
        let counted: usize = self.label_counts.values().sum();
        let orphans = self.spans.iter().filter(|s| s.is_orphaned()).count();
        if counted != self.spans.len() || orphans != self.orphans {
            return Err("the label or orphan counts are out of step".into());
        }
        Ok(())
    }
}

/// The discontinuous spans of an article: the fragments of each annotation brat writes as
/// `T1 Label 0 9;16 19`, kept as one span per fragment joined by [`FRAGMENT_KIND`]
/// relations (see there). The one place that decides which spans are one annotation: the
/// document view, the details panel, [`Command::Remove`](super::Command::Remove) and the
/// exports all ask it.
///
/// The rules, for whatever relations a hand-edited sidecar holds:
/// - A fragment relation joins two different spans of the set, whichever way it points.
///   One from a span to itself, or to a span the set does not hold, joins nothing (the
///   view lists it as an ordinary link, so it can be removed: see [`Fragments::joins`]).
/// - A group is all the spans connected by fragment relations: a chain `a -> b -> c`, a
///   cycle, or a span that two firsts point to is one group. (An import links the first
///   fragment to each later one; other shapes come only from hand edits.)
/// - Its first fragment, which carries the annotation (in brat its id, label, attributes,
///   note and entity), is the member no fragment relation points to: the earliest in
///   sidecar order if several are, or if none is (a cycle). The later fragments follow in
///   sidecar order, which is text order.
/// - Fragments that overlap are still one group (brat cannot hold them as one annotation:
///   its export writes them apart and says so). Orphaned spans are members like any other.
/// - [`Fragments::restricted_to`] keeps some of the spans (an export's, which leaves
///   orphans out): each group keeps its members that are kept, even where the relations
///   between them ran through one left out; when the first is left out the next fragment
///   is the first, as when the first is deleted; a group left with one span is no group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fragments {
    /// Each group: the first fragment, then the later ones in sidecar order. Groups are in
    /// the sidecar order of their earliest member; an ungrouped one is left empty.
    groups: Vec<Vec<SpanId>>,
    /// Span id → (group, position in it).
    of: HashMap<SpanId, (usize, usize)>,
}

impl Fragments {
    /// The groups of all the spans of a set, orphans included.
    pub fn of(annotations: &Annotations) -> Fragments {
        // Union-find over the spans fragment relations join, by their index in `ids`.
        let mut node: HashMap<SpanId, usize> = HashMap::new();
        let mut ids: Vec<SpanId> = Vec::new();
        let mut parent: Vec<usize> = Vec::new();
        let mut pointed_to: Vec<bool> = Vec::new();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let holds = |id: SpanId| annotations.ranges.contains_key(&id);
        for r in annotations.relations.iter() {
            if r.kind != FRAGMENT_KIND || r.from == r.to || !holds(r.from) || !holds(r.to) {
                continue;
            }
            let [from, to] = [r.from, r.to].map(|id| {
                *node.entry(id).or_insert_with(|| {
                    ids.push(id);
                    parent.push(ids.len() - 1);
                    pointed_to.push(false);
                    ids.len() - 1
                })
            });
            pointed_to[to] = true;
            let (a, b) = (root(&mut parent, from), root(&mut parent, to));
            parent[a] = b;
        }
        // The members in sidecar order, each group opened by its earliest member.
        let mut members: Vec<(usize, usize)> = (0..ids.len())
            .map(|i| (annotations.index_of(ids[i]).unwrap_or(usize::MAX), i))
            .collect();
        members.sort_unstable();
        let mut group_of_root: HashMap<usize, usize> = HashMap::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (_, i) in members {
            let r = root(&mut parent, i);
            let g = *group_of_root.entry(r).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[g].push(i);
        }
        let mut fragments = Fragments::default();
        for mut group in groups {
            let first = group.iter().position(|&i| !pointed_to[i]).unwrap_or(0);
            let first = group.remove(first);
            group.insert(0, first);
            fragments.push(group.into_iter().map(|i| ids[i]).collect());
        }
        fragments
    }

    /// The groups with only the spans `keep` holds (the last rule of [`Fragments`]).
    pub fn restricted_to(&self, keep: impl Fn(SpanId) -> bool) -> Fragments {
        let mut kept = Fragments::default();
        for group in self.groups() {
            let members: Vec<SpanId> = group.iter().copied().filter(|&id| keep(id)).collect();
            if members.len() > 1 {
                kept.push(members);
            }
        }
        kept
    }

    fn push(&mut self, group: Vec<SpanId>) {
        let g = self.groups.len();
        for (at, &id) in group.iter().enumerate() {
            self.of.insert(id, (g, at));
        }
        self.groups.push(group);
    }

    /// Every group: its first fragment, then the later ones in sidecar order.
    pub fn groups(&self) -> impl Iterator<Item = &[SpanId]> {
        self.groups
            .iter()
            .filter(|g| !g.is_empty())
            .map(Vec::as_slice)
    }

    /// The group `id` belongs to: its first fragment, then the later ones in sidecar order.
    pub fn group(&self, id: SpanId) -> Option<&[SpanId]> {
        let &(g, _) = self.of.get(&id)?;
        Some(&self.groups[g])
    }

    /// Where `id` is in its group: `(position from 0, fragments in the group)`.
    pub fn position(&self, id: SpanId) -> Option<(usize, usize)> {
        let &(g, at) = self.of.get(&id)?;
        Some((at, self.groups[g].len()))
    }

    /// The first fragment of the group `id` is in (itself for a first); `None` for a span
    /// in one piece.
    pub fn first_of(&self, id: SpanId) -> Option<SpanId> {
        self.group(id).and_then(|g| g.first().copied())
    }

    /// The first fragment of the group a later fragment is part of; `None` for a first or a
    /// span in one piece (jsonl's `fragment_of`, W3C's `isPartOf`).
    pub fn part_of(&self, id: SpanId) -> Option<SpanId> {
        self.first_of(id).filter(|&first| first != id)
    }

    /// A first fragment's later fragments; empty for any other span.
    pub fn later(&self, id: SpanId) -> &[SpanId] {
        match self.of.get(&id) {
            Some(&(g, 0)) => &self.groups[g][1..],
            _ => &[],
        }
    }

    /// Whether `id` is a fragment after the first (drawn without a chip of its own).
    pub fn is_later(&self, id: SpanId) -> bool {
        self.position(id).is_some_and(|(at, _)| at > 0)
    }

    /// Whether a relation joins two fragments of one group: it is the grouping, not a link
    /// the analyst drew (the view does not draw it, brat does not write it as one).
    pub fn joins(&self, relation: &Relation) -> bool {
        relation.kind == FRAGMENT_KIND
            && relation.from != relation.to
            && match (self.of.get(&relation.from), self.of.get(&relation.to)) {
                (Some(from), Some(to)) => from.0 == to.0,
                _ => false,
            }
    }

    /// Makes the group `id` is in spans in one piece again, for a format that cannot hold
    /// it as one annotation (brat, when its fragments overlap).
    pub fn ungroup(&mut self, id: SpanId) {
        let Some(&(g, _)) = self.of.get(&id) else {
            return;
        };
        for member in std::mem::take(&mut self.groups[g]) {
            self.of.remove(&member);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.of.is_empty()
    }
}

fn check_unique(kind: &'static str, ids: impl Iterator<Item = u64>) -> Result<(), IdError> {
    let mut seen = HashSet::new();
    for id in ids {
        let problem = if id > MAX_ID {
            IdProblem::TooLarge
        } else if !seen.insert(id) {
            IdProblem::UsedTwice
        } else {
            continue;
        };
        return Err(IdError { kind, id, problem });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Text;

    /// `one two three four`: spans 1, 3, 4, 2 in text (sidecar) order, and these
    /// relations `(kind, from, to)`.
    fn set(relations: &[(&str, SpanId, SpanId)]) -> Annotations {
        let text = Text::new("one two three four".into());
        let spans = [(1, 0..3), (3, 4..7), (4, 8..13), (2, 14..18)]
            .into_iter()
            .map(|(id, range)| Span::new(id, "quote", range, &text))
            .collect();
        let relations = relations
            .iter()
            .enumerate()
            .map(|(i, &(kind, from, to))| Relation {
                id: i as u64 + 1,
                kind: kind.into(),
                from,
                to,
            })
            .collect();
        Annotations::from_parts(spans, relations).unwrap()
    }

    fn groups(annotations: &Annotations) -> Vec<Vec<SpanId>> {
        annotations
            .fragments()
            .groups()
            .map(<[SpanId]>::to_vec)
            .collect()
    }

    const F: &str = FRAGMENT_KIND;

    #[test]
    fn an_imported_group_is_its_first_then_the_later_fragments_in_text_order() {
        let a = set(&[(F, 1, 2), (F, 1, 3), ("said_by", 1, 4)]);
        let fragments = a.fragments();
        assert_eq!(groups(&a), [vec![1, 3, 2]]);
        assert_eq!(fragments.position(2), Some((2, 3)));
        assert_eq!(fragments.first_of(3), Some(1));
        assert_eq!(fragments.first_of(1), Some(1));
        assert_eq!(fragments.first_of(4), None, "the speaker is no fragment");
        assert_eq!(
            (fragments.part_of(3), fragments.part_of(1)),
            (Some(1), None)
        );
        assert_eq!(fragments.later(1), [3, 2]);
        assert!(fragments.later(3).is_empty());
        assert!(fragments.is_later(2) && !fragments.is_later(1) && !fragments.is_later(4));
        assert!(fragments.joins(&a.relations()[0]));
        assert!(!fragments.joins(&a.relations()[2]), "a said_by is a link");
    }

    #[test]
    fn a_chain_a_cycle_and_a_span_two_firsts_claim_are_each_one_group() {
        assert_eq!(groups(&set(&[(F, 1, 3), (F, 3, 4)])), [vec![1, 3, 4]]);
        // Nothing is pointed to by nothing: the earliest in sidecar order is the first.
        assert_eq!(groups(&set(&[(F, 4, 3), (F, 3, 4)])), [vec![3, 4]]);
        assert_eq!(
            groups(&set(&[(F, 1, 3), (F, 3, 4), (F, 4, 1)])),
            [vec![1, 3, 4]]
        );
        // Two firsts (1 and 4) claim 3: one group, the earlier of them first.
        assert_eq!(groups(&set(&[(F, 4, 3), (F, 1, 3)])), [vec![1, 3, 4]]);
        // Two groups, in the order of their earliest member.
        assert_eq!(
            groups(&set(&[(F, 3, 2), (F, 1, 4)])),
            [vec![1, 4], vec![3, 2]]
        );
    }

    #[test]
    fn the_first_is_the_span_no_fragment_relation_points_to_even_when_later_in_the_text() {
        let a = set(&[(F, 2, 1), (F, 2, 4)]);
        assert_eq!(groups(&a), [vec![2, 1, 4]]);
        assert!(a.fragments().is_later(1));
    }

    #[test]
    fn a_relation_to_itself_or_to_a_missing_span_joins_nothing() {
        let a = set(&[(F, 1, 1), (F, 1, 99), (F, 99, 3)]);
        let fragments = a.fragments();
        assert!(fragments.is_empty());
        assert!(a.relations().iter().all(|r| !fragments.joins(r)));
        // Beside a real group, the loop is still no join.
        let a = set(&[(F, 1, 1), (F, 1, 3)]);
        assert_eq!(groups(&a), [vec![1, 3]]);
        assert!(!a.fragments().joins(&a.relations()[0]));
    }

    #[test]
    fn overlapping_and_orphaned_fragments_are_members_like_any_other() {
        let text = Text::new("one two three".into());
        let mut orphan = Span::new(9, "quote", 8..13, &text);
        orphan.anchor = super::super::Anchor::Orphaned;
        let spans = vec![
            Span::new(1, "quote", 0..7, &text),
            Span::new(2, "quote", 4..13, &text),
            orphan,
        ];
        let relations = [2, 9].map(|to| Relation {
            id: to,
            kind: FRAGMENT_KIND.into(),
            from: 1,
            to,
        });
        let a = Annotations::from_parts(spans, relations.to_vec()).unwrap();
        assert_eq!(groups(&a), [vec![1, 2, 9]]);
    }

    #[test]
    fn restricted_a_group_keeps_its_kept_members_and_the_next_takes_a_left_out_first() {
        let star = set(&[(F, 1, 3), (F, 1, 4), (F, 1, 2)]).fragments();
        let without = |fragments: &Fragments, out: &[SpanId]| -> Vec<Vec<SpanId>> {
            fragments
                .restricted_to(|id| !out.contains(&id))
                .groups()
                .map(<[SpanId]>::to_vec)
                .collect()
        };
        assert_eq!(without(&star, &[]), [vec![1, 3, 4, 2]]);
        assert_eq!(without(&star, &[1]), [vec![3, 4, 2]], "3 is the first now");
        assert_eq!(without(&star, &[4]), [vec![1, 3, 2]]);
        assert!(
            without(&star, &[1, 3, 4]).is_empty(),
            "one span is no group"
        );
        // Kept members stay one group though what joined them is left out.
        let chain = set(&[(F, 1, 3), (F, 3, 4)]).fragments();
        assert_eq!(without(&chain, &[3]), [vec![1, 4]]);
        let restricted = chain.restricted_to(|id| id != 3);
        assert_eq!(restricted.first_of(3), None);
        assert_eq!(restricted.position(4), Some((1, 2)));
    }

    #[test]
    fn an_ungrouped_group_is_spans_in_one_piece() {
        let a = set(&[(F, 1, 3), (F, 4, 2)]);
        let mut fragments = a.fragments();
        fragments.ungroup(3);
        assert_eq!(
            fragments
                .groups()
                .map(<[SpanId]>::to_vec)
                .collect::<Vec<_>>(),
            [vec![4, 2]]
        );
        assert_eq!(fragments.group(1), None);
        assert!(!fragments.joins(&a.relations()[0]));
        assert!(fragments.joins(&a.relations()[1]));
        assert_eq!(fragments.first_of(2), Some(4));
    }
}
