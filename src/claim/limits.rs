//! Bounds on one claim, so that hostile or broken input costs bounded work: every reader
//! refuses a claim past one of these with a [`ClaimError`]
//! naming the [`Limit`] and the position, never the value (claims carry PHI), and the rest
//! of the batch is checked.
//!
//! The counts come from the X12 005010 implementation guides, so nothing a valid 837 may
//! carry is refused; the lengths are far above any real code or name.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::pending::ClaimError;
use super::position::{ClaimField, DxField, LineField, Position, ProcField};
use super::{Claim, ClaimKind};

/// Service lines on a professional claim: the 837P (005010X222A1) 2400 loop repeats 50 times.
pub const MAX_LINES_PROFESSIONAL: usize = 50;
/// Service lines on an institutional claim: the 837I (005010X223A2) 2400 loop repeats 999
/// times.
pub const MAX_LINES_INSTITUTIONAL: usize = 999;
/// Diagnoses on a claim: the 837P carries 12 (one HI), the 837I 25 in its principal,
/// admitting, reason-for-visit and other-diagnosis HI segments (up to 12 each, repeating);
/// 100 leaves room for every HI the 837I allows.
pub const MAX_DIAGNOSES: usize = 100;
/// ICD-10-PCS procedures on a claim: the 837I carries 25 (principal BBR, then BBQ HIs of 12
/// that repeat); 100, as for diagnoses.
pub const MAX_PROCEDURES: usize = 100;
/// Modifiers on a line: SV1/SV2 carry 4; JSON senders get room for more.
pub const MAX_MODIFIERS: usize = 16;
/// Diagnosis pointers on a line: SV107 carries 4; JSON senders get room for more.
pub const MAX_POINTERS: usize = 16;
/// Characters of a code (diagnosis, procedure, modifier, revenue code, NDC, place of
/// service): no ICD-10, HCPCS, CPT or NDC code is over 11 characters even with dots and
/// dashes; 48 is generous and still bounds every lookup and suggestion on it.
pub const MAX_CODE_LEN: usize = 48;
/// Characters of any other text field, and bytes of any X12 element: X12 elements are at most
/// 256 characters (AMT, NTE 80, NM103 60), FHIR and JSON names shorter still.
pub const MAX_FIELD_LEN: usize = 4096;
/// Digits before the decimal point of a charge (CLM02, SV102, SV203): X12's R type carries
/// at most 18 digits. Bounding amounts keeps every sum a run reports finite: a JSON 1e308
/// charge would make a batch's total infinite, which JSON cannot print.
pub const MAX_AMOUNT_DIGITS: usize = 18;
/// Digits before the decimal point of a unit count (SV104, SV205): R 1/15.
pub const MAX_QUANTITY_DIGITS: usize = 15;
/// Bytes of one JSON claim object (a lone object, an array element or an NDJSON line): a
/// 999-line institutional claim written out in full is about 250 KB.
pub const MAX_CLAIM_BYTES: usize = 1 << 20;

/// A bound a claim went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Limit {
    /// [`MAX_LINES_PROFESSIONAL`] or [`MAX_LINES_INSTITUTIONAL`], by the claim's kind.
    LinesPerClaim,
    /// [`MAX_DIAGNOSES`].
    DiagnosesPerClaim,
    /// [`MAX_PROCEDURES`].
    ProceduresPerClaim,
    /// [`MAX_MODIFIERS`].
    ModifiersPerLine,
    /// [`MAX_POINTERS`].
    PointersPerLine,
    /// [`MAX_CODE_LEN`].
    CodeLength,
    /// [`MAX_FIELD_LEN`].
    FieldLength,
    /// [`MAX_CLAIM_BYTES`].
    ClaimSize,
    /// [`MAX_AMOUNT_DIGITS`].
    AmountDigits,
    /// [`MAX_QUANTITY_DIGITS`].
    QuantityDigits,
}

