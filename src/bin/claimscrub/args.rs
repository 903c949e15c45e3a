//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use claimscrub::authoring::report::Format as LintFormat;
use claimscrub::claim::input::InputFormat;
use claimscrub::report::Format;
use claimscrub::synth;

/// Rule-based medical claim scrubber: finds the lines a payer will reject or deny, says why,
/// which denial code (CARC) to expect, and how to fix it.
#[derive(Debug, Parser)]
#[command(name = "claimscrub", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check claims (JSON, NDJSON, X12 837, FHIR) and report denial risks.
    Check(CheckArgs),
    /// Look codes up in the loaded code sets.
    Codes(CodesArgs),
    /// Inspect or build code sets.
    Codesets(CodesetsArgs),
    /// Lint, test and document rule files.
    Rules(RulesArgs),
    /// Print a rule's documentation, conditions and examples.
    Explain(ExplainArgs),
    /// Serve the checks over HTTP: a JSON API under `/v1` and a page for coders at `/`.
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Generate synthetic claims (or, with `gen tables`, NCCI tables) for benchmarks.
    Gen(GenArgs),
}

/// Which findings make `check` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

/// Rule and code-set sources shared by the commands that run rules.
#[derive(Debug, Args, Clone)]
pub struct Sources {
    /// Rule directory to load in addition to the built-in packs (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Do not load the built-in rule packs.
    #[arg(long)]
    pub no_default_rules: bool,
    /// Compiled code-set directory (from `codesets build`), used over the built-in sets.
    #[arg(long, value_name = "DIR")]
    pub codesets: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Claim files; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    #[command(flatten)]
    pub sources: Sources,
    /// Assumed submission date for claims without one (default: today), YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Exit 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Scope every claim as this payer instead of its own: a payer id the rules scope
    /// (`ACME1`) or a payer pack (`medicare`); `rules packs` lists them.
    #[arg(long, value_name = "PAYER")]
    pub payer: Option<String>,
    /// Run preview rules too.
    #[arg(long)]
    pub preview: bool,
    /// Report notice rules per line (e.g. PRC004 on every CPT line when no CPT file is
    /// loaded) instead of once per run with a count of the lines.
    #[arg(long)]
    pub per_line_notices: bool,
    /// Mask claim ids (`claim-1`, `claim-2`… in input order, one mask per distinct id) and
    /// every value findings copy from the member or the claim (dates, age, sex, member and
    /// authorization numbers) in every output format, for sharing findings.
    #[arg(long)]
    pub redact: bool,
    /// Input format; detected from content when absent.
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormat>,
    /// Read and map every claim and summarize them, running no rule: the floor a full
    /// check's speed is measured against. The summary says so.
    #[arg(long, conflicts_with_all = ["rules", "no_default_rules", "payer", "preview"])]
    pub parse_only: bool,
    /// Worker threads, 1 to 256 (default: one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
    pub threads: Option<u16>,
    /// Write the report here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour: auto (on a terminal), always or never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
}

/// The most `--threads`: the pool checks claims, which never wait on I/O, so threads past
/// the cores only cost memory (each has its own stack); 256 is more than the largest
/// servers' cores, and 100,000 threads would take minutes and gigabytes to start.
const MAX_THREADS: i64 = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct CodesArgs {
    #[command(subcommand)]
    pub command: CodesCommand,
}

#[derive(Debug, Subcommand)]
pub enum CodesCommand {
    /// Check a code combination without a claim: the same findings and formats as `check`
    /// (`codes check E11.9 G63 --proc 99214:25 --proc G0103 --sex M --age 64`).
    Check(QuickArgs),
    /// Show a code's record, validity on a date, notes, children or near matches.
    Lookup {
        /// The code, with or without its dot (`E11.9`, `E119`).
        code: String,
        /// Date of service, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        /// Code system; guessed from the code's shape when absent.
        #[arg(long)]
        system: Option<String>,
        /// Compiled code-set directory used over the built-in sets.
        #[arg(long, value_name = "DIR")]
        codesets: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// List every billable code under a header, each with its title.
        #[arg(long)]
        all: bool,
    },
}

/// A code combination for `codes check`.
#[derive(Debug, Args)]
pub struct QuickArgs {
    /// ICD-10-CM diagnoses in claim order, with or without dots; the first is the principal.
    #[arg(value_name = "DIAGNOSIS")]
    pub diagnoses: Vec<String>,
    /// A procedure line: `CODE[:MOD]...[=UNITS]` (`99214:25`, `97110:GP=2`); repeatable.
    /// Each line points at every diagnosis, up to four.
    #[arg(long = "proc", value_name = "CODE[:MOD][=UNITS]")]
    pub procedures: Vec<String>,
    /// Patient age in years on the date of service.
    #[arg(long)]
    pub age: Option<u16>,
    /// Patient sex: M, F or U.
    #[arg(long)]
    pub sex: Option<String>,
    /// Place of service code (`11` office).
    #[arg(long = "pos", value_name = "CODE")]
    pub place_of_service: Option<String>,
    /// Payer id or payer pack (`medicare`) to scope the combination as.
    #[arg(long)]
    pub payer: Option<String>,
    /// Date of service, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// An institutional claim (837I) instead of a professional one.
    #[arg(long)]
    pub institutional: bool,
    #[command(flatten)]
    pub sources: Sources,
    /// Run preview rules too.
    #[arg(long)]
    pub preview: bool,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Exit 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Colour: auto (on a terminal), always or never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
}

