//! Opening inputs: mmap files, detect the format by content, and split them into
//! [`Pending`] claims in input order. Parsing a pending claim is independent of the
//! others, so the runner does it in parallel.

use std::fs::File;
use std::ops::{Deref, Range};
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::Claim;
use super::source::{Location, Source};
use super::{fhir, json, x12};

/// Bytes of one input, mapped or owned (stdin, tests).
#[derive(Debug)]
pub enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl Bytes {
    /// Tell the kernel the bytes before `upto` are done with, so a file of millions of claims
    /// does not stay resident. A hint only: touching the range again reads it back.
    pub fn release_before(&self, upto: usize) {
        /// Keep this much behind the reader: claims in flight in the thread pool sit there.
        const MARGIN: usize = 64 << 20;
        const PAGE: usize = 1 << 16;
        if let Bytes::Mapped(m) = self {
            let end = upto.saturating_sub(MARGIN) / PAGE * PAGE;
            if end > 0 {
                release(m, end);
            }
        }
    }
}

#[allow(
    unsafe_code,
    reason = "MADV_DONTNEED on a read-only shared file mapping only drops page-table entries: \
              the pages are re-read from the file if touched again, so no data can change"
)]
fn release(m: &memmap2::Mmap, len: usize) {
    #[cfg(unix)]
    // SAFETY: the mapping is read-only and file-backed (never MAP_PRIVATE-written), so
    // dropping pages cannot lose data; later reads fault them back in from the file.
    let _ = unsafe {
        m.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, 0, len.min(m.len()))
    };
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

/// The claim formats claimscrub reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// Our JSON: one claim object or an array of claims.
    Json,
    /// One claim object a line.
    Ndjson,
    /// ANSI X12 837P / 837I.
    X12,
    /// FHIR R4 Claim or Bundle (JSON).
    Fhir,
}

/// A claim that could not be read. Its message names the place and what was expected,
/// never a value from the claim.
#[derive(Debug, Clone, thiserror::Error, Serialize)]
#[error("{message}")]
pub struct ClaimError {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<Arc<str>>,
    /// 0-based position of the claim in its file.
    pub index: usize,
    /// The claim's id when it could still be read (output records only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    pub message: String,
}

/// Something odd about an input that does not stop its claims being read (X12 control
/// numbers or segment counts that do not match, skipped non-claim transactions).
#[derive(Debug, Clone, Serialize)]
pub struct InputWarning {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    pub message: String,
}

/// An input split into pending claims, with its warnings.
pub struct Input {
    pub pending: Claims,
    /// Complete once `pending` is exhausted.
    pub warnings: Warnings,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

/// An input that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}`: cannot tell the format (not X12, FHIR, JSON or NDJSON); use --input-format")]
    UnknownFormat { path: String },
    #[error("`{path}` is a directory, not a claim file")]
    Directory { path: String },
    #[error("`{path}` is empty: it holds no claims")]
    Empty { path: String },
    #[error("`{path}`: {message}")]
    Unsupported { path: String, message: String },
    /// The file is in the format but broken beyond reading (no ISA, unreadable delimiters).
    #[error("`{path}`: {message}")]
    Malformed { path: String, message: String },
}

/// One claim located in an input but not yet parsed.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "a pending claim is short-lived and moved once into the runner; boxing would add an allocation per claim"
)]
pub enum Pending {
    /// Already parsed (or failed) while splitting, as X12 and FHIR are.
    Ready(Result<Claim, ClaimError>),
    /// A JSON value to parse.
    Json {
        doc: Arc<Bytes>,
        range: Range<usize>,
        source: Source,
    },
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
            Pending::Json { doc, range, source } => json::parse_claim(&doc, range, source),
        }
    }
}

