//! brat import: every line type as brat writes it, one small fixture per hazard, the real
//! files under tests/peer-data/brat, and brat → spantag → brat round trips.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use spantag::export::{Article, Exporter, Format, Options, Output};
use spantag::import::{self, ImportedArticle, Options as ImportOptions, Parsed};
use spantag::model::{
    Annotations, ArticleMeta, AttrKind, Attribute, Document, Entities, Label, Relation, Scheme,
    Span, Text, FRAGMENT_KIND,
};

fn parse(txt: &str, ann: &str) -> Parsed {
    import::parse_brat("doc.txt", "doc.ann", txt, ann, &ImportOptions::default())
}

fn only(parsed: &Parsed) -> &ImportedArticle {
    assert_eq!(parsed.articles.len(), 1);
    &parsed.articles[0]
}

fn span<'a>(article: &'a ImportedArticle, text: &str) -> &'a Span {
    article
        .spans
        .iter()
        .find(|s| s.text == text)
        .unwrap_or_else(|| panic!("no span {text:?} in {:?}", article.spans))
}

fn relation_kinds(article: &ImportedArticle) -> Vec<(String, u64, u64)> {
    let mut r: Vec<_> = article
        .relations
        .iter()
        .map(|r| (r.kind.clone(), r.from, r.to))
        .collect();
    r.sort();
    r
}

/// The report's problems as printed (`doc.ann:LINE: message`).
fn shown(problems: &[spantag::problem::Problem]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

/// Every span holds exactly the `.txt`'s chars at its offsets; ids are unique; every
/// relation joins two spans of the article.
fn assert_sound(article: &ImportedArticle, txt: &str, what: &str) {
    let chars: Vec<char> = txt.chars().collect();
    let mut ids = BTreeSet::new();
    for s in &article.spans {
        let at: String = chars[s.start..s.end].iter().collect();
        assert_eq!(s.text, at, "{what}: span {} ({}..{})", s.id, s.start, s.end);
        assert!(s.start < s.end, "{what}: empty span {}", s.id);
        assert!(ids.insert(s.id), "{what}: span id {} twice", s.id);
    }
    let mut relation_ids = BTreeSet::new();
    for r in &article.relations {
        assert!(
            ids.contains(&r.from) && ids.contains(&r.to),
            "{what}: {r:?}"
        );
        assert!(
            relation_ids.insert(r.id),
            "{what}: relation id {} twice",
            r.id
        );
    }
    // The store accepts it as it is.
    Annotations::from_parts(article.spans.clone(), article.relations.clone())
        .unwrap_or_else(|e| panic!("{what}: {e}"));
}

#[test]
fn fragments_out_of_order_leave_the_gap_in_no_span() {
    let txt = "the cat sat on the mat";
    // Written last fragment first; the text field follows the written order.
    let parsed = parse(txt, "T4\tAnimal 19 22;4 7\tmat cat\n");
    assert!(
        parsed.report.errors.is_empty(),
        "{:?}",
        parsed.report.errors
    );
    let article = only(&parsed);
    assert_sound(article, txt, "fixture");
    let cat = span(article, "cat");
    let mat = span(article, "mat");
    assert_eq!(
        (cat.id, cat.start, cat.end),
        (4, 4, 7),
        "the first fragment keeps T4"
    );
    assert_eq!((mat.start, mat.end), (19, 22));
    assert!(mat.id > 4, "a later fragment's id is above every T number");
    assert_eq!(mat.label, "Animal");
    assert_eq!(
        article.relations,
        vec![Relation {
            id: article.relations[0].id,
            kind: FRAGMENT_KIND.into(),
            from: 4,
            to: mat.id
        }]
    );
    // The gap's words are in no span.
    for word_start in [8, 12, 15] {
        assert!(
            article
                .spans
                .iter()
                .all(|s| !(s.start..s.end).contains(&word_start)),
            "char {word_start} is in a span"
        );
    }
    assert_eq!(parsed.report.imported["spans"], 2);
    assert_eq!(parsed.report.imported["fragments"], 1);
}

#[test]
fn a_fragment_whose_text_differs_is_an_error_naming_file_line_and_fragment() {
    let txt = "vías respiratorias altas";
    let ann = "T1\tConcept 0 4\tvías\nT2\tConcept 0 4;5 18\tvías respiratorios\n";
    let parsed = parse(txt, ann);
    let errors = shown(&parsed.report.errors);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("doc.ann:2: T2:"), "{errors:?}");
    assert!(errors[0].contains("fragment 2 (5 18)"), "{errors:?}");
    assert!(errors[0].contains("\"respiratorias\""), "{errors:?}");
    // The sound line still imports; nothing of T2 does.
    let article = only(&parsed);
    assert_eq!(article.spans.len(), 1);
    assert_eq!(article.spans[0].id, 1);
}

#[test]
fn attributes_on_events_and_relations_are_left_out_and_those_on_text_kept() {
    let txt = "P1 binds P2 here";
    let ann = "T1\tProtein 0 2\tP1\n\
               T2\tProtein 9 11\tP2\n\
               T3\tBinding 3 8\tbinds\n\
               E1\tBinding:T3 Theme:T1 Theme2:T2\n\
               R1\tLink Arg1:T1 Arg2:T2\n\
               A1\tConfidence E1 Likely\n\
               M1\tNegation E1\n\
               A2\tSpeculated R1\n\
               A3\tKnown T1\n\
               A4\tCategory T2 Kinase%20X\n\
               M2\tCheck T2\n";
    let parsed = parse(txt, ann);
    assert!(
        parsed.report.errors.is_empty(),
        "{:?}",
        parsed.report.errors
    );
    let article = only(&parsed);
    assert_sound(article, txt, "fixture");
    assert_eq!(span(article, "P1").attrs["Known"], "yes");
    assert_eq!(span(article, "P2").attrs["Category"], "Kinase X");
    assert_eq!(span(article, "P2").attrs["Check"], "yes");
    assert!(span(article, "binds").attrs.is_empty());
    let left_out = shown(&parsed.report.left_out);
    for (line, what) in [(6, "A1"), (7, "M1"), (8, "A2")] {
        assert!(
            left_out
                .iter()
                .any(|l| l.starts_with(&format!("doc.ann:{line}: {what}:"))),
            "{what} not reported: {left_out:?}"
        );
    }
    assert_eq!(parsed.report.imported["attributes"], 3);
    assert_eq!(parsed.report.imported["events"], 1);
}

