//! `claimscrub serve`: the real server on a free loopback port, each endpoint and each bad
//! request answered as `docs/openapi.json` says (every JSON response is validated against the
//! document's schema for it), rule reload, and a clean stop on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{cli, stdout};

/// A running server and what it has logged.
struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Start `claimscrub serve --addr 127.0.0.1:0 ARGS` and wait for its address.
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimscrub"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start claimscrub serve");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .strip_prefix("claimscrub serve: listening on http://")
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        let log = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Server { child, addr, log }
    }

    /// Send a raw request; the status, headers (lowercased names) and body.
    fn raw(&self, head: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let req = format!(
            "{head}\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            body.len()
        );
        s.write_all(req.as_bytes()).unwrap();
        let _ = s.write_all(body);
        let mut resp = Vec::new();
        let _ = s.read_to_end(&mut resp);
        let split = resp
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no response head: {:?}", String::from_utf8_lossy(&resp)));
        let headers = String::from_utf8_lossy(&resp[..split]).to_lowercase();
        let status = headers
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap();
        let mut body = resp[split + 4..].to_vec();
        if headers.contains("transfer-encoding: chunked") {
            body = dechunk(&body);
        }
        (status, headers, body)
    }

    /// A request with a JSON answer.
    fn json(&self, method: &str, path: &str, body: &[u8]) -> (u16, Value) {
        let (status, headers, b) = self.raw(
            &format!("{method} {path} HTTP/1.1\r\nContent-Type: application/json"),
            body,
        );
        assert!(
            headers.contains("content-type: application/json"),
            "{method} {path}: {headers}"
        );
        let v = serde_json::from_slice(&b).unwrap_or_else(|e| {
            panic!(
                "{method} {path}: not JSON ({e}): {}",
                String::from_utf8_lossy(&b)
            )
        });
        (status, v)
    }

    fn stop(mut self) -> (Option<i32>, String) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        let code = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s.code();
            }
            assert!(
                Instant::now() < deadline,
                "the server did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        std::thread::sleep(Duration::from_millis(100));
        let log = self.log.lock().unwrap().clone();
        (code, log)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let n = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[eol + 2 + n + 2..];
    }
}

/// The OpenAPI document as committed.
fn openapi() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Fail unless `v` is valid against the document's schema `name`.
fn conforms(v: &Value, name: &str) {
    let mut doc = openapi();
    assert!(
        doc["components"]["schemas"].get(name).is_some(),
        "no schema {name}"
    );
    doc["$ref"] = Value::String(format!("#/components/schemas/{name}"));
    let validator = jsonschema::draft202012::new(&doc).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:?}\n{v:#}");
}

/// The schema the document names for `path`'s `method` answering `status`.
fn documented(path: &str, method: &str, status: u16) -> String {
    let doc = openapi();
    let r = &doc["paths"][path][method]["responses"][status.to_string()];
    let reference = r["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{method} {path} does not document {status}"));
    reference.rsplit('/').next().unwrap().to_string()
}

/// `request`, expecting `status`, validated against what the document says of it.
fn call(s: &Server, method: &str, route: &str, path: &str, body: &[u8], status: u16) -> Value {
    let (got, v) = s.json(method, path, body);
    assert_eq!(got, status, "{method} {path}: {v:#}");
    conforms(&v, &documented(route, &method.to_lowercase(), status));
    v
}

