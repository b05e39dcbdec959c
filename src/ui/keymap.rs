//! The keymap: one table of every key the app answers, and what reads it.
//!
//! [`KEYMAP`] is the only place a shortcut is defined. The app's key handling walks it
//! ([`super::app::SpantagApp`]'s `handle_keys`), the toolbar's buttons take their
//! shortcut text from it ([`keys_of`]), the help overlay (F1 or ?) lists it by [`Group`],
//! and the README's key table is checked against it ([`markdown_table`]). The scheme's
//! reserved keys ([`crate::model::RESERVED_KEYS`], in the pure core) are checked against
//! it by a test, so a new plain-letter key cannot be added here without reserving it.
//!
//! Each [`Binding`] says when it applies ([`When`]): some keys act anywhere (Ctrl+O),
//! most only while the document has the keyboard (no text field focused, no picker
//! open), some only with a span selected, proposals pending or a merge conflict on the
//! selected span. One chord may have two bindings only in contexts that exclude each
//! other (Enter accepts a proposal while any are pending, else opens a span's details),
//! or where the earlier one wins by table order (Esc closes a window before it clears
//! the selection).
//!
//! A caret binding ([`Action::Caret`]) also answers its chord with Shift added, which
//! extends the selection instead of moving the caret. Label and attribute keys come from
//! the scheme, not from this table: their rows here ([`Action::Label`],
//! [`Action::Attribute`]) have no chords and only describe them.
//!
//! Matching: egui matches Shift and Alt "at least" (Shift+Enter also matches a plain
//! Enter pattern) and Ctrl exactly, so chords are tried most modifiers first
//! ([`in_match_order`]).

use egui::{Key, Modifiers};

use super::command::{AppCommand, Pick};
use crate::model::selection::Motion;

/// A key with the modifiers held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chord {
    pub modifiers: Modifiers,
    pub key: Key,
}

const NONE: Modifiers = Modifiers::NONE;
const CTRL: Modifiers = Modifiers::COMMAND;
const SHIFT: Modifiers = Modifiers::SHIFT;
const ALT: Modifiers = Modifiers::ALT;
const CTRL_SHIFT: Modifiers = Modifiers::COMMAND.plus(Modifiers::SHIFT);

const fn chord(modifiers: Modifiers, key: Key) -> Chord {
    Chord { modifiers, key }
}

impl Chord {
    /// How the chord is written for the user: `Ctrl+Shift+E`, `Shift+←`, `?`.
    pub fn text(self) -> String {
        let mut text = String::new();
        if self.modifiers.command || self.modifiers.ctrl {
            text.push_str("Ctrl+");
        }
        if self.modifiers.alt {
            text.push_str("Alt+");
        }
        if self.modifiers.shift {
            text.push_str("Shift+");
        }
        text.push_str(key_name(self.key));
        text
    }

    /// The number of modifiers held: chords with more are tried first.
    fn specificity(self) -> usize {
        let m = self.modifiers;
        usize::from(m.command || m.ctrl) + usize::from(m.alt) + usize::from(m.shift)
    }

    /// The same chord with Shift held.
    pub fn with_shift(self) -> Chord {
        chord(self.modifiers.plus(SHIFT), self.key)
    }
}

/// A key's name as the user reads it.
fn key_name(key: Key) -> &'static str {
    match key {
        Key::ArrowLeft => "←",
        Key::ArrowRight => "→",
        Key::ArrowUp => "↑",
        Key::ArrowDown => "↓",
        Key::Escape => "Esc",
        other => other.symbol_or_name(),
    }
}

/// What a binding does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Sends this command.
    Command(Cmd),
    /// Moves the caret (collapsing the selection); with Shift, extends the selection.
    Caret(Motion),
    /// The scheme's label keys (no chords here: they come from the scheme).
    Label,
    /// The scheme's attribute keys on the selected span (no chords here).
    Attribute,
}

