//! The window keeps work safe: a failed save stays on screen with ways out, a sidecar
//! changed on disk is reloaded or asked about, and closing with unsaved work asks first.

use egui::{Key, ViewportEvent, ViewportId};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

use spantag::store::{SaveState, Saver, Session};
use spantag::ui::{AppCommand, SpantagApp};

use crate::gui::{drag_select, harness, sidecar_of, spans, step_until, wait_for_sidecar};
use crate::util::sample_copy;

/// Asks the window to close, as the window manager's close button does.
pub(crate) fn request_close(harness: &mut Harness<'_, SpantagApp>) {
    harness
        .input_mut()
        .viewports
        .entry(ViewportId::ROOT)
        .or_default()
        .events
        .push(ViewportEvent::Close);
    harness.step();
    harness.step();
}

#[test]
fn a_failed_save_stays_on_screen_offers_a_copy_and_closing_asks_first() {
    let (dir, article) = sample_copy("lavrov-libya.txt");
    let elsewhere = tempfile::tempdir().unwrap();
    let mut harness = harness(Some(&article));
    // The folder disappears (an unplugged drive, a deleted share) before the save.
    std::fs::remove_dir_all(dir.path()).unwrap();
    drag_select(&mut harness, "Sergei Lavrov");
    harness.key_press(Key::Num4);
    step_until(&mut harness, "the failure", |h| {
        matches!(h.state().save_state(), Some(SaveState::Failed(_)))
    });
    harness.get_by_label_contains("Your annotations are kept in memory");
    harness.get_by_label("Retry");
    harness.get_by_label("Save sidecar as…");
    assert_eq!(spans(&harness).len(), 1, "the work stays in memory");

    // Another article does not replace work that exists only in memory.
    let (_other_dir, other) = sample_copy("harbour-strike.txt");
    harness.state_mut().send(AppCommand::Open(other));
    harness.step();
    harness.step();
    let open = &harness
        .state()
        .workspace
        .session
        .as_ref()
        .unwrap()
        .article_path;
    assert_eq!(open, &article);
    harness.get_by_label_contains("stays open: its annotations are not saved yet");

    // Closing asks instead of losing the span.
    request_close(&mut harness);
    harness.get_by_label_contains("Your annotations are not saved");
    harness.get_by_label("Close without saving");

    // The analyst saves the annotations elsewhere (the dialog's answer, sent as it is).
    let copy = elsewhere.path().join("lavrov-libya.txt.ann.ron");
    harness
        .state_mut()
        .send(AppCommand::SaveCopyTo(copy.clone()));
    harness.step();
    harness.step();
    let written = std::fs::read_to_string(&copy).expect("the copy was written");
    assert!(written.contains("text: \"Sergei Lavrov\""), "{written}");
    harness.get_by_label_contains("Saved a copy of the annotations");
    // With everything in the copy, the question is gone and closing asks no more.
    assert!(harness.query_by_label("Close without saving").is_none());
    request_close(&mut harness);
    assert!(harness.query_by_label("Close without saving").is_none());
}

#[test]
fn a_sidecar_changed_under_unsaved_work_is_asked_about_and_keep_mine_wins() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    drag_select(&mut harness, "Sergei Lavrov");
    harness.key_press(Key::Num4);
    // A colleague's save lands before ours.
    let saver = Saver::new(|| {});
    let mut theirs = Session::open(&article).unwrap();
    let libya = theirs.document.text().as_str().find("Libya").unwrap();
    let start = theirs.document.text().char_from_byte(libya);
    theirs
        .document
        .apply(spantag::model::Command::Tag {
            char_range: start..start + 5,
            label: "location".into(),
            attrs: Default::default(),
        })
        .unwrap();
    theirs.save_now(&saver);
    step_until(&mut harness, "the question", |h| {
        h.query_by_label("Keep mine").is_some()
    });
    harness.get_by_label_contains("changed on disk by another program");
    harness.snapshot("sidecar_conflict");
    let on_disk = std::fs::read_to_string(sidecar_of(&article)).unwrap();
    assert!(on_disk.contains("\"Libya\"") && !on_disk.contains("Sergei"));
    harness.get_by_label("Keep mine").click();
    wait_for_sidecar(&mut harness, &sidecar_of(&article), "mine", |spans| {
        spans.len() == 1 && spans[0].text == "Sergei Lavrov"
    });
    harness.step();
    assert!(harness.query_by_label("Keep mine").is_none());
}

#[test]
fn a_sidecar_changed_while_nothing_is_unsaved_is_read_again() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    assert!(spans(&harness).is_empty());
    let saver = Saver::new(|| {});
    let mut theirs = Session::open(&article).unwrap();
    theirs
        .document
        .apply(spantag::model::Command::Tag {
            char_range: 0..7,
            label: "claim".into(),
            attrs: Default::default(),
        })
        .unwrap();
    theirs.save_now(&saver);
    step_until(&mut harness, "the reload", |h| spans(h).len() == 1);
    harness.get_by_label_contains("The sidecar changed on disk and was read again");
}

#[test]
fn opening_a_flawed_sidecar_says_what_was_repaired_and_flags_unknown_labels() {
    let hostile = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile/sidecars");
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("article.txt");
    std::fs::copy(hostile.join("article.txt"), &article).unwrap();
    let sidecar = std::fs::read_to_string(hostile.join("duplicate-ids.ann.ron")).unwrap();
    let sidecar = sidecar.replace("label: \"location\"", "label: \"weapon\"");
    std::fs::write(sidecar_of(&article), sidecar).unwrap();
    let harness = harness(Some(&article));
    let notice = harness.state().view.notice.clone().expect("a notice");
    assert!(notice.is_error);
    assert!(
        notice.text.contains("span id 1 is used twice"),
        "{}",
        notice.text
    );
    assert!(
        notice.text.contains("does not name (weapon)"),
        "{}",
        notice.text
    );
    assert_eq!(spans(&harness).len(), 2, "both spans open");
}

#[test]
fn a_book_opens_on_another_thread_with_progress_shown() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book.txt");
    let mut document = spantag::model::generate::article(7, 3_000_000, 5_000);
    spantag::store::corpus::write_article(&book, &mut document).unwrap();
    // Rules beside it make suggestions for the book too (found on the loading thread).
    std::fs::write(
        dir.path().join("suggest.ron"),
        r#"(gazetteers: [(name: "people", label: "actor", entries: ["Lavrov"])])"#,
    )
    .unwrap();
    let mut harness = harness(None);
    harness.state_mut().send(AppCommand::Open(book.clone()));
    harness.step();
    harness.step();
    // The window is drawing while the article loads, and says what it is doing.
    assert!(harness.state().opening.is_some());
    harness.get_by_label_contains("Opening book.txt");
    step_until(&mut harness, "the book", |h| {
        h.state().workspace.session.is_some()
    });
    assert!(harness.state().opening.is_none());
    assert_eq!(spans(&harness).len(), 5_000);
    assert!(harness
        .query_by_label_contains("Opening book.txt")
        .is_none());
    let text = harness
        .state()
        .workspace
        .session
        .as_ref()
        .unwrap()
        .document
        .text()
        .as_str()
        .to_string();
    let pending = &harness.state().workspace.review.pending;
    assert!(!pending.is_empty());
    assert!(pending.len() <= text.matches("Lavrov").count());
    assert!(pending.shown().all(|(_, p)| p.label == "actor"));
}