impl Limit {
    /// The limit as error records name it (`lines-per-claim`).
    pub fn name(self) -> &'static str {
        match self {
            Limit::LinesPerClaim => "lines-per-claim",
            Limit::DiagnosesPerClaim => "diagnoses-per-claim",
            Limit::ProceduresPerClaim => "procedures-per-claim",
            Limit::ModifiersPerLine => "modifiers-per-line",
            Limit::PointersPerLine => "pointers-per-line",
            Limit::CodeLength => "code-length",
            Limit::FieldLength => "field-length",
            Limit::ClaimSize => "claim-size",
            Limit::AmountDigits => "amount-digits",
            Limit::QuantityDigits => "quantity-digits",
        }
    }

    /// The bound on a claim of this kind.
    pub fn max(self, kind: ClaimKind) -> usize {
        match self {
            Limit::LinesPerClaim => max_lines(kind),
            Limit::DiagnosesPerClaim => MAX_DIAGNOSES,
            Limit::ProceduresPerClaim => MAX_PROCEDURES,
            Limit::ModifiersPerLine => MAX_MODIFIERS,
            Limit::PointersPerLine => MAX_POINTERS,
            Limit::CodeLength => MAX_CODE_LEN,
            Limit::FieldLength => MAX_FIELD_LEN,
            Limit::ClaimSize => MAX_CLAIM_BYTES,
            Limit::AmountDigits => MAX_AMOUNT_DIGITS,
            Limit::QuantityDigits => MAX_QUANTITY_DIGITS,
        }
    }

    /// The magnitude a number under a digit limit must stay below (10^digits); infinite for
    /// the other limits, which bound no number.
    fn magnitude(self) -> f64 {
        match self {
            Limit::AmountDigits => AMOUNT_BOUND,
            Limit::QuantityDigits => QUANTITY_BOUND,
            _ => f64::INFINITY,
        }
    }

    /// What the limit counts, for messages.
    fn unit(self) -> &'static str {
        match self {
            Limit::LinesPerClaim => "service lines",
            Limit::DiagnosesPerClaim => "diagnoses",
            Limit::ProceduresPerClaim => "ICD procedures",
            Limit::ModifiersPerLine => "modifiers on one line",
            Limit::PointersPerLine => "diagnosis pointers on one line",
            Limit::CodeLength | Limit::FieldLength => "characters",
            Limit::ClaimSize => "bytes",
            Limit::AmountDigits | Limit::QuantityDigits => "digits before the decimal point",
        }
    }
}

/// The service lines a claim of this kind may have.
pub fn max_lines(kind: ClaimKind) -> usize {
    match kind {
        ClaimKind::Institutional => MAX_LINES_INSTITUTIONAL,
        ClaimKind::Professional => MAX_LINES_PROFESSIONAL,
    }
}

/// A claim past a limit: which, its bound, and the first position past it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("more than {max} {} (limit `{}`)", .limit.unit(), .limit.name())]
pub struct Exceeded {
    /// The limit.
    pub limit: Limit,
    /// Its bound on this claim.
    pub max: usize,
    /// The first item past a count, or the field too long.
    pub at: Position,
}

impl Exceeded {
    /// `limit` went past at `at` on a claim of `kind`.
    pub fn new(limit: Limit, kind: ClaimKind, at: Position) -> Exceeded {
        Exceeded {
            limit,
            max: limit.max(kind),
            at,
        }
    }
}

impl Exceeded {
    /// The message an error record carries: the position and the limit, never the value.
    pub fn message(&self) -> String {
        match self.at {
            Position::Claim => format!("the claim has {self}"),
            at => format!("`{at}`: {self}"),
        }
    }
}

/// The error record of a claim refused for `e`: its id (when short enough to be one), where
/// its source puts the position, and the limit.
pub fn refuse(claim: &Claim, e: Exceeded) -> ClaimError {
    let s = &claim.source;
    ClaimError {
        file: s.file.clone(),
        index: s.index,
        claim_id: claim_id(&claim.id),
        location: s
            .resolve(e.at)
            .or_else(|| e.at.parent().and_then(|p| s.resolve(p))),
        message: e.message(),
        limit: Some(e.limit),
    }
}

/// A claim id an error record may carry: a field-length id is left out.
pub fn claim_id(id: &str) -> Option<String> {
    (!id.is_empty() && id.len() <= MAX_FIELD_LEN).then(|| id.to_string())
}

