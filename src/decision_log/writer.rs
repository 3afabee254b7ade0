//! The task that owns the log file: entries arrive in `seq` order over a channel; it chains,
//! writes and periodically syncs them.
//!
//! Request handlers never touch the file. They reserve room in a bounded channel (so a slow
//! disk slows clients down instead of growing memory), take the next `seq` and send their
//! entries under one short lock, so channel order is `seq` order. The writer thread writes
//! each entry as it comes, hands the bytes to the OS whenever the channel runs dry, and calls
//! `fsync` at most once per sync interval. A crash of the process loses at most the entries
//! not yet handed to the OS; a crash of the machine, at most those since the last `fsync`.
//! Earlier entries are never rewritten, so neither corrupts them.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::mpsc;

use super::entry::{Content, Head, compose};
use super::recent::{Recent, RecentLog};

/// How long the writer waits for more entries once it has caught up, before it blocks.
const GATHER: Duration = Duration::from_millis(1);

/// One decision to record.
pub struct Record {
    /// When it was decided, in milliseconds since the Unix epoch.
    pub time_ms: i64,
    pub policy_hash: Arc<str>,
    /// The request, as JSON on one line.
    pub request: Bytes,
    /// The decision, as JSON on one line.
    pub decision: Bytes,
    pub outcome: &'static str,
    pub action: String,
    pub actor: String,
    pub resource: String,
    pub summary: String,
}

// Nearly every message is an entry, so boxing entries to shrink the rare others would cost an
// allocation per decision for nothing.
#[allow(clippy::large_enum_variant)]
enum Msg {
    Entry(u64, Record),
    /// Wakes the writer so that it syncs what it wrote, even when no entry follows.
    Tick,
    Shutdown,
}

/// What the server reports about the log.
pub struct Status {
    pub path: Option<PathBuf>,
    pub sync_interval: Duration,
    head: Mutex<Head>,
    pub written: AtomicU64,
    pub syncs: AtomicU64,
    failed: OnceLock<String>,
}

impl Status {
    /// The last entry written.
    pub fn head(&self) -> Head {
        self.head.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Why the log stopped being written, once it has.
    pub fn failed(&self) -> Option<&str> {
        self.failed.get().map(String::as_str)
    }
}

/// The handlers' side of the log.
pub struct LogHandle {
    tx: mpsc::Sender<Msg>,
    next_seq: Mutex<u64>,
    pub status: Arc<Status>,
}

impl LogHandle {
    /// Records decisions under consecutive sequence numbers and returns the first. Waits while
    /// the writer is behind. Fails when the log can no longer be written.
    pub async fn append(&self, records: Vec<Record>) -> Result<u64, String> {
        if let Some(why) = self.status.failed() {
            return Err(why.to_string());
        }
        if records.is_empty() {
            return Ok(*self.next_seq.lock().unwrap_or_else(|e| e.into_inner()) + 1);
        }
        let permits = self
            .tx
            .reserve_many(records.len())
            .await
            .map_err(|_| "the decision log writer has stopped".to_string())?;
        let mut next = self.next_seq.lock().unwrap_or_else(|e| e.into_inner());
        let first = *next + 1;
        for (permit, record) in permits.zip(records) {
            *next += 1;
            permit.send(Msg::Entry(*next, record));
        }
        Ok(first)
    }

    /// Asks the writer to sync what it has written (a no-op when it is busy).
    pub fn tick(&self) {
        let _ = self.tx.try_send(Msg::Tick);
    }

