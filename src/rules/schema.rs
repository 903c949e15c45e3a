//! The serde types of rule files, rule tests and pack files. All YAML access lives here,
//! so the YAML crate can be swapped without touching the compiler.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

/// A value with the 1-based line and column where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    pub value: T,
    pub line: u32,
    pub column: u32,
}

impl<T> Sp<T> {
    pub fn at(&self) -> (u32, u32) {
        (self.line, self.column)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        Ok(Sp {
            value: s.value,
            line: u32::try_from(s.referenced.line()).unwrap_or(u32::MAX),
            column: u32::try_from(s.referenced.column()).unwrap_or(u32::MAX),
        })
    }
}

impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(g)
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

/// A YAML syntax or shape error, with where it happened.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// The deepest YAML nesting accepted. Rules nest a handful of levels (`all` → `not` →
/// `pointed_diagnosis` → `codes`); serde's recursion costs tens of KiB of stack per level in
/// debug builds, so a pathological file is refused here rather than overflowing the stack.
pub const MAX_DEPTH: usize = 24;

/// Parse a YAML document into `T`.
pub fn from_yaml<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, YamlError> {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    serde_saphyr::from_str_with_options::<T>(text, options).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| {
                (
                    u32::try_from(l.line()).unwrap_or(0),
                    u32::try_from(l.column()).unwrap_or(0),
                )
            })
            .unwrap_or((0, 0));
        // The crate's Display renders a source snippet; keep only the first line of prose.
        let full = e.to_string();
        let first = full
            .lines()
            .next()
            .unwrap_or("invalid YAML")
            .trim()
            .trim_start_matches("error: ");
        // The position is reported separately; drop the crate's `line N column M: ` prefix.
        let message = first
            .strip_prefix("line ")
            .and_then(|r| r.split_once(": "))
            .filter(|(pos, _)| pos.contains(" column "))
            .map_or(first, |(_, m)| m)
            .to_string();
        let message = if message.starts_with("budget breached: Depth") {
            format!("YAML nested deeper than {MAX_DEPTH} levels")
        } else {
            message
        };
        YamlError {
            line,
            column,
            message,
        }
    })
}

/// One rule file: a single rule with its documentation.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    /// Stable id, never reused: pack prefix and three digits, e.g. `ICD002`.
    pub id: Sp<String>,
    /// Short kebab-case name, e.g. `non-billable-diagnosis`.
    pub name: Sp<String>,
    /// One line a biller understands.
    pub title: String,
    /// error = will be rejected or denied, warning = denial risk, info.
    #[schemars(with = "crate::finding::Severity")]
    pub severity: Sp<String>,
    /// One of the category vocabulary (see `docs/rules.md`).
    #[schemars(with = "crate::finding::Category")]
    pub category: Sp<String>,
    /// Expected claim adjustment reason code with group, e.g. `CO-97`.
    #[serde(default)]
    pub carc: Option<Sp<String>>,
    /// Expected remittance advice remark code, e.g. `N290`.
    #[serde(default)]
    pub rarc: Option<Sp<String>>,
    /// preview, stable, deprecated or removed (ids of removed rules are never reused).
    #[serde(default)]
    pub status: Option<Sp<String>>,
    /// Dates of service the rule applies to.
    #[serde(default)]
    pub effective: Option<EffectiveDoc>,
    /// Which claims the rule applies to.
    #[serde(default)]
    pub scope: Option<ScopeDoc>,
    /// What the rule iterates over: claim, line, diagnosis, procedure, modifier, pointer,
    /// line-pair or diagnosis-pair.
    #[serde(default)]
    pub each: Option<Sp<String>>,
    /// The condition under which the rule fires.
    pub when: Sp<Cond>,
    /// The field the finding is about; its value becomes the finding's `code` and its
    /// location the finding's `path`.
    #[serde(default)]
    pub target: Option<Sp<String>>,
    /// Message template; `{field.path}` and `{code}`, `{title}`, `{children}`,
    /// `{suggestions}` and predicate facts are filled in.
    pub message: Sp<String>,
    /// How to fix it (same placeholders).
    pub help: Sp<String>,
    /// What it checks / why it matters / example / fix / references, in Markdown.
    #[serde(default)]
    pub docs: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EffectiveDoc {
    #[serde(default)]
    pub from: Option<Sp<String>>,
    #[serde(default)]
    pub to: Option<Sp<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeDoc {
    /// `professional`, `institutional`.
    #[serde(default)]
    pub claim_types: Option<Vec<Sp<String>>>,
    /// Payer ids (2010BB NM109).
    #[serde(default)]
    pub payers: Option<Vec<Sp<String>>>,
    /// Claim filing indicators (SBR09), e.g. `MB`.
    #[serde(default)]
    pub plans: Option<Vec<Sp<String>>>,
}

/// A literal in a comparison.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Literal {
    Bool(bool),
    Number(f64),
    Text(String),
}

