//! Property tests of re-anchoring: after random insertions and deletions, every span whose
//! text survived is kept on that same text, and no span is ever pointed at other text.

use proptest::prelude::*;

use spantag::anchor::{occurrences_of, reanchor};
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
    /// each span stores (it changed between sessions). A diff cannot tell which of two equal
    /// chars an edit next to them removed, so the promise to keep a survivor is for those
    /// that are unambiguous: unique in the new text, or with their stored context untouched.
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
                if survivor.context_intact || unique(&new, span) {
                    prop_assert_ne!(span.anchor, Anchor::Orphaned, "span {} survived", span.id);
                    prop_assert_eq!(span.start, survivor.start);
                }
            }
        }
    }
}

fn unique(text: &Text, span: &Span) -> bool {
    occurrences_of(text.as_str(), &span.text).count() == 1
}
