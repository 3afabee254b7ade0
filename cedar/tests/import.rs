//! What the import writes: canonical Writ that checks, the translation of each construct, and
//! clear errors for what cannot be translated.

mod support;

use std::path::Path;

use support::*;
use writ_cedar::{Input, Options, Text};

fn all_sets() -> Vec<(std::path::PathBuf, Option<std::path::PathBuf>)> {
    let corpus = corpus();
    let mut dirs = Vec::new();
    for group in ["use-cases", "benchmarks"] {
        let mut found: Vec<_> = std::fs::read_dir(corpus.join(group))
            .expect("corpus")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .map(|p| (p, None))
            .collect();
        found.sort();
        dirs.extend(found);
    }
    let features = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/features");
    dirs.push((features.clone(), Some(features.join("links.json"))));
    dirs
}

#[test]
fn imported_policy_sets_are_formatted_and_check() {
    for (dir, links) in all_sets() {
        let (policies, schema) = policies_and_schema(&dir);
        let output = writ_cedar::import(&Input {
            policies: text(&policies),
            schema: text(&schema),
            entities: None,
            links: links.as_deref().map(text),
            options: Options::default(),
        })
        .unwrap_or_else(|e| panic!("{}: {e:?}", dir.display()));
        for (name, file) in &output.files {
            let formatted = writ_language::format::format(file).expect("parses");
            assert_eq!(
                &formatted,
                file,
                "{}: {name} is not in canonical form",
                dir.display()
            );
        }
        // Compiles without errors (warnings allowed), as `writ check` requires.
        writ_set(&output);
    }
}

const SCHEMA: &str = r#"
namespace Acme { entity Team; entity User in [Team] = { "full name": String, age?: Long } tags Long; }
entity Doc = { owner: Acme::User, tags: Set<String> };
action "read doc" appliesTo { principal: [Acme::User], resource: [Doc], context: { "x-y": Long } };
action "group";
action write in ["group"] appliesTo { principal: [Acme::User], resource: [Doc] };
"#;

