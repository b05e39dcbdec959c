//! Counting a corpus from its sidecars alone (the articles are not read): the figures of
//! `spantag stats` and the dashboard, and the line the folder list shows per article.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::corpus::read_sidecar;
use super::sidecar_path;
use crate::model::{Status, Suggestion, SuggestionStatus};
use crate::problem::Problem;

/// Spans per label, articles per status, and suggestions per source across a corpus.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    pub articles: usize,
    /// Articles per status (`NotStarted`, `InProgress`, `Done`).
    pub status: BTreeMap<String, usize>,
    /// Spans per label, orphans included.
    pub labels: BTreeMap<String, usize>,
    pub relations: usize,
    /// The most frequent span texts per label (at most [`TOP_TEXTS`], most frequent first).
    pub top: BTreeMap<String, Vec<(String, usize)>>,
    /// Suggestions per source (a model, an imported file) and what the analysts decided.
    pub suggestions: BTreeMap<String, Decisions>,
    /// Sidecars that could not be read.
    #[serde(skip)]
    pub problems: Vec<Problem>,
}

/// How many of one source's suggestions were accepted, rejected, or wait for a decision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Decisions {
    pub accepted: usize,
    pub rejected: usize,
    pub pending: usize,
}

impl Decisions {
    pub fn total(&self) -> usize {
        self.accepted + self.rejected + self.pending
    }
}

impl Stats {
    /// Counts suggestions under their sources.
    pub fn add_suggestions(&mut self, suggestions: &[Suggestion]) {
        for suggestion in suggestions {
            let decisions = self
                .suggestions
                .entry(suggestion.source.clone())
                .or_default();
            match suggestion.status {
                SuggestionStatus::Accepted => decisions.accepted += 1,
                SuggestionStatus::Rejected => decisions.rejected += 1,
                SuggestionStatus::Pending => decisions.pending += 1,
            }
        }
    }
}

/// How many of the most frequent texts per label [`stats`] keeps.
pub const TOP_TEXTS: usize = 10;

/// Counts a corpus from its sidecars alone. A sidecar that cannot be read is a problem in
/// [`Stats::problems`] (its article counts, as not started); a corpus that cannot be
/// listed is the error.
pub fn stats(corpus: &Path) -> Result<Stats, Problem> {
    let mut stats = Stats::default();
    for status in ["NotStarted", "InProgress", "Done"] {
        stats.status.insert(status.into(), 0);
    }
    let mut texts: HashMap<(String, String), usize> = HashMap::new();
    for (_, path) in super::walk::articles(corpus)? {
        stats.articles += 1;
        let parsed = read_sidecar(&sidecar_path(&path)).unwrap_or_else(|problem| {
            stats.problems.push(problem);
            None
        });
        let status = parsed.as_ref().map_or(Status::NotStarted, |p| p.status);
        *stats.status.entry(format!("{status:?}")).or_default() += 1;
        if let Some(parsed) = parsed {
            for span in &parsed.spans {
                *stats.labels.entry(span.label.clone()).or_default() += 1;
                *texts
                    .entry((span.label.clone(), span.text.clone()))
                    .or_default() += 1;
            }
            stats.relations += parsed.relations.len();
            stats.add_suggestions(&parsed.suggestions);
        }
    }
    for ((label, text), count) in texts {
        stats.top.entry(label).or_default().push((text, count));
    }
    for list in stats.top.values_mut() {
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        list.truncate(TOP_TEXTS);
    }
    Ok(stats)
}

/// What the folder list shows of an article, read from its sidecar alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleSummary {
    /// The path relative to the folder, `/`-separated.
    pub id: String,
    pub path: PathBuf,
    pub status: Status,
    pub spans: usize,
    /// Why the sidecar could not be read, if it could not.
    pub problem: Option<Problem>,
}

/// Summarizes an article from its sidecar (no sidecar: not started, no spans).
pub fn summarize(id: String, path: PathBuf) -> ArticleSummary {
    let mut summary = ArticleSummary {
        id,
        status: Status::NotStarted,
        spans: 0,
        problem: None,
        path,
    };
    match read_sidecar(&sidecar_path(&summary.path)) {
        Ok(None) => {}
        Ok(Some(parsed)) => {
            summary.status = parsed.status;
            summary.spans = parsed.spans.len();
        }
        Err(problem) => summary.problem = Some(problem),
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_counted_per_source_and_decision() {
        let text = crate::model::Text::new("Lavrov met Blinken in Cairo.".to_string());
        let suggestion = |source: &str, status| Suggestion {
            status,
            ..Suggestion::from_span(crate::model::Span::new(1, "actor", 0..6, &text), source)
        };
        let mut stats = Stats::default();
        stats.add_suggestions(&[
            suggestion("ner-v1", SuggestionStatus::Accepted),
            suggestion("ner-v1", SuggestionStatus::Rejected),
            suggestion("ner-v1", SuggestionStatus::Pending),
            suggestion("ner-v1", SuggestionStatus::Pending),
            suggestion("gold.jsonl", SuggestionStatus::Accepted),
        ]);
        let v1 = stats.suggestions["ner-v1"];
        assert_eq!((v1.accepted, v1.rejected, v1.pending), (1, 1, 2));
        assert_eq!(stats.suggestions["gold.jsonl"].total(), 1);
        let json = serde_json::to_value(&stats).unwrap();
        assert_eq!(json["suggestions"]["ner-v1"]["pending"], 2);
    }
}
