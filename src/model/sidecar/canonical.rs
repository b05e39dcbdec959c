//! A fast reader for sidecars in exactly the layout [`super::encode`] writes.
//!
//! A general RON parser reads about 35 MB/s here; corpora of thousands of sidecars (export,
//! validation, opening a 50,000-span article) spend most of their time there. This reader
//! walks the canonical layout byte by byte and gives up (returns `None`) at the first
//! difference, so anything hand-edited, reformatted or newer goes through `ron`, which also
//! makes every error message. A property test checks that both readers agree.

use super::{ArticleRecord, NextIds, Sidecar};
use crate::model::{Anchor, Attrs, Relation, Source, Span, Status, Suggestion, SuggestionStatus};

struct Cursor<'a> {
    s: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.at..]
    }

    /// Consumes `lit` if the input continues with it.
    fn eat(&mut self, lit: &str) -> bool {
        let found = self.rest().starts_with(lit);
        if found {
            self.at += lit.len();
        }
        found
    }

    /// `, attrs: {…}` and `, entity: Some(…)`, each if present.
    fn attrs_and_entity(&mut self) -> Option<(Attrs, Option<String>)> {
        let mut attrs = Attrs::new();
        if self.eat(", attrs: {") {
            loop {
                let name = self.string()?;
                self.lit(": ")?;
                let value = self.string()?;
                // Names in order and each once, as written; anything else is ron's to read.
                if attrs
                    .last_key_value()
                    .is_some_and(|(last, _)| *last >= name)
                {
                    return None;
                }
                attrs.insert(name, value);
                if !self.eat(", ") {
                    break;
                }
            }
            self.lit("}")?;
        }
        let entity = if self.eat(", entity: Some(") {
            let entity = self.string()?;
            self.lit(")")?;
            Some(entity)
        } else {
            None
        };
        Some((attrs, entity))
    }

    fn lit(&mut self, lit: &str) -> Option<()> {
        self.eat(lit).then_some(())
    }

    fn number<T: std::str::FromStr>(&mut self) -> Option<T> {
        let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        let value = self.rest()[..digits].parse().ok()?;
        self.at += digits;
        Some(value)
    }

    fn ident(&mut self) -> Option<&'a str> {
        let len = self
            .rest()
            .bytes()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        let ident = &self.rest()[..len];
        self.at += len;
        Some(ident)
    }

    /// A string literal with the escapes `encode` writes; anything else gives up.
    fn string(&mut self) -> Option<String> {
        self.lit("\"")?;
        let mut out = String::new();
        loop {
            let rest = self.rest().as_bytes();
            // One pass over bytes to the next quote or backslash. A raw control char (C0,
            // DEL, or C1 = 0xC2 0x80..0x9F in UTF-8) is never written by `encode`: give up.
            let mut end = 0;
            loop {
                match *rest.get(end)? {
                    b'"' | b'\\' => break,
                    0..=0x1F | 0x7F => return None,
                    0xC2 if rest.get(end + 1).is_some_and(|b| (0x80..=0x9F).contains(b)) => {
                        return None
                    }
                    _ => end += 1,
                }
            }
            out.push_str(&self.rest()[..end]);
            self.at += end;
            if self.eat("\"") {
                return Some(out);
            }
            self.at += 1; // the backslash
            match self.rest().as_bytes().first()? {
                b'"' => out.push('"'),
                b'\\' => out.push('\\'),
                b'n' => out.push('\n'),
                b'r' => out.push('\r'),
                b't' => out.push('\t'),
                b'u' => {
                    self.lit("u{")?;
                    let hex_len = self
                        .rest()
                        .bytes()
                        .take_while(u8::is_ascii_hexdigit)
                        .count();
                    if !(1..=6).contains(&hex_len) {
                        return None;
                    }
                    let code = u32::from_str_radix(&self.rest()[..hex_len], 16).ok()?;
                    out.push(char::from_u32(code)?);
                    self.at += hex_len;
                    self.lit("}")?;
                    continue;
                }
                _ => return None,
            }
            self.at += 1;
        }
    }
}

