//! Two annotators, one corpus, two git branches: `spantag git-setup` makes git merge the
//! sidecars and `entities.ron` span by span, driven through real `git merge`.
//!
//! These tests need `git` (`.ci/run` installs it and sets `SPANTAG_REQUIRE_GIT`, so there
//! they cannot skip); on a machine without it they say so and pass, so `cargo test` still
//! runs anywhere.

use spantag::model::{fixture, Command, Document, Entities, Span, Status};
use spantag::store::corpus;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};

const CAIRO: &str = "[actor|Sameh Shoukry] met [actor|Sergei Lavrov] in [location|Cairo] on \
                     Monday. [quote|Libya needs restraint], he said. Talks in \
                     [location|Alexandria] follow next week. Egypt wants calm.";
const TRIPOLI: &str = "Fighting resumed near [location|Tripoli] as envoys left.";

/// A repository under a temporary home (so no one's own git config takes part), with the
/// identity commits need.
struct Repo {
    _home: tempfile::TempDir,
    root: PathBuf,
}

impl Repo {
    /// `None` when git is not installed.
    fn new() -> Option<Repo> {
        if Process::new("git").arg("--version").output().is_err() {
            assert!(
                std::env::var_os("SPANTAG_REQUIRE_GIT").is_none(),
                "git is not installed, and SPANTAG_REQUIRE_GIT says these tests must run"
            );
            eprintln!("git is not installed: skipping the git merge test");
            return None;
        }
        let home = tempfile::tempdir().unwrap();
        let root = home.path().join("corpus");
        std::fs::create_dir(&root).unwrap();
        let repo = Repo { _home: home, root };
        repo.git(&["init", "-q", "-b", "main"]);
        Some(repo)
    }

    fn command(&self, program: &str, args: &[&str]) -> Output {
        let home = self._home.path();
        Process::new(program)
            .args(args)
            .current_dir(&self.root)
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Anna")
            .env("GIT_AUTHOR_EMAIL", "anna@example.org")
            .env("GIT_COMMITTER_NAME", "Anna")
            .env("GIT_COMMITTER_EMAIL", "anna@example.org")
            .output()
            .unwrap()
    }

