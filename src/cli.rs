//! The command line: the same binary is the GUI and the batch tool.
//!
//! Each subcommand is one function that prints its results (stdout) and the problems it
//! found (stderr) and returns an [`Outcome`]; [`run`] alone turns that into the exit code:
//! 0 success, 1 the command found problems or could not finish, 2 bad usage (clap's own,
//! and the few combinations clap cannot check). Every error that points into a file names
//! it, with the line and column when known ([`Problem`]).

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::export::{Format, Options};
use crate::problem::Problem;
use crate::store::corpus::{load_rules, load_scheme};
use crate::store::walk::scheme_folder;

/// spantag: annotate news articles with claims, quotes, locations and actors.
#[derive(Debug, Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// An article (a .txt, .html, .htm, .pdf, .docx, .eml or .md file) or a folder of
    /// articles to open in the window.
    pub path: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Commands>,
}

#[derive(Debug, Subcommand)]
pub enum Commands {
    /// Export a corpus (a folder, recursively, or one article) to another tool's format.
    Export {
        corpus: PathBuf,
        #[arg(long, value_parser = format_parser(&Format::ALL))]
        format: Format,
        /// The output file (for brat, a folder).
        #[arg(long)]
        out: PathBuf,
        /// Keep orphaned spans (jsonl holds them in a separate `orphans` list).
        #[arg(long)]
        include_orphans: bool,
    },
    /// Import another tool's annotations into a folder of articles with sidecars, adding
    /// the labels and relation kinds they use to the folder's spantag.ron and the entities
    /// they define to its entities.ron. Sound records are written; each record that cannot
    /// be read is reported as file:line: reason (exit code 1). The report lists what came
    /// in per construct and everything left out.
    Import {
        /// The file to import (for brat, a folder of .txt/.ann pairs).
        file: PathBuf,
        #[arg(long, value_parser = import_format_parser())]
        format: crate::import::Format,
        /// The folder to write into (created if missing).
        #[arg(long)]
        into: PathBuf,
        /// Overwrite articles and sidecars that already exist.
        #[arg(long)]
        force: bool,
        /// Write nothing if any record cannot be read.
        #[arg(long)]
        strict: bool,
        /// Bring the spans in as annotations, or as suggestions to accept or reject.
        #[arg(long = "as", value_enum, default_value_t = ImportAs::Annotations)]
        as_: ImportAs,
        /// The source suggestions are recorded under (with --as suggestions; by default the
        /// input's model version, else its file name).
        #[arg(long)]
        source: Option<String>,
        /// The unit of the input's offsets, when not the format's own (doccano projects
        /// that count grapheme clusters).
        #[arg(long, value_enum)]
        offsets: Option<Offsets>,
        /// Label Studio: import this annotator's annotation of each task (an id or an
        /// e-mail) instead of the latest.
        #[arg(long)]
        annotator: Option<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Inter-annotator agreement between folders of the same articles, one annotator each:
    /// span F1 (exact and overlap), precision, recall and kappa, overall, per label and per
    /// article; and on spans matched exactly, agreement and kappa per attribute and on
    /// entity links. The first folder is the reference for precision and recall.
    Agree {
        /// The annotators' folders (two or more).
        #[arg(required = true, num_args = 2..)]
        folders: Vec<PathBuf>,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Print an article's text exactly as spantag annotates it (extracted from a web page,
    /// PDF, Word file, e-mail or Markdown; decoded from plain text), byte for byte: the
    /// text every offset counts.
    Text {
        file: PathBuf,
        /// Print JSON instead: the kind, extractor, the text's hash and length in chars,
        /// the citation, the notices and the page starts.
        #[arg(long)]
        json: bool,
    },
    /// Check that every sidecar parses and every span's text matches its article.
    Validate { corpus: PathBuf },
    /// Find every span again in articles that changed, and rewrite the sidecars that move.
    Reanchor { corpus: PathBuf },
    /// Merge three versions of a sidecar (or of entities.ron) span by span, as git's merge
    /// driver does (see git-setup): what one side changed is applied, additions on both
    /// sides are kept, and a span changed differently on both sides is kept with both
    /// versions for review in the window. Exit code 0: merged cleanly; 1: conflicts were
    /// recorded in the result (or a version could not be read: nothing is written then).
    Merge {
        /// Our version (git's %A); the result replaces it unless --output is given.
        ours: PathBuf,
        /// The common ancestor (git's %O; an empty file when both sides added the file).
        base: PathBuf,
        /// Their version (git's %B).
        theirs: PathBuf,
        /// Write the result here instead of over OURS.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// The file in the repository the versions are of (git's %P): it names the file
        /// in messages, and entities.ron is told from a sidecar by it.
        #[arg(long)]
        path: Option<PathBuf>,
    },
    /// Make git merge this repository's sidecars and entities.ron span by span: adds the
    /// lines to .gitattributes (commit it) and defines the merge driver in the repository's
    /// git config (each clone runs this once).
    GitSetup {
        /// A folder inside the repository (default: the current folder).
        repo: Option<PathBuf>,
    },
    /// Suggest spans from the corpus's `suggest.ron` (gazetteers, regular expressions and
    /// a quote finder that links speakers) and list them; nothing is written unless
    /// --accept.
    Suggest {
        corpus: PathBuf,
        /// Accept every suggestion into the sidecars (rewriting only those that change).
        #[arg(long)]
        accept: bool,
    },
    /// Who said what: every entity of the corpus's entities.ron with its mentions and the
    /// quotes and claims linked to them through said_by, with article, span and attribute
    /// values; ids that spans refer to but entities.ron lacks are listed as unknown.
    Entities {
        corpus: PathBuf,
        /// Print JSON instead of text.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV: one row per (entity, quote or claim), a column per attribute; an
        /// entity without any gets one row with those columns empty.
        #[arg(long)]
        csv: bool,
    },
    /// Spans per label, articles per status, and suggestions per source (accepted,
    /// rejected, pending).
    Stats {
        corpus: PathBuf,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Add spantag to the desktop's menu and to "Open with" for text files (a desktop entry
    /// and the icon in ~/.local/share, or $XDG_DATA_HOME), or remove them again.
    Desktop {
        #[arg(value_enum)]
        action: DesktopAction,
    },
    /// Write synthetic articles with sidecars (the benchmarks' inputs), e.g. a 5 MB book:
    /// `generate /tmp/book --chars 5000000 --spans 50000 --seed 2`.
    Generate {
        /// The folder to write into (created if missing; no file in it is replaced).
        folder: PathBuf,
        /// How many articles.
        #[arg(long, default_value_t = 1)]
        articles: u64,
        /// About how many chars each article has.
        #[arg(long, default_value_t = 5_000)]
        chars: usize,
        /// How many spans each article has.
        #[arg(long, default_value_t = 50)]
        spans: usize,
        /// Article k is generated from seed + k; the same seed gives the same articles.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

impl Commands {
    /// The subcommand's name, as typed.
    fn name(&self) -> &'static str {
        match self {
            Commands::Export { .. } => "export",
            Commands::Import { .. } => "import",
            Commands::Agree { .. } => "agree",
            Commands::Text { .. } => "text",
            Commands::Validate { .. } => "validate",
            Commands::Reanchor { .. } => "reanchor",
            Commands::Merge { .. } => "merge",
            Commands::GitSetup { .. } => "git-setup",
            Commands::Suggest { .. } => "suggest",
            Commands::Entities { .. } => "entities",
            Commands::Stats { .. } => "stats",
            Commands::Desktop { .. } => "desktop",
            Commands::Generate { .. } => "generate",
        }
    }
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum DesktopAction {
    /// Write the desktop entry (starting this executable) and the icon.
    Install,
    /// Remove them.
    Uninstall,
}

/// What imported spans become.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportAs {
    /// Spans of the articles.
    Annotations,
    /// Suggestions to accept or reject in the window, kept with their source.
    Suggestions,
}

/// The offset units `--offsets` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Offsets {
    /// Unicode code points.
    Chars,
    /// UTF-16 code units (JavaScript string indices).
    Utf16,
    /// Extended grapheme clusters.
    Graphemes,
}

impl From<Offsets> for crate::import::OffsetUnit {
    fn from(offsets: Offsets) -> Self {
        match offsets {
            Offsets::Chars => crate::import::OffsetUnit::Chars,
            Offsets::Utf16 => crate::import::OffsetUnit::Utf16,
            Offsets::Graphemes => crate::import::OffsetUnit::Graphemes,
        }
    }
}

/// How a command ended, when it ran to its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing wrong: exit code 0.
    Clean,
    /// The command did its work and found problems, printed on stderr: exit code 1.
    Problems,
}

impl Outcome {
    fn problems_if(found: bool) -> Outcome {
        if found {
            Outcome::Problems
        } else {
            Outcome::Clean
        }
    }
}

/// Why a command did not run to its end.
#[derive(Debug)]
pub enum Failure {
    /// Arguments clap could not check: exit code 2.
    Usage(String),
    /// It could not finish: exit code 1.
    Stopped(String),
}

impl From<Problem> for Failure {
    fn from(problem: Problem) -> Failure {
        Failure::Stopped(problem.to_string())
    }
}

/// Runs a batch command, printing results to stdout and problems to stderr, and decides
/// the exit code.
pub fn run(command: Commands) -> ExitCode {
    let name = command.name();
    match dispatch(command) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(Failure::Stopped(message)) => {
            eprintln!("spantag {name}: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}\n\nFor more information, try 'spantag {name} --help'.");
            ExitCode::from(2)
        }
    }
}

fn dispatch(command: Commands) -> Result<Outcome, Failure> {
    match command {
        Commands::Export {
            corpus,
            format,
            out,
            include_orphans,
        } => export(&corpus, format, &out, include_orphans),
        Commands::Import {
            file,
            format,
            into,
            force,
            strict,
            as_,
            source,
            offsets,
            annotator,
            json,
        } => {
            if source.is_some() && as_ != ImportAs::Suggestions {
                return Err(Failure::Usage(
                    "--source names the source of suggestions: use it with --as suggestions".into(),
                ));
            }
            let request = crate::store::import::Request {
                input: file,
                format,
                into,
                options: crate::import::Options {
                    offsets: offsets.map(Into::into),
                    annotator,
                    as_suggestions: as_ == ImportAs::Suggestions,
                    source,
                },
                strict,
                force,
            };
            import(&request, json)
        }
        Commands::Agree { folders, json } => agree(&folders, json),
        Commands::Text { file, json } => text(&file, json),
        Commands::Validate { corpus } => validate(&corpus),
        Commands::Reanchor { corpus } => reanchor(&corpus),
        Commands::Merge {
            ours,
            base,
            theirs,
            output,
            path,
        } => {
            let out = output.unwrap_or_else(|| ours.clone());
            let versions = crate::store::git::Versions {
                ours,
                base,
                theirs,
                shown_as: path,
            };
            merge(&versions, &out)
        }
        Commands::GitSetup { repo } => git_setup(repo.as_deref().unwrap_or(Path::new("."))),
        Commands::Suggest { corpus, accept } => suggest(&corpus, accept),
        Commands::Entities { corpus, json, csv } => entities(&corpus, json, csv),
        Commands::Stats { corpus, json } => stats(&corpus, json),
        Commands::Desktop { action } => desktop(action),
        Commands::Generate {
            folder,
            articles,
            chars,
            spans,
            seed,
        } => generate(&folder, articles, chars, spans, seed),
    }
}

/// Lists problems on stderr; [`Outcome::Problems`] if there are any.
fn report_problems(problems: &[Problem]) -> Outcome {
    for problem in problems {
        eprintln!("{problem}");
    }
    Outcome::problems_if(!problems.is_empty())
}

/// Prints a report as JSON for scripts (serializing plain data cannot fail).
fn print_json(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// Accepts the names of the formats that can be imported.
fn import_format_parser() -> impl TypedValueParser<Value = crate::import::Format> {
    use crate::import::Format;
    let names: Vec<&'static str> = Format::ALL.iter().map(|f| f.name()).collect();
    PossibleValuesParser::new(names).map(|name| Format::from_name(&name).unwrap_or(Format::Jsonl))
}

/// Accepts exactly the names of `formats` (listed in `--help` and in usage errors).
fn format_parser(formats: &[Format]) -> impl TypedValueParser<Value = Format> {
    let names: Vec<&'static str> = formats.iter().map(|f| f.name()).collect();
    PossibleValuesParser::new(names).map(|name| Format::from_name(&name).unwrap_or(Format::Jsonl))
}

/// `spantag text`: the article's text on stdout, exactly (no newline added), or its facts
/// as JSON.
fn text(file: &Path, json: bool) -> Result<Outcome, Failure> {
    use std::io::Write;
    let loaded = crate::store::article::load(file).map_err(|e| Failure::Stopped(e.to_string()))?;
    if json {
        let extraction = loaded.meta.extraction.as_ref();
        let text = loaded.text.as_str();
        let citation: serde_json::Map<String, serde_json::Value> = loaded
            .citation
            .known()
            .map(|(key, value)| (key.to_string(), value.into()))
            .collect();
        print_json(&serde_json::json!({
            "file": file.display().to_string(),
            "kind": extraction.map_or("text", |e| e.kind.key()),
            "extractor": extraction.map(|e| e.extractor.as_str()),
            "encoding": loaded.meta.encoding,
            "sha256": loaded.meta.sha256,
            "text_sha256": crate::store::article::sha256_hex(text.as_bytes()),
            "chars": loaded.text.len_chars(),
            "citation": citation,
            "notices": loaded.notices,
            "pages": extraction.map_or(&[][..], |e| &e.page_starts[..]),
        }));
        return Ok(Outcome::Clean);
    }
    let mut out = std::io::stdout().lock();
    out.write_all(loaded.text.as_str().as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Stopped(format!("cannot write the text: {e}")))?;
    Ok(Outcome::Clean)
}

/// `spantag export`: the counts on stdout, what the format could not hold and the
/// articles that could not be read on stderr.
fn export(
    path: &Path,
    format: Format,
    out: &Path,
    include_orphans: bool,
) -> Result<Outcome, Failure> {
    let options = Options {
        include_orphans,
        ..Options::default()
    };
    let (scheme, problem) = load_scheme(&scheme_folder(path));
    if let Some(problem) = problem {
        eprintln!("spantag export: {problem}");
    }
    let summary = crate::store::export::export(path, format, out, &scheme, options, |_, _| true)?;
    let report = &summary.report;
    println!(
        "exported {} articles, {} spans, {} relations to {}",
        report.articles,
        report.spans,
        report.relations,
        out.display()
    );
    for loss in &report.losses {
        eprintln!("{loss}");
    }
    for problem in &summary.skipped {
        eprintln!("{problem} (article not exported)");
    }
    Ok(Outcome::problems_if(!summary.skipped.is_empty()))
}

/// `spantag import`: the report (or `--json`). Records that could not be read make
/// exit code 1; what was left out does not (the report lists it).
fn import(request: &crate::store::import::Request, json: bool) -> Result<Outcome, Failure> {
    let progress = crate::store::Progress::default();
    let outcome = crate::store::import::run(request, &progress)?;
    if json {
        print_json(&outcome);
    } else {
        print_import(request, &outcome);
    }
    Ok(Outcome::problems_if(outcome.has_errors()))
}

/// The import report: what was written (stdout), then what the input held per construct,
/// what changed in the scheme and the entities, and every renamed article, left-out
/// construct and unreadable record (stderr, `file:line: …`).
fn print_import(request: &crate::store::import::Request, outcome: &crate::store::import::Outcome) {
    let into = outcome.into.display();
    if outcome.written {
        let mut counts = format!(
            "imported {} articles, {} spans, {} relations",
            outcome.articles, outcome.spans, outcome.relations
        );
        if outcome.suggestions > 0 {
            counts.push_str(&format!(", {} suggestions", outcome.suggestions));
        }
        println!("{counts} into {into}");
        if outcome.sidecars_only > 0 {
            println!(
                "  {} of the articles were already there: only their sidecars were written",
                outcome.sidecars_only
            );
        }
    } else {
        println!(
            "imported nothing into {into}: {} records could not be read, and --strict writes \
             nothing then",
            outcome.report.errors.len()
        );
    }
    if !outcome.report.imported.is_empty() {
        println!("read from {}:", request.input.display());
        let width = outcome
            .report
            .imported
            .keys()
            .map(|what| what.chars().count())
            .max()
            .unwrap_or(0);
        for (what, n) in &outcome.report.imported {
            println!("  {what:<width$} {n:>7}");
        }
    }
    let scheme = &outcome.scheme;
    let file = scheme.path.display();
    if !scheme.labels.is_empty() || !scheme.relations.is_empty() {
        let labels: Vec<String> = scheme
            .labels
            .iter()
            .map(|l| format!("{} (key {}, {})", l.name, l.key, l.color))
            .collect();
        let kinds: Vec<String> = scheme
            .relations
            .iter()
            .map(|k| format!("{} ({} -> {})", k.name, k.from.join("/"), k.to.join("/")))
            .collect();
        let mut parts = Vec::new();
        if !labels.is_empty() {
            parts.push(format!("added labels {}", labels.join(", ")));
        }
        if !kinds.is_empty() {
            parts.push(format!("added relation kinds {}", kinds.join(", ")));
        }
        let created = if scheme.created {
            "written with the default labels; "
        } else {
            ""
        };
        if outcome.written {
            println!("{file}: {created}{}", parts.join("; "));
        }
    }
    if scheme.comments_lost && outcome.written {
        eprintln!("{file}: its comments could not be kept: the file was written whole again");
    }
    for label in &scheme.without_key {
        eprintln!(
            "{file}: label {label:?} is not added: every key is taken (its spans are imported; \
             give it a key another label gives up)"
        );
    }
    let entities = &outcome.entities;
    if outcome.written && entities.added + entities.extended > 0 {
        println!(
            "{}: {} entities added, {} given external ids they lacked",
            entities.path.display(),
            entities.added,
            entities.extended
        );
    }
    if outcome.written {
        for note in &outcome.notes {
            eprintln!("{note}");
        }
    }
    for left_out in &outcome.report.left_out {
        let mut line = left_out.clone();
        line.message = format!("left out: {}", line.message);
        eprintln!("{line}");
    }
    for error in &outcome.report.errors {
        eprintln!("{error}");
    }
}

/// `spantag stats`: counts per status and label, suggestions per source when there are
/// any; unreadable sidecars on stderr.
fn stats(path: &Path, json: bool) -> Result<Outcome, Failure> {
    let stats = crate::store::stats::stats(path)?;
    if json {
        print_json(&stats);
    } else {
        println!("{} articles", stats.articles);
        for (status, n) in &stats.status {
            println!("  {status:<12} {n:>7}");
        }
        println!("spans per label");
        for (label, n) in &stats.labels {
            println!("  {label:<12} {n:>7}");
        }
        println!("{} relations", stats.relations);
        if !stats.suggestions.is_empty() {
            println!("suggestions per source: accepted, rejected, pending");
            for (source, d) in &stats.suggestions {
                println!(
                    "  {source:<12} {:>7} {:>7} {:>7}",
                    d.accepted, d.rejected, d.pending
                );
            }
        }
    }
    Ok(report_problems(&stats.problems))
}

/// `spantag reanchor`: one line per article with a sidecar.
fn reanchor(path: &Path) -> Result<Outcome, Failure> {
    let (done, problems) = crate::store::reanchor::reanchor(path)?;
    for article in &done {
        let o = &article.outcome;
        println!(
            "{}: {} held, {} moved, {} orphaned{}",
            article.article.display(),
            o.held,
            o.moved.len(),
            o.orphaned.len(),
            if article.rewritten {
                " (sidecar rewritten)"
            } else {
                ""
            }
        );
    }
    Ok(report_problems(&problems))
}

/// `spantag generate`.
fn generate(
    folder: &Path,
    articles: u64,
    chars: usize,
    spans: usize,
    seed: u64,
) -> Result<Outcome, Failure> {
    let written = crate::store::generate::generate(folder, articles, chars, spans, seed)
        .map_err(|e| Failure::Stopped(e.to_string()))?;
    match written.as_slice() {
        [one] => println!("wrote {} and its sidecar", one.display()),
        _ => println!(
            "wrote {} articles with sidecars into {}",
            written.len(),
            folder.display()
        ),
    }
    Ok(Outcome::Clean)
}

/// `spantag agree`: tables or JSON; skipped articles and unreadable files on stderr.
fn agree(folders: &[PathBuf], json: bool) -> Result<Outcome, Failure> {
    let report = crate::store::agree::agree(folders)?;
    if json {
        print_json(&report);
    } else {
        print_agreement(&report);
    }
    for skipped in &report.skipped {
        eprintln!("spantag agree: skipped {}: {}", skipped.id, skipped.reason);
    }
    let compared = report.agreement.articles.len();
    if compared == 0 {
        eprintln!("spantag agree: no article could be compared");
    }
    Ok(Outcome::problems_if(
        compared == 0 || !report.problems.is_empty(),
    ))
}

/// `spantag validate`: the count on stdout, each problem on stderr.
fn validate(path: &Path) -> Result<Outcome, Failure> {
    let (articles, problems) = crate::store::validate::validate(path)?;
    println!("{articles} articles checked, {} problems", problems.len());
    Ok(report_problems(&problems))
}

/// `spantag desktop install|uninstall`.
fn desktop(action: DesktopAction) -> Result<Outcome, Failure> {
    use crate::store::desktop;
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return Err(Failure::Stopped(
            "desktop entries are for Linux and BSD desktops; on this system run the installed \
             spantag directly"
                .into(),
        ));
    }
    let Some(data_home) = desktop::data_home() else {
        return Err(Failure::Stopped(
            "neither XDG_DATA_HOME nor HOME is set to an absolute path".into(),
        ));
    };
    let (done, result) = match action {
        DesktopAction::Install => {
            let exe = std::env::current_exe().map_err(|e| {
                Failure::Stopped(format!("cannot tell where this executable is: {e}"))
            })?;
            ("installed", desktop::install(&data_home, &exe))
        }
        DesktopAction::Uninstall => ("removed", desktop::uninstall(&data_home)),
    };
    let report = result.map_err(|e| Failure::Stopped(e.to_string()))?;
    for file in &report.files {
        println!("{done} {}", file.display());
    }
    if report.files.is_empty() {
        println!("nothing to remove below {}", data_home.display());
    }
    if report.refreshed_cache {
        println!("refreshed the desktop's file types (update-desktop-database)");
    }
    Ok(Outcome::Clean)
}

/// `spantag merge`: what came from where (stdout); conflicts left for review (stderr,
/// exit code 1, which is how git learns of them).
fn merge(versions: &crate::store::git::Versions, out: &Path) -> Result<Outcome, Failure> {
    let merged = crate::store::git::merge_files(versions, out)?;
    let shown = versions.shown_as.as_deref().unwrap_or(out);
    let lines = merged.summary.lines();
    if merged.conflicts == 0 {
        println!("spantag merged {} span by span:", shown.display());
        for line in &lines {
            println!("  {line}");
        }
        return Ok(Outcome::Clean);
    }
    let how = match versions.kind() {
        crate::store::git::Kind::Sidecar => {
            "both versions are kept in it: open the article in spantag and choose under Needs \
             review (O keeps ours, T takes theirs), then `git add` it"
        }
        crate::store::git::Kind::Entities => {
            "ours is kept in it and theirs is in git's index (`git show :3:PATH`): edit it, \
             then `git add` it"
        }
    };
    eprintln!(
        "{}: {} (changed differently on both sides); {how}.",
        shown.display(),
        conflicts(merged.conflicts)
    );
    for line in &lines {
        eprintln!("  {line}");
    }
    Ok(Outcome::Problems)
}

fn conflicts(n: usize) -> String {
    if n == 1 {
        "1 conflict".into()
    } else {
        format!("{n} conflicts")
    }
}

/// `spantag git-setup`: what was added where.
fn git_setup(folder: &Path) -> Result<Outcome, Failure> {
    let exe = std::env::current_exe()
        .map_err(|e| Failure::Stopped(format!("cannot tell where this executable is: {e}")))?;
    let setup = crate::store::git::setup(folder, &exe)?;
    let attributes = setup.root.join(".gitattributes");
    if setup.attributes_added.is_empty() {
        println!(
            "{} already hands spantag's files to it",
            attributes.display()
        );
    } else {
        println!(
            "added to {}: {} (commit it, so the whole team merges this way)",
            attributes.display(),
            setup.attributes_added.join(", ")
        );
    }
    println!(
        "git config merge.{}.driver = {} (in {}; each clone runs spantag git-setup once)",
        crate::store::git::DRIVER,
        setup.driver,
        setup.root.display()
    );
    Ok(Outcome::Clean)
}

/// `spantag suggest`: one line per proposal, a count per rule, and what was accepted.
fn suggest(path: &Path, accept: bool) -> Result<Outcome, Failure> {
    let folder = scheme_folder(path);
    let Some(rules) = load_rules(&folder)? else {
        return Err(Failure::Stopped(format!(
            "no rules: {} does not exist. A minimal one:\n{}",
            folder.join(crate::suggest::SUGGEST_FILE).display(),
            crate::suggest::EXAMPLE
        )));
    };
    let (found, problems) = crate::store::suggest::suggest(path, &rules, accept)?;
    let names = rules.names();
    let mut counts = vec![0; names.len()];
    for article in &found {
        for located in &article.proposals {
            let rule = located.proposal.origin.tag();
            if let Some(k) = names.iter().position(|name| *name == rule) {
                counts[k] += 1;
            }
            let speaker = located
                .speaker
                .as_deref()
                .map(|s| format!(" said by {:?}", shorten(s)))
                .unwrap_or_default();
            println!(
                "{}:{}:{}: {} {:?} ({rule}){speaker}",
                article.id,
                located.line,
                located.col,
                located.proposal.label,
                shorten(&located.text)
            );
        }
    }
    let per_rule: Vec<String> = names
        .iter()
        .zip(&counts)
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    println!(
        "{} proposals: {}",
        counts.iter().sum::<usize>(),
        per_rule.join(", ")
    );
    if accept {
        let spans: usize = found.iter().map(|a| a.accepted_spans).sum();
        let sidecars = found.iter().filter(|a| a.rewritten).count();
        println!("accepted {spans} spans in {sidecars} sidecars");
    }
    Ok(report_problems(&problems))
}

/// `spantag entities`: the entity index as text, JSON or CSV; unreadable sidecars (and a
/// broken entities.ron) on stderr, exit code 1.
fn entities(path: &Path, json: bool, csv: bool) -> Result<Outcome, Failure> {
    use crate::store::entity_index;
    let root = scheme_folder(path);
    let mut problems = Vec::new();
    let entities = crate::store::entities::load(&root).unwrap_or_else(|problem| {
        problems.push(problem);
        crate::model::Entities::default()
    });
    let progress = entity_index::Progress::default();
    let built = entity_index::build(path, &entities, &progress)
        .map_err(|e| Failure::Stopped(e.to_string()))?;
    problems.extend(built.problems);
    let index = built.index;
    if json {
        print_json(&index);
    } else if csv {
        let (scheme, _) = load_scheme(&root);
        print_entities_csv(&index, &scheme).map_err(|e| Failure::Stopped(e.to_string()))?;
    } else {
        print_entities(&index);
    }
    Ok(report_problems(&problems))
}

/// The text table of `spantag entities`.
fn print_entities(index: &crate::model::entity_index::EntityIndex) {
    println!(
        "{} entities, {} unknown ids, over {} articles",
        index.entities.len(),
        index.unknown.len(),
        index.articles
    );
    let rows = index.entities.iter().map(|r| (r, true));
    for (row, known) in rows.chain(index.unknown.iter().map(|r| (r, false))) {
        if known {
            println!(
                "{} ({}, {}): {} mentions in {} articles",
                row.name, row.id, row.label, row.mentions, row.articles
            );
        } else {
            println!(
                "unknown id {:?} (not in entities.ron): {} mentions in {} articles",
                row.id, row.mentions, row.articles
            );
        }
        for said in &row.statements {
            let attrs: Vec<String> = said.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            println!(
                "  {} span {} {} {:?}{}{}",
                said.article,
                said.span,
                said.label,
                shorten(&said.text),
                if attrs.is_empty() { "" } else { " " },
                attrs.join(" ")
            );
        }
    }
}

/// The CSV of `spantag entities`: the scheme's attributes as columns, then any other
/// attribute name a statement carries.
fn print_entities_csv(
    index: &crate::model::entity_index::EntityIndex,
    scheme: &crate::model::Scheme,
) -> Result<(), ::csv::Error> {
    let mut names: Vec<String> = scheme
        .attribute_names()
        .into_iter()
        .map(|n| n.to_string())
        .collect();
    let rows = || {
        index
            .entities
            .iter()
            .map(|r| (r, true))
            .chain(index.unknown.iter().map(|r| (r, false)))
    };
    for (row, _) in rows() {
        for said in &row.statements {
            for name in said.attrs.keys() {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
    }
    let mut writer = ::csv::Writer::from_writer(std::io::stdout().lock());
    let mut header: Vec<String> = [
        "entity_id",
        "entity_name",
        "entity_label",
        "known",
        "mentions",
        "articles",
        "article",
        "span_id",
        "label",
        "text",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(names.iter().cloned());
    writer.write_record(&header)?;
    for (row, known) in rows() {
        let entity = [
            row.id.clone(),
            row.name.clone(),
            row.label.clone(),
            if known { "yes" } else { "no" }.to_string(),
            row.mentions.to_string(),
            row.articles.to_string(),
        ];
        if row.statements.is_empty() {
            let mut record = entity.to_vec();
            record.resize(header.len(), String::new());
            writer.write_record(&record)?;
        }
        for said in &row.statements {
            let mut record = entity.to_vec();
            record.extend([
                said.article.clone(),
                said.span.to_string(),
                said.label.clone(),
                said.text.clone(),
            ]);
            record.extend(
                names
                    .iter()
                    .map(|n| said.attrs.get(n).cloned().unwrap_or_default()),
            );
            writer.write_record(&record)?;
        }
    }
    writer.flush()?;
    Ok(())
}

/// A text cut to [`SHOWN_CHARS`] chars, with an ellipsis where it was cut.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// The table of attribute and entity agreement on spans matched exactly: a row per
/// `label.attribute`, and `label entity` for entity links.
fn print_value_agreement(agreement: &crate::agree::Agreement) {
    let mut rows: Vec<(String, &crate::agree::ValueFigures)> = Vec::new();
    for (label, values) in &agreement.values {
        for (name, figures) in &values.attributes {
            rows.push((format!("{label}.{name}"), figures));
        }
        if let Some(figures) = &values.entity {
            rows.push((format!("{label} entity"), figures));
        }
    }
    if rows.is_empty() {
        return;
    }
    let width = rows
        .iter()
        .map(|(name, _)| name.chars().count())
        .chain(["attribute".len()])
        .max()
        .unwrap_or(0);
    println!(
        "\n{:<width$}  {:>5}  {:>7}  {:>9}  {:>6}",
        "attribute", "spans", "differ", "agreement", "kappa"
    );
    for (name, figures) in rows {
        println!(
            "{name:<width$}  {:>5}  {:>7}  {:>9.3}  {:>6.3}",
            figures.spans, figures.differing, figures.agreement, figures.kappa
        );
    }
}

/// How much of a proposal's text `spantag suggest` shows.
const SHOWN_CHARS: usize = 60;

/// The tables of `spantag agree`: overall, per label, per article, then the skipped articles.
fn print_agreement(report: &crate::store::agree::AgreeReport) {
    let agreement = &report.agreement;
    for (k, folder) in report.annotators.iter().enumerate() {
        println!("annotator {}: {folder}", k + 1);
    }
    println!(
        "{} articles compared, {} skipped",
        agreement.articles.len(),
        report.skipped.len()
    );
    let order: Vec<String> = (1..=report.annotators.len())
        .map(|k| k.to_string())
        .collect();
    let order = order.join("/");
    let width = agreement
        .labels
        .keys()
        .map(String::as_str)
        .chain(agreement.articles.iter().map(|a| a.id.as_str()))
        .chain(["overall", "article"])
        .map(|name| name.chars().count())
        .max()
        .unwrap_or(0);
    let header = |title: &str| {
        println!(
            "\n{title:<width$}  {:>8}  {:>10}  {:>5}  {:>5}  {:>6}  spans {order}",
            "exact F1", "overlap F1", "P", "R", "kappa"
        )
    };
    let row = |name: &str, figures: &crate::agree::Figures| {
        let spans: Vec<String> = figures.spans.iter().map(usize::to_string).collect();
        println!(
            "{name:<width$}  {:>8.3}  {:>10.3}  {:>5.3}  {:>5.3}  {:>6.3}  {}",
            figures.exact_f1,
            figures.overlap_f1,
            figures.precision,
            figures.recall,
            figures.kappa,
            spans.join("/")
        );
    };
    header("");
    row("overall", &agreement.overall);
    if !agreement.labels.is_empty() {
        header("label");
        for (label, figures) in &agreement.labels {
            row(label, figures);
        }
    }
    if !agreement.articles.is_empty() {
        header("article");
        for article in &agreement.articles {
            row(&article.id, &article.figures);
        }
    }
    print_value_agreement(agreement);
    if !report.skipped.is_empty() {
        let ids: Vec<&str> = report.skipped.iter().map(|s| s.id.as_str()).collect();
        println!("\nskipped (reasons on stderr): {}", ids.join(", "));
    }
}
