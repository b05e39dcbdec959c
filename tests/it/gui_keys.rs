//! A whole article annotated from the keyboard alone: the caret, selection by word,
//! sentence and quotation, label keys, Tab, R, Enter into the note and Esc back, undo,
//! done-and-next, the help overlay and the accessibility tree. No pointer event is sent.

use egui::{Event, Key, Modifiers};
use egui_kittest::kittest::{NodeT as _, Queryable};
use egui_kittest::Harness;
use std::path::PathBuf;

use spantag::model::sidecar;
use spantag::ui::{Selection, SpantagApp};

use crate::gui::{harness, sidecar_of, spans, wait_for_folder};

/// A folder of two samples: lavrov-libya (first) and summit-crlf.
fn two_samples() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("news");
    std::fs::create_dir(&root).unwrap();
    for name in ["lavrov-libya.txt", "summit-crlf.txt"] {
        std::fs::copy(crate::util::sample(name), root.join(name)).unwrap();
    }
    (dir, root)
}

fn key(harness: &mut Harness<'_, SpantagApp>, modifiers: Modifiers, key: Key) {
    harness.key_press_modifiers(modifiers, key);
    harness.run();
}

fn head(harness: &Harness<'_, SpantagApp>) -> usize {
    harness.state().view.caret.head()
}

fn text(harness: &Harness<'_, SpantagApp>) -> spantag::model::Text {
    crate::gui::document(harness).text().clone()
}

fn selected_text(harness: &Harness<'_, SpantagApp>) -> String {
    let range = harness
        .state()
        .view
        .selection
        .text_range()
        .expect("a text selection");
    text(harness).slice(range).to_string()
}

/// Presses ↓ until the caret reaches paragraph `index` (at most 12 presses).
fn down_to_paragraph(harness: &mut Harness<'_, SpantagApp>, index: usize) {
    for _ in 0..12 {
        if text(harness).paragraph_index_at(head(harness)) >= index {
            return;
        }
        key(harness, Modifiers::NONE, Key::ArrowDown);
    }
    panic!(
        "↓ never reached paragraph {index}: the caret is at {}",
        head(harness)
    );
}

fn document_description(harness: &Harness<'_, SpantagApp>) -> String {
    harness
        .get_by_role(egui::Role::Document)
        .accesskit_node()
        .description()
        .unwrap_or_default()
}

