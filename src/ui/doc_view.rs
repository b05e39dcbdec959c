//! The document view: the article text with its spans, and selection by pointer.
//!
//! A custom widget, not a `TextEdit` or selectable `Label` (those lose or hide their
//! selection). The text is laid out one paragraph at a time and only where it is visible;
//! every other paragraph keeps an estimated height until it scrolls into view, so the cost
//! of a frame follows the screen, not the document.
//!
//! Spans are painted as shapes under the text (a tint per row, an underline per nesting
//! level, a label chip above the first row), so tagging never re-lays out text and nested
//! spans stay readable as stacked underlines. A span's chip also carries a short mark of
//! its attribute values and linked entity (`claim ✖`, `actor •`), spelled out in the
//! tooltip and the accessible name, so a refuted claim is seen without selecting it.
//!
//! A discontinuous span (fragments joined by [`FRAGMENT_KIND`] relations) is drawn as one
//! annotation: its first fragment carries the chip, with `…` after the label; each later
//! fragment only a small `…` mark. Hovering or selecting any fragment outlines all of them
//! and joins them with a dotted line, and the joining relations are never drawn as links.
//!
//! [`FRAGMENT_KIND`]: crate::model::FRAGMENT_KIND

use egui::text::{LayoutJob, TextWrapping};
use egui::{pos2, vec2, Color32, FontId, Galley, Id, Rect, Sense, Stroke, TextFormat, Ui};
use std::ops::Range;
use std::sync::Arc;

use super::widgets::{
    accessible_name, chip_mark, fragment_line, label_color, proposal_name, shorten,
};

use crate::model::selection::{Caret, ParagraphRows, Rows};
use crate::model::{
    select, Document, Entities, Fragments, Origin, Proposals, Relation, Scheme, Span, SpanId,
};

/// The widest the text column grows, for comfortable reading.
pub const READING_WIDTH: f32 = 720.0;
/// Body text size in points.
pub const FONT_SIZE: f32 = 16.0;
/// Row height as a multiple of the font's height: room for a chip above, underlines below.
const LINE_SPACING: f32 = 2.0;
/// How many nesting levels get their own underline; deeper spans share the last one.
const UNDERLINE_LEVELS: usize = 3;

/// What is selected in the article.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    #[default]
    None,
    /// A text range being chosen: `anchor` stays where it started, `head` moves. Equal
    /// ends are a caret.
    Text {
        anchor: usize,
        head: usize,
    },
    Span(SpanId),
    /// A proposal, by its index among the pending ones (see [`crate::model::Proposals`]).
    Proposal(usize),
}

impl Selection {
    /// The selected char range of a text selection, in order, if not empty.
    pub fn text_range(self) -> Option<Range<usize>> {
        match self {
            Selection::Text { anchor, head } if anchor != head => {
                Some(anchor.min(head)..anchor.max(head))
            }
            _ => None,
        }
    }
}

/// A paragraph laid out this frame.
struct Placed {
    char_start: usize,
    char_end: usize,
    galley: Arc<Galley>,
    /// Screen position of the galley's top-left corner.
    pos: egui::Pos2,
}

/// Layout state kept across frames for one document.
#[derive(Default)]
pub struct DocView {
    /// Height of each paragraph: measured once it has been laid out, estimated before.
    heights: Vec<f32>,
    /// `tops[i]` is the y of paragraph `i` from the top of the text; one extra entry at the end.
    tops: Vec<f32>,
    /// The width and font height the heights were computed for.
    layout_key: (f32, f32),
    /// A char to bring into view on the next frame.
    scroll_to: Option<usize>,
    /// The visible part of the text last frame, in content coordinates.
    last_viewport: Option<Rect>,
    /// Paragraphs laid out last frame, for hit tests and keyboard moves between frames.
    placed: Vec<Placed>,
    /// The document's discontinuous spans, for the (instance, revision) they were found in.
    fragments: Option<((u64, u64), std::rc::Rc<Fragments>)>,
}

/// What the view draws.
#[derive(Clone, Copy)]
pub struct ViewInput<'a> {
    pub document: &'a Document,
    pub scheme: &'a Scheme,
    pub selection: Selection,
    /// Whether selections snap to whole words (the selection is drawn as it will be tagged).
    pub whole_words: bool,
    /// Search matches to highlight, sorted, and which of them is the current one.
    pub highlights: &'a [Range<usize>],
    pub current_highlight: Option<usize>,
    /// Suggestions or adjudication candidates, drawn dashed.
    pub proposals: &'a Proposals,
    /// The corpus's entities, for the names of linked spans (`None`: the file is broken).
    pub entities: Option<&'a Entities>,
    /// Spans with a merge conflict to decide: outlined and marked `⚠`.
    pub conflicted: &'a std::collections::HashSet<SpanId>,
    /// The caret (and the selection it drags), for the accessibility tree.
    pub caret: Caret,
    /// Whether the caret is drawn: not while a text field or picker has the keyboard.
    pub caret_shown: bool,
    /// Seconds since the caret last moved: it blinks from lit, as in a text field.
    pub caret_idle: f64,
}

/// What the view reports back to the app.
#[derive(Default)]
pub struct ViewOutput {
    /// The user clicked, dragged or double-clicked: the new selection.
    pub selection: Option<Selection>,
    /// Where a click put the caret (also on a span, which the click selects).
    pub clicked_char: Option<usize>,
}

