//! Rendering a finding: its code, path, location, charge, and its message and help with
//! every placeholder filled.

use std::borrow::Cow;

use super::redact::REDACTED;
use crate::claim::Position;
use crate::codeset::System;
use crate::codeset::normalize::dotted;
use crate::finding::Finding;
use crate::rules::cond::{Env, Fact, Facts};
use crate::rules::field::{Field, Scope, Value, age_shown};
use crate::rules::{Each, Piece, Rule, Special, Template};

/// Renders the findings of one claim's rules.
pub(crate) struct Render<'a, 'e> {
    /// The environment the rules were evaluated in.
    pub env: &'a Env<'e>,
}

impl Render<'_, '_> {
    /// Build the finding for a rule that fired in scope `s`.
    pub(crate) fn finding(&self, rule: &Rule, s: &Scope<'_>, facts: &Facts) -> Finding {
        // A PHI target (member id, date of birth) locates the finding but never prints.
        let target_value = rule.target.filter(|t| !t.is_phi()).map(|t| match t.get(s) {
            Value::Number(n) if t == Field::Age => Value::Number(n.min(90.0)),
            v => v,
        });
        let code = match &target_value {
            Some(Value::Text(t)) => Some((*t).to_string()),
            Some(v) if v.is_present() => Some(v.render()),
            _ => None,
        };
        let code = match rule.target.and_then(|t| masked(t, s)) {
            Some(mask) if code.is_some() => Some(mask),
            _ => code,
        };
        let path = match rule.target {
            Some(t) => t.pointer(s),
            None => default_pointer(rule.each, s),
        };
        let line_no = s.line.map(|(i, _)| i as u32 + 1);
        let charge = match s.line {
            Some((_, l)) => l.charge,
            None => s.claim.total_charge,
        };
        let display_code = code.as_deref().map(|c| shown(rule.target, c).into_owned());
        Finding {
            claim_id: s
                .claim
                .masks
                .as_ref()
                .map_or_else(|| s.claim.id.clone(), |m| m.id.clone()),
            rule: rule.id.clone(),
            category: rule.category,
            severity: rule.severity,
            line: line_no,
            location: s.claim.source.resolve(path),
            code: code.clone(),
            display_code,
            path,
            carc: rule.carc.clone(),
            rarc: rule.rarc.clone(),
            message: self.template(&rule.message, rule.target, code.as_deref(), s, facts),
            help: self.template(
                rule.help_for(s.claim.kind),
                rule.target,
                code.as_deref(),
                s,
                facts,
            ),
            rule_source: rule.source.clone(),
            charge,
        }
    }

    fn template(
        &self,
        t: &Template,
        target: Option<Field>,
        code: Option<&str>,
        s: &Scope<'_>,
        facts: &Facts,
    ) -> String {
        let mut out = String::new();
        for piece in &t.0 {
            let mask = match piece {
                Piece::Field(f) => masked(*f, s),
                Piece::Fact(Fact::Age) => s.claim.masks.as_ref().map(|_| REDACTED.to_string()),
                _ => None,
            };
            if let Some(mask) = mask {
                out.push_str(&mask);
                continue;
            }
            match piece {
                Piece::Text(x) => out.push_str(x),
                Piece::Field(Field::Age) => {
                    if let Value::Number(n) = Field::Age.get(s) {
                        out.push_str(&age_shown(n as i64));
                    }
                }
                Piece::Field(f) => out.push_str(&shown(Some(*f), &f.get(s).render())),
                Piece::Special(name) => out.push_str(&self.special(*name, target, code, s)),
                Piece::Fact(f) => out.push_str(facts.get(*f).unwrap_or("")),
            }
        }
        out
    }

    fn special(
        &self,
        name: Special,
        target: Option<Field>,
        code: Option<&str>,
        s: &Scope<'_>,
    ) -> String {
        let code_str = code.unwrap_or("");
        let set = || target.and_then(|t| self.env.codesets.get(t.code_system(code_str)));
        match name {
            Special::Code => shown(target, code_str).into_owned(),
            Special::Title => set()
                .and_then(|c| c.get(code_str).map(|r| r.short_title.to_string()))
                .unwrap_or_default(),
            Special::Children => {
                let kids = set()
                    .map(|c| c.children(code_str, Some(self.env.date(s))))
                    .unwrap_or_default();
                list_some(&shown_all(target, kids), 8)
            }
            Special::Replacements => {
                let found = set()
                    .map(|c| c.replacements(code_str, self.env.date(s)))
                    .unwrap_or_default();
                if found.is_empty() {
                    "no replacement is known".to_string()
                } else {
                    list_some(&shown_all(target, found), 8)
                }
            }
            Special::Suggestions => {
                let near = set().map(|c| c.suggest(code_str, 2)).unwrap_or_default();
                if near.is_empty() {
                    "no close code".to_string()
                } else {
                    list_some(&shown_all(target, near), 5)
                }
            }
        }
    }
}

/// What `check --redact` prints for a field ([`Field::redacted`]): the claim's masks for its
/// ids, [`REDACTED`] for the rest; `None` when the run does not redact or the field is shown.
fn masked(f: Field, s: &Scope<'_>) -> Option<String> {
    let masks = s.claim.masks.as_ref()?;
    match f {
        Field::ClaimId => Some(masks.id.clone()),
        Field::OriginalClaimId => Some(masks.original.clone().unwrap_or_default()),
        f if f.redacted() => Some(REDACTED.to_string()),
        _ => None,
    }
}

/// A code as people read it: ICD-10-CM with its dot (`E11.65`), whatever form the claim used;
/// other systems as they are.
fn shown(field: Option<Field>, code: &str) -> Cow<'_, str> {
    match field {
        Some(f @ (Field::DxCode | Field::OtherDxCode))
            if f.code_system(code) == System::Icd10Cm =>
        {
            dotted(code)
        }
        _ => Cow::Borrowed(code),
    }
}

/// [`shown`] for a list of codes.
fn shown_all(field: Option<Field>, codes: Vec<String>) -> Vec<String> {
    codes
        .into_iter()
        .map(|c| shown(field, &c).into_owned())
        .collect()
}

fn list_some(v: &[String], n: usize) -> String {
    let mut s = v.iter().take(n).cloned().collect::<Vec<_>>().join(", ");
    if v.len() > n {
        s.push_str(&format!(" (+{} more)", v.len() - n));
    }
    s
}

fn default_pointer(each: Each, s: &Scope<'_>) -> Position {
    match each {
        Each::Claim => Position::Claim,
        Each::Line | Each::LinePair => Field::LineNumber.pointer(s),
        Each::Diagnosis | Each::DiagnosisPair => Field::DxCode.pointer(s),
        Each::Procedure => Field::ProcCode.pointer(s),
        Each::Modifier => Field::ModifierCode.pointer(s),
        Each::Pointer => Field::PointerValue.pointer(s),
    }
}
