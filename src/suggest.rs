//! Rule-based suggestions: spans offered from a corpus's `suggest.ron`, as [`Proposal`]s
//! the analyst accepts or rejects. Pure: the store reads the file and the articles.
//!
//! # The file
//! `suggest.ron` sits beside `spantag.ron` at the corpus root (for a single article, in its
//! folder). Every part may be left out; the quote finder's fields shown are its defaults,
//! so `quotes: Some(())` takes them all (`Some` may be left out too):
//! ```ron
//! (
//!     gazetteers: [
//!         (name: "actors", label: "actor", entries: ["Sergei Lavrov", "Lavrov", "NATO"]),
//!         (name: "places", label: "location", entries: ["Libya", "Cairo"], ignore_case: true),
//!     ],
//!     patterns: [
//!         (name: "years", label: "claim", regex: "\\bin (19|20)\\d\\d\\b"),
//!     ],
//!     quotes: Some((
//!         name: "quotes", label: "quote", speaker_label: "actor", relation: "said_by",
//!         verbs: ["said", "says", "told", "according to", "added", "stressed"],
//!         window: 80, min_words: 3,
//!     )),
//! )
//! ```
//! Rule names are non-empty and unique: an accepted span records its rule as
//! `source: Rule("name")`. Labels are kept as written, even ones the scheme lacks.
//!
//! # Conventions
//! - Offsets are chars of the article text, ranges half-open (FORMATS.md section 1).
//! - A *word char* is alphanumeric ([`char::is_alphanumeric`]) or `_`. A gazetteer entry or
//!   a verb matches only where the chars on both sides of it are not word chars. At one
//!   position the longest entry wins, and one gazetteer's matches never overlap. Entries
//!   are case-sensitive unless `ignore_case`; verbs never are. Ignoring case compares the
//!   chars lowercased one by one (a char whose lowercase is several chars stays as it is),
//!   so offsets never shift.
//! - A pattern proposes every non-empty match, as the `regex` crate finds them.
//! - Quotes lie between `"…"`, `“…”`, `«…»`, `»…«`, `„…“` or `„…”` ([`crate::model::selection::QUOTE_MARKS`]); inside an open quote
//!   only its closing mark counts. The proposal is the text inside the marks, trimmed of
//!   whitespace, and only when it has at least `min_words` words (runs of non-whitespace
//!   holding an alphanumeric char): shorter ones are scare quotes. A quote may cross single
//!   line breaks but not a blank line (a line of whitespace only): a mark still open there
//!   is dropped.
//! - A quote's speaker: the first verb in the `window` chars after the closing mark, with
//!   the `speaker_label` span nearest that verb in the same window (an existing anchored
//!   span or a gazetteer proposal; distance in chars between them, ties to the earlier).
//!   When that side has no verb or no speaker, the last verb in the `window` chars before
//!   the opening mark and its nearest speaker there. Windows never cross a line break,
//!   nor the marks of the quotes before and after. The speaker becomes a `relation` link
//!   from the quote; with none found, the quote comes without a link.
//! - Proposals a span already has (same label and range) are dropped. The same label and
//!   range from two rules is kept once, for the first rule (gazetteers, patterns, then the
//!   quote finder), with the links of both. The result is sorted by `(start, end, label)`.
//! - A rule stops after [`MAX_PROPOSALS_PER_RULE`] proposals in one article.
//!
//! # Cost
//! One regex pass per gazetteer and pattern (a long gazetteer runs as Aho-Corasick), one
//! lowercased copy of the text when something ignores case, and one char pass for quotes;
//! per quote, two short windows searched and speakers found by binary search. Linear in
//! the text and the matches: about 0.2 s in release for a 5 MB article.

use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::collections::HashSet;
use std::ops::Range;

use crate::model::selection::closing_marks;
use crate::model::{Document, Entity, Origin, Proposal, ProposedLink, Source, Text};

/// The file name of a corpus's rules, beside [`SCHEME_FILE`](crate::model::SCHEME_FILE).
pub const SUGGEST_FILE: &str = "suggest.ron";

/// Rules files larger than this (1 MB) are refused.
pub const MAX_RULES_BYTES: usize = 1024 * 1024;

/// The most memory one compiled pattern may take (4 MB), so a hostile one is refused
/// instead of eating memory.
pub const MAX_PATTERN_BYTES: usize = 4 << 20;

/// The most memory one compiled gazetteer may take (64 MB: its size follows its entries,
/// which a rules file bounds).
pub const MAX_GAZETTEER_BYTES: usize = 64 << 20;

/// The most proposals one rule makes in one article.
pub const MAX_PROPOSALS_PER_RULE: usize = 100_000;

/// The smallest useful rules file, shown when a corpus has none.
pub const EXAMPLE: &str = r#"(
    gazetteers: [
        (name: "actors", label: "actor", entries: ["Sergei Lavrov", "Lavrov", "NATO"]),
    ],
    quotes: Some(()),
)"#;

/// A list of names or phrases that become spans of one label.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gazetteer {
    pub name: String,
    pub label: String,
    pub entries: Vec<String>,
    #[serde(default)]
    pub ignore_case: bool,
}

/// A regular expression whose matches become spans of one label.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    pub name: String,
    pub label: String,
    pub regex: String,
}

