//! JSON Schemas generated from the Rust types that read claims, rules, packs and rule tests,
//! so editors can complete and check files as they are typed. The committed copies in
//! `schemas/` are checked against these by a test.

use schemars::schema_for;

use crate::claim::Claim;
use crate::rules::schema::{PackDoc, RuleDoc, RuleTestDoc};

/// `(file name, pretty JSON)` for every schema, in a fixed order.
pub fn all() -> Vec<(&'static str, String)> {
    let pretty = |v: schemars::Schema| {
        let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
        s.push('\n');
        s
    };
    vec![
        ("claim.schema.json", pretty(schema_for!(Claim))),
        ("rule.schema.json", pretty(schema_for!(RuleDoc))),
        ("pack.schema.json", pretty(schema_for!(PackDoc))),
        ("rule-test.schema.json", pretty(schema_for!(RuleTestDoc))),
    ]
}
