//! What each fuzz target runs: feed the bytes to one entry point of claimscrub and assert its
//! invariants, not only "no panic". The stable replay test (`tests/fuzz_corpus.rs`) includes
//! this file, so a corpus or crash file fails the same way under `cargo test` as under
//! `cargo fuzz`.
//!
//! Invariants checked on every input:
//! - readers (X12, JSON, NDJSON, FHIR): claims = checked + unreadable in the summary, results
//!   in input order, finite money totals, no [`MARKER`] (the text seeds carry in PHI fields)
//!   in any refusal, error record message or warning, every JSON/SARIF document and NDJSON
//!   line well formed, and byte-identical output in every format whether claims are checked
//!   one at a time or in chunks of 2,048;
//! - rule compiler: the same diagnostics twice, each on a line of the file, and a rule set
//!   that compiles never prints a member id, tax id, date of birth, exact age over 89 or
//!   day count from the birth date of the claims it checks;
//! - code-set loader: compiled bytes load or are refused the same way twice and a loaded set
//!   answers lookups; the TSV compiler is deterministic, what it writes always loads, and
//!   every code it accepted is found.

use std::sync::{Arc, OnceLock};

use claimscrub::claim::Claim;
use claimscrub::claim::input::{self, Bytes, InputFormat};
use claimscrub::codeset::{self, CodeSets, System};
use claimscrub::engine::{Engine, Options, run};
use claimscrub::outcome::{ClaimResult, Outcome};
use claimscrub::report::{self, RunMeta, Summary};
use claimscrub::rules::compile::{self, RuleFile};
use claimscrub::rules::load;
use serde_json::Value;

/// The text the seed corpora carry in PHI-bearing fields (names, member ids, addresses,
/// unknown keys, ST01, `resourceType`); no refusal, error record or warning may contain it.
pub const MARKER: &str = "PHIMARK";

/// The name inputs are read under.
const PATH: &str = "fuzz-input";

/// The date every engine checks as of.
fn as_of() -> jiff::civil::Date {
    jiff::civil::date(2026, 7, 1)
}

/// The built-in code sets, loaded once per process.
fn codesets() -> Arc<CodeSets> {
    static SETS: OnceLock<Arc<CodeSets>> = OnceLock::new();
    SETS.get_or_init(|| match CodeSets::builtin() {
        Ok(s) => Arc::new(s),
        Err(e) => panic!("built-in code sets: {e}"),
    })
    .clone()
}

/// The options every engine runs with.
fn options() -> Options {
    Options {
        as_of: as_of(),
        ..Options::default()
    }
}

/// The shipped rules over the built-in code sets, compiled once per process.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let sets = codesets();
        let (set, diags) = compile::load(&load::builtin_files(), &load::read_list, &sets);
        match set {
            Some(set) => Engine::new(set, sets, options()),
            None => panic!("built-in rules do not compile: {diags:?}"),
        }
    })
}

/// Panic when `text` (a refusal, an error record, a warning) quotes the PHI marker.
pub fn assert_no_marker(what: &str, text: &str) {
    assert!(
        !text.contains(MARKER),
        "a claim value reached a {what}: {text:?}"
    );
}

/// X12 837P / 837I bytes through the reader, the engine and every emitter.
pub fn x12(data: &[u8]) {
    claims(data, InputFormat::X12);
}

/// Bytes as a JSON claim document and as NDJSON, and the format detection over them.
pub fn json(data: &[u8]) {
    claims(data, InputFormat::Json);
    claims(data, InputFormat::Ndjson);
    assert_eq!(input::detect(data), input::detect(data));
}

/// A FHIR R4 Claim or Bundle through the reader, the engine and every emitter.
pub fn fhir(data: &[u8]) {
    claims(data, InputFormat::Fhir);
}

