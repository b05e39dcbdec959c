//! Files that change under an open article: a newer sidecar is never overwritten unasked,
//! a clean session reloads, a dirty one asks, and a changed article is re-anchored.

use std::path::Path;
use std::time::{Duration, Instant};

use spantag::model::Anchor;
use spantag::store::watch::FolderWatcher;
use spantag::store::{sidecar_path, External, Resolution, SaveState, Saver, Session};

use crate::util::{sample_copy, tag};

/// A colleague's version of the sidecar: this one's, with one more span tagged elsewhere.
fn colleague_edits(article: &Path, text: &str) -> String {
    let saver = Saver::new(|| {});
    let mut theirs = Session::open(article).unwrap();
    tag(&mut theirs, text, "actor");
    theirs.save_now(&saver);
    assert_eq!(theirs.save_state(), SaveState::Saved);
    std::fs::read_to_string(sidecar_path(article)).unwrap()
}

#[test]
fn a_save_never_overwrites_a_sidecar_changed_since_it_was_read() {
    let (_dir, article) = sample_copy("harbour-strike.txt");
    let saver = Saver::new(|| {});
    let mut mine = Session::open(&article).unwrap();
    tag(&mut mine, "Santiago", "location");
    // Someone else writes the sidecar first (no watcher told us).
    let theirs = colleague_edits(&article, "Valparaíso");
    mine.save_now(&saver);
    assert_eq!(mine.save_state(), SaveState::Conflict);
    assert_eq!(
        std::fs::read_to_string(sidecar_path(&article)).unwrap(),
        theirs
    );
    assert_eq!(
        mine.conflict.as_ref().unwrap().theirs.as_deref(),
        Some(theirs.as_bytes())
    );
    // Autosave does not retry while the analyst decides.
    assert_eq!(mine.autosave(1000.0, &saver), None);
    assert_eq!(
        std::fs::read_to_string(sidecar_path(&article)).unwrap(),
        theirs
    );
}

#[test]
fn a_clean_session_reloads_a_changed_sidecar() {
    let (_dir, article) = sample_copy("harbour-strike.txt");
    let saver = Saver::new(|| {});
    let mut mine = Session::open(&article).unwrap();
    colleague_edits(&article, "Valparaíso");
    assert_eq!(mine.sidecar_changed_on_disk(&saver), External::Reloaded);
    let spans = mine.document.annotations().spans();
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].text, "Valparaíso");
    assert_eq!(mine.save_state(), SaveState::Saved);
    // The same bytes again (our own write, or a touch) are nothing.
    assert_eq!(mine.sidecar_changed_on_disk(&saver), External::Nothing);
}

#[test]
fn our_own_save_seen_by_the_watcher_before_its_result_is_nothing() {
    let (_dir, article) = sample_copy("harbour-strike.txt");
    let saver = Saver::new(|| {});
    let mut mine = Session::open(&article).unwrap();
    tag(&mut mine, "Santiago", "location");
    // Submitted, its result not yet taken: the watcher's event is our own write.
    assert_eq!(mine.autosave(0.0, &saver), Some(0.3));
    assert_eq!(mine.autosave(10.0, &saver), None);
    assert_eq!(mine.save_state(), SaveState::Saving);
    assert_eq!(mine.sidecar_changed_on_disk(&saver), External::Nothing);
    assert_eq!(mine.save_state(), SaveState::Saved);
    assert!(mine.conflict.is_none());
}

