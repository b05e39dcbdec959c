//! The panels around the document: toolbar, label palette and span list, status bar.
//! They read the workspace and send commands ([`CommandSender`]); none of them changes
//! the document. They type only into the view's drafts (the note, attribute values, the
//! pickers' queries).

use egui::{RichText, Ui};

use super::command::{AppCommand, CommandSender, EntityEdit};
use super::doc_view::Selection;
use super::find::SpanFilter;
use super::focus::{Region, Regions};
use super::keymap::{keys_of, Cmd};
use super::state::{Notice, ViewState, Workspace};
use super::widgets::{label_color, shorten, swatch};
use crate::model::{AttrKind, Span};
use crate::store::SaveState;

pub fn toolbar(ui: &mut Ui, ws: &Workspace, view: &ViewState, tx: &CommandSender) {
    let shown = egui::Panel::top("toolbar").show(ui, |ui| {
        // Wrapped: in a narrow window the last buttons go to a second row, not off-screen.
        ui.horizontal_wrapped(|ui| {
            let open = ui
                .add(egui::Button::new("Open…").shortcut_text(keys_of(Cmd::OpenArticle)))
                .on_hover_text("Open an article: text, web page, PDF, Word file, e-mail or Markdown");
            Regions::offer(ui.ctx(), Region::Toolbar, &open);
            if open.clicked() {
                tx.send(AppCommand::ShowOpenDialog);
            }
            if ui
                .add(egui::Button::new("Open folder…"))
                .on_hover_text(format!(
                    "Open a folder of articles and work through them ({})",
                    keys_of(Cmd::OpenFolder)
                ))
                .clicked()
            {
                tx.send(AppCommand::ShowOpenFolderDialog);
            }
            if ui
                .add_enabled(
                    ws.session.is_some(),
                    egui::Button::new("Export…").shortcut_text(keys_of(Cmd::Export)),
                )
                .on_hover_text(
                    "Export this article or its folder for doccano, brat, spaCy, pandas…",
                )
                .clicked()
            {
                tx.send(AppCommand::ShowExport);
            }
            if ui
                .add(egui::Button::new("Import…").shortcut_text(keys_of(Cmd::Import)))
                .on_hover_text(
                    "Bring in another tool's files or a model's output: doccano, brat, Label Studio, Prodigy, CoNLL",
                )
                .clicked()
            {
                tx.send(AppCommand::ShowImport);
            }
            if ui
                .button("Compare…")
                .on_hover_text(
                    "Compare two annotators' folders of the same articles and settle a gold copy",
                )
                .clicked()
            {
                tx.send(AppCommand::ShowCompare);
            }
            if ui
                .add_enabled(ws.session.is_some() || ws.folder.is_some(), egui::Button::new("Dashboard"))
                .on_hover_text("Charts of the folder: spans per label, articles per status, frequent actors and places")
                .clicked()
            {
                tx.send(AppCommand::ShowDashboard);
            }
            ui.separator();
            let (can_undo, can_redo) = ws.session.as_ref().map_or((false, false), |s| {
                (s.document.can_undo(), s.document.can_redo())
            });
            if ui
                .add_enabled(can_undo, egui::Button::new("Undo").shortcut_text(keys_of(Cmd::Undo)))
                .clicked()
            {
                tx.send(AppCommand::Undo);
            }
            if ui
                .add_enabled(can_redo, egui::Button::new("Redo"))
                .on_hover_text(keys_of(Cmd::Redo))
                .on_disabled_hover_text(keys_of(Cmd::Redo))
                .clicked()
            {
                tx.send(AppCommand::Redo);
            }
            let recent = ws.prefs.clone();
            ui.menu_button("Recent", |ui| {
                if recent.recent_files.is_empty() && recent.recent_folders.is_empty() {
                    ui.weak("Nothing opened yet");
                }
                for folder in &recent.recent_folders {
                    if ui.button(format!("Folder: {}", folder.display())).clicked() {
                        tx.send(AppCommand::OpenFolder(folder.clone()));
                        ui.close();
                    }
                }
                for file in &recent.recent_files {
                    if ui.button(file.display().to_string()).clicked() {
                        tx.send(AppCommand::Open(file.clone()));
                        ui.close();
                    }
                }
            });
            ui.separator();
            let mut whole_words = view.whole_words;
            if ui
                .toggle_value(
                    &mut whole_words,
                    format!("Whole words ({})", keys_of(Cmd::ToggleWholeWords)),
                )
                .on_hover_text(
                    "Snap selections to whole words. Turn off (W) for a span inside a word.",
                )
                .clicked()
            {
                tx.send(AppCommand::ToggleWholeWords);
            }
            ui.separator();
            // Light or dark; egui remembers the choice, and the zoom (Ctrl+= / Ctrl+- / Ctrl+0).
            let dark = ui.visuals().dark_mode;
            let (text, theme) = if dark { ("Light theme", egui::Theme::Light) } else { ("Dark theme", egui::Theme::Dark) };
            if ui.button(text).clicked() {
                ui.ctx().set_theme(theme);
            }
            if ui
                .button("Keys")
                .on_hover_text(format!("Every key of the app ({})", keys_of(Cmd::Help)))
                .clicked()
            {
                tx.send(AppCommand::ToggleHelp);
            }
        });
    });
    Regions::set_rect(ui.ctx(), Region::Toolbar, shown.response.rect);
}

