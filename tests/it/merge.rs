//! Three-way merges of sidecars by span id and of `entities.ron` by entity id: each rule
//! of `spantag::merge` at its worst case, and properties over random edits on two sides.

use proptest::prelude::*;
use spantag::merge::{merge_entities, merge_sidecars, Input, Merged};
use spantag::model::sidecar::{self, decode, Sidecar};
use spantag::model::{
    fixture, Anchor, Conflict, Relation, Source, Span, SpanId, Status, Suggestion,
    SuggestionStatus, Text,
};

const ARTICLE: &str =
    "[actor|Lavrov] met [actor|Shoukry] in [location|Cairo]. Cairo was calm, Shoukry said.";

/// The base: three spans (ids 1 to 3) and a relation 2 → 1, as spantag writes it.
fn base() -> Sidecar {
    let mut doc = fixture::document(ARTICLE);
    doc.apply(spantag::model::Command::Link {
        from: 2,
        to: 1,
        kind: "met".into(),
    })
    .unwrap();
    doc.status = Status::InProgress;
    decode(&sidecar::encode(&doc)).unwrap()
}

fn text() -> Text {
    Text::new(fixture::parse(ARTICLE).0)
}

/// A new span over the `nth` occurrence of `words`.
fn span(id: SpanId, label: &str, words: &str, nth: usize) -> Span {
    let text = text();
    let byte = text.as_str().match_indices(words).nth(nth).unwrap().0;
    let start = text.char_from_byte(byte);
    Span::new(id, label, start..start + words.chars().count(), &text)
}

fn get(s: &Sidecar, id: SpanId) -> Option<&Span> {
    s.spans.iter().find(|s| s.id == id)
}

fn get_mut(s: &mut Sidecar, id: SpanId) -> &mut Span {
    s.spans.iter_mut().find(|s| s.id == id).unwrap()
}

fn delete(s: &mut Sidecar, id: SpanId) {
    s.spans.retain(|s| s.id != id);
    s.relations.retain(|r| r.from != id && r.to != id);
}

/// Adds a span the way the app does: the next id, recorded in `next_id`.
fn add(s: &mut Sidecar, label: &str, words: &str, nth: usize) -> SpanId {
    let id = s.next_id.span;
    s.spans.push(span(id, label, words, nth));
    s.next_id.span += 1;
    id
}

fn link(s: &mut Sidecar, kind: &str, from: SpanId, to: SpanId) -> u64 {
    let id = s.next_id.relation;
    s.relations.push(Relation {
        id,
        kind: kind.into(),
        from,
        to,
    });
    s.next_id.relation += 1;
    id
}

/// Merges the three, checks the result is canonical and sound, and returns it decoded.
fn merge(b: &Sidecar, o: &Sidecar, t: &Sidecar) -> (Merged, Sidecar) {
    let merged = merge_sidecars(&b.encode(), &o.encode(), &t.encode()).unwrap();
    let back = decode(&merged.text).unwrap();
    assert_eq!(
        back.encode(),
        merged.text,
        "canonical: re-encoding changes nothing"
    );
    assert_sound(&back);
    (merged, back)
}

/// Ids unique, every relation's spans and every conflict's span there, `next_id` above all.
fn assert_sound(s: &Sidecar) {
    let ids: std::collections::HashSet<SpanId> = s.spans.iter().map(|s| s.id).collect();
    assert_eq!(ids.len(), s.spans.len(), "span ids unique");
    let rel: std::collections::HashSet<u64> = s.relations.iter().map(|r| r.id).collect();
    assert_eq!(rel.len(), s.relations.len(), "relation ids unique");
    for r in &s.relations {
        assert!(ids.contains(&r.from) && ids.contains(&r.to), "{r:?}");
        assert!(r.id < s.next_id.relation, "{r:?} below next_id");
    }
    for span in &s.spans {
        assert!(span.id < s.next_id.span, "span {} below next_id", span.id);
    }
    for c in &s.conflicts {
        assert!(
            ids.contains(&c.span),
            "conflict of a missing span {}",
            c.span
        );
    }
}

#[test]
fn one_side_unchanged_gives_the_other_side_byte_for_byte() {
    let b = base();
    let mut o = b.clone();
    get_mut(&mut o, 1).label = "person".into();
    let added = add(&mut o, "location", "Cairo", 1);
    link(&mut o, "in", 1, added);
    delete(&mut o, 2);
    o.status = Status::Done;
    o.suggestions
        .push(Suggestion::from_span(span(0, "actor", "Shoukry", 1), "ner"));
    for (ours, theirs) in [(&o, &b), (&b, &o), (&o, &o)] {
        let merged = merge_sidecars(&b.encode(), &ours.encode(), &theirs.encode()).unwrap();
        assert_eq!(merged.text, o.encode());
        assert_eq!(merged.conflicts, 0);
    }
    // Identical inputs in any layout RON allows: the canonical text.
    let spaced = b.encode().replace(",\n", ",\n   ");
    assert_ne!(spaced, b.encode());
    let merged = merge_sidecars(&spaced, &spaced, &spaced).unwrap();
    assert_eq!(merged.text, b.encode());
    assert_eq!(merged.summary.to_string(), "no span changed on either side");
}

