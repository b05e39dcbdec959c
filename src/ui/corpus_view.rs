//! The corpus view (Ctrl+Shift+E, or "Entities…" in the dashboard): every entity of the
//! corpus with its mentions, and for the selected one the quotes and claims linked to it
//! through `said_by` across every article. A click on one opens its article at the span.
//!
//! The index ([`crate::store::entity_index::build`]) is built on its own thread with a
//! progress bar and Cancel, because a corpus of 50,000 articles takes a second or two. The
//! view edits nothing itself: renaming and merging are [`CorpusAction`]s the app applies
//! (the open article changes through an undoable command, the rest on disk), and linking
//! every mention in the folder runs here on a thread, skipping the open article, whose
//! mentions are offered through the review instead.

use std::path::{Path, PathBuf};

use egui::Ui;

use super::job::Job;
use super::widgets::shorten;
use crate::model::entity_index::EntityRow;
use crate::model::{Entities, Entity, SpanId};
use crate::store::entity_index::{self, Built, PassError, Rewritten};

/// What the app must do for the view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorpusAction {
    /// Open an article and select one of its spans.
    OpenSpan {
        article: PathBuf,
        span: SpanId,
    },
    Rename {
        id: String,
        name: String,
    },
    /// Merge entity `gone` into `kept` everywhere.
    Merge {
        gone: String,
        kept: String,
    },
}

/// How the entity list is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// Most mentioned first.
    Mentions,
    Name,
}

/// A pass over the corpus on another thread ([`crate::store::entity_index`]).
pub(super) type Pass<T> = Job<Result<T, PassError>>;

/// A finished pass's answer, or why it stopped (cancelled, failed, or its worker died).
pub(super) fn finished<T: Send + 'static>(pass: &Pass<T>) -> Option<Result<T, String>> {
    pass.poll()
        .map(|outcome| outcome.and_then(|done| done.map_err(|e| e.to_string())))
}

/// A pass's progress bar (`Merging: 3 of 10 articles`) and Cancel; true when cancelled.
pub(super) fn bar<T: Send + 'static>(pass: &Pass<T>, ui: &mut Ui, what: &str) -> bool {
    let (done, total) = pass.progress().get();
    pass.bar(ui, &format!("{what}: {done} of {total} articles"), 260.0)
}

/// Mentions of an entity found in the other articles: counted, or linked.
struct Linking {
    entity: String,
    accept: bool,
    job: Option<Pass<Rewritten>>,
    result: Option<Result<Rewritten, String>>,
}

pub struct CorpusView {
    /// The corpus folder (where `entities.ron` lives).
    pub root: PathBuf,
    pub open: bool,
    /// The index, or why it could not be built.
    pub built: Option<Result<Built, String>>,
    job: Option<Pass<Built>>,
    pub filter: String,
    pub sort: Sort,
    /// The selected entity's id.
    pub selected: Option<String>,
    rename_draft: String,
    merge_into: Option<String>,
    linking: Option<Linking>,
    /// The article open in the app, which folder-wide linking leaves to the review.
    open_article: Option<PathBuf>,
    /// What the last action did, for the analyst.
    pub message: Option<String>,
    /// A merge the app is running (`Merging A into B`), drawn as a progress bar with Cancel
    /// while the view waits for it.
    pub(super) merging: Option<(String, std::rc::Rc<Pass<MergeDone>>)>,
    /// The window's layer, once drawn: Esc closes the window while a control in it has the
    /// keyboard.
    pub layer: Option<egui::LayerId>,
    /// The window has just opened: the filter takes the keyboard when it shows.
    focus_pending: bool,
}

/// A finished merge: the merged entities, as saved, and what was rewritten.
pub(super) type MergeDone = (Entities, entity_index::MergeReport);

impl CorpusView {
    /// Opens the view on the corpus rooted at `root` and starts building its index.
    pub fn open(root: &Path, entities: &Entities, ctx: &egui::Context) -> CorpusView {
        let mut view = CorpusView {
            root: root.to_path_buf(),
            open: true,
            built: None,
            job: None,
            filter: String::new(),
            sort: Sort::Mentions,
            selected: None,
            rename_draft: String::new(),
            merge_into: None,
            linking: None,
            open_article: None,
            message: None,
            merging: None,
            layer: None,
            focus_pending: true,
        };
        view.rebuild(entities, ctx);
        view
    }