/// The quote finder: quoted passages, linked to their speakers.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QuoteFinder {
    pub name: String,
    pub label: String,
    pub speaker_label: String,
    /// The relation kind from a quote to its speaker.
    pub relation: String,
    /// Speech verbs (phrases allowed), matched as whole words, ignoring case.
    pub verbs: Vec<String>,
    /// Chars searched before the opening mark and after the closing mark.
    pub window: usize,
    /// Quoted text with fewer words is not proposed.
    pub min_words: usize,
}

impl Default for QuoteFinder {
    fn default() -> Self {
        QuoteFinder {
            name: "quotes".into(),
            label: "quote".into(),
            speaker_label: "actor".into(),
            relation: "said_by".into(),
            verbs: ["said", "says", "told", "according to", "added", "stressed"]
                .map(String::from)
                .to_vec(),
            window: 80,
            min_words: 3,
        }
    }
}

/// `suggest.ron` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    gazetteers: Vec<Gazetteer>,
    #[serde(default)]
    patterns: Vec<Pattern>,
    #[serde(default)]
    quotes: Option<QuoteFinder>,
}

/// A checked rules file, its matchers compiled.
#[derive(Clone, Debug)]
pub struct Rules {
    gazetteers: Vec<(Gazetteer, Words)>,
    patterns: Vec<(Pattern, Regex)>,
    /// The finder and its verbs (none: quotes get no speakers).
    quotes: Option<(QuoteFinder, Option<Words>)>,
}

impl Rules {
    /// The rule names in the order rules run: gazetteers, patterns, the quote finder.
    pub fn names(&self) -> Vec<&str> {
        let gazetteers = self.gazetteers.iter().map(|(g, _)| g.name.as_str());
        let patterns = self.patterns.iter().map(|(p, _)| p.name.as_str());
        let quotes = self.quotes.iter().map(|(q, _)| q.name.as_str());
        gazetteers.chain(patterns).chain(quotes).collect()
    }
}

/// What is wrong with a rules file; `line` and `col` are 1-based.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {col}: {message}")]
pub struct RulesError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Parses and checks a rules file: unique non-empty names, non-empty labels, entries and
/// verbs, regular expressions that compile within [`MAX_PATTERN_BYTES`].
pub fn parse(source: &str) -> Result<Rules, RulesError> {
    if source.len() > MAX_RULES_BYTES {
        return Err(RulesError {
            line: 1,
            col: 1,
            message: format!(
                "{} bytes is larger than the {} KB a rules file may have",
                source.len(),
                MAX_RULES_BYTES >> 10
            ),
        });
    }
    let ron = ron::Options::default()
        .with_recursion_limit(crate::model::sidecar::MAX_NESTING)
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let file: RulesFile = ron.from_str(source).map_err(|e| RulesError {
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    })?;
    // Semantic problems point at the line naming the rule (its second one for a repeat).
    let at = |name: &str, occurrence: usize, message: String| {
        let (line, col) = rule_position(source, name, occurrence);
        RulesError { line, col, message }
    };
    let mut seen: Vec<String> = Vec::new();
    let mut check = |kind: &str, name: &str, labels: &[(&str, &str)]| {
        if name.trim().is_empty() {
            return Err(at(name, 0, format!("a {kind} has no name")));
        }
        if seen.iter().any(|s| s == name) {
            return Err(at(name, 1, format!("the rule name {name:?} is used twice")));
        }
        seen.push(name.to_string());
        for (field, value) in labels {
            if value.trim().is_empty() {
                return Err(at(name, 0, format!("{kind} {name:?}: {field} is empty")));
            }
        }
        Ok(())
    };
    let mut gazetteers = Vec::new();
    for gazetteer in file.gazetteers {
        let name = gazetteer.name.as_str();
        check("gazetteer", name, &[("label", &gazetteer.label)])?;
        let problem = if gazetteer.entries.is_empty() {
            Some("it has no entries".to_string())
        } else {
            gazetteer
                .entries
                .iter()
                .position(|e| e.trim().is_empty())
                .map(|i| format!("entry {} is empty", i + 1))
        };
        if let Some(problem) = problem {
            return Err(at(name, 0, format!("gazetteer {name:?}: {problem}")));
        }
        let words = Words::new(
            &gazetteer.entries,
            gazetteer.ignore_case,
            MAX_GAZETTEER_BYTES,
        )
        .map_err(|e| {
            at(
                name,
                0,
                format!("gazetteer {name:?}: {}", regex_problem(&e)),
            )
        })?;
        gazetteers.push((gazetteer, words));
    }
    let mut patterns = Vec::new();
    for pattern in file.patterns {
        let name = pattern.name.as_str();
        check("pattern", name, &[("label", &pattern.label)])?;
        let regex = RegexBuilder::new(&pattern.regex)
            .size_limit(MAX_PATTERN_BYTES)
            .build()
            .map_err(|e| at(name, 0, format!("pattern {name:?}: {}", regex_problem(&e))))?;
        patterns.push((pattern, regex));
    }
    let quotes = match file.quotes {
        None => None,
        Some(finder) => {
            let name = finder.name.as_str();
            check(
                "quote finder",
                name,
                &[
                    ("label", &finder.label),
                    ("speaker_label", &finder.speaker_label),
                    ("relation", &finder.relation),
                ],
            )?;
            if let Some(i) = finder.verbs.iter().position(|v| v.trim().is_empty()) {
                let message = format!("quote finder {name:?}: verb {} is empty", i + 1);
                return Err(at(name, 0, message));
            }
            let verbs = if finder.verbs.is_empty() {
                None
            } else {
                let words = Words::new(&finder.verbs, true, MAX_PATTERN_BYTES).map_err(|e| {
                    let message = format!("quote finder {name:?}: {}", regex_problem(&e));
                    at(name, 0, message)
                })?;
                Some(words)
            };
            Some((finder, verbs))
        }
    };
    Ok(Rules {
        gazetteers,
        patterns,
        quotes,
    })
}