#[test]
fn changes_on_one_side_each_are_applied_field_by_field() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    get_mut(&mut o, 1).label = "person".into();
    get_mut(&mut o, 3)
        .attrs
        .insert("kind".into(), "city".into());
    get_mut(&mut t, 1).note = "foreign minister".into();
    get_mut(&mut t, 1).entity = Some("sergei-lavrov".into());
    get_mut(&mut t, 3)
        .attrs
        .insert("country".into(), "Egypt".into());
    // Theirs re-anchored span 2 onto its second mention (position group).
    let moved = span(2, "actor", "Shoukry", 1);
    *get_mut(&mut t, 2) = Span {
        anchor: Anchor::Moved,
        ..moved.clone()
    };
    let (merged, m) = merge(&b, &o, &t);
    assert_eq!(merged.conflicts, 0, "{}", merged.summary);
    let lavrov = get(&m, 1).unwrap();
    assert_eq!(
        (
            lavrov.label.as_str(),
            lavrov.note.as_str(),
            lavrov.entity.as_deref()
        ),
        ("person", "foreign minister", Some("sergei-lavrov"))
    );
    let cairo = get(&m, 3).unwrap();
    assert_eq!(cairo.attrs.len(), 2);
    let shoukry = get(&m, 2).unwrap();
    assert_eq!(
        (shoukry.start, shoukry.anchor),
        (moved.start, Anchor::Moved)
    );
    assert_eq!(m.relations, b.relations);
    assert_eq!(
        (merged.summary.from_ours, merged.summary.from_theirs),
        (2, 3)
    );
}

#[test]
fn both_retag_one_span_differently_a_conflict_keeping_every_clean_change() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    get_mut(&mut o, 3).label = "city".into();
    get_mut(&mut o, 3)
        .attrs
        .insert("kind".into(), "capital".into());
    get_mut(&mut t, 3).label = "place".into();
    get_mut(&mut t, 3).note = "checked".into();
    get_mut(&mut t, 3)
        .attrs
        .insert("kind".into(), "city".into());
    let (merged, m) = merge(&b, &o, &t);
    assert_eq!(merged.conflicts, 1);
    assert_eq!(m.version, 4);
    let [Conflict {
        span: 3,
        ours: Some(ours),
        theirs: Some(theirs),
    }] = m.conflicts.as_slice()
    else {
        panic!("{:?}", m.conflicts)
    };
    // The list holds ours; each version has theirs's clean note.
    assert_eq!(get(&m, 3), Some(ours));
    assert_eq!(
        (ours.label.as_str(), ours.attrs["kind"].as_str()),
        ("city", "capital")
    );
    assert_eq!(
        (theirs.label.as_str(), theirs.attrs["kind"].as_str()),
        ("place", "city")
    );
    assert_eq!(
        (ours.note.as_str(), theirs.note.as_str()),
        ("checked", "checked")
    );
    let lines = merged.summary.lines();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("span 3 (city \"Cairo\")") && l.contains("label, attribute kind")),
        "{lines:?}"
    );
}

#[test]
fn a_note_edited_on_both_sides_is_a_conflict_and_the_same_edit_is_not() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    get_mut(&mut o, 1).note = "minister".into();
    get_mut(&mut t, 1).note = "foreign minister".into();
    get_mut(&mut o, 2).note = "same".into();
    get_mut(&mut t, 2).note = "same".into();
    let (merged, m) = merge(&b, &o, &t);
    assert_eq!(merged.conflicts, 1);
    let c = &m.conflicts[0];
    assert_eq!(c.span, 1);
    assert_eq!(c.ours.as_ref().unwrap().note, "minister");
    assert_eq!(c.theirs.as_ref().unwrap().note, "foreign minister");
    assert_eq!(get(&m, 2).unwrap().note, "same");
}

#[test]
fn deleted_on_one_side_changed_on_the_other_is_kept_as_a_conflict() {
    let b = base();
    // Ours deletes Cairo, theirs retags it.
    let (mut o, mut t) = (b.clone(), b.clone());
    delete(&mut o, 3);
    get_mut(&mut t, 3).label = "city".into();
    let (merged, m) = merge(&b, &o, &t);
    assert_eq!(merged.conflicts, 1);
    assert_eq!(
        m.conflicts,
        [Conflict {
            span: 3,
            ours: None,
            theirs: get(&t, 3).cloned()
        }]
    );
    assert_eq!(
        get(&m, 3).unwrap().label,
        "city",
        "theirs's version in the list"
    );
    // The mirror: theirs deletes, ours changed.
    let (merged, m) = merge(&b, &t, &o);
    assert_eq!(merged.conflicts, 1);
    assert_eq!(m.conflicts[0].ours, get(&t, 3).cloned());
    assert_eq!(m.conflicts[0].theirs, None);
    // Deleted on one side, untouched on the other: deleted, with its relations.
    let (mut o, t) = (b.clone(), b.clone());
    delete(&mut o, 1);
    let (merged, m) = merge(&b, &o, &t);
    assert_eq!(merged.conflicts, 0);
    assert!(get(&m, 1).is_none() && m.relations.is_empty());
    assert_eq!(merged.summary.relations_dropped, 0, "deleted, not dropped");
}

