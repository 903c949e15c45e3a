//! One loaded code set: exact lookups as of a date, hierarchy (children, notes, 7th
//! characters), prefix / range listing and fuzzy suggestions, all over the fst.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use fst::{Automaton, IntoStreamer, Streamer};
use jiff::civil::Date;

use super::cache::Shared;
use super::compile::{
    AGE_GROUPS, AT_EXTERNAL_CAUSE, AT_MANIFESTATION, AT_UNACCEPTABLE_PRINCIPAL, ATTR_WIDTH,
    INTERVAL_WIDTH, IOCE_AGE_WIDTH, IV_BILLABLE, MCE_WIDTH, NO_AGE, NODE_WIDTH, NOTE_WIDTH,
    RECORD_WIDTH, SEVENTH_WIDTH, section,
};
use super::load::{Container, Slice, str_at, u32_at};
use super::near::Near;
use super::{
    AgeGroup, CodePattern, CodeSex, CodesetError, DxAttributes, Excludes1Census, Lookup, MceAttrs,
    Note, NoteKind, Record, Resolution, Status, System, Target, UnresolvedNote, Validity,
};

/// Most suggestions [`CodeSet::suggest`] returns.
pub const MAX_SUGGESTIONS: usize = 10;

/// Distinct codes whose suggestions a code set keeps; the cache starts over when full.
pub const SUGGESTION_CACHE: usize = 16_384;

/// Distinct (code, date) pairs whose billable children or replacements a code set keeps.
pub const CHILDREN_CACHE: usize = 16_384;

/// Distinct codes whose Excludes1 notes (or 7th characters) a code set keeps resolved;
/// starts over when full.
pub const EXCLUDES1_CACHE: usize = 65_536;

/// The node map's range keys (`E08-E13`, blocks and chapters), innermost first, as
/// `(low, high, key, ord)`; and for each first byte, which of them can hold a code starting
/// with it, so a code is compared with its own letter's blocks only.
#[derive(Debug)]
struct RangeNodes {
    all: Vec<(String, String, String, u64)>,
    by_first: Vec<Vec<usize>>,
}

/// The Excludes1 notes that speak for one code ([`CodeSet::excludes1_notes`]).
#[derive(Debug, Clone)]
pub struct Excludes1Notes(Arc<[Excl]>);

impl Excludes1Notes {
    /// The first note that excludes `other`, as `(node the note is on, note text)`. A
    /// note's qualifier (`E08-E13 with .42`) narrows its targets; a note that cannot be read
    /// exactly ([`Resolution::Unresolved`]) never excludes.
    pub fn excluding(&self, other: &str) -> Option<(&str, &str)> {
        if self.0.is_empty() {
            return None;
        }
        let other = normalize(other);
        self.0
            .iter()
            .find(|n| n.targets.iter().any(|t| n.how.matches(t, &other)))
            .map(|n| (n.on.as_str(), n.text.as_str()))
    }
}

/// One Excludes1 note that speaks for a code, read once: the node it sits on, its targets
/// split out, how they read ([`Resolution`]) and its text.
#[derive(Debug)]
struct Excl {
    on: String,
    targets: Vec<Target>,
    how: Resolution,
    text: String,
}

/// One code system, compiled and loaded (embedded, mapped or read).
#[derive(Debug)]
pub struct CodeSet {
    system: System,
    file: Container,
    codes: fst::Map<Slice>,
    nodes: fst::Map<Slice>,
    records: Range<usize>,
    intervals: Range<usize>,
    attrs: Range<usize>,
    mce: Range<usize>,
    ioce_ages: Range<usize>,
    node_rows: Range<usize>,
    notes: Range<usize>,
    seventh: Range<usize>,
    strings: Range<usize>,
    release: String,
    coverage_from: Option<Date>,
    coverage_through: Option<Date>,
    /// Note nodes that are ranges (`A00-B99`), found on first use.
    range_nodes: OnceLock<RangeNodes>,
    /// How each note row reads ([`Resolution::of`]; `Exact` for other kinds), on first use.
    resolutions: OnceLock<Vec<Resolution>>,
    /// "Did you mean" answers by (code, distance), shared by the worker threads: a Levenshtein
    /// automaton costs far more than a finding, and a batch repeats its invalid codes.
    suggestions: Shared<(String, u32), [String]>,
    /// The Excludes1 notes of each code asked about (its own, its ancestors', its blocks'),
    /// so a diagnosis pair costs a few string compares, not a walk of the note tables.
    excludes1: Shared<String, [Excl]>,
    /// Each code's entry read once per run ([`CodeSet::entry`]).
    entries: Shared<String, Entry>,
    /// Billable children by (code, `yyyymmdd` or 0 for undated): the fix list of every
    /// header-code finding, an fst walk over the whole subtree.
    children: Shared<(String, u32), [String]>,
    /// [`CodeSet::replacements`] by (code, `yyyymmdd`): a prefix walk with a lookup per code.
    replacements: Shared<(String, u32), [String]>,
    /// [`CodeSet::seventh`] by code: a walk of the code's ancestors and blocks.
    sevenths: Shared<String, [(char, String)]>,
    /// The shipped set of the same system, consulted for tabular notes and edit attributes
    /// when this (user-built) set carries none: an order file has codes and titles only.
    supplement: Option<Box<CodeSet>>,
}

