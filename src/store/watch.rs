//! Watching the open article's folder for changes made by others (notify).
//!
//! Programs write files in bursts (a git checkout, an editor's save), so a changed file is
//! reported only once it has been quiet for [`SETTLE`]; reading it mid-write would see half
//! a file. The watcher only says which names changed: the session decides what that means,
//! and the saver's own check before each write still holds if an event is ever missed.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

/// How long a file must be quiet before its change is reported.
pub const SETTLE: Duration = Duration::from_millis(250);

pub struct FolderWatcher {
    folder: PathBuf,
    // Kept alive: dropping it stops the watching.
    _watcher: notify::RecommendedWatcher,
    events: Receiver<PathBuf>,
    /// File names that changed, and when they last changed.
    pending: HashMap<OsString, Instant>,
}

impl FolderWatcher {
    /// Watches `folder` (not its subfolders); `wake` is called on every event.
    pub fn new(folder: &Path, wake: impl Fn() + Send + 'static) -> notify::Result<Self> {
        let (tx, events) = mpsc::channel();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                if let Ok(event) = event {
                    if event.kind.is_access() {
                        return;
                    }
                    for path in event.paths {
                        let _ = tx.send(path);
                    }
                    wake();
                }
            })?;
        let watched = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        watcher.watch(watched, RecursiveMode::NonRecursive)?;
        Ok(FolderWatcher {
            folder: folder.to_path_buf(),
            _watcher: watcher,
            events,
            pending: HashMap::new(),
        })
    }

    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The names of files in the folder whose changes have settled, and how long to wait
    /// before asking again for those still settling.
    pub fn settled(&mut self) -> (Vec<OsString>, Option<Duration>) {
        let now = Instant::now();
        for path in self.events.try_iter() {
            if let Some(name) = path.file_name() {
                self.pending.insert(name.to_os_string(), now);
            }
        }
        let mut settled = Vec::new();
        let mut wait: Option<Duration> = None;
        self.pending.retain(|name, last| {
            let quiet = now.duration_since(*last);
            if quiet >= SETTLE {
                settled.push(name.clone());
                false
            } else {
                let left = SETTLE - quiet;
                wait = Some(wait.map_or(left, |w| w.min(left)));
                true
            }
        });
        (settled, wait)
    }
}
