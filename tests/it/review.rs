//! Proposals in the real app: adjudicating two annotators into a gold folder
//! (File → Compare…), and accepting a rule's suggestions.

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use std::path::Path;

use spantag::model::{Command, Origin};
use spantag::store::corpus;
use spantag::ui::Selection;

use crate::gui::{harness, sidecar_of, spans, step_until, wait_for_sidecar};

/// Tags the first occurrence of each `(text, label)` in an article and links
/// `links` (`from` text, `to` text), then writes its sidecar.
fn annotate(article: &Path, tags: &[(&str, &str)], links: &[(&str, &str)]) {
    let (mut doc, _) = corpus::load(article).unwrap();
    let mut id_of = std::collections::HashMap::new();
    for (text, label) in tags {
        let byte = doc.text().as_str().find(text).expect("text in the article");
        let start = doc.text().char_from_byte(byte);
        let applied = doc
            .apply(Command::Tag {
                char_range: start..start + text.chars().count(),
                label: label.to_string(),
                attrs: Default::default(),
            })
            .unwrap();
        id_of.insert(*text, applied.focus.unwrap());
    }
    for (from, to) in links {
        doc.apply(Command::Link {
            from: id_of[from],
            to: id_of[to],
            kind: "said_by".into(),
        })
        .unwrap();
    }
    corpus::write_article(article, &mut doc).unwrap();
}

const QUOTE: &str = "We advocate the position that there should be no attempts to unilaterally appoint the perpetrators";

/// Two annotators' folders of the same two articles, plus one article only A has.
fn two_annotators(root: &Path) {
    for folder in ["A", "B"] {
        std::fs::create_dir_all(root.join(folder)).unwrap();
        for name in ["lavrov-libya.txt", "harbour-strike.txt"] {
            std::fs::copy(crate::util::sample(name), root.join(folder).join(name)).unwrap();
        }
    }
    std::fs::copy(
        crate::util::sample("summit-crlf.txt"),
        root.join("A/summit-crlf.txt"),
    )
    .unwrap();
    annotate(
        &root.join("A/lavrov-libya.txt"),
        &[
            ("Sergei Lavrov", "actor"),
            ("Moscow", "location"),
            (QUOTE, "quote"),
        ],
        &[(QUOTE, "Sergei Lavrov")],
    );
    annotate(
        &root.join("B/lavrov-libya.txt"),
        &[
            ("Sergei Lavrov", "actor"),
            ("Moscow", "actor"),
            ("NATO", "actor"),
        ],
        &[],
    );
}

