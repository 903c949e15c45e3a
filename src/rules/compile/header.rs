//! Rule headers: id, name, severity, category, denial codes, status, effective window,
//! scope and iteration, each checked against its vocabulary.

use std::sync::Arc;

use jiff::civil::Date;

use super::Lower;
use super::hints::{did_you_mean, did_you_mean_or_list};
use super::text::{key_line, key_text};
use crate::claim::{ClaimKind, Setting};
use crate::finding::{Category, RuleSource, Severity};
use crate::rules::diagnostic::{Code, DiagnosticLevel};
use crate::rules::field::Needs;
use crate::rules::ir::{Each, NoticeRule, Pairs, Piece, Rule, RuleStatus, Scope, Template};
use crate::rules::schema::{RuleDoc, ScopeDoc, Sp};

impl Lower<'_> {
    /// A rule from its document: every header value checked, the condition and templates
    /// compiled. `None` when the rule has errors (they are in `diags`).
    pub(super) fn rule(
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
        let pairs = d
            .pairs
            .as_ref()
            .map_or(Pairs::All, |p| self.pairs(p, each_known.then_some(each)));
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
        let facts = when.as_ref().map(crate::rules::cond::Pred::facts);
        let message = self.template(&d.message, &bound, facts);
        let help = self.template(&d.help, &bound, facts);
        let institutional_help = d
            .institutional_help
            .as_ref()
            .map(|h| self.template(h, &bound, facts));
        let notice = d
            .notice
            .as_ref()
            .and_then(|n| self.notice(n, d, each, severity, &help));
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
            pairs,
            when: when?,
            target,
            message,
            help,
            institutional_help,
            notice,
            docs: d.docs.clone().unwrap_or_default(),
            source: RuleSource {
                file: self.file.clone(),
                line: d.id.line,
            },
            pack,
            when_text: key_text(text, "when", d.when.span()),
            when_line: key_line(text, "when").unwrap_or(d.when.line),
            id_column: d.id.column,
        })
    }

    /// A rule's `pairs`: a known value on a pair iteration, or an error at the `pairs` key.
    fn pairs(&mut self, p: &Sp<String>, each: Option<Each>) -> Pairs {
        let Some((_, pairs)) = Pairs::NAMES.iter().find(|(n, _)| *n == p.value) else {
            let names: Vec<&str> = Pairs::NAMES.iter().map(|(n, _)| *n).collect();
            let help = did_you_mean_or_list(&p.value, &names);
            self.err(
                p,
                Code::BadPairs,
                format!("unknown `pairs` `{}`", p.value),
                help,
            );
            return Pairs::All;
        };
        // An unknown `each` (`None`) is reported already.
        if each.is_some_and(|e| !matches!(e, Each::LinePair | Each::DiagnosisPair)) {
            self.err(
                p,
                Code::BadPairs,
                format!("`pairs: {}` needs a pair iteration", p.value),
                Some("use it with `each: line-pair` or `each: diagnosis-pair`".into()),
            );
        }
        *pairs
    }

    /// A rule's run-level notice: a kebab-case code on a rule over lines whose help is plain
    /// text, or an error at the `notice` key.
    fn notice(
        &mut self,
        n: &Sp<String>,
        d: &RuleDoc,
        each: Each,
        severity: Severity,
        help: &Template,
    ) -> Option<Arc<NoticeRule>> {
        let kebab = !n.value.is_empty()
            && n.value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let problem = if !kebab {
            Some(format!("notice `{}` is not kebab-case", n.value))
        } else if each != Each::Line {
            Some(format!(
                "notice `{}` counts lines, but the rule does not iterate `each: line`",
                n.value
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            self.err(n, Code::BadNotice, message, None);
            return None;
        }
        // A help with placeholders reads differently per line, so it cannot be said once.
        let help = match help.0.as_slice() {
            [] => String::new(),
            [Piece::Text(t)] => t.clone(),
            _ => {
                self.err(
                    n,
                    Code::BadNotice,
                    format!("notice `{}`: the rule's help has placeholders", n.value),
                    Some("a notice is said once per run; write its help as plain text".into()),
                );
                return None;
            }
        };
        Some(Arc::new(NoticeRule {
            code: Arc::from(n.value.as_str()),
            rule: Arc::from(d.id.value.as_str()),
            severity,
            message: d.title.clone(),
            help,
        }))
    }

    /// A date written YYYY-MM-DD, or an error at it.
    pub(super) fn date(&mut self, s: &Sp<String>) -> Option<Date> {
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

    /// Which claims a rule or pack applies to.
    pub(super) fn scope(&mut self, s: &ScopeDoc) -> Scope {
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
        let names: Vec<&str> = Setting::ALL.iter().map(|x| x.as_str()).collect();
        let settings = s.settings.as_ref().map(|v| {
            v.iter()
                .filter_map(|k| {
                    let found = Setting::ALL.into_iter().find(|x| x.as_str() == k.value);
                    if found.is_none() {
                        self.err(
                            k,
                            Code::UnknownClaimType,
                            format!("unknown setting `{}`", k.value),
                            did_you_mean_or_list(&k.value, &names),
                        );
                    }
                    found
                })
                .collect()
        });
        Scope {
            kinds,
            payers: strings(&s.payers),
            plans: strings(&s.plans),
            settings,
        }
    }
}
