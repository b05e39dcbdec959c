//! Property tests of re-anchoring: after random insertions and deletions, every span whose
//! text survived is kept on that same text, and no span is ever pointed at other text.

use proptest::prelude::*;

use spantag::anchor::reanchor;
use spantag::model::{Anchor, Span, Text, CONTEXT_CHARS};

/// Words from a small vocabulary, so texts repeat themselves the way articles do.
const WORDS: &[&str] = &[
    "Lavrov", "said", "the", "Cairo", "é", "e\u{301}", "🇪🇬", "عبد", "\r\n", "\n", "\t", "“", "”",
    "talks", "a", "a",
];

#[derive(Clone, Debug)]
enum Edit {
    /// Insert these words at this char (modulo the length).
    Insert(usize, Vec<usize>),
    /// Delete this many chars from this char (modulo the length).
    Delete(usize, usize),
}

fn words(indices: &[usize]) -> String {
    indices
        .iter()
        .map(|&i| WORDS[i % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn case() -> impl Strategy<Value = (Vec<usize>, Vec<(usize, usize)>, Vec<Edit>)> {
    let text = prop::collection::vec(0..WORDS.len(), 2..60);
    let spans = prop::collection::vec((any::<usize>(), 1usize..12), 1..12);
    let edit = prop_oneof![
        (any::<usize>(), prop::collection::vec(0..WORDS.len(), 1..4))
            .prop_map(|(at, w)| Edit::Insert(at, w)),
        (any::<usize>(), 1usize..10).prop_map(|(at, n)| Edit::Delete(at, n)),
    ];
    (text, spans, prop::collection::vec(edit, 1..6))
}

/// The old text, its spans, the new text, and where each span's text truly went (None when
/// an edit touched it).
fn apply(
    words_of_text: &[usize],
    wanted: &[(usize, usize)],
    edits: &[Edit],
) -> (Text, Vec<Span>, Text, Vec<Option<Survivor>>) {
    let old = Text::new(words(words_of_text));
    let n = old.len_chars();
    let spans: Vec<Span> = wanted
        .iter()
        .enumerate()
        .map(|(i, &(at, len))| {
            let start = at % n;
            let end = (start + len).min(n).max(start + 1);
            Span::new(i as u64 + 1, "claim", start..end, &old)
        })
        .collect();
    let mut chars: Vec<char> = old.as_str().chars().collect();
    let mut truth: Vec<Option<(usize, usize)>> =
        spans.iter().map(|s| Some((s.start, s.end))).collect();
    // Whether an edit came within the stored context (32 chars) of each span.
    let mut context_touched = vec![false; spans.len()];
    for edit in edits {
        match edit {
            Edit::Insert(at, w) => {
                let at = at % (chars.len() + 1);
                let inserted: Vec<char> = words(w).chars().collect();
                let k = inserted.len();
                chars.splice(at..at, inserted);
                touch(&truth, &mut context_touched, at, at);
                for t in truth.iter_mut() {
                    *t = t.and_then(|(s, e)| match at {
                        a if a <= s => Some((s + k, e + k)),
                        a if a >= e => Some((s, e)),
                        _ => None,
                    });
                }
            }
            Edit::Delete(at, len) => {
                if chars.is_empty() {
                    continue;
                }
                let at = at % chars.len();
                let end = (at + len).min(chars.len());
                chars.drain(at..end);
                let k = end - at;
                touch(&truth, &mut context_touched, at, end);
                for t in truth.iter_mut() {
                    *t = t.and_then(|(s, e)| {
                        if end <= s {
                            Some((s - k, e - k))
                        } else if at >= e {
                            Some((s, e))
                        } else {
                            None
                        }
                    });
                }
            }
        }
    }
    let new = Text::new(chars.into_iter().collect());
    let truth = truth
        .into_iter()
        .zip(context_touched)
        .map(|(t, touched)| {
            t.map(|(s, _)| Survivor {
                start: s,
                context_intact: !touched,
            })
        })
        .collect();
    (old, spans, new, truth)
}

/// Where a span's text went, when no edit touched it.
#[derive(Clone, Copy, Debug)]
struct Survivor {
    start: usize,
    /// No edit came within the stored context either side.
    context_intact: bool,
}

fn touch(truth: &[Option<(usize, usize)>], touched: &mut [bool], from: usize, to: usize) {
    for (t, flag) in truth.iter().zip(touched.iter_mut()) {
        if let Some((s, e)) = t {
            if to + CONTEXT_CHARS >= *s && from <= e + CONTEXT_CHARS {
                *flag = true;
            }
        }
    }
}

fn check_never_on_other_text(spans: &[Span], original: &[Span], new: &Text) {
    for (span, before) in spans.iter().zip(original) {
        assert_eq!(span.text, before.text, "a span's text never changes");
        if span.anchor != Anchor::Orphaned {
            assert!(span.holds_in(new), "span {} points at other text", span.id);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// With the whole old text (the article changed while open) and with only the context
    /// each span stores (it changed between sessions). The promise to keep a survivor is for
    /// those whose stored context no edit touched: one whose surroundings changed must earn
    /// its place by the context that still agrees, which in these tiny texts of repeated
    /// words it often cannot (being the only occurrence is no proof: see `mentions` below).
    #[test]
    fn survivors_stay_on_their_own_text_and_no_span_lands_on_other_text(
        (text, wanted, edits) in case()
    ) {
        let (old, original, new, truth) = apply(&text, &wanted, &edits);
        for previous in [Some(&old), None] {
            let mut spans = original.clone();
            reanchor(&mut spans, &new, previous);
            check_never_on_other_text(&spans, &original, &new);
            for (span, survived) in spans.iter().zip(&truth) {
                let Some(survivor) = survived else { continue };
                if survivor.context_intact {
                    prop_assert_ne!(span.anchor, Anchor::Orphaned, "span {} survived", span.id);
                    prop_assert_eq!(span.start, survivor.start);
                }
            }
        }
    }
}

// Mentions: articles of distinct paragraphs in which a few names repeat, each time between
// other words, some mentions tagged (some at several places, some twice on one range), then
// edits that delete mentions, add new ones and move paragraphs. Where every mention went is
// known by construction, so a span can be checked to be on its own mention, never another.

/// The repeated names and the label each is tagged with.
const NAMES: &[(&str, &str)] = &[
    ("Cairo", "location"),
    ("Lavrov", "actor"),
    ("Libya", "location"),
];
/// Common words between the unique ones, as articles have them.
const COMMON: &[&str] = &["the", "said", "in", "of", "talks", "on", "and"];

#[derive(Clone, Debug)]
enum Piece {
    Word(String),
    /// A mention of `NAMES[name]`, numbered in the order the article was generated.
    Mention {
        name: usize,
        number: usize,
    },
}

type Sentence = Vec<Piece>;
type Paragraph = Vec<Sentence>;

#[derive(Clone, Debug)]
enum MentionEdit {
    /// The whole sentence holding the mention (by its number, modulo the mentions left).
    DeleteSentence(usize),
    /// Only the mention's word.
    DeleteMention(usize),
    /// The word just before the mention replaced.
    ChangeWordBefore(usize),
    /// A new sentence mentioning a name, into a paragraph at a sentence position.
    InsertMention {
        paragraph: usize,
        at: usize,
        name: usize,
    },
    /// A paragraph moved to another place.
    MoveParagraph { from: usize, to: usize },
}

/// Words no other place in the article has: a unique token per call.
struct Fresh(usize);

impl Fresh {
    fn word(&mut self) -> Piece {
        self.0 += 1;
        let syllables = ["ka", "to", "mi", "ve", "ru", "sa", "lo", "ne"];
        let mut n = self.0;
        let mut word = String::new();
        while n > 0 {
            word.push_str(syllables[n % 8]);
            n /= 8;
        }
        Piece::Word(word)
    }
}

/// A sentence: unique words, a few common ones, and the mentions, each right between two
/// unique words so that no two mentions share their surroundings.
fn sentence(fresh: &mut Fresh, shape: &[usize], names: &[usize], numbers: &mut usize) -> Sentence {
    let mut out = vec![fresh.word()];
    for &w in shape {
        out.push(Piece::Word(COMMON[w % COMMON.len()].to_string()));
        out.push(fresh.word());
    }
    for &name in names {
        let at = 1 + (name * 7 + *numbers) % out.len();
        out.insert(at, fresh.word());
        out.insert(
            at + 1,
            Piece::Mention {
                name,
                number: *numbers,
            },
        );
        out.insert(at + 2, fresh.word());
        *numbers += 1;
    }
    out
}

/// The text, and each mention's char range by number.
fn render(paragraphs: &[Paragraph]) -> (String, std::collections::HashMap<usize, (usize, usize)>) {
    let mut text = String::new();
    let mut chars = 0;
    let mut at = std::collections::HashMap::new();
    for paragraph in paragraphs {
        for (s, sentence) in paragraph.iter().enumerate() {
            for (w, piece) in sentence.iter().enumerate() {
                let word = match piece {
                    Piece::Word(word) => word.as_str(),
                    Piece::Mention { name, number } => {
                        let word = NAMES[*name].0;
                        at.insert(*number, (chars, chars + word.chars().count()));
                        word
                    }
                };
                text.push_str(word);
                chars += word.chars().count();
                let last = w + 1 == sentence.len();
                let end = if last && s + 1 == paragraph.len() {
                    ".\n"
                } else if last {
                    ". "
                } else {
                    " "
                };
                text.push_str(end);
                chars += end.chars().count();
            }
        }
    }
    (text, at)
}

fn mention_numbers(paragraphs: &[Paragraph]) -> Vec<usize> {
    let mut out = Vec::new();
    for piece in paragraphs.iter().flatten().flatten() {
        if let Piece::Mention { number, .. } = piece {
            out.push(*number);
        }
    }
    out
}

/// Where the sentence holding mention `number` is.
fn find(paragraphs: &[Paragraph], number: usize) -> Option<(usize, usize, usize)> {
    for (p, paragraph) in paragraphs.iter().enumerate() {
        for (s, sentence) in paragraph.iter().enumerate() {
            for (w, piece) in sentence.iter().enumerate() {
                if matches!(piece, Piece::Mention { number: n, .. } if *n == number) {
                    return Some((p, s, w));
                }
            }
        }
    }
    None
}

fn change(
    paragraphs: &mut Vec<Paragraph>,
    fresh: &mut Fresh,
    numbers: &mut usize,
    edit: &MentionEdit,
) {
    let mentions = mention_numbers(paragraphs);
    let pick = |k: usize| (!mentions.is_empty()).then(|| mentions[k % mentions.len()]);
    match *edit {
        MentionEdit::DeleteSentence(k) => {
            let Some((p, s, _)) = pick(k).and_then(|n| find(paragraphs, n)) else {
                return;
            };
            paragraphs[p].remove(s);
            if paragraphs[p].is_empty() {
                paragraphs.remove(p);
            }
        }
        MentionEdit::DeleteMention(k) => {
            let Some((p, s, w)) = pick(k).and_then(|n| find(paragraphs, n)) else {
                return;
            };
            paragraphs[p][s].remove(w);
        }
        MentionEdit::ChangeWordBefore(k) => {
            let Some((p, s, w)) = pick(k).and_then(|n| find(paragraphs, n)) else {
                return;
            };
            if w > 0 && matches!(paragraphs[p][s][w - 1], Piece::Word(_)) {
                paragraphs[p][s][w - 1] = fresh.word();
            }
        }
        MentionEdit::InsertMention {
            paragraph,
            at,
            name,
        } => {
            let new = sentence(fresh, &[at], &[name], numbers);
            if paragraphs.is_empty() {
                paragraphs.push(vec![new]);
                return;
            }
            let p = paragraph % paragraphs.len();
            let at = at % (paragraphs[p].len() + 1);
            paragraphs[p].insert(at, new);
        }
        MentionEdit::MoveParagraph { from, to } => {
            if paragraphs.len() < 2 {
                return;
            }
            let moved = paragraphs.remove(from % paragraphs.len());
            let to = to % (paragraphs.len() + 1);
            paragraphs.insert(to, moved);
        }
    }
}

/// An article: paragraphs of sentences (each a shape of common words and the names it
/// mentions); which mentions are tagged (0: not, 1: once, 2: twice, a claim over it too);
/// and the changes.
type MentionCase = (
    Vec<Vec<(Vec<usize>, Vec<usize>)>>,
    Vec<u8>,
    Vec<MentionEdit>,
);

fn mention_case() -> impl Strategy<Value = MentionCase> {
    let sentence = (
        prop::collection::vec(0..COMMON.len(), 1..6),
        prop::collection::vec(0..NAMES.len(), 0..3),
    );
    let paragraph = prop::collection::vec(sentence, 1..4);
    let article = prop::collection::vec(paragraph, 2..6);
    let tags = prop::collection::vec(
        prop_oneof![2 => Just(0u8), 5 => Just(1u8), 1 => Just(2u8)],
        24,
    );
    let change = prop_oneof![
        any::<usize>().prop_map(MentionEdit::DeleteSentence),
        any::<usize>().prop_map(MentionEdit::DeleteMention),
        any::<usize>().prop_map(MentionEdit::ChangeWordBefore),
        (any::<usize>(), any::<usize>(), 0..NAMES.len()).prop_map(|(paragraph, at, name)| {
            MentionEdit::InsertMention {
                paragraph,
                at,
                name,
            }
        }),
        (any::<usize>(), any::<usize>())
            .prop_map(|(from, to)| MentionEdit::MoveParagraph { from, to }),
    ];
    (article, tags, prop::collection::vec(change, 1..4))
}

/// The old text and spans, the new text, and for each span the range its own mention has
/// in the new text (`None`: the mention was deleted).
struct Edited {
    old: Text,
    spans: Vec<Span>,
    new: Text,
    own: Vec<Option<(usize, usize)>>,
}

fn edited((article, tags, changes): &MentionCase) -> Edited {
    let mut fresh = Fresh(0);
    let mut numbers = 0;
    let mut paragraphs: Vec<Paragraph> = article
        .iter()
        .map(|p| {
            p.iter()
                .map(|(shape, names)| sentence(&mut fresh, shape, names, &mut numbers))
                .collect()
        })
        .collect();
    let (old_string, old_at) = render(&paragraphs);
    let old = Text::new(old_string);
    let mut spans = Vec::new();
    let mut of_span = Vec::new();
    for (piece, &tag) in paragraphs
        .iter()
        .flatten()
        .flatten()
        .filter(|p| matches!(p, Piece::Mention { .. }))
        .zip(tags)
    {
        let Piece::Mention { name, number } = *piece else {
            continue;
        };
        let (start, end) = old_at[&number];
        for label in [NAMES[name].1, "claim"].iter().take(usize::from(tag)) {
            spans.push(Span::new(spans.len() as u64 + 1, label, start..end, &old));
            of_span.push(number);
        }
    }
    for edit in changes {
        change(&mut paragraphs, &mut fresh, &mut numbers, edit);
    }
    let (new_string, new_at) = render(&paragraphs);
    Edited {
        old,
        spans,
        new: Text::new(new_string),
        own: of_span.iter().map(|n| new_at.get(n).copied()).collect(),
    }
}

/// Re-anchors and checks every promise; returns (spans whose mention survived, of those
/// orphaned).
fn check_mentions(case: &Edited, previous: Option<&Text>) -> Result<(usize, usize), TestCaseError> {
    let mut spans = case.spans.clone();
    let outcome = reanchor(&mut spans, &case.new, previous);
    let mode = if previous.is_some() {
        "old text known"
    } else {
        "context only"
    };
    let (mut survived, mut orphaned) = (0, 0);
    for ((span, before), own) in spans.iter().zip(&case.spans).zip(&case.own) {
        let placed = span.anchor != Anchor::Orphaned;
        if placed {
            prop_assert_eq!(
                Some((span.start, span.end)),
                *own,
                "{}: span {} ({}) is not on its own mention",
                mode,
                span.id,
                span.text
            );
        } else {
            prop_assert_eq!(
                (span.start, span.end),
                (before.start, before.end),
                "an orphan keeps its range"
            );
        }
        if own.is_some() {
            survived += 1;
            orphaned += usize::from(!placed);
        }
        // The outcome says what happened to each.
        let moved = outcome.moved.contains(&span.id);
        prop_assert_eq!(moved, span.anchor == Anchor::Moved);
        prop_assert_eq!(outcome.orphaned.contains(&span.id), !placed);
        prop_assert_eq!(moved, placed && span.start != before.start);
    }
    prop_assert_eq!(
        outcome.held + outcome.moved.len() + outcome.orphaned.len(),
        spans.len()
    );
    for (i, a) in spans.iter().enumerate() {
        for (b, (a0, b0)) in spans[i + 1..]
            .iter()
            .zip(case.spans.iter().skip(i).zip(&case.spans[i + 1..]))
        {
            let both = a.anchor != Anchor::Orphaned && b.anchor != Anchor::Orphaned;
            if both && (a.start, a.end) == (b.start, b.end) {
                prop_assert_ne!(
                    &a.label,
                    &b.label,
                    "{}: spans {} and {} are identical",
                    mode,
                    a.id,
                    b.id
                );
                prop_assert_eq!(
                    (a0.start, a0.end),
                    (b0.start, b0.end),
                    "{}: {} and {} landed on one range",
                    mode,
                    a.id,
                    b.id
                );
            }
        }
    }
    Ok((survived, orphaned))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Mentions deleted (with their sentence or alone), new ones inserted, neighbours
    /// changed, paragraphs moved: no span ever ends on a mention other than its own, none
    /// becomes identical to another, no two land on one range they did not share.
    #[test]
    fn spans_stay_on_their_own_mention_or_are_orphaned(case in mention_case()) {
        let edited = edited(&case);
        check_mentions(&edited, Some(&edited.old))?;
        check_mentions(&edited, None)?;
    }
}

/// The price of never guessing, so that "orphan everything" fails: of the spans whose own
/// mention survived the edits, the share orphaned, over 1,000 deterministic cases
/// (measured: 1.22% with the old text known, 1.24% without; the bound leaves room).
#[test]
fn few_spans_whose_mention_survived_are_orphaned() {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let config = Config {
        cases: 1000,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let totals = std::cell::RefCell::new([(0usize, 0usize); 2]);
    runner
        .run(&mention_case(), |case| {
            let edited = edited(&case);
            for (k, previous) in [Some(&edited.old), None].into_iter().enumerate() {
                let (survived, orphaned) = check_mentions(&edited, previous)?;
                let mut totals = totals.borrow_mut();
                totals[k].0 += survived;
                totals[k].1 += orphaned;
            }
            Ok(())
        })
        .expect("the promises hold");
    let totals = totals.into_inner();
    for ((survived, orphaned), mode) in totals.iter().zip(["old text known", "context only"]) {
        let rate = 100.0 * *orphaned as f64 / (*survived).max(1) as f64;
        eprintln!(
            "{mode}: {orphaned} of {survived} spans whose mention survived orphaned ({rate:.2}%)"
        );
        assert!(*survived > 1000, "the cases tag enough mentions");
        assert!(rate < 3.0, "{mode}: {rate:.2}% orphaned");
    }
}

/// Issue 16's case: the sentence holding a tagged place name is deleted while the same name,
/// tagged with the same label, stays elsewhere in other words. The deleted mention's span is
/// orphaned (it used to move onto the other mention, the only occurrence left), and the
/// other span stays where it is, with the old text known and without it.
#[test]
fn a_deleted_mention_is_orphaned_not_moved_onto_the_same_name_elsewhere() {
    let old = Text::new(
        "Protesters gathered near the embassy on Friday; Cairo police dispersed them by \
         evening.\nTalks resumed on Monday. Delegates met in Cairo to discuss a ceasefire \
         with the envoys.\n"
            .into(),
    );
    let place = |nth: usize| {
        let byte = old.as_str().match_indices("Cairo").nth(nth).map(|(b, _)| b);
        let start = old.char_from_byte(byte.expect("two mentions"));
        start..start + 5
    };
    let other = Span::new(1, "location", place(0), &old);
    let deleted = Span::new(2, "location", place(1), &old);
    let new = Text::new(old.as_str().replace(
        " Delegates met in Cairo to discuss a ceasefire with the envoys.",
        "",
    ));
    for previous in [Some(&old), None] {
        let mut spans = vec![other.clone(), deleted.clone()];
        let outcome = reanchor(&mut spans, &new, previous);
        assert_eq!(outcome.held, 1, "old text known: {}", previous.is_some());
        assert_eq!(outcome.moved, Vec::<u64>::new());
        assert_eq!(outcome.orphaned, vec![2]);
        assert_eq!(spans[0], other, "the other span is untouched");
        assert_eq!(spans[1].anchor, Anchor::Orphaned);
        assert_eq!((spans[1].start, spans[1].end), (deleted.start, deleted.end));
    }
}
