//! What the UI can ask for, and how it asks.
//!
//! Panels, dialogs and keys never change the workspace: they send an [`AppCommand`]
//! through a [`CommandSender`] (rerun's `UICommand` flow), and the app takes every command
//! sent during a frame from its [`CommandReceiver`] at the end of it and carries them out
//! in order ([`super::app::SpantagApp`]'s `apply`). The sender is shared (`&self`), so a
//! panel holds it next to read access to the state it draws.

use std::path::PathBuf;
use std::sync::mpsc;

use super::corpus_view::CorpusAction;
use super::doc_view::Selection;
use super::find::FindAction;
use crate::model::{Side, SpanId};
use crate::store::adjudicate::Folders;
use crate::store::Resolution;

/// Sends commands to the app from anywhere in the frame (panels, dialogs, keys).
#[derive(Clone)]
pub struct CommandSender(mpsc::Sender<AppCommand>);

/// The app's end: the commands sent since the last call, in order.
pub struct CommandReceiver(mpsc::Receiver<AppCommand>);

/// A connected sender and receiver.
pub fn command_channel() -> (CommandSender, CommandReceiver) {
    let (tx, rx) = mpsc::channel();
    (CommandSender(tx), CommandReceiver(rx))
}

impl CommandSender {
    /// Queues a command for the end of this frame.
    pub fn send(&self, command: AppCommand) {
        // The receiver lives as long as the app that handed out this sender.
        let _ = self.0.send(command);
    }
}

impl CommandReceiver {
    /// Every command sent so far, oldest first.
    pub fn take(&self) -> Vec<AppCommand> {
        self.0.try_iter().collect()
    }
}

