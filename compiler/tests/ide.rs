//! The IDE queries on a small policy set: what an edit recomputes, and the answers to the
//! questions the language server asks (its own tests cover the protocol around them).

use writ_compiler::ide::{self, Role, Symbol};
use writ_compiler::{Compiler, ExecutionLog, SourceFile};

const SCHEMA: &str = "schema {
  entity User { roles: Set<String> }
  /// An agent.
  entity Agent { owner: User, ring: Int }
  entity File { path: String }
  enum Level { low, high }
  action fs.read by Agent on File { level: Level }
}
";

fn rules(file: usize, edited: &str) -> String {
    (0..10)
        .map(|i| {
            let condition = if i == 4 { edited.to_string() } else { format!("actor.ring <= {i}") };
            format!("allow rule_{file}_{i} on fs.read\n  when {condition}\n  when args.level == Level.low\n\n")
        })
        .collect()
}

/// The offset of the `n`th occurrence of `needle` in the file, plus `within`.
fn offset(compiler: &Compiler, file: SourceFile, needle: &str, n: usize, within: usize) -> u32 {
    let text = file.text(compiler.db());
    let start = text
        .match_indices(needle)
        .nth(n)
        .expect("the text is there")
        .0;
    (start + within) as u32
}

#[test]
fn editing_one_rule_analyses_only_that_rule_again() {
    let (mut compiler, log) = Compiler::with_execution_log();
    compiler.add_file("schema.writ", SCHEMA);
    let files: Vec<SourceFile> = (0..3)
        .map(|f| compiler.add_file(format!("r{f}.writ"), rules(f, "actor.ring <= 4")))
        .collect();
    let db = compiler.db();
    assert!(!ide::semantic_tokens(db, files[1]).is_empty());
    let first = log.take();
    assert_eq!(
        ExecutionLog::count(&first, "item_analysis"),
        10,
        "{first:?}"
    );

    compiler.set_text(
        files[1],
        rules(1, "actor.ring <= 4 && resource.path like \"/x*\""),
    );
    let db = compiler.db();
    ide::semantic_tokens(db, files[1]);
    let second = log.take();
    assert_eq!(
        ExecutionLog::count(&second, "item_analysis"),
        1,
        "{second:?}"
    );
    assert_eq!(ExecutionLog::count(&second, "check_item"), 0, "{second:?}");
}

#[test]
fn names_resolve_through_types_and_scopes() {
    let mut compiler = Compiler::new();
    let schema = compiler.add_file("schema.writ", SCHEMA);
    let file = compiler.add_file(
        "r.writ",
        "allow r on fs.read\n  when any x in actor.owner.roles: x == \"a\"\n  when args.level == Level.high\n",
    );
    let db = compiler.db();

    // `roles` after `actor.owner.` is the attribute of `User`, declared in the schema.
    let at = ide::symbol_at(db, file, offset(&compiler, file, "roles", 0, 1)).expect("a name");
    assert_eq!(
        at.symbol,
        Symbol::Attribute {
            entity: "User".into(),
            name: "roles".into()
        }
    );
    let declared = ide::declaration(db, &at.symbol, at.item).expect("declared");
    assert_eq!(declared.file, schema);
    assert_eq!(&SCHEMA[declared.span.range()], "roles");

    // `x` is the quantifier's variable: its use leads back to where it is bound.
    let x = offset(&compiler, file, "x ==", 0, 0);
    let definition = ide::definition(db, file, x).expect("bound");
    assert_eq!(definition.span.start, offset(&compiler, file, "x in", 0, 0));
    let highlights = ide::highlights(db, file, x);
    assert_eq!(
        highlights.iter().map(|h| h.role).collect::<Vec<_>>(),
        [Role::Definition, Role::Reference]
    );

    // `args.level` is the argument of `fs.read`, `Level.high` a member of `Level`.
    let level = ide::symbol_at(db, file, offset(&compiler, file, "level", 0, 1)).expect("a name");
    assert_eq!(
        level.symbol,
        Symbol::Argument {
            action: "fs.read".into(),
            name: "level".into()
        }
    );
    let high = ide::symbol_at(db, file, offset(&compiler, file, "high", 0, 1)).expect("a name");
    assert_eq!(
        high.symbol,
        Symbol::EnumMember {
            ty: "Level".into(),
            member: "high".into()
        }
    );

    // The hover over `x` says what it ranges over.
    let hover = ide::hover(db, file, x).expect("a hover");
    assert!(hover.markdown.contains("x: String"), "{}", hover.markdown);
}

#[test]
fn renaming_checks_the_new_name() {
    let mut compiler = Compiler::new();
    compiler.add_file("schema.writ", SCHEMA);
    let file = compiler.add_file("r.writ", rules(0, "actor.ring <= 4"));
    let db = compiler.db();
    let ring = offset(&compiler, file, "ring", 0, 1);
    let edits = ide::rename(db, file, ring, "trust").expect("renamed");
    // The declaration and the ten reads.
    assert_eq!(edits.len(), 11);
    assert!(edits.iter().all(|e| e.text == "trust"));
    // Attribute names may be keywords (after a `.` any word is a name), but not these.
    for bad in ["1st", "owner", "a-b", ""] {
        assert!(
            ide::rename(db, file, ring, bad).is_err(),
            "{bad} is refused"
        );
    }
    assert_eq!(ide::rename(db, file, ring, "when").map(|e| e.len()), Ok(11));
    // A rule may not be named with a keyword, nor with another rule's name.
    let rule = offset(&compiler, file, "rule_0_3", 0, 1);
    for bad in ["when", "rule_0_4"] {
        assert!(
            ide::rename(db, file, rule, bad).is_err(),
            "{bad} is refused"
        );
    }
    // A predefined variable cannot be renamed.
    let actor = offset(&compiler, file, "actor", 0, 1);
    assert!(ide::prepare_rename(db, file, actor).is_err());
}

#[test]
fn completion_after_a_dot_in_an_item_being_typed() {
    let mut compiler = Compiler::new();
    compiler.add_file("schema.writ", SCHEMA);
    let text = "allow r on fs.read\n  when actor.owner.";
    let file = compiler.add_file("r.writ", text);
    let found = ide::completions(compiler.db(), file, text.len() as u32);
    let labels: Vec<&str> = found.items.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["roles"]);
    assert_eq!(found.replace.start, text.len() as u32);
}
