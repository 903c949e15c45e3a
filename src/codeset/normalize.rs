//! The one code normalizer: trimmed, no dots, ASCII letters uppercased (`e11.9` → `E119`).
//!
//! Std-only on purpose: `build.rs` includes this file (`#[path = "src/codeset/normalize.rs"]`)
//! so code sets compiled at build time and codes read at run time take the same form.

use std::borrow::Cow;

/// A code as code sets and rule patterns hold it. White space inside is kept, so a pattern
/// such as `E1 9` stays malformed instead of becoming `E19`. Borrowed when already normal.
pub fn normalize(code: &str) -> Cow<'_, str> {
    clean(code, false)
}

/// A code as a claim sent it: like [`normalize`], and white space inside is dropped too
/// (`E11 .9` → `E119`), as senders pad codes in fixed-width fields.
pub fn normalize_sent(code: &str) -> Cow<'_, str> {
    clean(code, true)
}

/// [`normalize_sent`] in place; allocates only when the code changes.
pub fn normalize_sent_in_place(code: &mut String) {
    let changed = match normalize_sent(code) {
        Cow::Owned(n) => Some(n),
        Cow::Borrowed(t) if t.len() != code.len() => Some(t.to_string()),
        Cow::Borrowed(_) => None,
    };
    if let Some(n) = changed {
        *code = n;
    }
}

/// An ICD-10-CM code as coders write it, with its dot after the category (`E1165` →
/// `E11.65`); a category (`E11`) or anything not ICD-10-CM-shaped is returned as it is.
/// Callers decide the code is ICD-10-CM (by the field that holds it); this only places the dot.
pub fn dotted(code: &str) -> Cow<'_, str> {
    let b = code.as_bytes();
    let shaped = b.len() > 3
        && b.len() <= 7
        && b.first().is_some_and(u8::is_ascii_uppercase)
        && b.get(1).is_some_and(u8::is_ascii_digit)
        && b.iter().all(u8::is_ascii_alphanumeric);
    match (shaped, code.get(..3), code.get(3..)) {
        (true, Some(head), Some(tail)) => Cow::Owned(format!("{head}.{tail}")),
        _ => Cow::Borrowed(code),
    }
}

/// Trim, drop dots (and white space when `drop_space`), uppercase ASCII letters.
fn clean(code: &str, drop_space: bool) -> Cow<'_, str> {
    // The common case, a code already clean: printable ASCII, no dot, no lowercase.
    if code
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'.' && !b.is_ascii_lowercase())
    {
        return Cow::Borrowed(code);
    }
    let t = code.trim();
    let keep = |c: char| c != '.' && !(drop_space && c.is_whitespace());
    if t.chars().all(|c| keep(c) && !c.is_ascii_lowercase()) {
        return Cow::Borrowed(t);
    }
    Cow::Owned(
        t.chars()
            .filter(|c| keep(*c))
            .map(|c| c.to_ascii_uppercase())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icd10cm_codes_get_their_dot() {
        assert_eq!(dotted("E1165"), "E11.65");
        assert_eq!(dotted("N400"), "N40.0");
        assert_eq!(dotted("S72001A"), "S72.001A");
        assert_eq!(dotted("E11"), "E11");
        assert_eq!(dotted("99213"), "99213");
        assert_eq!(dotted("E11.9"), "E11.9");
    }

    #[test]
    fn one_form() {
        assert_eq!(normalize(" e11.9 "), "E119");
        assert_eq!(normalize("E1 9"), "E1 9");
        assert_eq!(normalize_sent("E11 .9"), "E119");
        assert!(matches!(normalize("E119"), Cow::Borrowed("E119")));
        let mut s = " m81.0 ".to_string();
        normalize_sent_in_place(&mut s);
        assert_eq!(s, "M810");
        let mut s = " Z23\t".to_string();
        normalize_sent_in_place(&mut s);
        assert_eq!(s, "Z23");
    }
}
