//! Attributes and entities in the real app: keys and the details panel set attributes
//! (undoable, checked against the scheme), E links a span to an entity of the corpus and
//! proposes its other mentions, chips and the accessibility tree show both, and Find and
//! the span list filter by them. Every outcome is checked in the sidecar or
//! `entities.ron` on disk.

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use std::path::PathBuf;

use spantag::model::Span;
use spantag::ui::{AppCommand, Selection, SpantagApp};

use crate::gui::{drag_select, harness, sidecar_of, spans, wait_for_sidecar};
use crate::util::sample_copy;

const CLAIM: &str = "Russia is against putting the blame of the crisis on any side";

fn selected_span(harness: &Harness<'_, SpantagApp>) -> Span {
    let Selection::Span(id) = harness.state().view.selection else {
        panic!("no span selected: {:?}", harness.state().view.selection);
    };
    spans(harness)
        .into_iter()
        .find(|s| s.id == id)
        .expect("the selected span exists")
}

fn verdict(spans: &[Span]) -> Option<&str> {
    spans
        .iter()
        .find(|s| s.label == "claim")
        .and_then(|s| s.attrs.get("verdict"))
        .map(String::as_str)
}

#[test]
fn v_steps_the_verdict_on_disk_and_undo_takes_it_back() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let sidecar = sidecar_of(&article);
    let mut harness = harness(Some(&article));
    drag_select(&mut harness, CLAIM);
    harness.key_press(Key::Num1);
    harness.run();
    assert!(
        selected_span(&harness).attrs.is_empty(),
        "no default verdict"
    );

    harness.key_press(Key::V);
    harness.run();
    assert_eq!(verdict(&spans(&harness)), Some("true"));
    harness.key_press(Key::V);
    harness.run();
    assert_eq!(verdict(&spans(&harness)), Some("false"));
    wait_for_sidecar(&mut harness, &sidecar, "verdict false", |s| {
        verdict(s) == Some("false")
    });
    // The chip's accessible name spells the value out.
    harness.get_by_role_and_label(egui::Role::Mark, &format!("claim: {CLAIM} (verdict false)"));
    // The key stays on the span, not the label: V tagged nothing and moved nothing.
    assert_eq!(spans(&harness).len(), 1);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(verdict(&spans(&harness)), Some("true"), "one step back");
    wait_for_sidecar(&mut harness, &sidecar, "verdict true again", |s| {
        verdict(s) == Some("true")
    });

    // Stepping past the last option unsets it again.
    for _ in 0..4 {
        harness.key_press(Key::V);
        harness.run();
    }
    assert_eq!(
        verdict(&spans(&harness)),
        None,
        "true → false → misleading → unverified → unset"
    );
    wait_for_sidecar(&mut harness, &sidecar, "no verdict", |s| {
        verdict(s).is_none()
    });
}

#[test]
fn the_details_panel_sets_a_choice_by_click_and_shows_its_key() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let sidecar = sidecar_of(&article);
    let mut harness = harness(Some(&article));
    drag_select(&mut harness, CLAIM);
    harness.key_press(Key::Num1);
    harness.run();
    // The key is on the control.
    harness.get_by_label("verdict (V)");
    harness
        .get_by_role_and_label(egui::Role::RadioButton, "misleading")
        .click();
    harness.run();
    assert_eq!(verdict(&spans(&harness)), Some("misleading"));
    wait_for_sidecar(&mut harness, &sidecar, "verdict misleading", |s| {
        verdict(s) == Some("misleading")
    });
    harness
        .get_by_role_and_label(egui::Role::RadioButton, "unset")
        .click();
    harness.run();
    assert_eq!(verdict(&spans(&harness)), None);
    // A quote has its own attribute and key, K.
    drag_select(&mut harness, "We advocate the position");
    harness.key_press(Key::Num2);
    harness.key_press(Key::K);
    harness.run();
    let quote = selected_span(&harness);
    assert_eq!(quote.label, "quote");
    assert_eq!(quote.attrs.get("kind").map(String::as_str), Some("direct"));
    // V means nothing on a quote: it does not change it.
    harness.key_press(Key::V);
    harness.run();
    assert_eq!(selected_span(&harness).attrs, quote.attrs);
}