/// What one run wrote: the refusal of the whole input, or each format's output.
#[derive(Debug, PartialEq)]
enum Written {
    /// The input was refused before any claim (`InputError`), with its message.
    Refused(String),
    /// Every format's bytes, in [`report::FORMATS`] order.
    Output(Vec<(&'static str, Vec<u8>)>),
}

/// Read `data` in `format`, check its claims and write every format, twice with different
/// chunk sizes: both runs must write the same bytes.
fn claims(data: &[u8], format: InputFormat) {
    let one = run_all(data, format, 1);
    let chunked = run_all(data, format, run::CHUNK);
    assert!(
        one == chunked,
        "output depends on how claims are chunked ({})",
        format.name()
    );
}

/// One run of reader → engine → every emitter, asserting the reader's invariants.
fn run_all(data: &[u8], format: InputFormat, chunk: usize) -> Written {
    let input = match input::split(Arc::new(Bytes::Owned(data.to_vec())), PATH, format) {
        Ok(i) => i,
        Err(e) => {
            let text = e.to_string();
            assert_no_marker("refusal", &text.replace(PATH, ""));
            return Written::Refused(text);
        }
    };
    let mut results: Vec<ClaimResult> = Vec::new();
    run::run(engine(), input.pending, chunk, |r| results.push(r));
    for w in input.warnings.get() {
        assert_no_marker("warning", &w.message);
    }
    let mut summary = Summary::default();
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r.seq, i, "results out of input order");
        if let Outcome::Unreadable(e) = &r.outcome {
            assert_no_marker("error record", &e.message);
        }
        summary.add(r);
    }
    assert_eq!(summary.claims, results.len());
    assert_eq!(summary.claims, summary.checked + summary.unreadable);
    assert!(
        summary.total_charges.is_finite() && summary.charges_at_risk.is_finite(),
        "the summary's money totals are not finite"
    );
    let meta = RunMeta {
        tool: "claimscrub",
        version: "fuzz",
        schema: 1,
        inputs: vec![PATH.to_string()],
        rules: 0,
    };
    let mut out = Vec::new();
    for f in report::FORMATS {
        let bytes = emit(*f, &meta, &results, &summary);
        match f.name() {
            "json" | "sarif" => {
                if let Err(e) = serde_json::from_slice::<Value>(&bytes) {
                    panic!("--format {} is not one JSON document: {e}", f.name());
                }
            }
            "ndjson" => ndjson_counts(&bytes, &summary),
            _ => {}
        }
        out.push((f.name(), bytes));
    }
    Written::Output(out)
}

/// Write every result in one format into memory.
fn emit(format: report::Format, meta: &RunMeta, results: &[ClaimResult], s: &Summary) -> Vec<u8> {
    let mut buf = Vec::new();
    {
        let mut e = report::emitter(format, Box::new(&mut buf), false);
        let written = e
            .begin(meta)
            .and_then(|()| results.iter().try_for_each(|r| e.claim(r)))
            .and_then(|()| e.finish(s));
        if let Err(err) = written {
            panic!("--format {} into memory: {err}", format.name());
        }
    }
    buf
}

/// Every NDJSON line is one JSON object; the last is the summary, whose counts add up and
/// match the error lines.
fn ndjson_counts(bytes: &[u8], summary: &Summary) {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => panic!("NDJSON output is not UTF-8: {e}"),
    };
    let mut errors = 0;
    let mut last = Value::Null;
    for line in text.lines() {
        last = match serde_json::from_str::<Value>(line) {
            Ok(v) => v,
            Err(e) => panic!("NDJSON line is not JSON ({e}): {line}"),
        };
        if last["type"] == "error" {
            errors += 1;
        }
    }
    assert_eq!(
        last["type"], "summary",
        "NDJSON does not end with its summary"
    );
    let n = |k: &str| last["data"][k].as_u64().unwrap_or(u64::MAX);
    assert_eq!(n("claims"), n("checked") + n("unreadable"));
    assert_eq!(n("unreadable"), errors);
    assert_eq!(n("claims"), summary.claims as u64);
    for money in ["total_charges", "charges_at_risk"] {
        assert!(
            last["data"][money].is_number(),
            "NDJSON summary {money} is not a number"
        );
    }
}

