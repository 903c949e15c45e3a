//! Full-size synthetic NCCI tables in the official CMS layouts, for benchmarks with
//! production-size tables loaded: practitioner PTP files (`ccipra-…-fN.txt`, tab-separated,
//! millions of pairs over CPT-shaped numbers and HCPCS Level II codes) and a practitioner MUE
//! CSV. The pairs and values are random, not CMS's data; they are made at run time and never
//! committed (NCCI tables are keyed on CPT). The pairs of [`BUNDLED`] are always present, so
//! the generator's `bundled-pair` defect fires with these tables loaded.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use fastrand::Rng;

use super::SynthError;
use super::pools::{BUNDLED, CPT};
use crate::codeset::{CodeSets, System};

/// Rows per PTP file, as CMS splits the practitioner table into parts.
const ROWS_PER_FILE: u64 = 1_000_000;

/// The AMA notice and column header CMS puts above the PTP rows.
const PTP_HEADER: &str = "CPT only copyright 2025 American Medical Association. All rights reserved.\nColumn 1\tColumn 2\t* = In existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n";

/// The notice and header CMS puts above the MUE rows.
const MUE_HEADER: &str = "\"CPT codes and descriptions only are copyright 2025 American Medical Association. All Rights Reserved. Applicable FARS/DFARS Apply.\"\n\"HCPCS/CPT Code\",\"Practitioner Services MUE Values\",\"MUE Adjudication Indicator\",\"MUE Rationale\"\n";

/// PTP edit rationales as CMS words them.
const PTP_RATIONALES: &[&str] = &[
    "Standards of medical / surgical practice",
    "Misuse of column two code with column one code",
    "Mutually exclusive procedures",
    "CPT Manual or CMS manual coding instructions",
    "HCPCS/CPT procedure code definition",
    "More extensive procedure",
    "Gender-specific procedures",
];

/// MUE adjudication indicators as CMS words them.
const MUE_INDICATORS: &[&str] = &[
    "1 Line Edit",
    "2 Date of Service Edit: Policy",
    "3 Date of Service Edit: Clinical",
];

/// MUE rationales as CMS words them.
const MUE_RATIONALES: &[&str] = &[
    "Anatomic Consideration",
    "Clinical: Data",
    "CMS Policy",
    "Code Descriptor / CPT Instruction",
    "Nature of Service/Procedure",
];

/// What tables to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableOptions {
    /// PTP pairs in all (about; at least the fixed bundled pairs).
    pub pairs: u64,
    /// The seed of the tables' random stream.
    pub seed: u64,
}

/// The files written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableReport {
    /// The PTP files, in part order.
    pub ptp_files: Vec<PathBuf>,
    /// PTP rows written.
    pub ptp_rows: u64,
    /// The MUE file.
    pub mue_file: PathBuf,
    /// MUE rows written.
    pub mue_rows: u64,
}

/// `YYYYMMDD` for a random day between 1996 and 2025.
fn ymd8(rng: &mut Rng) -> String {
    format!(
        "{}{:02}{:02}",
        rng.u32(1996..2026),
        [1, 4, 7, 10].get(rng.usize(..4)).copied().unwrap_or(1),
        1
    )
}

/// The codes the tables are keyed on: about `pairs / 200` CPT-shaped numbers (the fixed CPT
/// numbers among them) and a tenth as many HCPCS Level II codes from the loaded set; sorted.
fn universe(rng: &mut Rng, sets: &CodeSets, pairs: u64) -> Vec<String> {
    let want = usize::try_from(pairs / 200)
        .unwrap_or(usize::MAX)
        .clamp(50, 60_000);
    let mut codes: BTreeSet<String> = CPT.iter().map(|(c, _)| (*c).to_string()).collect();
    while codes.len() < want {
        codes.insert(format!("{:05}", rng.u32(10_000..100_000)));
    }
    if let Some(h) = sets.get(System::Hcpcs) {
        let all = h.prefix("");
        for _ in 0..want / 10 {
            if let Some(c) = all.get(rng.usize(..all.len().max(1))) {
                codes.insert(c.clone());
            }
        }
    }
    codes.into_iter().collect()
}