fn folder_bytes(folder: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (path.display().to_string(), std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn compare_two_annotators_accept_and_reject_into_a_gold_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    two_annotators(root);
    let (a_before, b_before) = (folder_bytes(&root.join("A")), folder_bytes(&root.join("B")));
    let mut harness = harness(None);

    // File → Compare…, the three folders typed in.
    harness.get_by_label("Compare…").click();
    harness.run();
    for (field, folder) in [
        ("Annotator A", "A"),
        ("Annotator B", "B"),
        ("Gold folder", "gold"),
    ] {
        harness.get_by_label(field).focus();
        harness
            .get_by_label(field)
            .type_text(&root.join(folder).display().to_string());
        harness.run();
    }
    harness.get_by_label("Compare").click();
    // The gold folder opens at its first article, which neither annotator tagged.
    step_until(&mut harness, "the gold folder open", |h| {
        h.state()
            .workspace
            .session
            .as_ref()
            .is_some_and(|s| s.document.meta.file_name == "harbour-strike.txt")
    });
    harness.run();
    assert!(harness.state().workspace.review.pending.is_empty());
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowRight);
    step_until(&mut harness, "the gold article open with proposals", |h| {
        let app = h.state();
        app.workspace
            .session
            .as_ref()
            .is_some_and(|s| s.document.meta.file_name == "lavrov-libya.txt")
            && !app.workspace.review.pending.is_empty()
    });
    harness.run();
    let gold = root.join("gold/lavrov-libya.txt");
    assert!(gold.exists(), "the article is copied into the gold folder");
    assert!(!root.join("gold/summit-crlf.txt").exists(), "only in A");
    harness.get_by_label_contains("left out");

    // Agreed, only-A and only-B spans are offered, each drawn with its own name.
    let offered: Vec<(String, Origin)> = harness
        .state()
        .workspace
        .review
        .pending
        .shown()
        .map(|(_, p)| (p.label.clone(), p.origin.clone()))
        .collect();
    assert_eq!(offered.len(), 5, "{offered:?}");
    harness.get_by_label("actor in A and B: Sergei Lavrov");
    harness.get_by_label("location only in A: Moscow");
    harness.get_by_label("actor only in B: Moscow");

    // The agreement chart: this article (counted at once) and the folders.
    step_until(&mut harness, "the folders' agreement", |h| {
        h.state()
            .workspace
            .compare
            .as_ref()
            .is_some_and(|c| matches!(c.folder, Some(Ok(_))))
    });
    let compare = harness.state().workspace.compare.as_ref().unwrap();
    let article = &compare.article.as_ref().unwrap().overall;
    // A: 3 spans, B: 3, one exact match: P = R = F1 = 1/3.
    assert!((article.exact_f1 - 1.0 / 3.0).abs() < 1e-9, "{article:?}");
    harness.key_press(Key::N);
    harness.run();
    harness.snapshot("compare");

    // Shift+A accepts everything both have.
    harness.key_press_modifiers(Modifiers::SHIFT, Key::A);
    harness.run();
    let labels = |h: &egui_kittest::Harness<'_, spantag::ui::SpantagApp>| -> Vec<String> {
        spans(h)
            .iter()
            .map(|s| format!("{}: {}", s.label, s.text))
            .collect()
    };
    assert_eq!(labels(&harness), ["actor: Sergei Lavrov"]);

    // N selects the next proposal; X rejects B's "Moscow" as actor, Enter takes A's.
    harness.state_mut().view.selection = Selection::None;
    harness.key_press(Key::N);
    harness.run();
    let current = |h: &egui_kittest::Harness<'_, spantag::ui::SpantagApp>| {
        let app = h.state();
        let Selection::Proposal(i) = app.view.selection else {
            panic!("no proposal selected: {:?}", app.view.selection)
        };
        let p = app
            .workspace
            .review
            .pending
            .get(i)
            .expect("a shown proposal");
        let doc = &app.workspace.session.as_ref().unwrap().document;
        (
            p.label.clone(),
            doc.text().slice(p.char_range.clone()).to_string(),
        )
    };
    assert_eq!(current(&harness), ("actor".into(), "Moscow".into()));
    harness.key_press(Key::X);
    harness.run();
    assert_eq!(current(&harness), ("location".into(), "Moscow".into()));
    harness.key_press(Key::Enter);
    harness.run();
    // Next comes A's quote: accepting it brings its link to the speaker.
    assert_eq!(current(&harness).0, "quote");
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(current(&harness), ("actor".into(), "NATO".into()));
    harness.key_press(Key::X);
    harness.run();
    assert!(harness.state().workspace.review.pending.is_empty());

    let session = harness.state().workspace.session.as_ref().unwrap();
    let relations = session.document.annotations().relations();
    assert_eq!(relations.len(), 1);
    assert_eq!(relations[0].kind, "said_by");
    wait_for_sidecar(
        &mut harness,
        &sidecar_of(&gold),
        "the gold spans",
        |spans| {
            let mut seen: Vec<String> = spans
                .iter()
                .map(|s| format!("{}: {}", s.label, s.text))
                .collect();
            seen.sort();
            seen == [
                "actor: Sergei Lavrov".to_string(),
                "location: Moscow".to_string(),
                format!("quote: {QUOTE}"),
            ]
        },
    );

    // Undo brings a proposal back; A and B were never written.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().workspace.review.pending.len(), 1);
    assert_eq!(folder_bytes(&root.join("A")), a_before);
    assert_eq!(folder_bytes(&root.join("B")), b_before);

    // Stopping leaves the gold folder open as an ordinary one.
    harness.get_by_label("Stop comparing").click();
    harness.run();
    assert!(harness.state().workspace.compare.is_none());
    assert!(harness.state().workspace.review.pending.is_empty());
    assert_eq!(
        harness
            .state()
            .workspace
            .folder
            .as_ref()
            .map(|f| f.root.clone()),
        Some(root.join("gold"))
    );
}

