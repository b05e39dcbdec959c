//! `w3c`: a JSON-LD array of Web Annotations. Per span a `TextQuoteSelector` (exact, prefix,
//! suffix) and a `TextPositionSelector` (char offsets); the label as a tagging body, the note
//! as a commenting body; an accepted suggestion's rule as its `creator`; relations as
//! `linking` annotations between the span annotations.

use serde_json::json;

use super::{push_array_item, Ctx, ExportError, Output};
use crate::model::Source;

fn span_iri(article: &str, id: u64) -> String {
    format!("urn:spantag:{}#span-{id}", urlencode(article))
}

/// Enough percent-encoding to keep an article path a valid IRI fragment.
fn urlencode(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '.' | '_' | '~' | '/' => c.to_string(),
            c => {
                let mut buf = [0u8; 4];
                c.encode_utf8(&mut buf)
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect()
            }
        })
        .collect()
}

pub(super) fn article(
    ctx: &mut Ctx<'_, '_>,
    array_started: &mut bool,
) -> Result<Vec<Output>, ExportError> {
    let id = ctx.article.id;
    let mut items = Vec::new();
    for span in ctx.spans {
        ctx.check_chars(span)?;
        let mut body =
            vec![json!({"type": "TextualBody", "value": span.label, "purpose": "tagging"})];
        if !span.note.is_empty() {
            body.push(json!({"type": "TextualBody", "value": span.note, "purpose": "commenting"}));
        }
        let mut item = json!({
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": span_iri(id, span.id),
            "type": "Annotation",
            "motivation": "tagging",
            "body": body,
            "target": {
                "source": id,
                "selector": [
                    {"type": "TextQuoteSelector", "exact": span.text, "prefix": span.prefix, "suffix": span.suffix},
                    {"type": "TextPositionSelector", "start": span.start, "end": span.end},
                ],
            },
        });
        // An accepted suggestion was created by its rule: the model's `creator`.
        if let Source::Rule(name) = &span.source {
            item["creator"] = json!({"type": "Software", "name": format!("spantag rule {name}")});
        }
        items.push(item);
    }
    for r in ctx.relations() {
        items.push(json!({
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": format!("urn:spantag:{}#relation-{}", urlencode(id), r.id),
            "type": "Annotation",
            "motivation": "linking",
            "body": {"type": "TextualBody", "value": r.kind, "purpose": "tagging"},
            "target": [span_iri(id, r.from), span_iri(id, r.to)],
        }));
    }
    let mut bytes = Vec::new();
    for item in &items {
        push_array_item(&mut bytes, item, array_started);
    }
    Ok(vec![Output::Append(bytes)])
}
