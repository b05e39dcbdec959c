//! The real app driven by egui_kittest: pointer drags, double-clicks, keys, the
//! accessibility tree, and the sidecar on disk.

use egui::{Event, Key, Modifiers, PointerButton, Pos2};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use spantag::model::{sidecar, Span};
use spantag::ui::fonts::{self, FontSources};
use spantag::ui::{AppCommand, Selection, SpantagApp};

use crate::util::sample_copy;

pub(crate) fn harness(article: Option<&Path>) -> Harness<'static, SpantagApp> {
    let article = article.map(Path::to_path_buf);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1180.0, 780.0))
        // Short frames so two clicks make a double-click, as with a real mouse.
        .with_step_dt(1.0 / 60.0)
        // Scroll animations and the autosave delay take a few dozen short frames to settle.
        .with_max_steps(240)
        .build_eframe(move |cc| {
            // The bundled fonts only: the same pixels whatever fonts the machine has.
            fonts::install(&cc.egui_ctx, FontSources::BundledOnly);
            SpantagApp::new(&cc.egui_ctx, article.as_deref())
        });
    // Let panel sizes and paragraph heights settle, as they do before a person acts.
    harness.run();
    harness
}

/// Where a char range of the open article is drawn.
fn rects_of(harness: &Harness<'_, SpantagApp>, text: &str) -> Vec<egui::Rect> {
    let app = harness.state();
    let doc = &app
        .workspace
        .session
        .as_ref()
        .expect("an article is open")
        .document;
    let byte = doc.text().as_str().find(text).expect("text in the article");
    let start = doc.text().char_from_byte(byte);
    let rects = app
        .doc_view()
        .row_rects(start..start + text.chars().count());
    assert!(!rects.is_empty(), "{text:?} is not on screen");
    rects
}

pub(crate) fn press_at(harness: &Harness<'_, SpantagApp>, pos: Pos2, pressed: bool) {
    harness.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    });
}

/// A drag with the mouse from the middle of the first char to the middle of the last.
pub(crate) fn drag_select(harness: &mut Harness<'_, SpantagApp>, text: &str) {
    let rects = rects_of(harness, text);
    let first = rects[0];
    let last = rects[rects.len() - 1];
    let from = first.left_center() + egui::vec2(3.0, 0.0);
    let to = last.right_center() - egui::vec2(3.0, 0.0);
    harness.hover_at(from);
    harness.step();
    press_at(harness, from, true);
    harness.step();
    for t in [0.25, 0.5, 0.75, 1.0] {
        harness.hover_at(from + (to - from) * t);
        harness.step();
    }
    press_at(harness, to, false);
    harness.step();
}

fn double_click(harness: &mut Harness<'_, SpantagApp>, pos: Pos2) {
    harness.hover_at(pos);
    harness.step();
    for _ in 0..2 {
        press_at(harness, pos, true);
        press_at(harness, pos, false);
        harness.step();
    }
    harness.step();
}

pub(crate) fn spans(harness: &Harness<'_, SpantagApp>) -> Vec<Span> {
    document(harness).annotations().spans().to_vec()
}

/// The open article's document.
pub(crate) fn document<'a>(harness: &'a Harness<'_, SpantagApp>) -> &'a spantag::model::Document {
    let session = harness.state().workspace.session.as_ref();
    &session.expect("an article is open").document
}