/// A folder with a scheme whose claims have a number and a text attribute.
fn number_scheme_folder() -> (tempfile::TempDir, PathBuf) {
    let (dir, article) = sample_copy("lavrov-libya.txt");
    let scheme = r##"(
    labels: [
        (name: "claim", key: "1", color: "#E69F00", description: "A claim.",
         attributes: [
             (name: "confidence", kind: Number, key: Some("c")),
             (name: "source", kind: Text),
             (name: "checkworthy", kind: YesNo, key: Some("y")),
         ]),
        (name: "actor", key: "4", color: "#CC79A7", description: "An actor.", entity: true),
    ],
    relations: [],
)"##;
    std::fs::write(dir.path().join("spantag.ron"), scheme).unwrap();
    (dir, article)
}

#[test]
fn an_invalid_number_is_refused_with_a_message_and_a_valid_one_is_saved() {
    let (_dir, article) = number_scheme_folder();
    let sidecar = sidecar_of(&article);
    let mut harness = harness(Some(&article));
    assert!(
        harness.state().workspace.scheme_problem.is_none(),
        "{:?}",
        harness.state().workspace.scheme_problem
    );
    drag_select(&mut harness, CLAIM);
    harness.key_press(Key::Num1);
    harness.run();
    let id = selected_span(&harness).id;

    // C puts the cursor in the number field.
    harness.key_press(Key::C);
    harness.run();
    harness
        .get_by_role_and_label(egui::Role::TextInput, "confidence (C)")
        .type_text("abc");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    harness.get_by_label_contains("\"abc\" is not a number: not applied");
    let span = spans(&harness).into_iter().find(|s| s.id == id).unwrap();
    assert!(span.attrs.is_empty(), "refused: {:?}", span.attrs);

    let field = harness.get_by_role_and_label(egui::Role::TextInput, "confidence (C)");
    field.focus();
    harness.run();
    for _ in 0..3 {
        harness.key_press(Key::Backspace);
    }
    harness
        .get_by_role_and_label(egui::Role::TextInput, "confidence (C)")
        .type_text("0.75");
    harness.key_press(Key::Enter);
    harness.run();
    assert!(harness.query_by_label_contains("is not a number").is_none());
    wait_for_sidecar(&mut harness, &sidecar, "confidence 0.75", |s| {
        s.iter()
            .any(|s| s.attrs.get("confidence").map(String::as_str) == Some("0.75"))
    });
    // Y toggles yes/no, starting at yes.
    harness.key_press(Key::Y);
    harness.key_press(Key::Y);
    harness.run();
    let span = spans(&harness).into_iter().find(|s| s.id == id).unwrap();
    assert_eq!(
        span.attrs.get("checkworthy").map(String::as_str),
        Some("no")
    );
    // The chip marks both values; the accessible name lists them.
    harness.get_by_role_and_label(
        egui::Role::Mark,
        &format!("claim: {CLAIM} (checkworthy no, confidence 0.75)"),
    );
}

#[test]
fn a_value_the_label_does_not_declare_is_shown_kept_and_can_be_cleared() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let sidecar = sidecar_of(&article);
    let mut harness = harness(Some(&article));
    drag_select(&mut harness, "Sergei Lavrov");
    harness.key_press(Key::Num1);
    harness.key_press(Key::V);
    harness.run();
    // Retagged as an actor, which has no verdict: the value stays, and is shown.
    harness.key_press(Key::Num4);
    harness.run();
    let span = selected_span(&harness);
    assert_eq!(span.label, "actor");
    assert_eq!(span.attrs.get("verdict").map(String::as_str), Some("true"));
    harness.get_by_label("verdict: true");
    harness.get_by_role_and_label(egui::Role::Mark, "actor: Sergei Lavrov (verdict true)");
    wait_for_sidecar(&mut harness, &sidecar, "the kept verdict", |s| {
        s.iter()
            .any(|s| s.label == "actor" && s.attrs.contains_key("verdict"))
    });
    // It can be cleared, not typed: a value the label does not declare is refused.
    let id = span.id;
    harness.state_mut().send(AppCommand::SetAttr {
        id,
        name: "verdict".into(),
        value: Some("false".into()),
    });
    harness.run();
    assert!(
        harness
            .state()
            .view
            .notice
            .as_ref()
            .is_some_and(|n| n.text.contains("no attribute verdict")),
        "{:?}",
        harness.state().view.notice
    );
    assert_eq!(
        selected_span(&harness)
            .attrs
            .get("verdict")
            .map(String::as_str),
        Some("true")
    );
    harness.get_by_label("Clear").click();
    harness.run();
    assert!(selected_span(&harness).attrs.is_empty());
    wait_for_sidecar(&mut harness, &sidecar, "the verdict cleared", |s| {
        s.iter().all(|s| s.attrs.is_empty())
    });
}

