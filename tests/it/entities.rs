//! Entities across a corpus: the index and `spantag entities` against a count made here
//! from the sidecars directly, folder-wide linking by proposals, and merging two entities
//! in every sidecar (with the open article and an unreadable sidecar left alone).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use spantag::model::{sidecar, Entities};
use spantag::store::entity_index::{self, Progress};
use spantag::store::{corpus, entities, sidecar_path};

/// An entities.ron holding `names` (actors), saved at `folder`; returns their ids.
fn save_entities(folder: &Path, names: &[&str]) -> (Entities, Vec<String>) {
    let mut set = Entities::default();
    let ids = names
        .iter()
        .map(|n| set.create(n, "actor").unwrap())
        .collect();
    entities::save(folder, &set).unwrap();
    (set, ids)
}

/// Per entity id: (mentions, articles, said_by statements), counted from the sidecars
/// with the sidecar decoder alone, plus the sidecars it could not read.
type Counts = BTreeMap<String, (usize, usize, usize)>;
fn count_directly(folder: &Path) -> (Counts, Vec<PathBuf>) {
    let mut counts = Counts::new();
    let mut unreadable = Vec::new();
    for (_, path) in spantag::store::walk::articles(folder).unwrap() {
        let Ok(source) = std::fs::read_to_string(sidecar_path(&path)) else {
            continue;
        };
        let Ok(parsed) = sidecar::decode(&source) else {
            unreadable.push(sidecar_path(&path));
            continue;
        };
        let mut seen = BTreeSet::new();
        for span in &parsed.spans {
            if let Some(entity) = &span.entity {
                let entry = counts.entry(entity.clone()).or_default();
                entry.0 += 1;
                if seen.insert(entity.clone()) {
                    entry.1 += 1;
                }
            }
        }
        for relation in parsed.relations.iter().filter(|r| r.kind == "said_by") {
            let speaker = parsed.spans.iter().find(|s| s.id == relation.to);
            if let Some(entity) = speaker.and_then(|s| s.entity.clone()) {
                counts.entry(entity).or_default().2 += 1;
            }
        }
    }
    (counts, unreadable)
}

fn index_counts(index: &spantag::model::entity_index::EntityIndex) -> Counts {
    index
        .entities
        .iter()
        .chain(&index.unknown)
        .filter(|r| r.mentions > 0)
        .map(|r| (r.id.clone(), (r.mentions, r.articles, r.statements.len())))
        .collect()
}

