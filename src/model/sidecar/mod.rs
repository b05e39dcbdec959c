//! The sidecar format (docs/FORMATS.md section 2): RON text to and from a [`Document`].
//!
//! Version 2 adds `next_id` (ids once handed out are never handed out again, even after
//! the span that had the highest one is deleted) and, per span, `attrs` and `entity`,
//! written only when set. Version 1 reads as before and is written as version 2 on the
//! next save; an older spantag opens a version 2 sidecar read-only.
//!
//! Version 3 adds `suggestions`, a model's offered spans and the analyst's decision on
//! each ([`Suggestion`]), after `relations`. It is written only when an article has
//! suggestions, and only then is the sidecar version 3: every other sidecar stays version
//! 2, byte for byte. The bump is what keeps the suggestions safe: serde skips a field it
//! does not know, so a version 2 spantag would read such a sidecar, drop the suggestions
//! and the decisions on them, and write it back without them on its next save; it opens a
//! version 3 sidecar read-only instead.
//!
//! Version 5 adds two records after `article`, each written only when it has something to
//! say: `source`, how the text of a web page, PDF, Word file, e-mail or Markdown file was
//! extracted ([`SourceRecord`]), and `citation`, the article's title, byline, outlet,
//! published date and URL (only the known fields). Only a sidecar with one of them is
//! version 5; a version 4 spantag would drop them on its next save, so it opens a version
//! 5 sidecar read-only. For an extracted article the offsets count chars of the extracted
//! text, and "the article changed" means that text's hash differs from `source.text_sha256`
//! (the file's bytes may change without the text changing, and a newer extractor may give
//! other text from the same bytes): then the spans are re-anchored as for any change.
//!
//! Writing is done by hand rather than by a RON pretty-printer so that the layout is
//! exactly the documented one, one span per line, and the same annotations always produce
//! the same bytes (small git diffs and merges). Reading goes through `ron` and serde, and
//! every error carries the line and column where it was found.

use serde::Deserialize;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;

mod canonical;

use super::{
    Anchor, Annotations, ArticleMeta, Citation, Conflict, Document, Extraction, IdProblem,
    NewlineStyle, Relation, Side, Source, Span, SpanId, Status, Suggestion, SuggestionProblem,
    Text, MAX_ID,
};
use crate::anchor;
use crate::model::suggestion::short;

/// The newest sidecar version this build reads and writes (5: with a `source` or a
/// `citation` record).
pub const VERSION: u32 = 5;

/// The version written for a sidecar with merge conflicts and neither a `source` nor a
/// `citation` record.
pub const VERSION_WITH_CONFLICTS: u32 = 4;

/// The version written for a sidecar with suggestions and no conflicts.
pub const VERSION_WITH_SUGGESTIONS: u32 = 3;

/// The version written for a sidecar without suggestions or conflicts.
pub const VERSION_WITHOUT_SUGGESTIONS: u32 = 2;

/// The suffix appended to an article's file name to name its sidecar.
pub const SUFFIX: &str = ".ann.ron";

/// Sidecars larger than this (256 MB, over a million spans) are refused: a hostile or
/// broken file must not exhaust memory.
pub const MAX_SIDECAR_BYTES: usize = 256 * 1024 * 1024;

/// The deepest nesting a sidecar may have. The format itself nests four deep; a hostile
/// file nested deeper is refused instead of exhausting the stack.
pub const MAX_NESTING: usize = 16;

/// The `article` record of a sidecar.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ArticleRecord {
    pub file: String,
    pub sha256: String,
    pub chars: usize,
    pub encoding: String,
    pub newline: String,
}

/// The `source` record of a sidecar (version 5): how an extracted article's text was made.
/// Written one line, `pages` only when there are any.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SourceRecord {
    /// The source kind's key (`html`, `pdf`, ...).
    pub kind: String,
    /// The extractor and its version.
    pub extractor: String,
    /// Hex SHA-256 of the extracted text's UTF-8 bytes.
    pub text_sha256: String,
    /// For a PDF, the char offset where each page after the first starts.
    #[serde(default)]
    pub pages: Vec<usize>,
}

impl SourceRecord {
    pub fn of(extraction: &Extraction) -> Self {
        SourceRecord {
            kind: extraction.kind.key().into(),
            extractor: extraction.extractor.clone(),
            text_sha256: extraction.text_sha256.clone(),
            pages: extraction.page_starts.clone(),
        }
    }
}

/// Reads a record written without `Some(…)` as present: a missing one is `None` through
/// `#[serde(default)]`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// A parsed sidecar, not yet checked against its article.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Sidecar {
    pub format: String,
    pub version: u32,
    pub article: ArticleRecord,
    /// How the text was extracted (version 5; written only for an extracted article).
    #[serde(default, deserialize_with = "present")]
    pub source: Option<SourceRecord>,
    /// The article's citation (version 5; written only when a field is known).
    #[serde(default, deserialize_with = "present")]
    pub citation: Option<Citation>,
    #[serde(default)]
    pub annotator: Option<String>,
    #[serde(default)]
    pub status: Status,
    /// The next ids to hand out (version 2; zeros in a version 1 sidecar, which has none).
    #[serde(default)]
    pub next_id: NextIds,
    #[serde(default)]
    pub spans: Vec<Span>,
    #[serde(default)]
    pub relations: Vec<Relation>,
    /// A model's suggestions and the decisions on them (version 3; written only when
    /// there are any), in the order they were added: an index names one for good.
    #[serde(default)]
    pub suggestions: Vec<Suggestion>,
    /// Spans a merge found changed differently on two branches, each with both versions
    /// (version 4; written only when there are any).
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
}

/// The sidecar's `next_id` record: above every span and relation id ever used in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct NextIds {
    pub span: SpanId,
    pub relation: u64,
}

/// Just enough of a sidecar to know whether this build may read the rest.
#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
}

/// Why a sidecar could not be read. Positions are 1-based.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SidecarError {
    #[error("line {line}, column {col}: {message}")]
    Syntax {
        line: usize,
        col: usize,
        message: String,
    },
    #[error("format is \"{0}\", not \"spantag\"")]
    NotSpantag(String),
    #[error("version {0} is newer than this spantag reads ({VERSION}); update spantag")]
    TooNew(u32),
    #[error("{size} bytes is larger than the {max} MB a sidecar may have", size = .0, max = MAX_SIDECAR_BYTES >> 20)]
    TooLarge(usize),
    #[error(transparent)]
    BadId(#[from] super::IdError),
}

/// What loading found, without losing any span: how the spans were re-anchored if the
/// article changed, and what was wrong in the sidecar itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// The article's text differs from the one the sidecar was written for: its bytes
    /// differ, or for an extracted article the extracted text's hash does.
    pub article_changed: bool,
    /// The article changed because another extractor made its text: `(then, now)`.
    pub extractor_changed: Option<(String, String)>,
    /// Where each span was found (see [`crate::anchor`]).
    pub anchoring: anchor::Outcome,
    /// Flaws in the sidecar, each repaired in memory as its message says. A suggestion
    /// whose text is not at its range is one ([`Flaw::SuggestionOrphaned`]).
    pub flaws: Vec<Flaw>,
    /// The suggestions (by number, from 1) found at a new position after the article
    /// changed.
    pub suggestions_moved: Vec<usize>,
}

impl LoadReport {
    /// Whether loading changed anything that the sidecar on disk does not say.
    pub fn changed_anything(&self) -> bool {
        self.anchoring.changed_anything()
            || !self.flaws.is_empty()
            || !self.suggestions_moved.is_empty()
    }

    /// One or two sentences for the analyst, or `None` when there is nothing to say.
    pub fn summary(&self) -> Option<String> {
        let a = &self.anchoring;
        let mut parts = Vec::new();
        if self.article_changed || a.changed_anything() {
            let extracted;
            let opening = match &self.extractor_changed {
                Some((then, now)) if self.article_changed => {
                    extracted = format!(
                        "The article's text was extracted differently since it was annotated \
                         ({then} then, {now} now)"
                    );
                    &extracted
                }
                _ if self.article_changed => "The article changed since it was annotated",
                _ => "Some spans were not at their stored position",
            };
            let mut counts = format!("{} held, {} moved", a.held, a.moved.len());
            if !a.orphaned.is_empty() {
                counts += &format!(
                    ", {} orphaned (kept, listed under \"Needs review\")",
                    a.orphaned.len()
                );
            }
            parts.push(format!("{opening}: {counts}."));
        }
        match self.suggestions_moved.len() {
            0 => {}
            1 => parts.push("1 suggestion was found at a new position.".into()),
            n => parts.push(format!("{n} suggestions were found at new positions.")),
        }
        match self.flaws.as_slice() {
            [] => {}
            [one] => parts.push(format!("The sidecar had a flaw, repaired here: {one}.")),
            [first, rest @ ..] => parts.push(format!(
                "The sidecar had {} flaws, repaired here (spantag validate lists them): {first}; …",
                rest.len() + 1
            )),
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// Something wrong inside a sidecar that loading worked around rather than refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Flaw {
    #[error("span {id}: range {start}..{end} is outside the article ({chars} chars)")]
    OutOfRange {
        id: SpanId,
        start: usize,
        end: usize,
        chars: usize,
    },
    #[error("span {id}: start {start} is not before end {end}")]
    StartNotBeforeEnd {
        id: SpanId,
        start: usize,
        end: usize,
    },
    #[error("span id {id} {problem}; that span is now span {new_id}")]
    SpanRenumbered {
        id: SpanId,
        new_id: SpanId,
        problem: IdProblem,
    },
    #[error("relation id {id} {problem}; that relation is now relation {new_id}")]
    RelationRenumbered {
        id: u64,
        new_id: u64,
        problem: IdProblem,
    },
    #[error("next_id (span {span}, relation {relation}) is not above every id; raised to span {new_span}, relation {new_relation}")]
    NextIdTooLow {
        span: SpanId,
        relation: u64,
        new_span: SpanId,
        new_relation: u64,
    },
    #[error(
        "relation {id} ({kind}) links span {from} to span {to}, which does not exist; left out"
    )]
    DanglingRelation {
        id: u64,
        kind: String,
        from: SpanId,
        to: SpanId,
    },
    /// A suggestion that cannot be offered: kept as written, marked `Orphaned`.
    #[error(
        "suggestion {number} ({} {:?} at {start}..{end}, from {}): {problem}; kept, marked \
         Orphaned, not offered",
        short(.label),
        short(.text),
        short(.model)
    )]
    SuggestionOrphaned {
        /// Its place in the sidecar's `suggestions` list, from 1.
        number: usize,
        label: String,
        text: String,
        start: usize,
        end: usize,
        /// The suggestion's source (the model).
        model: String,
        problem: SuggestionProblem,
    },
    /// A conflict record whose span is not in the span list: its ours version (else
    /// theirs) is put back as that span, so neither version is lost; with an id too large
    /// to keep, the record is left out.
    #[error("conflict {number}: span {span} is not in the span list; {}", put_back(.restored))]
    ConflictSpanMissing {
        /// Its place in the sidecar's `conflicts` list, from 1.
        number: usize,
        span: SpanId,
        /// The version put back in the span list.
        restored: Option<Side>,
    },
    /// A version whose id is not its record's span: read as that span's.
    #[error(
        "conflict {number} (span {span}): its {side} version has id {id}; read as span {span}'s"
    )]
    ConflictVersionId {
        number: usize,
        span: SpanId,
        side: Side,
        id: SpanId,
    },
    #[error(
        "conflict {number} (span {span}) has neither version; left out, the span kept as listed"
    )]
    ConflictWithoutVersion { number: usize, span: SpanId },
}

