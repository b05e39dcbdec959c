//! File → Export… (Ctrl+E): choose a format, what to export and where; the export runs
//! off the UI thread with a progress bar and a Cancel button, and ends with a summary of
//! what was written and what the format could not hold.

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use super::dialogs::{Ask, FileDialog};
use super::job::Job;
use crate::export::{Format, Options};
use crate::model::{Entities, Scheme};
use crate::store::export::{self, ExportSummary};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The open article only.
    Article,
    /// Every article in the open article's folder, sub-folders included.
    Folder,
}

pub struct ExportDialog {
    pub open: bool,
    pub format: Format,
    pub scope: Scope,
    pub destination: String,
    pub include_orphans: bool,
    job: Option<Job<Result<ExportSummary, String>>>,
    /// The last export's summary, or its error.
    pub outcome: Option<Result<ExportSummary, String>>,
    browse: FileDialog<()>,
    /// The Export button was pressed; the app saves, then calls [`Self::start`].
    start_requested: bool,
}

impl Default for ExportDialog {
    fn default() -> Self {
        ExportDialog {
            open: false,
            format: Format::Jsonl,
            scope: Scope::Article,
            destination: String::new(),
            include_orphans: false,
            job: None,
            outcome: None,
            browse: FileDialog::default(),
            start_requested: false,
        }
    }
}

impl ExportDialog {
    /// Opens the dialog for the article at `article`, proposing a destination beside it.
    pub fn open_for(&mut self, article: &Path) {
        self.open = true;
        self.outcome = None;
        self.destination = default_destination(article, self.format, self.scope)
            .display()
            .to_string();
    }

    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    fn corpus(&self, article: &Path) -> PathBuf {
        match self.scope {
            Scope::Article => article.to_path_buf(),
            Scope::Folder => article
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        }
    }

    /// Whether the Export button was pressed since the last call.
    pub fn take_start_request(&mut self) -> bool {
        std::mem::take(&mut self.start_requested)
    }