#[test]
fn index_and_cli_agree_with_a_count_from_the_sidecars() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path();
    // "ghost" is referenced by spans but missing from entities.ron: listed, not hidden.
    spantag::store::generate::generate_linked(
        folder,
        40,
        1_500,
        24,
        3,
        &["lavrov", "alvarez", "ghost"],
    )
    .unwrap();
    let (_, ids) = save_entities(folder, &["Lavrov", "Alvarez"]);
    assert_eq!(ids, ["lavrov", "alvarez"]);
    let broken = sidecar_path(&folder.join("article-00010.txt"));
    std::fs::write(
        &broken,
        "(\n    format: \"spantag\",\n    version: 2,\n    oops\n",
    )
    .unwrap();

    let (expected, unreadable) = count_directly(folder);
    assert_eq!(unreadable, std::slice::from_ref(&broken));
    assert_eq!(expected.len(), 3, "{expected:?}");
    assert!(
        expected.values().all(|c| c.0 > 0 && c.2 > 0),
        "{expected:?}"
    );

    let set = entities::load(folder).unwrap();
    let built = entity_index::build(folder, &set, &Progress::default()).unwrap();
    assert_eq!(index_counts(&built.index), expected);
    assert_eq!(built.index.articles, 40);
    let unknown: Vec<&str> = built.index.unknown.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(unknown, ["ghost"]);
    assert_eq!(built.problems.len(), 1);
    assert_eq!(built.problems[0].path, broken);
    assert!(built.problems[0].line.is_some(), "{}", built.problems[0]);
    // Statements carry the quote's text and attributes as the sidecar has them.
    let lavrov = built.index.row("lavrov").unwrap();
    let first = &lavrov.statements[0];
    let source = std::fs::read_to_string(sidecar_path(&folder.join(&first.article))).unwrap();
    let parsed = sidecar::decode(&source).unwrap();
    let span = parsed.spans.iter().find(|s| s.id == first.span).unwrap();
    assert_eq!(
        (&span.text, &span.attrs, &span.label),
        (&first.text, &first.attrs, &first.label)
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spantag"))
        .args(["entities", "--json"])
        .arg(folder)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a broken sidecar is a problem");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("article-00010.txt.ann.ron:4:"),
        "names file:line:col: {stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut from_cli = Counts::new();
    for row in json["entities"]
        .as_array()
        .unwrap()
        .iter()
        .chain(json["unknown"].as_array().unwrap())
    {
        let mentions = row["mentions"].as_u64().unwrap() as usize;
        if mentions > 0 {
            from_cli.insert(
                row["id"].as_str().unwrap().to_string(),
                (
                    mentions,
                    row["articles"].as_u64().unwrap() as usize,
                    row["statements"].as_array().unwrap().len(),
                ),
            );
        }
    }
    assert_eq!(from_cli, expected);

    std::fs::remove_file(&broken).unwrap();
    let csv = std::process::Command::new(env!("CARGO_BIN_EXE_spantag"))
        .args(["entities", "--csv"])
        .arg(folder)
        .output()
        .unwrap();
    assert_eq!(csv.status.code(), Some(0));
    let csv = String::from_utf8(csv.stdout).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with(",verdict,kind"),
        "a column per attribute: {header}"
    );
    let (expected, _) = count_directly(folder);
    // Span texts may hold a line break: count records, not lines.
    let rows = ::csv::Reader::from_reader(csv.as_bytes()).records().count();
    let statements: usize = expected.values().map(|c| c.2).sum();
    assert_eq!(rows, statements, "one row per (entity, statement)");

    let text = std::process::Command::new(env!("CARGO_BIN_EXE_spantag"))
        .arg("entities")
        .arg(folder)
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Lavrov (lavrov, actor): "), "{text}");
    assert!(text.contains("unknown id \"ghost\""), "{text}");

    let usage = std::process::Command::new(env!("CARGO_BIN_EXE_spantag"))
        .args(["entities", "--json", "--csv"])
        .arg(folder)
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn linking_by_proposals_across_a_folder_of_200_articles() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path();
    let paths = spantag::store::generate::generate(folder, 200, 400, 4, 11).unwrap();
    let (set, ids) = save_entities(folder, &["Lavrov"]);
    let lavrov = set.get(&ids[0]).unwrap().clone();
    let open = &paths[0];
    let open_before = std::fs::read(sidecar_path(open)).unwrap();
    // Whole words "Lavrov" in the other articles: what linking must find.
    let words: usize = paths[1..]
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .split_whitespace()
                .filter(|w| *w == "Lavrov")
                .count()
        })
        .sum();
    assert!(words > 200, "the generator writes Lavrov often: {words}");

    let untouched = std::fs::read(sidecar_path(&paths[1])).unwrap();
    let dry = entity_index::link_mentions(folder, &lavrov, Some(open), false, &Progress::default())
        .unwrap();
    assert_eq!(dry.spans(), words);
    let articles = dry.files.len();
    assert!(articles > 100 && articles < 200, "{articles}");
    assert!(dry.problems.is_empty());
    assert_eq!(
        std::fs::read(sidecar_path(&paths[1])).unwrap(),
        untouched,
        "a dry run writes nothing"
    );

    let progress = Progress::default();
    let done = entity_index::link_mentions(folder, &lavrov, Some(open), true, &progress).unwrap();
    assert_eq!((done.spans(), done.files.len()), (words, articles));
    assert_eq!(progress.get(), (200, 200));
    assert_eq!(
        std::fs::read(sidecar_path(open)).unwrap(),
        open_before,
        "the open article is left to its review"
    );
    let (counts, unreadable) = count_directly(folder);
    assert!(unreadable.is_empty());
    assert_eq!(counts[&ids[0]].0, words);
    assert_eq!(counts[&ids[0]].1, articles);
    // Every sidecar written still loads with every span at its text.
    let (_, problems) = spantag::store::validate::validate(folder).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    // A second pass has nothing left to link.
    let again =
        entity_index::link_mentions(folder, &lavrov, Some(open), true, &Progress::default())
            .unwrap();
    assert_eq!((again.spans(), again.files.len()), (0, 0));
}

