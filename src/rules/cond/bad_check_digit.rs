//! `bad_check_digit`: the field fails its check-digit scheme (`npi`: Luhn over the 80840
//! prefix and the first nine digits).

use super::prelude::*;

/// What a rule writes under `bad_check_digit`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckDigitDoc {
    /// The field read.
    pub field: Sp<String>,
    /// `npi`.
    pub scheme: Sp<String>,
}

/// The field fails the NPI check digit.
#[derive(Debug, Clone, PartialEq)]
pub struct BadCheckDigit {
    /// The NPI field.
    pub field: Field,
}

impl Condition for BadCheckDigit {
    type Doc = CheckDigitDoc;
    const DESCRIPTION: &'static str =
        "The field fails its check-digit scheme (`npi`: Luhn with the 80840 prefix).";

    fn compile(x: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        let f = cx.text_field(&x.field, bound);
        if x.scheme.value != "npi" {
            cx.err(
                &x.scheme,
                Code::UnknownScheme,
                format!("unknown check-digit scheme `{}`", x.scheme.value),
                Some("`npi` is supported".into()),
            );
            return None;
        }
        Some(BadCheckDigit { field: f? })
    }

    #[inline]
    fn eval(&self, _env: &Env<'_>, s: &Scope<'_>, _facts: &mut Facts) -> bool {
        match self.field.get(s) {
            Value::Text(v) => !npi_valid(v),
            _ => false,
        }
    }

    fn show(&self) -> String {
        format!("bad_check_digit: {}", self.field.name())
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
    let mut sum = 0;
    for (i, d) in b"80840"
        .iter()
        .chain(first9)
        .map(|d| u32::from(d - b'0'))
        .rev()
        .enumerate()
    {
        let mut x = d;
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
    use super::super::prelude::harness::{holds, rule};
    use super::*;

    #[test]
    fn npi_check_digit() {
        assert!(npi_valid("1234567893"));
        assert!(!npi_valid("1234567890"));
        assert!(!npi_valid("9876543210"));
        assert!(!npi_valid("12345"));
    }

    #[test]
    fn fires_on_a_bad_npi_only() {
        let w = "  bad_check_digit: { field: billing.npi, scheme: npi }";
        assert_eq!(
            holds(
                "claim",
                w,
                r#"{"id":"c","billing_provider":{"npi":"1234567890"}}"#
            ),
            [true]
        );
        assert_eq!(
            holds(
                "claim",
                w,
                r#"{"id":"c","billing_provider":{"npi":"1234567893"}}"#
            ),
            [false]
        );
        let e = rule(
            "claim",
            "  bad_check_digit: { field: billing.npi, scheme: luhn }",
            "m",
        )
        .unwrap_err();
        assert_eq!(e, ["unknown-scheme: unknown check-digit scheme `luhn`"]);
    }
}
