//! A Markdown file's rendered text, with pulldown-cmark (CommonMark, no extensions): what a
//! reader sees, not the markup. Headings, paragraphs, blockquotes and code blocks are blocks
//! separated by one blank line; list items are on consecutive lines (a nested list too);
//! inline code, emphasis and link text stay as plain text, without `*`, `#`, backticks or
//! link targets. HTML tags, inline or as blocks, are dropped, and so is an image's alt text
//! (it is not shown as text). A code block's lines keep their breaks; their indentation
//! collapses like any whitespace run (the common layout).
//!
//! A YAML front matter block (`---` lines at the very top) is not text: its simple
//! `key: value` lines give the citation (`title`; `author` or `byline`; `outlet` or `site`;
//! `date` or `published`; `url`). Without one, the title is the first `# ` heading's text,
//! which stays in the text like every heading.
//!
//! Bytes are UTF-8 (a byte order mark is honoured); anything else is decoded by chardetng's
//! guess, and a notice names the encoding guessed.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::{decode_text, layout, one_line, ExtractError, Extracted};
use crate::model::Citation;

/// The pulldown-cmark version in Cargo.lock (a unit test checks): recorded in every sidecar.
const PULLDOWN_CMARK_VERSION: &str = "0.13.6";
/// This module's own rules; bump when they change the text.
const RULES_VERSION: u32 = 1;

pub(super) fn extract(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let (source, guessed) = decode_text(bytes, || None);
    let mut notices = Vec::new();
    if let Some(encoding) = guessed {
        notices.push(format!(
            "The file is not UTF-8: it was read as {}, a guess.",
            encoding.name()
        ));
    }
    let (front_matter, body) = split_front_matter(&source);
    let (text, first_h1) = render(body);
    let mut citation = front_matter.map(citation).unwrap_or_default();
    if citation.title.is_empty() {
        citation.title = first_h1.unwrap_or_default();
    }
    Ok(Extracted {
        text,
        citation,
        extractor: format!(
            "pulldown-cmark {PULLDOWN_CMARK_VERSION} + spantag markdown {RULES_VERSION}"
        ),
        page_starts: Vec::new(),
        notices,
    })
}

/// The front matter's lines (between a first line `---` and the next `---` or `...`) and
/// the Markdown after it. No closing line: no front matter.
fn split_front_matter(source: &str) -> (Option<&str>, &str) {
    let Some(rest) = source
        .strip_prefix("---\n")
        .or_else(|| source.strip_prefix("---\r\n"))
    else {
        return (None, source);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            return (Some(&rest[..offset]), &rest[offset + line.len()..]);
        }
        offset += line.len();
    }
    (None, source)
}

/// The citation from front matter `key: value` lines; quotes around a value are dropped.
/// Lists, nesting and other YAML are ignored (not citation fields).
fn citation(front_matter: &str) -> Citation {
    let mut citation = Citation::default();
    for line in front_matter.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let value = ['"', '\'']
            .iter()
            .find_map(|&q| value.strip_prefix(q).and_then(|v| v.strip_suffix(q)))
            .unwrap_or(value);
        let field = match key.trim().to_ascii_lowercase().as_str() {
            "title" => &mut citation.title,
            "author" | "byline" => &mut citation.byline,
            "outlet" | "site" => &mut citation.outlet,
            "date" | "published" => &mut citation.published,
            "url" => &mut citation.url,
            _ => continue,
        };
        if field.is_empty() {
            *field = one_line(value);
        }
    }
    citation
}

/// The rendered text in the common layout, and the first level-1 heading's text.
fn render(markdown: &str) -> (String, Option<String>) {
    let mut out = String::with_capacity(markdown.len());
    // The break owed before the next text: "", "\n" or "\n\n" (the strongest wins).
    let mut pending: &str = "";
    let mut list_depth = 0usize;
    let mut image_depth = 0usize;
    let mut h1: Option<String> = None;
    let mut in_first_h1 = false;
    let owe = |pending: &mut &str, brk: &'static str| {
        if brk.len() > pending.len() {
            *pending = brk;
        }
    };
    for event in Parser::new(markdown) {
        let block = if list_depth > 0 { "\n" } else { "\n\n" };
        match event {
            Event::Start(Tag::List(_)) => {
                owe(&mut pending, block);
                list_depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                owe(&mut pending, if list_depth > 0 { "\n" } else { "\n\n" });
            }
            Event::Start(Tag::Item) | Event::End(TagEnd::Item) | Event::HardBreak => {
                owe(&mut pending, "\n")
            }
            Event::Start(Tag::Heading { level, .. }) => {
                owe(&mut pending, block);
                in_first_h1 = level == HeadingLevel::H1 && h1.is_none();
                if in_first_h1 {
                    h1 = Some(String::new());
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                in_first_h1 = false;
                owe(&mut pending, block);
            }
            Event::Start(Tag::Paragraph | Tag::BlockQuote(_) | Tag::CodeBlock(_))
            | Event::End(TagEnd::Paragraph | TagEnd::BlockQuote(_) | TagEnd::CodeBlock)
            | Event::Rule => owe(&mut pending, block),
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            Event::Text(text) | Event::Code(text) if image_depth == 0 => {
                if !out.is_empty() {
                    out.push_str(pending);
                }
                pending = "";
                out.push_str(&text);
                if in_first_h1 {
                    if let Some(h1) = h1.as_mut() {
                        h1.push_str(&text);
                    }
                }
            }
            Event::SoftBreak => out.push(' '),
            _ => {}
        }
    }
    (layout(&out), h1.map(|h| one_line(&h)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_version_is_the_locked_one() {
        assert_eq!(
            crate::extract::tests::locked_version("pulldown-cmark"),
            PULLDOWN_CMARK_VERSION
        );
    }

    #[test]
    fn renders_blocks_lists_and_inline_markup_as_plain_text() {
        let (text, h1) = render(
            "# A *big* day\n\nSome `code` and [a link](https://x.example) <b>bold</b>.\n\n\
             - one\n- two\n  - nested\n\n> quoted\n> text\n\n![alt](i.png)\n\n```\nfn a() {}\n```\n",
        );
        assert_eq!(
            text,
            "A big day\n\nSome code and a link bold.\n\none\ntwo\nnested\n\nquoted text\n\nfn a() {}"
        );
        assert_eq!(h1.as_deref(), Some("A big day"));
    }

    #[test]
    fn front_matter_without_its_closing_line_is_text() {
        assert_eq!(
            split_front_matter("---\ntitle: x\n"),
            (None, "---\ntitle: x\n")
        );
        assert_eq!(
            split_front_matter("---\r\ntitle: x\r\n---\r\nBody"),
            (Some("title: x\r\n"), "Body")
        );
    }
}
