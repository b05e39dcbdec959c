//! The PDF and Word extractors on the fixtures of `tests/sources/make_fixtures.py`: whole
//! texts, citations, notices and page starts exactly; every bad-file error by its message;
//! damaged copies of each fixture never crash and keep the text layout.

use proptest::prelude::*;
use spantag::extract::{extract, ExtractError, Extracted};
use spantag::model::{Citation, SourceKind};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/sources/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(path).expect("fixture")
}

fn error_message(kind: SourceKind, bytes: &[u8]) -> String {
    match extract(kind, bytes) {
        Ok(extracted) => panic!("extracted {:?}", extracted.text),
        Err(error) => error.to_string(),
    }
}

const TWO_COLUMNS_TEXT: &str = "Harbour Authority Approves New Ferry Terminal

The harbour authority voted on Tuesday to build a new ferry terminal on the north quay, ending a debate that has run for nearly a decade.

Chair Mira Osei called the plan an extraordinary step for a small port and said the first boats could dock by 2028.

Residents of the old town, a well-known fishing district, asked for a quieter design and more bicycle racks.

The well-known architect Tomas Lind will present drafts in the spring, and the council will hear objections.

Funding comes from a regional grant and a loan that the port expects to repay from berth fees over thirty years.

Critics say the fees are too high for the island routes.

An extraordinary meeting of the board is set for December to fix the budget.

Ticket prices will not change before the terminal opens.";

#[test]
fn two_column_pdf_reads_column_by_column_without_its_footers() {
    let extracted = extract(SourceKind::Pdf, &fixture("two-columns.pdf")).expect("text");
    assert_eq!(
        extracted,
        Extracted {
            text: TWO_COLUMNS_TEXT.into(),
            citation: Citation {
                title: "Harbour Authority Approves New Ferry Terminal".into(),
                byline: "Lena Marsh".into(),
                outlet: String::new(),
                published: "2026-11-30T08:15:00+01:00".into(),
                url: String::new(),
            },
            extractor: "pdf-extract 0.12.1 + spantag pdf 1".into(),
            page_starts: vec![523],
            notices: vec![
                "Page headers and footers left out: “Harbour Bulletin — Page # of #”".into()
            ],
        }
    );
    let page_two: String = extracted.text.chars().skip(523).collect();
    assert!(page_two.starts_with("Funding comes from a regional grant"));
    let before: String = extracted.text.chars().take(523).collect();
    assert!(before.ends_with("hear objections.\n\n"));
}

#[test]
fn hundred_page_pdf_records_a_start_for_every_later_page() {
    let extracted = extract(SourceKind::Pdf, &fixture("hundred-pages.pdf")).expect("text");
    assert_eq!(extracted.page_starts.len(), 99);
    assert_eq!(
        extracted.notices,
        vec!["Page headers and footers left out: “Page # of #”"]
    );
    assert_eq!(extracted.text.split("\n\n").count(), 500);
    let chars: Vec<char> = extracted.text.chars().collect();
    for &start in &extracted.page_starts {
        assert_eq!(&chars[start - 2..start], &['\n', '\n']);
    }
}

#[test]
fn word_file_gives_its_paragraphs_and_says_what_it_left_out() {
    let extracted = extract(SourceKind::Docx, &fixture("report.docx")).expect("text");
    assert_eq!(
        extracted,
        Extracted {
            text: "Quarterly Port Report

Prepared for the harbour board.

Traffic & Revenue

Ferry traffic rose significantly in the third quarter, and the board called it “a turning point”.

Cargo & fishing\tsteady.
Second line of the same paragraph.

The board’s next meeting is in January."
                .into(),
            citation: Citation {
                title: "Quarterly Port Report".into(),
                byline: "Jonas Berg".into(),
                outlet: "Harbour Board".into(),
                published: "2026-10-01T09:30:00Z".into(),
                url: String::new(),
            },
            extractor: "spantag docx 1 (zip 6.0.0, quick-xml 0.41.0)".into(),
            page_starts: vec![],
            notices: vec![
                "1 table left out (12 cells)".into(),
                "1 footnote left out".into()
            ],
        }
    );
}

#[test]
fn extraction_is_deterministic() {
    for (kind, name) in [
        (SourceKind::Pdf, "two-columns.pdf"),
        (SourceKind::Pdf, "hundred-pages.pdf"),
        (SourceKind::Docx, "report.docx"),
    ] {
        let bytes = fixture(name);
        assert_eq!(extract(kind, &bytes), extract(kind, &bytes), "{name}");
    }
}

#[test]
fn a_scanned_pdf_asks_for_ocr() {
    assert_eq!(
        extract(SourceKind::Pdf, &fixture("scanned.pdf")),
        Err(ExtractError::SCANNED)
    );
    assert_eq!(
        error_message(SourceKind::Pdf, &fixture("scanned.pdf")),
        "no text to annotate (the PDF has no text layer, as a scan has none): run OCR first"
    );
}

