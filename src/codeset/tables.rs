//! NCCI procedure-to-procedure edits, medically unlikely edits and add-on code edits: each an
//! fst from key to a run of fixed-width dated rows.

use std::ops::Range;

use fst::IntoStreamer;
use jiff::civil::Date;

use super::compile::section;
use super::load::{Container, Slice, str_at, u32_at};
use super::lookup::key;
use super::{AddOn, CodesetError, Mue, PtpEdit};

/// Row widths in u32 words.
pub(crate) const PTP_WIDTH: usize = 3; // effective, deletion (0 none), modifier indicator
pub(crate) const MUE_WIDTH: usize = 4; // effective, end (0 open), value, indicator
pub(crate) const ADDON_WIDTH: usize = 5; // effective, deletion, type, primary (off, len)

/// Which edit table a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EditKind {
    Ptp,
    Mue,
    AddOn,
}

impl EditKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            EditKind::Ptp => "ptp",
            EditKind::Mue => "mue",
            EditKind::AddOn => "addon",
        }
    }
    pub(crate) fn width(self) -> usize {
        match self {
            EditKind::Ptp => PTP_WIDTH,
            EditKind::Mue => MUE_WIDTH,
            EditKind::AddOn => ADDON_WIDTH,
        }
    }
    pub(crate) fn from_name(s: &str) -> Option<EditKind> {
        [EditKind::Ptp, EditKind::Mue, EditKind::AddOn]
            .into_iter()
            .find(|k| k.name() == s)
    }
}

/// A loaded edit table.
#[derive(Debug, Clone)]
pub(crate) struct EditTable {
    pub kind: EditKind,
    pub file: Container,
    map: fst::Map<Slice>,
    rows: Range<usize>,
    strings: Range<usize>,
}

/// Is `d` within effective..=end (end 0 = open)?
fn in_effect(d: u32, effective: u32, end: u32) -> bool {
    effective <= d && (end == 0 || d <= end)
}

impl EditTable {
    pub(crate) fn from_container(
        file: Container,
        kind: EditKind,
        verify: bool,
    ) -> Result<EditTable, CodesetError> {
        let width = file.meta("width").and_then(|w| w.parse::<usize>().ok());
        if width != Some(kind.width()) {
            return Err(CodesetError::Corrupt {
                path: file.path.clone(),
                what: format!("{} rows must be {} words wide", kind.name(), kind.width()),
            });
        }
        Ok(EditTable {
            kind,
            map: file.fst(section::EDITS_FST, verify)?,
            rows: file.section(section::EDITS, kind.width() * 4)?,
            strings: file.section(section::STRINGS, 1)?,
            file,
        })
    }

    fn sec(&self, r: &Range<usize>) -> &[u8] {
        self.file.all().get(r.clone()).unwrap_or(&[])
    }

    /// The rows stored under `key`.
    fn rows(&self, key: &[u8]) -> impl Iterator<Item = &[u8]> {
        let w = self.kind.width() * 4;
        let all = self.sec(&self.rows);
        let v = self.map.get(key).unwrap_or(0);
        let (start, count) = ((v >> 32) as usize, (v & 0xffff_ffff) as usize);
        let bytes = start
            .checked_mul(w)
            .zip(start.checked_add(count).and_then(|e| e.checked_mul(w)))
            .and_then(|(s, e)| all.get(s..e))
            .unwrap_or(&[]);
        bytes.chunks_exact(w)
    }

    pub(crate) fn ptp(&self, column1: &str, column2: &str, date: Date) -> Option<PtpEdit> {
        let mut k = Vec::with_capacity(column1.len() + column2.len() + 1);
        k.extend_from_slice(column1.as_bytes());
        k.push(0);
        k.extend_from_slice(column2.as_bytes());
        let d = key(date);
        self.rows(&k)
            .find(|r| in_effect(d, u32_at(r, 0), u32_at(r, 1)))
            .and_then(|r| {
                Some(PtpEdit {
                    modifier_indicator: u8::try_from(u32_at(r, 2)).ok()?,
                    effective: super::lookup::date_of(u32_at(r, 0))?,
                    deletion: match u32_at(r, 1) {
                        0 => None,
                        x => Some(super::lookup::date_of(x)?),
                    },
                })
            })
    }

    pub(crate) fn mue(&self, code: &str, date: Date) -> Option<Mue> {
        let d = key(date);
        self.rows(code.as_bytes())
            .find(|r| in_effect(d, u32_at(r, 0), u32_at(r, 1)))
            .and_then(|r| {
                Some(Mue {
                    value: u32_at(r, 2),
                    indicator: u8::try_from(u32_at(r, 3)).ok()?,
                })
            })
    }

    pub(crate) fn addon(&self, code: &str, date: Date) -> Option<AddOn> {
        let d = key(date);
        let strings = self.sec(&self.strings);
        let mut kind = None;
        let mut primaries = Vec::new();
        for r in self.rows(code.as_bytes()) {
            if !in_effect(d, u32_at(r, 0), u32_at(r, 1)) {
                continue;
            }
            kind.get_or_insert(u8::try_from(u32_at(r, 2)).unwrap_or(0));
            let p = str_at(strings, u32_at(r, 3), u32_at(r, 4));
            if !p.is_empty() {
                primaries.push(p.to_string());
            }
        }
        primaries.sort();
        primaries.dedup();
        kind.map(|kind| AddOn { kind, primaries })
    }

    /// Number of distinct keys.
    pub(crate) fn keys(&self) -> usize {
        self.map.len()
    }

    /// All keys (tests and benchmarks).
    #[allow(dead_code, reason = "used by tests")]
    pub(crate) fn all_keys(&self) -> Vec<Vec<u8>> {
        use fst::Streamer;
        let mut s = self.map.range().into_stream();
        let mut v = Vec::new();
        while let Some((k, _)) = s.next() {
            v.push(k.to_vec());
        }
        v
    }
}
