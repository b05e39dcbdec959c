//! Merge conflicts in the real app: a sidecar holding conflicts (as `spantag merge`
//! writes them) listed under Needs review with both versions, decided with O, T and the
//! buttons, saved, and undone.

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use std::path::Path;
use std::time::{Duration, Instant};

use spantag::model::sidecar::{self, Sidecar};
use spantag::model::{Command, Conflict, Document, SpanId};
use spantag::store::{corpus, SaveState};
use spantag::ui::{Selection, SpantagApp};

use crate::gui::{harness, sidecar_of, spans, step_until};

const CLAIM: &str = "Russia is against putting the blame of the crisis on any side";
const NOTE: &str = "the government, not the city";

/// Tags the first occurrence of `words`; returns the span's id.
fn tag(doc: &mut Document, words: &str, label: &str) -> SpanId {
    let byte = doc
        .text()
        .as_str()
        .find(words)
        .expect("words in the article");
    let start = doc.text().char_from_byte(byte);
    doc.apply(Command::Tag {
        char_range: start..start + words.chars().count(),
        label: label.into(),
        attrs: Default::default(),
    })
    .unwrap()
    .focus
    .unwrap()
}

/// The Lavrov article in `dir` with a merged sidecar: Lavrov (1), Moscow (2, retagged
/// actor and noted on theirs), the claim (3, linked to Lavrov, given a verdict on ours
/// and deleted on theirs) and NATO (4, deleted on ours: the list holds theirs).
pub(crate) fn merged_article(dir: &Path) -> std::path::PathBuf {
    let article = dir.join("lavrov-libya.txt");
    std::fs::copy(crate::util::sample("lavrov-libya.txt"), &article).unwrap();
    let (mut doc, _) = corpus::load(&article).unwrap();
    let lavrov = tag(&mut doc, "Sergei Lavrov", "actor");
    let moscow = tag(&mut doc, "Moscow", "location");
    let claim = tag(&mut doc, CLAIM, "claim");
    let nato = tag(&mut doc, "NATO", "actor");
    doc.apply(Command::SetAttr {
        id: claim,
        name: "verdict".into(),
        value: Some("false".into()),
    })
    .unwrap();
    doc.apply(Command::Link {
        from: claim,
        to: lavrov,
        kind: "said_by".into(),
    })
    .unwrap();
    let span = |id| doc.annotations().get(id).unwrap().clone();
    let mut moscow_theirs = span(moscow);
    moscow_theirs.label = "actor".into();
    moscow_theirs.note = NOTE.into();
    doc.conflicts = vec![
        Conflict {
            span: moscow,
            ours: Some(span(moscow)),
            theirs: Some(moscow_theirs),
        },
        Conflict {
            span: claim,
            ours: Some(span(claim)),
            theirs: None,
        },
        Conflict {
            span: nato,
            ours: None,
            theirs: Some(span(nato)),
        },
    ];
    corpus::write_article(&article, &mut doc).unwrap();
    let written = std::fs::read_to_string(sidecar_of(&article)).unwrap();
    assert!(
        written.contains("version: 4,") && written.contains("    conflicts: [\n"),
        "{written}"
    );
    article
}