/// Claims carrying PHI the rules must never print: a member id, a subscriber, a tax id and a
/// birth date 95 years before the service date.
const PHI_CLAIMS: &str = r#"[
{"id":"C1","patient":{"member_id":"PHIMARK-member","date_of_birth":"1931-02-03","sex":"F"},
 "subscriber":{"member_id":"PHIMARK-subscriber","date_of_birth":"1931-02-03","sex":"M"},
 "billing_provider":{"npi":"1234567893","tax_id":"PHIMARK-tax"},
 "diagnoses":[{"code":"E11.9"},{"code":"I10"}],
 "lines":[{"procedure":"G0103","charge":40,"units":1,"from":"2026-03-02","diagnosis_pointers":[1]},
          {"procedure":"99213","modifiers":["25"],"charge":80,"units":2,"from":"2026-03-02","diagnosis_pointers":[2]}]},
{"id":"C2","type":"institutional","bill_type":"0111","patient":{"member_id":"PHIMARK-member","date_of_birth":"1931-02-03","sex":"M"},
 "statement_from":"2026-03-02","statement_to":"2026-03-04","admission_date":"2026-03-02","discharge_status":"01",
 "diagnoses":[{"code":"J18.9"}],"procedures":[{"code":"0BH17EZ","date":"2026-03-02"}],
 "lines":[{"revenue_code":"0450","procedure":"99283","charge":300,"units":1,"from":"2026-03-02"}]}
]"#;

/// What a compiled rule must not print from [`PHI_CLAIMS`]: the marker, the birth date in
/// its spellings, the exact age (95) and the days from birth to service (34,725).
const PHI_DERIVED: [&str; 7] = [
    MARKER,
    "1931-02-03",
    "19310203",
    "02/03/1931",
    "95",
    "34725",
    "34,725",
];

/// [`PHI_CLAIMS`], read once.
fn phi_claims() -> &'static [Claim] {
    static CLAIMS: OnceLock<Vec<Claim>> = OnceLock::new();
    CLAIMS.get_or_init(|| {
        let pending = match input::read_bytes(
            "phi.json",
            PHI_CLAIMS.as_bytes().to_vec(),
            Some(InputFormat::Json),
        ) {
            Ok(p) => p,
            Err(e) => panic!("PHI claims: {e}"),
        };
        pending
            .map(|p| match p.materialize() {
                Ok(c) => c,
                Err(e) => panic!("PHI claim: {e}"),
            })
            .collect()
    })
}

/// A YAML rule file through the rule compiler; a rule set that compiles checks claims
/// carrying PHI and must not print it.
pub fn rules(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    // Lines as YAML counts them: `\r\n`, a lone `\r` and `\n` each end one.
    let lines = text.replace("\r\n", "\n").matches(['\n', '\r']).count() as u32 + 1;
    let files = [RuleFile {
        path: Arc::from("fuzz/rule.yaml"),
        text: text.clone(),
    }];
    let read_list = |path: &str| {
        path.ends_with(".txt")
            .then(|| "E119\nI10\nJ189\n".to_string())
    };
    let sets = codesets();
    let (set, diags) = compile::load(&files, &read_list, &sets);
    let (_, again) = compile::load(&files, &read_list, &sets);
    assert_eq!(
        format!("{diags:?}"),
        format!("{again:?}"),
        "diagnostics differ"
    );
    for d in &diags {
        assert!(
            d.line <= lines + 1,
            "diagnostic on line {} of a {lines}-line file: {}",
            d.line,
            d.message
        );
    }
    let Some(set) = set else { return };
    let engine = Engine::new(set, sets, options());
    let leaks: Vec<&str> = PHI_DERIVED
        .into_iter()
        .filter(|s| !text.contains(s))
        .collect();
    for claim in phi_claims() {
        let findings = engine.check(claim);
        assert_eq!(
            format!("{findings:?}"),
            format!("{:?}", engine.check(claim)),
            "findings differ between two checks of one claim"
        );
        for f in &findings {
            for leak in &leaks {
                assert!(
                    !f.message.contains(leak) && !f.help.contains(leak),
                    "rule {} prints `{leak}` derived from PHI: {:?}",
                    f.rule,
                    f.message
                );
            }
        }
    }
}

