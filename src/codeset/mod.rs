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
mod cache;
mod compile;
pub mod describe;
mod import;
mod load;
mod lookup;
pub mod mce;
mod near;
pub mod normalize;
mod qualifier;
mod tables;
mod tabular;

pub use compile::CompileError;
pub use import::{BuildOptions, BuildReport, BuiltFile, build_dir, build_dir_with};
pub use lookup::{CodeSet, Excludes1Notes, MAX_SUGGESTIONS, SUGGESTION_CACHE};
pub use mce::{MceAgeGroup, MceAttrs, mce_bit};
pub use qualifier::{Resolution, Target, Unresolved};

use load::Container;
use tables::{EditKind, EditTable};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// A code system claimscrub knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum System {
    /// ICD-10-CM diagnoses (CDC/NCHS), with MCE / I/OCE attributes and tabular notes.
    Icd10Cm,
    /// ICD-10-PCS inpatient procedures.
    Icd10Pcs,
    /// HCPCS Level II codes (one letter and four digits), with the OPPS status indicator.
    Hcpcs,
    /// The user's CPT file (never shipped: CPT belongs to the AMA).
    Cpt,
    /// Two-character CPT / HCPCS modifiers (the I/OCE list).
    Modifier,
    /// CMS place-of-service codes.
    Pos,
}

impl System {
    /// Every system, in the order `codesets info` and [`CodeSets::info`] list them.
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

    /// The system a rule, file name or `kind` meta entry names (`icd10cm`, `pos`, …).
    pub fn from_name(name: &str) -> Option<System> {
        System::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// A code's standing on a date of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// One of the code's validity intervals contains the date.
    Valid,
    /// Known, but its first validity starts after the date.
    NotYetValid {
        /// First day of the code's earliest validity interval.
        from: Date,
    },
    /// Known, but its last validity ended before the date.
    NoLongerValid {
        /// Last day of the latest interval that ended before the date.
        until: Date,
    },
    /// Not in the code set at all (and the date is within coverage).
    Unknown,
    /// The date is past the newest loaded release: the code set cannot judge it.
    Stale {
        /// The release's `coverage_through`: the last date of service it speaks for.
        through: Date,
    },
    /// The date is before the first loaded release, and the code is unknown or known only
    /// since that release: the code set cannot judge it.
    BeforeCoverage {
        /// The release's `coverage_from`: the first date of service it speaks for.
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

    /// The MCE group name as `attributes.tsv` and findings spell it.
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
    /// Male-only diagnosis (`M` in `attributes.tsv`).
    Male,
    /// Female-only diagnosis (`F` in `attributes.tsv`).
    Female,
}

/// Diagnosis edit attributes from Medicare's code editors (MCE, I/OCE).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DxAttributes {
    /// The sex the MCE last limited the code to; see the `sex_edit_inactive` flag.
    pub sex: Option<CodeSex>,
    /// MCE age category; its default years apply when no explicit limits are given.
    pub age_group: Option<AgeGroup>,
    /// Lower age limit in years from the I/OCE, given when the code's range is not 0–124;
    /// takes precedence over the age group.
    pub age_low: Option<u8>,
    /// Upper age limit in years from the I/OCE, paired with `age_low`.
    pub age_high: Option<u8>,
    /// MCE / I/OCE manifestation code: never the principal diagnosis.
    pub manifestation: bool,
    /// MCE unacceptable principal diagnosis.
    pub unacceptable_principal: bool,
    /// External cause of morbidity (V00–Y99), not allowed as principal diagnosis.
    pub external_cause: bool,
    /// Other flags by their `codesets/icd10cm/attributes.tsv` name.
    pub other_flags: Vec<String>,
}

/// One validity interval, inclusive at both ends; `to: None` is open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// First valid date of service; [`Date::MIN`] when the source gave no start.
    pub from: Date,
    /// Last valid date of service; `None` while the code is still current.
    pub to: Option<Date>,
}

