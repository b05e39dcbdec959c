//! Atomic file replacement: a crash at any moment leaves the old file or the new one.
//!
//! The new contents go to a temporary file in the same folder (so the rename cannot cross
//! file systems), which is flushed to disk before it is renamed over the target; then the
//! folder itself is flushed so the rename survives a power cut. On any failure the
//! temporary file is removed and the target is untouched.
//!
//! Every write that must not be seen half-done goes through here: sidecars, `spantag.ron`,
//! `entities.ron`, imported articles ([`write()`], [`Batch`]) and export files, which
//! are streamed into a [`Staged`] file and appear only when the export succeeds.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Replaces `path` with `contents` atomically. The new file keeps the old one's
/// permissions (a group-writable sidecar on a shared drive stays group-writable).
pub fn write(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut staged = Staged::create(path)?;
    staged.write_all(contents)?;
    staged.commit()
}

/// A file being written under a temporary name beside its target, which it replaces on
/// [`commit`](Staged::commit). Dropped without a commit, it removes its temporary file and
/// the target is untouched: a failed or cancelled writer leaves nothing half-written.
pub struct Staged {
    target: PathBuf,
    temp: PathBuf,
    /// `None` once committed.
    file: Option<BufWriter<File>>,
}

impl Staged {
    /// Starts a file that will replace `target`, with `target`'s permissions if it exists.
    pub fn create(target: &Path) -> io::Result<Staged> {
        let (temp, file) = create_temp(target)?;
        let staged = Staged {
            target: target.to_path_buf(),
            temp,
            file: Some(BufWriter::with_capacity(1 << 16, file)),
        };
        if let Ok(old) = fs::metadata(target) {
            if let Some(file) = &staged.file {
                file.get_ref().set_permissions(old.permissions())?;
            }
        }
        Ok(staged)
    }

    /// The file this will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes the contents to disk and renames them over the target, then flushes the
    /// folder so the rename survives a power cut.
    pub fn commit(self) -> io::Result<()> {
        let folder = self.target.parent().map(Path::to_path_buf);
        self.commit_without_folder()?;
        // The rename is done: a folder that cannot be flushed (some network file systems
        // refuse fsync on folders) does not make the write a failure.
        let _ = sync_folder(folder.as_deref());
        Ok(())
    }

    fn commit_without_folder(mut self) -> io::Result<()> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        let result = file
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|file| file.sync_all())
            .and_then(|()| fs::rename(&self.temp, &self.target));
        if result.is_err() {
            let _ = fs::remove_file(&self.temp);
        }
        result
    }
}

impl Write for Staged {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(file) => file.write(bytes),
            None => Err(io::Error::other("the file is already committed")),
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.write_all(bytes),
            None => Err(io::Error::other("the file is already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Commits many staged files: each is flushed and renamed over its target as it comes,
/// and every folder they are in is flushed once at the end (one folder flush per folder,
/// not per file, which is what makes writing thousands of files affordable). A file
/// committed is complete on disk once [`finish`](Batch::finish) returns.
#[derive(Debug, Default)]
pub struct Batch {
    folders: Vec<PathBuf>,
}

impl Batch {
    pub fn commit(&mut self, staged: Staged) -> io::Result<()> {
        let folder = staged
            .target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        staged.commit_without_folder()?;
        if self.folders.last() != Some(&folder) && !self.folders.contains(&folder) {
            self.folders.push(folder);
        }
        Ok(())
    }

    /// Takes over another batch's folders, to flush each once.
    pub fn join(&mut self, other: Batch) {
        for folder in other.folders {
            if !self.folders.contains(&folder) {
                self.folders.push(folder);
            }
        }
    }

    /// Flushes every folder a file was committed into.
    pub fn finish(self) {
        for folder in &self.folders {
            let _ = sync_folder(Some(folder));
        }
    }
}

/// Commits staged files as a [`Batch`]. On the first failure the files not yet renamed
/// are removed and the error names that target; those renamed before it are complete.
pub fn commit_all(staged: Vec<Staged>) -> Result<(), (PathBuf, io::Error)> {
    let mut batch = Batch::default();
    for file in staged {
        let target = file.target.clone();
        batch.commit(file).map_err(|e| (target, e))?;
    }
    batch.finish();
    Ok(())
}

/// A new temporary file beside `path`, named `.NAME.PID.N.tmp`. A name left behind by a
/// crashed process (whose PID this one may have been given again) is skipped.
fn create_temp(path: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    loop {
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = path.with_file_name(format!(".{name}.{}.{unique}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && unique < 1_000_000 => {}
            Err(e) => return Err(e),
        }
    }
}

/// Removes temporary files that a save of `path` left behind when its process was killed
/// mid-write. Only files over a minute old are taken: a live save takes milliseconds.
pub fn remove_stale_temps(path: &Path) {
    let (Some(folder), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        if !(file_name.starts_with(&prefix) && file_name.ends_with(".tmp")) {
            continue;
        }
        let age = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok());
        if age.is_some_and(|age| age.as_secs() > 60) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Flushes a folder's entries (a file's parent; `None` or empty: the current folder).
#[cfg(unix)]
fn sync_folder(folder: Option<&Path>) -> io::Result<()> {
    let folder = match folder {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(folder)?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_folder: Option<&Path>) -> io::Result<()> {
    // Windows cannot open a folder as a file; its rename is durable once it returns.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temp_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.txt.ann.ron");
        write(&target, b"old").unwrap();
        write(&target, b"new").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.txt.ann.ron")]);
    }

    #[test]
    fn a_failed_write_leaves_the_target_untouched_and_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("missing-folder").join("x.ann.ron");
        assert!(write(&target, b"data").is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_staged_file_appears_only_on_commit_and_vanishes_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.jsonl");
        write(&target, b"old").unwrap();
        let mut staged = Staged::create(&target).unwrap();
        staged.write_all(b"new ").unwrap();
        staged.write_all(b"lines").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"old", "not before the commit");
        staged.commit().unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new lines");

        let mut abandoned = Staged::create(&target).unwrap();
        abandoned.write_all(b"half").unwrap();
        drop(abandoned);
        assert_eq!(fs::read(&target).unwrap(), b"new lines");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temp left");

        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        let many: Vec<Staged> = ["a", "b", "c"]
            .iter()
            .map(|name| {
                let mut staged = Staged::create(&sub.join(name)).unwrap();
                staged.write_all(name.as_bytes()).unwrap();
                staged
            })
            .collect();
        commit_all(many).unwrap();
        for name in ["a", "b", "c"] {
            assert_eq!(fs::read_to_string(sub.join(name)).unwrap(), name);
        }
        assert_eq!(fs::read_dir(&sub).unwrap().count(), 3);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept_and_stale_temps_are_cleaned() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.txt.ann.ron");
        write(&target, b"old").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o664)).unwrap();
        write(&target, b"new").unwrap();
        let mode = fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o664);

        let stale = dir.path().join(".a.txt.ann.ron.999.0.tmp");
        let fresh = dir.path().join(".a.txt.ann.ron.999.1.tmp");
        fs::write(&stale, b"half").unwrap();
        fs::write(&fresh, b"half").unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(old)
            .unwrap();
        remove_stale_temps(&target);
        assert!(!stale.exists() && fresh.exists());
    }
}