#[test]
fn a_relation_to_a_span_the_other_side_deleted() {
    let b = base();
    // Theirs links Cairo (3) anew while ours deletes it: Cairo is kept, as a conflict.
    let (mut o, mut t) = (b.clone(), b.clone());
    delete(&mut o, 3);
    let r = link(&mut t, "in", 1, 3);
    let (merged, m) = merge(&b, &o, &t);
    assert_eq!(merged.conflicts, 1);
    assert_eq!(m.conflicts[0].ours, None);
    assert!(m.relations.iter().any(|x| x.id == r && x.to == 3));
    assert!(merged
        .summary
        .lines()
        .iter()
        .any(|l| l.contains("linked anew")));
    // Ours deletes Shoukry (2) but a hand edit left its relation; theirs changed that
    // relation's kind: a changed relation is a new link, so Shoukry is kept, a conflict.
    let (mut o, mut t) = (b.clone(), b.clone());
    o.spans.retain(|s| s.id != 2);
    t.relations[0].kind = "greeted".into();
    let (merged, m) = merge(&b, &o, &t);
    assert_eq!(merged.conflicts, 1);
    assert_eq!(m.relations[0].kind, "greeted");
    // Both sides left the relation as it was: it goes with its span, counted.
    let (mut o, t) = (b.clone(), b.clone());
    o.spans.retain(|s| s.id != 2);
    let (merged, m) = merge(&b, &o, &t);
    assert_eq!((merged.conflicts, merged.summary.relations_dropped), (0, 1));
    assert!(m.relations.is_empty() && get(&m, 2).is_none());
    assert!(merged
        .summary
        .lines()
        .contains(&"1 relation left out: a span they link is not in the result".to_string()));
}

#[test]
fn different_spans_added_with_the_same_id_and_linked_are_renumbered_with_their_links() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    let ours_new = add(&mut o, "location", "Cairo", 1);
    let ours_rel = link(&mut o, "in", ours_new, 1);
    let theirs_new = add(&mut t, "actor", "Shoukry", 1);
    let theirs_other = add(&mut t, "claim", "Cairo was calm", 0);
    let theirs_rel = link(&mut t, "said_by", theirs_other, theirs_new);
    link(&mut t, "about", theirs_new, 1);
    assert_eq!((ours_new, theirs_new, ours_rel, theirs_rel), (4, 4, 2, 2));
    let (merged, m) = merge(&b, &o, &t);
    assert_eq!(merged.conflicts, 0, "{}", merged.summary);
    assert_eq!(get(&m, 4).unwrap().label, "location", "ours keeps its id");
    // Theirs's 4 collides and is renumbered above every id and next_id (theirs's next is
    // 6): 6. Theirs's 5 does not collide and keeps its id.
    assert_eq!(get(&m, 6).unwrap().text, "Shoukry");
    assert_eq!(get(&m, 5).unwrap().label, "claim");
    let rels: Vec<(u64, &str, SpanId, SpanId)> = m
        .relations
        .iter()
        .map(|r| (r.id, r.kind.as_str(), r.from, r.to))
        .collect();
    assert_eq!(
        rels,
        [
            (1, "met", 2, 1),
            (2, "in", 4, 1),
            (3, "about", 6, 1),
            (4, "said_by", 5, 6)
        ]
    );
    assert_eq!((m.next_id.span, m.next_id.relation), (7, 5));
    assert_eq!(
        (
            merged.summary.renumbered,
            merged.summary.relations_renumbered
        ),
        (1, 1)
    );
    // The other way round, ours's ids stay and theirs's move.
    let (_, m) = merge(&b, &t, &o);
    assert_eq!(get(&m, 4).unwrap().text, "Shoukry");
    assert_eq!(get(&m, 6).unwrap().text, "Cairo");
}

/// Ours tagged span 4 and a relation 2, then deleted both before committing: the ids
/// were written, so theirs's new span 4 and relation 2 must not take them.
#[test]
fn ids_ours_handed_out_and_deleted_since_the_fork_are_not_reused_by_theirs() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    let gone = add(&mut o, "location", "Cairo", 1);
    link(&mut o, "in", gone, 1);
    delete(&mut o, gone);
    let theirs_new = add(&mut t, "actor", "Shoukry", 1);
    link(&mut t, "about", theirs_new, 1);
    assert_eq!((gone, theirs_new), (4, 4));
    let (merged, m) = merge(&b, &o, &t);
    assert_eq!(merged.conflicts, 0, "{}", merged.summary);
    assert!(get(&m, 4).is_none(), "4 named ours's deleted span");
    let shoukry = m
        .spans
        .iter()
        .find(|s| s.text == "Shoukry" && s.id > 3)
        .unwrap();
    assert_eq!(shoukry.id, 5);
    let about = m.relations.iter().find(|r| r.kind == "about").unwrap();
    assert_eq!((about.id, about.from), (3, 5), "relation 2 was ours's too");
    assert_eq!((m.next_id.span, m.next_id.relation), (6, 4));
}

