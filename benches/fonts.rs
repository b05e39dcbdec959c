//! What the bundled fallback fonts cost (see `spantag::ui::fonts`).
//!
//! Run: `cargo bench --bench fonts`. Prints, as medians of 5 runs:
//! - decompressing each bundled font (it happens once, the first time its script is drawn);
//! - the first frame laying out a line in each script in a fresh `egui::Context` with only
//!   the bundled fonts, against the same for a Latin line (which loads none of them): the
//!   time a person waits when an article in that script first appears;
//! - the resident memory a context holds after drawing every script, over one that drew
//!   only Latin.

mod common;
use common::{median_ms, rss_mb};

use std::time::{Duration, Instant};

use spantag::ui::fonts::{self, FontSources, BUNDLED};

/// One frame of a fresh context that lays out `lines`, from creating the context on.
fn first_frame(lines: &[&str]) -> (egui::Context, Duration) {
    let start = Instant::now();
    let ctx = egui::Context::default();
    fonts::install(&ctx, FontSources::BundledOnly);
    let mut output = ctx.run_ui(Default::default(), |ui| {
        for line in lines {
            ui.label(egui::RichText::new(*line).size(16.0));
        }
    });
    // No renderer here to upload the font atlas to.
    output.textures_delta.clear();
    (ctx, start.elapsed())
}

fn main() {
    // Memory first, before timed runs leave freed memory in the allocator's pools.
    let before = rss_mb();
    let (latin, _) = first_frame(&["Sergei Lavrov said restraint."]);
    let latin_mb = rss_mb() - before;
    let all: Vec<&str> = BUNDLED.iter().map(|font| font.sample).collect();
    let (every, _) = first_frame(&all);
    let every_mb = rss_mb() - before - latin_mb;
    drop((latin, every));

    println!("| font | uncompressed | unpack | first frame in its script |");
    println!("|---|---|---|---|");
    let latin_ms = median_ms(
        (0..5)
            .map(|_| first_frame(&["Sergei Lavrov said."]).1)
            .collect(),
    );
    println!("| (none: Latin) | – | – | {latin_ms:.1} ms |");
    for font in &BUNDLED {
        let size = font.decompress().map(|ttf| ttf.len()).unwrap_or(0);
        let decompress = median_ms(
            (0..5)
                .map(|_| {
                    let start = Instant::now();
                    let _ = font.decompress();
                    start.elapsed()
                })
                .collect(),
        );
        let frame = median_ms((0..5).map(|_| first_frame(&[font.sample]).1).collect());
        println!(
            "| {} | {:.0} KB | {decompress:.1} ms | {frame:.1} ms |",
            font.name,
            size as f64 / 1e3
        );
    }
    println!(
        "resident memory: a context that drew Latin {latin_mb:.1} MB; one that drew every script \
         {every_mb:.1} MB"
    );
}
