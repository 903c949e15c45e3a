//! Sources → compiled code-set files (`*.csfst`).
//!
//! Shared verbatim with `build.rs` (`#[path = "src/codeset/compile.rs"] mod compile;`), so it
//! depends on `std` and `fst` only. It knows the plain TSV layout of `codesets/<system>/` and
//! the binary file format; the importers of official CMS files (in `import.rs`) fill the same
//! [`SetSource`] / [`EditSource`] and call the same writers.
//!
//! # File format (all integers little-endian)
//!
//! ```text
//! section bytes …                     (fst maps, fixed-width row tables, a string blob)
//! footer:
//!   u32 section count, then per section: u32 id, u64 offset, u64 length
//!   u32 meta count, then per entry: u32 len + key bytes, u32 len + value bytes
//!   u64 row count
//! trailer (16 bytes): u32 footer length, u32 format version, 8 bytes magic `CSCRUB\x00\x01`
//! ```
//!
//! Meta always holds `kind` (a system name, or `ptp` / `mue` / `addon`) and whatever the
//! `RELEASE` file said (`release`, `source`, `credit`, `coverage_from`, `coverage_through`, …).
//! A code set file has an fst mapping each code to an ordinal into `RECORDS`; an edit table file
//! has an fst mapping each key to `start << 32 | count` into its `EDITS` rows.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

/// Last 8 bytes of every compiled file.
pub const MAGIC: [u8; 8] = *b"CSCRUB\x00\x01";
/// Bumped whenever the layout changes; a file of another version is refused.
pub const FORMAT_VERSION: u32 = 3;
/// Footer length + version + magic.
pub const TRAILER_LEN: usize = 16;
/// File name extension of compiled files.
pub const EXTENSION: &str = "csfst";

/// Section ids.
pub mod section {
    /// fst: code → ordinal into `RECORDS`.
    pub const CODES_FST: u32 = 1;
    /// Per code: u32 first interval, u32 interval count, u32 attribute row + 1 (0 = none),
    /// u32 first MCE row, u32 MCE row count, u32 first I/OCE age row, u32 I/OCE age row count.
    pub const RECORDS: u32 = 2;
    /// Per interval: u32 from, u32 to, u32 flags, then short, long, status as (u32 offset,
    /// u32 length) into `STRINGS`. Dates are `yyyymmdd`; from 0 = always, to 0 = open-ended.
    pub const INTERVALS: u32 = 3;
    /// Per attribute row: u32 flags, u8 sex, u8 age group, u8 age low, u8 age high (255 =
    /// none), other flags as (u32 offset, u32 length).
    pub const ATTRS: u32 = 4;
    /// fst: note node (a code or a range `A00-B99`) → ordinal into `NODES`.
    pub const NODES_FST: u32 = 5;
    /// Per node: u32 first note, u32 note count, u32 first seventh, u32 seventh count.
    pub const NODES: u32 = 6;
    /// Per note: u32 kind, targets (off, len), text (off, len).
    pub const NOTES: u32 = 7;
    /// Per 7th character: u32 char, meaning (off, len).
    pub const SEVENTH: u32 = 8;
    /// UTF-8 string blob.
    pub const STRINGS: u32 = 10;
    /// Per MCE window: u32 from, u32 to (0 = open-ended), u64 attribute bits (index into
    /// [`super::MCE_ATTRIBUTES`]).
    pub const MCE: u32 = 11;
    /// Per I/OCE age window: u32 from (0 = since always), u32 to (0 = open-ended), u8 age
    /// low, u8 age high, 2 bytes padding.
    pub const IOCE_AGES: u32 = 12;
    /// fst: edit key → `start << 32 | count` into `EDITS`.
    pub const EDITS_FST: u32 = 20;
    /// Fixed-width rows of u32 words; the width is the `width` meta entry.
    pub const EDITS: u32 = 21;
}

pub const RECORD_WIDTH: usize = 28;
pub const MCE_WIDTH: usize = 16;
pub const IOCE_AGE_WIDTH: usize = 12;
pub const INTERVAL_WIDTH: usize = 36;
pub const ATTR_WIDTH: usize = 16;
pub const NODE_WIDTH: usize = 16;
pub const NOTE_WIDTH: usize = 20;
pub const SEVENTH_WIDTH: usize = 12;

/// Interval flag bits.
pub const IV_BILLABLE: u32 = 1;
/// Attribute flag bits.
pub const AT_MANIFESTATION: u32 = 1;
pub const AT_UNACCEPTABLE_PRINCIPAL: u32 = 2;
pub const AT_EXTERNAL_CAUSE: u32 = 4;
/// "No age" marker in the attribute row.
pub const NO_AGE: u8 = 255;

