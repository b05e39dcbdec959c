//! Property tests of the model: any sequence of edits keeps the invariants, undo and redo
//! restore exact earlier states, and save → load is the identity.

use proptest::prelude::*;

use spantag::model::{sidecar, Annotations, ArticleMeta, Command, Document, Text};

const PIECES: &[&str] = &[
    "a",
    "Lavrov",
    " ",
    "é",
    "e\u{301}",
    "😀",
    "🇪🇬",
    "\r\n",
    "\n",
    "\r",
    "👨‍👩‍👧",
    "\t",
    "\"",
    "\\",
    "«",
    "عبد",
    "✊🏽",
];
const LABELS: &[&str] = &["claim", "quote", "location", "actor"];
/// Attribute names and values, entity ids: the characters a sidecar must escape included.
const ATTR_NAMES: &[&str] = &["verdict", "kind", "a\"b", "zé"];
const VALUES: &[&str] = &[
    "false",
    "yes",
    "-0.5",
    "line\\two \"q\"",
    "🇪🇬 عبد",
    "sergei-lavrov",
    "\u{7}\u{2028}",
];

#[derive(Clone, Debug)]
enum Step {
    Tag(usize, usize, usize),
    Retag(usize, usize),
    Remove(usize),
    /// Span, attribute name, value (`None` clears).
    SetAttr(usize, usize, Option<usize>),
    SetEntity(usize, usize, Option<usize>),
    Undo,
    Redo,
}

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 1..40).prop_map(|p| p.concat())
}

fn step_strategy() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (any::<usize>(), any::<usize>(), 0..LABELS.len()).prop_map(|(a, b, l)| Step::Tag(a, b, l)),
        1 => (any::<usize>(), 0..LABELS.len()).prop_map(|(i, l)| Step::Retag(i, l)),
        1 => any::<usize>().prop_map(Step::Remove),
        1 => (any::<usize>(), 0..ATTR_NAMES.len(), prop::option::of(0..VALUES.len()))
            .prop_map(|(i, n, v)| Step::SetAttr(i, n, v)),
        1 => (any::<usize>(), any::<usize>(), prop::option::of(0..VALUES.len()))
            .prop_map(|(i, j, e)| Step::SetEntity(i, j, e)),
        1 => Just(Step::Undo),
        1 => Just(Step::Redo),
    ]
}

fn command(doc: &Document, step: &Step) -> Command {
    let len = doc.text().len_chars();
    let spans = doc.annotations().spans();
    let pick = |i: usize| spans.get(i % spans.len().max(1)).map_or(0, |s| s.id);
    match *step {
        Step::Tag(a, b, l) => {
            let (a, b) = (a % (len + 1), b % (len + 1));
            Command::Tag {
                char_range: a.min(b)..a.max(b),
                label: LABELS[l].into(),
                attrs: Default::default(),
            }
        }
        Step::Retag(i, l) => Command::Retag {
            id: pick(i),
            label: LABELS[l].into(),
        },
        Step::Remove(i) => Command::Remove { id: pick(i) },
        Step::SetAttr(i, n, v) => Command::SetAttr {
            id: pick(i),
            name: ATTR_NAMES[n].into(),
            value: v.map(|v| VALUES[v].into()),
        },
        Step::SetEntity(i, j, e) => Command::SetEntity {
            ids: vec![pick(i), pick(j)],
            entity: e.map(|e| VALUES[e].into()),
        },
        Step::Undo => Command::Undo,
        Step::Redo => Command::Redo,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn edits_keep_invariants_and_undo_redo_are_exact(
        text in text_strategy(),
        steps in prop::collection::vec(step_strategy(), 1..40),
    ) {
        let mut doc = Document::new(Text::new(text), ArticleMeta::default(), Annotations::default());
        // What undo and redo must give back, as whole snapshots.
        let mut undo_states: Vec<Annotations> = Vec::new();
        let mut redo_states: Vec<Annotations> = Vec::new();
        for step in &steps {
            let before = doc.annotations().clone();
            let cmd = command(&doc, step);
            let result = doc.apply(cmd.clone());
            match (&cmd, result) {
                (Command::Undo, Ok(_)) => {
                    let expected = undo_states.pop().expect("undo had a state");
                    prop_assert_eq!(doc.annotations().spans(), expected.spans());
                    redo_states.push(before);
                }
                (Command::Redo, Ok(_)) => {
                    let expected = redo_states.pop().expect("redo had a state");
                    prop_assert_eq!(doc.annotations().spans(), expected.spans());
                    undo_states.push(before);
                }
                (_, Ok(applied)) if applied.changed => {
                    undo_states.push(before);
                    redo_states.clear();
                }
                (_, _) => prop_assert_eq!(doc.annotations(), &before, "a refused command changed nothing"),
            }
            prop_assert_eq!(doc.can_undo(), !undo_states.is_empty());
            prop_assert_eq!(doc.can_redo(), !redo_states.is_empty());
            if let Err(problem) = doc.annotations().check_invariants(doc.text()) {
                prop_assert!(false, "{}", problem);
            }
        }

        // Save → load is the identity, byte for byte.
        let bytes = sidecar::encode(&doc);
        let parsed = sidecar::decode(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // The fast reader of the canonical layout agrees with the general RON parser.
        let general: sidecar::Sidecar = ron::from_str(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&parsed, &general);
        let (back, report) = sidecar::attach(doc.text().clone(), doc.meta.clone(), parsed)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(report.anchoring.orphaned.is_empty());
        prop_assert_eq!(back.annotations().spans(), doc.annotations().spans());
        prop_assert_eq!(back.status, doc.status);
        prop_assert_eq!(sidecar::encode(&back), bytes);
    }

    #[test]
    fn char_byte_tables_agree_with_std(text in text_strategy()) {
        let t = Text::new(text.clone());
        let boundaries: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
        prop_assert_eq!(t.len_chars(), boundaries.len() - 1);
        for (c, &b) in boundaries.iter().enumerate() {
            prop_assert_eq!(t.byte_from_char(c), b);
            prop_assert_eq!(t.char_from_byte(b), c);
        }
    }
}
