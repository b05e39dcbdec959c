//! Re-anchoring: finding each span again after its article changed.
//!
//! A span stores its position, the exact text it covers and up to 32 chars of context on
//! each side. When the article's bytes differ from those the sidecar was written for, every
//! span is re-anchored in order, trying in turn:
//!
//! 1. **held**: the stored position still holds the stored text and context;
//! 2. **diff**: the old text is mapped to the new one with a diff (imara-diff). When the
//!    whole previous text is known (the app saw the file change), the two texts are diffed
//!    line by line and a span in an unchanged line moves with it. Otherwise, or when its
//!    line changed, the old text around the span, which the span itself stores
//!    (prefix + text + suffix), is diffed char by char against the new text near where the
//!    span should now be (its old position shifted as much as the previous span's was);
//! 3. **quote**: every occurrence of the text is scored by how much of the stored context
//!    surrounds it, and only a clear best is accepted;
//! 4. else the span is **orphaned**: kept with what it said, for the analyst to review.
//!
//! # A place must earn the span
//!
//! Every candidate position holds exactly the span's text; that alone proves nothing, since
//! names and words repeat. Only a position the whole-text line diff maps the span's own,
//! unchanged line to is taken on that evidence. Any other (the char diff, which can align
//! the span's chars onto another occurrence within its window; the quote search's best,
//! even when it is the only occurrence; the stored position when the text is still there
//! but its surroundings changed, where a repeated word may have shifted onto it) must have
//! [`MIN_AGREEMENT`] chars of stored context agree ([`context_agreement`]: chars of the
//! stored prefix agreeing backwards from the span, plus chars of the stored suffix agreeing
//! forwards, max 64). A side stored shorter than 32 chars ended at the article's edge, and
//! that edge counts as one char more when the candidate meets it too. A span with fewer
//! stored context chars than the threshold (in a very short article) needs all of them to
//! agree; one with none at all (its article was only its own text) needs to meet an edge.
//!
//! Why 20: measured over the repository's real articles (`tests/it/anchor_threshold.rs`),
//! a span's own text after a realistic edit (a sentence deleted or inserted beside it, a
//! paragraph moved, the word next to it changed) keeps one whole side: its agreement is 32
//! or more in 99% of cases, and the worst edit, a changed neighbouring word, leaves under
//! 1.1% below 20. Another occurrence of the same word scores a median of 1, and 0.8% reach
//! 20 (names: 3.9%), nearly all of them the same phrase repeated ("Lavrov said at a press
//! conference"). A lower threshold trades few rescued spans for many more impostors (12:
//! 1.9% of impostors, 0.18% of genuine moves orphaned; 20: 0.8% and 0.34%).
//!
//! # No two spans on one mention
//!
//! A range may end up holding two spans only if both were on it before (a claim and a
//! quote over the same words). When spans from different places land on one range, the
//! strongest evidence keeps it (held, then moved by the line diff, then the higher context
//! agreement) and the others are orphaned; a tie between spans from different places
//! orphans them all. Re-anchoring therefore never makes a span identical (label and range)
//! to another, nor moves a span onto a mention another span already holds.

use imara_diff::{Algorithm, Diff, Hunk, Token};

use crate::model::{Anchor, Span, SpanId, Text, CONTEXT_CHARS};

/// How far (in chars) beyond the stored context the local diff looks for a span.
const LOCAL_SLACK: usize = 256;
/// The fewest chars of stored context that must agree around a place the span moves to,
/// or stays at when its surroundings changed ([`context_agreement`]; why this many: the
/// module doc).
pub const MIN_AGREEMENT: usize = 20;
/// The fewest context chars by which the best quote match must beat the runner-up.
const MIN_MARGIN: usize = 4;
/// Past this many occurrences a quote is too common to place by its context.
const MAX_OCCURRENCES: usize = 100_000;

/// What happened to each span, by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// How many were still at their stored position.
    pub held: usize,
    /// Found at a new position; now marked [`Anchor::Moved`].
    pub moved: Vec<SpanId>,
    /// Not found with confidence; now marked [`Anchor::Orphaned`], otherwise unchanged.
    pub orphaned: Vec<SpanId>,
}

