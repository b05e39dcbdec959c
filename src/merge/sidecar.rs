//! The sidecar merge (the rules are in the parent module's documentation).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::{read_sidecar, take, take_with, Input, Items, MergeError, Merged, Summary, Take};
use crate::model::short;
use crate::model::sidecar::{NextIds, Sidecar, VERSION};
use crate::model::{
    Anchor, Attrs, Citation, CitationField, Conflict, Relation, Source, Span, SpanId, Status,
    Suggestion, SuggestionStatus, MAX_ID,
};

/// Merges three versions of a sidecar by span id: `base` is the common ancestor (empty or
/// blank when the file was added on both sides), `ours` the version merged into, `theirs`
/// the one merged in. The result is in the canonical layout.
pub fn merge_sidecars(base: &str, ours: &str, theirs: &str) -> Result<Merged, MergeError> {
    let base = if base.trim().is_empty() {
        None
    } else {
        Some(read_sidecar(Input::Base, base)?)
    };
    let ours = read_sidecar(Input::Ours, ours)?;
    let theirs = read_sidecar(Input::Theirs, theirs)?;
    let (merged, summary) = merge(base.as_ref(), &ours, &theirs);
    Ok(Merged {
        text: merged.encode(),
        conflicts: summary.conflicts,
        summary,
    })
}

/// A sidecar with nothing in it: the base of a file added on both sides.
fn empty_like(ours: &Sidecar) -> Sidecar {
    Sidecar {
        format: ours.format.clone(),
        version: ours.version,
        article: ours.article.clone(),
        source: None,
        citation: None,
        annotator: None,
        status: Status::NotStarted,
        next_id: NextIds::default(),
        spans: Vec::new(),
        relations: Vec::new(),
        suggestions: Vec::new(),
        conflicts: Vec::new(),
    }
}

/// A span with nothing set: the base a span added on both sides is merged against.
fn blank(id: SpanId) -> Span {
    Span {
        id,
        label: String::new(),
        start: 0,
        end: 0,
        text: String::new(),
        prefix: String::new(),
        suffix: String::new(),
        note: String::new(),
        source: Source::Manual,
        anchor: Anchor::Exact,
        attrs: Attrs::new(),
        entity: None,
    }
}

/// `span 4 (location "Cairo")`, for a summary line.
fn describe(span: &Span) -> String {
    format!(
        "span {} ({} {:?})",
        span.id,
        short(&span.label),
        short(&span.text)
    )
}

fn by_id<T>(items: &[T], id: impl Fn(&T) -> u64) -> BTreeMap<u64, &T> {
    items.iter().map(|item| (id(item), item)).collect()
}

