//! Inputs that cannot be mapped (standard input, a FIFO, `<(…)`): read as a stream so memory
//! does not grow with the input. NDJSON is split one block of whole lines at a time (X12 one
//! block of claims at a time, in the X12 reader); formats that are one document (a JSON
//! array, a FHIR bundle) are read whole, up to [`MAX_DOCUMENT_BYTES`].

use std::io::{self, Read};
use std::sync::Arc;

use super::bytes::Bytes;
use super::json::NdjsonSplit;
use super::limits;
use super::pending::{ClaimError, Claims, Pending};

/// Bytes of a streamed input read whole: a JSON array or a FHIR bundle on a pipe is held in
/// memory to be split, so it is refused past this size (a file on disk is mapped instead,
/// whatever its size; NDJSON and X12 on a pipe are streamed). Also the most an X12 stream may
/// hold between two claim boundaries.
pub const MAX_DOCUMENT_BYTES: usize = 256 << 20;

/// Bytes read before the format is detected: enough for every reader's `detect`.
const HEAD_BYTES: usize = 64 << 10;

/// Bytes of NDJSON lines split at once: the claims of one block are in flight together.
const BLOCK_BYTES: usize = 4 << 20;

/// A stream's start and the rest of it.
pub struct Stream {
    /// The first bytes (up to 64 KiB), whole lines or not.
    pub head: Vec<u8>,
    /// The bytes after `head`.
    pub rest: Box<dyn Read + Send>,
    /// Whether `head` is the whole input.
    pub ended: bool,
}

impl Stream {
    /// Read the head of `src`.
    pub fn open(mut src: Box<dyn Read + Send>) -> io::Result<Stream> {
        let mut head = Vec::with_capacity(HEAD_BYTES);
        let ended = fill(&mut src, &mut head, HEAD_BYTES)?;
        Ok(Stream {
            head,
            rest: src,
            ended,
        })
    }

    /// The whole input, refused past [`MAX_DOCUMENT_BYTES`]: `Ok(None)` when it is larger.
    pub fn whole(self) -> io::Result<Option<Vec<u8>>> {
        self.whole_upto(MAX_DOCUMENT_BYTES)
    }

    /// The whole input if it has at most `max` bytes.
    fn whole_upto(mut self, max: usize) -> io::Result<Option<Vec<u8>>> {
        let mut all = self.head;
        let ended = self.ended || fill(&mut self.rest, &mut all, max.saturating_add(1))?;
        Ok((ended && all.len() <= max).then_some(all))
    }

    /// NDJSON claims, split one block of whole lines at a time.
    pub fn ndjson(self, file: Option<Arc<str>>) -> Claims {
        self.ndjson_in(BLOCK_BYTES, file)
    }

    /// NDJSON claims, split in blocks of about `block` bytes.
    fn ndjson_in(self, block: usize, file: Option<Arc<str>>) -> Claims {
        let mut blocks = Blocks {
            src: self.rest,
            carry: self.head,
            ended: self.ended,
            block,
        };
        let mut split: Option<NdjsonSplit> = None;
        let mut failed = false;
        Box::new(std::iter::from_fn(move || {
            loop {
                if let Some(s) = &mut split
                    && let Some(p) = s.next()
                {
                    return Some(p);
                }
                if failed {
                    return None;
                }
                let (lines, claims) = split.as_ref().map_or((0, 0), |s| (s.lines(), s.claims()));
                match blocks.next_block() {
                    Ok(Some(block)) => {
                        let doc = Arc::new(Bytes::Owned(block));
                        split = Some(NdjsonSplit::new(doc, file.clone(), lines, claims));
                    }
                    Ok(None) => return None,
                    Err(e) => {
                        // The claims read so far stand; the loss is one record, naming no value.
                        failed = true;
                        return Some(Pending::Ready(Err(ClaimError {
                            file: file.clone(),
                            index: claims,
                            claim_id: None,
                            location: None,
                            message: format!(
                                "cannot read the rest of the input after line {lines}: {e}"
                            ),
                            limit: None,
                        })));
                    }
                }
            }
        }))
    }
}

/// Read from `src` into `buf` until it holds `upto` bytes or the input ends; true when it
/// ended.
fn fill(src: &mut dyn Read, buf: &mut Vec<u8>, upto: usize) -> io::Result<bool> {
    let want = upto.saturating_sub(buf.len());
    let got = src.take(want as u64).read_to_end(buf)?;
    Ok(got < want)
}

/// Blocks of whole lines from a stream.
struct Blocks {
    src: Box<dyn Read + Send>,
    /// Bytes read past the end of the last block: the start of a line.
    carry: Vec<u8>,
    ended: bool,
    /// About how many bytes a block holds ([`BLOCK_BYTES`]).
    block: usize,
}

