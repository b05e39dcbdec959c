//! Scanning a folder of 10,000 small articles for the folder list (status and span count
//! from every sidecar), as the app does off the UI thread when a folder opens.
//!
//! Run: `cargo bench --bench scan`. Prints the median of 5 runs.

use std::time::{Duration, Instant};

use spantag::model::generate;
use spantag::store::corpus;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for seed in 0..10_000 {
        let mut doc = generate::article(seed, 1_500, 10);
        let path = dir.path().join(format!("{:02}/a{seed:05}.txt", seed % 50));
        corpus::write_article(&path, &mut doc).expect("write the folder");
    }
    let mut runs: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            let list = spantag::store::walk::articles(dir.path()).expect("list");
            let entries: Vec<_> = list
                .into_iter()
                .map(|(id, path)| spantag::store::stats::summarize(id, path))
                .collect();
            assert_eq!(entries.len(), 10_000);
            start.elapsed()
        })
        .collect();
    runs.sort();
    println!(
        "scan of 10,000 articles in 50 sub-folders: {:.1} ms (median of 5)",
        runs[2].as_secs_f64() * 1e3
    );
}