/// Check a claim as read (before normalizing) against every limit: counts, then code and
/// field lengths and the size of numbers. Linear in the claim's size.
pub fn check(c: &Claim) -> Result<(), Exceeded> {
    let kind = c.kind;
    let over = |limit: Limit, n: usize, at: Position| {
        (n > limit.max(kind))
            .then(|| Exceeded::new(limit, kind, at))
            .map_or(Ok(()), Err)
    };
    let max = max_lines(kind);
    over(Limit::LinesPerClaim, c.lines.len(), Position::line(max))?;
    over(
        Limit::DiagnosesPerClaim,
        c.diagnoses.len(),
        Position::diagnosis(MAX_DIAGNOSES),
    )?;
    over(
        Limit::ProceduresPerClaim,
        c.procedures.len(),
        Position::procedure(MAX_PROCEDURES),
    )?;
    let number = |limit: Limit, v: Option<f64>, at: Position| match v {
        Some(v) if !fits(v, limit.magnitude()) => Err(Exceeded::new(limit, kind, at)),
        _ => Ok(()),
    };
    number(
        Limit::AmountDigits,
        c.total_charge,
        Position::Field(ClaimField::TotalCharge),
    )?;
    let code = |s: &str, at: Position| over(Limit::CodeLength, s.chars().count(), at);
    let code_opt = |s: &Option<String>, at: Position| s.as_deref().map_or(Ok(()), |s| code(s, at));
    for (i, d) in c.diagnoses.iter().enumerate() {
        code(&d.code, Position::diagnosis_field(i, DxField::Code))?;
    }
    for (i, p) in c.procedures.iter().enumerate() {
        code(&p.code, Position::procedure_field(i, ProcField::Code))?;
    }
    for (i, l) in c.lines.iter().enumerate() {
        over(
            Limit::ModifiersPerLine,
            l.modifiers.len(),
            Position::modifier(i, MAX_MODIFIERS),
        )?;
        over(
            Limit::PointersPerLine,
            l.diagnosis_pointers.len(),
            Position::pointer(i, MAX_POINTERS),
        )?;
        number(
            Limit::AmountDigits,
            l.charge,
            Position::line_field(i, LineField::Charge),
        )?;
        number(
            Limit::QuantityDigits,
            l.units,
            Position::line_field(i, LineField::Units),
        )?;
        code_opt(&l.procedure, Position::line_field(i, LineField::Procedure))?;
        code_opt(
            &l.revenue_code,
            Position::line_field(i, LineField::RevenueCode),
        )?;
        code_opt(&l.ndc, Position::line_field(i, LineField::Ndc))?;
        code_opt(
            &l.place_of_service,
            Position::line_field(i, LineField::PlaceOfService),
        )?;
        for (m, x) in l.modifiers.iter().enumerate() {
            code(x, Position::modifier(i, m))?;
        }
    }
    Ok(())
}

/// A JSON claim's service lines, the first one past any claim's limit kept and the rest only
/// parsed: 1 MiB of `{},` would be 350,000 lines (120 MB) before [`check`] refused them.
pub(crate) fn first_lines<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_seq(KeepFirst(MAX_LINES_INSTITUTIONAL + 1, PhantomData))
}

/// A JSON claim's diagnoses, as [`first_lines`] keeps lines.
pub(crate) fn first_diagnoses<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_seq(KeepFirst(MAX_DIAGNOSES + 1, PhantomData))
}

/// A JSON claim's ICD procedures, as [`first_lines`] keeps lines.
pub(crate) fn first_procedures<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_seq(KeepFirst(MAX_PROCEDURES + 1, PhantomData))
}

/// A list visitor keeping its first `.0` items: enough for [`check`] to see a count past the
/// limit and name the first item past it.
struct KeepFirst<T>(usize, PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for KeepFirst<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut kept = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.0).min(64));
        while kept.len() < self.0 {
            match seq.next_element()? {
                Some(x) => kept.push(x),
                None => return Ok(kept),
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(kept)
    }
}

