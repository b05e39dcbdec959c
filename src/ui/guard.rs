//! Keeping the analyst's work safe in the window: files that others change under an open
//! article, saves that fail, and closing with work that is not on disk.
//!
//! The store decides what a change means (see [`crate::store::session`]); this module
//! watches the open article's folder, turns outcomes into messages, and asks the analyst
//! whenever their work and the disk disagree: a conflict never resolves itself, and the
//! window never closes over unsaved annotations without a question.
//!
//! Its functions take the parts they read and change (the [`Workspace`], the
//! [`ViewState`], a [`CommandSender`]), not the app: the app calls them, and nothing here
//! imports the app.

use egui::{Id, RichText, Ui};
use std::path::Path;

use super::command::{AppCommand, CommandSender};
use super::doc_view::Selection;
use super::state::{Notice, ViewState, Workspace};
use crate::model::Scheme;
use crate::store::watch::FolderWatcher;
use crate::store::{External, Resolution, SaveState, Session};

/// Follows the open article's folder, and acts on changes others made there.
pub(super) fn poll_watcher(ctx: &egui::Context, ws: &mut Workspace, view: &mut ViewState) {
    let Some(session) = &ws.session else {
        ws.watcher = None;
        return;
    };
    let folder = session.article_path.parent().unwrap_or(Path::new(""));
    if ws.watcher.as_ref().is_none_or(|w| w.folder() != folder) {
        let wake = ctx.clone();
        // Without a watcher (e.g. the system's watch limit is reached) the saver's
        // check before each write still refuses to overwrite a changed sidecar.
        ws.watcher = FolderWatcher::new(folder, move || wake.request_repaint()).ok();
    }
    let Some(watcher) = &mut ws.watcher else {
        return;
    };
    let (names, wait) = watcher.settled();
    if let Some(wait) = wait {
        ctx.request_repaint_after(wait);
    }
    for name in names {
        let Some(session) = &mut ws.session else {
            return;
        };
        let outcome = if Some(name.as_os_str()) == session.sidecar_path.file_name() {
            session.sidecar_changed_on_disk(&ws.saver)
        } else if Some(name.as_os_str()) == session.article_path.file_name() {
            match session.article_changed_on_disk(&ws.saver) {
                Ok(outcome) => outcome,
                Err(e) => {
                    view.notice = Some(Notice {
                        text: format!(
                            "The article changed on disk and cannot be read again; \
                             your annotations stay as they were. {e}"
                        ),
                        is_error: true,
                    });
                    continue;
                }
            }
        } else {
            continue;
        };
        on_external(view, outcome);
    }
}

fn on_external(view: &mut ViewState, outcome: External) {
    let notice = match outcome {
        External::Nothing | External::Conflict => return,
        External::Reloaded => Notice {
            text: "The sidecar changed on disk and was read again.".into(),
            is_error: false,
        },
        External::Unreadable(reason) => Notice {
            text: format!(
                "The sidecar changed on disk and cannot be read; the article is read-only \
                 and the file is left untouched. {reason}"
            ),
            is_error: true,
        },
        External::ArticleChanged(report) => Notice {
            is_error: !report.anchoring.orphaned.is_empty(),
            text: report
                .summary()
                .unwrap_or_else(|| "The article changed on disk and was read again.".into()),
        },
    };
    // Span ids and positions may mean something else now.
    view.selection = Selection::None;
    view.linking = None;
    view.note_draft = None;
    view.notice = Some(notice);
}

/// The window was asked to close: write what can be written, and ask before losing
/// anything that could not. Returns whether to ask (the window stays open meanwhile);
/// once `quitting`, the close goes ahead.
pub(super) fn handle_close_request(
    ctx: &egui::Context,
    ws: &mut Workspace,
    quitting: bool,
) -> bool {
    if !ctx.input(|i| i.viewport().close_requested()) || quitting {
        return false;
    }
    ws.save_now();
    if work_is_safe(ws) {
        return false;
    }
    ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
    true
}

