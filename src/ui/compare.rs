//! File → Compare…: two annotators' folders side by side, settled into a gold folder.
//!
//! Starting a comparison prepares the gold folder (a copy of every article A and B share)
//! and opens it as the folder. For each article the spans of A and B are offered as
//! proposals (agreed, only A, only B) through [`super::review`]; what is accepted is
//! written to the gold folder's sidecars by the usual autosave. The agreement of the open
//! article and of the whole folders is charted in the side panel, with κ per attribute
//! (and entity links) on the spans both have; a span whose values differ is offered as
//! A's and B's version ([`crate::model::adjudication`]).

use std::path::PathBuf;

use egui::{Color32, Ui};
use egui_plot::{Bar, BarChart};

use super::job::Job;
use crate::agree::{Agreement, Figures, Tally};
use crate::model::{Document, Scheme};
use crate::store::adjudicate::Folders;
use crate::store::agree::{self, AgreeReport};

/// The form behind File → Compare…: three folders, typed or chosen.
#[derive(Clone, Debug, Default)]
pub struct CompareDialog {
    pub open: bool,
    /// Annotator A's folder, B's, and the gold folder, as typed.
    pub fields: [String; 3],
    /// Why the last Compare was refused.
    pub error: Option<String>,
}

/// What the dialog asks the app for.
pub enum DialogAction {
    /// Choose field `i` with the system folder dialog.
    Choose(usize),
    Start(Folders),
}

impl CompareDialog {
    pub fn show(&mut self, ctx: &egui::Context) -> Option<DialogAction> {
        if !self.open {
            return None;
        }
        let mut action = None;
        let mut open = self.open;
        let mut entered = false;
        let shown = egui::Window::new("Compare two annotators")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            // Wide enough for the folder fields: the text above would otherwise wrap the
            // window down to a few characters per field.
            .min_width(520.0)
            .show(ctx, |ui| {
                ui.label(
                    "Each annotator's copy of the corpus is a folder. Their spans are shown \
                     side by side; what you accept goes to the gold folder. A and B are \
                     never written.",
                );
                egui::Grid::new("compare-folders")
                    .num_columns(3)
                    .show(ui, |ui| {
                        for (i, name) in ["Annotator A", "Annotator B", "Gold folder"]
                            .into_iter()
                            .enumerate()
                        {
                            let label = ui.label(name);
                            // Sized, not just desired: a grid cell would give the field
                            // only the width its column had on the first frame.
                            let height = ui.spacing().interact_size.y;
                            let field = ui
                                .add_sized(
                                    [320.0, height],
                                    egui::TextEdit::singleline(&mut self.fields[i])
                                        .hint_text("/path/to/folder"),
                                )
                                .labelled_by(label.id);
                            if i == 0 {
                                // The dialog opens with the keyboard in A's folder.
                                super::focus::claim(ui, &field);
                            }
                            entered |= super::focus::entered(ui, &field);
                            if ui.button("Choose…").clicked() {
                                action = Some(DialogAction::Choose(i));
                            }
                            ui.end_row();
                        }
                    });
                if let Some(error) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                let ready = self.fields.iter().all(|f| !f.trim().is_empty());
                // Enter in a folder field compares, as the Compare button would.
                if ui
                    .add_enabled(ready, egui::Button::new("Compare"))
                    .on_disabled_hover_text("Fill in the three folders.")
                    .clicked()
                    || (entered && ready)
                {
                    let [a, b, gold] = self.fields.clone().map(|f| PathBuf::from(f.trim()));
                    action = Some(DialogAction::Start(Folders { a, b, gold }));
                }
            });
        if let Some(shown) = shown {
            super::focus::modal(ctx, &shown.response);
        }
        self.open = open;
        action
    }
}

/// A comparison in progress.
pub struct Compare {
    pub folders: Folders,
    /// Articles left out (only in one folder, or with different texts), by id, and why.
    pub skipped: Vec<(String, String)>,
    /// The open article's agreement, once its annotators are loaded.
    pub article: Option<Agreement>,
    /// The agreement of the whole folders, counted on another thread.
    pub folder: Option<Result<AgreeReport, String>>,
    folder_result: Option<Job<Result<AgreeReport, String>>>,
}

impl Compare {
    /// Starts counting the folders' agreement on another thread.
    pub fn new(folders: Folders, skipped: Vec<(String, String)>, ctx: &egui::Context) -> Self {
        let paths = vec![folders.a.clone(), folders.b.clone()];
        let job = Job::spawn(ctx, "the count", move |_| {
            agree::agree(&paths).map_err(|e| e.to_string())
        });
        Compare {
            folders,
            skipped,
            article: None,
            folder: None,
            folder_result: Some(job),
        }
    }