impl DocView {
    pub fn scroll_to(&mut self, char_pos: usize) {
        self.scroll_to = Some(char_pos);
    }

    /// The id of the text widget, which holds keyboard focus while the user annotates.
    pub fn id() -> Id {
        Id::unique("spantag-document")
    }

    /// Draws the article in the rest of `ui`, laid out to the part of it that is visible:
    /// a wider widget above (egui grows a ui to fit what overflows it) never makes the text
    /// wrap wider than its panel.
    pub fn show(&mut self, ui: &mut Ui, input: ViewInput<'_>) -> ViewOutput {
        let visible = ui.available_rect_before_wrap().intersect(ui.clip_rect());
        ui.scope_builder(egui::UiBuilder::new().max_rect(visible), |ui| {
            self.show_within(ui, input)
        })
        .inner
    }

    fn show_within(&mut self, ui: &mut Ui, input: ViewInput<'_>) -> ViewOutput {
        let ViewInput {
            document,
            scheme,
            selection,
            whole_words: _,
            highlights,
            current_highlight,
            proposals,
            entities,
            conflicted: _,
            caret,
            caret_shown,
            caret_idle,
        } = input;
        let text = document.text();
        let paragraphs = text.paragraphs();
        let font = FontId::proportional(FONT_SIZE);
        let font_height = ui.fonts_mut(|f| f.row_height(&font));
        let row_height = (font_height * LINE_SPACING).round();
        let column_width = ui.available_width().min(READING_WIDTH + 48.0) - 48.0;
        let key = (column_width.max(100.0), font_height);
        if self.layout_key != key || self.heights.len() != paragraphs.len() {
            self.layout_key = key;
            let chars_per_row = (key.0 / (FONT_SIZE * 0.5)).max(1.0);
            self.heights = paragraphs
                .iter()
                .map(|p| {
                    let rows = ((p.char_range.len() as f32) / chars_per_row)
                        .ceil()
                        .max(1.0);
                    rows * row_height
                })
                .collect();
            self.recompute_tops();
        }
        let total_height = self.tops.last().copied().unwrap_or(0.0) + row_height;

        // An always-visible scroll bar keeps the column width, and so the wrapping, from
        // changing when the text grows taller than the window.
        let mut scroll = egui::ScrollArea::vertical()
            .id_salt("document-scroll")
            .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
            .auto_shrink([false, false]);
        if let Some(target) = self.scroll_to.take() {
            // The row of the char, if it was laid out last frame, else its paragraph's top.
            let para = text.paragraph_index_at(target);
            let y = row_height / 2.0
                + self.tops[para]
                + self.row_top_in_paragraph(target).unwrap_or(0.0);
            let height = ui.available_height();
            if let Some(view) = self.last_viewport {
                let margin = row_height.min(height / 4.0);
                let offset = if y - margin < view.top() && view.top() - y < height {
                    // Just above: the least scroll that shows it.
                    Some(y - margin)
                } else if y + row_height + margin > view.bottom() && y - view.bottom() < height {
                    // Just below.
                    Some(y + row_height + margin - height)
                } else if y < view.top() || y + row_height > view.bottom() {
                    // Far away: a third of the way down the view.
                    Some(y - height / 3.0)
                } else {
                    None
                };
                if let Some(offset) = offset {
                    scroll = scroll.vertical_scroll_offset(offset.max(0.0));
                }
            } else {
                scroll = scroll.vertical_scroll_offset((y - height / 3.0).max(0.0));
            }
        }

        let mut output = ViewOutput::default();
        scroll.show_viewport(ui, |ui, viewport| {
            self.last_viewport = Some(viewport);
            let full_width = ui.available_width();
            let (_, content) = ui.allocate_space(vec2(full_width, total_height));
            let left = content.left() + ((full_width - column_width) / 2.0).max(16.0);
            let top = content.top() + row_height / 2.0;

            // Lay out the visible paragraphs, stacking them by their real heights.
            let first = self
                .tops
                .partition_point(|&t| t <= viewport.top() - row_height)
                .saturating_sub(1)
                .min(paragraphs.len() - 1);
            let mut y = self.tops[first];
            let mut heights_changed = false;
            self.placed.clear();
            for (index, para) in paragraphs.iter().enumerate().skip(first) {
                if y > viewport.bottom() + row_height {
                    break;
                }
                let mut job = LayoutJob::single_section(
                    text.as_str()[para.byte_range.clone()].to_string(),
                    TextFormat {
                        font_id: font.clone(),
                        color: ui.visuals().text_color(),
                        line_height: Some(row_height),
                        ..TextFormat::default()
                    },
                );
                job.wrap = TextWrapping::wrap_at_width(column_width);
                let galley = ui.fonts_mut(|f| f.layout_job(job));
                let height = galley.size().y.max(row_height);
                if (self.heights[index] - height).abs() > 0.5 {
                    self.heights[index] = height;
                    heights_changed = true;
                }
                self.placed.push(Placed {
                    char_start: para.char_range.start,
                    char_end: para.char_range.end,
                    galley,
                    pos: pos2(left, top + y),
                });
                y += height;
            }
            if heights_changed {
                self.recompute_tops();
                ui.ctx().request_repaint();
            }

            let response = ui.interact(content, Self::id(), Sense::click_and_drag());
            if response.clicked() || response.drag_started() {
                // Back from a text field to annotating.
                response.request_focus();
            }
            response.widget_info(|| {
                let mut info =
                    egui::WidgetInfo::labeled(egui::Role::Document, true, "Article text");
                // The visible text: what a screen reader reads from here.
                info.current_text_value = Some(self.visible_text(text));
                info
            });
            output.selection = self.handle_pointer(ui, &response, document, proposals, selection);
            if response.clicked() {
                output.clicked_char = response
                    .interact_pointer_pos()
                    .and_then(|p| self.char_at(p));
            }
            let selection = output.selection.unwrap_or(selection);

            let visible = self.visible_chars();
            let spans = stack_levels(document.annotations().overlapping(visible.clone()), scheme);
            let hovered_char = response.hover_pos().and_then(|pos| self.char_hit(pos));
            let hovered_span = hovered_char
                .and_then(|c| document.annotations().innermost_at(c))
                .map(|s| s.id);
            self.fragments_of(document);
            self.paint_highlights(ui, highlights, current_highlight, visible.clone());
            self.paint(ui, &spans, &input, selection, hovered_span);
            self.paint_proposals(ui, document, proposals, scheme, selection, visible.clone());

            // Links are drawn from the selected span and the one under the pointer.
            let mut linked: Vec<SpanId> = hovered_span.into_iter().collect();
            if let Selection::Span(id) = selection {
                linked.push(id);
            }
            self.paint_links(ui, document, scheme, &linked);
            if caret_shown {
                if let Some(rect) = self.caret_rect(caret.head()) {
                    let rect = text_band(rect, self.layout_key.1);
                    egui::text_selection::visuals::paint_text_cursor(
                        ui,
                        ui.painter(),
                        rect,
                        caret_idle,
                    );
                }
            }
            self.describe(ui, document, entities, caret, selection);
            if let Some(char_pos) = hovered_char {
                let under: Vec<&Span> = spans
                    .iter()
                    .map(|(s, _)| *s)
                    .filter(|s| s.start <= char_pos && char_pos < s.end)
                    .collect();
                if !under.is_empty() {
                    let fragments = self.fragments();
                    response.on_hover_ui_at_pointer(|ui| {
                        for span in under {
                            ui.label(span_tooltip(document, span, entities, fragments));
                        }
                    });
                }
            }
        });
        output
    }