/// A regex engine error in words for the analyst.
fn regex_problem(error: &regex::Error) -> String {
    match error {
        regex::Error::CompiledTooBig(limit) => format!(
            "too large once compiled (over {} MB); make it simpler",
            limit >> 20
        ),
        other => other.to_string(),
    }
}

/// The 1-based line and char column where a rule is named: the `occurrence`-th line with
/// `"name"` and the word `name`, else with `"name"`, else with the bare name (the quote
/// finder's default name is its field, `quotes`), else the start.
fn rule_position(source: &str, name: &str, occurrence: usize) -> (usize, usize) {
    let quoted = format!("\"{name}\"");
    // (needle, whether the line must also hold the word `name`)
    let tries = [
        (quoted.as_str(), true),
        (quoted.as_str(), false),
        (name, false),
    ];
    for (needle, with_name) in tries.into_iter().filter(|(n, _)| !n.is_empty()) {
        let lines: Vec<(usize, &str)> = source
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains(needle) && (!with_name || l.contains("name")))
            .collect();
        if let Some((index, line)) = lines.get(occurrence).or(lines.last()) {
            let col = line
                .find(needle)
                .map_or(1, |b| line[..b].chars().count() + 1);
            return (index + 1, col);
        }
    }
    (1, 1)
}

/// Whole-word matching of literal phrases, the longest first at each position.
#[derive(Clone, Debug)]
struct Words {
    /// The phrases, folded when `ignore_case`, escaped and longest first: a plain
    /// alternation of literals, which the regex crate runs as Aho-Corasick when it is long.
    regex: Regex,
    /// The same phrases, to find a shorter one where the longest ends inside a word.
    phrases: HashSet<String>,
    ignore_case: bool,
}

impl Words {
    fn new(
        phrases: &[String],
        ignore_case: bool,
        size_limit: usize,
    ) -> Result<Words, regex::Error> {
        let mut sorted: Vec<String> = phrases
            .iter()
            .map(|p| if ignore_case { fold(p) } else { p.clone() })
            .collect();
        sorted.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
        sorted.dedup();
        let alternation: Vec<String> = sorted.iter().map(|p| regex::escape(p)).collect();
        let regex = RegexBuilder::new(&alternation.join("|"))
            .size_limit(size_limit)
            .build()?;
        Ok(Words {
            regex,
            phrases: sorted.into_iter().collect(),
            ignore_case,
        })
    }

    /// The whole-word matches inside `char_range` of `text` (folded when `ignore_case`),
    /// in order. The chars around a match are checked in all of `text`.
    fn find<'a>(
        &'a self,
        text: &'a Text,
        char_range: Range<usize>,
    ) -> impl Iterator<Item = Range<usize>> + 'a {
        let string = text.as_str();
        let byte_range = text.byte_range(char_range);
        let haystack = &string[..byte_range.end];
        let mut at = byte_range.start;
        let word_at =
            move |byte_pos: usize| string[byte_pos..].chars().next().is_some_and(is_word_char);
        std::iter::from_fn(move || loop {
            if at > haystack.len() {
                return None;
            }
            let found = self.regex.find_at(haystack, at)?;
            let start = found.start();
            let starts_word = !string[..start]
                .chars()
                .next_back()
                .is_some_and(is_word_char);
            // The longest phrase here, or the longest of its prefixes that is a phrase too,
            // that does not end inside a word.
            let end = starts_word
                .then(|| {
                    let longest = found.as_str();
                    let prefixes = (1..longest.len()).rev().filter(|&i| {
                        longest.is_char_boundary(i) && self.phrases.contains(&longest[..i])
                    });
                    std::iter::once(longest.len())
                        .chain(prefixes)
                        .find(|&len| !word_at(start + len))
                })
                .flatten();
            match end {
                Some(len) => {
                    at = start + len;
                    return Some(text.char_from_byte(start)..text.char_from_byte(start + len));
                }
                // Try again from the next char: a match may start inside this one.
                None => at = start + string[start..].chars().next().map_or(1, char::len_utf8),
            }
        })
    }
}

/// Lowercases char by char, keeping a char whose lowercase is several chars, so the
/// folded text has the same chars at the same char offsets.
fn fold(string: &str) -> String {
    string
        .chars()
        .map(|c| {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                _ => c,
            }
        })
        .collect()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The proposals of every rule for one article, minus what its spans already hold.
