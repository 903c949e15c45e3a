//! The compiled form of rules: predicates over claim fields, templates, scopes and the rule
//! set the engine runs. Built by `compile`, read by `engine`, `lint` and `docs`.

use std::collections::HashSet;
use std::sync::Arc;

use jiff::civil::Date;
use regex::Regex;
use serde::Serialize;

use super::field::{Field, Needs};
use crate::claim::ClaimKind;
use crate::codeset::{CodePattern, System};
use crate::finding::{Category, RuleSource, Severity};

use super::index::Index;

/// A rule file's text with the path it is reported under.
#[derive(Debug, Clone)]
pub struct RuleFile {
    pub path: Arc<str>,
    pub text: String,
}

/// What a rule iterates over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Each {
    Claim,
    Line,
    Diagnosis,
    Procedure,
    Modifier,
    Pointer,
    LinePair,
    DiagnosisPair,
}

impl Each {
    pub(crate) const NAMES: &'static [(&'static str, Each)] = &[
        ("claim", Each::Claim),
        ("line", Each::Line),
        ("diagnosis", Each::Diagnosis),
        ("procedure", Each::Procedure),
        ("modifier", Each::Modifier),
        ("pointer", Each::Pointer),
        ("line-pair", Each::LinePair),
        ("diagnosis-pair", Each::DiagnosisPair),
    ];

    pub fn name(self) -> &'static str {
        Each::NAMES
            .iter()
            .find(|(_, e)| *e == self)
            .map_or("claim", |(n, _)| n)
    }

    pub(crate) fn binds(self) -> Vec<Needs> {
        match self {
            Each::Claim => vec![Needs::Claim],
            Each::Line => vec![Needs::Claim, Needs::Line],
            Each::Diagnosis => vec![Needs::Claim, Needs::Dx],
            Each::Procedure => vec![Needs::Claim, Needs::Proc],
            Each::Modifier => vec![Needs::Claim, Needs::Line, Needs::Modifier],
            Each::Pointer => vec![Needs::Claim, Needs::Line, Needs::Pointer],
            Each::LinePair => vec![Needs::Claim, Needs::Line, Needs::OtherLine],
            Each::DiagnosisPair => vec![Needs::Claim, Needs::Dx, Needs::OtherDx],
        }
    }
}

/// Rule lifecycle, as ruff has it: ids are never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleStatus {
    /// Runs only with `--preview`.
    Preview,
    Stable,
    /// Still runs; will be removed.
    Deprecated,
    /// Never runs; its id stays reserved.
    Removed,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    pub(crate) fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "eq" | "==" => Op::Eq,
            "ne" | "!=" => Op::Ne,
            "lt" | "<" => Op::Lt,
            "le" | "<=" => Op::Le,
            "gt" | ">" => Op::Gt,
            "ge" | ">=" => Op::Ge,
            _ => return None,
        })
    }

    pub fn test<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
        }
    }
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Number(f64),
    Text(String),
    Date(Date),
    Field(Field),
}

/// Statuses a `codeset` condition accepts, as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusMask(pub u8);

impl StatusMask {
    pub const VALID: u8 = 1;
    pub const NOT_YET: u8 = 2;
    pub const NO_LONGER: u8 = 4;
    pub const UNKNOWN: u8 = 8;
    pub const STALE: u8 = 16;
    pub const NOT_LOADED: u8 = 32;

    pub(crate) const NAMES: &'static [(&'static str, u8)] = &[
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

/// A list of code patterns, matched exactly by hash and by prefix or range otherwise.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodeList {
    pub exact: HashSet<String>,
    pub prefixes: Vec<String>,
    pub ranges: Vec<(String, String)>,
}

impl CodeList {
    pub fn matches(&self, code: &str) -> bool {
        self.exact.contains(code)
            || self.prefixes.iter().any(|p| code.starts_with(p.as_str()))
            || self
                .ranges
                .iter()
                .any(|(a, b)| crate::codeset::range_matches(a, b, code))
    }

    pub(crate) fn push(&mut self, p: CodePattern) {
        match p {
            CodePattern::Exact(c) => {
                self.exact.insert(c);
            }
            CodePattern::Prefix(p) => self.prefixes.push(p),
            CodePattern::Range(a, b) => self.ranges.push((a, b)),
        }
    }