    /// Finds the discontinuous spans again if the document changed since; the panels
    /// share these instead of grouping every frame.
    pub(super) fn fragments_of(&mut self, document: &Document) -> std::rc::Rc<Fragments> {
        let now = (document.instance(), document.revision());
        match &self.fragments {
            Some((seen, fragments)) if *seen == now => fragments.clone(),
            _ => {
                let fragments = std::rc::Rc::new(document.annotations().fragments());
                self.fragments = Some((now, fragments.clone()));
                fragments
            }
        }
    }

    /// The discontinuous spans as last found.
    fn fragments(&self) -> Option<&Fragments> {
        self.fragments.as_ref().map(|(_, f)| &**f)
    }

    fn recompute_tops(&mut self) {
        self.tops.clear();
        self.tops.reserve(self.heights.len() + 1);
        let mut y = 0.0;
        self.tops.push(y);
        for h in &self.heights {
            y += h;
            self.tops.push(y);
        }
    }

    /// The char range covered by the paragraphs laid out this frame.
    fn visible_chars(&self) -> Range<usize> {
        match (self.placed.first(), self.placed.last()) {
            (Some(first), Some(last)) => first.char_start..last.char_end,
            _ => 0..0,
        }
    }

    /// The char offset under a screen position, if it is over the laid-out text.
    fn char_at(&self, pos: egui::Pos2) -> Option<usize> {
        let placed = self
            .placed
            .iter()
            .take_while(|p| p.pos.y <= pos.y)
            .last()
            .or(self.placed.first())?;
        let cursor = placed.galley.cursor_from_pos(pos - placed.pos);
        Some(placed.char_start + cursor.index.0)
    }

    fn handle_pointer(
        &self,
        ui: &Ui,
        response: &egui::Response,
        document: &Document,
        proposals: &Proposals,
        selection: Selection,
    ) -> Option<Selection> {
        let pos = response.interact_pointer_pos()?;
        let char_pos = self.char_at(pos)?;
        let shift = ui.input(|i| i.modifiers.shift);
        let anchor_of = |selection: Selection| match selection {
            Selection::Text { anchor, .. } => Some(anchor),
            Selection::Span(id) => document.annotations().get(id).map(|s| s.start),
            Selection::Proposal(index) => proposals.get(index).map(|p| p.char_range.start),
            Selection::None => None,
        };
        if response.double_clicked() {
            return select::word_at(document.text(), char_pos).map(|r| Selection::Text {
                anchor: r.start,
                head: r.end,
            });
        }
        if response.clicked() {
            if shift {
                return anchor_of(selection).map(|anchor| Selection::Text {
                    anchor,
                    head: char_pos,
                });
            }
            // A click on a span selects the innermost one under the pointer, else on a
            // proposal the innermost proposal; elsewhere it places a caret that
            // shift-click and Shift+arrows extend.
            let hit = self.char_hit(pos);
            let span = hit.and_then(|c| document.annotations().innermost_at(c));
            let proposal = hit.and_then(|c| proposals.innermost_at(c));
            return Some(match (span, proposal) {
                (Some(span), _) => Selection::Span(span.id),
                (None, Some(index)) => Selection::Proposal(index),
                (None, None) => Selection::Text {
                    anchor: char_pos,
                    head: char_pos,
                },
            });
        }
        if response.drag_started() {
            // The drag is only recognised once the pointer has moved: anchor it where the
            // button went down, not where the pointer is now.
            let pressed_at = ui
                .input(|i| i.pointer.press_origin())
                .and_then(|p| self.char_at(p))
                .unwrap_or(char_pos);
            let anchor = if shift { anchor_of(selection) } else { None };
            return Some(Selection::Text {
                anchor: anchor.unwrap_or(pressed_at),
                head: char_pos,
            });
        }
        if response.dragged() {
            if let Selection::Text { anchor, .. } = selection {
                return Some(Selection::Text {
                    anchor,
                    head: char_pos,
                });
            }
        }
        None
    }

