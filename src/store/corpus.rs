//! Corpora on disk: finding articles, and the disk side of export, import and validation.
//!
//! A corpus is a folder (every `.txt` below it, sorted, sub-folders included) or one article
//! file. Articles are loaded one at a time, so an export's memory is bounded by the largest
//! article, not the corpus.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::article::{self, sha256_hex, ArticleError};
use super::{atomic, sidecar_path};
use crate::export::{Article, ExportError, Exporter, Format, Options, Output, Report};
use crate::import::{self, ImportedArticle};
use crate::model::sidecar::{self, LoadReport};
use crate::model::{Annotations, ArticleMeta, Document, Entities, Scheme, Text};

/// A problem with one file of a corpus, in the form `path:line:column: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    /// 1-based line and column in the file, when known.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.position {
            Some((line, col)) => {
                write!(f, "{}:{line}:{col}: {}", self.path.display(), self.message)
            }
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// The articles of a corpus with their ids (paths relative to the corpus, `/`-separated).
pub fn articles(corpus: &Path) -> io::Result<Vec<(String, PathBuf)>> {
    let metadata = fs::metadata(corpus)?;
    if metadata.is_file() {
        let name = corpus
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok(vec![(name, corpus.to_path_buf())]);
    }
    let mut found = Vec::new();
    let mut folders = vec![corpus.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder)? {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file() && path.extension().is_some_and(|e| e == "txt") {
                let id = path
                    .strip_prefix(corpus)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                found.push((id, path));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// An article and its sidecar (none: no spans), or what is wrong with them.
pub fn load(path: &Path) -> Result<(Document, LoadReport), Problem> {
    let loaded = article::load(path).map_err(|e| Problem {
        path: path.to_path_buf(),
        position: None,
        message: strip_path(&e, path),
    })?;
    let sidecar = sidecar_path(path);
    let source = match super::read_sidecar_text(&sidecar) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let document = Document::new(loaded.text, loaded.meta, Annotations::default());
            return Ok((document, LoadReport::default()));
        }
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            return Err(problem(&sidecar, None, e.to_string()))
        }
        Err(e) => return Err(problem(&sidecar, None, format!("cannot read: {e}"))),
        Ok(source) => source,
    };
    let parsed = sidecar::decode(&source).map_err(|e| match e {
        sidecar::SidecarError::Syntax { line, col, message } => {
            problem(&sidecar, Some((line, col)), message)
        }
        other => problem(&sidecar, None, other.to_string()),
    })?;
    sidecar::attach(loaded.text, loaded.meta, parsed)
        .map_err(|e| problem(&sidecar, None, e.to_string()))
}

fn problem(path: &Path, position: Option<(usize, usize)>, message: String) -> Problem {
    Problem {
        path: path.to_path_buf(),
        position,
        message,
    }
}

/// An article error's message without its leading path (the [`Problem`] carries it).
fn strip_path(error: &ArticleError, path: &Path) -> String {
    let message = error.to_string();
    let prefix = format!("{}: ", path.display());
    message
        .strip_prefix(&prefix)
        .map(str::to_string)
        .unwrap_or(message)
}

/// A corpus's configuration file, read up to one byte past `max_bytes` at most: its
/// parser then refuses a file that large, without this reading a hostile one whole.
pub(crate) fn read_config(path: &Path, max_bytes: usize) -> io::Result<String> {
    let file = fs::File::open(path)?;
    let mut source = String::new();
    io::Read::read_to_string(&mut io::Read::take(file, max_bytes as u64 + 1), &mut source)?;
    Ok(source)
}

/// The scheme of a corpus: `spantag.ron` in `folder`, or the defaults. A scheme that
/// cannot be used gives the defaults and a message naming the file, line and problem.
pub fn load_scheme(folder: &Path) -> (Scheme, Option<String>) {
    let path = folder.join(crate::model::SCHEME_FILE);
    let read = read_config(&path, crate::model::MAX_SCHEME_BYTES);
    match read {
        Err(e) if e.kind() == io::ErrorKind::NotFound => (Scheme::default(), None),
        Err(e) => (
            Scheme::default(),
            Some(format!(
                "{}: cannot read: {e}; using the default labels",
                path.display()
            )),
        ),
        Ok(source) => match Scheme::parse(&source) {
            Ok(scheme) => (scheme, None),
            Err(e) => (
                Scheme::default(),
                Some(format!("{}: {e}; using the default labels", path.display())),
            ),
        },
    }
}

