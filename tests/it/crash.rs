//! Crash safety for real: a child process tags and saves in a loop and is killed (SIGKILL)
//! at random moments, many times over. Whatever it leaves behind must be a sidecar it wrote
//! whole, never a torn or empty one, and never older than the last save it reported.
//!
//! The child is this test binary run again on [`child_saves_in_a_loop`] alone, with the
//! article's path in [`ARTICLE_VAR`]. Each child continues from the sidecar on disk, and the
//! k-th tag is the same whichever child applies it, so the parent can rebuild the exact
//! bytes of every version by replaying the tags on an untouched copy of the article.

use std::io::{BufRead, BufReader, Read, Write};
use std::ops::Range;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use spantag::model::{sidecar, Command, Document};
use spantag::store::{sidecar_path, SaveState, Saver, Session};

use crate::util::sample_copy;

/// The environment variable that turns the child test on: the article to work on.
const ARTICLE_VAR: &str = "SPANTAG_CRASH_ARTICLE";
/// The child test, as the harness names it.
const CHILD_TEST: &str = "crash::child_saves_in_a_loop";
/// Marks the child's own lines among the harness's output.
const MARK: &str = "spantag-crash:";
/// The sample worked on: the longest, so there are many distinct spans to make.
const SAMPLE: &str = "lavrov-libya.txt";
const ROUNDS: u64 = 60;
/// A child stops by itself after this many saves, so it can never run forever.
const CHILD_MAX_SAVES: usize = 10_000;
const LABELS: [&str; 4] = ["actor", "location", "claim", "quote"];

/// The char ranges of the whitespace-separated words of a text.
fn words(text: &str) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.chars().enumerate() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                words.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(s..text.chars().count());
    }
    words
}

/// The k-th tag (from 0) of the one sequence every child follows: pass `p` tags every run
/// of `p + 1` consecutive words in turn, so no two tags are alike and the sequence does
/// not run out.
fn nth_tag(words: &[Range<usize>], k: usize) -> Command {
    let n = words.len();
    let (mut pass, mut index) = (0, k);
    while index >= n - pass {
        index -= n - pass;
        pass += 1;
        assert!(pass < n, "tag {k} is beyond the sequence");
    }
    Command::Tag {
        char_range: words[index].start..words[index + pass].end,
        label: LABELS[k % LABELS.len()].into(),
        attrs: Default::default(),
    }
}

fn apply_nth_tag(document: &mut Document, words: &[Range<usize>], k: usize) {
    let applied = document.apply(nth_tag(words, k)).expect("a valid tag");
    assert!(applied.changed, "tag {k} changed nothing");
}

/// What the child reports on its stdout.
#[derive(Debug)]
enum Event {
    /// Opened the article with this many spans already saved.
    Start(usize),
    /// A save of this many spans has returned.
    Saved(usize),
}

fn parse_event(line: &str) -> Option<Event> {
    let rest = &line[line.find(MARK)? + MARK.len()..];
    let mut parts = rest.split_whitespace();
    let kind = parts.next()?;
    let count = parts.next()?.parse().ok()?;
    match kind {
        "start" => Some(Event::Start(count)),
        "saved" => Some(Event::Saved(count)),
        _ => None,
    }
}

#[test]
#[ignore = "run by the crash test as a child process"]
fn child_saves_in_a_loop() {
    let Some(article) = std::env::var_os(ARTICLE_VAR) else {
        return;
    };
    let article = Path::new(&article);
    let saver = Saver::new(|| {});
    let mut session = Session::open(article).expect("the article opens");
    assert_eq!(
        session.read_only, None,
        "the sidecar left behind is unreadable"
    );
    let words = words(session.document.text().as_str());
    let start = session.document.annotations().len();
    let mut out = std::io::stdout().lock();
    // The leading newline ends the harness's "test ... " line.
    writeln!(out, "\n{MARK} start {start}").unwrap();
    out.flush().unwrap();
    for k in start..start + CHILD_MAX_SAVES {
        apply_nth_tag(&mut session.document, &words, k);
        session.save_now(&saver);
        assert_eq!(session.save_state(), SaveState::Saved);
        writeln!(out, "{MARK} saved {}", k + 1).unwrap();
        out.flush().unwrap();
    }
}

