//! Worker threads for requests and background checks, so that the main loop keeps reading
//! (and applying edits) while they run.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::thread;

use crossbeam_channel::{Sender, unbounded};

type Job = Box<dyn FnOnce() + Send>;

pub struct Pool {
    sender: Option<Sender<Job>>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl Pool {
    pub fn new(threads: usize) -> Pool {
        let (sender, receiver) = unbounded::<Job>();
        let threads = (0..threads.max(1))
            .filter_map(|i| {
                let receiver = receiver.clone();
                thread::Builder::new()
                    .name(format!("writ-lsp-worker-{i}"))
                    .spawn(move || {
                        for job in receiver {
                            // A job reports its own failures; this only keeps the thread alive
                            // should one slip through.
                            let _ = catch_unwind(AssertUnwindSafe(job));
                        }
                    })
                    .ok()
            })
            .collect();
        Pool {
            sender: Some(sender),
            threads,
        }
    }

    pub fn spawn(&self, job: impl FnOnce() + Send + 'static) {
        if let Some(sender) = &self.sender {
            // Sending fails only once every worker is gone, when nobody waits for the answer.
            let _ = sender.send(Box::new(job));
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.sender = None;
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}