/// Is `v` finite and below `bound` in magnitude?
fn fits(v: f64, bound: f64) -> bool {
    v.is_finite() && v.abs() < bound
}

/// 10^[`MAX_AMOUNT_DIGITS`], computed once: [`check`] tests every charge of every claim.
const AMOUNT_BOUND: f64 = pow10(MAX_AMOUNT_DIGITS);
/// 10^[`MAX_QUANTITY_DIGITS`].
const QUANTITY_BOUND: f64 = pow10(MAX_QUANTITY_DIGITS);

/// 10^n, exact in f64 up to 10^22.
const fn pow10(n: usize) -> f64 {
    let (mut b, mut i) = (1.0, 0);
    while i < n {
        b *= 10.0;
        i += 1;
    }
    b
}

/// Could a string in this JSON text be over [`MAX_FIELD_LEN`]? False when no two quotes are
/// that far apart, which is every real claim, so [`check_text`] runs only on suspects. (An
/// escaped quote splits a long string for this test; [`MAX_CLAIM_BYTES`] still bounds it.)
pub fn may_have_long_text(json: &[u8]) -> bool {
    if json.len() <= MAX_FIELD_LEN {
        return false;
    }
    let mut last = 0;
    for q in memchr::memchr_iter(b'"', json) {
        if q - last > MAX_FIELD_LEN {
            return true;
        }
        last = q;
    }
    json.len() - last > MAX_FIELD_LEN
}

/// The first text field of the claim over [`MAX_FIELD_LEN`], found by walking its JSON form
/// (the model's one complete walk of its fields). It costs a copy of the claim, so readers
/// call it when [`may_have_long_text`] says so; X12 bounds its elements as it reads them.
pub fn check_text(c: &Claim) -> Result<(), Exceeded> {
    let Ok(v) = serde_json::to_value(c) else {
        return Ok(());
    };
    let mut path = String::new();
    match long_string(&v, &mut path) {
        Some(p) => Err(Exceeded::new(
            Limit::FieldLength,
            c.kind,
            Position::parse(&p)
                .or_else(|| p.rsplit_once('/').and_then(|(a, _)| Position::parse(a)))
                .unwrap_or(Position::Claim),
        )),
        None => Ok(()),
    }
}

