//! Keyboard-only use of the dialogs and the regions of the window: a dialog takes the
//! keyboard when it opens, Tab stays inside it, Enter does its default action, Esc closes
//! it; the region command (F6) moves the keyboard between toolbar, document and side panel.

use egui::{Event, Key, Modifiers, Order, Role};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use std::path::PathBuf;

use spantag::import::Format;
use spantag::ui::doc_view::DocView;
use spantag::ui::focus::{Region, Regions};
use spantag::ui::{AppCommand, SpantagApp};

use crate::gui::{harness, step_until};

fn press(harness: &mut Harness<'_, SpantagApp>, key: Key) {
    harness.key_press(key);
    harness.run_steps(3);
}

fn type_text(harness: &mut Harness<'_, SpantagApp>, text: &str) {
    harness.event(Event::Text(text.into()));
    harness.run_steps(2);
}

/// The layer order of the control with the keyboard (`Middle`: a window; `Background`:
/// the main window's panels), or `None` when nothing has it.
fn focus_order(harness: &Harness<'_, SpantagApp>) -> Option<Order> {
    let ctx = &harness.ctx;
    let id = ctx.memory(|m| m.focused())?;
    Some(ctx.read_response(id)?.layer_id.order)
}

fn region(harness: &Harness<'_, SpantagApp>) -> Option<Region> {
    Regions::get(&harness.ctx).current(&harness.ctx, DocView::id())
}

/// A copy of a sample article in a fixed folder (its path shows in the export dialog's
/// snapshot), emptied first.
fn fixed_article(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spantag-focus-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("news")).unwrap();
    let article = dir.join("news").join("lavrov-libya.txt");
    std::fs::copy(crate::util::sample("lavrov-libya.txt"), &article).unwrap();
    article
}

#[test]
fn export_dialog_is_worked_with_tab_and_enter_and_closed_with_esc() {
    let article = fixed_article("export");
    let mut harness = harness(Some(&article));
    assert!(harness.state().keys_reach_document(&harness.ctx));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::E);
    harness.run_steps(3);
    assert!(harness.state().export.open, "Ctrl+E opens the dialog");
    assert!(harness.state().modal_open());
    assert!(
        !harness.state().keys_reach_document(&harness.ctx),
        "the document's plain keys must wait while the dialog is open"
    );
    assert!(
        harness
            .get_by_role_and_label(Role::Button, "Export")
            .is_focused(),
        "the default button takes the keyboard when the dialog opens"
    );
    harness.snapshot("focus_export_dialog");

    // Tab goes round the dialog's controls, through the destination field, and comes back
    // to Export without ever leaving the window.
    let mut visited_field = false;
    let mut presses = 0;
    loop {
        press(&mut harness, Key::Tab);
        presses += 1;
        assert_eq!(
            focus_order(&harness),
            Some(Order::Middle),
            "Tab {presses} left the dialog"
        );
        visited_field |= harness
            .get_by_role_and_label(Role::TextInput, "Destination")
            .is_focused();
        if harness
            .get_by_role_and_label(Role::Button, "Export")
            .is_focused()
        {
            break;
        }
        assert!(presses < 20, "Tab never came back to Export");
    }
    assert!(visited_field, "Tab reaches the destination field");
    assert!(
        presses >= 4,
        "format, scope, destination, Browse, … are stops"
    );

    // Shift+Tab goes back: from Export to the checkbox before it.
    press_modifiers(&mut harness, Modifiers::SHIFT, Key::Tab);
    assert!(!harness
        .get_by_role_and_label(Role::Button, "Export")
        .is_focused());
    assert_eq!(focus_order(&harness), Some(Order::Middle));
    press(&mut harness, Key::Tab);
    assert!(harness
        .get_by_role_and_label(Role::Button, "Export")
        .is_focused());

    press(&mut harness, Key::Enter);
    step_until(&mut harness, "the export finish", |h| {
        h.state().export.outcome.is_some()
    });
    let outcome = harness.state().export.outcome.as_ref().unwrap();
    assert!(outcome.is_ok(), "{:?}", outcome.as_ref().err());
    press(&mut harness, Key::Escape);
    assert!(!harness.state().export.open, "Esc closes the dialog");
    assert!(!harness.state().modal_open());
    // The keyboard goes back to the document.
    harness.run_steps(2);
    assert!(harness.state().keys_reach_document(&harness.ctx));
}

