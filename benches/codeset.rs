//! Exact lookups per second on the fst versus a `HashMap<String, u32>` over the same codes,
//! plus build time and compiled size versus source size (printed before the measurements),
//! and NCCI PTP / MUE lookups with full-size synthetic tables (`claimscrub gen tables`;
//! `NCCI_BENCH_PAIRS` pairs, default 2,500,000) built and loaded.
//!
//! `cargo bench --bench codeset`

use std::collections::HashMap;
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use claimscrub::codeset::{CodeSets, System, build_dir};
use claimscrub::synth::{TableOptions, write_tables};
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

/// Synthetic PTP and MUE tables of production size: build them, print time and size, then
/// look pairs up (half that are in the table, half that are not) and MUE values.
fn ncci(c: &mut Criterion) {
    let pairs: u64 = std::env::var("NCCI_BENCH_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_500_000);
    let (Ok(sets), Ok(src), Ok(out)) = (
        CodeSets::builtin(),
        tempfile::tempdir(),
        tempfile::tempdir(),
    ) else {
        return;
    };
    let Ok(report) = write_tables(&sets, TableOptions { pairs, seed: 1 }, src.path()) else {
        println!("cannot write the synthetic tables");
        return;
    };
    let t = Instant::now();
    let Ok(built) = build_dir(src.path(), out.path()) else {
        println!("cannot build the synthetic tables");
        return;
    };
    println!(
        "synthetic NCCI: {} PTP rows, {} MUE rows; build_dir {:.2} s; compiled {}",
        report.ptp_rows,
        report.mue_rows,
        t.elapsed().as_secs_f64(),
        built
            .built
            .iter()
            .map(|b| format!("{} {} B", b.name, b.bytes))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let Ok(user) = CodeSets::load_dir(out.path()) else {
        return;
    };
    let sets = sets.overlay(user);
    // Pairs from the table itself (hits) and the same column 1 codes with a shifted column 2.
    let mut sample: Vec<(String, String)> = Vec::with_capacity(10_000);
    for path in &report.ptp_files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let rows: Vec<(String, String)> = text
            .lines()
            .skip(2)
            .step_by(97)
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((f.next()?.to_string(), f.next()?.to_string()))
            })
            .collect();
        sample.extend(rows);
        if sample.len() >= 5_000 {
            break;
        }
    }
    sample.truncate(5_000);
    let misses: Vec<(String, String)> = sample
        .iter()
        .map(|(a, b)| (a.clone(), format!("{b}X")))
        .collect();
    sample.extend(misses);
    let d = date(2026, 5, 1);
    let mut g = c.benchmark_group("ncci");
    g.throughput(Throughput::Elements(sample.len() as u64));
    g.bench_function("ptp_lookup", |b| {
        b.iter(|| {
            sample
                .iter()
                .filter(|(a, c2)| sets.ptp(black_box(a), black_box(c2), d).is_some())
                .count()
        })
    });
    g.bench_function("mue_lookup", |b| {
        b.iter(|| {
            sample
                .iter()
                .filter(|(a, _)| sets.mue(black_box(a), d).is_some())
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, lookups, ncci);
criterion_main!(benches);