/// Note kinds as stored, in `notes.tsv` spelling.
pub const NOTE_KINDS: [&str; 5] = [
    "excludes1",
    "excludes2",
    "code_first",
    "use_additional",
    "code_also",
];
/// Medicare Code Editor attributes, as the MCE spells them, diagnosis and procedure alike;
/// the index is the bit in a stored MCE row. Only these compile: an unknown one is an error.
pub const MCE_ATTRIBUTES: [&str; 29] = [
    "adult",
    "clintrial",
    "csect",
    "delout",
    "diabtypeI",
    "ecodepdx",
    "female",
    "kidneyxp",
    "lcov",
    "lcov_artheartxpa",
    "lcov_artheartxpb",
    "los",
    "male",
    "manifestation",
    "maternity",
    "ncov12agele60",
    "ncov45",
    "ncov6",
    "ncov7",
    "ncov_z302",
    "newborn",
    "noncovered",
    "pediatric",
    "qadm",
    "reqsdx",
    "unacceptable",
    "unspecified",
    "vagdel",
    "wrngproc",
];

/// Age groups as stored (index + 1), in `attributes.tsv` spelling.
pub const AGE_GROUPS: [&str; 4] = ["newborn", "pediatric", "maternity", "adult"];

/// A source file that cannot be compiled; `line` is 1-based, 0 for the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// The source file as given (a `codesets/<system>/*.tsv` or an official CMS file).
    pub path: String,
    /// 1-based line of the offending row; 0 when the fault is in the file as a whole.
    pub line: usize,
    /// What is wrong with the row, lowercase, with the offending value in backticks.
    pub message: String,
}

impl CompileError {
    /// An error at `line` of `path` (0 for the whole file), as the TSV readers and importers
    /// raise it.
    pub fn new(path: &str, line: usize, message: impl Into<String>) -> CompileError {
        CompileError {
            path: path.to_string(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "`{}`: {}", self.path, self.message)
        } else {
            write!(f, "`{}`:{}: {}", self.path, self.line, self.message)
        }
    }
}

impl std::error::Error for CompileError {}

/// One validity interval of a code with what held during it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval {
    /// `yyyymmdd`, 0 = since always.
    pub from: u32,
    /// `yyyymmdd`, 0 = open-ended.
    pub to: u32,
    pub billable: bool,
    pub short: String,
    pub long: String,
    pub status: String,
}

/// Diagnosis attributes in stored form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attr {
    /// 0 none, 1 male, 2 female.
    pub sex: u8,
    /// 0 none, else index into [`AGE_GROUPS`] + 1.
    pub age_group: u8,
    pub age_low: u8,
    pub age_high: u8,
    pub flags: u32,
    /// Comma-joined other flags.
    pub other: String,
}

/// One MCE window of a code: the attributes the MCE version in force gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MceRow {
    /// `yyyymmdd`.
    pub from: u32,
    /// `yyyymmdd`, 0 = open-ended.
    pub to: u32,
    /// Bits indexed by [`MCE_ATTRIBUTES`].
    pub bits: u64,
}

/// One I/OCE age window of a code: the limits the I/OCE versions in force gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IoceAgeRow {
    /// `yyyymmdd`, 0 = since always (the window starts with the I/OCE history).
    pub from: u32,
    /// `yyyymmdd`, 0 = open-ended.
    pub to: u32,
    /// Lowest age in years the code allows.
    pub low: u8,
    /// Highest age in years the code allows.
    pub high: u8,
}

/// What one code holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeEntry {
    pub intervals: Vec<Interval>,
    pub attr: Option<Attr>,
    pub mce: Vec<MceRow>,
    /// I/OCE age limits by date window, oldest first; none where the I/OCE sets no limit.
    pub ioce_ages: Vec<IoceAgeRow>,
}

/// A tabular note in stored form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRow {
    /// Index into [`NOTE_KINDS`].
    pub kind: u32,
    /// Comma-separated patterns as written.
    pub targets: String,
    pub text: String,
}

/// Everything one code set file holds.
#[derive(Debug, Clone, Default)]
pub struct SetSource {
    /// The system name (`icd10cm`, `hcpcs`, …).
    pub kind: String,
    pub meta: Vec<(String, String)>,
    pub codes: BTreeMap<String, CodeEntry>,
    pub notes: BTreeMap<String, Vec<NoteRow>>,
    pub seventh: BTreeMap<String, Vec<(char, String)>>,
}

impl SetSource {
    pub fn new(kind: &str) -> SetSource {
        SetSource {
            kind: kind.to_string(),
            ..SetSource::default()
        }
    }

    /// Number of validity rows (what a `codes.tsv` would hold).
    pub fn rows(&self) -> usize {
        self.codes.values().map(|e| e.intervals.len()).sum()
    }
}

