//! A synthetic policy set of realistic shape: a schema of `types` entity types in a hierarchy,
//! with attributes of every kind, 50 actions, and `rules` rules spread over `files` files.
//! Shared by the compiler's and the language server's benchmarks (included by path).

#![allow(dead_code)]

pub struct PolicySet {
    pub schema: String,
    pub files: Vec<(String, String)>,
}

const ACTIONS: usize = 50;

fn attrs(t: usize, types: usize) -> String {
    let parent = (t / 2).min(types - 1);
    format!(
        "name: String, level: Int, tags: Set<String>, active: Bool, score: Decimal, \
         owner: T{parent}, note?: String, created: Datetime, limits: Map<String, Int>"
    )
}

pub fn schema(types: usize) -> String {
    let mut s = String::from("schema {\n");
    for t in 0..types {
        let parents = if t == 0 {
            String::new()
        } else {
            format!(" in [T{}]", (t - 1) / 2)
        };
        s.push_str(&format!(
            "  /// Entity type {t}.\n  entity T{t}{parents} {{ {} }}\n",
            attrs(t, types)
        ));
    }
    s.push_str("  enum Level { low, medium, high }\n");
    for a in 0..ACTIONS {
        let actor = (a * 7) % types;
        let resource = (a * 13 + 5) % types;
        s.push_str(&format!(
            "  action svc{}.op{} by T{actor} on T{resource} {{ amount: Int, label: String, level: Level }}\n",
            a / 5,
            a % 5
        ));
    }
    s.push_str("}\n");
    s
}

/// The body of rule `i`: a few clauses over the action's actor, resource and arguments.
pub fn rule(i: usize, variant: usize) -> String {
    let a = i % ACTIONS;
    let effect = ["allow", "deny", "allow", "allow"][i % 4];
    let mut r = format!(
        "/// Rule {i}.\n{effect} rule_{i} on svc{}.op{}\n",
        a / 5,
        a % 5
    );
    r.push_str(&format!(
        "  when args.amount < {} && actor.level >= {}\n",
        100 + i % 900 + variant,
        i % 7
    ));
    match i % 5 {
        0 => r.push_str("  when resource has note && resource.note like \"*draft*\"\n"),
        1 => r.push_str(&format!(
            "  when resource.tags.contains(\"t{}\") || args.level == Level.high\n",
            i % 13
        )),
        2 => r.push_str("  when any t in actor.tags: t like \"team-*\"\n"),
        3 => r.push_str(&format!("  unless resource.score > {}.5\n", i % 100)),
        _ => r.push_str(&format!(
            "  when resource.limits.get(\"daily\", 0) > {} && resource.active\n",
            i % 50
        )),
    }
    if effect == "deny" {
        r.push_str(&format!("  because \"rule {i} forbids it\"\n"));
    }
    r.push('\n');
    r
}

pub fn generate(types: usize, rules: usize, files: usize) -> PolicySet {
    let per_file = rules / files;
    let files = (0..files)
        .map(|f| {
            let text: String = (0..per_file).map(|j| rule(f * per_file + j, 0)).collect();
            (format!("rules/r{f:03}.writ"), text)
        })
        .collect();
    PolicySet {
        schema: schema(types),
        files,
    }
}

/// The text of file `f` with one rule's condition changed.
pub fn edited_file(types: usize, rules: usize, files: usize, f: usize, variant: usize) -> String {
    let _ = types;
    let per_file = rules / files;
    (0..per_file)
        .map(|j| {
            let i = f * per_file + j;
            rule(i, if j == per_file / 2 { variant } else { 0 })
        })
        .collect()
}
