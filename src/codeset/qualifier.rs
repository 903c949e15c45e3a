//! Excludes1 qualifiers: the words after a note's codes that narrow them ("E08-E13 with .42"),
//! read from the note text when a lookup first needs them, for shipped and user-built sets alike.
//!
//! The targets stored with a note (`generate.py`'s `note_targets`, `tabular.rs`) are the codes
//! as written; a qualifier after them restricts which of their descendants the note excludes.
//! Census of the 5,406 Excludes1 notes shipped in `codesets/icd10cm/notes.tsv` (FY2026):
//!
//! | form                                                     | notes | resolved as          |
//! |----------------------------------------------------------|------:|----------------------|
//! | codes, prefixes, ranges and lists, no qualifier          | 5,229 | exact, as stored     |
//! | `E08-E13 with .42` (`.51-.52`, `.62-`, `.620`)           |    15 | characters after dot |
//! | `with fifth character 1` (`5th`, `fifth-character`, `.6`) |    17 | one character        |
//! | `with fifth to sixth characters 51`                      |     1 | two characters       |
//! | `with 7th character B` (`seventh`)                       |     4 | the 7th character    |
//! | `I69. with final characters -23`                         |    10 | the last characters  |
//! | `with open fracture 7th character`, `with ketoacidosis`  |     2 | unresolved           |
//! | headings ending in `:` (`polyneuropathy (in):`)          |    54 | unresolved           |
//! | no codes (`see Alphabetical Index`, `omit code`)         |    74 | unresolved           |
//!
//! Wording that is no qualifier stays exact: "NOS" and "(in)" inside the title, "A00-R94 and
//! T80-T88.6", "(F98.2.-F98.3)", a trailing comma. `codesets info --unresolved` lists the rest.
//! An unresolved note never makes a finding: a note that cannot be read exactly is not applied.

use super::CodePattern;

/// How an Excludes1 note's text narrows its stored targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The stored targets are exactly what the note excludes.
    Exact,
    /// Descendants of the targets whose characters from `pos` (0-based, normalized, no dot)
    /// fall in `lo..=hi` (`E08-E13 with .51-.52`: from 3, `51` to `52`).
    At {
        /// First character position the qualifier names.
        pos: usize,
        /// Lowest characters there.
        lo: String,
        /// Highest characters there (as long as `lo`).
        hi: String,
    },
    /// Descendants of the targets that end in these characters (`with final characters -23`).
    EndsWith(String),
    /// The note cannot be read as exact codes; it is never applied.
    Unresolved(Unresolved),
}

/// Why a note cannot be resolved to exact codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unresolved {
    /// A heading (`polyneuropathy (in):`); the items under it are notes of their own.
    Header,
    /// The note names no codes.
    NoCodes,
    /// A qualifier after the codes that names no fixed characters.
    Qualifier,
}

impl Unresolved {
    /// The short name `codesets info` prints.
    pub fn name(self) -> &'static str {
        match self {
            Unresolved::Header => "header",
            Unresolved::NoCodes => "no-codes",
            Unresolved::Qualifier => "qualifier",
        }
    }
}

impl Resolution {
    /// Read an Excludes1 note: `targets` as stored (`E08-E13`, `B27*`, comma-separated) and
    /// its text.
    pub fn of(targets: &str, text: &str) -> Resolution {
        if text.trim_end().ends_with(':') {
            return Resolution::Unresolved(Unresolved::Header);
        }
        if targets.split(',').all(|t| t.trim().is_empty()) {
            return Resolution::Unresolved(Unresolved::NoCodes);
        }
        let Some(q) = qualifier(text) else {
            return Resolution::Exact;
        };
        let Some(r) = parse(&q) else {
            return Resolution::Unresolved(Unresolved::Qualifier);
        };
        // `.42` counts from the character after a three-character category.
        let stems_of_three = || {
            targets
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .flat_map(|t| t.trim_end_matches('*').split('-'))
                .filter(|s| !s.is_empty())
                .all(|s| s.len() == 3)
        };
        if q.starts_with('.') && !stems_of_three() {
            return Resolution::Unresolved(Unresolved::Qualifier);
        }
        r
    }

