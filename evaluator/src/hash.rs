//! The hashes a decision carries: SHA-256 over canonical forms, so that the same inputs give
//! the same hashes on every machine.

use std::fmt::Write as _;

use serde_json::Value as Json;
use sha2::{Digest, Sha256};

/// SHA-256 of a JSON value's canonical text: object keys sorted, no insignificant white space,
/// numbers as serde_json prints them. Key order in the input does not change the hash. The text
/// is streamed into the hasher, never built: a request's snapshot can be large, and this runs for
/// every decision.
pub fn canonical_hash(json: &Json) -> String {
    let mut hasher = Sha256::new();
    canonical(json, &mut hasher);
    hex(&hasher.finalize())
}

fn canonical(json: &Json, out: &mut Sha256) {
    match json {
        Json::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.update(b"{");
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.update(b",");
                }
                string(key, out);
                out.update(b":");
                canonical(&map[key], out);
            }
            out.update(b"}");
        }
        Json::Array(items) => {
            out.update(b"[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.update(b",");
                }
                canonical(item, out);
            }
            out.update(b"]");
        }
        Json::String(s) => string(s, out),
        Json::Null => out.update(b"null"),
        Json::Bool(true) => out.update(b"true"),
        Json::Bool(false) => out.update(b"false"),
        Json::Number(n) => out.update(n.to_string().as_bytes()),
    }
}

/// A string as JSON writes it (quoted, escaped), into the hasher.
fn string(s: &str, out: &mut Sha256) {
    // serde_json's own escaping, written straight into the hasher.
    struct Sink<'a>(&'a mut Sha256);
    impl std::io::Write for Sink<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let _ = serde_json::to_writer(Sink(out), s);
}

/// SHA-256 over a sequence of named texts (each length-prefixed, so that no two different
/// sequences hash alike).
pub fn texts_hash<'a>(texts: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut hasher = Sha256::new();
    for (name, text) in texts {
        for part in [name, text] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order_and_spacing_do_not_change_the_hash() {
        let a: Json =
            serde_json::from_str(r#"{"b": 1, "a": [true, {"y": null, "x": "s"}]}"#).unwrap();
        let b: Json = serde_json::from_str(r#"{"a":[true,{"x":"s","y":null}],"b":1}"#).unwrap();
        assert_eq!(canonical_hash(&a), canonical_hash(&b));
        let c: Json = serde_json::from_str(r#"{"a":[true,{"x":"s","y":null}],"b":2}"#).unwrap();
        assert_ne!(canonical_hash(&a), canonical_hash(&c));
        assert_eq!(canonical_hash(&a).len(), 64);
    }

    #[test]
    fn text_boundaries_matter() {
        assert_ne!(texts_hash([("ab", "c")]), texts_hash([("a", "bc")]));
    }
}
