//! Atomic file replacement: a crash at any moment leaves the old file or the new one.
//!
//! The new contents go to a temporary file in the same folder (so the rename cannot cross
//! file systems), which is flushed to disk before it is renamed over the target; then the
//! folder itself is flushed so the rename survives a power cut. On any failure the
//! temporary file is removed and the target is untouched.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Replaces `path` with `contents` atomically. The new file keeps the old one's
/// permissions (a group-writable sidecar on a shared drive stays group-writable).
pub fn write(path: &Path, contents: &[u8]) -> io::Result<()> {
    let (temp, mut file) = create_temp(path)?;
    let result = fill(&mut file, path, contents).and_then(|()| fs::rename(&temp, path));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result?;
    // The rename is done: a folder that cannot be flushed (some network file systems
    // refuse fsync on folders) does not make the save a failure.
    let _ = sync_folder(path);
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

fn fill(file: &mut File, path: &Path, contents: &[u8]) -> io::Result<()> {
    if let Ok(old) = fs::metadata(path) {
        file.set_permissions(old.permissions())?;
    }
    file.write_all(contents)?;
    file.sync_all()
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

#[cfg(unix)]
fn sync_folder(path: &Path) -> io::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(folder)?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_path: &Path) -> io::Result<()> {
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
