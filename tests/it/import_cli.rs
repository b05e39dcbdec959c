//! `spantag import` end to end: what is written (articles, sidecars, the scheme, the
//! entities), what the report says, and the exit codes. The fixtures are small JSON Lines
//! and brat files written here.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use spantag::import::{Format, ImportedArticle, Options, Parsed};
use spantag::model::{Entities, Entity, Scheme};
use spantag::store::import::{self, Request};
use spantag::store::{corpus, sidecar_path, Progress};

fn spantag(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spantag"))
        .args(args)
        .output()
        .unwrap()
}

fn import_cli(input: &Path, format: &str, into: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "import".as_ref(),
        input.as_os_str(),
        "--format".as_ref(),
        format.as_ref(),
        "--into".as_ref(),
        into.as_os_str(),
    ];
    args.extend(extra.iter().map(|a| -> &std::ffi::OsStr { a.as_ref() }));
    spantag(&args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn validate(folder: &Path) -> Output {
    spantag(&["validate".as_ref(), folder.as_os_str()])
}

/// A JSON Lines record of spantag's own export: `spans` as (id, label, start, end),
/// `relations` as (id, kind, from, to).
fn record(
    id: &str,
    text: &str,
    spans: &[(u64, &str, usize, usize)],
    relations: &[(u64, &str, u64, u64)],
) -> String {
    let chars: Vec<char> = text.chars().collect();
    let spans: Vec<serde_json::Value> = spans
        .iter()
        .map(|&(id, label, start, end)| {
            serde_json::json!({
                "id": id, "label": label, "start": start, "end": end,
                "text": chars[start..end].iter().collect::<String>(),
            })
        })
        .collect();
    let relations: Vec<serde_json::Value> = relations
        .iter()
        .map(|&(id, kind, from, to)| serde_json::json!({"id": id, "kind": kind, "from": from, "to": to}))
        .collect();
    serde_json::json!({"id": id, "text": text, "spans": spans, "relations": relations}).to_string()
}

const CAIRO: &str = "Lavrov met Shoukry in Cairo on Monday.";

fn write_jsonl(dir: &Path, lines: &[String]) -> PathBuf {
    let path = dir.join("in.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn an_import_writes_the_scheme_it_needs_and_the_folder_validates() {
    let dir = tempfile::tempdir().unwrap();
    // New labels, a new relation kind, and a discontinuous span's fragments.
    let input = write_jsonl(
        dir.path(),
        &[record(
            "cairo",
            CAIRO,
            &[
                (1, "person", 0, 6),
                (2, "person", 11, 18),
                (3, "place", 22, 27),
                (4, "event", 7, 10),
                (5, "event", 31, 37),
            ],
            &[(1, "located_in", 4, 3), (2, "fragment", 4, 5)],
        )],
    );
    let into = dir.path().join("out");
    let out = import_cli(&input, "jsonl", &into, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(&format!(
            "imported 1 articles, 5 spans, 2 relations into {}\n",
            into.display()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("read from"), "{stdout}");
    let scheme =
        Scheme::parse(&std::fs::read_to_string(into.join("spantag.ron")).unwrap()).unwrap();
    // The defaults stay; the found labels are added with free keys and unused colours.
    assert_eq!(scheme.labels[..4], Scheme::default().labels[..]);
    let added: Vec<&str> = scheme.labels[4..].iter().map(|l| l.name.as_str()).collect();
    assert_eq!(added, ["person", "event", "place"]);
    let mut keys: Vec<String> = scheme.labels.iter().map(|l| l.key.to_lowercase()).collect();
    let mut colours: Vec<&str> = scheme.labels.iter().map(|l| l.color.as_str()).collect();
    let count = keys.len();
    keys.sort();
    keys.dedup();
    colours.sort();
    colours.dedup();
    assert_eq!((keys.len(), colours.len()), (count, count), "{scheme:?}");
    let fragment = scheme
        .relations
        .iter()
        .find(|k| k.name == "fragment")
        .unwrap();
    assert_eq!(
        (fragment.from.clone(), fragment.to.clone()),
        (vec!["event".to_string()], vec!["event".to_string()])
    );
    let located = scheme
        .relations
        .iter()
        .find(|k| k.name == "located_in")
        .unwrap();
    assert_eq!(
        (located.from.clone(), located.to.clone()),
        (vec!["event".to_string()], vec!["place".to_string()])
    );

    let valid = validate(&into);
    assert_eq!(valid.status.code(), Some(0), "{}", text(&valid.stderr));

    // A brat folder: T and R lines, and a .txt nobody annotated, which comes in empty.
    let brat = dir.path().join("brat");
    std::fs::create_dir(&brat).unwrap();
    std::fs::write(brat.join("one.txt"), CAIRO).unwrap();
    std::fs::write(
        brat.join("one.ann"),
        "T1\tPER 0 6\tLavrov\nT2\tLOC 22 27\tCairo\nR1\tIn Arg1:T1 Arg2:T2\n",
    )
    .unwrap();
    std::fs::write(brat.join("two.txt"), "Nothing annotated here.").unwrap();
    let into = dir.path().join("from-brat");
    let out = import_cli(&brat, "brat", &into, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("imported 2 articles, 2 spans, 1 relations"));
    let (two, _) = corpus::load(&into.join("two.txt")).unwrap();
    assert_eq!(two.text().as_str(), "Nothing annotated here.");
    assert!(two.annotations().is_empty());
    let valid = validate(&into);
    assert_eq!(valid.status.code(), Some(0), "{}", text(&valid.stderr));
}

#[test]
fn an_existing_scheme_with_comments_is_extended_and_keeps_everything_it_had() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("out");
    std::fs::create_dir(&into).unwrap();
    let own = r##"// The desk's scheme: do not change the keys, people know them by heart.
(
    labels: [
        (name: "person", key: "1", color: "#0072B2", description: "A named person."), // most spans
        /* places come second */
        (name: "place", key: "P", color: "#D55E00", description: "A named place.", entity: true),
    ],
    relations: [
        (name: "met", from: ["person"], to: ["person"]),
    ],
)
"##;
    std::fs::write(into.join("spantag.ron"), own).unwrap();
    let before = Scheme::parse(own).unwrap();
    let input = write_jsonl(
        dir.path(),
        &[record(
            "cairo",
            CAIRO,
            &[
                (1, "person", 0, 6),
                (2, "person", 11, 18),
                (3, "place", 22, 27),
                (4, "date", 31, 37),
            ],
            &[(1, "met", 1, 2), (2, "on", 1, 4)],
        )],
    );
    let out = import_cli(&input, "jsonl", &into, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("added labels date (key D, "),
        "{}",
        text(&out.stdout)
    );
    let after_text = std::fs::read_to_string(into.join("spantag.ron")).unwrap();
    for line in own.lines() {
        assert!(after_text.contains(line), "{line:?} is gone:\n{after_text}");
    }
    let after = Scheme::parse(&after_text).unwrap();
    assert_eq!(
        after.labels[..2],
        before.labels[..],
        "labels, keys and colours as they were"
    );
    assert_eq!(after.relations[0], before.relations[0]);
    let date = after.label("date").unwrap();
    assert!(!["#0072B2", "#D55E00"].contains(&date.color.as_str()));
    assert_eq!(after.relations[1].name, "on");
    let valid = validate(&into);
    assert_eq!(valid.status.code(), Some(0), "{}", text(&valid.stderr));

    // A broken scheme stops the import before anything is written.
    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(
        broken.join("spantag.ron"),
        "(\n    labels: [\n        (name: 3),\n    ],\n)\n",
    )
    .unwrap();
    let out = import_cli(&input, "jsonl", &broken, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("spantag.ron:3:"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(std::fs::read_dir(&broken).unwrap().count(), 1);
}

#[test]
fn two_records_with_one_id_become_two_files_and_the_report_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_jsonl(
        dir.path(),
        &[
            record("news/cairo", CAIRO, &[(1, "actor", 0, 6)], &[]),
            record(
                "news/cairo",
                "Shoukry answered.",
                &[(1, "actor", 0, 7)],
                &[],
            ),
        ],
    );
    let into = dir.path().join("out");
    let out = import_cli(&input, "jsonl", &into, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{}:2: article named news/cairo.txt is written as news/cairo-2.txt: another record has that name",
            input.display()
        )),
        "{stderr}"
    );
    let (first, _) = corpus::load(&into.join("news/cairo.txt")).unwrap();
    let (second, _) = corpus::load(&into.join("news/cairo-2.txt")).unwrap();
    assert_eq!(first.text().as_str(), CAIRO);
    assert_eq!(second.text().as_str(), "Shoukry answered.");
    assert_eq!(second.annotations().spans()[0].text, "Shoukry");
}

#[test]
fn a_bad_record_among_good_ones_is_reported_by_line_and_the_good_ones_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = record("bad", CAIRO, &[(1, "actor", 0, 6)], &[]);
    bad = bad.replace("\"text\":\"Lavrov\"", "\"text\":\"Lavrof\"");
    let input = write_jsonl(
        dir.path(),
        &[
            record("one", CAIRO, &[(1, "actor", 0, 6)], &[]),
            bad,
            "{ not json".to_string(),
            record("two", "Shoukry answered.", &[(1, "actor", 0, 7)], &[]),
        ],
    );
    let into = dir.path().join("out");
    let out = import_cli(&input, "jsonl", &into, &[]);
    assert_eq!(out.status.code(), Some(1), "bad records: exit 1");
    assert!(text(&out.stdout).starts_with("imported 2 articles, 2 spans, 0 relations"));
    let stderr = text(&out.stderr);
    let shown = input.display().to_string();
    assert!(
        stderr.contains(&format!("{shown}:2: span 1 (actor) says \"Lavrof\"")),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("{shown}:3: ")), "{stderr}");
    assert!(into.join("one.txt").exists() && into.join("two.txt").exists());
    assert!(!into.join("bad.txt").exists());

    // --strict: nothing is written, exit 1, the errors still listed.
    let strict_into = dir.path().join("strict");
    let out = import_cli(&input, "jsonl", &strict_into, &["--strict"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).starts_with("imported nothing"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stderr).contains(&format!("{shown}:2: ")));
    assert!(!strict_into.exists(), "not even the folder");

    // A sound input with --strict imports as usual.
    let sound = write_jsonl(
        dir.path(),
        &[record("one", CAIRO, &[(1, "actor", 0, 6)], &[])],
    );
    let out = import_cli(&sound, "jsonl", &strict_into, &["--strict"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn as_suggestions_brings_spans_in_as_suggestions_of_their_source() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_jsonl(
        dir.path(),
        &[record(
            "cairo",
            CAIRO,
            &[(1, "person", 0, 6), (2, "place", 22, 27)],
            &[(1, "in", 1, 2)],
        )],
    );
    let into = dir.path().join("out");
    let out = import_cli(
        &input,
        "jsonl",
        &into,
        &["--as", "suggestions", "--source", "ner-v1", "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["spans"], 0);
    assert_eq!(report["suggestions"], 2, "{report}");
    assert_eq!(report["report"]["imported"]["suggestions"], 2);
    // A relation between suggestions cannot wait for both decisions: left out, said so.
    let left_out = report["report"]["left_out"].as_array().unwrap();
    assert_eq!(left_out.len(), 1);
    assert!(left_out[0]["message"]
        .as_str()
        .unwrap()
        .contains("relation 1 (in)"));
    // The labels of suggestions are in the scheme, so accepting one makes a known span.
    let labels: Vec<&str> = report["scheme"]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["person", "place"]);
    let (document, _) = corpus::load(&into.join("cairo.txt")).unwrap();
    assert!(document.annotations().is_empty(), "no span was made");

    // The text report says it too, and a left-out line reads file:line: left out: reason.
    let out = import_cli(
        &input,
        "jsonl",
        &dir.path().join("again"),
        &["--as", "suggestions"],
    );
    assert!(
        text(&out.stdout).contains("0 spans, 0 relations, 2 suggestions"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains(": left out: relation 1 (in)"),
        "{}",
        text(&out.stderr)
    );
    // --source without --as suggestions is bad usage.
    let out = import_cli(
        &input,
        "jsonl",
        &dir.path().join("usage"),
        &["--source", "x"],
    );
    assert_eq!(out.status.code(), Some(2));
}

/// The suggestions are in the written sidecars, and stats counts them per source.
#[test]
fn stats_count_suggestions_per_source() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_jsonl(
        dir.path(),
        &[
            record(
                "a",
                CAIRO,
                &[(1, "person", 0, 6), (2, "place", 22, 27)],
                &[],
            ),
            record("b", "Shoukry answered.", &[(1, "person", 0, 7)], &[]),
        ],
    );
    let into = dir.path().join("out");
    let out = import_cli(
        &input,
        "jsonl",
        &into,
        &["--as", "suggestions", "--source", "ner-v1"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (document, _) = corpus::load(&into.join("a.txt")).unwrap();
    assert_eq!(document.suggestions.len(), 2);
    assert!(document.suggestions.iter().all(|s| s.source == "ner-v1"));
    let out = spantag(&["stats".as_ref(), into.as_os_str(), "--json".as_ref()]);
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["suggestions"]["ner-v1"]["pending"], 3, "{stats}");
    assert_eq!(stats["suggestions"]["ner-v1"]["accepted"], 0);
    let out = spantag(&["stats".as_ref(), into.as_os_str()]);
    assert!(text(&out.stdout).contains("ner-v1"));
}

#[test]
fn stats_json_has_a_suggestions_map() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_jsonl(
        dir.path(),
        &[record("a", CAIRO, &[(1, "actor", 0, 6)], &[])],
    );
    let into = dir.path().join("out");
    assert_eq!(
        import_cli(&input, "jsonl", &into, &[]).status.code(),
        Some(0)
    );
    let out = spantag(&["stats".as_ref(), into.as_os_str(), "--json".as_ref()]);
    assert_eq!(out.status.code(), Some(0));
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        stats["suggestions"].as_object().unwrap().is_empty(),
        "{stats}"
    );
    assert_eq!(stats["labels"]["actor"], 1);
}

fn entity(id: &str, name: &str, external: &[(&str, &str)]) -> Entity {
    Entity {
        id: id.into(),
        name: name.into(),
        label: "actor".into(),
        aliases: Vec::new(),
        external: external
            .iter()
            .map(|(b, i)| (b.to_string(), i.to_string()))
            .collect(),
    }
}

fn request(into: &Path) -> Request {
    Request {
        input: into.join("in.jsonl"),
        format: Format::Jsonl,
        into: into.to_path_buf(),
        options: Options::default(),
        strict: false,
        force: false,
    }
}

#[test]
fn imported_entities_are_merged_and_never_replace_one_that_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path();
    let mut own = Entities::default();
    own.insert(entity(
        "sergei-lavrov",
        "Sergei Lavrov",
        &[("wikidata", "Q40398")],
    ));
    spantag::store::entities::save(into, &own).unwrap();
    let parsed = Parsed {
        articles: vec![ImportedArticle {
            name: "a.txt".into(),
            from: "in.ann:1".into(),
            text: CAIRO.into(),
            entities: vec![
                entity(
                    "sergei-lavrov",
                    "S. Lavrov",
                    &[("wikidata", "Q1"), ("geonames", "9")],
                ),
                entity("sameh-shoukry", "Sameh Shoukry", &[("wikidata", "Q313427")]),
            ],
            ..ImportedArticle::default()
        }],
        ..Parsed::default()
    };
    let outcome = import::run_parsed(&request(into), parsed, &Progress::default()).unwrap();
    assert_eq!((outcome.entities.added, outcome.entities.extended), (1, 1));
    let merged = spantag::store::entities::load(into).unwrap();
    let lavrov = merged.get("sergei-lavrov").unwrap();
    assert_eq!(lavrov.name, "Sergei Lavrov", "kept as it was");
    assert_eq!(lavrov.external["wikidata"], "Q40398");
    assert_eq!(
        lavrov.external["geonames"], "9",
        "a missing external id is added"
    );
    assert_eq!(merged.get("sameh-shoukry").unwrap().name, "Sameh Shoukry");

    // A broken entities.ron stops the import: nothing written.
    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(
        broken.join("entities.ron"),
        "(\n    entities: [\n        (id: 3),\n    ],\n)",
    )
    .unwrap();
    let parsed = Parsed {
        articles: vec![ImportedArticle {
            name: "a.txt".into(),
            text: CAIRO.into(),
            ..ImportedArticle::default()
        }],
        ..Parsed::default()
    };
    let problem = import::run_parsed(&request(&broken), parsed, &Progress::default()).unwrap_err();
    assert!(problem.to_string().contains("entities.ron:3:"), "{problem}");
    assert!(!broken.join("a.txt").exists());
}

#[test]
fn a_cancelled_import_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_jsonl(
        dir.path(),
        &[record("a", CAIRO, &[(1, "person", 0, 6)], &[])],
    );
    let into = dir.path().join("out");
    let progress = Progress::default();
    progress.cancel();
    let request = Request {
        input,
        ..request(&into)
    };
    let problem = import::run(&request, &progress).unwrap_err();
    assert_eq!(problem.message, import::CANCELLED);
    assert!(!into.exists());
    // Not cancelled: the progress ends at every article written.
    let progress = Progress::default();
    let outcome = import::run(&request, &progress).unwrap();
    assert_eq!((outcome.articles, progress.get()), (1, (1, 1)));
    assert!(sidecar_path(&into.join("a.txt")).exists());
}

