//! Hostile and broken input, one table row per case: the run ends with the expected status,
//! accounts for every claim (claims = checked + unreadable in the summary), says what is
//! wrong, never echoes a marked value, leaves its input as it was, and its output stays
//! small.
//!
//! Issue 14's "Found" cases and their rows (by name):
//! - `check F -o F` destroys F: "the output is the input".
//! - quadratic findings: "2,000 empty lines…", "10,000 identical JSON lines", "1,000
//!   repeated LX…", "999 identical lines…", "999 repeated LX on an 837I…".
//! - unbounded values: "a 100,000-character code…", "a 1,000,000-character code…", "60
//!   lines…", "108 diagnoses…", "a 2 MB claim object…", "a 2 MB FHIR Claim…", and the
//!   numbers: "a 1.7e308 charge…", "a 25-digit charge…", "units of 1e15…".
//! - SARIF built in memory: peak memory per input byte is `tests/memory_bound.rs`, which
//!   runs reader, rules and the SARIF emitter in process under a counting allocator.
//! - closed pipes and signals need a child process read or signalled mid-run: rows of
//!   `cli_safety.rs` (`a_closed_stdout_ends_every_command_quietly`,
//!   `a_closed_stderr_does_not_panic`, `a_signal_stops_the_run_with_a_closed_report`).
//! - `--threads`: "--threads 100000".
//! - claims lost without an error: "a syntax error in claim 3…", "…claim 2…", "a garbage
//!   first line…", "a CLM outside any ST/SE…"; FIFO input is [`a_fifo_is_read`] and the
//!   streaming tests below.
//! - misleading errors: "an ISA over 106 bytes…", "segments ended by another terminator…",
//!   "a FHIR bundle nested too deep…".
//! - PHI echoed: "marked PHI in JSON…", "…in X12…", "…in FHIR…" (the same claims
//!   `phi.rs` checks in every output format), "an age over 89…".
//!
//! And the cases that already behaved: empty, invalid UTF-8, deep nesting, a number past
//! f64, impossible dates, 4010, 837P and 837I in one file, envelope count mismatches, a
//! corrupt code set, a broken rule file; and a code set whose checksum the fuzzer forged.

use std::fmt::Write as _;

use serde_json::Value;

use crate::util::{cli, stderr, stdout};