/// Read an input file (or `-` for stdin) into bytes; files are memory-mapped.
pub fn open(path: &str) -> Result<Arc<Bytes>, InputError> {
    let io = |source| InputError::Io {
        path: path.to_string(),
        source,
    };
    if path == "-" {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut v).map_err(io)?;
        return Ok(Arc::new(Bytes::Owned(v)));
    }
    if Path::new(path).is_dir() {
        return Err(InputError::Directory {
            path: path.to_string(),
        });
    }
    let file = File::open(Path::new(path)).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len == 0 {
        return Ok(Arc::new(Bytes::Owned(Vec::new())));
    }
    Ok(Arc::new(Bytes::Mapped(map(&file).map_err(io)?)))
}

#[allow(
    unsafe_code,
    reason = "read-only mapping of an input file; a file truncated underneath us is the one risk, as for every mmap reader (ripgrep makes the same trade)"
)]
fn map(file: &File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the map is read-only and private to this process.
    let map = unsafe { memmap2::Mmap::map(file) }?;
    // Claims are read front to back once: let the kernel read ahead and drop pages behind,
    // so a file of millions of claims does not stay resident. Advice is only a hint.
    #[cfg(unix)]
    let _ = map.advise(memmap2::Advice::Sequential);
    Ok(map)
}

/// Guess the format from the first bytes: `ISA` is X12, `resourceType` is FHIR, a line-per-object
/// file is NDJSON, anything else starting with `{` or `[` is our JSON.
pub fn detect(bytes: &[u8]) -> Option<InputFormat> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = bytes
        .get(start..bytes.len().min(start + 4096))
        .unwrap_or_default();
    if head.starts_with(b"ISA") {
        return Some(InputFormat::X12);
    }
    if !(head.starts_with(b"{") || head.starts_with(b"[")) {
        return None;
    }
    if memchr::memmem::find(head, b"\"resourceType\"").is_some() {
        return Some(InputFormat::Fhir);
    }
    if head.starts_with(b"{") {
        // NDJSON when the first line is a complete JSON value and more follows.
        let first_end =
            memchr::memchr(b'\n', bytes.get(start..).unwrap_or_default()).map(|i| start + i);
        if let Some(end) = first_end {
            let rest = bytes.get(end..).unwrap_or_default();
            let first_ok = serde_json::from_slice::<serde::de::IgnoredAny>(
                bytes.get(start..end).unwrap_or_default(),
            )
            .is_ok();
            if first_ok && rest.iter().any(|b| !b.is_ascii_whitespace()) {
                return Some(InputFormat::Ndjson);
            }
        }
    }
    Some(InputFormat::Json)
}

/// Pending claims of one input, in input order, produced lazily so memory stays flat.
pub type Claims = Box<dyn Iterator<Item = Pending> + Send>;

/// Open `path`, detect (or take) its format and split it into pending claims.
/// Warnings are dropped; [`read_with_warnings`] keeps them.
pub fn read(path: &str, format: Option<InputFormat>) -> Result<Claims, InputError> {
    read_with_warnings(path, format).map(|i| i.pending)
}

/// Open `path`, detect (or take) its format and split it into pending claims and warnings.
pub fn read_with_warnings(path: &str, format: Option<InputFormat>) -> Result<Input, InputError> {
    let doc = open(path)?;
    if doc.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError::Empty {
            path: path.to_string(),
        });
    }
    let format = match format {
        Some(f) => f,
        None => detect(&doc).ok_or_else(|| InputError::UnknownFormat {
            path: path.to_string(),
        })?,
    };
    split(doc, path, format)
}

/// Split bytes already in memory, reported under `path`; the format is detected when absent.
pub fn read_bytes(
    path: &str,
    bytes: Vec<u8>,
    format: Option<InputFormat>,
) -> Result<Claims, InputError> {
    let doc = Arc::new(Bytes::Owned(bytes));
    let format = match format {
        Some(f) => f,
        None => detect(&doc).ok_or_else(|| InputError::UnknownFormat {
            path: path.to_string(),
        })?,
    };
    split(doc, path, format).map(|i| i.pending)
}

