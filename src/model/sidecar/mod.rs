//! The sidecar format (FORMATS.md section 2): RON text to and from a [`Document`].
//!
//! Writing is done by hand rather than by a RON pretty-printer so that the layout is
//! exactly the documented one, one span per line, and the same annotations always produce
//! the same bytes (small git diffs and merges). Reading goes through `ron` and serde, and
//! every error carries the line and column where it was found.

use serde::Deserialize;
use std::fmt::Write as _;

mod canonical;

use super::{Anchor, Annotations, ArticleMeta, Document, Relation, Source, Span, Status, Text};

/// The sidecar version this build writes and the newest it reads.
pub const VERSION: u32 = 1;

/// The suffix appended to an article's file name to name its sidecar.
pub const SUFFIX: &str = ".ann.ron";

/// The `article` record of a sidecar.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ArticleRecord {
    pub file: String,
    pub sha256: String,
    pub chars: usize,
    pub encoding: String,
    pub newline: String,
}

/// A parsed sidecar, not yet checked against its article.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Sidecar {
    pub format: String,
    pub version: u32,
    pub article: ArticleRecord,
    #[serde(default)]
    pub annotator: Option<String>,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub spans: Vec<Span>,
    #[serde(default)]
    pub relations: Vec<Relation>,
}

/// Just enough of a sidecar to know whether this build may read the rest.
#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
}

/// Why a sidecar could not be read. Positions are 1-based.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SidecarError {
    #[error("line {line}, column {col}: {message}")]
    Syntax {
        line: usize,
        col: usize,
        message: String,
    },
    #[error("format is \"{0}\", not \"spantag\"")]
    NotSpantag(String),
    #[error("version {0} is newer than this spantag reads ({VERSION}); update spantag")]
    TooNew(u32),
    #[error(transparent)]
    DuplicateId(#[from] super::annotations::DuplicateId),
}

/// What loading found wrong with spans, without losing any of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Spans whose text is no longer at their position; now marked [`Anchor::Orphaned`].
    pub orphaned: Vec<u64>,
    /// The article's bytes differ from those the sidecar was written for.
    pub article_changed: bool,
}

/// Parses sidecar text: the canonical layout by the fast reader, anything else by `ron`.
pub fn decode(source: &str) -> Result<Sidecar, SidecarError> {
    if let Some(sidecar) = canonical::parse(source) {
        return Ok(sidecar);
    }
    let syntax = |e: ron::error::SpannedError| SidecarError::Syntax {
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    };
    let full: Result<Sidecar, _> = ron::from_str(source);
    // The header decides first: a newer version or another format is reported as such,
    // even when the rest does not parse with this version's shape.
    let header = match &full {
        Ok(sidecar) => Header {
            format: sidecar.format.clone(),
            version: sidecar.version,
        },
        Err(_) => ron::from_str::<Header>(source).map_err(syntax)?,
    };
    if header.format != "spantag" {
        return Err(SidecarError::NotSpantag(header.format));
    }
    if header.version > VERSION {
        return Err(SidecarError::TooNew(header.version));
    }
    full.map_err(syntax)
}

/// Joins a parsed sidecar to the current article text.
///
/// Every span not already orphaned is checked: its range must lie in the text and cover
/// exactly its stored `text`. One that does not is marked [`Anchor::Orphaned`] and listed in
/// the report, never dropped and never moved. Anchored spans get their context refreshed,
/// so the next save writes canonical bytes.
pub fn attach(
    text: Text,
    meta: ArticleMeta,
    sidecar: Sidecar,
) -> Result<(Document, LoadReport), SidecarError> {
    let mut report = LoadReport {
        article_changed: !sidecar.article.sha256.is_empty()
            && sidecar.article.sha256 != meta.sha256,
        ..LoadReport::default()
    };
    let mut spans = sidecar.spans;
    for span in spans.iter_mut().filter(|s| !s.is_orphaned()) {
        if !span.check_and_refresh(&text) {
            span.anchor = Anchor::Orphaned;
            report.orphaned.push(span.id);
        }
    }
    let annotations = Annotations::from_parts(spans, sidecar.relations)?;
    let mut document = Document::new(text, meta, annotations);
    document.annotator = sidecar.annotator;
    document.status = sidecar.status;
    Ok((document, report))
}

