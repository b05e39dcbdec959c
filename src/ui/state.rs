//! The app's state, in two parts.
//!
//! [`Workspace`] is what is being worked on: the open article's session, the folder, the
//! corpus's scheme, entities and suggestion rules (and why any of them cannot be used),
//! the proposals under review, the merge conflicts, a comparison, the preferences, and
//! the saver and folder watcher that keep it on disk. Every change to the open document
//! goes through [`Workspace::edit`], the one place read-only articles refuse edits.
//!
//! [`ViewState`] is how the window looks at it: the selection, whole-word snapping, the
//! notice, the find bar, the pickers being typed in and the drafts of the details panel,
//! which field takes the keyboard, and the document widget's layout.
//!
//! Panels read the workspace (`&Workspace`) and send [`super::command::AppCommand`]s for
//! every change; they may only type into the view's drafts (note, attribute values, the
//! pickers' queries), which are theirs to edit, never the workspace.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::compare::Compare;
use super::conflicts::ConflictReview;
use super::doc_view::{DocView, Selection};
use super::find::FindBar;
use super::folder::Folder;
use super::review::Review;
use crate::model::selection::Caret;
use crate::model::{Command, Entities, Fragments, Scheme, SpanId};
use crate::store::watch::FolderWatcher;
use crate::store::{SaveState, Saver, Session};

/// Preferences remembered between sessions (never documents): what was open recently and
/// how selections snap. The theme, zoom and window layout are remembered by egui and
/// eframe themselves.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub recent_files: Vec<PathBuf>,
    pub recent_folders: Vec<PathBuf>,
    pub exact_characters: bool,
}

/// Where eframe's storage keeps [`Prefs`].
pub const PREFS_KEY: &str = "spantag-prefs";

/// How many recent files and folders are remembered.
const RECENT: usize = 10;

pub(super) fn remember(list: &mut Vec<PathBuf>, path: &Path) {
    list.retain(|p| p != path);
    list.insert(0, path.to_path_buf());
    list.truncate(RECENT);
}

/// Linking in progress: from which span, by which relation kind, and the picker's query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Linking {
    pub from: SpanId,
    pub kind: String,
    pub query: String,
}

/// Linking a span to a corpus entity (E), while the picker is open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityLinking {
    pub span: SpanId,
    pub label: String,
    pub query: String,
}

/// A message for the user: an error stays above the text until dismissed; a hint shows in
/// the status bar until the next action succeeds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
}

/// What is being worked on (see the module doc).
pub struct Workspace {
    pub session: Option<Session>,
    /// The open folder, in folder mode.
    pub folder: Option<Folder>,
    pub scheme: Scheme,
    /// The folder whose `spantag.ron` the scheme came from.
    pub(super) scheme_folder: Option<PathBuf>,
    /// Why that folder's `spantag.ron` could not be used (the defaults apply meanwhile).
    pub scheme_problem: Option<String>,
    /// That folder's `entities.ron` (empty if it has none), or `None` if the file cannot
    /// be read: then nothing links to entities and the file is never written over.
    pub entities: Option<Entities>,
    /// Why that `entities.ron` could not be used.
    pub entities_problem: Option<String>,
    /// The rules of that folder's `suggest.ron`, if it has one.
    pub(super) rules: Option<crate::suggest::Rules>,
    /// Why that `suggest.ron` could not be used (then nothing is suggested).
    pub rules_problem: Option<String>,
    /// Proposals for the open article: suggestions, or A's and B's spans.
    pub review: Review,
    /// The open article's merge conflicts, as the panel shows them.
    pub conflicts: ConflictReview,
    /// Adjudication in progress (File → Compare…).
    pub compare: Option<Compare>,
    pub prefs: Prefs,
    pub(super) saver: Saver,
    /// Watches the open article's folder for changes others make.
    pub(super) watcher: Option<FolderWatcher>,
    /// The article and revision last written to a copy with Save sidecar as….
    pub(super) copy_saved: Option<(PathBuf, u64)>,
}

