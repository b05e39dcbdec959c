//! The article's header above its text: where it came from, and the editor for that.
//!
//! Collapsed, the header is two lines: the title (or a muted "Untitled — add a title"),
//! then byline · outlet · published · URL and, for a web page, PDF, Word file, e-mail or
//! Markdown, a muted note of how its text was extracted. What extraction says the analyst
//! should know (`Session::notices`) follows, one warning line each.
//!
//! "Edit source" (or its key) opens a grid of single-line fields, one per
//! [`CitationField`]. The fields type into drafts of the view's own ([`SourceHeader`]),
//! like the span's note: each change is sent as [`AppCommand::SetCitation`], so it goes
//! through `Workspace::edit` (read-only articles refuse it), autosaves and undoes, one step
//! per field typed in. A draft follows the document while its field does not have the
//! keyboard, so an undo shows. While a field has the keyboard the document's plain keys do
//! not fire (the app's key handler sees a text field focused). Esc leaves the field and
//! closes the editor.
//!
//! The lines drawn every frame are made once per document revision ([`HeaderLines`]).

use egui::{RichText, Ui};

use super::command::{AppCommand, CommandSender};
use super::focus::{Region, Regions};
use super::keymap::{keys_of, Cmd};
use crate::model::{CitationField, Document, SourceKind};
use crate::store::Session;

/// The header's state in the view: whether the editor is open, its drafts, and the lines
/// made for the last revision drawn.
#[derive(Debug, Default)]
pub struct SourceHeader {
    /// The editor's fields are shown.
    pub editing: bool,
    /// The Title field takes the keyboard on the next frame (the editor just opened).
    pub focus_pending: bool,
    /// One of the editor's fields had the keyboard at the end of the last frame.
    pub field_focused: bool,
    /// What the fields show, in [`CitationField::ALL`] order.
    drafts: [String; 5],
    lines: Option<HeaderLines>,
}

/// The header's text for one revision of one document.
#[derive(Debug, Default, PartialEq, Eq)]
struct HeaderLines {
    /// (document instance, revision) they were made for.
    made_for: (u64, u64),
    /// Byline · outlet · published (the known ones).
    details: String,
    /// "Web page · dom_smoothie 0.19.0 + spantag html 1 · 12 pages", for an extracted article.
    source: String,
}

impl HeaderLines {
    fn of(document: &Document) -> HeaderLines {
        let citation = &document.citation;
        let details = [
            CitationField::Byline,
            CitationField::Outlet,
            CitationField::Published,
        ]
        .into_iter()
        .map(|f| citation.get(f))
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
        let source = document
            .meta
            .extraction
            .as_ref()
            .map(|e| {
                let mut line = capitalized(e.kind.describe());
                if !e.extractor.is_empty() {
                    line.push_str(" · ");
                    line.push_str(&e.extractor);
                }
                if e.kind == SourceKind::Pdf && !e.page_starts.is_empty() {
                    line.push_str(&format!(" · {} pages", e.page_starts.len() + 1));
                }
                line
            })
            .unwrap_or_default();
        HeaderLines {
            made_for: (document.instance(), document.revision()),
            details,
            source,
        }
    }
}

/// "web page" → "Web page".
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

impl SourceHeader {
    /// Opens the editor with the keyboard in its first field, or closes it.
    pub fn toggle(&mut self) {
        self.editing = !self.editing;
        self.focus_pending = self.editing;
    }

    pub fn close(&mut self) {
        self.editing = false;
        self.focus_pending = false;
    }

