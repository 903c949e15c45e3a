//! claimscrub for Python: the crate's engine behind a PyO3 module (`claimscrub._claimscrub`),
//! with the command line's setup, readers, emitters and messages. The Python package in
//! `claimscrub/` wraps it (claims as dicts, the Spark functions).

mod arrow_io;
mod engine;
mod errors;
mod lookup;

use pyo3::prelude::*;

/// The extension module: the engine, code lookups, the exceptions and the findings' Arrow schema.
#[pymodule]
fn _claimscrub(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<engine::PyEngine>()?;
    m.add_function(wrap_pyfunction!(arrow_io::finding_columns, m)?)?;
    m.add_function(wrap_pyfunction!(lookup::lookup, m)?)?;
    errors::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
