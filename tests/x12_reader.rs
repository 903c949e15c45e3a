//! The X12 837 reader against the public sample files and broken variants of them.

use std::path::Path;
use std::sync::Arc;

use claimscrub::claim::input::{self, Bytes, InputError, InputFormat};
use claimscrub::claim::x12::{self, X12Error};
use claimscrub::claim::{Claim, ClaimKind, DxRole, Location};

const DIR: &str = "tests/fixtures/x12";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(DIR).join(name)).unwrap_or_else(|e| unreachable!("{name}: {e}"))
}

fn read(bytes: &[u8]) -> x12::ReadAll {
    x12::read_all(bytes, None).unwrap_or_else(|e| unreachable!("{e}"))
}

fn one_claim(name: &str) -> Claim {
    let (claims, _) = read(&fixture(name));
    match claims.into_iter().next() {
        Some(Ok(c)) => c,
        other => unreachable!("{name}: {other:?}"),
    }
}

fn x12_at(c: &Claim, pointer: &str) -> (u32, String, String) {
    match c.source.resolve_pointer(pointer) {
        Some(Location::X12 {
            segment,
            loop_id,
            element,
            ..
        }) => (segment, loop_id.into_owned(), element.into_owned()),
        other => unreachable!("{pointer}: {other:?}"),
    }
}

/// (file, claims, lines, diagnoses, warnings)
const PINNED: &[(&str, usize, usize, usize, usize)] = &[
    (
        "badx12-X222-COB-claim-from-billing-provider-to-payer-a.edi",
        1,
        3,
        4,
        0,
    ),
    (
        "badx12-X222-COB-claim-from-billing-provider-to-payer-b.edi",
        1,
        3,
        4,
        0,
    ),
    (
        "badx12-X222-COB-claim-from-payer-a-to-payer-b-in-payer-to-payer.edi",
        1,
        3,
        4,
        0,
    ),
    ("badx12-X222-ambulance.edi", 1, 4, 4, 0),
    ("badx12-X222-anesthesia.edi", 1, 1, 1, 0),
    ("badx12-X222-chiropractic.edi", 1, 1, 1, 0),
    ("badx12-X222-commercial-health-insurance.edi", 1, 4, 2, 0),
    (
        "badx12-X222-drug-administered-in-the-physician-office.edi",
        1,
        2,
        1,
        0,
    ),
    ("badx12-X222-encounter.edi", 1, 4, 2, 0),
    (
        "badx12-X222-home-infusion-therapy-pharmacy-adjudicated-with-HCPCS-in-loop-2400-or-NDC-in-loop-2410.edi",
        1,
        6,
        1,
        0,
    ),
    (
        "badx12-X222-home-infusion-therapy-pharmacy-adjudicated-with-NDC-in-loop-2410.edi",
        1,
        6,
        1,
        0,
    ),
    ("badx12-X222-medicare-secondary-payer-COB.edi", 1, 1, 2, 0),
    ("badx12-X222-out-of-network-repriced-claim.edi", 1, 1, 1, 0),
    ("badx12-X222-oxygen.edi", 1, 2, 3, 0),
    ("badx12-X222-ppo-repriced-claim.edi", 1, 2, 2, 0),
    ("badx12-X222-wheelchair.edi", 1, 1, 2, 0),
    // The openx12 fixtures' SE01 counts are off: one warning each.
    ("openx12-minimal-837i.edi", 1, 1, 1, 1),
    ("openx12-minimal-837p.edi", 1, 1, 1, 1),
    ("openx12-sample-837i.edi", 1, 4, 4, 1),
    ("openx12-sample-837p.edi", 1, 3, 3, 1),
];

