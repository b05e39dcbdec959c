//! The disk side of import: another tool's files read through the pure importers
//! ([`crate::import`]) and written into a folder as articles with sidecars, with the
//! scheme and the entities they need.
//!
//! [`run`] does the whole import in three phases, so that what it writes is decided before
//! anything is written:
//! 1. **Read**: the input (one file, or a brat folder of `.txt`/`.ann` pairs) is parsed
//!    whole. Records that cannot be read are errors in the report; the rest go on.
//! 2. **Check**: each article becomes a document (a record whose ids clash is an error);
//!    two records asking for the same file name are told apart (`a.txt`, `a-2.txt`); no
//!    target may exist without `force`; the folder's scheme is extended with the labels
//!    and relation kinds found ([`scheme`]) and its `entities.ron` with the entities found.
//!    A broken `spantag.ron` or `entities.ron` fails the import here. With `strict`, any
//!    error in the report stops here too.
//! 3. **Write**: `spantag.ron`, `entities.ron`, then each article and its sidecar, every
//!    file written atomically (on several threads, whose flushes to disk overlap), the
//!    folders flushed once at the end.
//!
//! Cancelling ([`Progress::cancel`]) is heeded until the write phase starts: a cancelled
//! import has written nothing. Once writing has started it finishes, so the folder never
//! holds an article without the scheme entries it needs. [`Progress`] counts input files
//! while reading, then articles while writing.

pub mod scheme;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::atomic;
use super::corpus::{self, read_scheme, stage_article, stage_sidecar};
use super::progress::Progress;
use super::sidecar_path;
use crate::import::{self, Format, ImportedArticle, Options, Report};
use crate::model::{Annotations, ArticleMeta, Document, Entities, Scheme, Text, SCHEME_FILE};
use crate::problem::Problem;

/// What to import, from where, into where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The file to import; for brat, a folder of `.txt`/`.ann` pairs.
    pub input: PathBuf,
    pub format: Format,
    /// The folder the articles go into (created if missing).
    pub into: PathBuf,
    /// How to read the input: offset unit, annotator, as suggestions, their source.
    pub options: Options,
    /// Write nothing if any record cannot be read.
    pub strict: bool,
    /// Overwrite articles and sidecars that exist.
    pub force: bool,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    pub into: PathBuf,
    /// Whether the articles were written: `false` when `strict` refused an input with
    /// errors.
    pub written: bool,
    /// Articles written (with their sidecars), and of them how many were already in the
    /// folder and got only a sidecar (CoNLL onto its original articles).
    pub articles: usize,
    pub sidecars_only: usize,
    /// Spans, relations and suggestions written.
    pub spans: usize,
    pub relations: usize,
    pub suggestions: usize,
    /// What the input held, per construct; what was left out; records that could not be
    /// read or kept (the importer's and the store's).
    pub report: Report,
    /// Things done differently than the input asked, e.g. an article written under another
    /// name because another record has that name.
    pub notes: Vec<Problem>,
    pub scheme: SchemeChange,
    pub entities: EntitiesChange,
}

impl Outcome {
    /// Whether anything deserves exit code 1: a record that could not be read or kept.
    pub fn has_errors(&self) -> bool {
        !self.report.errors.is_empty()
    }
}

/// What the import added to the folder's `spantag.ron`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SchemeChange {
    pub path: PathBuf,
    /// New labels with their keys and colours, and new relation kinds.
    pub labels: Vec<crate::model::Label>,
    pub relations: Vec<crate::model::RelationKind>,
    /// The file did not exist: it is the defaults plus what the import found.
    pub created: bool,
    /// Labels not added because every key is taken.
    pub without_key: Vec<String>,
    /// The file's comments could not be kept (it was written whole again).
    pub comments_lost: bool,
}

/// What the import added to the folder's `entities.ron`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct EntitiesChange {
    pub path: PathBuf,
    /// Entities that were not there.
    pub added: usize,
    /// Entities that were there and gained external ids they lacked.
    pub extended: usize,
}

/// The message of a cancelled import's [`Problem`].
pub const CANCELLED: &str = "import cancelled; nothing was written";

/// Imports `request.input` into `request.into` (see the module documentation). Errors
/// are what stops the whole import: the input or the folder cannot be read, a target
/// exists without `force`, the folder's scheme or entities are broken, it was cancelled,
/// or a file cannot be written. Records that cannot be read are not errors of the import:
/// they are in the outcome's report.
pub fn run(request: &Request, progress: &Progress) -> Result<Outcome, Problem> {
    let parsed = read(request, progress)?;
    run_parsed(request, parsed, progress)
}

