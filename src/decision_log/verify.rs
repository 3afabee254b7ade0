//! Checking a log's hash chain: `writ log verify`.
//!
//! Each line must be a whole entry whose hash matches its content, whose `seq` is one more than
//! the line before's, and whose `prev` is the hash of the entry before (the genesis hash for
//! the first). The first line that breaks one of these is reported, with what the break means:
//! an altered entry, a dropped one, entries out of order, or a tail cut short.
//!
//! What a chain cannot show on its own: whole entries removed from the end, or a log rewritten
//! from some entry on with every later hash recomputed. Both need a hash kept elsewhere (say,
//! the head that `GET /healthz` reports): passed as `anchor`, the log must contain it.

use std::io::BufRead;

use super::entry::{Entry, GENESIS, Head};
use super::lines::{Line, Lines};

/// A log that verified.
#[derive(Debug, PartialEq, Eq)]
pub struct Verified {
    pub entries: u64,
    pub head: Head,
}

/// Verifies a whole log. The error names the first entry (and line) that breaks the chain.
pub fn verify(reader: impl BufRead, anchor: Option<&str>) -> Result<Verified, String> {
    let mut lines = Lines::new(reader);
    let mut head = Head::genesis();
    let mut head_line = 0;
    let mut anchor_found = anchor.is_none_or(|a| a == GENESIS);
    while let Some(line) = lines.next() {
        let line = line.map_err(|e| format!("cannot read the log: {e}"))?;
        let n = line.number;
        if !line.complete {
            return Err(format!(
                "the log ends in the middle of an entry: line {n} (at byte {}) has no line \
                 break, so its tail was cut short after {}",
                line.offset,
                describe_head(&head)
            ));
        }
        let entry = Entry::parse(&line.bytes).map_err(|why| {
            format!("line {n} is not a decision log entry ({why}): it was altered")
        })?;
        if !entry.hash_matches {
            return Err(format!(
                "entry {} (line {n}) was altered: its content does not match its hash",
                entry.seq
            ));
        }
        let expected = head.seq + 1;
        if entry.seq != expected {
            return Err(out_of_sequence(expected, &entry, &line, lines));
        }
        if entry.prev != head.hash {
            return Err(if head.seq == 0 {
                format!(
                    "entry 1 (line {n}) does not start a chain: its `prev` is not the genesis \
                     hash, so entries before it were removed and the rest renumbered"
                )
            } else {
                format!(
                    "entry {} (line {head_line}) was altered or replaced: entry {} (line {n}) \
                     records a different hash for the entry before it",
                    head.seq, entry.seq
                )
            });
        }
        if anchor == Some(entry.hash.as_str()) {
            anchor_found = true;
        }
        head = Head {
            seq: entry.seq,
            hash: entry.hash,
        };
        head_line = n;
    }
    if !anchor_found {
        return Err(format!(
            "no entry has the hash `{}`: the log was cut back (it now ends at {}) or replaced",
            anchor.unwrap_or_default(),
            describe_head(&head)
        ));
    }
    Ok(Verified {
        entries: head.seq,
        head,
    })
}

fn describe_head(head: &Head) -> String {
    match head.seq {
        0 => "its start".to_string(),
        seq => format!("entry {seq}"),
    }
}

/// Explains an entry whose `seq` is not the next one: the entries it skipped either come later
/// (out of order) or nowhere (dropped).
fn out_of_sequence<R: BufRead>(
    expected: u64,
    entry: &Entry,
    line: &Line,
    rest: Lines<R>,
) -> String {
    let (found, n) = (entry.seq, line.number);
    if found < expected {
        return format!(
            "entries are out of order: line {n} holds entry {found}, which belongs before \
             entry {}",
            expected - 1
        );
    }
    let skipped = expected..found;
    let later = rest.map_while(Result::ok).find_map(|l| {
        peek_seq(&l.bytes)
            .filter(|s| skipped.contains(s))
            .map(|s| (s, l.number))
    });
    match later {
        Some((seq, m)) => format!(
            "entries are out of order: line {n} holds entry {found}, but entry {seq} comes \
             after it, at line {m}"
        ),
        None if found == expected + 1 => format!(
            "entry {expected} was deleted: line {n} holds entry {found}, and no line holds \
             entry {expected}"
        ),
        None => format!(
            "entries {expected} to {} were deleted: line {n} holds entry {found}, and no line \
             holds any of them",
            found - 1
        ),
    }
}

