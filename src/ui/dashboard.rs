//! The corpus dashboard: spans per label, articles per status, and the most frequent actor
//! and location texts across the folder, as charts. Counted off the UI thread from the
//! sidecars.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, TryRecvError};

use egui::{Color32, Ui};
use egui_plot::{Bar, BarChart};

use super::widgets::{category_chart, label_color, shorten};
use crate::model::Scheme;
use crate::store::stats::{self, Stats};

pub struct Dashboard {
    pub folder: PathBuf,
    pub open: bool,
    pub stats: Option<Result<Stats, String>>,
    /// "Entities…" was clicked: the app opens the corpus view.
    pub wants_entities: bool,
    job: Option<Receiver<Result<Stats, String>>>,
}

impl Dashboard {
    /// Starts counting `folder` on its own thread.
    pub fn open(folder: &Path, ctx: &egui::Context) -> Dashboard {
        let (tx, rx) = mpsc::channel();
        let (path, ctx) = (folder.to_path_buf(), ctx.clone());
        std::thread::spawn(move || {
            let _ = tx.send(stats::stats(&path).map_err(|e| e.to_string()));
            ctx.request_repaint();
        });
        Dashboard {
            folder: folder.to_path_buf(),
            open: true,
            stats: None,
            wants_entities: false,
            job: Some(rx),
        }
    }

    pub fn is_counting(&self) -> bool {
        self.job.is_some()
    }

    pub fn poll(&mut self) {
        if let Some(rx) = &self.job {
            match rx.try_recv() {
                Ok(result) => {
                    self.stats = Some(result);
                    self.job = None;
                }
                Err(TryRecvError::Disconnected) => self.job = None,
                Err(TryRecvError::Empty) => {}
            }
        }
    }

    pub fn show(&mut self, ctx: &egui::Context, scheme: &Scheme) {
        let mut open = self.open;
        egui::Window::new("Dashboard")
            .open(&mut open)
            .default_size([720.0, 560.0])
            .show(ctx, |ui| {
                if ui
                    .button("Entities…")
                    .on_hover_text("Who said what: the corpus view (Ctrl+Shift+E)")
                    .clicked()
                {
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
            // Horizontal bars, most frequent at the top.
            let n = top.len();
            let bars = top
                .iter()
                .enumerate()
                .map(|(i, (text, count))| {
                    Bar::new((n - 1 - i) as f64, *count as f64)
                        .name(text)
                        .fill(label_color(scheme, label))
                        .horizontal()
                })
                .collect();
            let names = top.iter().rev().map(|(t, _)| shorten(t, 18)).collect();
            category_chart(
                column,
                &format!("top-{label}"),
                vec![BarChart::new(label, bars).horizontal()],
                names,
                true,
                None,
            );
        }
    });
}
