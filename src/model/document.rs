//! A document: the article text, its annotations, and the one place they change.
//!
//! Every change is a [`Command`] given to [`Document::apply`]. A command becomes a
//! transaction of primitive [`Op`]s; applying an op returns its exact inverse, and the
//! inverses of a transaction are pushed on the undo stack as one step. Undo applies them and
//! pushes *their* inverses on the redo stack, so undo and redo are the same mechanism and
//! restore ids, notes and relations exactly.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{
    Annotations, Attrs, Citation, CitationField, Conflict, Extraction, Origin, Proposal, Relation,
    Side, Span, SpanId, Suggestion, SuggestionStatus, Text, FRAGMENT_KIND,
};

/// Where an article stands in the analyst's work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    #[default]
    NotStarted,
    InProgress,
    Done,
}

/// Facts about the article file that the sidecar records. The store fills them in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArticleMeta {
    /// The file name (never a path).
    pub file_name: String,
    /// Hex SHA-256 of the file's bytes as read.
    pub sha256: String,
    /// WHATWG label of the decoding used, e.g. `UTF-8`.
    pub encoding: String,
    /// Whether the encoding was detected rather than known (not recorded in the sidecar:
    /// the app says so while the article is open).
    pub encoding_guessed: bool,
    /// How the text was extracted, for an article that is not plain text.
    pub extraction: Option<Extraction>,
}

impl ArticleMeta {
    /// Facts for a UTF-8 article not read from disk (tests, generated corpora); the hash
    /// is filled in when it is written.
    pub fn utf8(file_name: impl Into<String>) -> Self {
        ArticleMeta {
            file_name: file_name.into(),
            sha256: String::new(),
            encoding: "UTF-8".into(),
            encoding_guessed: false,
            extraction: None,
        }
    }
}

/// What the user asks of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Make a span of `label` over the range (already snapped by the caller), with these
    /// attribute values (the scheme's defaults for the label).
    Tag {
        char_range: Range<usize>,
        label: String,
        attrs: Attrs,
    },
    Retag {
        id: SpanId,
        label: String,
    },
    /// Remove a span and its relations. What is left of a discontinuous span (see
    /// [`super::Fragments`]) is still one annotation: the first fragment hands its place to
    /// the next one, which is joined to the rest and takes the removed one's other
    /// relations (a quote's speaker); a later fragment that a hand-made chain ran through
    /// leaves the fragments after it joined to the first. A span with a merge conflict
    /// takes its [`Conflict`] record with it (removing it decides the conflict: no span),
    /// in the same undo step.
    Remove {
        id: SpanId,
    },
    /// Put a span over another range, keeping its id, label, note, attributes, entity and
    /// links: re-attaching
    /// an orphan where the analyst found its text. Its text becomes what the range holds.
    Attach {
        id: SpanId,
        char_range: Range<usize>,
    },
    /// Mark where the article stands (Ctrl+Enter marks it done).
    SetStatus(Status),
    /// Spans of one label over many ranges in one undo step (search's "Tag all"); ranges
    /// already tagged with the label are skipped.
    TagMany {
        char_ranges: Vec<Range<usize>>,
        label: String,
        attrs: Attrs,
    },
    /// Set one attribute of a span, or clear it with `None`. The caller checks the value
    /// against the scheme.
    SetAttr {
        id: SpanId,
        name: String,
        value: Option<String>,
    },
    /// Refer spans to a corpus entity, or to none: many at once, as one undo step (linking
    /// every "Lavrov" of an article is one decision).
    SetEntity {
        ids: Vec<SpanId>,
        entity: Option<String>,
    },
    /// Set a span's note. Consecutive notes to the same span are one undo step, so typing
    /// a note undoes as a whole.
    SetNote {
        id: SpanId,
        note: String,
    },
    /// Link two spans, e.g. a quote to its speaker (`said_by`).
    Link {
        from: SpanId,
        to: SpanId,
        kind: String,
    },
    Unlink {
        relation: u64,
    },
    /// Adopts proposals (a rule's suggestions, an annotator's spans in adjudication) with
    /// their source, and the links they bring, as one undo step. A proposal whose label
    /// and range a span already has adopts that span; a link whose other end does not
    /// exist (nor is accepted in the same step) is left out. A stored suggestion's
    /// proposal ([`Origin::Imported`]) also marks the suggestion `Accepted`, in that step.
    Accept(Vec<Proposal>),
    /// Mark the stored suggestion at this index of [`Document::suggestions`] `Rejected`
    /// (undo makes it `Pending` again). An already decided one is left as it is.
    RejectSuggestion {
        index: usize,
    },
    /// Decide a merge conflict ([`Document::conflicts`]): the span becomes `side`'s
    /// version, keeping its id and links, or is removed with its links (as
    /// [`Command::Remove`] does) when that side deleted it; the conflict record goes, in
    /// the same undo step. A version is checked against the text: one whose text is not
    /// at its range is kept as written and marked [`super::Anchor::Orphaned`] (listed
    /// under Needs review), never placed on other text.
    ResolveConflict {
        span: SpanId,
        side: Side,
    },
    /// Set one field of the article's citation. Consecutive edits of the same field are
    /// one undo step, so typing a title undoes as a whole.
    SetCitation {
        field: CitationField,
        value: String,
    },
    Undo,
    Redo,
}

/// Why a command changed nothing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("nothing is selected")]
    EmptyRange,
    #[error("the range {0:?} is outside the text")]
    OutOfRange(Range<usize>),
    #[error("span {0} does not exist")]
    UnknownSpan(SpanId),
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("nothing to redo")]
    NothingToRedo,
    #[error("relation {0} does not exist")]
    UnknownRelation(u64),
    #[error("a span cannot be linked to itself")]
    SelfLink,
    #[error("suggestion {0} does not exist")]
    UnknownSuggestion(usize),
    #[error("span {0} has no merge conflict")]
    UnknownConflict(SpanId),
}

/// What a successful command did, for the UI to follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The span the user is now working on: the new or retagged span, or an existing
    /// identical span when a tag would have duplicated it.
    pub focus: Option<SpanId>,
    /// Whether the annotations changed.
    pub changed: bool,
}

impl Applied {
    /// Nothing to do: the document already is as asked.
    fn unchanged(focus: Option<SpanId>) -> Self {
        Applied {
            focus,
            changed: false,
        }
    }
}

/// A primitive change; applying one returns its inverse.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Op {
    Insert {
        span: Span,
        relations: Vec<Relation>,
    },
    Delete {
        id: SpanId,
    },
    SetLabel {
        id: SpanId,
        label: String,
    },
    SetStatus(Status),
    SetNote {
        id: SpanId,
        note: String,
    },
    SetAttr {
        id: SpanId,
        name: String,
        value: Option<String>,
    },
    SetEntity {
        id: SpanId,
        entity: Option<String>,
    },
    AddRelation(Relation),
    RemoveRelation(u64),
    /// The decision on the stored suggestion at this index.
    SetSuggestion {
        index: usize,
        status: SuggestionStatus,
    },
    /// Puts a conflict record back at its place in [`Document::conflicts`] (boxed: it
    /// holds two spans, and every op is as large as the largest).
    InsertConflict {
        index: usize,
        conflict: Box<Conflict>,
    },
    /// Drops the conflict record of a span.
    RemoveConflict {
        span: SpanId,
    },
    SetCitation {
        field: CitationField,
        value: String,
    },
}