    /// Starts the export on its own thread (after the app has saved the open article).
    /// `entities` are the app's (`None` when its `entities.ron` is broken: the export then
    /// reads the file itself and fails naming the file, line and column).
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        article: &Path,
        scheme: &Scheme,
        entities: Option<&Entities>,
    ) {
        let corpus = self.corpus(article);
        let out = PathBuf::from(self.destination.trim());
        let format = self.format;
        let options = Options {
            include_orphans: self.include_orphans,
            ..Options::default()
        };
        let scheme = scheme.clone();
        let entities = entities.cloned();
        let job = Job::spawn(ctx, "the export", move |shared| {
            let progress = |n, of| {
                shared.total.store(of, std::sync::atomic::Ordering::Relaxed);
                shared.done.store(n, std::sync::atomic::Ordering::Relaxed);
                !shared.cancelled()
            };
            match &entities {
                Some(entities) => {
                    export::export_with(&corpus, format, &out, &scheme, entities, options, progress)
                }
                None => export::export(&corpus, format, &out, &scheme, options, progress),
            }
            .map_err(|e| e.to_string())
        });
        self.outcome = None;
        self.job = Some(job);
    }

    /// Collects a finished export or a chosen destination (call every frame).
    pub fn poll(&mut self) {
        if let Some(outcome) = self.job.as_ref().and_then(Job::poll) {
            self.outcome = Some(outcome.and_then(|exported| exported));
            self.job = None;
        }
        if let Some(((), path)) = self.browse.poll() {
            self.destination = path.display().to_string();
        }
    }

    fn browse(&mut self, ctx: &egui::Context) {
        let current = PathBuf::from(self.destination.trim());
        let ask = if self.format.writes_folder() {
            Ask::Folder
        } else {
            Ask::Save {
                name: current
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            }
        };
        self.browse.ask(ctx, (), "Export to", ask, current.parent());
    }

    /// Draws the dialog. `article` is the open article; without one nothing is shown.
    pub fn show(&mut self, ctx: &egui::Context, article: Option<&Path>) {
        let Some(article) = article else {
            self.open = false;
            return;
        };
        if !self.open {
            return;
        }
        let mut open = true;
        let shown = egui::Window::new("Export")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .default_width(460.0)
            .show(ctx, |ui| self.contents(ui, article));
        if let Some(shown) = shown {
            super::focus::modal(ctx, &shown.response);
        }
        // Closing the window cancels a running export.
        if !open {
            self.close();
        }
    }

    pub fn close(&mut self) {
        if let Some(job) = &self.job {
            job.cancel();
        }
        self.open = false;
    }

    fn contents(&mut self, ui: &mut Ui, article: &Path) {
        let running = self.is_running();
        ui.add_enabled_ui(!running, |ui| {
            egui::Grid::new("export-form")
                .num_columns(2)
                .spacing([12.0, 8.0])
                .show(ui, |ui| {
                    let label = ui.label("Format");
                    let before = (self.format, self.scope);
                    egui::ComboBox::from_id_salt("export-format")
                        .selected_text(self.format.description())
                        .width(320.0)
                        .show_ui(ui, |ui| {
                            for format in Format::ALL {
                                ui.selectable_value(&mut self.format, format, format.description());
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    ui.end_row();

                    ui.label("Articles");
                    ui.vertical(|ui| {
                        let name = article.file_name().unwrap_or_default().to_string_lossy();
                        ui.radio_value(
                            &mut self.scope,
                            Scope::Article,
                            format!("This article ({name})"),
                        );
                        let folder = article.parent().unwrap_or(Path::new("."));
                        ui.radio_value(
                            &mut self.scope,
                            Scope::Folder,
                            format!("Every article in {} and its sub-folders", folder.display()),
                        );
                    });
                    ui.end_row();
                    if (self.format, self.scope) != before {
                        self.destination = default_destination(article, self.format, self.scope)
                            .display()
                            .to_string();
                    }

                    let label = ui.label("Destination");
                    ui.horizontal(|ui| {
                        let field = ui
                            .add(
                                egui::TextEdit::singleline(&mut self.destination)
                                    .desired_width(260.0),
                            )
                            .labelled_by(label.id);
                        // Enter in the field exports, as the Export button would.
                        if super::focus::entered(ui, &field) && !self.destination.trim().is_empty()
                        {
                            self.start_requested = true;
                        }
                        if self.destination.trim().is_empty() {
                            // No Export to press yet: the keyboard goes where the path is typed.
                            super::focus::claim(ui, &field);
                        }
                        if ui
                            .add_enabled(!self.browse.is_open(), egui::Button::new("Browse…"))
                            .clicked()
                        {
                            self.browse(ui.ctx());
                        }
                    });
                    ui.end_row();

                    ui.label("");
                    ui.checkbox(
                        &mut self.include_orphans,
                        "Include spans that need review (jsonl only)",
                    );
                    ui.end_row();
                });
        });
        ui.separator();
        if let Some(job) = &self.job {
            let (done, total) = job.progress().get();
            job.bar(ui, &format!("{done} of {total} articles"), 320.0);
            return;
        }
        ui.horizontal(|ui| {
            let ready = !self.destination.trim().is_empty();
            let export = ui.add_enabled(ready, egui::Button::new("Export"));
            // The default action: Enter (or Space) presses it as soon as the dialog opens.
            super::focus::claim(ui, &export);
            if export.clicked() {
                self.start_requested = true;
            }
            if ui.button("Close").clicked() {
                self.close();
            }
        });
        match &self.outcome {
            None => {}
            Some(Err(message)) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("Export failed: {message}"),
                );
            }
            Some(Ok(summary)) => summary_ui(ui, summary, self.destination.trim()),
        }
    }
}

fn summary_ui(ui: &mut Ui, summary: &ExportSummary, destination: &str) {
    let r = &summary.report;
    ui.label(
        RichText::new(format!(
            "Exported {} article(s), {} span(s), {} relation(s) to {destination}",
            r.articles, r.spans, r.relations
        ))
        .strong(),
    );
    if r.losses.is_empty() && summary.skipped.is_empty() {
        ui.label("Everything fit the format.");
        return;
    }
    let dropped = r.losses.iter().filter(|l| l.dropped).count();
    ui.label(format!(
        "What the format could not hold: {} span(s) left out, {} changed, {} article(s) not readable.",
        dropped,
        r.losses.len() - dropped,
        summary.skipped.len()
    ));
    egui::ScrollArea::vertical()
        .max_height(160.0)
        .show(ui, |ui| {
            for problem in &summary.skipped {
                ui.colored_label(ui.visuals().error_fg_color, problem.to_string());
            }
            for loss in &r.losses {
                ui.label(loss.to_string());
            }
        });
}