pub fn status_bar(ui: &mut Ui, ws: &Workspace, view: &ViewState) {
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            if let Some(hint) = view.notice.as_ref().filter(|n| !n.is_error) {
                ui.label(RichText::new(&hint.text).color(ui.visuals().warn_fg_color));
                ui.separator();
            }
            let Some(session) = &ws.session else {
                ui.label("No article open");
                return;
            };
            let document = &session.document;
            ui.label(&document.meta.file_name)
                .on_hover_text(session.article_path.display().to_string());
            ui.separator();
            if document.meta.encoding_guessed {
                ui.label(
                    RichText::new(format!("{} (guessed)", document.meta.encoding))
                        .color(ui.visuals().warn_fg_color),
                )
                .on_hover_text(
                    "The file has no byte-order mark and is not UTF-8: its encoding was \
                     detected from the bytes. Check that the text reads right.",
                );
            } else {
                ui.label(&document.meta.encoding);
            }
            ui.separator();
            ui.label(document.text().newline().as_str());
            ui.separator();
            let counts = document
                .annotations()
                .count_by_label(ws.scheme.labels.iter().map(|l| l.name.as_str()));
            for (label, count) in counts {
                ui.label(
                    RichText::new(format!("{label} {count}")).color(label_color(&ws.scheme, label)),
                );
            }
            ui.separator();
            // Stored suggestions still to decide, per model.
            let pending = &ws.review.pending_by_source;
            if !pending.is_empty() {
                let parts: Vec<String> = pending
                    .iter()
                    .map(|(source, count)| format!("{count} from {source}"))
                    .collect();
                ui.label(format!("Suggestions to decide: {}", parts.join(", ")))
                    .on_hover_text("N selects the next, Enter accepts it, X rejects it");
                ui.separator();
            }
            let conflicts = ws.conflicts.rows.len();
            if conflicts > 0 {
                let noun = if conflicts == 1 {
                    "conflict"
                } else {
                    "conflicts"
                };
                ui.label(
                    RichText::new(format!("{conflicts} merge {noun} to decide"))
                        .color(ui.visuals().warn_fg_color),
                )
                .on_hover_text("Listed under Needs review: O keeps ours, T takes theirs");
                ui.separator();
            }
            let (text, color) = match session.save_state() {
                SaveState::Saved => ("Saved".to_string(), ui.visuals().weak_text_color()),
                SaveState::Pending | SaveState::Saving => {
                    ("Saving…".to_string(), ui.visuals().weak_text_color())
                }
                SaveState::Failed(e) => (format!("Not saved: {e}"), ui.visuals().error_fg_color),
                SaveState::ReadOnly(_) => ("Read-only".to_string(), ui.visuals().warn_fg_color),
                SaveState::Conflict => (
                    "Not saved: the sidecar changed on disk".to_string(),
                    ui.visuals().error_fg_color,
                ),
            };
            // Cut to the window with …, the whole text on hover (the banner has it too).
            ui.add(egui::Label::new(RichText::new(&text).color(color)).truncate())
                .on_hover_text(text);
        });
    });
}

/// Shows a notice; returns true when the user dismissed it.
pub fn notice(ui: &mut Ui, notice: &Notice) -> bool {
    let color = if notice.is_error {
        ui.visuals().error_fg_color
    } else {
        ui.visuals().text_color()
    };
    let mut dismissed = false;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal(|ui| {
            if ui.button("Dismiss").clicked() {
                dismissed = true;
            }
            ui.add(egui::Label::new(RichText::new(&notice.text).color(color)).wrap());
        });
    });
    dismissed
}

/// A big article loading on another thread: its name and how much has been read.
/// `read`: the fraction of the file read so far.
pub fn opening(ui: &mut Ui, path: &std::path::Path, read: f32) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    ui.horizontal(|ui| {
        ui.spinner();
        let stage = if read < 1.0 {
            "reading"
        } else {
            "decoding and loading its annotations"
        };
        ui.label(format!("Opening {name}: {stage}…"));
        ui.add(
            egui::ProgressBar::new(read)
                .desired_width(200.0)
                .show_percentage(),
        );
    });
}