/// Steps the app until the sidecar on disk satisfies `check`, or fails after a few seconds.
pub(crate) fn wait_for_sidecar(
    harness: &mut Harness<'_, SpantagApp>,
    path: &Path,
    what: &str,
    check: impl Fn(&[Span]) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        harness.step();
        if let Ok(text) = std::fs::read_to_string(path) {
            if let Ok(parsed) = sidecar::decode(&text) {
                if check(&parsed.spans) {
                    return;
                }
            }
        }
        assert!(Instant::now() < deadline, "sidecar never showed {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Steps the app in real time (for its background threads) until `done` holds, or fails
/// after ten seconds naming `what` it waited for.
pub(crate) fn step_until(
    harness: &mut Harness<'_, SpantagApp>,
    what: &str,
    done: impl Fn(&Harness<'_, SpantagApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done(harness) {
        assert!(Instant::now() < deadline, "never saw {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.step();
}

pub(crate) fn sidecar_of(article: &Path) -> PathBuf {
    spantag::store::sidecar_path(article)
}

#[test]
fn drag_select_and_tag_reaches_state_accessibility_and_disk() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    // Start and end inside the words: whole-word snapping extends the selection.
    drag_select(&mut harness, "ergei Lavro");
    harness.key_press(Key::Num4);
    harness.run_steps(2);

    let tagged = spans(&harness);
    assert_eq!(tagged.len(), 1);
    assert_eq!(
        (tagged[0].label.as_str(), tagged[0].text.as_str()),
        ("actor", "Sergei Lavrov")
    );
    assert_eq!((tagged[0].start, tagged[0].end), (25, 38));
    harness.get_by_label("actor: Sergei Lavrov");
    wait_for_sidecar(&mut harness, &sidecar_of(&article), "the actor span", |s| {
        s.len() == 1 && s[0].text == "Sergei Lavrov" && s[0].label == "actor"
    });
}

#[test]
fn double_click_a_word_then_tag_it() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    let moscow = rects_of(&harness, "Moscow")[0];
    double_click(&mut harness, moscow.center());
    assert!(matches!(
        harness.state().view.selection,
        Selection::Text { .. }
    ));
    harness.key_press(Key::Num3);
    harness.run_steps(2);
    let tagged = spans(&harness);
    assert_eq!(tagged.len(), 1);
    assert_eq!(
        (tagged[0].label.as_str(), tagged[0].text.as_str()),
        ("location", "Moscow")
    );
    harness.get_by_label("location: Moscow");
}

#[test]
fn click_a_span_by_name_delete_it_then_undo_and_redo() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    drag_select(&mut harness, "Sergei Lavrov");
    harness.key_press(Key::Num4);
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert_eq!(harness.state().view.selection, Selection::None);

    harness.get_by_label("actor: Sergei Lavrov").click();
    harness.run_steps(2);
    let id = spans(&harness)[0].id;
    assert_eq!(harness.state().view.selection, Selection::Span(id));

    harness.key_press(Key::Delete);
    harness.run_steps(2);
    assert!(spans(&harness).is_empty());
    assert!(harness
        .query_by_role_and_label(egui::Role::Mark, "actor: Sergei Lavrov")
        .is_none());
    let sidecar = sidecar_of(&article);
    wait_for_sidecar(&mut harness, &sidecar, "no spans", |s| s.is_empty());

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    assert_eq!(spans(&harness).len(), 1);
    harness.get_by_label("actor: Sergei Lavrov");
    wait_for_sidecar(&mut harness, &sidecar, "the span restored", |s| {
        s.len() == 1
    });

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run_steps(2);
    assert!(spans(&harness).is_empty());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    harness.run_steps(2);
    assert!(spans(&harness).is_empty());
    wait_for_sidecar(&mut harness, &sidecar, "the span removed again", |s| {
        s.is_empty()
    });
}

#[test]
fn retag_with_a_key_and_move_between_spans_with_tab() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    drag_select(&mut harness, "Sergei Lavrov");
    harness.key_press(Key::Num4);
    drag_select(&mut harness, "Moscow");
    harness.key_press(Key::Num3);
    harness.run_steps(2);
    let ids: Vec<u64> = spans(&harness).iter().map(|s| s.id).collect();
    assert_eq!(ids.len(), 2);

    // The new span is selected; Tab goes on in document order and wraps around.
    assert_eq!(harness.state().view.selection, Selection::Span(ids[1]));
    harness.key_press(Key::Tab);
    harness.run_steps(1);
    assert_eq!(
        harness.state().view.selection,
        Selection::Span(ids[0]),
        "Tab wraps to the first"
    );
    harness.key_press(Key::Tab);
    harness.run_steps(1);
    assert_eq!(harness.state().view.selection, Selection::Span(ids[1]));
    harness.key_press_modifiers(Modifiers::SHIFT, Key::Tab);
    harness.run_steps(1);
    assert_eq!(harness.state().view.selection, Selection::Span(ids[0]));

    harness.key_press(Key::Num1);
    harness.run_steps(2);
    let retagged = spans(&harness);
    let span = retagged.iter().find(|s| s.id == ids[0]).unwrap();
    assert_eq!(
        (span.label.as_str(), span.text.as_str()),
        ("claim", "Sergei Lavrov")
    );
    harness.get_by_label("claim: Sergei Lavrov");
}