/// The folder whose scheme applies to a corpus path (the folder itself, or a file's folder).
pub fn scheme_folder(corpus: &Path) -> PathBuf {
    if corpus.is_dir() {
        corpus.to_path_buf()
    } else {
        corpus
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }
}

/// Spans per label and articles per status across a corpus.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    pub articles: usize,
    /// Articles per status (`NotStarted`, `InProgress`, `Done`).
    pub status: std::collections::BTreeMap<String, usize>,
    /// Spans per label, orphans included.
    pub labels: std::collections::BTreeMap<String, usize>,
    pub relations: usize,
    /// The most frequent span texts per label (at most [`TOP_TEXTS`], most frequent first).
    pub top: std::collections::BTreeMap<String, Vec<(String, usize)>>,
    /// Sidecars that could not be read.
    #[serde(skip)]
    pub problems: Vec<String>,
}

/// How many of the most frequent texts per label [`stats`] keeps.
pub const TOP_TEXTS: usize = 10;

/// Counts a corpus from its sidecars alone (the articles are not read).
pub fn stats(corpus: &Path) -> io::Result<Stats> {
    let mut stats = Stats::default();
    for status in ["NotStarted", "InProgress", "Done"] {
        stats.status.insert(status.into(), 0);
    }
    let mut texts: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    for (_, path) in articles(corpus)? {
        stats.articles += 1;
        let sidecar = sidecar_path(&path);
        let parsed = match super::read_sidecar_text(&sidecar) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => {
                stats
                    .problems
                    .push(format!("{}: cannot read: {e}", sidecar.display()));
                None
            }
            Ok(source) => sidecar::decode(&source)
                .map_err(|e| stats.problems.push(format!("{}: {e}", sidecar.display())))
                .ok(),
        };
        let status = parsed
            .as_ref()
            .map_or(crate::model::Status::NotStarted, |p| p.status);
        *stats.status.entry(format!("{status:?}")).or_default() += 1;
        if let Some(parsed) = parsed {
            for span in &parsed.spans {
                *stats.labels.entry(span.label.clone()).or_default() += 1;
                *texts
                    .entry((span.label.clone(), span.text.clone()))
                    .or_default() += 1;
            }
            stats.relations += parsed.relations.len();
        }
    }
    for ((label, text), count) in texts {
        stats.top.entry(label).or_default().push((text, count));
    }
    for list in stats.top.values_mut() {
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        list.truncate(TOP_TEXTS);
    }
    Ok(stats)
}

/// What the folder list shows of an article, read from its sidecar alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleSummary {
    /// The path relative to the folder, `/`-separated.
    pub id: String,
    pub path: PathBuf,
    pub status: crate::model::Status,
    pub spans: usize,
    /// Why the sidecar could not be read, if it could not.
    pub problem: Option<String>,
}

/// Summarizes an article from its sidecar (no sidecar: not started, no spans).
pub fn summarize(id: String, path: PathBuf) -> ArticleSummary {
    let mut summary = ArticleSummary {
        id,
        status: crate::model::Status::NotStarted,
        spans: 0,
        problem: None,
        path,
    };
    let sidecar = sidecar_path(&summary.path);
    match super::read_sidecar_text(&sidecar) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => summary.problem = Some(format!("cannot read {}: {e}", sidecar.display())),
        Ok(source) => match sidecar::decode(&source) {
            Ok(parsed) => {
                summary.status = parsed.status;
                summary.spans = parsed.spans.len();
            }
            Err(e) => summary.problem = Some(format!("{}: {e}", sidecar.display())),
        },
    }
    summary
}