pub fn welcome(ui: &mut Ui, dialog_open: bool) {
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() / 3.0);
        ui.heading("spantag");
        if dialog_open {
            ui.label("Choose an article in the file dialog…");
        } else {
            ui.label(
                "Open an article with Ctrl+O or a folder with Ctrl+Shift+O, or drop an article \
                 (.txt, .html, .pdf, .docx, .eml, .md) on this window.",
            );
        }
    });
}

pub fn side_panel(ui: &mut Ui, ws: &Workspace, view: &mut ViewState, tx: &CommandSender) {
    let shown = egui::Panel::right("spans")
        .default_size(300.0)
        .resizable(true)
        .show(ui, |ui| {
            ui.add_space(4.0);
            palette(ui, ws, view, tx);
            super::review_panel::panel(ui, ws, view, tx);
            ui.separator();
            selected_details(ui, ws, view, tx);
            ui.separator();
            span_list(ui, ws, view, tx);
        });
    Regions::set_rect(ui.ctx(), Region::Side, shown.response.rect);
}

fn palette(ui: &mut Ui, ws: &Workspace, view: &mut ViewState, tx: &CommandSender) {
    ui.strong("Labels");
    let has_target = view.selection != Selection::None;
    let mut clicked = None;
    for label in &ws.scheme.labels {
        let color = label_color(&ws.scheme, &label.name);
        let button = egui::Button::new(RichText::new(format!("{}  {}", label.key, label.name)))
            .fill(color.gamma_multiply(0.35))
            .min_size(egui::vec2(ui.available_width(), 0.0));
        // The keymap of the label's attributes and entity link, with its guideline.
        let mut keys = String::new();
        for attribute in &label.attributes {
            keys.push_str(&format!("\n{} ({})", attribute.name, attribute.kind.name()));
            if let Some(key) = &attribute.key {
                keys.push_str(&format!(
                    ": {} on a selected {}",
                    key.to_uppercase(),
                    label.name
                ));
            }
        }
        if label.entity {
            keys.push_str("\nE links a selected one to an entity of the corpus");
        }
        let response = ui
            .add_enabled(has_target, button)
            .on_hover_text(format!("{}{keys}", label.description))
            .on_disabled_hover_text(format!(
                "{}{keys}\n\nSelect text first, then press {} or click here.",
                label.description, label.key
            ));
        Regions::offer(ui.ctx(), Region::Side, &response);
        if response.clicked() {
            clicked = Some(label.name.clone());
        }
    }
    if let Some(name) = clicked {
        tx.send(AppCommand::ApplyLabel(name));
    }
}

fn selected_details(ui: &mut Ui, ws: &Workspace, view: &mut ViewState, tx: &CommandSender) {
    let Selection::Span(id) = view.selection else {
        ui.weak("Select text and press a label key; click a span to select it.");
        return;
    };
    let Some(span) = ws
        .session
        .as_ref()
        .and_then(|s| s.document.annotations().get(id))
        .cloned()
    else {
        return;
    };
    ui.horizontal(|ui| {
        swatch(ui, label_color(&ws.scheme, &span.label));
        ui.strong(&span.label);
        ui.weak(format!("chars {}–{}", span.start, span.end));
    });
    ui.add(egui::Label::new(shorten(&span.text, 200)).wrap());
    fragment_details(ui, ws, view, tx, id);
    attributes(ui, ws, view, tx, &span);
    entity_details(ui, ws, tx, &span);

    // The note: edited in place, saved like every other change.
    if view
        .note_draft
        .as_ref()
        .is_none_or(|(draft_id, _)| *draft_id != id)
    {
        view.note_draft = Some((id, span.note.clone()));
    }
    let label = ui.label("Note");
    let mut changed_note = None;
    if let Some((_, draft)) = &mut view.note_draft {
        let response = ui.add(
            egui::TextEdit::multiline(draft)
                .desired_rows(2)
                .desired_width(f32::INFINITY)
                .hint_text("Why this span, what to check…"),
        );
        let response = response.labelled_by(label.id);
        if std::mem::take(&mut view.note_focus) {
            response.request_focus();
            response.scroll_to_me(None);
        }
        if response.changed() {
            changed_note = Some(draft.clone());
        } else if !response.has_focus() && *draft != span.note {
            // Undo or redo changed the note: show it.
            *draft = span.note.clone();
        }
    }
    if let Some(note) = changed_note {
        tx.send(AppCommand::SetNote { id, note });
    }

    // Links: this span's speaker (or whatever the scheme links it to), and who links to it.
    // The relations that join fragments are the span's pieces, shown above, not links.
    let fragments = view.fragments(ws).unwrap_or_default();
    let links: Vec<(u64, String)> = ws.session.as_ref().map_or_else(Vec::new, |s| {
        let annotations = s.document.annotations();
        annotations
            .relations_of(id)
            .filter(|r| !fragments.joins(r))
            .filter_map(|r| {
                let (arrow, other) = if r.from == id {
                    ("->", r.to)
                } else {
                    ("<-", r.from)
                };
                let other = annotations.get(other)?;
                Some((
                    r.id,
                    format!("{} {arrow} {}", r.kind, shorten(&other.text, 30)),
                ))
            })
            .collect()
    });
    for (relation, line) in links {
        ui.horizontal(|ui| {
            ui.label(line);
            if ui
                .small_button("Unlink")
                .on_hover_text("Remove this link")
                .clicked()
            {
                tx.send(AppCommand::Unlink(relation));
            }
        });
    }
    if let Some(kind) = ws
        .scheme
        .relations
        .iter()
        .find(|r| r.from.contains(&span.label))
    {
        if ui
            .button("Speaker… (R)")
            .on_hover_text(format!(
                "Link this {} to its {} ({})",
                span.label,
                kind.to.join(" or "),
                kind.name
            ))
            .clicked()
        {
            tx.send(AppCommand::StartLink);
        }
    }
    if ui
        .button("Remove span")
        .on_hover_text("Delete or Backspace")
        .clicked()
    {
        tx.send(AppCommand::Remove(span.id));
    }
}

