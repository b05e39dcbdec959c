//! Export throughput: 2,000 generated articles (about 10 MB of text, 100,000 spans) to
//! jsonl, against `cat` reading the same files (articles and sidecars).
//!
//! Run: `cargo bench --bench export`. Prints the median of 5 runs of each. With
//! `SPANTAG_BENCH_DIR=folder` the corpus is written there and kept, e.g. to profile
//! `spantag export folder --format jsonl --out x.jsonl` on it.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use spantag::export::{Format, Options};
use spantag::model::{generate, Scheme};
use spantag::store::{corpus, sidecar_path};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let temp = tempfile::tempdir().expect("a temporary folder");
    let kept = std::env::var_os("SPANTAG_BENCH_DIR").map(PathBuf::from);
    let dir = kept.as_deref().unwrap_or(temp.path());
    let mut files: Vec<PathBuf> = Vec::new();
    let mut text_bytes = 0;
    let mut spans = 0;
    for seed in 0..2_000 {
        let mut doc = generate::article(seed, 5_000, 50);
        let path = dir.join(format!("a{seed:04}.txt"));
        corpus::write_article(&path, &mut doc).expect("write the corpus");
        text_bytes += doc.text().as_str().len();
        spans += doc.annotations().len();
        files.push(sidecar_path(&path));
        files.push(path);
    }
    println!(
        "corpus: 2000 articles, {:.1} MB of text, {spans} spans",
        text_bytes as f64 / 1e6
    );

    let cat = median(
        (0..5)
            .map(|_| {
                let start = Instant::now();
                let status = Command::new("cat")
                    .args(&files)
                    .stdout(std::process::Stdio::null())
                    .status()
                    .expect("cat runs");
                assert!(status.success());
                start.elapsed()
            })
            .collect(),
    );
    let scheme = Scheme::default();
    let out = temp.path().join("out.jsonl");
    let export = median(
        (0..5)
            .map(|_| {
                let start = Instant::now();
                spantag::store::export::export(
                    dir,
                    Format::Jsonl,
                    &out,
                    &scheme,
                    Options::default(),
                    |_, _| true,
                )
                .expect("export");
                start.elapsed()
            })
            .collect(),
    );
    // Where the time goes: reading and parsing alone, and the sidecar parser alone.
    let articles: Vec<PathBuf> = files.iter().skip(1).step_by(2).cloned().collect();
    let load = median(
        (0..5)
            .map(|_| {
                let start = Instant::now();
                for path in &articles {
                    corpus::load(path).expect("load");
                }
                start.elapsed()
            })
            .collect(),
    );
    let sidecars: Vec<String> = files
        .iter()
        .step_by(2)
        .map(|p| std::fs::read_to_string(p).expect("read"))
        .collect();
    let parse = median(
        (0..5)
            .map(|_| {
                let start = Instant::now();
                for s in &sidecars {
                    spantag::model::sidecar::decode(s).expect("parse");
                }
                start.elapsed()
            })
            .collect(),
    );
    println!(
        "cat (articles + sidecars):     {:>8.1} ms",
        cat.as_secs_f64() * 1e3
    );
    println!(
        "export jsonl:                  {:>8.1} ms",
        export.as_secs_f64() * 1e3
    );
    println!(
        "  loading (read, decode, hash, parse sidecar): {:>6.1} ms",
        load.as_secs_f64() * 1e3
    );
    println!(
        "  parsing the sidecars alone:                  {:>6.1} ms",
        parse.as_secs_f64() * 1e3
    );
    println!(
        "ratio export / cat:            {:>8.2}",
        export.as_secs_f64() / cat.as_secs_f64()
    );
}
