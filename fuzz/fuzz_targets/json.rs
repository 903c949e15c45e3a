//! Fuzz target `json`: see [`claimscrub_fuzz::json`] for what it feeds and asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| claimscrub_fuzz::json(data));
