//! The `entities.ron` merge (the rules are in the parent module's documentation).

use std::collections::{BTreeMap, BTreeSet};

use super::{take, Input, Items, MergeError, Merged, Summary, Take};
use crate::model::{short, Entities, Entity};

/// Merges three versions of `entities.ron` by entity id: `base` is the common ancestor
/// (empty or blank when the file was added on both sides). The result is in
/// [`Entities::encode`]'s layout.
pub fn merge_entities(base: &str, ours: &str, theirs: &str) -> Result<Merged, MergeError> {
    let read = |input: Input, source: &str| {
        Entities::parse(source).map_err(|e| MergeError {
            input,
            line: e.line,
            col: e.col,
            message: e.message,
        })
    };
    let base = if base.trim().is_empty() {
        Entities::default()
    } else {
        read(Input::Base, base)?
    };
    let (ours, theirs) = (read(Input::Ours, ours)?, read(Input::Theirs, theirs)?);
    let mut summary = Summary {
        items: Items::Entities,
        ..Summary::default()
    };
    let mut merged = Entities::default();
    let ids: BTreeSet<&str> = [&base, &ours, &theirs]
        .iter()
        .flat_map(|e| e.iter().map(|e| e.id.as_str()))
        .collect();
    for id in ids {
        let (b, o, t) = (base.get(id), ours.get(id), theirs.get(id));
        let kept = match (b, o, t) {
            (b, Some(o), Some(t)) => {
                summary.from_ours += usize::from(b.is_some_and(|b| b != o));
                summary.from_theirs += usize::from(b.is_some_and(|b| b != t));
                summary.added_both += usize::from(b.is_none());
                merge_entity(b, o, t, &mut summary)
            }
            (Some(b), None, Some(changed)) | (Some(b), Some(changed), None) if changed != b => {
                let (deleted_on, changed_on) = if o.is_some() {
                    ("theirs", "ours")
                } else {
                    ("ours", "theirs")
                };
                summary.conflicts += 1;
                summary.notes.push(format!(
                    "entity {:?}: deleted on {deleted_on}, changed on {changed_on}; kept as \
                     {changed_on} has it",
                    short(id)
                ));
                changed.clone()
            }
            (Some(_), None, _) => {
                summary.from_ours += 1;
                continue;
            }
            (Some(_), _, None) => {
                summary.from_theirs += 1;
                continue;
            }
            (None, Some(one), None) | (None, None, Some(one)) => {
                if o.is_some() {
                    summary.from_ours += 1;
                } else {
                    summary.from_theirs += 1;
                }
                one.clone()
            }
            (None, None, None) => continue,
        };
        merged.insert(kept);
    }
    Ok(Merged {
        text: merged.encode(),
        conflicts: summary.conflicts,
        summary,
    })
}

/// Merges one entity kept on both sides, field by field; `base` is `None` when both
/// sides added it.
fn merge_entity(
    base: Option<&Entity>,
    ours: &Entity,
    theirs: &Entity,
    summary: &mut Summary,
) -> Entity {
    let id = short(&ours.id);
    let mut merged = ours.clone();
    let mut extra_alias = None;
    match take(base.map(|b| &b.name), &ours.name, &theirs.name) {
        Take::Ours => {}
        Take::Theirs => merged.name.clone_from(&theirs.name),
        Take::Both => {
            summary.names_kept_as_aliases += 1;
            summary.notes.push(format!(
                "entity {id:?}: renamed {:?} on ours and {:?} on theirs; the second is an alias",
                short(&ours.name),
                short(&theirs.name)
            ));
            extra_alias = Some(theirs.name.clone());
        }
    }
    match take(base.map(|b| &b.label), &ours.label, &theirs.label) {
        Take::Ours => {}
        Take::Theirs => merged.label.clone_from(&theirs.label),
        Take::Both => {
            summary.conflicts += 1;
            summary.notes.push(format!(
                "entity {id:?}: label {:?} on ours, {:?} on theirs; ours's kept",
                short(&ours.label),
                short(&theirs.label)
            ));
        }
    }
    // Aliases as a set: kept on both sides, or added on one.
    let in_base = |alias: &String| base.is_some_and(|b| b.aliases.contains(alias));
    let mut aliases: Vec<String> = Vec::new();
    for alias in ours
        .aliases
        .iter()
        .chain(&theirs.aliases)
        .chain(&extra_alias)
    {
        let both = ours.aliases.contains(alias) && theirs.aliases.contains(alias);
        let added = !in_base(alias);
        if (both || added) && *alias != merged.name && !aliases.contains(alias) {
            aliases.push(alias.clone());
        }
    }
    merged.aliases = aliases;
    let bases: BTreeSet<&String> = base
        .iter()
        .flat_map(|b| b.external.keys())
        .chain(ours.external.keys())
        .chain(theirs.external.keys())
        .collect();
    let mut external = BTreeMap::new();
    for key in bases {
        let value = |e: &Entity| e.external.get(key).cloned();
        let (o, t) = (value(ours), value(theirs));
        // An entity new on both sides has no value in the base: one set on one side is taken.
        let kept = match take(Some(&base.and_then(value)), &o, &t) {
            Take::Ours => o,
            Take::Theirs => t,
            Take::Both => {
                summary.conflicts += 1;
                let shown = |v: &Option<String>| v.as_deref().map_or("none".into(), short);
                summary.notes.push(format!(
                    "entity {id:?}: {} id {} on ours, {} on theirs; ours's kept",
                    short(key),
                    shown(&o),
                    shown(&t)
                ));
                o
            }
        };
        if let Some(v) = kept {
            external.insert(key.clone(), v);
        }
    }
    merged.external = external;
    merged
}