#[test]
fn an_encrypted_pdf_says_so() {
    assert_eq!(
        error_message(SourceKind::Pdf, &fixture("encrypted.pdf")),
        "the PDF is encrypted: open it in its own program, save a copy without a password, and open that"
    );
}

#[test]
fn a_pdf_without_a_user_password_reads_like_any_other() {
    let extracted = extract(SourceKind::Pdf, &fixture("owner-password.pdf")).expect("text");
    assert_eq!(
        extracted.text,
        "Anyone may read this; only printing is restricted."
    );
    assert_eq!(extracted.citation.title, "Restricted");
}

#[test]
fn damaged_or_empty_pdfs_are_not_readable() {
    let pdf = fixture("two-columns.pdf");
    assert_eq!(
        error_message(SourceKind::Pdf, &pdf[..pdf.len() / 2]),
        "not a readable PDF: it is cut short (it does not end with %%EOF): failed parsing cross reference table: invalid start value"
    );
    assert_eq!(
        error_message(SourceKind::Pdf, b""),
        "not a readable PDF: it does not start with %PDF-, as every PDF does"
    );
    let mut no_trailer = pdf.clone();
    let trailer = no_trailer
        .windows(7)
        .rposition(|w| w == b"trailer")
        .expect("trailer");
    no_trailer.truncate(trailer);
    no_trailer.extend(b"%%EOF\n");
    assert_eq!(
        error_message(SourceKind::Pdf, &no_trailer),
        "not a readable PDF: failed parsing cross reference table: invalid start value"
    );
    assert_eq!(
        error_message(SourceKind::Pdf, b"Dear editor, this is a letter."),
        "not a readable PDF: it does not start with %PDF-, as every PDF does"
    );
}

#[test]
fn files_that_are_not_docx_say_what_they_are() {
    assert_eq!(
        error_message(SourceKind::Docx, b"Dear editor, this is a letter."),
        "not a readable Word file: not a zip archive (a .docx is one)"
    );
    assert_eq!(
        error_message(SourceKind::Docx, b""),
        "not a readable Word file: not a zip archive (a .docx is one)"
    );
    // An empty zip archive: only the end-of-central-directory record.
    let mut empty_zip = b"PK\x05\x06".to_vec();
    empty_zip.extend([0; 18]);
    assert_eq!(
        error_message(SourceKind::Docx, &empty_zip),
        "not a readable Word file: the zip archive has no word/document.xml (a .docx has one)"
    );
    let mut old_doc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    old_doc.extend([0; 504]);
    assert_eq!(
        error_message(SourceKind::Docx, &old_doc),
        "not a readable Word file: it is an old Word .doc file, not a .docx: save it as .docx in Word and open that"
    );
    let mut encrypted = old_doc.clone();
    encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(
        error_message(SourceKind::Docx, &encrypted),
        "the Word file is encrypted: open it in its own program, save a copy without a password, and open that"
    );
}

/// The text layout of `spantag::extract`'s docs, and page starts inside the text.
fn check_layout(extracted: &Extracted) {
    let text = &extracted.text;
    assert!(!text.starts_with('\n') && !text.ends_with('\n'), "{text:?}");
    assert!(!text.contains("\n\n\n"), "{text:?}");
    assert!(text.lines().all(|l| l == l.trim_end()), "{text:?}");
    let chars = text.chars().count();
    assert!(extracted.page_starts.windows(2).all(|w| w[0] <= w[1]));
    assert!(extracted.page_starts.iter().all(|&s| s <= chars));
}

/// `bytes` cut at `cut` (if any), with bytes overwritten at `flips`.
fn damaged(
    bytes: &[u8],
    cut: Option<prop::sample::Index>,
    flips: &[(prop::sample::Index, u8)],
) -> Vec<u8> {
    let end = cut.map_or(bytes.len(), |cut| cut.index(bytes.len() + 1));
    let mut bytes = bytes[..end].to_vec();
    if !bytes.is_empty() {
        let len = bytes.len();
        for (at, value) in flips {
            bytes[at.index(len)] = *value;
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn damaged_fixtures_never_crash_and_keep_the_layout(
        which in 0usize..4,
        keep_whole in any::<bool>(),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
    ) {
        let (kind, name) = [
            (SourceKind::Pdf, "two-columns.pdf"),
            (SourceKind::Pdf, "scanned.pdf"),
            (SourceKind::Pdf, "encrypted.pdf"),
            (SourceKind::Docx, "report.docx"),
        ][which];
        let original = fixture(name);
        let bytes = damaged(&original, (!keep_whole).then_some(cut), &flips);
        if let Ok(extracted) = extract(kind, &bytes) {
            check_layout(&extracted);
        }
    }
}