/// An article with three mentions of Lavrov, and a corpus that knows him.
fn lavrov_corpus(entities: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("talks.txt");
    std::fs::write(
        &article,
        "Sergei Lavrov met Sameh Shoukry in Cairo on Monday.\n\
         Lavrov said the talks had gone well.\n\
         Later, Lavrov flew on to Moscow.\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("entities.ron"), entities).unwrap();
    (dir, article)
}

const LAVROV: &str = r#"(
    entities: [
        (id: "sergei-lavrov", name: "Sergei Lavrov", label: "actor", aliases: ["Lavrov"], external: {"wikidata": "Q40398"}),
        (id: "lavrov-stadium", name: "Lavrov Stadium", label: "location"),
    ],
)"#;

fn linked(spans: &[Span], entity: &str) -> usize {
    spans
        .iter()
        .filter(|s| s.entity.as_deref() == Some(entity))
        .count()
}

#[test]
fn e_links_an_actor_and_accept_all_links_its_other_mentions_in_one_step() {
    let (dir, article) = lavrov_corpus(LAVROV);
    let sidecar = sidecar_of(&article);
    let entities_before = std::fs::read_to_string(dir.path().join("entities.ron")).unwrap();
    let mut harness = harness(Some(&article));
    assert!(harness.state().workspace.entities_problem.is_none());
    drag_select(&mut harness, "Sergei Lavrov");
    harness.key_press(Key::Num4);
    harness.run();
    harness.key_press(Key::E);
    harness.run();
    assert!(
        harness.state().view.entity_linking.is_some(),
        "{:?}",
        harness.state().view.notice
    );
    harness.get_by_label("Find").type_text("lav");
    harness.run();
    // Only actors are offered for an actor: the stadium is a location.
    assert!(harness.query_by_label_contains("Lavrov Stadium").is_none());
    harness.key_press(Key::Enter);
    harness.run();
    assert!(harness.state().view.entity_linking.is_none());
    assert_eq!(linked(&spans(&harness), "sergei-lavrov"), 1);
    // The details panel shows the entity and its Wikidata id.
    assert!(harness.query_all_by_label("Sergei Lavrov").count() >= 1);
    harness.get_by_label_contains("Also: Lavrov");
    let wikidata = harness.get_by_role_and_label(egui::Role::TextInput, "wikidata");
    assert_eq!(wikidata.value().as_deref(), Some("Q40398"));
    harness.get_by_role_and_label(
        egui::Role::Mark,
        "actor: Sergei Lavrov (entity Sergei Lavrov)",
    );

    // The two other mentions are proposed, linked to him.
    let pending: Vec<_> = harness
        .state()
        .workspace
        .review
        .pending
        .shown()
        .map(|(_, p)| p.clone())
        .collect();
    assert_eq!(pending.len(), 2, "{pending:?}");
    assert!(pending
        .iter()
        .all(|p| p.entity.as_deref() == Some("sergei-lavrov") && p.label == "actor"));
    harness.key_press(Key::N);
    harness.run();
    assert!(matches!(
        harness.state().view.selection,
        Selection::Proposal(_)
    ));
    harness
        .get_by_label("Accept all links to Sergei Lavrov")
        .click();
    harness.run();
    let tagged = spans(&harness);
    assert_eq!(tagged.len(), 3);
    assert_eq!(linked(&tagged, "sergei-lavrov"), 3);
    assert!(harness.state().workspace.review.pending.is_empty());
    wait_for_sidecar(&mut harness, &sidecar, "three linked mentions", |s| {
        linked(s, "sergei-lavrov") == 3
    });
    // Linking to an existing entity leaves entities.ron alone.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("entities.ron")).unwrap(),
        entities_before
    );

    // One undo step takes back both accepted mentions, and they are proposed again.
    harness.key_press(Key::Escape);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    let tagged = spans(&harness);
    assert_eq!(tagged.len(), 1);
    assert_eq!(linked(&tagged, "sergei-lavrov"), 1);
    assert_eq!(harness.state().workspace.review.pending.len(), 2);
    wait_for_sidecar(&mut harness, &sidecar, "one linked mention", |s| {
        s.len() == 1 && linked(s, "sergei-lavrov") == 1
    });

    // One by one: N selects the next, Enter links it, X drops the other.
    harness.key_press(Key::N);
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(linked(&spans(&harness), "sergei-lavrov"), 2);
    assert!(
        matches!(harness.state().view.selection, Selection::Proposal(_)),
        "the next one is selected"
    );
    harness.key_press(Key::X);
    harness.run();
    assert!(harness.state().workspace.review.pending.is_empty());
    assert_eq!(linked(&spans(&harness), "sergei-lavrov"), 2);
    harness.key_press(Key::Escape);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(spans(&harness).len(), 1);

    // The span list and the find bar filter by entity.
    harness
        .get_by_role_and_label(egui::Role::TextInput, "Filter")
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(egui::Role::TextInput, "Filter")
        .type_text("entity=lavrov");
    harness.run();
    harness.get_by_label_contains("1 of 1 spans match");
}

