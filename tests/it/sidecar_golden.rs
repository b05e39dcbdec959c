//! The exact bytes of a sidecar, checked against a reviewed golden file.
//! Run with `UPDATE_GOLDEN=1` to rewrite it after an intended format change, and review
//! the diff.

use std::path::Path;

use spantag::model::{sidecar, Command};
use spantag::store::{Saver, Session};

use crate::util::sample_copy;

#[test]
fn sidecar_bytes_match_the_golden_file() {
    let (_dir, article) = sample_copy("social-emoji.txt");
    let mut session = Session::open(&article).unwrap();
    let marks = [
        ("Tahrir Square", "location"),
        ("President Abdel Fattah el-Sisi", "actor"),
        ("عبد الفتاح السيسي", "actor"),
        ("The people want bread, freedom and dignity ✊🏽", "quote"),
        ("\"no gathering took place\"", "claim"),
        ("🇪🇬", "location"),
    ];
    for (text, label) in marks {
        let doc = &session.document;
        let byte = doc.text().as_str().find(text).unwrap();
        let start = doc.text().char_from_byte(byte);
        let end = start + text.chars().count();
        session
            .document
            .apply(Command::Tag {
                char_range: start..end,
                label: label.into(),
                attrs: Default::default(),
            })
            .unwrap();
    }
    // Version 2: attributes (written in name order), an entity for both spellings.
    let edits = [
        Command::SetAttr {
            id: 4,
            name: "kind".into(),
            value: Some("direct".into()),
        },
        Command::SetAttr {
            id: 5,
            name: "verdict".into(),
            value: Some("misleading".into()),
        },
        Command::SetAttr {
            id: 5,
            name: "checkworthy".into(),
            value: Some("yes".into()),
        },
        Command::SetEntity {
            ids: vec![2, 3],
            entity: Some("abdel-fattah-el-sisi".into()),
        },
    ];
    for edit in edits {
        session.document.apply(edit).unwrap();
    }
    let saver = Saver::new(|| {});
    session.save_now(&saver);
    // A retag and removals after that save, so ids show they are stable and never reused:
    // the highest id, 6, is gone and next_id stays 7.
    session
        .document
        .apply(Command::Retag {
            id: 5,
            label: "quote".into(),
        })
        .unwrap();
    session.document.apply(Command::Remove { id: 2 }).unwrap();
    session.document.apply(Command::Remove { id: 6 }).unwrap();
    session.save_now(&saver);

    let written = std::fs::read_to_string(spantag::store::sidecar_path(&article)).unwrap();
    assert_eq!(written, sidecar::encode(&session.document));
    let golden =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/social-emoji.txt.ann.ron");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &written).unwrap();
    }
    let expected =
        std::fs::read_to_string(&golden).expect("the golden file (UPDATE_GOLDEN=1 writes it)");
    assert_eq!(written, expected);
}

/// A sidecar with a model's suggestions after one was accepted and one rejected: version
/// 3, the `suggestions` list after `relations`, in the order they were imported.
#[test]
fn a_sidecar_with_suggestions_matches_its_golden_file() {
    use spantag::model::{Span, Suggestion};
    let (_dir, article) = sample_copy("social-emoji.txt");
    let mut session = Session::open(&article).unwrap();
    let doc = &session.document;
    let range = |words: &str| {
        let start = doc
            .text()
            .char_from_byte(doc.text().as_str().find(words).unwrap());
        start..start + words.chars().count()
    };
    let offered = [
        ("location", "Tahrir Square", "ner-v2", None),
        (
            "actor",
            "عبد الفتاح السيسي",
            "ner-v2",
            Some("abdel-fattah-el-sisi"),
        ),
        (
            "claim",
            "\"no gathering took place\"",
            "llm \"claims\" v1",
            None,
        ),
        ("location", "🇪🇬", "ner-v2", None),
    ];
    let mut suggestions: Vec<Suggestion> = offered
        .iter()
        .map(|(label, words, source, entity)| {
            let mut span = Span::new(0, label, range(words), doc.text());
            span.entity = entity.map(str::to_string);
            Suggestion::from_span(span, source)
        })
        .collect();
    suggestions[2]
        .attrs
        .insert("confidence".into(), "0.71".into());
    session.document.suggestions = suggestions;
    let accept = session.document.suggestions[1].proposal(1);
    session
        .document
        .apply(Command::Accept(vec![accept]))
        .unwrap();
    session
        .document
        .apply(Command::RejectSuggestion { index: 3 })
        .unwrap();
    let saver = Saver::new(|| {});
    session.save_now(&saver);

    let written = std::fs::read_to_string(spantag::store::sidecar_path(&article)).unwrap();
    assert_eq!(written, sidecar::encode(&session.document));
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/social-emoji-suggestions.txt.ann.ron");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &written).unwrap();
    }
    let expected =
        std::fs::read_to_string(&golden).expect("the golden file (UPDATE_GOLDEN=1 writes it)");
    assert_eq!(written, expected);
    // Read back as written: decode(encode(x)) == x.
    let back = sidecar::decode(&expected).unwrap();
    assert_eq!(back.suggestions, session.document.suggestions);
}
