//! An open article: its document, where its files are, its autosave, and what happens when
//! its files change under it.
//!
//! Autosave policy: a change is written once the document has been quiet for
//! [`AUTOSAVE_DELAY`] seconds (so a burst of keys is one write), and at the latest
//! [`AUTOSAVE_MAX_WAIT`] seconds after it was made even while edits keep coming (typing a
//! note), so a crash loses at most the last second; on switching articles and on exit it
//! is written at once. The sidecar is only
//! written when its bytes would differ from what is known to be on disk, so opening and
//! closing an article never touches it. A sidecar that could not be read is never written:
//! the document is read-only until the analyst fixes the file.
//!
//! Files that change under us: every save names the bytes it expects to replace, and the
//! saver refuses if the sidecar is no longer those bytes. A change noticed on disk (by the
//! folder watcher, or by a refused save) reloads the sidecar when nothing is unsaved, and
//! otherwise becomes a [`Conflict`] that only the analyst resolves: keep mine, take theirs,
//! or save mine as a copy. An article that changes is read again and every span re-anchored
//! against the text it was made on.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::article::{self, ArticleError, LoadedArticle};
use super::atomic;
use super::saver::{SaveError, SaveJob, SaveResult, Saver};
use crate::model::sidecar::{self, LoadReport, Sidecar};
use crate::model::Document;

/// Seconds of quiet after a change before it is saved.
pub const AUTOSAVE_DELAY: f64 = 0.3;

/// The longest a change waits to be saved while edits keep coming, in seconds.
pub const AUTOSAVE_MAX_WAIT: f64 = 0.7;

/// What the status bar says about saving.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    Saved,
    /// Changed, waiting for the autosave delay.
    Pending,
    Saving,
    Failed(String),
    ReadOnly(String),
    /// The sidecar changed on disk while this one had unsaved changes: waiting for the
    /// analyst to choose.
    Conflict,
}

/// The sidecar on disk is not the one this session last read or wrote, and this session
/// has changes of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// What is on disk now; `None` if the sidecar was deleted.
    pub theirs: Option<Vec<u8>>,
}

/// How the analyst resolves a [`Conflict`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Write this session's annotations over the changed sidecar.
    KeepMine,
    /// Drop this session's unsaved changes and load what is on disk.
    TakeTheirs,
    /// Write this session's annotations to a copy beside the sidecar, then load theirs.
    SaveMineAsCopy,
}

/// What a change on disk did to the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum External {
    /// Nothing that matters: our own write, or the same bytes.
    Nothing,
    /// The sidecar was read again (there was nothing unsaved).
    Reloaded,
    /// The sidecar changed and this session has unsaved changes: see [`Session::conflict`].
    Conflict,
    /// The sidecar changed into something that cannot be read: the session is read-only.
    Unreadable(String),
    /// The article changed: spans were re-anchored as the report says.
    ArticleChanged(LoadReport),
}

pub struct Session {
    pub article_path: PathBuf,
    pub sidecar_path: PathBuf,
    pub document: Document,
    pub report: LoadReport,
    /// What extracting the article's text says the analyst should know (tables left out,
    /// the whole page's text used), one sentence each; empty for plain text.
    pub notices: Vec<String>,
    /// The citation extracted from the article's source, the document's when its sidecar
    /// has none (kept for reloading the sidecar).
    extracted_citation: crate::model::Citation,
    /// Why the sidecar must not be written (then no command may change the document).
    pub read_only: Option<String>,
    /// A change on disk waiting for the analyst's choice; nothing is saved meanwhile.
    pub conflict: Option<Conflict>,
    /// Sidecar bytes known to be on disk (`None`: no sidecar).
    on_disk: Option<Arc<[u8]>>,
    /// The revision of a save submitted and not yet confirmed.
    in_flight: Option<u64>,
    /// The `next_id` of the save in flight, recorded in the document once it landed.
    in_flight_next_ids: (u64, u64),
    /// The newest revision known to be on disk.
    saved_revision: u64,
    /// Loading changed what the sidecar says (re-anchored spans, repaired flaws): the
    /// sidecar is written even before the first edit, so it matches the article again.
    stale: bool,
    /// The revision seen at the last autosave tick, and when it was first seen.
    seen: (u64, f64),
    /// When autosave first saw unsaved changes not yet submitted.
    dirty_since: Option<f64>,
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

/// A sidecar read and joined to its article: its bytes, the document, the report.
type Read = (Option<Arc<[u8]>>, Document, LoadReport);

/// Reads the sidecar at `path` (`None` if there is none) and joins it to the article
/// text; an error is the reason it cannot be used, naming the file.
fn read_sidecar(path: &Path, loaded: &LoadedArticle) -> Result<Option<Read>, String> {
    let contents = match super::read_sidecar_text(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            return Err(format!("{}: {e}", path.display()))
        }
        Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
        Ok(contents) => contents,
    };
    parse_sidecar(contents, loaded)
        .map(Some)
        .map_err(|message| format!("{}: {message}", path.display()))
}