#[test]
fn clicking_a_label_in_the_palette_tags_the_selection() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    drag_select(&mut harness, "Libyan conflict");
    harness.get_by_label("2  quote").click();
    harness.run_steps(2);
    let tagged = spans(&harness);
    assert_eq!(tagged.len(), 1);
    assert_eq!(
        (tagged[0].label.as_str(), tagged[0].text.as_str()),
        ("quote", "Libyan conflict")
    );
}

#[test]
fn a_broken_sidecar_is_reported_and_never_overwritten() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let sidecar = sidecar_of(&article);
    let broken = "(\n    format: \"spantag\",\n    version: 1,\n    spans: [(id: 1,, label: \"actor\")],\n)\n";
    std::fs::write(&sidecar, broken).unwrap();
    let mut harness = harness(Some(&article));

    let notice = harness.state().view.notice.clone().expect("a notice");
    assert!(notice.is_error);
    assert!(notice.text.contains("line 4, column"), "{}", notice.text);
    assert!(
        notice.text.contains("lavrov-libya.txt.ann.ron"),
        "{}",
        notice.text
    );
    harness.get_by_label_contains("line 4, column");

    drag_select(&mut harness, "Sergei Lavrov");
    harness.key_press(Key::Num4);
    harness.run_steps(30);
    assert!(
        spans(&harness).is_empty(),
        "a read-only article takes no spans"
    );
    harness.state_mut().save_now();
    assert_eq!(std::fs::read_to_string(&sidecar).unwrap(), broken);
}

#[test]
fn a_file_that_is_not_text_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("image.txt");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0").unwrap();
    let harness = harness(Some(&binary));
    assert!(harness.state().workspace.session.is_none());
    let notice = harness.state().view.notice.clone().expect("a notice");
    assert!(notice.text.contains("not a text file"), "{}", notice.text);
    assert!(notice.text.contains("image.txt"), "{}", notice.text);
}

#[test]
fn a_span_whose_text_changed_is_listed_for_review() {
    let (dir, article) = sample_copy("lavrov-libya.txt");
    {
        let mut harness = harness(Some(&article));
        drag_select(&mut harness, "Sergei Lavrov");
        harness.key_press(Key::Num4);
        harness.run_steps(2);
        harness.state_mut().save_now();
    }
    // The name is corrected in the article: the span's text is no longer anywhere.
    let original = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        original.replacen("Sergei Lavrov", "Sergey Lavrov", 1),
    )
    .unwrap();
    let mut harness = harness(Some(&article));
    let orphans: Vec<Span> = spans(&harness)
        .into_iter()
        .filter(Span::is_orphaned)
        .collect();
    assert_eq!(orphans.len(), 1);
    assert_eq!(orphans[0].text, "Sergei Lavrov");
    harness.get_by_label_contains("Needs review (1)");
    assert!(
        harness
            .query_by_role_and_label(egui::Role::Mark, "actor: Sergei Lavrov")
            .is_none(),
        "an orphan is not drawn over other text"
    );
    // The analyst finds where it belongs and re-attaches it.
    drag_select(&mut harness, "Sergey Lavrov");
    harness.get_by_label("Attach").click();
    harness.run_steps(2);
    let attached = &spans(&harness)[0];
    assert_eq!(
        (
            attached.text.as_str(),
            attached.anchor,
            attached.label.as_str()
        ),
        ("Sergey Lavrov", spantag::model::Anchor::Exact, "actor")
    );
    assert!(harness.query_by_label_contains("Needs review (").is_none());
    harness.get_by_role_and_label(egui::Role::Mark, "actor: Sergey Lavrov");
    wait_for_sidecar(
        &mut harness,
        &sidecar_of(&article),
        "the attached span",
        |spans| spans.len() == 1 && spans[0].text == "Sergey Lavrov",
    );
    drop(dir);
}

#[test]
fn opening_another_article_saves_the_first() {
    let (dir, article) = sample_copy("lavrov-libya.txt");
    let other = dir.path().join("harbour-strike.txt");
    std::fs::copy(crate::util::sample("harbour-strike.txt"), &other).unwrap();
    let mut harness = harness(Some(&article));
    drag_select(&mut harness, "Sergei Lavrov");
    harness.key_press(Key::Num4);
    harness.step();
    harness.state_mut().send(AppCommand::Open(other.clone()));
    harness.run_steps(2);
    // Saved at once on switching, without waiting for the autosave delay.
    let saved = std::fs::read_to_string(sidecar_of(&article)).unwrap();
    assert!(saved.contains("text: \"Sergei Lavrov\""));
    assert_eq!(
        harness
            .state()
            .workspace
            .session
            .as_ref()
            .unwrap()
            .document
            .meta
            .file_name,
        "harbour-strike.txt"
    );
    assert!(
        !sidecar_of(&other).exists(),
        "opening an article writes nothing"
    );
}

