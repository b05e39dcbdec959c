//! The corpus dashboard: spans per label, articles per status, and the most frequent actor
//! and location texts across the folder, as charts. Counted off the UI thread from the
//! sidecars.
//!
//! The most frequent texts are a ranked list ([`ranked_bars`]), not a plot: a plot's axis
//! names only the rows its grid marks fall on (one of ten at 200 points high), while a
//! list names every row, readable and accessible at any count.

use std::path::{Path, PathBuf};

use egui::{Color32, Ui};
use egui_plot::{Bar, BarChart};

use super::job::Job;
use super::widgets::{category_chart, label_color, shorten};
use crate::model::Scheme;
use crate::store::stats::{self, Stats};

pub struct Dashboard {
    pub folder: PathBuf,
    pub open: bool,
    pub stats: Option<Result<Stats, String>>,
    /// "Entities…" was clicked: the app opens the corpus view.
    pub wants_entities: bool,
    /// The window's layer, once drawn: Esc closes the window while a control in it has the
    /// keyboard.
    pub layer: Option<egui::LayerId>,
    /// The window has just opened: its first button takes the keyboard.
    focus_pending: bool,
    job: Option<Job<Result<Stats, String>>>,
}

impl Dashboard {
    /// Starts counting `folder` on its own thread.
    pub fn open(folder: &Path, ctx: &egui::Context) -> Dashboard {
        let path = folder.to_path_buf();
        Dashboard::counting(
            folder,
            Job::spawn(ctx, "the count", move |_| {
                stats::stats(&path).map_err(|e| e.to_string())
            }),
        )
    }

    /// The dashboard of `folder`, waiting for `job` to count it.
    pub(super) fn counting(folder: &Path, job: Job<Result<Stats, String>>) -> Dashboard {
        Dashboard {
            folder: folder.to_path_buf(),
            open: true,
            stats: None,
            wants_entities: false,
            layer: None,
            focus_pending: true,
            job: Some(job),
        }
    }

    pub fn is_counting(&self) -> bool {
        self.job.is_some()
    }

    /// Takes the finished count, or why it failed.
    pub fn poll(&mut self) {
        if let Some(outcome) = self.job.as_ref().and_then(Job::poll) {
            self.stats = Some(outcome.and_then(|counted| counted));
            self.job = None;
        }
    }

    pub fn show(&mut self, ctx: &egui::Context, scheme: &Scheme) {
        let mut open = self.open;
        let shown = egui::Window::new("Dashboard")
            .open(&mut open)
            .default_size([720.0, 560.0])
            .show(ctx, |ui| {
                let entities = ui
                    .button("Entities…")
                    .on_hover_text("Who said what: the corpus view (Ctrl+Shift+E)");
                super::focus::claim_once(&mut self.focus_pending, &entities);
                if entities.clicked() {
                    self.wants_entities = true;
                }
                match &self.stats {
                    None => {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.label(format!("Counting {}…", self.folder.display()));
                        });
                    }
                    Some(Err(e)) => {
                        ui.colored_label(ui.visuals().error_fg_color, e);
                    }
                    Some(Ok(stats)) => charts(ui, stats, scheme, &self.folder),
                }
            });
        self.layer = shown.map(|shown| shown.response.layer_id);
        self.open = open;
    }
}

fn charts(ui: &mut Ui, stats: &Stats, scheme: &Scheme, folder: &Path) {
    let spans: usize = stats.labels.values().sum();
    let name = folder.file_name().map_or_else(
        || folder.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    ui.label(format!(
        "{name}: {} articles, {spans} spans, {} relations",
        stats.articles, stats.relations
    ))
    .on_hover_text(folder.display().to_string());
    if !stats.problems.is_empty() {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!(
                "{} sidecar(s) could not be read (spantag validate lists them)",
                stats.problems.len()
            ),
        );
    }
    ui.columns(2, |columns| {
        columns[0].strong("Spans per label");
        let labels: Vec<(String, usize)> =
            stats.labels.iter().map(|(l, n)| (l.clone(), *n)).collect();
        let bars = labels
            .iter()
            .enumerate()
            .map(|(i, (label, n))| {
                Bar::new(i as f64, *n as f64)
                    .name(label)
                    .fill(label_color(scheme, label))
            })
            .collect();
        category_chart(
            &mut columns[0],
            "spans-per-label",
            vec![BarChart::new("spans", bars)],
            labels.iter().map(|(l, _)| l.clone()).collect(),
            false,
            None,
        );

        columns[1].strong("Articles per status");
        let status: Vec<(String, usize)> = ["NotStarted", "InProgress", "Done"]
            .iter()
            .map(|s| (s.to_string(), stats.status.get(*s).copied().unwrap_or(0)))
            .collect();
        let shades = [
            Color32::from_gray(120),
            Color32::from_rgb(86, 180, 233),
            Color32::from_rgb(0, 158, 115),
        ];
        let bars = status
            .iter()
            .enumerate()
            .map(|(i, (s, n))| Bar::new(i as f64, *n as f64).name(s).fill(shades[i]))
            .collect();
        let names = vec!["not started".into(), "in progress".into(), "done".into()];
        category_chart(
            &mut columns[1],
            "articles-per-status",
            vec![BarChart::new("articles", bars)],
            names,
            false,
            None,
        );
    });
    ui.columns(2, |columns| {
        for (column, label) in columns.iter_mut().zip(["actor", "location"]) {
            column.strong(format!("Most frequent {label}s"));
            let top = stats.top.get(label).cloned().unwrap_or_default();
            if top.is_empty() {
                column.weak(format!("No {label} spans yet."));
                continue;
            }
            ranked_bars(
                column,
                &format!("top-{label}"),
                &top,
                label_color(scheme, label),
            );
        }
    });
}

