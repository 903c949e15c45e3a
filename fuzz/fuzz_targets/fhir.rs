//! Fuzz target `fhir`: see [`claimscrub_fuzz::fhir`] for what it feeds and asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| claimscrub_fuzz::fhir(data));
