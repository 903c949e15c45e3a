//! Arrow in and out: a RecordBatch with one input per row (a JSON claim, an NDJSON or X12
//! file, a FHIR Bundle) is checked as one run, and its findings come back as a RecordBatch,
//! one row per finding or unreadable claim, with the input row's other columns taken over.
//!
//! The finding columns are the keys of [`FindingRecord`], the record `check --format json`
//! writes, filled from that record's own serialization; `tests/test_arrow.py` checks that
//! the columns are exactly the keys of the findings `check` returns.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int64Builder, StringBuilder, UInt32Array};
use arrow::compute::take;
use arrow::datatypes::{DataType, Field, Schema};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use serde_json::{Map, Value};

use claimscrub::claim::input::{self, ClaimError, InputFormat, Pending};
use claimscrub::outcome::{ClaimResult, Outcome};
use claimscrub::report::{FindingRecord, Summary};
use claimscrub::setup::chain;

use crate::engine::PyEngine;

/// How a record value becomes an Arrow value.
#[derive(Clone, Copy)]
enum Kind {
    /// A string (or null).
    Text,
    /// An integer (or null).
    Int,
    /// A JSON object (a location, an error record), written as its JSON text.
    Json,
}

/// The columns of [`FindingRecord`], in its key order, with their Arrow kind.
const FINDING: &[(&str, Kind)] = &[
    ("claim_id", Kind::Text),
    ("rule", Kind::Text),
    ("category", Kind::Text),
    ("severity", Kind::Text),
    ("line", Kind::Int),
    ("code", Kind::Text),
    ("display_code", Kind::Text),
    ("path", Kind::Text),
    ("location", Kind::Json),
    ("carc", Kind::Text),
    ("rarc", Kind::Text),
    ("message", Kind::Text),
    ("help", Kind::Text),
    ("rule_file", Kind::Text),
    ("rule_line", Kind::Int),
];

/// Columns after the finding's: `checked` or `unreadable`, and an unreadable claim's error
/// record (as `check --format json` writes it) as JSON text.
const EXTRA: &[(&str, Kind)] = &[("status", Kind::Text), ("error", Kind::Json)];

/// Every output column the engine adds, in order.
fn columns() -> impl Iterator<Item = &'static (&'static str, Kind)> {
    FINDING.iter().chain(EXTRA)
}

fn arrow_type(k: Kind) -> DataType {
    match k {
        Kind::Text | Kind::Json => DataType::Utf8,
        Kind::Int => DataType::Int64,
    }
}

/// The finding columns as `(name, arrow type name)` pairs, for building a Spark schema.
#[pyfunction]
pub fn finding_columns() -> Vec<(&'static str, &'static str)> {
    columns()
        .map(|(n, k)| {
            let t = match k {
                Kind::Text | Kind::Json => "string",
                Kind::Int => "int64",
            };
            (*n, t)
        })
        .collect()
}

/// One input per row, as bytes; `None` for a null row.
fn rows<'a>(a: &'a dyn Array, col: &str) -> PyResult<Vec<Option<&'a [u8]>>> {
    let out: Vec<Option<&[u8]>> = match a.data_type() {
        DataType::Utf8 => a
            .as_string::<i32>()
            .iter()
            .map(|s| s.map(str::as_bytes))
            .collect(),
        DataType::LargeUtf8 => a
            .as_string::<i64>()
            .iter()
            .map(|s| s.map(str::as_bytes))
            .collect(),
        DataType::Utf8View => a
            .as_string_view()
            .iter()
            .map(|s| s.map(str::as_bytes))
            .collect(),
        DataType::Binary => a.as_binary::<i32>().iter().collect(),
        DataType::LargeBinary => a.as_binary::<i64>().iter().collect(),
        DataType::BinaryView => a.as_binary_view().iter().collect(),
        t => {
            return Err(PyValueError::new_err(format!(
                "column `{col}` is {t}, not string or binary claims"
            )));
        }
    };
    Ok(out)
}

/// An input row that yields no claim, as the error record of an unreadable claim.
fn row_error(col: &str, message: String) -> Pending {
    Pending::Ready(Err(ClaimError {
        file: Some(Arc::from(col)),
        index: 0,
        claim_id: None,
        location: None,
        message,
        limit: None,
    }))
}

/// Every row's pending claims in row order, and the input row of each.
fn pending(rows: &[Option<&[u8]>], col: &str, format: InputFormat) -> (Vec<Pending>, Vec<u32>) {
    let mut out = Vec::new();
    let mut row_of = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let before = out.len();
        match r {
            None => out.push(row_error(col, "the row holds no claim (null)".to_string())),
            Some(b) if b.iter().all(u8::is_ascii_whitespace) => {
                out.push(row_error(
                    col,
                    "the row is empty: it holds no claims".to_string(),
                ));
            }
            Some(b) => match input::read_bytes(col, b.to_vec(), Some(format)) {
                Ok(claims) => out.extend(claims),
                Err(e) => out.push(row_error(col, chain(&e))),
            },
        }
        let row = u32::try_from(i).unwrap_or(u32::MAX);
        row_of.resize(row_of.len() + out.len() - before, row);
    }
    (out, row_of)
}