/// A keyed table of fixed-width rows of u32 words (PTP, MUE, add-on).
#[derive(Debug, Clone, Default)]
pub struct EditSource {
    /// `ptp`, `mue` or `addon`.
    pub kind: String,
    pub meta: Vec<(String, String)>,
    /// Words per row.
    pub width: usize,
    pub entries: BTreeMap<Vec<u8>, Vec<Vec<u32>>>,
    pub strings: Strings,
}

impl EditSource {
    pub fn new(kind: &str, width: usize) -> EditSource {
        EditSource {
            kind: kind.to_string(),
            width,
            ..EditSource::default()
        }
    }

    pub fn rows(&self) -> usize {
        self.entries.values().map(Vec::len).sum()
    }
}

/// An interning string blob.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    pub blob: Vec<u8>,
    seen: HashMap<String, (u32, u32)>,
}

impl Strings {
    /// Offset and length of `s` in the blob, adding it the first time.
    pub fn add(&mut self, s: &str) -> Result<(u32, u32), String> {
        if s.is_empty() {
            return Ok((0, 0));
        }
        if let Some(r) = self.seen.get(s) {
            return Ok(*r);
        }
        let off = u32::try_from(self.blob.len()).map_err(|_| "string blob over 4 GiB")?;
        let len = u32::try_from(s.len()).map_err(|_| "string over 4 GiB")?;
        self.blob.extend_from_slice(s.as_bytes());
        self.seen.insert(s.to_string(), (off, len));
        Ok((off, len))
    }
}

/// `YYYY-MM-DD` → `yyyymmdd`.
pub fn parse_iso_date(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    ymd(num(0..4)?, num(5..7)?, num(8..10)?)
}

/// `YYYYMMDD` → `yyyymmdd`.
pub fn parse_ymd8(s: &str) -> Option<u32> {
    if s.len() != 8 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: u32 = s.parse().ok()?;
    ymd(n / 10000, n / 100 % 100, n % 100)
}

/// A checked calendar date as `yyyymmdd`.
pub fn ymd(y: u32, m: u32, d: u32) -> Option<u32> {
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (y >= 1 && (1..=days).contains(&d)).then_some(y * 10000 + m * 100 + d)
}

/// Is `code` a normalized code (uppercase ASCII letters and digits)?
pub fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .bytes()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

/// A tab-separated file with a header, read by column name.
pub struct Tsv<'a> {
    pub path: String,
    header: Vec<&'a str>,
    lines: std::iter::Enumerate<std::str::Split<'a, char>>,
}

impl<'a> Tsv<'a> {
    pub fn new(path: &str, text: &'a str) -> Result<Tsv<'a>, CompileError> {
        let mut lines = text.split('\n').enumerate();
        let header = match lines.next() {
            Some((_, h)) if !h.trim().is_empty() => h.trim_end_matches('\r').split('\t').collect(),
            _ => return Err(CompileError::new(path, 1, "missing header line")),
        };
        Ok(Tsv {
            path: path.to_string(),
            header,
            lines,
        })
    }

    /// Position of a required column.
    pub fn column(&self, name: &str) -> Result<usize, CompileError> {
        self.header.iter().position(|h| *h == name).ok_or_else(|| {
            CompileError::new(
                &self.path,
                1,
                format!(
                    "header lacks column `{name}` (has {})",
                    self.header.join(", ")
                ),
            )
        })
    }

    /// Position of an optional column.
    pub fn optional(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| *h == name)
    }

    /// The next data row as (1-based line, fields); blank lines are allowed only at the end.
    pub fn next_row(&mut self) -> Option<Result<(usize, Vec<&'a str>), CompileError>> {
        for (i, line) in self.lines.by_ref() {
            let line = line.trim_end_matches('\r');
            if line.is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() != self.header.len() {
                return Some(Err(CompileError::new(
                    &self.path,
                    i + 1,
                    format!(
                        "expected {} tab-separated fields, found {}",
                        self.header.len(),
                        fields.len()
                    ),
                )));
            }
            return Some(Ok((i + 1, fields)));
        }
        None
    }

    pub fn err(&self, line: usize, message: impl Into<String>) -> CompileError {
        CompileError::new(&self.path, line, message)
    }
}

fn read(path: &Path) -> Result<String, CompileError> {
    std::fs::read_to_string(path)
        .map_err(|e| CompileError::new(&path.display().to_string(), 0, format!("cannot read: {e}")))
}

/// The source layout of one system under `codesets/`: directory, main file, system name.
pub const SOURCE_DIRS: [(&str, &str, &str); 5] = [
    ("icd10cm", "codes.tsv", "icd10cm"),
    ("icd10pcs", "codes.tsv", "icd10pcs"),
    ("hcpcs", "codes.tsv", "hcpcs"),
    ("modifiers", "modifiers.tsv", "modifier"),
    ("pos", "pos.tsv", "pos"),
];

