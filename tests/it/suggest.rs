//! `spantag suggest` on a copy of the samples: the report, nothing written without
//! --accept, spans and speaker links with it, and the refusals.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util::sample;

/// A copy of every file of `assets/samples` (suggest.ron included) in a fresh folder.
fn samples_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for entry in std::fs::read_dir(sample("")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn suggest(corpus: &Path, accept: bool) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_spantag"));
    command.arg("suggest").arg(corpus);
    if accept {
        command.arg("--accept");
    }
    command.output().unwrap()
}

/// Every file of a folder with its bytes.
fn snapshot(folder: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn suggest_reports_without_writing_then_accepts_once() {
    let dir = samples_copy();
    let before = snapshot(dir.path());
    let out = suggest(dir.path(), false);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    for line in [
        "lavrov-libya.txt:1:26: actor \"Sergei Lavrov\" (actors)\n",
        "lavrov-libya.txt:2:2: quote \"We advocate the position that there should be no attempts to…\" (quotes) said by \"Lavrov\"\n",
        "harbour-strike.txt:3:2: quote \"We are not going back until the night-shift bonus is restore…\" (quotes) said by \"José Álvarez\"\n",
        "harbour-strike.txt:6:204: claim \"$38 million a day\" (figures)\n",
        "summit-crlf.txt:3:72: quote \"supports an inclusive Libyan dialogue without artificial dea…\" (quotes) said by \"Сергей Лавров\"\n",
        "cp1252-bulletin.txt:3:60: quote \"balanced for the first time in a decade.\" (quotes) said by \"Hélène Marchand\"\n",
        "social-emoji.txt:3:111: claim \"120k followers\" (figures)\n",
        "101 proposals: actors 44, places 41, figures 2, quotes 14\n",
    ] {
        assert!(report.contains(line), "missing {line:?} in\n{report}");
    }
    assert!(!report.contains("accepted"));
    assert_eq!(
        snapshot(dir.path()),
        before,
        "nothing is written without --accept"
    );

    let out = suggest(dir.path(), true);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).ends_with("accepted 101 spans in 5 sidecars\n"),
        "{}",
        text(&out.stdout)
    );
    let sidecar = std::fs::read_to_string(dir.path().join("lavrov-libya.txt.ann.ron")).unwrap();
    assert!(sidecar.contains("text: \"Sergei Lavrov\""), "{sidecar}");
    assert!(sidecar.contains("source: Rule(\"actors\")"), "{sidecar}");
    assert!(sidecar.contains("source: Rule(\"quotes\")"), "{sidecar}");
    assert_eq!(sidecar.matches("kind: \"said_by\"").count(), 3, "{sidecar}");
    let summit = std::fs::read_to_string(dir.path().join("summit-crlf.txt.ann.ron")).unwrap();
    assert!(summit.contains("said_by"), "{summit}");

    // The spans are there now: nothing more to propose or write.
    let accepted = snapshot(dir.path());
    let out = suggest(dir.path(), true);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "0 proposals: actors 0, places 0, figures 0, quotes 0\naccepted 0 spans in 0 sidecars\n"
    );
    assert_eq!(snapshot(dir.path()), accepted);
    let out = Command::new(env!("CARGO_BIN_EXE_spantag"))
        .arg("validate")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_single_article_uses_the_rules_of_its_folder() {
    let dir = samples_copy();
    let out = suggest(&dir.path().join("summit-crlf.txt"), false);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.starts_with("summit-crlf.txt:1:22: location \"Russia\" (places)\n"));
    assert!(report.ends_with("13 proposals: actors 6, places 6, figures 0, quotes 1\n"));
}

#[test]
fn missing_broken_or_hostile_rules_exit_1_and_say_where() {
    let dir = samples_copy();
    let rules = dir.path().join("suggest.ron");
    std::fs::remove_file(&rules).unwrap();
    let out = suggest(dir.path(), false);
    assert_eq!(out.status.code(), Some(1));
    let message = text(&out.stderr);
    assert!(
        message.contains(&format!("{} does not exist", rules.display())),
        "{message}"
    );
    assert!(message.contains("quotes: Some(())"), "{message}");
    assert!(out.stdout.is_empty());

    std::fs::write(
        &rules,
        "(\n    gazetteers: [\n        (name: \"a\", label: ),\n    ],\n)",
    )
    .unwrap();
    let out = suggest(dir.path(), true);
    assert_eq!(out.status.code(), Some(1));
    let message = text(&out.stderr);
    assert!(
        message.contains(&format!("{}:3:27: ", rules.display())),
        "{message}"
    );

    let before = snapshot(dir.path());
    std::fs::write(
        &rules,
        "(\n  patterns: [\n    (name: \"huge\", label: \"claim\", regex: \"a{10000}{10000}\"),\n  ],\n)",
    )
    .unwrap();
    let began = std::time::Instant::now();
    let out = suggest(dir.path(), true);
    assert!(began.elapsed().as_secs() < 10, "refused, not compiled");
    assert_eq!(out.status.code(), Some(1));
    let message = text(&out.stderr);
    assert!(
        message.contains(&format!(
            "{}:3:12: pattern \"huge\": too large once compiled",
            rules.display()
        )),
        "{message}"
    );
    let mut after = snapshot(dir.path());
    after.remove(&rules);
    let mut before = before;
    before.remove(&rules);
    assert_eq!(after, before);
}

#[test]
fn an_unreadable_sidecar_is_a_problem_and_left_alone() {
    let dir = samples_copy();
    let sidecar = dir.path().join("harbour-strike.txt.ann.ron");
    std::fs::write(&sidecar, "not a sidecar").unwrap();
    let out = suggest(dir.path(), true);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("harbour-strike.txt.ann.ron"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&sidecar).unwrap(), b"not a sidecar");
    assert!(
        text(&out.stdout).contains("in 4 sidecars"),
        "{}",
        text(&out.stdout)
    );
}