/// Split bytes already in memory; `path` names them in records and errors.
pub fn split(doc: Arc<Bytes>, path: &str, format: InputFormat) -> Result<Input, InputError> {
    let file: Option<Arc<str>> = Some(Arc::from(path));
    let malformed = |message: String| InputError::Malformed {
        path: path.to_string(),
        message,
    };
    let warnings = Warnings::default();
    let pending: Claims = match format {
        InputFormat::Json => Box::new(json::split_document(doc, file)),
        InputFormat::Ndjson => Box::new(json::split_ndjson(doc, file)),
        InputFormat::X12 => Box::new(X12Claims {
            stream: X12Stream::try_new(doc, |d| x12::Reader::new(d, file.clone()))
                .map_err(|e| malformed(e.to_string()))?,
            file,
            warnings: warnings.clone(),
            finished: false,
            released: 0,
        }),
        InputFormat::Fhir => Box::new(
            fhir::read_all(&doc, file)
                .map_err(|e| malformed(e.to_string()))?
                .into_iter()
                .map(Pending::Ready),
        ),
    };
    Ok(Input { pending, warnings })
}

/// Warnings about an input (X12 envelope counts and control numbers), complete once its
/// claims have all been taken.
#[derive(Debug, Clone, Default)]
pub struct Warnings(Arc<std::sync::Mutex<Vec<InputWarning>>>);

impl Warnings {
    fn extend(&self, w: Vec<InputWarning>) {
        if let Ok(mut g) = self.0.lock() {
            g.extend(w);
        }
    }

    /// The warnings gathered so far.
    pub fn get(&self) -> Vec<InputWarning> {
        self.0.lock().map(|g| g.clone()).unwrap_or_default()
    }
}

self_cell::self_cell!(
    /// The mapped bytes of an X12 file and the streaming reader that borrows them.
    struct X12Stream {
        owner: Arc<Bytes>,
        #[not_covariant]
        dependent: X12Reader,
    }
);

type X12Reader<'a> = x12::Reader<'a>;

/// X12 claims one at a time: a 1 GB file is never held as claims.
struct X12Claims {
    stream: X12Stream,
    file: Option<Arc<str>>,
    warnings: Warnings,
    finished: bool,
    /// Offset up to which pages were last released.
    released: usize,
}

impl Iterator for X12Claims {
    type Item = Pending;

    fn next(&mut self) -> Option<Pending> {
        if self.finished {
            return None;
        }
        let next = self
            .stream
            .with_dependent_mut(|_, r| r.next().map(|c| (c, x12::Reader::position(r))));
        if let Some((claim, at)) = next {
            if at > self.released + (32 << 20) {
                self.stream.borrow_owner().release_before(at);
                self.released = at;
            }
            return Some(Pending::Ready(claim));
        }
        self.finished = true;
        let (warnings, failure) = self.stream.with_dependent_mut(|_, r| match r.end() {
            Ok(w) => (w, None),
            Err(e) => (r.warnings().to_vec(), Some(e)),
        });
        self.warnings.extend(warnings);
        // A file with transaction sets but no 837 among them: one record says so.
        failure.map(|e| {
            Pending::Ready(Err(ClaimError {
                file: self.file.clone(),
                index: 0,
                claim_id: None,
                location: None,
                message: e.to_string(),
            }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats() {
        assert_eq!(detect(b"\xEF\xBB\xBFISA*00*"), Some(InputFormat::X12));
        assert_eq!(
            detect(b"{\"resourceType\":\"Claim\"}"),
            Some(InputFormat::Fhir)
        );
        assert_eq!(detect(b"[{\"id\":\"1\"}]"), Some(InputFormat::Json));
        assert_eq!(
            detect(b"{\"id\":\"1\"}\n{\"id\":\"2\"}\n"),
            Some(InputFormat::Ndjson)
        );
        assert_eq!(detect(b"{\n \"id\": \"1\"\n}\n"), Some(InputFormat::Json));
        assert_eq!(detect(b"\x00\x01garbage"), None);
    }
}