/// Read every system present under `dir` (the `codesets/` layout). Systems whose main file is
/// absent are left out.
pub fn read_source_dir(dir: &Path) -> Result<Vec<SetSource>, CompileError> {
    let mut out = Vec::new();
    for (sub, main, system) in SOURCE_DIRS {
        let d = dir.join(sub);
        if !d.join(main).is_file() {
            continue;
        }
        let fetch = |name: &str| {
            let p = d.join(name);
            match p.is_file() {
                true => read(&p).map(|text| Some((p.display().to_string(), text))),
                false => Ok(None),
            }
        };
        out.push(read_system(system, main, &fetch)?);
    }
    Ok(out)
}

/// A source file's name for errors and its text, or `None` when the system has no such file.
pub type Fetched = Result<Option<(String, String)>, CompileError>;

/// One system's sources, whichever store `fetch` reads them from (a `codesets/<system>/`
/// directory, memory): the main file `main`, then `RELEASE` and the side files the system
/// takes, in this order. A missing main file reads as an empty one.
pub fn read_system(
    system: &str,
    main: &str,
    fetch: &dyn Fn(&str) -> Fetched,
) -> Result<SetSource, CompileError> {
    let mut set = SetSource::new(system);
    let (name, text) = fetch(main)?.unwrap_or_else(|| (main.to_string(), String::new()));
    parse_codes(&name, &text, &mut set)?;
    if let Some((name, text)) = fetch("RELEASE")? {
        set.meta = parse_release(&name, &text)?;
    }
    type Parse = fn(&str, &str, &mut SetSource) -> Result<(), CompileError>;
    let side: &[(&str, Parse)] = match system {
        "icd10cm" => &[
            ("notes.tsv", parse_notes),
            ("seventh.tsv", parse_seventh),
            ("attributes.tsv", parse_attributes),
            ("mce.tsv", parse_mce),
            ("ioce_ages.tsv", parse_ioce_ages),
        ],
        "icd10pcs" => &[("mce.tsv", parse_mce)],
        _ => &[],
    };
    for (file, parse) in side {
        if let Some((name, text)) = fetch(file)? {
            parse(&name, &text, &mut set)?;
        }
    }
    Ok(set)
}

/// `key=value` lines; blank lines and `#` comments are ignored.
pub fn parse_release(p: &str, text: &str) -> Result<Vec<(String, String)>, CompileError> {
    let mut meta = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (k, v) = line
            .split_once('=')
            .ok_or_else(|| CompileError::new(p, i + 1, "expected `key=value`"))?;
        let (k, v) = (k.trim(), v.trim());
        if k.starts_with("coverage_") && !v.is_empty() && parse_iso_date(v).is_none() {
            return Err(CompileError::new(
                p,
                i + 1,
                format!("`{k}` must be a YYYY-MM-DD date, found `{v}`"),
            ));
        }
        meta.push((k.to_string(), v.to_string()));
    }
    Ok(meta)
}

/// A `codes.tsv`-style file: code, optional billable, valid_from, valid_to, then titles under
/// any of `short_title`, `long_title`, `title`, `name`, and an optional `status`.
pub fn parse_codes(name: &str, text: &str, set: &mut SetSource) -> Result<(), CompileError> {
    let mut t = Tsv::new(name, text)?;
    let c_code = t.column("code")?;
    let c_from = t.column("valid_from")?;
    let c_to = t.column("valid_to")?;
    let c_bill = t.optional("billable");
    let c_short = t
        .optional("short_title")
        .or_else(|| t.optional("title"))
        .or_else(|| t.optional("name"));
    let c_long = t.optional("long_title").or(c_short);
    let c_status = t.optional("status");
    while let Some(row) = t.next_row() {
        let (line, f) = row?;
        let field = |c: Option<usize>| c.and_then(|c| f.get(c).copied()).unwrap_or("");
        let code = field(Some(c_code));
        if !is_code(code) {
            return Err(t.err(
                line,
                format!("code `{code}` is not uppercase letters and digits"),
            ));
        }
        let billable = match field(c_bill) {
            "" | "1" => true,
            "0" => false,
            other => return Err(t.err(line, format!("billable must be 0 or 1, found `{other}`"))),
        };
        let from = date_field(&t, line, "valid_from", field(Some(c_from)))?;
        let to = date_field(&t, line, "valid_to", field(Some(c_to)))?;
        if to != 0 && from > to {
            return Err(t.err(line, "valid_from is after valid_to"));
        }
        set.codes
            .entry(code.to_string())
            .or_default()
            .intervals
            .push(Interval {
                from,
                to,
                billable,
                short: field(c_short).to_string(),
                long: field(c_long).to_string(),
                status: field(c_status).to_string(),
            });
    }
    for (code, e) in &mut set.codes {
        if !sort_disjoint(&mut e.intervals, |iv| (iv.from, iv.to)) {
            return Err(t.err(0, format!("validity intervals of `{code}` overlap")));
        }
    }
    Ok(())
}

