//! Inter-annotator agreement: how far two or more annotators' spans over the same articles
//! agree. Pure: the store loads the articles and hands each one to a [`Tally`].
//!
//! Input per article: its text and, per annotator, its spans. Orphaned spans are left out
//! (their position is not known to hold).
//!
//! # Span matching, annotator A the reference and B the prediction
//! - **Exact**: same label, `start` and `end`. A multiset match: a span duplicated in A
//!   matches at most as many duplicates in B, and the other way round.
//! - **Overlap**: same label and intersecting ranges, each span matched at most once: first
//!   every exact match, then the remaining intersecting pairs greedily by the most chars in
//!   common (ties: the earlier start in A, then the earlier start in B).
//! - Precision = matched / |B|, recall = matched / |A|, F1 = 2PR / (P + R). When both sides
//!   have no spans, P = R = F1 = 1 (they agree that there is nothing to tag); otherwise a
//!   zero denominator gives 0, and F1 is 0 when P + R = 0.
//! - Every figure is micro-averaged: matches and span counts are summed over labels,
//!   articles and annotator pairs first, and divided once.
//! - Three or more annotators: every pair i < j is compared, the earlier annotator as the
//!   reference, and the counts of all pairs are summed.
//!
//! # Kappa over tokens
//! - Tokens are the Unicode word-boundary segments (UAX #29) with at least one alphanumeric
//!   char. A token's category for an annotator is the label of the shortest of its spans
//!   that overlaps the token (ties: the smaller label name), or "none".
//! - Two annotators: Cohen's κ = (po − pe) / (1 − pe), po the share of tokens with equal
//!   categories, pe = Σ_k pA(k)·pB(k). Three or more: Fleiss' κ (P_i = (Σ_j n_ij² − n) /
//!   (n(n − 1)), P̄ their mean, p_j = Σ_i n_ij / (N·n), P̄e = Σ_j p_j²).
//! - Per label: the same κ over a yes/no categorization (is the token overlapped by a span
//!   of that label?), pooled over every token of every compared article.
//! - Overall κ pools the tokens of all compared articles; an article's κ uses its own.
//! - Conventions: no tokens gives κ = 1 (nothing to disagree on); pe = 1 (everyone put
//!   every token in one category, so po = 1 too) gives κ = 1.
//!
//! # Attribute values and entity links, on spans matched exactly
//! A label's spans agree as spans when their ranges do; their attribute values and entity
//! links are a second question, asked only where the first has the answer yes: an *item*
//! is a span that every annotator has with the same label, `start` and `end` (a multiset
//! match as above; duplicates are paired in sidecar order). With two annotators the items
//! are exactly the exact matches; with three or more, a span that only some of them have
//! is not an item (Fleiss' κ needs every annotator's value for every item).
//! - Per attribute of a label (`claim.verdict`): each annotator's value on each item is the
//!   value as written, or *unset* when the span does not have the attribute; unset is a
//!   value like any other, so "true" against unset is a disagreement (a verdict one
//!   annotator forgot is work the adjudicator must do). An attribute is reported once some
//!   annotator set it on an item of the label; the label's items on which nobody set it
//!   count as everyone unset, an agreement (po rises with them, and so does pe: κ
//!   discounts that chance).
//! - Per label, the entity id in the same way (no link is the value *unset*), reported
//!   once some annotator linked an item of the label to an entity.
//! - Figures: the number of items, how many of them not every annotator gives the same
//!   value, the observed agreement po (two annotators: the share of items with equal
//!   values; more: Fleiss' P̄, the mean share of agreeing pairs of annotators per item), and
//!   κ over the values as categories, Cohen's or Fleiss' exactly as for tokens above (same
//!   conventions), pooled over every article (a tally of one article gives its own).
//! - Spans matched only by overlap are not compared: their values describe different text.
//!
//! # Cost
//! Sorting and sweeps: O(S log S + T log S + P log P) for S spans, T tokens and P
//! intersecting same-label pairs of spans of two annotators (no other pair is looked at);
//! the items take O(S log S) more, and their values O(V) for V attribute values set.

use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use unicode_segmentation::UnicodeSegmentation;

use crate::model::{Span, Text};

/// The agreement figures of one scope: everything, one label, or one article.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figures {
    pub exact_f1: f64,
    pub overlap_f1: f64,
    /// Exact-match precision.
    pub precision: f64,
    /// Exact-match recall.
    pub recall: f64,
    pub overlap_precision: f64,
    pub overlap_recall: f64,
    /// Cohen's κ for two annotators, Fleiss' κ for more.
    pub kappa: f64,
    /// Spans per annotator (orphans left out), in annotator order.
    pub spans: Vec<usize>,
}

/// The figures of one article.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArticleFigures {
    pub id: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// Agreement on one attribute's values (or the entity id) over the spans every annotator
/// has with the same label and range (the module doc says how).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValueFigures {
    /// Spans compared: those every annotator has (same label, `start` and `end`).
    pub spans: u64,
    /// Of those, the spans on which not every annotator gives the same value.
    pub differing: u64,
    /// Observed agreement: the share of agreeing pairs of annotators per span, averaged.
    pub agreement: f64,
    /// Cohen's κ for two annotators, Fleiss' κ for more; the values are the categories.
    pub kappa: f64,
}

/// Attribute and entity agreement of one label.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LabelValues {
    /// Per attribute name, for the attributes some annotator set on a compared span.
    pub attributes: BTreeMap<String, ValueFigures>,
    /// The entity ids, once some annotator linked a compared span to an entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<ValueFigures>,
}

/// The agreement over a set of articles.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agreement {
    pub overall: Figures,
    pub labels: BTreeMap<String, Figures>,
    /// Agreement on attribute values and entity links, per label (only labels with an
    /// attribute or entity to compare).
    pub values: BTreeMap<String, LabelValues>,
    /// In the order the articles were added.
    pub articles: Vec<ArticleFigures>,
}

/// Span counts and matches, summed over whatever was compared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MatchCounts {
    /// Spans of the reference annotator (A).
    pub reference: u64,
    /// Spans of the predicting annotator (B).
    pub predicted: u64,
    pub exact: u64,
    /// Overlap matches (the exact ones included).
    pub overlap: u64,
}