pub fn suggest(rules: &Rules, document: &Document) -> Vec<Proposal> {
    let text = document.text();
    // The text folded once, for every matcher that ignores case.
    let needs_folding = rules.gazetteers.iter().any(|(_, w)| w.ignore_case)
        || rules
            .quotes
            .as_ref()
            .is_some_and(|(_, verbs)| verbs.is_some());
    let folded = needs_folding.then(|| Text::new(fold(text.as_str())));
    let searched = |words: &Words| match &folded {
        Some(folded) if words.ignore_case => folded,
        _ => text,
    };
    let mut proposals = Vec::new();
    let speaker_label = rules.quotes.as_ref().map(|(q, _)| q.speaker_label.as_str());
    // Gazetteer proposals a quote may name as its speaker, sorted by start.
    let mut speakers: Vec<Range<usize>> = Vec::new();
    for (gazetteer, words) in &rules.gazetteers {
        let found = words
            .find(searched(words), 0..text.len_chars())
            .take(MAX_PROPOSALS_PER_RULE);
        for char_range in found {
            if speaker_label == Some(gazetteer.label.as_str()) {
                speakers.push(char_range.clone());
            }
            proposals.push(proposal(&gazetteer.name, &gazetteer.label, char_range));
        }
    }
    speakers.sort_by_key(|r| (r.start, r.end));
    speakers.dedup();
    for (pattern, regex) in &rules.patterns {
        let found = regex
            .find_iter(text.as_str())
            .filter(|m| !m.is_empty())
            .take(MAX_PROPOSALS_PER_RULE);
        for m in found {
            let char_range = text.char_from_byte(m.start())..text.char_from_byte(m.end());
            proposals.push(proposal(&pattern.name, &pattern.label, char_range));
        }
    }
    if let Some((finder, verbs)) = &rules.quotes {
        let verbs = verbs.as_ref().map(|v| (v, searched(v)));
        find_quotes(finder, verbs, document, &speakers, &mut proposals);
    }
    let annotations = document.annotations();
    proposals.retain(|p| {
        annotations
            .find_exact(&p.label, p.char_range.clone())
            .is_none()
    });
    // A stable sort: among equal label and range, the first rule's proposal comes first.
    proposals.sort_by(|a, b| order(a).cmp(&order(b)));
    proposals.dedup_by(|later, kept| {
        if order(later) != order(kept) {
            return false;
        }
        for link in later.links.drain(..) {
            if !kept.links.contains(&link) {
                kept.links.push(link);
            }
        }
        true
    });
    proposals
}

/// Proposals to refer every mention of `entity` in an article to it: each whole-word
/// occurrence of its name or an alias, case as written, the longest at each position (so
/// "Sergei Lavrov" is one mention, not "Lavrov" inside it), as a span of the entity's
/// label. An occurrence that is already a span of that label linked to this entity, or
/// to another one, is not proposed: a link the analyst made is never moved silently.
/// Accepting one ([`Command::Accept`](crate::model::Command::Accept)) makes the span, or
/// adopts the one there, and sets its entity.
pub fn entity_mentions(document: &Document, entity: &Entity) -> Vec<Proposal> {
    let names: Vec<String> = std::iter::once(&entity.name)
        .chain(&entity.aliases)
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    let Ok(words) = Words::new(&names, false, MAX_GAZETTEER_BYTES) else {
        return Vec::new();
    };
    let text = document.text();
    // The ranges of this label's spans that are linked already: one pass over the spans,
    // then a lookup per mention (a book has tens of thousands of both).
    let linked: HashSet<(usize, usize)> = document
        .annotations()
        .spans()
        .iter()
        .filter(|s| s.entity.is_some() && s.label == entity.label && !s.is_orphaned())
        .map(|s| (s.start, s.end))
        .collect();
    words
        .find(text, 0..text.len_chars())
        .take(MAX_PROPOSALS_PER_RULE)
        .filter(|range| !linked.contains(&(range.start, range.end)))
        .map(|char_range| Proposal {
            char_range,
            label: entity.label.clone(),
            source: Source::Manual,
            origin: Origin::Entity(entity.name.clone()),
            links: Vec::new(),
            attrs: Default::default(),
            entity: Some(entity.id.clone()),
        })
        .collect()
}

fn order(p: &Proposal) -> (usize, usize, &str) {
    (p.char_range.start, p.char_range.end, &p.label)
}

fn proposal(rule: &str, label: &str, char_range: Range<usize>) -> Proposal {
    Proposal {
        char_range,
        label: label.to_string(),
        source: Source::Rule(rule.to_string()),
        origin: Origin::Rule(rule.to_string()),
        links: Vec::new(),
        attrs: Default::default(),
        entity: None,
    }
}

/// A position in both units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct At {
    char_pos: usize,
    byte_pos: usize,
}

impl At {
    /// The position just after the char `c` found here.
    fn after(self, c: char) -> At {
        At {
            char_pos: self.char_pos + 1,
            byte_pos: self.byte_pos + c.len_utf8(),
        }
    }
}

/// A passage between two matching quotation marks.
#[derive(Debug)]
struct Quoted {
    /// The opening mark, and just after it.
    open: At,
    inner_start: At,
    /// The closing mark, and just after it.
    close: At,
    after_close: At,
    /// Where the window before the opening mark and the one after the closing mark stop.
    before_limit: At,
    after_limit: At,
}

