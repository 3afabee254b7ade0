//! Opening a log to append to: continue its chain, or start one.

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{BufReader, Seek, SeekFrom};
use std::path::Path;

use super::entry::{Entry, Head};
use super::lines::Lines;
use super::recent::Recent;

/// A log ready for appending.
pub struct Opened {
    pub file: File,
    /// The entry the next one follows.
    pub head: Head,
    /// Up to `keep` of the last entries, oldest first.
    pub recent: Vec<Recent>,
    /// What had to be done to open it (a cut tail), for the server's own log.
    pub warnings: Vec<String>,
}

/// Opens the log at `path`, creating it if needed.
///
/// A log whose last line was cut short (the process died mid-write, before that entry was
/// synced) is cut back to its last whole entry, with a warning: that entry never made it to
/// disk, and appending after a partial line would corrupt the next one. Earlier entries are
/// not re-verified here (a long log would delay the start); `writ log verify` does that. The
/// last whole entry must verify, since the chain continues from its hash.
pub fn open(path: &Path, keep: usize) -> Result<Opened, String> {
    let shown = path.display();
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| format!("cannot open the decision log `{shown}`: {e}"))?;
    let mut warnings = Vec::new();
    let mut last: VecDeque<(u64, Vec<u8>)> = VecDeque::with_capacity(keep.min(4096) + 1);
    let mut whole_end = 0;
    let mut partial = None;
    for line in Lines::new(BufReader::new(&file)) {
        let line = line.map_err(|e| format!("cannot read the decision log `{shown}`: {e}"))?;
        if !line.complete {
            partial = Some(line);
            break;
        }
        whole_end = line.offset + line.bytes.len() as u64 + 1;
        last.push_back((line.number, line.bytes));
        if last.len() > keep.max(1) {
            last.pop_front();
        }
    }
    if let Some(line) = partial {
        file.set_len(whole_end)
            .and_then(|()| file.sync_all())
            .map_err(|e| format!("cannot cut back the decision log `{shown}`: {e}"))?;
        warnings.push(format!(
            "the decision log `{shown}` ended in the middle of an entry (line {}, {} bytes), \
             left by a write that was cut short; cut it back to its last whole entry",
            line.number,
            line.bytes.len()
        ));
    }
    file.seek(SeekFrom::End(0))
        .map_err(|e| format!("cannot read the decision log `{shown}`: {e}"))?;
    let head = match last.back() {
        None => Head::genesis(),
        Some((number, bytes)) => {
            let entry = Entry::parse(bytes).map_err(|why| {
                format!(
                    "the last line of the decision log `{shown}` (line {number}) is not an entry \
                     ({why}); run `writ log verify {shown}`, and move the log aside to start a \
                     new one"
                )
            })?;
            if !entry.hash_matches {
                return Err(format!(
                    "the last entry of the decision log `{shown}` (entry {}, line {number}) does \
                     not match its hash; run `writ log verify {shown}`, and move the log aside \
                     to start a new one",
                    entry.seq
                ));
            }
            Head {
                seq: entry.seq,
                hash: entry.hash,
            }
        }
    };
    if head.seq == 0 {
        sync_parent(path);
    }
    let skip = last.len().saturating_sub(keep);
    let mut recent = Vec::new();
    let mut unreadable = 0;
    for (_, bytes) in last.into_iter().skip(skip) {
        match Entry::parse(&bytes) {
            Ok(entry) => recent.push(Recent::from_entry(&entry, bytes)),
            Err(_) => unreadable += 1,
        }
    }
    if unreadable > 0 {
        warnings.push(format!(
            "{unreadable} of the last entries of the decision log `{shown}` could not be read \
             and are not listed on the review page; run `writ log verify {shown}`"
        ));
    }
    // The review window must hold consecutive entries; keep only the run that ends at the head.
    let mut start = recent.len();
    while start > 0 && recent[start - 1].seq + (recent.len() - start) as u64 == head.seq {
        start -= 1;
    }
    recent.drain(..start);
    Ok(Opened {
        file,
        head,
        recent,
        warnings,
    })
}

/// A new file's directory entry must reach the disk too, or a crash can lose the whole log.
fn sync_parent(path: &Path) {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(dir) = File::open(parent) {
        let _ = dir.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision_log::entry::{Content, GENESIS, compose};
    use std::io::Write;

    fn append(file: &mut File, prev: &str, seq: u64) -> String {
        let mut line = Vec::new();
        let hash = compose(
            prev,
            &Content {
                seq,
                time: "t",
                policy_hash: "p",
                request: b"{}",
                decision: br#"{"decision":"deny","summary":"s"}"#,
            },
            &mut line,
        );
        line.push(b'\n');
        file.write_all(&line).unwrap();
        hash
    }

    #[test]
    fn a_log_continues_from_its_last_entry_after_a_cut_tail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        let opened = open(&path, 10).unwrap();
        assert_eq!(opened.head, Head::genesis());
        let mut file = opened.file;
        let first = append(&mut file, GENESIS, 1);
        let second = append(&mut file, &first, 2);
        file.write_all(b"{\"seq\":3,\"ti").unwrap();
        drop(file);

        let opened = open(&path, 1).unwrap();
        assert_eq!(opened.head.seq, 2);
        assert_eq!(opened.head.hash, second);
        assert_eq!(opened.recent.len(), 1);
        assert_eq!(opened.recent[0].seq, 2);
        assert_eq!(opened.warnings.len(), 1, "{:?}", opened.warnings);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.ends_with("\"}\n"));
        assert_eq!(text.lines().count(), 2);
    }

    #[test]
    fn a_log_whose_last_entry_was_altered_is_not_continued() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        let mut file = open(&path, 10).unwrap().file;
        append(&mut file, GENESIS, 1);
        drop(file);
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("deny", "allo");
        std::fs::write(&path, text).unwrap();
        let e = open(&path, 10).err().unwrap();
        assert!(e.contains("does not match its hash"), "{e}");
    }
}
