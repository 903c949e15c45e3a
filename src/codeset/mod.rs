//! Code sets: ICD-10-CM, ICD-10-PCS, HCPCS Level II, modifiers, place of service, the user's
//! CPT, and the NCCI / MUE / add-on tables, compiled into `fst` maps and looked up as of a
//! date of service.
//!
//! CONTRACT FILE: the types and signatures below are what the engine relies on. The
//! implementation behind them belongs to the code-set layer.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;

#[allow(
    dead_code,
    reason = "shared with build.rs, which uses only part of it; the library uses the rest"
)]
mod compile;
mod import;
mod load;
mod lookup;
pub mod normalize;
mod tables;
mod tabular;

pub use compile::CompileError;
pub use import::{BuildOptions, BuildReport, BuiltFile, build_dir, build_dir_with};
pub use lookup::{CodeSet, MAX_SUGGESTIONS};

use load::Container;
use tables::{EditKind, EditTable};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// A code system claimscrub knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum System {
    Icd10Cm,
    Icd10Pcs,
    Hcpcs,
    /// The user's CPT file (never shipped: CPT belongs to the AMA).
    Cpt,
    Modifier,
    Pos,
}

impl System {
    pub const ALL: [System; 6] = [
        System::Icd10Cm,
        System::Icd10Pcs,
        System::Hcpcs,
        System::Cpt,
        System::Modifier,
        System::Pos,
    ];

    /// The name used in rules, file names and the command line.
    pub fn name(self) -> &'static str {
        match self {
            System::Icd10Cm => "icd10cm",
            System::Icd10Pcs => "icd10pcs",
            System::Hcpcs => "hcpcs",
            System::Cpt => "cpt",
            System::Modifier => "modifier",
            System::Pos => "pos",
        }
    }

    pub fn from_name(name: &str) -> Option<System> {
        System::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// A code's standing on a date of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Valid,
    /// Known, but its first validity starts after the date.
    NotYetValid {
        from: Date,
    },
    /// Known, but its last validity ended before the date.
    NoLongerValid {
        until: Date,
    },
    /// Not in the code set at all (and the date is within coverage).
    Unknown,
    /// The date is past the newest loaded release: the code set cannot judge it.
    Stale {
        through: Date,
    },
    /// The date is before the first loaded release, and the code is unknown or known only
    /// since that release: the code set cannot judge it.
    BeforeCoverage {
        from: Date,
    },
}

/// MCE age categories for diagnoses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeGroup {
    /// Age 0.
    Newborn,
    /// 0–17.
    Pediatric,
    /// 9–64.
    Maternity,
    /// 15–124.
    Adult,
}

impl AgeGroup {
    /// Inclusive age range in years.
    pub fn years(self) -> (u8, u8) {
        match self {
            AgeGroup::Newborn => (0, 0),
            AgeGroup::Pediatric => (0, 17),
            AgeGroup::Maternity => (9, 64),
            AgeGroup::Adult => (15, 124),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            AgeGroup::Newborn => "newborn",
            AgeGroup::Pediatric => "pediatric",
            AgeGroup::Maternity => "maternity",
            AgeGroup::Adult => "adult",
        }
    }
}

/// The sex a code is limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSex {
    Male,
    Female,
}

/// Diagnosis edit attributes from Medicare's code editors (MCE, I/OCE).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DxAttributes {
    pub sex: Option<CodeSex>,
    pub age_group: Option<AgeGroup>,
    pub age_low: Option<u8>,
    pub age_high: Option<u8>,
    pub manifestation: bool,
    pub unacceptable_principal: bool,
    pub external_cause: bool,
    /// Other flags by their `codesets/icd10cm/attributes.tsv` name.
    pub other_flags: Vec<String>,
}

/// One validity interval, inclusive at both ends; `to: None` is open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    pub from: Date,
    pub to: Option<Date>,
}

/// What the code set holds about one code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    pub code: String,
    /// False for ICD-10-CM category and subcategory headers.
    pub billable: bool,
    pub validity: Vec<Validity>,
    pub short_title: &'a str,
    pub long_title: &'a str,
    /// I/OCE status indicator (HCPCS).
    pub status_indicator: Option<&'a str>,
    pub attributes: DxAttributes,
}

/// The answer of an exact lookup as of a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup<'a> {
    pub status: Status,
    pub record: Option<Record<'a>>,
}

