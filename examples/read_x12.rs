//! Read an X12 837 file and count its claims (profiling the reader alone):
//! `cargo run --release --example read_x12 -- FILE [THREADS]`. Without THREADS the reader
//! maps each claim in place on one thread; with it, the claims are split in order and mapped
//! in a pool of THREADS threads in chunks, as `check` does.

/// The same allocator as the `claimscrub` binary, so the figure is the one users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use rayon::prelude::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: read_x12 FILE [THREADS]");
        std::process::exit(2);
    };
    let threads: Option<usize> = args.next().and_then(|t| t.parse().ok());
    let bytes = std::fs::read(&path).unwrap_or_default();
    let start = std::time::Instant::now();
    let (claims, errors) = match threads {
        None => sequential(&bytes),
        Some(n) => parallel(bytes.clone(), n),
    };
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{claims} claims, {errors} errors in {secs:.2} s: {:.0} claims/s, {:.1} MB/s",
        claims as f64 / secs,
        bytes.len() as f64 / 1e6 / secs
    );
}

/// Split and map on this thread.
fn sequential(bytes: &[u8]) -> (usize, usize) {
    let (mut claims, mut errors) = (0, 0);
    match claimscrub::claim::x12::Reader::new(bytes, None) {
        Ok(reader) => {
            for r in reader {
                match r {
                    Ok(_) => claims += 1,
                    Err(_) => errors += 1,
                }
            }
        }
        Err(e) => eprintln!("{e}"),
    }
    (claims, errors)
}

/// Split on this thread, map chunks of claims on `threads` threads.
fn parallel(bytes: Vec<u8>, threads: usize) -> (usize, usize) {
    use claimscrub::claim::input::{self, InputFormat, Pending};
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
    let (Ok(pool), Ok(split)) = (
        pool,
        input::split(
            std::sync::Arc::new(input::Bytes::Owned(bytes)),
            "x12",
            InputFormat::X12,
        ),
    ) else {
        eprintln!("cannot start");
        return (0, 0);
    };
    let mut pending = split.pending;
    let (mut claims, mut errors) = (0, 0);
    loop {
        let chunk: Vec<Pending> = pending.by_ref().take(2048).collect();
        if chunk.is_empty() {
            break;
        }
        let ok = pool.install(|| {
            chunk
                .into_par_iter()
                .map(|p| usize::from(p.materialize().is_ok()))
                .collect::<Vec<_>>()
        });
        let n = ok.len();
        let good: usize = ok.into_iter().sum();
        claims += good;
        errors += n - good;
    }
    (claims, errors)
}