/// The `seq` of a line written by [`super::entry::compose`], read from its start.
fn peek_seq(line: &[u8]) -> Option<u64> {
    let rest = line.strip_prefix(b"{\"seq\":")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision_log::entry::{Content, compose};

    /// A log of `n` entries, as lines (each with its `\n`).
    fn log(n: u64) -> Vec<Vec<u8>> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut line = Vec::new();
                prev = compose(
                    &prev,
                    &Content {
                        seq,
                        time: "2026-11-27T10:00:00Z",
                        policy_hash: "ab",
                        request: format!(r#"{{"intent":{{"n":{seq}}}}}"#).as_bytes(),
                        decision: br#"{"decision":"allow"}"#,
                    },
                    &mut line,
                );
                line.push(b'\n');
                line
            })
            .collect()
    }

    fn check(lines: &[Vec<u8>]) -> Result<Verified, String> {
        verify(&lines.concat()[..], None)
    }

    #[test]
    fn a_clean_log_verifies_and_an_empty_one_too() {
        let verified = check(&log(4)).unwrap();
        assert_eq!(verified.entries, 4);
        assert_eq!(check(&[]).unwrap().head, Head::genesis());
    }

    #[test]
    fn each_kind_of_tampering_is_named() {
        let mut edited = log(4);
        edited[1] = String::from_utf8(edited[1].clone())
            .unwrap()
            .replace("allow", "deny!")
            .into_bytes();
        let e = check(&edited).unwrap_err();
        assert!(e.starts_with("entry 2 (line 2) was altered"), "{e}");

        let mut deleted = log(4);
        deleted.remove(2);
        let e = check(&deleted).unwrap_err();
        assert!(e.starts_with("entry 3 was deleted"), "{e}");

        let mut many = log(6);
        many.drain(1..4);
        let e = check(&many).unwrap_err();
        assert!(e.starts_with("entries 2 to 4 were deleted"), "{e}");

        let mut swapped = log(4);
        swapped.swap(1, 2);
        let e = check(&swapped).unwrap_err();
        assert!(e.contains("out of order: line 2 holds entry 3"), "{e}");

        let mut first_gone = log(3);
        first_gone.remove(0);
        let e = check(&first_gone).unwrap_err();
        assert!(e.starts_with("entry 1 was deleted"), "{e}");

        let mut cut = log(3).concat();
        cut.truncate(cut.len() - 20);
        let e = verify(&cut[..], None).unwrap_err();
        assert!(e.contains("cut short after entry 2"), "{e}");

        let mut garbage = log(3);
        garbage[1] = b"not an entry\n".to_vec();
        let e = check(&garbage).unwrap_err();
        assert!(e.starts_with("line 2 is not a decision log entry"), "{e}");
    }

    #[test]
    fn an_entry_rewritten_with_a_fresh_hash_breaks_the_next_link() {
        let mut lines = log(3);
        let old = Entry::parse(lines[1].strip_suffix(b"\n").unwrap()).unwrap();
        let mut forged = Vec::new();
        compose(
            &old.prev,
            &Content {
                seq: 2,
                time: &old.time,
                policy_hash: &old.policy_hash,
                request: old.request.to_string().as_bytes(),
                decision: br#"{"decision":"deny"}"#,
            },
            &mut forged,
        );
        forged.push(b'\n');
        lines[1] = forged;
        let e = check(&lines).unwrap_err();
        assert!(
            e.starts_with("entry 2 (line 2) was altered or replaced"),
            "{e}"
        );
    }

    #[test]
    fn an_anchor_catches_entries_cut_from_the_end() {
        let lines = log(4);
        let head = check(&lines).unwrap().head;
        assert!(verify(&lines.concat()[..], Some(&head.hash)).is_ok());
        let e = verify(&lines[..3].concat()[..], Some(&head.hash)).unwrap_err();
        assert!(e.contains("now ends at entry 3"), "{e}");
    }
}
