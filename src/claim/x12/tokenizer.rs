//! Splits X12 bytes into segments without allocating: every [`Segment`] borrows the input.
//!
//! Delimiters come from each `ISA`: the element separator is byte 3, ISA16 (the component
//! separator) follows the 16th element separator and the segment terminator follows ISA16.
//! An ISA that is not fixed width (short sender ids) is read the same way. A byte-order mark,
//! white space between segments and CR/LF after terminators are skipped.

use memchr::memchr;

/// The separators one interchange declares in its ISA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiters {
    /// Element separator: the byte after `ISA` (usually `*`).
    pub element: u8,
    /// Component separator inside composites such as SV101 and HI01 (ISA16, usually `:`).
    pub component: u8,
    /// ISA11 in 5010; `None` when it is a letter or digit (4010's `U`).
    pub repetition: Option<u8>,
    /// Segment terminator: the byte after ISA16 (usually `~`).
    pub segment: u8,
}

/// Why the ISA at the start of an interchange cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IsaError {
    /// The bytes do not start with `ISA`.
    #[error("the file does not start with an `ISA` segment")]
    Missing,
    /// ISA16 and the terminator are not found: fewer than 16 element separators in 512 bytes.
    #[error("the ISA segment is too short: ISA16 and the segment terminator cannot be found")]
    TooShort,
    /// 16 element separators are not within the first 512 bytes though the file goes on: the
    /// ISA is longer than its fixed 106 characters (padded or extra elements).
    #[error(
        "the ISA segment is longer than its fixed 106 characters: ISA16 and the segment terminator are not within its first 512 bytes"
    )]
    TooLong,
    /// The segments after the ISA do not end with the terminator the ISA declares.
    #[error(
        "the ISA declares {declared} as the segment terminator, but the segments after it end with {used}"
    )]
    Terminator {
        /// The terminator the ISA declares (a character's name).
        declared: String,
        /// What the following segments end with instead.
        used: String,
    },
    /// Separators that clash with each other or are letters or digits.
    #[error(
        "the ISA delimiters are unreadable: element, component and segment separators must be distinct and not letters or digits"
    )]
    Delimiters,
}

/// Read the delimiters of the ISA at the start of `bytes`; returns them and the length of the
/// ISA segment including its terminator.
pub fn read_isa(bytes: &[u8]) -> Result<(Delimiters, usize), IsaError> {
    if !bytes.starts_with(b"ISA") {
        return Err(IsaError::Missing);
    }
    let element = *bytes.get(3).ok_or(IsaError::TooShort)?;
    if element.is_ascii_alphanumeric() || element.is_ascii_whitespace() {
        return Err(IsaError::Delimiters);
    }
    // 16 separators; the real ISA is 106 bytes, allow generous slack for padded ids.
    let window = bytes.get(..bytes.len().min(512)).unwrap_or(bytes);
    let too_short = || {
        if bytes.len() > 512 {
            IsaError::TooLong
        } else {
            IsaError::TooShort
        }
    };
    let sixteenth = memchr::memchr_iter(element, window)
        .nth(15)
        .ok_or_else(too_short)?;
    let component = *bytes.get(sixteenth + 1).ok_or(IsaError::TooShort)?;
    let segment = *bytes.get(sixteenth + 2).ok_or(IsaError::TooShort)?;
    let isa11_start = memchr::memchr_iter(element, window)
        .nth(10)
        .ok_or(IsaError::TooShort)?;
    let repetition = bytes
        .get(isa11_start + 1)
        .copied()
        .filter(|b| !b.is_ascii_alphanumeric() && *b != element);
    let distinct = component != element && segment != element && segment != component;
    if !distinct || component.is_ascii_alphanumeric() || segment.is_ascii_alphanumeric() {
        return Err(IsaError::Delimiters);
    }
    check_terminator(bytes, sixteenth + 3, element, segment)?;
    Ok((
        Delimiters {
            element,
            component,
            repetition,
            segment,
        },
        sixteenth + 3,
    ))
}