/// Check a batch: the findings batch.
pub fn check(
    engine: &PyEngine,
    batch: &RecordBatch,
    col: &str,
    format: InputFormat,
) -> PyResult<RecordBatch> {
    let schema = batch.schema();
    let idx = schema
        .index_of(col)
        .map_err(|_| PyValueError::new_err(format!("the batch has no column `{col}`")))?;
    let keys: Vec<usize> = (0..batch.num_columns()).filter(|i| *i != idx).collect();
    for k in &keys {
        let name = schema.field(*k).name();
        if columns().any(|(n, _)| n == name) {
            return Err(PyValueError::new_err(format!(
                "input column `{name}` has the name of a finding column; rename it"
            )));
        }
    }
    let array = batch.column(idx);
    let rows = rows(array.as_ref(), col)?;
    let (pending, row_of) = pending(&rows, col, format);
    let results = engine.run(pending);

    let mut records: Vec<Map<String, Value>> = Vec::new();
    let mut taken: Vec<u32> = Vec::new();
    for r in &results {
        let row = row_of.get(r.seq).copied().unwrap_or(0);
        for rec in records_of(r) {
            records.push(rec);
            taken.push(row);
        }
    }
    let indices = UInt32Array::from(taken);
    let mut fields: Vec<Field> = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for k in keys {
        fields.push(schema.field(k).clone());
        arrays.push(take(batch.column(k).as_ref(), &indices, None).map_err(arrow_err)?);
    }
    for (name, kind) in columns() {
        fields.push(Field::new(*name, arrow_type(*kind), true));
        arrays.push(column(&records, name, *kind));
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(arrow_err)
}

/// The output rows of one claim: a record per finding, or its error record.
fn records_of(r: &ClaimResult) -> Vec<Map<String, Value>> {
    match &r.outcome {
        Outcome::Checked(c) => c
            .findings
            .iter()
            .filter_map(|f| match serde_json::to_value(FindingRecord::from(f)) {
                Ok(Value::Object(mut m)) => {
                    m.insert("location".into(), json_text(&f.location));
                    m.insert("status".into(), Value::from("checked"));
                    Some(m)
                }
                _ => None,
            })
            .collect(),
        Outcome::Unreadable(e) => {
            let mut m = Map::new();
            m.insert("claim_id".into(), e.claim_id.clone().into());
            m.insert("message".into(), e.message.clone().into());
            m.insert("location".into(), json_text(&e.location));
            m.insert("status".into(), Value::from("unreadable"));
            m.insert("error".into(), json_text(&Some(e)));
            vec![m]
        }
    }
}

/// A value's JSON text exactly as `check --format json` writes it (its key order), for a
/// [`Kind::Json`] column; null for `None`.
fn json_text<T: serde::Serialize>(v: &Option<T>) -> Value {
    v.as_ref()
        .and_then(|v| serde_json::to_string(v).ok())
        .map_or(Value::Null, Value::String)
}

/// One output column from the records' values under `name`; a [`Kind::Json`] value is
/// already JSON text.
fn column(records: &[Map<String, Value>], name: &str, kind: Kind) -> ArrayRef {
    match kind {
        Kind::Int => {
            let mut b = Int64Builder::with_capacity(records.len());
            for r in records {
                b.append_option(r.get(name).and_then(Value::as_i64));
            }
            Arc::new(b.finish())
        }
        Kind::Text | Kind::Json => {
            let mut b = StringBuilder::with_capacity(records.len(), records.len() * 16);
            for r in records {
                match r.get(name) {
                    None | Some(Value::Null) => b.append_null(),
                    Some(Value::String(s)) => b.append_value(s),
                    Some(v) => b.append_value(v.to_string()),
                }
            }
            Arc::new(b.finish())
        }
    }
}

fn arrow_err(e: ArrowError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// The `check` summary of a batch as JSON, plus `by_carc`: findings per expected CARC.
pub fn summary(
    engine: &PyEngine,
    batch: &RecordBatch,
    col: &str,
    format: InputFormat,
) -> PyResult<String> {
    let array = batch
        .column_by_name(col)
        .ok_or_else(|| PyValueError::new_err(format!("the batch has no column `{col}`")))?;
    let rows = rows(array.as_ref(), col)?;
    let (pending, _) = pending(&rows, col, format);
    let results = engine.run(pending);
    let mut summary = Summary::default();
    let mut by_carc: std::collections::BTreeMap<&str, usize> = Default::default();
    for r in &results {
        summary.add(r);
        if let Outcome::Checked(c) = &r.outcome {
            for f in &c.findings {
                if let Some(carc) = f.carc.as_deref() {
                    *by_carc.entry(carc).or_default() += 1;
                }
            }
        }
    }
    let mut v = serde_json::to_value(&summary).map_err(|e| PyValueError::new_err(e.to_string()))?;
    if let Value::Object(m) = &mut v {
        m.insert("by_carc".into(), serde_json::json!(by_carc));
    }
    Ok(v.to_string())
}
