//! Counters for `GET /metrics`, kept in atomics so that recording one costs a few
//! nanoseconds on the request path, and rendered in Prometheus' text format on demand.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use writ_evaluator::Outcome;

/// Upper bounds of the latency buckets, in seconds: fine below a millisecond, where decisions
/// are, and coarse above, where only trouble is.
const BUCKETS: [f64; 14] = [
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0,
];

#[derive(Default)]
pub struct Histogram {
    /// Observations per bucket (not cumulative); the last counts those above every bound.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_nanos: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let index = BUCKETS.partition_point(|&bound| bound < seconds);
        self.buckets[index].fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        for (i, bound) in BUCKETS.iter().enumerate() {
            cumulative += self.buckets[i].load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
        }
        cumulative += self.buckets[BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {cumulative}");
        let sum = self.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
        let _ = writeln!(out, "{name}_sum{{{labels}}} {sum}");
        let _ = writeln!(out, "{name}_count{{{labels}}} {cumulative}");
    }
}

pub struct Metrics {
    decisions: [AtomicU64; 3],
    pub decide_latency: Histogram,
    pub batch_latency: Histogram,
    /// Responses by status code, indexed by `code - 100`.
    responses: Vec<AtomicU64>,
    pub in_flight: AtomicI64,
    pub reloads_ok: AtomicU64,
    pub reloads_failed: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            decisions: Default::default(),
            decide_latency: Histogram::default(),
            batch_latency: Histogram::default(),
            responses: (100..600).map(|_| AtomicU64::new(0)).collect(),
            in_flight: AtomicI64::new(0),
            reloads_ok: AtomicU64::new(0),
            reloads_failed: AtomicU64::new(0),
        }
    }
}

/// Values that live elsewhere (the policy set, the log), read when rendering.
pub struct Gauges<'a> {
    pub policy_hash: &'a str,
    pub rules: usize,
    pub reload_error: bool,
    pub log_written: u64,
    pub log_syncs: u64,
    pub log_failed: bool,
    pub recent: usize,
}

impl Metrics {
    pub fn decided(&self, outcome: Outcome) {
        let index = match outcome {
            Outcome::Allow => 0,
            Outcome::Review => 1,
            Outcome::Deny => 2,
        };
        self.decisions[index].fetch_add(1, Ordering::Relaxed);
    }

