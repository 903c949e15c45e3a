//! What `codes lookup` says about a code: which system a code typed by a person belongs to,
//! and its record as of a date of service (status, titles, validity, attributes, the billable
//! codes under a header, "did you mean", tabular notes), for the command line and the Python
//! package alike.

use jiff::civil::Date;
use serde_json::{Value, json};

use crate::claim::normalize_code;
use crate::codeset::{CodeSet, CodeSets, Lookup, Note, Record, System};

/// Why a code cannot be looked up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodesError {
    /// Nothing was given.
    #[error("give a code to look up, e.g. `claimscrub codes lookup E11.9`")]
    Empty,
    /// `--system` names no code system.
    #[error("unknown code system `{given}`; known: {known}")]
    UnknownSystem {
        /// What was given.
        given: String,
        /// The system names, comma-separated.
        known: String,
    },
    /// The system's code set is not loaded (CPT without a user file).
    #[error("{}", not_loaded(.0))]
    NotLoaded(System),
}

/// The message of [`CodesError::NotLoaded`]: CPT says where it comes from.
fn not_loaded(system: &System) -> String {
    let hint = if *system == System::Cpt {
        "; CPT belongs to the AMA: load your own with `codesets build`"
    } else {
        ""
    };
    format!("the {} code set is not loaded{hint}", system.name())
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
/// or `V` and two digits and a dot (`V70.0`), which ICD-10-CM can also be: the caller asks
/// ICD-10-CM first for those.
pub fn looks_icd9(typed: &str) -> bool {
    let Some((head, tail)) = typed.trim().split_once('.') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let b = head.as_bytes();
    let tail_ok = tail.len() <= 2 && (tail.is_empty() || digits(tail));
    tail_ok
        && match b {
            [_, _, _] if digits(head) => true,
            [b'E' | b'e', rest @ ..] => rest.len() == 3 && digits(&head[1..]),
            [b'V' | b'v', rest @ ..] => rest.len() == 2 && digits(&head[1..]),
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

/// The systems to look a typed code up in: the one named, else `None` for an ICD-9-CM code
/// (not shipped), else its guessed system, or both a modifier and a place of service for a
/// two-character code that is both (`22`).
pub fn systems(
    sets: &CodeSets,
    typed: &str,
    system: Option<&str>,
) -> Result<Option<Vec<System>>, CodesError> {
    if typed.trim().is_empty() {
        return Err(CodesError::Empty);
    }
    let code = normalize_code(typed);
    if let Some(s) = system {
        return System::from_name(s).map(|s| Some(vec![s])).ok_or_else(|| {
            CodesError::UnknownSystem {
                given: s.to_string(),
                known: System::ALL
                    .iter()
                    .map(|s| s.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        });
    }
    let v_code = typed.trim().starts_with(['V', 'v']);
    let in_cm = sets.get(System::Icd10Cm).is_some_and(|c| c.contains(&code));
    if looks_icd9(typed) && !(v_code && in_cm) {
        return Ok(None);
    }
    let both: Vec<System> = [System::Modifier, System::Pos]
        .into_iter()
        .filter(|s| sets.get(*s).is_some_and(|c| c.contains(&code)))
        .collect();
    Ok(Some(if code.len() == 2 && both.len() == 2 {
        both
    } else {
        vec![guess(typed, &code, sets)]
    }))
}

/// What `codes lookup --json` says of an ICD-9-CM code.
pub fn icd9_json(typed: &str) -> Value {
    json!({"system": "icd9cm", "code": typed.trim(), "status": "not shipped",
        "note": "ICD-9-CM was replaced by ICD-10-CM for dates of service from 2015-10-01"})
}

/// A code looked up in one system as of a date.
pub struct Description<'a> {
    /// The system looked in.
    pub system: System,
    /// Its loaded code set.
    pub set: &'a CodeSet,
    /// The code, normalized.
    pub code: String,
    /// The date of service.
    pub date: Date,
    /// Status and record as of the date.
    pub found: Lookup<'a>,
    /// The billable codes under a header, valid on the date.
    pub children: Vec<String>,
    /// Close codes when the code is unknown.
    pub suggestions: Vec<String>,
    /// Tabular notes on a known code and its ancestors.
    pub notes: Vec<Note>,
}

impl<'a> Description<'a> {
    /// Look `code` (normalized) up in `system` as of `date`.
    pub fn of(
        sets: &'a CodeSets,
        system: System,
        code: &str,
        date: Date,
    ) -> Result<Description<'a>, CodesError> {
        let set = sets.get(system).ok_or(CodesError::NotLoaded(system))?;
        let found = set.lookup(code, date);
        let children = found
            .record
            .as_ref()
            .filter(|r| has_billable(system) && !r.billable)
            .map(|_| set.children(code, Some(date)))
            .unwrap_or_default();
        let suggestions = if found.record.is_none() {
            set.suggest(code, 2)
        } else {
            Vec::new()
        };
        // Notes of an unknown code's would-be ancestors would mislead: only a known code has notes.
        let notes = if found.record.is_some() {
            set.notes(code)
        } else {
            Vec::new()
        };
        Ok(Description {
            system,
            set,
            code: code.to_string(),
            date,
            found,
            children,
            suggestions,
            notes,
        })
    }

    /// Is the code unknown in the system (exit status 1 of `codes lookup`)?
    pub fn unknown(&self) -> bool {
        self.found.record.is_none()
    }

    /// The title of a code under this one.
    pub fn child_title(&self, c: &str) -> String {
        self.set
            .get(c)
            .map(|r| title_of(self.system, c, &r))
            .unwrap_or_default()
    }

    /// The description as `codes lookup --json` writes it.
    pub fn to_json(&self) -> Value {
        let (system, code) = (self.system, self.code.as_str());
        let rec = self.found.record.as_ref().map(|r| {
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
            "date": self.date.to_string(),
            "status": self.found.status.to_string(),
            "record": rec,
            "children": self.children.iter().map(|c| json!({"code": c, "title": self.child_title(c)})).collect::<Vec<_>>(),
            "suggestions": self.suggestions,
            "notes": self.notes.iter().map(|n| json!({"kind": format!("{:?}", n.kind), "on": n.on, "text": n.text, "targets": n.targets.iter().map(|t| t.to_string()).collect::<Vec<_>>()})).collect::<Vec<_>>(),
        })
    }
}

/// `codes lookup --json` of a typed code: its status (1 when unknown in a system looked in,
/// or an ICD-9-CM code) and the JSON (one object, or an array for a code in two systems).
pub fn lookup_json(
    sets: &CodeSets,
    typed: &str,
    date: Date,
    system: Option<&str>,
) -> Result<(u8, Value), CodesError> {
    let Some(systems) = systems(sets, typed, system)? else {
        return Ok((1, icd9_json(typed)));
    };
    let code = normalize_code(typed);
    let mut worst = 0;
    let mut shown = Vec::new();
    for s in systems {
        let d = Description::of(sets, s, &code, date)?;
        worst = worst.max(u8::from(d.unknown()));
        shown.push(d.to_json());
    }
    let v = match <[Value; 1]>::try_from(shown) {
        Ok([one]) => one,
        Err(many) => Value::Array(many),
    };
    Ok((worst, v))
}
