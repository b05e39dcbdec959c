//! `spantag reanchor`: every span found again in articles that changed, and the sidecars
//! that move rewritten.

use std::path::{Path, PathBuf};

use super::corpus::{load, rewrite_sidecar};
use super::sidecar_path;
use super::walk::articles;
use crate::problem::Problem;

/// What `reanchor` did to one article's sidecar.
#[derive(Debug)]
pub struct Reanchored {
    pub article: PathBuf,
    pub outcome: crate::anchor::Outcome,
    /// Whether the sidecar was rewritten (only when its bytes changed).
    pub rewritten: bool,
}

/// Re-anchors every sidecar of a corpus against its article as it is now, and rewrites the
/// sidecars that change (atomically, and only if nobody changed them meanwhile). Articles
/// without a sidecar are skipped; those that cannot be read are problems, left untouched.
pub fn reanchor(corpus: &Path) -> Result<(Vec<Reanchored>, Vec<Problem>), Problem> {
    let mut done = Vec::new();
    let mut problems = Vec::new();
    for (_, path) in articles(corpus)? {
        let sidecar = sidecar_path(&path);
        let Ok(before) = super::read_sidecar_text(&sidecar) else {
            continue;
        };
        let (document, report) = match load(&path) {
            Ok(loaded) => loaded,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let rewritten = match rewrite_sidecar(
            &sidecar,
            &document,
            Some(before.as_bytes()),
            "it was re-anchored",
        ) {
            Ok(rewritten) => rewritten,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        done.push(Reanchored {
            article: path,
            outcome: report.anchoring,
            rewritten,
        });
    }
    Ok((done, problems))
}