/// [`run`] on articles already parsed (`request.input` then only names the input in
/// messages): the check and write phases.
pub fn run_parsed(
    request: &Request,
    parsed: import::Parsed,
    progress: &Progress,
) -> Result<Outcome, Problem> {
    let import::Parsed {
        articles,
        mut report,
    } = parsed;
    let mut outcome = Outcome {
        into: request.into.clone(),
        ..Outcome::default()
    };
    outcome.scheme.path = request.into.join(SCHEME_FILE);
    outcome.entities.path = super::entities::path(&request.into);

    // Check.
    let names = distinct_names(&articles, &mut outcome.notes);
    let mut planned = Vec::with_capacity(articles.len());
    for (article, name) in articles.into_iter().zip(names) {
        match plan(request, article, name, &mut report) {
            Ok(plan) => planned.push(plan),
            Err(problem) => report.errors.push(problem),
        }
    }
    if !request.force {
        targets_are_free(&planned)?;
    }
    let unusable = |mut problem: Problem| {
        problem
            .message
            .push_str(" (fix it to import; nothing was written)");
        problem
    };
    let existing_scheme = read_scheme(&request.into).map_err(unusable)?;
    let mut entities = super::entities::load(&request.into).map_err(unusable)?;
    outcome.report = report;
    if request.strict && outcome.has_errors() {
        return Ok(outcome);
    }
    let scheme_text = extend_scheme(request, existing_scheme, &planned, &mut outcome.scheme);
    let entities_before = entities.clone();
    let imported = planned
        .iter_mut()
        .flat_map(|p| std::mem::take(&mut p.entities));
    (outcome.entities.added, outcome.entities.extended) = merge_entities(&mut entities, imported);
    // A merged set that would not read back is not written.
    if let Err(e) = Entities::parse(&entities.encode()) {
        return Err(Problem::file(
            &outcome.entities.path,
            format!("the imported entities cannot be kept: {e}; nothing was written"),
        ));
    }
    if progress.cancelled() {
        return Err(Problem::file(&request.into, CANCELLED));
    }

    // Write.
    progress.start(planned.len());
    let cannot = |path: &Path, e: std::io::Error| Problem::file(path, format!("cannot write: {e}"));
    fs::create_dir_all(&request.into).map_err(|e| cannot(&request.into, e))?;
    if let Some(text) = &scheme_text {
        atomic::write(&outcome.scheme.path, text.as_bytes())
            .map_err(|e| cannot(&outcome.scheme.path, e))?;
    }
    if entities != entities_before {
        super::entities::save(&request.into, &entities)
            .map_err(|e| cannot(&outcome.entities.path, e))?;
    }
    // Each folder made once, before the writing threads start.
    let mut folders: Vec<&Path> = planned.iter().filter_map(|p| p.path.parent()).collect();
    folders.sort();
    folders.dedup();
    for folder in folders {
        fs::create_dir_all(folder).map_err(|e| cannot(folder, e))?;
    }
    write_articles(&mut planned, progress)?;
    for plan in &planned {
        let annotations = plan.document.annotations();
        outcome.articles += 1;
        outcome.sidecars_only += usize::from(plan.sidecar_only);
        outcome.spans += annotations.len();
        outcome.relations += annotations.relations().len();
        outcome.suggestions += plan.document.suggestions.len();
    }
    outcome.written = true;
    Ok(outcome)
}

/// Refuses the import if any file it would write exists (the first one found is named).
fn targets_are_free(planned: &[Plan]) -> Result<(), Problem> {
    for plan in planned {
        let article = (!plan.sidecar_only).then(|| plan.path.clone());
        for target in article.into_iter().chain([sidecar_path(&plan.path)]) {
            if target.exists() {
                return Err(Problem::file(
                    target,
                    "already exists; nothing was imported (use --force to overwrite)",
                ));
            }
        }
    }
    Ok(())
}

/// The folder's scheme (`existing`: its file and text; `None`: the defaults) with the
/// labels and relation kinds the planned articles use; notes the change in `change`.
/// Returns the new file's text, `None` when nothing is missing.
fn extend_scheme(
    request: &Request,
    existing: Option<(Scheme, String)>,
    planned: &[Plan],
    change: &mut SchemeChange,
) -> Option<String> {
    let origin = format!(
        "{} ({})",
        request
            .input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        request.format
    );
    let mut found = scheme::Found::default();
    for plan in planned {
        add_found(&plan.document, &mut found);
    }
    let created = existing.is_none();
    let (base, source) = existing.unwrap_or_else(|| (Scheme::default(), String::new()));
    let source = (!created).then_some(source.as_str());
    let extension = scheme::extend(&base, source, &found, &origin);
    change.created = created && extension.text.is_some();
    change.labels = extension.added_labels;
    change.relations = extension.added_kinds;
    change.without_key = extension.without_key;
    change.comments_lost = extension.comments_lost;
    extension.text
}

