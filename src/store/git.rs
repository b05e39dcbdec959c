//! Teams share a corpus through git; this is the file side of merging it span by span.
//!
//! Sidecars are written one span per line in a fixed order precisely so that git diffs
//! stay small, but a line merge is still wrong for them: two annotators who tag the same
//! article on two branches either conflict on neighbouring `spans:` lines or, worse, merge
//! cleanly into a broken file (two spans with one id, a relation to a span the other side
//! deleted). So git is told to hand sidecars and `entities.ron` to `spantag merge`, a
//! [merge driver](https://git-scm.com/docs/gitattributes#_defining_a_custom_merge_driver):
//!
//! - [`setup`] writes the `.gitattributes` lines that pick the driver (committed, so the
//!   whole team has them) and the repository's git config that defines it (per clone:
//!   each member runs `spantag git-setup` once);
//! - git then runs `spantag merge %A %O %B --path %P` for each such file both branches
//!   changed, and [`merge_files`] merges the three versions with [`crate::merge`] and
//!   writes the result over ours (`%A`), atomically. Conflicts are recorded in the result
//!   (a valid sidecar); the exit code tells git whether any were left.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::merge::{self, Input, Merged};
use crate::model::entities::MAX_ENTITIES_BYTES;
use crate::model::ENTITIES_FILE;
use crate::problem::Problem;

/// The merge driver's name in `.gitattributes` and the git config.
pub const DRIVER: &str = "spantag";

/// The `.gitattributes` lines that hand spantag's files to the driver.
pub const ATTRIBUTES: [&str; 2] = ["*.ann.ron merge=spantag", "entities.ron merge=spantag"];

/// What kind of file three versions are of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sidecar,
    Entities,
}

impl Kind {
    /// `entities.ron` by its name; anything else is a sidecar.
    pub fn of(path: &Path) -> Kind {
        if path.file_name() == Some(OsStr::new(ENTITIES_FILE)) {
            Kind::Entities
        } else {
            Kind::Sidecar
        }
    }
}

/// The three versions of one file, and where the result goes.
#[derive(Clone, Debug)]
pub struct Versions {
    pub ours: PathBuf,
    pub base: PathBuf,
    pub theirs: PathBuf,
    /// The file the versions are of, as messages name it (git's `%P`; the versions
    /// themselves are temporary files then). `None`: the versions are named as they are.
    pub shown_as: Option<PathBuf>,
}

impl Versions {
    fn path_of(&self, input: Input) -> &Path {
        match input {
            Input::Ours => &self.ours,
            Input::Base => &self.base,
            Input::Theirs => &self.theirs,
        }
    }

    /// How a problem in one version names it: its own path, or the file's with the side.
    fn problem(&self, input: Input, line: Option<(usize, usize)>, message: String) -> Problem {
        let (path, message) = match &self.shown_as {
            Some(shown) => (shown.as_path(), format!("{input} version: {message}")),
            None => (self.path_of(input), message),
        };
        match line {
            Some((line, col)) => Problem::at(path, line, col, message),
            None => Problem::file(path, message),
        }
    }

    /// The kind of file: by the shown name when there is one, else by ours's name.
    pub fn kind(&self) -> Kind {
        Kind::of(self.shown_as.as_deref().unwrap_or(&self.ours))
    }
}

/// Merges the three versions and writes the result to `out` (atomically; nothing is
/// written when a version cannot be read). The result may hold conflicts
/// ([`Merged::conflicts`]): they are recorded in it, never resolved by guessing.
pub fn merge_files(versions: &Versions, out: &Path) -> Result<Merged, Problem> {
    let kind = versions.kind();
    let read = |input: Input| -> Result<String, Problem> {
        let path = versions.path_of(input);
        let text = match kind {
            Kind::Sidecar => super::read_sidecar_text(path).map_err(|e| e.to_string()),
            Kind::Entities => super::corpus::read_config(path, MAX_ENTITIES_BYTES)
                .map_err(|p| p.message)
                .and_then(|text| text.ok_or_else(|| "no such file".to_string())),
        };
        text.map_err(|e| versions.problem(input, None, format!("cannot read: {e}")))
    };
    let (ours, base, theirs) = (read(Input::Ours)?, read(Input::Base)?, read(Input::Theirs)?);
    let merged = match kind {
        Kind::Sidecar => merge::merge_sidecars(&base, &ours, &theirs),
        Kind::Entities => merge::merge_entities(&base, &ours, &theirs),
    }
    .map_err(|e| versions.problem(e.input, Some((e.line, e.col)), e.message))?;
    super::atomic::write(out, merged.text.as_bytes())
        .map_err(|e| Problem::file(out, format!("cannot write: {e}")))?;
    Ok(merged)
}

