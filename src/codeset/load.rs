//! Opening compiled files: mapped, owned or embedded bytes; the footer is checked (magic,
//! version, section bounds) before anything is read, and every later read is bounds-checked.

use std::ops::{Deref, Range};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;

use super::CodesetError;
use super::compile::{FORMAT_VERSION, MAGIC, TRAILER_LEN};

/// The bytes of one compiled file.
#[derive(Debug)]
pub(crate) enum Bytes {
    Static(&'static [u8]),
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Static(b) => b,
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

/// A section of a shared file, as the fst crate wants its storage.
#[derive(Debug, Clone)]
pub(crate) struct Slice {
    bytes: Arc<Bytes>,
    range: Range<usize>,
}

impl AsRef<[u8]> for Slice {
    fn as_ref(&self) -> &[u8] {
        self.bytes.get(self.range.clone()).unwrap_or(&[])
    }
}

/// A compiled file with its footer read.
#[derive(Debug, Clone)]
pub(crate) struct Container {
    pub path: String,
    bytes: Arc<Bytes>,
    sections: Vec<(u32, Range<usize>)>,
    pub meta: Vec<(String, String)>,
    pub rows: u64,
}

#[allow(
    unsafe_code,
    reason = "read-only mapping of a compiled code-set file; a file truncated underneath us is the one risk, as for every mmap reader"
)]
fn map(file: &std::fs::File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the map is read-only and private to this process.
    unsafe { memmap2::Mmap::map(file) }
}

