//! Caret motions on a 5 MB book (`model::generate`, paragraphs of about 600 chars) and on
//! the same text as one 5 MB paragraph (the worst case for paragraph windows): every motion
//! moved and extended, the sentence and the quotation around the caret, each at 20,000
//! positions spread over the text.
//!
//! Run: `cargo bench --bench selection`. Prints, per case, the median over 5 runs of the
//! mean time per call, in µs. A frame is 16 ms (docs/PERFORMANCE.md).

#[allow(dead_code)] // `rss_mb` is for the benches that measure memory
mod common;
use common::median_ms;

use std::hint::black_box;
use std::time::Instant;

use spantag::model::{generate, quote_around, sentence_around, Caret, Motion, ParagraphRows, Text};

const POSITIONS: usize = 20_000;

/// Microseconds per call of `f` over `positions`: the median of 5 runs.
fn per_call_us(positions: &[usize], mut f: impl FnMut(usize)) -> f64 {
    let runs = (0..5)
        .map(|_| {
            let start = Instant::now();
            for &pos in positions {
                f(pos);
            }
            start.elapsed()
        })
        .collect();
    median_ms(runs) * 1e3 / positions.len() as f64
}

fn main() {
    let book = generate::article(7, 5_000_000, 0).text().clone();
    let one_paragraph = Text::new(book.as_str().replace('\n', " "));
    for (name, text) in [
        ("5 MB book", &book),
        ("5 MB, one paragraph", &one_paragraph),
    ] {
        let len = text.len_chars();
        let positions: Vec<usize> = (0..POSITIONS)
            .map(|i| (i * 7_919 + 13) as u64 * len as u64 / (POSITIONS as u64 * 7_919))
            .map(|p| p as usize)
            .collect();
        println!(
            "{name}: {} chars, {} paragraphs, {} positions",
            len,
            text.paragraphs().len(),
            positions.len()
        );
        let rows = ParagraphRows {
            text,
            page_rows: 30,
        };
        for motion in Motion::ALL {
            let moved = per_call_us(&positions, |pos| {
                black_box(Caret::at(text, pos).moved(text, &rows, motion));
            });
            let extended = per_call_us(&positions, |pos| {
                let caret = Caret::new(text, pos.saturating_sub(40), pos);
                black_box(caret.extended(text, &rows, motion));
            });
            println!("  {motion:?}: moved {moved:.2} µs, extended {extended:.2} µs");
        }
        let at = per_call_us(&positions, |pos| {
            black_box(Caret::at(text, pos));
        });
        let sentence = per_call_us(&positions, |pos| {
            black_box(sentence_around(text, pos));
        });
        let quote = per_call_us(&positions, |pos| {
            black_box(quote_around(text, pos));
        });
        let span = per_call_us(&positions, |pos| {
            black_box(Caret::new(text, pos, pos + 60).span_range(text, true));
        });
        println!(
            "  Caret::at {at:.2} µs, sentence_around {sentence:.2} µs, quote_around {quote:.2} µs, \
             span_range (whole words) {span:.2} µs"
        );
    }
}