/// Every passage between matching marks, in order, in one pass over the chars.
fn quoted_passages(string: &str, char_len: usize) -> Vec<Quoted> {
    let end = At {
        char_pos: char_len,
        byte_pos: string.len(),
    };
    let mut found: Vec<Quoted> = Vec::new();
    // The open quote: its mark, and where the window before it stops.
    let mut open: Option<(At, char, At)> = None;
    // The start of the current line, or the end of the last quote on it.
    let mut limit = At {
        char_pos: 0,
        byte_pos: 0,
    };
    // The last quote whose window after it is not yet bounded.
    let mut pending: Option<usize> = None;
    // Whether the current line follows a line break and holds only whitespace so far.
    let mut line_blank = false;
    let mut after_cr = false;
    for (char_pos, (byte_pos, c)) in string.char_indices().enumerate() {
        let at = At { char_pos, byte_pos };
        if c == '\n' || c == '\r' {
            let crlf = c == '\n' && after_cr;
            after_cr = c == '\r';
            if let Some(i) = pending.take() {
                found[i].after_limit = at;
            }
            limit = at.after(c);
            if crlf {
                continue;
            }
            if line_blank {
                open = None;
            }
            line_blank = true;
            continue;
        }
        after_cr = false;
        if c.is_whitespace() {
            continue;
        }
        line_blank = false;
        match open {
            Some((start, mark, before_limit))
                if closing_marks(mark).is_some_and(|m| m.contains(&c)) =>
            {
                pending = Some(found.len());
                found.push(Quoted {
                    open: start,
                    inner_start: start.after(mark),
                    close: at,
                    after_close: at.after(c),
                    before_limit,
                    after_limit: end,
                });
                limit = at.after(c);
                open = None;
            }
            Some(_) => {}
            None if closing_marks(c).is_some() => {
                if let Some(i) = pending.take() {
                    found[i].after_limit = at;
                }
                open = Some((at, c, limit));
            }
            None => {}
        }
    }
    found
}

/// Proposes the quotes of a document, each linked to its speaker when one is found.
/// `verbs` come with the text they search (folded).
fn find_quotes(
    finder: &QuoteFinder,
    verbs: Option<(&Words, &Text)>,
    document: &Document,
    speakers: &[Range<usize>],
    proposals: &mut Vec<Proposal>,
) {
    let text = document.text();
    let string = text.as_str();
    let mut made = 0;
    for quoted in quoted_passages(string, text.len_chars()) {
        if made == MAX_PROPOSALS_PER_RULE {
            break;
        }
        let inner = &string[quoted.inner_start.byte_pos..quoted.close.byte_pos];
        let trimmed_start = inner.trim_start();
        let trimmed = trimmed_start.trim_end();
        let words = trimmed
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .take(finder.min_words)
            .count();
        if trimmed.is_empty() || words < finder.min_words {
            continue;
        }
        let lead_chars = inner[..inner.len() - trimmed_start.len()].chars().count();
        let start = quoted.inner_start.char_pos + lead_chars;
        let char_range = start..start + trimmed.chars().count();
        let mut quote = proposal(&finder.name, &finder.label, char_range);
        if let Some((verbs, searched)) = verbs {
            let after_end = quoted
                .after_limit
                .char_pos
                .min(quoted.after_close.char_pos + finder.window);
            let after = quoted.after_close.char_pos..after_end.max(quoted.after_close.char_pos);
            let before_start = quoted
                .before_limit
                .char_pos
                .max(quoted.open.char_pos.saturating_sub(finder.window));
            let before = before_start.min(quoted.open.char_pos)..quoted.open.char_pos;
            let speaker_near = |window: Range<usize>, forward: bool| {
                let mut found = verbs.find(searched, window.clone());
                let verb = if forward { found.next() } else { found.last() }?;
                nearest_speaker(finder, document, speakers, window, verb)
            };
            let speaker = speaker_near(after, true).or_else(|| speaker_near(before, false));
            if let Some(other_range) = speaker {
                quote.links.push(ProposedLink {
                    kind: finder.relation.clone(),
                    other_label: finder.speaker_label.clone(),
                    other_range,
                    outgoing: true,
                });
            }
        }
        proposals.push(quote);
        made += 1;
    }
}

