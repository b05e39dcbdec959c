//! The disk side of export: a corpus's articles, loaded one at a time, through the pure
//! exporter ([`crate::export`]) into one output file (or a folder, for brat).
//!
//! Memory is bounded by the largest article, not the corpus. The one output file and its
//! companions are [`Staged`]: they appear, complete and flushed to
//! disk, only when the export succeeds, so a failed or cancelled export leaves nothing
//! half-written. (A brat folder is written file by file.)

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::atomic::{self, Staged};
use super::corpus::load;
use super::sidecar_path;
use super::walk::{articles, scheme_folder};
use crate::export::{Article, Exporter, Format, Options, Output, Report};
use crate::model::{Entities, Scheme};
use crate::problem::Problem;

/// What an export did.
#[derive(Debug, Default)]
pub struct ExportSummary {
    pub report: Report,
    /// Articles that could not be read and were not exported.
    pub skipped: Vec<Problem>,
}

/// The message of a cancelled export's [`Problem`].
pub const CANCELLED: &str = "cancelled; nothing was written";

/// Exports a corpus with the entities of its `entities.ron` (beside its scheme, in
/// [`scheme_folder`]); see [`export_with`]. A broken `entities.ron` fails the export,
/// naming the file, line and column: exporting without it would drop every entity's name.
pub fn export(
    corpus: &Path,
    format: Format,
    out: &Path,
    scheme: &Scheme,
    options: Options,
    progress: impl FnMut(usize, usize) -> bool,
) -> Result<ExportSummary, Problem> {
    let entities = super::entities::load(&scheme_folder(corpus)).map_err(|mut problem| {
        problem
            .message
            .push_str(" (fix it to export; nothing was written)");
        problem
    })?;
    export_with(corpus, format, out, scheme, &entities, options, progress)
}

/// Exports a corpus with these entities (the app passes the ones it holds).
/// `progress(done, total)` is called after each article; returning `false` cancels, which
/// is an error whose message is [`CANCELLED`]. Nothing of a single-file output appears
/// unless the export succeeds.
pub fn export_with(
    corpus: &Path,
    format: Format,
    out: &Path,
    scheme: &Scheme,
    entities: &Entities,
    mut options: Options,
    mut progress: impl FnMut(usize, usize) -> bool,
) -> Result<ExportSummary, Problem> {
    let list = articles(corpus)?;
    if format == Format::Doccano {
        // One export, one shape: the relations shape if any article has relations.
        options.doccano_relations = list.iter().any(|(_, path)| {
            super::corpus::read_sidecar(&sidecar_path(path))
                .ok()
                .flatten()
                .is_some_and(|s| !s.relations.is_empty())
        });
    }
    let mut sink = Sink::create(format, out)?;
    let mut exporter = Exporter::new(format, scheme, entities, options);
    let mut skipped = Vec::new();
    // One article at a time, on this thread. (A loader thread running ahead measured
    // slower here: handing documents between threads cost more than the overlap saved.)
    sink.write(exporter.begin())?;
    for (done, (id, path)) in list.iter().enumerate() {
        match load(path) {
            Ok((document, _)) => {
                let outputs = exporter
                    .article(Article {
                        id,
                        document: &document,
                    })
                    .map_err(|e| {
                        let message = e.to_string();
                        let prefix = format!("{}: ", e.article);
                        let message = message.strip_prefix(&prefix).unwrap_or(&message);
                        Problem::file(path, message)
                    })?;
                sink.write(outputs)?;
            }
            Err(problem) => skipped.push(problem),
        }
        if !progress(done + 1, list.len()) {
            return Err(Problem::file(out, CANCELLED));
        }
    }
    sink.write(exporter.finish())?;
    sink.commit()?;
    Ok(ExportSummary {
        report: exporter.report,
        skipped,
    })
}

/// Where export bytes go: one staged file, or a folder (brat); companion files beside
/// the output are staged too. Dropped without a commit, the staged files vanish.
struct Sink {
    out: PathBuf,
    file: Option<Staged>,
    companions: Vec<Staged>,
}

fn cannot_write(path: &Path) -> impl Fn(std::io::Error) -> Problem + '_ {
    move |e| Problem::file(path, format!("cannot write: {e}"))
}

impl Sink {
    fn create(format: Format, out: &Path) -> Result<Sink, Problem> {
        let file = if format.writes_folder() {
            fs::create_dir_all(out).map_err(cannot_write(out))?;
            None
        } else {
            Some(Staged::create(out).map_err(cannot_write(out))?)
        };
        Ok(Sink {
            out: out.to_path_buf(),
            file,
            companions: Vec::new(),
        })
    }

    fn write(&mut self, outputs: Vec<Output>) -> Result<(), Problem> {
        for output in outputs {
            match output {
                Output::Append(bytes) => {
                    if let Some(file) = &mut self.file {
                        file.write_all(&bytes).map_err(cannot_write(&self.out))?;
                    }
                }
                Output::File { path, bytes } => {
                    let target = self.out.join(&path);
                    if let Some(parent) = target.parent() {
                        fs::create_dir_all(parent).map_err(cannot_write(parent))?;
                    }
                    fs::write(&target, bytes).map_err(cannot_write(&target))?;
                }
                Output::Companion { suffix, bytes } => {
                    let mut name = self.out.file_name().unwrap_or_default().to_os_string();
                    name.push(&suffix);
                    let target = self.out.with_file_name(name);
                    let mut staged = Staged::create(&target).map_err(cannot_write(&target))?;
                    staged.write_all(&bytes).map_err(cannot_write(&target))?;
                    self.companions.push(staged);
                }
            }
        }
        Ok(())
    }

    fn commit(self) -> Result<(), Problem> {
        let staged: Vec<Staged> = self.file.into_iter().chain(self.companions).collect();
        atomic::commit_all(staged).map_err(|(path, e)| cannot_write(&path)(e))
    }
}
