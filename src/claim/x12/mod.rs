//! ANSI X12 837 reader: 005010X222A1 (professional) and 005010X223A2/A3 (institutional).
//!
//! The file is tokenized in place ([`tokenizer`]) and walked one segment at a time; only the
//! claim being built is held, so a 1 GB file is never a tree in memory. [`Reader`] yields one
//! `Result<Claim, ClaimError>` per `CLM`, in file order. Reading has two halves: the split
//! ([`Reader::next_item`]: envelopes, the 2000A–C loops, where each claim starts and ends) runs
//! in order, and each claim it locates carries the loops above it, so mapping it
//! ([`Located::map`]) can run on any thread; the runner maps claims in its pool.
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
mod pipe;
mod stream;
pub mod tokenizer;

use std::collections::VecDeque;
use std::sync::Arc;

use elements::{Built, Failed, Fault, check_count, id_str};
use map::{Split, Transaction, Unmapped};
use tokenizer::{IsaError, Resume, Segment, TokenError, Tokenizer};

use super::Claim;
use super::pending::{ClaimError, Head, InputWarning};

pub use pipe::stream_claims;
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

/// One claim of the file, in file order, as [`Reader::next_item`] gives it.
#[derive(Debug)]
pub enum Item {
    /// Failed while splitting: a claim of a refused transaction, or an error record.
    Failed(ClaimError),
    /// Located with the loops above it; [`Located::map`] builds it, on any thread.
    Located(Located),
}

/// A claim the sequential split located and numbered, to be mapped from the file's bytes.
#[derive(Debug)]
pub struct Located {
    claim: Box<Unmapped>,
    file: Option<Arc<str>>,
    index: usize,
    /// Offset in the file of the bytes the claim was located in (a stream's block).
    base: usize,
}

impl Located {
    /// Map the claim from the bytes the reader read (the same file): the claim, or its error
    /// record.
    #[expect(
        clippy::result_large_err,
        reason = "ClaimError is an output record, not a propagated error; it is built once per bad claim"
    )]
    pub fn map(self, bytes: &[u8]) -> Result<Claim, ClaimError> {
        let control = self.claim.control().clone();
        let built = self.claim.map(bytes, self.base);
        numbered(built, self.file, self.index, &control)
    }
}

/// A built claim with its file and index, or its failure as an error record.
#[expect(
    clippy::result_large_err,
    reason = "ClaimError is an output record, not a propagated error; it is built once per bad claim"
)]
fn numbered(
    built: Built,
    file: Option<Arc<str>>,
    index: usize,
    transaction: &Arc<str>,
) -> Result<Claim, ClaimError> {
    match built {
        Ok(mut claim) => {
            claim.source.file = file;
            claim.source.index = index;
            Ok(claim)
        }
        Err(f) => Err(record(f, file, index, transaction)),
    }
}

/// The error record of a claim that failed.
fn record(f: Failed, file: Option<Arc<str>>, index: usize, transaction: &Arc<str>) -> ClaimError {
    ClaimError {
        file,
        index,
        claim_id: f.claim_id,
        location: Some(f.fault.location(transaction)),
        message: f.fault.message,
        limit: f.fault.limit,
    }
}

/// Streaming 837 reader over a byte slice (a whole file, or one block of a stream after
/// another: [`Reader::suspend`], [`Reader::resume`]).
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    tokens: Tokenizer<'a>,
    /// Whether `bytes` run to the end of the file; a block of a stream does not.
    last: bool,
    st: State,
}