    pub fn responded(&self, status: u16) {
        if let Some(counter) = usize::from(status)
            .checked_sub(100)
            .and_then(|i| self.responses.get(i))
        {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::with_capacity(4096);
        let family = |out: &mut String, name: &str, kind: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        };
        family(
            &mut out,
            "writ_decisions_total",
            "counter",
            "Decisions made, by outcome.",
        );
        for (i, outcome) in ["allow", "review", "deny"].iter().enumerate() {
            let n = self.decisions[i].load(Ordering::Relaxed);
            let _ = writeln!(out, "writ_decisions_total{{outcome=\"{outcome}\"}} {n}");
        }
        family(
            &mut out,
            "writ_decide_duration_seconds",
            "histogram",
            "Time to answer a decide request: reading the body, validating, deciding, \
             explaining and queueing the log entries.",
        );
        self.decide_latency.render(
            &mut out,
            "writ_decide_duration_seconds",
            "endpoint=\"decide\"",
        );
        self.batch_latency.render(
            &mut out,
            "writ_decide_duration_seconds",
            "endpoint=\"batch\"",
        );
        family(
            &mut out,
            "writ_http_responses_total",
            "counter",
            "HTTP responses, by status code (4xx: client errors; 503: decision log failed).",
        );
        for (i, counter) in self.responses.iter().enumerate() {
            let n = counter.load(Ordering::Relaxed);
            if n > 0 {
                let _ = writeln!(out, "writ_http_responses_total{{code=\"{}\"}} {n}", i + 100);
            }
        }
        family(
            &mut out,
            "writ_requests_in_flight",
            "gauge",
            "Requests being answered.",
        );
        let n = self.in_flight.load(Ordering::Relaxed);
        let _ = writeln!(out, "writ_requests_in_flight {n}");
        family(
            &mut out,
            "writ_reloads_total",
            "counter",
            "Policy reloads, by result.",
        );
        let ok = self.reloads_ok.load(Ordering::Relaxed);
        let failed = self.reloads_failed.load(Ordering::Relaxed);
        let _ = writeln!(out, "writ_reloads_total{{result=\"ok\"}} {ok}");
        let _ = writeln!(out, "writ_reloads_total{{result=\"error\"}} {failed}");
        family(
            &mut out,
            "writ_reload_error",
            "gauge",
            "1 while the last reload failed and the previous policy set is still served.",
        );
        let _ = writeln!(out, "writ_reload_error {}", u8::from(gauges.reload_error));
        family(
            &mut out,
            "writ_policy_info",
            "gauge",
            "The served policy set.",
        );
        let _ = writeln!(
            out,
            "writ_policy_info{{policy_hash=\"{}\"}} 1",
            gauges.policy_hash
        );
        family(
            &mut out,
            "writ_policy_rules",
            "gauge",
            "Rules in the served policy set.",
        );
        let _ = writeln!(out, "writ_policy_rules {}", gauges.rules);
        family(
            &mut out,
            "writ_decision_log_entries_total",
            "counter",
            "Entries written to the decision log.",
        );
        let _ = writeln!(
            out,
            "writ_decision_log_entries_total {}",
            gauges.log_written
        );
        family(
            &mut out,
            "writ_decision_log_syncs_total",
            "counter",
            "fsync calls on the decision log.",
        );
        let _ = writeln!(out, "writ_decision_log_syncs_total {}", gauges.log_syncs);
        family(
            &mut out,
            "writ_decision_log_failed",
            "gauge",
            "1 once the decision log could not be written (decisions are then refused).",
        );
        let _ = writeln!(
            out,
            "writ_decision_log_failed {}",
            u8::from(gauges.log_failed)
        );
        family(
            &mut out,
            "writ_decision_log_recent",
            "gauge",
            "Entries kept in memory for the review page.",
        );
        let _ = writeln!(out, "writ_decision_log_recent {}", gauges.recent);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_and_end_at_the_count() {
        let metrics = Metrics::default();
        metrics.decide_latency.observe(Duration::from_micros(30));
        metrics.decide_latency.observe(Duration::from_micros(300));
        metrics.decide_latency.observe(Duration::from_secs(9));
        metrics.decided(Outcome::Deny);
        metrics.responded(200);
        metrics.responded(999);
        let text = metrics.render(&Gauges {
            policy_hash: "ab",
            rules: 1,
            reload_error: false,
            log_written: 0,
            log_syncs: 0,
            log_failed: false,
            recent: 0,
        });
        let line = |prefix: &str| {
            text.lines()
                .find(|l| l.starts_with(prefix))
                .unwrap_or_else(|| panic!("no `{prefix}` in\n{text}"))
                .to_string()
        };
        assert!(
            line("writ_decide_duration_seconds_bucket{endpoint=\"decide\",le=\"0.00005\"}")
                .ends_with(" 1")
        );
        assert!(
            line("writ_decide_duration_seconds_bucket{endpoint=\"decide\",le=\"0.0005\"}")
                .ends_with(" 2")
        );
        assert!(
            line("writ_decide_duration_seconds_bucket{endpoint=\"decide\",le=\"5\"}")
                .ends_with(" 2")
        );
        assert!(
            line("writ_decide_duration_seconds_bucket{endpoint=\"decide\",le=\"+Inf\"}")
                .ends_with(" 3")
        );
        assert!(line("writ_decide_duration_seconds_count{endpoint=\"decide\"}").ends_with(" 3"));
        assert!(line("writ_decisions_total{outcome=\"deny\"}").ends_with(" 1"));
        assert!(line("writ_http_responses_total{code=\"200\"}").ends_with(" 1"));
    }
}
