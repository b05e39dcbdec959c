//! Opening articles and sidecars from disk, autosave, and what is (not) written.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use spantag::model::Command;
use spantag::store::session::{AUTOSAVE_DELAY, AUTOSAVE_MAX_WAIT};
use spantag::store::{sidecar_path, SaveState, Saver, Session};

use crate::util::{sample_copy, tag};

fn inode(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().ino()
}

#[test]
fn reopening_restores_exactly_what_was_saved_and_the_article_is_never_written() {
    let (_dir, article) = sample_copy("summit-crlf.txt");
    let article_bytes = std::fs::read(&article).unwrap();
    let saver = Saver::new(|| {});
    let mut session = Session::open(&article).unwrap();
    assert!(!sidecar_path(&article).exists());
    tag(&mut session, "Сергей Лавров", "actor");
    tag(&mut session, "Cairo", "location");
    tag(
        &mut session,
        "supports an inclusive Libyan dialogue",
        "quote",
    );
    session.save_now(&saver);
    assert_eq!(session.save_state(), SaveState::Saved);

    let reopened = Session::open(&article).unwrap();
    assert_eq!(
        reopened.document.annotations(),
        session.document.annotations()
    );
    assert_eq!(reopened.document.status, session.document.status);
    assert!(reopened.read_only.is_none());
    assert_eq!(std::fs::read(&article).unwrap(), article_bytes);
    let sidecar = std::fs::read_to_string(sidecar_path(&article)).unwrap();
    assert!(sidecar.contains("newline: \"CRLF\""));
    assert!(sidecar.contains("text: \"Сергей Лавров\""));
}

#[test]
fn an_unchanged_sidecar_is_never_rewritten() {
    let (_dir, article) = sample_copy("harbour-strike.txt");
    let saver = Saver::new(|| {});
    let mut session = Session::open(&article).unwrap();
    tag(&mut session, "José Álvarez", "actor");
    session.save_now(&saver);
    let path = sidecar_path(&article);
    let before = inode(&path);

    // Opening and saving without a change, and a change undone, write nothing.
    let mut session = Session::open(&article).unwrap();
    session.save_now(&saver);
    let id = tag(&mut session, "Valparaíso", "location");
    session.document.apply(Command::Remove { id }).unwrap();
    session.document.apply(Command::Undo).unwrap();
    session.document.apply(Command::Undo).unwrap();
    session.save_now(&saver);
    assert_eq!(session.save_state(), SaveState::Saved);
    assert_eq!(inode(&path), before, "the sidecar was replaced");

    // A real change is written (atomically: a new file renamed over the old one).
    tag(&mut session, "Valparaíso", "location");
    session.save_now(&saver);
    assert_ne!(inode(&path), before);
}

#[test]
fn autosave_waits_for_a_quiet_moment_then_writes() {
    let (_dir, article) = sample_copy("harbour-strike.txt");
    let saver = Saver::new(|| {});
    let mut session = Session::open(&article).unwrap();
    assert_eq!(session.autosave(0.0, &saver), None, "nothing to save");
    tag(&mut session, "Santiago", "location");
    let wait = session
        .autosave(10.0, &saver)
        .expect("waits after a change");
    assert!(wait > 0.0 && wait <= AUTOSAVE_DELAY);
    assert_eq!(session.save_state(), SaveState::Pending);
    assert_eq!(session.autosave(10.0 + AUTOSAVE_DELAY, &saver), None);
    assert_eq!(session.save_state(), SaveState::Saving);
    for result in saver.flush() {
        session.on_saved(result);
    }
    assert_eq!(session.save_state(), SaveState::Saved);
    let written = std::fs::read_to_string(sidecar_path(&article)).unwrap();
    assert!(written.contains("text: \"Santiago\""));
}

/// A note typed at five keys a second is never quiet for the autosave delay; it is saved
/// anyway, at most `AUTOSAVE_MAX_WAIT` after the first unsaved key.
#[test]
fn autosave_does_not_wait_forever_while_edits_keep_coming() {
    let (_dir, article) = sample_copy("harbour-strike.txt");
    let saver = Saver::new(|| {});
    let mut session = Session::open(&article).unwrap();
    let id = tag(&mut session, "Santiago", "location");
    let mut note = String::new();
    let mut first_submit = None;
    for key in 0..50 {
        let now = 10.0 + f64::from(key) * 0.2;
        note.push('x');
        session
            .document
            .apply(Command::SetNote {
                id,
                note: note.clone(),
            })
            .unwrap();
        session.autosave(now, &saver);
        if session.save_state() == SaveState::Saving && first_submit.is_none() {
            first_submit = Some(now);
        }
        for result in saver.poll() {
            session.on_saved(result);
        }
    }
    let first = first_submit.expect("saved while typing");
    assert!(
        first - 10.0 <= AUTOSAVE_MAX_WAIT + 0.2,
        "first save at {first}"
    );
    saver.flush().into_iter().for_each(|r| session.on_saved(r));
    let written = std::fs::read_to_string(sidecar_path(&article)).unwrap();
    assert!(written.contains("note: \"xxxx"), "{written}");
}