/// Rows shown before the list scrolls: all of the texts the dashboard counts.
const RANKED_ROWS: usize = crate::store::stats::TOP_TEXTS;
/// Names longer than this many chars are shortened (the full text is the hover text).
const RANKED_NAME_CHARS: usize = 28;

/// A ranked list of texts with their counts: each row the name, a bar as long as its
/// count relative to the largest, and the count. Every row is named whatever the count of
/// rows; more than [`RANKED_ROWS`] scroll.
pub fn ranked_bars(ui: &mut Ui, id: &str, entries: &[(String, usize)], color: Color32) {
    let largest = entries.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let names: Vec<String> = entries
        .iter()
        .map(|(text, _)| shorten(text, RANKED_NAME_CHARS))
        .collect();
    let width = ui.available_width();
    let font = egui::TextStyle::Body.resolve(ui.style());
    let widest = ui.fonts_mut(|f| {
        names
            .iter()
            .map(|n| {
                f.layout_no_wrap(n.clone(), font.clone(), Color32::WHITE)
                    .size()
                    .x
            })
            .fold(0.0, f32::max)
    });
    // The names take what they need up to half the width (longer ones are cut with …),
    // the counts a fixed column, the bars the rest.
    let name_width = (widest + 2.0).min(width * 0.5);
    let count_width = 36.0;
    let spacing = ui.spacing().item_spacing.x;
    let bar_room = (width - name_width - count_width - 3.0 * spacing).max(8.0);
    let row_height = ui.spacing().interact_size.y;
    let row_pitch = row_height + ui.spacing().item_spacing.y;
    egui::ScrollArea::vertical()
        .id_salt(id)
        .max_height(row_pitch * RANKED_ROWS as f32)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for ((text, count), name) in entries.iter().zip(names) {
                ui.horizontal(|ui| {
                    ui.allocate_ui_with_layout(
                        egui::vec2(name_width, row_height),
                        egui::Layout::right_to_left(egui::Align::Center),
                        |ui| {
                            ui.set_min_width(name_width);
                            ui.add(egui::Label::new(name).truncate())
                                .on_hover_text(text);
                        },
                    );
                    let (room, _) = ui.allocate_exact_size(
                        egui::vec2(bar_room, row_height),
                        egui::Sense::hover(),
                    );
                    let length = bar_room * (*count as f32 / largest as f32);
                    let bar = egui::Rect::from_min_size(
                        room.left_top() + egui::vec2(0.0, row_height * 0.2),
                        egui::vec2(length.max(2.0), row_height * 0.6),
                    );
                    ui.painter().rect_filled(bar, 2.0, color);
                    ui.label(count.to_string());
                });
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A count whose worker dies shows why, and no spinner: never "Counting…" forever.
    #[test]
    fn a_count_that_panics_shows_the_failure_not_an_endless_spinner() {
        let ctx = egui::Context::default();
        let job = Job::spawn(&ctx, "the count", |_| -> Result<Stats, String> {
            panic!("a sidecar held a surprise")
        });
        let mut dashboard = Dashboard::counting(Path::new("corpus"), job);
        for _ in 0..500 {
            dashboard.poll();
            if !dashboard.is_counting() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(!dashboard.is_counting());
        assert_eq!(
            dashboard.stats.as_ref().map(|s| s.as_ref().err().cloned()),
            Some(Some(
                "the count stopped: a sidecar held a surprise".to_string()
            ))
        );
        // What the window draws: the message, and no "Counting".
        let mut shown = Vec::new();
        let mut output = egui::FullOutput::default();
        for _ in 0..2 {
            output = ctx.run_ui(Default::default(), |ui| {
                dashboard.show(ui.ctx(), &Scheme::default());
            });
            output.textures_delta.clear();
        }
        for shape in &output.shapes {
            if let egui::epaint::Shape::Text(text) = &shape.shape {
                shown.push(text.galley.text().to_string());
            }
        }
        assert!(
            shown
                .iter()
                .any(|t| t.contains("the count stopped: a sidecar held a surprise")),
            "{shown:?}"
        );
        assert!(!shown.iter().any(|t| t.contains("Counting")), "{shown:?}");
    }
}