/// Write the PTP files and the MUE file into `dir` (created if missing).
pub fn write_tables(
    sets: &CodeSets,
    opts: TableOptions,
    dir: &Path,
) -> Result<TableReport, SynthError> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng::with_seed(opts.seed);
    let codes = universe(&mut rng, sets, opts.pairs);
    let fixed: BTreeSet<&str> = CPT.iter().map(|(c, _)| *c).collect();
    let mut report = TableReport::default();
    let mut part = 0u64;
    let mut out: Option<BufWriter<File>> = None;
    let mut left = opts.pairs;
    for (n, c1) in codes.iter().enumerate() {
        // The remaining pairs spread over the remaining codes, ±50%.
        let remaining = (codes.len() - n) as u64;
        let mean = (left / remaining.max(1)).max(if left > 0 { 1 } else { 0 });
        let k = if mean == 0 {
            0
        } else {
            rng.u64(mean / 2..=mean + mean / 2)
                .min(codes.len() as u64 - 1)
        };
        let mut column2: BTreeSet<&str> = BUNDLED
            .iter()
            .filter(|(a, _)| a == c1)
            .map(|(_, b)| *b)
            .collect();
        let mut tries = 0;
        while (column2.len() as u64) < k && tries < k * 4 {
            tries += 1;
            let Some(c2) = codes.get(rng.usize(..codes.len())) else {
                continue;
            };
            // Fixed CPT numbers pair only as BUNDLED says: clean claims stay clean.
            if c2 == c1 || fixed.contains(c1.as_str()) && fixed.contains(c2.as_str()) {
                continue;
            }
            column2.insert(c2);
        }
        for c2 in column2 {
            if report.ptp_rows % ROWS_PER_FILE == 0 {
                if let Some(mut w) = out.take() {
                    w.flush()?;
                }
                part += 1;
                let path = dir.join(format!("ccipra-v000r0-f{part}.txt"));
                let mut w = BufWriter::new(File::create(&path)?);
                w.write_all(PTP_HEADER.as_bytes())?;
                report.ptp_files.push(path);
                out = Some(w);
            }
            let bundled = BUNDLED.iter().any(|(a, b)| a == c1 && *b == c2);
            let (prior, eff, del, ind) = if bundled {
                ("", "20100101".to_string(), "*".to_string(), "1")
            } else {
                let prior = rng.u8(0..10) == 0;
                let eff = if prior {
                    "19960101".to_string()
                } else {
                    ymd8(&mut rng)
                };
                let del = if rng.u8(0..10) == 0 {
                    format!("{}1231", rng.u32(2000..2026))
                } else {
                    "*".to_string()
                };
                let ind = match rng.u8(0..20) {
                    0..=4 => "0",
                    5 => "9",
                    _ => "1",
                };
                (if prior { "*" } else { "" }, eff, del, ind)
            };
            let del = if del != "*" && del < eff {
                "*".to_string()
            } else {
                del
            };
            let why = PTP_RATIONALES
                .get(rng.usize(..PTP_RATIONALES.len()))
                .copied()
                .unwrap_or("");
            if let Some(w) = &mut out {
                writeln!(w, "{c1}\t{c2}\t{prior}\t{eff}\t{del}\t{ind}\t{why}")?;
            }
            report.ptp_rows += 1;
            left = left.saturating_sub(1);
        }
    }
    if let Some(mut w) = out.take() {
        w.flush()?;
    }
    let mue = dir.join("MCR_MUE_PractitionerServices_Eff_2026-04-01.csv");
    let mut w = BufWriter::new(File::create(&mue)?);
    w.write_all(MUE_HEADER.as_bytes())?;
    for c in &codes {
        // The fixed CPT numbers allow the 1–4 units generated lines carry.
        let value = match rng.u8(0..10) {
            _ if fixed.contains(c.as_str()) => rng.u32(4..13),
            0..=2 => 1,
            3..=6 => rng.u32(2..5),
            7..=8 => rng.u32(5..31),
            _ => rng.u32(31..1000),
        };
        let ind = MUE_INDICATORS
            .get(rng.usize(..MUE_INDICATORS.len()))
            .copied()
            .unwrap_or("");
        let why = MUE_RATIONALES
            .get(rng.usize(..MUE_RATIONALES.len()))
            .copied()
            .unwrap_or("");
        writeln!(w, "\"{c}\",\"{value}\",\"{ind}\",\"{why}\"")?;
        report.mue_rows += 1;
    }
    w.flush()?;
    report.mue_file = mue;
    Ok(report)
}
