//! Evaluating compiled predicates on a bound scope, and rendering findings.

use jiff::civil::Date;

use crate::claim::{Position, Sex};
use crate::codeset::{CodeSets, CodeSex, Lookup, Status, System};
use crate::finding::Finding;
use crate::rules::compile::{Op, Operand};
use crate::rules::field::{Field, Scope, Value};
use crate::rules::{Each, Piece, Pred, Rule, StatusMask, Template};

/// Values a predicate found while deciding, for the message (`{mue}`, `{excluded}`…).
#[derive(Debug, Default)]
pub struct Facts(Vec<(&'static str, String)>);

impl Facts {
    fn set(&mut self, k: &'static str, v: impl Into<String>) {
        let v = v.into();
        match self.0.iter_mut().find(|(n, _)| *n == k) {
            Some(slot) => slot.1 = v,
            None => self.0.push((k, v)),
        }
    }
    fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.as_str())
    }
}

/// Modifiers NCCI accepts to bypass an indicator-1 procedure-to-procedure edit.
const NCCI_MODIFIERS: &[&str] = &[
    "24", "25", "27", "57", "58", "59", "78", "79", "91", "E1", "E2", "E3", "E4", "F1", "F2", "F3",
    "F4", "F5", "F6", "F7", "F8", "F9", "FA", "LC", "LD", "LM", "LT", "RC", "RI", "RT", "TA", "T1",
    "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "XE", "XP", "XS", "XU",
];

/// The evaluation environment of one claim.
pub struct Eval<'e> {
    pub codesets: &'e CodeSets,
    pub as_of: Date,
    /// Lookups already made for this claim: many rules ask about the same few codes.
    memo: std::cell::RefCell<Vec<Memo<'e>>>,
}

/// One memoized lookup: system, code and date asked, and the answer.
type Memo<'e> = (System, String, Date, std::rc::Rc<Lookup<'e>>);