/// The commands a key sends, as plain values so the table can be a `const`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmd {
    OpenArticle,
    OpenFolder,
    SaveAs,
    NextArticle,
    PreviousArticle,
    DoneAndNext,
    Entities,
    Export,
    Import,
    EditSource,
    Find,
    Help,
    CloseWindow,
    Undo,
    Redo,
    LinkSpeaker,
    LinkEntity,
    AcceptSameLabel,
    Accept,
    AcceptAgreed,
    Reject,
    NextProposal,
    PreviousProposal,
    NextSpan,
    PreviousSpan,
    Remove,
    ClearSelection,
    ToggleWholeWords,
    KeepOurs,
    TakeTheirs,
    SelectSentence,
    SelectQuotation,
    OpenDetails,
    NextRegion,
    PreviousRegion,
}

impl Cmd {
    /// The command sent. `KeepOurs` and `TakeTheirs` need the selected span, so the key
    /// handler builds those itself (`None` here).
    pub fn command(self) -> Option<AppCommand> {
        Some(match self {
            Cmd::OpenArticle => AppCommand::ShowOpenDialog,
            Cmd::OpenFolder => AppCommand::ShowOpenFolderDialog,
            Cmd::SaveAs => AppCommand::ShowSaveAsDialog,
            Cmd::NextArticle => AppCommand::NextArticle { forward: true },
            Cmd::PreviousArticle => AppCommand::NextArticle { forward: false },
            Cmd::DoneAndNext => AppCommand::DoneAndNext,
            Cmd::Entities => AppCommand::ShowEntities,
            Cmd::Export => AppCommand::ShowExport,
            Cmd::Import => AppCommand::ShowImport,
            Cmd::EditSource => AppCommand::ToggleSourceEditor,
            Cmd::Find => AppCommand::ShowFind,
            Cmd::Help => AppCommand::ToggleHelp,
            Cmd::CloseWindow => AppCommand::CloseWindow,
            Cmd::Undo => AppCommand::Undo,
            Cmd::Redo => AppCommand::Redo,
            Cmd::LinkSpeaker => AppCommand::StartLink,
            Cmd::LinkEntity => AppCommand::StartEntityLink,
            Cmd::AcceptSameLabel => AppCommand::Accept(Pick::SameLabel),
            Cmd::Accept => AppCommand::Accept(Pick::Current),
            Cmd::AcceptAgreed => AppCommand::Accept(Pick::Agreed),
            Cmd::Reject => AppCommand::Reject,
            Cmd::NextProposal => AppCommand::NextProposal { forward: true },
            Cmd::PreviousProposal => AppCommand::NextProposal { forward: false },
            Cmd::NextSpan => AppCommand::Cycle { forward: true },
            Cmd::PreviousSpan => AppCommand::Cycle { forward: false },
            Cmd::Remove => AppCommand::RemoveSelected,
            Cmd::ClearSelection => AppCommand::Select(super::doc_view::Selection::None),
            Cmd::ToggleWholeWords => AppCommand::ToggleWholeWords,
            Cmd::SelectSentence => AppCommand::SelectSentence,
            Cmd::SelectQuotation => AppCommand::SelectQuotation,
            Cmd::OpenDetails => AppCommand::OpenDetails,
            Cmd::NextRegion => AppCommand::FocusRegion { forward: true },
            Cmd::PreviousRegion => AppCommand::FocusRegion { forward: false },
            Cmd::KeepOurs | Cmd::TakeTheirs => return None,
        })
    }
}

/// When a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Anywhere, even while a text field has the keyboard.
    Always,
    /// A window or bar is open that Esc closes (help, import, export, compare, or the find
    /// bar while its field does not have the keyboard).
    Window,
    /// The document has the keyboard: no text field focused, no picker open.
    Document,
    /// The document has the keyboard and proposals are pending.
    Proposals,
    /// The document has the keyboard and a span is selected.
    Span,
    /// A span is selected and no proposals are pending (Enter opens its details).
    SpanNoProposals,
    /// The selected span has a merge conflict to decide.
    Conflict,
}

