//! Engine throughput: claims/s with the built-in rules, per-claim time on `claimscrub gen`'s
//! professional and inpatient claims, compiling the built-in rules, and per-claim time as the
//! rule count grows (100, 10,000, 100,000 synthetic rules keyed on procedure codes): with the
//! trigger index, per-claim cost should stay flat.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "benchmark setup"
)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use claimscrub::claim::input::{Bytes, Pending};
use claimscrub::claim::{Claim, json};
use claimscrub::codeset::CodeSets;
use claimscrub::engine::run;
use claimscrub::engine::{Engine, Options};
use claimscrub::rules::compile::{RuleFile, load};
use claimscrub::rules::load as files;
use claimscrub::synth::{Generator, Kind, Options as GenOptions};

fn example_claims() -> Vec<Claim> {
    let text = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/claims.json")).unwrap();
    json::split_document(Arc::new(Bytes::Owned(text)), None)
        .filter_map(|p| p.materialize().ok())
        .collect()
}

/// `n` claims in NDJSON, cycling the examples with distinct ids.
pub fn ndjson(n: usize) -> Vec<u8> {
    let claims = example_claims();
    let mut out = Vec::new();
    for i in 0..n {
        let mut c = claims[i % claims.len()].clone();
        c.id = format!("B{i}");
        out.extend(serde_json::to_vec(&c).unwrap());
        out.push(b'\n');
    }
    out
}

fn options() -> Options {
    Options {
        as_of: jiff::civil::date(2026, 7, 1),
        payer: None,
        preview: false,
        per_line_notices: false,
        redact: false,
    }
}

/// The built-in rules plus `n` synthetic ones keyed on procedure codes; one in a thousand is
/// keyed on a code the example claims carry, so larger sets also mean more rules that run.
fn synthetic_rules(n: usize) -> Vec<RuleFile> {
    let hot = ["99214", "82947", "G0008", "70553"];
    let mut files = files::builtin_files();
    files.extend((0..n).map(|i| {
        let code = if i % 1000 == 0 { hot[(i / 1000) % hot.len()].to_string() } else { format!("Q{:04}", i % 10_000) };
        RuleFile {
            path: Arc::from(format!("bench/r{i}.yaml")),
            text: format!(
                "id: BENCH{i:06}\nname: bench-{i}\ntitle: t\nseverity: warning\ncategory: payer-policy\ncarc: CO-16\neach: line\nwhen:\n  all:\n    - codes: {{ field: line.procedure, in: [\"{code}\"] }}\n    - compare: {{ field: line.units, op: gt, value: 3 }}\nmessage: m\nhelp: h\n"
            ),
        }
    }));
    files
}

fn bench(c: &mut Criterion) {
    let sets = Arc::new(CodeSets::builtin().unwrap());
    let (set, diags) = load(&files::builtin_files(), &files::read_list, &sets);
    let set = Arc::new(set.unwrap_or_else(|| panic!("{diags:?}")));
    let engine = Engine::new(set, sets.clone(), options());

    let n = 20_000;
    let doc = Arc::new(Bytes::Owned(ndjson(n)));
    let mut g = c.benchmark_group("check");
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(10);
    g.bench_function("builtin_rules_ndjson_parse_and_check", |b| {
        b.iter(|| {
            let pending: Vec<Pending> = json::split_ndjson(doc.clone(), None).collect();
            let mut count = 0usize;
            run::run(&engine, pending.into_iter(), run::CHUNK, |r| {
                count += black_box(&r).seq.min(1);
            });
            count
        })
    });
    g.finish();

    let mut g = c.benchmark_group("compile");
    g.sample_size(10);
    g.bench_function("builtin_rules", |b| {
        b.iter(|| {
            load(black_box(&files::builtin_files()), &files::read_list, &sets)
                .0
                .map(|s| s.rules.len())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("check_per_claim");
    for kind in [Kind::Professional, Kind::Institutional] {
        let opts = GenOptions {
            claims: 0,
            seed: 1,
            kind,
            error_rate: 0.05,
        };
        let generator = Generator::new(&sets, opts).unwrap();
        let claims: Vec<Claim> = (0..2_000).map(|i| generator.claim(i).claim).collect();
        g.throughput(Throughput::Elements(claims.len() as u64));
        g.bench_function(format!("{kind:?}").to_lowercase(), |b| {
            b.iter(|| {
                for cl in &claims {
                    black_box(engine.check(cl));
                }
            })
        });
    }
    g.finish();

    let claims = example_claims();
    let mut g = c.benchmark_group("per_claim_vs_rule_count");
    g.throughput(Throughput::Elements(claims.len() as u64));
    for rules in [100usize, 10_000, 100_000] {
        let (set, diags) = load(&synthetic_rules(rules), &files::read_list, &sets);
        let set = set.unwrap_or_else(|| panic!("{:?}", diags.first()));
        let engine = Engine::new(set, sets.clone(), options());
        g.bench_with_input(BenchmarkId::from_parameter(rules), &rules, |b, _| {
            b.iter(|| {
                for cl in &claims {
                    black_box(engine.check(cl));
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
