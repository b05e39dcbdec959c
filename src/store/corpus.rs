//! A corpus's files, read and written: an article with its sidecar, and the corpus's
//! configuration (`spantag.ron`, `suggest.ron`).
//!
//! This is the one place a sidecar file is read ([`read_sidecar`], [`load`]) and an
//! article written with its sidecar ([`write_article`]); every pass over a corpus
//! (export, import, validate, stats, agree, suggest, reanchor, the entity index) goes
//! through it, so a sidecar that cannot be read is reported the same way everywhere: a
//! [`Problem`] naming the file, with the line and column of a parse error. Model-level
//! errors ([`SidecarError`], [`SchemeError`](crate::model::SchemeError), the rules' and
//! entities' own) become a [`Problem`] here, at the boundary.

use std::fs;
use std::io;
use std::path::Path;

use super::article::{self, sha256_hex, ArticleError};
use super::{atomic, sidecar_path};
use crate::model::sidecar::{self, LoadReport, Sidecar, SidecarError};
use crate::model::{Document, Scheme};
use crate::problem::Problem;

/// An article and its sidecar (none: no spans), or what is wrong with them.
pub fn load(path: &Path) -> Result<(Document, LoadReport), Problem> {
    load_with_source(path).map(|(document, report, _)| (document, report))
}

/// [`load`], with the sidecar's text as read (`None`: there is none), for messages that
/// point into it.
pub(crate) fn load_with_source(
    path: &Path,
) -> Result<(Document, LoadReport, Option<String>), Problem> {
    let loaded = article::load(path).map_err(|e| article_problem(&e, path))?;
    let sidecar = sidecar_path(path);
    let Some(source) = read_sidecar_source(&sidecar)? else {
        return Ok((loaded.document(), LoadReport::default(), None));
    };
    let parsed = decode_sidecar(&sidecar, &source)?;
    let (document, report) = loaded
        .attach(parsed, None)
        .map_err(|e| sidecar_problem(&sidecar, e))?;
    Ok((document, report, Some(source)))
}

/// A sidecar parsed but not joined to its article (`None`: there is none), for passes
/// that read sidecars alone (stats, the folder list, the entity index).
pub fn read_sidecar(sidecar: &Path) -> Result<Option<Sidecar>, Problem> {
    match read_sidecar_source(sidecar)? {
        Some(source) => decode_sidecar(sidecar, &source).map(Some),
        None => Ok(None),
    }
}

/// A sidecar's text (`None`: there is none), refused when too large or not UTF-8.
fn read_sidecar_source(sidecar: &Path) -> Result<Option<String>, Problem> {
    match super::read_sidecar_text(sidecar) {
        Ok(source) => Ok(Some(source)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            Err(Problem::file(sidecar, e.to_string()))
        }
        Err(e) => Err(Problem::file(sidecar, format!("cannot read: {e}"))),
    }
}

fn decode_sidecar(sidecar: &Path, source: &str) -> Result<Sidecar, Problem> {
    sidecar::decode(source).map_err(|e| sidecar_problem(sidecar, e))
}

/// A sidecar error as a problem of the file, at its line and column when it has them.
pub(crate) fn sidecar_problem(sidecar: &Path, error: SidecarError) -> Problem {
    match error {
        SidecarError::Syntax { line, col, message } => Problem::at(sidecar, line, col, message),
        other => Problem::file(sidecar, other.to_string()),
    }
}

/// An article error as a problem of the file (its message without the leading path,
/// which the [`Problem`] carries).
pub(crate) fn article_problem(error: &ArticleError, path: &Path) -> Problem {
    let message = error.to_string();
    let prefix = format!("{}: ", path.display());
    let message = message
        .strip_prefix(&prefix)
        .map(str::to_string)
        .unwrap_or(message);
    Problem::file(path, message)
}

/// Writes a document as a new article file (UTF-8) with its sidecar, creating folders as
/// needed; the document's file name and hash are set from what is written.
pub fn write_article(path: &Path, document: &mut Document) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let [article, sidecar] = stage_article(path, document)?;
    article.commit()?;
    sidecar.commit()
}