impl Outcome {
    /// Whether any span's position or anchor changed.
    pub fn changed_anything(&self) -> bool {
        !self.moved.is_empty() || !self.orphaned.is_empty()
    }
}

/// Why a span was placed where it is, weakest first: the order in which collisions are
/// settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Evidence {
    /// Moved to where this much of its stored context agrees ([`context_agreement`]).
    Context(usize),
    /// Moved with its own line, unchanged, by the whole-text line diff.
    LineDiff,
    /// Still at its stored position.
    Held,
}

/// Where the first pass put one span, before collisions are settled.
struct Placement {
    /// The span's char range before re-anchoring, and the one found (equal when it held).
    before: (usize, usize),
    after: (usize, usize),
    evidence: Evidence,
}

/// Re-anchors `spans` in `new`, the current article text. `old` is the text the spans were
/// made on, when it is known. Spans already orphaned are left as they are. Spans that hold
/// or move get their text, prefix and suffix refreshed from `new`; spans orphaned keep
/// their stored position and context.
pub fn reanchor(spans: &mut [Span], new: &Text, old: Option<&Text>) -> Outcome {
    let mut order: Vec<usize> = (0..spans.len())
        .filter(|&i| !spans[i].is_orphaned())
        .collect();
    order.sort_by_key(|&i| (spans[i].start, spans[i].end));

    let global = old.and_then(|old| CharMap::between(old.as_str(), new.as_str(), Unit::Line));
    // How far the previous placed span moved: the best guess for the next one.
    let mut shift: isize = 0;
    let mut placements: Vec<Option<Placement>> = Vec::with_capacity(order.len());
    for &i in &order {
        let span = &spans[i];
        let found = place(span, new, global.as_ref(), shift);
        if let Some((start, _)) = found {
            shift = start as isize - span.start as isize;
        }
        let len = span.text.chars().count();
        placements.push(found.map(|(start, evidence)| Placement {
            before: (span.start, span.end),
            after: (start, start + len),
            evidence,
        }));
    }
    let lost = collisions(&placements);

    let mut outcome = Outcome::default();
    for (k, &i) in order.iter().enumerate() {
        let span = &mut spans[i];
        match &placements[k] {
            Some(p) if !lost[k] => {
                (span.start, span.end) = p.after;
                span.refresh_from(new);
                if p.evidence == Evidence::Held {
                    outcome.held += 1;
                } else {
                    span.anchor = Anchor::Moved;
                    outcome.moved.push(span.id);
                }
            }
            _ => {
                span.anchor = Anchor::Orphaned;
                outcome.orphaned.push(span.id);
            }
        }
    }
    outcome
}

/// Where a span is in `new` and why, or `None` when no place earns it (the order of the
/// steps is the module doc's).
fn place(
    span: &Span,
    new: &Text,
    global: Option<&CharMap>,
    shift: isize,
) -> Option<(usize, Evidence)> {
    let fit = fit_at_stored_position(span, new);
    if fit == Fit::TextAndContext {
        return Some((span.start, Evidence::Held));
    }
    let len = span.text.chars().count();
    if len == 0 {
        return None;
    }
    let by_lines = global.and_then(|map| {
        map.candidates(span.start, len)
            .find(|&s| holds_at(new, s, &span.text))
    });
    if let Some(start) = by_lines {
        let evidence = if start == span.start {
            Evidence::Held
        } else {
            Evidence::LineDiff
        };
        return Some((start, evidence));
    }
    // The text alone may be at the old position by chance (a repeated word shifted onto
    // it): the diff and the quote search decide, and holding must earn its place too.
    let found = local_diff(span, new, shift).or_else(|| quote_search(span, new));
    match (found, fit) {
        (Some((start, _)), _) if start == span.start => Some((start, Evidence::Held)),
        (Some((start, score)), _) => Some((start, Evidence::Context(score))),
        (None, Fit::Text) => {
            let score = context_agreement(span, new, span.start);
            (score >= required_agreement(span)).then_some((span.start, Evidence::Held))
        }
        (None, _) => None,
    }
}