    /// Does the note take normalized `code` through `target`? A qualified note takes
    /// descendants of an exact target too (`A37 with fifth-character 1`: `A3701`).
    pub fn matches(&self, target: &Target, code: &str) -> bool {
        let under = || match &target.pattern {
            CodePattern::Exact(p) if target.bare => code.starts_with(p.as_str()),
            p => p.matches(code),
        };
        match self {
            Resolution::Exact => target.pattern.matches(code),
            Resolution::At { pos, lo, hi } => {
                let end = pos.saturating_add(lo.len());
                // The characters between the category and the named one are digits or the
                // placeholder X, as when these notes were written: letter subcategories added
                // since (M51.A4) are not "M51.- with fifth character 4".
                let between = code
                    .get(3.min(*pos)..*pos)
                    .is_some_and(|m| m.bytes().all(|b| b.is_ascii_digit() || b == b'X'));
                between
                    && code
                        .get(*pos..end)
                        .is_some_and(|h| h >= lo.as_str() && h <= hi.as_str())
                    && under()
            }
            Resolution::EndsWith(tail) => code.ends_with(tail.as_str()) && under(),
            Resolution::Unresolved(_) => false,
        }
    }
}

/// An Excludes1 target as the compiled set stores it (normalized: `E119`, `O244*`,
/// `E08-E13`, `O24-`), split once when a code's notes are resolved rather than per pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pattern: CodePattern,
    /// Written without `*` or `-`: a bare code, which a qualified note extends to its
    /// descendants.
    bare: bool,
}

impl Target {
    /// Read a stored target.
    pub fn of(stored: &str) -> Target {
        let pattern = if let Some(p) = stored.strip_suffix('*') {
            CodePattern::Prefix(p.to_string())
        } else {
            match stored.split_once('-') {
                Some((lo, "")) => CodePattern::Prefix(lo.to_string()),
                Some((lo, hi)) => CodePattern::Range(lo.to_string(), hi.to_string()),
                None => CodePattern::Exact(stored.to_string()),
            }
        };
        Target {
            pattern,
            bare: !stored.contains(['*', '-']),
        }
    }
}

/// The words after the last code-following "with" in `text`, lowercased, without the closing
/// parenthesis: `E08-E13 with .42)` → `.42`. `None` when no "with" follows a code.
fn qualifier(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let at = lower
        .match_indices("with")
        .map(|(i, _)| i)
        .filter(|&i| {
            !is_word(lower.get(..i).and_then(|s| s.chars().last()))
                && !is_word(lower.get(i + 4..).and_then(|s| s.chars().next()))
        })
        .filter(|&i| {
            let before = text.get(..i).unwrap_or("").trim_end();
            let token = before
                .rsplit(|c: char| c.is_whitespace() || c == '(' || c == ',')
                .next()
                .unwrap_or("")
                .trim_end_matches(['-', '.']);
            let b = token.as_bytes();
            b.first().is_some_and(u8::is_ascii_uppercase)
                && b.get(1).is_some_and(u8::is_ascii_digit)
        })
        .last()?;
    let after = lower.get(at + 4..)?;
    let q = after.trim().trim_end_matches([')', '.']).trim();
    Some(q.to_string())
}

/// The position an ordinal names (`fifth`, `5th` → 4).
fn ordinal(w: &str) -> Option<usize> {
    Some(match w {
        "fourth" | "4th" => 3,
        "fifth" | "5th" => 4,
        "sixth" | "6th" => 5,
        "seventh" | "7th" => 6,
        _ => return None,
    })
}

fn code_chars(s: &str) -> Option<String> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| s.to_ascii_uppercase())
}

/// A lowercased qualifier as a narrowing, when it names fixed characters.
fn parse(q: &str) -> Option<Resolution> {
    if let Some(s) = q.strip_prefix('.') {
        let s = s.trim_end_matches('-');
        let (lo, hi) = s.split_once("-.").unwrap_or((s, s));
        let (lo, hi) = (code_chars(lo)?, code_chars(hi)?);
        return (lo.len() == hi.len()).then_some(Resolution::At { pos: 3, lo, hi });
    }
    if let Some(s) = q.strip_prefix("final characters") {
        return Some(Resolution::EndsWith(code_chars(
            s.trim().trim_start_matches('-'),
        )?));
    }
    let spaced = q.replace("-character", " character");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let (first, last, rest) = match words.as_slice() {
        [a, "to", b, rest @ ..] => (ordinal(a)?, ordinal(b)?, rest),
        [a, rest @ ..] => (ordinal(a)?, ordinal(a)?, rest),
        [] => return None,
    };
    let ["character" | "characters", value] = rest else {
        return None;
    };
    let value = code_chars(value.trim_start_matches('.'))?;
    (last >= first && value.len() == last - first + 1).then_some(Resolution::At {
        pos: first,
        lo: value.clone(),
        hi: value,
    })
}

