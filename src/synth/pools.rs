//! The codes synthetic claims are drawn from, taken once from the loaded code sets: billable
//! ICD-10-CM codes sorted by the edits they trigger, ICD-10-PCS and HCPCS Level II codes
//! valid in the service window, place-of-service codes and modifiers, real Excludes1 pairs,
//! plus a fixed handful of well-known CPT numbers (the crate ships no CPT list).

use jiff::civil::Date;

use super::{SynthError, WINDOW_FROM, WINDOW_TO};
use crate::codeset::{CodeSet, CodeSets, Record, Status, System, mce_bit};

/// Well-known CPT numbers for professional lines, with a typical charge per unit in dollars;
/// individual numbers, not a code list (CPT belongs to the AMA).
pub(super) const CPT: &[(&str, u32)] = &[
    ("99202", 110),
    ("99203", 170),
    ("99204", 250),
    ("99212", 90),
    ("99213", 130),
    ("99214", 190),
    ("99215", 260),
    ("99283", 180),
    ("99284", 320),
    ("99232", 140),
    ("36415", 15),
    ("80048", 40),
    ("80053", 55),
    ("80061", 45),
    ("82947", 20),
    ("83036", 35),
    ("84443", 45),
    ("85025", 30),
    ("81001", 20),
    ("87880", 40),
    ("93000", 60),
    ("93005", 40),
    ("71046", 90),
    ("73630", 85),
    ("70553", 1200),
    ("74177", 900),
    ("76805", 300),
    ("88305", 120),
    ("90471", 30),
    ("90686", 35),
    ("96372", 40),
    ("97110", 45),
    ("97140", 45),
    ("97530", 50),
    ("97597", 110),
    ("11042", 220),
    ("12001", 180),
    ("17000", 95),
    ("20610", 160),
    ("29877", 900),
    ("29881", 1100),
    ("43235", 700),
    ("43239", 800),
    ("45378", 750),
    ("45380", 850),
    ("90834", 140),
    ("90837", 190),
];

/// Column 1 / column 2 pairs NCCI bundles (comprehensive code first), drawn from the fixed CPT numbers: a
/// `bundled-pair` defect bills both on one day without a modifier, and the synthetic PTP
/// table always carries them so that defect fires when the table is loaded.
pub const BUNDLED: &[(&str, &str)] = &[
    ("80053", "80048"),
    ("93000", "93005"),
    ("43239", "43235"),
    ("45380", "45378"),
    ("29881", "29877"),
    ("11042", "97597"),
    ("97530", "97140"),
    ("99214", "96372"),
];

/// Modifiers professional lines commonly carry; only those the loaded set holds are used.
const COMMON_MODIFIERS: &[&str] = &["25", "59", "LT", "RT", "26", "TC", "76", "91", "GA"];

/// Place-of-service codes professional claims commonly carry, most frequent first.
const COMMON_POS: &[&str] = &["11", "11", "11", "22", "21", "23", "19", "02", "10", "31"];

/// How often claims carry diagnoses of each ICD-10-CM chapter letter, roughly as outpatient
/// and inpatient claims do (chronic disease, symptoms and encounters first; injuries with
/// their many 7th-character codes far less than their share of the code set).
const DX_LETTER_WEIGHTS: &[(u8, u32)] = &[
    (b'A', 1),
    (b'B', 2),
    (b'C', 4),
    (b'D', 4),
    (b'E', 12),
    (b'F', 6),
    (b'G', 4),
    (b'H', 4),
    (b'I', 12),
    (b'J', 8),
    (b'K', 6),
    (b'L', 3),
    (b'M', 10),
    (b'N', 5),
    (b'O', 1),
    (b'Q', 1),
    (b'R', 9),
    (b'S', 3),
    (b'T', 1),
    (b'Z', 10),
];

/// How many Excludes1 pairs are looked for (the pool stops there).
const EXCLUDES1_PAIRS: usize = 400;

