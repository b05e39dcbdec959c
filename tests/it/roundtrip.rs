//! Export then import gives back what each format holds, on generated articles with emoji,
//! CRLF, combining marks and overlapping spans.

use proptest::prelude::*;

use spantag::export::{Article, Exporter, Format, Options, Output};
use spantag::import::{self, ImportedArticle, Options as ImportOptions, Parsed};
use spantag::model::{
    select, Annotations, ArticleMeta, Attrs, Document, Relation, Scheme, Span, Text, FRAGMENT_KIND,
};

const PIECES: &[&str] = &[
    "Lavrov",
    "said",
    " ",
    " ",
    "é",
    "e\u{301}",
    "😀",
    "🇪🇬",
    "\r\n",
    "\n",
    "👨‍👩‍👧",
    "\"",
    "«",
    "عبد",
    "✊🏽",
    "Łódź",
    ".",
];
const LABELS: &[&str] = &["claim", "quote", "location", "actor"];
/// Attribute names and values that break naive writers: separators of brat's lines and
/// `annotation.conf`, tabs, line breaks, quotes, commas, a literal `%41`.
const ATTR_NAMES: &[&str] = &["verdict", "kind", "free text", "x:y%"];
const ATTR_VALUES: &[&str] = &[
    "misleading",
    "mostly true",
    "a\tb",
    "line\nbreak",
    "say \"no\", then",
    "100%",
    "%41",
    "a|b:c,d",
    "ünï 😀",
];
/// Entity ids, one with white space, a colon and a percent sign.
const ENTITY_IDS: &[&str] = &["sergei-lavrov", "id with space:colon%", "Łódź"];

pub(crate) fn document_strategy() -> impl Strategy<Value = Document> {
    let text = prop::collection::vec(prop::sample::select(PIECES), 1..60).prop_map(|p| p.concat());
    let spans = prop::collection::vec(
        (
            any::<usize>(),
            1usize..20,
            0..LABELS.len(),
            any::<bool>(),
            prop::collection::vec((0..ATTR_NAMES.len(), 0..ATTR_VALUES.len()), 0..3),
            0..ENTITY_IDS.len() + 1,
        ),
        0..12,
    );
    let links = prop::collection::vec((any::<usize>(), any::<usize>()), 0..4);
    (text, spans, links).prop_map(|(text, raw_spans, links)| {
        let text = Text::new(text);
        let len = text.len_chars();
        let mut spans: Vec<Span> = Vec::new();
        for (i, (start, width, label, noted, attrs, entity)) in raw_spans.into_iter().enumerate() {
            let start = start % len.max(1);
            // As the UI makes them: never splitting a grapheme, never only whitespace.
            let range = select::snap_to_graphemes(&text, start..(start + width).min(len));
            let Some(range) = select::trim_whitespace(&text, range) else {
                continue;
            };
            if spans
                .iter()
                .any(|s| s.char_range() == range && s.label == LABELS[label])
            {
                continue;
            }
            let mut span = Span::new(i as u64 + 1, LABELS[label], range, &text);
            if noted {
                span.note = format!("note {i}: «checked» ✓");
            }
            for (name, value) in attrs {
                span.attrs
                    .insert(ATTR_NAMES[name].into(), ATTR_VALUES[value].into());
            }
            span.entity = ENTITY_IDS.get(entity).map(|e| e.to_string());
            spans.push(span);
        }
        let relations: Vec<Relation> = if spans.len() < 2 {
            Vec::new()
        } else {
            links
                .into_iter()
                .enumerate()
                .map(|(i, (a, b))| Relation {
                    id: i as u64 + 1,
                    kind: "said_by".into(),
                    from: spans[a % spans.len()].id,
                    to: spans[b % spans.len()].id,
                })
                .collect()
        };
        let annotations = Annotations::from_parts(spans, relations).unwrap();
        Document::new(text, ArticleMeta::default(), annotations)
    })
}

/// Exports one article in memory; (appended bytes, separate files).
fn export(format: Format, doc: &Document, options: Options) -> (String, Vec<(String, String)>) {
    let scheme = Scheme::default();
    let entities = spantag::model::Entities::default();
    let mut exporter = Exporter::new(format, &scheme, &entities, options);
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
    let mut main = String::new();
    let mut files = Vec::new();
    for output in outputs {
        match output {
            Output::Append(bytes) => main.push_str(&String::from_utf8(bytes).unwrap()),
            Output::File { path, bytes }
            | Output::Companion {
                suffix: path,
                bytes,
            } => files.push((path, String::from_utf8(bytes).unwrap())),
        }
    }
    (main, files)
}