#[test]
fn the_compare_dialog_closes_with_escape_and_needs_three_folders() {
    let mut harness = harness(None);
    harness.get_by_label("Compare…").click();
    harness.run();
    assert!(harness.state().compare_dialog.open);
    use egui_kittest::kittest::NodeT as _;
    let start = harness.get_by_label("Compare");
    assert!(start.accesskit_node().is_disabled(), "nothing typed yet");
    harness.key_press(Key::Escape);
    harness.run();
    assert!(!harness.state().compare_dialog.open);
}

#[test]
fn compare_refuses_a_gold_folder_inside_an_annotators_folder() {
    let dir = tempfile::tempdir().unwrap();
    two_annotators(dir.path());
    let mut harness = harness(None);
    let folders = spantag::store::adjudicate::Folders {
        a: dir.path().join("A"),
        b: dir.path().join("B"),
        gold: dir.path().join("A/gold"),
    };
    harness
        .state_mut()
        .send(spantag::ui::AppCommand::StartCompare(folders));
    harness.run();
    let notice = harness.state().view.notice.clone().unwrap();
    assert!(notice.text.contains("outside folder A"), "{}", notice.text);
    let shown = harness
        .state()
        .compare_dialog
        .error
        .clone()
        .unwrap_or_default();
    assert!(
        shown.contains("outside folder A"),
        "the dialog says it too: {shown}"
    );
    assert!(!dir.path().join("A/gold").exists());
    assert!(harness.state().workspace.compare.is_none());
}

/// Clicks the middle of the first row of a char range, as a person would.
fn click_range(
    harness: &mut egui_kittest::Harness<'_, spantag::ui::SpantagApp>,
    range: std::ops::Range<usize>,
) {
    let rect = harness.state().doc_view().row_rects(range)[0];
    harness.hover_at(rect.center());
    harness.step();
    crate::gui::press_at(harness, rect.center(), true);
    harness.step();
    crate::gui::press_at(harness, rect.center(), false);
    harness.step();
    harness.run();
}

