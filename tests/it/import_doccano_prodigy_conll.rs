//! The doccano, Prodigy and CoNLL importers on what the tools really wrote
//! (`tests/peer-data`), each span checked against the tool's own slicing computed here
//! independently; and CoNLL's round trip: spantag's export, read back and realigned onto the
//! original text, gives back every span the export held.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;

use spantag::export::{Article, Exporter, Format, Options, Output};
use spantag::import::{self, Options as ImportOptions, Parsed};
use spantag::model::{Entities, Scheme, Text};

use super::roundtrip::document_strategy;

fn peer_files(tool: &str) -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/peer-data")
        .join(tool);
    let mut files: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .expect("the peer data folder")
        .map(|entry| {
            let path = entry.expect("a folder entry").path();
            let text = std::fs::read_to_string(&path).expect("a UTF-8 file");
            (path, text)
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no files in {}", dir.display());
    files
}

fn records(input: &str) -> Vec<Value> {
    input
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("the peer file is JSON Lines"))
        .collect()
}

/// (label, text) of each span as doccano would show it: the record's UTF-16 slice.
fn doccano_spans(record: &Value) -> Vec<(String, String)> {
    let text: Vec<u16> = record["text"].as_str().unwrap().encode_utf16().collect();
    let slice = |s: &Value, e: &Value| {
        String::from_utf16(&text[s.as_u64().unwrap() as usize..e.as_u64().unwrap() as usize])
            .expect("doccano's offsets are on char boundaries")
    };
    let mut spans = Vec::new();
    for key in ["label", "entities"] {
        for item in record[key].as_array().into_iter().flatten() {
            spans.push(match item {
                Value::Array(t) => (t[2].as_str().unwrap().to_string(), slice(&t[0], &t[1])),
                _ => (
                    item["label"].as_str().unwrap().to_string(),
                    slice(&item["start_offset"], &item["end_offset"]),
                ),
            });
        }
    }
    spans
}

#[test]
fn every_doccano_peer_file_imports_each_span_on_its_utf16_slice() {
    let mut total = 0;
    for (path, input) in peer_files("doccano") {
        let shown = path.display().to_string();
        let parsed = import::parse(
            import::Format::Doccano,
            &shown,
            &input,
            &ImportOptions::default(),
        );
        assert!(
            parsed.report.errors.is_empty(),
            "{:?}",
            parsed.report.errors
        );
        let records = records(&input);
        assert_eq!(parsed.articles.len(), records.len(), "{shown}");
        for (record, article) in records.iter().zip(&parsed.articles) {
            let spans: Vec<(String, String)> = article
                .spans
                .iter()
                .map(|s| (s.label.clone(), s.text.clone()))
                .collect();
            assert_eq!(spans, doccano_spans(record), "{}", article.from);
            let relations = record["relations"].as_array().map_or(0, Vec::len);
            assert_eq!(article.relations.len(), relations, "{}", article.from);
            if let Some(id) = record["id"].as_u64() {
                assert_eq!(article.name, format!("{id}.txt"));
            }
            total += spans.len();
        }
        // The only thing these files hold that spantag does not: a `meta` field.
        let left_out: Vec<(Option<usize>, &str)> = parsed
            .report
            .left_out
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect();
        if shown.ends_with("example_overlapping.jsonl") {
            assert_eq!(
                left_out,
                [(
                    Some(1),
                    "metadata not kept (spantag keeps only the text and its annotations): \
                     meta.wikiPageID = 1"
                )]
            );
        } else {
            assert!(left_out.is_empty(), "{left_out:?}");
        }
    }
    assert_eq!(total, 492, "every span of the five files");
}

#[test]
fn the_relation_example_links_googles_founders() {
    let (path, input) = peer_files("doccano")
        .into_iter()
        .find(|(p, _)| p.ends_with("doccano-import-example-relation_extraction.jsonl"))
        .unwrap();
    let parsed = import::parse(
        import::Format::Doccano,
        &path.display().to_string(),
        &input,
        &ImportOptions::default(),
    );
    let article = &parsed.articles[0];
    let text_of = |id: u64| {
        article
            .spans
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.text.as_str())
    };
    let links: Vec<(&str, Option<&str>, Option<&str>)> = article
        .relations
        .iter()
        .map(|r| (r.kind.as_str(), text_of(r.from), text_of(r.to)))
        .collect();
    assert_eq!(
        links,
        [
            ("foundedAt", Some("Google"), Some("September 4, 1998")),
            ("foundedBy", Some("Google"), Some("Larry Page")),
            ("foundedBy", Some("Google"), Some("Sergey Brin")),
        ]
    );
}

