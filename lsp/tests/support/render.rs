//! Answers as people read them in a snapshot: ranges shown with the text they cover, edits
//! applied to the files, tokens decoded, URIs relative to the workspace folder.

#![allow(dead_code)]

use std::collections::BTreeMap;

use serde_json::Value;
use writ_lsp::line_index::LineIndex;

/// The files of the workspace by URI, to show what ranges cover.
pub struct Files {
    pub texts: BTreeMap<String, String>,
    pub root: String,
}

impl Files {
    pub fn short(&self, uri: &str) -> String {
        uri.strip_prefix(&self.root).unwrap_or(uri).to_string()
    }

    fn text(&self, uri: &str) -> &str {
        self.texts.get(uri).map_or("", String::as_str)
    }

    /// `line:col-line:col` (1-based, as editors show them) and the text covered.
    pub fn range(&self, uri: &str, range: &Value) -> String {
        let text = self.text(uri);
        let index = LineIndex::new(text);
        let (start, end) = (position(&range["start"]), position(&range["end"]));
        let a = index.offset(start) as usize;
        let b = index.offset(end) as usize;
        let covered = text.get(a.min(b)..b.max(a)).unwrap_or("");
        format!(
            "{}:{}-{}:{} {:?}",
            start.line + 1,
            start.character + 1,
            end.line + 1,
            end.character + 1,
            covered
        )
    }

    pub fn location(&self, location: &Value) -> String {
        let uri = location["uri"]
            .as_str()
            .or_else(|| location["targetUri"].as_str())
            .unwrap_or("");
        let range = if location["range"].is_null() {
            &location["targetSelectionRange"]
        } else {
            &location["range"]
        };
        format!("{} {}", self.short(uri), self.range(uri, range))
    }