#[test]
fn notes_on_relations_and_events_are_left_out_and_notes_on_text_joined() {
    let txt = "Orville Wright and Wilbur Wright merged";
    let ann = "T1\tPerson 0 14\tOrville Wright\n\
               T2\tPerson 19 32\tWilbur Wright\n\
               T3\tMerge 33 39\tmerged\n\
               E1\tMerge:T3 Org:T1\n\
               R1\tFamily Arg1:T1 Arg2:T2\t\n\
               #1\tAnnotatorNotes R1\tNot explicitly stated.\n\
               #2\tAnnotatorNotes E1\tOne event or two?\n\
               #3\tAnnotatorNotes T1\tFirst line.\n\
               #4\tAnnotatorNotes T1\tSecond line.\n\
               #5\tLemma T2\t wright\n";
    let parsed = parse(txt, ann);
    assert!(
        parsed.report.errors.is_empty(),
        "{:?}",
        parsed.report.errors
    );
    let article = only(&parsed);
    assert_eq!(
        span(article, "Orville Wright").note,
        "First line.\nSecond line."
    );
    // A note's type has no place: its text is kept as written, the type reported.
    assert_eq!(span(article, "Wilbur Wright").note, " wright");
    let left_out = shown(&parsed.report.left_out);
    assert!(
        left_out
            .iter()
            .any(|l| l.starts_with("doc.ann:6: #1:") && l.contains("relations")),
        "{left_out:?}"
    );
    assert!(
        left_out
            .iter()
            .any(|l| l.starts_with("doc.ann:7: #2:") && l.contains("events")),
        "{left_out:?}"
    );
    assert!(
        left_out
            .iter()
            .any(|l| l.starts_with("doc.ann:10: #5:") && l.contains("\"Lemma\"")),
        "{left_out:?}"
    );
    assert_eq!(parsed.report.imported["notes"], 3);
    assert_eq!(
        relation_kinds(article),
        vec![("Family".to_string(), 1, 2), ("Org".to_string(), 3, 1),]
    );
}

#[test]
fn a_bad_line_among_good_ones_skips_only_itself_and_what_depends_on_it() {
    let txt = "Lavrov met Shoukry in Cairo.";
    let ann = "T1\tActor 0 6\tLavrov\n\
               T2\tActor 11 18\tShoukry\n\
               T3\tLocation 22 27 Cairo\n\
               T4\tLocation 22 27\tCairo\n\
               R1\tMet Arg1:T1 Arg2:T2\n\
               R2\tIn Arg1:T1 Arg2:T3\n\
               R3\tIn Arg1:T1 Arg2:T9\n\
               A1\tCapital T3\n\
               #1\tAnnotatorNotes T3\tthe capital\n\
               X1\tWhat is this\n\
               T5 Actor 0 6 Lavrov\n\
               T6\tActor 0 60\tLavrov\n\
               A2\tCapital T4\n";
    let parsed = parse(txt, ann);
    let errors = shown(&parsed.report.errors);
    let starts = |prefix: &str| errors.iter().any(|e| e.starts_with(prefix));
    assert!(starts("doc.ann:3: T3:"), "{errors:?}");
    assert!(
        starts("doc.ann:7: relation R3's Arg2 refers to T9, which this file does not define"),
        "{errors:?}"
    );
    assert!(starts("doc.ann:10: "), "{errors:?}");
    assert!(starts("doc.ann:11: "), "{errors:?}");
    assert!(
        starts("doc.ann:12: T6: fragment 1 (0 60) ends past the end of the 28-char text"),
        "{errors:?}"
    );
    assert_eq!(errors.len(), 5, "{errors:?}");
    // What refers to the bad T3 is left out, each with its line.
    let left_out = shown(&parsed.report.left_out);
    for line in [6, 8, 9] {
        assert!(
            left_out
                .iter()
                .any(|l| l.starts_with(&format!("doc.ann:{line}: "))
                    && l.contains("T3 (line 3), which was not imported")),
            "line {line}: {left_out:?}"
        );
    }
    let article = only(&parsed);
    assert_sound(article, txt, "fixture");
    let ids: Vec<u64> = article.spans.iter().map(|s| s.id).collect();
    assert_eq!(ids, [1, 2, 4]);
    assert_eq!(relation_kinds(article), vec![("Met".to_string(), 1, 2)]);
    assert_eq!(span(article, "Cairo").attrs["Capital"], "yes");
}

#[test]
fn integer_looking_ids_stay_apart_and_unique() {
    let txt = "one two three four five";
    let ann = "T1\tN 0 3\tone\n\
               T01\tN 4 7\ttwo\n\
               T0\tN 8 13\tthree\n\
               T99999999999999999999\tN 14 18\tfour\n\
               T9007199254740991\tN 19 23\tfive\n\
               R1\tNext Arg1:T1 Arg2:T01\n\
               R01\tNext Arg1:T01 Arg2:T0\n\
               R2\tNext Arg1:T0 Arg2:T99999999999999999999\n\
               A1\tFlag T01\n";
    let parsed = parse(txt, ann);
    assert!(
        parsed.report.errors.is_empty(),
        "{:?}",
        parsed.report.errors
    );
    let article = only(&parsed);
    assert_sound(article, txt, "fixture");
    assert_eq!(span(article, "one").id, 1);
    assert_eq!(span(article, "five").id, 9_007_199_254_740_991);
    let two = span(article, "two");
    let three = span(article, "three");
    let four = span(article, "four");
    for s in [two, three, four] {
        assert!(s.id >= 2 && s.id < 9_007_199_254_740_991, "{}", s.id);
    }
    // References follow the id as written, not its number.
    assert_eq!(relation_kinds(article), {
        let mut r = vec![
            ("Next".to_string(), 1, two.id),
            ("Next".to_string(), two.id, three.id),
            ("Next".to_string(), three.id, four.id),
        ];
        r.sort();
        r
    });
    assert_eq!(two.attrs["Flag"], "yes");
    assert!(span(article, "one").attrs.is_empty());
    let left_out = shown(&parsed.report.left_out);
    for line in [2, 3, 4, 7] {
        assert!(
            left_out
                .iter()
                .any(|l| l.starts_with(&format!("doc.ann:{line}: "))),
            "line {line}: {left_out:?}"
        );
    }
}

