//! A background thread that writes sidecars, so a save never stalls a frame.
//!
//! Jobs are written in the order they are submitted. Each result comes back on a channel
//! and a wake-up callback (the UI's `request_repaint`) tells the owner to collect it.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

/// One sidecar to write.
#[derive(Clone, Debug)]
pub struct SaveJob {
    pub path: PathBuf,
    pub contents: String,
    /// The document revision the contents were encoded from.
    pub revision: u64,
}

/// What became of a job. The error is a full message naming the file.
#[derive(Debug)]
pub struct SaveResult {
    pub path: PathBuf,
    pub revision: u64,
    pub result: Result<(), String>,
}

enum Message {
    Write(SaveJob),
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
                            let result = super::atomic::write(&job.path, job.contents.as_bytes())
                                .map_err(|e| format!("{}: cannot save: {e}", job.path.display()));
                            let sent = result_tx.send(SaveResult {
                                path: job.path,
                                revision: job.revision,
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
        let _ = self.jobs.send(Message::Write(job));
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