#[test]
fn merging_rewrites_every_reference_but_the_open_and_the_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path();
    let paths =
        spantag::store::generate::generate_linked(folder, 30, 1_500, 24, 5, &["lavrov", "sergei"])
            .unwrap();
    let (mut set, ids) = save_entities(folder, &["Lavrov", "Sergei"]);
    assert_eq!(ids, ["lavrov", "sergei"]);
    let (before, _) = count_directly(folder);
    let both = std::fs::read_to_string(sidecar_path(&paths[3])).unwrap();
    assert!(
        both.contains("\"lavrov\"") && both.contains("\"sergei\""),
        "worst case: both"
    );
    // The open article, and one whose sidecar mentions the id but cannot be read.
    let open = paths[1].clone();
    let open_before = std::fs::read(sidecar_path(&open)).unwrap();
    let broken = sidecar_path(&paths[2]);
    let mut bad = std::fs::read_to_string(&broken).unwrap();
    assert!(bad.contains("\"sergei\""));
    bad.push_str("\ngarbage after the end");
    std::fs::write(&broken, &bad).unwrap();

    let report = entity_index::merge(
        folder,
        &mut set,
        "sergei",
        "lavrov",
        Some(&open),
        &Progress::default(),
    )
    .unwrap();
    assert_eq!(report.merged.kept, "lavrov");
    assert_eq!(
        report.rewritten.problems.len(),
        1,
        "{:?}",
        report.rewritten.problems
    );
    assert_eq!(report.rewritten.problems[0].path, broken);
    assert_eq!(
        std::fs::read_to_string(&broken).unwrap(),
        bad,
        "left untouched"
    );
    assert_eq!(std::fs::read(sidecar_path(&open)).unwrap(), open_before);

    let saved = entities::load(folder).unwrap();
    assert!(saved.get("sergei").is_none());
    assert!(saved
        .get("lavrov")
        .unwrap()
        .aliases
        .contains(&"Sergei".to_string()));
    assert_eq!(saved, set);

    let (after, unreadable) = count_directly(folder);
    assert_eq!(unreadable, std::slice::from_ref(&broken));
    // Only the open article (not counted from disk as merged) still says "sergei".
    let open_text = String::from_utf8(open_before).unwrap();
    let open_parsed = sidecar::decode(&open_text).unwrap();
    let open_sergei = open_parsed
        .spans
        .iter()
        .filter(|s| s.entity.as_deref() == Some("sergei"))
        .count();
    assert!(open_sergei > 0);
    assert_eq!(after.get("sergei").map(|c| c.0), Some(open_sergei));
    let broken_mentions = {
        let text = bad.trim_end_matches("\ngarbage after the end");
        let parsed = sidecar::decode(text).unwrap();
        parsed.spans.iter().filter(|s| s.entity.is_some()).count()
    };
    assert_eq!(
        after["lavrov"].0 + open_sergei + broken_mentions,
        before["lavrov"].0 + before["sergei"].0,
        "every reference moved, none lost"
    );
    let rewritten = std::fs::read_to_string(sidecar_path(&paths[3])).unwrap();
    assert!(!rewritten.contains("\"sergei\"") && rewritten.contains("\"lavrov\""));
    let built = entity_index::build(folder, &saved, &Progress::default()).unwrap();
    let unknown: Vec<&str> = built.index.unknown.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        unknown,
        ["sergei"],
        "what the open article still holds is listed"
    );

    // Merging an entity that does not exist changes nothing.
    let untouched = std::fs::read(sidecar_path(&paths[4])).unwrap();
    assert!(entity_index::merge(
        folder,
        &mut set,
        "nobody",
        "lavrov",
        None,
        &Progress::default()
    )
    .is_err());
    assert_eq!(std::fs::read(sidecar_path(&paths[4])).unwrap(), untouched);
}

