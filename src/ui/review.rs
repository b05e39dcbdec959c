//! Proposals under review: a rule's suggestions (the corpus's `suggest.ron`), or two
//! annotators' spans being adjudicated into a gold folder (File → Compare…).
//!
//! Everything offered for the open article stays in one [`Proposals`] set; a proposal is
//! hidden once decided (the article has it as a span, or the analyst rejected it with X)
//! and shown again when that is undone. After a change only the proposals near the spans
//! it touched are looked at again, so a book with a hundred thousand suggestions edits as
//! fast as one without. Accepting is an ordinary undoable command.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use super::app::{AppCommand, Pick, SpantagApp};
use super::doc_view::{label_color, proposal_name, Selection};
use crate::model::{Document, Origin, Proposal, Proposals};

/// The proposals of the open article.
#[derive(Default)]
pub struct Review {
    /// What is offered for `article`, each shown until decided.
    pub pending: Proposals,
    article: Option<PathBuf>,
    /// Rejected proposals (label and range) per article, for as long as the app runs.
    rejected: HashMap<PathBuf, HashSet<(String, Range<usize>)>>,
    /// The document (instance, revision) `pending` was brought up to date with.
    seen: Option<(u64, u64)>,
    /// What the proposals are, for the panel's heading ("Suggestions", "Adjudication").
    pub heading: &'static str,
}

impl Review {
    /// Offers proposals for an article (none: nothing to review).
    pub fn offer(&mut self, article: &Path, heading: &'static str, offered: Vec<Proposal>) {
        self.clear();
        self.pending = Proposals::new(offered);
        self.article = Some(article.to_path_buf());
        self.heading = heading;
    }

    /// Adds proposals to what is offered for `article` (a new entity's other mentions),
    /// keeping the undecided ones already there.
    pub fn add(&mut self, article: &Path, offered: Vec<Proposal>) {
        if self.article.as_deref() != Some(article) {
            self.offer(article, "Proposals", offered);
            return;
        }
        let mut all: Vec<Proposal> = self.pending.shown().map(|(_, p)| p.clone()).collect();
        all.extend(offered);
        self.pending = Proposals::new(all);
        self.seen = None;
        if self.heading.is_empty() {
            self.heading = "Proposals";
        }
    }

    /// Offers nothing (rejections are remembered).
    pub fn clear(&mut self) {
        *self = Review {
            rejected: std::mem::take(&mut self.rejected),
            ..Review::default()
        };
    }

    /// Brings what is shown up to date with the document: after an edit, only the
    /// proposals overlapping the spans it touched are decided again.
    pub fn refresh(&mut self, document: &Document) {
        let now = (document.instance(), document.revision());
        if self.seen == Some(now) {
            return;
        }
        let touched = match self.seen {
            Some((instance, revision)) if instance == now.0 => document.touched_since(revision),
            _ => None,
        };
        self.seen = Some(now);
        let rejected = self.article.as_ref().and_then(|a| self.rejected.get(a));
        let annotations = document.annotations();
        // A proposal to link a mention is decided once the span is linked, not merely there.
        let decided = |p: &Proposal| {
            annotations
                .find_exact(&p.label, p.char_range.clone())
                .is_some_and(|span| p.entity.is_none() || span.entity == p.entity)
                || rejected.is_some_and(|r| r.contains(&(p.label.clone(), p.char_range.clone())))
        };
        match touched {
            Some(ranges) => {
                for range in ranges {
                    // An empty range still names the proposals around its position.
                    let range = range.start..range.end.max(range.start + 1);
                    self.pending.recheck(Some(range), decided);
                }
            }
            None => self.pending.recheck(None, decided),
        }
    }

    /// Drops a proposal until the app closes (it is never saved).
    pub fn reject(&mut self, index: usize) {
        let (Some(article), Some(p)) = (&self.article, self.pending.get(index)) else {
            return;
        };
        self.rejected
            .entry(article.clone())
            .or_default()
            .insert((p.label.clone(), p.char_range.clone()));
        self.pending.set_hidden(index, true);
    }