impl Clone for CodeSet {
    fn clone(&self) -> CodeSet {
        CodeSet {
            system: self.system,
            file: self.file.clone(),
            codes: self.codes.clone(),
            nodes: self.nodes.clone(),
            records: self.records.clone(),
            intervals: self.intervals.clone(),
            attrs: self.attrs.clone(),
            mce: self.mce.clone(),
            ioce_ages: self.ioce_ages.clone(),
            node_rows: self.node_rows.clone(),
            notes: self.notes.clone(),
            seventh: self.seventh.clone(),
            strings: self.strings.clone(),
            release: self.release.clone(),
            coverage_from: self.coverage_from,
            coverage_through: self.coverage_through,
            range_nodes: OnceLock::new(),
            resolutions: OnceLock::new(),
            suggestions: Shared::new(SUGGESTION_CACHE),
            excludes1: Shared::new(EXCLUDES1_CACHE),
            entries: Shared::new(ENTRY_CACHE),
            children: Shared::new(CHILDREN_CACHE),
            replacements: Shared::new(CHILDREN_CACHE),
            sevenths: Shared::new(EXCLUDES1_CACHE),
            supplement: self.supplement.clone(),
        }
    }
}

/// Distinct codes whose entries (ordinal, intervals, attribute row) a code set keeps read;
/// starts over when full.
pub const ENTRY_CACHE: usize = 65_536;

/// A code's entry as a lookup needs it, whatever the date: its ordinal, validity intervals
/// and attribute row; `None` when the set does not hold the code.
type Entry = Option<(u64, Vec<Iv>, u32)>;

/// One interval row as stored.
#[derive(Debug, Clone, Copy)]
struct Iv {
    from: u32,
    to: u32,
    flags: u32,
    strs: [(u32, u32); 3],
}

impl Iv {
    fn contains(&self, d: u32) -> bool {
        self.from <= d && (self.to == 0 || d <= self.to)
    }
}

/// `yyyymmdd` of a date; years before 1 sort before everything.
pub(crate) fn key(d: Date) -> u32 {
    if d.year() < 1 {
        return 0;
    }
    d.year() as u32 * 10000 + d.month() as u32 * 100 + d.day() as u32
}

/// The date of a stored `yyyymmdd`.
pub(crate) fn date_of(k: u32) -> Option<Date> {
    let y = i16::try_from(k / 10000).ok()?;
    Date::new(y, (k / 100 % 100) as i8, (k % 100) as i8).ok()
}

pub(crate) use super::normalize::normalize;

impl CodeSet {
    /// Wrap a compiled file; `verify` checks fst checksums (files from disk).
    pub(crate) fn from_container(file: Container, verify: bool) -> Result<CodeSet, CodesetError> {
        let system = System::from_name(file.kind()).ok_or_else(|| CodesetError::Kind {
            path: file.path.clone(),
            kind: file.kind().to_string(),
        })?;
        let codes = file.fst(section::CODES_FST, verify)?;
        let nodes = file.fst(section::NODES_FST, verify)?;
        let records = file.section(section::RECORDS, RECORD_WIDTH)?;
        if records.len() / RECORD_WIDTH != codes.len() {
            return Err(CodesetError::Corrupt {
                path: file.path.clone(),
                what: format!(
                    "{} codes but {} records",
                    codes.len(),
                    records.len() / RECORD_WIDTH
                ),
            });
        }
        let meta_date = |key: &str| -> Result<Option<Date>, CodesetError> {
            match file.meta(key) {
                None | Some("") => Ok(None),
                Some(s) => s
                    .parse::<Date>()
                    .map(Some)
                    .map_err(|_| CodesetError::Corrupt {
                        path: file.path.clone(),
                        what: format!("{key} `{s}` is not a date"),
                    }),
            }
        };
        let coverage_from = meta_date("coverage_from")?;
        let coverage_through = meta_date("coverage_through")?;
        Ok(CodeSet {
            system,
            codes,
            nodes,
            records,
            intervals: file.section(section::INTERVALS, INTERVAL_WIDTH)?,
            attrs: file.section(section::ATTRS, ATTR_WIDTH)?,
            mce: file.section(section::MCE, MCE_WIDTH)?,
            ioce_ages: file.section(section::IOCE_AGES, IOCE_AGE_WIDTH)?,
            node_rows: file.section(section::NODES, NODE_WIDTH)?,
            notes: file.section(section::NOTES, NOTE_WIDTH)?,
            seventh: file.section(section::SEVENTH, SEVENTH_WIDTH)?,
            strings: file.section(section::STRINGS, 1)?,
            release: file.meta("release").unwrap_or("").to_string(),
            coverage_from,
            coverage_through,
            range_nodes: OnceLock::new(),
            resolutions: OnceLock::new(),
            suggestions: Shared::new(SUGGESTION_CACHE),
            excludes1: Shared::new(EXCLUDES1_CACHE),
            entries: Shared::new(ENTRY_CACHE),
            children: Shared::new(CHILDREN_CACHE),
            replacements: Shared::new(CHILDREN_CACHE),
            sevenths: Shared::new(EXCLUDES1_CACHE),
            supplement: None,
            file,
        })
    }