/// Sort a code's dated rows by start and tell whether they are disjoint (`to` 0 is
/// open-ended), as every dated table requires.
fn sort_disjoint<T>(rows: &mut [T], span: impl Fn(&T) -> (u32, u32)) -> bool {
    rows.sort_by_key(|r| span(r).0);
    rows.windows(2).all(|w| match w {
        [a, b] => {
            let ((_, a_to), (b_from, _)) = (span(a), span(b));
            a_to != 0 && a_to < b_from
        }
        _ => true,
    })
}

fn date_field(t: &Tsv<'_>, line: usize, name: &str, v: &str) -> Result<u32, CompileError> {
    if v.is_empty() {
        return Ok(0);
    }
    parse_iso_date(v).ok_or_else(|| {
        t.err(
            line,
            format!("{name} must be a YYYY-MM-DD date, found `{v}`"),
        )
    })
}

/// `notes.tsv`: code (or range), kind, targets, text.
pub fn parse_notes(name: &str, text: &str, set: &mut SetSource) -> Result<(), CompileError> {
    let mut t = Tsv::new(name, text)?;
    let (c_code, c_kind, c_targets, c_text) = (
        t.column("code")?,
        t.column("kind")?,
        t.column("targets")?,
        t.column("text")?,
    );
    while let Some(row) = t.next_row() {
        let (line, f) = row?;
        let field = |c: usize| f.get(c).copied().unwrap_or("");
        let node = field(c_code);
        let node_ok = match node.split_once('-') {
            Some((a, b)) => is_code(a) && is_code(b) && a <= b,
            None => is_code(node),
        };
        if !node_ok {
            return Err(t.err(
                line,
                format!("`{node}` is neither a code nor a range like `A00-B99`"),
            ));
        }
        let kind = field(c_kind);
        let Some(k) = NOTE_KINDS.iter().position(|n| *n == kind) else {
            return Err(t.err(
                line,
                format!("kind `{kind}` is not one of {}", NOTE_KINDS.join(", ")),
            ));
        };
        let targets = field(c_targets);
        for p in targets.split(',').filter(|p| !p.trim().is_empty()) {
            if !is_pattern(p) {
                return Err(t.err(
                    line,
                    format!("target `{p}` is not a code, `X*` prefix or `X-Y` range"),
                ));
            }
        }
        set.notes
            .entry(node.to_string())
            .or_default()
            .push(NoteRow {
                kind: k as u32,
                targets: targets.to_string(),
                text: field(c_text).to_string(),
            });
    }
    Ok(())
}

/// The target syntax `CodePattern::parse` accepts.
fn is_pattern(p: &str) -> bool {
    let norm = super::normalize::normalize(p);
    if let Some(x) = norm.strip_suffix('*').or_else(|| norm.strip_suffix('-')) {
        return is_code(x);
    }
    match norm.split_once('-') {
        Some((a, b)) => is_code(a) && is_code(b) && a <= b,
        None => is_code(&norm),
    }
}

/// `seventh.tsv`: code, character, meaning.
pub fn parse_seventh(name: &str, text: &str, set: &mut SetSource) -> Result<(), CompileError> {
    let mut t = Tsv::new(name, text)?;
    let (c_code, c_char, c_mean) = (
        t.column("code")?,
        t.column("character")?,
        t.column("meaning")?,
    );
    while let Some(row) = t.next_row() {
        let (line, f) = row?;
        let field = |c: usize| f.get(c).copied().unwrap_or("");
        let code = field(c_code);
        if !is_code(code) {
            return Err(t.err(
                line,
                format!("code `{code}` is not uppercase letters and digits"),
            ));
        }
        let ch = field(c_char);
        let mut chars = ch.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return Err(t.err(
                line,
                format!("character must be one character, found `{ch}`"),
            ));
        };
        set.seventh
            .entry(code.to_string())
            .or_default()
            .push((c.to_ascii_uppercase(), field(c_mean).to_string()));
    }
    Ok(())
}