#[test]
fn every_sample_reads_with_pinned_counts() {
    let mut names: Vec<String> = std::fs::read_dir(DIR)
        .unwrap_or_else(|e| unreachable!("{e}"))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".edi"))
        .collect();
    names.sort();
    let mut pinned: Vec<&str> = PINNED.iter().map(|p| p.0).collect();
    pinned.sort();
    assert_eq!(names, pinned, "every fixture is pinned");
    for (name, claims, lines, dx, warnings) in PINNED {
        let (read, warns) = read(&fixture(name));
        let ok: Vec<&Claim> = read.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(ok.len(), *claims, "{name}: {read:?}");
        assert_eq!(read.len(), *claims, "{name}: no error records");
        assert_eq!(
            ok.iter().map(|c| c.lines.len()).sum::<usize>(),
            *lines,
            "{name}"
        );
        assert_eq!(
            ok.iter().map(|c| c.diagnoses.len()).sum::<usize>(),
            *dx,
            "{name}"
        );
        assert_eq!(warns.len(), *warnings, "{name}: {warns:?}");
        for c in ok {
            assert!(c.billing_provider.npi.is_some(), "{name}");
            assert!(
                c.source.resolve_pointer("/lines/0/procedure").is_some(),
                "{name}"
            );
        }
    }
}

#[test]
fn ambulance_values_and_locations() {
    let c = one_claim("badx12-X222-ambulance.edi");
    assert_eq!(c.id, "051068");
    assert_eq!(c.kind, ClaimKind::Professional);
    assert_eq!(c.total_charge, Some(766.5));
    assert_eq!(c.place_of_service.as_deref(), Some("41"));
    assert_eq!(c.payer.plan.as_deref(), Some("MB"));
    assert_eq!(c.payer.id.as_deref(), Some("123245"));
    assert_eq!(c.billing_provider.npi.as_deref(), Some("2366554859"));
    assert_eq!(c.billing_provider.taxonomy.as_deref(), Some("3416L0300X"));
    assert_eq!(c.patient.relationship.as_deref(), Some("18"));
    assert!(c.subscriber.is_none());
    assert_eq!(c.submission_date, Some(jiff::civil::date(2005, 2, 8)));
    let dx: Vec<_> = c.diagnoses.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(dx, ["8628", "E8888", "9592", "8540"]);
    assert_eq!(
        c.diagnoses[0].qualifier.as_deref(),
        Some("BK"),
        "ICD-9 kept"
    );
    assert_eq!(c.diagnoses[0].role, DxRole::Principal);
    let l = &c.lines[1];
    assert_eq!(l.procedure.as_deref(), Some("A0425"));
    assert_eq!(l.modifiers, ["RH"]);
    assert_eq!((l.units, l.charge), (Some(21.0), Some(8.2)));
    assert_eq!(l.diagnosis_pointers, [1, 2, 3, 4]);

    assert_eq!(x12_at(&c, ""), (23, "2300".into(), "CLM".into()));
    assert_eq!(x12_at(&c, "/id"), (23, "2300".into(), "CLM-01".into()));
    assert_eq!(
        x12_at(&c, "/billing_provider/npi"),
        (10, "2010AA".into(), "NM1-09".into())
    );
    assert_eq!(
        x12_at(&c, "/patient/date_of_birth"),
        (19, "2010BA".into(), "DMG-02".into())
    );
    assert_eq!(
        x12_at(&c, "/payer/id"),
        (20, "2010BB".into(), "NM1-09".into())
    );
    assert_eq!(
        x12_at(&c, "/payer/plan"),
        (15, "2000B".into(), "SBR-09".into())
    );
    assert_eq!(
        x12_at(&c, "/diagnoses/1"),
        (28, "2300".into(), "HI-02-2".into())
    );
    assert_eq!(x12_at(&c, "/lines/2"), (46, "2400".into(), "LX".into()));
    assert_eq!(
        x12_at(&c, "/lines/2/procedure"),
        (47, "2400".into(), "SV1-01-2".into())
    );
    assert_eq!(
        x12_at(&c, "/lines/2/modifiers/0"),
        (47, "2400".into(), "SV1-01-3".into())
    );
    assert_eq!(
        x12_at(&c, "/lines/2/from"),
        (48, "2400".into(), "DTP-03".into())
    );
    assert_eq!(
        x12_at(&c, "/submission_date"),
        (4, "header".into(), "BHT-04".into())
    );
    match c.source.resolve_pointer("/lines/0/units") {
        Some(Location::X12 { transaction, .. }) => assert_eq!(&*transaction, "000017712"),
        other => unreachable!("{other:?}"),
    }
}

