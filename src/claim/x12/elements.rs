//! X12 837 element helpers shared by the loop mappers: element references (`NM1-09`),
//! segment element counts, locations, dates and amounts, and the fault a claim fails with.

use std::borrow::Cow;
use std::sync::Arc;

use jiff::civil::Date;

use super::tokenizer::Segment;
use crate::claim::limits::{self, Exceeded, Limit};
use crate::claim::position::Position;
use crate::claim::source::{Location, Spans};
use crate::claim::{Claim, ClaimKind};

/// Something wrong at one place in the file. Messages name elements, never their values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// 1-based number of the segment in the file.
    pub segment: u32,
    /// The 837 loop the segment was read in (`2300`, `2400`, `2010BA`).
    pub loop_id: &'static str,
    /// Element reference (`DMG-02`, `SV1-07`) or the segment id (`CLM`).
    pub element: Cow<'static, str>,
    /// What is wrong or missing there.
    pub message: String,
    /// The limit the claim went past, when that is the fault.
    pub limit: Option<Limit>,
}

impl Fault {
    /// A fault at `element` of segment number `segment` in loop `loop_id`.
    pub fn new(
        segment: u32,
        loop_id: &'static str,
        element: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Fault {
        Fault {
            segment,
            loop_id,
            element: element.into(),
            message: message.into(),
            limit: None,
        }
    }

    /// The claim went past a limit at `element` of segment `segment`.
    pub fn over(
        segment: u32,
        loop_id: &'static str,
        element: impl Into<Cow<'static, str>>,
        e: Exceeded,
    ) -> Fault {
        Fault {
            limit: Some(e.limit),
            ..Fault::new(segment, loop_id, element, e.to_string())
        }
    }

    /// A limit found on the built claim, at the place its spans recorded for the position
    /// or its nearest ancestor (the CLM segment at worst).
    pub fn over_at(spans: &Spans, e: Exceeded) -> Fault {
        match spans.resolve(e.at) {
            Some(Location::X12 {
                segment,
                loop_id: Cow::Borrowed(loop_id),
                element,
                ..
            }) => Fault::over(*segment, loop_id, element.clone(), e),
            _ => Fault::over(0, "2300", "CLM", e),
        }
    }

    /// The fault's place as a [`Location`], in the transaction set with ST02 `transaction`.
    pub fn location(&self, transaction: &Arc<str>) -> Location {
        Location::X12 {
            segment: self.segment,
            loop_id: Cow::Borrowed(self.loop_id),
            element: self.element.clone(),
            transaction: transaction.clone(),
            offset: None,
        }
    }
}

/// An element of `seg` longer than [`MAX_FIELD_LEN`](limits::MAX_FIELD_LEN): a fault at it,
/// found before any of the segment is copied into the claim.
pub(super) fn long_element(seg: &Segment, loop_id: &'static str) -> Result<(), Fault> {
    match seg.element_over(limits::MAX_FIELD_LEN) {
        None => Ok(()),
        Some(n) => Err(Fault::over(
            seg.number,
            loop_id,
            format!("{}-{n:02}", id_str(seg)),
            Exceeded::new(Limit::FieldLength, ClaimKind::Professional, Position::Claim),
        )),
    }
}

/// A claim that could not be built: its id when CLM01 was read, and why.
#[derive(Debug, Clone)]
pub struct Failed {
    /// CLM01, when the claim got that far, so the error record can name the claim.
    pub claim_id: Option<String>,
    /// The first fault met in the claim's loops.
    pub fault: Fault,
}

/// One 2300 claim as the transaction mapper finishes it: built, or failed with its fault.
pub type Built = Result<Claim, Failed>;

/// The segment id as text.
pub fn id_str<'a>(seg: &Segment<'a>) -> &'a str {
    std::str::from_utf8(seg.id()).unwrap_or_default()
}

/// Element reference in the `NM1-09` form; static for the elements mapped.
pub(super) fn el(seg: &Segment, n: usize) -> Cow<'static, str> {
    let s: &'static str = match (seg.id(), n) {
        (b"NM1", 1) => "NM1-01",
        (b"NM1", 3) => "NM1-03",
        (b"NM1", 9) => "NM1-09",
        (b"DMG", 2) => "DMG-02",
        (b"DMG", 3) => "DMG-03",
        (b"SBR", 1) => "SBR-01",
        (b"SBR", 2) => "SBR-02",
        (b"SBR", 9) => "SBR-09",
        (b"PAT", 1) => "PAT-01",
        (b"PRV", 3) => "PRV-03",
        (b"REF", 2) => "REF-02",
        (b"CLM", 1) => "CLM-01",
        (b"CLM", 2) => "CLM-02",
        (b"DTP", 3) => "DTP-03",
        (b"CL1", 3) => "CL1-03",
        (b"BHT", 4) => "BHT-04",
        (b"LIN", 3) => "LIN-03",
        _ => return Cow::Owned(format!("{}-{n:02}", id_str(seg))),
    };
    Cow::Borrowed(s)
}

