//! Label Studio import on the files Label Studio and its users wrote (`tests/peer-data/
//! labelstudio/`), on every truncation of them, and on generated JSON of Label Studio's
//! vocabulary: every span lands on the characters it names, and nothing panics.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;

use spantag::import::{self, Format, ImportedArticle, Options, Parsed};
use spantag::model::Text;

fn peer_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peer-data/labelstudio");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> Parsed {
    let input = std::fs::read_to_string(path).unwrap();
    import::parse(
        Format::LabelStudio,
        &path.display().to_string(),
        &input,
        &Options::default(),
    )
}

/// What every import must hold: each span and suggestion is the text at its code points,
/// span ids are unique, and each relation links two of the article's spans.
fn sound(article: &ImportedArticle) -> Result<(), String> {
    let text = Text::new(article.text.clone());
    for span in &article.spans {
        if text.get(span.start..span.end) != Some(span.text.as_str()) || span.start >= span.end {
            return Err(format!("{}: span {span:?} is not its text", article.from));
        }
    }
    for s in &article.suggestions {
        if text.get(s.start..s.end) != Some(s.text.as_str()) || s.start >= s.end {
            return Err(format!(
                "{}: suggestion {s:?} is not its text",
                article.from
            ));
        }
    }
    let ids: HashSet<u64> = article.spans.iter().map(|s| s.id).collect();
    if ids.len() != article.spans.len() {
        return Err(format!("{}: span ids repeat", article.from));
    }
    for r in &article.relations {
        if !ids.contains(&r.from) || !ids.contains(&r.to) {
            return Err(format!("{}: relation {r:?} has a loose end", article.from));
        }
    }
    Ok(())
}

#[test]
fn every_peer_file_imports_without_errors_onto_its_code_points() {
    let files = peer_files();
    assert_eq!(files.len(), 3, "{files:?}");
    for path in files {
        let parsed = read(&path);
        assert!(
            parsed.report.errors.is_empty(),
            "{}: {:?}",
            path.display(),
            parsed.report.errors
        );
        assert!(!parsed.articles.is_empty(), "{}", path.display());
        for article in &parsed.articles {
            sound(article).unwrap();
        }
    }
}

#[test]
fn the_frontend_examples_give_a_suggestion_and_a_span() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peer-data/labelstudio");

    // tasks.json: a list with one task and a model's prediction.
    let parsed = read(&dir.join("lsf-examples-named_entity-tasks.json"));
    let [article] = parsed.articles.as_slice() else {
        panic!("{:?}", parsed.articles);
    };
    assert!(article.spans.is_empty());
    let [suggestion] = article.suggestions.as_slice() else {
        panic!("{:?}", article.suggestions);
    };
    assert_eq!(
        (
            suggestion.label.as_str(),
            suggestion.start,
            suggestion.end,
            suggestion.text.as_str(),
            suggestion.source.as_str()
        ),
        ("Date", 343, 354, "February 22", "model 1")
    );
    assert_eq!(parsed.report.imported["suggestions"], 1);
    assert!(parsed.report.left_out.is_empty(), "{:?}", parsed.report);

    // annotations/1.json: one task object, its annotation a span.
    let parsed = read(&dir.join("lsf-examples-named_entity-annotations-1.json"));
    let [article] = parsed.articles.as_slice() else {
        panic!("{:?}", parsed.articles);
    };
    assert_eq!(article.name, "1.txt");
    let spans: Vec<(&str, usize, usize, &str)> = article
        .spans
        .iter()
        .map(|s| (s.label.as_str(), s.start, s.end, s.text.as_str()))
        .collect();
    assert_eq!(spans, [("Date", 343, 354, "February 22")]);
    assert!(parsed.report.left_out.is_empty(), "{:?}", parsed.report);
}

#[test]
fn a_model_that_numbers_every_region_zero_loses_none() {
    // Every result id is 0: each region is still its own span, with ids of its own.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peer-data/labelstudio");
    let parsed = read(&dir.join("HealthInformaticsUT-labelstudio-ner-tagger-import_data.json"));
    let counts: Vec<usize> = parsed.articles.iter().map(|a| a.spans.len()).collect();
    assert_eq!(counts, [2, 4, 0]);
    let second: Vec<(u64, &str, usize)> = parsed.articles[1]
        .spans
        .iter()
        .map(|s| (s.id, s.text.as_str(), s.start))
        .collect();
    assert_eq!(
        second,
        [
            (1, "kass", 5),
            (2, "koer", 18),
            (3, "kass", 55),
            (4, "koer", 88)
        ]
    );
    assert_eq!(parsed.report.imported["spans"], 6);
    assert_eq!(parsed.report.imported["annotations"], 3);
}

#[test]
fn every_truncation_of_a_peer_file_keeps_what_came_before_and_never_panics() {
    for path in peer_files() {
        let whole = std::fs::read_to_string(&path).unwrap();
        let complete = read(&path).articles.len();
        let cuts = (0..whole.len()).filter(|&i| whole.is_char_boundary(i));
        for cut in cuts.filter(|&i| whole[..i].trim_end() != whole.trim_end()) {
            let parsed = import::parse(
                Format::LabelStudio,
                "cut.json",
                &whole[..cut],
                &Options::default(),
            );
            assert!(
                !parsed.report.errors.is_empty(),
                "{}: cut at {cut}",
                path.display()
            );
            assert!(parsed.articles.len() <= complete);
            for article in &parsed.articles {
                sound(article).unwrap();
            }
        }
    }
}

