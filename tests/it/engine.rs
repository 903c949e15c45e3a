//! Engine properties: the index finds what full evaluation finds (with or without a forced
//! payer); a broken claim is one error record and the rest are checked; a forced payer
//! replaces the claim's for scoping; charges at risk never exceed a claim's charges.

use std::sync::Arc;

use claimscrub::claim::input::{Bytes, Pending};
use claimscrub::claim::json;
use claimscrub::engine::run;
use claimscrub::outcome::Outcome;

use crate::util;

/// Claims built from the examples with codes and fields varied deterministically.
fn varied_claims() -> Vec<claimscrub::claim::Claim> {
    let text = match std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/claims.json")) {
        Ok(t) => t,
        Err(e) => panic!("examples/claims.json: {e}"),
    };
    let base: Vec<claimscrub::claim::Claim> =
        json::split_document(Arc::new(Bytes::Owned(text)), None)
            .filter_map(|p| p.materialize().ok())
            .collect();
    let procs = [
        "99213", "99214", "G0103", "G0008", "G0121", "82947", "J3490", "A0425", "20610", "36415",
    ];
    let dxs = [
        "E119", "E11", "Z125", "Z23", "Z1211", "I10", "O80", "P0700", "N390", "Z0000",
    ];
    let mods = ["25", "59", "XE", "LT", "RT", "50", "26", "TC", "GT", "95"];
    let mut out = Vec::new();
    for (n, b) in base.iter().cycle().take(300).enumerate() {
        let mut c = b.clone();
        c.id = format!("V{n}");
        for (i, l) in c.lines.iter_mut().enumerate() {
            l.procedure = Some(procs[(n * 7 + i * 3) % procs.len()].to_string());
            l.modifiers = (0..(n + i) % 3)
                .map(|k| mods[(n + k * 5 + i) % mods.len()].to_string())
                .collect();
            l.units = Some(((n + i) % 4) as f64);
        }
        for (i, d) in c.diagnoses.iter_mut().enumerate() {
            d.code = dxs[(n * 3 + i * 7) % dxs.len()].to_string();
        }
        if n % 5 == 0 {
            c.payer.id = Some("MEDICARE-B".into());
            c.payer.plan = Some("MB".into());
        }
        out.push(c);
    }
    out
}

#[test]
fn index_finds_the_same_as_evaluating_every_rule() {
    index_matches_exhaustive(&util::engine());
}

#[test]
fn index_finds_the_same_under_a_forced_payer() {
    for name in ["medicare", "ACME1"] {
        let mut engine = util::engine();
        engine.options.payer = Some(
            claimscrub::engine::ForcedPayer::resolve(&engine.rules, name).expect("known payer"),
        );
        index_matches_exhaustive(&engine);
    }
}

fn index_matches_exhaustive(engine: &claimscrub::engine::Engine) {
    let claims = varied_claims();
    let mut fired = 0;
    for c in &claims {
        let a: Vec<String> = engine
            .check(c)
            .iter()
            .map(|f| format!("{}|{:?}|{}|{}", f.rule, f.line, f.path, f.message))
            .collect();
        let b: Vec<String> = engine
            .check_all_rules(c)
            .iter()
            .map(|f| format!("{}|{:?}|{}|{}", f.rule, f.line, f.path, f.message))
            .collect();
        assert_eq!(a, b, "claim {}", c.id);
        fired += a.len();
    }
    assert!(fired > 0, "the varied claims should trigger findings");
}

#[test]
fn broken_claim_in_the_middle_is_one_error_record() {
    let engine = util::engine();
    let text = br#"[
      {"id":"A","lines":[{"procedure":"99213","units":1,"charge":10,"from":"2026-06-01"}]},
      {"id":"B","lines":[{"procedure":"99213","units":"one"}]},
      {"id":"C","lines":[{"procedure":"99213","units":1,"charge":10,"from":"2026-06-01"}]}
    ]"#;
    let pending: Vec<Pending> = json::split_document(
        Arc::new(Bytes::Owned(text.to_vec())),
        Some(Arc::from("t.json")),
    )
    .collect();
    let mut seen = Vec::new();
    run::run(&engine, pending.into_iter(), 2, |r| {
        seen.push(match r.outcome {
            Outcome::Checked(c) => format!("checked {}", c.claim_id),
            Outcome::Unreadable(e) => format!(
                "unreadable {} {}",
                e.claim_id.unwrap_or_default(),
                e.message
            ),
        })
    });
    assert_eq!(
        seen,
        vec![
            "checked A".to_string(),
            "unreadable B invalid value at `/lines/0/units`: expected f64".to_string(),
            "checked C".to_string()
        ]
    );
}

