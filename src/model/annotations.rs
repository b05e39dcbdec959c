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

/// The discontinuous spans of an article: spans joined by [`FRAGMENT_KIND`] relations,
/// the first fragment to each later one. Built in one pass over the relations, for a view
/// that draws each group as one annotation.
///
/// A span is in at most one group: a hand-edited sidecar that joins a span to two firsts
/// puts it in the group of the lower first id, and a first that is also a later fragment
/// of another group stays the first of its own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fragments {
    /// Each group: the first fragment, then the later ones in text order.
    groups: Vec<Vec<SpanId>>,
    /// Span id → (group, position in it).
    of: HashMap<SpanId, (usize, usize)>,
}

impl Fragments {
    pub fn of(annotations: &Annotations) -> Fragments {
        let mut later: BTreeMap<SpanId, Vec<&Span>> = BTreeMap::new();
        for r in annotations.relations.iter() {
            if r.kind != FRAGMENT_KIND || r.from == r.to || annotations.get(r.from).is_none() {
                continue;
            }
            if let Some(to) = annotations.get(r.to) {
                later.entry(r.from).or_default().push(to);
            }
        }
        let mut fragments = Fragments::default();
        // Firsts claim themselves before anything claims them as a later fragment.
        for (g, &first) in later.keys().enumerate() {
            fragments.groups.push(vec![first]);
            fragments.of.insert(first, (g, 0));
        }
        for (g, mut spans) in later.into_values().enumerate() {
            spans.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            for span in spans {
                if let std::collections::hash_map::Entry::Vacant(entry) =
                    fragments.of.entry(span.id)
                {
                    entry.insert((g, fragments.groups[g].len()));
                    fragments.groups[g].push(span.id);
                }
            }
        }
        // A first whose later fragments all belong to other groups is no group.
        for g in 0..fragments.groups.len() {
            if fragments.groups[g].len() == 1 {
                fragments.of.remove(&fragments.groups[g][0]);
            }
        }
        fragments
    }

    /// The group `id` belongs to: its first fragment, then the later ones in text order.
    pub fn group(&self, id: SpanId) -> Option<&[SpanId]> {
        let &(g, _) = self.of.get(&id)?;
        Some(&self.groups[g])
    }

    /// Where `id` is in its group: `(position from 0, fragments in the group)`.
    pub fn position(&self, id: SpanId) -> Option<(usize, usize)> {
        let &(g, at) = self.of.get(&id)?;
        Some((at, self.groups[g].len()))
    }

    /// Whether `id` is a fragment after the first (drawn without a chip of its own).
    pub fn is_later(&self, id: SpanId) -> bool {
        self.position(id).is_some_and(|(at, _)| at > 0)
    }

    pub fn is_empty(&self) -> bool {
        self.of.is_empty()
    }
}

/// Whether a relation joins the fragments of one discontinuous span (not a link the
/// analyst drew).
pub fn is_fragment_link(relation: &Relation) -> bool {
    relation.kind == FRAGMENT_KIND
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
