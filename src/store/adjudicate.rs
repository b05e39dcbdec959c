//! The folders of an adjudication: two annotators' copies of a corpus (A and B) and the
//! gold folder their settled annotations go to.
//!
//! A and B are only ever read. The gold folder gets a copy of every article both
//! annotators have with the same text, and its sidecars are written by the app's usual
//! autosave as spans are accepted, so a gold folder is an ordinary corpus. It gets their
//! entities too (A's, and B's that A does not have), so the entity ids its spans take from
//! A or B resolve to names there.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::atomic;
use super::corpus;
use super::entities;
use super::walk::articles;
use crate::model::{Document, SCHEME_FILE};
use crate::problem::Problem;

/// The three folders of an adjudication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folders {
    pub a: PathBuf,
    pub b: PathBuf,
    pub gold: PathBuf,
}

/// What preparing the gold folder did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prepared {
    /// Articles ready in the gold folder (copied now or already there).
    pub articles: usize,
    /// Articles left out, by id, and why.
    pub skipped: Vec<(String, String)>,
}

/// Checks the folders and copies into the gold folder (creating it) every article that A
/// and B both have with the same bytes, and A's scheme file if the gold folder has none.
/// An article already in the gold folder is kept if its text is the same, else skipped.
/// If the gold folder has no `entities.ron`, it gets A's entities and those of B whose id
/// A does not have (an id in both keeps A's entry); an entities file of A or B that cannot
/// be read refuses the comparison, naming the file and line, before anything is written.
pub fn prepare(folders: &Folders) -> Result<Prepared, Problem> {
    let Folders { a, b, gold } = folders;
    for (name, folder) in [("A", a), ("B", b)] {
        if !folder.is_dir() {
            return Err(Problem::file(
                folder,
                format!("folder {name} is not a folder"),
            ));
        }
    }
    let (ca, cb, cg) = (resolved(a), resolved(b), resolved(gold));
    for (name, folder) in [("A", &ca), ("B", &cb)] {
        if cg.starts_with(folder) || folder.starts_with(&cg) {
            return Err(Problem::file(
                gold,
                format!(
                    "the gold folder must be outside folder {name} ({}), and {name} outside it: \
                     A and B are never written",
                    folder.display()
                ),
            ));
        }
    }
    let cannot =
        |path: &Path, what: &str, e: io::Error| Problem::file(path, format!("cannot {what}: {e}"));
    let gold_entities = if entities::path(gold).exists() {
        None
    } else {
        let load = entities::load;
        let mut merged = load(a)?;
        for entity in load(b)?.iter() {
            if merged.get(&entity.id).is_none() {
                merged.insert(entity.clone());
            }
        }
        Some(merged).filter(|e| !e.is_empty())
    };
    fs::create_dir_all(gold).map_err(|e| cannot(gold, "create the folder", e))?;
    let in_b: std::collections::BTreeMap<String, PathBuf> = articles(b)?.into_iter().collect();
    let mut prepared = Prepared::default();
    let mut only_b: std::collections::BTreeSet<&String> = in_b.keys().collect();
    for (id, a_path) in articles(a)? {
        let Some(b_path) = in_b.get(&id) else {
            prepared.skipped.push((id, "only in A".into()));
            continue;
        };
        only_b.remove(&id);
        let text = fs::read(&a_path).map_err(|e| cannot(&a_path, "read", e))?;
        if fs::read(b_path).map_err(|e| cannot(b_path, "read", e))? != text {
            prepared
                .skipped
                .push((id, "the article's text differs between A and B".into()));
            continue;
        }
        let target = gold.join(&id);
        match fs::read(&target) {
            Ok(existing) if existing == text => {}
            Ok(_) => {
                prepared
                    .skipped
                    .push((id, "the gold folder's copy has another text".into()));
                continue;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent)
                        .map_err(|e| cannot(parent, "create the folder", e))?;
                }
                atomic::write(&target, &text).map_err(|e| cannot(&target, "write", e))?;
            }
            Err(e) => return Err(cannot(&target, "read", e)),
        }
        prepared.articles += 1;
    }
    prepared.skipped.extend(
        only_b
            .into_iter()
            .map(|id| (id.clone(), "only in B".into())),
    );
    let scheme = a.join(SCHEME_FILE);
    if scheme.is_file() && !gold.join(SCHEME_FILE).exists() {
        let copy = gold.join(SCHEME_FILE);
        fs::copy(&scheme, &copy).map_err(|e| cannot(&copy, "write", e))?;
    }
    if let Some(merged) = gold_entities {
        entities::save(gold, &merged).map_err(|e| cannot(&entities::path(gold), "write", e))?;
    }
    Ok(prepared)
}

