//! X12 837P reading speed on a synthetic file: tokenizing alone (MB/s) and full claim
//! mapping (MB/s and claims/s). `cargo bench --bench x12`; `X12_BENCH_CLAIMS` sets the size.
//!
//! On the shared 2-core build machine, 20,000 claims (5.8 MB, 2.5 lines a claim), with other
//! builds running: tokenize ≈ 2.1 GiB/s; read_claims (tokenize, walk the loops, map every
//! value and record its segment and element) ≈ 36 MiB/s ≈ 128,000 claims/s on one core.

use std::hint::black_box;

use claimscrub::claim::x12::{Reader, tokenizer::Tokenizer};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// An 837P interchange of `claims` claims, 25 per subscriber, 1–4 lines each, with the
/// header loops, DMG, HI, rendering provider and line dates a real file carries.
fn synthesize(claims: usize) -> Vec<u8> {
    let mut s = String::with_capacity(claims * 450);
    s.push_str("ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~\n");
    s.push_str("GS*HC*SUBMITTER*RECEIVER*20240101*1200*1*X*005010X222A1~\n");
    s.push_str("ST*837*0001*005010X222A1~\nBHT*0019*00*0001*20240101*1200*CH~\n");
    s.push_str("NM1*41*2*SUBMITTER*****46*S1~\nNM1*40*2*RECEIVER*****46*R1~\n");
    s.push_str("HL*1**20*1~\nPRV*BI*PXC*207Q00000X~\nNM1*85*2*CLINIC*****XX*1234567893~\nN3*1 MAIN ST~\nN4*TOWN*ST*12345~\nREF*EI*123456789~\n");
    let mut hl = 1;
    let codes = ["99213", "99214", "36415", "80053", "87880", "93000"];
    for i in 0..claims {
        if i % 25 == 0 {
            hl += 1;
            s.push_str(&format!("HL*{hl}*1*22*0~\nSBR*P*18*******CI~\nNM1*IL*1*DOE*JANE****MI*M{i:08}~\nN3*2 SIDE ST~\nN4*TOWN*ST*12345~\nDMG*D8*19700101*F~\nNM1*PR*2*PAYER*****PI*P1~\n"));
        }
        let lines = 1 + i % 4;
        s.push_str(&format!("CLM*C{i:09}*{}***11:B:1*Y*A*Y*Y~\nREF*G1*AUTH{i}~\nHI*ABK:E119*ABF:I10*ABF:E785~\nNM1*82*1*DOC*JOHN****XX*1234567893~\nPRV*PE*PXC*207Q00000X~\n", lines * 100));
        for l in 0..lines {
            let code = codes[(i + l) % codes.len()];
            s.push_str(&format!(
                "LX*{}~\nSV1*HC:{code}:25*100*UN*1*11**1:2~\nDTP*472*D8*20240102~\n",
                l + 1
            ));
        }
    }
    let segments = s.matches('~').count() - 2 + 1;
    s.push_str(&format!("SE*{segments}*0001~\nGE*1*1~\nIEA*1*000000001~\n"));
    s.into_bytes()
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
