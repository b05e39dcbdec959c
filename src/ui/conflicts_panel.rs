//! The *Needs review* section of the side panel for merge conflicts
//! ([`super::conflicts::ConflictReview`]): each conflict with *Ours* and *Theirs* and a
//! button per side. It reads the workspace and pushes [`AppCommand`]s.

use egui::{RichText, Ui};

use super::command::AppCommand;
use super::conflicts::Version;
use super::doc_view::Selection;
use super::state::{ViewState, Workspace};
use super::widgets::{label_color, swatch};
use crate::model::{Side, SpanId};

/// What O and T do, for the buttons' tooltips.
const KEYS_TIP: &str = "O keeps ours, T takes theirs, while this span is selected (they \
                        win over a label key of the same letter only then). Ctrl+Z brings \
                        the conflict back.";

/// The conflicts under *Needs review*: each with both versions and a button per side.
pub fn section(ui: &mut Ui, ws: &Workspace, view: &ViewState, commands: &mut Vec<AppCommand>) {
    let rows = ws.conflicts.rows.clone();
    for row in rows.iter() {
        let selected = view.selection == Selection::Span(row.span);
        let stroke = if selected {
            egui::Stroke::new(2.0, ui.visuals().strong_text_color())
        } else {
            egui::Stroke::new(1.0, ui.visuals().warn_fg_color)
        };
        egui::Frame::group(ui.style())
            .stroke(stroke)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                let title = format!("⚠ {}", row.title);
                if ui
                    .add(egui::Button::selectable(selected, title).truncate())
                    .on_hover_text("Select this span and show it in the text")
                    .clicked()
                {
                    commands.push(AppCommand::Reveal(row.span));
                }
                ui.add(
                    egui::Label::new(RichText::new(format!("Differs: {}", row.differences)).weak())
                        .wrap(),
                );
                for (side, version) in [(Side::Ours, &row.ours), (Side::Theirs, &row.theirs)] {
                    side_version(ui, ws, row.span, side, version.as_ref(), commands);
                }
            });
    }
}

/// One side: its heading and button, then its version (or that it deleted the span).
fn side_version(
    ui: &mut Ui,
    ws: &Workspace,
    span: SpanId,
    side: Side,
    version: Option<&Version>,
    commands: &mut Vec<AppCommand>,
) {
    let (heading, button, effect) = match side {
        Side::Ours => (
            "Ours (this branch)",
            "Keep ours (O)",
            "Keep this branch's version",
        ),
        Side::Theirs => (
            "Theirs (merged in)",
            "Take theirs (T)",
            "Take the merged-in branch's version",
        ),
    };
    ui.horizontal(|ui| {
        ui.strong(heading);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let effect = match version {
                Some(_) => format!("{effect}."),
                None => format!("{effect}: it deleted the span, so the span is removed."),
            };
            if ui
                .small_button(button)
                .on_hover_text(format!("{effect}\n{KEYS_TIP}"))
                .clicked()
            {
                commands.push(AppCommand::KeepVersion { span, side });
            }
        });
    });
    ui.indent(
        ("conflict-version", span, side.name()),
        |ui| match version {
            None => {
                ui.label(RichText::new("deleted").color(ui.visuals().warn_fg_color));
            }
            Some(version) => {
                ui.horizontal(|ui| {
                    swatch(ui, label_color(&ws.scheme, &version.label));
                    ui.strong(&version.label);
                    ui.weak(&version.range);
                });
                if let Some(text) = &version.text {
                    ui.add(egui::Label::new(text).wrap());
                }
                for (name, value) in &version.details {
                    let value = match (name.as_str(), &ws.entities) {
                        ("entity", Some(entities)) if value != "none" => {
                            entities.name_of(value).to_string()
                        }
                        _ => value.clone(),
                    };
                    ui.add(egui::Label::new(format!("{name}: {value}")).wrap());
                }
            }
        },
    );
}
