//! The only module that touches the disk: decoding articles, reading sidecars, and writing
//! them atomically from a background thread.

pub mod article;
pub mod atomic;
pub mod corpus;
pub mod saver;
pub mod session;

pub use article::{ArticleError, LoadedArticle};
pub use saver::{SaveJob, SaveResult, Saver};
pub use session::{sidecar_path, SaveState, Session};
