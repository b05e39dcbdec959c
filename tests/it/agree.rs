//! `spantag agree`: three annotators' folders of the same articles, the figures checked
//! against values computed by hand, the skipped articles named, and the exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use spantag::model::{Annotations, ArticleMeta, Document, Span, Text};
use spantag::store::{corpus, sidecar_path};

const CAIRO: &str = "Lavrov said Libya is a black hole in Cairo.";
const SUMMIT: &str = "Shoukry met Lavrov in Moscow on Monday.";

/// A span to make: (the text it covers, its first occurrence, label).
type Mark = (&'static str, &'static str);

/// Writes an article and its sidecar with spans over the first occurrence of each mark.
fn write(folder: &Path, id: &str, text: &str, marks: &[Mark]) {
    let text = Text::new(text.to_string());
    let spans: Vec<Span> = marks
        .iter()
        .zip(1..)
        .map(|(&(needle, label), id)| {
            let byte = text.as_str().find(needle).expect("the mark is in the text");
            let char_start = text.char_from_byte(byte);
            let char_range = char_start..char_start + needle.chars().count();
            Span::new(id, label, char_range, &text)
        })
        .collect();
    let mut document = Document::new(
        text,
        ArticleMeta::utf8(id),
        Annotations::from_parts(spans, Vec::new()).unwrap(),
    );
    corpus::write_article(&folder.join(id), &mut document).unwrap();
}

/// Three annotators' folders:
/// - `cairo.txt` and `sub/summit.txt` in all three, with the same text;
/// - `changed.txt`, whose text differs in `b`;
/// - `draft.txt`, only in `a`.
fn three_folders() -> (tempfile::TempDir, [PathBuf; 3]) {
    let dir = tempfile::tempdir().unwrap();
    let [a, b, c] = ["a", "b", "c"].map(|name| dir.path().join(name));
    write(
        &a,
        "cairo.txt",
        CAIRO,
        &[
            ("Lavrov", "actor"),
            ("Libya", "location"),
            ("Cairo", "location"),
            ("Libya is a black hole", "quote"),
        ],
    );
    write(
        &b,
        "cairo.txt",
        CAIRO,
        &[
            ("Lavrov", "actor"),
            ("Cairo", "location"),
            ("Libya is a black", "quote"),
        ],
    );
    write(
        &c,
        "cairo.txt",
        CAIRO,
        &[
            ("Lavrov said", "actor"),
            ("Libya", "location"),
            ("Cairo", "location"),
        ],
    );
    let summit: &[Mark] = &[
        ("Shoukry", "actor"),
        ("Lavrov", "actor"),
        ("Moscow", "location"),
    ];
    write(&a, "sub/summit.txt", SUMMIT, summit);
    write(&b, "sub/summit.txt", SUMMIT, summit);
    write(&c, "sub/summit.txt", SUMMIT, &[("Shoukry", "actor")]);
    write(&a, "changed.txt", "Text one.", &[("one", "claim")]);
    write(&b, "changed.txt", "Text two.", &[("two", "claim")]);
    write(&c, "changed.txt", "Text one.", &[("one", "claim")]);
    write(&a, "draft.txt", "Not finished.", &[]);
    (dir, [a, b, c])
}

fn agree(folders: &[&Path], json: bool) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_spantag"));
    command.arg("agree").args(folders);
    if json {
        command.arg("--json");
    }
    command.output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("the output is JSON")
}

fn assert_close(value: &serde_json::Value, expected: f64) {
    let actual = value.as_f64().expect("a number");
    assert!(
        (actual - expected).abs() < 1e-9,
        "{actual} is not {expected}"
    );
}