/// Which placements lose a collision, by index into `placements`. Two spans may share a
/// range after re-anchoring only if they shared it before (a claim and a quote over the
/// same words); otherwise the best evidence keeps the range and the rest are orphaned, and
/// when the best is tied between spans from different ranges, all of them are.
fn collisions(placements: &[Option<Placement>]) -> Vec<bool> {
    let mut lost = vec![false; placements.len()];
    let mut by_range: std::collections::HashMap<(usize, usize), Vec<usize>> = Default::default();
    for (k, p) in placements.iter().enumerate() {
        if let Some(p) = p {
            by_range.entry(p.after).or_default().push(k);
        }
    }
    let placed = |k: usize| placements[k].as_ref();
    for group in by_range.values().filter(|g| g.len() > 1) {
        let befores = || group.iter().filter_map(|&k| placed(k)).map(|p| p.before);
        let first = befores().next();
        if befores().all(|b| Some(b) == first) {
            continue;
        }
        let best = group
            .iter()
            .filter_map(|&k| placed(k))
            .map(|p| p.evidence)
            .max();
        let mut winners = group
            .iter()
            .filter_map(|&k| placed(k))
            .filter(|p| Some(p.evidence) == best)
            .map(|p| p.before);
        let winner = winners.next();
        let tied = winners.any(|b| Some(b) != winner);
        for &k in group {
            if tied || placed(k).map(|p| p.before) != winner {
                lost[k] = true;
            }
        }
    }
    lost
}

/// How well a span fits at its stored position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fit {
    None,
    /// The stored text is there, but its surroundings changed.
    Text,
    /// The stored text and its stored prefix and suffix are all there.
    TextAndContext,
}

fn fit_at_stored_position(span: &Span, text: &Text) -> Fit {
    if !(span.start < span.end && span.end <= text.len_chars()) {
        return Fit::None;
    }
    let bytes = text.byte_range(span.char_range());
    let (prefix, covered, suffix) = text.context_of_bytes(bytes, CONTEXT_CHARS);
    if covered != span.text {
        Fit::None
    } else if prefix == span.prefix && suffix == span.suffix {
        Fit::TextAndContext
    } else {
        Fit::Text
    }
}

/// Whether `text` holds exactly `wanted` at chars `[start, start + chars_of(wanted))`.
fn holds_at(text: &Text, start: usize, wanted: &str) -> bool {
    let len = wanted.chars().count();
    len > 0 && text.get(start..start + len) == Some(wanted)
}

/// What a diff compares: chars (a span's neighbourhood), or lines (a whole article, so the
/// diff stays fast: lines are many and mostly distinct).
#[derive(Clone, Copy)]
enum Unit {
    Char,
    Line,
}

/// A whole-text line diff is skipped when the changed middle of either text (what is left
/// after the lines they start and end with in common) has more lines than this: a diff of
/// two large, mostly different texts can take minutes, and the steps after it are bounded.
const MAX_DIFF_LINES: usize = 20_000;

/// A local char diff is skipped for neighbourhoods longer than this (a span over pages of
/// text), which the quote search finds by its exact text instead.
const MAX_LOCAL_CHARS: usize = 8_192;

/// An old→new char position map built from a diff.
struct CharMap {
    /// In tokens (chars or lines).
    hunks: Vec<Hunk>,
    /// The char where each token starts, old and new, ending with the text's length.
    old_starts: Vec<usize>,
    new_starts: Vec<usize>,
}

