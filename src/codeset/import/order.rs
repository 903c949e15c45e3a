//! ICD-10-CM / PCS order files, and the release history (fiscal years, intervals merged where
//! nothing changed) that the tabular XML importer shares.

use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::ToSpan;

use super::BuildOptions;
use super::common::{day_before, err, iso, meta, name_of, read_text};
use crate::codeset::CodesetError;
use crate::codeset::compile::{self, Interval, SetSource, is_code};
use crate::codeset::lookup::{date_of, key};

/// The codes of one release: its first day and each code's interval (open-ended).
pub(super) type Snapshot = (u32, BTreeMap<String, Interval>);

/// First day of fiscal year `year` (Y-1-10-01), or `opts.effective` when it is the only file.
pub(super) fn fiscal_from(year: i16, files: usize, opts: &BuildOptions) -> u32 {
    match (opts.effective, files) {
        (Some(d), 1) => key(d),
        _ => compile::ymd(u32::try_from(year - 1).unwrap_or(0), 10, 1).unwrap_or(0),
    }
}

/// ICD-10-CM / PCS order files (`icd10cm_order_2026.txt`), one per fiscal year: order number
/// (5), blank, code (7), blank, header/billable flag, blank, short title (60), blank, long title.
/// Fiscal year Y runs from Y-1-10-01; a code's intervals follow the years it appears in.
pub(super) fn import_orders(
    system: &'static str,
    files: &[(i16, PathBuf)],
    opts: &BuildOptions,
) -> Result<SetSource, CodesetError> {
    let mut snapshots: Vec<Snapshot> = Vec::new();
    for (year, path) in files {
        let from = fiscal_from(*year, files.len(), opts);
        let text = read_text(path)?;
        let mut codes = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let field = |a: usize, b: usize| line.get(a..b.min(line.len())).unwrap_or("").trim();
            let order = field(0, 5);
            let code = field(6, 13);
            if !order.bytes().all(|c| c.is_ascii_digit()) || order.is_empty() {
                return Err(err(
                    path,
                    i + 1,
                    format!("columns 1-5 must be an order number, found `{order}`"),
                ));
            }
            if !is_code(code) {
                return Err(err(
                    path,
                    i + 1,
                    format!("columns 7-13 must be a code, found `{code}`"),
                ));
            }
            let billable = match field(14, 15) {
                "1" => true,
                "0" => false,
                f => {
                    return Err(err(
                        path,
                        i + 1,
                        format!("column 15 must be 0 (header) or 1 (billable), found `{f}`"),
                    ));
                }
            };
            codes.insert(
                code.to_string(),
                Interval {
                    from,
                    to: 0,
                    billable,
                    short: field(16, 76).to_string(),
                    long: line.get(77..).unwrap_or("").trim().to_string(),
                    status: String::new(),
                },
            );
        }
        snapshots.push((from, codes));
    }
    let names: Vec<String> = files.iter().map(|(_, p)| name_of(p)).collect();
    Ok(history(system, snapshots, &names))
}

/// A set from releases: each code's intervals follow the releases it appears in (a release
/// runs until the day before the next one), merged where nothing changed.
pub(super) fn history(system: &str, mut snapshots: Vec<Snapshot>, names: &[String]) -> SetSource {
    snapshots.sort_by_key(|(from, _)| *from);
    let mut set = SetSource::new(system);
    let n = snapshots.len();
    for i in 0..n {
        let Some((from, codes)) = snapshots.get(i) else {
            continue;
        };
        let to = snapshots
            .get(i + 1)
            .map_or(0, |(next, _)| day_before(*next));
        for (code, iv) in codes {
            let ivs = &mut set.codes.entry(code.clone()).or_default().intervals;
            match ivs.last_mut() {
                Some(last)
                    if last.to != 0
                        && day_before(*from) == last.to
                        && (last.billable, &last.short, &last.long)
                            == (iv.billable, &iv.short, &iv.long) =>
                {
                    last.to = to;
                }
                _ => ivs.push(Interval { to, ..iv.clone() }),
            }
        }
    }
    let last = snapshots.last().map_or(0, |(from, _)| *from);
    let through = date_of(last)
        .and_then(|d| d.checked_add(1.year()).ok())
        .and_then(|d| d.checked_sub(1.day()).ok())
        .map_or(String::new(), |d| d.to_string());
    set.meta = meta(&[
        ("release", names.join(", ")),
        ("source", names.join(", ")),
        (
            "credit",
            if system == "icd10cm" {
                "Source: CDC/NCHS"
            } else {
                "Source: CMS"
            }
            .to_string(),
        ),
        ("coverage_from", iso(snapshots.first().map_or(0, |s| s.0))),
        ("coverage_through", through),
    ]);
    set
}
