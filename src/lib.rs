//! claimscrub: a rule-based medical claim scrubber.
//!
//! Data flows one way: a reader turns input into [`claim::Claim`]s, the engine runs compiled
//! rules against them with the code sets, and emitters write the resulting findings.

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
pub mod synth;
