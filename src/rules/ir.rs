//! The compiled form of rules: predicates over claim fields, templates, scopes and the rule
//! set the engine runs. Built by `compile`, read by `engine`, `lint` and `docs`.

use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

use super::cond::Fact;
pub use super::cond::Pred;
use super::field::{Field, Needs, Scope as FieldScope};
use crate::claim::{ClaimKind, Setting};
use crate::finding::{Category, RuleSource, Severity};

use super::index::Index;

/// A rule file's text with the path it is reported under.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// Path the file is reported under (relative to the rules root, or `builtin:`).
    pub path: Arc<str>,
    /// The file's YAML text.
    pub text: String,
}

/// What a rule iterates over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Each {
    /// Once per claim.
    Claim,
    /// Each service line.
    Line,
    /// Each diagnosis.
    Diagnosis,
    /// Each ICD-10-PCS procedure (institutional).
    Procedure,
    /// Each modifier of each line.
    Modifier,
    /// Each diagnosis pointer of each line.
    Pointer,
    /// Each ordered pair of distinct lines.
    LinePair,
    /// Each ordered pair of distinct diagnoses.
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

    /// The iteration as rules write it (`line-pair`).
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

    /// Call `f` with every scope this iteration binds on the claim of `base`, in order:
    /// the claim once, each line, each diagnosis, each ordered pair of distinct items…
    pub fn scopes<'a>(self, base: &FieldScope<'a>, mut f: impl FnMut(FieldScope<'a>)) {
        let claim = base.claim;
        match self {
            Each::Claim => f(*base),
            Each::Line => {
                for (i, l) in claim.lines.iter().enumerate() {
                    f(base.with_line(i, l));
                }
            }
            Each::Diagnosis => {
                for (i, d) in claim.diagnoses.iter().enumerate() {
                    f(base.with_dx(i, d));
                }
            }
            Each::Procedure => {
                for (i, p) in claim.procedures.iter().enumerate() {
                    f(FieldScope {
                        proc: Some((i, p)),
                        ..*base
                    });
                }
            }
            Each::Modifier => {
                for (i, l) in claim.lines.iter().enumerate() {
                    for (m, code) in l.modifiers.iter().enumerate() {
                        f(FieldScope {
                            modifier: Some((m, code)),
                            ..base.with_line(i, l)
                        });
                    }
                }
            }
            Each::Pointer => {
                for (i, l) in claim.lines.iter().enumerate() {
                    for (p, v) in l.diagnosis_pointers.iter().enumerate() {
                        f(FieldScope {
                            pointer: Some((p, *v)),
                            ..base.with_line(i, l)
                        });
                    }
                }
            }
            Each::LinePair => {
                for (i, a) in claim.lines.iter().enumerate() {
                    for (j, b) in claim.lines.iter().enumerate() {
                        if i != j {
                            f(FieldScope {
                                other: Some((j, b)),
                                ..base.with_line(i, a)
                            });
                        }
                    }
                }
            }
            Each::DiagnosisPair => {
                for (i, a) in claim.diagnoses.iter().enumerate() {
                    for (j, b) in claim.diagnoses.iter().enumerate() {
                        if i != j {
                            f(FieldScope {
                                other_dx: Some((j, b)),
                                ..base.with_dx(i, a)
                            });
                        }
                    }
                }
            }
        }
    }
}

/// Which pairs of a pair iteration a rule reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pairs {
    /// Every pair the condition holds for.
    #[default]
    All,
    /// For each item, only the first partner (in item order) the condition holds for: at
    /// most one finding per line or diagnosis, so findings grow with the claim, not its square.
    First,
}

impl Pairs {
    pub(crate) const NAMES: &'static [(&'static str, Pairs)] =
        &[("all", Pairs::All), ("first", Pairs::First)];
}

/// Rule lifecycle, as ruff has it: ids are never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleStatus {
    /// Runs only with `--preview`.
    Preview,
    /// Runs by default.
    Stable,
    /// Still runs; will be removed.
    Deprecated,
    /// Never runs; its id stays reserved.
    Removed,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
    /// Greater than.
    Gt,
    /// Greater than or equal.
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

    /// Does `a op b` hold?
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

    /// The operator as rules write it.
    pub fn name(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Lt => "lt",
            Op::Le => "le",
            Op::Gt => "gt",
            Op::Ge => "ge",
        }
    }
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A number (money compares to the cent).
    Number(f64),
    /// Text.
    Text(String),
    /// A date.
    Date(Date),
    /// Another field of the same kind.
    Field(Field),
}

/// A piece of a message template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text.
    Text(String),
    /// A field of the claim, `{line.procedure}`.
    Field(Field),
    /// A value about the finding's code, `{title}`.
    Special(Special),
    /// A value the rule's condition found, `{mue}`.
    Fact(Fact),
}

/// Declares the specials: values about the finding's code that any template may use.
macro_rules! specials {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal,)*) => {
        /// A value about the finding's code, filled when the finding is rendered.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Special {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Special {
            /// Every special.
            pub const ALL: &'static [Special] = &[$(Special::$variant,)*];

            /// The placeholder name.
            pub fn name(self) -> &'static str {
                match self { $(Special::$variant => $name,)* }
            }

            /// The special a placeholder names.
            pub fn from_name(name: &str) -> Option<Special> {
                match name { $($name => Some(Special::$variant),)* _ => None }
            }
        }
    };
}

