//! Where a claim and each of its values came from, so a finding can point into the
//! user's own file: a JSON pointer, an X12 segment and element, or a FHIRPath.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// The input format a claim was read from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    #[default]
    Json,
    Ndjson,
    X12,
    Fhir,
}

/// A place in a source file, in the terms of that file's format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Location {
    /// JSON pointer into the input document, with the 1-based text line where known.
    Json {
        pointer: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
    },
    /// X12: 1-based segment number in the file, the loop, and the element reference
    /// (`SV1-01-2`), plus the transaction set control number (ST02). Loop and element names
    /// are mostly static and the transaction is shared by all its claims, so recording a
    /// location per value costs no allocation beyond its pointer.
    X12 {
        segment: u32,
        #[serde(rename = "loop")]
        loop_id: Cow<'static, str>,
        element: Cow<'static, str>,
        #[serde(skip_serializing_if = "is_empty")]
        transaction: Arc<str>,
    },
    /// FHIRPath-like expression into a FHIR resource (`Claim.item[2].productOrService`).
    Fhir { path: String },
}

fn is_empty(s: &Arc<str>) -> bool {
    s.is_empty()
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Json { pointer, line } => match line {
                Some(l) => write!(f, "line {l}, {pointer}"),
                None => f.write_str(pointer),
            },
            Location::X12 {
                segment,
                loop_id,
                element,
                ..
            } => write!(f, "segment {segment}, loop {loop_id}, {element}"),
            Location::Fhir { path } => f.write_str(path),
        }
    }
}

/// The provenance of one claim.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub format: SourceFormat,
    /// Input file name as given on the command line (never PHI).
    pub file: Option<Arc<str>>,
    /// 0-based position of the claim among all input claims of its file.
    pub index: usize,
    /// JSON pointer of the claim inside its JSON document (`/3` in an array, empty for NDJSON).
    pub base: String,
    /// 1-based text line where the claim starts, when known.
    pub line: Option<u32>,
    /// Native locations of values, keyed by canonical pointer; readers of non-JSON formats
    /// fill this. Looked up with fallback to the nearest recorded ancestor.
    pub spans: Vec<(String, Location)>,
}

impl Source {
    /// Record where the value at canonical `pointer` sits in the source.
    pub fn record(&mut self, pointer: impl Into<String>, location: Location) {
        self.spans.push((pointer.into(), location));
    }

    /// The native location of the value at canonical `pointer`, or of its nearest recorded
    /// ancestor (a modifier falls back to its line, a line to its claim).
    pub fn resolve(&self, pointer: &str) -> Option<Location> {
        if matches!(self.format, SourceFormat::Json | SourceFormat::Ndjson) {
            return Some(Location::Json {
                pointer: format!("{}{}", self.base, pointer),
                line: self.line,
            });
        }
        let mut p = pointer;
        loop {
            if let Some((_, loc)) = self.spans.iter().rev().find(|(k, _)| k == p) {
                return Some(loc.clone());
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_falls_back_to_ancestor() {
        let mut s = Source {
            format: SourceFormat::X12,
            ..Source::default()
        };
        let seg = |n| Location::X12 {
            segment: n,
            loop_id: "2400".into(),
            element: "SV1".into(),
            transaction: "0001".into(),
        };
        s.record("", seg(10));
        s.record("/lines/0", seg(20));
        assert_eq!(s.resolve("/lines/0/modifiers/1"), Some(seg(20)));
        assert_eq!(s.resolve("/lines/1/units"), Some(seg(10)));
    }

    #[test]
    fn json_pointer_is_rebased() {
        let s = Source {
            base: "/3".into(),
            line: Some(40),
            ..Source::default()
        };
        assert_eq!(
            s.resolve("/lines/0").map(|l| l.to_string()),
            Some("line 40, /3/lines/0".to_string())
        );
    }
}
