//! Exports: golden files for every format on a corpus built from the samples, each export
//! read back the way its consumer reads it, round trips through the importers, and the
//! command line's exit codes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use spantag::export::{Format, Options};
use spantag::model::{sidecar, Annotations, Document, Relation, Span};
use spantag::store::{corpus, sidecar_path};

use crate::util::sample;

/// A span to make: (needle, which occurrence of it, label, note).
type Mark = (&'static str, usize, &'static str, &'static str);

/// The marks per sample; `said_by` links follow below.
const MARKS: &[(&str, &[Mark])] = &[
    (
        "lavrov-libya.txt",
        &[
            ("Sergei Lavrov", 0, "actor", ""),
            ("Moscow", 0, "location", ""),
            ("We advocate the position that there should be no attempts to unilaterally appoint the perpetrators.", 0, "quote", "At the Cairo press conference."),
            ("We advocate the position that there should be no attempts to unilaterally appoint the perpetrators.", 0, "claim", ""),
            ("NATO", 0, "actor", ""),
            // Inside the word "Libyan": CoNLL must widen it and say so.
            ("Libya", 0, "location", ""),
        ],
    ),
    (
        "harbour-strike.txt",
        &[
            ("Valparaíso", 0, "location", ""),
            ("José Álvarez", 0, "actor", ""),
            ("The company has known about this for two years.\nTwo years, and nothing on paper.", 0, "quote", "Continues across a line break."),
            ("Ingrid Łukasik-Reyes", 0, "actor", ""),
        ],
    ),
    (
        "summit-crlf.txt",
        &[
            ("Cairo", 0, "location", ""),
            ("Libya.\r\n\r\nSpeaking", 0, "claim", ""),
            ("Сергей Лавров", 0, "actor", ""),
            ("supports an inclusive Libyan dialogue without artificial deadlines", 0, "quote", ""),
            ("Sameh Shoukry", 0, "actor", ""),
        ],
    ),
    (
        "social-emoji.txt",
        &[
            ("Tahrir Square", 0, "location", ""),
            ("🇪🇬", 0, "location", ""),
            ("The people want bread, freedom and dignity ✊🏽", 0, "quote", ""),
            ("عبد الفتاح السيسي", 0, "actor", "The president's name in Arabic."),
            ("fabricated 👨‍👩‍👧 family photos from 2011", 0, "claim", ""),
        ],
    ),
];

/// said_by links: (article, quote needle, actor needle).
const LINKS: &[(&str, &str, &str)] = &[
    ("lavrov-libya.txt", "We advocate", "Sergei Lavrov"),
    ("harbour-strike.txt", "The company", "José Álvarez"),
    ("summit-crlf.txt", "supports an", "Сергей Лавров"),
];

/// Attributes and entity links: (article, needle, label, attributes, entity id).
/// `nato` is not in `entities.ron`: exports write its id as its name. The remark has a tab,
/// a line break, quotes and a comma, the worst case for brat's and csv's separators.
type Extra = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    Option<&'static str>,
);
const EXTRAS: &[Extra] = &[
    (
        "lavrov-libya.txt",
        "Sergei Lavrov",
        "actor",
        &[],
        Some("sergei-lavrov"),
    ),
    (
        "lavrov-libya.txt",
        "Moscow",
        "location",
        &[],
        Some("moscow"),
    ),
    (
        "lavrov-libya.txt",
        "We advocate",
        "quote",
        &[("kind", "direct")],
        None,
    ),
    (
        "lavrov-libya.txt",
        "We advocate",
        "claim",
        &[
            ("verdict", "misleading"),
            ("checkworthy", "yes"),
            ("remark", "says \"no attempts\",\tbut see\nline 2"),
        ],
        None,
    ),
    ("lavrov-libya.txt", "NATO", "actor", &[], Some("nato")),
    (
        "summit-crlf.txt",
        "Сергей Лавров",
        "actor",
        &[],
        Some("sergei-lavrov"),
    ),
    ("summit-crlf.txt", "Cairo", "location", &[], Some("cairo")),
    (
        "summit-crlf.txt",
        "Libya.",
        "claim",
        &[("checkworthy", "no")],
        None,
    ),
    (
        "summit-crlf.txt",
        "supports an",
        "quote",
        &[("kind", "indirect"), ("verdict", "unverified")],
        None,
    ),
];

/// The corpus's `entities.ron`: Lavrov with a Wikidata id, Moscow with Wikidata and
/// GeoNames ids, Cairo with none.
const ENTITIES: &str = r#"(
    entities: [
        (id: "cairo", name: "Cairo", label: "location"),
        (id: "moscow", name: "Moscow", label: "location", external: {"geonames": "524901", "wikidata": "Q649"}),
        (id: "sergei-lavrov", name: "Sergei Lavrov", label: "actor", aliases: ["Lavrov", "Сергей Лавров"], external: {"wikidata": "Q40398"}),
    ],
)
"#;