fn merge(base: Option<&Sidecar>, ours: &Sidecar, theirs: &Sidecar) -> (Sidecar, Summary) {
    let empty;
    let b = match base {
        Some(b) => b,
        None => {
            empty = empty_like(ours);
            &empty
        }
    };
    let mut summary = Summary {
        items: Items::Spans,
        ..Summary::default()
    };
    let all = [b, ours, theirs];
    // New ids start above every id of the three versions and their next_ids.
    let mut next_span = all
        .iter()
        .flat_map(|s| {
            let spans = s.spans.iter().map(|s| s.id);
            let conflicts = s.conflicts.iter().map(|c| c.span);
            spans.chain(conflicts).map(|id| id.saturating_add(1))
        })
        .chain(all.iter().map(|s| s.next_id.span.min(MAX_ID + 1)))
        .fold(1, SpanId::max);
    let mut next_relation = all
        .iter()
        .flat_map(|s| s.relations.iter().map(|r| r.id.saturating_add(1)))
        .chain(all.iter().map(|s| s.next_id.relation.min(MAX_ID + 1)))
        .fold(1, u64::max);

    let b_spans = by_id(&b.spans, |s| s.id);
    let o_spans = by_id(&ours.spans, |s| s.id);
    let t_spans = by_id(&theirs.spans, |s| s.id);

    // Ids ours handed out since the fork (its spans of them may be deleted by now): once
    // written, an id never comes to mean another span, so theirs's may not take them.
    let ours_handed_out = b.next_id.span..ours.next_id.span;
    let ours_relations_handed_out = b.next_id.relation..ours.next_id.relation;
    // Theirs's ids in the result: a span added on both sides takes ours's id; one added
    // with an id ours uses for another span, or handed out since the fork, gets a new one.
    let ours_conflict_ids: HashSet<SpanId> = ours.conflicts.iter().map(|c| c.span).collect();
    let mut ours_added_at: HashMap<(&str, usize, usize), Vec<SpanId>> = HashMap::new();
    for o in o_spans.values().filter(|o| !b_spans.contains_key(&o.id)) {
        let place = (o.label.as_str(), o.start, o.end);
        ours_added_at.entry(place).or_default().push(o.id);
    }
    let mut twin_of_ours: HashMap<SpanId, SpanId> = HashMap::new();
    let mut span_map: HashMap<SpanId, SpanId> = HashMap::new();
    for t in t_spans.values().filter(|t| !b_spans.contains_key(&t.id)) {
        let free = |id: &&SpanId| !twin_of_ours.contains_key(*id);
        let twin = ours_added_at
            .get(&(t.label.as_str(), t.start, t.end))
            .and_then(|ids| {
                let same_id = ids.iter().filter(free).find(|&&id| id == t.id);
                same_id.or_else(|| ids.iter().find(free)).copied()
            });
        if let Some(o) = twin {
            twin_of_ours.insert(o, t.id);
            span_map.insert(t.id, o);
        } else if o_spans.contains_key(&t.id)
            || ours_conflict_ids.contains(&t.id)
            || ours_handed_out.contains(&t.id)
        {
            span_map.insert(t.id, next_span);
            next_span = next_span.saturating_add(1);
            summary.renumbered += 1;
        }
    }
    let theirs_id = |id: SpanId| span_map.get(&id).copied().unwrap_or(id);
    let t_spans: BTreeMap<SpanId, Span> = t_spans
        .values()
        .map(|t| {
            let id = theirs_id(t.id);
            (id, Span { id, ..(*t).clone() })
        })
        .collect();
    let theirs_relations: Vec<Relation> = theirs
        .relations
        .iter()
        .map(|r| Relation {
            from: theirs_id(r.from),
            to: theirs_id(r.to),
            ..r.clone()
        })
        .collect();
    let b_relations = by_id(&b.relations, |r| r.id);
    let o_relations = by_id(&ours.relations, |r| r.id);
    let t_relations = by_id(&theirs_relations, |r| r.id);
    // The spans each side linked by a relation it added or changed: deleting one on the
    // other side is a conflict.
    let linked_anew = |relations: &BTreeMap<u64, &Relation>| -> HashSet<SpanId> {
        relations
            .values()
            .filter(|r| b_relations.get(&r.id) != Some(*r))
            .flat_map(|r| [r.from, r.to])
            .collect()
    };
    let ours_linked = linked_anew(&o_relations);
    let theirs_linked = linked_anew(&t_relations);

    // Spans.
    let mut spans = Vec::with_capacity(ours.spans.len().max(theirs.spans.len()));
    let mut conflicts = Vec::new();
    let ids: BTreeSet<SpanId> = b_spans
        .keys()
        .chain(o_spans.keys())
        .chain(t_spans.keys())
        .copied()
        .collect();
    for id in ids {
        match (b_spans.get(&id), o_spans.get(&id), t_spans.get(&id)) {
            (Some(b), Some(o), Some(t)) => {
                summary.from_ours += usize::from(o != b);
                summary.from_theirs += usize::from(t != *b);
                let (span, conflict) = merge_span(b, o, t, &mut summary.notes);
                spans.push(span);
                conflicts.extend(conflict);
            }
            (Some(b), None, Some(t)) => {
                if t == *b && !theirs_linked.contains(&id) {
                    summary.from_ours += 1;
                    continue;
                }
                summary.notes.push(format!(
                    "{}: deleted on ours, {} on theirs; kept, to review",
                    describe(t),
                    if t == *b { "linked anew" } else { "changed" }
                ));
                spans.push(t.clone());
                conflicts.push(Conflict {
                    span: id,
                    ours: None,
                    theirs: Some(t.clone()),
                });
            }
            (Some(b), Some(o), None) => {
                if o == b && !ours_linked.contains(&id) {
                    summary.from_theirs += 1;
                    continue;
                }
                summary.notes.push(format!(
                    "{}: deleted on theirs, {} on ours; kept, to review",
                    describe(o),
                    if o == b { "linked anew" } else { "changed" }
                ));
                spans.push((*o).clone());
                conflicts.push(Conflict {
                    span: id,
                    ours: Some((*o).clone()),
                    theirs: None,
                });
            }
            (None, Some(o), Some(t)) => {
                summary.added_both += 1;
                let (span, conflict) = merge_span(&blank(id), o, t, &mut summary.notes);
                spans.push(span);
                conflicts.extend(conflict);
            }
            (None, Some(o), None) => {
                summary.from_ours += 1;
                spans.push((*o).clone());
            }
            (None, None, Some(t)) => {
                summary.from_theirs += 1;
                spans.push(t.clone());
            }
            (Some(_), None, None) | (None, None, None) => {}
        }
    }
    summary.conflicts = conflicts.len();

    // Conflicts of earlier merges: a record stays unless one side removed it (resolved)
    // and the other left it as the base had it.
    let theirs_conflicts: Vec<Conflict> = theirs
        .conflicts
        .iter()
        .map(|c| {
            let span = theirs_id(c.span);
            let follow = |v: &Option<Span>| {
                v.clone().map(|v| Span {
                    id: if span != c.span { span } else { v.id },
                    ..v
                })
            };
            Conflict {
                span,
                ours: follow(&c.ours),
                theirs: follow(&c.theirs),
            }
        })
        .collect();
    let mut carried: Vec<Conflict> = Vec::new();
    for (side, other) in [
        (&ours.conflicts, &theirs_conflicts),
        (&theirs_conflicts, &ours.conflicts),
    ] {
        for c in side {
            if (!b.conflicts.contains(c) || other.contains(c)) && !carried.contains(c) {
                carried.push(c.clone());
            }
        }
    }
    summary.conflicts_carried = carried.len();
    let mut span_ids: HashSet<SpanId> = spans.iter().map(|s| s.id).collect();
    for c in &carried {
        if span_ids.contains(&c.span) {
            continue;
        }
        // Its span was deleted cleanly, yet the record is unresolved: bring it back.
        if let Some(version) = c.ours.as_ref().or(c.theirs.as_ref()) {
            let span = Span {
                id: c.span,
                ..version.clone()
            };
            summary.notes.push(format!(
                "{}: kept, an unresolved conflict names it",
                describe(&span)
            ));
            span_ids.insert(c.span);
            spans.push(span);
        }
    }
    conflicts.extend(carried);
    conflicts.sort_by_key(|c| c.span);

    let relations = merge_relations(
        &b_relations,
        &o_relations,
        &t_relations,
        &span_ids,
        ours_relations_handed_out,
        &mut next_relation,
        &mut summary,
    );
    let suggestions = merge_suggestions(
        &b.suggestions,
        &ours.suggestions,
        &theirs.suggestions,
        &spans,
        &mut summary.notes,
    );

    // The document's own fields.
    let article = match take(base.map(|b| &b.article), &ours.article, &theirs.article) {
        Take::Ours => ours.article.clone(),
        Take::Theirs => theirs.article.clone(),
        Take::Both => {
            summary.notes.push(
                "the article record (its hash) changed on both sides: ours's kept; spantag \
                 re-anchors the spans when the article is opened"
                    .into(),
            );
            ours.article.clone()
        }
    };
    let source = match take(base.map(|b| &b.source), &ours.source, &theirs.source) {
        Take::Ours => ours.source.clone(),
        Take::Theirs => theirs.source.clone(),
        Take::Both => {
            summary.notes.push(
                "the source record (how the text was extracted) changed on both sides: ours's \
                 kept; spantag re-anchors the spans when the article is opened"
                    .into(),
            );
            ours.source.clone()
        }
    };
    let citation = merge_citation(
        base.and_then(|b| b.citation.as_ref()),
        ours.citation.as_ref(),
        theirs.citation.as_ref(),
        &mut summary.notes,
    );
    let annotator = match take(
        base.map(|b| &b.annotator),
        &ours.annotator,
        &theirs.annotator,
    ) {
        Take::Ours => ours.annotator.clone(),
        Take::Theirs => theirs.annotator.clone(),
        Take::Both => {
            summary
                .notes
                .push("the annotator changed on both sides: ours's kept".into());
            ours.annotator.clone()
        }
    };
    let status = match take(base.map(|b| &b.status), &ours.status, &theirs.status) {
        Take::Ours => ours.status,
        Take::Theirs => theirs.status,
        Take::Both => {
            let rank = |s: Status| s as u8;
            let less = if rank(theirs.status) < rank(ours.status) {
                theirs.status
            } else {
                ours.status
            };
            summary.notes.push(format!(
                "the status changed on both sides ({:?} on ours, {:?} on theirs): {less:?}, \
                 the less advanced, kept",
                ours.status, theirs.status
            ));
            less
        }
    };
    let next_id = NextIds {
        span: spans
            .iter()
            .map(|s| s.id.saturating_add(1))
            .fold(next_span, SpanId::max),
        relation: next_relation,
    };
    let merged = Sidecar {
        format: "spantag".into(),
        version: VERSION,
        article,
        source,
        citation,
        annotator,
        status,
        next_id,
        spans,
        relations,
        suggestions,
        conflicts,
    };
    (merged, summary)
}

