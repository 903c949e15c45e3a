//! What `codes lookup` and `GET /v1/codes` say about a code: which system it is in (guessed
//! from its shape when not given), its record, validity on a date, notes, billable children
//! with titles, seventh characters and near matches; and prefix completion, ranked.

use jiff::civil::Date;
use serde_json::{Value, json};

use super::normalize::{dotted, normalize};
use super::{CodeSet, CodeSets, Note, Record, System};

/// The most completions one request returns.
pub const MAX_COMPLETIONS: usize = 100;

/// What a typed code is looked up as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// An ICD-9-CM code, which claimscrub does not ship.
    Icd9,
    /// These systems, in order (a two-character code can be a modifier and a place of service).
    Systems(Vec<System>),
}

/// A `system` name that is not one of [`System::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown code system `{given}`; known: {}", known_systems())]
pub struct UnknownSystem {
    /// The name given.
    pub given: String,
}

/// The system names, comma-separated, for messages.
fn known_systems() -> String {
    let names: Vec<&str> = System::ALL.iter().map(|s| s.name()).collect();
    names.join(", ")
}

/// A system's code set is not loaded (CPT unless the user built one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {} code set is not loaded{}", .0.name(), if *.0 == System::Cpt { "; CPT belongs to the AMA: load your own with `codesets build`" } else { "" })]
pub struct NotLoaded(pub System);

/// Why a typed code cannot be looked up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// Nothing was given.
    #[error("give a code to look up, e.g. `claimscrub codes lookup E11.9`")]
    Empty,
    /// The system named is not one claimscrub knows.
    #[error(transparent)]
    UnknownSystem(#[from] UnknownSystem),
    /// The system's code set is not loaded.
    #[error(transparent)]
    NotLoaded(#[from] NotLoaded),
}

/// `codes lookup --json` of a typed code, for every surface that shows it (command line,
/// Python): its status (1 when unknown in a system looked in, or an ICD-9-CM code) and the
/// JSON (one object, or an array for a code in two systems).
pub fn lookup_json(
    sets: &CodeSets,
    typed: &str,
    date: Date,
    system: Option<&str>,
) -> Result<(u8, Value), LookupError> {
    if typed.trim().is_empty() {
        return Err(LookupError::Empty);
    }
    let system = system.map(system_named).transpose()?;
    let systems = match resolve(sets, typed, system) {
        Resolved::Icd9 => return Ok((1, icd9_json(typed))),
        Resolved::Systems(v) => v,
    };
    let code = normalize(typed);
    let mut worst = 0;
    let mut shown = Vec::new();
    for s in systems {
        let d = describe(sets, s, &code, date)?;
        worst = worst.max(u8::from(d.record.is_none()));
        shown.push(d.to_json());
    }
    let v = match <[Value; 1]>::try_from(shown) {
        Ok([one]) => one,
        Err(many) => Value::Array(many),
    };
    Ok((worst, v))
}

/// The system named `name`, or [`UnknownSystem`].
pub fn system_named(name: &str) -> Result<System, UnknownSystem> {
    System::from_name(name).ok_or_else(|| UnknownSystem {
        given: name.to_string(),
    })
}

/// Which systems to look `typed` up in: the one named, else ICD-9-CM when it has that shape
/// (and is not also an ICD-10-CM V code), both of modifier and place of service for a
/// two-character code in both, else the guess from its shape.
pub fn resolve(sets: &CodeSets, typed: &str, system: Option<System>) -> Resolved {
    if let Some(s) = system {
        return Resolved::Systems(vec![s]);
    }
    let code = normalize(typed);
    let v_code = typed.trim().starts_with(['V', 'v']);
    let in_cm = sets.get(System::Icd10Cm).is_some_and(|c| c.contains(&code));
    if looks_icd9(typed) && !(v_code && in_cm) {
        return Resolved::Icd9;
    }
    let both: Vec<System> = [System::Modifier, System::Pos]
        .into_iter()
        .filter(|s| sets.get(*s).is_some_and(|c| c.contains(&code)))
        .collect();
    if code.len() == 2 && both.len() == 2 {
        Resolved::Systems(both)
    } else {
        Resolved::Systems(vec![guess(typed, &code, sets)])
    }
}

/// The JSON of an ICD-9-CM code: not shipped, and why.
pub fn icd9_json(typed: &str) -> Value {
    json!({"system": "icd9cm", "code": typed.trim(), "status": "not shipped",
        "note": "ICD-9-CM was replaced by ICD-10-CM for dates of service from 2015-10-01"})
}

/// Guess the system from a code's shape: a letter and digits with a dot or 3–7 characters
/// is ICD-10-CM; 7 alphanumerics starting with a digit is ICD-10-PCS; a letter and four
/// digits is HCPCS; two characters a modifier; five digits (or 4 + F/T/U/M) CPT.
pub fn guess(typed: &str, code: &str, sets: &CodeSets) -> System {
    // A dot is written only in ICD-10 codes (E11.9); without it E1199 could be HCPCS too.
    let order: &[System] = match code.len() {
        _ if typed.contains('.') => &[System::Icd10Cm, System::Icd10Pcs],
        2 => &[System::Modifier, System::Pos],
        5 if code.as_bytes().first().is_some_and(u8::is_ascii_digit) => {
            &[System::Cpt, System::Icd10Cm]
        }
        5 => &[System::Hcpcs, System::Icd10Cm],
        7 if code.as_bytes().first().is_some_and(u8::is_ascii_digit) => {
            &[System::Icd10Pcs, System::Icd10Cm]
        }
        _ => &[System::Icd10Cm, System::Icd10Pcs, System::Hcpcs],
    };
    order
        .iter()
        .copied()
        .find(|s| sets.get(*s).is_some_and(|c| c.contains(code)))
        .unwrap_or(order.first().copied().unwrap_or(System::Icd10Cm))
}

/// Systems whose codes are billable or headers; modifiers and places of service are neither.
pub fn has_billable(system: System) -> bool {
    !matches!(system, System::Modifier | System::Pos)
}

/// ICD-9-CM as coders write it: three digits and a dot (`250.00`) or `E` and three digits
/// and a dot (`E880.9`), which written ICD-10-CM never is (its dot follows three characters),
/// or `V` and two digits and a dot (`V70.0`), which ICD-10-CM can also be: [`resolve`] asks
/// ICD-10-CM first for those.
pub fn looks_icd9(typed: &str) -> bool {
    let Some((head, tail)) = typed.trim().split_once('.') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let tail_ok = tail.len() <= 2 && (tail.is_empty() || digits(tail));
    let rest = head.get(1..).unwrap_or_default();
    tail_ok
        && match head.as_bytes() {
            [_, _, _] if digits(head) => true,
            [b'E' | b'e', ..] => rest.len() == 3 && digits(rest),
            [b'V' | b'v', ..] => rest.len() == 2 && digits(rest),
            _ => false,
        }
}

/// The title of a record, or what to say when the shipped data has none.
pub fn title_of(system: System, code: &str, r: &Record<'_>) -> String {
    let t = if r.long_title.is_empty() {
        r.short_title
    } else {
        r.long_title
    };
    match t {
        "" if system == System::Modifier && code.bytes().all(|b| b.is_ascii_digit()) => {
            "CPT modifier; AMA text not shipped".to_string()
        }
        "" => "(no title in the shipped data)".to_string(),
        t => t.to_string(),
    }
}

/// Everything known about one code in one system on one date.
pub struct Description<'a> {
    /// The system looked in.
    pub system: System,
    /// Its code set.
    pub set: &'a CodeSet,
    /// The code, normalized.
    pub code: String,
    /// The date of service it was judged on.
    pub date: Date,
    /// Its standing on that date (`valid`, `not yet valid (from …)`, `unknown`…).
    pub status: String,
    /// Its record, `None` when the set does not hold it.
    pub record: Option<Record<'a>>,
    /// Billable codes under a header, each with its title.
    pub children: Vec<(String, String)>,
    /// Near codes when the code is unknown, nearest first.
    pub suggestions: Vec<String>,
    /// Tabular notes of a known code and its ancestors.
    pub notes: Vec<Note>,
    /// Seventh characters that apply to it, with their meanings.
    pub seventh: Vec<(char, String)>,
}