/// What an export did.
#[derive(Debug, Default)]
pub struct ExportSummary {
    pub report: Report,
    /// Articles that could not be read and were not exported.
    pub skipped: Vec<Problem>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportFailure {
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error(transparent)]
    Check(#[from] ExportError),
    #[error("cancelled; nothing was written")]
    Cancelled,
    /// The corpus's `entities.ron` cannot be read: exporting without it would drop every
    /// entity's name, so nothing is exported.
    #[error("{0} (fix it to export; nothing was written)")]
    Entities(Problem),
}

fn io_error(path: &Path) -> impl Fn(io::Error) -> ExportFailure + '_ {
    move |source| ExportFailure::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Exports a corpus with the entities of its `entities.ron` (beside its scheme, in
/// [`scheme_folder`]); see [`export_with`]. A broken `entities.ron` fails the export,
/// naming the file, line and column.
pub fn export(
    corpus: &Path,
    format: Format,
    out: &Path,
    scheme: &Scheme,
    options: Options,
    progress: impl FnMut(usize, usize) -> bool,
) -> Result<ExportSummary, ExportFailure> {
    let entities =
        super::entities::load(&scheme_folder(corpus)).map_err(ExportFailure::Entities)?;
    export_with(corpus, format, out, scheme, &entities, options, progress)
}

/// Exports a corpus with these entities (the app passes the ones it holds).
/// `progress(done, total)` is called after each article; returning `false` cancels. A
/// single-file output appears only when the export succeeds (it is written under a
/// temporary name and renamed), so a failed or cancelled export leaves nothing
/// half-written.
pub fn export_with(
    corpus: &Path,
    format: Format,
    out: &Path,
    scheme: &Scheme,
    entities: &Entities,
    mut options: Options,
    mut progress: impl FnMut(usize, usize) -> bool,
) -> Result<ExportSummary, ExportFailure> {
    let list = articles(corpus).map_err(io_error(corpus))?;
    if format == Format::Doccano {
        // One export, one shape: the relations shape if any article has relations.
        options.doccano_relations = list.iter().any(|(_, path)| {
            super::read_sidecar_text(&sidecar_path(path))
                .ok()
                .and_then(|s| sidecar::decode(&s).ok())
                .is_some_and(|s| !s.relations.is_empty())
        });
    }
    let mut sink = Sink::create(format, out)?;
    let mut exporter = Exporter::new(format, scheme, entities, options);
    let mut skipped = Vec::new();
    // One article at a time, on this thread. (A loader thread running ahead measured
    // slower here: handing documents between threads cost more than the overlap saved.)
    let result = (|| {
        sink.write(exporter.begin())?;
        for (done, (id, path)) in list.iter().enumerate() {
            match load(path) {
                Ok((document, _)) => {
                    let outputs = exporter.article(Article {
                        id,
                        document: &document,
                    })?;
                    sink.write(outputs)?;
                }
                Err(problem) => skipped.push(problem),
            }
            if !progress(done + 1, list.len()) {
                return Err(ExportFailure::Cancelled);
            }
        }
        sink.write(exporter.finish())?;
        sink.commit()
    })();
    if result.is_err() {
        sink.abandon();
    }
    result?;
    Ok(ExportSummary {
        report: exporter.report,
        skipped,
    })
}

/// Where export bytes go: one file (written as a temporary file, renamed on commit) or a
/// folder (brat).
struct Sink {
    out: PathBuf,
    /// The single output file while it is being written, and its temporary path.
    file: Option<(io::BufWriter<fs::File>, PathBuf)>,
    /// Companion files written so far (temporary path, final path).
    companions: Vec<(PathBuf, PathBuf)>,
}

impl Sink {
    fn create(format: Format, out: &Path) -> Result<Sink, ExportFailure> {
        if format.writes_folder() {
            fs::create_dir_all(out).map_err(io_error(out))?;
            return Ok(Sink {
                out: out.to_path_buf(),
                file: None,
                companions: Vec::new(),
            });
        }
        let temp = temp_beside(out);
        let file = fs::File::create(&temp).map_err(io_error(out))?;
        Ok(Sink {
            out: out.to_path_buf(),
            file: Some((io::BufWriter::new(file), temp)),
            companions: Vec::new(),
        })
    }

    fn write(&mut self, outputs: Vec<Output>) -> Result<(), ExportFailure> {
        for output in outputs {
            match output {
                Output::Append(bytes) => {
                    if let Some((file, _)) = &mut self.file {
                        file.write_all(&bytes).map_err(io_error(&self.out))?;
                    }
                }
                Output::File { path, bytes } => {
                    let target = self.out.join(&path);
                    if let Some(parent) = target.parent() {
                        fs::create_dir_all(parent).map_err(io_error(parent))?;
                    }
                    fs::write(&target, bytes).map_err(io_error(&target))?;
                }
                Output::Companion { suffix, bytes } => {
                    let mut name = self.out.file_name().unwrap_or_default().to_os_string();
                    name.push(&suffix);
                    let target = self.out.with_file_name(name);
                    let temp = temp_beside(&target);
                    fs::write(&temp, bytes).map_err(io_error(&target))?;
                    self.companions.push((temp, target));
                }
            }
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<(), ExportFailure> {
        if let Some((file, temp)) = self.file.take() {
            let file = file
                .into_inner()
                .map_err(|e| io_error(&self.out)(e.into_error()))?;
            file.sync_all().map_err(io_error(&self.out))?;
            fs::rename(&temp, &self.out).map_err(io_error(&self.out))?;
        }
        for (temp, target) in self.companions.drain(..) {
            fs::rename(&temp, &target).map_err(io_error(&target))?;
        }
        Ok(())
    }

    fn abandon(&mut self) {
        if let Some((_, temp)) = self.file.take() {
            let _ = fs::remove_file(temp);
        }
        for (temp, _) in self.companions.drain(..) {
            let _ = fs::remove_file(temp);
        }
    }
}

fn temp_beside(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".{}.partial", std::process::id()));
    path.with_file_name(name)
}

/// What an import wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub articles: usize,
    pub spans: usize,
    pub relations: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error("{}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
    Parse(Vec<crate::problem::Problem>),
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{0} already exists; nothing was imported (use --force to overwrite)")]
    Exists(String),
    #[error("{article}: {message}")]
    Invalid { article: String, message: String },
}

fn import_io(path: &Path) -> impl Fn(io::Error) -> ImportFailure + '_ {
    move |source| ImportFailure::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Parses `input` (a file; for brat a folder of `.txt`/`.ann` pairs) and writes each article
/// and its sidecar into `into`. Nothing is written if any target exists, unless `force`.
pub fn import(
    input: &Path,
    format: import::Format,
    into: &Path,
    force: bool,
) -> Result<ImportSummary, ImportFailure> {
    let shown = input.display().to_string();
    let options = import::Options::default();
    let mut report = import::Report::default();
    let mut parsed: Vec<ImportedArticle> = Vec::new();
    match format {
        import::Format::Brat => {
            for (id, txt_path) in articles(input).map_err(import_io(input))? {
                let ann_path = txt_path.with_extension("ann");
                if !ann_path.exists() {
                    continue;
                }
                let txt = fs::read_to_string(&txt_path).map_err(import_io(&txt_path))?;
                let ann = fs::read_to_string(&ann_path).map_err(import_io(&ann_path))?;
                let one =
                    import::parse_brat(&id, &ann_path.display().to_string(), &txt, &ann, &options);
                parsed.extend(one.articles);
                report.merge(one.report);
            }
        }
        other => {
            let text = fs::read_to_string(input).map_err(import_io(input))?;
            let one = import::parse(other, &shown, &text, &options);
            parsed.extend(one.articles);
            report.merge(one.report);
        }
    };
    if !report.errors.is_empty() {
        return Err(ImportFailure::Parse(report.errors));
    }
    // Check everything before writing anything.
    let mut documents = Vec::new();
    for article in parsed {
        let path = into.join(&article.name);
        if !force {
            for target in [path.clone(), sidecar_path(&path)] {
                if target.exists() {
                    return Err(ImportFailure::Exists(target.display().to_string()));
                }
            }
        }
        let annotations =
            Annotations::from_parts(article.spans, article.relations).map_err(|e| {
                ImportFailure::Invalid {
                    article: article.name.clone(),
                    message: e.to_string(),
                }
            })?;
        let mut document =
            Document::new(Text::new(article.text), ArticleMeta::default(), annotations);
        document.status = article.status;
        documents.push((path, document));
    }
    let mut summary = ImportSummary::default();
    for (path, mut document) in documents {
        write_article(&path, &mut document).map_err(import_io(&path))?;
        summary.articles += 1;
        summary.spans += document.annotations().len();
        summary.relations += document.annotations().relations().len();
    }
    Ok(summary)
}

/// Writes a document as a new article file (UTF-8) with its sidecar, creating folders as
/// needed; the document's file name and hash are set from what is written.
pub fn write_article(path: &Path, document: &mut Document) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    document.meta.file_name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    document.meta.sha256 = sha256_hex(document.text().as_str().as_bytes());
    document.meta.encoding = "UTF-8".into();
    atomic::write(path, document.text().as_str().as_bytes())?;
    atomic::write(&sidecar_path(path), sidecar::encode(document).as_bytes())
}

/// Writes `count` generated articles ([`crate::model::generate`]) of about `chars` chars
/// with `spans` spans each into `folder`, as `article-NNNNN.txt` plus sidecars, article `k`
/// from seed `seed + k`: the inputs the benches use, to reproduce their figures or to try
/// a book in the window. Refuses to replace any file.
pub fn generate(
    folder: &Path,
    count: u64,
    chars: usize,
    spans: usize,
    seed: u64,
) -> io::Result<Vec<PathBuf>> {
    generate_linked(folder, count, chars, spans, seed, &[])
}

/// As [`generate`], with each article's actors linked to `entities` and its quotes and
/// claims to its actors ([`crate::model::generate::link_entities`]).
pub fn generate_linked(
    folder: &Path,
    count: u64,
    chars: usize,
    spans: usize,
    seed: u64,
    entities: &[&str],
) -> io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for k in 0..count {
        let seed = seed.saturating_add(k);
        let path = folder.join(format!("article-{seed:05}.txt"));
        for taken in [&path, &sidecar_path(&path)] {
            if taken.exists() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} already exists; choose an empty folder", taken.display()),
                ));
            }
        }
        let mut document = crate::model::generate::article(seed, chars, spans);
        crate::model::generate::link_entities(&mut document, entities);
        write_article(&path, &mut document)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        written.push(path);
    }
    Ok(written)
}