impl Blocks {
    /// The next block: about `block` bytes of whole lines, ending with a newline except
    /// at the end of input. A line longer than a claim may be is cut to one byte over
    /// [`limits::MAX_CLAIM_BYTES`] (its claim is refused for its size, as from a file) and
    /// the rest of it is read past, not held.
    fn next_block(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut buf = std::mem::take(&mut self.carry);
        loop {
            let last = memchr::memrchr(b'\n', &buf);
            if let Some(nl) = last
                && (buf.len() >= self.block || self.ended)
            {
                self.carry = buf.split_off(nl + 1);
                return Ok(Some(buf));
            }
            if self.ended {
                return Ok((!buf.is_empty()).then_some(buf));
            }
            let line_start = last.map_or(0, |nl| nl + 1);
            if buf.len() - line_start > limits::MAX_CLAIM_BYTES {
                buf.truncate(line_start + limits::MAX_CLAIM_BYTES + 1);
                self.skip_line()?;
                buf.push(b'\n');
                return Ok(Some(buf));
            }
            let upto = buf.len() + self.block;
            self.ended = fill(&mut self.src, &mut buf, upto)?;
        }
    }

    /// Read past the rest of the current line, keeping what follows its newline.
    fn skip_line(&mut self) -> io::Result<()> {
        let mut chunk = Vec::with_capacity(64 << 10);
        loop {
            chunk.clear();
            self.ended = fill(&mut self.src, &mut chunk, 64 << 10)?;
            if let Some(nl) = memchr::memchr(b'\n', &chunk) {
                self.carry = chunk.split_off(nl + 1);
                return Ok(());
            }
            if self.ended {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCK: usize = 4096;

    /// The claims of `text` read as a stream in blocks of 4 KiB.
    fn claims(text: Vec<u8>) -> Vec<Result<super::super::Claim, ClaimError>> {
        let stream = Stream::open(Box::new(io::Cursor::new(text)));
        match stream {
            Ok(s) => s.ndjson_in(BLOCK, None).map(Pending::materialize).collect(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn blocks_number_lines_and_claims_across_their_edges() {
        // Past the head and over many blocks, with blank lines, a broken line and no final
        // newline.
        let mut text = Vec::new();
        let n = 2 * HEAD_BYTES / 36;
        for i in 0..n {
            match i % 300 {
                7 => text.extend_from_slice(b"\n"),
                8 => text.extend_from_slice(b"{\"id\":\n"),
                _ => text.extend_from_slice(format!("{{\"id\":\"C{i:>24}\"}}\n").as_bytes()),
            }
        }
        text.extend_from_slice(b"{\"id\":\"last\"}");
        let all = claims(text.clone());
        let doc = Arc::new(Bytes::Owned(text));
        let whole: Vec<_> = super::super::json::split_ndjson(doc, None)
            .map(Pending::materialize)
            .collect();
        assert_eq!(all.len(), whole.len());
        assert_eq!(format!("{all:?}"), format!("{whole:?}"));
        let last = all.last().and_then(|r| r.as_ref().ok());
        assert_eq!(last.map(|c| c.source.line), Some(u32::try_from(n + 1).ok()));
    }

    #[test]
    fn an_endless_line_is_refused_by_size_without_being_held() {
        let mut text = b"{\"id\":\"A\"}\n{\"id\":\"".to_vec();
        text.resize(text.len() + 3 * limits::MAX_CLAIM_BYTES, b'x');
        text.extend_from_slice(b"\"}\n{\"id\":\"B\"}\n");
        let all = claims(text);
        assert_eq!(all.len(), 3);
        let e = all.get(1).and_then(|r| r.as_ref().err());
        assert_eq!(e.and_then(|e| e.limit), Some(limits::Limit::ClaimSize));
        let b = all.get(2).and_then(|r| r.as_ref().ok());
        assert_eq!(
            b.map(|c| (c.id.as_str(), c.source.line)),
            Some(("B", Some(3)))
        );
    }

    #[test]
    fn a_document_past_the_limit_is_refused() {
        let max = 2 * HEAD_BYTES;
        let open = |n: usize| Stream::open(Box::new(io::repeat(b' ').take(n as u64)));
        assert!(matches!(
            open(max + 1).and_then(|s| s.whole_upto(max)),
            Ok(None)
        ));
        let at = open(max).and_then(|s| s.whole_upto(max)).ok().flatten();
        assert_eq!(at.map(|v| v.len()), Some(max));
        let small = Stream::open(Box::new(io::Cursor::new(b"[]".to_vec())));
        assert_eq!(
            small.and_then(Stream::whole).ok().flatten(),
            Some(b"[]".to_vec())
        );
    }
}