    /// Writes everything sent so far, syncs it and stops the writer.
    pub async fn shutdown(&self) {
        let _ = self.tx.send(Msg::Shutdown).await;
    }
}

/// Starts the writer thread. `file` is `None` to keep entries in memory only.
pub fn start(
    file: Option<(File, PathBuf)>,
    head: Head,
    recent: Arc<RecentLog>,
    sync_interval: Duration,
    capacity: usize,
) -> std::io::Result<(Arc<LogHandle>, std::thread::JoinHandle<()>)> {
    let (tx, rx) = mpsc::channel(capacity.max(1));
    let status = Arc::new(Status {
        path: file.as_ref().map(|(_, p)| p.clone()),
        sync_interval,
        head: Mutex::new(head.clone()),
        written: AtomicU64::new(0),
        syncs: AtomicU64::new(0),
        failed: OnceLock::new(),
    });
    let handle = Arc::new(LogHandle {
        tx,
        next_seq: Mutex::new(head.seq),
        status: status.clone(),
    });
    let writer = Writer {
        out: file.map(|(f, p)| (BufWriter::with_capacity(1 << 16, f), p)),
        head,
        recent,
        status,
        sync_interval,
        dirty: false,
        last_sync: Instant::now(),
    };
    let thread = std::thread::Builder::new()
        .name("decision-log".to_string())
        .spawn(move || writer.run(rx))?;
    Ok((handle, thread))
}

struct Writer {
    out: Option<(BufWriter<File>, PathBuf)>,
    head: Head,
    recent: Arc<RecentLog>,
    status: Arc<Status>,
    sync_interval: Duration,
    /// Written since the last `fsync`.
    dirty: bool,
    last_sync: Instant,
}

impl Writer {
    fn run(mut self, mut rx: mpsc::Receiver<Msg>) {
        loop {
            let msg = match rx.try_recv() {
                Ok(msg) => msg,
                Err(mpsc::error::TryRecvError::Empty) => {
                    // Caught up: hand what was written to the OS, and sync if it is time.
                    self.flush();
                    if self.last_sync.elapsed() >= self.sync_interval {
                        self.sync();
                    }
                    // Under load, waking this thread for every entry costs more than writing
                    // the entry: a short nap lets entries gather so that one wake-up writes
                    // many. Only when none came during the nap does it block on the channel.
                    std::thread::sleep(GATHER);
                    match rx.try_recv() {
                        Ok(msg) => msg,
                        Err(mpsc::error::TryRecvError::Disconnected) => break,
                        Err(mpsc::error::TryRecvError::Empty) => match rx.blocking_recv() {
                            Some(msg) => msg,
                            None => break,
                        },
                    }
                }
                Err(mpsc::error::TryRecvError::Disconnected) => break,
            };
            match msg {
                Msg::Entry(seq, record) => self.write(seq, record),
                Msg::Tick => {}
                Msg::Shutdown => break,
            }
            if self.last_sync.elapsed() >= self.sync_interval {
                self.flush();
                self.sync();
            }
        }
        self.flush();
        self.sync();
    }

    fn write(&mut self, seq: u64, record: Record) {
        let time = writ_stdlib::Datetime::from_millis(record.time_ms).to_string();
        // A fresh buffer per entry: after the write it moves into the review window as is.
        let mut line = Vec::with_capacity(record.request.len() + record.decision.len() + 512);
        let hash = compose(
            &self.head.hash,
            &Content {
                seq,
                time: &time,
                policy_hash: &record.policy_hash,
                request: &record.request,
                decision: &record.decision,
            },
            &mut line,
        );
        line.push(b'\n');
        if let Some((out, path)) = &mut self.out {
            if let Err(e) = out.write_all(&line) {
                let path = path.display().to_string();
                self.fail(format!("cannot write to `{path}`: {e}"));
            } else {
                self.dirty = true;
            }
        }
        line.pop();
        self.head = Head { seq, hash };
        *self.status.head.lock().unwrap_or_else(|e| e.into_inner()) = self.head.clone();
        self.status.written.fetch_add(1, Ordering::Relaxed);
        self.recent.push(Recent {
            seq,
            time,
            outcome: record.outcome.to_string(),
            action: record.action,
            actor: record.actor,
            resource: record.resource,
            summary: record.summary,
            policy_hash: record.policy_hash,
            line,
        });
    }

    fn flush(&mut self) {
        if let Some((out, path)) = &mut self.out
            && let Err(e) = out.flush()
        {
            let path = path.display().to_string();
            self.fail(format!("cannot write to `{path}`: {e}"));
        }
    }

    fn sync(&mut self) {
        self.last_sync = Instant::now();
        if !self.dirty {
            return;
        }
        if let Some((out, path)) = &mut self.out {
            if let Err(e) = out.get_ref().sync_data() {
                let path = path.display().to_string();
                self.fail(format!("cannot sync `{path}` to disk: {e}"));
                return;
            }
            self.status.syncs.fetch_add(1, Ordering::Relaxed);
        }
        self.dirty = false;
    }

    /// Stops writing the file for good: after a failed write its tail is unknown, and
    /// appending could corrupt the entries after it. Handlers then refuse to decide, since a
    /// decision that is not recorded is not auditable.
    fn fail(&mut self, why: String) {
        eprintln!("error: the decision log failed: {why}; decisions are refused from now on");
        let _ = self.status.failed.set(why);
        self.out = None;
    }
}