/// What `reanchor` did to one article's sidecar.
#[derive(Debug)]
pub struct Reanchored {
    pub article: PathBuf,
    pub outcome: crate::anchor::Outcome,
    /// Whether the sidecar was rewritten (only when its bytes changed).
    pub rewritten: bool,
}

/// Re-anchors every sidecar of a corpus against its article as it is now, and rewrites the
/// sidecars that change (atomically, and only if nobody changed them meanwhile). Articles
/// without a sidecar are skipped; those that cannot be read are problems, left untouched.
pub fn reanchor(corpus: &Path) -> io::Result<(Vec<Reanchored>, Vec<Problem>)> {
    let mut done = Vec::new();
    let mut problems = Vec::new();
    for (_, path) in articles(corpus)? {
        let sidecar = sidecar_path(&path);
        let Ok(before) = super::read_sidecar_text(&sidecar) else {
            continue;
        };
        let (document, report) = match load(&path) {
            Ok(loaded) => loaded,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let rewritten = match rewrite_sidecar(
            &sidecar,
            &document,
            Some(before.as_bytes()),
            "it was re-anchored",
        ) {
            Ok(rewritten) => rewritten,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        done.push(Reanchored {
            article: path,
            outcome: report.anchoring,
            rewritten,
        });
    }
    Ok((done, problems))
}

/// Writes a document's sidecar if its bytes differ from `before` (what was read; `None`:
/// there was no sidecar), unless the file changed meanwhile. Returns whether it wrote;
/// `work` says what happened meanwhile, for the message ("it was re-anchored").
pub(crate) fn rewrite_sidecar(
    sidecar: &Path,
    document: &Document,
    before: Option<&[u8]>,
    work: &str,
) -> Result<bool, Problem> {
    let after = sidecar::encode(document);
    if before == Some(after.as_bytes()) {
        return Ok(false);
    }
    super::saver::write_replacing(sidecar, after.as_bytes(), before).map_err(|e| {
        let message = match e {
            super::saver::SaveError::Io(message) => message,
            super::saver::SaveError::ChangedOnDisk => {
                format!("changed while {work}; left as it is")
            }
        };
        problem(sidecar, None, message)
    })?;
    Ok(true)
}

/// Every problem in a corpus: articles that cannot be read, sidecars that do not parse,
/// flaws inside sidecars (ids used twice, relations to missing spans, impossible ranges),
/// spans not at their stored position, orphans, labels and relation kinds the scheme does
/// not name, a scheme that cannot be used, and sidecars whose article is missing.
pub fn validate(corpus: &Path) -> io::Result<(usize, Vec<Problem>)> {
    let list = articles(corpus)?;
    let mut problems = Vec::new();
    let scheme_path = scheme_folder(corpus).join(crate::model::SCHEME_FILE);
    let (scheme, scheme_problem) = load_scheme(&scheme_folder(corpus));
    if let Some(message) = scheme_problem {
        problems.push(problem(&scheme_path, None, message));
    }
    for (_, path) in &list {
        match load(path) {
            Err(problem) => problems.push(problem),
            Ok((document, report)) => {
                let sidecar = sidecar_path(path);
                let source = super::read_sidecar_text(&sidecar).unwrap_or_default();
                problems.extend(
                    sidecar_problems(&document, &report, &scheme, &source)
                        .into_iter()
                        .map(|(line, message)| problem(&sidecar, line, message)),
                );
            }
        }
    }
    if fs::metadata(corpus)?.is_dir() {
        let mut folders = vec![corpus.to_path_buf()];
        while let Some(folder) = folders.pop() {
            for entry in fs::read_dir(&folder)? {
                let path = entry?.path();
                if path.is_dir() {
                    folders.push(path);
                } else if let Some(name) =
                    path.to_str().and_then(|p| p.strip_suffix(sidecar::SUFFIX))
                {
                    if !Path::new(name).exists() {
                        problems.push(problem(&path, None, "sidecar without its article".into()));
                    }
                }
            }
        }
    }
    Ok((list.len(), problems))
}

/// What is wrong in one loaded sidecar, each with the (line, column) of its span when known.
fn sidecar_problems(
    document: &Document,
    report: &LoadReport,
    scheme: &Scheme,
    source: &str,
) -> Vec<(Option<(usize, usize)>, String)> {
    // Spans are written one per line: a span's line is where its id is.
    let line_of = |id: u64| {
        let needle = format!("(id: {id},");
        source
            .lines()
            .position(|l| l.trim_start().starts_with(&needle))
            .map(|l| (l + 1, 9))
    };
    let stored: std::collections::HashMap<u64, (usize, usize)> = sidecar::decode(source)
        .map(|s| {
            s.spans
                .iter()
                .map(|sp| (sp.id, (sp.start, sp.end)))
                .collect()
        })
        .unwrap_or_default();
    let mut found = Vec::new();
    for flaw in &report.flaws {
        found.push((flaw.span_id().and_then(line_of), flaw.to_string()));
    }
    let annotations = document.annotations();
    if report.article_changed {
        let a = &report.anchoring;
        found.push((
            None,
            format!(
                "the article changed since it was annotated: {} spans held, {} moved, {} \
                 orphaned (spantag reanchor updates the sidecar)",
                a.held,
                a.moved.len(),
                a.orphaned.len()
            ),
        ));
    } else {
        for &id in &report.anchoring.moved {
            let (Some(span), Some((start, end))) = (annotations.get(id), stored.get(&id)) else {
                continue;
            };
            found.push((
                line_of(id),
                format!(
                    "span {id} ({}) {:?} is not at {start}..{end}; its text is at {}..{}",
                    span.label, span.text, span.start, span.end
                ),
            ));
        }
    }
    for span in annotations.spans().iter().filter(|s| s.is_orphaned()) {
        let message = if report.anchoring.orphaned.contains(&span.id) {
            format!(
                "span {} ({}) {:?} is not at {}..{} and was not found in the article",
                span.id, span.label, span.text, span.start, span.end
            )
        } else {
            format!(
                "span {} ({}) {:?} is marked Orphaned",
                span.id, span.label, span.text
            )
        };
        found.push((line_of(span.id), message));
    }
    for span in annotations.spans() {
        if scheme.label(&span.label).is_none() {
            found.push((
                line_of(span.id),
                format!(
                    "span {}: label {:?} is not in the scheme",
                    span.id, span.label
                ),
            ));
        }
    }
    for relation in annotations.relations() {
        if !scheme.relations.iter().any(|k| k.name == relation.kind) {
            found.push((
                None,
                format!(
                    "relation {}: kind {:?} is not in the scheme",
                    relation.id, relation.kind
                ),
            ));
        }
    }
    found
}

/// What [`agree`] found: the figures over the articles that every folder holds with the
/// same text, and the articles left out.
#[derive(Debug, serde::Serialize)]
pub struct AgreeReport {
    /// The annotators' folders, in the order given (the first is the reference).
    pub annotators: Vec<String>,
    #[serde(flatten)]
    pub agreement: crate::agree::Agreement,
    pub skipped: Vec<SkippedArticle>,
    /// Articles or sidecars that could not be read (their articles are skipped too).
    #[serde(skip)]
    pub problems: Vec<Problem>,
}

/// An article left out of an agreement, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SkippedArticle {
    /// The path relative to the folders, `/`-separated.
    pub id: String,
    pub reason: String,
}

/// Inter-annotator agreement between folders holding the same articles, one annotator's
/// sidecars each ([`crate::agree`]). Articles are matched by id; one missing from a folder,
/// or whose text differs between folders, is skipped, and so is one that cannot be read
/// (also a [`Problem`]). An article without a sidecar has no spans. Articles are loaded one
/// id at a time.
pub fn agree(folders: &[PathBuf]) -> io::Result<AgreeReport> {
    if folders.len() < 2 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "agreement needs two folders or more",
        ));
    }
    let mut lists = Vec::with_capacity(folders.len());
    for folder in folders {
        let list: std::collections::BTreeMap<String, PathBuf> = articles(folder)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", folder.display())))?
            .into_iter()
            .collect();
        lists.push(list);
    }
    let ids: std::collections::BTreeSet<&String> = lists.iter().flat_map(|l| l.keys()).collect();
    let mut tally = crate::agree::Tally::new(folders.len());
    let (mut skipped, mut problems) = (Vec::new(), Vec::new());
    let mut skip = |id: &str, reason: String| {
        skipped.push(SkippedArticle {
            id: id.to_string(),
            reason,
        })
    };
    for id in ids {
        let Some(paths) = lists.iter().map(|l| l.get(id)).collect::<Option<Vec<_>>>() else {
            let missing: Vec<String> = folders
                .iter()
                .zip(&lists)
                .filter(|(_, list)| !list.contains_key(id))
                .map(|(folder, _)| folder.display().to_string())
                .collect();
            skip(id, format!("missing from {}", missing.join(", ")));
            continue;
        };
        let mut documents = Vec::with_capacity(paths.len());
        let mut unreadable = Vec::new();
        for path in paths {
            match load(path) {
                Ok((document, _)) => documents.push(document),
                Err(problem) => {
                    unreadable.push(problem.to_string());
                    problems.push(problem);
                }
            }
        }
        if !unreadable.is_empty() {
            skip(id, unreadable.join("; "));
            continue;
        }
        let Some((first, others)) = documents.split_first() else {
            continue;
        };
        // The decoded texts, not the files' hashes: offsets count chars of the text, so
        // the same text in another encoding compares the same.
        let differing: Vec<String> = folders[1..]
            .iter()
            .zip(others)
            .filter(|(_, d)| d.text().as_str() != first.text().as_str())
            .map(|(folder, _)| folder.display().to_string())
            .collect();
        if !differing.is_empty() {
            skip(
                id,
                format!(
                    "its text differs from the one in {}: {}",
                    folders[0].display(),
                    differing.join(", ")
                ),
            );
            continue;
        }
        let spans: Vec<&[crate::model::Span]> =
            documents.iter().map(|d| d.annotations().spans()).collect();
        tally.add_article(id, first.text(), &spans);
    }
    Ok(AgreeReport {
        annotators: folders.iter().map(|f| f.display().to_string()).collect(),
        agreement: tally.finish(),
        skipped,
        problems,
    })
}

