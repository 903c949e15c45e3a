//! NCCI add-on code edit files: add-on code, its primary codes, type and dates.

use std::path::Path;

use super::common::{csv_record, err, ncci_meta, read_text};
use crate::codeset::CodesetError;
use crate::codeset::compile::{EditSource, is_code, parse_ymd8};
use crate::codeset::tables::EditKind;

/// Add-on code edits (tab- or comma-separated, a header row naming the columns): add-on code,
/// primary code (`CCCCC` = no specific primary), type 1/2/3, effective and deletion dates
/// (YYYYMMDD, `*` or empty = none).
pub(super) fn import_addon(paths: &[&Path]) -> Result<EditSource, CodesetError> {
    let mut t = EditSource::new("addon", EditKind::AddOn.width());
    for path in paths {
        let text = read_text(path)?;
        let delim = if text.lines().next().is_some_and(|l| l.contains('\t')) {
            b'\t'
        } else {
            b','
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delim)
            .from_reader(text.as_bytes());
        let mut cols: Option<[usize; 5]> = None;
        for rec in rdr.records() {
            let (rec, line) = csv_record(path, rec)?;
            let Some([c_add, c_prim, c_type, c_eff, c_del]) = cols else {
                let h: Vec<String> = rec.iter().map(|f| f.to_ascii_lowercase()).collect();
                let find = |f: &dyn Fn(&str) -> bool| h.iter().position(|x| f(x));
                let prim =
                    find(&|x| x.contains("primary") && x.contains("code") && !x.contains("date"));
                let add = find(&|x| {
                    (x.contains("add") || x.contains("aoc"))
                        && x.contains("code")
                        && !x.contains("primary")
                        && !x.contains("date")
                        && !x.contains("type")
                });
                let typ = find(&|x| x.contains("type"));
                let eff = find(&|x| x.contains("effective"));
                let del = find(&|x| x.contains("delet"));
                if let (Some(a), Some(p), Some(ty), Some(e), Some(d)) = (add, prim, typ, eff, del) {
                    cols = Some([a, p, ty, e, d]);
                } else if h.iter().any(|x| x.contains("primary")) {
                    return Err(err(
                        path,
                        line,
                        "header must name add-on code, primary code, type, effective date and deletion date columns",
                    ));
                }
                continue;
            };
            let get = |j: usize| rec.get(j).unwrap_or("").trim();
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let (code, prim) = (get(c_add), get(c_prim));
            if !is_code(code) {
                return Err(err(
                    path,
                    line,
                    format!("add-on code must be a code, found `{code}`"),
                ));
            }
            if !prim.is_empty() && !is_code(prim) {
                return Err(err(
                    path,
                    line,
                    format!("primary code must be a code, found `{prim}`"),
                ));
            }
            let kind = match get(c_type).trim_start_matches("Type ").trim() {
                "1" | "I" => 1,
                "2" | "II" => 2,
                "3" | "III" => 3,
                k => {
                    return Err(err(
                        path,
                        line,
                        format!("add-on type must be 1, 2 or 3, found `{k}`"),
                    ));
                }
            };
            let date = |v: &str, what: &str| -> Result<u32, CodesetError> {
                match v {
                    "" | "*" => Ok(0),
                    d => parse_ymd8(d).ok_or_else(|| {
                        err(path, line, format!("{what} must be YYYYMMDD, found `{d}`"))
                    }),
                }
            };
            let eff = date(get(c_eff), "effective date")?;
            let del = date(get(c_del), "deletion date")?;
            let (o, l) = if prim == "CCCCC" {
                (0, 0)
            } else {
                t.strings.add(prim).map_err(|m| err(path, line, m))?
            };
            t.entries
                .entry(code.as_bytes().to_vec())
                .or_default()
                .push(vec![eff, del, kind, o, l]);
        }
        if cols.is_none() {
            return Err(err(
                path,
                0,
                "no header row naming the add-on and primary code columns",
            ));
        }
    }
    t.meta = ncci_meta(paths);
    Ok(t)
}