/// A destination beside the article: `<stem>.<ext>` for one article, `<folder>.<ext>` next
/// to the folder for a whole folder (brat: a folder named `…-brat`), never inside the
/// corpus where a later export would take it for articles. A format that shares its
/// extension with another (doccano's `.jsonl`, Label Studio's and W3C's `.json`) puts its
/// name before the extension, so exports in two formats never overwrite each other.
fn default_destination(article: &Path, format: Format, scope: Scope) -> PathBuf {
    let folder = article.parent().unwrap_or(Path::new("."));
    let beside_folder = folder.parent().unwrap_or(folder).to_path_buf();
    let name = match scope {
        Scope::Article => article
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned(),
        Scope::Folder => folder
            .file_name()
            .map_or("corpus".into(), |n| n.to_string_lossy().into_owned()),
    };
    if format.writes_folder() {
        // brat writes .txt files: keep them out of the corpus.
        return beside_folder.join(format!("{name}-brat"));
    }
    let base = if scope == Scope::Article {
        folder.to_path_buf()
    } else {
        beside_folder
    };
    let extension = format.extension();
    if format.name() == extension {
        base.join(format!("{name}.{extension}"))
    } else {
        base.join(format!("{name}.{}.{extension}", format.name()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The proposed destination for every format, one article and its whole folder.
    #[test]
    fn every_format_proposes_one_extension_beside_the_corpus() {
        let article = Path::new("/data/news/harbour-strike.txt");
        let expected = [
            (
                Format::Jsonl,
                "/data/news/harbour-strike.jsonl",
                "/data/news.jsonl",
            ),
            (
                Format::Doccano,
                "/data/news/harbour-strike.doccano.jsonl",
                "/data/news.doccano.jsonl",
            ),
            (Format::Brat, "/data/harbour-strike-brat", "/data/news-brat"),
            (
                Format::Conll,
                "/data/news/harbour-strike.conll",
                "/data/news.conll",
            ),
            (
                Format::Csv,
                "/data/news/harbour-strike.csv",
                "/data/news.csv",
            ),
            (
                Format::W3c,
                "/data/news/harbour-strike.w3c.json",
                "/data/news.w3c.json",
            ),
            (
                Format::LabelStudio,
                "/data/news/harbour-strike.labelstudio.json",
                "/data/news.labelstudio.json",
            ),
        ];
        assert_eq!(expected.len(), Format::ALL.len(), "every format is checked");
        for (format, one, folder) in expected {
            assert_eq!(
                default_destination(article, format, Scope::Article),
                Path::new(one),
                "{format:?}, one article"
            );
            assert_eq!(
                default_destination(article, format, Scope::Folder),
                Path::new(folder),
                "{format:?}, the folder"
            );
        }
    }

    #[test]
    fn no_destination_repeats_an_extension() {
        let article = Path::new("/data/news/harbour-strike.txt");
        for format in Format::ALL {
            for scope in [Scope::Article, Scope::Folder] {
                let path = default_destination(article, format, scope);
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let parts: Vec<&str> = name.split('.').collect();
                let mut unique = parts.clone();
                unique.dedup();
                assert_eq!(parts, unique, "{format:?} {scope:?}: {name}");
            }
        }
    }

    #[test]
    fn an_article_without_a_folder_still_gets_a_name() {
        let article = Path::new("harbour-strike.txt");
        assert_eq!(
            default_destination(article, Format::Jsonl, Scope::Article),
            Path::new("harbour-strike.jsonl")
        );
        assert_eq!(
            default_destination(article, Format::Jsonl, Scope::Folder),
            Path::new("corpus.jsonl")
        );
    }
}
