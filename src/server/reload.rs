//! Hot reload: one thread owns the incremental compiler, watches the policy directory, and on
//! every change brings the compiler's files in line with the disk, recompiles and swaps the
//! served set. Only an edit that compiles without errors replaces it; otherwise the last good
//! set keeps serving and the error is reported at `GET /v1/policies`, in `/metrics` and on
//! standard error.
//!
//! Keeping one compiler alive is what makes a reload cheap: salsa re-checks only the items
//! whose text changed (`docs/architecture.md`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};
use writ_compiler::Compiler;
use writ_evaluator::PolicySet;

use super::clock;
use super::metrics::Metrics;
use super::policies::{Loaded, Policies, ReloadError};
use crate::cli::{check, sources};

/// Editors save in several steps (write a temporary file, rename it over the old one): wait
/// until the directory has been quiet this long before reading it.
const SETTLE: Duration = Duration::from_millis(75);
/// But do not wait forever while something keeps writing.
const MAX_SETTLE: Duration = Duration::from_secs(1);

/// Compiles the policy set at `path` and starts watching it. Returns once the first set is
/// served, or with the reasons it does not compile.
pub fn start(path: PathBuf, metrics: Arc<Metrics>) -> Result<Arc<Policies>, String> {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("policy-reload".to_string())
        .spawn(move || {
            // Watch before the first read, so that no edit falls between the two.
            let (events_tx, events) = mpsc::channel();
            let watcher = watch(&path, events_tx);
            // The compiler lives and dies on this thread: nothing else needs its database.
            let mut compiler = Compiler::new();
            let first = sync_files(&mut compiler, &path)
                .map_err(|e| format!("error: {e}\n"))
                .and_then(|_| compile(&compiler).map_err(|f| f.message));
            let policies = match first {
                Ok(loaded) => Arc::new(Policies::new(path, loaded)),
                Err(message) => {
                    let _ = tx.send(Err(message));
                    return;
                }
            };
            if tx.send(Ok(policies.clone())).is_err() {
                return;
            }
            let _watcher = match watcher {
                Ok(watcher) => watcher,
                Err(why) => {
                    eprintln!("warning: {why}; hot reload is off");
                    policies.set_watching(Err(why));
                    return;
                }
            };
            while let Ok(event) = events.recv() {
                if !worth_a_look(&event) {
                    continue;
                }
                let deadline = Instant::now() + MAX_SETTLE;
                while events.recv_timeout(SETTLE).is_ok() && Instant::now() < deadline {}
                reload(&mut compiler, &policies, &metrics);
            }
        });
    if let Err(e) = spawned {
        return Err(format!(
            "error: cannot start the policy reload thread: {e}\n"
        ));
    }
    rx.recv()
        .unwrap_or_else(|_| Err("error: the policy reload thread stopped\n".to_string()))
}

type Events = mpsc::Sender<notify::Result<notify::Event>>;

/// Starts watching the policy path; events go to `events`. The watcher stops when dropped.
fn watch(path: &Path, events: Events) -> Result<notify::RecommendedWatcher, String> {
    // A single file is watched through its directory: editors replace files by renaming,
    // which ends a watch on the file itself.
    let (target, mode) = if path.is_dir() {
        (path.to_path_buf(), RecursiveMode::Recursive)
    } else {
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        (parent, RecursiveMode::NonRecursive)
    };
    notify::recommended_watcher(move |event| {
        let _ = events.send(event);
    })
    .and_then(|mut w| w.watch(&target, mode).map(|()| w))
    .map_err(|e| format!("cannot watch `{}` for changes: {e}", target.display()))
}

/// Reads and opens are not changes (and reloading reads every file, which would otherwise
/// trigger the next reload), nor are writes to other files (a decision log kept beside the
/// policies, say). Anything else, or a watcher error, is worth a rescan.
fn worth_a_look(event: &notify::Result<notify::Event>) -> bool {
    let event = match event {
        Ok(event) => event,
        Err(e) => {
            eprintln!("warning: watching the policies: {e}; rescanning them");
            return true;
        }
    };
    let access = match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => false,
        EventKind::Access(_) => true,
        _ => false,
    };
    if access {
        return false;
    }
    // A path without an extension may be a directory, created, moved or removed whole.
    event.need_rescan()
        || event.paths.is_empty()
        || event
            .paths
            .iter()
            .any(|p| p.extension().is_none_or(|e| e == "writ"))
}