#[test]
fn a_whole_article_is_annotated_with_keys_only() {
    let ctrl = Modifiers::COMMAND;
    let ctrl_shift = Modifiers::COMMAND | Modifiers::SHIFT;
    let none = Modifiers::NONE;
    let (_dir, root) = two_samples();
    let article = root.join("lavrov-libya.txt");
    let mut harness = harness(Some(&root));
    wait_for_folder(&mut harness);
    assert_eq!(head(&harness), 0, "the caret starts at the text's start");

    // "Russian Foreign Minister Sergei Lavrov announced…": word by word, then a char.
    for expected in [7, 15, 24] {
        key(&mut harness, ctrl, Key::ArrowRight);
        assert_eq!(head(&harness), expected);
    }
    key(&mut harness, ctrl, Key::ArrowLeft);
    assert_eq!(head(&harness), 16, "Ctrl+← goes to the word's start");
    key(&mut harness, ctrl, Key::ArrowRight);
    key(&mut harness, none, Key::ArrowRight);
    assert_eq!(head(&harness), 25);
    assert!(document_description(&harness).starts_with("caret at char 25"));
    // End stays on the first row; Ctrl+End and Ctrl+Home reach the text's ends.
    key(&mut harness, none, Key::End);
    let row_end = head(&harness);
    assert!(row_end > 25 && row_end < text(&harness).paragraphs()[0].char_range.end);
    key(&mut harness, ctrl, Key::End);
    assert_eq!(head(&harness), text(&harness).len_chars());
    key(&mut harness, ctrl, Key::Home);
    assert_eq!(head(&harness), 0);
    key(&mut harness, none, Key::Home);
    assert_eq!(head(&harness), 0);

    // Two words with Ctrl+Shift+→, tagged actor with 4.
    for _ in 0..3 {
        key(&mut harness, ctrl, Key::ArrowRight);
    }
    key(&mut harness, none, Key::ArrowRight);
    key(&mut harness, ctrl_shift, Key::ArrowRight);
    key(&mut harness, ctrl_shift, Key::ArrowRight);
    assert_eq!(selected_text(&harness), "Sergei Lavrov");
    assert!(
        document_description(&harness).ends_with("selected: 'Sergei Lavrov'"),
        "{}",
        document_description(&harness)
    );
    key(&mut harness, none, Key::Num4);
    let actor = spans(&harness)[0].clone();
    assert_eq!(
        (actor.label.as_str(), actor.text.as_str()),
        ("actor", "Sergei Lavrov")
    );
    assert_eq!(
        head(&harness),
        38,
        "the caret stays at the end of what was tagged"
    );

    // The quotation of the second paragraph (the caret just before its mark), as a quote.
    down_to_paragraph(&mut harness, 1);
    key(&mut harness, none, Key::Home);
    key(&mut harness, Modifiers::ALT, Key::Q);
    let quote_text = selected_text(&harness);
    assert!(
        quote_text.starts_with("We advocate the position"),
        "{quote_text}"
    );
    assert!(
        quote_text.ends_with("the flow of illegal migrants"),
        "{quote_text}"
    );
    key(&mut harness, none, Key::Num2);

    // The third paragraph's sentence, as a claim.
    down_to_paragraph(&mut harness, 2);
    key(&mut harness, Modifiers::ALT, Key::S);
    assert_eq!(
        selected_text(&harness),
        "According to Lavrov, Moscow is in contact with all Libyan political factions and is \
         sending each of them the same signals."
    );
    key(&mut harness, none, Key::Num1);
    assert_eq!(spans(&harness).len(), 3);

    // Tab walks the spans in text order; the caret goes to each one's start, and the
    // document tells a screen reader which span it is on.
    key(&mut harness, none, Key::Escape);
    assert_eq!(harness.state().view.selection, Selection::None);
    key(&mut harness, none, Key::Tab);
    assert_eq!(harness.state().view.selection, Selection::Span(actor.id));
    assert_eq!(head(&harness), 25);
    let description = document_description(&harness);
    assert!(
        description.contains("selected span: actor: Sergei Lavrov"),
        "{description}"
    );
    let node = harness.get_by_role_and_label(egui::Role::Mark, "actor: Sergei Lavrov");
    assert_eq!(node.accesskit_node().is_selected(), Some(true));
    let document = harness.get_by_role(egui::Role::Document);
    let active = document
        .accesskit_node()
        .active_descendant()
        .map(|n| n.label());
    assert_eq!(active, Some(Some("actor: Sergei Lavrov".into())));
    assert!(document
        .accesskit_node()
        .value()
        .is_some_and(|v| v.starts_with("Russian Foreign Minister Sergei Lavrov")));
    key(&mut harness, none, Key::Tab);
    let quote = spans(&harness)
        .into_iter()
        .find(|s| s.label == "quote")
        .unwrap();
    assert_eq!(harness.state().view.selection, Selection::Span(quote.id));
    assert_eq!(head(&harness), quote.start);

    // R, type-ahead, Enter: the quote is said by the actor.
    key(&mut harness, none, Key::R);
    assert!(harness.state().view.linking.is_some());
    harness.event(Event::Text("lav".into()));
    harness.run();
    key(&mut harness, none, Key::Enter);
    assert!(harness.state().view.linking.is_none());

    // Enter opens the details with the keyboard in the note; Esc goes back to the text.
    key(&mut harness, none, Key::Enter);
    assert!(harness.ctx.text_edit_focused(), "the note has the keyboard");
    harness.event(Event::Text("Cairo press conference".into()));
    harness.run();
    let note = |h: &Harness<'_, SpantagApp>| {
        spans(h)
            .into_iter()
            .find(|s| s.id == quote.id)
            .unwrap()
            .note
    };
    assert_eq!(note(&harness), "Cairo press conference");
    key(&mut harness, none, Key::Escape);
    assert!(!harness.ctx.text_edit_focused());
    assert_eq!(
        harness.state().view.selection,
        Selection::Span(quote.id),
        "Esc in the note keeps the span selected"
    );
    // Ctrl+Z takes back the note, not the link.
    key(&mut harness, ctrl, Key::Z);
    assert_eq!(note(&harness), "");

    // Ctrl+Enter: done, and the next article; the sidecar on disk has it all.
    let caret_before = harness.state().view.caret;
    key(&mut harness, ctrl, Key::Enter);
    assert_eq!(
        crate::gui::document(&harness).meta.file_name,
        "summit-crlf.txt"
    );
    assert_eq!(
        head(&harness),
        0,
        "a new article starts with the caret at its start"
    );
    let saved = sidecar::decode(&std::fs::read_to_string(sidecar_of(&article)).unwrap()).unwrap();
    assert_eq!(saved.status, spantag::model::Status::Done);
    let mut labels: Vec<(String, String)> = saved
        .spans
        .iter()
        .map(|s| (s.label.clone(), s.text.chars().take(20).collect()))
        .collect();
    labels.sort();
    assert_eq!(
        labels,
        [
            ("actor".to_string(), "Sergei Lavrov".to_string()),
            ("claim".to_string(), "According to Lavrov,".to_string()),
            ("quote".to_string(), "We advocate the posi".to_string()),
        ]
    );
    assert_eq!(saved.relations.len(), 1);
    assert_eq!(saved.relations[0].kind, "said_by");
    assert!(saved.spans.iter().all(|s| s.note.is_empty()));

    // Back to the first article: its caret is where it was left.
    key(&mut harness, Modifiers::ALT, Key::ArrowLeft);
    assert_eq!(harness.state().view.caret, caret_before);
}