#[test]
fn every_endpoint_answers_as_documented() {
    let s = Server::start(&[]);
    let h = call(&s, "GET", "/healthz", "/healthz", b"", 200);
    assert_eq!(h["status"], "ok");
    assert_eq!(h["rule_set"]["generation"], 1);

    let list = call(&s, "GET", "/v1/rules", "/v1/rules", b"", 200);
    assert!(
        list["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "ICD002")
    );
    let rule = call(&s, "GET", "/v1/rules/{id}", "/v1/rules/icd002", b"", 200);
    assert_eq!(rule["carc"], "CO-16");
    assert!(rule["docs"].as_str().unwrap().contains("##"));

    let e11 = call(
        &s,
        "GET",
        "/v1/codes/{code}",
        "/v1/codes/E11?date=2026-03-01",
        b"",
        200,
    );
    let r = &e11["results"][0];
    assert_eq!(r["record"]["billable"], false);
    assert!(
        r["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["display_code"] == "E11.9")
    );
    let typo = call(
        &s,
        "GET",
        "/v1/codes/{code}",
        "/v1/codes/E1199?system=icd10cm",
        b"",
        200,
    );
    assert!(
        !typo["results"][0]["suggestions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let s7 = call(&s, "GET", "/v1/codes/{code}", "/v1/codes/S72.001", b"", 200);
    assert!(
        !s7["results"][0]["seventh_characters"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{s7:#}"
    );
    let icd9 = call(&s, "GET", "/v1/codes/{code}", "/v1/codes/250.00", b"", 200);
    assert_eq!(icd9["results"][0]["system"], "icd9cm");
    let both = call(&s, "GET", "/v1/codes/{code}", "/v1/codes/22", b"", 200);
    assert_eq!(both["results"].as_array().unwrap().len(), 2);

    let c = call(
        &s,
        "GET",
        "/v1/codes",
        "/v1/codes?prefix=e11&system=icd10cm&limit=5",
        b"",
        200,
    );
    let c = c["completions"].as_array().unwrap();
    assert_eq!(c.len(), 5);
    assert_eq!(c[0]["code"], "E11");
    let any = call(&s, "GET", "/v1/codes", "/v1/codes?prefix=G010", b"", 200);
    assert!(
        any["completions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "G0103")
    );

    let q = br#"{"diagnoses":["E11","G63"],"procedures":[{"code":"99214","modifiers":["25"]},{"code":"G0103"}],
        "age":64,"sex":"M","place_of_service":"11","payer":"medicare","date_of_service":"2026-03-01"}"#;
    let quick = call(&s, "POST", "/v1/quick", "/v1/quick", q, 200);
    let rules: Vec<&str> = quick["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["ICD002", "MN001"]);
    assert_eq!(quick["summary"]["errors"], 2);
    let fixed = br#"{"diagnoses":["E11.9","Z12.5"],"procedures":[{"code":"G0103"}],"sex":"M","age":64,"date_of_service":"2026-03-01"}"#;
    let clean = call(&s, "POST", "/v1/quick", "/v1/quick", fixed, 200);
    assert!(
        clean["findings"].as_array().unwrap().is_empty(),
        "{clean:#}"
    );

    // /v1/check answers the document `check --format json` writes for the same claims.
    let claims =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/claims.json")).unwrap();
    let mut api = call(&s, "POST", "/v1/check", "/v1/check", &claims, 200);
    let mut local: Value = serde_json::from_str(&stdout(&cli(&[
        "check",
        "examples/claims.json",
        "--format",
        "json",
    ])))
    .unwrap();
    for doc in [&mut api, &mut local] {
        for c in doc["claims"].as_array_mut().unwrap() {
            c.as_object_mut().unwrap().remove("file");
        }
    }
    assert_eq!(api, local);
    let x12 = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/x12"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.extension()
                .is_some_and(|x| x == "x12" || x == "edi" || x == "txt")
        });
    if let Some(p) = x12 {
        let body = std::fs::read(&p).unwrap();
        let v = call(&s, "POST", "/v1/check", "/v1/check?format=x12", &body, 200);
        assert!(
            v["summary"]["claims"].as_u64().unwrap() >= 1,
            "{}",
            p.display()
        );
    }

    let (status, headers, body) = s.raw("GET /metrics HTTP/1.1", b"");
    assert_eq!(status, 200);
    assert!(headers.contains("content-type: text/plain"));
    let m = String::from_utf8(body).unwrap();
    assert!(
        m.contains(r#"claimscrub_requests_total{route="/v1/quick",method="POST",status="200"} 2"#),
        "{m}"
    );
    assert!(
        m.contains("claimscrub_request_duration_seconds_bucket{route=\"/v1/quick\",le=\"+Inf\"} 2")
    );
    assert!(m.contains("claimscrub_findings_total{rule=\"ICD002\"}"));
    assert!(m.contains("claimscrub_rule_set_generation 1"));

    let (status, _, body) = s.raw("GET /v1/openapi.json HTTP/1.1", b"");
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), openapi());
    let (status, headers, body) = s.raw("GET / HTTP/1.1", b"");
    assert_eq!(status, 200);
    assert!(headers.contains("text/html"));
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains("/page.js") && !page.contains("http://") && !page.contains("https://"));
    for asset in ["/page.js", "/page.css"] {
        let (status, _, body) = s.raw(&format!("GET {asset} HTTP/1.1"), b"");
        assert_eq!(status, 200, "{asset}");
        assert!(
            !String::from_utf8_lossy(&body).contains("https://"),
            "{asset} loads nothing remote"
        );
    }

    let (code, log) = s.stop();
    assert_eq!(code, Some(0), "{log}");
    assert!(
        log.contains("claimscrub serve: POST /v1/quick 200"),
        "{log}"
    );
    assert!(log.contains("GET /v1/codes/{code} 200"), "{log}");
    assert!(
        log.contains("shutting down") && log.contains("stopped"),
        "{log}"
    );
    // One line a request, naming route templates: no code, claim id or member id.
    for value in [
        "E11",
        "G0103",
        "Z12",
        "CLM-1001",
        "XEH123456789",
        "medicare",
    ] {
        assert!(!log.contains(value), "the log names `{value}`:\n{log}");
    }
}

/// A bad request: method, documented route, path, body, expected status and error code.
type BadRequest = (
    &'static str,
    &'static str,
    &'static str,
    &'static [u8],
    u16,
    &'static str,
);

#[test]
fn every_bad_request_gets_a_json_4xx() {
    let s = Server::start(&["--max-body", "20000"]);
    let cases: &[BadRequest] = &[
        (
            "POST",
            "/v1/quick",
            "/v1/quick",
            b"{not json",
            400,
            "bad-json",
        ),
        (
            "POST",
            "/v1/quick",
            "/v1/quick",
            br#"{"diagnoses":["E119"],"member_name":"X"}"#,
            400,
            "bad-json",
        ),
        (
            "POST",
            "/v1/quick",
            "/v1/quick",
            br#"{"diagnoses":"E119"}"#,
            400,
            "bad-json",
        ),
        (
            "POST",
            "/v1/quick",
            "/v1/quick",
            br#"{"age":-1,"diagnoses":["E119"]}"#,
            400,
            "bad-json",
        ),
        (
            "POST",
            "/v1/quick",
            "/v1/quick",
            b"{}",
            422,
            "bad-combination",
        ),
        (
            "POST",
            "/v1/quick",
            "/v1/quick",
            br#"{"diagnoses":["E119"],"age":200}"#,
            422,
            "bad-combination",
        ),
        (
            "POST",
            "/v1/quick",
            "/v1/quick",
            br#"{"procedures":[{"code":"G0103","units":0}]}"#,
            422,
            "bad-combination",
        ),
        (
            "POST",
            "/v1/quick",
            "/v1/quick",
            br#"{"diagnoses":["E119"],"payer":"nobody"}"#,
            422,
            "unknown-payer",
        ),
        ("POST", "/v1/check", "/v1/check", b"", 400, "empty-body"),
        (
            "POST",
            "/v1/check",
            "/v1/check?format=pdf",
            b"{}",
            400,
            "bad-parameter",
        ),
        (
            "POST",
            "/v1/check",
            "/v1/check?colour=red",
            b"{}",
            400,
            "bad-parameter",
        ),
        (
            "POST",
            "/v1/check",
            "/v1/check",
            b"hello",
            422,
            "unreadable-input",
        ),
        (
            "POST",
            "/v1/check",
            "/v1/check?payer=nobody",
            b"{}",
            422,
            "unknown-payer",
        ),
        (
            "GET",
            "/v1/codes/{code}",
            "/v1/codes/E11?date=2026-02-30",
            b"",
            400,
            "bad-parameter",
        ),
        (
            "GET",
            "/v1/codes/{code}",
            "/v1/codes/E11?system=icd11",
            b"",
            400,
            "unknown-code-system",
        ),
        (
            "GET",
            "/v1/codes/{code}",
            "/v1/codes/E11?what=1",
            b"",
            400,
            "bad-parameter",
        ),
        (
            "GET",
            "/v1/codes/{code}",
            "/v1/codes/99214?system=cpt",
            b"",
            404,
            "code-set-not-loaded",
        ),
        ("GET", "/v1/codes", "/v1/codes", b"", 400, "bad-parameter"),
        (
            "GET",
            "/v1/codes",
            "/v1/codes?prefix=E11&limit=0",
            b"",
            400,
            "bad-parameter",
        ),
        (
            "GET",
            "/v1/codes",
            "/v1/codes?prefix=E11&limit=many",
            b"",
            400,
            "bad-parameter",
        ),
        (
            "GET",
            "/v1/codes",
            "/v1/codes?prefix=992&system=cpt",
            b"",
            404,
            "code-set-not-loaded",
        ),
        (
            "GET",
            "/v1/rules/{id}",
            "/v1/rules/ICD0O2",
            b"",
            404,
            "unknown-rule",
        ),
    ];
    for (method, route, path, body, status, code) in cases {
        let v = call(&s, method, route, path, body, *status);
        assert_eq!(v["error"]["code"], *code, "{method} {path}: {v:#}");
        assert_eq!(v["error"]["status"], *status);
    }
    let long = format!("/v1/codes/{}", "E".repeat(49));
    let v = call(&s, "GET", "/v1/codes/{code}", &long, b"", 400);
    assert!(!v.to_string().contains(&"E".repeat(49)));
    // Values from the request are never quoted back.
    let (_, v) = s.json(
        "POST",
        "/v1/quick",
        br#"{"diagnoses":["E119"],"secret_field":1}"#,
    );
    assert!(!v.to_string().contains("secret_field"), "{v}");

    // Paths and methods the API does not have, too large bodies, too many headers.
    for (head, status, code) in [
        ("GET /v2/quick HTTP/1.1", 404, "not-found"),
        ("GET /v1/quick HTTP/1.1", 405, "method-not-allowed"),
        ("DELETE /v1/rules HTTP/1.1", 405, "method-not-allowed"),
    ] {
        let (got, _, b) = s.raw(head, b"");
        let v: Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(
            (got, v["error"]["code"].as_str()),
            (status, Some(code)),
            "{head}"
        );
        conforms(&v, "Error");
    }
    let big = vec![b' '; 30000];
    let (got, _, b) = s.raw(
        "POST /v1/check HTTP/1.1\r\nContent-Type: application/json",
        &big,
    );
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(
        (got, v["error"]["code"].as_str()),
        (413, Some("body-too-large"))
    );
    conforms(&v, "Error");
    let headers: String = (0..80).map(|i| format!("\r\nX-Filler-{i}: 1")).collect();
    let (got, _, b) = s.raw(&format!("GET /healthz HTTP/1.1{headers}"), b"");
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(
        (got, v["error"]["code"].as_str()),
        (431, Some("headers-too-large"))
    );
    conforms(&v, "Error");
    let (code, log) = s.stop();
    assert_eq!(code, Some(0), "{log}");
}

/// A rule file for the reload test: a line with more than `max` units.
fn units_rule(title: &str, max: u32) -> String {
    format!(
        r#"id: USR901
name: too-many-units-test
title: "{title}"
severity: warning
category: invalid-value
carc: CO-16
each: line
when:
  compare: {{ field: line.units, op: gt, value: {max} }}
message: "line {{line.number}} has more than {max} units"
help: "check the units"
docs: |
  ## What it checks
  Units over {max}.
"#
    )
}

#[test]
fn rules_reload_on_edit_and_a_broken_edit_keeps_the_last_good_set() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("units.yaml");
    std::fs::write(&file, units_rule("Too many units", 5)).unwrap();
    let dir_arg = dir.path().to_str().unwrap().to_string();
    let s = Server::start(&["--rules", &dir_arg, "--reload-every-ms", "50"]);
    let quick = |units: u32| {
        let body = format!(
            r#"{{"procedures":[{{"code":"G0103","units":{units}}}],"diagnoses":["Z12.5"],"sex":"M"}}"#
        );
        let v = call(&s, "POST", "/v1/quick", "/v1/quick", body.as_bytes(), 200);
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "USR901")
    };
    assert!(quick(6) && !quick(5));
    let wait_for = |what: &str, ok: &dyn Fn() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !ok() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    };

    std::fs::write(&file, units_rule("Too many units", 10)).unwrap();
    let generation = || {
        let h = call(&s, "GET", "/healthz", "/healthz", b"", 200);
        h["rule_set"]["generation"].as_u64().unwrap()
    };
    wait_for("the edit to load", &|| generation() == 2);
    assert!(!quick(6) && quick(11), "the next request sees the edit");

    std::fs::write(&file, "id: USR901\nname: [broken\n").unwrap();
    wait_for("the broken edit to be reported", &|| {
        call(&s, "GET", "/healthz", "/healthz", b"", 200)["status"] == "degraded"
    });
    let h = call(&s, "GET", "/healthz", "/healthz", b"", 200);
    assert_eq!(h["rule_set"]["generation"], 2);
    assert!(
        h["rule_set"]["last_reload_error"]
            .as_str()
            .unwrap()
            .contains("units.yaml")
    );
    assert!(quick(11), "the last good rules still run");

    std::fs::write(&file, units_rule("Too many units", 3)).unwrap();
    wait_for("the fix to load", &|| generation() == 3);
    assert_eq!(
        call(&s, "GET", "/healthz", "/healthz", b"", 200)["status"],
        "ok"
    );
    assert!(quick(4));
    let (code, log) = s.stop();
    assert_eq!(code, Some(0));
    assert!(
        log.contains("rules reload failed, keeping generation 2"),
        "{log}"
    );
    assert!(log.contains("rules reloaded: generation 3"), "{log}");
}
