//! `spantag generate`: synthetic articles with sidecars ([`crate::model::generate`]), the
//! inputs of the benches and of tries with a book-sized article in the window.

use std::io;
use std::path::{Path, PathBuf};

use super::corpus::write_article;
use super::sidecar_path;

/// Writes `count` generated articles ([`crate::model::generate`]) of about `chars` chars
/// with `spans` spans each into `folder`, as `article-NNNNN.txt` plus sidecars, article `k`
/// from seed `seed + k`: the inputs the benches use, to reproduce their figures or to try
/// a book in the window. Refuses to replace any file.
pub fn generate(
    folder: &Path,
    count: u64,
    chars: usize,
    spans: usize,
    seed: u64,
) -> io::Result<Vec<PathBuf>> {
    generate_linked(folder, count, chars, spans, seed, &[])
}

/// As [`generate`], with each article's actors linked to `entities` and its quotes and
/// claims to its actors ([`crate::model::generate::link_entities`]).
pub fn generate_linked(
    folder: &Path,
    count: u64,
    chars: usize,
    spans: usize,
    seed: u64,
    entities: &[&str],
) -> io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for k in 0..count {
        let seed = seed.saturating_add(k);
        let path = folder.join(format!("article-{seed:05}.txt"));
        for taken in [&path, &sidecar_path(&path)] {
            if taken.exists() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} already exists; choose an empty folder", taken.display()),
                ));
            }
        }
        let mut document = crate::model::generate::article(seed, chars, spans);
        crate::model::generate::link_entities(&mut document, entities);
        write_article(&path, &mut document)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        written.push(path);
    }
    Ok(written)
}