#[test]
fn dependent_patient_and_other_payer_loops() {
    // The 2320/2330 loops carry another subscriber and payer: they must not replace ours.
    let c = one_claim("badx12-X222-COB-claim-from-billing-provider-to-payer-b.edi");
    assert_eq!(c.payer.id.as_deref(), Some("567890"));
    assert_eq!(c.payer.responsibility.as_deref(), Some("S"));
    assert_eq!(c.patient.relationship.as_deref(), Some("19"));
    assert_eq!(c.patient.date_of_birth, Some(jiff::civil::date(1973, 5, 1)));
    let sub = c.subscriber.as_ref().map(|s| s.member_id.as_deref());
    assert_eq!(sub, Some(Some("222334444")));
    assert_eq!(
        c.rendering_provider
            .as_ref()
            .and_then(|p| p.taxonomy.as_deref()),
        Some("204C00000X")
    );
    assert_eq!(
        x12_at(&c, "/patient/date_of_birth"),
        (30, "2010CA".into(), "DMG-02".into())
    );
    assert_eq!(
        x12_at(&c, "/subscriber/member_id"),
        (19, "2010BA".into(), "NM1-09".into())
    );
}

#[test]
fn drugs_and_line_dates() {
    let c = one_claim(
        "badx12-X222-home-infusion-therapy-pharmacy-adjudicated-with-NDC-in-loop-2410.edi",
    );
    let ndc: Vec<_> = c.lines.iter().map(|l| l.ndc.as_deref()).collect();
    assert_eq!(ndc[0], None);
    assert_eq!(ndc[1], Some("00004196501"));
    assert_eq!(c.lines[1].to, Some(jiff::civil::date(2004, 2, 7)));
    assert_eq!(c.payer.id.as_deref(), Some("PLANID12345"));
}

#[test]
fn institutional_claim() {
    let c = one_claim("openx12-sample-837i.edi");
    assert_eq!(c.kind, ClaimKind::Institutional);
    assert_eq!(c.bill_type.as_deref(), Some("211"));
    assert_eq!(c.place_of_service, None);
    assert_eq!(c.statement_from, Some(jiff::civil::date(2023, 12, 1)));
    assert_eq!(c.statement_to, Some(jiff::civil::date(2023, 12, 15)));
    assert_eq!(c.admission_date, Some(jiff::civil::date(2023, 12, 1)));
    assert_eq!(c.discharge_status.as_deref(), Some("30"));
    assert_eq!(c.original_claim_id.as_deref(), Some("MEDICARE123"));
    assert_eq!(c.diagnoses[1].role, DxRole::Admitting);
    assert_eq!(
        c.attending_provider.as_ref().and_then(|p| p.npi.as_deref()),
        Some("5566778899")
    );
    let revs: Vec<_> = c.lines.iter().map(|l| l.revenue_code.as_deref()).collect();
    assert_eq!(
        revs,
        [Some("0450"), Some("0250"), Some("0300"), Some("0120")]
    );
    assert_eq!(c.lines[3].units, Some(14.0));
}

#[test]
fn several_interchanges_in_one_file_keep_order() {
    let mut all = Vec::new();
    for (name, ..) in PINNED {
        all.extend(fixture(name));
        all.extend(b"\r\n");
    }
    let (claims, warns) = read(&all);
    assert_eq!(claims.len(), PINNED.len());
    assert!(claims.iter().all(Result::is_ok));
    assert_eq!(warns.len(), 4);
    let idx: Vec<_> = claims
        .iter()
        .filter_map(|c| c.as_ref().ok())
        .map(|c| c.source.index)
        .collect();
    assert_eq!(idx, (0..PINNED.len()).collect::<Vec<_>>());
}

const MINI: &str = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *231215*1200*^*00501*000000001*0*P*:~
GS*HC*SENDER*RECEIVER*20231215*1200*1*X*005010X222A1~
ST*837*0001*005010X222A1~
BHT*0019*00*0001*20231215*1200*CH~
HL*1**20*1~
NM1*85*2*CLINIC*****XX*1234567893~
HL*2*1*22*0~
SBR*P*18*******CI~
NM1*IL*1*DOE*JANE****MI*MEM001~
DMG*D8*19800515*F~
NM1*PR*2*PAYER*****PI*P1~
CLM*C1*100***11:B:1*Y*A*Y*Y~
HI*ABK:J069~
LX*1~
SV1*HC:99213*100*UN*1***1~
DTP*472*D8*20231201~
CLM*C2*50***11:B:1*Y*A*Y*Y~
HI*ABK:J020~
LX*1~
SV1*HC:87880*50*UN*1***1~
DTP*472*D8*20231201~
SE*20*0001~
GE*1*1~
IEA*1*000000001~
";

