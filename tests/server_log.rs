//! The decision log: `writ serve --log` writes a hash chain that `writ log verify` accepts
//! whole and rejects when edited, cut, reordered or truncated; restarts continue it; and
//! `writ replay` reports exactly the decisions that a policy change flips.

mod server_support;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value as Json;
use server_support::{Server, examples, pack_copy, root, text, writ};

/// Starts a server logging to `log` in `dir`, sends the requests, and stops it (SIGTERM: the
/// writer syncs everything before the process exits).
fn log_decisions(dir: &Path, log: &Path, requests: &[String]) -> Vec<Json> {
    let server = Server::start_in(
        dir,
        &["--log", log.to_str().unwrap(), "--log-sync-ms", "10"],
    );
    let decisions = requests
        .iter()
        .map(|r| {
            let response = server.post_json("/v1/decide", r);
            assert_eq!(response.status, 200, "{}", response.text());
            response.json()
        })
        .collect();
    let status = server.stop();
    assert!(status.success(), "the server exited with {status}");
    decisions
}

fn verify(log: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let mut args = vec!["log", "verify", log.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = writ(&args, root());
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

fn lines(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Writes a changed copy of the log and verifies it: it must fail, saying `says`.
fn tampered(dir: &Path, name: &str, contents: String, says: &str) {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    let (code, stdout, stderr) = verify(&path, &[]);
    assert_eq!(code, Some(1), "{name} verified: {stdout}");
    assert!(
        stderr.contains(says),
        "{name}: `{stderr}` does not say `{says}`"
    );
    assert!(stderr.starts_with("error: "), "{stderr}");
}

fn some_requests(n: usize) -> Vec<String> {
    ["allow", "deny", "review"]
        .iter()
        .flat_map(|f| examples(f).into_iter().take(n.div_ceil(3)))
        .map(|(_, body)| body)
        .take(n)
        .collect()
}

#[test]
fn a_clean_log_verifies_and_every_kind_of_tampering_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("decisions.jsonl");
    let decisions = log_decisions(root(), &log, &some_requests(6));
    let (code, stdout, stderr) = verify(&log, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("6 entries (1 to 6), the chain is intact"),
        "{stdout}"
    );

    let entries = lines(&log);
    assert_eq!(entries.len(), 6);
    for (i, line) in entries.iter().enumerate() {
        let entry: Json = serde_json::from_str(line).unwrap();
        assert_eq!(entry["seq"], i as u64 + 1);
        assert_eq!(entry["decision"], decisions[i]);
        assert!(entry["request"]["intent"].is_object());
        assert_eq!(entry["policy_hash"], decisions[i]["policy_hash"]);
    }
    let joined = |lines: &[String]| lines.iter().map(|l| format!("{l}\n")).collect::<String>();

    let mut edited = entries.clone();
    edited[1] = edited[1].replacen("\"time\":\"2", "\"time\":\"1", 1);
    assert_ne!(edited[1], entries[1]);
    tampered(
        dir.path(),
        "edited.jsonl",
        joined(&edited),
        "entry 2 (line 2) was altered",
    );

    let mut deleted = entries.clone();
    deleted.remove(2);
    tampered(
        dir.path(),
        "deleted.jsonl",
        joined(&deleted),
        "entry 3 was deleted",
    );

    let mut swapped = entries.clone();
    swapped.swap(3, 4);
    tampered(
        dir.path(),
        "swapped.jsonl",
        joined(&swapped),
        "entries are out of order: line 4 holds entry 5",
    );

    let whole = joined(&entries);
    tampered(
        dir.path(),
        "truncated.jsonl",
        whole[..whole.len() - 40].to_string(),
        "its tail was cut short after entry 5",
    );

    // Whole entries cut from the end are caught against a head kept elsewhere.
    let head = serde_json::from_str::<Json>(&entries[5]).unwrap()["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let (code, _, stderr) = verify(&log, &["--head", &head]);
    assert_eq!(code, Some(0), "{stderr}");
    let cut = dir.path().join("cut.jsonl");
    std::fs::write(&cut, joined(&entries[..5])).unwrap();
    let (code, _, stderr) = verify(&cut, &["--head", &head]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("the log was cut back (it now ends at entry 5)"),
        "{stderr}"
    );
}

#[test]
fn a_restarted_server_continues_the_chain_and_lists_what_it_logged_before() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("decisions.jsonl");
    let requests = some_requests(5);
    log_decisions(root(), &log, &requests[..3]);

    let server = Server::start(&["--log", log.to_str().unwrap()]);
    let listed = server.get("/v1/decisions").json();
    let seqs: Vec<u64> = listed["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [3, 2, 1]);
    assert!(server.get("/v1/decisions/2").json()["explanation"].is_string());
    let response = server.post_json("/v1/decide", &requests[3]);
    assert_eq!(response.header("writ-decision-seq"), Some("4"));
    assert!(server.stop().success());

    log_decisions(root(), &log, &requests[4..]);
    let (code, stdout, stderr) = verify(&log, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("5 entries"), "{stdout}");
}

#[test]
fn a_write_cut_short_by_a_crash_is_cut_back_and_the_chain_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("decisions.jsonl");
    let requests = some_requests(3);
    log_decisions(root(), &log, &requests[..2]);
    let mut bytes = std::fs::read(&log).unwrap();
    bytes.extend_from_slice(b"{\"seq\":3,\"time\":\"2026-11-27T10:");
    std::fs::write(&log, &bytes).unwrap();
    assert_eq!(verify(&log, &[]).0, Some(1));

    let server = Server::start(&["--log", log.to_str().unwrap()]);
    assert!(
        server.stderr().contains("ended in the middle of an entry"),
        "{}",
        server.stderr()
    );
    let response = server.post_json("/v1/decide", &requests[2]);
    assert_eq!(response.header("writ-decision-seq"), Some("3"));
    assert!(server.stop().success());
    let (code, stdout, stderr) = verify(&log, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("3 entries"), "{stdout}");
}

#[test]
fn a_log_whose_last_entry_was_altered_is_not_continued() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("decisions.jsonl");
    log_decisions(root(), &log, &some_requests(2));
    let altered = std::fs::read_to_string(&log).unwrap().replacen(
        "\"seq\":2,\"time\":\"2",
        "\"seq\":2,\"time\":\"1",
        1,
    );
    std::fs::write(&log, altered).unwrap();
    let out = writ(
        &[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--log",
            log.to_str().unwrap(),
        ],
        root(),
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("does not match its hash; run `writ log verify"),
        "{stderr}"
    );
}

#[test]
fn replay_reports_exactly_the_decisions_a_policy_change_flips() {
    let logged = pack_copy();
    let log = logged.path().join("decisions.jsonl");
    let mut files = Vec::new();
    let mut requests = Vec::new();
    for folder in ["allow", "deny", "review"] {
        for (name, body) in examples(folder) {
            files.push(format!("{folder}/{name}"));
            requests.push(body);
        }
    }
    log_decisions(logged.path(), &log, &requests);
    let log_arg = log.to_str().unwrap();

    // Against the policies that made them, nothing changes.
    let out = writ(
        &["replay", "--log", log_arg, "--policies", "policies"],
        logged.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("no decision would change"));

    // The change: force pushes are denied only to `main`, and payments above 50 need review.
    let changed = pack_copy();
    let git = changed.path().join("policies/git.writ");
    let source = std::fs::read_to_string(&git).unwrap();
    let narrowed = source.replacen(
        "  when args.force\n",
        "  when args.force\n  when args.branch == \"main\"\n",
        1,
    );
    assert_ne!(narrowed, source);
    std::fs::write(&git, narrowed).unwrap();
    let payments = changed.path().join("policies/payments.writ");
    let mut source = std::fs::read_to_string(&payments).unwrap();
    source.push_str(
        "\nreview payments_above_50 on payment.transfer\n  when args.amount > 50.00\n  approver \"finance\"\n  because \"payments above 50 need finance\"\n",
    );
    std::fs::write(&payments, source).unwrap();

    // What the change flips, according to `writ eval` on each example.
    let mut expected = BTreeSet::new();
    for (i, file) in files.iter().enumerate() {
        let path = root().join("policies/examples").join(file);
        let out = writ(
            &[
                "eval",
                "--policies",
                "policies",
                "--request",
                path.to_str().unwrap(),
            ],
            changed.path(),
        );
        let decision: Json = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{file}: {e}: {}", text(&out.stderr)));
        let folder = file.split('/').next().unwrap();
        if decision["decision"] != folder {
            expected.insert(i as u64 + 1);
        }
    }
    assert!(
        expected.len() >= 2,
        "the change flips too little to test: {expected:?}"
    );

    let policies = changed.path().join("policies");
    let replay = |format: &str| {
        writ(
            &[
                "replay",
                "--log",
                log_arg,
                "--policies",
                policies.to_str().unwrap(),
                "--format",
                format,
            ],
            root(),
        )
    };
    let out = replay("json");
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    let report: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["replayed"], files.len() as u64);
    let reported: BTreeSet<u64> = report["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(reported, expected);
    for change in report["changed"].as_array().unwrap() {
        assert_ne!(change["before"]["decision"], change["now"]["decision"]);
        assert!(!change["now"]["rules"].as_array().unwrap().is_empty());
    }
    let by_rule: Vec<(&str, u64, u64)> = report["by_rule"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap(),
                r["now_decides"].as_u64().unwrap(),
                r["decided_before"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        by_rule
            .iter()
            .any(|(r, now, _)| *r == "payments_above_50" && *now > 0),
        "{by_rule:?}"
    );
    assert!(
        by_rule
            .iter()
            .any(|(r, _, before)| *r == "force_push" && *before > 0),
        "{by_rule:?}"
    );

    let out = replay("text");
    assert_eq!(out.status.code(), Some(4));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("rule"), "{stdout}");
    assert!(stdout.contains("now decides"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "{} of {} decisions would change",
            expected.len(),
            files.len()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("deny -> allow"), "{stdout}");
}
