//! Memory-bound property: no input of size n makes a run (reader, engine, emitter) allocate
//! more than `c·n + constant` bytes at its peak. A counting global allocator records the
//! peak while generated adversarial inputs of growing size (many lines, long codes, deep
//! nesting, repeated segments, huge arrays, many claims) go through the readers, the shipped
//! rules and the NDJSON and SARIF emitters in this process. This is a bound on bytes, not on
//! time.
#![allow(
    unsafe_code,
    reason = "a global allocator is an unsafe trait; this one forwards to the system allocator"
)]
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use claimscrub::claim::input::{self, Bytes, InputFormat};
use claimscrub::codeset::CodeSets;
use claimscrub::engine::{Engine, Options, run};
use claimscrub::report::{self, RunMeta, Summary};
use claimscrub::rules::compile;
use claimscrub::rules::load;

/// Bytes allocated now, and the most since the last [`reset_peak`].
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counting what is live.
struct Counting;

impl Counting {
    fn grow(n: usize) {
        let now = CURRENT.fetch_add(n, Ordering::Relaxed) + n;
        PEAK.fetch_max(now, Ordering::Relaxed);
    }
}

// SAFETY: every call forwards to `System` with the caller's layout and pointer unchanged;
// the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            Counting::grow(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            Counting::grow(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                Counting::grow(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Start measuring: the peak is what is live now.
fn reset_peak() -> usize {
    let now = CURRENT.load(Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
    now
}

/// Bytes a run may allocate per input byte at most (`c`), in every output format: SARIF is
/// written as claims are checked, as NDJSON is. Measured worst case 115 (many small X12
/// claims: a chunk of up to 2,048 claims is held at once, so this flattens past it); a JSON
/// claim of 80,000 empty lines, 120 while lists were parsed whole, is now constant (only the
/// first line past the limit is kept).
const PER_BYTE: usize = 160;

/// Bytes a run may allocate whatever its input (the constant): thread stacks are not heap,
/// but the pool's queues, one chunk of results and the emitters' buffers are.
const CONSTANT: usize = 32 << 20;

/// How much more a run may allocate when its input is [`GROWTH`] times larger: a linear cost
/// grows as much as the input, a quadratic one by its square (16× here), which this refuses
/// even where `c·n` would still hold at these sizes.
const GROWTH_SLACK: f64 = 1.25;
/// Each size is this many times the last.
const GROWTH: usize = 4;

/// The engine over the shipped rules, built before anything is measured.
fn engine() -> Engine {
    let sets = CodeSets::builtin().unwrap();
    let (set, diags) = compile::load(&load::builtin_files(), &load::read_list, &sets);
    let set = set.unwrap_or_else(|| panic!("built-in rules: {diags:?}"));
    Engine::new(
        set,
        sets,
        Options {
            as_of: jiff::civil::date(2026, 7, 1),
            ..Options::default()
        },
    )
}

/// Peak bytes allocated beyond the input while `data` is read, checked and written in
/// `format` (to nowhere), on one worker thread so the peak does not depend on scheduling.
fn peak(engine: &Engine, data: Vec<u8>, input_format: InputFormat, format: &str) -> usize {
    let format = report::Format::from_name(format).unwrap();
    let doc = Arc::new(Bytes::Owned(data));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let base = reset_peak();
    pool.install(|| {
        let Ok(input) = input::split(doc, "generated", input_format) else {
            return;
        };
        let meta = RunMeta {
            tool: "claimscrub",
            version: "test",
            schema: 1,
            inputs: vec!["generated".into()],
            rules: 0,
        };
        let mut out = report::emitter(format, Box::new(std::io::sink()), false);
        out.begin(&meta).unwrap();
        let mut summary = Summary::default();
        run::run(engine, input.pending, run::CHUNK, |r| {
            summary.add(&r);
            out.claim(&r).unwrap();
        });
        out.finish(&summary).unwrap();
    });
    PEAK.load(Ordering::Relaxed).saturating_sub(base)
}

/// One generated case: its name, its format, and the input of about `n` bytes.
type Generator = (&'static str, InputFormat, fn(usize) -> Vec<u8>);

const LINE: &str =
    r#"{"procedure":"99213","units":1,"charge":50,"from":"2026-06-02","diagnosis_pointers":[1]}"#;

/// The X12 envelope around `body` segments (one 837P transaction).
fn x12(body: &str) -> Vec<u8> {
    format!(
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260101*1200*^*00501*000000001*0*P*:~\
         GS*HC*SENDER*RECEIVER*20260101*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~\
         BHT*0019*00*0001*20260101*1200*CH~NM1*41*2*SUBMITTER*****46*1~NM1*40*2*RECEIVER*****46*2~\
         HL*1**20*1~NM1*85*2*BILLING*****XX*1234567893~HL*2*1*22*0~SBR*P*18*******CI~\
         NM1*IL*1*DOE*JANE****MI*M1~DMG*D8*19610412*F~NM1*PR*2*PAYER*****PI*00435~{body}SE*1*0001~GE*1*1~IEA*1*000000001~"
    )
    .into_bytes()
}

/// The adversarial shapes, each growing with `n`.
const GENERATORS: &[Generator] = &[
    ("many NDJSON claims", InputFormat::Ndjson, |n| {
        let one = format!(r#"{{"id":"C","diagnoses":[{{"code":"E119"}}],"lines":[{LINE}]}}"#);
        (0..n / one.len())
            .map(|i| one.replacen("\"C\"", &format!("\"C{i}\""), 1) + "\n")
            .collect::<String>()
            .into_bytes()
    }),
    ("empty lines in a JSON claim", InputFormat::Json, |n| {
        let lines = vec!["{}"; n / 3].join(",");
        format!(r#"{{"id":"E","lines":[{lines}]}}"#).into_bytes()
    }),
    (
        "identical lines, one claim each",
        InputFormat::Ndjson,
        |n| {
            let one = format!(
                r#"{{"id":"D","type":"institutional","lines":[{}]}}"#,
                vec![LINE; 40].join(",")
            );
            (0..n / one.len())
                .map(|_| one.clone() + "\n")
                .collect::<String>()
                .into_bytes()
        },
    ),
    ("a long diagnosis code", InputFormat::Json, |n| {
        format!(
            r#"{{"id":"L","diagnoses":[{{"code":"{}"}}],"lines":[]}}"#,
            "9".repeat(n)
        )
        .into_bytes()
    }),
    ("a huge array of diagnoses", InputFormat::Json, |n| {
        let dx = vec![r#"{"code":"E119"}"#; n / 16].join(",");
        format!(r#"{{"id":"H","diagnoses":[{dx}],"lines":[]}}"#).into_bytes()
    }),
    ("JSON nested deep", InputFormat::Json, |n| {
        format!("{}{}", "[".repeat(n / 2), "]".repeat(n / 2)).into_bytes()
    }),
    ("a FHIR bundle nested deep", InputFormat::Fhir, |n| {
        format!(
            r#"{{"resourceType":"Bundle","entry":{}{}}}"#,
            "[".repeat(n / 2),
            "]".repeat(n / 2)
        )
        .into_bytes()
    }),
    ("a FHIR bundle of many claims", InputFormat::Fhir, |n| {
        let one = r#"{"resource":{"resourceType":"Claim","id":"F","type":{"coding":[{"code":"professional"}]},"diagnosis":[{"sequence":1,"diagnosisCodeableConcept":{"coding":[{"code":"J06.9"}]}}],"item":[{"sequence":1,"productOrService":{"coding":[{"code":"99213"}]},"servicedDate":"2026-06-02"}]}}"#;
        format!(
            r#"{{"resourceType":"Bundle","entry":[{}]}}"#,
            vec![one; n / one.len()].join(",")
        )
        .into_bytes()
    }),
    ("repeated LX segments", InputFormat::X12, |n| {
        let line = "LX*1~SV1*HC:99213*50*UN*1***1~DTP*472*D8*20260602~";
        x12(&format!(
            "CLM*C1*50***11:B:1*Y*A*Y*Y~HI*ABK:J069~{}",
            line.repeat(n / line.len())
        ))
    }),
    ("many X12 claims", InputFormat::X12, |n| {
        let claim = "CLM*C1*50***11:B:1*Y*A*Y*Y~HI*ABK:J069~LX*1~SV1*HC:99213*50*UN*1***1~DTP*472*D8*20260602~";
        x12(&claim.repeat(n / claim.len()))
    }),
    ("a long X12 element", InputFormat::X12, |n| {
        x12(&format!(
            "CLM*C1*50***11:B:1*Y*A*Y*Y~HI*ABK:{}~",
            "9".repeat(n)
        ))
    }),
];

/// Input sizes: each [`GROWTH`] times the last, so a quadratic cost shows as 16× the memory.
const SIZES: [usize; 3] = [16 << 10, (16 << 10) * GROWTH, (16 << 10) * GROWTH * GROWTH];

#[test]
fn peak_memory_is_linear_in_the_input() {
    let engine = engine();
    let mut report = String::new();
    let mut over = Vec::new();
    for (name, input_format, generate) in GENERATORS {
        for format in ["ndjson", "sarif"] {
            let mut last: Option<(usize, usize)> = None;
            for n in SIZES {
                let data = generate(n);
                let len = data.len();
                let used = peak(&engine, data, *input_format, format);
                let bound = PER_BYTE * len + CONSTANT;
                report.push_str(&format!(
                    "{name:<34} {format:<6} {len:>9} bytes in: peak {used:>11} bytes ({:.1}/byte)\n",
                    used as f64 / len.max(1) as f64
                ));
                if used > bound {
                    over.push(format!(
                        "{name} ({format}, {len} bytes): {used} > c·n + constant = {bound}"
                    ));
                }
                if let Some((was_len, was_used)) = last {
                    let grown = len as f64 / was_len as f64;
                    let allowed = was_used as f64 * grown * GROWTH_SLACK + (1 << 20) as f64;
                    if used as f64 > allowed {
                        over.push(format!(
                            "{name} ({format}): {was_used} bytes for {was_len} in, {used} for {len}: grows faster than the input"
                        ));
                    }
                }
                last = Some((len, used));
            }
        }
    }
    println!("{report}");
    assert!(
        over.is_empty(),
        "past c·n + constant:\n{}\n{report}",
        over.join("\n")
    );
}

/// The counter sees what is allocated, so the bound above measures something.
#[test]
fn the_counter_records_a_peak() {
    let base = reset_peak();
    let block = vec![1u8; 4 << 20];
    let seen = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    drop(block);
    assert!(
        seen >= 4 << 20,
        "a 4 MiB allocation counted as {seen} bytes"
    );
}
