//! The real app, headless, on a book-length article: an `egui::Context` runs the app's own
//! `logic` and `ui` each frame, and the output is tessellated, as eframe does before it
//! paints. Rendering (the GPU or software rasterizer) is not counted.
//!
//! Run: `cargo bench --bench frame`. Generates a 5 MB article with 50,000 spans and a 10 KB
//! one with 100 (deterministic), then prints medians:
//! - open: read, decode, parse and attach the sidecar (on another thread, for a book, with
//!   the window drawing frames meanwhile), and the first frame that shows it;
//! - steady frame: scrolling a few rows a frame, the pointer moving over the text;
//! - the frame after a tag, a retag, a removal and an undo;
//! - jumping to a span far down the article;
//! - the caret keys (→, ↓, Ctrl+→, PageDown) and the same with Shift, which extends the
//!   selection, in the middle of the book;
//! - Ctrl+F over the whole article: the frame that finds every match and the one that
//!   jumps to the first;
//! - saving the 50,000-span sidecar: the snapshot the UI thread takes, the encoding and
//!   atomic write the saver thread does, and the frame of an edit made while a save still
//!   holds the span list; loading it (parse and attach);
//! - memory added by opening the big article, over the small one (resident set size);
//! - the book in a folder with the samples' `suggest.ron`: open (the rules run on the
//!   loading thread), the steady frame with the proposals drawn, and the frame that
//!   accepts one (or undoes that).

mod common;
use common::{median_ms, rss_mb};

use std::path::Path;
use std::time::{Duration, Instant};

use eframe::App as _;
use egui::{Event, Pos2, RawInput, Rect, Vec2};
use spantag::model::generate;
use spantag::model::sidecar::Snapshot;
use spantag::store::corpus;
use spantag::ui::{AppCommand, Selection, SpantagApp};

const SIZE: Vec2 = Vec2::new(1180.0, 780.0);

struct Driver {
    ctx: egui::Context,
    app: SpantagApp,
    frame: eframe::Frame,
    time: f64,
}

impl Driver {
    fn open(path: &Path) -> (Driver, Duration) {
        let ctx = egui::Context::default();
        let start = Instant::now();
        spantag::ui::fonts::install(&ctx, spantag::ui::fonts::FontSources::SystemThenBundled);
        let app = SpantagApp::new(&ctx, Some(path));
        let mut driver = Driver {
            ctx,
            app,
            frame: eframe::Frame::_new_kittest(),
            time: 0.0,
        };
        // A book opens on another thread: step, as the window does, until it is there.
        while driver.app.workspace.session.is_none() {
            driver.step(Vec::new());
            std::thread::sleep(Duration::from_millis(1));
        }
        driver.step(Vec::new());
        (driver, start.elapsed())
    }

    /// One frame: the app's logic and ui, then tessellation. Returns its CPU time.
    fn step(&mut self, events: Vec<Event>) -> Duration {
        self.time += 1.0 / 60.0;
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, SIZE)),
            time: Some(self.time),
            events,
            ..Default::default()
        };
        let start = Instant::now();
        let (app, frame) = (&mut self.app, &mut self.frame);
        let output = self.ctx.run_ui(input, |ui| {
            app.logic(ui.ctx(), frame);
            app.ui(ui, frame);
        });
        let primitives = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        std::hint::black_box(primitives);
        // No renderer takes the textures: epaint asserts (in builds with debug
        // assertions) that a delta is never dropped unapplied.
        let mut textures = output.textures_delta;
        textures.clear();
        start.elapsed()
    }

    fn document(&self) -> &spantag::model::Document {
        &self
            .app
            .workspace
            .session
            .as_ref()
            .expect("an article is open")
            .document
    }

    fn send(&mut self, command: AppCommand) -> Duration {
        self.app.send(command);
        self.step(Vec::new())
    }
}