#[test]
fn the_same_span_added_on_both_sides_is_one_span_with_ours_id() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    let ours_cairo = add(&mut o, "location", "Cairo", 1);
    get_mut(&mut o, ours_cairo).note = "again".into();
    let theirs_first = add(&mut t, "claim", "Cairo was calm", 0);
    let theirs_cairo = add(&mut t, "location", "Cairo", 1);
    get_mut(&mut t, theirs_cairo).entity = Some("cairo".into());
    link(&mut t, "in", theirs_first, theirs_cairo);
    assert_eq!((ours_cairo, theirs_first, theirs_cairo), (4, 4, 5));
    let (merged, m) = merge(&b, &o, &t);
    assert_eq!(merged.conflicts, 0, "{}", merged.summary);
    let cairos: Vec<&Span> = m.spans.iter().filter(|s| s.text == "Cairo").collect();
    assert_eq!(cairos.len(), 2, "the base's and one new");
    let cairo = get(&m, 4).unwrap();
    assert_eq!(
        (cairo.note.as_str(), cairo.entity.as_deref()),
        ("again", Some("cairo"))
    );
    // Theirs's claim had id 4, taken by ours: renumbered above everything (next 6).
    assert_eq!(get(&m, 6).unwrap().label, "claim");
    assert_eq!(
        m.relations[1],
        Relation {
            id: 2,
            kind: "in".into(),
            from: 6,
            to: 4
        }
    );
    assert_eq!(merged.summary.added_both, 1);
    // Set differently on both: a conflict, against a base with nothing set.
    get_mut(&mut o, ours_cairo).entity = Some("al-qahira".into());
    let (merged, m) = merge(&b, &o, &t);
    assert_eq!(merged.conflicts, 1);
    assert_eq!(m.conflicts[0].span, 4);
    assert_eq!(m.conflicts[0].theirs.as_ref().unwrap().note, "again");
}

#[test]
fn a_file_added_on_both_sides_merges_against_an_empty_base() {
    let b = base();
    for empty in ["", " \n\t"] {
        let merged = merge_sidecars(empty, &b.encode(), &b.encode()).unwrap();
        assert_eq!(merged.text, b.encode());
        assert_eq!(merged.summary.added_both, 3);
    }
    // Set differently on both: a conflict; another label over the range: another span.
    let mut t = b.clone();
    get_mut(&mut t, 1).label = "person".into();
    get_mut(&mut t, 2).note = "theirs".into();
    let mut o = b.clone();
    get_mut(&mut o, 2).note = "ours".into();
    t.status = Status::Done;
    let merged = merge_sidecars("", &o.encode(), &t.encode()).unwrap();
    let m = decode(&merged.text).unwrap();
    assert_eq!(merged.conflicts, 1, "the note set differently on both");
    assert_eq!(m.conflicts[0].span, 2);
    assert_eq!(merged.summary.renumbered, 1, "theirs's person needs an id");
    let lavrovs: Vec<(SpanId, &str)> = m
        .spans
        .iter()
        .filter(|s| s.start == 0)
        .map(|s| (s.id, s.label.as_str()))
        .collect();
    assert_eq!(lavrovs, [(1, "actor"), (4, "person")]);
    assert_eq!(m.status, Status::InProgress, "the less advanced");
}

#[test]
fn conflicts_of_an_earlier_merge_are_carried_until_resolved() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    get_mut(&mut o, 3).label = "city".into();
    get_mut(&mut t, 3).label = "place".into();
    let first = merge(&b, &o, &t).1;
    assert_eq!(first.conflicts.len(), 1);
    // Ours goes on from the merge; theirs from its own version, tagging one more span.
    let mut later_theirs = t.clone();
    add(&mut later_theirs, "actor", "Shoukry", 1);
    let mut later_ours = first.clone();
    get_mut(&mut later_ours, 1).note = "x".into();
    let (merged, m) = merge(&t, &later_ours, &later_theirs);
    assert_eq!((merged.conflicts, merged.summary.conflicts_carried), (0, 1));
    assert_eq!(m.conflicts, first.conflicts, "carried unchanged");
    assert!(merged
        .summary
        .lines()
        .iter()
        .any(|l| l.contains("carried over")));
    // Resolved on one side (theirs's version chosen), untouched on the other: resolved.
    let mut resolved = first.clone();
    let theirs_version = resolved.conflicts.remove(0).theirs.unwrap();
    *get_mut(&mut resolved, 3) = theirs_version;
    let (merged, m) = merge(&first, &first, &resolved);
    assert_eq!((merged.conflicts, m.conflicts.len()), (0, 0));
    assert_eq!(get(&m, 3).unwrap().label, "place");
    // The span of an unresolved record, deleted on one side and untouched on the other,
    // is brought back.
    let mut hand = b.clone();
    hand.conflicts = first.conflicts.clone();
    hand.spans.retain(|s| s.id != 3);
    let (_, m) = merge(&b, &hand, &b);
    assert_eq!(get(&m, 3).unwrap().label, "city", "ours's version restored");
}