    /// Takes the folders' agreement once counted, or why it could not be.
    pub fn poll(&mut self) {
        if let Some(outcome) = self.folder_result.as_ref().and_then(Job::poll) {
            self.folder = Some(outcome.and_then(|counted| counted));
            self.folder_result = None;
        }
    }

    /// Counts the open article's agreement from its two annotators.
    pub fn count_article(&mut self, id: &str, [a, b]: &[Document; 2]) {
        let mut tally = Tally::new(2);
        tally.add_article(
            id,
            a.text(),
            &[a.annotations().spans(), b.annotations().spans()],
        );
        self.article = Some(tally.finish());
    }
}

/// The agreement chart: exact F1, overlap F1 and κ, for this article and the folder, then
/// exact F1 per label.
pub fn figures(ui: &mut Ui, compare: &Compare, scheme: &Scheme) {
    if !compare.skipped.is_empty() {
        let list: Vec<String> = compare
            .skipped
            .iter()
            .map(|(id, why)| format!("{id}: {why}"))
            .collect();
        let count = match compare.skipped.len() {
            1 => "1 article left out".to_string(),
            n => format!("{n} articles left out"),
        };
        ui.label(count).on_hover_text(list.join("\n"));
    }
    let folder = match &compare.folder {
        Some(Ok(report)) => Some(&report.agreement),
        Some(Err(e)) => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("Folder agreement: {e}"),
            );
            None
        }
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak("Counting the folders' agreement…");
            });
            None
        }
    };
    let article = compare.article.as_ref();
    let metrics = |f: &Figures| [f.exact_f1, f.overlap_f1, f.kappa];
    let series = |name: &str, offset: f64, color: Color32, figures: Option<&Figures>| {
        let bars = figures
            .map(|f| {
                metrics(f)
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| Bar::new(i as f64 + offset, v).width(0.35).fill(color))
                    .collect()
            })
            .unwrap_or_default();
        BarChart::new(name, bars).color(color)
    };
    super::widgets::category_chart(
        ui,
        "agreement",
        vec![
            series(
                "this article",
                -0.2,
                Color32::from_rgb(86, 180, 233),
                article.map(|a| &a.overall),
            ),
            series(
                "folder",
                0.2,
                Color32::from_rgb(230, 159, 0),
                folder.map(|a| &a.overall),
            ),
        ],
        vec!["exact F1".into(), "overlap F1".into(), "κ".into()],
        false,
        // Scores up to 1 (κ may go below 0), so bars compare across articles.
        Some([0.0, 1.0]),
    );
    egui::Grid::new("agreement-labels")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            ui.weak("exact F1");
            ui.weak("article");
            ui.weak("folder");
            ui.end_row();
            let mut labels: Vec<&String> = article.iter().flat_map(|a| a.labels.keys()).collect();
            labels.extend(folder.iter().flat_map(|a| a.labels.keys()));
            labels.sort();
            labels.dedup();
            let show = |ui: &mut Ui, agreement: Option<&Agreement>, label: &str| {
                match agreement.and_then(|a| a.labels.get(label)) {
                    Some(f) => ui.label(format!("{:.2}", f.exact_f1)),
                    None => ui.weak("–"),
                };
            };
            for label in labels {
                ui.horizontal(|ui| {
                    super::widgets::swatch(ui, super::widgets::label_color(scheme, label));
                    ui.label(label);
                });
                show(ui, article, label);
                show(ui, folder, label);
                ui.end_row();
            }
        });
    // Agreement on attribute values and entity links of the spans both have.
    let (article_values, folder_values) = (value_kappas(article), value_kappas(folder));
    let mut names: Vec<&String> = article_values.keys().chain(folder_values.keys()).collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        return;
    }
    egui::Grid::new("agreement-values")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            ui.weak("values κ").on_hover_text(
                "Cohen's κ of attribute values (and entity links) on spans A and B both have",
            );
            ui.weak("article");
            ui.weak("folder");
            ui.end_row();
            for name in names {
                ui.label(name.as_str());
                for values in [&article_values, &folder_values] {
                    match values.get(name) {
                        Some(kappa) => ui.label(format!("{kappa:.2}")),
                        None => ui.weak("–"),
                    };
                }
                ui.end_row();
            }
        });
}

/// κ of each attribute (`label.attribute`) and entity link (`label entity`) compared.
fn value_kappas(agreement: Option<&Agreement>) -> std::collections::BTreeMap<String, f64> {
    let mut kappas = std::collections::BTreeMap::new();
    for (label, values) in agreement.iter().flat_map(|a| &a.values) {
        for (name, figures) in &values.attributes {
            kappas.insert(format!("{label}.{name}"), figures.kappa);
        }
        if let Some(figures) = &values.entity {
            kappas.insert(format!("{label} entity"), figures.kappa);
        }
    }
    kappas
}