fn errors(claims: &[Result<Claim, input::ClaimError>]) -> Vec<String> {
    claims
        .iter()
        .filter_map(|c| c.as_ref().err())
        .map(|e| e.message.clone())
        .collect()
}

#[test]
fn the_mini_file_is_clean() {
    let (claims, warns) = read(MINI.as_bytes());
    assert_eq!(claims.len(), 2);
    assert!(claims.iter().all(Result::is_ok), "{claims:?}");
    assert!(warns.is_empty(), "{warns:?}");
}

#[test]
fn truncated_file() {
    let cut = MINI.find("SV1*HC:87880").unwrap_or_default() + 5;
    let (claims, _) = read(&MINI.as_bytes()[..cut]);
    assert_eq!(claims.len(), 2);
    assert!(claims[0].is_ok());
    let e = claims[1]
        .as_ref()
        .err()
        .cloned()
        .unwrap_or_else(|| unreachable!());
    assert_eq!(e.claim_id.as_deref(), Some("C2"));
    assert!(e.message.contains("truncated"), "{}", e.message);

    // Cut after SE: both claims are whole, the loss is one record without a claim id.
    let cut = MINI.find("GE*").unwrap_or_default();
    let (claims, _) = read(&MINI.as_bytes()[..cut]);
    assert_eq!(claims.len(), 3);
    let e = claims[2]
        .as_ref()
        .err()
        .cloned()
        .unwrap_or_else(|| unreachable!());
    assert_eq!(e.claim_id, None);
    assert!(e.message.contains("before GE/IEA"), "{}", e.message);
}

#[test]
fn every_prefix_reads_without_panic() {
    for name in [
        "openx12-sample-837i.edi",
        "badx12-X222-COB-claim-from-billing-provider-to-payer-b.edi",
    ] {
        let bytes = fixture(name);
        for cut in 0..bytes.len() {
            if let Ok((claims, _)) = x12::read_all(&bytes[..cut], None) {
                assert!(claims.len() <= 2, "{name} cut at {cut}");
            }
        }
    }
}

#[test]
fn missing_isa_is_a_file_error() {
    let no_isa = &MINI[MINI.find("GS*").unwrap_or_default()..];
    assert!(matches!(
        x12::read_all(no_isa.as_bytes(), None),
        Err(X12Error::Isa(_))
    ));
    let doc = Arc::new(Bytes::Owned(no_isa.as_bytes().to_vec()));
    match input::split(doc, "claims.edi", InputFormat::X12) {
        Err(InputError::Malformed { message, .. }) => {
            assert_eq!(message, "the file does not start with an `ISA` segment");
        }
        other => unreachable!("{other:?}"),
    }
    let short = "ISA*00*  *00*";
    assert_eq!(
        x12::read_all(short.as_bytes(), None)
            .err()
            .map(|e| e.to_string()),
        Some(
            "the ISA segment is too short: ISA16 and the segment terminator cannot be found".into()
        )
    );
}

#[test]
fn swapped_delimiters() {
    // The ISA declares `|` but the body uses `*`: nothing after the ISA is a segment.
    let isa_end = MINI.find('~').unwrap_or_default();
    let swapped = format!("{}{}", MINI[..isa_end].replace('*', "|"), &MINI[isa_end..]);
    let (claims, _) = read(swapped.as_bytes());
    assert_eq!(claims.len(), 1);
    assert!(errors(&claims)[0].contains("not an X12 segment"));
    // Component separator and terminator swapped: the file says which terminator it uses.
    let isa = MINI[..=isa_end].replace(":~", "~:");
    let swapped = format!("{isa}{}", &MINI[isa_end + 1..]);
    match x12::read_all(swapped.as_bytes(), None) {
        Err(e) => assert!(
            e.to_string().contains(
                "declares `:` as the segment terminator, but the segments after it end with `~`"
            ),
            "{e}"
        ),
        Ok(_) => unreachable!("a swapped terminator must be a file error"),
    }
}

