//! The hashes a decision carries: SHA-256 over canonical forms, so that the same inputs give
//! the same hashes on every machine.

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
            // Pairs, not keys: looking each key up again would hash it again.
            let mut members: Vec<(&String, &Json)> = map.iter().collect();
            members.sort_unstable_by_key(|(key, _)| *key);
            out.update(b"{");
            for (i, (key, value)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.update(b",");
                }
                string(key, out);
                out.update(b":");
                canonical(value, out);
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
    // Nearly every string (ids, type names, paths) needs no escaping: write it as it is.
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.update(b"\"");
        out.update(s.as_bytes());
        out.update(b"\"");
        return;
    }
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

/// Lowercase hexadecimal. By hand rather than `write!("{:02x}")`: three hashes per decision,
/// and formatting machinery per byte showed up in profiles of the server.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
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
    fn canonical_text_is_serde_json_text_with_sorted_keys() {
        // Keys already in order, so serde_json's text is the canonical text whether or not its
        // maps keep insertion order.
        let json: Json = serde_json::from_str(
            r#"{"a": "plain", "b": "quote \" and \\ back", "c": "tab\tnul\u0000", "d": "é ✓ \u007f", "e": [1.5, -2, null]}"#,
        )
        .unwrap();
        let text = serde_json::to_string(&json).unwrap();
        assert_eq!(canonical_hash(&json), hex(&Sha256::digest(text.as_bytes())));
    }

    #[test]
    fn text_boundaries_matter() {
        assert_ne!(texts_hash([("ab", "c")]), texts_hash([("a", "bc")]));
    }
}