/// CoNLL holds tokens, not the text between them: onto an article the folder already has,
/// the tokens are found in its text and only the sidecar is written, every span on the
/// article's own chars (two spaces and a line break included). Tokens that are not in
/// the article are an error for that document; nothing of it is written.
#[test]
fn conll_onto_an_existing_article_writes_only_its_sidecar_on_the_original_chars() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("news");
    std::fs::create_dir(&into).unwrap();
    let original = "Sergei  Lavrov met\nofficials in Cairo.\n";
    std::fs::write(into.join("doc.txt"), original).unwrap();
    std::fs::write(into.join("other.txt"), "Something else entirely.\n").unwrap();
    let input = dir.path().join("in.conll");
    std::fs::write(
        &input,
        "# doc_id = doc\nSergei\tB-PER\nLavrov\tI-PER\nmet\tO\nofficials\tO\nin\tO\nCairo\tB-LOC\n.\tO\n\
         \n# newdoc id = other\nCairo\tB-LOC\n",
    )
    .unwrap();
    let out = import_cli(&input, "conll", &into, &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("\"Cairo\""),
        "the stray token is named: {stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(into.join("doc.txt")).unwrap(),
        original,
        "the article is never written"
    );
    assert!(!sidecar_path(&into.join("other.txt")).exists());
    let (doc, _) = corpus::load(&into.join("doc.txt")).unwrap();
    let spans: Vec<(&str, usize, usize, &str)> = doc
        .annotations()
        .spans()
        .iter()
        .map(|s| (s.label.as_str(), s.start, s.end, s.text.as_str()))
        .collect();
    assert_eq!(
        spans,
        [("PER", 0, 14, "Sergei  Lavrov"), ("LOC", 32, 37, "Cairo")]
    );
}

