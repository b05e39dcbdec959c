//! The pure core: text, spans, commands, undo, the sidecar codec and the scheme.
//!
//! Nothing here imports egui or touches the file system (a test checks it), so all of it is
//! tested without a window or a disk.

mod annotations;
mod citation;
mod conflict;
mod document;
pub mod entities;
pub mod entity_index;
pub mod fixture;
pub mod generate;
mod proposal;
mod scheme;
pub mod search;
pub mod select;
pub mod selection;
pub mod sidecar;
mod span;
mod suggestion;
mod text;

pub use annotations::{Annotations, Fragments, IdError, IdProblem, MAX_ID};
pub use citation::{Citation, CitationField, Extraction, SourceKind};
pub use conflict::{Conflict, Side};
pub use document::{Applied, ArticleMeta, Command, CommandError, Document, Status};
pub use entities::{Entities, Entity, ENTITIES_FILE};
pub use proposal::{
    adjudication, differences, Difference, Origin, Proposal, Proposals, ProposedLink,
};
pub use scheme::{
    AttrKind, Attribute, Label, RelationKind, Scheme, SchemeError, MAX_SCHEME_BYTES, RESERVED_KEYS,
    SCHEME_FILE,
};
pub use selection::{
    quote_around, quote_marks_around, sentence_around, Caret, Motion, ParagraphRows, Rows,
};
pub use span::{Anchor, Attrs, Relation, Source, Span, SpanId, CONTEXT_CHARS, FRAGMENT_KIND};
pub(crate) use suggestion::short;
pub use suggestion::{
    offered_suggestions, pending_by_source, Suggestion, SuggestionProblem, SuggestionStatus,
};
pub use text::{NewlineStyle, Paragraph, Text};