/// Look `code` up in `system` on `date`.
pub fn describe<'a>(
    sets: &'a CodeSets,
    system: System,
    code: &str,
    date: Date,
) -> Result<Description<'a>, NotLoaded> {
    let set = sets.get(system).ok_or(NotLoaded(system))?;
    let code = normalize(code).into_owned();
    let found = set.lookup(&code, date);
    let known = found.record.is_some();
    let children = found
        .record
        .as_ref()
        .filter(|r| has_billable(system) && !r.billable)
        .map(|_| set.children(&code, Some(date)))
        .unwrap_or_default()
        .into_iter()
        .map(|c| {
            let t = set
                .get(&c)
                .map(|r| title_of(system, &c, &r))
                .unwrap_or_default();
            (c, t)
        })
        .collect();
    Ok(Description {
        system,
        set,
        status: found.status.to_string(),
        suggestions: if known {
            Vec::new()
        } else {
            set.suggest(&code, 2)
        },
        // Notes of an unknown code's would-be ancestors would mislead: only a known code has notes.
        notes: if known { set.notes(&code) } else { Vec::new() },
        seventh: if known && system == System::Icd10Cm {
            set.seventh(&code)
        } else {
            Vec::new()
        },
        record: found.record,
        children,
        code,
        date,
    })
}

