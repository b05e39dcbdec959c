//! The disk side of entities across a corpus: building the entity index from every
//! sidecar, rewriting references when two entities merge, and linking an entity's
//! mentions in every article of a folder.
//!
//! The index reads sidecars only (spans store their text), on as many threads as the
//! machine has, because a corpus view over 50,000 articles must open within 2 s. The
//! writing passes load whole articles (a command needs the document), but only those they
//! change: a merge loads just the sidecars whose bytes mention the id that goes.
//!
//! Every pass reports progress and can be cancelled through a shared [`Progress`], so the
//! app runs it on a background thread with a progress bar. Sidecars that cannot be read
//! are problems naming the file (with line and column for a parse error), never skipped
//! silently, and are left untouched.

use std::io;
use std::path::{Path, PathBuf};

use super::corpus::{self, read_sidecar};
use super::sidecar_path;
use super::walk::articles;
use crate::model::entities::{EntityEditError, Merged};
use crate::model::entity_index::{EntityIndex, IndexBuilder};
use crate::model::{Command, Entities, Entity};
use crate::problem::Problem;

pub use super::progress::Progress;

/// Why a pass stopped before its end.
#[derive(Debug, thiserror::Error)]
pub enum PassError {
    /// The corpus could not be listed, or `entities.ron` could not be saved.
    #[error("{0}")]
    Problem(#[from] Problem),
    #[error("cancelled")]
    Cancelled,
    #[error(transparent)]
    Entities(#[from] EntityEditError),
}

/// An index and the sidecars it could not read.
#[derive(Debug, Default)]
pub struct Built {
    pub index: EntityIndex,
    /// Sidecars that could not be read or parsed (their articles count, without spans).
    pub problems: Vec<Problem>,
}

/// Builds the entity index of a corpus from its sidecars ([`EntityIndex`]).
pub fn build(corpus: &Path, entities: &Entities, progress: &Progress) -> Result<Built, PassError> {
    let list = articles(corpus)?;
    progress.start(list.len());
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = list.len().div_ceil(threads).max(1);
    let parts: Vec<(IndexBuilder, Vec<Problem>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = list
            .chunks(chunk)
            .map(|part| (part, scope.spawn(move || scan(part, progress))))
            .collect();
        // A thread that failed loses its share: say which articles, never count them silently.
        handles
            .into_iter()
            .map(|(part, h)| {
                h.join().unwrap_or_else(|_| {
                    let problems = part
                        .iter()
                        .map(|(_, path)| {
                            Problem::file(
                                sidecar_path(path),
                                "not indexed: reading it failed unexpectedly",
                            )
                        })
                        .collect();
                    (IndexBuilder::default(), problems)
                })
            })
            .collect()
    });
    if progress.cancelled() {
        return Err(PassError::Cancelled);
    }
    let mut builder = IndexBuilder::default();
    let mut problems = Vec::new();
    for (part, found) in parts {
        builder.join(part);
        problems.extend(found);
    }
    Ok(Built {
        index: builder.finish(entities),
        problems,
    })
}

/// One thread's share of [`build`].
fn scan(list: &[(String, PathBuf)], progress: &Progress) -> (IndexBuilder, Vec<Problem>) {
    let mut builder = IndexBuilder::default();
    let mut problems = Vec::new();
    for (id, path) in list {
        if progress.cancelled() {
            break;
        }
        match read_sidecar(&sidecar_path(path)) {
            Ok(Some(parsed)) => builder.add(id, &parsed.spans, &parsed.relations),
            Ok(None) => builder.add_empty(),
            Err(problem) => {
                builder.add_empty();
                problems.push(problem);
            }
        }
        progress.step();
    }
    (builder, problems)
}

/// What a writing pass did.
#[derive(Debug, Default)]
pub struct Rewritten {
    /// Sidecars rewritten, with how many spans changed in each.
    pub files: Vec<(PathBuf, usize)>,
    /// Articles or sidecars that could not be read or written; left untouched.
    pub problems: Vec<Problem>,
}

impl Rewritten {
    /// Spans changed over every file.
    pub fn spans(&self) -> usize {
        self.files.iter().map(|(_, n)| n).sum()
    }
}

/// Refers every span of the corpus whose entity is `gone` to `kept` instead (`None`
/// unlinks them), one sidecar at a time, each written atomically and only if nobody
/// changed it meanwhile. The article at `skip` (the one open in the app, which takes the
/// change through an undoable command instead) is left alone. Only sidecars whose bytes
/// mention `gone` are loaded.
pub fn rewrite_references(
    corpus: &Path,
    gone: &str,
    kept: Option<&str>,
    skip: Option<&Path>,
    progress: &Progress,
) -> Result<Rewritten, PassError> {
    let pass = Pass {
        skip,
        write: true,
        verb: "relink",
        reason: "entities were merged",
    };
    let wanted = |before: Option<&[u8]>| before.is_some_and(|b| contains(b, gone.as_bytes()));
    pass.run(corpus, progress, wanted, |document| {
        let ids: Vec<_> = document
            .annotations()
            .spans()
            .iter()
            .filter(|s| s.entity.as_deref() == Some(gone))
            .map(|s| s.id)
            .collect();
        let count = ids.len();
        let command = Command::SetEntity {
            ids,
            entity: kept.map(str::to_string),
        };
        (count > 0).then_some((command, count))
    })
}

/// A writing pass over the articles of a corpus: one command per article, each sidecar
/// written atomically and only if nobody changed it meanwhile.
struct Pass<'a> {
    /// The article open in the app, left alone.
    skip: Option<&'a Path>,
    /// Without it, nothing is written: the report counts what would change.
    write: bool,
    /// What a failed command could not do, for its message.
    verb: &'a str,
    /// Why the sidecar changed, for a conflict's message.
    reason: &'a str,
}

