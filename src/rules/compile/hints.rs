//! Hints for diagnostics: did-you-mean from a fuzzy match, the vocabulary when nothing is
//! close, and what a YAML shape error usually means.

use crate::rules::field::Needs;

pub(crate) fn needs_hint(n: Needs) -> &'static str {
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
pub fn did_you_mean_or_list(word: &str, candidates: &[&str]) -> Option<String> {
    did_you_mean(word, candidates.iter().copied()).or_else(|| {
        let all: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
        Some(format!("expected one of {}", all.join(", ")))
    })
}

/// A hint for serde's shape errors: `unknown field `x`, expected one of a, b` gets a
/// did-you-mean; `missing field `x`` names what every rule needs.
pub(crate) fn yaml_help(message: &str) -> Option<String> {
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