impl Description<'_> {
    /// The JSON `codes lookup --json` prints and `GET /v1/codes/{code}` answers.
    pub fn to_json(&self) -> Value {
        let (system, code) = (self.system, self.code.as_str());
        let rec = self.record.as_ref().map(|r| {
            json!({
                "code": r.code,
                "billable": has_billable(system).then_some(r.billable),
                "short_title": r.short_title,
                "long_title": r.long_title,
                "title": title_of(system, code, r),
                "validity": r.validity.iter().map(|v| json!({"from": (!v.open_start()).then(|| v.from.to_string()), "to": v.to.map(|t| t.to_string())})).collect::<Vec<_>>(),
                "status_indicator": r.status_indicator,
                "attributes": {
                    "sex": r.attributes.sex.map(|s| format!("{s:?}").to_lowercase()),
                    "age_group": r.attributes.age_group.map(|g| g.name()),
                    "age_low": r.attributes.age_low,
                    "age_high": r.attributes.age_high,
                    "manifestation": r.attributes.manifestation,
                    "unacceptable_principal": r.attributes.unacceptable_principal,
                    "external_cause": r.attributes.external_cause,
                    "flags": r.attributes.other_flags,
                },
            })
        });
        json!({
            "system": system.name(),
            "code": code,
            "display_code": display(system, code),
            "date": self.date.to_string(),
            "status": self.status,
            "record": rec,
            "children": self.children.iter().map(|(c, t)| json!({"code": c, "display_code": display(system, c), "title": t})).collect::<Vec<_>>(),
            "suggestions": self.suggestions,
            "seventh_characters": self.seventh.iter().map(|(c, m)| json!({"character": c.to_string(), "meaning": m})).collect::<Vec<_>>(),
            "notes": self.notes.iter().map(|n| json!({"kind": format!("{:?}", n.kind), "on": n.on, "text": n.text, "targets": n.targets.iter().map(|t| t.to_string()).collect::<Vec<_>>()})).collect::<Vec<_>>(),
        })
    }
}

/// A code as people write it: ICD-10-CM with its dot, others as they are.
pub fn display(system: System, code: &str) -> String {
    if system == System::Icd10Cm {
        dotted(code).into_owned()
    } else {
        code.to_string()
    }
}

/// One completion of a typed prefix.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Completion {
    /// The code, normalized.
    pub code: String,
    /// The code as people write it.
    pub display_code: String,
    /// Its title.
    pub title: String,
    /// Whether it is billable (`None` for modifiers and places of service).
    pub billable: Option<bool>,
}

/// Up to `limit` codes of `system` starting with `prefix`, ranked for a coder typing: the
/// shortest (nearest the typed text) first, then in code order; codes deleted by `date` or
/// not yet valid on it are left out (a date past the loaded release keeps every code).
pub fn complete(set: &CodeSet, prefix: &str, date: Date, limit: usize) -> Vec<Completion> {
    let system = set.system();
    let mut codes = set.prefix(prefix);
    codes.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    codes
        .into_iter()
        .filter_map(|c| {
            let found = set.lookup(&c, date);
            let gone = matches!(
                found.status,
                super::Status::NotYetValid { .. } | super::Status::NoLongerValid { .. }
            );
            let r = found.record.filter(|_| !gone)?;
            Some(Completion {
                display_code: display(system, &c),
                title: title_of(system, &c, &r),
                billable: has_billable(system).then_some(r.billable),
                code: c,
            })
        })
        .take(limit.min(MAX_COMPLETIONS))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets() -> CodeSets {
        CodeSets::builtin().unwrap()
    }

    #[test]
    fn a_header_lists_its_billable_children_with_titles() {
        let s = sets();
        let d = describe(&s, System::Icd10Cm, "E11", jiff::civil::date(2026, 3, 1)).unwrap();
        assert_eq!(d.record.as_ref().map(|r| r.billable), Some(false));
        assert!(d.children.iter().any(|(c, t)| c == "E119" && !t.is_empty()));
        let v = d.to_json();
        assert_eq!(v["display_code"], "E11");
        assert!(
            v["children"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["display_code"] == "E11.9")
        );
    }

    #[test]
    fn an_unknown_code_gets_suggestions_and_no_notes() {
        let s = sets();
        let d = describe(&s, System::Icd10Cm, "E1199", jiff::civil::date(2026, 3, 1)).unwrap();
        assert!(d.record.is_none());
        assert!(!d.suggestions.is_empty());
        assert!(d.notes.is_empty());
    }

    #[test]
    fn completion_ranks_short_codes_first_and_honours_the_limit() {
        let s = sets();
        let set = s.get(System::Icd10Cm).unwrap();
        let c = complete(set, "e11", jiff::civil::date(2026, 3, 1), 5);
        assert_eq!(c.len(), 5);
        assert_eq!(c[0].code, "E11");
        assert!(c.windows(2).all(|w| w[0].code.len() <= w[1].code.len()));
        assert!(complete(set, "E11", jiff::civil::date(2026, 3, 1), 1000).len() <= MAX_COMPLETIONS);
    }

    #[test]
    fn shapes_resolve_to_systems() {
        let s = sets();
        assert_eq!(resolve(&s, "250.00", None), Resolved::Icd9);
        assert_eq!(
            resolve(&s, "E11.9", None),
            Resolved::Systems(vec![System::Icd10Cm])
        );
        assert_eq!(
            resolve(&s, "G0103", None),
            Resolved::Systems(vec![System::Hcpcs])
        );
        assert!(system_named("icd10cm").is_ok());
        assert!(
            system_named("nope")
                .unwrap_err()
                .to_string()
                .contains("icd10cm")
        );
    }
}
