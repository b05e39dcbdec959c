//! "Who said what" across a corpus: per entity, how often it is mentioned, in how many
//! articles, and every quote and claim linked to one of its mentions through `said_by`.
//!
//! The index is built from sidecars alone (a span stores its text, so no article needs to
//! be read): the store feeds each article's spans and relations to an [`IndexBuilder`],
//! one article at a time, and [`IndexBuilder::finish`] joins the counts to `entities.ron`.
//! Ids that spans refer to but `entities.ron` does not hold are kept apart in
//! [`EntityIndex::unknown`], listed, never hidden: they are what a lost or hand-edited
//! `entities.ron`, or a merge that could not rewrite every sidecar, leaves behind.
//!
//! Builders can be filled on several threads and joined ([`IndexBuilder::join`]); the
//! result does not depend on the order, because statements are sorted by article and span.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::{Attrs, Entities, Relation, Span, SpanId};

/// The relation kind from a quote or claim to the actor who said it.
pub const SAID_BY: &str = "said_by";

/// A quote or claim attributed to one of an entity's mentions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// The article's id (its path relative to the corpus, `/`-separated).
    pub article: String,
    /// The quote's or claim's span id in that article's sidecar.
    pub span: SpanId,
    /// Its label (`quote`, `claim`).
    pub label: String,
    pub text: String,
    /// Its attribute values, by attribute name.
    pub attrs: Attrs,
    /// The span id of the mention it is linked to (the speaker).
    pub speaker: SpanId,
}

/// One entity's row of the index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntityRow {
    pub id: String,
    /// Its name in `entities.ron`; for an unknown id, the id itself.
    pub name: String,
    /// Its label in `entities.ron`; empty for an unknown id.
    pub label: String,
    /// Spans whose `entity` is this id.
    pub mentions: usize,
    /// Articles holding at least one of them.
    pub articles: usize,
    /// Quotes and claims linked to one of its mentions, by article then span id.
    pub statements: Vec<Statement>,
}

/// The corpus's entities with their mentions and statements.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EntityIndex {
    /// Articles scanned (with or without a sidecar).
    pub articles: usize,
    /// Every entity of `entities.ron`, in id order, mentioned or not.
    pub entities: Vec<EntityRow>,
    /// Ids that spans refer to but `entities.ron` does not hold, in id order.
    pub unknown: Vec<EntityRow>,
}

impl EntityIndex {
    /// The row of an entity id, known or unknown.
    pub fn row(&self, id: &str) -> Option<&EntityRow> {
        self.entities
            .iter()
            .chain(&self.unknown)
            .find(|row| row.id == id)
    }
}

#[derive(Default)]
struct Tally {
    mentions: usize,
    articles: usize,
    statements: Vec<Statement>,
}

/// Collects counts article by article (see the module docs).
#[derive(Default)]
pub struct IndexBuilder {
    articles: usize,
    by_id: HashMap<String, Tally>,
}

impl IndexBuilder {
    /// Adds an article without spans (no sidecar, or one that could not be read).
    pub fn add_empty(&mut self) {
        self.articles += 1;
    }

    /// Adds one article's spans and relations.
    pub fn add(&mut self, article: &str, spans: &[Span], relations: &[Relation]) {
        self.articles += 1;
        let mut seen: HashSet<&str> = HashSet::new();
        let mut entity_of: HashMap<SpanId, &str> = HashMap::new();
        for span in spans {
            let Some(entity) = span.entity.as_deref() else {
                continue;
            };
            entity_of.insert(span.id, entity);
            let tally = self.by_id.entry(entity.to_string()).or_default();
            tally.mentions += 1;
            if seen.insert(entity) {
                tally.articles += 1;
            }
        }
        if entity_of.is_empty() {
            return;
        }
        let by_id: HashMap<SpanId, &Span> = spans.iter().map(|s| (s.id, s)).collect();
        for relation in relations.iter().filter(|r| r.kind == SAID_BY) {
            let (Some(entity), Some(said)) =
                (entity_of.get(&relation.to), by_id.get(&relation.from))
            else {
                continue;
            };
            if let Some(tally) = self.by_id.get_mut(*entity) {
                tally.statements.push(Statement {
                    article: article.to_string(),
                    span: said.id,
                    label: said.label.clone(),
                    text: said.text.clone(),
                    attrs: said.attrs.clone(),
                    speaker: relation.to,
                });
            }
        }
    }

