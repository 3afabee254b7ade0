//! A decision touches only the rules that can apply to its action and types.

use serde_json::json;
use writ_compiler::Compiler;
use writ_evaluator::{Coverage, Outcome, PolicySet, decide_with};

const POLICY: &str = r#"
schema {
  entity User
  entity File { size: Int }
  entity Folder { files: Int }
  action read by User on [File, Folder]
  action write by User on File
}

allow small_files on read
  when resource is File && resource.size < 10

allow small_folders on read
  when resource is Folder && resource.files < 3

deny writes on write
  when true
"#;

#[test]
fn rules_are_indexed_by_action_and_resource_type() {
    let mut compiler = Compiler::new();
    compiler.add_file("index.writ", POLICY);
    let set = PolicySet::new(compiler.compile().expect("compiles"));
    let request = json!({
        "intent": {"actor": "User::\"u\"", "action": "read", "resource": "File::\"f\""},
        "snapshot": {"entities": [{"uid": "File::\"f\"", "attrs": {"size": 3}}]}
    });
    let (intent, snapshot) = set.parse_request(&request).expect("valid");
    let mut coverage = Coverage::default();
    let decision = decide_with(&set, &intent, &snapshot, Some(&mut coverage));
    assert_eq!(decision.outcome, Outcome::Allow);
    let evaluated: Vec<&str> = coverage
        .rules
        .keys()
        .map(|&i| set.rules().nth(i).unwrap().item.name.as_ref())
        .collect();
    // `small_folders` can never match a file and `writes` is for another action: neither ran.
    assert_eq!(evaluated, vec!["small_files"]);
}