/// Merges the citation field by field, three-way (a missing record is a citation with no
/// field known): a field changed on one side takes that side's value; changed differently
/// on both, ours's is kept and a note says so.
fn merge_citation(
    base: Option<&Citation>,
    ours: Option<&Citation>,
    theirs: Option<&Citation>,
    notes: &mut Vec<String>,
) -> Option<Citation> {
    let none = Citation::default();
    let (base, ours, theirs) = (
        base.unwrap_or(&none),
        ours.unwrap_or(&none),
        theirs.unwrap_or(&none),
    );
    let mut merged = ours.clone();
    for field in CitationField::ALL {
        let (o, t) = (ours.get(field), theirs.get(field));
        match take(Some(base.get(field)), o, t) {
            Take::Ours => {}
            Take::Theirs => t.clone_into(merged.get_mut(field)),
            Take::Both => notes.push(format!(
                "the citation's {} changed on both sides ({o:?} on ours, {t:?} on theirs): \
                 ours's kept",
                field.key()
            )),
        }
    }
    (!merged.is_empty()).then_some(merged)
}

/// Merges one span's three versions group by group. Returns the span for the span list
/// (ours's values in the groups changed differently on both sides) and, when there are
/// such groups, the conflict holding both versions.
fn merge_span(
    base: &Span,
    ours: &Span,
    theirs: &Span,
    notes: &mut Vec<String>,
) -> (Span, Option<Conflict>) {
    let mut m = SpanMerge {
        base,
        ours,
        theirs,
        as_ours: ours.clone(),
        as_theirs: ours.clone(),
        clashes: Vec::new(),
    };
    m.group(
        "position",
        |a, b| {
            (a.start, a.end, &a.text, &a.prefix, &a.suffix, a.anchor)
                == (b.start, b.end, &b.text, &b.prefix, &b.suffix, b.anchor)
        },
        |to, from| {
            (to.start, to.end, to.anchor) = (from.start, from.end, from.anchor);
            to.text.clone_from(&from.text);
            to.prefix.clone_from(&from.prefix);
            to.suffix.clone_from(&from.suffix);
        },
    );
    m.group(
        "label",
        |a, b| a.label == b.label,
        |to, from| to.label.clone_from(&from.label),
    );
    m.group(
        "note",
        |a, b| a.note == b.note,
        |to, from| to.note.clone_from(&from.note),
    );
    m.group(
        "entity",
        |a, b| a.entity == b.entity,
        |to, from| to.entity.clone_from(&from.entity),
    );
    m.group(
        "source",
        |a, b| a.source == b.source,
        |to, from| to.source.clone_from(&from.source),
    );
    let keys: BTreeSet<&String> = [base, ours, theirs]
        .iter()
        .flat_map(|s| s.attrs.keys())
        .collect();
    for key in keys {
        let value = |s: &Span| s.attrs.get(key).cloned();
        let (b, o, t) = (value(base), value(ours), value(theirs));
        let set = |span: &mut Span| match &t {
            Some(v) => {
                span.attrs.insert(key.clone(), v.clone());
            }
            None => {
                span.attrs.remove(key);
            }
        };
        match take(Some(&b), &o, &t) {
            Take::Ours => {}
            Take::Theirs => {
                set(&mut m.as_ours);
                set(&mut m.as_theirs);
            }
            Take::Both => {
                set(&mut m.as_theirs);
                m.clashes.push(format!("attribute {}", short(key)));
            }
        }
    }
    if m.clashes.is_empty() {
        return (m.as_ours, None);
    }
    notes.push(format!(
        "{}: changed differently on both sides ({}); both kept, to review",
        describe(ours),
        m.clashes.join(", ")
    ));
    let conflict = Conflict {
        span: ours.id,
        ours: Some(m.as_ours.clone()),
        theirs: Some(m.as_theirs),
    };
    (m.as_ours, Some(conflict))
}