#[test]
fn main_window_snapshot() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    for (text, key) in [
        ("Sergei Lavrov", Key::Num4),
        ("Moscow", Key::Num3),
        (
            "Russia is against putting the blame of the crisis on any side",
            Key::Num1,
        ),
        ("NATO", Key::Num4),
    ] {
        drag_select(&mut harness, text);
        harness.key_press(key);
        harness.run_steps(1);
    }
    // A quote, a claim over the same words, and a place inside them.
    let quote = "The reason for the Libyan crisis is what NATO members did to this country in 2011";
    drag_select(&mut harness, quote);
    harness.key_press(Key::Num2);
    drag_select(&mut harness, quote);
    harness.key_press(Key::Num1);
    harness.run_steps(1);
    drag_select(&mut harness, "Middle East");
    harness.key_press(Key::Num3);
    harness.run_steps(2);
    let mut tagged: Vec<String> = spans(&harness)
        .iter()
        .map(|s| format!("{}: {}", s.label, s.text))
        .collect();
    let mut expected = vec![
        "actor: NATO".to_string(),
        "actor: Sergei Lavrov".to_string(),
        format!("claim: {quote}"),
        "claim: Russia is against putting the blame of the crisis on any side".to_string(),
        "location: Middle East".to_string(),
        "location: Moscow".to_string(),
        format!("quote: {quote}"),
    ];
    tagged.sort();
    expected.sort();
    assert_eq!(tagged, expected);
    harness.get_by_label("actor: Sergei Lavrov").click();
    harness.run_steps(2);
    harness.snapshot("main_window");
}

/// A file as the windowing layer hands it over when it is dropped on the window.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_file_on_the_window_opens_it() {
    let (_dir, article) = sample_copy("summit-crlf.txt");
    let mut harness = harness(None);
    assert!(harness.state().workspace.session.is_none());
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(article.clone())));
    harness.run();
    let session = harness
        .state()
        .workspace
        .session
        .as_ref()
        .expect("the dropped article is open");
    assert_eq!(session.article_path, article);
    assert_eq!(session.document.text().newline().as_str(), "CRLF");
    harness.get_by_label("CRLF");
}

#[test]
fn shift_click_extends_a_selection_across_lines() {
    let (_dir, article) = sample_copy("harbour-strike.txt");
    let mut harness = harness(Some(&article));
    // A quote that continues across a line break.
    let start = rects_of(&harness, "The company has known")[0];
    let end_rects = rects_of(&harness, "nothing on paper");
    let end = end_rects[end_rects.len() - 1];
    let from = start.left_center() + egui::vec2(2.0, 0.0);
    harness.hover_at(from);
    harness.step();
    press_at(&harness, from, true);
    press_at(&harness, from, false);
    harness.step();
    let to = end.right_center() - egui::vec2(2.0, 0.0);
    harness.hover_at(to);
    harness.step();
    harness.event_modifiers(
        Event::PointerButton {
            pos: to,
            button: PointerButton::Primary,
            pressed: true,
            modifiers: Modifiers::SHIFT,
        },
        Modifiers::SHIFT,
    );
    harness.event_modifiers(
        Event::PointerButton {
            pos: to,
            button: PointerButton::Primary,
            pressed: false,
            modifiers: Modifiers::SHIFT,
        },
        Modifiers::SHIFT,
    );
    harness.run_steps(2);
    harness.key_press(Key::Num2);
    harness.run_steps(2);
    let tagged = spans(&harness);
    assert_eq!(tagged.len(), 1);
    assert_eq!(
        tagged[0].text,
        "The company has known about this for two years.\nTwo years, and nothing on paper"
    );
}

