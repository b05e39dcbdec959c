//! The system file dialogs, as one service: each runs on its own thread (a [`Job`]) so
//! the window keeps painting behind it, and its answer comes back tagged with what it was
//! for (`P`: the app's open/save dialogs, a field of the export, import or compare form).
//! One dialog at a time per owner; asking again while one is open does nothing.

use std::path::{Path, PathBuf};

use super::job::Job;

/// What to ask the system for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ask {
    /// An existing file, with name filters (`("Text (txt)", ["txt"])`).
    File {
        filters: Vec<(String, Vec<String>)>,
    },
    Folder,
    /// A file to write, proposing this name.
    Save {
        name: String,
    },
}

/// A file dialog that may be open, and what its answer is for.
pub struct FileDialog<P> {
    open: Option<(P, Job<Option<PathBuf>, ()>)>,
}

impl<P> Default for FileDialog<P> {
    fn default() -> Self {
        FileDialog { open: None }
    }
}

impl<P: Clone> FileDialog<P> {
    /// Shows a dialog titled `title`, starting in `start` (if it is a folder). Does nothing
    /// while one is open.
    pub fn ask(
        &mut self,
        ctx: &egui::Context,
        purpose: P,
        title: &str,
        ask: Ask,
        start: Option<&Path>,
    ) {
        if self.open.is_some() {
            return;
        }
        let title = title.to_string();
        let start = start.filter(|p| p.is_dir()).map(Path::to_path_buf);
        let job = Job::spawn_with(ctx, "the file dialog", move |_: &()| {
            let mut dialog = rfd::FileDialog::new().set_title(title);
            if let Some(start) = start {
                dialog = dialog.set_directory(start);
            }
            match ask {
                Ask::Folder => dialog.pick_folder(),
                Ask::File { filters } => {
                    for (name, extensions) in &filters {
                        dialog = dialog.add_filter(name, extensions);
                    }
                    dialog.pick_file()
                }
                Ask::Save { name } => dialog.set_file_name(name).save_file(),
            }
        });
        self.open = Some((purpose, job));
    }

    /// Whether a dialog is showing.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// The path chosen, with what it is for, once the dialog closed with one (a cancelled
    /// dialog, or one that failed, just closes).
    pub fn poll(&mut self) -> Option<(P, PathBuf)> {
        let (purpose, job) = self.open.as_ref()?;
        let answer = job.poll()?;
        let purpose = purpose.clone();
        self.open = None;
        answer.ok().flatten().map(|path| (purpose, path))
    }
}
