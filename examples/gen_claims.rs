//! Write a synthetic claim file for throughput runs:
//! `cargo run --release --example gen_claims -- x12|ndjson N FILE`.

use std::io::BufWriter;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(kind), Some(n), Some(path)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("usage: gen_claims x12|ndjson N FILE");
        std::process::exit(2);
    };
    let n: usize = n.replace('_', "").parse().unwrap_or(0);
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    match kind.as_str() {
        "x12" => claimscrub::synth::x12_837p(n, &mut out),
        _ => claimscrub::synth::ndjson(n, &mut out),
    }
}
