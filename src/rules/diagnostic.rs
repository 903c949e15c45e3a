//! Problems found in rule files: where (file:line:column), how bad, a stable code and a hint.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use super::schema::Span;

/// Declares the diagnostic codes: a variant, its stable kebab-case name and one doc line
/// that `rules lint --explain CODE` prints.
macro_rules! codes {
    ($(#[doc = $doc:literal] $variant:ident => $name:literal,)*) => {
        /// The stable id of a problem in rule files, e.g. `unknown-field`. Names are never
        /// reused for another problem.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $(#[doc = $doc] $variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// One line on what the problem is.
            pub fn explain(self) -> &'static str {
                match self { $(Code::$variant => $doc.trim_ascii_start(),)* }
            }

            /// The code with this name.
            pub fn from_name(name: &str) -> Option<Code> {
                match name { $($name => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    /// The file is not valid YAML, or not the shape of a rule, pack or test file (an unknown or missing key, a wrong type).
    Yaml => "yaml",
    /// Two rules share an id; ids are stable and never reused, even for removed rules.
    DuplicateId => "duplicate-id",
    /// A user rule id that a built-in rule already uses, so `check --rules` refuses the rule set unless run with `--no-default-rules`.
    BuiltinId => "builtin-id",
    /// A pack's `disable` list names a rule id that no loaded rule has.
    UnknownRule => "unknown-rule",
    /// A rule id is not an uppercase prefix followed by three or more digits, like `ICD002`.
    BadId => "bad-id",
    /// A rule name is not kebab-case.
    BadName => "bad-name",
    /// A rule's `notice` is not kebab-case, its rule does not iterate `each: line`, or its help has placeholders: a notice is reported once per run, so it counts lines and reads the same for all of them.
    BadNotice => "bad-notice",
    /// A severity other than error, warning or info.
    UnknownSeverity => "unknown-severity",
    /// A category outside the category vocabulary of `docs/rules.md`.
    UnknownCategory => "unknown-category",
    /// A `carc` that is not a group code and reason code like `CO-97`.
    BadCarc => "bad-carc",
    /// A `rarc` that is not a remark code like `N290` or `M76`.
    BadRarc => "bad-rarc",
    /// A rule `status` other than preview, stable, deprecated or removed.
    UnknownStatus => "unknown-status",
    /// A `codeset` condition's `status` names a code status the code sets do not have.
    UnknownCodeStatus => "unknown-code-status",
    /// An iteration (`each`, or what a `count` counts) that does not exist.
    UnknownEach => "unknown-each",
    /// A rule's `pairs` is not `all` or `first`, or the rule does not iterate pairs (`each: line-pair` or `diagnosis-pair`).
    BadPairs => "bad-pairs",
    /// A date not written as YYYY-MM-DD, or not a real date.
    BadDate => "bad-date",
    /// A scope's claim type other than professional or institutional.
    UnknownClaimType => "unknown-claim-type",
    /// A field name the claim model does not have.
    UnknownField => "unknown-field",
    /// A field or condition that needs an item (a line, a diagnosis, a pair) the rule's iteration does not bind.
    FieldOutOfScope => "field-out-of-scope",
    /// A field, literal or other field whose type does not fit the condition (text where a date is needed…).
    WrongType => "wrong-type",
    /// A comparison operator other than eq, ne, lt, le, gt or ge.
    UnknownOp => "unknown-op",
    /// A code system name the code sets do not have.
    UnknownCodeset => "unknown-codeset",
    /// An `all` or `any` with no conditions in it.
    EmptyCondition => "empty-condition",
    /// A `compare` without exactly one of `value` or `to`.
    BadCompare => "bad-compare",
    /// A regular expression that does not compile.
    BadRegex => "bad-regex",
    /// A code-set attribute flag the shipped code sets do not carry; it can only match user code sets that have it.
    UnknownFlag => "unknown-flag",
    /// An MUE basis other than `line` or `date`.
    BadMue => "bad-mue",
    /// A check-digit scheme claimscrub does not know.
    UnknownScheme => "unknown-scheme",
    /// A listed code that is not a code, a prefix (`M81.*`) or a range (`E08-E13`), or a range that runs backwards.
    BadCode => "bad-code",
    /// A code-list file that is not found beside the rule.
    MissingList => "missing-list",
    /// A `codes` condition with no codes at all.
    EmptyList => "empty-list",
    /// A listed code is a header, not billable: it matches only claims that carry the header itself.
    ListedHeader => "listed-header",
    /// A listed code is valid nowhere in the rule's effective window.
    ListedNotEffective => "listed-not-effective",
    /// A listed code is not in the code set the list names.
    UnknownCode => "unknown-code",
    /// A message or help template with an unmatched `{` or `}`.
    BadTemplate => "bad-template",
    /// A template that would print protected health information (member id, date of birth, tax id).
    PhiInMessage => "phi-in-message",
    /// A template placeholder that is no field, no special and no fact.
    UnknownPlaceholder => "unknown-placeholder",
    /// A template names a fact that no condition of the rule ever sets, so it would always print empty.
    UnsetPlaceholder => "unset-placeholder",
    /// A rule without `docs`: what it checks, why it matters, an example, the fix and references.
    MissingDocs => "missing-docs",
    /// A rule that expects a denial (error or warning) but names no CARC.
    MissingCarc => "missing-carc",
    /// A rule whose condition can never hold, as its structure alone shows.
    NeverFires => "never-fires",
    /// A rule that repeats an earlier one (same iteration, scope, category and condition), so each finding is reported twice.
    Shadowed => "shadowed",
    /// A rule id whose prefix differs from the other rules of its pack.
    IdPrefix => "id-prefix",
    /// A rule without a `<rule>.test.yaml` beside it.
    UntestedRule => "untested-rule",
    /// A rule whose tests lack a case that fires or a case that does not.
    OneSidedTests => "one-sided-tests",
    /// A test file with no rule of the same name beside it.
    OrphanTest => "orphan-test",
    /// A test file without cases.
    NoCases => "no-cases",
    /// A test case whose claim cannot be read or merged over the base claim.
    BadCase => "bad-case",
    /// A test case's code-set fixture directory that is missing or does not build.
    BadFixture => "bad-fixture",
    /// A rule test case whose findings differ from what it expects.
    TestFailed => "test-failed",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Ordered by name, so listings sort as they always have.
impl Ord for Code {
    fn cmp(&self, other: &Code) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Code) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A problem found in a rule file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The rule, pack, test or code-list file.
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Whether it stops the rule set from being built.
    pub level: DiagnosticLevel,
    /// Stable id of the problem, e.g. `unknown-field`.
    pub code: Code,
    /// What is wrong, with the offending value in backticks.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// How to fix it, often a did-you-mean.
    pub help: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
/// How bad a diagnostic is.
pub enum DiagnosticLevel {
    /// Reported; the rules still run, but are not fit to ship.
    Warning,
    /// The rule set is not built.
    Error,
}

impl Diagnostic {
    /// A problem that stops the rule set from being built.
    pub fn error(file: Arc<str>, at: Span, code: Code, message: String) -> Diagnostic {
        Diagnostic {
            file,
            line: at.line,
            column: at.column,
            level: DiagnosticLevel::Error,
            code,
            message,
            help: None,
        }
    }

    /// A problem reported but not fatal.
    pub fn warning(file: Arc<str>, at: Span, code: Code, message: String) -> Diagnostic {
        let level = DiagnosticLevel::Warning;
        Diagnostic {
            level,
            ..Diagnostic::error(file, at, code, message)
        }
    }

    /// The same diagnostic with a fix hint.
    pub fn with_help(self, help: Option<String>) -> Diagnostic {
        Diagnostic { help, ..self }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            DiagnosticLevel::Error => "error",
            DiagnosticLevel::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {level}[{}]: {}",
            self.file, self.line, self.column, self.code, self.message
        )?;
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_explained() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            let name = c.as_str();
            assert!(seen.insert(name), "`{name}` is declared twice");
            assert!(
                name.chars()
                    .all(|x| x.is_ascii_lowercase() || x.is_ascii_digit() || x == '-'),
                "`{name}` is not kebab-case"
            );
            assert_eq!(Code::from_name(name), Some(*c));
            assert!(c.explain().ends_with('.'), "`{name}`: {}", c.explain());
        }
        assert_eq!(Code::from_name("no-such-code"), None);
    }
}
