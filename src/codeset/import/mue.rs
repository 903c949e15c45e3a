//! NCCI medically unlikely edit (MUE) CSV files, dated by the effective date in their names.

use std::path::Path;

use super::BuildOptions;
use super::common::{csv_record, day_before, err, name_of, ncci_meta, read_text};
use crate::codeset::CodesetError;
use crate::codeset::compile::{self, EditSource, is_code};
use crate::codeset::lookup::key;
use crate::codeset::tables::EditKind;

/// The effective date in `MCR_MUE_…_Eff_2026-04-01.csv`.
fn effective_in_name(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let at = lower.find("eff_")?;
    compile::parse_iso_date(name.get(at + 4..at + 14)?)
}

/// MUE CSV files: code, MUE value, adjudication indicator (`2 Date of Service Edit: Policy`),
/// rationale, after header rows with the AMA notice. Each file's rows run from its effective
/// date (from the name, else `opts.effective`) until the next file's.
pub(super) fn import_mue(paths: &[&Path], opts: &BuildOptions) -> Result<EditSource, CodesetError> {
    let mut dated = Vec::new();
    for p in paths {
        let eff = effective_in_name(&name_of(p))
            .or(opts.effective.map(key))
            .ok_or_else(|| CodesetError::NoEffectiveDate {
                path: p.display().to_string(),
            })?;
        dated.push((eff, *p));
    }
    dated.sort();
    let mut t = EditSource::new("mue", EditKind::Mue.width());
    for (n, (eff, path)) in dated.iter().enumerate() {
        let end = dated.get(n + 1).map_or(0, |(next, _)| day_before(*next));
        let text = read_text(path)?;
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut started = false;
        for rec in rdr.records() {
            let (rec, line) = csv_record(path, rec)?;
            let get = |j: usize| rec.get(j).unwrap_or("").trim();
            let code = get(0);
            let looks_like_row =
                is_code(code) && !get(1).is_empty() && get(1).bytes().all(|c| c.is_ascii_digit());
            if !(started || looks_like_row) {
                continue;
            }
            started = true;
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if !is_code(code) {
                return Err(err(
                    path,
                    line,
                    format!("column 1 must be a HCPCS/CPT code, found `{code}`"),
                ));
            }
            let value: u32 = get(1).parse().map_err(|_| {
                err(
                    path,
                    line,
                    format!("MUE value must be a whole number, found `{}`", get(1)),
                )
            })?;
            let ind = match get(2).chars().next() {
                Some(c @ '1'..='3') => u32::from(c) - u32::from('0'),
                _ => {
                    return Err(err(
                        path,
                        line,
                        format!(
                            "adjudication indicator must start with 1, 2 or 3, found `{}`",
                            get(2)
                        ),
                    ));
                }
            };
            t.entries
                .entry(code.as_bytes().to_vec())
                .or_default()
                .push(vec![*eff, end, value, ind]);
        }
        if !started {
            return Err(err(path, 0, "no MUE rows (code, value, indicator) found"));
        }
    }
    t.meta = ncci_meta(paths);
    Ok(t)
}

#[cfg(test)]
mod tests {
    #[test]
    fn effective_date_in_name() {
        assert_eq!(
            super::effective_in_name("MCR_MUE_PractitionerServices_Eff_2026-04-01.csv"),
            Some(20260401)
        );
    }
}