/// A path with its existing part resolved (links, `..`), so folders can be compared
/// before the gold folder exists.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = fs::canonicalize(existing) {
            return missing.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// The article's id in the gold folder (its relative path, `/`-separated).
pub fn article_id(folders: &Folders, gold_article: &Path) -> Option<String> {
    let relative = gold_article.strip_prefix(&folders.gold).ok()?;
    Some(
        relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// A's and B's annotations of a gold article, each checked to be on the same text.
pub fn annotators(
    folders: &Folders,
    gold: &Document,
    gold_article: &Path,
) -> Result<[Document; 2], Problem> {
    let id = article_id(folders, gold_article).ok_or_else(|| {
        Problem::file(
            gold_article,
            format!("is not in the gold folder {}", folders.gold.display()),
        )
    })?;
    let load = |folder: &Path| -> Result<Document, Problem> {
        let path = folder.join(&id);
        let (document, _) = corpus::load(&path)?;
        if document.meta.sha256 != gold.meta.sha256 {
            return Err(Problem::file(path, "has another text than the gold copy"));
        }
        Ok(document)
    };
    Ok([load(&folders.a)?, load(&folders.b)?])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::entities::Entities;

    fn entities_of(pairs: &[(&str, &str)]) -> Entities {
        let mut entities = Entities::default();
        for (name, label) in pairs {
            entities.create(name, label).unwrap();
        }
        entities
    }

    #[test]
    fn the_gold_folder_gets_the_entities_of_a_and_b() {
        let dir = tempfile::tempdir().unwrap();
        let [a, b, gold] = ["A", "B", "gold"].map(|f| dir.path().join(f));
        for folder in [&a, &b] {
            fs::create_dir_all(folder).unwrap();
            fs::write(folder.join("one.txt"), "Lavrov met Shoukry.").unwrap();
        }
        let mut in_a = entities_of(&[("Sergei Lavrov", "actor")]);
        in_a.add_alias("sergei-lavrov", "Lavrov").unwrap();
        entities::save(&a, &in_a).unwrap();
        // B has Lavrov without the alias (A's entry wins) and Shoukry, whom A lacks.
        let in_b = entities_of(&[("Sergei Lavrov", "actor"), ("Sameh Shoukry", "actor")]);
        entities::save(&b, &in_b).unwrap();
        let folders = Folders {
            a: a.clone(),
            b: b.clone(),
            gold: gold.clone(),
        };
        prepare(&folders).unwrap();
        let merged = entities::load(&gold).unwrap();
        let ids: Vec<&str> = merged.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["sameh-shoukry", "sergei-lavrov"]);
        assert_eq!(merged.get("sergei-lavrov").unwrap().aliases, ["Lavrov"]);

        // A gold folder's own entities are kept as they are.
        let own = entities_of(&[("Abdel Fattah el-Sisi", "actor")]);
        entities::save(&gold, &own).unwrap();
        prepare(&folders).unwrap();
        assert_eq!(entities::load(&gold).unwrap(), own);
    }

    #[test]
    fn a_broken_entities_file_refuses_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let [a, b, gold] = ["A", "B", "gold"].map(|f| dir.path().join(f));
        for folder in [&a, &b] {
            fs::create_dir_all(folder).unwrap();
            fs::write(folder.join("one.txt"), "Lavrov met Shoukry.").unwrap();
        }
        fs::write(
            entities::path(&b),
            "(\n    entities: [\n        (id: 3),\n    ],\n)",
        )
        .unwrap();
        let error = prepare(&Folders {
            a,
            b,
            gold: gold.clone(),
        })
        .unwrap_err();
        let message = error.to_string();
        assert!(message.contains("entities.ron:3:"), "{message}");
        assert!(!gold.exists());
        // Without entities anywhere, no file is made.
        let (c, d) = (dir.path().join("C"), dir.path().join("D"));
        for folder in [&c, &d] {
            fs::create_dir_all(folder).unwrap();
            fs::write(folder.join("one.txt"), "Text.").unwrap();
        }
        let plain = dir.path().join("plain");
        prepare(&Folders {
            a: c,
            b: d,
            gold: plain.clone(),
        })
        .unwrap();
        assert!(plain.join("one.txt").exists() && !entities::path(&plain).exists());
    }
}