impl Pass<'_> {
    /// Walks every article but `skip`, with progress and Cancel. `wanted` sees a sidecar's
    /// bytes (`None`: it has none yet) and says whether to load the article; `change`
    /// gives the command to apply and how many spans it changes, or nothing to do.
    /// Unreadable files are problems in the report, passed over and never written.
    fn run(
        &self,
        corpus: &Path,
        progress: &Progress,
        wanted: impl Fn(Option<&[u8]>) -> bool,
        change: impl Fn(&crate::model::Document) -> Option<(Command, usize)>,
    ) -> Result<Rewritten, PassError> {
        let list = articles(corpus)?;
        progress.start(list.len());
        let mut done = Rewritten::default();
        for (_, path) in &list {
            if progress.cancelled() {
                return Err(PassError::Cancelled);
            }
            progress.step();
            if self.skip.is_some_and(|s| same_file(s, path)) {
                continue;
            }
            let sidecar = sidecar_path(path);
            let before = match super::read_sidecar_bytes(&sidecar) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == io::ErrorKind::NotFound => None,
                Err(e) => {
                    done.problems
                        .push(Problem::file(sidecar, format!("cannot read: {e}")));
                    continue;
                }
            };
            if !wanted(before.as_deref()) {
                continue;
            }
            let mut document = match corpus::load(path) {
                Ok((document, _)) => document,
                Err(problem) => {
                    done.problems.push(problem);
                    continue;
                }
            };
            let Some((command, count)) = change(&document) else {
                continue;
            };
            if !self.write {
                done.files.push((sidecar, count));
                continue;
            }
            if let Err(e) = document.apply(command) {
                done.problems
                    .push(Problem::file(path, format!("cannot {}: {e}", self.verb)));
                continue;
            }
            match corpus::rewrite_sidecar(&sidecar, &document, before.as_deref(), self.reason) {
                Ok(true) => done.files.push((sidecar, count)),
                Ok(false) => {}
                Err(problem) => done.problems.push(problem),
            }
        }
        Ok(done)
    }
}

/// What a merge did on disk.
#[derive(Debug)]
pub struct MergeReport {
    pub merged: Merged,
    pub rewritten: Rewritten,
}

/// Merges entity `gone` into `kept` across the corpus rooted at `corpus`: every sidecar
/// first ([`rewrite_references`], skipping `skip`), `entities.ron` last, so a crash midway
/// leaves only references to entities that still exist. On success `entities` is the
/// merged set, as saved. Sidecars that could not be rewritten are in the report: they keep
/// `gone`, which the index then lists as unknown.
pub fn merge(
    corpus: &Path,
    entities: &mut Entities,
    gone: &str,
    kept: &str,
    skip: Option<&Path>,
    progress: &Progress,
) -> Result<MergeReport, PassError> {
    let mut after = entities.clone();
    let merged = after.merge(gone, kept)?;
    let rewritten = rewrite_references(corpus, gone, Some(kept), skip, progress)?;
    super::entities::save(corpus, &after)
        .map_err(|e| Problem::file(super::entities::path(corpus), format!("cannot save: {e}")))?;
    *entities = after;
    Ok(MergeReport { merged, rewritten })
}

/// Links an entity's unlinked mentions ([`crate::suggest::entity_mentions`]) in every
/// article of a corpus but `skip` (the open one, which gets them as proposals to review).
/// Without `accept` nothing is written: the report says how many there are, per article
/// (what the "Link N more mentions in K other articles" button shows). With it, each
/// article's mentions are accepted as one command and its sidecar written atomically.
pub fn link_mentions(
    corpus: &Path,
    entity: &Entity,
    skip: Option<&Path>,
    accept: bool,
    progress: &Progress,
) -> Result<Rewritten, PassError> {
    let pass = Pass {
        skip,
        write: accept,
        verb: "link",
        reason: "mentions were linked",
    };
    pass.run(
        corpus,
        progress,
        |_| true,
        |document| {
            let proposals = crate::suggest::entity_mentions(document, entity);
            let count = proposals.len();
            (count > 0).then_some((Command::Accept(proposals), count))
        },
    )
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// Whether two paths name the same file (canonically when both exist).
fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (a.canonicalize(), b.canonicalize()),
            (Ok(x), Ok(y)) if x == y
        )
}
