//! X12 claims from a stream (standard input, a FIFO): read in blocks, each cut just before a
//! `CLM`, `HL` or `SE`, where the claim in progress ends, so every claim lies in one block and
//! the reader goes on in the next block with the envelopes and loops it knows. Memory holds
//! the blocks whose claims are in flight, not the input.

use std::io::Read;
use std::sync::Arc;

use super::stream::X12Job;
use super::tokenizer::{Delimiters, read_isa};
use super::{Item, Reader};
use crate::claim::bytes::Bytes;
use crate::claim::pending::{ClaimError, Claims, Pending, Warnings};
use crate::claim::pipe::{MAX_DOCUMENT_BYTES, Stream};

/// Bytes read into a block before it is cut.
const BLOCK_BYTES: usize = 4 << 20;

/// Split the X12 stream `s` into claims as it is read.
pub fn stream_claims(
    s: Stream,
    file: Option<Arc<str>>,
    warnings: &Warnings,
) -> Result<Claims, String> {
    stream_in(s, BLOCK_BYTES, file, warnings)
}

/// [`stream_claims`] in blocks of about `block` bytes.
fn stream_in(
    s: Stream,
    block: usize,
    file: Option<Arc<str>>,
    warnings: &Warnings,
) -> Result<Claims, String> {
    let body = s.head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&s.head);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let isa = body.get(start.unwrap_or(body.len())..).unwrap_or_default();
    let (delimiters, _) = read_isa(isa).map_err(|e| e.to_string())?;
    let mut blocks = Blocks {
        src: s.rest,
        carry: s.head,
        ended: s.ended,
        delimiters,
        block,
    };
    let first = blocks.next_block().map_err(|e| e.to_string())?;
    let last = blocks.ended && blocks.carry.is_empty();
    let doc = Arc::new(Bytes::Owned(first));
    let mut reader = Block::try_new(doc, |d| {
        Reader::new(d, file.clone()).map(|mut r| {
            r.last = last;
            r
        })
    })
    .map_err(|e| e.to_string())?;
    let warnings = warnings.clone();
    let mut finished = last;
    let mut done = false;
    Ok(Box::new(std::iter::from_fn(move || {
        loop {
            if done {
                return None;
            }
            let next = reader.with_dependent_mut(|_, r| r.next_item());
            if let Some(item) = next {
                let doc = reader.borrow_owner();
                return Some(match item {
                    Item::Failed(e) => Pending::Ready(Err(e)),
                    Item::Located(claim) => Pending::Job(Box::new(X12Job {
                        doc: doc.clone(),
                        claim,
                    })),
                });
            }
            if finished {
                done = true;
                let (w, failure) = reader.with_dependent_mut(|_, r| match r.end() {
                    Ok(w) => (w, None),
                    Err(e) => (r.warnings().to_vec(), Some(e)),
                });
                warnings.extend(w);
                return failure.map(|e| {
                    Pending::Ready(Err(ClaimError {
                        file: file.clone(),
                        index: 0,
                        claim_id: None,
                        location: None,
                        message: e.to_string(),
                        limit: None,
                    }))
                });
            }
            // The block is read: its last claim ends here (the next block starts with the
            // segment that ends it), then reading goes on in the next with what it knows.
            if reader.with_dependent_mut(|_, r| r.close_claim()) {
                continue;
            }
            let (at, st) = reader.with_dependent_mut(|_, r| r.suspend());
            let (bytes, last) = match blocks.next_block() {
                Ok(b) => (b, blocks.ended && blocks.carry.is_empty()),
                Err(message) => {
                    done = true;
                    return Some(Pending::Ready(Err(ClaimError {
                        file: file.clone(),
                        index: st.next_index,
                        claim_id: None,
                        location: None,
                        message,
                        limit: None,
                    })));
                }
            };
            finished = last;
            reader = Block::new(Arc::new(Bytes::Owned(bytes)), |d| {
                Reader::resume(d, at, st, last)
            });
        }
    })))
}

self_cell::self_cell!(
    /// One block of a stream and the reader going through it.
    struct Block {
        owner: Arc<Bytes>,
        #[not_covariant]
        dependent: BlockReader,
    }
);

type BlockReader<'a> = Reader<'a>;

/// Blocks of an X12 stream, each ending just before a `CLM`, `HL` or `SE` segment.
struct Blocks {
    src: Box<dyn Read + Send>,
    /// Bytes read past the end of the last block.
    carry: Vec<u8>,
    ended: bool,
    /// The delimiters of the last `ISA` read.
    delimiters: Delimiters,
    /// About how many bytes a block holds.
    block: usize,
}

impl Blocks {
    /// The next block; the rest of the input when it ends. A claim (or the segments before
    /// the next claim boundary) longer than [`MAX_DOCUMENT_BYTES`] is an error.
    fn next_block(&mut self) -> Result<Vec<u8>, String> {
        let mut buf = std::mem::take(&mut self.carry);
        loop {
            if self.ended {
                return Ok(buf);
            }
            if buf.len() >= self.block {
                self.delimiters = last_isa(&buf).unwrap_or(self.delimiters);
                if let Some(cut) = cut(&buf, self.delimiters) {
                    self.carry = buf.split_off(cut);
                    return Ok(buf);
                }
                if buf.len() > MAX_DOCUMENT_BYTES {
                    return Err(format!(
                        "cannot read the rest of the stream: more than {MAX_DOCUMENT_BYTES} bytes without a claim boundary (CLM, HL or SE)"
                    ));
                }
            }
            let upto = buf.len() + self.block;
            let want = upto - buf.len();
            let got = (&mut self.src)
                .take(want as u64)
                .read_to_end(&mut buf)
                .map_err(|e| format!("cannot read the rest of the stream: {e}"))?;
            self.ended = got < want;
        }
    }
}

