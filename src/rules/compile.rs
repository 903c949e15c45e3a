//! Validate rule files and compile them into predicates with a trigger index.
//!
//! Validation returns a value: every problem in every file, each with file:line:column and a
//! hint, not just the first `Err`. A rule set with errors is not built.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use jiff::civil::Date;
use regex::Regex;

pub use super::diagnostic::{Code, Diagnostic, DiagnosticLevel};
pub use super::index::Index;
pub use super::ir::*;

use super::field::{Field, Kind, Needs};
use super::index::build_index;
use super::schema::{self, Cond, Literal, PackDoc, RuleDoc, ScopeDoc, Sp};
use crate::claim::ClaimKind;
use crate::codeset::{CodePattern, CodeSets, System, Validity};
use crate::finding::{Category, RuleSource, Severity};

/// Compile rule, pack and list files. `read_list` resolves a code-list file path (relative
/// to the rule file) to its text. Returns the rule set when there are no errors, and every
/// diagnostic either way.
pub fn load(
    files: &[RuleFile],
    read_list: &dyn Fn(&str) -> Option<String>,
    codesets: &CodeSets,
) -> (Option<RuleSet>, Vec<Diagnostic>) {
    let (set, diags) = load_partial(files, read_list, codesets);
    if diags.iter().any(|d| d.level == DiagnosticLevel::Error) {
        return (None, diags);
    }
    (Some(set), diags)
}

/// Like [`load`], but returns the rules that did compile even when other rules have errors,
/// so `rules lint` can report lint findings and errors in one run. A set built with errors
/// is missing rules: it is for linting, never for checking claims.
pub fn load_partial(
    files: &[RuleFile],
    read_list: &dyn Fn(&str) -> Option<String>,
    codesets: &CodeSets,
) -> (RuleSet, Vec<Diagnostic>) {
    let mut cx = Compiler {
        diags: Vec::new(),
        codesets,
        read_list,
        lists: HashMap::new(),
        file: Arc::from(""),
        window: None,
    };
    let mut packs_docs: Vec<(Arc<str>, String, PackDoc)> = Vec::new();
    let mut rule_docs: Vec<(Arc<str>, RuleDoc, String)> = Vec::new();
    for f in files {
        cx.file = f.path.clone();
        let is_pack = f.path.ends_with("/pack.yaml") || &*f.path == "pack.yaml";
        if is_pack {
            match schema::from_yaml::<PackDoc>(&f.text) {
                Ok(p) => packs_docs.push((f.path.clone(), parent_dir(&f.path), p)),
                Err(e) => cx.err_at(e.line, e.column, Code::Yaml, e.message, None),
            }
        } else {
            match schema::from_yaml::<RuleDoc>(&f.text) {
                Ok(r) => rule_docs.push((f.path.clone(), r, f.text.clone())),
                Err(e) => {
                    let help = yaml_help(&e.message);
                    cx.err_at(e.line, e.column, Code::Yaml, e.message, help)
                }
            }
        }
    }
    // Packs: the deepest pack.yaml above a rule names its pack.
    packs_docs.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.1.cmp(&b.1)));
    let mut rules = Vec::new();
    // Id → the file that first used it, and whether that rule is removed.
    let mut seen: HashMap<String, (Arc<str>, bool)> = HashMap::new();
    for (path, doc, text) in &rule_docs {
        cx.file = path.clone();
        let pack = packs_docs
            .iter()
            .find(|(_, dir, _)| dir.is_empty() || path.starts_with(&format!("{dir}/")));
        let pack_scope = pack.and_then(|(_, _, p)| p.scope.as_ref());
        let pack_name: Arc<str> = pack
            .map(|(_, _, p)| Arc::from(p.name.as_str()))
            .unwrap_or_else(|| Arc::from(parent_dir(path).rsplit('/').next().unwrap_or("")));
        if let Some((prev, removed)) = seen.get(&doc.id.value) {
            let whose = if *removed {
                "a removed rule"
            } else {
                "another rule"
            };
            cx.err(
                &doc.id,
                Code::DuplicateId,
                format!(
                    "rule id `{}` is already used by {whose} in `{prev}`",
                    doc.id.value
                ),
                Some("rule ids are stable and never reused: pick the next free number".into()),
            );
            continue;
        }
        let removed = doc.status.as_ref().is_some_and(|s| s.value == "removed");
        seen.insert(doc.id.value.clone(), (path.clone(), removed));
        if let Some(r) = cx.rule(doc, text, pack_scope, pack_name) {
            rules.push(r);
        }
    }
    let mut packs = Vec::new();
    for (path, dir, doc) in &packs_docs {
        cx.file = path.clone();
        let scope = doc.scope.as_ref().map(|s| cx.scope(s)).unwrap_or_default();
        let mut disable = Vec::new();
        for id in &doc.disable {
            match rules.iter().position(|r: &Rule| *r.id == id.value) {
                Some(i) => disable.push(i),
                None => {
                    let help = did_you_mean(&id.value, rules.iter().map(|r| &*r.id));
                    cx.err(
                        id,
                        Code::UnknownRule,
                        format!("no rule has id `{}`", id.value),
                        help,
                    );
                }
            }
        }
        packs.push(Pack {
            name: Arc::from(doc.name.as_str()),
            dir: dir.clone(),
            description: doc.description.clone().unwrap_or_default(),
            scope,
            disable,
        });
    }
    let mut diags = cx.diags;
    diags.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    let index = build_index(&rules);
    (
        RuleSet {
            rules,
            packs,
            index,
        },
        diags,
    )
}