/// For a fragment of a discontinuous span: which one it is (`fragment 2 of 3 of quote
/// span 4`), and a button per fragment that selects it.
fn fragment_details(
    ui: &mut Ui,
    ws: &Workspace,
    view: &mut ViewState,
    tx: &CommandSender,
    id: crate::model::SpanId,
) {
    let Some(fragments) = view.fragments(ws) else {
        return;
    };
    let Some(session) = &ws.session else { return };
    let document = &session.document;
    let Some(line) = super::widgets::fragment_line(document, &fragments, id) else {
        return;
    };
    ui.label(line);
    let mut reveal = None;
    ui.horizontal_wrapped(|ui| {
        for (n, &fragment) in fragments.group(id).unwrap_or_default().iter().enumerate() {
            let Some(span) = document.annotations().get(fragment) else {
                continue;
            };
            let button = egui::Button::selectable(
                fragment == id,
                format!("{}: {}", n + 1, shorten(&span.text, 24)),
            );
            if ui
                .add(button)
                .on_hover_text(format!("Select fragment {}", n + 1))
                .clicked()
            {
                reveal = Some(fragment);
            }
        }
    });
    if let Some(fragment) = reveal {
        tx.send(AppCommand::Reveal(fragment));
    }
}

/// The selected span's attributes, as its label declares them: a choice as a row of
/// radio buttons (a combo box when it has many options), yes/no as a checkbox, numbers
/// and text as fields applied on Enter when valid. Values the label does not declare
/// (imported, or the label changed) are listed too, and can be cleared.
fn attributes(ui: &mut Ui, ws: &Workspace, view: &mut ViewState, tx: &CommandSender, span: &Span) {
    let declared = ws
        .scheme
        .label(&span.label)
        .map(|l| l.attributes.clone())
        .unwrap_or_default();
    if view
        .attr_drafts
        .as_ref()
        .is_none_or(|(draft_id, _)| *draft_id != span.id)
    {
        view.attr_drafts = Some((span.id, Default::default()));
    }
    let focus = view.attr_focus.take();
    let mut commands = Vec::new();
    let set = |name: &str, value: Option<String>| AppCommand::SetAttr {
        id: span.id,
        name: name.to_string(),
        value,
    };
    for attribute in &declared {
        let name = attribute.name.as_str();
        let current = span.attrs.get(name).cloned();
        let key = attribute.key.as_deref().map(str::to_uppercase);
        let key = key.as_deref();
        let hint = match (&attribute.kind, key) {
            (AttrKind::Choice(_), Some(k)) => {
                format!("{k} steps to the next option, then back to unset")
            }
            (AttrKind::YesNo, Some(k)) => format!("{k} toggles yes and no"),
            (_, Some(k)) => format!("{k} puts the cursor here; Enter applies"),
            (AttrKind::Choice(_) | AttrKind::YesNo, None) => "No key".to_string(),
            (_, None) => "Enter applies".to_string(),
        };
        ui.horizontal_wrapped(|ui| {
            let caption = match key {
                Some(k) => format!("{name} ({k})"),
                None => name.to_string(),
            };
            let label = ui.label(caption).on_hover_text(&hint);
            match &attribute.kind {
                AttrKind::Choice(options) if options.len() <= 6 => {
                    if ui.radio(current.is_none(), "unset").clicked() && current.is_some() {
                        commands.push(set(name, None));
                    }
                    for option in options {
                        let chosen = current.as_deref() == Some(option.as_str());
                        if ui.radio(chosen, option).on_hover_text(&hint).clicked() && !chosen {
                            commands.push(set(name, Some(option.clone())));
                        }
                    }
                }
                AttrKind::Choice(options) => {
                    egui::ComboBox::from_id_salt(("attribute", name))
                        .selected_text(current.clone().unwrap_or_else(|| "unset".into()))
                        .show_ui(ui, |ui| {
                            if ui.selectable_label(current.is_none(), "unset").clicked() {
                                commands.push(set(name, None));
                            }
                            for option in options {
                                let chosen = current.as_deref() == Some(option.as_str());
                                if ui.selectable_label(chosen, option).clicked() && !chosen {
                                    commands.push(set(name, Some(option.clone())));
                                }
                            }
                        })
                        .response
                        .labelled_by(label.id)
                        .on_hover_text(&hint);
                }
                AttrKind::YesNo => {
                    let mut yes = current.as_deref() == Some("yes");
                    let text = if current.is_none() {
                        "yes (unset)"
                    } else {
                        "yes"
                    };
                    if ui.checkbox(&mut yes, text).on_hover_text(&hint).changed() {
                        commands.push(set(name, Some(if yes { "yes" } else { "no" }.into())));
                    }
                    if current.is_some() && ui.small_button("Unset").clicked() {
                        commands.push(set(name, None));
                    }
                }
                AttrKind::Number | AttrKind::Text => {
                    let Some((_, drafts)) = &mut view.attr_drafts else {
                        return;
                    };
                    let shown = current.clone().unwrap_or_default();
                    let draft = drafts.entry(name.to_string()).or_insert(shown.clone());
                    let response = ui
                        .add(
                            egui::TextEdit::singleline(draft)
                                .desired_width(140.0)
                                .hint_text(attribute.kind.name()),
                        )
                        .labelled_by(label.id)
                        .on_hover_text(&hint);
                    if focus.as_deref() == Some(name) {
                        response.request_focus();
                    }
                    let valid = draft.trim().is_empty() || attribute.kind.check(draft).is_ok();
                    if response.lost_focus() && valid && *draft != shown {
                        let value = Some(draft.trim().to_string()).filter(|v| !v.is_empty());
                        if value != current {
                            commands.push(set(name, value));
                        }
                    } else if !response.has_focus() && !response.lost_focus() && valid {
                        // Undo or redo changed the value: show it.
                        draft.clone_from(&shown);
                    }
                    let why = attribute.kind.check(draft).err();
                    if let Some(why) = why.filter(|_| !draft.is_empty()) {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!("{why}: not applied"),
                        );
                    }
                }
            }
        });
    }
    for (name, value) in span
        .attrs
        .iter()
        .filter(|(name, _)| !declared.iter().any(|a| &a.name == *name))
    {
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{name}: {}", shorten(value, 60)))
                .on_hover_text(format!(
                    "A {} has no attribute {name} in this scheme (imported, or the label \
                     changed). The value is kept and exported as it is.",
                    span.label
                ));
            if ui
                .small_button("Clear")
                .on_hover_text(format!("Remove {name} from this span"))
                .clicked()
            {
                commands.push(set(name, None));
            }
        });
    }
    for command in commands {
        tx.send(command);
    }
}

