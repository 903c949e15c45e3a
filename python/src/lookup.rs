//! `claimscrub.lookup`: what `claimscrub codes lookup --json` says about a code.

use std::path::PathBuf;

use pyo3::prelude::*;

use claimscrub::codeset::describe::{LookupError, lookup_json};
use claimscrub::setup::{self, chain};

use crate::errors;

/// The `codes lookup --json` document of `code` as of `date` (YYYY-MM-DD, default today),
/// in `system` (guessed from the code's shape when absent), over the built-in code sets
/// overlaid with `codesets`; as JSON text.
#[pyfunction]
#[pyo3(signature = (code, date=None, system=None, codesets=None))]
pub fn lookup(
    py: Python<'_>,
    code: &str,
    date: Option<&str>,
    system: Option<&str>,
    codesets: Option<PathBuf>,
) -> PyResult<String> {
    py.detach(|| {
        if code.trim().is_empty() {
            return Err(errors::CodeError::new_err(chain(&LookupError::Empty)));
        }
        let sets = setup::codesets(codesets.as_deref()).map_err(|e| errors::setup(&e))?;
        let date = setup::date("--date", date).map_err(|e| errors::setup(&e))?;
        let (_, v) = lookup_json(&sets, code, date, system)
            .map_err(|e| errors::CodeError::new_err(chain(&e)))?;
        Ok(v.to_string())
    })
}