/// `attributes.tsv`: code, sex, age_group, age_low, age_high, flags.
pub fn parse_attributes(name: &str, text: &str, set: &mut SetSource) -> Result<(), CompileError> {
    let mut t = Tsv::new(name, text)?;
    let cols = [
        t.column("code")?,
        t.column("sex")?,
        t.column("age_group")?,
        t.column("age_low")?,
        t.column("age_high")?,
        t.column("flags")?,
    ];
    while let Some(row) = t.next_row() {
        let (line, f) = row?;
        let [code, sex, group, low, high, flags] = cols.map(|c| f.get(c).copied().unwrap_or(""));
        if !is_code(code) {
            return Err(t.err(
                line,
                format!("code `{code}` is not uppercase letters and digits"),
            ));
        }
        let mut a = Attr {
            sex: match sex {
                "" => 0,
                "M" => 1,
                "F" => 2,
                s => return Err(t.err(line, format!("sex must be M, F or empty, found `{s}`"))),
            },
            age_group: match group {
                "" => 0,
                g => match AGE_GROUPS.iter().position(|n| *n == g) {
                    Some(i) => i as u8 + 1,
                    None => {
                        return Err(t.err(
                            line,
                            format!("age_group `{g}` is not one of {}", AGE_GROUPS.join(", ")),
                        ));
                    }
                },
            },
            age_low: age(&t, line, "age_low", low)?,
            age_high: age(&t, line, "age_high", high)?,
            ..Attr::default()
        };
        let mut other = Vec::new();
        for flag in flags.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match flag {
                "manifestation" => a.flags |= AT_MANIFESTATION,
                "unacceptable_principal" => a.flags |= AT_UNACCEPTABLE_PRINCIPAL,
                "external_cause" => a.flags |= AT_EXTERNAL_CAUSE,
                o => other.push(o),
            }
        }
        a.other = other.join(",");
        if !set.codes.contains_key(code) {
            return Err(t.err(line, format!("code `{code}` is not in codes.tsv")));
        }
        if let Some(e) = set.codes.get_mut(code) {
            if e.attr.is_some() {
                return Err(t.err(line, format!("code `{code}` has attributes twice")));
            }
            e.attr = Some(a);
        }
    }
    Ok(())
}

/// `mce.tsv`: code, valid_from, valid_to, attributes (comma-separated MCE names).
pub fn parse_mce(name: &str, text: &str, set: &mut SetSource) -> Result<(), CompileError> {
    let mut t = Tsv::new(name, text)?;
    let cols = [
        t.column("code")?,
        t.column("valid_from")?,
        t.column("valid_to")?,
        t.column("attributes")?,
    ];
    while let Some(row) = t.next_row() {
        let (line, f) = row?;
        let [code, from, to, names] = cols.map(|c| f.get(c).copied().unwrap_or(""));
        let from = date_field(&t, line, "valid_from", from)?;
        let to = date_field(&t, line, "valid_to", to)?;
        if from == 0 || (to != 0 && from > to) {
            return Err(t.err(line, "an MCE window needs valid_from, not after valid_to"));
        }
        let mut bits = 0u64;
        for name in names.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match MCE_ATTRIBUTES.iter().position(|n| *n == name) {
                Some(i) => bits |= 1 << i,
                None => {
                    return Err(t.err(
                        line,
                        format!("`{name}` is not an MCE attribute claimscrub knows"),
                    ));
                }
            }
        }
        let Some(e) = set.codes.get_mut(code) else {
            return Err(t.err(line, format!("code `{code}` is not in codes.tsv")));
        };
        e.mce.push(MceRow { from, to, bits });
    }
    for (code, e) in &mut set.codes {
        if !sort_disjoint(&mut e.mce, |r| (r.from, r.to)) {
            return Err(t.err(0, format!("MCE windows of `{code}` overlap")));
        }
    }
    Ok(())
}

/// `ioce_ages.tsv`: code, valid_from (empty = since always), valid_to, age_low, age_high.
pub fn parse_ioce_ages(name: &str, text: &str, set: &mut SetSource) -> Result<(), CompileError> {
    let mut t = Tsv::new(name, text)?;
    let cols = [
        t.column("code")?,
        t.column("valid_from")?,
        t.column("valid_to")?,
        t.column("age_low")?,
        t.column("age_high")?,
    ];
    while let Some(row) = t.next_row() {
        let (line, f) = row?;
        let [code, from, to, low, high] = cols.map(|c| f.get(c).copied().unwrap_or(""));
        let from = date_field(&t, line, "valid_from", from)?;
        let to = date_field(&t, line, "valid_to", to)?;
        if to != 0 && from > to {
            return Err(t.err(line, "valid_from is after valid_to"));
        }
        let low = age(&t, line, "age_low", low)?;
        let high = age(&t, line, "age_high", high)?;
        if low == NO_AGE || high == NO_AGE || low > high {
            return Err(t.err(
                line,
                "an I/OCE age window needs age_low, not above age_high",
            ));
        }
        let Some(e) = set.codes.get_mut(code) else {
            return Err(t.err(line, format!("code `{code}` is not in codes.tsv")));
        };
        e.ioce_ages.push(IoceAgeRow {
            from,
            to,
            low,
            high,
        });
    }
    for (code, e) in &mut set.codes {
        if !sort_disjoint(&mut e.ioce_ages, |r| (r.from, r.to)) {
            return Err(t.err(0, format!("I/OCE age windows of `{code}` overlap")));
        }
    }
    Ok(())
}

