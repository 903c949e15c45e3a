//! ANSI X12 837 reader: 005010X222A1 (professional) and 005010X223A2/A3 (institutional).
//!
//! The file is tokenized in place ([`tokenizer`]) and walked one segment at a time; only the
//! claim being built is held, so a 1 GB file is never a tree in memory. [`Reader`] yields one
//! `Result<Claim, ClaimError>` per `CLM`, in file order.
//!
//! Decisions:
//! - **4010 is refused.** A transaction whose guide (ST03, else GS08) is `004010X098A1` or
//!   `004010X096A1` yields one error record per claim: 4010 was retired in 2012 and its
//!   positions differ (no `ABK`, no NPI-only providers); misreading it would be worse than
//!   saying so. Other 837 guides (dental X224) are refused the same way. ISA12 alone is not
//!   trusted, as real files get it wrong.
//! - **ICD-9 qualifiers** (`BK`, `BF`, `BR`…) are read like their ICD-10 twins and the
//!   qualifier is kept on the diagnosis or procedure, so a rule can flag them.
//! - **Envelope mismatches are warnings, not errors:** ISA13/IEA02, GS06/GE02, ST02/SE02
//!   control numbers and the SE01, GE01 and IEA01 counts. Claims are read regardless.
//! - **Truncation is an error:** the claim in progress when the file ends without `SE` fails;
//!   a file ending without `GE`/`IEA` after complete transactions yields one error record
//!   with no claim id, so the loss is visible in the summary.
//! - A segment whose id is not 2–3 letters or digits (binary data, wrong delimiters) fails
//!   the claim in progress (or yields one error record) and reading resumes at the next
//!   `ST` or `ISA`.
//! - Names and addresses are never read into the model (PHI); error messages name segments
//!   and elements, never values.

mod claim_level;
pub mod elements;
mod header;
mod line;
pub mod map;
mod stream;
pub mod tokenizer;

use std::collections::VecDeque;
use std::sync::Arc;

use elements::{Built, Failed, Fault, check_count, id_str};
use map::Transaction;
use tokenizer::{IsaError, Segment, TokenError, Tokenizer};

use super::Claim;
use super::pending::{ClaimError, Head, InputWarning};

pub use stream::claims;

/// An X12 interchange starts with its `ISA` segment.
pub fn detect(head: &Head<'_>) -> bool {
    head.head.starts_with(b"ISA")
}

/// A file that cannot be read as X12 at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum X12Error {
    /// The first `ISA` cannot be read, so no delimiters are known.
    #[error(transparent)]
    Isa(#[from] IsaError),
    /// The interchanges parse but no ST is an 837 (e.g. only 835 remittances or 270s).
    #[error("the file holds no 837 claim transaction (transaction sets found: {found})")]
    NotClaims {
        /// The ST01 transaction set ids that were found, each in backticks.
        found: String,
    },
}

/// Envelope state of an open interchange or functional group.
#[derive(Debug)]
struct Envelope {
    control: String,
    children: u32,
    version: String,
}

#[derive(Debug)]
struct OpenTransaction {
    kind: String,
    segments: u32,
    txn: Option<Transaction>,
    control: Arc<str>,
}

/// Streaming 837 reader over a byte slice.
#[derive(Debug)]
pub struct Reader<'a> {
    tokens: Tokenizer<'a>,
    file: Option<Arc<str>>,
    next_index: usize,
    out: VecDeque<Result<Claim, ClaimError>>,
    built: Vec<Built>,
    warnings: Vec<InputWarning>,
    interchange: Option<Envelope>,
    group: Option<Envelope>,
    txn: Option<OpenTransaction>,
    /// After a broken segment: ignore everything up to the next ST or ISA.
    skipping: bool,
    last_segment: u32,
    claim_transactions: usize,
    other_transactions: Vec<String>,
    done: bool,
}

