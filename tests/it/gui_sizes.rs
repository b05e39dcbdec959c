//! Every dialog and panel opened in a window of the default size (1180x780) and in a
//! small one (800x600), snapshotted (`size_default_*.png`, `size_800_*.png`), with the
//! controls a person needs checked to lie inside the window: nothing that matters is
//! clipped off at 800x600.
//!
//! Each scene is built afresh at each size, as a person opening it in a window of that
//! size would see it.

use egui::{Key, Modifiers, Rect};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use std::any::Any;
use std::path::{Path, PathBuf};

use spantag::store::SaveState;
use spantag::ui::{AppCommand, Selection, SpantagApp};

use crate::gui::{drag_select, harness, step_until, wait_for_folder};
use crate::gui_safety::request_close;

/// (width, height, snapshot prefix).
const SIZES: [(f32, f32, &str); 2] = [(1180.0, 780.0, "default"), (800.0, 600.0, "800")];

/// What a scene keeps alive (temporary folders) while its harness runs.
type Keep = Box<dyn Any>;

/// A folder of a fixed name (paths are drawn in dialogs, and so in the snapshots),
/// emptied first.
fn fixed_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join("spantag-sizes").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn lavrov_in(dir: &Path) -> PathBuf {
    let article = dir.join("lavrov-libya.txt");
    std::fs::copy(crate::util::sample("lavrov-libya.txt"), &article).unwrap();
    article
}

/// The app at `size` with `article` open.
fn sized(size: egui::Vec2, article: Option<&Path>) -> Harness<'static, SpantagApp> {
    let mut harness = harness(article);
    harness.set_size(size);
    harness.run();
    harness
}

fn screen(harness: &Harness<'_, SpantagApp>) -> Rect {
    harness.ctx.content_rect()
}

/// Fails unless the node labelled `label` lies wholly inside the window.
fn assert_inside(harness: &Harness<'_, SpantagApp>, label: &str, what: &str) {
    let rect = harness.get_by_label(label).rect();
    let window = screen(harness).expand(0.5);
    assert!(
        window.contains_rect(rect),
        "{what}: {label:?} at {rect:?} is outside the window {window:?}"
    );
}

/// Fails unless the node labelled `label` with `role` lies wholly inside the window.
fn assert_role_inside(
    harness: &Harness<'_, SpantagApp>,
    role: egui::Role,
    label: &str,
    what: &str,
) {
    let rect = harness.get_by_role_and_label(role, label).rect();
    let window = screen(harness).expand(0.5);
    assert!(
        window.contains_rect(rect),
        "{what}: {label:?} at {rect:?} is outside the window {window:?}"
    );
}

