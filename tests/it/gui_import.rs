//! File → Import… in the real app: the dialog runs the same import as `spantag import` on
//! a background thread, shows its report, and the open folder takes in what it wrote.

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use std::path::Path;

use spantag::import::Format;

use crate::gui::{harness, step_until, wait_for_folder};

/// A doccano export as doccano writes it: integer ids, UTF-16 offsets (the second record's
/// span comes after an emoji, two UTF-16 units), and one record that is not JSON.
const DOCCANO: &str = concat!(
    r#"{"id":1,"text":"Sergei Lavrov met officials in Cairo.","label":[[0,13,"PER"],[31,36,"LOC"]],"Comments":[]}"#,
    "\n",
    r#"{"id":2,"text":"🇪🇬 Cairo denied it.","label":[[5,10,"LOC"]],"Comments":[]}"#,
    "\n",
    r#"{"id":3,"text":"cut short"#,
    "\n",
);

#[test]
fn the_import_dialog_imports_into_the_open_folder_reports_and_refreshes_it() {
    // A fixed folder, not a random temporary one: its path is in the snapshot.
    let dir = std::env::temp_dir().join("spantag-import-dialog-test");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    let root = dir.join("news");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(root.join("first.txt"), "An article already here.\n").unwrap();
    let input = dir.join("doccano.jsonl");
    std::fs::write(&input, DOCCANO).unwrap();

    let mut harness = harness(Some(&root));
    wait_for_folder(&mut harness);
    assert!(harness.state().workspace.scheme.label("PER").is_none());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    harness.run();
    let state = harness.state_mut();
    assert!(state.import.open, "Ctrl+I opens the dialog");
    assert_eq!(
        Path::new(state.import.into.as_str()),
        root,
        "into the open folder by default"
    );
    state.import.format = Format::Doccano;
    state.import.input = input.display().to_string();
    // The Import button is enabled once there is a file (as after typing or Browse…).
    harness.run();
    harness
        .get_by_role_and_label(egui::Role::Button, "Import")
        .click();
    step_until(&mut harness, "the import finish", |h| {
        h.state().import.outcome.is_some()
    });
    harness.run();

    let outcome = harness
        .state()
        .import
        .outcome
        .clone()
        .unwrap()
        .expect("imported");
    assert!(outcome.written);
    assert_eq!(outcome.articles, 2);
    assert_eq!(outcome.spans, 3);
    assert_eq!(
        outcome.report.errors.len(),
        1,
        "{:?}",
        outcome.report.errors
    );
    assert_eq!(outcome.report.errors[0].line, Some(3));
    for name in [
        "1.txt",
        "1.txt.ann.ron",
        "2.txt",
        "2.txt.ann.ron",
        "spantag.ron",
    ] {
        assert!(root.join(name).exists(), "{name} written");
    }
    // The report is on screen: the headline and the record that could not be read.
    harness.get_by_label_contains("Imported 2 article(s), 3 span(s)");
    harness.get_by_label_contains("doccano.jsonl:3:");

    // The open folder lists the new articles and uses the labels the import added.
    step_until(&mut harness, "the folder list the imported articles", |h| {
        h.state()
            .workspace
            .folder
            .as_ref()
            .is_some_and(|f| !f.is_scanning() && f.entries.len() == 3)
    });
    let scheme = &harness.state().workspace.scheme;
    assert!(scheme.label("PER").is_some() && scheme.label("LOC").is_some());
    harness.get_by_label("What came in").click();
    harness.run();
    harness.snapshot("import_dialog");

    // The span after the emoji is on "Cairo" in the article as written.
    let sidecar = std::fs::read_to_string(root.join("2.txt.ann.ron")).unwrap();
    assert!(sidecar.contains("text: \"Cairo\""), "{sidecar}");
    drop(harness);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_import_dialog_opens_the_folder_it_imported_into_and_escape_closes_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("doccano.jsonl");
    std::fs::write(&input, DOCCANO).unwrap();
    let into = dir.path().join("imported");

    let mut harness = harness(None);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    harness.run();
    let state = harness.state_mut();
    state.import.format = Format::Doccano;
    state.import.input = input.display().to_string();
    state.import.into = into.display().to_string();
    state.import.strict = true;
    harness.run();
    harness
        .get_by_role_and_label(egui::Role::Button, "Import")
        .click();
    step_until(&mut harness, "the strict import finish", |h| {
        h.state().import.outcome.is_some()
    });
    harness.run();
    let outcome = harness.state().import.outcome.clone().unwrap().unwrap();
    assert!(!outcome.written, "strict: a bad record writes nothing");
    assert!(!into.join("1.txt").exists());
    harness.get_by_label_contains("Nothing was written");

    harness.state_mut().import.strict = false;
    harness
        .get_by_role_and_label(egui::Role::Button, "Import")
        .click();
    step_until(&mut harness, "the import finish", |h| {
        h.state()
            .import
            .outcome
            .as_ref()
            .is_some_and(|o| o.as_ref().is_ok_and(|o| o.written))
    });
    harness.run();
    harness
        .get_by_role_and_label(egui::Role::Button, "Open the imported folder")
        .click();
    harness.run();
    wait_for_folder(&mut harness);
    assert_eq!(
        harness.state().workspace.folder.as_ref().unwrap().root,
        into
    );
    assert!(!harness.state().import.open, "the dialog closed");

    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    harness.run();
    assert!(harness.state().import.open);
    harness.key_press(Key::Escape);
    harness.run();
    assert!(!harness.state().import.open, "Escape closes it");
}