#[test]
fn suggestions_are_drawn_accepted_with_their_rule_rejected_and_relabelled() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("lavrov-libya.txt");
    std::fs::copy(crate::util::sample("lavrov-libya.txt"), &article).unwrap();
    std::fs::copy(
        crate::util::sample("suggest.ron"),
        dir.path().join("suggest.ron"),
    )
    .unwrap();
    let mut harness = harness(Some(&article));
    assert_eq!(harness.state().workspace.review.heading, "Suggestions");
    let offered = harness.state().workspace.review.pending.len();
    assert!(offered > 10, "{offered}");
    harness.get_by_label("suggested actor (rule actors): Sergei Lavrov");
    // Nothing is saved until something is accepted.
    assert!(spans(&harness).is_empty());

    // N selects the first suggestion; Enter accepts it with its rule as the source.
    harness.key_press(Key::N);
    harness.run();
    harness.snapshot("suggestions");
    harness.key_press(Key::Enter);
    harness.run();
    let accepted = spans(&harness);
    assert_eq!(accepted.len(), 1);
    assert_eq!(
        (accepted[0].text.as_str(), &accepted[0].source),
        (
            "Sergei Lavrov",
            &spantag::model::Source::Rule("actors".into())
        )
    );
    // The next one is selected: X rejects it, and it is not offered again.
    let next = |h: &egui_kittest::Harness<'_, spantag::ui::SpantagApp>| {
        let app = h.state();
        let Selection::Proposal(i) = app.view.selection else {
            panic!("no proposal selected: {:?}", app.view.selection)
        };
        app.workspace
            .review
            .pending
            .get(i)
            .expect("a shown proposal")
            .clone()
    };
    let moscow = next(&harness);
    assert_eq!(moscow.label, "location");
    harness.key_press(Key::X);
    harness.run();
    assert_eq!(harness.state().workspace.review.pending.len(), offered - 2);
    assert!(harness
        .state()
        .workspace
        .review
        .pending
        .find("location", moscow.char_range.clone())
        .is_none());

    // A click on the quote selects it; Enter takes it with its speaker and the link.
    let quote = harness
        .state()
        .workspace
        .review
        .pending
        .shown()
        .map(|(_, p)| p)
        .find(|p| p.label == "quote")
        .unwrap()
        .clone();
    click_range(&mut harness, quote.char_range.clone());
    assert_eq!(next(&harness).char_range, quote.char_range);
    harness.key_press(Key::Enter);
    harness.run();
    let session = harness.state().workspace.session.as_ref().unwrap();
    let annotations = session.document.annotations();
    let relation = &annotations.relations()[0];
    let (from, to) = (
        annotations.get(relation.from).unwrap(),
        annotations.get(relation.to).unwrap(),
    );
    assert_eq!((from.label.as_str(), to.text.as_str()), ("quote", "Lavrov"));
    assert_eq!(from.source, spantag::model::Source::Rule("quotes".into()));

    // A label key on a suggestion accepts it under that label.
    let relabelled = next(&harness);
    harness.key_press(Key::Num1);
    harness.run();
    let session = harness.state().workspace.session.as_ref().unwrap();
    assert_eq!(
        session
            .document
            .annotations()
            .find_exact("claim", relabelled.char_range.clone())
            .map(|s| s.source.clone()),
        Some(relabelled.source.clone())
    );

    // Shift+Enter accepts every suggestion of the selected one's label; undo brings them back.
    harness.key_press(Key::N);
    harness.run();
    let label = next(&harness).label;
    let before = harness.state().workspace.review.pending.len();
    harness.key_press_modifiers(Modifiers::SHIFT, Key::Enter);
    harness.run();
    let left = harness.state().workspace.review.pending.len();
    assert!(harness
        .state()
        .workspace
        .review
        .pending
        .shown()
        .all(|(_, p)| p.label != label));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(
        harness.state().workspace.review.pending.len(),
        before,
        "{left}"
    );

    wait_for_sidecar(
        &mut harness,
        &sidecar_of(&article),
        "the accepted suggestions",
        |spans| {
            spans.iter().any(|s| s.label == "quote")
                && spans.iter().any(|s| s.label == "claim")
                && spans
                    .iter()
                    .all(|s| matches!(s.source, spantag::model::Source::Rule(_)))
        },
    );
    let saved = std::fs::read_to_string(sidecar_of(&article)).unwrap();
    assert!(saved.contains("source: Rule(\"quotes\")"), "{saved}");
    assert!(saved.contains("kind: \"said_by\""), "{saved}");
}

/// A span to tag: (its text, label, attribute values, entity).
type Valued<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], Option<&'a str>);

/// Tags the first occurrence of each [`Valued`] in an article, links the quote to the
/// actor with `said_by` when `link`, and saves it.
fn annotate_values(article: &Path, tags: &[Valued], link: bool) {
    let (mut doc, _) = corpus::load(article).unwrap();
    let mut ids = Vec::new();
    for (text, label, attrs, entity) in tags {
        let byte = doc.text().as_str().find(text).expect("text in the article");
        let start = doc.text().char_from_byte(byte);
        let applied = doc
            .apply(Command::Tag {
                char_range: start..start + text.chars().count(),
                label: label.to_string(),
                attrs: attrs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            })
            .unwrap();
        let id = applied.focus.unwrap();
        if entity.is_some() {
            doc.apply(Command::SetEntity {
                ids: vec![id],
                entity: entity.map(str::to_string),
            })
            .unwrap();
        }
        ids.push((*label, id));
    }
    if link {
        let id = |label: &str| ids.iter().find(|(l, _)| *l == label).unwrap().1;
        doc.apply(Command::Link {
            from: id("quote"),
            to: id("actor"),
            kind: "said_by".into(),
        })
        .unwrap();
    }
    corpus::write_article(article, &mut doc).unwrap();
}