/// Steady frames: scrolling a little each frame with the pointer over the text.
fn steady(driver: &mut Driver, frames: usize) -> f64 {
    let runs = (0..frames)
        .map(|i| {
            let y = 200.0 + (i % 40) as f32 * 10.0;
            driver.step(vec![
                Event::PointerMoved(Pos2::new(400.0, y)),
                Event::MouseWheel {
                    unit: egui::MouseWheelUnit::Point,
                    delta: Vec2::new(0.0, -12.0),
                    modifiers: egui::Modifiers::NONE,
                    phase: egui::TouchPhase::Move,
                    source: egui::MouseWheelSource::Wheel,
                },
            ])
        })
        .collect();
    median_ms(runs)
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let small = dir.path().join("small.txt");
    let big = dir.path().join("big.txt");
    corpus::write_article(&small, &mut generate::article(1, 10_000, 100)).expect("write");
    corpus::write_article(&big, &mut generate::article(2, 5_000_000, 50_000)).expect("write");

    let (mut small_driver, _) = Driver::open(&small);
    let small_steady = steady(&mut small_driver, 200);
    let rss_small = rss_mb();

    // Memory first, before other openings leave freed memory in the allocator.
    let (mut driver, _) = Driver::open(&big);
    for _ in 0..10 {
        driver.step(Vec::new());
    }
    let rss_big = rss_mb();
    let opens: Vec<Duration> = (0..3).map(|_| Driver::open(&big).1).collect();
    let open = median_ms(opens);
    let big_steady = steady(&mut driver, 200);

    // Edits near the top of the view: tag a fresh range, retag, remove, undo.
    let spans = driver.document().annotations().len();
    let mut edits = Vec::new();
    for i in 0..20 {
        let at = 40 + i * 3;
        driver.send(AppCommand::Select(Selection::Text {
            anchor: at,
            head: at + 2,
        }));
        edits.push(driver.send(AppCommand::ApplyLabel("claim".into())));
        edits.push(driver.send(AppCommand::ApplyLabel("quote".into())));
        edits.push(driver.send(AppCommand::RemoveSelected));
        edits.push(driver.send(AppCommand::Undo));
    }
    let after_edit = median_ms(edits);

    let ids: Vec<u64> = driver
        .document()
        .annotations()
        .spans()
        .iter()
        .step_by(5_000)
        .map(|s| s.id)
        .collect();
    let jumps: Vec<Duration> = ids
        .iter()
        .rev()
        .map(|&id| {
            let start = Instant::now();
            driver.send(AppCommand::Reveal(id));
            driver.step(Vec::new());
            start.elapsed()
        })
        .collect();
    let jump = median_ms(jumps);

    // The caret: each key's frame (the move, the scroll request, the redraw) and the
    // frame after (the view following the caret), 60 presses each, from the middle of
    // the book; Shift extends the selection.
    let middle = driver.document().text().len_chars() / 2;
    driver.send(AppCommand::Select(Selection::Text {
        anchor: middle,
        head: middle,
    }));
    driver.step(Vec::new());
    let key = |key, modifiers| Event::Key {
        key,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers,
    };
    let (none, ctrl, shift) = (
        egui::Modifiers::NONE,
        egui::Modifiers::COMMAND,
        egui::Modifiers::SHIFT,
    );
    let mut caret_frames = Vec::new();
    for (name, k, m) in [
        ("→", egui::Key::ArrowRight, none),
        ("↓", egui::Key::ArrowDown, none),
        ("Ctrl+→", egui::Key::ArrowRight, ctrl),
        ("PageDown", egui::Key::PageDown, none),
        ("Shift+→", egui::Key::ArrowRight, shift),
        ("Shift+↓", egui::Key::ArrowDown, shift),
        ("Ctrl+Shift+→", egui::Key::ArrowRight, ctrl.plus(shift)),
        ("Shift+PageDown", egui::Key::PageDown, shift),
    ] {
        let runs: Vec<Duration> = (0..60)
            .map(|_| {
                let start = Instant::now();
                driver.step(vec![key(k, m)]);
                driver.step(Vec::new());
                start.elapsed()
            })
            .collect();
        caret_frames.push((name, median_ms(runs)));
    }

    // Ctrl+F: open the find bar with a query, let it search, step to the first match.
    let finds: Vec<Duration> = ["Cairo", "talks on Libya", "Łódź"]
        .iter()
        .map(|query| {
            driver.send(AppCommand::Find(spantag::ui::find::FindAction::Close));
            driver.send(AppCommand::ShowFind);
            if let Some(find) = &mut driver.app.view.find {
                find.query = query.to_string();
            }
            let start = Instant::now();
            driver.step(Vec::new());
            driver.send(AppCommand::Find(spantag::ui::find::FindAction::Step {
                forward: true,
            }));
            driver.step(Vec::new());
            start.elapsed()
        })
        .collect();
    let matches = driver.app.view.find.as_ref().map_or(0, |f| f.matches.len());
    let find = median_ms(finds);

    // What a save costs the UI thread (taking the snapshot), what the saver thread then
    // does (encode, atomic write), and the frame of an edit made while a save still holds
    // the span list (the one case where an edit copies it).
    let document = driver.document();
    let sidecar_path = spantag::store::sidecar_path(&big);
    let mut snapshots = Vec::new();
    let (encodes, saves): (Vec<Duration>, Vec<Duration>) = (0..5)
        .map(|_| {
            let start = Instant::now();
            let snapshot = Snapshot::of(document);
            snapshots.push(start.elapsed());
            let start = Instant::now();
            let bytes = snapshot.encode();
            let encoded = start.elapsed();
            spantag::store::atomic::write(&sidecar_path, bytes.as_bytes()).expect("save");
            (encoded, start.elapsed())
        })
        .unzip();
    let (snapshot, encode, save) = (median_ms(snapshots), median_ms(encodes), median_ms(saves));
    let copies: Vec<Duration> = (0..5)
        .map(|_| {
            let held = Snapshot::of(driver.document());
            let elapsed = driver.send(AppCommand::Undo);
            drop(held);
            driver.send(AppCommand::Redo);
            elapsed
        })
        .collect();
    let copy = median_ms(copies);
    let document = driver.document();
    let source = std::fs::read_to_string(&sidecar_path).expect("read");
    let loads: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            let parsed = spantag::model::sidecar::decode(&source).expect("parse");
            let attached = spantag::model::sidecar::attach(
                document.text().clone(),
                document.meta.clone(),
                parsed,
            );
            std::hint::black_box(attached.expect("attach"));
            start.elapsed()
        })
        .collect();
    let load = median_ms(loads);

    // The same book in a folder with the samples' suggest.ron: the rules run on the
    // loading thread, and the steady frame draws the proposals in view.
    let with_rules = dir.path().join("rules");
    std::fs::create_dir(&with_rules).expect("a folder");
    let rules_big = with_rules.join("big.txt");
    for (from, to) in [
        (big.clone(), rules_big.clone()),
        (
            spantag::store::sidecar_path(&big),
            spantag::store::sidecar_path(&rules_big),
        ),
        (
            Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples/suggest.ron"),
            with_rules.join("suggest.ron"),
        ),
    ] {
        std::fs::copy(from, to).expect("copy");
    }
    let rule_opens: Vec<Duration> = (0..3).map(|_| Driver::open(&rules_big).1).collect();
    let rule_open = median_ms(rule_opens);
    let (mut rules_driver, _) = Driver::open(&rules_big);
    let proposals = rules_driver.app.workspace.review.pending.len();
    let rules_steady = steady(&mut rules_driver, 200);
    // Accepting a suggestion (N, Enter) and undoing it: the frames that decide again which
    // proposals are shown.
    let mut rule_edits = Vec::new();
    for _ in 0..20 {
        rules_driver.send(AppCommand::NextProposal { forward: true });
        rule_edits.push(rules_driver.send(AppCommand::Accept(spantag::ui::Pick::Current)));
        rule_edits.push(rules_driver.send(AppCommand::Undo));
    }
    let rules_edit = median_ms(rule_edits);

    println!("article: 5 MB, {spans} spans (10 KB, 100 spans for the ratio)");
    println!("open (read, decode, sidecar, first frame): {open:.1} ms (median of 3)");
    println!("steady frame, 5 MB: {big_steady:.2} ms; 10 KB: {small_steady:.2} ms; ratio {:.2} (median of 200)", big_steady / small_steady);
    println!("frame after tag/retag/remove/undo: {after_edit:.2} ms (median of 80)");
    println!(
        "jump to a span (two frames): {jump:.2} ms (median of {})",
        ids.len()
    );
    for (name, ms) in &caret_frames {
        println!("caret key {name} (its frame and the next): {ms:.2} ms (median of 60)");
    }
    println!(
        "Ctrl+F over the article, to the first match (two frames): {find:.2} ms \
         (median of 3; the last query has {matches} matches)"
    );
    println!(
        "save the sidecar: on the UI thread, the snapshot {snapshot:.3} ms; on the saver thread \
         {save:.1} ms, of which encoding {encode:.1} ms and the atomic write with fsync the \
         rest; load it (parse, attach): {load:.1} ms (median of 5)"
    );
    println!(
        "the frame of an edit made while a save holds the span list (it copies it): \
         {copy:.2} ms (median of 5)"
    );
    println!(
        "memory added by the big article: {:.0} MB",
        rss_big - rss_small
    );
    println!(
        "with the samples' suggest.ron: open {rule_open:.1} ms (median of 3), {proposals} \
         proposals; steady frame drawing them {rules_steady:.2} ms (median of 200); \
         the frame accepting one, or undoing that, {rules_edit:.2} ms (median of 40)"
    );
}