/// The scheme of the golden exports: the defaults, and on claims a yes/no `checkworthy`
/// and a free-text `remark`.
pub fn golden_scheme() -> spantag::model::Scheme {
    use spantag::model::{AttrKind, Attribute};
    let mut scheme = spantag::model::Scheme::default();
    let claim = scheme
        .labels
        .iter_mut()
        .find(|l| l.name == "claim")
        .unwrap();
    claim.attributes.push(Attribute {
        name: "checkworthy".into(),
        kind: AttrKind::YesNo,
        key: Some("C".into()),
        default: None,
    });
    claim.attributes.push(Attribute {
        name: "remark".into(),
        kind: AttrKind::Text,
        key: None,
        default: None,
    });
    scheme
}

/// A corpus folder: the UTF-8 samples with the marks above in their sidecars, the
/// attributes and entity links of [`EXTRAS`], and [`ENTITIES`] as its `entities.ron`.
pub fn build_corpus(dir: &Path) {
    std::fs::write(dir.join("entities.ron"), ENTITIES).unwrap();
    for (name, marks) in MARKS {
        let path = dir.join(name);
        std::fs::copy(sample(name), &path).unwrap();
        let (document, _) = corpus::load(&path).unwrap();
        let text = document.text();
        let mut spans = Vec::new();
        for (i, (needle, occurrence, label, note)) in marks.iter().enumerate() {
            let byte = text
                .as_str()
                .match_indices(needle)
                .nth(*occurrence)
                .expect(needle)
                .0;
            let start = text.char_from_byte(byte);
            let mut span = Span::new(
                i as u64 + 1,
                label,
                start..start + needle.chars().count(),
                text,
            );
            span.note = note.to_string();
            // One span came from a suggestion rule, so exports show where they keep it.
            if *needle == "NATO" {
                span.source = spantag::model::Source::Rule("actors".into());
            }
            for (_, extra_needle, extra_label, attrs, entity) in
                EXTRAS.iter().filter(|e| e.0 == *name)
            {
                if needle.starts_with(extra_needle) && label == extra_label {
                    for (k, v) in attrs.iter() {
                        span.attrs.insert(k.to_string(), v.to_string());
                    }
                    span.entity = entity.map(str::to_string);
                }
            }
            spans.push(span);
        }
        let mut relations = Vec::new();
        for (article, quote, actor) in LINKS.iter().filter(|l| l.0 == *name) {
            let find = |needle: &str, label: &str| {
                spans
                    .iter()
                    .find(|s| s.text.starts_with(needle) && s.label == label)
                    .unwrap_or_else(|| panic!("{article}: {needle}"))
                    .id
            };
            relations.push(Relation {
                id: relations.len() as u64 + 1,
                kind: "said_by".into(),
                from: find(quote, "quote"),
                to: find(actor, "actor"),
            });
        }
        let mut doc = Document::new(
            text.clone(),
            document.meta.clone(),
            Annotations::from_parts(spans, relations).unwrap(),
        );
        doc.status = spantag::model::Status::InProgress;
        // One article says where it came from, so every format shows where its citation
        // goes (or its report says it has no place for it).
        if *name == "lavrov-libya.txt" {
            doc.citation = spantag::model::Citation {
                title: "Lavrov: no attempts to appoint the perpetrators".into(),
                byline: "Staff reporter".into(),
                outlet: "Harbour Gazette".into(),
                published: "2026-11-30".into(),
                url: "https://example.org/news/lavrov-libya".into(),
            };
        }
        std::fs::write(sidecar_path(&path), sidecar::encode(&doc)).unwrap();
    }
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/export")
}

