//! claimscrub's integration tests: one binary, one module per area.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

mod bad_input;
mod cli;
mod cli_safety;
mod corpus;
mod duplicates;
mod engine;
mod generate;
mod golden;
mod lint;
mod parse_only;
mod phi;
mod quick;
mod rules;
#[cfg(feature = "serve")]
mod serve;
mod util;
mod verdicts;
mod x12_regressions;
