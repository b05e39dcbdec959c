//! spantag: an offset-exact annotator for news articles.
//!
//! # The model in one page
//!
//! An article is a plain-text file. Its [`Text`](model::Text) is the file decoded to Unicode
//! with the byte-order mark dropped and nothing else changed: `\r\n` stays two characters.
//! Every position inside spantag counts **Unicode scalar values** (`char`s) from the start of
//! that text, and every span is a half-open range `[char_start, char_end)`. Bytes exist only
//! at the egui boundary (layout sections) and are converted there through precomputed tables.
//!
//! A [`Document`](model::Document) is the text plus its [`Annotations`](model::Annotations):
//! spans (label, range, the exact text covered, 32 chars of context each side) and relations
//! between them. The annotations change only through [`Command`](model::Command)s applied in
//! [`Document::apply`](model::Document::apply), which records the inverse of each change, so
//! undo and redo are exact and unlimited.
//!
//! The layers, and the rule that keeps them honest:
//! - [`model`]: pure data and logic. No egui, no file system; tested without a window or disk.
//! - [`anchor`]: pure too: finding spans again after their article changed (held, diff,
//!   quote with context, or orphaned; never moved onto other text).
//! - [`export`]: pure too: annotations to other tools' formats and back, each span checked in
//!   the target's own offset unit before it is written.
//! - [`extract`]: pure too: article text and citation from web pages, PDFs, Word files,
//!   e-mails and Markdown, deterministic, so offsets into it stay valid.
//! - [`agree`]: pure too: inter-annotator agreement (span F1, Cohen's and Fleiss' kappa).
//! - [`suggest`]: pure too: rule-based suggestions (gazetteers, regexes, a quote finder
//!   that links speakers) from a corpus's `suggest.ron`, as proposals to accept.
//! - [`merge`]: pure too: three-way merges of a sidecar by span id and of the entities by
//!   entity id, for `spantag merge` and the git merge driver.
//! - [`store`]: the only module that touches the disk: decoding articles, atomic sidecar writes,
//!   walking corpora for export, import and validation.
//! - [`ui`]: egui. It draws state and sends commands; it never mutates annotations itself.
//! - [`cli`]: the command line in front of the same library.
//! - [`fuzz`]: entry points for the fuzz targets in `fuzz/`, replayed by the tests.

pub mod agree;
pub mod anchor;
pub mod cli;
pub mod export;
pub mod extract;
pub mod fuzz;
pub mod import;
pub mod merge;
pub mod model;
pub mod problem;
pub mod store;
pub mod suggest;
pub mod ui;
