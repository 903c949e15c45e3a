//! Synthetic claims for benchmarks and throughput runs: an 837P interchange or NDJSON in our
//! format, written to any `Write` so a multi-gigabyte file never sits in memory. Claims are
//! mostly clean, with a few defects of the kinds billing files really carry (a header
//! diagnosis, a stray pointer, a missing unit), so the engine does real work.

use std::io::{self, Write};

/// Pick the `i`-th entry of a list, cycling.
fn pick<'a>(list: &[&'a str], i: usize) -> &'a str {
    list.get(i % list.len().max(1)).copied().unwrap_or_default()
}

const PROCS: [&str; 8] = [
    "99213", "99214", "36415", "80053", "87880", "93000", "G0008", "J1100",
];
const DX: [&str; 6] = ["E119", "I10", "E785", "J069", "M545", "Z23"];

/// Writes segments of one transaction set and counts them for SE01.
struct Segments<'a> {
    out: &'a mut dyn Write,
    count: usize,
}

impl Segments<'_> {
    fn put(&mut self, s: &str) -> io::Result<()> {
        self.count += 1;
        self.out.write_all(s.as_bytes())?;
        self.out.write_all(b"~\n")
    }
}

/// Write an 837P interchange of `claims` claims (25 per subscriber, 1–4 lines each).
pub fn x12_837p(claims: usize, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *260601*1200*^*00501*000000001*0*P*:~\n")?;
    out.write_all(b"GS*HC*SUBMITTER*RECEIVER*20260601*1200*1*X*005010X222A1~\n")?;
    let mut w = Segments { out, count: 0 };
    let mut seg = |s: &str| w.put(s);
    seg("ST*837*0001*005010X222A1")?;
    seg("BHT*0019*00*0001*20260620*1200*CH")?;
    seg("NM1*41*2*SUBMITTER*****46*S1")?;
    seg("NM1*40*2*RECEIVER*****46*R1")?;
    for s in [
        "HL*1**20*1",
        "PRV*BI*PXC*207Q00000X",
        "NM1*85*2*CLINIC*****XX*1234567893",
        "N3*1 MAIN ST",
        "N4*TOWN*ST*12345",
        "REF*EI*123456789",
    ] {
        seg(s)?;
    }
    let mut hl = 1;
    for i in 0..claims {
        if i % 25 == 0 {
            hl += 1;
            seg(&format!("HL*{hl}*1*22*0"))?;
            seg("SBR*P*18*******CI")?;
            seg(&format!("NM1*IL*1*DOE*JANE****MI*M{i:08}"))?;
            seg("N3*2 SIDE ST")?;
            seg("N4*TOWN*ST*12345")?;
            seg("DMG*D8*19700101*F")?;
            seg("NM1*PR*2*PAYER*****PI*P1")?;
        }
        let lines = 1 + i % 4;
        seg(&format!("CLM*C{i:09}*{}***11:B:1*Y*A*Y*Y", lines * 100))?;
        let principal = if i % 20 == 7 { "E11" } else { pick(&DX, i) };
        seg(&format!(
            "HI*ABK:{principal}*ABF:{}*ABF:E785",
            pick(&DX, i + 1)
        ))?;
        seg("NM1*82*1*DOC*JOHN****XX*1234567893")?;
        seg("PRV*PE*PXC*207Q00000X")?;
        for l in 0..lines {
            let code = pick(&PROCS, i + l);
            let pointers = if i % 33 == 5 { "1:4" } else { "1:2" };
            seg(&format!("LX*{}", l + 1))?;
            seg(&format!("SV1*HC:{code}*100*UN*1*11**{pointers}"))?;
            seg("DTP*472*D8*20260602")?;
        }
    }
    let count = w.count + 1;
    w.put(&format!("SE*{count}*0001"))?;
    w.out.write_all(b"GE*1*1~\nIEA*1*000000001~\n")
}

/// Write `claims` claims as NDJSON in claimscrub's JSON claim format.
pub fn ndjson(claims: usize, out: &mut dyn Write) -> io::Result<()> {
    for i in 0..claims {
        let lines = 1 + i % 4;
        let principal = if i % 20 == 7 { "E11" } else { pick(&DX, i) };
        let mut line_json = Vec::with_capacity(lines);
        for l in 0..lines {
            let code = pick(&PROCS, i + l);
            let units = if i % 50 == 9 { 0 } else { 1 };
            let pointers = if i % 33 == 5 { "[1, 4]" } else { "[1, 2]" };
            line_json.push(format!(
                r#"{{"procedure":"{code}","units":{units},"charge":100,"from":"2026-06-02","diagnosis_pointers":{pointers}}}"#
            ));
        }
        writeln!(
            out,
            r#"{{"id":"C{i:09}","type":"professional","submission_date":"2026-06-20","payer":{{"id":"P1","plan":"CI"}},"patient":{{"member_id":"M{i:08}","date_of_birth":"1970-01-01","sex":"F"}},"billing_provider":{{"npi":"1234567893","tax_id":"123456789"}},"rendering_provider":{{"npi":"1234567893"}},"place_of_service":"11","diagnoses":[{{"code":"{principal}","role":"principal"}},{{"code":"{}"}},{{"code":"E785"}}],"total_charge":{},"lines":[{}]}}"#,
            pick(&DX, i + 1),
            lines * 100,
            line_json.join(",")
        )?;
    }
    Ok(())
}
