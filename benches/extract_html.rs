//! A 300 KB news page through `extract(Html, ...)`: decoding (windows-1252), dom_smoothie's
//! main-article search and the layout. The page is `tests/sources/news-page.html` with its
//! article body repeated into a long read (a numbered subheading between copies) and its
//! boilerplate grown to a real site's: a 120-link mega menu, 40 related links and 150
//! comments.
//!
//! Run: `cargo bench --bench extract_html`. Prints the page size, the extracted text's size,
//! and the median over 21 runs in ms. The target is under 50 ms (issue 18).

#[allow(dead_code)] // `rss_mb` is for the benches that measure memory
mod common;
use common::median_ms;

use std::hint::black_box;
use std::time::Instant;

use spantag::extract::extract;
use spantag::model::SourceKind;

const FIXTURE: &[u8] = include_bytes!("../tests/sources/news-page.html");
const TARGET_BYTES: usize = 300_000;
const RUNS: usize = 21;

/// The bytes of `haystack` up to and after the first `needle`.
fn split<'a>(haystack: &'a [u8], needle: &str) -> (&'a [u8], &'a [u8]) {
    let at = haystack
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .unwrap_or_else(|| panic!("{needle:?} in the fixture"));
    (&haystack[..at], &haystack[at..])
}

/// The fixture grown to about [`TARGET_BYTES`].
fn long_page() -> Vec<u8> {
    let (head, rest) = split(FIXTURE, "<header");
    let (header, rest) = split(rest, "</nav>");
    let (before_body, rest) = split(rest, "<div class=\"story-body\">");
    let (body, rest) = split(rest, "</div>\n</article>");
    let (before_comments, rest) = split(rest, "</section>");
    let body = &body["<div class=\"story-body\">".len()..];

    let mut menu = String::from("<ul class=\"mega-menu\">");
    for i in 0..120 {
        menu.push_str(&format!(
            "<li><a href=\"/section/{i}\">Section {i}</a> <a href=\"/section/{i}/latest\">Latest</a></li>"
        ));
    }
    menu.push_str("</ul>");
    let mut related = String::from("<aside class=\"related\"><h3>More from the Ledger</h3><ul>");
    for i in 0..40 {
        related.push_str(&format!(
            "<li><a href=\"/news/{i}\"><img src=\"/thumbs/{i}.jpg\" alt=\"\">Story number {i} from our newsroom</a></li>"
        ));
    }
    related.push_str("</ul></aside>");
    let mut comments = String::new();
    for i in 0..150 {
        comments.push_str(&format!(
            "<div class=\"comment\"><span class=\"comment-author\">reader_{i}</span>\
             <p>Comment {i}: I have lived by the harbour for years and this is the first I hear of it.</p>\
             <a href=\"#reply-{i}\">Reply</a> <a href=\"#report-{i}\">Report</a></div>"
        ));
    }

    let mut page = Vec::with_capacity(TARGET_BYTES + 20_000);
    page.extend_from_slice(head);
    page.extend_from_slice(header);
    page.extend_from_slice(menu.as_bytes());
    page.extend_from_slice(before_body);
    page.extend_from_slice(b"<div class=\"story-body\">");
    let boilerplate = FIXTURE.len() + menu.len() + related.len() + comments.len();
    let mut part = 1;
    while page.len() + boilerplate < TARGET_BYTES {
        page.extend_from_slice(format!("<h2>Part {part}</h2>").as_bytes());
        page.extend_from_slice(body);
        part += 1;
    }
    page.extend_from_slice(before_comments);
    page.extend_from_slice(comments.as_bytes());
    page.extend_from_slice(related.as_bytes());
    page.extend_from_slice(rest);
    page
}

fn main() {
    let page = long_page();
    let extracted = extract(SourceKind::Html, &page).expect("the long page extracts");
    assert!(extracted.notices.is_empty(), "the article was found");
    println!(
        "news page: {} KB, {} paragraphs of text ({} KB)",
        page.len() / 1000,
        extracted.text.split("\n\n").count(),
        extracted.text.len() / 1000
    );
    let runs = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            black_box(extract(SourceKind::Html, black_box(&page)).ok());
            start.elapsed()
        })
        .collect();
    println!(
        "  extract(Html): median {:.1} ms over {RUNS} runs",
        median_ms(runs)
    );
}
