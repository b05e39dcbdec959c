//! Re-anchoring after an article changed: generated articles (`model::generate`) with
//! paragraphs deleted, new ones inserted and two swapped, re-anchored with the old text
//! known (the app saw the change: whole-text line diff first) and without it (`spantag
//! reanchor`, or opening a changed article: each span's stored context only).
//!
//! Run: `cargo bench --bench anchor [FILTER]`, FILTER matching a case name (`10k`, `1m`).
//! Prints, per case, the median of 5 runs in ms and what became of the spans.

#[allow(dead_code)] // `rss_mb` is for the benches that measure memory
mod common;
use common::median_ms;

use std::time::Instant;

use spantag::anchor::reanchor;
use spantag::model::{generate, Text};

/// The article with every seventh paragraph deleted, a new paragraph before every fifth,
/// and the second and third paragraphs swapped.
fn edited(old: &Text) -> Text {
    let mut paragraphs: Vec<String> = old
        .as_str()
        .split_inclusive('\n')
        .map(str::to_string)
        .collect();
    if paragraphs.len() > 3 {
        paragraphs.swap(1, 2);
    }
    let mut out = String::with_capacity(old.as_str().len() + old.as_str().len() / 4);
    for (i, paragraph) in paragraphs.iter().enumerate() {
        if i % 5 == 0 {
            out.push_str("A new paragraph the editor added, naming Cairo and Lavrov again.\n");
        }
        if i % 7 != 3 {
            out.push_str(paragraph);
        }
    }
    Text::new(out)
}

fn main() {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let cases = [("10k", 1, 10_000, 100), ("1m", 2, 1_000_000, 10_000)];
    for (name, seed, chars, spans) in cases {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let document = generate::article(seed, chars, spans);
        let old = document.text().clone();
        let new = edited(&old);
        let original = document.annotations().spans().to_vec();
        for (how, previous) in [("old text known", Some(&old)), ("context only", None)] {
            let mut runs = Vec::new();
            let mut outcome = None;
            for _ in 0..5 {
                let mut spans = original.clone();
                let start = Instant::now();
                let done = reanchor(&mut spans, &new, previous);
                runs.push(start.elapsed());
                outcome = Some(done);
            }
            let outcome = outcome.unwrap_or_default();
            println!(
                "{name} ({} chars, {} spans), {how}: {:.2} ms (median of 5); \
                 held {}, moved {}, orphaned {}",
                old.len_chars(),
                original.len(),
                median_ms(runs),
                outcome.held,
                outcome.moved.len(),
                outcome.orphaned.len(),
            );
        }
    }
}