/// Kinds of ICD-10-CM tabular notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    Excludes1,
    Excludes2,
    CodeFirst,
    UseAdditional,
    CodeAlso,
}

/// A tabular note, on the code where the tabular list puts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub kind: NoteKind,
    /// The code the note is written on (the queried code or one of its ancestors).
    pub on: String,
    pub targets: Vec<CodePattern>,
    pub text: String,
}

/// A code, a code with all its descendants (`O244*`), or an inclusive range (`E08-E13`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CodePattern {
    Exact(String),
    Prefix(String),
    Range(String, String),
}

impl CodePattern {
    /// Parse `E119`, `O24.4-`, `O244*`, `M81.*`, `E08-E13`; normalizes case and dots.
    pub fn parse(s: &str) -> Option<CodePattern> {
        let norm = |x: &str| -> String { normalize::normalize(x).into_owned() };
        let t = s.trim();
        if t.is_empty() {
            return None;
        }
        if let Some(p) = t.strip_suffix('*').or_else(|| t.strip_suffix('-')) {
            let p = norm(p);
            return (!p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
                .then_some(CodePattern::Prefix(p));
        }
        if let Some((a, b)) = t.split_once('-') {
            let (a, b) = (norm(a), norm(b));
            let ok = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_alphanumeric());
            return (ok(&a) && ok(&b) && a <= b).then_some(CodePattern::Range(a, b));
        }
        let c = norm(t);
        c.chars()
            .all(|c| c.is_ascii_alphanumeric())
            .then_some(CodePattern::Exact(c))
    }

    /// Does normalized `code` fall under this pattern? A range compares the code's leading
    /// characters, so `E08-E13` takes `E0800` and `E139` alike.
    pub fn matches(&self, code: &str) -> bool {
        match self {
            CodePattern::Exact(c) => c == code,
            CodePattern::Prefix(p) => code.starts_with(p.as_str()),
            CodePattern::Range(lo, hi) => range_matches(lo, hi, code),
        }
    }
}

/// Does normalized `code` fall in the inclusive range `lo`–`hi`, comparing its leading
/// characters (so `E08-E13` takes `E0800` and `E139`)? Allocation-free: it runs per claim.
pub fn range_matches(lo: &str, hi: &str, code: &str) -> bool {
    let head = |n: usize| code.get(..n.min(code.len())).unwrap_or(code);
    head(lo.len()) >= lo && head(hi.len()) <= hi
}

/// Does normalized `code` match a pattern in its stored, normalized text form (`E119`,
/// `O244*`, `E08-E13`)? The allocation-free twin of `CodePattern::parse(..).matches(..)`.
pub fn pattern_str_matches(pattern: &str, code: &str) -> bool {
    if let Some(p) = pattern.strip_suffix('*') {
        return code.starts_with(p);
    }
    match pattern.split_once('-') {
        Some((lo, "")) => code.starts_with(lo),
        Some((lo, hi)) => range_matches(lo, hi, code),
        None => pattern == code,
    }
}

impl std::fmt::Display for CodePattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CodePattern::Exact(c) => f.write_str(c),
            CodePattern::Prefix(p) => write!(f, "{p}*"),
            CodePattern::Range(a, b) => write!(f, "{a}-{b}"),
        }
    }
}

/// An NCCI procedure-to-procedure edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PtpEdit {
    /// 0 never bypassed, 1 an NCCI-associated modifier may bypass, 9 not applicable.
    pub modifier_indicator: u8,
    pub effective: Date,
    pub deletion: Option<Date>,
}

/// A medically unlikely edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mue {
    pub value: u32,
    /// 1 line edit, 2 date-of-service edit (policy), 3 date-of-service edit (clinical).
    pub indicator: u8,
}

/// An add-on code and the primary codes it may be reported with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddOn {
    /// CMS add-on type 1, 2 or 3.
    pub kind: u8,
    pub primaries: Vec<String>,
}

/// One loaded code set, as `codesets info` lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SetInfo {
    pub name: String,
    pub release: String,
    pub rows: usize,
    pub source: String,
    pub bytes: u64,
    pub credit: String,
    /// Dates of service the release can judge (`2015-10-01 – 2027-03-31`), when recorded.
    pub coverage: String,
}