impl When {
    /// Whether both can never hold at once, so one chord may serve both.
    pub fn excludes(self, other: When) -> bool {
        matches!(
            (self, other),
            (When::Proposals, When::SpanNoProposals) | (When::SpanNoProposals, When::Proposals)
        )
    }
}

/// The help overlay's sections, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Files,
    Caret,
    Select,
    Tag,
    Review,
    Windows,
}

impl Group {
    pub const ALL: [Group; 6] = [
        Group::Files,
        Group::Caret,
        Group::Select,
        Group::Tag,
        Group::Review,
        Group::Windows,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Group::Files => "Files and articles",
            Group::Caret => "Moving the caret (Shift extends the selection)",
            Group::Select => "Selecting",
            Group::Tag => "Tagging and linking",
            Group::Review => "Proposals and conflicts",
            Group::Windows => "Windows",
        }
    }
}

/// One row of the keymap.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    pub action: Action,
    /// The chords, the first one shown first; empty for the scheme's keys.
    pub chords: &'static [Chord],
    pub description: &'static str,
    pub group: Group,
    pub when: When,
}

impl Binding {
    /// The keys as the user reads them: `Ctrl+Shift+Z, Ctrl+Y`; a caret binding adds its
    /// Shift form (`←, Shift+←`); the scheme's rows say where their keys come from.
    pub fn keys_text(&self) -> String {
        match self.action {
            Action::Label => return "1 2 3 4 (the scheme's label keys)".into(),
            Action::Attribute => return "V, K (the scheme's attribute keys)".into(),
            _ => {}
        }
        let mut texts: Vec<String> = self.chords.iter().map(|c| c.text()).collect();
        if matches!(self.action, Action::Caret(_)) {
            texts.extend(self.chords.iter().map(|c| c.with_shift().text()));
        }
        texts.join(", ")
    }

    /// Every chord this binding answers, with whether it extends (Shift on a caret key).
    pub fn all_chords(&self) -> Vec<(Chord, bool)> {
        let mut all: Vec<(Chord, bool)> = self.chords.iter().map(|&c| (c, false)).collect();
        if matches!(self.action, Action::Caret(_)) {
            all.extend(self.chords.iter().map(|c| (c.with_shift(), true)));
        }
        all
    }
}

const fn command(
    cmd: Cmd,
    chords: &'static [Chord],
    description: &'static str,
    group: Group,
    when: When,
) -> Binding {
    Binding {
        action: Action::Command(cmd),
        chords,
        description,
        group,
        when,
    }
}

const fn caret(motion: Motion, chords: &'static [Chord], description: &'static str) -> Binding {
    Binding {
        action: Action::Caret(motion),
        chords,
        description,
        group: Group::Caret,
        when: When::Document,
    }
}