/// Every file below a folder, by relative path.
fn files_below(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Exports the corpus in every format into `out`, with the loss reports as text files.
fn export_all(corpus_dir: &Path, out: &Path) {
    let scheme = golden_scheme();
    for format in Format::ALL {
        let target = if format.writes_folder() {
            out.join(format.name())
        } else {
            out.join(format!("corpus.{}.{}", format.name(), format.extension()))
        };
        let summary = spantag::store::export::export(
            corpus_dir,
            format,
            &target,
            &scheme,
            Options::default(),
            |_, _| true,
        )
        .unwrap_or_else(|e| panic!("{format}: {e}"));
        assert!(summary.skipped.is_empty());
        let report: Vec<String> = summary
            .report
            .losses
            .iter()
            .map(|l| l.to_string())
            .collect();
        let text = format!(
            "{} articles, {} spans, {} relations\n{}\n",
            summary.report.articles,
            summary.report.spans,
            summary.report.relations,
            report.join("\n")
        );
        std::fs::write(out.join(format!("report.{}.txt", format.name())), text).unwrap();
    }
}

#[test]
fn every_format_matches_its_golden_files() {
    let corpus_dir = tempfile::tempdir().unwrap();
    build_corpus(corpus_dir.path());
    let out = tempfile::tempdir().unwrap();
    export_all(corpus_dir.path(), out.path());
    let written = files_below(out.path());
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(golden_dir());
        for (rel, bytes) in &written {
            let path = golden_dir().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
    }
    let golden = files_below(&golden_dir());
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        golden.keys().collect::<Vec<_>>(),
        "the files written (UPDATE_GOLDEN=1 rewrites the golden files)"
    );
    for (rel, bytes) in &written {
        assert!(
            bytes == &golden[rel],
            "{rel} differs from tests/golden/export/{rel}:\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

/// The spans of the corpus, by article: (label, text, note).
fn expected_spans() -> BTreeMap<String, Vec<(String, String)>> {
    MARKS
        .iter()
        .map(|(name, marks)| {
            let mut spans: Vec<(String, String)> = marks
                .iter()
                .map(|(n, _, l, _)| (l.to_string(), n.to_string()))
                .collect();
            spans.sort();
            (name.to_string(), spans)
        })
        .collect()
}

fn sorted(mut v: Vec<(String, String)>) -> Vec<(String, String)> {
    v.sort();
    v
}

#[test]
fn consumers_find_every_span_in_every_export() {
    let corpus_dir = tempfile::tempdir().unwrap();
    build_corpus(corpus_dir.path());
    let out = tempfile::tempdir().unwrap();
    export_all(corpus_dir.path(), out.path());
    let expected = expected_spans();
    let read = |name: &str| std::fs::read_to_string(out.path().join(name)).unwrap();

    // jsonl, as Python reads it: code-point slicing of `text`.
    for line in read("corpus.jsonl.jsonl").lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let chars: Vec<char> = v["text"].as_str().unwrap().chars().collect();
        let found = v["spans"].as_array().unwrap().iter().map(|s| {
            let (a, b) = (
                s["start"].as_u64().unwrap() as usize,
                s["end"].as_u64().unwrap() as usize,
            );
            (
                s["label"].as_str().unwrap().to_string(),
                chars[a..b].iter().collect(),
            )
        });
        assert_eq!(sorted(found.collect()), expected[v["id"].as_str().unwrap()]);
    }

    // doccano, as JavaScript reads it: UTF-16 code units.
    for line in read("corpus.doccano.jsonl").lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let units: Vec<u16> = v["text"].as_str().unwrap().encode_utf16().collect();
        let found = v["entities"].as_array().unwrap().iter().map(|e| {
            let (a, b) = (
                e["start_offset"].as_u64().unwrap() as usize,
                e["end_offset"].as_u64().unwrap() as usize,
            );
            (
                e["label"].as_str().unwrap().to_string(),
                String::from_utf16(&units[a..b]).unwrap(),
            )
        });
        assert_eq!(sorted(found.collect()), expected[v["id"].as_str().unwrap()]);
        assert!(!v["relations"].as_array().unwrap().is_empty() || v["id"] == "social-emoji.txt");
    }

    // brat, read with universal newlines; a fragmented span's text is its fragments joined.
    for name in expected.keys() {
        let stem = name.strip_suffix(".txt").unwrap();
        let txt = read(&format!("brat/{stem}.txt")).replace("\r\n", "\n");
        let chars: Vec<char> = txt.chars().collect();
        let mut found = Vec::new();
        for line in read(&format!("brat/{stem}.ann"))
            .lines()
            .filter(|l| l.starts_with('T'))
        {
            let fields: Vec<&str> = line.split('\t').collect();
            let (label, ranges) = fields[1].split_once(' ').unwrap();
            let pieces: Vec<String> = ranges
                .split(';')
                .map(|r| {
                    let (a, b) = r.split_once(' ').unwrap();
                    chars[a.parse::<usize>().unwrap()..b.parse::<usize>().unwrap()]
                        .iter()
                        .collect()
                })
                .collect();
            assert_eq!(pieces.join(" "), fields[2], "{line}");
            found.push((label.to_string(), pieces.join("\n")));
        }
        let normalized: Vec<(String, String)> = expected[name]
            .iter()
            .map(|(l, t)| (l.clone(), t.replace("\r\n", "\n").replace("\n\n", "\n")))
            .collect();
        assert_eq!(sorted(found), sorted(normalized), "{name}");
    }

    // csv, as pandas reads it; the text column matches the article sliced by code points.
    let csv_text = read("corpus.csv.csv");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut by_article: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for record in reader.records() {
        let r = record.unwrap();
        let article: Vec<char> = std::fs::read_to_string(corpus_dir.path().join(&r[0]))
            .unwrap()
            .chars()
            .collect();
        let (a, b) = (
            r[3].parse::<usize>().unwrap(),
            r[4].parse::<usize>().unwrap(),
        );
        assert_eq!(article[a..b].iter().collect::<String>(), &r[5]);
        by_article
            .entry(r[0].to_string())
            .or_default()
            .push((r[2].to_string(), r[5].to_string()));
        if &r[5] == "supports an inclusive Libyan dialogue without artificial deadlines" {
            assert_eq!(&r[6], "Сергей Лавров", "the speaker column");
        }
        let expected_source = if &r[5] == "NATO" {
            "rule:actors"
        } else {
            "manual"
        };
        assert_eq!(&r[9], expected_source, "the source column");
    }
    for (name, spans) in by_article {
        assert_eq!(sorted(spans), expected[&name]);
    }
    // csv: a column per scheme attribute, in scheme order, then the entity id and name;
    // pandas gets the worst value back whole and an unknown entity's id as its name.
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header[10..],
        [
            "verdict",
            "checkworthy",
            "remark",
            "kind",
            "entity_id",
            "entity_name",
            "title",
            "byline",
            "outlet",
            "published",
            "url"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row = |label: &str, text: &str| {
        rows.iter()
            .find(|r| &r[2] == label && r[5].starts_with(text))
            .unwrap()
    };
    let claim = row("claim", "We advocate");
    assert_eq!(&claim[10], "misleading");
    assert_eq!(&claim[11], "yes");
    assert_eq!(&claim[12], "says \"no attempts\",\tbut see\nline 2");
    assert_eq!((&claim[14], &claim[15]), ("", ""), "attributes, no entity");
    assert_eq!(&row("quote", "We advocate")[13], "direct");
    let lavrov = row("actor", "Сергей");
    assert_eq!(
        (&lavrov[14], &lavrov[15]),
        ("sergei-lavrov", "Sergei Lavrov")
    );
    let nato = row("actor", "NATO");
    assert_eq!((&nato[14], &nato[15]), ("nato", "nato"));
    assert!(rows.iter().all(|r| r.len() == 21));

    // W3C: the position selector, in code points, finds the quote selector's exact text.
    let annotations: Vec<serde_json::Value> =
        serde_json::from_str(&read("corpus.w3c.json")).unwrap();
    let mut tagged = 0;
    for a in annotations.iter().filter(|a| a["motivation"] == "tagging") {
        let source = a["target"]["source"].as_str().unwrap();
        let article: Vec<char> = std::fs::read_to_string(corpus_dir.path().join(source))
            .unwrap()
            .chars()
            .collect();
        let selectors = a["target"]["selector"].as_array().unwrap();
        let exact = selectors[0]["exact"].as_str().unwrap();
        let (s, e) = (
            selectors[1]["start"].as_u64().unwrap() as usize,
            selectors[1]["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(article[s..e].iter().collect::<String>(), exact);
        let creator = a["creator"]["name"].as_str();
        assert_eq!(creator, (exact == "NATO").then_some("spantag rule actors"));
        tagged += 1;
    }
    assert_eq!(tagged, expected.values().map(Vec::len).sum::<usize>());

    // Label Studio: value.start/end over data.text, in code points.
    let tasks: Vec<serde_json::Value> =
        serde_json::from_str(&read("corpus.labelstudio.json")).unwrap();
    for task in &tasks {
        let chars: Vec<char> = task["data"]["text"].as_str().unwrap().chars().collect();
        let found = task["annotations"][0]["result"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "labels")
            .map(|r| {
                let v = &r["value"];
                let (a, b) = (
                    v["start"].as_u64().unwrap() as usize,
                    v["end"].as_u64().unwrap() as usize,
                );
                assert_eq!(
                    chars[a..b].iter().collect::<String>(),
                    v["text"].as_str().unwrap()
                );
                (
                    v["labels"][0].as_str().unwrap().to_string(),
                    v["text"].as_str().unwrap().to_string(),
                )
            });
        assert_eq!(
            sorted(found.collect()),
            expected[task["data"]["id"].as_str().unwrap()]
        );
    }

    // Label Studio's labeling config names every control the results use, with the
    // result's kind: a `Choices` for `choices`, a `TextArea` for `textarea`.
    let config = read("corpus.labelstudio.json.config.xml");
    for task in &tasks {
        for r in task["annotations"][0]["result"].as_array().unwrap() {
            let tag = match r["type"].as_str().unwrap() {
                "labels" => "Labels",
                "choices" => "Choices",
                "textarea" => "TextArea",
                _ => continue,
            };
            let control = format!("<{tag} name=\"{}\"", r["from_name"].as_str().unwrap());
            assert!(config.contains(&control), "{control} in\n{config}");
        }
    }

    // CoNLL: every B-…/I-… run rebuilds a span's text (up to spacing), except the one span
    // the report says was widened.
    let conll = read("corpus.conll.conll");
    let columns = read("corpus.conll.conll.columns");
    assert_eq!(columns.trim(), "TOKEN\tclaim\tquote\tlocation\tactor");
    let mut runs: Vec<(String, String)> = Vec::new();
    let mut open: Vec<Option<usize>> = vec![None; 4];
    for line in conll
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("-DOCSTART-"))
    {
        let fields: Vec<&str> = line.split(' ').collect();
        for (c, tag) in fields[1..].iter().enumerate() {
            if let Some(label) = tag.strip_prefix("B-") {
                runs.push((label.to_string(), fields[0].to_string()));
                open[c] = Some(runs.len() - 1);
            } else if tag.starts_with("I-") {
                runs[open[c].unwrap()].1.push_str(fields[0]);
            } else {
                open[c] = None;
            }
        }
    }
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut expected_runs: Vec<(String, String)> = expected
        .values()
        .flatten()
        .map(|(l, t)| {
            (
                l.clone(),
                if t == "Libya" {
                    "Libyan".into()
                } else {
                    squash(t)
                },
            )
        })
        .collect();
    expected_runs.sort();
    runs.sort();
    assert_eq!(runs, expected_runs);
    assert!(read("report.conll.txt").contains("widened to \"Libyan\""));
}

#[test]
fn the_command_line_exports_imports_and_validates_with_exit_codes() {
    let bin = env!("CARGO_BIN_EXE_spantag");
    let corpus_dir = tempfile::tempdir().unwrap();
    build_corpus(corpus_dir.path());
    let out = tempfile::tempdir().unwrap();
    let jsonl = out.path().join("all.jsonl");

    let run = |args: &[&std::ffi::OsStr]| Command::new(bin).args(args).output().unwrap();
    let export = run(&[
        "export".as_ref(),
        corpus_dir.path().as_os_str(),
        "--format".as_ref(),
        "jsonl".as_ref(),
        "--out".as_ref(),
        jsonl.as_os_str(),
    ]);
    assert_eq!(
        export.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    assert!(String::from_utf8_lossy(&export.stdout)
        .contains("exported 4 articles, 20 spans, 3 relations"));

    let into = out.path().join("imported");
    let import = |force: bool| {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "import".as_ref(),
            jsonl.as_os_str(),
            "--format".as_ref(),
            "jsonl".as_ref(),
            "--into".as_ref(),
            into.as_os_str(),
        ];
        if force {
            args.push("--force".as_ref());
        }
        run(&args)
    };
    let first = import(false);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let again = import(false);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(import(true).status.code(), Some(0));

    let valid = run(&["validate".as_ref(), into.as_os_str()]);
    assert_eq!(
        valid.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&valid.stderr)
    );
    let (original, _) = corpus::load(&corpus_dir.path().join("summit-crlf.txt")).unwrap();
    let (imported, _) = corpus::load(&into.join("summit-crlf.txt")).unwrap();
    assert_eq!(
        imported.text().as_str(),
        original.text().as_str(),
        "CRLF survives"
    );
    let ranges = |d: &Document| {
        d.annotations()
            .spans()
            .iter()
            .map(|s| (s.id, s.char_range(), s.text.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(ranges(&imported), ranges(&original));
    // Attributes and entity ids survive export and import on the command line.
    let links = |d: &Document| {
        d.annotations()
            .spans()
            .iter()
            .map(|s| (s.id, s.attrs.clone(), s.entity.clone()))
            .collect::<Vec<_>>()
    };
    for name in ["summit-crlf.txt", "lavrov-libya.txt"] {
        let (original, _) = corpus::load(&corpus_dir.path().join(name)).unwrap();
        let (imported, _) = corpus::load(&into.join(name)).unwrap();
        assert_eq!(links(&imported), links(&original), "{name}");
        assert!(links(&original)
            .iter()
            .any(|(_, attrs, entity)| !attrs.is_empty() || entity.is_some()));
    }

    // A broken sidecar and a moved span: validate names file, line and column; exit 1.
    let sidecar = sidecar_path(&into.join("lavrov-libya.txt"));
    let text = std::fs::read_to_string(&sidecar).unwrap();
    std::fs::write(
        &sidecar,
        text.replacen("label: \"actor\"", "label: actor\"", 1),
    )
    .unwrap();
    let moved = sidecar_path(&into.join("harbour-strike.txt"));
    let text = std::fs::read_to_string(&moved).unwrap();
    std::fs::write(&moved, text.replacen("start: ", "start: 1", 1)).unwrap();
    let invalid = run(&["validate".as_ref(), into.as_os_str()]);
    assert_eq!(invalid.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&invalid.stderr);
    assert!(stderr.contains("lavrov-libya.txt.ann.ron:17:"), "{stderr}");
    assert!(
        stderr.contains("harbour-strike.txt.ann.ron:16:9: span"),
        "{stderr}"
    );

    // Bad usage is exit code 2.
    let usage = run(&["export".as_ref(), "--format".as_ref(), "nope".as_ref()]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn a_cancelled_export_leaves_nothing_behind() {
    let corpus_dir = tempfile::tempdir().unwrap();
    build_corpus(corpus_dir.path());
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("all.csv");
    let scheme = spantag::model::Scheme::default();
    let result = spantag::store::export::export(
        corpus_dir.path(),
        Format::Csv,
        &target,
        &scheme,
        Options::default(),
        |done, total| {
            assert_eq!(total, 4);
            done < 2
        },
    );
    let problem = result.unwrap_err();
    assert_eq!(
        problem.message,
        spantag::store::export::CANCELLED,
        "{problem}"
    );
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "no partial file"
    );
}

#[test]
fn a_brat_folder_imports_back_into_articles_with_sidecars() {
    let into = tempfile::tempdir().unwrap();
    let request = spantag::store::import::Request {
        input: golden_dir().join("brat"),
        format: spantag::import::Format::Brat,
        into: into.path().to_path_buf(),
        options: spantag::import::Options::default(),
        strict: false,
        force: false,
    };
    let summary = spantag::store::import::run(&request, &Default::default()).unwrap();
    assert!(
        summary.report.errors.is_empty(),
        "{:?}",
        summary.report.errors
    );
    // The two spans that crossed a line break come back as two fragments each (a span
    // per fragment, none over the line break), joined by a fragment relation.
    assert_eq!(
        (summary.articles, summary.spans, summary.relations),
        (4, 22, 5)
    );
    let (doc, report) = corpus::load(&into.path().join("harbour-strike.txt")).unwrap();
    assert!(report.anchoring.orphaned.is_empty());
    let quotes: Vec<_> = doc
        .annotations()
        .spans()
        .iter()
        .filter(|s| s.label == "quote")
        .collect();
    assert_eq!(quotes.len(), 2);
    let quote = quotes[0];
    assert_eq!(
        quote.text,
        "The company has known about this for two years."
    );
    assert_eq!(quotes[1].text, "Two years, and nothing on paper.");
    assert!(doc
        .annotations()
        .relations()
        .iter()
        .any(|r| r.kind == spantag::model::FRAGMENT_KIND
            && r.from == quote.id
            && r.to == quotes[1].id));
    assert_eq!(quote.note, "Continues across a line break.");
    assert!(quotes[1].note.is_empty());
    assert_eq!(
        quote.source,
        spantag::model::Source::Imported("brat".into())
    );

    // Attributes and entity ids come back from the A and N lines, the worst value whole.
    let (doc, _) = corpus::load(&into.path().join("lavrov-libya.txt")).unwrap();
    let span = |label: &str, text: &str| {
        doc.annotations()
            .spans()
            .iter()
            .find(|s| s.label == label && s.text.starts_with(text))
            .unwrap()
            .clone()
    };
    let claim = span("claim", "We advocate");
    assert_eq!(claim.attrs["verdict"], "misleading");
    assert_eq!(claim.attrs["checkworthy"], "yes");
    assert_eq!(
        claim.attrs["remark"],
        "says \"no attempts\",\tbut see\nline 2"
    );
    assert_eq!(claim.entity, None, "attributes without an entity");
    assert_eq!(span("quote", "We advocate").attrs["kind"], "direct");
    assert_eq!(
        span("actor", "Sergei").entity.as_deref(),
        Some("sergei-lavrov")
    );
    assert_eq!(span("actor", "NATO").entity.as_deref(), Some("nato"));
    assert!(span("actor", "NATO").attrs.is_empty());
    // A yes/no attribute set to no has no brat form: unset after the trip, as reported.
    let (doc, _) = corpus::load(&into.path().join("summit-crlf.txt")).unwrap();
    let claim = doc
        .annotations()
        .spans()
        .iter()
        .find(|s| s.label == "claim")
        .unwrap();
    assert!(claim.attrs.is_empty(), "{:?}", claim.attrs);
    let report = std::fs::read_to_string(golden_dir().join("report.brat.txt")).unwrap();
    assert!(
        report.contains("summit-crlf.txt: span 2 changed: attribute \"checkworthy\" = no"),
        "{report}"
    );
}

#[test]
fn a_broken_entities_file_fails_the_export_naming_its_line_and_writes_nothing() {
    let corpus_dir = tempfile::tempdir().unwrap();
    build_corpus(corpus_dir.path());
    std::fs::write(
        corpus_dir.path().join("entities.ron"),
        "(\n    entities: [\n        (id: \"x\", name: 3),\n    ],\n)\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("all.jsonl");
    let error = spantag::store::export::export(
        corpus_dir.path(),
        Format::Jsonl,
        &target,
        &golden_scheme(),
        Options::default(),
        |_, _| true,
    )
    .unwrap_err();
    assert!(error.path.ends_with("entities.ron"), "{error}");
    assert!(error.to_string().contains("entities.ron:3:"), "{error}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

#[test]
fn doccano_and_conll_report_the_attributes_and_links_they_lose_per_article() {
    let corpus_dir = tempfile::tempdir().unwrap();
    build_corpus(corpus_dir.path());
    let out = tempfile::tempdir().unwrap();
    export_all(corpus_dir.path(), out.path());
    for (format, name) in [("doccano", "doccano"), ("conll", "CoNLL")] {
        let report =
            std::fs::read_to_string(out.path().join(format!("report.{format}.txt"))).unwrap();
        for line in [
            format!("lavrov-libya.txt: changed: 2 span(s) lost their attributes (checkworthy, kind, remark, verdict): {name} has no place for attributes"),
            format!("lavrov-libya.txt: changed: 3 span(s) lost their entity link: {name} has no place for entities"),
            format!("summit-crlf.txt: changed: 2 span(s) lost their attributes (checkworthy, kind, verdict): {name} has no place for attributes"),
            format!("summit-crlf.txt: changed: 2 span(s) lost their entity link: {name} has no place for entities"),
        ] {
            assert!(report.lines().any(|l| l == line), "{format}: {line}\n{report}");
        }
        assert!(
            !report
                .lines()
                .any(|l| l.starts_with("harbour-strike.txt: changed: ") && l.contains("lost their")),
            "nothing to lose there"
        );
    }
    // CoNLL writes no relation: the count says 0 and each article's line says how many.
    let conll = std::fs::read_to_string(out.path().join("report.conll.txt")).unwrap();
    assert!(
        conll.starts_with("4 articles, 20 spans, 0 relations\n"),
        "{conll}"
    );
    assert!(conll.lines().any(|l| {
        l
        == "lavrov-libya.txt: changed: 1 relation(s) not written: CoNLL has no place for relations"
    }));
    // The formats that hold them report no such loss.
    for format in ["jsonl", "csv", "w3c", "labelstudio", "brat"] {
        let report =
            std::fs::read_to_string(out.path().join(format!("report.{format}.txt"))).unwrap();
        assert!(!report.contains("lost their"), "{format}: {report}");
    }
}

#[test]
fn stats_counts_labels_and_statuses_as_text_and_json() {
    let corpus_dir = tempfile::tempdir().unwrap();
    build_corpus(corpus_dir.path());
    std::fs::write(corpus_dir.path().join("untouched.txt"), "No spans here.").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_spantag"))
        .args([
            "stats".as_ref(),
            corpus_dir.path().as_os_str(),
            "--json".as_ref(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["articles"], 5);
    assert_eq!(v["status"]["InProgress"], 4);
    assert_eq!(v["status"]["NotStarted"], 1);
    assert_eq!(v["labels"]["actor"], 7);
    assert_eq!(v["labels"]["claim"], 3);
    assert_eq!(v["labels"]["location"], 6);
    assert_eq!(v["labels"]["quote"], 4);
    assert_eq!(v["relations"], 3);
    let text = Command::new(env!("CARGO_BIN_EXE_spantag"))
        .args(["stats".as_ref(), corpus_dir.path().as_os_str()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("5 articles") && text.contains("actor"),
        "{text}"
    );
}

/// docs/FORMATS.md's examples are what spantag reads: its sidecar, scheme, entities and
/// rules.
#[test]
fn the_formats_document_examples_parse() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/FORMATS.md"))
            .unwrap();
    let blocks: Vec<&str> = doc
        .split("```ron\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert_eq!(blocks.len(), 4, "sidecar, scheme, entities, suggest.ron");
    let sidecar = sidecar::decode(blocks[0]).unwrap();
    // The example has a model's suggestions, so it is a version 3 sidecar.
    assert_eq!(sidecar.version, 3);
    assert_eq!(sidecar.spans.len(), 5);
    let statuses: Vec<&str> = sidecar
        .suggestions
        .iter()
        .map(|s| s.status.as_str())
        .collect();
    assert_eq!(statuses, ["Accepted", "Rejected", "Pending"]);
    let scheme = spantag::model::Scheme::parse(blocks[1]).unwrap();
    assert_eq!(
        scheme.attribute_names(),
        ["verdict", "checkworthy", "score", "remark", "kind"]
    );
    assert_eq!(scheme.defaults("claim")["checkworthy"], "yes");
    let entities = spantag::model::Entities::parse(blocks[2]).unwrap();
    assert_eq!(
        entities.encode(),
        blocks[2],
        "the file as spantag writes it"
    );
    assert_eq!(entities.name_of("sergei-lavrov"), "Sergei Lavrov");
    let rules = spantag::suggest::parse(blocks[3]).unwrap();
    assert_eq!(rules.names(), ["actors", "places", "years", "quotes"]);
}

/// File → Export… uses the app's entities (an edit not yet on disk is in the export), and
/// when the app could not read `entities.ron` the export fails naming its line.
#[test]
fn the_export_dialog_exports_the_apps_entities_and_refuses_a_broken_file() {
    use egui_kittest::kittest::Queryable;
    let dir = tempfile::tempdir().unwrap();
    build_corpus(dir.path());
    let article = dir.path().join("lavrov-libya.txt");
    let mut harness = crate::gui::harness(Some(&article));
    let entities = harness
        .state_mut()
        .workspace
        .entities
        .as_mut()
        .expect("entities.ron read");
    entities.rename("sergei-lavrov", "S. V. Lavrov").unwrap();
    let out = dir.path().join("out.csv");
    let export = |harness: &mut egui_kittest::Harness<'static, spantag::ui::SpantagApp>| {
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
        harness.run();
        let state = harness.state_mut();
        state.export.format = Format::Csv;
        state.export.destination = out.display().to_string();
        harness
            .get_by_role_and_label(egui::Role::Button, "Export")
            .click();
        crate::gui::step_until(harness, "the export finish", |h| {
            h.state().export.outcome.is_some()
        });
        harness.state_mut().export.outcome.take().unwrap()
    };
    export(&mut harness).expect("exported");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(
        csv.contains(",sergei-lavrov,S. V. Lavrov,Lavrov: no attempts"),
        "the app's name: {csv}"
    );
    assert!(csv.contains(",nato,nato,Lavrov: no attempts"), "{csv}");

    // The file on disk breaks and the app holds no entities: the export names the line.
    std::fs::write(
        dir.path().join("entities.ron"),
        "(\n  entities: [\n    (id: 1),\n  ],\n)\n",
    )
    .unwrap();
    harness.state_mut().workspace.entities = None;
    harness.key_press(egui::Key::Escape);
    harness.run();
    std::fs::remove_file(&out).unwrap();
    let error = export(&mut harness).unwrap_err();
    assert!(error.contains("entities.ron:3:"), "{error}");
    assert!(!out.exists(), "nothing written");
}

/// docs/FORMATS.md's export examples are what the exporters write for its running example
/// (the article, its sidecar and `entities.ron` as the document shows them).
#[test]
fn the_formats_document_export_examples_are_what_spantag_writes() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/FORMATS.md"))
            .unwrap();
    let blocks = |fence: &str| -> Vec<String> {
        doc.split(&format!("```{fence}\n"))
            .skip(1)
            .map(|b| b.split("```").next().unwrap().to_string())
            .collect()
    };
    let ron = blocks("ron");
    let dir = tempfile::tempdir().unwrap();
    let corpus_dir = dir.path().join("corpus");
    std::fs::create_dir(&corpus_dir).unwrap();
    let article = corpus_dir.join("cairo.txt");
    std::fs::write(&article, "Lavrov said \"Libya is a black hole\" in Cairo.").unwrap();
    std::fs::write(sidecar_path(&article), &ron[0]).unwrap();
    std::fs::write(corpus_dir.join("entities.ron"), &ron[2]).unwrap();
    let (document, report) = corpus::load(&article).unwrap();
    assert!(report.anchoring.orphaned.is_empty());
    assert!(
        !report.changed_anything(),
        "the example sidecar is sound: {report:?}"
    );
    assert_eq!(
        sidecar::encode(&document),
        ron[0],
        "the document shows the sidecar as spantag writes it"
    );
    let scheme = spantag::model::Scheme::default();
    let export = |format: Format| {
        let out = dir.path().join(format!("out.{}", format.name()));
        let summary = spantag::store::export::export(
            &corpus_dir,
            format,
            &out,
            &scheme,
            Options::default(),
            |_, _| true,
        )
        .unwrap();
        for loss in &summary.report.losses {
            if format == Format::Doccano {
                assert!(
                    doc.contains(&loss.to_string()) || loss.reason.contains("note"),
                    "{loss}"
                );
            }
        }
        out
    };
    let read = |path: PathBuf| std::fs::read_to_string(path).unwrap();
    let json = blocks("json").join("\n");
    let plain = blocks("").join("\n");
    let shown = |text: &str, what: &str, haystack: &str| {
        for line in text.lines().filter(|l| !l.is_empty()) {
            let line = line.trim_end_matches(',');
            assert!(
                haystack.contains(line),
                "{what}: the document lacks\n{line}"
            );
        }
    };
    shown(&read(export(Format::Jsonl)), "jsonl", &json);
    shown(&read(export(Format::Doccano)), "doccano", &json);
    shown(&read(export(Format::Csv)), "csv", &plain);
    let conll = read(export(Format::Conll));
    assert!(plain.contains(conll.trim_end()), "conll:\n{conll}");
    let brat = export(Format::Brat);
    shown(&read(brat.join("cairo.ann")), "brat", &plain);
    // W3C and Label Studio: every item the document shows is one the export wrote.
    let w3c = read(export(Format::W3c));
    let items = blocks("json")
        .into_iter()
        .flat_map(|b| b.lines().map(str::to_string).collect::<Vec<_>>())
        .filter(|l| l.starts_with("{\"@context\""))
        .collect::<Vec<_>>();
    assert_eq!(items.len(), 3);
    for item in items {
        assert!(w3c.contains(&item), "w3c: the export lacks\n{item}");
    }
    let labelstudio = export(Format::LabelStudio);
    let tasks = read(labelstudio.clone());
    let results = blocks("json")
        .into_iter()
        .flat_map(|b| b.lines().map(str::to_string).collect::<Vec<_>>())
        .filter(|l| l.starts_with("{\"from_name\"") || l.starts_with("{\"direction\""))
        .collect::<Vec<_>>();
    assert_eq!(results.len(), 5);
    for result in results {
        assert!(
            tasks.contains(&result),
            "labelstudio: the export lacks\n{result}"
        );
    }
    let config = read(PathBuf::from(format!(
        "{}.config.xml",
        labelstudio.display()
    )));
    assert!(blocks("xml").contains(&config), "the config:\n{config}");
}
