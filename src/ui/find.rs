//! The find bar (Ctrl+F): case-insensitive by default, exact case and regular expressions
//! on request; every match highlighted, Enter / Shift+Enter move between them, and
//! "Tag all" makes a span of every match in one undo step.

use std::ops::Range;

use egui::Ui;

use crate::model::search::{self, SearchOptions, MAX_MATCHES};
use crate::model::{Scheme, Text};

#[derive(Default)]
pub struct FindBar {
    pub query: String,
    pub options: SearchOptions,
    /// The matches of the last search, as char ranges in order.
    pub matches: Vec<Range<usize>>,
    pub current: Option<usize>,
    pub error: Option<String>,
    /// What `matches` were found for.
    searched: Option<(String, SearchOptions)>,
    pub tag_label: String,
    /// Put the keyboard in the query field on the next frame.
    focus: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FindAction {
    /// Move to the next (or previous) match.
    Step {
        forward: bool,
    },
    TagAll(String),
    Close,
}

impl FindBar {
    pub fn new(scheme: &Scheme) -> Self {
        FindBar {
            tag_label: scheme
                .labels
                .first()
                .map(|l| l.name.clone())
                .unwrap_or_default(),
            focus: true,
            ..FindBar::default()
        }
    }

    pub fn focus(&mut self) {
        self.focus = true;
    }

    /// Searches again if the query or options changed; true when the matches changed.
    pub fn refresh(&mut self, text: &Text) -> bool {
        let key = (self.query.clone(), self.options);
        if self.searched.as_ref() == Some(&key) {
            return false;
        }
        match search::find_all(text, &self.query, self.options) {
            Ok(matches) => {
                self.matches = matches;
                self.error = None;
            }
            Err(e) => {
                self.matches.clear();
                self.error = Some(e);
            }
        }
        self.current = None;
        self.searched = Some(key);
        true
    }

    /// The match after (or before) the current one, wrapping around.
    pub fn step(&mut self, forward: bool) -> Option<Range<usize>> {
        let n = self.matches.len();
        if n == 0 {
            return None;
        }
        let next = match (self.current, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        self.current = Some(next);
        Some(self.matches[next].clone())
    }

    pub fn show(&mut self, ui: &mut Ui, scheme: &Scheme) -> Option<FindAction> {
        let mut action = None;
        ui.horizontal(|ui| {
            let label = ui.label("Find");
            let field = ui
                .add(egui::TextEdit::singleline(&mut self.query).desired_width(220.0).hint_text("text or pattern"))
                .labelled_by(label.id);
            if std::mem::take(&mut self.focus) {
                field.request_focus();
            }
            if field.has_focus() || field.lost_focus() {
                let (enter, shift, escape) =
                    ui.input(|i| (i.key_pressed(egui::Key::Enter), i.modifiers.shift, i.key_pressed(egui::Key::Escape)));
                if enter {
                    action = Some(FindAction::Step { forward: !shift });
                    field.request_focus();
                }
                if escape {
                    action = Some(FindAction::Close);
                }
            }
            ui.checkbox(&mut self.options.case_sensitive, "Exact case");
            ui.checkbox(&mut self.options.regex, "Regex");
            let count = match (&self.error, self.current) {
                (Some(_), _) => "invalid pattern".to_string(),
                (None, _) if self.query.is_empty() => String::new(),
                (None, Some(i)) => format!("{} of {}", i + 1, self.matches.len()),
                (None, None) if self.matches.len() >= MAX_MATCHES => format!("{MAX_MATCHES}+ matches"),
                (None, None) => format!("{} matches", self.matches.len()),
            };
            ui.label(count);
            if ui.button("Previous").on_hover_text("Shift+Enter").clicked() {
                action = Some(FindAction::Step { forward: false });
            }
            if ui.button("Next").on_hover_text("Enter").clicked() {
                action = Some(FindAction::Step { forward: true });
            }
            ui.separator();
            let label = ui.label("as");
            egui::ComboBox::from_id_salt("tag-all-label")
                .selected_text(self.tag_label.clone())
                .show_ui(ui, |ui| {
                    for l in &scheme.labels {
                        ui.selectable_value(&mut self.tag_label, l.name.clone(), &l.name);
                    }
                })
                .response
                .labelled_by(label.id);
            if ui
                .add_enabled(!self.matches.is_empty(), egui::Button::new("Tag all"))
                .on_hover_text("Make every match a span of this label (one undo step; exact duplicates are skipped)")
                .clicked()
            {
                action = Some(FindAction::TagAll(self.tag_label.clone()));
            }
            if ui.button("Close").on_hover_text("Esc").clicked() {
                action = Some(FindAction::Close);
            }
        });
        if let Some(error) = &self.error {
            ui.colored_label(
                ui.visuals().error_fg_color,
                error.lines().last().unwrap_or(error),
            );
        }
        action
    }
}