/// Every key of the app. Order matters only between bindings of one chord (the earlier
/// wins); otherwise chords are tried most modifiers first.
pub const KEYMAP: &[Binding] = &[
    // Files and articles: anywhere, even while typing in a field.
    command(Cmd::OpenArticle, &[chord(CTRL, Key::O)], "open an article", Group::Files, When::Always),
    command(Cmd::OpenFolder, &[chord(CTRL_SHIFT, Key::O)], "open a folder of articles", Group::Files, When::Always),
    command(Cmd::SaveAs, &[chord(CTRL_SHIFT, Key::S)], "save the sidecar as… (a copy elsewhere, e.g. when the folder cannot be written)", Group::Files, When::Always),
    command(Cmd::NextArticle, &[chord(ALT, Key::ArrowRight)], "next article of the folder", Group::Files, When::Always),
    command(Cmd::PreviousArticle, &[chord(ALT, Key::ArrowLeft)], "previous article of the folder", Group::Files, When::Always),
    command(Cmd::DoneAndNext, &[chord(CTRL, Key::Enter)], "mark the article done and open the next one", Group::Files, When::Always),
    command(Cmd::Export, &[chord(CTRL, Key::E)], "export", Group::Files, When::Always),
    command(Cmd::Import, &[chord(CTRL, Key::I)], "import another tool's files or a model's output into a folder", Group::Files, When::Always),
    command(Cmd::EditSource, &[chord(CTRL_SHIFT, Key::I)], "edit the article's source details above the text: title, byline, outlet, published, URL (again or Esc closes)", Group::Files, When::Always),
    // Windows.
    command(Cmd::Entities, &[chord(CTRL_SHIFT, Key::E)], "the corpus view: entities, their mentions, and who said what", Group::Windows, When::Always),
    command(Cmd::Find, &[chord(CTRL, Key::F)], "find in the article (Enter, Shift+Enter: next, previous match; the match is selected, so a label key tags it)", Group::Windows, When::Always),
    command(Cmd::Help, &[chord(NONE, Key::F1), chord(NONE, Key::Questionmark)], "show or hide this list of keys", Group::Windows, When::Document),
    command(Cmd::CloseWindow, &[chord(NONE, Key::Escape)], "close the help, a dialog or the find bar", Group::Windows, When::Window),
    command(Cmd::NextRegion, &[chord(NONE, Key::F6)], "move the keyboard to the next part of the window: toolbar, article list, document, side panel (then Tab, Space; Esc comes back)", Group::Windows, When::Always),
    command(Cmd::PreviousRegion, &[chord(SHIFT, Key::F6)], "move the keyboard to the previous part of the window", Group::Windows, When::Always),
    // The caret.
    caret(Motion::CharLeft, &[chord(NONE, Key::ArrowLeft)], "one character left (to the selection's left end)"),
    caret(Motion::CharRight, &[chord(NONE, Key::ArrowRight)], "one character right (to the selection's right end)"),
    caret(Motion::WordLeft, &[chord(CTRL, Key::ArrowLeft)], "to the start of the word (or the previous word)"),
    caret(Motion::WordRight, &[chord(CTRL, Key::ArrowRight)], "to the end of the word (or the next word)"),
    caret(Motion::RowUp, &[chord(NONE, Key::ArrowUp)], "to the row above"),
    caret(Motion::RowDown, &[chord(NONE, Key::ArrowDown)], "to the row below"),
    caret(Motion::RowStart, &[chord(NONE, Key::Home)], "to the start of the row"),
    caret(Motion::RowEnd, &[chord(NONE, Key::End)], "to the end of the row"),
    caret(Motion::TextStart, &[chord(CTRL, Key::Home)], "to the start of the text"),
    caret(Motion::TextEnd, &[chord(CTRL, Key::End)], "to the end of the text"),
    caret(Motion::PageUp, &[chord(NONE, Key::PageUp)], "one screen up"),
    caret(Motion::PageDown, &[chord(NONE, Key::PageDown)], "one screen down"),
    // Selecting. Alt+S and Alt+Q: a scheme's keys are plain letters and digits, so no
    // scheme can take a chord with Alt; Ctrl+Shift+S is already Save as.
    command(Cmd::SelectSentence, &[chord(ALT, Key::S)], "select the sentence around the caret", Group::Select, When::Document),
    command(Cmd::SelectQuotation, &[chord(ALT, Key::Q)], "select the quotation around the caret (inside the marks)", Group::Select, When::Document),
    command(Cmd::ToggleWholeWords, &[chord(NONE, Key::W)], "toggle snapping selections to whole words", Group::Select, When::Document),
    command(Cmd::NextSpan, &[chord(NONE, Key::Tab)], "select the next span (the caret goes to its start)", Group::Select, When::Document),
    command(Cmd::PreviousSpan, &[chord(SHIFT, Key::Tab)], "select the previous span", Group::Select, When::Document),
    command(Cmd::ClearSelection, &[chord(NONE, Key::Escape)], "clear the selection (the caret stays)", Group::Select, When::Document),
    // Tagging and linking.
    Binding { action: Action::Label, chords: &[], description: "tag the selection with the label (claim, quote, location, actor), or retag the selected span", group: Group::Tag, when: When::Document },
    Binding { action: Action::Attribute, chords: &[], description: "on the selected span: step a choice (a claim's verdict, a quote's kind), toggle a yes/no, or type a number or text", group: Group::Tag, when: When::Span },
    command(Cmd::OpenDetails, &[chord(NONE, Key::Enter)], "open the selected span's details with the keyboard in its note (Esc goes back to the text)", Group::Tag, When::SpanNoProposals),
    command(Cmd::LinkSpeaker, &[chord(NONE, Key::R)], "link the selected quote or claim to its speaker (type to filter, Enter links)", Group::Tag, When::Document),
    command(Cmd::LinkEntity, &[chord(NONE, Key::E)], "link the selected actor or location to an entity of the corpus", Group::Tag, When::Document),
    command(Cmd::Remove, &[chord(NONE, Key::Delete), chord(NONE, Key::Backspace)], "remove the selected span", Group::Tag, When::Document),
    command(Cmd::Redo, &[chord(CTRL_SHIFT, Key::Z), chord(CTRL, Key::Y)], "redo", Group::Tag, When::Document),
    command(Cmd::Undo, &[chord(CTRL, Key::Z)], "undo (unlimited within the session)", Group::Tag, When::Document),
    // Proposals and conflicts.
    command(Cmd::AcceptSameLabel, &[chord(SHIFT, Key::Enter)], "accept every proposal with the selected one's label", Group::Review, When::Proposals),
    command(Cmd::Accept, &[chord(NONE, Key::Enter)], "accept the selected proposal (a label key accepts it under that label)", Group::Review, When::Proposals),
    command(Cmd::AcceptAgreed, &[chord(SHIFT, Key::A)], "accept every span both annotators agree on", Group::Review, When::Proposals),
    command(Cmd::Reject, &[chord(NONE, Key::X)], "reject the selected proposal", Group::Review, When::Proposals),
    command(Cmd::NextProposal, &[chord(NONE, Key::N)], "select the next proposal (a suggestion or an annotator's span)", Group::Review, When::Proposals),
    command(Cmd::PreviousProposal, &[chord(SHIFT, Key::N)], "select the previous proposal", Group::Review, When::Proposals),
    command(Cmd::KeepOurs, &[chord(NONE, Key::O)], "on a span with a merge conflict: keep ours (wins over a scheme key O only then)", Group::Review, When::Conflict),
    command(Cmd::TakeTheirs, &[chord(NONE, Key::T)], "on a span with a merge conflict: take theirs (wins over a scheme key T only then)", Group::Review, When::Conflict),
];