/// The JSON pointer of the first string in `v` longer than [`MAX_FIELD_LEN`] characters.
fn long_string(v: &serde_json::Value, path: &mut String) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::String(s) if s.len() > MAX_FIELD_LEN && s.chars().count() > MAX_FIELD_LEN => {
            Some(path.clone())
        }
        Value::Array(a) => a.iter().enumerate().find_map(|(i, x)| {
            let len = path.len();
            path.push_str(&format!("/{i}"));
            let r = long_string(x, path);
            path.truncate(len);
            r
        }),
        Value::Object(o) => o.iter().find_map(|(k, x)| {
            let len = path.len();
            path.push('/');
            path.push_str(k);
            let r = long_string(x, path);
            path.truncate(len);
            r
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(json: &str) -> Claim {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn counts_follow_the_claim_kind() {
        let lines = |n: usize, kind: &str| {
            let l = vec!["{}"; n].join(",");
            claim(&format!(r#"{{"id":"c","type":"{kind}","lines":[{l}]}}"#))
        };
        assert!(check(&lines(50, "professional")).is_ok());
        let e = check(&lines(51, "professional")).unwrap_err();
        assert_eq!(
            (e.limit, e.max, e.at),
            (Limit::LinesPerClaim, 50, Position::line(50))
        );
        assert_eq!(
            e.to_string(),
            "more than 50 service lines (limit `lines-per-claim`)"
        );
        assert!(check(&lines(51, "institutional")).is_ok());
        assert!(check(&lines(1000, "institutional")).is_err());
    }

    #[test]
    fn lengths_name_the_field_not_the_value() {
        let long = "A".repeat(49);
        let e = check(&claim(&format!(
            r#"{{"id":"c","diagnoses":[{{"code":"E119"}},{{"code":"{long}"}}]}}"#
        )))
        .unwrap_err();
        assert_eq!(e.limit, Limit::CodeLength);
        assert_eq!(e.at, Position::diagnosis_field(1, DxField::Code));
        assert!(!e.to_string().contains(&long));
        let name = "B".repeat(MAX_FIELD_LEN + 1);
        let text = format!(r#"{{"id":"c","billing_provider":{{"taxonomy":"{name}"}}}}"#);
        assert!(may_have_long_text(text.as_bytes()));
        assert!(!may_have_long_text(br#"{"id":"c"}"#));
        let e = check_text(&claim(&format!(
            r#"{{"id":"c","billing_provider":{{"taxonomy":"{name}"}}}}"#
        )))
        .unwrap_err();
        assert_eq!(e.limit, Limit::FieldLength);
        assert_ne!(e.at, Position::Claim);
    }

    #[test]
    fn lists_past_every_limit_keep_one_item_past_it() {
        let lines = |n: usize| {
            let l = vec![r#"{"units":1}"#; n].join(",");
            claim(&format!(
                r#"{{"id":"c","type":"institutional","lines":[{l}]}}"#
            ))
        };
        assert_eq!(lines(999).lines.len(), 999);
        let many = lines(5000);
        assert_eq!(many.lines.len(), MAX_LINES_INSTITUTIONAL + 1);
        let e = check(&many).unwrap_err();
        assert_eq!((e.limit, e.at), (Limit::LinesPerClaim, Position::line(999)));
        let dx = vec![r#"{"code":"E119"}"#; 300].join(",");
        let c = claim(&format!(r#"{{"id":"c","diagnoses":[{dx}]}}"#));
        assert_eq!(c.diagnoses.len(), MAX_DIAGNOSES + 1);
        assert_eq!(check(&c).unwrap_err().limit, Limit::DiagnosesPerClaim);
        let pcs = vec![r#"{"code":"0DTJ4ZZ"}"#; 300].join(",");
        let c = claim(&format!(r#"{{"id":"c","procedures":[{pcs}]}}"#));
        assert_eq!(c.procedures.len(), MAX_PROCEDURES + 1);
        // The skipped items are still parsed: a syntax error past the limit is one.
        let bad = format!(
            r#"{{"id":"c","lines":[{}, {{"units":}}]}}"#,
            vec!["{}"; 1200].join(",")
        );
        assert!(serde_json::from_str::<Claim>(&bad).is_err());
        assert!(serde_json::from_str::<Claim>(r#"{"id":"c","lines":null}"#).is_err());
    }

    #[test]
    fn amounts_and_units_keep_to_the_x12_digits() {
        let line = |units: &str, charge: &str| {
            claim(&format!(
                r#"{{"id":"c","lines":[{{}},{{"units":{units},"charge":{charge}}}]}}"#
            ))
        };
        // The largest 18-digit amounts f64 tells from 10^18.
        assert!(check(&line("999999999999999", "999999999999999000.25")).is_ok());
        assert!(check(&line("-5", "-999999999999999000")).is_ok());
        let e = check(&line("1", "1e18")).unwrap_err();
        assert_eq!(
            (e.limit, e.at),
            (
                Limit::AmountDigits,
                Position::line_field(1, LineField::Charge)
            )
        );
        assert_eq!(
            e.message(),
            "`/lines/1/charge`: more than 18 digits before the decimal point (limit `amount-digits`)"
        );
        let e = check(&line("1e15", "1")).unwrap_err();
        assert_eq!(
            (e.limit, e.at),
            (
                Limit::QuantityDigits,
                Position::line_field(1, LineField::Units)
            )
        );
        let e = check(&claim(r#"{"id":"c","total_charge":-1.7e308}"#)).unwrap_err();
        assert_eq!(
            (e.limit, e.at),
            (
                Limit::AmountDigits,
                Position::Field(ClaimField::TotalCharge)
            )
        );
        assert!(!fits(f64::NAN, AMOUNT_BOUND) && !fits(f64::INFINITY, AMOUNT_BOUND));
        assert_eq!((AMOUNT_BOUND, QUANTITY_BOUND), (1e18, 1e15));
    }
}