#[test]
fn corrupted_counts() {
    // A wrong SE01 is a warning; the claims still read.
    let (claims, warns) = read(MINI.replace("SE*20*", "SE*7*").as_bytes());
    assert!(claims.iter().all(Result::is_ok));
    assert_eq!(warns.len(), 1);
    assert_eq!(
        warns[0].message,
        "SE01 does not match the 20 segments of the transaction"
    );
    let (_, warns) = read(
        MINI.replace("IEA*1*000000001", "IEA*1*000000002")
            .as_bytes(),
    );
    assert_eq!(warns.len(), 1);
    // Too many CLM elements fails that claim only.
    let bad = MINI.replacen(
        "CLM*C1*100***11:B:1*Y*A*Y*Y",
        "CLM*C1*100***11:B:1*Y*A*Y*Y***********X*Y",
        1,
    );
    let (claims, _) = read(bad.as_bytes());
    assert_eq!(
        errors(&claims),
        ["`CLM` has 21 elements; at most 20 are allowed"]
    );
    assert!(claims[1].is_ok());
}

#[test]
fn binary_garbage() {
    let mut state = 0x2545_f491_u32;
    let garbage: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    assert_eq!(input::detect(&garbage), None);
    assert!(x12::read_all(&garbage, None).is_err());
    // A valid start followed by garbage: the claim in progress fails, nothing panics.
    let cut = MINI.find("LX*1").unwrap_or_default();
    let mut bytes = MINI.as_bytes()[..cut].to_vec();
    bytes.extend(garbage.iter().map(|b| if *b == b'~' { 0 } else { *b }));
    bytes.extend(b"~");
    let (claims, _) = read(&bytes);
    assert_eq!(claims.len(), 1);
    assert!(claims[0].is_err());
}

#[test]
fn version_4010_is_refused_per_claim() {
    let old = MINI.replace("005010X222A1", "004010X098A1");
    let (claims, _) = read(old.as_bytes());
    assert_eq!(claims.len(), 2);
    for c in &claims {
        let e = c.as_ref().err().cloned().unwrap_or_else(|| unreachable!());
        assert!(e.message.contains("4010"), "{}", e.message);
        assert!(e.claim_id.is_some());
    }
}

#[test]
fn claim_without_billing_provider() {
    let start = MINI.find("HL*1**20").unwrap_or_default();
    let end = MINI.find("HL*2*").unwrap_or_default();
    let bad = format!("{}{}", &MINI[..start], &MINI[end..]);
    let (claims, _) = read(bad.as_bytes());
    assert_eq!(claims.len(), 2);
    assert!(errors(&claims)[0].contains("no billing provider"));
}

#[test]
fn errors_never_echo_values() {
    let bad = MINI.replace("DMG*D8*19800515*F", "DMG*D8*19800231*F");
    let (claims, _) = read(bad.as_bytes());
    for e in claims.iter().filter_map(|c| c.as_ref().err()) {
        assert!(!e.message.contains("1980"), "{}", e.message);
        assert!(!e.message.contains("MEM001"), "{}", e.message);
        assert_eq!(
            e.location.as_ref().map(ToString::to_string).as_deref(),
            Some("segment 10, loop 2010BA, DMG-02")
        );
    }
    assert_eq!(
        errors(&claims).len(),
        2,
        "both claims of the subscriber fail"
    );
}

#[test]
fn non_claim_file_is_refused() {
    let era = MINI.replace("ST*837*0001*005010X222A1", "ST*835*0001");
    assert_eq!(
        x12::read_all(era.as_bytes(), None).err(),
        Some(X12Error::NotClaims {
            found: "`835`".into()
        })
    );
}