/// The suggestion rules of a corpus: `suggest.ron` in `folder` ([`scheme_folder`]), or
/// `None` when there is none. A file that cannot be read or used is a [`Problem`] naming
/// it, with the line and column for a parse error.
pub fn load_rules(folder: &Path) -> Result<Option<crate::suggest::Rules>, Problem> {
    let path = folder.join(crate::suggest::SUGGEST_FILE);
    let read = read_config(&path, crate::suggest::MAX_RULES_BYTES);
    match read {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(problem(&path, None, format!("cannot read: {e}"))),
        Ok(source) => crate::suggest::parse(&source)
            .map(Some)
            .map_err(|e| problem(&path, Some((e.line, e.col)), e.message)),
    }
}

/// What [`suggest`] found in one article.
#[derive(Debug)]
pub struct Suggested {
    /// The article's path relative to the corpus, `/`-separated.
    pub id: String,
    pub proposals: Vec<LocatedProposal>,
    /// Spans made by accepting (0 without `accept`).
    pub accepted_spans: usize,
    /// Whether the sidecar was written.
    pub rewritten: bool,
}

/// A proposal with what a report shows of it.
#[derive(Debug)]
pub struct LocatedProposal {
    pub proposal: crate::model::Proposal,
    /// 1-based line and column (in chars) of its start.
    pub line: usize,
    pub col: usize,
    /// The text it covers.
    pub text: String,
    /// The text of the speaker it links to, if any.
    pub speaker: Option<String>,
}