/// Builds `scene` at each size, checks it with `check` and snapshots it as
/// `size_<prefix>_<name>`.
fn at_both_sizes(
    name: &str,
    scene: impl Fn(egui::Vec2) -> (Harness<'static, SpantagApp>, Keep),
    check: impl Fn(&Harness<'_, SpantagApp>, &str),
) {
    let mut failures = Vec::new();
    for (width, height, prefix) in SIZES {
        let (mut harness, keep) = scene(egui::vec2(width, height));
        harness.run();
        let what = format!("{name} at {width}x{height}");
        // The toolbar's last button, whatever the scene.
        assert_inside(&harness, "Light theme", &what);
        check(&harness, &what);
        if let Err(e) = harness.try_snapshot(format!("size_{prefix}_{name}")) {
            failures.push(e.to_string());
        }
        drop(harness);
        drop(keep);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_find_bar_leaves_the_document_inside_its_panel() {
    at_both_sizes(
        "find_bar_open",
        |size| {
            let dir = fixed_dir(&format!("find-{}", size.x));
            let article = lavrov_in(&dir);
            let mut harness = sized(size, Some(&article));
            harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
            harness.run();
            harness.state_mut().view.find.as_mut().unwrap().query = "Libya".into();
            harness.run();
            (harness, Box::new(dir))
        },
        |harness, what| {
            let side = harness.get_by_label("Labels").rect();
            let app = harness.state();
            let chars = app
                .workspace
                .session
                .as_ref()
                .unwrap()
                .document
                .text()
                .len_chars();
            let rows = app.doc_view().row_rects(0..chars);
            assert!(rows.len() > 5, "{what}: the text is on screen");
            for row in rows {
                assert!(
                    row.right() <= side.left(),
                    "{what}: a row of the text at {row:?} runs under the side panel (from x = {})",
                    side.left()
                );
            }
            assert_role_inside(harness, egui::Role::Button, "Close", what);
            assert_inside(harness, "Spans where", what);
        },
    );
}

#[test]
fn the_export_import_and_compare_dialogs_fit() {
    for (name, command, buttons) in [
        ("export", AppCommand::ShowExport, &["Export", "Close"][..]),
        ("import", AppCommand::ShowImport, &["Import", "Close"][..]),
        ("compare", AppCommand::ShowCompare, &["Compare"][..]),
    ] {
        at_both_sizes(
            name,
            |size| {
                let dir = fixed_dir(&format!("{name}-{}", size.x));
                let article = lavrov_in(&dir);
                let mut harness = sized(size, Some(&article));
                harness.state_mut().send(command.clone());
                harness.run();
                (harness, Box::new(dir))
            },
            |harness, what| {
                for button in buttons {
                    assert_role_inside(harness, egui::Role::Button, button, what);
                }
            },
        );
    }
}

#[test]
fn the_dashboard_and_corpus_view_fit() {
    at_both_sizes(
        "dashboard",
        |size| {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().join("news");
            std::fs::create_dir(&root).unwrap();
            crate::export::build_corpus(&root);
            for name in ["social-emoji.txt", "social-emoji.txt.ann.ron"] {
                std::fs::remove_file(root.join(name)).unwrap();
            }
            let mut harness = sized(size, Some(&root));
            wait_for_folder(&mut harness);
            harness.state_mut().send(AppCommand::ShowDashboard);
            step_until(&mut harness, "the dashboard finish counting", |h| {
                h.state()
                    .dashboard
                    .as_ref()
                    .is_some_and(|d| !d.is_counting())
            });
            (harness, Box::new(dir))
        },
        |harness, what| {
            assert_inside(harness, "Entities…", what);
            assert_inside(harness, "Most frequent actors", what);
        },
    );
    at_both_sizes(
        "corpus_view",
        |size| {
            let (dir, root) = crate::entities::linked_samples();
            let mut harness = sized(size, Some(&root));
            wait_for_folder(&mut harness);
            harness.state_mut().send(AppCommand::ShowEntities);
            step_until(&mut harness, "the entity index", |h| {
                h.state()
                    .corpus_view
                    .as_ref()
                    .is_some_and(|v| !v.is_building() && v.built.is_some())
            });
            harness.get_by_label_contains("Sergei Lavrov  2").click();
            harness.run();
            (harness, Box::new(dir))
        },
        |harness, what| {
            let window = screen(harness);
            let row = harness.get_by_label_contains("Sergei Lavrov  2").rect();
            assert!(
                window.contains_rect(row),
                "{what}: the entity row at {row:?}"
            );
        },
    );
}

#[test]
fn the_side_panel_fits_with_a_span_selected_and_with_suggestions() {
    at_both_sizes(
        "details",
        |size| {
            let dir = fixed_dir(&format!("details-{}", size.x));
            let article = lavrov_in(&dir);
            let mut harness = sized(size, Some(&article));
            drag_select(&mut harness, "Sergei Lavrov");
            harness.key_press(Key::Num4);
            harness.run();
            assert!(matches!(harness.state().view.selection, Selection::Span(_)));
            step_until(&mut harness, "the span saved", |h| {
                h.state().save_state() == Some(SaveState::Saved)
            });
            (harness, Box::new(dir))
        },
        |harness, what| {
            assert_inside(harness, "Labels", what);
        },
    );
    at_both_sizes(
        "suggestions",
        |size| {
            let dir = fixed_dir(&format!("suggestions-{}", size.x));
            let article = lavrov_in(&dir);
            std::fs::copy(crate::util::sample("suggest.ron"), dir.join("suggest.ron")).unwrap();
            let mut harness = sized(size, Some(&article));
            harness.key_press(Key::N);
            harness.run();
            (harness, Box::new(dir))
        },
        |harness, what| {
            assert_inside(harness, "Labels", what);
        },
    );
}

#[test]
fn needs_review_fits_with_an_orphan_and_a_conflict() {
    at_both_sizes(
        "needs_review",
        |size| {
            let dir = fixed_dir(&format!("review-{}", size.x));
            let article = crate::gui_conflicts::merged_article(&dir);
            // The name is corrected in the article: Lavrov's span is orphaned.
            let original = std::fs::read_to_string(&article).unwrap();
            std::fs::write(
                &article,
                original.replacen("Sergei Lavrov", "Sergey Lavrov", 1),
            )
            .unwrap();
            let mut harness = sized(size, Some(&article));
            // The repaired sidecar is written: wait, so the status bar is the same each run.
            step_until(&mut harness, "the repaired sidecar saved", |h| {
                h.state().save_state() == Some(SaveState::Saved)
            });
            (harness, Box::new(dir))
        },
        |harness, what| {
            assert!(
                harness
                    .query_all_by_label_contains("Needs review (")
                    .count()
                    > 0
            );
            assert_inside(harness, "Labels", what);
        },
    );
}

#[test]
fn the_save_failure_and_the_close_question_fit() {
    // The folder disappears before the save: the banner, then the question on closing.
    let failed = |size: egui::Vec2| {
        let dir = fixed_dir(&format!("failed-{}", size.x));
        let article = lavrov_in(&dir);
        let mut harness = sized(size, Some(&article));
        std::fs::remove_dir_all(&dir).unwrap();
        drag_select(&mut harness, "Sergei Lavrov");
        harness.key_press(Key::Num4);
        step_until(&mut harness, "the failure", |h| {
            matches!(h.state().save_state(), Some(SaveState::Failed(_)))
        });
        // The folder watcher may also report the article gone, at a time of its own:
        // wait for it a moment and dismiss it, so each run draws the same window.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        while harness.state().view.notice.is_none() && std::time::Instant::now() < deadline {
            harness.step();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        if harness.state().view.notice.is_some() {
            harness.state_mut().send(AppCommand::DismissNotice);
        }
        harness.run();
        harness
    };
    at_both_sizes(
        "save_failed",
        |size| (failed(size), Box::new(())),
        |harness, what| {
            assert_inside(harness, "Retry", what);
            assert_inside(harness, "Save sidecar as…", what);
        },
    );
    at_both_sizes(
        "close_question",
        |size| {
            let mut harness = failed(size);
            request_close(&mut harness);
            (harness, Box::new(()))
        },
        |harness, what| {
            assert_inside(harness, "Close without saving", what);
        },
    );
}

/// The dashboard's most-frequent list at 1, 10 and 30 rows, in a column as narrow as the
/// dashboard's at 800x600: every name is in the accessibility tree, inside the column,
/// on its own row, and its bar is no longer than the largest count's.
#[test]
fn ranked_bars_name_every_row_at_any_count() {
    use spantag::ui::dashboard::ranked_bars;
    for count in [1usize, 10, 30] {
        let entries: Vec<(String, usize)> = (0..count)
            .map(|i| (format!("Actor number {i}"), count - i))
            .collect();
        let shown = entries.clone();
        let width = 340.0;
        let mut harness = Harness::builder()
            .with_size(egui::vec2(width, 250.0))
            .build_ui(move |ui| {
                ranked_bars(ui, "test", &shown, egui::Color32::LIGHT_BLUE);
            });
        harness.run();
        let mut previous_bottom = f32::MIN;
        for (name, n) in &entries {
            let node = harness.get_by_label(name);
            let rect = node.rect();
            assert!(
                rect.left() >= 0.0 && rect.right() <= width,
                "{count} rows: {name:?} at {rect:?} is outside the column"
            );
            assert!(
                rect.top() >= previous_bottom - 0.5,
                "{count} rows: {name:?} overlaps the row above"
            );
            previous_bottom = rect.bottom();
            // The count is drawn too (the first row's is unique: the largest).
            if *n == count {
                harness.get_by_label(&n.to_string());
            }
        }
        if count == 10 {
            harness.snapshot("ranked_bars_10");
        }
    }
}