const INST: &str = "ISA*00*          *00*          *ZZ*H*ZZ*P*240420*1015*^*00501*000000007*0*P*:~
GS*HC*H*P*20240420*1015*7*X*005010X223A3~
ST*837*0007*005010X223A3~
BHT*0019*00*7*20240420*1015*CH~
HL*1**20*1~
PRV*BI*PXC*282N00000X~
NM1*85*2*HOSPITAL*****XX*1003000126~
REF*EI*111222333~
HL*2*1*22*0~
SBR*P*18*******MA~
NM1*IL*1*DOE*JOHN****MI*1EG4TE5MK73~
DMG*D8*19491102*M~
NM1*PR*2*MEDICARE A*****PI*MCRA~
CLM*ICLM-2002*20500***11:A:7*Y*A*Y*Y~
DTP*434*RD8*20240410-20240414~
DTP*435*DT*202404100830~
CL1*1*7*01~
REF*F8*PAYERCTL123~
REF*G1*AUTH55~
HI*ABK:I214:::::::Y*ABF:E785:::::::N~
HI*ABJ:R079*APR:R0789*ABN:V4952XA~
HI*BBR:027034Z:D8:20240411*BBQ:B2111ZZ:D8:20240412~
HI*BH:A1:D8:20240410~
NM1*71*1*HEART*DAVID****XX*1114567890~
PRV*AT*PXC*207RC0000X~
NM1*82*1*CUTTER*SUE****XX*1225678901~
LX*1~
SV2*0120**8000*DA*4~
DTP*472*RD8*20240410-20240413~
LX*2~
SV2*0481*HC:92928:LC*12500*UN*1~
DTP*472*D8*20240411~
NM1*82*1*CUTTER*SUE****XX*1225678901~
SE*32*0007~
GE*1*7~
IEA*1*000000007~
";

#[test]
fn institutional_positions() {
    let (claims, warns) = read(INST.as_bytes());
    assert!(warns.is_empty(), "{warns:?}");
    let c = match claims.first() {
        Some(Ok(c)) => c,
        other => unreachable!("{other:?}"),
    };
    assert_eq!(c.kind, ClaimKind::Institutional);
    assert_eq!(c.bill_type.as_deref(), Some("117"));
    assert_eq!(c.frequency.as_deref(), Some("7"));
    assert_eq!(c.original_claim_id.as_deref(), Some("PAYERCTL123"));
    assert_eq!(c.prior_authorization.as_deref(), Some("AUTH55"));
    assert_eq!(c.admission_date, Some(jiff::civil::date(2024, 4, 10)));
    assert_eq!(c.statement_to, Some(jiff::civil::date(2024, 4, 14)));
    assert_eq!(c.discharge_status.as_deref(), Some("01"));
    assert_eq!(c.billing_provider.taxonomy.as_deref(), Some("282N00000X"));
    let dx: Vec<_> = c
        .diagnoses
        .iter()
        .map(|d| (d.code.as_str(), d.role, d.poa.as_deref()))
        .collect();
    assert_eq!(
        dx,
        [
            ("I214", DxRole::Principal, Some("Y")),
            ("E785", DxRole::Other, Some("N")),
            ("R079", DxRole::Admitting, None),
            ("R0789", DxRole::ReasonForVisit, None),
            ("V4952XA", DxRole::ExternalCause, None),
        ]
    );
    let px: Vec<_> = c
        .procedures
        .iter()
        .map(|p| (p.code.as_str(), p.principal, p.date))
        .collect();
    assert_eq!(
        px,
        [
            ("027034Z", true, Some(jiff::civil::date(2024, 4, 11))),
            ("B2111ZZ", false, Some(jiff::civil::date(2024, 4, 12))),
        ]
    );
    let att = c.attending_provider.as_ref();
    assert_eq!(att.and_then(|p| p.npi.as_deref()), Some("1114567890"));
    assert_eq!(att.and_then(|p| p.taxonomy.as_deref()), Some("207RC0000X"));
    assert_eq!(
        c.rendering_provider.as_ref().and_then(|p| p.npi.as_deref()),
        Some("1225678901")
    );
    assert_eq!(c.lines.len(), 2);
    assert_eq!(c.lines[0].revenue_code.as_deref(), Some("0120"));
    assert_eq!(c.lines[0].procedure, None);
    assert_eq!(c.lines[0].units, Some(4.0));
    assert_eq!(c.lines[1].modifiers, ["LC"]);
    assert_eq!(c.lines[1].rendering_npi.as_deref(), Some("1225678901"));
    assert_eq!(
        x12_at(c, "/diagnoses/0/poa"),
        (20, "2300".into(), "HI-01-9".into())
    );
    assert_eq!(
        x12_at(c, "/procedures/1/date"),
        (22, "2300".into(), "HI-02-4".into())
    );
    assert_eq!(
        x12_at(c, "/lines/1/rendering_npi"),
        (33, "2420C".into(), "NM1-09".into())
    );
    assert_eq!(
        x12_at(c, "/attending_provider/taxonomy"),
        (25, "2310A".into(), "PRV-03".into())
    );
}

