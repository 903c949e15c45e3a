//! Helpers every importer shares: reading a CMS text file, an error at a file and line, day
//! arithmetic on `YYYYMMDD` keys, and the release metadata written beside each set or table.

use std::path::Path;

use jiff::ToSpan;

use crate::codeset::CodesetError;
use crate::codeset::lookup::{date_of, key};

pub(super) fn read_text(path: &Path) -> Result<String, CodesetError> {
    let bytes = std::fs::read(path).map_err(|source| CodesetError::Io {
        path: path.display().to_string(),
        source,
    })?;
    // CMS files are ASCII or Windows-1252; a stray byte must not stop the import.
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|b| *b as char).collect(),
    })
}

pub(super) fn err(path: &Path, line: usize, message: impl Into<String>) -> CodesetError {
    CodesetError::Source {
        path: path.display().to_string(),
        line,
        message: message.into(),
    }
}

pub(super) fn day_before(d: u32) -> u32 {
    date_of(d)
        .and_then(|d| d.checked_sub(1.day()).ok())
        .map_or(d, key)
}

pub(super) fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub(super) fn meta(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

pub(super) fn iso(d: u32) -> String {
    date_of(d).map(|d| d.to_string()).unwrap_or_default()
}

/// A CSV record of `path` with its 1-based line, or the error at that line.
pub(super) fn csv_record(
    path: &Path,
    rec: Result<csv::StringRecord, csv::Error>,
) -> Result<(csv::StringRecord, usize), CodesetError> {
    let rec = rec.map_err(|e| {
        let line = e.position().map_or(0, |p| p.line() as usize);
        err(path, line, format!("not CSV: {e}"))
    })?;
    let line = rec.position().map_or(0, |p| p.line() as usize);
    Ok((rec, line))
}

/// Release metadata of an NCCI table (PTP, MUE, add-on): the files it was built from.
pub(super) fn ncci_meta(paths: &[&Path]) -> Vec<(String, String)> {
    let names = paths
        .iter()
        .map(|p| name_of(p))
        .collect::<Vec<String>>()
        .join(", ");
    meta(&[
        ("release", names.clone()),
        ("source", names),
        ("credit", "Source: CMS NCCI".to_string()),
    ])
}
