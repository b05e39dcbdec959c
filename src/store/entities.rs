//! The corpus's `entities.ron` on disk (the model is [`crate::model::entities`]).
//!
//! The file lives at the corpus root, beside `spantag.ron`; a corpus without one has no
//! entities yet. It is written atomically, like a sidecar, and only when it changed.

use std::io;
use std::path::{Path, PathBuf};

use super::atomic;
use crate::model::entities::{Entities, MAX_ENTITIES_BYTES};
use crate::model::ENTITIES_FILE;
use crate::problem::Problem;

/// Where the entities of the corpus rooted at `folder` live.
pub fn path(folder: &Path) -> PathBuf {
    folder.join(ENTITIES_FILE)
}

/// The entities of the corpus rooted at `folder`: none when it has no file. A file that
/// cannot be read or parsed is a problem naming it, with line and column.
pub fn load(folder: &Path) -> Result<Entities, Problem> {
    let path = path(folder);
    let Some(source) = super::corpus::read_config(&path, MAX_ENTITIES_BYTES)? else {
        return Ok(Entities::default());
    };
    Entities::parse(&source).map_err(|e| Problem::at(&path, e.line, e.col, e.message))
}

/// Writes the entities of the corpus rooted at `folder`, atomically; a file that already
/// holds exactly these bytes is left alone.
pub fn save(folder: &Path, entities: &Entities) -> io::Result<()> {
    let path = path(folder);
    let text = entities.encode();
    if std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(());
    }
    atomic::write(&path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_is_empty_broken_names_the_line_and_saves_are_atomic() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).unwrap().is_empty());
        let mut entities = Entities::default();
        let id = entities.create("Sergei Lavrov", "actor").unwrap();
        save(dir.path(), &entities).unwrap();
        assert_eq!(
            load(dir.path()).unwrap().get(&id).unwrap().name,
            "Sergei Lavrov"
        );
        let before = std::fs::metadata(path(dir.path()))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        save(dir.path(), &entities).unwrap();
        let after = std::fs::metadata(path(dir.path()))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after, "an unchanged file is not rewritten");
        std::fs::write(
            path(dir.path()),
            "(\n    entities: [\n        (id: 3),\n    ],\n)",
        )
        .unwrap();
        let problem = load(dir.path()).unwrap_err();
        assert_eq!(problem.line, Some(3), "{problem}");
        assert!(problem.to_string().contains("entities.ron:3:"), "{problem}");
    }
}
