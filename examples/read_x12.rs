//! Read an X12 837 file and count its claims (profiling the reader alone):
//! `cargo run --release --example read_x12 -- FILE`.

/// The same allocator as the `claimscrub` binary, so the figure is the one users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: read_x12 FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_default();
    let start = std::time::Instant::now();
    let mut claims = 0usize;
    let mut errors = 0usize;
    match claimscrub::claim::x12::Reader::new(&bytes, None) {
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
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{claims} claims, {errors} errors in {secs:.2} s: {:.0} claims/s, {:.1} MB/s",
        claims as f64 / secs,
        bytes.len() as f64 / 1e6 / secs
    );
}
