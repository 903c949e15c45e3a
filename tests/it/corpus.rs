//! The clean-claims corpus: real sample claims nobody here wrote (the X12 guide examples in
//! badx12, the openx12 fixtures), the FHIR fixtures and the examples. Every error finding on
//! it must be a real defect of that sample, explained below; anything else is a false error.

use std::collections::BTreeSet;

use claimscrub::claim::input;
use claimscrub::engine::run;
use claimscrub::finding::Severity;
use claimscrub::outcome::Outcome;

use crate::util;

const GUIDE_NPI: &str = "the X12 guide's example NPI fails the NPI check digit (X12.md notes the guides' NPIs rarely pass)";
const FIXTURE_NPI: &str = "the fixture's NPI fails the NPI check digit";
const MINIMAL: &str = "openx12's minimal fixture omits a segment the 837 guide requires";

/// `(file, claim id, rule, line, code, why)`.
type Defect = (
    &'static str,
    &'static str,
    &'static str,
    Option<u32>,
    &'static str,
    &'static str,
);

/// `(file, claim id, rule, line, code)` of every error finding expected on the corpus, with
/// the defect of the sample that explains it.
const EXPECTED: &[Defect] = &[
    (
        "badx12-X222-COB-claim-from-billing-provider-to-payer-a.edi",
        "26407789",
        "CORE002",
        None,
        "1999996666",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-COB-claim-from-billing-provider-to-payer-a.edi",
        "26407789",
        "CORE003",
        None,
        "1999996666",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-COB-claim-from-billing-provider-to-payer-b.edi",
        "26407789",
        "CORE002",
        None,
        "1999996666",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-COB-claim-from-billing-provider-to-payer-b.edi",
        "26407789",
        "CORE003",
        None,
        "1999996666",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-COB-claim-from-payer-a-to-payer-b-in-payer-to-payer.edi",
        "26407789",
        "CORE002",
        None,
        "1999996666",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-COB-claim-from-payer-a-to-payer-b-in-payer-to-payer.edi",
        "26407789",
        "CORE003",
        None,
        "1999996666",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-ambulance.edi",
        "051068",
        "CORE002",
        None,
        "2366554859",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-anesthesia.edi",
        "153829140",
        "CORE002",
        None,
        "2366554859",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-anesthesia.edi",
        "153829140",
        "CORE003",
        None,
        "5678912345",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-chiropractic.edi",
        "125WILL",
        "CORE002",
        None,
        "1234567890",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-commercial-health-insurance.edi",
        "26463774",
        "CORE002",
        None,
        "9876543210",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-encounter.edi",
        "26462967",
        "CORE002",
        None,
        "9876543210",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-medicare-secondary-payer-COB.edi",
        "101KEN6055",
        "CORE002",
        None,
        "0100000009",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-medicare-secondary-payer-COB.edi",
        "101KEN6055",
        "CORE003",
        None,
        "9090909090",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-out-of-network-repriced-claim.edi",
        "TS234H3",
        "CORE003",
        None,
        "1112223336",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-oxygen.edi",
        "R03996273 #01",
        "CORE002",
        None,
        "9992233334",
        GUIDE_NPI,
    ),
    (
        "badx12-X222-ppo-repriced-claim.edi",
        "ABC123-RI",
        "CORE002",
        None,
        "1234567890",
        GUIDE_NPI,
    ),
    (
        "openx12-minimal-837i.edi",
        "CLM001",
        "CORE002",
        None,
        "1234567890",
        FIXTURE_NPI,
    ),
    (
        "openx12-minimal-837i.edi",
        "CLM001",
        "CORE004",
        None,
        "",
        MINIMAL,
    ),
    (
        "openx12-minimal-837i.edi",
        "CLM001",
        "CORE005",
        None,
        "",
        MINIMAL,
    ),
    (
        "openx12-minimal-837i.edi",
        "CLM001",
        "CORE007",
        None,
        "",
        MINIMAL,
    ),
    (
        "openx12-minimal-837i.edi",
        "CLM001",
        "CORE008",
        None,
        "",
        MINIMAL,
    ),
    (
        "openx12-minimal-837i.edi",
        "CLM001",
        "CORE025",
        None,
        "",
        MINIMAL,
    ),
    (
        "openx12-minimal-837p.edi",
        "CLM001",
        "CORE002",
        None,
        "1234567890",
        FIXTURE_NPI,
    ),
    (
        "openx12-minimal-837p.edi",
        "CLM001",
        "CORE004",
        None,
        "",
        MINIMAL,
    ),
    (
        "openx12-minimal-837p.edi",
        "CLM001",
        "CORE005",
        None,
        "",
        MINIMAL,
    ),
    (
        "openx12-minimal-837p.edi",
        "CLM001",
        "CORE007",
        None,
        "",
        MINIMAL,
    ),
    (
        "openx12-minimal-837p.edi",
        "CLM001",
        "CORE008",
        None,
        "",
        MINIMAL,
    ),
    (
        "openx12-minimal-837p.edi",
        "CLM001",
        "CORE013",
        Some(1),
        "",
        MINIMAL,
    ),
    (
        "openx12-sample-837i.edi",
        "HOSP001",
        "CORE017",
        None,
        "25000",
        "CLM02 says 25000.00 but the four SV2 lines add up to 6550.00",
    ),
    (
        "openx12-sample-837i.edi",
        "HOSP001",
        "ICD014",
        None,
        "I2511",
        "I25.11 is a subcategory header (I25.110–I25.119 are the billable codes)",
    ),
    (
        "openx12-sample-837p.edi",
        "CLAIM001",
        "CORE002",
        None,
        "1234567890",
        FIXTURE_NPI,
    ),
    (
        "bundle.json",
        "BCLM-3002",
        "CORE005",
        None,
        "",
        "the second claim's insurance references `Coverage/cov-missing`, which the Bundle does not hold",
    ),
    (
        "bundle.json",
        "BCLM-3002",
        "CORE006",
        None,
        "",
        "the second claim's insurance references `Coverage/cov-missing`, which the Bundle does not hold",
    ),
    (
        "institutional-claim.json",
        "ICLM-2002",
        "CORE004",
        None,
        "",
        "the hospital Organization carries an NPI but no tax identifier",
    ),
    (
        "professional-claim.json",
        "PCLM-1001",
        "CORE003",
        None,
        "1922334455",
        FIXTURE_NPI,
    ),
    (
        "claims.json",
        "CLM-1002",
        "CORE001",
        None,
        "",
        "example of a claim without a billing NPI",
    ),
    (
        "claims.json",
        "CLM-1002",
        "CORE017",
        None,
        "100",
        "example: the total is 100.00, the one line 90.00",
    ),
    (
        "claims.json",
        "CLM-1002",
        "ICD002",
        None,
        "E11",
        "example of a header diagnosis",
    ),
    (
        "claims.json",
        "CLM-1002",
        "CORE018",
        Some(1),
        "3",
        "example of a pointer past the diagnoses",
    ),
    (
        "claims.json",
        "CLM-1003",
        "MN001",
        Some(2),
        "G0103",
        "example: screening PSA pointing at R97.20 instead of Z12.5",
    ),
    (
        "claims.json",
        "CLM-1003",
        "MCR001",
        Some(3),
        "2025-05-01",
        "example: a Medicare line 417 days old",
    ),
    (
        "claims.json",
        "CLM-1003",
        "MOD002",
        Some(3),
        "20610",
        "example: modifier 25 on a joint injection",
    ),
    (
        "claims.json",
        "CLM-1004",
        "CORE003",
        None,
        "1234567890",
        "example of a rendering NPI with a bad check digit",
    ),
    (
        "claims.json",
        "CLM-1004",
        "ACME002",
        Some(1),
        "70553",
        "example: ACME brain MRI without prior authorization",
    ),
];