/// Precision, recall and F1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl MatchCounts {
    pub fn add(&mut self, other: MatchCounts) {
        self.reference += other.reference;
        self.predicted += other.predicted;
        self.exact += other.exact;
        self.overlap += other.overlap;
    }

    pub fn exact_scores(&self) -> Scores {
        scores(self.exact, self.reference, self.predicted)
    }

    pub fn overlap_scores(&self) -> Scores {
        scores(self.overlap, self.reference, self.predicted)
    }
}

fn scores(matched: u64, reference: u64, predicted: u64) -> Scores {
    if reference == 0 && predicted == 0 {
        return Scores {
            precision: 1.0,
            recall: 1.0,
            f1: 1.0,
        };
    }
    let ratio = |part: u64, whole: u64| {
        if whole == 0 {
            0.0
        } else {
            part as f64 / whole as f64
        }
    };
    let (precision, recall) = (ratio(matched, predicted), ratio(matched, reference));
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    Scores {
        precision,
        recall,
        f1,
    }
}

/// Matches `predicted` against `reference`, per label (orphans left out).
pub fn match_spans(reference: &[Span], predicted: &[Span]) -> BTreeMap<String, MatchCounts> {
    let (a, b) = (by_label(reference), by_label(predicted));
    let labels: BTreeSet<&str> = a.keys().chain(b.keys()).copied().collect();
    labels
        .into_iter()
        .map(|label| {
            let counts = match_ranges(ranges_of(&a, label), ranges_of(&b, label));
            (label.to_string(), counts)
        })
        .collect()
}

/// `(char_start, char_end)`, compared by start first.
type CharRange = (usize, usize);

/// The ranges of the spans that are not orphaned, per label, sorted.
fn by_label(spans: &[Span]) -> BTreeMap<&str, Vec<CharRange>> {
    let mut grouped: BTreeMap<&str, Vec<CharRange>> = BTreeMap::new();
    for span in spans.iter().filter(|s| !s.is_orphaned()) {
        grouped
            .entry(&span.label)
            .or_default()
            .push((span.start, span.end));
    }
    for ranges in grouped.values_mut() {
        ranges.sort_unstable();
    }
    grouped
}

/// One label's ranges from [`by_label`] (none if the label is not there).
fn ranges_of<'a>(grouped: &'a BTreeMap<&str, Vec<CharRange>>, label: &str) -> &'a [CharRange] {
    grouped.get(label).map_or(&[], Vec::as_slice)
}

/// Matches two sorted lists of ranges of one label.
fn match_ranges(a: &[CharRange], b: &[CharRange]) -> MatchCounts {
    // Exact matches: a merge of the two sorted lists; what is left goes on to overlap.
    let (mut a_left, mut b_left) = (Vec::new(), Vec::new());
    let (mut i, mut j, mut exact) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                a_left.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                b_left.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                exact += 1;
                i += 1;
                j += 1;
            }
        }
    }
    a_left.extend_from_slice(&a[i..]);
    b_left.extend_from_slice(&b[j..]);

    // Intersecting pairs: a sweep by start. A span arriving at `start` intersects exactly
    // the spans of the other side that started before it and end after `start`.
    let mut candidates = Vec::new();
    let (mut active_a, mut active_b): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < a_left.len() || j < b_left.len() {
        let take_a = j == b_left.len() || (i < a_left.len() && a_left[i].0 <= b_left[j].0);
        if take_a {
            let (start, end) = a_left[i];
            active_b.retain(|&k| b_left[k].1 > start);
            for &k in &active_b {
                let common = end.min(b_left[k].1) - start;
                candidates.push((Reverse(common), start, b_left[k].0, i, k));
            }
            active_a.push(i);
            i += 1;
        } else {
            let (start, end) = b_left[j];
            active_a.retain(|&k| a_left[k].1 > start);
            for &k in &active_a {
                let common = end.min(a_left[k].1) - start;
                candidates.push((Reverse(common), a_left[k].0, start, k, j));
            }
            active_b.push(j);
            j += 1;
        }
    }
    candidates.sort_unstable();
    let (mut used_a, mut used_b) = (vec![false; a_left.len()], vec![false; b_left.len()]);
    let mut overlap = exact;
    for (_, _, _, i, j) in candidates {
        if !used_a[i] && !used_b[j] {
            used_a[i] = true;
            used_b[j] = true;
            overlap += 1;
        }
    }
    MatchCounts {
        reference: a.len() as u64,
        predicted: b.len() as u64,
        exact,
        overlap,
    }
}

/// The token counts behind a κ, for categories of type `K`.
#[derive(Clone, Debug)]
struct KappaCounts<K> {
    tokens: u64,
    /// Σ over tokens of the ordered pairs of annotators that agree on it (Σ_j n_ij² − n).
    agreeing_pairs: u64,
    /// Tokens per category, per annotator.
    per_annotator: Vec<BTreeMap<K, u64>>,
}

impl<K: Ord + Clone> KappaCounts<K> {
    fn new(annotators: usize) -> Self {
        KappaCounts {
            tokens: 0,
            agreeing_pairs: 0,
            per_annotator: vec![BTreeMap::new(); annotators],
        }
    }

    /// Counts one token, given each annotator's category for it.
    fn record(&mut self, categories: &[K]) {
        self.tokens += 1;
        for (counts, category) in self.per_annotator.iter_mut().zip(categories) {
            *counts.entry(category.clone()).or_default() += 1;
        }
        for (x, first) in categories.iter().enumerate() {
            for (y, second) in categories.iter().enumerate() {
                if x != y && first == second {
                    self.agreeing_pairs += 1;
                }
            }
        }
    }

    /// Adds another set of counts, its categories renamed by `rename`.
    fn add<L>(&mut self, other: &KappaCounts<L>, rename: impl Fn(&L) -> K) {
        self.tokens += other.tokens;
        self.agreeing_pairs += other.agreeing_pairs;
        for (mine, theirs) in self.per_annotator.iter_mut().zip(&other.per_annotator) {
            for (category, n) in theirs {
                *mine.entry(rename(category)).or_default() += n;
            }
        }
    }

    /// The observed agreement po: the share of agreeing ordered pairs of annotators,
    /// averaged over the tokens (1 when there are none).
    fn observed(&self) -> f64 {
        let n = self.per_annotator.len() as u128;
        let pairs = u128::from(self.tokens) * n * (n - 1);
        if pairs == 0 {
            return 1.0;
        }
        self.agreeing_pairs as f64 / pairs as f64
    }