/// Errors loading or building code sets; each names the file (and line) at fault.
#[derive(Debug, thiserror::Error)]
pub enum CodesetError {
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A source row that cannot be compiled (`line` is 1-based; 0 = the file as a whole).
    #[error("{}", CompileError { path: path.clone(), line: *line, message: message.clone() })]
    Source {
        path: String,
        line: usize,
        message: String,
    },
    #[error("`{path}` is not a compiled code-set file (bad magic bytes)")]
    BadMagic { path: String },
    #[error(
        "`{path}` has format version {found}, this claimscrub reads version {expected}; rebuild it with `codesets build`"
    )]
    Version {
        path: String,
        found: u32,
        expected: u32,
    },
    #[error("`{path}` is truncated ({len} bytes)")]
    Truncated { path: String, len: usize },
    #[error("`{path}` is corrupt: {what}")]
    Corrupt { path: String, what: String },
    #[error("`{path}` holds `{kind}`, which is not a known code set or edit table")]
    Kind { path: String, kind: String },
    #[error("no compiled code sets (`*.csfst`) in `{path}`")]
    NoCodeSets { path: String },
    #[error(
        "`{first}` and `{second}` are edits for different settings (practitioner, outpatient hospital, DME); build them into separate directories"
    )]
    MixedSettings { first: String, second: String },
    #[error("`{path}`: no effective date in the file name; pass one (`--effective YYYY-MM-DD`)")]
    NoEffectiveDate { path: String },
    #[error("cannot write `{path}`: {message}")]
    Write { path: String, message: String },
}

impl From<CompileError> for CodesetError {
    fn from(e: CompileError) -> CodesetError {
        CodesetError::Source {
            path: e.path,
            line: e.line,
            message: e.message,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Valid => f.write_str("valid"),
            Status::NotYetValid { from } => write!(f, "not yet valid (from {from})"),
            Status::NoLongerValid { until } => write!(f, "no longer valid (until {until})"),
            Status::Unknown => f.write_str("unknown"),
            Status::Stale { through } => {
                write!(
                    f,
                    "cannot judge: the code set covers dates through {through}"
                )
            }
            Status::BeforeCoverage { from } => {
                write!(f, "cannot judge: the code set covers dates from {from}")
            }
        }
    }
}

impl std::fmt::Display for NoteKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NoteKind::Excludes1 => "Excludes1",
            NoteKind::Excludes2 => "Excludes2",
            NoteKind::CodeFirst => "Code first",
            NoteKind::UseAdditional => "Use additional code",
            NoteKind::CodeAlso => "Code also",
        })
    }
}

impl std::fmt::Display for Lookup<'_> {
    /// One line: `E119 valid: Type 2 diabetes mellitus without complications`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.record {
            Some(r) => {
                write!(f, "{} {}", r.code, self.status)?;
                if !r.billable {
                    f.write_str(" (header, not billable)")?;
                }
                let title = if r.long_title.is_empty() {
                    r.short_title
                } else {
                    r.long_title
                };
                if !title.is_empty() {
                    write!(f, ": {title}")?;
                }
                Ok(())
            }
            None => write!(f, "{}", self.status),
        }
    }
}

impl Validity {
    /// Does this interval include `date`?
    pub fn contains(&self, date: Date) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }

    /// True when the source gave no start date (stored as [`Date::MIN`]).
    pub fn open_start(&self) -> bool {
        self.from == Date::MIN
    }
}

/// All loaded code sets and edit tables.
#[derive(Debug, Clone, Default)]
pub struct CodeSets {
    sets: BTreeMap<System, CodeSet>,
    ptp: Option<EditTable>,
    mue: Option<EditTable>,
    addon: Option<EditTable>,
}

impl CodeSets {
    /// The code sets compiled into the binary (no copy: the tables are read in place). A
    /// system whose sources were absent at build time is absent here.
    pub fn builtin() -> Result<CodeSets, CodesetError> {
        let mut out = CodeSets::default();
        for (name, bytes) in embedded::EMBEDDED {
            let path = format!("<builtin>/{name}.{}", compile::EXTENSION);
            let c = Container::parse(path, load::Bytes::Static(bytes))?;
            out.insert(c, false)?;
        }
        Ok(out)
    }

    /// Every `*.csfst` file in `dir` (as [`build_dir`] writes them).
    pub fn load_dir(dir: &Path) -> Result<CodeSets, CodesetError> {
        let io = |source| CodesetError::Io {
            path: dir.display().to_string(),
            source,
        };
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(io)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(io)?;
        files.retain(|p| p.extension().is_some_and(|e| e == compile::EXTENSION));
        files.sort();
        if files.is_empty() {
            return Err(CodesetError::NoCodeSets {
                path: dir.display().to_string(),
            });
        }
        let mut out = CodeSets::default();
        for f in files {
            out.insert(load::open(&f)?, true)?;
        }
        Ok(out)
    }

