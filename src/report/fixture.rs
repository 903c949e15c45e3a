//! A fixed, hand-built run for the emitter snapshots: a clean claim, claims with error,
//! warning and info findings at claim and line level located in JSON, X12 and FHIR input, and
//! two unreadable claims. Built by hand, so a rule or code-set change never churns the
//! emitter snapshots.

use std::borrow::Cow;
use std::io::Write;
use std::sync::Arc;

use super::{Emitter, RunMeta, Summary};
use crate::claim::Location;
use crate::claim::input::ClaimError;
use crate::finding::{Category, Finding, RuleSource, Severity};
use crate::outcome::{Checked, ClaimResult, Outcome, Tally};
use crate::rules::NoticeRule;

/// The run's header; the version is fixed so a release does not churn the snapshots.
pub fn meta() -> RunMeta {
    RunMeta {
        tool: "claimscrub",
        version: "0.0.0-test",
        schema: 1,
        inputs: vec![
            "claims.json".into(),
            "batch.837".into(),
            "bundle.json".into(),
        ],
        rules: 4,
    }
}

/// A fixture finding's fields; its rule source is derived from the rule id.
struct Spec {
    claim: &'static str,
    rule: &'static str,
    category: Category,
    severity: Severity,
    line: Option<u32>,
    code: Option<&'static str>,
    path: &'static str,
    location: Option<Location>,
    carc: Option<&'static str>,
    rarc: Option<&'static str>,
    message: &'static str,
    help: &'static str,
    charge: Option<f64>,
}

fn finding(s: Spec) -> Finding {
    Finding {
        claim_id: s.claim.into(),
        rule: Arc::from(s.rule),
        category: s.category,
        severity: s.severity,
        line: s.line,
        code: s.code.map(String::from),
        display_code: s
            .code
            .map(|c| crate::codeset::normalize::dotted(c).into_owned()),
        path: crate::claim::Position::parse(s.path).expect("a model position"),
        location: s.location,
        carc: s.carc.map(Arc::from),
        rarc: s.rarc.map(Arc::from),
        message: s.message.into(),
        help: s.help.into(),
        rule_source: RuleSource {
            file: Arc::from(format!("rules/test/{}.yaml", s.rule.to_lowercase())),
            line: 3,
        },
        charge: s.charge,
    }
}

fn x12(segment: u32, loop_id: &'static str, element: &'static str) -> Location {
    Location::X12 {
        segment,
        loop_id: Cow::Borrowed(loop_id),
        element: Cow::Borrowed(element),
        transaction: Arc::from("0001"),
        // As if every segment before it were 30 bytes long.
        offset: Some(30 * (segment as usize - 1)),
    }
}

