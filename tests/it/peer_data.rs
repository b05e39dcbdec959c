//! Every real file other tools wrote (`tests/peer-data/`, copied byte for byte from public
//! repositories; sources in its README) imports with nothing lost silently and nothing
//! widened.
//!
//! The spans each file means are computed here independently of the importers, in the
//! tool's own unit (brat and Label Studio and Prodigy: code points; doccano: UTF-16 code
//! units), straight from the raw JSON or `.ann` lines. Every one must then be imported onto
//! exactly those characters (as a span, or as a suggestion where the file says it is a
//! model's or an undecided answer), or be named by a line of the import's report for its
//! record. Nothing may be imported that the file does not mean.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use spantag::import::{self, Format, ImportedArticle, Options, Parsed};

/// A span as (label, char start, char end).
type Mark = (String, usize, usize);

/// What one record (a JSON line, a task, a brat document) means.
#[derive(Default)]
struct Expected {
    /// Where the record is: its 1-based line for line formats, its task number otherwise.
    line: Option<usize>,
    task: Option<usize>,
    text: String,
    spans: Vec<Mark>,
    suggestions: Vec<Mark>,
    /// Spans the file has but says are wrong (Prodigy `reject`): never imported, and the
    /// report must say so.
    refused: Vec<Mark>,
}

fn peer_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peer-data")
}

fn files(folder: &str, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![peer_data().join(folder)];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                found.push(path);
            }
        }
    }
    found.sort();
    assert!(!found.is_empty(), "no .{extension} files under {folder}");
    found
}

/// Chars of `text` from a UTF-16 code-unit offset (doccano's unit); `None` inside a pair.
fn char_of_utf16(text: &str, unit: usize) -> Option<usize> {
    let mut at = 0;
    for (k, c) in text.chars().enumerate() {
        if at == unit {
            return Some(k);
        }
        at += c.len_utf16();
    }
    (at == unit).then(|| text.chars().count())
}

fn number(value: &Value) -> usize {
    value.as_u64().expect("an offset") as usize
}

/// `[[start, end, "LABEL"], ...]` in UTF-16 units.
fn doccano_triples(text: &str, value: Option<&Value>, into: &mut Vec<Mark>) {
    for item in value.and_then(Value::as_array).into_iter().flatten() {
        let (start, end, label) = match item {
            Value::Array(triple) => (
                number(&triple[0]),
                number(&triple[1]),
                triple[2].as_str().unwrap(),
            ),
            Value::Object(entity) => (
                number(&entity["start_offset"]),
                number(&entity["end_offset"]),
                entity["label"].as_str().unwrap(),
            ),
            other => panic!("unexpected doccano span {other}"),
        };
        let start = char_of_utf16(text, start).expect("a char boundary");
        let end = char_of_utf16(text, end).expect("a char boundary");
        into.push((label.to_string(), start, end));
    }
}

fn doccano(path: &Path) -> Vec<Expected> {
    let input = std::fs::read_to_string(path).unwrap();
    let mut records = Vec::new();
    for (k, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: Value = serde_json::from_str(line).unwrap();
        let text = record
            .get("text")
            .or_else(|| record.get("data"))
            .and_then(Value::as_str)
            .unwrap()
            .to_string();
        let mut expected = Expected {
            line: Some(k + 1),
            ..Expected::default()
        };
        for key in ["label", "labels", "entities"] {
            doccano_triples(&text, record.get(key), &mut expected.spans);
        }
        expected.text = text;
        records.push(expected);
    }
    records
}

fn prodigy(path: &Path) -> Vec<Expected> {
    let input = std::fs::read_to_string(path).unwrap();
    let mut records = Vec::new();
    for (k, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: Value = serde_json::from_str(line).unwrap();
        let mut expected = Expected {
            line: Some(k + 1),
            text: record["text"].as_str().unwrap().to_string(),
            ..Expected::default()
        };
        let marks = record
            .get("spans")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|s| {
                (
                    s["label"].as_str().unwrap().to_string(),
                    number(&s["start"]),
                    number(&s["end"]),
                )
            });
        match record.get("answer").and_then(Value::as_str) {
            Some("reject") => expected.refused.extend(marks),
            Some("ignore") => expected.suggestions.extend(marks),
            _ => expected.spans.extend(marks),
        }
        records.push(expected);
    }
    records
}

/// The `labels` results of a Label Studio result list: one mark per label.
fn labelstudio_results(results: Option<&Value>, into: &mut Vec<Mark>) {
    for result in results.and_then(Value::as_array).into_iter().flatten() {
        if result["type"] != "labels" {
            continue;
        }
        let value = &result["value"];
        for label in value["labels"].as_array().unwrap() {
            into.push((
                label.as_str().unwrap().to_string(),
                number(&value["start"]),
                number(&value["end"]),
            ));
        }
    }
}