    /// Adds what another builder collected (a builder per thread).
    pub fn join(&mut self, other: IndexBuilder) {
        self.articles += other.articles;
        for (id, theirs) in other.by_id {
            let tally = self.by_id.entry(id).or_default();
            tally.mentions += theirs.mentions;
            tally.articles += theirs.articles;
            tally.statements.extend(theirs.statements);
        }
    }

    /// The index: every entity of `entities` (mentioned or not), and the unknown ids.
    pub fn finish(self, entities: &Entities) -> EntityIndex {
        let mut by_id = self.by_id;
        let mut unknown_ids: Vec<String> = by_id
            .keys()
            .filter(|id| entities.get(id).is_none())
            .cloned()
            .collect();
        unknown_ids.sort();
        let mut row = |id: &str, name: &str, label: &str| {
            let tally = by_id.remove(id).unwrap_or_default();
            let mut statements = tally.statements;
            statements.sort_by(|a, b| (&a.article, a.span).cmp(&(&b.article, b.span)));
            EntityRow {
                id: id.to_string(),
                name: name.to_string(),
                label: label.to_string(),
                mentions: tally.mentions,
                articles: tally.articles,
                statements,
            }
        };
        let known: Vec<EntityRow> = entities
            .iter()
            .map(|e| row(&e.id, &e.name, &e.label))
            .collect();
        let unknown = unknown_ids.iter().map(|id| row(id, id, "")).collect();
        EntityIndex {
            articles: self.articles,
            entities: known,
            unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Text;

    fn span(id: SpanId, label: &str, text: &Text, range: std::ops::Range<usize>) -> Span {
        Span::new(id, label, range, text)
    }

    #[test]
    fn counts_mentions_articles_statements_and_keeps_unknown_ids() {
        let text = Text::new("Lavrov said «no deal». Lavrov again.".to_string());
        let mut actor = span(1, "actor", &text, 0..6);
        actor.entity = Some("lavrov".into());
        let mut again = span(3, "actor", &text, 23..29);
        again.entity = Some("lavrov".into());
        let mut quote = span(2, "quote", &text, 12..21);
        quote.attrs.insert("kind".into(), "direct".into());
        let mut ghost = span(4, "actor", &text, 30..35);
        ghost.entity = Some("ghost".into());
        let relations = vec![
            Relation {
                id: 1,
                kind: SAID_BY.into(),
                from: 2,
                to: 1,
            },
            Relation {
                id: 2,
                kind: "other".into(),
                from: 2,
                to: 3,
            },
        ];
        let spans = vec![actor, quote, again, ghost];
        let mut entities = Entities::default();
        let id = entities.create("Lavrov", "actor").unwrap();
        assert_eq!(id, "lavrov");
        entities.create("Nobody", "actor").unwrap();
        let mut one = IndexBuilder::default();
        one.add("b.txt", &spans, &relations);
        let mut two = IndexBuilder::default();
        two.add("a.txt", &spans, &relations);
        two.add_empty();
        two.join(one);
        let index = two.finish(&entities);
        assert_eq!(index.articles, 3);
        let row = index.row("lavrov").unwrap();
        assert_eq!((row.mentions, row.articles), (4, 2));
        let articles: Vec<&str> = row.statements.iter().map(|s| s.article.as_str()).collect();
        assert_eq!(articles, ["a.txt", "b.txt"], "sorted, other kinds ignored");
        assert_eq!(row.statements[0].text, "«no deal»");
        assert_eq!(row.statements[0].attrs["kind"], "direct");
        assert_eq!(index.row("nobody").unwrap().mentions, 0);
        assert_eq!(index.unknown.len(), 1);
        assert_eq!(
            (index.unknown[0].id.as_str(), index.unknown[0].mentions),
            ("ghost", 2)
        );
    }
}