/// Everything the UI can ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum AppCommand {
    /// Show the system file dialog (off the UI thread).
    ShowOpenDialog,
    /// Open the export dialog (File → Export…, Ctrl+E).
    ShowExport,
    /// Open the import dialog (File → Import…, Ctrl+I).
    ShowImport,
    /// Show the system folder dialog (off the UI thread).
    ShowOpenFolderDialog,
    /// Ask where to write a copy of the annotations (Ctrl+Shift+S), e.g. when the
    /// article's folder cannot be written.
    ShowSaveAsDialog,
    /// Write a copy of the annotations there.
    SaveCopyTo(PathBuf),
    /// Try the failed save again.
    RetrySave,
    /// Answer the question about a sidecar that changed on disk.
    Resolve(Resolution),
    /// Close the window although annotations are not saved (asked first).
    QuitWithoutSaving,
    OpenFolder(PathBuf),
    /// Open the next (or previous) article of the folder.
    NextArticle {
        forward: bool,
    },
    /// Mark the open article done and open the next one.
    DoneAndNext,
    Open(PathBuf),
    /// Tag the text selection with the label, or retag the selected span.
    ApplyLabel(String),
    RemoveSelected,
    /// Remove one span, selected or not (e.g. an orphan from the review list).
    Remove(SpanId),
    /// Put a span (an orphan from the review list) over the selected text.
    Attach(SpanId),
    /// Decide a merge conflict: the span becomes that side's version, or goes when that
    /// side deleted it (O, T, or the buttons under Needs review).
    KeepVersion {
        span: SpanId,
        side: Side,
    },
    Undo,
    Redo,
    Select(Selection),
    /// Move the caret (collapsing the selection), or with `extend` move only its head.
    MoveCaret {
        motion: crate::model::selection::Motion,
        extend: bool,
    },
    /// Select the sentence around the caret (Alt+S).
    SelectSentence,
    /// Select the quotation around the caret, inside its marks (Alt+Q).
    SelectQuotation,
    /// Put the keyboard in the selected span's note (Enter).
    OpenDetails,
    /// Show or hide the list of keys (F1, ?).
    ToggleHelp,
    /// Close the help, a dialog or the find bar (Esc).
    CloseWindow,
    /// Select a span and bring it into view.
    Reveal(SpanId),
    /// Select the next (or previous) span after the current selection.
    Cycle {
        forward: bool,
    },
    ToggleWholeWords,
    DismissNotice,
    SetNote {
        id: SpanId,
        note: String,
    },
    /// Start linking the selected span (R): the picker lists the targets.
    StartLink,
    /// Finish linking: the selected span to this one.
    LinkTo(SpanId),
    Unlink(u64),
    /// Close the entity or link picker without linking (Esc, Cancel).
    CancelLinking,
    /// Show (or hide) a label's spans in the span list.
    ToggleLabelShown(String),
    /// Keep the window open: the question about unsaved work was answered "Cancel".
    KeepWindowOpen,
    /// Open the find bar, or put the keyboard in it (Ctrl+F).
    ShowFind,
    /// Open (with the keyboard in its Title field) or close the editor of the article's
    /// source details above the text (Ctrl+Shift+I, "Edit source").
    ToggleSourceEditor,
    /// Set one field of the article's citation (typed in the source editor).
    SetCitation {
        field: crate::model::CitationField,
        value: String,
    },
    /// Put the keyboard on the first control of the next (or previous) part of the window:
    /// toolbar, articles, document, source header, side panel (F6, Shift+F6).
    FocusRegion {
        forward: bool,
    },
    /// Count the folder (or the article's folder) and chart it.
    ShowDashboard,
    /// Open the corpus view: entities, their mentions and who said what (Ctrl+Shift+E).
    ShowEntities,
    /// Carry out what the corpus view asks: open a span, rename or merge entities.
    Corpus(CorpusAction),
    Find(FindAction),
    /// Open File → Compare… (two annotators, one gold folder).
    ShowCompare,
    /// Prepare the gold folder and open it, offering A's and B's spans.
    StartCompare(Folders),
    /// Stop adjudicating: the gold folder stays open as an ordinary folder.
    EndCompare,
    /// Accept proposals: suggestions, or adjudication candidates.
    Accept(Pick),
    /// Reject the current proposal (X).
    Reject,
    /// Select the next (or previous) proposal (N, Shift+N).
    NextProposal {
        forward: bool,
    },
    /// Set (`None`: unset) an attribute of a span; checked against the scheme first.
    SetAttr {
        id: SpanId,
        name: String,
        value: Option<String>,
    },
    /// An attribute's key on the selected span: a choice steps to its next option, yes/no
    /// toggles, a number or text field takes the keyboard.
    AttrKey(String),
    /// Start linking the selected span to a corpus entity (E): the picker lists them.
    StartEntityLink,
    /// Link the span being linked to this entity, and propose its other mentions.
    LinkEntity(String),
    /// Make an entity of this name (the span's label) in `entities.ron` and link it.
    NewEntity(String),
    /// Refer the span to no entity.
    UnlinkEntity(SpanId),
    /// Change an entity of the corpus (written to `entities.ron`).
    EditEntity {
        id: String,
        edit: EntityEdit,
    },
}

impl AppCommand {
    /// Whether this is an action of the analyst's, after which a hint about the last one
    /// is stale: not so a panel closing or a list being filtered.
    pub fn is_action(&self) -> bool {
        !matches!(
            self,
            AppCommand::KeepWindowOpen
                | AppCommand::CancelLinking
                | AppCommand::ToggleLabelShown(_)
                | AppCommand::FocusRegion { .. }
        )
    }
}

/// A change to an entity of the corpus, from the details panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntityEdit {
    /// Set (empty: remove) an external id, e.g. `wikidata` → `Q40398`.
    External {
        base: String,
        value: String,
    },
    AddAlias(String),
}

/// Which proposals to accept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pick {
    /// The selected one, or the one at the caret (Enter).
    Current,
    /// Every one with the current one's label (Shift+Enter).
    SameLabel,
    /// Every one with this label.
    Label(String),
    /// Every proposed mention of this entity (by name): "Accept all links to …".
    Entity(String),
    /// Every span both annotators have (Shift+A).
    Agreed,
}