impl CharMap {
    fn between<'a>(old: &'a str, new: &'a str, unit: Unit) -> Option<CharMap> {
        let (old_tokens, old_starts) = tokens(old, unit);
        let (new_tokens, new_starts) = tokens(new, unit);
        if let Unit::Line = unit {
            let same_start = old_tokens
                .iter()
                .zip(&new_tokens)
                .take_while(|(a, b)| a == b)
                .count();
            let same_end = old_tokens[same_start..]
                .iter()
                .rev()
                .zip(new_tokens[same_start..].iter().rev())
                .take_while(|(a, b)| a == b)
                .count();
            let middle = (old_tokens.len() - same_start - same_end)
                .min(new_tokens.len() - same_start - same_end);
            if middle > MAX_DIFF_LINES {
                return None;
            }
        }
        // Tokens interned to dense numbers, as the histogram algorithm wants.
        let mut table = std::collections::HashMap::new();
        let mut intern = |token: &'a str| {
            let next = table.len() as u32;
            Token(*table.entry(token).or_insert(next))
        };
        let before: Vec<Token> = old_tokens.iter().map(|&t| intern(t)).collect();
        let after: Vec<Token> = new_tokens.iter().map(|&t| intern(t)).collect();
        let mut diff = Diff::default();
        diff.compute_with(Algorithm::Histogram, &before, &after, table.len() as u32);
        Some(CharMap {
            hunks: diff.hunks().collect(),
            old_starts,
            new_starts,
        })
    }

    /// The new index of old char `i`, if the token holding it is unchanged.
    fn char(&self, i: usize) -> Option<usize> {
        let token = self
            .old_starts
            .partition_point(|&s| s <= i)
            .checked_sub(1)?;
        let offset = i - self.old_starts[token];
        let mapped = self.token(u32::try_from(token).ok()?)?;
        // The last entry is the end of the text, not a token.
        (mapped + 1 < self.new_starts.len()).then(|| self.new_starts[mapped] + offset)
    }

    /// The new index of old token `i`, if that token is unchanged.
    fn token(&self, i: u32) -> Option<usize> {
        let before = self.hunks.partition_point(|h| h.before.start <= i);
        let Some(hunk) = before.checked_sub(1).map(|k| &self.hunks[k]) else {
            return Some(i as usize);
        };
        if i < hunk.before.end {
            return None;
        }
        Some((i - hunk.before.end + hunk.after.end) as usize)
    }

    /// Where a run of `len` old chars starting at old char `start` may be in the new text:
    /// its first char mapped, and its last char mapped minus the length. Both are tried,
    /// because a diff may align an edit next to the run on either side of a repeated char.
    fn candidates(&self, start: usize, len: usize) -> impl Iterator<Item = usize> {
        let by_start = self.char(start);
        let by_end = (start.checked_add(len))
            .and_then(|end| self.char(end.checked_sub(1)?))
            .and_then(|last| (last + 1).checked_sub(len));
        by_start.into_iter().chain(by_end)
    }
}

/// The tokens of a text and the char where each starts (plus the text's length). Lines
/// end after `\n` or `\r`, so CR-only and mixed newlines split too.
fn tokens(text: &str, unit: Unit) -> (Vec<&str>, Vec<usize>) {
    let pieces: Vec<&str> = match unit {
        Unit::Char => text
            .char_indices()
            .map(|(i, c)| &text[i..i + c.len_utf8()])
            .collect(),
        Unit::Line => text.split_inclusive(['\n', '\r']).collect(),
    };
    let mut starts = Vec::with_capacity(pieces.len() + 1);
    let mut at = 0;
    for piece in &pieces {
        starts.push(at);
        at += match unit {
            Unit::Char => 1,
            Unit::Line => piece.chars().count(),
        };
    }
    starts.push(at);
    (pieces, starts)
}

/// Step 2 without the old text: diff the span's stored surroundings against the new text
/// around where the span should be, given how far the previous span moved.
/// Returns the start and its context agreement, when it earns its place.
fn local_diff(span: &Span, new: &Text, shift: isize) -> Option<(usize, usize)> {
    let len = span.text.chars().count();
    if len == 0 {
        return None;
    }
    let prefix_len = span.prefix.chars().count();
    let expected = span.start.checked_add_signed(shift)?;
    let from = expected.saturating_sub(prefix_len + LOCAL_SLACK);
    let to = expected
        .saturating_add(len + span.suffix.chars().count() + LOCAL_SLACK)
        .min(new.len_chars());
    if from >= to {
        return None;
    }
    if to - from > MAX_LOCAL_CHARS {
        return None;
    }
    let old_local = format!("{}{}{}", span.prefix, span.text, span.suffix);
    let map = CharMap::between(&old_local, new.slice(from..to), Unit::Char)?;
    // In the local old text the span starts right after its prefix.
    let required = required_agreement(span);
    map.candidates(prefix_len, len)
        .map(|s| s + from)
        .filter(|&s| holds_at(new, s, &span.text))
        .map(|s| (s, context_agreement(span, new, s)))
        .find(|&(_, score)| score >= required)
}