/// The GS segment after the ISA must end with the ISA's terminator: if it does not but ends
/// with another character before the next segment id, say so (rather than "truncated").
fn check_terminator(
    bytes: &[u8],
    isa_end: usize,
    element: u8,
    segment: u8,
) -> Result<(), IsaError> {
    let rest = bytes.get(isa_end..).unwrap_or_default();
    let body = rest
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    let rest = rest.get(body..).unwrap_or_default();
    if !(rest.starts_with(b"GS") && rest.get(2) == Some(&element)) {
        return Ok(());
    }
    // The GS is short: its end is within the first 256 bytes.
    let gs = rest.get(..rest.len().min(256)).unwrap_or(rest);
    if memchr::memchr(segment, gs).is_some() {
        return Ok(());
    }
    let next = gs
        .windows(3)
        .position(|w| w.get(..2) == Some(b"ST") && w.get(2) == Some(&element));
    let Some(at) = next else {
        return Ok(());
    };
    // The terminator is the last byte before the next segment id, past any line breaks
    // written after it; a line break itself when the segment ends in a letter or digit.
    let before = gs.get(..at).unwrap_or_default();
    let last = before
        .iter()
        .rev()
        .find(|b| !b.is_ascii_whitespace())
        .copied();
    let used = match last {
        Some(b) if !b.is_ascii_alphanumeric() && b != element => Some(b),
        _ => before
            .iter()
            .rev()
            .find(|b| matches!(b, b'\n' | b'\r'))
            .copied(),
    };
    match used {
        Some(u) if !u.is_ascii_alphanumeric() && u != element => Err(IsaError::Terminator {
            declared: byte_name(segment),
            used: byte_name(u),
        }),
        _ => Ok(()),
    }
}

/// A delimiter as a message names it.
fn byte_name(b: u8) -> String {
    match b {
        b'\n' => "a line feed".to_string(),
        b'\r' => "a carriage return".to_string(),
        b'\t' => "a tab".to_string(),
        b' ' => "a space".to_string(),
        b if b.is_ascii_graphic() => format!("`{}`", b as char),
        b => format!("byte 0x{b:02X}"),
    }
}

/// Component separators senders use in place of the declared one, in the order tried.
const COMMON_COMPONENT: [u8; 3] = [b':', b'>', b'^'];

/// One segment, borrowed from the input, without its terminator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    raw: &'a [u8],
    /// 1-based position of the segment in the file.
    pub number: u32,
    /// Byte offset of the segment's first byte in the file.
    pub offset: usize,
    /// The separators of the interchange the segment is in.
    pub delimiters: Delimiters,
}

/// Where a segment sits in its file, without borrowing it: what a claim located by the
/// sequential split keeps of each of its segments until a worker maps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentRef {
    offset: usize,
    len: usize,
    number: u32,
}

impl SegmentRef {
    /// The segment again, from the same bytes (which start at byte `base` of the file) and
    /// its interchange's delimiters.
    pub fn segment<'a>(
        &self,
        bytes: &'a [u8],
        base: usize,
        delimiters: Delimiters,
    ) -> Option<Segment<'a>> {
        let at = self.offset.checked_sub(base)?;
        Some(Segment {
            raw: bytes.get(at..at.checked_add(self.len)?)?,
            number: self.number,
            offset: self.offset,
            delimiters,
        })
    }

    /// The segment's 1-based number in the file.
    pub fn number(&self) -> u32 {
        self.number
    }
}

impl<'a> Segment<'a> {
    /// Where the segment is, to find it again in the same bytes ([`SegmentRef::segment`]).
    pub fn locate(&self) -> SegmentRef {
        SegmentRef {
            offset: self.offset,
            len: self.raw.len(),
            number: self.number,
        }
    }

    /// The segment id (`CLM`, `SV1`).
    pub fn id(&self) -> &'a [u8] {
        let end = memchr(self.delimiters.element, self.raw).unwrap_or(self.raw.len());
        self.raw.get(..end).unwrap_or_default()
    }

    /// True when the id is 2 or 3 uppercase letters or digits, starting with a letter.
    pub fn id_is_valid(&self) -> bool {
        let id = self.id();
        (2..=3).contains(&id.len())
            && id.first().is_some_and(u8::is_ascii_uppercase)
            && id
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    }

    /// Element `n` (1-based, as `CLM01`), empty when absent.
    pub fn element(&self, n: usize) -> &'a [u8] {
        // One pass to the element's end, not a split that builds every element before it.
        let sep = self.delimiters.element;
        let mut start = 0;
        let mut seen = 0;
        for (i, b) in self.raw.iter().enumerate() {
            if *b == sep {
                if seen == n {
                    return self.raw.get(start..i).unwrap_or_default();
                }
                seen += 1;
                start = i + 1;
            }
        }
        if seen == n {
            self.raw.get(start..).unwrap_or_default()
        } else {
            &[]
        }
    }

    /// Element `n` as text; X12 basic and extended character sets are ASCII, anything else
    /// reads as empty.
    pub fn text(&self, n: usize) -> &'a str {
        std::str::from_utf8(self.element(n))
            .map(str::trim)
            .unwrap_or_default()
    }

    /// The number (1-based, as `NM103`) of the first element longer than `max` bytes.
    pub fn element_over(&self, max: usize) -> Option<usize> {
        if self.raw.len() <= max {
            return None;
        }
        self.raw
            .split(|b| *b == self.delimiters.element)
            .position(|e| e.len() > max)
    }

    /// Number of data elements after the id, trailing empty ones included.
    pub fn element_count(&self) -> usize {
        memchr::memchr_iter(self.delimiters.element, self.raw).count()
    }

    /// Component `m` (1-based) of composite element `n`. A composite that lacks the declared
    /// component separator but holds another common one (`>` where ISA16 says `:`) is split
    /// on that instead, as real senders get ISA16 wrong.
    pub fn component(&self, n: usize, m: usize) -> &'a str {
        let el = self.element(n);
        let sep = self.component_separator(el);
        std::str::from_utf8(
            el.split(|b| *b == sep)
                .nth(m.saturating_sub(1))
                .unwrap_or_default(),
        )
        .map(str::trim)
        .unwrap_or_default()
    }

    /// All components of element `n`.
    pub fn components(&self, n: usize) -> impl Iterator<Item = &'a str> + use<'a> {
        let el = self.element(n);
        let sep = self.component_separator(el);
        el.split(move |b| *b == sep)
            .map(|c| std::str::from_utf8(c).map(str::trim).unwrap_or_default())
    }

    fn component_separator(&self, el: &[u8]) -> u8 {
        let declared = self.delimiters.component;
        // One pass over the (short) element for the declared separator and the usual ones.
        let mut seen = [false; 3];
        for b in el {
            if *b == declared {
                return declared;
            }
            if let Some(i) = COMMON_COMPONENT.iter().position(|c| c == b)
                && let Some(s) = seen.get_mut(i)
            {
                *s = true;
            }
        }
        COMMON_COMPONENT
            .iter()
            .zip(seen)
            .find(|(c, seen)| *seen && **c != self.delimiters.element)
            .map_or(declared, |(c, _)| *c)
    }
}

