//! Fuzz target `codeset_bytes`: see [`claimscrub_fuzz::codeset_bytes`] for what it feeds and asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| claimscrub_fuzz::codeset_bytes(data));