#[test]
fn agree_two_annotators_matches_the_hand_computed_figures() {
    let (_dir, [a, b, _]) = three_folders();
    let output = agree(&[&a, &b], true);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let overall = &report["overall"];
    // Compared: cairo.txt and sub/summit.txt.
    // cairo:  actor 1 ref, 1 pred, 1 exact; location 2 ref, 1 pred, 1 exact;
    //         quote [12,33) vs [12,28): 0 exact, 1 overlap.
    // summit: 3 ref, 3 pred, 3 exact.
    // Sums: ref 7, pred 6, exact 5, overlap 6.
    // Exact P = 5/6, R = 5/7, F1 = 2·5/(7+6) = 10/13. Overlap P = 1, R = 6/7, F1 = 12/13.
    assert_close(&overall["precision"], 5.0 / 6.0);
    assert_close(&overall["recall"], 5.0 / 7.0);
    assert_close(&overall["exact_f1"], 10.0 / 13.0);
    assert_close(&overall["overlap_f1"], 12.0 / 13.0);
    assert_close(&overall["overlap_precision"], 1.0);
    assert_close(&overall["overlap_recall"], 6.0 / 7.0);
    // Tokens (16): cairo Lavrov said Libya is a black hole in Cairo, summit Shoukry met
    // Lavrov in Moscow on Monday. Shortest span per token:
    //   A: actor none location quote quote quote quote none location | actor none actor none location none none
    //   B: actor none quote    quote quote quote none  none location | (the same as A)
    // po = 14/16. A: actor 3, location 3, quote 4, none 6; B: actor 3, location 2,
    // quote 4, none 7. pe = (9 + 6 + 16 + 42)/256 = 73/256.
    // κ = (224 − 73)/(256 − 73) = 151/183.
    assert_close(&overall["kappa"], 151.0 / 183.0);
    assert_eq!(overall["spans"], serde_json::json!([7, 6]));

    let labels = &report["labels"];
    for key in ["exact_f1", "overlap_f1", "precision", "recall", "kappa"] {
        assert_close(&labels["actor"][key], 1.0);
    }
    // location: ref 3, pred 2, exact 2: P = 1, R = 2/3, F1 = 4/5.
    assert_close(&labels["location"]["precision"], 1.0);
    assert_close(&labels["location"]["recall"], 2.0 / 3.0);
    assert_close(&labels["location"]["exact_f1"], 0.8);
    // Yes/no: A on Libya, Cairo, Moscow; B on Cairo, Moscow. po = 15/16,
    // pe = (3·2 + 13·14)/256 = 188/256, κ = 52/68 = 13/17.
    assert_close(&labels["location"]["kappa"], 13.0 / 17.0);
    // quote: no exact match, one overlap.
    assert_close(&labels["quote"]["exact_f1"], 0.0);
    assert_close(&labels["quote"]["precision"], 0.0);
    assert_close(&labels["quote"]["recall"], 0.0);
    assert_close(&labels["quote"]["overlap_f1"], 1.0);
    // Yes/no: A on Libya is a black hole (5), B on Libya is a black (4). po = 15/16,
    // pe = (5·4 + 11·12)/256 = 152/256, κ = 88/104 = 11/13.
    assert_close(&labels["quote"]["kappa"], 11.0 / 13.0);

    let articles = report["articles"].as_array().unwrap();
    let ids: Vec<&str> = articles.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["cairo.txt", "sub/summit.txt"]);
    // summit is identical in both folders.
    assert_close(&articles[1]["exact_f1"], 1.0);
    assert_close(&articles[1]["kappa"], 1.0);
    // cairo: ref 4, pred 3, exact 2: F1 = 4/7.
    assert_close(&articles[0]["exact_f1"], 4.0 / 7.0);

    let annotators = report["annotators"].as_array().unwrap();
    assert_eq!(annotators.len(), 2);
    assert_eq!(annotators[0].as_str(), a.to_str());
    let skipped: Vec<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["changed.txt", "draft.txt"]);
    let err = stderr(&output);
    assert!(
        err.contains("skipped changed.txt: its text differs"),
        "{err}"
    );
    assert!(err.contains("skipped draft.txt: missing from"), "{err}");
}