/// What can go wrong while splitting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// An `ISA` after the first one cannot be read; nothing after it can be split.
    Isa {
        /// Segment number of the unreadable `ISA`.
        number: u32,
        /// Why its delimiters cannot be read.
        error: IsaError,
    },
    /// Bytes at the end of the file with no segment terminator: the file is truncated.
    Unterminated {
        /// Segment number of the unterminated bytes.
        number: u32,
    },
}

/// Iterator over the segments of a whole file (or of one block of it, read from a stream),
/// switching delimiters at every `ISA`.
#[derive(Debug, Clone)]
pub struct Tokenizer<'a> {
    bytes: &'a [u8],
    /// Offset of `bytes` in the file: segment offsets are the file's.
    base: usize,
    pos: usize,
    number: u32,
    delimiters: Option<Delimiters>,
    done: bool,
}

/// Where a tokenizer stopped at the end of a block, to go on in the next block.
#[derive(Debug, Clone, Copy, Default)]
pub struct Resume {
    /// Offset in the file of the next block's first byte.
    pub base: usize,
    /// Segments read so far.
    pub number: u32,
    /// The delimiters of the interchange in progress.
    pub delimiters: Option<Delimiters>,
}

impl<'a> Tokenizer<'a> {
    /// A tokenizer over `bytes`, skipping a UTF-8 byte-order mark.
    pub fn new(bytes: &'a [u8]) -> Self {
        let pos = if bytes.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        Tokenizer {
            bytes,
            base: 0,
            pos,
            number: 0,
            delimiters: None,
            done: false,
        }
    }

    /// A tokenizer over the block of the file after the one `at` was taken from.
    pub fn resume(bytes: &'a [u8], at: Resume) -> Self {
        Tokenizer {
            bytes,
            base: at.base,
            pos: 0,
            number: at.number,
            delimiters: at.delimiters,
            done: false,
        }
    }

    /// Where the next block goes on, once this one is read to its end.
    pub fn suspend(&self) -> Resume {
        Resume {
            base: self.base + self.bytes.len(),
            number: self.number,
            delimiters: self.delimiters,
        }
    }

    /// Byte offset of the next segment in the bytes given.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Offset in the file of the bytes given: 0, or a block's start.
    pub fn base(&self) -> usize {
        self.base
    }

    fn skip_space(&mut self) {
        let element = self.delimiters.map(|d| d.element);
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0B | 0x0C) && Some(b) != element {
                self.pos += 1;
            } else {
                break;
            }
        }
    }
}

