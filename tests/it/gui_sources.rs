//! A saved web page, end to end in the window: it opens as its article's text (no menus,
//! banners or comments), its citation shows above the text, a quote tagged on it is saved
//! with the citation, and a jsonl export holds the quote at its offsets with the page's
//! title, outlet, date and URL.

use egui::Key;
use egui_kittest::kittest::Queryable;
use std::path::PathBuf;

use egui_kittest::Harness;
use spantag::ui::fonts::{self, FontSources};
use spantag::ui::SpantagApp;

use crate::gui::{document, drag_select, export_with_dialog, wait_for_sidecar};

/// What a drag over the chairman's second sentence tags (the drag ends inside the full
/// stop, which is left out).
const QUOTE: &str = "We are not against protecting the town. We are against doing it blind";

/// The news page fixture, copied into a folder of its own.
fn news_page() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("harbour-barrier.html");
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sources/news-page.html");
    std::fs::copy(fixture, &page).unwrap();
    (dir, page)
}

/// The app on `page` in a window tall enough to show the whole article, quote included.
fn tall_harness(page: &std::path::Path) -> Harness<'static, SpantagApp> {
    let page = page.to_path_buf();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1180.0, 1100.0))
        .with_step_dt(1.0 / 60.0)
        .with_max_steps(240)
        .build_eframe(move |cc| {
            fonts::install(&cc.egui_ctx, FontSources::BundledOnly);
            SpantagApp::new(&cc.egui_ctx, Some(&page))
        });
    harness.run();
    harness
}

#[test]
fn a_web_page_opens_is_tagged_and_exports_its_quote_with_the_pages_citation() {
    let (dir, page) = news_page();
    let mut harness = tall_harness(&page);
    let doc = document(&harness);
    let text = doc.text().as_str().to_string();
    assert!(
        text.starts_with("Northport’s harbour council voted 9 to 4"),
        "{text}"
    );
    assert!(
        !text.contains("cookies") && !text.contains("Related"),
        "{text}"
    );
    assert_eq!(doc.citation.outlet, "The Northport Ledger");
    // The header shows the citation and how the text was extracted.
    harness.get_by_label("Harbour council approves flood barrier after decade of delays");
    harness.get_by_label_contains("Web page · dom_smoothie");

    drag_select(&mut harness, QUOTE);
    harness.key_press(Key::Num2);
    harness.run_steps(2);
    let sidecar = crate::gui::sidecar_of(&page);
    wait_for_sidecar(&mut harness, &sidecar, "the quote", |spans| {
        spans.iter().any(|s| s.label == "quote" && s.text == QUOTE)
    });
    let saved = std::fs::read_to_string(&sidecar).unwrap();
    assert!(
        saved.contains("source: (kind: \"html\"")
            && saved.contains("outlet: \"The Northport Ledger\""),
        "{saved}"
    );

    let out = dir.path().join("export.jsonl");
    export_with_dialog(
        &mut harness,
        "JSON Lines, spantag's own (chars; everything)",
        "This article",
        &out,
    );
    let exported = std::fs::read_to_string(&out).unwrap();
    let record: serde_json::Value = serde_json::from_str(exported.trim()).unwrap();
    assert_eq!(record["id"], "harbour-barrier.html");
    let quote = &record["spans"][0];
    assert_eq!(
        (&quote["label"], &quote["text"]),
        (&"quote".into(), &QUOTE.into())
    );
    // The offsets count chars of the extracted text, which the record carries.
    let chars: Vec<char> = record["text"].as_str().unwrap().chars().collect();
    let (start, end) = (
        quote["start"].as_u64().unwrap() as usize,
        quote["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(chars[start..end].iter().collect::<String>(), QUOTE);
    let citation = &record["citation"];
    assert_eq!(
        citation["title"],
        "Harbour council approves flood barrier after decade of delays"
    );
    assert_eq!(citation["outlet"], "The Northport Ledger");
    assert_eq!(citation["published"], "2026-11-30T08:15:00+01:00");
    assert_eq!(
        citation["url"],
        "https://www.northportledger.example/news/2026/11/30/harbour-flood-barrier-approved"
    );
    assert_eq!(record["extraction"]["kind"], "html");

    harness.key_press(Key::Escape);
    harness.run();
    harness.snapshot("web_page_header");
}
