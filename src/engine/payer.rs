//! A payer forced on a run (`check --payer`): which payer ids and packs a name can mean, and
//! the payer scope it stands for in place of each claim's own.

use crate::rules::compile::did_you_mean;
use crate::rules::{Pack, RuleSet};

/// The payer a run scopes every claim as, in place of the claim's own payer id (2010BB
/// NM109) and claim filing indicator (SBR09): payer-scoped rules and pack overrides follow it,
/// never the claim's payer. Rules that read the payer fields still see the claim's values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForcedPayer {
    /// The payer id scopes are matched against, `None` for none.
    pub id: Option<String>,
    /// The claim filing indicator scopes are matched against, `None` for none.
    pub plan: Option<String>,
}

/// `--payer` named neither a payer id the rules scope nor a payer pack.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct UnknownPayer {
    /// What was given.
    pub given: String,
    /// The closest payer id or pack name, if one is close.
    pub suggestion: Option<String>,
    /// Every payer id a loaded rule or pack scopes, sorted.
    pub payer_ids: Vec<String>,
    /// Every payer pack, by name, with what it matches.
    pub packs: Vec<String>,
}

impl UnknownPayer {
    fn render(&self) -> String {
        let none = |v: Vec<String>| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        };
        let ids: Vec<String> = self.payer_ids.iter().map(|x| format!("`{x}`")).collect();
        let mut s = format!("unknown payer `{}` for `--payer`", self.given);
        if let Some(h) = &self.suggestion {
            s.push_str(&format!("\n  help: {h}"));
        }
        s.push_str(&format!("\n  known payer ids: {}", none(ids)));
        s.push_str(&format!("\n  payer packs: {}", none(self.packs.clone())));
        s
    }
}

/// A pack that scopes claims by payer id or filing indicator.
pub fn is_payer_pack(p: &Pack) -> bool {
    p.scope.payers.is_some() || p.scope.plans.is_some()
}

/// Does `given` name the pack: its name (`medicare`, any case) or its directory, whole or by
/// its trailing components (`payers/medicare`, `rules/payers/medicare`)?
pub fn names_pack(p: &Pack, given: &str) -> bool {
    let given = given.trim_end_matches('/');
    p.name.eq_ignore_ascii_case(given)
        || (!given.is_empty() && (p.dir == given || p.dir.ends_with(&format!("/{given}"))))
}

/// Every payer id a loaded rule or pack scopes, sorted and deduplicated.
pub fn known_payer_ids(rules: &RuleSet) -> Vec<String> {
    let mut ids: Vec<String> = rules
        .rules
        .iter()
        .map(|r| &r.scope)
        .chain(rules.packs.iter().map(|p| &p.scope))
        .filter_map(|s| s.payers.as_ref())
        .flatten()
        .cloned()
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

impl ForcedPayer {
    /// What `--payer NAME` means over these rules. A payer id that a rule or pack scopes is
    /// taken as is (with the first filing indicator of the pack that lists it, if that pack
    /// names any); otherwise a payer pack, by its name (`medicare`) or its directory
    /// (`payers/medicare`, see [`names_pack`]), stands for its first payer id and its first
    /// filing indicator (`medicare`: no payer id, indicator `MA`), so every rule scoped like
    /// the pack applies. An id wins over a pack of the same name.
    pub fn resolve(rules: &RuleSet, name: &str) -> Result<ForcedPayer, UnknownPayer> {
        let ids = known_payer_ids(rules);
        let mut payer_packs: Vec<&Pack> = rules.packs.iter().filter(|p| is_payer_pack(p)).collect();
        payer_packs.sort_by(|a, b| a.name.cmp(&b.name));
        let first = |v: &Option<Vec<String>>| v.as_ref().and_then(|v| v.first().cloned());
        if ids.iter().any(|i| i == name) {
            let plan = payer_packs
                .iter()
                .find(|p| p.scope.payers.iter().flatten().any(|i| i == name))
                .and_then(|p| first(&p.scope.plans));
            return Ok(ForcedPayer {
                id: Some(name.to_string()),
                plan,
            });
        }
        if let Some(p) = payer_packs.iter().find(|p| names_pack(p, name)) {
            return Ok(ForcedPayer {
                id: first(&p.scope.payers),
                plan: first(&p.scope.plans),
            });
        }
        let suggestion = did_you_mean(
            name,
            ids.iter()
                .map(String::as_str)
                .chain(payer_packs.iter().map(|p| &*p.name)),
        );
        Err(UnknownPayer {
            given: name.to_string(),
            suggestion,
            payer_ids: ids,
            packs: payer_packs.iter().map(|p| describe_scope(p)).collect(),
        })
    }
}

/// `acme (payer ids ACME1)`, `medicare (filing indicators MA, MB)`.
pub fn describe_scope(p: &Pack) -> String {
    let mut parts = Vec::new();
    if let Some(v) = &p.scope.payers {
        parts.push(format!("payer ids {}", v.join(", ")));
    }
    if let Some(v) = &p.scope.plans {
        parts.push(format!("filing indicators {}", v.join(", ")));
    }
    if parts.is_empty() {
        p.name.to_string()
    } else {
        format!("{} ({})", p.name, parts.join("; "))
    }
}