/// What the code set holds about one code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    /// The code in normalized form: uppercase, no dot.
    pub code: String,
    /// False for ICD-10-CM category and subcategory headers.
    pub billable: bool,
    /// Every validity interval of the code, oldest first; gaps are periods it was deleted.
    pub validity: Vec<Validity>,
    /// The CMS short title of the interval that speaks for the date (the latest one when
    /// undated); empty when no source has one.
    pub short_title: &'a str,
    /// The full title of that interval (ICD-10-CM tabular `desc`); the short title again for
    /// a source with a single title column.
    pub long_title: &'a str,
    /// I/OCE status indicator (HCPCS).
    pub status_indicator: Option<&'a str>,
    /// MCE / I/OCE diagnosis edit attributes; the empty default for a code without an
    /// `attributes.tsv` row, as outside ICD-10-CM.
    pub attributes: DxAttributes,
    /// MCE attributes as of the date looked up (the newest window for [`CodeSet::get`]).
    pub mce: MceAttrs,
    /// I/OCE age limits in years `(low, high)` as of the date looked up (the newest window for
    /// [`CodeSet::get`]); `None` when the I/OCE sets none then, or does not know the code.
    pub ioce_ages: Option<(u8, u8)>,
}

/// The answer of an exact lookup as of a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup<'a> {
    /// The code's standing on the date of service.
    pub status: Status,
    /// What the set holds about the code, with titles as of the date; `None` when it does not hold the code.
    pub record: Option<Record<'a>>,
}

/// Kinds of ICD-10-CM tabular notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// "Excludes1": the two conditions are never coded together.
    Excludes1,
    /// "Excludes2": not part of this condition, but both may be coded when both are present.
    Excludes2,
    /// "Code first": the underlying condition must be sequenced before this code.
    CodeFirst,
    /// "Use additional code": a further code should follow to complete the picture.
    UseAdditional,
    /// "Code also": another code may be needed, in either order.
    CodeAlso,
}

/// A tabular note, on the code where the tabular list puts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Which instruction the tabular list gives (Excludes1, Code first, …).
    pub kind: NoteKind,
    /// The code the note is written on (the queried code or one of its ancestors).
    pub on: String,
    /// The codes the note names, normalized; empty when it names none.
    pub targets: Vec<CodePattern>,
    /// The note text verbatim, as the tabular list prints it.
    pub text: String,
}

/// A code, a code with all its descendants (`O244*`), or an inclusive range (`E08-E13`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CodePattern {
    /// One code (`E119`).
    Exact(String),
    /// A code and all its descendants, stored without the `*` (`O244*` holds `O244`).
    Prefix(String),
    /// An inclusive range of code heads, low then high (`E08-E13`).
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
    /// First date of service the edit applies to.
    pub effective: Date,
    /// Last date of service the edit applies to (inclusive); `None` while it is in force.
    pub deletion: Option<Date>,
}

/// A medically unlikely edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mue {
    /// Most units of service of the code a provider would report for one patient (per line
    /// or per day, as the indicator says).
    pub value: u32,
    /// 1 line edit, 2 date-of-service edit (policy), 3 date-of-service edit (clinical).
    pub indicator: u8,
}

/// An add-on code and the primary codes it may be reported with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddOn {
    /// CMS add-on type 1, 2 or 3.
    pub kind: u8,
    /// Primary codes in effect on the date, sorted; empty when CMS names none (`CCCCC`).
    pub primaries: Vec<String>,
}

/// One loaded code set, as `codesets info` lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SetInfo {
    /// The system name (`icd10cm`, …) or the edit table kind (`ptp`, `mue`, `addon`).
    pub name: String,
    /// The release as its `RELEASE` file names it (`FY2026 April 1 2026 update`).
    pub release: String,
    /// Validity rows of a code set, or rows of an edit table, as recorded in the footer.
    pub rows: usize,
    /// The compiled file's path, or `builtin (…)` with the upstream sources it was built from.
    pub source: String,
    /// Size of the compiled file.
    pub bytes: u64,
    /// The attribution the data's publisher asks for (`Source: CDC/NCHS …`).
    pub credit: String,
    /// Dates of service the release can judge (`2015-10-01 – 2027-03-31`), when recorded.
    pub coverage: String,
}

/// How a set's Excludes1 notes read (`codesets info`): exactly, exactly after a qualifier
/// (`E08-E13 with .42`), or not at all; an unresolved note is never applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Excludes1Census {
    /// Notes whose stored targets are exactly what they exclude.
    pub exact: usize,
    /// Notes narrowed exactly by a qualifier after their codes.
    pub qualified: usize,
    /// Notes that cannot be read as exact codes, in node order.
    pub unresolved: Vec<UnresolvedNote>,
}

/// An Excludes1 note that is never applied, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnresolvedNote {
    /// The code, category or block the note is written on.
    pub on: String,
    /// Why it cannot be read exactly.
    pub reason: Unresolved,
    /// The note text verbatim.
    pub text: String,
}