fn text_values<'a>(v: &Value<'a>) -> Vec<&'a str> {
    match v {
        Value::Text(s) => vec![*s],
        Value::TextList(l) => l.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The code system a code most likely belongs to, from the field that holds it.
pub fn system_of(field: Field, code: &str) -> System {
    match field {
        Field::DxCode | Field::OtherDxCode => System::Icd10Cm,
        Field::ProcCode => System::Icd10Pcs,
        Field::ModifierCode | Field::Modifiers | Field::OtherModifiers => System::Modifier,
        Field::LinePos | Field::ClaimPos | Field::OtherPos => System::Pos,
        _ if is_cpt_shaped(code) => System::Cpt,
        _ => System::Hcpcs,
    }
}

/// CPT codes are five digits, or four digits and F, T, U or M.
pub fn is_cpt_shaped(code: &str) -> bool {
    match code.as_bytes() {
        [a, b, c, d, e] => {
            [a, b, c, d].iter().all(|x| x.is_ascii_digit())
                && (e.is_ascii_digit() || matches!(e, b'F' | b'T' | b'U' | b'M'))
        }
        _ => false,
    }
}

impl<'e> Eval<'e> {
    pub fn new(codesets: &'e CodeSets, as_of: Date) -> Eval<'e> {
        Eval {
            codesets,
            as_of,
            memo: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// `lookup` through the per-claim memo; `None` when the system is not loaded.
    fn lookup(&self, system: System, code: &str, date: Date) -> Option<std::rc::Rc<Lookup<'e>>> {
        let set = self.codesets.get(system)?;
        if let Some(hit) = self
            .memo
            .borrow()
            .iter()
            .find(|(sys, c, d, _)| *sys == system && *d == date && c == code)
        {
            return Some(hit.3.clone());
        }
        let found = std::rc::Rc::new(set.lookup(code, date));
        self.memo
            .borrow_mut()
            .push((system, code.to_string(), date, found.clone()));
        Some(found)
    }

    fn date(&self, s: &Scope<'_>) -> Date {
        s.date().unwrap_or(self.as_of)
    }

    /// Does the predicate hold in this scope?
    pub fn test(&self, p: &Pred, s: &Scope<'_>, facts: &mut Facts) -> bool {
        match p {
            Pred::All(v) => v.iter().all(|x| self.test(x, s, facts)),
            Pred::Any(v) => v.iter().any(|x| self.test(x, s, facts)),
            Pred::Not(x) => !self.test(x, s, facts),
            Pred::Present(f) => f.get(s).is_present(),
            Pred::Compare { field, op, right } => self.compare(*field, *op, right, s),
            Pred::OneOf { field, values } => text_values(&field.get(s))
                .iter()
                .any(|v| values.iter().any(|x| x == v)),
            Pred::DaysBetween {
                from,
                to,
                op,
                value,
            } => {
                let a = match from.get(s) {
                    Value::Date(d) => d,
                    _ => return false,
                };
                let b = match to.get(s) {
                    Value::Date(d) => d,
                    // A claim with no submission date is judged as if submitted today.
                    _ if *to == Field::SubmissionDate => self.as_of,
                    _ => return false,
                };
                let days = match a.until((jiff::Unit::Day, b)) {
                    Ok(span) => i64::from(span.get_days()),
                    Err(_) => return false,
                };
                facts.set("days", days.to_string());
                op.test(days, *value)
            }
            Pred::Regex { field, re } => text_values(&field.get(s)).iter().any(|v| re.is_match(v)),
            Pred::Codes { field, list } => {
                text_values(&field.get(s)).iter().any(|v| list.matches(v))
            }
            Pred::Codeset {
                field,
                system,
                status,
                billable,
                flag,
            } => text_values(&field.get(s)).iter().any(|code| {
                self.codeset(code, *system, *status, *billable, flag.as_deref(), s, facts)
            }),
            Pred::AgeConflict(f) => self.age_conflict(*f, s, facts),
            Pred::SexConflict(f) => self.sex_conflict(*f, s, facts),
            Pred::Excludes1 { field, other } => self.excludes1(*field, *other, s, facts),
            Pred::PtpEdit {
                column1,
                column2,
                modifiers,
            } => self.ptp(*column1, *column2, *modifiers, s, facts),
            Pred::MueExceeded { field, per_date } => self.mue(*field, *per_date, s, facts),
            Pred::AddonWithoutPrimary(f) => self.addon(*f, s, facts),
            Pred::AnyLine(x) => s.claim.lines.iter().enumerate().any(|(i, l)| {
                self.test(
                    x,
                    &Scope {
                        line: Some((i, l)),
                        ..*s
                    },
                    facts,
                )
            }),
            Pred::AllLines(x) => s.claim.lines.iter().enumerate().all(|(i, l)| {
                self.test(
                    x,
                    &Scope {
                        line: Some((i, l)),
                        ..*s
                    },
                    facts,
                )
            }),
            Pred::AnyDiagnosis(x) => s.claim.diagnoses.iter().enumerate().any(|(i, d)| {
                self.test(
                    x,
                    &Scope {
                        dx: Some((i, d)),
                        ..*s
                    },
                    facts,
                )
            }),
            Pred::PointedDiagnosis(x) => {
                let Some((_, line)) = s.line else {
                    return false;
                };
                line.diagnosis_pointers.iter().any(|p| {
                    let i = (*p as usize).wrapping_sub(1);
                    s.claim.diagnoses.get(i).is_some_and(|d| {
                        self.test(
                            x,
                            &Scope {
                                dx: Some((i, d)),
                                ..*s
                            },
                            facts,
                        )
                    })
                })
            }
            Pred::Count {
                each,
                filter,
                op,
                value,
            } => {
                let keep = |sc: Scope<'_>, facts: &mut Facts| {
                    filter.as_ref().is_none_or(|f| self.test(f, &sc, facts))
                };
                let mut n = 0i64;
                match each {
                    Each::Line => {
                        for (i, l) in s.claim.lines.iter().enumerate() {
                            n += i64::from(keep(
                                Scope {
                                    line: Some((i, l)),
                                    ..*s
                                },
                                facts,
                            ));
                        }
                    }
                    Each::Diagnosis => {
                        for (i, d) in s.claim.diagnoses.iter().enumerate() {
                            n += i64::from(keep(
                                Scope {
                                    dx: Some((i, d)),
                                    ..*s
                                },
                                facts,
                            ));
                        }
                    }
                    Each::Procedure => {
                        for (i, p) in s.claim.procedures.iter().enumerate() {
                            n += i64::from(keep(
                                Scope {
                                    proc: Some((i, p)),
                                    ..*s
                                },
                                facts,
                            ));
                        }
                    }
                    Each::Modifier => {
                        if let Some((_, l)) = s.line {
                            for (i, m) in l.modifiers.iter().enumerate() {
                                n += i64::from(keep(
                                    Scope {
                                        modifier: Some((i, m)),
                                        ..*s
                                    },
                                    facts,
                                ));
                            }
                        }
                    }
                    Each::Pointer => {
                        if let Some((_, l)) = s.line {
                            for (i, p) in l.diagnosis_pointers.iter().enumerate() {
                                n += i64::from(keep(
                                    Scope {
                                        pointer: Some((i, *p)),
                                        ..*s
                                    },
                                    facts,
                                ));
                            }
                        }
                    }
                    Each::Claim | Each::LinePair | Each::DiagnosisPair => {}
                }
                facts.set("count", n.to_string());
                op.test(n, *value)
            }
            // Equal on both sides; two absent values (no modifiers on either line) are equal.
            Pred::Same(pairs) => pairs.iter().all(|(a, b)| a.get(s) == b.get(s)),
            Pred::BadNpi(f) => match f.get(s) {
                Value::Text(v) => !npi_valid(v),
                _ => false,
            },
        }
    }

    fn compare(&self, field: Field, op: Op, right: &Operand, s: &Scope<'_>) -> bool {
        let left = field.get(s);
        let right_value = match right {
            Operand::Field(f) => f.get(s),
            Operand::Number(n) => Value::Number(*n),
            Operand::Text(t) => return text_values(&left).iter().any(|v| op.test(*v, t.as_str())),
            Operand::Date(d) => Value::Date(*d),
        };
        match (&left, &right_value) {
            (Value::Number(a), Value::Number(b)) => {
                // Money compares to the cent.
                let (a, b) = ((a * 100.0).round() as i64, (b * 100.0).round() as i64);
                op.test(a, b)
            }
            (Value::Date(a), Value::Date(b)) => op.test(a, b),
            (Value::Text(a), Value::Text(b)) => op.test(a, b),
            (Value::NumberList(l), Value::Number(b)) => {
                l.iter().any(|a| op.test(f64::from(*a), *b))
            }
            _ => false,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn codeset(
        &self,
        code: &str,
        system: System,
        mask: Option<StatusMask>,
        billable: Option<bool>,
        flag: Option<&str>,
        s: &Scope<'_>,
        facts: &mut Facts,
    ) -> bool {
        let date = self.date(s);
        let Some(found) = self.lookup(system, code, date) else {
            return mask.is_some_and(|m| m.0 & StatusMask::NOT_LOADED != 0);
        };
        let bit = match found.status {
            Status::Valid => StatusMask::VALID,
            Status::NotYetValid { from } => {
                facts.set("status", format!("not valid until {from}"));
                facts.set("valid_from", from.to_string());
                StatusMask::NOT_YET
            }
            Status::NoLongerValid { until } => {
                facts.set("status", format!("deleted after {until}"));
                facts.set("valid_to", until.to_string());
                StatusMask::NO_LONGER
            }
            Status::Unknown => StatusMask::UNKNOWN,
            Status::Stale { through } => {
                facts.set("through", through.to_string());
                facts.set("coverage", format!("dates through {through}"));
                StatusMask::STALE
            }
            Status::BeforeCoverage { from } => {
                facts.set("coverage", format!("dates from {from}"));
                StatusMask::STALE
            }
        };
        if mask.is_some_and(|m| m.0 & bit == 0) {
            return false;
        }
        if billable.is_some() || flag.is_some() {
            let Some(rec) = &found.record else {
                return false;
            };
            if billable.is_some_and(|b| rec.billable != b) {
                return false;
            }
            if let Some(f) = flag {
                let a = &rec.attributes;
                let has = match f {
                    "manifestation" => a.manifestation,
                    "unacceptable_principal" => a.unacceptable_principal,
                    "external_cause" => a.external_cause,
                    other => a.other_flags.iter().any(|x| x == other),
                };
                if !has {
                    return false;
                }
            }
        }
        true
    }

    fn age_conflict(&self, f: Field, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let Value::Text(code) = f.get(s) else {
            return false;
        };
        let date = self.date(s);
        let Some(age) = s.claim.age_on(date) else {
            return false;
        };
        let Some(found) = self.lookup(System::Icd10Cm, code, date) else {
            return false;
        };
        let Some(rec) = &found.record else {
            return false;
        };
        let a = &rec.attributes;
        let (lo, hi, label) = match (a.age_low, a.age_high, a.age_group) {
            (Some(lo), Some(hi), g) => (lo, hi, g.map(|g| g.name().to_string())),
            (_, _, Some(g)) => {
                let (lo, hi) = g.years();
                (lo, hi, Some(g.name().to_string()))
            }
            _ => return false,
        };
        if age >= i64::from(lo) && age <= i64::from(hi) {
            return false;
        }
        facts.set("age", age.to_string());
        facts.set("age_range", format!("{lo}–{hi}"));
        if let Some(l) = label {
            facts.set("age_group", l);
        }
        true
    }

    fn sex_conflict(&self, f: Field, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let Value::Text(code) = f.get(s) else {
            return false;
        };
        let Some(found) = self.lookup(system_of(f, code), code, self.date(s)) else {
            return false;
        };
        let Some(rec) = &found.record else {
            return false;
        };
        let conflict = matches!(
            (rec.attributes.sex, s.claim.patient.sex),
            (Some(CodeSex::Female), Some(Sex::Male)) | (Some(CodeSex::Male), Some(Sex::Female))
        );
        if conflict {
            let sex = match rec.attributes.sex {
                Some(CodeSex::Female) => "female",
                _ => "male",
            };
            facts.set("code_sex", sex);
        }
        conflict
    }

    /// Excludes1 in either direction: the note may sit on either code (or its category,
    /// block or chapter).
    fn excludes1(&self, a: Field, b: Field, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let (Value::Text(x), Value::Text(y)) = (a.get(s), b.get(s)) else {
            return false;
        };
        let Some(set) = self.codesets.get(System::Icd10Cm) else {
            return false;
        };
        for (from, to) in [(x, y), (y, x)] {
            if let Some((on, text)) = set.excluded_by(from, to) {
                facts.set("excluded", to);
                facts.set("note", format!("{on}: {text}"));
                return true;
            }
        }
        false
    }

    fn ptp(
        &self,
        c1: Field,
        c2: Field,
        mods: Option<Field>,
        s: &Scope<'_>,
        facts: &mut Facts,
    ) -> bool {
        let (Value::Text(a), Value::Text(b)) = (c1.get(s), c2.get(s)) else {
            return false;
        };
        let Some(edit) = self.codesets.ptp(a, b, self.date(s)) else {
            return false;
        };
        facts.set("indicator", edit.modifier_indicator.to_string());
        facts.set("column1", a);
        facts.set("column2", b);
        match edit.modifier_indicator {
            0 => true,
            1 => {
                let on = mods.map(|m| m.get(s));
                let bypassed = on
                    .as_ref()
                    .is_some_and(|v| text_values(v).iter().any(|m| NCCI_MODIFIERS.contains(m)));
                !bypassed
            }
            _ => false,
        }
    }

    fn mue(&self, f: Field, per_date: bool, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let Value::Text(code) = f.get(s) else {
            return false;
        };
        let Some((_, line)) = s.line else {
            return false;
        };
        let date = self.date(s);
        let Some(mue) = self.codesets.mue(code, date) else {
            return false;
        };
        let units = if per_date {
            if mue.indicator == 1 {
                return false;
            }
            // Sum units of every line with this code on this date; report once, on the first.
            let same: Vec<(usize, f64)> = s
                .claim
                .lines
                .iter()
                .enumerate()
                .filter(|(_, l)| {
                    l.procedure.as_deref() == Some(code) && s.claim.line_date(l) == Some(date)
                })
                .map(|(i, l)| (i, l.units.unwrap_or(1.0)))
                .collect();
            if same.first().map(|(i, _)| *i) != s.line.map(|(i, _)| i) {
                return false;
            }
            same.iter().map(|(_, u)| u).sum::<f64>()
        } else {
            if mue.indicator != 1 {
                return false;
            }
            line.units.unwrap_or(1.0)
        };
        facts.set("mue", mue.value.to_string());
        facts.set("units", crate::rules::field::format_number(units));
        units > f64::from(mue.value)
    }

    fn addon(&self, f: Field, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let Value::Text(code) = f.get(s) else {
            return false;
        };
        let date = self.date(s);
        let Some(addon) = self.codesets.addon(code, date) else {
            return false;
        };
        if addon.kind != 1 || addon.primaries.is_empty() {
            return false;
        }
        let has_primary = s.claim.lines.iter().any(|l| {
            l.procedure
                .as_deref()
                .is_some_and(|p| addon.primaries.iter().any(|x| x == p))
                && s.claim.line_date(l) == Some(date)
        });
        if !has_primary {
            let shown: Vec<&str> = addon.primaries.iter().take(6).map(String::as_str).collect();
            let more = addon.primaries.len().saturating_sub(shown.len());
            let mut list = shown.join(", ");
            if more > 0 {
                list.push_str(&format!(" (+{more} more)"));
            }
            facts.set("primaries", list);
        }
        !has_primary
    }

    /// Build the finding for a rule that fired in scope `s`.
    pub fn finding(&self, rule: &Rule, s: &Scope<'_>, facts: &Facts) -> Finding {
        // A PHI target (member id, date of birth) locates the finding but never prints.
        let target_value = rule.target.filter(|t| !t.is_phi()).map(|t| t.get(s));
        let code = match &target_value {
            Some(Value::Text(t)) => Some((*t).to_string()),
            Some(v) if v.is_present() => Some(v.render()),
            _ => None,
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
        Finding {
            claim_id: s.claim.id.clone(),
            rule: rule.id.clone(),
            category: rule.category,
            severity: rule.severity,
            line: line_no,
            location: s.claim.source.resolve(path),
            code: code.clone(),
            path,
            carc: rule.carc.clone(),
            rarc: rule.rarc.clone(),
            message: self.render(&rule.message, rule.target, code.as_deref(), s, facts),
            help: self.render(&rule.help, rule.target, code.as_deref(), s, facts),
            rule_source: rule.source.clone(),
            charge,
        }
    }

    fn render(
        &self,
        t: &Template,
        target: Option<Field>,
        code: Option<&str>,
        s: &Scope<'_>,
        facts: &Facts,
    ) -> String {
        let mut out = String::new();
        for piece in &t.0 {
            match piece {
                Piece::Text(x) => out.push_str(x),
                Piece::Field(f) => out.push_str(&f.get(s).render()),
                Piece::Special(name) => out.push_str(&self.special(name, target, code, s, facts)),
            }
        }
        out
    }

    fn special(
        &self,
        name: &str,
        target: Option<Field>,
        code: Option<&str>,
        s: &Scope<'_>,
        facts: &Facts,
    ) -> String {
        let code_str = code.unwrap_or("");
        let set = || target.and_then(|t| self.codesets.get(system_of(t, code_str)));
        match name {
            "code" => code_str.to_string(),
            "title" => set()
                .and_then(|c| c.get(code_str).map(|r| r.short_title.to_string()))
                .unwrap_or_default(),
            "children" => {
                let kids = set()
                    .map(|c| c.children(code_str, Some(self.date(s))))
                    .unwrap_or_default();
                list_some(&kids, 8)
            }
            "replacements" => {
                let found = set()
                    .map(|c| replacements(c, code_str, self.date(s)))
                    .unwrap_or_default();
                if found.is_empty() {
                    "no replacement is known".to_string()
                } else {
                    list_some(&found, 8)
                }
            }
            "suggestions" => {
                let near = set().map(|c| c.suggest(code_str, 2)).unwrap_or_default();
                if near.is_empty() {
                    "no close code".to_string()
                } else {
                    list_some(&near, 5)
                }
            }
            fact => facts.get(fact).unwrap_or("").to_string(),
        }
    }
}

/// Codes that replace a deleted or expanded code on `date`, as far as the code set knows:
/// the billable codes valid then under the code itself (it became a header), else under its
/// nearest ancestor that has some (ICD-10 expands codes by adding characters).
fn replacements(set: &crate::codeset::CodeSet, code: &str, date: Date) -> Vec<String> {
    for end in (3..=code.len()).rev() {
        let Some(prefix) = code.get(..end) else {
            continue;
        };
        let kids: Vec<String> = set
            .prefix(prefix)
            .into_iter()
            .filter(|c| c != code)
            .filter(|c| {
                let l = set.lookup(c, date);
                l.status == Status::Valid && l.record.is_some_and(|r| r.billable)
            })
            .collect();
        if !kids.is_empty() {
            return kids;
        }
    }
    Vec::new()
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

/// NPI check digit: Luhn over `80840` + the first nine digits.
pub fn npi_valid(npi: &str) -> bool {
    let b = npi.as_bytes();
    if b.len() != 10 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let (Some(first9), Some(last)) = (b.get(..9), b.get(9)) else {
        return false;
    };
    let digits = b"80840".iter().chain(first9).map(|d| u32::from(d - b'0'));
    let digits: Vec<u32> = digits.collect();
    let mut sum = 0;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut x = *d;
        if i % 2 == 0 {
            x *= 2;
            if x > 9 {
                x -= 9;
            }
        }
        sum += x;
    }
    let check = (10 - sum % 10) % 10;
    check == u32::from(last - b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npi_check_digit() {
        assert!(npi_valid("1234567893"));
        assert!(!npi_valid("1234567890"));
        assert!(!npi_valid("9876543210"));
        assert!(!npi_valid("12345"));
    }

    #[test]
    fn cpt_shape() {
        assert!(is_cpt_shaped("99213"));
        assert!(is_cpt_shaped("0001F"));
        assert!(!is_cpt_shaped("G0103"));
        assert!(!is_cpt_shaped("9921"));
    }
}
