//! File → Import… (Ctrl+I): bring another tool's files (or a model's output) into a folder
//! of articles. The same import as `spantag import` ([`crate::store::import::run`]), run off
//! the UI thread with a progress bar and Cancel, ending with its report: what came in per
//! construct, what the format holds that spantag cannot (left out, each with its place),
//! the records that could not be read, and what was added to the folder's scheme.

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use super::dialogs::{Ask, FileDialog};
use super::job::Job;
use crate::import::{Format, OffsetUnit, Options};
use crate::store::import::{self, Outcome, Request};

pub struct ImportDialog {
    pub open: bool,
    pub format: Format,
    /// The file to import (a folder for brat).
    pub input: String,
    /// The folder the articles go into.
    pub into: String,
    /// Bring the spans in as suggestions to review instead of annotations.
    pub as_suggestions: bool,
    /// The source suggestions are recorded under (empty: the input's own, or its name).
    pub source: String,
    /// doccano only: the unit of the offsets when not UTF-16.
    pub offsets: Option<OffsetUnit>,
    /// Label Studio only: whose annotation to import (empty: the latest).
    pub annotator: String,
    pub strict: bool,
    pub force: bool,
    job: Option<Job<Result<Outcome, String>>>,
    /// The last import's outcome, or why it did not run.
    pub outcome: Option<Result<Outcome, String>>,
    /// A file dialog on its own thread, and which field it fills.
    browse: FileDialog<Field>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Input,
    Into,
}

impl Default for ImportDialog {
    fn default() -> Self {
        ImportDialog {
            open: false,
            format: Format::Jsonl,
            input: String::new(),
            into: String::new(),
            as_suggestions: false,
            source: String::new(),
            offsets: None,
            annotator: String::new(),
            strict: false,
            force: false,
            job: None,
            outcome: None,
            browse: FileDialog::default(),
        }
    }
}

impl ImportDialog {
    /// Opens the dialog; `folder` (the open folder, if any) is where the articles go unless
    /// the user picks another.
    pub fn open_with(&mut self, folder: Option<&Path>) {
        self.open = true;
        self.outcome = None;
        if self.into.trim().is_empty() {
            if let Some(folder) = folder {
                self.into = folder.display().to_string();
            }
        }
    }

    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// The request the form describes.
    pub fn request(&self) -> Request {
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Request {
            input: PathBuf::from(self.input.trim()),
            format: self.format,
            into: PathBuf::from(self.into.trim()),
            options: Options {
                offsets: self.offsets.filter(|_| self.format == Format::Doccano),
                annotator: text(&self.annotator).filter(|_| self.format == Format::LabelStudio),
                as_suggestions: self.as_suggestions,
                source: text(&self.source).filter(|_| self.as_suggestions),
            },
            strict: self.strict,
            force: self.force,
        }
    }

    /// Starts the import on its own thread.
    pub fn start(&mut self, ctx: &egui::Context) {
        let request = self.request();
        let job = Job::spawn(ctx, "the import", move |progress| {
            import::run(&request, progress).map_err(|p| p.to_string())
        });
        self.outcome = None;
        self.job = Some(job);
    }

    /// Collects a finished import or a chosen path (call every frame). Returns the folder
    /// of an import that wrote articles, once, so the app can refresh what it shows.
    pub fn poll(&mut self) -> Option<PathBuf> {
        let mut finished = None;
        if let Some(outcome) = self.job.as_ref().and_then(Job::poll) {
            let outcome = outcome.and_then(|imported| imported);
            if let Ok(outcome) = &outcome {
                finished = outcome.written.then(|| outcome.into.clone());
            }
            self.outcome = Some(outcome);
            self.job = None;
        }
        if let Some((field, path)) = self.browse.poll() {
            let path = path.display().to_string();
            match field {
                Field::Input => self.input = path,
                Field::Into => self.into = path,
            }
        }
        finished
    }

    fn browse(&mut self, ctx: &egui::Context, field: Field) {
        let current = PathBuf::from(match field {
            Field::Input => self.input.trim(),
            Field::Into => self.into.trim(),
        });
        let (title, ask) = match field {
            Field::Input if !self.format.reads_folder() => (
                "Import from",
                Ask::File {
                    filters: Vec::new(),
                },
            ),
            Field::Input => ("Import from", Ask::Folder),
            Field::Into => ("Import into", Ask::Folder),
        };
        let start = if current.is_dir() {
            Some(current.as_path())
        } else {
            current.parent()
        };
        self.browse.ask(ctx, field, title, ask, start);
    }

