//! `claimscrub check`: read claims, run the rules, write the report.

use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;

use anyhow::{Context, Result};

use claimscrub::claim::input::{self, ClaimError, Pending};
use claimscrub::engine::run::{self, CHUNK};
use claimscrub::finding::Severity;
use claimscrub::outcome::Outcome;
use claimscrub::report::{self, Format, RunMeta, Summary};
use claimscrub::setup::Settings;

use crate::args::{CheckArgs, Color, FailOn};
use crate::output::{self, Report};
use crate::{interrupt, setup};

pub fn run(a: CheckArgs) -> Result<u8> {
    if let Some(o) = &a.output {
        output::refuse_input(o, &a.files)?;
    }
    interrupt::install()?;
    if let Some(n) = a.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(n))
            .build_global()
            .context("cannot start the worker threads")?;
    }
    let engine = setup::shown(claimscrub::setup::engine(&Settings {
        sources: setup::sources(&a.sources),
        as_of: a.as_of.clone(),
        payer: a.payer.clone(),
        preview: a.preview,
        per_line_notices: a.per_line_notices,
        parse_only: a.parse_only,
        redact: a.redact,
    }))?;
    let rule_count = engine.rules.rules.len();

    // An input that cannot be opened at all is reported and counted, and the rest still run.
    let mut input_failed = false;
    let mut streams: Vec<Box<dyn Iterator<Item = Pending> + Send>> = Vec::new();
    let mut warnings = Vec::new();
    for f in &a.files {
        match input::read_with_warnings(f, a.input_format) {
            Ok(i) => {
                streams.push(i.pending);
                warnings.push(i.warnings);
            }
            Err(e) => {
                say!("claimscrub: error: {e}");
                input_failed = true;
            }
        }
    }

    let to_terminal = a.output.is_none() && std::io::stdout().is_terminal();
    let color = use_color(a.color, to_terminal, a.format);
    let (report, out): (Option<Report>, Box<dyn Write>) = match &a.output {
        Some(p) => {
            let (report, file) = Report::create(p)?;
            (Some(report), Box::new(std::io::BufWriter::new(file)))
        }
        None => (None, Box::new(std::io::BufWriter::new(output::stdout()))),
    };
    let mut emitter = report::emitter(a.format, out, color);
    emitter.begin(&RunMeta {
        tool: "claimscrub",
        version: env!("CARGO_PKG_VERSION"),
        schema: 1,
        inputs: a.files.clone(),
        rules: rule_count,
    })?;

    let progress = (std::io::stderr().is_terminal() && !to_terminal).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos} claims checked ({per_sec}) {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    });

    let mut summary = Summary {
        parse_only: a.parse_only,
        ..Summary::default()
    };
    let mut write_err: Option<std::io::Error> = None;
    let mut unreadable_logged = 0usize;
    let mut interrupted = false;
    // A stop signal or a write error (a closed pipe) ends the run: no more claims are read.
    run::run_while(&engine, streams.into_iter().flatten(), CHUNK, |r| {
        if interrupt::requested() {
            interrupted = true;
            return ControlFlow::Break(());
        }
        summary.add(&r);
        if let Some(b) = &progress {
            b.inc(1);
        }
        if let Outcome::Unreadable(e) = &r.outcome {
            log_unreadable(e, &mut unreadable_logged, a.format);
        }
        match emitter.claim(&r) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                write_err = Some(e);
                ControlFlow::Break(())
            }
        }
    });
    if let Some(b) = progress {
        b.finish_and_clear();
    }
    if let Some(e) = write_err {
        return Err(e.into());
    }
    // A signal after the last claim stopped nothing: that report is complete.
    let stopped = interrupted.then(interrupt::caught).flatten();
    summary.interrupted = interrupted;
    emitter.finish(&summary)?;
    drop(emitter);
    if let Some(r) = report {
        r.persist()?;
    }
    report_warnings(&warnings);

    if let Some((name, status)) = stopped {
        say!(
            "claimscrub: interrupted by {name}: the report covers the {} claims read before it",
            summary.claims
        );
        return Ok(status);
    }
    if input_failed || summary.unreadable > 0 {
        return Ok(2);
    }
    Ok(exit_status(a.fail_on, &summary))
}

/// Whether to colour the report: `--color`, else only a people format on a terminal without
/// `NO_COLOR`.
pub fn use_color(color: Color, to_terminal: bool, format: Format) -> bool {
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => to_terminal && format.for_people() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// 1 when a finding at or above `--fail-on` was reported, else 0.
pub fn exit_status(fail_on: FailOn, summary: &Summary) -> u8 {
    let threshold = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    match (threshold, summary.worst()) {
        (Some(t), Some(w)) if w >= t => 1,
        _ => 0,
    }
}

/// Machine formats carry unreadable claims in the report; say on stderr that there were
/// some (the first few), so a batch job's log shows it. No claim data is printed.
fn log_unreadable(e: &ClaimError, logged: &mut usize, format: Format) {
    if format.for_people() {
        return;
    }
    *logged += 1;
    if *logged <= 5 {
        let at = e
            .location
            .as_ref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        let file = e.file.as_deref().unwrap_or("-");
        say!(
            "claimscrub: {file}: claim #{} unreadable{at}: {}",
            e.index + 1,
            e.message
        );
    } else if *logged == 6 {
        say!("claimscrub: more unreadable claims; see the report");
    }
}

/// Envelope warnings (X12 control numbers and counts): the first few on stderr. They never
/// fail the run; the claims were read.
fn report_warnings(all: &[input::Warnings]) {
    let list: Vec<input::InputWarning> = all.iter().flat_map(|w| w.get()).collect();
    for w in list.iter().take(5) {
        let at = w
            .location
            .as_ref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        say!(
            "claimscrub: warning: {}{at}: {}",
            w.file.as_deref().unwrap_or("-"),
            w.message
        );
    }
    if list.len() > 5 {
        say!("claimscrub: {} more input warnings", list.len() - 5);
    }
}