#[test]
fn a_dirty_session_asks_and_each_answer_does_what_it_says() {
    for resolution in [
        Resolution::KeepMine,
        Resolution::TakeTheirs,
        Resolution::SaveMineAsCopy,
    ] {
        let (dir, article) = sample_copy("harbour-strike.txt");
        let saver = Saver::new(|| {});
        let mut mine = Session::open(&article).unwrap();
        tag(&mut mine, "Santiago", "location");
        let theirs = colleague_edits(&article, "Valparaíso");
        assert_eq!(mine.sidecar_changed_on_disk(&saver), External::Conflict);
        assert_eq!(mine.document.annotations().len(), 1, "mine kept in memory");
        let copy = mine.resolve(resolution, &saver).unwrap();
        let on_disk = std::fs::read_to_string(sidecar_path(&article)).unwrap();
        let texts: Vec<String> = mine
            .document
            .annotations()
            .spans()
            .iter()
            .map(|s| s.text.clone())
            .collect();
        match resolution {
            Resolution::KeepMine => {
                assert_eq!(texts, ["Santiago"]);
                assert!(on_disk.contains("\"Santiago\"") && !on_disk.contains("Valpara"));
                assert_eq!(mine.save_state(), SaveState::Saved);
            }
            Resolution::TakeTheirs => {
                assert_eq!(texts, ["Valparaíso"]);
                assert_eq!(on_disk, theirs);
            }
            Resolution::SaveMineAsCopy => {
                assert_eq!(texts, ["Valparaíso"]);
                assert_eq!(on_disk, theirs);
                let copy = copy.expect("a copy");
                assert_eq!(copy.parent(), Some(dir.path()));
                let name = copy.file_name().unwrap().to_string_lossy().into_owned();
                assert_eq!(name, "harbour-strike.txt.ann.ron.mine-1");
                let kept = std::fs::read_to_string(&copy).unwrap();
                assert!(kept.contains("\"Santiago\""), "{kept}");
            }
        }
        assert!(mine.conflict.is_none());
    }
}

#[test]
fn a_deleted_sidecar_is_never_taken_silently() {
    let (_dir, article) = sample_copy("harbour-strike.txt");
    let saver = Saver::new(|| {});
    let mut mine = Session::open(&article).unwrap();
    tag(&mut mine, "Santiago", "location");
    mine.save_now(&saver);
    std::fs::remove_file(sidecar_path(&article)).unwrap();
    assert_eq!(mine.sidecar_changed_on_disk(&saver), External::Conflict);
    assert_eq!(mine.conflict.as_ref().unwrap().theirs, None);
    mine.resolve(Resolution::KeepMine, &saver).unwrap();
    assert!(std::fs::read_to_string(sidecar_path(&article))
        .unwrap()
        .contains("\"Santiago\""));
}

#[test]
fn an_article_edited_while_open_is_reanchored_against_the_text_it_had() {
    let (_dir, article) = sample_copy("harbour-strike.txt");
    let saver = Saver::new(|| {});
    let mut session = Session::open(&article).unwrap();
    let santiago = tag(&mut session, "Santiago", "location");
    session.save_now(&saver);
    // An unsaved edit survives the reload too.
    let unsaved = tag(&mut session, "Valparaíso", "location");
    let text = std::fs::read_to_string(&article).unwrap();
    let edited = format!(
        "CORRECTED: {}",
        text.replacen("Valparaíso", "Valparaiso", 1)
    );
    std::fs::write(&article, edited).unwrap();
    let report = match session.article_changed_on_disk(&saver).unwrap() {
        External::ArticleChanged(report) => report,
        other => panic!("expected a re-anchoring, got {other:?}"),
    };
    assert_eq!(report.anchoring.moved, vec![santiago]);
    assert_eq!(report.anchoring.orphaned, vec![unsaved]);
    let orphan = session.document.annotations().get(unsaved).unwrap();
    assert_eq!(
        (orphan.anchor, orphan.text.as_str()),
        (Anchor::Orphaned, "Valparaíso")
    );
    // The re-anchored sidecar is written (it records the new article's hash).
    session.save_now(&saver);
    assert_eq!(session.save_state(), SaveState::Saved);
    let written = std::fs::read_to_string(sidecar_path(&article)).unwrap();
    assert!(written.contains(&session.document.meta.sha256));
    assert!(written.contains("anchor: Moved") && written.contains("anchor: Orphaned"));
}