    /// Cohen's κ for two annotators, Fleiss' κ for more (conventions in the module doc).
    fn kappa(&self) -> f64 {
        let n = self.per_annotator.len() as u128;
        let tokens = u128::from(self.tokens);
        if tokens == 0 {
            return 1.0;
        }
        // pe as an exact fraction, so that pe = 1 is recognized exactly.
        let (pe_numerator, pe_denominator) = if let [a, b] = self.per_annotator.as_slice() {
            let sum: u128 = a
                .iter()
                .map(|(k, &na)| u128::from(na) * u128::from(b.get(k).copied().unwrap_or(0)))
                .sum();
            (sum, tokens * tokens)
        } else {
            let mut totals: BTreeMap<&K, u128> = BTreeMap::new();
            for counts in &self.per_annotator {
                for (k, &c) in counts {
                    *totals.entry(k).or_default() += u128::from(c);
                }
            }
            let sum: u128 = totals.values().map(|t| t * t).sum();
            (sum, (tokens * n) * (tokens * n))
        };
        if pe_numerator == pe_denominator {
            // One category for every token and annotator: po = 1 as well.
            return 1.0;
        }
        let po = self.observed();
        let pe = pe_numerator as f64 / pe_denominator as f64;
        (po - pe) / (1.0 - pe)
    }

    /// Adds tokens, up to `tokens` in all, on which every annotator said `category`.
    fn pad_to(&mut self, tokens: u64, category: K) {
        let missing = tokens.saturating_sub(self.tokens);
        let n = self.per_annotator.len() as u64;
        self.tokens += missing;
        self.agreeing_pairs += missing * n * (n - 1);
        for counts in &mut self.per_annotator {
            *counts.entry(category.clone()).or_default() += missing;
        }
    }
}

/// One label's counts across articles.
#[derive(Clone, Debug)]
struct LabelTally {
    counts: MatchCounts,
    spans: Vec<usize>,
    kappa: KappaCounts<bool>,
}

/// What is compared on spans matched exactly: an attribute (by name), or the entity id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Attribute(String),
    Entity,
}

/// One field's values over a label's items; a value `None` is unset.
#[derive(Clone, Debug)]
struct FieldTally {
    kappa: KappaCounts<Option<String>>,
    differing: u64,
}

/// One label's items (spans every annotator has) and the values compared on them.
#[derive(Clone, Debug, Default)]
struct ValueTally {
    items: u64,
    fields: BTreeMap<Field, FieldTally>,
}

impl ValueTally {
    /// Counts one item: each annotator's span, in annotator order.
    fn record(&mut self, item: &[&Span]) {
        let before = self.items;
        self.items += 1;
        let mut fields: BTreeSet<Field> = item
            .iter()
            .flat_map(|s| s.attrs.keys().map(|name| Field::Attribute(name.clone())))
            .collect();
        if item.iter().any(|s| s.entity.is_some()) {
            fields.insert(Field::Entity);
        }
        for field in fields {
            let values: Vec<Option<String>> = item
                .iter()
                .map(|s| match &field {
                    Field::Attribute(name) => s.attrs.get(name).cloned(),
                    Field::Entity => s.entity.clone(),
                })
                .collect();
            let tally = self.fields.entry(field).or_insert_with(|| FieldTally {
                kappa: KappaCounts::new(item.len()),
                differing: 0,
            });
            // The items before the field was first seen: unset for everyone.
            tally.kappa.pad_to(before, None);
            if values.iter().any(|v| *v != values[0]) {
                tally.differing += 1;
            }
            tally.kappa.record(&values);
        }
    }

    fn finish(self) -> LabelValues {
        let mut values = LabelValues::default();
        for (field, mut tally) in self.fields {
            tally.kappa.pad_to(self.items, None);
            let figures = ValueFigures {
                spans: self.items,
                differing: tally.differing,
                agreement: tally.kappa.observed(),
                kappa: tally.kappa.kappa(),
            };
            match field {
                Field::Attribute(name) => {
                    values.attributes.insert(name, figures);
                }
                Field::Entity => values.entity = Some(figures),
            }
        }
        values
    }
}

/// The spans every annotator has with the same label, `start` and `end` (orphans left
/// out), one per annotator each, by label. Duplicates are paired in list order, as many
/// as the annotator with the fewest has.
fn items<'a>(annotators: &[&'a [Span]]) -> BTreeMap<&'a str, Vec<Vec<&'a Span>>> {
    type Keyed<'a> = BTreeMap<(&'a str, usize, usize), Vec<&'a Span>>;
    let keyed: Vec<Keyed<'a>> = annotators
        .iter()
        .map(|spans| {
            let mut map: Keyed<'a> = BTreeMap::new();
            for span in spans.iter().filter(|s| !s.is_orphaned()) {
                map.entry((span.label.as_str(), span.start, span.end))
                    .or_default()
                    .push(span);
            }
            map
        })
        .collect();
    let mut found: BTreeMap<&'a str, Vec<Vec<&'a Span>>> = BTreeMap::new();
    let Some((first, others)) = keyed.split_first() else {
        return found;
    };
    for (key, spans) in first {
        let Some(lists) = others
            .iter()
            .map(|other| other.get(key))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let paired = lists.iter().map(|l| l.len()).fold(spans.len(), usize::min);
        for k in 0..paired {
            let item = std::iter::once(spans[k])
                .chain(lists.iter().map(|l| l[k]))
                .collect();
            found.entry(key.0).or_default().push(item);
        }
    }
    found
}

/// Agreement accumulated article by article: [`Tally::add_article`] each, then
/// [`Tally::finish`].
#[derive(Clone, Debug)]
pub struct Tally {
    annotators: usize,
    counts: MatchCounts,
    spans: Vec<usize>,
    /// Categories: a label, or `None` for a token no span overlaps.
    kappa: KappaCounts<Option<String>>,
    labels: BTreeMap<String, LabelTally>,
    values: BTreeMap<String, ValueTally>,
    articles: Vec<ArticleFigures>,
}

impl Tally {
    /// A tally for `annotators` annotators.
    ///
    /// # Panics
    /// If `annotators < 2`: agreement needs two.
    pub fn new(annotators: usize) -> Self {
        assert!(annotators >= 2, "agreement needs two annotators or more");
        Tally {
            annotators,
            counts: MatchCounts::default(),
            spans: vec![0; annotators],
            kappa: KappaCounts::new(annotators),
            labels: BTreeMap::new(),
            values: BTreeMap::new(),
            articles: Vec::new(),
        }
    }

