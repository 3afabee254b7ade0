//! Malformed and hostile requests: each gets a precise 4xx (never a 500), and the server keeps
//! answering afterwards.

mod server_support;

use std::io::Write;
use std::time::Duration;

use serde_json::Value as Json;
use server_support::{Response, Server, examples, read_all};

/// What a case expects: the status, and a piece of the `error` message (or of the raw
/// response, for errors that hyper answers before the API sees the request).
struct Case {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    status: u16,
    says: &'static str,
    /// The `path` member the error must name.
    json_path: Option<&'static str>,
}

fn case(name: &'static str, body: impl Into<Vec<u8>>, status: u16, says: &'static str) -> Case {
    Case {
        name,
        method: "POST",
        path: "/v1/decide",
        content_type: Some("application/json"),
        body: body.into(),
        status,
        says,
        json_path: None,
    }
}

impl Case {
    fn at(mut self, path: &'static str) -> Case {
        self.json_path = Some(path);
        self
    }
    fn to(mut self, method: &'static str, path: &'static str) -> Case {
        self.method = method;
        self.path = path;
        self
    }
    fn typed(mut self, content_type: Option<&'static str>) -> Case {
        self.content_type = content_type;
        self
    }
}

fn cases(valid: &str) -> Vec<Case> {
    let over_limit = format!(
        r#"{{"intent": {{}}, "snapshot": {{"pad": "{}"}}}}"#,
        "x".repeat(5000)
    );
    vec![
        case(
            "truncated JSON",
            r#"{"intent": "#,
            400,
            "the body is not valid JSON: EOF while parsing",
        ),
        case("empty body", "", 400, "the body is empty"),
        case("only white space", " \n\t ", 400, "the body is empty"),
        case("an array", "[1, 2]", 400, "found an array").at("$"),
        case("a string", r#""allow me""#, 400, "found a string").at("$"),
        case("null", "null", 400, "found `null`").at("$"),
        case("a number", "42", 400, "found a number").at("$"),
        case(
            "an unknown top-level field",
            r#"{"intent": {}, "extra": 1}"#,
            400,
            "unknown field `extra` at `$`",
        )
        .at("$.extra"),
        case(
            "no intent",
            r#"{"snapshot": {}}"#,
            400,
            "missing field `intent`",
        )
        .at("$.intent"),
        case(
            "an intent that is a string",
            r#"{"intent": "fs.read"}"#,
            400,
            "found a string",
        )
        .at("$.intent"),
        case(
            "a snapshot that is an array",
            r#"{"intent": {}, "snapshot": []}"#,
            400,
            "found an array",
        )
        .at("$.snapshot"),
        case(
            "trailing characters",
            r#"{"intent": {}} x"#,
            400,
            "trailing characters at line 1, column 16",
        ),
        case(
            "nesting 3,000 deep",
            "[".repeat(3000),
            400,
            "recursion limit exceeded",
        ),
        case(
            "invalid UTF-8",
            b"{\"intent\": {\"action\": \"\xff\xfe\"}}".to_vec(),
            400,
            "not valid JSON",
        ),
        case(
            "a number out of range",
            r#"{"intent": {"args": {"n": 1e999}}}"#,
            400,
            "number out of range",
        ),
        case(
            "a lone surrogate escape",
            r#"{"intent": {"action": "\ud800"}}"#,
            400,
            "not valid JSON",
        ),
        case(
            "a form instead of JSON",
            "intent=x",
            415,
            "expected `content-type: application/json`",
        )
        .typed(Some("application/x-www-form-urlencoded")),
        case("text instead of JSON", valid, 415, "found `text/plain`").typed(Some("text/plain")),
        case(
            "a body over the limit",
            over_limit,
            413,
            "larger than the limit of 4096 bytes",
        ),
        case(
            "GET on the decide endpoint",
            "",
            405,
            "`GET` is not allowed on `/v1/decide`",
        )
        .to("GET", "/v1/decide"),
        case(
            "POST on a read-only endpoint",
            "{}",
            405,
            "`POST` is not allowed",
        )
        .to("POST", "/v1/policies"),
        case(
            "an unknown endpoint",
            "{}",
            404,
            "no endpoint at `/v2/decide`",
        )
        .to("POST", "/v2/decide"),
        case(
            "a sequence number that is a word",
            "",
            400,
            "`abc` is not a decision sequence number",
        )
        .to("GET", "/v1/decisions/abc"),
        case(
            "sequence number zero",
            "",
            400,
            "`0` is not a decision sequence number",
        )
        .to("GET", "/v1/decisions/0"),
        case(
            "a sequence number past u64",
            "",
            400,
            "is not a decision sequence number",
        )
        .to("GET", "/v1/decisions/99999999999999999999999"),
        case(
            "an unknown outcome filter",
            "",
            400,
            "`outcome=maybe`: expected `allow`, `review` or `deny`",
        )
        .to("GET", "/v1/decisions?outcome=maybe"),
        case(
            "a limit of zero",
            "",
            400,
            "`limit=0`: expected a whole number from 1 to 1000",
        )
        .to("GET", "/v1/decisions?limit=0"),
        case(
            "an unknown query parameter",
            "",
            400,
            "unknown query parameter `sort`",
        )
        .to("GET", "/v1/decisions?sort=seq"),
        case(
            "a batch without an array",
            r#"{"requests": {}}"#,
            400,
            "expected an array of requests",
        )
        .to("POST", "/v1/decide/batch")
        .at("$.requests"),
        case(
            "a batch with an unknown field",
            r#"{"requests": [], "all": true}"#,
            400,
            "unknown field `all`",
        )
        .to("POST", "/v1/decide/batch")
        .at("$.all"),
        case(
            "a batch that is an array",
            "[]",
            400,
            "expected a batch object",
        )
        .to("POST", "/v1/decide/batch")
        .at("$"),
        case(
            "a batch holding a non-request",
            r#"{"requests": [7]}"#,
            400,
            "found a number",
        )
        .to("POST", "/v1/decide/batch")
        .at("$.requests[0]"),
        case(
            "a key that is not an identifier",
            r#"{"intent": {}, "a b": 1}"#,
            400,
            "unknown field `a b`",
        )
        .at(r#"$["a b"]"#),
    ]
}

fn send(server: &Server, c: &Case) -> Response {
    let mut headers = Vec::new();
    if let Some(t) = c.content_type {
        headers.push(("content-type", t));
    }
    server.request(c.method, c.path, &headers, &c.body)
}

#[test]
fn malformed_and_hostile_requests_get_precise_4xx_answers_and_the_server_stays_up() {
    let mut server = Server::start(&["--max-body-bytes", "4096"]);
    let valid = &examples("allow")[0].1;
    let cases = cases(valid);
    assert!(cases.len() >= 20);
    for c in &cases {
        let response = send(&server, c);
        assert_eq!(response.status, c.status, "{}: {}", c.name, response.text());
        let error: Json = response.json();
        let message = error["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: no error in {error}", c.name));
        assert!(
            message.contains(c.says),
            "{}: `{message}` does not say `{}`",
            c.name,
            c.says
        );
        assert!(
            message.starts_with(|ch: char| !ch.is_uppercase()),
            "{}: errors start in lowercase: {message}",
            c.name
        );
        if let Some(path) = c.json_path {
            assert_eq!(error["path"], path, "{}: {error}", c.name);
        }
        assert!(server.alive(), "{} killed the server", c.name);
    }
    let wrong_method = server.get("/v1/decide");
    assert_eq!(wrong_method.header("allow"), Some("POST"));
    let json_error = send(&server, &cases[0]).json();
    assert_eq!(
        (json_error["line"].as_u64(), json_error["column"].as_u64()),
        (Some(1), Some(11))
    );

    // Schema-level mistakes are decisions: a deny that names each path (and it is logged).
    for (body, path) in [
        (
            r#"{"intent": {"actor": 7, "action": "fs.read", "resource": "File::\"/a\"", "args": {}}, "snapshot": {}}"#,
            "$.intent.actor",
        ),
        (
            r#"{"intent": {"actor": "Agent::\"a\"", "action": "no.such.action", "args": {}}, "snapshot": {}}"#,
            "$.intent.action",
        ),
    ] {
        let response = server.post_json("/v1/decide", body);
        assert_eq!(response.status, 200, "{}", response.text());
        let decision = response.json();
        assert_eq!(decision["decision"], "deny");
        let paths: Vec<&str> = decision["validation"]
            .as_array()
            .unwrap_or_else(|| panic!("no validation in {decision}"))
            .iter()
            .map(|v| v["path"].as_str().unwrap())
            .collect();
        assert!(paths.contains(&path), "{paths:?} lacks {path}");
    }
    // Odd but valid JSON is decided too.
    let odd = r#"{"intent": {"actor": "Agent::\"\u0000\"", "action": "fs.read", "resource": "File::\"\u202e\"", "args": {"x": [null, {"": {}}]}}, "intent": {"actor": "Agent::\"dup\"", "action": "fs.read", "args": {}}}"#;
    let response = server.post_json("/v1/decide", odd);
    assert_eq!(response.status, 200, "{}", response.text());

    // Errors that hyper answers before the API sees the request.
    let garbage = server.raw(b"GARBAGE\r\n\r\n");
    let garbage = Response::parse(&garbage).expect("an HTTP answer to garbage");
    assert_eq!(garbage.status, 400);
    let huge_header = format!(
        "GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n",
        "a".repeat(1 << 20)
    );
    // hyper may answer and close before the header is all sent, resetting the connection
    // and losing the answer on the way; when it arrives, it is a 431.
    let answer = server.raw(huge_header.as_bytes());
    if let Some(r) = Response::parse(&answer) {
        assert_eq!(r.status, 431);
    }
    // A body shorter than its declared length, then the client stops sending.
    let short = server
        .raw(b"POST /v1/decide HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{\"intent\"");
    let r = Response::parse(&short).expect("an answer to a short body");
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(
        r.text().contains("could not read the request body"),
        "{}",
        r.text()
    );
    // A chunked body over the limit, with no length declared up front.
    let mut chunked = b"POST /v1/decide HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\ncontent-type: application/json\r\n\r\n".to_vec();
    for _ in 0..10 {
        chunked.extend_from_slice(format!("400\r\n{}\r\n", " ".repeat(1024)).as_bytes());
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let r = Response::parse(&server.raw(&chunked)).expect("an answer to a chunked body");
    assert_eq!(r.status, 413, "{}", r.text());
    // Percent-encoding that is not UTF-8, in a path parameter.
    let r = server.get("/v1/decisions/%FF");
    assert_eq!(r.status, 400, "{}", r.text());

    assert!(server.alive());
    assert_eq!(server.get("/healthz").status, 200);
    assert_eq!(server.post_json("/v1/decide", valid).status, 200);
    let metrics = server.get("/metrics").text();
    assert!(!metrics.contains("code=\"500\""), "{metrics}");
    assert!(metrics.contains("code=\"400\""), "{metrics}");
}

#[test]
fn a_hierarchy_too_costly_to_close_is_refused_before_it_is_decided() {
    let server = Server::start(&[]);
    // 2,000 teams in a chain: 2 million memberships once closed, in about 130 KB.
    let entities: Vec<Json> = (0..2000)
        .map(|i| serde_json::json!({ "uid": format!("Team::\"t{i}\""), "parents": [format!("Team::\"t{}\"", i + 1)] }))
        .collect();
    let request = serde_json::json!({
        "intent": { "actor": "Agent::\"coder\"", "action": "fs.read", "resource": "File::\"/a\"", "args": {} },
        "snapshot": { "entities": entities },
    });
    let response = server.post_json("/v1/decide", &request.to_string());
    assert_eq!(response.status, 413, "{}", response.text());
    let error = response.json();
    assert_eq!(error["path"], "$.snapshot.entities");
    assert!(
        error["error"]
            .as_str()
            .unwrap()
            .contains("too large to decide"),
        "{error}"
    );
    let batch = serde_json::json!({ "requests": [request] });
    let response = server.post_json("/v1/decide/batch", &batch.to_string());
    assert_eq!(response.status, 413);
    assert_eq!(response.json()["path"], "$.requests[0].snapshot.entities");
}

#[test]
fn a_request_that_outlasts_the_time_limit_is_408_and_the_server_goes_on() {
    let server = Server::start(&["--timeout-ms", "300"]);
    let mut stream = server.connect();
    // Promises 100 bytes, sends 10, and waits.
    stream
        .write_all(
            b"POST /v1/decide HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{\"intent\":",
        )
        .unwrap();
    let answer = Response::parse(&read_all(&mut stream)).expect("an answer");
    assert_eq!(answer.status, 408, "{}", answer.text());
    assert!(
        answer.text().contains("time limit of 300 ms"),
        "{}",
        answer.text()
    );

    // Headers that never end: the connection is closed, nothing else is affected.
    let mut slow = server.connect();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n")
        .unwrap();
    let _ = read_all(&mut slow);

    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn concurrent_requests_beyond_the_bound_wait_their_turn() {
    let server = Server::start(&["--max-concurrent", "1"]);
    let valid = examples("review")[0].1.clone();
    let server = std::sync::Arc::new(server);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let server = server.clone();
            let valid = valid.clone();
            std::thread::spawn(move || {
                (0..5)
                    .map(|_| server.post_json("/v1/decide", &valid).status)
                    .collect::<Vec<u16>>()
            })
        })
        .collect();
    for t in threads {
        assert!(t.join().unwrap().iter().all(|&s| s == 200));
    }
    std::thread::sleep(Duration::from_millis(10));
    let metrics = server.get("/metrics").text();
    assert!(
        metrics.contains("writ_decisions_total{outcome=\"review\"} 40"),
        "{metrics}"
    );
}