    /// The char whose glyph is under the pointer (not the nearest gap between chars).
    fn char_hit(&self, pos: egui::Pos2) -> Option<usize> {
        let placed = self
            .placed
            .iter()
            .find(|p| p.pos.y <= pos.y && pos.y < p.pos.y + p.galley.size().y)?;
        let local = pos - placed.pos;
        let mut start = placed.char_start;
        for row in &placed.galley.rows {
            let count = row.char_count_including_newline().0;
            if local.y >= row.min_y() && local.y < row.max_y() {
                let x = local.x - row.pos.x;
                // The last glyph starting at or before x, if x is not past the row's end
                // (a space may be laid out as a gap between glyphs, not a glyph of its own).
                let glyphs = &row.row.glyphs;
                let index = glyphs.iter().rposition(|g| g.pos.x <= x)?;
                let next = glyphs.get(index + 1).map_or(0.0, |g| g.pos.x);
                let end = glyphs[index].max_x().max(next);
                return (x < end).then_some(start + index);
            }
            start += count;
        }
        None
    }

    /// Paints the spans; `selection` is this frame's (the input's, or the pointer's), and
    /// `hovered` the span under the pointer.
    fn paint(
        &self,
        ui: &Ui,
        spans: &[(&Span, usize)],
        input: &ViewInput<'_>,
        selection: Selection,
        hovered: Option<SpanId>,
    ) {
        let ViewInput {
            document,
            scheme,
            whole_words,
            entities,
            conflicted,
            ..
        } = *input;
        let painter = ui.painter();
        let dark = ui.visuals().dark_mode;
        let selected_span = match selection {
            Selection::Span(id) => Some(id),
            _ => None,
        };
        let font_height = self.layout_key.1;
        let chip_font = FontId::proportional(9.0);
        // A fragment is selected (or hovered) when any fragment of its span is.
        let fragments = self.fragments();
        let group_of = |id: Option<SpanId>| -> Vec<SpanId> {
            match (id, fragments) {
                (Some(id), Some(f)) => f.group(id).map_or_else(|| vec![id], <[SpanId]>::to_vec),
                (Some(id), None) => vec![id],
                (None, _) => Vec::new(),
            }
        };
        let selected_group = group_of(selected_span);
        // Hovering outlines only a span in pieces, to show which pieces are one.
        let hovered_group = match (hovered, fragments) {
            (Some(id), Some(f)) => f.group(id).map(<[SpanId]>::to_vec).unwrap_or_default(),
            _ => Vec::new(),
        };

        // Tints first, under everything.
        for (span, _) in spans {
            let color = label_color(scheme, &span.label);
            for rect in self.row_rects(span.char_range()) {
                let rect = text_band(rect, font_height);
                painter.rect_filled(
                    rect,
                    2.0,
                    color.gamma_multiply(if dark { 0.30 } else { 0.20 }),
                );
            }
        }
        // The selection the next label key would tag, as it will be snapped.
        if let Some(range) = selection
            .text_range()
            .and_then(|r| select::snapped(document.text(), r, whole_words))
        {
            for rect in self.row_rects(range) {
                painter.rect_filled(
                    text_band(rect, font_height),
                    0.0,
                    ui.visuals().selection.bg_fill.gamma_multiply(0.7),
                );
            }
        }
        // Underlines, one level per nesting depth, and the selected span's outline.
        for (span, level) in spans {
            let color = label_color(scheme, &span.label);
            let rects = self.row_rects(span.char_range());
            for rect in &rects {
                let band = text_band(*rect, font_height);
                let y = band.bottom() + 2.0 + 3.0 * (*level).min(UNDERLINE_LEVELS - 1) as f32;
                painter.hline(band.x_range(), y, Stroke::new(2.0, color));
                if selected_group.contains(&span.id) {
                    painter.rect_stroke(
                        band.expand(1.5),
                        3.0,
                        Stroke::new(2.0, ui.visuals().strong_text_color()),
                        egui::StrokeKind::Outside,
                    );
                } else if hovered_group.contains(&span.id) {
                    painter.rect_stroke(
                        band.expand(1.5),
                        3.0,
                        Stroke::new(1.5, color),
                        egui::StrokeKind::Outside,
                    );
                } else if conflicted.contains(&span.id) {
                    painter.rect_stroke(
                        band.expand(1.5),
                        3.0,
                        Stroke::new(1.5, ui.visuals().warn_fg_color),
                        egui::StrokeKind::Outside,
                    );
                }
            }
        }
        // The fragments of the selected or hovered discontinuous span, joined in order.
        for group in [&selected_group, &hovered_group] {
            self.paint_fragment_joins(ui, document, scheme, group);
        }
        // The text.
        for placed in &self.placed {
            painter.galley(placed.pos, placed.galley.clone(), ui.visuals().text_color());
        }
        // Label chips above the first row of each span, side by side when several start
        // at the same place; and a hover widget per span with its accessible name.
        let mut chip_right = f32::NEG_INFINITY;
        let mut last_chip_top = f32::NAN;
        for (span, _) in spans {
            let Some(first_row) = self.row_rects(span.char_range()).into_iter().next() else {
                continue;
            };
            let color = label_color(scheme, &span.label);
            let band = text_band(first_row, font_height);
            let mark = chip_mark(span);
            let position = fragments.and_then(|f| f.position(span.id));
            // A later fragment has a small continuation mark, not a chip of its own; the
            // first says that it goes on.
            let chip_label = match position {
                Some((at, _)) if at > 0 => "…".to_string(),
                _ => {
                    let mut chip = span.label.clone();
                    if conflicted.contains(&span.id) {
                        chip = format!("⚠ {chip}");
                    }
                    if !mark.is_empty() {
                        chip = format!("{chip} {mark}");
                    }
                    if position.is_some() {
                        chip.push_str(" …");
                    }
                    chip
                }
            };
            let chip_text = painter.layout_no_wrap(chip_label, chip_font.clone(), Color32::WHITE);
            let mut x = band.left();
            if band.top() == last_chip_top && x < chip_right + 2.0 {
                x = chip_right + 2.0;
            }
            let chip = Rect::from_min_size(
                pos2(x, band.top() - chip_text.size().y - 1.0),
                chip_text.size() + vec2(6.0, 0.0),
            );
            if span.start >= self.visible_chars().start {
                painter.rect_filled(chip, 3.0, color.gamma_multiply(0.9));
                painter.galley(chip.min + vec2(3.0, 0.0), chip_text, Color32::WHITE);
                chip_right = chip.right();
                last_chip_top = band.top();
            }
            let hover = ui.interact(band, Self::id().with(("span", span.id)), Sense::hover());
            hover.widget_info(|| {
                let mut name = accessible_name(span, entities);
                if let Some((at, count)) = position {
                    name.push_str(&format!(", fragment {} of {count}", at + 1));
                }
                if conflicted.contains(&span.id) {
                    name.push_str(", merge conflict");
                }
                egui::WidgetInfo::labeled(egui::Role::Mark, true, name)
            });
        }
    }