/// Steps the app until the sidecar on disk satisfies `check`.
fn wait_for_saved(
    harness: &mut Harness<'_, SpantagApp>,
    article: &Path,
    what: &str,
    check: impl Fn(&Sidecar) -> bool,
) -> Sidecar {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        harness.step();
        let text = std::fs::read_to_string(sidecar_of(article)).unwrap();
        if let Ok(parsed) = sidecar::decode(&text) {
            if check(&parsed) {
                return parsed;
            }
        }
        assert!(Instant::now() < deadline, "the sidecar never showed {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn conflicts_of(harness: &Harness<'_, SpantagApp>) -> Vec<SpanId> {
    let doc = &harness.state().workspace.session.as_ref().unwrap().document;
    doc.conflicts.iter().map(|c| c.span).collect()
}

/// Clicks a conflict's entry under Needs review (it selects the span).
fn select_entry(harness: &mut Harness<'_, SpantagApp>, title: &str, id: SpanId) {
    // Further conflicts may be below the fold of the list's own scroll area.
    harness.get_by_label(&format!("⚠ {title}")).scroll_to_me();
    harness.run();
    harness.get_by_label(&format!("⚠ {title}")).click();
    harness.run();
    assert_eq!(harness.state().view.selection, Selection::Span(id));
}

#[test]
fn conflicts_are_listed_with_both_versions_decided_with_o_and_t_saved_and_undone() {
    let dir = tempfile::tempdir().unwrap();
    let article = merged_article(dir.path());
    let mut harness = harness(Some(&article));
    assert_eq!(conflicts_of(&harness), [2, 3, 4]);

    // Needs review lists the three, each with both versions and what differs.
    harness.get_by_label("Needs review (3)");
    harness.get_by_label("3 merge conflicts to decide");
    assert_eq!(harness.query_all_by_label("Ours (this branch)").count(), 3);
    assert_eq!(harness.query_all_by_label("Theirs (merged in)").count(), 3);
    assert_eq!(harness.query_all_by_label("Keep ours (O)").count(), 3);
    assert_eq!(harness.query_all_by_label("Take theirs (T)").count(), 3);
    harness.get_by_label("Differs: label, note");
    harness.get_by_label(&format!("note: {NOTE}"));
    harness.get_by_label("note: none");
    harness.get_by_label("Differs: deleted on theirs");
    harness.get_by_label("Differs: deleted on ours");
    assert_eq!(harness.query_all_by_label("deleted").count(), 2);
    // Each conflicted span is marked in the text; the others are not.
    harness.get_by_role_and_label(egui::Role::Mark, "location: Moscow, merge conflict");
    harness.get_by_role_and_label(egui::Role::Mark, "actor: NATO, merge conflict");
    harness.get_by_role_and_label(egui::Role::Mark, "actor: Sergei Lavrov");

    // NATO was deleted on ours: keeping ours (O) removes it.
    select_entry(&mut harness, "actor: NATO", 4);
    harness.key_press(Key::O);
    harness.run();
    assert!(spans(&harness).iter().all(|s| s.text != "NATO"));
    assert_eq!(conflicts_of(&harness), [2, 3]);
    harness.get_by_label("Needs review (2)");

    // Moscow: the panel with two conflicts, then theirs (T): an actor with a note.
    select_entry(&mut harness, "location: Moscow", 2);
    // Saved first, so the status bar the snapshot shows does not depend on timing.
    step_until(&mut harness, "NATO's removal saved", |h| {
        h.state().save_state() == Some(SaveState::Saved)
    });
    harness.snapshot("conflict_review");
    harness.key_press(Key::T);
    harness.run();
    let moscow = spans(&harness).into_iter().find(|s| s.id == 2).unwrap();
    assert_eq!(
        (
            moscow.label.as_str(),
            moscow.note.as_str(),
            moscow.text.as_str()
        ),
        ("actor", NOTE, "Moscow")
    );
    assert_eq!(harness.state().view.selection, Selection::Span(2));
    harness.get_by_role_and_label(egui::Role::Mark, "actor: Moscow");

    // The claim was deleted on theirs: its button removes it with its link to Lavrov.
    harness.get_by_label("Take theirs (T)").click();
    harness.run();
    assert!(spans(&harness).iter().all(|s| s.id != 3));
    assert!(conflicts_of(&harness).is_empty());
    assert!(harness.query_by_label_contains("Needs review").is_none());
    assert!(harness.query_by_label_contains("merge conflict").is_none());
    let doc = &harness.state().workspace.session.as_ref().unwrap().document;
    assert!(doc.annotations().relations().is_empty());

    // Saved as usual: no conflicts left, so version 2 again.
    let saved = wait_for_saved(&mut harness, &article, "every conflict decided", |s| {
        s.conflicts.is_empty() && s.spans.len() == 2
    });
    assert_eq!(saved.version, 2);
    let on_disk: Vec<(u64, &str, &str, &str)> = saved
        .spans
        .iter()
        .map(|s| (s.id, s.label.as_str(), s.text.as_str(), s.note.as_str()))
        .collect();
    assert_eq!(
        on_disk,
        [
            (1, "actor", "Sergei Lavrov", ""),
            (2, "actor", "Moscow", NOTE)
        ]
    );
    assert!(saved.relations.is_empty());

    // Undo brings the claim back with its link and its conflict, on screen and on disk.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(conflicts_of(&harness), [3]);
    assert_eq!(harness.state().view.selection, Selection::Span(3));
    harness.get_by_label("Needs review (1)");
    let claim = spans(&harness).into_iter().find(|s| s.id == 3).unwrap();
    assert_eq!(
        (claim.text.as_str(), claim.attrs["verdict"].as_str()),
        (CLAIM, "false")
    );
    let saved = wait_for_saved(&mut harness, &article, "the conflict back", |s| {
        s.conflicts.len() == 1
    });
    assert_eq!(saved.version, 4);
    assert_eq!(
        (saved.conflicts[0].span, saved.conflicts[0].theirs.is_none()),
        (3, true)
    );
    assert_eq!(saved.relations.len(), 1, "the claim's link is back");
}

#[test]
fn o_and_t_win_over_label_keys_only_while_the_selected_span_has_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    // Labels on O and T: the merge keys take them only on a conflicted span.
    let scheme = r##"(
    labels: [
        (name: "claim",    key: "c", color: "#E69F00", description: "A claim."),
        (name: "location", key: "o", color: "#009E73", description: "A place."),
        (name: "actor",    key: "t", color: "#CC79A7", description: "Who acts."),
    ],
    relations: [],
)"##;
    std::fs::write(dir.path().join("spantag.ron"), scheme).unwrap();
    let article = dir.path().join("lavrov-libya.txt");
    std::fs::copy(crate::util::sample("lavrov-libya.txt"), &article).unwrap();
    let (mut doc, _) = corpus::load(&article).unwrap();
    let lavrov = tag(&mut doc, "Sergei Lavrov", "actor");
    let moscow = tag(&mut doc, "Moscow", "location");
    let ours = doc.annotations().get(moscow).unwrap().clone();
    let mut theirs = ours.clone();
    theirs.note = NOTE.into();
    doc.conflicts = vec![Conflict {
        span: moscow,
        ours: Some(ours),
        theirs: Some(theirs),
    }];
    corpus::write_article(&article, &mut doc).unwrap();
    let mut harness = harness(Some(&article));
    let label_of = |h: &Harness<'_, SpantagApp>, id| {
        let span = spans(h).into_iter().find(|s| s.id == id).unwrap();
        (span.label, span.note)
    };

    // Lavrov has no conflict: O is the location key.
    harness.get_by_label("actor  Sergei Lavrov").click();
    harness.run();
    assert_eq!(harness.state().view.selection, Selection::Span(lavrov));
    harness.key_press(Key::O);
    harness.run();
    assert_eq!(label_of(&harness, lavrov), ("location".into(), "".into()));

    // Moscow has one: T takes theirs (the note), not the actor label.
    select_entry(&mut harness, "location: Moscow", moscow);
    harness.key_press(Key::T);
    harness.run();
    assert_eq!(label_of(&harness, moscow), ("location".into(), NOTE.into()));
    assert!(conflicts_of(&harness).is_empty());
    // Decided: T is the actor key again.
    harness.key_press(Key::T);
    harness.run();
    assert_eq!(label_of(&harness, moscow), ("actor".into(), NOTE.into()));
}

/// `spantag validate` names a flawed conflict record by its line, and loading repairs it.
#[test]
fn validate_names_a_flawed_conflict_record_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let article = merged_article(dir.path());
    let path = sidecar_of(&article);
    let written = std::fs::read_to_string(&path).unwrap();
    // The second record names a span the list does not have.
    let line = 1 + written
        .lines()
        .position(|l| l.starts_with("        (span: 3,"))
        .expect("the claim's record");
    let flawed = written.replacen(
        "        (span: 3, ours: Some((id: 3,",
        "        (span: 30, ours: Some((id: 30,",
        1,
    );
    assert_ne!(flawed, written);
    std::fs::write(&path, flawed).unwrap();
    let (_, problems) = spantag::store::validate::validate(dir.path()).unwrap();
    let problem = problems
        .iter()
        .find(|p| p.message.contains("conflict 2"))
        .unwrap_or_else(|| panic!("{problems:?}"));
    assert_eq!(problem.line, Some(line), "{problem:?}");
    assert!(
        problem
            .message
            .contains("span 30 is not in the span list; its ours version is put back"),
        "{}",
        problem.message
    );
}
