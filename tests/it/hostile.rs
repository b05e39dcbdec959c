//! The hostile files under `tests/hostile/`: articles that are not text, sidecars that are
//! truncated, nested without end, full of impossible numbers or in the wrong encoding, and
//! broken schemes. Each is refused (or repaired in memory and reported) with a message that
//! names the file; nothing panics, and nothing refused is ever written over.

use std::path::{Path, PathBuf};

use spantag::model::{Command, Scheme};
use spantag::store::corpus;
use spantag::store::{sidecar_path, Saver, Session};

fn hostile(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/hostile")
        .join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn articles_that_are_not_text_are_refused_by_name() {
    let files = hostile("articles");
    assert!(files.len() >= 8);
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let message = match Session::open(&path) {
            Ok(_) => panic!("{name} was opened"),
            Err(e) => e.to_string(),
        };
        assert!(message.contains(&name), "{message}");
        assert!(
            message.contains("not a text file") || message.contains("not valid"),
            "{message}"
        );
        assert!(!sidecar_path(&path).exists());
    }
}

/// What opening each hostile sidecar must do.
#[derive(Debug)]
enum Expect {
    /// Opens read-only, with a message holding this text; the file is never written.
    ReadOnly(&'static str),
    /// Opens what is sound; loading reports this flaw, orphan or move.
    Repaired(&'static str),
    /// Opens as it is; `spantag validate` reports this.
    Validate(&'static str),
    /// Opens as it is: nothing in it is a problem for spantag.
    Sound,
}

fn expected(name: &str) -> Expect {
    use Expect::*;
    match name {
        "truncated" | "wrong-types" | "huge-numbers" => ReadOnly("line"),
        "binary-garbage" | "latin1-bytes" => ReadOnly("not UTF-8"),
        "empty" => ReadOnly("line 1"),
        "deep-nesting" => ReadOnly("line 1, column 2"),
        "deep-nesting-in-field" => ReadOnly("recursion limit"),
        "newer-version" => ReadOnly("version 7 is newer"),
        "other-format" => ReadOnly("not \"spantag\""),
        "max-usize-offsets" | "start-after-end" => Repaired("is not before end"),
        "out-of-range" => Repaired("is outside the article"),
        "duplicate-ids" => Repaired("span id 1 is used twice"),
        "dangling-relation" => Repaired("which does not exist"),
        "huge-ids" => Repaired("is larger than 2^53 - 1"),
        "text-mismatch" => Repaired("1 orphaned"),
        "unknown-label" => Validate("label \"weapon\" is not in the scheme"),
        // `article.file` is informative and never used to open anything.
        "path-as-file-name" => Sound,
        other => panic!("no expectation for tests/hostile/sidecars/{other}"),
    }
}

#[test]
fn broken_sidecars_open_read_only_or_repaired_and_are_never_overwritten() {
    let article = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile/sidecars/article.txt");
    let saver = Saver::new(|| {});
    let mut checked = 0;
    for path in hostile("sidecars") {
        let Some(name) = path.to_str().and_then(|p| p.strip_suffix(".ann.ron")) else {
            continue;
        };
        let name = Path::new(name)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("article.txt");
        std::fs::copy(&article, &copy).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(sidecar_path(&copy), &bytes).unwrap();

        let mut session = Session::open(&copy).unwrap();
        let (_, problems) = spantag::store::validate::validate(dir.path()).unwrap();
        let validate: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let expect = expected(&name);
        assert_eq!(
            validate.iter().any(|p| p.contains("article.txt.ann.ron")),
            !matches!(expect, Expect::Sound),
            "{name}: {validate:?}"
        );
        match expect {
            Expect::ReadOnly(text) => {
                let reason = session.read_only.clone().unwrap_or_default();
                assert!(reason.contains("article.txt.ann.ron"), "{name}: {reason}");
                assert!(reason.contains(text), "{name}: {reason}");
                let edit = session.document.apply(Command::Tag {
                    char_range: 0..7,
                    label: "claim".into(),
                    attrs: Default::default(),
                });
                assert!(edit.is_ok());
                session.save_now(&saver);
                assert_eq!(std::fs::read(sidecar_path(&copy)).unwrap(), bytes, "{name}");
            }
            Expect::Repaired(text) => {
                assert!(
                    session.read_only.is_none(),
                    "{name}: {:?}",
                    session.read_only
                );
                let summary = session.report.summary().unwrap_or_default();
                assert!(summary.contains(text), "{name}: {summary}");
                assert!(
                    session.document.annotations().len() >= 2,
                    "{name}: a span was lost"
                );
            }
            Expect::Validate(text) => {
                assert!(session.read_only.is_none(), "{name}");
                assert!(
                    validate.iter().any(|p| p.contains(text)),
                    "{name}: {validate:?}"
                );
            }
            Expect::Sound => {
                assert!(session.read_only.is_none(), "{name}");
                assert_eq!(session.report.summary(), None, "{name}");
                // A save records the real file name, never the one the sidecar claimed.
                session
                    .document
                    .apply(Command::Tag {
                        char_range: 0..7,
                        label: "claim".into(),
                        attrs: Default::default(),
                    })
                    .unwrap();
                session.save_now(&saver);
                let saved = std::fs::read_to_string(sidecar_path(&copy)).unwrap();
                assert!(saved.contains("file: \"article.txt\""), "{saved}");
            }
        }
        checked += 1;
    }
    assert!(checked >= 16, "checked {checked}");
}

#[test]
fn oversized_sidecars_and_schemes_are_refused_before_they_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.txt");
    std::fs::write(&article, "Lavrov said.").unwrap();
    let sidecar = std::fs::File::create(sidecar_path(&article)).unwrap();
    sidecar.set_len(300 * 1024 * 1024).unwrap(); // sparse: no disk used
    let session = Session::open(&article).unwrap();
    let reason = session.read_only.expect("read-only");
    assert!(reason.contains("larger than the 256 MB"), "{reason}");

    std::fs::write(
        dir.path().join("spantag.ron"),
        " ".repeat(spantag::model::MAX_SCHEME_BYTES + 10),
    )
    .unwrap();
    let (scheme, problem) = corpus::load_scheme(dir.path());
    assert_eq!(scheme, Scheme::default());
    let problem = problem.expect("a message").to_string();
    assert!(
        problem.contains("spantag.ron") && problem.contains("larger than"),
        "{problem}"
    );
}

#[test]
fn broken_schemes_fall_back_to_the_defaults_with_file_line_and_column() {
    for path in hostile("schemes") {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(&path, dir.path().join("spantag.ron")).unwrap();
        let (scheme, problem) = corpus::load_scheme(dir.path());
        assert_eq!(scheme, Scheme::default(), "{}", path.display());
        let problem = problem.map(|p| p.to_string()).unwrap_or_default();
        assert!(problem.contains("spantag.ron:"), "{problem}");
        assert!(problem.contains("using the default labels"), "{problem}");
    }
}
