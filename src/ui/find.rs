//! The find bar (Ctrl+F): case-insensitive by default, exact case and regular expressions
//! on request; every match highlighted, Enter / Shift+Enter move between them, and
//! "Tag all" makes a span of every match in one undo step.
//!
//! "Spans where" narrows the matches to spans by attribute value or entity
//! ([`SpanFilter`], e.g. `verdict=false`), so Enter walks through the refuted claims; the
//! span list filters with the same words.

use std::ops::Range;

use egui::Ui;

use crate::model::search::{self, SearchOptions, MAX_MATCHES};
use crate::model::{Document, Entities, Scheme, Span};

/// Spans by attribute value and entity: `verdict=false`, `entity=lavrov` (the entity's
/// name or id contains it), `kind=` (not set), `entity=` (not linked); several terms
/// separated by commas must all hold. Values compare ignoring case.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanFilter {
    /// (attribute name or `entity`, value), lower-cased values.
    terms: Vec<(String, String)>,
}

impl SpanFilter {
    /// The filter a user typed, or why it is not one. Empty text filters nothing.
    pub fn parse(text: &str) -> Result<SpanFilter, String> {
        let mut terms = Vec::new();
        for term in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let Some((name, value)) = term.split_once('=') else {
                return Err(format!(
                    "{term:?}: write name=value, e.g. verdict=false or entity=lavrov"
                ));
            };
            let name = name.trim();
            if name.is_empty() {
                return Err(format!("{term:?}: the attribute name is missing before ="));
            }
            terms.push((name.to_string(), value.trim().to_lowercase()));
        }
        Ok(SpanFilter { terms })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether `span` passes; entity names come from `entities` (ids when it is broken).
    pub fn matches(&self, span: &Span, entities: Option<&Entities>) -> bool {
        self.terms.iter().all(|(name, value)| {
            if name == "entity" {
                return match &span.entity {
                    None => value.is_empty(),
                    Some(_) if value.is_empty() => false,
                    Some(id) => {
                        let entity_name = entities.map_or(id.as_str(), |e| e.name_of(id));
                        id.to_lowercase() == *value
                            || entity_name.to_lowercase().contains(value.as_str())
                    }
                };
            }
            match span.attrs.get(name) {
                None => value.is_empty(),
                Some(v) => !value.is_empty() && v.to_lowercase() == *value,
            }
        })
    }
}

#[derive(Default)]
pub struct FindBar {
    pub query: String,
    pub options: SearchOptions,
    /// The matches of the last search, as char ranges in order.
    pub matches: Vec<Range<usize>>,
    pub current: Option<usize>,
    pub error: Option<String>,
    /// "Spans where": only spans passing this filter match (see [`SpanFilter`]).
    pub spans_where: String,
    /// What `matches` were found for: query, options, filter, document and revision.
    searched: Option<(String, SearchOptions, String, u64, u64)>,
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