type Key = (String, String, String, Option<u32>, String);

#[test]
fn every_error_on_the_corpus_is_a_known_defect_of_its_sample() {
    let engine = util::engine();
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files: Vec<String> = Vec::new();
    for dir in ["tests/fixtures/x12", "tests/fixtures/fhir"] {
        let mut v: Vec<String> = std::fs::read_dir(format!("{root}/{dir}"))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "edi" || x == "json"))
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        v.sort();
        files.extend(v);
    }
    files.push(format!("{root}/examples/claims.json"));

    let mut actual: BTreeSet<Key> = BTreeSet::new();
    let mut claims = 0;
    for f in &files {
        let pending = input::read(f, None).unwrap_or_else(|e| panic!("{f}: {e}"));
        let name = f.rsplit('/').next().unwrap_or(f).to_string();
        run::run(&engine, pending, 64, |r| match r.outcome {
            Outcome::Checked(c) => {
                claims += 1;
                for x in c.findings.iter().filter(|x| x.severity == Severity::Error) {
                    actual.insert((
                        name.clone(),
                        x.claim_id.clone(),
                        x.rule.to_string(),
                        x.line,
                        x.code.clone().unwrap_or_default(),
                    ));
                }
            }
            Outcome::Unreadable(e) => panic!("{name}: a corpus claim does not read: {}", e.message),
        });
    }
    assert!(claims >= 28, "the corpus shrank: {claims} claims");
    let expected: BTreeSet<Key> = EXPECTED
        .iter()
        .map(|(f, id, rule, line, code, _)| {
            (
                f.to_string(),
                id.to_string(),
                rule.to_string(),
                *line,
                code.to_string(),
            )
        })
        .collect();
    let unexplained: Vec<&Key> = actual.difference(&expected).collect();
    let vanished: Vec<&Key> = expected.difference(&actual).collect();
    assert!(
        unexplained.is_empty(),
        "error findings not explained as sample defects (false errors?):\n{unexplained:#?}"
    );
    assert!(
        vanished.is_empty(),
        "explained defects no longer found:\n{vanished:#?}"
    );
}
