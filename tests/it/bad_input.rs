//! Hostile and broken input, one table row per case: the run ends with the expected status,
//! accounts for every claim, names the limit or error, and its output stays small.
//!
//! Every case issue 14 lists under "Found" has its row here, except those about how the
//! command is run rather than what it reads, which are rows of `cli_safety.rs`: `check F -o F`
//! (`an_output_that_is_an_input…`), closed pipes on stdout and stderr, SIGINT/SIGTERM and
//! `--threads`; FIFO input is [`a_fifo_is_read`] below, echoed PHI is `phi.rs`, and memory
//! per input byte (SARIF included) is `tests/memory_bound.rs`.

use std::fmt::Write as _;

use serde_json::Value;

use crate::util::{cli, stderr, stdout};

/// One case: what goes in, and what must come out.
struct Row {
    name: &'static str,
    input: Vec<u8>,
    /// `--input-format`; empty to let the content decide.
    format: &'static str,
    status: i32,
    /// Claims, checked, unreadable in the summary (claims = checked + unreadable always).
    counts: (u64, u64, u64),
    /// Found in stdout or stderr: the limit's name or the error.
    error: Option<&'static str>,
    /// Findings of one rule, when the row is about how many there are.
    rule_findings: Option<(&'static str, usize)>,
    /// Bytes of NDJSON output at most.
    max_output: usize,
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

fn rows() -> Vec<Row> {
    let long = "9".repeat(100_000);
    let dx12: Vec<String> = (0..108).map(|i| format!("E{:03}", 100 + i)).collect();
    let dx12: Vec<&str> = dx12.iter().map(String::as_str).collect();
    let big = format!(
        r#"[{{"id":"BIG","billing_provider":{{"name":"{}"}}}}, {}]"#,
        "N".repeat(2 << 20),
        json("professional", 1, LINE, &["E119"])
    );
    let mut utf8 = br#"{"id":""#.to_vec();
    utf8.extend_from_slice(b"\xff\xfe");
    utf8.extend_from_slice(br#"","lines":[]}"#);
    let one = json("professional", 1, LINE, &["E119"]);
    let garbage_first = format!("not a claim at all\n{one}\n{one}\n{one}\n");
    let broken = one.replacen(r#""id""#, r#""id" ""#, 1);
    let broken_second = format!("[{one},\n{broken},\n{one},\n{one}]");
    let x12_one = String::from_utf8(x12(false, 1, &["J069"])).unwrap();
    let (isa, after) = x12_one.split_once('~').unwrap();
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
        let (head, tail) = x12_one.split_once("~GE*").unwrap();
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
    vec![
        Row {
            name: "a syntax error in claim 3 of a 10-claim JSON array loses claim 3 only",
            input: broken_third.into_bytes(),
            format: "json",
            status: 2,
            counts: (10, 9, 1),
            error: Some("invalid JSON"),
            rule_findings: None,
            max_output: 64 << 10,
        },
        Row {
            name: "a CLM outside any ST/SE is an unreadable claim, not dropped",
            input: x12_outside.into_bytes(),
            format: "x12",
            status: 2,
            counts: (2, 1, 1),
            error: Some("outside any transaction set"),
            rule_findings: None,
            max_output: 32_768,
        },
        Row {
            name: "a 1,000,000-character code in JSON",
            input: code_1mb.into_bytes(),
            format: "json",
            status: 2,
            counts: (1, 0, 1),
            error: Some("code-length"),
            rule_findings: None,
            max_output: 4096,
        },
        Row {
            name: "a 2 MB Claim in a FHIR Bundle, then a good claim",
            input: fhir_big_entry.into_bytes(),
            format: "fhir",
            status: 2,
            counts: (2, 1, 1),
            error: Some("claim-size"),
            rule_findings: None,
            max_output: 64 << 10,
        },
        Row {
            name: "a 2 MB FHIR Claim document",
            input: fhir_big_claim.into_bytes(),
            format: "fhir",
            status: 2,
            counts: (1, 0, 1),
            error: Some("claim-size"),
            rule_findings: None,
            max_output: 4096,
        },
        Row {
            name: "a FHIR bundle nested too deep says so, not \"invalid JSON\"",
            input: deep_bundle.into_bytes(),
            format: "fhir",
            status: 2,
            counts: (0, 0, 0),
            error: Some("nests deeper than 128 levels"),
            rule_findings: None,
            max_output: 4096,
        },
        Row {
            name: "an ISA over 106 bytes is said to be too long, not too short",
            input: long_isa.into_bytes(),
            format: "x12",
            status: 2,
            counts: (0, 0, 0),
            error: Some("longer than its fixed 106 characters"),
            rule_findings: None,
            max_output: 4096,
        },
        Row {
            name: "segments ended by another terminator than the ISA declares are said so",
            input: newline_segments.into_bytes(),
            format: "x12",
            status: 2,
            counts: (0, 0, 0),
            error: Some("but the segments after it end with a line feed"),
            rule_findings: None,
            max_output: 4096,
        },
        Row {
            name: "a garbage first line does not hide an NDJSON file (format detected)",
            input: garbage_first.into_bytes(),
            format: "",
            status: 2,
            counts: (4, 3, 1),
            error: Some("invalid JSON"),
            rule_findings: None,
            max_output: 32_768,
        },
        Row {
            name: "a syntax error in claim 2 of a 4-claim array loses claim 2 only",
            input: broken_second.into_bytes(),
            format: "json",
            status: 2,
            counts: (4, 3, 1),
            error: Some("invalid JSON"),
            rule_findings: None,
            max_output: 32_768,
        },
        Row {
            name: "2,000 empty lines in 8 KB of JSON",
            input: json("professional", 2000, "{}", &[]).into_bytes(),
            format: "json",
            status: 2,
            counts: (1, 0, 1),
            error: Some("lines-per-claim"),
            rule_findings: None,
            max_output: 4096,
        },
        Row {
            name: "10,000 identical JSON lines",
            input: json("professional", 10_000, LINE, &["E119"]).into_bytes(),
            format: "json",
            status: 2,
            counts: (1, 0, 1),
            error: Some("lines-per-claim"),
            rule_findings: None,
            max_output: 4096,
        },
        Row {
            name: "1,000 repeated LX on an 837P",
            input: x12(false, 1000, &["E119"]),
            format: "x12",
            status: 2,
            counts: (1, 0, 1),
            error: Some("lines-per-claim"),
            rule_findings: None,
            max_output: 4096,
        },
        Row {
            name: "999 identical lines on an institutional claim: one finding per repeat",
            input: json("institutional", 999, LINE, &["E119"]).into_bytes(),
            format: "json",
            status: 1,
            counts: (1, 1, 0),
            error: None,
            rule_findings: Some(("CORE022", 998)),
            // Quadratic was 498,501 CORE022 findings, some 270 MB.
            max_output: 4 << 20,
        },
        Row {
            name: "999 repeated LX on an 837I: one finding per repeat",
            input: x12(true, 999, &["R69"]),
            format: "x12",
            status: 1,
            counts: (1, 1, 0),
            error: None,
            rule_findings: Some(("CORE022", 998)),
            max_output: 4 << 20,
        },
        Row {
            name: "a 100,000-character code in JSON",
            input: json("professional", 1, LINE, &[&long]).into_bytes(),
            format: "json",
            status: 2,
            counts: (1, 0, 1),
            error: Some("code-length"),
            rule_findings: None,
            max_output: 4096,
        },
        Row {
            name: "a 100,000-character code in X12",
            input: x12(false, 1, &[&long]),
            format: "x12",
            status: 2,
            counts: (1, 0, 1),
            error: Some("field-length"),
            rule_findings: None,
            max_output: 4096,
        },
        Row {
            name: "60 lines on an 837P",
            input: x12(false, 60, &["E119"]),
            format: "x12",
            status: 2,
            counts: (1, 0, 1),
            error: Some("lines-per-claim"),
            rule_findings: None,
            max_output: 4096,
        },
        Row {
            name: "108 diagnoses in nine HI segments",
            input: x12(false, 1, &dx12),
            format: "x12",
            status: 2,
            counts: (1, 0, 1),
            error: Some("diagnoses-per-claim"),
            rule_findings: None,
            max_output: 4096,
        },
        Row {
            name: "108 diagnoses in JSON",
            input: json("professional", 1, LINE, &dx12).into_bytes(),
            format: "json",
            status: 2,
            counts: (1, 0, 1),
            error: Some("diagnoses-per-claim"),
            rule_findings: None,
            max_output: 4096,
        },
        Row {
            name: "a 2 MB claim object, then a good claim",
            input: big.into_bytes(),
            format: "json",
            status: 2,
            counts: (2, 1, 1),
            error: Some("claim-size"),
            rule_findings: None,
            max_output: 64 << 10,
        },
        Row {
            name: "an empty file",
            input: Vec::new(),
            format: "json",
            status: 2,
            counts: (0, 0, 0),
            error: Some("is empty"),
            rule_findings: None,
            max_output: 4096,
        },
        Row {
            name: "invalid UTF-8",
            input: utf8,
            format: "json",
            status: 2,
            counts: (1, 0, 1),
            error: Some("invalid JSON"),
            rule_findings: None,
            max_output: 4096,
        },
        Row {
            name: "JSON nested 100,000 deep",
            input: format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
            format: "json",
            status: 2,
            counts: (1, 0, 1),
            error: Some("unreadable"),
            rule_findings: None,
            max_output: 4096,
        },
    ]
}

#[test]
fn hostile_input_is_bounded_and_accounted_for() {
    let dir = tempfile::tempdir().unwrap();
    for (i, row) in rows().into_iter().enumerate() {
        let path = dir.path().join(format!("case-{i}"));
        std::fs::write(&path, &row.input).unwrap();
        let mut args = vec![
            path.to_str().unwrap(),
            "--format",
            "ndjson",
            "--as-of",
            "2026-07-01",
        ];
        if !row.format.is_empty() {
            args.extend(["--input-format", row.format]);
        }
        let o = cli(&[&["check"][..], &args].concat());
        let (out, err) = (stdout(&o), stderr(&o));
        let name = row.name;
        assert_eq!(o.status.code(), Some(row.status), "{name}: {err}");
        assert!(
            out.len() <= row.max_output,
            "{name}: {} bytes of output, at most {} expected",
            out.len(),
            row.max_output
        );
        let summary = out
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .find(|v| v["type"] == "summary")
            .unwrap_or_else(|| panic!("{name}: no summary in {out}"));
        let n = |k: &str| summary["data"][k].as_u64().unwrap();
        let (claims, checked, unreadable) = (n("claims"), n("checked"), n("unreadable"));
        assert_eq!(claims, checked + unreadable, "{name}");
        assert_eq!((claims, checked, unreadable), row.counts, "{name}");
        if let Some(e) = row.error {
            assert!(
                out.contains(e) || err.contains(e),
                "{name}: `{e}` not in\n{out}\n{err}"
            );
        }
        if let Some((rule, count)) = row.rule_findings {
            let got = out
                .lines()
                .filter(|l| l.contains(r#""type":"finding""#))
                .filter(|l| l.contains(&format!(r#""rule":"{rule}""#)))
                .count();
            assert_eq!(got, count, "{name}: {rule} findings");
        }
    }
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