/// The bindings of [`KEYMAP`] with their chords, most modifiers first (table order
/// among equals), each chord with whether it extends the selection.
pub fn in_match_order() -> &'static [(&'static Binding, Chord, bool)] {
    // Worked out once: the key handler walks it every frame.
    static ORDER: std::sync::OnceLock<Vec<(&'static Binding, Chord, bool)>> =
        std::sync::OnceLock::new();
    ORDER.get_or_init(|| {
        let mut all: Vec<(&'static Binding, Chord, bool)> = KEYMAP
            .iter()
            .flat_map(|b| b.all_chords().into_iter().map(move |(c, e)| (b, c, e)))
            .collect();
        all.sort_by_key(|(_, c, _)| std::cmp::Reverse(c.specificity()));
        all
    })
}

/// The keys of the command's binding, as the user reads them (a button's shortcut text).
pub fn keys_of(cmd: Cmd) -> String {
    KEYMAP
        .iter()
        .find(|b| b.action == Action::Command(cmd))
        .map(Binding::keys_text)
        .unwrap_or_default()
}

/// The keymap as the README's Markdown table.
pub fn markdown_table() -> String {
    let mut table = String::from("| keys | action |\n|---|---|\n");
    for group in Group::ALL {
        for binding in KEYMAP.iter().filter(|b| b.group == group) {
            table.push_str(&format!(
                "| {} | {} |\n",
                binding.keys_text(),
                binding.description
            ));
        }
    }
    table.push_str("| Ctrl+= / Ctrl+- / Ctrl+0 | zoom in / out / reset (egui's own) |\n");
    table
}

/// The help overlay (F1, ?): every binding by group, then the scheme's label and
/// attribute keys. Returns whether it is still open (its close button, Esc via the app).
pub fn help_window(ctx: &egui::Context, scheme: &crate::model::Scheme) -> bool {
    let mut open = true;
    // As wide as the text needs up to 760 points, never wider than the window: the rows
    // wrap instead.
    let width = (ctx.content_rect().width() - 40.0).clamp(280.0, 760.0);
    egui::Window::new("Keys")
        .open(&mut open)
        .collapsible(false)
        .default_width(width)
        .max_width(width)
        .default_height(560.0)
        .vscroll(true)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.weak("F1 or ? shows and hides this list; Esc closes it.");
            for group in Group::ALL {
                ui.add_space(6.0);
                ui.strong(group.title());
                for binding in KEYMAP.iter().filter(|b| b.group == group) {
                    help_row(ui, &binding.keys_text(), binding.description);
                }
            }
            ui.add_space(6.0);
            ui.strong("This scheme's keys");
            for label in &scheme.labels {
                help_row(
                    ui,
                    &label.key.to_uppercase(),
                    &format!("tag as {}", label.name),
                );
                for attribute in &label.attributes {
                    if let Some(key) = &attribute.key {
                        help_row(
                            ui,
                            &key.to_uppercase(),
                            &format!(
                                "{}'s {} (on a selected {})",
                                label.name, attribute.name, label.name
                            ),
                        );
                    }
                }
            }
        });
    open
}

