//! FHIR R4 `Claim` reader.

use std::sync::Arc;

use super::Claim;
use super::input::ClaimError;

/// A FHIR document that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FhirError {
    #[error("invalid JSON")]
    Json,
}

/// Read every Claim of a FHIR document.
pub fn read_all(
    _bytes: &[u8],
    _file: Option<Arc<str>>,
) -> Result<Vec<Result<Claim, ClaimError>>, FhirError> {
    Err(FhirError::Json)
}
