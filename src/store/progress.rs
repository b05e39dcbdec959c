//! How far a pass over a corpus has got, and the flag that cancels it: shared between the
//! pass on a background thread and the window that shows a progress bar (the entity passes,
//! the import).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Items done of the total, and a cancel flag. What an item is, and when the flag is
/// heeded, each pass says.
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicUsize,
    pub total: AtomicUsize,
    pub cancel: AtomicBool,
}

impl Progress {
    /// (done, total) as they are now.
    pub fn get(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub(crate) fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Starts counting `total` items from none.
    pub(crate) fn start(&self, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }

    pub(crate) fn step(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}