#[test]
fn crlf_text_counts_each_carriage_return_and_crlf_ann_lines_are_read() {
    let txt = "First line.\r\nSecond line: Cairo.\r\nThird.";
    // Offsets over the .txt as stored: "Cairo" starts at char 26 (the \r counts).
    let ann = "T1\tLocation 26 31\tCairo\r\nT2\tSentence 0 11;13 24\tFirst line. Second line\r\n#1\tAnnotatorNotes T1\tnoted\r\n";
    let parsed = parse(txt, ann);
    assert!(
        parsed.report.errors.is_empty(),
        "{:?}",
        parsed.report.errors
    );
    let article = only(&parsed);
    assert_eq!(article.text, txt, "the text as stored");
    assert_sound(article, txt, "fixture");
    assert_eq!(span(article, "Cairo").note, "noted");
    let second = span(article, "Second line");
    assert_eq!((second.start, second.end), (13, 24));
    // Neither fragment holds the line break.
    assert!(article.spans.iter().all(|s| !s.text.contains(['\r', '\n'])));
}

#[test]
fn events_become_relations_from_their_trigger_and_say_what_is_lost() {
    let txt = "A inhibits activation of B by C";
    let ann = "T1\tProtein 0 1\tA\n\
               T2\tNeg 2 10\tinhibits\n\
               T3\tPos 11 21\tactivation\n\
               T4\tProtein 25 26\tB\n\
               T5\tProtein 30 31\tC\n\
               E1\tNeg:T2 Theme:E2 Cause:T1\n\
               E2\tPos:T3 Theme:T4\n\
               E3\tPos:T3 Theme:T5\n";
    let parsed = parse(txt, ann);
    assert!(
        parsed.report.errors.is_empty(),
        "{:?}",
        parsed.report.errors
    );
    let article = only(&parsed);
    assert_eq!(
        relation_kinds(article),
        vec![
            ("Cause".to_string(), 2, 1),
            ("Theme".to_string(), 2, 3),
            ("Theme".to_string(), 3, 4),
            ("Theme".to_string(), 3, 5),
        ]
    );
    let left_out = shown(&parsed.report.left_out);
    assert!(
        left_out
            .iter()
            .any(|l| l.starts_with("doc.ann:6: event E1") && l.contains("E2's trigger")),
        "{left_out:?}"
    );
    assert!(
        left_out
            .iter()
            .any(|l| l.starts_with("doc.ann:8: event E3")
                && l.contains("shares its trigger with E2")),
        "{left_out:?}"
    );
    assert_eq!(parsed.report.imported["events"], 3);
    assert_eq!(parsed.report.imported["event arguments"], 4);
}

#[test]
fn normalizations_make_one_entity_per_span_with_every_external_id() {
    let txt = "Sergei Lavrov and Lavrov again, and Moscow.";
    let ann = "T1\tActor 0 13\tSergei Lavrov\n\
               T2\tActor 18 24\tLavrov\n\
               T3\tLocation 36 42\tMoscow\n\
               N1\tReference T1 Wikidata:Q40398\tSergei Lavrov\n\
               N2\tReference T1 VIAF:12345\tLavrov, Sergei\n\
               N3\tReference T2 Wikidata:Q40398\n\
               N4\tReference T3 spantag:moscow\tMoscow\n\
               N5\tReference T3 GeoNames:524901\tMoscow\n\
               N6\tReference Annotation:T2 Referent:VIAF:12345\n";
    let parsed = parse(txt, ann);
    assert!(
        parsed.report.errors.is_empty(),
        "{:?}",
        parsed.report.errors
    );
    let article = only(&parsed);
    assert_eq!(
        span(article, "Sergei Lavrov").entity.as_deref(),
        Some("wikidata:Q40398")
    );
    assert_eq!(
        span(article, "Lavrov").entity.as_deref(),
        Some("wikidata:Q40398")
    );
    assert_eq!(span(article, "Moscow").entity.as_deref(), Some("moscow"));
    assert_eq!(article.entities.len(), 2);
    let lavrov = article
        .entities
        .iter()
        .find(|e| e.id == "wikidata:Q40398")
        .unwrap();
    assert_eq!(lavrov.name, "Sergei Lavrov");
    assert_eq!(lavrov.label, "Actor");
    assert_eq!(
        lavrov.external.get("wikidata").map(String::as_str),
        Some("Q40398")
    );
    assert_eq!(
        lavrov.external.get("VIAF").map(String::as_str),
        Some("12345")
    );
    let moscow = article.entities.iter().find(|e| e.id == "moscow").unwrap();
    assert_eq!(
        moscow.external.get("geonames").map(String::as_str),
        Some("524901")
    );
    assert_eq!(parsed.report.imported["normalizations"], 6);
    assert_eq!(parsed.report.imported["entities"], 2);
}

#[test]
fn equivalences_link_the_first_member_to_each_other() {
    let txt = "BfiSR, also PA4196-4197, or BfiSR";
    let ann = "*\tEquiv T1 T2 T3\nT1\tTCS 0 5\tBfiSR\nT2\tTCS 12 23\tPA4196-4197\nT3\tTCS 28 33\tBfiSR\n*\tEquiv T1 T9\n";
    let parsed = parse(txt, ann);
    let article = only(&parsed);
    assert_eq!(
        relation_kinds(article),
        vec![("Equiv".to_string(), 1, 2), ("Equiv".to_string(), 1, 3)]
    );
    let errors = shown(&parsed.report.errors);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("doc.ann:5: the equivalence refers to T9"),
        "{errors:?}"
    );
    assert_eq!(parsed.report.imported["equivalences"], 1);
}

