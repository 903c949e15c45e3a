//! Reading FHIR JSON values: strings, arrays, codings, dates and quantities, with the
//! FHIRPath of what failed (never the value).

use jiff::civil::Date;
use serde_json::Value;

/// The trimmed, non-empty string at `key`.
pub(super) fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The entries of the array at `key`, with their index; none when absent.
pub(super) fn items<'a>(
    v: &'a Value,
    key: &str,
) -> impl Iterator<Item = (usize, &'a Value)> + use<'a> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
}

/// `(system, code)` of every coding of a CodeableConcept.
pub(super) fn codings<'a>(
    cc: Option<&'a Value>,
) -> impl Iterator<Item = (&'a str, &'a str)> + use<'a> {
    cc.into_iter()
        .flat_map(|c| items(c, "coding"))
        .filter_map(|(_, c)| Some((str_at(c, "system").unwrap_or(""), str_at(c, "code")?)))
}

/// The first code of a CodeableConcept.
pub(super) fn first_code(cc: Option<&Value>) -> Option<String> {
    codings(cc).next().map(|(_, c)| c.to_string())
}

/// Whether a CodeableConcept has `code` (any case) in one of its codings.
pub(super) fn has_code(cc: Option<&Value>, code: &str) -> bool {
    codings(cc).any(|(_, c)| c.eq_ignore_ascii_case(code))
}

/// Why a claim failed: FHIRPath and message (never a value).
pub(super) type Fail = (String, String);

/// A FHIR date or dateTime: the date part; partial dates are absent.
pub(super) fn date_at(v: &Value, key: &str, path: &str) -> Result<Option<Date>, Fail> {
    let Some(s) = str_at(v, key) else {
        return Ok(None);
    };
    let day = s.get(..10).unwrap_or(s);
    if day.len() < 10 {
        let partial = day.len() == 4 || day.len() == 7;
        return if partial && day.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            Ok(None)
        } else {
            Err((
                format!("{path}.{key}"),
                "not a FHIR date (YYYY-MM-DD)".into(),
            ))
        };
    }
    day.parse::<Date>().map(Some).map_err(|_| {
        (
            format!("{path}.{key}"),
            "not a valid FHIR date (YYYY-MM-DD)".into(),
        )
    })
}

/// The `value` of the Quantity or Money at `key`.
pub(super) fn number_at(v: &Value, key: &str, path: &str) -> Result<Option<f64>, Fail> {
    match v.get(key).and_then(|m| m.get("value")) {
        None | Some(Value::Null) => Ok(None),
        Some(n) => n
            .as_f64()
            .map(Some)
            .ok_or_else(|| (format!("{path}.{key}.value"), "not a number".into())),
    }
}
