//! `claimscrub gen`: synthetic claims for benchmarks and throughput runs, or (`gen tables`)
//! full-size synthetic NCCI PTP and MUE files. A one-line summary goes to stderr.

use std::io::Write;

use anyhow::{Context, Result};

use claimscrub::synth::{Generator, Options, TableOptions, write_tables};

use crate::args::{GenArgs, GenCommand};
use crate::output::{self, Report};
use crate::setup;

pub fn run(a: GenArgs) -> Result<u8> {
    let sets = setup::codesets(a.codesets.as_deref())?;
    if let Some(GenCommand::Tables { out, pairs, seed }) = a.command {
        let r = write_tables(&sets, TableOptions { pairs, seed }, &out)
            .with_context(|| format!("cannot write the tables into `{}`", out.display()))?;
        eprintln!(
            "claimscrub: wrote {} PTP pairs in {} files and {} MUE rows into {}",
            r.ptp_rows,
            r.ptp_files.len(),
            r.mue_rows,
            out.display()
        );
        return Ok(0);
    }
    let generator = Generator::new(
        &sets,
        Options {
            claims: a.claims.unwrap_or(0),
            seed: a.seed,
            kind: a.kind,
            error_rate: a.error_rate,
        },
    )?;
    let (report, file): (Option<Report>, Box<dyn Write>) = match &a.output {
        Some(p) => {
            let (report, file) = Report::create(p)?;
            (Some(report), Box::new(file))
        }
        None => (None, Box::new(output::stdout())),
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let stats = generator.write(a.format, &mut out)?;
    drop(out);
    if let Some(r) = report {
        r.persist()?;
    }
    let defective: u64 = stats.defects.values().sum();
    let kinds: Vec<String> = stats
        .defects
        .iter()
        .map(|(d, n)| format!("{} {n}", d.name()))
        .collect();
    eprintln!(
        "claimscrub: generated {} claims, {defective} with a defect ({})",
        stats.claims,
        if kinds.is_empty() {
            "none".to_string()
        } else {
            kinds.join(", ")
        }
    );
    Ok(0)
}