/// Lines that break naive readers: each is an error or left out, never a panic, and the
/// good line after it still imports.
#[test]
fn hostile_lines_are_reported_never_panic() {
    let txt = "Grüße aus Köln 😀 und mehr.";
    let hostile = [
        "",
        "\t",
        "T",
        "T7",
        "T7\t",
        "T7\t\t",
        "T7\tLabel",
        "T7\tLabel 0",
        "T7\tLabel 0 5;",
        "T7\tLabel ;",
        "T7\tLabel -1 5\tGrüße",
        "T7\tLabel 5 0\t",
        "T7\tLabel 0 18446744073709551616\tx",
        "T7\tLabel 0 99999\tx",
        "T7\tLabel 0 5;3 8\tGrüße e au",
        "T7\tLabel 0 5;0 5\tGrüße Grüße",
        "T7\tLabel 0 0\t",
        "T7\t\u{0} 0 5\tGrüße",
        "T7\tLabel 15 16\t😀",
        "R7\t",
        "R7\tKind",
        "R7\tKind Arg1:T1",
        "R7\tKind Arg1:T1 Arg1:T1",
        "R7\tKind Arg1: Arg2:T1",
        "R7\tKind Arg1:R7 Arg2:T1",
        "E7\t",
        "E7\tType",
        "E7\tType:T1 Theme",
        "E7\tType:E7 Theme:E7",
        "E7\tType:T1 Theme:E7",
        "A7\t",
        "A7\tName",
        "A7\tName A7",
        "M7\tName T1 value",
        "N7\tReference T1",
        "N7\tReference T1 nocolon",
        "N7\tReference T1 spantag:%0A",
        "N7\tReference N7 Wikidata:Q1",
        "#7\t",
        "#7\tAnnotatorNotes",
        "#7\tAnnotatorNotes #7\tx",
        "*\t",
        "*\tEquiv",
        "*\tEquiv T1",
        "*\tEquiv T1 E7",
        "Z1\tLabel 0 5\tGrüße",
        "1\tLabel 0 5\tGrüße",
        "T7 Label 0 5 Grüße",
        "\u{feff}T7\tLabel 0 5\tGrüße",
        "T7\tLabel 0 5\tGrüße%",
        "A7\tName%ZZ T1 100%",
    ];
    for line in hostile {
        let ann = format!("T1\tLabel 0 5\tGrüße\n{line}\nT2\tCity 10 14\tKöln\n");
        let parsed = parse(txt, &ann);
        let article = only(&parsed);
        assert_sound(article, txt, line);
        assert!(
            article.spans.iter().any(|s| s.text == "Köln" && s.id == 2),
            "{line:?}: the good line after it is lost: {:?}",
            parsed.report
        );
        let sound = ["", "\t", "T7\tLabel 15 16\t😀", "A7\tName%ZZ T1 100%"];
        if !sound.contains(&line) {
            let problems = parsed.report.errors.len() + parsed.report.left_out.len();
            assert!(problems > 0, "{line:?} is not reported");
            assert!(
                parsed
                    .report
                    .errors
                    .iter()
                    .chain(&parsed.report.left_out)
                    .all(|p| p.line == Some(2)),
                "{line:?}: {:?}",
                parsed.report
            );
        }
        for problem in parsed.report.errors.iter().chain(&parsed.report.left_out) {
            assert_eq!(problem.path, Path::new("doc.ann"), "{line:?}");
            assert!(problem.line.is_some(), "{line:?}: {problem}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any lines made of brat's own pieces import without a panic into sound spans.
    #[test]
    fn any_lines_import_into_sound_spans(
        lines in prop::collection::vec(
            prop::collection::vec(
                prop::sample::select(vec![
                    "T1", "T2", "T02", "E1", "R1", "A1", "M1", "N1", "#1", "*", "\t", " ", ";",
                    ":", "Arg1:", "Arg2:", "Theme:", "Label", "0", "3", "5", "9", "40", "Gr",
                    "üße", "😀", "Wikidata:Q1", "spantag:x", "%", "%20", "\r", "Reference",
                    "AnnotatorNotes", "Equiv",
                ]),
                0..12,
            ),
            0..12,
        )
    ) {
        let txt = "Grüße 😀 aus\r\nKöln";
        let ann: String = lines.iter().map(|l| l.concat()).collect::<Vec<_>>().join("\n");
        let parsed = parse(txt, &ann);
        let article = only(&parsed);
        assert_sound(article, txt, &ann);
    }
}

fn peer_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peer-data/brat")
}

fn ann_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            ann_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "ann") {
            found.push(path);
        }
    }
}

#[test]
fn every_peer_brat_file_imports_without_errors_onto_its_exact_chars() {
    let mut files = Vec::new();
    ann_files(&peer_data(), &mut files);
    files.sort();
    assert!(files.len() >= 13, "{files:?}");
    for ann_path in files {
        let txt_path = ann_path.with_extension("txt");
        let txt = std::fs::read_to_string(&txt_path).unwrap();
        let ann = std::fs::read_to_string(&ann_path).unwrap();
        let what = ann_path.display().to_string();
        let parsed = import::parse_brat("x.txt", &what, &txt, &ann, &ImportOptions::default());
        if std::env::var_os("SHOW_BRAT_REPORTS").is_some() {
            eprintln!("{what}: {:?}", parsed.report.imported);
            for l in &parsed.report.left_out {
                eprintln!("  {l}");
            }
        }
        assert!(
            parsed.report.errors.is_empty(),
            "{what}: {:#?}",
            parsed.report.errors
        );
        let article = only(&parsed);
        assert_sound(article, &txt, &what);
        // Every T line became at least one span; every fragment a span of its own.
        let t_lines = ann.lines().filter(|l| l.starts_with('T')).count();
        let fragments: usize = ann
            .lines()
            .filter(|l| l.starts_with('T'))
            .map(|l| l.split('\t').nth(1).unwrap_or("").matches(';').count())
            .sum();
        assert_eq!(article.spans.len(), t_lines + fragments, "{what}");
        assert_eq!(
            parsed
                .report
                .imported
                .get("fragments")
                .copied()
                .unwrap_or(0),
            fragments,
            "{what}"
        );
    }
}