/// The corpus entity the selected span refers to: its name, aliases and external ids
/// (editable, written to `entities.ron`), or a button to link one (E).
fn entity_details(ui: &mut Ui, ws: &Workspace, tx: &CommandSender, span: &Span) {
    if !ws.scheme.is_entity_label(&span.label) && span.entity.is_none() {
        return;
    }
    let mut commands = Vec::new();
    match &span.entity {
        None => {
            if ui
                .button("Link entity… (E)")
                .on_hover_text("Link this mention to a person, organisation or place of the corpus")
                .clicked()
            {
                commands.push(AppCommand::StartEntityLink);
            }
        }
        Some(id) => {
            let entity = ws.entities.as_ref().and_then(|e| e.get(id)).cloned();
            ui.horizontal_wrapped(|ui| {
                ui.label("Entity:");
                match &entity {
                    Some(entity) => {
                        ui.strong(&entity.name);
                    }
                    None => {
                        ui.colored_label(
                            ui.visuals().warn_fg_color,
                            format!("{id} (not in entities.ron)"),
                        );
                    }
                }
                ui.weak(id);
                if ui
                    .small_button("Change… (E)")
                    .on_hover_text("Link this mention to another entity")
                    .clicked()
                {
                    commands.push(AppCommand::StartEntityLink);
                }
                if ui
                    .small_button("Unlink entity")
                    .on_hover_text("This mention refers to no entity")
                    .clicked()
                {
                    commands.push(AppCommand::UnlinkEntity(span.id));
                }
            });
            if let Some(entity) = entity {
                if !entity.aliases.is_empty() {
                    ui.add(egui::Label::new(format!("Also: {}", entity.aliases.join(", "))).wrap());
                }
                let mut bases: Vec<String> = vec!["wikidata".into(), "geonames".into()];
                for base in entity.external.keys() {
                    if !bases.contains(base) {
                        bases.push(base.clone());
                    }
                }
                let bases = bases.into_iter().map(|b| (b, false));
                let fields = bases.chain([("alias".to_string(), true)]);
                for (base, is_alias) in fields {
                    let value = if is_alias {
                        String::new()
                    } else {
                        entity.external.get(&base).cloned().unwrap_or_default()
                    };
                    let field_id = egui::Id::unique(("entity-field", &entity.id, &base));
                    let mut draft = ui
                        .data(|d| d.get_temp::<String>(field_id))
                        .unwrap_or_else(|| value.clone());
                    ui.horizontal(|ui| {
                        let caption = if is_alias { "New alias" } else { base.as_str() };
                        let label = ui.label(caption);
                        let response = ui
                            .add(
                                egui::TextEdit::singleline(&mut draft)
                                    .id(field_id.with("edit"))
                                    .desired_width(140.0)
                                    .hint_text(match base.as_str() {
                                        "wikidata" => "Q…",
                                        "geonames" => "id",
                                        _ => "",
                                    }),
                            )
                            .labelled_by(label.id)
                            .on_hover_text(if is_alias {
                                "Another name this entity goes by; Enter adds it"
                            } else {
                                "Written to the corpus's entities.ron on Enter; empty removes it"
                            });
                        if response.lost_focus() && draft.trim() != value {
                            commands.push(AppCommand::EditEntity {
                                id: entity.id.clone(),
                                edit: if is_alias {
                                    EntityEdit::AddAlias(draft.trim().to_string())
                                } else {
                                    EntityEdit::External {
                                        base: base.clone(),
                                        value: draft.trim().to_string(),
                                    }
                                },
                            });
                            if is_alias {
                                draft.clear();
                            }
                        } else if !response.has_focus() && !response.lost_focus() {
                            draft.clone_from(&value);
                        }
                    });
                    ui.data_mut(|d| d.insert_temp(field_id, draft));
                }
            }
        }
    }
    for command in commands {
        tx.send(command);
    }
}