/// The end of [`Flaw::ConflictSpanMissing`]'s message.
fn put_back(restored: &Option<Side>) -> String {
    match restored {
        Some(side) => format!("its {side} version is put back as that span"),
        None => "left out (its id is too large to keep)".into(),
    }
}

/// Gives every id that is too large, or that an earlier item already uses, a fresh one
/// above all the ids kept. Returns `(old, new, why)` for each.
fn renumber(mut ids: Vec<&mut u64>) -> Vec<(u64, u64, IdProblem)> {
    let mut next = ids
        .iter()
        .map(|id| **id)
        .filter(|&id| id <= MAX_ID)
        .max()
        .unwrap_or(0);
    let mut seen = HashSet::new();
    let mut renumbered = Vec::new();
    for id in ids.iter_mut() {
        let problem = if **id > MAX_ID {
            IdProblem::TooLarge
        } else if !seen.insert(**id) {
            IdProblem::UsedTwice
        } else {
            continue;
        };
        next += 1;
        renumbered.push((**id, next, problem));
        **id = next;
    }
    renumbered
}

impl Flaw {
    /// The suggestion the flaw is about, by its number in the `suggestions` list (from 1):
    /// [`suggestion_position`] finds its line and column in the sidecar.
    pub fn suggestion_number(&self) -> Option<usize> {
        match self {
            Flaw::SuggestionOrphaned { number, .. } => Some(*number),
            _ => None,
        }
    }

    /// The conflict record the flaw is about, by its number in the `conflicts` list (from
    /// 1): [`conflict_position`] finds its line and column in the sidecar.
    pub fn conflict_number(&self) -> Option<usize> {
        match self {
            Flaw::ConflictSpanMissing { number, .. }
            | Flaw::ConflictVersionId { number, .. }
            | Flaw::ConflictWithoutVersion { number, .. } => Some(*number),
            _ => None,
        }
    }

    /// The span the flaw is about, if one.
    pub fn span_id(&self) -> Option<SpanId> {
        match self {
            Flaw::OutOfRange { id, .. }
            | Flaw::StartNotBeforeEnd { id, .. }
            | Flaw::SpanRenumbered { new_id: id, .. } => Some(*id),
            _ => None,
        }
    }
}

/// Parses sidecar text: the canonical layout by the fast reader, anything else by `ron`.
pub fn decode(source: &str) -> Result<Sidecar, SidecarError> {
    if let Some(sidecar) = canonical::parse(source) {
        return Ok(sidecar);
    }
    let syntax = |e: ron::error::SpannedError| SidecarError::Syntax {
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    };
    if source.len() > MAX_SIDECAR_BYTES {
        return Err(SidecarError::TooLarge(source.len()));
    }
    let ron = ron::Options::default().with_recursion_limit(MAX_NESTING);
    let full: Result<Sidecar, _> = ron.from_str(source);
    // The header decides first: a newer version or another format is reported as such,
    // even when the rest does not parse with this version's shape.
    let header = match &full {
        Ok(sidecar) => Header {
            format: sidecar.format.clone(),
            version: sidecar.version,
        },
        Err(_) => ron.from_str::<Header>(source).map_err(syntax)?,
    };
    if header.format != "spantag" {
        return Err(SidecarError::NotSpantag(header.format));
    }
    if header.version > VERSION {
        return Err(SidecarError::TooNew(header.version));
    }
    full.map_err(syntax)
}

/// Joins a parsed sidecar to the current article text.
///
/// Every span not already orphaned is re-anchored ([`anchor::reanchor`]): one whose stored
/// position no longer holds its text is looked for, moved if found with confidence, else
/// marked [`Anchor::Orphaned`]; never dropped, never moved onto other text. Flaws in the
/// sidecar (ids used twice, relations to missing spans, impossible ranges) are repaired in
/// memory and listed in the report, so the sound part opens and the rest is flagged.
pub fn attach(
    text: Text,
    meta: ArticleMeta,
    sidecar: Sidecar,
) -> Result<(Document, LoadReport), SidecarError> {
    attach_after_change(text, meta, sidecar, None)
}

/// As [`attach`], when the text the sidecar was made on is known (the article changed
/// while it was open): the re-anchoring diff then maps the whole text.
pub fn attach_after_change(
    text: Text,
    meta: ArticleMeta,
    sidecar: Sidecar,
    previous: Option<&Text>,
) -> Result<(Document, LoadReport), SidecarError> {
    let mut flaws = Vec::new();
    let mut spans = sidecar.spans;
    let mut relations = sidecar.relations;
    let mut conflicts = sidecar.conflicts;
    for span in &spans {
        let (id, start, end) = (span.id, span.start, span.end);
        if start >= end {
            flaws.push(Flaw::StartNotBeforeEnd { id, start, end });
        } else if end > text.len_chars() && !span.is_orphaned() {
            let chars = text.len_chars();
            flaws.push(Flaw::OutOfRange {
                id,
                start,
                end,
                chars,
            });
        }
    }
    // The largest ids as written: a next_id not above them is a flaw (ids renumbered
    // below are new, and above it by construction).
    let written_max = |ids: &mut dyn Iterator<Item = u64>| ids.filter(|&id| id <= MAX_ID).max();
    let max_span = written_max(&mut spans.iter().map(|s| s.id));
    let max_relation = written_max(&mut relations.iter().map(|r| r.id));
    let span_ids = spans.iter_mut().map(|s| &mut s.id).collect();
    for (id, new_id, problem) in renumber(span_ids) {
        // A too-large id was the only one: its links follow it. A twice-used one's links
        // stay with the first span that had it.
        if problem == IdProblem::TooLarge {
            for r in &mut relations {
                for end in [&mut r.from, &mut r.to] {
                    if *end == id {
                        *end = new_id;
                    }
                }
            }
            for c in conflicts.iter_mut().filter(|c| c.span == id) {
                c.span = new_id;
                for version in [&mut c.ours, &mut c.theirs].into_iter().flatten() {
                    if version.id == id {
                        version.id = new_id;
                    }
                }
            }
        }
        flaws.push(Flaw::SpanRenumbered {
            id,
            new_id,
            problem,
        });
    }
    let relation_ids = relations.iter_mut().map(|r| &mut r.id).collect();
    for (id, new_id, problem) in renumber(relation_ids) {
        flaws.push(Flaw::RelationRenumbered {
            id,
            new_id,
            problem,
        });
    }
    let seen: HashSet<SpanId> = spans.iter().map(|s| s.id).collect();
    relations.retain(|r| {
        let sound = seen.contains(&r.from) && seen.contains(&r.to);
        if !sound {
            flaws.push(Flaw::DanglingRelation {
                id: r.id,
                kind: r.kind.clone(),
                from: r.from,
                to: r.to,
            });
        }
        sound
    });
    check_conflicts(&mut conflicts, &mut spans, &mut flaws);
    // An extracted article changed when its text did, whatever its bytes did.
    let (article_changed, extractor_changed) = match (&meta.extraction, &sidecar.source) {
        (Some(now), Some(then)) => {
            let changed = now.text_sha256 != then.text_sha256;
            let extractor = (changed && now.extractor != then.extractor)
                .then(|| (then.extractor.clone(), now.extractor.clone()));
            (changed, extractor)
        }
        _ => (
            !sidecar.article.sha256.is_empty() && sidecar.article.sha256 != meta.sha256,
            None,
        ),
    };
    let mut suggestions = sidecar.suggestions;
    let suggestions_moved = place_suggestions(
        &mut suggestions,
        &text,
        previous,
        article_changed,
        &mut flaws,
    );
    let mut report = LoadReport {
        article_changed,
        extractor_changed,
        anchoring: anchor::reanchor(&mut spans, &text, previous),
        flaws,
        suggestions_moved,
    };
    if article_changed {
        // Both versions of a conflict are found again as the spans are, so the one the
        // analyst takes is where its text now is.
        for side in [Side::Ours, Side::Theirs] {
            let mut versions: Vec<Span> = conflicts
                .iter()
                .filter_map(|c| c.version(side).cloned())
                .collect();
            anchor::reanchor(&mut versions, &text, previous);
            let slots = conflicts.iter_mut().filter_map(|c| c.version_mut(side));
            for (slot, placed) in slots.zip(versions) {
                *slot = placed;
            }
        }
    }
    let mut annotations = Annotations::from_parts(spans, relations)?;
    let next = sidecar.next_id;
    let too_low = |next: u64, max: Option<u64>| max.is_some_and(|max| next <= max);
    if sidecar.version >= 2
        && (too_low(next.span, max_span) || too_low(next.relation, max_relation))
    {
        let (new_span, new_relation) = annotations.next_ids();
        report.flaws.push(Flaw::NextIdTooLow {
            span: next.span,
            relation: next.relation,
            new_span: new_span.max(next.span),
            new_relation: new_relation.max(next.relation),
        });
    }
    annotations.raise_next_ids(next.span.min(MAX_ID + 1), next.relation.min(MAX_ID + 1));
    let mut document = Document::new(text, meta, annotations);
    document.annotator = sidecar.annotator;
    document.status = sidecar.status;
    document.suggestions = suggestions;
    document.conflicts = conflicts;
    document.citation = sidecar.citation.unwrap_or_default();
    Ok((document, report))
}