#[derive(Clone, Debug)]
pub struct Document {
    text: Text,
    pub meta: ArticleMeta,
    pub annotator: Option<String>,
    pub status: Status,
    annotations: Annotations,
    /// A model's suggestions for this article and the decisions on them. Set when a
    /// document is made (loading, importing); after that a decision changes them only
    /// through [`Document::apply`] ([`Command::Accept`], [`Command::RejectSuggestion`]), so
    /// it is undone with the span it made. An index into it names a suggestion for good:
    /// new ones are appended.
    pub suggestions: Vec<Suggestion>,
    /// Spans a merge left with two versions ([`Conflict`]), until the analyst chooses.
    /// Set when a document is made (loading checks that each names a span of the list, once);
    /// after that changed only through [`Document::apply`] ([`Command::ResolveConflict`],
    /// [`Command::Remove`]), so undo brings a decided conflict back.
    pub conflicts: Vec<Conflict>,
    /// Where the article came from. Set when a document is made (from the sidecar, else
    /// from the source's metadata); after that changed only through
    /// [`Command::SetCitation`].
    pub citation: Citation,
    undo: Vec<Vec<Op>>,
    redo: Vec<Vec<Op>>,
    /// Bumped on every change, so views and the autosaver can tell what is new.
    revision: u64,
    /// The char ranges of the spans each recent revision added, removed or relabelled,
    /// so a view can redo only what a change touched ([`Document::touched_since`]).
    touched: VecDeque<(u64, Range<usize>)>,
    /// `touched` holds every change made after this revision.
    touched_from: u64,
    /// Tells this document from any other (a reload replaces the document, and its
    /// revisions count again from 0).
    instance: u64,
}

/// How many touched ranges a document remembers.
const TOUCHED_LOG: usize = 256;

impl Document {
    pub fn new(text: Text, meta: ArticleMeta, annotations: Annotations) -> Self {
        Document {
            text,
            meta,
            annotator: None,
            status: Status::NotStarted,
            annotations,
            suggestions: Vec::new(),
            conflicts: Vec::new(),
            citation: Citation::default(),
            undo: Vec::new(),
            redo: Vec::new(),
            revision: 0,
            touched: VecDeque::new(),
            touched_from: 0,
            instance: {
                static NEXT: AtomicU64 = AtomicU64::new(1);
                NEXT.fetch_add(1, Ordering::Relaxed)
            },
        }
    }

    /// Which document this is: unique among the documents of a run.
    pub fn instance(&self) -> u64 {
        self.instance
    }

    /// The char ranges where spans were added, removed or relabelled after `revision`
    /// (none if nothing was), or `None` if that is too long ago to know.
    pub fn touched_since(&self, revision: u64) -> Option<Vec<Range<usize>>> {
        (revision >= self.touched_from && revision <= self.revision).then(|| {
            self.touched
                .iter()
                .filter(|(r, _)| *r > revision)
                .map(|(_, range)| range.clone())
                .collect()
        })
    }

    pub fn text(&self) -> &Text {
        &self.text
    }

    /// Records that a sidecar with this `next_id` was written: no later save goes below it,
    /// so an id once on disk is never handed out again. Not an edit: no undo step.
    pub fn record_next_ids(&mut self, (span, relation): (SpanId, u64)) {
        self.annotations.raise_next_ids(span, relation);
    }

