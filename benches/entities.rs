//! The corpus view's entity index over 50,000 small articles (built from the sidecars
//! alone, on every core, as the app does on a background thread), and the link-proposal
//! pass (`suggest::entity_mentions`) over the 5 MB book of the frame bench.
//!
//! Run: `cargo bench --bench entities`. Generates the inputs once (deterministic) into a
//! temporary folder, then prints medians of 5 runs. Targets: the index within 2 s; the
//! proposal pass within a frame (16 ms), or it belongs on the loading thread.

mod common;
use common::{median_ms, rss_mb};

use std::time::Instant;

use spantag::model::sidecar;
use spantag::model::{generate, Entities};
use spantag::store::entity_index::{self, Progress};
use spantag::store::sidecar_path;

const ARTICLES: u64 = 50_000;
const ENTITIES: [&str; 8] = [
    "Lavrov", "Alvarez", "Cairo", "NATO", "Tahrir", "Libya", "Lodz", "Jose",
];

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut entities = Entities::default();
    let ids: Vec<String> = ENTITIES
        .iter()
        .map(|n| entities.create(n, "actor").expect("a name"))
        .collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let start = Instant::now();
    for seed in 0..ARTICLES {
        let mut doc = generate::article(seed, 800, 8);
        generate::link_entities(&mut doc, &ids);
        let path = dir.path().join(format!("{:03}/a{seed:05}.txt", seed % 500));
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("a folder");
        // Plain writes: 100,000 atomic (flushed) writes would take minutes to set up.
        std::fs::write(&path, doc.text().as_str()).expect("write an article");
        std::fs::write(sidecar_path(&path), sidecar::encode(&doc)).expect("write a sidecar");
    }
    eprintln!(
        "generated {ARTICLES} articles in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let before_mb = rss_mb();
    let mut kept = None;
    let runs = (0..5)
        .map(|_| {
            let start = Instant::now();
            let built = entity_index::build(dir.path(), &entities, &Progress::default())
                .expect("the index");
            assert_eq!(built.index.articles, ARTICLES as usize);
            assert!(built.problems.is_empty());
            assert!(built.index.entities.iter().all(|r| r.mentions > 0));
            let elapsed = start.elapsed();
            kept = Some(built);
            elapsed
        })
        .collect();
    println!(
        "entity index over {ARTICLES} articles (800 chars, 8 spans each, in 500 folders): \
         {:.1} ms (median of 5)",
        median_ms(runs)
    );
    let statements: usize = kept.as_ref().map_or(0, |b| {
        b.index.entities.iter().map(|r| r.statements.len()).sum()
    });
    println!(
        "  {statements} statements held; resident memory grew {:.0} MB",
        rss_mb() - before_mb
    );

    let book = generate::article(2, 5_000_000, 50_000);
    let mut lavrov = entities.get(ids[0]).expect("Lavrov").clone();
    lavrov.aliases.push("Sergei Lavrov".into());
    let mut found = 0;
    let runs = (0..5)
        .map(|_| {
            let start = Instant::now();
            found = spantag::suggest::entity_mentions(&book, &lavrov).len();
            start.elapsed()
        })
        .collect();
    println!(
        "entity_mentions over the 5 MB book (50,000 spans), {found} proposals: {:.1} ms \
         (median of 5)",
        median_ms(runs)
    );
}
