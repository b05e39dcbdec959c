//! `w3c`: a JSON-LD array of Web Annotations. Per span a `TextQuoteSelector` (exact, prefix,
//! suffix) and a `TextPositionSelector` (char offsets); the label as a tagging body, the note
//! as a commenting body; an accepted suggestion's rule as its `creator` (`spantag rule
//! NAME`), and an imported span's source (the format it was imported from, or the model
//! whose suggestion was accepted) as its `creator` `imported:NAME`, the csv's `source`
//! column; relations as `linking` annotations between the span annotations. The article's
//! citation goes on each span's target ([`add_citation`]).
//!
//! Each attribute is a `TextualBody` with `purpose: "classifying"` and the value
//! `NAME=VALUE` (the name is everything before the first `=`). An entity link is a
//! `SpecificResource` body with `purpose: "identifying"` whose `source` is the entity's IRI
//! `urn:spantag:entity:ID`, a `TextualBody` `identifying` with the entity's name, and one
//! `identifying` body per external id: Wikidata and GeoNames as their canonical entity
//! URIs, any other base as the text `BASE:ID`.
//!
//! A discontinuous annotation (brat's `S E;S E`) is one span per fragment: each is an
//! annotation of its own with its own selectors (so every consumer reads each as before),
//! and each later fragment's annotation says `"dcterms:isPartOf"` with the IRI of the first
//! fragment's (its group's first, see [`Fragments`](crate::model::Fragments); the next one
//! when the first is an orphan left out, reported), which carries the annotation's body;
//! the `fragment` relations are written as `linking` annotations like every relation. (A
//! `TextPositionSelector` list would not do: several selectors of one target are
//! alternatives for the same text in the model.)

use serde_json::json;

use super::{push_array_item, Ctx, ExportError, Output};
use crate::model::{Citation, Source};

fn span_iri(article: &str, id: u64) -> String {
    format!("urn:spantag:{}#span-{id}", urlencode(article))
}

fn entity_iri(id: &str) -> String {
    format!("urn:spantag:entity:{}", urlencode(id))
}

/// The canonical URI of an id in a knowledge base spantag knows (by the base's name as
/// written in `entities.ron`, ignoring case).
fn external_uri(base: &str, id: &str) -> Option<String> {
    match base.to_ascii_lowercase().as_str() {
        "wikidata" => Some(format!("http://www.wikidata.org/entity/{}", urlencode(id))),
        "geonames" => Some(format!("https://sws.geonames.org/{}/", urlencode(id))),
        _ => None,
    }
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

/// The article's citation on a span's target: the page's URL as the target's `scope` (the
/// model's "resource that provides the context", here the web page the text was taken
/// from), the rest as Dublin Core terms: `dcterms:title`, `dcterms:creator` (the byline),
/// `dcterms:publisher` (the outlet), `dcterms:issued` (the published date).
fn add_citation(target: &mut serde_json::Value, citation: &Citation) {
    let terms = [
        ("scope", &citation.url),
        ("dcterms:title", &citation.title),
        ("dcterms:creator", &citation.byline),
        ("dcterms:publisher", &citation.outlet),
        ("dcterms:issued", &citation.published),
    ];
    for (key, value) in terms {
        if !value.is_empty() {
            target[key] = json!(value);
        }
    }
}

pub(super) fn article(
    ctx: &mut Ctx<'_, '_>,
    array_started: &mut bool,
) -> Result<Vec<Output>, ExportError> {
    let id = ctx.article.id;
    let fragments = ctx.fragments();
    let mut items = Vec::new();
    for span in ctx.spans {
        ctx.check_chars(span)?;
        let mut body =
            vec![json!({"type": "TextualBody", "value": span.label, "purpose": "tagging"})];
        if !span.note.is_empty() {
            body.push(json!({"type": "TextualBody", "value": span.note, "purpose": "commenting"}));
        }
        for (name, value) in &span.attrs {
            body.push(json!({"type": "TextualBody", "value": format!("{name}={value}"), "purpose": "classifying"}));
        }
        if let Some(entity) = &span.entity {
            body.push(json!({"type": "SpecificResource", "source": entity_iri(entity), "purpose": "identifying"}));
            body.push(json!({"type": "TextualBody", "value": ctx.entity_name(entity), "purpose": "identifying"}));
            for (base, external) in ctx.entity_external(entity).into_iter().flatten() {
                body.push(match external_uri(base, external) {
                    Some(uri) => json!({"type": "SpecificResource", "source": uri, "purpose": "identifying"}),
                    None => json!({"type": "TextualBody", "value": format!("{base}:{external}"), "purpose": "identifying"}),
                });
            }
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
        // An accepted suggestion was created by its rule or model, an imported span came
        // from another tool: the model's `creator`. A manual span has no `creator`.
        match &span.source {
            Source::Rule(name) => {
                item["creator"] =
                    json!({"type": "Software", "name": format!("spantag rule {name}")});
            }
            Source::Imported(_) => {
                item["creator"] = json!({"type": "Software", "name": span.source.tag()});
            }
            Source::Manual => {}
        }
        add_citation(&mut item["target"], &ctx.article.document.citation);
        if let Some(first) = fragments.part_of(span.id) {
            item["dcterms:isPartOf"] = json!(span_iri(id, first));
        }
        items.push(item);
    }
    ctx.relations_written = ctx.relations().count();
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

#[cfg(test)]
mod tests {
    use crate::export::{Article, Exporter, Format, Options, Output};
    use crate::model::{fixture, Command, Entities, Scheme, Span, Suggestion};

    /// An accepted model suggestion keeps its source in jsonl, W3C and csv alike.
    #[test]
    fn an_accepted_suggestions_source_is_written_by_jsonl_w3c_and_csv() {
        let mut doc = fixture::document("Lavrov said it.");
        let span = Span::new(0, "actor", 0..6, doc.text());
        doc.suggestions = vec![Suggestion::from_span(span, "ner-v2")];
        let proposal = doc.suggestions[0].proposal(0);
        doc.apply(Command::Accept(vec![proposal])).unwrap();
        let (scheme, entities) = (Scheme::default(), Entities::default());
        let export = |format| {
            let mut exporter = Exporter::new(format, &scheme, &entities, Options::default());
            let mut bytes = Vec::new();
            let outputs = exporter.begin().into_iter().chain(
                exporter
                    .article(Article {
                        id: "a.txt",
                        document: &doc,
                    })
                    .unwrap(),
            );
            for output in outputs.chain(exporter.finish()) {
                if let Output::Append(b) = output {
                    bytes.extend(b);
                }
            }
            String::from_utf8(bytes).unwrap()
        };
        assert!(
            export(Format::Jsonl).contains(r#""source":{"Imported":"ner-v2"}"#),
            "{}",
            export(Format::Jsonl)
        );
        let w3c: serde_json::Value = serde_json::from_str(&export(Format::W3c)).unwrap();
        assert_eq!(w3c[0]["creator"]["name"], "imported:ner-v2");
        assert!(export(Format::Csv).contains(",imported:ner-v2"));
    }
}
