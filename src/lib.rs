//! claimscrub: a rule-based medical claim scrubber.
//!
//! Data flows one way: a reader turns input into [`claim::Claim`]s, the engine runs compiled
//! rules against them with the code sets, and emitters write the resulting findings. Rule
//! authoring ([`authoring`]: lint, tests, docs) sits above the engine and nothing below
//! imports it.
//!
//! Read a claim, check it with the built-in rules and code sets, and look at the findings:
//!
//! ```
//! use claimscrub::claim::input;
//! use claimscrub::codeset::CodeSets;
//! use claimscrub::engine::{Engine, Options};
//! use claimscrub::rules::{compile, load};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let json = br#"{"id": "CLM-1", "patient": {"sex": "M", "date_of_birth": "1970-05-01"},
//!   "diagnoses": [{"code": "E11"}],
//!   "lines": [{"procedure": "G0103", "charge": 40, "units": 1, "from": "2026-03-02",
//!              "diagnosis_pointers": [1]}]}"#;
//!
//! // Read: detect the format and split the input into claims.
//! let mut claims = input::read_bytes("example.json", json.to_vec(), None)?;
//! let claim = claims.next().ok_or("no claim")?.materialize()?;
//!
//! // Compile the shipped rules against the shipped code sets.
//! let sets = CodeSets::builtin()?;
//! let (rules, diagnostics) = compile::load(&load::builtin_files(), &load::read_list, &sets);
//! let rules = rules.ok_or_else(|| format!("{diagnostics:?}"))?;
//! let engine = Engine::new(rules, sets, Options { as_of: jiff::civil::date(2026, 7, 1), ..Options::default() });
//!
//! // Check: findings are data, sorted, each with its rule, CARC, message and fix.
//! let findings = engine.check(&claim);
//! let header = findings.iter().find(|f| f.rule.as_ref() == "ICD002").ok_or("no finding")?;
//! assert_eq!(header.code.as_deref(), Some("E11"));
//! assert_eq!(header.carc.as_deref(), Some("CO-16"));
//! println!("{}: {}", header.rule, header.message);
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]
#![allow(
    clippy::result_large_err,
    reason = "ClaimError is a per-claim output record carrying its location; it is built once and moved, never propagated through deep call chains"
)]

pub mod authoring;
pub mod claim;
pub mod codeset;
pub mod engine;
pub mod finding;
pub mod format;
pub mod outcome;
pub mod report;
pub mod rules;
pub mod schemas;
#[cfg(feature = "serve")]
pub mod serve;
pub mod setup;
pub mod synth;
