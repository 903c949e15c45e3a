//! Findings: what the engine says about a claim. Findings are data, not errors.

use std::fmt;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::claim::{Location, Position};

/// How sure a denial is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Useful to know; no denial expected.
    Info,
    /// A denial risk.
    Warning,
    /// The claim or line will be rejected or denied.
    Error,
}

impl Severity {
    /// The severity as reports print it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! categories {
    ($($variant:ident => $name:literal: $doc:literal,)*) => {
        /// What kind of problem a finding is. The vocabulary is fixed so reports can be
        /// compared across runs and payers; extend it only with a reason in `docs/`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
        pub enum Category {
            $(#[doc = $doc] #[serde(rename = $name)] $variant,)*
        }

        impl Category {
            /// Every category, in declaration order.
            pub const ALL: &'static [Category] = &[$(Category::$variant,)*];

            /// The kebab-case name rules and reports use.
            pub fn as_str(self) -> &'static str {
                match self { $(Category::$variant => $name,)* }
            }

            /// The category a rule names.
            pub fn from_name(name: &str) -> Option<Category> {
                match name { $($name => Some(Category::$variant),)* _ => None }
            }

            /// One line on what the category covers.
            pub fn describe(self) -> &'static str {
                match self { $(Category::$variant => $doc,)* }
            }
        }
    };
}

categories! {
    MissingField => "missing-field": "A required field is absent or empty.",
    InvalidValue => "invalid-value": "A field holds a value of the wrong shape (check digit, date order, totals).",
    InvalidCode => "invalid-code": "A code that does not exist in its code set.",
    CodeNotEffective => "code-not-effective": "A code not valid on the date of service (not yet valid, or deleted).",
    NonBillableCode => "non-billable-code": "A header code reported where a billable code is required.",
    UnverifiedCode => "unverified-code": "A code that could not be checked (CPT without a CPT file, code set older than the date of service).",
    AgeConflict => "age-conflict": "A code inconsistent with the patient's age.",
    SexConflict => "sex-conflict": "A code inconsistent with the patient's sex.",
    DxSequencing => "dx-sequencing": "A diagnosis in a position it may not hold, or missing, repeated or questionable in it.",
    Excludes1 => "excludes1": "Two diagnoses that ICD-10-CM says are never coded together.",
    NonCovered => "non-covered": "A service the payer does not cover, or covers only in limited circumstances.",
    Unspecified => "unspecified": "A code less specific than the record should support (unspecified laterality or type).",
    MedicalNecessity => "medical-necessity": "A procedure whose diagnoses do not support it under the payer's policy.",
    Modifier => "modifier": "A missing, invalid or conflicting modifier.",
    PtpBundling => "ptp-bundling": "NCCI procedure-to-procedure edit: a code bundled into another on the same day.",
    UnitsExceeded => "units-exceeded": "Units above the medically unlikely edit (MUE) limit.",
    AddOnWithoutPrimary => "add-on-without-primary": "An add-on code without its primary procedure.",
    PlaceOfService => "place-of-service": "A place of service that is invalid or does not fit the service.",
    TimelyFiling => "timely-filing": "Submitted after the payer's filing limit.",
    Duplicate => "duplicate": "A line or claim that repeats another.",
    PriorAuthorization => "prior-authorization": "A service that needs a prior authorization the claim does not carry.",
    PayerPolicy => "payer-policy": "A payer-specific rule not covered by the other categories.",
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a rule was written: its YAML file and line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleSource {
    /// The rule file, as loaded.
    pub file: Arc<str>,
    /// 1-based line of the rule's `id`.
    pub line: u32,
}

/// One denial risk on one claim.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Claim id as the sender assigned it.
    pub claim_id: String,
    /// Stable rule id, e.g. `ICD002`.
    pub rule: Arc<str>,
    /// The kind of problem.
    pub category: Category,
    /// How sure the denial is.
    pub severity: Severity,
    /// 1-based service line number; `None` for a claim-level finding.
    pub line: Option<u32>,
    /// The code the finding is about, if any.
    pub code: Option<String>,
    /// The code as people read it (ICD-10-CM with its dot: `E11.65`); the same as `code` for
    /// other systems.
    pub display_code: Option<String>,
    /// The position in the claim model; serialized as its JSON pointer (`/lines/1/modifiers/0`).
    pub path: Position,
    /// Where that value sits in the input file, in the input's own terms.
    pub location: Option<Location>,
    /// Expected claim adjustment reason code with its group, e.g. `CO-97`.
    pub carc: Option<Arc<str>>,
    /// Expected remittance advice remark code, e.g. `N290`.
    pub rarc: Option<Arc<str>>,
    /// What is wrong, for a biller.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// Where the rule that fired is written.
    pub rule_source: RuleSource,
    /// The line's charge (or the claim's, for claim-level findings) put at risk by an error.
    #[serde(skip)]
    pub charge: Option<f64>,
}
