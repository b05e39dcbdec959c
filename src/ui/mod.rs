//! The egui front end. It draws state and sends commands; see [`app`] for the one place
//! they are applied, and [`doc_view`] for the document widget.

pub mod app;
pub mod command;
pub mod compare;
pub mod conflicts;
mod conflicts_panel;
pub mod corpus_view;
pub mod dashboard;
pub mod dialogs;
pub mod doc_view;
pub mod export_dialog;
pub mod find;
pub mod focus;
pub mod folder;
pub mod fonts;
mod guard;
pub mod header;
pub mod import_dialog;
pub mod job;
pub mod keymap;
mod panels;
pub mod review;
mod review_panel;
pub mod state;
pub mod widgets;

pub use app::SpantagApp;
pub use command::{command_channel, AppCommand, CommandSender, EntityEdit, Pick};
pub use doc_view::Selection;
pub use state::{Notice, Prefs, ViewState, Workspace};

use std::path::PathBuf;

/// Opens the main window, with `path` open if given, and runs until it is closed.
pub fn run(path: Option<PathBuf>) -> eframe::Result {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("spantag")
        .with_inner_size([1180.0, 780.0])
        .with_min_inner_size([640.0, 400.0])
        .with_drag_and_drop(true);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(crate::store::desktop::ICON_PNG) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        // The app installs its fallback fonts itself: the system's, then its own.
        system_font_fallback: false,
        ..Default::default()
    };
    eframe::run_native(
        "spantag",
        options,
        Box::new(move |cc| {
            fonts::install(&cc.egui_ctx, fonts::FontSources::SystemThenBundled);
            let prefs = cc
                .storage
                .and_then(|storage| eframe::get_value::<state::Prefs>(storage, state::PREFS_KEY))
                .unwrap_or_default();
            let mut app = SpantagApp::new(&cc.egui_ctx, path.as_deref());
            app.set_prefs(prefs);
            Ok(Box::new(app))
        }),
    )
}