/// One span being merged: its versions as each side would have it.
struct SpanMerge<'a> {
    base: &'a Span,
    ours: &'a Span,
    theirs: &'a Span,
    /// The clean merge, with ours's values where both sides changed differently.
    as_ours: Span,
    /// The clean merge, with theirs's values there.
    as_theirs: Span,
    clashes: Vec<String>,
}

impl SpanMerge<'_> {
    /// Merges the field group that `same` compares and `copy` copies.
    fn group(
        &mut self,
        name: &str,
        same: impl Fn(&Span, &Span) -> bool,
        copy: impl Fn(&mut Span, &Span),
    ) {
        match take_with(Some(self.base), self.ours, self.theirs, same) {
            Take::Ours => {}
            Take::Theirs => {
                copy(&mut self.as_ours, self.theirs);
                copy(&mut self.as_theirs, self.theirs);
            }
            Take::Both => {
                copy(&mut self.as_theirs, self.theirs);
                self.clashes.push(name.into());
            }
        }
    }
}

/// Merges the relations by id (theirs's already pointing at the result's span ids) and
/// keeps those whose spans are both in the result, sorted by id.
fn merge_relations(
    base: &BTreeMap<u64, &Relation>,
    ours: &BTreeMap<u64, &Relation>,
    theirs: &BTreeMap<u64, &Relation>,
    span_ids: &HashSet<SpanId>,
    ours_handed_out: std::ops::Range<u64>,
    next_relation: &mut u64,
    summary: &mut Summary,
) -> Vec<Relation> {
    let mut kept: Vec<Relation> = Vec::new();
    // Theirs's additions, and theirs's version of one changed differently on both sides:
    // added after ours's, renumbered if ours has or handed out the id, left out if ours
    // has the link.
    let mut theirs_extra: Vec<Relation> = Vec::new();
    let ids: BTreeSet<u64> = base
        .keys()
        .chain(ours.keys())
        .chain(theirs.keys())
        .copied()
        .collect();
    for id in ids {
        let (o, t) = (ours.get(&id).copied(), theirs.get(&id).copied());
        match (base.get(&id).copied(), o, t) {
            (Some(b), Some(o), Some(t)) => match take(Some(b), o, t) {
                Take::Ours => kept.push(o.clone()),
                Take::Theirs => kept.push(t.clone()),
                Take::Both => {
                    summary.notes.push(format!(
                        "relation {id} changed differently on both sides: both kept"
                    ));
                    kept.push(o.clone());
                    theirs_extra.push(t.clone());
                }
            },
            // Deleted on one side: gone, unless the other side changed it.
            (Some(b), None, Some(t)) if t != b => kept.push(t.clone()),
            (Some(b), Some(o), None) if o != b => kept.push(o.clone()),
            (Some(_), _, _) => {}
            (None, o, t) => {
                kept.extend(o.cloned());
                theirs_extra.extend(t.filter(|t| Some(*t) != o).cloned());
            }
        }
    }
    // The links ours added or changed: theirs's alike is the same link, kept once. (A
    // link theirs repeats of its own is theirs's to keep.)
    let links: HashSet<(&str, SpanId, SpanId)> = ours
        .values()
        .filter(|r| base.get(&r.id) != Some(*r))
        .map(|r| (r.kind.as_str(), r.from, r.to))
        .collect();
    let mut used: HashSet<u64> = kept
        .iter()
        .map(|r| r.id)
        .chain(base.keys().copied())
        .chain(ours.keys().copied())
        .collect();
    let theirs_extra: Vec<Relation> = theirs_extra
        .into_iter()
        .filter(|r| !links.contains(&(r.kind.as_str(), r.from, r.to)))
        .collect();
    for mut r in theirs_extra {
        if used.contains(&r.id) || ours_handed_out.contains(&r.id) {
            r.id = *next_relation;
            *next_relation = next_relation.saturating_add(1);
            summary.relations_renumbered += 1;
        }
        used.insert(r.id);
        kept.push(r);
    }
    kept.retain(|r| {
        let sound = span_ids.contains(&r.from) && span_ids.contains(&r.to);
        summary.relations_dropped += usize::from(!sound);
        sound
    });
    kept.sort_by_key(|r| r.id);
    kept
}

