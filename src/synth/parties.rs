//! The people and organizations on a synthetic claim: NPIs with a valid check digit, tax
//! ids, member ids, payers and birth dates, all from the claim's own random stream.

use fastrand::Rng;
use jiff::civil::Date;

use crate::claim::{Payer, Person, Provider, Sex};

/// Provider taxonomies for professional billing and rendering providers.
const TAXONOMIES: &[&str] = &[
    "207Q00000X",
    "207R00000X",
    "208D00000X",
    "207X00000X",
    "2084P0800X",
    "207P00000X",
    "208000000X",
];

/// General acute care hospital.
pub(super) const HOSPITAL_TAXONOMY: &str = "282N00000X";

/// Commercial and Medicaid payers for patients under 65: (id, name, filing indicator).
const PAYERS: &[(&str, &str, &str)] = &[
    ("BCBS1", "BLUE PLAN", "BL"),
    ("AETN1", "NATIONAL HEALTH", "CI"),
    ("UHC01", "UNITED PLAN", "CI"),
    ("ACME1", "ACME HEALTH", "CI"),
    ("MCD01", "STATE MEDICAID", "MC"),
];

/// The NPI check digit: Luhn over the nine digits with the `80840` prefix.
fn npi_check_digit(nine: &[u8; 9]) -> u8 {
    let mut sum = 24; // the prefix 80840 contributes 24
    for (i, d) in nine.iter().rev().enumerate() {
        let d = u32::from(*d);
        sum += if i % 2 == 0 {
            let x = d * 2;
            x / 10 + x % 10
        } else {
            d
        };
    }
    u8::try_from((10 - sum % 10) % 10).unwrap_or(0)
}

/// A ten-digit NPI whose check digit is right, or (`valid` false) off by one.
pub(super) fn npi(rng: &mut Rng, valid: bool) -> String {
    let mut nine = [0u8; 9];
    nine[0] = if rng.bool() { 1 } else { 2 };
    for d in nine.iter_mut().skip(1) {
        *d = rng.u8(0..10);
    }
    let check = npi_check_digit(&nine);
    let check = if valid { check } else { (check + 1) % 10 };
    nine.iter()
        .chain(std::iter::once(&check))
        .map(|d| char::from(b'0' + d))
        .collect()
}

/// A nine-digit employer identification number.
fn tax_id(rng: &mut Rng) -> String {
    (0..9).map(|_| char::from(b'0' + rng.u8(0..10))).collect()
}

/// A professional provider with NPI, tax id and taxonomy.
pub(super) fn professional(rng: &mut Rng) -> Provider {
    Provider {
        npi: Some(npi(rng, true)),
        tax_id: Some(tax_id(rng)),
        taxonomy: pick(rng, TAXONOMIES).map(str::to_string),
    }
}

/// A hospital billing provider.
pub(super) fn hospital(rng: &mut Rng) -> Provider {
    Provider {
        npi: Some(npi(rng, true)),
        tax_id: Some(tax_id(rng)),
        taxonomy: Some(HOSPITAL_TAXONOMY.to_string()),
    }
}

/// A rendering or attending provider: NPI and taxonomy.
pub(super) fn clinician(rng: &mut Rng) -> Provider {
    Provider {
        npi: Some(npi(rng, true)),
        tax_id: None,
        taxonomy: pick(rng, TAXONOMIES).map(str::to_string),
    }
}

/// A patient of `age` on `on`, born on a day that keeps that age for the next 30 days (so a
/// stay never crosses a birthday).
pub(super) fn patient(rng: &mut Rng, age: u8, on: Date) -> Person {
    let back = jiff::Span::new()
        .years(i64::from(age))
        .days(rng.i64(31..=364).min(if age == 0 { 300 } else { 364 }));
    let dob = on.checked_sub(back).ok();
    let member: String = std::iter::once('M')
        .chain((0..10).map(|_| {
            let c = rng.u8(0..36);
            char::from(if c < 10 { b'0' + c } else { b'A' + c - 10 })
        }))
        .collect();
    Person {
        member_id: Some(member),
        date_of_birth: dob,
        sex: Some(if rng.bool() { Sex::Female } else { Sex::Male }),
        relationship: Some("18".to_string()),
    }
}

/// An age in years, weighted like a clearinghouse's mix (more adults, many over 65).
pub(super) fn age(rng: &mut Rng, inpatient: bool) -> u8 {
    match rng.u8(0..100) {
        0..=2 if inpatient => 0,
        0..=9 => rng.u8(0..18),
        10..=54 if !inpatient => rng.u8(18..65),
        10..=39 => rng.u8(18..65),
        _ => rng.u8(65..96),
    }
}

/// The payer: Medicare for 65 and over (`MB` professional, `MA` institutional), else one of
/// the commercial and Medicaid payers.
pub(super) fn payer(rng: &mut Rng, age: u8, institutional: bool) -> Payer {
    let (id, name, plan) = if age >= 65 {
        ("MCR01", "MEDICARE", if institutional { "MA" } else { "MB" })
    } else {
        PAYERS
            .get(rng.usize(..PAYERS.len()))
            .copied()
            .unwrap_or(("BCBS1", "BLUE PLAN", "BL"))
    };
    Payer {
        id: Some(id.to_string()),
        name: Some(name.to_string()),
        plan: Some(plan.to_string()),
        responsibility: Some("P".to_string()),
    }
}

/// A uniformly chosen element of a list.
pub(super) fn pick<'a, T: ?Sized>(rng: &mut Rng, list: &'a [&'a T]) -> Option<&'a T> {
    list.get(rng.usize(..list.len().max(1))).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npi_check_digit_matches_the_cms_example() {
        // CMS's worked example: 123456789 has check digit 3 (NPI 1234567893).
        assert_eq!(npi_check_digit(&[1, 2, 3, 4, 5, 6, 7, 8, 9]), 3);
    }

    #[test]
    fn invalid_npis_fail_the_check() {
        let mut rng = Rng::with_seed(1);
        for _ in 0..100 {
            let good = npi(&mut rng, true);
            let bad = npi(&mut rng, false);
            let digits = |s: &str| -> [u8; 9] {
                let mut a = [0u8; 9];
                for (d, c) in a.iter_mut().zip(s.bytes()) {
                    *d = c - b'0';
                }
                a
            };
            let last = |s: &str| s.bytes().last().map(|c| c - b'0');
            assert_eq!(last(&good), Some(npi_check_digit(&digits(&good))));
            assert_ne!(last(&bad), Some(npi_check_digit(&digits(&bad))));
        }
    }
}
