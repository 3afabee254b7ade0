//! Editing one rule re-checks and re-lowers that rule and nothing else.

use writ_compiler::{Compiler, ExecutionLog};

const SCHEMA: &str = r#"
schema {
  entity User { roles: Set<String> }
  entity Agent { owner: User, ring: Int }
  entity File { path: String, owner: User }
  action fs.read by Agent on File
  action fs.write by Agent on File { bytes: Int }
}
"#;

fn rules(file: usize, body: &str) -> String {
    (0..20)
        .map(|i| {
            let condition = if file == 3 && i == 7 { body.to_string() } else { format!("args.bytes < {i}") };
            format!("allow rule_{file}_{i} on fs.write\n  when {condition}\n  when actor.ring <= {i}\n\n")
        })
        .collect()
}

fn run(compiler: &Compiler) {
    assert!(!compiler.has_errors(), "{:#?}", compiler.diagnostics());
    assert_eq!(compiler.lowered_items().len(), 1 + 5 * 20);
}

#[test]
fn editing_one_rule_body_rechecks_only_that_rule() {
    let (mut compiler, log) = Compiler::with_execution_log();
    compiler.add_file("schema.writ", SCHEMA);
    let files: Vec<_> = (0..5)
        .map(|f| compiler.add_file(format!("rules_{f}.writ"), rules(f, "args.bytes < 7")))
        .collect();
    run(&compiler);
    let first = log.take();
    assert_eq!(ExecutionLog::count(&first, "check_item"), 101);
    assert_eq!(ExecutionLog::count(&first, "lower_item"), 101);

    // A longer body: every later item of the file moves, but none of them changes.
    compiler.set_text(
        files[3],
        rules(3, "args.bytes < 7000 && resource.path like \"/tmp/*\""),
    );
    run(&compiler);
    let second = log.take();
    assert_eq!(ExecutionLog::count(&second, "parse_file"), 1, "{second:?}");
    // Only the edited item's text is new; every other item's tree is reused.
    assert_eq!(ExecutionLog::count(&second, "parse_chunk"), 1, "{second:?}");
    assert_eq!(ExecutionLog::count(&second, "check_item"), 1, "{second:?}");
    assert_eq!(ExecutionLog::count(&second, "lower_item"), 1, "{second:?}");
    assert_eq!(ExecutionLog::count(&second, "schema"), 0, "{second:?}");

    // Nothing changed: nothing runs.
    run(&compiler);
    let third = log.take();
    assert!(third.is_empty(), "{third:?}");
}

#[test]
fn editing_the_schema_rechecks_rules_that_use_it() {
    let (mut compiler, log) = Compiler::with_execution_log();
    let schema = compiler.add_file("schema.writ", SCHEMA);
    compiler.add_file("rules_0.writ", rules(0, "args.bytes < 7"));
    compiler.diagnostics();
    log.take();
    compiler.set_text(
        schema,
        SCHEMA.replace("ring: Int", "ring: Int, team?: String"),
    );
    compiler.diagnostics();
    let after = log.take();
    assert_eq!(ExecutionLog::count(&after, "schema"), 1, "{after:?}");
    assert_eq!(ExecutionLog::count(&after, "check_item"), 21, "{after:?}");
}

#[test]
fn moving_a_rule_in_its_file_updates_positions_without_rechecking() {
    let (mut compiler, log) = Compiler::with_execution_log();
    compiler.add_file("schema.writ", SCHEMA);
    let file = compiler.add_file(
        "rules.writ",
        "allow a on fs.write when args.bytes < \"x\"\n",
    );
    let before = compiler.diagnostics();
    log.take();
    compiler.set_text(
        file,
        "\n\n// a comment\nallow a on fs.write when args.bytes < \"x\"\n",
    );
    let after = compiler.diagnostics();
    let executed = log.take();
    assert_eq!(
        ExecutionLog::count(&executed, "check_item"),
        0,
        "{executed:?}"
    );
    assert_eq!(before.len(), 1);
    assert_eq!(
        after[0].primary.loc.span.start,
        before[0].primary.loc.span.start + 15
    );
}
