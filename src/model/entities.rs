//! The corpus's entities: who an actor is and which place a location is, across articles.
//!
//! A corpus may keep `entities.ron` at its root (docs/FORMATS.md section 5). A span of an
//! entity label (the scheme marks them) refers to one entity by its `id` in the span's
//! `entity` field; that is how "Sergei Lavrov" in one article and "Lavrov" in the next are
//! the same person. Ids are stable strings: renaming an entity changes its `name` (the old
//! name stays an alias, so its mentions are still recognised), never its `id`; merging two
//! entities keeps one id, and every reference to the other is rewritten by the caller
//! ([`Merged::rewrites`] says which).
//!
//! Like the sidecar, the file is written by hand in one deterministic layout, one entity per
//! line in id order, so that git diffs and merges stay small.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::sidecar::{push_quoted, MAX_NESTING};

/// The file name of a corpus's entities, at the corpus folder's root.
pub const ENTITIES_FILE: &str = "entities.ron";

/// Entity files larger than this (64 MB, hundreds of thousands of entities) are refused.
pub const MAX_ENTITIES_BYTES: usize = 64 * 1024 * 1024;

/// One entity of the corpus.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Stable: spans refer to it. Never changed by a rename.
    pub id: String,
    /// The name shown and exported.
    pub name: String,
    /// The scheme label of its mentions (`actor`, `location`).
    pub label: String,
    /// Other names its mentions go by ("Lavrov").
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Ids in other knowledge bases, by base: `{"wikidata": "Q40398", "geonames": "361058"}`.
    #[serde(default)]
    pub external: BTreeMap<String, String>,
}

impl Entity {
    /// Whether `text` is the entity's name or one of its aliases (ignoring case).
    pub fn is_called(&self, text: &str) -> bool {
        let text = text.trim();
        std::iter::once(&self.name)
            .chain(&self.aliases)
            .any(|n| n.trim().to_lowercase() == text.to_lowercase())
    }
}

#[derive(Deserialize)]
struct File {
    entities: Vec<Entity>,
}

/// What is wrong with an entities file; `line` and `col` are 1-based.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {col}: {message}")]
pub struct EntitiesError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Why an edit of the entities was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EntityEditError {
    #[error("there is no entity {0:?}")]
    Unknown(String),
    #[error("an entity needs a name")]
    EmptyName,
    #[error("an entity cannot be merged into itself")]
    SelfMerge,
}

/// The corpus's entities, kept in id order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entities {
    entities: Vec<Entity>,
}

/// What a merge did: the id that went, and the one its references now use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    pub gone: String,
    pub kept: String,
    /// External ids of the merged entity that the kept one already had with another
    /// value: the kept value stays; these are for the message.
    pub conflicts: Vec<(String, String)>,
}

impl Merged {
    /// The rewrite every span's `entity` needs: `Some(new)` for a span whose entity is
    /// `entity` and must change.
    pub fn rewrites(&self, entity: Option<&str>) -> Option<&str> {
        (entity == Some(self.gone.as_str())).then_some(self.kept.as_str())
    }
}

