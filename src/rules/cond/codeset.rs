//! `codeset`: a code's standing in a code set on the date of service (valid, deleted, not
//! yet valid, unknown, outside the loaded releases) and its attributes (billable, flags).

use super::prelude::*;
use crate::codeset::mce::mce_names;
use crate::codeset::{DxAttributes, Status, System, mce_bit};

/// What a rule writes under `codeset`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CodesetDoc {
    /// The field read.
    pub field: Sp<String>,
    /// icd10cm, icd10pcs, hcpcs, cpt, modifier, pos.
    pub system: Sp<String>,
    /// Any of: valid, not-yet-valid, no-longer-valid, not-effective (either), unknown,
    /// stale (code set older than the date of service), known, not-loaded.
    #[serde(default)]
    pub status: Option<Vec<Sp<String>>>,
    /// Known and billable (true) or known and a header (false).
    #[serde(default)]
    pub billable: Option<bool>,
    /// Known and carrying this attribute flag (manifestation, unacceptable_principal,
    /// external_cause…).
    #[serde(default)]
    pub flag: Option<Sp<String>>,
    /// Valid and carrying any of these Medicare Code Editor attributes on the date, as the MCE
    /// version in force then gave them (MCE spelling: `unacceptable`, `noncovered`, `csect`…).
    #[serde(default)]
    pub mce: Option<Vec<Sp<String>>>,
    /// A date field to judge the code on instead of the date of service
    /// (`claim.statement_to`…); the condition fails when the claim has no such date.
    #[serde(default)]
    pub on: Option<Sp<String>>,
}

/// Statuses a `codeset` condition accepts, as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusMask(pub u8);

impl StatusMask {
    /// Valid on the date.
    pub const VALID: u8 = 1;
    /// Added after the date.
    pub const NOT_YET: u8 = 2;
    /// Deleted before the date.
    pub const NO_LONGER: u8 = 4;
    /// Not in the code set at all.
    pub const UNKNOWN: u8 = 8;
    /// The date is outside what the loaded releases cover.
    pub const STALE: u8 = 16;
    /// The code system is not loaded.
    pub const NOT_LOADED: u8 = 32;

    /// The status names a rule may write, with their bits.
    pub const NAMES: &'static [(&'static str, u8)] = &[
        ("valid", Self::VALID),
        ("not-yet-valid", Self::NOT_YET),
        ("no-longer-valid", Self::NO_LONGER),
        ("not-effective", Self::NOT_YET | Self::NO_LONGER),
        ("unknown", Self::UNKNOWN),
        // The date is outside what the loaded releases cover (after the newest or before the
        // first): the code cannot be judged.
        ("stale", Self::STALE),
        ("known", Self::VALID | Self::NOT_YET | Self::NO_LONGER),
        ("not-loaded", Self::NOT_LOADED),
    ];
}

/// Attribute flags the shipped code sets carry (see `codesets/README.md`).
pub const KNOWN_FLAGS: &[&str] = &[
    "manifestation",
    "unacceptable_principal",
    "external_cause",
    "questionable_admission",
    "sex_edit_inactive",
    "unspecified",
    "requires_secondary_dx",
    "wrong_procedure",
    "delivery_outcome",
    "clinical_trial",
    "mental_health",
    "ioce_code_first",
    "ioce_unacceptable_principal",
];

/// An attribute flag, resolved when the rule compiles so evaluation tests a field, not a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flag {
    /// MCE manifestation code: never the principal diagnosis.
    Manifestation,
    /// MCE unacceptable principal diagnosis.
    UnacceptablePrincipal,
    /// External cause of morbidity (V00–Y99).
    ExternalCause,
    /// Any other flag, by its `attributes.tsv` name.
    Other(String),
}

impl Flag {
    fn parse(name: &str) -> Flag {
        match name {
            "manifestation" => Flag::Manifestation,
            "unacceptable_principal" => Flag::UnacceptablePrincipal,
            "external_cause" => Flag::ExternalCause,
            other => Flag::Other(other.to_string()),
        }
    }