    /// Builds the index again (after the entities or the sidecars changed).
    pub fn rebuild(&mut self, entities: &Entities, ctx: &egui::Context) {
        let (root, entities) = (self.root.clone(), entities.clone());
        self.job = Some(Job::spawn(ctx, "reading the sidecars", move |progress| {
            entity_index::build(&root, &entities, progress)
        }));
    }

    pub fn is_building(&self) -> bool {
        self.job.is_some()
    }

    /// Whether folder-wide linking is counting or writing.
    pub fn is_linking(&self) -> bool {
        self.linking.as_ref().is_some_and(|l| l.job.is_some())
    }

    /// Takes finished work from the threads.
    pub fn poll(&mut self, entities: Option<&Entities>, ctx: &egui::Context) {
        if let Some(result) = self.job.as_ref().and_then(finished) {
            self.job = None;
            self.built = Some(result.map_err(|e| format!("{}: {e}", self.root.display())));
        }
        let mut relink_done = false;
        if let Some(linking) = &mut self.linking {
            if let Some(result) = linking.job.as_ref().and_then(finished) {
                linking.job = None;
                relink_done = linking.accept && result.is_ok();
                if let Ok(done) = &result {
                    if linking.accept {
                        self.message = Some(format!(
                            "Linked {} mentions in {} articles{}.",
                            done.spans(),
                            done.files.len(),
                            problems_note(done)
                        ));
                    }
                }
                linking.result = Some(result);
            }
        }
        if relink_done {
            self.linking = None;
            if let Some(entities) = entities {
                self.rebuild(entities, ctx);
            }
        }
    }

    /// Remembers which article is open, so folder-wide linking skips it.
    pub fn set_open_article(&mut self, path: Option<&Path>) {
        self.open_article = path.map(Path::to_path_buf);
    }

    fn start_linking(&mut self, entity: &Entity, accept: bool, ctx: &egui::Context) {
        let (root, entity_copy, skip) =
            (self.root.clone(), entity.clone(), self.open_article.clone());
        let what = if accept { "linking" } else { "the count" };
        let job = Job::spawn(ctx, what, move |progress| {
            entity_index::link_mentions(&root, &entity_copy, skip.as_deref(), accept, progress)
        });
        self.linking = Some(Linking {
            entity: entity.id.clone(),
            accept,
            job: Some(job),
            result: None,
        });
    }