fn parse_sidecar(contents: String, loaded: &LoadedArticle) -> Result<Read, String> {
    let decoded = sidecar::decode(&contents).map_err(|e| e.to_string())?;
    let (document, report) = loaded.attach(decoded, None).map_err(|e| e.to_string())?;
    Ok((Some(contents.into_bytes().into()), document, report))
}

/// Whether loading changed what the sidecar should say so much that it is written at once:
/// spans found elsewhere are, so the sidecar matches its article again; flaws repaired in
/// memory wait for the analyst's first edit.
fn is_stale(report: &LoadReport) -> bool {
    report.article_changed || report.anchoring.changed_anything()
}

impl Session {
    /// Opens an article and its sidecar, if any.
    ///
    /// An unreadable article is an error. An unreadable sidecar is not: the article opens
    /// read-only with the reason (file, line, column) in `read_only`, and the sidecar is
    /// left exactly as it is.
    pub fn open(article_path: &Path) -> Result<Session, ArticleError> {
        Session::open_with_progress(article_path, &article::Progress::default())
    }

    /// [`Session::open`], reporting how much of the article has been read (a big article
    /// opens on another thread while the window shows this).
    pub fn open_with_progress(
        article_path: &Path,
        progress: &article::Progress,
    ) -> Result<Session, ArticleError> {
        let loaded = article::load_with_progress(article_path, progress)?;
        let sidecar_path = sidecar_path(article_path);
        atomic::remove_stale_temps(&sidecar_path);
        let (read, read_only) = match read_sidecar(&sidecar_path, &loaded) {
            Ok(read) => (read, None),
            Err(reason) => (None, Some(reason)),
        };
        let (on_disk, document, report) =
            read.unwrap_or_else(|| (None, loaded.document(), LoadReport::default()));
        Ok(Session {
            article_path: article_path.to_path_buf(),
            sidecar_path,
            saved_revision: document.revision(),
            seen: (document.revision(), 0.0),
            stale: is_stale(&report),
            document,
            report,
            notices: loaded.notices,
            extracted_citation: loaded.citation,
            read_only,
            conflict: None,
            on_disk,
            in_flight: None,
            in_flight_next_ids: (1, 1),
            dirty_since: None,
            error: None,
        })
    }

    /// Makes `document` the session's, as saved (or stale, if loading changed it).
    fn take_document(&mut self, document: Document, report: LoadReport) {
        self.stale = is_stale(&report);
        self.saved_revision = document.revision();
        self.seen = (document.revision(), 0.0);
        self.document = document;
        self.report = report;
        self.error = None;
    }

    pub fn save_state(&self) -> SaveState {
        if let Some(reason) = &self.read_only {
            return SaveState::ReadOnly(reason.clone());
        }
        if self.conflict.is_some() {
            return SaveState::Conflict;
        }
        if let Some((error, _)) = &self.error {
            return SaveState::Failed(error.clone());
        }
        if self.in_flight.is_some() {
            SaveState::Saving
        } else if self.has_unsaved_changes() {
            SaveState::Pending
        } else {
            SaveState::Saved
        }
    }