/// Step 3: the occurrence of the span's text that the stored context fits clearly best,
/// if it fits well enough ([`required_agreement`]), even when it is the only one. Returns
/// its start and context agreement.
fn quote_search(span: &Span, new: &Text) -> Option<(usize, usize)> {
    if span.text.is_empty() {
        return None;
    }
    let haystack = new.as_str();
    let mut best: Option<(usize, usize)> = None; // (score, byte)
    let mut second = 0;
    let mut occurrences = 0;
    for byte in occurrences_of(haystack, &span.text) {
        occurrences += 1;
        if occurrences > MAX_OCCURRENCES {
            return None;
        }
        let score = agreement_at_bytes(span, haystack, byte..byte + span.text.len());
        match best {
            Some((top, _)) if score <= top => second = second.max(score),
            _ => {
                if let Some((top, _)) = best {
                    second = top;
                }
                best = Some((score, byte));
            }
        }
    }
    let (top, byte) = best?;
    let clear = occurrences == 1 || top >= second + MIN_MARGIN.max(top / 4);
    (clear && top >= required_agreement(span)).then(|| (new.char_from_byte(byte), top))
}

/// How much of a span's stored context agrees with `text` around the span's text put at
/// char `char_start`: the chars of the stored prefix that agree backwards from the span,
/// plus those of the stored suffix that agree forwards. A stored side shorter than
/// [`CONTEXT_CHARS`] ended at the edge of the text, and that edge counts as one more agreeing
/// char where the candidate's side ends at the text's edge right after it too.
pub fn context_agreement(span: &Span, text: &Text, char_start: usize) -> usize {
    let char_end = char_start + span.text.chars().count();
    if char_end > text.len_chars() {
        return 0;
    }
    agreement_at_bytes(span, text.as_str(), text.byte_range(char_start..char_end))
}

fn agreement_at_bytes(span: &Span, text: &str, bytes: std::ops::Range<usize>) -> usize {
    let (before, after) = (&text[..bytes.start], &text[bytes.end..]);
    let prefix = common_suffix(before, &span.prefix);
    let suffix = common_prefix(after, &span.suffix);
    let edge = |agreed: usize, stored: &str, side: &str| {
        usize::from(
            agreed < CONTEXT_CHARS
                && side.len() == stored.len()
                && agreed == stored.chars().count(),
        )
    };
    prefix + suffix + edge(prefix, &span.prefix, before) + edge(suffix, &span.suffix, after)
}

/// The agreement a candidate position needs ([`context_agreement`]): [`MIN_AGREEMENT`], or
/// all the chars of stored context when there are fewer (a short article: a text edge the
/// candidate meets counts on top, so text appended to it does not orphan its spans), and at
/// least 1, so a span stored with no context at all must meet an edge of the text.
pub fn required_agreement(span: &Span) -> usize {
    let stored = span.prefix.chars().count() + span.suffix.chars().count();
    MIN_AGREEMENT.min(stored).max(1)
}

/// The byte offsets of every occurrence of `needle` in `haystack`, overlapping ones too.
pub fn occurrences_of<'a>(haystack: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let found = from + haystack.get(from..)?.find(needle)?;
        from = found + haystack[found..].chars().next().map_or(1, char::len_utf8);
        Some(found)
    })
}