/// A small deterministic generator (SplitMix64), so every run kills at the same moments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// When a round kills its child.
#[derive(Clone, Copy, Debug)]
enum Kill {
    /// This long after spawning it.
    After(Duration),
    /// As soon as it reports this many saves in this round.
    AfterSaves(usize),
}

fn kill_plan(round: u64) -> Kill {
    let mut rng = Rng(0x5EED_0000 + round);
    match rng.below(8) {
        // Very early: while it starts, opens the article or makes its first saves.
        0 | 1 => Kill::After(Duration::from_millis(rng.below(25))),
        // Right after a save returned, before or while the next one is written.
        2 | 3 => Kill::AfterSaves(1 + rng.below(30) as usize),
        _ => Kill::After(Duration::from_millis(25 + rng.below(275))),
    }
}

/// The sidecars an untouched copy of the article has after its first `count` tags.
struct Versions {
    _dir: tempfile::TempDir,
    document: Document,
    words: Vec<Range<usize>>,
    /// Recent versions by span count: the ones a round may still ask for again.
    recent: Vec<(usize, String)>,
}

impl Versions {
    fn new() -> Self {
        let (dir, article) = sample_copy(SAMPLE);
        let document = Session::open(&article).unwrap().document;
        let words = words(document.text().as_str());
        Versions {
            _dir: dir,
            document,
            words,
            recent: Vec::new(),
        }
    }

    /// The sidecar after `count` tags. Counts below the newest one asked for must be
    /// among the last few asked for.
    fn bytes(&mut self, count: usize) -> &str {
        if let Some(i) = self.recent.iter().position(|(c, _)| *c == count) {
            return &self.recent[i].1;
        }
        let done = self.document.annotations().len();
        assert!(count >= done, "version {count} asked for after {done}");
        for k in done..count {
            apply_nth_tag(&mut self.document, &self.words, k);
        }
        if self.recent.len() == 3 {
            self.recent.remove(0);
        }
        self.recent.push((count, sidecar::encode(&self.document)));
        &self.recent.last().unwrap().1
    }
}

/// The temporary file a process left beside the sidecar, if any.
fn temp_file_of(dir: &Path, pid: u32) -> Option<std::path::PathBuf> {
    let prefix = format!(".{SAMPLE}{}.{pid}.", sidecar::SUFFIX);
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(".tmp")
        })
}

