//! What every reader produces: pending claims, error records for claims that cannot be
//! read, and warnings about an input. Readers import this module, never the dispatcher
//! ([`super::input`]), so data flows one way: input → reader → pending claim.

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

use super::Claim;
use super::bytes::Bytes;
use super::limits::Limit;
use super::source::{Location, Source};

/// A claim that could not be read. Its message names the place and what was expected,
/// never a value from the claim.
#[derive(Debug, Clone, thiserror::Error, Serialize)]
#[error("{message}")]
pub struct ClaimError {
    /// Input file name as given on the command line (never PHI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<Arc<str>>,
    /// 0-based position of the claim in its file.
    pub index: usize,
    /// The claim's id when it could still be read (output records only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_id: Option<String>,
    /// Where reading stopped: the X12 segment and element, JSON pointer or FHIRPath.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// What was wrong and what was expected there.
    pub message: String,
    /// The limit the claim went past, when that is why it was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<Limit>,
}

/// Something odd about an input that does not stop its claims being read (X12 control
/// numbers or segment counts that do not match, skipped non-claim transactions).
#[derive(Debug, Clone, Serialize)]
pub struct InputWarning {
    /// Input file name as given on the command line (never PHI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<Arc<str>>,
    /// The envelope segment the warning is about (an `ST`, or an `SE`, `GE` or `IEA` trailer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// What does not match, naming elements rather than claim values.
    pub message: String,
}

/// A reader's parser for one claim located by its split: the document, the claim's byte
/// range in it, and its provenance.
pub type Parse = fn(&[u8], Range<usize>, Source) -> Result<Claim, ClaimError>;

/// One claim located in an input but not yet parsed.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "a pending claim is short-lived and moved once into the runner; boxing would add an allocation per claim"
)]
pub enum Pending {
    /// Already parsed (or failed) while splitting, as X12 and FHIR are.
    Ready(Result<Claim, ClaimError>),
    /// A claim located by the split but parsed later, in parallel, by its reader's `parse`.
    Deferred {
        /// The whole input, shared by all its pending claims.
        doc: Arc<Bytes>,
        /// The claim's bytes within `doc` (a lone object, one array element or one NDJSON line).
        range: Range<usize>,
        /// Provenance already known from the split: file, index, JSON base pointer, line.
        source: Source,
        /// The reader's parser for the range.
        parse: Parse,
    },
    /// A claim the split located with context it needs (an X12 claim and the loops above
    /// it), mapped later, in parallel, by the job itself.
    Job(Box<dyn Job>),
}

/// The parallel half of reading one claim, made by a sequential split that had to carry
/// context to it (X12's 2000A–C loops and envelope). It owns what it needs.
pub trait Job: Send + std::fmt::Debug {
    /// Build the claim, or its error record.
    #[expect(
        clippy::result_large_err,
        reason = "ClaimError is an output record, not a propagated error; it is built once per bad claim"
    )]
    fn run(self: Box<Self>) -> Result<Claim, ClaimError>;
}

impl Pending {
    /// Parse the claim.
    #[expect(
        clippy::result_large_err,
        reason = "ClaimError is an output record, not a propagated error; it is built once per bad claim"
    )]
    pub fn materialize(self) -> Result<Claim, ClaimError> {
        match self {
            Pending::Ready(r) => r,
            Pending::Deferred {
                doc,
                range,
                source,
                parse,
            } => parse(&doc, range, source),
            Pending::Job(job) => job.run(),
        }
    }
}

/// Pending claims of one input, in input order, produced lazily so memory stays flat.
pub type Claims = Box<dyn Iterator<Item = Pending> + Send>;

/// Warnings about an input (X12 envelope counts and control numbers), complete once its
/// claims have all been taken.
#[derive(Debug, Clone, Default)]
pub struct Warnings(Arc<std::sync::Mutex<Vec<InputWarning>>>);

impl Warnings {
    /// Add warnings found while splitting.
    pub fn extend(&self, w: Vec<InputWarning>) {
        if let Ok(mut g) = self.0.lock() {
            g.extend(w);
        }
    }

    /// The warnings gathered so far.
    pub fn get(&self) -> Vec<InputWarning> {
        self.0.lock().map(|g| g.clone()).unwrap_or_default()
    }
}

/// A reader's split: an input's bytes and file name into pending claims; `Err` says why the
/// file cannot be read at all. Warnings found on the way go to the given [`Warnings`].
pub type Split = fn(Arc<Bytes>, Option<Arc<str>>, &Warnings) -> Result<Claims, String>;

/// The start of an input as format detection sees it.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    /// The whole input after a UTF-8 byte order mark.
    pub bytes: &'a [u8],
    /// Offset of the first byte that is not white space.
    pub start: usize,
    /// Up to 4 KiB from `start`.
    pub head: &'a [u8],
}

impl<'a> Head<'a> {
    /// The head of `bytes`; `None` when they are all white space.
    pub fn of(bytes: &'a [u8]) -> Option<Head<'a>> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
        let head = bytes
            .get(start..bytes.len().min(start + 4096))
            .unwrap_or_default();
        Some(Head { bytes, start, head })
    }

    /// Does the input start like JSON (`{` or `[`)?
    pub fn is_json(&self) -> bool {
        self.head.starts_with(b"{") || self.head.starts_with(b"[")
    }
}
