//! The Python exceptions: one base class and one per kind of failure, each carrying the
//! message the command line prints for the same failure.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

use claimscrub::setup::{SetupError, chain};

create_exception!(
    _claimscrub,
    ClaimscrubError,
    PyException,
    "Base class of every claimscrub error."
);
create_exception!(
    _claimscrub,
    ConfigError,
    ClaimscrubError,
    "Rules, code sets, payer or date that an engine cannot be built from."
);
create_exception!(
    _claimscrub,
    CodeError,
    ClaimscrubError,
    "A code lookup that cannot be answered (no code, unknown system, code set not loaded)."
);
create_exception!(
    _claimscrub,
    InputError,
    ClaimscrubError,
    "An input that cannot be read at all (unknown format, empty, broken X12 envelope)."
);

/// Add the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ClaimscrubError", py.get_type::<ClaimscrubError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("CodeError", py.get_type::<CodeError>())?;
    Ok(())
}

/// A setup failure as a `ConfigError`: the rule compile's diagnostics (as the command line
/// prints them to stderr) then the command line's error line.
pub fn setup(e: &SetupError) -> PyErr {
    let mut lines: Vec<String> = match e {
        SetupError::Rules { diagnostics, .. } => {
            diagnostics.iter().map(ToString::to_string).collect()
        }
        _ => Vec::new(),
    };
    lines.push(chain(e));
    ConfigError::new_err(lines.join("\n"))
}

/// An input read failure as an `InputError` with the command line's message.
pub fn input(e: &claimscrub::claim::input::InputError) -> PyErr {
    InputError::new_err(chain(e))
}
