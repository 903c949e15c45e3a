//! Load on `claimscrub serve` over loopback: `POST /v1/quick` and `POST /v1/check` (one
//! claim) at a fixed arrival rate, each for a bounded time; requests/s answered and the
//! p50/p99/max latency, measured from each request's scheduled send time (so a server that
//! falls behind shows it, rather than the load slowing to match).
//!
//! `cargo bench --bench serve`; `SERVE_BENCH_RATE` (requests/s, default 1000) and
//! `SERVE_BENCH_SECS` (per endpoint, default 5, at most 60) set the load. The server is the
//! release binary on a free port, its log sent to /dev/null.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark: a failure is a panic"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Connections the load is spread over, each with one request in flight.
const CONNECTIONS: usize = 8;

/// The combination `/v1/quick` is sent: the README's example.
const QUICK: &str = r#"{"diagnoses":["E11.9","G63"],"procedures":[{"code":"99214","modifiers":["25"]},{"code":"G0103"}],"age":64,"sex":"M","place_of_service":"11","payer":"medicare","date_of_service":"2026-03-01"}"#;

/// The claim `/v1/check` is sent.
const CLAIM: &str = r#"{"id":"B-1","payer":{"id":"00435","plan":"CI"},"patient":{"member_id":"M1","date_of_birth":"1961-04-12","sex":"F"},"billing_provider":{"npi":"1234567893","tax_id":"123456789"},"place_of_service":"11","diagnoses":[{"code":"E11.9"},{"code":"I10"}],"total_charge":185,"lines":[{"procedure":"99214","units":1,"charge":150,"from":"2026-03-02","diagnosis_pointers":[1,2]},{"procedure":"G0103","units":1,"charge":35,"from":"2026-03-02","diagnosis_pointers":[1]}]}"#;

/// One request on a kept-alive connection; panics unless the answer is 200.
fn send(conn: &mut BufReader<TcpStream>, request: &[u8]) {
    conn.get_mut().write_all(request).unwrap();
    let mut line = String::new();
    conn.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "answer: {line}");
    let mut length = 0usize;
    loop {
        line.clear();
        conn.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0u8; length];
    conn.read_exact(&mut body).unwrap();
}

/// Offer `rate` requests/s for `secs` seconds; the latencies, sorted, and the wall time.
fn load(addr: &str, path: &str, body: &str, rate: u64, secs: u64) -> (Vec<Duration>, Duration) {
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let total = rate * secs;
    let gap = Duration::from_secs_f64(1.0 / rate as f64);
    let start = Instant::now() + Duration::from_millis(50);
    let mut latencies: Vec<Duration> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..CONNECTIONS)
            .map(|w| {
                let request = request.as_bytes();
                s.spawn(move || {
                    let mut conn = BufReader::new(TcpStream::connect(addr).unwrap());
                    conn.get_ref().set_nodelay(true).unwrap();
                    let mut out = Vec::new();
                    let mut i = w as u64;
                    while i < total {
                        let due = start + gap * u32::try_from(i).unwrap();
                        if let Some(wait) = due.checked_duration_since(Instant::now()) {
                            std::thread::sleep(wait);
                        }
                        send(&mut conn, request);
                        out.push(due.elapsed());
                        i += CONNECTIONS as u64;
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let wall = start.elapsed();
    latencies.sort();
    (latencies, wall)
}

/// The server's own view from `/metrics`: the share of `route`'s requests answered within
/// each latency bucket up to 5 ms (since start, warm-up included).
fn server_side(addr: &str, route: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let value = |le: &str| -> f64 {
        let key =
            format!("claimscrub_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(&key))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0.0)
    };
    let all = value("+Inf").max(1.0);
    ["0.0005", "0.001", "0.002", "0.005"]
        .iter()
        .map(|le| {
            format!(
                "≤{} ms {:.2}%",
                le.parse::<f64>().unwrap() * 1000.0,
                100.0 * value(le) / all
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let rate = env("SERVE_BENCH_RATE", 1000).clamp(1, 20_000);
    let secs = env("SERVE_BENCH_SECS", 5).clamp(1, 60);
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimscrub"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start claimscrub serve");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let addr = first.trim().rsplit("http://").next().unwrap().to_string();
    println!(
        "claimscrub serve on {addr}: {rate} requests/s offered for {secs} s per endpoint, {CONNECTIONS} connections"
    );
    for (path, body) in [("/v1/quick", QUICK), ("/v1/check", CLAIM)] {
        // Warm up: code-set pages, the allocator, the suggestion cache.
        let _ = load(&addr, path, body, rate, 1);
        let (lat, wall) = load(&addr, path, body, rate, secs);
        println!(
            "{path:<10} {:>6} requests  {:>7.0} requests/s  p50 {:.3} ms  p99 {:.3} ms  max {:.3} ms",
            lat.len(),
            lat.len() as f64 / wall.as_secs_f64(),
            pct(&lat, 0.50),
            pct(&lat, 0.99),
            lat.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        );
        println!(
            "{:<10} server-side (request in to response out): {}",
            "",
            server_side(&addr, path)
        );
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}
