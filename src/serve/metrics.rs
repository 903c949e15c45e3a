//! Counters behind `GET /metrics` (Prometheus text format 0.0.4): requests by route, method
//! and status, a latency histogram by route, findings by rule, the rule-set generation and
//! failed reloads.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use super::state;
use crate::finding::Finding;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// One route's latencies.
#[derive(Debug, Clone, Default)]
struct Histogram {
    /// Requests at or under each bound (not cumulative; summed on output).
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// Counters guarded together: they are updated once a request.
#[derive(Debug, Default)]
struct Counters {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    findings: BTreeMap<String, u64>,
}

/// The server's metrics.
#[derive(Debug)]
pub struct Metrics {
    counters: Mutex<Counters>,
    generation: AtomicU64,
    reload_failures: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            counters: Mutex::default(),
            generation: AtomicU64::new(1),
            reload_failures: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    fn with(&self, f: impl FnOnce(&mut Counters)) {
        match self.counters.lock() {
            Ok(mut g) => f(&mut g),
            Err(e) => f(&mut e.into_inner()),
        }
    }

    /// Count one answered request.
    pub fn request(&self, route: &str, method: &str, status: u16, took: Duration) {
        self.with(|c| {
            *c.requests
                .entry((route.to_string(), method.to_string(), status))
                .or_default() += 1;
            let h = c.latency.entry(route.to_string()).or_default();
            let secs = took.as_secs_f64();
            if let Some(i) = BUCKETS.iter().position(|b| secs <= *b)
                && let Some(n) = h.counts.get_mut(i)
            {
                *n += 1;
            }
            h.sum += secs;
            h.count += 1;
        });
    }

    /// Count the findings of one answer.
    pub fn findings<'a>(&self, findings: impl Iterator<Item = &'a Finding>) {
        self.with(|c| {
            for f in findings {
                *c.findings.entry(f.rule.to_string()).or_default() += 1;
            }
        });
    }

    /// Record the generation of the rule set now in use.
    pub fn set_generation(&self, g: u64) {
        self.generation.store(g, Ordering::Relaxed);
    }

    /// Count a reload that kept the last good rules.
    pub fn reload_failed(&self) {
        self.reload_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let label = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        self.with(|c| {
            let _ = writeln!(
                out,
                "# HELP claimscrub_requests_total Requests answered, by route template, method and status.\n# TYPE claimscrub_requests_total counter"
            );
            for ((route, method, status), n) in &c.requests {
                let _ = writeln!(
                    out,
                    "claimscrub_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                    label(route),
                    label(method)
                );
            }
            let _ = writeln!(
                out,
                "# HELP claimscrub_request_duration_seconds Time from request to response, by route template.\n# TYPE claimscrub_request_duration_seconds histogram"
            );
            for (route, h) in &c.latency {
                let r = label(route);
                let mut acc = 0;
                for (b, n) in BUCKETS.iter().zip(h.counts.iter()) {
                    acc += n;
                    let _ = writeln!(
                        out,
                        "claimscrub_request_duration_seconds_bucket{{route=\"{r}\",le=\"{b}\"}} {acc}"
                    );
                }
                let _ = writeln!(
                    out,
                    "claimscrub_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {}\nclaimscrub_request_duration_seconds_sum{{route=\"{r}\"}} {}\nclaimscrub_request_duration_seconds_count{{route=\"{r}\"}} {}",
                    h.count, h.sum, h.count
                );
            }
            let _ = writeln!(
                out,
                "# HELP claimscrub_findings_total Findings answered, by rule.\n# TYPE claimscrub_findings_total counter"
            );
            for (rule, n) in &c.findings {
                let _ = writeln!(out, "claimscrub_findings_total{{rule=\"{}\"}} {n}", label(rule));
            }
        });
        let _ = writeln!(
            out,
            "# HELP claimscrub_rule_set_generation Rule set in use: 1 at start, +1 a reload that compiled.\n# TYPE claimscrub_rule_set_generation gauge\nclaimscrub_rule_set_generation {}",
            self.generation.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP claimscrub_rule_reload_failures_total Reloads refused because the edit did not compile.\n# TYPE claimscrub_rule_reload_failures_total counter\nclaimscrub_rule_reload_failures_total {}",
            self.reload_failures.load(Ordering::Relaxed)
        );
        out
    }
}

/// `GET /metrics`.
pub async fn get(State(s): State<std::sync::Arc<state::State>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        s.metrics.render(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_counts_add_up() {
        let m = Metrics::default();
        m.request("/v1/quick", "POST", 200, Duration::from_micros(300));
        m.request("/v1/quick", "POST", 200, Duration::from_millis(3));
        m.request("/v1/quick", "POST", 400, Duration::from_millis(3));
        let t = m.render();
        assert!(
            t.contains(
                r#"claimscrub_requests_total{route="/v1/quick",method="POST",status="200"} 2"#
            ),
            "{t}"
        );
        assert!(
            t.contains(
                r#"claimscrub_request_duration_seconds_bucket{route="/v1/quick",le="0.0005"} 1"#
            ),
            "{t}"
        );
        assert!(
            t.contains(
                r#"claimscrub_request_duration_seconds_bucket{route="/v1/quick",le="0.005"} 3"#
            ),
            "{t}"
        );
        assert!(
            t.contains(r#"claimscrub_request_duration_seconds_count{route="/v1/quick"} 3"#),
            "{t}"
        );
        assert!(t.contains("claimscrub_rule_set_generation 1"));
    }
}