/// How the window looks at the workspace (see the module doc).
pub struct ViewState {
    pub selection: Selection,
    /// Snap selections to whole words (W toggles).
    pub whole_words: bool,
    pub notice: Option<Notice>,
    /// Labels hidden from the span list.
    pub hidden_labels: Vec<String>,
    /// The find bar, while open (Ctrl+F).
    pub find: Option<FindBar>,
    /// The note being edited in the details panel, for the span it belongs to.
    pub note_draft: Option<(SpanId, String)>,
    /// Linking a span to another (R), while the picker is open.
    pub linking: Option<Linking>,
    /// Linking a span to a corpus entity (E), while the picker is open.
    pub entity_linking: Option<EntityLinking>,
    /// The attribute field (number or text) that takes the keyboard on the next frame.
    pub attr_focus: Option<String>,
    /// Number and text attribute values being typed in the details panel, for the span
    /// they belong to: applied on Enter or leaving the field, if valid.
    pub attr_drafts: Option<(SpanId, BTreeMap<String, String>)>,
    /// The header above the text: the source editor, its drafts, its cached lines.
    pub source: super::header::SourceHeader,
    /// The document widget: its layout, scroll requests and fragment cache.
    pub doc: DocView,
    /// The caret in the open article, and the selection it drags (see [`ViewState::sync_caret`]).
    pub caret: Caret,
    /// The caret of every article opened this session, by path: reopening one puts it back.
    pub carets: HashMap<PathBuf, Caret>,
    /// When the caret last moved (egui time, seconds): its blink starts lit from there.
    pub caret_moved_at: f64,
    /// The selection the caret was last brought in line with.
    synced: Selection,
    /// The help overlay (F1, ?) is open.
    pub help_open: bool,
    /// The details panel's note takes the keyboard on the next frame (Enter on a span).
    pub note_focus: bool,
    /// A text field had the keyboard at the end of the last frame: an Esc now left it
    /// (egui drops the focus before the app sees the key), so it does not also clear
    /// the selection.
    pub was_typing: bool,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            selection: Selection::None,
            whole_words: true,
            notice: None,
            hidden_labels: Vec::new(),
            find: None,
            note_draft: None,
            linking: None,
            entity_linking: None,
            attr_focus: None,
            attr_drafts: None,
            source: Default::default(),
            doc: DocView::default(),
            caret: Caret::default(),
            carets: HashMap::new(),
            caret_moved_at: 0.0,
            synced: Selection::None,
            help_open: false,
            note_focus: false,
            was_typing: false,
        }
    }
}

impl ViewState {
    /// Brings the caret in line with the selection: a text selection *is* the caret's range
    /// (anchor and head); a span or proposal newly selected collapses the caret, which
    /// stays where it is if it is inside or at an edge of it (a click on it, the span just
    /// tagged), else goes to its start; no selection leaves the caret where it is. `now` is egui's time, for the blink.
    pub fn sync_caret(&mut self, workspace: &Workspace, now: f64) {
        let Some(session) = &workspace.session else {
            return;
        };
        let text = session.document.text();
        let before = self.caret;
        let range_of = |selection: Selection| match selection {
            Selection::Span(id) => session
                .document
                .annotations()
                .get(id)
                .map(|s| s.char_range()),
            Selection::Proposal(i) => workspace
                .review
                .pending
                .get(i)
                .map(|p| p.char_range.clone()),
            _ => None,
        };
        match self.selection {
            Selection::Text { anchor, head } => self.caret = Caret::new(text, anchor, head),
            selection if selection != self.synced => {
                if let Some(range) = range_of(selection) {
                    let head = self.caret.head();
                    let inside = range.start <= head && head <= range.end;
                    self.caret = Caret::at(text, if inside { head } else { range.start });
                }
            }
            _ => {}
        }
        if !self.caret.is_valid(text) {
            self.caret = Caret::at(text, self.caret.head());
        }
        self.synced = self.selection;
        if self.caret != before {
            self.caret_moved_at = now;
        }
    }

    /// Keeps the open article's caret for when it is opened again, and takes the caret
    /// remembered for `next` (or the text's start).
    pub fn switch_article(&mut self, from: Option<&Path>, next: &Path, text: &crate::model::Text) {
        if let Some(from) = from {
            self.carets.insert(from.to_path_buf(), self.caret);
        }
        let kept = self.carets.get(next).copied().unwrap_or_default();
        self.caret = Caret::new(text, kept.anchor(), kept.head());
        self.synced = Selection::None;
    }

    /// The open article's fragment groups (cached by the document widget until the article
    /// changes).
    pub fn fragments(&mut self, workspace: &Workspace) -> Option<Rc<Fragments>> {
        let session = workspace.session.as_ref()?;
        Some(self.doc.fragments_of(&session.document))
    }
}

