//! Exporting a corpus holds one article at a time: peak memory is bounded by the largest
//! article, not by the corpus. Its own test binary, because it installs a counting
//! allocator (per thread, so other tests cannot disturb the count).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use spantag::export::{Format, Options};
use spantag::model::{generate, Scheme};
use spantag::store::corpus;

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    let _ = LIVE.try_with(|live| {
        live.set(live.get() + delta);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(live.get())));
    });
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counters are
// plain thread-local cells that never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn exporting_a_corpus_holds_one_article_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let article_chars = 200_000;
    let articles = 40;
    for seed in 0..articles {
        let mut doc = generate::article(seed, article_chars, 400);
        corpus::write_article(&dir.path().join(format!("a{seed:03}.txt")), &mut doc).unwrap();
    }
    let corpus_bytes: u64 = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    let out = dir.path().join("out.jsonl");
    let scheme = Scheme::default();

    let before = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(before));
    let summary = spantag::store::export::export(
        dir.path(),
        Format::Jsonl,
        &out,
        &scheme,
        Options::default(),
        |_, _| true,
    )
    .unwrap();
    let peak = (PEAK.with(Cell::get) - before) as u64;

    assert_eq!(summary.report.articles, articles as usize);
    let out_bytes = std::fs::metadata(&out).unwrap().len();
    assert!(
        out_bytes > corpus_bytes / 2,
        "the export holds the corpus text"
    );
    // One article is about 0.3 MB of text and 0.15 MB of sidecar; the corpus is ~18 MB.
    // Holding it, or the output, would need far more than this bound.
    assert!(
        peak < 4 * 1024 * 1024,
        "peak {peak} bytes while exporting {corpus_bytes} bytes of corpus"
    );
}