#[test]
fn document_fields_merge_three_way() {
    let b = base();
    let (mut o, mut t) = (b.clone(), b.clone());
    o.status = Status::Done;
    t.status = Status::NotStarted;
    o.annotator = Some("ana".into());
    t.annotator = Some("bo".into());
    t.article.sha256 = "new".into();
    let (merged, m) = merge(&b, &o, &t);
    assert_eq!(m.status, Status::NotStarted, "someone still has to finish");
    assert_eq!(m.annotator.as_deref(), Some("ana"));
    assert_eq!(m.article.sha256, "new", "changed on theirs only");
    assert_eq!(merged.conflicts, 0);
    let lines = merged.summary.lines();
    assert!(
        lines.iter().any(|l| l.contains("status changed on both")),
        "{lines:?}"
    );
    // Done on one side only is taken.
    let mut done = b.clone();
    done.status = Status::Done;
    assert_eq!(merge(&b, &b, &done).1.status, Status::Done);
}

#[test]
fn suggestions_merge_by_place_and_decisions_follow_the_spans() {
    let mut b = base();
    let lavrov = Suggestion::from_span(span(0, "actor", "Shoukry", 1), "ner");
    let calm = Suggestion::from_span(span(0, "claim", "Cairo was calm", 0), "ner");
    b.suggestions = vec![lavrov.clone(), calm.clone()];
    let (mut o, mut t) = (b.clone(), b.clone());
    // Suggestion 1: ours accepts (adding its span), theirs rejects: accepted.
    o.suggestions[0].status = SuggestionStatus::Accepted;
    let id = add(&mut o, "actor", "Shoukry", 1);
    get_mut(&mut o, id).source = Source::Imported("ner".into());
    t.suggestions[0].status = SuggestionStatus::Rejected;
    // Suggestion 2: ours accepts without a span (hand edit), theirs rejects: rejected.
    o.suggestions[1].status = SuggestionStatus::Accepted;
    t.suggestions[1].status = SuggestionStatus::Rejected;
    // Appended: one alike on both (kept once), one each.
    let both = Suggestion::from_span(span(0, "location", "Cairo", 1), "ner2");
    let only_ours = Suggestion::from_span(span(0, "actor", "Lavrov", 0), "ner2");
    let only_theirs = Suggestion::from_span(span(0, "actor", "Shoukry", 0), "ner2");
    o.suggestions.extend([only_ours.clone(), both.clone()]);
    t.suggestions.extend([both.clone(), only_theirs.clone()]);
    let (_, m) = merge(&b, &o, &t);
    let statuses: Vec<(&str, SuggestionStatus)> = m
        .suggestions
        .iter()
        .map(|s| (s.text.as_str(), s.status))
        .collect();
    use SuggestionStatus::*;
    assert_eq!(
        statuses,
        [
            ("Shoukry", Accepted),
            ("Cairo was calm", Rejected),
            ("Lavrov", Pending),
            ("Cairo", Pending),
            ("Shoukry", Pending)
        ]
    );
    assert_eq!(m.version, 3);
    // Theirs moved suggestion 2 (re-anchored): the position is theirs's.
    let mut t2 = b.clone();
    t2.suggestions[1].anchor = Anchor::Orphaned;
    assert_eq!(merge(&b, &b, &t2).1.suggestions[1].anchor, Anchor::Orphaned);
}

#[test]
fn garbage_and_broken_ids_are_errors_naming_the_input_and_the_line() {
    let good = base().encode();
    let broken = good.replace("label: \"location\"", "label: 7");
    let line = broken.lines().position(|l| l.contains("label: 7")).unwrap() + 1;
    for (args, input) in [
        ([&broken, &good, &good], Input::Base),
        ([&good, &broken, &good], Input::Ours),
        ([&good, &good, &broken], Input::Theirs),
    ] {
        let e = merge_sidecars(args[0], args[1], args[2]).unwrap_err();
        assert_eq!((e.input, e.line), (input, line), "{e}");
        assert!(e.col > 1);
        assert!(
            e.to_string()
                .starts_with(&format!("{input}: line {line}, column ")),
            "{e}"
        );
    }
    let e = merge_sidecars(&good, "", &good).unwrap_err();
    assert_eq!(e.input, Input::Ours);
    let e = merge_sidecars(&good, &good, "\u{0}\u{ff}garbage").unwrap_err();
    assert_eq!(e.input, Input::Theirs);
    let newer = good.replace("version: 2", "version: 99");
    let e = merge_sidecars(&good, &newer, &good).unwrap_err();
    assert_eq!(e.line, 4, "{e}");
    assert!(e.message.contains("newer"), "{e}");
    // Two spans with one id: refused at the second (the merge matches by id).
    let mut twice = base();
    twice.spans[1].id = 1;
    twice.relations.clear();
    let twice = twice.encode();
    let e = merge_sidecars(&good, &good, &twice).unwrap_err();
    let lines: Vec<&str> = twice.lines().collect();
    let second = lines
        .iter()
        .rposition(|l| l.contains("(id: 1, label"))
        .unwrap()
        + 1;
    assert_eq!((e.input, e.line, e.col), (Input::Theirs, second, 10), "{e}");
    assert!(e.message.contains("span id 1 is used twice"), "{e}");
}