fn translate(policies: &str) -> Result<String, String> {
    writ_cedar::import(&Input {
        policies: Text::new("p.cedar", policies),
        schema: Text::new("s.cedarschema", SCHEMA),
        entities: None,
        links: None,
        options: Options::default(),
    })
    .map(|o| o.files[1].1.clone())
    .map_err(|e| {
        e.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

#[test]
fn constructs_translate_as_documented() {
    // (Cedar policy, text the Writ rules must contain)
    let cases: &[(&str, &[&str])] = &[
        (
            r#"permit (principal == Acme::User::"a", action == Action::"read doc", resource);"#,
            &[
                "allow policy0 on read_doc",
                "when actor == Acme_User::\"a\"",
            ],
        ),
        (
            r#"@id("by-group") forbid (principal in Acme::Team::"t", action in Action::"group", resource);"#,
            &["deny by_group on write", "when actor in Acme_Team::\"t\""],
        ),
        (
            r#"permit (principal, action == Action::"read doc", resource) when { principal["full name"] like "A*\*" && context["x-y"] > 1 };"#,
            &["actor.full_name like \"A*\\*\"", "args[\"x-y\"] > 1"],
        ),
        (
            r#"permit (principal, action, resource) when { principal has age && principal.age >= 18 || principal.hasTag("vip") };"#,
            &[
                "actor has age && actor.age >= 18",
                "actor has tags_2 && \"vip\" in actor.tags_2",
            ],
        ),
        (
            r#"permit (principal, action, resource) when { action == Action::"write" || action in [Action::"group"] };"#,
            &["action == \"write\" || action in [\"write\"]"],
        ),
        (
            r#"permit (principal, action, resource is Doc) when { resource.owner != principal && !resource.tags.isEmpty() };"#,
            &["resource.owner != actor && !resource.tags.isEmpty()"],
        ),
    ];
    for (cedar, expected) in cases {
        let writ = translate(cedar).unwrap_or_else(|e| panic!("{cedar}: {e}"));
        for fragment in *expected {
            assert!(
                writ.contains(fragment),
                "{cedar}\nexpected `{fragment}` in:\n{writ}"
            );
        }
    }
}

#[test]
fn untranslatable_constructs_are_errors_with_positions() {
    // (Cedar policies, text the error must contain)
    let cases: &[(&str, &[&str])] = &[
        (
            "permit (principal, action, resource)\nwhen { principal.nope == 1 };",
            &["p.cedar:2:", "nope"],
        ),
        (
            "permit (principal, action, resource)\nwhen { principal == action };",
            &[
                "p.cedar:2:",
                "`action` can only be compared with action literals",
            ],
        ),
        (
            "permit (principal, action, resource",
            &["p.cedar:1:", "syntax error"],
        ),
    ];
    for (cedar, expected) in cases {
        let error = translate(cedar).expect_err(cedar);
        for fragment in *expected {
            assert!(
                error.contains(fragment),
                "{cedar}\nexpected `{fragment}` in: {error}"
            );
        }
    }
}

#[test]
fn templates_without_links_and_impossible_policies_are_reported_not_dropped() {
    let output = writ_cedar::import(&Input {
        policies: Text::new(
            "p.cedar",
            "permit (principal == ?principal, action, resource);\npermit (principal, action == Action::\"group\", resource);",
        ),
        schema: Text::new("s.cedarschema", SCHEMA),
        entities: None,
        links: None,
        options: Options::default(),
    })
    .expect("imports");
    let warnings = output.warnings.join("\n");
    assert!(warnings.contains("has no links"), "{warnings}");
    assert!(warnings.contains("never applies"), "{warnings}");
    assert!(
        output.files[1].1.contains("// Cedar policy `policy1`"),
        "{}",
        output.files[1].1
    );
}

mod no_panic {
    use super::*;
    use proptest::prelude::*;

    /// The corpus's policies, schemas and entities, to mutate.
    fn inputs() -> Vec<(String, String, Option<String>)> {
        all_sets()
            .into_iter()
            .map(|(dir, _)| {
                let (policies, schema) = policies_and_schema(&dir);
                let entities = std::fs::read_to_string(dir.join("entities.json")).ok();
                (read(&policies), read(&schema), entities)
            })
            .collect()
    }

    /// Deletes, duplicates or replaces characters at a few places.
    fn mutate(text: &str, edits: &[(usize, u8, char)]) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        for &(at, kind, c) in edits {
            if chars.is_empty() {
                break;
            }
            let at = at % chars.len();
            match kind % 3 {
                0 => {
                    chars.remove(at);
                }
                1 => chars.insert(at, c),
                _ => chars[at] = c,
            }
        }
        chars.into_iter().collect()
    }

    fn edits() -> impl Strategy<Value = Vec<(usize, u8, char)>> {
        let c = prop_oneof![
            Just('"'),
            Just('{'),
            Just('}'),
            Just(';'),
            Just(':'),
            Just('['),
            Just('.'),
            Just('-'),
            Just(' '),
            any::<char>()
        ];
        prop::collection::vec((any::<usize>(), any::<u8>(), c), 1..6)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Whatever the input, the import returns a result or errors; it never panics.
        #[test]
        fn mutated_input_never_panics(set in any::<prop::sample::Index>(), which in 0u8..3, edits in edits()) {
            let inputs = inputs();
            let (policies, schema, entities) = &inputs[set.index(inputs.len())];
            let (mut p, mut s, mut e) = (policies.clone(), schema.clone(), entities.clone());
            match which {
                0 => p = mutate(&p, &edits),
                1 => s = mutate(&s, &edits),
                _ => e = e.map(|e| mutate(&e, &edits)),
            }
            for derive in [false, true] {
                let _ = writ_cedar::import(&Input {
                    policies: Text::new("p.cedar", p.clone()),
                    schema: Text::new("s.cedarschema", s.clone()),
                    entities: e.clone().map(|e| Text::new("e.json", e)),
                    links: None,
                    options: Options { derive_schema: derive },
                });
            }
        }

        /// Mutated template links, and Cedar requests mutated as text or given odd values,
        /// give errors or results, never panics.
        #[test]
        fn mutated_links_and_requests_never_panic(
            pick in any::<prop::sample::Index>(),
            request in any::<prop::sample::Index>(),
            edits in edits(),
            field in 0usize..4,
            odd in odd_value(),
        ) {
            let features = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/features");
            let (policies, schema) = policies_and_schema(&features);
            let links = mutate(&read(&features.join("links.json")), &edits);
            let _ = writ_cedar::import(&Input {
                policies: text(&policies),
                schema: text(&schema),
                entities: None,
                links: Some(Text::new("l.json", links)),
                options: Options::default(),
            });

            let cases = requests();
            let (output, set, texts) = &cases[pick.index(cases.len())];
            let original = &texts[request.index(texts.len())];
            if let Ok(json) = serde_json::from_str(&mutate(original, &edits)) {
                translate_request(output, set, &json);
            }
            let mut json: serde_json::Value =
                serde_json::from_str(original).expect("request is JSON");
            json[["principal", "action", "resource", "context"][field]] = odd;
            translate_request(output, set, &json);
        }
    }

    /// Translates a request and reads it as the policy set's intent, ignoring errors.
    fn translate_request(
        output: &writ_cedar::Output,
        set: &writ_evaluator::PolicySet,
        json: &serde_json::Value,
    ) {
        if let Ok(intent) = writ_cedar::intent(json, &output.names, set.schema()) {
            let _ = set.parse_intent(&intent);
        }
    }

    /// Values a request field should not have, or has only in an unusual form.
    fn odd_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::json;
        prop_oneof![
            Just(json!(null)),
            Just(json!(7)),
            Just(json!([])),
            Just(json!({})),
            Just(json!("User::")),
            Just(json!({"__entity": {"type": "", "id": ""}})),
            Just(json!({"type": "Action", "id": "view"})),
            Just(json!({"__extn": {"fn": "decimal", "arg": "1.2345678"}})),
            Just(json!({"a": {"__extn": {"fn": "ip", "arg": "::1/200"}}})),
            any::<String>().prop_map(serde_json::Value::String),
        ]
    }

    /// The use cases with requests, imported once, with their requests' texts.
    fn requests() -> &'static [(writ_cedar::Output, writ_evaluator::PolicySet, Vec<String>)] {
        static CASES: std::sync::OnceLock<
            Vec<(writ_cedar::Output, writ_evaluator::PolicySet, Vec<String>)>,
        > = std::sync::OnceLock::new();
        CASES.get_or_init(|| {
            let mut cases = Vec::new();
            for (dir, _) in all_sets() {
                let mut texts: Vec<String> = ["ALLOW", "DENY"]
                    .iter()
                    .flat_map(|f| std::fs::read_dir(dir.join(f)).into_iter().flatten())
                    .filter_map(|e| e.ok())
                    .map(|e| read(&e.path()))
                    .collect();
                if texts.is_empty() {
                    continue;
                }
                texts.sort();
                let (policies, schema) = policies_and_schema(&dir);
                let output = import(&policies, &schema, None, false).expect("imports");
                let set = writ_set(&output);
                cases.push((output, set, texts));
            }
            assert!(cases.len() >= 5, "the use cases with requests");
            cases
        })
    }
}

