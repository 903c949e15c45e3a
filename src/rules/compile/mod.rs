//! Validate rule files and compile them into predicates with a trigger index.
//!
//! Validation returns a value: every problem in every file, each with file:line:column and a
//! hint, not just the first `Err`. A rule set with errors is not built.

mod header;
mod hints;
mod lower;
mod template;
mod text;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub use super::cond::codes::CodeList;
pub use super::cond::codeset::{KNOWN_FLAGS, StatusMask};
pub use super::cond::{Cond, Pred};
pub use super::diagnostic::{Code, Diagnostic, DiagnosticLevel};
pub use super::index::Index;
pub use super::ir::*;
pub use hints::{did_you_mean, did_you_mean_or_list};
pub use lower::Lower;

use super::index::build_index;
use super::schema::{self, PackDoc, RuleDoc};
use crate::codeset::CodeSets;

/// Compile rule, pack and list files. `read_list` resolves a code-list file path (relative
/// to the rule file) to its text. Returns the rule set when there are no errors, and every
/// diagnostic either way.
pub fn load(
    files: &[RuleFile],
    read_list: &dyn Fn(&str) -> Option<String>,
    codesets: &CodeSets,
) -> (Option<RuleSet>, Vec<Diagnostic>) {
    let (set, diags) = load_partial(files, read_list, codesets);
    if diags.iter().any(|d| d.level == DiagnosticLevel::Error) {
        return (None, diags);
    }
    (Some(set), diags)
}

/// Like [`load`], but returns the rules that did compile even when other rules have errors,
/// so `rules lint` can report lint findings and errors in one run. A set built with errors
/// is missing rules: it is for linting, never for checking claims.
pub fn load_partial(
    files: &[RuleFile],
    read_list: &dyn Fn(&str) -> Option<String>,
    codesets: &CodeSets,
) -> (RuleSet, Vec<Diagnostic>) {
    let mut cx = Lower {
        diags: Vec::new(),
        codesets,
        read_list,
        lists: HashMap::new(),
        file: Arc::from(""),
        window: None,
    };
    let mut packs_docs: Vec<(Arc<str>, String, PackDoc)> = Vec::new();
    let mut rule_docs: Vec<(Arc<str>, RuleDoc, String)> = Vec::new();
    for f in files {
        cx.file = f.path.clone();
        let is_pack = f.path.ends_with("/pack.yaml") || &*f.path == "pack.yaml";
        if is_pack {
            match schema::from_yaml::<PackDoc>(&f.text) {
                Ok(p) => packs_docs.push((f.path.clone(), parent_dir(&f.path), p)),
                Err(e) => cx.err_at(e.line, e.column, Code::Yaml, e.message, None),
            }
        } else {
            match schema::from_yaml::<RuleDoc>(&f.text) {
                Ok(r) => rule_docs.push((f.path.clone(), r, f.text.clone())),
                Err(e) => {
                    let help = hints::yaml_help(&e.message);
                    cx.err_at(e.line, e.column, Code::Yaml, e.message, help)
                }
            }
        }
    }
    // Packs: the deepest pack.yaml above a rule names its pack.
    packs_docs.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.1.cmp(&b.1)));
    let mut rules = Vec::new();
    // Id → the file that first used it, and whether that rule is removed.
    let mut seen: HashMap<String, (Arc<str>, bool)> = HashMap::new();
    for (path, doc, text) in &rule_docs {
        cx.file = path.clone();
        let pack = packs_docs
            .iter()
            .find(|(_, dir, _)| dir.is_empty() || path.starts_with(&format!("{dir}/")));
        let pack_scope = pack.and_then(|(_, _, p)| p.scope.as_ref());
        let pack_name: Arc<str> = pack
            .map(|(_, _, p)| Arc::from(p.name.as_str()))
            .unwrap_or_else(|| Arc::from(parent_dir(path).rsplit('/').next().unwrap_or("")));
        if let Some((prev, removed)) = seen.get(&doc.id.value) {
            let whose = if *removed {
                "a removed rule"
            } else {
                "another rule"
            };
            cx.err(
                &doc.id,
                Code::DuplicateId,
                format!(
                    "rule id `{}` is already used by {whose} in `{prev}`",
                    doc.id.value
                ),
                Some("rule ids are stable and never reused: pick the next free number".into()),
            );
            continue;
        }
        let removed = doc.status.as_ref().is_some_and(|s| s.value == "removed");
        seen.insert(doc.id.value.clone(), (path.clone(), removed));
        if let Some(r) = cx.rule(doc, text, pack_scope, pack_name) {
            rules.push(r);
        }
    }
    let mut packs = Vec::new();
    for (path, dir, doc) in &packs_docs {
        cx.file = path.clone();
        let scope = doc.scope.as_ref().map(|s| cx.scope(s)).unwrap_or_default();
        let mut disable = Vec::new();
        for id in &doc.disable {
            match rules.iter().position(|r: &Rule| *r.id == id.value) {
                Some(i) => disable.push(i),
                None => {
                    let help = did_you_mean(&id.value, rules.iter().map(|r| &*r.id));
                    cx.err(
                        id,
                        Code::UnknownRule,
                        format!("no rule has id `{}`", id.value),
                        help,
                    );
                }
            }
        }
        packs.push(Pack {
            name: Arc::from(doc.name.as_str()),
            dir: dir.clone(),
            description: doc.description.clone().unwrap_or_default(),
            scope,
            disable,
        });
    }
    let mut diags = cx.diags;
    diags.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    let index = build_index(&rules);
    (
        RuleSet {
            rules,
            packs,
            index,
        },
        diags,
    )
}

