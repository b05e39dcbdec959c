//! Walking a corpus: the one folder walk every pass uses.
//!
//! A corpus is a folder (every article file below it, sub-folders included, sorted by id)
//! or one article file. An article file is one whose name says a kind spantag opens
//! ([`SourceKind::of_file_name`]: `.txt`, `.html`, `.pdf`, ...), except what a browser saved
//! beside a page: the files inside `NAME_files` next to `NAME.html` (or `.htm`) are the
//! page's assets (its frames, scripts, images), not articles. An article's id is its path relative to the corpus, `/`-separated, the same
//! on every system. Symbolic links are not followed (a link to a parent folder would never
//! end), and a folder that cannot be read stops the walk with a [`Problem`] naming it.

use std::fs;
use std::path::{Path, PathBuf};

use crate::model::SourceKind;
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
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if SourceKind::of_file_name(&name).is_some() && !is_page_asset(corpus, path) {
            found.push((id_of(corpus, path), path.to_path_buf()));
        }
    })?;
    found.sort();
    Ok(found)
}

/// Whether `path` is inside a saved page's `NAME_files` folder (below `corpus`) with
/// `NAME.html` or `NAME.htm` beside that folder.
fn is_page_asset(corpus: &Path, path: &Path) -> bool {
    path.ancestors()
        .skip(1)
        .take_while(|folder| folder.starts_with(corpus) && *folder != corpus)
        .any(|folder| {
            let name = folder.file_name().unwrap_or_default().to_string_lossy();
            name.strip_suffix("_files").is_some_and(|page| {
                ["html", "htm"]
                    .iter()
                    .any(|e| folder.with_file_name(format!("{page}.{e}")).is_file())
            })
        })
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
    fn articles_are_every_file_of_a_kind_spantag_opens_but_a_saved_pages_assets() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("page_files/sub")).unwrap();
        fs::create_dir_all(dir.path().join("orphan_files")).unwrap();
        for name in [
            "page.html",
            "page_files/frame.html",
            "page_files/sub/notes.txt",
            "page_files/logo.png",
            "orphan_files/kept.htm",
            "report.PDF",
            "memo.docx",
            "mail.eml",
            "notes.md",
            "photo.png",
            "page.html.ann.ron",
            "README",
        ] {
            fs::write(dir.path().join(name), "x").unwrap();
        }
        let ids: Vec<String> = articles(dir.path())
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(
            ids,
            [
                "mail.eml",
                "memo.docx",
                "notes.md",
                "orphan_files/kept.htm",
                "page.html",
                "report.PDF"
            ]
        );
        // A corpus that is itself a page's assets folder lists its files.
        let inside = articles(&dir.path().join("page_files")).unwrap();
        assert_eq!(inside.len(), 2, "{inside:?}");
    }

    #[test]
    fn articles_are_every_txt_below_sorted_by_a_slash_separated_id() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("b/c")).unwrap();
        for name in [
            "z.txt",
            "b/c/y.txt",
            "b/a.txt",
            "b/a.txt.ann.ron",
            "notes.png",
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
