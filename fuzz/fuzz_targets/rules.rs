//! Fuzz target `rules`: see [`claimscrub_fuzz::rules`] for what it feeds and asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| claimscrub_fuzz::rules(data));