impl Workspace {
    /// An empty workspace; `saver` writes sidecars off the UI thread.
    pub fn new(saver: Saver) -> Self {
        Workspace {
            session: None,
            folder: None,
            scheme: Scheme::default(),
            scheme_folder: None,
            scheme_problem: None,
            entities: Some(Entities::default()),
            entities_problem: None,
            rules: None,
            rules_problem: None,
            review: Review::default(),
            conflicts: ConflictReview::default(),
            compare: None,
            prefs: Prefs::default(),
            saver,
            watcher: None,
            copy_saved: None,
        }
    }

    pub fn save_state(&self) -> Option<SaveState> {
        self.session.as_ref().map(Session::save_state)
    }

    /// Writes unsaved work now (exit, tests, before a pass reads the sidecars).
    pub fn save_now(&mut self) {
        if let Some(session) = &mut self.session {
            session.save_now(&self.saver);
        }
    }

    /// Uses the scheme of `folder` (its `spantag.ron`, or the defaults) and its suggestion
    /// rules (`suggest.ron`, if any), reporting either file if it cannot be used.
    pub fn use_scheme_of(&mut self, folder: &Path) {
        if self.scheme_folder.as_deref() == Some(folder) {
            return;
        }
        let (scheme, problem) = crate::store::corpus::load_scheme(folder);
        self.scheme = scheme;
        self.scheme_folder = Some(folder.to_path_buf());
        self.scheme_problem = problem.map(|p| p.to_string());
        (self.entities, self.entities_problem) = match crate::store::entities::load(folder) {
            Ok(entities) => (Some(entities), None),
            Err(problem) => (
                None,
                Some(format!(
                    "{problem} (entities cannot be linked until it is fixed)"
                )),
            ),
        };
        (self.rules, self.rules_problem) = match crate::store::corpus::load_rules(folder) {
            Ok(rules) => (rules, None),
            Err(problem) => (
                None,
                Some(format!(
                    "{problem} (nothing is suggested until it is fixed)"
                )),
            ),
        };
    }

    /// A span of the open article and the scheme's attribute `name` of its label, or why
    /// there is none.
    pub fn span_attribute(
        &self,
        id: SpanId,
        name: &str,
    ) -> Result<(&crate::model::Span, &crate::model::Attribute), String> {
        let session = self.session.as_ref().ok_or("Open an article first.")?;
        let span = session
            .document
            .annotations()
            .get(id)
            .ok_or("That span is gone.")?;
        let attribute = self.scheme.attribute(&span.label, name).ok_or(format!(
            "A {} has no attribute {name} in this scheme.",
            span.label
        ))?;
        Ok((span, attribute))
    }

    /// The folder of the corpus in use: where its `spantag.ron` and `entities.ron` live.
    pub fn corpus_root(&self) -> Option<&Path> {
        self.scheme_folder.as_deref()
    }

    /// Applies a command to the open document, unless it is read-only; the error as a
    /// sentence for the user.
    pub fn edit(&mut self, command: Command) -> Result<crate::model::Applied, String> {
        let session = self.session.as_mut().ok_or("Open an article first.")?;
        if let Some(reason) = &session.read_only {
            return Err(format!("This article is read-only. {reason}"));
        }
        let applied = session.document.apply(command).map_err(|e| {
            let mut text = e.to_string();
            if let Some(first) = text.get(..1) {
                text = first.to_uppercase() + &text[1..];
            }
            text + "."
        })?;
        self.sync_folder_entry();
        Ok(applied)
    }

    /// Keeps the folder list's line for the open article in step with it.
    pub fn sync_folder_entry(&mut self) {
        if let (Some(folder), Some(session)) = (&mut self.folder, &self.session) {
            let doc = &session.document;
            folder.update_current(doc.status, doc.annotations().len());
        }
    }

    /// Why nothing can be linked to an entity: the corpus's `entities.ron` is broken.
    pub fn entities_broken(&self) -> String {
        match &self.entities_problem {
            Some(problem) => format!("Nothing can be linked to an entity: {problem}."),
            None => "Nothing can be linked to an entity: the corpus's entities.ron cannot be \
                     read; fix it and open the folder again."
                .into(),
        }
    }
}