impl<'a> Reader<'a> {
    /// Check the first ISA and prepare to read.
    pub fn new(bytes: &'a [u8], file: Option<Arc<str>>) -> Result<Reader<'a>, X12Error> {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let start = body
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(body.len());
        tokenizer::read_isa(body.get(start..).unwrap_or_default())?;
        Ok(Reader {
            tokens: Tokenizer::new(bytes),
            file,
            next_index: 0,
            out: VecDeque::new(),
            built: Vec::new(),
            warnings: Vec::new(),
            interchange: None,
            group: None,
            txn: None,
            skipping: false,
            last_segment: 0,
            claim_transactions: 0,
            other_transactions: Vec::new(),
            done: false,
        })
    }

    /// Byte offset the reader has reached.
    pub fn position(&self) -> usize {
        self.tokens.position()
    }

    /// Envelope warnings so far (control numbers, counts, skipped transaction sets).
    pub fn warnings(&self) -> &[InputWarning] {
        &self.warnings
    }

    /// Finish: the warnings, or an error when the file held transactions but no 837.
    pub fn finish(mut self) -> Result<Vec<InputWarning>, X12Error> {
        self.end()
    }

    /// [`Reader::finish`] for a reader that cannot be moved (it is owned with its bytes);
    /// takes the warnings out.
    pub fn end(&mut self) -> Result<Vec<InputWarning>, X12Error> {
        if self.claim_transactions == 0 && !self.other_transactions.is_empty() {
            let mut found = std::mem::take(&mut self.other_transactions);
            found.sort();
            found.dedup();
            let found = found.join(", ");
            return Err(X12Error::NotClaims { found });
        }
        Ok(std::mem::take(&mut self.warnings))
    }

    fn warn(
        &mut self,
        segment: u32,
        loop_id: &'static str,
        element: impl Into<std::borrow::Cow<'static, str>>,
        message: String,
    ) {
        let transaction = self
            .txn
            .as_ref()
            .map_or_else(|| Arc::from(""), |t| t.control.clone());
        self.warnings.push(InputWarning {
            file: self.file.clone(),
            location: Some(
                Fault::new(segment, loop_id, element, String::new()).location(&transaction),
            ),
            message,
        });
    }

    /// Move built claims to the output queue, numbering them.
    fn flush(&mut self, transaction: &Arc<str>) {
        for b in self.built.drain(..) {
            let index = self.next_index;
            self.next_index += 1;
            self.out.push_back(match b {
                Ok(mut claim) => {
                    claim.source.file = self.file.clone();
                    claim.source.index = index;
                    Ok(claim)
                }
                Err(f) => Err(ClaimError {
                    file: self.file.clone(),
                    index,
                    claim_id: f.claim_id,
                    location: Some(f.fault.location(transaction)),
                    message: f.fault.message,
                    limit: f.fault.limit,
                }),
            });
        }
    }

    /// One error record not tied to a claim.
    fn record(&mut self, fault: Fault, transaction: &Arc<str>) {
        self.built.push(Err(Failed {
            claim_id: None,
            fault,
        }));
        self.flush(transaction);
    }

    /// Something broke the file at `fault`: fail the claim in progress (or emit one record)
    /// and skip to the next ST or ISA.
    fn abort(&mut self, fault: Fault) {
        let open = self.txn.take();
        let control = open
            .as_ref()
            .map_or_else(|| Arc::from(""), |t| t.control.clone());
        let carried = match open.and_then(|t| t.txn) {
            Some(mut t) => t.abort(fault.clone(), &mut self.built),
            None => false,
        };
        if carried {
            self.flush(&control);
        } else {
            self.record(fault, &control);
        }
        self.skipping = true;
    }

    fn end_of_file(&mut self, at: u32) {
        if self.skipping {
            return;
        }
        if let Some(t) = &self.txn {
            let loop_id = t.txn.as_ref().map_or("header", Transaction::loop_id);
            self.abort(Fault::new(
                at,
                loop_id,
                "SE",
                "the file ends inside a transaction (no SE): it is truncated",
            ));
        } else if self.group.is_some() || self.interchange.is_some() {
            self.record(
                Fault::new(
                    at,
                    "envelope",
                    "IEA",
                    "the file ends before GE/IEA: it is truncated and claims after this point may be missing",
                ),
                &Arc::from(""),
            );
        }
    }

    fn segment(&mut self, seg: Segment<'a>) {
        self.last_segment = seg.number;
        if !seg.id_is_valid() {
            if !self.skipping {
                self.abort(Fault::new(
                    seg.number,
                    self.txn
                        .as_ref()
                        .and_then(|t| t.txn.as_ref())
                        .map_or("envelope", Transaction::loop_id),
                    "",
                    "not an X12 segment (binary data, or delimiters other than the ISA declares)",
                ));
            }
            return;
        }
        let id = seg.id();
        if self.skipping {
            if id != b"ST" && id != b"ISA" {
                return;
            }
            self.skipping = false;
        }
        match id {
            b"ISA" => self.isa(&seg),
            b"IEA" => self.iea(&seg),
            b"GS" => self.gs(&seg),
            b"GE" => self.ge(&seg),
            b"ST" => self.st(&seg),
            b"SE" => self.se(&seg),
            _ => {
                let in_txn = match &mut self.txn {
                    Some(open) => {
                        open.segments = open.segments.saturating_add(1);
                        if let Some(t) = &mut open.txn {
                            t.segment(&seg, &mut self.built);
                        }
                        true
                    }
                    None => false,
                };
                if !in_txn && id == b"CLM" {
                    // A claim that no ST/SE encloses has no transaction to read it in: it is
                    // counted as unreadable, not left to a warning.
                    self.record(
                        Fault::new(
                            seg.number,
                            "envelope",
                            "CLM",
                            "a claim (CLM) outside any transaction set (ST … SE): it cannot be read",
                        ),
                        &Arc::from(""),
                    );
                } else if !in_txn {
                    self.warn(
                        seg.number,
                        "envelope",
                        id_str(&seg).to_string(),
                        "segment outside a transaction set; ignored".into(),
                    );
                } else if !self.built.is_empty() {
                    let control = self
                        .txn
                        .as_ref()
                        .map_or_else(|| Arc::from(""), |t| t.control.clone());
                    self.flush(&control);
                }
            }
        }
    }

    fn isa(&mut self, seg: &Segment) {
        if self.txn.is_some() {
            self.abort(Fault::new(
                seg.number,
                "envelope",
                "SE",
                "a new interchange starts inside a transaction (no SE): it is truncated",
            ));
            self.skipping = false;
        } else if self.interchange.is_some() {
            self.warn(
                seg.number,
                "envelope",
                "IEA",
                "a new interchange starts before IEA closed the previous one".into(),
            );
        }
        self.group = None;
        self.interchange = Some(Envelope {
            control: seg.text(13).to_string(),
            children: 0,
            version: seg.text(12).to_string(),
        });
    }

    fn iea(&mut self, seg: &Segment) {
        let Some(env) = self.interchange.take() else {
            self.warn(seg.number, "envelope", "IEA", "IEA without ISA".into());
            return;
        };
        if seg.text(2) != env.control {
            self.warn(
                seg.number,
                "envelope",
                "IEA-02",
                "interchange control number does not match ISA13".into(),
            );
        }
        if seg.text(1).parse::<u32>().ok() != Some(env.children) {
            self.warn(
                seg.number,
                "envelope",
                "IEA-01",
                format!(
                    "IEA01 does not match the {} functional group(s) read",
                    env.children
                ),
            );
        }
    }

    fn gs(&mut self, seg: &Segment) {
        if let Some(i) = &mut self.interchange {
            i.children = i.children.saturating_add(1);
        }
        self.group = Some(Envelope {
            control: seg.text(6).to_string(),
            children: 0,
            version: seg.text(8).to_string(),
        });
    }

    fn ge(&mut self, seg: &Segment) {
        let Some(env) = self.group.take() else {
            self.warn(seg.number, "envelope", "GE", "GE without GS".into());
            return;
        };
        if seg.text(2) != env.control {
            self.warn(
                seg.number,
                "envelope",
                "GE-02",
                "group control number does not match GS06".into(),
            );
        }
        if seg.text(1).parse::<u32>().ok() != Some(env.children) {
            self.warn(
                seg.number,
                "envelope",
                "GE-01",
                format!(
                    "GE01 does not match the {} transaction set(s) read",
                    env.children
                ),
            );
        }
    }

    fn st(&mut self, seg: &Segment) {
        if self.txn.is_some() {
            self.abort(Fault::new(
                seg.number,
                "envelope",
                "SE",
                "a new transaction starts before SE closed the previous one: it is truncated",
            ));
            self.skipping = false;
        }
        if let Some(g) = &mut self.group {
            g.children = g.children.saturating_add(1);
        }
        let kind = seg.text(1).to_string();
        let control: Arc<str> = Arc::from(seg.text(2));
        let txn = if kind == "837" {
            self.claim_transactions += 1;
            let mut version = seg.text(3);
            if version.is_empty() {
                version = self.group.as_ref().map_or("", |g| g.version.as_str());
            }
            if version.is_empty() {
                version = self.interchange.as_ref().map_or("", |i| i.version.as_str());
            }
            Some(Transaction::new(control.clone(), version))
        } else {
            self.other_transactions.push(transaction_id(&kind));
            None
        };
        self.txn = Some(OpenTransaction {
            kind,
            segments: 1,
            txn,
            control,
        });
        if let Some(open) = &self.txn
            && open.txn.is_none()
        {
            let msg = format!(
                "transaction set {} is not an 837 claim; skipped",
                transaction_id(&open.kind)
            );
            self.warn(seg.number, "envelope", "ST-01", msg);
        }
    }

    fn se(&mut self, seg: &Segment) {
        let Some(mut open) = self.txn.take() else {
            self.warn(seg.number, "envelope", "SE", "SE without ST".into());
            return;
        };
        open.segments = open.segments.saturating_add(1);
        if let Some(t) = &mut open.txn {
            t.finish(&mut self.built);
        }
        self.flush(&open.control);
        let count = open.segments;
        let control = open.control.clone();
        self.txn = Some(open);
        if check_count(seg, "envelope").is_err() || seg.text(1).parse::<u32>().ok() != Some(count) {
            self.warn(
                seg.number,
                "envelope",
                "SE-01",
                format!("SE01 does not match the {count} segments of the transaction"),
            );
        }
        if seg.text(2) != &*control {
            self.warn(
                seg.number,
                "envelope",
                "SE-02",
                "transaction control number does not match ST02".into(),
            );
        }
        self.txn = None;
    }
}

impl Iterator for Reader<'_> {
    type Item = Result<Claim, ClaimError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(r) = self.out.pop_front() {
                return Some(r);
            }
            if self.done {
                return None;
            }
            match self.tokens.next() {
                Some(Ok(seg)) => self.segment(seg),
                Some(Err(TokenError::Unterminated { number })) => {
                    self.done = true;
                    self.end_of_file(number);
                }
                Some(Err(TokenError::Isa { number, error })) => {
                    self.done = true;
                    if !self.skipping {
                        self.abort(Fault::new(number, "envelope", "ISA", error.to_string()));
                    }
                }
                None => {
                    self.done = true;
                    let at = self.last_segment;
                    self.end_of_file(at);
                }
            }
        }
    }
}

/// Every claim of a file (or its error record) in order, and the file's warnings.
pub type ReadAll = (Vec<Result<Claim, ClaimError>>, Vec<InputWarning>);

/// Read a whole 837 file.
pub fn read_all(bytes: &[u8], file: Option<Arc<str>>) -> Result<ReadAll, X12Error> {
    let mut reader = Reader::new(bytes, file)?;
    let claims: Vec<_> = reader.by_ref().collect();
    let warnings = reader.finish()?;
    Ok((claims, warnings))
}

/// ST01 as a message may show it: a three-digit transaction set id (`270`, `835`…) in
/// backticks; other text is input and is not repeated.
fn transaction_id(st01: &str) -> String {
    if st01.len() == 3 && st01.bytes().all(|b| b.is_ascii_digit()) {
        format!("`{st01}`")
    } else {
        "(ST01 not a transaction set id)".to_string()
    }
}