    /// Proposals as dashed outlines in their label's colour, with a tag saying where each
    /// comes from (the rule, the model a stored suggestion came from, or A, B, A=B); the
    /// selected one solid.
    fn paint_proposals(
        &self,
        ui: &Ui,
        document: &Document,
        proposals: &Proposals,
        scheme: &Scheme,
        selection: Selection,
        visible: Range<usize>,
    ) {
        let painter = ui.painter();
        let font_height = self.layout_key.1;
        let tag_font = FontId::proportional(9.0);
        // Proposals over the same text (A's location, B's actor) are drawn one ring
        // further out and their tags one line lower, so each stays visible.
        let mut drawn: Vec<Range<usize>> = Vec::new();
        for (index, proposal) in proposals.overlapping(visible.clone()) {
            let range = &proposal.char_range;
            let level = drawn.iter().filter(|d| *d == range).count().min(3) as f32;
            drawn.push(range.clone());
            let color = label_color(scheme, &proposal.label);
            let selected = selection == Selection::Proposal(index);
            let rects = self.row_rects(proposal.char_range.clone());
            // Agreed spans in long dashes, one annotator's in short ones, rules dotted.
            let (dash, gap) = match proposal.origin {
                Origin::Agreed => (7.0, 3.0),
                Origin::OnlyA | Origin::OnlyB => (4.0, 3.0),
                Origin::Rule(_) | Origin::Entity(_) => (2.0, 2.0),
                Origin::Imported { .. } => (5.0, 2.0),
            };
            for rect in &rects {
                let band = text_band(*rect, font_height).expand(1.0 + 2.5 * level);
                if selected {
                    painter.rect_filled(band, 2.0, color.gamma_multiply(0.25));
                    painter.rect_stroke(
                        band,
                        2.0,
                        Stroke::new(2.0, color),
                        egui::StrokeKind::Outside,
                    );
                } else {
                    let outline = [
                        band.left_top(),
                        band.right_top(),
                        band.right_bottom(),
                        band.left_bottom(),
                        band.left_top(),
                    ];
                    painter.extend(egui::Shape::dashed_line(
                        &outline,
                        Stroke::new(1.5, color),
                        dash,
                        gap,
                    ));
                }
            }
            if let Some(last) = rects.last() {
                let band = text_band(*last, font_height);
                let tag = painter.layout_no_wrap(
                    match &proposal.origin {
                        Origin::Rule(_) => format!("{}?", proposal.label),
                        origin => format!("{}? {}", proposal.label, origin.tag()),
                    },
                    tag_font.clone(),
                    color,
                );
                let y = band.bottom() + 1.0 + 2.5 * level + tag.size().y * level;
                painter.galley(pos2(band.right() - tag.size().x, y), tag, color);
            }
            if let Some(first) = rects.first() {
                let hover = ui.interact(
                    text_band(*first, font_height),
                    Self::id().with(("proposal", index)),
                    Sense::hover(),
                );
                hover.widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::Role::Mark,
                        true,
                        proposal_name(document, proposal, proposals.is_disputed(index)),
                    )
                });
            }
        }
    }

    /// The visible text, for the accessibility tree.
    fn visible_text(&self, text: &crate::model::Text) -> String {
        text.slice(self.visible_chars()).to_string()
    }

    /// Tells a screen reader where the caret is and what is selected (the document node's
    /// description), and makes the selected span's node the document's active descendant,
    /// so moving to a span with Tab announces it ("actor: Sergei Lavrov").
    fn describe(
        &self,
        ui: &Ui,
        document: &Document,
        entities: Option<&Entities>,
        caret: Caret,
        selection: Selection,
    ) {
        let text = document.text();
        let mut description = format!("caret at char {}", caret.head());
        let mut active = None;
        match selection {
            Selection::Span(id) => {
                if let Some(span) = document.annotations().get(id) {
                    description.push_str(&format!(
                        "; selected span: {}",
                        accessible_name(span, entities)
                    ));
                    active = Some(Self::id().with(("span", id)));
                }
            }
            _ if !caret.is_empty() => {
                let selected = text.slice(caret.char_range());
                description.push_str(&format!("; selected: '{}'", shorten(selected, 200)));
            }
            _ => {}
        }
        let has_active = active.is_some_and(|id| ui.ctx().has_accesskit_node(id));
        ui.ctx().accesskit_node_builder(Self::id(), |node| {
            node.set_description(description);
            if let Some(id) = active.filter(|_| has_active) {
                node.set_active_descendant(id.accesskit_id());
            }
        });
        if let Some(id) = active.filter(|_| has_active) {
            ui.ctx()
                .accesskit_node_builder(id, |node| node.set_selected(true));
        }
    }

    /// The rows laid out last frame, for the caret's row and page moves.
    pub fn rows<'a>(&'a self, text: &'a crate::model::Text) -> LaidOutRows<'a> {
        LaidOutRows { view: self, text }
    }

    /// A zero-width rect at `char_pos`, full row height, if its row is laid out.
    pub fn caret_rect(&self, char_pos: usize) -> Option<Rect> {
        let placed = self
            .placed
            .iter()
            .find(|p| p.char_start <= char_pos && char_pos <= p.char_end)?;
        let cursor = egui::text::CCursor::new(char_pos - placed.char_start);
        Some(
            placed
                .galley
                .pos_from_cursor(cursor)
                .translate(placed.pos.to_vec2()),
        )
    }

    /// The y of the row holding `char_pos` from its paragraph's top, if laid out.
    fn row_top_in_paragraph(&self, char_pos: usize) -> Option<f32> {
        let placed = self
            .placed
            .iter()
            .find(|p| p.char_start <= char_pos && char_pos <= p.char_end)?;
        let cursor = egui::text::CCursor::new(char_pos - placed.char_start);
        Some(placed.galley.pos_from_cursor(cursor).top())
    }

    /// The laid-out row holding `char_pos`: (paragraph, row, the row's first char).
    fn row_of(&self, char_pos: usize) -> Option<(usize, usize, usize)> {
        let mut found = None;
        for (p, placed) in self.placed.iter().enumerate() {
            if char_pos < placed.char_start || char_pos > placed.char_end {
                continue;
            }
            let mut start = placed.char_start;
            for (r, row) in placed.galley.rows.iter().enumerate() {
                if start <= char_pos {
                    found = Some((p, r, start));
                }
                start += row.char_count_including_newline().0;
            }
            return found;
        }
        None
    }

    /// How many rows fit the view: a page for PageUp / PageDown.
    fn page_rows(&self) -> usize {
        let row_height = (self.layout_key.1 * LINE_SPACING).round().max(1.0);
        let height = self.last_viewport.map_or(600.0, |v| v.height());
        ((height / row_height).floor() as usize)
            .saturating_sub(1)
            .max(1)
    }

    /// The char at the same horizontal place on the row below (or above) the one holding
    /// `char_pos`, among the rows laid out last frame.
    pub fn char_on_next_row(&self, char_pos: usize, down: bool) -> Option<usize> {
        // Every laid-out row, in order: (galley origin, row index, first char).
        let mut rows = Vec::new();
        for (p, placed) in self.placed.iter().enumerate() {
            let mut start = placed.char_start;
            for (r, row) in placed.galley.rows.iter().enumerate() {
                rows.push((p, r, start));
                start += row.char_count_including_newline().0;
            }
        }
        let here = rows
            .iter()
            .rposition(|&(p, _, start)| start <= char_pos && char_pos <= self.placed[p].char_end)?;
        let (p, r, start) = rows[here];
        let row = &self.placed[p].galley.rows[r];
        let x = row.pos.x + row.row.x_offset(egui::text::CharIndex(char_pos - start));
        let target = if down { here + 1 } else { here.checked_sub(1)? };
        let &(tp, tr, tstart) = rows.get(target)?;
        let target_row = &self.placed[tp].galley.rows[tr];
        Some(tstart + target_row.row.char_at(x - target_row.pos.x).0)
    }

    /// Search matches in the visible text (matches are sorted, so a binary search finds
    /// the first visible one).
    fn paint_highlights(
        &self,
        ui: &Ui,
        matches: &[Range<usize>],
        current: Option<usize>,
        visible: Range<usize>,
    ) {
        let first = matches.partition_point(|m| m.end <= visible.start);
        for (i, m) in matches
            .iter()
            .enumerate()
            .skip(first)
            .take_while(|(_, m)| m.start < visible.end)
        {
            let alpha = if Some(i) == current { 160 } else { 70 };
            for rect in self.row_rects(m.clone()) {
                let band = text_band(rect, self.layout_key.1);
                ui.painter().rect_filled(
                    band,
                    2.0,
                    Color32::from_rgba_unmultiplied(240, 200, 0, alpha),
                );
            }
        }
    }

    /// A curved line from each given span to the spans it is linked with (either way), from
    /// the top of one's first visible row to the other's, with a dot at the `to` end.
    fn paint_links(&self, ui: &Ui, document: &Document, scheme: &Scheme, spans: &[SpanId]) {
        let annotations = document.annotations();
        let anchor = |id: SpanId| {
            let span = annotations.get(id)?;
            let rect = *self.row_rects(span.char_range()).first()?;
            Some((rect.center_top() + vec2(0.0, rect.height() * 0.2), span))
        };
        let joins = |r: &Relation| self.fragments().is_some_and(|f| f.joins(r));
        for &id in spans {
            // Fragments are one annotation, not linked spans: see `paint_fragment_joins`.
            for relation in annotations.relations_of(id).filter(|r| !joins(r)) {
                let (Some((from, span)), Some((to, _))) =
                    (anchor(relation.from), anchor(relation.to))
                else {
                    continue;
                };
                let color = label_color(scheme, &span.label);
                let lift = vec2(0.0, -18.0 - (from - to).length() * 0.08);
                let curve = egui::epaint::CubicBezierShape::from_points_stroke(
                    [from, from + lift, to + lift, to],
                    false,
                    Color32::TRANSPARENT,
                    Stroke::new(2.0, color),
                );
                ui.painter().add(curve);
                ui.painter().circle_filled(to, 3.5, color);
            }
        }
    }

    /// A dotted line from the end of each fragment of a discontinuous span to the start of
    /// the next (in text order), in its label's colour.
    fn paint_fragment_joins(
        &self,
        ui: &Ui,
        document: &Document,
        scheme: &Scheme,
        group: &[SpanId],
    ) {
        let annotations = document.annotations();
        let mut spans: Vec<&Span> = group.iter().filter_map(|&id| annotations.get(id)).collect();
        if spans.len() < 2 {
            return;
        }
        let color = label_color(scheme, &spans[0].label);
        spans.sort_by_key(|s| (s.start, s.end));
        let font_height = self.layout_key.1;
        for pair in spans.windows(2) {
            let (Some(end), Some(start)) = (
                self.row_rects(pair[0].char_range()).last().copied(),
                self.row_rects(pair[1].char_range()).first().copied(),
            ) else {
                continue;
            };
            let (a, b) = (text_band(end, font_height), text_band(start, font_height));
            let points = [
                a.right_bottom() + vec2(1.0, 1.0),
                b.left_bottom() + vec2(-1.0, 1.0),
            ];
            ui.painter()
                .extend(egui::Shape::dotted_line(&points, color, 4.0, 1.2));
        }
    }

    /// Screen rects (full row height) covering a char range, one per row it touches among
    /// the rows laid out in the last frame.
    pub fn row_rects(&self, range: Range<usize>) -> Vec<Rect> {
        let mut rects = Vec::new();
        for placed in &self.placed {
            if range.end <= placed.char_start || range.start > placed.char_end {
                continue;
            }
            let mut row_start = placed.char_start;
            for row in &placed.galley.rows {
                let count = row.char_count_including_newline().0;
                let row_end = row_start + count;
                let a = range.start.max(row_start);
                let b = range.end.min(row_end);
                if a < b || (a == b && count == 0 && range.contains(&a)) {
                    let x0 = row.pos.x + row.row.x_offset(egui::text::CharIndex(a - row_start));
                    let x1 = row.pos.x + row.row.x_offset(egui::text::CharIndex(b - row_start));
                    rects.push(Rect::from_x_y_ranges(
                        placed.pos.x + x0..=placed.pos.x + x1.max(x0 + 3.0),
                        placed.pos.y + row.min_y()..=placed.pos.y + row.max_y(),
                    ));
                }
                row_start = row_end;
            }
        }
        rects
    }
}