/// Template links that Cedar would refuse are errors naming the link, never panics.
#[test]
fn bad_links_are_errors_naming_the_link() {
    let policies = "@id(\"grant\")\npermit (principal == ?principal, action, resource);\n";
    let import = |links: &str| {
        writ_cedar::import(&Input {
            policies: Text::new("p.cedar", policies),
            schema: Text::new("s.cedarschema", SCHEMA),
            entities: None,
            links: Some(Text::new("l.json", links)),
            options: Options::default(),
        })
        .map(|_| ())
        .map_err(|e| {
            e.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })
    };
    let a = r#"{"?principal": "Acme::User::\"a\""}"#;
    let cases: &[(String, &str)] = &[
        ("[".into(), "l.json: not valid JSON"),
        ("{}".into(), "expected an array of links"),
        (
            r#"[{"link_id": "x"}]"#.into(),
            "link 0: missing `template_id`",
        ),
        (
            format!(r#"[{{"template_id": "nope", "link_id": "x", "args": {a}}}]"#),
            "the link `x` names the template `nope`, which `p.cedar` does not define",
        ),
        (
            format!(
                r#"[{{"template_id": "grant", "link_id": "x", "args": {a}}}, {{"template_id": "grant", "link_id": "x", "args": {a}}}]"#
            ),
            "the link `x` has an id that another link or policy already has",
        ),
        (
            r#"[{"template_id": "grant", "link_id": "x", "args": {"?other": "Acme::User::\"a\""}}]"#
                .into(),
            "unknown slot `?other`",
        ),
        (
            r#"[{"template_id": "grant", "link_id": "x", "args": {}}]"#.into(),
            "the link `x` gives no value for `?principal`",
        ),
        (
            r#"[{"template_id": "grant", "link_id": "x", "args": {"?principal": "Acme::User::\"a\"", "?resource": "Doc::\"d\""}}]"#
                .into(),
            "the link `x` gives a value for `?resource`, which the template `grant` does not have",
        ),
        (
            r#"[{"template_id": "grant", "link_id": "x", "args": {"?principal": 7}}]"#.into(),
            "`?principal` is not an entity reference",
        ),
        (
            r#"[{"template_id": "grant", "link_id": "x", "args": {"?principal": "Nope::\"a\""}}]"#
                .into(),
            "gives `?principal` the entity `Nope::\"a\"`, of the unknown type `Nope`",
        ),
    ];
    for (links, expected) in cases {
        let error = import(links).expect_err(links);
        assert!(
            error.contains(expected),
            "{links}\nexpected `{expected}` in: {error}"
        );
    }
    import(&format!(
        r#"[{{"template_id": "grant", "link_id": "x", "args": {a}}}]"#
    ))
    .expect("a good link imports");
}

/// Cedar requests that do not fit the imported set are errors saying what is wrong.
#[test]
fn bad_requests_are_errors_saying_what_is_wrong() {
    let output = writ_cedar::import(&Input {
        policies: Text::new("p.cedar", "permit (principal, action, resource);"),
        schema: Text::new("s.cedarschema", SCHEMA),
        entities: None,
        links: None,
        options: Options::default(),
    })
    .expect("imports");
    let set = writ_set(&output);
    let ok = serde_json::json!({
        "principal": "Acme::User::\"a\"",
        "action": "Action::\"read doc\"",
        "resource": {"type": "Doc", "id": "d"},
        "context": {"x-y": 1},
    });
    writ_cedar::intent(&ok, &output.names, set.schema()).expect("a good request translates");
    let with = |key: &str, value: serde_json::Value| {
        let mut r = ok.clone();
        r[key] = value;
        r
    };
    let cases: Vec<(serde_json::Value, &str)> = vec![
        (serde_json::json!([]), "a Cedar request is an object"),
        (with("extra", serde_json::json!(1)), "unknown field `extra`"),
        (
            with("principal", serde_json::json!(3)),
            "`principal` is not an entity reference",
        ),
        (
            with("principal", serde_json::json!("Nope::\"a\"")),
            "`Nope`",
        ),
        (
            with("action", serde_json::json!("Action::\"group\"")),
            "the action `Action::\"group\"` cannot be requested",
        ),
        (with("context", serde_json::json!({"x-y": "one"})), "`x-y`"),
        (with("context", serde_json::json!({})), "`x-y`"),
    ];
    for (request, expected) in cases {
        let error = writ_cedar::intent(&request, &output.names, set.schema())
            .expect_err(&request.to_string());
        assert!(
            error.contains(expected),
            "{request}\nexpected `{expected}` in: {error}"
        );
    }
}
