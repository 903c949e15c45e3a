//! Where a value of a JSON claim sits: the line of the value a JSON pointer names, found by a
//! small scan of the claim's own text, so a finding on a pretty-printed claim points at its
//! field and not at the claim's first line. Run only for findings, never for every claim.

/// The 0-based line, counted from the start of `text`, of the value at `pointer` (`/lines/1/procedure`),
/// or of its nearest ancestor present in the text; `None` when the text is not JSON.
pub fn line_of(text: &[u8], pointer: &str) -> Option<u32> {
    let want: Vec<&str> = pointer.split('/').skip(1).collect();
    let mut s = Scan {
        text,
        at: 0,
        line: 0,
    };
    s.ws();
    let mut best = s.line;
    s.value(&want, &mut best)?;
    Some(best)
}

struct Scan<'a> {
    text: &'a [u8],
    at: usize,
    line: u32,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        if b == b'\n' {
            self.line += 1;
        }
        Some(b)
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.bump();
        }
    }

    /// A string's raw bytes (escapes left as written; keys in claims have none).
    fn string(&mut self) -> Option<&[u8]> {
        (self.bump()? == b'"').then_some(())?;
        let start = self.at;
        loop {
            match self.bump()? {
                b'\\' => {
                    self.bump()?;
                }
                b'"' => return self.text.get(start..self.at - 1),
                _ => {}
            }
        }
    }

    /// Scan one value. While `want` is not empty the value is on the path: record the line of
    /// each step reached in `best`, and return as soon as the pointer's value is reached.
    /// Returns `Some(true)` when the whole pointer was found inside this value.
    fn value(&mut self, want: &[&str], best: &mut u32) -> Option<bool> {
        self.ws();
        *best = self.line;
        let Some((head, rest)) = want.split_first() else {
            // The pointer's value starts here; the caller stops.
            return Some(true);
        };
        match self.peek()? {
            b'{' => {
                self.bump();
                loop {
                    self.ws();
                    if self.peek()? == b'}' {
                        self.bump();
                        return Some(false);
                    }
                    let key_line = self.line;
                    let key = self.string()?.to_vec();
                    self.ws();
                    (self.bump()? == b':').then_some(())?;
                    if key == head.as_bytes() {
                        let mut inner = key_line;
                        let found = self.value(rest, &mut inner)?;
                        // The deepest step reached is the nearest ancestor present.
                        *best = inner;
                        if found {
                            return Some(true);
                        }
                    } else {
                        self.skip()?;
                    }
                    self.ws();
                    match self.bump()? {
                        b',' => {}
                        b'}' => return Some(false),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.bump();
                let index: Option<usize> = head.parse().ok();
                let mut i = 0usize;
                loop {
                    self.ws();
                    if self.peek()? == b']' {
                        self.bump();
                        return Some(false);
                    }
                    if Some(i) == index {
                        let mut inner = self.line;
                        if self.value(rest, &mut inner)? {
                            *best = inner;
                            return Some(true);
                        }
                        *best = inner;
                    } else {
                        self.skip()?;
                    }
                    i += 1;
                    self.ws();
                    match self.bump()? {
                        b',' => {}
                        b']' => return Some(false),
                        _ => return None,
                    }
                }
            }
            _ => {
                // A scalar where the pointer goes deeper: the nearest ancestor is here.
                self.skip()?;
                Some(false)
            }
        }
    }

    /// Skip one value of any kind.
    fn skip(&mut self) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.bump();
                loop {
                    self.ws();
                    if self.peek()? == close {
                        self.bump();
                        return Some(());
                    }
                    if open == b'{' {
                        self.string()?;
                        self.ws();
                        (self.bump()? == b':').then_some(())?;
                    }
                    self.skip()?;
                    self.ws();
                    match self.bump()? {
                        b',' => {}
                        c if c == close => return Some(()),
                        _ => return None,
                    }
                }
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.bump();
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAIM: &str = r#"{
  "id": "C1",
  "billing_provider": { "npi": "1234567893" },
  "diagnoses": [
    { "code": "E11.9" },
    { "code": "I10" }
  ],
  "lines": [
    { "procedure": "99213", "units": 1 },
    {
      "procedure": "G0103",
      "modifiers": ["25", "59"]
    }
  ]
}"#;

    #[test]
    fn finds_the_line_of_each_field() {
        let t = CLAIM.as_bytes();
        assert_eq!(line_of(t, ""), Some(0));
        assert_eq!(line_of(t, "/id"), Some(1));
        assert_eq!(line_of(t, "/billing_provider/npi"), Some(2));
        assert_eq!(line_of(t, "/diagnoses/1/code"), Some(5));
        assert_eq!(line_of(t, "/lines/1/procedure"), Some(10));
        assert_eq!(line_of(t, "/lines/1/modifiers/1"), Some(11));
    }

    #[test]
    fn a_missing_field_points_at_its_nearest_ancestor() {
        let t = CLAIM.as_bytes();
        // Line 2 has no `charge`: the line itself starts on line 9 (0-based).
        assert_eq!(line_of(t, "/lines/1/charge"), Some(9));
        // No `patient` at all: the claim.
        assert_eq!(line_of(t, "/patient/date_of_birth"), Some(0));
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(line_of(b"{\"a\": ", "/a/b"), None);
    }
}