/// The sample corpus with both Lavrovs (Latin and Cyrillic) linked to one entity.
pub(crate) fn linked_samples() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    // A fixed folder name, so the snapshot does not depend on the temporary name.
    let root = dir.path().join("news");
    std::fs::create_dir(&root).unwrap();
    crate::export::build_corpus(&root);
    // The emoji sample needs a colour-emoji font the test renderer does not have.
    for name in ["social-emoji.txt", "social-emoji.txt.ann.ron"] {
        std::fs::remove_file(root.join(name)).unwrap();
    }
    let mut set = Entities::default();
    let id = set.create("Sergei Lavrov", "actor").unwrap();
    set.add_alias(&id, "Сергей Лавров").unwrap();
    entities::save(&root, &set).unwrap();
    // The export corpus links entities of its own: start these tests without any link.
    for (_, path) in spantag::store::walk::articles(&root).unwrap() {
        let (mut doc, _) = corpus::load(&path).unwrap();
        let ids = doc.annotations().spans().iter().map(|s| s.id).collect();
        doc.apply(spantag::model::Command::SetEntity { ids, entity: None })
            .unwrap();
        std::fs::write(sidecar_path(&path), sidecar::encode(&doc)).unwrap();
    }
    for name in ["lavrov-libya.txt", "summit-crlf.txt"] {
        let path = root.join(name);
        let (mut doc, _) = corpus::load(&path).unwrap();
        let ids = doc
            .annotations()
            .spans()
            .iter()
            .filter(|s| set.get(&id).unwrap().is_called(&s.text))
            .map(|s| s.id)
            .collect();
        doc.apply(spantag::model::Command::SetEntity {
            ids,
            entity: Some(id.clone()),
        })
        .unwrap();
        let quote = doc
            .annotations()
            .spans()
            .iter()
            .find(|s| s.label == "quote")
            .unwrap()
            .id;
        let kind = if name.starts_with("lavrov") {
            "direct"
        } else {
            "indirect"
        };
        doc.apply(spantag::model::Command::SetAttr {
            id: quote,
            name: "kind".into(),
            value: Some(kind.into()),
        })
        .unwrap();
        std::fs::write(sidecar_path(&path), sidecar::encode(&doc)).unwrap();
    }
    (dir, root)
}