    /// Applies text edits to a file's text.
    pub fn apply(&self, uri: &str, edits: &[Value]) -> String {
        let mut text = self.text(uri).to_string();
        let mut spans: Vec<(usize, usize, String)> = {
            let index = LineIndex::new(&text);
            edits
                .iter()
                .map(|e| {
                    (
                        index.offset(position(&e["range"]["start"])) as usize,
                        index.offset(position(&e["range"]["end"])) as usize,
                        e["newText"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        };
        spans.sort_by_key(|(a, _, _)| std::cmp::Reverse(*a));
        for (a, b, new) in spans {
            text.replace_range(a..b, &new);
        }
        text
    }

    pub fn workspace_edit(&self, edit: &Value) -> String {
        let mut out = String::new();
        let changes: BTreeMap<String, Vec<Value>> = edit["changes"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_array().cloned().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default();
        for (uri, edits) in changes {
            out.push_str(&format!(
                "--- {} ({} edits)\n{}",
                self.short(&uri),
                edits.len(),
                self.apply(&uri, &edits)
            ));
            if !out.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }
}

pub fn position(v: &Value) -> lsp_types::Position {
    lsp_types::Position {
        line: v["line"].as_u64().unwrap_or(0) as u32,
        character: v["character"].as_u64().unwrap_or(0) as u32,
    }
}

fn severity(v: &Value) -> &'static str {
    match v.as_u64() {
        Some(1) => "error",
        Some(2) => "warning",
        Some(3) => "info",
        Some(4) => "hint",
        _ => "?",
    }
}

pub fn diagnostics(files: &Files, uri: &str, list: &Value) -> String {
    let mut out = String::new();
    for d in list.as_array().into_iter().flatten() {
        let tags = match &d["tags"] {
            Value::Null => String::new(),
            tags => format!(" tags {tags}"),
        };
        out.push_str(&format!(
            "{} {}[{}]{tags} at {}\n",
            severity(&d["severity"]),
            d["source"].as_str().unwrap_or(""),
            d["code"].as_str().unwrap_or(""),
            files.range(uri, &d["range"]),
        ));
        for line in d["message"].as_str().unwrap_or("").lines() {
            out.push_str(&format!("  | {line}\n"));
        }
        for r in d["relatedInformation"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "  related: {} — {}\n",
                files.location(&r["location"]),
                r["message"].as_str().unwrap_or("")
            ));
        }
    }
    if out.is_empty() {
        out.push_str("(no diagnostics)\n");
    }
    out
}

pub fn hover(files: &Files, uri: &str, v: &Value) -> String {
    if v.is_null() {
        return "(no hover)\n".to_string();
    }
    format!(
        "range: {}\nkind: {}\n{}\n",
        files.range(uri, &v["range"]),
        v["contents"]["kind"].as_str().unwrap_or(""),
        v["contents"]["value"].as_str().unwrap_or("")
    )
}

pub fn locations(files: &Files, v: &Value) -> String {
    let list: Vec<Value> = match v {
        Value::Null => return "(none)\n".to_string(),
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    if list.is_empty() {
        return "(none)\n".to_string();
    }
    list.iter()
        .map(|l| format!("{}\n", files.location(l)))
        .collect()
}

pub fn highlights(files: &Files, uri: &str, v: &Value) -> String {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|h| {
            let kind = match h["kind"].as_u64() {
                Some(3) => "write",
                Some(2) => "read",
                _ => "text",
            };
            format!("{kind} {}\n", files.range(uri, &h["range"]))
        })
        .collect()
}

pub fn completion(v: &Value) -> String {
    let items = v["items"].as_array().cloned().unwrap_or_default();
    let mut out = format!("{} items\n", items.len());
    for item in items {
        let insert = item["textEdit"]["newText"].as_str().unwrap_or("");
        let label = item["label"].as_str().unwrap_or("");
        let shown_insert = if insert == label {
            String::new()
        } else {
            format!("  => {insert:?}")
        };
        out.push_str(&format!(
            "{:>2} {label}{}{shown_insert}\n",
            item["kind"],
            item["detail"]
                .as_str()
                .map(|d| format!("  — {}", d.replace('\n', " ")))
                .unwrap_or_default()
        ));
    }
    out
}

pub fn document_symbols(files: &Files, uri: &str, v: &Value, depth: usize) -> String {
    let mut out = String::new();
    for s in v.as_array().into_iter().flatten() {
        out.push_str(&format!(
            "{}{} {}{} @ {}\n",
            "  ".repeat(depth),
            s["kind"],
            s["name"].as_str().unwrap_or(""),
            s["detail"]
                .as_str()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default(),
            files.range(uri, &s["selectionRange"])
        ));
        out.push_str(&document_symbols(files, uri, &s["children"], depth + 1));
    }
    out
}

pub fn workspace_symbols(files: &Files, v: &Value) -> String {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            format!(
                "{} {}{} {}\n",
                s["kind"],
                s["name"].as_str().unwrap_or(""),
                s["containerName"]
                    .as_str()
                    .map(|c| format!(" in {c}"))
                    .unwrap_or_default(),
                files.location(&s["location"])
            )
        })
        .collect()
}

pub fn semantic_tokens(files: &Files, uri: &str, v: &Value, legend: &[String]) -> String {
    let data: Vec<u32> = v["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_u64().map(|n| n as u32))
        .collect();
    let modifiers = ["declaration", "readonly", "defaultLibrary", "documentation"];
    let text = files.texts.get(uri).cloned().unwrap_or_default();
    let index = LineIndex::new(&text);
    let (mut line, mut start) = (0, 0);
    let mut out = String::new();
    for t in data.chunks(5) {
        if t.len() < 5 {
            break;
        }
        line += t[0];
        start = if t[0] == 0 { start + t[1] } else { t[1] };
        let from = index.offset(lsp_types::Position {
            line,
            character: start,
        }) as usize;
        let to = index.offset(lsp_types::Position {
            line,
            character: start + t[2],
        }) as usize;
        let mods: Vec<&str> = modifiers
            .iter()
            .enumerate()
            .filter(|(i, _)| t[4] & (1 << i) != 0)
            .map(|(_, m)| *m)
            .collect();
        out.push_str(&format!(
            "{}:{} {} {:?}{}\n",
            line + 1,
            start + 1,
            legend.get(t[3] as usize).map_or("?", String::as_str),
            text.get(from..to).unwrap_or(""),
            if mods.is_empty() {
                String::new()
            } else {
                format!(" [{}]", mods.join(", "))
            }
        ));
    }
    out
}

pub fn folding(files: &Files, uri: &str, v: &Value) -> String {
    let text = files.texts.get(uri).cloned().unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    v.as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let start = f["startLine"].as_u64().unwrap_or(0) as usize;
            let end = f["endLine"].as_u64().unwrap_or(0) as usize;
            format!(
                "{}-{} {}: {:?} .. {:?}\n",
                start + 1,
                end + 1,
                f["kind"].as_str().unwrap_or(""),
                lines.get(start).unwrap_or(&""),
                lines.get(end).unwrap_or(&"")
            )
        })
        .collect()
}

pub fn code_actions(files: &Files, v: &Value) -> String {
    let mut out = String::new();
    for a in v.as_array().into_iter().flatten() {
        out.push_str(&format!(
            "{} ({}, preferred: {})\n",
            a["title"].as_str().unwrap_or(""),
            a["kind"].as_str().unwrap_or(""),
            a["isPreferred"]
        ));
        out.push_str(&files.workspace_edit(&a["edit"]));
    }
    if out.is_empty() {
        out.push_str("(no actions)\n");
    }
    out
}

pub fn code_lenses(files: &Files, uri: &str, v: &Value) -> String {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|l| {
            format!(
                "{} {} -> {} {}\n",
                files.range(uri, &l["range"]),
                l["command"]["title"].as_str().unwrap_or(""),
                l["command"]["command"].as_str().unwrap_or(""),
                l["command"]["arguments"]
                    .to_string()
                    .replace(&files.root, "")
            )
        })
        .collect()
}

/// Any other answer: its JSON, with the folder's URI shortened.
pub fn json(files: &Files, v: &Value) -> String {
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    format!("{}\n", text.replace(&files.root, ""))
}