    /// Draws the header of `session`'s article; edits are sent through `tx`.
    pub fn show(&mut self, ui: &mut Ui, session: &Session, tx: &CommandSender) {
        let document = &session.document;
        let made_for = (document.instance(), document.revision());
        let lines = match self.lines.take() {
            Some(lines) if lines.made_for == made_for => lines,
            _ => HeaderLines::of(document),
        };
        let weak = ui.visuals().weak_text_color();
        let shown = ui.scope(|ui| {
            ui.spacing_mut().item_spacing.y = 2.0;
            // The title, then the toggle at the right edge; a long title is cut short
            // (hovering shows it whole) so the header stays one line.
            ui.horizontal(|ui| {
                const TOGGLE_WIDTH: f32 = 110.0;
                let title = &document.citation.title;
                let size = ui.style().text_styles[&egui::TextStyle::Body].size * 1.35;
                let text = if title.is_empty() {
                    RichText::new("Untitled — add a title").color(weak)
                } else {
                    RichText::new(title).strong()
                };
                ui.scope(|ui| {
                    ui.set_max_width((ui.available_width() - TOGGLE_WIDTH).max(0.0));
                    ui.add(egui::Label::new(text.size(size)).truncate());
                });
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let toggle = ui
                        .add(egui::Button::selectable(self.editing, "Edit source"))
                        // Made only while hovered, not on every frame.
                        .on_hover_ui(|ui| {
                            ui.label(format!(
                                "Edit the title, byline, outlet, published date and URL ({})",
                                keys_of(Cmd::EditSource)
                            ));
                        });
                    Regions::offer(ui.ctx(), Region::Source, &toggle);
                    if toggle.clicked() {
                        self.toggle();
                    }
                });
            });
            let url = &document.citation.url;
            if !lines.details.is_empty() || !url.is_empty() || !lines.source.is_empty() {
                ui.horizontal_wrapped(|ui| {
                    ui.spacing_mut().item_spacing.x = 0.0;
                    let mut first = true;
                    let mut separator = |ui: &mut Ui| {
                        if !std::mem::take(&mut first) {
                            ui.label(" · ");
                        }
                    };
                    if !lines.details.is_empty() {
                        separator(ui);
                        ui.label(lines.details.as_str());
                    }
                    if !url.is_empty() {
                        separator(ui);
                        let link = ui
                            .add(egui::Link::new(url.as_str()))
                            .on_hover_text("Open in the browser");
                        if link.clicked() {
                            ui.ctx().open_url(egui::OpenUrl::new_tab(url.as_str()));
                        }
                    }
                    if !lines.source.is_empty() {
                        separator(ui);
                        ui.label(RichText::new(lines.source.as_str()).color(weak));
                    }
                });
            }
            let warn = ui.visuals().warn_fg_color;
            for notice in &session.notices {
                ui.add(egui::Label::new(RichText::new(notice.as_str()).color(warn)).wrap());
            }
            if self.editing {
                ui.add_space(4.0);
                self.editor(ui, session, tx);
            } else {
                self.field_focused = false;
            }
        });
        self.lines = Some(lines);
        Regions::set_rect(ui.ctx(), Region::Source, shown.response.rect);
        ui.separator();
    }

    /// The grid of fields, one per citation field.
    fn editor(&mut self, ui: &mut Ui, session: &Session, tx: &CommandSender) {
        let citation = &session.document.citation;
        let writable = session.read_only.is_none();
        let width = ui.available_width().clamp(120.0, 640.0) - 90.0;
        let mut any_focused = false;
        egui::Grid::new("citation-editor")
            .num_columns(2)
            .spacing([8.0, 4.0])
            .show(ui, |ui| {
                for (field, draft) in CitationField::ALL.into_iter().zip(&mut self.drafts) {
                    let label = ui.label(field.label());
                    let response = ui
                        .add_enabled(
                            writable,
                            egui::TextEdit::singleline(draft)
                                .desired_width(width)
                                .hint_text(hint(field)),
                        )
                        .labelled_by(label.id);
                    if response.changed() {
                        tx.send(AppCommand::SetCitation {
                            field,
                            value: draft.clone(),
                        });
                    } else if !response.has_focus() && draft != citation.get(field) {
                        // Not being typed in: show the document's (after an undo, another article).
                        draft.clear();
                        draft.push_str(citation.get(field));
                    }
                    if field == CitationField::Title && std::mem::take(&mut self.focus_pending) {
                        response.request_focus();
                    }
                    any_focused |= response.has_focus();
                    ui.end_row();
                }
            });
        if !writable {
            ui.weak("This article is read-only: its source details cannot be changed.");
        }
        self.field_focused = any_focused;
    }
}

/// What an empty field suggests typing.
fn hint(field: CitationField) -> &'static str {
    match field {
        CitationField::Title => "The article's headline",
        CitationField::Byline => "Who wrote it",
        CitationField::Outlet => "Where it appeared",
        CitationField::Published => "2026-11-30",
        CitationField::Url => "https://…",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotations, ArticleMeta, Command, Extraction, Text};

    fn document() -> Document {
        Document::new(
            Text::new("Lavrov met Shoukry.".into()),
            ArticleMeta::utf8("a.pdf"),
            Annotations::default(),
        )
    }

    #[test]
    fn the_lines_join_the_known_details_and_say_how_the_text_was_extracted() {
        let mut doc = document();
        let empty = HeaderLines::of(&doc);
        assert_eq!((empty.details.as_str(), empty.source.as_str()), ("", ""));
        doc.meta.extraction = Some(Extraction {
            kind: SourceKind::Pdf,
            extractor: "pdf-extract 0.12.0 + spantag pdf 1".into(),
            text_sha256: String::new(),
            page_starts: vec![10, 20, 30],
        });
        for (field, value) in [
            (CitationField::Byline, "Jane Doe"),
            (CitationField::Published, "2026-11-30"),
        ] {
            doc.apply(Command::SetCitation {
                field,
                value: value.into(),
            })
            .unwrap();
        }
        let lines = HeaderLines::of(&doc);
        assert_eq!(lines.details, "Jane Doe · 2026-11-30");
        assert_eq!(
            lines.source,
            "PDF · pdf-extract 0.12.0 + spantag pdf 1 · 4 pages"
        );
        assert_eq!(lines.made_for, (doc.instance(), doc.revision()));
    }

    #[test]
    fn a_web_page_has_no_page_count_and_its_kind_is_capitalized() {
        let mut doc = document();
        doc.meta.extraction = Some(Extraction {
            kind: SourceKind::Html,
            extractor: "dom_smoothie 0.19.0 + spantag html 1".into(),
            text_sha256: String::new(),
            page_starts: Vec::new(),
        });
        assert_eq!(
            HeaderLines::of(&doc).source,
            "Web page · dom_smoothie 0.19.0 + spantag html 1"
        );
    }
}