    /// The proposal a key acts on: the selected one, or the one at the caret.
    pub fn current(&self, selection: Selection) -> Option<usize> {
        match selection {
            Selection::Proposal(index) => self.pending.get(index).map(|_| index),
            Selection::Text { anchor, head } if anchor == head => self.pending.innermost_at(head),
            _ => None,
        }
    }

    /// The proposals `pick` chooses, as indexes.
    pub fn picked(&self, pick: &Pick, selection: Selection) -> Result<Vec<usize>, String> {
        let indexes = match pick {
            Pick::Current => self.current(selection).into_iter().collect(),
            Pick::SameLabel => {
                let index = self.current(selection).ok_or(NOTHING_SELECTED)?;
                let label = self.pending.get(index).map(|p| p.label.clone());
                self.pending.with(|p| Some(&p.label) == label.as_ref())
            }
            Pick::Label(label) => self.pending.with(|p| &p.label == label),
            Pick::Agreed => self.pending.with(|p| p.origin == Origin::Agreed),
            Pick::Entity(name) => self
                .pending
                .with(|p| matches!(&p.origin, Origin::Entity(n) if n == name)),
        };
        if indexes.is_empty() {
            return Err(match pick {
                Pick::Agreed => "No agreed spans are left to accept.".into(),
                _ => NOTHING_SELECTED.into(),
            });
        }
        Ok(indexes)
    }

    /// The proposals at `indexes`, plus the shown ones they point to (a quote's speaker,
    /// not the quotes of a speaker), so one step accepts both and the link.
    pub fn with_linked(&self, indexes: &[usize]) -> Vec<Proposal> {
        let mut chosen: Vec<usize> = indexes.to_vec();
        for p in indexes.iter().filter_map(|&i| self.pending.get(i)) {
            for link in p.links.iter().filter(|l| l.outgoing) {
                if let Some(other) = self
                    .pending
                    .find(&link.other_label, link.other_range.clone())
                {
                    chosen.push(other);
                }
            }
        }
        chosen.sort_unstable();
        chosen.dedup();
        chosen
            .into_iter()
            .filter_map(|i| self.pending.get(i).cloned())
            .collect()
    }
}

const NOTHING_SELECTED: &str =
    "Select a proposal first: click its dashed outline, or press N for the next one.";

/// The side panel's section: counts, the selected proposal, and the accept buttons.
pub fn panel(ui: &mut Ui, app: &mut SpantagApp) {
    let (Some(session), pending) = (&app.session, &app.review.pending) else {
        return;
    };
    if pending.is_empty() && app.compare.is_none() {
        return;
    }
    ui.separator();
    ui.strong(format!(
        "{} ({} to decide)",
        app.review.heading,
        pending.len()
    ));
    let mut command = None;
    let mut entity_button = None;
    if let Some(compare) = &app.compare {
        if ui
            .small_button("Stop comparing")
            .on_hover_text("Keep the gold folder open as an ordinary folder")
            .clicked()
        {
            command = Some(AppCommand::EndCompare);
        }
        super::compare::figures(ui, compare, &app.scheme);
    }
    if let Some(proposal) = app
        .review
        .current(app.selection)
        .and_then(|i| pending.get(i))
    {
        ui.horizontal_wrapped(|ui| {
            super::panels::swatch(ui, label_color(&app.scheme, &proposal.label));
            ui.label(proposal_name(&session.document, proposal));
        });
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
            super::panels::swatch(ui, label_color(&app.scheme, label));
            ui.label(RichText::new(format!("{label}: {count}")));
            if ui.small_button("Accept all").clicked() {
                command = Some(AppCommand::Accept(Pick::Label(label.to_string())));
            }
        });
    }
    if let Some(command) = command {
        app.send(command);
    }
}