fn press_modifiers(harness: &mut Harness<'_, SpantagApp>, modifiers: Modifiers, key: Key) {
    harness.key_press_modifiers(modifiers, key);
    harness.run_steps(3);
}

#[test]
fn import_dialog_fields_are_filled_with_the_keyboard_and_enter_imports() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("doccano.jsonl");
    std::fs::write(
        &input,
        r#"{"id":1,"text":"Sergei Lavrov met officials in Cairo.","label":[[0,13,"PER"]]}"#,
    )
    .unwrap();
    let into = dir.path().join("into");
    let mut harness = harness(None);
    press_modifiers(&mut harness, Modifiers::COMMAND, Key::I);
    assert!(harness.state().import.open);
    // The format is egui's combo box; the paths are typed.
    harness.state_mut().import.format = Format::Doccano;
    harness.run_steps(2);
    let file = harness.get_by_role_and_label(Role::TextInput, "File");
    assert!(file.is_focused(), "the file field takes the keyboard");
    type_text(&mut harness, &input.display().to_string());
    // File → Browse… → Into folder.
    press(&mut harness, Key::Tab);
    let browse = harness.query_all_by_role_and_label(Role::Button, "Browse…");
    assert!(browse.take(1).all(|b| b.is_focused()), "the file's Browse…");
    press(&mut harness, Key::Tab);
    assert!(harness
        .get_by_role_and_label(Role::TextInput, "Into folder")
        .is_focused());
    harness.state_mut().import.into.clear();
    type_text(&mut harness, &into.display().to_string());
    assert_eq!(harness.state().import.input, input.display().to_string());
    press(&mut harness, Key::Enter);
    step_until(&mut harness, "the import finish", |h| {
        h.state().import.outcome.is_some()
    });
    let outcome = harness.state().import.outcome.as_ref().unwrap();
    assert!(outcome.is_ok(), "{:?}", outcome.as_ref().err());
    assert!(
        into.join("spantag.ron").exists(),
        "the import wrote the folder"
    );
    press(&mut harness, Key::Escape);
    assert!(!harness.state().import.open, "Esc closes the dialog");
}

#[test]
fn compare_dialog_takes_three_folders_and_enter_starts_it() {
    let mut harness = harness(None);
    harness.state_mut().send(AppCommand::ShowCompare);
    harness.run_steps(3);
    assert!(harness.state().compare_dialog.open);
    assert!(harness
        .get_by_role_and_label(Role::TextInput, "Annotator A")
        .is_focused());
    // A → Choose… → B → Choose… → Gold.
    for (i, name) in ["/nowhere/a", "/nowhere/b", "/nowhere/gold"]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            press(&mut harness, Key::Tab);
            press(&mut harness, Key::Tab);
        }
        type_text(&mut harness, name);
    }
    assert_eq!(
        harness.state().compare_dialog.fields,
        ["/nowhere/a", "/nowhere/b", "/nowhere/gold"].map(String::from)
    );
    assert!(harness.state().compare_dialog.error.is_none());
    press(&mut harness, Key::Enter);
    // Enter started the comparison; folders that do not exist are refused in the dialog.
    let error = harness.state().compare_dialog.error.clone();
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("Cannot compare")),
        "{error:?}"
    );
    assert!(harness.state().compare_dialog.open);
    press(&mut harness, Key::Escape);
    assert!(
        !harness.state().compare_dialog.open,
        "Esc closes the dialog"
    );
}

#[test]
fn the_region_command_moves_the_keyboard_between_toolbar_document_and_side_panel() {
    let article = fixed_article("regions");
    let mut harness = harness(Some(&article));
    assert_eq!(region(&harness), Some(Region::Document));
    let step = |harness: &mut Harness<'_, SpantagApp>, forward| {
        harness
            .state_mut()
            .send(AppCommand::FocusRegion { forward });
        harness.run_steps(3);
    };
    step(&mut harness, true);
    assert_eq!(
        region(&harness),
        Some(Region::Source),
        "the header above the text"
    );
    assert!(harness
        .get_by_role_and_label(Role::Button, "Edit source")
        .is_focused());
    step(&mut harness, true);
    assert_eq!(region(&harness), Some(Region::Side));
    assert!(!harness.state().keys_reach_document(&harness.ctx));
    step(&mut harness, true);
    assert_eq!(
        region(&harness),
        Some(Region::Toolbar),
        "wraps, no folder open"
    );
    assert!(harness
        .get_by(|n| n.role() == Role::Button && n.label().is_some_and(|l| l.starts_with("Open…")))
        .is_focused());
    // Tab walks the toolbar's buttons.
    press(&mut harness, Key::Tab);
    assert!(harness
        .get_by_role_and_label(Role::Button, "Open folder…")
        .is_focused());
    assert_eq!(region(&harness), Some(Region::Toolbar));
    step(&mut harness, true);
    assert_eq!(region(&harness), Some(Region::Document));
    assert!(harness.state().keys_reach_document(&harness.ctx));
    step(&mut harness, false);
    assert_eq!(region(&harness), Some(Region::Toolbar), "backward");
    // Esc drops the focus: the document takes the keys again.
    press(&mut harness, Key::Escape);
    assert_eq!(region(&harness), Some(Region::Document));
}

