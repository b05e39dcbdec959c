//! The only module that touches the disk: decoding articles, reading sidecars, writing
//! them atomically from a background thread, and watching for changes made by others.
//!
//! The open article: [`article`] (decoding), [`session`], [`saver`], [`watch`]. A corpus:
//! [`walk`] finds its articles (the one folder walk), [`corpus`] reads an article with its
//! sidecar and the corpus's configuration (the one sidecar reader) and writes articles,
//! [`atomic`] is the one way a file is replaced. The passes over a corpus, one module each:
//! [`export`], [`import`], [`validate`], [`stats`], [`agree`], [`suggest`], [`reanchor`],
//! [`generate`], [`entity_index`], [`adjudicate`], and [`git`] (the merge driver). Every error that points into a file is a
//! [`Problem`](crate::problem::Problem); long passes share one [`Progress`].

pub mod adjudicate;
pub mod agree;
pub mod article;
pub mod atomic;
pub mod corpus;
pub mod desktop;
pub mod entities;
pub mod entity_index;
pub mod export;
pub mod generate;
pub mod git;
pub mod import;
pub mod progress;
pub mod reanchor;
pub mod saver;
pub mod session;
pub mod stats;
pub mod suggest;
pub mod validate;
pub mod walk;
pub mod watch;

pub use article::{ArticleError, LoadedArticle};
pub use progress::Progress;
pub use saver::{SaveError, SaveJob, SaveResult, Saver};
pub use session::{sidecar_path, Conflict, External, Resolution, SaveState, Session};

/// Reads a sidecar's bytes, refusing one larger than
/// [`MAX_SIDECAR_BYTES`](crate::model::sidecar::MAX_SIDECAR_BYTES) before reading it (an
/// `InvalidData` error that says so). Every sidecar read goes through here.
pub fn read_sidecar_bytes(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    let max = crate::model::sidecar::MAX_SIDECAR_BYTES as u64;
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > max {
        let message = format!(
            "{size} bytes is larger than the {} MB a sidecar may have",
            max >> 20
        );
        return Err(Error::new(ErrorKind::InvalidData, message));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(max + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// [`read_sidecar_bytes`] as text; bytes that are not UTF-8 are an `InvalidData` error.
pub fn read_sidecar_text(path: &std::path::Path) -> std::io::Result<String> {
    String::from_utf8(read_sidecar_bytes(path)?).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 (at byte {at})"),
        )
    })
}