/// Checks the conflict records against the span list, repairing what it can without
/// losing a version: each record names a span of the list (else one of its versions is
/// put back as that span), with versions of that id (a version with another id is read
/// as the span's), and keeps at least one version (one with neither says nothing the span
/// list does not, and is left out). A span may have two records (an unresolved conflict
/// carried through a merge that found a new one): both are kept and decided in turn.
fn check_conflicts(conflicts: &mut Vec<Conflict>, spans: &mut Vec<Span>, flaws: &mut Vec<Flaw>) {
    if conflicts.is_empty() {
        return;
    }
    let mut listed: HashSet<SpanId> = spans.iter().map(|s| s.id).collect();
    let mut number = 0;
    conflicts.retain_mut(|c| {
        number += 1;
        let span = c.span;
        for (side, version) in [(Side::Ours, &mut c.ours), (Side::Theirs, &mut c.theirs)] {
            if let Some(version) = version.as_mut().filter(|v| v.id != span) {
                flaws.push(Flaw::ConflictVersionId {
                    number,
                    span,
                    side,
                    id: version.id,
                });
                version.id = span;
            }
        }
        if c.ours.is_none() && c.theirs.is_none() {
            flaws.push(Flaw::ConflictWithoutVersion { number, span });
            return false;
        }
        if listed.contains(&span) {
            return true;
        }
        let restored = [Side::Ours, Side::Theirs]
            .into_iter()
            .find_map(|side| Some((side, c.version(side)?.clone())))
            .filter(|_| span <= MAX_ID);
        flaws.push(Flaw::ConflictSpanMissing {
            number,
            span,
            restored: restored.as_ref().map(|(side, _)| *side),
        });
        match restored {
            Some((_, version)) => {
                listed.insert(span);
                spans.push(version);
                true
            }
            None => false,
        }
    });
}

/// Checks each suggestion not already orphaned against the article, and places the
/// ones the article's change moved. A suggestion stores no context of its own, so:
///
/// - the article unchanged: one whose text is not at its range is a flaw in the sidecar;
/// - changed, and the text the suggestions were made on (`previous`) known: each that held
///   there is re-anchored as a span is ([`anchor::reanchor`], its context taken from that
///   text): held, moved, or not found;
/// - changed, the previous text unknown: a pending one is placed where its words occur
///   once in the article, and not found where they occur never or more than once (it
///   cannot tell those places apart); a decided one (a record, never offered) stays where
///   its text still is.
///
/// One not found is marked orphaned: kept as written, never offered, never moved onto
/// other text, and reported as a flaw. Returns the numbers (from 1) of those moved.
fn place_suggestions(
    suggestions: &mut [Suggestion],
    text: &Text,
    previous: Option<&Text>,
    article_changed: bool,
    flaws: &mut Vec<Flaw>,
) -> Vec<usize> {
    // What keeps each from being offered; `None` once placed.
    let mut problems: Vec<Option<SuggestionProblem>> = suggestions
        .iter()
        .map(|s| (!s.is_orphaned()).then(|| s.problem_in(text)).flatten())
        .collect();
    let mut moved = Vec::new();
    let mut place = |suggestion: &mut Suggestion, i: usize, start: usize| {
        if start != suggestion.start {
            suggestion.end = start + (suggestion.end - suggestion.start);
            suggestion.start = start;
            suggestion.anchor = Anchor::Moved;
            moved.push(i + 1);
        }
    };
    let names_sound = |s: &Suggestion| {
        !matches!(
            s.problem_in(text),
            Some(SuggestionProblem::BadLabel | SuggestionProblem::BadSource)
        )
    };
    match (article_changed, previous) {
        (_, Some(previous)) => {
            let mut placed: Vec<Span> = suggestions
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.is_orphaned() && names_sound(s))
                .filter(|(_, s)| s.problem_in(previous).is_none())
                .map(|(i, s)| Span::new(i as SpanId, &s.label, s.char_range(), previous))
                .collect();
            let outcome = anchor::reanchor(&mut placed, text, Some(previous));
            for span in &placed {
                let i = span.id as usize;
                problems[i] = outcome
                    .orphaned
                    .contains(&span.id)
                    .then_some(SuggestionProblem::NotFound);
                if problems[i].is_none() {
                    place(&mut suggestions[i], i, span.start);
                }
            }
        }
        (true, None) => {
            // Each distinct text is looked for once, up to its second occurrence.
            let mut found: std::collections::HashMap<String, Option<usize>> = Default::default();
            for (i, s) in suggestions.iter_mut().enumerate() {
                let pending = s.status == super::SuggestionStatus::Pending;
                if s.is_orphaned() || !pending || !names_sound(s) || s.text.is_empty() {
                    continue;
                }
                let unique = *found.entry(s.text.clone()).or_insert_with(|| {
                    let mut at = anchor::occurrences_of(text.as_str(), &s.text);
                    match (at.next(), at.next()) {
                        (Some(byte), None) => Some(text.char_from_byte(byte)),
                        _ => None,
                    }
                });
                match unique {
                    // The range keeps its length in chars: the text is the same.
                    Some(start) if s.end.checked_sub(s.start) == Some(s.text.chars().count()) => {
                        problems[i] = None;
                        place(s, i, start);
                    }
                    _ => problems[i] = Some(SuggestionProblem::NotFound),
                }
            }
        }
        (false, None) => {}
    }
    for (i, problem) in problems.into_iter().enumerate() {
        let Some(problem) = problem else { continue };
        let s = &mut suggestions[i];
        s.anchor = Anchor::Orphaned;
        flaws.push(Flaw::SuggestionOrphaned {
            number: i + 1,
            label: s.label.clone(),
            text: s.text.clone(),
            start: s.start,
            end: s.end,
            model: s.source.clone(),
            problem,
        });
    }
    moved
}

/// The sidecar text for a document, in the canonical layout.
pub fn encode(document: &Document) -> String {
    Snapshot::of(document).encode()
}

/// What a document's sidecar holds, taken in O(1): the span and relation lists are
/// shared with the document (copy-on-write), so a save can be encoded on another thread
/// while the analyst goes on tagging.
#[derive(Clone, Debug)]
pub struct Snapshot {
    meta: ArticleMeta,
    chars: usize,
    newline: NewlineStyle,
    citation: Citation,
    annotator: Option<String>,
    status: Status,
    next_ids: (SpanId, u64),
    spans: Arc<Vec<Span>>,
    relations: Arc<Vec<Relation>>,
    /// Copied, not shared: suggestions change only by a decision, and an article has as
    /// many as a model offered, not a book's worth.
    suggestions: Arc<Vec<Suggestion>>,
    conflicts: Arc<Vec<Conflict>>,
}

impl Snapshot {
    pub fn of(document: &Document) -> Self {
        let (spans, relations) = document.annotations().shared_lists();
        Snapshot {
            meta: document.meta.clone(),
            chars: document.text().len_chars(),
            newline: document.text().newline(),
            citation: document.citation.clone(),
            annotator: document.annotator.clone(),
            status: document.status,
            next_ids: document.annotations().next_ids_to_record(),
            spans,
            relations,
            suggestions: Arc::new(document.suggestions.clone()),
            conflicts: Arc::new(document.conflicts.clone()),
        }
    }

    /// The `next_id` this snapshot writes; once it is on disk, the document records it
    /// ([`Document::record_next_ids`]).
    pub fn next_ids(&self) -> (SpanId, u64) {
        self.next_ids
    }

    /// The sidecar text, in the canonical layout.
    pub fn encode(&self) -> String {
        Layout {
            file: &self.meta.file_name,
            sha256: &self.meta.sha256,
            chars: self.chars,
            encoding: &self.meta.encoding,
            newline: self.newline.as_str(),
            source: self.meta.extraction.as_ref().map(SourceRecord::of),
            citation: Some(&self.citation),
            annotator: self.annotator.as_deref(),
            status: self.status,
            next_ids: self.next_ids,
            spans: &self.spans,
            relations: &self.relations,
            suggestions: &self.suggestions,
            conflicts: &self.conflicts,
        }
        .write()
    }
}

impl Sidecar {
    /// The sidecar text of these values in the canonical layout, as [`Snapshot::encode`]
    /// writes it: spans sorted by `(start, end, label, id)`, relations by id, conflicts by
    /// span id (each list sorted here when it is not already), suggestions in their order.
    /// The version is the codec's choice (5 with a `source` or `citation` record, 4 with
    /// conflicts, 3 with suggestions, else 2),
    /// whatever `self.version` says; `decode` of the result gives these values back.
    pub fn encode(&self) -> String {
        use std::borrow::Cow;
        use std::cmp::Ordering;
        fn sorted<T: Clone>(items: &[T], order: impl Fn(&T, &T) -> Ordering) -> Cow<'_, [T]> {
            if items.is_sorted_by(|a, b| order(a, b).is_le()) {
                Cow::Borrowed(items)
            } else {
                let mut items = items.to_vec();
                items.sort_by(order);
                Cow::Owned(items)
            }
        }
        let spans = sorted(&self.spans, |a, b| a.sort_key().cmp(&b.sort_key()));
        let relations = sorted(&self.relations, |a, b| a.id.cmp(&b.id));
        let conflicts = sorted(&self.conflicts, |a, b| a.span.cmp(&b.span));
        let a = &self.article;
        Layout {
            file: &a.file,
            sha256: &a.sha256,
            chars: a.chars,
            encoding: &a.encoding,
            newline: &a.newline,
            source: self.source.clone(),
            citation: self.citation.as_ref(),
            annotator: self.annotator.as_deref(),
            status: self.status,
            next_ids: (self.next_id.span, self.next_id.relation),
            spans: &spans,
            relations: &relations,
            suggestions: &self.suggestions,
            conflicts: &conflicts,
        }
        .write()
    }
}

/// Everything a sidecar's text holds, borrowed from a [`Snapshot`] or a [`Sidecar`]: the
/// one writer of the canonical layout. The lists are written in the order given.
struct Layout<'a> {
    file: &'a str,
    sha256: &'a str,
    chars: usize,
    encoding: &'a str,
    newline: &'a str,
    source: Option<SourceRecord>,
    /// Written only when a field is known.
    citation: Option<&'a Citation>,
    annotator: Option<&'a str>,
    status: Status,
    next_ids: (SpanId, u64),
    spans: &'a [Span],
    relations: &'a [Relation],
    suggestions: &'a [Suggestion],
    conflicts: &'a [Conflict],
}