/// One case: what goes in, and what must come out.
struct Row {
    name: &'static str,
    input: Vec<u8>,
    /// `--input-format`; empty to let the content decide.
    format: &'static str,
    /// More arguments to `check`: `{input}` is the input's path, `{dir}` the row's directory.
    args: Vec<&'static str>,
    /// Files written into the row's directory before the run (code sets, rules).
    files: Vec<(&'static str, Vec<u8>)>,
    status: i32,
    /// Claims, checked, unreadable in the summary; `None` when the run must stop before
    /// reading any claim (a usage or set-up error), with no summary.
    counts: Option<(u64, u64, u64)>,
    /// Each found in stdout or stderr: the limit's name or the error.
    says: Vec<&'static str>,
    /// Each found in neither: a marked claim value.
    never_says: Vec<&'static str>,
    /// Findings of one rule, when the row is about how many there are.
    rule_findings: Option<(&'static str, usize)>,
    /// Bytes of NDJSON output at most.
    max_output: usize,
}

impl Row {
    /// A row whose run must exit 2 with nothing else said yet.
    fn new(name: &'static str, format: &'static str, input: impl Into<Vec<u8>>) -> Row {
        Row {
            name,
            input: input.into(),
            format,
            args: Vec::new(),
            files: Vec::new(),
            status: 2,
            counts: None,
            says: Vec::new(),
            never_says: Vec::new(),
            rule_findings: None,
            max_output: 4096,
        }
    }

    fn status(mut self, status: i32) -> Row {
        self.status = status;
        self
    }

    fn counts(mut self, claims: u64, checked: u64, unreadable: u64) -> Row {
        self.counts = Some((claims, checked, unreadable));
        self
    }

    fn says(mut self, text: &'static str) -> Row {
        self.says.push(text);
        self
    }

    fn never_says(mut self, text: &'static str) -> Row {
        self.never_says.push(text);
        self
    }

    fn findings(mut self, rule: &'static str, count: usize) -> Row {
        self.rule_findings = Some((rule, count));
        self
    }

    fn output_at_most(mut self, bytes: usize) -> Row {
        self.max_output = bytes;
        self
    }

    fn args(mut self, args: &[&'static str]) -> Row {
        self.args.extend_from_slice(args);
        self
    }

    fn file(mut self, path: &'static str, bytes: impl Into<Vec<u8>>) -> Row {
        self.files.push((path, bytes.into()));
        self
    }
}

/// A professional (837P) or institutional (837I) transaction of one claim with `lines`
/// identical service lines and one HI segment per `dx` chunk of 12.
fn x12(institutional: bool, lines: usize, dx: &[&str]) -> Vec<u8> {
    let guide = if institutional {
        "005010X223A2"
    } else {
        "005010X222A1"
    };
    let mut s = vec![
        "ISA*00*          *00*          *ZZ*123456789012345*ZZ*123456789012346*061015*1705*^*00501*000010216*0*T*:".to_string(),
        format!("GS*HC*1234567890*9876543210*20061015*1705*20213*X*{guide}"),
        format!("ST*837*0001*{guide}"),
        "BHT*0019*00*0001*20260620*1112*CH".into(),
        "NM1*41*2*SUBMITTER*****46*376985369".into(),
        "NM1*40*2*RECEIVER*****46*123245".into(),
        "HL*1**20*1".into(),
        "NM1*85*2*BILLING*****XX*1234567893".into(),
        "N3*1 MAIN ST".into(),
        "N4*TOWN*CO*800210021".into(),
        "REF*EI*123456789".into(),
        "HL*2*1*22*0".into(),
        "SBR*P*18*******CI".into(),
        "NM1*IL*1*DOE*JANE****MI*M1".into(),
        "DMG*D8*19610412*F".into(),
        "NM1*PR*2*PAYER*****PI*00435".into(),
    ];
    let place = if institutional { "13:A:1" } else { "11:B:1" };
    s.push(format!("CLM*C1*{}***{place}*Y*A*Y*Y", 50 * lines));
    if institutional {
        s.push("DTP*434*RD8*20260602-20260602".into());
    }
    // ICD-10-CM principal, then other diagnoses, on both guides.
    let (first, other) = ("ABK", "ABF");
    for (c, chunk) in dx.chunks(12).enumerate() {
        let els: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let q = if c == 0 && i == 0 { first } else { other };
                format!("{q}:{d}")
            })
            .collect();
        s.push(format!("HI*{}", els.join("*")));
    }
    for i in 0..lines {
        s.push(format!("LX*{}", i + 1));
        if institutional {
            s.push("SV2*0450*HC:99283*50*UN*1".into());
        } else {
            s.push("SV1*HC:99213*50*UN*1***1".into());
        }
        s.push("DTP*472*D8*20260602".into());
    }
    let count = s.len() - 1;
    s.push(format!("SE*{count}*0001"));
    s.push("GE*1*20213".into());
    s.push("IEA*1*000010216".into());
    let mut out = s.join("~");
    out.push('~');
    out.into_bytes()
}

/// One clean 837P claim with this diagnosis, as text to edit.
fn x12_text(dx: &str) -> String {
    String::from_utf8(x12(false, 1, &[dx])).unwrap_or_default()
}

/// A JSON claim of `kind` with `lines` copies of `line` and these diagnosis codes.
fn json(kind: &str, lines: usize, line: &str, dx: &[&str]) -> String {
    let mut s = format!(r#"{{"id":"J1","type":"{kind}","diagnoses":["#);
    for (i, d) in dx.iter().enumerate() {
        let _ = write!(s, r#"{}{{"code":"{d}"}}"#, if i > 0 { "," } else { "" });
    }
    s.push_str(r#"],"lines":["#);
    s.push_str(&vec![line; lines].join(","));
    s.push_str("]}");
    s
}

const LINE: &str = r#"{"procedure":"99213","units":1,"charge":50,"from":"2026-06-02"}"#;

/// A JSON claim otherwise complete, so that only what a row changes is reported.
const CLEAN: &str = r#"{"id":"A1","patient":{"member_id":"M1","date_of_birth":"1961-04-12","sex":"F"},"billing_provider":{"npi":"1234567893","tax_id":"123456789"},"payer":{"id":"00435"},"total_charge":50,"diagnoses":[{"code":"J069"}],"lines":[{"procedure":"99213","units":1,"charge":50,"from":"2026-06-02","diagnosis_pointers":[1]}]}"#;

/// The cases of issue 14's "Found" list that are about what `check` reads.
fn found_rows() -> Vec<Row> {
    let long = "9".repeat(100_000);
    let dx12: Vec<String> = (0..108).map(|i| format!("E{:03}", 100 + i)).collect();
    let dx12: Vec<&str> = dx12.iter().map(String::as_str).collect();
    let big = format!(
        r#"[{{"id":"BIG","billing_provider":{{"name":"{}"}}}}, {}]"#,
        "N".repeat(2 << 20),
        json("professional", 1, LINE, &["E119"])
    );
    let one = json("professional", 1, LINE, &["E119"]);
    let garbage_first = format!("not a claim at all\n{one}\n{one}\n{one}\n");
    let broken = one.replacen(r#""id""#, r#""id" ""#, 1);
    let broken_second = format!("[{one},\n{broken},\n{one},\n{one}]");
    let x12_one = x12_text("J069");
    let (isa, after) = x12_one.split_once('~').unwrap_or_default();
    let long_isa = format!(
        "{}~{after}",
        isa.replacen("*ZZ*", &format!("*ZZ*{}", "S".repeat(600)), 1)
    );
    let newline_segments = format!("{isa}~{}", after.replace('~', "\n"));
    let deep_bundle = format!(
        r#"{{"resourceType":"Bundle","entry":{}{}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let broken_third = {
        let mut claims = vec![one.clone(); 10];
        if let Some(c) = claims.get_mut(2) {
            *c = broken.clone();
        }
        format!("[{}]", claims.join(",\n"))
    };
    let x12_outside = {
        let (head, tail) = x12_one.split_once("~GE*").unwrap_or_default();
        format!("{head}~CLM*C9*50***11:B:1*Y*A*Y*Y~SV1*HC:99213*50*UN*1***1~GE*{tail}")
    };
    let code_1mb = json("professional", 1, LINE, &[&"9".repeat(1_000_000)]);
    let fhir_claim = |id: &str, note: &str| {
        format!(
            r#"{{"resourceType":"Claim","id":"{id}","type":{{"coding":[{{"code":"professional"}}]}},"text":{{"div":"{note}"}},"diagnosis":[{{"sequence":1,"diagnosisCodeableConcept":{{"coding":[{{"code":"J06.9"}}]}}}}]}}"#
        )
    };
    let fhir_big_entry = format!(
        r#"{{"resourceType":"Bundle","entry":[{{"resource":{}}},{{"resource":{}}}]}}"#,
        fhir_claim("F1", &"N".repeat(2 << 20)),
        fhir_claim("F2", "")
    );
    let fhir_big_claim = fhir_claim("F1", &"N".repeat(2 << 20));
    let huge_charges = format!(
        "[{},\n{}]",
        CLEAN.replace(r#""charge":50"#, r#""charge":1.7e308"#),
        CLEAN.replace(r#""total_charge":50"#, r#""total_charge":-1.7e308"#)
    );
    let old_person = CLEAN
        .replace("1961-04-12", "1920-03-04")
        .replace("J069", "O80");
    vec![
        Row::new("the output is the input: refused, the input kept", "json", CLEAN)
            .args(&["-o", "{input}"])
            .says("writing it would destroy the claims being read"),
        Row::new("--threads 100000: a usage error, not minutes of thread starts", "json", CLEAN)
            .args(&["--threads", "100000"])
            .says("100000 is not in 1..=256"),
        Row::new("a syntax error in claim 3 of a 10-claim JSON array loses claim 3 only", "json", broken_third)
            .counts(10, 9, 1)
            .says("invalid JSON")
            .output_at_most(64 << 10),
        Row::new("a syntax error in claim 2 of a 4-claim array loses claim 2 only", "json", broken_second)
            .counts(4, 3, 1)
            .says("invalid JSON")
            .output_at_most(32 << 10),
        Row::new("a garbage first line does not hide an NDJSON file (format detected)", "", garbage_first)
            .counts(4, 3, 1)
            .says("invalid JSON")
            .output_at_most(32 << 10),
        Row::new("a CLM outside any ST/SE is an unreadable claim, not dropped", "x12", x12_outside)
            .counts(2, 1, 1)
            .says("outside any transaction set")
            .output_at_most(32 << 10),
        Row::new("2,000 empty lines in 8 KB of JSON", "json", json("professional", 2000, "{}", &[]))
            .counts(1, 0, 1)
            .says("lines-per-claim"),
        Row::new("10,000 identical JSON lines", "json", json("professional", 10_000, LINE, &["E119"]))
            .counts(1, 0, 1)
            .says("lines-per-claim"),
        Row::new("1,000 repeated LX on an 837P", "x12", x12(false, 1000, &["E119"]))
            .counts(1, 0, 1)
            .says("lines-per-claim"),
        // Quadratic was 498,501 CORE022 findings, some 270 MB.
        Row::new("999 identical lines on an institutional claim: one finding per repeat", "json", json("institutional", 999, LINE, &["E119"]))
            .status(1)
            .counts(1, 1, 0)
            .findings("CORE022", 998)
            .output_at_most(4 << 20),
        Row::new("999 repeated LX on an 837I: one finding per repeat", "x12", x12(true, 999, &["R69"]))
            .status(1)
            .counts(1, 1, 0)
            .findings("CORE022", 998)
            .output_at_most(4 << 20),
        Row::new("a 100,000-character code in JSON", "json", json("professional", 1, LINE, &[&long]))
            .counts(1, 0, 1)
            .says("code-length"),
        Row::new("a 100,000-character code in X12", "x12", x12(false, 1, &[&long]))
            .counts(1, 0, 1)
            .says("field-length"),
        Row::new("a 1,000,000-character code in JSON", "json", code_1mb)
            .counts(1, 0, 1)
            .says("code-length"),
        Row::new("60 lines on an 837P", "x12", x12(false, 60, &["E119"]))
            .counts(1, 0, 1)
            .says("lines-per-claim"),
        Row::new("108 diagnoses in nine HI segments", "x12", x12(false, 1, &dx12))
            .counts(1, 0, 1)
            .says("diagnoses-per-claim"),
        Row::new("108 diagnoses in JSON", "json", json("professional", 1, LINE, &dx12))
            .counts(1, 0, 1)
            .says("diagnoses-per-claim"),
        Row::new("a 2 MB claim object, then a good claim", "json", big)
            .counts(2, 1, 1)
            .says("claim-size")
            .output_at_most(64 << 10),
        Row::new("a 2 MB Claim in a FHIR Bundle, then a good claim", "fhir", fhir_big_entry)
            .counts(2, 1, 1)
            .says("claim-size")
            .output_at_most(64 << 10),
        Row::new("a 2 MB FHIR Claim document", "fhir", fhir_big_claim)
            .counts(1, 0, 1)
            .says("claim-size"),
        // A batch total of 1.7e308 + 1.7e308 was infinite and printed as `null`.
        Row::new("a 1.7e308 charge and a -1.7e308 total in JSON: refused, the totals finite", "json", huge_charges)
            .counts(2, 0, 2)
            .says("`/lines/0/charge`: more than 18 digits before the decimal point (limit `amount-digits`)")
            .says("`/total_charge`: more than 18 digits"),
        Row::new("a 25-digit charge in X12 (SV102 is R 1/18)", "x12", x12_one.replace("SV1*HC:99213*50*", "SV1*HC:99213*1234567890123456789012345*"))
            .counts(1, 0, 1)
            .says("SV1-02")
            .says("amount-digits"),
        Row::new("units of 1e15 in X12 (SV104 is R 1/15)", "x12", x12_one.replace("*UN*1*", "*UN*1e15*"))
            .counts(1, 0, 1)
            .says("SV1-04")
            .says("quantity-digits"),
        Row::new("an ISA over 106 bytes is said to be too long, not too short", "x12", long_isa)
            .counts(0, 0, 0)
            .says("longer than its fixed 106 characters"),
        Row::new("segments ended by another terminator than the ISA declares are said so", "x12", newline_segments)
            .counts(0, 0, 0)
            .says("but the segments after it end with a line feed"),
        Row::new("a FHIR bundle nested too deep says so, not \"invalid JSON\"", "fhir", deep_bundle)
            .counts(0, 0, 0)
            .says("nests deeper than 128 levels"),
        Row::new("marked PHI in JSON claims, broken in every way, is never echoed", "", crate::phi::json_claims())
            .counts(6, 2, 4)
            .never_says("PHIMARK")
            .output_at_most(32 << 10),
        Row::new("marked PHI in X12 names, ids, address and dates is never echoed", "x12", crate::phi::x12_claims())
            .counts(1, 0, 1)
            .never_says("PHIMARK"),
        Row::new("marked PHI in a FHIR Claim is never echoed", "fhir", crate::phi::fhir_docs()[1].clone())
            .status(1)
            .counts(1, 1, 0)
            .never_says("PHIMARK")
            .output_at_most(32 << 10),
        Row::new("a FHIR resourceType FHIR does not define is never echoed", "fhir", crate::phi::fhir_docs()[0].clone())
            .counts(0, 0, 0)
            .never_says("PHIMARK"),
        Row::new("an age over 89 reads \"90 or older\"", "json", old_person)
            .status(1)
            .counts(1, 1, 0)
            .says("the patient is 90 or older")
            .never_says("106")
            .output_at_most(16 << 10),
    ]
}

/// A compiled ICD-10-CM set the fuzzer made: malformed fst nodes under a valid checksum.
const FORGED_CODESET: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fuzz/regressions/codeset_bytes/crash-7ffa8e988c254bd48abc682f0434570cf5e08b71"
));

/// Broken input that already behaved: each row keeps it so.
fn behaved_rows() -> Vec<Row> {
    let mut utf8 = br#"{"id":""#.to_vec();
    utf8.extend_from_slice(b"\xff\xfe");
    utf8.extend_from_slice(br#"","lines":[]}"#);
    let x12_one = x12_text("J069");
    let both = format!(
        "{x12_one}\n{}",
        String::from_utf8(x12(true, 1, &["R69"]))
            .unwrap_or_default()
            .replace("CLM*C1*", "CLM*C2*")
    );
    vec![
        Row::new("an empty file", "json", Vec::new())
            .counts(0, 0, 0)
            .says("is empty"),
        Row::new("invalid UTF-8", "json", utf8)
            .counts(1, 0, 1)
            .says("invalid JSON"),
        Row::new(
            "JSON nested 100,000 deep",
            "json",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        )
        .counts(1, 0, 1)
        .says("unreadable"),
        Row::new(
            "a number past f64 (1e400) in JSON",
            "json",
            CLEAN.replace(r#""units":1"#, r#""units":1e400"#),
        )
        .counts(1, 0, 1)
        .says("invalid JSON at `/lines/0/units`"),
        Row::new(
            "an impossible service date in JSON (2026-02-30)",
            "json",
            CLEAN.replace("2026-06-02", "2026-02-30"),
        )
        .counts(1, 0, 1)
        .says("invalid value at `/lines/0/from`")
        .never_says("2026-02-30"),
        Row::new(
            "an impossible service date in X12",
            "x12",
            x12_one.replace("DTP*472*D8*20260602", "DTP*472*D8*20260230"),
        )
        .counts(1, 0, 1)
        .says("DTP-03")
        .says("date does not match its format")
        .never_says("20260230"),
        Row::new(
            "an impossible date of birth in X12",
            "x12",
            x12_one.replace("DMG*D8*19610412", "DMG*D8*19610230"),
        )
        .counts(1, 0, 1)
        .says("date of birth is not a valid `D8` date")
        .never_says("19610230"),
        Row::new(
            "X12 4010: each claim refused, saying so",
            "x12",
            x12_one.replace("005010X222A1", "004010X098A1"),
        )
        .counts(1, 0, 1)
        .says("4010 was retired in 2012"),
        Row::new(
            "an 837P and an 837I in one file: each read by its guide",
            "x12",
            both,
        )
        .status(0)
        .counts(2, 2, 0)
        .output_at_most(16 << 10),
        Row::new(
            "SE01 off: a warning, the claims read",
            "x12",
            x12_one.replacen("~SE*", "~SE*9", 1),
        )
        .status(0)
        .counts(1, 1, 0)
        .says("SE01 does not match the 20 segments of the transaction")
        .output_at_most(16 << 10),
        Row::new(
            "GE01 and IEA01 off: warnings, the claims read",
            "x12",
            x12_one
                .replace("GE*1*", "GE*3*")
                .replace("IEA*1*", "IEA*2*"),
        )
        .status(0)
        .counts(1, 1, 0)
        .says("GE01 does not match the 1 transaction set(s) read")
        .says("IEA01 does not match the 1 functional group(s) read")
        .output_at_most(16 << 10),
        Row::new(
            "a corrupt compiled code set: refused by name, nothing checked",
            "json",
            CLEAN,
        )
        .file("sets/icd10cm.csfst", "not a code set at all")
        .args(&["--codesets", "{dir}/sets"])
        .says("icd10cm.csfst` is not a compiled code-set file"),
        // Found by fuzzing: an fst checksum forged over malformed nodes, which panicked.
        Row::new(
            "a compiled code set whose checksum hides malformed nodes: refused by name",
            "json",
            CLEAN,
        )
        .file("sets/icd10cm.csfst", FORGED_CODESET)
        .args(&["--codesets", "{dir}/sets"])
        .says("icd10cm.csfst` is corrupt: fst section 5: its nodes do not read back")
        .never_says("panicked"),
        Row::new(
            "a rule file with a YAML syntax error: its line, nothing checked",
            "json",
            CLEAN,
        )
        .file("rules/bad.yaml", "id: USR001\nname: [unclosed\n")
        .args(&["--rules", "{dir}/rules"])
        .says("bad.yaml:2:")
        .says("error[yaml]")
        .says("nothing was checked"),
    ]
}

#[test]
fn hostile_input_is_bounded_and_accounted_for() {
    let dir = tempfile::tempdir().unwrap();
    let mut failed = Vec::new();
    for (i, row) in found_rows().into_iter().chain(behaved_rows()).enumerate() {
        if let Err(e) = run_row(&dir.path().join(format!("case-{i}")), &row) {
            failed.push(format!("{}: {e}", row.name));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// Run one row in its own directory `dir`: what differs from the row's expectations.
fn run_row(dir: &std::path::Path, row: &Row) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    for (name, bytes) in &row.files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(path, bytes).map_err(|e| e.to_string())?;
    }
    let input = dir.join("input");
    std::fs::write(&input, &row.input).map_err(|e| e.to_string())?;
    let (input_path, dir_path) = (input.to_string_lossy(), dir.to_string_lossy());
    let mut args: Vec<String> = [
        "check",
        &input_path,
        "--format",
        "ndjson",
        "--as-of",
        "2026-07-01",
    ]
    .map(String::from)
    .to_vec();
    if !row.format.is_empty() {
        args.extend(["--input-format".into(), row.format.into()]);
    }
    args.extend(row.args.iter().map(|a| {
        a.replace("{input}", &input_path)
            .replace("{dir}", &dir_path)
    }));
    let o = cli(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let (out, err) = (stdout(&o), stderr(&o));
    let mut wrong = Vec::new();
    if o.status.code() != Some(row.status) {
        wrong.push(format!(
            "exit {:?}, {} expected",
            o.status.code(),
            row.status
        ));
    }
    if std::fs::read(&input).ok().as_deref() != Some(&row.input[..]) {
        wrong.push("the input file was changed".into());
    }
    if out.len() > row.max_output {
        wrong.push(format!(
            "{} bytes of output, at most {}",
            out.len(),
            row.max_output
        ));
    }
    let summary = out
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["type"] == "summary");
    match (row.counts, summary) {
        (Some(want), Some(s)) => {
            let n = |k: &str| s["data"][k].as_u64().unwrap_or(u64::MAX);
            let got = (n("claims"), n("checked"), n("unreadable"));
            if got != want || got.0 != got.1 + got.2 {
                wrong.push(format!(
                    "claims, checked, unreadable {got:?}, {want:?} expected"
                ));
            }
            for money in ["total_charges", "charges_at_risk"] {
                if !s["data"][money].is_number() {
                    wrong.push(format!("summary {money} is {}", s["data"][money]));
                }
            }
        }
        (Some(_), None) => wrong.push("no summary".into()),
        (None, Some(_)) => wrong.push("a summary, but the run should have stopped first".into()),
        (None, None) => {}
    }
    for text in &row.says {
        if !out.contains(text) && !err.contains(text) {
            wrong.push(format!("`{text}` not said"));
        }
    }
    for text in &row.never_says {
        if out.contains(text) || err.contains(text) {
            wrong.push(format!("`{text}` echoed"));
        }
    }
    if let Some((rule, count)) = row.rule_findings {
        let got = out
            .lines()
            .filter(|l| l.contains(r#""type":"finding""#))
            .filter(|l| l.contains(&format!(r#""rule":"{rule}""#)))
            .count();
        if got != count {
            wrong.push(format!("{got} {rule} findings, {count} expected"));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n--- stdout\n{}\n--- stderr\n{}",
            wrong.join("; "),
            clip(&out),
            clip(&err)
        ))
    }
}

/// The start of a long text, for a failure message.
fn clip(text: &str) -> &str {
    let mut end = text.len().min(2000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A FIFO (as `<(…)` gives) has no length to map: it is read as a stream, not taken as empty.
#[cfg(unix)]
#[test]
fn a_fifo_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("claims.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo on this machine: nothing to test
    }
    let text = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/claims.json")).unwrap();
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, text))
    };
    let o = cli(&[
        "check",
        fifo.to_str().unwrap(),
        "--format",
        "ndjson",
        "--as-of",
        "2026-07-01",
    ]);
    writer.join().unwrap().unwrap();
    let summary = stdout(&o)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["type"] == "summary")
        .unwrap();
    assert_eq!(summary["data"]["claims"], 5, "{}", stderr(&o));
}

/// The report of `text` read from a FIFO and from a file (input paths replaced by
/// `INPUT`); `None` without `mkfifo`.
#[cfg(unix)]
fn from_fifo_and_file(text: String, name: &str) -> Option<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, &text).unwrap();
    let fifo = dir.path().join(format!("fifo-{name}"));
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return None; // no mkfifo on this machine: nothing to test
    }
    let report = |path: &std::path::Path| {
        let path = path.to_str().unwrap();
        let args = ["check", path, "--format", "ndjson", "--as-of", "2026-07-01"];
        stdout(&cli(&args)).replace(path, "INPUT")
    };
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, text))
    };
    let streamed = report(&fifo);
    writer.join().unwrap().unwrap();
    Some((streamed, report(&file)))
}

/// NDJSON on a FIFO is split as it streams in (a block of lines at a time, not read whole):
/// the report is the one the same claims give from a file, line numbers and all, over
/// blocks and with broken lines.
#[cfg(unix)]
#[test]
fn ndjson_on_a_fifo_is_streamed_with_the_file_report() {
    let claims: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/claims.json"))
            .unwrap(),
    )
    .unwrap();
    let mut text = String::new();
    for i in 0..12_000 {
        let mut c = claims[i % claims.len()].clone();
        c["id"] = format!("S-{i}").into();
        text.push_str(&serde_json::to_string(&c).unwrap());
        text.push_str(if i % 5000 == 3 {
            "\n\n{\"id\":\n"
        } else {
            "\n"
        });
    }
    assert!(
        text.len() > 4 << 20,
        "{} bytes: more than a block",
        text.len()
    );
    let Some((streamed, from_file)) = from_fifo_and_file(text, "claims.ndjson") else {
        return;
    };
    assert!(
        from_file.contains("\"type\":\"error\""),
        "the broken lines are reported"
    );
    assert_eq!(streamed, from_file);
}

/// X12 on a FIFO is split as it streams in, past the head the format is told from: the
/// report is the one from a file, segment numbers and all.
#[cfg(unix)]
#[test]
fn x12_on_a_fifo_is_streamed_with_the_file_report() {
    let mut text = Vec::new();
    claimscrub::synth::x12_837p(1_000, &mut text).unwrap();
    assert!(text.len() > 64 << 10, "past the head");
    let text = String::from_utf8(text).unwrap();
    let Some((streamed, from_file)) = from_fifo_and_file(text, "claims.x12") else {
        return;
    };
    assert!(from_file.matches("\"type\":\"finding\"").count() > 20);
    assert_eq!(streamed, from_file);
}
