//! A web page's main article, readability-style, with dom_smoothie: the navigation, ads,
//! cookie banners, related links and comments are left out; paragraphs, headings and list
//! items keep their own lines (dom_smoothie's formatted text, then [`super::layout`]).
//!
//! The bytes are decoded here, as a browser would before any script runs: a byte order mark,
//! else the `<meta charset>` (or `http-equiv` content type) in the first 1024 bytes, else
//! UTF-8 if the bytes are valid UTF-8, else chardetng's guess. A page saved as
//! windows-1252 thus gives the same curly quotes it showed.
//!
//! The text is the article's body only: the page's title goes to the citation, never into
//! the text (when the article repeats its headline as a first heading, dom_smoothie already
//! drops it), so the analyst's offsets do not depend on what the title metadata says.
//!
//! The citation comes from the page's metadata as dom_smoothie reads it (JSON-LD, then Open
//! Graph and other meta tags, then `<title>`): title, byline, site name, published time.
//! The URL is the JSON-LD `url`, else `og:url`, else `<link rel=canonical>`, else the
//! `<!-- saved from url=(NNNN)... -->` comment a browser writes when it saves a page.
//!
//! When dom_smoothie finds no main article — parsing fails, gives no text, or gives text of
//! which half or more is link text (its choice on a page of menus and link lists) — the
//! text is the whole page's visible text (scripts, styles, `noscript` and templates
//! removed, blocks on their own lines), and a notice says so. A file with a NUL byte (and
//! no UTF-16 byte order mark) is data, not a page, and is refused.

use std::borrow::Cow;
use std::sync::LazyLock;

use dom_query::Document;
use dom_smoothie::{Config, Readability, TextMode};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};
use regex::Regex;

use super::{decode_text, layout, one_line, ExtractError, Extracted};
use crate::model::Citation;

/// The dom_smoothie version in Cargo.lock (a unit test checks): recorded in every sidecar.
const DOM_SMOOTHIE_VERSION: &str = "0.19.0";
/// This module's own rules (decoding, layout, fallback); bump when they change the text.
const RULES_VERSION: u32 = 1;

/// Said when the page's text is used because no main article was found.
const WHOLE_PAGE_NOTICE: &str =
    "The main article could not be found: this is the whole page's text, menus and all.";

/// How far into the page a `<meta charset>` counts, as in the HTML standard's prescan.
const CHARSET_PRESCAN_BYTES: usize = 1024;

/// Deeper than this, a page is read whole instead of by readability, whose scoring time
/// grows with the square of the depth (a page of 10,000 nested `div`s, 60 KB, took 35 s).
/// Browsers flatten deeper trees anyway (Blink's parser stops nesting at 512).
const MAX_READABLE_DEPTH: usize = 512;

/// The notice for a page too deeply nested for readability.
const TOO_DEEP_NOTICE: &str = "The page's elements are nested too deep to find its main \
     article: this is the whole page's text, menus and all.";

pub(super) fn extractor() -> String {
    format!("dom_smoothie {DOM_SMOOTHIE_VERSION} + spantag html {RULES_VERSION}")
}

pub(super) fn extract(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    // No page has a NUL outside UTF-16 (which has a byte order mark): the file is data.
    if Encoding::for_bom(bytes).is_none() {
        if let Some(at) = memchr::memchr(0, bytes) {
            return Err(ExtractError::Corrupt {
                kind: "web page",
                reason: format!("binary data, not a web page (a NUL byte at byte {at})"),
            });
        }
    }
    let html = decode(bytes);
    if html.trim().is_empty() {
        return Err(ExtractError::NoText { hint: "" });
    }
    extract_str(&html)
}

/// A page already decoded (an e-mail's HTML part is). Also used by the e-mail extractor.
pub(super) fn extract_str(html: &str) -> Result<Extracted, ExtractError> {
    let saved_from = saved_from_url(html);
    let document = Document::from(html);
    let meta_url = first_attr(&document, "meta[property='og:url']", "content")
        .or_else(|| first_attr(&document, "link[rel='canonical']", "href"));
    if depth(&document) > MAX_READABLE_DEPTH {
        let text = whole_page_text(&document);
        if text.is_empty() {
            return Err(ExtractError::NoText { hint: "" });
        }
        let url = [meta_url, saved_from].into_iter().flatten();
        return Ok(Extracted {
            text,
            citation: Citation {
                url: url
                    .map(|u| one_line(&u))
                    .find(|u| !u.is_empty())
                    .unwrap_or_default(),
                ..Citation::default()
            },
            extractor: extractor(),
            page_starts: Vec::new(),
            notices: vec![TOO_DEEP_NOTICE.to_string()],
        });
    }
    let config = Config {
        text_mode: TextMode::Formatted,
        ..Config::default()
    };
    let mut readability =
        Readability::with_document(document, None, Some(config)).map_err(|e| {
            ExtractError::Corrupt {
                kind: "web page",
                reason: e.to_string(),
            }
        })?;
    let metadata = readability.get_article_metadata(readability.parse_json_ld());
    let article_text = readability
        .parse()
        .ok()
        .filter(|article| !mostly_links(&article.content))
        .map(|article| layout(&article.text_content))
        .unwrap_or_default();

    let mut notices = Vec::new();
    let text = if article_text.is_empty() {
        // The parsed tree went to readability: the page is parsed again.
        let page = whole_page_text(&Document::from(html));
        if page.is_empty() {
            return Err(ExtractError::NoText { hint: "" });
        }
        notices.push(WHOLE_PAGE_NOTICE.to_string());
        page
    } else {
        article_text
    };

    let citation = Citation {
        title: one_line(&metadata.title),
        byline: one_line(metadata.byline.as_deref().unwrap_or_default()),
        outlet: one_line(metadata.site_name.as_deref().unwrap_or_default()),
        published: one_line(metadata.published_time.as_deref().unwrap_or_default()),
        url: [metadata.url, meta_url, saved_from]
            .into_iter()
            .flatten()
            .map(|url| one_line(&url))
            .find(|url| !url.is_empty())
            .unwrap_or_default(),
    };
    Ok(Extracted {
        text,
        citation,
        extractor: extractor(),
        page_starts: Vec::new(),
        notices,
    })
}