#[test]
fn the_corpus_view_shows_who_said_what_and_a_click_opens_the_span() {
    use crate::gui::{harness, step_until};
    use egui::{Key, Modifiers};
    use egui_kittest::kittest::Queryable;
    use spantag::ui::Selection;

    let (_dir, root) = linked_samples();
    let mut harness = harness(Some(&root));
    step_until(&mut harness, "the folder open an article", |h| {
        let app = h.state();
        app.workspace
            .folder
            .as_ref()
            .is_some_and(|f| !f.is_scanning())
            && app.workspace.session.is_some()
    });
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::E);
    harness.step();
    step_until(&mut harness, "the entity index", |h| {
        h.state()
            .corpus_view
            .as_ref()
            .is_some_and(|v| !v.is_building() && v.built.is_some())
    });
    let view = harness.state().corpus_view.as_ref().unwrap();
    let built = view.built.as_ref().unwrap().as_ref().unwrap();
    let row = built.index.row("sergei-lavrov").unwrap().clone();
    assert_eq!(
        (row.mentions, row.articles, row.statements.len()),
        (2, 2, 2)
    );
    assert!(built.problems.is_empty());
    assert!(built.index.unknown.is_empty());

    harness.get_by_label_contains("Sergei Lavrov  2").click();
    harness.run();
    harness.get_by_label_contains("2 mentions in 2 articles; 2 quotes and claims");
    harness.get_by_label_contains("«We advocate the position");
    harness.get_by_label_contains("kind: indirect");
    harness.run();
    harness.snapshot("corpus_view");

    // The Cyrillic quote is in another article than the open one: the click opens it.
    let quote = row
        .statements
        .iter()
        .find(|s| s.article == "summit-crlf.txt")
        .unwrap()
        .span;
    harness
        .get_by_label_contains("«supports an inclusive")
        .click();
    harness.run();
    let app = harness.state();
    let session = app.workspace.session.as_ref().unwrap();
    assert_eq!(session.article_path, root.join("summit-crlf.txt"));
    assert_eq!(app.view.selection, Selection::Span(quote));
    let span = session.document.annotations().get(quote).unwrap();
    assert!(span.text.starts_with("supports an inclusive"));
}

