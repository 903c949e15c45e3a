//! Synthetic claims and NCCI tables for benchmarks and throughput runs (`claimscrub gen`).
//!
//! Claims are drawn from the loaded code sets ([`Pools`]): billable ICD-10-CM codes that fit
//! the patient's age and sex, ICD-10-PCS, HCPCS Level II, place-of-service codes and
//! modifiers, plus a fixed handful of well-known CPT numbers. Professional claims carry 1–12
//! lines and 1–12 diagnoses; inpatient claims 1–25 diagnoses with POA indicators, ICD-10-PCS
//! procedures, revenue-code lines and a discharge status. A share of claims (the error rate)
//! carries one [`Defect`]. Claim `i` is built from its own random stream seeded by the seed
//! and `i`, so the same seed and code sets give the same bytes. Everything is written to a
//! `Write` as it is made: a file of millions of claims never sits in memory.

mod defects;
mod fhir;
mod institutional;
mod parties;
mod pools;
mod professional;
mod tables;
mod x12;

use std::collections::BTreeMap;
use std::io::{self, Write};

use fastrand::Rng;
use jiff::Span;
use jiff::civil::{Date, date};

use crate::claim::{Claim, Person, Sex};
use crate::codeset::CodeSets;

pub use defects::Defect;
pub use pools::{BUNDLED, Pools};
pub use tables::{TableOptions, TableReport, write_tables};

/// First date of service a synthetic claim gets (inside every embedded set's coverage).
pub const WINDOW_FROM: Date = date(2026, 4, 1);
/// Last date of service a synthetic claim gets (the HCPCS quarter's end).
pub const WINDOW_TO: Date = date(2026, 6, 30);

/// Which claims to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// 837P / CMS-1500 claims.
    Professional,
    /// Inpatient 837I / UB-04 claims (bill type 111).
    Institutional,
    /// Three professional claims to one institutional, interleaved.
    Mixed,
}

/// How generated claims are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One claim object a line in claimscrub's JSON claim format.
    Ndjson,
    /// One X12 837 interchange (837P and 837I transaction sets).
    X12,
    /// One FHIR R4 Bundle of Claim resources.
    Fhir,
}

/// `claims` professional 837P claims (seed 1, the default defect rate) from the built-in code
/// sets: the sample file tests and examples read.
pub fn x12_837p(claims: u64, out: &mut dyn Write) -> Result<Stats, SynthError> {
    let sets = CodeSets::builtin()?;
    let opts = Options {
        claims,
        seed: 1,
        kind: Kind::Professional,
        error_rate: 0.05,
    };
    Generator::new(&sets, opts)?.write(Format::X12, out)
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// How many claims.
    pub claims: u64,
    /// The seed every claim's random stream derives from.
    pub seed: u64,
    /// Professional, institutional or mixed.
    pub kind: Kind,
    /// Share of claims carrying one defect, 0 to 1.
    pub error_rate: f64,
}