#[test]
fn clicking_a_span_in_the_list_scrolls_to_it_and_selects_it() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    // Tag the article's last place name, through the same commands the UI sends; the view
    // follows the new span down.
    let text = harness
        .state()
        .workspace
        .session
        .as_ref()
        .unwrap()
        .document
        .text()
        .clone();
    let start = text.char_from_byte(text.as_str().rfind("Tripoli").unwrap());
    let tag = |harness: &mut Harness<'_, SpantagApp>, anchor: usize, head: usize, label: &str| {
        harness
            .state_mut()
            .send(AppCommand::Select(Selection::Text { anchor, head }));
        harness
            .state_mut()
            .send(AppCommand::ApplyLabel(label.into()));
        harness.run();
    };
    tag(&mut harness, start, start + 7, "location");
    // Tagging the first words scrolls back to the top.
    tag(&mut harness, 25, 38, "actor");
    let id = spans(&harness)
        .iter()
        .find(|s| s.text == "Tripoli")
        .unwrap()
        .id;
    let window = egui::Rect::from_min_size(Pos2::ZERO, egui::vec2(1180.0, 780.0));
    let on_screen = |h: &Harness<'_, SpantagApp>| {
        let span = h
            .state()
            .workspace
            .session
            .as_ref()
            .unwrap()
            .document
            .annotations()
            .get(id)
            .unwrap()
            .clone();
        h.state()
            .doc_view()
            .row_rects(span.char_range())
            .iter()
            .any(|r| window.contains_rect(*r))
    };
    assert!(!on_screen(&harness), "the span starts out of view");

    harness.get_by_label("location  Tripoli").click();
    harness.run();
    assert_eq!(harness.state().view.selection, Selection::Span(id));
    assert!(on_screen(&harness), "the span was scrolled into view");
}

#[test]
fn shift_arrows_extend_a_caret_and_exact_mode_tags_inside_a_word() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    let word = rects_of(&harness, "Sergei")[0];
    let caret = word.left_center() + egui::vec2(1.0, 0.0);
    harness.hover_at(caret);
    harness.step();
    press_at(&harness, caret, true);
    press_at(&harness, caret, false);
    harness.run_steps(2);
    assert_eq!(
        harness.state().view.selection,
        Selection::Text {
            anchor: 25,
            head: 25
        }
    );
    for _ in 0..3 {
        harness.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    }
    harness.run_steps(1);
    assert_eq!(
        harness.state().view.selection,
        Selection::Text {
            anchor: 25,
            head: 28
        }
    );
    // Shift+Down reaches the row below, at about the same place; Shift+Up comes back.
    harness.key_press_modifiers(Modifiers::SHIFT, Key::ArrowDown);
    harness.run_steps(1);
    let Selection::Text { head: below, .. } = harness.state().view.selection else {
        panic!("a text selection")
    };
    let second_row = rects_of(&harness, "Saturday, stressing")[0];
    assert!(
        below > 91 && below < 140,
        "head {below} on the second row ({second_row:?})"
    );
    harness.key_press_modifiers(Modifiers::SHIFT, Key::ArrowUp);
    harness.run_steps(1);
    assert_eq!(
        harness.state().view.selection,
        Selection::Text {
            anchor: 25,
            head: 28
        }
    );
    // W turns snapping off, so "Ser" stays "Ser" instead of growing to "Sergei".
    harness.key_press(Key::W);
    harness.key_press(Key::Num4);
    harness.run_steps(2);
    assert!(!harness.state().view.whole_words);
    assert_eq!(spans(&harness)[0].text, "Ser");
}

/// Exports through the dialog (Ctrl+E) in the format of this description, for the scope
/// whose label starts with `scope` ("This article", "Every article in"), to `out`; returns
/// once the export has finished.
pub(crate) fn export_with_dialog(
    harness: &mut Harness<'_, SpantagApp>,
    format: &str,
    scope: &str,
    out: &Path,
) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::E);
    harness.run();
    assert!(harness.state().export.open);
    harness.get_by_role(egui::Role::ComboBox).click();
    harness.run();
    harness.get_by_label(format).click();
    harness.run();
    harness.get_by_label_contains(scope).click();
    harness.run();
    harness.state_mut().export.destination = out.display().to_string();
    harness
        .get_by_role_and_label(egui::Role::Button, "Export")
        .click();
    step_until(harness, "the export finish", |h| {
        h.state().export.outcome.is_some()
    });
}