#[test]
fn peer_files_keep_what_spantag_can_hold() {
    let read = |sub: &str| {
        let base = peer_data().join(sub);
        let txt = std::fs::read_to_string(base.with_extension("txt")).unwrap();
        let ann = std::fs::read_to_string(base.with_extension("ann")).unwrap();
        let parsed = import::parse_brat("x.txt", sub, &txt, &ann, &ImportOptions::default());
        assert!(
            parsed.report.errors.is_empty(),
            "{sub}: {:?}",
            parsed.report.errors
        );
        parsed
    };
    // ehealthkd: two discontinuous concepts, relations to the first fragment.
    let parsed = read("ehealthkd-2020/example/example");
    let article = only(&parsed);
    let vias = span(article, "vías");
    assert_eq!(vias.id, 3);
    let respiratorias = span(article, "respiratorias");
    assert!(article
        .relations
        .iter()
        .any(|r| r.kind == FRAGMENT_KIND && r.from == 3 && r.to == respiratorias.id));
    assert!(article
        .relations
        .iter()
        .any(|r| r.kind == "target" && r.from == 4 && r.to == 3));
    // The news tutorial: attributes, a note, a normalization, an event with an unknown
    // argument type kept, its attribute left out.
    let parsed = read("nlplab-brat/tutorials/news/000-introduction");
    let article = only(&parsed);
    let raul = span(article, "Raul Salinas de Gortari");
    assert_eq!(raul.attrs["Mention"], "Name");
    assert_eq!(raul.attrs["Individual"], "yes");
    assert_eq!(span(article, "$100 million").note, "100000000 USD");
    let former = span(article, "former Mexican president");
    assert_eq!(former.entity.as_deref(), Some("Wikipedia:64488"));
    assert_eq!(article.entities[0].name, "Carlos Salinas de Gortari");
    assert!(article
        .relations
        .iter()
        .any(|r| r.kind == "Giver-Arg" && r.from == 3 && r.to == 1));
    assert!(shown(&parsed.report.left_out)
        .iter()
        .any(|l| l.contains(":16: A5:")));
    // BioNLP: modifiers of events left out, equivalences kept.
    let parsed = read("nlplab-brat/corpora/BioNLP-ST_2011/BioNLP-ST_2011_GE/PMID-10485906");
    assert!(shown(&parsed.report.left_out)
        .iter()
        .any(|l| l.contains(": M1:")));
    assert_eq!(parsed.report.imported["equivalences"], 1);
}

/// The lines of an `.ann`, with the ids of attributes, normalizations and notes (which
/// are numbered per file) dropped, for comparing two files by what they say.
fn said(ann: &str) -> BTreeSet<String> {
    ann.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| match l.chars().next() {
            Some(c @ ('A' | 'M' | 'N' | '#')) => {
                let rest = l.split_once('\t').map_or("", |(_, r)| r);
                format!("{}\t{rest}", if c == 'M' { 'A' } else { c })
            }
            _ => l.to_string(),
        })
        .collect()
}

/// Imports a brat pair, builds the article as the store would, exports it as brat.
fn brat_again(txt: &str, ann: &str) -> (Parsed, String, spantag::export::Report) {
    let parsed = parse(txt, ann);
    let article = only(&parsed).clone();
    let annotations = Annotations::from_parts(article.spans, article.relations).unwrap();
    let document = Document::new(Text::new(article.text), ArticleMeta::default(), annotations);
    let mut entities = Entities::default();
    for entity in article.entities {
        entities.insert(entity);
    }
    // A binary brat attribute comes back binary where the scheme says it is yes/no.
    let mut scheme = Scheme::default();
    scheme.labels.push(Label {
        name: "Actor".into(),
        key: "a".into(),
        color: "#E69F00".into(),
        description: String::new(),
        attributes: vec![Attribute {
            name: "Verified".into(),
            kind: AttrKind::YesNo,
            key: None,
            default: None,
        }],
        entity: true,
    });
    let mut exporter = Exporter::new(Format::Brat, &scheme, &entities, Options::default());
    let outputs = exporter
        .article(Article {
            id: "doc.txt",
            document: &document,
        })
        .unwrap();
    let ann = outputs
        .into_iter()
        .find_map(|o| match o {
            Output::File { path, bytes } if path == "doc.ann" => {
                Some(String::from_utf8(bytes).unwrap())
            }
            _ => None,
        })
        .unwrap();
    (parsed, ann, exporter.report)
}