    pub fn annotations(&self) -> &Annotations {
        &self.annotations
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Applies a command: the only way annotations change.
    pub fn apply(&mut self, command: Command) -> Result<Applied, CommandError> {
        let (ops, focus) = match command {
            Command::Undo => return self.step_history(true),
            Command::Redo => return self.step_history(false),
            Command::Tag {
                char_range,
                label,
                attrs,
            } => {
                if char_range.start >= char_range.end {
                    return Err(CommandError::EmptyRange);
                }
                if char_range.end > self.text.len_chars() {
                    return Err(CommandError::OutOfRange(char_range));
                }
                if let Some(existing) = self.annotations.find_exact(&label, char_range.clone()) {
                    return Ok(Applied::unchanged(Some(existing.id)));
                }
                let id = self.annotations.allocate_span_id();
                let mut span = Span::new(id, &label, char_range, &self.text);
                span.attrs = attrs;
                let ops = vec![Op::Insert {
                    span,
                    relations: Vec::new(),
                }];
                (ops, Some(id))
            }
            Command::Retag { id, label } => {
                let span = self
                    .annotations
                    .get(id)
                    .ok_or(CommandError::UnknownSpan(id))?;
                if span.label == label {
                    return Ok(Applied::unchanged(Some(id)));
                }
                (vec![Op::SetLabel { id, label }], Some(id))
            }
            Command::Remove { id } => {
                if self.annotations.get(id).is_none() {
                    return Err(CommandError::UnknownSpan(id));
                }
                let mut ops = vec![Op::Delete { id }];
                ops.extend(self.promote_next_fragment(id));
                // Deleting decides every conflict of the span (a later merge may have
                // added a second record for it).
                let records = self.conflicts.iter().filter(|c| c.span == id).count();
                ops.extend((0..records).map(|_| Op::RemoveConflict { span: id }));
                (ops, None)
            }
            Command::Attach { id, char_range } => {
                let old = self
                    .annotations
                    .get(id)
                    .ok_or(CommandError::UnknownSpan(id))?;
                if char_range.start >= char_range.end {
                    return Err(CommandError::EmptyRange);
                }
                if char_range.end > self.text.len_chars() {
                    return Err(CommandError::OutOfRange(char_range));
                }
                let mut span = Span::new(id, &old.label, char_range, &self.text);
                span.note = old.note.clone();
                span.source = old.source.clone();
                span.attrs = old.attrs.clone();
                span.entity = old.entity.clone();
                if span == *old {
                    return Ok(Applied::unchanged(Some(id)));
                }
                let relations = self.annotations.relations_of(id).cloned().collect();
                (
                    vec![Op::Delete { id }, Op::Insert { span, relations }],
                    Some(id),
                )
            }
            Command::SetStatus(status) => {
                if self.status == status {
                    return Ok(Applied::unchanged(None));
                }
                (vec![Op::SetStatus(status)], None)
            }
            Command::TagMany {
                char_ranges,
                label,
                attrs,
            } => {
                let mut ops = Vec::new();
                let mut seen = std::collections::HashSet::new();
                for range in char_ranges {
                    if range.start >= range.end || range.end > self.text.len_chars() {
                        return Err(CommandError::OutOfRange(range));
                    }
                    if self.annotations.find_exact(&label, range.clone()).is_some()
                        || !seen.insert(range.clone())
                    {
                        continue;
                    }
                    let id = self.annotations.allocate_span_id();
                    let mut span = Span::new(id, &label, range, &self.text);
                    span.attrs = attrs.clone();
                    ops.push(Op::Insert {
                        span,
                        relations: Vec::new(),
                    });
                }
                if ops.is_empty() {
                    return Ok(Applied::unchanged(None));
                }
                (ops, None)
            }
            Command::SetNote { id, note } => {
                let span = self
                    .annotations
                    .get(id)
                    .ok_or(CommandError::UnknownSpan(id))?;
                if span.note == note {
                    return Ok(Applied::unchanged(Some(id)));
                }
                // Typing continues the last step when it was a note to the same span.
                if let (Some([Op::SetNote { id: last, .. }]), true) =
                    (self.undo.last().map(Vec::as_slice), self.redo.is_empty())
                {
                    if *last == id {
                        self.apply_ops(vec![Op::SetNote { id, note }]);
                        return Ok(Applied {
                            focus: Some(id),
                            changed: true,
                        });
                    }
                }
                (vec![Op::SetNote { id, note }], Some(id))
            }
            Command::SetAttr { id, name, value } => {
                let span = self
                    .annotations
                    .get(id)
                    .ok_or(CommandError::UnknownSpan(id))?;
                if span.attrs.get(&name) == value.as_ref() {
                    return Ok(Applied::unchanged(Some(id)));
                }
                (vec![Op::SetAttr { id, name, value }], Some(id))
            }
            Command::SetEntity { ids, entity } => {
                let mut ops = Vec::new();
                for &id in &ids {
                    let span = self
                        .annotations
                        .get(id)
                        .ok_or(CommandError::UnknownSpan(id))?;
                    if span.entity != entity
                        && !ops
                            .iter()
                            .any(|op| matches!(op, Op::SetEntity { id: seen, .. } if *seen == id))
                    {
                        ops.push(Op::SetEntity {
                            id,
                            entity: entity.clone(),
                        });
                    }
                }
                let focus = ids.last().copied();
                if ops.is_empty() {
                    return Ok(Applied::unchanged(focus));
                }
                (ops, focus)
            }
            Command::Link { from, to, kind } => {
                for id in [from, to] {
                    if self.annotations.get(id).is_none() {
                        return Err(CommandError::UnknownSpan(id));
                    }
                }
                if from == to {
                    return Err(CommandError::SelfLink);
                }
                let exists = self
                    .annotations
                    .relations()
                    .iter()
                    .any(|r| r.from == from && r.to == to && r.kind == kind);
                if exists {
                    return Ok(Applied::unchanged(Some(from)));
                }
                let id = self.annotations.allocate_relation_id();
                (
                    vec![Op::AddRelation(Relation { id, kind, from, to })],
                    Some(from),
                )
            }
            Command::Unlink { relation } => {
                if !self
                    .annotations
                    .relations()
                    .iter()
                    .any(|r| r.id == relation)
                {
                    return Err(CommandError::UnknownRelation(relation));
                }
                (vec![Op::RemoveRelation(relation)], None)
            }
            Command::Accept(proposals) => {
                let (ops, focus) = self.accept(proposals)?;
                if ops.is_empty() {
                    return Ok(Applied::unchanged(focus));
                }
                (ops, focus)
            }
            Command::RejectSuggestion { index } => {
                let suggestion = self
                    .suggestions
                    .get(index)
                    .ok_or(CommandError::UnknownSuggestion(index))?;
                if suggestion.status != SuggestionStatus::Pending {
                    return Ok(Applied::unchanged(None));
                }
                let status = SuggestionStatus::Rejected;
                (vec![Op::SetSuggestion { index, status }], None)
            }
            Command::ResolveConflict { span, side } => self.resolve(span, side)?,
            Command::SetCitation { field, value } => {
                if self.citation.get(field) == value {
                    return Ok(Applied::unchanged(None));
                }
                // Typing continues the last step when it was an edit of the same field.
                if let (Some([Op::SetCitation { field: last, .. }]), true) =
                    (self.undo.last().map(Vec::as_slice), self.redo.is_empty())
                {
                    if *last == field {
                        self.apply_ops(vec![Op::SetCitation { field, value }]);
                        return Ok(Applied {
                            focus: None,
                            changed: true,
                        });
                    }
                }
                (vec![Op::SetCitation { field, value }], None)
            }
        };
        let edits_spans = !matches!(
            ops.as_slice(),
            [Op::SetStatus(_)] | [Op::SetCitation { .. }]
        );
        let inverse = self.apply_ops(ops);
        self.undo.push(inverse);
        self.redo.clear();
        // The first span starts the work on an article.
        if edits_spans && self.status == Status::NotStarted {
            self.status = Status::InProgress;
        }
        Ok(Applied {
            focus,
            changed: true,
        })
    }

    /// The ops that decide the conflict of span `id` for `side`, and the span that is left.
    fn resolve(
        &mut self,
        id: SpanId,
        side: Side,
    ) -> Result<(Vec<Op>, Option<SpanId>), CommandError> {
        let version = self
            .conflicts
            .iter()
            .find(|c| c.span == id)
            .ok_or(CommandError::UnknownConflict(id))?
            .version(side)
            .cloned();
        let exists = self.annotations.get(id).is_some();
        let (mut ops, focus) = match version {
            Some(mut span) => {
                span.id = id;
                // Placed only where its own text is; an orphan stays one (as on loading).
                if !span.is_orphaned() && !span.check_and_refresh(&self.text) {
                    span.anchor = super::Anchor::Orphaned;
                }
                let ops = match self.annotations.get(id) {
                    Some(current) if *current == span => Vec::new(),
                    Some(_) => {
                        let relations = self.annotations.relations_of(id).cloned().collect();
                        vec![Op::Delete { id }, Op::Insert { span, relations }]
                    }
                    None => vec![Op::Insert {
                        span,
                        relations: Vec::new(),
                    }],
                };
                (ops, Some(id))
            }
            None if exists => {
                let mut ops = vec![Op::Delete { id }];
                ops.extend(self.promote_next_fragment(id));
                (ops, None)
            }
            None => (Vec::new(), None),
        };
        ops.push(Op::RemoveConflict { span: id });
        Ok((ops, focus))
    }

    /// The ops that adopt `proposals`, and the span of the last one.
    fn accept(
        &mut self,
        proposals: Vec<Proposal>,
    ) -> Result<(Vec<Op>, Option<SpanId>), CommandError> {
        use std::collections::{HashMap, HashSet};
        let mut ops = Vec::new();
        // Spans made in this step, by (label, range).
        let mut made: HashMap<(String, Range<usize>), SpanId> = HashMap::new();
        let mut focus = None;
        for p in &proposals {
            let range = p.char_range.clone();
            if range.start >= range.end || range.end > self.text.len_chars() {
                return Err(CommandError::OutOfRange(range));
            }
            if let Origin::Imported { index, .. } = p.origin {
                let suggestion = self
                    .suggestions
                    .get(index)
                    .ok_or(CommandError::UnknownSuggestion(index))?;
                let status = SuggestionStatus::Accepted;
                let decided =
                    |op: &Op| matches!(op, Op::SetSuggestion { index: i, .. } if *i == index);
                if suggestion.status != status && !ops.iter().any(decided) {
                    ops.push(Op::SetSuggestion { index, status });
                }
            }
            let existing = self.annotations.find_exact(&p.label, range.clone());
            if let Some(span) = existing {
                // Adopting a span sets what the proposal brings and the span lacks.
                for (name, value) in &p.attrs {
                    if span.attrs.get(name) != Some(value) {
                        ops.push(Op::SetAttr {
                            id: span.id,
                            name: name.clone(),
                            value: Some(value.clone()),
                        });
                    }
                }
                if p.entity.is_some() && span.entity != p.entity {
                    ops.push(Op::SetEntity {
                        id: span.id,
                        entity: p.entity.clone(),
                    });
                }
            }
            let id = match existing
                .map(|s| s.id)
                .or(made.get(&(p.label.clone(), range.clone())).copied())
            {
                Some(id) => id,
                None => {
                    let id = self.annotations.allocate_span_id();
                    let mut span = Span::new(id, &p.label, range.clone(), &self.text);
                    span.source = p.source.clone();
                    span.attrs = p.attrs.clone();
                    span.entity = p.entity.clone();
                    ops.push(Op::Insert {
                        span,
                        relations: Vec::new(),
                    });
                    made.insert((p.label.clone(), range), id);
                    id
                }
            };
            focus = Some(id);
        }
        let find = |label: &str, range: &Range<usize>| {
            self.annotations
                .find_exact(label, range.clone())
                .map(|s| s.id)
                .or_else(|| made.get(&(label.to_string(), range.clone())).copied())
        };
        let mut linked: HashSet<(SpanId, SpanId, String)> = self
            .annotations
            .relations()
            .iter()
            .map(|r| (r.from, r.to, r.kind.clone()))
            .collect();
        let mut relations = Vec::new();
        for p in &proposals {
            let Some(this) = find(&p.label, &p.char_range) else {
                continue;
            };
            for link in &p.links {
                let Some(other) = find(&link.other_label, &link.other_range) else {
                    continue;
                };
                let (from, to) = if link.outgoing {
                    (this, other)
                } else {
                    (other, this)
                };
                if from != to && linked.insert((from, to, link.kind.clone())) {
                    relations.push((from, to, link.kind.clone()));
                }
            }
        }
        for (from, to, kind) in relations {
            let id = self.annotations.allocate_relation_id();
            ops.push(Op::AddRelation(Relation { id, kind, from, to }));
        }
        Ok((ops, focus))
    }

    fn step_history(&mut self, undo: bool) -> Result<Applied, CommandError> {
        let (from, error) = if undo {
            (&mut self.undo, CommandError::NothingToUndo)
        } else {
            (&mut self.redo, CommandError::NothingToRedo)
        };
        let ops = from.pop().ok_or(error)?;
        let focus = ops.iter().rev().find_map(|op| match op {
            Op::Insert { span, .. } => Some(span.id),
            Op::SetLabel { id, .. } => Some(*id),
            Op::SetNote { id, .. } | Op::SetAttr { id, .. } | Op::SetEntity { id, .. } => Some(*id),
            Op::AddRelation(r) => Some(r.from),
            Op::InsertConflict { conflict, .. } => Some(conflict.span),
            Op::Delete { .. }
            | Op::SetStatus(_)
            | Op::RemoveRelation(_)
            | Op::SetSuggestion { .. }
            | Op::RemoveConflict { .. }
            | Op::SetCitation { .. } => None,
        });
        let inverse = self.apply_ops(ops);
        if undo {
            self.redo.push(inverse);
        } else {
            self.undo.push(inverse);
        }
        Ok(Applied {
            focus,
            changed: true,
        })
    }

    /// Applies a transaction and returns its inverse (to be applied in order).
    fn apply_ops(&mut self, ops: Vec<Op>) -> Vec<Op> {
        self.revision += 1;
        for op in &ops {
            let range = match op {
                Op::Insert { span, .. } => Some(span.char_range()),
                Op::Delete { id } | Op::SetLabel { id, .. } => {
                    self.annotations.get(*id).map(Span::char_range)
                }
                Op::SetSuggestion { index, .. } => {
                    self.suggestions.get(*index).map(Suggestion::char_range)
                }
                _ => None,
            };
            if let Some(range) = range {
                if self.touched.len() == TOUCHED_LOG {
                    if let Some((dropped, _)) = self.touched.pop_front() {
                        self.touched_from = dropped;
                    }
                }
                self.touched.push_back((self.revision, range));
            }
        }
        let mut inverse: Vec<Op> = ops.into_iter().filter_map(|op| self.apply_op(op)).collect();
        inverse.reverse();
        inverse
    }

    fn apply_op(&mut self, op: Op) -> Option<Op> {
        match op {
            Op::Insert { span, relations } => {
                let id = span.id;
                self.annotations.insert(span, relations);
                Some(Op::Delete { id })
            }
            Op::Delete { id } => {
                let (span, relations) = self.annotations.remove(id)?;
                Some(Op::Insert { span, relations })
            }
            Op::SetLabel { id, label } => {
                let old = self.annotations.set_label(id, &label)?;
                Some(Op::SetLabel { id, label: old })
            }
            Op::SetStatus(status) => {
                Some(Op::SetStatus(std::mem::replace(&mut self.status, status)))
            }
            Op::SetCitation { field, value } => {
                let old = std::mem::replace(self.citation.get_mut(field), value);
                Some(Op::SetCitation { field, value: old })
            }
            Op::SetNote { id, note } => {
                let old = self.annotations.set_note(id, note)?;
                Some(Op::SetNote { id, note: old })
            }
            Op::SetAttr { id, name, value } => {
                let old = self.annotations.set_attr(id, &name, value)?;
                Some(Op::SetAttr {
                    id,
                    name,
                    value: old,
                })
            }
            Op::SetEntity { id, entity } => {
                let old = self.annotations.set_entity(id, entity)?;
                Some(Op::SetEntity { id, entity: old })
            }
            Op::AddRelation(relation) => {
                let id = relation.id;
                self.annotations.insert_relation(relation);
                Some(Op::RemoveRelation(id))
            }
            Op::RemoveRelation(id) => self.annotations.remove_relation(id).map(Op::AddRelation),
            Op::SetSuggestion { index, status } => {
                let suggestion = self.suggestions.get_mut(index)?;
                let old = std::mem::replace(&mut suggestion.status, status);
                Some(Op::SetSuggestion { index, status: old })
            }
            Op::InsertConflict { index, conflict } => {
                let span = conflict.span;
                self.conflicts
                    .insert(index.min(self.conflicts.len()), *conflict);
                Some(Op::RemoveConflict { span })
            }
            Op::RemoveConflict { span } => {
                let index = self.conflicts.iter().position(|c| c.span == span)?;
                let conflict = Box::new(self.conflicts.remove(index));
                Some(Op::InsertConflict { index, conflict })
            }
        }
    }

    /// The ops that keep the rest of a discontinuous span one annotation when `id` (about
    /// to be deleted) is one of its fragments (see [`super::Fragments`] for the groups).
    /// The group's first fragment, or the next one when `id` is the first, is joined to
    /// every other fragment left that it is not joined to already, so a fragment that only
    /// `id` joined (in a hand-made chain) does not fall out; when `id` is the first, its
    /// other relations move to the next one. None when `id` is in one piece.
    fn promote_next_fragment(&mut self, id: SpanId) -> Vec<Op> {
        let annotations = &self.annotations;
        let fragments = annotations.fragments();
        let Some(group) = fragments.group(id) else {
            return Vec::new();
        };
        let rest: Vec<SpanId> = group.iter().copied().filter(|&s| s != id).collect();
        let Some((&first, later)) = rest.split_first() else {
            return Vec::new();
        };
        let mut wanted: Vec<(SpanId, SpanId, String)> = later
            .iter()
            .map(|&s| (first, s, FRAGMENT_KIND.to_string()))
            .collect();
        if group[0] == id {
            for r in annotations.relations_of(id) {
                if r.kind == FRAGMENT_KIND {
                    continue;
                }
                let moved = |end: SpanId| if end == id { first } else { end };
                let (from, to) = (moved(r.from), moved(r.to));
                if from != to {
                    wanted.push((from, to, r.kind.clone()));
                }
            }
        }
        // Not twice, and not what is there already.
        let mut seen: std::collections::HashSet<(SpanId, SpanId, String)> = annotations
            .relations()
            .iter()
            .filter(|r| r.from != id && r.to != id)
            .map(|r| (r.from, r.to, r.kind.clone()))
            .collect();
        wanted.retain(|w| seen.insert(w.clone()));
        wanted
            .into_iter()
            .map(|(from, to, kind)| {
                let id = self.annotations.allocate_relation_id();
                Op::AddRelation(Relation { id, kind, from, to })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{fixture, Anchor};

    fn doc(markup: &str) -> Document {
        fixture::document(markup)
    }

    #[test]
    fn tag_retag_remove_undo_redo() {
        let mut d = doc("Lavrov said Libya is a black hole.");
        let tagged = d
            .apply(Command::Tag {
                char_range: 0..6,
                label: "actor".into(),
                attrs: Default::default(),
            })
            .unwrap();
        let id = tagged.focus.unwrap();
        assert_eq!(d.annotations().get(id).unwrap().text, "Lavrov");
        assert_eq!(d.status, Status::InProgress);

        d.apply(Command::Retag {
            id,
            label: "location".into(),
        })
        .unwrap();
        assert_eq!(d.annotations().get(id).unwrap().label, "location");
        d.apply(Command::Remove { id }).unwrap();
        assert!(d.annotations().is_empty());

        d.apply(Command::Undo).unwrap();
        assert_eq!(d.annotations().get(id).unwrap().label, "location");
        d.apply(Command::Undo).unwrap();
        assert_eq!(d.annotations().get(id).unwrap().label, "actor");
        d.apply(Command::Undo).unwrap();
        assert!(d.annotations().is_empty());
        assert_eq!(d.apply(Command::Undo), Err(CommandError::NothingToUndo));

        for _ in 0..3 {
            d.apply(Command::Redo).unwrap();
        }
        assert!(d.annotations().is_empty());
        assert_eq!(d.apply(Command::Redo), Err(CommandError::NothingToRedo));
    }

    #[test]
    fn removing_a_span_removes_its_relations_and_undo_restores_them() {
        let mut d = doc("[actor|Lavrov] said \"[quote|Libya is a black hole]\"");
        let (actor, quote) = (d.annotations().spans()[0].id, d.annotations().spans()[1].id);
        let relation = Relation {
            id: 1,
            kind: "said_by".into(),
            from: quote,
            to: actor,
        };
        let annotations =
            Annotations::from_parts(d.annotations().spans().to_vec(), vec![relation.clone()])
                .unwrap();
        d = Document::new(d.text().clone(), ArticleMeta::default(), annotations);
        d.apply(Command::Remove { id: actor }).unwrap();
        assert!(d.annotations().relations().is_empty());
        d.apply(Command::Undo).unwrap();
        assert_eq!(d.annotations().relations(), &[relation]);
    }

    #[test]
    fn marking_done_is_undoable_and_does_not_count_as_starting() {
        let mut d = doc("abc");
        d.apply(Command::SetStatus(Status::Done)).unwrap();
        assert_eq!(d.status, Status::Done);
        d.apply(Command::Undo).unwrap();
        assert_eq!(d.status, Status::NotStarted);
        d.apply(Command::Redo).unwrap();
        assert_eq!(d.status, Status::Done);
        assert!(!d.apply(Command::SetStatus(Status::Done)).unwrap().changed);
    }

    #[test]
    fn attributes_and_entities_undo_and_redo() {
        let mut d = doc("[claim|Libya is a black hole], said [actor|Lavrov]; Lavrov again.");
        let (claim, actor) = (1, 2);
        let set = |value: Option<&str>| Command::SetAttr {
            id: claim,
            name: "verdict".into(),
            value: value.map(Into::into),
        };
        d.apply(set(Some("false"))).unwrap();
        d.apply(set(Some("misleading"))).unwrap();
        assert!(!d.apply(set(Some("misleading"))).unwrap().changed);
        let verdict = |d: &Document| {
            d.annotations()
                .get(claim)
                .unwrap()
                .attrs
                .get("verdict")
                .cloned()
        };
        assert_eq!(verdict(&d).as_deref(), Some("misleading"));
        d.apply(Command::Undo).unwrap();
        assert_eq!(verdict(&d).as_deref(), Some("false"));
        d.apply(Command::Undo).unwrap();
        assert_eq!(
            verdict(&d),
            None,
            "undone back to unset, not to an empty value"
        );
        d.apply(Command::Redo).unwrap();
        assert_eq!(verdict(&d).as_deref(), Some("false"));
        d.apply(set(None)).unwrap();
        assert!(d.annotations().get(claim).unwrap().attrs.is_empty());

        // Tagging the second Lavrov, then linking both in one step.
        let second = d
            .apply(Command::Tag {
                char_range: 36..42,
                label: "actor".into(),
                attrs: Attrs::from([("role".to_string(), "minister".to_string())]),
            })
            .unwrap()
            .focus
            .unwrap();
        assert_eq!(
            d.annotations().get(second).unwrap().attrs["role"],
            "minister"
        );
        d.apply(Command::SetEntity {
            ids: vec![actor, second, actor],
            entity: Some("sergei-lavrov".into()),
        })
        .unwrap();
        let entity = |d: &Document, id| d.annotations().get(id).unwrap().entity.clone();
        assert_eq!(entity(&d, second).as_deref(), Some("sergei-lavrov"));
        d.apply(Command::Undo).unwrap();
        assert_eq!(
            (entity(&d, actor), entity(&d, second)),
            (None, None),
            "one step"
        );
        d.apply(Command::Redo).unwrap();
        assert_eq!(entity(&d, actor).as_deref(), Some("sergei-lavrov"));
        assert_eq!(
            d.apply(Command::SetEntity {
                ids: vec![99],
                entity: None
            }),
            Err(CommandError::UnknownSpan(99))
        );

        // Re-attaching a span keeps its attributes and entity.
        d.apply(Command::Attach {
            id: second,
            char_range: 36..41,
        })
        .unwrap();
        let moved = d.annotations().get(second).unwrap();
        assert_eq!(
            (moved.attrs["role"].as_str(), moved.entity.as_deref()),
            ("minister", Some("sergei-lavrov"))
        );
        d.annotations().check_invariants(d.text()).unwrap();
    }

    #[test]
    fn accepting_a_proposal_for_an_existing_span_sets_its_entity() {
        let mut d = doc("[actor|Lavrov] met Lavrov's aide.");
        let mut p = proposal(0..6, "actor", Vec::new());
        p.entity = Some("sergei-lavrov".into());
        p.origin = crate::model::Origin::Entity("Sergei Lavrov".into());
        let mut new = proposal(10..16, "actor", Vec::new());
        new.entity = p.entity.clone();
        d.apply(Command::Accept(vec![p, new])).unwrap();
        let entities: Vec<_> = d
            .annotations()
            .spans()
            .iter()
            .map(|s| s.entity.as_deref())
            .collect();
        assert_eq!(entities, [Some("sergei-lavrov"), Some("sergei-lavrov")]);
        d.apply(Command::Undo).unwrap();
        assert_eq!(d.annotations().len(), 1);
        assert_eq!(d.annotations().spans()[0].entity, None);
    }

    #[test]
    fn notes_links_and_tag_many_undo_as_one_step_each() {
        let mut d = doc("[actor|Lavrov] said \"[quote|Libya]\" and Libya again, Libya.");
        let (actor, quote) = (1, 2);
        for note in ["a", "ab", "abc"] {
            d.apply(Command::SetNote {
                id: quote,
                note: note.into(),
            })
            .unwrap();
        }
        assert_eq!(d.annotations().get(quote).unwrap().note, "abc");
        d.apply(Command::Undo).unwrap();
        assert_eq!(
            d.annotations().get(quote).unwrap().note,
            "",
            "typing undoes as a whole"
        );

        d.apply(Command::Link {
            from: quote,
            to: actor,
            kind: "said_by".into(),
        })
        .unwrap();
        assert_eq!(d.annotations().relations().len(), 1);
        assert_eq!(
            d.apply(Command::Link {
                from: quote,
                to: quote,
                kind: "said_by".into()
            }),
            Err(CommandError::SelfLink)
        );
        let relation = d.annotations().relations()[0].id;
        d.apply(Command::Unlink { relation }).unwrap();
        assert!(d.annotations().relations().is_empty());
        d.apply(Command::Undo).unwrap();
        assert_eq!(d.annotations().relations()[0].id, relation);

        let before = d.annotations().len();
        let libya: Vec<Range<usize>> = vec![13..18, 24..29, 37..42, 24..29];
        d.apply(Command::TagMany {
            char_ranges: libya,
            label: "location".into(),
            attrs: Default::default(),
        })
        .unwrap();
        assert_eq!(d.annotations().len(), before + 3);
        d.apply(Command::Undo).unwrap();
        assert_eq!(d.annotations().len(), before, "one undo removes them all");
    }

    #[test]
    fn typing_a_citation_field_is_one_undo_step_and_leaves_the_status_alone() {
        let mut d = doc("[actor|Lavrov] said");
        let title = |v: &str| Command::SetCitation {
            field: CitationField::Title,
            value: v.into(),
        };
        for typed in ["L", "La", "Lav"] {
            assert!(d.apply(title(typed)).unwrap().changed);
        }
        d.apply(Command::SetCitation {
            field: CitationField::Url,
            value: "https://example.org".into(),
        })
        .unwrap();
        assert_eq!(d.citation.title, "Lav");
        assert!(!d.apply(title("Lav")).unwrap().changed, "same value");
        assert_eq!(
            d.status,
            Status::NotStarted,
            "a citation is not annotation work"
        );
        d.apply(Command::Undo).unwrap();
        assert_eq!(
            (d.citation.title.as_str(), d.citation.url.as_str()),
            ("Lav", "")
        );
        d.apply(Command::Undo).unwrap();
        assert!(d.citation.is_empty(), "the typing undoes as a whole");
        d.apply(Command::Redo).unwrap();
        assert_eq!(d.citation.title, "Lav");
    }

    #[test]
    fn a_duplicate_tag_selects_the_existing_span_and_changes_nothing() {
        let mut d = doc("[actor|Lavrov] said");
        let before = d.revision();
        let applied = d
            .apply(Command::Tag {
                char_range: 0..6,
                label: "actor".into(),
                attrs: Default::default(),
            })
            .unwrap();
        assert!(!applied.changed);
        assert_eq!(applied.focus, Some(d.annotations().spans()[0].id));
        assert_eq!(d.revision(), before);
        assert!(!d.can_undo());
    }

    #[test]
    fn bad_commands_are_refused() {
        let mut d = doc("abc");
        let tag = |r: Range<usize>| Command::Tag {
            char_range: r,
            label: "claim".into(),
            attrs: Default::default(),
        };
        assert_eq!(d.apply(tag(1..1)), Err(CommandError::EmptyRange));
        assert_eq!(d.apply(tag(1..9)), Err(CommandError::OutOfRange(1..9)));
        assert_eq!(
            d.apply(Command::Remove { id: 7 }),
            Err(CommandError::UnknownSpan(7))
        );
        assert_eq!(d.status, Status::NotStarted);
    }

    #[test]
    fn attach_moves_an_orphan_onto_chosen_text_keeping_its_links_and_undoes() {
        let mut d = fixture::document("[quote|Restraint] said [actor|Lavrov] in Cairo");
        d.apply(Command::Link {
            from: 1,
            to: 2,
            kind: "said_by".into(),
        })
        .unwrap();
        d.apply(Command::SetNote {
            id: 2,
            note: "check".into(),
        })
        .unwrap();
        let before = d.annotations().clone();
        // Attach span 2 over "Cairo".
        let applied = d
            .apply(Command::Attach {
                id: 2,
                char_range: 25..30,
            })
            .unwrap();
        assert_eq!(applied.focus, Some(2));
        let span = d.annotations().get(2).unwrap();
        assert_eq!((span.text.as_str(), span.anchor), ("Cairo", Anchor::Exact));
        assert_eq!(
            (span.label.as_str(), span.note.as_str()),
            ("actor", "check")
        );
        assert_eq!(d.annotations().relations().len(), 1, "the link is kept");
        d.apply(Command::Undo).unwrap();
        assert_eq!(d.annotations(), &before);
    }

    fn proposal(
        range: Range<usize>,
        label: &str,
        links: Vec<crate::model::ProposedLink>,
    ) -> Proposal {
        Proposal {
            char_range: range,
            label: label.into(),
            source: crate::model::Source::Rule("quotes".into()),
            origin: crate::model::Origin::Rule("quotes".into()),
            links,
            attrs: Default::default(),
            entity: None,
        }
    }

    #[test]
    fn accept_adds_a_quote_with_its_speaker_and_link_in_one_undo_step() {
        // "Restraint" is chars 1..10, "Lavrov" 18..24.
        let mut d = doc("“Restraint,” said Lavrov in Cairo");
        let said_by = crate::model::ProposedLink {
            kind: "said_by".into(),
            other_label: "actor".into(),
            other_range: 18..24,
            outgoing: true,
        };
        assert_eq!(d.text().slice(18..24), "Lavrov");
        let applied = d
            .apply(Command::Accept(vec![
                proposal(1..10, "quote", vec![said_by]),
                proposal(18..24, "actor", Vec::new()),
            ]))
            .unwrap();
        let spans = d.annotations().spans();
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[0].text, "Restraint");
        assert_eq!(spans[0].source, crate::model::Source::Rule("quotes".into()));
        let relation = &d.annotations().relations()[0];
        assert_eq!(
            (relation.from, relation.to, relation.kind.as_str()),
            (spans[0].id, spans[1].id, "said_by")
        );
        assert_eq!(applied.focus, Some(spans[1].id));
        d.apply(Command::Undo).unwrap();
        assert!(d.annotations().is_empty(), "one step");
        assert!(d.annotations().relations().is_empty());
    }

    #[test]
    fn accept_adopts_an_existing_span_and_leaves_out_links_to_missing_spans() {
        let mut d = doc("[actor|Lavrov] said “[quote|Restraint]” in Cairo");
        let to_missing = crate::model::ProposedLink {
            kind: "said_by".into(),
            other_label: "actor".into(),
            other_range: 30..35,
            outgoing: true,
        };
        // The quote exists: accepting it again changes nothing.
        let unchanged = d
            .apply(Command::Accept(vec![proposal(
                13..22,
                "quote",
                vec![to_missing],
            )]))
            .unwrap();
        assert!(!unchanged.changed);
        assert_eq!(d.annotations().len(), 2);
        // A link to the existing actor is made once, however often it is accepted.
        let to_lavrov = crate::model::ProposedLink {
            kind: "said_by".into(),
            other_label: "actor".into(),
            other_range: 0..6,
            outgoing: true,
        };
        let quote = || proposal(13..22, "quote", vec![to_lavrov.clone()]);
        d.apply(Command::Accept(vec![quote(), quote()])).unwrap();
        assert_eq!(d.annotations().relations().len(), 1);
        assert!(!d.apply(Command::Accept(vec![quote()])).unwrap().changed);
        let outside = proposal(40..80, "claim", Vec::new());
        assert_eq!(
            d.apply(Command::Accept(vec![outside])),
            Err(CommandError::OutOfRange(40..80))
        );
    }

    #[test]
    fn touched_since_names_the_ranges_each_change_touched() {
        let mut d = doc("[actor|Lavrov] said Libya is a black hole.");
        let other = doc("Lavrov");
        assert_ne!(d.instance(), other.instance());
        let start = d.revision();
        d.apply(Command::Tag {
            char_range: 12..17,
            label: "location".into(),
            attrs: Default::default(),
        })
        .unwrap();
        d.apply(Command::SetStatus(Status::Done)).unwrap();
        d.apply(Command::Retag {
            id: 1,
            label: "location".into(),
        })
        .unwrap();
        assert_eq!(d.touched_since(start), Some(vec![12..17, 0..6]));
        assert_eq!(d.touched_since(d.revision()), Some(vec![]));
        // More changes than the log keeps: too long ago to know.
        let before = d.revision();
        for _ in 0..150 {
            d.apply(Command::Tag {
                char_range: 7..11,
                label: "claim".into(),
                attrs: Default::default(),
            })
            .unwrap();
            d.apply(Command::Undo).unwrap();
        }
        assert_eq!(d.touched_since(before), None);
        let last = d.touched_since(d.revision() - 1).unwrap();
        assert_eq!(last.len(), 1);
        assert_eq!(last[0], 7..11);
        assert_eq!(d.touched_since(d.revision()), Some(vec![]));
    }

    fn with_suggestions(markup: &str, offered: &[(&str, Range<usize>)]) -> Document {
        let mut d = doc(markup);
        d.suggestions = offered
            .iter()
            .map(|(label, range)| {
                let span = Span::new(0, label, range.clone(), d.text());
                crate::model::Suggestion::from_span(span, "ner-v2")
            })
            .collect();
        d
    }

    #[test]
    fn accepting_a_suggestion_adds_its_span_and_marks_it_in_one_undo_step() {
        use crate::model::{Source, SuggestionStatus::*};
        let mut d = with_suggestions(
            "Lavrov met Shoukry in Cairo.",
            &[("actor", 0..6), ("location", 22..27)],
        );
        d.suggestions[0]
            .attrs
            .insert("confidence".into(), "0.93".into());
        let before = d.revision();
        let applied = d
            .apply(Command::Accept(vec![d.suggestions[0].proposal(0)]))
            .unwrap();
        let span = d.annotations().get(applied.focus.unwrap()).unwrap();
        assert_eq!(
            (
                span.text.as_str(),
                &span.source,
                span.attrs["confidence"].as_str()
            ),
            ("Lavrov", &Source::Imported("ner-v2".into()), "0.93")
        );
        assert_eq!(d.suggestions[0].status, Accepted);
        assert_eq!(d.suggestions[1].status, Pending);
        assert!(d.revision() > before, "the document is dirty");
        assert_eq!(d.touched_since(before), Some(vec![0..6, 0..6]));

        d.apply(Command::Undo).unwrap();
        assert!(d.annotations().is_empty(), "the span is gone again");
        assert_eq!(
            d.suggestions[0].status, Pending,
            "and the suggestion pending"
        );
        d.apply(Command::Redo).unwrap();
        assert_eq!(d.annotations().len(), 1);
        assert_eq!(d.suggestions[0].status, Accepted);

        // Accepting again changes nothing; so does rejecting a decided one.
        let again = d.suggestions[0].proposal(0);
        assert!(!d.apply(Command::Accept(vec![again])).unwrap().changed);
        assert!(
            !d.apply(Command::RejectSuggestion { index: 0 })
                .unwrap()
                .changed
        );
    }

    #[test]
    fn rejecting_a_suggestion_is_undoable_and_never_adds_a_span() {
        use crate::model::SuggestionStatus::*;
        let mut d = with_suggestions("Lavrov met Shoukry.", &[("actor", 11..18)]);
        let applied = d.apply(Command::RejectSuggestion { index: 0 }).unwrap();
        assert!(applied.changed);
        assert_eq!(d.suggestions[0].status, Rejected);
        assert!(d.annotations().is_empty());
        assert_eq!(
            d.status,
            Status::InProgress,
            "deciding is work on the article"
        );
        d.apply(Command::Undo).unwrap();
        assert_eq!(d.suggestions[0].status, Pending);
        assert_eq!(
            d.apply(Command::RejectSuggestion { index: 5 }),
            Err(CommandError::UnknownSuggestion(5))
        );
        let mut stale = d.suggestions[0].proposal(0);
        stale.origin = crate::model::Origin::Imported {
            source: "ner-v2".into(),
            index: 9,
        };
        assert_eq!(
            d.apply(Command::Accept(vec![stale])),
            Err(CommandError::UnknownSuggestion(9))
        );
        assert!(d.annotations().is_empty());
        assert!(d.can_redo(), "a refused command leaves the history alone");
    }

    #[test]
    fn accepting_a_suggestion_a_span_already_has_only_records_the_decision() {
        let mut d = with_suggestions("[actor|Lavrov] said", &[("actor", 0..6)]);
        let applied = d
            .apply(Command::Accept(vec![d.suggestions[0].proposal(0)]))
            .unwrap();
        assert!(applied.changed);
        assert_eq!(applied.focus, Some(1));
        assert_eq!(d.annotations().len(), 1);
        assert_eq!(
            d.suggestions[0].status,
            crate::model::SuggestionStatus::Accepted
        );
        d.apply(Command::Undo).unwrap();
        assert_eq!(
            d.suggestions[0].status,
            crate::model::SuggestionStatus::Pending
        );
        assert_eq!(d.annotations().len(), 1, "the span was there before");
    }

    /// `[quote|Restraint] … [quote|is needed] … [quote|now]`, joined as one quote, and a
    /// `said_by` from its first fragment to Lavrov.
    fn discontinuous() -> Document {
        let d = doc("[quote|Restraint], said [actor|Lavrov], [quote|is needed] [quote|now].");
        let mut relations: Vec<Relation> = [3, 4]
            .into_iter()
            .enumerate()
            .map(|(i, to)| Relation {
                id: i as u64 + 1,
                kind: FRAGMENT_KIND.into(),
                from: 1,
                to,
            })
            .collect();
        relations.push(Relation {
            id: 3,
            kind: "said_by".into(),
            from: 1,
            to: 2,
        });
        let annotations =
            Annotations::from_parts(d.annotations().spans().to_vec(), relations).unwrap();
        Document::new(d.text().clone(), ArticleMeta::default(), annotations)
    }

    #[test]
    fn removing_a_first_fragment_promotes_the_next_in_one_undo_step() {
        let mut d = discontinuous();
        let fragments = d.annotations().fragments();
        assert_eq!(fragments.group(4), Some(&[1, 3, 4][..]));
        assert_eq!(fragments.position(3), Some((1, 3)));
        assert!(fragments.is_later(4) && !fragments.is_later(1));
        assert_eq!(fragments.group(2), None, "the speaker is no fragment");
        let before = d.annotations().clone();

        d.apply(Command::Remove { id: 1 }).unwrap();
        let links: Vec<(SpanId, SpanId, &str)> = d
            .annotations()
            .relations()
            .iter()
            .map(|r| (r.from, r.to, r.kind.as_str()))
            .collect();
        assert_eq!(
            links,
            [(3, 4, FRAGMENT_KIND), (3, 2, "said_by")],
            "the next fragment is the first, and the speaker's link moved to it"
        );
        assert_eq!(d.annotations().fragments().group(4), Some(&[3, 4][..]));
        d.apply(Command::Undo).unwrap();
        assert_eq!(
            (d.annotations().spans(), d.annotations().relations()),
            (before.spans(), before.relations()),
            "one step restores ids and links"
        );

        // A later fragment goes alone; the rest stay one span.
        d.apply(Command::Remove { id: 3 }).unwrap();
        assert_eq!(d.annotations().fragments().group(1), Some(&[1, 4][..]));
        // With one fragment left, what remains is a span in one piece.
        d.apply(Command::Remove { id: 1 }).unwrap();
        assert_eq!(d.annotations().fragments().group(4), None);
        assert_eq!(d.annotations().relations()[0].kind, "said_by");
        d.annotations().check_invariants(d.text()).unwrap();
    }

    /// A hand-made chain `1 -> 3 -> 4`: one annotation of three fragments.
    fn chain() -> Document {
        let d = discontinuous();
        let relations = [(1, 3), (3, 4)]
            .into_iter()
            .enumerate()
            .map(|(i, (from, to))| Relation {
                id: i as u64 + 1,
                kind: FRAGMENT_KIND.into(),
                from,
                to,
            })
            .collect();
        let annotations =
            Annotations::from_parts(d.annotations().spans().to_vec(), relations).unwrap();
        Document::new(d.text().clone(), ArticleMeta::default(), annotations)
    }

    #[test]
    fn removing_the_fragment_a_chain_runs_through_keeps_the_rest_one_span() {
        let mut d = chain();
        assert_eq!(d.annotations().fragments().group(4), Some(&[1, 3, 4][..]));
        d.apply(Command::Remove { id: 3 }).unwrap();
        assert_eq!(d.annotations().fragments().group(4), Some(&[1, 4][..]));
        let links: Vec<(SpanId, SpanId)> = d
            .annotations()
            .relations()
            .iter()
            .map(|r| (r.from, r.to))
            .collect();
        assert_eq!(links, [(1, 4)], "the first is joined to what 3 joined");
        d.apply(Command::Undo).unwrap();
        let before = chain();
        assert_eq!(
            (d.annotations().spans(), d.annotations().relations()),
            (
                before.annotations().spans(),
                before.annotations().relations()
            )
        );

        // The first of a chain hands its place to the next; 3 -> 4 is there already.
        d.apply(Command::Remove { id: 1 }).unwrap();
        assert_eq!(d.annotations().fragments().group(4), Some(&[3, 4][..]));
        assert_eq!(d.annotations().relations().len(), 1);
    }

    /// `[location|Cairo] said [actor|Lavrov] [claim|Libya is a black hole]`, the claim
    /// linked to Lavrov, and conflicts on Cairo (retagged and noted on theirs), on the
    /// claim (deleted on theirs) and on Lavrov (deleted on ours, so the list holds
    /// theirs).
    fn conflicted() -> Document {
        let d = doc("[location|Cairo] said [actor|Lavrov] [claim|Libya is a black hole]");
        let relation = Relation {
            id: 1,
            kind: "said_by".into(),
            from: 3,
            to: 2,
        };
        let annotations =
            Annotations::from_parts(d.annotations().spans().to_vec(), vec![relation]).unwrap();
        let mut d = Document::new(d.text().clone(), ArticleMeta::default(), annotations);
        let span = |id| d.annotations().get(id).unwrap().clone();
        let mut cairo_theirs = span(1);
        cairo_theirs.label = "actor".into();
        cairo_theirs.note = "the government".into();
        cairo_theirs.attrs.insert("role".into(), "capital".into());
        let mut claim_ours = span(3);
        claim_ours.attrs.insert("verdict".into(), "false".into());
        d.conflicts = vec![
            Conflict {
                span: 1,
                ours: Some(span(1)),
                theirs: Some(cairo_theirs),
            },
            Conflict {
                span: 3,
                ours: Some(claim_ours),
                theirs: None,
            },
            Conflict {
                span: 2,
                ours: None,
                theirs: Some(span(2)),
            },
        ];
        d
    }

    /// The annotations and the conflicts, to compare a document before and after.
    fn state(d: &Document) -> (Vec<Span>, Vec<Relation>, Vec<Conflict>) {
        (
            d.annotations().spans().to_vec(),
            d.annotations().relations().to_vec(),
            d.conflicts.clone(),
        )
    }

    #[test]
    fn two_records_for_one_span_are_decided_in_turn_and_a_removal_decides_both() {
        let mut d = conflicted();
        let mut older = d.conflicts[0].clone();
        older.theirs.as_mut().unwrap().note = "an earlier merge's".into();
        d.conflicts.push(older);
        d.apply(Command::ResolveConflict {
            span: 1,
            side: Side::Theirs,
        })
        .unwrap();
        assert_eq!(d.annotations().get(1).unwrap().note, "the government");
        assert_eq!(d.conflicts.iter().filter(|c| c.span == 1).count(), 1);
        d.apply(Command::ResolveConflict {
            span: 1,
            side: Side::Theirs,
        })
        .unwrap();
        assert_eq!(d.annotations().get(1).unwrap().note, "an earlier merge's");
        assert!(d.conflicts.iter().all(|c| c.span != 1));

        let mut d = conflicted();
        d.conflicts.push(d.conflicts[0].clone());
        let before = state(&d);
        d.apply(Command::Remove { id: 1 }).unwrap();
        assert!(d.conflicts.iter().all(|c| c.span != 1));
        d.apply(Command::Undo).unwrap();
        assert_eq!(state(&d), before, "undo brings both records back, in place");
    }

    #[test]
    fn resolving_a_conflict_takes_that_version_in_one_undo_step() {
        let mut d = conflicted();
        let before = state(&d);
        let applied = d
            .apply(Command::ResolveConflict {
                span: 1,
                side: Side::Theirs,
            })
            .unwrap();
        assert_eq!((applied.focus, applied.changed), (Some(1), true));
        let cairo = d.annotations().get(1).unwrap();
        assert_eq!(
            (
                cairo.label.as_str(),
                cairo.note.as_str(),
                cairo.attrs["role"].as_str()
            ),
            ("actor", "the government", "capital")
        );
        assert_eq!(
            (cairo.text.as_str(), cairo.anchor),
            ("Cairo", Anchor::Exact)
        );
        assert_eq!(
            d.conflicts.iter().map(|c| c.span).collect::<Vec<_>>(),
            [3, 2],
            "only its record goes"
        );
        assert_eq!(d.annotations().relations().len(), 1);
        d.annotations().check_invariants(d.text()).unwrap();

        // The claim (middle record) by ours: the attribute ours set arrives.
        d.apply(Command::ResolveConflict {
            span: 3,
            side: Side::Ours,
        })
        .unwrap();
        assert_eq!(d.annotations().get(3).unwrap().attrs["verdict"], "false");
        assert_eq!(d.annotations().relations().len(), 1, "the link stays");
        let resolved = state(&d);

        d.apply(Command::Undo).unwrap();
        let undone = state(&d);
        assert_eq!(
            undone.2.iter().map(|c| c.span).collect::<Vec<_>>(),
            [3, 2],
            "the record is back at its place"
        );
        d.apply(Command::Undo).unwrap();
        assert_eq!(state(&d), before, "undo restores spans, links and records");
        assert_eq!(d.apply(Command::Undo), Err(CommandError::NothingToUndo));
        d.apply(Command::Redo).unwrap();
        assert_eq!(state(&d), undone);
        d.apply(Command::Redo).unwrap();
        assert_eq!(state(&d), resolved);
    }

    #[test]
    fn a_side_that_deleted_the_span_removes_it_with_its_links_and_undo_restores_all() {
        let mut d = conflicted();
        let before = state(&d);
        // Theirs deleted the claim: taking theirs removes it and its said_by link.
        let applied = d
            .apply(Command::ResolveConflict {
                span: 3,
                side: Side::Theirs,
            })
            .unwrap();
        assert_eq!(applied.focus, None);
        assert!(d.annotations().get(3).is_none());
        assert!(d.annotations().relations().is_empty());
        assert_eq!(d.conflicts.len(), 2);
        d.apply(Command::Undo).unwrap();
        assert_eq!(state(&d), before);

        // Ours deleted Lavrov (the list holds theirs): keeping ours removes it, and the
        // claim's link to it.
        d.apply(Command::ResolveConflict {
            span: 2,
            side: Side::Ours,
        })
        .unwrap();
        assert!(d.annotations().get(2).is_none());
        assert!(d.annotations().relations().is_empty());
        // Taking theirs of the other one keeps it as the list has it: only the record goes.
        let revision = d.revision();
        d.apply(Command::Undo).unwrap();
        d.apply(Command::ResolveConflict {
            span: 2,
            side: Side::Theirs,
        })
        .unwrap();
        assert!(d.revision() > revision);
        assert_eq!(d.annotations().spans(), &before.0[..], "no span changed");
        assert_eq!(d.conflicts.len(), 2);
        d.apply(Command::Undo).unwrap();
        assert_eq!(state(&d), before, "one step: the record comes back");
    }

    #[test]
    fn a_version_whose_text_is_not_at_its_range_is_kept_orphaned_never_moved() {
        let mut d = conflicted();
        // Theirs of Cairo says "Lavrov" at Cairo's range: nothing holds it there, and the
        // "Lavrov" elsewhere in the text is not where it was put.
        let mut misplaced = d.conflicts[0].theirs.clone().unwrap();
        misplaced.text = "Lavrov".into();
        d.conflicts[0].theirs = Some(misplaced.clone());
        // Ours of the claim ends past the text.
        let mut outside = d.conflicts[1].ours.clone().unwrap();
        outside.end = 500;
        d.conflicts[1].ours = Some(outside.clone());
        for (span, side) in [(1, Side::Theirs), (3, Side::Ours)] {
            d.apply(Command::ResolveConflict { span, side }).unwrap();
        }
        let cairo = d.annotations().get(1).unwrap();
        assert_eq!(
            (cairo.anchor, cairo.start, cairo.end, cairo.text.as_str()),
            (Anchor::Orphaned, misplaced.start, misplaced.end, "Lavrov")
        );
        let claim = d.annotations().get(3).unwrap();
        assert_eq!((claim.anchor, claim.end), (Anchor::Orphaned, 500));
        assert_eq!(d.annotations().orphan_count(), 2);
        d.annotations().check_invariants(d.text()).unwrap();
        // An orphaned version stays one even where its text happens to be.
        d.apply(Command::Undo).unwrap();
        d.apply(Command::Undo).unwrap();
        let mut orphan = d.conflicts[0].ours.clone().unwrap();
        orphan.anchor = Anchor::Orphaned;
        d.conflicts[0].ours = Some(orphan);
        d.apply(Command::ResolveConflict {
            span: 1,
            side: Side::Ours,
        })
        .unwrap();
        assert!(d.annotations().get(1).unwrap().is_orphaned());
    }

    #[test]
    fn resolving_without_a_conflict_is_an_error_and_removing_a_span_drops_its_record() {
        let mut d = conflicted();
        d.apply(Command::ResolveConflict {
            span: 1,
            side: Side::Ours,
        })
        .unwrap();
        d.apply(Command::Undo).unwrap();
        assert!(d.can_redo());
        for span in [1, 99] {
            d.conflicts.retain(|c| c.span != 1);
            assert_eq!(
                d.apply(Command::ResolveConflict {
                    span,
                    side: Side::Theirs
                }),
                Err(CommandError::UnknownConflict(span))
            );
        }
        assert!(d.can_redo(), "a refused command leaves the history alone");

        let mut d = conflicted();
        let before = state(&d);
        d.apply(Command::Remove { id: 3 }).unwrap();
        assert_eq!(
            d.conflicts.iter().map(|c| c.span).collect::<Vec<_>>(),
            [1, 2]
        );
        d.apply(Command::Undo).unwrap();
        assert_eq!(state(&d), before);
        // A record whose span is gone (set by hand) is still decided: a version comes
        // back as a span, a deletion only drops the record.
        d.apply(Command::Remove { id: 2 }).unwrap();
        d.conflicts = conflicted().conflicts;
        d.apply(Command::ResolveConflict {
            span: 2,
            side: Side::Theirs,
        })
        .unwrap();
        assert_eq!(d.annotations().get(2).unwrap().text, "Lavrov");
        d.apply(Command::Remove { id: 3 }).unwrap();
        d.conflicts = conflicted().conflicts;
        d.apply(Command::ResolveConflict {
            span: 3,
            side: Side::Theirs,
        })
        .unwrap();
        assert!(d.annotations().get(3).is_none());
        assert_eq!(d.conflicts.len(), 2);
    }
}
