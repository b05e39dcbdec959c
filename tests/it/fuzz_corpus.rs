//! The fuzzers' saved corpus (`fuzz/corpus/`), replayed through the same checks the
//! cargo-fuzz targets run, so CI covers every input a fuzzer kept without a fuzzer.

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        // A panic names the input, so it can be run again with `cargo fuzz run`.
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{} fails {target}", path.display());
        count += 1;
    }
    assert!(count >= 3, "only {count} inputs for {target}");
}

#[test]
fn the_sidecar_corpus_replays_cleanly() {
    replay("sidecar", spantag::fuzz::sidecar);
}

#[test]
fn the_decode_corpus_replays_cleanly() {
    replay("decode", spantag::fuzz::decode);
}

#[test]
fn the_reanchor_corpus_replays_cleanly() {
    replay("reanchor", spantag::fuzz::reanchor);
}

#[test]
fn the_extract_corpus_replays_cleanly() {
    replay("extract", spantag::fuzz::extract);
}