specials! {
    /// The finding's code (its target's value).
    Code => "code",
    /// The code's short title in its code set.
    Title => "title",
    /// Billable codes under a header code.
    Children => "children",
    /// Close codes for an unknown one.
    Suggestions => "suggestions",
    /// Codes that replace a deleted or expanded code.
    Replacements => "replacements",
}

/// A parsed message or help template.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template(pub Vec<Piece>);

/// Which claims a rule applies to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// Claim types, all when absent.
    pub kinds: Option<Vec<ClaimKind>>,
    /// Payer ids (2010BB NM109), all when absent.
    pub payers: Option<Vec<String>>,
    /// Claim filing indicators (SBR09), all when absent.
    pub plans: Option<Vec<String>>,
    /// Settings (inpatient, outpatient, professional), all when absent.
    pub settings: Option<Vec<Setting>>,
}

impl Scope {
    /// Does a claim of this kind, setting, payer and plan fall in the scope?
    pub fn matches(
        &self,
        kind: ClaimKind,
        setting: Setting,
        payer: Option<&str>,
        plan: Option<&str>,
    ) -> bool {
        self.kinds.as_ref().is_none_or(|k| k.contains(&kind))
            && self.settings.as_ref().is_none_or(|s| s.contains(&setting))
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
    /// Stable id, never reused: pack prefix and digits (`ICD002`).
    pub id: Arc<str>,
    /// Short kebab-case name.
    pub name: String,
    /// One line a biller understands.
    pub title: String,
    /// How sure the denial is.
    pub severity: Severity,
    /// The kind of problem, for reports grouped by category.
    pub category: Category,
    /// The claim adjustment reason code a payer would send, with group (`CO-97`).
    pub carc: Option<Arc<str>>,
    /// The remittance advice remark code, if one goes with it.
    pub rarc: Option<Arc<str>>,
    /// Lifecycle: preview, stable, deprecated or removed.
    pub status: RuleStatus,
    /// First date of service the rule applies to.
    pub effective_from: Option<Date>,
    /// Last date of service the rule applies to.
    pub effective_to: Option<Date>,
    /// The claims the rule applies to (its own, or its pack's).
    pub scope: Scope,
    /// What the rule iterates over.
    pub each: Each,
    /// Which pairs of a pair iteration it reports.
    pub pairs: Pairs,
    /// The compiled condition.
    pub when: Pred,
    /// The field the finding is about: its value is the finding's code, its location the path.
    pub target: Option<Field>,
    /// The message template.
    pub message: Template,
    /// The fix template.
    pub help: Template,
    /// The fix template for institutional claims, when it differs from `help`.
    pub institutional_help: Option<Template>,
    /// The run-level notice the rule's hits are counted into instead of reported per line,
    /// unless the run asks for them per line.
    pub notice: Option<Arc<NoticeRule>>,
    /// What it checks / why it matters / example / fix / references, in Markdown.
    pub docs: String,
    /// Where the rule was written.
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

/// What a notice rule reports once per run: its code, rule and texts. A notice rule's
/// message and help are its title and its help with no placeholders, so they read the same
/// for every line it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRule {
    /// The notice code, kebab-case (`cpt-not-loaded`).
    pub code: Arc<str>,
    /// The rule whose hits it counts.
    pub rule: Arc<str>,
    /// The rule's severity.
    pub severity: Severity,
    /// The rule's title: what the notice says.
    pub message: String,
    /// The rule's help: what to do about it.
    pub help: String,
}

/// A pack: a directory of rules with an optional `pack.yaml`.
#[derive(Debug, Clone)]
pub struct Pack {
    /// The pack's name as its `pack.yaml` gives it (`medicare`; its directory is `dir`).
    pub name: Arc<str>,
    /// The directory its rules live in.
    pub dir: String,
    /// One line on what the pack is for.
    pub description: String,
    /// The claims the pack applies to, the default scope of its rules.
    pub scope: Scope,
    /// Rule indexes turned off for claims this pack's scope matches.
    pub disable: Vec<usize>,
}

/// The compiled rules, in load order, with their index.
#[derive(Debug, Default, Clone)]
pub struct RuleSet {
    /// Rules in load order.
    pub rules: Vec<Rule>,
    /// Packs, deepest directory first.
    pub packs: Vec<Pack>,
    /// The trigger index over `rules`.
    pub index: Index,
}

impl Rule {
    /// The fix template for a claim of this kind: the institutional one on 837I claims when
    /// the rule has one.
    pub fn help_for(&self, kind: ClaimKind) -> &Template {
        match (kind, &self.institutional_help) {
            (ClaimKind::Institutional, Some(h)) => h,
            _ => &self.help,
        }
    }
}

impl RuleSet {
    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| &*r.id == id)
    }

    /// The rule a person names: its id in any case (`icd002`) or its name; else the closest
    /// id or name as a "did you mean" hint, if one is close (`explain`, `GET /v1/rules/{id}`).
    pub fn find(&self, want: &str) -> Result<&Rule, Option<String>> {
        let want = want.trim();
        self.rules
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(want) || r.name == want)
            .ok_or_else(|| {
                let names = self
                    .rules
                    .iter()
                    .map(|r| &*r.id)
                    .chain(self.rules.iter().map(|r| r.name.as_str()));
                super::compile::did_you_mean(want, names)
            })
    }
}
