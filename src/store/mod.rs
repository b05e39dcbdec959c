//! The only module that touches the disk: decoding articles, reading sidecars, writing
//! them atomically from a background thread, and watching for changes made by others.

pub mod article;
pub mod atomic;
pub mod corpus;
pub mod saver;
pub mod session;
pub mod watch;

pub use article::{ArticleError, LoadedArticle};
pub use saver::{SaveError, SaveJob, SaveResult, Saver};
pub use session::{sidecar_path, Conflict, External, Resolution, SaveState, Session};