    /// Searches again if the query, options, filter or document changed; true when the
    /// matches changed.
    pub fn refresh(&mut self, document: &Document, entities: Option<&Entities>) -> bool {
        let filtering = !self.spans_where.trim().is_empty();
        // Text matches do not move with annotation edits; spans do.
        let revision = if filtering { document.revision() } else { 0 };
        let key = (
            self.query.clone(),
            self.options,
            self.spans_where.clone(),
            document.instance(),
            revision,
        );
        if self.searched.as_ref() == Some(&key) {
            return false;
        }
        let found = if filtering {
            SpanFilter::parse(&self.spans_where)
                .map(|filter| self.matching_spans(document, entities, &filter))
        } else {
            search::find_all(document.text(), &self.query, self.options)
        };
        match found {
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

    /// The ranges of the spans passing `filter` whose text contains the query (any text
    /// when it is empty), in document order.
    fn matching_spans(
        &self,
        document: &Document,
        entities: Option<&Entities>,
        filter: &SpanFilter,
    ) -> Vec<Range<usize>> {
        let query = if self.options.case_sensitive {
            self.query.clone()
        } else {
            self.query.to_lowercase()
        };
        document
            .annotations()
            .spans()
            .iter()
            .filter(|s| !s.is_orphaned() && filter.matches(s, entities))
            .filter(|s| {
                query.is_empty()
                    || if self.options.case_sensitive {
                        s.text.contains(&query)
                    } else {
                        s.text.to_lowercase().contains(&query)
                    }
            })
            .take(MAX_MATCHES)
            .map(|s| s.char_range())
            .collect()
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
        // Wrapped, never wider than the panel: a row wider than its ui stretches the ui
        // (egui grows it to fit), and the document below would then wrap to that width
        // and run under the side panel.
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Find");
            let width = (ui.available_width() - 40.0).clamp(80.0, 220.0);
            let field = ui
                .add(egui::TextEdit::singleline(&mut self.query).desired_width(width).hint_text("text or pattern"))
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
                (None, _) if self.query.is_empty() && self.spans_where.trim().is_empty() => {
                    String::new()
                }
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
        // A second row for the span filter, wrapped like the first.
        ui.horizontal_wrapped(|ui| {
            // Reached with Tab from the query row; Enter there steps through the spans too.
            let label = ui.label("Spans where");
            let filter = ui
                .add(
                    egui::TextEdit::singleline(&mut self.spans_where)
                        .desired_width(140.0_f32.min(ui.available_width() - 90.0).max(60.0))
                        .hint_text("verdict=false"),
                )
                .labelled_by(label.id)
                .on_hover_text(
                    "Only spans with these attribute values or entity: verdict=false, \
                     entity=lavrov, kind= (not set); several separated by commas",
                );
            if filter.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                let shift = ui.input(|i| i.modifiers.shift);
                action = Some(FindAction::Step { forward: !shift });
                filter.request_focus();
            }
            ui.weak("e.g. verdict=false, entity=lavrov, kind= (not set)");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixture;

    fn span(attrs: &[(&str, &str)], entity: Option<&str>) -> Span {
        let document = fixture::document("[claim|Lavrov] spoke");
        let mut span = document.annotations().spans()[0].clone();
        span.attrs = attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        span.entity = entity.map(str::to_string);
        span
    }

    #[test]
    fn filters_by_value_ignoring_case_by_unset_and_by_entity_name() {
        let refuted = span(&[("verdict", "False")], None);
        let unset = span(&[], Some("sergei-lavrov"));
        let filter = SpanFilter::parse(" verdict = false ").unwrap();
        assert!(filter.matches(&refuted, None));
        assert!(!filter.matches(&unset, None));
        let not_set = SpanFilter::parse("verdict=").unwrap();
        assert!(!not_set.matches(&refuted, None) && not_set.matches(&unset, None));

        let entities = crate::model::Entities::parse(
            r#"(entities: [(id: "sergei-lavrov", name: "Sergei Lavrov", label: "actor")])"#,
        )
        .unwrap();
        let by_name = SpanFilter::parse("entity=lavrov").unwrap();
        assert!(by_name.matches(&unset, Some(&entities)));
        assert!(!by_name.matches(&refuted, Some(&entities)));
        // A broken entities.ron: the id still matches.
        assert!(SpanFilter::parse("entity=sergei-lavrov")
            .unwrap()
            .matches(&unset, None));
        assert!(SpanFilter::parse("entity=")
            .unwrap()
            .matches(&refuted, None));
        let both = SpanFilter::parse("verdict=false, entity=lavrov").unwrap();
        assert!(
            !both.matches(&refuted, Some(&entities)),
            "all terms must hold"
        );
    }

    #[test]
    fn a_filter_without_equals_or_name_says_how_to_write_it() {
        assert!(SpanFilter::parse("false")
            .unwrap_err()
            .contains("name=value"));
        assert!(SpanFilter::parse("=false")
            .unwrap_err()
            .contains("name is missing"));
        assert!(SpanFilter::parse(" , ").unwrap().is_empty());
    }
}
