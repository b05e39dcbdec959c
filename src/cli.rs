//! The command line: the same binary is the GUI and the batch tool.
//!
//! Exit codes: 0 success, 1 the command found problems (or could not finish), 2 bad usage
//! (clap's own). Every error names the file, and for a sidecar the line and column.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::export::{Format, Options};
use crate::store::corpus;

/// spantag: annotate news articles with claims, quotes, locations and actors.
#[derive(Debug, Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// An article (plain-text file) or a folder of articles to open in the window.
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
    /// Import annotations into a folder of articles with sidecars.
    Import {
        /// The file to import (for brat, a folder of .txt/.ann pairs).
        file: PathBuf,
        #[arg(long, value_parser = import_format_parser())]
        format: crate::import::Format,
        #[arg(long)]
        into: PathBuf,
        /// Overwrite articles and sidecars that already exist.
        #[arg(long)]
        force: bool,
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
    /// Check that every sidecar parses and every span's text matches its article.
    Validate { corpus: PathBuf },
    /// Find every span again in articles that changed, and rewrite the sidecars that move.
    Reanchor { corpus: PathBuf },
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
    /// Spans per label and articles per status.
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

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum DesktopAction {
    /// Write the desktop entry (starting this executable) and the icon.
    Install,
    /// Remove them.
    Uninstall,
}

/// Lists problems on stderr; exit code 1 if there are any.
fn report_problems(problems: &[corpus::Problem]) -> ExitCode {
    for problem in problems {
        eprintln!("{problem}");
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
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

/// `spantag desktop install|uninstall`.
fn desktop(action: DesktopAction) -> ExitCode {
    use crate::store::desktop;
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        eprintln!(
            "spantag desktop: desktop entries are for Linux and BSD desktops; \
             on this system run the installed spantag directly"
        );
        return ExitCode::from(1);
    }
    let Some(data_home) = desktop::data_home() else {
        eprintln!("spantag desktop: neither XDG_DATA_HOME nor HOME is set to an absolute path");
        return ExitCode::from(1);
    };
    let (done, result) = match action {
        DesktopAction::Install => match std::env::current_exe() {
            Ok(exe) => ("installed", desktop::install(&data_home, &exe)),
            Err(e) => {
                eprintln!("spantag desktop: cannot tell where this executable is: {e}");
                return ExitCode::from(1);
            }
        },
        DesktopAction::Uninstall => ("removed", desktop::uninstall(&data_home)),
    };
    match result {
        Ok(report) => {
            for file in &report.files {
                println!("{done} {}", file.display());
            }
            if report.files.is_empty() {
                println!("nothing to remove below {}", data_home.display());
            }
            if report.refreshed_cache {
                println!("refreshed the desktop's file types (update-desktop-database)");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("spantag desktop: {e}");
            ExitCode::from(1)
        }
    }
}

/// Runs a batch command, printing results to stdout and problems to stderr.
pub fn run(command: Commands) -> ExitCode {
    match command {
        Commands::Export {
            corpus: path,
            format,
            out,
            include_orphans,
        } => {
            let options = Options {
                include_orphans,
                ..Options::default()
            };
            let (scheme, problem) = corpus::load_scheme(&corpus::scheme_folder(&path));
            if let Some(problem) = problem {
                eprintln!("spantag export: {problem}");
            }
            match corpus::export(&path, format, &out, &scheme, options, |_, _| true) {
                Ok(summary) => {
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
                    if summary.skipped.is_empty() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(1)
                    }
                }
                Err(e) => {
                    eprintln!("spantag export: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Commands::Import {
            file,
            format,
            into,
            force,
        } => match corpus::import(&file, format, &into, force) {
            Ok(summary) => {
                println!(
                    "imported {} articles, {} spans, {} relations into {}",
                    summary.articles,
                    summary.spans,
                    summary.relations,
                    into.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("spantag import: {e}");
                ExitCode::from(1)
            }
        },
        Commands::Entities {
            corpus: path,
            json,
            csv,
        } => entities(&path, json, csv),
        Commands::Stats { corpus: path, json } => match corpus::stats(&path) {
            Ok(stats) => {
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
                }
                for problem in &stats.problems {
                    eprintln!("{problem}");
                }
                if stats.problems.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                }
            }
            Err(e) => {
                eprintln!("spantag stats: {}: {e}", path.display());
                ExitCode::from(1)
            }
        },
        Commands::Reanchor { corpus: path } => match corpus::reanchor(&path) {
            Ok((done, problems)) => {
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
                report_problems(&problems)
            }
            Err(e) => {
                eprintln!("spantag reanchor: {}: {e}", path.display());
                ExitCode::from(1)
            }
        },
        Commands::Generate {
            folder,
            articles,
            chars,
            spans,
            seed,
        } => match corpus::generate(&folder, articles, chars, spans, seed) {
            Ok(written) => {
                match written.as_slice() {
                    [one] => println!("wrote {} and its sidecar", one.display()),
                    _ => println!(
                        "wrote {} articles with sidecars into {}",
                        written.len(),
                        folder.display()
                    ),
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("spantag generate: {e}");
                ExitCode::from(1)
            }
        },
        Commands::Agree { folders, json } => match corpus::agree(&folders) {
            Ok(report) => {
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
                if compared == 0 || !report.problems.is_empty() {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) => {
                eprintln!("spantag agree: {e}");
                ExitCode::from(1)
            }
        },
        Commands::Suggest {
            corpus: path,
            accept,
        } => suggest(&path, accept),
        Commands::Desktop { action } => desktop(action),
        Commands::Validate { corpus: path } => match corpus::validate(&path) {
            Ok((articles, problems)) => {
                println!("{articles} articles checked, {} problems", problems.len());
                report_problems(&problems)
            }
            Err(e) => {
                eprintln!("spantag validate: {}: {e}", path.display());
                ExitCode::from(1)
            }
        },
    }
}

/// `spantag suggest`: one line per proposal, a count per rule, and what was accepted.
fn suggest(path: &std::path::Path, accept: bool) -> ExitCode {
    let folder = corpus::scheme_folder(path);
    let rules = match corpus::load_rules(&folder) {
        Ok(Some(rules)) => rules,
        Ok(None) => {
            eprintln!(
                "spantag suggest: no rules: {} does not exist. A minimal one:\n{}",
                folder.join(crate::suggest::SUGGEST_FILE).display(),
                crate::suggest::EXAMPLE
            );
            return ExitCode::from(1);
        }
        Err(problem) => {
            eprintln!("spantag suggest: {problem}");
            return ExitCode::from(1);
        }
    };
    let (found, problems) = match corpus::suggest(path, &rules, accept) {
        Ok(result) => result,
        Err(e) => {
            eprintln!("spantag suggest: {}: {e}", path.display());
            return ExitCode::from(1);
        }
    };
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
    report_problems(&problems)
}

/// `spantag entities`: the entity index as text, JSON or CSV; unreadable sidecars (and a
/// broken entities.ron) on stderr, exit code 1.
fn entities(path: &std::path::Path, json: bool, csv: bool) -> ExitCode {
    use crate::store::entity_index;
    let root = corpus::scheme_folder(path);
    let mut problems = Vec::new();
    let entities = crate::store::entities::load(&root).unwrap_or_else(|problem| {
        problems.push(problem);
        crate::model::Entities::default()
    });
    let progress = entity_index::Progress::default();
    let built = match entity_index::build(path, &entities, &progress) {
        Ok(built) => built,
        Err(e) => {
            eprintln!("spantag entities: {}: {e}", path.display());
            return ExitCode::from(1);
        }
    };
    problems.extend(built.problems);
    let index = built.index;
    if json {
        print_json(&index);
    } else if csv {
        let (scheme, _) = corpus::load_scheme(&root);
        if let Err(e) = print_entities_csv(&index, &scheme) {
            eprintln!("spantag entities: {e}");
            return ExitCode::from(1);
        }
    } else {
        print_entities(&index);
    }
    report_problems(&problems)
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
fn print_agreement(report: &corpus::AgreeReport) {
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
