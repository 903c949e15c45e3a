//! Code sets: ICD-10-CM, ICD-10-PCS, HCPCS Level II, modifiers, place of service, the user's
//! CPT, and the NCCI / MUE / add-on tables, compiled into `fst` maps and looked up as of a
//! date of service.
//!
//! CONTRACT FILE: the types and signatures below are what the engine relies on. The
//! implementation behind them belongs to the code-set layer.

use jiff::civil::Date;

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
        let norm = |x: &str| -> String {
            x.trim()
                .chars()
                .filter(|c| *c != '.')
                .map(|c| c.to_ascii_uppercase())
                .collect()
        };
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
            CodePattern::Range(lo, hi) => {
                let head = |n: usize| code.get(..n.min(code.len())).unwrap_or(code);
                head(lo.len()) >= lo.as_str() && head(hi.len()) <= hi.as_str()
            }
        }
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
}

// ---- TEMPORARY: minimal in-memory stand-in until the fst code-set layer lands. ----
/// All loaded code sets and tables.
#[derive(Debug, Default)]
pub struct CodeSets {}
/// One code set.
#[derive(Debug)]
pub struct CodeSet {}
impl CodeSets {
    pub fn builtin() -> Result<CodeSets, CodesetError> {
        Ok(CodeSets {})
    }
    pub fn get(&self, _s: System) -> Option<&CodeSet> {
        None
    }
    pub fn ptp(&self, _a: &str, _b: &str, _d: Date) -> Option<PtpEdit> {
        None
    }
    pub fn mue(&self, _a: &str, _d: Date) -> Option<Mue> {
        None
    }
    pub fn addon(&self, _a: &str, _d: Date) -> Option<AddOn> {
        None
    }
    pub fn info(&self) -> Vec<SetInfo> {
        Vec::new()
    }
}
impl CodeSet {
    pub fn system(&self) -> System {
        System::Icd10Cm
    }
    pub fn lookup(&self, _c: &str, _d: Date) -> Lookup<'_> {
        Lookup {
            status: Status::Unknown,
            record: None,
        }
    }
    pub fn get(&self, _c: &str) -> Option<Record<'_>> {
        None
    }
    pub fn contains(&self, _c: &str) -> bool {
        false
    }
    pub fn matching(&self, _p: &CodePattern) -> Vec<String> {
        Vec::new()
    }
    pub fn suggest(&self, _c: &str, _m: u32) -> Vec<String> {
        Vec::new()
    }
    pub fn children(&self, _c: &str, _d: Option<Date>) -> Vec<String> {
        Vec::new()
    }
    pub fn notes(&self, _c: &str) -> Vec<Note> {
        Vec::new()
    }
}
impl CodeSets {
    pub fn load_dir(dir: &std::path::Path) -> Result<CodeSets, CodesetError> {
        Err(CodesetError::Io {
            path: dir.display().to_string(),
            source: std::io::Error::other("not built yet"),
        })
    }
    pub fn overlay(self, _u: CodeSets) -> CodeSets {
        self
    }
}
impl CodeSet {
    pub fn release(&self) -> &str {
        ""
    }
}
/// Build report.
pub struct BuildReport;
impl std::fmt::Display for BuildReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("")
    }
}
pub fn build_dir(_f: &std::path::Path, _o: &std::path::Path) -> Result<BuildReport, CodesetError> {
    Ok(BuildReport)
}