fn age(t: &Tsv<'_>, line: usize, name: &str, v: &str) -> Result<u8, CompileError> {
    if v.is_empty() {
        return Ok(NO_AGE);
    }
    match v.parse::<u8>() {
        Ok(n) if n < NO_AGE => Ok(n),
        _ => Err(t.err(line, format!("{name} must be an age 0-254, found `{v}`"))),
    }
}

/// Sections and meta being assembled into one file.
struct Writer {
    buf: Vec<u8>,
    sections: Vec<(u32, u64, u64)>,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            buf: Vec::new(),
            sections: Vec::new(),
        }
    }

    fn section(&mut self, id: u32, bytes: &[u8]) {
        // 8-byte alignment keeps every section start aligned for the mapped file.
        while !self.buf.len().is_multiple_of(8) {
            self.buf.push(0);
        }
        self.sections
            .push((id, self.buf.len() as u64, bytes.len() as u64));
        self.buf.extend_from_slice(bytes);
    }

    fn finish(mut self, meta: &[(String, String)], rows: u64) -> Result<Vec<u8>, String> {
        let mut footer = Vec::new();
        put_u32(&mut footer, len_u32(self.sections.len())?);
        for (id, off, len) in &self.sections {
            put_u32(&mut footer, *id);
            footer.extend_from_slice(&off.to_le_bytes());
            footer.extend_from_slice(&len.to_le_bytes());
        }
        put_u32(&mut footer, len_u32(meta.len())?);
        for (k, v) in meta {
            put_u32(&mut footer, len_u32(k.len())?);
            footer.extend_from_slice(k.as_bytes());
            put_u32(&mut footer, len_u32(v.len())?);
            footer.extend_from_slice(v.as_bytes());
        }
        footer.extend_from_slice(&rows.to_le_bytes());
        let flen = len_u32(footer.len())?;
        self.buf.extend_from_slice(&footer);
        put_u32(&mut self.buf, flen);
        put_u32(&mut self.buf, FORMAT_VERSION);
        self.buf.extend_from_slice(&MAGIC);
        Ok(self.buf)
    }
}

fn put_u32(buf: &mut Vec<u8>, v: u32) {
    buf.extend_from_slice(&v.to_le_bytes());
}

fn len_u32(n: usize) -> Result<u32, String> {
    u32::try_from(n).map_err(|_| format!("table of {n} entries is too large"))
}

fn with_kind(kind: &str, meta: &[(String, String)]) -> Vec<(String, String)> {
    let mut m = vec![("kind".to_string(), kind.to_string())];
    m.extend(meta.iter().filter(|(k, _)| k != "kind").cloned());
    m
}