/// Stages an article and its sidecar, as [`write_article`] writes them, in a folder that
/// exists.
pub(crate) fn stage_article(
    path: &Path,
    document: &mut Document,
) -> io::Result<[atomic::Staged; 2]> {
    use std::io::Write;
    document.meta.file_name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    document.meta.sha256 = sha256_hex(document.text().as_str().as_bytes());
    document.meta.encoding = "UTF-8".into();
    document.meta.encoding_guessed = false;
    // Written as plain text: nothing is extracted from it.
    document.meta.extraction = None;
    let mut article = atomic::Staged::create(path)?;
    article.write_all(document.text().as_str().as_bytes())?;
    Ok([article, stage_sidecar(path, document)?])
}

/// Stages the sidecar of the article at `path`.
pub(crate) fn stage_sidecar(path: &Path, document: &Document) -> io::Result<atomic::Staged> {
    use std::io::Write;
    let mut sidecar = atomic::Staged::create(&sidecar_path(path))?;
    sidecar.write_all(sidecar::encode(document).as_bytes())?;
    Ok(sidecar)
}

/// Writes a document's sidecar if its bytes differ from `before` (what was read; `None`:
/// there was no sidecar), unless the file changed meanwhile. Returns whether it wrote;
/// `work` says what happened meanwhile, for the message ("it was re-anchored").
pub(crate) fn rewrite_sidecar(
    sidecar: &Path,
    document: &Document,
    before: Option<&[u8]>,
    work: &str,
) -> Result<bool, Problem> {
    let after = sidecar::encode(document);
    if before == Some(after.as_bytes()) {
        return Ok(false);
    }
    super::saver::write_replacing(sidecar, after.as_bytes(), before).map_err(|e| {
        let message = match e {
            super::saver::SaveError::Io(message) => message,
            super::saver::SaveError::ChangedOnDisk => {
                format!("changed while {work}; left as it is")
            }
        };
        Problem::file(sidecar, message)
    })?;
    Ok(true)
}

/// A corpus's configuration file (`None`: there is none), read up to one byte past
/// `max_bytes` at most: its parser then refuses a file that large, without this reading a
/// hostile one whole.
pub(crate) fn read_config(path: &Path, max_bytes: usize) -> Result<Option<String>, Problem> {
    let file = match fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Problem::file(path, format!("cannot read: {e}"))),
    };
    let mut source = String::new();
    io::Read::read_to_string(&mut io::Read::take(file, max_bytes as u64 + 1), &mut source)
        .map_err(|e| Problem::file(path, format!("cannot read: {e}")))?;
    Ok(Some(source))
}

/// The scheme file of the corpus rooted at `folder` as written, and its text (`None`:
/// there is none), or what is wrong with it.
pub fn read_scheme(folder: &Path) -> Result<Option<(Scheme, String)>, Problem> {
    let path = folder.join(crate::model::SCHEME_FILE);
    let Some(source) = read_config(&path, crate::model::MAX_SCHEME_BYTES)? else {
        return Ok(None);
    };
    match Scheme::parse(&source) {
        Ok(scheme) => Ok(Some((scheme, source))),
        Err(e) => Err(Problem::at(&path, e.line, e.col, e.message)),
    }
}

/// The scheme of a corpus: `spantag.ron` in `folder`, or the defaults. A scheme that
/// cannot be used gives the defaults and a problem naming the file, line and column.
pub fn load_scheme(folder: &Path) -> (Scheme, Option<Problem>) {
    match read_scheme(folder) {
        Ok(Some((scheme, _))) => (scheme, None),
        Ok(None) => (Scheme::default(), None),
        Err(mut problem) => {
            problem.message.push_str("; using the default labels");
            (Scheme::default(), Some(problem))
        }
    }
}

/// The suggestion rules of a corpus: `suggest.ron` in `folder` ([`super::walk::scheme_folder`]),
/// or `None` when there is none. A file that cannot be read or used is a [`Problem`]
/// naming it, with the line and column for a parse error.
pub fn load_rules(folder: &Path) -> Result<Option<crate::suggest::Rules>, Problem> {
    let path = folder.join(crate::suggest::SUGGEST_FILE);
    let Some(source) = read_config(&path, crate::suggest::MAX_RULES_BYTES)? else {
        return Ok(None);
    };
    crate::suggest::parse(&source)
        .map(Some)
        .map_err(|e| Problem::at(&path, e.line, e.col, e.message))
}
