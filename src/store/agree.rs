//! `spantag agree` and the compare view: inter-annotator agreement between folders that
//! hold the same articles, one annotator's sidecars each ([`crate::agree`] does the sums).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::corpus::load;
use super::walk::articles;
use crate::problem::Problem;

/// What [`agree`] found: the figures over the articles that every folder holds with the
/// same text, and the articles left out.
#[derive(Debug, serde::Serialize)]
pub struct AgreeReport {
    /// The annotators' folders, in the order given (the first is the reference).
    pub annotators: Vec<String>,
    #[serde(flatten)]
    pub agreement: crate::agree::Agreement,
    pub skipped: Vec<SkippedArticle>,
    /// Articles or sidecars that could not be read (their articles are skipped too).
    #[serde(skip)]
    pub problems: Vec<Problem>,
}

/// An article left out of an agreement, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SkippedArticle {
    /// The path relative to the folders, `/`-separated.
    pub id: String,
    pub reason: String,
}

/// Inter-annotator agreement between folders holding the same articles, one annotator's
/// sidecars each ([`crate::agree`]). Articles are matched by id; one missing from a folder,
/// or whose text differs between folders, is skipped, and so is one that cannot be read
/// (also a [`Problem`]). An article without a sidecar has no spans. Articles are loaded one
/// id at a time.
pub fn agree(folders: &[PathBuf]) -> Result<AgreeReport, Problem> {
    if folders.len() < 2 {
        let shown = folders.first().map_or(Path::new("."), PathBuf::as_path);
        return Err(Problem::file(shown, "agreement needs two folders or more"));
    }
    let mut lists = Vec::with_capacity(folders.len());
    for folder in folders {
        let list: BTreeMap<String, PathBuf> = articles(folder)?.into_iter().collect();
        lists.push(list);
    }
    let ids: BTreeSet<&String> = lists.iter().flat_map(|l| l.keys()).collect();
    let mut tally = crate::agree::Tally::new(folders.len());
    let (mut skipped, mut problems) = (Vec::new(), Vec::new());
    let mut skip = |id: &str, reason: String| {
        skipped.push(SkippedArticle {
            id: id.to_string(),
            reason,
        })
    };
    for id in ids {
        let Some(paths) = lists.iter().map(|l| l.get(id)).collect::<Option<Vec<_>>>() else {
            let missing: Vec<String> = folders
                .iter()
                .zip(&lists)
                .filter(|(_, list)| !list.contains_key(id))
                .map(|(folder, _)| folder.display().to_string())
                .collect();
            skip(id, format!("missing from {}", missing.join(", ")));
            continue;
        };
        let mut documents = Vec::with_capacity(paths.len());
        let mut unreadable = Vec::new();
        for path in paths {
            match load(path) {
                Ok((document, _)) => documents.push(document),
                Err(problem) => {
                    unreadable.push(problem.to_string());
                    problems.push(problem);
                }
            }
        }
        if !unreadable.is_empty() {
            skip(id, unreadable.join("; "));
            continue;
        }
        let Some((first, others)) = documents.split_first() else {
            continue;
        };
        // The decoded texts, not the files' hashes: offsets count chars of the text, so
        // the same text in another encoding compares the same.
        let differing: Vec<String> = folders[1..]
            .iter()
            .zip(others)
            .filter(|(_, d)| d.text().as_str() != first.text().as_str())
            .map(|(folder, _)| folder.display().to_string())
            .collect();
        if !differing.is_empty() {
            skip(
                id,
                format!(
                    "its text differs from the one in {}: {}",
                    folders[0].display(),
                    differing.join(", ")
                ),
            );
            continue;
        }
        let spans: Vec<&[crate::model::Span]> =
            documents.iter().map(|d| d.annotations().spans()).collect();
        tally.add_article(id, first.text(), &spans);
    }
    Ok(AgreeReport {
        annotators: folders.iter().map(|f| f.display().to_string()).collect(),
        agreement: tally.finish(),
        skipped,
        problems,
    })
}
