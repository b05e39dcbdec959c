//! The article's source header: the citation shown above the text, typed into with the
//! source editor (Ctrl+Shift+I, "Edit source"), undone per field, and never mistaken for
//! label keys; how the text was extracted and what extraction says, shown under the title.
//!
//! Typed details are autosaved as the sidecar's `citation` record.

use egui::accesskit::Role;
use egui::{Event, Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use std::path::PathBuf;

use spantag::model::{CitationField, Extraction, SourceKind};
use spantag::ui::doc_view::DocView;
use spantag::ui::focus::{Region, Regions};
use spantag::ui::{AppCommand, Selection, SpantagApp};

use crate::gui::{document, harness};

const TEXT: &str = "Lavrov met Shoukry in Cairo.\n\nThey spoke about Libya.\n";

/// A plain-text article in a folder of `name` (its name shows in snapshots), emptied first.
fn article(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spantag-citation-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cairo.txt");
    std::fs::write(&path, TEXT).unwrap();
    path
}

fn press(harness: &mut Harness<'_, SpantagApp>, modifiers: Modifiers, key: Key) {
    harness.key_press_modifiers(modifiers, key);
    harness.run_steps(3);
}

fn type_text(harness: &mut Harness<'_, SpantagApp>, text: &str) {
    harness.event(Event::Text(text.into()));
    harness.run_steps(2);
}

fn open_editor(harness: &mut Harness<'_, SpantagApp>) {
    press(harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::I);
    assert!(harness.state().view.source.editing, "Ctrl+Shift+I opens it");
}

fn field_focused(harness: &Harness<'_, SpantagApp>, field: CitationField) -> bool {
    harness
        .get_by_role_and_label(Role::TextInput, field.label())
        .is_focused()
}

fn citation(harness: &Harness<'_, SpantagApp>, field: CitationField) -> String {
    document(harness).citation.get(field).to_string()
}

#[test]
fn typed_source_details_set_the_citation_and_undo_one_field_at_a_time() {
    let path = article("typed");
    let mut harness = harness(Some(&path));
    open_editor(&mut harness);
    assert!(
        field_focused(&harness, CitationField::Title),
        "the keyboard is in the Title field"
    );
    // Typed in bits, as keystrokes come: one undo step for the whole title.
    for bit in ["Lavrov", " in", " Cairo"] {
        type_text(&mut harness, bit);
    }
    harness
        .get_by_role_and_label(Role::TextInput, "Outlet")
        .focus();
    harness.run_steps(2);
    type_text(&mut harness, "Reuters");
    assert_eq!(citation(&harness, CitationField::Title), "Lavrov in Cairo");
    assert_eq!(citation(&harness, CitationField::Outlet), "Reuters");
    assert_eq!(citation(&harness, CitationField::Byline), "");

    // Esc leaves the field and closes the editor; the header still shows the citation.
    press(&mut harness, Modifiers::NONE, Key::Escape);
    assert!(
        !harness.state().view.source.editing,
        "Esc closed the editor"
    );
    harness.get_by_label("Lavrov in Cairo");
    harness.get_by_label("Reuters");

    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(
        citation(&harness, CitationField::Outlet),
        "",
        "undo: the outlet"
    );
    assert_eq!(citation(&harness, CitationField::Title), "Lavrov in Cairo");
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(
        citation(&harness, CitationField::Title),
        "",
        "undo: the whole title at once"
    );
    harness.get_by_label("Untitled — add a title");
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(citation(&harness, CitationField::Title), "Lavrov in Cairo");

    // Reopened, the fields show the document's citation after the undo and redo.
    open_editor(&mut harness);
    let title = harness.get_by_role_and_label(Role::TextInput, "Title");
    assert_eq!(title.value().as_deref(), Some("Lavrov in Cairo"));
    let outlet = harness.get_by_role_and_label(Role::TextInput, "Outlet");
    assert_eq!(outlet.value().as_deref(), Some(""));
    // The toggle closes it too.
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::I);
    assert!(!harness.state().view.source.editing);

    // Autosaved: the sidecar holds the citation as it now stands.
    let sidecar = crate::gui::sidecar_of(&path);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        harness.step();
        let saved = std::fs::read_to_string(&sidecar).unwrap_or_default();
        if saved.contains("    citation: (title: \"Lavrov in Cairo\"),\n") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the sidecar never held the citation: {saved}"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[test]
fn a_label_key_typed_in_a_source_field_is_text_not_a_tag() {
    let path = article("label-key");
    let mut harness = harness(Some(&path));
    let key = harness.state().workspace.scheme.labels[0].key.clone();
    let label_key = Key::from_name(&key).expect("the first label's key is a key");
    // With text selected, the label key would tag it if it reached the document.
    harness.state_mut().view.selection = Selection::Text { anchor: 0, head: 6 };
    harness.run_steps(2);
    open_editor(&mut harness);
    press(&mut harness, Modifiers::NONE, label_key);
    type_text(&mut harness, &key);
    assert_eq!(citation(&harness, CitationField::Title), key);
    assert!(
        document(&harness).annotations().is_empty(),
        "the label key tagged nothing"
    );
    assert_eq!(
        harness.state().view.selection,
        Selection::Text { anchor: 0, head: 6 },
        "typing the citation left the selection alone"
    );
}

#[test]
fn a_read_only_article_shows_its_source_fields_disabled() {
    let path = article("read-only");
    let mut harness = harness(Some(&path));
    if let Some(session) = &mut harness.state_mut().workspace.session {
        session.read_only = Some("Its sidecar is from a newer spantag.".into());
    }
    open_editor(&mut harness);
    for field in CitationField::ALL {
        let node = harness.get_by_role_and_label(Role::TextInput, field.label());
        assert!(node.accesskit_node().is_disabled(), "{field:?} is disabled");
    }
    type_text(&mut harness, "Typed anyway");
    assert_eq!(citation(&harness, CitationField::Title), "");
}

#[test]
fn f6_reaches_the_source_header_and_its_button_opens_the_editor() {
    let path = article("f6");
    let mut harness = harness(Some(&path));
    let region = |h: &Harness<'_, SpantagApp>| Regions::get(&h.ctx).current(&h.ctx, DocView::id());
    assert_eq!(region(&harness), Some(Region::Document));
    press(&mut harness, Modifiers::NONE, Key::F6);
    assert_eq!(
        region(&harness),
        Some(Region::Source),
        "F6: from the text to its header"
    );
    assert!(harness
        .get_by_role_and_label(Role::Button, "Edit source")
        .is_focused());
    press(&mut harness, Modifiers::NONE, Key::Space);
    assert!(
        harness.state().view.source.editing,
        "Space pressed Edit source"
    );
    assert!(field_focused(&harness, CitationField::Title));
    // Tab walks the fields in order.
    press(&mut harness, Modifiers::NONE, Key::Tab);
    assert!(field_focused(&harness, CitationField::Byline));
    press(&mut harness, Modifiers::NONE, Key::F6);
    assert_eq!(
        region(&harness),
        Some(Region::Side),
        "F6: on to the side panel"
    );
}

/// The header of an extracted article (set by hand here: the extractors are tested on
/// their own), with a citation and one extraction notice, collapsed and with the editor
/// open.
#[test]
fn the_source_header_shows_the_citation_the_extraction_and_its_notices() {
    let path = article("snapshot");
    let mut harness = harness(Some(&path));
    if let Some(session) = &mut harness.state_mut().workspace.session {
        session.document.meta.extraction = Some(Extraction {
            kind: SourceKind::Pdf,
            extractor: "pdf-extract 0.12.0 + spantag pdf 1".into(),
            text_sha256: String::new(),
            page_starts: vec![30, 60],
        });
        session
            .notices
            .push("2 tables were left out of the text.".into());
    }
    for (field, value) in [
        (
            CitationField::Title,
            "Lavrov meets Shoukry in Cairo to talk about Libya",
        ),
        (CitationField::Byline, "Jane Doe"),
        (CitationField::Outlet, "Reuters"),
        (CitationField::Published, "2026-11-30"),
        (CitationField::Url, "https://example.org/lavrov-cairo"),
    ] {
        harness.state_mut().send(AppCommand::SetCitation {
            field,
            value: value.into(),
        });
    }
    // Applied at the end of a frame: the next one draws them.
    harness.run_steps(2);
    harness.get_by_label("PDF · pdf-extract 0.12.0 + spantag pdf 1 · 3 pages");
    harness.get_by_label("Jane Doe · Reuters · 2026-11-30");
    harness.get_by_label("2 tables were left out of the text.");
    harness.snapshot("source_header");
    open_editor(&mut harness);
    harness.snapshot("source_editor");
}
