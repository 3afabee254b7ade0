//! `writ serve` end to end: the real binary on a free loopback port, answering the default
//! pack's example requests, batches, and the read-only endpoints.

mod server_support;

use serde_json::{Value as Json, json};
use server_support::{Server, examples, root, writ};

#[test]
fn every_example_request_gets_its_folders_decision() {
    let server = Server::start(&[]);
    let mut count = 0;
    for folder in ["allow", "deny", "review"] {
        for (name, body) in examples(folder) {
            let response = server.post_json("/v1/decide", &body);
            assert_eq!(response.status, 200, "{name}: {}", response.text());
            assert_eq!(
                response.header("content-type"),
                Some("application/json"),
                "{name}"
            );
            let decision = response.json();
            assert_eq!(decision["decision"], folder, "{name}: {decision:#}");
            assert!(decision["summary"].as_str().is_some_and(|s| !s.is_empty()));
            count += 1;
            let seq: u64 = response
                .header("writ-decision-seq")
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("{name}: no writ-decision-seq header"));
            assert_eq!(seq, count, "{name}: sequence numbers count decisions");
        }
    }
    assert!(count >= 60, "only {count} examples");
}

#[test]
fn a_served_decision_is_the_one_writ_eval_gives() {
    let server = Server::start(&[]);
    for folder in ["allow", "deny", "review"] {
        let (name, body) = examples(folder).remove(0);
        let served = server.post_json("/v1/decide", &body).json();
        let path = format!("policies/examples/{folder}/{name}");
        let out = writ(&["eval", "--request", &path], root());
        let evaluated: Json = serde_json::from_slice(&out.stdout).expect("writ eval prints JSON");
        assert_eq!(served, evaluated, "{name}");
    }
}