    /// Runs git; panics with its output if it fails.
    fn git(&self, args: &[&str]) -> String {
        let out = self.command("git", args);
        assert!(out.status.success(), "git {args:?}: {}", said(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn article(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    fn load(&self, name: &str) -> Document {
        let (document, report) = corpus::load(&self.article(name)).unwrap();
        assert!(report.flaws.is_empty(), "{name}: {:?}", report.flaws);
        assert!(!report.article_changed);
        document
    }

    /// Opens an article, applies the edits, saves its sidecar.
    fn edit(&self, name: &str, edits: impl FnOnce(&mut Document)) {
        let mut document = self.load(name);
        edits(&mut document);
        corpus::write_article(&self.article(name), &mut document).unwrap();
    }

    fn entities(&self) -> Entities {
        let text = std::fs::read_to_string(self.root.join("entities.ron")).unwrap();
        Entities::parse(&text).unwrap()
    }

    fn save_entities(&self, entities: &Entities) {
        std::fs::write(self.root.join("entities.ron"), entities.encode()).unwrap();
    }
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The id of the span over the first occurrence of `text`.
fn id_of(document: &Document, text: &str) -> u64 {
    span_of(document, text).id
}

fn span_of<'a>(document: &'a Document, text: &str) -> &'a Span {
    document
        .annotations()
        .spans()
        .iter()
        .find(|s| s.text == text)
        .unwrap_or_else(|| panic!("no span over {text:?}"))
}

fn tag(document: &mut Document, text: &str, label: &str) -> u64 {
    let byte = document.text().as_str().find(text).unwrap();
    let start = document.text().char_from_byte(byte);
    let applied = document
        .apply(Command::Tag {
            char_range: start..start + text.chars().count(),
            label: label.into(),
            attrs: Default::default(),
        })
        .unwrap();
    applied.focus.unwrap()
}

/// A corpus of two articles with spans and entities, committed on `main`, with the merge
/// driver set up by the real binary.
fn corpus() -> Option<Repo> {
    let repo = Repo::new()?;
    for (name, markup) in [("cairo.txt", CAIRO), ("tripoli.txt", TRIPOLI)] {
        let mut document = fixture::document(markup);
        corpus::write_article(&repo.article(name), &mut document).unwrap();
    }
    let mut entities = Entities::default();
    entities.create("Cairo", "location").unwrap();
    repo.save_entities(&entities);
    let setup = repo.command(env!("CARGO_BIN_EXE_spantag"), &["git-setup"]);
    assert!(setup.status.success(), "{}", said(&setup));
    let attributes = std::fs::read_to_string(repo.root.join(".gitattributes")).unwrap();
    assert!(
        attributes.contains("*.ann.ron merge=spantag"),
        "{attributes}"
    );
    assert!(
        attributes.contains("entities.ron merge=spantag"),
        "{attributes}"
    );
    let driver = repo.git(&["config", "merge.spantag.driver"]);
    assert!(driver.contains("merge %A %O %B --path %P"), "{driver}");
    repo.commit_all("corpus");
    Some(repo)
}

#[test]
fn two_branches_of_changes_to_the_same_articles_merge_with_every_change_kept() {
    let Some(repo) = corpus() else { return };

    // Anna: adds spans, removes one, retags one, writes a note, links a quote to its
    // speaker and a place to an entity, and adds an entity.
    repo.git(&["checkout", "-q", "-b", "anna"]);
    repo.edit("cairo.txt", |d| {
        let egypt = tag(d, "Egypt", "location");
        assert_eq!(egypt, 6, "the first new id after five spans");
        let alexandria = id_of(d, "Alexandria");
        d.apply(Command::Remove { id: alexandria }).unwrap();
        let shoukry = id_of(d, "Sameh Shoukry");
        d.apply(Command::Retag {
            id: shoukry,
            label: "claim".into(),
        })
        .unwrap();
        let lavrov = id_of(d, "Sergei Lavrov");
        d.apply(Command::SetNote {
            id: lavrov,
            note: "Russia's foreign minister".into(),
        })
        .unwrap();
        let quote = id_of(d, "Libya needs restraint");
        d.apply(Command::Link {
            from: quote,
            to: lavrov,
            kind: "said_by".into(),
        })
        .unwrap();
        let cairo = id_of(d, "Cairo");
        d.apply(Command::SetEntity {
            ids: vec![cairo],
            entity: Some("cairo".into()),
        })
        .unwrap();
    });
    let mut entities = repo.entities();
    entities.create("Egypt", "location").unwrap();
    repo.save_entities(&entities);
    repo.commit_all("anna's annotations");

    // Ben, from the same start: adds two spans (the same new ids Anna's got) and links
    // them, sets an attribute, marks the article done, and tags the other article.
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["checkout", "-q", "-b", "ben"]);
    repo.edit("cairo.txt", |d| {
        let talks = tag(d, "Talks", "claim");
        let monday = tag(d, "Monday", "location");
        assert_eq!((talks, monday), (6, 7), "the same new ids as Anna's");
        d.apply(Command::Link {
            from: talks,
            to: monday,
            kind: "said_by".into(),
        })
        .unwrap();
        let quote = id_of(d, "Libya needs restraint");
        d.apply(Command::SetAttr {
            id: quote,
            name: "kind".into(),
            value: Some("direct".into()),
        })
        .unwrap();
        d.apply(Command::SetStatus(Status::Done)).unwrap();
    });
    repo.edit("tripoli.txt", |d| {
        tag(d, "envoys", "actor");
    });
    let mut entities = repo.entities();
    entities.create("Sergei Lavrov", "actor").unwrap();
    repo.save_entities(&entities);
    repo.commit_all("ben's annotations");

    repo.git(&["checkout", "-q", "anna"]);
    let merge = repo.command("git", &["merge", "--no-edit", "ben"]);
    assert!(merge.status.success(), "git merge: {}", said(&merge));
    assert_eq!(
        repo.git(&["status", "--porcelain"]),
        "",
        "merged and committed"
    );

    let d = repo.load("cairo.txt");
    let spans = d.annotations().spans();
    // Anna's changes.
    assert!(
        spans.iter().all(|s| s.text != "Alexandria"),
        "Anna's removal holds"
    );
    assert_eq!(span_of(&d, "Sameh Shoukry").label, "claim");
    assert_eq!(
        span_of(&d, "Sergei Lavrov").note,
        "Russia's foreign minister"
    );
    assert_eq!(span_of(&d, "Cairo").entity.as_deref(), Some("cairo"));
    assert_eq!(span_of(&d, "Egypt").id, 6, "ours keeps its ids");
    // Ben's changes, his new spans renumbered above every id either side used.
    let (talks, monday) = (span_of(&d, "Talks"), span_of(&d, "Monday"));
    assert!(talks.id > 6 && monday.id > 6 && talks.id != monday.id);
    assert_eq!(talks.label, "claim");
    assert_eq!(
        span_of(&d, "Libya needs restraint")
            .attrs
            .get("kind")
            .map(String::as_str),
        Some("direct")
    );
    // Ben marked it done while Anna's edits made it in progress: the less advanced wins,
    // since someone has still to finish.
    assert_eq!(d.status, Status::InProgress);
    // Both sides' links, each between the spans it was made between.
    let links: Vec<(u64, u64)> = d
        .annotations()
        .relations()
        .iter()
        .map(|r| (r.from, r.to))
        .collect();
    let quote = id_of(&d, "Libya needs restraint");
    let lavrov = id_of(&d, "Sergei Lavrov");
    assert!(links.contains(&(quote, lavrov)), "{links:?}");
    assert!(links.contains(&(talks.id, monday.id)), "{links:?}");
    assert_eq!(links.len(), 2);
    let relation_ids: std::collections::HashSet<u64> =
        d.annotations().relations().iter().map(|r| r.id).collect();
    assert_eq!(relation_ids.len(), 2, "relation ids renumbered apart");
    // Ids stay unique, and new ones come after all of them.
    let ids: std::collections::HashSet<u64> = spans.iter().map(|s| s.id).collect();
    assert_eq!(ids.len(), spans.len());
    let (next_span, next_relation) = d.annotations().next_ids();
    assert!(ids.iter().all(|&id| id < next_span));
    assert!(relation_ids.iter().all(|&id| id < next_relation));
    assert!(d.conflicts.is_empty());

    let t = repo.load("tripoli.txt");
    assert_eq!(span_of(&t, "envoys").label, "actor");
    let entities = repo.entities();
    for id in ["cairo", "egypt", "sergei-lavrov"] {
        assert!(
            entities.get(id).is_some(),
            "entity {id}: {}",
            entities.encode()
        );
    }
}

/// Anna and Ben each retag Cairo (to actor / claim), note Lavrov ("minister" / "foreign
/// minister"), and Anna removes Alexandria while Ben notes it; Ben also tags the other
/// article. Anna merges Ben's branch: git stops with only cairo's sidecar conflicted.
fn conflicting_merge() -> Option<Repo> {
    let repo = corpus()?;
    repo.git(&["checkout", "-q", "-b", "anna"]);
    repo.edit("cairo.txt", |d| {
        let cairo = id_of(d, "Cairo");
        d.apply(Command::Retag {
            id: cairo,
            label: "actor".into(),
        })
        .unwrap();
        let lavrov = id_of(d, "Sergei Lavrov");
        d.apply(Command::SetNote {
            id: lavrov,
            note: "minister".into(),
        })
        .unwrap();
        let alexandria = id_of(d, "Alexandria");
        d.apply(Command::Remove { id: alexandria }).unwrap();
    });
    repo.commit_all("anna");
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["checkout", "-q", "-b", "ben"]);
    repo.edit("cairo.txt", |d| {
        let cairo = id_of(d, "Cairo");
        d.apply(Command::Retag {
            id: cairo,
            label: "claim".into(),
        })
        .unwrap();
        let lavrov = id_of(d, "Sergei Lavrov");
        d.apply(Command::SetNote {
            id: lavrov,
            note: "foreign minister".into(),
        })
        .unwrap();
        let alexandria = id_of(d, "Alexandria");
        d.apply(Command::SetNote {
            id: alexandria,
            note: "next round".into(),
        })
        .unwrap();
    });
    repo.edit("tripoli.txt", |d| {
        tag(d, "envoys", "actor");
    });
    repo.commit_all("ben");

    repo.git(&["checkout", "-q", "anna"]);
    let merge = repo.command("git", &["merge", "--no-edit", "ben"]);
    assert!(!merge.status.success(), "the driver's exit code stops git");
    assert!(
        said(&merge).contains("cairo.txt.ann.ron"),
        "{}",
        said(&merge)
    );
    let unmerged = repo.git(&["diff", "--name-only", "--diff-filter=U"]);
    assert_eq!(
        unmerged.trim(),
        "cairo.txt.ann.ron",
        "only the conflicting sidecar"
    );
    assert_eq!(span_of(&repo.load("tripoli.txt"), "envoys").label, "actor");
    Some(repo)
}

/// After resolving: Cairo is Ben's claim, Lavrov keeps Anna's note, Alexandria is gone,
/// the sidecar is version 2 again, and git takes it.
fn check_resolved_and_commit(repo: &Repo) {
    let d = repo.load("cairo.txt");
    assert!(d.conflicts.is_empty());
    assert_eq!(span_of(&d, "Cairo").label, "claim");
    assert_eq!(span_of(&d, "Sergei Lavrov").note, "minister");
    assert!(d
        .annotations()
        .spans()
        .iter()
        .all(|s| s.text != "Alexandria"));
    let text = std::fs::read_to_string(repo.root.join("cairo.txt.ann.ron")).unwrap();
    assert!(
        text.contains("version: 2,") && !text.contains("conflicts"),
        "{text}"
    );
    repo.commit_all("merged, conflicts resolved");
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
}

/// A retag to two labels, a note written twice, a removal against an edit: the sidecar
/// git leaves is valid and holds both versions of each, validate lists them, and choosing
/// a side per span resolves it.
#[test]
fn conflicting_changes_stop_the_merge_with_both_versions_kept() {
    let Some(repo) = conflicting_merge() else {
        return;
    };
    let validate = repo.command(env!("CARGO_BIN_EXE_spantag"), &["validate", "."]);
    assert_eq!(validate.status.code(), Some(1), "{}", said(&validate));
    let listed = said(&validate);
    assert_eq!(
        listed
            .matches("changed differently on two merged branches")
            .count(),
        3,
        "{listed}"
    );
    assert!(listed.contains("cairo.txt.ann.ron:"), "{listed}");

    let mut d = repo.load("cairo.txt");
    let cairo = id_of(&d, "Cairo");
    let lavrov = id_of(&d, "Sergei Lavrov");
    let alexandria = id_of(&d, "Alexandria");
    let mut conflicted: Vec<u64> = d.conflicts.iter().map(|c| c.span).collect();
    conflicted.sort_unstable();
    let mut expected = vec![cairo, lavrov, alexandria];
    expected.sort_unstable();
    assert_eq!(conflicted, expected);
    let conflict = |id: u64| d.conflicts.iter().find(|c| c.span == id).cloned().unwrap();
    let c = conflict(cairo);
    assert_eq!(c.ours.as_ref().map(|s| s.label.as_str()), Some("actor"));
    assert_eq!(c.theirs.as_ref().map(|s| s.label.as_str()), Some("claim"));
    let c = conflict(lavrov);
    assert_eq!(c.ours.as_ref().map(|s| s.note.as_str()), Some("minister"));
    assert_eq!(
        c.theirs.as_ref().map(|s| s.note.as_str()),
        Some("foreign minister")
    );
    let c = conflict(alexandria);
    assert!(c.ours.is_none(), "ours removed it");
    assert_eq!(
        c.theirs.as_ref().map(|s| s.note.as_str()),
        Some("next round")
    );
    assert_eq!(span_of(&d, "Cairo").label, "actor", "the list holds ours");

    use spantag::model::Side;
    for (span, side) in [
        (cairo, Side::Theirs),
        (lavrov, Side::Ours),
        (alexandria, Side::Ours),
    ] {
        d.apply(Command::ResolveConflict { span, side }).unwrap();
    }
    corpus::write_article(&repo.article("cairo.txt"), &mut d).unwrap();
    check_resolved_and_commit(&repo);
}

/// The same conflicted merge opened in the window: Needs review lists the three with both
/// versions; one key each decides them, the app saves, and git takes the result.
#[test]
fn a_conflicted_merge_shows_up_in_the_app_and_resolves_with_its_keys() {
    use crate::gui::{harness, step_until};
    use egui::Key;
    use egui_kittest::kittest::Queryable;
    use spantag::store::SaveState;
    let Some(repo) = conflicting_merge() else {
        return;
    };
    let mut app = harness(Some(&repo.article("cairo.txt")));
    app.get_by_label("Needs review (3)");
    assert_eq!(app.query_all_by_label("Keep ours (O)").count(), 3);
    assert_eq!(app.query_all_by_label("Take theirs (T)").count(), 3);
    app.get_by_label("Differs: label");
    app.get_by_label("Differs: note");
    app.get_by_label("Differs: deleted on ours");
    for (entry, key) in [
        ("actor: Cairo", Key::T),
        ("actor: Sergei Lavrov", Key::O),
        ("location: Alexandria", Key::O),
    ] {
        let entry = format!("⚠ {entry}");
        app.get_by_label(&entry).scroll_to_me();
        app.run();
        app.get_by_label(&entry).click();
        app.run();
        app.key_press(key);
        app.run();
    }
    assert!(app.query_by_label_contains("Needs review").is_none());
    step_until(&mut app, "the decisions saved", |h| {
        h.state().save_state() == Some(SaveState::Saved)
    });
    drop(app);
    check_resolved_and_commit(&repo);
}

#[test]
fn git_setup_outside_a_repository_says_so_and_running_it_twice_adds_nothing() {
    let Some(repo) = corpus() else { return };
    let again = repo.command(env!("CARGO_BIN_EXE_spantag"), &["git-setup", "."]);
    assert!(again.status.success(), "{}", said(&again));
    let attributes = std::fs::read_to_string(repo.root.join(".gitattributes")).unwrap();
    assert_eq!(
        attributes.matches("merge=spantag").count(),
        2,
        "{attributes}"
    );

    let outside = tempfile::tempdir().unwrap();
    let out = Process::new(env!("CARGO_BIN_EXE_spantag"))
        .args(["git-setup"])
        .arg(outside.path())
        .env(
            "GIT_CEILING_DIRECTORIES",
            outside.path().parent().unwrap_or(Path::new("/")),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        said(&out).contains("not inside a git repository"),
        "{}",
        said(&out)
    );
    assert!(!outside.path().join(".gitattributes").exists());
}

/// A version that does not parse (here theirs, cut short mid-record) stops the merge with
/// its line and column, and ours, which the result would replace, is left byte for byte.
/// Needs no git.
#[test]
fn a_version_that_does_not_parse_writes_nothing_and_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut document = fixture::document(CAIRO);
    let article = dir.path().join("cairo.txt");
    corpus::write_article(&article, &mut document).unwrap();
    let ours = spantag::store::sidecar_path(&article);
    let before = std::fs::read(&ours).unwrap();
    let text = String::from_utf8(before.clone()).unwrap();
    let cut = text.find("text: \"Cairo\"").unwrap();
    let theirs = dir.path().join("theirs.ron");
    std::fs::write(&theirs, &text[..cut]).unwrap();
    let out = Process::new(env!("CARGO_BIN_EXE_spantag"))
        .arg("merge")
        .arg(&ours)
        .arg(&ours)
        .arg(&theirs)
        .args(["--path", "corpus/cairo.txt.ann.ron"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    let message = said(&out);
    assert!(
        message.contains("corpus/cairo.txt.ann.ron:") && message.contains(": theirs version: "),
        "{message}"
    );
    assert_eq!(std::fs::read(&ours).unwrap(), before, "ours untouched");
}