/// The delimiters of the last readable `ISA` in `buf`, if there is one.
fn last_isa(buf: &[u8]) -> Option<Delimiters> {
    let at = memchr::memmem::rfind(buf, b"ISA")?;
    read_isa(buf.get(at..)?).ok().map(|(d, _)| d)
}

/// Where to cut `buf`: at the start of the last `CLM`, `HL` or `SE` segment that a segment
/// terminator follows (so the next block starts with a whole segment that ends the claim in
/// progress).
fn cut(buf: &[u8], d: Delimiters) -> Option<usize> {
    let mut ends = memchr::memrchr_iter(d.segment, buf);
    let mut next_end = ends.next()?;
    for end in ends {
        let mut at = end + 1;
        while buf
            .get(at)
            .is_some_and(|b| b.is_ascii_whitespace() && *b != d.element)
        {
            at += 1;
        }
        let seg = buf.get(at..next_end).unwrap_or_default();
        let id_len = memchr::memchr(d.element, seg).unwrap_or(seg.len());
        if matches!(seg.get(..id_len), Some(b"CLM" | b"HL" | b"SE")) && id_len < seg.len() {
            return Some(at);
        }
        next_end = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` as a stream whose head is its first `head` bytes, read in blocks of `block`:
    /// every claim or error record (mapped), and the warnings; or the file's error.
    fn streamed(text: &[u8], head: usize, block: usize) -> Result<String, String> {
        let (head, rest) = text.split_at(head.min(text.len()));
        let s = Stream {
            head: head.to_vec(),
            rest: Box::new(std::io::Cursor::new(rest.to_vec())),
            ended: rest.is_empty(),
        };
        let warnings = Warnings::default();
        let claims: Vec<_> = stream_in(s, block, Some(Arc::from("f.edi")), &warnings)?
            .map(Pending::materialize)
            .collect();
        Ok(format!("{claims:?} {:?}", warnings.get()))
    }

    /// The same as [`streamed`] from the whole file, as a mapped file is read.
    fn whole(text: &[u8]) -> Result<String, String> {
        let doc = Arc::new(Bytes::Owned(text.to_vec()));
        let warnings = Warnings::default();
        let claims: Vec<_> = super::super::claims(doc, Some(Arc::from("f.edi")), &warnings)?
            .map(Pending::materialize)
            .collect();
        Ok(format!("{claims:?} {:?}", warnings.get()))
    }

    /// Equal, or a failure showing where they part (the texts are long).
    fn same(got: Result<String, String>, want: &Result<String, String>, what: &str) {
        let (g, w) = (format!("{got:?}"), format!("{want:?}"));
        if let Some(at) = g.bytes().zip(w.bytes()).position(|(a, b)| a != b) {
            let from = at.saturating_sub(300);
            panic!(
                "{what}: differs at {at}:\n got {}\nwant {}",
                g.get(from..at + 200).unwrap_or_default(),
                w.get(from..at + 200).unwrap_or_default()
            );
        }
        assert_eq!(g.len(), w.len(), "{what}");
    }

    #[test]
    fn a_stream_in_blocks_reads_as_the_whole_file() {
        let mut text = Vec::new();
        assert!(crate::synth::x12_837p(120, &mut text).is_ok());
        let expected = whole(&text);
        assert!(
            expected
                .as_ref()
                .is_ok_and(|t| t.matches("Ok(Claim").count() == 120)
        );
        for block in [200, 1000, 4096] {
            same(
                streamed(&text, 300, block),
                &expected,
                &format!("blocks of {block}"),
            );
        }
        // Envelope warnings and a truncated end come out the same too.
        let text = String::from_utf8_lossy(&text)
            .replacen("SE*", "SE*9", 3)
            .into_bytes();
        for cut in (text.len() - 400..text.len()).step_by(37) {
            let t = text.get(..cut).unwrap_or_default();
            same(streamed(t, 300, 700), &whole(t), &format!("cut at {cut}"));
        }
        // The sample files (several interchanges, 837I, other payers), in tiny blocks.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/x12");
        let files = std::fs::read_dir(&dir).into_iter().flatten().flatten();
        let mut read = 0;
        for f in files.filter(|f| f.path().extension().is_some_and(|e| e == "edi")) {
            let text = std::fs::read(f.path()).unwrap_or_default();
            let what = f.path().display().to_string();
            same(streamed(&text, 200, 150), &whole(&text), &what);
            read += 1;
        }
        assert!(read > 15, "{read} sample files");
    }

    const ISA: &str = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *231215*1200*^*00501*000000001*0*P*:~";

    #[test]
    fn cuts_before_the_last_whole_claim_boundary() {
        let d = read_isa(ISA.as_bytes()).map(|r| r.0).ok();
        let Some(d) = d else {
            panic!("the ISA reads");
        };
        let text = b"NM1*85~CLM*1*2~SV1*X~\nHL*3*2*22~NM1*IL~CLM*2";
        let at = cut(text, d);
        assert_eq!(at.and_then(|i| text.get(i..i + 3)), Some(&b"HL*"[..]));
        assert_eq!(cut(b"NM1*85~SV1*X~DTP*1~", d), None);
    }
}