fn labelstudio(path: &Path) -> Vec<Expected> {
    let input: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let tasks = match input {
        Value::Array(tasks) => tasks,
        task => vec![task],
    };
    let mut records = Vec::new();
    for (k, task) in tasks.iter().enumerate() {
        let mut expected = Expected {
            task: Some(k + 1),
            text: task["data"]["text"].as_str().unwrap().to_string(),
            ..Expected::default()
        };
        let annotations = task
            .get("annotations")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        // The peer files have at most one annotation per task, so which one an importer
        // prefers does not matter here (the importer's own tests pin that choice).
        assert!(annotations.len() <= 1, "{}: task {}", path.display(), k + 1);
        for annotation in &annotations {
            labelstudio_results(annotation.get("result"), &mut expected.spans);
        }
        for prediction in task
            .get("predictions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            labelstudio_results(prediction.get("result"), &mut expected.suggestions);
        }
        records.push(expected);
    }
    records
}

/// Every fragment of every T line, over the `.txt` as stored.
fn brat(ann_path: &Path) -> Expected {
    let text = std::fs::read_to_string(ann_path.with_extension("txt")).unwrap();
    let ann = std::fs::read_to_string(ann_path).unwrap();
    let mut expected = Expected {
        text,
        ..Expected::default()
    };
    for line in ann.lines().filter(|l| l.starts_with('T')) {
        let fields: Vec<&str> = line.split('\t').collect();
        let (label, ranges) = fields[1].split_once(' ').unwrap();
        for range in ranges.split(';') {
            let (start, end) = range.split_once(' ').unwrap();
            expected.spans.push((
                label.to_string(),
                start.parse().unwrap(),
                end.parse().unwrap(),
            ));
        }
    }
    expected
}

fn marks_of(spans: impl Iterator<Item = Mark>) -> Vec<Mark> {
    let mut marks: Vec<Mark> = spans.collect();
    marks.sort();
    marks
}

/// Checks one input's import against what its records mean.
fn check(file: &Path, records: Vec<Expected>, parsed: Parsed) {
    let shown = file.display();
    let Parsed { articles, report } = parsed;
    let mut unused: Vec<Option<ImportedArticle>> = articles.into_iter().map(Some).collect();
    // A report line names the record: its line, or its task number in the message.
    let reported = |expected: &Expected| -> Vec<String> {
        report
            .left_out
            .iter()
            .chain(&report.errors)
            .filter(|p| match (expected.line, expected.task) {
                (Some(line), _) => p.line == Some(line),
                (None, Some(task)) => p.message.contains(&format!("task {task}")),
                (None, None) => true,
            })
            .map(|p| p.to_string())
            .collect()
    };
    for expected in records {
        let found = unused
            .iter_mut()
            .find(|a| a.as_ref().is_some_and(|a| a.text == expected.text))
            .and_then(Option::take);
        let place = format!("{shown} line {:?} task {:?}", expected.line, expected.task);
        let Some(article) = found else {
            assert!(
                !reported(&expected).is_empty(),
                "{place}: the record was neither imported nor reported"
            );
            continue;
        };
        let chars: Vec<char> = article.text.chars().collect();
        for span in &article.spans {
            let covered: String = chars[span.start..span.end].iter().collect();
            assert_eq!(span.text, covered, "{place}: span {} text", span.id);
        }
        let spans = marks_of(
            article
                .spans
                .iter()
                .map(|s| (s.label.clone(), s.start, s.end)),
        );
        let suggestions = marks_of(
            article
                .suggestions
                .iter()
                .map(|s| (s.label.clone(), s.start, s.end)),
        );
        for (what, got, mut want) in [
            ("spans", &spans, expected.spans.clone()),
            ("suggestions", &suggestions, expected.suggestions.clone()),
        ] {
            want.sort();
            // Nothing imported that the file does not mean (nothing widened or shifted).
            for mark in got {
                assert!(
                    want.contains(mark),
                    "{place}: {what}: {mark:?} is not in the file"
                );
            }
            // Every mark the file means is imported, or the record's report says why not.
            let mut missing = want.clone();
            for mark in got {
                if let Some(k) = missing.iter().position(|m| m == mark) {
                    missing.remove(k);
                }
            }
            assert!(
                missing.is_empty() || !reported(&expected).is_empty(),
                "{place}: {what} {missing:?} were neither imported nor reported"
            );
        }
        for mark in &expected.refused {
            assert!(
                !spans.contains(mark) && !suggestions.contains(mark),
                "{place}: a rejected {mark:?} was imported"
            );
        }
        if !expected.refused.is_empty() {
            assert!(
                !reported(&expected).is_empty(),
                "{place}: rejections unreported"
            );
        }
    }
}

/// Imports every `.ext` file under `folder` as `format`: no record may fail to read, and
/// each file's spans are checked against what `expected` says it means.
fn check_every_file(
    format: Format,
    folder: &str,
    extension: &str,
    expected: fn(&Path) -> Vec<Expected>,
) {
    for path in files(folder, extension) {
        let input = std::fs::read_to_string(&path).unwrap();
        let shown = path.display().to_string();
        let parsed = import::parse(format, &shown, &input, &Options::default());
        assert!(
            parsed.report.errors.is_empty(),
            "{:?}",
            parsed.report.errors
        );
        check(&path, expected(&path), parsed);
    }
}

