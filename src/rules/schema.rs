//! The serde types of rule files, rule tests and pack files. All YAML access lives here,
//! so the YAML crate can be swapped without touching the compiler.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

pub use super::cond::Cond;

/// A value with the 1-based line and column where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl<T> Sp<T> {
    /// Where the value was written.
    pub fn span(&self) -> Span {
        Span {
            line: self.line,
            column: self.column,
        }
    }
}

/// A 1-based line and column in a rule file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// Something that points at a place in a rule file: a span, or a spanned value.
pub trait At {
    /// The place.
    fn span(&self) -> Span;
}

impl Span {
    /// A place at a 1-based line and column.
    pub const fn new(line: u32, column: u32) -> Span {
        Span { line, column }
    }
}

impl At for Span {
    fn span(&self) -> Span {
        *self
    }
}

impl<T> At for &Sp<T> {
    fn span(&self) -> Span {
        Sp::span(self)
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
    /// 1-based line, 0 when the parser gave none.
    pub line: u32,
    /// 1-based column, 0 when the parser gave none.
    pub column: u32,
    /// The parser's message, without its position prefix.
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
    /// In a pair iteration: `all` (the default) fires on every pair the condition holds
    /// for; `first` fires at most once per item, on the first partner in order, so a group
    /// of n identical lines gives n - 1 findings rather than n² / 2.
    #[serde(default)]
    pub pairs: Option<Sp<String>>,
    /// The condition under which the rule fires.
    pub when: Sp<Cond>,
    /// The field the finding is about; its value becomes the finding's `code` and its
    /// location the finding's `path`.
    #[serde(default)]
    pub target: Option<Sp<String>>,
    /// A run-level notice code (kebab-case, e.g. `cpt-not-loaded`): the rule states a fact
    /// about the run rather than the claim, so `check` counts the lines it fires on and
    /// reports the notice once, unless run with `--per-line-notices`. Needs `each: line`.
    #[serde(default)]
    pub notice: Option<Sp<String>>,
    /// Message template; `{field.path}` and `{code}`, `{title}`, `{children}`,
    /// `{suggestions}` and predicate facts are filled in.
    pub message: Sp<String>,
    /// How to fix it (same placeholders).
    pub help: Sp<String>,
    /// How to fix it on an institutional (837I / UB-04) claim, when that differs (form
    /// locators instead of CMS-1500 boxes); `help` serves both kinds when absent.
    #[serde(default)]
    pub institutional_help: Option<Sp<String>>,
    /// What it checks / why it matters / example / fix / references, in Markdown.
    #[serde(default)]
    pub docs: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
/// The dates of service a rule applies to, both ends inclusive.
pub struct EffectiveDoc {
    #[serde(default)]
    /// First date, YYYY-MM-DD.
    pub from: Option<Sp<String>>,
    #[serde(default)]
    /// Last date, YYYY-MM-DD.
    pub to: Option<Sp<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
/// Which claims a rule or pack applies to; a list left out matches all.
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
    /// `inpatient` (bill types 11x, 18x, 21x, 41x), `outpatient` (other institutional),
    /// `professional`: the `claim.setting` values.
    #[serde(default)]
    pub settings: Option<Vec<Sp<String>>>,
}

/// A literal in a comparison.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Literal {
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// Text, or a date written YYYY-MM-DD.
    Text(String),
}

/// `pack.yaml`: what a directory of rules is and when it applies.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackDoc {
    /// The pack's name, as reports and `rules packs` show it.
    pub name: String,
    #[serde(default)]
    /// One line on what the pack is for.
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
    /// The cases, each run against the rule beside the test file.
    pub cases: Vec<TestCaseDoc>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
/// One case: a claim and the findings it must produce.
pub struct TestCaseDoc {
    /// What the case shows, reported when it fails.
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
/// One finding a case expects; fields left out match anything.
pub struct ExpectDoc {
    /// 1-based service line, absent for claim level.
    #[serde(default)]
    pub line: Option<u32>,
    #[serde(default)]
    /// The finding's code (its target's value), normalized before comparing.
    pub code: Option<String>,
    /// The exact rendered finding message; compared only when given.
    #[serde(default)]
    pub message: Option<String>,
}