/// The entity picker (E on an actor or place): a type-ahead over the corpus's entities of
/// the span's label; Enter links the first, or makes a new entity from the span's text
/// when none matches.
pub fn entity_picker(
    ctx: &egui::Context,
    ws: &Workspace,
    view: &mut ViewState,
    tx: &CommandSender,
) {
    let Some(linking) = &mut view.entity_linking else {
        return;
    };
    let (Some(session), Some(entities)) = (&ws.session, &ws.entities) else {
        view.entity_linking = None;
        return;
    };
    let Some(span) = session.document.annotations().get(linking.span) else {
        view.entity_linking = None;
        return;
    };
    let hits: Vec<(String, String)> = entities
        .search(&linking.query, Some(&linking.label), 12)
        .into_iter()
        .map(|e| {
            let mut line = e.name.clone();
            if !e.aliases.is_empty() {
                line.push_str(&format!(" (also {})", e.aliases.join(", ")));
            }
            if let Some(qid) = e.external.get("wikidata") {
                line.push_str(&format!(" {qid}"));
            }
            (e.id.clone(), line)
        })
        .collect();
    let new_name = span.text.trim().to_string();
    let mut command = None;
    let mut cancel = false;
    egui::Window::new("Link to entity…")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::RIGHT_TOP, egui::vec2(-320.0, 40.0))
        .show(ctx, |ui| {
            ui.label(format!("{} \"{}\"", span.label, shorten(&span.text, 40)));
            let label = ui.label("Find");
            let response = ui
                .add(egui::TextEdit::singleline(&mut linking.query).hint_text("type a name"))
                .labelled_by(label.id);
            response.request_focus();
            if hits.is_empty() {
                ui.weak(format!("No {} entity matches.", linking.label));
            }
            for (i, (id, line)) in hits.iter().enumerate() {
                if ui.selectable_label(i == 0, shorten(line, 60)).clicked() {
                    command = Some(AppCommand::LinkEntity(id.clone()));
                }
            }
            let new_text = format!("New entity \u{201c}{}\u{201d}", shorten(&new_name, 40));
            if ui
                .selectable_label(hits.is_empty(), new_text)
                .on_hover_text("Add it to the corpus's entities.ron and link this mention")
                .clicked()
            {
                command = Some(AppCommand::NewEntity(new_name.clone()));
            }
            ui.weak("Enter links the first; Esc cancels.");
            if ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                command = Some(match hits.first() {
                    Some((id, _)) => AppCommand::LinkEntity(id.clone()),
                    None => AppCommand::NewEntity(new_name.clone()),
                });
            }
            if ui.input(|i| i.key_pressed(egui::Key::Escape)) || ui.button("Cancel").clicked() {
                cancel = true;
            }
        });
    if let Some(command) = command {
        tx.send(command);
    } else if cancel {
        tx.send(AppCommand::CancelLinking);
    }
}