#[test]
fn export_dialog_writes_a_folder_and_reports_what_the_format_could_not_hold() {
    let (dir, article) = sample_copy("lavrov-libya.txt");
    let other = dir.path().join("harbour-strike.txt");
    std::fs::copy(crate::util::sample("harbour-strike.txt"), &other).unwrap();
    let mut harness = harness(Some(&article));
    drag_select(&mut harness, "Sergei Lavrov");
    harness.key_press(Key::Num4);
    // Exact characters: "Libya" inside "Libyan", which CoNLL can only widen.
    harness.key_press(Key::W);
    drag_select(&mut harness, "Libya");
    harness.key_press(Key::Num3);
    harness.run_steps(2);

    let out = dir.path().join("export.conll");
    export_with_dialog(
        &mut harness,
        "CoNLL IOB2 (tokens, one column per label)",
        "Every article in",
        &out,
    );
    harness.run();
    let summary = harness
        .state()
        .export
        .outcome
        .as_ref()
        .unwrap()
        .as_ref()
        .expect("exported");
    assert_eq!((summary.report.articles, summary.report.spans), (2, 2));
    harness.get_by_label_contains("Exported 2 article(s), 2 span(s)");
    harness.get_by_label_contains("widened to \"Libyan\"");
    // Saved before exporting, so the export saw the newest spans.
    let conll = std::fs::read_to_string(&out).unwrap();
    assert!(
        conll.contains("Sergei O O O B-actor\nLavrov O O O I-actor\n"),
        "{conll}"
    );
    assert!(out.with_file_name("export.conll.columns").exists());

    harness.key_press(Key::Escape);
    harness.run();
    assert!(!harness.state().export.open);
}

/// A folder of three samples, one of them (lavrov-libya) already marked done. (The emoji
/// sample needs a colour-emoji font, which the test renderer does not have yet.)
fn sample_folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    // A fixed folder name, so the snapshot does not depend on the temporary name.
    let root = dir.path().join("news");
    std::fs::create_dir(&root).unwrap();
    for name in ["harbour-strike.txt", "lavrov-libya.txt", "summit-crlf.txt"] {
        std::fs::copy(crate::util::sample(name), root.join(name)).unwrap();
    }
    let done = root.join("lavrov-libya.txt");
    let (mut doc, _) = spantag::store::corpus::load(&done).unwrap();
    doc.apply(spantag::model::Command::SetStatus(
        spantag::model::Status::Done,
    ))
    .unwrap();
    spantag::store::corpus::write_article(&done, &mut doc).unwrap();
    (dir, root)
}

fn open_name(harness: &Harness<'_, SpantagApp>) -> String {
    harness
        .state()
        .workspace
        .session
        .as_ref()
        .map(|s| s.document.meta.file_name.clone())
        .unwrap_or_default()
}

pub(crate) fn wait_for_folder(harness: &mut Harness<'_, SpantagApp>) {
    step_until(harness, "the folder finish loading", |h| {
        let app = h.state();
        app.workspace
            .folder
            .as_ref()
            .is_some_and(|f| !f.is_scanning())
            && app.workspace.session.is_some()
    });
    harness.run();
}

#[test]
fn a_folder_opens_at_the_first_article_not_done_and_alt_arrows_move_through_it() {
    let (_dir, root) = sample_folder();
    let mut harness = harness(Some(&root));
    wait_for_folder(&mut harness);
    assert_eq!(
        open_name(&harness),
        "harbour-strike.txt",
        "lavrov-libya is done; harbour-strike comes first"
    );
    harness.get_by_label_contains("1 of 3 done");

    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowRight);
    harness.run();
    assert_eq!(open_name(&harness), "lavrov-libya.txt");
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowRight);
    harness.run();
    assert_eq!(open_name(&harness), "summit-crlf.txt");
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowLeft);
    harness.run();
    assert_eq!(open_name(&harness), "lavrov-libya.txt");

    // Clicking a line of the list opens that article.
    harness.get_by_label_contains("harbour-strike.txt").click();
    harness.run();
    assert_eq!(open_name(&harness), "harbour-strike.txt");
}

#[test]
fn done_and_next_writes_the_status_and_opens_the_next_article() {
    let (_dir, root) = sample_folder();
    let mut harness = harness(Some(&root));
    wait_for_folder(&mut harness);
    drag_select(&mut harness, "José Álvarez");
    harness.key_press(Key::Num4);
    harness.run();
    harness.get_by_label_contains("harbour-strike.txt  (1)");

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    harness.run();
    assert_eq!(open_name(&harness), "lavrov-libya.txt");
    let saved = std::fs::read_to_string(root.join("harbour-strike.txt.ann.ron")).unwrap();
    let parsed = sidecar::decode(&saved).unwrap();
    assert_eq!(parsed.status, spantag::model::Status::Done);
    assert_eq!(parsed.spans.len(), 1);
    harness.get_by_label_contains("2 of 3 done");
    harness.snapshot("folder_mode");
}

