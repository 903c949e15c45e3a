//! X12 claims streamed from an input's bytes, one at a time, for the input dispatcher. The
//! split (envelopes, the loops above each claim, claim boundaries) runs here, in order; each
//! claim is handed on located, with its context, and mapped by the runner's workers.

use std::sync::Arc;

use super::{Item, Located, Reader};
use crate::claim::Claim;
use crate::claim::bytes::{Bytes, RELEASE_STEP};
use crate::claim::pending::{ClaimError, Claims, Job, Pending, Warnings};

/// Split an X12 file into claims lazily: a 1 GB file is never held as claims.
pub fn claims(
    doc: Arc<Bytes>,
    file: Option<Arc<str>>,
    warnings: &Warnings,
) -> Result<Claims, String> {
    Ok(Box::new(X12Claims {
        stream: X12Stream::try_new(doc, |d| Reader::new(d, file.clone()))
            .map_err(|e| e.to_string())?,
        file,
        warnings: warnings.clone(),
        finished: false,
        released: 0,
    }))
}

self_cell::self_cell!(
    /// The mapped bytes of an X12 file and the streaming reader that borrows them.
    struct X12Stream {
        owner: Arc<Bytes>,
        #[not_covariant]
        dependent: X12Reader,
    }
);

type X12Reader<'a> = Reader<'a>;

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
            .with_dependent_mut(|_, r| r.next_item().map(|c| (c, Reader::position(r))));
        if let Some((item, at)) = next {
            let doc = self.stream.borrow_owner();
            if at > self.released + RELEASE_STEP {
                doc.release_before(at);
                self.released = at;
            }
            return Some(match item {
                Item::Failed(e) => Pending::Ready(Err(e)),
                Item::Located(claim) => Pending::Job(Box::new(X12Job {
                    doc: doc.clone(),
                    claim,
                })),
            });
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
                limit: None,
            }))
        })
    }
}

/// One located X12 claim and the bytes (a file, or a stream's block) it is mapped from.
#[derive(Debug)]
pub(super) struct X12Job {
    pub(super) doc: Arc<Bytes>,
    pub(super) claim: Located,
}

impl Job for X12Job {
    fn run(self: Box<Self>) -> Result<Claim, ClaimError> {
        self.claim.map(&self.doc)
    }
}