/// Keys and strings Label Studio writes, so generated JSON reaches every branch.
const KEYS: &[&str] = &[
    "data",
    "text",
    "id",
    "annotations",
    "completions",
    "predictions",
    "drafts",
    "result",
    "type",
    "value",
    "start",
    "end",
    "labels",
    "choices",
    "from_name",
    "to_name",
    "from_id",
    "to_id",
    "direction",
    "completed_by",
    "email",
    "updated_at",
    "created_at",
    "was_cancelled",
    "model_version",
    "meta",
    "globalOffsets",
    "taxonomy",
    "rating",
    "number",
    "datetime",
    "hypertextlabels",
    "notes",
];
const WORDS: &[&str] = &[
    "labels",
    "relation",
    "choices",
    "textarea",
    "rating",
    "number",
    "taxonomy",
    "datetime",
    "hypertextlabels",
    "left",
    "right",
    "bi",
    "entity",
    "text",
    "😀 Lavrov",
    "Lavrov",
    "s1",
    "s2",
    "0",
    "1",
    "2024-01-01T00:00:00Z",
    "",
    "a\nb",
    "Cairo 🇪🇬",
    "e\u{301}",
];

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-2i64..30).prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e3f64..1e3).prop_map(Value::from),
        prop::sample::select(WORDS).prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 96, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..7).prop_map(|fields| {
                Value::Object(
                    fields
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect(),
                )
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn generated_tasks_never_panic_and_never_misplace_a_span(
        value in json(),
        annotator in prop::option::of(prop::sample::select(&["0", "1", "a@b.c"][..])),
    ) {
        let options = Options { annotator: annotator.map(str::to_string), ..Options::default() };
        let input = value.to_string();
        let parsed = import::parse(Format::LabelStudio, "gen.json", &input, &options);
        for article in &parsed.articles {
            prop_assert!(sound(article).is_ok(), "{}\n{:?}", input, sound(article));
        }
    }
}

const PIECES: &[&str] = &[
    "Lavrov", " ", "said", "😀", "é", "e\u{301}", "\n", "🇪🇬", "Cairo", ".",
];

/// A region as generated: start and width in code points, whether its `text` is right,
/// its id and its label.
type GenRegion = (usize, usize, bool, usize, usize);

/// A relation as generated: from and to region ids, and its direction.
type GenRelation = (usize, usize, u8);

/// A text, whether its annotation was written by an older Label Studio (UTF-16 offsets),
/// its regions and its relations.
fn task() -> impl Strategy<Value = (String, bool, Vec<GenRegion>, Vec<GenRelation>)> {
    let text = prop::collection::vec(prop::sample::select(PIECES), 1..30).prop_map(|p| p.concat());
    let regions = prop::collection::vec(
        (
            0usize..80,
            1usize..12,
            prop::bool::weighted(0.8),
            0usize..6,
            0usize..3,
        ),
        0..10,
    );
    let relations = prop::collection::vec((0usize..6, 0usize..6, 0u8..4), 0..5);
    (text, any::<bool>(), regions, relations)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Regions whose text is where they say all come in, exactly there, whether their
    /// annotation counted code points or (older Label Studio) UTF-16 units; a region whose
    /// text is not there never does.
    #[test]
    fn generated_regions_land_exactly(
        (text, old, regions, relations) in task(),
    ) {
        let chars: Vec<char> = text.chars().collect();
        let units: Vec<usize> = std::iter::once(0)
            .chain(chars.iter().scan(0, |at, c| { *at += c.len_utf16(); Some(*at) }))
            .collect();
        let labels = ["actor", "quote", "claim"];
        let at = |r: std::ops::Range<usize>| chars.get(r).map(|c| c.iter().collect::<String>());
        let mut results = Vec::new();
        let mut expected = Vec::new();
        // Whether some region's text is not at its offsets read as code points: what tells
        // an older file's offsets apart.
        let mut telling = false;
        for &(start, width, right, id, label) in &regions {
            let start = start % (chars.len() + 2);
            let end = start + width;
            let Some(there) = at(start..end) else { continue };
            let written = if old {
                (units[start], units[end])
            } else {
                (start, end)
            };
            let said = if right { there.clone() } else { "not the text".to_string() };
            if right {
                expected.push((start, end, labels[label], said.clone()));
                telling |= at(written.0..written.1).as_ref() != Some(&said);
            }
            results.push(serde_json::json!({
                "id": format!("r{id}"), "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": written.0, "end": written.1, "text": said, "labels": [labels[label]]}
            }));
        }
        for &(from, to, direction) in &relations {
            let direction = ["right", "left", "bi", "sideways"][direction as usize];
            results.push(serde_json::json!({
                "type": "relation", "from_id": format!("r{from}"), "to_id": format!("r{to}"),
                "direction": direction, "labels": ["said_by"]
            }));
        }
        let input = serde_json::json!([{"data": {"text": text}, "annotations": [{"result": results}]}]).to_string();
        let parsed = import::parse(Format::LabelStudio, "gen.json", &input, &Options::default());
        prop_assert_eq!(parsed.articles.len(), 1);
        let article = &parsed.articles[0];
        prop_assert!(sound(article).is_ok(), "{:?}", sound(article));
        for (start, end, label, said) in &expected {
            // Without a telling region, an older file's region whose text is also at its
            // code-point reading is read there: the same text, the only sound choice.
            prop_assert!(
                article.spans.iter().any(|s| s.label == *label && &s.text == said),
                "{} {}..{} {:?} missing from {:?}\n{:?}", label, start, end, said, article.spans, parsed.report
            );
            if !old || telling {
                prop_assert!(
                    article.spans.iter().any(|s| s.start == *start && s.end == *end && s.label == *label),
                    "{} {}..{} {:?} misplaced: {:?}\n{:?}", label, start, end, said, article.spans, parsed.report
                );
            }
        }
        prop_assert!(article.spans.iter().all(|s| s.text != "not the text"));
        prop_assert!(article.spans.len() <= regions.len());
    }
}
