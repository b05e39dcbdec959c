//! brat standoff read back (docs/FORMATS.md section 5): a `.txt` and its `.ann`, code-point
//! offsets over the `.txt` as stored.

use super::{
    article_name, set_attr, set_entity, status_for, Builder, ImportedArticle, Options, Parsed,
};
use crate::export::brat::{decode, normalize_newlines};
use crate::model::Relation;
use crate::problem::Problem;

/// One brat document: `name` is the article's name, `txt` and `ann` the two files' text.
pub fn parse(name: &str, ann_file: &str, txt: &str, ann: &str, _options: &Options) -> Parsed {
    let mut parsed = Parsed::default();
    match document(name, ann_file, txt, ann) {
        Ok(article) => {
            parsed.report.count("articles", 1);
            parsed.report.count("spans", article.spans.len());
            parsed.report.count("relations", article.relations.len());
            parsed.articles.push(article);
        }
        Err(problem) => parsed.report.errors.push(problem),
    }
    parsed
}

struct Place<'a> {
    file: &'a str,
    line: Option<usize>,
}

impl Place<'_> {
    fn error(&self, message: impl Into<String>) -> Problem {
        match self.line {
            Some(line) => Problem::at_line(self.file, line, message),
            None => Problem::file(self.file, message),
        }
    }
}