impl Layout<'_> {
    fn write(&self) -> String {
        let mut out = String::with_capacity(256 + self.spans.len() * 200);
        // Writing to a String cannot fail; the results are ignored below for that reason.
        let _ = writeln!(out, "// spantag annotations for {}", one_line(self.file));
        out.push_str("(\n    format: \"spantag\",\n");
        let citation = self.citation.filter(|c| !c.is_empty());
        let version = if self.source.is_some() || citation.is_some() {
            VERSION
        } else if !self.conflicts.is_empty() {
            VERSION_WITH_CONFLICTS
        } else if !self.suggestions.is_empty() {
            VERSION_WITH_SUGGESTIONS
        } else {
            VERSION_WITHOUT_SUGGESTIONS
        };
        let _ = writeln!(out, "    version: {version},");
        out.push_str("    article: (\n");
        for (field, value) in [("file", self.file), ("sha256", self.sha256)] {
            field_line(&mut out, field, value);
        }
        let _ = writeln!(out, "        chars: {},", self.chars);
        field_line(&mut out, "encoding", self.encoding);
        field_line(&mut out, "newline", self.newline);
        out.push_str("    ),\n");
        if let Some(source) = &self.source {
            out.push_str("    source: (kind: ");
            push_quoted(&mut out, &source.kind);
            out.push_str(", extractor: ");
            push_quoted(&mut out, &source.extractor);
            out.push_str(", text_sha256: ");
            push_quoted(&mut out, &source.text_sha256);
            if !source.pages.is_empty() {
                let pages: Vec<String> = source.pages.iter().map(usize::to_string).collect();
                let _ = write!(out, ", pages: [{}]", pages.join(", "));
            }
            out.push_str("),\n");
        }
        if let Some(citation) = citation {
            out.push_str("    citation: (");
            for (i, (key, value)) in citation.known().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(key);
                out.push_str(": ");
                push_quoted(&mut out, value);
            }
            out.push_str("),\n");
        }
        match self.annotator {
            Some(name) => {
                out.push_str("    annotator: Some(");
                push_quoted(&mut out, name);
                out.push_str("),\n");
            }
            None => out.push_str("    annotator: None,\n"),
        }
        let _ = writeln!(out, "    status: {:?},", self.status);
        let (span, relation) = self.next_ids;
        let _ = writeln!(out, "    next_id: (span: {span}, relation: {relation}),");
        out.push_str("    spans: [\n");
        for span in self.spans {
            push_span(&mut out, span);
        }
        out.push_str("    ],\n    relations: [\n");
        for r in self.relations {
            let _ = write!(out, "        (id: {}, kind: ", r.id);
            push_quoted(&mut out, &r.kind);
            let _ = writeln!(out, ", from: {}, to: {}),", r.from, r.to);
        }
        out.push_str("    ],\n");
        // Only when there are any, so a sidecar without them is version 2 as before.
        if !self.suggestions.is_empty() {
            out.push_str("    suggestions: [\n");
            for suggestion in self.suggestions {
                push_suggestion(&mut out, suggestion);
            }
            out.push_str("    ],\n");
        }
        if !self.conflicts.is_empty() {
            out.push_str("    conflicts: [\n");
            for conflict in self.conflicts {
                let _ = write!(out, "        (span: {}, ours: ", conflict.span);
                push_version(&mut out, conflict.ours.as_ref());
                out.push_str(", theirs: ");
                push_version(&mut out, conflict.theirs.as_ref());
                out.push_str("),\n");
            }
            out.push_str("    ],\n");
        }
        out.push_str(")\n");
        out
    }
}

/// `        field: "value",` in the article record.
fn field_line(out: &mut String, field: &str, value: &str) {
    out.push_str("        ");
    out.push_str(field);
    out.push_str(": ");
    push_quoted(out, value);
    out.push_str(",\n");
}

/// One span's line. Written piece by piece rather than through one format string: a
/// 50,000-span sidecar is encoded on every save.
fn push_span(out: &mut String, span: &Span) {
    out.push_str("        ");
    push_span_record(out, span);
    out.push_str(",\n");
}

/// One version of a conflicting span: `Some((id: …))`, or `None` where a side deleted it.
fn push_version(out: &mut String, span: Option<&Span>) {
    match span {
        Some(span) => {
            out.push_str("Some(");
            push_span_record(out, span);
            out.push(')');
        }
        None => out.push_str("None"),
    }
}

/// A span record, `(id: …, label: …, …)`.
fn push_span_record(out: &mut String, span: &Span) {
    let _ = write!(out, "(id: {}, label: ", span.id);
    push_quoted(out, &span.label);
    let _ = write!(out, ", start: {}, end: {}, text: ", span.start, span.end);
    push_quoted(out, &span.text);
    out.push_str(", prefix: ");
    push_quoted(out, &span.prefix);
    out.push_str(", suffix: ");
    push_quoted(out, &span.suffix);
    out.push_str(", note: ");
    push_quoted(out, &span.note);
    out.push_str(", source: ");
    match &span.source {
        Source::Manual => out.push_str("Manual"),
        Source::Rule(name) => {
            out.push_str("Rule(");
            push_quoted(out, name);
            out.push(')');
        }
        Source::Imported(format) => {
            out.push_str("Imported(");
            push_quoted(out, format);
            out.push(')');
        }
    }
    out.push_str(match span.anchor {
        Anchor::Exact => ", anchor: Exact",
        Anchor::Moved => ", anchor: Moved",
        Anchor::Orphaned => ", anchor: Orphaned",
    });
    // Written only when set, so a span without them reads as in version 1.
    push_attrs_and_entity(out, &span.attrs, &span.entity);
    out.push(')');
}

/// `, attrs: {"name": "value", …}` and `, entity: Some("id")`, each only when set.
fn push_attrs_and_entity(out: &mut String, attrs: &super::Attrs, entity: &Option<String>) {
    if !attrs.is_empty() {
        out.push_str(", attrs: {");
        for (i, (name, value)) in attrs.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            push_quoted(out, name);
            out.push_str(": ");
            push_quoted(out, value);
        }
        out.push('}');
    }
    if let Some(entity) = entity {
        out.push_str(", entity: Some(");
        push_quoted(out, entity);
        out.push(')');
    }
}

/// One suggestion's line: `(label: …, start: …, end: …, text: …, source: …, status: …)`,
/// then `attrs`, `entity` and `anchor` only when set (an exact anchor is not written).
fn push_suggestion(out: &mut String, s: &Suggestion) {
    out.push_str("        (label: ");
    push_quoted(out, &s.label);
    let _ = write!(out, ", start: {}, end: {}, text: ", s.start, s.end);
    push_quoted(out, &s.text);
    out.push_str(", source: ");
    push_quoted(out, &s.source);
    out.push_str(", status: ");
    out.push_str(s.status.as_str());
    push_attrs_and_entity(out, &s.attrs, &s.entity);
    out.push_str(match s.anchor {
        Anchor::Exact => "",
        Anchor::Moved => ", anchor: Moved",
        Anchor::Orphaned => ", anchor: Orphaned",
    });
    out.push_str("),\n");
}

/// Where the suggestion numbered `number` (from 1, as [`Flaw::suggestion_number`] gives
/// it) starts in sidecar text: the 1-based line and column (in chars) of its opening
/// parenthesis. Reads any layout RON allows (comments, strings holding brackets, raw
/// strings) without parsing the values; `None` when there is no such suggestion.
pub fn suggestion_position(source: &str, number: usize) -> Option<(usize, usize)> {
    record_position(source, "suggestions", number)
}

/// Where the conflict record numbered `number` (from 1, as [`Flaw::conflict_number`]
/// gives it) starts in sidecar text, as [`suggestion_position`] does for suggestions.
pub fn conflict_position(source: &str, number: usize) -> Option<(usize, usize)> {
    record_position(source, "conflicts", number)
}

/// The line and column of the opening parenthesis of record `number` (from 1) of the
/// top-level list `key`.
fn record_position(source: &str, key: &str, number: usize) -> Option<(usize, usize)> {
    let mut scan = Scan {
        chars: source.chars().peekable(),
        line: 1,
        col: 0,
    };
    let mut depth = 0usize;
    // The last identifier, while only white space and comments followed it.
    let mut ident = String::new();
    let mut key_matches = false;
    // The depth inside the `key` list, and how many records it has opened.
    let mut list_depth = None;
    let mut opened = 0usize;
    while let Some(c) = scan.next() {
        if c.is_alphanumeric() || c == '_' {
            let mut word = String::from(c);
            while let Some(c) = scan.chars.next_if(|c| c.is_alphanumeric() || *c == '_') {
                scan.col += 1;
                word.push(c);
            }
            if word == "r" && matches!(scan.chars.peek(), Some('#' | '"')) {
                scan.raw_string()?;
                ident.clear();
            } else {
                ident = word;
            }
            continue;
        }
        match c {
            c if c.is_whitespace() => continue,
            '/' if scan.chars.peek() == Some(&'/') => {
                scan.skip_until(|c, _| c == '\n');
                continue;
            }
            '/' if scan.chars.peek() == Some(&'*') => {
                scan.next();
                scan.skip_until(|c, last| last == '*' && c == '/');
                continue;
            }
            '"' => {
                let mut escaped = false;
                scan.skip_until(|c, _| {
                    let end = c == '"' && !escaped;
                    escaped = c == '\\' && !escaped;
                    end
                });
            }
            ':' if depth == 1 => key_matches = ident == key,
            ',' if depth == 1 => key_matches = false,
            '(' | '[' | '{' => {
                depth += 1;
                if c == '[' && depth == 2 && key_matches && list_depth.is_none() {
                    list_depth = Some(depth);
                } else if c == '(' && list_depth.is_some_and(|d| depth == d + 1) {
                    opened += 1;
                    if opened == number {
                        return Some((scan.line, scan.col));
                    }
                }
            }
            ')' | ']' | '}' => {
                if list_depth == Some(depth) {
                    return None;
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        ident.clear();
    }
    None
}

/// Chars of sidecar text with the line and column of the last one read.
struct Scan<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
    col: usize,
}

impl Scan<'_> {
    fn next(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            (self.line, self.col) = (self.line + 1, 0);
        } else {
            self.col += 1;
        }
        Some(c)
    }

    /// Reads up to and including the char for which `end(char, previous char)` holds.
    fn skip_until(&mut self, mut end: impl FnMut(char, char) -> bool) {
        let mut last = '\0';
        while let Some(c) = self.next() {
            if end(c, last) {
                return;
            }
            last = c;
        }
    }

    /// The rest of a raw string `r##"…"##` after its `r`.
    fn raw_string(&mut self) -> Option<()> {
        let mut hashes = 0;
        while self.chars.next_if_eq(&'#').is_some() {
            self.col += 1;
            hashes += 1;
        }
        (self.next()? == '"').then_some(())?;
        let mut run = None::<usize>;
        while let Some(c) = self.next() {
            run = match (c, run) {
                ('"', _) => Some(0),
                ('#', Some(n)) => Some(n + 1),
                _ => None,
            };
            if run == Some(hashes) {
                return Some(());
            }
        }
        None
    }
}

