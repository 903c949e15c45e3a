//! HCPCS Level II from CMS's `ANWEB` fixed-width file: HCPCS codes and modifiers.

use std::path::Path;

use super::common::{err, iso, meta, name_of, read_text};
use crate::codeset::CodesetError;
use crate::codeset::compile::{self, Interval, SetSource, is_code, parse_ymd8};

/// The HCPCS `ANWEB` record layout (320 characters; positions are 1-based, inclusive), as
/// CMS's `HCPCyyyy_recordlayout.txt` gives it: fields 27–29 are the code added date,
/// action effective date and termination date (YYYYMMDD).
mod anweb {
    pub const CODE: (usize, usize) = (1, 5);
    pub const MODIFIER: (usize, usize) = (4, 5);
    pub const RECORD_ID: (usize, usize) = (11, 11);
    pub const LONG: (usize, usize) = (12, 91);
    pub const SHORT: (usize, usize) = (92, 119);
    pub const ADD_DATE: (usize, usize) = (269, 276);
    pub const EFFECTIVE_DATE: (usize, usize) = (277, 284);
    pub const TERMINATION_DATE: (usize, usize) = (285, 292);
}

/// An `HCPC20YY_…_ANWEB` file: procedure records (3 first line, 4 continuation of the long
/// description) become HCPCS codes, modifier records (7, 8) become modifiers. Validity runs from
/// the add date (else the action effective date) to the termination date.
pub(super) fn import_hcpcs(path: &Path) -> Result<(SetSource, SetSource), CodesetError> {
    let text = read_text(path)?;
    let mut hcpcs = SetSource::new("hcpcs");
    let mut mods = SetSource::new("modifier");
    let mut last: Option<(bool, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let field =
            |(a, b): (usize, usize)| line.get(a - 1..b.min(line.len())).unwrap_or("").trim();
        let date = |(a, b): (usize, usize), what: &str| -> Result<u32, CodesetError> {
            let v = field((a, b));
            if v.is_empty() {
                return Ok(0);
            }
            parse_ymd8(v).ok_or_else(|| {
                err(
                    path,
                    i + 1,
                    format!("{what} (columns {a}-{b}) must be YYYYMMDD, found `{v}`"),
                )
            })
        };
        let rec = field(anweb::RECORD_ID);
        let is_mod = matches!(rec, "7" | "8");
        let code = if is_mod {
            field(anweb::MODIFIER)
        } else {
            field(anweb::CODE)
        };
        if !is_code(code) {
            return Err(err(
                path,
                i + 1,
                format!("columns 1-5 must be a code, found `{code}`"),
            ));
        }
        let set = if is_mod { &mut mods } else { &mut hcpcs };
        match rec {
            "3" | "7" => {
                let add = date(anweb::ADD_DATE, "add date")?;
                let eff = date(anweb::EFFECTIVE_DATE, "action effective date")?;
                let term = date(anweb::TERMINATION_DATE, "termination date")?;
                let from = if add != 0 { add } else { eff };
                if term != 0 && from > term {
                    return Err(err(path, i + 1, "termination date is before the add date"));
                }
                let e = set.codes.entry(code.to_string()).or_default();
                e.intervals.push(Interval {
                    from,
                    to: term,
                    billable: true,
                    short: field(anweb::SHORT).to_string(),
                    long: field(anweb::LONG).to_string(),
                    status: String::new(),
                });
                e.intervals.sort_by_key(|iv| iv.from);
                last = Some((is_mod, code.to_string()));
            }
            "4" | "8" => {
                let iv = match &last {
                    Some((m, c)) if *m == is_mod && c == code => {
                        set.codes.get_mut(code).and_then(|e| e.intervals.last_mut())
                    }
                    _ => None,
                };
                let Some(iv) = iv else {
                    return Err(err(
                        path,
                        i + 1,
                        format!("continuation of `{code}` without its first record"),
                    ));
                };
                let more = field(anweb::LONG);
                if !more.is_empty() {
                    iv.long.push(' ');
                    iv.long.push_str(more);
                }
            }
            r => {
                return Err(err(
                    path,
                    i + 1,
                    format!("record id (column 11) must be 3, 4, 7 or 8, found `{r}`"),
                ));
            }
        }
    }
    let name = name_of(path);
    let (year, quarter_end) = hcpcs_quarter(&name);
    for s in [&mut hcpcs, &mut mods] {
        s.meta = meta(&[
            ("release", name.clone()),
            ("source", name.clone()),
            ("credit", "Source: CMS".to_string()),
            (
                "coverage_through",
                year.and_then(|y| compile::ymd(y, quarter_end.0, quarter_end.1))
                    .map(iso)
                    .unwrap_or_default(),
            ),
        ]);
    }
    Ok((hcpcs, mods))
}

/// Year and end of the quarter (month, day) an `HCPC2026_APR_ANWEB…` name speaks for.
fn hcpcs_quarter(name: &str) -> (Option<u32>, (u32, u32)) {
    let n = name.to_ascii_uppercase();
    let year = n.get(4..8).and_then(|y| y.parse().ok());
    let end = if ["JAN", "FEB", "MAR"].iter().any(|m| n.contains(m)) {
        (3, 31)
    } else if ["APR", "MAY", "JUN"].iter().any(|m| n.contains(m)) {
        (6, 30)
    } else if ["JUL", "AUG", "SEP"].iter().any(|m| n.contains(m)) {
        (9, 30)
    } else {
        (12, 31)
    };
    (year, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_of_hcpcs_name() {
        assert_eq!(
            hcpcs_quarter("HCPC2026_APR_ANWEB.txt"),
            (Some(2026), (6, 30))
        );
    }
}