#[test]
fn every_prodigy_peer_span_lands_on_its_exact_code_points() {
    for (path, input) in peer_files("prodigy") {
        let shown = path.display().to_string();
        let parsed = import::parse(
            import::Format::Prodigy,
            &shown,
            &input,
            &ImportOptions::default(),
        );
        assert!(
            parsed.report.errors.is_empty(),
            "{:?}",
            parsed.report.errors
        );
        assert!(
            parsed.report.left_out.is_empty(),
            "{:?}",
            parsed.report.left_out
        );
        let records = records(&input);
        assert_eq!(parsed.articles.len(), records.len());
        let mut spans = 0;
        for (record, article) in records.iter().zip(&parsed.articles) {
            assert_eq!(
                article.name,
                format!("prodigy-{}.txt", record["_input_hash"])
            );
            let chars: Vec<char> = record["text"].as_str().unwrap().chars().collect();
            let expected: Vec<(String, String)> = record["spans"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| {
                    let (start, end) = (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
                    let text: String = chars[start as usize..end as usize].iter().collect();
                    if let Some(given) = s["text"].as_str() {
                        assert_eq!(given, text);
                    }
                    (s["label"].as_str().unwrap().to_string(), text)
                })
                .collect();
            let got: Vec<(String, String)> = article
                .spans
                .iter()
                .map(|s| (s.label.clone(), s.text.clone()))
                .collect();
            assert_eq!(got, expected, "{}", article.from);
            spans += got.len();
        }
        assert_eq!(parsed.report.imported["spans"], spans);
        assert!(spans >= 20, "{spans} spans read");
    }
}

/// spantag's CoNLL export of one article, and the ids of the spans it reported as dropped
/// or changed (widened to tokens, split at a sentence break).
fn conll_export(doc: &spantag::model::Document) -> (String, HashSet<u64>) {
    let scheme = Scheme::default();
    let entities = Entities::default();
    let mut exporter = Exporter::new(Format::Conll, &scheme, &entities, Options::default());
    let mut outputs = exporter.begin();
    outputs.extend(
        exporter
            .article(Article {
                id: "a.txt",
                document: doc,
            })
            .unwrap(),
    );
    outputs.extend(exporter.finish());
    let mut out = String::new();
    for output in outputs {
        if let Output::Append(bytes) = output {
            out.push_str(&String::from_utf8(bytes).unwrap());
        }
    }
    let changed = exporter
        .report
        .losses
        .iter()
        .filter_map(|loss| loss.span)
        .collect();
    (out, changed)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn conll_read_back_and_realigned_gives_every_span_the_export_held(doc in document_strategy()) {
        let (out, changed) = conll_export(&doc);
        let parsed: Parsed = import::parse(import::Format::Conll, "x.conll", &out, &ImportOptions::default());
        prop_assert!(parsed.report.errors.is_empty(), "{:?}\n{}", parsed.report.errors, out);
        let original = doc.text().as_str();
        let Some(mut article) = parsed.articles.into_iter().next() else {
            // Only an article of white space has no token.
            prop_assert!(original.trim().is_empty());
            return Ok(());
        };
        // The rebuilt text spaces tokens by one; the original's spacing comes back.
        import::realign_conll(&mut article, original).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&article.text, original);
        let text = Text::new(original.to_string());
        let mut back: Vec<(String, usize, usize, String)> = article
            .spans
            .iter()
            .map(|s| (s.label.clone(), s.start, s.end, s.text.clone()))
            .collect();
        for span in &article.spans {
            prop_assert!(span.holds_in(&text), "{:?}", span);
        }
        for span in doc.annotations().spans().iter().filter(|s| !changed.contains(&s.id)) {
            let mark = (span.label.clone(), span.start, span.end, span.text.clone());
            let at = back.iter().position(|b| *b == mark);
            prop_assert!(at.is_some(), "{:?} not read back from\n{}", mark, out);
            back.remove(at.unwrap_or_default());
        }
    }
}
