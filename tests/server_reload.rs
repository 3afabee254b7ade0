//! Hot reload: a valid edit changes decisions; a broken edit keeps the last good set serving
//! and reports why; adding and removing files is seen too.

mod server_support;

use std::path::Path;

use serde_json::Value as Json;
use server_support::{Server, pack_copy, root};

const WEB_SEARCH: &str = "policies/examples/allow/tool_web_search_any_agent.json";

const NO_WEB_SEARCH: &str = r#"
deny no_web_search on tool.call
  when args.name == "web_search"
  because "web search is switched off"
"#;

fn decide(server: &Server) -> Json {
    let request = std::fs::read_to_string(root().join(WEB_SEARCH)).unwrap();
    let response = server.post_json("/v1/decide", &request);
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()
}

fn policies(server: &Server) -> Json {
    server.get("/v1/policies").json()
}

fn append(path: &Path, text: &str) {
    let mut old = std::fs::read_to_string(path).unwrap();
    old.push_str(text);
    // Written whole and renamed into place, as editors save.
    let temporary = path.with_extension("writ.tmp");
    std::fs::write(&temporary, old).unwrap();
    std::fs::rename(&temporary, path).unwrap();
}

#[test]
fn a_valid_edit_changes_decisions_and_a_broken_one_keeps_the_last_good_set() {
    let dir = pack_copy();
    let tools = dir.path().join("policies/tools.writ");
    let original = std::fs::read_to_string(&tools).unwrap();
    let server = Server::start_in(dir.path(), &[]);
    assert_eq!(decide(&server)["decision"], "allow");
    let first_hash = policies(&server)["policy_hash"]
        .as_str()
        .unwrap()
        .to_string();

    append(&tools, NO_WEB_SEARCH);
    server.wait_until("the new deny rule decides", || {
        decide(&server)["decision"] == "deny"
    });
    let decision = decide(&server);
    assert_eq!(decision["reasons"][0]["rule"], "no_web_search");
    let edited = policies(&server);
    let edited_hash = edited["policy_hash"].as_str().unwrap().to_string();
    assert_ne!(edited_hash, first_hash);
    assert_eq!(decision["policy_hash"], edited_hash.as_str());
    assert!(
        edited["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "no_web_search")
    );
    assert_eq!(edited["last_reload_error"], Json::Null);

    // A broken edit: the set it would make is never served.
    append(
        &tools,
        "\ndeny half_written on tool.call\n  when args.name ==\n",
    );
    server.wait_until("the reload error is reported", || {
        !policies(&server)["last_reload_error"].is_null()
    });
    let broken = policies(&server);
    assert_eq!(broken["policy_hash"], edited_hash.as_str());
    let error = &broken["last_reload_error"];
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("policies/tools.writ"), "{message}");
    assert!(message.contains("error["), "{message}");
    let diagnostics = error["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty());
    assert_eq!(diagnostics[0]["location"]["file"], "policies/tools.writ");
    assert!(diagnostics[0]["code"].as_str().unwrap().starts_with('E'));
    let decision = decide(&server);
    assert_eq!(decision["decision"], "deny");
    assert_eq!(decision["policy_hash"], edited_hash.as_str());
    assert!(
        server
            .get("/metrics")
            .text()
            .contains("writ_reload_error 1")
    );
    server.wait_until("the error is on standard error", || {
        server.stderr().contains("failed; still serving policy")
    });
    assert!(server.stderr().contains(&edited_hash));

    // Putting the original back serves the original set again, under its original hash.
    let temporary = tools.with_extension("writ.tmp");
    std::fs::write(&temporary, &original).unwrap();
    std::fs::rename(&temporary, &tools).unwrap();
    server.wait_until("the original set is back", || {
        policies(&server)["policy_hash"] == first_hash.as_str()
    });
    assert_eq!(policies(&server)["last_reload_error"], Json::Null);
    assert_eq!(decide(&server)["decision"], "allow");
    let metrics = server.get("/metrics").text();
    assert!(metrics.contains("writ_reload_error 0"), "{metrics}");
    assert!(
        metrics.contains("writ_reloads_total{result=\"error\"} 1"),
        "{metrics}"
    );
}

#[test]
fn added_and_removed_files_are_reloaded_in_the_order_a_fresh_start_would_use() {
    let dir = pack_copy();
    let server = Server::start_in(dir.path(), &[]);
    let first_hash = policies(&server)["policy_hash"]
        .as_str()
        .unwrap()
        .to_string();

    // Sorts first, so it goes before every file the compiler already holds.
    let added = dir.path().join("policies/aaa_switches.writ");
    std::fs::write(&added, format!("use std.agents\n{NO_WEB_SEARCH}")).unwrap();
    server.wait_until("the added file decides", || {
        decide(&server)["decision"] == "deny"
    });
    let reloaded = policies(&server);

    // A server started fresh on the same files serves the same set, rules in the same order.
    let fresh = Server::start_in(dir.path(), &[]);
    let fresh_set = policies(&fresh);
    assert_eq!(fresh_set["policy_hash"], reloaded["policy_hash"]);
    assert_eq!(fresh_set["rules"], reloaded["rules"]);
    assert_eq!(decide(&fresh), decide(&server));
    drop(fresh);

    std::fs::remove_file(&added).unwrap();
    server.wait_until("the removed file no longer decides", || {
        decide(&server)["decision"] == "allow"
    });
    assert_eq!(policies(&server)["policy_hash"], first_hash.as_str());
}