/// The one article of an import that reported no error.
fn one(parsed: Parsed) -> ImportedArticle {
    let Parsed {
        mut articles,
        report,
    } = parsed;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(articles.len(), 1);
    articles.remove(0)
}

type Mark = (u64, String, usize, usize, String, String);

fn marks(spans: &[Span], with_notes: bool) -> Vec<Mark> {
    let mut m: Vec<Mark> = spans
        .iter()
        .map(|s| {
            let note = if with_notes {
                s.note.clone()
            } else {
                String::new()
            };
            (s.id, s.label.clone(), s.start, s.end, s.text.clone(), note)
        })
        .collect();
    m.sort();
    m
}

/// Each span's attributes and entity id, by span id.
fn attributes(spans: &[Span]) -> Vec<(u64, Attrs, Option<String>)> {
    let mut a: Vec<_> = spans
        .iter()
        .map(|s| (s.id, s.attrs.clone(), s.entity.clone()))
        .collect();
    a.sort();
    a
}

fn links(relations: &[Relation]) -> Vec<(String, u64, u64)> {
    let mut l: Vec<_> = relations
        .iter()
        .map(|r| (r.kind.clone(), r.from, r.to))
        .collect();
    l.sort();
    l
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn jsonl_keeps_everything(doc in document_strategy()) {
        let (out, _) = export(Format::Jsonl, &doc, Options::default());
        let back = one(import::parse(import::Format::Jsonl, "x", &out, &ImportOptions::default()));
        prop_assert_eq!(&back.text, doc.text().as_str());
        prop_assert_eq!(marks(&back.spans, true), marks(doc.annotations().spans(), true));
        prop_assert_eq!(back.relations, doc.annotations().relations().to_vec());
        prop_assert_eq!(attributes(&back.spans), attributes(doc.annotations().spans()));
    }

    #[test]
    fn doccano_keeps_spans_and_relations(doc in document_strategy()) {
        let options = Options { doccano_relations: true, ..Options::default() };
        let (out, _) = export(Format::Doccano, &doc, options);
        let parsed = import::parse(import::Format::Doccano, "x", &out, &ImportOptions::default());
        // spantag's own doccano holds nothing the importer has to leave out.
        prop_assert!(parsed.report.left_out.is_empty(), "{:?}", parsed.report.left_out);
        let back = one(parsed);
        prop_assert_eq!(&back.name, "a.txt");
        prop_assert_eq!(&back.text, doc.text().as_str());
        // Span and relation ids come back too: relations in doccano name entity ids.
        prop_assert_eq!(marks(&back.spans, false), marks(doc.annotations().spans(), false));
        let mut relations = back.relations.clone();
        relations.sort_by_key(|r| r.id);
        prop_assert_eq!(relations, doc.annotations().relations().to_vec());

        // doccano 1.2 and older put the text under "data": the same spans.
        let old = out.replacen("\"text\":", "\"data\":", 1);
        let back = one(import::parse(import::Format::Doccano, "x", &old, &ImportOptions::default()));
        prop_assert_eq!(marks(&back.spans, false), marks(doc.annotations().spans(), false));

        // The plain sequence-labeling shape keeps labels and ranges.
        let (out, _) = export(Format::Doccano, &doc, Options::default());
        let back = one(import::parse(import::Format::Doccano, "x", &out, &ImportOptions::default()));
        let ranges = |spans: &[Span]| {
            let mut r: Vec<_> = spans.iter().map(|s| (s.start, s.end, s.label.clone())).collect();
            r.sort();
            r
        };
        prop_assert_eq!(ranges(&back.spans), ranges(doc.annotations().spans()));
    }

    #[test]
    fn labelstudio_keeps_spans_relations_attributes_and_entities(doc in document_strategy()) {
        let (out, _) = export(Format::LabelStudio, &doc, Options::default());
        let parsed = import::parse(import::Format::LabelStudio, "x", &out, &ImportOptions::default());
        // Nothing the export wrote is left out reading it back (notes are not exported).
        prop_assert!(parsed.report.left_out.is_empty(), "{:?}", parsed.report.left_out);
        let back = one(parsed);
        prop_assert_eq!(&back.text, doc.text().as_str());
        prop_assert_eq!(marks(&back.spans, false), marks(doc.annotations().spans(), false));
        prop_assert_eq!(links(&back.relations), links(doc.annotations().relations()));
        prop_assert_eq!(attributes(&back.spans), attributes(doc.annotations().spans()));
    }

    #[test]
    fn brat_keeps_spans_relations_and_notes_over_lf_text(doc in document_strategy()) {
        let (_, files) = export(Format::Brat, &doc, Options::default());
        let file = |name: &str| files.iter().find(|(p, _)| p == name).map(|(_, t)| t.clone()).unwrap();
        let back = one(import::parse_brat("a.txt", "a.ann", &file("a.txt"), &file("a.ann"), &ImportOptions::default()));
        prop_assert_eq!(&back.text, &import::brat_text(doc.text().as_str()));
        // The same spans, at their places in the LF text. A span that crosses a line break
        // was written as fragments: it comes back as one span per fragment (nothing over
        // the line break), the first with its id, note, attributes and entity, each later
        // one linked from it by a fragment relation.
        let lf = Text::new(back.text.clone());
        let later: Vec<u64> = back.relations.iter().filter(|r| r.kind == FRAGMENT_KIND).map(|r| r.to).collect();
        let mut expected: Vec<Mark> = Vec::new();
        let mut fragment_links = Vec::new();
        for s in doc.annotations().spans() {
            let before = import::brat_text(doc.text().slice(0..s.start)).chars().count();
            let text = import::brat_text(&s.text);
            let mut at = before;
            let mut first = true;
            for piece in text.split('\n') {
                let end = at + piece.chars().count();
                if !piece.is_empty() {
                    prop_assert_eq!(lf.slice(at..end), piece);
                    if first {
                        expected.push((s.id, s.label.clone(), at, end, piece.to_string(), s.note.clone()));
                    } else {
                        expected.push((0, s.label.clone(), at, end, piece.to_string(), String::new()));
                        fragment_links.push((s.id, at, end));
                    }
                    first = false;
                }
                at = end + 1;
            }
        }
        expected.sort();
        let mut found = marks(&back.spans, true);
        for mark in &mut found {
            if later.contains(&mark.0) {
                mark.0 = 0;
            }
        }
        found.sort();
        prop_assert_eq!(found, expected);
        // Each later fragment is linked from its first one.
        let mut links_found: Vec<(u64, usize, usize)> = back
            .relations
            .iter()
            .filter(|r| r.kind == FRAGMENT_KIND)
            .map(|r| {
                let to = back.spans.iter().find(|s| s.id == r.to).unwrap();
                (r.from, to.start, to.end)
            })
            .collect();
        links_found.sort();
        fragment_links.sort();
        prop_assert_eq!(links_found, fragment_links);
        let others: Vec<Relation> = back.relations.iter().filter(|r| r.kind != FRAGMENT_KIND).cloned().collect();
        prop_assert_eq!(links(&others), links(doc.annotations().relations()));
        let heads: Vec<Span> = back.spans.iter().filter(|s| !later.contains(&s.id)).cloned().collect();
        prop_assert_eq!(attributes(&heads), attributes(doc.annotations().spans()));
        prop_assert!(back.spans.iter().filter(|s| later.contains(&s.id)).all(|s| s.attrs.is_empty() && s.entity.is_none()));

        // And exported again, the fragments are one annotation again: the same .ann (in
        // another order where a span's first fragment sorts differently from the span, so
        // with the per-file numbers of A, N and # lines left out).
        let again = Document::new(
            Text::new(back.text.clone()),
            ArticleMeta::default(),
            Annotations::from_parts(back.spans.clone(), back.relations.clone()).unwrap(),
        );
        let (_, files_again) = export(Format::Brat, &again, Options::default());
        let ann_again = files_again.iter().find(|(p, _)| p == "a.ann").map(|(_, t)| t.clone()).unwrap();
        let said = |ann: &str| {
            let mut lines: Vec<String> = ann
                .lines()
                .map(|l| match l.chars().next() {
                    Some(c @ ('A' | 'N' | '#')) => format!("{c}{}", l.split_once('\t').map_or("", |x| x.1)),
                    _ => l.to_string(),
                })
                .collect();
            lines.sort();
            lines
        };
        prop_assert_eq!(said(&ann_again), said(&file("a.ann")));
    }
}