    /// Compares one article: its text, and each annotator's spans over it.
    ///
    /// # Panics
    /// If `annotators` does not hold one list per annotator.
    pub fn add_article(&mut self, id: &str, text: &Text, annotators: &[&[Span]]) {
        assert_eq!(
            annotators.len(),
            self.annotators,
            "one span list per annotator"
        );
        let grouped: Vec<BTreeMap<&str, Vec<CharRange>>> =
            annotators.iter().map(|spans| by_label(spans)).collect();
        // The labels of this article, sorted: their index is their token category.
        let names: Vec<&str> = grouped
            .iter()
            .flat_map(|g| g.keys().copied())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();

        let mut article = MatchCounts::default();
        let mut article_spans = vec![0; self.annotators];
        for &name in &names {
            let ranges: Vec<&[CharRange]> = grouped.iter().map(|g| ranges_of(g, name)).collect();
            let mut counts = MatchCounts::default();
            for (x, reference) in ranges.iter().enumerate() {
                for predicted in &ranges[x + 1..] {
                    counts.add(match_ranges(reference, predicted));
                }
            }
            article.add(counts);
            let label = self
                .labels
                .entry(name.to_string())
                .or_insert_with(|| LabelTally {
                    counts: MatchCounts::default(),
                    spans: vec![0; self.annotators],
                    kappa: KappaCounts::new(self.annotators),
                });
            label.counts.add(counts);
            for (x, list) in ranges.iter().enumerate() {
                label.spans[x] += list.len();
                article_spans[x] += list.len();
            }
        }

        for (label, items) in items(annotators) {
            let tally = self.values.entry(label.to_string()).or_default();
            for item in &items {
                tally.record(item);
            }
        }

        let (categories, per_label) = token_counts(text, &grouped, &names);
        for (name, counts) in names.iter().zip(&per_label) {
            if let Some(label) = self.labels.get_mut(*name) {
                label.kappa.add(counts, |&yes| yes);
            }
        }
        self.kappa.add(&categories, |&k| {
            names.get(k as usize).map(|name| name.to_string())
        });
        self.counts.add(article);
        for (total, n) in self.spans.iter_mut().zip(&article_spans) {
            *total += n;
        }
        self.articles.push(ArticleFigures {
            id: id.to_string(),
            figures: figures(&article, categories.kappa(), article_spans),
        });
    }

    /// The figures of everything added.
    pub fn finish(self) -> Agreement {
        let tokens = self.kappa.tokens;
        let labels = self
            .labels
            .into_iter()
            .map(|(name, mut label)| {
                // Tokens of articles where nobody used the label: "no" for everyone.
                label.kappa.pad_to(tokens, false);
                let kappa = label.kappa.kappa();
                (name, figures(&label.counts, kappa, label.spans))
            })
            .collect();
        let values = self
            .values
            .into_iter()
            .map(|(label, tally)| (label, tally.finish()))
            .filter(|(_, v)| !v.attributes.is_empty() || v.entity.is_some())
            .collect();
        Agreement {
            overall: figures(&self.counts, self.kappa.kappa(), self.spans),
            labels,
            values,
            articles: self.articles,
        }
    }
}

fn figures(counts: &MatchCounts, kappa: f64, spans: Vec<usize>) -> Figures {
    let (exact, overlap) = (counts.exact_scores(), counts.overlap_scores());
    Figures {
        exact_f1: exact.f1,
        overlap_f1: overlap.f1,
        precision: exact.precision,
        recall: exact.recall,
        overlap_precision: overlap.precision,
        overlap_recall: overlap.recall,
        kappa,
        spans,
    }
}

/// One article's token counts: categorical (a label index into `names`, `names.len()` for
/// none), and yes/no per label.
fn token_counts(
    text: &Text,
    grouped: &[BTreeMap<&str, Vec<CharRange>>],
    names: &[&str],
) -> (KappaCounts<u32>, Vec<KappaCounts<bool>>) {
    let n = grouped.len();
    let mut sweeps: Vec<Sweep> = grouped.iter().map(|g| Sweep::new(g, names)).collect();
    let mut categorical = KappaCounts::new(n);
    let mut per_label = vec![KappaCounts::new(n); names.len()];
    let (mut categories, mut present) = (vec![0u32; n], vec![false; n]);
    let mut char_start = 0;
    for segment in text.as_str().split_word_bounds() {
        let char_end = char_start + segment.chars().count();
        if segment.chars().any(char::is_alphanumeric) {
            for (sweep, category) in sweeps.iter_mut().zip(&mut categories) {
                *category = sweep.advance(char_start, char_end);
            }
            categorical.record(&categories);
            for (label, counts) in per_label.iter_mut().enumerate() {
                for (sweep, yes) in sweeps.iter().zip(&mut present) {
                    *yes = sweep.active[label] > 0;
                }
                counts.record(&present);
            }
        }
        char_start = char_end;
    }
    (categorical, per_label)
}

/// One annotator's spans swept over the tokens in order.
struct Sweep {
    /// `(char_start, char_end, label index)`, sorted.
    spans: Vec<(usize, usize, u32)>,
    next: usize,
    /// The spans started so far by `(length, label index, char_end)`; ended ones are
    /// dropped lazily, when they come to the top.
    shortest: BinaryHeap<Reverse<(usize, u32, usize)>>,
    /// The spans started so far by `(char_end, label index)`, to keep `active` right.
    ending: BinaryHeap<Reverse<(usize, u32)>>,
    /// Per label, how many spans overlap the current token.
    active: Vec<u32>,
    /// The category of a token no span overlaps.
    none: u32,
}

impl Sweep {
    fn new(grouped: &BTreeMap<&str, Vec<CharRange>>, names: &[&str]) -> Self {
        let mut spans = Vec::new();
        for (index, name) in names.iter().enumerate() {
            for &(start, end) in ranges_of(grouped, name) {
                spans.push((start, end, index as u32));
            }
        }
        spans.sort_unstable();
        Sweep {
            spans,
            next: 0,
            shortest: BinaryHeap::new(),
            ending: BinaryHeap::new(),
            active: vec![0; names.len()],
            none: names.len() as u32,
        }
    }

