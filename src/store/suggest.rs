//! `spantag suggest`: a corpus's `suggest.ron` rules run over every article, listed with
//! their positions and, with `--accept`, accepted into the sidecars.

use std::io;
use std::path::Path;

use super::corpus::{load, rewrite_sidecar};
use super::sidecar_path;
use super::walk::articles;
use crate::problem::Problem;

/// What [`suggest`] found in one article.
#[derive(Debug)]
pub struct Suggested {
    /// The article's path relative to the corpus, `/`-separated.
    pub id: String,
    pub proposals: Vec<LocatedProposal>,
    /// Spans made by accepting (0 without `accept`).
    pub accepted_spans: usize,
    /// Whether the sidecar was written.
    pub rewritten: bool,
}

/// A proposal with what a report shows of it.
#[derive(Debug)]
pub struct LocatedProposal {
    pub proposal: crate::model::Proposal,
    /// 1-based line and column (in chars) of its start.
    pub line: usize,
    pub col: usize,
    /// The text it covers.
    pub text: String,
    /// The text of the speaker it links to, if any.
    pub speaker: Option<String>,
}

/// The suggestions of `rules` for every article of a corpus. With `accept`, each
/// article's proposals are accepted in one [`Command::Accept`](crate::model::Command) (a
/// quote's speaker with it, so it is made and linked), and its sidecar rewritten
/// atomically if that changed it and nobody changed it meanwhile (spans re-anchored on
/// loading are written as moved, as `reanchor` would). Articles that cannot be read, and
/// sidecars that cannot be written, are problems, left untouched.
pub fn suggest(
    corpus: &Path,
    rules: &crate::suggest::Rules,
    accept: bool,
) -> Result<(Vec<Suggested>, Vec<Problem>), Problem> {
    let mut done = Vec::new();
    let mut problems = Vec::new();
    for (id, path) in articles(corpus)? {
        let sidecar = sidecar_path(&path);
        // What the sidecar holds before (none: no sidecar), for the rewrite to replace.
        let before = if accept {
            match super::read_sidecar_bytes(&sidecar) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == io::ErrorKind::NotFound => None,
                Err(e) => {
                    problems.push(Problem::file(&sidecar, format!("cannot read: {e}")));
                    continue;
                }
            }
        } else {
            None
        };
        let (mut document, _) = match load(&path) {
            Ok(loaded) => loaded,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let proposals = crate::suggest::suggest(rules, &document);
        let text = document.text();
        let located = proposals
            .iter()
            .map(|p| {
                let line = text.paragraph_index_at(p.char_range.start);
                let paragraph = &text.paragraphs()[line];
                LocatedProposal {
                    line: line + 1,
                    col: p.char_range.start - paragraph.char_range.start + 1,
                    text: text
                        .get(p.char_range.clone())
                        .unwrap_or_default()
                        .to_string(),
                    speaker: p
                        .links
                        .first()
                        .and_then(|l| text.get(l.other_range.clone()))
                        .map(str::to_string),
                    proposal: p.clone(),
                }
            })
            .collect();
        let mut suggested = Suggested {
            id,
            proposals: located,
            accepted_spans: 0,
            rewritten: false,
        };
        if accept && !proposals.is_empty() {
            let spans_before = document.annotations().len();
            match document.apply(crate::model::Command::Accept(proposals)) {
                Err(e) => {
                    problems.push(Problem::file(&path, format!("cannot accept: {e}")));
                    continue;
                }
                Ok(applied) if applied.changed => {
                    match rewrite_sidecar(
                        &sidecar,
                        &document,
                        before.as_deref(),
                        "suggestions were made",
                    ) {
                        Ok(rewritten) => {
                            suggested.rewritten = rewritten;
                            if rewritten {
                                suggested.accepted_spans =
                                    document.annotations().len() - spans_before;
                            }
                        }
                        Err(problem) => {
                            problems.push(problem);
                            continue;
                        }
                    }
                }
                Ok(_) => {}
            }
        }
        done.push(suggested);
    }
    Ok((done, problems))
}