pub(super) fn parse(source: &str) -> Option<Sidecar> {
    let mut c = Cursor { s: source, at: 0 };
    while c.rest().starts_with("//") {
        c.at += c.rest().find('\n')? + 1;
    }
    c.lit("(\n    format: \"spantag\",\n    version: ")?;
    let version = match c.number()? {
        v @ (1..=3) => v,
        _ => return None,
    };
    c.lit(",\n    article: (\n        file: ")?;
    let file = c.string()?;
    c.lit(",\n        sha256: ")?;
    let sha256 = c.string()?;
    c.lit(",\n        chars: ")?;
    let chars = c.number()?;
    c.lit(",\n        encoding: ")?;
    let encoding = c.string()?;
    c.lit(",\n        newline: ")?;
    let newline = c.string()?;
    c.lit(",\n    ),\n    annotator: ")?;
    let annotator = if c.eat("None") {
        None
    } else {
        c.lit("Some(")?;
        let name = c.string()?;
        c.lit(")")?;
        Some(name)
    };
    c.lit(",\n    status: ")?;
    let status = match c.ident()? {
        "NotStarted" => Status::NotStarted,
        "InProgress" => Status::InProgress,
        "Done" => Status::Done,
        _ => return None,
    };
    let next_id = if version >= 2 {
        c.lit(",\n    next_id: (span: ")?;
        let span = c.number()?;
        c.lit(", relation: ")?;
        let relation = c.number()?;
        c.lit(")")?;
        NextIds { span, relation }
    } else {
        NextIds::default()
    };
    c.lit(",\n    spans: [\n")?;
    let mut spans = Vec::new();
    while c.eat("        (id: ") {
        let id = c.number()?;
        c.lit(", label: ")?;
        let label = c.string()?;
        c.lit(", start: ")?;
        let start = c.number()?;
        c.lit(", end: ")?;
        let end = c.number()?;
        c.lit(", text: ")?;
        let text = c.string()?;
        c.lit(", prefix: ")?;
        let prefix = c.string()?;
        c.lit(", suffix: ")?;
        let suffix = c.string()?;
        c.lit(", note: ")?;
        let note = c.string()?;
        c.lit(", source: ")?;
        let source = match c.ident()? {
            "Manual" => Source::Manual,
            kind @ ("Rule" | "Imported") => {
                c.lit("(")?;
                let name = c.string()?;
                c.lit(")")?;
                if kind == "Rule" {
                    Source::Rule(name)
                } else {
                    Source::Imported(name)
                }
            }
            _ => return None,
        };
        c.lit(", anchor: ")?;
        let anchor = match c.ident()? {
            "Exact" => Anchor::Exact,
            "Moved" => Anchor::Moved,
            "Orphaned" => Anchor::Orphaned,
            _ => return None,
        };
        let (attrs, entity) = c.attrs_and_entity()?;
        c.lit("),\n")?;
        spans.push(Span {
            id,
            label,
            start,
            end,
            text,
            prefix,
            suffix,
            note,
            source,
            anchor,
            attrs,
            entity,
        });
    }
    c.lit("    ],\n    relations: [\n")?;
    let mut relations = Vec::new();
    while c.eat("        (id: ") {
        let id = c.number()?;
        c.lit(", kind: ")?;
        let kind = c.string()?;
        c.lit(", from: ")?;
        let from = c.number()?;
        c.lit(", to: ")?;
        let to = c.number()?;
        c.lit("),\n")?;
        relations.push(Relation { id, kind, from, to });
    }
    c.lit("    ],\n")?;
    let mut suggestions = Vec::new();
    if version >= 3 && c.eat("    suggestions: [\n") {
        while c.eat("        (label: ") {
            let label = c.string()?;
            c.lit(", start: ")?;
            let start = c.number()?;
            c.lit(", end: ")?;
            let end = c.number()?;
            c.lit(", text: ")?;
            let text = c.string()?;
            c.lit(", source: ")?;
            let source = c.string()?;
            c.lit(", status: ")?;
            let status = match c.ident()? {
                "Pending" => SuggestionStatus::Pending,
                "Accepted" => SuggestionStatus::Accepted,
                "Rejected" => SuggestionStatus::Rejected,
                _ => return None,
            };
            let (attrs, entity) = c.attrs_and_entity()?;
            let anchor = if c.eat(", anchor: ") {
                match c.ident()? {
                    "Moved" => Anchor::Moved,
                    "Orphaned" => Anchor::Orphaned,
                    _ => return None,
                }
            } else {
                Anchor::Exact
            };
            c.lit("),\n")?;
            suggestions.push(Suggestion {
                label,
                start,
                end,
                text,
                source,
                status,
                attrs,
                entity,
                anchor,
            });
        }
        // An empty list is never written: ron reads one.
        if suggestions.is_empty() {
            return None;
        }
        c.lit("    ],\n")?;
    }
    c.lit(")\n")?;
    (c.at == source.len()).then_some(Sidecar {
        format: "spantag".into(),
        version,
        article: ArticleRecord {
            file,
            sha256,
            chars,
            encoding,
            newline,
        },
        // A sidecar with a `source` or `citation` (version 5) is read by `ron`.
        source: None,
        citation: None,
        annotator,
        status,
        next_id,
        spans,
        relations,
        suggestions,
        // A sidecar with conflicts (version 4) is read by `ron`.
        conflicts: Vec::new(),
    })
}