#[test]
fn compare_offers_value_disagreements_and_takes_the_chosen_annotators_values() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for folder in ["A", "B"] {
        std::fs::create_dir_all(root.join(folder)).unwrap();
        std::fs::copy(
            crate::util::sample("lavrov-libya.txt"),
            root.join(folder).join("lavrov-libya.txt"),
        )
        .unwrap();
    }
    // Both have the same three spans; the location agrees, the quote's kind differs, and
    // only A linked the speaker to an entity. Only A linked the quote to its speaker.
    annotate_values(
        &root.join("A/lavrov-libya.txt"),
        &[
            ("Sergei Lavrov", "actor", &[], Some("sergei-lavrov")),
            ("Moscow", "location", &[], None),
            (QUOTE, "quote", &[("kind", "direct")], None),
        ],
        true,
    );
    annotate_values(
        &root.join("B/lavrov-libya.txt"),
        &[
            ("Sergei Lavrov", "actor", &[], None),
            ("Moscow", "location", &[], None),
            (QUOTE, "quote", &[("kind", "indirect")], None),
        ],
        false,
    );
    // The team's entities live in A (and B); the gold folder gets them.
    let mut entities = spantag::model::Entities::default();
    entities.create("Sergei Lavrov", "actor").unwrap();
    spantag::store::entities::save(&root.join("A"), &entities).unwrap();
    let mut harness = harness(None);
    harness
        .state_mut()
        .send(spantag::ui::AppCommand::StartCompare(
            spantag::store::adjudicate::Folders {
                a: root.join("A"),
                b: root.join("B"),
                gold: root.join("gold"),
            },
        ));
    step_until(&mut harness, "the gold article with proposals", |h| {
        !h.state().workspace.review.pending.is_empty()
    });
    harness.run();
    let gold = root.join("gold/lavrov-libya.txt");
    let offered = |h: &egui_kittest::Harness<'_, spantag::ui::SpantagApp>| {
        let mut seen: Vec<(String, Origin)> = h
            .state()
            .workspace
            .review
            .pending
            .shown()
            .map(|(_, p)| (p.label.clone(), p.origin.clone()))
            .collect();
        seen.sort();
        seen
    };
    assert_eq!(
        offered(&harness),
        [
            ("actor".to_string(), Origin::OnlyA),
            ("actor".to_string(), Origin::OnlyB),
            ("location".to_string(), Origin::Agreed),
            ("quote".to_string(), Origin::OnlyA),
            ("quote".to_string(), Origin::OnlyB),
        ]
    );
    harness.get_by_label_contains("2 with different values in A and B");

    // Shift+A takes the agreed location only; the disagreements stay undecided.
    harness.key_press_modifiers(Modifiers::SHIFT, Key::A);
    harness.run();
    let gold_spans = |h: &egui_kittest::Harness<'_, spantag::ui::SpantagApp>| {
        let mut seen: Vec<String> = spans(h).iter().map(|s| s.label.clone()).collect();
        seen.sort();
        seen
    };
    assert_eq!(gold_spans(&harness), ["location"]);
    assert_eq!(harness.state().workspace.review.pending.len(), 4);
    // Accept all of a label leaves them too, and says why.
    harness
        .state_mut()
        .send(spantag::ui::AppCommand::Accept(spantag::ui::Pick::Label(
            "quote".into(),
        )));
    harness.run();
    assert_eq!(gold_spans(&harness), ["location"]);
    let notice = harness.state().view.notice.clone().expect("a notice");
    assert!(
        notice.text.contains("Only disagreements"),
        "{}",
        notice.text
    );

    // Selecting A's quote shows what differs: kind, A's value and B's.
    let version = |h: &egui_kittest::Harness<'_, spantag::ui::SpantagApp>, label: &str, origin| {
        h.state()
            .workspace
            .review
            .pending
            .shown()
            .find(|(_, p)| p.label == label && p.origin == origin)
            .map(|(i, _)| i)
            .unwrap()
    };
    let quote_a = version(&harness, "quote", Origin::OnlyA);
    harness.state_mut().view.selection = Selection::Proposal(quote_a);
    harness.run();
    // The panel names the version, and so does the document view to a screen reader.
    let named = "quote, A's values: We advocate";
    assert_eq!(harness.query_all_by_label_contains(named).count(), 2);
    let mark = harness
        .query_all_by_role(egui::Role::Mark)
        .filter(|node| format!("{node:?}").contains(named))
        .count();
    assert_eq!(mark, 1, "the document view names the version too");
    harness.get_by_label("A and B both have this span, with different values:");
    // The side panel's κ of the quote's kind: A direct, B indirect on the one quote.
    harness.get_by_label("quote.kind");
    harness.get_by_label("kind");
    harness.get_by_label("direct");
    harness.get_by_label("indirect");

    // Take B's values: the gold quote gets kind "indirect". Its speaker is still to be
    // decided, so the link waits for it.
    harness.get_by_label("Take B's values").click();
    harness.run();
    let quote = |h: &egui_kittest::Harness<'_, spantag::ui::SpantagApp>| {
        spans(h).into_iter().find(|s| s.label == "quote")
    };
    assert_eq!(
        quote(&harness).map(|s| s.attrs.get("kind").cloned()),
        Some(Some("indirect".to_string()))
    );
    let relations = |h: &egui_kittest::Harness<'_, spantag::ui::SpantagApp>| {
        h.state()
            .workspace
            .session
            .as_ref()
            .unwrap()
            .document
            .annotations()
            .relations()
            .len()
    };
    assert_eq!(relations(&harness), 0);
    assert_eq!(
        harness.state().workspace.review.pending.len(),
        2,
        "both versions decided"
    );

    // The speaker: the entity differs. Enter on A's version takes A's link to the entity,
    // and the quote's link comes with it.
    let actor_a = version(&harness, "actor", Origin::OnlyA);
    harness.state_mut().view.selection = Selection::Proposal(actor_a);
    harness.run();
    harness.get_by_label("entity");
    // The entity by its name (from the gold folder's copy of the entities), B's unset.
    harness.get_by_label("Sergei Lavrov");
    harness.get_by_label("unset");
    assert!(root.join("gold/entities.ron").exists());
    harness.key_press(Key::Enter);
    harness.run();
    assert!(harness.state().workspace.review.pending.is_empty());
    assert_eq!(relations(&harness), 1);
    wait_for_sidecar(
        &mut harness,
        &sidecar_of(&gold),
        "B's kind, A's entity",
        |spans| {
            let find = |label: &str| spans.iter().find(|s| s.label == label);
            find("quote")
                .and_then(|s| s.attrs.get("kind"))
                .map(String::as_str)
                == Some("indirect")
                && find("actor").and_then(|s| s.entity.as_deref()) == Some("sergei-lavrov")
        },
    );

    // Undo twice: both disagreements are offered again, and the gold copy loses them.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().workspace.review.pending.len(), 2);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().workspace.review.pending.len(), 4);
    assert_eq!(gold_spans(&harness), ["location"]);
    wait_for_sidecar(
        &mut harness,
        &sidecar_of(&gold),
        "only the location",
        |spans| spans.len() == 1 && spans[0].label == "location",
    );

    // X rejects one version only: B's quote stays to take.
    let quote_a = version(&harness, "quote", Origin::OnlyA);
    harness.state_mut().view.selection = Selection::Proposal(quote_a);
    harness.key_press(Key::X);
    harness.run();
    assert_eq!(harness.state().workspace.review.pending.len(), 3);
    let left = offered(&harness);
    assert!(
        left.contains(&("quote".to_string(), Origin::OnlyB)),
        "{left:?}"
    );
    // Taking B's and undoing it offers B's again, A's still rejected.
    let quote_b = version(&harness, "quote", Origin::OnlyB);
    harness.state_mut().view.selection = Selection::Proposal(quote_b);
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(harness.state().workspace.review.pending.len(), 2);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    let left = offered(&harness);
    assert!(
        left.contains(&("quote".to_string(), Origin::OnlyB)),
        "{left:?}"
    );
    assert!(
        !left.contains(&("quote".to_string(), Origin::OnlyA)),
        "{left:?}"
    );
    // Taking B's speaker, without A's entity, decides A's version too.
    let actor_b = version(&harness, "actor", Origin::OnlyB);
    harness.state_mut().view.selection = Selection::Proposal(actor_b);
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(
        offered(&harness),
        [("quote".to_string(), Origin::OnlyB)],
        "A's version of the actor is decided with B's"
    );
    let actor = spans(&harness).into_iter().find(|s| s.label == "actor");
    assert_eq!(actor.map(|s| s.entity), Some(None));
}