fn reload(compiler: &mut Compiler, policies: &Policies, metrics: &Metrics) {
    let outcome = match sync_files(compiler, &policies.path) {
        Ok(false) => return,
        Ok(true) => compile(compiler),
        Err(e) => Err(Failure {
            message: format!("error: {e}\n"),
            diagnostics: serde_json::json!({ "diagnostics": [] }),
        }),
    };
    let served = policies.current();
    match outcome {
        Ok(loaded) => {
            eprintln!(
                "writ: reloaded `{}`: {} rules, policy {}",
                policies.path.display(),
                loaded.set.rules().count(),
                loaded.hash
            );
            metrics.reloads_ok.fetch_add(1, Ordering::Relaxed);
            policies.install(loaded);
        }
        Err(failure) => {
            eprint!("{}", failure.message);
            eprintln!(
                "error: reloading `{}` failed; still serving policy {}",
                policies.path.display(),
                served.hash
            );
            metrics.reloads_failed.fetch_add(1, Ordering::Relaxed);
            policies.failed(ReloadError {
                at: clock::now(),
                message: failure.message,
                diagnostics: failure.diagnostics,
            });
        }
    }
}

struct Failure {
    /// As `writ check` prints it, ending with a summary line.
    message: String,
    diagnostics: serde_json::Value,
}

fn compile(compiler: &Compiler) -> Result<Loaded, Failure> {
    match compiler.compile() {
        Ok(compiled) => {
            let set = PolicySet::new(compiled);
            let hash = Arc::from(set.hash());
            Ok(Loaded {
                set,
                hash,
                loaded_at: clock::now(),
            })
        }
        Err(diagnostics) => {
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let mut message = writ_compiler::render::render(compiler.db(), &diagnostics, false);
            message.push_str(&format!(
                "error: the policy set has {errors} error{}\n",
                if errors == 1 { "" } else { "s" }
            ));
            Err(Failure {
                message,
                diagnostics: check::json(compiler, &diagnostics),
            })
        }
    }
}

/// Brings the compiler's files in line with the disk, in the order `writ check` and `writ
/// eval` load them (so the served set is the one they would build, rule order included).
/// Every file is read before anything changes, so a file that cannot be read leaves the
/// compiler as it was. Returns whether anything changed.
fn sync_files(compiler: &mut Compiler, path: &Path) -> Result<bool, String> {
    let mut wanted = Vec::new();
    for file in sources::writ_files(&[path.to_path_buf()])? {
        let text = sources::read(&file)?;
        wanted.push((file.display().to_string(), text));
    }
    let current: Vec<_> = compiler
        .files()
        .into_iter()
        .map(|f| (f.path(compiler.db()).clone(), f))
        .collect();
    // Files keep their identity as long as the order before them is unchanged; past the first
    // difference they are added again in order (their items' parses are memoized on text, so
    // this costs little).
    let same = current
        .iter()
        .zip(&wanted)
        .take_while(|((a, _), (b, _))| a == b)
        .count();
    let mut changed = false;
    for ((_, file), (_, text)) in current.iter().zip(&wanted).take(same) {
        if file.text(compiler.db()) != text {
            compiler.set_text(*file, text.clone());
            changed = true;
        }
    }
    for (_, file) in &current[same..] {
        compiler.remove_file(*file);
        changed = true;
    }
    for (path, text) in wanted.into_iter().skip(same) {
        compiler.add_file(path, text);
        changed = true;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use notify::event::{CreateKind, DataChange, ModifyKind};
    use notify::{Event, EventKind};

    use super::*;

    fn event(kind: EventKind, path: &str) -> notify::Result<Event> {
        Ok(Event::new(kind).add_path(PathBuf::from(path)))
    }

    #[test]
    fn only_changes_that_can_touch_the_policy_set_cause_a_rescan() {
        let written = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        assert!(worth_a_look(&event(written, "policies/files.writ")));
        assert!(!worth_a_look(&event(written, "policies/decisions.jsonl")));
        assert!(worth_a_look(&event(
            EventKind::Create(CreateKind::Folder),
            "policies/more"
        )));
        let opened = EventKind::Access(AccessKind::Open(AccessMode::Any));
        assert!(!worth_a_look(&event(opened, "policies/files.writ")));
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        assert!(worth_a_look(&event(closed, "policies/files.writ")));
        assert!(worth_a_look(&Err(notify::Error::generic("queue overflow"))));
    }
}