    /// Draws the window; returns what the app must do.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        entities: Option<&Entities>,
    ) -> Option<CorpusAction> {
        let mut open = self.open;
        let mut action = None;
        let shown = egui::Window::new("Entities")
            .open(&mut open)
            .default_size([820.0, 560.0])
            .show(ctx, |ui| action = self.contents(ui, entities));
        self.layer = shown.map(|shown| shown.response.layer_id);
        self.open = open;
        if !open {
            self.close();
        }
        action
    }

    /// Closes the window: the index being built is no longer needed.
    pub fn close(&self) {
        if let Some(job) = &self.job {
            job.cancel();
        }
    }

    fn contents(&mut self, ui: &mut Ui, entities: Option<&Entities>) -> Option<CorpusAction> {
        if let Some((what, job)) = &self.merging {
            bar(job, ui, what);
            return None;
        }
        if let Some(job) = &self.job {
            if bar(job, ui, "Reading sidecars") {
                self.job = None;
                self.built = Some(Err("Cancelled.".into()));
            }
            return None;
        }
        let built = match self.built.take() {
            None => return None,
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, &e);
                self.built = Some(Err(e));
                return None;
            }
            Some(Ok(built)) => built,
        };
        let action = self.table(ui, &built, entities);
        self.built = Some(Ok(built));
        action
    }

    /// The entities and the selected one's statements.
    fn table(
        &mut self,
        ui: &mut Ui,
        built: &Built,
        entities: Option<&Entities>,
    ) -> Option<CorpusAction> {
        let index = &built.index;
        ui.label(format!(
            "{} over {}",
            plural(index.entities.len(), "entity", "entities"),
            plural(index.articles, "article", "articles")
        ));
        if !built.problems.is_empty() {
            let list: Vec<String> = built.problems.iter().map(|p| p.to_string()).collect();
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!(
                    "{} sidecar(s) could not be read and are not counted",
                    built.problems.len()
                ),
            )
            .on_hover_text(list.join("\n"));
        }
        if !index.unknown.is_empty() {
            let ids: Vec<&str> = index.unknown.iter().map(|r| r.id.as_str()).collect();
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!(
                    "Spans refer to ids that entities.ron does not hold: {}",
                    ids.join(", ")
                ),
            );
        }
        if let Some(message) = &self.message {
            ui.label(message);
        }
        ui.separator();
        let mut action = None;
        let mut clicked = None;
        egui::Panel::left("corpus-entities")
            .resizable(true)
            .default_size(280.0)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    let label = ui.label("Filter");
                    let filter = ui
                        .text_edit_singleline(&mut self.filter)
                        .labelled_by(label.id);
                    super::focus::claim_once(&mut self.focus_pending, &filter);
                });
                ui.horizontal(|ui| {
                    ui.label("Sort by");
                    ui.selectable_value(&mut self.sort, Sort::Mentions, "mentions");
                    ui.selectable_value(&mut self.sort, Sort::Name, "name");
                });
                let filter = self.filter.to_lowercase();
                let mut rows: Vec<&EntityRow> = index
                    .entities
                    .iter()
                    .chain(&index.unknown)
                    .filter(|r| filter.is_empty() || r.name.to_lowercase().contains(&filter))
                    .collect();
                match self.sort {
                    Sort::Mentions => rows.sort_by(|a, b| {
                        b.mentions
                            .cmp(&a.mentions)
                            .then_with(|| a.name.cmp(&b.name))
                    }),
                    Sort::Name => rows.sort_by(|a, b| a.name.cmp(&b.name)),
                }
                egui::ScrollArea::vertical().show(ui, |ui| {
                    for row in rows {
                        let text = format!("{}  {}", row.name, row.mentions);
                        let selected = self.selected.as_deref() == Some(row.id.as_str());
                        if ui
                            .selectable_label(selected, text)
                            .on_hover_text(format!(
                                "{}: {} mentions in {} articles, {} statements",
                                row.id,
                                row.mentions,
                                row.articles,
                                row.statements.len()
                            ))
                            .clicked()
                        {
                            clicked = Some(row.id.clone());
                        }
                    }
                });
            });
        if let Some(id) = clicked {
            self.select(id, entities);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            let Some(id) = self.selected.clone() else {
                ui.weak("Select an entity to see what it said.");
                return;
            };
            let Some(row) = index.row(&id) else {
                ui.weak("That entity is gone.");
                return;
            };
            let entity = entities.and_then(|e| e.get(&id)).cloned();
            ui.heading(&row.name);
            ui.label(format!(
                "{} mentions in {} articles; {} quotes and claims",
                row.mentions,
                row.articles,
                row.statements.len()
            ));
            if let Some(entity) = &entity {
                action = self.editing(ui, entity, entities);
            } else {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "Not in entities.ron: create it again, or merge it, from an article.",
                );
            }
            ui.separator();
            // One statement per block, its quote on its own wrapping line: a grid row
            // would run past a narrow window's edge.
            egui::ScrollArea::vertical().show(ui, |ui| {
                for said in &row.statements {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(&said.article);
                        ui.weak(&said.label);
                        let attrs: Vec<String> = said
                            .attrs
                            .iter()
                            .map(|(k, v)| format!("{k}: {v}"))
                            .collect();
                        if !attrs.is_empty() {
                            ui.weak(attrs.join(", "));
                        }
                    });
                    let text = format!("«{}»", shorten(&said.text, 70));
                    if ui
                        .link(text)
                        .on_hover_text(format!("Open {} at span {}", said.article, said.span))
                        .clicked()
                    {
                        action = Some(CorpusAction::OpenSpan {
                            article: self.root.join(&said.article),
                            span: said.span,
                        });
                    }
                    ui.separator();
                }
            });
        });
        action
    }

    fn select(&mut self, id: String, entities: Option<&Entities>) {
        self.rename_draft = entities
            .and_then(|e| e.get(&id))
            .map(|e| e.name.clone())
            .unwrap_or_default();
        self.merge_into = None;
        if self.linking.as_ref().is_some_and(|l| l.entity != id) {
            if let Some(job) = self.linking.as_ref().and_then(|l| l.job.as_ref()) {
                job.cancel();
            }
            self.linking = None;
        }
        self.selected = Some(id);
    }

    /// Rename, merge and folder-wide linking for a known entity.
    fn editing(
        &mut self,
        ui: &mut Ui,
        entity: &Entity,
        entities: Option<&Entities>,
    ) -> Option<CorpusAction> {
        let mut action = None;
        ui.horizontal(|ui| {
            let label = ui.label("Name");
            ui.text_edit_singleline(&mut self.rename_draft)
                .labelled_by(label.id);
            let name = self.rename_draft.trim().to_string();
            if ui
                .add_enabled(
                    !name.is_empty() && name != entity.name,
                    egui::Button::new("Rename"),
                )
                .on_hover_text("The old name stays an alias, so its mentions are still found.")
                .clicked()
            {
                action = Some(CorpusAction::Rename {
                    id: entity.id.clone(),
                    name,
                });
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("Merge into");
            let others: Vec<&Entity> = entities
                .map(|e| e.iter().filter(|o| o.id != entity.id).collect())
                .unwrap_or_default();
            let shown = self
                .merge_into
                .as_deref()
                .and_then(|id| others.iter().find(|o| o.id == id))
                .map_or_else(|| "choose…".to_string(), |o| o.name.clone());
            egui::ComboBox::from_id_salt("merge-into")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for other in &others {
                        ui.selectable_value(
                            &mut self.merge_into,
                            Some(other.id.clone()),
                            format!("{} ({})", other.name, other.id),
                        );
                    }
                })
                .response
                .labelled_by(label.id);
            if ui
                .add_enabled(self.merge_into.is_some(), egui::Button::new("Merge"))
                .on_hover_text(
                    "Every mention of this entity in every article refers to the chosen one \
                     instead; this entity's names become its aliases.",
                )
                .clicked()
            {
                if let Some(kept) = self.merge_into.take() {
                    action = Some(CorpusAction::Merge {
                        gone: entity.id.clone(),
                        kept,
                    });
                }
            }
        });
        self.link_row(ui, entity);
        action
    }

    /// "Link N more mentions in K other articles": counted first, then linked on request.
    fn link_row(&mut self, ui: &mut Ui, entity: &Entity) {
        let ctx = ui.ctx().clone();
        let current = self.linking.as_ref().filter(|l| l.entity == entity.id);
        match current {
            None => {
                if ui
                    .button("Find unlinked mentions in the other articles")
                    .clicked()
                {
                    self.start_linking(entity, false, &ctx);
                }
            }
            Some(Linking {
                job: Some(job),
                accept,
                ..
            }) => {
                let what = if *accept {
                    "Linking"
                } else {
                    "Counting mentions"
                };
                if bar(job, ui, what) {
                    self.linking = None;
                }
            }
            Some(Linking {
                result: Some(Err(e)),
                ..
            }) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            Some(Linking {
                result: Some(Ok(found)),
                ..
            }) => {
                if found.files.is_empty() {
                    ui.label(format!(
                        "No unlinked mention in the other articles{}.",
                        problems_note(found)
                    ));
                } else if ui
                    .button(format!(
                        "Link {} more mentions in {} other articles",
                        found.spans(),
                        found.files.len()
                    ))
                    .on_hover_text(
                        "Every whole-word mention of its name or aliases, in every article but \
                         the open one (its mentions are offered for review there).",
                    )
                    .clicked()
                {
                    self.start_linking(entity, true, &ctx);
                }
            }
            Some(_) => {}
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn problems_note(done: &Rewritten) -> String {
    match done.problems.len() {
        0 => String::new(),
        n => format!(
            " ({n} could not be read or written: {})",
            done.problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}
