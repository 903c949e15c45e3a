//! `--format csv`: one row per finding, and one row per unreadable claim (category
//! `unreadable-claim`), for spreadsheets and work queues. Text that a spreadsheet would run as
//! a formula is prefixed with `'` (OWASP CSV injection).

use std::io::{self, Write};

use super::{Emitter, RunMeta, Summary};
use crate::outcome::{ClaimResult, Outcome};

/// One row per finding and per unreadable claim, for spreadsheets.
pub struct Csv<'w> {
    out: ::csv::Writer<Box<dyn Write + 'w>>,
}

impl<'w> Csv<'w> {
    /// A CSV emitter writing to `out`.
    pub fn new(out: Box<dyn Write + 'w>) -> Self {
        Csv {
            out: ::csv::Writer::from_writer(out),
        }
    }
}

/// A write error keeps its `io::ErrorKind`, so a closed pipe stays `BrokenPipe`.
fn io_err(e: ::csv::Error) -> io::Error {
    if !e.is_io_error() {
        return io::Error::other(e);
    }
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        _ => io::Error::other("csv write error"),
    }
}

/// Quote a text cell a spreadsheet would read as a formula: one starting with `=`, `+`, `-`,
/// `@`, tab or carriage return gets a leading `'` (OWASP's advice). Numbers this emitter
/// formats itself (line, charge, rule line) cannot start a formula and are left as numbers.
fn text(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

const HEADER: [&str; 17] = [
    "claim_id",
    "line",
    "rule",
    "severity",
    "category",
    "code",
    "carc",
    "rarc",
    "path",
    "location",
    "message",
    "help",
    "rule_file",
    "rule_line",
    "file",
    "charge",
    "display_code",
];

impl Emitter for Csv<'_> {
    fn begin(&mut self, _meta: &RunMeta) -> io::Result<()> {
        self.out.write_record(HEADER).map_err(io_err)
    }

    fn claim(&mut self, r: &ClaimResult) -> io::Result<()> {
        match &r.outcome {
            Outcome::Checked(c) => {
                for f in &c.findings {
                    let row = [
                        text(&f.claim_id),
                        f.line.map(|l| l.to_string()).unwrap_or_default(),
                        text(&f.rule),
                        f.severity.as_str().to_string(),
                        f.category.as_str().to_string(),
                        text(f.code.as_deref().unwrap_or_default()),
                        text(f.carc.as_deref().unwrap_or_default()),
                        text(f.rarc.as_deref().unwrap_or_default()),
                        text(&f.path.to_string()),
                        text(
                            &f.location
                                .as_ref()
                                .map(|l| l.to_string())
                                .unwrap_or_default(),
                        ),
                        text(&f.message),
                        text(&f.help),
                        text(&f.rule_source.file),
                        f.rule_source.line.to_string(),
                        text(c.file.as_deref().unwrap_or_default()),
                        f.charge.map(|c| c.to_string()).unwrap_or_default(),
                        text(f.display_code.as_deref().unwrap_or_default()),
                    ];
                    self.out.write_record(&row).map_err(io_err)?;
                }
                Ok(())
            }
            Outcome::Unreadable(e) => {
                let row = [
                    text(e.claim_id.as_deref().unwrap_or_default()),
                    String::new(),
                    String::new(),
                    "error".to_string(),
                    "unreadable-claim".to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    text(
                        &e.location
                            .as_ref()
                            .map(|l| l.to_string())
                            .unwrap_or_default(),
                    ),
                    text(&e.message),
                    String::new(),
                    String::new(),
                    String::new(),
                    text(e.file.as_deref().unwrap_or_default()),
                    String::new(),
                    String::new(),
                ];
                self.out.write_record(&row).map_err(io_err)
            }
        }
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_quoted() {
        for (cell, quoted) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("99213", "99213"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(text(cell), quoted, "{cell:?}");
        }
    }

    #[test]
    fn a_claim_id_formula_is_quoted_in_the_output() {
        let mut r = super::super::fixture::results();
        let Some(Outcome::Checked(c)) = r.get_mut(1).map(|r| &mut r.outcome) else {
            panic!("the fixture's second claim is checked");
        };
        for f in &mut c.findings {
            f.claim_id = "=cmd|' /C calc'!A0".into();
        }
        let mut buf = Vec::new();
        {
            let mut e = Csv::new(Box::new(&mut buf));
            let ok = e.begin(&super::super::fixture::meta()).is_ok()
                && r.iter().all(|r| e.claim(r).is_ok())
                && e.finish(&Summary::default()).is_ok();
            assert!(ok);
        }
        let out = String::from_utf8_lossy(&buf);
        assert!(out.contains("\n'=cmd|' /C calc'!A0,2,TST001,"), "{out}");
        assert!(!out.contains("\n=cmd"), "{out}");
    }

    #[test]
    fn fixed_run() {
        insta::assert_snapshot!(super::super::fixture::render(|out| Box::new(Csv::new(out))));
    }
}