    /// Moves to the token `[char_start, char_end)` (tokens come in order and do not
    /// overlap) and returns its category.
    fn advance(&mut self, char_start: usize, char_end: usize) -> u32 {
        while let Some(&(start, end, label)) = self.spans.get(self.next) {
            if start >= char_end {
                break;
            }
            self.shortest.push(Reverse((end - start, label, end)));
            self.ending.push(Reverse((end, label)));
            self.active[label as usize] += 1;
            self.next += 1;
        }
        while let Some(&Reverse((end, label))) = self.ending.peek() {
            if end > char_start {
                break;
            }
            self.ending.pop();
            self.active[label as usize] -= 1;
        }
        while let Some(&Reverse((_, label, end))) = self.shortest.peek() {
            if end > char_start {
                return label;
            }
            self.shortest.pop();
        }
        self.none
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: u64, label: &str, range: std::ops::Range<usize>, text: &Text) -> Span {
        Span::new(id, label, range, text)
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 1e-9,
            "{actual} is not {expected}"
        );
    }

    /// Ten one-letter words, tokens 0..10 at chars 2k..2k+1.
    fn ten_words() -> Text {
        Text::new("a b c d e f g h i j".into())
    }

    /// Spans over the given token indices of [`ten_words`].
    fn on_tokens(text: &Text, tokens: &[(usize, &str)]) -> Vec<Span> {
        tokens
            .iter()
            .enumerate()
            .map(|(id, &(k, label))| span(id as u64 + 1, label, 2 * k..2 * k + 1, text))
            .collect()
    }

    fn agreement(text: &Text, annotators: &[&[Span]]) -> Agreement {
        let mut tally = Tally::new(annotators.len());
        tally.add_article("t", text, annotators);
        tally.finish()
    }

    #[test]
    fn identical_annotators_agree_fully() {
        let text = Text::new("Lavrov said Libya is a black hole in Cairo.".into());
        let spans = vec![
            span(1, "actor", 0..6, &text),
            span(2, "quote", 12..33, &text),
            span(3, "location", 12..17, &text),
            span(4, "location", 37..42, &text),
        ];
        let result = agreement(&text, &[&spans, &spans]);
        for figures in std::iter::once(&result.overall).chain(result.labels.values()) {
            for value in [
                figures.exact_f1,
                figures.overlap_f1,
                figures.precision,
                figures.recall,
                figures.overlap_precision,
                figures.overlap_recall,
                figures.kappa,
            ] {
                assert_close(value, 1.0);
            }
        }
        assert_eq!(result.overall.spans, vec![4, 4]);
        assert_eq!(result.labels["location"].spans, vec![2, 2]);
    }

    #[test]
    fn overlap_counts_what_exact_does_not() {
        let text = Text::new("Sergei Lavrov met officials in Cairo on Monday".into());
        // A: actor [0,13) "Sergei Lavrov", location [31,36) "Cairo".
        // B: actor [7,13) "Lavrov", location [31,36).
        let a = [
            span(1, "actor", 0..13, &text),
            span(2, "location", 31..36, &text),
        ];
        let b = [
            span(1, "actor", 7..13, &text),
            span(2, "location", 31..36, &text),
        ];
        let counts = match_spans(&a, &b);
        assert_eq!(
            counts["actor"],
            MatchCounts {
                reference: 1,
                predicted: 1,
                exact: 0,
                overlap: 1
            }
        );
        let result = agreement(&text, &[&a, &b]);
        // Exact: 1 of 2 each way: P = R = F1 = 0.5. Overlap: 2 of 2: 1.
        assert_close(result.overall.exact_f1, 0.5);
        assert_close(result.overall.precision, 0.5);
        assert_close(result.overall.recall, 0.5);
        assert_close(result.overall.overlap_f1, 1.0);
        assert_close(result.labels["actor"].exact_f1, 0.0);
        assert_close(result.labels["actor"].overlap_f1, 1.0);
        assert_close(result.labels["location"].exact_f1, 1.0);
    }

    #[test]
    fn duplicates_match_at_most_once_each() {
        let text = ten_words();
        // A: claim [0,1) twice and [2,3); B: claim [0,1) once and [2,3) twice.
        let a = on_tokens(&text, &[(0, "claim"), (0, "claim"), (1, "claim")]);
        let b = on_tokens(&text, &[(0, "claim"), (1, "claim"), (1, "claim")]);
        // Exact: min(2,1) + min(1,2) = 2; overlap adds nothing (the rest are disjoint).
        assert_eq!(
            match_spans(&a, &b)["claim"],
            MatchCounts {
                reference: 3,
                predicted: 3,
                exact: 2,
                overlap: 2
            }
        );
        // P = R = 2/3, F1 = 2/3.
        let result = agreement(&text, &[&a, &b]);
        assert_close(result.overall.exact_f1, 2.0 / 3.0);
        assert_close(result.overall.overlap_f1, 2.0 / 3.0);
    }

    #[test]
    fn overlapping_spans_of_one_annotator_are_matched_once_greedily() {
        let text = Text::new("x".repeat(30));
        // A: [0,10) and [5,15); B: [0,15) and [12,30).
        let a = [
            span(1, "claim", 0..10, &text),
            span(2, "claim", 5..15, &text),
        ];
        let b = [
            span(3, "claim", 0..15, &text),
            span(4, "claim", 12..30, &text),
        ];
        // Candidates (common chars): A0–B0 10, A1–B0 10, A1–B1 3. Largest first, ties by
        // A's start: A0–B0; then A1–B0 is taken (B0 used), A1–B1 matches. Overlap 2.
        assert_eq!(
            match_spans(&a, &b)["claim"],
            MatchCounts {
                reference: 2,
                predicted: 2,
                exact: 0,
                overlap: 2
            }
        );
        // With B's second span gone: only one match; P = 1/1, R = 1/2, F1 = 2/3.
        let result = agreement(&text, &[&a, &b[..1]]);
        assert_close(result.overall.overlap_precision, 1.0);
        assert_close(result.overall.overlap_recall, 0.5);
        assert_close(result.overall.overlap_f1, 2.0 / 3.0);
    }

    #[test]
    fn an_exact_match_comes_before_a_larger_overlap() {
        let text = Text::new("x".repeat(30));
        // A: [0,20) and [0,5); B: [0,5). The exact pair A1–B0 is taken first, though
        // A0–B0 has as many chars in common; A0 stays unmatched.
        let a = [
            span(1, "claim", 0..20, &text),
            span(2, "claim", 0..5, &text),
        ];
        let b = [span(3, "claim", 0..5, &text)];
        let counts = match_spans(&a, &b)["claim"];
        assert_eq!((counts.exact, counts.overlap), (1, 1));
    }

    #[test]
    fn empty_articles_agree_and_one_sided_ones_do_not() {
        let text = ten_words();
        let result = agreement(&text, &[&[], &[]]);
        // Both empty: P = R = F1 = 1; every token is "none" for both: pe = 1, κ = 1.
        assert_close(result.overall.exact_f1, 1.0);
        assert_close(result.overall.precision, 1.0);
        assert_close(result.overall.recall, 1.0);
        assert_close(result.overall.kappa, 1.0);
        assert!(result.labels.is_empty());

        let a = on_tokens(&text, &[(0, "actor"), (3, "actor")]);
        let result = agreement(&text, &[&a, &[]]);
        // A has 2, B none: P = 0/0 → 0 (A is not empty), R = 0/2 = 0, F1 = 0.
        let overall = &result.overall;
        assert_eq!(
            (overall.precision, overall.recall, overall.exact_f1),
            (0.0, 0.0, 0.0)
        );
        assert_eq!(overall.overlap_f1, 0.0);
        assert_eq!(overall.spans, vec![2, 0]);
        // κ: A says actor on 2 of 10 tokens, B never. po = 8/10, pe = 0.8·1 = 0.8:
        // κ = 0 (no better than chance).
        assert_close(overall.kappa, 0.0);

        // No tokens at all (punctuation only): κ = 1.
        let text = Text::new("... !!".into());
        let a = [span(1, "claim", 0..3, &text)];
        assert_close(agreement(&text, &[&a, &[]]).overall.kappa, 1.0);
    }

    #[test]
    fn cohen_kappa_by_hand() {
        let text = ten_words();
        // Tokens 0..10. A: actor on 0,1,2,3; location on 4,5; none on 6..9.
        //               B: actor on 0,1,2;   location on 3,4,5,6; none on 7..9.
        let a = on_tokens(
            &text,
            &[
                (0, "actor"),
                (1, "actor"),
                (2, "actor"),
                (3, "actor"),
                (4, "location"),
                (5, "location"),
            ],
        );
        let b = on_tokens(
            &text,
            &[
                (0, "actor"),
                (1, "actor"),
                (2, "actor"),
                (3, "location"),
                (4, "location"),
                (5, "location"),
                (6, "location"),
            ],
        );
        let result = agreement(&text, &[&a, &b]);
        // Agree on 0,1,2 (actor), 4,5 (location), 7,8,9 (none): po = 8/10.
        // pA = actor .4, location .2, none .4; pB = actor .3, location .4, none .3.
        // pe = .4·.3 + .2·.4 + .4·.3 = .12 + .08 + .12 = .32.
        // κ = (.8 − .32) / (1 − .32) = .48 / .68 = 12/17.
        assert_close(result.overall.kappa, 12.0 / 17.0);
        assert_close(result.articles[0].figures.kappa, 12.0 / 17.0);

        // Per label, actor yes/no: A yes on 0..4, B yes on 0..3. po = 9/10;
        // pe = .4·.3 + .6·.7 = .12 + .42 = .54; κ = (.9 − .54) / .46 = 18/23.
        assert_close(result.labels["actor"].kappa, 18.0 / 23.0);
        // Location: A yes on 4,5; B on 3,4,5,6. po = 8/10; pe = .2·.4 + .8·.6 = .56;
        // κ = .24 / .44 = 6/11.
        assert_close(result.labels["location"].kappa, 6.0 / 11.0);
    }

    #[test]
    fn the_shortest_overlapping_span_labels_a_token() {
        let text = ten_words();
        // A: quote over all ten tokens, actor on token 1 (shorter), claim and actor both
        // on token 2 (equally short: the smaller name, actor, wins).
        let mut a = vec![span(1, "quote", 0..19, &text)];
        a.extend(
            on_tokens(&text, &[(1, "actor"), (2, "claim"), (2, "actor")])
                .into_iter()
                .map(|mut s| {
                    s.id += 10;
                    s
                }),
        );
        // B: quote over all, actor on tokens 1 and 2.
        let mut b = vec![span(1, "quote", 0..19, &text)];
        b.extend(
            on_tokens(&text, &[(1, "actor"), (2, "actor")])
                .into_iter()
                .map(|mut s| {
                    s.id += 10;
                    s
                }),
        );
        let result = agreement(&text, &[&a, &b]);
        // Categories: A = quote, actor, actor, quote×7; B the same: κ = 1 overall.
        assert_close(result.overall.kappa, 1.0);
        // Claim yes/no: A yes on token 2 only, B never. po = 9/10;
        // pe = .1·0 + .9·1 = .9; κ = 0.
        assert_close(result.labels["claim"].kappa, 0.0);
    }

    #[test]
    fn fleiss_kappa_by_hand() {
        let text = Text::new("a b c d".into());
        // Four tokens, three annotators, categories actor (X) / none (-):
        //   token 0: X X X  → n = (3, 0), P = (9 − 3) / 6 = 1
        //   token 1: X X -  → n = (2, 1), P = (4 + 1 − 3) / 6 = 1/3
        //   token 2: - - -  → P = 1
        //   token 3: X - -  → P = 1/3
        // P̄ = (1 + 1/3 + 1 + 1/3) / 4 = 2/3.
        // p(X) = (3 + 2 + 0 + 1) / 12 = 1/2, p(-) = 1/2: P̄e = 1/2.
        // κ = (2/3 − 1/2) / (1 − 1/2) = 1/3.
        let one = on_tokens(&text, &[(0, "actor"), (1, "actor"), (3, "actor")]);
        let two = on_tokens(&text, &[(0, "actor"), (1, "actor")]);
        let three = on_tokens(&text, &[(0, "actor")]);
        let result = agreement(&text, &[&one, &two, &three]);
        assert_close(result.overall.kappa, 1.0 / 3.0);
        // The one label's yes/no κ is the same here.
        assert_close(result.labels["actor"].kappa, 1.0 / 3.0);
        assert_eq!(result.overall.spans, vec![3, 2, 1]);
    }

    #[test]
    fn three_annotators_sum_the_counts_of_every_pair() {
        let text = ten_words();
        let one = on_tokens(&text, &[(0, "actor"), (1, "actor"), (2, "actor")]);
        let two = on_tokens(&text, &[(0, "actor"), (1, "actor")]);
        let three = on_tokens(&text, &[(0, "actor"), (5, "actor")]);
        let result = agreement(&text, &[&one, &two, &three]);
        // Pairs (reference, prediction, matches):
        //   1–2: |A| 3, |B| 2, exact 2
        //   1–3: |A| 3, |B| 2, exact 1
        //   2–3: |A| 2, |B| 2, exact 1
        // Sums: reference 8, predicted 6, matched 4: P = 4/6, R = 4/8, F1 = 2·(2/3·1/2)/(7/6)
        // = 4/7.
        assert_close(result.overall.precision, 4.0 / 6.0);
        assert_close(result.overall.recall, 0.5);
        assert_close(result.overall.exact_f1, 4.0 / 7.0);
        assert_close(result.overall.overlap_f1, 4.0 / 7.0);
    }

    #[test]
    fn figures_are_micro_averaged_over_articles() {
        let text = ten_words();
        // Article 1: A 1 span, B the same: 1 of 1. Article 2: A 3 spans, B 1 of them.
        let a1 = on_tokens(&text, &[(0, "claim")]);
        let a2 = on_tokens(&text, &[(0, "claim"), (4, "claim"), (8, "claim")]);
        let b2 = on_tokens(&text, &[(0, "claim")]);
        let mut tally = Tally::new(2);
        tally.add_article("one", &text, &[&a1, &a1]);
        tally.add_article("two", &text, &[&a2, &b2]);
        let result = tally.finish();
        // Micro: matched 2, |A| 4, |B| 2: P = 1, R = 1/2, F1 = 2/3 (the mean of the
        // articles' F1, (1 + 1/2) / 2 = 3/4, would be the macro figure).
        assert_close(result.overall.precision, 1.0);
        assert_close(result.overall.recall, 0.5);
        assert_close(result.overall.exact_f1, 2.0 / 3.0);
        assert_close(result.articles[1].figures.exact_f1, 0.5);
        assert_eq!(result.articles[1].id, "two");
        // κ pooled over 20 tokens: A claim on 4, B on 2; agree on 18: po = .9;
        // pe = .2·.1 + .8·.9 = .74; κ = .16 / .26 = 8/13.
        assert_close(result.overall.kappa, 8.0 / 13.0);
        assert_close(result.labels["claim"].kappa, 8.0 / 13.0);
    }

    #[test]
    fn per_label_kappa_counts_articles_without_the_label() {
        let text = ten_words();
        let a = on_tokens(&text, &[(0, "claim"), (1, "claim")]);
        let b = on_tokens(&text, &[(0, "claim")]);
        let mut tally = Tally::new(2);
        tally.add_article("with", &text, &[&a, &b]);
        tally.add_article("without", &text, &[&[], &[]]);
        let result = tally.finish();
        // 20 tokens: A yes on 2, B on 1, agree on 19: po = .95;
        // pe = .1·.05 + .9·.95 = .86; κ = .09 / .14 = 9/14.
        assert_close(result.labels["claim"].kappa, 9.0 / 14.0);
        assert_close(result.articles[1].figures.exact_f1, 1.0);
    }

    #[test]
    fn orphans_are_left_out() {
        let text = ten_words();
        let mut a = on_tokens(&text, &[(0, "claim"), (1, "claim")]);
        a[1].anchor = crate::model::Anchor::Orphaned;
        let b = on_tokens(&text, &[(0, "claim")]);
        let result = agreement(&text, &[&a, &b]);
        assert_eq!(result.overall.spans, vec![1, 1]);
        assert_close(result.overall.exact_f1, 1.0);
        assert_close(result.overall.kappa, 1.0);
    }

    /// Sets attributes (`None`: leaves it unset) on spans, in order.
    fn with_values(mut spans: Vec<Span>, name: &str, values: &[Option<&str>]) -> Vec<Span> {
        for (span, value) in spans.iter_mut().zip(values) {
            if let Some(value) = value {
                span.attrs.insert(name.to_string(), value.to_string());
            }
        }
        spans
    }

    fn claims_on_every_token(text: &Text) -> Vec<Span> {
        let marks: Vec<(usize, &str)> = (0..10).map(|k| (k, "claim")).collect();
        on_tokens(text, &marks)
    }

    #[test]
    fn attribute_kappa_by_hand_with_unset_and_a_value_only_one_annotator_uses() {
        let text = ten_words();
        let (t, f, m) = (Some("true"), Some("false"), Some("misleading"));
        // Ten claims both have:        1  2  3  4  5  6  7  8     9     10
        let a = [t, t, t, t, t, f, f, f, None, None];
        let b = [t, t, t, t, f, f, f, None, None, m];
        let mut a_spans = with_values(claims_on_every_token(&text), "verdict", &a);
        let mut b_spans = with_values(claims_on_every_token(&text), "verdict", &b);
        // Not compared: a claim only A has, and one matched only by overlap.
        let mut only_a = span(50, "claim", 0..3, &text);
        only_a.attrs.insert("verdict".into(), "true".into());
        a_spans.push(only_a);
        let mut overlapping = span(50, "claim", 0..5, &text);
        overlapping.attrs.insert("verdict".into(), "false".into());
        b_spans.push(overlapping);
        let result = agreement(&text, &[&a_spans, &b_spans]);
        let verdict = &result.values["claim"].attributes["verdict"];
        // Equal on 1–4, 6, 7, 9: po = 7/10. A: true 5, false 3, unset 2; B: true 4,
        // false 3, unset 2, misleading 1. pe = (5·4 + 3·3 + 2·2 + 0·1)/100 = .33.
        // κ = (.7 − .33)/(1 − .33) = 37/67.
        assert_eq!((verdict.spans, verdict.differing), (10, 3));
        assert_close(verdict.agreement, 0.7);
        assert_close(verdict.kappa, 37.0 / 67.0);
        assert!(result.values["claim"].entity.is_none());
    }

    #[test]
    fn entity_links_are_compared_like_an_attribute() {
        let text = ten_words();
        let link = |mut spans: Vec<Span>, ids: &[Option<&str>]| {
            for (s, id) in spans.iter_mut().zip(ids) {
                s.entity = id.map(str::to_string);
            }
            spans
        };
        let actors = || on_tokens(&text, &[(0, "actor"), (1, "actor"), (2, "actor")]);
        let lavrov = Some("sergei-lavrov");
        let a = link(actors(), &[lavrov, lavrov, None]);
        let b = link(actors(), &[lavrov, None, None]);
        let result = agreement(&text, &[&a, &b]);
        // Equal on 1 and 3: po = 2/3. A: lavrov 2, unset 1; B: lavrov 1, unset 2.
        // pe = (2·1 + 1·2)/9 = 4/9; κ = (2/3 − 4/9)/(5/9) = 2/5.
        let entity = result.values["actor"].entity.as_ref().unwrap();
        assert_eq!((entity.spans, entity.differing), (3, 1));
        assert_close(entity.agreement, 2.0 / 3.0);
        assert_close(entity.kappa, 0.4);
        assert!(result.values["actor"].attributes.is_empty());
        // Nobody linked or set anything: nothing to report.
        let plain = agreement(&text, &[&actors(), &actors()]);
        assert!(plain.values.is_empty());
    }

    #[test]
    fn items_before_an_attribute_first_appears_count_as_unset_for_everyone() {
        let text = ten_words();
        let claims = || on_tokens(&text, &[(0, "claim"), (1, "claim"), (2, "claim")]);
        let a = with_values(
            on_tokens(&text, &[(4, "claim")]),
            "verdict",
            &[Some("true")],
        );
        let b = on_tokens(&text, &[(4, "claim")]);
        let mut tally = Tally::new(2);
        tally.add_article("first", &text, &[&claims(), &claims()]);
        tally.add_article("second", &text, &[&a, &b]);
        let result = tally.finish();
        // Four items; only the last differs (true against unset): po = 3/4.
        // A: unset 3, true 1; B: unset 4. pe = 3·4/16 = 3/4: κ = 0.
        let verdict = &result.values["claim"].attributes["verdict"];
        assert_eq!((verdict.spans, verdict.differing), (4, 1));
        assert_close(verdict.agreement, 0.75);
        assert_close(verdict.kappa, 0.0);
    }

    #[test]
    fn attribute_fleiss_kappa_by_hand_over_spans_all_three_have() {
        let text = ten_words();
        let (d, i) = (Some("direct"), Some("indirect"));
        let quotes = || {
            on_tokens(
                &text,
                &[(0, "quote"), (1, "quote"), (2, "quote"), (3, "quote")],
            )
        };
        // Item:    1  2  3     4
        let one = with_values(quotes(), "kind", &[d, d, i, None]);
        let two = with_values(quotes(), "kind", &[d, d, i, None]);
        let three = with_values(quotes(), "kind", &[d, i, None, None]);
        // A quote only the first two have, with values that differ: not an item.
        let mut extra = on_tokens(&text, &[(7, "quote")]);
        extra[0].id = 70;
        let one = [one, with_values(extra.clone(), "kind", &[d])].concat();
        let two = [two, with_values(extra, "kind", &[i])].concat();
        let result = agreement(&text, &[&one, &two, &three]);
        // P_i: d d d → 1; d d i → 1/3; i i unset → 1/3; unset×3 → 1. P̄ = 2/3.
        // Ratings (12): direct 5, indirect 3, unset 4: P̄e = (25 + 9 + 16)/144 = 25/72.
        // κ = (2/3 − 25/72)/(1 − 25/72) = 23/47.
        let kind = &result.values["quote"].attributes["kind"];
        assert_eq!((kind.spans, kind.differing), (4, 2));
        assert_close(kind.agreement, 2.0 / 3.0);
        assert_close(kind.kappa, 23.0 / 47.0);
    }

    #[test]
    fn attribute_agreement_pairs_duplicates_and_leaves_orphans_out() {
        let text = ten_words();
        // A has the claim on token 0 twice, B once: one item (A's first).
        let a = with_values(
            on_tokens(&text, &[(0, "claim"), (0, "claim"), (1, "claim")]),
            "verdict",
            &[Some("true"), Some("false"), Some("true")],
        );
        let mut b = with_values(
            on_tokens(&text, &[(0, "claim"), (1, "claim")]),
            "verdict",
            &[Some("true"), Some("false")],
        );
        b[1].anchor = crate::model::Anchor::Orphaned;
        let verdict = agreement(&text, &[&a, &b]).values["claim"].attributes["verdict"].clone();
        assert_eq!((verdict.spans, verdict.differing), (1, 0));
        assert_close(verdict.kappa, 1.0);
    }

    #[test]
    fn a_large_article_is_not_quadratic() {
        let document = crate::model::generate::article(3, 300_000, 50_000);
        let other = crate::model::generate::article(4, 300_000, 50_000);
        let spans = document.annotations().spans();
        let started = std::time::Instant::now();
        // Different seeds give different texts; the spans of the second are valid char
        // ranges of the first as long as they fit, which is all matching needs.
        let fitting: Vec<Span> = other
            .annotations()
            .spans()
            .iter()
            .filter(|s| s.end <= document.text().len_chars())
            .cloned()
            .collect();
        let result = agreement(document.text(), &[spans, &fitting]);
        assert!(result.overall.overlap_f1 >= result.overall.exact_f1);
        assert!(started.elapsed() < std::time::Duration::from_secs(20));

        // Every span an item, with values: two attributes and an entity on each.
        let valued = |flip: u64| -> Vec<Span> {
            spans
                .iter()
                .map(|s| {
                    let mut s = s.clone();
                    let verdict = if (s.id + flip) % 3 == 0 {
                        "true"
                    } else {
                        "false"
                    };
                    s.attrs.insert("verdict".into(), verdict.into());
                    s.attrs.insert("kind".into(), (s.id % 2).to_string());
                    s.entity = Some(format!("e{}", (s.id + flip) % 50));
                    s
                })
                .collect()
        };
        let (a, b) = (valued(0), valued(1));
        let started = std::time::Instant::now();
        let result = agreement(document.text(), &[&a, &b]);
        let items = spans.iter().filter(|s| !s.is_orphaned()).count() as u64;
        for values in result.values.values() {
            assert_eq!(values.attributes["kind"].differing, 0);
            assert_close(values.attributes["kind"].kappa, 1.0);
            assert!(values.attributes["verdict"].differing > 0);
        }
        let spans_compared: u64 = result
            .values
            .values()
            .map(|v| v.attributes["kind"].spans)
            .sum();
        assert_eq!(spans_compared, items);
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }
}