#[test]
fn page_down_moves_a_screen_and_the_view_follows_the_caret() {
    let (_dir, article) = crate::util::sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    harness.key_press(Key::PageDown);
    harness.run();
    let after_one = head(&harness);
    assert!(after_one > 0, "PageDown moved the caret");
    harness.key_press_modifiers(Modifiers::SHIFT, Key::PageUp);
    harness.run();
    assert_eq!(
        harness.state().view.selection,
        Selection::Text {
            anchor: after_one,
            head: 0
        },
        "Shift+PageUp extends back to the start"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::End);
    harness.run();
    let end = text(&harness).len_chars();
    assert_eq!(head(&harness), end);
    let rect = harness.state().doc_view().caret_rect(end);
    assert!(rect.is_some(), "the end of the text was scrolled into view");
}

#[test]
fn the_help_overlay_lists_every_key_and_esc_closes_it() {
    let (_dir, article) = crate::util::sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    harness.key_press(Key::F1);
    harness.run();
    assert!(harness.state().view.help_open);
    for binding in spantag::ui::keymap::KEYMAP {
        harness.get_by_label(binding.description);
    }
    harness.get_by_label("tag as actor");
    harness.snapshot("help_overlay");
    harness.key_press(Key::Escape);
    harness.run();
    assert!(!harness.state().view.help_open);
    // ? opens it too (Shift+/ on a US keyboard arrives as the ? key).
    harness.key_press_modifiers(Modifiers::SHIFT, Key::Questionmark);
    harness.run();
    assert!(harness.state().view.help_open);
    harness.key_press(Key::Questionmark);
    harness.run();
    assert!(!harness.state().view.help_open);
}
