use spantag::extract::extract;
use spantag::model::SourceKind;

#[test]
fn dump() {
    for (kind, name) in [
        (SourceKind::Html, "news-page.html"),
        (SourceKind::Html, "saved-page.htm"),
        (SourceKind::Html, "no-article.html"),
        (SourceKind::Email, "newsletter.eml"),
        (SourceKind::Email, "plain.eml"),
        (SourceKind::Markdown, "briefing.md"),
    ] {
        let bytes = std::fs::read(format!(
            "{}/tests/sources/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        println!("==== {name}\n{:#?}", extract(kind, &bytes));
    }
}