/// The sidecar text for a document, in the canonical layout.
pub fn encode(document: &Document) -> String {
    let meta = &document.meta;
    let text = document.text();
    let mut out = String::with_capacity(256 + document.annotations().len() * 200);
    // Writing to a String cannot fail; the results are ignored below for that reason.
    let _ = writeln!(
        out,
        "// spantag annotations for {}",
        one_line(&meta.file_name)
    );
    out.push_str("(\n    format: \"spantag\",\n");
    let _ = writeln!(out, "    version: {VERSION},");
    out.push_str("    article: (\n");
    let _ = writeln!(out, "        file: {},", quoted(&meta.file_name));
    let _ = writeln!(out, "        sha256: {},", quoted(&meta.sha256));
    let _ = writeln!(out, "        chars: {},", text.len_chars());
    let _ = writeln!(out, "        encoding: {},", quoted(&meta.encoding));
    let _ = writeln!(out, "        newline: {},", quoted(text.newline().as_str()));
    out.push_str("    ),\n");
    match &document.annotator {
        Some(name) => {
            let _ = writeln!(out, "    annotator: Some({}),", quoted(name));
        }
        None => out.push_str("    annotator: None,\n"),
    }
    let _ = writeln!(out, "    status: {:?},", document.status);
    out.push_str("    spans: [\n");
    for span in document.annotations().spans() {
        let _ = writeln!(
            out,
            "        (id: {}, label: {}, start: {}, end: {}, text: {}, prefix: {}, suffix: {}, note: {}, source: {}, anchor: {:?}),",
            span.id,
            quoted(&span.label),
            span.start,
            span.end,
            quoted(&span.text),
            quoted(&span.prefix),
            quoted(&span.suffix),
            quoted(&span.note),
            source(&span.source),
            span.anchor,
        );
    }
    out.push_str("    ],\n    relations: [\n");
    for r in document.annotations().relations() {
        let _ = writeln!(
            out,
            "        (id: {}, kind: {}, from: {}, to: {}),",
            r.id,
            quoted(&r.kind),
            r.from,
            r.to
        );
    }
    out.push_str("    ],\n)\n");
    out
}

fn source(source: &Source) -> String {
    match source {
        Source::Manual => "Manual".to_string(),
        Source::Rule(name) => format!("Rule({})", quoted(name)),
        Source::Imported(format) => format!("Imported({})", quoted(format)),
    }
}

/// A RON string literal on one line: quotes, backslashes and control characters escaped,
/// everything else (accents, emoji, right-to-left text) written as itself.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A file name made safe for the one-line header comment.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixture;

    #[test]
    fn encode_then_decode_is_the_identity() {
        let mut doc = fixture::document("[actor|Lavrov] said:\r\n“[quote|Restraint \"\\ 🇪🇬]”\t");
        doc.annotator = Some("ana".into());
        let bytes = encode(&doc);
        let sidecar = decode(&bytes).unwrap();
        assert_eq!(sidecar.article.chars, doc.text().len_chars());
        assert_eq!(sidecar.article.newline, "CRLF");
        let (back, report) = attach(doc.text().clone(), doc.meta.clone(), sidecar).unwrap();
        assert_eq!(report, LoadReport::default());
        assert_eq!(back.annotations(), doc.annotations());
        assert_eq!(back.annotator.as_deref(), Some("ana"));
        assert_eq!(encode(&back), bytes);
    }

    #[test]
    fn the_fast_reader_and_ron_agree_and_ron_reads_what_the_fast_one_refuses() {
        let mut doc =
            fixture::document("[actor|Lavrov] said:\r\n“[quote|Restraint \"\\ 🇪🇬\u{7}]”\t");
        doc.annotator = Some("ana\u{2028}".into());
        let bytes = encode(&doc);
        let fast = canonical::parse(&bytes).expect("canonical layout");
        assert_eq!(Some(fast), ron::from_str::<Sidecar>(&bytes).ok());
        // Reformatted by hand: only ron reads it, to the same result.
        let reformatted = bytes.replace(",\n", ",\n  ");
        assert!(canonical::parse(&reformatted).is_none());
        assert_eq!(decode(&reformatted).unwrap(), decode(&bytes).unwrap());
    }

    #[test]
    fn one_span_per_line() {
        let doc = fixture::document("[claim|a\nb] [actor|c]");
        let text = encode(&doc);
        let span_lines = text
            .lines()
            .filter(|l| l.trim_start().starts_with("(id:"))
            .count();
        assert_eq!(span_lines, 2);
        assert!(text.contains("text: \"a\\nb\""));
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let broken = "(\n    format: \"spantag\",\n    version: 1,\n    article: (file: 3),\n)";
        match decode(broken) {
            Err(SidecarError::Syntax { line, .. }) => assert_eq!(line, 4),
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn newer_versions_and_other_formats_are_refused() {
        let doc = fixture::document("x");
        let newer = encode(&doc).replace("version: 1", "version: 2");
        assert_eq!(decode(&newer), Err(SidecarError::TooNew(2)));
        let other = encode(&doc).replace("\"spantag\"", "\"brat\"");
        assert_eq!(decode(&other), Err(SidecarError::NotSpantag("brat".into())));
    }

    #[test]
    fn a_span_whose_text_moved_is_orphaned_not_dropped() {
        let doc = fixture::document("[actor|Lavrov] said");
        let bytes = encode(&doc);
        let changed = Text::new("Mr Lavrov said".into());
        let (back, report) = attach(changed, doc.meta.clone(), decode(&bytes).unwrap()).unwrap();
        assert_eq!(report.orphaned, vec![1]);
        let span = &back.annotations().spans()[0];
        assert_eq!((span.start, span.end, span.text.as_str()), (0, 6, "Lavrov"));
        assert_eq!(span.anchor, Anchor::Orphaned);
        assert_eq!(back.annotations().overlapping(0..20).count(), 0);
    }

    #[test]
    fn duplicate_ids_are_an_error() {
        let doc = fixture::document("[actor|a] [actor|b]");
        let bytes = encode(&doc).replace("(id: 2,", "(id: 1,");
        let sidecar = decode(&bytes).unwrap();
        assert!(matches!(
            attach(doc.text().clone(), doc.meta.clone(), sidecar),
            Err(SidecarError::DuplicateId(_))
        ));
    }
}