/// Appends a RON string literal on one line: quotes, backslashes and control characters
/// escaped, everything else (accents, emoji, right-to-left text) written as itself, runs
/// of plain text at a time.
pub(crate) fn push_quoted(out: &mut String, text: &str) {
    out.push('"');
    let bytes = text.as_bytes();
    let (mut plain, mut i) = (0, 0);
    while i < bytes.len() {
        // Only these bytes can start a char that needs escaping: ASCII controls, quote,
        // backslash, DEL, C1 controls (0xC2 ..) and U+2028/2029 (0xE2 ..). Each is at a
        // char boundary.
        if !matches!(bytes[i], 0..=0x1F | b'"' | b'\\' | 0x7F | 0xC2 | 0xE2) {
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => "",
            _ => {
                i += c.len_utf8();
                continue;
            }
        };
        out.push_str(&text[plain..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push_str(escape);
        }
        i += c.len_utf8();
        plain = i;
    }
    out.push_str(&text[plain..]);
    out.push('"');
}

/// A file name made safe for the one-line header comment.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{fixture, Attrs, Command};

    #[test]
    fn encode_then_decode_is_the_identity() {
        let mut doc = fixture::document("[actor|Lavrov] said:\r\n“[quote|Restraint \"\\ 🇪🇬]”\t");
        doc.annotator = Some("ana".into());
        let bytes = encode(&doc);
        let sidecar = decode(&bytes).unwrap();
        assert_eq!(sidecar.article.chars, doc.text().len_chars());
        assert_eq!(sidecar.article.newline, "CRLF");
        let (back, report) = attach(doc.text().clone(), doc.meta.clone(), sidecar).unwrap();
        assert_eq!(report.anchoring.held, 2);
        assert!(!report.changed_anything() && report.summary().is_none());
        assert_eq!(back.annotations(), doc.annotations());
        assert_eq!(back.annotator.as_deref(), Some("ana"));
        assert_eq!(encode(&back), bytes);
    }

    #[test]
    fn the_fast_reader_and_ron_agree_and_ron_reads_what_the_fast_one_refuses() {
        let mut doc =
            fixture::document("[actor|Lavrov] said:\r\n“[quote|Restraint \"\\ 🇪🇬\u{7}]”\t");
        doc.annotator = Some("ana\u{2028}".into());
        let bytes = encode(&doc);
        let fast = canonical::parse(&bytes).expect("canonical layout");
        assert_eq!(Some(fast), ron::from_str::<Sidecar>(&bytes).ok());
        // Reformatted by hand: only ron reads it, to the same result.
        let reformatted = bytes.replace(",\n", ",\n  ");
        assert!(canonical::parse(&reformatted).is_none());
        assert_eq!(decode(&reformatted).unwrap(), decode(&bytes).unwrap());
    }

    #[test]
    fn attributes_entities_and_next_id_round_trip_through_both_readers() {
        let mut doc = fixture::document("[claim|Libya \"is\" a hole] said [actor|Lavrov]");
        for (name, value) in [("verdict", "false"), ("note \"x\"", "a\\b")] {
            doc.apply(Command::SetAttr {
                id: 1,
                name: name.into(),
                value: Some(value.into()),
            })
            .unwrap();
        }
        doc.apply(Command::SetEntity {
            ids: vec![2],
            entity: Some("sergei-lavrov".into()),
        })
        .unwrap();
        let bytes = encode(&doc);
        assert!(bytes.contains("    version: 2,\n"), "{bytes}");
        assert!(
            bytes.contains("    next_id: (span: 3, relation: 1),\n"),
            "{bytes}"
        );
        assert!(
            bytes.contains(", anchor: Exact, attrs: {\"note \\\"x\\\"\": \"a\\\\b\", \"verdict\": \"false\"}),\n"),
            "{bytes}"
        );
        assert!(
            bytes.contains(", anchor: Exact, entity: Some(\"sergei-lavrov\")),\n"),
            "{bytes}"
        );
        let fast = canonical::parse(&bytes).expect("canonical layout");
        assert_eq!(Some(&fast), ron::from_str::<Sidecar>(&bytes).ok().as_ref());
        let (back, report) = attach(doc.text().clone(), doc.meta.clone(), fast).unwrap();
        assert!(report.flaws.is_empty());
        assert_eq!(back.annotations(), doc.annotations());
        assert_eq!(encode(&back), bytes);
    }

    #[test]
    fn a_version_1_sidecar_reads_and_is_written_as_version_2() {
        let doc = fixture::document("[actor|Lavrov] said [quote|no]");
        let v2 = encode(&doc);
        let v1 = v2
            .replace("version: 2", "version: 1")
            .replace("    next_id: (span: 3, relation: 1),\n", "");
        let fast = canonical::parse(&v1).expect("a version 1 layout is canonical too");
        assert_eq!((fast.version, fast.next_id), (1, NextIds::default()));
        let (back, report) =
            attach(doc.text().clone(), doc.meta.clone(), decode(&v1).unwrap()).unwrap();
        assert!(report.flaws.is_empty() && !report.changed_anything());
        assert_eq!(back.annotations().next_ids(), (3, 1));
        assert_eq!(encode(&back), v2);
    }

    #[test]
    fn ids_are_never_reused_after_the_highest_is_deleted_and_the_sidecar_reopened() {
        let mut doc = fixture::document("[actor|a] [actor|b] [quote|c]");
        // Saved with span 3, which is then deleted.
        doc.record_next_ids(Snapshot::of(&doc).next_ids());
        doc.apply(Command::Remove { id: 3 }).unwrap();
        let reopened = |doc: &Document| {
            let bytes = encode(doc);
            attach(
                doc.text().clone(),
                doc.meta.clone(),
                decode(&bytes).unwrap(),
            )
            .unwrap()
            .0
        };
        let mut back = reopened(&doc);
        let id = back
            .apply(Command::Tag {
                char_range: 4..5,
                label: "quote".into(),
                attrs: Attrs::new(),
            })
            .unwrap()
            .focus;
        assert_eq!(id, Some(4), "3 was handed out once and stays retired");
        // A hand-lowered next_id is a flaw, raised above every id.
        let lowered = encode(&back).replace("next_id: (span: 5,", "next_id: (span: 2,");
        let (again, report) = attach(
            back.text().clone(),
            back.meta.clone(),
            decode(&lowered).unwrap(),
        )
        .unwrap();
        assert!(
            matches!(
                report.flaws.as_slice(),
                [Flaw::NextIdTooLow {
                    span: 2,
                    new_span: 5,
                    ..
                }]
            ),
            "{:?}",
            report.flaws
        );
        assert_eq!(again.annotations().next_ids().0, 5);
    }

    #[test]
    fn an_id_handed_out_and_undone_before_any_save_leaves_the_bytes_alone() {
        let mut doc = fixture::document("[actor|a] b");
        doc.status = Status::InProgress;
        let before = encode(&doc);
        doc.apply(Command::Tag {
            char_range: 2..3,
            label: "actor".into(),
            attrs: Attrs::new(),
        })
        .unwrap();
        doc.apply(Command::Undo).unwrap();
        assert_eq!(encode(&doc), before);
    }

    #[test]
    fn one_span_per_line() {
        let doc = fixture::document("[claim|a\nb] [actor|c]");
        let text = encode(&doc);
        let span_lines = text
            .lines()
            .filter(|l| l.trim_start().starts_with("(id:"))
            .count();
        assert_eq!(span_lines, 2);
        assert!(text.contains("text: \"a\\nb\""));
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let broken = "(\n    format: \"spantag\",\n    version: 1,\n    article: (file: 3),\n)";
        match decode(broken) {
            Err(SidecarError::Syntax { line, .. }) => assert_eq!(line, 4),
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn conflicts_make_version_4_and_read_back_with_both_versions() {
        let mut doc = fixture::document("[location|Cairo] said [actor|Lavrov]");
        let ours = doc.annotations().spans()[0].clone();
        let mut theirs = ours.clone();
        theirs.label = "actor".into();
        theirs.note = "a \"person\"".into();
        let lavrov = doc.annotations().spans()[1].clone();
        doc.conflicts = vec![
            Conflict {
                span: 1,
                ours: Some(ours),
                theirs: Some(theirs),
            },
            // Deleted on ours: the list holds theirs.
            Conflict {
                span: 2,
                ours: None,
                theirs: Some(lavrov),
            },
        ];
        let bytes = encode(&doc);
        assert!(bytes.contains("version: 4,"), "{bytes}");
        assert!(
            bytes.contains(
                "    conflicts: [\n        (span: 1, ours: Some((id: 1, label: \"location\""
            ),
            "{bytes}"
        );
        let back = decode(&bytes).unwrap();
        assert_eq!(back.conflicts, doc.conflicts);
        // A decoded sidecar writes the same bytes (conflicts of one span in their order).
        assert_eq!(back.encode(), bytes);
        let (reopened, _) = attach(doc.text().clone(), doc.meta.clone(), back).unwrap();
        assert_eq!(encode(&reopened), bytes);
        doc.conflicts.clear();
        assert!(encode(&doc).contains("version: 2,"));
    }

    /// A sidecar holding `conflicts` for `[location|Cairo] said [actor|Lavrov]`, loaded.
    fn with_conflicts(conflicts: Vec<Conflict>) -> (String, Document, LoadReport) {
        let mut doc = fixture::document("[location|Cairo] said [actor|Lavrov]");
        doc.conflicts = conflicts;
        let bytes = encode(&doc);
        let (loaded, report) = attach(
            doc.text().clone(),
            doc.meta.clone(),
            decode(&bytes).unwrap(),
        )
        .unwrap();
        (bytes, loaded, report)
    }

    #[test]
    fn conflict_records_are_checked_on_loading_and_repaired_without_losing_a_version() {
        let doc = fixture::document("[location|Cairo] said [actor|Lavrov]");
        let span = |id: SpanId| doc.annotations().get(id).unwrap().clone();
        let mut retagged = span(1);
        retagged.label = "actor".into();
        let mut wrong_id = span(2);
        wrong_id.id = 7;
        // "said", a span only the record has.
        let mut said = Span::new(9, "claim", 6..10, doc.text());
        said.note = "only here".into();
        let too_large = MAX_ID + 5;
        let mut big = said.clone();
        big.id = too_large;
        let record = |span, ours, theirs| Conflict { span, ours, theirs };
        let (bytes, loaded, report) = with_conflicts(vec![
            record(1, Some(span(1)), Some(retagged.clone())),
            record(2, None, Some(wrong_id)),
            record(1, None, Some(span(1))),
            record(9, None, Some(said.clone())),
            record(3, None, None),
            record(too_large, Some(big), None),
        ]);
        assert_eq!(
            report.flaws,
            [
                Flaw::ConflictVersionId {
                    number: 2,
                    span: 2,
                    side: Side::Theirs,
                    id: 7
                },
                Flaw::ConflictSpanMissing {
                    number: 4,
                    span: 9,
                    restored: Some(Side::Theirs)
                },
                Flaw::ConflictWithoutVersion { number: 5, span: 3 },
                Flaw::ConflictSpanMissing {
                    number: 6,
                    span: too_large,
                    restored: None
                },
            ]
        );
        assert_eq!(
            report.flaws[1].to_string(),
            "conflict 4: span 9 is not in the span list; its theirs version is put back as \
             that span"
        );
        // A second record for span 1 is kept, to be decided after the first.
        let kept: Vec<SpanId> = loaded.conflicts.iter().map(|c| c.span).collect();
        assert_eq!(kept, [1, 2, 1, 9]);
        assert_eq!(loaded.conflicts[1].theirs.as_ref().unwrap().id, 2);
        assert_eq!(loaded.conflicts[0].theirs, Some(retagged));
        let restored = loaded.annotations().get(9).expect("theirs is the span now");
        assert_eq!(
            (restored.text.as_str(), restored.note.as_str()),
            ("said", "only here")
        );
        loaded
            .annotations()
            .check_invariants(loaded.text())
            .unwrap();
        // Each flaw names its record's line in the file.
        for flaw in &report.flaws {
            let number = flaw.conflict_number().unwrap();
            let (line, col) = conflict_position(&bytes, number).unwrap();
            let text = bytes.lines().nth(line - 1).unwrap();
            assert!(
                text[col - 1..].starts_with("(span: "),
                "record {number} at {line}:{col}: {text}"
            );
        }
        assert_eq!(conflict_position(&bytes, 7), None);
        assert_eq!(suggestion_position(&bytes, 1), None);
    }

    #[test]
    fn a_span_renumbered_on_loading_keeps_its_conflict() {
        // Span ids too large to keep are renumbered; the record follows its span.
        let doc = fixture::document("[location|Cairo] said");
        let mut big = doc.annotations().spans()[0].clone();
        big.id = MAX_ID + 1;
        let mut theirs = big.clone();
        theirs.label = "actor".into();
        let mut bytes = encode(&doc).replace("(id: 1,", &format!("(id: {},", MAX_ID + 1));
        let record = format!(
            "    conflicts: [\n        (span: {}, ours: None, theirs: Some((id: {}, label: \
             \"actor\", start: 0, end: 5, text: \"Cairo\"))),\n    ],\n)\n",
            MAX_ID + 1,
            MAX_ID + 1
        );
        bytes = bytes.replace("version: 2", "version: 4");
        bytes.truncate(bytes.rfind(")\n").unwrap());
        bytes.push_str(&record);
        let (loaded, report) = attach(
            doc.text().clone(),
            doc.meta.clone(),
            decode(&bytes).unwrap(),
        )
        .unwrap();
        let new_id = loaded.annotations().spans()[0].id;
        assert!(new_id <= MAX_ID);
        assert_eq!(loaded.conflicts.len(), 1, "{:?}", report.flaws);
        assert_eq!(loaded.conflicts[0].span, new_id);
        assert_eq!(loaded.conflicts[0].theirs.as_ref().unwrap().id, new_id);
        assert!(report.flaws.iter().all(|f| f.conflict_number().is_none()));
    }

    #[test]
    fn an_article_changed_since_the_merge_finds_both_versions_again() {
        let mut doc = fixture::document("[location|Cairo] said [actor|Lavrov]");
        doc.meta.sha256 = "before".into();
        let ours = doc.annotations().spans()[0].clone();
        let mut theirs = ours.clone();
        theirs.label = "actor".into();
        doc.conflicts = vec![Conflict {
            span: 1,
            ours: Some(ours),
            theirs: Some(theirs),
        }];
        let bytes = encode(&doc);
        let changed = Text::new("In short: Cairo said Lavrov".to_string());
        let meta = ArticleMeta {
            sha256: "after".into(),
            ..doc.meta.clone()
        };
        let (mut loaded, report) = attach(changed, meta, decode(&bytes).unwrap()).unwrap();
        assert!(report.article_changed);
        for side in [Side::Ours, Side::Theirs] {
            let version = loaded.conflicts[0].version(side).unwrap();
            assert_eq!(
                (version.start, version.text.as_str(), version.anchor),
                (10, "Cairo", Anchor::Moved),
                "{side}"
            );
        }
        loaded
            .apply(Command::ResolveConflict {
                span: 1,
                side: Side::Theirs,
            })
            .unwrap();
        let span = loaded.annotations().get(1).unwrap();
        assert_eq!((span.label.as_str(), span.start), ("actor", 10));
        assert!(loaded.conflicts.is_empty());
        assert!(encode(&loaded).contains("version: 2,"));
    }

    #[test]
    fn a_decoded_sidecar_encodes_to_the_document_bytes_its_lists_in_any_order() {
        let mut doc = fixture::document("[actor|Lavrov] met [actor|Shoukry] in [location|Cairo]");
        for (from, to) in [(2, 1), (3, 1)] {
            let kind = "met".into();
            doc.apply(Command::Link { from, to, kind }).unwrap();
        }
        let bytes = encode(&doc);
        let mut shuffled = decode(&bytes).unwrap();
        shuffled.spans.reverse();
        shuffled.relations.reverse();
        // The version written is the codec's choice, not the record's.
        shuffled.version = 1;
        assert_eq!(shuffled.encode(), bytes);
        shuffled.conflicts = vec![
            Conflict {
                span: 3,
                ours: None,
                theirs: None,
            },
            Conflict {
                span: 1,
                ours: None,
                theirs: None,
            },
        ];
        let v4 = shuffled.encode();
        let back = decode(&v4).unwrap();
        assert_eq!(back.version, 4);
        assert_eq!(
            back.conflicts.iter().map(|c| c.span).collect::<Vec<_>>(),
            [1, 3]
        );
        assert_eq!(back.encode(), v4);
    }

    #[test]
    fn newer_versions_and_other_formats_are_refused() {
        let doc = fixture::document("x");
        let newer = encode(&doc).replace("version: 2", "version: 6");
        assert_eq!(decode(&newer), Err(SidecarError::TooNew(6)));
        let other = encode(&doc).replace("\"spantag\"", "\"brat\"");
        assert_eq!(decode(&other), Err(SidecarError::NotSpantag("brat".into())));
    }

    #[test]
    fn a_span_whose_text_is_gone_is_orphaned_not_dropped() {
        let doc = fixture::document("[actor|Lavrov] said");
        let bytes = encode(&doc);
        let changed = Text::new("Mr Putin said".into());
        let (back, report) = attach(changed, doc.meta.clone(), decode(&bytes).unwrap()).unwrap();
        assert_eq!(report.anchoring.orphaned, vec![1]);
        let span = &back.annotations().spans()[0];
        assert_eq!((span.start, span.end, span.text.as_str()), (0, 6, "Lavrov"));
        assert_eq!(span.anchor, Anchor::Orphaned);
        assert_eq!(back.annotations().overlapping(0..20).count(), 0);
    }

    #[test]
    fn a_span_whose_text_moved_is_found_and_marked_moved() {
        let mut doc = fixture::document("[actor|Lavrov] said");
        doc.meta.sha256 = "before".into();
        let mut meta = doc.meta.clone();
        meta.sha256 = "after".into();
        let changed = Text::new("Mr Lavrov said".into());
        let (back, report) = attach(changed, meta, decode(&encode(&doc)).unwrap()).unwrap();
        assert!(report.article_changed);
        assert_eq!(report.anchoring.moved, vec![1]);
        let span = &back.annotations().spans()[0];
        assert_eq!((span.start, span.anchor), (3, Anchor::Moved));
        assert_eq!(
            report.summary().as_deref(),
            Some("The article changed since it was annotated: 0 held, 1 moved.")
        );
    }

    #[test]
    fn flaws_are_repaired_in_memory_and_reported() {
        let doc = fixture::document("[actor|a] [actor|b] [quote|c]");
        let bytes = encode(&doc)
            .replace("relation: 1)", "relation: 2)")
            .replace("(id: 2,", "(id: 1,")
            .replace(
                "relations: [\n",
                "relations: [\n        (id: 1, kind: \"said_by\", from: 3, to: 9),\n",
            )
            .replace("start: 4, end: 5", "start: 5, end: 4");
        let (back, report) = attach(
            doc.text().clone(),
            doc.meta.clone(),
            decode(&bytes).unwrap(),
        )
        .unwrap();
        assert_eq!(
            report.flaws,
            vec![
                Flaw::StartNotBeforeEnd {
                    id: 3,
                    start: 5,
                    end: 4
                },
                Flaw::SpanRenumbered {
                    id: 1,
                    new_id: 4,
                    problem: IdProblem::UsedTwice
                },
                Flaw::DanglingRelation {
                    id: 1,
                    kind: "said_by".into(),
                    from: 3,
                    to: 9
                },
            ]
        );
        let ids: Vec<u64> = back.annotations().spans().iter().map(|s| s.id).collect();
        assert_eq!(
            ids,
            vec![1, 4, 3],
            "every span kept, the duplicate renumbered"
        );
        assert!(back.annotations().relations().is_empty());
        // The reversed range was found again by its text.
        assert_eq!(report.anchoring.moved, vec![3]);
        assert!(report.changed_anything());
    }

    #[test]
    fn ids_too_large_for_json_are_renumbered_and_their_links_follow() {
        let doc = fixture::document("[quote|a] [actor|b]");
        let bytes = encode(&doc)
            .replace("relation: 1)", "relation: 2)")
            .replace("(id: 2,", "(id: 18446744073709551615,")
            .replace(
                "relations: [\n",
                "relations: [\n        (id: 1, kind: \"said_by\", from: 1, to: 18446744073709551615),\n",
            );
        let (back, report) = attach(
            doc.text().clone(),
            doc.meta.clone(),
            decode(&bytes).unwrap(),
        )
        .unwrap();
        assert_eq!(
            report.flaws,
            vec![Flaw::SpanRenumbered {
                id: u64::MAX,
                new_id: 2,
                problem: IdProblem::TooLarge
            }]
        );
        assert_eq!(back.annotations().relations()[0].to, 2);
    }

    #[test]
    fn quoting_escapes_exactly_what_ron_needs() {
        let cases = [
            ("plain", "\"plain\""),
            ("a\"b\\c", "\"a\\\"b\\\\c\""),
            ("\n\r\t\u{7}\u{7f}", "\"\\n\\r\\t\\u{7}\\u{7f}\""),
            // C1 controls and the line/paragraph separators, but not their lead bytes' kin.
            (
                "\u{85}©\u{2028}–\u{2029}",
                "\"\\u{85}©\\u{2028}–\\u{2029}\"",
            ),
            ("🇪🇬 عبد", "\"🇪🇬 عبد\""),
        ];
        for (raw, written) in cases {
            let mut out = String::new();
            push_quoted(&mut out, raw);
            assert_eq!(out, written);
            assert_eq!(ron::from_str::<String>(written).unwrap(), raw);
        }
    }

    use crate::model::{Suggestion, SuggestionStatus};

    const MARKUP: &str = "[actor|Lavrov] said “Restraint \"\\ 🇪🇬” in Cairo.\tEnd";

    /// The line of each suggestion in sidecar text, in order.
    fn suggestion_lines(bytes: &str) -> Vec<usize> {
        let list = bytes
            .lines()
            .position(|l| l == "    suggestions: [")
            .unwrap();
        bytes
            .lines()
            .enumerate()
            .skip(list + 1)
            .take_while(|(_, l)| l.starts_with("        ("))
            .map(|(i, _)| i + 1)
            .collect()
    }

    /// Edits line `line` (1-based) of sidecar text.
    fn edit_line(bytes: &str, line: usize, from: &str, to: &str) -> String {
        let mut lines: Vec<String> = bytes.lines().map(str::to_string).collect();
        assert!(
            lines[line - 1].contains(from),
            "{from} in {}",
            lines[line - 1]
        );
        lines[line - 1] = lines[line - 1].replacen(from, to, 1);
        lines.join("\n") + "\n"
    }

    /// A document with suggestions of every kind: each status, attributes, an entity, the
    /// characters a sidecar must escape, an orphan and a moved one.
    fn with_suggestions() -> Document {
        let mut doc = fixture::document(MARKUP);
        let text = doc.text().clone();
        let make = |label: &str, words: &str, status| {
            let start = text.char_from_byte(text.as_str().find(words).unwrap());
            let span = Span::new(0, label, start..start + words.chars().count(), &text);
            let mut s = Suggestion::from_span(span, "ner \"v2\" \\ é");
            s.status = status;
            s
        };
        let mut all = vec![
            make("actor", "Lavrov", SuggestionStatus::Accepted),
            make("quote", "Restraint \"\\ 🇪🇬", SuggestionStatus::Pending),
            make("location", "Cairo", SuggestionStatus::Rejected),
            make("location", "Cairo", SuggestionStatus::Pending),
        ];
        all[1].attrs.insert("kind".into(), "direct".into());
        all[1]
            .attrs
            .insert("note \"x\"".into(), "a\\b\n\u{7}\u{2028}".into());
        all[2].entity = Some("cairo".into());
        all[3].anchor = Anchor::Moved;
        all.push(Suggestion {
            label: "claim".into(),
            start: 3,
            end: 9,
            text: "gone".into(),
            source: "other".into(),
            status: SuggestionStatus::Pending,
            attrs: Default::default(),
            entity: None,
            anchor: Anchor::Orphaned,
        });
        doc.suggestions = all;
        doc
    }

    #[test]
    fn suggestions_round_trip_through_both_readers_as_version_3() {
        let doc = with_suggestions();
        let bytes = encode(&doc);
        assert!(bytes.contains("    version: 3,\n"), "{bytes}");
        assert!(
            bytes.contains("    relations: [\n    ],\n    suggestions: [\n        (label: \"actor\", start: 0, end: 6, text: \"Lavrov\", source: \"ner \\\"v2\\\" \\\\ é\", status: Accepted),\n"),
            "{bytes}"
        );
        assert!(
            bytes.contains(", status: Pending, anchor: Moved),\n"),
            "{bytes}"
        );
        let fast = canonical::parse(&bytes).expect("canonical layout");
        let general: Sidecar = ron::from_str(&bytes).unwrap();
        assert_eq!(fast, general);
        assert_eq!(fast.suggestions, doc.suggestions, "decode(encode(x)) == x");
        let (back, report) = attach(doc.text().clone(), doc.meta.clone(), fast).unwrap();
        assert!(!report.changed_anything(), "nothing to report: {report:?}");
        assert_eq!(back.suggestions, doc.suggestions);
        assert_eq!(encode(&back), bytes);
        // Without suggestions the sidecar is version 2, byte for byte as before.
        let mut none = back;
        none.suggestions.clear();
        let v2 = encode(&none);
        assert!(
            v2.contains("    version: 2,\n") && !v2.contains("suggestions"),
            "{v2}"
        );
        assert_eq!(v2, encode(&fixture::document(MARKUP)));
        // A hand-written version 2 sidecar with suggestions, and an empty list, read too.
        let hand = bytes.replace("version: 3", "version: 2");
        assert_eq!(decode(&hand).unwrap().suggestions, doc.suggestions);
        let empty = v2.replace("    ],\n)\n", "    ],\n    suggestions: [\n    ],\n)\n");
        assert!(canonical::parse(&empty).is_none());
        assert_eq!(decode(&empty).unwrap().suggestions, vec![]);
    }

    /// A suggestion of any shape the sidecar can hold, offsets anywhere.
    fn any_suggestion() -> impl proptest::strategy::Strategy<Value = Suggestion> {
        use proptest::prelude::*;
        let text = "[\\PC\u{0}-\u{1f}\u{7f}-\u{9f}\u{2028}\"\\\\]{0,12}";
        let status = prop_oneof![
            Just(SuggestionStatus::Pending),
            Just(SuggestionStatus::Accepted),
            Just(SuggestionStatus::Rejected),
        ];
        let anchor = prop_oneof![
            Just(Anchor::Exact),
            Just(Anchor::Moved),
            Just(Anchor::Orphaned)
        ];
        (
            (text, text, text, any::<usize>(), any::<usize>()),
            (status, anchor),
            prop::collection::btree_map(text, text, 0..3),
            prop::option::of(text),
        )
            .prop_map(
                |((label, source, covered, start, end), (status, anchor), attrs, entity)| {
                    Suggestion {
                        label,
                        start,
                        end,
                        text: covered,
                        source,
                        status,
                        attrs,
                        entity,
                        anchor,
                    }
                },
            )
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(200))]

        /// decode(encode(x)) == x for any list, through the fast reader and through ron,
        /// and loading never panics (whatever the offsets, a suggestion is kept).
        #[test]
        fn any_suggestions_decode_to_what_was_encoded(
            suggestions in proptest::collection::vec(any_suggestion(), 0..6)
        ) {
            let mut doc = fixture::document("[actor|Lavrov] said");
            doc.suggestions = suggestions.clone();
            let bytes = encode(&doc);
            let fast = canonical::parse(&bytes);
            proptest::prop_assert!(fast.is_some(), "canonical: {}", bytes);
            let general: Sidecar = ron::from_str(&bytes).unwrap();
            proptest::prop_assert_eq!(fast.as_ref(), Some(&general));
            proptest::prop_assert_eq!(&general.suggestions, &suggestions);
            let (back, _) = attach(doc.text().clone(), doc.meta.clone(), general).unwrap();
            proptest::prop_assert_eq!(back.suggestions.len(), suggestions.len());
        }
    }

    #[test]
    fn a_suggestion_not_at_its_text_is_a_flaw_and_marked_orphaned_never_moved() {
        let doc = with_suggestions();
        let mut bytes = encode(&doc);
        let lines = suggestion_lines(&bytes);
        // Hand-edited: a range reversed, the quote's range shifted by one, one past the
        // end, a label with a control character.
        for (n, from, to) in [
            (1, "start: 0, end: 6", "start: 6, end: 0"),
            (2, "start: 13, end: 28", "start: 14, end: 29"),
            (3, "end: 38", "end: 18446744073709551615"),
            (4, "label: \"location\"", "label: \"loca\\ttion\""),
        ] {
            bytes = edit_line(&bytes, lines[n - 1], from, to);
        }
        let (back, report) = attach(
            doc.text().clone(),
            doc.meta.clone(),
            decode(&bytes).unwrap(),
        )
        .unwrap();
        let found: Vec<(usize, SuggestionProblem)> = report
            .flaws
            .iter()
            .map(|f| match f {
                Flaw::SuggestionOrphaned {
                    number, problem, ..
                } => (*number, problem.clone()),
                other => panic!("{other}"),
            })
            .collect();
        let chars = doc.text().len_chars();
        assert_eq!(
            found,
            [
                (1, SuggestionProblem::StartNotBeforeEnd),
                (2, SuggestionProblem::TextNotThere),
                (3, SuggestionProblem::OutOfRange { chars }),
                (4, SuggestionProblem::BadLabel),
            ]
        );
        assert_eq!(
            report.flaws[1].to_string(),
            "suggestion 2 (quote \"Restraint \\\"\\\\ 🇪🇬\" at 14..29, from ner \"v2\" \\ é): its \
             text is not at its range; kept, marked Orphaned, not offered"
        );
        for (i, s) in back.suggestions.iter().enumerate().take(4) {
            assert_eq!(s.anchor, Anchor::Orphaned, "{i}");
            assert!(!s.is_offered());
        }
        // Kept as written (never moved), and offered nowhere.
        assert_eq!(
            (back.suggestions[1].start, back.suggestions[1].end),
            (14, 29)
        );
        assert!(crate::model::offered_suggestions(&back.suggestions).is_empty());
        // Each flaw says where its suggestion is in the file.
        for flaw in &report.flaws {
            let number = flaw.suggestion_number().unwrap();
            assert_eq!(
                suggestion_position(&bytes, number),
                Some((lines[number - 1], 9))
            );
        }
        // Written back marked, the next load is quiet.
        let (again, report) = attach(
            back.text().clone(),
            back.meta.clone(),
            decode(&encode(&back)).unwrap(),
        )
        .unwrap();
        assert!(report.flaws.is_empty());
        assert_eq!(again.suggestions, back.suggestions);
    }

    #[test]
    fn suggestions_are_re_anchored_by_the_diff_or_placed_only_where_their_words_are_unique() {
        let mut doc =
            fixture::document("Lavrov met Shoukry in Cairo. Cairo was calm, Shoukry said.");
        doc.meta.sha256 = "before".into();
        let text = doc.text().clone();
        let made = |words: &str, nth: usize| {
            let byte = text.as_str().match_indices(words).nth(nth).unwrap().0;
            let start = text.char_from_byte(byte);
            let range = start..start + words.chars().count();
            Suggestion::from_span(Span::new(0, "location", range, &text), "ner")
        };
        doc.suggestions = vec![made("Cairo", 0), made("Cairo", 1), made("Lavrov", 0)];
        let mut rejected = made("Shoukry", 1);
        rejected.status = SuggestionStatus::Rejected;
        doc.suggestions.push(rejected);
        let changed =
            Text::new("Sergei Lavrov met Shoukry in Cairo. Cairo was calm, Shoukry said.".into());
        let mut meta = doc.meta.clone();
        meta.sha256 = "after".into();
        let sidecar = || decode(&encode(&doc)).unwrap();
        let placed = |d: &Document| -> Vec<(usize, Anchor)> {
            d.suggestions.iter().map(|s| (s.start, s.anchor)).collect()
        };

        // The text they were made on known: found by the same diff as a span.
        let (moved, report) =
            attach_after_change(changed.clone(), meta.clone(), sidecar(), Some(&text)).unwrap();
        assert_eq!(report.suggestions_moved, vec![1, 2, 3, 4]);
        assert!(report.flaws.is_empty());
        assert_eq!(
            placed(&moved),
            [
                (29, Anchor::Moved),
                (36, Anchor::Moved),
                (7, Anchor::Moved),
                (52, Anchor::Moved)
            ]
        );
        assert!(moved
            .suggestions
            .iter()
            .all(|s| s.problem_in(&changed).is_none()));
        assert_eq!(
            report.summary().as_deref(),
            Some("The article changed since it was annotated: 0 held, 0 moved. 4 suggestions were found at new positions.")
        );

        // Unknown: "Lavrov" occurs once and is placed; "Cairo" twice, and although the first
        // Cairo now lies where the second was, neither is guessed. The rejected "Shoukry"
        // is a record: it stays, though its text is no longer there.
        let (guessed, report) = attach(changed, meta, sidecar()).unwrap();
        assert_eq!(report.suggestions_moved, vec![3]);
        assert_eq!(
            placed(&guessed),
            [
                (22, Anchor::Orphaned),
                (29, Anchor::Orphaned),
                (7, Anchor::Moved),
                (45, Anchor::Orphaned)
            ]
        );
        let problems: Vec<(usize, SuggestionProblem)> = report
            .flaws
            .iter()
            .filter_map(|f| match f {
                Flaw::SuggestionOrphaned {
                    number, problem, ..
                } => Some((*number, problem.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            problems,
            [
                (1, SuggestionProblem::NotFound),
                (2, SuggestionProblem::NotFound),
                (4, SuggestionProblem::TextNotThere),
            ]
        );
    }

    #[test]
    fn hostile_suggestions_are_errors_with_line_and_column_never_panics() {
        let base = encode(&with_suggestions());
        let line = suggestion_lines(&base)[0];
        for (from, to) in [
            ("status: Accepted", "status: Maybe"),
            ("start: 0,", "start: -1,"),
            ("start: 0,", "start: 99999999999999999999999,"),
            ("label: \"actor\"", "label: 7"),
            ("text: \"Lavrov\"", "text: \"La\\u{d800}vrov\""),
            ("status: Accepted", "status: Accepted, weight: 3"),
            ("status: Accepted", "status: Accepted, anchor: Lost"),
        ] {
            let hostile = edit_line(&base, line, from, to);
            match decode(&hostile) {
                Err(SidecarError::Syntax {
                    line: l,
                    col,
                    message,
                }) => {
                    assert_eq!(l, line, "{to}: {message}");
                    assert!(col > 1, "{to}");
                }
                other => panic!("{to}: expected a syntax error, got {other:?}"),
            }
        }
        // Raw control characters are text like any other (the fast reader leaves them to
        // ron); a hundred thousand suggestions load in one pass.
        let raw = edit_line(&base, line, "text: \"Lavrov\"", "text: \"Lav\u{7}rov\"");
        assert_eq!(decode(&raw).unwrap().suggestions[0].text, "Lav\u{7}rov");
        let mut doc = fixture::document("Lavrov said");
        let one = Suggestion::from_span(Span::new(0, "actor", 0..6, doc.text()), "ner");
        doc.suggestions = vec![one; 100_000];
        let started = std::time::Instant::now();
        let bytes = encode(&doc);
        let (back, report) = attach(
            doc.text().clone(),
            doc.meta.clone(),
            decode(&bytes).unwrap(),
        )
        .unwrap();
        assert_eq!((back.suggestions.len(), report.flaws.len()), (100_000, 0));
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }

    #[test]
    fn suggestion_positions_are_found_in_any_layout() {
        let bytes = encode(&with_suggestions());
        let canonical_line = bytes
            .lines()
            .position(|l| l.contains("suggestions: ["))
            .unwrap()
            + 2;
        assert_eq!(suggestion_position(&bytes, 1), Some((canonical_line, 9)));
        assert_eq!(suggestion_position(&bytes, 6), None);
        assert_eq!(suggestion_position(&bytes, 0), None);
        // Strings holding brackets and keys, comments, raw strings, all on few lines.
        let hand = r##"(format: "spantag", version: 3, article: (file: "suggestions: [(", sha256: "",
  chars: 3, encoding: "UTF-8", newline: "LF"), // suggestions: [ (
  spans: [], /* suggestions: [(] */ relations: [],
  suggestions /* here */ : [ (label: r#"a"(b"#, start: 0, end: 1, text: "a", source: "m", status: Pending),
     (label: "]", start: 0, end: 1, text: "(", source: "m", status: Pending) ],
)"##;
        assert!(decode(hand).is_ok(), "{:?}", decode(hand));
        assert_eq!(suggestion_position(hand, 1), Some((4, 30)));
        assert_eq!(suggestion_position(hand, 2), Some((5, 6)));
        assert_eq!(suggestion_position(hand, 3), None);
        assert_eq!(suggestion_position("", 1), None);
        assert_eq!(suggestion_position("(suggestions: [", 1), None);
    }

    /// A web page's document as the store loads it: `meta.extraction` set by hand.
    fn extracted(markup: &str, extractor: &str, file_sha256: &str) -> Document {
        let mut doc = fixture::document(markup);
        doc.meta = ArticleMeta {
            file_name: "cairo.html".into(),
            sha256: file_sha256.into(),
            encoding: "html".into(),
            encoding_guessed: false,
            extraction: Some(Extraction {
                kind: crate::model::SourceKind::Html,
                extractor: extractor.into(),
                text_sha256: {
                    use sha2::Digest;
                    let digest = sha2::Sha256::digest(doc.text().as_str().as_bytes());
                    digest.iter().map(|b| format!("{b:02x}")).collect()
                },
                page_starts: vec![7, 12],
            }),
        };
        doc
    }

    #[test]
    fn an_extracted_article_with_a_citation_is_version_5_and_round_trips_byte_for_byte() {
        let mut doc = extracted("[actor|Lavrov] met\n\nin Cairo", "x 1", "ab");
        doc.citation.title = "Talks \"resume\"".into();
        doc.citation.url = "https://example.org/a".into();
        let bytes = encode(&doc);
        let text_sha = doc.meta.extraction.as_ref().unwrap().text_sha256.clone();
        assert_eq!(
            bytes,
            format!(
                "// spantag annotations for cairo.html\n(\n    format: \"spantag\",\n    \
                 version: 5,\n    article: (\n        file: \"cairo.html\",\n        sha256: \
                 \"ab\",\n        chars: 20,\n        encoding: \"html\",\n        newline: \
                 \"LF\",\n    ),\n    source: (kind: \"html\", extractor: \"x 1\", text_sha256: \
                 \"{text_sha}\", pages: [7, 12]),\n    citation: (title: \"Talks \\\"resume\\\"\", \
                 url: \"https://example.org/a\"),\n    annotator: None,\n    status: \
                 NotStarted,\n    next_id: (span: 2, relation: 1),\n    spans: [\n        (id: \
                 1, label: \"actor\", start: 0, end: 6, text: \"Lavrov\", prefix: \"\", suffix: \
                 \" met\\n\\nin Cairo\", note: \"\", source: Manual, anchor: Exact),\n    ],\n    \
                 relations: [\n    ],\n)\n"
            )
        );
        let decoded = decode(&bytes).unwrap();
        assert_eq!(
            decoded.source,
            doc.meta.extraction.as_ref().map(SourceRecord::of)
        );
        assert_eq!(decoded.citation.as_ref(), Some(&doc.citation));
        assert_eq!(decoded.encode(), bytes, "a Sidecar writes the same bytes");
        let (back, report) = attach(doc.text().clone(), doc.meta.clone(), decoded).unwrap();
        assert!(!report.article_changed && !report.changed_anything());
        assert_eq!(back.citation, doc.citation);
        assert_eq!(encode(&back), bytes);
    }

    #[test]
    fn a_citation_alone_makes_version_5_and_an_empty_one_leaves_the_bytes_as_before() {
        let mut doc = fixture::document("[actor|Lavrov] met Shoukry");
        let before = encode(&doc);
        assert!(before.contains("    version: 2,\n"));
        doc.citation.outlet = "Reuters".into();
        let bytes = encode(&doc);
        assert_eq!(
            bytes,
            before.replace("version: 2,", "version: 5,").replace(
                "    ),\n    annotator",
                "    ),\n    citation: (outlet: \"Reuters\"),\n    annotator"
            )
        );
        assert!(!bytes.contains("    source: ("));
        let (back, _) = attach(
            doc.text().clone(),
            doc.meta.clone(),
            decode(&bytes).unwrap(),
        )
        .unwrap();
        assert_eq!(back.citation.outlet, "Reuters");
        doc.citation.outlet.clear();
        assert_eq!(encode(&doc), before);
    }

    #[test]
    fn other_extracted_text_from_the_same_bytes_re_anchors_and_names_both_extractors() {
        let old = extracted("[actor|Lavrov] said", "x 1", "ab");
        let bytes = encode(&old);
        // A newer extractor keeps a title: the same file, other text.
        let new = extracted("Mr [actor|Lavrov] said", "x 2", "ab");
        let (back, report) = attach(
            new.text().clone(),
            new.meta.clone(),
            decode(&bytes).unwrap(),
        )
        .unwrap();
        assert!(report.article_changed);
        assert_eq!(report.extractor_changed, Some(("x 1".into(), "x 2".into())));
        assert_eq!(report.anchoring.moved, [1], "{report:?}");
        assert_eq!(back.annotations().get(1).unwrap().start, 3);
        assert_eq!(
            report.summary().unwrap(),
            "The article's text was extracted differently since it was annotated (x 1 then, \
             x 2 now): 0 held, 1 moved."
        );
    }

    #[test]
    fn other_source_bytes_giving_the_same_text_are_no_change() {
        let old = extracted("[actor|Lavrov] met Shoukry", "x 1", "ab");
        let bytes = encode(&old);
        let new = extracted("[actor|Lavrov] met Shoukry", "x 1", "cd");
        let (back, report) = attach(
            new.text().clone(),
            new.meta.clone(),
            decode(&bytes).unwrap(),
        )
        .unwrap();
        assert!(!report.article_changed && !report.changed_anything());
        assert_eq!(report.summary(), None);
        assert_eq!(
            back.meta.sha256, "cd",
            "the next save records the new bytes"
        );
    }
}