/// The char range of the `nth` occurrence of `words` in a document's text.
fn range_of(doc: &spantag::model::Document, words: &str, nth: usize) -> std::ops::Range<usize> {
    let byte = doc
        .text()
        .as_str()
        .match_indices(words)
        .nth(nth)
        .expect("text in the article")
        .0;
    let start = doc.text().char_from_byte(byte);
    start..start + words.chars().count()
}

/// The claim "Moscow is in contact with all Libyan political factions … is sending each
/// of them the same signals", in two fragments.
const CLAIM: [&str; 2] = [
    "Moscow is in contact with all Libyan political factions",
    "is sending each of them the same signals",
];

/// The Lavrov article with a model's stored suggestions (three from `ner-v2`, one from
/// `llm-tagger`) and a claim in two fragments, written as `spantag import` would.
fn article_with_suggestions(dir: &Path) -> std::path::PathBuf {
    use spantag::model::{Span, Suggestion, FRAGMENT_KIND};
    let article = dir.join("lavrov-libya.txt");
    std::fs::copy(crate::util::sample("lavrov-libya.txt"), &article).unwrap();
    let (mut doc, _) = corpus::load(&article).unwrap();
    let offered = [
        ("actor", "Sergei Lavrov", "ner-v2"),
        ("location", "Moscow", "ner-v2"),
        ("actor", "NATO", "ner-v2"),
        ("location", "Egyptian", "llm-tagger"),
    ];
    doc.suggestions = offered
        .iter()
        .map(|(label, words, source)| {
            let span = Span::new(0, label, range_of(&doc, words, 0), doc.text());
            Suggestion::from_span(span, source)
        })
        .collect();
    let ids: Vec<u64> = CLAIM
        .iter()
        .map(|words| {
            doc.apply(Command::Tag {
                char_range: range_of(&doc, words, 0),
                label: "claim".into(),
                attrs: Default::default(),
            })
            .unwrap()
            .focus
            .unwrap()
        })
        .collect();
    doc.apply(Command::Link {
        from: ids[0],
        to: ids[1],
        kind: FRAGMENT_KIND.into(),
    })
    .unwrap();
    corpus::write_article(&article, &mut doc).unwrap();
    article
}

