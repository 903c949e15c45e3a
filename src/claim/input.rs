//! Opening inputs: mmap files, detect the format by content, and split them into
//! [`Pending`] claims in input order. Parsing a pending claim is independent of the
//! others, so the runner does it in parallel.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

pub use super::bytes::Bytes;
pub use super::pending::{ClaimError, Claims, Head, InputWarning, Pending, Split, Warnings};
pub use super::pipe::Stream;
use super::{fhir, json, x12};

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

impl InputFormat {
    /// The format's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Json => "json",
            InputFormat::Ndjson => "ndjson",
            InputFormat::X12 => "x12",
            InputFormat::Fhir => "fhir",
        }
    }
}

/// An input split into pending claims, with its warnings.
pub struct Input {
    /// The input's claims in file order, produced lazily (see [`Pending`]).
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
    /// The file (or stdin) could not be opened, mapped or read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The input as named on the command line (`-` for stdin).
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// No reader recognised the start of the input and no `--input-format` was given.
    #[error("`{path}`: cannot tell the format (not X12, FHIR, JSON or NDJSON); use --input-format")]
    UnknownFormat {
        /// The input as named on the command line.
        path: String,
    },
    /// The path names a directory.
    #[error("`{path}` is a directory, not a claim file")]
    Directory {
        /// The input as named on the command line.
        path: String,
    },
    /// The input is empty or only white space.
    #[error("`{path}` is empty: it holds no claims")]
    Empty {
        /// The input as named on the command line.
        path: String,
    },
    /// The input is in a known format but a variant claimscrub does not read.
    #[error("`{path}`: {message}")]
    Unsupported {
        /// The input as named on the command line.
        path: String,
        /// What is not supported, naming no claim value.
        message: String,
    },
    /// A stream (standard input, a FIFO) in a format that is split whole (a JSON array, a
    /// FHIR bundle) is larger than [`MAX_DOCUMENT_BYTES`](super::pipe::MAX_DOCUMENT_BYTES).
    #[error(
        "`{path}` is a stream of more than {limit} bytes in a format read whole ({format}): \
         save it to a file (files are mapped, not held) or send NDJSON, which is streamed"
    )]
    TooLarge {
        /// The input as named on the command line.
        path: String,
        /// The format it was read as.
        format: &'static str,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The file is in the format but broken beyond reading (no ISA, unreadable delimiters).
    #[error("`{path}`: {message}")]
    Malformed {
        /// The input as named on the command line.
        path: String,
        /// The reader's reason, naming no claim value.
        message: String,
    },
}

/// An opened input: a file's bytes, mapped, or a stream that has no length to map.
pub enum Opened {
    /// A regular file (memory-mapped), or a stream that ended within its head.
    Whole(Arc<Bytes>),
    /// Standard input, a FIFO, `<(…)` or a device, read as it comes.
    Stream(Stream),
}

/// Open an input file (or `-` for stdin); files are memory-mapped, streams are not read
/// past their head.
pub fn open(path: &str) -> Result<Opened, InputError> {
    let io = |source| InputError::Io {
        path: path.to_string(),
        source,
    };
    let stream = |src: Box<dyn std::io::Read + Send>| {
        let s = Stream::open(src).map_err(io)?;
        Ok(if s.ended {
            Opened::Whole(Arc::new(Bytes::Owned(s.head)))
        } else {
            Opened::Stream(s)
        })
    };
    if path == "-" {
        return stream(Box::new(std::io::stdin()));
    }
    if Path::new(path).is_dir() {
        return Err(InputError::Directory {
            path: path.to_string(),
        });
    }
    let file = File::open(Path::new(path)).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        // A FIFO, `<(…)` or a device has no length to map: read it as a stream.
        return stream(Box::new(file));
    }
    if meta.len() == 0 {
        return Ok(Opened::Whole(Arc::new(Bytes::Owned(Vec::new()))));
    }
    Ok(Opened::Whole(Arc::new(Bytes::Mapped(
        map(&file).map_err(io)?,
    ))))
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