    /// Draws the dialog; returns a folder the user asked to open.
    pub fn show(&mut self, ctx: &egui::Context) -> Option<PathBuf> {
        if !self.open {
            return None;
        }
        let mut open = true;
        let mut open_folder = None;
        let shown = egui::Window::new("Import")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .default_width(520.0)
            .show(ctx, |ui| open_folder = self.contents(ui));
        if let Some(shown) = shown {
            super::focus::modal(ctx, &shown.response);
        }
        // Closing the window cancels a running import (nothing is written once cancelled
        // before its write phase).
        if !open {
            self.close();
        }
        open_folder
    }

    pub fn close(&mut self) {
        if let Some(job) = &self.job {
            job.cancel();
        }
        self.open = false;
    }

    fn contents(&mut self, ui: &mut Ui) -> Option<PathBuf> {
        let running = self.is_running();
        ui.add_enabled_ui(!running, |ui| self.form(ui));
        ui.separator();
        if let Some(job) = &self.job {
            let (done, total) = job.progress().get();
            job.bar(ui, &format!("{done} of {total}"), 320.0);
            return None;
        }
        let mut open_folder = None;
        ui.horizontal(|ui| {
            if ui
                .add_enabled(self.ready(), egui::Button::new("Import"))
                .clicked()
            {
                self.start(ui.ctx());
            }
            if ui.button("Close").clicked() {
                self.close();
            }
            if let Some(Ok(outcome)) = &self.outcome {
                if outcome.written && ui.button("Open the imported folder").clicked() {
                    open_folder = Some(outcome.into.clone());
                }
            }
        });
        match &self.outcome {
            None => {}
            Some(Err(message)) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("Import failed: {message}"),
                );
            }
            Some(Ok(outcome)) => summary_ui(ui, outcome),
        }
        open_folder
    }

    /// Whether the file and the folder are filled in, so Import can start.
    fn ready(&self) -> bool {
        !self.input.trim().is_empty() && !self.into.trim().is_empty()
    }

    fn form(&mut self, ui: &mut Ui) {
        // Enter in the file or folder field imports, as the Import button would.
        let mut entered = false;
        egui::Grid::new("import-form")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                let label = ui.label("Format");
                egui::ComboBox::from_id_salt("import-format")
                    .selected_text(self.format.description())
                    .width(340.0)
                    .show_ui(ui, |ui| {
                        for format in Format::ALL {
                            ui.selectable_value(&mut self.format, format, format.description());
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();

                let what = if self.format.reads_folder() {
                    "Folder of .txt + .ann"
                } else {
                    "File"
                };
                let label = ui.label(what);
                ui.horizontal(|ui| {
                    let field = ui
                        .add(egui::TextEdit::singleline(&mut self.input).desired_width(280.0))
                        .labelled_by(label.id);
                    // The dialog opens with the keyboard where the file is typed.
                    super::focus::claim(ui, &field);
                    entered |= super::focus::entered(ui, &field);
                    if ui
                        .add_enabled(!self.browse.is_open(), egui::Button::new("Browse…"))
                        .clicked()
                    {
                        self.browse(ui.ctx(), Field::Input);
                    }
                });
                ui.end_row();

                let label = ui.label("Into folder");
                ui.horizontal(|ui| {
                    let field = ui
                        .add(egui::TextEdit::singleline(&mut self.into).desired_width(280.0))
                        .labelled_by(label.id)
                        .on_hover_text("Articles and sidecars are written here; its spantag.ron is extended with the labels found");
                    entered |= super::focus::entered(ui, &field);
                    if ui
                        .add_enabled(!self.browse.is_open(), egui::Button::new("Browse…"))
                        .clicked()
                    {
                        self.browse(ui.ctx(), Field::Into);
                    }
                });
                ui.end_row();

                ui.label("Spans come in as");
                ui.vertical(|ui| {
                    ui.radio_value(&mut self.as_suggestions, false, "Annotations");
                    ui.radio_value(
                        &mut self.as_suggestions,
                        true,
                        "Suggestions to review (a model's output: N, Enter, X in the window)",
                    );
                    if self.as_suggestions {
                        ui.horizontal(|ui| {
                            let label = ui.label("Source");
                            ui.add(
                                egui::TextEdit::singleline(&mut self.source)
                                    .hint_text("the model's name (default: the file's)")
                                    .desired_width(220.0),
                            )
                            .labelled_by(label.id);
                        });
                    }
                });
                ui.end_row();

                if self.format == Format::Doccano {
                    let label = ui.label("Offsets");
                    let name = |unit: Option<OffsetUnit>| match unit {
                        None | Some(OffsetUnit::Utf16) => "UTF-16 code units (doccano's own)",
                        Some(OffsetUnit::Graphemes) => {
                            "Grapheme clusters (projects counting them as one character)"
                        }
                        Some(OffsetUnit::Chars) => "Code points",
                    };
                    egui::ComboBox::from_id_salt("import-offsets")
                        .selected_text(name(self.offsets))
                        .width(340.0)
                        .show_ui(ui, |ui| {
                            for unit in [None, Some(OffsetUnit::Graphemes), Some(OffsetUnit::Chars)]
                            {
                                ui.selectable_value(&mut self.offsets, unit, name(unit));
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    ui.end_row();
                }
                if self.format == Format::LabelStudio {
                    let label = ui.label("Annotator");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.annotator)
                            .hint_text("id or e-mail (default: the latest annotation)")
                            .desired_width(280.0),
                    )
                    .labelled_by(label.id);
                    ui.end_row();
                }

                ui.label("");
                ui.vertical(|ui| {
                    ui.checkbox(
                        &mut self.strict,
                        "Strict: write nothing if any record cannot be read",
                    );
                    ui.checkbox(&mut self.force, "Overwrite articles that already exist");
                });
                ui.end_row();
            });
        if entered && self.ready() && !self.is_running() {
            self.start(ui.ctx());
        }
    }
}

/// The report: what came in, what changed in the folder, what was left out, what failed.
fn summary_ui(ui: &mut Ui, outcome: &Outcome) {
    let report = &outcome.report;
    if outcome.written {
        let mut headline = format!(
            "Imported {} article(s), {} span(s), {} relation(s)",
            outcome.articles, outcome.spans, outcome.relations
        );
        if outcome.suggestions > 0 {
            headline.push_str(&format!(", {} suggestion(s)", outcome.suggestions));
        }
        headline.push_str(&format!(" into {}", outcome.into.display()));
        ui.label(RichText::new(headline).strong());
    } else {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!(
                "Nothing was written: {} record(s) could not be read (strict).",
                report.errors.len()
            ),
        );
    }
    let scheme = &outcome.scheme;
    if !scheme.labels.is_empty() || !scheme.relations.is_empty() {
        let labels: Vec<&str> = scheme.labels.iter().map(|l| l.name.as_str()).collect();
        let kinds: Vec<&str> = scheme.relations.iter().map(|r| r.name.as_str()).collect();
        let mut added = Vec::new();
        if !labels.is_empty() {
            added.push(format!("labels {}", labels.join(", ")));
        }
        if !kinds.is_empty() {
            added.push(format!("relation kinds {}", kinds.join(", ")));
        }
        ui.label(format!(
            "{} {}: {}.",
            if scheme.created { "Wrote" } else { "Added to" },
            scheme.path.display(),
            added.join("; ")
        ));
    }
    if outcome.entities.added + outcome.entities.extended > 0 {
        ui.label(format!(
            "entities.ron: {} entit(ies) added, {} given external ids.",
            outcome.entities.added, outcome.entities.extended
        ));
    }
    if !report.imported.is_empty() {
        egui::CollapsingHeader::new("What came in")
            .default_open(false)
            .show(ui, |ui| {
                egui::Grid::new("import-counts").show(ui, |ui| {
                    for (what, n) in &report.imported {
                        ui.label(what);
                        ui.label(n.to_string());
                        ui.end_row();
                    }
                });
            });
    }
    if report.errors.is_empty() && report.left_out.is_empty() && outcome.notes.is_empty() {
        ui.label("Everything in the input came in.");
        return;
    }
    ui.label(format!(
        "{} record(s) could not be read, {} thing(s) left out, {} note(s):",
        report.errors.len(),
        report.left_out.len(),
        outcome.notes.len()
    ));
    egui::ScrollArea::vertical()
        .max_height(200.0)
        .show(ui, |ui| {
            for problem in &report.errors {
                ui.colored_label(ui.visuals().error_fg_color, problem.to_string());
            }
            for problem in &report.left_out {
                ui.label(format!("left out: {problem}"));
            }
            for note in &outcome.notes {
                ui.label(note.to_string());
            }
        });
}