impl Entities {
    /// Parses and checks an entities file: ids unique, not empty and without control
    /// characters; every entity named.
    pub fn parse(source: &str) -> Result<Entities, EntitiesError> {
        if source.len() > MAX_ENTITIES_BYTES {
            return Err(EntitiesError {
                line: 1,
                col: 1,
                message: format!(
                    "{} bytes is larger than the {} MB an entities file may have",
                    source.len(),
                    MAX_ENTITIES_BYTES >> 20
                ),
            });
        }
        let ron = ron::Options::default().with_recursion_limit(MAX_NESTING);
        let file: File = ron.from_str(source).map_err(|e| EntitiesError {
            line: e.span.start.line,
            col: e.span.start.col,
            message: e.code.to_string(),
        })?;
        let at = |needle: &str, message: String| {
            let found = source
                .lines()
                .enumerate()
                .find_map(|(i, l)| l.find(needle).map(|c| (i + 1, c + 1)));
            let (line, col) = found.unwrap_or((1, 1));
            EntitiesError { line, col, message }
        };
        let mut entities = file.entities;
        for (i, entity) in entities.iter().enumerate() {
            let id_at = format!("id: \"{}\"", entity.id);
            if entity.id.trim().is_empty() || entity.id.chars().any(char::is_control) {
                return Err(at(
                    &id_at,
                    format!(
                        "entity id {:?} is empty or has control characters",
                        entity.id
                    ),
                ));
            }
            if entities[..i].iter().any(|e| e.id == entity.id) {
                return Err(at(
                    &id_at,
                    format!("entity id {:?} is used twice", entity.id),
                ));
            }
            if entity.name.trim().is_empty() {
                return Err(at(&id_at, format!("entity {:?} has no name", entity.id)));
            }
        }
        entities.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Entities { entities })
    }

    /// The file's text: one entity per line, in id order.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(64 + self.entities.len() * 120);
        out.push_str(
            "// spantag entities: who and where the corpus's mentions are\n(\n    entities: [\n",
        );
        for e in &self.entities {
            out.push_str("        (id: ");
            push_quoted(&mut out, &e.id);
            out.push_str(", name: ");
            push_quoted(&mut out, &e.name);
            out.push_str(", label: ");
            push_quoted(&mut out, &e.label);
            out.push_str(", aliases: [");
            for (i, alias) in e.aliases.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_quoted(&mut out, alias);
            }
            out.push_str("], external: {");
            for (i, (base, id)) in e.external.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_quoted(&mut out, base);
                out.push_str(": ");
                push_quoted(&mut out, id);
            }
            let _ = writeln!(out, "}}),");
        }
        out.push_str("    ],\n)\n");
        out
    }

    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// Every entity, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Entity> {
        self.entities.iter()
    }

    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.index(id).ok().map(|i| &self.entities[i])
    }

    fn index(&self, id: &str) -> Result<usize, usize> {
        self.entities.binary_search_by(|e| e.id.as_str().cmp(id))
    }

    /// The name of entity `id`, or the id itself when the corpus has no such entity (a
    /// reference to an entity that is gone is shown, never hidden).
    pub fn name_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.get(id).map_or(id, |e| e.name.as_str())
    }

    /// The type-ahead of the link picker: entities of `label` (any label with `None`)
    /// whose name or an alias contains `query`, ignoring case; names that start with it
    /// first, then by name. At most `limit`.
    pub fn search(&self, query: &str, label: Option<&str>, limit: usize) -> Vec<&Entity> {
        let query = query.trim().to_lowercase();
        let mut hits: Vec<(bool, &Entity)> = self
            .entities
            .iter()
            .filter(|e| label.is_none_or(|l| e.label == l))
            .filter_map(|e| {
                let names = std::iter::once(&e.name).chain(&e.aliases);
                let mut best = None;
                for name in names {
                    let name = name.to_lowercase();
                    if name.starts_with(&query) {
                        best = Some(true);
                        break;
                    }
                    if name.contains(&query) {
                        best = Some(false);
                    }
                }
                best.map(|prefix| (prefix, e))
            })
            .collect();
        hits.sort_by(|(pa, a), (pb, b)| pb.cmp(pa).then_with(|| a.name.cmp(&b.name)));
        hits.into_iter().take(limit).map(|(_, e)| e).collect()
    }

    /// The entity of `label` that `text` names (its name or an alias), if exactly one
    /// does: a mention is never guessed onto one of two namesakes.
    pub fn named(&self, text: &str, label: &str) -> Option<&Entity> {
        let mut found = self
            .entities
            .iter()
            .filter(|e| e.label == label && e.is_called(text));
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// Adds an entity called `name` and returns its new id: the name in lower case with
    /// every run of other characters turned into one `-` (`sergei-lavrov`), numbered if
    /// taken.
    pub fn create(&mut self, name: &str, label: &str) -> Result<String, EntityEditError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(EntityEditError::EmptyName);
        }
        let id = self.fresh_id(name);
        let entity = Entity {
            id: id.clone(),
            name: name.to_string(),
            label: label.to_string(),
            aliases: Vec::new(),
            external: BTreeMap::new(),
        };
        self.insert(entity);
        Ok(id)
    }

    /// Adds or replaces an entity as given (an import, an undo).
    pub fn insert(&mut self, entity: Entity) {
        match self.index(&entity.id) {
            Ok(i) => self.entities[i] = entity,
            Err(i) => self.entities.insert(i, entity),
        }
    }

    fn fresh_id(&self, name: &str) -> String {
        let mut slug = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        while slug.ends_with('-') {
            slug.pop();
        }
        if slug.is_empty() {
            slug = "entity".into();
        }
        if self.get(&slug).is_none() {
            return slug;
        }
        (2..)
            .map(|n| format!("{slug}-{n}"))
            .find(|id| self.get(id).is_none())
            .unwrap_or(slug)
    }

    /// Renames an entity; the old name stays as an alias, so its mentions still match.
    pub fn rename(&mut self, id: &str, name: &str) -> Result<(), EntityEditError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(EntityEditError::EmptyName);
        }
        let i = self
            .index(id)
            .map_err(|_| EntityEditError::Unknown(id.into()))?;
        let entity = &mut self.entities[i];
        if entity.name == name {
            return Ok(());
        }
        let old = std::mem::replace(&mut entity.name, name.to_string());
        entity.aliases.retain(|a| a != name);
        if !entity.aliases.contains(&old) {
            entity.aliases.push(old);
        }
        Ok(())
    }

    /// Adds `alias` to an entity, unless it is its name or an alias already.
    pub fn add_alias(&mut self, id: &str, alias: &str) -> Result<(), EntityEditError> {
        let i = self
            .index(id)
            .map_err(|_| EntityEditError::Unknown(id.into()))?;
        let entity = &mut self.entities[i];
        let alias = alias.trim();
        if !alias.is_empty() && entity.name != alias && !entity.aliases.iter().any(|a| a == alias) {
            entity.aliases.push(alias.to_string());
        }
        Ok(())
    }

    /// Sets (or with an empty `value` removes) an external id of an entity.
    pub fn set_external(
        &mut self,
        id: &str,
        base: &str,
        value: &str,
    ) -> Result<(), EntityEditError> {
        let i = self
            .index(id)
            .map_err(|_| EntityEditError::Unknown(id.into()))?;
        let external = &mut self.entities[i].external;
        if value.trim().is_empty() {
            external.remove(base);
        } else {
            external.insert(base.to_string(), value.trim().to_string());
        }
        Ok(())
    }

    /// Merges entity `gone` into `kept`: the kept one gains the other's name and aliases as
    /// aliases, and its external ids where it has none; `gone` is removed. The caller
    /// rewrites every reference ([`Merged::rewrites`]).
    pub fn merge(&mut self, gone: &str, kept: &str) -> Result<Merged, EntityEditError> {
        if gone == kept {
            return Err(EntityEditError::SelfMerge);
        }
        let into = self
            .index(kept)
            .map_err(|_| EntityEditError::Unknown(kept.into()))?;
        let from = self
            .index(gone)
            .map_err(|_| EntityEditError::Unknown(gone.into()))?;
        let removed = self.entities[from].clone();
        let target = &mut self.entities[into];
        for name in std::iter::once(&removed.name).chain(&removed.aliases) {
            if *name != target.name && !target.aliases.contains(name) {
                target.aliases.push(name.clone());
            }
        }
        let mut conflicts = Vec::new();
        for (base, id) in &removed.external {
            match target.external.get(base) {
                None => {
                    target.external.insert(base.clone(), id.clone());
                }
                Some(own) if own != id => conflicts.push((base.clone(), id.clone())),
                Some(_) => {}
            }
        }
        self.entities.remove(from);
        Ok(Merged {
            gone: gone.into(),
            kept: kept.into(),
            conflicts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"(
    entities: [
        (id: "sergei-lavrov", name: "Sergei Lavrov", label: "actor", aliases: ["Lavrov"], external: {"wikidata": "Q40398"}),
        (id: "cairo", name: "Cairo", label: "location"),
    ],
)"#;

    #[test]
    fn parse_sorts_by_id_and_encode_is_stable() {
        let entities = Entities::parse(FILE).unwrap();
        let ids: Vec<&str> = entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["cairo", "sergei-lavrov"]);
        let text = entities.encode();
        assert_eq!(Entities::parse(&text).unwrap(), entities);
        assert_eq!(Entities::parse(&text).unwrap().encode(), text);
        assert_eq!(text.lines().filter(|l| l.contains("(id: ")).count(), 2);
    }

    #[test]
    fn errors_name_the_line() {
        let twice = FILE.replace("\"cairo\"", "\"sergei-lavrov\"");
        let e = Entities::parse(&twice).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("used twice"), "{e}");
        let unnamed = FILE.replace("name: \"Cairo\"", "name: \" \"");
        assert_eq!(Entities::parse(&unnamed).unwrap_err().line, 4);
        let broken = FILE.replace("label: \"location\"", "label: 3");
        assert_eq!(Entities::parse(&broken).unwrap_err().line, 4);
    }

    #[test]
    fn create_rename_search_and_named() {
        let mut entities = Entities::parse(FILE).unwrap();
        assert_eq!(
            entities.create("Sergei Lavrov", "actor").unwrap(),
            "sergei-lavrov-2"
        );
        assert_eq!(
            entities.create("  Mr. O'Brien! ", "actor").unwrap(),
            "mr-o-brien"
        );
        assert_eq!(
            entities.create("Сергей Лавров", "actor").unwrap(),
            "сергей-лавров"
        );
        assert_eq!(
            entities.create("  ", "actor"),
            Err(EntityEditError::EmptyName)
        );
        // Two entities now answer to "Sergei Lavrov": no guess.
        assert!(entities.named("Sergei Lavrov", "actor").is_none());
        assert_eq!(
            entities.named("lavrov", "actor").unwrap().id,
            "sergei-lavrov"
        );
        assert!(entities.named("Lavrov", "location").is_none());
        entities.rename("cairo", "Al-Qahira").unwrap();
        let cairo = entities.get("cairo").unwrap();
        assert_eq!(
            (cairo.name.as_str(), cairo.aliases.clone()),
            ("Al-Qahira", vec!["Cairo".to_string()])
        );
        let hits: Vec<&str> = entities
            .search("lav", Some("actor"), 10)
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        assert_eq!(hits, ["sergei-lavrov", "sergei-lavrov-2"]);
        let hits: Vec<&str> = entities
            .search("qah", None, 10)
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        assert_eq!(hits, ["cairo"]);
    }

    #[test]
    fn merge_keeps_one_id_and_says_what_to_rewrite() {
        let mut entities = Entities::parse(FILE).unwrap();
        let twin = entities.create("S. Lavrov", "actor").unwrap();
        entities.set_external(&twin, "wikidata", "Q1").unwrap();
        entities.set_external(&twin, "viaf", "77").unwrap();
        let merged = entities.merge(&twin, "sergei-lavrov").unwrap();
        assert_eq!(
            merged.conflicts,
            vec![("wikidata".to_string(), "Q1".to_string())]
        );
        assert_eq!(merged.rewrites(Some(twin.as_str())), Some("sergei-lavrov"));
        assert_eq!(merged.rewrites(Some("cairo")), None);
        assert_eq!(merged.rewrites(None), None);
        assert!(entities.get(&twin).is_none());
        let kept = entities.get("sergei-lavrov").unwrap();
        assert_eq!(kept.aliases, ["Lavrov", "S. Lavrov"]);
        assert_eq!(
            kept.external.get("wikidata").map(String::as_str),
            Some("Q40398")
        );
        assert_eq!(kept.external.get("viaf").map(String::as_str), Some("77"));
        assert_eq!(
            entities.merge("cairo", "cairo"),
            Err(EntityEditError::SelfMerge)
        );
        assert_eq!(
            entities.merge("nope", "cairo"),
            Err(EntityEditError::Unknown("nope".into()))
        );
    }
}