#[test]
fn merging_from_the_app_changes_the_open_article_undoably_and_the_rest_on_disk() {
    use crate::gui::{harness, step_until};
    use spantag::ui::corpus_view::CorpusAction;
    use spantag::ui::AppCommand;

    let (_dir, root) = linked_samples();
    let mut set = entities::load(&root).unwrap();
    let gone = set.create("S. Lavrov", "actor").unwrap();
    entities::save(&root, &set).unwrap();
    let summit = root.join("summit-crlf.txt");
    let sidecar = sidecar_path(&summit);
    let text = std::fs::read_to_string(&sidecar).unwrap();
    std::fs::write(
        &sidecar,
        text.replace("\"sergei-lavrov\"", &format!("{gone:?}")),
    )
    .unwrap();

    let mut harness = harness(Some(&summit));
    step_until(&mut harness, "the article open", |h| {
        h.state().workspace.session.is_some()
    });
    let linked = |h: &egui_kittest::Harness<'_, spantag::ui::SpantagApp>| {
        let doc = &h.state().workspace.session.as_ref().unwrap().document;
        doc.annotations()
            .spans()
            .iter()
            .filter_map(|s| s.entity.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(linked(&harness), std::slice::from_ref(&gone));
    harness
        .state_mut()
        .send(AppCommand::Corpus(CorpusAction::Merge {
            gone: gone.clone(),
            kept: "sergei-lavrov".into(),
        }));
    harness.run();
    assert_eq!(
        linked(&harness),
        ["sergei-lavrov"],
        "the open article, in memory, at once"
    );
    // The other sidecars are rewritten on another thread; entities.ron comes last.
    step_until(&mut harness, "the merge to finish", |h| {
        h.state()
            .workspace
            .entities
            .as_ref()
            .is_some_and(|e| e.get(&gone).is_none())
    });
    assert!(harness
        .state()
        .view
        .notice
        .as_ref()
        .is_none_or(|n| !n.is_error));
    let saved = entities::load(&root).unwrap();
    assert!(saved.get(&gone).is_none());
    assert!(saved.get("sergei-lavrov").unwrap().is_called("S. Lavrov"));
    assert_eq!(harness.state().workspace.entities.as_ref(), Some(&saved));
    let other = std::fs::read_to_string(sidecar_path(&root.join("lavrov-libya.txt"))).unwrap();
    assert!(
        other.contains("\"sergei-lavrov\""),
        "untouched: it had the kept id"
    );

    harness.state_mut().send(AppCommand::Undo);
    harness.run();
    assert_eq!(
        linked(&harness),
        [gone],
        "the merge in the open article is one undo step"
    );
}

#[test]
fn a_cancelled_pass_stops_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path();
    let paths = spantag::store::generate::generate(folder, 20, 400, 4, 11).unwrap();
    let (set, ids) = save_entities(folder, &["Lavrov"]);
    let before: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(sidecar_path(p)).unwrap())
        .collect();
    let cancelled = Progress::default();
    cancelled.cancel();
    assert!(matches!(
        entity_index::build(folder, &set, &cancelled),
        Err(entity_index::PassError::Cancelled)
    ));
    let lavrov = set.get(&ids[0]).unwrap();
    assert!(matches!(
        entity_index::link_mentions(folder, lavrov, None, true, &cancelled),
        Err(entity_index::PassError::Cancelled)
    ));
    let after: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(sidecar_path(p)).unwrap())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn the_corpus_view_links_the_mentions_in_the_other_articles() {
    use crate::gui::{harness, step_until};
    use egui::{Key, Modifiers};
    use egui_kittest::kittest::Queryable;

    let (_dir, root) = linked_samples();
    let mut set = entities::load(&root).unwrap();
    set.add_alias("sergei-lavrov", "Lavrov").unwrap();
    entities::save(&root, &set).unwrap();
    let entity = set.get("sergei-lavrov").unwrap().clone();
    let unlinked = |name: &str| {
        let (doc, _) = corpus::load(&root.join(name)).unwrap();
        spantag::suggest::entity_mentions(&doc, &entity).len()
    };
    let others = ["lavrov-libya.txt", "summit-crlf.txt"];
    let expected: Vec<usize> = others.iter().map(|n| unlinked(n)).collect();
    let total: usize = expected.iter().sum();
    let articles = expected.iter().filter(|n| **n > 0).count();
    assert!(total > 0);

    let mut harness = harness(Some(&root));
    step_until(&mut harness, "the folder open an article", |h| {
        let app = h.state();
        app.workspace
            .folder
            .as_ref()
            .is_some_and(|f| !f.is_scanning())
            && app.workspace.session.is_some()
    });
    let open = harness
        .state()
        .workspace
        .session
        .as_ref()
        .unwrap()
        .article_path
        .clone();
    assert_eq!(open, root.join("harbour-strike.txt"));
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::E);
    harness.step();
    step_until(&mut harness, "the entity index", |h| {
        h.state()
            .corpus_view
            .as_ref()
            .is_some_and(|v| !v.is_building() && v.built.is_some())
    });
    harness.get_by_label_contains("Sergei Lavrov  2").click();
    harness.run();
    harness
        .get_by_label("Find unlinked mentions in the other articles")
        .click();
    harness.step();
    let button = format!("Link {total} more mentions in {articles} other articles");
    step_until(&mut harness, &button, |h| {
        h.query_by_label_contains(&button).is_some()
    });
    for name in others {
        assert_eq!(
            unlinked(name),
            expected[others.iter().position(|n| *n == name).unwrap()]
        );
    }
    harness.get_by_label_contains(&button).click();
    harness.step();
    step_until(&mut harness, "the linking finish", |h| {
        h.state()
            .corpus_view
            .as_ref()
            .is_some_and(|v| !v.is_linking() && !v.is_building())
    });
    harness.get_by_label_contains(&format!("Linked {total} mentions in {articles} articles"));
    for name in others {
        assert_eq!(unlinked(name), 0, "{name}: every mention linked on disk");
    }
    let row_mentions = harness
        .state()
        .corpus_view
        .as_ref()
        .and_then(|v| v.built.as_ref())
        .and_then(|b| b.as_ref().ok())
        .and_then(|b| b.index.row("sergei-lavrov").map(|r| r.mentions));
    assert!(
        row_mentions >= Some(2 + total),
        "the index is rebuilt: {row_mentions:?}"
    );
}
