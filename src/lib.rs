//! claimscrub: a rule-based medical claim scrubber.
//!
//! Data flows one way: a reader turns input into [`claim::Claim`]s, the engine runs compiled
//! rules against them with the code sets, and emitters write the resulting findings.

pub mod claim;
pub mod codeset;