/// `spantag validate` names a suggestion whose text is not at its range with the line and
/// column of its entry, and one an earlier load marked orphaned (which loads quietly).
#[test]
fn validate_names_a_suggestion_that_lost_its_text_by_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_jsonl(
        dir.path(),
        &[record("cairo", CAIRO, &[(1, "person", 0, 6)], &[])],
    );
    let into = dir.path().join("out");
    let out = import_cli(&input, "jsonl", &into, &["--as", "suggestions"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(validate(&into).status.code(), Some(0));

    let sidecar = sidecar_path(&into.join("cairo.txt"));
    let written = std::fs::read_to_string(&sidecar).unwrap();
    let line = 1 + written
        .lines()
        .position(|l| l.contains("source: \"in.jsonl\""))
        .expect("the suggestion's line");
    let word: String = CAIRO.chars().take(6).collect();
    let broken = written.replacen(&format!("text: {word:?}"), "text: \"Nobody\"", 1);
    assert_ne!(broken, written);
    std::fs::write(&sidecar, &broken).unwrap();
    let out = validate(&into);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cairo.txt.ann.ron:{line}:")) && stderr.contains("suggestion 1"),
        "{stderr}"
    );

    let orphaned = written.replacen("status: Pending", "status: Pending, anchor: Orphaned", 1);
    std::fs::write(&sidecar, &orphaned).unwrap();
    let out = validate(&into);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cairo.txt.ann.ron:{line}:"))
            && stderr.contains("suggestion 1 (person")
            && stderr.contains("orphaned"),
        "{stderr}"
    );
}