#[test]
fn a_custom_scheme_key_tags_with_its_label_and_a_broken_scheme_says_where() {
    let (dir, article) = sample_copy("lavrov-libya.txt");
    let scheme = r##"(
    labels: [
        (name: "person", key: "p", color: "#0072B2", description: "A named person."),
        (name: "place",  key: "l", color: "#009E73", description: "A named place."),
    ],
    relations: [],
)"##;
    std::fs::write(dir.path().join("spantag.ron"), scheme).unwrap();
    let mut harness = harness(Some(&article));
    drag_select(&mut harness, "Sergei Lavrov");
    harness.key_press(Key::P);
    harness.run();
    let tagged = spans(&harness);
    assert_eq!(
        (tagged[0].label.as_str(), tagged[0].text.as_str()),
        ("person", "Sergei Lavrov")
    );
    harness.get_by_label("person: Sergei Lavrov");
    // The label's guideline is on its button.
    harness.get_by_label("p  person");
    wait_for_sidecar(
        &mut harness,
        &sidecar_of(&article),
        "the person span",
        |s| s.iter().any(|s| s.label == "person"),
    );

    std::fs::write(
        dir.path().join("spantag.ron"),
        scheme.replace("key: \"l\"", "key: \"p\""),
    )
    .unwrap();
    let harness = self::harness(Some(&article));
    let problem = harness
        .state()
        .workspace
        .scheme_problem
        .clone()
        .expect("the scheme is refused");
    assert!(problem.contains("spantag.ron:4:"), "{problem}");
    assert!(problem.contains("share the key"), "{problem}");
    assert_eq!(
        harness.state().workspace.scheme.labels[0].name,
        "claim",
        "the defaults apply meanwhile"
    );
}

#[test]
fn linking_a_speaker_with_r_and_a_note_reach_the_sidecar_and_undo() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    drag_select(&mut harness, "Sergei Lavrov");
    harness.key_press(Key::Num4);
    let quote = "We advocate the position that there should be no attempts to unilaterally appoint the perpetrators";
    drag_select(&mut harness, quote);
    harness.key_press(Key::Num2);
    harness.run();
    let quote_id = spans(&harness)
        .iter()
        .find(|s| s.label == "quote")
        .unwrap()
        .id;
    assert_eq!(harness.state().view.selection, Selection::Span(quote_id));

    harness.key_press(Key::R);
    harness.run();
    assert!(harness.state().view.linking.is_some());
    harness.get_by_label("Find").type_text("lav");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert!(harness.state().view.linking.is_none());
    let relations = harness
        .state()
        .workspace
        .session
        .as_ref()
        .unwrap()
        .document
        .annotations()
        .relations()
        .to_vec();
    assert_eq!(relations.len(), 1);
    assert_eq!(relations[0].kind, "said_by");
    harness.get_by_label_contains("said_by -> Sergei Lavrov");

    harness.get_by_role(egui::Role::MultilineTextInput).focus();
    harness.run();
    harness
        .get_by_role(egui::Role::MultilineTextInput)
        .type_text("Cairo press conference");
    harness.run();
    let sidecar = sidecar_of(&article);
    wait_for_sidecar(&mut harness, &sidecar, "the note", |s| {
        s.iter().any(|s| s.note == "Cairo press conference")
    });
    let saved = std::fs::read_to_string(&sidecar).unwrap();
    assert!(saved.contains("kind: \"said_by\""), "{saved}");

    // Undo takes back the whole note, then the link.
    harness.key_press(Key::Escape);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    let doc = &harness.state().workspace.session.as_ref().unwrap().document;
    assert_eq!(doc.annotations().get(quote_id).unwrap().note, "");
    assert!(doc.annotations().relations().is_empty());
}

#[test]
fn find_highlights_matches_and_tag_all_is_one_undo_step() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    harness.get_by_label("Find").type_text("egypt");
    harness.run();
    let matches = harness.state().view.find.as_ref().unwrap().matches.len();
    assert!(
        matches >= 4,
        "Egypt, Egyptian… found case-insensitively: {matches}"
    );
    harness.get_by_label_contains(&format!("{matches} matches"));
    harness.key_press(Key::Enter);
    harness.run();
    harness.get_by_label_contains(&format!("1 of {matches}"));

    harness.get_by_role(egui::Role::ComboBox).click();
    harness.run();
    harness
        .get_by_role_and_label(egui::Role::Button, "location")
        .click();
    harness.run();
    harness.get_by_label("Tag all").click();
    harness.run();
    let tagged = spans(&harness);
    assert_eq!(tagged.len(), matches);
    assert!(tagged
        .iter()
        .all(|s| s.label == "location" && s.text.eq_ignore_ascii_case("egypt")));
    harness.get_by_label("Tag all").click(); // again: exact duplicates are skipped
    harness.run();
    assert_eq!(spans(&harness).len(), matches);

    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.state().view.find.is_none());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(spans(&harness).is_empty(), "one undo removes them all");
}

