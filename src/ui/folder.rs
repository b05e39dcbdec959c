//! Folder mode: the articles of a folder in a left panel, with their status and span
//! counts, a filter, and the progress of the folder. The folder is scanned off the UI
//! thread (reading every sidecar), with a progress bar while it runs.

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use super::job::Job;
use crate::model::Status;
use crate::store::stats::{summarize, ArticleSummary};
use crate::store::walk;

pub struct Folder {
    pub root: PathBuf,
    pub entries: Vec<ArticleSummary>,
    pub filter: String,
    /// Index in `entries` of the open article.
    pub current: Option<usize>,
    scan: Option<Job<Result<Vec<ArticleSummary>, String>>>,
    pub error: Option<String>,
}

/// What a click in the panel asks for.
pub enum PanelAction {
    Open(PathBuf),
    MarkDoneAndNext,
}

impl Folder {
    /// Starts scanning `root` on its own thread.
    pub fn open(root: &Path, ctx: &egui::Context) -> Folder {
        let folder = root.to_path_buf();
        let scan = Job::spawn(ctx, "the folder scan", move |progress| {
            let list = walk::articles(&folder).map_err(|e| e.to_string())?;
            progress.start(list.len());
            Ok(list
                .into_iter()
                .map(|(id, path)| {
                    let summary = summarize(id, path);
                    progress.step();
                    summary
                })
                .collect())
        });
        Folder {
            root: root.to_path_buf(),
            entries: Vec::new(),
            filter: String::new(),
            current: None,
            scan: Some(scan),
            error: None,
        }
    }

    pub fn is_scanning(&self) -> bool {
        self.scan.is_some()
    }

    /// Takes a finished scan; true when it finished now.
    pub fn poll(&mut self) -> bool {
        let Some(outcome) = self.scan.as_ref().and_then(Job::poll) else {
            return false;
        };
        self.scan = None;
        match outcome.and_then(|listed| listed) {
            Ok(entries) => self.entries = entries,
            Err(e) => self.error = Some(e),
        }
        true
    }

    pub fn index_of(&self, path: &Path) -> Option<usize> {
        self.entries.iter().position(|e| e.path == path)
    }

    /// The first article not marked done, else the first.
    pub fn first_to_do(&self) -> Option<&Path> {
        self.entries
            .iter()
            .find(|e| e.status != Status::Done)
            .or(self.entries.first())
            .map(|e| e.path.as_path())
    }

    /// The article after (or before) the open one.
    pub fn neighbour(&self, forward: bool) -> Option<&Path> {
        let current = self.current?;
        let next = if forward {
            current + 1
        } else {
            current.checked_sub(1)?
        };
        self.entries.get(next).map(|e| e.path.as_path())
    }

    pub fn done_count(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.status == Status::Done)
            .count()
    }

    /// Keeps the open article's line current.
    pub fn update_current(&mut self, status: Status, spans: usize) {
        if let Some(entry) = self.current.and_then(|i| self.entries.get_mut(i)) {
            entry.status = status;
            entry.spans = spans;
        }
    }

    pub fn panel(&mut self, ui: &mut Ui) -> Option<PanelAction> {
        let mut action = None;
        let name = self.root.file_name().map_or_else(
            || self.root.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        ui.strong(name)
            .on_hover_text(self.root.display().to_string());
        if let Some(scan) = &self.scan {
            let (done, total) = scan.progress().get();
            ui.add(
                egui::ProgressBar::new(scan.fraction())
                    .text(format!("Reading {done} of {total} articles…")),
            );
            return None;
        }
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
            return None;
        }
        let total = self.entries.len();
        let done = self.done_count();
        let fraction = if total == 0 {
            0.0
        } else {
            done as f32 / total as f32
        };
        ui.add(egui::ProgressBar::new(fraction).text(format!("{done} of {total} done")));
        if ui
            .add_enabled(
                self.current.is_some(),
                egui::Button::new("Done, next").shortcut_text("Ctrl+Enter"),
            )
            .on_hover_text("Mark this article done and open the next one")
            .clicked()
        {
            action = Some(PanelAction::MarkDoneAndNext);
        }
        let label = ui.label("Filter");
        let filter = ui
            .add(egui::TextEdit::singleline(&mut self.filter).hint_text("part of a name"))
            .labelled_by(label.id);
        // F6 lands on the filter: type to narrow the list, Tab to the articles.
        super::focus::Regions::offer(ui.ctx(), super::focus::Region::Articles, &filter);
        let needle = self.filter.to_lowercase();
        let shown: Vec<usize> = (0..self.entries.len())
            .filter(|&i| needle.is_empty() || self.entries[i].id.to_lowercase().contains(&needle))
            .collect();
        let row_height = ui.spacing().interact_size.y;
        egui::ScrollArea::vertical()
            .id_salt("article-list")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, shown.len(), |ui, rows| {
                for &i in &shown[rows] {
                    let entry = &self.entries[i];
                    let hint = match entry.status {
                        Status::NotStarted => "not started",
                        Status::InProgress => "in progress",
                        Status::Done => "done",
                    };
                    ui.horizontal(|ui| {
                        status_dot(ui, entry.status);
                        let mut text = RichText::new(format!("{}  ({})", entry.id, entry.spans));
                        if entry.problem.is_some() {
                            text = text.color(ui.visuals().warn_fg_color);
                        }
                        let hover = entry
                            .problem
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_else(|| format!("{hint}, {} spans", entry.spans));
                        let response = ui
                            .add(egui::Button::selectable(self.current == Some(i), text).truncate())
                            .on_hover_text(hover);
                        if response.clicked() {
                            action = Some(PanelAction::Open(entry.path.clone()));
                        }
                    });
                }
            });
        action
    }
}

/// A ring for not started, a half-filled dot for in progress, a full dot for done.
fn status_dot(ui: &mut Ui, status: Status) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    let color = ui.visuals().text_color();
    let center = rect.center();
    match status {
        Status::NotStarted => {
            ui.painter()
                .circle_stroke(center, 4.0, egui::Stroke::new(1.0, color));
        }
        Status::InProgress => {
            ui.painter()
                .circle_stroke(center, 4.0, egui::Stroke::new(1.0, color));
            ui.painter().circle_filled(center, 2.0, color);
        }
        Status::Done => {
            ui.painter().circle_filled(center, 4.0, color);
        }
    }
}