/// A condition. Each is a one-key map, e.g. `present: billing.npi`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Cond {
    /// Every sub-condition holds.
    All(Vec<Sp<Cond>>),
    /// At least one holds.
    Any(Vec<Sp<Cond>>),
    /// The sub-condition does not hold.
    Not(Box<Sp<Cond>>),
    /// The field has a non-empty value.
    Present(Sp<String>),
    /// The field is missing or empty.
    Absent(Sp<String>),
    /// Compare a field with a literal (`value`) or another field (`to`).
    Compare(CompareDoc),
    /// The field's value is one of these strings (for lists: any element is).
    OneOf(OneOfDoc),
    /// Whole days from one date field to another, compared.
    DaysBetween(DaysDoc),
    /// The field matches the regular expression (unanchored: write `^…$`).
    Regex(RegexDoc),
    /// The code is in a list: codes, prefixes (`M81.*`, `O24.4-`) and ranges (`E08-E13`),
    /// inline or from a file beside the rule.
    Codes(CodesDoc),
    /// The code's standing in a code set on the date of service, and its attributes.
    Codeset(CodesetDoc),
    /// The diagnosis code's age edit (MCE age group or limits) excludes the patient's age.
    AgeConflict(Sp<String>),
    /// The code is limited to the other sex than the patient's.
    SexConflict(Sp<String>),
    /// ICD-10-CM Excludes1: `field` and `other` may not be coded together.
    Excludes1(PairFieldsDoc),
    /// An NCCI procedure-to-procedure edit applies to column 1 / column 2 and is not
    /// bypassed by an NCCI-associated modifier.
    PtpEdit(PtpDoc),
    /// Units exceed the MUE: per line (indicator 1) or summed per date (2, 3).
    MueExceeded(MueDoc),
    /// An add-on code (type 1) without any of its primary codes on the claim.
    AddonWithoutPrimary(Sp<String>),
    /// Some service line satisfies the condition.
    AnyLine(Box<Sp<Cond>>),
    /// Every service line satisfies the condition (true when there are none).
    AllLines(Box<Sp<Cond>>),
    /// Some diagnosis satisfies the condition.
    AnyDiagnosis(Box<Sp<Cond>>),
    /// Some diagnosis the current line points at satisfies the condition.
    PointedDiagnosis(Box<Sp<Cond>>),
    /// Count the lines, diagnoses, modifiers, pointers or procedures satisfying a condition.
    Count(CountDoc),
    /// In a pair iteration: each named field is equal on both sides (`from`, `procedure`…).
    Same(Vec<Sp<String>>),
    /// The field fails its check-digit scheme (`npi`: Luhn with the 80840 prefix).
    BadCheckDigit(CheckDigitDoc),
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareDoc {
    pub field: Sp<String>,
    /// eq, ne, lt, le, gt, ge.
    pub op: Sp<String>,
    #[serde(default)]
    pub value: Option<Sp<Literal>>,
    #[serde(default)]
    pub to: Option<Sp<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OneOfDoc {
    pub field: Sp<String>,
    pub values: Vec<Sp<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DaysDoc {
    pub from: Sp<String>,
    pub to: Sp<String>,
    pub op: Sp<String>,
    pub value: Sp<i64>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegexDoc {
    pub field: Sp<String>,
    pub pattern: Sp<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CodesDoc {
    pub field: Sp<String>,
    /// Codes, prefixes and ranges.
    #[serde(default, rename = "in")]
    pub codes: Option<Vec<Sp<String>>>,
    /// A code-list file beside the rule: one code, prefix or range a line, `#` comments.
    #[serde(default)]
    pub file: Option<Sp<String>>,
    /// Code system the list is in, to check the listed codes exist (lint).
    #[serde(default)]
    pub system: Option<Sp<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CodesetDoc {
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
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PairFieldsDoc {
    pub field: Sp<String>,
    pub other: Sp<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PtpDoc {
    pub column1: Sp<String>,
    pub column2: Sp<String>,
    /// Modifiers that may bypass an indicator-1 edit (the column-2 line's modifiers).
    #[serde(default)]
    pub modifiers: Option<Sp<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MueDoc {
    pub field: Sp<String>,
    /// `line` (adjudication indicator 1) or `date` (indicators 2 and 3).
    pub per: Sp<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CountDoc {
    /// line, diagnosis, procedure, modifier (of the current line) or pointer.
    pub each: Sp<String>,
    #[serde(default, rename = "where")]
    pub filter: Option<Box<Sp<Cond>>>,
    pub op: Sp<String>,
    pub value: Sp<i64>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckDigitDoc {
    pub field: Sp<String>,
    /// `npi`.
    pub scheme: Sp<String>,
}

/// `pack.yaml`: what a directory of rules is and when it applies.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackDoc {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Default scope for every rule of the pack (a payer pack names its payers here).
    #[serde(default)]
    pub scope: Option<ScopeDoc>,
    /// Rules of other packs turned off for claims this pack applies to.
    #[serde(default)]
    pub disable: Vec<Sp<String>>,
}

/// `<rule>.test.yaml`: cases that must fire, must not fire, or are known gaps.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleTestDoc {
    /// A claim every case starts from; a case's `claim` is merged over it (JSON merge
    /// patch: objects merge, lists and values replace, `null` removes).
    #[serde(default)]
    pub base: Option<serde_json::Value>,
    pub cases: Vec<TestCaseDoc>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestCaseDoc {
    pub name: Sp<String>,
    /// The claim, in claimscrub's JSON claim format written as YAML.
    #[serde(default)]
    pub claim: Option<serde_json::Value>,
    /// A claim file beside the test (JSON, NDJSON, X12 or FHIR); every claim in it is checked.
    #[serde(default)]
    pub file: Option<Sp<String>>,
    /// Findings of this rule that must appear (exactly these); empty means must not fire.
    #[serde(default)]
    pub expect: Vec<ExpectDoc>,
    /// A known gap: reported, never fails the run.
    #[serde(default)]
    pub todo: Option<String>,
    /// Code-set options for this case: use the fixture tables in this directory.
    #[serde(default)]
    pub codesets: Option<Sp<String>>,
    /// Check the claim as of this date (the assumed submission date).
    #[serde(default)]
    pub as_of: Option<Sp<String>>,
    /// Extra settings, reserved for payer options.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectDoc {
    /// 1-based service line, absent for claim level.
    #[serde(default)]
    pub line: Option<u32>,
    #[serde(default)]
    pub code: Option<String>,
    /// The exact rendered finding message; compared only when given.
    #[serde(default)]
    pub message: Option<String>,
}
