//! The side panel's section for the proposals under review ([`super::review::Review`]):
//! the counts per model and per label, the selected proposal with Accept / Reject, the two
//! versions of a disagreement side by side, and the bulk accepts. It reads the workspace
//! and sends [`AppCommand`]s; what a pick chooses is decided by the review itself.

use egui::{RichText, Ui};

use super::command::{AppCommand, CommandSender, Pick};
use super::doc_view::Selection;
use super::state::{ViewState, Workspace};
use super::widgets::{label_color, proposal_name, swatch};
use crate::model::{differences, Origin, Proposal};

/// The side panel's section: counts, the selected proposal, and the accept buttons.
pub fn panel(ui: &mut Ui, ws: &Workspace, view: &ViewState, tx: &CommandSender) {
    let (Some(session), pending) = (&ws.session, &ws.review.pending) else {
        return;
    };
    if pending.is_empty() && ws.compare.is_none() {
        return;
    }
    ui.separator();
    ui.strong(format!(
        "{} ({} to decide)",
        ws.review.heading,
        pending.len()
    ));
    let mut command = None;
    // A version of a disagreement to select before the command runs.
    let mut select = None;
    let mut entity_button = None;
    // Stored suggestions still to decide, per model.
    let suggestions = match ws.compare {
        None => ws.review.pending_by_source.clone(),
        Some(_) => Default::default(),
    };
    for (source, count) in suggestions {
        ui.label(format!("{count} from {source}"))
            .on_hover_text(format!(
                "Suggestions imported from {source}, kept with the article: Enter accepts \
                 one, X rejects it; the decisions are saved in its sidecar."
            ));
    }
    if let Some(compare) = &ws.compare {
        if ui
            .small_button("Stop comparing")
            .on_hover_text("Keep the gold folder open as an ordinary folder")
            .clicked()
        {
            command = Some(AppCommand::EndCompare);
        }
        super::compare::figures(ui, compare, &ws.scheme);
    }
    let current = ws.review.current(view.selection);
    if let Some((index, proposal)) = current.and_then(|i| Some((i, pending.get(i)?))) {
        let twin = pending.twin(index);
        ui.horizontal_wrapped(|ui| {
            swatch(ui, label_color(&ws.scheme, &proposal.label));
            // Not "only in A" when both have the span: this is one annotator's version.
            ui.label(proposal_name(&session.document, proposal, twin.is_some()));
        });
        if let Some((twin, other)) = twin {
            if let Some(take) = versions(ui, ws, index, proposal, twin, other) {
                select = Some(take);
                command = Some(AppCommand::Accept(Pick::Current));
            }
        }
        ui.horizontal(|ui| {
            if ui.button("Accept").on_hover_text("Enter").clicked() {
                command = Some(AppCommand::Accept(Pick::Current));
            }
            if ui.button("Reject").on_hover_text("X").clicked() {
                command = Some(AppCommand::Reject);
            }
            if ui
                .button(format!("Accept all {}", proposal.label))
                .on_hover_text("Shift+Enter")
                .clicked()
            {
                command = Some(AppCommand::Accept(Pick::SameLabel));
            }
        });
        if let Origin::Entity(name) = &proposal.origin {
            entity_button = Some(name.clone());
        }
    } else {
        ui.weak("N selects the next proposal; Enter accepts it, X rejects it.");
    }
    // Every proposed mention of an entity, linked in one undo step.
    if entity_button.is_none() {
        entity_button = pending.shown().find_map(|(_, p)| match &p.origin {
            Origin::Entity(name) => Some(name.clone()),
            _ => None,
        });
    }
    if let Some(name) = entity_button {
        let count = pending
            .with(|p| matches!(&p.origin, Origin::Entity(n) if *n == name))
            .len();
        if ui
            .button(format!("Accept all links to {name}"))
            .on_hover_text(format!(
                "Link all {count} proposed mentions of {name} (one undo step)"
            ))
            .clicked()
        {
            command = Some(AppCommand::Accept(Pick::Entity(name)));
        }
    }
    let agreed = pending.agreed();
    if agreed > 0
        && ui
            .button(format!("Accept all {agreed} agreed"))
            .on_hover_text("Shift+A: every span A and B both have")
            .clicked()
    {
        command = Some(AppCommand::Accept(Pick::Agreed));
    }
    for (label, count) in pending.count_by_label() {
        ui.horizontal(|ui| {
            swatch(ui, label_color(&ws.scheme, label));
            ui.label(RichText::new(format!("{label}: {count}")));
            if ui.small_button("Accept all").clicked() {
                command = Some(AppCommand::Accept(Pick::Label(label.to_string())));
            }
        });
    }
    if ws.compare.is_some() {
        let disagreements = ws.review.disagreements();
        if disagreements > 0 {
            ui.label(format!(
                "{disagreements} with different values in A and B: take A's or B's values \
                 of each (not taken by Accept all)"
            ));
        }
    }
    if let Some(index) = select {
        tx.send(AppCommand::Select(Selection::Proposal(index)));
    }
    if let Some(command) = command {
        tx.send(command);
    }
}

/// What two versions of a span differ in: a row per attribute (and the entity) with A's
/// value and B's, the selected version's in bold; and a button to take each version
/// still offered. Returns the index of the version to take.
fn versions(
    ui: &mut Ui,
    ws: &Workspace,
    index: usize,
    proposal: &Proposal,
    twin: usize,
    other: &Proposal,
) -> Option<usize> {
    let pending = &ws.review.pending;
    let ((a_index, a), (b_index, b)) = if proposal.origin == Origin::OnlyA {
        ((index, proposal), (twin, other))
    } else {
        ((twin, other), (index, proposal))
    };
    let selected_a = a_index == index;
    ui.label("A and B both have this span, with different values:");
    let entity_name = |id: &Option<String>| match (id, &ws.entities) {
        (None, _) => "unset".to_string(),
        (Some(id), Some(entities)) => entities.name_of(id).to_string(),
        (Some(id), None) => id.clone(),
    };
    egui::Grid::new("value-differences")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            let head = |ui: &mut Ui, text: &str, bold: bool| {
                let text = RichText::new(text);
                ui.label(if bold { text.strong() } else { text.weak() });
            };
            ui.label("");
            head(ui, "A", selected_a);
            head(ui, "B", !selected_a);
            ui.end_row();
            for difference in differences(a, b) {
                let (name, a_value, b_value) = match &difference.attribute {
                    Some(name) => {
                        let value = |v: &Option<String>| v.clone().unwrap_or("unset".into());
                        (name.clone(), value(&difference.a), value(&difference.b))
                    }
                    None => (
                        "entity".to_string(),
                        entity_name(&difference.a),
                        entity_name(&difference.b),
                    ),
                };
                ui.label(name);
                let value = |ui: &mut Ui, text: String, bold: bool| {
                    let text = RichText::new(text);
                    ui.label(if bold { text.strong() } else { text });
                };
                value(ui, a_value, selected_a);
                value(ui, b_value, !selected_a);
                ui.end_row();
            }
        });
    let mut take = None;
    ui.horizontal(|ui| {
        for (name, version) in [("Take A's values", a_index), ("Take B's values", b_index)] {
            let offered = pending.get(version).is_some();
            if ui
                .add_enabled(offered, egui::Button::new(name))
                .on_disabled_hover_text("Rejected (undo brings it back)")
                .clicked()
            {
                take = Some(version);
            }
        }
    });
    take
}