/// Map a file (small files are read instead: mapping an empty file fails on some systems).
pub(crate) fn open(path: &Path) -> Result<Container, CodesetError> {
    let io = |source| CodesetError::Io {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let bytes = if len < 4096 {
        Bytes::Owned(std::fs::read(path).map_err(io)?)
    } else {
        Bytes::Mapped(map(&file).map_err(io)?)
    };
    Container::parse(path.display().to_string(), bytes)
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.buf.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn string(&mut self) -> Option<String> {
        let n = usize::try_from(self.u32()?).ok()?;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

impl Container {
    pub(crate) fn parse(path: String, bytes: Bytes) -> Result<Container, CodesetError> {
        let len = bytes.len();
        let corrupt = |what: &str| CodesetError::Corrupt {
            path: path.clone(),
            what: what.to_string(),
        };
        if len < TRAILER_LEN {
            return Err(CodesetError::Truncated { path, len });
        }
        let trailer = bytes.get(len - TRAILER_LEN..).unwrap_or(&[]);
        if trailer.get(8..) != Some(&MAGIC[..]) {
            return Err(CodesetError::BadMagic { path });
        }
        let word = |r: Range<usize>| {
            trailer
                .get(r)
                .and_then(|b| b.try_into().ok())
                .map(u32::from_le_bytes)
                .unwrap_or(0)
        };
        let version = word(4..8);
        if version != FORMAT_VERSION {
            return Err(CodesetError::Version {
                path,
                found: version,
                expected: FORMAT_VERSION,
            });
        }
        let flen = word(0..4) as usize;
        let Some(fstart) = (len - TRAILER_LEN).checked_sub(flen) else {
            return Err(CodesetError::Truncated { path, len });
        };
        let mut r = Reader {
            buf: bytes.get(fstart..len - TRAILER_LEN).unwrap_or(&[]),
            pos: 0,
        };
        let n = r
            .u32()
            .ok_or_else(|| corrupt("footer ends in the section table"))?;
        let mut sections = Vec::new();
        for _ in 0..n {
            let (Some(id), Some(off), Some(slen)) = (r.u32(), r.u64(), r.u64()) else {
                return Err(corrupt("footer ends in the section table"));
            };
            let end = off.checked_add(slen).filter(|e| *e <= fstart as u64);
            let Some(end) = end else {
                return Err(corrupt(&format!(
                    "section {id} at {off}+{slen} runs past the footer at {fstart}"
                )));
            };
            sections.push((id, off as usize..end as usize));
        }
        let n = r
            .u32()
            .ok_or_else(|| corrupt("footer ends in the metadata"))?;
        let mut meta = Vec::new();
        for _ in 0..n {
            let (Some(k), Some(v)) = (r.string(), r.string()) else {
                return Err(corrupt("footer ends in the metadata"));
            };
            meta.push((k, v));
        }
        let rows = r
            .u64()
            .ok_or_else(|| corrupt("footer lacks the row count"))?;
        if r.pos != r.buf.len() {
            return Err(corrupt("footer length does not match its contents"));
        }
        Ok(Container {
            path,
            bytes: Arc::new(bytes),
            sections,
            meta,
            rows,
        })
    }

    pub(crate) fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn kind(&self) -> &str {
        self.meta("kind").unwrap_or("")
    }

    pub(crate) fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    pub(crate) fn is_static(&self) -> bool {
        matches!(*self.bytes, Bytes::Static(_))
    }

    pub(crate) fn all(&self) -> &[u8] {
        &self.bytes
    }

    /// The byte range of a required section whose length is a multiple of `width`.
    pub(crate) fn section(&self, id: u32, width: usize) -> Result<Range<usize>, CodesetError> {
        let r = self
            .sections
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, r)| r.clone())
            .ok_or_else(|| CodesetError::Corrupt {
                path: self.path.clone(),
                what: format!("section {id} is missing"),
            })?;
        if width > 1 && r.len() % width != 0 {
            return Err(CodesetError::Corrupt {
                path: self.path.clone(),
                what: format!("section {id} is {} bytes, not rows of {width}", r.len()),
            });
        }
        Ok(r)
    }

    /// An fst map over a section; `verify` checks its checksum and reads it through once
    /// (files from disk).
    pub(crate) fn fst(&self, id: u32, verify: bool) -> Result<fst::Map<Slice>, CodesetError> {
        let range = self.section(id, 1)?;
        let slice = Slice {
            bytes: Arc::clone(&self.bytes),
            range,
        };
        let bad = |e: fst::Error| CodesetError::Corrupt {
            path: self.path.clone(),
            what: format!("fst section {id}: {e}"),
        };
        let raw = fst::raw::Fst::new(slice).map_err(bad)?;
        if verify {
            raw.verify().map_err(bad)?;
        }
        let map = fst::Map::from(raw);
        if verify && !reads_through(&map) {
            return Err(CodesetError::Corrupt {
                path: self.path.clone(),
                what: format!("fst section {id}: its nodes do not read back"),
            });
        }
        Ok(map)
    }
}

/// Does every node of `map` read back? The fst crate's checksum guards against accident,
/// not design: nodes a forged checksum lets through make its reads panic (found by
/// fuzzing), so a file from disk is read through once here, each node and transition
/// decoded as a lookup decodes them, the panic caught and the file refused, instead of
/// panicking in a lookup mid-run. Each node is read once (shared nodes are not walked
/// again), and a transition must lead to a node written before its own, as the fst builder
/// writes them, so a cycle is refused too: the walk is linear in the section's size.
fn reads_through(map: &fst::Map<Slice>) -> bool {
    let fst = map.as_fst();
    let read = catch_unwind(AssertUnwindSafe(|| {
        let mut seen = vec![0u64; fst.as_bytes().len() / 64 + 1];
        let mut todo = vec![fst.root().addr()];
        while let Some(addr) = todo.pop() {
            // Decoding the node reads its sizes, transition count and final output.
            let node = fst.node(addr);
            for t in node.transitions() {
                if t.addr >= addr {
                    return false;
                }
                let (word, bit) = (t.addr / 64, 1u64 << (t.addr % 64));
                let Some(w) = seen.get_mut(word) else {
                    return false;
                };
                if *w & bit == 0 {
                    *w |= bit;
                    todo.push(t.addr);
                }
            }
        }
        true
    }));
    read.unwrap_or(false)
}

/// Little-endian u32 `i` of `bytes` (0 when out of range: callers treat it as absent).
pub(crate) fn u32_at(bytes: &[u8], i: usize) -> u32 {
    i.checked_mul(4)
        .and_then(|s| bytes.get(s..s.checked_add(4)?))
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
        .unwrap_or(0)
}

/// A string in the blob by (offset, length); empty when out of range or not UTF-8.
pub(crate) fn str_at(blob: &[u8], off: u32, len: u32) -> &str {
    let (off, len) = (off as usize, len as usize);
    off.checked_add(len)
        .and_then(|end| blob.get(off..end))
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("")
}