#[test]
fn a_failed_save_is_reported_and_the_work_stays_in_memory() {
    let (dir, article) = sample_copy("harbour-strike.txt");
    let saver = Saver::new(|| {});
    let mut session = Session::open(&article).unwrap();
    tag(&mut session, "Santiago", "location");
    std::fs::remove_dir_all(dir.path()).unwrap();
    session.save_now(&saver);
    match session.save_state() {
        SaveState::Failed(message) => {
            assert!(message.contains("harbour-strike.txt.ann.ron"), "{message}");
            assert!(message.contains("cannot save"), "{message}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    assert_eq!(session.document.annotations().len(), 1);
    // Autosave does not hammer the disk with the same failing write.
    assert_eq!(session.autosave(100.0, &saver), None);
    assert!(matches!(session.save_state(), SaveState::Failed(_)));
}

#[test]
fn atomic_saves_leave_no_temporary_files() {
    let (dir, article) = sample_copy("social-emoji.txt");
    let saver = Saver::new(|| {});
    let mut session = Session::open(&article).unwrap();
    for (text, label) in [
        ("Tahrir Square", "location"),
        ("el-Sisi", "actor"),
        ("✊🏽", "claim"),
    ] {
        tag(&mut session, text, label);
        session.save_now(&saver);
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["social-emoji.txt", "social-emoji.txt.ann.ron"]);
}

#[test]
fn a_sidecar_from_a_newer_spantag_opens_read_only() {
    let (_dir, article) = sample_copy("harbour-strike.txt");
    let saver = Saver::new(|| {});
    let mut session = Session::open(&article).unwrap();
    tag(&mut session, "Santiago", "location");
    session.save_now(&saver);
    let path = sidecar_path(&article);
    let newer = std::fs::read_to_string(&path)
        .unwrap()
        .replace("version: 2", "version: 9");
    std::fs::write(&path, &newer).unwrap();
    let mut session = Session::open(&article).unwrap();
    let reason = session.read_only.clone().expect("read-only");
    assert!(reason.contains("version 9"), "{reason}");
    session.save_now(&saver);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), newer);
}

#[test]
fn a_windows_1252_article_is_decoded_by_guess_and_the_sidecar_records_it() {
    let (_dir, article) = sample_copy("cp1252-bulletin.txt");
    let saver = Saver::new(|| {});
    let mut session = Session::open(&article).unwrap();
    let meta = &session.document.meta;
    assert_eq!(
        (meta.encoding.as_str(), meta.encoding_guessed),
        ("windows-1252", true)
    );
    assert!(session.document.text().as_str().contains("Hélène Marchand"));
    tag(&mut session, "Hélène Marchand", "actor");
    tag(
        &mut session,
        "“balanced for the first time in a decade.”",
        "quote",
    );
    session.save_now(&saver);
    let written = std::fs::read_to_string(sidecar_path(&article)).unwrap();
    assert!(written.contains("encoding: \"windows-1252\""), "{written}");
    let reopened = Session::open(&article).unwrap();
    assert_eq!(reopened.report.anchoring.held, 2);
    assert_eq!(
        reopened.document.annotations(),
        session.document.annotations()
    );
}

#[test]
fn files_that_are_not_text_or_too_large_are_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("photo.txt");
    std::fs::write(&binary, b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01").unwrap();
    let message = Session::open(&binary).err().expect("refused").to_string();
    assert!(
        message.contains("photo.txt") && message.contains("not a text file"),
        "{message}"
    );

    let huge = dir.path().join("huge.txt");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(101 * 1024 * 1024).unwrap(); // sparse: no disk used
    let message = Session::open(&huge).err().expect("refused").to_string();
    assert!(message.contains("larger than the 100 MB"), "{message}");
    assert!(!sidecar_path(&huge).exists());
}

#[test]
fn an_article_edited_between_sessions_is_reanchored_on_open() {
    let (_dir, article) = sample_copy("harbour-strike.txt");
    let saver = Saver::new(|| {});
    let mut session = Session::open(&article).unwrap();
    let santiago = tag(&mut session, "Santiago", "location");
    session.save_now(&saver);
    let original = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, format!("UPDATED 14:05. {original}")).unwrap();
    let reopened = Session::open(&article).unwrap();
    let report = &reopened.report;
    assert!(report.article_changed);
    assert_eq!(report.anchoring.moved, vec![santiago]);
    let span = reopened.document.annotations().get(santiago).unwrap();
    assert_eq!(span.text, "Santiago");
    assert!(span.holds_in(reopened.document.text()));
    let summary = report.summary().unwrap();
    assert!(summary.contains("1 moved"), "{summary}");
}

