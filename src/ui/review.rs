//! Proposals under review: a rule's suggestions (the corpus's `suggest.ron`), a model's
//! suggestions stored with the article (`spantag import … --as suggestions`), or two
//! annotators' spans being adjudicated into a gold folder (File → Compare…).
//!
//! A stored suggestion is offered as a proposal of [`Origin::Imported`] while it is
//! pending. Unlike a rule's, the decision on it is the document's: Enter accepts it
//! (the span, with `Imported(source)` as its source, and the suggestion's `Accepted`
//! status in one undo step), X rejects it (`Rejected`, undoable), and both are saved in
//! the sidecar. Whenever the document is replaced (opened, read again after a change on
//! disk) its suggestions are offered afresh.
//!
//! Everything offered for the open article stays in one [`Proposals`] set; a proposal is
//! hidden once decided (the article has it as a span, or the analyst rejected it with X)
//! and shown again when that is undone. After a change only the proposals near the spans
//! it touched are looked at again, so a book with a hundred thousand suggestions edits as
//! fast as one without. Accepting is an ordinary undoable command.
//!
//! In adjudication a span both annotators have with different attribute values or entity
//! comes as two versions on the same label and range, A's and B's ([`Proposals::twin`]):
//! the panel shows what differs, Enter (or "Take A's values" / "Take B's values") decides,
//! and X rejects one version only. Bulk accepts (every agreed span, every span of a label)
//! leave such a disagreement alone, and so does a quote accepted with its speaker: taking
//! either version unseen would decide it silently. The speaker's link is made when its
//! version is taken (both versions bring it).
//!
//! This module holds the state ([`Review`], which the workspace owns) and its rules; the
//! side panel that draws it is `review_panel`.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::command::Pick;
use super::doc_view::Selection;
use crate::model::{offered_suggestions, pending_by_source, Document, Origin, Proposal, Proposals};

/// The proposals of the open article.
#[derive(Default)]
pub struct Review {
    /// What is offered for `article`, each shown until decided.
    pub pending: Proposals,
    article: Option<PathBuf>,
    /// Rejected proposals (label and range) per article, for as long as the app runs.
    rejected: HashMap<PathBuf, HashSet<(String, Range<usize>)>>,
    /// Rejected versions of a disagreement (label, range and whose version) per article:
    /// rejecting A's values leaves B's to take.
    rejected_versions: HashMap<PathBuf, HashSet<(String, Range<usize>, Origin)>>,
    /// The document (instance, revision) `pending` was brought up to date with.
    seen: Option<(u64, u64)>,
    /// What the proposals are, for the panel's heading ("Suggestions", "Adjudication").
    pub heading: &'static str,
    /// Whether the document's stored suggestions are offered too (not in adjudication).
    with_suggestions: bool,
    /// The document (instance) whose stored suggestions are among `pending`, and how many
    /// it had: suggestions added to an open document are offered too.
    suggestions_of: Option<(u64, usize)>,
    /// The document's stored suggestions still to decide, per source, as of `seen`:
    /// counted once per change, not every frame.
    pub pending_by_source: std::collections::BTreeMap<String, usize>,
}

impl Review {
    /// Offers proposals for an article (none: nothing to review), and with them the
    /// article's stored suggestions when `with_suggestions` (they are added on the next
    /// [`Review::refresh`], from the document).
    pub fn offer(
        &mut self,
        article: &Path,
        heading: &'static str,
        offered: Vec<Proposal>,
        with_suggestions: bool,
    ) {
        self.clear();
        self.pending = Proposals::new(offered);
        self.article = Some(article.to_path_buf());
        self.heading = heading;
        self.with_suggestions = with_suggestions;
    }

