//! A background thread that encodes and writes sidecars, so a save never stalls a frame.
//!
//! A job carries a [`Snapshot`] of the document (shared, not copied), so even encoding a
//! 50,000-span sidecar happens here rather than on the UI thread. Jobs are written in the order they are submitted. Each result comes back on a channel
//! and a wake-up callback (the UI's `request_repaint`) tells the owner to collect it.
//!
//! A job says what it expects to replace. Just before writing, the file on disk is read and
//! compared with that; if someone else changed it meanwhile (a colleague, a git pull), the
//! job is not written and the owner is told, so a newer sidecar is never overwritten unasked.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread;

use crate::model::sidecar::Snapshot;

/// One sidecar to write.
#[derive(Clone, Debug)]
pub struct SaveJob {
    pub path: PathBuf,
    pub contents: Snapshot,
    /// The document revision the contents were taken from.
    pub revision: u64,
    /// What the file must hold for the write to go ahead: `None`, that it does not exist.
    pub replaces: Option<Arc<[u8]>>,
}

/// Why a job was not written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveError {
    /// The disk refused: a full message naming the file.
    Io(String),
    /// The file is no longer what the job expected to replace.
    ChangedOnDisk,
}

/// What became of a job.
#[derive(Debug)]
pub struct SaveResult {
    pub path: PathBuf,
    pub revision: u64,
    /// On success, the bytes the file now holds.
    pub result: Result<Arc<[u8]>, SaveError>,
}

/// Encodes and writes a job, unless the file changed under it. Contents equal to what the
/// job replaces (an edit undone) are not written at all.
fn write(job: SaveJob) -> Result<Arc<[u8]>, SaveError> {
    let contents: Arc<[u8]> = job.contents.encode().into_bytes().into();
    drop(job.contents); // Let the document edit its lists again without a copy.
    if job.replaces.as_deref() != Some(&*contents) {
        write_replacing(&job.path, &contents, job.replaces.as_deref())?;
    }
    Ok(contents)
}

/// Atomically replaces `path` with `contents` if it still holds `replaces` (`None`: if it
/// still does not exist).
pub fn write_replacing(
    path: &Path,
    contents: &[u8],
    replaces: Option<&[u8]>,
) -> Result<(), SaveError> {
    let io_error = |e: io::Error| SaveError::Io(format!("{}: cannot save: {e}", path.display()));
    // The size first: a file of another size changed, whatever it holds.
    let current = match std::fs::metadata(path) {
        Ok(m) if Some(m.len()) != replaces.map(|r| r.len() as u64) => {
            return Err(SaveError::ChangedOnDisk)
        }
        Ok(_) => Some(std::fs::read(path).map_err(io_error)?),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(io_error(e)),
    };
    if current.as_deref() != replaces {
        return Err(SaveError::ChangedOnDisk);
    }
    super::atomic::write(path, contents).map_err(io_error)
}

enum Message {
    /// Boxed: a job holds the document's snapshot, and the channel's messages stay small.
    Write(Box<SaveJob>),
    /// Answered once every job before it has been written.
    Flush(Sender<()>),
}

pub struct Saver {
    jobs: Sender<Message>,
    results: Receiver<SaveResult>,
}

impl Saver {
    /// Starts the writer thread; `wake` is called after each finished job.
    pub fn new(wake: impl Fn() + Send + 'static) -> Self {
        let (jobs, job_rx) = mpsc::channel::<Message>();
        let (result_tx, results) = mpsc::channel();
        thread::Builder::new()
            .name("spantag-saver".into())
            .spawn(move || {
                for message in job_rx {
                    match message {
                        Message::Write(job) => {
                            let (path, revision) = (job.path.clone(), job.revision);
                            let result = write(*job);
                            let sent = result_tx.send(SaveResult {
                                path,
                                revision,
                                result,
                            });
                            if sent.is_err() {
                                break;
                            }
                            wake();
                        }
                        Message::Flush(done) => {
                            let _ = done.send(());
                        }
                    }
                }
            })
            .expect("the OS can start a thread");
        Saver { jobs, results }
    }

    pub fn submit(&self, job: SaveJob) {
        // The thread lives as long as `self`; a send can only fail if it panicked, and
        // the flush after it would then report the lost save as missing.
        let _ = self.jobs.send(Message::Write(Box::new(job)));
    }

    /// Results that have arrived since the last call.
    pub fn poll(&self) -> Vec<SaveResult> {
        self.results.try_iter().collect()
    }

    /// Waits until every submitted job is written, then returns all pending results.
    pub fn flush(&self) -> Vec<SaveResult> {
        let (tx, rx) = mpsc::channel();
        if self.jobs.send(Message::Flush(tx)).is_ok() {
            let _ = rx.recv();
        }
        self.poll()
    }
}