#[test]
fn brat_to_spantag_to_brat_gives_the_same_fragments_relations_notes_attributes() {
    let txt = "the cat sat on the mat.\nLavrov met Shoukry in Cairo;\nvías respiratorias";
    let ann = "T1\tAnimal 19 22;4 7\tmat cat\n\
               T2\tActor 24 30\tLavrov\n\
               T3\tActor 35 42\tShoukry\n\
               T4\tLocation 46 51\tCairo\n\
               T5\tConcept 53 57;58 71\tvías respiratorias\n\
               R1\tMet Arg1:T2 Arg2:T3\n\
               R2\tIn Arg1:T3 Arg2:T4\n\
               R3\tAbout Arg1:T5 Arg2:T1\n\
               A1\tVerified T2\n\
               A2\tKind T1 pet%20animal\n\
               N1\tReference T2 Wikidata:Q40398\tSergei Lavrov\n\
               N2\tReference T4 GeoNames:360630\tCairo\n\
               N3\tReference T4 Wikidata:Q85\tCairo\n\
               #1\tAnnotatorNotes T1\tTwo words apart.\n\
               #2\tAnnotatorNotes T1\tSecond note.\n\
               #3\tAnnotatorNotes T5\tA concept in two pieces\n";
    let (parsed, again, report) = brat_again(txt, ann);
    assert!(
        parsed.report.errors.is_empty(),
        "{:?}",
        parsed.report.errors
    );
    assert!(report.losses.is_empty(), "{:?}", report.losses);
    let mut expected = said(ann);
    // Fragments come back sorted by offset, with the text in that order.
    expected.remove("T1\tAnimal 19 22;4 7\tmat cat");
    expected.insert("T1\tAnimal 4 7;19 22\tcat mat".to_string());
    assert_eq!(said(&again), expected, "exported:\n{again}");
    // And reading that back gives the same spans and relations again.
    let (second, twice, _) = brat_again(txt, &again);
    assert_eq!(only(&second).spans, only(&parse(txt, &again)).spans);
    assert_eq!(said(&twice), said(&again));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// Discontinuous annotations of random fragments (any order written, words in the
    /// gaps) come back from brat → spantag → brat with the same fragments.
    #[test]
    fn random_fragments_round_trip(
        words in prop::collection::vec(prop::sample::select(vec!["a", "bb", "Köln", "😀", "x y"]), 4..20),
        picks in prop::collection::vec((any::<prop::sample::Index>(), 1usize..4, any::<bool>()), 1..5),
    ) {
        let txt = words.join(" ");
        let chars: Vec<char> = txt.chars().collect();
        // Word boundaries as char ranges.
        let mut ranges = Vec::new();
        let mut at = 0;
        for w in &words {
            let n = w.chars().count();
            ranges.push((at, at + n));
            at += n + 1;
        }
        let mut used = BTreeSet::new();
        let mut ann = String::new();
        for (t, (index, count, reversed)) in picks.into_iter().enumerate() {
            let first = index.index(ranges.len());
            let mut fragments: Vec<(usize, usize)> = (first..ranges.len())
                .step_by(2)
                .take(count)
                .map(|i| ranges[i])
                .filter(|r| used.insert(*r))
                .collect();
            if fragments.is_empty() {
                continue;
            }
            if reversed {
                fragments.reverse();
            }
            let offsets: Vec<String> = fragments.iter().map(|(s, e)| format!("{s} {e}")).collect();
            let texts: Vec<String> = fragments.iter().map(|&(s, e)| chars[s..e].iter().collect()).collect();
            ann.push_str(&format!("T{}\tL{} {}\t{}\n", t + 1, t % 2, offsets.join(";"), texts.join(" ")));
        }
        let (parsed, again, report) = brat_again(&txt, &ann);
        prop_assert!(parsed.report.errors.is_empty(), "{:?}", parsed.report.errors);
        prop_assert!(report.losses.is_empty(), "{:?}", report.losses);
        assert_sound(only(&parsed), &txt, &ann);
        // Same T lines, fragments sorted.
        let sorted = |ann: &str| -> BTreeSet<(String, Vec<(usize, usize)>)> {
            ann.lines().map(|l| {
                let mut fields = l.split('\t');
                let id = fields.next().unwrap().to_string();
                let data = fields.next().unwrap();
                let (_, ranges) = data.split_once(' ').unwrap();
                let mut f: Vec<(usize, usize)> = ranges.split(';').map(|r| {
                    let (s, e) = r.split_once(' ').unwrap();
                    (s.parse().unwrap(), e.parse().unwrap())
                }).collect();
                f.sort();
                (id, f)
            }).collect()
        };
        prop_assert_eq!(sorted(&again), sorted(&ann));
    }
}

/// A document over `text` with `spans` (id, label, start, end) and `relations`
/// (id, kind, from, to).
fn document(
    text: &str,
    spans: &[(u64, &str, usize, usize)],
    relations: &[(u64, &str, u64, u64)],
) -> Document {
    let text = Text::new(text.to_string());
    let spans = spans
        .iter()
        .map(|&(id, label, start, end)| Span::new(id, label, start..end, &text))
        .collect();
    let relations = relations
        .iter()
        .map(|&(id, kind, from, to)| Relation {
            id,
            kind: kind.into(),
            from,
            to,
        })
        .collect();
    Document::new(
        text,
        ArticleMeta::default(),
        Annotations::from_parts(spans, relations).unwrap(),
    )
}

/// One article exported: (appended output, files by path, report).
fn export_one(
    format: Format,
    document: &Document,
) -> (String, Vec<(String, String)>, spantag::export::Report) {
    export_with(format, document, Options::default())
}