#[derive(Debug, Args)]
pub struct CodesetsArgs {
    #[command(subcommand)]
    pub command: CodesetsCommand,
}

#[derive(Debug, Subcommand)]
pub enum CodesetsCommand {
    /// List the loaded code sets: release, rows, source, bytes.
    Info {
        #[arg(long, value_name = "DIR")]
        codesets: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        /// List the ICD-10-CM Excludes1 notes that cannot be read as exact codes (never applied).
        #[arg(long)]
        unresolved: bool,
    },
    /// Compile official CMS files (ICD-10 order files, ICD-10-CM tabular XML, HCPCS, NCCI, MUE,
    /// add-on, CPT) into a code-set directory for `check --codesets`.
    Build {
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub command: RulesCommand,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Check rule files: schema, fields, code sets, regexes, ids, docs.
    Lint {
        /// Rule directories (default: the built-in packs).
        dirs: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: LintFormat,
        #[arg(long, value_name = "DIR")]
        codesets: Option<PathBuf>,
        /// Print what a diagnostic code means (`unknown-field`), or every code with `all`.
        #[arg(long, value_name = "CODE", conflicts_with = "dirs")]
        explain: Option<String>,
        /// Exit 1 on warnings too, not only on errors.
        #[arg(long)]
        warnings_as_errors: bool,
        /// The rules run with `check --no-default-rules`: do not report ids the built-in
        /// packs already use (`builtin-id`).
        #[arg(long)]
        no_default_rules: bool,
    },
    /// Run the test cases beside each rule (`<rule>.test.yaml`).
    Test {
        /// Rule directories (default: the built-in packs).
        dirs: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: LintFormat,
        #[arg(long, value_name = "DIR")]
        codesets: Option<PathBuf>,
    },
    /// Write the JSON Schemas of claim, rule, pack and rule-test files.
    Schema {
        #[arg(long, value_name = "DIR", default_value = "schemas")]
        out: PathBuf,
    },
    /// List the rule packs: their descriptions, rule counts and the payers they match.
    Packs {
        #[command(flatten)]
        sources: Sources,
    },
    /// Write a Markdown reference of every rule.
    Docs {
        /// Rule directories (default: the built-in packs).
        dirs: Vec<PathBuf>,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule id (`ICD002`) or name (`non-billable-diagnosis`).
    pub rule: String,
    #[command(flatten)]
    pub sources: Sources,
}

#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; loopback unless told otherwise. Port 0 takes a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    #[command(flatten)]
    pub sources: Sources,
    /// Largest request body in bytes; larger is refused with 413.
    #[arg(long, value_name = "BYTES", default_value_t = 4 << 20)]
    pub max_body: usize,
    /// Seconds a request may take before it is answered 408.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
    /// Milliseconds between checks of the `--rules` directories for edits.
    #[arg(long, value_name = "MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..))]
    pub reload_every_ms: u64,
}

/// `claimscrub gen`: synthetic claims from the loaded code sets, deterministic for a seed.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct GenArgs {
    #[command(subcommand)]
    pub command: Option<GenCommand>,
    /// How many claims.
    #[arg(long, value_name = "N", required = true)]
    pub claims: Option<u64>,
    /// Seed of the random streams: the same seed gives the same bytes.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Professional (837P), inpatient institutional (837I), or mixed (three to one).
    #[arg(long, value_enum, default_value = "professional")]
    pub kind: synth::Kind,
    /// Share of claims with one injected defect, 0 to 1.
    #[arg(long, value_name = "R", default_value_t = 0.05)]
    pub error_rate: f64,
    /// Output format.
    #[arg(long, value_enum, default_value = "ndjson")]
    pub format: synth::Format,
    /// Write here instead of standard output (replaced only when complete).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Compiled code-set directory to draw codes from, over the built-in sets.
    #[arg(long, value_name = "DIR")]
    pub codesets: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum GenCommand {
    /// Write full-size synthetic NCCI practitioner PTP files and an MUE file in the official
    /// CMS layouts into DIR, for `codesets build --from DIR` (random pairs, not CMS's data).
    Tables {
        /// Directory to write into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// PTP pairs in all.
        #[arg(long, value_name = "N", default_value_t = 2_500_000)]
        pairs: u64,
        /// Seed of the tables' random stream.
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
    },
}