const ENTITIES: &str = r#"(
    entities: [
        (id: "sergei-lavrov", name: "Sergei Lavrov", label: "actor", aliases: ["Lavrov"], external: {"wikidata": "Q40398"}),
        (id: "cairo", name: "Cairo", label: "location"),
        (id: "libya", name: "Libya", label: "location"),
    ],
)"#;

fn entities(edit: &str, to: &str) -> String {
    assert!(ENTITIES.contains(edit), "{edit}");
    ENTITIES.replace(edit, to)
}

#[test]
fn entities_merge_by_id() {
    let same = merge_entities(ENTITIES, ENTITIES, ENTITIES).unwrap();
    let canonical = spantag::model::Entities::parse(ENTITIES).unwrap().encode();
    assert_eq!(
        (same.text.as_str(), same.conflicts),
        (canonical.as_str(), 0)
    );
    // Renamed differently on both: ours's name, theirs's an alias, nothing lost.
    let ours = entities(
        "name: \"Cairo\"",
        "name: \"Al-Qahira\", aliases: [\"Cairo\"]",
    );
    let theirs = entities(
        "name: \"Cairo\", label: \"location\"",
        "name: \"Kairo\", label: \"location\", aliases: [\"Cairo\", \"Masr\"]",
    );
    let m = merge_entities(ENTITIES, &ours, &theirs).unwrap();
    assert_eq!(m.conflicts, 0);
    assert_eq!(m.summary.names_kept_as_aliases, 1);
    assert!(m.text.contains(
        "(id: \"cairo\", name: \"Al-Qahira\", label: \"location\", aliases: [\"Cairo\", \"Masr\", \"Kairo\"]"
    ), "{}", m.text);
    // Aliases as a set: an alias removed on one side is removed; additions kept.
    let ours = entities("aliases: [\"Lavrov\"]", "aliases: []");
    let theirs = entities(
        "aliases: [\"Lavrov\"]",
        "aliases: [\"Lavrov\", \"S. Lavrov\"]",
    );
    let m = merge_entities(ENTITIES, &ours, &theirs).unwrap();
    assert!(m.text.contains("aliases: [\"S. Lavrov\"]"), "{}", m.text);
    // External id and label changed differently, and deleted vs changed: ours's, counted.
    let ours = entities("\"Q40398\"", "\"Q1\"").replace(
        "        (id: \"libya\", name: \"Libya\", label: \"location\"),\n",
        "",
    );
    let theirs = entities("\"Q40398\"", "\"Q2\"")
        .replace(
            "name: \"Libya\"",
            "name: \"Libya\", external: {\"geonames\": \"2215636\"}",
        )
        .replace("label: \"actor\"", "label: \"person\"");
    let ours = ours.replace("label: \"actor\"", "label: \"minister\"");
    let m = merge_entities(ENTITIES, &ours, &theirs).unwrap();
    assert_eq!(m.conflicts, 3, "{}", m.summary);
    assert!(m.text.contains("\"wikidata\": \"Q1\""));
    assert!(m.text.contains("label: \"minister\""));
    assert!(
        m.text.contains("\"geonames\": \"2215636\""),
        "the changed entity is kept"
    );
    let lines = m.summary.lines();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("deleted on ours, changed on theirs")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("wikidata id Q1 on ours, Q2 on theirs")),
        "{lines:?}"
    );
    // Added on both alike, and one side only; deleted on one side, untouched on the other.
    let ours = entities(
        "],\n)",
        "    (id: \"tunis\", name: \"Tunis\", label: \"location\"),\n    ],\n)",
    );
    let theirs = ours.replace(
        "        (id: \"libya\", name: \"Libya\", label: \"location\"),\n",
        "",
    );
    let m = merge_entities(ENTITIES, &ours, &theirs).unwrap();
    assert_eq!((m.conflicts, m.summary.added_both), (0, 1));
    assert!(m.text.contains("tunis") && !m.text.contains("libya"));
    let m = merge_entities("", &ours, &ours).unwrap();
    assert_eq!(
        m.text,
        spantag::model::Entities::parse(&ours).unwrap().encode()
    );
    // Garbage.
    let e = merge_entities(ENTITIES, ENTITIES, "(entities: [(id: 3)])").unwrap_err();
    assert_eq!((e.input, e.line), (Input::Theirs, 1));
    let e = merge_entities("nonsense", ENTITIES, ENTITIES).unwrap_err();
    assert_eq!(e.input, Input::Base);
}

/// One random edit a side makes, as the app makes them.
#[derive(Clone, Debug)]
enum Edit {
    Retag(usize, u8),
    Note(usize, u8),
    Attr(usize, u8),
    Entity(usize, u8),
    Move(usize, usize),
    Delete(usize),
    Add(usize, u8),
    Link(usize, usize),
    Unlink(usize),
    Status(u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0..3u8).prop_map(|(i, l)| Edit::Retag(i, l)),
        (any::<usize>(), 0..3u8).prop_map(|(i, n)| Edit::Note(i, n)),
        (any::<usize>(), 0..3u8).prop_map(|(i, n)| Edit::Attr(i, n)),
        (any::<usize>(), 0..2u8).prop_map(|(i, n)| Edit::Entity(i, n)),
        (any::<usize>(), any::<usize>()).prop_map(|(i, w)| Edit::Move(i, w)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), 0..3u8).prop_map(|(w, l)| Edit::Add(w, l)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Link(a, b)),
        any::<usize>().prop_map(Edit::Unlink),
        (0..3u8).prop_map(Edit::Status),
    ]
}