#[test]
fn a_batch_is_decided_in_order_and_logged_under_consecutive_numbers() {
    let server = Server::start(&[]);
    let pick = |folder: &str| -> Json {
        serde_json::from_str(&examples(folder)[0].1).expect("an example is JSON")
    };
    let batch = json!({ "requests": [pick("deny"), pick("allow"), pick("review")] });
    let response = server.post_json("/v1/decide/batch", &batch.to_string());
    assert_eq!(response.status, 200, "{}", response.text());
    let body = response.json();
    let outcomes: Vec<&str> = body["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .map(|d| d["decision"].as_str().expect("an outcome"))
        .collect();
    assert_eq!(outcomes, ["deny", "allow", "review"]);
    assert_eq!(response.header("writ-decision-seq"), Some("1"));

    // The log's writer records entries just after the answer goes out.
    server.wait_until("three decisions are listed", || {
        server.get("/v1/decisions").json()["kept"] == 3
    });
    let listed = server.get("/v1/decisions").json();
    let seqs: Vec<u64> = listed["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .map(|d| d["seq"].as_u64().expect("a seq"))
        .collect();
    assert_eq!(seqs, [3, 2, 1]);

    let empty = server.post_json("/v1/decide/batch", r#"{"requests": []}"#);
    assert_eq!(empty.status, 200);
    assert_eq!(empty.json(), json!({ "decisions": [] }));

    // One malformed request rejects the whole batch, naming it; nothing is logged.
    let bad = json!({ "requests": [pick("allow"), { "intent": 42 }] });
    let response = server.post_json("/v1/decide/batch", &bad.to_string());
    assert_eq!(response.status, 400);
    assert_eq!(response.json()["path"], "$.requests[1].intent");
    assert_eq!(server.get("/v1/decisions").json()["kept"], 3);
}

#[test]
fn a_batch_over_the_limit_is_413() {
    let server = Server::start(&["--max-batch", "2"]);
    let request = &examples("allow")[0].1;
    let body = format!(r#"{{"requests": [{request}, {request}, {request}]}}"#);
    let response = server.post_json("/v1/decide/batch", &body);
    assert_eq!(response.status, 413, "{}", response.text());
    let error = response.json();
    assert_eq!(error["limit"], 2);
    assert!(
        error["error"].as_str().unwrap().contains("`--max-batch`"),
        "{error}"
    );
}

#[test]
fn policies_healthz_and_metrics_describe_the_served_set() {
    let server = Server::start(&[]);
    let policies = server.get("/v1/policies").json();
    let hash = policies["policy_hash"]
        .as_str()
        .expect("a hash")
        .to_string();
    assert_eq!(hash.len(), 64);
    assert_eq!(policies["last_reload_error"], Json::Null);
    assert_eq!(policies["watching"], true);
    let files: Vec<&str> = policies["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"policies/shell.writ"), "{files:?}");
    let rules = policies["rules"].as_array().unwrap();
    let rule = rules
        .iter()
        .find(|r| r["name"] == "destructive_shell" || r["file"] == "policies/shell.writ")
        .expect("a shell rule");
    assert!(rule["line"].as_u64().unwrap() > 0);
    assert!(["allow", "review", "deny"].contains(&rule["effect"].as_str().unwrap()));

    let decision = server
        .post_json("/v1/decide", &examples("deny")[0].1)
        .json();
    assert_eq!(decision["policy_hash"], hash.as_str());

    let health = server.get("/healthz");
    assert_eq!(health.status, 200);
    let health = health.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["policy_hash"], hash.as_str());
    server.wait_until("the log head reaches entry 1", || {
        server.get("/healthz").json()["decision_log"]["head"]["seq"] == 1
    });

    let metrics = server.get("/metrics");
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    let text = metrics.text();
    for expected in [
        "writ_decisions_total{outcome=\"deny\"} 1",
        "writ_decisions_total{outcome=\"allow\"} 0",
        "writ_decide_duration_seconds_count{endpoint=\"decide\"} 1",
        "writ_reloads_total{result=\"error\"} 0",
        "writ_http_responses_total{code=\"200\"}",
        "# TYPE writ_decide_duration_seconds histogram",
    ] {
        assert!(text.contains(expected), "no `{expected}` in:\n{text}");
    }
    assert!(text.contains(&format!("writ_policy_info{{policy_hash=\"{hash}\"}} 1")));
}

#[test]
fn recent_decisions_are_listed_filtered_and_explained() {
    let server = Server::start(&[]);
    for folder in ["allow", "deny", "review"] {
        for (_, body) in examples(folder).into_iter().take(3) {
            assert_eq!(server.post_json("/v1/decide", &body).status, 200);
        }
    }
    server.wait_until("nine decisions are listed", || {
        server.get("/v1/decisions").json()["kept"] == 9
    });
    let list = |query: &str| -> Vec<Json> {
        let response = server.get(&format!("/v1/decisions{query}"));
        assert_eq!(response.status, 200, "{query}: {}", response.text());
        response.json()["decisions"].as_array().unwrap().clone()
    };
    assert_eq!(list("").len(), 9);
    let denies = list("?outcome=deny");
    assert_eq!(denies.len(), 3);
    assert!(denies.iter().all(|d| d["decision"] == "deny"));
    let some_action = denies[0]["action"].as_str().unwrap().to_string();
    let by_action = list(&format!("?action={some_action}"));
    assert!(!by_action.is_empty());
    assert!(
        by_action
            .iter()
            .all(|d| d["action"] == some_action.as_str())
    );
    let by_actor = list("?actor=coder&limit=2");
    assert_eq!(by_actor.len(), 2);
    assert!(
        by_actor
            .iter()
            .all(|d| d["actor"].as_str().unwrap().contains("coder"))
    );
    assert_eq!(list("?before=3").len(), 2);

    let seq = denies[0]["seq"].as_u64().unwrap();
    let entry = server.get(&format!("/v1/decisions/{seq}")).json();
    assert_eq!(entry["seq"], seq);
    assert_eq!(entry["decision"]["decision"], "deny");
    assert!(entry["request"]["intent"].is_object());
    assert_eq!(entry["hash"].as_str().unwrap().len(), 64);
    let explanation = entry["explanation"].as_str().expect("an explanation");
    assert!(explanation.starts_with("deny"), "{explanation}");
    assert!(explanation.contains("policies/"), "{explanation}");

    assert_eq!(server.get("/v1/decisions/999").status, 404);
}

#[test]
fn with_a_token_file_every_endpoint_needs_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "s3cret-token\n").unwrap();
    let server = Server::start(&["--token-file", token_file.to_str().unwrap()]);
    let request = &examples("allow")[0].1;
    for (method, path) in [
        ("GET", "/"),
        ("GET", "/review.js"),
        ("GET", "/healthz"),
        ("GET", "/metrics"),
        ("GET", "/v1/policies"),
        ("GET", "/v1/decisions"),
        ("GET", "/v1/decisions/1"),
        ("POST", "/v1/decide"),
        ("POST", "/v1/decide/batch"),
        ("GET", "/no/such/endpoint"),
    ] {
        let none = server.request(method, path, &[], request.as_bytes());
        assert_eq!(none.status, 401, "{method} {path}: {}", none.text());
        assert!(none.json()["error"].as_str().unwrap().contains("token"));
        let challenges = none.headers_named("www-authenticate");
        assert!(
            challenges.iter().any(|c| c.starts_with("Bearer")),
            "{challenges:?}"
        );
        let wrong = server.request(
            method,
            path,
            &[("authorization", "Bearer not-the-token")],
            request.as_bytes(),
        );
        assert_eq!(wrong.status, 401, "{method} {path}");
    }
    let ok = server.request(
        "POST",
        "/v1/decide",
        &[("authorization", "Bearer s3cret-token")],
        request.as_bytes(),
    );
    assert_eq!(ok.status, 200, "{}", ok.text());
    // A browser's Basic credentials: any user, the token as password ("me:s3cret-token").
    let page = server.request(
        "GET",
        "/",
        &[("authorization", "Basic bWU6czNjcmV0LXRva2Vu")],
        b"",
    );
    assert_eq!(page.status, 200);
}

#[test]
fn the_review_page_and_its_assets_are_served_with_a_strict_content_policy() {
    let server = Server::start(&[]);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text().contains("<script src=\"/review.js\""));
    let policy = page.header("content-security-policy").expect("a CSP");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    let script = server.get("/review.js");
    assert_eq!(script.status, 200);
    assert!(script.text().contains("/v1/decisions"));
    assert_eq!(server.get("/review.css").status, 200);
    let openapi = server.get("/openapi.json").json();
    assert!(openapi["paths"]["/v1/decide"].is_object(), "{openapi}");
}