/// The document's rows as laid out last frame ([`DocView::rows`]): a wrapped paragraph is
/// several rows, and a page is the rows that fit the view. A char outside the laid-out
/// rows (off screen) falls back to [`ParagraphRows`], a paragraph per row.
pub struct LaidOutRows<'a> {
    view: &'a DocView,
    text: &'a crate::model::Text,
}

impl LaidOutRows<'_> {
    fn fallback(&self) -> ParagraphRows<'_> {
        ParagraphRows {
            text: self.text,
            page_rows: self.view.page_rows(),
        }
    }

    /// `count` rows up or down, row by row through the laid-out rows, then by paragraphs.
    fn rows_away(&self, char_pos: usize, count: usize, down: bool) -> usize {
        let mut pos = char_pos;
        for _ in 0..count {
            let next = match self.view.char_on_next_row(pos, down) {
                Some(next) => next,
                None if down => self.fallback().below(pos),
                None => self.fallback().above(pos),
            };
            if next == pos {
                break;
            }
            pos = next;
        }
        pos
    }
}

impl Rows for LaidOutRows<'_> {
    fn row_start(&self, char_pos: usize) -> usize {
        match self.view.row_of(char_pos) {
            Some((_, _, start)) => start,
            None => self.fallback().row_start(char_pos),
        }
    }
    fn row_end(&self, char_pos: usize) -> usize {
        match self.view.row_of(char_pos) {
            Some((p, r, start)) => {
                let rows = &self.view.placed[p].galley.rows;
                let count = rows[r].char_count_excluding_newline().0;
                // A wrapped row's end is its next row's start: stop before the space it
                // wrapped at, so the caret stays on this row.
                if r + 1 < rows.len() {
                    start + count.saturating_sub(1)
                } else {
                    start + count
                }
            }
            None => self.fallback().row_end(char_pos),
        }
    }
    fn above(&self, char_pos: usize) -> usize {
        self.rows_away(char_pos, 1, false)
    }
    fn below(&self, char_pos: usize) -> usize {
        self.rows_away(char_pos, 1, true)
    }
    fn page_up(&self, char_pos: usize) -> usize {
        self.rows_away(char_pos, self.view.page_rows(), false)
    }
    fn page_down(&self, char_pos: usize) -> usize {
        self.rows_away(char_pos, self.view.page_rows(), true)
    }
}

