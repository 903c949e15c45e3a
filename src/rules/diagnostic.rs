//! Problems found in rule files: where (file:line:column), how bad, a stable code and a hint.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// A problem found in a rule file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub file: Arc<str>,
    pub line: u32,
    pub column: u32,
    pub level: DiagnosticLevel,
    /// Stable kebab-case id of the problem, e.g. `unknown-field`.
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticLevel {
    Warning,
    Error,
}

impl Diagnostic {
    /// A problem that stops the rule set from being built.
    pub fn error(
        file: Arc<str>,
        line: u32,
        column: u32,
        code: &'static str,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            file,
            line,
            column,
            level: DiagnosticLevel::Error,
            code,
            message,
            help: None,
        }
    }

    /// A problem reported but not fatal.
    pub fn warning(
        file: Arc<str>,
        line: u32,
        column: u32,
        code: &'static str,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            level: DiagnosticLevel::Warning,
            ..Diagnostic::error(file, line, column, code, message)
        }
    }

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