#[test]
fn the_dashboard_charts_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("news");
    std::fs::create_dir(&root).unwrap();
    crate::export::build_corpus(&root);
    // The emoji sample needs a colour-emoji font the test renderer does not have.
    for name in ["social-emoji.txt", "social-emoji.txt.ann.ron"] {
        std::fs::remove_file(root.join(name)).unwrap();
    }
    let mut harness = harness(Some(&root));
    wait_for_folder(&mut harness);
    harness.get_by_label("Dashboard").click();
    step_until(&mut harness, "the dashboard finish counting", |h| {
        h.state()
            .dashboard
            .as_ref()
            .is_some_and(|d| !d.is_counting())
    });
    harness.run();
    let stats = harness
        .state()
        .dashboard
        .as_ref()
        .unwrap()
        .stats
        .clone()
        .unwrap()
        .unwrap();
    assert_eq!(stats.articles, 3);
    assert_eq!(stats.labels["actor"], 6);
    assert_eq!(stats.top["actor"].len(), 6);
    harness.get_by_label_contains("3 articles, 15 spans, 3 relations");
    harness.snapshot("dashboard");
}

#[test]
fn recent_articles_and_the_theme_are_remembered_as_preferences() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    assert_eq!(
        harness.state().workspace.prefs.recent_files,
        vec![article.clone()]
    );
    harness.key_press(Key::W);
    harness.run();
    // What eframe stores on exit, restored at the next start.
    let mut storage = MemoryStorage::default();
    eframe::App::save(harness.state_mut(), &mut storage);
    let prefs: spantag::ui::Prefs =
        eframe::get_value(&storage, spantag::ui::state::PREFS_KEY).unwrap();
    assert_eq!(prefs.recent_files, vec![article.clone()]);
    assert!(prefs.exact_characters);

    let before = harness.ctx.theme();
    let button = if before == egui::Theme::Dark {
        "Light theme"
    } else {
        "Dark theme"
    };
    harness.get_by_label(button).click();
    harness.run();
    assert_ne!(harness.ctx.theme(), before);
}

#[derive(Default)]
struct MemoryStorage(std::collections::HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

/// Every script renders with a real font, from the fonts bundled with spantag alone (the
/// harness installs no system font and fails on a glyph no font has): Cyrillic, Greek,
/// Arabic, Hebrew, Devanagari, Thai, Armenian, Georgian, Chinese, Japanese, Korean and the
/// samples' emoji sequences.
#[test]
fn every_script_renders_with_a_font_that_has_it() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("scripts.txt");
    let social = std::fs::read_to_string(crate::util::sample("social-emoji.txt")).unwrap();
    let samples: Vec<&str> = fonts::BUNDLED.iter().map(|font| font.sample).collect();
    let text = format!(
        "Сергей Лавров said «restraint». Ο υπουργός δήλωσε.\n{}\n{social}",
        samples.join("\n")
    );
    std::fs::write(&article, text).unwrap();
    let mut harness = harness(Some(&article));
    drag_select(&mut harness, "Сергей Лавров");
    harness.key_press(Key::Num4);
    harness.run_steps(2);
    harness.get_by_role_and_label(egui::Role::Mark, "actor: Сергей Лавров");
    harness.snapshot("scripts");
}

/// The README's promise that a Latin-script article costs nothing for the bundled fonts, at
/// the app's scale: the whole window (toolbar, panels, status bar, a sample article with
/// a tagged span) draws without unpacking a single bundled font.
#[test]
fn a_latin_article_in_the_whole_window_loads_no_bundled_font() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    drag_select(&mut harness, "Sergei Lavrov");
    harness.key_press(Key::Num4);
    harness.run_steps(2);
    let loaded: Vec<String> = harness.ctx.fonts(|fonts| {
        (fonts.discovered_fonts().iter())
            .map(|font| font.name.clone())
            .collect()
    });
    assert!(loaded.is_empty(), "{loaded:?}");
}
