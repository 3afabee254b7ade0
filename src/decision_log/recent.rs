//! The most recent entries, kept in memory for the review page and `GET /v1/decisions`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use super::entry::Entry;

/// What the list of decisions shows of an entry, and the entry's whole line.
#[derive(Debug)]
pub struct Recent {
    pub seq: u64,
    pub time: String,
    pub outcome: String,
    pub action: String,
    pub actor: String,
    pub resource: String,
    pub summary: String,
    pub policy_hash: Arc<str>,
    /// The entry as written to the log, without its `\n`.
    pub line: Vec<u8>,
}

impl Recent {
    /// From an entry read back from a log.
    pub fn from_entry(entry: &Entry, line: Vec<u8>) -> Recent {
        Recent {
            seq: entry.seq,
            time: entry.time.clone(),
            outcome: entry.outcome().to_string(),
            action: entry.intent_field("action").to_string(),
            actor: entry.intent_field("actor").to_string(),
            resource: entry.intent_field("resource").to_string(),
            summary: entry
                .decision
                .get("summary")
                .and_then(|s| s.as_str())
                .unwrap_or_default()
                .to_string(),
            policy_hash: Arc::from(entry.policy_hash.as_str()),
            line,
        }
    }
}

/// Which entries to list. Text filters match anywhere in the field, so `fs.` finds every file
/// action and `coder` finds `Agent::"coder"`.
#[derive(Debug, Default)]
pub struct Filter {
    pub outcome: Option<String>,
    pub action: Option<String>,
    pub actor: Option<String>,
    /// Only entries with a smaller `seq` (for paging back).
    pub before: Option<u64>,
    pub limit: usize,
}

impl Filter {
    fn matches(&self, entry: &Recent) -> bool {
        self.outcome.as_ref().is_none_or(|o| entry.outcome == *o)
            && self
                .action
                .as_ref()
                .is_none_or(|a| entry.action.contains(a.as_str()))
            && self
                .actor
                .as_ref()
                .is_none_or(|a| entry.actor.contains(a.as_str()))
            && self.before.is_none_or(|b| entry.seq < b)
    }
}

/// A bounded window of entries with consecutive `seq`s, oldest first.
pub struct RecentLog {
    capacity: usize,
    entries: Mutex<VecDeque<Arc<Recent>>>,
}

impl RecentLog {
    pub fn new(capacity: usize) -> RecentLog {
        RecentLog {
            capacity,
            entries: Mutex::new(VecDeque::with_capacity(capacity.min(4096))),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// A panic elsewhere while holding the lock leaves the window consistent (each operation
    /// is a single push, pop or read), so a poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, VecDeque<Arc<Recent>>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn push(&self, entry: Recent) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.lock();
        if entries.len() == self.capacity {
            entries.pop_front();
        }
        entries.push_back(Arc::new(entry));
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn get(&self, seq: u64) -> Option<Arc<Recent>> {
        let entries = self.lock();
        let first = entries.front()?.seq;
        let index = usize::try_from(seq.checked_sub(first)?).ok()?;
        entries.get(index).filter(|e| e.seq == seq).cloned()
    }

    /// Matching entries, newest first, at most `filter.limit` of them.
    pub fn query(&self, filter: &Filter) -> Vec<Arc<Recent>> {
        let entries = self.lock();
        entries
            .iter()
            .rev()
            .filter(|e| filter.matches(e))
            .take(filter.limit)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recent(seq: u64, outcome: &str, action: &str, actor: &str) -> Recent {
        Recent {
            seq,
            time: String::new(),
            outcome: outcome.to_string(),
            action: action.to_string(),
            actor: actor.to_string(),
            resource: String::new(),
            summary: String::new(),
            policy_hash: Arc::from(""),
            line: Vec::new(),
        }
    }

    #[test]
    fn the_window_keeps_the_newest_and_filters_them() {
        let log = RecentLog::new(3);
        log.push(recent(1, "allow", "fs.read", "Agent::\"a\""));
        log.push(recent(2, "deny", "fs.write", "Agent::\"b\""));
        log.push(recent(3, "deny", "shell.exec", "Agent::\"a\""));
        log.push(recent(4, "review", "fs.delete", "Agent::\"a\""));
        assert_eq!(log.len(), 3);
        assert!(log.get(1).is_none());
        assert_eq!(log.get(3).map(|e| e.seq), Some(3));
        assert!(log.get(5).is_none());

        let seqs =
            |filter: Filter| -> Vec<u64> { log.query(&filter).iter().map(|e| e.seq).collect() };
        let all = || Filter {
            limit: 10,
            ..Filter::default()
        };
        assert_eq!(seqs(all()), [4, 3, 2]);
        assert_eq!(
            seqs(Filter {
                outcome: Some("deny".into()),
                ..all()
            }),
            [3, 2]
        );
        assert_eq!(
            seqs(Filter {
                action: Some("fs.".into()),
                ..all()
            }),
            [4, 2]
        );
        assert_eq!(
            seqs(Filter {
                actor: Some("\"a\"".into()),
                ..all()
            }),
            [4, 3]
        );
        assert_eq!(
            seqs(Filter {
                before: Some(4),
                limit: 1,
                ..all()
            }),
            [3]
        );
    }
}
