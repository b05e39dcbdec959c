//! Keyboard focus: which control takes the keys, how it moves, and how it shows.
//!
//! egui moves focus itself: Tab and Shift+Tab go to the next and previous control in the
//! order they are drawn, Space and Enter press the focused button, Esc drops focus. This
//! module adds what egui leaves to the app:
//! - **Dialogs** (export, import, compare, the questions of `guard`) hold the keyboard while
//!   open: [`modal`] limits focus to the dialog's window (egui's modal layer, so Tab wraps
//!   inside it and the window behind takes no clicks), and [`claim`] gives the dialog's
//!   default control the focus whenever none of its controls has it (on opening, after Esc
//!   in a field).
//! - **Tool windows** (dashboard, corpus view) take the focus once, when they open
//!   ([`claim_once`]), and leave it wherever the analyst puts it afterwards.
//! - **Regions** of the main window (toolbar, articles, document, the article's source
//!   header, side panel): each panel
//!   names its first control ([`Regions::offer`]) and its rect; [`Regions::next`] finds the
//!   region holding the focus and the first control of the next one (F6 / Shift+F6).
//! - **The focus ring** ([`ring`]): egui draws a focused button like a pressed one (a 1 px
//!   outline), which is hard to see. One ring, 2 px in the theme's selection colour, is
//!   painted around whatever control has the focus, in both themes.

use egui::{Context, Id, LayerId, Rect, Response, Stroke, Ui};

/// The parts of the main window that F6 steps through, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    Toolbar,
    /// The folder's list of articles (only while a folder is open).
    Articles,
    Document,
    /// The header above the text: the article's citation and its editor. After the
    /// document, so F6 from the toolbar still lands in the text.
    Source,
    /// Labels, proposals, the selected span's details, the span list.
    Side,
}

impl Region {
    pub const ALL: [Region; 5] = [
        Region::Toolbar,
        Region::Articles,
        Region::Document,
        Region::Source,
        Region::Side,
    ];
}

/// Where each region was drawn this frame and which control of it takes the keyboard first.
#[derive(Clone, Copy, Debug, Default)]
pub struct Regions {
    rects: [Option<Rect>; 5],
    first: [Option<Id>; 5],
}

impl Regions {
    fn key() -> Id {
        Id::unique("spantag-focus-regions")
    }

    /// Forgets last frame's regions (at the start of the frame: a panel not drawn is none).
    pub fn begin_frame(ctx: &Context) {
        ctx.data_mut(|d| d.insert_temp(Self::key(), Regions::default()));
    }

    /// This frame's regions.
    pub fn get(ctx: &Context) -> Regions {
        ctx.data(|d| d.get_temp(Self::key())).unwrap_or_default()
    }

    fn update(ctx: &Context, f: impl FnOnce(&mut Regions)) {
        ctx.data_mut(|d| f(d.get_temp_mut_or_default(Self::key())));
    }

    /// Where `region` was drawn.
    pub fn set_rect(ctx: &Context, region: Region, rect: Rect) {
        Self::update(ctx, |r| r.rects[region as usize] = Some(rect));
    }

    /// `response` can be the region's first control: the first enabled clickable one
    /// offered in a frame is.
    pub fn offer(ctx: &Context, region: Region, response: &Response) {
        if !response.enabled() || !response.sense.senses_click() {
            return;
        }
        Self::update(ctx, |r| {
            r.first[region as usize].get_or_insert(response.id);
        });
    }

    /// `id` is the region's first control (the document, which is one widget).
    pub fn set_first(ctx: &Context, region: Region, id: Id) {
        Self::update(ctx, |r| r.first[region as usize] = Some(id));
    }

    /// The control that takes the keyboard in `region`, if it was drawn this frame.
    pub fn first(&self, region: Region) -> Option<Id> {
        self.first[region as usize]
    }

    /// The region holding the keyboard: the document's own id, or the region whose rect
    /// holds the focused control.
    pub fn current(&self, ctx: &Context, document: Id) -> Option<Region> {
        let focused = ctx.memory(|m| m.focused())?;
        if focused == document {
            return Some(Region::Document);
        }
        let at = ctx.read_response(focused)?.rect.center();
        Region::ALL
            .into_iter()
            .filter(|&r| r != Region::Document)
            .find(|&r| self.rects[r as usize].is_some_and(|rect| rect.contains(at)))
    }

    /// The first control of the region after (or before) the one holding the keyboard,
    /// skipping regions not shown or without a control. From outside every region (a
    /// window, nothing) forward starts at the toolbar, backward at the side panel.
    pub fn next(&self, ctx: &Context, document: Id, forward: bool) -> Option<Id> {
        let n = Region::ALL.len();
        let start = self.current(ctx, document).map(|r| r as usize);
        (1..=n)
            .map(|step| match (start, forward) {
                (Some(i), true) => (i + step) % n,
                (Some(i), false) => (i + n - step) % n,
                (None, true) => step - 1,
                (None, false) => n - step,
            })
            .find_map(|i| self.first[i])
    }
}

/// Limits the keyboard (and the pointer) to `window`'s layer and above while it is open:
/// Tab past its last control wraps to its first. Call after drawing the window.
pub fn modal(ctx: &Context, window: &Response) {
    ctx.memory_mut(|m| m.set_modal_layer(window.layer_id));
}

/// Whether the focused control is on `layer` or in a higher kind of layer (a combo box's
/// list over a window).
pub fn focus_within(ctx: &Context, layer: LayerId) -> bool {
    let Some(focused) = ctx.memory(|m| m.focused()) else {
        return false;
    };
    let Some(response) = ctx.read_response(focused) else {
        // Focus asked for this frame, on a control not drawn yet: not this window's.
        return false;
    };
    response.layer_id == layer || response.layer_id.order > layer.order
}

/// Gives `response` (a dialog's default control) the keyboard when no control of its
/// window has it: when the dialog opens, and after Esc dropped the focus in a field.
pub fn claim(ui: &Ui, response: &Response) {
    if response.enabled() && !focus_within(ui.ctx(), ui.layer_id()) {
        response.request_focus();
    }
}

/// Gives `response` the keyboard once, when `pending` (set when the window opened).
pub fn claim_once(pending: &mut bool, response: &Response) {
    if std::mem::take(pending) {
        response.request_focus();
    }
}

/// Whether Enter was pressed in the single-line field `response` (egui drops the focus of
/// a single-line field on Enter): the dialog's default action follows.
pub fn entered(ui: &Ui, response: &Response) -> bool {
    response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

/// The focus ring's width in points.
pub const RING_WIDTH: f32 = 2.0;

/// Draws the focus ring around the control with the keyboard, unless it is `except` (the
/// document, which shows its caret instead). Call once, after everything is drawn.
pub fn ring(ctx: &Context, except: Id) {
    let Some(focused) = ctx.memory(|m| m.focused()).filter(|&id| id != except) else {
        return;
    };
    let Some(response) = ctx.read_response(focused) else {
        return;
    };
    // The visible part only: a control half scrolled away is ringed where it shows.
    let rect = response.interact_rect;
    if !rect.is_positive() {
        return;
    }
    let color = ctx.global_style().visuals.selection.stroke.color;
    let painter = ctx.layer_painter(response.layer_id);
    painter.rect_stroke(
        rect.expand(RING_WIDTH),
        3.0,
        Stroke::new(RING_WIDTH, color),
        egui::StrokeKind::Outside,
    );
}