#[test]
fn agree_three_annotators_sums_every_pair_and_uses_fleiss_kappa() {
    let (_dir, [a, b, c]) = three_folders();
    let output = agree(&[&a, &b, &c], true);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let overall = &report["overall"];
    // Pairs (ref, pred, exact, overlap): A–B (7, 6, 5, 6); A–C (7, 4, 3, 4);
    // B–C (6, 4, 2, 3). Sums: (20, 14, 10, 13).
    // Exact P = 10/14, R = 10/20, F1 = 20/34. Overlap F1 = 26/34.
    assert_close(&overall["precision"], 10.0 / 14.0);
    assert_close(&overall["recall"], 0.5);
    assert_close(&overall["exact_f1"], 10.0 / 17.0);
    assert_close(&overall["overlap_f1"], 13.0 / 17.0);
    // Fleiss over 16 tokens: 8 with all three agreeing (P_i = 1), 8 with two of three
    // (P_i = 1/3): P̄ = (8 + 8/3)/16 = 2/3. Ratings (48): actor 9, location 7, quote 8,
    // none 24: P̄e = (81 + 49 + 64 + 576)/2304 = 770/2304.
    // κ = (1536 − 770)/(2304 − 770) = 766/1534 = 383/767.
    assert_close(&overall["kappa"], 383.0 / 767.0);
    assert_eq!(overall["spans"], serde_json::json!([7, 6, 4]));
    // actor: A–B (3, 3, 3); A–C (3, 2, 1); B–C (3, 2, 1): P = 5/7, R = 5/9, F1 = 10/16.
    let actor = &report["labels"]["actor"];
    assert_close(&actor["precision"], 5.0 / 7.0);
    assert_close(&actor["recall"], 5.0 / 9.0);
    assert_close(&actor["exact_f1"], 5.0 / 8.0);
    assert_close(&actor["overlap_f1"], 7.0 / 8.0);
    let skipped = report["skipped"].to_string();
    assert!(skipped.contains("changed.txt") && skipped.contains("draft.txt"));
}

#[test]
fn agree_prints_tables_by_default() {
    let (_dir, [a, b, _]) = three_folders();
    let output = agree(&[&a, &b], false);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = String::from_utf8(output.stdout).unwrap();
    // 10/13 = 0.769, 12/13 = 0.923, 5/6 = 0.833, 5/7 = 0.714, 151/183 = 0.825.
    let overall = out.lines().find(|l| l.starts_with("overall")).unwrap();
    let cells: Vec<&str> = overall.split_whitespace().collect();
    assert_eq!(
        cells,
        ["overall", "0.769", "0.923", "0.833", "0.714", "0.825", "7/6"]
    );
    assert!(out.lines().any(|l| l.starts_with("location ")));
    assert!(out.lines().any(|l| l.starts_with("sub/summit.txt ")));
    assert!(out.contains("changed.txt, draft.txt"), "{out}");
}

#[test]
fn agree_exit_codes() {
    let (_dir, [a, b, _]) = three_folders();
    // One folder: bad usage.
    assert_eq!(agree(&[&a], false).status.code(), Some(2));

    // A sidecar that cannot be read: named with its line and column, exit 1.
    let broken = sidecar_path(&b.join("cairo.txt"));
    std::fs::write(&broken, "(format: \"spantag\", version: 1, article: [\n").unwrap();
    let output = agree(&[&a, &b], true);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    // `path:line:column: message`.
    let named = format!("{}:", broken.display());
    let after = err
        .split_once(&named)
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let position: Vec<&str> = after.splitn(3, ':').take(2).collect();
    assert!(
        position.len() == 2 && position.iter().all(|n| n.parse::<usize>().is_ok()),
        "{err}"
    );
    let report = json(&output);
    assert_eq!(report["articles"].as_array().unwrap().len(), 1);

    // No article in common: exit 1.
    let empty = a.parent().unwrap().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let output = agree(&[&a, &empty], false);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no article could be compared"));
}

#[test]
fn the_sample_team_folders_compare_in_full() {
    let team = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/team");
    let output = agree(&[&team.join("ana"), &team.join("ben")], true);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let v = json(&output);
    assert_eq!(v["articles"].as_array().unwrap().len(), 3);
    assert!(v["skipped"].as_array().unwrap().is_empty());
    // Ben left out the last word of every quote, so none matches exactly; 7 of each one's
    // 8 quotes overlap one of the other's (each skipped a different one).
    assert_close(&v["labels"]["quote"]["exact_f1"], 0.0);
    assert_close(&v["labels"]["quote"]["overlap_f1"], 0.875);
}

/// A span to make with its attribute values and entity: (text, label, attrs, entity).
type Valued = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    Option<&'static str>,
);

