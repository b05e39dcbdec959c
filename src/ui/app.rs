//! The application shell: panels, keys, dialogs, and the one place commands are applied.
//!
//! The UI never changes annotations itself. Panels and keys push [`AppCommand`]s during
//! the frame, and [`SpantagApp::apply`] carries them out at the end of it, in order. That
//! single point is where read-only documents refuse edits, where selection follows undo,
//! and where errors become the message the user sees.

use egui::{Key, KeyboardShortcut, Modifiers};
use std::path::{Path, PathBuf};

use super::command::{
    command_channel, AppCommand, CommandReceiver, CommandSender, EntityEdit, Pick,
};
use super::compare::{Compare, CompareDialog, DialogAction};
use super::corpus_view::{CorpusAction, CorpusView};
use super::dashboard::Dashboard;
use super::dialogs::{Ask, FileDialog};
use super::doc_view::{DocView, Selection, ViewInput};
use super::export_dialog::ExportDialog;
use super::find::{FindAction, FindBar};
use super::folder::{Folder, PanelAction};
use super::import_dialog::ImportDialog;
use super::job::Job;
use super::state::{
    remember, EntityLinking, Linking, Notice, Prefs, ViewState, Workspace, PREFS_KEY,
};
use super::{focus, guard, panels};
use crate::model::selection::{self, Caret, Motion};
use crate::model::{select, Command, Proposal, Side, SpanId};
use crate::store::adjudicate::{self, Folders};
use crate::store::article::Progress;
use crate::store::{SaveState, Saver, Session};

/// Articles larger than this (2 MB, a book) open on another thread, with progress shown.
const OPEN_IN_BACKGROUND_BYTES: u64 = 2 * 1024 * 1024;

/// What the loading thread sends: the session, and the suggestions for it when the
/// corpus has rules.
type Opened = (
    Result<Session, crate::store::ArticleError>,
    Option<Vec<Proposal>>,
);

/// A big article being read, decoded and parsed on another thread.
pub struct Opening {
    pub path: PathBuf,
    /// Reports how much of the file has been read.
    pub job: Job<Opened, Progress>,
}

/// The open dialog's filters: every article kind at once (shown first, so chosen by
/// default), then each kind alone, then all files.
fn article_filters() -> Vec<(String, Vec<String>)> {
    use crate::model::SourceKind;
    let owned = |extensions: &[&str]| extensions.iter().map(|e| e.to_string()).collect();
    let mut filters = vec![(
        "Articles".to_string(),
        owned(&SourceKind::all_extensions().collect::<Vec<_>>()),
    )];
    for kind in [
        SourceKind::Html,
        SourceKind::Pdf,
        SourceKind::Docx,
        SourceKind::Email,
        SourceKind::Markdown,
        SourceKind::Text,
    ] {
        let name = match kind {
            SourceKind::Html => "Web pages",
            SourceKind::Pdf => "PDF",
            SourceKind::Docx => "Word",
            SourceKind::Email => "E-mail",
            SourceKind::Markdown => "Markdown",
            SourceKind::Text => "Text",
        };
        let extensions = kind.extensions();
        filters.push((
            format!("{name} ({})", extensions.join(", ")),
            owned(extensions),
        ));
    }
    filters.push(("All files".into(), vec!["*".into()]));
    filters
}

/// What a system dialog running on its own thread is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DialogKind {
    OpenArticle,
    OpenFolder,
    SaveSidecarAs,
    /// A folder for field `i` of the compare dialog.
    CompareFolder(usize),
}

/// The window: the workspace and the view of it, the dialogs and windows over them, the
/// background jobs, and the commands sent during the frame.
pub struct SpantagApp {
    /// What is being worked on: session, folder, scheme, rules, review.
    pub workspace: Workspace,
    /// How the window looks at it: selection, find, drafts, focus.
    pub view: ViewState,
    pub export: ExportDialog,
    pub import: ImportDialog,
    /// The corpus dashboard, while open.
    pub dashboard: Option<Dashboard>,
    /// The corpus view of entities, while open.
    pub corpus_view: Option<CorpusView>,
    /// A merge of two entities rewriting the corpus's sidecars on another thread.
    merging: Option<std::rc::Rc<super::corpus_view::Pass<super::corpus_view::MergeDone>>>,
    pub compare_dialog: CompareDialog,
    /// The window was asked to close with unsaved annotations: the question is showing.
    pub(super) asking_to_close: bool,
    /// The analyst chose to close without saving.
    pub(super) quitting: bool,
    /// The layer of the control that had the keyboard at the end of the last frame (Esc
    /// has dropped the focus by the time keys are read).
    focus_layer: Option<egui::LayerId>,
    /// A big article being opened on another thread.
    pub opening: Option<Opening>,
    /// For waking the window from other threads.
    ctx: egui::Context,
    /// The system file dialog, while one is open.
    dialog: FileDialog<DialogKind>,
    sender: CommandSender,
    commands: CommandReceiver,
    title: String,
}

impl SpantagApp {
    /// The app, opening `path` if given.
    pub fn new(ctx: &egui::Context, path: Option<&Path>) -> Self {
        let wake = ctx.clone();
        let (sender, commands) = command_channel();
        let mut app = SpantagApp {
            workspace: Workspace::new(Saver::new(move || wake.request_repaint())),
            view: ViewState::default(),
            export: ExportDialog::default(),
            import: ImportDialog::default(),
            dashboard: None,
            corpus_view: None,
            merging: None,
            compare_dialog: CompareDialog::default(),
            asking_to_close: false,
            quitting: false,
            focus_layer: None,
            opening: None,
            ctx: ctx.clone(),
            dialog: FileDialog::default(),
            sender,
            commands,
            title: String::new(),
        };
        match path {
            Some(path) if path.is_dir() => app.open_folder(ctx, path),
            Some(path) => app.open(path),
            None => {}
        }
        app
    }

    /// Takes remembered preferences (at start-up).
    pub fn set_prefs(&mut self, prefs: Prefs) {
        self.view.whole_words = !prefs.exact_characters;
        self.workspace.prefs = prefs;
    }

    /// Queues a command for the end of this frame.
    pub fn send(&mut self, command: AppCommand) {
        self.sender.send(command);
    }

    /// Whether a dialog holds the keyboard: export, import, compare, or a question (unsaved
    /// work on closing, a sidecar changed on disk). While one does, the document's plain
    /// keys (Tab walking spans, Enter, Esc, arrows, letters) must not fire: Tab and Shift+Tab
    /// move between the dialog's controls, Space and Enter press the focused one.
    pub fn modal_open(&self) -> bool {
        self.export.open
            || self.import.open
            || self.compare_dialog.open
            || self.asking_to_close
            || self
                .workspace
                .session
                .as_ref()
                .is_some_and(|s| s.conflict.is_some())
    }

    /// Whether the document's plain keys (Tab walking spans, Enter, Esc, arrows, letters)
    /// may fire: no dialog is open ([`Self::modal_open`]) and no control other than the
    /// document has the keyboard (a toolbar or side-panel button reached with F6 and Tab,
    /// a tool window's control). Chords with Ctrl or Alt are not affected.
    pub fn keys_reach_document(&self, ctx: &egui::Context) -> bool {
        !self.modal_open() && ctx.memory(|m| m.focused().is_none_or(|id| id == DocView::id()))
    }