#[test]
fn generate_writes_valid_articles_reproducibly_and_never_replaces_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let run = |folder: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_spantag"))
            .args([
                "generate",
                "--articles",
                "3",
                "--chars",
                "2000",
                "--spans",
                "20",
            ])
            .arg(folder)
            .output()
            .unwrap()
    };
    let first = run(dir.path());
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let (articles, problems) = spantag::store::validate::validate(dir.path()).unwrap();
    assert_eq!((articles, problems.len()), (3, 0), "{problems:?}");
    let stats = spantag::store::stats::stats(dir.path()).unwrap();
    assert_eq!(stats.labels.values().sum::<usize>(), 60);
    let article = dir.path().join("article-00001.txt");
    let text = std::fs::read_to_string(&article).unwrap();
    assert!(
        (2000..2100).contains(&text.chars().count()),
        "{}",
        text.len()
    );

    // The same seed gives the same bytes.
    let again = tempfile::tempdir().unwrap();
    assert_eq!(run(again.path()).status.code(), Some(0));
    assert_eq!(
        std::fs::read(again.path().join("article-00003.txt")).unwrap(),
        std::fs::read(dir.path().join("article-00003.txt")).unwrap()
    );

    // A second run into the same folder refuses, naming the file, and changes nothing.
    let sidecar = std::fs::read(sidecar_path(&article)).unwrap();
    let refused = run(dir.path());
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("article-00001.txt already exists"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(sidecar_path(&article)).unwrap(), sidecar);
}

#[test]
fn ids_are_never_reused_after_the_highest_is_deleted_and_the_article_reopened() {
    let (_dir, article) = sample_copy("harbour-strike.txt");
    let saver = Saver::new(|| {});
    let mut session = Session::open(&article).unwrap();
    tag(&mut session, "Valparaíso", "location");
    let highest = tag(&mut session, "José Álvarez", "actor");
    session.save_now(&saver);
    session
        .document
        .apply(Command::Remove { id: highest })
        .unwrap();
    session.save_now(&saver);
    let sidecar = std::fs::read_to_string(sidecar_path(&article)).unwrap();
    assert!(
        sidecar.contains("next_id: (span: 3, relation: 1)"),
        "{sidecar}"
    );

    let mut reopened = Session::open(&article).unwrap();
    let new = tag(&mut reopened, "José Álvarez", "actor");
    assert_eq!(
        new,
        highest + 1,
        "the deleted id {highest} was handed out again"
    );
}

#[test]
fn a_version_1_sidecar_opens_unchanged_and_is_written_as_version_2_on_the_first_edit() {
    let (_dir, article) = sample_copy("harbour-strike.txt");
    let saver = Saver::new(|| {});
    let mut session = Session::open(&article).unwrap();
    tag(&mut session, "Valparaíso", "location");
    session.save_now(&saver);
    let path = sidecar_path(&article);
    // What spantag wrote before version 2: no next_id.
    let v1 = std::fs::read_to_string(&path)
        .unwrap()
        .replace("version: 2", "version: 1")
        .replace("    next_id: (span: 2, relation: 1),\n", "");
    std::fs::write(&path, &v1).unwrap();

    let mut session = Session::open(&article).unwrap();
    assert!(session.read_only.is_none());
    assert_eq!(session.document.annotations().len(), 1);
    session.save_now(&saver);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        v1,
        "opening rewrote it"
    );

    tag(&mut session, "José Álvarez", "actor");
    session.save_now(&saver);
    let v2 = std::fs::read_to_string(&path).unwrap();
    assert!(v2.contains("    version: 2,\n"), "{v2}");
    assert!(
        v2.contains("    next_id: (span: 3, relation: 1),\n"),
        "{v2}"
    );
}