/// What [`setup`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Setup {
    /// The repository's top folder.
    pub root: PathBuf,
    /// The lines added to `.gitattributes` (none when it had them all).
    pub attributes_added: Vec<&'static str>,
    /// The driver command now in the repository's git config.
    pub driver: String,
}

/// Makes git merge spantag's files in the repository holding `folder` with `exe merge`:
/// adds the [`ATTRIBUTES`] lines to `.gitattributes` at its top (keeping what is there;
/// nothing is added twice) and defines the driver in its git config. Running it again
/// changes nothing but the driver's path.
pub fn setup(folder: &Path, exe: &Path) -> Result<Setup, Problem> {
    let root = git(folder, ["rev-parse", "--show-toplevel"])?;
    let root = PathBuf::from(root.trim_end_matches(['\n', '\r']));
    let attributes = root.join(".gitattributes");
    let existing = match std::fs::read_to_string(&attributes) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Problem::file(&attributes, format!("cannot read: {e}"))),
    };
    let has = |line: &str| {
        existing
            .lines()
            .any(|l| l.split_whitespace().eq(line.split_whitespace()))
    };
    let attributes_added: Vec<&'static str> =
        ATTRIBUTES.into_iter().filter(|line| !has(line)).collect();
    if !attributes_added.is_empty() {
        let mut text = existing.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str("# spantag merges its annotations span by span (spantag git-setup)\n");
        for line in &attributes_added {
            text.push_str(line);
            text.push('\n');
        }
        super::atomic::write(&attributes, text.as_bytes())
            .map_err(|e| Problem::file(&attributes, format!("cannot write: {e}")))?;
    }
    let driver = format!(
        "{} merge %A %O %B --path %P",
        shell_quoted(&exe.to_string_lossy())
    );
    let name_key = format!("merge.{DRIVER}.name");
    git(
        &root,
        [
            "config",
            &name_key,
            "spantag: merge annotations span by span",
        ],
    )?;
    git(
        &root,
        ["config", &format!("merge.{DRIVER}.driver"), &driver],
    )?;
    Ok(Setup {
        root,
        attributes_added,
        driver,
    })
}

/// Runs `git -C folder ARGS`; its stdout, or its message naming `folder`.
fn git<const N: usize>(folder: &Path, args: [&str; N]) -> Result<String, Problem> {
    let output = Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(args)
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                Problem::file(folder, "git was not found: install git and run this again")
            }
            _ => Problem::file(folder, format!("cannot run git: {e}")),
        })?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let said = said.trim();
        let message = if said.contains("not a git repository") {
            "not inside a git repository (run `git init` there first)".to_string()
        } else {
            format!("git {} failed: {said}", args.join(" "))
        };
        return Err(Problem::file(folder, message));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// `text` as one word for the shell git runs a driver with: single-quoted, with each `'`
/// written as `'\''`.
fn shell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_are_told_from_sidecars_by_name() {
        assert_eq!(Kind::of(Path::new("corpus/entities.ron")), Kind::Entities);
        assert_eq!(
            Kind::of(Path::new("corpus/cairo.txt.ann.ron")),
            Kind::Sidecar
        );
        assert_eq!(Kind::of(Path::new(".merge_file_a1b2")), Kind::Sidecar);
    }

    #[test]
    fn a_path_with_quotes_and_spaces_stays_one_shell_word() {
        assert_eq!(
            shell_quoted("/opt/my tools/spantag"),
            "'/opt/my tools/spantag'"
        );
        assert_eq!(
            shell_quoted("/home/o'brien/spantag"),
            r"'/home/o'\''brien/spantag'"
        );
    }
}