/// Writes an article whose spans carry attribute values and entity links.
fn write_valued(folder: &Path, id: &str, text: &str, marks: &[Valued]) {
    let text = Text::new(text.to_string());
    let spans: Vec<Span> = marks
        .iter()
        .zip(1..)
        .map(|(&(needle, label, attrs, entity), id)| {
            let byte = text.as_str().find(needle).expect("the mark is in the text");
            let char_start = text.char_from_byte(byte);
            let char_range = char_start..char_start + needle.chars().count();
            let mut span = Span::new(id, label, char_range, &text);
            for (name, value) in attrs {
                span.attrs.insert(name.to_string(), value.to_string());
            }
            span.entity = entity.map(str::to_string);
            span
        })
        .collect();
    let mut document = Document::new(
        text,
        ArticleMeta::utf8(id),
        Annotations::from_parts(spans, Vec::new()).unwrap(),
    );
    corpus::write_article(&folder.join(id), &mut document).unwrap();
}

const CLAIMS: &str = "Prices rose. Wages fell. Rents doubled. Lavrov spoke. Shoukry left.";

#[test]
fn agree_compares_attribute_values_and_entity_links_on_exact_matches() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    const T: &[(&str, &str)] = &[("verdict", "true")];
    const F: &[(&str, &str)] = &[("verdict", "false")];
    const M: &[(&str, &str)] = &[("verdict", "misleading")];
    write_valued(
        &a,
        "claims.txt",
        CLAIMS,
        &[
            ("Prices rose", "claim", T, None),
            ("Wages fell", "claim", T, None),
            ("Rents doubled", "claim", F, None),
            ("Lavrov", "actor", &[], Some("sergei-lavrov")),
            ("Shoukry", "actor", &[], Some("sameh-shoukry")),
        ],
    );
    write_valued(
        &b,
        "claims.txt",
        CLAIMS,
        &[
            ("Prices rose", "claim", T, None),
            // B leaves the verdict unset here, and uses "misleading", which A never does.
            ("Wages fell", "claim", &[], None),
            ("Rents doubled", "claim", M, None),
            ("Lavrov", "actor", &[], Some("sergei-lavrov")),
            ("Shoukry", "actor", &[], None),
        ],
    );
    let output = agree(&[&a, &b], true);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let verdict = &report["values"]["claim"]["attributes"]["verdict"];
    // Three claims, equal only on the first: po = 1/3. A: true 2, false 1; B: true 1,
    // unset 1, misleading 1. pe = (2·1)/9 = 2/9; κ = (1/3 − 2/9)/(7/9) = 1/7.
    assert_eq!(verdict["spans"], 3);
    assert_eq!(verdict["differing"], 2);
    assert_close(&verdict["agreement"], 1.0 / 3.0);
    assert_close(&verdict["kappa"], 1.0 / 7.0);
    // Entities: two actors, equal on Lavrov. A: lavrov 1, shoukry 1; B: lavrov 1,
    // unset 1. po = 1/2, pe = 1/4: κ = 1/3.
    let entity = &report["values"]["actor"]["entity"];
    assert_eq!(entity["spans"], 2);
    assert_close(&entity["agreement"], 0.5);
    assert_close(&entity["kappa"], 1.0 / 3.0);
    assert!(report["values"]["actor"]["attributes"]
        .as_object()
        .unwrap()
        .is_empty());

    let output = agree(&[&a, &b], false);
    let out = String::from_utf8(output.stdout).unwrap();
    let row = |name: &str| -> Vec<String> {
        out.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no row {name} in\n{out}"))
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        row("claim.verdict"),
        ["claim.verdict", "3", "2", "0.333", "0.143"]
    );
    assert_eq!(
        row("actor entity"),
        ["actor", "entity", "2", "1", "0.500", "0.333"]
    );
    assert_eq!(
        row("attribute"),
        ["attribute", "spans", "differ", "agreement", "kappa"]
    );
}

#[test]
fn agree_without_attributes_prints_no_attribute_table() {
    let (_dir, [a, b, _]) = three_folders();
    let output = agree(&[&a, &b], false);
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(!out.contains("attribute"), "{out}");
    let report = json(&agree(&[&a, &b], true));
    assert_eq!(report["values"], serde_json::json!({}));
}
