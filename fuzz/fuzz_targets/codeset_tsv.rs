//! Fuzz target `codeset_tsv`: see [`claimscrub_fuzz::codeset_tsv`] for what it feeds and asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| claimscrub_fuzz::codeset_tsv(data));