/// What a reader knows past the bytes it reads: envelopes, the transaction in progress,
/// claims numbered and queued, warnings. A stream's blocks hand it on.
#[derive(Debug, Default)]
pub struct State {
    file: Option<Arc<str>>,
    next_index: usize,
    out: VecDeque<Item>,
    built: Vec<Split>,
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
            bytes,
            tokens: Tokenizer::new(bytes),
            last: true,
            st: State {
                file,
                ..State::default()
            },
        })
    }

    /// A reader going on from `st` over the next block of a stream, which starts at `at`
    /// (from [`Reader::suspend`]); `last` when the block runs to the end of the input.
    pub fn resume(bytes: &'a [u8], at: Resume, st: State, last: bool) -> Reader<'a> {
        Reader {
            bytes,
            tokens: Tokenizer::resume(bytes, at),
            last,
            st,
        }
    }

    /// The end of a block that is not the input's last: close the claim in progress (the
    /// block was cut just before the `CLM`, `HL` or `SE` that ends it), so that
    /// [`Reader::next_item`] gives it while its bytes are still this block's. True when
    /// there was one.
    pub fn close_claim(&mut self) -> bool {
        if let Some(open) = &mut self.st.txn
            && let Some(t) = &mut open.txn
        {
            let before = self.st.built.len();
            t.finish(&mut self.st.built);
            let control = open.control.clone();
            let closed = self.st.built.len() > before;
            self.flush(&control);
            return closed;
        }
        false
    }

    /// Hand on where reading stopped and what the reader knows, for the next block
    /// ([`Reader::resume`]), once [`Reader::next_item`] has given every claim of this one.
    pub fn suspend(&mut self) -> (Resume, State) {
        (self.tokens.suspend(), std::mem::take(&mut self.st))
    }

    /// Byte offset the reader has reached.
    pub fn position(&self) -> usize {
        self.tokens.position()
    }

    /// Envelope warnings so far (control numbers, counts, skipped transaction sets).
    pub fn warnings(&self) -> &[InputWarning] {
        &self.st.warnings
    }

    /// Finish: the warnings, or an error when the file held transactions but no 837.
    pub fn finish(mut self) -> Result<Vec<InputWarning>, X12Error> {
        self.end()
    }

    /// [`Reader::finish`] for a reader that cannot be moved (it is owned with its bytes);
    /// takes the warnings out.
    pub fn end(&mut self) -> Result<Vec<InputWarning>, X12Error> {
        if self.st.claim_transactions == 0 && !self.st.other_transactions.is_empty() {
            let mut found = std::mem::take(&mut self.st.other_transactions);
            found.sort();
            found.dedup();
            let found = found.join(", ");
            return Err(X12Error::NotClaims { found });
        }
        Ok(std::mem::take(&mut self.st.warnings))
    }

    fn warn(
        &mut self,
        segment: u32,
        loop_id: &'static str,
        element: impl Into<std::borrow::Cow<'static, str>>,
        message: String,
    ) {
        let transaction = self
            .st
            .txn
            .as_ref()
            .map_or_else(|| Arc::from(""), |t| t.control.clone());
        self.st.warnings.push(InputWarning {
            file: self.st.file.clone(),
            location: Some(
                Fault::new(segment, loop_id, element, String::new()).location(&transaction),
            ),
            message,
        });
    }

    /// Move split claims to the output queue, numbering them.
    fn flush(&mut self, transaction: &Arc<str>) {
        for b in self.st.built.drain(..) {
            let index = self.st.next_index;
            self.st.next_index += 1;
            self.st.out.push_back(match b {
                Split::Failed(f) => {
                    Item::Failed(record(f, self.st.file.clone(), index, transaction))
                }
                Split::Located(claim) => Item::Located(Located {
                    claim,
                    file: self.st.file.clone(),
                    index,
                    base: self.tokens.base(),
                }),
            });
        }
    }

    /// One error record not tied to a claim.
    fn record(&mut self, fault: Fault, transaction: &Arc<str>) {
        self.st.built.push(Split::Failed(Failed {
            claim_id: None,
            fault,
        }));
        self.flush(transaction);
    }

    /// Something broke the file at `fault`: fail the claim in progress (or emit one record)
    /// and skip to the next ST or ISA.
    fn abort(&mut self, fault: Fault) {
        let open = self.st.txn.take();
        let control = open
            .as_ref()
            .map_or_else(|| Arc::from(""), |t| t.control.clone());
        let carried = match open.and_then(|t| t.txn) {
            Some(mut t) => t.abort(fault.clone(), &mut self.st.built),
            None => false,
        };
        if carried {
            self.flush(&control);
        } else {
            self.record(fault, &control);
        }
        self.st.skipping = true;
    }

    fn end_of_file(&mut self, at: u32) {
        if self.st.skipping {
            return;
        }
        if let Some(t) = &self.st.txn {
            let loop_id = t.txn.as_ref().map_or("header", Transaction::loop_id);
            self.abort(Fault::new(
                at,
                loop_id,
                "SE",
                "the file ends inside a transaction (no SE): it is truncated",
            ));
        } else if self.st.group.is_some() || self.st.interchange.is_some() {
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
        self.st.last_segment = seg.number;
        if !seg.id_is_valid() {
            if !self.st.skipping {
                self.abort(Fault::new(
                    seg.number,
                    self.st
                        .txn
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
        if self.st.skipping {
            if id != b"ST" && id != b"ISA" {
                return;
            }
            self.st.skipping = false;
        }
        match id {
            b"ISA" => self.isa(&seg),
            b"IEA" => self.iea(&seg),
            b"GS" => self.gs(&seg),
            b"GE" => self.ge(&seg),
            b"ST" => self.st(&seg),
            b"SE" => self.se(&seg),
            _ => {
                let in_txn = match &mut self.st.txn {
                    Some(open) => {
                        open.segments = open.segments.saturating_add(1);
                        if let Some(t) = &mut open.txn {
                            t.segment(&seg, &mut self.st.built);
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
                } else if !self.st.built.is_empty() {
                    let control = self
                        .st
                        .txn
                        .as_ref()
                        .map_or_else(|| Arc::from(""), |t| t.control.clone());
                    self.flush(&control);
                }
            }
        }
    }

    fn isa(&mut self, seg: &Segment) {
        if self.st.txn.is_some() {
            self.abort(Fault::new(
                seg.number,
                "envelope",
                "SE",
                "a new interchange starts inside a transaction (no SE): it is truncated",
            ));
            self.st.skipping = false;
        } else if self.st.interchange.is_some() {
            self.warn(
                seg.number,
                "envelope",
                "IEA",
                "a new interchange starts before IEA closed the previous one".into(),
            );
        }
        self.st.group = None;
        self.st.interchange = Some(Envelope {
            control: seg.text(13).to_string(),
            children: 0,
            version: seg.text(12).to_string(),
        });
    }

    fn iea(&mut self, seg: &Segment) {
        let Some(env) = self.st.interchange.take() else {
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
        if let Some(i) = &mut self.st.interchange {
            i.children = i.children.saturating_add(1);
        }
        self.st.group = Some(Envelope {
            control: seg.text(6).to_string(),
            children: 0,
            version: seg.text(8).to_string(),
        });
    }

    fn ge(&mut self, seg: &Segment) {
        let Some(env) = self.st.group.take() else {
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
        if self.st.txn.is_some() {
            self.abort(Fault::new(
                seg.number,
                "envelope",
                "SE",
                "a new transaction starts before SE closed the previous one: it is truncated",
            ));
            self.st.skipping = false;
        }
        if let Some(g) = &mut self.st.group {
            g.children = g.children.saturating_add(1);
        }
        let kind = seg.text(1).to_string();
        let control: Arc<str> = Arc::from(seg.text(2));
        let txn = if kind == "837" {
            self.st.claim_transactions += 1;
            let mut version = seg.text(3);
            if version.is_empty() {
                version = self.st.group.as_ref().map_or("", |g| g.version.as_str());
            }
            if version.is_empty() {
                version = self
                    .st
                    .interchange
                    .as_ref()
                    .map_or("", |i| i.version.as_str());
            }
            Some(Transaction::new(control.clone(), version))
        } else {
            self.st.other_transactions.push(transaction_id(&kind));
            None
        };
        self.st.txn = Some(OpenTransaction {
            kind,
            segments: 1,
            txn,
            control,
        });
        if let Some(open) = &self.st.txn
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
        let Some(mut open) = self.st.txn.take() else {
            self.warn(seg.number, "envelope", "SE", "SE without ST".into());
            return;
        };
        open.segments = open.segments.saturating_add(1);
        if let Some(t) = &mut open.txn {
            t.finish(&mut self.st.built);
        }
        self.flush(&open.control);
        let count = open.segments;
        let control = open.control.clone();
        self.st.txn = Some(open);
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
        self.st.txn = None;
    }
}

impl Reader<'_> {
    /// The next claim of the file, located but not yet mapped: the sequential part of
    /// reading (envelopes, loops above the claims, claim boundaries). The runner maps
    /// [`Item::Located`] claims in parallel; [`Reader`]'s iterator maps them in place.
    pub fn next_item(&mut self) -> Option<Item> {
        loop {
            if let Some(r) = self.st.out.pop_front() {
                return Some(r);
            }
            if self.st.done {
                return None;
            }
            match self.tokens.next() {
                Some(Ok(seg)) => self.segment(seg),
                Some(Err(TokenError::Unterminated { number })) => {
                    self.st.done = true;
                    self.end_of_file(number);
                }
                Some(Err(TokenError::Isa { number, error })) => {
                    self.st.done = true;
                    if !self.st.skipping {
                        self.abort(Fault::new(number, "envelope", "ISA", error.to_string()));
                    }
                }
                // A block of a stream ends: the next block goes on ([`Reader::suspend`]).
                None if !self.last => return None,
                None => {
                    self.st.done = true;
                    let at = self.st.last_segment;
                    self.end_of_file(at);
                }
            }
        }
    }
}

impl Iterator for Reader<'_> {
    type Item = Result<Claim, ClaimError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(match self.next_item()? {
            Item::Failed(e) => Err(e),
            Item::Located(c) => c.map(self.bytes),
        })
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
