//! Background work: the one type every long task of the window runs through (opening a
//! book, listing a folder, counting the dashboard, the corpus index and entity passes,
//! comparing, exporting, importing, the system file dialogs).
//!
//! A [`Job`] runs a closure on its own thread with a shared progress value (by default
//! [`Progress`]: items done of the total, and the cancel flag the work heeds), wakes the
//! window when it is done and, while it runs, every time the window polls it, so a progress
//! bar moves without the worker knowing about egui. A worker that panics, or whose thread
//! goes away without an answer, becomes a clear message (`the count stopped: <why>`) that
//! [`Job::poll`] returns like any other outcome: a panel never waits forever for an answer
//! that will not come.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::Arc;
use std::time::Duration;

pub use crate::store::progress::Progress;

/// How often a running job's window is repainted, so its progress shows.
const PROGRESS_REPAINT: Duration = Duration::from_millis(100);

/// Work running on another thread; `T` is what it answers, `P` what it reports progress
/// through.
pub struct Job<T, P = Progress> {
    /// What the work is, for the failure message: "the count", "the export".
    what: String,
    progress: Arc<P>,
    result: Receiver<Result<T, String>>,
    ctx: egui::Context,
}

impl<T: Send + 'static, P: Default + Send + Sync + 'static> Job<T, P> {
    /// Starts `work` on its own thread, reporting through its own kind of progress `P`.
    /// `what` names it in the message when it fails.
    pub fn spawn_with(
        ctx: &egui::Context,
        what: &str,
        work: impl FnOnce(&P) -> T + Send + 'static,
    ) -> Self {
        let progress = Arc::new(P::default());
        let (tx, rx) = mpsc::channel();
        let (shared, wake, name) = (progress.clone(), ctx.clone(), what.to_string());
        std::thread::spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(|| work(&shared)))
                .map_err(|payload| format!("{name} stopped: {}", panic_message(&*payload)));
            let _ = tx.send(outcome);
            wake.request_repaint();
        });
        Job {
            what: what.to_string(),
            progress,
            result: rx,
            ctx: ctx.clone(),
        }
    }

    /// The answer once the work is done, or why it failed; `None` while it runs (and the
    /// window is asked to paint again soon, for the progress).
    pub fn poll(&self) -> Option<Result<T, String>> {
        match self.result.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(TryRecvError::Disconnected) => {
                Some(Err(format!("{} stopped unexpectedly", self.what)))
            }
            Err(TryRecvError::Empty) => {
                self.ctx.request_repaint_after(PROGRESS_REPAINT);
                None
            }
        }
    }

    /// The progress the work reports.
    pub fn progress(&self) -> &P {
        &self.progress
    }
}

impl<T: Send + 'static> Job<T, Progress> {
    /// Starts `work` on its own thread. `what` names it in the message when it fails.
    pub fn spawn(
        ctx: &egui::Context,
        what: &str,
        work: impl FnOnce(&Progress) -> T + Send + 'static,
    ) -> Self {
        Job::spawn_with(ctx, what, work)
    }

    /// Asks the work to stop; it stops at its next item (each task says what that is).
    pub fn cancel(&self) {
        self.progress.cancel();
    }

    /// Items done of the total as a fraction, 0 while the total is unknown.
    pub fn fraction(&self) -> f32 {
        let (done, total) = self.progress.get();
        if total == 0 {
            0.0
        } else {
            done as f32 / total as f32
        }
    }

    /// A progress bar (`<what>: 3 of 10 <items>`) and Cancel; true when Cancel was clicked
    /// (the work has been asked to stop).
    pub fn bar(&self, ui: &mut egui::Ui, text: &str, width: f32) -> bool {
        let mut cancel = false;
        ui.horizontal(|ui| {
            ui.add(
                egui::ProgressBar::new(self.fraction())
                    .desired_width(width)
                    .text(text),
            );
            if ui.button("Cancel").clicked() {
                self.cancel();
                cancel = true;
            }
        });
        cancel
    }
}

/// The text of a panic's payload (`panic!("…")` carries a `&str` or a `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "it panicked".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait<T: Send + 'static, P: Default + Send + Sync + 'static>(
        job: &Job<T, P>,
    ) -> Result<T, String> {
        for _ in 0..500 {
            if let Some(outcome) = job.poll() {
                return outcome;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the job never answered");
    }

    #[test]
    fn a_job_answers_and_reports_its_progress() {
        let ctx = egui::Context::default();
        let job: Job<usize> = Job::spawn(&ctx, "the count", |progress| {
            progress.start(4);
            for _ in 0..4 {
                progress.step();
            }
            42
        });
        assert_eq!(wait(&job), Ok(42));
        assert_eq!(job.progress().get(), (4, 4));
        assert_eq!(job.fraction(), 1.0);
    }

    /// The worst case: the worker panics (with a `String` or a `&str`). The job answers
    /// with the message, never leaves its caller waiting.
    #[test]
    fn a_worker_that_panics_becomes_a_message() {
        let ctx = egui::Context::default();
        let job: Job<()> = Job::spawn(&ctx, "the count", |_| panic!("{} sidecars", "no"));
        assert_eq!(
            wait(&job),
            Err("the count stopped: no sidecars".to_string())
        );
        let job: Job<()> = Job::spawn(&ctx, "the export", |_| panic!("disk gone"));
        assert_eq!(wait(&job), Err("the export stopped: disk gone".to_string()));
    }

    #[test]
    fn cancel_reaches_the_worker() {
        let ctx = egui::Context::default();
        let (go, started) = mpsc::channel::<()>();
        let job: Job<bool> = Job::spawn(&ctx, "the pass", move |progress| {
            let _ = started.recv();
            progress.cancelled()
        });
        job.cancel();
        go.send(()).unwrap();
        assert_eq!(wait(&job), Ok(true));
    }
}