fn export_with(
    format: Format,
    document: &Document,
    options: Options,
) -> (String, Vec<(String, String)>, spantag::export::Report) {
    let scheme = Scheme::default();
    let entities = Entities::default();
    let mut exporter = Exporter::new(format, &scheme, &entities, options);
    let mut outputs = exporter.begin();
    outputs.extend(
        exporter
            .article(Article {
                id: "doc.txt",
                document,
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
    (main, files, exporter.report)
}

fn ann_of(files: &[(String, String)]) -> String {
    files
        .iter()
        .find(|(p, _)| p == "doc.ann")
        .map(|(_, t)| t.clone())
        .unwrap()
}

const CAT: &str = "the cat sat on the mat";

#[test]
fn brat_export_writes_a_fragment_group_as_one_t_line_and_moves_relations_to_its_head() {
    let doc = document(
        CAT,
        &[
            (1, "Animal", 4, 7),
            (5, "Animal", 19, 22),
            (7, "Verb", 8, 11),
        ],
        &[(1, FRAGMENT_KIND, 1, 5), (2, "near", 7, 5)],
    );
    let (_, files, report) = export_one(Format::Brat, &doc);
    let ann = ann_of(&files);
    assert_eq!(
        ann,
        "T1\tAnimal 4 7;19 22\tcat mat\nT7\tVerb 8 11\tsat\nR2\tnear Arg1:T7 Arg2:T1\n"
    );
    let losses: Vec<String> = report.losses.iter().map(ToString::to_string).collect();
    assert_eq!(losses.len(), 1, "{losses:?}");
    assert!(
        losses[0].contains("relation 2 (near) from span 7 to span 5"),
        "{losses:?}"
    );

    // A later fragment's own label, note or attributes have no place: reported.
    let mut relabelled = document(
        CAT,
        &[(1, "Animal", 4, 7), (5, "Thing", 19, 22)],
        &[(1, FRAGMENT_KIND, 1, 5)],
    );
    relabelled
        .apply(spantag::model::Command::SetNote {
            id: 5,
            note: "mine".into(),
        })
        .unwrap();
    let (_, files, report) = export_one(Format::Brat, &relabelled);
    assert_eq!(ann_of(&files), "T1\tAnimal 4 7;19 22\tcat mat\n");
    assert!(
        report.losses.iter().any(|l| l.span == Some(5)
            && l.reason
                .contains("its label \"Thing\", its note not written")),
        "{:?}",
        report.losses
    );
}

#[test]
fn brat_export_keeps_overlapping_fragments_apart_and_a_cycle_does_not_hang() {
    let overlapping = document(
        CAT,
        &[(1, "Animal", 4, 11), (2, "Animal", 8, 14)],
        &[(1, FRAGMENT_KIND, 1, 2)],
    );
    let (_, files, report) = export_one(Format::Brat, &overlapping);
    let ann = ann_of(&files);
    assert_eq!(
        ann,
        "T1\tAnimal 4 11\tcat sat\nT2\tAnimal 8 14\tsat on\nR1\tfragment Arg1:T1 Arg2:T2\n"
    );
    assert!(
        report.losses.iter().any(|l| l.reason.contains("overlap")),
        "{:?}",
        report.losses
    );
    // Read back, the fragment relation is a relation of that kind again.
    let parsed = parse(CAT, &ann);
    assert_eq!(
        relation_kinds(only(&parsed)),
        vec![(FRAGMENT_KIND.to_string(), 1, 2)]
    );
    assert!(parsed
        .report
        .left_out
        .iter()
        .any(|l| l.line == Some(3) && l.message.contains("one T line")));

    let cycle = document(
        CAT,
        &[(1, "Animal", 4, 7), (5, "Animal", 19, 22)],
        &[(1, FRAGMENT_KIND, 1, 5), (2, FRAGMENT_KIND, 5, 1)],
    );
    let (_, files, _) = export_one(Format::Brat, &cycle);
    assert_eq!(ann_of(&files), "T1\tAnimal 4 7;19 22\tcat mat\n");
}

#[test]
fn a_note_of_several_lines_is_one_hash_line_each_and_reads_back_whole() {
    let mut doc = document(CAT, &[(1, "Animal", 4, 7)], &[]);
    let note = "first line\r\nsecond line\n\nafter an empty one\n";
    doc.apply(spantag::model::Command::SetNote {
        id: 1,
        note: note.into(),
    })
    .unwrap();
    let (_, files, report) = export_one(Format::Brat, &doc);
    assert!(report.losses.is_empty(), "{:?}", report.losses);
    let ann = ann_of(&files);
    assert_eq!(
        ann.lines().filter(|l| l.starts_with('#')).count(),
        5,
        "{ann}"
    );
    let parsed = parse(CAT, &ann);
    assert_eq!(
        span(only(&parsed), "cat").note,
        "first line\nsecond line\n\nafter an empty one\n"
    );
}

#[test]
fn jsonl_and_w3c_say_which_span_a_later_fragment_belongs_to() {
    let doc = document(
        CAT,
        &[
            (1, "Animal", 4, 7),
            (5, "Animal", 19, 22),
            (7, "Verb", 8, 11),
        ],
        &[(1, FRAGMENT_KIND, 1, 5)],
    );
    let (jsonl, _, report) = export_one(Format::Jsonl, &doc);
    assert!(report.losses.is_empty(), "{:?}", report.losses);
    let record: serde_json::Value = serde_json::from_str(jsonl.trim()).unwrap();
    let spans = record["spans"].as_array().unwrap();
    let of = |id: u64| {
        spans
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .get("fragment_of")
            .cloned()
    };
    assert_eq!(of(5), Some(serde_json::json!(1)));
    assert_eq!(of(1), None);
    assert_eq!(of(7), None);
    // spantag's own importer still reads it, fragments and all.
    let back = import::parse(
        import::Format::Jsonl,
        "x.jsonl",
        &jsonl,
        &ImportOptions::default(),
    );
    assert!(back.report.errors.is_empty(), "{:?}", back.report.errors);
    assert_eq!(back.articles[0].spans.len(), 3);
    assert_eq!(back.articles[0].relations.len(), 1);

    let (w3c, _, _) = export_one(Format::W3c, &doc);
    let items: Vec<serde_json::Value> = serde_json::from_str(&w3c).unwrap();
    let item = |iri: &str| items.iter().find(|i| i["id"] == iri).unwrap();
    assert_eq!(
        item("urn:spantag:doc.txt#span-5")["dcterms:isPartOf"],
        "urn:spantag:doc.txt#span-1"
    );
    assert!(item("urn:spantag:doc.txt#span-1")
        .get("dcterms:isPartOf")
        .is_none());
    assert!(item("urn:spantag:doc.txt#span-7")
        .get("dcterms:isPartOf")
        .is_none());
    // Each fragment keeps its own selectors: the re-slice check holds for every one.
    assert_eq!(
        item("urn:spantag:doc.txt#span-5")["target"]["selector"][0]["exact"],
        "mat"
    );
}

/// The document with these spans orphaned (their text not found in the article).
fn orphaned(doc: &Document, ids: &[u64]) -> Document {
    let spans = doc
        .annotations()
        .spans()
        .iter()
        .cloned()
        .map(|mut s| {
            if ids.contains(&s.id) {
                s.anchor = spantag::model::Anchor::Orphaned;
            }
            s
        })
        .collect();
    let relations = doc.annotations().relations().to_vec();
    Document::new(
        doc.text().clone(),
        ArticleMeta::default(),
        Annotations::from_parts(spans, relations).unwrap(),
    )
}

fn jsonl_fragment_of(jsonl: &str) -> Vec<(u64, Option<u64>)> {
    let record: serde_json::Value = serde_json::from_str(jsonl.trim()).unwrap();
    let mut spans: Vec<(u64, Option<u64>)> = ["spans", "orphans"]
        .iter()
        .flat_map(|list| record[list].as_array().cloned().unwrap_or_default())
        .map(|s| (s["id"].as_u64().unwrap(), s["fragment_of"].as_u64()))
        .collect();
    spans.sort();
    spans
}

#[test]
fn an_orphaned_first_fragment_leaves_the_exported_ones_one_annotation_under_the_next() {
    // cat … on … mat, one Animal in three fragments; its first, "cat", is orphaned.
    let doc = orphaned(
        &document(
            CAT,
            &[
                (1, "Animal", 4, 7),
                (3, "Animal", 12, 14),
                (5, "Animal", 19, 22),
                (7, "Verb", 8, 11),
            ],
            &[
                (1, FRAGMENT_KIND, 1, 3),
                (2, FRAGMENT_KIND, 1, 5),
                (3, "near", 7, 5),
            ],
        ),
        &[1],
    );
    let (_, files, report) = export_one(Format::Brat, &doc);
    assert_eq!(
        ann_of(&files),
        "T7\tVerb 8 11\tsat\nT3\tAnimal 12 14;19 22\ton mat\nR3\tnear Arg1:T7 Arg2:T3\n"
    );
    let losses: Vec<String> = report.losses.iter().map(ToString::to_string).collect();
    assert!(
        losses
            .iter()
            .any(|l| l.starts_with("doc.txt: span 1 left out: orphaned")),
        "{losses:?}"
    );
    assert!(
        losses.contains(
            &"doc.txt: span 3 changed: the first fragment of its annotation, span 1, is not \
              exported: written as the first fragment in its place"
                .to_string()
        ),
        "{losses:?}"
    );
    assert_eq!((report.spans, report.relations), (3, 1));

    // jsonl and W3C group them the same way; with the orphan kept, it is the first again.
    let (jsonl, _, report) = export_one(Format::Jsonl, &doc);
    assert_eq!(
        jsonl_fragment_of(&jsonl),
        [(3, None), (5, Some(3)), (7, None)]
    );
    assert!(report.losses.iter().any(|l| l.span == Some(3)));
    let with_orphans = Options {
        include_orphans: true,
        ..Options::default()
    };
    let (jsonl, _, report) = export_with(Format::Jsonl, &doc, with_orphans);
    assert_eq!(
        jsonl_fragment_of(&jsonl),
        [(1, None), (3, Some(1)), (5, Some(1)), (7, None)]
    );
    assert!(report.losses.is_empty(), "{:?}", report.losses);
    let record: serde_json::Value = serde_json::from_str(jsonl.trim()).unwrap();
    assert_eq!(
        record["orphans"][0]["id"], 1,
        "--include-orphans keeps it in jsonl"
    );
    assert_eq!((report.spans, report.relations), (4, 3));
    let (w3c, _, _) = export_one(Format::W3c, &doc);
    let items: Vec<serde_json::Value> = serde_json::from_str(&w3c).unwrap();
    let part_of = |id: u64| {
        items
            .iter()
            .find(|i| i["id"] == format!("urn:spantag:doc.txt#span-{id}"))
            .unwrap()
            .get("dcterms:isPartOf")
            .cloned()
    };
    assert_eq!(
        part_of(5),
        Some(serde_json::json!("urn:spantag:doc.txt#span-3"))
    );
    assert_eq!(part_of(3), None);

    // A hand-made chain cat -> on -> mat whose middle is orphaned: still one annotation.
    let chain = orphaned(
        &document(
            CAT,
            &[
                (1, "Animal", 4, 7),
                (3, "Animal", 12, 14),
                (5, "Animal", 19, 22),
            ],
            &[(1, FRAGMENT_KIND, 1, 3), (2, FRAGMENT_KIND, 3, 5)],
        ),
        &[3],
    );
    let (_, files, report) = export_one(Format::Brat, &chain);
    assert_eq!(ann_of(&files), "T1\tAnimal 4 7;19 22\tcat mat\n");
    assert_eq!(report.relations, 0);
}

#[test]
fn the_report_counts_the_relations_each_format_writes() {
    let doc = document(
        CAT,
        &[
            (1, "Animal", 4, 7),
            (5, "Animal", 19, 22),
            (7, "Verb", 8, 11),
        ],
        &[(1, FRAGMENT_KIND, 1, 5), (2, "near", 7, 5)],
    );
    // brat writes the fragment relation as one T line, not an R line.
    for (format, written) in [
        (Format::Brat, 1),
        (Format::Jsonl, 2),
        (Format::W3c, 2),
        (Format::LabelStudio, 2),
        (Format::Doccano, 0),
        (Format::Conll, 0),
        (Format::Csv, 0),
    ] {
        let (_, _, report) = export_one(format, &doc);
        assert_eq!(report.relations, written, "{format}");
        // A format that writes fewer says how many it left out.
        if written < 2 && format != Format::Brat {
            assert!(
                report
                    .losses
                    .iter()
                    .any(|l| l.span.is_none() && l.reason.starts_with("2 relation(s)")),
                "{format}: {:?}",
                report.losses
            );
        }
    }
    let (_, _, report) = export_with(
        Format::Doccano,
        &doc,
        Options {
            doccano_relations: true,
            ..Options::default()
        },
    );
    assert_eq!(report.relations, 2);
    // The overlapping fragments brat writes apart: their fragment relation is an R line.
    let overlapping = document(
        CAT,
        &[(1, "Animal", 4, 11), (2, "Animal", 8, 14)],
        &[(1, FRAGMENT_KIND, 1, 2)],
    );
    assert_eq!(export_one(Format::Brat, &overlapping).2.relations, 1);
}
