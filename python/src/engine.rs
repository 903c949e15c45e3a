//! `claimscrub.Engine`: rules compiled once against the code sets, shared by every thread
//! that checks with it. Checking releases the GIL and runs on the engine's own thread pool
//! (or rayon's global one), through the same runner as `claimscrub check`.

use std::path::PathBuf;

use arrow::pyarrow::PyArrowType;
use arrow::record_batch::RecordBatch;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use claimscrub::claim::input::{self, InputFormat, Pending};
use claimscrub::engine::Engine;
use claimscrub::engine::run::{self, CHUNK};
use claimscrub::outcome::ClaimResult;
use claimscrub::report::json::Json;
use claimscrub::report::{Emitter, RunMeta, Summary};
use claimscrub::setup::{self, Settings, Sources};

use crate::{arrow_io, errors};

/// A compiled engine: rules, code sets, options, and the threads it checks on.
#[pyclass(name = "Engine", module = "claimscrub._claimscrub", frozen)]
pub struct PyEngine {
    engine: Engine,
    /// The engine's own pool when `threads` was given; rayon's global pool otherwise.
    pool: Option<rayon::ThreadPool>,
    /// The rule compile's warnings, as the command line prints them.
    diagnostics: Vec<String>,
}

/// A format name as `--input-format` takes it.
pub fn format(name: Option<&str>) -> PyResult<Option<InputFormat>> {
    const ALL: [InputFormat; 4] = [
        InputFormat::Json,
        InputFormat::Ndjson,
        InputFormat::X12,
        InputFormat::Fhir,
    ];
    match name {
        None => Ok(None),
        Some(n) => ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(n))
            .map(Some)
            .ok_or_else(|| {
                PyValueError::new_err(format!(
                    "unknown input format `{n}`; known: json, ndjson, x12, fhir"
                ))
            }),
    }
}

impl PyEngine {
    /// Check pending claims in input order on the engine's pool, as `check` does.
    pub fn run(&self, pending: Vec<Pending>) -> Vec<ClaimResult> {
        let mut out = Vec::with_capacity(pending.len());
        let go = || run::run(&self.engine, pending.into_iter(), CHUNK, |r| out.push(r));
        match &self.pool {
            Some(p) => p.install(go),
            None => go(),
        }
        out
    }
}

#[pymethods]
impl PyEngine {
    /// Build the engine: built-in packs (unless `default_rules` is false) plus `rules`
    /// directories, the built-in code sets overlaid with `codesets`, a forced `payer`, the
    /// `as_of` date (YYYY-MM-DD, default today), and `threads` (default: one per core).
    #[new]
    #[pyo3(signature = (rules=Vec::new(), default_rules=true, codesets=None, payer=None,
                        as_of=None, preview=false, per_line_notices=false, threads=None))]
    #[expect(
        clippy::too_many_arguments,
        reason = "the Python keyword arguments of Engine()"
    )]
    fn new(
        py: Python<'_>,
        rules: Vec<PathBuf>,
        default_rules: bool,
        codesets: Option<PathBuf>,
        payer: Option<String>,
        as_of: Option<String>,
        preview: bool,
        per_line_notices: bool,
        threads: Option<usize>,
    ) -> PyResult<PyEngine> {
        let settings = Settings {
            sources: Sources {
                rules,
                no_default_rules: !default_rules,
                codesets,
            },
            as_of,
            payer,
            preview,
            per_line_notices,
            parse_only: false,
            redact: false,
        };
        let (engine, diags) = py
            .detach(|| setup::engine(&settings))
            .map_err(|e| errors::setup(&e))?;
        let pool = match threads {
            None => None,
            Some(n) if (1..=256).contains(&n) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|e| {
                        errors::ConfigError::new_err(format!(
                            "cannot start the worker threads: {e}"
                        ))
                    })?,
            ),
            Some(n) => {
                return Err(PyValueError::new_err(format!(
                    "threads must be 1 to 256, not {n}"
                )));
            }
        };
        Ok(PyEngine {
            engine,
            pool,
            diagnostics: diags.iter().map(ToString::to_string).collect(),
        })
    }

    /// How many rules the engine runs.
    #[getter]
    fn rule_count(&self) -> usize {
        self.engine.rules.rules.len()
    }

    /// The rule compile's warnings, one string each, as `check` prints them to stderr.
    #[getter]
    fn diagnostics(&self) -> Vec<String> {
        self.diagnostics.clone()
    }

    /// Check one input (JSON, NDJSON, X12 or FHIR bytes, `format` detected when absent) and
    /// return the `check --format json` document for it, named `name` in its records.
    #[pyo3(signature = (data, format=None, name="<input>"))]
    fn check_json<'py>(
        &self,
        py: Python<'py>,
        data: &[u8],
        format: Option<&str>,
        name: &str,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let fmt = self::format(format)?;
        let doc = py.detach(|| -> Result<Vec<u8>, PyErrState> {
            let claims = input::read_bytes(name, data.to_vec(), fmt).map_err(PyErrState::Input)?;
            let results = self.run(claims.collect());
            let mut out = Vec::new();
            let mut summary = Summary::default();
            {
                let mut emitter = Json::new(Box::new(&mut out));
                emitter
                    .begin(&RunMeta {
                        tool: "claimscrub",
                        version: env!("CARGO_PKG_VERSION"),
                        schema: 1,
                        inputs: vec![name.to_string()],
                        rules: self.engine.rules.rules.len(),
                    })
                    .map_err(PyErrState::Io)?;
                for r in &results {
                    summary.add(r);
                    emitter.claim(r).map_err(PyErrState::Io)?;
                }
                emitter.finish(&summary).map_err(PyErrState::Io)?;
            }
            Ok(out)
        });
        match doc {
            Ok(d) => Ok(PyBytes::new(py, &d)),
            Err(PyErrState::Input(e)) => Err(errors::input(&e)),
            Err(PyErrState::Io(e)) => Err(errors::ClaimscrubError::new_err(e.to_string())),
        }
    }

    /// Check a `pyarrow.RecordBatch` whose `claim_col` holds one input per row (a claim, or
    /// a whole X12 file): a RecordBatch of findings and error rows, each with its input row's
    /// other columns.
    #[pyo3(signature = (batch, claim_col="claim", format="json"))]
    fn check_arrow(
        &self,
        py: Python<'_>,
        batch: PyArrowType<RecordBatch>,
        claim_col: &str,
        format: &str,
    ) -> PyResult<PyArrowType<RecordBatch>> {
        let fmt = self::format(Some(format))?.unwrap_or(InputFormat::Json);
        let batch = batch.0;
        let out = py.detach(|| arrow_io::check(self, &batch, claim_col, fmt))?;
        Ok(PyArrowType(out))
    }

    /// The `check` summary of a RecordBatch of inputs as JSON, with `by_carc` (findings per
    /// expected CARC) added: what `scrub_summary` adds up over a DataFrame.
    #[pyo3(signature = (batch, claim_col="claim", format="json"))]
    fn summary_arrow(
        &self,
        py: Python<'_>,
        batch: PyArrowType<RecordBatch>,
        claim_col: &str,
        format: &str,
    ) -> PyResult<String> {
        let fmt = self::format(Some(format))?.unwrap_or(InputFormat::Json);
        let batch = batch.0;
        py.detach(|| arrow_io::summary(self, &batch, claim_col, fmt))
    }
}

/// A failure inside a GIL-free section, turned into a Python exception after it.
enum PyErrState {
    Input(input::InputError),
    Io(std::io::Error),
}
