//! Exact lookups per second on the fst versus a `HashMap<String, u32>` over the same codes,
//! plus build time and compiled size versus source size (printed before the measurements).
//!
//! `cargo bench --bench codeset`

use std::collections::HashMap;
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use claimscrub::codeset::{CodeSets, System, build_dir};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::civil::date;

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                dir_bytes(&p)
            } else {
                e.metadata().map_or(0, |m| m.len())
            }
        })
        .sum()
}

/// Build the shipped sources once and print time and sizes.
fn report_build() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = if root.join("codesets/icd10cm/codes.tsv").is_file() {
        root.join("codesets")
    } else {
        root.join("tests/fixtures/codesets")
    };
    let Ok(out) = tempfile::tempdir() else { return };
    let t = Instant::now();
    let Ok(report) = build_dir(&src, out.path()) else {
        return;
    };
    let secs = t.elapsed().as_secs_f64();
    println!("build_dir {} in {secs:.2} s", src.display());
    for b in &report.built {
        let sub = match b.name.as_str() {
            "modifier" => "modifiers",
            n => n,
        };
        println!(
            "  {:<9} {:>7} rows  source {:>10} B  compiled {:>10} B",
            b.name,
            b.rows,
            dir_bytes(&src.join(sub)),
            b.bytes
        );
    }
    if let Ok(sets) = CodeSets::load_dir(out.path()) {
        for s in System::ALL {
            if let Some(set) = sets.get(s) {
                println!(
                    "  {:<9} fst {:>9} B for {} codes",
                    s.name(),
                    set.fst_bytes(),
                    set.len()
                );
            }
        }
    }
}

fn lookups(c: &mut Criterion) {
    report_build();
    let Ok(sets) = CodeSets::builtin() else {
        return;
    };
    let Some(cm) = sets
        .get(System::Icd10Cm)
        .or_else(|| sets.get(System::Hcpcs))
    else {
        println!("no embedded code set to benchmark");
        return;
    };
    let codes = cm.prefix("");
    // A fixed pseudo-random order so neither structure benefits from sorted access.
    let mut sample: Vec<String> = Vec::with_capacity(10_000);
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if let Some(code) = codes.get((x % codes.len() as u64) as usize) {
            sample.push(code.clone());
        }
    }
    let map: HashMap<String, u32> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.clone(), i as u32))
        .collect();
    let d = date(2026, 3, 1);
    let mut g = c.benchmark_group(format!("{}_exact", cm.system().name()));
    g.throughput(Throughput::Elements(sample.len() as u64));
    g.bench_function("fst_contains", |b| {
        b.iter(|| sample.iter().filter(|c| cm.contains(black_box(c))).count())
    });
    g.bench_function("hashmap_get", |b| {
        b.iter(|| {
            sample
                .iter()
                .filter(|c| map.contains_key(black_box(c.as_str())))
                .count()
        })
    });
    g.bench_function("lookup_by_date", |b| {
        b.iter(|| {
            sample
                .iter()
                .filter(|c| cm.lookup(black_box(c), d).record.is_some())
                .count()
        })
    });
    g.finish();
    c.bench_function("builtin_load", |b| {
        b.iter(|| CodeSets::builtin().map(|s| s.info().len()))
    });
}

criterion_group!(benches, lookups);
criterion_main!(benches);