#[test]
fn the_watcher_reports_a_changed_file_once_it_settles() {
    let dir = tempfile::tempdir().unwrap();
    let mut watcher = FolderWatcher::new(dir.path(), || {}).unwrap();
    std::fs::write(dir.path().join("a.txt.ann.ron"), "first").unwrap();
    std::fs::write(dir.path().join("a.txt.ann.ron"), "second").unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let names = loop {
        let (names, _) = watcher.settled();
        if !names.is_empty() || Instant::now() > deadline {
            break names;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(names, ["a.txt.ann.ron"], "one report for the burst");
}

#[test]
fn reanchor_on_the_command_line_rewrites_only_what_moved_and_prints_counts() {
    let (dir, edited) = sample_copy("harbour-strike.txt");
    let untouched = dir.path().join("summit-crlf.txt");
    std::fs::copy(crate::util::sample("summit-crlf.txt"), &untouched).unwrap();
    let saver = Saver::new(|| {});
    for (article, texts) in [
        (&edited, &["Santiago", "Valparaíso"][..]),
        (&untouched, &["Cairo"][..]),
    ] {
        let mut session = Session::open(article).unwrap();
        for text in texts {
            tag(&mut session, text, "location");
        }
        session.save_now(&saver);
    }
    let untouched_sidecar = std::fs::read(sidecar_path(&untouched)).unwrap();
    let text = std::fs::read_to_string(&edited).unwrap();
    let changed = format!("UPDATE: {}", text.replacen("Valparaíso", "the port", 1));
    std::fs::write(&edited, changed).unwrap();

    let run = || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_spantag"))
            .arg("reanchor")
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let first = run();
    assert!(
        first.contains("harbour-strike.txt: 0 held, 1 moved, 1 orphaned (sidecar rewritten)"),
        "{first}"
    );
    assert!(
        first.contains("summit-crlf.txt: 1 held, 0 moved, 0 orphaned\n"),
        "{first}"
    );
    assert_eq!(
        std::fs::read(sidecar_path(&untouched)).unwrap(),
        untouched_sidecar
    );
    let reopened = Session::open(&edited).unwrap();
    assert!(
        !reopened.report.article_changed,
        "the sidecar records the new hash"
    );
    // Run again: everything holds, nothing is rewritten.
    let second = run();
    assert!(
        second.contains("harbour-strike.txt: 1 held, 0 moved, 0 orphaned\n"),
        "{second}"
    );
}

/// Issue 16 on the command line: the sentence holding the second "Moscow" (tagged, as the
/// first is, as a location) is deleted. `spantag reanchor` orphans its span, for review,
/// instead of moving it onto the first "Moscow", whose span stays as it was.
#[test]
fn reanchor_orphans_a_deleted_mention_rather_than_move_it_onto_the_same_name_elsewhere() {
    let (dir, article) = sample_copy("lavrov-libya.txt");
    let mut session = Session::open(&article).unwrap();
    let text = session.document.text().clone();
    let mut ids = Vec::new();
    for (byte, _) in text.as_str().match_indices("Moscow") {
        let start = text.char_from_byte(byte);
        let applied = session.document.apply(spantag::model::Command::Tag {
            char_range: start..start + 6,
            label: "location".into(),
            attrs: Default::default(),
        });
        ids.push(applied.unwrap().focus.unwrap());
    }
    assert_eq!(ids.len(), 2, "the sample names Moscow twice");
    session.save_now(&Saver::new(|| {}));
    let kept = session.document.annotations().spans()[0].clone();
    let sentence = "According to Lavrov, Moscow is in contact with all Libyan political \
                    factions and is sending each of them the same signals.\n";
    assert!(text.as_str().contains(sentence));
    std::fs::write(&article, text.as_str().replace(sentence, "")).unwrap();

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spantag"))
        .arg("reanchor")
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout.contains("lavrov-libya.txt: 1 held, 0 moved, 1 orphaned (sidecar rewritten)"),
        "{stdout}"
    );
    let reopened = Session::open(&article).unwrap();
    let spans = reopened.document.annotations().spans();
    assert_eq!(spans[0], kept, "the first Moscow's span is untouched");
    assert_eq!(spans[1].id, ids[1]);
    assert_eq!(spans[1].anchor, Anchor::Orphaned);
}
