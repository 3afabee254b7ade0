//! The default policy pack in `policies/`: its tests pass and exercise every rule, and every
//! example request gets the decision its folder names, with an explanation.
//!
//! Examples live in `policies/examples/{allow,review,deny}/`. Under `deny/`, the file name says
//! how the deny comes about: `invalid_*` is input that does not fit the schema, `invariant_*` an
//! intent that would break (or cannot be checked against) an invariant, `no_rule_*` a default
//! deny; every other deny is decided by a rule.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn writ(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_writ"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the writ binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The example files of one folder, sorted, as paths relative to the repository root.
fn examples(folder: &str) -> Vec<PathBuf> {
    let dir = root().join("policies/examples").join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            p.strip_prefix(root())
                .expect("under the root")
                .to_path_buf()
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_pack_checks_cleanly() {
    let out = writ(&["check", "--color", "never", "policies"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("warning[") && !stderr.contains("error["),
        "{stderr}"
    );
    let out = writ(&["fmt", "--check", "policies"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "not formatted: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn the_pack_tests_pass_and_exercise_every_rule() {
    let out = writ(&["test", "policies", "--coverage"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));

    let result = stdout
        .lines()
        .find(|l| l.starts_with("test result: "))
        .unwrap_or_else(|| panic!("no test result line:\n{stdout}"));
    let passed: usize = result
        .split(". ")
        .nth(1)
        .and_then(|s| s.strip_suffix(" passed; 0 failed"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected result line: {result}"));
    assert!(passed >= 40, "only {passed} tests: {result}");

    let summary = stdout
        .lines()
        .find(|l| l.starts_with("coverage: "))
        .unwrap_or_else(|| panic!("no coverage summary:\n{stdout}"));
    let counts: Vec<usize> = summary
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(
        counts.len() == 2 && counts[0] == counts[1] && counts[0] > 0,
        "{summary}"
    );
    let unexercised: Vec<&str> = stdout.lines().filter(|l| l.starts_with('!')).collect();
    assert!(
        unexercised.is_empty(),
        "rules no test matches:\n{}",
        unexercised.join("\n")
    );
}

/// Delegation in the pack is tied to the owner of what the agent acts on: every `delegated`
/// call names its root (`delegated(resource.owner)`), and no `authority` declaration lets any
/// person's grant count.
#[test]
fn delegation_is_rooted_at_the_resources_owner() {
    let dir = root().join("policies");
    let mut calls = 0;
    for entry in std::fs::read_dir(&dir).expect("the policies folder") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "writ") {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("a policy file");
        for (n, line) in source.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("").trim();
            let at = format!("{}:{}", path.display(), n + 1);
            assert!(
                !code.contains("delegated()"),
                "{at}: `delegated()` accepts any root authority's grant: {line}"
            );
            assert!(
                !code.starts_with("authority "),
                "{at}: the pack declares no root authority: {line}"
            );
            calls += code.matches("delegated(").count();
        }
    }
    assert!(
        calls >= 3,
        "only {calls} `delegated(root)` calls in the pack"
    );
}

#[test]
fn each_folder_has_at_least_ten_examples() {
    for folder in ["allow", "review", "deny"] {
        let n = examples(folder).len();
        assert!(n >= 10, "policies/examples/{folder} has {n} examples");
    }
    let invalid = examples("deny")
        .iter()
        .filter(|p| name(p).starts_with("invalid_"))
        .count();
    assert!(invalid >= 2, "{invalid} schema-invalid examples");
}

fn name(path: &Path) -> String {
    path.file_stem()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

/// Checks that a deciding reason names its rule and explains each of its clauses.
fn check_reasons(decision: &Json, effect: &str, context: &str) {
    let reasons = decision["reasons"].as_array().expect("reasons is a list");
    assert!(!reasons.is_empty(), "{context}: no reasons");
    for reason in reasons {
        assert!(
            reason["rule"].as_str().is_some_and(|r| !r.is_empty()),
            "{context}: a reason without a rule: {reason}"
        );
        assert_eq!(reason["effect"], effect, "{context}: {reason}");
        assert!(
            reason["file"]
                .as_str()
                .is_some_and(|f| f.starts_with("policies")),
            "{context}: {reason}"
        );
        let clauses = reason["clauses"].as_array().expect("clauses is a list");
        assert!(
            !clauses.is_empty(),
            "{context}: a reason without clauses: {reason}"
        );
        for clause in clauses {
            assert!(
                clause["source"].as_str().is_some_and(|s| !s.is_empty()),
                "{context}: a clause without source: {clause}"
            );
            let value = clause
                .get("value")
                .unwrap_or_else(|| panic!("{context}: a clause without value: {clause}"));
            // A clause that could not be evaluated (fail closed) has a null value and says why.
            assert!(
                value.is_boolean() || clause["error"].is_string(),
                "{context}: {clause}"
            );
        }
    }
}

#[test]
fn every_example_gets_its_folders_decision_with_an_explanation() {
    let mut policy_hashes = Vec::new();
    for (folder, code) in [("allow", 0), ("review", 3), ("deny", 2)] {
        for path in examples(folder) {
            let file = path.to_string_lossy().into_owned();
            let out = writ(&[
                "eval",
                "--policies",
                "policies",
                "--request",
                &file,
                "--format",
                "json",
            ]);
            let stdout = text(&out.stdout);
            let decision: Json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
                panic!("{file}: not JSON ({e}): {stdout}{}", text(&out.stderr))
            });
            assert_eq!(decision["decision"], folder, "{file}: {decision:#}");
            assert_eq!(out.status.code(), Some(code), "{file}: exit code");
            for hash in ["policy_hash", "intent_hash", "snapshot_hash"] {
                assert!(
                    decision[hash].as_str().is_some_and(|h| h.len() == 64),
                    "{file}: {hash}"
                );
            }
            policy_hashes.push(decision["policy_hash"].clone());

            let name = name(&path);
            let reasons = decision["reasons"].as_array().expect("reasons is a list");
            let validation = decision.get("validation").and_then(Json::as_array);
            match folder {
                "allow" => check_reasons(&decision, "allow", &file),
                "review" => {
                    check_reasons(&decision, "review", &file);
                    assert!(
                        decision["approvers"]
                            .as_array()
                            .is_some_and(|a| !a.is_empty()),
                        "{file}: a review names its approvers"
                    );
                }
                _ if name.starts_with("invalid_") => {
                    let validation =
                        validation.unwrap_or_else(|| panic!("{file}: no validation errors"));
                    assert!(!validation.is_empty(), "{file}");
                    for v in validation {
                        assert!(
                            v["path"].as_str().is_some_and(|p| p.starts_with('$')),
                            "{file}: {v}"
                        );
                        assert!(v["message"].is_string(), "{file}: {v}");
                    }
                    assert!(reasons.is_empty(), "{file}");
                }
                _ if name.starts_with("invariant_") => {
                    let broken = decision["invariants"]
                        .as_array()
                        .unwrap_or_else(|| panic!("{file}: no broken invariant: {decision:#}"));
                    assert!(
                        broken.iter().any(|i| i["name"] == "within_budget"),
                        "{file}: {decision:#}"
                    );
                    assert!(validation.is_none(), "{file}");
                }
                _ if name.starts_with("no_rule_") => {
                    assert!(reasons.is_empty(), "{file}: {decision:#}");
                    assert!(validation.is_none(), "{file}");
                    assert!(
                        decision["summary"]
                            .as_str()
                            .is_some_and(|s| s.starts_with("deny: no rule grants")),
                        "{file}: {decision:#}"
                    );
                }
                _ => {
                    assert!(validation.is_none(), "{file}: {decision:#}");
                    check_reasons(&decision, "deny", &file);
                }
            }

            // Examples about delegation show the chain: whole where it holds, the broken link
            // where it does not.
            if name.contains("delegat") {
                let chain = &decision["delegation"];
                assert!(chain.is_object(), "{file}: no delegation chain");
                if name.starts_with("no_rule_") {
                    assert_eq!(chain["valid"], false, "{file}: {chain}");
                    assert!(chain["broken"].is_string(), "{file}: {chain}");
                } else {
                    assert_eq!(chain["valid"], true, "{file}: {chain}");
                }
            }
        }
    }
    policy_hashes.dedup();
    assert_eq!(policy_hashes.len(), 1, "one policy set, one policy hash");
}