const WORDS: [(&str, usize); 6] = [
    ("Lavrov", 0),
    ("Shoukry", 0),
    ("Cairo", 0),
    ("Cairo", 1),
    ("Shoukry", 1),
    ("calm", 0),
];
const LABELS: [&str; 3] = ["actor", "location", "claim"];

fn apply(s: &mut Sidecar, edits: &[Edit]) {
    for e in edits {
        let n = s.spans.len();
        match *e {
            Edit::Add(w, l) => {
                let (words, nth) = WORDS[w % WORDS.len()];
                add(s, LABELS[l as usize], words, nth);
            }
            Edit::Status(k) => {
                s.status = [Status::NotStarted, Status::InProgress, Status::Done][k as usize]
            }
            Edit::Unlink(i) if !s.relations.is_empty() => {
                let i = i % s.relations.len();
                s.relations.remove(i);
            }
            _ if n == 0 => {}
            Edit::Retag(i, l) => s.spans[i % n].label = LABELS[l as usize].into(),
            Edit::Note(i, v) => s.spans[i % n].note = format!("note {v}"),
            Edit::Attr(i, v) => {
                s.spans[i % n].attrs.insert("kind".into(), format!("{v}"));
            }
            Edit::Entity(i, v) => s.spans[i % n].entity = Some(format!("e{v}")),
            Edit::Move(i, w) => {
                let (words, nth) = WORDS[w % WORDS.len()];
                let old = &s.spans[i % n];
                let moved = span(old.id, &old.label, words, nth);
                let old = &mut s.spans[i % n];
                (old.start, old.end, old.text) = (moved.start, moved.end, moved.text);
                (old.prefix, old.suffix) = (moved.prefix, moved.suffix);
            }
            Edit::Delete(i) => {
                let id = s.spans[i % n].id;
                delete(s, id);
            }
            Edit::Link(a, b) => {
                let (from, to) = (s.spans[a % n].id, s.spans[b % n].id);
                if from != to {
                    link(s, "rel", from, to);
                }
            }
            Edit::Unlink(_) => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever two sides do to a random base: the result decodes, is canonical and sound,
    /// and every span a side added or changed is in it or in a conflict record.
    #[test]
    fn random_edits_on_two_sides_never_lose_a_span(
        base_edits in prop::collection::vec(edit(), 0..8),
        ours_edits in prop::collection::vec(edit(), 0..8),
        theirs_edits in prop::collection::vec(edit(), 0..8),
    ) {
        let mut b = base();
        apply(&mut b, &base_edits);
        let (mut o, mut t) = (b.clone(), b.clone());
        apply(&mut o, &ours_edits);
        apply(&mut t, &theirs_edits);
        let (merged, m) = merge(&b, &o, &t);
        prop_assert_eq!(merged.conflicts, merged.summary.conflicts);
        // Every version of a span the result holds: the list and both sides of each record.
        let versions: Vec<&Span> = m
            .spans
            .iter()
            .chain(m.conflicts.iter().flat_map(|c| c.ours.iter().chain(&c.theirs)))
            .collect();
        for (side, other) in [(&o, &t), (&t, &o)] {
            for s in &side.spans {
                let in_base = b.spans.iter().find(|x| x.id == s.id);
                if in_base == Some(s) {
                    continue;
                }
                let other_same = other.spans.iter().find(|x| x.id == s.id);
                if let (Some(in_base), false) = (in_base, other_same == in_base) {
                    // Changed on both sides (or changed here, deleted there): the span is
                    // in the list under its id, and each field only this side changed is
                    // there as this side made it (in the list or a record's version).
                    prop_assert!(m.spans.iter().any(|x| x.id == s.id), "lost {:?}", s);
                    let theirs_kept = |f: &dyn Fn(&Span) -> String| {
                        other_same.is_none_or(|x| f(x) == f(in_base))
                    };
                    let fields: [&dyn Fn(&Span) -> String; 3] = [
                        &|x| x.label.clone(),
                        &|x| x.note.clone(),
                        &|x| format!("{}..{}", x.start, x.end),
                    ];
                    for f in fields {
                        if theirs_kept(f) {
                            prop_assert!(
                                versions.iter().any(|x| x.id == s.id && f(x) == f(s)),
                                "lost {} of {:?}\n{}", f(s), s, merged.text
                            );
                        }
                    }
                } else {
                    // Added here, or changed here and untouched there: a version with its
                    // label and range holds every field it set.
                    let holds = |x: &&Span| {
                        (x.start, x.end, &x.label) == (s.start, s.end, &s.label)
                            && (s.note.is_empty() || x.note == s.note)
                            && (s.entity.is_none() || x.entity == s.entity)
                            && s.attrs.iter().all(|(k, v)| x.attrs.get(k) == Some(v))
                    };
                    prop_assert!(versions.iter().any(holds), "lost {:?}\n{}", s, merged.text);
                }
            }
        }
        for side in [&b, &o, &t] {
            prop_assert!(m.next_id.span >= side.next_id.span);
            prop_assert!(m.next_id.relation >= side.next_id.relation);
        }
        // One side unchanged: the other side, byte for byte.
        prop_assert_eq!(merge_sidecars(&b.encode(), &o.encode(), &b.encode()).unwrap().text, o.encode());
        prop_assert_eq!(merge_sidecars(&b.encode(), &b.encode(), &t.encode()).unwrap().text, t.encode());
    }

    /// Random bytes and cut-off or bit-flipped sidecars, in any of the three places, are
    /// errors or merges, never panics.
    #[test]
    fn broken_inputs_never_panic(
        cut in any::<usize>(),
        flip in any::<(usize, u8)>(),
        noise in prop::collection::vec(any::<u8>(), 0..200),
        place in 0..3usize,
    ) {
        let mut good = base();
        apply(&mut good, &[Edit::Add(3, 1), Edit::Link(0, 3), Edit::Note(1, 1)]);
        good.suggestions.push(Suggestion::from_span(span(0, "actor", "Shoukry", 1), "ner"));
        good.conflicts.push(Conflict { span: 1, ours: None, theirs: good.spans.first().cloned() });
        let good = good.encode();
        let mut cut_at = cut % (good.len() + 1);
        while !good.is_char_boundary(cut_at) {
            cut_at -= 1;
        }
        let mut flipped = good.clone().into_bytes();
        let at = flip.0 % flipped.len();
        flipped[at] ^= flip.1;
        let broken = [
            good[..cut_at].to_string(),
            String::from_utf8_lossy(&flipped).into_owned(),
            String::from_utf8_lossy(&noise).into_owned(),
        ];
        for bad in &broken {
            let mut args = [good.as_str(); 3];
            args[place] = bad;
            if let Ok(m) = merge_sidecars(args[0], args[1], args[2]) {
                prop_assert!(decode(&m.text).is_ok(), "{}", m.text);
            }
            let _ = merge_entities(args[0], args[1], args[2]);
            let _ = merge_entities(bad, ENTITIES, bad);
        }
    }
}

#[test]
fn the_citation_merges_field_by_field_and_ours_wins_a_field_changed_on_both() {
    use spantag::model::Citation;
    let mut b = base();
    b.citation = Some(Citation {
        title: "Talks".into(),
        outlet: "Reuters".into(),
        ..Citation::default()
    });
    let (mut o, mut t) = (b.clone(), b.clone());
    let (ours, theirs) = (o.citation.as_mut().unwrap(), t.citation.as_mut().unwrap());
    ours.title = "Talks resume".into();
    ours.byline = "A. Writer".into();
    theirs.title = "Talks in Cairo".into();
    theirs.url = "https://example.org/a".into();
    theirs.outlet.clear();
    let (merged, back) = merge(&b, &o, &t);
    assert_eq!(
        back.citation,
        Some(Citation {
            title: "Talks resume".into(),
            byline: "A. Writer".into(),
            outlet: String::new(),
            published: String::new(),
            url: "https://example.org/a".into(),
        })
    );
    assert_eq!(
        merged.conflicts, 0,
        "a citation field is not a span conflict"
    );
    assert_eq!(
        merged.summary.notes,
        [
            "the citation's title changed on both sides (\"Talks resume\" on ours, \"Talks in \
          Cairo\" on theirs): ours's kept"
        ]
    );
    assert!(merged.text.contains("    version: 5,\n"));
    // A citation emptied on one side and untouched on the other is gone.
    let mut emptied = b.clone();
    emptied.citation = None;
    let (_, back) = merge(&b, &emptied, &b);
    assert_eq!(back.citation, None);
    assert!(!back.encode().contains("citation:"));
}

#[test]
fn the_source_record_takes_the_side_that_changed_and_ours_when_both_did() {
    use spantag::model::sidecar::SourceRecord;
    let record = |extractor: &str, text_sha256: &str| SourceRecord {
        kind: "html".into(),
        extractor: extractor.into(),
        text_sha256: text_sha256.into(),
        pages: Vec::new(),
    };
    let mut b = base();
    b.source = Some(record("x 1", "aa"));
    let mut t = b.clone();
    t.source = Some(record("x 2", "bb"));
    let (merged, back) = merge(&b, &b, &t);
    assert_eq!(back.source, Some(record("x 2", "bb")));
    assert!(merged.summary.notes.is_empty());
    let mut o = b.clone();
    o.source = Some(record("x 3", "cc"));
    let (merged, back) = merge(&b, &o, &t);
    assert_eq!(back.source, Some(record("x 3", "cc")));
    assert_eq!(
        merged.summary.notes,
        [
            "the source record (how the text was extracted) changed on both sides: ours's kept; \
          spantag re-anchors the spans when the article is opened"
        ]
    );
}