/// Check one JSON claim with `engine`, returning the rule ids that fired.
fn rules_fired(engine: &claimscrub::engine::Engine, claim_json: &str) -> Vec<String> {
    let claim = json::split_document(Arc::new(Bytes::Owned(claim_json.as_bytes().to_vec())), None)
        .next()
        .expect("one claim")
        .materialize()
        .expect("the claim reads");
    let mut ids: Vec<String> = engine
        .check(&claim)
        .iter()
        .map(|f| f.rule.to_string())
        .collect();
    ids.dedup();
    ids
}

/// A professional claim whose line is 17 months old at submission: past both Medicare's
/// 12 months (MCR001) and ACME's 90 days (ACME001).
fn old_claim(payer: &str, plan: &str) -> String {
    format!(
        r#"{{"id":"OLD-1","type":"professional","submission_date":"2026-06-20",
        "payer":{{"id":"{payer}","plan":"{plan}"}},
        "patient":{{"member_id":"M1","date_of_birth":"1961-04-12","sex":"F"}},
        "billing_provider":{{"npi":"1234567893","tax_id":"123456789"}},"place_of_service":"11",
        "diagnoses":[{{"code":"I10","role":"principal"}}],"total_charge":90,
        "lines":[{{"procedure":"99213","units":1,"charge":90,"from":"2025-01-02","diagnosis_pointers":[1]}}]}}"#
    )
}

#[test]
fn a_forced_payer_replaces_the_claims_payer_for_scoping() {
    use claimscrub::engine::ForcedPayer;
    let forced = |name: &str| {
        let mut e = util::engine();
        e.options.payer = Some(ForcedPayer::resolve(&e.rules, name).expect("a known payer"));
        e
    };
    let has = |ids: &[String], id: &str| ids.iter().any(|x| x == id);

    // The claim's own payer decides when nothing is forced.
    let commercial = old_claim("00435", "CI");
    let own = rules_fired(&util::engine(), &commercial);
    assert!(!has(&own, "MCR001") && !has(&own, "ACME001"), "{own:?}");
    let medicare = old_claim("04412", "MB");
    let own = rules_fired(&util::engine(), &medicare);
    assert!(has(&own, "MCR001") && !has(&own, "ACME001"), "{own:?}");

    // A pack named by its short name applies its rules to a commercial claim.
    let ids = rules_fired(&forced("medicare"), &commercial);
    assert!(has(&ids, "MCR001") && !has(&ids, "ACME001"), "{ids:?}");
    let ids = rules_fired(&forced("payers/medicare"), &commercial);
    assert!(has(&ids, "MCR001"), "{ids:?}");

    // Forcing ACME on a Medicare claim replaces Medicare: its rules no longer apply.
    let ids = rules_fired(&forced("ACME1"), &medicare);
    assert!(has(&ids, "ACME001") && !has(&ids, "MCR001"), "{ids:?}");
    let ids = rules_fired(&forced("acme"), &medicare);
    assert!(has(&ids, "ACME001") && !has(&ids, "MCR001"), "{ids:?}");
}

#[test]
fn an_unknown_payer_is_refused_with_what_is_known() {
    use claimscrub::engine::ForcedPayer;
    let e = util::engine();
    let err = ForcedPayer::resolve(&e.rules, "medicar").expect_err("unknown");
    assert_eq!(err.suggestion.as_deref(), Some("did you mean `medicare`?"));
    assert!(err.payer_ids.contains(&"ACME1".to_string()), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("medicare (filing indicators MA, MB)"),
        "{text}"
    );
    assert!(text.contains("acme (payer ids ACME1)"), "{text}");
    // A claim's payer id that no rule scopes is not a payer `--payer` knows.
    assert!(ForcedPayer::resolve(&e.rules, "00435").is_err());
}

