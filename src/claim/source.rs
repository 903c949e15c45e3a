//! Where a claim and each of its values came from, so a finding can point into the
//! user's own file: a JSON pointer, an X12 segment and element, or a FHIRPath.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use super::position::Position;

/// The input format a claim was read from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    /// Our JSON claim format, one claim or an array; the default.
    #[default]
    Json,
    /// Our JSON claim format, one claim object a line.
    Ndjson,
    /// An ANSI X12 837P or 837I interchange.
    X12,
    /// A FHIR R4 `Claim` resource or a `Bundle` of them.
    Fhir,
}

/// A place in a source file, in the terms of that file's format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Location {
    /// JSON pointer into the input document, with the 1-based text line where known.
    Json {
        /// JSON pointer from the document root (`/3/lines/0/procedure`).
        pointer: String,
        /// 1-based text line where the claim starts, when the reader knows it.
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
    },
    /// X12: 1-based segment number in the file, the loop, and the element reference
    /// (`SV1-01-2`), plus the transaction set control number (ST02). Loop and element names
    /// are mostly static and the transaction is shared by all its claims, so recording a
    /// location per value costs no allocation beyond its pointer.
    X12 {
        /// 1-based number of the segment in the file.
        segment: u32,
        /// The 837 loop the segment belongs to (`2300`, `2400`, `2010BA`), or `envelope`.
        #[serde(rename = "loop")]
        loop_id: Cow<'static, str>,
        /// Element reference (`CLM-05-3`, `SV1-01-2`), or the segment id alone.
        element: Cow<'static, str>,
        /// ST02 of the transaction set; empty outside one (IEA and GE envelope warnings).
        #[serde(skip_serializing_if = "is_empty")]
        transaction: Arc<str>,
        /// Byte offset of the segment in the file, where the reader knows it (SARIF's
        /// `region.byteOffset`). Not serialized: the JSON output names segments by number.
        #[serde(skip)]
        offset: Option<usize>,
    },
    /// FHIRPath-like expression into a FHIR resource (`Claim.item[2].productOrService`).
    Fhir {
        /// The expression, 0-based, from the resource root (`Bundle.entry[1].resource.total`).
        path: String,
    },
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
    /// The format the claim was read from; JSON positions resolve without recorded spans.
    pub format: SourceFormat,
    /// Input file name as given on the command line (never PHI).
    pub file: Option<Arc<str>>,
    /// 0-based position of the claim among all input claims of its file.
    pub index: usize,
    /// JSON pointer of the claim inside its JSON document (`/3` in an array, empty for NDJSON).
    pub base: String,
    /// 1-based text line where the claim starts, when known.
    pub line: Option<u32>,
    /// Native locations of values; readers of non-JSON formats fill this.
    pub spans: Spans,
    /// The text of a JSON claim written over several lines, so a finding can name the line
    /// of its own field ([`super::json_lines`]); `None` for one-line (NDJSON) claims.
    pub text: Option<Arc<[u8]>>,
}

impl Source {
    /// Record where the value at `at` sits in the source.
    pub fn record(&mut self, at: Position, location: Location) {
        self.spans.record(at, location);
    }

    /// The native location of the value at `at`, or of its nearest recorded ancestor
    /// (a modifier falls back to its line, a line to its claim). A JSON claim's location is
    /// the position's pointer inside the input document.
    pub fn resolve(&self, at: Position) -> Option<Location> {
        if matches!(self.format, SourceFormat::Json | SourceFormat::Ndjson) {
            let within = self
                .text
                .as_deref()
                .and_then(|t| super::json_lines::line_of(t, &at.to_string()))
                .unwrap_or(0);
            return Some(Location::Json {
                pointer: format!("{}{at}", self.base),
                line: self.line.map(|l| l.saturating_add(within)),
            });
        }
        self.spans.resolve(at).cloned()
    }

    /// [`Source::resolve`] for a canonical JSON pointer; `None` when it names no position.
    pub fn resolve_pointer(&self, pointer: &str) -> Option<Location> {
        self.resolve(Position::parse(pointer)?)
    }
}

/// The span recorder every reader fills: where each model position came from.
///
/// Positions are typed and `Copy`, so a lookup compares a few words per entry, and a claim
/// holds a few dozen entries. The last record of a position wins, as a reader that meets a
/// segment twice keeps the later value.
#[derive(Debug, Clone, Default)]
pub struct Spans(Vec<(Position, Location)>);

impl Spans {
    /// An empty recorder with room for `n` spans.
    pub fn with_capacity(n: usize) -> Spans {
        Spans(Vec::with_capacity(n))
    }

    /// Record that the value at `at` sits at `location`.
    pub fn record(&mut self, at: Position, location: Location) {
        self.0.push((at, location));
    }

    /// Add every span of `other`, as if recorded now.
    pub fn extend(&mut self, other: &Spans) {
        self.0.extend(other.0.iter().cloned());
    }

    /// The location recorded for exactly `at`, latest first.
    fn exact(&self, at: Position) -> Option<&Location> {
        self.0.iter().rev().find(|(p, _)| *p == at).map(|(_, l)| l)
    }

    /// The location of `at`, else of its nearest recorded ancestor.
    pub fn resolve(&self, at: Position) -> Option<&Location> {
        let mut p = Some(at);
        while let Some(q) = p {
            if let Some(l) = self.exact(q) {
                return Some(l);
            }
            p = q.parent();
        }
        None
    }

    /// How many spans are recorded.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::position::LineField;

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
            offset: None,
        };
        s.record(Position::Claim, seg(10));
        s.record(Position::line(0), seg(20));
        assert_eq!(s.resolve(Position::modifier(0, 1)), Some(seg(20)));
        assert_eq!(
            s.resolve(Position::line_field(1, LineField::Units)),
            Some(seg(10))
        );
        assert_eq!(s.resolve_pointer("/lines/0/modifiers/1"), Some(seg(20)));
        assert_eq!(s.resolve_pointer("/lines/0/bogus"), None);
    }

    #[test]
    fn recorder_keeps_the_latest_span_and_walks_parents() {
        let seg = |n| Location::Fhir {
            path: format!("Claim.item[{n}]"),
        };
        let mut spans = Spans::with_capacity(4);
        assert_eq!(spans.resolve(Position::Claim), None);
        spans.record(Position::line_field(0, LineField::Modifiers), seg(1));
        spans.record(Position::line_field(0, LineField::Modifiers), seg(2));
        spans.record(Position::modifier(0, 1), seg(3));
        assert_eq!(spans.resolve(Position::modifier(0, 0)), Some(&seg(2)));
        assert_eq!(spans.resolve(Position::modifier(0, 1)), Some(&seg(3)));
        assert_eq!(spans.resolve(Position::line(0)), None);
        let mut all = Spans::default();
        all.record(Position::Claim, seg(0));
        all.extend(&spans);
        assert_eq!(all.len(), 4);
        assert_eq!(all.resolve(Position::line(0)), Some(&seg(0)));
    }

    #[test]
    fn json_pointer_is_rebased() {
        let s = Source {
            base: "/3".into(),
            line: Some(40),
            ..Source::default()
        };
        assert_eq!(
            s.resolve(Position::line(0)).map(|l| l.to_string()),
            Some("line 40, /3/lines/0".to_string())
        );
    }
}