#[test]
fn a_new_entity_is_made_from_the_span_and_written_to_entities_ron() {
    let (dir, article) = lavrov_corpus("(entities: [])");
    let mut harness = harness(Some(&article));
    drag_select(&mut harness, "Sameh Shoukry");
    harness.key_press(Key::Num4);
    harness.run();
    harness.key_press(Key::E);
    harness.run();
    harness.get_by_label_contains("No actor entity matches");
    harness
        .get_by_label("New entity \u{201c}Sameh Shoukry\u{201d}")
        .click();
    harness.run();
    assert_eq!(linked(&spans(&harness), "sameh-shoukry"), 1);
    let written = std::fs::read_to_string(dir.path().join("entities.ron")).unwrap();
    let parsed = spantag::model::Entities::parse(&written).unwrap();
    let entity = parsed
        .get("sameh-shoukry")
        .expect("written to entities.ron");
    assert_eq!(
        (entity.name.as_str(), entity.label.as_str()),
        ("Sameh Shoukry", "actor")
    );

    // Its Wikidata id, typed in the details panel, is written too.
    harness
        .get_by_role_and_label(egui::Role::TextInput, "wikidata")
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(egui::Role::TextInput, "wikidata")
        .type_text("Q7407999");
    harness.key_press(Key::Enter);
    harness.run();
    let written = std::fs::read_to_string(dir.path().join("entities.ron")).unwrap();
    let parsed = spantag::model::Entities::parse(&written).unwrap();
    assert_eq!(
        parsed
            .get("sameh-shoukry")
            .unwrap()
            .external
            .get("wikidata")
            .map(String::as_str),
        Some("Q7407999"),
        "{written}"
    );

    // So is an alias, added in the panel.
    harness
        .get_by_role_and_label(egui::Role::TextInput, "New alias")
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(egui::Role::TextInput, "New alias")
        .type_text("Shoukry");
    harness.key_press(Key::Enter);
    harness.run();
    let written = std::fs::read_to_string(dir.path().join("entities.ron")).unwrap();
    let parsed = spantag::model::Entities::parse(&written).unwrap();
    assert_eq!(parsed.get("sameh-shoukry").unwrap().aliases, ["Shoukry"]);
    harness.get_by_label_contains("Also: Shoukry");

    // Unlinking is one click and one undo step.
    harness.get_by_label("Unlink entity").click();
    harness.run();
    assert_eq!(linked(&spans(&harness), "sameh-shoukry"), 0);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(linked(&spans(&harness), "sameh-shoukry"), 1);
    wait_for_sidecar(&mut harness, &sidecar_of(&article), "the link", |s| {
        linked(s, "sameh-shoukry") == 1
    });
}

#[test]
fn a_broken_entities_file_stops_e_with_the_reason_and_is_never_written() {
    let broken = "(entities: [ (id: \"x\", name: ";
    let (dir, article) = lavrov_corpus(broken);
    let mut harness = harness(Some(&article));
    assert!(harness.state().workspace.entities.is_none());
    drag_select(&mut harness, "Sergei Lavrov");
    harness.key_press(Key::Num4);
    harness.run();
    harness.key_press(Key::E);
    harness.run();
    assert!(harness.state().view.entity_linking.is_none(), "no picker");
    let notice = harness.state().view.notice.clone().expect("E says why");
    assert!(notice.text.contains("entities.ron"), "{}", notice.text);
    assert!(
        notice.text.contains("entities.ron:1:"),
        "names the place: {}",
        notice.text
    );
    harness.run();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("entities.ron")).unwrap(),
        broken,
        "never written over"
    );
    assert!(spans(&harness)[0].entity.is_none());
    // A claim is not an entity label: E says so.
    drag_select(&mut harness, "Lavrov said the talks had gone well");
    harness.key_press(Key::Num1);
    harness.key_press(Key::E);
    harness.run();
    let notice = harness.state().view.notice.clone().expect("E says why");
    assert!(
        notice.text.contains("not linked to entities"),
        "{}",
        notice.text
    );
}