/// Compile a code set into file bytes.
pub fn write_set(set: &SetSource) -> Result<Vec<u8>, String> {
    let mut strings = Strings::default();
    let mut codes = fst::MapBuilder::memory();
    let (mut records, mut intervals, mut attrs) = (Vec::new(), Vec::new(), Vec::new());
    let mut mce = Vec::new();
    let mut n_mce: u32 = 0;
    let mut ioce_ages = Vec::new();
    let mut n_ioce: u32 = 0;
    let mut n_iv: u32 = 0;
    let mut n_attr: u32 = 0;
    for (ord, (code, e)) in set.codes.iter().enumerate() {
        codes.insert(code, ord as u64).map_err(|e| e.to_string())?;
        put_u32(&mut records, n_iv);
        put_u32(&mut records, len_u32(e.intervals.len())?);
        match &e.attr {
            None => put_u32(&mut records, 0),
            Some(a) => {
                n_attr += 1;
                put_u32(&mut records, n_attr);
                put_u32(&mut attrs, a.flags);
                attrs.extend_from_slice(&[a.sex, a.age_group, a.age_low, a.age_high]);
                let (o, l) = strings.add(&a.other)?;
                put_u32(&mut attrs, o);
                put_u32(&mut attrs, l);
            }
        }
        put_u32(&mut records, n_mce);
        put_u32(&mut records, len_u32(e.mce.len())?);
        for r in &e.mce {
            n_mce = n_mce.checked_add(1).ok_or("too many MCE rows")?;
            put_u32(&mut mce, r.from);
            put_u32(&mut mce, r.to);
            mce.extend_from_slice(&r.bits.to_le_bytes());
        }
        put_u32(&mut records, n_ioce);
        put_u32(&mut records, len_u32(e.ioce_ages.len())?);
        for r in &e.ioce_ages {
            n_ioce = n_ioce.checked_add(1).ok_or("too many I/OCE age rows")?;
            put_u32(&mut ioce_ages, r.from);
            put_u32(&mut ioce_ages, r.to);
            ioce_ages.extend_from_slice(&[r.low, r.high, 0, 0]);
        }
        for iv in &e.intervals {
            n_iv = n_iv.checked_add(1).ok_or("too many intervals")?;
            put_u32(&mut intervals, iv.from);
            put_u32(&mut intervals, iv.to);
            put_u32(&mut intervals, if iv.billable { IV_BILLABLE } else { 0 });
            for s in [&iv.short, &iv.long, &iv.status] {
                let (o, l) = strings.add(s)?;
                put_u32(&mut intervals, o);
                put_u32(&mut intervals, l);
            }
        }
    }
    let codes = codes.into_inner().map_err(|e| e.to_string())?;

    let mut node_keys: Vec<&String> = set.notes.keys().chain(set.seventh.keys()).collect();
    node_keys.sort();
    node_keys.dedup();
    let mut nodes_fst = fst::MapBuilder::memory();
    let (mut nodes, mut notes, mut seventh) = (Vec::new(), Vec::new(), Vec::new());
    let (mut n_note, mut n_seventh) = (0u32, 0u32);
    for (ord, key) in node_keys.iter().enumerate() {
        nodes_fst
            .insert(key, ord as u64)
            .map_err(|e| e.to_string())?;
        let ns = set.notes.get(*key).map(Vec::as_slice).unwrap_or(&[]);
        let ss = set.seventh.get(*key).map(Vec::as_slice).unwrap_or(&[]);
        for v in [n_note, len_u32(ns.len())?, n_seventh, len_u32(ss.len())?] {
            put_u32(&mut nodes, v);
        }
        for n in ns {
            put_u32(&mut notes, n.kind);
            for s in [&n.targets, &n.text] {
                let (o, l) = strings.add(s)?;
                put_u32(&mut notes, o);
                put_u32(&mut notes, l);
            }
        }
        for (c, meaning) in ss {
            put_u32(&mut seventh, u32::from(*c));
            let (o, l) = strings.add(meaning)?;
            put_u32(&mut seventh, o);
            put_u32(&mut seventh, l);
        }
        n_note += len_u32(ns.len())?;
        n_seventh += len_u32(ss.len())?;
    }
    let nodes_fst = nodes_fst.into_inner().map_err(|e| e.to_string())?;

    let mut w = Writer::new();
    w.section(section::CODES_FST, &codes);
    w.section(section::RECORDS, &records);
    w.section(section::INTERVALS, &intervals);
    w.section(section::ATTRS, &attrs);
    w.section(section::NODES_FST, &nodes_fst);
    w.section(section::NODES, &nodes);
    w.section(section::NOTES, &notes);
    w.section(section::SEVENTH, &seventh);
    w.section(section::STRINGS, &strings.blob);
    w.section(section::MCE, &mce);
    w.section(section::IOCE_AGES, &ioce_ages);
    w.finish(&with_kind(&set.kind, &set.meta), set.rows() as u64)
}

/// Compile an edit table into file bytes.
pub fn write_edits(t: &EditSource) -> Result<Vec<u8>, String> {
    let mut map = fst::MapBuilder::memory();
    let mut rows = Vec::new();
    let mut start: u64 = 0;
    for (key, list) in &t.entries {
        let count = list.len() as u64;
        if start > u64::from(u32::MAX) || count > u64::from(u32::MAX) {
            return Err("edit table too large".to_string());
        }
        map.insert(key, (start << 32) | count)
            .map_err(|e| e.to_string())?;
        for row in list {
            if row.len() != t.width {
                return Err(format!(
                    "row of {} words in a table {} wide",
                    row.len(),
                    t.width
                ));
            }
            for v in row {
                put_u32(&mut rows, *v);
            }
        }
        start += count;
    }
    let map = map.into_inner().map_err(|e| e.to_string())?;
    let mut w = Writer::new();
    w.section(section::EDITS_FST, &map);
    w.section(section::EDITS, &rows);
    w.section(section::STRINGS, &t.strings.blob);
    let mut meta = with_kind(&t.kind, &t.meta);
    meta.push(("width".to_string(), t.width.to_string()));
    w.finish(&meta, t.rows() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_iso_date("2024-02-29"), Some(20240229));
        assert_eq!(parse_iso_date("2023-02-29"), None);
        assert_eq!(parse_iso_date("2023-13-01"), None);
        assert_eq!(parse_iso_date("2023-1-01"), None);
        assert_eq!(parse_ymd8("20251001"), Some(20251001));
        assert_eq!(parse_ymd8("2025100"), None);
    }

    #[test]
    fn patterns() {
        assert!(is_pattern("E119"));
        assert!(is_pattern("O24.4-"));
        assert!(is_pattern("E08-E13"));
        assert!(!is_pattern("E13-E08"));
        assert!(!is_pattern("E1 9"));
    }
}