/// The type-ahead list of link targets (R on a quote: the actors of the article).
pub fn link_picker(ctx: &egui::Context, ws: &Workspace, view: &mut ViewState, tx: &CommandSender) {
    let Some(linking) = &mut view.linking else {
        return;
    };
    let Some(session) = &ws.session else { return };
    let annotations = session.document.annotations();
    let Some(from) = annotations.get(linking.from) else {
        return;
    };
    let targets: Vec<String> = ws
        .scheme
        .relations
        .iter()
        .filter(|r| r.name == linking.kind)
        .flat_map(|r| r.to.clone())
        .collect();
    // One line per distinct text, nearest occurrence to the span first.
    let mut candidates: Vec<(&crate::model::Span, usize)> = Vec::new();
    for span in annotations
        .spans()
        .iter()
        .filter(|s| !s.is_orphaned() && targets.contains(&s.label))
    {
        let distance = span.start.abs_diff(from.start);
        match candidates.iter_mut().find(|(c, _)| c.text == span.text) {
            Some(entry) if distance < entry.1 => *entry = (span, distance),
            Some(_) => {}
            None => candidates.push((span, distance)),
        }
    }
    let query = linking.query.to_lowercase();
    candidates.retain(|(s, _)| s.text.to_lowercase().contains(&query));
    candidates.sort_by_key(|(s, d)| (!s.text.to_lowercase().starts_with(&query), *d));
    let mut chosen = None;
    let mut cancel = false;
    egui::Window::new("Link to…")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::RIGHT_TOP, egui::vec2(-320.0, 40.0))
        .show(ctx, |ui| {
            ui.label(format!(
                "{} of \"{}\"",
                linking.kind,
                shorten(&from.text, 40)
            ));
            let label = ui.label("Find");
            let response = ui
                .add(egui::TextEdit::singleline(&mut linking.query).hint_text("type a name"))
                .labelled_by(label.id);
            response.request_focus();
            if candidates.is_empty() {
                ui.weak(format!(
                    "No {} in this article yet: tag one first.",
                    targets.join(" or ")
                ));
            }
            for (i, (span, _)) in candidates.iter().enumerate().take(12) {
                if ui
                    .selectable_label(
                        i == 0,
                        format!("{}: {}", span.label, shorten(&span.text, 40)),
                    )
                    .clicked()
                {
                    chosen = Some(span.id);
                }
            }
            ui.weak("Enter links the first; Esc cancels; or click the span in the text.");
            if ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                chosen = candidates.first().map(|(s, _)| s.id);
            }
            if ui.input(|i| i.key_pressed(egui::Key::Escape)) || ui.button("Cancel").clicked() {
                cancel = true;
            }
        });
    if let Some(to) = chosen {
        tx.send(AppCommand::LinkTo(to));
    } else if cancel {
        tx.send(AppCommand::CancelLinking);
    }
}