fn parent_dir(path: &str) -> String {
    path.rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

struct Compiler<'a> {
    diags: Vec<Diagnostic>,
    codesets: &'a CodeSets,
    read_list: &'a dyn Fn(&str) -> Option<String>,
    lists: HashMap<String, Arc<CodeList>>,
    file: Arc<str>,
    /// The effective window (from, to) of the rule being compiled, when it has one.
    window: Option<(Option<Date>, Option<Date>)>,
}

impl Compiler<'_> {
    fn err_at(
        &mut self,
        line: u32,
        column: u32,
        code: Code,
        message: String,
        help: Option<String>,
    ) {
        self.diags.push(
            Diagnostic::error(self.file.clone(), line, column, code, message).with_help(help),
        );
    }

    fn err<T>(&mut self, at: &Sp<T>, code: Code, message: String, help: Option<String>) {
        self.err_at(at.line, at.column, code, message, help);
    }

    fn warn<T>(&mut self, at: &Sp<T>, code: Code, message: String, help: Option<String>) {
        self.diags.push(
            Diagnostic::warning(self.file.clone(), at.line, at.column, code, message)
                .with_help(help),
        );
    }

    fn rule(
        &mut self,
        d: &RuleDoc,
        text: &str,
        pack_scope: Option<&ScopeDoc>,
        pack: Arc<str>,
    ) -> Option<Rule> {
        let before = self.diags.len();
        let id_ok = {
            let v = &d.id.value;
            let digits = v.chars().rev().take_while(char::is_ascii_digit).count();
            digits >= 3
                && v.len() > digits
                && v.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && v.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        };
        if !id_ok {
            self.err(
                &d.id,
                Code::BadId,
                format!(
                    "rule id `{}` is not an uppercase prefix and three or more digits",
                    d.id.value
                ),
                Some("for example `ICD002`".into()),
            );
        }
        let name_ok = !d.name.value.is_empty()
            && d.name
                .value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !name_ok {
            self.err(
                &d.name,
                Code::BadName,
                format!("rule name `{}` is not kebab-case", d.name.value),
                None,
            );
        }
        let severity = match d.severity.value.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            other => {
                let help = did_you_mean_or_list(other, &["error", "warning", "info"]);
                self.err(
                    &d.severity,
                    Code::UnknownSeverity,
                    format!("unknown severity `{other}`"),
                    help,
                );
                Severity::Error
            }
        };
        let category = match Category::from_name(&d.category.value) {
            Some(c) => c,
            None => {
                let help =
                    did_you_mean(&d.category.value, Category::ALL.iter().map(|c| c.as_str()));
                self.err(
                    &d.category,
                    Code::UnknownCategory,
                    format!("unknown category `{}`", d.category.value),
                    help,
                );
                Category::PayerPolicy
            }
        };
        let carc = d.carc.as_ref().and_then(|c| {
            let ok = c.value.split_once('-').is_some_and(|(g, n)| {
                matches!(g, "CO" | "PR" | "OA" | "PI" | "CR")
                    && !n.is_empty()
                    && n.len() <= 3
                    && n.chars().all(|x| x.is_ascii_alphanumeric())
            });
            if !ok {
                self.err(
                    c,
                    Code::BadCarc,
                    format!("`{}` is not a group code and CARC like `CO-97`", c.value),
                    Some("groups are CO, PR, OA, PI and CR".into()),
                );
            }
            ok.then(|| Arc::from(c.value.as_str()))
        });
        let rarc = d.rarc.as_ref().and_then(|c| {
            let v = &c.value;
            let ok = (v.starts_with("MA") || v.starts_with('M') || v.starts_with('N'))
                && v.len() >= 2
                && v.trim_start_matches("MA")
                    .trim_start_matches(['M', 'N'])
                    .chars()
                    .all(|x| x.is_ascii_digit());
            if !ok {
                self.err(
                    c,
                    Code::BadRarc,
                    format!("`{v}` is not a remark code like `N290` or `M76`"),
                    Some("remark codes are M, MA or N and a number".into()),
                );
            }
            ok.then(|| Arc::from(v.as_str()))
        });
        let status = match d.status.as_ref().map(|s| s.value.as_str()) {
            None | Some("stable") => RuleStatus::Stable,
            Some("preview") => RuleStatus::Preview,
            Some("deprecated") => RuleStatus::Deprecated,
            Some("removed") => RuleStatus::Removed,
            Some(other) => {
                if let Some(s) = &d.status {
                    let help = did_you_mean_or_list(
                        other,
                        &["preview", "stable", "deprecated", "removed"],
                    );
                    self.err(
                        s,
                        Code::UnknownStatus,
                        format!("unknown status `{other}`"),
                        help,
                    );
                }
                RuleStatus::Stable
            }
        };
        let (effective_from, effective_to) = match &d.effective {
            Some(e) => (
                e.from.as_ref().and_then(|x| self.date(x)),
                e.to.as_ref().and_then(|x| self.date(x)),
            ),
            None => (None, None),
        };
        let mut scope = pack_scope.map(|s| self.scope(s)).unwrap_or_default();
        if let Some(s) = &d.scope {
            let own = self.scope(s);
            scope.kinds = own.kinds.or(scope.kinds);
            scope.payers = own.payers.or(scope.payers);
            scope.plans = own.plans.or(scope.plans);
        }
        let mut each_known = true;
        let each = match &d.each {
            None => Each::Claim,
            Some(e) => match Each::NAMES.iter().find(|(n, _)| *n == e.value) {
                Some((_, x)) => *x,
                None => {
                    each_known = false;
                    let names: Vec<&str> = Each::NAMES.iter().map(|(n, _)| *n).collect();
                    let help = did_you_mean_or_list(&e.value, &names);
                    self.err(
                        e,
                        Code::UnknownEach,
                        format!("unknown iteration `{}`", e.value),
                        help,
                    );
                    Each::Claim
                }
            },
        };
        // An unknown `each` is reported once; binding everything avoids a cascade of
        // out-of-scope errors for the fields it would have bound.
        let bound = if each_known {
            each.binds()
        } else {
            vec![
                Needs::Claim,
                Needs::Line,
                Needs::OtherLine,
                Needs::Dx,
                Needs::OtherDx,
                Needs::Proc,
                Needs::Modifier,
                Needs::Pointer,
            ]
        };
        self.window = d
            .effective
            .as_ref()
            .map(|_| (effective_from, effective_to))
            .filter(|(a, b)| a.is_some() || b.is_some());
        let when = self.cond(&d.when, &bound);
        self.window = None;
        let target = d.target.as_ref().and_then(|t| self.field(t, &bound));
        let message = self.template(&d.message, &bound);
        let help = self.template(&d.help, &bound);
        if self
            .diags
            .get(before..)
            .unwrap_or_default()
            .iter()
            .any(|x| x.level == DiagnosticLevel::Error)
        {
            return None;
        }
        Some(Rule {
            id: Arc::from(d.id.value.as_str()),
            name: d.name.value.clone(),
            title: d.title.clone(),
            severity,
            category,
            carc,
            rarc,
            status,
            effective_from,
            effective_to,
            scope,
            each,
            when: when?,
            target,
            message,
            help,
            docs: d.docs.clone().unwrap_or_default(),
            source: RuleSource {
                file: self.file.clone(),
                line: d.id.line,
            },
            pack,
            when_text: yaml_block(text, "when"),
            when_line: key_line(text, "when").unwrap_or(d.when.line),
            id_column: d.id.column,
        })
    }

    fn date(&mut self, s: &Sp<String>) -> Option<Date> {
        match s.value.parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                self.err(
                    s,
                    Code::BadDate,
                    format!("`{}` is not a date", s.value),
                    Some("write dates as YYYY-MM-DD".into()),
                );
                None
            }
        }
    }

    fn scope(&mut self, s: &ScopeDoc) -> Scope {
        let kinds = s.claim_types.as_ref().map(|v| {
            v.iter()
                .filter_map(|k| match k.value.as_str() {
                    "professional" => Some(ClaimKind::Professional),
                    "institutional" => Some(ClaimKind::Institutional),
                    other => {
                        let help = did_you_mean_or_list(other, &["professional", "institutional"]);
                        self.err(
                            k,
                            Code::UnknownClaimType,
                            format!("unknown claim type `{other}`"),
                            help,
                        );
                        None
                    }
                })
                .collect()
        });
        let strings = |v: &Option<Vec<Sp<String>>>| {
            v.as_ref()
                .map(|v| v.iter().map(|x| x.value.clone()).collect())
        };
        Scope {
            kinds,
            payers: strings(&s.payers),
            plans: strings(&s.plans),
        }
    }

    fn field(&mut self, s: &Sp<String>, bound: &[Needs]) -> Option<Field> {
        let Some(f) = Field::from_name(&s.value) else {
            let help = did_you_mean(&s.value, Field::ALL.iter().map(|f| f.name()));
            self.err(
                s,
                Code::UnknownField,
                format!("unknown field `{}`", s.value),
                help,
            );
            return None;
        };
        if !bound.contains(&f.needs()) {
            self.err(
                s,
                Code::FieldOutOfScope,
                format!("field `{}` is not available here", s.value),
                Some(format!("it needs {}", needs_hint(f.needs()))),
            );
            return None;
        }
        Some(f)
    }

    fn field_kind(&mut self, s: &Sp<String>, bound: &[Needs], kinds: &[Kind]) -> Option<Field> {
        let f = self.field(s, bound)?;
        if !kinds.contains(&f.kind()) {
            self.err(
                s,
                Code::WrongType,
                format!(
                    "field `{}` is {}; this condition needs {}",
                    s.value,
                    f.kind().describe(),
                    kinds
                        .iter()
                        .map(|k| k.describe())
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
                None,
            );
            return None;
        }
        Some(f)
    }

    fn op(&mut self, s: &Sp<String>) -> Option<Op> {
        let op = Op::parse(&s.value);
        if op.is_none() {
            self.err(
                s,
                Code::UnknownOp,
                format!("unknown comparison `{}`", s.value),
                Some("use eq, ne, lt, le, gt or ge".into()),
            );
        }
        op
    }

    fn system(&mut self, s: &Sp<String>) -> Option<System> {
        let sys = System::from_name(&s.value);
        if sys.is_none() {
            let help = did_you_mean_or_list(&s.value, &System::ALL.map(System::name));
            self.err(
                s,
                Code::UnknownCodeset,
                format!("unknown code set `{}`", s.value),
                help,
            );
        }
        sys
    }

    fn sub(&mut self, c: &Sp<Cond>, bound: &[Needs], add: &[Needs]) -> Option<Box<Pred>> {
        let mut b = bound.to_vec();
        b.extend_from_slice(add);
        self.cond(c, &b).map(Box::new)
    }

    fn cond(&mut self, c: &Sp<Cond>, bound: &[Needs]) -> Option<Pred> {
        const TEXTS: &[Kind] = &[Kind::Text, Kind::TextList];
        Some(match &c.value {
            Cond::All(v) | Cond::Any(v) => {
                if v.is_empty() {
                    self.err(
                        c,
                        Code::EmptyCondition,
                        "an empty `all` or `any` list".into(),
                        None,
                    );
                }
                let parts: Vec<Option<Pred>> = v.iter().map(|x| self.cond(x, bound)).collect();
                let parts: Option<Vec<Pred>> = parts.into_iter().collect();
                if matches!(c.value, Cond::All(_)) {
                    Pred::All(parts?)
                } else {
                    Pred::Any(parts?)
                }
            }
            Cond::Not(x) => Pred::Not(self.sub(x, bound, &[])?),
            Cond::Present(f) => Pred::Present(self.field(f, bound)?),
            Cond::Absent(f) => Pred::Not(Box::new(Pred::Present(self.field(f, bound)?))),
            Cond::Compare(x) => {
                let field = self.field(&x.field, bound);
                let op = self.op(&x.op);
                let right = match (&x.value, &x.to) {
                    (Some(v), None) => field.and_then(|f| self.literal(f, v)),
                    (None, Some(t)) => {
                        let other = self.field(t, bound);
                        if let (Some(a), Some(b)) = (field, other)
                            && a.kind() != b.kind()
                        {
                            self.err(
                                t,
                                Code::WrongType,
                                format!(
                                    "`{}` is {} but `{}` is {}",
                                    a.name(),
                                    a.kind().describe(),
                                    b.name(),
                                    b.kind().describe()
                                ),
                                Some("compare fields of the same kind".into()),
                            );
                        }
                        other.map(Operand::Field)
                    }
                    _ => {
                        self.err(
                            &x.field,
                            Code::BadCompare,
                            "`compare` needs exactly one of `value` or `to`".into(),
                            Some(
                                "`value:` compares with a constant, `to:` with another field"
                                    .into(),
                            ),
                        );
                        None
                    }
                };
                Pred::Compare {
                    field: field?,
                    op: op?,
                    right: right?,
                }
            }
            Cond::OneOf(x) => Pred::OneOf {
                field: self.field_kind(&x.field, bound, TEXTS)?,
                values: x.values.iter().map(|v| v.value.clone()).collect(),
            },
            Cond::DaysBetween(x) => {
                let from = self.field_kind(&x.from, bound, &[Kind::Date]);
                let to = self.field_kind(&x.to, bound, &[Kind::Date]);
                let op = self.op(&x.op);
                Pred::DaysBetween {
                    from: from?,
                    to: to?,
                    op: op?,
                    value: x.value.value,
                }
            }
            Cond::Regex(x) => {
                let field = self.field_kind(&x.field, bound, TEXTS);
                let re = match Regex::new(&x.pattern.value) {
                    Ok(r) => Some(r),
                    Err(e) => {
                        let msg = e.to_string();
                        let last = msg.lines().last().unwrap_or("invalid").trim();
                        let last = last.strip_prefix("error: ").unwrap_or(last);
                        self.err(
                            &x.pattern,
                            Code::BadRegex,
                            format!("invalid regular expression `{}`: {last}", x.pattern.value),
                            Some(
                                "patterns use the Rust `regex` syntax; escape `(`, `[`, `{` and `.` with `\\` to match them literally"
                                    .into(),
                            ),
                        );
                        None
                    }
                };
                Pred::Regex {
                    field: field?,
                    re: Pattern(re?),
                }
            }
            Cond::Codes(x) => {
                let field = self.field_kind(&x.field, bound, TEXTS);
                let system = x.system.as_ref().and_then(|s| self.system(s));
                let list = self.code_list(x, system);
                Pred::Codes {
                    field: field?,
                    list: list?,
                }
            }
            Cond::Codeset(x) => {
                let field = self.field_kind(&x.field, bound, TEXTS);
                let system = self.system(&x.system);
                let status = x.status.as_ref().map(|v| {
                    let mut mask = 0u8;
                    for s in v {
                        match StatusMask::NAMES.iter().find(|(n, _)| *n == s.value) {
                            Some((_, bits)) => mask |= bits,
                            None => {
                                let names: Vec<&str> =
                                    StatusMask::NAMES.iter().map(|(n, _)| *n).collect();
                                let help = did_you_mean_or_list(&s.value, &names);
                                self.err(
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
                        self.warn(
                            f,
                            Code::UnknownFlag,
                            format!("flag `{}` is not one the shipped code sets carry", f.value),
                            help,
                        );
                    }
                    f.value.clone()
                });
                Pred::Codeset {
                    field: field?,
                    system: system?,
                    status,
                    billable: x.billable,
                    flag,
                }
            }
            Cond::AgeConflict(f) => Pred::AgeConflict(self.field_kind(f, bound, &[Kind::Text])?),
            Cond::SexConflict(f) => Pred::SexConflict(self.field_kind(f, bound, &[Kind::Text])?),
            Cond::Excludes1(x) => {
                let a = self.field_kind(&x.field, bound, &[Kind::Text]);
                let b = self.field_kind(&x.other, bound, &[Kind::Text]);
                Pred::Excludes1 {
                    field: a?,
                    other: b?,
                }
            }
            Cond::PtpEdit(x) => {
                let a = self.field_kind(&x.column1, bound, &[Kind::Text]);
                let b = self.field_kind(&x.column2, bound, &[Kind::Text]);
                let m = match &x.modifiers {
                    Some(m) => Some(self.field_kind(m, bound, &[Kind::TextList])?),
                    None => None,
                };
                Pred::PtpEdit {
                    column1: a?,
                    column2: b?,
                    modifiers: m,
                }
            }
            Cond::MueExceeded(x) => {
                let f = self.field_kind(&x.field, bound, &[Kind::Text]);
                let per_date = match x.per.value.as_str() {
                    "line" => Some(false),
                    "date" => Some(true),
                    other => {
                        self.err(
                            &x.per,
                            Code::BadMue,
                            format!("unknown MUE basis `{other}`"),
                            Some("use `line` or `date`".into()),
                        );
                        None
                    }
                };
                if !bound.contains(&Needs::Line) {
                    self.err(
                        &x.field,
                        Code::FieldOutOfScope,
                        "`mue_exceeded` needs a service line".into(),
                        Some("use it with `each: line`".into()),
                    );
                }
                Pred::MueExceeded {
                    field: f?,
                    per_date: per_date?,
                }
            }
            Cond::AddonWithoutPrimary(f) => {
                Pred::AddonWithoutPrimary(self.field_kind(f, bound, &[Kind::Text])?)
            }
            Cond::AnyLine(x) => Pred::AnyLine(self.sub(x, bound, &[Needs::Line])?),
            Cond::AllLines(x) => Pred::AllLines(self.sub(x, bound, &[Needs::Line])?),
            Cond::AnyDiagnosis(x) => Pred::AnyDiagnosis(self.sub(x, bound, &[Needs::Dx])?),
            Cond::PointedDiagnosis(x) => {
                if !bound.contains(&Needs::Line) {
                    self.err(
                        c,
                        Code::FieldOutOfScope,
                        "`pointed_diagnosis` needs a service line".into(),
                        Some("use it with `each: line` or inside `any_line`".into()),
                    );
                }
                Pred::PointedDiagnosis(self.sub(x, bound, &[Needs::Dx])?)
            }
            Cond::Count(x) => {
                let each = match x.each.value.as_str() {
                    "line" => Some((Each::Line, Needs::Line)),
                    "diagnosis" => Some((Each::Diagnosis, Needs::Dx)),
                    "procedure" => Some((Each::Procedure, Needs::Proc)),
                    "modifier" => Some((Each::Modifier, Needs::Modifier)),
                    "pointer" => Some((Each::Pointer, Needs::Pointer)),
                    other => {
                        let help = did_you_mean_or_list(
                            other,
                            &["line", "diagnosis", "procedure", "modifier", "pointer"],
                        );
                        self.err(
                            &x.each,
                            Code::UnknownEach,
                            format!("cannot count `{other}`"),
                            help,
                        );
                        None
                    }
                };
                let (each, needs) = each?;
                if matches!(each, Each::Modifier | Each::Pointer) && !bound.contains(&Needs::Line) {
                    self.err(
                        &x.each,
                        Code::FieldOutOfScope,
                        format!("counting `{}` needs a service line", x.each.value),
                        None,
                    );
                }
                let filter = match &x.filter {
                    Some(f) => Some(self.sub(f, bound, &[needs])?),
                    None => None,
                };
                let op = self.op(&x.op);
                Pred::Count {
                    each,
                    filter,
                    op: op?,
                    value: x.value.value,
                }
            }
            Cond::Same(names) => {
                let pair = if bound.contains(&Needs::OtherLine) {
                    "line"
                } else if bound.contains(&Needs::OtherDx) {
                    "dx"
                } else {
                    self.err(
                        c,
                        Code::FieldOutOfScope,
                        "`same` compares the two sides of a pair".into(),
                        Some("use it with `each: line-pair` or `each: diagnosis-pair`".into()),
                    );
                    return None;
                };
                let mut pairs = Vec::new();
                for n in names {
                    let (a, b) = if pair == "line" {
                        (format!("line.{}", n.value), format!("other.{}", n.value))
                    } else {
                        (format!("dx.{}", n.value), format!("other_dx.{}", n.value))
                    };
                    match (Field::from_name(&a), Field::from_name(&b)) {
                        (Some(x), Some(y)) => pairs.push((x, y)),
                        _ => {
                            let prefix = if pair == "line" {
                                "other."
                            } else {
                                "other_dx."
                            };
                            let help = did_you_mean(
                                &n.value,
                                Field::ALL
                                    .iter()
                                    .filter_map(|f| f.name().strip_prefix(prefix)),
                            );
                            self.err(
                                n,
                                Code::UnknownField,
                                format!("`{}` is not a field both sides of the pair have", n.value),
                                help,
                            );
                        }
                    }
                }
                if pairs.len() != names.len() {
                    return None;
                }
                Pred::Same(pairs)
            }
            Cond::BadCheckDigit(x) => {
                let f = self.field_kind(&x.field, bound, &[Kind::Text]);
                if x.scheme.value != "npi" {
                    self.err(
                        &x.scheme,
                        Code::UnknownScheme,
                        format!("unknown check-digit scheme `{}`", x.scheme.value),
                        Some("`npi` is supported".into()),
                    );
                    return None;
                }
                Pred::BadNpi(f?)
            }
        })
    }

    fn literal(&mut self, f: Field, v: &Sp<Literal>) -> Option<Operand> {
        match (f.kind(), &v.value) {
            (Kind::Number | Kind::NumberList, Literal::Number(n)) => Some(Operand::Number(*n)),
            (Kind::Text | Kind::TextList, Literal::Text(s)) => Some(Operand::Text(s.clone())),
            (Kind::Text | Kind::TextList, Literal::Number(n)) => {
                Some(Operand::Text(super::field::format_number(*n)))
            }
            (Kind::Date, Literal::Text(s)) => match s.parse::<Date>() {
                Ok(d) => Some(Operand::Date(d)),
                Err(_) => {
                    self.err(
                        v,
                        Code::BadDate,
                        format!("`{s}` is not a date"),
                        Some("write dates as YYYY-MM-DD".into()),
                    );
                    None
                }
            },
            (k, lit) => {
                let shown = match lit {
                    Literal::Bool(b) => b.to_string(),
                    Literal::Number(n) => super::field::format_number(*n),
                    Literal::Text(t) => t.clone(),
                };
                self.err(
                    v,
                    Code::WrongType,
                    format!(
                        "field `{}` is {}; `{shown}` does not compare with it",
                        f.name(),
                        k.describe()
                    ),
                    Some(format!("write {}, e.g. `{}`", k.describe(), k.example())),
                );
                None
            }
        }
    }

    fn code_list(&mut self, x: &schema::CodesDoc, system: Option<System>) -> Option<Arc<CodeList>> {
        let mut list = CodeList::default();
        let mut ok = true;
        if let Some(codes) = &x.codes {
            for c in codes {
                match CodePattern::parse(&c.value) {
                    Some(p) => {
                        self.check_listed(c, &p, system);
                        list.push(p);
                    }
                    None => {
                        let (message, help) = match backwards_range(&c.value) {
                            Some((lo, hi)) => (
                                format!("range `{}` runs backwards", c.value),
                                Some(format!("write the low end first: `{lo}-{hi}`")),
                            ),
                            None => (
                                format!(
                                    "`{}` is not a code, prefix (`M81.*`) or range (`E08-E13`)",
                                    c.value
                                ),
                                None,
                            ),
                        };
                        self.err(c, Code::BadCode, message, help);
                        ok = false;
                    }
                }
            }
        }
        if let Some(file) = &x.file {
            let key = resolve_relative(&self.file, &file.value);
            if let Some(l) = self.lists.get(&key) {
                for c in &l.exact {
                    list.exact.insert(c.clone());
                }
                list.prefixes.extend(l.prefixes.iter().cloned());
                list.ranges.extend(l.ranges.iter().cloned());
            } else {
                match (self.read_list)(&key) {
                    Some(text) => {
                        let mut from_file = CodeList::default();
                        for (n, line) in text.lines().enumerate() {
                            let code = line.split(['#', '\t']).next().unwrap_or("").trim();
                            if code.is_empty() {
                                continue;
                            }
                            match CodePattern::parse(code) {
                                Some(p) => from_file.push(p),
                                None => {
                                    self.diags.push(Diagnostic::error(
                                        Arc::from(key.as_str()),
                                        n as u32 + 1,
                                        1,
                                        Code::BadCode,
                                        format!("`{code}` is not a code, prefix or range"),
                                    ));
                                    ok = false;
                                }
                            }
                        }
                        for c in &from_file.exact {
                            list.exact.insert(c.clone());
                        }
                        list.prefixes.extend(from_file.prefixes.iter().cloned());
                        list.ranges.extend(from_file.ranges.iter().cloned());
                        self.lists.insert(key, Arc::new(from_file));
                    }
                    None => {
                        self.err(
                            file,
                            Code::MissingList,
                            format!("code-list file `{}` not found", file.value),
                            Some(format!("looked for `{key}`")),
                        );
                        ok = false;
                    }
                }
            }
        }
        if list.is_empty() && ok {
            self.err(
                &x.field,
                Code::EmptyList,
                "a `codes` condition with no codes".into(),
                Some("give `in:` or `file:`".into()),
            );
            ok = false;
        }
        ok.then(|| Arc::new(list))
    }

    /// A listed code must exist in its code set (when that set is loaded); an exact code
    /// should be billable and valid within the rule's effective window.
    fn check_listed(&mut self, at: &Sp<String>, p: &CodePattern, system: Option<System>) {
        let Some(set) = system.and_then(|s| self.codesets.get(s)) else {
            return;
        };
        if let CodePattern::Exact(c) = p
            && let Some(record) = set.get(c)
        {
            let sys = set.system().name();
            // A code can be billable in one year and a header in another (`A047`): judge it
            // where the rule's window starts, else as it stands now.
            let start = self.window.and_then(|(from, to)| from.or(to));
            let billable = match start {
                Some(d) => set.lookup(c, d).record.is_none_or(|r| r.billable),
                None => record.billable,
            };
            if !billable {
                let children = set.children(c, start);
                let mut example: Vec<String> =
                    children.iter().take(3).map(|x| format!("`{x}`")).collect();
                if children.len() > 3 {
                    example.push(format!("… {} in all", children.len()));
                }
                let help = if example.is_empty() {
                    format!("list a billable code, or the prefix `{c}.*`")
                } else {
                    format!(
                        "did you mean the prefix `{c}.*`? its billable codes include {}",
                        example.join(", ")
                    )
                };
                self.warn(
                    at,
                    Code::ListedHeader,
                    format!(
                        "`{}` is a header in {sys}, not a billable code: it matches only claims that carry the header itself",
                        at.value
                    ),
                    Some(help),
                );
            }
            if let Some(window) = self.window
                && let Some((message, help)) =
                    not_effective(&at.value, &record.validity, window, sys)
            {
                self.warn(at, Code::ListedNotEffective, message, Some(help));
            }
            return;
        }
        let exists = match p {
            CodePattern::Exact(c) => set.contains(c),
            other => !set.matching(other).is_empty(),
        };
        if !exists {
            let help = match p {
                CodePattern::Exact(c) => {
                    // Nearest first; among equals, those sharing the longest start (the
                    // same category) first. Three are enough for a hint.
                    let mut s = set.suggest(c, 2);
                    let shared =
                        |x: &str| c.chars().zip(x.chars()).take_while(|(a, b)| a == b).count();
                    s.sort_by_key(|x| (strsim::levenshtein(c, x), std::cmp::Reverse(shared(x))));
                    s.truncate(3);
                    (!s.is_empty()).then(|| format!("did you mean `{}`?", s.join("`, `")))
                }
                _ => None,
            };
            self.err(
                at,
                Code::UnknownCode,
                format!("`{}` is not in {}", at.value, set.system().name()),
                help,
            );
        }
    }

    fn template(&mut self, t: &Sp<String>, bound: &[Needs]) -> Template {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut rest = t.value.as_str();
        loop {
            let Some(at) = rest.find(['{', '}']) else {
                text.push_str(rest);
                break;
            };
            text.push_str(&rest[..at]);
            let tail = &rest[at..];
            // `{{` and `}}` are literal braces.
            if tail.starts_with("{{") || tail.starts_with("}}") {
                text.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            if tail.starts_with('}') {
                self.err(
                    t,
                    Code::BadTemplate,
                    "unmatched `}` in template".into(),
                    Some("write `}}` for a literal brace".into()),
                );
                return Template(pieces);
            }
            let Some(close) = tail.find('}') else {
                self.err(
                    t,
                    Code::BadTemplate,
                    "unclosed `{` in template".into(),
                    Some(
                        "close the placeholder with `}`, or write `{{` for a literal brace".into(),
                    ),
                );
                return Template(pieces);
            };
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            let name = tail[1..close].trim();
            self.placeholder(t, name, bound, &mut pieces);
            rest = &tail[close + 1..];
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Template(pieces)
    }

    fn placeholder(
        &mut self,
        t: &Sp<String>,
        name: &str,
        bound: &[Needs],
        pieces: &mut Vec<Piece>,
    ) {
        if SPECIALS.contains(&name) || FACTS.contains(&name) {
            pieces.push(Piece::Special(name.to_string()));
        } else if let Some(f) = Field::from_name(name) {
            if f.is_phi() {
                self.err(
                    t,
                    Code::PhiInMessage,
                    format!("`{{{name}}}` would print protected health information"),
                    Some("messages may not carry member ids, dates of birth or tax ids".into()),
                );
            } else if !bound.contains(&f.needs()) {
                self.err(
                    t,
                    Code::FieldOutOfScope,
                    format!("field `{name}` is not available in this rule's iteration"),
                    Some(format!("it needs {}", needs_hint(f.needs()))),
                );
            } else {
                pieces.push(Piece::Field(f));
            }
        } else {
            let names = Field::ALL
                .iter()
                .map(|f| f.name())
                .chain(SPECIALS.iter().copied())
                .chain(FACTS.iter().copied());
            let help = did_you_mean(name, names);
            self.err(
                t,
                Code::UnknownPlaceholder,
                format!("unknown placeholder `{{{name}}}`"),
                help,
            );
        }
    }
}

/// `E13-E08`: a range whose ends are codes but in the wrong order, as (low, high).
fn backwards_range(s: &str) -> Option<(String, String)> {
    let (a, b) = s.split_once('-')?;
    match (CodePattern::parse(a)?, CodePattern::parse(b)?) {
        (CodePattern::Exact(a), CodePattern::Exact(b)) if a > b => Some((b, a)),
        _ => None,
    }
}

/// A listed code that is valid nowhere in the rule's effective window: a message and help.
/// A window with an end is checked throughout; an open-ended one on its first day.
fn not_effective(
    code: &str,
    validity: &[Validity],
    (from, to): (Option<Date>, Option<Date>),
    system: &str,
) -> Option<(String, String)> {
    let (ok, when) = match (from, to) {
        (from, Some(to)) => {
            let from = from.unwrap_or(Date::MIN);
            let ok = validity
                .iter()
                .any(|v| v.from <= to && v.to.is_none_or(|end| end >= from));
            let when = if from == Date::MIN {
                format!("at any time up to {to}, the end of the rule's `effective` window")
            } else {
                format!("at any time from {from} to {to}, the rule's `effective` window")
            };
            (ok, when)
        }
        (Some(from), None) => (
            validity.iter().any(|v| v.contains(from)),
            format!("on {from}, when the rule takes effect"),
        ),
        (None, None) => return None,
    };
    if ok {
        return None;
    }
    let spans: Vec<String> = validity
        .iter()
        .map(|v| match (v.open_start(), v.to) {
            (true, Some(t)) => format!("until {t}"),
            (true, None) => "always".to_string(),
            (false, Some(t)) => format!("{} to {t}", v.from),
            (false, None) => format!("from {}", v.from),
        })
        .collect();
    Some((
        format!("`{code}` is not valid in {system} {when}"),
        format!(
            "{system} has it {}; fix the code or the `effective` dates",
            spans.join(", ")
        ),
    ))
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

fn needs_hint(n: Needs) -> &'static str {
    match n {
        Needs::Claim => "nothing",
        Needs::Line => "a service line: `each: line` or `any_line`",
        Needs::OtherLine => "`each: line-pair`",
        Needs::Dx => "a diagnosis: `each: diagnosis`, `any_diagnosis` or `pointed_diagnosis`",
        Needs::OtherDx => "`each: diagnosis-pair`",
        Needs::Proc => "`each: procedure`",
        Needs::Modifier => "`each: modifier`",
        Needs::Pointer => "`each: pointer`",
    }
}

/// Resolve `name` relative to the directory of `file`.
pub fn resolve_relative(file: &str, name: &str) -> String {
    let dir = parent_dir(file);
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for p in name.split('/') {
        match p {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            x => parts.push(x),
        }
    }
    parts.join("/")
}

/// `did you mean `X`?` from the closest candidate, if one is close.
pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(word, c);
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

/// A did-you-mean hint from a short vocabulary, else the whole vocabulary.
fn did_you_mean_or_list(word: &str, candidates: &[&str]) -> Option<String> {
    did_you_mean(word, candidates.iter().copied()).or_else(|| {
        let all: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
        Some(format!("expected one of {}", all.join(", ")))
    })
}

/// A hint for serde's shape errors: `unknown field `x`, expected one of a, b` gets a
/// did-you-mean; `missing field `x`` names what every rule needs.
fn yaml_help(message: &str) -> Option<String> {
    if message.contains("did not find expected") || message.starts_with("while parsing") {
        return Some(
            "YAML syntax: an unclosed `[`, `{` or quote on this line or above is the usual cause"
                .into(),
        );
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or("");
        return Some(format!(
            "add `{field}:`; every rule has id, name, title, severity, category, when, message and help"
        ));
    }
    let rest = message.strip_prefix("unknown field `")?;
    let (word, tail) = rest.split_once('`')?;
    let list = tail
        .split_once("expected one of ")
        .or_else(|| tail.split_once("expected "))
        .map_or("", |(_, l)| l);
    let expected = list
        .split(',')
        .map(|x| x.trim().trim_matches('`'))
        .filter(|x| !x.is_empty());
    did_you_mean(word, expected)
}

/// The 1-based line of a top-level key.
fn key_line(text: &str, key: &str) -> Option<u32> {
    let at = text
        .lines()
        .position(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':')))?;
    u32::try_from(at + 1).ok()
}

/// The text of a top-level YAML block (`when:` and what is indented under it).
fn yaml_block(text: &str, key: &str) -> String {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if inside {
            if line.starts_with(' ') || line.starts_with('-') || line.trim().is_empty() {
                out.push(line);
                continue;
            }
            break;
        }
        if line.starts_with(&format!("{key}:")) {
            inside = true;
            out.push(line);
        }
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// The rule ids of a set, for stable listings.
pub fn ids(set: &RuleSet) -> BTreeMap<String, usize> {
    set.rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.to_string(), i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(effective: &str, codes: &str) -> RuleFile {
        RuleFile {
            path: "p/r.yaml".into(),
            text: format!(
                "id: TST001\nname: t\ntitle: t\nseverity: error\ncategory: medical-necessity\ncarc: CO-11\n{effective}each: diagnosis\nwhen:\n  codes: {{ field: dx.code, in: [{codes}], system: icd10cm }}\nmessage: m\nhelp: h\n"
            ),
        }
    }

    fn diags(effective: &str, codes: &str) -> Vec<(u32, u32, &'static str, String)> {
        let sets = match CodeSets::builtin() {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let (set, d) = load(&[rule(effective, codes)], &|_| None, &sets);
        assert!(set.is_some(), "{d:#?}");
        d.into_iter()
            .map(|d| {
                (
                    d.line,
                    d.column,
                    d.code.as_str(),
                    d.message + " / " + &d.help.unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn a_listed_header_is_a_warning_with_its_children() {
        let d = diags("", "Z125, E11");
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!((d[0].0, d[0].1, d[0].2), (9, 39, "listed-header"));
        assert!(
            d[0].3.contains("`E11.*`") && d[0].3.contains("`E1100`"),
            "{}",
            d[0].3
        );
    }

    #[test]
    fn a_listed_code_outside_the_effective_window_is_a_warning() {
        // H4011X0 was deleted after 2016-09-30; B8801 is new on 2025-10-01.
        let closed = "effective: { from: 2018-01-01, to: 2019-12-31 }\n";
        let d = diags(closed, "H4011X0, Z125");
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].2, "listed-not-effective");
        assert!(d[0].3.contains("2015-10-01 to 2016-09-30"), "{}", d[0].3);
        assert!(diags("effective: { to: 2016-12-31 }\n", "H4011X0").is_empty());
        // A047 was billable until 2017-09-30, then became a header.
        assert!(diags("effective: { to: 2016-12-31 }\n", "A047").is_empty());
        let d = diags(closed, "A047");
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].2, "listed-header");
        let open = "effective: { from: 2024-10-01 }\n";
        let d = diags(open, "B8801");
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].3.contains("on 2024-10-01"), "{}", d[0].3);
        assert!(diags("effective: { from: 2025-10-01 }\n", "B8801").is_empty());
        assert!(diags("", "H4011X0, B8801").is_empty());
    }

    #[test]
    fn a_backwards_range_says_so() {
        assert_eq!(
            backwards_range("E13-E08"),
            Some(("E08".to_string(), "E13".to_string()))
        );
        assert_eq!(backwards_range("E08-E13"), None);
        assert_eq!(backwards_range("E08-"), None);
    }

    #[test]
    fn partial_load_keeps_the_rules_that_compile() {
        let good = rule("", "Z125");
        let bad = RuleFile {
            path: "p/bad.yaml".into(),
            text: good
                .text
                .replace("TST001", "TST002")
                .replace("dx.code", "dx.cod"),
        };
        let (set, d) = load_partial(
            &[good.clone(), bad.clone()],
            &|_| None,
            &CodeSets::default(),
        );
        assert_eq!(set.rules.len(), 1);
        assert_eq!(d.len(), 1);
        assert!(
            load(&[good, bad], &|_| None, &CodeSets::default())
                .0
                .is_none()
        );
    }
}