/// Writes the open article's work before another article replaces it. If it cannot be
/// written (a failed save, an open conflict) the article stays open and says why: its
/// annotations exist only in memory.
pub(super) fn may_leave_article(ws: &mut Workspace, view: &mut ViewState) -> bool {
    ws.save_now();
    if work_is_safe(ws) {
        return true;
    }
    let Some(session) = &ws.session else {
        return true;
    };
    view.notice = Some(Notice {
        text: format!(
            "{} stays open: its annotations are not saved yet. Retry, use Save sidecar \
             as… (Ctrl+Shift+S), or resolve the question about the sidecar first.",
            session.document.meta.file_name
        ),
        is_error: true,
    });
    false
}

/// Whether the open article's annotations are all on disk: in its sidecar, or in a copy
/// saved with Save sidecar as… since the last change.
pub(super) fn work_is_safe(ws: &Workspace) -> bool {
    let Some(session) = &ws.session else {
        return true;
    };
    !session.has_unsaved_changes()
        || ws.copy_saved.as_ref().is_some_and(|(article, revision)| {
            *article == session.article_path && *revision == session.document.revision()
        })
}

pub(super) fn resolve_conflict(
    ws: &mut Workspace,
    view: &mut ViewState,
    resolution: Resolution,
) -> Result<(), String> {
    let session = ws.session.as_mut().ok_or("Open an article first.")?;
    let copy = session
        .resolve(resolution, &ws.saver)
        .map_err(|e| format!("Could not save your copy, nothing was changed: {e}"))?;
    view.selection = Selection::None;
    view.note_draft = None;
    if let Some(copy) = copy {
        view.notice = Some(Notice {
            text: format!(
                "Your annotations were saved to {}; the sidecar now holds theirs.",
                copy.display()
            ),
            is_error: false,
        });
    }
    Ok(())
}

/// Saves a copy of the annotations to `path`. On success everything is in the copy, so
/// a pending close question is answered (the caller stops asking).
pub(super) fn save_copy_to(
    ws: &mut Workspace,
    view: &mut ViewState,
    path: &Path,
) -> Result<(), String> {
    let session = ws.session.as_ref().ok_or("Open an article first.")?;
    session
        .save_copy(path)
        .map_err(|e| format!("{}: cannot save: {e}", path.display()))?;
    ws.copy_saved = Some((session.article_path.clone(), session.document.revision()));
    view.notice = Some(Notice {
        text: format!(
            "Saved a copy of the annotations to {}. The article's own sidecar is saved \
             separately, as the status bar shows.",
            path.display()
        ),
        is_error: false,
    });
    Ok(())
}

/// What the analyst should know about an article just opened: a sidecar that could not be
/// read, spans that moved or were orphaned, flaws repaired in memory, labels the scheme
/// does not name, an encoding that was guessed. One notice, an error if anything needs
/// their attention.
pub(super) fn opening_notice(session: &Session, scheme: &Scheme) -> Option<Notice> {
    let mut parts = Vec::new();
    let mut is_error = false;
    if let Some(reason) = &session.read_only {
        parts.push(format!(
            "Opened read-only: the sidecar could not be read, and is left untouched. {reason}"
        ));
        is_error = true;
    }
    if let Some(summary) = session.report.summary() {
        parts.push(summary);
        is_error |=
            !session.report.anchoring.orphaned.is_empty() || !session.report.flaws.is_empty();
    }
    let mut unknown: Vec<&str> = session
        .document
        .annotations()
        .spans()
        .iter()
        .map(|s| s.label.as_str())
        .filter(|label| scheme.label(label).is_none())
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    if !unknown.is_empty() {
        parts.push(format!(
            "Some spans have labels the scheme does not name ({}); they are kept and drawn in grey.",
            unknown.join(", ")
        ));
        is_error = true;
    }
    let meta = &session.document.meta;
    if meta.encoding_guessed {
        parts.push(format!(
            "Encoding guessed ({}): check that the text reads right.",
            meta.encoding
        ));
    }
    (!parts.is_empty()).then(|| Notice {
        text: parts.join(" "),
        is_error,
    })
}

