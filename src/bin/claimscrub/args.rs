//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use claimscrub::authoring::report::Format as LintFormat;
use claimscrub::claim::input::InputFormat;
use claimscrub::report::Format;

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