    /// Esc in a tool window (dashboard, corpus view) that has the keyboard closes it; the
    /// Esc is consumed. Returns whether one was closed.
    fn close_focused_window(&mut self, ctx: &egui::Context) -> bool {
        let Some(layer) = self.focus_layer else {
            return false;
        };
        let in_dashboard = self
            .dashboard
            .as_ref()
            .is_some_and(|d| d.layer == Some(layer));
        let in_corpus = self
            .corpus_view
            .as_ref()
            .is_some_and(|v| v.layer == Some(layer));
        if !(in_dashboard || in_corpus)
            || !ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape))
        {
            return false;
        }
        if in_dashboard {
            self.dashboard = None;
        } else if let Some(view) = self.corpus_view.take() {
            view.close();
        }
        self.focus_layer = None;
        true
    }

    /// A sender for commands, for panels and dialogs.
    pub fn sender(&self) -> &CommandSender {
        &self.sender
    }

    /// The document view, e.g. to find where a char range is drawn.
    pub fn doc_view(&self) -> &DocView {
        &self.view.doc
    }

    pub fn save_state(&self) -> Option<SaveState> {
        self.workspace.save_state()
    }

    /// Writes unsaved work now (exit, tests).
    pub fn save_now(&mut self) {
        self.workspace.save_now();
    }

    /// Writes the corpus's entities after an edit (atomically; an unchanged file is left
    /// alone). Refused while the file on disk could not be read, so it is never lost.
    pub fn save_entities(&mut self) -> Result<(), String> {
        let (Some(entities), Some(root)) =
            (&self.workspace.entities, &self.workspace.scheme_folder)
        else {
            return Err("the corpus's entities.ron cannot be used; fix it first".into());
        };
        if self.merging.is_some() {
            // The merge writes entities.ron last, from its own copy: this edit would be lost.
            return Err("A merge is still rewriting the corpus; try again when it is done.".into());
        }
        crate::store::entities::save(root, entities).map_err(|e| {
            format!(
                "{}: cannot write: {e}",
                crate::store::entities::path(root).display()
            )
        })
    }

    fn open(&mut self, path: &Path) {
        if !guard::may_leave_article(&mut self.workspace, &mut self.view) {
            return;
        }
        if self.workspace.folder.is_none() {
            self.workspace
                .use_scheme_of(&crate::store::walk::scheme_folder(path));
        }
        let big = std::fs::metadata(path).is_ok_and(|m| m.len() > OPEN_IN_BACKGROUND_BYTES);
        if !big {
            self.install(Session::open(path), None);
            return;
        }
        // A book: read, decode, parse (and run the suggestion rules) on another thread while
        // the window shows progress.
        let thread_path = path.to_path_buf();
        let rules = self
            .workspace
            .rules
            .clone()
            .filter(|_| self.workspace.compare.is_none());
        let job = Job::spawn_with(&self.ctx, "the reading thread", move |progress| {
            let opened = Session::open_with_progress(&thread_path, progress);
            let suggested = match (&opened, rules) {
                (Ok(session), Some(rules)) => {
                    Some(crate::suggest::suggest(&rules, &session.document))
                }
                _ => None,
            };
            (opened, suggested)
        });
        self.opening = Some(Opening {
            path: path.to_path_buf(),
            job,
        });
    }

    /// Takes a big article opened on another thread, once it is ready.
    fn poll_opening(&mut self) {
        let Some(opening) = &self.opening else {
            return;
        };
        match opening.job.poll() {
            None => {}
            Some(Err(why)) => {
                let path = opening.path.display().to_string();
                self.opening = None;
                self.view.notice = Some(Notice {
                    text: format!("{path}: could not be opened ({why})."),
                    is_error: true,
                });
            }
            Some(Ok((result, suggested))) => {
                self.opening = None;
                // The open article may have changed while this one loaded.
                if guard::may_leave_article(&mut self.workspace, &mut self.view) {
                    self.install(result, suggested);
                }
            }
        }
    }

    /// Makes an opened article the current one, or says why it could not be opened.
    /// `suggested`: the suggestions, if they were found on the loading thread.
    fn install(
        &mut self,
        opened: Result<Session, crate::store::ArticleError>,
        suggested: Option<Vec<Proposal>>,
    ) {
        match opened {
            Ok(session) => {
                let article_problem = guard::opening_notice(&session, &self.workspace.scheme);
                self.view.notice = article_problem;
                if let Some(folder) = &mut self.workspace.folder {
                    folder.current = folder.index_of(&session.article_path);
                } else {
                    remember(
                        &mut self.workspace.prefs.recent_files,
                        &session.article_path,
                    );
                }
                let from = self
                    .workspace
                    .session
                    .as_ref()
                    .map(|s| s.article_path.clone());
                self.view.switch_article(
                    from.as_deref(),
                    &session.article_path,
                    session.document.text(),
                );
                self.view.doc = DocView::default();
                self.view.doc.scroll_to(self.view.caret.head());
                self.workspace.session = Some(session);
                self.view.selection = Selection::None;
                self.view.entity_linking = None;
                self.offer_proposals(suggested);
            }
            Err(e) => {
                self.view.notice = Some(Notice {
                    text: e.to_string(),
                    is_error: true,
                })
            }
        }
    }

    /// Offers the open article's proposals: A's and B's spans when comparing, else the
    /// suggestions of the corpus's rules.
    fn offer_proposals(&mut self, suggested: Option<Vec<Proposal>>) {
        let Some(session) = &self.workspace.session else {
            self.workspace.review.clear();
            return;
        };
        let document = &session.document;
        // An article from elsewhere ends the comparison.
        if let Some(compare) = &self.workspace.compare {
            if adjudicate::article_id(&compare.folders, &session.article_path).is_none() {
                self.workspace.compare = None;
            }
        }
        if let Some(compare) = &mut self.workspace.compare {
            let folders = compare.folders.clone();
            match adjudicate::annotators(&folders, document, &session.article_path) {
                Ok(annotators) => {
                    let id =
                        adjudicate::article_id(&folders, &session.article_path).unwrap_or_default();
                    compare.count_article(&id, &annotators);
                    let [a, b] = &annotators;
                    let offered = crate::model::adjudication(a.annotations(), b.annotations());
                    self.workspace.review.offer(
                        &session.article_path,
                        "Adjudication",
                        offered,
                        false,
                    );
                }
                Err(problem) => {
                    compare.article = None;
                    self.workspace.review.clear();
                    self.view.notice = Some(Notice {
                        text: format!("Nothing to compare for this article: {problem}"),
                        is_error: true,
                    });
                }
            }
            return;
        }
        // The rules' suggestions, and the article's stored ones (added by the review from
        // the document, with this heading if there are no rules).
        let (offered, heading) = match &self.workspace.rules {
            Some(rules) => (
                suggested.unwrap_or_else(|| crate::suggest::suggest(rules, document)),
                "Suggestions",
            ),
            None => (Vec::new(), ""),
        };
        self.workspace
            .review
            .offer(&session.article_path, heading, offered, true);
    }

    /// Prepares the gold folder and opens it, comparing A and B.
    fn start_compare(&mut self, ctx: &egui::Context, folders: Folders) -> Result<(), String> {
        // Work that cannot be saved keeps the article open; that says why itself.
        if !guard::may_leave_article(&mut self.workspace, &mut self.view) {
            return Ok(());
        }
        let prepared = adjudicate::prepare(&folders)
            .map_err(|e| format!("Cannot compare: {e}"))
            .and_then(|prepared| {
                if prepared.articles > 0 {
                    return Ok(prepared);
                }
                let why: Vec<String> = prepared
                    .skipped
                    .iter()
                    .take(3)
                    .map(|(id, why)| format!("{id}: {why}"))
                    .collect();
                Err(format!(
                    "A and B have no article in common with the same text. {}",
                    why.join("; ")
                ))
            });
        // A refusal is shown in the dialog, where the folders are typed, as well.
        self.compare_dialog.error = prepared.as_ref().err().cloned();
        let prepared = prepared?;
        self.compare_dialog.open = false;
        self.workspace.session = None;
        self.workspace.review.clear();
        self.workspace.compare = Some(Compare::new(folders.clone(), prepared.skipped, ctx));
        self.open_folder(ctx, &folders.gold);
        Ok(())
    }

    /// Accepts the proposals `pick` chooses (with the speakers they link to), then selects
    /// the next proposal, so Enter after Enter works through them.
    fn accept(&mut self, pick: &Pick, relabel: Option<String>) -> Result<(), String> {
        let indexes = self.workspace.review.picked(pick, self.view.selection)?;
        let mut proposals = self.workspace.review.with_linked(&indexes);
        if let (Some(label), [index]) = (relabel, indexes.as_slice()) {
            let chosen = self.workspace.review.pending.get(*index).cloned();
            for p in &mut proposals {
                if chosen
                    .as_ref()
                    .is_some_and(|c| c.char_range == p.char_range && c.label == p.label)
                {
                    p.label = label.clone();
                }
            }
        }
        let first = indexes.first().copied().unwrap_or(0);
        let applied = self.workspace.edit(Command::Accept(proposals))?;
        self.after_review(first, applied.focus);
        Ok(())
    }

    /// After the proposal at `index` was taken or dropped: the next one is selected (if any
    /// is left), else the span made last.
    fn after_review(&mut self, index: usize, focus: Option<SpanId>) {
        if let Some(session) = &self.workspace.session {
            // The same document: the indexes stay.
            let _ = self.workspace.review.refresh(&session.document);
        }
        let pending = &self.workspace.review.pending;
        match pending
            .next_after(index, true)
            .and_then(|i| Some((i, pending.get(i)?)))
        {
            Some((next, proposal)) => {
                self.view.doc.scroll_to(proposal.char_range.start);
                self.view.selection = Selection::Proposal(next);
            }
            None => self.view.selection = focus.map_or(Selection::None, Selection::Span),
        }
    }

    /// A system file dialog, on its own thread so the window keeps painting.
    fn show_dialog(&mut self, ctx: &egui::Context, kind: DialogKind) {
        let start = self
            .workspace
            .session
            .as_ref()
            .and_then(|s| s.article_path.parent().map(Path::to_path_buf));
        let (title, ask) = match kind {
            DialogKind::OpenFolder => ("Open folder", Ask::Folder),
            DialogKind::CompareFolder(i) => (
                [
                    "Annotator A's folder",
                    "Annotator B's folder",
                    "Gold folder",
                ][i % 3],
                Ask::Folder,
            ),
            DialogKind::OpenArticle => (
                "Open article",
                Ask::File {
                    filters: article_filters(),
                },
            ),
            DialogKind::SaveSidecarAs => (
                "Save sidecar as",
                Ask::Save {
                    name: self
                        .workspace
                        .session
                        .as_ref()
                        .and_then(|s| s.sidecar_path.file_name())
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                },
            ),
        };
        self.dialog.ask(ctx, kind, title, ask, start.as_deref());
    }

    /// An import wrote articles into `into`: when that is the open folder, list them and
    /// use the labels the import added to its scheme.
    fn imported_into(&mut self, ctx: &egui::Context, into: &Path) {
        let same = |a: &Path, b: &Path| {
            a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
        };
        let Some(scheme_folder) = self
            .workspace
            .scheme_folder
            .clone()
            .filter(|f| same(f, into))
        else {
            return;
        };
        // Read spantag.ron and entities.ron again: the import may have extended them.
        self.workspace.scheme_folder = None;
        match self.workspace.folder.as_ref().map(|f| f.root.clone()) {
            Some(root) if same(&root, into) => self.open_folder(ctx, &root),
            _ => self.workspace.use_scheme_of(&scheme_folder),
        }
    }

    fn open_folder(&mut self, ctx: &egui::Context, root: &Path) {
        self.save_now();
        self.workspace.use_scheme_of(root);
        remember(&mut self.workspace.prefs.recent_folders, root);
        self.workspace.folder = Some(Folder::open(root, ctx));
    }

    /// Opens the next or previous article of the folder.
    fn step_article(&mut self, forward: bool) -> Result<(), String> {
        let folder = self
            .workspace
            .folder
            .as_ref()
            .ok_or("Open a folder to move between articles.")?;
        let next = folder.neighbour(forward).map(Path::to_path_buf);
        match next {
            Some(path) => {
                self.open(&path);
                Ok(())
            }
            None if forward => Err("This is the last article of the folder.".into()),
            None => Err("This is the first article of the folder.".into()),
        }
    }

    /// Carries out the queued commands. The only place the document changes.
    fn apply(&mut self, ctx: &egui::Context) {
        let commands = self.commands.take();
        let any = !commands.is_empty();
        for command in commands {
            let before = self.view.notice.clone();
            let acts = command.is_action();
            match self.apply_one(ctx, command) {
                // A hint about the last action is stale once another one works (unless that
                // one left a hint of its own).
                Ok(())
                    if acts
                        && self.view.notice == before
                        && before.is_some_and(|n| !n.is_error) =>
                {
                    self.view.notice = None
                }
                Ok(()) => {}
                Err(message) => {
                    self.view.notice = Some(Notice {
                        text: message,
                        is_error: false,
                    })
                }
            }
        }
        if any {
            let now = ctx.input(|i| i.time);
            self.view.sync_caret(&self.workspace, now);
        }
    }

    /// Carries out one command, by its kind; document edits end in [`Self::apply_edit`].
    fn apply_one(&mut self, ctx: &egui::Context, command: AppCommand) -> Result<(), String> {
        match command {
            AppCommand::ShowOpenDialog
            | AppCommand::ShowOpenFolderDialog
            | AppCommand::ShowSaveAsDialog
            | AppCommand::SaveCopyTo(_)
            | AppCommand::RetrySave
            | AppCommand::Resolve(_)
            | AppCommand::QuitWithoutSaving
            | AppCommand::OpenFolder(_)
            | AppCommand::NextArticle { .. }
            | AppCommand::DoneAndNext
            | AppCommand::Open(_)
            | AppCommand::ShowExport
            | AppCommand::ShowImport
            | AppCommand::KeepWindowOpen => self.apply_file(ctx, command),
            AppCommand::ToggleWholeWords
            | AppCommand::CancelLinking
            | AppCommand::ToggleLabelShown(_)
            | AppCommand::DismissNotice
            | AppCommand::Select(_)
            | AppCommand::NextProposal { .. }
            | AppCommand::ShowFind
            | AppCommand::FocusRegion { .. }
            | AppCommand::Find(FindAction::Close | FindAction::Step { .. })
            | AppCommand::StartLink
            | AppCommand::Reveal(_)
            | AppCommand::Cycle { .. }
            | AppCommand::MoveCaret { .. }
            | AppCommand::SelectSentence
            | AppCommand::SelectQuotation
            | AppCommand::OpenDetails
            | AppCommand::ToggleHelp
            | AppCommand::ToggleSourceEditor
            | AppCommand::CloseWindow => self.apply_view(ctx, command),
            AppCommand::ShowDashboard
            | AppCommand::ShowEntities
            | AppCommand::Corpus(_)
            | AppCommand::ShowCompare
            | AppCommand::StartCompare(_)
            | AppCommand::EndCompare => self.apply_window(ctx, command),
            AppCommand::Accept(_) | AppCommand::Reject => self.apply_review(command),
            AppCommand::StartEntityLink
            | AppCommand::LinkEntity(_)
            | AppCommand::NewEntity(_)
            | AppCommand::EditEntity { .. } => self.apply_entity(command),
            _ => self.apply_edit(command),
        }
    }

    /// Files and folders: the dialogs, opening, saving elsewhere, moving through the folder, closing.
    fn apply_file(&mut self, ctx: &egui::Context, command: AppCommand) -> Result<(), String> {
        match command {
            AppCommand::ShowOpenDialog => {
                self.show_dialog(ctx, DialogKind::OpenArticle);
                Ok(())
            }
            AppCommand::ShowOpenFolderDialog => {
                self.show_dialog(ctx, DialogKind::OpenFolder);
                Ok(())
            }
            AppCommand::ShowSaveAsDialog => {
                if self.workspace.session.is_none() {
                    return Err("Open an article first.".into());
                }
                self.show_dialog(ctx, DialogKind::SaveSidecarAs);
                Ok(())
            }
            AppCommand::SaveCopyTo(path) => {
                guard::save_copy_to(&mut self.workspace, &mut self.view, &path)?;
                self.asking_to_close = false;
                Ok(())
            }
            AppCommand::RetrySave => {
                let session = self
                    .workspace
                    .session
                    .as_mut()
                    .ok_or("Open an article first.")?;
                session.retry_save(&self.workspace.saver);
                Ok(())
            }
            AppCommand::Resolve(resolution) => {
                guard::resolve_conflict(&mut self.workspace, &mut self.view, resolution)
            }
            AppCommand::QuitWithoutSaving => {
                self.quitting = true;
                self.asking_to_close = false;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                Ok(())
            }
            AppCommand::OpenFolder(root) => {
                self.workspace.compare = None;
                self.open_folder(ctx, &root);
                Ok(())
            }
            AppCommand::NextArticle { forward } => self.step_article(forward),
            AppCommand::DoneAndNext => {
                self.workspace
                    .edit(Command::SetStatus(crate::model::Status::Done))?;
                self.save_now();
                self.step_article(true)
                    .map_err(|_| "Marked done. That was the last article of the folder.".into())
            }
            AppCommand::Open(path) => {
                self.open(&path);
                Ok(())
            }
            AppCommand::ShowExport => {
                let session = self
                    .workspace
                    .session
                    .as_ref()
                    .ok_or("Open an article to export it.")?;
                let article = session.article_path.clone();
                self.export.open_for(&article);
                Ok(())
            }
            AppCommand::ShowImport => {
                let folder = self.workspace.folder.as_ref().map(|f| f.root.clone());
                self.import.open_with(folder.as_deref());
                Ok(())
            }
            AppCommand::KeepWindowOpen => {
                self.asking_to_close = false;
                Ok(())
            }
            other => self.apply_edit(other),
        }
    }

    /// The view: selection, snapping, the notice, find, the pickers, the span list's filter.
    fn apply_view(&mut self, ctx: &egui::Context, command: AppCommand) -> Result<(), String> {
        match command {
            AppCommand::ToggleWholeWords => {
                self.view.whole_words = !self.view.whole_words;
                Ok(())
            }
            AppCommand::CancelLinking => {
                self.view.linking = None;
                self.view.entity_linking = None;
                Ok(())
            }
            AppCommand::ToggleLabelShown(label) => {
                let hidden = &mut self.view.hidden_labels;
                match hidden.iter().position(|h| *h == label) {
                    Some(i) => {
                        hidden.remove(i);
                    }
                    None => hidden.push(label),
                }
                Ok(())
            }
            AppCommand::DismissNotice => {
                self.view.notice = None;
                Ok(())
            }
            AppCommand::Select(selection) => {
                // While linking, clicking a span of the right label picks it.
                if let (Some(linking), Selection::Span(id)) = (&self.view.linking, selection) {
                    if id != linking.from && self.is_link_target(id) {
                        return self.apply_one(ctx, AppCommand::LinkTo(id));
                    }
                }
                self.view.selection = selection;
                Ok(())
            }
            AppCommand::NextProposal { forward } => {
                let pending = &self.workspace.review.pending;
                let next = match self.view.selection {
                    Selection::Proposal(i) => pending.next_after(i, forward),
                    Selection::Text { head, .. } => pending.next_from(head, forward),
                    Selection::Span(id) => {
                        let start = self
                            .workspace
                            .session
                            .as_ref()
                            .and_then(|s| s.document.annotations().get(id))
                            .map_or(0, |s| s.start);
                        pending.next_from(start, forward)
                    }
                    Selection::None => pending.next_from(0, forward),
                };
                let (next, start) = next
                    .and_then(|i| Some((i, pending.get(i)?.char_range.start)))
                    .ok_or("Nothing is proposed for this article.")?;
                self.view.doc.scroll_to(start);
                self.view.selection = Selection::Proposal(next);
                Ok(())
            }
            AppCommand::FocusRegion { forward } => {
                let next = focus::Regions::get(ctx).next(ctx, DocView::id(), forward);
                if let Some(id) = next {
                    ctx.memory_mut(|m| m.request_focus(id));
                }
                Ok(())
            }
            AppCommand::ShowFind => {
                if self.workspace.session.is_none() {
                    return Ok(());
                }
                match &mut self.view.find {
                    Some(find) => find.focus(),
                    None => self.view.find = Some(FindBar::new(&self.workspace.scheme)),
                }
                Ok(())
            }
            AppCommand::Find(FindAction::Close) => {
                self.view.find = None;
                Ok(())
            }
            AppCommand::Find(FindAction::Step { forward }) => {
                let found = self.view.find.as_mut().and_then(|f| f.step(forward));
                let range = found.ok_or("No matches.")?;
                self.view.doc.scroll_to(range.start);
                // The match is selected, so a label key tags it.
                self.view.selection = Selection::Text {
                    anchor: range.start,
                    head: range.end,
                };
                Ok(())
            }
            AppCommand::StartLink => {
                let Selection::Span(from) = self.view.selection else {
                    return Err("Select a quote or claim, then press R to link its speaker.".into());
                };
                let label = self
                    .workspace
                    .session
                    .as_ref()
                    .and_then(|s| s.document.annotations().get(from))
                    .map(|s| s.label.clone())
                    .ok_or("Select a span first.")?;
                let kind = self
                    .workspace
                    .scheme
                    .relations
                    .iter()
                    .find(|r| r.from.contains(&label))
                    .ok_or(format!(
                        "A {label} cannot be linked to anything in this scheme."
                    ))?;
                self.view.linking = Some(Linking {
                    from,
                    kind: kind.name.clone(),
                    query: String::new(),
                });
                Ok(())
            }
            AppCommand::Reveal(id) => {
                self.reveal(id);
                self.caret_to_span_start(id);
                Ok(())
            }
            AppCommand::Cycle { forward } => {
                self.cycle(forward);
                Ok(())
            }
            AppCommand::MoveCaret { motion, extend } => self.move_caret(motion, extend),
            AppCommand::SelectSentence => self.select_around(
                selection::sentence_around,
                "No sentence at the caret: it is on a blank line.",
            ),
            AppCommand::SelectQuotation => self.select_around(
                selection::quote_around,
                "The caret is in no quotation (\"…\", “…”, «…», „…“).",
            ),
            AppCommand::OpenDetails => {
                let Selection::Span(_) = self.view.selection else {
                    return Err("Select a span first (Tab goes to the next one).".into());
                };
                self.view.note_focus = true;
                Ok(())
            }
            AppCommand::ToggleHelp => {
                self.view.help_open = !self.view.help_open;
                Ok(())
            }
            AppCommand::ToggleSourceEditor => {
                if self.workspace.session.is_none() {
                    return Err("Open an article first.".into());
                }
                self.view.source.toggle();
                Ok(())
            }
            AppCommand::CloseWindow => {
                if self.view.help_open {
                    self.view.help_open = false;
                } else if self.import.open {
                    self.import.close();
                } else if self.export.open {
                    self.export.close();
                } else if self.compare_dialog.open {
                    self.compare_dialog.open = false;
                } else if self.view.source.editing {
                    self.view.source.close();
                } else {
                    self.view.find = None;
                }
                Ok(())
            }
            other => self.apply_edit(other),
        }
    }

    /// The windows over the document: dashboard, corpus view, compare.
    fn apply_window(&mut self, ctx: &egui::Context, command: AppCommand) -> Result<(), String> {
        match command {
            AppCommand::ShowDashboard => {
                let folder = match (&self.workspace.folder, &self.workspace.session) {
                    (Some(folder), _) => folder.root.clone(),
                    (None, Some(session)) => {
                        crate::store::walk::scheme_folder(&session.article_path)
                    }
                    (None, None) => return Err("Open a folder or an article first.".into()),
                };
                // Counting reads the sidecars: write what is in memory first.
                self.save_now();
                self.dashboard = Some(Dashboard::open(&folder, ctx));
                Ok(())
            }
            AppCommand::ShowEntities => {
                let root = self
                    .workspace
                    .corpus_root()
                    .map(Path::to_path_buf)
                    .ok_or("Open a folder or an article first.")?;
                let entities = self.workspace.entities.clone().ok_or_else(|| {
                    self.workspace
                        .entities_problem
                        .clone()
                        .unwrap_or_else(|| "entities.ron cannot be used".into())
                })?;
                // The index reads sidecars: write what is in memory first.
                self.save_now();
                self.corpus_view = Some(CorpusView::open(&root, &entities, ctx));
                Ok(())
            }
            AppCommand::Corpus(action) => self.apply_corpus(ctx, action),
            AppCommand::ShowCompare => {
                self.compare_dialog.open = true;
                Ok(())
            }
            AppCommand::StartCompare(folders) => self.start_compare(ctx, folders),
            AppCommand::EndCompare => {
                self.workspace.compare = None;
                self.offer_proposals(None);
                Ok(())
            }
            other => self.apply_edit(other),
        }
    }

    /// Deciding proposals.
    fn apply_review(&mut self, command: AppCommand) -> Result<(), String> {
        match command {
            AppCommand::Accept(pick) => self.accept(&pick, None),
            AppCommand::Reject => {
                let index = self
                    .workspace
                    .review
                    .current(self.view.selection)
                    .ok_or("Select a proposal first: click its dashed outline, or press N.")?;
                // A stored suggestion's rejection is an undoable, saved edit; a rule's is
                // remembered until the app closes.
                match self.workspace.review.suggestion_of(index) {
                    Some(suggestion) => {
                        self.workspace
                            .edit(Command::RejectSuggestion { index: suggestion })?;
                    }
                    None => self.workspace.review.reject(index),
                }
                self.after_review(index, None);
                Ok(())
            }
            other => self.apply_edit(other),
        }
    }

    /// Linking spans to the corpus's entities, and editing those.
    fn apply_entity(&mut self, command: AppCommand) -> Result<(), String> {
        match command {
            AppCommand::StartEntityLink => self.start_entity_link(),
            AppCommand::LinkEntity(entity) => {
                let linking = self
                    .view
                    .entity_linking
                    .take()
                    .ok_or("Press E on an actor or location first.")?;
                self.link_entity(linking.span, entity)
            }
            AppCommand::NewEntity(name) => {
                let linking = self
                    .view
                    .entity_linking
                    .clone()
                    .ok_or("Press E on an actor or location first.")?;
                if let Some(reason) = self
                    .workspace
                    .session
                    .as_ref()
                    .and_then(|s| s.read_only.as_ref())
                {
                    return Err(format!("This article is read-only. {reason}"));
                }
                let broken = self.workspace.entities_broken();
                let entities = self.workspace.entities.as_mut().ok_or(broken)?;
                let id = entities
                    .create(&name, &linking.label)
                    .map_err(|e| format!("No entity made: {e}."))?;
                self.view.entity_linking = None;
                let saved = self.save_entities();
                self.link_entity(linking.span, id)?;
                if let Err(problem) = saved {
                    self.view.notice = Some(Notice {
                        text: format!("{problem} (the new entity is kept until the app closes)"),
                        is_error: true,
                    });
                }
                Ok(())
            }
            AppCommand::EditEntity { id, edit } => {
                let broken = self.workspace.entities_broken();
                let entities = self.workspace.entities.as_mut().ok_or(broken)?;
                match edit {
                    EntityEdit::External { base, value } => {
                        entities.set_external(&id, &base, &value)
                    }
                    EntityEdit::AddAlias(alias) => entities.add_alias(&id, &alias),
                }
                .map_err(|e| format!("Entity not changed: {e}."))?;
                self.save_entities()
            }
            other => self.apply_edit(other),
        }
    }

    /// The commands that change the document: each becomes a [`Command`] applied through
    /// [`Workspace::edit`]; the span it leaves in focus is selected and shown.
    fn apply_edit(&mut self, command: AppCommand) -> Result<(), String> {
        let edit = match command {
            AppCommand::SetCitation { field, value } => {
                // Typing the source details leaves the selection in the text alone.
                self.workspace.edit(Command::SetCitation { field, value })?;
                return Ok(());
            }
            AppCommand::Find(FindAction::TagAll(label)) => {
                let session = self
                    .workspace
                    .session
                    .as_ref()
                    .ok_or("Open an article first.")?;
                let text = session.document.text();
                let ranges = self
                    .view
                    .find
                    .as_ref()
                    .map(|f| {
                        f.matches
                            .iter()
                            .map(|r| select::snap_to_graphemes(text, r.clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                Command::TagMany {
                    char_ranges: ranges,
                    attrs: self.workspace.scheme.defaults(&label),
                    label,
                }
            }
            AppCommand::ApplyLabel(label) => match self.view.selection {
                Selection::Proposal(_) => return self.accept(&Pick::Current, Some(label)),
                Selection::Span(id) => Command::Retag { id, label },
                Selection::Text { .. } => {
                    let session = self
                        .workspace
                        .session
                        .as_ref()
                        .ok_or("Open an article first.")?;
                    let range = self
                        .view
                        .selection
                        .text_range()
                        .and_then(|r| {
                            select::snapped(session.document.text(), r, self.view.whole_words)
                        })
                        .ok_or("Select some text to tag (only whitespace is selected).")?;
                    Command::Tag {
                        char_range: range,
                        attrs: self.workspace.scheme.defaults(&label),
                        label,
                    }
                }
                Selection::None => return Err("Select some text or a span first.".into()),
            },
            AppCommand::RemoveSelected => match self.view.selection {
                Selection::Span(id) => Command::Remove { id },
                _ => return Err("Select a span to remove it.".into()),
            },
            AppCommand::Remove(id) => Command::Remove { id },
            AppCommand::KeepVersion { span, side } => Command::ResolveConflict { span, side },
            AppCommand::Attach(id) => {
                let session = self
                    .workspace
                    .session
                    .as_ref()
                    .ok_or("Open an article first.")?;
                let range = self
                    .view
                    .selection
                    .text_range()
                    .and_then(|r| {
                        select::snapped(session.document.text(), r, self.view.whole_words)
                    })
                    .ok_or("Select the text this span belongs to, then press Attach.")?;
                Command::Attach {
                    id,
                    char_range: range,
                }
            }
            AppCommand::SetNote { id, note } => Command::SetNote { id, note },
            AppCommand::Unlink(relation) => Command::Unlink { relation },
            AppCommand::LinkTo(to) => {
                let linking = self
                    .view
                    .linking
                    .take()
                    .ok_or("Press R on a quote or claim first.")?;
                Command::Link {
                    from: linking.from,
                    to,
                    kind: linking.kind,
                }
            }
            AppCommand::SetAttr { id, name, value } => {
                // A value the scheme does not declare (imported) can be cleared, never typed.
                if let Some(value) = &value {
                    let (_, attribute) = self.workspace.span_attribute(id, &name)?;
                    attribute
                        .kind
                        .check(value)
                        .map_err(|why| format!("{name} not set: {why}."))?;
                }
                Command::SetAttr { id, name, value }
            }
            AppCommand::AttrKey(name) => {
                let Selection::Span(id) = self.view.selection else {
                    return Err("Select a span first.".into());
                };
                let (span, attribute) = self.workspace.span_attribute(id, &name)?;
                match attribute
                    .kind
                    .step(span.attrs.get(&name).map(String::as_str))
                {
                    Some(value) => Command::SetAttr { id, name, value },
                    None => {
                        // A number or text is typed: its field takes the keyboard.
                        self.view.attr_focus = Some(name);
                        return Ok(());
                    }
                }
            }
            AppCommand::UnlinkEntity(id) => Command::SetEntity {
                ids: vec![id],
                entity: None,
            },
            AppCommand::Undo => Command::Undo,
            AppCommand::Redo => Command::Redo,
            other => return Err(format!("Not an edit: {other:?}")),
        };
        let applied = self.workspace.edit(edit)?;
        self.view.selection = match applied.focus {
            Some(id) => Selection::Span(id),
            None => Selection::None,
        };
        if let Some(id) = applied.focus {
            self.reveal(id);
        }
        Ok(())
    }

    /// E on the selected span: opens the entity picker, or says why it cannot.
    fn start_entity_link(&mut self) -> Result<(), String> {
        let Selection::Span(id) = self.view.selection else {
            return Err(
                "Select an actor or location, then press E to link it to an entity.".into(),
            );
        };
        let session = self
            .workspace
            .session
            .as_ref()
            .ok_or("Open an article first.")?;
        let span = session
            .document
            .annotations()
            .get(id)
            .ok_or("Select a span first.")?;
        if !self.workspace.scheme.is_entity_label(&span.label) {
            let entity_labels: Vec<&str> = self
                .workspace
                .scheme
                .labels
                .iter()
                .filter(|l| l.entity)
                .map(|l| l.name.as_str())
                .collect();
            return Err(match entity_labels.as_slice() {
                [] => "This scheme has no entity labels: nothing links to an entity.".into(),
                labels => format!(
                    "A {} is not linked to entities; only {} spans are.",
                    span.label,
                    labels.join(" and ")
                ),
            });
        }
        if self.workspace.entities.is_none() {
            return Err(self.workspace.entities_broken());
        }
        if let Some(reason) = &session.read_only {
            return Err(format!("This article is read-only. {reason}"));
        }
        self.view.entity_linking = Some(EntityLinking {
            span: id,
            label: span.label.clone(),
            query: String::new(),
        });
        Ok(())
    }

    /// Links a span to an entity (one undo step), then offers the entity's other mentions
    /// in the article as proposals, so linking them all is one more decision.
    fn link_entity(&mut self, span: SpanId, entity: String) -> Result<(), String> {
        self.workspace.edit(Command::SetEntity {
            ids: vec![span],
            entity: Some(entity.clone()),
        })?;
        self.view.selection = Selection::Span(span);
        let (Some(session), Some(found)) = (
            &self.workspace.session,
            self.workspace
                .entities
                .as_ref()
                .and_then(|e| e.get(&entity)),
        ) else {
            return Ok(());
        };
        let offered = crate::suggest::entity_mentions(&session.document, found);
        if offered.is_empty() {
            return Ok(());
        }
        let (count, name) = (offered.len(), found.name.clone());
        self.workspace.review.add(&session.article_path, offered);
        let _ = self.workspace.review.refresh(&session.document);
        self.view.notice = Some(Notice {
            text: format!(
                "{count} more mention(s) of {name} proposed: N goes through them, Enter links \
                 one, X drops it, \"Accept all links to {name}\" links them all."
            ),
            is_error: false,
        });
        Ok(())
    }

    /// Whether a span may end the link being made.
    fn is_link_target(&self, id: SpanId) -> bool {
        let (Some(linking), Some(session)) = (&self.view.linking, &self.workspace.session) else {
            return false;
        };
        let Some(span) = session.document.annotations().get(id) else {
            return false;
        };
        self.workspace
            .scheme
            .relations
            .iter()
            .any(|r| r.name == linking.kind && r.to.contains(&span.label))
    }

    fn reveal(&mut self, id: SpanId) {
        let Some(span) = self
            .workspace
            .session
            .as_ref()
            .and_then(|s| s.document.annotations().get(id))
        else {
            return;
        };
        if !span.is_orphaned() {
            self.view.doc.scroll_to(span.start);
        }
        self.view.selection = Selection::Span(id);
    }

    /// Puts the caret at a span's start (Tab, a click in the span list).
    fn caret_to_span_start(&mut self, id: SpanId) {
        if let Some(session) = &self.workspace.session {
            if let Some(span) = session.document.annotations().get(id) {
                self.view.caret = Caret::at(session.document.text(), span.start);
            }
        }
    }

    /// An arrow, Home/End or Page key: moves the caret, or with Shift its head. Extending
    /// from a selected span or proposal starts from its range, so its edges can be
    /// adjusted; the view follows the head.
    fn move_caret(&mut self, motion: Motion, extend: bool) -> Result<(), String> {
        let session = self
            .workspace
            .session
            .as_ref()
            .ok_or("Open an article first.")?;
        let text = session.document.text();
        let range = match self.view.selection {
            Selection::Span(id) => session
                .document
                .annotations()
                .get(id)
                .map(|s| s.char_range()),
            Selection::Proposal(i) => self
                .workspace
                .review
                .pending
                .get(i)
                .map(|p| p.char_range.clone()),
            _ => None,
        };
        let forward = matches!(
            motion,
            Motion::CharRight
                | Motion::WordRight
                | Motion::LineEnd
                | Motion::TextEnd
                | Motion::RowDown
                | Motion::RowEnd
                | Motion::PageDown
        );
        let from = match range.filter(|_| extend) {
            Some(r) if forward => Caret::new(text, r.start, r.end),
            Some(r) => Caret::new(text, r.end, r.start),
            None => self.view.caret,
        };
        let rows = self.view.doc.rows(text);
        let caret = if extend {
            from.extended(text, &rows, motion)
        } else {
            from.moved(text, &rows, motion)
        };
        self.set_caret(caret);
        Ok(())
    }

    /// Makes `caret` the caret and the selection, and brings its head into view.
    fn set_caret(&mut self, caret: Caret) {
        self.view.caret = caret;
        self.view.selection = Selection::Text {
            anchor: caret.anchor(),
            head: caret.head(),
        };
        self.view.doc.scroll_to(caret.head());
    }

    /// Selects what `find` finds around the caret (a sentence, a quotation), the head at
    /// its end; `missing` says why when there is nothing.
    fn select_around(
        &mut self,
        find: fn(&crate::model::Text, usize) -> Option<std::ops::Range<usize>>,
        missing: &str,
    ) -> Result<(), String> {
        let session = self
            .workspace
            .session
            .as_ref()
            .ok_or("Open an article first.")?;
        let text = session.document.text();
        let range = find(text, self.view.caret.head()).ok_or(missing)?;
        let caret = Caret::new(text, range.start, range.end);
        self.set_caret(caret);
        Ok(())
    }

    fn cycle(&mut self, forward: bool) {
        let Some(session) = &self.workspace.session else {
            return;
        };
        let spans: Vec<_> = session
            .document
            .annotations()
            .spans()
            .iter()
            .filter(|s| !s.is_orphaned())
            .collect();
        if spans.is_empty() {
            return;
        }
        let current = match self.view.selection {
            Selection::Span(id) => spans.iter().position(|s| s.id == id),
            _ => None,
        };
        let next = match (current, forward) {
            (Some(i), true) => (i + 1) % spans.len(),
            (Some(i), false) => (i + spans.len() - 1) % spans.len(),
            (None, true) => 0,
            (None, false) => spans.len() - 1,
        };
        let id = spans[next].id;
        self.reveal(id);
        self.caret_to_span_start(id);
    }

    /// Keys, as the keymap ([`super::keymap::KEYMAP`]) binds them: each chord is tried
    /// most modifiers first, and sends its command when its context holds. The scheme's
    /// label and attribute keys come after the table, so O and T (a conflict's sides)
    /// win over them only while the selected span has a conflict.
    fn handle_keys(&mut self, ctx: &egui::Context) {
        use super::keymap::{in_match_order, Action, Cmd, When};
        let typing = ctx.text_edit_focused();
        if self.view.was_typing && !typing && !self.modal_open() {
            // The Esc that took the keyboard out of a text field is the field's (in a
            // dialog, Esc closes the dialog from any of its fields).
            let esc = KeyboardShortcut::new(Modifiers::NONE, Key::Escape);
            if ctx.input_mut(|i| i.consume_shortcut(&esc)) && self.view.source.field_focused {
                // Esc in a field of the source editor also closes it.
                self.view.source.close();
            }
        }
        // Plain keys act on the document only while no dialog is open and no other control
        // (a toolbar button reached with F6, a tool window's field) has the keyboard.
        let document = !typing
            && self.view.linking.is_none()
            && self.view.entity_linking.is_none()
            && self.workspace.session.is_some()
            && self.keys_reach_document(ctx);
        let span = match self.view.selection {
            Selection::Span(id) => Some(id),
            _ => None,
        };
        let proposals = !self.workspace.review.pending.is_empty();
        let window = self.view.help_open
            || self.import.open
            || self.export.open
            || self.compare_dialog.open
            || ((self.view.find.is_some() || self.view.source.editing) && !typing);
        let applies = |when: When| match when {
            When::Always => true,
            When::Window => window,
            When::Document => document,
            When::Proposals => document && proposals,
            When::Span => document && span.is_some(),
            When::SpanNoProposals => document && span.is_some() && !proposals,
            When::Conflict => document && span.is_some_and(|s| self.workspace.conflicts.has(s)),
        };
        let mut commands = Vec::new();
        for &(binding, chord, extend) in in_match_order() {
            if !applies(binding.when) {
                continue;
            }
            let shortcut = KeyboardShortcut::new(chord.modifiers, chord.key);
            if !ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                continue;
            }
            commands.push(match binding.action {
                Action::Caret(motion) => AppCommand::MoveCaret { motion, extend },
                Action::Command(Cmd::KeepOurs) => AppCommand::KeepVersion {
                    span: span.unwrap_or_default(),
                    side: Side::Ours,
                },
                Action::Command(Cmd::TakeTheirs) => AppCommand::KeepVersion {
                    span: span.unwrap_or_default(),
                    side: Side::Theirs,
                },
                Action::Command(cmd) => match cmd.command() {
                    Some(command) => command,
                    None => continue,
                },
                Action::Label | Action::Attribute => continue,
            });
        }
        for command in commands {
            self.send(command);
        }
        if !document {
            return;
        }
        for label in &self.workspace.scheme.labels {
            if let Some(key) = Key::from_name(&label.key) {
                let shortcut = KeyboardShortcut::new(Modifiers::NONE, key);
                if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                    self.sender.send(AppCommand::ApplyLabel(label.name.clone()));
                }
            }
        }
        // The selected span's attribute keys; a label key with the same letter wins (the
        // scheme refuses such a clash, so this only guards a hand-built scheme).
        for name in self.attribute_keys_pressed(ctx) {
            self.send(AppCommand::AttrKey(name));
        }
    }

    /// The attributes of the selected span's label whose keys were pressed (consumed).
    fn attribute_keys_pressed(&self, ctx: &egui::Context) -> Vec<String> {
        let Selection::Span(id) = self.view.selection else {
            return Vec::new();
        };
        let Some(label) = self
            .workspace
            .session
            .as_ref()
            .and_then(|s| s.document.annotations().get(id))
            .and_then(|span| self.workspace.scheme.label(&span.label))
        else {
            return Vec::new();
        };
        label
            .attributes
            .iter()
            .filter_map(|a| {
                let letter = a.key.as_deref()?;
                if self.workspace.scheme.label_for_key(letter).is_some() {
                    return None;
                }
                let key = Key::from_name(letter)?;
                let shortcut = KeyboardShortcut::new(Modifiers::NONE, key);
                ctx.input_mut(|i| i.consume_shortcut(&shortcut))
                    .then(|| a.name.clone())
            })
            .collect()
    }

    /// What the corpus view asked for. Renames and merges write `entities.ron`; a merge
    /// changes the open article through an undoable command and every other sidecar on
    /// disk ([`crate::store::entity_index::merge`]), then the view's index is rebuilt.
    fn apply_corpus(&mut self, ctx: &egui::Context, action: CorpusAction) -> Result<(), String> {
        match action {
            CorpusAction::OpenSpan { article, span } => {
                let open = self
                    .workspace
                    .session
                    .as_ref()
                    .map(|s| s.article_path.clone());
                if open.as_deref() != Some(article.as_path()) {
                    self.open(&article);
                }
                let opened = self
                    .workspace
                    .session
                    .as_ref()
                    .map(|s| s.article_path.clone());
                if opened.as_deref() != Some(article.as_path()) {
                    // A book opens on another thread; its span is selected by hand.
                    return Ok(());
                }
                self.reveal(span);
                Ok(())
            }
            CorpusAction::Rename { .. } | CorpusAction::Merge { .. } if self.merging.is_some() => {
                Err("A merge is still rewriting the corpus; wait for it to finish.".into())
            }
            CorpusAction::Rename { id, name } => {
                let entities = self
                    .workspace
                    .entities
                    .as_mut()
                    .ok_or("entities.ron cannot be used; fix it first")?;
                entities.rename(&id, &name).map_err(|e| e.to_string())?;
                self.save_entities()?;
                self.rebuild_corpus_view(ctx);
                Ok(())
            }
            CorpusAction::Merge { gone, kept } => {
                let root = self
                    .workspace
                    .corpus_root()
                    .map(Path::to_path_buf)
                    .ok_or("Open a folder or an article first.")?;
                let mut entities = self
                    .workspace
                    .entities
                    .clone()
                    .ok_or("entities.ron cannot be used; fix it first")?;
                entities
                    .clone()
                    .merge(&gone, &kept)
                    .map_err(|e| e.to_string())?;
                // The open article changes in memory, undoably; the disk pass skips it.
                let mut skip = None;
                let writable = self
                    .workspace
                    .session
                    .as_ref()
                    .filter(|s| s.read_only.is_none());
                if let Some(session) = writable {
                    let ids: Vec<SpanId> = session
                        .document
                        .annotations()
                        .spans()
                        .iter()
                        .filter(|s| s.entity.as_deref() == Some(gone.as_str()))
                        .map(|s| s.id)
                        .collect();
                    skip = Some(session.article_path.clone());
                    if !ids.is_empty() {
                        self.workspace.edit(Command::SetEntity {
                            ids,
                            entity: Some(kept.clone()),
                        })?;
                    }
                }
                self.save_now();
                // Every other sidecar on another thread (thousands of atomic writes), with
                // a progress bar in the corpus view; entities.ron is written last.
                let job =
                    std::rc::Rc::new(super::job::Job::spawn(ctx, "the merge", move |progress| {
                        let report = crate::store::entity_index::merge(
                            &root,
                            &mut entities,
                            &gone,
                            &kept,
                            skip.as_deref(),
                            progress,
                        )?;
                        Ok((entities, report))
                    }));
                if let Some(view) = &mut self.corpus_view {
                    view.merging = Some(("Merging".into(), job.clone()));
                }
                self.merging = Some(job);
                Ok(())
            }
        }
    }

    /// Takes a finished merge: the merged entities, and a message of what it rewrote.
    fn poll_merging(&mut self, ctx: &egui::Context) {
        let Some(result) = self
            .merging
            .as_ref()
            .and_then(|job| super::corpus_view::finished(job))
        else {
            return;
        };
        self.merging = None;
        if let Some(view) = &mut self.corpus_view {
            view.merging = None;
        }
        let (text, is_error) = match result {
            Ok((entities, report)) => {
                let (gone, kept) = (&report.merged.gone, &report.merged.kept);
                let mut message = format!(
                    "Merged {gone} into {kept}: {} mentions in {} other articles.",
                    report.rewritten.spans(),
                    report.rewritten.files.len()
                );
                for problem in &report.rewritten.problems {
                    message.push_str(&format!("\nLeft as it is: {problem}"));
                }
                if let Some(view) = &mut self.corpus_view {
                    view.selected = Some(kept.clone());
                    view.message = Some(message.clone());
                }
                self.workspace.entities = Some(entities);
                (message, !report.rewritten.problems.is_empty())
            }
            Err(e) => (
                format!(
                    "The merge stopped ({e}): entities.ron is unchanged, and articles already \
                     rewritten refer to the kept entity, which exists. Merge again to finish."
                ),
                true,
            ),
        };
        self.rebuild_corpus_view(ctx);
        if is_error || self.corpus_view.is_none() {
            self.view.notice = Some(Notice { text, is_error });
        }
    }

    fn rebuild_corpus_view(&mut self, ctx: &egui::Context) {
        if let (Some(view), Some(entities)) = (&mut self.corpus_view, &self.workspace.entities) {
            view.rebuild(entities, ctx);
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = match &self.workspace.session {
            Some(s) => format!("{} — spantag", s.document.meta.file_name),
            None => "spantag".to_string(),
        };
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }
}

impl eframe::App for SpantagApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if let Some((kind, path)) = self.dialog.poll() {
            match kind {
                DialogKind::OpenFolder => self.send(AppCommand::OpenFolder(path)),
                DialogKind::OpenArticle => self.send(AppCommand::Open(path)),
                DialogKind::SaveSidecarAs => self.send(AppCommand::SaveCopyTo(path)),
                DialogKind::CompareFolder(i) => {
                    if let Some(field) = self.compare_dialog.fields.get_mut(i) {
                        *field = path.display().to_string();
                    }
                }
            }
        }
        // A folder scan that just finished opens the first article not yet done.
        if let Some(folder) = &mut self.workspace.folder {
            if folder.poll() {
                let open = self
                    .workspace
                    .session
                    .as_ref()
                    .map(|s| s.article_path.clone());
                match open.as_deref().and_then(|p| folder.index_of(p)) {
                    Some(index) => folder.current = Some(index),
                    None => {
                        if let Some(first) = folder.first_to_do() {
                            let first = first.to_path_buf();
                            self.send(AppCommand::Open(first));
                        }
                    }
                }
            }
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        // Any article kind opens (the store tells them apart); a folder opens as a folder.
        if let Some(path) = dropped.into_iter().next() {
            self.send(if path.is_dir() {
                AppCommand::OpenFolder(path)
            } else {
                AppCommand::Open(path)
            });
        }
        self.export.poll();
        if let Some(into) = self.import.poll() {
            self.imported_into(ctx, &into);
        }
        if let Some(compare) = &mut self.workspace.compare {
            compare.poll();
        }
        if let Some(session) = &self.workspace.session {
            // Suggestions offered afresh (the document was read again) renumber the
            // proposals: a selected one would now name another.
            if self.workspace.review.refresh(&session.document)
                && matches!(self.view.selection, Selection::Proposal(_))
            {
                self.view.selection = Selection::None;
            }
            self.workspace.conflicts.refresh(&session.document);
        }
        if let Some(dashboard) = &mut self.dashboard {
            dashboard.poll();
        }
        if let Some(view) = &mut self.corpus_view {
            view.set_open_article(
                self.workspace
                    .session
                    .as_ref()
                    .map(|s| s.article_path.as_path()),
            );
            view.poll(self.workspace.entities.as_ref(), ctx);
        }
        self.poll_merging(ctx);
        let results = self.workspace.saver.poll();
        if let Some(session) = &mut self.workspace.session {
            for result in results {
                session.on_saved(result);
            }
        }
        self.poll_opening();
        guard::poll_watcher(ctx, &mut self.workspace, &mut self.view);
        if guard::handle_close_request(ctx, &mut self.workspace, self.quitting) {
            self.asking_to_close = true;
        }
        self.close_focused_window(ctx);
        self.handle_keys(ctx);
        self.update_title(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        focus::Regions::begin_frame(ui.ctx());
        panels::toolbar(ui, &self.workspace, &self.view, &self.sender);
        panels::status_bar(ui, &self.workspace, &self.view);
        if let Some(folder) = &mut self.workspace.folder {
            let shown = egui::Panel::left("articles")
                .default_size(240.0)
                .resizable(true)
                .show(ui, |ui| folder.panel(ui));
            focus::Regions::set_rect(ui.ctx(), focus::Region::Articles, shown.response.rect);
            let action = shown.inner;
            match action {
                Some(PanelAction::Open(path)) => self.send(AppCommand::Open(path)),
                Some(PanelAction::MarkDoneAndNext) => self.send(AppCommand::DoneAndNext),
                None => {}
            }
        }
        panels::side_panel(ui, &self.workspace, &mut self.view, &self.sender);
        let central = egui::CentralPanel::default().show(ui, |ui| {
            // Errors stay above the text until dismissed; hints go to the status bar so
            // the text never jumps under the pointer.
            if let Some(notice) = self.view.notice.as_ref().filter(|n| n.is_error) {
                if panels::notice(ui, notice) {
                    self.send(AppCommand::DismissNotice);
                }
            }
            if let Some(opening) = &self.opening {
                panels::opening(ui, &opening.path, opening.job.progress().fraction_read());
            }
            guard::save_failure_banner(ui, &self.workspace, &self.sender);
            for problem in [
                &mut self.workspace.scheme_problem,
                &mut self.workspace.rules_problem,
                &mut self.workspace.entities_problem,
            ] {
                if let Some(text) = problem.clone() {
                    if panels::notice(
                        ui,
                        &Notice {
                            text,
                            is_error: true,
                        },
                    ) {
                        *problem = None;
                    }
                }
            }
            if let Some(session) = &self.workspace.session {
                self.view.source.show(ui, session, &self.sender);
            }
            if let (Some(find), Some(session)) = (&mut self.view.find, &self.workspace.session) {
                find.refresh(&session.document, self.workspace.entities.as_ref());
                if let Some(action) = find.show(ui, &self.workspace.scheme) {
                    self.send(AppCommand::Find(action));
                }
                ui.separator();
            }
            // The caret shows while the document has the keyboard.
            let caret_shown = !ui.ctx().text_edit_focused()
                && self.view.linking.is_none()
                && self.view.entity_linking.is_none();
            match &self.workspace.session {
                Some(session) => {
                    let (highlights, current) = match &self.view.find {
                        Some(find) => (find.matches.as_slice(), find.current),
                        None => (&[][..], None),
                    };
                    let output = self.view.doc.show(
                        ui,
                        ViewInput {
                            document: &session.document,
                            scheme: &self.workspace.scheme,
                            selection: self.view.selection,
                            whole_words: self.view.whole_words,
                            highlights,
                            current_highlight: current,
                            proposals: &self.workspace.review.pending,
                            entities: self.workspace.entities.as_ref(),
                            conflicted: &self.workspace.conflicts.spans,
                            caret: self.view.caret,
                            caret_shown,
                            caret_idle: ui.input(|i| i.time) - self.view.caret_moved_at,
                        },
                    );
                    if let Some(char_pos) = output.clicked_char {
                        let text = session.document.text();
                        self.view.caret = Caret::at(text, char_pos);
                        self.view.caret_moved_at = ui.input(|i| i.time);
                    }
                    if let Some(selection) = output.selection {
                        self.send(AppCommand::Select(selection));
                    }
                }
                None => panels::welcome(ui, self.dialog.is_open()),
            }
        });
        focus::Regions::set_rect(ui.ctx(), focus::Region::Document, central.response.rect);
        if self.workspace.session.is_some() {
            focus::Regions::set_first(ui.ctx(), focus::Region::Document, DocView::id());
        }
        // Keys reach the document unless a text field has focus: the text takes focus
        // when nothing else has it, and keeps Tab, arrows and Esc from egui's focus
        // navigation while it has it.
        let ctx = ui.ctx().clone();
        // Not while a dialog is open: its controls take Tab.
        let doc_focus = ctx.memory(|m| m.focused().is_none_or(|id| id == DocView::id()));
        if self.workspace.session.is_some() && doc_focus && !self.modal_open() {
            ctx.memory_mut(|m| {
                m.request_focus(DocView::id());
                m.set_focus_lock_filter(
                    DocView::id(),
                    egui::EventFilter {
                        tab: true,
                        horizontal_arrows: true,
                        vertical_arrows: true,
                        escape: true,
                    },
                );
            });
        }
        if self.view.help_open {
            self.view.help_open = super::keymap::help_window(&ctx, &self.workspace.scheme);
        }
        panels::link_picker(&ctx, &self.workspace, &mut self.view, &self.sender);
        panels::entity_picker(&ctx, &self.workspace, &mut self.view, &self.sender);
        guard::conflict_modal(&ctx, &self.workspace, &self.sender);
        guard::close_modal(&ctx, &self.workspace, self.asking_to_close, &self.sender);
        if let Some(dashboard) = &mut self.dashboard {
            dashboard.show(&ctx, &self.workspace.scheme);
            if std::mem::take(&mut dashboard.wants_entities) {
                self.sender.send(AppCommand::ShowEntities);
            }
            if !dashboard.open {
                self.dashboard = None;
            }
        }
        if let Some(view) = &mut self.corpus_view {
            if let Some(action) = view.show(&ctx, self.workspace.entities.as_ref()) {
                self.sender.send(AppCommand::Corpus(action));
            }
            if !view.open {
                self.corpus_view = None;
            }
        }
        match self.compare_dialog.show(&ctx) {
            Some(DialogAction::Choose(i)) => self.show_dialog(&ctx, DialogKind::CompareFolder(i)),
            Some(DialogAction::Start(folders)) => self.send(AppCommand::StartCompare(folders)),
            None => {}
        }
        if let Some(folder) = self.import.show(&ctx) {
            self.import.close();
            self.send(AppCommand::OpenFolder(folder));
        }
        let article = self
            .workspace
            .session
            .as_ref()
            .map(|s| s.article_path.clone());
        self.export.show(&ctx, article.as_deref());
        if let Some(article) = article.filter(|_| self.export.take_start_request()) {
            // The export reads sidecars from disk: write what is in memory first.
            self.save_now();
            self.export.start(
                &ctx,
                &article,
                &self.workspace.scheme,
                self.workspace.entities.as_ref(),
            );
        }
        self.view.was_typing = ctx.text_edit_focused();
        self.apply(&ctx);
        focus::ring(&ctx, DocView::id());
        self.focus_layer = ctx
            .memory(|m| m.focused())
            .and_then(|id| ctx.read_response(id))
            .map(|r| r.layer_id);
        if let Some(session) = &mut self.workspace.session {
            let now = ctx.input(|i| i.time);
            if let Some(wait) = session.autosave(now, &self.workspace.saver) {
                ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait));
            }
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.workspace.prefs.exact_characters = !self.view.whole_words;
        eframe::set_value(storage, PREFS_KEY, &self.workspace.prefs);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.save_now();
    }
}

#[cfg(test)]
mod tests {
    use super::article_filters;

    #[test]
    fn the_open_dialog_offers_every_article_kind_together_then_each_alone() {
        let filters = article_filters();
        let names: Vec<&str> = filters.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Articles",
                "Web pages (html, htm)",
                "PDF (pdf)",
                "Word (docx)",
                "E-mail (eml)",
                "Markdown (md, markdown)",
                "Text (txt)",
                "All files"
            ]
        );
        assert_eq!(
            filters[0].1,
            ["txt", "html", "htm", "pdf", "docx", "eml", "md", "markdown"]
        );
    }
}
