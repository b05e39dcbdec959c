//! An open article: its document, where its files are, and its autosave.
//!
//! Autosave policy: a change is written once the document has been quiet for
//! [`AUTOSAVE_DELAY`] seconds (so a burst of keys is one write), well within the promised
//! second; on switching articles and on exit it is written at once. The sidecar is only
//! written when its bytes would differ from what is known to be on disk, so opening and
//! closing an article never touches it. A sidecar that could not be read is never written:
//! the document is read-only until the analyst fixes the file.

use std::path::{Path, PathBuf};

use super::article::{self, ArticleError};
use super::saver::{SaveJob, SaveResult, Saver};
use crate::model::sidecar::{self, LoadReport};
use crate::model::{Annotations, Document};

/// Seconds of quiet after a change before it is saved.
pub const AUTOSAVE_DELAY: f64 = 0.3;

/// What the status bar says about saving.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    Saved,
    /// Changed, waiting for the autosave delay.
    Pending,
    Saving,
    Failed(String),
    ReadOnly(String),
}

pub struct Session {
    pub article_path: PathBuf,
    pub sidecar_path: PathBuf,
    pub document: Document,
    pub report: LoadReport,
    /// Why the sidecar must not be written (then no command may change the document).
    pub read_only: Option<String>,
    /// Sidecar contents known to be on disk.
    on_disk: Option<String>,
    /// A write submitted and not yet confirmed: (revision, contents).
    in_flight: Option<(u64, String)>,
    /// The newest revision known to be on disk.
    saved_revision: u64,
    /// The revision seen at the last autosave tick, and when it was first seen.
    seen: (u64, f64),
    /// The last save error, and the revision it failed for: autosave does not retry that
    /// revision (the next change, or an explicit save, does).
    error: Option<(String, u64)>,
}

/// `<article file name>.ann.ron` beside the article.
pub fn sidecar_path(article_path: &Path) -> PathBuf {
    let mut name = article_path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(sidecar::SUFFIX);
    article_path.with_file_name(name)
}

impl Session {
    /// Opens an article and its sidecar, if any.
    ///
    /// An unreadable article is an error. An unreadable sidecar is not: the article opens
    /// read-only with the reason (file, line, column) in `read_only`, and the sidecar is
    /// left exactly as it is.
    pub fn open(article_path: &Path) -> Result<Session, ArticleError> {
        let loaded = article::load(article_path)?;
        let sidecar_path = sidecar_path(article_path);
        let mut read_only = None;
        let mut report = LoadReport::default();
        let mut on_disk = None;
        let document = match std::fs::read(&sidecar_path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Document::new(loaded.text, loaded.meta, Annotations::default())
            }
            Err(e) => {
                read_only = Some(format!("{}: cannot read: {e}", sidecar_path.display()));
                Document::new(loaded.text, loaded.meta, Annotations::default())
            }
            Ok(bytes) => {
                let parsed = String::from_utf8(bytes)
                    .map_err(|e| format!("not UTF-8 (at byte {})", e.utf8_error().valid_up_to()))
                    .and_then(|s| {
                        let decoded = sidecar::decode(&s).map_err(|e| e.to_string())?;
                        Ok((s, decoded))
                    });
                match parsed.and_then(|(s, decoded)| {
                    sidecar::attach(loaded.text.clone(), loaded.meta.clone(), decoded)
                        .map(|attached| (s, attached))
                        .map_err(|e| e.to_string())
                }) {
                    Ok((contents, (document, load_report))) => {
                        on_disk = Some(contents);
                        report = load_report;
                        document
                    }
                    Err(message) => {
                        read_only = Some(format!("{}: {message}", sidecar_path.display()));
                        Document::new(loaded.text, loaded.meta, Annotations::default())
                    }
                }
            }
        };
        Ok(Session {
            article_path: article_path.to_path_buf(),
            sidecar_path,
            saved_revision: document.revision(),
            seen: (document.revision(), 0.0),
            document,
            report,
            read_only,
            on_disk,
            in_flight: None,
            error: None,
        })
    }

    pub fn save_state(&self) -> SaveState {
        if let Some(reason) = &self.read_only {
            return SaveState::ReadOnly(reason.clone());
        }
        if let Some((error, _)) = &self.error {
            return SaveState::Failed(error.clone());
        }
        if self.in_flight.is_some() {
            SaveState::Saving
        } else if self.document.revision() != self.saved_revision {
            SaveState::Pending
        } else {
            SaveState::Saved
        }
    }

    /// Called every frame with the current time in seconds. Submits a save once the
    /// document has been quiet long enough; returns the seconds until it wants to be
    /// called again, if it is waiting.
    pub fn autosave(&mut self, now: f64, saver: &Saver) -> Option<f64> {
        let revision = self.document.revision();
        if revision != self.seen.0 {
            self.seen = (revision, now);
        }
        let failed_already = matches!(self.error, Some((_, failed)) if failed == revision);
        if !self.needs_save() || failed_already {
            return None;
        }
        let waited = now - self.seen.1;
        if waited < AUTOSAVE_DELAY {
            return Some(AUTOSAVE_DELAY - waited);
        }
        self.submit(saver);
        None
    }

    /// Writes any unsaved change now and waits for it (switching articles, exit).
    pub fn save_now(&mut self, saver: &Saver) {
        if self.needs_save() {
            self.submit(saver);
        }
        if self.in_flight.is_some() {
            for result in saver.flush() {
                self.on_saved(result);
            }
        }
    }

    fn needs_save(&self) -> bool {
        self.read_only.is_none()
            && self.in_flight.is_none()
            && self.document.revision() != self.saved_revision
    }

    fn submit(&mut self, saver: &Saver) {
        let revision = self.document.revision();
        let contents = sidecar::encode(&self.document);
        if self.on_disk.as_deref() == Some(contents.as_str()) {
            // Undone back to what is on disk: nothing to write.
            self.saved_revision = revision;
            return;
        }
        saver.submit(SaveJob {
            path: self.sidecar_path.clone(),
            contents: contents.clone(),
            revision,
        });
        self.in_flight = Some((revision, contents));
    }

    /// Takes a result from the saver; results for other files are ignored.
    pub fn on_saved(&mut self, result: SaveResult) {
        if result.path != self.sidecar_path {
            return;
        }
        let Some((revision, contents)) = self.in_flight.take() else {
            return;
        };
        match result.result {
            Ok(()) => {
                self.on_disk = Some(contents);
                self.saved_revision = revision;
                self.error = None;
            }
            Err(message) => {
                // The work stays in memory and the message stays up until a save succeeds.
                self.error = Some((message, revision));
            }
        }
    }
}