fn parent_dir(path: &str) -> String {
    path.rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

/// Resolve `name` relative to the directory of `file`.
pub fn resolve_relative(file: &str, name: &str) -> String {
    let dir = parent_dir(file);
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for p in name.split('/') {
        match p {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            x => parts.push(x),
        }
    }
    parts.join("/")
}

/// The rule ids of a set, for stable listings.
pub fn ids(set: &RuleSet) -> BTreeMap<String, usize> {
    set.rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.to_string(), i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(effective: &str, codes: &str) -> RuleFile {
        RuleFile {
            path: "p/r.yaml".into(),
            text: format!(
                "id: TST001\nname: t\ntitle: t\nseverity: error\ncategory: medical-necessity\ncarc: CO-11\n{effective}each: diagnosis\nwhen:\n  codes: {{ field: dx.code, in: [{codes}], system: icd10cm }}\nmessage: m\nhelp: h\n"
            ),
        }
    }

    fn diags(effective: &str, codes: &str) -> Vec<(u32, u32, &'static str, String)> {
        let sets = match CodeSets::builtin() {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let (set, d) = load(&[rule(effective, codes)], &|_| None, &sets);
        assert!(set.is_some(), "{d:#?}");
        d.into_iter()
            .map(|d| {
                (
                    d.line,
                    d.column,
                    d.code.as_str(),
                    d.message + " / " + &d.help.unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn a_listed_header_is_a_warning_with_its_children() {
        let d = diags("", "Z125, E11");
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!((d[0].0, d[0].1, d[0].2), (9, 39, "listed-header"));
        assert!(
            d[0].3.contains("`E11.*`") && d[0].3.contains("`E1100`"),
            "{}",
            d[0].3
        );
    }

    #[test]
    fn a_listed_code_outside_the_effective_window_is_a_warning() {
        // H4011X0 was deleted after 2016-09-30; B8801 is new on 2025-10-01.
        let closed = "effective: { from: 2018-01-01, to: 2019-12-31 }\n";
        let d = diags(closed, "H4011X0, Z125");
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].2, "listed-not-effective");
        assert!(d[0].3.contains("2015-10-01 to 2016-09-30"), "{}", d[0].3);
        assert!(diags("effective: { to: 2016-12-31 }\n", "H4011X0").is_empty());
        // A047 was billable until 2017-09-30, then became a header.
        assert!(diags("effective: { to: 2016-12-31 }\n", "A047").is_empty());
        let d = diags(closed, "A047");
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].2, "listed-header");
        let open = "effective: { from: 2024-10-01 }\n";
        let d = diags(open, "B8801");
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].3.contains("on 2024-10-01"), "{}", d[0].3);
        assert!(diags("effective: { from: 2025-10-01 }\n", "B8801").is_empty());
        assert!(diags("", "H4011X0, B8801").is_empty());
    }

    #[test]
    fn partial_load_keeps_the_rules_that_compile() {
        let good = rule("", "Z125");
        let bad = RuleFile {
            path: "p/bad.yaml".into(),
            text: good
                .text
                .replace("TST001", "TST002")
                .replace("dx.code", "dx.cod"),
        };
        let (set, d) = load_partial(
            &[good.clone(), bad.clone()],
            &|_| None,
            &CodeSets::default(),
        );
        assert_eq!(set.rules.len(), 1);
        assert_eq!(d.len(), 1);
        assert!(
            load(&[good, bad], &|_| None, &CodeSets::default())
                .0
                .is_none()
        );
    }
}