/// `HI-nn-m` for composite `n` (1–12), component `m`.
pub(super) fn hi_el(n: usize, m: usize) -> Cow<'static, str> {
    const C2: [&str; 12] = [
        "HI-01-2", "HI-02-2", "HI-03-2", "HI-04-2", "HI-05-2", "HI-06-2", "HI-07-2", "HI-08-2",
        "HI-09-2", "HI-10-2", "HI-11-2", "HI-12-2",
    ];
    match (m, C2.get(n.wrapping_sub(1))) {
        (2, Some(s)) => Cow::Borrowed(s),
        _ => Cow::Owned(format!("HI-{n:02}-{m}")),
    }
}

/// The most data elements each mapped segment may carry (005010 guides), and the fewest a
/// usable one has.
pub(super) fn element_bounds(id: &[u8]) -> Option<(usize, usize)> {
    Some(match id {
        b"BHT" => (4, 6),
        b"HL" => (3, 4),
        b"PRV" => (3, 6),
        b"NM1" => (2, 12),
        b"REF" => (2, 4),
        b"SBR" => (1, 9),
        b"PAT" => (1, 9),
        b"DMG" => (2, 11),
        b"CLM" => (5, 20),
        b"DTP" => (3, 3),
        b"CL1" => (1, 4),
        b"HI" => (1, 12),
        b"LX" => (1, 1),
        b"SV1" => (2, 21),
        b"SV2" => (3, 10),
        b"LIN" => (3, 31),
        _ => return None,
    })
}

/// Check the element count of a mapped segment.
pub fn check_count(seg: &Segment, loop_id: &'static str) -> Result<(), Fault> {
    let Some((min, max)) = element_bounds(seg.id()) else {
        return Ok(());
    };
    let n = seg.element_count();
    let id = id_str(seg);
    if n > max {
        return Err(Fault::new(
            seg.number,
            loop_id,
            id.to_string(),
            format!("`{id}` has {n} elements; at most {max} are allowed"),
        ));
    }
    // Trailing empty elements are usually dropped, so only the used ones must be present.
    if n < min {
        return Err(Fault::new(
            seg.number,
            loop_id,
            id.to_string(),
            format!("`{id}` has {n} elements; at least {min} are required"),
        ));
    }
    Ok(())
}

/// The location of an element of `seg` in loop `loop_id` of transaction `txn`.
pub(super) fn loc(
    seg: &Segment,
    loop_id: &'static str,
    element: impl Into<Cow<'static, str>>,
    txn: &Arc<str>,
) -> Location {
    Location::X12 {
        segment: seg.number,
        loop_id: Cow::Borrowed(loop_id),
        element: element.into(),
        transaction: txn.clone(),
        offset: Some(seg.offset),
    }
}

/// An element's text, absent when empty.
pub(super) fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// `CCYYMMDD` as a date.
pub fn parse_d8(s: &str) -> Option<Date> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i16 = s.get(0..4)?.parse().ok()?;
    let m: i8 = s.get(4..6)?.parse().ok()?;
    let d: i8 = s.get(6..8)?.parse().ok()?;
    Date::new(y, m, d).ok()
}

/// A `DTP` or `HI` date by its format qualifier: `D8` one date, `RD8` a range, `DT` a date
/// and time (the date is kept).
pub(super) fn parse_period(format: &str, value: &str) -> Option<(Date, Option<Date>)> {
    match format {
        "D8" => parse_d8(value).map(|d| (d, None)),
        "DT" => parse_d8(value.get(..8)?).map(|d| (d, None)),
        "RD8" => {
            let (a, b) = value.split_once('-')?;
            Some((parse_d8(a)?, Some(parse_d8(b)?)))
        }
        _ => None,
    }
}

pub(super) fn parse_amount(
    seg: &Segment,
    n: usize,
    loop_id: &'static str,
    what: &str,
) -> Result<Option<f64>, Fault> {
    let s = seg.text(n);
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| {
            Fault::new(
                seg.number,
                loop_id,
                el(seg, n),
                format!("{what} is not a number"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_d8("20240229"), Some(jiff::civil::date(2024, 2, 29)));
        assert_eq!(parse_d8("20230229"), None);
        assert_eq!(parse_d8("2023022"), None);
        assert_eq!(
            parse_period("RD8", "20231202-20231215"),
            Some((
                jiff::civil::date(2023, 12, 2),
                Some(jiff::civil::date(2023, 12, 15))
            ))
        );
        assert_eq!(
            parse_period("DT", "202312011430").map(|p| p.0),
            Some(jiff::civil::date(2023, 12, 1))
        );
        assert_eq!(parse_period("RD8", "20231202"), None);
    }
}