    /// Whether memory holds annotations the sidecar on disk does not (yet) have.
    pub fn has_unsaved_changes(&self) -> bool {
        self.read_only.is_none()
            && (self.document.revision() != self.saved_revision
                || self.stale
                || self.in_flight.is_some())
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
            self.dirty_since = None;
            return None;
        }
        let age = now - *self.dirty_since.get_or_insert(now);
        let quiet = now - self.seen.1;
        if quiet < AUTOSAVE_DELAY && age < AUTOSAVE_MAX_WAIT {
            return Some((AUTOSAVE_DELAY - quiet).min(AUTOSAVE_MAX_WAIT - age));
        }
        self.dirty_since = None;
        self.submit(saver);
        None
    }

    /// Writes any unsaved change now and waits for it (switching articles, exit, Retry).
    pub fn save_now(&mut self, saver: &Saver) {
        if self.needs_save() {
            self.submit(saver);
        }
        self.land_in_flight(saver);
    }

    /// Waits for a save in flight and takes its result.
    fn land_in_flight(&mut self, saver: &Saver) {
        if self.in_flight.is_some() {
            for result in saver.flush() {
                self.on_saved(result);
            }
        }
    }

    /// Tries a failed save again (the Retry button).
    pub fn retry_save(&mut self, saver: &Saver) {
        self.error = None;
        self.save_now(saver);
    }

    fn needs_save(&self) -> bool {
        self.conflict.is_none()
            && self.in_flight.is_none()
            && self.read_only.is_none()
            && self.has_unsaved_changes()
    }

    fn submit(&mut self, saver: &Saver) {
        let revision = self.document.revision();
        let contents = sidecar::Snapshot::of(&self.document);
        self.in_flight_next_ids = contents.next_ids();
        saver.submit(SaveJob {
            path: self.sidecar_path.clone(),
            contents,
            revision,
            replaces: self.on_disk.clone(),
        });
        self.in_flight = Some(revision);
    }

    /// Takes a result from the saver; results for other files are ignored.
    pub fn on_saved(&mut self, result: SaveResult) {
        if result.path != self.sidecar_path {
            return;
        }
        let Some(revision) = self.in_flight.take() else {
            return;
        };
        match result.result {
            Ok(contents) => {
                self.on_disk = Some(contents);
                self.document.record_next_ids(self.in_flight_next_ids);
                self.saved_revision = revision;
                self.stale = self.stale && revision != self.document.revision();
                self.error = None;
            }
            Err(SaveError::Io(message)) => {
                // The work stays in memory and the message stays up until a save succeeds.
                self.error = Some((message, revision));
            }
            Err(SaveError::ChangedOnDisk) => {
                self.conflict = Some(Conflict {
                    theirs: super::read_sidecar_bytes(&self.sidecar_path).ok(),
                });
            }
        }
    }

    /// Looks at the sidecar on disk after the watcher saw it change.
    pub fn sidecar_changed_on_disk(&mut self, saver: &Saver) -> External {
        // The change may be our own save still in flight: let it land first.
        self.land_in_flight(saver);
        let theirs = match super::read_sidecar_bytes(&self.sidecar_path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            // Unreadable for a moment (being replaced): the next event looks again.
            Err(_) => return External::Nothing,
        };
        if theirs.as_deref() == self.on_disk.as_deref() {
            return External::Nothing;
        }
        // An unreadable sidecar may have been fixed: read it again. Otherwise unsaved work,
        // or a deleted sidecar, is never replaced without asking.
        if self.read_only.is_none() && (self.has_unsaved_changes() || theirs.is_none()) {
            self.conflict = Some(Conflict { theirs });
            return External::Conflict;
        }
        self.reload_sidecar(theirs)
    }

    /// Replaces the document with the sidecar `theirs` (or none).
    fn reload_sidecar(&mut self, theirs: Option<Vec<u8>>) -> External {
        let loaded = LoadedArticle {
            text: self.document.text().clone(),
            meta: self.document.meta.clone(),
            citation: self.extracted_citation.clone(),
            notices: self.notices.clone(),
        };
        self.conflict = None;
        self.read_only = None;
        let Some(bytes) = theirs else {
            self.take_document(loaded.document(), LoadReport::default());
            self.on_disk = None;
            return External::Reloaded;
        };
        let parsed = String::from_utf8(bytes)
            .map_err(|e| format!("not UTF-8 (at byte {})", e.utf8_error().valid_up_to()))
            .and_then(|contents| parse_sidecar(contents, &loaded));
        match parsed {
            Ok((contents, document, report)) => {
                self.take_document(document, report);
                self.on_disk = contents;
                External::Reloaded
            }
            Err(message) => {
                let reason = format!("{}: {message}", self.sidecar_path.display());
                self.read_only = Some(reason.clone());
                External::Unreadable(reason)
            }
        }
    }

    /// Resolves the pending conflict as the analyst chose. Returns the path of the copy
    /// written for [`Resolution::SaveMineAsCopy`].
    pub fn resolve(
        &mut self,
        resolution: Resolution,
        saver: &Saver,
    ) -> std::io::Result<Option<PathBuf>> {
        let Some(conflict) = self.conflict.take() else {
            return Ok(None);
        };
        let theirs = conflict.theirs;
        match resolution {
            Resolution::KeepMine => {
                // Mine replaces exactly what is there now, and nothing newer.
                self.on_disk = theirs.map(Into::into);
                self.stale = true;
                self.error = None;
                self.save_now(saver);
                Ok(None)
            }
            Resolution::TakeTheirs => {
                self.reload_sidecar(theirs);
                Ok(None)
            }
            Resolution::SaveMineAsCopy => {
                let copy = self.copy_path();
                if let Err(e) = self.save_copy(&copy) {
                    // Nothing is lost: the conflict stays for another choice.
                    self.conflict = Some(Conflict { theirs });
                    return Err(e);
                }
                self.reload_sidecar(theirs);
                Ok(Some(copy))
            }
        }
    }

    /// A free name beside the sidecar for a copy of this session's annotations. It does
    /// not end in `.ann.ron`, so no article claims it as its sidecar.
    fn copy_path(&self) -> PathBuf {
        let mut n = 1;
        loop {
            let mut name = self.sidecar_path.as_os_str().to_os_string();
            name.push(format!(".mine-{n}"));
            let path = PathBuf::from(name);
            if !path.exists() {
                return path;
            }
            n += 1;
        }
    }

    /// Writes this session's annotations to `path` (Save sidecar as…), atomically. The
    /// session's own sidecar is unaffected: this is a copy.
    pub fn save_copy(&self, path: &Path) -> std::io::Result<()> {
        atomic::write(path, sidecar::encode(&self.document).as_bytes())
    }

    /// Reads the article again after it changed on disk and re-anchors every span against
    /// the text they were made on. Unsaved changes are kept; the result is saved.
    pub fn article_changed_on_disk(&mut self, saver: &Saver) -> Result<External, ArticleError> {
        let loaded = article::load(&self.article_path)?;
        if loaded.meta.sha256 == self.document.meta.sha256 {
            return Ok(External::Nothing);
        }
        // A save in flight describes the old text: let it land first.
        self.land_in_flight(saver);
        let previous = self.document.text().clone();
        let annotations = self.document.annotations();
        let current = Sidecar {
            format: "spantag".into(),
            version: sidecar::VERSION,
            article: sidecar::ArticleRecord {
                file: self.document.meta.file_name.clone(),
                sha256: self.document.meta.sha256.clone(),
                chars: previous.len_chars(),
                encoding: self.document.meta.encoding.clone(),
                newline: previous.newline().as_str().into(),
            },
            source: self
                .document
                .meta
                .extraction
                .as_ref()
                .map(sidecar::SourceRecord::of),
            citation: Some(self.document.citation.clone()),
            annotator: self.document.annotator.clone(),
            status: self.document.status,
            next_id: {
                let (span, relation) = annotations.next_ids_to_record();
                sidecar::NextIds { span, relation }
            },
            spans: annotations.spans().to_vec(),
            relations: annotations.relations().to_vec(),
            suggestions: self.document.suggestions.clone(),
            conflicts: self.document.conflicts.clone(),
        };
        let (document, report) =
            loaded
                .attach(current, Some(&previous))
                .map_err(|e| ArticleError::Io {
                    path: self.article_path.display().to_string(),
                    source: std::io::Error::other(e.to_string()),
                })?;
        self.notices = loaded.notices;
        self.extracted_citation = loaded.citation;
        self.take_document(document, report.clone());
        self.stale = true;
        Ok(External::ArticleChanged(report))
    }
}