/// The suggestions of `rules` for every article of a corpus. With `accept`, each
/// article's proposals are accepted in one [`Command::Accept`](crate::model::Command) (a
/// quote's speaker with it, so it is made and linked), and its sidecar rewritten
/// atomically if that changed it and nobody changed it meanwhile (spans re-anchored on
/// loading are written as moved, as `reanchor` would). Articles that cannot be read, and
/// sidecars that cannot be written, are problems, left untouched.
pub fn suggest(
    corpus: &Path,
    rules: &crate::suggest::Rules,
    accept: bool,
) -> io::Result<(Vec<Suggested>, Vec<Problem>)> {
    let mut done = Vec::new();
    let mut problems = Vec::new();
    for (id, path) in articles(corpus)? {
        let sidecar = sidecar_path(&path);
        // What the sidecar holds before (none: no sidecar), for the rewrite to replace.
        let before = if accept {
            match super::read_sidecar_bytes(&sidecar) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == io::ErrorKind::NotFound => None,
                Err(e) => {
                    problems.push(problem(&sidecar, None, format!("cannot read: {e}")));
                    continue;
                }
            }
        } else {
            None
        };
        let (mut document, _) = match load(&path) {
            Ok(loaded) => loaded,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let proposals = crate::suggest::suggest(rules, &document);
        let text = document.text();
        let located = proposals
            .iter()
            .map(|p| {
                let line = text.paragraph_index_at(p.char_range.start);
                let paragraph = &text.paragraphs()[line];
                LocatedProposal {
                    line: line + 1,
                    col: p.char_range.start - paragraph.char_range.start + 1,
                    text: text
                        .get(p.char_range.clone())
                        .unwrap_or_default()
                        .to_string(),
                    speaker: p
                        .links
                        .first()
                        .and_then(|l| text.get(l.other_range.clone()))
                        .map(str::to_string),
                    proposal: p.clone(),
                }
            })
            .collect();
        let mut suggested = Suggested {
            id,
            proposals: located,
            accepted_spans: 0,
            rewritten: false,
        };
        if accept && !proposals.is_empty() {
            let spans_before = document.annotations().len();
            match document.apply(crate::model::Command::Accept(proposals)) {
                Err(e) => {
                    problems.push(problem(&path, None, format!("cannot accept: {e}")));
                    continue;
                }
                Ok(applied) if applied.changed => {
                    match rewrite_sidecar(
                        &sidecar,
                        &document,
                        before.as_deref(),
                        "suggestions were made",
                    ) {
                        Ok(rewritten) => {
                            suggested.rewritten = rewritten;
                            if rewritten {
                                suggested.accepted_spans =
                                    document.annotations().len() - spans_before;
                            }
                        }
                        Err(problem) => {
                            problems.push(problem);
                            continue;
                        }
                    }
                }
                Ok(_) => {}
            }
        }
        done.push(suggested);
    }
    Ok((done, problems))
}