#[test]
fn charges_at_risk_never_exceed_the_claims_charges() {
    use claimscrub::report::Summary;
    let engine = util::engine();
    // No total charge (CLM02 missing): the claim-level CORE031 error puts the whole claim at
    // risk, which is what its lines are known to charge.
    let text = br#"[
      {"id":"NOTOTAL","type":"professional","submission_date":"2026-06-20",
       "payer":{"id":"00435","plan":"CI"},
       "patient":{"member_id":"M1","date_of_birth":"1961-04-12","sex":"F"},
       "billing_provider":{"npi":"1234567893","tax_id":"123456789"},"place_of_service":"11",
       "diagnoses":[{"code":"I10","role":"principal"}],
       "lines":[{"procedure":"99213","units":1,"charge":90,"from":"2026-06-02","diagnosis_pointers":[1]}]},
      {"id":"OVER","type":"professional","submission_date":"2026-06-20",
       "payer":{"id":"00435","plan":"CI"},
       "patient":{"member_id":"M1","date_of_birth":"1961-04-12","sex":"F"},
       "billing_provider":{"npi":"1234567893","tax_id":"123456789"},"place_of_service":"11",
       "diagnoses":[{"code":"I10","role":"principal"}],"total_charge":50,
       "lines":[{"procedure":"9921X","units":1,"charge":90,"from":"2026-06-02","diagnosis_pointers":[1]}]}
    ]"#;
    let pending: Vec<Pending> =
        json::split_document(Arc::new(Bytes::Owned(text.to_vec())), None).collect();
    let mut summary = Summary::default();
    let mut per_claim = Vec::new();
    run::run(&engine, pending.into_iter(), 8, |r| {
        if let Outcome::Checked(c) = &r.outcome {
            per_claim.push((
                c.claim_id.clone(),
                c.findings.iter().any(|f| &*f.rule == "CORE031"),
                c.charges_at_risk(),
                c.known_charges(),
            ));
        }
        summary.add(&r);
    });
    assert_eq!(
        per_claim,
        vec![
            ("NOTOTAL".to_string(), true, 90.0, 90.0),
            // The lines charge 90 but the claim totals 50 (CORE017): at risk is what it totals.
            ("OVER".to_string(), false, 50.0, 50.0),
        ]
    );
    assert_eq!(summary.total_charges, 140.0);
    assert_eq!(summary.charges_at_risk, 140.0);
}

/// A rule's help cites UB-04 form locators on an institutional claim and CMS-1500 boxes on a
/// professional one.
#[test]
fn help_follows_the_claim_kind() {
    let engine = util::engine();
    let claim = |kind: &str| -> claimscrub::claim::Claim {
        let mut c: claimscrub::claim::Claim = serde_json::from_str(&format!(
            r#"{{"id":"K1","type":"{kind}","patient":{{"member_id":"M1","sex":"F"}},
                "bill_type":"0131","statement_from":"2026-06-02","statement_to":"2026-06-02",
                "diagnoses":[{{"code":"E119","role":"principal"}}],"total_charge":10,
                "lines":[{{"procedure":"G0008","revenue_code":"0300","charge":10,"units":1,"from":"2026-06-02","diagnosis_pointers":[1]}}]}}"#
        ))
        .unwrap();
        c.normalize();
        c
    };
    let help = |kind: &str| {
        engine
            .check(&claim(kind))
            .into_iter()
            .find(|f| f.rule.as_ref() == "CORE007")
            .map(|f| f.help)
            .unwrap_or_default()
    };
    assert!(
        help("institutional").contains("UB-04 FL 10"),
        "{}",
        help("institutional")
    );
    assert!(
        help("professional").contains("CMS-1500 box 3"),
        "{}",
        help("professional")
    );
}