#[test]
fn the_dashboard_takes_the_keyboard_and_esc_closes_it() {
    let article = fixed_article("dashboard");
    let mut harness = harness(Some(&article));
    harness.state_mut().send(AppCommand::ShowDashboard);
    harness.run_steps(3);
    assert!(harness
        .get_by_role_and_label(Role::Button, "Entities…")
        .is_focused());
    assert!(!harness.state().keys_reach_document(&harness.ctx));
    press(&mut harness, Key::Escape);
    assert!(harness.state().dashboard.is_none(), "Esc closes it");
    // Esc in the document does not close a dashboard that lacks the keyboard.
    harness.state_mut().send(AppCommand::ShowDashboard);
    harness.run_steps(3);
    harness
        .state_mut()
        .send(AppCommand::FocusRegion { forward: true });
    harness.run_steps(3);
    assert_eq!(region(&harness), Some(Region::Toolbar));
    press(&mut harness, Key::Escape);
    assert!(harness.state().dashboard.is_some());
}

#[test]
fn the_focus_ring_shows_on_a_field_in_the_light_theme() {
    let article = fixed_article("light");
    let mut harness = harness(Some(&article));
    harness.ctx.set_theme(egui::Theme::Light);
    press_modifiers(&mut harness, Modifiers::COMMAND, Key::E);
    // Export ← the checkbox ← Browse… ← Destination.
    for _ in 0..3 {
        press_modifiers(&mut harness, Modifiers::SHIFT, Key::Tab);
    }
    assert!(harness
        .get_by_role_and_label(Role::TextInput, "Destination")
        .is_focused());
    harness.snapshot("focus_field_light");
}

/// The keymap's F6 / Shift+F6 move the keyboard between the window's parts, and while a
/// toolbar button has it, Tab moves between buttons instead of walking the spans, and a
/// label key tags nothing.
#[test]
fn f6_moves_the_keyboard_and_plain_keys_then_leave_the_document_alone() {
    let article = fixed_article("f6");
    let mut harness = harness(Some(&article));
    // A span to walk to, selected from the keyboard: Tab would select it.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::ArrowRight);
    harness.run_steps(2);
    press(&mut harness, Key::Num4);
    press(&mut harness, Key::Escape);
    let spans = |h: &Harness<'_, SpantagApp>| {
        h.state()
            .workspace
            .session
            .as_ref()
            .unwrap()
            .document
            .annotations()
            .len()
    };
    assert_eq!(spans(&harness), 1);

    harness.key_press_modifiers(Modifiers::SHIFT, Key::F6);
    harness.run_steps(3);
    assert_eq!(
        region(&harness),
        Some(Region::Toolbar),
        "Shift+F6: back to the toolbar"
    );
    press(&mut harness, Key::Tab);
    assert!(harness
        .get_by_role_and_label(Role::Button, "Open folder…")
        .is_focused());
    assert_eq!(
        harness.state().view.selection,
        spantag::ui::Selection::None,
        "Tab on the toolbar did not walk the spans"
    );
    press(&mut harness, Key::Num4);
    assert_eq!(
        spans(&harness),
        1,
        "a label key on the toolbar tags nothing"
    );
    press(&mut harness, Key::F6);
    harness.run_steps(2);
    assert_eq!(
        region(&harness),
        Some(Region::Document),
        "F6: on to the document"
    );
    press(&mut harness, Key::Tab);
    assert!(matches!(
        harness.state().view.selection,
        spantag::ui::Selection::Span(_)
    ));
}