/// Compiled code-set bytes through the loader; a set that loads answers lookups.
pub fn codeset_bytes(data: &[u8]) {
    let_the_loader_catch();
    let first = CodeSets::from_bytes("fuzz.csfst", data.to_vec());
    let second = CodeSets::from_bytes("fuzz.csfst", data.to_vec());
    match (&first, &second) {
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        (Ok(_), Ok(_)) => {}
        _ => panic!("the same bytes load once and are refused once"),
    }
    if let Ok(sets) = first {
        exercise(&sets);
    }
}

/// Put the default panic hook back in place of libFuzzer's, which aborts before unwinding:
/// the code-set loader catches the fst crate's panics on nodes a forged checksum let through
/// and refuses the file (`codeset::load`). A panic the loader does not catch still reaches
/// libFuzzer's own `catch_unwind`, which aborts: it is still a crash, with its message.
fn let_the_loader_catch() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| drop(std::panic::take_hook()));
}

/// Ask a loaded set every kind of question, so a corrupt table that loads is read in full.
fn exercise(sets: &CodeSets) {
    let info = sets.info();
    assert!(!info.is_empty(), "a loaded file lists no set");
    let date = as_of();
    for system in System::ALL {
        let Some(set) = sets.get(system) else {
            continue;
        };
        let codes = set.prefix("");
        assert!(
            codes.len() <= set.len(),
            "more codes listed than the set holds"
        );
        for code in codes.iter().take(64) {
            assert!(set.contains(code), "listed code {code} is not found");
            let _ = set.lookup(code, date).to_string();
            let _ = set.children(code, Some(date));
            let _ = set.notes(code);
            let _ = set.seventh(code);
            let _ = set.suggest(code, 1);
        }
        let _ = set.excludes1_census();
    }
    let _ = sets.ptp("G0103", "99213", date);
    let _ = sets.mue("G0103", date);
    let _ = sets.addon("G0103", date);
}

/// Plain code-set sources through the TSV compiler. The input is the system name on its
/// first line, then files each introduced by a line `@@ <file name>`:
///
/// ```text
/// icd10cm
/// @@ codes.tsv
/// code<TAB>billable<TAB>valid_from<TAB>valid_to<TAB>short_title
/// @@ notes.tsv
/// …
/// ```
pub fn codeset_tsv(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (system, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let mut files: Vec<(&str, String)> = Vec::new();
    for line in rest.split_inclusive('\n') {
        match (line.strip_prefix("@@ "), files.last_mut()) {
            (Some(name), _) => files.push((name.trim_end(), String::new())),
            (None, Some((_, body))) => body.push_str(line),
            (None, None) => {}
        }
    }
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let first = codeset::compile_sources(system.trim(), &files);
    let second = codeset::compile_sources(system.trim(), &files);
    let bytes = match (first, second) {
        (Ok(a), Ok(b)) => {
            assert!(a == b, "the same sources compile to different bytes");
            a
        }
        (Err(a), Err(b)) => return assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("the same sources compile once and fail once"),
    };
    let sets = match CodeSets::from_bytes("compiled.csfst", bytes) {
        Ok(s) => s,
        Err(e) => panic!("a file the compiler wrote does not load: {e}"),
    };
    exercise(&sets);
    let Some(set) = System::from_name(system.trim()).and_then(|s| sets.get(s)) else {
        panic!("compiled `{}` holds no such system", system.trim());
    };
    let main = match system.trim() {
        "modifier" => "modifiers.tsv",
        "pos" => "pos.tsv",
        _ => "codes.tsv",
    };
    let main = files.iter().find(|(n, _)| *n == main);
    for code in main.map(|(_, t)| accepted_codes(t)).unwrap_or_default() {
        assert!(set.contains(&code), "accepted code {code} is not found");
    }
}

/// The `code` column of a TSV text the compiler accepted.
fn accepted_codes(text: &str) -> Vec<String> {
    let mut lines = text.split('\n');
    let header: Vec<&str> = lines
        .next()
        .unwrap_or("")
        .trim_end_matches('\r')
        .split('\t')
        .collect();
    let Some(col) = header.iter().position(|h| *h == "code") else {
        return Vec::new();
    };
    lines
        .filter_map(|l| l.trim_end_matches('\r').split('\t').nth(col))
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}