    /// Adds proposals to what is offered for `article` (a new entity's other mentions),
    /// keeping the undecided ones already there.
    pub fn add(&mut self, article: &Path, offered: Vec<Proposal>) {
        if self.article.as_deref() != Some(article) {
            self.offer(article, "Proposals", offered, true);
            return;
        }
        // Hidden ones too: an accepted one comes back if that is undone.
        let mut all: Vec<Proposal> = self.pending.all().to_vec();
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
            rejected_versions: std::mem::take(&mut self.rejected_versions),
            ..Review::default()
        };
    }

    /// Brings what is shown up to date with the document: after an edit, only the
    /// proposals overlapping the spans it touched are decided again. A new document (one
    /// opened or read again), or one given more suggestions, has its stored suggestions
    /// offered afresh: then the indexes of the proposals change, and this returns true.
    pub fn refresh(&mut self, document: &Document) -> bool {
        let now = (document.instance(), document.revision());
        let counted = (now.0, document.suggestions.len());
        let renewed =
            self.with_suggestions && self.article.is_some() && self.suggestions_of != Some(counted);
        if renewed {
            let mut all: Vec<Proposal> = self
                .pending
                .all()
                .iter()
                .filter(|p| !matches!(p.origin, Origin::Imported { .. }))
                .cloned()
                .collect();
            let stored = offered_suggestions(&document.suggestions);
            if self.heading.is_empty() && !stored.is_empty() {
                self.heading = "Suggestions";
            }
            all.extend(stored);
            self.pending = Proposals::new(all);
            self.suggestions_of = Some(counted);
            self.seen = None;
        }
        if self.seen == Some(now) {
            return renewed;
        }
        let touched = match self.seen {
            Some((instance, revision)) if instance == now.0 => document.touched_since(revision),
            _ => None,
        };
        self.seen = Some(now);
        self.pending_by_source = pending_by_source(&document.suggestions)
            .into_iter()
            .map(|(source, n)| (source.to_string(), n))
            .collect();
        let rejected = self.article.as_ref().and_then(|a| self.rejected.get(a));
        let versions = self
            .article
            .as_ref()
            .and_then(|a| self.rejected_versions.get(a));
        let annotations = document.annotations();
        // A proposal to link a mention is decided once the span is linked, not merely there;
        // an annotator's span in adjudication once the gold copy has it, whichever version
        // of its values was taken.
        let adjudicated =
            |p: &Proposal| matches!(p.origin, Origin::Agreed | Origin::OnlyA | Origin::OnlyB);
        let decided = |p: &Proposal| {
            // A stored suggestion is decided by its status alone.
            if let Origin::Imported { index, .. } = p.origin {
                return document
                    .suggestions
                    .get(index)
                    .is_none_or(|s| !s.is_offered());
            }
            let taken = annotations
                .find_exact(&p.label, p.char_range.clone())
                .is_some_and(|span| {
                    adjudicated(p) || p.entity.is_none() || span.entity == p.entity
                });
            let (label, range) = (p.label.clone(), p.char_range.clone());
            taken
                || rejected.is_some_and(|r| r.contains(&(label.clone(), range.clone())))
                || versions.is_some_and(|r| r.contains(&(label, range, p.origin.clone())))
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
        renewed
    }

    /// The stored suggestion (its index in the document) that the proposal at `index`
    /// offers, if it offers one: rejecting it is a command on the document.
    pub fn suggestion_of(&self, index: usize) -> Option<usize> {
        match self.pending.get(index)?.origin {
            Origin::Imported { index, .. } => Some(index),
            _ => None,
        }
    }

    /// Drops a proposal until the app closes (it is never saved). Not for a stored
    /// suggestion ([`Review::suggestion_of`]), whose rejection is the document's.
    pub fn reject(&mut self, index: usize) {
        let (Some(article), Some(p)) = (&self.article, self.pending.get(index)) else {
            return;
        };
        if self.pending.twin(index).is_some() {
            self.rejected_versions
                .entry(article.clone())
                .or_default()
                .insert((p.label.clone(), p.char_range.clone(), p.origin.clone()));
        } else {
            self.rejected
                .entry(article.clone())
                .or_default()
                .insert((p.label.clone(), p.char_range.clone()));
        }
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

    /// The proposals `pick` chooses, as indexes. Only [`Pick::Current`] takes a version
    /// of a disagreement (see the module doc).
    pub fn picked(&self, pick: &Pick, selection: Selection) -> Result<Vec<usize>, String> {
        let mut indexes = match pick {
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
        let offered = indexes.len();
        if *pick != Pick::Current {
            indexes.retain(|&i| !self.pending.is_disputed(i));
        }
        if indexes.is_empty() {
            return Err(match pick {
                _ if offered > 0 => "Only disagreements on attribute values are left: take \
                                     A's or B's values of each (N, then Enter)."
                    .into(),
                Pick::Agreed => "No agreed spans are left to accept.".into(),
                _ => NOTHING_SELECTED.into(),
            });
        }
        Ok(indexes)
    }

    /// How many spans are shown as a disagreement on their values (two versions each).
    pub fn disagreements(&self) -> usize {
        self.pending
            .shown()
            .filter(|&(i, p)| p.origin == Origin::OnlyA && self.pending.is_disputed(i))
            .count()
    }

    /// The proposals at `indexes`, plus the shown ones they point to (a quote's speaker,
    /// not the quotes of a speaker), so one step accepts both and the link.
    pub fn with_linked(&self, indexes: &[usize]) -> Vec<Proposal> {
        let mut chosen: Vec<usize> = indexes.to_vec();
        for p in indexes.iter().filter_map(|&i| self.pending.get(i)) {
            for link in p.links.iter().filter(|l| l.outgoing) {
                // A speaker whose versions differ is left to decide; its link comes
                // with whichever version is taken.
                if let Some(other) = self
                    .pending
                    .find(&link.other_label, link.other_range.clone())
                    .filter(|&other| !self.pending.is_disputed(other))
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