    pub(crate) fn container(&self) -> &Container {
        &self.file
    }

    fn sec(&self, r: &Range<usize>) -> &[u8] {
        self.file.all().get(r.clone()).unwrap_or(&[])
    }

    fn text(&self, (off, len): (u32, u32)) -> &str {
        str_at(self.sec(&self.strings), off, len)
    }

    /// The code system this file was compiled for (its `kind` meta entry).
    pub fn system(&self) -> System {
        self.system
    }

    /// The release this set was built from, as its `RELEASE` file said.
    pub fn release(&self) -> &str {
        &self.release
    }

    /// The last date of service the loaded release speaks for.
    pub fn coverage_through(&self) -> Option<Date> {
        self.coverage_through
    }

    /// First date the loaded releases cover, when known.
    pub fn coverage_from(&self) -> Option<Date> {
        self.coverage_from
    }

    /// Other metadata of the release (`source`, `credit`, `coverage_from`, …).
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.file.meta(key)
    }

    /// Number of distinct codes.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True for a set compiled from a code file with no rows (its code fst is empty).
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Bytes of the code fst alone (the rest of the file is side tables and titles).
    pub fn fst_bytes(&self) -> usize {
        self.codes.as_fst().as_bytes().len()
    }

    /// Validity rows (a code with two intervals counts twice), as `info` reports.
    pub fn rows(&self) -> u64 {
        self.file.rows
    }

    fn ivs(&self, ord: u64) -> (Vec<Iv>, u32) {
        let recs = self.sec(&self.records);
        let Ok(o) = usize::try_from(ord) else {
            return (Vec::new(), 0);
        };
        let start = u32_at(recs, o * 7) as usize;
        let count = u32_at(recs, o * 7 + 1) as usize;
        let attr = u32_at(recs, o * 7 + 2);
        let ivs = self.sec(&self.intervals);
        let total = ivs.len() / INTERVAL_WIDTH;
        let end = start.saturating_add(count).min(total);
        let out = (start.min(end)..end)
            .map(|i| {
                let w = |j: usize| u32_at(ivs, i * 9 + j);
                Iv {
                    from: w(0),
                    to: w(1),
                    flags: w(2),
                    strs: [(w(3), w(4)), (w(5), w(6)), (w(7), w(8))],
                }
            })
            .collect();
        (out, attr)
    }

    fn attributes(&self, attr: u32) -> DxAttributes {
        let Some(i) = (attr as usize).checked_sub(1) else {
            return DxAttributes::default();
        };
        let rows = self.sec(&self.attrs);
        let Some(row) = i
            .checked_mul(ATTR_WIDTH)
            .and_then(|s| rows.get(s..s.checked_add(ATTR_WIDTH)?))
        else {
            return DxAttributes::default();
        };
        let flags = u32_at(row, 0);
        let byte = |j: usize| row.get(j).copied().unwrap_or(NO_AGE);
        let age = |b: u8| (b != NO_AGE).then_some(b);
        let other = self.text((u32_at(row, 2), u32_at(row, 3)));
        DxAttributes {
            sex: match byte(4) {
                1 => Some(CodeSex::Male),
                2 => Some(CodeSex::Female),
                _ => None,
            },
            age_group: match AGE_GROUPS.get((byte(5) as usize).wrapping_sub(1)) {
                Some(&"newborn") => Some(AgeGroup::Newborn),
                Some(&"pediatric") => Some(AgeGroup::Pediatric),
                Some(&"maternity") => Some(AgeGroup::Maternity),
                Some(&"adult") => Some(AgeGroup::Adult),
                _ => None,
            },
            age_low: age(byte(6)),
            age_high: age(byte(7)),
            manifestation: flags & AT_MANIFESTATION != 0,
            unacceptable_principal: flags & AT_UNACCEPTABLE_PRINCIPAL != 0,
            external_cause: flags & AT_EXTERNAL_CAUSE != 0,
            other_flags: other
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }

    /// The row of a dated side table (`MCE`, `IOCE_AGES`: rows start with u32 from, u32 to)
    /// that speaks for record `ord` on `d`, its newest when `d` is `None`. `column` is the
    /// record word holding the first row; the next word holds the row count.
    fn dated_row(
        &self,
        ord: u64,
        column: usize,
        table: &Range<usize>,
        width: usize,
        d: Option<u32>,
    ) -> Option<&[u8]> {
        let o = usize::try_from(ord).ok()?;
        let recs = self.sec(&self.records);
        let start = u32_at(recs, o * 7 + column) as usize;
        let count = u32_at(recs, o * 7 + column + 1) as usize;
        let rows = self.sec(table);
        let end = start.saturating_add(count).min(rows.len() / width);
        let row = |i: usize| rows.get(i * width..(i + 1) * width);
        let mut range = start.min(end)..end;
        match d {
            None => range.next_back().and_then(row),
            Some(d) => range.filter_map(row).find(|r| {
                let (from, to) = (u32_at(r, 0), u32_at(r, 1));
                from <= d && (to == 0 || d <= to)
            }),
        }
    }

    /// The MCE attributes of record `ord` on `d` (its newest window when `d` is `None`).
    fn mce_at(&self, ord: u64, d: Option<u32>) -> MceAttrs {
        let row = self.dated_row(ord, 3, &self.mce, MCE_WIDTH, d);
        MceAttrs(row.map_or(0, |r| {
            u64::from(u32_at(r, 2)) | (u64::from(u32_at(r, 3)) << 32)
        }))
    }

    /// The I/OCE age limits of record `ord` on `d` (its newest window when `d` is `None`);
    /// `None` when the I/OCE sets no limit then.
    fn ioce_ages_at(&self, ord: u64, d: Option<u32>) -> Option<(u8, u8)> {
        let row = self.dated_row(ord, 5, &self.ioce_ages, IOCE_AGE_WIDTH, d)?;
        let [low, high, ..] = u32_at(row, 2).to_le_bytes();
        Some((low, high))
    }

    /// The interval that speaks for date `d`: the one containing it, else the latest that
    /// started before it, else the first.
    fn pick(ivs: &[Iv], d: Option<u32>) -> Option<&Iv> {
        match d {
            None => ivs.last(),
            Some(d) => ivs
                .iter()
                .find(|iv| iv.contains(d))
                .or_else(|| ivs.iter().rev().find(|iv| iv.from <= d))
                .or_else(|| ivs.first()),
        }
    }

    fn record(&self, code: &str, ord: u64, d: Option<u32>) -> Record<'_> {
        let (ivs, attr) = self.ivs(ord);
        self.record_of(code, ord, (&ivs, attr), d)
    }

    /// The entry of normalized `code`, read from the maps once per run: claims repeat codes,
    /// on other dates, so the date-free part of a lookup is kept.
    fn entry(&self, code: &str) -> Arc<Entry> {
        self.entries.get_or_insert(code, || {
            let e = self.codes.get(code.as_bytes()).map(|ord| {
                let (ivs, attr) = self.ivs(ord);
                (ord, ivs, attr)
            });
            (code.to_string(), Arc::new(e))
        })
    }

    /// [`CodeSet::record`] from the intervals and attribute row already read for `ord`.
    fn record_of(
        &self,
        code: &str,
        ord: u64,
        (ivs, attr): (&[Iv], u32),
        d: Option<u32>,
    ) -> Record<'_> {
        let chosen = Self::pick(ivs, d).copied();
        let [short, long, status] = chosen.map(|iv| iv.strs).unwrap_or_default();
        let status = self.text(status);
        Record {
            code: code.to_string(),
            billable: chosen.is_some_and(|iv| iv.flags & IV_BILLABLE != 0),
            validity: ivs
                .iter()
                .filter_map(|iv| {
                    let from = if iv.from == 0 {
                        Date::MIN
                    } else {
                        date_of(iv.from)?
                    };
                    let to = if iv.to == 0 {
                        None
                    } else {
                        Some(date_of(iv.to)?)
                    };
                    Some(Validity { from, to })
                })
                .collect(),
            short_title: self.text(short),
            long_title: self.text(long),
            status_indicator: (!status.is_empty()).then_some(status),
            attributes: match &self.supplement {
                Some(sup) if self.attrs.is_empty() => {
                    sup.get(code).map(|r| r.attributes).unwrap_or_default()
                }
                _ => self.attributes(attr),
            },
            mce: match &self.supplement {
                Some(sup) if self.mce.is_empty() => sup.mce_of(code, d),
                _ => self.mce_at(ord, d),
            },
            ioce_ages: match &self.supplement {
                Some(sup) if self.ioce_ages.is_empty() => sup.ioce_ages_of(code, d),
                _ => self.ioce_ages_at(ord, d),
            },
        }
    }

    /// I/OCE age limits of `code` (normalized) on `d`, `None` when the code is not in the set.
    fn ioce_ages_of(&self, code: &str, d: Option<u32>) -> Option<(u8, u8)> {
        self.codes
            .get(code.as_bytes())
            .and_then(|ord| self.ioce_ages_at(ord, d))
    }

    /// MCE attributes of `code` (normalized) on `d`, empty when the code is not in the set.
    fn mce_of(&self, code: &str, d: Option<u32>) -> MceAttrs {
        self.codes
            .get(code.as_bytes())
            .map_or(MceAttrs::default(), |ord| self.mce_at(ord, d))
    }

    /// Take tabular notes and edit attributes from `shipped` where this set has none.
    pub(crate) fn supplement_with(&mut self, shipped: CodeSet) {
        if self.nodes.is_empty()
            || self.attrs.is_empty()
            || self.mce.is_empty()
            || self.ioce_ages.is_empty()
        {
            self.supplement = Some(Box::new(shipped));
        }
    }

    /// Whether notes come from the shipped set (this set has none of its own).
    fn notes_from_supplement(&self) -> Option<&CodeSet> {
        self.supplement.as_deref().filter(|_| self.nodes.is_empty())
    }

    /// What the set holds about `code` (its latest interval speaks for titles and flags).
    pub fn get(&self, code: &str) -> Option<Record<'_>> {
        let code = normalize(code);
        let ord = self.codes.get(code.as_bytes())?;
        Some(self.record(&code, ord, None))
    }

    /// Whether `code` (any case, dots allowed) was ever in the set, whatever its validity
    /// intervals say.
    pub fn contains(&self, code: &str) -> bool {
        self.codes.contains_key(normalize(code).as_bytes())
    }

    /// The standing of `code` on `date`. Past `coverage_through` the answer is `Stale`, unless
    /// the code's validity ended before then (`NoLongerValid` is certain); never `Unknown`.
    /// Between two intervals a code is `NoLongerValid` until its re-adoption.
    pub fn lookup(&self, code: &str, date: Date) -> Lookup<'_> {
        let code = normalize(code);
        let d = key(date);
        let through = self.coverage_through.map(key);
        let past = through.is_some_and(|t| d > t);
        let stale = || Status::Stale {
            through: self.coverage_through.unwrap_or(date),
        };
        let before = self.coverage_from.filter(|f| date < *f);
        let entry = self.entry(&code);
        let Some((ord, ivs, attr)) = entry.as_ref() else {
            let status = match (past, before) {
                (true, _) => stale(),
                (false, Some(from)) => Status::BeforeCoverage { from },
                (false, None) => Status::Unknown,
            };
            return Lookup {
                status,
                record: None,
            };
        };
        let ord = *ord;
        let last_end = if ivs.iter().any(|iv| iv.to == 0) {
            None
        } else {
            ivs.iter().map(|iv| iv.to).max()
        };
        let ended = |until: u32| match date_of(until) {
            Some(until) => Status::NoLongerValid { until },
            None => Status::Unknown,
        };
        let status = if past {
            match (last_end, through) {
                (Some(end), Some(t)) if end < t => ended(end),
                _ => stale(),
            }
        } else if ivs.iter().any(|iv| iv.contains(d)) {
            Status::Valid
        } else if let Some(from) = before.filter(|f| {
            // Known since the first release loaded: whether it existed earlier is unknown.
            ivs.iter()
                .map(|iv| iv.from)
                .min()
                .is_some_and(|first| first <= key(*f))
        }) {
            Status::BeforeCoverage { from }
        } else if let Some(first) = ivs.iter().map(|iv| iv.from).min().filter(|f| *f > d) {
            date_of(first).map_or(Status::Unknown, |from| Status::NotYetValid { from })
        } else {
            let until = ivs
                .iter()
                .filter(|iv| iv.to != 0 && iv.to < d)
                .map(|iv| iv.to)
                .max();
            until.map_or(Status::Unknown, ended)
        };
        Lookup {
            status,
            record: Some(self.record_of(&code, ord, (ivs, *attr), Some(d))),
        }
    }

    fn collect(&self, mut s: impl for<'a> Streamer<'a, Item = (&'a [u8], u64)>) -> Vec<String> {
        let mut out = Vec::new();
        while let Some((k, _)) = s.next() {
            out.push(String::from_utf8_lossy(k).into_owned());
        }
        out
    }

    /// Codes starting with `prefix` (the prefix itself included when it is a code), sorted.
    pub fn prefix(&self, prefix: &str) -> Vec<String> {
        let p = normalize(prefix);
        let aut = fst::automaton::Str::new(&p).starts_with();
        self.collect(self.codes.search(aut).into_stream())
    }

    /// Codes whose leading characters fall in `lo..=hi`, as [`CodePattern::matches`] says.
    pub fn range(&self, lo: &str, hi: &str) -> Vec<String> {
        let (lo, hi) = (normalize(lo), normalize(hi));
        let pattern = CodePattern::Range(lo.to_string(), hi.to_string());
        let mut s = self.codes.range().ge(lo.as_bytes()).into_stream();
        let mut out = Vec::new();
        while let Some((k, _)) = s.next() {
            let head = k.get(..hi.len().min(k.len())).unwrap_or(k);
            if head > hi.as_bytes() {
                break;
            }
            let code = String::from_utf8_lossy(k);
            if pattern.matches(&code) {
                out.push(code.into_owned());
            }
        }
        out
    }

    /// Codes a pattern takes.
    pub fn matching(&self, p: &CodePattern) -> Vec<String> {
        match p {
            CodePattern::Exact(c) => {
                if self.contains(c) {
                    vec![normalize(c).into_owned()]
                } else {
                    Vec::new()
                }
            }
            CodePattern::Prefix(p) => self.prefix(p),
            CodePattern::Range(lo, hi) => self.range(lo, hi),
        }
    }

    /// Billable descendants of `code` (valid on `date` when given; else billable in their
    /// latest interval), sorted; each (code, date) is listed once per run.
    pub fn children(&self, code: &str, date: Option<Date>) -> Vec<String> {
        self.children
            .list(normalize(code).into_owned(), date.map_or(0, key), |c| {
                self.list_children(c, date)
            })
    }

    fn list_children(&self, code: &str, date: Option<Date>) -> Vec<String> {
        let d = date.map(key);
        let aut = fst::automaton::Str::new(code).starts_with();
        let mut s = self.codes.search(aut).into_stream();
        let mut out = Vec::new();
        while let Some((k, ord)) = s.next() {
            if k == code.as_bytes() {
                continue;
            }
            let (ivs, _) = self.ivs(ord);
            let billable = match d {
                Some(d) => ivs
                    .iter()
                    .any(|iv| iv.contains(d) && iv.flags & IV_BILLABLE != 0),
                None => ivs.last().is_some_and(|iv| iv.flags & IV_BILLABLE != 0),
            };
            if billable {
                out.push(String::from_utf8_lossy(k).into_owned());
            }
        }
        out
    }

    /// Codes that replace a deleted or expanded code on `date`, as far as the set knows: the
    /// billable codes valid then under the code itself (it became a header), else under its
    /// nearest ancestor that has some (ICD-10 expands codes by adding characters).
    pub fn replacements(&self, code: &str, date: Date) -> Vec<String> {
        self.replacements
            .list(normalize(code).into_owned(), key(date), |c| {
                self.list_replacements(c, date)
            })
    }

    fn list_replacements(&self, code: &str, date: Date) -> Vec<String> {
        // Past the loaded releases nothing is known to be valid, so nothing replaces.
        if self.coverage_through.is_some_and(|t| date > t) {
            return Vec::new();
        }
        for end in (3..=code.len()).rev() {
            let Some(prefix) = code.get(..end) else {
                continue;
            };
            // The ancestor itself when it was billable then (a code split in a later release),
            // then its billable descendants: fst order, as a prefix listing gives them.
            let itself = self.lookup(prefix, date);
            let itself = (prefix != code
                && itself.status == Status::Valid
                && itself.record.is_some_and(|r| r.billable))
            .then(|| prefix.to_string());
            let kids: Vec<String> = itself
                .into_iter()
                .chain(self.children(prefix, Some(date)))
                .filter(|c| c != code)
                .collect();
            if !kids.is_empty() {
                return kids;
            }
        }
        Vec::new()
    }

    /// Codes within edit distance 1..=`max_distance` of `code`, nearest first, at most 10;
    /// each distinct code is searched once per run (up to [`SUGGESTION_CACHE`] codes kept).
    pub fn suggest(&self, code: &str, max_distance: u32) -> Vec<String> {
        self.suggestions
            .list(normalize(code).into_owned(), max_distance, |c| {
                self.search_near(c, max_distance)
            })
    }

    fn search_near(&self, code: &str, max_distance: u32) -> Vec<String> {
        let max = u8::try_from(max_distance).unwrap_or(u8::MAX);
        let (Some(one), Some(wide)) = (Near::new(code, max.min(1)), Near::new(code, max)) else {
            return Vec::new();
        };
        // One edit anywhere; more only within the code's first character (its ICD-10 chapter,
        // its HCPCS section): two edits across chapters is noise to a coder, and walking every
        // chapter at two edits costs a hundred times the whole claim.
        let first = code.get(..1).unwrap_or("");
        let within = fst::automaton::Str::new(first)
            .starts_with()
            .intersection(wide);
        let mut keys = self.collect(self.codes.search(one).into_stream());
        if max > 1 {
            keys.extend(self.collect(self.codes.search(within).into_stream()));
            keys.sort_unstable();
            keys.dedup();
        }
        let mut found: Vec<(usize, String)> = keys
            .into_iter()
            .map(|c| (strsim::levenshtein(code, &c), c))
            .filter(|(d, _)| *d >= 1 && *d <= max_distance as usize)
            .collect();
        // Nearest first; among equals, those sharing the longest start (the same category:
        // `E119` before `F1199` for `E1199`), then in code order.
        let shared = |c: &str| {
            code.bytes()
                .zip(c.bytes())
                .take_while(|(a, b)| a == b)
                .count()
        };
        found.sort_by(|(da, a), (db, b)| {
            (da, std::cmp::Reverse(shared(a)), a).cmp(&(db, std::cmp::Reverse(shared(b)), b))
        });
        found.truncate(MAX_SUGGESTIONS);
        found.into_iter().map(|(_, c)| c).collect()
    }

    fn node(&self, ord: u64) -> [u32; 4] {
        let rows = self.sec(&self.node_rows);
        let i = usize::try_from(ord).unwrap_or(usize::MAX / 8);
        [0, 1, 2, 3].map(|j| u32_at(rows, i.saturating_mul(4).saturating_add(j)))
    }

    fn ranges(&self) -> &RangeNodes {
        self.range_nodes.get_or_init(|| {
            let mut s = self.nodes.stream();
            let mut v = Vec::new();
            while let Some((k, ord)) = s.next() {
                let key = String::from_utf8_lossy(k);
                if let Some((lo, hi)) = key.split_once('-') {
                    v.push((lo.to_string(), hi.to_string(), key.to_string(), ord));
                }
            }
            // Innermost first: a section's range sits inside its chapter's.
            v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut by_first = vec![Vec::new(); 256];
            for (i, (lo, hi, _, _)) in v.iter().enumerate() {
                let l = lo.as_bytes().first().copied().unwrap_or(0);
                let h = hi.as_bytes().first().copied().unwrap_or(u8::MAX);
                for b in l..=h {
                    if let Some(slot) = by_first.get_mut(usize::from(b)) {
                        slot.push(i);
                    }
                }
            }
            RangeNodes { all: v, by_first }
        })
    }

    /// The nodes that speak for `code`: itself, its ancestors, then the blocks holding it.
    /// Its ancestors are the prefixes the node map holds, found in one walk down the map.
    fn nodes_of(&self, code: &str) -> Vec<(String, u64)> {
        let fst = self.nodes.as_fst();
        let mut node = fst.root();
        let mut out = fst::raw::Output::zero();
        let mut v: Vec<(String, u64)> = Vec::new();
        for (n, b) in code.bytes().enumerate() {
            let Some(i) = node.find_input(b) else {
                break;
            };
            let t = node.transition(i);
            out = out.cat(t.out);
            node = fst.node(t.addr);
            if node.is_final()
                && let Some(k) = code.get(..=n)
            {
                v.push((k.to_string(), out.cat(node.final_output()).value()));
            }
        }
        v.reverse();
        let ranges = self.ranges();
        let first = code.as_bytes().first().copied().unwrap_or(0);
        let hits = ranges
            .by_first
            .get(usize::from(first))
            .map_or(&[][..], Vec::as_slice);
        for (lo, hi, key, ord) in hits.iter().filter_map(|&i| ranges.all.get(i)) {
            if super::range_matches(lo, hi, code) {
                v.push((key.clone(), *ord));
            }
        }
        v
    }

    /// How each note row reads, in row order: Excludes1 rows through [`Resolution::of`],
    /// others `Exact`. Resolved once, so a pair lookup only compares strings.
    fn resolutions(&self) -> &[Resolution] {
        self.resolutions.get_or_init(|| {
            let rows = self.sec(&self.notes);
            (0..rows.len() / NOTE_WIDTH)
                .map(|i| {
                    let w = |j: usize| u32_at(rows, i * 5 + j);
                    if w(0) == 0 {
                        Resolution::of(self.text((w(1), w(2))), self.text((w(3), w(4))))
                    } else {
                        Resolution::Exact
                    }
                })
                .collect()
        })
    }

    /// The note rows of node `ord` that are Excludes1 notes, by row index.
    fn excludes1_rows(&self, ord: u64) -> impl Iterator<Item = usize> + '_ {
        let rows = self.sec(&self.notes);
        let total = rows.len() / NOTE_WIDTH;
        let [start, count, _, _] = self.node(ord);
        let (start, count) = (start as usize, count as usize);
        (start..start.saturating_add(count).min(total)).filter(move |i| u32_at(rows, i * 5) == 0)
    }

    /// The Excludes1 note under which `code` (or one of its ancestors or blocks) excludes
    /// `other`, as `(node the note is on, note text)` ([`Excludes1Notes::excluding`]).
    pub fn excluded_by(&self, code: &str, other: &str) -> Option<(String, String)> {
        self.excludes1_notes(code)
            .excluding(other)
            .map(|(on, text)| (on.to_string(), text.to_string()))
    }

    /// The Excludes1 notes that speak for `code` (on it, an ancestor or a block), resolved
    /// once per run: a caller checking one code against many others fetches them once.
    pub fn excludes1_notes(&self, code: &str) -> Excludes1Notes {
        match self.notes_from_supplement() {
            Some(sup) => sup.excludes1_notes(code),
            None => Excludes1Notes(self.excludes1_of(code)),
        }
    }

    /// The Excludes1 notes that speak for `code`, nearest node first, resolved once per run.
    fn excludes1_of(&self, code: &str) -> Arc<[Excl]> {
        let code = normalize(code);
        self.excludes1.get_or_insert(code.as_ref(), || {
            let rows = self.sec(&self.notes);
            let resolutions = self.resolutions();
            let mut out = Vec::new();
            for (on, ord) in self.nodes_of(&code) {
                for i in self.excludes1_rows(ord) {
                    let w = |j: usize| u32_at(rows, i * 5 + j);
                    let Some(how) = resolutions.get(i) else {
                        continue;
                    };
                    if matches!(how, Resolution::Unresolved(_)) {
                        continue;
                    }
                    let targets = self
                        .text((w(1), w(2)))
                        .split(',')
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .map(Target::of)
                        .collect();
                    out.push(Excl {
                        on: on.clone(),
                        targets,
                        how: how.clone(),
                        text: self.text((w(3), w(4))).to_string(),
                    });
                }
            }
            (code.to_string(), out.into())
        })
    }

    /// How this set's Excludes1 notes read: counts of exact and qualified notes and every
    /// unresolved one, as `codesets info` reports them.
    pub fn excludes1_census(&self) -> Excludes1Census {
        if let Some(sup) = self.notes_from_supplement() {
            return sup.excludes1_census();
        }
        let rows = self.sec(&self.notes);
        let resolutions = self.resolutions();
        let mut census = Excludes1Census::default();
        let mut s = self.nodes.stream();
        while let Some((k, ord)) = s.next() {
            for i in self.excludes1_rows(ord) {
                let w = |j: usize| u32_at(rows, i * 5 + j);
                match resolutions.get(i) {
                    Some(Resolution::Exact) => census.exact += 1,
                    Some(Resolution::Unresolved(reason)) => {
                        census.unresolved.push(UnresolvedNote {
                            on: String::from_utf8_lossy(k).into_owned(),
                            reason: *reason,
                            text: self.text((w(3), w(4))).to_string(),
                        });
                    }
                    Some(_) => census.qualified += 1,
                    None => {}
                }
            }
        }
        census
    }

    /// Tabular notes of `code`: its own, then its ancestors' and its blocks', nearest first.
    pub fn notes(&self, code: &str) -> Vec<Note> {
        if let Some(sup) = self.notes_from_supplement() {
            return sup.notes(code);
        }
        let code = normalize(code);
        let rows = self.sec(&self.notes);
        let total = rows.len() / NOTE_WIDTH;
        let mut out = Vec::new();
        for (on, ord) in self.nodes_of(&code) {
            let [start, count, _, _] = self.node(ord);
            let (start, count) = (start as usize, count as usize);
            for i in start..start.saturating_add(count).min(total) {
                let w = |j: usize| u32_at(rows, i * 5 + j);
                let kind = match w(0) {
                    0 => NoteKind::Excludes1,
                    1 => NoteKind::Excludes2,
                    2 => NoteKind::CodeFirst,
                    3 => NoteKind::UseAdditional,
                    4 => NoteKind::CodeAlso,
                    _ => continue,
                };
                out.push(Note {
                    kind,
                    on: on.clone(),
                    targets: self
                        .text((w(1), w(2)))
                        .split(',')
                        .filter_map(CodePattern::parse)
                        .collect(),
                    text: self.text((w(3), w(4))).to_string(),
                });
            }
        }
        out
    }

    /// 7th-character meanings that apply to `code`: its own, else its nearest ancestor's;
    /// each code's are found once per run.
    pub fn seventh(&self, code: &str) -> Vec<(char, String)> {
        if let Some(sup) = self.notes_from_supplement() {
            return sup.seventh(code);
        }
        let code = normalize(code);
        self.sevenths
            .get_or_insert(code.as_ref(), || {
                (code.to_string(), self.find_seventh(&code).into())
            })
            .to_vec()
    }

    fn find_seventh(&self, code: &str) -> Vec<(char, String)> {
        let rows = self.sec(&self.seventh);
        let total = rows.len() / SEVENTH_WIDTH;
        for (_, ord) in self.nodes_of(code) {
            let [_, _, start, count] = self.node(ord);
            if count == 0 {
                continue;
            }
            let (start, count) = (start as usize, count as usize);
            return (start..start.saturating_add(count).min(total))
                .filter_map(|i| {
                    let w = |j: usize| u32_at(rows, i * 3 + j);
                    Some((char::from_u32(w(0))?, self.text((w(1), w(2))).to_string()))
                })
                .collect();
        }
        Vec::new()
    }
}
