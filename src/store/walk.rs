//! Walking a corpus: the one folder walk every pass uses.
//!
//! A corpus is a folder (every `.txt` below it, sub-folders included, sorted by id) or one
//! article file. An article's id is its path relative to the corpus, `/`-separated, the same
//! on every system. Symbolic links are not followed (a link to a parent folder would never
//! end), and a folder that cannot be read stops the walk with a [`Problem`] naming it.

use std::fs;
use std::path::{Path, PathBuf};

use crate::problem::Problem;

/// Calls `visit` with every file below `root` (in no particular order); `root` itself
/// when it is a file.
pub fn files(root: &Path, mut visit: impl FnMut(&Path)) -> Result<(), Problem> {
    let cannot = |path: &Path, e: std::io::Error| Problem::file(path, format!("cannot read: {e}"));
    let metadata = fs::metadata(root).map_err(|e| cannot(root, e))?;
    if metadata.is_file() {
        visit(root);
        return Ok(());
    }
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).map_err(|e| cannot(&folder, e))? {
            let entry = entry.map_err(|e| cannot(&folder, e))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| cannot(&path, e))?;
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file() {
                visit(&path);
            }
        }
    }
    Ok(())
}

/// The articles of a corpus with their ids, sorted by id.
pub fn articles(corpus: &Path) -> Result<Vec<(String, PathBuf)>, Problem> {
    if fs::metadata(corpus).is_ok_and(|m| m.is_file()) {
        let name = corpus
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok(vec![(name, corpus.to_path_buf())]);
    }
    let mut found = Vec::new();
    files(corpus, |path| {
        if path.extension().is_some_and(|e| e == "txt") {
            found.push((id_of(corpus, path), path.to_path_buf()));
        }
    })?;
    found.sort();
    Ok(found)
}

/// A file's id in a corpus: its path relative to the corpus, `/`-separated.
pub fn id_of(corpus: &Path, path: &Path) -> String {
    path.strip_prefix(corpus)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The folder whose scheme, rules and entities apply to a corpus path (the folder itself,
/// or a file's folder).
pub fn scheme_folder(corpus: &Path) -> PathBuf {
    if corpus.is_dir() {
        corpus.to_path_buf()
    } else {
        corpus
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_are_every_txt_below_sorted_by_a_slash_separated_id() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("b/c")).unwrap();
        for name in [
            "z.txt",
            "b/c/y.txt",
            "b/a.txt",
            "b/a.txt.ann.ron",
            "notes.md",
        ] {
            fs::write(dir.path().join(name), "x").unwrap();
        }
        let ids: Vec<String> = articles(dir.path())
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids, ["b/a.txt", "b/c/y.txt", "z.txt"]);
        let one = articles(&dir.path().join("z.txt")).unwrap();
        assert_eq!(one[0].0, "z.txt");
        let missing = articles(&dir.path().join("gone")).unwrap_err();
        assert!(
            missing.to_string().contains("gone: cannot read"),
            "{missing}"
        );
    }
}