/// The page as text: the document decoded by its byte order mark, declared charset, UTF-8
/// validity or chardetng's guess, in that order.
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let head = &bytes[..bytes.len().min(CHARSET_PRESCAN_BYTES)];
    decode_text(bytes, || declared_charset(head)).0
}

/// The charset a `<meta>` tag declares, either form. A UTF-16 label in a meta tag means
/// UTF-8, as the HTML standard says (the bytes could not have been read as ASCII otherwise).
fn declared_charset(head: &[u8]) -> Option<&'static Encoding> {
    static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)"#)
            .expect("a valid regex")
    });
    let head = String::from_utf8_lossy(head);
    let label = META_CHARSET.captures(&head)?.get(1)?.as_str();
    let encoding = Encoding::for_label(label.as_bytes())?;
    Some(if encoding == UTF_16LE || encoding == UTF_16BE {
        UTF_8
    } else {
        encoding
    })
}

/// The address in the `<!-- saved from url=(0043)https://... -->` comment browsers write.
fn saved_from_url(html: &str) -> Option<String> {
    static SAVED_FROM: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->").expect("a valid regex")
    });
    let end = (0..=html.len().min(CHARSET_PRESCAN_BYTES))
        .rev()
        .find(|&i| html.is_char_boundary(i))
        .unwrap_or(0);
    let head = &html[..end];
    Some(SAVED_FROM.captures(head)?.get(1)?.as_str().to_string())
}

fn first_attr(document: &Document, selector: &str, attr: &str) -> Option<String> {
    document
        .select(selector)
        .iter()
        .filter_map(|node| node.attr(attr))
        .map(|value| value.to_string())
        .find(|value| !value.trim().is_empty())
}

/// Whether at least half of an article's text is link text: on a page of menus and link
/// lists, dom_smoothie still returns the longest list as "the article".
fn mostly_links(article_html: &str) -> bool {
    let article = Document::from(article_html);
    let chars = |text: &str| text.chars().filter(|c| !c.is_whitespace()).count();
    let all = chars(&article.select("body").text());
    let links = chars(&article.select("a").text());
    links * 2 >= all
}

/// Every visible text of the page, blocks on their own lines.
/// How many levels deep the page's tree goes.
fn depth(document: &Document) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(document.root(), 0)];
    while let Some((node, level)) = stack.pop() {
        deepest = deepest.max(level);
        let mut child = node.first_child();
        while let Some(next) = child {
            child = next.next_sibling();
            stack.push((next, level + 1));
        }
    }
    deepest
}

fn whole_page_text(document: &Document) -> String {
    document
        .select("script, style, noscript, template")
        .remove();
    let body = document.select("body");
    if body.exists() {
        layout(&body.formatted_text())
    } else {
        layout(&document.formatted_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_nested_too_deep_for_readability_is_read_whole_and_says_so() {
        let nested = |levels: usize| {
            format!(
                "<html><body>{}<p>Deep inside.</p>{}</body></html>",
                "<div>".repeat(levels),
                "</div>".repeat(levels)
            )
        };
        let deep = extract_str(&nested(MAX_READABLE_DEPTH + 1)).unwrap();
        assert_eq!(deep.text, "Deep inside.");
        assert_eq!(deep.notices, [TOO_DEEP_NOTICE]);
        // The divs, html, body, p and its text: within the limit, readability reads it.
        let shallow = extract_str(&nested(MAX_READABLE_DEPTH - 5)).unwrap();
        assert!(shallow.notices.iter().all(|n| n != TOO_DEEP_NOTICE));
    }

    #[test]
    fn recorded_version_is_the_locked_one() {
        assert_eq!(
            crate::extract::tests::locked_version("dom_smoothie"),
            DOM_SMOOTHIE_VERSION
        );
    }

    #[test]
    fn decodes_by_bom_then_meta_then_utf8_then_guess() {
        assert_eq!(decode(b"\xEF\xBB\xBFcaf\xC3\xA9"), "café");
        assert_eq!(
            decode(b"<meta charset=\"windows-1252\"><p>\x93caf\xE9\x94"),
            "<meta charset=\"windows-1252\"><p>\u{201c}café\u{201d}"
        );
        assert_eq!(
            decode(
                b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\">\xE9"
            ),
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\">é"
        );
        assert_eq!(
            decode(b"<meta charset=utf-16>caf\xC3\xA9"),
            "<meta charset=utf-16>café"
        );
        assert_eq!(decode("<p>café</p>".as_bytes()), "<p>café</p>");
        assert_eq!(
            decode(b"<p>Le caf\xE9 de la gare est ferm\xE9 depuis l'\xE9t\xE9 dernier.</p>"),
            "<p>Le café de la gare est fermé depuis l'été dernier.</p>"
        );
    }

    #[test]
    fn saved_from_comment_gives_the_url() {
        assert_eq!(
            saved_from_url(
                "<!DOCTYPE html>\n<!-- saved from url=(0023)https://example.org/a -->\n<html>"
            )
            .as_deref(),
            Some("https://example.org/a")
        );
        assert_eq!(saved_from_url("<html><!-- saved --></html>"), None);
    }
}
