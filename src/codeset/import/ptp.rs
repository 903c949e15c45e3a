//! NCCI procedure-to-procedure (PTP) edit files.

use std::path::Path;

use super::common::{err, ncci_meta, read_text};
use crate::codeset::CodesetError;
use crate::codeset::compile::{EditSource, is_code, parse_ymd8};
use crate::codeset::tables::EditKind;

/// NCCI PTP files (`ccipra-v…-f1.txt`, …): column 1, column 2, `*` (prior to 1996),
/// effective YYYYMMDD, deletion YYYYMMDD or `*`, modifier indicator 0/1/9, rationale. Header
/// lines (whose first field is not a code) precede the rows.
pub(super) fn import_ptp(paths: &[&Path]) -> Result<EditSource, CodesetError> {
    let mut t = EditSource::new("ptp", EditKind::Ptp.width());
    for path in paths {
        let text = read_text(path)?;
        let mut started = false;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').map(str::trim).collect();
            let first = f.first().copied().unwrap_or("");
            if !(started || is_code(first) && f.len() > 1) {
                continue;
            }
            started = true;
            let e = |m: String| err(path, i + 1, m);
            if f.len() < 6 {
                return Err(e(format!(
                    "expected at least 6 tab-separated fields, found {}",
                    f.len()
                )));
            }
            let get = |j: usize| f.get(j).copied().unwrap_or("");
            let (c1, c2) = (get(0), get(1));
            if !is_code(c1) || !is_code(c2) {
                return Err(e(format!(
                    "columns 1 and 2 must be codes, found `{c1}` and `{c2}`"
                )));
            }
            let eff = parse_ymd8(get(3)).ok_or_else(|| {
                e(format!(
                    "effective date must be YYYYMMDD, found `{}`",
                    get(3)
                ))
            })?;
            let del = match get(4) {
                "*" | "" => 0,
                d => parse_ymd8(d).ok_or_else(|| {
                    e(format!(
                        "deletion date must be YYYYMMDD or `*`, found `{d}`"
                    ))
                })?,
            };
            let ind = match get(5) {
                "0" => 0,
                "1" => 1,
                "9" => 9,
                m => {
                    return Err(e(format!(
                        "modifier indicator must be 0, 1 or 9, found `{m}`"
                    )));
                }
            };
            let mut k = c1.as_bytes().to_vec();
            k.push(0);
            k.extend_from_slice(c2.as_bytes());
            let rows = t.entries.entry(k).or_default();
            let row = vec![eff, del, ind];
            if !rows.contains(&row) {
                rows.push(row);
            }
        }
        if !started {
            return Err(err(path, 0, "no PTP rows (column 1, column 2, …) found"));
        }
    }
    for rows in t.entries.values_mut() {
        rows.sort();
    }
    t.meta = ncci_meta(paths);
    Ok(t)
}