/// The part of a row rect where the glyphs are: the extra line spacing is split evenly
/// above and below the text.
fn text_band(row: Rect, font_height: f32) -> Rect {
    let pad = ((row.height() - font_height) / 2.0).max(0.0);
    Rect::from_x_y_ranges(row.x_range(), row.top() + pad..=row.bottom() - pad)
}

/// Assigns each span an underline level: the lowest level not taken by an earlier span
/// that still covers its start. Outer spans come first, so they sit closest to the text.
fn stack_levels<'a>(
    spans: impl Iterator<Item = &'a Span>,
    scheme: &Scheme,
) -> Vec<(&'a Span, usize)> {
    let label_rank = |name: &str| scheme.labels.iter().position(|l| l.name == name);
    let mut spans: Vec<&Span> = spans.collect();
    spans.sort_by_key(|s| {
        (
            s.start,
            std::cmp::Reverse(s.end),
            label_rank(&s.label),
            s.id,
        )
    });
    let mut level_ends: Vec<usize> = Vec::new();
    spans
        .into_iter()
        .map(|span| {
            let level = match level_ends.iter().position(|&end| end <= span.start) {
                Some(free) => free,
                None => {
                    level_ends.push(0);
                    level_ends.len() - 1
                }
            };
            level_ends[level] = span.end;
            (span, level)
        })
        .collect()
}

