//! The user's own CPT file (CPT is licensed by the AMA and never shipped).

use std::path::Path;

use super::BuildOptions;
use super::common::{err, meta, name_of, read_text};
use crate::codeset::CodesetError;
use crate::codeset::compile::{Interval, SetSource, is_code};
use crate::codeset::lookup::key;

/// The user's CPT file: code TAB description, an optional header line. Valid from
/// `opts.effective` (else always).
pub(super) fn import_cpt(path: &Path, opts: &BuildOptions) -> Result<SetSource, CodesetError> {
    let text = read_text(path)?;
    let mut set = SetSource::new("cpt");
    let from = opts.effective.map_or(0, key);
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let (code, desc) = line.split_once('\t').unwrap_or((line, ""));
        let code = code.trim();
        if i == 0 && !is_code(code) {
            continue; // header
        }
        if !is_code(code) {
            return Err(err(
                path,
                i + 1,
                format!("expected a CPT code, a tab and its description; found `{code}`"),
            ));
        }
        let e = set.codes.entry(code.to_string()).or_default();
        if !e.intervals.is_empty() {
            return Err(err(path, i + 1, format!("code `{code}` is listed twice")));
        }
        e.intervals.push(Interval {
            from,
            to: 0,
            billable: true,
            short: desc.trim().to_string(),
            long: desc.trim().to_string(),
            status: String::new(),
        });
    }
    let name = name_of(path);
    set.meta = meta(&[
        ("release", name.clone()),
        ("source", name),
        (
            "credit",
            "CPT: American Medical Association (user-supplied file)".to_string(),
        ),
    ]);
    Ok(set)
}
