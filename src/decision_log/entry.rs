//! One entry of the decision log, and the hash that chains it to the one before.
//!
//! An entry is one line of JSON whose members come in a fixed order:
//!
//! ```text
//! {"seq":7,"time":"…","policy_hash":"…","prev":"…","request":{…},"decision":{…},"hash":"…"}
//! ```
//!
//! `hash` is the SHA-256 (lowercase hex) of the line's bytes before `,"hash":"`. It covers every
//! other member, `prev` included, so changing anything in an entry changes its hash, and the
//! next entry's `prev` then no longer matches. Hashing the bytes as written (rather than a
//! canonical form) lets anyone check an entry with `head -c` and `sha256sum`.

use serde_json::Value as Json;
use sha2::{Digest, Sha256};

/// The `prev` of the first entry: there is nothing before it.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// `,"hash":"` + 64 hex digits + `"}`.
const HASH_TAIL: usize = 9 + 64 + 2;

/// The last entry of a chain: what the next one must follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub seq: u64,
    pub hash: String,
}

impl Head {
    /// The head of an empty log.
    pub fn genesis() -> Head {
        Head {
            seq: 0,
            hash: GENESIS.to_string(),
        }
    }
}

/// What one entry records besides its place in the chain.
pub struct Content<'a> {
    pub seq: u64,
    /// RFC 3339, UTC.
    pub time: &'a str,
    pub policy_hash: &'a str,
    /// The request as JSON text on one line.
    pub request: &'a [u8],
    /// The decision as JSON text on one line.
    pub decision: &'a [u8],
}

/// Writes the entry that follows `prev` (without the line's `\n`) and returns its hash.
///
/// `time` and `policy_hash` are written without escaping: they come from the server (a
/// formatted clock reading and a hex digest), never from a client. `request` and `decision`
/// must be JSON without raw line breaks, which `serde_json` never writes.
pub fn compose(prev: &str, content: &Content, out: &mut Vec<u8>) -> String {
    let start = out.len();
    out.extend_from_slice(b"{\"seq\":");
    out.extend_from_slice(content.seq.to_string().as_bytes());
    out.extend_from_slice(b",\"time\":\"");
    out.extend_from_slice(content.time.as_bytes());
    out.extend_from_slice(b"\",\"policy_hash\":\"");
    out.extend_from_slice(content.policy_hash.as_bytes());
    out.extend_from_slice(b"\",\"prev\":\"");
    out.extend_from_slice(prev.as_bytes());
    out.extend_from_slice(b"\",\"request\":");
    out.extend_from_slice(content.request);
    out.extend_from_slice(b",\"decision\":");
    out.extend_from_slice(content.decision);
    let hash = digest(&out[start..]);
    out.extend_from_slice(b",\"hash\":\"");
    out.extend_from_slice(hash.as_bytes());
    out.extend_from_slice(b"\"}");
    hash
}

/// SHA-256 of bytes, as lowercase hex.
pub fn digest(bytes: &[u8]) -> String {
    writ_evaluator::hex(&Sha256::digest(bytes))
}

/// Splits a line (without its `\n`) into the bytes its hash covers and the hash it records.
/// `None` when the line does not end the way [`compose`] ends one.
pub fn split_hash(line: &[u8]) -> Option<(&[u8], &str)> {
    let cut = line.len().checked_sub(HASH_TAIL)?;
    let (content, tail) = line.split_at(cut);
    let hash = tail.strip_prefix(b",\"hash\":\"")?.strip_suffix(b"\"}")?;
    if !hash.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    // Only ASCII hex digits remain, so this cannot fail.
    Some((content, std::str::from_utf8(hash).ok()?))
}

/// An entry read back from a line.
#[derive(Clone, Debug)]
pub struct Entry {
    pub seq: u64,
    pub time: String,
    pub policy_hash: String,
    pub prev: String,
    pub request: Json,
    pub decision: Json,
    /// The hash the entry records (see [`Entry::hash_matches`]).
    pub hash: String,
    /// Whether the recorded hash is the hash of the entry's content.
    pub hash_matches: bool,
}

impl Entry {
    /// Reads an entry from one line (without its `\n`). The error says what is wrong with it.
    pub fn parse(line: &[u8]) -> Result<Entry, String> {
        let Some((content, hash)) = split_hash(line) else {
            return Err("it does not end with `,\"hash\":\"<64 hex digits>\"}`".to_string());
        };
        let json: Json = serde_json::from_slice(line).map_err(|e| format!("not JSON: {e}"))?;
        let text = |key: &str| -> Result<String, String> {
            json.get(key)
                .and_then(Json::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("`{key}` is missing or not a string"))
        };
        let object = |key: &str| -> Result<Json, String> {
            json.get(key)
                .filter(|v| v.is_object())
                .cloned()
                .ok_or_else(|| format!("`{key}` is missing or not an object"))
        };
        let seq = json
            .get("seq")
            .and_then(Json::as_u64)
            .filter(|&s| s > 0)
            .ok_or("`seq` is missing or not a positive integer")?;
        Ok(Entry {
            seq,
            time: text("time")?,
            policy_hash: text("policy_hash")?,
            prev: text("prev")?,
            request: object("request")?,
            decision: object("decision")?,
            hash: hash.to_string(),
            hash_matches: digest(content) == hash,
        })
    }

    /// The decision's outcome as recorded (`allow`, `review` or `deny`).
    pub fn outcome(&self) -> &str {
        self.decision
            .get("decision")
            .and_then(Json::as_str)
            .unwrap_or("")
    }

    /// One of the intent's members (`action`, `actor`, `resource`) as text, or "".
    pub fn intent_field(&self, key: &str) -> &str {
        self.request
            .get("intent")
            .and_then(|i| i.get(key))
            .and_then(Json::as_str)
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(prev: &str, seq: u64) -> (Vec<u8>, String) {
        let mut out = Vec::new();
        let hash = compose(
            prev,
            &Content {
                seq,
                time: "2026-11-27T10:00:00Z",
                policy_hash: "ab",
                request: br#"{"intent":{"action":"fs.read"}}"#,
                decision: br#"{"decision":"deny"}"#,
            },
            &mut out,
        );
        (out, hash)
    }

    #[test]
    fn a_composed_entry_reads_back_and_its_hash_covers_its_content() {
        let (first, hash) = line(GENESIS, 1);
        let entry = Entry::parse(&first).unwrap();
        assert_eq!(entry.seq, 1);
        assert_eq!(entry.prev, GENESIS);
        assert_eq!(entry.hash, hash);
        assert!(entry.hash_matches);
        assert_eq!(entry.outcome(), "deny");
        assert_eq!(entry.intent_field("action"), "fs.read");
        let (content, recorded) = split_hash(&first).unwrap();
        assert_eq!(digest(content), recorded);

        let edited = String::from_utf8(first)
            .unwrap()
            .replace("\"deny\"", "\"allow\"");
        let entry = Entry::parse(edited.as_bytes()).unwrap();
        assert!(!entry.hash_matches);
    }

    #[test]
    fn lines_that_are_not_entries_say_why() {
        assert!(Entry::parse(b"").is_err());
        assert!(Entry::parse(b"{}").is_err());
        let (mut good, _) = line(GENESIS, 1);
        good.truncate(good.len() - 1);
        assert!(
            Entry::parse(&good)
                .unwrap_err()
                .contains("does not end with")
        );
        let fake = format!("{{\"seq\":0,\"hash\":\"{GENESIS}\"}}");
        assert!(Entry::parse(fake.as_bytes()).unwrap_err().contains("`seq`"));
    }
}