impl<'a> Iterator for Tokenizer<'a> {
    type Item = Result<Segment<'a>, TokenError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.skip_space();
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        if rest.is_empty() {
            self.done = true;
            return None;
        }
        self.number = self.number.saturating_add(1);
        let number = self.number;
        let offset = self.base + self.pos;
        if rest.starts_with(b"ISA") && rest.get(3).is_some_and(|b| !b.is_ascii_alphanumeric()) {
            match read_isa(rest) {
                Ok((d, len)) => {
                    self.delimiters = Some(d);
                    self.pos += len;
                    let raw = rest.get(..len.saturating_sub(1)).unwrap_or_default();
                    return Some(Ok(Segment {
                        raw,
                        number,
                        offset,
                        delimiters: d,
                    }));
                }
                Err(error) => {
                    self.done = true;
                    return Some(Err(TokenError::Isa { number, error }));
                }
            }
        }
        let Some(d) = self.delimiters else {
            self.done = true;
            return Some(Err(TokenError::Isa {
                number,
                error: IsaError::Missing,
            }));
        };
        match memchr(d.segment, rest) {
            Some(end) => {
                self.pos += end + 1;
                let mut raw = rest.get(..end).unwrap_or_default();
                while let Some((last, head)) = raw.split_last() {
                    if matches!(last, b'\r' | b'\n') {
                        raw = head;
                    } else {
                        break;
                    }
                }
                Some(Ok(Segment {
                    raw,
                    number,
                    offset,
                    delimiters: d,
                }))
            }
            None => {
                self.done = true;
                Some(Err(TokenError::Unterminated { number }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_know_their_byte_offset() {
        let isa = "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~";
        let file = format!("{isa}\nGS*HC~\r\n  ST*837*0001~SE*2*0001~");
        let offsets: Vec<(u32, usize)> = Tokenizer::new(file.as_bytes())
            .filter_map(Result::ok)
            .map(|s| (s.number, s.offset))
            .collect();
        let at = |needle: &str| file.find(needle).unwrap_or(usize::MAX);
        assert_eq!(
            offsets,
            [(1, 0), (2, at("GS*")), (3, at("ST*")), (4, at("SE*"))]
        );
    }

    const ISA: &str = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *231215*1200*^*00501*000000001*0*P*:~";

    #[test]
    fn reads_fixed_and_short_isa() {
        let (d, len) = read_isa(ISA.as_bytes()).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(len, 106);
        assert_eq!((d.element, d.component, d.segment), (b'*', b':', b'~'));
        assert_eq!(d.repetition, Some(b'^'));
        let short = "ISA*00**00**ZZ*S*ZZ*R*231215*1200*U*00401*1*0*P*>\n";
        let (d, len) = read_isa(short.as_bytes()).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!((d.component, d.segment, d.repetition), (b'>', b'\n', None));
        assert_eq!(len, short.len());
    }

    #[test]
    fn isa_errors() {
        assert_eq!(read_isa(b"GS*HC"), Err(IsaError::Missing));
        assert_eq!(read_isa(b"ISA*00*"), Err(IsaError::TooShort));
        let same = ISA.replace(":~", "**");
        assert_eq!(read_isa(same.as_bytes()), Err(IsaError::Delimiters));
        let cut = &ISA[..104];
        assert_eq!(read_isa(cut.as_bytes()), Err(IsaError::TooShort));
        let letters = ISA.replace(":~", "AB");
        assert_eq!(read_isa(letters.as_bytes()), Err(IsaError::Delimiters));
        let long = format!(
            "{}~GS*HC~",
            ISA.replacen("*ZZ*", &format!("*ZZ*{}", "S".repeat(600)), 1)
        );
        assert_eq!(read_isa(long.as_bytes()), Err(IsaError::TooLong));
        let newlines = format!("{ISA}\nGS*HC*A*B\nST*837*0001\n");
        assert_eq!(
            read_isa(newlines.as_bytes()),
            Err(IsaError::Terminator {
                declared: "`~`".into(),
                used: "a line feed".into()
            })
        );
        let fine = format!("{ISA}\r\nGS*HC*A*B~\r\nST*837*0001~");
        assert!(read_isa(fine.as_bytes()).is_ok());
    }

    #[test]
    fn splits_with_bom_newlines_and_indentation() {
        let text = format!("\u{feff}{ISA}\r\n  GS*HC*A~\nST*837*0001~\r\nCLM*1*2***11>B>1~");
        let segs: Vec<_> = Tokenizer::new(text.as_bytes())
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| unreachable!("{e:?}"));
        let ids: Vec<_> = segs.iter().map(|s| s.id()).collect();
        assert_eq!(ids, [&b"ISA"[..], b"GS", b"ST", b"CLM"]);
        let clm = segs[3];
        assert_eq!(clm.number, 4);
        assert_eq!(clm.text(1), "1");
        assert_eq!(clm.text(9), "");
        assert_eq!(clm.element_count(), 5);
        // `>` used although ISA16 declares `:`.
        assert_eq!(clm.component(5, 1), "11");
        assert_eq!(clm.component(5, 3), "1");
        assert_eq!(segs[0].text(16), ":");
    }

    #[test]
    fn unterminated_tail_is_an_error() {
        let text = format!("{ISA}GS*HC*A~ST*83");
        let last = Tokenizer::new(text.as_bytes()).last();
        assert_eq!(last, Some(Err(TokenError::Unterminated { number: 3 })));
    }
}
