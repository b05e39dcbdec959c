//! Articles of every kind through the store: what loading gives (the text, the hash of the
//! file's bytes, the extraction record), the errors that name the file, the citation saved
//! in the sidecar, and `spantag text`. What the extractors themselves make of a page, PDF,
//! Word file, e-mail or Markdown is tested beside them; these tests hold whatever they
//! extract.

use std::path::Path;
use std::process::Command as Process;

use spantag::model::{CitationField, Command};
use spantag::store::article::{self, sha256_hex, ArticleError};
use spantag::store::{Saver, Session};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_text_file_loads_as_before_with_no_extraction_citation_or_notices() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "a.txt", b"Lavrov met Shoukry.");
    let loaded = article::load(&path).unwrap();
    assert_eq!(loaded.text.as_str(), "Lavrov met Shoukry.");
    assert_eq!(loaded.meta.sha256, sha256_hex(b"Lavrov met Shoukry."));
    assert_eq!(loaded.meta.encoding, "UTF-8");
    assert_eq!(loaded.meta.extraction, None);
    assert!(loaded.citation.is_empty() && loaded.notices.is_empty());
}

#[test]
fn a_corrupt_source_of_each_kind_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["broken.pdf", "broken.docx"] {
        let path = write(dir.path(), name, b"\x00\x01 not what the name says \xff");
        let error = article::load(&path).err().expect("refused");
        assert!(matches!(error, ArticleError::Extract { .. }), "{error:?}");
        let message = error.to_string();
        let expected = format!("{}: not a readable ", path.display());
        assert!(message.starts_with(&expected), "{message}");
        assert!(Session::open(&path).is_err());
    }
}

#[test]
fn a_file_named_as_an_image_or_archive_is_not_an_article_and_says_what_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "photo.PNG", b"\x89PNG\r\n\x1a\n");
    let message = article::load(&path).err().unwrap().to_string();
    assert_eq!(
        message,
        format!(
            "{}: not an article spantag opens (it opens .txt, .html, .htm, .pdf, .docx, .eml, \
             .md, .markdown)",
            path.display()
        )
    );
    // A name of no known kind is still read as text when it is text.
    let log = write(dir.path(), "wire.log", b"Lavrov met Shoukry.");
    assert_eq!(
        article::load(&log).unwrap().text.as_str(),
        "Lavrov met Shoukry."
    );
}

#[test]
fn a_source_over_the_size_limit_is_refused_before_extraction() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.html");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(article::MAX_ARTICLE_BYTES + 1).unwrap();
    let message = article::load(&path).err().unwrap().to_string();
    assert_eq!(
        message,
        format!(
            "{}: {} bytes is larger than the 100 MB spantag opens",
            path.display(),
            article::MAX_ARTICLE_BYTES + 1
        )
    );
}

#[test]
fn a_citation_typed_for_a_text_file_is_saved_as_version_5_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "a.txt", b"Lavrov met Shoukry.");
    let saver = Saver::new(|| {});
    let mut session = Session::open(&path).unwrap();
    session
        .document
        .apply(Command::SetCitation {
            field: CitationField::Outlet,
            value: "Reuters".into(),
        })
        .unwrap();
    session.save_now(&saver);
    let bytes = std::fs::read_to_string(&session.sidecar_path).unwrap();
    assert!(bytes.contains("    version: 5,\n"), "{bytes}");
    assert!(
        bytes.contains("    citation: (outlet: \"Reuters\"),\n"),
        "{bytes}"
    );
    assert!(
        !bytes.contains("    source: ("),
        "no extraction for a text file"
    );
    let reopened = Session::open(&path).unwrap();
    assert_eq!(reopened.document.citation.outlet, "Reuters");
    assert!(reopened.notices.is_empty());
}

fn spantag(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Process::new(env!("CARGO_BIN_EXE_spantag"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn spantag_text_prints_the_text_byte_for_byte_and_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = "\u{feff}Lavrov said\r\n«no deal»".as_bytes();
    let path = write(dir.path(), "a.txt", bytes);
    let out = spantag(&["text".as_ref(), path.as_os_str()]);
    assert!(out.status.success());
    assert_eq!(
        out.stdout,
        "Lavrov said\r\n«no deal»".as_bytes(),
        "the mark dropped, nothing added"
    );
    assert!(out.stderr.is_empty());

    let json = spantag(&["text".as_ref(), path.as_os_str(), "--json".as_ref()]);
    assert!(json.status.success());
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["kind"], "text");
    assert_eq!(value["extractor"], serde_json::Value::Null);
    assert_eq!(value["chars"], 22);
    assert_eq!(value["sha256"], sha256_hex(bytes));
    assert_eq!(
        value["text_sha256"],
        sha256_hex("Lavrov said\r\n«no deal»".as_bytes())
    );
    assert_eq!(value["citation"], serde_json::json!({}));
    assert_eq!(value["notices"], serde_json::json!([]));
    assert_eq!(value["pages"], serde_json::json!([]));

    let broken = write(dir.path(), "broken.pdf", b"not a pdf");
    let out = spantag(&["text".as_ref(), broken.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = format!("spantag text: {}: not a readable ", broken.display());
    assert!(stderr.starts_with(&expected), "{stderr}");
}

/// One fixture of every kind the extractors read.
const FIXTURES: [&str; 6] = [
    "news-page.html",
    "two-columns.pdf",
    "report.docx",
    "newsletter.eml",
    "briefing.md",
    "saved-page.htm",
];

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/sources/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_sidecar_made_on_one_extraction_validates_against_the_next_for_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    let saver = Saver::new(|| {});
    for name in FIXTURES {
        let path = write(dir.path(), name, &fixture(name));
        let mut session = Session::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let text = session.document.text().as_str().to_string();
        // The first word of the extracted text, as an analyst would tag it.
        let word = text.split_whitespace().next().unwrap();
        let chars = word.chars().count();
        session
            .document
            .apply(Command::Tag {
                char_range: 0..chars,
                label: "actor".into(),
                attrs: Default::default(),
            })
            .unwrap();
        session.save_now(&saver);
        let saved = std::fs::read_to_string(&session.sidecar_path).unwrap();
        assert!(saved.contains("    source: (kind: "), "{name}: {saved}");

        // A second run extracts the same text: the span holds, nothing is re-anchored.
        let again = Session::open(&path).unwrap();
        assert_eq!(again.document.text().as_str(), text, "{name}");
        assert!(
            !again.report.changed_anything(),
            "{name}: {:?}",
            again.report
        );
        let span = &again.document.annotations().spans()[0];
        assert_eq!((span.start, span.end, span.text.as_str()), (0, chars, word));
        // `spantag text` shows exactly what the offsets count.
        let printed = spantag(&["text".as_ref(), path.as_os_str()]);
        assert_eq!(printed.stdout, text.as_bytes(), "{name}");
    }
    let validate = spantag(&["validate".as_ref(), dir.path().as_os_str()]);
    assert!(
        validate.status.success(),
        "{}{}",
        String::from_utf8_lossy(&validate.stdout),
        String::from_utf8_lossy(&validate.stderr)
    );
}

#[test]
fn a_scanned_pdf_through_the_store_says_run_ocr_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "scan.pdf", &fixture("scanned.pdf"));
    let error = article::load(&path).err().expect("refused").to_string();
    assert_eq!(
        error,
        format!(
            "{}: no text to annotate (the PDF has no text layer, as a scan has none): run OCR first",
            path.display()
        )
    );
}
