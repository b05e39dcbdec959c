//! PDF extraction of `tests/sources/hundred-pages.pdf` (100 A4 pages, one column, about
//! 500 words and a running footer a page): lopdf parsing, pdf-extract's glyph decoding
//! and the layout step together. The budget is 1 s.
//!
//! Run: `cargo bench --bench extract_pdf`. Prints the median of 7 runs, in ms.

#[allow(dead_code)] // `rss_mb` is for the benches that measure memory
mod common;
use common::median_ms;

use std::hint::black_box;
use std::time::Instant;

use spantag::extract::extract;
use spantag::model::SourceKind;

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/sources/hundred-pages.pdf"
    );
    let bytes = std::fs::read(path).expect("tests/sources/hundred-pages.pdf");
    let runs = (0..7)
        .map(|_| {
            let start = Instant::now();
            let extracted = extract(SourceKind::Pdf, black_box(&bytes)).expect("text");
            black_box(extracted);
            start.elapsed()
        })
        .collect();
    println!(
        "extract 100-page PDF ({} KB): {:.1} ms",
        bytes.len() / 1024,
        median_ms(runs)
    );
}
