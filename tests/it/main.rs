//! claimscrub's integration tests: one binary, one module per area.

mod cli;
mod engine;
mod rules;
mod util;