/// A failed save, above the text for as long as it lasts, with the ways out.
pub(super) fn save_failure_banner(ui: &mut Ui, ws: &Workspace, tx: &CommandSender) {
    let Some(SaveState::Failed(error)) = ws.save_state() else {
        return;
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!(
                    "Not saved: {error}. Your annotations are kept in memory."
                ))
                .color(ui.visuals().error_fg_color),
            );
            if ui.button("Retry").clicked() {
                tx.send(AppCommand::RetrySave);
            }
            if ui.button("Save sidecar as…").clicked() {
                tx.send(AppCommand::ShowSaveAsDialog);
            }
        });
    });
}

/// The question when the sidecar changed on disk under unsaved work.
pub(super) fn conflict_modal(ctx: &egui::Context, ws: &Workspace, tx: &CommandSender) {
    let Some(session) = &ws.session else { return };
    let Some(conflict) = &session.conflict else {
        return;
    };
    let name = session.document.meta.file_name.clone();
    let what = match &conflict.theirs {
        Some(_) => "was changed on disk by another program (a colleague, a git pull?)",
        None => "was deleted on disk",
    };
    egui::Modal::new(Id::unique("sidecar-conflict")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        ui.heading("The annotations changed on disk");
        ui.label(format!(
            "The sidecar of {name} {what} while you had unsaved changes. \
             Nothing has been overwritten. Which annotations should it hold?"
        ));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui
                .button("Keep mine")
                .on_hover_text("Write your annotations over the changed sidecar")
                .clicked()
            {
                tx.send(AppCommand::Resolve(Resolution::KeepMine));
            }
            if ui
                .button("Take theirs")
                .on_hover_text("Drop your unsaved changes and load the sidecar on disk")
                .clicked()
            {
                tx.send(AppCommand::Resolve(Resolution::TakeTheirs));
            }
            let copy = ui
                .button("Save mine as a copy")
                .on_hover_text("Write yours beside it (….ann.ron.mine-N), then load theirs");
            // The keyboard starts on the answer that loses nothing.
            super::focus::claim(ui, &copy);
            if copy.clicked() {
                tx.send(AppCommand::Resolve(Resolution::SaveMineAsCopy));
            }
        });
    });
}

/// The question when the window is closed with annotations that are not on disk.
/// `asking`: the window was asked to close with such annotations.
pub(super) fn close_modal(ctx: &egui::Context, ws: &Workspace, asking: bool, tx: &CommandSender) {
    if !asking {
        return;
    }
    let reason = match ws.save_state() {
        Some(SaveState::Failed(error)) => format!("The last save failed: {error}."),
        Some(SaveState::Conflict) => "The sidecar changed on disk and you have not yet \
                                      chosen whose annotations to keep."
            .into(),
        _ => "They have not been written yet.".into(),
    };
    let response = egui::Modal::new(Id::unique("close-unsaved")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        ui.heading("Unsaved annotations");
        ui.label(format!(
            "Your annotations are not saved. {reason} Closing now loses them."
        ));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Save sidecar as…").clicked() {
                tx.send(AppCommand::ShowSaveAsDialog);
            }
            if ui.button("Close without saving").clicked() {
                tx.send(AppCommand::QuitWithoutSaving);
            }
            let cancel = ui.button("Cancel");
            // The keyboard starts on the answer that loses nothing.
            super::focus::claim(ui, &cancel);
            if cancel.clicked() {
                tx.send(AppCommand::KeepWindowOpen);
            }
        });
    });
    if response.should_close() {
        tx.send(AppCommand::KeepWindowOpen);
    }
}