    fn on(&self, a: &DxAttributes) -> bool {
        match self {
            Flag::Manifestation => a.manifestation,
            Flag::UnacceptablePrincipal => a.unacceptable_principal,
            Flag::ExternalCause => a.external_cause,
            Flag::Other(name) => a.other_flags.iter().any(|x| x == name),
        }
    }
}

/// The code's standing in a code set, and its attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Codeset {
    /// The field read.
    pub field: Field,
    /// The code system looked in.
    pub system: System,
    /// Statuses accepted; any when absent.
    pub status: Option<StatusMask>,
    /// Known and billable (true) or a header (false).
    pub billable: Option<bool>,
    /// Known and carrying this flag.
    pub flag: Option<Flag>,
    /// Carrying any of these MCE attribute bits on the date.
    pub mce: Option<u64>,
    /// The date field the code is judged on, instead of the date of service.
    pub on: Option<Field>,
}

impl Condition for Codeset {
    type Doc = CodesetDoc;
    const DESCRIPTION: &'static str =
        "The code's standing in a code set on the date of service, and its attributes.";
    const FACTS: &'static [Fact] = &[
        Fact::Status,
        Fact::ValidFrom,
        Fact::ValidTo,
        Fact::Through,
        Fact::Coverage,
    ];

    fn compile(x: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        let field = cx.field_kind(&x.field, bound, TEXTS);
        let system = cx.system(&x.system);
        let status = x.status.as_ref().map(|v| {
            let mut mask = 0u8;
            for s in v {
                match StatusMask::NAMES.iter().find(|(n, _)| *n == s.value) {
                    Some((_, bits)) => mask |= bits,
                    None => {
                        let names: Vec<&str> = StatusMask::NAMES.iter().map(|(n, _)| *n).collect();
                        let help = did_you_mean_or_list(&s.value, &names);
                        cx.err(
                            s,
                            Code::UnknownCodeStatus,
                            format!("unknown code status `{}`", s.value),
                            help,
                        );
                    }
                }
            }
            StatusMask(mask)
        });
        let flag = x.flag.as_ref().map(|f| {
            if !KNOWN_FLAGS.contains(&f.value.as_str()) {
                let help = did_you_mean(&f.value, KNOWN_FLAGS.iter().copied());
                cx.warn(
                    f,
                    Code::UnknownFlag,
                    format!("flag `{}` is not one the shipped code sets carry", f.value),
                    help,
                );
            }
            Flag::parse(&f.value)
        });
        let mce = x.mce.as_ref().map(|names| {
            let mut bits = 0;
            for n in names {
                match mce_bit(&n.value) {
                    Some(b) => bits |= b,
                    None => {
                        let help = did_you_mean_or_list(&n.value, mce_names());
                        cx.err(
                            n,
                            Code::UnknownFlag,
                            format!("`{}` is not a Medicare Code Editor attribute", n.value),
                            help,
                        );
                    }
                }
            }
            bits
        });
        let on = match &x.on {
            None => None,
            Some(o) => {
                let f = cx.field(o, bound)?;
                if f.kind() != Kind::Date {
                    cx.err(
                        o,
                        Code::WrongType,
                        format!("`on` takes a date field; `{}` is {}", f.name(), f.kind().describe()),
                        Some("name a date such as `claim.statement_to`".into()),
                    );
                    return None;
                }
                Some(f)
            }
        };
        Some(Codeset {
            on,
            field: field?,
            system: system?,
            status,
            billable: x.billable,
            flag,
            mce,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        text_values(&self.field.get(s)).any(|code| self.test(code, env, s, facts))
    }

    fn show(&self) -> String {
        format!("codeset: {} {}", self.field.name(), self.system.name())
    }
}

impl Codeset {
    fn test(&self, code: &str, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let mask = self.status;
        let date = match self.on {
            None => env.date(s),
            Some(f) => match f.get(s) {
                Value::Date(d) => d,
                _ => return false,
            },
        };
        let Some(found) = env.lookup(self.system, code, date) else {
            return mask.is_some_and(|m| m.0 & StatusMask::NOT_LOADED != 0);
        };
        let bit = match found.status {
            Status::Valid => StatusMask::VALID,
            Status::NotYetValid { from } => {
                facts.set(Fact::Status, format!("not valid until {from}"));
                facts.set(Fact::ValidFrom, from.to_string());
                StatusMask::NOT_YET
            }
            Status::NoLongerValid { until } => {
                facts.set(Fact::Status, format!("deleted after {until}"));
                facts.set(Fact::ValidTo, until.to_string());
                StatusMask::NO_LONGER
            }
            Status::Unknown => StatusMask::UNKNOWN,
            Status::Stale { through } => {
                facts.set(Fact::Through, through.to_string());
                facts.set(Fact::Coverage, format!("dates through {through}"));
                StatusMask::STALE
            }
            Status::BeforeCoverage { from } => {
                facts.set(Fact::Coverage, format!("dates from {from}"));
                StatusMask::STALE
            }
        };
        if mask.is_some_and(|m| m.0 & bit == 0) {
            return false;
        }
        if self.billable.is_none() && self.flag.is_none() && self.mce.is_none() {
            return true;
        }
        let Some(rec) = &found.record else {
            return false;
        };
        self.billable.is_none_or(|b| rec.billable == b)
            && self.flag.as_ref().is_none_or(|f| f.on(&rec.attributes))
            && self.mce.is_none_or(|bits| rec.mce.has(bits))
    }
}

#[cfg(test)]
mod tests {
    use super::super::facts::Fact;
    use super::super::prelude::harness::{eval, holds, rule};

    const CLAIM: &str = r#"{"id":"c","lines":[{"from":"2026-03-01"}],"diagnoses":[{"code":"E11.9"},{"code":"E11"},{"code":"E11.999"},{"code":"H40.11X0"},{"code":"G63"}]}"#;

    #[test]
    fn status_and_billable() {
        let w = "  codeset: { field: dx.code, system: icd10cm, status: [valid], billable: false }";
        assert_eq!(
            holds("diagnosis", w, CLAIM),
            [false, true, false, false, false]
        );
        let w = "  codeset: { field: dx.code, system: icd10cm, status: [unknown] }";
        assert_eq!(
            holds("diagnosis", w, CLAIM),
            [false, false, true, false, false]
        );
    }

    #[test]
    fn a_deleted_code_says_when() {
        let r = rule(
            "diagnosis",
            "  codeset: { field: dx.code, system: icd10cm, status: [no-longer-valid] }",
            "{status}",
        )
        .unwrap();
        let got = eval(&r, CLAIM);
        assert!(got[3].0, "H40.11X0 was deleted in 2016");
        assert_eq!(got[3].1.get(Fact::ValidTo), Some("2016-09-30"));
    }

    #[test]
    fn mce_attributes_are_dated() {
        // N40.0 (prostate) was male-only in the MCE until its sex edits ended on 2024-09-30.
        let w = "  codeset: { field: dx.code, system: icd10cm, mce: [male] }";
        let on = |d: &str| {
            let c = format!(
                r#"{{"id":"c","lines":[{{"from":"{d}"}}],"diagnoses":[{{"code":"N40.0"}},{{"code":"E11.9"}}]}}"#
            );
            holds("diagnosis", w, &c)
        };
        assert_eq!(on("2024-09-30"), [true, false]);
        assert_eq!(on("2024-10-01"), [false, false]);
        let e = rule("diagnosis", "  codeset: { field: dx.code, system: icd10cm, mce: [unaceptable] }", "m")
            .unwrap_err();
        assert!(e[0].starts_with("unknown-flag"), "{e:?}");
    }

    #[test]
    fn flags_are_typed() {
        let w = "  codeset: { field: dx.code, system: icd10cm, flag: manifestation }";
        assert_eq!(
            holds("diagnosis", w, CLAIM),
            [false, false, false, false, true]
        );
        let e = rule(
            "diagnosis",
            "  codeset: { field: dx.code, system: icd10cm, status: [gone] }",
            "m",
        )
        .unwrap_err();
        assert!(e[0].starts_with("unknown-code-status"), "{e:?}");
    }
}