/// Why generation cannot start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The error rate is not a share.
    #[error("the error rate must be between 0 and 1, found {0}")]
    ErrorRate(f64),
    /// A code set the generator draws from is not loaded.
    #[error("the {0} code set is not loaded")]
    NoCodeSet(&'static str),
    /// The loaded code sets hold no code of a kind the generator needs in the window.
    #[error("the code sets hold no {0} code valid from {WINDOW_FROM} to {WINDOW_TO}")]
    EmptyPool(&'static str),
    /// Writing the output failed.
    #[error("cannot write the generated claims")]
    Io(#[from] io::Error),
    /// The built-in code sets did not load.
    #[error(transparent)]
    Codesets(#[from] crate::codeset::CodesetError),
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Claims written.
    pub claims: u64,
    /// Defective claims by defect kind.
    pub defects: BTreeMap<Defect, u64>,
}

/// Makes synthetic claims from pools drawn once.
#[derive(Debug, Clone)]
pub struct Generator {
    pools: Pools,
    opts: Options,
}

/// A generated claim and the defect injected into it, if any.
#[derive(Debug, Clone)]
pub struct Synthetic {
    /// The claim.
    pub claim: Claim,
    /// What was made wrong in it.
    pub defect: Option<Defect>,
}

/// SplitMix64: a well-mixed stream seed for claim `i` of seed `seed`.
fn mix(seed: u64, i: u64) -> u64 {
    let mut z = seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Generator {
    /// Draw the pools from `sets` and check the options.
    pub fn new(sets: &CodeSets, opts: Options) -> Result<Generator, SynthError> {
        if !(0.0..=1.0).contains(&opts.error_rate) {
            return Err(SynthError::ErrorRate(opts.error_rate));
        }
        Ok(Generator {
            pools: Pools::new(sets)?,
            opts,
        })
    }

    /// Claim `i` (0-based): the same for the same seed, whatever was generated before it.
    pub fn claim(&self, i: u64) -> Synthetic {
        let mut rng = Rng::with_seed(mix(self.opts.seed, i));
        let institutional = match self.opts.kind {
            Kind::Professional => false,
            Kind::Institutional => true,
            Kind::Mixed => rng.u8(0..4) == 0,
        };
        let mut claim = if institutional {
            institutional::claim(&mut rng, &self.pools, format!("I{i:010}"))
        } else {
            professional::claim(&mut rng, &self.pools, format!("P{i:010}"))
        };
        let defect = (rng.f64() < self.opts.error_rate)
            .then(|| defects::inject(&mut rng, &self.pools, &mut claim));
        Synthetic { claim, defect }
    }

    /// Write every claim to `out` in `format`.
    pub fn write(&self, format: Format, out: &mut dyn Write) -> Result<Stats, SynthError> {
        let mut stats = Stats::default();
        let mut count = |s: &Synthetic| {
            stats.claims += 1;
            if let Some(d) = s.defect {
                *stats.defects.entry(d).or_default() += 1;
            }
        };
        let n = self.opts.claims;
        {
            let mut sink: Box<dyn Sink + '_> = match format {
                Format::Ndjson => Box::new(NdjsonWriter { out: &mut *out }),
                Format::X12 => Box::new(x12::X12Writer::begin(&mut *out)?),
                Format::Fhir => Box::new(fhir::FhirWriter::begin(&mut *out)?),
            };
            for i in 0..n {
                let s = self.claim(i);
                sink.claim(&s.claim)?;
                count(&s);
            }
            sink.finish()?;
        }
        out.flush()?;
        Ok(stats)
    }
}

/// Where generated claims go, one output format each.
trait Sink {
    /// Write one claim.
    fn claim(&mut self, c: &Claim) -> io::Result<()>;
    /// Close the document.
    fn finish(self: Box<Self>) -> io::Result<()>;
}

/// One claim object a line.
struct NdjsonWriter<'w> {
    out: &'w mut dyn Write,
}

impl Sink for NdjsonWriter<'_> {
    fn claim(&mut self, c: &Claim) -> io::Result<()> {
        serde_json::to_writer(&mut *self.out, c).map_err(io::Error::other)?;
        self.out.write_all(b"\n")
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        Ok(())
    }
}

impl Sink for x12::X12Writer<'_> {
    fn claim(&mut self, c: &Claim) -> io::Result<()> {
        x12::X12Writer::claim(self, c)
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        x12::X12Writer::finish(*self)
    }
}

impl Sink for fhir::FhirWriter<'_> {
    fn claim(&mut self, c: &Claim) -> io::Result<()> {
        fhir::FhirWriter::claim(self, c)
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        fhir::FhirWriter::finish(*self)
    }
}

/// Drawing one element of a pool of codes.
trait Draw {
    /// A uniformly chosen element (empty string from an empty pool, which [`Pools::new`]
    /// refuses for every pool drawn this way).
    fn draw(&self, rng: &mut Rng) -> String;
}

impl Draw for Vec<String> {
    fn draw(&self, rng: &mut Rng) -> String {
        self.get(rng.usize(..self.len().max(1)))
            .cloned()
            .unwrap_or_default()
    }
}

/// A count in `lo..=hi` skewed toward `lo` (most claims are short; a few are long).
fn skewed(rng: &mut Rng, lo: usize, hi: usize) -> usize {
    let span = (hi - lo + 1) as f64;
    (lo + (span * rng.f64().powi(3)) as usize).min(hi)
}

/// A first date of service in the window, leaving `stay` days before its end.
fn service_date(rng: &mut Rng, stay: i64) -> Date {
    let days = WINDOW_FROM
        .until(WINDOW_TO)
        .map_or(0, |s| i64::from(s.get_days()));
    WINDOW_FROM
        .checked_add(Span::new().days(rng.i64(0..=(days - stay).max(0))))
        .unwrap_or(WINDOW_FROM)
}

/// The day every synthetic claim is submitted: one batch file, sent the day after the
/// window (so X12's one BHT04 per transaction set and NDJSON's per-claim date agree).
pub const SUBMITTED: Date = date(2026, 7, 1);

/// A diagnosis the patient can have: mostly one with no age or sex edit, sometimes one of
/// the patient's own sex.
fn clean_dx(rng: &mut Rng, pools: &Pools, patient: &Person) -> String {
    if rng.u8(0..20) == 0 {
        match patient.sex {
            Some(Sex::Female) => return pools.dx_female.draw(rng),
            Some(Sex::Male) => return pools.dx_male.draw(rng),
            _ => {}
        }
    }
    pools.clean_dx(rng)
}
