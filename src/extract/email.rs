//! An e-mail's body, with mail-parser: the first HTML part extracted exactly like a web page
//! (its main article, see [`super::html`]), else the plain-text parts in the common layout.
//! Plain text keeps its lines as the sender wrapped them: reflowing could merge list items
//! and signatures into paragraphs, and offsets should match what the analyst sees in a mail
//! program.
//!
//! The citation comes from the headers: title = Subject (encoded words decoded), byline =
//! the From display name (else the address), outlet = the Organization header (else the
//! From address's domain), published = Date in ISO 8601 with its offset
//! (`2026-11-30T08:15:00+01:00`, `Z` for UTC), url = the HTML part's own URL (JSON-LD,
//! `og:url`, canonical link) if it has one, else the http(s) address in an `Archived-At`,
//! then `List-Post`, header.
//!
//! Attachments are not extracted; a notice names them.

use std::sync::LazyLock;

use mail_parser::{Message, MessageParser, MimeHeaders};
use regex::Regex;

use super::{html, layout, one_line, ExtractError, Extracted};
use crate::model::Citation;

/// The mail-parser version in Cargo.lock (a unit test checks): recorded in every sidecar.
const MAIL_PARSER_VERSION: &str = "0.11.9";
/// This module's own rules; bump when they change the text.
const RULES_VERSION: u32 = 1;

const KIND: &str = "e-mail";

pub(super) fn extract(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let corrupt = |reason: &str| ExtractError::Corrupt {
        kind: KIND,
        reason: reason.into(),
    };
    let message = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| corrupt("no e-mail headers found"))?;
    if message.from().is_none() && message.subject().is_none() && message.date().is_none() {
        return Err(corrupt(
            "no From, Subject or Date header: this does not look like an e-mail",
        ));
    }

    let mut extracted = body(&message)?;
    let html_url = std::mem::take(&mut extracted.citation.url);
    extracted.citation = citation(&message, html_url);
    extracted.extractor = format!(
        "mail-parser {MAIL_PARSER_VERSION} + spantag email {RULES_VERSION} ({})",
        html::extractor()
    );

    let names: Vec<String> = message
        .attachments()
        .map(|part| {
            part.attachment_name()
                .map(|name| name.trim().to_string())
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| "(unnamed)".into())
        })
        .collect();
    match names.len() {
        0 => {}
        1 => extracted
            .notices
            .push(format!("1 attachment left out: {}", names[0])),
        n => extracted
            .notices
            .push(format!("{n} attachments left out: {}", names.join(", "))),
    }
    Ok(extracted)
}

/// The text of the first HTML part, else of the plain-text parts.
fn body(message: &Message) -> Result<Extracted, ExtractError> {
    let html_part = message
        .html_bodies()
        .find(|part| part.is_text_html())
        .and_then(|part| part.text_contents());
    if let Some(page) = html_part {
        match html::extract_str(page) {
            Ok(extracted) => return Ok(extracted),
            // An HTML part with nothing in it: the plain part may still have the text.
            Err(ExtractError::NoText { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let plain: Vec<&str> = message
        .text_bodies()
        .filter(|part| part.is_text() && !part.is_text_html())
        .filter_map(|part| part.text_contents())
        .collect();
    let text = layout(&plain.join("\n\n"));
    if text.is_empty() {
        return Err(ExtractError::Corrupt {
            kind: KIND,
            reason: "it has no text or HTML body".into(),
        });
    }
    Ok(Extracted {
        text,
        ..Extracted::default()
    })
}

fn citation(message: &Message, html_url: String) -> Citation {
    let from = message.from().and_then(|from| from.first());
    let address = from.and_then(|a| a.address()).unwrap_or_default();
    let byline = from
        .and_then(|a| a.name())
        .filter(|name| !name.trim().is_empty())
        .unwrap_or(address);
    let domain = address.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    let organization = message
        .header_raw("Organization")
        .map(decode_words)
        .filter(|org| !org.is_empty());
    let url = Some(html_url)
        .filter(|url| !url.is_empty())
        .or_else(|| header_url(message, "Archived-At"))
        .or_else(|| header_url(message, "List-Post"))
        .unwrap_or_default();
    Citation {
        title: one_line(message.subject().unwrap_or_default()),
        byline: one_line(byline),
        outlet: organization.unwrap_or_else(|| one_line(domain)),
        published: message
            .date()
            .filter(|date| date.is_valid())
            .map(|date| date.to_rfc3339())
            .unwrap_or_default(),
        url,
    }
}

/// A raw header's RFC 2047 encoded words decoded, by mail-parser's own Subject decoder.
fn decode_words(raw: &str) -> String {
    let header = format!("Subject: {}\r\n\r\n", raw.trim());
    let decoded = MessageParser::default()
        .parse(header.as_bytes())
        .and_then(|m| m.subject().map(one_line));
    decoded.unwrap_or_else(|| one_line(raw))
}

/// The first http(s) address in a header such as `Archived-At: <https://...>`.
fn header_url(message: &Message, name: &str) -> Option<String> {
    static URL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"https?://[^\s<>]+").expect("a valid regex"));
    let raw = message.header_raw(name)?;
    Some(URL.find(raw)?.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_version_is_the_locked_one() {
        assert_eq!(
            crate::extract::tests::locked_version("mail-parser"),
            MAIL_PARSER_VERSION
        );
    }

    #[test]
    fn organization_encoded_words_are_decoded() {
        assert_eq!(decode_words("=?UTF-8?Q?Caf=C3=A9_Press?="), "Café Press");
        assert_eq!(decode_words("  Harbour  News "), "Harbour News");
    }
}
