//! Defects injected into clean synthetic claims at the requested rate, one per defective
//! claim, of the kinds real billing files carry.

use fastrand::Rng;

use super::pools::{BUNDLED, CPT, Pools};
use super::{Draw, parties};
use crate::claim::{Claim, ClaimKind, Diagnosis, DxRole, ServiceLine, Sex};

/// What is wrong with a defective synthetic claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Defect {
    /// A diagnosis is an ICD-10-CM category or subcategory header (not billable).
    HeaderCode,
    /// A diagnosis is no ICD-10-CM code at all (a typo of a real one).
    InvalidCode,
    /// Two diagnoses form a real Excludes1 pair.
    Excludes1,
    /// A diagnosis limited to the other sex.
    SexConflict,
    /// A diagnosis limited to an age group the patient is not in.
    AgeConflict,
    /// The billing provider's NPI fails its check digit.
    BadNpi,
    /// A required value is missing (units, member id, date of birth or billing NPI).
    MissingField,
    /// Two lines bill an NCCI column 1 / column 2 pair on one day without a modifier.
    BundledPair,
    /// A line points at a diagnosis the claim does not have.
    BadPointer,
}

impl Defect {
    /// Every defect kind, in the order they are drawn from.
    pub const ALL: [Defect; 9] = [
        Defect::HeaderCode,
        Defect::InvalidCode,
        Defect::Excludes1,
        Defect::SexConflict,
        Defect::AgeConflict,
        Defect::BadNpi,
        Defect::MissingField,
        Defect::BundledPair,
        Defect::BadPointer,
    ];

    /// The defect's name in `gen`'s summary.
    pub fn name(self) -> &'static str {
        match self {
            Defect::HeaderCode => "header-code",
            Defect::InvalidCode => "invalid-code",
            Defect::Excludes1 => "excludes1-pair",
            Defect::SexConflict => "sex-conflict",
            Defect::AgeConflict => "age-conflict",
            Defect::BadNpi => "bad-npi",
            Defect::MissingField => "missing-field",
            Defect::BundledPair => "bundled-pair",
            Defect::BadPointer => "bad-pointer",
        }
    }

    /// Whether the defect applies to a claim of this kind (line pairs and pointers are
    /// professional).
    fn applies(self, kind: ClaimKind) -> bool {
        kind == ClaimKind::Professional || !matches!(self, Defect::BundledPair | Defect::BadPointer)
    }
}

/// Pick a defect for `claim` and inject it; returns what was injected.
pub(super) fn inject(rng: &mut Rng, pools: &Pools, claim: &mut Claim) -> Defect {
    let kinds: Vec<Defect> = Defect::ALL
        .into_iter()
        .filter(|d| d.applies(claim.kind))
        .collect();
    let d = kinds
        .get(rng.usize(..kinds.len()))
        .copied()
        .unwrap_or(Defect::BadNpi);
    apply(rng, pools, claim, d);
    d
}

/// A secondary diagnosis added to the claim (or replacing its last when it has 12 already
/// on a professional claim, the 837P's limit).
fn add_dx(claim: &mut Claim, code: String) {
    let dx = Diagnosis {
        code,
        role: DxRole::Other,
        poa: (claim.kind == ClaimKind::Institutional).then(|| "Y".to_string()),
        qualifier: None,
    };
    let cap = if claim.kind == ClaimKind::Professional {
        12
    } else {
        25
    };
    let others = claim
        .diagnoses
        .iter()
        .filter(|d| d.role != DxRole::Admitting)
        .count();
    if others >= cap {
        if let Some(last) = claim
            .diagnoses
            .iter_mut()
            .rev()
            .find(|d| d.role == DxRole::Other)
        {
            *last = dx;
        }
    } else {
        let at = claim
            .diagnoses
            .iter()
            .position(|d| d.role == DxRole::Admitting)
            .unwrap_or(claim.diagnoses.len());
        claim.diagnoses.insert(at, dx);
    }
}

fn apply(rng: &mut Rng, pools: &Pools, claim: &mut Claim, d: Defect) {
    match d {
        Defect::HeaderCode => {
            if let Some(dx) = claim.diagnoses.first_mut() {
                dx.code = pools.dx_headers.draw(rng);
            }
        }
        Defect::InvalidCode => {
            let mut code = pools.clean_dx(rng);
            // A transposed or mistyped last character: near a real code, not one itself.
            code.pop();
            code.push(if rng.bool() { 'Q' } else { 'Z' });
            code.push('9');
            add_dx(claim, code);
        }
        Defect::Excludes1 => {
            let (a, b) = pools
                .excludes1
                .get(rng.usize(..pools.excludes1.len().max(1)))
                .cloned()
                .unwrap_or_else(|| ("E119".to_string(), "E109".to_string()));
            add_dx(claim, a);
            add_dx(claim, b);
        }
        Defect::SexConflict => {
            let code = match claim.patient.sex {
                Some(Sex::Male) => pools.dx_female.draw(rng),
                _ => {
                    claim.patient.sex = Some(Sex::Female);
                    pools.dx_male.draw(rng)
                }
            };
            add_dx(claim, code);
        }
        Defect::AgeConflict => {
            // A year old or more gets a newborn code; a newborn gets an adults-only one.
            let older = claim
                .patient
                .date_of_birth
                .zip(claim.service_date())
                .is_some_and(|(dob, on)| {
                    dob.checked_add(jiff::Span::new().years(1))
                        .is_ok_and(|y| y <= on)
                });
            let code = if older {
                pools.dx_newborn.draw(rng)
            } else {
                pools.dx_adult.draw(rng)
            };
            add_dx(claim, code);
        }
        Defect::BadNpi => claim.billing_provider.npi = Some(parties::npi(rng, false)),
        Defect::MissingField => match rng.u8(0..4) {
            0 => {
                if let Some(l) = claim.lines.first_mut() {
                    l.units = None;
                }
            }
            1 => claim.patient.member_id = None,
            2 => claim.patient.date_of_birth = None,
            _ => claim.billing_provider.npi = None,
        },
        Defect::BundledPair => {
            let (c1, c2) = BUNDLED
                .get(rng.usize(..BUNDLED.len()))
                .copied()
                .unwrap_or(("80053", "80048"));
            let from = claim.service_date();
            claim.lines.truncate(10);
            for code in [c1, c2] {
                let price = CPT
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map_or(100, |(_, p)| *p);
                let line = ServiceLine {
                    procedure: Some(code.to_string()),
                    diagnosis_pointers: vec![1],
                    units: Some(1.0),
                    charge: Some(f64::from(price)),
                    from,
                    ..ServiceLine::default()
                };
                claim.lines.push(line);
            }
            claim.total_charge = Some(claim.lines.iter().filter_map(|l| l.charge).sum());
        }
        Defect::BadPointer => {
            let n = u32::try_from(claim.diagnoses.len()).unwrap_or(12);
            if let Some(l) = claim.lines.last_mut() {
                l.diagnosis_pointers = vec![1, n + 1];
            }
        }
    }
}
