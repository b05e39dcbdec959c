//! Placeholder until the pdf extractor lands in this branch.

use super::{ExtractError, Extracted};

pub(super) fn extract(_bytes: &[u8]) -> Result<Extracted, ExtractError> {
    Err(ExtractError::Corrupt {
        kind: "pdf",
        reason: "not built yet".into(),
    })
}