/// The `speaker_label` span or gazetteer proposal inside `window` nearest `verb` (chars
/// between them; ties: the earlier), not overlapping it.
fn nearest_speaker(
    finder: &QuoteFinder,
    document: &Document,
    speakers: &[Range<usize>],
    window: Range<usize>,
    verb: Range<usize>,
) -> Option<Range<usize>> {
    let first = speakers.partition_point(|r| r.start < window.start);
    let proposed = speakers[first..]
        .iter()
        .take_while(|r| r.start < window.end)
        .cloned();
    let existing = document
        .annotations()
        .overlapping(window.clone())
        .filter(|s| s.label == finder.speaker_label)
        .map(|s| s.char_range());
    existing
        .chain(proposed)
        .filter(|r| window.start <= r.start && r.end <= window.end)
        .filter_map(|r| {
            let gap = if r.end <= verb.start {
                verb.start - r.end
            } else if verb.end <= r.start {
                r.start - verb.end
            } else {
                return None;
            };
            Some((gap, r.start, r.end))
        })
        .min()
        .map(|(_, start, end)| start..end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotations, ArticleMeta, Span};

    /// A document with spans given as (label, char range).
    fn document(text: &str, spans: &[(&str, Range<usize>)]) -> Document {
        let text = Text::new(text.to_string());
        let spans = spans
            .iter()
            .enumerate()
            .map(|(i, (label, range))| Span::new(i as u64 + 1, label, range.clone(), &text))
            .collect();
        let annotations = Annotations::from_parts(spans, Vec::new()).unwrap();
        Document::new(text, ArticleMeta::utf8("t.txt"), annotations)
    }

    fn rules(source: &str) -> Rules {
        parse(source).unwrap()
    }

    /// (label, range, text, rule) of each proposal.
    fn found(rules: &Rules, doc: &Document) -> Vec<(String, Range<usize>, String, String)> {
        suggest(rules, doc)
            .into_iter()
            .map(|p| {
                let text = doc.text().slice(p.char_range.clone()).to_string();
                (p.label, p.char_range, text, p.origin.tag().to_string())
            })
            .collect()
    }

    fn link(other_range: Range<usize>) -> ProposedLink {
        ProposedLink {
            kind: "said_by".into(),
            other_label: "actor".into(),
            other_range,
            outgoing: true,
        }
    }

    const ACTORS: &str = r#"(gazetteers: [
        (name: "actors", label: "actor", entries: ["Lavrov", "Sergei Lavrov", "NATO", "José Álvarez"]),
    ])"#;

    /// The actors gazetteer and a quote finder with `fields`.
    fn actors_and_quotes(fields: &str) -> Rules {
        rules(&ACTORS.replace("\n    ])", &format!("\n    ], quotes: Some(({fields})))")))
    }

    #[test]
    fn gazetteers_match_whole_words_longest_first_in_chars() {
        let doc = document(
            "🇪🇬 Sergei Lavrov met Lavrovsky; ÉLavrov, Lavrov's aide\r\nNATO_x NATO.",
            &[],
        );
        let got = found(&rules(ACTORS), &doc);
        let ranges: Vec<(Range<usize>, &str)> = got
            .iter()
            .map(|(_, r, t, _)| (r.clone(), t.as_str()))
            .collect();
        assert_eq!(
            ranges,
            [
                (3..16, "Sergei Lavrov"),
                (41..47, "Lavrov"),
                (63..67, "NATO")
            ]
        );
        assert!(got
            .iter()
            .all(|(label, _, _, rule)| label == "actor" && rule == "actors"));
    }

    #[test]
    fn a_longer_entry_followed_by_a_letter_gives_way_to_a_shorter_one() {
        let doc = document("ab abc abcd", &[]);
        let rules = rules(r#"(gazetteers: [(name: "g", label: "x", entries: ["abc", "ab"])])"#);
        let ranges: Vec<_> = found(&rules, &doc).into_iter().map(|f| f.1).collect();
        assert_eq!(ranges, [0..2, 3..6]);
    }

    #[test]
    fn ignore_case_is_per_gazetteer() {
        let doc = document("LIBYA, libya and Libyan; Égypte Libya", &[]);
        let rules = rules(
            r#"(gazetteers: [
                (name: "any", label: "location", entries: ["libya"], ignore_case: true),
                (name: "exact", label: "place", entries: ["Libya"]),
            ])"#,
        );
        let got: Vec<(Range<usize>, String)> = found(&rules, &doc)
            .into_iter()
            .map(|f| (f.1, f.3))
            .collect();
        assert_eq!(
            got,
            [
                (0..5, "any".into()),
                (7..12, "any".into()),
                (32..37, "any".into()),
                (32..37, "exact".into()),
            ]
        );
    }

    #[test]
    fn patterns_propose_every_non_empty_match() {
        let doc = document("é in 2011 and in 1999;\r\n😀 in 2x, in 2014", &[]);
        let rules = rules(
            r#"(patterns: [
                (name: "years", label: "claim", regex: "\\bin (19|20)\\d\\d\\b"),
                (name: "nothing", label: "claim", regex: "q*"),
            ])"#,
        );
        let got: Vec<(Range<usize>, String)> = found(&rules, &doc)
            .into_iter()
            .map(|f| (f.1, f.2))
            .collect();
        assert_eq!(
            got,
            [
                (2..9, "in 2011".into()),
                (14..21, "in 1999".into()),
                (33..40, "in 2014".into()),
            ]
        );
    }

    const QUOTES: &str = r#"(quotes: Some(()))"#;

    #[test]
    fn every_quote_mark_style_is_found_inside_its_marks() {
        let text = "😀 \"a b c\" “d e f” «g h i» »j k l« „m n o“ „p q r”";
        let doc = document(text, &[]);
        let got: Vec<(Range<usize>, String)> = found(&rules(QUOTES), &doc)
            .into_iter()
            .map(|f| (f.1, f.2))
            .collect();
        let expected = [
            (3..8, "a b c"),
            (11..16, "d e f"),
            (19..24, "g h i"),
            (27..32, "j k l"),
            (35..40, "m n o"),
            (43..48, "p q r"),
        ];
        let expected: Vec<(Range<usize>, String)> = expected
            .iter()
            .map(|(r, t)| (r.clone(), t.to_string()))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn quotes_are_trimmed_need_min_words_and_stop_at_blank_lines() {
        let text = "Café “créatif” and “ two words ” then “ one\r\ntwo three ”\r\n\r\n“not closed\r\n \r\nhere” «x y z»";
        let doc = document(text, &[]);
        let got: Vec<(Range<usize>, String)> = found(&rules(QUOTES), &doc)
            .into_iter()
            .map(|f| (f.1, f.2))
            .collect();
        assert_eq!(
            got,
            [
                (40..54, "one\r\ntwo three".into()),
                (83..88, "x y z".into())
            ]
        );
        let two = rules(r#"(quotes: Some((min_words: 1)))"#);
        let texts: Vec<String> = found(&two, &doc).into_iter().map(|f| f.2).collect();
        assert_eq!(texts, ["créatif", "two words", "one\r\ntwo three", "x y z"]);
    }

    #[test]
    fn a_speaker_comes_from_an_existing_span_after_the_quote() {
        let text = "😀 “We will not go back,” said José Álvarez, the union's man.";
        // "José Álvarez" is chars [30, 42).
        let doc = document(text, &[("actor", 30..42)]);
        let proposals = suggest(&rules(QUOTES), &doc);
        assert_eq!(proposals.len(), 1);
        assert_eq!(proposals[0].char_range, 3..23);
        assert_eq!(proposals[0].links, [link(30..42)]);
    }

    #[test]
    fn a_speaker_comes_from_a_gazetteer_proposal_before_the_quote() {
        let text = "Ça va. Lavrov told reporters: «Russia is against blame» on Saturday.";
        let doc = document(text, &[]);
        let proposals = suggest(&actors_and_quotes(""), &doc);
        let quote = proposals.iter().find(|p| p.label == "quote").unwrap();
        assert_eq!(quote.char_range, 31..54);
        assert_eq!(quote.links, [link(7..13)]);
        // Both are proposed: accepting them together creates and links the speaker.
        assert!(proposals
            .iter()
            .any(|p| p.label == "actor" && p.char_range == (7..13)));
    }

    #[test]
    fn the_verb_after_the_quote_wins_and_the_nearest_speaker_is_taken() {
        let rules = actors_and_quotes("");
        let text = "NATO said \"We will not go back\", Lavrov added, and NATO agreed.";
        let doc = document(text, &[]);
        let quote = suggest(&rules, &doc)
            .into_iter()
            .find(|p| p.label == "quote")
            .unwrap();
        assert_eq!(
            quote.links,
            [link(33..39)],
            "Lavrov, after; not NATO, before"
        );
        // No speaker after the verb's side: the other side's verb and speaker.
        let text = "NATO said \"We will not go back\", he added.";
        let quote = suggest(&rules, &document(text, &[]))
            .into_iter()
            .find(|p| p.label == "quote")
            .unwrap();
        assert_eq!(quote.links, [link(0..4)]);
    }

    #[test]
    fn no_verb_or_a_verb_too_far_gives_no_link() {
        let rules = actors_and_quotes("window: 10");
        for text in [
            "Lavrov \"will not go back\" on Monday.",
            "Lavrov said long ago and far away \"will not go back\".",
            "Lavrov said \"a b\"; then \"will not go back\".",
        ] {
            let quote = suggest(&rules, &document(text, &[]))
                .into_iter()
                .find(|p| p.label == "quote" && p.char_range.len() > 3)
                .unwrap();
            assert!(quote.links.is_empty(), "{text}: {:?}", quote.links);
        }
    }

    #[test]
    fn windows_stay_on_the_quotes_lines() {
        let rules = actors_and_quotes("");
        for text in [
            "\"We will not go back,\" they wrote.\r\nLavrov said so.",
            "Lavrov said:\n\"We will not go back.\"",
        ] {
            let quote = suggest(&rules, &document(text, &[]))
                .into_iter()
                .find(|p| p.label == "quote")
                .unwrap();
            assert!(quote.links.is_empty(), "{text:?}: {:?}", quote.links);
        }
        // The quote itself may cross a line break; its windows are its first and last lines.
        let text = "Lavrov said \"We will\nnot go back.\"";
        let quote = suggest(&rules, &document(text, &[]))
            .into_iter()
            .find(|p| p.label == "quote")
            .unwrap();
        assert_eq!(quote.links, [link(0..6)]);
    }

    #[test]
    fn existing_spans_and_duplicates_are_not_proposed() {
        let source = r#"(
            gazetteers: [
                (name: "a", label: "actor", entries: ["Lavrov"]),
                (name: "b", label: "actor", entries: ["Lavrov", "NATO"]),
            ],
            patterns: [(name: "p", label: "actor", regex: "NATO")],
        )"#;
        let doc = document("Lavrov, Lavrov and NATO", &[("actor", 8..14)]);
        let got: Vec<(Range<usize>, String)> = found(&rules(source), &doc)
            .into_iter()
            .map(|f| (f.1, f.3))
            .collect();
        assert_eq!(got, [(0..6, "a".into()), (19..23, "b".into())]);
    }

    #[test]
    fn parse_errors_give_line_and_column() {
        let e =
            parse("(\n    gazetteers: [\n        (name: \"a\", label: ),\n    ],\n)").unwrap_err();
        assert_eq!((e.line, e.col), (3, 27), "{e}");
        let e = parse("(\n    gazetteers: [],\n    colours: [],\n)").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("colours"), "{e}");
        let e = parse("(patterns: [(name: \"p\", label: \"claim\", regex: \"x\", flags: \"i\")])")
            .unwrap_err();
        assert!(e.message.contains("flags"), "{e}");
    }

    #[test]
    fn rule_problems_name_the_rule_and_its_line() {
        let e = parse(
            "(\n  patterns: [\n    (name: \"ok\", label: \"claim\", regex: \"x\"),\n    (name: \"years\", label: \"claim\", regex: \"(19\"),\n  ],\n)",
        )
        .unwrap_err();
        assert_eq!((e.line, e.col), (4, 12), "{e}");
        assert!(
            e.message
                .starts_with("pattern \"years\": regex parse error"),
            "{e}"
        );
        let e =
            parse(r#"(gazetteers: [(name: "actors", label: "actor", entries: ["NATO", " "])])"#)
                .unwrap_err();
        assert_eq!(e.message, "gazetteer \"actors\": entry 2 is empty");
        let e = parse(
            "(\n gazetteers: [(name: \"x\", label: \"actor\", entries: [\"a\"])],\n patterns: [(name: \"x\", label: \"claim\", regex: \"b\")],\n)",
        )
        .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("used twice"), "{e}");
        let e = parse(r#"(quotes: Some((label: "")))"#).unwrap_err();
        assert_eq!(e.message, "quote finder \"quotes\": label is empty");
    }

    #[test]
    fn a_huge_regex_is_refused_quickly() {
        let began = std::time::Instant::now();
        let e = parse(r#"(patterns: [(name: "huge", label: "claim", regex: "a{10000}{10000}")])"#)
            .unwrap_err();
        assert!(
            e.message
                .starts_with("pattern \"huge\": too large once compiled"),
            "{e}"
        );
        assert!(began.elapsed().as_secs() < 5);
    }

    #[test]
    fn defaults_implicit_some_and_the_example() {
        let rules = parse(EXAMPLE).unwrap();
        assert_eq!(rules.names(), ["actors", "quotes"]);
        let implicit = parse("(quotes: (window: 5))").unwrap();
        let (finder, _) = implicit.quotes.unwrap();
        assert_eq!(
            finder,
            QuoteFinder {
                window: 5,
                ..QuoteFinder::default()
            }
        );
        assert!(parse("()").unwrap().names().is_empty());
    }

    #[test]
    fn entity_mentions_are_whole_words_longest_first_and_never_move_a_link() {
        let text = "Sergei Lavrov met Lavrov's aide; Lavrovsky and lavrov did not. Lavrov, Lavrov.";
        let doc = document(
            text,
            &[("actor", 63..69), ("actor", 71..77), ("location", 18..24)],
        );
        let mut doc = doc;
        // The mention at 71..77 is already linked to someone else.
        doc.apply(crate::model::Command::SetEntity {
            ids: vec![2],
            entity: Some("other".into()),
        })
        .unwrap();
        let entity = Entity {
            id: "sergei-lavrov".into(),
            name: "Sergei Lavrov".into(),
            label: "actor".into(),
            aliases: vec!["Lavrov".into(), " ".into()],
            external: Default::default(),
        };
        let found: Vec<(Range<usize>, &str)> = entity_mentions(&doc, &entity)
            .iter()
            .map(|p| (p.char_range.clone(), &text[p.char_range.clone()]))
            .collect();
        assert_eq!(
            found,
            [
                (0..13, "Sergei Lavrov"),
                (18..24, "Lavrov"),
                (63..69, "Lavrov"),
            ]
        );
        let proposals = entity_mentions(&doc, &entity);
        assert!(proposals
            .iter()
            .all(|p| p.entity.as_deref() == Some("sergei-lavrov") && p.label == "actor"));
        // Accepting them all is one step: the new spans and the adopted one are linked.
        doc.apply(crate::model::Command::Accept(proposals)).unwrap();
        let linked = doc
            .annotations()
            .spans()
            .iter()
            .filter(|s| s.entity.as_deref() == Some("sergei-lavrov"))
            .count();
        assert_eq!(linked, 3);
        assert!(
            entity_mentions(&doc, &entity).is_empty(),
            "nothing left to propose"
        );
        doc.apply(crate::model::Command::Undo).unwrap();
        assert_eq!(entity_mentions(&doc, &entity).len(), 3);
    }

    #[test]
    fn a_generated_book_gets_consistent_proposals() {
        let doc = crate::model::generate::article(2, 200_000, 2_000);
        let source = r#"(
            gazetteers: [
                (name: "actors", label: "actor", entries: ["Lavrov", "José Álvarez", "NATO"]),
                (name: "places", label: "location", entries: ["Cairo", "Libya", "Łódź", "Tahrir Square"], ignore_case: true),
            ],
            quotes: Some(()),
        )"#;
        let proposals = suggest(&rules(source), &doc);
        assert!(proposals
            .iter()
            .any(|p| p.label == "quote" && !p.links.is_empty()));
        let text = doc.text();
        for p in &proposals {
            let covered = text.slice(p.char_range.clone());
            assert!(!covered.is_empty() && covered.trim() == covered, "{p:?}");
            assert!(doc
                .annotations()
                .find_exact(&p.label, p.char_range.clone())
                .is_none());
            for link in &p.links {
                let exists = doc
                    .annotations()
                    .find_exact(&link.other_label, link.other_range.clone())
                    .is_some()
                    || proposals
                        .iter()
                        .any(|o| o.label == link.other_label && o.char_range == link.other_range);
                assert!(exists, "{link:?}");
            }
        }
    }
}