/// Everything the generator draws from.
#[derive(Debug, Clone)]
pub struct Pools {
    /// Billable diagnoses with no sex, age or principal-position edit.
    pub(super) dx_clean: Vec<String>,
    /// `dx_clean` index ranges by first letter, with the letter's weight.
    dx_letters: Vec<(std::ops::Range<usize>, u32)>,
    /// Billable diagnoses limited to female patients (no age limit).
    pub(super) dx_female: Vec<String>,
    /// Billable diagnoses limited to male patients (no age limit).
    pub(super) dx_male: Vec<String>,
    /// Billable diagnoses for newborns only (age 0).
    pub(super) dx_newborn: Vec<String>,
    /// Billable diagnoses for adults only (15 and over).
    pub(super) dx_adult: Vec<String>,
    /// ICD-10-CM category and subcategory headers (not billable).
    pub(super) dx_headers: Vec<String>,
    /// Pairs of billable codes where the first's Excludes1 note names the second.
    pub(super) excludes1: Vec<(String, String)>,
    /// ICD-10-PCS codes valid in the window that carry no MCE procedure edit.
    pub(super) pcs: Vec<String>,
    /// HCPCS Level II codes valid in the window.
    pub(super) hcpcs: Vec<String>,
    /// Common modifiers the modifier set holds.
    pub(super) modifiers: Vec<String>,
    /// The telehealth modifier (95) when the modifier set holds it.
    pub(super) telehealth: String,
    /// Common place-of-service codes the POS set holds, weighted by repetition.
    pub(super) pos_common: Vec<String>,
    /// Every place-of-service code valid in the window.
    pub(super) pos_all: Vec<String>,
}

impl Pools {
    /// A clean diagnosis: a chapter letter by [`DX_LETTER_WEIGHTS`], then a code of it.
    pub(super) fn clean_dx(&self, rng: &mut fastrand::Rng) -> String {
        let total: u32 = self.dx_letters.iter().map(|(_, w)| w).sum();
        let mut at = rng.u32(0..total.max(1));
        for (range, w) in &self.dx_letters {
            if at < *w {
                let i = rng.usize(range.clone());
                return self.dx_clean.get(i).cloned().unwrap_or_default();
            }
            at -= w;
        }
        self.dx_clean.first().cloned().unwrap_or_default()
    }
}

/// Valid on both ends of the window (so on every service date a claim gets).
fn valid_through_window<'s>(set: &'s CodeSet, code: &str) -> Option<Record<'s>> {
    let first = set.lookup(code, WINDOW_FROM);
    let last = set.lookup(code, WINDOW_TO);
    (first.status == Status::Valid && last.status == Status::Valid)
        .then_some(first.record)
        .flatten()
}

/// The age limits (years) a diagnosis record carries, if any.
fn age_limits(r: &Record<'_>, on: Date) -> Option<(u8, u8)> {
    let a = &r.attributes;
    if let (Some(lo), Some(hi)) = (a.age_low, a.age_high) {
        return Some((lo, hi));
    }
    if let Some(g) = a.age_group {
        return Some(g.years());
    }
    if let Some(g) = r.mce.age_group() {
        return Some(g.years(on));
    }
    r.ioce_ages
}

