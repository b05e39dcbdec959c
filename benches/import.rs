//! Import throughput: 2,000 generated articles (about 10 MB of text, 100,000 spans)
//! imported from jsonl and from a brat folder, next to exporting the same articles to
//! each. The import should stay within 3x the export.
//!
//! Run: `cargo bench --bench import`. Prints the median of 5 runs of each, and where an
//! import's time goes (reading and parsing the input, against the whole import). With
//! `SPANTAG_BENCH_DIR=folder` the inputs are written there and kept, e.g. to profile
//! `spantag import folder/all.jsonl --format jsonl --into x` on them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use spantag::export::{Format, Options};
use spantag::model::{generate, Scheme};
use spantag::store::import::{self, Request};
use spantag::store::{corpus, Progress};

mod common;

fn timed(runs: usize, mut run: impl FnMut(usize)) -> f64 {
    let times: Vec<Duration> = (0..runs)
        .map(|k| {
            let start = Instant::now();
            run(k);
            start.elapsed()
        })
        .collect();
    common::median_ms(times)
}

fn export(corpus_dir: &Path, format: Format, out: &Path) {
    let summary = spantag::store::export::export(
        corpus_dir,
        format,
        out,
        &Scheme::default(),
        Options::default(),
        |_, _| true,
    )
    .expect("export");
    assert_eq!(summary.report.articles, 2_000);
}

fn import(input: &Path, format: spantag::import::Format, into: PathBuf) -> import::Outcome {
    let request = Request {
        input: input.to_path_buf(),
        format,
        into,
        options: spantag::import::Options::default(),
        strict: true,
        force: false,
    };
    let outcome = import::run(&request, &Progress::default()).expect("import");
    assert!(
        outcome.written && outcome.articles == 2_000,
        "{:?}",
        outcome.report.errors.first()
    );
    outcome
}

fn main() {
    let temp = tempfile::tempdir().expect("a temporary folder");
    let kept = std::env::var_os("SPANTAG_BENCH_DIR").map(PathBuf::from);
    let dir = kept.as_deref().unwrap_or(temp.path());
    let corpus_dir = dir.join("corpus");
    let mut text_bytes = 0;
    let mut spans = 0;
    for seed in 0..2_000 {
        let mut doc = generate::article(seed, 5_000, 50);
        let path = corpus_dir.join(format!("a{seed:04}.txt"));
        corpus::write_article(&path, &mut doc).expect("write the corpus");
        text_bytes += doc.text().as_str().len();
        spans += doc.annotations().len();
    }
    println!(
        "corpus: 2000 articles, {:.1} MB of text, {spans} spans",
        text_bytes as f64 / 1e6
    );
    let jsonl = dir.join("all.jsonl");
    let brat = dir.join("brat");
    export(&corpus_dir, Format::Jsonl, &jsonl);
    export(&corpus_dir, Format::Brat, &brat);

    let scratch = tempfile::tempdir().expect("a temporary folder");
    let fresh = |name: &str, k: usize| scratch.path().join(format!("{name}-{k}"));
    // The floor of any import of these articles: their 4,000 files (texts and sidecars)
    // written plainly, without temporary names or flushes.
    let files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&corpus_dir)
        .expect("list")
        .map(|e| {
            let path = e.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("read"))
        })
        .collect();
    // Interleaved, so that each pair meets the same disk (a shared machine's disk is busy
    // by turns).
    let mut runs: [Vec<Duration>; 5] = Default::default();
    for k in 0..5 {
        let time = |run: &mut dyn FnMut()| {
            let start = Instant::now();
            run();
            start.elapsed()
        };
        runs[0].push(time(&mut || {
            export(&corpus_dir, Format::Jsonl, &fresh("x.jsonl", k))
        }));
        runs[1].push(time(&mut || {
            import(
                &jsonl,
                spantag::import::Format::Jsonl,
                fresh("from-jsonl", k),
            );
        }));
        runs[2].push(time(&mut || {
            export(&corpus_dir, Format::Brat, &fresh("x-brat", k))
        }));
        runs[3].push(time(&mut || {
            import(&brat, spantag::import::Format::Brat, fresh("from-brat", k));
        }));
        runs[4].push(time(&mut || {
            let folder = fresh("plain", k);
            std::fs::create_dir(&folder).expect("folder");
            for (name, bytes) in &files {
                std::fs::write(folder.join(name), bytes).expect("write");
            }
        }));
    }
    let [export_jsonl, import_jsonl, export_brat, import_brat, plain] = runs.map(common::median_ms);
    // Where an import's time goes: reading and parsing the input alone.
    let input = std::fs::read_to_string(&jsonl).expect("read");
    let parse_jsonl = timed(5, |_| {
        let parsed = spantag::import::parse(
            spantag::import::Format::Jsonl,
            "all.jsonl",
            &input,
            &spantag::import::Options::default(),
        );
        assert_eq!(parsed.articles.len(), 2_000);
    });
    let imported = import(&jsonl, spantag::import::Format::Jsonl, fresh("check", 0));
    assert_eq!(imported.spans, spans, "every span comes back");

    println!("writing the 4000 files plainly: {plain:>7.1} ms");
    println!("export jsonl:                  {export_jsonl:>8.1} ms");
    println!("import jsonl:                  {import_jsonl:>8.1} ms");
    println!("  reading and parsing alone:   {parse_jsonl:>8.1} ms");
    println!(
        "ratio import / export (jsonl): {:>8.2}",
        import_jsonl / export_jsonl
    );
    println!("export brat:                   {export_brat:>8.1} ms");
    println!("import brat:                   {import_brat:>8.1} ms");
    println!(
        "ratio import / export (brat):  {:>8.2}",
        import_brat / export_brat
    );
    println!(
        "resident memory after:         {:>8.1} MB",
        common::rss_mb()
    );
}