#[test]
fn find_spans_where_walks_the_refuted_claims() {
    let (_dir, article) = sample_copy("lavrov-libya.txt");
    let mut harness = harness(Some(&article));
    for text in [
        CLAIM,
        "Moscow is in contact with all Libyan political factions",
    ] {
        drag_select(&mut harness, text);
        harness.key_press(Key::Num1);
    }
    harness.key_press(Key::V);
    harness.key_press(Key::V);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    harness
        .get_by_role_and_label(egui::Role::TextInput, "Spans where")
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(egui::Role::TextInput, "Spans where")
        .type_text("verdict=false");
    harness.run();
    let find = harness.state().view.find.as_ref().unwrap();
    assert_eq!(find.matches.len(), 1, "only the refuted claim");
    let doc = &harness.state().workspace.session.as_ref().unwrap().document;
    assert_eq!(
        doc.text().get(find.matches[0].clone()),
        Some("Moscow is in contact with all Libyan political factions")
    );
    harness.get_by_label_contains("1 matches");
    // Enter in the filter goes to the span and selects its text.
    harness.key_press(Key::Enter);
    harness.run();
    let range = harness.state().view.find.as_ref().unwrap().matches[0].clone();
    assert_eq!(
        harness.state().view.selection,
        Selection::Text {
            anchor: range.start,
            head: range.end
        }
    );
}

#[test]
fn chips_show_attribute_and_entity_marks_snapshot() {
    let (_dir, article) = lavrov_corpus(LAVROV);
    let mut harness = harness(Some(&article));
    drag_select(
        &mut harness,
        "Sergei Lavrov met Sameh Shoukry in Cairo on Monday",
    );
    harness.key_press(Key::Num1);
    harness.key_press(Key::V);
    harness.key_press(Key::V);
    drag_select(&mut harness, "Lavrov said the talks had gone well");
    harness.key_press(Key::Num2);
    harness.key_press(Key::K);
    drag_select(&mut harness, "Moscow");
    harness.key_press(Key::Num3);
    harness.run();
    let doc_spans = spans(&harness);
    assert_eq!(doc_spans.len(), 3);
    // Lavrov in the third line, linked through the picker.
    let rects = {
        let app = harness.state();
        let doc = &app.workspace.session.as_ref().unwrap().document;
        let byte = doc.text().as_str().find("Later, Lavrov").unwrap() + "Later, ".len();
        let start = doc.text().char_from_byte(byte);
        start..start + "Lavrov".len()
    };
    harness.state_mut().view.selection = Selection::Text {
        anchor: rects.start,
        head: rects.end,
    };
    harness.key_press(Key::Num4);
    harness.run();
    harness.key_press(Key::E);
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
    harness.get_by_role_and_label(
        egui::Role::Mark,
        "claim: Sergei Lavrov met Sameh Shoukry in Cairo on Monday (verdict false)",
    );
    harness.get_by_role_and_label(
        egui::Role::Mark,
        "quote: Lavrov said the talks had gone well (kind direct)",
    );
    harness.get_by_role_and_label(egui::Role::Mark, "actor: Lavrov (entity Sergei Lavrov)");
    harness.get_by_label_contains("claim ✖");
    // The status bar says "Saving…" until the autosave lands: wait, so the image is the
    // same on every run.
    crate::gui::step_until(&mut harness, "the autosave", |h| {
        h.state().save_state() == Some(spantag::store::SaveState::Saved)
    });
    harness.snapshot("attributes_and_entities");
}

#[test]
fn the_readme_scheme_example_declares_attributes_that_parse() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("```ron\n(\n    labels:")
        .expect("the scheme example")
        + "```ron\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let scheme =
        spantag::model::Scheme::parse(&readme[start..end]).expect("the README's scheme parses");
    let verdict = scheme
        .attribute("claim", "verdict")
        .expect("declares a verdict");
    assert_eq!(verdict.key.as_deref(), Some("v"));
    assert!(scheme.is_entity_label("person"));
    assert_eq!(
        scheme
            .defaults("claim")
            .get("checkworthy")
            .map(String::as_str),
        Some("yes")
    );
}