impl Pools {
    /// Draw the pools from `sets`; an empty pool the generator needs is an error.
    pub fn new(sets: &CodeSets) -> Result<Pools, SynthError> {
        let cm = sets
            .get(System::Icd10Cm)
            .ok_or(SynthError::NoCodeSet("icd10cm"))?;
        let sex_bits = mce_bit("male").unwrap_or(0) | mce_bit("female").unwrap_or(0);
        let principal_bits = [
            "manifestation",
            "unacceptable",
            "ecodepdx",
            "qadm",
            "reqsdx",
        ]
        .iter()
        .filter_map(|n| mce_bit(n))
        .fold(0, |a, b| a | b);
        let mut p = Pools {
            dx_clean: Vec::new(),
            dx_letters: Vec::new(),
            dx_female: Vec::new(),
            dx_male: Vec::new(),
            dx_newborn: Vec::new(),
            dx_adult: Vec::new(),
            dx_headers: Vec::new(),
            excludes1: Vec::new(),
            pcs: Vec::new(),
            hcpcs: Vec::new(),
            modifiers: Vec::new(),
            telehealth: String::new(),
            pos_common: Vec::new(),
            pos_all: Vec::new(),
        };
        for code in cm.prefix("") {
            let Some(r) = valid_through_window(cm, &code) else {
                continue;
            };
            if !r.billable {
                p.dx_headers.push(code);
                continue;
            }
            let ages = age_limits(&r, WINDOW_TO);
            let sex = r.attributes.sex.is_some() || r.mce.0 & sex_bits != 0;
            let principal_edit = r.mce.0 & principal_bits != 0
                || r.attributes.manifestation
                || r.attributes.unacceptable_principal
                || r.attributes.external_cause;
            match (ages, sex, r.attributes.sex) {
                (None, false, _) if !principal_edit => p.dx_clean.push(code),
                (None, true, Some(crate::codeset::CodeSex::Female)) => p.dx_female.push(code),
                (None, true, Some(crate::codeset::CodeSex::Male)) => p.dx_male.push(code),
                (Some((0, 0)), false, _) => p.dx_newborn.push(code),
                (Some((lo, _)), false, _) if lo >= 15 => p.dx_adult.push(code),
                _ => {}
            }
        }
        for &(letter, weight) in DX_LETTER_WEIGHTS {
            let start = p
                .dx_clean
                .partition_point(|c| c.as_bytes().first() < Some(&letter));
            let end = p
                .dx_clean
                .partition_point(|c| c.as_bytes().first() <= Some(&letter));
            if end > start {
                p.dx_letters.push((start..end, weight));
            }
        }
        p.excludes1 = excludes1_pairs(cm, &p.dx_clean);
        if let Some(pcs) = sets.get(System::Icd10Pcs) {
            p.pcs = pcs
                .prefix("")
                .into_iter()
                .filter(|c| valid_through_window(pcs, c).is_some_and(|r| r.mce.0 == 0))
                .collect();
        }
        if let Some(h) = sets.get(System::Hcpcs) {
            p.hcpcs = h
                .prefix("")
                .into_iter()
                .filter(|c| valid_through_window(h, c).is_some())
                .collect();
        }
        if let Some(m) = sets.get(System::Modifier) {
            p.modifiers = COMMON_MODIFIERS
                .iter()
                .filter(|c| valid_through_window(m, c).is_some())
                .map(|c| (*c).to_string())
                .collect();
            if valid_through_window(m, "95").is_some() {
                p.telehealth = "95".to_string();
            }
        }
        if let Some(pos) = sets.get(System::Pos) {
            p.pos_all = pos
                .prefix("")
                .into_iter()
                .filter(|c| valid_through_window(pos, c).is_some())
                .collect();
            p.pos_common = COMMON_POS
                .iter()
                .filter(|c| p.pos_all.iter().any(|a| a == *c))
                .map(|c| (*c).to_string())
                .collect();
        }
        for (name, pool) in [
            ("billable ICD-10-CM", &p.dx_clean),
            ("ICD-10-CM header", &p.dx_headers),
            ("female-only ICD-10-CM", &p.dx_female),
            ("male-only ICD-10-CM", &p.dx_male),
            ("newborn ICD-10-CM", &p.dx_newborn),
            ("adult ICD-10-CM", &p.dx_adult),
            ("ICD-10-PCS", &p.pcs),
            ("HCPCS Level II", &p.hcpcs),
            ("place-of-service", &p.pos_common),
        ] {
            if pool.is_empty() {
                return Err(SynthError::EmptyPool(name));
            }
        }
        Ok(p)
    }
}

/// Real Excludes1 pairs: walk the clean codes with a fixed stride, read each one's Excludes1
/// notes, and keep a billable code a note names when [`CodeSet::excluded_by`] agrees.
fn excludes1_pairs(cm: &CodeSet, clean: &[String]) -> Vec<(String, String)> {
    use crate::codeset::{CodePattern, NoteKind};
    let mut out = Vec::new();
    let stride = (clean.len() / 4000).max(1);
    for code in clean.iter().step_by(stride) {
        let target = cm
            .notes(code)
            .into_iter()
            .filter(|n| n.kind == NoteKind::Excludes1)
            .flat_map(|n| n.targets)
            .find_map(|t| {
                let first = match &t {
                    CodePattern::Exact(c) => vec![c.clone()],
                    p => cm.matching(p).into_iter().take(40).collect(),
                };
                first
                    .into_iter()
                    .find(|c| clean.binary_search(c).is_ok() && c != code)
            });
        if let Some(other) = target.filter(|o| cm.excluded_by(code, o).is_some()) {
            out.push((code.clone(), other));
            if out.len() >= EXCLUDES1_PAIRS {
                break;
            }
        }
    }
    out
}