/// Writes every planned article and its sidecar (only the sidecar for one already in the
/// folder), each file atomically, on several threads: each file is flushed to disk before
/// it is renamed into place, and on one thread those flushes would be waited for one after
/// the other (the import measured 6x its export so; see benches/import.rs). On the first
/// failure the other threads stop after their current article.
fn write_articles(planned: &mut [Plan], progress: &Progress) -> Result<(), Problem> {
    let total = planned.len();
    let threads = (total / 64).clamp(1, WRITER_THREADS);
    let chunk = total.div_ceil(threads).max(1);
    let failed = std::sync::atomic::AtomicBool::new(false);
    let parts: Vec<Result<atomic::Batch, Problem>> = std::thread::scope(|scope| {
        let handles: Vec<_> = planned
            .chunks_mut(chunk)
            .map(|part| {
                let failed = &failed;
                scope.spawn(move || write_part(part, progress, failed))
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|_| {
                    Err(Problem::file(
                        Path::new("."),
                        "writing the articles failed unexpectedly",
                    ))
                })
            })
            .collect()
    });
    let mut batches = Vec::with_capacity(parts.len());
    for part in parts {
        match part {
            Ok(batch) => batches.push(batch),
            Err(mut problem) => {
                let (done, _) = progress.get();
                problem.message = format!(
                    "{}; {done} of {total} articles were written",
                    problem.message
                );
                return Err(problem);
            }
        }
    }
    let mut all = atomic::Batch::default();
    for batch in batches {
        all.join(batch);
    }
    all.finish();
    Ok(())
}

/// How many threads write articles at most: enough to keep a disk's queue busy while
/// each waits for its flush.
const WRITER_THREADS: usize = 8;

/// One thread's share of [`write_articles`].
fn write_part(
    part: &mut [Plan],
    progress: &Progress,
    failed: &std::sync::atomic::AtomicBool,
) -> Result<atomic::Batch, Problem> {
    use std::sync::atomic::Ordering;
    let cannot = |path: &Path, e: std::io::Error| {
        failed.store(true, Ordering::Relaxed);
        Problem::file(path, format!("cannot write: {e}"))
    };
    let mut batch = atomic::Batch::default();
    for plan in part {
        if failed.load(Ordering::Relaxed) {
            break;
        }
        let staged = if plan.sidecar_only {
            stage_sidecar(&plan.path, &plan.document).map(|sidecar| vec![sidecar])
        } else {
            stage_article(&plan.path, &mut plan.document).map(Vec::from)
        };
        for file in staged.map_err(|e| cannot(&plan.path, e))? {
            let target = file.target().to_path_buf();
            batch.commit(file).map_err(|e| cannot(&target, e))?;
        }
        progress.step();
    }
    Ok(batch)
}