/// The claims of the run, in input order.
pub fn results() -> Vec<ClaimResult> {
    let json_file: Arc<str> = Arc::from("claims.json");
    let x12_file: Arc<str> = Arc::from("batch.837");
    // A notice counted on two claims, three lines in all: said once, not per line.
    let notice = Arc::new(NoticeRule {
        code: Arc::from("cpt-not-loaded"),
        rule: Arc::from("TST009"),
        severity: Severity::Info,
        message: "CPT code not checked: no CPT file loaded".into(),
        help: "load your licensed CPT file".into(),
    });
    let outcomes = vec![
        Outcome::Checked(Checked {
            claim_id: "CLEAN-1".into(),
            file: Some(json_file.clone()),
            total_charge: Some(120.0),
            line_charges: 120.0,
            line_count: 1,
            findings: Vec::new(),
            notices: vec![Tally {
                notice: notice.clone(),
                lines: 1,
            }],
        }),
        // Line-level errors (line 2 twice: its charge counts once) and a warning without help.
        Outcome::Checked(Checked {
            claim_id: "LINES-2".into(),
            file: Some(json_file.clone()),
            total_charge: Some(1234.5),
            line_charges: 1234.5,
            line_count: 3,
            findings: vec![
                finding(Spec {
                    claim: "LINES-2",
                    rule: "TST001",
                    category: Category::InvalidCode,
                    severity: Severity::Error,
                    line: Some(2),
                    code: Some("9921X"),
                    path: "/lines/1/procedure",
                    location: Some(Location::Json {
                        pointer: "/1/lines/1/procedure".into(),
                        line: Some(41),
                    }),
                    carc: Some("CO-181"),
                    rarc: Some("M51"),
                    message: "procedure code `9921X` is not a valid CPT/HCPCS code, \"as billed\"",
                    help: "correct the code",
                    charge: Some(250.0),
                }),
                finding(Spec {
                    claim: "LINES-2",
                    rule: "TST002",
                    category: Category::UnitsExceeded,
                    severity: Severity::Error,
                    line: Some(2),
                    code: Some("9921X"),
                    path: "/lines/1/units",
                    location: Some(Location::Json {
                        pointer: "/1/lines/1/units".into(),
                        line: None,
                    }),
                    carc: Some("CO-151"),
                    rarc: None,
                    message: "5 units exceed the limit of 1",
                    help: "bill at most 1 unit",
                    charge: Some(250.0),
                }),
                finding(Spec {
                    claim: "LINES-2",
                    rule: "TST003",
                    category: Category::Modifier,
                    severity: Severity::Warning,
                    line: Some(3),
                    code: Some("25"),
                    path: "/lines/2/modifiers/0",
                    location: None,
                    carc: None,
                    rarc: None,
                    message: "modifier `25` on a procedure without an E/M service",
                    help: "",
                    charge: Some(84.5),
                }),
            ],
            notices: vec![Tally {
                notice: notice.clone(),
                lines: 2,
            }],
        }),
        // X12: a claim-level error puts the whole claim at risk; an info finding on a line.
        Outcome::Checked(Checked {
            claim_id: "X12-3".into(),
            file: Some(x12_file.clone()),
            total_charge: Some(300.0),
            line_charges: 300.0,
            line_count: 1,
            findings: vec![
                finding(Spec {
                    claim: "X12-3",
                    rule: "TST004",
                    category: Category::MissingField,
                    severity: Severity::Error,
                    line: None,
                    code: None,
                    path: "/patient/date_of_birth",
                    location: Some(x12(9, "2010CA", "DMG-02")),
                    carc: Some("CO-16"),
                    rarc: Some("MA27"),
                    message: "the patient's birth date is missing",
                    help: "add DMG02 to loop 2010CA",
                    charge: None,
                }),
                finding(Spec {
                    claim: "X12-3",
                    rule: "TST003",
                    category: Category::UnverifiedCode,
                    severity: Severity::Info,
                    line: Some(1),
                    code: Some("99213"),
                    path: "/lines/0/procedure",
                    location: Some(x12(21, "2400", "SV1-01-2")),
                    carc: None,
                    rarc: None,
                    message: "CPT code `99213` not verified: no CPT file loaded",
                    help: "pass --codesets with a CPT file",
                    charge: Some(300.0),
                }),
            ],
            notices: Vec::new(),
        }),
        // FHIR: a warning only, so the claim is still clean; no total, so its lines count.
        Outcome::Checked(Checked {
            claim_id: "FHIR-4".into(),
            file: Some(Arc::from("bundle.json")),
            total_charge: None,
            line_charges: 150.0,
            line_count: 2,
            findings: vec![finding(Spec {
                claim: "FHIR-4",
                rule: "TST002",
                category: Category::PlaceOfService,
                severity: Severity::Warning,
                line: Some(2),
                code: Some("99"),
                path: "/lines/1/place_of_service",
                location: Some(Location::Fhir {
                    path: "Claim.item[1].locationCodeableConcept".into(),
                }),
                carc: Some("CO-58"),
                rarc: None,
                message: "place of service `99` does not fit an office visit",
                help: "use the place the service was given",
                charge: Some(75.0),
            })],
            notices: Vec::new(),
        }),
        Outcome::Unreadable(ClaimError {
            file: Some(x12_file),
            index: 1,
            claim_id: Some("X12-5".into()),
            location: Some(x12(40, "2300", "CLM-02")),
            message: "CLM-02 is not an amount".into(),
            limit: None,
        }),
        Outcome::Unreadable(ClaimError {
            file: None,
            index: 0,
            claim_id: None,
            location: None,
            message: "input is not JSON, X12 or FHIR".into(),
            limit: None,
        }),
    ];
    outcomes
        .into_iter()
        .enumerate()
        .map(|(seq, outcome)| ClaimResult { seq, outcome })
        .collect()
}

/// Everything an emitter writes for the fixed run, as text.
pub fn render(build: impl for<'a> FnOnce(Box<dyn Write + 'a>) -> Box<dyn Emitter + 'a>) -> String {
    let mut buf = Vec::new();
    {
        let mut emitter = build(Box::new(&mut buf));
        emitter.begin(&meta()).unwrap();
        let mut summary = Summary::default();
        for r in results() {
            summary.add(&r);
            emitter.claim(&r).unwrap();
        }
        emitter.finish(&summary).unwrap();
    }
    String::from_utf8(buf).unwrap()
}
