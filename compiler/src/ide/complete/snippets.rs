//! Skeletons of whole items and declarations, filled in from the schema where it can tell
//! (the declared actions to choose from, a test's actor and resource types).

use super::{Completion, CompletionKind};
use crate::schema::{ActionInfo, Schema};

fn snippet(label: &str, detail: &str, body: String) -> Completion {
    Completion {
        label: label.to_string(),
        kind: CompletionKind::Snippet,
        detail: Some(detail.to_string()),
        documentation: Some(format!("```writ\n{}\n```", plain(&body))),
        insert: Some(body),
        snippet: true,
    }
}

/// The snippet as it reads once its placeholders take their defaults, for documentation.
fn plain(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let inner = &rest[start + 2..];
        let end = inner.find('}').unwrap_or(inner.len());
        let field = &inner[..end];
        let shown = match field.split_once(['|', ':']) {
            Some((_, choices)) if field.contains('|') => choices
                .trim_end_matches('|')
                .split(',')
                .next()
                .unwrap_or(""),
            Some((_, default)) => default,
            None => "",
        };
        out.push_str(shown);
        rest = inner.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out.replace("$0", "")
}

/// `${n|a,b,c|}` over the declared actions, or a plain placeholder when there are too many
/// to choose from.
fn action_choice(schema: &Schema, n: u32) -> String {
    let names: Vec<&str> = schema.actions.keys().map(|k| k.as_ref()).collect();
    match names.len() {
        0 => format!("${{{n}:fs.read}}"),
        1..=30 => format!("${{{n}|{}|}}", names.join(",")),
        _ => format!("${{{n}:{}}}", names[0]),
    }
}

pub(super) fn top_level(schema: &Schema) -> Vec<Completion> {
    let on = action_choice(schema, 2);
    let mut out = vec![
        snippet(
            "allow rule",
            "a rule that allows an action",
            format!("allow ${{1:name}} on {on}\n  when ${{3:true}}$0"),
        ),
        snippet(
            "deny rule",
            "a rule that denies an action",
            format!("deny ${{1:name}} on {on}\n  when ${{3:true}}\n  because \"${{4:reason}}\"$0"),
        ),
        snippet(
            "review rule",
            "a rule that asks a person to approve",
            format!(
                "review ${{1:name}} on {on}\n  when ${{3:true}}\n  approver \"${{4:group}}\"\n  because \"${{5:reason}}\"$0"
            ),
        ),
        snippet(
            "schema",
            "a schema block",
            "schema {\n  entity ${1:Agent}\n  action ${2:fs.read} by ${1:Agent}$0\n}".to_string(),
        ),
        snippet(
            "fn",
            "a helper function",
            "fn ${1:name}(${2:x}: ${3:String}) -> ${4:Bool} {\n  ${0:true}\n}".to_string(),
        ),
        snippet(
            "invariant",
            "an invariant on the state",
            "invariant ${1:name} \"${2:description}\" {\n  ${0:true}\n}".to_string(),
        ),
        snippet(
            "use std.agents",
            "the standard agents vocabulary",
            "use std.agents".to_string(),
        ),
    ];
    out.push(test(schema));
    out
}

/// A test of the first declared action, with entities of its actor and resource types.
fn test(schema: &Schema) -> Completion {
    let first: Option<&ActionInfo> = schema.actions.values().next();
    let actor = first
        .and_then(|a| a.actors.first())
        .map_or("Agent", |t| t.as_ref());
    let resource = first.and_then(|a| a.resources.first()).map(|t| t.as_ref());
    let action = first.map_or("fs.read", |a| a.name.as_ref());
    let mut body =
        format!("test \"${{1:description}}\" {{\n  given entity {actor}::\"${{2:actor}}\"\n");
    let on = match resource {
        Some(r) => {
            body.push_str(&format!("  given entity {r}::\"${{3:resource}}\"\n"));
            format!(" on {r}::\"${{3:resource}}\"")
        }
        None => String::new(),
    };
    body.push_str(&format!(
        "  intent {action} by {actor}::\"${{2:actor}}\"{on}\n  expect ${{4|deny,allow,review|}}$0\n}}"
    ));
    snippet("test", "a test of one intent", body)
}

pub(super) fn schema_level(schema: &Schema) -> Vec<Completion> {
    let entity = schema
        .entities
        .keys()
        .next()
        .map_or("Agent", |n| n.as_ref());
    vec![
        snippet(
            "entity",
            "an entity type",
            "entity ${1:Name} { ${2:name}: ${3:String} }$0".to_string(),
        ),
        snippet(
            "enum",
            "an enum",
            "enum ${1:Name} { ${2:first}, ${3:second} }$0".to_string(),
        ),
        snippet(
            "action",
            "an action",
            format!("action ${{1:group.verb}} by ${{2:{entity}}} on ${{3:{entity}}}$0"),
        ),
        snippet(
            "state",
            "state that actions' effects update",
            "state { ${1:spent}: ${2:Map<String, Int>} }$0".to_string(),
        ),
    ]
}

pub(super) fn test_steps(schema: &Schema) -> Vec<Completion> {
    vec![
        snippet(
            "given entity",
            "an entity in the test's snapshot",
            "given entity ${1:Type}::\"${2:id}\"$0".to_string(),
        ),
        snippet(
            "given fixture",
            "a snapshot file, relative to this policy file",
            "given \"${1:fixtures/snapshot.json}\"$0".to_string(),
        ),
        snippet(
            "intent",
            "the intent the test proposes",
            format!(
                "intent {} by ${{2:Type}}::\"${{3:id}}\"$0",
                action_choice(schema, 1)
            ),
        ),
        snippet(
            "expect",
            "the decision the test expects",
            "expect ${1|deny,allow,review|}$0".to_string(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn placeholders_read_as_their_defaults() {
        assert_eq!(
            plain("allow ${1:name} on ${2|a,b|}\n  when ${3:true}$0"),
            "allow name on a\n  when true"
        );
    }
}