#[test]
fn a_save_killed_at_any_moment_leaves_a_whole_sidecar_and_loses_nothing_reported() {
    let (dir, article) = sample_copy(SAMPLE);
    let sidecar_file = sidecar_path(&article);
    let mut versions = Versions::new();
    // This very binary, even if a rebuild has replaced the file since it started.
    let exe = if Path::new("/proc/self/exe").exists() {
        "/proc/self/exe".into()
    } else {
        std::env::current_exe().unwrap()
    };
    let began = Instant::now();
    // Spans in the sidecar on disk, as checked after the previous round.
    let mut on_disk = 0;
    // Rounds whose child was killed: at all, after reporting a save, after a rename it
    // had not reported yet, and with its temporary file empty, partly or wholly written.
    let (mut killed, mut after_a_save, mut renamed_unreported) = (0, 0, 0);
    let (mut temp_empty, mut temp_partial, mut temp_whole) = (0, 0, 0);

    for round in 0..ROUNDS {
        let plan = kill_plan(round);
        let before = on_disk;
        let mut child = Process::new(&exe)
            .args([
                CHILD_TEST,
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ARTICLE_VAR, &article)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the test binary starts again");
        let pid = child.id();
        let (events_tx, events) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut lines = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(event) = parse_event(&line) {
                    // The parent stops listening once it has killed the child.
                    let _ = events_tx.send(event);
                }
                lines.push(line);
            }
            lines
        });
        let mut stderr = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });

        // Wait for the moment to kill, then kill.
        let spawned = Instant::now();
        let mut saves_seen = 0;
        loop {
            let wait = match plan {
                Kill::After(delay) => delay.saturating_sub(spawned.elapsed()),
                Kill::AfterSaves(n) if saves_seen < n => Duration::from_secs(10),
                Kill::AfterSaves(_) => break,
            };
            match events.recv_timeout(wait) {
                Ok(Event::Saved(_)) => saves_seen += 1,
                Ok(Event::Start(_)) => {}
                Err(_) => break,
            }
        }
        let _ = child.kill();
        let status = child.wait().unwrap();
        let lines = reader.join().unwrap();
        let stderr = stderr.join().unwrap();
        let was_killed = status.signal() == Some(9);
        assert!(
            was_killed || status.success(),
            "round {round}: the child failed ({status}):\n{}\n{stderr}",
            lines.join("\n")
        );
        killed += usize::from(was_killed);

        // Everything the child printed before it died: the newest save it reported.
        let mut reported = None;
        for event in lines.iter().filter_map(|l| parse_event(l)) {
            match event {
                Event::Start(count) => {
                    assert_eq!(count, on_disk, "round {round}: the child started elsewhere")
                }
                Event::Saved(count) => reported = Some(count),
            }
        }
        let acknowledged = reported.unwrap_or(on_disk);
        assert!(
            acknowledged >= on_disk,
            "round {round}: saves went backwards"
        );
        after_a_save += usize::from(was_killed && reported.is_some());

        // The sidecar is a whole version: the one last reported, or the one after it if
        // the kill came between its rename and the report.
        let found = match std::fs::read(&sidecar_file) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                assert_eq!(acknowledged, 0, "round {round}: a reported save was lost");
                0
            }
            Err(e) => panic!("round {round}: cannot read the sidecar: {e}"),
            Ok(bytes) => {
                assert!(!bytes.is_empty(), "round {round}: an empty sidecar");
                let text = String::from_utf8(bytes)
                    .unwrap_or_else(|e| panic!("round {round}: a torn sidecar: {e}"));
                let decoded = sidecar::decode(&text)
                    .unwrap_or_else(|e| panic!("round {round}: a torn sidecar: {e}\n{text}"));
                let count = decoded.spans.len();
                let (document, report) = sidecar::attach(
                    versions.document.text().clone(),
                    versions.document.meta.clone(),
                    decoded,
                )
                .unwrap();
                assert!(
                    report.anchoring.orphaned.is_empty(),
                    "round {round}: {report:?}"
                );
                assert!(!report.article_changed, "round {round}: {report:?}");
                assert_eq!(document.annotations().len(), count);
                assert!(
                    count == acknowledged || count == acknowledged + 1,
                    "round {round}: {count} spans on disk, {acknowledged} reported saved"
                );
                assert!(
                    text == versions.bytes(count),
                    "round {round}: the sidecar of {count} spans is not the one written"
                );
                renamed_unreported += usize::from(count == acknowledged + 1);
                count
            }
        };
        on_disk = found;

        // A temporary file left behind is the start of the next version, never renamed.
        let mut temp_note = String::new();
        if let Some(temp) = temp_file_of(dir.path(), pid) {
            assert_eq!(
                found, acknowledged,
                "round {round}: a temporary file after a rename"
            );
            let bytes = std::fs::read(&temp).unwrap();
            let next = versions.bytes(acknowledged + 1).as_bytes();
            assert!(
                next.starts_with(&bytes),
                "round {round}: {} is not the start of the next version",
                temp.display()
            );
            match bytes.len() {
                0 => temp_empty += 1,
                n if n < next.len() => temp_partial += 1,
                _ => temp_whole += 1,
            }
            temp_note = format!(
                ", left a temporary file of {}/{} bytes",
                bytes.len(),
                next.len()
            );
        }
        println!(
            "round {round:2}: {plan:?}, {} saves reported, {found} spans on disk{temp_note}{}",
            acknowledged - before,
            if was_killed { "" } else { ", exited by itself" },
        );
    }

    println!(
        "{ROUNDS} rounds in {:.1?}: {killed} killed, {after_a_save} after reporting a save, \
         {renamed_unreported} after a rename not yet reported; temporary files left: \
         {temp_empty} empty, {temp_partial} partly written, {temp_whole} wholly written; \
         {on_disk} spans at the end",
        began.elapsed()
    );
    assert!(killed >= ROUNDS as usize / 2, "too few kills: {killed}");
    assert!(
        after_a_save >= ROUNDS as usize / 4,
        "too few rounds killed after a save: {after_a_save}"
    );
}