/// Errors loading or building code sets; each names the file (and line) at fault.
#[derive(Debug, thiserror::Error)]
pub enum CodesetError {
    /// A source, compiled file or directory that cannot be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A source row that cannot be compiled (`line` is 1-based; 0 = the file as a whole).
    #[error("{}", CompileError { path: path.clone(), line: *line, message: message.clone() })]
    Source {
        /// The source file.
        path: String,
        /// 1-based line of the row, 0 for the whole file.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// The file does not end in the `CSCRUB` magic: not a `*.csfst` file at all.
    #[error("`{path}` is not a compiled code-set file (bad magic bytes)")]
    BadMagic {
        /// The compiled file at fault.
        path: String,
    },
    /// The version footer names another file format: refused rather than misread.
    #[error(
        "`{path}` has format version {found}, this claimscrub reads version {expected}; rebuild it with `codesets build`"
    )]
    Version {
        /// The compiled file at fault.
        path: String,
        /// The format version the file was written with.
        found: u32,
        /// The only format version this build reads.
        expected: u32,
    },
    /// The file is shorter than its trailer or the footer length it records.
    #[error("`{path}` is truncated ({len} bytes)")]
    Truncated {
        /// The compiled file at fault.
        path: String,
        /// Its actual length in bytes.
        len: usize,
    },
    /// The footer, a section, an fst or a side table is inconsistent.
    #[error("`{path}` is corrupt: {what}")]
    Corrupt {
        /// The compiled file at fault.
        path: String,
        /// Which part is wrong.
        what: String,
    },
    /// The `kind` meta entry is neither a [`System`] name nor `ptp` / `mue` / `addon`.
    #[error("`{path}` holds `{kind}`, which is not a known code set or edit table")]
    Kind {
        /// The compiled file at fault.
        path: String,
        /// The `kind` it records.
        kind: String,
    },
    /// A code-set directory without a single compiled file.
    #[error("no compiled code sets (`*.csfst`) in `{path}`")]
    NoCodeSets {
        /// The directory.
        path: String,
    },
    /// NCCI PTP or MUE files of different provider settings given to one build: their edits
    /// differ, so one table cannot hold both.
    #[error(
        "`{first}` and `{second}` are edits for different settings (practitioner, outpatient hospital, DME); build them into separate directories"
    )]
    MixedSettings {
        /// A file of the first setting found.
        first: String,
        /// A file of another setting.
        second: String,
    },
    /// A dated source (an MUE quarter, a tabular XML release) whose start of validity its name
    /// does not tell, and no `--effective` date was given.
    #[error("`{path}`: no effective date in the file name; pass one (`--effective YYYY-MM-DD`)")]
    NoEffectiveDate {
        /// The source file.
        path: String,
    },
    /// A compiled file that cannot be encoded (a table past the format's u32 limits, an edit
    /// row of the wrong width).
    #[error("cannot write `{path}`: {message}")]
    Write {
        /// The `*.csfst` file being written.
        path: String,
        /// Why encoding failed.
        message: String,
    },
}

/// Compile one system's plain sources held in memory into the bytes of a `*.csfst` file, as
/// `build.rs` compiles `codesets/<system>/` from disk: `files` maps file names (the system's
/// main file such as `codes.tsv`, `RELEASE`, `notes.tsv`, `mce.tsv`…) to their text.
pub fn compile_sources(system: &str, files: &[(&str, &str)]) -> Result<Vec<u8>, CodesetError> {
    let main = compile::SOURCE_DIRS
        .iter()
        .find(|(_, _, s)| *s == system)
        .map(|(_, main, _)| *main)
        .ok_or_else(|| CodesetError::Kind {
            path: "<sources>".to_string(),
            kind: system.to_string(),
        })?;
    let fetch = |name: &str| -> compile::Fetched {
        Ok(files
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(f, text)| (f.to_string(), text.to_string())))
    };
    let set = compile::read_system(system, main, &fetch)?;
    compile::write_set(&set).map_err(|message| CodesetError::Write {
        path: format!("{system}.{}", compile::EXTENSION),
        message,
    })
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

    /// The loaded set of `system`, for lookups as of a date; `None` when none is loaded.
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

    /// Whether an NCCI PTP table is loaded: tells "no edit for the pair" from "no table".
    pub fn has_ptp(&self) -> bool {
        self.ptp.is_some()
    }

    /// Whether an MUE table is loaded: tells "no limit for the code" from "no table".
    pub fn has_mue(&self) -> bool {
        self.mue.is_some()
    }

    /// Whether a CMS add-on code table is loaded: tells "not an add-on" from "no table".
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