/// How many chars at the end of `a` equal those at the end of `b`.
fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many chars at the start of `a` equal those at the start of `b`.
fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixture;

    fn spans_of(markup: &str) -> (Text, Vec<Span>) {
        let doc = fixture::document(markup);
        (doc.text().clone(), doc.annotations().spans().to_vec())
    }

    fn at(spans: &[Span], id: SpanId) -> &Span {
        spans.iter().find(|s| s.id == id).unwrap()
    }

    #[test]
    fn unchanged_positions_hold() {
        let (text, mut spans) = spans_of("[actor|Lavrov] said [location|Libya]");
        let new = Text::new(format!("{} Later.", text.as_str()));
        let outcome = reanchor(&mut spans, &new, None);
        assert_eq!(outcome.held, 2);
        assert!(!outcome.changed_anything());
    }

    #[test]
    fn an_insertion_before_moves_spans_by_the_local_diff() {
        let (_, mut spans) = spans_of("Minister [actor|Lavrov] said [location|Libya] was calm.");
        let new = Text::new("Foreign Minister Sergei Lavrov said Libya was calm.".into());
        let outcome = reanchor(&mut spans, &new, None);
        assert_eq!(outcome.moved, vec![1, 2]);
        for span in &spans {
            assert!(span.holds_in(&new));
            assert_eq!(span.anchor, Anchor::Moved);
        }
        assert_eq!(at(&spans, 1).start, 24);
    }

    #[test]
    fn with_the_old_text_a_far_shift_is_mapped_exactly() {
        let (old, mut spans) = spans_of("x said [location|Cairo]. y said [location|Cairo].");
        let filler = "A long new first paragraph. ".repeat(40);
        let new = Text::new(format!("{filler}{}", old.as_str()));
        let outcome = reanchor(&mut spans, &new, Some(&old));
        assert_eq!(outcome.moved, vec![1, 2]);
        assert_eq!(at(&spans, 1).start, filler.chars().count() + 7);
        assert_eq!(at(&spans, 2).start, filler.chars().count() + 21);
    }

    #[test]
    fn a_quote_is_found_by_its_context_when_it_moved_far() {
        let (_, mut spans) =
            spans_of("Intro. The minister said [quote|restraint is needed] at the summit.");
        let new = Text::new(format!(
            "{}The minister said restraint is needed at the summit.",
            "Many new paragraphs of other news. ".repeat(30)
        ));
        let outcome = reanchor(&mut spans, &new, None);
        assert_eq!(outcome.moved, vec![1]);
        assert!(spans[0].holds_in(&new));
    }

    #[test]
    fn two_equally_fitting_places_orphan_the_span() {
        let (_, mut spans) = spans_of("He said [location|Cairo] twice.");
        // The span's text and context both appear twice, far from the old position.
        let new = Text::new(format!(
            "{}He said Cairo twice. He said Cairo twice.",
            "Other news. ".repeat(40)
        ));
        let outcome = reanchor(&mut spans, &new, None);
        assert_eq!(outcome.orphaned, vec![1]);
        assert_eq!(spans[0].anchor, Anchor::Orphaned);
        assert_eq!(spans[0].text, "Cairo", "an orphan keeps what it said");
    }

    #[test]
    fn deleted_text_orphans_and_never_lands_on_other_text() {
        let (_, mut spans) =
            spans_of("Foreign Minister [actor|Lavrov] met [actor|Shoukry] in Cairo.");
        let new = Text::new("Foreign Minister Lavrov met officials in Cairo.".into());
        let outcome = reanchor(&mut spans, &new, None);
        assert_eq!(outcome.held, 1);
        assert_eq!(outcome.orphaned, vec![2]);
    }

    #[test]
    fn orphans_stay_orphans() {
        let (text, mut spans) = spans_of("[actor|Lavrov] said");
        spans[0].anchor = Anchor::Orphaned;
        let outcome = reanchor(&mut spans, &text, None);
        assert_eq!(outcome, Outcome::default());
        assert_eq!(spans[0].anchor, Anchor::Orphaned);
    }

    #[test]
    fn a_span_at_the_article_start_moves_on_its_suffix_alone() {
        let (_, mut spans) =
            spans_of("[location|Cairo] said on Monday that the talks would resume next week.");
        let new = Text::new(
            "Updated. Cairo said on Monday that the talks would resume next week.".into(),
        );
        let outcome = reanchor(&mut spans, &new, None);
        assert_eq!(outcome.moved, vec![1]);
        assert_eq!(spans[0].start, 9);
    }

    #[test]
    fn a_span_whose_article_was_only_its_text_must_meet_an_edge_of_the_new_text() {
        let (_, spans) = spans_of("[location|Cairo]");
        assert_eq!(required_agreement(&spans[0]), 1);
        for (new, orphaned) in [
            ("Talks in Cairo resumed.", true),
            ("Cairo resumed.", false),
            ("Talks in Cairo", false),
        ] {
            let mut moved = spans.clone();
            let outcome = reanchor(&mut moved, &Text::new(new.into()), None);
            assert_eq!(outcome.orphaned.len(), usize::from(orphaned), "{new}");
        }
    }

    #[test]
    fn the_sole_occurrence_with_other_surroundings_is_not_taken() {
        let (_, mut spans) = spans_of(
            "Talks resumed on Monday. Delegates met in [location|Cairo] to discuss a ceasefire.",
        );
        let new = Text::new(
            "Talks resumed on Monday. Protesters near the embassy; Cairo police waited.".into(),
        );
        let outcome = reanchor(&mut spans, &new, None);
        assert_eq!(outcome.orphaned, vec![1]);
        assert!(context_agreement(&spans[0], &new, 54) < MIN_AGREEMENT);
    }

    #[test]
    fn the_same_words_repeated_go_to_the_span_already_there_and_the_other_is_orphaned() {
        // Both mentions have the same 32 chars after them: the deleted one's span finds the
        // other mention with enough agreement, but that mention's own span keeps it.
        let (old, spans) = spans_of(
            "[actor|Lavrov] said at a press conference on Monday that talks would go on.\n\
             Later, Shoukry and [actor|Lavrov] said at a press conference on Monday that talks \
             would go on.",
        );
        let new_string = old
            .as_str()
            .split_once('\n')
            .map(|(_, rest)| rest.to_string());
        let new = Text::new(new_string.unwrap());
        assert!(context_agreement(&spans[0], &new, 19) >= MIN_AGREEMENT);
        for previous in [Some(&old), None] {
            let mut moved = spans.clone();
            let outcome = reanchor(&mut moved, &new, previous);
            assert_eq!(outcome.moved, vec![2]);
            assert_eq!(outcome.orphaned, vec![1]);
            assert_eq!(at(&moved, 2).start, 19);
            assert_eq!(
                (at(&moved, 1).start, at(&moved, 1).end),
                (0, 6),
                "kept as it was"
            );
        }
    }

    #[test]
    fn collisions_keep_the_strongest_evidence_and_orphan_ties() {
        let placed = |before: usize, evidence| {
            Some(Placement {
                before: (before, before + 5),
                after: (100, 105),
                evidence,
            })
        };
        let lost = |placements: Vec<Option<Placement>>| collisions(&placements);
        // Held beats moved, the line diff beats context, more context beats less.
        assert_eq!(
            lost(vec![
                placed(100, Evidence::Held),
                placed(7, Evidence::Context(64))
            ]),
            [false, true]
        );
        assert_eq!(
            lost(vec![
                placed(3, Evidence::Context(64)),
                placed(7, Evidence::LineDiff)
            ]),
            [true, false]
        );
        assert_eq!(
            lost(vec![
                placed(3, Evidence::Context(40)),
                placed(7, Evidence::Context(30))
            ]),
            [false, true]
        );
        // A tie between different places orphans both, and a third weaker one too.
        assert_eq!(
            lost(vec![
                placed(3, Evidence::Context(40)),
                placed(7, Evidence::Context(40)),
                placed(9, Evidence::Context(20)),
            ]),
            [true, true, true]
        );
        // Spans that shared a range before may share it after; a stranger may not.
        assert_eq!(
            lost(vec![
                placed(3, Evidence::Context(40)),
                placed(3, Evidence::Context(40)),
                placed(9, Evidence::Context(30)),
                None,
            ]),
            [false, false, true, false]
        );
    }
}