    /// Load one compiled file from bytes (tests, custom storage).
    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Result<CodeSets, CodesetError> {
        let mut out = CodeSets::default();
        out.insert(
            Container::parse(name.to_string(), load::Bytes::Owned(bytes))?,
            true,
        )?;
        Ok(out)
    }

    fn insert(&mut self, c: Container, verify: bool) -> Result<(), CodesetError> {
        if let Some(kind) = EditKind::from_name(c.kind()) {
            let t = EditTable::from_container(c, kind, verify)?;
            match kind {
                EditKind::Ptp => self.ptp = Some(t),
                EditKind::Mue => self.mue = Some(t),
                EditKind::AddOn => self.addon = Some(t),
            }
        } else {
            let s = CodeSet::from_container(c, verify)?;
            self.sets.insert(s.system(), s);
        }
        Ok(())
    }

    /// `self` with every system or table that `user` holds replaced by the user's. A user set
    /// without tabular notes or edit attributes (one built from order files) keeps those of
    /// the set it replaces; its own codes, validity and titles decide everything else.
    pub fn overlay(mut self, user: CodeSets) -> CodeSets {
        for (system, mut set) in user.sets {
            // A set built from order files has codes, validity and titles but no tabular
            // notes or MCE attributes: keep those of the shipped release rather than lose them.
            if let Some(shipped) = self.sets.remove(&system) {
                set.supplement_with(shipped);
            }
            self.sets.insert(system, set);
        }
        self.ptp = user.ptp.or(self.ptp);
        self.mue = user.mue.or(self.mue);
        self.addon = user.addon.or(self.addon);
        self
    }

    pub fn get(&self, system: System) -> Option<&CodeSet> {
        self.sets.get(&system)
    }

    /// The NCCI PTP edit for the pair in effect on `date`.
    pub fn ptp(&self, column1: &str, column2: &str, date: Date) -> Option<PtpEdit> {
        self.ptp.as_ref()?.ptp(column1, column2, date)
    }

    /// The MUE for `code` in effect on `date`.
    pub fn mue(&self, code: &str, date: Date) -> Option<Mue> {
        self.mue.as_ref()?.mue(code, date)
    }

    /// The add-on edit for `code` in effect on `date`, with its primaries then in effect.
    pub fn addon(&self, code: &str, date: Date) -> Option<AddOn> {
        self.addon.as_ref()?.addon(code, date)
    }

    pub fn has_ptp(&self) -> bool {
        self.ptp.is_some()
    }

    pub fn has_mue(&self) -> bool {
        self.mue.is_some()
    }

    pub fn has_addon(&self) -> bool {
        self.addon.is_some()
    }

    /// One entry per loaded set and table, systems first in [`System::ALL`] order.
    pub fn info(&self) -> Vec<SetInfo> {
        let describe = |name: &str, c: &Container| SetInfo {
            name: name.to_string(),
            release: c.meta("release").unwrap_or("").to_string(),
            rows: usize::try_from(c.rows).unwrap_or(usize::MAX),
            source: if c.is_static() {
                format!("builtin ({})", c.meta("source").unwrap_or(""))
            } else {
                c.path.clone()
            },
            bytes: c.len(),
            credit: c.meta("credit").unwrap_or("").to_string(),
            coverage: match (c.meta("coverage_from"), c.meta("coverage_through")) {
                (Some(a), Some(b)) if !a.is_empty() || !b.is_empty() => format!("{a} – {b}"),
                _ => String::new(),
            },
        };
        let mut v: Vec<SetInfo> = self
            .sets
            .iter()
            .map(|(s, set)| describe(s.name(), set.container()))
            .collect();
        for t in [&self.ptp, &self.mue, &self.addon].into_iter().flatten() {
            v.push(describe(t.kind.name(), &t.file));
        }
        v
    }

    /// Number of distinct keys of the PTP / MUE / add-on tables (0 when absent).
    pub fn table_keys(&self) -> [usize; 3] {
        [&self.ptp, &self.mue, &self.addon].map(|t| t.as_ref().map_or(0, EditTable::keys))
    }
}