fn span_tooltip(
    document: &Document,
    span: &Span,
    entities: Option<&Entities>,
    fragments: Option<&Fragments>,
) -> String {
    let mut tip = format!("{}: {}", span.label, shorten(&span.text, 80));
    if let Some(line) = fragments.and_then(|f| fragment_line(document, f, span.id)) {
        tip.push('\n');
        tip.push_str(&line);
    }
    for (attribute, value) in &span.attrs {
        tip.push_str(&format!("\n{attribute}: {}", shorten(value, 60)));
    }
    if let Some(id) = &span.entity {
        match entities.and_then(|e| e.get(id)) {
            Some(entity) => tip.push_str(&format!("\nentity: {} ({id})", entity.name)),
            None => tip.push_str(&format!("\nentity: {id} (not in entities.ron)")),
        }
    }
    let annotations = document.annotations();
    for relation in annotations
        .relations()
        .iter()
        .filter(|r| r.from == span.id && !fragments.is_some_and(|f| f.joins(r)))
    {
        if let Some(to) = annotations.get(relation.to) {
            tip.push_str(&format!("\n{}: {}", relation.kind, shorten(&to.text, 40)));
        }
    }
    if !span.note.is_empty() {
        tip.push_str("\nnote: ");
        tip.push_str(&span.note);
    }
    tip
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixture;

    /// The tooltip names a span's fragments, and lists as links only the relations that
    /// join no fragments: a fragment relation from a span to itself is shown, to be seen.
    #[test]
    fn a_tooltip_lists_no_joining_relation_but_a_fragment_relation_to_itself() {
        let d = fixture::document("[quote|Restraint] is [quote|needed]");
        let relations = [(1, 1, 2), (2, 1, 1)]
            .into_iter()
            .map(|(id, from, to)| crate::model::Relation {
                id,
                kind: crate::model::FRAGMENT_KIND.into(),
                from,
                to,
            })
            .collect();
        let annotations =
            crate::model::Annotations::from_parts(d.annotations().spans().to_vec(), relations)
                .unwrap();
        let d = Document::new(d.text().clone(), Default::default(), annotations);
        let fragments = d.annotations().fragments();
        let span = &d.annotations().spans()[0];
        let tip = span_tooltip(&d, span, None, Some(&fragments));
        assert_eq!(
            tip,
            "quote: Restraint\nfragment 1 of 2 of quote span 1\nfragment: Restraint"
        );
    }

    #[test]
    fn nested_spans_get_distinct_levels_outer_first() {
        let doc = fixture::document("[claim|[quote|Libya is [location|Libya]]] and [actor|x]");
        let scheme = Scheme::default();
        let levels: Vec<(String, usize)> = stack_levels(doc.annotations().spans().iter(), &scheme)
            .into_iter()
            .map(|(s, l)| (s.label.clone(), l))
            .collect();
        assert_eq!(
            levels,
            vec![
                ("claim".to_string(), 0),
                ("quote".to_string(), 1),
                ("location".to_string(), 2),
                ("actor".to_string(), 0)
            ]
        );
    }
}