#[cfg(test)]
mod tests {
    use super::{Resolution, Target, Unresolved};

    fn at(pos: usize, lo: &str, hi: &str) -> Resolution {
        Resolution::At {
            pos,
            lo: lo.into(),
            hi: hi.into(),
        }
    }

    #[test]
    fn forms_in_the_shipped_notes() {
        let r = |t, x| Resolution::of(t, x);
        assert_eq!(
            r("E08-E13", "diabetes mellitus (E08-E13 with .42)"),
            at(3, "42", "42")
        );
        assert_eq!(
            r(
                "E08-E13",
                "diabetic (peripheral) angiopathy (E08-E13 with .51-.52)"
            ),
            at(3, "51", "52")
        );
        assert_eq!(
            r("E08-E13", "skin disorders in diabetes (E08-E13 with .62-)"),
            at(3, "62", "62")
        );
        assert_eq!(
            r(
                "B270-B279",
                "mononucleosis (B27.0-B27.9 with fifth character 1)"
            ),
            at(4, "1", "1")
        );
        assert_eq!(
            r(
                "A37",
                "whooping cough with pneumonia (A37 with fifth-character 1)"
            ),
            at(4, "1", "1")
        );
        assert_eq!(
            r("F10-F19", "amnestic (F10-F19 with 5th character .6)"),
            at(4, "6", "6")
        );
        assert_eq!(
            r(
                "F11-F19",
                "hallucinations (F11-F19 with fifth to sixth characters 51)"
            ),
            at(4, "51", "51")
        );
        assert_eq!(
            r("S92", "open fracture (S92.-with 7th character B)"),
            at(6, "B", "B")
        );
        assert_eq!(
            r("S060X*", "concussion (S06.0X- with seventh character A)"),
            at(6, "A", "A")
        );
        assert_eq!(
            r("I69", "ataxia (I69. with final characters -93)"),
            Resolution::EndsWith("93".into())
        );
        assert_eq!(
            r(
                "C910-C959",
                "leukemia in remission C91.0-C95.9 with 5th character 1"
            ),
            at(4, "1", "1")
        );
        assert_eq!(
            r(
                "S52*",
                "open fracture (S52.- with open fracture 7th character)"
            ),
            Resolution::Unresolved(Unresolved::Qualifier)
        );
        assert_eq!(
            r("", "meningitis (in):"),
            Resolution::Unresolved(Unresolved::Header)
        );
        assert_eq!(
            r(
                "",
                "aftercare for injury- code the injury with 7th character D"
            ),
            Resolution::Unresolved(Unresolved::NoCodes)
        );
        // "with" in the title, before the codes, is no qualifier; nor is "without".
        assert_eq!(
            r(
                "J09X3,J102",
                "influenza with involvement of tract (J09.X3, J10.2)"
            ),
            Resolution::Exact
        );
        assert_eq!(
            r("F067*", "disorder with or without disturbance (F06.7-)"),
            Resolution::Exact
        );
        assert_eq!(r("K529", "colitis NOS (K52.9)"), Resolution::Exact);
    }

    #[test]
    fn narrowed_matching() {
        let g63 = Resolution::of("E08-E13", "diabetes mellitus (E08-E13 with .42)");
        assert!(g63.matches(&Target::of("E08-E13"), "E1142"));
        assert!(!g63.matches(&Target::of("E08-E13"), "E119"));
        assert!(!g63.matches(&Target::of("E08-E13"), "E1143"));
        assert!(!g63.matches(&Target::of("E08-E13"), "E14"));
        let m51 = Resolution::of(
            "M51*",
            "rupture of thoracic disc (M51.- with fifth character 4)",
        );
        assert!(
            m51.matches(&Target::of("M51*"), "M5124") && !m51.matches(&Target::of("M51*"), "M51A4")
        );
        let j17 = Resolution::of("A37", "whooping cough (A37 with fifth-character 1)");
        assert!(
            j17.matches(&Target::of("A37"), "A3701") && !j17.matches(&Target::of("A37"), "A3700")
        );
        let ends = Resolution::of("I69", "ataxia (I69. with final characters -93)");
        assert!(
            ends.matches(&Target::of("I69"), "I69193")
                && !ends.matches(&Target::of("I69"), "I69192")
        );
        assert!(!Resolution::Unresolved(Unresolved::Header).matches(&Target::of("E119"), "E119"));
    }
}