fn document(name: &str, ann_file: &str, txt: &str, ann: &str) -> Result<ImportedArticle, Problem> {
    let builder = Builder::new("brat", txt);
    let mut b = Place {
        file: ann_file,
        line: None,
    };
    let chars: Vec<char> = txt.chars().collect();
    let mut spans = Vec::new();
    let mut relations = Vec::new();
    let mut notes: Vec<(u64, String)> = Vec::new();
    // (line, span, attribute name, value) and (line, span, entity id), applied once every
    // span is read: brat does not order its lines.
    let mut attributes: Vec<(usize, u64, String, String)> = Vec::new();
    let mut links: Vec<(usize, u64, String)> = Vec::new();
    let number =
        |id: &str, prefix: char| id.strip_prefix(prefix).and_then(|n| n.parse::<u64>().ok());
    for (line, text) in ann.lines().enumerate() {
        b.line = Some(line + 1);
        let fields: Vec<&str> = text.splitn(3, '\t').collect();
        let id = fields[0];
        match id.chars().next() {
            Some('T') => {
                let [_, kind, covered] = fields[..] else {
                    return Err(b.error("a T line needs three tab-separated fields"));
                };
                let span_id = number(id, 'T')
                    .ok_or_else(|| b.error(format!("{id} is not T and a number")))?;
                let (label, ranges) = kind
                    .split_once(' ')
                    .ok_or_else(|| b.error("expected `LABEL START END`"))?;
                let mut pieces = Vec::new();
                for range in ranges.split(';') {
                    let (s, e) = range
                        .trim()
                        .split_once(' ')
                        .and_then(|(s, e)| {
                            Some((s.parse::<usize>().ok()?, e.parse::<usize>().ok()?))
                        })
                        .ok_or_else(|| b.error(format!("bad offsets {range:?}")))?;
                    pieces.push((s, e));
                }
                let (start, end) = (pieces[0].0, pieces[pieces.len() - 1].1);
                let span = builder
                    .span(span_id, label, start, end, None)
                    .map_err(|e| b.error(e))?;
                let fragment_text: Vec<String> = pieces
                    .iter()
                    .map(|&(s, e)| {
                        chars
                            .get(s..e)
                            .map(|c| c.iter().collect())
                            .unwrap_or_default()
                    })
                    .collect();
                if fragment_text.join(" ") != covered {
                    return Err(b.error(format!(
                        "{id} says {covered:?} but the text at its offsets is {:?}",
                        fragment_text.join(" ")
                    )));
                }
                spans.push(span);
            }
            Some('R') => {
                let relation_id = number(id, 'R')
                    .ok_or_else(|| b.error(format!("{id} is not R and a number")))?;
                let parts: Vec<&str> = fields.get(1).unwrap_or(&"").split_whitespace().collect();
                let arg = |p: Option<&&str>| {
                    p.and_then(|a| a.split_once(':'))
                        .and_then(|(_, t)| number(t, 'T'))
                        .ok_or_else(|| b.error("expected `KIND Arg1:T1 Arg2:T2`"))
                };
                relations.push(Relation {
                    id: relation_id,
                    kind: parts
                        .first()
                        .ok_or_else(|| b.error("a relation needs a kind"))?
                        .to_string(),
                    from: arg(parts.get(1))?,
                    to: arg(parts.get(2))?,
                });
            }
            Some('#') => {
                let target = fields
                    .get(1)
                    .and_then(|f| f.split_whitespace().nth(1))
                    .and_then(|t| number(t, 'T'));
                if let Some(target) = target {
                    notes.push((target, fields.get(2).unwrap_or(&"").to_string()));
                }
            }
            Some('A') | Some('M') => {
                // `A1<TAB>NAME T3` (binary: yes) or `A1<TAB>NAME T3 VALUE`; `M` is the old
                // name of the same line.
                let parts: Vec<&str> = fields.get(1).unwrap_or(&"").split_whitespace().collect();
                let (name, target, value) = match parts[..] {
                    [name, target] => (name, target, "yes"),
                    [name, target, value] => (name, target, value),
                    _ => return Err(b.error("expected `NAME T1` or `NAME T1 VALUE`")),
                };
                // Attributes of events have no place in spantag.
                if target.starts_with('E') {
                    continue;
                }
                let target = number(target, 'T')
                    .ok_or_else(|| b.error(format!("{target} is not T and a number")))?;
                let decoded = |s: &str| {
                    decode(s).ok_or_else(|| b.error(format!("{s:?} has a broken %-escape")))
                };
                attributes.push((line + 1, target, decoded(name)?, decoded(value)?));
            }
            Some('N') => {
                // `N1<TAB>Reference T3 DATABASE:ID<TAB>NAME`; spantag's own database holds
                // the entity id, the others (Wikidata, GeoNames) are the entity's own.
                let parts: Vec<&str> = fields.get(1).unwrap_or(&"").split_whitespace().collect();
                let [_, target, reference] = parts[..] else {
                    return Err(b.error("expected `Reference T1 DATABASE:ID`"));
                };
                let Some(("spantag", entity)) = reference.split_once(':') else {
                    continue;
                };
                let target = number(target, 'T')
                    .ok_or_else(|| b.error(format!("{target} is not T and a number")))?;
                let entity = decode(entity)
                    .ok_or_else(|| b.error(format!("{entity:?} has a broken %-escape")))?;
                links.push((line + 1, target, entity));
            }
            // Events and equivalences have no place in spantag's model.
            _ => {}
        }
    }
    for (target, note) in notes {
        if let Some(span) = spans.iter_mut().find(|s| s.id == target) {
            span.note = note;
        }
    }
    for (line, target, name, value) in attributes {
        b.line = Some(line);
        let span = spans.iter_mut().find(|s| s.id == target).ok_or_else(|| {
            b.error(format!(
                "the attribute {name:?} is on T{target}, which is not a span of this file"
            ))
        })?;
        set_attr(span, &name, value).map_err(|e| b.error(e))?;
    }
    for (line, target, entity) in links {
        b.line = Some(line);
        let span = spans.iter_mut().find(|s| s.id == target).ok_or_else(|| {
            b.error(format!(
                "the entity {entity:?} is on T{target}, which is not a span of this file"
            ))
        })?;
        set_entity(span, entity).map_err(|e| b.error(e))?;
    }
    Ok(ImportedArticle {
        name: article_name(Some(name), 0),
        from: ann_file.to_string(),
        status: status_for(&spans),
        text: txt.to_string(),
        spans,
        relations,
        ..ImportedArticle::default()
    })
}

/// The text brat's `.txt` holds for an article (LF newlines), for comparing round trips.
pub fn brat_text(text: &str) -> String {
    normalize_newlines(text).0
}
