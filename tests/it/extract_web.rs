//! The web-page, e-mail and Markdown extractors on hand-written fixtures
//! (`tests/sources/`): the exact text, citation and notices of each, determinism, bad input,
//! and mutated fixtures that must neither panic nor break the text layout.

use proptest::prelude::*;
use spantag::extract::{extract, ExtractError, Extracted};
use spantag::model::{Citation, SourceKind};

const WHOLE_PAGE_NOTICE: &str =
    "The main article could not be found: this is the whole page's text, menus and all.";
const HTML_EXTRACTOR: &str = "dom_smoothie 0.19.0 + spantag html 1";
const EMAIL_EXTRACTOR: &str =
    "mail-parser 0.11.9 + spantag email 1 (dom_smoothie 0.19.0 + spantag html 1)";

const FIXTURES: [(SourceKind, &str); 6] = [
    (SourceKind::Html, "news-page.html"),
    (SourceKind::Html, "saved-page.htm"),
    (SourceKind::Html, "no-article.html"),
    (SourceKind::Email, "newsletter.eml"),
    (SourceKind::Email, "plain.eml"),
    (SourceKind::Markdown, "briefing.md"),
];

fn source(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/sources/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn extracted(kind: SourceKind, name: &str) -> Extracted {
    extract(kind, &source(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn citation(title: &str, byline: &str, outlet: &str, published: &str, url: &str) -> Citation {
    Citation {
        title: title.into(),
        byline: byline.into(),
        outlet: outlet.into(),
        published: published.into(),
        url: url.into(),
    }
}

/// Why `text` breaks the common layout (src/extract/mod.rs), if it does.
fn layout_problem(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some("empty".into());
    }
    if text.starts_with('\n') || text.ends_with('\n') {
        return Some("a blank line at the start or end".into());
    }
    if text.contains("\n\n\n") {
        return Some("two blank lines in a row".into());
    }
    for line in text.split('\n') {
        if line.starts_with(' ') || line.ends_with(' ') {
            return Some(format!("a line with a space at an end: {line:?}"));
        }
        if line.contains("  ") {
            return Some(format!("a run of spaces: {line:?}"));
        }
        if let Some(c) = line.chars().find(|&c| c.is_whitespace() && c != ' ') {
            return Some(format!("whitespace {c:?} inside a line: {line:?}"));
        }
    }
    None
}

/// The article only: no headline (it is the citation's title), no byline line, menus,
/// cookie banner, ads, related links, comments or footer.
const NEWS_TEXT: &str = "\
Northport’s harbour council voted 9 to 4 on Monday night to build a tidal barrier across the harbour mouth, ending more than ten years of studies, consultations and legal challenges over how to protect the old town from storm surges.\n\
\n\
The €48 million barrier, a row of steel gates that swing up from the seabed when a surge is forecast, is due to be finished in 2030. Construction will start next spring once the contract is signed with the Dutch firm that won last year’s tender.\n\
\n\
The decision follows the floods of February 2024, when water reached the steps of the town hall and more than 300 homes and shops on the waterfront were evacuated for three days.\n\
\n\
Fishermen fear for the harbour entrance\n\
\n\
Not everyone welcomed the vote. The Northport Fishermen’s Association says the barrier’s foundations will narrow the channel and make the entrance dangerous in a north-westerly gale.\n\
\n\
“We were told the gates would be open 360 days a year, but nobody has shown us what the currents will do around the piers,” said João Ferreira, the association’s chairman. “We are not against protecting the town. We are against doing it blind.”\n\
\n\
Council leader Hélène Marchetti said the design had been tested in a wave tank in Delft and that the channel would stay as wide as it is today. She promised an independent review of navigation safety before the first gate is installed.\n\
\n\
The four councillors who voted against the plan argued that the money would be better spent raising the quay wall, a cheaper option rejected in 2021. A final appeal by residents of the Marina district is due to be heard by the regional court in January.";

const SAVED_TEXT: &str = "\
For the third winter in a row, the dunes north of the lighthouse have lost more sand than the summer winds brought back. Our volunteers measured the dune foot at forty marker posts in October, and at thirty-one of them the sea has moved closer.\n\
\n\
The biggest losses are near the car park, where the path cuts straight through the dune ridge. Walkers and dogs keep the marram grass from rooting, and every storm then takes a bite out of the bare sand.\n\
\n\
We will be planting marram grass again on the first two weekends of March. Please bring gloves and a spade; tea and sandwiches are on us.\n\
\n\
Saturday 6 March, 10:00, lighthouse car park\n\
Sunday 14 March, 10:00, lighthouse car park\n\
\n\
Thanks to everyone who helped with the October count.";

/// The whole page, menus and all (with the fallback notice).
const NO_ARTICLE_TEXT: &str = "\
Home Timetable Fares Contact\n\
Site map\n\
\n\
Winter timetable\n\
Summer timetable\n\
Season tickets\n\
Group fares\n\
\n\
News\n\
Jobs\n\
Privacy\n\
\n\
© Harbour Ferries";

/// The HTML part's article, not the plain part (no "View in browser", no footer).
const NEWSLETTER_TEXT: &str = "\
Council backs €48m flood barrier\n\
\n\
The harbour council voted 9 to 4 on Monday night to build a tidal barrier across the harbour mouth, ending more than ten years of studies and legal challenges. Work starts next spring and should be finished in 2030.\n\
\n\
Fishermen say the barrier’s foundations will narrow the channel and make the entrance dangerous in a north-westerly gale. “We are not against protecting the town. We are against doing it blind,” said João Ferreira, chairman of the Fishermen’s Association.\n\
\n\
Council leader Hélène Marchetti promised an independent review of navigation safety before the first gate is installed. An appeal by residents of the Marina district will be heard in January.";

/// Lines kept as the sender wrapped them.
const PLAIN_TEXT: &str = "\
Hi all,\n\
\n\
The soundings we took at the harbour entrance on Friday show the channel\n\
at 6.2 metres at low water, the same as in the 2023 survey.\n\
\n\
What we can't tell yet is how the currents will change once the barrier\n\
foundations are in. Two things would help:\n\
\n\
- a current model for a north-westerly gale\n\
- a second survey after the first foundation is poured\n\
\n\
Regards,\n\
Tom\n\
\n\
--\n\
Tom Reyes, Station Officer";

/// No front matter, no `#`, `**`, backticks or link targets.
const BRIEFING_TEXT: &str = "\
Morning briefing\n\
\n\
Today's main story is the harbour council's 9 to 4 vote for the tidal barrier.\n\
\n\
What to watch\n\
\n\
The fishermen's appeal on navigation safety\n\
The residents' case at the regional court in January\n\
Whether the quay-wall option comes back\n\
\n\
\"We are against doing it blind,\" said João Ferreira.\n\
\n\
Numbers for the graphic:\n\
\n\
cost EUR 48m\n\
finished 2030";

#[test]
fn news_page_gives_the_article_and_its_citation() {
    let page = extracted(SourceKind::Html, "news-page.html");
    assert_eq!(page.text, NEWS_TEXT);
    assert_eq!(
        page.citation,
        citation(
            "Harbour council approves flood barrier after decade of delays",
            "Maria Okafor",
            "The Northport Ledger",
            "2026-11-30T08:15:00+01:00",
            // The JSON-LD url, before og:url (the same here) and the canonical link.
            "https://www.northportledger.example/news/2026/11/30/harbour-flood-barrier-approved",
        )
    );
    assert_eq!(page.notices, Vec::<String>::new());
    assert_eq!(page.extractor, HTML_EXTRACTOR);
    assert_eq!(page.page_starts, Vec::<usize>::new());
}

#[test]
fn news_page_leaves_out_menus_ads_banners_related_links_and_comments() {
    let text = extracted(SourceKind::Html, "news-page.html").text;
    for boilerplate in [
        "Politics",             // nav
        "Subscribe",            // nav
        "We use cookies",       // cookie banner
        "Accept all",           // cookie banner
        "Advertisement",        // ads
        "Fixed-rate mortgages", // ad image alt
        "Holiday cottages",     // ad
        "Related articles",     // related
        "Dutch firm wins",      // related link
        "Comments (3)",         // comments
        "About time",           // a comment
        "white elephant",       // a comment
        "Privacy policy",       // footer
        "All rights reserved",  // footer
        "enable JavaScript",    // noscript
        "dataLayer",            // script
        "min-height",           // style
        "By Maria Okafor",      // byline line: it is in the citation
    ] {
        assert!(!text.contains(boilerplate), "{boilerplate:?} in the text");
    }
    // windows-1252 decoded: curly quotes, the euro sign, accented names.
    for decoded in [
        "Northport’s",
        "€48 million",
        "“We were told",
        "João Ferreira",
        "Hélène",
    ] {
        assert!(text.contains(decoded), "{decoded:?} not in the text");
    }
}

#[test]
fn saved_page_takes_its_url_from_the_saved_from_comment() {
    let page = extracted(SourceKind::Html, "saved-page.htm");
    assert_eq!(page.text, SAVED_TEXT);
    assert_eq!(
        page.citation,
        citation(
            "Sand dunes are losing ground",
            "Lena Brandt",
            "",
            "",
            "https://blog.coastwatch.example/2026/11/sand-dunes-losing-ground",
        )
    );
    assert_eq!(page.notices, Vec::<String>::new());
    for boilerplate in ["Archive", "Recent posts", "Seal count", "Powered by"] {
        assert!(
            !page.text.contains(boilerplate),
            "{boilerplate:?} in the text"
        );
    }
}

#[test]
fn page_without_an_article_gives_the_whole_page_and_says_so() {
    let page = extracted(SourceKind::Html, "no-article.html");
    assert_eq!(page.text, NO_ARTICLE_TEXT);
    assert_eq!(
        page.citation,
        citation("Site map – Harbour Ferries", "", "", "", "")
    );
    assert_eq!(page.notices, vec![WHOLE_PAGE_NOTICE.to_string()]);
    assert!(!page.text.contains("menu ready"), "script text in the page");
}

#[test]
fn newsletter_gives_its_html_article_and_header_citation() {
    let mail = extracted(SourceKind::Email, "newsletter.eml");
    assert_eq!(mail.text, NEWSLETTER_TEXT);
    assert_eq!(
        mail.citation,
        citation(
            "Weekly harbour briefing: Council backs €48m flood barrier",
            "The Northport Ledger Briefing",
            "northportledger.example",
            "2026-11-30T08:15:00+01:00",
            "",
        )
    );
    assert_eq!(
        mail.notices,
        vec!["1 attachment left out: barrier-decision.pdf".to_string()]
    );
    assert_eq!(mail.extractor, EMAIL_EXTRACTOR);
    for left_out in [
        "View in browser",
        "Unsubscribe",
        "%PDF",
        "You are receiving",
    ] {
        assert!(!mail.text.contains(left_out), "{left_out:?} in the text");
    }
}

#[test]
fn plain_mail_gives_its_text_part_and_header_citation() {
    let mail = extracted(SourceKind::Email, "plain.eml");
    assert_eq!(mail.text, PLAIN_TEXT);
    assert_eq!(
        mail.citation,
        citation(
            "Re: Harbour entrance soundings",
            "Tom Reyes",
            "Northport Coastguard Station",
            "2026-12-01T17:42:10-05:00",
            "https://lists.coastguard.example/archive/2026/12/0042.html",
        )
    );
    assert_eq!(mail.notices, Vec::<String>::new());
    assert_eq!(mail.extractor, EMAIL_EXTRACTOR);
}

#[test]
fn markdown_gives_rendered_text_and_front_matter_citation() {
    let md = extracted(SourceKind::Markdown, "briefing.md");
    assert_eq!(md.text, BRIEFING_TEXT);
    assert_eq!(
        md.citation,
        citation(
            "Morning briefing: harbour barrier vote",
            "Desk team",
            "Northport Ledger internal",
            "2026-11-30",
            "https://intranet.northportledger.example/briefings/2026-11-30",
        )
    );
    assert_eq!(md.notices, Vec::<String>::new());
    assert_eq!(md.extractor, "pulldown-cmark 0.13.6 + spantag markdown 1");
    for markup in ["**", "`", "](", "https://court", "title:", "tags:", "# "] {
        assert!(!md.text.contains(markup), "{markup:?} in the text");
    }
}

#[test]
fn markdown_without_front_matter_takes_its_title_from_the_first_heading() {
    let md = extract(
        SourceKind::Markdown,
        b"Intro line.\n\n## Not this\n\n# The *real* title\n\nBody.\n",
    )
    .unwrap();
    assert_eq!(
        md.text,
        "Intro line.\n\nNot this\n\nThe real title\n\nBody."
    );
    assert_eq!(md.citation, citation("The real title", "", "", "", ""));
}

#[test]
fn every_fixture_extracts_the_same_twice_and_follows_the_layout() {
    for (kind, name) in FIXTURES {
        let first = extracted(kind, name);
        assert_eq!(first, extracted(kind, name), "{name}");
        assert_eq!(layout_problem(&first.text), None, "{name}");
    }
}

#[test]
fn random_bytes_as_a_web_page_are_refused_as_binary_data() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let first_nul = bytes
        .iter()
        .position(|&b| b == 0)
        .expect("a NUL in 4 KB of noise");
    assert_eq!(
        extract(SourceKind::Html, &bytes),
        Err(ExtractError::Corrupt {
            kind: "web page",
            reason: format!("binary data, not a web page (a NUL byte at byte {first_nul})"),
        })
    );
    // Noise without a NUL is decoded (by a guess) and read as a page: no panic, the layout
    // holds.
    let no_nul: Vec<u8> = bytes.iter().map(|&b| b.max(1)).collect();
    let page = extract(SourceKind::Html, &no_nul).expect("noise as text");
    assert_eq!(layout_problem(&page.text), None);
}

#[test]
fn empty_files_have_no_text_or_are_not_an_email() {
    let no_text = ExtractError::NoText { hint: "" };
    assert_eq!(extract(SourceKind::Html, b""), Err(no_text.clone()));
    assert_eq!(extract(SourceKind::Html, b" \n\t"), Err(no_text.clone()));
    assert_eq!(extract(SourceKind::Markdown, b""), Err(no_text.clone()));
    assert_eq!(
        extract(SourceKind::Email, b"").map(|e| e.text),
        Err(ExtractError::Corrupt {
            kind: "e-mail",
            reason: "no e-mail headers found".into()
        })
    );
    // Only markup, nothing visible.
    assert_eq!(
        extract(
            SourceKind::Html,
            b"<html><head><script>x()</script></head><body> </body></html>"
        ),
        Err(no_text)
    );
}

#[test]
fn an_email_without_a_body_or_without_headers_is_refused_with_the_reason() {
    let no_body =
        b"From: a@example.org\r\nSubject: Empty\r\nDate: Mon, 30 Nov 2026 08:15:00 +0100\r\n\r\n";
    assert_eq!(
        extract(SourceKind::Email, no_body).map(|e| e.text),
        Err(ExtractError::Corrupt {
            kind: "e-mail",
            reason: "it has no text or HTML body".into()
        })
    );
    let not_mail = b"Dear all, the meeting is moved to Friday.\nThanks";
    assert!(
        matches!(
            extract(SourceKind::Email, not_mail),
            Err(ExtractError::Corrupt { kind: "e-mail", .. })
        ),
        "{:?}",
        extract(SourceKind::Email, not_mail)
    );
}

#[test]
fn markdown_that_is_not_utf8_is_read_by_a_guess_and_says_so() {
    let latin1 = b"# Caf\xe9 cr\xe8me\n\nLe caf\xe9 de la gare est ferm\xe9 depuis l'\xe9t\xe9.\n";
    let md = extract(SourceKind::Markdown, latin1).unwrap();
    assert_eq!(
        md.text,
        "Café crème\n\nLe café de la gare est fermé depuis l'été."
    );
    assert_eq!(
        md.notices,
        vec!["The file is not UTF-8: it was read as windows-1252, a guess.".to_string()]
    );
}

/// The reasons the extractors themselves give; any other `Corrupt` is a caught panic.
const OWN_REASONS: [&str; 4] = [
    "binary data, not a web page",
    "no e-mail headers found",
    "no From, Subject or Date header: this does not look like an e-mail",
    "it has no text or HTML body",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn mutated_fixtures_never_panic_and_keep_the_layout(
        fixture in 0..FIXTURES.len(),
        cut in 0.0..=1.0f64,
        flips in proptest::collection::vec((0.0..1.0f64, any::<u8>()), 0..8),
    ) {
        let (kind, name) = FIXTURES[fixture];
        let mut bytes = source(name);
        bytes.truncate((bytes.len() as f64 * cut) as usize);
        for (at, byte) in flips {
            if !bytes.is_empty() {
                let i = ((bytes.len() - 1) as f64 * at) as usize;
                bytes[i] = byte;
            }
        }
        match extract(kind, &bytes) {
            Ok(e) => prop_assert_eq!(layout_problem(&e.text), None),
            Err(ExtractError::Corrupt { reason, .. }) => {
                prop_assert!(
                    OWN_REASONS.iter().any(|own| reason.starts_with(own)),
                    "a caught panic: {}",
                    reason
                )
            }
            Err(_) => {}
        }
    }
}