/// One format claimscrub reads: how to recognise it and how to split it into claims.
/// A new input format is one reader file and one row of [`READERS`].
struct Reader {
    format: InputFormat,
    /// Does the start of an input look like this format?
    detect: fn(&Head<'_>) -> bool,
    /// Split an input into pending claims; `Err` is a file broken beyond reading.
    split: Split,
}

/// Readers in detection order: the first whose `detect` accepts an input reads it.
const READERS: &[Reader] = &[
    Reader {
        format: InputFormat::X12,
        detect: x12::detect,
        split: x12::claims,
    },
    Reader {
        format: InputFormat::Fhir,
        detect: fhir::detect,
        split: fhir::claims,
    },
    Reader {
        format: InputFormat::Ndjson,
        detect: json::detect_ndjson,
        split: json::ndjson_claims,
    },
    Reader {
        format: InputFormat::Json,
        detect: json::detect_document,
        split: json::document_claims,
    },
];

/// Guess the format from the first bytes: `ISA` is X12, `resourceType` is FHIR, a line-per-object
/// file is NDJSON, anything else starting with `{` or `[` is our JSON.
pub fn detect(bytes: &[u8]) -> Option<InputFormat> {
    let head = Head::of(bytes)?;
    READERS.iter().find(|r| (r.detect)(&head)).map(|r| r.format)
}

/// Open `path`, detect (or take) its format and split it into pending claims.
/// Warnings are dropped; [`read_with_warnings`] keeps them.
pub fn read(path: &str, format: Option<InputFormat>) -> Result<Claims, InputError> {
    read_with_warnings(path, format).map(|i| i.pending)
}

/// Open `path`, detect (or take) its format and split it into pending claims and warnings.
pub fn read_with_warnings(path: &str, format: Option<InputFormat>) -> Result<Input, InputError> {
    let doc = match open(path)? {
        Opened::Whole(doc) => doc,
        Opened::Stream(s) => return read_stream(path, s, format),
    };
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

/// A stream's claims: NDJSON and X12 split as they are read; a JSON array or FHIR bundle
/// read whole, up to
/// [`MAX_DOCUMENT_BYTES`](super::pipe::MAX_DOCUMENT_BYTES). The format is detected from the
/// stream's head when absent.
fn read_stream(path: &str, s: Stream, format: Option<InputFormat>) -> Result<Input, InputError> {
    let format = match format {
        Some(f) => f,
        None => detect(&s.head).ok_or_else(|| InputError::UnknownFormat {
            path: path.to_string(),
        })?,
    };
    let file = Some(Arc::from(path));
    match format {
        InputFormat::Ndjson => {
            return Ok(Input {
                pending: s.ndjson(file),
                warnings: Warnings::default(),
            });
        }
        InputFormat::X12 => {
            let warnings = Warnings::default();
            let pending = x12::stream_claims(s, file, &warnings).map_err(|message| {
                InputError::Malformed {
                    path: path.to_string(),
                    message,
                }
            })?;
            return Ok(Input { pending, warnings });
        }
        InputFormat::Json | InputFormat::Fhir => {}
    }
    let whole = s.whole().map_err(|source| InputError::Io {
        path: path.to_string(),
        source,
    })?;
    let Some(bytes) = whole else {
        return Err(InputError::TooLarge {
            path: path.to_string(),
            format: format.name(),
            limit: super::pipe::MAX_DOCUMENT_BYTES,
        });
    };
    split(Arc::new(Bytes::Owned(bytes)), path, format)
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
    let warnings = Warnings::default();
    let reader = READERS.iter().find(|r| r.format == format);
    let pending = match reader {
        Some(r) => (r.split)(doc, file, &warnings),
        None => Err(format!("no reader for `{}`", format.name())),
    }
    .map_err(|message| InputError::Malformed {
        path: path.to_string(),
        message,
    })?;
    Ok(Input { pending, warnings })
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
