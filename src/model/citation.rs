//! Where an article came from: the citation an analyst's claims are cited with, and the
//! record of how its text was extracted from a web page, PDF, Word file, e-mail or Markdown.
//!
//! The [`Citation`] (title, byline, outlet, published date, URL) is filled in from the
//! source's own metadata when the article is first opened, then belongs to the analyst: it
//! is shown above the text, edited through [`super::Command::SetCitation`] (so it undoes
//! like any edit), saved in the sidecar and written by every export.
//!
//! The [`Extraction`] is a fact about the file, like its hash: which kind of source it is,
//! which extractor (and version) made the text, and the extracted text's hash. Offsets count
//! chars of that extracted text, so the hash tells a later spantag whether its own
//! extraction still gives the same text; when it does not, re-anchoring takes over.

use serde::{Deserialize, Serialize};

/// One field of a [`Citation`], in the order they are shown and exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CitationField {
    Title,
    Byline,
    Outlet,
    Published,
    Url,
}

impl CitationField {
    pub const ALL: [CitationField; 5] = [
        CitationField::Title,
        CitationField::Byline,
        CitationField::Outlet,
        CitationField::Published,
        CitationField::Url,
    ];

    /// The field's name in the sidecar and in every export (`title`, `byline`, ...).
    pub fn key(self) -> &'static str {
        match self {
            CitationField::Title => "title",
            CitationField::Byline => "byline",
            CitationField::Outlet => "outlet",
            CitationField::Published => "published",
            CitationField::Url => "url",
        }
    }

    /// The field's name for people.
    pub fn label(self) -> &'static str {
        match self {
            CitationField::Title => "Title",
            CitationField::Byline => "Byline",
            CitationField::Outlet => "Outlet",
            CitationField::Published => "Published",
            CitationField::Url => "URL",
        }
    }
}

/// An article's citation. Every field is text as the source (or the analyst) gave it; an
/// empty field is unknown. `published` is ISO 8601 where the source says so precisely
/// (`2026-11-30` or `2026-11-30T08:15:00Z`), else as written.
///
/// Its serde form is what exports write (only the known fields, by their keys) and read
/// back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Citation {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub byline: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub outlet: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub published: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
}

impl Citation {
    pub fn get(&self, field: CitationField) -> &str {
        match field {
            CitationField::Title => &self.title,
            CitationField::Byline => &self.byline,
            CitationField::Outlet => &self.outlet,
            CitationField::Published => &self.published,
            CitationField::Url => &self.url,
        }
    }

    pub fn get_mut(&mut self, field: CitationField) -> &mut String {
        match field {
            CitationField::Title => &mut self.title,
            CitationField::Byline => &mut self.byline,
            CitationField::Outlet => &mut self.outlet,
            CitationField::Published => &mut self.published,
            CitationField::Url => &mut self.url,
        }
    }

    /// Whether no field is known.
    pub fn is_empty(&self) -> bool {
        CitationField::ALL.iter().all(|&f| self.get(f).is_empty())
    }

    /// The known fields, in order, as `(key, value)`.
    pub fn known(&self) -> impl Iterator<Item = (&'static str, &str)> {
        CitationField::ALL
            .into_iter()
            .map(|f| (f.key(), self.get(f)))
            .filter(|(_, v)| !v.is_empty())
    }
}

/// The kinds of file spantag opens as articles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SourceKind {
    /// Plain text: the file decoded, nothing extracted.
    Text,
    /// A saved web page (`.html`, `.htm`): its main article.
    Html,
    /// A PDF's text layer.
    Pdf,
    /// A Word file's paragraphs.
    Docx,
    /// An e-mail (`.eml`): its body.
    Email,
    /// Markdown, rendered to plain text.
    Markdown,
}

impl SourceKind {
    pub const ALL: [SourceKind; 6] = [
        SourceKind::Text,
        SourceKind::Html,
        SourceKind::Pdf,
        SourceKind::Docx,
        SourceKind::Email,
        SourceKind::Markdown,
    ];

    /// The file name extensions of this kind, lowercase, without the dot.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            SourceKind::Text => &["txt"],
            SourceKind::Html => &["html", "htm"],
            SourceKind::Pdf => &["pdf"],
            SourceKind::Docx => &["docx"],
            SourceKind::Email => &["eml"],
            SourceKind::Markdown => &["md", "markdown"],
        }
    }

    /// Every extension spantag opens as an article.
    pub fn all_extensions() -> impl Iterator<Item = &'static str> {
        SourceKind::ALL
            .into_iter()
            .flat_map(|k| k.extensions().iter().copied())
    }

    /// The kind of a file, by its name's extension (any case); `None` for anything else
    /// (a sidecar, an image of a saved page's `_files` folder).
    pub fn of_file_name(name: &str) -> Option<SourceKind> {
        let (_, extension) = name.rsplit_once('.')?;
        let extension = extension.to_ascii_lowercase();
        SourceKind::ALL
            .into_iter()
            .find(|k| k.extensions().contains(&extension.as_str()))
    }

    /// The kind's name in the sidecar (`html`, `pdf`, ...).
    pub fn key(self) -> &'static str {
        match self {
            SourceKind::Text => "text",
            SourceKind::Html => "html",
            SourceKind::Pdf => "pdf",
            SourceKind::Docx => "docx",
            SourceKind::Email => "email",
            SourceKind::Markdown => "markdown",
        }
    }

    /// The kind for people ("web page", "PDF", ...).
    pub fn describe(self) -> &'static str {
        match self {
            SourceKind::Text => "text file",
            SourceKind::Html => "web page",
            SourceKind::Pdf => "PDF",
            SourceKind::Docx => "Word file",
            SourceKind::Email => "e-mail",
            SourceKind::Markdown => "Markdown file",
        }
    }
}

/// How an article's text was extracted from a source that is not plain text. The sidecar
/// records it as its `source` record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extraction {
    pub kind: SourceKind,
    /// The extractor and its version, e.g. `dom_smoothie 0.19.0 + spantag html 1`.
    pub extractor: String,
    /// Hex SHA-256 of the extracted text's UTF-8 bytes.
    pub text_sha256: String,
    /// For a PDF, the char offset where each page after the first starts; else empty.
    pub page_starts: Vec<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_by_extension_in_any_case_and_nothing_else_is_an_article() {
        assert_eq!(SourceKind::of_file_name("a.HTM"), Some(SourceKind::Html));
        assert_eq!(SourceKind::of_file_name("b.tar.pdf"), Some(SourceKind::Pdf));
        assert_eq!(SourceKind::of_file_name("c.txt"), Some(SourceKind::Text));
        assert_eq!(SourceKind::of_file_name("c.txt.ann.ron"), None);
        assert_eq!(SourceKind::of_file_name("logo.png"), None);
        assert_eq!(SourceKind::of_file_name("README"), None);
    }

    #[test]
    fn a_citation_gets_and_sets_each_field_and_lists_only_known_ones() {
        let mut c = Citation::default();
        assert!(c.is_empty());
        *c.get_mut(CitationField::Outlet) = "Reuters".into();
        *c.get_mut(CitationField::Url) = "https://example.org/a".into();
        assert_eq!(c.get(CitationField::Outlet), "Reuters");
        assert_eq!(
            c.known().collect::<Vec<_>>(),
            [("outlet", "Reuters"), ("url", "https://example.org/a")]
        );
        assert!(!c.is_empty());
    }
}
