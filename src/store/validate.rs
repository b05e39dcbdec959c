//! `spantag validate`: every problem in a corpus, each naming its file (and for a sidecar
//! the line and column of the span), without changing anything.

use std::collections::HashMap;
use std::path::Path;

use super::corpus::{load_scheme, load_with_source};
use super::sidecar_path;
use super::walk::{self, scheme_folder};
use crate::model::sidecar::{self, LoadReport};
use crate::model::{Document, Scheme};
use crate::problem::Problem;

/// Every problem in a corpus: articles that cannot be read, sidecars that do not parse,
/// flaws inside sidecars (ids used twice, relations to missing spans, impossible ranges),
/// spans not at their stored position, orphans, merge conflicts not yet resolved, labels
/// and relation kinds the scheme does not name, a scheme that cannot be used, and sidecars whose article is missing. Returns
/// how many articles were checked, and the problems.
pub fn validate(corpus: &Path) -> Result<(usize, Vec<Problem>), Problem> {
    let list = walk::articles(corpus)?;
    let mut problems = Vec::new();
    let (scheme, scheme_problem) = load_scheme(&scheme_folder(corpus));
    problems.extend(scheme_problem);
    for (_, path) in &list {
        match load_with_source(path) {
            Err(problem) => problems.push(problem),
            Ok((document, report, source)) => {
                let sidecar = sidecar_path(path);
                let source = source.unwrap_or_default();
                problems.extend(
                    sidecar_problems(&document, &report, &scheme, &source)
                        .into_iter()
                        .map(|(at, message)| match at {
                            Some((line, col)) => Problem::at(&sidecar, line, col, message),
                            None => Problem::file(&sidecar, message),
                        }),
                );
            }
        }
    }
    if corpus.is_dir() {
        walk::files(corpus, |path| {
            let Some(article) = path.to_str().and_then(|p| p.strip_suffix(sidecar::SUFFIX)) else {
                return;
            };
            if !Path::new(article).exists() {
                problems.push(Problem::file(path, "sidecar without its article"));
            }
        })?;
    }
    Ok((list.len(), problems))
}

/// What is wrong in one loaded sidecar, each with the (line, column) of its span when known.
fn sidecar_problems(
    document: &Document,
    report: &LoadReport,
    scheme: &Scheme,
    source: &str,
) -> Vec<(Option<(usize, usize)>, String)> {
    // Spans are written one per line: a span's line is where its id is.
    let line_of = |id: u64| {
        let needle = format!("(id: {id},");
        source
            .lines()
            .position(|l| l.trim_start().starts_with(&needle))
            .map(|l| (l + 1, 9))
    };
    let stored: HashMap<u64, (usize, usize)> = sidecar::decode(source)
        .map(|s| {
            s.spans
                .iter()
                .map(|sp| (sp.id, (sp.start, sp.end)))
                .collect()
        })
        .unwrap_or_default();
    let mut found = Vec::new();
    // A suggestion's place is its number in the `suggestions` list.
    let suggestion_at = |number: usize| sidecar::suggestion_position(source, number);
    let conflict_at = |number: usize| sidecar::conflict_position(source, number);
    for flaw in &report.flaws {
        let at = flaw
            .span_id()
            .and_then(line_of)
            .or_else(|| flaw.suggestion_number().and_then(suggestion_at))
            .or_else(|| flaw.conflict_number().and_then(conflict_at));
        found.push((at, flaw.to_string()));
    }
    // Suggestions an earlier load marked orphaned load quietly: still say so.
    for (k, suggestion) in document.suggestions.iter().enumerate() {
        let number = k + 1;
        let reported = report
            .flaws
            .iter()
            .any(|f| f.suggestion_number() == Some(number));
        if suggestion.is_orphaned() && !reported {
            found.push((
                suggestion_at(number),
                format!(
                    "suggestion {number} ({} {:?}, from {}) is orphaned: its text was not \
                     found in the article, so it is kept but never offered",
                    suggestion.label, suggestion.text, suggestion.source
                ),
            ));
        }
    }
    let annotations = document.annotations();
    if report.article_changed {
        let a = &report.anchoring;
        let what = match &report.extractor_changed {
            Some((then, now)) => {
                format!("the article's text was extracted differently ({then} then, {now} now)")
            }
            None => "the article changed".into(),
        };
        found.push((
            None,
            format!(
                "{what} since it was annotated: {} spans held, {} moved, {} orphaned \
                 (spantag reanchor updates the sidecar)",
                a.held,
                a.moved.len(),
                a.orphaned.len()
            ),
        ));
    } else {
        for &id in &report.anchoring.moved {
            let (Some(span), Some((start, end))) = (annotations.get(id), stored.get(&id)) else {
                continue;
            };
            found.push((
                line_of(id),
                format!(
                    "span {id} ({}) {:?} is not at {start}..{end}; its text is at {}..{}",
                    span.label, span.text, span.start, span.end
                ),
            ));
        }
    }
    for span in annotations.spans().iter().filter(|s| s.is_orphaned()) {
        let message = if report.anchoring.orphaned.contains(&span.id) {
            format!(
                "span {} ({}) {:?} is not at {}..{} and was not found in the article",
                span.id, span.label, span.text, span.start, span.end
            )
        } else {
            format!(
                "span {} ({}) {:?} is marked Orphaned",
                span.id, span.label, span.text
            )
        };
        found.push((line_of(span.id), message));
    }
    for conflict in &document.conflicts {
        let needle = format!("(span: {},", conflict.span);
        let at = source
            .lines()
            .position(|l| l.trim_start().starts_with(&needle))
            .map(|l| (l + 1, 9));
        let side = |span: Option<&crate::model::Span>| match span {
            Some(span) => format!("{} {:?}", span.label, span.text),
            None => "deleted".into(),
        };
        found.push((
            at,
            format!(
                "span {} was changed differently on two merged branches (ours: {}; theirs: \
                 {}): choose one under Needs review in the window",
                conflict.span,
                side(conflict.ours.as_ref()),
                side(conflict.theirs.as_ref())
            ),
        ));
    }
    for span in annotations.spans() {
        if scheme.label(&span.label).is_none() {
            found.push((
                line_of(span.id),
                format!(
                    "span {}: label {:?} is not in the scheme",
                    span.id, span.label
                ),
            ));
        }
    }
    for relation in annotations.relations() {
        if !scheme.relations.iter().any(|k| k.name == relation.kind) {
            found.push((
                None,
                format!(
                    "relation {}: kind {:?} is not in the scheme",
                    relation.id, relation.kind
                ),
            ));
        }
    }
    found
}