/// One row of the help: the keys in a column of their own, the description beside them,
/// both wrapping within the window.
fn help_row(ui: &mut egui::Ui, keys: &str, description: &str) {
    const KEYS_WIDTH: f32 = 210.0;
    ui.horizontal_top(|ui| {
        ui.allocate_ui_with_layout(
            egui::vec2(KEYS_WIDTH, 0.0),
            egui::Layout::top_down(egui::Align::Min),
            |ui| {
                ui.set_width(KEYS_WIDTH);
                ui.add(egui::Label::new(egui::RichText::new(keys).monospace()).wrap());
            },
        );
        ui.add(egui::Label::new(description).wrap());
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RESERVED_KEYS;

    #[test]
    fn no_chord_has_two_bindings_in_one_context() {
        let all: Vec<_> = KEYMAP
            .iter()
            .flat_map(|b| b.all_chords().into_iter().map(move |(c, _)| (b, c)))
            .collect();
        for (i, (a, chord_a)) in all.iter().enumerate() {
            for (b, chord_b) in &all[i + 1..] {
                if chord_a != chord_b || std::ptr::eq(*a, *b) {
                    continue;
                }
                // Esc: a window closes before the selection clears (table order).
                let ordered = a.when == When::Window && b.when == When::Document;
                assert!(
                    a.when.excludes(b.when) || ordered,
                    "{} is bound twice: {:?} and {:?}",
                    chord_a.text(),
                    a.action,
                    b.action
                );
            }
        }
    }

    #[test]
    fn every_binding_has_a_description_and_keys_and_every_command_is_sent() {
        for binding in KEYMAP {
            assert!(!binding.description.is_empty(), "{:?}", binding.action);
            assert!(!binding.keys_text().is_empty(), "{:?}", binding.action);
            match binding.action {
                Action::Command(cmd) => {
                    assert!(!binding.chords.is_empty(), "{cmd:?} has no key");
                    assert!(
                        cmd.command().is_some() || matches!(cmd, Cmd::KeepOurs | Cmd::TakeTheirs),
                        "{cmd:?} sends nothing"
                    );
                }
                Action::Caret(motion) => assert!(!binding.chords.is_empty(), "{motion:?}"),
                Action::Label | Action::Attribute => assert!(binding.chords.is_empty()),
            }
        }
    }

    /// Every plain letter or digit the app binds is reserved from schemes, except O and T,
    /// which win over a scheme's key only while the selected span has a merge conflict.
    #[test]
    fn the_scheme_cannot_take_a_plain_letter_the_keymap_uses() {
        for binding in KEYMAP {
            for (chord, _) in binding.all_chords() {
                let name = chord.key.name();
                let plain = chord.modifiers.is_none()
                    && name.len() == 1
                    && name.chars().all(|c| c.is_ascii_alphanumeric());
                if !plain || binding.when == When::Conflict {
                    continue;
                }
                assert!(
                    RESERVED_KEYS.iter().any(|k| k.eq_ignore_ascii_case(name)),
                    "{name} ({:?}) is not in RESERVED_KEYS",
                    binding.action
                );
            }
        }
        // And nothing is reserved that the keymap does not use.
        for reserved in RESERVED_KEYS {
            assert!(
                KEYMAP.iter().any(|b| b
                    .chords
                    .iter()
                    .any(|c| c.modifiers.is_none() && c.key.name().eq_ignore_ascii_case(reserved))),
                "{reserved} is reserved but bound to nothing"
            );
        }
    }

    #[test]
    fn chords_are_tried_most_specific_first() {
        let order = in_match_order();
        let position = |text: &str| order.iter().position(|(_, c, _)| c.text() == text).unwrap();
        assert!(position("Shift+Enter") < position("Enter"));
        assert!(position("Ctrl+Enter") < position("Enter"));
        assert!(position("Ctrl+Shift+O") < position("Ctrl+O"));
        assert!(position("Ctrl+Shift+←") < position("Ctrl+←"));
        assert!(position("Shift+←") < position("←"));
        assert!(position("Shift+N") < position("N"));
        // Enter accepts a proposal before it opens a span's details (they exclude each
        // other anyway).
        assert!(order.iter().filter(|(_, c, _)| c.text() == "Enter").count() == 2);
    }

    #[test]
    fn shortcut_texts_are_written_as_the_user_reads_them() {
        assert_eq!(keys_of(Cmd::OpenArticle), "Ctrl+O");
        assert_eq!(keys_of(Cmd::Entities), "Ctrl+Shift+E");
        assert_eq!(keys_of(Cmd::Redo), "Ctrl+Shift+Z, Ctrl+Y");
        assert_eq!(keys_of(Cmd::Help), "F1, ?");
        let word = KEYMAP
            .iter()
            .find(|b| b.action == Action::Caret(Motion::WordRight))
            .unwrap();
        assert_eq!(word.keys_text(), "Ctrl+→, Ctrl+Shift+→");
        assert_eq!(keys_of(Cmd::ClearSelection), "Esc");
    }

    /// The README's key table is this keymap: every binding's keys appear in it.
    /// The integrator puts [`markdown_table`]'s text between the markers.
    #[test]
    fn the_readme_lists_every_key() {
        let readme = include_str!("../../README.md");
        let (start, end) = ("<!-- keymap -->", "<!-- /keymap -->");
        let section = readme
            .split_once(start)
            .and_then(|(_, rest)| rest.split_once(end))
            .map(|(section, _)| section.trim())
            .expect("README.md has the keymap between <!-- keymap --> and <!-- /keymap -->");
        assert_eq!(section, markdown_table().trim());
    }
}