/// Merges the suggestion lists by place (the rules are in the module documentation).
fn merge_suggestions(
    base: &[Suggestion],
    ours: &[Suggestion],
    theirs: &[Suggestion],
    spans: &[Span],
    notes: &mut Vec<String>,
) -> Vec<Suggestion> {
    let accepted_spans: HashSet<(usize, usize, &str)> = spans
        .iter()
        .filter_map(|s| match &s.source {
            Source::Imported(model) => Some((s.start, s.end, model.as_str())),
            _ => None,
        })
        .collect();
    // The status of a suggestion whose range and source are `merged`'s.
    let status = |base: SuggestionStatus,
                  o: SuggestionStatus,
                  t: SuggestionStatus,
                  merged: &Suggestion| {
        match take(Some(&base), &o, &t) {
            Take::Ours => o,
            Take::Theirs => t,
            Take::Both => {
                let accepted =
                    accepted_spans.contains(&(merged.start, merged.end, merged.source.as_str()));
                let consistent = |s| (s == SuggestionStatus::Accepted) == accepted;
                if consistent(o) || !consistent(t) {
                    o
                } else {
                    t
                }
            }
        }
    };
    let position_same = |a: &Suggestion, b: &Suggestion| {
        (a.start, a.end, &a.text, a.anchor) == (b.start, b.end, &b.text, b.anchor)
    };
    let rest_same = |a: &Suggestion, b: &Suggestion| {
        (&a.label, &a.source, &a.attrs, &a.entity) == (&b.label, &b.source, &b.attrs, &b.entity)
    };
    let mut merged = Vec::with_capacity(ours.len().max(theirs.len()));
    for (i, b) in base.iter().enumerate() {
        let (o, t) = match (ours.get(i), theirs.get(i)) {
            (Some(o), Some(t)) => (o, t),
            (Some(one), None) | (None, Some(one)) => {
                merged.push(one.clone());
                continue;
            }
            (None, None) => continue,
        };
        let mut s = o.clone();
        if take_with(Some(b), o, t, position_same) == Take::Theirs {
            (s.start, s.end, s.anchor) = (t.start, t.end, t.anchor);
            s.text.clone_from(&t.text);
        }
        if take_with(Some(b), o, t, rest_same) == Take::Theirs {
            s.label.clone_from(&t.label);
            s.source.clone_from(&t.source);
            s.attrs.clone_from(&t.attrs);
            s.entity.clone_from(&t.entity);
        }
        s.status = status(b.status, o.status, t.status, &s);
        if take(Some(&b.status), &o.status, &t.status) == Take::Both {
            notes.push(format!(
                "suggestion {} decided differently on both sides: {}, as the merged spans have it",
                i + 1,
                s.status.as_str()
            ));
        }
        merged.push(s);
    }
    let appended_from = merged.len();
    let ours_new = ours.get(base.len()..).unwrap_or_default();
    merged.extend(ours_new.iter().cloned());
    let mut alike_taken = vec![false; ours_new.len()];
    for t in theirs.get(base.len()..).unwrap_or_default() {
        let alike = (0..ours_new.len()).find(|&j| {
            !alike_taken[j] && rest_same(&ours_new[j], t) && position_same(&ours_new[j], t)
        });
        match alike {
            Some(j) => {
                alike_taken[j] = true;
                let s = &mut merged[appended_from + j];
                s.status = status(SuggestionStatus::Pending, s.status, t.status, &ours_new[j]);
            }
            None => merged.push(t.clone()),
        }
    }
    merged
}
