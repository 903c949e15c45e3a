//! X12 837P reading speed on a synthetic file: tokenizing alone (MB/s) and full claim
//! mapping (MB/s and claims/s). `cargo bench --bench x12`; `X12_BENCH_CLAIMS` sets the size.
//! The claims are `claimscrub gen`'s clean professional claims; measured figures are in the
//! README's Performance section.

use std::hint::black_box;

use claimscrub::claim::x12::{Reader, tokenizer::Tokenizer};
use claimscrub::codeset::CodeSets;
use claimscrub::synth::{Format, Generator, Kind, Options};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// `claims` clean professional claims from `claimscrub gen`'s generator, as one 837P.
fn synthesize(claims: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(claims * 900);
    let opts = Options {
        claims: claims as u64,
        seed: 1,
        kind: Kind::Professional,
        error_rate: 0.0,
    };
    let generated = CodeSets::builtin()
        .map_err(|e| e.to_string())
        .and_then(|sets| Generator::new(&sets, opts).map_err(|e| e.to_string()))
        .and_then(|g| g.write(Format::X12, &mut v).map_err(|e| e.to_string()));
    if let Err(e) = generated {
        eprintln!("cannot generate the claims: {e}");
    }
    v
}

fn bench(c: &mut Criterion) {
    let claims: usize = std::env::var("X12_BENCH_CLAIMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let file = synthesize(claims);
    let read = Reader::new(&file, None).map(|r| r.filter(Result::is_ok).count());
    assert_eq!(read, Ok(claims), "the synthetic file reads cleanly");

    let mut g = c.benchmark_group("x12");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(file.len() as u64));
    g.bench_function("tokenize", |b| {
        b.iter(|| {
            Tokenizer::new(black_box(&file))
                .filter(Result::is_ok)
                .count()
        })
    });
    g.bench_function("read_claims", |b| {
        b.iter(|| Reader::new(black_box(&file), None).map(|r| r.count()))
    });
    g.throughput(Throughput::Elements(claims as u64));
    g.bench_function("read_claims_per_claim", |b| {
        b.iter(|| Reader::new(black_box(&file), None).map(|r| r.count()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