    pub fn len(&self) -> usize {
        self.exact.len() + self.prefixes.len() + self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A compiled regular expression that compares equal by its pattern, so that conditions
/// can be compared structurally (lint: contradictions, duplicated rules).
#[derive(Debug, Clone)]
pub struct Pattern(pub Regex);

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl std::ops::Deref for Pattern {
    type Target = Regex;
    fn deref(&self) -> &Regex {
        &self.0
    }
}

/// A compiled condition. Equality is structural (lists compare as written).
#[derive(Debug, Clone, PartialEq)]
pub enum Pred {
    All(Vec<Pred>),
    Any(Vec<Pred>),
    Not(Box<Pred>),
    Present(Field),
    Compare {
        field: Field,
        op: Op,
        right: Operand,
    },
    OneOf {
        field: Field,
        values: Vec<String>,
    },
    DaysBetween {
        from: Field,
        to: Field,
        op: Op,
        value: i64,
    },
    Regex {
        field: Field,
        re: Pattern,
    },
    Codes {
        field: Field,
        list: Arc<CodeList>,
    },
    Codeset {
        field: Field,
        system: System,
        status: Option<StatusMask>,
        billable: Option<bool>,
        flag: Option<String>,
    },
    AgeConflict(Field),
    SexConflict(Field),
    Excludes1 {
        field: Field,
        other: Field,
    },
    PtpEdit {
        column1: Field,
        column2: Field,
        modifiers: Option<Field>,
    },
    MueExceeded {
        field: Field,
        per_date: bool,
    },
    AddonWithoutPrimary(Field),
    AnyLine(Box<Pred>),
    AllLines(Box<Pred>),
    AnyDiagnosis(Box<Pred>),
    PointedDiagnosis(Box<Pred>),
    Count {
        each: Each,
        filter: Option<Box<Pred>>,
        op: Op,
        value: i64,
    },
    Same(Vec<(Field, Field)>),
    BadNpi(Field),
}

/// A piece of a message template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Field(Field),
    /// `{code}`, `{title}`, `{children}`, `{suggestions}` or a predicate fact.
    Special(String),
}

/// A parsed message or help template.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template(pub Vec<Piece>);

/// Fact names predicates can fill, usable in templates.
pub const FACTS: &[&str] = &[
    "status",
    "valid_from",
    "valid_to",
    "through",
    "coverage",
    "age",
    "age_range",
    "age_group",
    "code_sex",
    "excluded",
    "note",
    "indicator",
    "column1",
    "column2",
    "mue",
    "units",
    "primaries",
    "count",
    "days",
];
pub(crate) const SPECIALS: &[&str] = &["code", "title", "children", "suggestions", "replacements"];

/// Which claims a rule applies to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    pub kinds: Option<Vec<ClaimKind>>,
    pub payers: Option<Vec<String>>,
    pub plans: Option<Vec<String>>,
}

impl Scope {
    pub fn matches(&self, kind: ClaimKind, payer: Option<&str>, plan: Option<&str>) -> bool {
        self.kinds.as_ref().is_none_or(|k| k.contains(&kind))
            && self
                .payers
                .as_ref()
                .is_none_or(|p| payer.is_some_and(|x| p.iter().any(|y| y == x)))
            && self
                .plans
                .as_ref()
                .is_none_or(|p| plan.is_some_and(|x| p.iter().any(|y| y == x)))
    }
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: Arc<str>,
    pub name: String,
    pub title: String,
    pub severity: Severity,
    pub category: Category,
    pub carc: Option<Arc<str>>,
    pub rarc: Option<Arc<str>>,
    pub status: RuleStatus,
    pub effective_from: Option<Date>,
    pub effective_to: Option<Date>,
    pub scope: Scope,
    pub each: Each,
    pub when: Pred,
    pub target: Option<Field>,
    pub message: Template,
    pub help: Template,
    pub docs: String,
    pub source: RuleSource,
    /// The pack (directory) the rule came from.
    pub pack: Arc<str>,
    /// The original YAML of the `when` block, for `explain`.
    pub when_text: String,
    /// 1-based line of the `when:` key, where lint reports on the condition as a whole.
    pub when_line: u32,
    /// 1-based column of the id's value.
    pub id_column: u32,
}

/// A pack: a directory of rules with an optional `pack.yaml`.
#[derive(Debug, Clone)]
pub struct Pack {
    pub name: Arc<str>,
    pub dir: String,
    pub description: String,
    pub scope: Scope,
    /// Rule indexes turned off for claims this pack's scope matches.
    pub disable: Vec<usize>,
}

/// The compiled rules, in load order, with their index.
#[derive(Debug, Default, Clone)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub packs: Vec<Pack>,
    pub index: Index,
}

impl RuleSet {
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| &*r.id == id)
    }
}