#[test]
fn every_doccano_file_imports_every_span_on_its_utf16_chars() {
    check_every_file(Format::Doccano, "doccano", "jsonl", doccano);
}

#[test]
fn every_prodigy_file_imports_accepts_as_spans_ignores_as_suggestions_and_reports_rejects() {
    check_every_file(Format::Prodigy, "prodigy", "jsonl", prodigy);
}

#[test]
fn every_labelstudio_file_imports_annotations_as_spans_and_predictions_as_suggestions() {
    check_every_file(Format::LabelStudio, "labelstudio", "json", labelstudio);
}

#[test]
fn every_brat_document_imports_every_fragment_on_its_code_points() {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for ann_path in files("brat", "ann") {
        let txt = std::fs::read_to_string(ann_path.with_extension("txt")).unwrap();
        let ann = std::fs::read_to_string(&ann_path).unwrap();
        let parsed = import::parse_brat(
            "doc.txt",
            &ann_path.display().to_string(),
            &txt,
            &ann,
            &Options::default(),
        );
        assert!(
            parsed.report.errors.is_empty(),
            "{:?}",
            parsed.report.errors
        );
        for (what, n) in &parsed.report.imported {
            *counts.entry(what.clone()).or_default() += n;
        }
        check(&ann_path, vec![brat(&ann_path)], parsed);
    }
    // The brat corpora hold discontinuous spans, events, attributes and notes: each comes in
    // counted, so a construct that silently vanished would show here.
    for construct in [
        "spans",
        "fragments",
        "relations",
        "events",
        "attributes",
        "notes",
        "normalizations",
        "equivalences",
    ] {
        assert!(counts.get(construct).is_some_and(|&n| n > 0), "{counts:?}");
    }
}

/// The real files cut short at every line (and in the middle of every tenth line; brat's
/// larger files at a hundred lines), and
/// arbitrary text: every importer reads what it can, reports the rest naming the file, and
/// never panics.
#[test]
fn every_importer_survives_every_truncation_of_the_real_files() {
    let inputs = [
        (Format::Doccano, files("doccano", "jsonl")),
        (Format::Prodigy, files("prodigy", "jsonl")),
        (Format::LabelStudio, files("labelstudio", "json")),
        // Any of them read as another format: wrong shapes are errors, not panics.
        (Format::Conll, files("doccano", "jsonl")),
        (Format::Jsonl, files("prodigy", "jsonl")),
    ];
    for (format, paths) in inputs {
        for path in paths {
            let input = std::fs::read_to_string(&path).unwrap();
            let mut cuts: Vec<usize> = input.match_indices('\n').map(|(at, _)| at).collect();
            let middles: Vec<usize> = cuts
                .windows(2)
                .step_by(10)
                .map(|w| w[0] + (w[1] - w[0]) / 2)
                .collect();
            cuts.extend(middles);
            for cut in cuts {
                let cut = (0..=cut)
                    .rev()
                    .find(|&c| input.is_char_boundary(c))
                    .unwrap();
                let parsed = import::parse(format, "cut.txt", &input[..cut], &Options::default());
                for problem in parsed.report.errors.iter().chain(&parsed.report.left_out) {
                    assert_eq!(problem.path, Path::new("cut.txt"), "{problem}");
                }
            }
        }
    }
    for ann_path in files("brat", "ann") {
        let txt = std::fs::read_to_string(ann_path.with_extension("txt")).unwrap();
        let ann = std::fs::read_to_string(&ann_path).unwrap();
        // About a hundred cuts per file (every line of the small ones).
        let lines = ann.matches('\n').count();
        for (cut, _) in ann.match_indices('\n').step_by((lines / 100).max(1)) {
            import::parse_brat("d.txt", "d.ann", &txt, &ann[..cut], &Options::default());
        }
        // The text cut short under the whole .ann: offsets past its end are errors at
        // their lines.
        let short = (0..=txt.len() / 2)
            .rev()
            .find(|&c| txt.is_char_boundary(c))
            .unwrap();
        let parsed = import::parse_brat("d.txt", "d.ann", &txt[..short], &ann, &Options::default());
        assert!(!parsed.report.errors.is_empty());
        assert!(
            parsed.report.errors.iter().all(|p| p.line.is_some()),
            "{:?}",
            parsed.report.errors
        );
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    #[test]
    fn no_importer_panics_on_arbitrary_text(input in "(?s).{0,300}", brackets in "[\\[\\]{}\",:0-9 \\n\\tTBIO-]{0,200}") {
        for format in Format::ALL {
            for text in [&input, &brackets] {
                import::parse(format, "x", text, &Options::default());
            }
        }
        import::parse_brat("x.txt", "x.ann", &input, &brackets, &Options::default());
        import::parse_brat("x.txt", "x.ann", &brackets, &input, &Options::default());
    }
}