/// Reads and parses the whole input: its articles, and the report on them.
fn read(request: &Request, progress: &Progress) -> Result<import::Parsed, Problem> {
    let options = &request.options;
    let mut articles = Vec::new();
    let mut report = Report::default();
    if request.format != Format::Brat {
        progress.start(1);
        let input = read_text(&request.input)?;
        let parsed = import::parse(
            request.format,
            &request.input.display().to_string(),
            &input,
            options,
        );
        progress.step();
        return Ok(parsed);
    }
    if !request.input.is_dir() {
        return Err(Problem::file(
            &request.input,
            "brat is imported from a folder of .txt and .ann pairs",
        ));
    }
    // A brat folder's articles are its `.txt` files (a README.md beside them is not one).
    let mut pairs = super::walk::articles(&request.input)?;
    pairs.retain(|(_, path)| path.extension().is_some_and(|e| e == "txt"));
    progress.start(pairs.len());
    for (id, txt_path) in pairs {
        if progress.cancelled() {
            return Err(Problem::file(&request.into, CANCELLED));
        }
        progress.step();
        let ann_path = txt_path.with_extension("ann");
        let txt = match read_text(&txt_path) {
            Ok(txt) => txt,
            Err(problem) => {
                report.errors.push(problem);
                continue;
            }
        };
        // A .txt without its .ann is an article nobody annotated yet: it comes in
        // without spans (brat shows it that way too).
        let ann = if ann_path.exists() {
            match read_text(&ann_path) {
                Ok(ann) => ann,
                Err(problem) => {
                    report.errors.push(problem);
                    continue;
                }
            }
        } else {
            String::new()
        };
        let mut parsed =
            import::parse_brat(&id, &ann_path.display().to_string(), &txt, &ann, options);
        if options.as_suggestions {
            let source = options.source.clone().unwrap_or_else(|| {
                request
                    .input
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            for article in &mut parsed.articles {
                if !article.spans.is_empty() || !article.relations.is_empty() {
                    import::into_suggestions(article, &source, &mut parsed.report);
                }
            }
        }
        articles.extend(parsed.articles);
        report.merge(parsed.report);
    }
    Ok(import::Parsed { articles, report })
}

/// A whole input file as UTF-8 text.
fn read_text(path: &Path) -> Result<String, Problem> {
    let bytes = fs::read(path).map_err(|e| Problem::file(path, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Problem::file(path, format!("not UTF-8 (at byte {at})"))
    })
}

/// The place an article came from (`file:line`, or a file) as a problem there.
fn at(from: &str, message: impl Into<String>) -> Problem {
    match from.rsplit_once(':') {
        Some((file, line)) if !file.is_empty() && line.parse::<usize>().is_ok() => {
            Problem::at_line(file, line.parse().unwrap_or(0), message)
        }
        _ => Problem::file(from, message),
    }
}

/// The file name each article is written under: the one it asks for, or, when an earlier
/// record asked for it too, the first free `NAME-2.txt`, `NAME-3.txt`, … in the same
/// folder (a note says so). Names are compared without case, since two names that differ
/// only in case are one file on Windows and macOS.
fn distinct_names(articles: &[ImportedArticle], notes: &mut Vec<Problem>) -> Vec<String> {
    let asked: HashSet<String> = articles.iter().map(|a| a.name.to_lowercase()).collect();
    let mut given: HashSet<String> = HashSet::with_capacity(articles.len());
    let mut names = Vec::with_capacity(articles.len());
    for article in articles.iter() {
        let mut name = article.name.clone();
        if !given.insert(name.to_lowercase()) {
            let other = (2..)
                .map(|n| numbered(&article.name, n))
                .find(|n| !asked.contains(&n.to_lowercase()) && !given.contains(&n.to_lowercase()))
                .unwrap_or_default();
            notes.push(at(
                &article.from,
                format!(
                    "article named {} is written as {other}: another record has that name",
                    article.name
                ),
            ));
            given.insert(other.to_lowercase());
            name = other;
        }
        names.push(name);
    }
    names
}

/// `dir/a.txt` as `dir/a-N.txt`.
fn numbered(name: &str, n: usize) -> String {
    let (folder, file) = match name.rsplit_once('/') {
        Some((folder, file)) => (format!("{folder}/"), file),
        None => (String::new(), name),
    };
    match file.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => format!("{folder}{stem}-{n}.{extension}"),
        _ => format!("{folder}{file}-{n}"),
    }
}

/// One article, ready to write.
struct Plan {
    path: PathBuf,
    document: Document,
    /// The article is already in the folder: only its sidecar is written.
    sidecar_only: bool,
    entities: Vec<crate::model::Entity>,
}

/// Turns an imported article into the document to write at `into/name`, or reports why it
/// cannot be kept (`Err`) or what of it cannot (in `report`).
fn plan(
    request: &Request,
    mut article: ImportedArticle,
    name: String,
    report: &mut Report,
) -> Result<Plan, Problem> {
    let path = request.into.join(&name);
    let from = article.from.clone();
    // A relation must join two spans of its article.
    let ids: HashSet<u64> = article.spans.iter().map(|s| s.id).collect();
    article.relations.retain(|relation| {
        let whole = ids.contains(&relation.from) && ids.contains(&relation.to);
        if !whole {
            report.errors.push(at(
                &from,
                format!(
                    "relation {} ({}) links span {} to span {}, and the record has no span {}; \
                     the relation is not imported",
                    relation.id,
                    relation.kind,
                    relation.from,
                    relation.to,
                    if ids.contains(&relation.from) {
                        relation.to
                    } else {
                        relation.from
                    }
                ),
            ));
        }
        whole
    });
    let existing = (request.format == Format::Conll && path.is_file())
        .then(|| super::article::load(&path))
        .transpose()
        .map_err(|e| corpus::article_problem(&e, &path))?;
    let sidecar_only = existing.is_some();
    let (text, meta) = match existing {
        Some(loaded) => {
            import::realign_conll(&mut article, loaded.text.as_str())
                .map_err(|message| at(&from, message))?;
            (loaded.text, loaded.meta)
        }
        None => (
            Text::new(std::mem::take(&mut article.text)),
            ArticleMeta::default(),
        ),
    };
    let annotations = Annotations::from_parts(article.spans, article.relations)
        .map_err(|e| at(&from, format!("{e}; the record is not imported")))?;
    let mut document = Document::new(text, meta, annotations);
    document.status = article.status;
    document.citation = std::mem::take(&mut article.citation);
    document.suggestions = article.suggestions;
    Ok(Plan {
        path,
        document,
        sidecar_only,
        entities: article.entities,
    })
}

/// Notes the labels and relation kinds a document uses.
fn add_found(document: &Document, found: &mut scheme::Found) {
    let annotations = document.annotations();
    let mut labels: HashMap<u64, &str> = HashMap::with_capacity(annotations.len());
    for span in annotations.spans() {
        found.label(&span.label, span.entity.is_some());
        labels.insert(span.id, &span.label);
    }
    for suggestion in &document.suggestions {
        found.label(&suggestion.label, suggestion.entity.is_some());
    }
    for relation in annotations.relations() {
        if let (Some(from), Some(to)) = (labels.get(&relation.from), labels.get(&relation.to)) {
            found.relation(&relation.kind, from, to);
        }
    }
}

/// Adds the imported entities to the corpus's: an id already there keeps its entry and
/// gains only the external ids it lacks; a new id is added as imported. Returns (added,
/// extended).
fn merge_entities(
    entities: &mut Entities,
    imported: impl IntoIterator<Item = crate::model::Entity>,
) -> (usize, usize) {
    let (mut added, mut extended) = (0, 0);
    let mut extended_ids: HashSet<String> = HashSet::new();
    for entity in imported {
        match entities.get(&entity.id) {
            None => {
                entities.insert(entity);
                added += 1;
            }
            Some(own) => {
                let mut kept = own.clone();
                let before = kept.external.len();
                for (base, id) in entity.external {
                    kept.external.entry(base).or_insert(id);
                }
                if kept.external.len() > before {
                    if extended_ids.insert(kept.id.clone()) {
                        extended += 1;
                    }
                    entities.insert(kept);
                }
            }
        }
    }
    (added, extended)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(name: &str, from: &str) -> ImportedArticle {
        ImportedArticle {
            name: name.into(),
            from: from.into(),
            ..ImportedArticle::default()
        }
    }

    #[test]
    fn records_asking_for_one_name_get_distinct_names_and_a_note() {
        let articles = vec![
            article("a.txt", "in.jsonl:1"),
            article("sub/a.txt", "in.jsonl:2"),
            article("a.txt", "in.jsonl:3"),
            article("a-2.txt", "in.jsonl:4"),
            article("A.txt", "in.jsonl:5"),
            article("sub/a.txt", "in.jsonl:6"),
        ];
        let mut notes = Vec::new();
        let names = distinct_names(&articles, &mut notes);
        assert_eq!(
            names,
            [
                "a.txt",
                "sub/a.txt",
                "a-3.txt",
                "a-2.txt",
                "A-4.txt",
                "sub/a-2.txt"
            ]
        );
        assert_eq!(
            notes[0].to_string(),
            "in.jsonl:3: article named a.txt is written as a-3.txt: another record has that name"
        );
        assert_eq!(notes.len(), 3);
        assert_eq!(numbered("notes", 2), "notes-2");
    }

    #[test]
    fn an_existing_entity_is_kept_and_only_gains_external_ids() {
        let mut entities = Entities::default();
        let id = entities.create("Sergei Lavrov", "actor").unwrap();
        entities.set_external(&id, "wikidata", "Q40398").unwrap();
        let mut imported = entities.get(&id).unwrap().clone();
        imported.name = "S. Lavrov".into();
        imported.external.insert("wikidata".into(), "Q1".into());
        imported.external.insert("geonames".into(), "7".into());
        let mut new = imported.clone();
        new.id = "nato".into();
        new.name = "NATO".into();
        let (added, extended) = merge_entities(&mut entities, vec![imported, new]);
        assert_eq!((added, extended), (1, 1));
        let kept = entities.get(&id).unwrap();
        assert_eq!(kept.name, "Sergei Lavrov");
        assert_eq!(kept.external["wikidata"], "Q40398");
        assert_eq!(kept.external["geonames"], "7");
        assert_eq!(entities.get("nato").unwrap().name, "NATO");
    }
}