fn span_list(ui: &mut Ui, ws: &Workspace, view: &mut ViewState, tx: &CommandSender) {
    let Some(session) = &ws.session else { return };
    let annotations = session.document.annotations();
    let mut commands = Vec::new();
    // Nothing here walks all the spans unless it must: a book has 50,000.
    let conflicts = ws.conflicts.rows.len();
    if annotations.orphan_count() > 0 || conflicts > 0 {
        // A conflicted orphan is listed once, with its conflict.
        let orphans: Vec<&Span> = match annotations.orphan_count() {
            0 => Vec::new(),
            _ => annotations
                .spans()
                .iter()
                .filter(|s| s.is_orphaned() && !ws.conflicts.has(s.id))
                .collect(),
        };
        let mut about = Vec::new();
        if conflicts > 0 {
            about.push(
                "Merge conflicts: spans two branches changed differently, with both \
                 versions. Keep ours (O) or take theirs (T) of each; Ctrl+Z undoes the choice.",
            );
        }
        if !orphans.is_empty() {
            about.push(
                "Orphans: spans whose text was not found in the article with confidence. \
                 They are kept as they were and left out of exports. Select where one \
                 belongs and press Attach, or remove the ones that no longer apply.",
            );
        }
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!("Needs review ({})", conflicts + orphans.len()),
        )
        .on_hover_text(about.join("\n\n"));
        let has_selection = matches!(view.selection, Selection::Text { .. });
        // Its own scroll area, so many conflicts leave room for a row or two of the span list.
        let room = ui.available_height();
        egui::ScrollArea::vertical()
            .id_salt("needs-review")
            .max_height((room - 96.0).max(room * 0.4))
            .auto_shrink([false, true])
            .show(ui, |ui| {
                super::conflicts_panel::section(ui, ws, view, &mut commands);
                for span in orphans {
                    ui.horizontal(|ui| {
                        if ui
                            .add_enabled(has_selection, egui::Button::new("Attach").small())
                            .on_hover_text("Put this span over the selected text")
                            .on_disabled_hover_text("Select the text this span belongs to first")
                            .clicked()
                        {
                            commands.push(AppCommand::Attach(span.id));
                        }
                        if ui.small_button("Remove").clicked() {
                            commands.push(AppCommand::Remove(span.id));
                        }
                        ui.add(
                            egui::Label::new(format!(
                                "{}: {}",
                                span.label,
                                shorten(&span.text, 40)
                            ))
                            .truncate(),
                        )
                        .on_hover_text(format!("…{}[{}]{}…", span.prefix, span.text, span.suffix));
                    });
                }
            });
        ui.separator();
    }

    ui.strong("Spans");
    let counts = annotations.count_by_label(ws.scheme.labels.iter().map(|l| l.name.as_str()));
    let mut toggled = None;
    ui.horizontal_wrapped(|ui| {
        for (label, count) in &counts {
            let shown = !view.hidden_labels.iter().any(|h| h == label);
            let text =
                RichText::new(format!("{label} {count}")).color(label_color(&ws.scheme, label));
            let response = ui
                .selectable_label(shown, text)
                .on_hover_text(format!("Show or hide {label} spans in this list"));
            Regions::offer(ui.ctx(), Region::Side, &response);
            if response.clicked() {
                toggled = Some(label.to_string());
            }
        }
    });
    if let Some(label) = toggled {
        commands.push(AppCommand::ToggleLabelShown(label));
    }

    // Filter by attribute value or entity, in the words of the find bar's "Spans where".
    let filter_id = egui::Id::unique("span-list-filter");
    let mut filter_text: String = ui.data(|d| d.get_temp(filter_id)).unwrap_or_default();
    ui.horizontal(|ui| {
        let label = ui.label("Filter");
        ui.add(
            egui::TextEdit::singleline(&mut filter_text)
                .desired_width(f32::INFINITY)
                .hint_text("verdict=false, entity=lavrov"),
        )
        .labelled_by(label.id)
        .on_hover_text(
            "Only spans with these attribute values or entity; kind= means not set. \
             Several separated by commas.",
        );
    });
    ui.data_mut(|d| d.insert_temp(filter_id, filter_text.clone()));
    let filter = match SpanFilter::parse(&filter_text) {
        Ok(filter) => filter,
        Err(why) => {
            ui.colored_label(ui.visuals().error_fg_color, why);
            SpanFilter::default()
        }
    };

    let all = annotations.spans();
    let entities = ws.entities.as_ref();
    let filtered: Option<Vec<&Span>> =
        (annotations.orphan_count() > 0 || !view.hidden_labels.is_empty() || !filter.is_empty())
            .then(|| {
                all.iter()
                    .filter(|s| !s.is_orphaned() && !view.hidden_labels.contains(&s.label))
                    .filter(|s| filter.matches(s, entities))
                    .collect()
            });
    if !filter.is_empty() {
        let shown = filtered.as_ref().map_or(0, Vec::len);
        ui.weak(format!("{shown} of {} spans match", all.len()));
    }
    let rows_total = filtered.as_ref().map_or(all.len(), Vec::len);
    let row_height = ui.spacing().interact_size.y;
    egui::ScrollArea::vertical()
        .id_salt("span-list")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, rows_total, |ui, rows| {
            for row in rows {
                let span = match &filtered {
                    Some(listed) => listed[row],
                    None => &all[row],
                };
                let selected = view.selection == Selection::Span(span.id);
                ui.horizontal(|ui| {
                    swatch(ui, label_color(&ws.scheme, &span.label));
                    let mark = super::widgets::chip_mark(span);
                    let text = if mark.is_empty() {
                        format!("{}  {}", span.label, shorten(&span.text, 60))
                    } else {
                        format!("{} {mark}  {}", span.label, shorten(&span.text, 60))
                    };
                    // Truncated, so a long span never widens the panel and re-wraps the text.
                    if ui
                        .add(egui::Button::selectable(selected, text).truncate())
                        .clicked()
                    {
                        commands.push(AppCommand::Reveal(span.id));
                    }
                });
            }
        });
    for command in commands {
        tx.send(command);
    }
}