#[test]
fn newline_terminated_segments_and_referral() {
    // Segment terminator `\n` declared in the ISA, CRLF line ends, indentation.
    let text = MINI
        .replace("~\n", "\r\n  ")
        .replacen(
            "HI*ABK:J069",
            "REF*9F*REF77\r\n  REF*G1*PA1\r\n  HI*ABK:J069",
            1,
        )
        .replace("SE*20*", "SE*22*");
    let (claims, warns) = read(text.as_bytes());
    assert!(warns.is_empty(), "{warns:?}");
    assert_eq!(claims.len(), 2);
    let c = claims[0].as_ref().unwrap_or_else(|e| unreachable!("{e:?}"));
    assert_eq!(c.referral_number.as_deref(), Some("REF77"));
    assert_eq!(c.prior_authorization.as_deref(), Some("PA1"));
}

#[test]
fn read_from_a_file_by_detection() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
    let path = dir.path().join("claims.x12");
    std::fs::write(&path, format!("\u{feff}{MINI}")).unwrap_or_else(|e| unreachable!("{e}"));
    let path = path.to_string_lossy().into_owned();
    let pending = input::read(&path, None).unwrap_or_else(|e| unreachable!("{e}"));
    let claims: Vec<_> = pending
        .into_iter()
        .map(input::Pending::materialize)
        .collect();
    assert_eq!(claims.len(), 2);
    let c = claims[1].as_ref().unwrap_or_else(|e| unreachable!("{e:?}"));
    assert_eq!(c.source.file.as_deref(), Some(path.as_str()));
    assert_eq!(c.source.index, 1);
    let with = input::read_with_warnings(&path, Some(InputFormat::X12))
        .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(with.pending.count(), 2);
    assert!(with.warnings.get().is_empty());
}

/// Claims split in order and mapped out of order, on other threads (as the runner maps them),
/// are the claims and error records the in-order reader gives, with the same positions: for
/// every sample file, every cut of one, and a broken segment at every place in another.
#[test]
fn claims_mapped_in_parallel_match_the_sequential_reader() {
    use rayon::prelude::*;
    let compare = |bytes: &[u8], what: &str| {
        let sequential = match x12::read_all(bytes, Some(Arc::from("f.edi"))) {
            Ok((claims, _)) => claims,
            Err(_) => return,
        };
        let doc = Arc::new(Bytes::Owned(bytes.to_vec()));
        let Ok(split) = input::split(doc, "f.edi", InputFormat::X12) else {
            return;
        };
        let mut pending: Vec<_> = split.pending.collect();
        pending.reverse();
        let mut parallel: Vec<_> = pending
            .into_par_iter()
            .map(input::Pending::materialize)
            .collect();
        parallel.reverse();
        let text = |v: &[Result<Claim, input::ClaimError>]| format!("{v:?}");
        assert_eq!(text(&parallel), text(&sequential), "{what}");
        // A fault that cut a claim short names the claim's own loop, never the placeholder.
        assert!(!text(&parallel).contains(x12::map::CLAIM_LOOP), "{what}");
    };
    // Every sample file: `every_sample_reads_with_pinned_counts` keeps PINNED complete.
    for (name, ..) in PINNED {
        compare(&fixture(name), name);
    }
    let bytes = fixture("openx12-sample-837i.edi");
    for cut in (0..bytes.len()).step_by(7) {
        compare(&bytes[..cut], &format!("cut at {cut}"));
    }
    let text = String::from_utf8(fixture("badx12-X222-ambulance.edi")).unwrap_or_default();
    let segments: Vec<&str> = text.split('~').collect();
    for at in 3..segments.len() {
        for bad in ["\u{1}\u{2}*X", &format!("NM1*{}", "A".repeat(300))] {
            let mut s = segments.clone();
            s.insert(at, bad);
            compare(s.join("~").as_bytes(), &format!("{bad:.3} at {at}"));
        }
    }
}