/// Steps the app until the sidecar on disk holds suggestions with these statuses.
fn wait_for_statuses(
    harness: &mut egui_kittest::Harness<'_, spantag::ui::SpantagApp>,
    article: &Path,
    expected: &[spantag::model::SuggestionStatus],
) -> spantag::model::sidecar::Sidecar {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        harness.step();
        let text = std::fs::read_to_string(sidecar_of(article)).unwrap();
        let parsed = spantag::model::sidecar::decode(&text).unwrap();
        let statuses: Vec<_> = parsed.suggestions.iter().map(|s| s.status).collect();
        if statuses == expected {
            return parsed;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the sidecar never held {expected:?}: {statuses:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[test]
fn imported_suggestions_are_accepted_and_rejected_with_the_keys_saved_and_undone() {
    use spantag::model::{Source, SuggestionStatus::*};
    let dir = tempfile::tempdir().unwrap();
    let article = article_with_suggestions(dir.path());
    let mut harness = harness(Some(&article));
    assert_eq!(harness.state().workspace.review.heading, "Suggestions");
    assert_eq!(harness.state().workspace.review.pending.len(), 4);
    // Drawn with the model as their tag; the status bar and panel count them per model.
    harness.get_by_label("suggested actor (from ner-v2): Sergei Lavrov");
    harness.get_by_label("suggested location (from llm-tagger): Egyptian");
    harness.get_by_label("Suggestions to decide: 1 from llm-tagger, 3 from ner-v2");
    harness.get_by_label("3 from ner-v2");

    // The claim's second fragment: selecting it selects the claim, drawn as one.
    harness
        .get_by_label(&format!("claim: {}, fragment 2 of 2", CLAIM[1]))
        .click();
    harness.run();
    let claim_id = spans(&harness)
        .iter()
        .find(|s| s.text == CLAIM[0])
        .unwrap()
        .id;
    harness.get_by_label(&format!("fragment 2 of 2 of claim span {claim_id}"));
    harness.get_by_label(&format!("claim: {}, fragment 1 of 2", CLAIM[0]));
    harness.snapshot("imported_suggestions");

    // N selects the first suggestion, Enter accepts it: a span with the model as source.
    harness.key_press(Key::Escape);
    harness.key_press(Key::N);
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    let lavrov = spans(&harness)
        .into_iter()
        .find(|s| s.text == "Sergei Lavrov")
        .expect("the accepted suggestion's span");
    assert_eq!(
        (lavrov.label.as_str(), &lavrov.source),
        ("actor", &Source::Imported("ner-v2".into()))
    );
    // The next one (Moscow) is selected: X rejects it.
    let Selection::Proposal(next) = harness.state().view.selection else {
        panic!("the next suggestion is selected")
    };
    assert_eq!(
        harness
            .state()
            .workspace
            .review
            .pending
            .get(next)
            .unwrap()
            .label,
        "location"
    );
    harness.key_press(Key::X);
    harness.run();
    assert_eq!(harness.state().workspace.review.pending.len(), 2);
    harness.get_by_label("Suggestions to decide: 1 from llm-tagger, 1 from ner-v2");
    let saved = wait_for_statuses(
        &mut harness,
        &article,
        &[Accepted, Rejected, Pending, Pending],
    );
    assert_eq!(saved.version, 3);
    let on_disk = saved
        .spans
        .iter()
        .find(|s| s.text == "Sergei Lavrov")
        .expect("the span on disk");
    assert_eq!(on_disk.source, Source::Imported("ner-v2".into()));
    let text = std::fs::read_to_string(sidecar_of(&article)).unwrap();
    assert!(
        text.contains("source: Imported(\"ner-v2\")"),
        "the span's source: {text}"
    );

    // With the mouse: a click on the NATO suggestion, then Accept in the panel.
    let nato = range_of(
        &harness.state().workspace.session.as_ref().unwrap().document,
        "NATO",
        0,
    );
    click_range(&mut harness, nato);
    harness.get_by_label("Accept").click();
    harness.run();
    assert!(spans(&harness).iter().any(|s| s.text == "NATO"));
    wait_for_statuses(
        &mut harness,
        &article,
        &[Accepted, Rejected, Accepted, Pending],
    );

    // Undo takes each decision back with its span: suggestions pending, offered again.
    for _ in 0..3 {
        harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        harness.run();
    }
    let doc = &harness.state().workspace.session.as_ref().unwrap().document;
    assert!(doc.suggestions.iter().all(|s| s.status == Pending));
    assert_eq!(
        spans(&harness).len(),
        2,
        "only the claim's fragments are left"
    );
    assert_eq!(harness.state().workspace.review.pending.len(), 4);
    let saved = wait_for_statuses(&mut harness, &article, &[Pending; 4]);
    assert_eq!(saved.spans.len(), 2);
}
