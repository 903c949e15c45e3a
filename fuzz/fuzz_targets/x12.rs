//! Fuzz target `x12`: see [`claimscrub_fuzz::x12`] for what it feeds and asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| claimscrub_fuzz::x12(data));
