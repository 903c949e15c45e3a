//! The bytes of one input, memory-mapped or owned, which readers split claims from.

use std::ops::Deref;

/// Bytes of one input, mapped or owned (stdin, tests).
#[derive(Debug)]
pub enum Bytes {
    /// A memory-mapped input file, read in place and released as the reader moves on.
    Mapped(memmap2::Mmap),
    /// Bytes held in memory: stdin, in-memory inputs (rule tests), empty files.
    Owned(Vec<u8>),
}

impl Bytes {
    /// Tell the kernel the bytes before `upto` are done with, so a file of millions of claims
    /// does not stay resident. A hint only: touching the range again reads it back.
    pub fn release_before(&self, upto: usize) {
        /// Keep this much behind the reader: claims in flight in the thread pool sit there
        /// (a few chunks of claims: a few MiB; a page touched again is only read back).
        const MARGIN: usize = 16 << 20;
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

/// How far a reader moves between two [`Bytes::release_before`] calls: with the margin, the
/// mapped pages a run keeps resident stay under about 24 MiB whatever the file's size.
pub const RELEASE_STEP: usize = 8 << 20;

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}
