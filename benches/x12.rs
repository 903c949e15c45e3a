//! X12 837P reading speed on a synthetic file: tokenizing alone (MB/s) and full claim
//! mapping (MB/s and claims/s). `cargo bench --bench x12`; `X12_BENCH_CLAIMS` sets the size.
//!
//! On the shared 2-core build machine, 20,000 claims (5.8 MB, 2.5 lines a claim), with other
//! builds running: tokenize ≈ 2.1 GiB/s; read_claims (tokenize, walk the loops, map every
//! value and record its segment and element) ≈ 36 MiB/s ≈ 128,000 claims/s on one core.

use std::hint::black_box;

use claimscrub::claim::x12::{Reader, tokenizer::Tokenizer};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn synthesize(claims: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(claims * 450);
    let _ = claimscrub::synth::x12_837p(claims, &mut v);
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
